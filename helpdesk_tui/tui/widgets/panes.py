"""The main screen's lower panes. They show the data that exists: training sessions and
monitored servers arrive with later features, until then each says so plainly."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from helpdesk_tui.i18n import Texts


class AgendaPane(Static):
    """Today's and the next 7 days' training sessions (项目培训)."""

    def __init__(self, texts: Texts, **kwargs) -> None:
        super().__init__(**kwargs)
        self.border_title = texts("agenda.title")
        self.update(Text(texts("agenda.empty"), style="dim"))


class HealthPane(Static):
    """Server health of the vendor-operated systems (技术维保服务)."""

    def __init__(self, texts: Texts, **kwargs) -> None:
        super().__init__(**kwargs)
        self.border_title = texts("health.title")
        self.update(Text(texts("health.empty"), style="dim"))
