"""Each console announces the alerts addressed to its user once, whichever process
delivered them: a toast, the bell, the terminal's notification escape. History is not
replayed at start, and a broken notifier never takes the console down."""

import pytest

from helpdesk_tui.domain.severity import Severity
from helpdesk_tui.store.models import AlertClaim
from tests.tui.alert_data import M, open_ticket, raise_alerts, sweep
from tests.tui.settle import queue_loaded, until

QUIET_DESKTOP = {"terminal": "osc777", "bell": True, "desktop": "off"}


@pytest.fixture(autouse=True)
def _plain_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("TMUX", "TERM_PROGRAM", "KITTY_WINDOW_ID", "DISPLAY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True)
def _demo_alerts_swept(desk_for) -> None:
    """What the demo data has due now (its training sessions) is history before start."""
    sweep(desk_for("wangfang"))


class Terminal:
    """Stands in for the console's terminal: what was written, how often the bell rang."""

    def __init__(self, app, *, broken: bool = False) -> None:
        self.written: list[bytes] = []
        self.bells = 0
        self.broken = broken
        app.write_to_terminal = self.write
        app.bell = self.ring

    def write(self, data: bytes) -> None:
        if self.broken:
            raise OSError("the pty is gone")
        self.written.append(data)

    def ring(self) -> None:
        self.bells += 1


def alert_toasts(app) -> list:
    return [n for n in app._notifications if n.title]


async def started(pilot) -> None:
    await queue_loaded(pilot)
    await until(pilot, lambda: pilot.app._announcer._last_id is not None)


async def test_a_new_alert_is_a_toast_a_bell_and_an_osc_escape(make_app, desk_for):
    raise_alerts(desk_for("lina"))  # history: not announced again
    app = make_app(notifiers=QUIET_DESKTOP)
    terminal = Terminal(app)
    async with app.run_test(size=(120, 36)) as pilot:
        await started(pilot)
        assert alert_toasts(app) == [] and terminal.written == []
        elsewhere = desk_for("wangfang")  # another console's scheduler delivers it
        ticket_id = open_ticket(elsewhere, "机房空调告警", Severity.URGENT, 30 * M, "lina")
        [claimed] = sweep(elsewhere)
        await until(pilot, lambda: alert_toasts(app))
        [toast] = alert_toasts(app)
        key = f"T-{ticket_id:06d}"
        assert toast.title == f"{key} 50% of the response time used"
        assert "机房空调告警" in toast.message and toast.severity == "warning"
        [escape] = terminal.written
        assert escape.startswith(b"\x1b]777;notify;" + key.encode()) and escape.endswith(b"\x07")
        assert "机房空调告警".encode() in escape
        assert terminal.bells == 1
        app.screen.data_changed()  # more changes: still announced once
        await app.workers.wait_for_complete()
        assert len(alert_toasts(app)) == 1 and app._announcer._last_id == claimed


async def test_a_breach_is_an_error_toast(make_app, desk_for):
    app = make_app(notifiers=QUIET_DESKTOP)
    Terminal(app)
    async with app.run_test(size=(120, 36)) as pilot:
        await started(pilot)
        elsewhere = desk_for("wangfang")
        open_ticket(elsewhere, "收费系统宕机", Severity.URGENT, 61 * M, "lina")
        sweep(elsewhere)
        await until(pilot, lambda: alert_toasts(app))
        [toast] = alert_toasts(app)
        assert toast.severity == "error" and "deadline missed" in toast.title


async def test_alerts_for_someone_else_are_not_announced(make_app, desk_for):
    app = make_app(notifiers=QUIET_DESKTOP)
    terminal = Terminal(app)
    async with app.run_test(size=(120, 36)) as pilot:
        await started(pilot)
        elsewhere = desk_for("wangfang")
        open_ticket(elsewhere, "别人的工单", Severity.URGENT, 30 * M, "wangfang")
        [claimed] = sweep(elsewhere)
        await until(pilot, lambda: app._announcer._last_id is not None)
        await until(pilot, lambda: claimed in [a.id for a in app.reader.alerts("active")])
        await pilot.pause(0.6)  # a change poll has passed
        await app.workers.wait_for_complete()
        assert alert_toasts(app) == [] and terminal.written == [] and terminal.bells == 0


async def test_inside_tmux_the_escape_is_wrapped_for_passthrough(make_app, desk_for, monkeypatch):
    monkeypatch.setenv("TMUX", "/tmp/tmux-1000/default,1,0")
    app = make_app(notifiers=QUIET_DESKTOP)
    terminal = Terminal(app)
    async with app.run_test(size=(120, 36)) as pilot:
        await started(pilot)
        elsewhere = desk_for("wangfang")
        open_ticket(elsewhere, "tmux 里的告警", Severity.URGENT, 30 * M, "lina")
        sweep(elsewhere)
        await until(pilot, lambda: terminal.written)
        [escape] = terminal.written
        assert escape.startswith(b"\x1bPtmux;\x1b\x1b]777;notify;") and escape.endswith(b"\x1b\\")


async def test_a_broken_terminal_never_takes_the_console_down(make_app, desk_for):
    app = make_app(notifiers=QUIET_DESKTOP)
    Terminal(app, broken=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await started(pilot)
        elsewhere = desk_for("wangfang")
        open_ticket(elsewhere, "终端已断开", Severity.URGENT, 30 * M, "lina")
        sweep(elsewhere)
        await until(pilot, lambda: alert_toasts(app))
        assert app.is_running
        faults = [n for n in app._notifications if n.severity == "error"]
        assert faults == []  # logged, not shown


async def test_hostile_titles_stay_literal_in_toast_and_escape(make_app, desk_for):
    app = make_app(notifiers=QUIET_DESKTOP)
    terminal = Terminal(app)
    async with app.run_test(size=(120, 36)) as pilot:
        await started(pilot)
        elsewhere = desk_for("wangfang")
        open_ticket(elsewhere, "[red]x[/] \x1b]0;x\x07;boom", Severity.URGENT, 30 * M, "lina")
        sweep(elsewhere)
        await until(pilot, lambda: alert_toasts(app))
        [toast] = alert_toasts(app)
        assert "[red]x[/] \\x1b]0,x\\x07" not in toast.message  # toasts keep `;`
        assert "[red]x[/] \\x1b]0;x\\x07;boom" in toast.message
        [escape] = terminal.written
        assert escape.count(b"\x1b") == 1 and escape.count(b"\x07") == 1  # only its own
        assert "\x1b" not in app.export_screenshot()


async def test_the_console_runs_the_scheduler_and_announces_what_it_claims(make_app, desk_for):
    desk = desk_for("wangfang")
    ticket_id = open_ticket(desk, "夜里超时的工单", Severity.URGENT, 45 * M, "lina")
    app = make_app(notifiers=QUIET_DESKTOP, run_alerts=True)
    Terminal(app)
    async with app.run_test(size=(120, 36)) as pilot:
        await started(pilot)
        await until(pilot, lambda: app._alerts is not None and app._alerts.sweeps >= 1)
        with desk.store.read() as session:
            claim = session.query(AlertClaim).filter_by(ticket_id=ticket_id).one()
        assert claim.delivered_by.startswith("console@") and claim.threshold == 75
        await until(pilot, lambda: alert_toasts(app))
        scheduler = app._alerts.scheduler
    assert not scheduler.running  # stopped with the console


@pytest.mark.parametrize("options", [{"wall": True, "read_only": True}, {"read_only": True}])
async def test_the_wall_and_read_only_consoles_do_not_sweep(make_app, options):
    app = make_app(run_alerts=True, **options)
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: app._announcer._last_id is not None)
        await app.workers.wait_for_complete()
        assert app._alerts is None


def test_a_bad_notifiers_table_is_refused_before_the_screen(make_app):
    from helpdesk_tui.domain.errors import InvalidInput

    with pytest.raises(InvalidInput, match=r"notifiers\.terminal"):
        make_app(notifiers={"terminal": "morse"})
