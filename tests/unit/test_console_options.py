"""`helpdesk [global options]` opens the console without loading the subcommands."""

import pytest

from helpdesk_tui.cli import console_options


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        ([], {}),
        (["--db", "x.db"], {"db": "x.db"}),
        (
            ["--db=x.db", "--lang", "zh", "--tz=UTC", "--user", "lina"],
            {"db": "x.db", "lang": "zh", "tz": "UTC", "user": "lina"},
        ),
        (["ticket", "list"], None),
        (["--db", "x.db", "wall"], None),
        (["--db"], None),
        (["--help"], None),
        (["--lang", "zh", "-h"], None),
    ],
)
def test_console_options(argv, expected):
    assert console_options(argv) == expected
