"""`helpdesk ticket paper`: a ticket's paperwork written to stdout or a file."""

from __future__ import annotations

from pathlib import Path

from helpdesk_tui.cli.desk import ready_desk
from helpdesk_tui.config import Settings
from helpdesk_tui.domain.errors import InvalidInput, NotFound
from helpdesk_tui.exchange.paper_files import check_choice, render_paper
from helpdesk_tui.i18n import Texts
from helpdesk_tui.services.tickets import parse_ticket_ref
from helpdesk_tui.store.queries import ticket_detail


def write_paper(settings: Settings, ref: str, what: str, output_format: str, output: str) -> None:
    check_choice(what, output_format)
    target = Path(output) if output != "-" else None
    if target is not None and not target.parent.is_dir():
        raise InvalidInput(f"--output {output}: no folder {target.parent}")
    desk = ready_desk(settings)
    with desk.store.read() as session:
        detail = ticket_detail(session, parse_ticket_ref(ref))
    if detail is None:
        raise NotFound(f"no ticket {ref}")
    text = render_paper(detail, desk.zone, Texts(settings.lang), what, output_format)
    if target is None:
        print(text, end="")
    else:
        target.write_text(text, encoding="utf-8")
