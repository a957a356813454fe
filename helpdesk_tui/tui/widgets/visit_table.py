"""A list on the visits screen: a maintenance list whose column titles come from the
`visits` texts."""

from __future__ import annotations

from helpdesk_tui.tui.widgets.maintenance_table import MaintenanceTable


class VisitTable(MaintenanceTable):
    TITLES = "visits"
