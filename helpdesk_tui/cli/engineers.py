"""`helpdesk engineer ...`: the people of the desk and how alerts reach them."""

from __future__ import annotations

from typing import Annotated

import typer
from sqlalchemy import select

from helpdesk_tui.cli.context import options
from helpdesk_tui.cli.desk import ready_desk
from helpdesk_tui.cli.output import print_json
from helpdesk_tui.safe_text import fit, one_line
from helpdesk_tui.services import directory as use
from helpdesk_tui.store.models import Engineer

app = typer.Typer(help="Engineers: add, list, and the channels alerts use.", no_args_is_help=True)


@app.command("add")
def add(
    ctx: typer.Context,
    login: Annotated[str, typer.Argument(help="Login name")],
    name: Annotated[str, typer.Argument(help="Full name")],
    role: Annotated[str, typer.Option(help="engineer | manager | viewer")] = "engineer",
    email: Annotated[str, typer.Option(help="E-mail address for alerts")] = "",
    phone: Annotated[str, typer.Option(help="Mobile number (robots mention it)")] = "",
) -> None:
    """Add an engineer."""
    desk = ready_desk(options(ctx).settings())
    engineer = use.add_engineer(desk, login, name, role, email=email, phone=phone)
    print(f"engineer {engineer.login} added ({engineer.role})")


@app.command("list")
def list_(ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Everyone, with role and alert channels."""
    desk = ready_desk(options(ctx).settings())
    with desk.store.read() as session:
        people = session.scalars(select(Engineer).order_by(Engineer.login)).all()
    if as_json:
        print_json([
            {"login": e.login, "name": e.name, "role": e.role, "email": e.email,
             "phone": e.phone, "active": e.active,
             "notify_via": [c for c in e.notify_via.split(",") if c]}
            for e in people
        ])  # fmt: skip
        return
    for e in people:
        print(f"{fit(e.login, 12)} {fit(one_line(e.name), 10)} {fit(e.role, 9)} "
              f"{fit(one_line(e.email), 28)} {e.notify_via or '-'}")  # fmt: skip


@app.command("notify")
def notify(
    ctx: typer.Context,
    login: Annotated[str, typer.Argument(help="Login name")],
    via: Annotated[str, typer.Option(help="Comma-separated: email and/or webhook names")],
) -> None:
    """Choose the remote channels (e-mail, robot webhooks) that carry alerts to someone."""
    desk = ready_desk(options(ctx).settings())
    engineer = use.set_notify_via(desk, login, via.split(","))
    print(f"{engineer.login}: alerts via {engineer.notify_via or 'no remote channel'}")
