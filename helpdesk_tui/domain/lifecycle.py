"""The ticket lifecycle: statuses, actions and which action is allowed from where.

new → responded → in progress ⇄ waiting for customer → resolved → accepted,
with reopen (resolved → in progress) and cancel (from any open status).
"""

from __future__ import annotations

from enum import StrEnum

from helpdesk_tui.domain.errors import IllegalTransition, InvalidInput


class Status(StrEnum):
    NEW = "new"
    RESPONDED = "responded"
    IN_PROGRESS = "in_progress"
    WAITING = "waiting"
    RESOLVED = "resolved"
    ACCEPTED = "accepted"
    CANCELLED = "cancelled"

    @property
    def is_open(self) -> bool:
        """Still needs work from the desk (resolved awaits the customer, so it is not)."""
        return self in OPEN_STATUSES

    @property
    def is_closed(self) -> bool:
        return self in (Status.ACCEPTED, Status.CANCELLED)


OPEN_STATUSES = frozenset({Status.NEW, Status.RESPONDED, Status.IN_PROGRESS, Status.WAITING})

STATUS_ZH = {
    Status.NEW: "新建",
    Status.RESPONDED: "已响应",
    Status.IN_PROGRESS: "处理中",
    Status.WAITING: "等待客户",
    Status.RESOLVED: "已解决",
    Status.ACCEPTED: "已验收",
    Status.CANCELLED: "已取消",
}


class Action(StrEnum):
    RESPOND = "respond"
    WORK = "work"  # logging work moves a responded ticket into progress
    WAIT = "wait"
    RESUME = "resume"
    RESOLVE = "resolve"
    ACCEPT = "accept"
    REOPEN = "reopen"
    CANCEL = "cancel"


_WORKABLE = (Status.NEW, Status.RESPONDED, Status.IN_PROGRESS)

TRANSITIONS: dict[Action, dict[Status, Status]] = {
    Action.RESPOND: {Status.NEW: Status.RESPONDED},
    Action.WORK: {
        Status.NEW: Status.IN_PROGRESS,
        Status.RESPONDED: Status.IN_PROGRESS,
        Status.IN_PROGRESS: Status.IN_PROGRESS,
    },
    Action.WAIT: {s: Status.WAITING for s in _WORKABLE},
    Action.RESUME: {Status.WAITING: Status.IN_PROGRESS},
    Action.RESOLVE: {s: Status.RESOLVED for s in (*_WORKABLE, Status.WAITING)},
    Action.ACCEPT: {Status.RESOLVED: Status.ACCEPTED},
    Action.REOPEN: {Status.RESOLVED: Status.IN_PROGRESS},
    Action.CANCEL: {s: Status.CANCELLED for s in OPEN_STATUSES},
}

# An engineer acting on a new ticket has, by doing so, responded to the customer.
COUNTS_AS_RESPONSE = frozenset({Action.RESPOND, Action.WORK, Action.WAIT, Action.RESOLVE})


def next_status(current: Status, action: Action) -> Status:
    """The status after `action`, or IllegalTransition naming what is allowed instead."""
    allowed = TRANSITIONS[action]
    if current not in allowed:
        froms = ", ".join(sorted(s.value for s in allowed))
        raise IllegalTransition(
            f"cannot {action.value} a ticket that is {current.value} (allowed from: {froms})"
        )
    return allowed[current]


def parse_status(text: str) -> Status:
    lowered = text.strip().lower().replace("-", "_")
    for status in Status:
        if lowered in (status.value, STATUS_ZH[status]):
            return status
    raise InvalidInput(f"unknown status {text!r}: use {', '.join(s.value for s in Status)}")
