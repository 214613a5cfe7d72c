#!/usr/bin/env bash
# Checks simkeep as npm ships it: `npm pack` (whose prepack builds dist/ afresh), the
# tarball's file list, then an install of the tarball with production dependencies only
# into an empty temporary project, and the installed command: `simkeep --help`, then
# `simkeep serve --demo` on a free port until /healthz and the web app answer.
# Called by .ci/run after the tests; 1–1.5 minutes (most of it the build).
#
# The install takes packages from the npm cache when it has them (after `npm ci` it does)
# and from the registry otherwise. better-sqlite3's install script compiles its addon,
# about 90 s of CPU here: when this checkout's node_modules holds the same version already
# built, that build is copied instead, as the addon is not what this check is about.
# SIMKEEP_CHECK_COMPILE=1 runs the install scripts instead.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
work=$(mktemp -d)
server_pid=

cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

fail() {
  echo "check-package: $*" >&2
  exit 1
}

echo "== npm pack"
npm pack --pack-destination "$work" >"$work/pack.log" 2>&1 || { cat "$work/pack.log"; fail "npm pack failed"; }
tarball=$(ls "$work"/simkeep-*.tgz)
tar tzf "$tarball" | sed 's|^package/||' | sort >"$work/files.txt"
for wanted in package.json README.md LICENSE dist/cli.js dist/db/migrations/0001_initial.js dist/web/index.html; do
  grep -qx "$wanted" "$work/files.txt" || fail "the package lacks $wanted"
done
extra=$(grep -Ev '^(package\.json|README\.md|LICENSE|dist/.*)$' "$work/files.txt" | head -5 | tr '\n' ' ' || true)
[ -z "$extra" ] || fail "the package ships files outside dist/: $extra"
if grep -Eq '\.map$|^dist/sourcemaps/|^dist/openapi\.json$' "$work/files.txt"; then fail "the package ships source maps or dist/openapi.json"; fi
echo "$(basename "$tarball"): $(wc -l <"$work/files.txt") files, $(du -k "$tarball" | cut -f1) KB"

echo "== npm install --omit=dev $(basename "$tarball")"
mkdir "$work/app"
cd "$work/app"
echo '{ "name": "simkeep-package-check", "private": true, "allowScripts": { "better-sqlite3": true } }' >package.json
sqlite_version=$(node -p "require('$repo/node_modules/better-sqlite3/package.json').version" 2>/dev/null || true)
built_addon=$repo/node_modules/better-sqlite3/build/Release/better_sqlite3.node
install_flags=(--omit=dev --prefer-offline --no-audit --no-fund)
reuse_addon=
if [ "${SIMKEEP_CHECK_COMPILE:-}" != 1 ] && [ -f "$built_addon" ]; then
  reuse_addon=1
  install_flags+=(--ignore-scripts)
fi
npm install "${install_flags[@]}" "$tarball" >"$work/install.log" 2>&1 || { cat "$work/install.log"; fail "npm install failed"; }
if [ -n "$reuse_addon" ]; then
  installed_version=$(node -p "require('./node_modules/better-sqlite3/package.json').version")
  if [ "$installed_version" = "$sqlite_version" ]; then
    mkdir -p node_modules/better-sqlite3/build/Release
    cp "$built_addon" node_modules/better-sqlite3/build/Release/
    echo "better-sqlite3 $installed_version: the checkout's build copied (SIMKEEP_CHECK_COMPILE=1 compiles it)"
  else
    echo "better-sqlite3 $installed_version (the checkout has $sqlite_version): compiling"
    npm rebuild better-sqlite3 >>"$work/install.log" 2>&1 || { cat "$work/install.log"; fail "better-sqlite3 did not build"; }
  fi
fi
# npm applies simkeep's `overrides` only where simkeep is the project installed (npm ci in a
# checkout or an unpacked package), not to a dependency: name what warned here, if anything.
if grep -q EBADENGINE "$work/install.log"; then
  echo "engine warnings (a dependency install does not apply simkeep's overrides):" \
    "$(grep -o "package: '[^']*'" "$work/install.log" | cut -d"'" -f2 | sort -u | tr '\n' ' ')"
fi
tail -n 1 "$work/install.log"

echo "== simkeep --help"
npx --no-install simkeep --help >"$work/help.txt" || { cat "$work/help.txt"; fail "simkeep --help failed"; }
grep -q '^  serve' "$work/help.txt" || { cat "$work/help.txt"; fail "simkeep --help does not list serve"; }
echo "lists $(grep -cE '^  [a-z]' "$work/help.txt") commands"

echo "== simkeep serve --demo"
port=$(node -e "const s = require('node:net').createServer().listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); })")
mkdir run
(cd run && exec env PORT="$port" HOST=127.0.0.1 SIMKEEP_JOBS=false LOG_LEVEL=warn ../node_modules/.bin/simkeep serve --demo) >"$work/serve.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 60); do
  if curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; then break; fi
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/serve.log"; fail "the server exited"; }
  sleep 0.5
done
curl -sf "http://127.0.0.1:$port/readyz" || { cat "$work/serve.log"; fail "/readyz did not answer"; }
echo
curl -sf "http://127.0.0.1:$port/" | grep -q '<div id="root">' || fail "the web app is not served at /"
kill "$server_pid"
wait "$server_pid" 2>/dev/null || true
server_pid=
echo "check-package: the packed simkeep installs, prints its help and serves on port $port"
