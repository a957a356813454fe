"""The workspace's `b` key: who pays for the ticket (服务类型). A list to choose from (one
of the seed's exclusions, goodwill or billable by hand, clearing the exclusion), then a
short form for the note that goes into the work log (and, for an exclusion, whether the
vendor waives the charge). The change runs through `services.coverage` with the version
the user saw."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual.binding import Binding

from helpdesk_tui.domain.coverage import Coverage, Exclusion
from helpdesk_tui.i18n import Texts
from helpdesk_tui.safe_text import one_line
from helpdesk_tui.services import coverage as covering
from helpdesk_tui.services.desk import Desk
from helpdesk_tui.store.models import Ticket

COVERAGE_BINDING = Binding("b", "coverage", "Coverage", id="workspace.coverage")
COVERAGE_STYLE = {"warranty": "bold #5faf5f", "contract": "#5fafd7", "billable": "bold #ffaf00",
                  "goodwill": "bold #af87ff"}  # fmt: skip
CLEAR = "clear"


def coverage_line(t: Texts, ticket: Ticket) -> Text:
    """`Billable · Exclusion: Customer-caused damage · the note`"""
    line = Text(t(f"coverage.{ticket.coverage}"), style=COVERAGE_STYLE.get(ticket.coverage, ""))
    if ticket.exclusion:
        line.append(f" · {t('coverage.exclusion')}: {t(f'exclusion.{ticket.exclusion}')}")
        if ticket.exclusion_note:
            line.append(f" · {one_line(ticket.exclusion_note, 200)}", style="dim")
    return line


def coverage_choices(t: Texts, ticket: Ticket | None) -> list[tuple[str, str]]:
    """What the list offers: each exclusion, goodwill or billable by hand, and clearing an
    exclusion when there is one."""
    choices = [(f"exclude:{kind.value}", t("coverage.exclude", kind=t(f"exclusion.{kind.value}")))
               for kind in Exclusion]  # fmt: skip
    for coverage in (Coverage.GOODWILL, Coverage.BILLABLE):
        label = t("coverage.set", coverage=t(f"coverage.{coverage.value}"))
        choices.append((f"set:{coverage.value}", label))
    if ticket is not None and ticket.exclusion:
        choices.append((CLEAR, t("coverage.clear")))
    return choices


def note_fields(t: Texts, choice: str) -> list:
    from helpdesk_tui.tui.screens.forms import Field

    fields = [Field("note", t("coverage.note_field"), "text")]
    if choice.startswith("exclude:"):
        fields.append(Field("goodwill", t("coverage.goodwill_field"), "yesno"))
    return fields


def coverage_change(
    choice: str, values: dict[str, Any], version: int
) -> Callable[[Desk, str], Any]:
    """The use case the choice and the form's values call, for a ticket reference."""
    note = values.get("note", "")
    kind, _, value = choice.partition(":")
    if kind == "exclude":
        exclusion, goodwill = Exclusion(value), bool(values.get("goodwill"))
        return lambda desk, ref: covering.record_exclusion(
            desk, ref, exclusion, goodwill=goodwill, note=note, expected_version=version
        )
    if kind == "set":
        coverage = Coverage(value)
        return lambda desk, ref: covering.set_coverage(
            desk, ref, coverage, note=note, expected_version=version)  # fmt: skip
    return lambda desk, ref: covering.clear_exclusion(desk, ref, note=note,
                                                      expected_version=version)  # fmt: skip
