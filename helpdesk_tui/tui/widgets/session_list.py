"""The selected day's training sessions, one row each; its cursor is the session the
edit keys act on. Columns have fixed widths and texts are cut to fit (CJK-safe)."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.widgets import DataTable

from helpdesk_tui.i18n import Texts
from helpdesk_tui.safe_text import fit
from helpdesk_tui.tui.alert_text import gap
from helpdesk_tui.tui.calendar_lines import session_cells, session_columns
from helpdesk_tui.tui.training_text import SessionView

SCROLLBAR = 1


class SessionList(DataTable):
    DEFAULT_CSS = """
    SessionList { height: 1fr; scrollbar-size-vertical: 1; }
    """
    BINDINGS = [  # noqa: RUF012
        Binding("j,down", "cursor_down", "Next session", show=False, id="training.next_session"),
        Binding("k,up", "cursor_up", "Previous session", show=False,
                id="training.previous_session"),
        Binding("enter", "select_cursor", "Open", show=False, id="training.open_session"),
    ]  # fmt: skip

    def __init__(self, texts: Texts, **kwargs) -> None:
        super().__init__(cursor_type="row", cell_padding=0, zebra_stripes=False, **kwargs)
        self.texts = texts
        self.sessions: list[SessionView] = []
        self._columns_width = 0

    def show(self, sessions: list[SessionView], keep_id: int | None = None) -> None:
        """Fill the list; the cursor stays on `keep_id` if it is still there."""
        self.sessions = sessions
        self._fill(keep_id)

    def on_resize(self) -> None:
        if self.size.width != self._columns_width:
            current = self.current
            self._fill(current.id if current else None)

    @property
    def current(self) -> SessionView | None:
        row = self.cursor_row
        return self.sessions[row] if 0 <= row < len(self.sessions) else None

    def _fill(self, keep_id: int | None) -> None:
        t = self.texts
        self._columns_width = self.size.width
        columns = session_columns(max(self.size.width - SCROLLBAR, 40))
        self.clear(columns=True)
        for column in columns:
            label = t(f"training.col_{column.name}") if column.name != "mark" else ""
            self.add_column(_cell(label, "bold", column.width), width=column.width + 1)
        for view in self.sessions:
            cells = session_cells(t, view)
            self.add_row(*(_cell(*cells[c.name], c.width) for c in columns), key=str(view.id))
        ids = [view.id for view in self.sessions]
        if keep_id in ids:
            self.move_cursor(row=ids.index(keep_id), animate=False)


def _cell(text: str, style: str, width: int) -> Text:
    cell = Text()
    cell.append(fit(text, width), style=style)
    gap(cell)
    return cell
