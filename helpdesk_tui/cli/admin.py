"""`helpdesk init` and `helpdesk demo`: setting a database up."""

from __future__ import annotations

from typing import Annotated

import typer

from helpdesk_tui.cli.context import options, parse_instant
from helpdesk_tui.cli.desk import ready_desk


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("demo")(demo)


def init(ctx: typer.Context) -> None:
    """Create the database, or upgrade an older one to this version's schema."""
    from helpdesk_tui.store.engine import make_engine, prepare_sqlite_folder
    from helpdesk_tui.store.schema import current_revision, head_revision, upgrade

    settings = options(ctx).settings()
    prepare_sqlite_folder(settings.db)
    engine = make_engine(settings.db)
    before = current_revision(engine)
    upgrade(engine)
    after = head_revision()
    state = (
        "is up to date" if before == after else f"upgraded from {before or 'nothing'} to {after}"
    )
    print(f"database {engine.url.render_as_string(hide_password=True)} {state}")


def demo(
    ctx: typer.Context,
    tickets: Annotated[int, typer.Option(help="How many tickets to generate")] = 2_000,
    seed: Annotated[int, typer.Option(help="The same seed gives the same data")] = 1,
    now: Annotated[str | None, typer.Option(help="Pretend it is this instant (ISO 8601)")] = None,
    if_empty: Annotated[
        bool, typer.Option("--if-empty", help="Do nothing if there are customers")
    ] = False,
) -> None:
    """Fill the database with a realistic Chinese demo dataset (creating it if needed)."""
    from helpdesk_tui.services.demo import check_request, generate

    settings = options(ctx).settings()
    anchor = parse_instant(now, settings.zone, "--now")
    check_request(tickets, anchor)  # before init: a refused request writes nothing
    init(ctx)
    desk = ready_desk(settings)
    summary = generate(desk, tickets, seed, now=anchor, if_empty=if_empty)
    if summary.skipped:
        print("the database has data already: no demo data added")
    else:
        print(
            f"demo data: {summary.customers} customers, {summary.engineers} engineers, "
            f"{summary.tickets} tickets"
        )
