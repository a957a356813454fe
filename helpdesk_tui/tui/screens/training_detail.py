"""`enter` on a training session: everything about it, and the keys to change it.

Customer and plan, time, place and mode, trainers, audience and trainees, language, the
materials with their state and due moment, attendance and feedback, the flags of the
domain rules and the seed's advisories. Read in a worker, re-read on every change;
texts from outside are shown literally.
"""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from helpdesk_tui.domain.training import materials_due
from helpdesk_tui.i18n import Texts
from helpdesk_tui.safe_text import one_line, printable
from helpdesk_tui.services.reads import TrainingDetail
from helpdesk_tui.store.models import TrainingMaterial
from helpdesk_tui.tui.alert_text import gap
from helpdesk_tui.tui.training_actions import EDIT_BINDINGS, TrainingActions
from helpdesk_tui.tui.training_text import (
    FLAG_MARK,
    FLAG_STYLE,
    SessionView,
    day_label,
    flag_words,
    local_day,
    session_advisories,
    session_view,
    status_name,
    time_range,
)
from helpdesk_tui.tui.widgets.key_bar import KeyBar

WHEN = "%Y-%m-%d %H:%M"
NAMES_SHOWN = 50  # trainee names listed; more are counted
READY_STYLE, MISSING_STYLE = "#5fd75f", "bold #ff5f5f"


class SessionDetailScreen(TrainingActions, Screen):
    DEFAULT_CSS = """
    SessionDetailScreen #sd-header { height: 1; background: $panel; }
    SessionDetailScreen #sd-body { height: 1fr; border: round $primary 40%; padding: 0 1; }
    SessionDetailScreen #sd-body:focus { border: round $accent; }
    """
    BINDINGS = [  # noqa: RUF012
        Binding("escape", "back", "Back", id="session.back"),
        Binding("j,down", "scroll_body(1)", "Down", show=False, id="session.down"),
        Binding("k,up", "scroll_body(-1)", "Up", show=False, id="session.up"),
        *EDIT_BINDINGS,
    ]

    def __init__(self, session_id: int) -> None:
        super().__init__()
        self.session_id = session_id
        self.detail: TrainingDetail | None = None
        self.view: SessionView | None = None
        self.loaded = False
        self._loads = 0

    def compose(self) -> ComposeResult:
        yield Static(id="sd-header")
        with VerticalScroll(id="sd-body"):
            yield Static(id="sd-fields")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#sd-body").border_title = self.app.texts("training.detail_title")
        self.query_one("#sd-body").focus()
        self.reload()

    # -- data ---------------------------------------------------------------

    def reload(self) -> None:
        self._loads += 1
        self._load(self._loads)

    def data_changed(self) -> None:
        self.reload()

    @work(thread=True, exclusive=True, group="training-detail", exit_on_error=False)
    def _load(self, load: int) -> None:
        app = self.app
        try:
            detail = app.reader.training_detail(self.session_id)
        except Exception as error:
            app.call_from_thread(app.report_fault, error)
            return
        app.call_from_thread(self._show, load, detail)

    def _show(self, load: int, detail: TrainingDetail | None) -> None:
        if load != self._loads or not self.is_attached:
            return
        desk = self.app.desk
        self.detail, self.loaded = detail, True
        self.view = session_view(detail.entry, desk.now(), desk.zone) if detail else None
        self._paint()

    # -- TrainingActions ------------------------------------------------------

    def selected_session(self) -> SessionView | None:
        return self.view

    def new_session_day(self) -> date:
        if self.view is not None:
            return self.view.start.date()
        return local_day(self.app.desk.now(), self.app.desk.zone)

    # -- keys -----------------------------------------------------------------

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_scroll_body(self, step: int) -> None:
        self.query_one("#sd-body", VerticalScroll).scroll_relative(y=step, animate=False)

    # -- painting -----------------------------------------------------------

    def _paint(self) -> None:
        t = self.app.texts
        header = self.query_one("#sd-header", Static)
        fields = self.query_one("#sd-fields", Static)
        if self.detail is None or self.view is None:
            header.update(Text(t("training.missing", id=self.session_id), style="bold"))
            fields.update("")
            return
        header.update(_header(t, self.view))
        fields.update(describe(t, self.detail, self.view, self.app.desk.zone))


def _header(t: Texts, view: SessionView) -> Text:
    line = Text(no_wrap=True, overflow="ellipsis")
    line.append(t("training.session_key", id=view.id), style="bold reverse")
    gap(line, "  ")
    line.append(status_name(t, view.status), style=view.style)
    for word in flag_words(t, view):
        gap(line, "  ")
        line.append(f"{FLAG_MARK} {word}", style=FLAG_STYLE)
    gap(line, "  ")
    line.append(view.title, style="bold")
    return line


def describe(t: Texts, detail: TrainingDetail, view: SessionView, zone: ZoneInfo) -> Table:
    """All the fields as a two-column grid: name, then the value (wrapped, literal)."""
    s = view.session
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")
    rows = [
        ("title", Text(view.title, style="bold")),
        ("customer", Text(f"{view.customer} · {view.plan}")),
        ("when", Text(f"{view.start:%Y-}{day_label(t, view.start.date())}  {time_range(view)}")),
        ("place", Text(f"{view.place or '—'} · {t(f'training.mode_{s.mode}')}")),
        ("trainers", _trainers(detail)),
        ("category", Text(t(f"training.category_{s.category}"))),
        ("audience", _audience(t, view)),
        ("language", Text(t(f"training.language_{s.language}"))),
        ("materials", _materials(t, detail.materials, view, zone)),
        ("outcome", _outcome(t, view)),
        ("notes", Text(printable(s.feedback_notes) or "—")),
        ("flags", _flags(t, view)),
        ("version", Text(str(view.version), style="dim")),
    ]
    for name, value in rows:
        table.add_row(Text(t(f"training.field_{name}")), value)
    return table


def _trainers(detail: TrainingDetail) -> Text:
    logins = [login for login in detail.entry.session.trainers.split(",") if login]
    named = [f"{one_line(login, 64)} {one_line(detail.trainer_names.get(login, ''), 64)}".strip()
             for login in logins]  # fmt: skip
    return Text(" · ".join(named) or "—")


def _audience(t: Texts, view: SessionView) -> Text:
    s = view.session
    text = Text(t(f"training.audience_{s.audience}"))
    gap(text, " · ")
    text.append(t("training.trainees_short", count=s.trainee_count))
    names = [one_line(name, 64) for name in s.trainees.splitlines() if name][:NAMES_SHOWN]
    if names:
        text.append("\n")
        text.append("、".join(names), style="dim")
    return text


def _materials(t: Texts, materials: list[TrainingMaterial], view: SessionView, zone) -> Text:
    due = materials_due(view.session.start_at).astimezone(zone)
    text = Text(t("training.materials_due", at=f"{due:{WHEN}}"), style="dim")
    if not materials:
        text.append("\n")
        text.append(t("training.no_materials"), style="dim")
    for material in materials:
        text.append("\n")
        if material.ready:
            text.append("✓ ", style=READY_STYLE)
        else:
            text.append("✗ ", style=MISSING_STYLE)
        text.append(one_line(material.title, 200))
        text.append("  ")
        if material.ready and material.ready_at is not None:
            at = f"{material.ready_at.astimezone(zone):{WHEN}}"
            text.append(t("training.material_ready_at", at=at), style=READY_STYLE)
        else:
            text.append(t("training.material_missing"), style="dim")
    return text


def _outcome(t: Texts, view: SessionView) -> Text:
    s = view.session
    if s.attended is None and s.feedback is None:
        return Text("—", style="dim")
    attended = "—" if s.attended is None else str(s.attended)
    feedback = "—" if s.feedback is None else f"{s.feedback:g}"
    return Text(t("training.outcome_text", attended=attended, trainees=s.trainee_count,
                  feedback=feedback))  # fmt: skip


def _flags(t: Texts, view: SessionView) -> Text:
    words = flag_words(t, view)
    advice = session_advisories(t, view)
    if not words and not advice:
        return Text("—", style="dim")
    text = Text()
    for index, word in enumerate(words):
        if index:
            text.append("\n")
        text.append(f"{FLAG_MARK} {word}", style=FLAG_STYLE)
    for index, line in enumerate(advice):
        if index or words:
            text.append("\n")
        text.append(line, style="#ffaf00")
    return text
