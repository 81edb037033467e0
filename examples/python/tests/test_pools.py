"""Number pools through the component over SQLite (SQLitePools): every change
stored with its events, the pools rebuilt by replay on open and after another
process wrote, and processes reserving at once never given one number twice."""

import multiprocessing
import os
import tempfile
import unittest

from seriesguard_host import SeriesError
from seriesguard_host.store import SQLitePools

AT = "2026-11-27T19:00:00Z"
HQ = {"op": "declare", "pool": "HQ", "at": AT, "cooling": 1, "lowAt": "10%",
      "blocks": [{"start": "V0001", "end": "V0200"}]}


def reserve_in_process(path, worker, barrier, results):
    pools = SQLitePools(path)
    barrier.wait()
    got = []
    for i in range(5):
        answer = pools.run({"op": "reserve", "pool": "HQ", "quantity": 3, "ttl": 60000,
                            "key": f"w{worker}-{i}", "owner": f"w{worker}", "at": AT})
        got.append((answer["reservation"]["start"], answer["reservation"]["end"]))
    results.put(got)
    pools.close()


class SQLitePoolsTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.path = os.path.join(self.dir.name, "pools.db")

    def tearDown(self):
        self.dir.cleanup()

    def test_changes_survive_a_reopen_and_the_trail_replays_to_the_same_state(self):
        pools = SQLitePools(self.path)
        pools.run(HQ)
        held = pools.run({"op": "reserve", "pool": "HQ", "quantity": 10, "ttl": 60000, "key": "k", "at": AT})
        self.assertEqual(held["reservation"]["count"], 10)
        pools.run({"op": "confirm", "key": "k", "at": AT})
        pools.run({"op": "release", "pool": "HQ", "start": "V0001", "end": "V0004", "at": AT})
        state = pools.run({"op": "state"})
        pools.close()
        reopened = SQLitePools(self.path)
        self.assertEqual(reopened.run({"op": "state"}), state)
        self.assertEqual(reopened.run({"op": "report", "pool": "HQ"})["counts"],
                         {"available": 190, "reserved": 0, "assigned": 6, "cooling": 4, "blocked": 0, "handedDown": 0})
        self.assertEqual([e["op"] for e in reopened.events("HQ")], ["declare", "reserve", "confirm", "release"])
        # A refused change stores nothing.
        with self.assertRaises(SeriesError) as refused:
            reopened.run({"op": "reserve", "pool": "HQ", "start": "V0001", "end": "V0001", "ttl": 1, "key": "x", "at": AT})
        self.assertEqual(refused.exception.code, "NOT_AVAILABLE")
        self.assertEqual(len(reopened.events()), 4)
        reopened.close()

    def test_a_second_connection_sees_the_first_ones_changes(self):
        a, b = SQLitePools(self.path), SQLitePools(self.path)
        a.run(HQ)
        a.run({"op": "assign", "pool": "HQ", "quantity": 5, "at": AT})
        self.assertEqual(b.run({"op": "assign", "pool": "HQ", "quantity": 5, "at": AT})["range"]["start"], "V0006")
        self.assertEqual(a.run({"op": "report", "pool": "HQ"})["counts"]["assigned"], 10)
        a.close()
        b.close()

    def test_processes_reserving_at_once_never_share_a_number(self):
        pools = SQLitePools(self.path)
        pools.run(HQ)
        pools.close()
        ctx = multiprocessing.get_context("spawn")
        barrier, results = ctx.Barrier(4), ctx.Queue()
        workers = [ctx.Process(target=reserve_in_process, args=(self.path, w, barrier, results)) for w in range(4)]
        for w in workers:
            w.start()
        ranges = [r for _ in workers for r in results.get(timeout=120)]
        for w in workers:
            w.join(timeout=60)
        numbers = [n for start, end in ranges for n in range(int(start[1:]), int(end[1:]) + 1)]
        self.assertEqual(len(numbers), 4 * 5 * 3)
        self.assertEqual(len(set(numbers)), len(numbers), "a number was reserved twice")
        check = SQLitePools(self.path)
        self.assertEqual(check.run({"op": "report", "pool": "HQ"})["counts"]["reserved"], 60)
        check.close()


if __name__ == "__main__":
    unittest.main()
