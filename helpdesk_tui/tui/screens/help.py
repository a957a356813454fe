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
        t = self.app.texts
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold")
        table.add_column()
        seen: set[str] = set()
        sections = [("help.pane", self.focused_widget), ("help.screen", self.under),
                    ("help.app", self.app)]  # fmt: skip
        for title, owner in sections:
            rows = self._rows(owner, seen) if owner is not None else []
            if rows:
                table.add_row(Text(t(title), style="underline"), "")
                for keys, label in rows:
                    table.add_row(keys, label)
        return table

    def _rows(self, owner: object, seen: set[str]) -> list[tuple[str, str]]:
        """Our bindings (those with an id), every key of an action on one line."""
        keys: dict[str, list[str]] = {}
        labels: dict[str, str] = {}
        for _key, binding in owner._bindings:  # with the user's keymap applied
            if not binding.id or binding.id in seen:
                continue
            keys.setdefault(binding.id, []).append(self.app.get_key_display(binding))
            labels[binding.id] = binding_label(self.app, binding)
        seen.update(keys)
        return [(" / ".join(dict.fromkeys(k)), labels[i]) for i, k in keys.items()]

    def action_dismiss_help(self) -> None:
        self.dismiss(None)
