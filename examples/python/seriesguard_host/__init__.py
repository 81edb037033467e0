"""seriesguard from Python: the WebAssembly Component (pkg/component/seriesguard.wasm)
loaded with wasmtime, every rule and reply coming from it.

    from seriesguard_host import Seriesguard
    sg = Seriesguard()
    sg.validate("V10000051", "V10000060")   # {'ok': True, 'count': 10, ...}

Persistence is the host's: `Seriesguard(store=...)` takes an object with
`overlapping(pool, first, last)` and `insert(series)` (see `store.py` for
the SQLite one); the component calls them during `create()`. The platform
creates ask the host's facts of `Seriesguard(host=...)`: an object with
`api_key_valid(key)` (Shipsy), `card_group_cards(group_id, cards_from,
cards_till, scope)` (MOR: the group's cards as (start, end) pairs), and
`service_found(service_id)`,
`is_quote(service_id)`, `stock_number_id()`, `reserved(area_code, attempt)`
and `save_stock_number(view)` (aBILLity; raise StoreOverlap when another
writer saved first). A missing method, or one that raises, is the host
failing: the platform's failure reply follows.
"""

from __future__ import annotations

import json

import contextlib
import gc
import os
from pathlib import Path
from typing import Any, Iterable, Optional

import wasmtime
import wasmtime.component as wc
from wasmtime.component import Variant

__all__ = ["Seriesguard", "SeriesError", "Reply", "StoreOverlap", "component_path"]

PACKAGE = "seriesguard:core"
VERSION = "0.1.0"


def component_path() -> Path:
    """The component: $SERIESGUARD_COMPONENT, else the repository's pkg/component/."""
    given = os.environ.get("SERIESGUARD_COMPONENT")
    if given:
        return Path(given)
    return Path(__file__).resolve().parents[3] / "pkg" / "component" / "seriesguard.wasm"


class SeriesError(Exception):
    """A refusal: `code` (stable), `message`, every issue, and the conflicts of an OVERLAP."""

    def __init__(self, code: str, message: str, issues: list, conflicts: list):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.issues = issues
        self.conflicts = conflicts


class StalePools(Exception):
    """A store's append_pool() refusing a change: its trail moved past the change's `after`."""


class StoreOverlap(Exception):
    """Raised by a store's insert() when its own check saw an overlap (another writer won)."""


class Reply(dict):
    """A platform reply: {'status', 'body', 'xml'}."""


class _Record(wc.Record):
    """A WIT record to pass in: attributes named as in the WIT (kebab-case)."""

    def __init__(self, **fields: Any):
        for name, value in fields.items():
            setattr(self, name.replace("_", "-"), value)


def _plain(value: Any) -> Any:
    """Records (and lists and tuples of them) as dicts with snake_case keys."""
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_plain(v) for v in value)
    if hasattr(value, "__dict__") and not isinstance(value, (wc.ResourceAny, Variant)):
        return {k.replace("-", "_"): _plain(v) for k, v in vars(value).items()}
    return value


def _error(record: Any) -> SeriesError:
    e = _plain(record)
    return SeriesError(e["code"], e["message"], e["issues"], [_conflict(c) for c in e["conflicts"]])


def _rules(rules: Optional[dict]) -> Optional[_Record]:
    """JS-style rules ({'width', 'prefix', 'maxCount', 'numericOnly', 'scheme', 'format'})."""
    if rules is None:
        return None
    max_count = rules.get("maxCount", rules.get("max_count"))
    return _Record(
        width=rules.get("width"),
        prefix=rules.get("prefix"),
        max_count=None if max_count is None else str(max_count),
        numeric_only=bool(rules.get("numericOnly", rules.get("numeric_only", False))),
        scheme=rules.get("scheme"),
        format=rules.get("format"),
    )


def _stored(write: Any) -> Any:
    """A write's result<_, store-error>: None, or the error's Variant."""
    try:
        write()
        return None
    except StoreOverlap:
        return Variant("overlap")
    except Exception as error:
        return Variant("failed", f"{type(error).__name__}: {error}")


def _int(text: Optional[str]) -> Optional[int]:
    return None if text is None else int(text)


class _Engine:
    """One engine and compiled component per path, shared by every instance."""

    cache: dict = {}

    @classmethod
    def get(cls, path: Path):
        key = str(path)
        if key not in cls.cache:
            engine = wasmtime.Engine()
            cls.cache[key] = (engine, wc.Component.from_file(engine, key))
        return cls.cache[key]


class Seriesguard:
    """One instance of the component, with an optional host store for create()."""

    def __init__(self, store: Any = None, path: Optional[Path] = None, host: Any = None):
        self.store = store
        self.host = host
        engine, component = _Engine.get(Path(path) if path else component_path())
        linker = wc.Linker(engine)
        linker.add_wasip2()
        with linker.root() as root:
            with root.add_instance(f"{PACKAGE}/types@{VERSION}"):
                pass
            with root.add_instance(f"{PACKAGE}/store@{VERSION}") as imported:
                imported.add_func("overlapping", self._overlapping)
                imported.add_func("insert", self._insert)
                imported.add_func("insert-many", self._insert_many)
                imported.add_func("remove", self._remove)
                imported.add_func("pool-trail", self._pool_trail)
                imported.add_func("append-pool", self._append_pool)
            with root.add_instance(f"{PACKAGE}/host@{VERSION}") as imported:
                for name in ("api-key-valid", "card-group-cards", "service-found", "is-quote", "stock-number-id",
                             "reserved"):
                    imported.add_func(name, self._asker(name.replace("-", "_")))
                imported.add_func("save-stock-number", self._save_stock_number)
        self._store = wasmtime.Store(engine)
        self._store.set_wasi(wasmtime.WasiConfig())
        self._instance = linker.instantiate(self._store, component)
        self._funcs: dict = {}

    # ----- the imported store, served from Python -----

    # result<T, store-error>: T (None for _), or a Variant of store-error.

    def _overlapping(self, _ctx: Any, pool: Any, first: str, last: str) -> Any:
        try:
            rows = self.store.overlapping(_plain(pool), first, last)
        except Exception as error:  # the component answers STORE_FAILED
            return Variant("failed", f"{type(error).__name__}: {error}")
        try:
            return [_Record(id=str(r["id"]), first=str(r["first"]), last=str(r["last"]), format=r.get("format"))
                    for r in rows]
        except (TypeError, KeyError, AttributeError) as error:
            return Variant("not-rows", f"{type(error).__name__}: {error}")

    def _insert(self, _ctx: Any, series: Any) -> Any:
        return _stored(lambda: self.store.insert(_plain(series)))

    def _insert_many(self, _ctx: Any, series: Any) -> Any:
        records = [_plain(s) for s in series]
        insert_many = getattr(self.store, "insert_many", None)
        if insert_many is not None:
            return _stored(lambda: insert_many(records))

        def one_by_one() -> None:
            # All or none over a store without insert_many: what was stored is taken back.
            done = []
            try:
                for record in records:
                    self.store.insert(record)
                    done.append(record["id"])
            except BaseException:
                for id in done:
                    self.store.remove(id)
                raise
        return _stored(one_by_one)

    def _remove(self, _ctx: Any, id: str) -> Any:
        # result<bool, string>: wasmtime-py tells the cases apart by type.
        try:
            return bool(self.store.remove(id))
        except Exception as error:
            return f"{type(error).__name__}: {error}"

    # The number lifecycle's trail: JSON text both ways (the book decides; the store keeps).

    def _pool_trail(self, _ctx: Any, after: str) -> Any:
        try:
            return json.dumps(self.store.pool_trail(json.loads(after)))
        except Exception as error:
            return Variant("failed", f"{type(error).__name__}: {error}")

    def _append_pool(self, _ctx: Any, change: str) -> Any:
        try:
            return json.dumps(self.store.append_pool(json.loads(change)))
        except StalePools:
            return Variant("stale")
        except Exception as error:
            return Variant("failed", f"{type(error).__name__}: {error}")

    # ----- the imported host facts: result<T, string> -----

    def _asker(self, name: str):
        def ask(_ctx: Any, *args: Any) -> Any:
            try:
                value = getattr(self.host, name)(*args)
                if name in ("reserved", "card_group_cards"):
                    return [(str(first), str(last)) for first, last in value]
                if name == "stock_number_id":
                    if not (isinstance(value, int) and 0 <= value < 2**64):
                        raise ValueError(f"{value!r} is not a StockNumberID")
                    return value
                # A fact: the component's flow decides what a non-boolean means.
                return Variant("yes") if value is True else Variant("no") if value is False else Variant("other", repr(value))
            except Exception as error:  # the platform's failure reply follows
                return f"{type(error).__name__}: {error}"
        return ask

    def _save_stock_number(self, _ctx: Any, view: Any) -> Any:
        return _stored(lambda: self.host.save_stock_number(_plain(view)))

    # ----- calling exports -----

    def _func(self, interface: str, name: str):
        key = (interface, name)
        if key not in self._funcs:
            at = self._instance.get_export_index(self._store, f"{PACKAGE}/{interface}@{VERSION}")
            self._funcs[key] = self._instance.get_func(self._store, self._instance.get_export_index(self._store, name, at))
        return self._funcs[key]

    def _call(self, interface: str, name: str, *args: Any) -> Any:
        return self._func(interface, name)(self._store, *args)

    def _result(self, interface: str, name: str, *args: Any) -> Any:
        """A call returning result<T, series-error>: T, or SeriesError raised."""
        out = self._call(interface, name, *args)
        if isinstance(out, Variant):
            if out.tag == "err":
                raise _error(out.payload)
            return out.payload
        if type(out).__name__ == "Record" and hasattr(out, "conflicts") and hasattr(out, "issues"):
            raise _error(out)
        return out

    # ----- rules -----

    def validate(self, start: str, end: str, rules: Optional[dict] = None) -> dict:
        """Every issue at once: {'ok', 'count' (int or None), 'issues', 'start', 'end'}."""
        v = _plain(self._call("rules", "validate-series", start, end, _rules(rules)))
        v["count"] = _int(v["count"])
        return v

    def validate_many(self, inputs: Iterable[dict], rules: Optional[dict] = None) -> list:
        """validate() of many series in one call: one string each way (validate-packed)."""
        inputs = list(inputs)
        if not inputs:
            return []
        packed = _RS.join([f"{i.get('start', '')}{_US}{i.get('end', '')}" for i in inputs])
        if not _packed_as(packed, len(inputs), 2):
            # A separator inside a field: the typed call, value by value.
            records = [_Record(start=str(i.get("start", "")), end=str(i.get("end", ""))) for i in inputs]
            out = []
            for v in _plain(self._call("rules", "validate-many", records, _rules(rules))):
                v["count"] = _int(v["count"])
                out.append(v)
            return out
        text = self._call("rules", "validate-packed", packed, _rules(rules))
        out = []
        append = out.append
        with _acyclic():
            for part in text.split(_GS):
                if part[0] == "1":
                    # Valid (ok means no issue): `1 US count US start US end`, no record to split.
                    _, count, start, end = part.split(_US)
                    append({"ok": True, "count": int(count), "issues": [], "start": start, "end": end})
                else:
                    append(_validation(part))
        return out

    def count(self, start: str, end: str, rules: Optional[dict] = None) -> int:
        return int(self._result("rules", "count-series", start, end, _rules(rules)))

    def parse(self, text: str, rules: Optional[dict] = None) -> dict:
        return _plain(self._result("rules", "parse-serial", text, _rules(rules)))

    def check_digit(self, scheme: str, body: str) -> str:
        return self._result("rules", "check-digit", scheme, body)

    def verify_check_digit(self, scheme: str, identifier: str) -> bool:
        return self._result("rules", "verify-check-digit", scheme, identifier)

    def in_words(self, issue: dict) -> str:
        """An issue's message as a page shows it: the field in words, API sentences in words."""
        return self._call("rules", "in-words", issue["code"], issue["field"], issue["message"])

    def read_csv(self, text: str) -> list:
        """CSV text read into rows of cells (a cell write_csv defused reads back as it was)."""
        return [list(row) for row in self._result("rules", "read-csv", text)]

    def write_csv(self, rows: list) -> str:
        """Rows written as CSV for spreadsheets: every cell quoted, formulas defused."""
        return self._call("rules", "write-csv", [[str(cell) for cell in row] for row in rows])

    def split(self, start: str, end: str, max_per_chunk: int, rules: Optional[dict] = None) -> list:
        pieces = _plain(self._result("rules", "split-series", start, end, str(max_per_chunk), _rules(rules)))
        return [{**p, "count": int(p["count"])} for p in pieces]

    # ----- signing -----

    def mor_hash(self, params: Iterable[Any], secret: str) -> str:
        return self._result("signing", "mor-hash", [str(p) for p in params], secret)

    def verify_mor_hash(self, params: Iterable[Any], secret: str, hash_: str) -> bool:
        return self._result("signing", "verify-mor-hash", [str(p) for p in params], secret, hash_)

    def hmac_sha256(self, key: str, message: str, base64url: bool = False) -> str:
        return self._result("signing", "hmac-sha256", key, message, base64url)

    def verify_hmac_sha256(self, key: str, message: str, signature: str) -> bool:
        return self._result("signing", "verify-hmac-sha256", key, message, signature)

    def fingerprint(self, start: str, end: str, item_code: Optional[str] = None, kind: Optional[str] = None,
                    rules: Optional[dict] = None) -> str:
        return self._result("signing", "fingerprint", start, end, item_code, kind, _rules(rules))

    # ----- inventory -----

    def lifecycle(self, request: dict, rules: Optional[dict] = None) -> dict:
        """One number-lifecycle request over the host store (its pool_trail and append_pool):
        this instance keeps the pools it has read and catches up on what others appended."""
        text = json.dumps(_finite(request), default=_json_default)
        return json.loads(self._result("book", "lifecycle", text, _rules(rules)), object_hook=_counts)

    def index(self, rules: Optional[dict] = None, merge_adjacent: bool = False) -> "Index":
        return Index(self, self._call("inventory", "[constructor]series-index", _rules(rules), merge_adjacent))

    def index_from_json(self, snapshot: dict, rules: Optional[dict] = None) -> "Index":
        """A new index holding a snapshot (as Index.to_json() gives it); without rules,
        the snapshot's format."""
        return Index(self, self._result("inventory", "[static]series-index.from-json", _snapshot(snapshot), _rules(rules)))

    def index_from_bytes(self, data: bytes, rules: Optional[dict] = None) -> "Index":
        """A new index holding a binary snapshot (as Index.to_bytes() gives it); without
        rules, the snapshot's format. Changed or cut bytes raise SNAPSHOT_INVALID."""
        return Index(self, self._result("inventory", "[static]series-index.from-bytes", bytes(data), _rules(rules)))

    # ----- book (over self.store) -----

    def prepare(self, request: dict, rules: Optional[dict] = None) -> dict:
        return _created(self._result("book", "prepare", _request(request), _rules(rules)))

    def create(self, request: dict, rules: Optional[dict] = None) -> dict:
        """Validates, asks the store for overlaps, inserts; raises SeriesError (OVERLAP with conflicts)."""
        return _created(self._result("book", "create", _request(request), _rules(rules)))

    def conflicts(self, request: dict, rules: Optional[dict] = None) -> list:
        return [_conflict(c) for c in _plain(self._result("book", "conflicts", _request(request), _rules(rules)))]

    def plan(self, request: dict, rules: Optional[dict] = None) -> dict:
        """What creating only the free part would create and skip (the store is asked, nothing inserted)."""
        return _plan(self._result("book", "plan", _request(request), _rules(rules)))

    def create_free(self, request: dict, rules: Optional[dict] = None) -> dict:
        """Creates only the free part as one series (one insert); raises SeriesError OVERLAP when nothing is free."""
        return _created(self._result("book", "create-free", _request(request), _rules(rules)))

    def verify(self, series: dict, rules: Optional[dict] = None) -> None:
        """Checks a series as a store is handed it against the rules; raises SeriesError (INPUT_INVALID)."""
        segments = [_Record(pool=_Record(**{**g["pool"], "width": int(g["pool"]["width"])}), first=str(g["first"]),
                            last=str(g["last"])) for g in series["segments"]]
        record = _Record(**{**series, "count": str(series["count"]), "segments": segments})
        self._result("book", "verify", record, _rules(rules))

    def plan_many(self, requests: list, free: bool = False, rules: Optional[dict] = None) -> list:
        """Many requests checked at once against the store (asked once per pool) and against the
        requests before them; nothing stored. Per request its plan, or the SeriesError refusing it."""
        return [_outcome(o) for o in self._result("book", "plan-many", [_request(r) for r in requests], free, _rules(rules))]

    def create_many(self, requests: list, free: bool = False, rules: Optional[dict] = None) -> dict:
        """Creates the free requests (with free=True also the free part of partly taken ones) with one
        store.insert_many: {'outcomes', 'created', 'stored'}."""
        answer = self._result("book", "create-many", [_request(r) for r in requests], free, _rules(rules))
        return {"outcomes": [_outcome(o) for o in answer.outcomes], "created": [_created(c) for c in answer.created],
                "stored": answer.stored}

    def remove(self, id: Any) -> bool:
        """Removes a series through the store's remove(); whether there was one."""
        return self._result("book", "remove", str(id))

    # ----- profiles -----

    def shipsy_validate(self, body: dict, rules: Optional[dict] = None) -> dict:
        types = body.get("service_types")
        validation, customer = self._call("profiles", "shipsy-validate", _shipsy(body),
                                          None if types is None else [str(t) for t in types], _rules(rules))
        v = _plain(validation)
        v["count"] = _int(v["count"])
        v["customer"] = customer
        return v

    def shipsy_create(self, authorization: Optional[str], body: dict, rules: Optional[dict] = None) -> Reply:
        """POST .../virtualseries/create: Shipsy's exact Reply. The key is asked of
        host.api_key_valid, the series created through the store."""
        return Reply(_plain(self._call("profiles", "shipsy-create", authorization, _shipsy(body), _rules(rules))))

    def mor_cards_create(self, params: dict, secret: str, group: Optional[dict], role: Optional[str] = None,
                         user_allowed: Optional[bool] = None, can_manage_cards: bool = True) -> dict:
        """calling_cards_create: {'ok', 'xml', 'error', 'plan', 'cards_from', 'cards_till', 'scope',
        'options'}. The group's cards are asked of host.card_group_cards(group_id, from, till, scope)."""
        g = None if group is None else _Record(id=str(group["id"]), number_length=int(group["number_length"]),
                                                pin_length=group.get("pin_length"))
        user = _Record(role=role, user_allowed=user_allowed, can_manage_cards=can_manage_cards)
        out = _plain(self._result("profiles", "mor-cards-create", [(str(k), str(v)) for k, v in params.items()],
                                  secret, user, g))
        if out["plan"] is not None:
            out["plan"] = _plan(out["plan"])
        return out

    def mor_scope(self, group_id: Any) -> str:
        """The scope a card group's cards are stored under (card_group:7)."""
        return self._call("profiles", "mor-scope", str(group_id))

    def abillity_stock_number(self, service_id: str, body: dict, areas: list,
                              max_quantity: Optional[int] = None) -> Reply:
        """POST api/order/Service/{id}/StockNumber: the documented Reply (body JSON, xml).
        `areas`: [{'areaCode', 'first', 'last'}]; the host's facts come from `host`."""
        area = body.get("AreaCode")
        quantity = body.get("Quantity")
        wit_body = _Record(area_code=area if isinstance(area, str) else None,
                           quantity=quantity if isinstance(quantity, int) and not isinstance(quantity, bool)
                           and -2**63 <= quantity < 2**63 else None)
        wit_areas = [_Record(area_code=str(a["areaCode"]), first=str(a["first"]), last=str(a["last"])) for a in areas]
        return Reply(_plain(self._call("profiles", "abillity-stock-number", str(service_id), wit_body, wit_areas,
                                       max_quantity)))


    def abillity_requests(self, area_code: str, quantity: int, max_quantity: Optional[int] = None) -> list:
        """Request bodies reserving `quantity` numbers, each of at most the configured maximum (1000)."""
        pairs = self._result("profiles", "abillity-requests", area_code, str(quantity), max_quantity)
        return [{"AreaCode": a, "Quantity": q} for a, q in pairs]

    def crm_traceable_item(self, goods: Iterable[dict], item_code: Optional[str]) -> dict:
        """Whether item_code names a TRACEABLE physical good: a validation. `goods` are the
        catalog's entries as {'code', 'alternative_code', 'classification', 'physical_good_type'}."""
        records = [_Record(code=str(g.get("code") or ""), alternative_code=str(g.get("alternative_code") or ""),
                           classification=str(g.get("classification") or ""),
                           physical_good_type=str(g.get("physical_good_type") or "")) for g in goods]
        return _plain(self._call("profiles", "crm-traceable-item", records, item_code))


class Index:
    """An in-memory index of stored series inside the component."""

    def __init__(self, owner: Seriesguard, resource: Any):
        self._owner = owner
        self._resource = resource

    def _method(self, name: str, *args: Any) -> Any:
        return self._owner._result("inventory", f"[method]series-index.{name}", self._resource, *args)

    def add(self, id: Any, start: str, end: str, scope: Optional[str] = None) -> None:
        self._method("add", _Record(id=str(id), start=start, end=end, scope=scope))

    def add_many(self, series: Iterable[dict]) -> None:
        """Stores many series, all or none, in one string (add-packed)."""
        rows = [(str(s["id"]), s["start"], s["end"], s.get("scope")) for s in series]
        packed = _RS.join([f"{i}{_US}{a}{_US}{b}{_US}{c or ''}" for i, a, b, c in rows])
        if _all_text(rows) and _packed_as(packed, len(rows), 4):
            self._method("add-packed", packed)
        else:
            self._method("add-many", [_Record(id=i, start=a, end=b, scope=c) for i, a, b, c in rows])

    def overlaps(self, start: str, end: str, scope: Optional[str] = None) -> list:
        found = self._method("overlaps", _Record(id="?", start=start, end=end, scope=scope))
        return [_conflict(c) for c in _plain(found)]

    def overlaps_many(self, queries: Iterable[dict]) -> list:
        """overlaps() of many queries in one call: per query its conflicts, or the SeriesError
        (one string each way, overlaps-packed)."""
        rows = [(q["start"], q["end"], q.get("scope")) for q in queries]
        if not rows:
            return []
        packed = _RS.join([f"{a}{_US}{b}{_US}{c or ''}" for a, b, c in rows])
        if _all_text(rows) and _packed_as(packed, len(rows), 3):
            text = self._owner._call("inventory", "[method]series-index.overlaps-packed", self._resource, packed)
            with _acyclic():
                return [_conflicts_or_error(part) for part in text.split(_FS)]
        records = [_Record(id="?", start=a, end=b, scope=c) for a, b, c in rows]
        out = []
        # Each result<list<conflict>, series-error>: a list, or the error's record.
        for answer in self._owner._call("inventory", "[method]series-index.overlaps-many", self._resource, records):
            out.append([_conflict(c) for c in _plain(answer)] if isinstance(answer, list) else _error(answer))
        return out

    def has_overlap(self, start: str, end: str, scope: Optional[str] = None) -> bool:
        return self._method("has-overlap", _Record(id="?", start=start, end=end, scope=scope))

    def plan(self, start: str, end: str, scope: Optional[str] = None) -> dict:
        return _plan(self._method("plan", _Record(id="?", start=start, end=end, scope=scope)))

    def plan_many(self, queries: Iterable[dict]) -> list:
        """plan() of many queries in one call: per query its plan, or the SeriesError."""
        records = [_Record(id="?", start=q["start"], end=q["end"], scope=q.get("scope")) for q in queries]
        out = []
        # Each result<plan, series-error> comes as a Variant (ok or err) holding its record.
        for answer in self._owner._call("inventory", "[method]series-index.plan-many", self._resource, records):
            out.append(_error(answer.payload) if answer.tag == "err" else _plan(answer.payload))
        return out

    def allocate(self, pool: dict, quantity: int, id: Any = None) -> Optional[dict]:
        record = _Record(prefix=pool.get("prefix"), suffix=pool.get("suffix"), width=int(pool["width"]),
                         scheme=pool.get("scheme"), scope=pool.get("scope"), first=str(pool["first"]), last=str(pool["last"]))
        block = self._method("allocate", record, str(quantity), None if id is None else str(id))
        return None if block is None else {**_plain(block), "count": int(block.count)}

    def gaps(self, start: str, end: str, scope: Optional[str] = None) -> list:
        found = self._method("gaps", _Record(id="?", start=start, end=end, scope=scope))
        return [{**p, "count": int(p["count"])} for p in _plain(found)]

    def remove(self, id: Any) -> bool:
        return self._owner._call("inventory", "[method]series-index.remove", self._resource, str(id))

    @property
    def size(self) -> int:
        return self._owner._call("inventory", "[method]series-index.size", self._resource)

    def held_bytes(self) -> int:
        return self._owner._call("inventory", "[method]series-index.held-bytes", self._resource)

    def stats(self) -> dict:
        s = _plain(self._owner._call("inventory", "[method]series-index.stats", self._resource))
        s["numbers"] = _int(s["numbers"])
        for p in s["pools"]:
            p["numbers"] = int(p["numbers"])
        return s

    def entries(self) -> list:
        found = self._owner._call("inventory", "[method]series-index.entries", self._resource)
        return [_conflict(e) for e in _plain(found)]

    def to_json(self) -> dict:
        """The snapshot, as the npm package's toJSON() writes it (ids as strings)."""
        s = _plain(self._owner._call("inventory", "[method]series-index.to-json", self._resource))
        return {"format": s["format"], "version": s["version"], "mergeAdjacent": s["merge_adjacent"],
                "rules": s["rules"], "pools": [{**p, "ranges": [list(r) for r in p["ranges"]]} for p in s["pools"]]}

    def load_json(self, snapshot: dict) -> None:
        self._method("load-json", _snapshot(snapshot))

    def to_bytes(self) -> bytes:
        """The binary snapshot, byte for byte as the npm package's toBytes() writes it."""
        return bytes(self._owner._call("inventory", "[method]series-index.to-bytes", self._resource))

    def lifecycle(self, request: dict) -> dict:
        """Runs one number-lifecycle request ({"op": ..., ...}, as the npm package's
        SeriesIndex.lifecycle() takes it) on the index's pools; counts come back as int.
        Raises SeriesError (POOL_UNKNOWN, NOT_AVAILABLE, IDEMPOTENCY_KEY_REUSED, ...)."""
        text = json.dumps(_finite(request), default=_json_default)
        return json.loads(self._method("lifecycle", text), object_hook=_counts)


# The lifecycle's answers write counts as decimal strings under these keys.
_COUNT_KEYS = frozenset(["count", "capacity", "available", "reserved", "assigned", "cooling", "blocked",
                         "handedDown", "threshold"])


def _counts(obj: dict) -> dict:
    return {k: int(v) if k in _COUNT_KEYS and isinstance(v, str) and v.isdigit() and v.isascii() else v
            for k, v in obj.items()}


def _finite(value: Any) -> Any:
    """NaN and the infinities as their names (JSON has none): the core refuses them by field."""
    if isinstance(value, float) and value != value or value in (float("inf"), float("-inf")):
        return str(value)
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def _json_default(value: Any) -> Any:
    # Instants as ISO 8601; anything else JSON cannot write goes as its text, for the core to refuse by field.
    if hasattr(value, "isoformat") and getattr(value, "tzinfo", None) is not None:
        return value.isoformat()
    return str(value)


def _snapshot(s: dict) -> _Record:
    """A snapshot dict (toJSON()'s shape) as the WIT index-snapshot."""
    def text(value: Any) -> str:
        return value if isinstance(value, str) else str(value)
    pools = [_Record(prefix=text(p.get("prefix", "")), suffix=text(p.get("suffix", "")), width=int(p.get("width", 0)),
                     scheme=text(p.get("scheme", "none")), scope=text(p.get("scope", "")),
                     ranges=[(text(a), text(b), text(i)) for a, b, i in p.get("ranges", [])])
             for p in s.get("pools", [])]
    rules = s.get("rules") or {}
    return _Record(format=text(s.get("format", "")), version=int(s.get("version", 0)),
                   merge_adjacent=bool(s.get("mergeAdjacent", False)),
                   rules=_Record(format=text(rules.get("format", "plain"))), pools=pools)


# The component's packed text (src/packed.rs): records by RS, fields by US,
# validations by GS, answers to a list of queries by FS.
_RS, _US, _GS, _FS = "\x1e", "\x1f", "\x1d", "\x1c"


@contextlib.contextmanager
def _acyclic():
    """Pauses the cyclic garbage collector while a bulk answer is decoded into
    many small dicts and lists: they hold no cycle, and measured, the collector's
    passes over them were half the decoding time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _all_text(rows: list) -> bool:
    """Every field a string, or None (an absent scope)."""
    return all(isinstance(f, str) or f is None for row in rows for f in row)


def _packed_as(packed: str, records: int, fields: int) -> bool:
    """Whether packed text holds exactly these records and fields: no field held a
    separator (else the typed call is used)."""
    return (packed.count(_RS) == records - 1 and packed.count(_US) == records * (fields - 1)
            and _GS not in packed and _FS not in packed)


def _issues(records: list) -> list:
    issues = []
    for r in records:
        code, field, message = r.split(_US)
        issues.append({"code": code, "field": field, "message": message})
    return issues


def _validation(text: str) -> dict:
    """A packed validation (start and end written out)."""
    records = text.split(_RS)
    ok, count, start, end = records[0].split(_US)
    if not count:
        return {"ok": ok == "1", "count": None, "issues": _issues(records[1:]), "start": None, "end": None}
    return {"ok": ok == "1", "count": int(count), "issues": _issues(records[1:]), "start": start, "end": end}


def _conflicts_or_error(text: str) -> Any:
    """A packed answer to one query: its conflicts, or the SeriesError."""
    head, *records = text.split(_RS)
    if head == "1":
        out = []
        for r in records:
            i, a, b, n = r.split(_US)
            out.append({"id": i[1:], "start": a, "end": b, "count": int(n)})
        return out
    issues = _issues(records)
    return SeriesError(issues[0]["code"], issues[0]["message"], issues, [])


def _conflict(c: dict) -> dict:
    return {**c, "count": int(c["count"])}


def _plan(record: Any) -> dict:
    p = _plain(record)
    return {"create": [{**c, "count": int(c["count"])} for c in p["create"]],
            "skipped": [_conflict(c) for c in p["skipped"]],
            "created": int(p["created"]), "requested": int(p["requested"])}


def _outcome(variant: Any) -> Any:
    """A bulk outcome: the plan, or the SeriesError refusing the request."""
    return _plan(variant.payload) if variant.tag == "planned" else _error(variant.payload)


def _created(record: Any) -> dict:
    c = _plain(record)
    c["count"] = int(c["count"])
    return c


def _request(r: dict) -> _Record:
    return _Record(id=None if r.get("id") is None else str(r["id"]), start=str(r.get("start", "")),
                   end=str(r.get("end", "")), scope=r.get("scope"), item_code=r.get("item_code"),
                   kind=r.get("type", r.get("kind")))


def _shipsy(body: dict) -> _Record:
    def text(name: str) -> Optional[str]:
        value = body.get(name)
        return value if isinstance(value, str) else (None if value is None else str(value))
    return _Record(client_code=text("client_code"), kind=text("type"), start=text("start"), end=text("end"),
                   item_code=text("item_code"), hub_code=text("hub_code"), creator_hub=text("creator_hub"))
