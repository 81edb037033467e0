"""The shared conformance corpus (tests/cases/*.json) through the WebAssembly
Component from Python. The Rust core and the npm package run the same cases."""

import json
import unittest
from pathlib import Path

from seriesguard_host import Reply, Seriesguard, SeriesError, StoreOverlap
from seriesguard_host.store import SQLiteStore

CASES = Path(__file__).resolve().parents[3] / "tests" / "cases"


def attempt(fn):
    try:
        return fn()
    except SeriesError as error:
        return {"error": error.code}


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
        checked = self.sg.shipsy_check(c["authorization"], c["body"])
        reply = checked if isinstance(checked, Reply) else self.sg.shipsy_reply("ok")
        return {"status": reply["status"], "body": reply["body"]}

    def flow(self, c):
        """A book over a store that answers from the case's script and logs what it is asked."""
        answers = list(c["answers"])
        asked = []

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

        sg = Seriesguard(Scripted())
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
        sg = Seriesguard(SQLiteStore(":memory:"))
        results = []
        for body in c["bodies"]:
            checked = sg.shipsy_check("Basic k", body)
            if isinstance(checked, Reply):
                reply = checked
            else:
                try:
                    sg.create({"start": checked["start"], "end": checked["end"], "scope": checked["scope"],
                               "item_code": checked["item_code"], "type": checked["kind"]})
                    reply = sg.shipsy_reply("ok")
                except SeriesError as error:
                    reply = sg.shipsy_reply("error", error.code, error.message)
            results.append([reply["status"], json.loads(reply["body"]).get("error", {}).get("reason", "OK")])
        return {"results": results}

    def mor_cards(self, c):
        checked = self.sg.mor_check(c["params"], c["secret"], c["group"])
        if isinstance(checked, str):
            return {"xml": checked}
        xml, _ = self.sg.mor_plan(checked["cards_from"], checked["cards_till"], c["group"]["number_length"], c["existing"])
        return {"xml": xml}

    def abillity(self, c):
        areas = [p["areaCode"] for p in c["pools"]]
        checked = self.sg.abillity_check(c["body"], areas, c["is_quote"], c.get("max_quantity"))
        if isinstance(checked, Reply):
            return {"status": checked["status"], "body": checked["body"]}
        area, quantity = checked
        pool = next(p for p in c["pools"] if p["areaCode"] == area)
        index = self.sg.index()
        index.add_many([{"id": f"stored-{i}", "start": s, "end": e, "scope": area} for i, (s, e) in enumerate(c["stored"])])
        block = index.allocate({"width": len(pool["first"]), "first": pool["first"], "last": pool["last"], "scope": area},
                               quantity, c["stock_number_id"])
        view = self.sg.abillity_view(c["stock_number_id"], block and block["start"], block and block["end"], area, quantity)
        return {"status": view["status"], "body": view["body"]}


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
