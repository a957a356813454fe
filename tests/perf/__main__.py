"""`make perf`: run every benchmark, print its Markdown table, keep the rows as JSON.

python -m tests.perf [NAME ...]      # e.g. calendar store console; default: all
"""

from __future__ import annotations

import importlib
import json
import platform
import sys
import time
from pathlib import Path

BENCHMARKS = (
    "calendar",
    "store",
    "console",
    "alerts",
    "health",
    "collecting",
    "health_store",
    "report",
)
RESULTS = Path(__file__).with_name("results")


def main(argv: list[str]) -> int:
    names = argv or list(BENCHMARKS)
    unknown = sorted(set(names) - set(BENCHMARKS))
    if unknown:
        print(f"unknown benchmark {unknown[0]!r}: choose from {', '.join(BENCHMARKS)}")
        return 2
    report: dict[str, object] = {"machine": platform.platform(), "started": time.time()}
    for name in names:
        module = importlib.import_module(f"tests.perf.bench_{name}")
        rows = module.measure()
        report[name] = rows
        print(f"\n## {name}\n\n{module.markdown_table(rows)}", flush=True)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
