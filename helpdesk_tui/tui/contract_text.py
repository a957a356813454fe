"""The contracts screen's rows and detail as the console words and colours them. Pure: a
row or an overview in, cells or rich renderables out. Names and notes come from outside
and go through `one_line` / `printable`, never through markup."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from helpdesk_tui.domain.contract_amounts import percent_text, yuan_text
from helpdesk_tui.domain.contract_renewal import RenewalState
from helpdesk_tui.i18n import Texts
from helpdesk_tui.safe_text import one_line, printable
from helpdesk_tui.services.contract_overview import ContractOverview
from helpdesk_tui.services.penalties import month_label
from helpdesk_tui.tui.contract_reads import ContractListRow
from helpdesk_tui.tui.maintenance_text import (
    DUE_STYLE,
    MARK,
    OK_STYLE,
    OVERDUE_STYLE,
    SOON_STYLE,
    Cell,
    Column,
)

WARNING_STYLE = "#d7d75f"
STATE_STYLE = {
    RenewalState.OK: OK_STYLE,
    RenewalState.WARNING: WARNING_STYLE,
    RenewalState.URGENT: SOON_STYLE,
    RenewalState.OVERDUE: DUE_STYLE,
    RenewalState.EXPIRED: OVERDUE_STYLE,
    RenewalState.RENEWED: "dim",
}
OWED_STYLE = "bold #ff875f"

CONTRACT_COLUMNS = [
    Column("mark", 1), Column("number", 12), Column("customer", 11),
    Column("period", 17, optional=True), Column("warranty", 10, optional=True),
    Column("price", 12),
    Column("calendar", 9, optional=True), Column("vendor", 4, optional=True),
    Column("renewal", 10), Column("days", 10), Column("owed", 0),
]  # fmt: skip


def renewal_days_text(t: Texts, row: ContractListRow) -> str:
    state, days = row.row.state, row.row.days_left
    if state in (RenewalState.RENEWED, RenewalState.EXPIRED):
        return t(f"contracts.state_{state.value}")
    if days < 0:
        return t("contracts.days_overdue", days=-days)
    if days == 0:
        return t("contracts.renew_today")
    return t("contracts.days_left", days=days)


def contract_cells(t: Texts, row: ContractListRow) -> dict[str, Cell]:
    contract, state = row.row.contract, row.row.state
    style = STATE_STYLE.get(state, "")
    warranty = contract.warranty_ends_on
    return {
        "mark": (MARK if state.needs_attention else "", DUE_STYLE),
        "number": (one_line(contract.number), "bold"),
        "customer": (one_line(row.row.customer), ""),
        "period": (f"{contract.starts_on:%y-%m-%d}~{contract.ends_on:%y-%m-%d}", ""),
        "warranty": (warranty.isoformat() if warranty else "—",
                     OK_STYLE if row.row.in_warranty else "dim"),
        "price": (yuan_text(contract.total_price_fen).rjust(12), ""),
        "calendar": (one_line(contract.calendar), "dim"),
        "vendor": (t("contracts.yes") if contract.vendor_operated else "", ""),
        "renewal": (row.row.renewal_on.isoformat(), style if state.needs_attention else ""),
        "days": (renewal_days_text(t, row), style),
        "owed": _owed_cell(row.owed_this_year_fen),
    }  # fmt: skip


def _owed_cell(owed: int | None) -> Cell:
    if owed is None:
        return "…", "dim"  # still being worked out
    return (yuan_text(owed), OWED_STYLE) if owed else ("—", "dim")


def attention_count(rows: list[ContractListRow]) -> int:
    return sum(row.row.state.needs_attention for row in rows)


# -- the detail pane -----------------------------------------------------------------------


def terms_view(t: Texts, overview: ContractOverview) -> RenderableType:
    """The contract's terms, its SLA targets per severity and its tickets by coverage."""
    row, contract = overview.row, overview.row.contract
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(ratio=1)

    def add(label: str, value: str | Text) -> None:
        grid.add_row(
            Text(t(f"contracts.{label}")), Text(value) if isinstance(value, str) else value
        )

    title = Text(one_line(contract.number), style="bold")
    if contract.title:
        title.append(f"  {one_line(contract.title)}", style="")
    add("customer", one_line(row.customer))
    add("period", f"{contract.starts_on} ~ {contract.ends_on}")
    warranty = t("contracts.none") if contract.warranty_ends_on is None else (
        str(contract.warranty_ends_on)
        + (f"  {t('contracts.in_warranty')}" if row.in_warranty else ""))  # fmt: skip
    add("warranty", warranty)
    renewal = Text(f"{row.renewal_on}  ")
    renewal.append(t(f"contracts.state_{row.state.value}"), style=STATE_STYLE.get(row.state, ""))
    renewal.append(f"  {t('contracts.warn_days', days=contract.renewal_warn_days)}", style="dim")
    add("renewal", renewal)
    add("price", f"{yuan_text(contract.total_price_fen)} {contract.currency}")
    add("penalty_rule", t("contracts.penalty_terms",
                          per_breach=percent_text(contract.penalty_per_breach_bp),
                          per_hour=percent_text(contract.penalty_per_hour_late_bp)))  # fmt: skip
    add("cap", f"{percent_text(contract.penalty_cap_bp)} = {yuan_text(overview.terms.cap_fen)}")
    add("calendar", one_line(contract.calendar))
    add("vendor_operated", t("contracts.yes") if contract.vendor_operated else t("contracts.no"))
    counts = overview.coverage
    shown = "  ".join(f"{t(f'coverage.{name}')} {count}"
                      for name, count in counts.by_coverage.items())  # fmt: skip
    add("coverage", f"{shown}  · {t('contracts.excluded')} {counts.excluded}")
    parts: list[RenderableType] = [title, grid, Text(""), sla_view(t, overview)]
    if contract.notes:
        parts += [Text(""), Text(t("contracts.notes"), style="bold underline"),
                  Text(printable(contract.notes))]  # fmt: skip
    return Group(*parts)


def sla_view(t: Texts, overview: ContractOverview) -> Table:
    table = Table(box=None, padding=(0, 1), show_edge=False, title_justify="left",
                  title=t("contracts.sla_title"), title_style="bold underline")  # fmt: skip
    table.add_column(t("contracts.severity"))
    table.add_column(t("contracts.response"), justify="right")
    table.add_column(t("contracts.fix"), justify="right")
    for severity, targets in overview.targets.items():
        table.add_row(t.severity(severity.value), _hours(t, targets.response.total_seconds()),
                      _hours(t, targets.fix.total_seconds()))  # fmt: skip
    return table


def penalties_view(t: Texts, overview: ContractOverview) -> Table:
    """The last 12 months: breaches, charged by the terms, over the cap, owed."""
    table = Table(box=None, padding=(0, 1), show_edge=False, show_footer=True)
    months = overview.months
    table.add_column(t("contracts.month"), footer=t("contracts.total"))
    table.add_column(t("contracts.breaches"), justify="right",
                     footer=str(sum(len(m.charges) for m in months)))  # fmt: skip
    table.add_column(t("contracts.charged"), justify="right",
                     footer=yuan_text(sum(m.charged_fen for m in months)))  # fmt: skip
    table.add_column(t("contracts.capped"), justify="right",
                     footer=yuan_text(sum(m.capped_fen for m in months)))  # fmt: skip
    table.add_column(t("contracts.owed"), justify="right", footer=yuan_text(overview.owed_fen))
    for month in months:
        quiet = "dim" if not month.charges else ""
        table.add_row(
            Text(month_label(month.month), style=quiet),
            Text(str(len(month.charges)), style=quiet),
            Text(yuan_text(month.charged_fen), style=quiet),
            Text(yuan_text(month.capped_fen), style=SOON_STYLE if month.capped_fen else quiet),
            Text(yuan_text(month.owed_fen), style=OWED_STYLE if month.owed_fen else quiet),
        )
    return table


def _hours(t: Texts, seconds: float) -> str:
    return t("contracts.hours", hours=f"{seconds / 3600:g}")
