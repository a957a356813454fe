"""Training keys shared by the calendar and a session's detail: new, edit, status,
outcome and materials.

Every change goes through the training use cases in a thread worker, with the version
the user saw; a refusal is a one-line toast and nothing is written. A read-only console
(and the wall) refuses before any form opens.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from textual import work
from textual.binding import Binding

from helpdesk_tui.domain.training import SessionStatus
from helpdesk_tui.safe_text import one_line
from helpdesk_tui.services import training as use
from helpdesk_tui.services.desk import Desk
from helpdesk_tui.services.reads import PlanChoice, TrainingDetail
from helpdesk_tui.tui.change_runner import apply_change
from helpdesk_tui.tui.screens.session_form import SessionDefaults
from helpdesk_tui.tui.training_text import SessionView, status_name

TITLE_IN_FORM = 40
NEW_BINDING = Binding("n", "new_session", "New session", id="training.new_session")
EDIT_BINDINGS = (
    Binding("e", "edit_session", "Edit", id="training.edit"),
    Binding("s", "session_status", "Status", id="training.status"),
    Binding("o", "session_outcome", "Outcome", id="training.outcome"),
    Binding("m", "session_material", "Materials", id="training.material"),
)


class TrainingActions:
    """Mixin for screens with a selected session (`selected_session`), a day for new
    sessions (`new_session_day`) and a way to reload (`data_changed`)."""

    def selected_session(self) -> SessionView | None:
        raise NotImplementedError

    def new_session_day(self) -> date:
        raise NotImplementedError

    def data_changed(self) -> None:
        raise NotImplementedError

    # -- guards -------------------------------------------------------------

    def _may_write(self) -> bool:
        if self.app.read_only:
            self.app.notify(self.app.texts("message.read_only"), severity="warning")
            return False
        return True

    def _session_to_change(self) -> SessionView | None:
        if not self._may_write():
            return None
        view = self.selected_session()
        if view is None:
            self.app.notify(self.app.texts("training.no_selection"), severity="warning")
        return view

    # -- running a change ---------------------------------------------------

    @work(thread=True, group="training-change", exit_on_error=False)
    def change_session(self, done: str, apply: Callable[[Desk], Any]) -> None:
        if apply_change(self.app, apply, lambda: done):
            self.app.call_from_thread(self.data_changed)

    def _done(self, session_id: int, key: str) -> str:
        t = self.app.texts
        return t("training.saved", id=session_id, action=t(f"key.{key}"))

    def _after_form(self, session_id_of: Callable[[Any], int | None], key: str) -> Callable:
        def closed(saved: Any) -> None:
            session_id = session_id_of(saved) if saved is not None else None
            if session_id is not None:
                self.app.notify(self._done(session_id, key), timeout=3)
            self.data_changed()

        return closed

    # -- the keys -----------------------------------------------------------

    def action_new_session(self) -> None:
        if self._may_write():
            self._open_new_form(self.new_session_day())

    @work(thread=True, group="training-form", exit_on_error=False)
    def _open_new_form(self, day: date) -> None:
        app = self.app
        try:
            plans = app.reader.training_plans()
        except Exception as error:
            app.call_from_thread(app.report_fault, error)
            return
        app.call_from_thread(self._push_new_form, day, plans)

    def _push_new_form(self, day: date, plans: list[PlanChoice]) -> None:
        from helpdesk_tui.tui.screens.session_form import SessionForm

        t = self.app.texts
        if not plans:
            self.app.notify(t("training.no_plans"), severity="warning")
            return
        defaults = SessionDefaults(day=day, trainers=self.app.desk.actor, plan_id=plans[0].id,
                                   language=t.lang)  # fmt: skip
        form = SessionForm(t("training.new_title", day=f"{day:%Y-%m-%d}"), defaults, _add,
                           plans=plans)  # fmt: skip
        self.app.push_screen(form, self._after_form(lambda saved: saved.id, "new_session"))

    def action_edit_session(self) -> None:
        from helpdesk_tui.tui.screens.session_form import SessionForm

        view = self._session_to_change()
        if view is None:
            return
        t = self.app.texts
        title = t("training.edit_title", id=view.id, title=one_line(view.title, TITLE_IN_FORM))
        form = SessionForm(title, _defaults_of(view), _edit(view),
                           plan_label=f"{view.customer} · {view.plan}")  # fmt: skip
        self.app.push_screen(form, self._after_form(lambda saved: saved.id, "edit"))

    def action_session_status(self) -> None:
        from helpdesk_tui.tui.screens.forms import ChoiceScreen

        view = self._session_to_change()
        if view is None:
            return
        t = self.app.texts
        choices = [(s.value, status_name(t, s)) for s in SessionStatus]

        def chosen(values: dict[str, Any] | None) -> None:
            if values is not None:
                status = SessionStatus(values["choice"])
                self.change_session(self._done(view.id, "status"), lambda desk: use.set_status(
                    desk, view.id, status, expected_version=view.version))  # fmt: skip

        title = t("training.status_title", id=view.id)
        self.app.push_screen(ChoiceScreen(title, choices, view.status.value), chosen)

    def action_session_outcome(self) -> None:
        from helpdesk_tui.tui.screens.forms import outcome_form

        view = self._session_to_change()
        if view is None:
            return
        s = view.session

        def submitted(values: dict[str, Any] | None) -> None:
            if values is not None:
                self.change_session(self._done(view.id, "outcome"), lambda desk: use.record_outcome(
                    desk, view.id, values["attended"], values["feedback"], values["notes"],
                    expected_version=view.version))  # fmt: skip

        title = self.app.texts("training.outcome_title", id=view.id)
        form = outcome_form(self.app.texts, title, s.trainee_count, s.attended, s.feedback,
                            s.feedback_notes)  # fmt: skip
        self.app.push_screen(form, submitted)

    def action_session_material(self) -> None:
        view = self._session_to_change()
        if view is not None:
            self._open_materials(view.id)

    @work(thread=True, group="training-form", exit_on_error=False)
    def _open_materials(self, session_id: int) -> None:
        app = self.app
        try:
            detail = app.reader.training_detail(session_id)
        except Exception as error:
            app.call_from_thread(app.report_fault, error)
            return
        app.call_from_thread(self._push_materials, session_id, detail)

    def _push_materials(self, session_id: int, detail: TrainingDetail | None) -> None:
        from helpdesk_tui.tui.screens.forms import ChoiceScreen

        t = self.app.texts
        if detail is None or not detail.materials:
            self.app.notify(t("training.no_materials"), severity="warning")
            return
        ready = {m.id: m.ready for m in detail.materials}
        choices = [(str(m.id), material_choice(t, m.title, m.ready)) for m in detail.materials]
        first_missing = next((str(m.id) for m in detail.materials if not m.ready), None)

        def chosen(values: dict[str, Any] | None) -> None:
            if values is not None:
                material_id = int(values["choice"])
                now_ready = not ready[material_id]
                self.change_session(self._done(session_id, "material"), lambda desk: (
                    use.set_material_ready(desk, material_id, now_ready)))  # fmt: skip

        title = t("training.material_title", id=session_id)
        self.app.push_screen(ChoiceScreen(title, choices, first_missing), chosen)


def material_choice(t, title: str, ready: bool) -> str:
    state = t("training.material_ready") if ready else t("training.material_missing")
    return f"{'✓' if ready else '✗'} {one_line(title, 60)}  ({state})"


# -- what the forms' values do ----------------------------------------------------------------


def _add(desk: Desk, values: dict[str, Any]) -> Any:
    return use.add_session(desk, use.SessionFields(**values))


def _edit(view: SessionView) -> Callable[[Desk, dict[str, Any]], Any]:
    """Only what was changed is sent, with the version the user saw."""

    def save(desk: Desk, values: dict[str, Any]) -> Any:
        changes = _changes(view, values)
        if not changes:
            return view.session
        return use.update_session(desk, view.id, changes, expected_version=view.version)

    return save


def _changes(view: SessionView, values: dict[str, Any]) -> dict[str, Any]:
    s = view.session
    current = {
        "title": s.title, "start_at": s.start_at, "end_at": s.end_at,
        "trainers": tuple(s.trainers.split(",")), "trainee_count": s.trainee_count,
        "place": s.place, "category": s.category, "audience": s.audience, "mode": s.mode,
        "language": s.language, "status": s.status,
    }  # fmt: skip
    changes = {name: value for name, value in values.items() if current.get(name) != value}
    if "start_at" in changes:  # the end the form shows stays (the use case would move it)
        changes["end_at"] = values["end_at"]
    return changes


def _defaults_of(view: SessionView) -> SessionDefaults:
    s = view.session
    same_day = view.end.date() == view.start.date()
    return SessionDefaults(
        day=view.start.date(), start=f"{view.start:%H:%M}",
        end=f"{view.end:%H:%M}" if same_day else f"{view.end:%Y-%m-%d %H:%M}",
        title=s.title, trainers=s.trainers, category=s.category, audience=s.audience,
        trainee_count=str(s.trainee_count), mode=s.mode, place=s.place, status=s.status,
        language=s.language, plan_id=s.plan_id,
    )  # fmt: skip
