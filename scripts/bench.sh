#!/usr/bin/env bash
# Builds the release package and runs the benchmarks side by side with the
# peers, writing BENCHMARKS.md. Fails when the wasm exceeds its size budget.
# Not part of the test command: timings are not tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --with-postgres --with-python
bash scripts/build.sh
cargo bench --bench core 2>/dev/null | sed -n '/^core/,$p' > target/bench-core.txt
cargo bench --bench native_load 2>/dev/null | grep ranges > target/bench-native-load.txt
SKIP_BUILD=1 bash examples/server/setup.sh
node benches/js/server.mjs
target/py/bin/python benches/python/bench.py
# The component from a Rust host (wasmtime): its own cost per call, beside wasmtime-py's.
CARGO_TARGET_DIR=target/component-host cargo run --quiet --release --manifest-path benches/component-host/Cargo.toml
# The dashboard in Chromium with 100,000 series stored: typing, per keystroke.
node benches/browser/typing.mjs
node --expose-gc --max-old-space-size=8192 benches/js/run.mjs
