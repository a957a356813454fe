"""`helpdesk backup ...`: backups of the desk's own database."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from helpdesk_tui.cli.context import options
from helpdesk_tui.cli.desk import ready_desk
from helpdesk_tui.cli.output import print_json
from helpdesk_tui.config import default_backup_folder
from helpdesk_tui.domain.errors import InvalidInput
from helpdesk_tui.store import backup
from helpdesk_tui.store.schema import known_revisions

app = typer.Typer(help="Back up, check and restore the desk's database.", no_args_is_help=True)


@app.command("create")
def create(
    ctx: typer.Context,
    output: Annotated[Path | None, typer.Option(help="The backup file to write")] = None,
    folder: Annotated[Path | None, typer.Option("--dir", help="Folder for a dated file")] = None,
    keep: Annotated[int | None, typer.Option(min=1, help="Then keep only the newest N")] = None,
) -> None:
    """Write a consistent backup while the desk keeps working; it is verified at once."""
    if output is not None and folder is not None:
        raise InvalidInput("give --output or --dir, not both")
    settings = options(ctx).settings()
    desk = ready_desk(settings)
    kind = "sqlite" if desk.store.dialect == "sqlite" else "pg_dump"
    if output is None:
        folder = folder or Path(settings.backup_dir or default_backup_folder())
        folder.mkdir(parents=True, exist_ok=True)
        output = folder / backup.backup_name(desk.now(), kind)
    path = backup.create(desk.store.engine, output)
    report = backup.verify(path, known_revisions())
    print(f"backup {path} ({report.size_bytes:,} bytes, schema {report.revision}) verified")
    if keep is not None:
        for gone in backup.prune(path.parent, keep):
            print(f"removed old backup {gone}")


@app.command("verify")
def verify(
    path: Annotated[Path, typer.Argument(help="A backup file")],
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Check a backup: readable, undamaged, a helpdesk database of a known schema."""
    report = backup.verify(path, known_revisions())
    if as_json:
        print_json({"path": str(report.path), "kind": report.kind, "revision": report.revision,
                    "size_bytes": report.size_bytes, "rows": report.row_counts})  # fmt: skip
        return
    print(f"{path}: {report.kind}, schema {report.revision}, {report.size_bytes:,} bytes, ok")
    for table, count in report.row_counts.items():
        print(f"  {table:<24} {count:>10,}")


@app.command("restore")
def restore(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="A backup file")],
    yes: Annotated[bool, typer.Option("--yes", help="Yes, replace everything now")] = False,
) -> None:
    """Replace the database's contents with a backup (checked first; refused if damaged)."""
    if not yes:
        raise InvalidInput("restore replaces every ticket, alert and shift: add --yes to do it")
    settings = options(ctx).settings()
    desk = ready_desk(settings)
    report = backup.restore(desk.store.engine, path, known_revisions())
    from helpdesk_tui.store.schema import upgrade

    upgrade(desk.store.engine)  # a backup from an older version is brought up to date
    print(f"restored {path} (schema {report.revision})")
