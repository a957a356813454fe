"""`?`: the keys of the focused pane first, then the screen's, then the console's."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import Label, Static

from helpdesk_tui.tui.widgets.key_bar import binding_label


class HelpScreen(ModalScreen[None]):
    BINDINGS = [  # noqa: RUF012
        Binding("escape,question_mark,q", "dismiss_help", "Back", id="help.close"),
    ]

    def __init__(self, under: Screen, focused: Widget | None) -> None:
        super().__init__()
        self.under, self.focused_widget = under, focused

    def compose(self) -> ComposeResult:
        t = self.app.texts
        with VerticalScroll(classes="form help"):
            yield Label(t("help.title"), classes="form-title")
            yield Static(self._table())
            yield Label(t("help.close"), classes="form-hint")

    def _table(self) -> Table:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold")
        table.add_column()
        seen: set[str] = set()
        owners = [w for w in (self.focused_widget, self.under, self.app) if w is not None]
        for owner in owners:
            rows = []
            for _key, binding in owner._bindings:  # with the user's keymap applied
                if binding.action in seen:
                    continue
                seen.add(binding.action)
                rows.append((self.app.get_key_display(binding), binding_label(self.app, binding)))
            if rows:
                table.add_row(Text(type(owner).__name__, style="underline dim"), "")
                for key, label in rows:
                    table.add_row(key, label)
        return table

    def action_dismiss_help(self) -> None:
        self.dismiss(None)
