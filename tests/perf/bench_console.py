"""Benchmark: the console on a big queue, against a plain DataTable (issue 3).

    python tests/perf/bench_console.py [--tickets N] [--repetitions R] [--idle S] [--presses P]

`helpdesk demo --tickets N` (about 10 % of them open) is built once into
tests/perf/results/console-N.db and reused while its ticket count is right. The console
(`helpdesk`) and the baseline (`baseline_datatable.py`: one stock `DataTable` with the same
rows and columns, its countdown cells rewritten each second with `update_cell` for the rows
on screen) each run as a real process on a pseudo-terminal of 200x50 (TERM=xterm-256color;
stdin, stdout and stderr on the pty slave, which is their controlling terminal). Figures:

- launch -> first painted queue: from spawn until a ticket key (`T-123456`) has been
  written to the terminal; the median of R launches per app (default 5);
- idle CPU and bytes/s: with the queue painted, no keys for S seconds (default 30):
  utime+stime of the process (/proc/PID/stat) per wall second, as % of one core, and the
  bytes read from the pty master per second;
- key-to-paint: P presses (default 200) of `j`, then of page-down (`ESC [6~`), each sent
  once the terminal has been quiet for G seconds (--gap, default 0.05: a fast typist, below
  the console's 120 ms debounce of the side pane; 0.25 lets that pane load between presses)
  and outside the window around the predicted countdown repaint (its 1 s phase is taken
  from the idle period), so the first byte after the write answers the key;
  latency = write -> first output byte; p50 and p95.

Each figure is reported for both apps and as the ratio DataTable / console (above 1: the
console is better). Children run in their own session and are killed (the whole process
group) on every way out: return, exception, SIGTERM, interpreter exit.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import fcntl
import os
import re
import select
import signal
import sqlite3
import statistics
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Callable, Iterator
from pathlib import Path

DEFAULT_TICKETS = 1_000_000
ROWS, COLS = 50, 200
RESULTS = Path(__file__).with_name("results")
BASELINE = Path(__file__).with_name("baseline_datatable.py")
PAINTED = re.compile(rb"T-\d{6}")
KEYS = {"cursor down (`j`)": b"j", "page down": b"\x1b[6~"}
GAP = 0.05  # default seconds without output before the next key is sent
SETTLED = 0.3  # seconds without output that mean the launch is over
TICK_BEFORE = 0.3  # no key in the last 300 ms before a predicted countdown repaint...
TICK_AFTER = 0.1  # ...nor in the first 100 ms after it
LAUNCH_TIMEOUT = 120.0
BUILD_TIMEOUT = 1800.0
_LIVE: set[subprocess.Popen] = set()


# -- the database ---------------------------------------------------------------------


def _counts(db: Path) -> tuple[int, int]:
    with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as connection:
        total, open_ = connection.execute("SELECT count(*), sum(is_open) FROM tickets").fetchone()
    return int(total), int(open_ or 0)


def demo_database(tickets: int) -> Path:
    """tests/perf/results/console-N.db, built by `helpdesk demo` unless it is there already."""
    RESULTS.mkdir(exist_ok=True)
    db = RESULTS / f"console-{tickets}.db"
    if db.exists():
        with contextlib.suppress(sqlite3.Error):
            if _counts(db)[0] == tickets:
                # made by an older version: bring its schema up to date (cheap; no rows move)
                subprocess.run([*_helpdesk(), "init"], env=_environment(db), check=True,
                               stdout=subprocess.DEVNULL, timeout=BUILD_TIMEOUT)  # fmt: skip
                return db
    for stale in RESULTS.glob(db.name + "*"):  # a wrong count, an interrupted build
        stale.unlink()
    building = db.with_name(db.name + ".building")
    print(f"building {db} with `helpdesk demo --tickets {tickets}` (once)...", flush=True)
    subprocess.run(
        [*_helpdesk(), "demo", "--tickets", str(tickets)],
        env=_environment(building),
        check=True,
        stdout=subprocess.DEVNULL,
        timeout=BUILD_TIMEOUT,
    )
    with contextlib.closing(sqlite3.connect(building)) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # everything in the one file
    for journal in RESULTS.glob(building.name + "-*"):
        journal.unlink()
    building.rename(db)
    return db


# -- processes on a pseudo-terminal ----------------------------------------------------


def _helpdesk() -> list[str]:
    script = Path(sys.executable).with_name("helpdesk")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "helpdesk_tui"]


def _environment(db: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("HELPDESK_", "TEXTUAL")) and k not in ("COLUMNS", "LINES")
    }
    env.update(
        TERM="xterm-256color",
        HELPDESK_DB=str(db),
        HELPDESK_CONFIG="/nonexistent.toml",
        HELPDESK_LANG="en",
        HELPDESK_USER="lina",
        HELPDESK_TZ="Asia/Shanghai",
    )
    return env


def _kill(process: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)  # its own session: the group id is its pid
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=10)
    _LIVE.discard(process)


@atexit.register
def _kill_all() -> None:
    for process in list(_LIVE):
        _kill(process)


def _take_controlling_terminal() -> None:  # in the child, after setsid(), before exec
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


class Terminal:
    """A process on a pty of ROWS x COLS; everything it writes is read from the master."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
        self.master, self.argv = master, argv
        self.received = 0
        self.tail = b""  # the latest output, for error messages
        self.last_output = 0.0  # perf_counter of the latest read
        self.spawned = time.perf_counter()
        try:
            self.process = subprocess.Popen(
                argv,
                stdin=slave,
                stdout=slave,
                stderr=slave,  # Textual writes to stderr
                env=env,
                start_new_session=True,
                preexec_fn=_take_controlling_terminal,  # safe: this process has no threads
            )
        except BaseException:
            os.close(master)
            raise
        finally:
            os.close(slave)
        _LIVE.add(self.process)
        os.set_blocking(master, False)

    def read(self, timeout: float) -> bytes:
        """What arrives within `timeout` seconds (b"" if nothing); raises if the app died."""
        ready, _, _ = select.select([self.master], [], [], max(timeout, 0.0))
        if not ready:
            return b""
        try:
            chunk = os.read(self.master, 1 << 16)
        except BlockingIOError:
            return b""
        except OSError:  # EIO: the slave side is closed, the process has gone
            chunk = b""
        if not chunk:
            status = self.process.wait(timeout=5)
            raise RuntimeError(f"{self.argv[-1]} exited with status {status}: {self.shown()}")
        self.tail = (self.tail + chunk)[-2000:]
        self.received += len(chunk)
        self.last_output = time.perf_counter()
        return chunk

    def shown(self) -> str:
        """The latest output as plain text (escape sequences dropped)."""
        text = re.sub(rb"\x1b\[[0-9;?<>=]*[A-Za-z~]", b" ", self.tail)
        return " ".join(text.decode(errors="replace").split())[-600:]

    def wait_for(self, pattern: re.Pattern[bytes], timeout: float) -> float:
        """perf_counter when `pattern` has been written (matched across reads)."""
        deadline = time.perf_counter() + timeout
        tail = b""
        while time.perf_counter() < deadline:
            tail = tail[-64:] + self.read(deadline - time.perf_counter())
            if pattern.search(tail):
                return self.last_output
        raise TimeoutError(f"no {pattern.pattern!r} within {timeout} s: {self.shown()}")

    def settle(self, quiet: float, timeout: float = 30.0) -> None:
        """Read until nothing has arrived for `quiet` seconds."""
        deadline = time.perf_counter() + timeout
        last = time.perf_counter()
        while (now := time.perf_counter()) < deadline:
            if self.read(min(quiet - (now - last), deadline - now)):
                last = self.last_output
            elif time.perf_counter() - last >= quiet:
                return
        raise TimeoutError(f"the terminal was not quiet for {quiet} s within {timeout} s")

    def pump(self, seconds: float, on_burst: Callable[[float], None] | None = None) -> None:
        """Read for `seconds`; `on_burst(t)` at each read after >= 0.1 s of silence."""
        end = time.perf_counter() + seconds
        while (now := time.perf_counter()) < end:
            before = self.last_output
            if self.read(end - now) and on_burst and self.last_output - before >= 0.1:
                on_burst(self.last_output)

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime

    def close(self) -> None:
        _kill(self.process)
        with contextlib.suppress(OSError):
            os.close(self.master)


@contextlib.contextmanager
def running(argv: list[str], env: dict[str, str]) -> Iterator[Terminal]:
    terminal = Terminal(argv, env)
    try:
        yield terminal
    finally:
        terminal.close()


# -- the figures -----------------------------------------------------------------------


def launch_seconds(argv: list[str], env: dict[str, str]) -> float:
    with running(argv, env) as terminal:
        return terminal.wait_for(PAINTED, LAUNCH_TIMEOUT) - terminal.spawned


def _phase(bursts: list[float]) -> float:
    """The moment (perf_counter) of one countdown repaint, from idle output bursts 1 s apart."""
    if not bursts:
        raise RuntimeError("no countdown repaint was seen while idle")
    reference = bursts[0]
    offsets = [((t - reference + 0.5) % 1.0) - 0.5 for t in bursts]  # around 0, in [-.5, .5)
    return reference + statistics.median(offsets)


def session(argv: list[str], env: dict[str, str], idle: float, presses: int, gap: float) -> dict:
    """One run of an app: its launch, idle CPU and bytes/s, then key latencies (ms) per key."""
    found: dict[str, object] = {}
    with running(argv, env) as terminal:
        found["launch"] = terminal.wait_for(PAINTED, LAUNCH_TIMEOUT) - terminal.spawned
        terminal.settle(SETTLED)
        terminal.pump(2.0)  # the side pane and the first ticks are done
        bursts: list[float] = []
        cpu, received, began = terminal.cpu_seconds(), terminal.received, time.perf_counter()
        terminal.pump(idle, bursts.append)
        wall = time.perf_counter() - began
        found["cpu"] = 100 * (terminal.cpu_seconds() - cpu) / wall
        found["bytes"] = (terminal.received - received) / wall
        tick = _phase(bursts)
        for name, key in KEYS.items():
            found[name] = [_press(terminal, key, tick, gap) for _ in range(presses)]
    return found


def _press(terminal: Terminal, key: bytes, tick: float, gap: float) -> float:
    """Milliseconds from writing `key` to the first byte of output after it."""
    while True:
        terminal.settle(gap)
        since_tick = (time.perf_counter() - tick) % 1.0
        if TICK_AFTER <= since_tick <= 1.0 - TICK_BEFORE:
            if terminal.read(0):  # something started after all: wait again
                continue
            sent = time.perf_counter()
            os.write(terminal.master, key)
            break
        terminal.pump((TICK_AFTER - since_tick) % 1.0)  # until just after the repaint
    deadline = sent + 10.0
    while time.perf_counter() < deadline:
        if terminal.read(deadline - time.perf_counter()):
            return (terminal.last_output - sent) * 1000
    raise TimeoutError(f"no output within 10 s of the key {key!r}: {terminal.shown()}")


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(int(fraction * len(ordered)), len(ordered) - 1)]


def _row(figure: str, ours: float, baseline: float, unit: str, target: str,
         ok: bool | None) -> dict:  # fmt: skip
    ratio = baseline / ours if ours else None
    return {"figure": figure, "ours": ours, "baseline": baseline, "ratio": ratio, "unit": unit,
            "target": target, "ok": ok}  # fmt: skip


def _terminated(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)  # unwinds through the `finally`s that kill the children


def measure(
    tickets: int = DEFAULT_TICKETS,
    repetitions: int = 5,
    idle: float = 30.0,
    presses: int = 200,
    gap: float = GAP,
) -> list[dict]:
    """One dict per figure: figure, ours, baseline, ratio (baseline / ours), unit, target, ok.

    The first row also carries `notes`: each launch, the machine's load, the database's age.
    """
    db = demo_database(tickets)
    total, open_tickets = _counts(db)
    env = _environment(db)
    apps = {"ours": _helpdesk(), "baseline": [sys.executable, str(BASELINE), str(db)]}
    load_before, began = os.getloadavg()[0], time.perf_counter()
    previous = signal.signal(signal.SIGTERM, _terminated)
    try:
        launches: dict[str, list[float]] = {name: [] for name in apps}
        for _ in range(repetitions - 1):  # the sessions below give the last launch
            for name, argv in apps.items():
                launches[name].append(launch_seconds(argv, env))
        runs = {name: session(argv, env, idle, presses, gap) for name, argv in apps.items()}
    finally:
        signal.signal(signal.SIGTERM, previous)
        _kill_all()
    for name, found in runs.items():
        launches[name].append(found["launch"])
    ours, base = runs["ours"], runs["baseline"]
    launch = {name: statistics.median(values) for name, values in launches.items()}
    size = f"{open_tickets:,} open of {total:,}"
    rows = [
        _row(f"launch -> first painted queue ({size}; median of {repetitions})",
             launch["ours"], launch["baseline"], "s", "< 1.5 s", launch["ours"] < 1.5),
    ]  # fmt: skip
    for name in KEYS:
        for label, fraction in (("p50", 0.5), ("p95", 0.95)):
            mine, theirs = _percentile(ours[name], fraction), _percentile(base[name], fraction)
            target, ok = ("< 30 ms", mine < 30) if label == "p95" else ("", None)
            figure = f"key-to-paint, {name}, {label} of {presses} ({gap * 1000:.0f} ms gaps)"
            rows.append(_row(figure, mine, theirs, "ms", target, ok))
    rows += [
        _row(f"idle CPU, countdowns running ({idle:.0f} s)", ours["cpu"], base["cpu"],
             "% of a core", "< 3 %", ours["cpu"] < 3),
        _row(f"bytes written to the terminal while idle, {COLS}x{ROWS}", ours["bytes"],
             base["bytes"], "B/s", "", None),
    ]  # fmt: skip
    age_days = (time.time() - db.stat().st_mtime) / 86_400
    rows[0]["notes"] = [
        "launches (s): console "
        + ", ".join(f"{v:.2f}" for v in launches["ours"])
        + "; DataTable "
        + ", ".join(f"{v:.2f}" for v in launches["baseline"]),
        f"{os.cpu_count()} CPUs; load average (1 min) {load_before:.2f} at the start, "
        f"{os.getloadavg()[0]:.2f} at the end; {time.perf_counter() - began:.0f} s in all",
        f"{db.name} was built {age_days:.1f} days ago (its deadlines are relative to then)",
    ]
    return rows


def _shown(value: float, unit: str) -> str:
    if unit == "s":
        return f"{value * 1000:,.0f} ms" if value < 1 else f"{value:.2f} s"
    if unit == "ms":
        return f"{value:,.1f} ms"
    if unit == "% of a core":
        return f"{value:.2f} %"
    return f"{value:,.0f} {unit}"


def markdown_table(rows: list[dict]) -> str:
    lines = [
        "| figure | console | DataTable | ratio (DataTable / console) | target | ok? |",
        "|---|---:|---:|---:|---|---|",
    ]
    for row in rows:
        ok = "—" if row["ok"] is None else ("yes" if row["ok"] else "**no**")
        ratio = "—" if row["ratio"] is None else f"{row['ratio']:.1f}x"
        lines.append(
            f"| {row['figure']} | {_shown(row['ours'], row['unit'])} | "
            f"{_shown(row['baseline'], row['unit'])} | {ratio} | {row['target'] or '—'} | {ok} |"
        )
    notes = [note for row in rows for note in row.get("notes", ())]
    if notes:
        lines += ["", *(f"- {note}" for note in notes)]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=DEFAULT_TICKETS)
    parser.add_argument("--repetitions", type=int, default=5, help="launches per app")
    parser.add_argument("--idle", type=float, default=30.0, help="idle seconds")
    parser.add_argument("--presses", type=int, default=200, help="presses per key")
    parser.add_argument("--gap", type=float, default=GAP, help="quiet seconds before a key")
    args = parser.parse_args(argv)
    rows = measure(args.tickets, args.repetitions, args.idle, args.presses, args.gap)
    print(
        f"console benchmark: `helpdesk demo --tickets {args.tickets:,}`, {COLS}x{ROWS} pty; "
        f"launch: median of {args.repetitions}; keys: {args.presses} presses each\n"
    )
    print(markdown_table(rows))
    return 0 if all(row["ok"] is not False for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
