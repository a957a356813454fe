"""The `/` filter as text: `sev:urgent,serious status:waiting owner:lina customer:医院
breached mine 登录` — the words that are not `name:value` search titles."""

from __future__ import annotations

import shlex

from helpdesk_tui.domain.errors import InvalidInput
from helpdesk_tui.domain.lifecycle import parse_status
from helpdesk_tui.domain.severity import parse_severity
from helpdesk_tui.store.queue import QueueFilter, QueueSort


def parse_filter(text: str, me: str, sort: QueueSort = QueueSort.DEADLINE) -> QueueFilter:
    try:
        words = shlex.split(text)
    except ValueError as error:
        raise InvalidInput(f"filter: {error}") from None
    fields: dict = {"sort": sort}
    titles: list[str] = []
    for word in words:
        name, colon, value = word.partition(":")
        name = name.lower()
        if not colon:
            if name == "breached":
                fields["breached"] = True
            elif name == "mine":
                fields["assignee"] = me
            elif name == "unassigned":
                fields["assignee"] = ""
            else:
                titles.append(word)
        elif name in ("sev", "severity"):
            fields["severities"] = tuple(parse_severity(v).value for v in value.split(","))
        elif name == "status":
            fields["statuses"] = tuple(parse_status(v).value for v in value.split(","))
        elif name in ("owner", "assignee"):
            fields["assignee"] = value
        elif name == "customer":
            fields["customer"] = value
        else:
            raise InvalidInput(f"filter: unknown word {name!r}:")
    fields["text"] = " ".join(titles)
    return QueueFilter(**fields)


def describe_filter(flt: QueueFilter) -> str:
    """The filter as the text that would produce it."""
    words = []
    if flt.severities:
        words.append("sev:" + ",".join(flt.severities))
    if flt.statuses:
        words.append("status:" + ",".join(flt.statuses))
    if flt.assignee == "":
        words.append("unassigned")
    elif flt.assignee:
        words.append(f"owner:{flt.assignee}")
    if flt.customer:
        words.append(shlex.quote(f"customer:{flt.customer}"))
    if flt.breached:
        words.append("breached")
    if flt.text:
        words.append(shlex.quote(flt.text))
    return " ".join(words)
