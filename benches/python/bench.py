"""Calls per second from Python: seriesguard's component (wasmtime) beside a
pure-Python implementation of the same checks. Writes target/bench-python.md,
which benches/js/run.mjs puts into BENCHMARKS.md.

    target/py/bin/python benches/python/bench.py      (bash scripts/bench.sh runs it)
"""

import bisect
import json
from importlib import metadata
import platform
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "examples" / "python"))

from seriesguard_host import Seriesguard  # noqa: E402

SECONDS = 2.0
RANGES = 100_000

SERIAL = re.compile(r"^(.*?)(\d+)(\D*)$", re.ASCII)


def py_validate(start, end):
    """The same checks in plain Python: ASCII digits, prefix/suffix/width agree, start <= end, the count."""
    a, b = SERIAL.match(start.strip()), SERIAL.match(end.strip())
    issues = []
    if not a:
        issues.append("START_INVALID")
    if not b:
        issues.append("END_INVALID")
    if issues:
        return {"ok": False, "count": None, "issues": issues}
    if a.group(1) != b.group(1):
        issues.append("PREFIX_MISMATCH")
    if a.group(3) != b.group(3):
        issues.append("SUFFIX_MISMATCH")
    da, db = a.group(2), b.group(2)
    if (da.startswith("0") or db.startswith("0")) and len(da) != len(db):
        issues.append("WIDTH_MISMATCH")
    first, last = int(da), int(db)
    if first > last:
        issues.append("START_AFTER_END")
    return {"ok": not issues, "count": last - first + 1 if not issues else None, "issues": issues}


class PyIndex:
    """Sorted, disjoint ranges in one pool (with their ids): overlap queries by bisection."""

    def __init__(self, ranges, ids=None):
        self.firsts = [a for a, _ in ranges]
        self.lasts = [b for _, b in ranges]
        self.ids = ids

    def has_overlap(self, first, last):
        i = bisect.bisect_right(self.firsts, last) - 1
        return i >= 0 and self.lasts[i] >= first

    def overlaps(self, prefix, width, first, last):
        """Every stored sub-range colliding with first..last, clipped, as identifiers with ids and counts."""
        out = []
        i = max(bisect.bisect_right(self.firsts, first) - 1, 0)
        while i < len(self.firsts) and self.firsts[i] <= last:
            a, b = max(self.firsts[i], first), min(self.lasts[i], last)
            if a <= b:
                out.append({"id": self.ids[i], "start": f"{prefix}{a:0{width}d}", "end": f"{prefix}{b:0{width}d}", "count": b - a + 1})
            i += 1
        return out


def rate(fn):
    """Calls per second over about SECONDS, after a short warm-up."""
    for _ in range(200):
        fn()
    n, started = 0, time.perf_counter()
    while True:
        for _ in range(500):
            fn()
        n += 500
        elapsed = time.perf_counter() - started
        if elapsed >= SECONDS:
            return n / elapsed


def timed(fn):
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def main():
    sg = Seriesguard()
    assert sg.validate("V10000051", "V10000060")["count"] == py_validate("V10000051", "V10000060")["count"] == 10
    assert [i["code"] for i in sg.validate("V10000060", "V10000051")["issues"]] == py_validate("V10000060", "V10000051")["issues"]

    index = sg.index()
    stored = [{"id": str(i), "start": f"V{10_000_000 + 20 * i}", "end": f"V{10_000_000 + 20 * i + 9}"} for i in range(RANGES)]
    started = time.perf_counter()
    index.add_many(stored)  # one packed string (add-packed)
    load_component = time.perf_counter() - started
    started = time.perf_counter()
    py_index = PyIndex([(10_000_000 + 20 * i, 10_000_000 + 20 * i + 9) for i in range(RANGES)], [str(i) for i in range(RANGES)])
    load_python = time.perf_counter() - started
    probe = 10_000_000 + 20 * (RANGES // 2)
    assert index.has_overlap(f"V{probe + 5}", f"V{probe + 12}") and py_index.has_overlap(probe + 5, probe + 12)
    assert not index.has_overlap(f"V{probe + 10}", f"V{probe + 19}") and not py_index.has_overlap(probe + 10, probe + 19)

    def parsed_overlap():
        a, b = SERIAL.match(f"V{probe + 5}"), SERIAL.match(f"V{probe + 12}")
        return py_index.has_overlap(int(a.group(2)), int(b.group(2)))

    rows = [
        ("validate a valid series", rate(lambda: sg.validate("V10000051", "V10000060")),
         rate(lambda: py_validate("V10000051", "V10000060"))),
        ("validate an invalid series (start after end)", rate(lambda: sg.validate("V10000060", "V10000051")),
         rate(lambda: py_validate("V10000060", "V10000051"))),
        (f"yes/no overlap query, {RANGES:,} stored ranges", rate(lambda: index.has_overlap(f"V{probe + 5}", f"V{probe + 12}")),
         rate(parsed_overlap)),
        (f"overlap query returning conflicts, {RANGES:,} stored ranges", rate(lambda: index.overlaps(f"V{probe + 5}", f"V{probe + 12}")),
         None),
    ]
    # Bulk: 100,000 series in one crossing each way (validate-packed, overlaps-packed), per series,
    # beside the same loop in pure Python; a third of the series invalid (reversed).
    series = [(f"V{10_000_000 + 20 * i}", f"V{10_000_000 + 20 * i + 9}") for i in range(RANGES)]
    series = [(b, a) if i % 3 == 2 else (a, b) for i, (a, b) in enumerate(series)]
    inputs = [{"start": a, "end": b} for a, b in series]
    many = sg.validate_many(inputs)
    assert [v["count"] for v in many] == [py_validate(a, b)["count"] for a, b in series]
    queries = [{"start": f"V{10_000_000 + 20 * i + 5}", "end": f"V{10_000_000 + 20 * i + 12}"} for i in range(RANGES)]

    def py_overlaps_many():
        out = []
        for q in queries:
            a, b = SERIAL.match(q["start"]), SERIAL.match(q["end"])
            out.append(py_index.overlaps(a.group(1), len(a.group(2)), int(a.group(2)), int(b.group(2))))
        return out

    assert index.overlaps_many(queries[:1000]) == py_overlaps_many()[:1000]

    def per_series(fn):
        """Series per second of one bulk call over all RANGES series (best of three)."""
        best = min(timed(fn) for _ in range(3))
        return RANGES / best

    bulk_rows = [
        (f"validate {RANGES:,} series, a third invalid (`validate_many`: one string each way)",
         per_series(lambda: sg.validate_many(inputs)), per_series(lambda: [py_validate(a, b) for a, b in series])),
        (f"{RANGES:,} overlap queries returning conflicts, {RANGES:,} stored (`overlaps_many`)",
         per_series(lambda: index.overlaps_many(queries)), per_series(py_overlaps_many)),
    ]

    lines = [
        f"Python {platform.python_version()}, wasmtime {metadata.version('wasmtime')} "
        f"(PyPI), {SECONDS:.0f} s a row; the pure-Python rows do the same checks with `re`, `int` and `bisect`",
        "(ASCII digits, prefix/suffix/width agreement, start ≤ end, the exact count; the overlap rows parse both",
        "identifiers and search one pool's sorted ranges).",
        "",
        "| work | component via wasmtime | pure Python | |",
        "| --- | ---: | ---: | --- |",
    ]
    for name, component, python in rows:
        ratio = "" if python is None else (f"Python {python / component:.1f}× faster" if python > component else f"component {component / python:.1f}× faster")
        lines.append(f"| {name} | {component:,.0f} calls/s | {'—' if python is None else f'{python:,.0f} calls/s'} | {ratio} |")
    lines += [
        "",
        "In bulk, per series (the pure-Python rows do the same checks in a loop, and its overlap",
        "queries return the same conflict records: ids, clipped identifiers, counts):",
        "",
        "| work | component via wasmtime | pure Python | |",
        "| --- | ---: | ---: | --- |",
    ]
    for name, component, python in bulk_rows:
        ratio = f"Python {python / component:.1f}× faster" if python > component else f"component {component / python:.1f}× faster"
        lines.append(f"| {name} | {component:,.0f} series/s | {python:,.0f} series/s | {ratio} |")
    lines += [
        "",
        f"Loading {RANGES:,} ranges: {load_component:.2f} s into the component (one `add_many`, one packed "
        f"string), {load_python:.2f} s into the Python lists.",
        "",
        "Each single component call lowers its arguments and lifts its result through wasmtime-py's",
        "ctypes bindings (records field by field), which costs far more than the check itself. The",
        "bulk calls cross as one string each way (`validate-packed`, `overlaps-packed`, `add-packed`),",
        "so the per-call cost is paid once per batch.",
    ]
    out = "\n".join(lines) + "\n"
    (ROOT / "target").mkdir(exist_ok=True)
    # The bulk rows, for BENCHMARKS.md's targets table.
    (ROOT / "target" / "bench-python.json").write_text(json.dumps(
        {"validate": {"component": bulk_rows[0][1], "python": bulk_rows[0][2]},
         "overlaps": {"component": bulk_rows[1][1], "python": bulk_rows[1][2]}}), encoding="utf-8")
    (ROOT / "target" / "bench-python.md").write_text(out, encoding="utf-8")
    print(out)


if __name__ == "__main__":
    main()
