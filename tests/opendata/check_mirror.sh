#!/usr/bin/env bash
# The journalist's copy (docs/open-data.md, "Kiểm tra lịch sử", step 3): a site mirrored
# with wget, completed with every file its manifest lists (a crawler alone misses files no
# page links: search-index shards, the output marker…), passes `congkhai verify`; the same
# copy with one byte changed fails it. The demo is rebuilt with a base_url on 127.0.0.1 and
# served by Python's http.server, so wget follows its links.
# Env from run.sh: SITE, BIN, PY, NOW. Prints ok/FAIL lines.
set -uo pipefail
fail=0
ok() { echo "ok   - $*"; }
bad() { echo "FAIL - $*"; fail=1; }
command -v wget >/dev/null || { bad "wget is missing (apt-get install wget)"; exit 1; }

work="$(mktemp -d)"
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
copy="$work/site"
mkdir -p "$copy"
for d in content data themes static templates history; do
  if [ -d "$SITE/$d" ]; then cp -r "$SITE/$d" "$copy/$d"; fi
done
cp "$SITE/config.toml" "$copy/"
port="$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
site="http://127.0.0.1:$port"
"$BIN" --root "$copy" build --now "$NOW" --base-url "$site" >"$work/build.log" 2>&1 \
  || { bad "build for the mirror: $(cat "$work/build.log")"; exit 1; }
"$PY" -m http.server "$port" --bind 127.0.0.1 --directory "$copy/public" >/dev/null 2>&1 &
server=$!
for _ in $(seq 50); do
  "$PY" -c "import socket; socket.create_connection(('127.0.0.1', $port), timeout=0.2).close()" 2>/dev/null && break
  sleep 0.1
done

# The script of the docs (docs/open-data.md, luu-ban-sao.sh), taken from the docs so the
# two cannot drift, run as a journalist runs it.
docs="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/docs/open-data.md"
"$PY" - "$docs" >"$work/luu-ban-sao.sh" <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
m = re.search(r"```sh\n(#!/bin/sh\n# luu-ban-sao\.sh.*?)```", text, re.S)
print(m.group(1) if m else "exit 3")
PY
cd "$work"
PATH="$(dirname "$PY"):$PATH" sh luu-ban-sao.sh "$site" ban-luu \
  || bad "luu-ban-sao.sh from docs/open-data.md failed (exit $?)"
if "$BIN" verify ban-luu >"$work/verify.log" 2>&1; then
  ok "a wget mirror completed from the manifest verifies ($(find ban-luu -type f | wc -l) files)"
else
  bad "verify of the mirror: $(tail -5 "$work/verify.log")"
fi
csv="$(find ban-luu -name '*.csv' | sort | head -1)"
printf ' ' >>"$csv"
if "$BIN" verify ban-luu >"$work/verify2.log" 2>&1; then
  bad "verify accepted a mirror with ${csv#ban-luu/} changed"
else
  grep -q "${csv#ban-luu/}" "$work/verify2.log" \
    && ok "verify names the changed file ${csv#ban-luu/}" \
    || bad "verify failed without naming ${csv#ban-luu/}: $(tail -3 "$work/verify2.log")"
fi
exit "$fail"
