#!/usr/bin/env bash
# Builds the npm package in pkg/: release wasm -> wasm-bindgen (Node CommonJS
# and web ES module builds) -> wasm-opt -Oz -> api.cjs; and the WebAssembly
# Component for non-JS hosts (wit/seriesguard.wit) in pkg/component/.
# Assumes scripts/setup.sh has run. Cargo makes a second run cheap.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '[build] %s\n' "$*"; }

cargo build --release --target wasm32-unknown-unknown --lib
# The form entry (seriesguard/form): the same crate without the `full`
# binding, in its own target directory.
cargo build --release --target wasm32-unknown-unknown --lib --no-default-features --target-dir target/form
# The server entry (seriesguard/server): the main binding plus the platform
# create flows a backend drives.
cargo build --release --target wasm32-unknown-unknown --lib --features server --target-dir target/server

for build in full form server; do
for target in nodejs web; do
  case $build in
    full) wasm=target/wasm32-unknown-unknown/release/seriesguard.wasm; prefix= ;;
    form) wasm=target/form/wasm32-unknown-unknown/release/seriesguard.wasm; prefix=form- ;;
    server) wasm=target/server/wasm32-unknown-unknown/release/seriesguard.wasm; prefix=server- ;;
  esac
  case $target in nodejs) dir=${prefix}node ;; *) dir=${prefix}$target ;; esac
  out=pkg/dist/$dir
  rm -rf "$out"
  # The reset-state function lets pkg/api.js recreate the instance after a trap.
  wasm-bindgen --target "$target" --experimental-reset-state-function --out-dir "$out" --out-name seriesguard "$wasm"
  # pkg/ is "type": "module"; the nodejs build is CommonJS.
  case $target in nodejs) kind=commonjs ;; *) kind=module ;; esac
  printf '{ "type": "%s" }\n' "$kind" > "$out/package.json"
  # wasm-opt from npm's binaryen (setup.sh): Debian's is too old to parse the
  # table.fill that wasm-bindgen 0.2.130 emits. Name exactly the features rustc emits.
  # --converge repeats -Oz while it still shrinks the module. --low-memory-unused
  # lets constant address offsets fold into loads and stores: rustc puts the
  # 1 MB stack first, so the low 1K is its far end, never reached (JSON
  # nesting is capped), and an address could only wrap past 4 GB. Measured
  # (gzip -9): main 101,529 -> 100,799 B, server 168,935 -> 167,235 B; the
  # form entry grows with it (29,420 -> 29,617 B), so it has --converge alone.
  case $build in form) shrink=(-Oz --converge) ;; *) shrink=(-Oz --converge --low-memory-unused) ;; esac
  node_modules/.bin/wasm-opt "${shrink[@]}" --strip-debug --strip-producers \
    --enable-bulk-memory --enable-sign-ext --enable-nontrapping-float-to-int \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    "$out/seriesguard_bg.wasm" -o "$out/seriesguard_bg.wasm"
done
done

# api.js and its modules in lib/ are the one source of the JS wrapper;
# require() gets them as one CommonJS file, concatenated in dependency order
# (imports are one line each and names are unique across the modules).
modules="lib/wire.js lib/lifecycle.js lib/validation.js lib/signing.js lib/csv.js lib/index.js lib/book.js lib/stores.js lib/profiles.js lib/trap.js lib/form.js api.js"
for m in $modules; do
  imports=$(grep -c '^import ' "pkg/$m" || true)
  single=$(grep -cE "^import \{[^}]*\} from '[^']+';$" "pkg/$m" || true)
  [ "$imports" = "$single" ] || { say "pkg/$m: every import must be one line"; exit 1; }
done
{
  echo "// Generated from pkg/api.js and pkg/lib/ by scripts/build.sh. Do not edit."
  echo "'use strict';"
  for m in $modules; do
    echo "// ----- $m"
    grep -vE '^import |^export \{' "pkg/$m" | sed -E 's/^export (function|class|const) /\1 /'
  done
  echo "module.exports = { SeriesError, bind, bindServer, bindForm };"
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
fgz=$(gzip -9 -c pkg/dist/form-web/seriesguard_bg.wasm | wc -c)
sgz=$(gzip -9 -c pkg/dist/server-web/seriesguard_bg.wasm | wc -c)
say "pkg/ ready: seriesguard_bg.wasm $size bytes, $gz gzipped (form entry $fgz, server entry $sgz gzipped); component/seriesguard.wasm $csize bytes, $cgz gzipped"
