"""`n` / `e` on the training calendar: a training session's form, new or edited.

Plan, title, day, time, trainers, category, audience, trainee count, mode, place, status
and language, one line each; choices take one digit. ctrl+s saves through the use case
in a worker while the form stays open: a refusal (a trainer already teaching then, an
unknown login) is a one-line toast and nothing typed is lost. A conflict (someone
changed the session meanwhile) closes the form so the fresh data shows.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select

from helpdesk_tui.domain.errors import Conflict, HelpdeskError
from helpdesk_tui.domain.training import Audience, Category, Mode, SessionStatus
from helpdesk_tui.i18n import Texts
from helpdesk_tui.safe_text import one_line
from helpdesk_tui.services.desk import Desk
from helpdesk_tui.services.reads import PlanChoice
from helpdesk_tui.services.training import LANGUAGES
from helpdesk_tui.tui.screens.new_ticket import ChoiceStrip
from helpdesk_tui.tui.training_text import STATUS_STYLE, status_name

_DATE = re.compile(r"^(?:(\d{4})-)?(\d{1,2})-(\d{1,2})$")
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})$")
_SPLIT = re.compile(r"[,\s]+")
PLAN_LABEL = 60
DIGITS = r"[0-9０-９]*"  # full-width digits from a Chinese input method too
CHOICES = {"category": Category, "audience": Audience, "mode": Mode}


@dataclass(frozen=True)
class SessionDefaults:
    """What the form starts with (a new session on a day, or the session edited)."""

    day: date
    start: str = "09:00"
    end: str = "17:00"
    title: str = ""
    trainers: str = ""
    category: str = Category.OPERATION.value
    audience: str = Audience.USERS.value
    trainee_count: str = "0"
    mode: str = Mode.CLASSROOM.value
    place: str = ""
    status: str = SessionStatus.PROPOSED.value
    language: str = "zh"
    plan_id: int | None = None


class FormProblem(Exception):
    """Something the form can tell by itself, already in the user's language."""


def read_form(t: Texts, raw: dict[str, str], zone: ZoneInfo, year: int) -> dict[str, Any]:
    """The SessionFields fields from what was typed (`year` for a day given as MM-DD)."""
    title = raw["title"].strip()
    if not title:
        raise FormProblem(t("training.need_title"))
    day = _read_day(t, raw["day"], year)
    start = datetime.combine(day, _read_clock(t, raw["start"]), zone)
    trainers = tuple(name for name in _SPLIT.split(_plain(raw["trainers"])) if name)
    if not trainers:
        raise FormProblem(t("training.need_trainer"))
    count = _plain(raw["trainee_count"]) or "0"
    if not count.isdigit():
        raise FormProblem(t("training.bad_count"))
    return {
        "title": title, "start_at": start, "end_at": _read_end(t, raw["end"], day, zone),
        "trainers": trainers, "trainee_count": int(count), "place": raw["place"].strip(),
        **{name: kind(raw[name]) for name, kind in CHOICES.items()},
        **({"status": SessionStatus(raw["status"])} if "status" in raw else {}),
        "language": raw["language"],
    }  # fmt: skip


def _plain(text: str) -> str:
    """Full-width digits, colons and commas from a Chinese input method read as ASCII."""
    return unicodedata.normalize("NFKC", text).strip()


def _read_day(t: Texts, text: str, year: int) -> date:
    found = _DATE.match(_plain(text))
    try:
        if found:
            return date(int(found.group(1) or year), int(found.group(2)), int(found.group(3)))
    except ValueError:
        pass
    raise FormProblem(t("training.bad_day", text=one_line(text, 40)))


def _read_clock(t: Texts, text: str) -> time:
    found = _CLOCK.match(_plain(text))
    try:
        if found:
            return time(int(found.group(1)), int(found.group(2)))
    except ValueError:
        pass
    raise FormProblem(t("training.bad_time", text=one_line(text, 40)))


def _read_end(t: Texts, text: str, day: date, zone: ZoneInfo) -> datetime | None:
    """Blank: one training day; `17:00` the same day; `11-21 17:00` another day."""
    plain = _plain(text)
    if not plain:
        return None
    day_part, _, clock_part = plain.rpartition(" ")
    end_day = _read_day(t, day_part, day.year) if day_part else day
    return datetime.combine(end_day, _read_clock(t, clock_part), zone)


class SessionForm(ModalScreen[Any]):
    DEFAULT_CSS = """
    SessionForm .session-form { width: 80; }
    SessionForm .sf-row { height: auto; }
    SessionForm .sf-label { width: 14; color: $text-muted; }
    SessionForm Input { width: 1fr; background: $boost; }
    SessionForm Input:focus { background: $accent 30%; }
    SessionForm #sf-start { width: 10; }
    SessionForm #sf-dash { width: 3; content-align: center middle; }
    SessionForm Select { width: 1fr; }
    """
    BINDINGS = [  # noqa: RUF012
        Binding("escape", "cancel", "Back", id="form.back"),
        Binding("ctrl+s", "submit", "Submit", priority=True, id="form.submit"),
    ]

    def __init__(
        self,
        title: str,
        defaults: SessionDefaults,
        save: Callable[[Desk, dict[str, Any]], Any],
        *,
        plans: list[PlanChoice] | None = None,
        plan_label: str = "",
    ) -> None:
        """`plans` to choose from for a new session; an edited one shows `plan_label`.
        `save(desk, values)` runs in a thread; the form closes with what it returns."""
        super().__init__()
        self.form_title, self.defaults, self.save = title, defaults, save
        self.plans, self.plan_label = plans, plan_label
        self.saving = False

    @property
    def texts(self) -> Texts:
        return self.app.texts

    def compose(self) -> ComposeResult:
        t, d = self.texts, self.defaults
        with VerticalScroll(classes="form session-form"):
            yield Label(self.form_title, classes="form-title")
            yield self._row("plan", self._plan_widget())
            yield self._row("title", Input(d.title, id="sf-title", compact=True), required=True)
            yield self._row("day", Input(f"{d.day:%Y-%m-%d}", id="sf-day", compact=True))
            yield self._time_row()
            yield self._row("trainers", Input(d.trainers, id="sf-trainers", compact=True,
                                              placeholder=t("training.trainers_hint")))  # fmt: skip
            for name, kind in CHOICES.items():
                options = [(m.value, t(f"training.{name}_{m.value}"), "bold") for m in kind]
                yield self._row(name, ChoiceStrip(options, getattr(d, name), id=f"sf-{name}"))
            count = Input(d.trainee_count, id="sf-trainee_count", compact=True,
                          restrict=DIGITS)  # fmt: skip
            yield self._row("trainee_count", count)
            yield self._row("place", Input(d.place, id="sf-place", compact=True))
            if self.plans is not None:
                statuses = [(s.value, status_name(t, s), STATUS_STYLE[s]) for s in SessionStatus]
                yield self._row("status", ChoiceStrip(statuses, d.status, id="sf-status"))
            languages = [(code, t(f"training.language_{code}"), "bold") for code in LANGUAGES]
            yield self._row("language", ChoiceStrip(languages, d.language, id="sf-language"))
            yield Label("", id="form-error", classes="form-error")
            yield Label(t("form.submit_hint"), classes="form-hint")

    def _row(self, name: str, widget, *, required: bool = False) -> Horizontal:
        label = self.texts(f"training.field_{name}") + (" *" if required else "")
        return Horizontal(Label(label, classes="sf-label"), widget, classes="sf-row")

    def _time_row(self) -> Horizontal:
        d = self.defaults
        return Horizontal(
            Label(self.texts("training.field_time"), classes="sf-label"),
            Input(d.start, id="sf-start", compact=True),
            Label("–", id="sf-dash"),
            Input(d.end, id="sf-end", compact=True, placeholder="17:00"),
            classes="sf-row",
        )

    def _plan_widget(self):
        if self.plans is None:
            return Label(Text(one_line(self.plan_label, PLAN_LABEL)), id="sf-plan-label")
        options = [(Text(one_line(f"{p.customer} · {p.title}", PLAN_LABEL)), p.id)
                   for p in self.plans]  # fmt: skip
        chosen = self.defaults.plan_id if self.defaults.plan_id is not None else Select.NULL
        return Select(options, value=chosen, id="sf-plan", compact=True,
                      prompt=self.texts("training.choose_plan"))  # fmt: skip

    def on_mount(self) -> None:
        self.query_one("#sf-plan" if self.plans is not None else "#sf-title").focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.focus_next()

    # -- submitting ---------------------------------------------------------

    def raw_values(self) -> dict[str, str]:
        raw = {name: self.query_one(f"#sf-{name}", Input).value
               for name in ("title", "day", "start", "end", "trainers", "trainee_count",
                            "place")}  # fmt: skip
        for strip in self.query(ChoiceStrip):
            raw[(strip.id or "").removeprefix("sf-")] = strip.value
        return raw

    def action_submit(self) -> None:
        if self.saving:
            return
        try:
            values = read_form(self.texts, self.raw_values(), self.app.desk.zone,
                               self.defaults.day.year)  # fmt: skip
            values.update(self._plan())
        except FormProblem as problem:
            self._problem(str(problem))
            return
        self.saving = True
        self._save(values)

    def _plan(self) -> dict[str, Any]:
        if self.plans is None:
            return {}
        chosen = self.query_one("#sf-plan", Select).value
        if not isinstance(chosen, int):
            raise FormProblem(self.texts("training.need_plan"))
        return {"plan_id": chosen}

    def _problem(self, message: str) -> None:
        self.query_one("#form-error", Label).update(Text(one_line(message, 300)))

    @work(thread=True, exclusive=True, group="session-form", exit_on_error=False)
    def _save(self, values: dict[str, Any]) -> None:
        app = self.app
        try:
            saved = self.save(app.desk, values)
        except Conflict as error:  # close: the view behind reloads and shows the fresh data
            app.call_from_thread(app.notify, str(error), severity="error", timeout=8)
            app.call_from_thread(self._close, None)
            return
        except HelpdeskError as error:
            app.call_from_thread(self._refused, str(error))
            return
        except Exception as error:  # reported, never fatal; what was typed stays
            app.call_from_thread(self._refused, f"{type(error).__name__}: {error}")
            app.call_from_thread(app.report_fault, error)
            return
        app.call_from_thread(self._close, saved)

    def _refused(self, message: str) -> None:
        self.saving = False
        self._problem(message)
        self.app.notify(message, severity="error", timeout=6)

    def _close(self, result: Any) -> None:
        if self.is_attached:
            self.dismiss(result)

    def action_cancel(self) -> None:
        self.dismiss(None)
