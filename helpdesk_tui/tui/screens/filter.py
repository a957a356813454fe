"""`/`: type a filter for the queue; enter applies, esc leaves it as it was."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from helpdesk_tui.domain.errors import InvalidInput
from helpdesk_tui.store.queue import QueueFilter
from helpdesk_tui.tui.queue_filter import describe_filter, parse_filter


class FilterScreen(ModalScreen[QueueFilter | None]):
    BINDINGS = [Binding("escape", "cancel", "Back", id="filter.back")]  # noqa: RUF012

    def __init__(self, current: QueueFilter) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        t = self.app.texts
        with Vertical(classes="form filter"):
            yield Label(t("form.filter_title"), classes="form-title")
            yield Input(describe_filter(self.current), id="filter-text")
            yield Label("", id="form-error", classes="form-error")
            yield Label(t("form.filter_help"), classes="form-hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        try:
            result = parse_filter(event.value, self.app.desk.actor, self.current.sort)
        except InvalidInput as error:
            self.query_one("#form-error", Label).update(Text(str(error)))
            return
        self.dismiss(result)

    def action_cancel(self) -> None:
        self.dismiss(None)
