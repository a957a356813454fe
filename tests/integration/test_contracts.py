"""Contracts and coverage on a real SQLite file: the contract use cases and their checks
(a refusal writes nothing), renewal and warranty alerts through the sweep, exclusions and
coverage on tickets (audited, in the work log), penalties that skip excluded tickets, and
the `helpdesk contract` / `helpdesk ticket coverage` commands with their exit codes."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from helpdesk_tui.domain.channel import Channel
from helpdesk_tui.domain.contract_renewal import RenewalState
from helpdesk_tui.domain.coverage import Coverage, Exclusion
from helpdesk_tui.domain.errors import Conflict, InvalidInput, NotFound
from helpdesk_tui.domain.severity import Severity
from helpdesk_tui.services import alerts, tickets
from helpdesk_tui.services import contracts as use
from helpdesk_tui.services import coverage as covering
from helpdesk_tui.services.contract_overview import contract_overview
from helpdesk_tui.services.penalties import penalties
from helpdesk_tui.store.models import AlertClaim, AuditEntry, Contract, WorkLogEntry

NOW = datetime.fromisoformat("2026-11-25T12:00:00+08:00")
CUSTOMER = "杭州人民医院"
PRICE = 200_000_00


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def desk(account_desk):
    """lina (李娜) is the customer's account manager: she hears of its contracts."""
    return account_desk


def add(desk, number="WB-1", **terms):
    given = {"warranty_ends_on": date(2026, 6, 30), "total_price_fen": PRICE,
             "penalty_per_breach_bp": 50, "penalty_per_hour_late_bp": 5, "penalty_cap_bp": 1000,
             **terms}  # fmt: skip
    return use.add_contract(desk, number, CUSTOMER, date(2026, 1, 1), date(2026, 12, 31), **given)


def ticket(desk, reported: str, severity=Severity.URGENT) -> str:
    made = tickets.new_ticket(desk, tickets.NewTicket(
        customer=CUSTOMER, title="故障", severity=severity, channel=Channel.PHONE,
        reported_at=datetime.fromisoformat(reported),
    ))  # fmt: skip
    return made.key


def count(desk, model) -> int:
    with desk.store.read() as session:
        return len(session.scalars(select(model)).all())


# -- the contract use cases -----------------------------------------------------------------


def test_a_contract_with_its_terms_is_audited_and_read_with_its_renewal_state(desk, clock):
    contract = add(desk, title="HIS 维保", calendar="cn-office", vendor_operated=True,
                   sla_policy="[urgent]\nresponse_hours = 0.5\n", notes="首年保修")  # fmt: skip
    assert contract.version == 1 and contract.currency == "CNY"
    with desk.store.read() as session:
        [row] = use.list_contracts(session, NOW.date())
        audit = session.scalars(select(AuditEntry).where(AuditEntry.entity == "contract")).one()
        overview = contract_overview(session, desk, "WB-1")
    assert row.customer == CUSTOMER and row.renewal_on == date(2026, 12, 31)
    assert row.days_left == 36 and row.state is RenewalState.WARNING and not row.in_warranty
    assert audit.action == "create" and "cn-office" in audit.detail
    assert overview.targets[Severity.URGENT].response == timedelta(minutes=30)
    assert len(overview.months) == 12 and overview.terms.cap_fen == PRICE // 10


@pytest.mark.parametrize(
    ("terms", "problem"),
    [
        ({"number": " "}, "must not be empty"),
        ({"ends_on": date(2025, 12, 31)}, "ends .* before it starts"),
        ({"warranty_ends_on": date(2027, 1, 1)}, "warranty end .* outside"),
        ({"renewal_on": date(2025, 1, 1)}, "renewal date .* outside"),
        ({"total_price_fen": -1}, "total price"),
        ({"penalty_cap_bp": 10_001}, "penalty cap"),
        ({"penalty_per_breach_bp": -5}, "penalty per breach"),
        ({"currency": "RMB1"}, "currency"),
        ({"calendar": "no-such"}, "unknown calendar"),
        ({"sla_policy": "[urgent\n"}, "not valid TOML"),
        ({"sla_policy": "[urgent]\nresponse_hours = 5\nfix_hours = 1\n"}, "shorter"),
        ({"renewal_warn_days": 400}, "renewal warning"),
        ({"vendor_operated": "yes"}, "yes or no"),
        ({"colour": "red"}, "unknown contract field"),
    ],
)
def test_bad_terms_are_refused_and_nothing_is_written(desk, clock, terms, problem):
    number = terms.pop("number", "WB-BAD")
    ends = terms.pop("ends_on", date(2026, 12, 31))
    before = count(desk, AuditEntry)
    with pytest.raises(InvalidInput, match=problem):
        use.add_contract(desk, number, CUSTOMER, date(2026, 1, 1), ends, **terms)
    assert count(desk, Contract) == 0 and count(desk, AuditEntry) == before


def test_numbers_are_unique_and_unknown_customers_or_contracts_are_not_found(desk, clock):
    add(desk)
    with pytest.raises(InvalidInput, match="taken"):
        add(desk)
    with pytest.raises(NotFound, match="no customer"):
        use.add_contract(desk, "WB-2", "没有这个客户", date(2026, 1, 1), date(2026, 12, 31))
    with pytest.raises(NotFound, match="no contract"):
        use.update_contract(desk, "WB-404", title="x")
    assert count(desk, Contract) == 1


def test_an_update_changes_what_is_given_and_refuses_a_stale_version(desk, clock):
    contract = add(desk)
    changed = use.update_contract(desk, "WB-1", expected_version=1, renewal_on=date(2026, 11, 1),
                                  warranty_ends_on=None, total_price_fen=PRICE * 2)  # fmt: skip
    assert changed.version == 2 and changed.warranty_ends_on is None
    assert changed.total_price_fen == PRICE * 2
    with pytest.raises(Conflict, match="changed by lina"):
        use.update_contract(desk, contract.id, expected_version=1, title="late")
    with pytest.raises(InvalidInput, match="outside"):  # checked against the stored dates
        use.update_contract(desk, "WB-1", ends_on=date(2026, 10, 1))
    with pytest.raises(InvalidInput, match="nothing to change"):
        use.update_contract(desk, "WB-1", total_price_fen=PRICE * 2)
    with desk.store.read() as session:
        stored = session.get(Contract, contract.id)
        assert stored.version == 2 and stored.ends_on == date(2026, 12, 31)
        [row] = use.list_contracts(session, NOW.date())
    assert row.state is RenewalState.OVERDUE and row.days_left == -24


# -- renewal and warranty alerts --------------------------------------------------------------


def fired(desk) -> list[tuple[str, str, str]]:
    ids = alerts.sweep(desk, "test")
    alerts.deliver(desk, "test", ids, lambda message: "ok")
    with desk.store.read() as session:
        rows = session.execute(select(AlertClaim.target, AlertClaim.level, AlertClaim.recipients)
                               .where(AlertClaim.id.in_(ids))).all()  # fmt: skip
    return sorted(tuple(row) for row in rows)


def test_renewal_warnings_come_in_steps_and_stop_once_renewed(desk, clock):
    use.add_contract(desk, "WB-1", CUSTOMER, date(2026, 1, 1), date(2027, 3, 31),
                     warranty_ends_on=date(2026, 12, 31))  # fmt: skip
    assert fired(desk) == []  # the warning days before 2027-01-30 are still ahead
    clock.move_to("2026-12-01T09:00:00+08:00")
    assert fired(desk) == [("warranty_ending", "info", "lina")]
    clock.move_to("2027-01-30T09:00:00+08:00")
    assert fired(desk) == [("contract_renewal", "warning", "lina")]
    clock.move_to("2027-03-17T09:00:00+08:00")
    assert fired(desk) == [("contract_renewal_urgent", "warning", "lina")]
    # renewed by a new contract: the old one says nothing more
    use.add_contract(desk, "WB-2", CUSTOMER, date(2027, 4, 1), date(2028, 3, 31))
    clock.move_to("2027-04-01T09:00:00+08:00")
    assert fired(desk) == []
    with desk.store.read() as session:
        states = {row.contract.number: row.state for row in use.list_contracts(
            session, date(2027, 4, 1))}  # fmt: skip
    assert states == {"WB-1": RenewalState.RENEWED, "WB-2": RenewalState.OK}


def test_an_unrenewed_contract_alerts_on_its_renewal_day_and_when_it_expires(desk, clock):
    add(desk, renewal_warn_days=0, warranty_ends_on=None)
    clock.move_to("2026-12-31T09:00:00+08:00")
    assert fired(desk) == [("contract_renewal_due", "critical", "lina")]
    clock.move_to("2027-01-01T00:00:00+08:00")
    assert fired(desk) == [("contract_expired", "critical", "lina")]


# -- coverage ---------------------------------------------------------------------------------


def test_tickets_get_their_coverage_and_exclusions_change_it_with_a_note(desk, clock):
    add(desk)
    warranty = ticket(desk, "2026-06-30T23:00:00+08:00")
    covered = ticket(desk, "2026-11-20T09:00:00+08:00")
    with desk.store.read() as session:
        assert tickets.load_ticket(session, warranty).coverage == "warranty"
    done = covering.record_exclusion(desk, covered, Exclusion.CUSTOMER_DAMAGE, note="误删配置",
                                     expected_version=1)  # fmt: skip
    assert (done.coverage, done.exclusion, done.version) == ("billable", "customer_damage", 2)
    with pytest.raises(InvalidInput, match="clear it"):
        covering.set_coverage(desk, covered, Coverage.CONTRACT)
    goodwill = covering.record_exclusion(desk, covered, Exclusion.FORCE_MAJEURE, goodwill=True)
    assert goodwill.coverage == "goodwill"
    cleared = covering.clear_exclusion(desk, covered, note="核实后属我方问题")
    assert (cleared.coverage, cleared.exclusion, cleared.exclusion_note) == ("contract", "", "")
    with pytest.raises(InvalidInput, match="no exclusion"):
        covering.clear_exclusion(desk, covered)
    with pytest.raises(Conflict):
        covering.set_coverage(desk, covered, Coverage.GOODWILL, expected_version=1)
    assert covering.set_coverage(desk, warranty, Coverage.GOODWILL).coverage == "goodwill"
    with desk.store.read() as session:
        notes = session.scalars(select(WorkLogEntry.text).where(WorkLogEntry.kind == "note")
                                .order_by(WorkLogEntry.id)).all()  # fmt: skip
        actions = session.scalars(select(AuditEntry.action).where(
            AuditEntry.entity == "ticket", AuditEntry.action != "create")
            .order_by(AuditEntry.id)).all()  # fmt: skip
        counts = covering.coverage_counts(session, 1)
    assert len(notes) == 4 and "甲方人为因素" in notes[0] and "误删配置" in notes[0]
    assert actions == ["exclusion", "exclusion", "exclusion_cleared", "coverage"]
    assert counts.by_coverage == {"warranty": 0, "contract": 1, "billable": 0, "goodwill": 1}
    assert counts.excluded == 0


def test_penalties_skip_excluded_and_unpromised_tickets(desk, clock):
    add(desk)
    late = [ticket(desk, f"2026-11-0{day}T08:00:00+08:00") for day in (2, 3, 4)]
    for key in late:  # each answered 1 h 30 min after the report (30 min late), fixed in time
        reported = tickets_reported(desk, key)
        tickets.respond(desk, key, at=reported + timedelta(minutes=90))
        tickets.resolve(desk, key, "修复", at=reported + timedelta(hours=3))

    def charged() -> list[int]:
        with desk.store.read() as session:
            [report] = penalties(session, desk, date(2026, 11, 1), date(2026, 11, 1))
        return sorted(c.breach.ticket_id for m in report.months for c in m.charges)

    ids = [tickets.parse_ticket_ref(key) for key in late]
    assert charged() == ids
    covering.record_exclusion(desk, late[0], Exclusion.UNNOTIFIED_CHANGE)
    covering.set_coverage(desk, late[1], Coverage.GOODWILL)
    assert charged() == [ids[2]]
    covering.clear_exclusion(desk, late[0])
    assert charged() == [ids[0], ids[2]]


def tickets_reported(desk, key: str) -> datetime:
    with desk.store.read() as session:
        return tickets.load_ticket(session, key).reported_at


# -- the commands -----------------------------------------------------------------------------


def test_the_contract_commands(demo_db, cli, digest):
    done = cli("contract", "add", "WB-CLI-1", "--customer", "1", "--start", "2026-01-01",
               "--end", "2027-12-31", "--warranty-end", "2026-12-31", "--price", "120,000.50",
               "--per-breach", "0.5%", "--per-hour", "0.05", "--cap", "5%",
               "--vendor-operated", "--json")  # fmt: skip
    assert done.code == 0, done.stderr
    made = json.loads(done.stdout)
    assert made["total_price_fen"] == 12_000_050 and made["penalty_per_breach_bp"] == 50
    assert made["penalty_per_hour_late_bp"] == 5 and made["penalty_cap_bp"] == 500
    assert made["vendor_operated"] and made["in_warranty"] and len(made["penalties"]) == 12
    listed = json.loads(cli("contract", "list", "--json").stdout)
    assert "WB-CLI-1" in [c["number"] for c in listed]
    shown = cli("contract", "show", "WB-CLI-1")
    assert shown.code == 0 and "120,000.50 CNY" in shown.stdout and "urgent" in shown.stdout
    updated = cli("contract", "update", "WB-CLI-1", "--renewal", "2027-10-31", "--expect-version",
                  "1", "--json")  # fmt: skip
    assert updated.code == 0 and json.loads(updated.stdout)["version"] == 2
    before = digest(demo_db)
    for bad, code in [
        (("contract", "add", "WB-CLI-2", "--customer", "1", "--start", "2026-13-01", "--end",
          "2027-01-01"), 2),
        (("contract", "add", "WB-CLI-1", "--customer", "1", "--start", "2026-01-01", "--end",
          "2027-01-01"), 2),
        (("contract", "add", "WB-CLI-2", "--customer", "1", "--start", "2026-01-01", "--end",
          "2027-01-01", "--price", "-3"), 2),
        (("contract", "add", "WB-CLI-2", "--customer", "1", "--start", "2026-01-01", "--end",
          "2027-01-01", "--cap", "150%"), 2),
        (("contract", "update", "WB-CLI-1", "--title", "x", "--expect-version", "1"), 3),
        (("contract", "show", "WB-NOPE"), 2),
        (("contract", "update", "WB-NOPE", "--title", "x"), 2),
    ]:  # fmt: skip
        result = cli(*bad)
        assert result.code == code and len(result.stderr.strip().splitlines()) == 1, result
    assert digest(demo_db) == before


def test_the_ticket_coverage_command(demo_db, cli, digest):
    key = json.loads(cli("ticket", "list", "--limit", "1", "--json").stdout)[0]["key"]
    done = cli("ticket", "coverage", key, "--exclusion", "force_majeure", "--goodwill", "--note",
               "台风断电", "--json")  # fmt: skip
    assert done.code == 0, done.stderr
    shown = json.loads(cli("ticket", "show", key, "--json").stdout)
    assert (shown["coverage"], shown["exclusion"], shown["exclusion_note"]) == (
        "goodwill",
        "force_majeure",
        "台风断电",
    )
    assert shown["work_log"][-1]["kind"] == "note" and "不可抗力" in shown["work_log"][-1]["text"]
    assert "goodwill · force_majeure" in cli("ticket", "show", key).stdout
    before = digest(demo_db)
    for bad in (("ticket", "coverage", key), ("ticket", "coverage", key, "--exclusion", "flood"),
                ("ticket", "coverage", key, "--coverage", "contract"),
                ("ticket", "coverage", key, "--goodwill", "--clear"),
                ("ticket", "coverage", "T-999999", "--clear")):  # fmt: skip
        result = cli(*bad)
        assert result.code == 2 and len(result.stderr.strip().splitlines()) == 1, result
    assert digest(demo_db) == before
    cleared = json.loads(cli("ticket", "coverage", key, "--clear", "--json").stdout)
    assert cleared["exclusion"] is None and cleared["coverage"] != "goodwill"
