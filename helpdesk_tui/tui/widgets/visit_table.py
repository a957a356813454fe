"""A list on the visits screen: a maintenance list whose column titles come from the
`visits` texts."""

from __future__ import annotations

from helpdesk_tui.tui.widgets.maintenance_table import MaintenanceTable, _cell


class VisitTable(MaintenanceTable):
    def _fill(self, keep_key: int | None) -> None:
        t = self.texts
        self._width = self.size.width
        widths = self._widths()
        self.clear(columns=True)
        for column, width in widths:
            label = t(f"visits.col_{column.name}") if column.name != "mark" else ""
            self.add_column(_cell(label, "bold", width), width=width + 1)
        for row in self.rows_shown:
            cells = self.cells_of(row)
            key = str(self.key_of(row))
            self.add_row(*(_cell(*cells[c.name], width) for c, width in widths), key=key)
        keys = [self.key_of(row) for row in self.rows_shown]
        if keep_key in keys:
            self.move_cursor(row=keys.index(keep_key), animate=False)
