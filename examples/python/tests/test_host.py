"""The component from Python beyond the corpus: bad input answered, never a trap."""

import unittest

from seriesguard_host import Seriesguard, SeriesError


class HostTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.sg = Seriesguard()

    def test_hostile_strings_are_answers(self):
        for start, end in [("", ""), ("V" + "9" * 10_000, "V1"), ("V١٢٣", "V200"), ("\u0000", "\uffff"),
                           ("V1", "V" + "1" * 39), ("💥1", "💥2"), ("-5", "5")]:
            v = self.sg.validate(start, end)
            self.assertIsInstance(v["ok"], bool)
            if not v["ok"]:
                self.assertTrue(v["issues"], (start, end))
        self.assertEqual(self.sg.validate("V" + "9" * 10_000, "V1")["issues"][0]["code"], "START_INVALID")

    def test_wrong_rules_are_issues(self):
        v = self.sg.validate("V1", "V2", {"width": 0})
        self.assertEqual([i["code"] for i in v["issues"]], ["RULES_INVALID"])
        with self.assertRaises(SeriesError) as refused:
            self.sg.count("V1", "V2", {"maxCount": "-1"})
        self.assertEqual(refused.exception.code, "RULES_INVALID")

    def test_index_resource(self):
        index = self.sg.index()
        index.add("a", "V10", "V20")
        with self.assertRaises(SeriesError) as refused:
            index.add("b", "V15", "V25")
        self.assertEqual(refused.exception.conflicts, [{"id": "a", "start": "V15", "end": "V20", "count": 6}])
        self.assertEqual(index.size, 1)
        with self.assertRaises(SeriesError):
            index.add_many([{"id": "c", "start": "V30", "end": "V40"}, {"id": "d", "start": "V35", "end": "V45"}])
        self.assertEqual(index.size, 1, "add_many is all or none")
        self.assertTrue(index.remove("a"))
        self.assertFalse(index.has_overlap("V15", "V25"))
        with self.assertRaises(SeriesError) as refused:
            index.allocate({"width": 4, "first": "0000", "last": "9999"}, 0)
        self.assertEqual(refused.exception.code, "QUANTITY_OUT_OF_RANGE")

    def test_bulk_calls_answer_as_single_calls(self):
        """validate_many, add_many and overlaps_many cross as one packed string each way
        (the component's *-packed functions): their answers equal the single calls', on
        random series and hostile ones; a field holding a separator takes the typed call."""
        import random
        rng = random.Random(19)
        pick = lambda: rng.choice(["V", "W", "", "AB-"]) + str(rng.randrange(0, 10 ** rng.randrange(1, 12))).zfill(rng.choice([0, 8])) + rng.choice(["", "", "X"])
        inputs = [{"start": pick(), "end": pick()} for _ in range(300)]
        inputs += [{"start": s, "end": e} for s, e in [("", ""), ("V١٢٣", "V200"), ("V1", "V" + "1" * 39), (" V10 ", "V20"),
                                                        ("V1\x1eV2", "V3"), ("V1\x1f", "V2"), ("V\x1d1", "V2"), ("V\x1c1", "V2")]]
        for rules in (None, {"width": 8}, {"format": "awb"}, {"width": 0}):
            many = self.sg.validate_many(inputs, rules)
            self.assertEqual(many, [self.sg.validate(i["start"], i["end"], rules) for i in inputs], rules)
        index = self.sg.index()
        stored = [{"id": f"s{i}", "start": f"V{10_000_000 + 20 * i}", "end": f"V{10_000_000 + 20 * i + 9}",
                   "scope": rng.choice([None, "", "hub:A"])} for i in range(500)]
        index.add_many(stored)
        self.assertEqual(index.size, 500)
        queries = [{"start": f"V{a}", "end": f"V{a + rng.randrange(0, 60)}", "scope": rng.choice([None, "hub:A"])}
                   for a in (10_000_000 + rng.randrange(0, 10_000) for _ in range(300))]
        queries += [{"start": "V1", "end": "W2"}, {"start": "x", "end": "V1\x1e"}, {"start": "V10000000", "end": "V10000005", "scope": " "}]
        many = index.overlaps_many(queries)
        for q, answer in zip(queries, many):
            try:
                single = index.overlaps(q["start"], q["end"], q.get("scope"))
            except SeriesError as e:
                self.assertIsInstance(answer, SeriesError)
                self.assertEqual((answer.code, answer.message, answer.issues), (e.code, e.message, e.issues))
            else:
                self.assertEqual(answer, single, q)
        with self.assertRaises(SeriesError) as refused:
            index.add_many([{"id": "n1", "start": "V90000000", "end": "V90000001"}, {"id": "n2", "start": "V10000005", "end": "V10000006",
                                                                                             "scope": stored[0]["scope"]}])
        self.assertEqual(refused.exception.code, "OVERLAP")
        self.assertEqual(index.size, 500, "add_many is all or none")
        with self.assertRaises(SeriesError) as refused:
            index.add_many([{"id": "n\x1e", "start": "V90000000", "end": "V90000001"}])
        self.assertEqual(refused.exception.code, "ID_INVALID")

    def test_signing(self):
        params = ["1", "1000000025", "1000000035"]
        digest = self.sg.mor_hash(params, "secret")
        self.assertTrue(self.sg.verify_mor_hash(params, "secret", digest))
        self.assertFalse(self.sg.verify_mor_hash(params, "secret", "0" * 40))
        signature = self.sg.hmac_sha256("key", "message", base64url=True)
        self.assertTrue(self.sg.verify_hmac_sha256("key", "message", signature))
        with self.assertRaises(SeriesError) as refused:
            self.sg.mor_hash(params, "")
        self.assertEqual(refused.exception.code, "SECRET_REQUIRED")


if __name__ == "__main__":
    unittest.main()
