"""The command line over a CSV file, run as a user runs it (python -m)."""

import csv
import json
import os
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]


def run(*args):
    env = {**os.environ, "PYTHONPATH": str(HERE)}
    return subprocess.run([sys.executable, "-m", "seriesguard_host", *args], capture_output=True, text=True, env=env, timeout=300)


class CliTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.db = os.path.join(self.dir.name, "series.db")

    def tearDown(self):
        self.dir.cleanup()

    def test_import_a_large_csv_with_progress_and_a_report_of_refused_rows(self):
        path = os.path.join(self.dir.name, "series.csv")
        with open(path, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["start", "end", "scope", "item_code"])
            for i in range(3000):
                w.writerow([f"V{10_000_000 + 10 * i}", f"V{10_000_000 + 10 * i + 9}", f"C{i % 3}", "item"])
            w.writerow(["V10000005", "V10000015", "C0", "item"])   # overlaps row 1 (C0)
            w.writerow(["V20", "V10", "C0", "item"])               # start after end
        done = run("import", path, "--db", self.db)
        self.assertEqual(done.returncode, 1, done.stderr)
        refused = [json.loads(line) for line in done.stdout.splitlines()]
        self.assertEqual([(r["line"], r["code"]) for r in refused], [(3002, "OVERLAP"), (3003, "START_AFTER_END")])
        self.assertEqual(refused[0]["conflicts"][0]["start"], "V10000005")
        self.assertIn("100%  3,002/3,002", done.stderr)
        self.assertIn("3,000 created, 2 refused", done.stderr)
        listed = run("list", "--db", self.db, "--scope", "C0")
        self.assertEqual(len(listed.stdout.splitlines()), 1000)
        # Importing again refuses everything: nothing is created twice.
        again = run("import", path, "--db", self.db, "--quiet")
        self.assertIn("0 created, 3,002 refused", again.stderr)

    def test_validate_and_create(self):
        ok = run("validate", "1000000025", "1000000035", "--width", "10", "--numeric-only")
        self.assertEqual((ok.returncode, json.loads(ok.stdout)["count"]), (0, 11))
        bad = run("validate", "V2", "V1")
        self.assertEqual(bad.returncode, 1)
        self.assertEqual(json.loads(bad.stdout)["issues"][0]["code"], "START_AFTER_END")
        created = run("create", "V1", "V9", "--db", self.db, "--scope", "S", "--id", "one")
        self.assertEqual((created.returncode, json.loads(created.stdout)["id"]), (0, "one"))
        clash = run("create", "V5", "V15", "--db", self.db, "--scope", "S")
        self.assertEqual(clash.returncode, 1)
        self.assertEqual(json.loads(clash.stdout)["conflicts"], [{"id": "one", "start": "V5", "end": "V9", "count": 5}])
        usage = run("frobnicate")
        self.assertEqual(usage.returncode, 2)


if __name__ == "__main__":
    unittest.main()
