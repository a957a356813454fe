"""The bottom line of keys, in the user's language (Textual's Footer shows the English
binding descriptions); it follows focus like the Footer does."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static


def binding_label(app, binding: Binding) -> str:
    """`ticket.respond` → the text of `key.respond`; others keep their own description."""
    if binding.id:
        message_id = f"key.{binding.id.rsplit('.', 1)[-1]}"
        if app.texts.has(message_id):
            return app.texts(message_id)
    return binding.description


class KeyBar(Static):
    DEFAULT_CSS = """
    KeyBar { height: 1; background: $panel; color: $text-muted; }
    """

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._changed)
        self._paint()

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _changed(self, _screen: Screen) -> None:
        self._paint()

    def _paint(self) -> None:
        line = Text(no_wrap=True, overflow="ellipsis")
        seen = set()
        for key, active in self.screen.active_bindings.items():
            binding = active.binding
            if not binding.show or not active.enabled or binding.action in seen:
                continue
            seen.add(binding.action)
            line.append(f" {self.app.get_key_display(binding) or key} ", style="bold reverse")
            line.append(f" {binding_label(self.app, binding)}  ")
        self.update(line)
