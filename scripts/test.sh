#!/usr/bin/env bash
# The README's test command: installs what is missing, builds pkg/, then runs
# every test: lints, the native Rust tests (unit, integration, doc), the wasm
# tests under Node, the type check of index.d.ts, the node:test suites over
# the built package, the browser tests in headless Chromium, and the example
# server's tests against a real PostgreSQL, and the WebAssembly Component's
# tests from Python (wasmtime) over the conformance corpus every surface runs.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

bash scripts/setup.sh --with-browser --with-postgres --with-python
step build
bash scripts/build.sh

step lint
cargo fmt --check
cargo clippy --all-targets --quiet -- -D warnings
cargo clippy --target wasm32-unknown-unknown --lib --tests --quiet -- -D warnings
cargo clippy --target wasm32-unknown-unknown --lib --no-default-features --target-dir target/form --quiet -- -D warnings
cargo clippy --target wasm32-unknown-unknown --lib --features server --target-dir target/server --quiet -- -D warnings
cargo clippy --target wasm32-wasip2 --features component --lib --quiet -- -D warnings

step "Rust tests (native)"
cargo test

step "fuzz smoke (libFuzzer, 5 s a target; tests/fuzz_smoke.rs ran the same targets on stable above)"
bash scripts/fuzz.sh 5

step "wasm tests (wasm-bindgen-test under Node)"
# No -q here: the wasm-bindgen-test-runner rejects --quiet.
cargo test --target wasm32-unknown-unknown --test wasm_node

step "type check of pkg/index.d.ts"
node_modules/.bin/tsc -p tests/types

step "JS tests (node:test over pkg/, the browser, the packed tarball)"
node --test tests/js/ tests/e2e/ tests/package/

step "example server (the packed package over HTTP, a throwaway PostgreSQL cluster)"
SKIP_BUILD=1 bash examples/server/setup.sh
node --test examples/server/test/*.test.mjs

step "WebAssembly Component from Python (wasmtime): the shared corpus, the SQLite store, the CLI"
target/py/bin/python examples/python/run_tests.py
