"""`helpdesk`: the console with no arguments; subcommands script every use case."""

from __future__ import annotations

import os
import sys

import typer

from helpdesk_tui.domain.errors import Conflict, HelpdeskError, InvalidInput

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT, EXIT_CONFLICT = 0, 1, 2, 3


def _fail(message: str, code: int) -> int:
    first_line = " ".join(str(message).split()) or "unknown error"
    print(f"helpdesk: error: {first_line}", file=sys.stderr)
    return code


GLOBAL_OPTIONS = ("--db", "--user", "--lang", "--tz")


def console_options(argv: list[str]) -> dict[str, str] | None:
    """The global options, when the arguments name no subcommand: the console starts
    without loading the command-line machinery (a faster first paint). Else None."""
    options: dict[str, str] = {}
    rest = list(argv)
    while rest:
        name, equals, value = rest.pop(0).partition("=")
        if name not in GLOBAL_OPTIONS:
            return None
        if not equals:
            if not rest:
                return None
            value = rest.pop(0)
        options[name.removeprefix("--")] = value
    return options


def _run(argv: list[str] | None) -> None:
    arguments = sys.argv[1:] if argv is None else argv
    fast = console_options(arguments)
    if fast is not None:
        from helpdesk_tui.cli.console import open_console
        from helpdesk_tui.config import load_settings

        open_console(load_settings(**fast))
        return
    from helpdesk_tui.cli.app import app

    app(args=arguments, prog_name="helpdesk", standalone_mode=False)


def main(argv: list[str] | None = None) -> int:
    try:
        _run(argv)
    except typer.Exit as done:
        return done.exit_code
    except typer.Abort:
        return _fail("aborted", EXIT_FAILED)
    except typer.TyperException as error:  # usage errors: exit code 2
        return _fail(error.format_message(), error.exit_code)
    except InvalidInput as error:
        return _fail(str(error), EXIT_BAD_INPUT)
    except Conflict as error:
        return _fail(str(error), EXIT_CONFLICT)
    except HelpdeskError as error:
        return _fail(str(error), EXIT_FAILED)
    except KeyboardInterrupt:
        return _fail("interrupted", EXIT_FAILED)
    except BrokenPipeError:
        # The reader went away (e.g. `| head`): not an error worth a message.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except Exception as error:  # the last line of defence: one line, not a traceback
        if os.environ.get("HELPDESK_DEBUG"):
            raise
        detail = str(error).splitlines()[0] if str(error) else ""
        return _fail(f"{type(error).__name__}: {detail[:300]}", EXIT_FAILED)
    return EXIT_OK


def run() -> None:
    sys.exit(main())
