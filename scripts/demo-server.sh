#!/usr/bin/env bash
# The dashboard over the reference server: a throwaway PostgreSQL cluster,
# the example server (examples/server) and the page it serves, together on
# http://127.0.0.1:${PORT:-3000}/. The page's store is then the server's
# HTTP API, so every browser shares one PostgreSQL inventory (the README's
# demo command keeps each browser's own IndexedDB). Ctrl-C stops it all and
# deletes the cluster.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --with-postgres
bash scripts/build.sh
SKIP_BUILD=1 bash examples/server/setup.sh
cd examples/server
PORT="${PORT:-3000}" exec node src/dev.mjs --page
