"""The visits screen's keys: record a visit made (with the needs found, each a ticket), add
an ad-hoc visit, cancel one (after a confirmation), plan what is due now.

Every change goes through the services in a thread worker; a refusal is a one-line toast,
nothing is written, and a refused form opens again with what was typed. A read-only
console refuses before any form opens.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import suppress
from typing import Any

from textual import work
from textual.binding import Binding

from helpdesk_tui.domain.channel import Channel
from helpdesk_tui.domain.errors import HelpdeskError, InvalidInput
from helpdesk_tui.domain.severity import Severity, parse_severity
from helpdesk_tui.domain.visits import SATISFACTION, Need, VisitMethod, parse_method
from helpdesk_tui.safe_text import one_line
from helpdesk_tui.services import visits
from helpdesk_tui.services.desk import Desk
from helpdesk_tui.services.visits import VisitRow
from helpdesk_tui.tui.change_runner import apply_change

VISIT_BINDINGS = (
    Binding("r", "record_visit", "Record visit", id="visits.record_visit"),
    Binding("n", "new_visit", "New visit", id="visits.new_visit"),
    Binding("d", "cancel_visit", "Cancel visit", id="visits.cancel_visit"),
    Binding("p", "plan_visits", "Plan now", id="visits.plan_visits"),
)
_SEVERITY_PREFIX = re.compile(r"^\s*([^:：\s]{1,8})\s*[:：]\s*(.+)$")


def parse_need_lines(text: str, channel: Channel) -> list[Need]:
    """One need a line; `serious: title` (or `严重：标题`) sets its severity (minor)."""
    needs = []
    for line in text.splitlines():
        if not line.strip():
            continue
        severity, title = Severity.MINOR, line.strip()
        match = _SEVERITY_PREFIX.match(line)
        if match:
            with suppress(InvalidInput):  # else a colon in an ordinary title
                severity, title = parse_severity(match.group(1)), match.group(2).strip()
        needs.append(Need(title, severity, channel))
    return needs


class VisitActions:
    """Mixin for the visits screen: it says which planned visit is selected and reloads
    (`data_changed`)."""

    def selected_visit(self) -> VisitRow | None:
        return None

    def data_changed(self) -> None:
        raise NotImplementedError

    def _writable(self) -> bool:
        if self.app.read_only:
            self.app.notify(self.app.texts("message.read_only"), severity="warning")
        return not self.app.read_only

    def _planned_selected(self) -> VisitRow | None:
        if not self._writable():
            return None
        row = self.selected_visit()
        if row is None:
            self.app.notify(self.app.texts("visits.no_selection"), severity="warning")
        return row

    @work(thread=True, group="visits-change", exit_on_error=False)
    def change_visits(
        self, done: Callable[[], str], apply: Callable[[Desk], Any],
        again: Callable[[], None] | None = None,
    ) -> None:  # fmt: skip
        if apply_change(self.app, apply, done):
            self.app.call_from_thread(self.data_changed)
        elif again is not None:
            self.app.call_from_thread(again)

    # -- record -------------------------------------------------------------

    def action_record_visit(self) -> None:
        row = self._planned_selected()
        if row is not None:
            self._record_form(row, {})

    def _record_form(self, row: VisitRow, typed: dict[str, str]) -> None:
        from helpdesk_tui.tui.screens.forms import Field, FormScreen

        t, visit = self.app.texts, row.visit
        name = f"{one_line(row.customer)} · {visit.due_on.isoformat()}"
        low, high = SATISFACTION
        fields = [
            Field("satisfaction", t("visits.field_satisfaction"), "int", required=True,
                  default=typed.get("satisfaction", ""), minimum=low, maximum=high),
            Field("method", t("visits.field_method"),
                  default=typed.get("method", _method_word(t, visit.method))),
            Field("notes", t("visits.field_notes"), "text", default=typed.get("notes", "")),
            Field("survey", t("visits.field_needs_survey"), "text",
                  default=typed.get("survey", "")),
            Field("proactive", t("visits.field_needs_proactive"), "text",
                  default=typed.get("proactive", "")),
        ]  # fmt: skip
        visit_id, version = visit.id, visit.version

        def submitted(values: dict[str, Any] | None) -> None:
            if values is None:
                return
            again = {key: str(value) for key, value in values.items()}
            try:
                method = parse_method(values["method"] or VisitMethod.PHONE.value)
            except HelpdeskError as error:
                self.app.notify(str(error), severity="error", timeout=6)
                self._record_form(row, again)
                return
            needs = parse_need_lines(values["survey"], Channel.SURVEY)
            needs += parse_need_lines(values["proactive"], Channel.PROACTIVE)
            made: list[str] = []

            def apply(desk: Desk) -> None:
                _, raised = visits.record_visit(
                    desk, visit_id, values["satisfaction"], values["notes"], method=method,
                    needs=needs, expected_version=version)  # fmt: skip
                made.extend(ticket.key for ticket in raised)

            def done() -> str:
                if made:
                    return t("visits.recorded_with", name=name, tickets=" ".join(made))
                return t("visits.recorded", name=name)

            self.change_visits(done, apply, lambda: self._record_form(row, again))

        title = t("visits.record_title", name=name)
        self.app.push_screen(FormScreen(title, fields, t("form.submit_hint")), submitted)

    # -- new ------------------------------------------------------------------

    def action_new_visit(self) -> None:
        if self._writable():
            self._new_form({})

    def _new_form(self, typed: dict[str, str]) -> None:
        from helpdesk_tui.tui.maintenance_actions import parse_day
        from helpdesk_tui.tui.screens.forms import Field, FormScreen

        t, desk = self.app.texts, self.app.desk
        row = self.selected_visit()
        customer = row.customer if row is not None else ""
        fields = [
            Field("customer", t("visits.field_customer"), required=True,
                  default=typed.get("customer", customer)),
            Field("due", t("visits.field_due"), default=typed.get("due", "")),
            Field("method", t("visits.field_method"), default=typed.get("method", "")),
            Field("visitor", t("visits.field_visitor"), default=typed.get("visitor", "")),
            Field("notes", t("visits.field_notes"), "text", default=typed.get("notes", "")),
        ]  # fmt: skip

        def submitted(values: dict[str, Any] | None) -> None:
            if values is None:
                return
            again = {key: str(value) for key, value in values.items()}
            today = desk.now().astimezone(desk.zone).date()
            try:
                due = parse_day(values["due"], today)
                method = parse_method(values["method"] or VisitMethod.PHONE.value)
            except HelpdeskError as error:
                self.app.notify(str(error), severity="error", timeout=6)
                self._new_form(again)
                return
            name = one_line(values["customer"])
            self.change_visits(
                lambda: t("visits.added", name=name),
                lambda d: visits.add_visit(d, values["customer"], due, visitor=values["visitor"],
                                           method=method, notes=values["notes"]),
                lambda: self._new_form(again),
            )  # fmt: skip

        self.app.push_screen(
            FormScreen(t("visits.new_title"), fields, t("form.submit_hint")), submitted
        )

    # -- cancel ---------------------------------------------------------------

    def action_cancel_visit(self) -> None:
        from helpdesk_tui.tui.screens.forms import ChoiceScreen

        row = self._planned_selected()
        if row is None:
            return
        t, visit = self.app.texts, row.visit
        name = f"{one_line(row.customer)} · {visit.due_on.isoformat()}"
        visit_id, version = visit.id, visit.version

        def chosen(result: dict[str, Any] | None) -> None:
            if not result or result.get("choice") != "yes":
                return
            self.change_visits(
                lambda: t("visits.cancelled", name=name),
                lambda d: visits.cancel_visit(d, visit_id, expected_version=version),
            )

        choices = [("no", t("visits.cancel_no")), ("yes", t("visits.cancel_yes"))]
        self.app.push_screen(ChoiceScreen(t("visits.cancel_title", name=name), choices), chosen)

    # -- plan -----------------------------------------------------------------

    def action_plan_visits(self) -> None:
        if not self._writable():
            return
        t = self.app.texts
        count: list[int] = []
        self.change_visits(
            lambda: t("visits.planned", count=count[0] if count else 0),
            lambda d: count.append(len(visits.plan_visits(d))),
        )


def _method_word(t, method: str) -> str:
    """The method as the user types it in their language (parse_method reads both)."""
    return t(f"visits.method_{method}") if t.lang == "zh" else method
