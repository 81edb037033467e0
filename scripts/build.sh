#!/usr/bin/env bash
# Builds the npm package in pkg/: release wasm -> wasm-bindgen (Node CommonJS
# and web ES module builds) -> wasm-opt -Oz -> api.cjs; and the WebAssembly
# Component for non-JS hosts (wit/seriesguard.wit) in pkg/component/.
# Assumes scripts/setup.sh has run. Cargo makes a second run cheap.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '[build] %s\n' "$*"; }

cargo build --release --target wasm32-unknown-unknown --lib
wasm=target/wasm32-unknown-unknown/release/seriesguard.wasm

for target in nodejs web; do
  case $target in nodejs) dir=node ;; *) dir=$target ;; esac
  out=pkg/dist/$dir
  rm -rf "$out"
  # The reset-state function lets pkg/api.js recreate the instance after a trap.
  wasm-bindgen --target "$target" --experimental-reset-state-function --out-dir "$out" --out-name seriesguard "$wasm"
  # pkg/ is "type": "module"; the nodejs build is CommonJS.
  case $target in nodejs) kind=commonjs ;; *) kind=module ;; esac
  printf '{ "type": "%s" }\n' "$kind" > "$out/package.json"
  # wasm-opt from npm's binaryen (setup.sh): Debian's is too old to parse the
  # table.fill that wasm-bindgen 0.2.130 emits. Name exactly the features rustc emits.
  node_modules/.bin/wasm-opt -Oz --strip-debug --strip-producers \
    --enable-bulk-memory --enable-sign-ext --enable-nontrapping-float-to-int \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    "$out/seriesguard_bg.wasm" -o "$out/seriesguard_bg.wasm"
done

# api.js is the one source of the JS wrapper; require() gets a CommonJS copy.
src=pkg/api.js
exports=$(grep -cE '^export (function|class) ' "$src")
[ "$(grep -c '^export' "$src")" = "$exports" ] || { say "api.js: only 'export function|class' lines are supported"; exit 1; }
{
  echo "// Generated from api.js by scripts/build.sh. Do not edit."
  echo "'use strict';"
  sed -E 's/^export (function|class) /\1 /' "$src"
  printf 'module.exports = { %s };\n' \
    "$(sed -nE 's/^export (function|class) ([A-Za-z0-9_]+).*/\2/p' "$src" | paste -sd, - | sed 's/,/, /g')"
} > pkg/api.cjs

# The component: the same core behind src/component/ (wit-bindgen), for
# wasmtime and other Component Model hosts.
cargo build --release --target wasm32-wasip2 --features component --lib
mkdir -p pkg/component
cp target/wasm32-wasip2/release/seriesguard.wasm pkg/component/seriesguard.wasm

size=$(stat -c %s pkg/dist/web/seriesguard_bg.wasm)
gz=$(gzip -9 -c pkg/dist/web/seriesguard_bg.wasm | wc -c)
csize=$(stat -c %s pkg/component/seriesguard.wasm)
cgz=$(gzip -9 -c pkg/component/seriesguard.wasm | wc -c)
say "pkg/ ready: seriesguard_bg.wasm $size bytes, $gz gzipped; component/seriesguard.wasm $csize bytes, $cgz gzipped"
