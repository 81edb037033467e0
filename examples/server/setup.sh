#!/usr/bin/env bash
# Installs the example server's dependencies: the seriesguard package as a
# user gets it (pkg/ built, packed with `npm pack`, the tarball installed)
# and `pg`. Set SKIP_BUILD=1 when pkg/ was just built.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"

[ "${SKIP_BUILD:-}" = 1 ] || bash "$root/scripts/build.sh"
mkdir -p "$root/target/pack"
rm -f "$root"/target/pack/seriesguard-*.tgz
(cd "$root/pkg" && npm pack --silent --pack-destination "$root/target/pack" >/dev/null)
mv "$root"/target/pack/seriesguard-*.tgz "$root/target/pack/seriesguard.tgz"

cd "$here"
# The tarball's content changes with every build: drop the installed copy
# so npm unpacks the new one.
rm -rf node_modules/seriesguard
npm install --no-audit --no-fund --loglevel=error
echo "[server] dependencies ready: $(node -p "require('./node_modules/seriesguard/package.json').version") (packed), pg $(node -p "require('./node_modules/pg/package.json').version")"
