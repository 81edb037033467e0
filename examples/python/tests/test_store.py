"""Creating series through the component over SQLite: overlaps refused with
the exact conflicting sub-range, races between processes, store failures."""

import multiprocessing
import os
import tempfile
import unittest

from seriesguard_host import Seriesguard, SeriesError
from seriesguard_host.store import SQLiteBook, SQLiteStore


def create_in_process(path, request, barrier, results):
    book = SQLiteBook(path)
    barrier.wait()
    try:
        book.create(request)
        results.put(("created", request["start"], None))
    except SeriesError as error:
        results.put((error.code, request["start"], error.conflicts))
    finally:
        book.close()


class SQLiteStoreTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.path = os.path.join(self.dir.name, "series.db")

    def tearDown(self):
        self.dir.cleanup()

    def test_two_overlapping_creates_leave_one_and_refuse_the_other_with_the_exact_sub_range(self):
        book = SQLiteBook(self.path)
        first = book.create({"id": "first", "start": "V10000051", "end": "V10000060", "scope": "GL438", "item_code": "P7WJEJANkt"})
        self.assertEqual((first["id"], first["count"]), ("first", 10))
        with self.assertRaises(SeriesError) as refused:
            book.create({"id": "second", "start": "V10000055", "end": "V10000070", "scope": "GL438"})
        self.assertEqual(refused.exception.code, "OVERLAP")
        self.assertEqual(refused.exception.conflicts, [{"id": "first", "start": "V10000055", "end": "V10000060", "count": 6}])
        self.assertEqual([s["id"] for s in book.store.list()], ["first"])
        # Another scope is another pool; the next free numbers are free.
        book.create({"id": "other", "start": "V10000055", "end": "V10000070", "scope": "SL1981"})
        book.create({"id": "next", "start": "V10000061", "end": "V10000070", "scope": "GL438"})
        self.assertEqual(len(book.store.list("GL438")), 2)
        book.close()

    def test_the_stores_own_check_catches_what_the_first_look_missed(self):
        book = SQLiteBook(self.path)
        book.create({"id": "held", "start": "00000000000000000001", "end": "99999999999999999990"})
        looks = []
        real = book.store.overlapping

        def blind(pool, first, last):
            looks.append((first, last))
            return [] if len(looks) == 1 else real(pool, first, last)

        book.store.overlapping = blind
        with self.assertRaises(SeriesError) as refused:
            book.create({"id": "late", "start": "99999999999999999990", "end": "99999999999999999999"})
        self.assertEqual(refused.exception.code, "OVERLAP")
        self.assertEqual(refused.exception.conflicts, [{"id": "held", "start": "99999999999999999990", "end": "99999999999999999990", "count": 1}])
        self.assertEqual(len(looks), 2)
        self.assertEqual([s["id"] for s in book.store.list()], ["held"])
        book.close()

    def test_processes_racing_store_exactly_one_of_each_overlapping_pair(self):
        SQLiteStore(self.path).close()
        ctx = multiprocessing.get_context("spawn")
        requests = [{"id": f"r{i}", "start": f"R{1000 + 5 * i}", "end": f"R{1000 + 5 * i + 9}", "scope": "race"} for i in range(8)]
        barrier = ctx.Barrier(len(requests))
        results = ctx.Queue()
        workers = [ctx.Process(target=create_in_process, args=(self.path, r, barrier, results)) for r in requests]
        for w in workers:
            w.start()
        outcomes = [results.get(timeout=120) for _ in workers]
        for w in workers:
            w.join(timeout=120)
        self.assertTrue(all(code in ("created", "OVERLAP") for code, _, _ in outcomes), outcomes)
        stored = SQLiteStore(self.path).list("race")
        self.assertEqual(len(stored), sum(1 for code, _, _ in outcomes if code == "created"))
        spans = sorted((int(s["start"][1:]), int(s["end"][1:])) for s in stored)
        for (a0, a1), (b0, b1) in zip(spans, spans[1:]):
            self.assertLess(a1, b0, f"{spans} overlap")
        for code, start, conflicts in outcomes:
            if code == "OVERLAP":
                self.assertTrue(conflicts, start)

    def test_a_failing_store_is_store_failed_and_the_instance_stays_usable(self):
        class Broken:
            def overlapping(self, pool, first, last):
                raise OSError("disk on fire")

            def insert(self, series):
                raise AssertionError("not reached")

        guard = Seriesguard(store=Broken())
        with self.assertRaises(SeriesError) as failed:
            guard.create({"start": "V1", "end": "V2"})
        self.assertEqual(failed.exception.code, "STORE_FAILED")
        self.assertTrue(guard.validate("V1", "V2")["ok"])

        class Refusing:
            def overlapping(self, pool, first, last):
                return []

            def insert(self, series):
                raise RuntimeError("constraint violated")

        guard = Seriesguard(store=Refusing())
        with self.assertRaises(SeriesError) as failed:
            guard.create({"start": "V1", "end": "V2"})
        self.assertEqual(failed.exception.code, "STORE_FAILED")

    def test_conflicts_and_prepare_touch_nothing(self):
        book = SQLiteBook(self.path)
        book.create({"id": "a", "start": "V1", "end": "V10"})
        # One pool per digit count: V8..V9 and V10 are two conflicts.
        self.assertEqual(book.guard.conflicts({"start": "V8", "end": "V12"}),
                         [{"id": "a", "start": "V8", "end": "V9", "count": 2}, {"id": "a", "start": "V10", "end": "V10", "count": 1}])
        self.assertEqual(book.guard.conflicts({"start": "V11", "end": "V12"}), [])
        prepared = book.guard.prepare({"start": "V100", "end": "V1000"})
        self.assertEqual([(s["first"], s["last"]) for s in prepared["segments"]], [("100", "999"), ("1000", "1000")])
        self.assertEqual(len(book.store.list()), 1)
        # Removing frees the numbers (the segments go with the series).
        self.assertTrue(book.guard.remove("a"))
        self.assertFalse(book.guard.remove("a"))
        self.assertEqual(book.guard.conflicts({"start": "V8", "end": "V12"}), [])
        book.close()


if __name__ == "__main__":
    unittest.main()
