#!/usr/bin/env bash
# Installs what building and testing seriesguard needs, skipping whatever is
# already there, so a second run takes a second or two:
#   - the Rust targets wasm32-unknown-unknown (the npm package) and
#     wasm32-wasip2 (the WebAssembly Component);
#   - wasm-bindgen-cli at exactly the version Cargo.toml pins (from crates.io;
#     it must match the wasm-bindgen crate byte for byte);
#   - the Node tools in package-lock.json (wasm-opt from npm's binaryen,
#     typescript, playwright-core);
#   - with --with-browser: Debian's chromium, for the browser tests;
#   - with --with-postgres: Debian's postgresql (server and contrib, for
#     btree_gist), for the example server's tests; no service is started:
#     the tests start a throwaway cluster of their own;
#   - with --with-python: a virtual environment in target/py with wasmtime
#     from PyPI (examples/python/requirements.txt), for the component's hosts.
set -euo pipefail
cd "$(dirname "$0")/.."

with_browser=false
with_postgres=false
with_python=false
for flag in "$@"; do
  case "$flag" in
    --with-browser) with_browser=true ;;
    --with-postgres) with_postgres=true ;;
    --with-python) with_python=true ;;
    *) printf '[setup] unknown option %s\n' "$flag"; exit 2 ;;
  esac
done

say() { printf '[setup] %s\n' "$*"; }

command -v cargo >/dev/null || { say "cargo not found: install Rust (rustup) first"; exit 1; }
command -v node >/dev/null || { say "node not found: install Node.js 20 or newer first"; exit 1; }

if command -v rustup >/dev/null; then
  for target in wasm32-unknown-unknown wasm32-wasip2; do
    if ! rustup target list --installed | grep -qx "$target"; then
      say "adding Rust target $target"
      rustup target add "$target"
    fi
  done
fi

pinned=$(sed -n 's/^wasm-bindgen = "=\([0-9.]*\)"/\1/p' Cargo.toml)
[ -n "$pinned" ] || { say "no pinned wasm-bindgen version in Cargo.toml"; exit 1; }
installed=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$installed" != "$pinned" ]; then
  say "installing wasm-bindgen-cli $pinned (found: ${installed:-none}); this takes a few minutes once"
  # Not --locked: the CLI's lockfile can name crate versions a registry mirror
  # does not carry yet; cargo then picks the newest compatible ones.
  # --force: a binary can be gone while cargo still lists it as installed.
  cargo install --force wasm-bindgen-cli --version "=$pinned"
fi

# Node tools (wasm-opt from npm's binaryen, test and benchmark peers) are
# pinned in package-lock.json; reinstall only when the lockfile changed.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing Node tools (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
fi

apt_updated=false
apt_install() {
  if ! command -v apt-get >/dev/null || [ "$(id -u)" != 0 ]; then
    return 1
  fi
  if [ "$apt_updated" = false ]; then
    apt-get update -qq
    apt_updated=true
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

if [ "$with_browser" = true ] && [ -z "${CHROMIUM_PATH:-}" ] && ! command -v chromium >/dev/null; then
  say "installing chromium (Debian) for the browser tests"
  apt_install chromium || { say "chromium not found: install Debian's chromium, or set CHROMIUM_PATH to a Chromium binary"; exit 1; }
fi

# PostgreSQL: initdb and postgres from Debian's versioned directory, and
# btree_gist from contrib (part of postgresql-NN on Debian 12).
has_postgres() {
  [ -n "${PG_BINDIR:-}" ] && [ -x "$PG_BINDIR/initdb" ] && return 0
  for dir in /usr/lib/postgresql/*/bin; do
    [ -x "$dir/initdb" ] && [ -f "$(dirname "$dir")/lib/btree_gist.so" ] && return 0
  done
  return 1
}
if [ "$with_postgres" = true ] && ! has_postgres; then
  say "installing postgresql (Debian) for the example server's tests"
  apt_install postgresql postgresql-contrib || { say "PostgreSQL not found: install Debian's postgresql, or set PG_BINDIR to a directory holding initdb"; exit 1; }
fi

if [ "$with_python" = true ]; then
  command -v python3 >/dev/null || { say "python3 not found: install Python 3.9 or newer"; exit 1; }
  py=target/py
  if [ ! -x "$py/bin/python" ]; then
    say "creating the Python environment $py"
    python3 -m venv "$py" 2>/dev/null || {
      apt_install python3-venv && python3 -m venv "$py"
    } || { say "python3 -m venv failed: install python3-venv"; exit 1; }
  fi
  if [ ! -f "$py/.requirements" ] || ! cmp -s examples/python/requirements.txt "$py/.requirements"; then
    say "installing $(tr '\n' ' ' < examples/python/requirements.txt)into $py"
    "$py/bin/pip" install --quiet --disable-pip-version-check -r examples/python/requirements.txt
    cp examples/python/requirements.txt "$py/.requirements"
  fi
fi

say "ready: $(rustc --version), $(wasm-bindgen --version), node $(node --version), $(node_modules/.bin/wasm-opt --version)"
