"""The Markdown table of figures that the alert and health benchmarks print."""

from __future__ import annotations


def markdown_table(rows: list[dict]) -> str:
    lines = ["| figure | value | baseline | ratio (baseline / value) | target | ok? |",
             "|---|---:|---:|---:|---|---|"]  # fmt: skip
    for row in rows:
        ok = "—" if row["ok"] is None else ("yes" if row["ok"] else "**no**")
        ratio = "—" if row["ratio"] is None else f"{row['ratio']:.2f}x"
        base = "—" if row["baseline"] is None else f"{row['baseline']:,.1f} {row['unit']}"
        lines.append(f"| {row['figure']} | {row['ours']:,.1f} {row['unit']} | {base} | {ratio} "
                     f"| {row['target'] or '—'} | {ok} |")  # fmt: skip
    notes = [note for row in rows for note in row.get("notes", ())]
    return "\n".join(lines + ([""] + [f"- {n}" for n in notes] if notes else []))


def figure_row(figure: str, ours: float, baseline: float | None, unit: str, target: str,
               ok: bool | None, notes: list[str] | None = None) -> dict:  # fmt: skip
    """One measured figure, the way every benchmark reports it; ratio = baseline / ours."""
    row = {"figure": figure, "ours": ours, "baseline": baseline, "unit": unit,
           "ratio": (baseline / ours) if baseline and ours else None, "target": target,
           "ok": ok}  # fmt: skip
    if notes:
        row["notes"] = notes
    return row
