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


def main(argv: list[str] | None = None) -> int:
    from helpdesk_tui.cli.app import app

    try:
        app(args=argv, prog_name="helpdesk", standalone_mode=False)
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
