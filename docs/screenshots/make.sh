#!/usr/bin/env bash
# Regenerates the PNG screenshots in docs/screenshots/ (linked from README.md): the demo
# portal built with --now 2026-11-23, served on 127.0.0.1, photographed by Debian's chromium
# (tests/e2e/screenshots.mjs) at phone (390×844) and desktop (1366×900) size.
#
#   bash docs/screenshots/make.sh          # uses target/debug/congkhai (builds it if missing)
#
# Needs what tests/e2e/run.sh needs: /usr/bin/chromium, node + npm (.ci/node_modules).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$here/target}"
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
NOW="${NOW:-2026-11-23}"
out="$here/docs/screenshots"

if [ ! -d "$here/.ci/node_modules/playwright-core" ]; then
  npm ci --prefix "$here/.ci" --no-audit --no-fund --loglevel=error >/dev/null
fi
bin="${CONGKHAI:-$CARGO_TARGET_DIR/debug/congkhai}"
if [ -z "${CONGKHAI:-}" ]; then cargo build --quiet --manifest-path "$here/Cargo.toml"; fi

work="$(mktemp -d "${TMPDIR:-/tmp}/congkhai-shots.XXXXXX")"
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
site="$work/site"
mkdir -p "$site"
for d in content data themes static templates; do
  if [ -d "$here/$d" ]; then cp -r "$here/$d" "$site/$d"; fi
done
cp "$here/config.toml" "$site/"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
"$bin" --root "$site" build --now "$NOW" --base-url "http://127.0.0.1:$port" >"$work/build.log" 2>&1 || {
  cat "$work/build.log"; exit 1
}
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$site/public" >/dev/null 2>&1 &
server=$!
for _ in $(seq 50); do
  if python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), timeout=0.2).close()" 2>/dev/null; then break; fi
  sleep 0.1
done
NODE_PATH="$here/.ci/node_modules" node "$here/tests/e2e/screenshots.mjs" \
  "http://127.0.0.1:$port" "$out" "$CHROMIUM" "$site/public" "$NOW"
