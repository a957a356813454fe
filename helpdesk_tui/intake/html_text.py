"""HTML-only mail as readable plain text.

Paragraphs and headings become blank-line separated blocks, `<br>` a line break, list
items "- " or "1. " lines, links "text (url)", table rows one line each with cells
joined by " | ", and a `<blockquote>` "> " lines so that `quotes.trim_quoted` can drop
it like any quoted reply. Scripts, styles, the head and Office's XML islands are
dropped. Built on the stdlib parser, which never gives up on broken markup.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_DROPPED = {"script", "style", "head", "title", "xml", "template", "noscript", "svg", "object"}
_VOID = {"br", "hr", "img", "meta", "link", "input", "area", "base", "col", "wbr", "source"}
_PARAGRAPHS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "pre", "dl"}
_LINES = {
    "div", "tr", "li", "section", "article", "header", "footer", "address", "center",
    "dt", "dd", "form", "fieldset", "figure", "main", "nav", "aside", "caption",
}  # fmt: skip
_SHOWN_SCHEMES = ("http://", "https://", "ftp://", "mailto:")
_SPACES = re.compile(r"[ \t\r\n\f\v\xa0]+")  # &nbsp; too: Outlook pads with it


def html_to_text(html: str) -> str:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader.text()


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._lines: list[str] = []
        self._line: list[str] = []
        self._dropping: list[str] = []
        self._pre = 0
        self._quote = 0
        self._lists: list[list[int]] = []  # per open list: [next number] or [] for bullets
        self._links: list[tuple[str, int]] = []  # (href, length of the line when opened)
        self._cells = 0

    # The stdlib gives up (AssertionError) on some broken "<!" and "<![" declarations,
    # which Office writes plenty of ("<![if !supportLists]>"): skip them to the next ">".

    def parse_marked_section(self, i: int, report: int = 1) -> int:
        try:
            return super().parse_marked_section(i, report)
        except AssertionError:
            return self._skip_declaration(i)

    def parse_html_declaration(self, i: int) -> int:
        try:
            return super().parse_html_declaration(i)
        except AssertionError:
            return self._skip_declaration(i)

    def _skip_declaration(self, i: int) -> int:
        end = self.rawdata.find(">", i + 2)
        return end + 1 if end >= 0 else len(self.rawdata)

    # Parser callbacks

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._dropping:
            if tag == self._dropping[-1] and tag not in _VOID:
                self._dropping.append(tag)
            return
        if tag in _DROPPED:
            self._dropping.append(tag)
            return
        values = {name: value or "" for name, value in attrs}
        if tag == "br":
            self._break()
        elif tag == "hr":
            self._paragraph()
        elif tag == "img":
            alt = _SPACES.sub(" ", values.get("alt", "")).strip()
            if alt:
                self._write(f"[{alt}]")
        elif tag == "a":
            self._links.append((values.get("href", "").strip(), len("".join(self._line))))
        elif tag in ("td", "th"):
            if self._cells:
                self._write(" | ")
            self._cells += 1
        elif tag == "blockquote":
            self._paragraph()
            self._quote += 1
        elif tag in ("ul", "ol"):
            self._list_boundary()
            self._lists.append([1] if tag == "ol" else [])
        elif tag == "li":
            self._li()
        elif tag in _PARAGRAPHS:
            self._paragraph()
            self._pre += tag == "pre"
        elif tag in _LINES:
            self._break()
            if tag == "tr":
                self._cells = 0

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if self._dropping:
            if tag == self._dropping[-1]:
                self._dropping.pop()
            return
        if tag == "a" and self._links:
            self._end_link(*self._links.pop())
        elif tag == "blockquote":
            self._break()
            self._quote = max(self._quote - 1, 0)
            self._paragraph()
        elif tag in ("ul", "ol"):
            if self._lists:
                self._lists.pop()
            self._list_boundary()
        elif tag in _PARAGRAPHS:
            self._pre = max(self._pre - (tag == "pre"), 0)
            self._paragraph()
        elif tag in _LINES:
            self._break()

    def handle_data(self, data: str) -> None:
        if self._dropping:
            return
        if self._pre:
            first, *rest = data.replace("\r\n", "\n").split("\n")
            self._write(first)
            for line in rest:
                self._break(keep_empty=True)
                self._write(line)
            return
        text = _SPACES.sub(" ", data)
        if not self._line:
            text = text.lstrip()
        elif self._line[-1].endswith(" ") and text.startswith(" "):
            text = text[1:]
        if text:
            self._write(text)

    # Output

    def text(self) -> str:
        self._break()
        while self._lines and not self._lines[-1].strip(">").strip():
            self._lines.pop()
        return "\n".join(self._lines).strip("\n")

    def _write(self, text: str) -> None:
        self._line.append(text)

    def _break(self, keep_empty: bool = False) -> None:
        line = "".join(self._line).rstrip()
        self._line = []
        if line or keep_empty:
            self._lines.append("> " * self._quote + line if self._quote else line)

    def _paragraph(self) -> None:
        self._break()
        blank = ">" * self._quote if self._quote else ""
        if self._lines and self._lines[-1] != blank:
            self._lines.append(blank)

    def _list_boundary(self) -> None:
        """A list stands apart as a paragraph; a nested one just starts on a new line."""
        if self._lists:
            self._break()
        else:
            self._paragraph()

    def _li(self) -> None:
        self._break()
        depth = max(len(self._lists) - 1, 0)
        numbering = self._lists[-1] if self._lists else []
        if numbering:
            self._write("  " * depth + f"{numbering[0]}. ")
            numbering[0] += 1
        else:
            self._write("  " * depth + "- ")

    def _end_link(self, href: str, start: int) -> None:
        label = "".join(self._line)[start:].strip()
        if not href.lower().startswith(_SHOWN_SCHEMES):
            return
        target = href[7:] if href.lower().startswith("mailto:") else href
        if label and label.rstrip("/") != target.rstrip("/"):
            self._write(f" ({target})")
        elif not label:
            self._write(target)
