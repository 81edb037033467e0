"""Calls per second from Python: seriesguard's component (wasmtime) beside a
pure-Python implementation of the same checks. Writes target/bench-python.md,
which benches/js/run.mjs puts into BENCHMARKS.md.

    target/py/bin/python benches/python/bench.py      (bash scripts/bench.sh runs it)
"""

import bisect
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
    """Sorted, disjoint ranges in one pool: a yes/no overlap query by bisection."""

    def __init__(self, ranges):
        self.firsts = [a for a, _ in ranges]
        self.lasts = [b for _, b in ranges]

    def has_overlap(self, first, last):
        i = bisect.bisect_right(self.firsts, last) - 1
        return i >= 0 and self.lasts[i] >= first


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


def main():
    sg = Seriesguard()
    assert sg.validate("V10000051", "V10000060")["count"] == py_validate("V10000051", "V10000060")["count"] == 10
    assert [i["code"] for i in sg.validate("V10000060", "V10000051")["issues"]] == py_validate("V10000060", "V10000051")["issues"]

    index = sg.index()
    started = time.perf_counter()
    batch = 10_000
    for at in range(0, RANGES, batch):
        index.add_many([{"id": str(i), "start": f"V{10_000_000 + 20 * i}", "end": f"V{10_000_000 + 20 * i + 9}"}
                        for i in range(at, at + batch)])
    load_component = time.perf_counter() - started
    started = time.perf_counter()
    py_index = PyIndex([(10_000_000 + 20 * i, 10_000_000 + 20 * i + 9) for i in range(RANGES)])
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
        f"Loading {RANGES:,} ranges: {load_component:.2f} s into the component ({RANGES // batch} `add-many` calls), "
        f"{load_python:.2f} s into the Python lists.",
        "",
        "Each component call lowers its arguments and lifts its result through wasmtime-py's",
        "ctypes bindings (records field by field), which costs more than the check itself; the",
        "component's worth from Python is exactness (38-digit serials, check digits, formats,",
        "every issue coded) and one implementation shared with the JS package, not raw speed.",
    ]
    out = "\n".join(lines) + "\n"
    (ROOT / "target").mkdir(exist_ok=True)
    (ROOT / "target" / "bench-python.md").write_text(out, encoding="utf-8")
    print(out)


if __name__ == "__main__":
    main()
