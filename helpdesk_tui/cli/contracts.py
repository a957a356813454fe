"""`helpdesk contract add|list|show|update`: maintenance contracts (维保合同) and their terms.

Money is typed in 元 with up to two decimals (`--price 120000.00`) and kept in fen;
ratios of the price are typed in percent (`--penalty-cap 5%`, `0.5` means 0.5 %) and kept
in basis points. JSON shows both as stored (`*_fen`, `*_bp`)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from helpdesk_tui.cli.context import options
from helpdesk_tui.cli.desk import ready_desk
from helpdesk_tui.cli.output import print_json
from helpdesk_tui.domain.contract_amounts import parse_percent, parse_yuan, percent_text, yuan_text
from helpdesk_tui.domain.errors import InvalidInput
from helpdesk_tui.safe_text import fit, one_line, printable
from helpdesk_tui.services import contracts as use
from helpdesk_tui.services.contract_overview import ContractOverview, contract_overview
from helpdesk_tui.services.contracts import ContractRow
from helpdesk_tui.services.desk import Desk
from helpdesk_tui.services.directory import find_customer
from helpdesk_tui.services.penalties import month_label

app = typer.Typer(
    help="Maintenance contracts (维保合同): period, warranty, price, SLA terms, penalties, "
    "renewal. Money in 元 (120000.00), ratios in percent (0.5%).",
    no_args_is_help=True,
)
Json = Annotated[bool, typer.Option("--json", help="Print JSON")]
Ref = Annotated[str, typer.Argument(help="Contract number or id")]
Day = Annotated[str | None, typer.Option(help="A date, YYYY-MM-DD")]
Version = Annotated[
    int | None,
    typer.Option(
        "--expect-version", help="Refuse (exit 3) if the contract is no longer at this version"
    ),
]
# The options every command that writes terms shares (None: not given).
Title = Annotated[str | None, typer.Option(help="What the contract covers")]
WarrantyEnd = Annotated[
    str | None, typer.Option(help="Last day of the warranty (保修期), YYYY-MM-DD")
]
Renewal = Annotated[
    str | None, typer.Option(help="Renew by this day (default: the end), YYYY-MM-DD")
]
WarnDays = Annotated[
    int | None, typer.Option(help="Warn this many days before the renewal date (0-366)")
]
Price = Annotated[str | None, typer.Option(help="Total maintenance price in 元, e.g. 120000.00")]
Currency = Annotated[str | None, typer.Option(help="Currency code, e.g. CNY")]
PerBreach = Annotated[
    str | None, typer.Option(help="Penalty per broken promise, percent of the price, e.g. 0.5%")
]
PerHour = Annotated[
    str | None, typer.Option(help="Penalty per hour late, percent of the price, e.g. 0.05%")
]
Cap = Annotated[
    str | None, typer.Option(help="Penalties owed at most, percent of the price (0: none)")
]
Calendar = Annotated[
    str | None, typer.Option(help="Work calendar: a name (24x7, cn-office) or a TOML file")
]
PolicyFile = Annotated[
    Path | None, typer.Option(help="The contract's SLA targets: a TOML file like sla_policy.toml")
]
Vendor = Annotated[
    bool | None,
    typer.Option("--vendor-operated/--customer-operated",
                 help="The vendor runs the customer's servers (乙方运维)"),
]  # fmt: skip
Notes = Annotated[str | None, typer.Option(help="Free notes")]


def _terms(
    title: str | None, warranty_end: str | None, renewal: str | None, warn_days: int | None,
    price: str | None, currency: str | None, per_breach: str | None, per_hour: str | None,
    cap: str | None, calendar: str | None, sla_policy_file: Path | None,
    vendor_operated: bool | None, notes: str | None,
) -> dict[str, Any]:  # fmt: skip
    """What was given, as the service takes it ("none" clears an optional date)."""
    given: dict[str, Any] = {
        "title": title, "renewal_warn_days": warn_days, "currency": currency,
        "calendar": calendar, "vendor_operated": vendor_operated, "notes": notes,
    }  # fmt: skip
    if warranty_end is not None:
        given["warranty_ends_on"] = _optional_day(warranty_end, "--warranty-end")
    if renewal is not None:
        given["renewal_on"] = _optional_day(renewal, "--renewal")
    if price is not None:
        given["total_price_fen"] = parse_yuan(price, "--price")
    for name, value, option in (("penalty_per_breach_bp", per_breach, "--per-breach"),
                                ("penalty_per_hour_late_bp", per_hour, "--per-hour"),
                                ("penalty_cap_bp", cap, "--cap")):  # fmt: skip
        if value is not None:
            given[name] = parse_percent(value, option)
    if sla_policy_file is not None:
        given["sla_policy"] = _read_policy(sla_policy_file)
    return {name: value for name, value in given.items()
            if value is not None or name in use.OPTIONAL_DATES}  # fmt: skip


@app.command("add")
def add(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(help="The contract number, e.g. WB-2026-0042")],
    customer: Annotated[str, typer.Option(help="The customer (name, a unique part, or id)")],
    start: Annotated[str, typer.Option(help="First day, YYYY-MM-DD")],
    end: Annotated[str, typer.Option(help="Last day, YYYY-MM-DD")],
    title: Title = None, warranty_end: WarrantyEnd = None, renewal: Renewal = None,
    warn_days: WarnDays = None, price: Price = None, currency: Currency = None,
    per_breach: PerBreach = None, per_hour: PerHour = None, cap: Cap = None,
    calendar: Calendar = None, sla_policy_file: PolicyFile = None, vendor_operated: Vendor = None,
    notes: Notes = None, as_json: Json = False,
) -> None:  # fmt: skip
    """Add a contract with its terms (money in 元, ratios in percent)."""
    settings = options(ctx).settings()
    terms = _terms(title, warranty_end, renewal, warn_days, price, currency, per_breach,
                   per_hour, cap, calendar, sla_policy_file, vendor_operated, notes)  # fmt: skip
    starts, ends = _day(start, "--start"), _day(end, "--end")
    desk = ready_desk(settings)
    contract = use.add_contract(desk, number, customer, starts, ends, **terms)
    _report(desk, contract.id or 0, as_json)


@app.command("update")
def update(
    ctx: typer.Context,
    ref: Ref,
    number: Annotated[str | None, typer.Option(help="A new contract number")] = None,
    start: Day = None, end: Day = None,
    title: Title = None, warranty_end: WarrantyEnd = None, renewal: Renewal = None,
    warn_days: WarnDays = None, price: Price = None, currency: Currency = None,
    per_breach: PerBreach = None, per_hour: PerHour = None, cap: Cap = None,
    calendar: Calendar = None, sla_policy_file: PolicyFile = None, vendor_operated: Vendor = None,
    notes: Notes = None, expect_version: Version = None, as_json: Json = False,
) -> None:  # fmt: skip
    """Change the terms given; `--warranty-end none` / `--renewal none` clear those dates."""
    settings = options(ctx).settings()
    terms = _terms(title, warranty_end, renewal, warn_days, price, currency, per_breach,
                   per_hour, cap, calendar, sla_policy_file, vendor_operated, notes)  # fmt: skip
    if number is not None:
        terms["number"] = number
    if start is not None:
        terms["starts_on"] = _day(start, "--start")
    if end is not None:
        terms["ends_on"] = _day(end, "--end")
    desk = ready_desk(settings)
    contract = use.update_contract(desk, ref, expected_version=expect_version, **terms)
    _report(desk, contract.id or 0, as_json)


@app.command("list")
def list_(
    ctx: typer.Context,
    customer: Annotated[str | None, typer.Option(help="Only this customer's")] = None,
    attention: Annotated[
        bool, typer.Option("--attention", help="Only those to renew soon, overdue or expired")
    ] = False,
    as_json: Json = False,
) -> None:
    """Contracts, soonest renewal first, with their renewal state."""
    desk = ready_desk(options(ctx).settings())
    today = desk.now().astimezone(desk.zone).date()
    with desk.store.read() as session:
        owner = find_customer(session, customer).id if customer else None
        rows = use.list_contracts(session, today, owner)
    if attention:
        rows = [row for row in rows if row.state.needs_attention]
    if as_json:
        print_json([contract_json(row) for row in rows])
        return
    print(" ".join(fit(name, width) for name, width in LIST_COLUMNS).rstrip())
    for row in rows:
        print(_list_line(row))


@app.command("show")
def show(ctx: typer.Context, ref: Ref, as_json: Json = False) -> None:
    """One contract: terms, SLA targets, renewal, penalties of the last 12 months, and
    its tickets by coverage."""
    desk = ready_desk(options(ctx).settings())
    _report(desk, ref, as_json)


# -- output ----------------------------------------------------------------------------

LIST_COLUMNS = (
    ("NUMBER", 16), ("CUSTOMER", 18), ("START", 10), ("END", 10), ("WARRANTY", 10),
    ("PRICE", 14), ("RENEW BY", 10), ("DAYS", 5), ("STATE", 8),
)  # fmt: skip


def _list_line(row: ContractRow) -> str:
    c = row.contract
    cells = (one_line(c.number), one_line(row.customer), c.starts_on.isoformat(),
             c.ends_on.isoformat(), _iso(c.warranty_ends_on) or "-",
             yuan_text(c.total_price_fen).rjust(14), row.renewal_on.isoformat(),
             str(row.days_left).rjust(5), row.state.value)  # fmt: skip
    return " ".join(fit(cell, width) for cell, (_, width) in zip(cells, LIST_COLUMNS, strict=True))


def contract_json(row: ContractRow) -> dict[str, Any]:
    c = row.contract
    return {
        "id": c.id, "number": c.number, "customer": row.customer, "title": c.title,
        "starts_on": c.starts_on.isoformat(), "ends_on": c.ends_on.isoformat(),
        "warranty_ends_on": _iso(c.warranty_ends_on), "renewal_on": row.renewal_on.isoformat(),
        "renewal_warn_days": c.renewal_warn_days, "days_to_renewal": row.days_left,
        "renewal_state": row.state.value, "in_warranty": row.in_warranty,
        "total_price_fen": c.total_price_fen, "currency": c.currency,
        "penalty_per_breach_bp": c.penalty_per_breach_bp,
        "penalty_per_hour_late_bp": c.penalty_per_hour_late_bp,
        "penalty_cap_bp": c.penalty_cap_bp, "calendar": c.calendar, "sla_policy": c.sla_policy,
        "vendor_operated": c.vendor_operated, "notes": c.notes, "version": c.version,
    }  # fmt: skip


def overview_json(overview: ContractOverview) -> dict[str, Any]:
    hours = 3600
    return {
        **contract_json(overview.row),
        "sla_targets": {severity.value: {"response_hours": t.response.total_seconds() / hours,
                                         "fix_hours": t.fix.total_seconds() / hours}
                        for severity, t in overview.targets.items()},
        "penalty_cap_fen": overview.terms.cap_fen,
        "penalties": [{"month": month_label(m.month), "breaches": len(m.charges),
                       "charged_fen": m.charged_fen, "capped_fen": m.capped_fen,
                       "owed_fen": m.owed_fen} for m in overview.months],
        "coverage": {**overview.coverage.by_coverage, "excluded": overview.coverage.excluded},
    }  # fmt: skip


def _report(desk: Desk, ref: str | int, as_json: bool) -> None:
    with desk.store.read() as session:
        overview = contract_overview(session, desk, ref)
    if as_json:
        print_json(overview_json(overview))
    else:
        _print_overview(overview)


def _print_overview(overview: ContractOverview) -> None:
    row, c = overview.row, overview.row.contract
    print(f"{one_line(c.number)}  {one_line(row.customer)}  {one_line(c.title)}".rstrip())
    fields = [
        ("period", f"{c.starts_on} .. {c.ends_on}"),
        ("warranty", f"until {c.warranty_ends_on}" + (" (in warranty)" if row.in_warranty else "")
         if c.warranty_ends_on else "-"),
        ("renewal", f"{row.renewal_on} ({row.days_left} days, {row.state.value}; warn "
                    f"{c.renewal_warn_days} days before)"),
        ("price", f"{yuan_text(c.total_price_fen)} {c.currency}"),
        ("penalty", f"{percent_text(c.penalty_per_breach_bp)} per breach, "
                    f"{percent_text(c.penalty_per_hour_late_bp)} per hour late, cap "
                    f"{percent_text(c.penalty_cap_bp)} = {yuan_text(overview.terms.cap_fen)}"),
        ("calendar", c.calendar), ("operated", "vendor (乙方运维)" if c.vendor_operated
                                   else "customer"),
        ("version", str(c.version)),
    ]  # fmt: skip
    for name, value in fields:
        print(f"  {name:<9} {one_line(value)}")
    print("\nSLA targets (hours):")
    for severity, targets in overview.targets.items():
        response, fix = targets.response.total_seconds() / 3600, targets.fix.total_seconds() / 3600
        print(f"  {severity.value:<8} response {response:g}  fix {fix:g}")
    print("\npenalties (元):")
    print(f"  {'month':<8} {'breaches':>8} {'charged':>12} {'capped':>12} {'owed':>12}")
    for m in overview.months:
        print(f"  {month_label(m.month):<8} {len(m.charges):>8} {yuan_text(m.charged_fen):>12} "
              f"{yuan_text(m.capped_fen):>12} {yuan_text(m.owed_fen):>12}")  # fmt: skip
    counts = overview.coverage
    shown = ", ".join(f"{name} {count}" for name, count in counts.by_coverage.items())
    print(f"\ntickets by coverage: {shown}; with an exclusion {counts.excluded}")
    if c.notes:
        print("\n" + printable(c.notes))


def _day(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(f"{option} {text!r}: expected a date as YYYY-MM-DD") from None


def _optional_day(text: str, option: str) -> date | None:
    return None if text.strip().lower() in ("none", "") else _day(text, option)


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _read_policy(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidInput(f"--sla-policy-file {path}: {error}") from None
