"""The root command and its global options."""

from __future__ import annotations

from typing import Annotated

import typer

from helpdesk_tui.cli import (
    admin,
    alerts,
    backup,
    backup_plans,
    contracts,
    engineers,
    patches,
    recovery,
    reports,
    roster,
    servers,
    sla,
    tickets,
    training,
    visits,
)
from helpdesk_tui.cli.context import GlobalOptions

app = typer.Typer(
    help="A terminal console for a 24-hour after-sales service desk.",
    no_args_is_help=False,
    invoke_without_command=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(tickets.app, name="ticket")
app.add_typer(sla.app, name="sla")
app.add_typer(alerts.app, name="alerts")
app.add_typer(roster.app, name="roster")
app.add_typer(engineers.app, name="engineer")
app.add_typer(training.app, name="training")
app.add_typer(backup.app, name="backup")
app.add_typer(backup_plans.app, name="backup-plan")
app.add_typer(servers.servers_app, name="server")
app.add_typer(servers.cloud_app, name="cloud")
app.add_typer(reports.app, name="report")
app.add_typer(recovery.app, name="dr")
app.add_typer(patches.app, name="patch")
app.add_typer(contracts.app, name="contract")
app.add_typer(visits.app, name="visit")
app.command("daemon")(alerts.daemon)
admin.register(app)


@app.callback()
def root(
    ctx: typer.Context,
    db: Annotated[
        str | None, typer.Option(help="Database URL or SQLite path [env: HELPDESK_DB]")
    ] = None,
    user: Annotated[str | None, typer.Option(help="Who is acting [env: HELPDESK_USER]")] = None,
    lang: Annotated[str | None, typer.Option(help="zh or en [env: HELPDESK_LANG]")] = None,
    tz: Annotated[
        str | None, typer.Option(help="Time zone for display and input [env: HELPDESK_TZ]")
    ] = None,
) -> None:
    ctx.obj = GlobalOptions(db=db, user=user, lang=lang, tz=tz)
    if ctx.invoked_subcommand is None:
        from helpdesk_tui.cli.console import open_console

        open_console(ctx.obj.settings())


@app.command("wall")
def wall(ctx: typer.Context) -> None:
    """The read-only wall display for the duty desk."""
    from helpdesk_tui.cli.console import open_console

    open_console(ctx.find_root().obj.settings(), wall=True)
