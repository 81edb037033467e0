#!/usr/bin/env bash
# The README's demo command: installs what is missing, builds pkg/, and serves
# the dashboard page from www/ on localhost (prints the URL). PORT=... to choose.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
exec node scripts/serve.mjs "${PORT:-8080}"
