#!/usr/bin/env bash
# Coverage-guided fuzzing of every target with libFuzzer (needs the nightly
# toolchain and cargo-fuzz, which this script installs when missing).
# Usage: bash scripts/fuzz.sh [seconds per target, default 5]
# The test command runs it with 5 s a target; longer runs: bash scripts/fuzz.sh 3600
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-5}
if ! cargo +nightly --version >/dev/null 2>&1; then
  echo "[fuzz] no nightly toolchain: libFuzzer runs skipped (tests/fuzz_smoke.rs still ran the targets on stable)"
  exit 0
fi
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
  echo "[fuzz] installing cargo-fuzz"
  cargo install --force cargo-fuzz
fi
cd fuzz
for target in parse series inventory profiles signing; do
  mkdir -p "corpus/$target"
  echo "[fuzz] $target for ${seconds}s"
  cargo +nightly fuzz run "$target" "corpus/$target" -- -max_total_time="$seconds" -rss_limit_mb=2048 2>&1 \
    | grep -E "^#[0-9]+ *DONE|Done [0-9]+ runs|SUMMARY|panicked|ERROR" || true
  if [ -n "$(ls -A "artifacts/$target" 2>/dev/null)" ]; then
    echo "[fuzz] $target found a crash: fuzz/artifacts/$target (add it to tests/fuzz_smoke.rs REGRESSIONS)"
    exit 1
  fi
done
echo "[fuzz] no crash"
