"""Writing a ticket's paperwork (`ticket_paper.Paper`) as Markdown, or as a printable
HTML page (A4, its own styles, no scripts, nothing fetched). Text from the database is
escaped for each: Markdown's table and emphasis characters, HTML's markup."""

from __future__ import annotations

import html
import re

from helpdesk_tui.exchange.ticket_paper import Paper
from helpdesk_tui.safe_text import printable

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")

PRINT_CSS = """
@page { size: A4; margin: 18mm; }
body { font-family: "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif;
       font-size: 11pt; color: #000; }
h1 { font-size: 16pt; border-bottom: 2px solid #000; padding-bottom: 4pt; }
h2 { font-size: 12pt; margin: 12pt 0 4pt; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #444; padding: 3pt 5pt; text-align: left; vertical-align: top; }
th { background: #eee; white-space: nowrap; }
.text { white-space: pre-wrap; }
.closing { margin-top: 36pt; }
"""


def _md(text: str) -> str:
    """One line of literal text inside Markdown (control characters made visible)."""
    line = " ".join(printable(text).split())
    return _MARKDOWN_SPECIAL.sub(r"\\\1", line) or "—"


def paper_markdown(paper: Paper) -> str:
    lines = [f"# {_md(paper.title)}", "", "| | |", "|---|---|"]
    lines += [f"| {_md(label)} | {_md(value)} |" for label, value in paper.fields]
    if paper.log:
        lines += ["", "| " + " | ".join(_md(h) for h in paper.log_header) + " |",
                  "|---|---|---:|---|"]  # fmt: skip
        lines += ["| " + " | ".join(_md(cell) for cell in row) + " |" for row in paper.log]
    for heading, text in paper.sections:
        lines += ["", f"## {_md(heading)}", ""]
        lines += [_md(line) for line in printable(text).splitlines() if line.strip()] or ["—"]
    if paper.closing:
        lines += ["", _md(paper.closing)]
    return "\n".join(lines) + "\n"


def _h(text: str) -> str:
    return html.escape(printable(text), quote=True)


def paper_html(paper: Paper, lang: str) -> str:
    fields = "".join(f"<tr><th>{_h(k)}</th><td>{_h(v)}</td></tr>" for k, v in paper.fields)
    parts = [f"<h1>{_h(paper.title)}</h1>", f"<table>{fields}</table>"]
    if paper.log:
        head = "".join(f"<th>{_h(h)}</th>" for h in paper.log_header)
        rows = "".join("<tr>" + "".join(f'<td class="text">{_h(c)}</td>' for c in row) + "</tr>"
                       for row in paper.log)  # fmt: skip
        parts.append(f"<h2>{_h(paper.log_header[3])}</h2><table><tr>{head}</tr>{rows}</table>")
    for heading, text in paper.sections:
        parts.append(f'<h2>{_h(heading)}</h2><p class="text">{_h(text) or "—"}</p>')
    if paper.closing:
        parts.append(f'<p class="closing">{_h(paper.closing)}</p>')
    language = "zh-CN" if lang == "zh" else "en"
    return (f'<!DOCTYPE html>\n<html lang="{language}">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{_h(paper.title)}</title>\n<style>{PRINT_CSS}</style>\n</head>\n<body>\n"
            + "\n".join(parts) + "\n</body>\n</html>\n")  # fmt: skip
