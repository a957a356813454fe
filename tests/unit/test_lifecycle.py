"""Which action is allowed from which status, and what it leads to."""

import pytest

from helpdesk_tui.domain.errors import IllegalTransition, InvalidInput
from helpdesk_tui.domain.lifecycle import Action, Status, next_status, parse_status

S, A = Status, Action
ALLOWED = {
    (S.NEW, A.RESPOND): S.RESPONDED,
    (S.NEW, A.WORK): S.IN_PROGRESS,
    (S.NEW, A.WAIT): S.WAITING,
    (S.NEW, A.RESOLVE): S.RESOLVED,
    (S.NEW, A.CANCEL): S.CANCELLED,
    (S.RESPONDED, A.WORK): S.IN_PROGRESS,
    (S.RESPONDED, A.WAIT): S.WAITING,
    (S.RESPONDED, A.RESOLVE): S.RESOLVED,
    (S.RESPONDED, A.CANCEL): S.CANCELLED,
    (S.IN_PROGRESS, A.WORK): S.IN_PROGRESS,
    (S.IN_PROGRESS, A.WAIT): S.WAITING,
    (S.IN_PROGRESS, A.RESOLVE): S.RESOLVED,
    (S.IN_PROGRESS, A.CANCEL): S.CANCELLED,
    (S.WAITING, A.RESUME): S.IN_PROGRESS,
    (S.WAITING, A.RESOLVE): S.RESOLVED,
    (S.WAITING, A.CANCEL): S.CANCELLED,
    (S.RESOLVED, A.ACCEPT): S.ACCEPTED,
    (S.RESOLVED, A.REOPEN): S.IN_PROGRESS,
}


@pytest.mark.parametrize(("status", "action"), [(s, a) for s in Status for a in Action])
def test_every_status_and_action(status, action):
    expected = ALLOWED.get((status, action))
    if expected is None:
        with pytest.raises(IllegalTransition, match=f"cannot {action.value}"):
            next_status(status, action)
    else:
        assert next_status(status, action) is expected


def test_closed_statuses_allow_nothing():
    for status in (S.ACCEPTED, S.CANCELLED):
        assert status.is_closed and not status.is_open
        assert not [a for a in Action if (status, a) in ALLOWED]


@pytest.mark.parametrize(
    ("text", "status"),
    [("waiting", S.WAITING), ("等待客户", S.WAITING), ("In-Progress", S.IN_PROGRESS)],
)
def test_parse_status(text, status):
    assert parse_status(text) is status


def test_parse_status_rejects_unknown():
    with pytest.raises(InvalidInput, match="unknown status"):
        parse_status("sleeping")
