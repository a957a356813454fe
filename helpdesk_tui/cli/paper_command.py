"""`helpdesk ticket paper`: a ticket's paperwork written to stdout or a file."""

from __future__ import annotations

from pathlib import Path

from helpdesk_tui.cli.desk import ready_desk
from helpdesk_tui.config import Settings
from helpdesk_tui.domain.errors import InvalidInput, NotFound
from helpdesk_tui.exchange.paper_writers import paper_html, paper_markdown
from helpdesk_tui.exchange.ticket_paper import record_paper, summary_paper
from helpdesk_tui.i18n import Texts
from helpdesk_tui.services.tickets import parse_ticket_ref
from helpdesk_tui.store.queries import ticket_detail

PAPERS = {"record": record_paper, "summary": summary_paper}
FORMATS = ("markdown", "html")


def write_paper(settings: Settings, ref: str, what: str, output_format: str, output: str) -> None:
    if what not in PAPERS:
        raise InvalidInput(f"--what {what!r}: expected record or summary")
    if output_format not in FORMATS:
        raise InvalidInput(f"--format {output_format!r}: expected markdown or html")
    target = Path(output) if output != "-" else None
    if target is not None and not target.parent.is_dir():
        raise InvalidInput(f"--output {output}: no folder {target.parent}")
    desk = ready_desk(settings)
    with desk.store.read() as session:
        detail = ticket_detail(session, parse_ticket_ref(ref))
    if detail is None:
        raise NotFound(f"no ticket {ref}")
    texts = Texts(settings.lang)
    names = {"severity": texts.severity, "kind": texts.ticket_kind}
    paper = PAPERS[what](detail, desk.zone, settings.lang, names)
    text = paper_markdown(paper) if output_format == "markdown" else paper_html(paper, texts.lang)
    if target is None:
        print(text, end="")
    else:
        target.write_text(text, encoding="utf-8")
