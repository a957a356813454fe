"""The ticket workspace: everything about one ticket, and the triage keys to act on it.

`enter` on a queue row opens it, `esc` goes back, `F` writes the fault analysis
(故障分析). Three panes — details, the support maintenance record (支持维护记录) and the
audit trail — take turns with tab / shift+tab and scroll with j/k. Data is read in a
worker; a change made anywhere (this console, another one, the CLI) reloads it, and a
change made elsewhere is announced.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import suppress
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from rich.cells import cell_len
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, VerticalScroll
from textual.screen import Screen
from textual.widgets import Static
from textual.worker import Worker

from helpdesk_tui.domain.errors import HelpdeskError
from helpdesk_tui.domain.severity import Severity, SlaTargets
from helpdesk_tui.domain.sla import stored_states
from helpdesk_tui.i18n import Texts
from helpdesk_tui.reference_data import policy_with_override
from helpdesk_tui.safe_text import fit, one_line, printable
from helpdesk_tui.services import tickets as use
from helpdesk_tui.services.desk import Desk
from helpdesk_tui.store.models import Ticket, ticket_key
from helpdesk_tui.store.queries import TicketDetail
from helpdesk_tui.tui.clock_text import SEVERITY_STYLE
from helpdesk_tui.tui.coverage_actions import COVERAGE_BINDING, coverage_line
from helpdesk_tui.tui.paper_export import PAPER_BINDING, PaperExport
from helpdesk_tui.tui.ticket_actions import TicketActions
from helpdesk_tui.tui.widgets.key_bar import KeyBar
from helpdesk_tui.tui.widgets.ticket_summary import TargetView, sla_bar

AUDIT_DETAIL_LIMIT = 400  # characters of an audit entry's detail; the line itself is cut to fit
DAY_TIME = "%Y-%m-%d %H:%M"
SHORT_TIME = "%m-%d %H:%M"
KIND_STYLE = {"summary": "bold #5faf5f", "response": "#5fafd7", "respond": "#5fafd7"}


class WorkspacePane(VerticalScroll, inherit_bindings=False):
    """One focusable, scrollable part of the workspace."""

    BINDINGS = [  # noqa: RUF012
        Binding("j,down", "scroll_down", "Down", show=False, id="workspace.down"),
        Binding("k,up", "scroll_up", "Up", show=False, id="workspace.up"),
        Binding("g,home", "scroll_home", "Top", show=False, id="workspace.top"),
        Binding("G,end", "scroll_end", "Bottom", show=False, id="workspace.bottom"),
        Binding("pagedown,ctrl+f,space", "page_down", "Page down", show=False,
                id="workspace.page_down"),
        Binding("pageup,ctrl+b", "page_up", "Page up", show=False, id="workspace.page_up"),
    ]  # fmt: skip

    @property
    def at_end(self) -> bool:
        return self.scroll_y >= self.max_scroll_y


class WorkspaceScreen(TicketActions, PaperExport, Screen):
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]  # noqa: RUF012

    DEFAULT_CSS = """
    WorkspaceScreen { layout: vertical; }
    WorkspaceScreen #ws-header {
        height: 1; background: $panel; text-wrap: nowrap; text-overflow: ellipsis;
    }
    WorkspaceScreen #ws-sla { height: 2; padding: 0 1; text-wrap: nowrap; }
    WorkspaceScreen #ws-body {
        height: 1fr;
        layout: grid;
        grid-size: 2 2;
        grid-columns: 1fr 1fr;
        grid-rows: 3fr 2fr;
    }
    WorkspaceScreen .ws-pane {
        height: 1fr;
        padding: 0 1;
        border: round $primary 40%;
        border-title-color: $text-muted;
    }
    WorkspaceScreen .ws-pane:focus { border: round $accent; border-title-color: $text; }
    WorkspaceScreen #ws-details { row-span: 2; }
    WorkspaceScreen #ws-description, WorkspaceScreen #ws-analysis, WorkspaceScreen #ws-outcome {
        margin-top: 1;
    }
    WorkspaceScreen #ws-audit-text { text-wrap: nowrap; text-overflow: ellipsis; }

    /* Narrow terminals: the panes stack, and the focused one takes the room. */
    WorkspaceScreen.-narrow #ws-body { layout: vertical; }
    WorkspaceScreen.-narrow .ws-pane { height: 4; }
    WorkspaceScreen.-narrow .ws-pane:focus { height: 1fr; }
    """

    BINDINGS = [  # noqa: RUF012
        Binding("escape", "back", "Back", id="workspace.back"),
        *TicketActions.ACTION_BINDINGS,
        Binding("F", "analyse", "Fault analysis", id="workspace.analyse"),
        PAPER_BINDING,
        COVERAGE_BINDING,
    ]

    def __init__(self, ticket_id: int) -> None:
        super().__init__()
        self.ticket_id = ticket_id
        self.detail: TicketDetail | None = None
        self.targets: SlaTargets | None = None
        self.loaded = False  # the first load has come back (the ticket may not exist)
        self._loads = 0  # only the newest load is shown
        self._own_versions: set[int] = set()  # versions this console's own changes made

    def compose(self) -> ComposeResult:
        yield Static(id="ws-header")
        yield Static(id="ws-sla")
        with Container(id="ws-body"):
            with WorkspacePane(id="ws-details", classes="ws-pane"):
                yield Static(id="ws-fields")
                yield Static(id="ws-description")
                yield Static(id="ws-analysis")
                yield Static(id="ws-outcome")
            with WorkspacePane(id="ws-log", classes="ws-pane"):
                yield Static(id="ws-log-text")
            with WorkspacePane(id="ws-audit", classes="ws-pane"):
                yield Static(id="ws-audit-text")
        yield KeyBar()

    def on_mount(self) -> None:
        t = self.app.texts
        self.query_one("#ws-details").border_title = t("workspace.details")
        self.query_one("#ws-log").border_title = t("workspace.work_log")
        self.query_one("#ws-audit").border_title = t("workspace.audit")
        header = Text(f" {ticket_key(self.ticket_id)} ", style="bold reverse")
        header.append(f"  {t('workspace.loading')}", style="dim")
        self.query_one("#ws-header", Static).update(header)
        self.query_one("#ws-details").focus()
        self.reload()

    # -- data ---------------------------------------------------------------

    def reload(self) -> None:
        self._loads += 1
        self._load(self._loads)

    @work(thread=True, exclusive=True, group="workspace")
    def _load(self, load: int) -> None:
        app = self.app
        detail = app.reader.detail(self.ticket_id)
        targets = _targets(app.desk, detail) if detail is not None else None
        app.call_from_thread(self._show, load, detail, targets)

    def _show(self, load: int, detail: TicketDetail | None, targets: SlaTargets | None) -> None:
        if load != self._loads or not self.is_attached:
            return  # a newer load is on its way, or the screen is gone
        before = self.detail.row.ticket.version if self.detail is not None else None
        self.detail, self.targets, self.loaded = detail, targets, True
        if detail is None:
            self._paint_missing()
            return
        version = detail.row.ticket.version
        if before is not None and version != before and version not in self._own_versions:
            self.app.notify(self.app.texts("message.refreshed"), timeout=4)
        self._paint(first=before is None)

    def data_changed(self) -> None:
        self.reload()

    def tick(self) -> None:
        if self.detail is not None and self.targets is not None:
            self._paint_sla()

    def change(self, label: str, ticket_id: int, apply: Callable[[Desk], Any]) -> Worker:
        """Remember the versions our own changes make, so only others' are announced."""

        def apply_and_remember(desk: Desk) -> Any:
            result = apply(desk)
            version = getattr(result, "version", None)
            if isinstance(version, int):
                self._own_versions.add(version)
            return result

        return super().change(label, ticket_id, apply_and_remember)

    # -- painting -----------------------------------------------------------

    def _paint_missing(self) -> None:
        t = self.app.texts
        key = ticket_key(self.ticket_id)
        header = Text(f" {key} ", style="bold reverse")
        header.append(f"  {t('workspace.missing', key=key)}", style="bold")
        self.query_one("#ws-header", Static).update(header)
        for name in ("#ws-sla", "#ws-fields", "#ws-description", "#ws-analysis", "#ws-outcome",
                     "#ws-log-text", "#ws-audit-text"):  # fmt: skip
            self.query_one(name, Static).update("")

    def _paint(self, *, first: bool) -> None:
        assert self.detail is not None
        t, zone = self.app.texts, self.app.desk.zone
        ticket = self.detail.row.ticket
        self.query_one("#ws-header", Static).update(_header(t, ticket))
        self._paint_sla()
        self.query_one("#ws-fields", Static).update(_fields(t, self.detail, zone))
        self.query_one("#ws-description", Static).update(_description(t, ticket))
        self.query_one("#ws-analysis", Static).update(_analysis(t, ticket))
        outcome = _outcome(t, ticket)
        outcome_widget = self.query_one("#ws-outcome", Static)
        outcome_widget.update(outcome or "")
        outcome_widget.display = outcome is not None
        for pane_id, text_id, text in (
            ("#ws-log", "#ws-log-text", _work_log(t, self.detail, zone)),
            ("#ws-audit", "#ws-audit-text", _audit(t, self.detail, zone)),
        ):
            pane = self.query_one(pane_id, WorkspacePane)
            follow = first or pane.at_end  # newest at the bottom: keep it in view
            self.query_one(text_id, Static).update(text)
            if follow:
                pane.scroll_end(animate=False)

    def _paint_sla(self) -> None:
        assert self.detail is not None and self.targets is not None
        t, zone = self.app.texts, self.app.desk.zone
        now = self.app.desk.now()
        ticket = self.detail.row.ticket
        response, fix = stored_states(ticket, now)
        remaining = (
            timedelta(seconds=ticket.fix_remaining_seconds)
            if ticket.fix_remaining_seconds is not None
            else None
        )
        labels = [t("summary.response"), t("summary.fix")]
        width = max(cell_len(label) for label in labels)
        views = [
            TargetView(response, ticket.reported_at, ticket.response_due_at,
                       ticket.first_response_at),
            TargetView(fix, ticket.reported_at, ticket.resolve_due_at, ticket.resolved_at,
                       remaining, self.targets.fix),
        ]  # fmt: skip
        bars = Text("\n").join(
            sla_bar(t, fit(label, width), view, now, zone)
            for label, view in zip(labels, views, strict=True)
        )
        self.query_one("#ws-sla", Static).update(bars)

    # -- keys ---------------------------------------------------------------

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_analyse(self) -> None:
        from helpdesk_tui.tui.screens.forms import analysis_form

        ticket = self.detail.row.ticket if self.detail is not None else None
        cause, fix = (ticket.root_cause or "", ticket.fix_applied or "") if ticket else ("", "")
        form = lambda key: analysis_form(self.app.texts, key, cause, fix)  # noqa: E731
        self._with_form("analyse", form, _analyse)

    def action_coverage(self) -> None:
        """Who pays: an exclusion, goodwill or billable by hand, or the exclusion cleared."""
        from helpdesk_tui.tui.coverage_actions import coverage_change, coverage_choices, note_fields
        from helpdesk_tui.tui.screens.forms import ChoiceScreen, FormScreen

        t = self.app.texts
        ticket = self.detail.row.ticket if self.detail is not None else None

        def run(ticket_id: int, version: int) -> None:
            key = ticket_key(ticket_id)
            choices = coverage_choices(t, ticket)

            def chosen(picked: dict[str, Any] | None) -> None:
                if picked is None:
                    return
                choice = picked["choice"]

                def submitted(values: dict[str, Any] | None) -> None:
                    if values is not None:
                        apply = coverage_change(choice, values, version)
                        self.change("coverage", ticket_id, lambda d: apply(d, str(ticket_id)))

                title = t("coverage.note_title", what=dict(choices)[choice], key=key)
                form = FormScreen(title, note_fields(t, choice), t("form.submit_hint"))
                self.app.push_screen(form, submitted)

            self.app.push_screen(ChoiceScreen(t("coverage.choose_title", key=key), choices), chosen)

        self._with_ticket(run)

    def selected_ticket(self) -> tuple[int, int] | None:
        if self.detail is None or self.detail.row.ticket.version is None:
            return None
        return self.ticket_id, self.detail.row.ticket.version


# -- what the panes show (pure: a ticket's data in, rich Text out) ----------


def _targets(desk: Desk, detail: TicketDetail) -> SlaTargets:
    """The targets the deadlines were computed with: the contract's own terms if it has any."""
    policy = desk.policy
    if detail.contract is not None and detail.contract.sla_policy:
        # A broken override was refused when it was saved; if one got in, show the desk's.
        with suppress(HelpdeskError):
            policy = policy_with_override(policy, detail.contract.sla_policy)
    return policy.targets[Severity(detail.row.ticket.severity)]


def _header(t: Texts, ticket: Ticket) -> Text:
    header = Text(f" {ticket.key} ", style="bold reverse")
    header.append(" ")
    header.append(f" {t.severity(ticket.severity)} ", style=SEVERITY_STYLE.get(ticket.severity, ""))
    header.append(f" · {t.status(ticket.status)} · v{ticket.version}  ", style="")
    header.append(one_line(ticket.title), style="bold")
    return header


def _when(instant: datetime | None, zone: ZoneInfo, layout: str = DAY_TIME) -> str:
    return instant.astimezone(zone).strftime(layout) if instant is not None else "—"


def _fields(t: Texts, detail: TicketDetail, zone: ZoneInfo) -> Table:
    ticket = detail.row.ticket
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column(ratio=1)

    def row(label: str, value: str | Text) -> None:
        shown = Text(value) if isinstance(value, str) else value
        table.add_row(Text(t(f"workspace.{label}")), shown)

    row("title", Text(one_line(ticket.title), style="bold"))
    row("customer", one_line(detail.row.customer))
    if detail.contact is not None:
        contact = detail.contact
        parts = [contact.name, contact.role, contact.phone, contact.email]
        row("contact", " · ".join(one_line(p) for p in parts if p))
    if detail.contract is not None:
        contract = detail.contract
        parts = [contract.number, contract.title]
        row("contract", " · ".join(one_line(p) for p in parts if p))
    table.add_row(Text(t("coverage.title")), coverage_line(t, ticket))
    severity_style = SEVERITY_STYLE.get(ticket.severity, "")
    row("kind", t.ticket_kind(ticket.kind))
    row("severity", Text(t.severity(ticket.severity), style=severity_style))
    row("status", t.status(ticket.status))
    row("channel", t.channel(ticket.channel))
    row("assignee", one_line(detail.row.assignee or "—"))
    row("reported", _when(ticket.reported_at, zone))
    row("response_due", _when(ticket.response_due_at, zone))
    row("first_response", _when(ticket.first_response_at, zone))
    row("fix_due", _when(ticket.resolve_due_at, zone))
    if ticket.resolved_at is not None:
        row("resolved", _when(ticket.resolved_at, zone))
    if ticket.accepted_at is not None:
        row("accepted", _when(ticket.accepted_at, zone))
    if ticket.cancelled_at is not None:
        row("cancelled", _when(ticket.cancelled_at, zone))
    row("version", str(ticket.version))
    return table


def _description(t: Texts, ticket: Ticket) -> Text:
    text = Text()  # the heading's style stays on the heading
    text.append(t("workspace.description"), style="bold underline")
    text.append("\n")
    if ticket.description:
        text.append(_block(ticket.description))
    else:
        text.append("—", style="dim")
    return text


def _analysis(t: Texts, ticket: Ticket) -> Text:
    """The fault analysis (故障分析): why it happened, what fixed it."""
    text = Text()
    text.append(t("workspace.analysis"), style="bold underline")
    if not ticket.root_cause and not ticket.fix_applied:
        text.append("\n")
        text.append(t("workspace.no_analysis"), style="dim")
        return text
    for label, value in (("root_cause", ticket.root_cause), ("fix_applied", ticket.fix_applied)):
        text.append("\n")
        text.append(t(f"workspace.{label}"), style="bold")
        text.append("\n")
        text.append(_block(value) if value else "—", style="" if value else "dim")
    return text


def _analyse(desk: Desk, ref: str, version: int, values: dict[str, Any]) -> Any:
    return use.analyse(
        desk, ref, values["root_cause"], values["fix_applied"], expected_version=version
    )


def _outcome(t: Texts, ticket: Ticket) -> Text | None:
    """The maintenance summary (维护总结), the customer's rating and comment, when there."""
    parts: list[Text] = []
    if ticket.resolution_summary:
        parts.append(Text(t("workspace.summary"), style="bold underline"))
        parts.append(Text(_block(ticket.resolution_summary)))
    if ticket.rating is not None:
        stars = "★" * ticket.rating + "☆" * max(5 - ticket.rating, 0)
        line = Text(f"{t('workspace.rating')}  ", style="bold")
        line.append(f"{stars} {ticket.rating}/5", style="#ffd700")
        parts.append(line)
    if ticket.acceptance_comment:
        parts.append(Text(t("workspace.acceptance"), style="bold underline"))
        parts.append(Text(_block(ticket.acceptance_comment)))
    return Text("\n").join(parts) if parts else None


def _work_log(t: Texts, detail: TicketDetail, zone: ZoneInfo) -> Text:
    if not detail.work_log:
        return Text(t("workspace.no_log"), style="dim")
    entries: list[Text] = []
    for entry in detail.work_log:
        line = Text(_when(entry.at, zone), style="dim")
        line.append("  ")
        line.append(one_line(entry.author, 40), style="bold")
        line.append("  ")
        line.append(_label(t, entry.kind), style=KIND_STYLE.get(entry.kind, "italic"))
        if entry.minutes:
            line.append(f"  {t('workspace.minutes', minutes=entry.minutes)}", style="dim")
        line.append("\n")
        line.append(_block(entry.text))
        entries.append(line)
    return Text("\n\n").join(entries)


def _audit(t: Texts, detail: TicketDetail, zone: ZoneInfo) -> Text:
    if not detail.audit:
        return Text(t("workspace.no_audit"), style="dim")
    lines: list[Text] = []
    for entry in detail.audit:
        line = Text(_when(entry.at, zone), style="dim")
        line.append(f"  {fit(one_line(entry.actor), 10)} ", style="bold")
        line.append(fit(_label(t, entry.action), 12), style="italic")
        line.append(" " + audit_summary(entry.detail, zone), style="dim")
        lines.append(line)
    return Text("\n").join(lines)


def _label(t: Texts, kind: str) -> str:
    """A work log kind or audit action in the UI language; unknown ones as they are."""
    for key in (f"workspace.kind_{kind}", f"key.{kind}"):
        label = t(key)
        if label != key:
            return label
    return one_line(kind, 20)


def _block(text: str) -> str:
    """Several lines from outside: line breaks kept, every control character visible."""
    return printable(text.replace("\r\n", "\n"))


def audit_summary(detail: str, zone: ZoneInfo, limit: int = AUDIT_DETAIL_LIMIT) -> str:
    """An audit entry's JSON detail on one line: `from→to key=value before.severity=…`."""
    try:
        data = json.loads(detail)
    except (TypeError, ValueError):
        return one_line(str(detail), limit)
    if not isinstance(data, dict):
        return one_line(json.dumps(data, ensure_ascii=False), limit)
    return one_line(" ".join(_pairs(data, zone)), limit)


def _pairs(data: dict[str, Any], zone: ZoneInfo, prefix: str = "") -> Iterator[str]:
    if "from" in data and "to" in data:
        yield f"{prefix}{_value(data['from'], zone)}→{_value(data['to'], zone)}"
    for key, value in data.items():
        if key in ("from", "to") and "from" in data and "to" in data:
            continue
        if isinstance(value, dict):
            yield from _pairs(value, zone, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}={_value(value, zone)}"


def _value(value: Any, zone: ZoneInfo) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        if len(value) >= 16 and value[4:5] == "-" and value[10:11] == "T":
            try:
                instant = datetime.fromisoformat(value)
            except ValueError:
                return value
            if instant.tzinfo is not None:
                return instant.astimezone(zone).strftime(SHORT_TIME)
        return value
    if isinstance(value, list | tuple):
        return ",".join(_value(v, zone) for v in value)
    return str(value)
