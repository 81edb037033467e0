"""A SQLite store for the component's `book`: the imported `store` interface
(overlapping, insert) served from the standard library's sqlite3.

Serials are kept as zero-padded 39-digit text (they reach 38 digits, more
than SQLite's 64-bit integers hold), so text order is numeric order.
SQLite has no exclusion constraint, so insert() checks overlaps itself, in
the same write transaction: `create()` runs inside BEGIN IMMEDIATE, so two
processes creating at once are serialized by SQLite's write lock, and an
insert that finds an overlap anyway raises StoreOverlap (the component then
looks again and answers OVERLAP with the exact conflicts).
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import contextmanager
from typing import Iterator, Optional

from . import Seriesguard, StalePools, StoreOverlap

PAD = 39

SCHEMA = """
CREATE TABLE IF NOT EXISTS series (
  id          TEXT PRIMARY KEY,
  start       TEXT NOT NULL,
  "end"       TEXT NOT NULL,
  count       TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  scope       TEXT NOT NULL,
  item_code   TEXT NOT NULL,
  kind        TEXT NOT NULL,
  format      TEXT NOT NULL DEFAULT 'plain',
  created_at  TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE TABLE IF NOT EXISTS segment (
  series_id  TEXT NOT NULL REFERENCES series (id) ON DELETE CASCADE,
  pool       TEXT NOT NULL,
  first      TEXT NOT NULL,
  last       TEXT NOT NULL,
  format     TEXT NOT NULL DEFAULT 'plain',
  CHECK (first <= last)
);
CREATE INDEX IF NOT EXISTS segment_by_pool ON segment (pool, first);
-- The number lifecycle (SQLitePools): each pool's declaration, and the
-- append-only trail of events every change yields, replayed on open.
CREATE TABLE IF NOT EXISTS pool (
  name        TEXT PRIMARY KEY,
  declaration TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS pool_event (
  seq   INTEGER PRIMARY KEY AUTOINCREMENT,
  pool  TEXT NOT NULL,
  event TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS series_by_scope ON series (scope);
"""

OVERLAPPING = "SELECT series_id, first, last, format FROM segment WHERE pool = ? AND first <= ? AND last >= ? ORDER BY first"
# One row of the pool stored under another format (the component then answers RULES_MISMATCH).
OTHER_FORMAT = "SELECT series_id, first, last, format FROM segment WHERE pool = ? AND format <> ? LIMIT 1"


def pad(serial: str) -> str:
    return serial.rjust(PAD, "0")


class SQLiteStore:
    """The store contract over one SQLite database file."""

    def __init__(self, path: str, timeout: float = 30.0):
        # Autocommit mode: transactions are begun explicitly (BEGIN IMMEDIATE).
        self.db = sqlite3.connect(path, timeout=timeout, isolation_level=None)
        self.db.execute("PRAGMA foreign_keys = ON")
        self.db.execute("PRAGMA journal_mode = WAL")
        self.db.executescript(SCHEMA)

    def overlapping(self, pool: dict, first: str, last: str) -> list:
        rows = self.db.execute(OVERLAPPING, (pool["key"], pad(last), pad(first))).fetchall()
        rows += self.db.execute(OTHER_FORMAT, (pool["key"], pool["format"])).fetchall()
        return [{"id": r[0], "first": str(int(r[1])), "last": str(int(r[2])), "format": r[3]} for r in rows]

    def insert(self, series: dict) -> None:
        for s in series["segments"]:
            if self.db.execute(OVERLAPPING + " LIMIT 1", (s["pool"]["key"], pad(s["last"]), pad(s["first"]))).fetchone() \
                    or self.db.execute(OTHER_FORMAT, (s["pool"]["key"], series["format"])).fetchone():
                raise StoreOverlap(series["id"])
        self.db.execute(
            'INSERT INTO series (id, start, "end", count, fingerprint, scope, item_code, kind, format)'
            ' VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
            (series["id"], series["start"], series["end"], str(series["count"]), series["fingerprint"],
             series["scope"], series["item_code"], series["kind"], series["format"]),
        )
        self.db.executemany(
            "INSERT INTO segment (series_id, pool, first, last, format) VALUES (?, ?, ?, ?, ?)",
            [(series["id"], s["pool"]["key"], pad(s["first"]), pad(s["last"]), series["format"])
             for s in series["segments"]],
        )

    def insert_many(self, series_list: list) -> None:
        """Stores all of the series or none (a savepoint, so inside a caller's transaction too)."""
        self.db.execute("SAVEPOINT insert_many")
        try:
            for series in series_list:
                self.insert(series)
        except BaseException:
            self.db.execute("ROLLBACK TO insert_many")
            self.db.execute("RELEASE insert_many")
            raise
        self.db.execute("RELEASE insert_many")

    def remove(self, id: str) -> bool:
        return self.db.execute("DELETE FROM series WHERE id = ?", (id,)).rowcount > 0

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One write transaction (BEGIN IMMEDIATE): committed, or rolled back on an exception."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def list(self, scope: Optional[str] = None) -> list:
        query = 'SELECT id, start, "end", count, scope, item_code, kind, format, created_at FROM series'
        rows = self.db.execute(query + (" WHERE scope = ? ORDER BY rowid" if scope is not None else " ORDER BY rowid"),
                               () if scope is None else (scope,)).fetchall()
        keys = ["id", "start", "end", "count", "scope", "item_code", "kind", "format", "created_at"]
        return [dict(zip(keys, r)) for r in rows]

    # The number lifecycle's trail (the component's book decides everything).

    def _head(self) -> dict:
        d, e = self.db.execute("SELECT (SELECT coalesce(max(rowid), 0) FROM pool),"
                               " (SELECT coalesce(max(seq), 0) FROM pool_event)").fetchone()
        return {"declarations": str(d), "events": str(e)}

    def pool_trail(self, after: dict) -> dict:
        declarations = self.db.execute("SELECT rowid, declaration FROM pool WHERE rowid > ? ORDER BY rowid",
                                       (int(after["declarations"]),)).fetchall()
        events = self.db.execute("SELECT seq, event FROM pool_event WHERE seq > ? ORDER BY seq",
                                 (int(after["events"]),)).fetchall()
        return {"declarations": [{"seq": str(s), "declaration": json.loads(d)} for s, d in declarations],
                "events": [{"seq": str(s), "event": json.loads(e)} for s, e in events], "head": self._head()}

    def append_pool(self, change: dict) -> dict:
        if self._head() != change["after"]:
            raise StalePools()
        declaration = change["declaration"]
        if declaration is not None:
            self.db.execute("INSERT INTO pool (name, declaration) VALUES (?, ?)",
                            (str(declaration["pool"]).strip(), json.dumps(declaration)))
        self.db.executemany("INSERT INTO pool_event (pool, event) VALUES (?, ?)",
                            [(e["pool"], json.dumps(e)) for e in change["events"]])
        return self._head()

    def pool_events(self, pool: Optional[str] = None) -> list:
        """The audit trail, oldest first (one pool's, or every pool's)."""
        query = "SELECT event FROM pool_event" + (" WHERE pool = ?" if pool else "") + " ORDER BY seq"
        return [json.loads(e) for (e,) in self.db.execute(query, (pool,) if pool else ())]

    def close(self) -> None:
        self.db.close()


class SQLiteBook:
    """Creates series through the component over a SQLite file: each create is one write transaction."""

    def __init__(self, path: str, rules: Optional[dict] = None):
        self.store = SQLiteStore(path)
        self.guard = Seriesguard(store=self.store)
        self.rules = rules

    def create(self, request: dict) -> dict:
        with self.store.transaction():
            return self.guard.create(request, self.rules)

    def close(self) -> None:
        self.store.close()


class SQLitePools:
    """Number pools through the component over a SQLite file: each request is one write
    transaction (BEGIN IMMEDIATE), so writers in several processes are serialized; the
    component's book catches up on the trail, decides, and appends through the store."""

    def __init__(self, path: str, rules: Optional[dict] = None, timeout: float = 30.0):
        self.store = SQLiteStore(path, timeout)
        self.guard = Seriesguard(store=self.store)
        self.rules = rules

    def run(self, request: dict) -> dict:
        """One lifecycle request; a change is stored with its events, atomically."""
        with self.store.transaction():
            return self.guard.lifecycle(request, self.rules)

    def events(self, pool: Optional[str] = None) -> list:
        """The audit trail, oldest first (one pool's, or every pool's)."""
        return self.store.pool_events(pool)

    def close(self) -> None:
        self.store.close()
