"""The command line: validate and create series, one at a time or from a CSV file.

    python -m seriesguard_host validate V10000051 V10000060 [--width N --prefix P --scheme S --format F]
    python -m seriesguard_host create V10000051 V10000060 --db series.db [--scope GL438 --item-code X --type virtual]
    python -m seriesguard_host import series.csv --db series.db [--scope GL438] [--dry-run]
    python -m seriesguard_host list --db series.db [--scope GL438]

A CSV has a header with `start` and `end`, and optionally `scope`, `item_code`,
`type` and `id`. Each row is validated and created in order; refused rows are
reported as JSON lines on stdout with their line number and the issues, and a
progress bar on stderr shows how far a large file is. Exit status: 0 when
everything passed, 1 when anything was refused, 2 for a usage error.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from typing import Optional, TextIO

from . import Seriesguard, SeriesError
from .store import SQLiteBook


def rules_of(args: argparse.Namespace) -> Optional[dict]:
    rules = {k: v for k, v in {"width": args.width, "prefix": args.prefix, "scheme": args.scheme,
                               "format": args.format, "maxCount": args.max_count}.items() if v is not None}
    if args.numeric_only:
        rules["numericOnly"] = True
    return rules or None


class Progress:
    """A progress bar on a terminal-like stream: `[#####.....]  52%  5,200/10,000  1,234 rows/s`."""

    def __init__(self, total: int, out: TextIO = sys.stderr, width: int = 30):
        self.total, self.out, self.width = max(total, 1), out, width
        self.started = time.monotonic()
        self.shown = -1.0

    def update(self, done: int, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self.shown < 0.1:
            return
        self.shown = now
        filled = int(self.width * min(done, self.total) / self.total)
        rate = done / max(now - self.started, 1e-9)
        self.out.write(f"\r[{'#' * filled}{'.' * (self.width - filled)}] {100 * done // self.total:3d}%  "
                       f"{done:,}/{self.total:,}  {rate:,.0f} rows/s")
        self.out.flush()

    def finish(self, done: int) -> None:
        self.update(done, force=True)
        self.out.write("\n")


def cmd_validate(args: argparse.Namespace) -> int:
    v = Seriesguard().validate(args.start, args.end, rules_of(args))
    print(json.dumps(v))
    return 0 if v["ok"] else 1


def request_of(args: argparse.Namespace) -> dict:
    return {"start": args.start, "end": args.end, "scope": args.scope, "item_code": args.item_code,
            "type": args.type, "id": args.id}


def cmd_create(args: argparse.Namespace) -> int:
    book = SQLiteBook(args.db, rules_of(args))
    try:
        print(json.dumps(book.create(request_of(args))))
        return 0
    except SeriesError as error:
        print(json.dumps({"code": error.code, "message": error.message, "issues": error.issues, "conflicts": error.conflicts}))
        return 1
    finally:
        book.close()


def cmd_import(args: argparse.Namespace) -> int:
    with open(args.csv, newline="", encoding="utf-8") as f:
        total = max(sum(1 for _ in f) - 1, 0)
    book = None if args.dry_run else SQLiteBook(args.db, rules_of(args))
    guard = Seriesguard()
    progress = Progress(total) if not args.quiet else None
    created = refused = 0
    with open(args.csv, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        if not reader.fieldnames or not {"start", "end"} <= set(reader.fieldnames):
            print("the CSV needs a header with start and end", file=sys.stderr)
            return 2
        for n, row in enumerate(reader, start=1):
            request = {"start": row.get("start") or "", "end": row.get("end") or "",
                       "scope": row.get("scope") or args.scope, "item_code": row.get("item_code") or None,
                       "type": row.get("type") or None, "id": row.get("id") or None}
            try:
                if book is None:
                    guard.prepare(request, rules_of(args))
                else:
                    book.create(request)
                created += 1
            except SeriesError as error:
                refused += 1
                print(json.dumps({"line": n + 1, "start": request["start"], "end": request["end"], "code": error.code,
                                  "message": error.message, "conflicts": error.conflicts}))
            if progress:
                progress.update(n)
    if progress:
        progress.finish(created + refused)
    verb = "valid" if args.dry_run else "created"
    print(f"{created:,} {verb}, {refused:,} refused", file=sys.stderr)
    if book:
        book.close()
    return 0 if refused == 0 else 1


def cmd_list(args: argparse.Namespace) -> int:
    book = SQLiteBook(args.db)
    for series in book.store.list(args.scope):
        print(json.dumps(series))
    book.close()
    return 0


def main(argv: Optional[list] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m seriesguard_host", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    def with_rules(p: argparse.ArgumentParser) -> None:
        p.add_argument("--width", type=int)
        p.add_argument("--prefix")
        p.add_argument("--scheme")
        p.add_argument("--format")
        p.add_argument("--max-count")
        p.add_argument("--numeric-only", action="store_true")

    p = sub.add_parser("validate", help="validate one series")
    p.add_argument("start")
    p.add_argument("end")
    with_rules(p)
    p.set_defaults(run=cmd_validate)

    p = sub.add_parser("create", help="create one series in a SQLite file")
    p.add_argument("start")
    p.add_argument("end")
    p.add_argument("--db", required=True)
    p.add_argument("--scope")
    p.add_argument("--item-code")
    p.add_argument("--type")
    p.add_argument("--id")
    with_rules(p)
    p.set_defaults(run=cmd_create)

    p = sub.add_parser("import", help="validate and create every row of a CSV file")
    p.add_argument("csv")
    p.add_argument("--db", default="series.db")
    p.add_argument("--scope", help="the scope of rows without one")
    p.add_argument("--dry-run", action="store_true", help="validate only")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    with_rules(p)
    p.set_defaults(run=cmd_import)

    p = sub.add_parser("list", help="the stored series")
    p.add_argument("--db", required=True)
    p.add_argument("--scope")
    p.set_defaults(run=cmd_list)

    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
