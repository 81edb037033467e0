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
