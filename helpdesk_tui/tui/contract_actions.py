"""The contracts screen's keys: `n` a new contract, `e` an edit of the selected one.

One form for both: money in 元 (`120000.00`), ratios in percent (`0.5%`), dates as
YYYY-MM-DD. What is typed is checked here (a date, an amount) and then by the service in a
thread worker; a refusal is a toast and the form opens again with what was typed, so
nothing is lost. An edit sends only what was changed, with the version the user saw.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import work
from textual.binding import Binding

from helpdesk_tui.domain.contract_amounts import parse_percent, parse_yuan, percent_text
from helpdesk_tui.domain.contract_renewal import WARN_DAYS_MAX
from helpdesk_tui.domain.errors import HelpdeskError
from helpdesk_tui.safe_text import one_line
from helpdesk_tui.services import contracts
from helpdesk_tui.services.desk import Desk
from helpdesk_tui.store.models import Contract
from helpdesk_tui.tui.change_runner import apply_change
from helpdesk_tui.tui.maintenance_actions import parse_day

CONTRACT_BINDINGS = (
    Binding("n", "new_contract", "New contract", id="contracts.new_contract"),
    Binding("e", "edit_contract", "Edit contract", id="contracts.edit_contract"),
)
PERCENTS = {"per_breach": "penalty_per_breach_bp", "per_hour": "penalty_per_hour_late_bp",
            "cap": "penalty_cap_bp"}  # fmt: skip
PLAIN = ("number", "title", "currency", "calendar", "notes", "sla_policy")
DATES = {"starts": "starts_on", "ends": "ends_on", "warranty": "warranty_ends_on",
         "renewal": "renewal_on"}  # fmt: skip
Change = tuple[str, Callable[[Desk], Any]]


def shown_terms(contract: Contract) -> dict[str, str]:
    """A contract's terms as the form shows them."""

    def day(value: Any) -> str:
        return value.isoformat() if value is not None else ""

    shown = {field: day(getattr(contract, name)) for field, name in DATES.items()}
    shown |= {name: str(getattr(contract, name) or "").strip() for name in PLAIN}
    shown |= {field: percent_text(getattr(contract, name)) for field, name in PERCENTS.items()}
    shown["price"] = f"{contract.total_price_fen / 100:.2f}"
    shown["warn_days"] = str(contract.renewal_warn_days)
    shown["vendor_operated"] = "yes" if contract.vendor_operated else ""
    return shown


def typed_terms(values: dict[str, Any], today: Any) -> dict[str, Any]:
    """The form's values as the service takes them; a date or amount that does not read
    is InvalidInput."""
    terms: dict[str, Any] = {name: values[name] for name in PLAIN if name in values}
    for field, name in DATES.items():
        terms[name] = parse_day(values[field], today)
    terms["total_price_fen"] = parse_yuan(values["price"] or "0", "price")
    for field, name in PERCENTS.items():
        terms[name] = parse_percent(values[field] or "0", field.replace("_", " "))
    terms["renewal_warn_days"] = values["warn_days"]
    terms["vendor_operated"] = bool(values["vendor_operated"])
    return terms


class ContractActions:
    """Mixin for the contracts screen: it says which contract is selected and reloads."""

    def selected_contract(self) -> Contract | None:
        raise NotImplementedError

    def data_changed(self) -> None:
        raise NotImplementedError

    def _writable(self) -> bool:
        if self.app.read_only:
            self.app.notify(self.app.texts("message.read_only"), severity="warning")
        return not self.app.read_only

    def action_new_contract(self) -> None:
        if not self._writable():
            return
        t = self.app.texts
        typed = {"currency": "CNY", "calendar": "24x7", "warn_days": "60", "price": "0.00",
                 "per_breach": "0%", "per_hour": "0%", "cap": "0%"}  # fmt: skip

        def save(values: dict[str, Any]) -> Change | None:
            terms = typed_terms(values, self._today())
            number, customer = terms.pop("number"), values["customer"]
            starts, ends = terms.pop("starts_on"), terms.pop("ends_on")
            done = t("contracts.added", number=one_line(number))
            return done, lambda d: contracts.add_contract(d, number, customer, starts, ends,
                                                          **terms)  # fmt: skip

        self._contract_form(t("contracts.new_title"), typed, save, with_customer=True)

    def action_edit_contract(self) -> None:
        if not self._writable():
            return
        contract = self.selected_contract()
        if contract is None:
            self.app.notify(self.app.texts("contracts.no_selection"), severity="warning")
            return
        t = self.app.texts
        contract_id, version = contract.id or 0, contract.version
        shown = shown_terms(contract)
        saw = {**shown, "warn_days": contract.renewal_warn_days,
               "vendor_operated": contract.vendor_operated}  # fmt: skip
        before = typed_terms(saw, self._today())

        def save(values: dict[str, Any]) -> Change | None:
            terms = typed_terms(values, self._today())
            changed = {name: value for name, value in terms.items() if before.get(name) != value}
            if not changed:
                return None
            done = t("contracts.updated", number=one_line(contract.number))
            return done, lambda d: contracts.update_contract(
                d, contract_id, expected_version=version, **changed)  # fmt: skip

        title = t("contracts.edit_title", number=one_line(contract.number))
        self._contract_form(title, shown, save)

    def _today(self) -> Any:
        desk = self.app.desk
        return desk.now().astimezone(desk.zone).date()

    def _contract_form(
        self, title: str, typed: dict[str, str],
        save: Callable[[dict[str, Any]], Change | None], with_customer: bool = False,
    ) -> None:  # fmt: skip
        from helpdesk_tui.tui.screens.forms import FormScreen

        t = self.app.texts
        fields = contract_fields(t, typed, with_customer)

        def submitted(values: dict[str, Any] | None) -> None:
            if values is None:
                return
            again = {name: ("yes" if value is True else "" if value is False else str(value))
                     for name, value in values.items()}  # fmt: skip
            reopen = lambda: self._contract_form(title, again, save, with_customer)  # noqa: E731
            try:
                change = save(values)
            except HelpdeskError as error:  # a date or an amount that does not read
                self.app.notify(str(error), severity="error", timeout=6)
                reopen()
                return
            if change is None:
                self.app.notify(t("contracts.unchanged"))
                return
            self.save_contract(*change, reopen)

        self.app.push_screen(FormScreen(title, fields, t("form.submit_hint")), submitted)

    @work(thread=True, group="contract-change", exit_on_error=False)
    def save_contract(self, done: str, apply: Callable[[Desk], Any], again: Callable) -> None:
        if apply_change(self.app, apply, lambda: done):
            self.app.call_from_thread(self.data_changed)
        else:
            self.app.call_from_thread(again)


def contract_fields(t: Any, typed: dict[str, str], with_customer: bool) -> list:
    from helpdesk_tui.tui.screens.forms import Field

    def field(name: str, kind: str = "line", required: bool = False, maximum: int = 0) -> Field:
        return Field(name, t(f"contracts.field_{name}"), kind, required=required,
                     default=typed.get(name, ""), maximum=maximum)  # fmt: skip

    fields = [field("number", required=True)]
    if with_customer:
        fields.append(field("customer", required=True))
    fields += [
        field("title"), field("starts", required=True), field("ends", required=True),
        field("warranty"), field("renewal"),
        field("warn_days", "int", required=True, maximum=WARN_DAYS_MAX),
        field("price"), field("currency"), field("per_breach"), field("per_hour"), field("cap"),
        field("calendar"), field("vendor_operated", "yesno"),
        field("sla_policy", "text"), field("notes", "text"),
    ]  # fmt: skip
    return fields
