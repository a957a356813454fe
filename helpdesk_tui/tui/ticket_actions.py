"""Triage keys shared by the queue and the ticket workspace.

Every change goes through the services in a thread worker (a write may wait for the
SQLite lock), with the version the user saw: if someone changed the ticket meanwhile
the change is refused, the user is told who did it, and the view reloads.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import work
from textual.binding import Binding

from helpdesk_tui.domain.severity import Severity
from helpdesk_tui.services import tickets as use
from helpdesk_tui.services.desk import Desk
from helpdesk_tui.store.models import ticket_key
from helpdesk_tui.tui.change_runner import apply_change


class TicketActions:
    """Mixin for screens that have a selected ticket (`selected_ticket`) and can reload
    (`data_changed`)."""

    ACTION_BINDINGS = (
        Binding("n", "new_ticket", "New", id="ticket.new"),
        Binding("r", "respond", "Respond", id="ticket.respond"),
        Binding("a", "assign", "Assign", id="ticket.assign"),
        Binding("s", "severity", "Severity", id="ticket.severity"),
        Binding("w", "wait", "Wait", id="ticket.wait"),
        Binding("u", "resume", "Resume", show=False, id="ticket.resume"),
        Binding("x", "resolve", "Resolve", id="ticket.resolve"),
        Binding("c", "log", "Log", id="ticket.log"),
        Binding("v", "accept", "Accept", show=False, id="ticket.accept"),
        Binding("R", "reopen", "Reopen", show=False, id="ticket.reopen"),
        Binding("X", "cancel_ticket", "Cancel ticket", show=False, id="ticket.cancel"),
    )

    def selected_ticket(self) -> tuple[int, int] | None:
        raise NotImplementedError

    def data_changed(self) -> None:
        raise NotImplementedError

    # -- running a change ---------------------------------------------------

    def _with_ticket(self, then: Callable[[int, int], None]) -> None:
        if self.app.read_only:
            self.app.notify(self.app.texts("message.read_only"), severity="warning")
            return
        selected = self.selected_ticket()
        if selected is None:
            self.app.notify(self.app.texts("message.no_selection"), severity="warning")
            return
        then(*selected)

    @work(thread=True, group="ticket-change", exit_on_error=False)
    def change(self, label: str, ticket_id: int, apply: Callable[[Desk], Any]) -> None:
        texts = self.app.texts

        def saved() -> str:
            action = texts(f"key.{label}")
            return texts("message.saved", key=ticket_key(ticket_id), action=action)

        if apply_change(self.app, apply, saved):
            self.app.call_from_thread(self.data_changed)

    def _simple(self, label: str, function: Callable[..., Any]) -> None:
        def run(ticket_id: int, version: int) -> None:
            self.change(
                label,
                ticket_id,
                lambda desk: function(desk, str(ticket_id), expected_version=version),
            )

        self._with_ticket(run)

    def _with_form(self, label: str, form_factory: Callable[[str], Any], apply: Callable) -> None:
        def run(ticket_id: int, version: int) -> None:
            def submitted(values: dict[str, Any] | None) -> None:
                if values is not None:
                    self.change(
                        label, ticket_id, lambda desk: apply(desk, str(ticket_id), version, values)
                    )

            self.app.push_screen(form_factory(ticket_key(ticket_id)), submitted)

        self._with_ticket(run)

    # -- the keys -----------------------------------------------------------

    def action_respond(self) -> None:
        self._simple("respond", use.respond)

    def action_wait(self) -> None:
        self._simple("wait", use.wait_for_customer)

    def action_resume(self) -> None:
        self._simple("resume", use.resume)

    def action_log(self) -> None:
        from helpdesk_tui.tui.screens.forms import log_form

        self._with_form("log", lambda key: log_form(self.app.texts, key), _log)

    def action_resolve(self) -> None:
        from helpdesk_tui.tui.screens.forms import resolve_form

        self._with_form("resolve", lambda key: resolve_form(self.app.texts, key), _resolve)

    def action_accept(self) -> None:
        from helpdesk_tui.tui.screens.forms import accept_form

        self._with_form("accept", lambda key: accept_form(self.app.texts, key), _accept)

    def action_reopen(self) -> None:
        from helpdesk_tui.tui.screens.forms import note_form

        self._with_form("reopen", lambda key: note_form(self.app.texts, "key.reopen", key), _reopen)

    def action_cancel_ticket(self) -> None:
        from helpdesk_tui.tui.screens.forms import note_form

        self._with_form("cancel", lambda key: note_form(self.app.texts, "key.cancel", key), _cancel)

    def action_assign(self) -> None:
        from helpdesk_tui.tui.screens.forms import ChoiceScreen

        choices = [(login, f"{login}  {name}") for login, name in self.app.reader.engineers()]
        title = lambda key: self.app.texts("form.assign_title", key=key)  # noqa: E731
        self._with_form("assign", lambda key: ChoiceScreen(title(key), choices), _assign)

    def action_severity(self) -> None:
        from helpdesk_tui.tui.screens.forms import ChoiceScreen

        t = self.app.texts
        choices = [(s.value, f"{t.severity(s.value)}  {s.value}") for s in Severity]
        title = lambda key: t("form.severity_title", key=key)  # noqa: E731
        self._with_form("severity", lambda key: ChoiceScreen(title(key), choices), _severity)

    def action_new_ticket(self) -> None:
        if self.app.read_only:
            self.app.notify(self.app.texts("message.read_only"), severity="warning")
            return
        from helpdesk_tui.tui.screens.new_ticket import NewTicketScreen

        self.app.push_screen(NewTicketScreen(), lambda _: self.data_changed())


# What each form's values do; `version` is the one the user saw.
def _log(desk: Desk, ref: str, version: int, values: dict[str, Any]) -> Any:
    return use.log_work(desk, ref, values["text"], values["minutes"], expected_version=version)


def _resolve(desk: Desk, ref: str, version: int, values: dict[str, Any]) -> Any:
    return use.resolve(desk, ref, values["summary"], expected_version=version)


def _accept(desk: Desk, ref: str, version: int, values: dict[str, Any]) -> Any:
    return use.accept(desk, ref, values["rating"], values["comment"], expected_version=version)


def _reopen(desk: Desk, ref: str, version: int, values: dict[str, Any]) -> Any:
    return use.reopen(desk, ref, values["note"], expected_version=version)


def _cancel(desk: Desk, ref: str, version: int, values: dict[str, Any]) -> Any:
    return use.cancel(desk, ref, values["note"], expected_version=version)


def _assign(desk: Desk, ref: str, version: int, values: dict[str, Any]) -> Any:
    return use.assign(desk, ref, values["choice"], expected_version=version)


def _severity(desk: Desk, ref: str, version: int, values: dict[str, Any]) -> Any:
    return use.change_severity(desk, ref, Severity(values["choice"]), expected_version=version)
