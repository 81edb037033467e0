"""The shared conformance corpus (tests/cases/*.json) through the WebAssembly
Component from Python. The Rust core and the npm package run the same cases."""

import json
import unittest
from pathlib import Path

from seriesguard_host import Reply, Seriesguard, SeriesError, StalePools, StoreOverlap
from seriesguard_host.store import SQLiteStore

CASES = Path(__file__).resolve().parents[3] / "tests" / "cases"


def attempt(fn):
    try:
        return fn()
    except SeriesError as error:
        return {"error": error.code}


def scripted_store(answers, asked):
    """A store answering from a case's script (answers, in order), logging what it is asked."""

    class Scripted:
        def overlapping(self, pool, first, last):
            asked.append(f"rows {first}..{last}")
            answer = answers.pop(0)
            if answer.get("throws"):
                raise RuntimeError("the store is down")
            rows = answer["rows"]
            if not isinstance(rows, list):
                return rows
            return [{"id": i, "first": a, "last": b, "format": f} for i, a, b, f in rows]

        def insert(self, series):
            segments = series["segments"]
            pieces = " [" + " ".join(f"{g['first']}..{g['last']}" for g in segments) + "]" if len(segments) > 1 else ""
            asked.append(f"insert {series['start']}..{series['end']} {series['count']}{pieces}")
            answer = answers.pop(0)
            if answer.get("refused") == "overlap":
                raise StoreOverlap(series["id"])
            if answer.get("refused"):
                raise RuntimeError("the store failed")

        def insert_many(self, series):
            asked.append("insert many " + "; ".join(f"{s['start']}..{s['end']} {s['count']}" for s in series))
            answer = answers.pop(0)
            if answer.get("refused") == "overlap":
                raise StoreOverlap(series[0]["id"])
            if answer.get("refused"):
                raise RuntimeError("the store failed")

    return Scripted()


class ScriptedHost:
    """The host's facts answered from a case's script, logging what it is asked."""

    def __init__(self, answers, asked):
        self.answers = answers
        self.asked = asked

    def _next(self, question):
        self.asked.append(question)
        answer = self.answers.pop(0)
        if answer.get("throws"):
            raise RuntimeError("the host failed")
        return answer

    def api_key_valid(self, key):
        return self._next(f"key {key}")["value"]

    def card_group_cards(self, _group_id, cards_from, cards_till, scope):
        held = self._next(f"cards {cards_from}..{cards_till} {scope}")["cards"]
        return held if not isinstance(held, list) else [tuple(c) for c in held]

    def service_found(self, _service_id):
        return self._next("service")["value"]

    def is_quote(self, _service_id):
        return self._next("quote")["value"]

    def stock_number_id(self):
        return self._next("id")["value"]

    def reserved(self, area_code, attempt):
        return self._next(f"reserved {area_code} {attempt}")["held"]

    def save_stock_number(self, view):
        block = "null" if view["first"] is None else f"{view['first']}..{view['last']}"
        answer = self._next(f"save {view['stock_number_id']} {view['area_code']} {view['quantity']} {block}")
        if answer.get("refused") == "OVERLAP":
            raise StoreOverlap(view["stock_number_id"])


class AcceptingHost:
    """A host that accepts every key and service, with the case's quote stage, id and reservations."""

    def __init__(self, is_quote=True, stock_number_id=1, held=(), cards=()):
        self._is_quote = is_quote
        self._id = stock_number_id
        self._held = [tuple(h) for h in held]
        self._cards = [tuple(c) for c in cards]

    def card_group_cards(self, _group_id, _cards_from, _cards_till, _scope):
        return self._cards

    def api_key_valid(self, _key):
        return True

    def service_found(self, _service_id):
        return True

    def is_quote(self, _service_id):
        return self._is_quote

    def stock_number_id(self):
        return self._id

    def reserved(self, _area_code, _attempt):
        return self._held

    def save_stock_number(self, _view):
        pass


def differences(path, got, expected, out):
    """Where got differs from expected, read as a subset (as tests/conformance.rs reads it)."""
    if isinstance(got, int) and not isinstance(got, bool) and isinstance(expected, str):
        got = str(got)
    if isinstance(expected, dict) and isinstance(got, dict):
        for k, v in expected.items():
            differences(f"{path}.{k}", got.get(k), v, out)
    elif isinstance(expected, list) and isinstance(got, list) and len(got) == len(expected):
        for i, (g, e) in enumerate(zip(got, expected)):
            differences(f"{path}[{i}]", g, e, out)
    elif got != expected or type(got) is not type(expected):
        out.append(f"{path}: got {got!r}, expected {expected!r}")


class Runner:
    def __init__(self):
        self.sg = Seriesguard()

    def index_of(self, c):
        index = self.sg.index(c.get("rules"))
        index.add_many(c["stored"])
        return index

    def validate(self, c):
        v = self.sg.validate(c["start"], c["end"], c.get("rules"))
        out = {"ok": v["ok"], "count": None if v["count"] is None else str(v["count"]),
               "codes": [i["code"] for i in v["issues"]]}
        if v["count"] is not None:
            out.update(start=v["start"], end=v["end"])
        return out

    def count(self, c):
        return attempt(lambda: {"count": str(self.sg.count(c["start"], c["end"], c.get("rules")))})

    def parse(self, c):
        def run():
            s = self.sg.parse(c["text"], c.get("rules"))
            return {k: s[k] for k in ("prefix", "body", "width", "suffix", "check_digit")}
        return attempt(run)

    def check_digit(self, c):
        return attempt(lambda: {"digit": self.sg.check_digit(c["scheme"], c["body"])})

    def verify(self, c):
        scope = c.get("other_scope", c["request"].get("scope"))
        try:
            pools = [g["pool"] for g in self.sg.prepare({**c["request"], "scope": scope}, c.get("rules"))["segments"]]
        except SeriesError:
            pools = []
        try:
            series = self.sg.prepare(c["request"], c.get("rules"))
        except SeriesError:
            series = {"id": "x", "start": c["request"]["start"], "end": c["request"]["end"], "fingerprint": "",
                      "scope": "", "item_code": "", "kind": "virtual", "format": "plain"}
        blank = {"key": "", "prefix": "", "suffix": "", "width": 0, "scheme": "none", "scope": "", "format": "plain"}
        segments = [{"pool": pools[at] if at < len(pools) else blank, "first": first, "last": last}
                    for at, first, last in c["segments"]]
        return attempt(lambda: self.sg.verify({**series, "count": c["count"], "segments": segments}, c.get("rules"))
                       or {"ok": True})

    def bulk(self, c):
        asked = []
        book = Seriesguard(store=scripted_store(list(c["answers"]), asked))
        free = c["mode"].endswith("_free")

        def outcome(o):
            if isinstance(o, SeriesError):
                if o.code == "OVERLAP":
                    return ["refused", "OVERLAP", [x["id"] for x in o.conflicts]]
                return ["refused", o.code]
            head = [str(o["created"]), str(o["requested"])]
            if not o["skipped"]:
                return ["create", *head]
            return ["partial", *head, [[x["id"], x["start"], x["end"]] for x in o["skipped"]]]

        try:
            if c["mode"].startswith("create"):
                r = book.create_many(c["requests"], free, c.get("rules"))
                result = {"outcomes": [outcome(o) for o in r["outcomes"]], "stored": r["stored"]}
            else:
                result = {"outcomes": [outcome(o) for o in book.plan_many(c["requests"], free, c.get("rules"))]}
        except SeriesError as error:
            result = {"error": error.code}
        return {"asked": asked, "result": result}

    def csv(self, c):
        try:
            out = {"rows": self.sg.read_csv(c["text"])}
        except SeriesError as error:
            out = {"error": error.code, "message": error.message}
        if "write" in c:
            out["written"] = self.sg.write_csv(c["write"])
        return out

    def in_words(self, c):
        return {"words": self.sg.in_words(c["issue"])}

    def verify_check_digit(self, c):
        return attempt(lambda: {"valid": self.sg.verify_check_digit(c["scheme"], c["id"])})

    def split(self, c):
        return attempt(lambda: {"pieces": [[p["start"], p["end"], str(p["count"])]
                                           for p in self.sg.split(c["start"], c["end"], c["max"], c.get("rules"))]})

    def mor_hash(self, c):
        return attempt(lambda: {"hash": self.sg.mor_hash(c["params"], c["secret"])})

    def hmac(self, c):
        return {"hex": self.sg.hmac_sha256(c["key"], c["message"])}

    def fingerprints(self, c):
        def fp(s):
            return self.sg.fingerprint(s["start"], s["end"], s.get("item_code"), s.get("type"))
        return {"equal": fp(c["a"]) == fp(c["b"])}

    def overlaps(self, c):
        def run():
            q = c["query"]
            found = self.index_of(c).overlaps(q["start"], q["end"], q.get("scope"))
            return {"conflicts": [[x["id"], x["start"], x["end"], str(x["count"])] for x in found]}
        return attempt(run)

    def plan(self, c):
        q = c["query"]
        p = self.index_of(c).plan(q["start"], q["end"], q.get("scope"))
        return {"created": str(p["created"]), "requested": str(p["requested"]),
                "create": [[x["start"], x["end"]] for x in p["create"]],
                "skipped": [[x["id"], x["start"], x["end"]] for x in p["skipped"]]}

    def allocate(self, c):
        block = self.index_of(c).allocate(c["pool"], int(c["quantity"]))
        return {"block": None if block is None else [block["start"], block["end"]]}

    def shipsy_validate(self, c):
        v = self.sg.shipsy_validate(c["body"])
        return {"ok": v["ok"], "count": None if v["count"] is None else str(v["count"]),
                "codes": [i["code"] for i in v["issues"]], "customer": v["customer"]}

    def shipsy_create(self, c):
        # The host accepts every key here; the profile decides the rest.
        sg = Seriesguard(SQLiteStore(":memory:"), host=AcceptingHost())
        reply = sg.shipsy_create(c["authorization"], c["body"])
        return {"status": reply["status"], "body": reply["body"]}

    def platform_flow(self, c):
        """Shipsy's create or aBILLity's StockNumber over a host and a store answering from the script."""
        answers = list(c["answers"])
        asked = []
        sg = Seriesguard(scripted_store(answers, asked), host=ScriptedHost(answers, asked))
        if c["platform"] == "mor":
            try:
                m = sg.mor_cards_create(c["params"], c["secret"], c["group"])
            except SeriesError as error:
                return {"asked": asked, "error": error.code}
            create = [[p["start"], p["end"]] for p in m["plan"]["create"]] if m["ok"] else None
            return {"asked": asked, "xml": m["xml"], "create": create}
        if c["platform"] == "shipsy":
            reply = sg.shipsy_create(c["authorization"], c["body"])
        else:
            reply = sg.abillity_stock_number(c["service_id"], c["body"], c["pools"], c.get("max_quantity"))
        return {"asked": asked, "status": reply["status"], "body": reply["body"]}

    def flow(self, c):
        """A book over a store that answers from the case's script and logs what it is asked."""
        answers = list(c["answers"])
        asked = []

        sg = Seriesguard(scripted_store(answers, asked))
        method = {"create": sg.create, "conflicts": sg.conflicts, "plan": sg.plan, "create_free": sg.create_free}[c["mode"]]
        try:
            r = method(c["request"], c.get("rules"))
            if c["mode"] == "conflicts":
                result = {"conflicts": [[x["id"], x["start"], x["end"], str(x["count"])] for x in r]}
            elif c["mode"] == "plan":
                result = {"created": str(r["created"]), "requested": str(r["requested"]),
                          "create": [[x["start"], x["end"]] for x in r["create"]],
                          "skipped": [[x["id"], x["start"], x["end"]] for x in r["skipped"]]}
            else:
                result = {"created": [r["start"], r["end"], str(r["count"])]}
        except SeriesError as error:
            result = {"error": error.code}
        return {"asked": asked, "result": result}

    def add_many(self, c):
        try:
            self.sg.index(c.get("rules")).add_many(c["stored"])
            return {"codes": []}
        except SeriesError as error:
            return {"codes": [i["code"] for i in error.issues]}

    def creates(self, c):
        store = SQLiteStore(":memory:")
        sg = Seriesguard(store)
        results = []
        for step in c["steps"]:
            try:
                s = sg.create(step["request"], step.get("rules"))
                results.append(["ok", s["start"], s["end"], str(s["count"])])
            except SeriesError as error:
                results.append([error.code])
        return {"results": results}

    def shipsy_creates(self, c):
        sg = Seriesguard(SQLiteStore(":memory:"), host=AcceptingHost())
        results = []
        for body in c["bodies"]:
            reply = sg.shipsy_create("Basic k", body)
            results.append([reply["status"], json.loads(reply["body"]).get("error", {}).get("reason", "OK")])
        return {"results": results}

    def mor_cards(self, c):
        host = AcceptingHost(cards=c["existing"])
        out = Seriesguard(host=host).mor_cards_create(c["params"], c["secret"], c["group"])
        return {"xml": out["xml"]}

    def validate_many(self, c):
        results = self.sg.validate_many(c["inputs"], c.get("rules"))
        return {"results": [[v["ok"], None if v["count"] is None else str(v["count"]),
                             [i["code"] for i in v["issues"]]] for v in results]}

    def index_of_rules(self, c):
        index = self.sg.index(c.get("rules"))
        index.add_many(c["stored"])
        return index

    def overlaps_many(self, c):
        results = self.index_of_rules(c).overlaps_many(c["queries"])
        return {"results": [{"error": r.code} if isinstance(r, SeriesError)
                            else [[x["id"], x["start"], x["end"], str(x["count"])] for x in r] for r in results]}

    def plan_many(self, c):
        def plan(p):
            if isinstance(p, SeriesError):
                return {"error": p.code}
            return {"created": str(p["created"]), "requested": str(p["requested"]),
                    "create": [[x["start"], x["end"]] for x in p["create"]],
                    "skipped": [[x["id"], x["start"], x["end"]] for x in p["skipped"]]}
        return {"results": [plan(p) for p in self.index_of_rules(c).plan_many(c["queries"])]}

    def gaps(self, c):
        q = c["query"]
        return {"pieces": [[p["start"], p["end"], str(p["count"])]
                           for p in self.index_of_rules(c).gaps(q["start"], q["end"], q.get("scope"))]}

    def stats(self, c):
        s = self.index_of_rules(c).stats()
        return {"ranges": s["ranges"], "numbers": None if s["numbers"] is None else str(s["numbers"]),
                "pools": [[p["prefix"], p["width"], p["scope"], p["ranges"], str(p["numbers"])] for p in s["pools"]]}

    @staticmethod
    def _entries(index):
        return [[e["id"], e["start"], e["end"], str(e["count"]), e["scope"]] for e in index.entries()]

    def entries(self, c):
        return {"entries": self._entries(self.index_of_rules(c))}

    def snapshot(self, c):
        written = self.index_of_rules(c).to_json()
        index = self.sg.index_from_json(json.loads(json.dumps(written)), c.get("rules"))
        return {"entries": self._entries(index), "format": written["format"], "version": written["version"],
                "rules": written["rules"]["format"]}

    def binary_snapshot(self, c):
        written = self.index_of_rules(c).to_bytes()
        data = bytearray(written if "load" not in c else bytes.fromhex(c["load"]))
        if "flip" in c:
            data[c["flip"][0]] ^= 1 << c["flip"][1]
        if "cut" in c:
            data = data[:c["cut"]]
        loaded = attempt(lambda: {"entries": self._entries(self.sg.index_from_bytes(bytes(data), c.get("load_rules")))})
        return {**loaded, "hex": written.hex()}

    def from_json(self, c):
        return attempt(lambda: {"entries": self._entries(self.sg.index_from_json(c["snapshot"], c.get("rules")))})

    def abillity_requests(self, c):
        return attempt(lambda: {"requests": [[r["AreaCode"], r["Quantity"]] for r in
                                             self.sg.abillity_requests(c["area"], c["quantity"], c.get("max"))]})

    def crm_traceable(self, c):
        # This runner's own input, in the documented shape, flattened to the typed goods the component takes.
        goods = []
        for entry in c["catalog"]["data"]:
            product = entry["product"]
            goods.append({**{k: product[k] for k in ("code", "alternative_code")}, **product["product_type"]})
        return {"codes": [i["code"] for i in self.sg.crm_traceable_item(goods, c["item_code"])["issues"]]}

    def mor_scope(self, c):
        return {"scope": self.sg.mor_scope(c["group_id"])}

    def abillity(self, c):
        host = AcceptingHost(is_quote=c["is_quote"], stock_number_id=c["stock_number_id"], held=c["stored"])
        reply = Seriesguard(host=host).abillity_stock_number("1", c["body"], c["pools"], c.get("max_quantity"))
        return {"status": reply["status"], "body": reply["body"]}

    def pool_book(self, c):
        """Two component instances (two books) over one store keeping the trail in memory;
        `append` makes it fail or answer stale once."""

        class Trail:
            def __init__(self):
                self.declarations, self.events, self.next = [], [], None

            def head(self):
                return {"declarations": str(len(self.declarations)), "events": str(len(self.events))}

            def pool_trail(self, after):
                d, e = int(after["declarations"]), int(after["events"])
                return {"declarations": [{"seq": str(d + i + 1), "declaration": x} for i, x in enumerate(self.declarations[d:])],
                        "events": [{"seq": str(e + i + 1), "event": x} for i, x in enumerate(self.events[e:])],
                        "head": self.head()}

            def append_pool(self, change):
                mode, self.next = self.next, None
                if mode == "fails":
                    raise RuntimeError("the store failed")
                if mode == "stale" or change["after"] != self.head():
                    raise StalePools()
                if change["declaration"] is not None:
                    self.declarations.append(change["declaration"])
                self.events.extend(change["events"])
                return self.head()

        trail = Trail()
        books = [Seriesguard(store=trail), Seriesguard(store=trail)]
        out = []
        for i, step in enumerate(c["steps"]):
            trail.next = step.get("append")
            try:
                got = books[step["book"]].lifecycle(step["request"], c.get("rules"))
            except SeriesError as error:
                got = {"error": error.code}
            differences(f"step {i}", got, step["expect"], out)
        return {"differences": out, "store": {"declarations": len(trail.declarations), "events": len(trail.events)}}

    def lifecycle(self, c):
        index = self.sg.index(c.get("rules"))
        out, declared, events = [], [], []
        for i, step in enumerate(c["steps"]):
            try:
                got = index.lifecycle(step["request"])
                if step["request"].get("op") == "declare":
                    declared.append(step["request"])
                events.extend(got.get("events", []))
            except SeriesError as error:
                got = {"error": error.code, "message": error.message}
            differences(f"step {i}", got, step["expect"], out)
        if c.get("replay"):
            fresh = self.sg.index(c.get("rules"))
            replayed = attempt(lambda: fresh.lifecycle({"op": "replay", "pools": declared, "events": events})
                               and fresh.lifecycle({"op": "state"}))
            if replayed != index.lifecycle({"op": "state"}):
                out.append(f"replay: {replayed!r}")
        return {"differences": out}


class Conformance(unittest.TestCase):
    def test_every_case_file(self):
        runner = Runner()
        files = sorted(CASES.glob("*.json"))
        self.assertGreaterEqual(len(files), 5)
        for path in files:
            for case in json.loads(path.read_text(encoding="utf-8"))["cases"]:
                with self.subTest(file=path.name, case=case["name"]):
                    self.assertEqual(getattr(runner, case["op"])(case), case["expect"])


if __name__ == "__main__":
    unittest.main()
