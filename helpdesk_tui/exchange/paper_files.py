"""A ticket's paperwork as a finished document: which paper, which format, what name.

Shared by `helpdesk ticket paper` and the console's export, so both write the same
bytes."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from helpdesk_tui.domain.errors import InvalidInput
from helpdesk_tui.exchange.paper_writers import paper_html, paper_markdown
from helpdesk_tui.exchange.ticket_paper import record_paper, summary_paper
from helpdesk_tui.i18n import Texts
from helpdesk_tui.store.queries import TicketDetail

PAPERS = {"record": record_paper, "summary": summary_paper}
FORMATS = {"markdown": "md", "html": "html"}  # format: file extension


def check_choice(what: str, output_format: str) -> None:
    if what not in PAPERS:
        raise InvalidInput(f"--what {what!r}: expected record or summary")
    if output_format not in FORMATS:
        raise InvalidInput(f"--format {output_format!r}: expected markdown or html")


def render_paper(
    detail: TicketDetail, zone: ZoneInfo, texts: Texts, what: str, output_format: str
) -> str:
    check_choice(what, output_format)
    names = {"severity": texts.severity, "kind": texts.ticket_kind}
    paper = PAPERS[what](detail, zone, texts.lang, names)
    if output_format == "markdown":
        return paper_markdown(paper)
    return paper_html(paper, texts.lang)


def paper_file_name(ticket_key: str, what: str, output_format: str) -> str:
    """`T-000123-record.md`, `T-000123-summary.html`."""
    return f"{ticket_key}-{what}.{FORMATS[output_format]}"
