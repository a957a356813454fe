"""The start-up check compares against a constant; it must name the newest migration."""

from helpdesk_tui.store.schema import SCHEMA_HEAD, head_revision


def test_schema_head_constant_matches_the_migrations():
    assert head_revision() == SCHEMA_HEAD
