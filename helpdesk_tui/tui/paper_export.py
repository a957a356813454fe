"""Write the open ticket's paperwork (支持维护记录 / 维护总结) to a file from the console:
`p` picks the paper and format, then the file (the current folder by default). The
document is made from what the workspace already shows; only the file write runs in a
worker, so a slow disk never stalls the screen."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual import work
from textual.binding import Binding

from helpdesk_tui.exchange.paper_files import FORMATS, paper_file_name, render_paper
from helpdesk_tui.store.queries import TicketDetail

PAPER_BINDING = Binding("p", "export_paper", "Paperwork", id="workspace.paper")
CHOICES = [(f"{what}:{fmt}", what, fmt) for what in ("record", "summary") for fmt in FORMATS]


class PaperExport:
    """Mixed into the workspace, which provides `detail` (the ticket as shown)."""

    detail: TicketDetail | None

    def action_export_paper(self) -> None:
        from helpdesk_tui.tui.screens.forms import ChoiceScreen

        if self.detail is None:
            return
        t = self.app.texts
        key = self.detail.row.ticket.key
        choices = [(value, t(f"paper.{what}_{fmt}")) for value, what, fmt in CHOICES]
        picker = ChoiceScreen(t("paper.choose_title", key=key), choices)
        self.app.push_screen(picker, self._ask_for_file)

    def _ask_for_file(self, picked: dict[str, Any] | None) -> None:
        from helpdesk_tui.tui.screens.forms import Field, FormScreen

        if picked is None or self.detail is None:
            return
        what, fmt = picked["choice"].split(":")
        t = self.app.texts
        name = paper_file_name(self.detail.row.ticket.key, what, fmt)
        field = Field("path", t("paper.file"), required=True, default=str(Path.cwd() / name))
        form = FormScreen(t("paper.file_title"), [field], t("form.submit_hint"))
        self.app.push_screen(form, lambda values: self._write(what, fmt, values))

    def _write(self, what: str, fmt: str, values: dict[str, Any] | None) -> None:
        if values is None or self.detail is None:
            return
        text = render_paper(self.detail, self.app.desk.zone, self.app.texts, what, fmt)
        self._write_file(Path(values["path"]).expanduser(), text)

    @work(thread=True, group="paper", exit_on_error=False)
    def _write_file(self, target: Path, text: str) -> None:
        t = self.app.texts
        try:
            target.write_text(text, encoding="utf-8")
        except OSError as problem:
            reason = problem.strerror or type(problem).__name__
            self.app.call_from_thread(
                self.app.notify, t("paper.failed", path=str(target), reason=reason),
                severity="error", markup=False,
            )  # fmt: skip
            return
        self.app.call_from_thread(
            self.app.notify, t("paper.written", path=str(target)), markup=False
        )
