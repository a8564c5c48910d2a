#!/usr/bin/env bash
# End-to-end test with real components: build the demo portal, serve public/ with nginx on
# 127.0.0.1, drive Debian's chromium headless (playwright-core + axe), validate HTML with
# the Nu validator (vnu.jar). Prints "N passed, M failed" last; exit 1 if anything failed.
#
#   bash tests/e2e/run.sh              # uses target/debug/congkhai (builds it if missing)
#   CONGKHAI=path/to/congkhai bash tests/e2e/run.sh
#   KEEP_SCREENSHOTS=1 …               # keep the screenshot dir (path is printed)
#
# Needs: nginx (nginx-light), /usr/bin/chromium, java, node + npm (tools go to .ci/node_modules),
# pdftotext and pdfinfo (poppler-utils) for the print-to-PDF checks.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$here/target}"
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
NOW="${NOW:-2026-11-23}"

passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok   - $*"; }
fail() { failed=$((failed + 1)); echo "FAIL - $*"; }

work="$(mktemp -d "${TMPDIR:-/tmp}/congkhai-e2e.XXXXXX")"
nginx_pid=""
drafts_pid=""
cleanup() {
  if [ -n "$drafts_pid" ] && kill -0 "$drafts_pid" 2>/dev/null; then
    kill "$drafts_pid" 2>/dev/null || true
    wait "$drafts_pid" 2>/dev/null || true
  fi
  if [ -n "$nginx_pid" ] && kill -0 "$nginx_pid" 2>/dev/null; then
    kill "$nginx_pid" 2>/dev/null || true
    wait "$nginx_pid" 2>/dev/null || true
  fi
  if [ "${KEEP_SCREENSHOTS:-0}" = 1 ]; then
    echo "screenshots kept in $work/shots"
    find "$work" -mindepth 1 -maxdepth 1 ! -name shots -exec rm -rf {} +
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT
chmod 755 "$work"  # nginx workers run as an unprivileged user when started by root

for tool in nginx java node npm pdftotext pdfinfo "$CHROMIUM"; do
  command -v "$tool" >/dev/null || [ -x "$tool" ] || {
    echo "missing $tool (apt-get install nginx-light chromium default-jre-headless nodejs npm poppler-utils)" >&2
    exit 2
  }
done
nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"

# 1. Node tools (pinned by .ci/package-lock.json).
if [ ! -d "$here/.ci/node_modules/playwright-core" ] || [ ! -f "$here/.ci/node_modules/vnu-jar/build/dist/vnu.jar" ]; then
  echo "installing test tools into .ci/node_modules…"
  npm ci --prefix "$here/.ci" --no-audit --no-fund --loglevel=error >/dev/null
fi

# 2. Build the demo portal into a copy (never touch the repo's public/).
bin="${CONGKHAI:-$CARGO_TARGET_DIR/debug/congkhai}"
if [ -z "${CONGKHAI:-}" ]; then
  cargo build --quiet --manifest-path "$here/Cargo.toml"
fi
site="$work/site"
mkdir -p "$site"
for d in content data themes static templates; do
  if [ -d "$here/$d" ]; then cp -r "$here/$d" "$site/$d"; fi
done
cp "$here/config.toml" "$site/"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
# base_url = the address the browser uses, so every absolute link stays on 127.0.0.1.
if "$bin" --root "$site" build --now "$NOW" --base-url "http://127.0.0.1:$port" >"$work/build.log" 2>&1; then
  ok "demo portal builds"
else
  fail "demo portal builds"; cat "$work/build.log"
  echo "$passed passed, $failed failed"; exit 1
fi

# 3. nginx on that port, serving public/ with the site's 404 page.
mkdir -p "$work/nginx/tmp"
cat >"$work/nginx/nginx.conf" <<EOF
daemon off;
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 64; }
http {
  types {
    text/html html; text/css css; application/javascript js; application/json json;
    image/svg+xml svg; image/png png; image/jpeg jpg; application/pdf pdf; text/csv csv;
    application/xml xml; application/atom+xml atom; text/plain txt; text/calendar ics;
    font/woff2 woff2; image/x-icon ico; application/manifest+json webmanifest;
    application/ld+json jsonld; application/geo+json geojson;
  }
  default_type application/octet-stream;
  charset utf-8;
  access_log $work/nginx/access.log;
  client_body_temp_path $work/nginx/tmp; proxy_temp_path $work/nginx/tmp;
  fastcgi_temp_path $work/nginx/tmp; uwsgi_temp_path $work/nginx/tmp; scgi_temp_path $work/nginx/tmp;
  server {
    listen 127.0.0.1:$port;
    root $site/public;
    index index.html;
    error_page 404 /404.html;
    location / { try_files \$uri \$uri/ =404; }
    include $work/nginx/noindex.conf;
  }
}
EOF
# The lists of people get X-Robots-Tag from the built robots.txt, with the sed line of
# docs/deployment.md (taken from the docs, so the two cannot drift).
noindex_sed="$(python3 - "$here/docs/deployment.md" <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
m = re.search(r"^sed -n '(s\|\^Disallow: .*?X-Robots-Tag.*?\|p)' \\$", text, re.M)
print(m.group(1) if m else "")
PY
)"
if [ -n "$noindex_sed" ]; then
  sed -n "$noindex_sed" "$site/public/robots.txt" >"$work/nginx/noindex.conf"
else
  : >"$work/nginx/noindex.conf"
fi
"$nginx_bin" -c "$work/nginx/nginx.conf" -e "$work/nginx/error.log" &
nginx_pid=$!
for _ in $(seq 50); do
  if python3 - "$port" 2>/dev/null <<'EOF'
import socket, sys
socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=0.2).close()
EOF
  then break; fi
  sleep 0.1
done
if kill -0 "$nginx_pid" 2>/dev/null; then ok "nginx serves public/ on 127.0.0.1:$port"; else
  fail "nginx starts"; cat "$work/nginx/error.log"; echo "$passed passed, $failed failed"; exit 1
fi

# 3b. The noindex lines of docs/deployment.md, with real nginx: a list of people's files
#     carry X-Robots-Tag (from robots.txt), open tables do not; and a session's calendar
#     goes out as text/calendar (the `ics` line of the types block above, as documented).
header() { # header URL-PATH NAME: the response header's value, or nothing
  python3 - "$port" "$1" "$2" <<'PY'
import http.client, sys
c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=5)
c.request("HEAD", sys.argv[2])
print(c.getresponse().getheader(sys.argv[3]) or "")
PY
}
if [ -s "$work/nginx/noindex.conf" ]; then ok "docs/deployment.md's sed line turns robots.txt into nginx noindex lines"
else fail "no noindex lines from docs/deployment.md's sed line"; fi
list_csv="/ho-tro/danh-sach-ho-tro-thu-nhap-2026/danh-sach.csv"
open_csv="/sap-xep-to-dan-pho/phuong-an/to-dan-pho-hien-nay.csv"
case "$(header "$list_csv" X-Robots-Tag)" in
  *noindex*) ok "nginx: $list_csv (a list of people) has X-Robots-Tag: noindex" ;;
  *) fail "nginx: $list_csv has no X-Robots-Tag" ;;
esac
if [ -z "$(header "$open_csv" X-Robots-Tag)" ]; then ok "nginx: $open_csv (open data) has no X-Robots-Tag"
else fail "nginx: $open_csv carries X-Robots-Tag"; fi
ics="$(cd "$site/public" && find . -name 'buoi-*.ics' | sort | head -1 | cut -c2-)"
case "$(header "$ics" Content-Type)" in
  text/calendar*) ok "nginx: $ics is text/calendar" ;;
  *) fail "nginx: $ics is '$(header "$ics" Content-Type)'" ;;
esac

# 4. Browser checks (prints "ok - …"/"FAIL - …" lines, and "note - …" lines that are not
#    checks): home → section → document by clicking, 404, and one page of every page type
#    (found in public/ by its markup) at 320, 390 and 1366 px: no sideways overflow, the
#    <h1> on the first screen at 390×844, axe, the folding phone menu and the desktop bar.
mkdir -p "$work/shots"
set +e
NODE_PATH="$here/.ci/node_modules" node "$here/tests/e2e/browser.mjs" \
  "http://127.0.0.1:$port" "$work/shots" "$CHROMIUM" "$site/config.toml" "$site/public" >"$work/browser.log" 2>&1
browser_rc=$?
set -e
grep -E '^(ok|FAIL|note) ' "$work/browser.log" || true
bp=$(grep -c '^ok ' "$work/browser.log" || true)
bf=$(grep -c '^FAIL ' "$work/browser.log" || true)
passed=$((passed + bp)); failed=$((failed + bf))
if [ "$browser_rc" -ne 0 ] && [ "$bf" -eq 0 ]; then
  fail "browser script crashed (exit $browser_rc)"; tail -30 "$work/browser.log"
fi

# 4b. Print-to-PDF (tests/e2e/print.mjs): the demo's whole list print view (300 rows) and
#     a poster printed to A4 by Chromium and read back page by page with pdftotext: page
#     count within the bound, national header on page 1, "Trang k/n" and the SHA-256 on
#     every page, no menu text.
mkdir -p "$work/pdf"
count_lines() { # count_lines LOG: add its ok/FAIL lines to the totals
  grep -E '^(ok|FAIL|note) ' "$1" || true
  local p f
  p=$(grep -c '^ok ' "$1" || true); f=$(grep -c '^FAIL ' "$1" || true)
  passed=$((passed + p)); failed=$((failed + f))
}
set +e
NODE_PATH="$here/.ci/node_modules" node "$here/tests/e2e/print.mjs" real \
  "http://127.0.0.1:$port" "$CHROMIUM" "$work/pdf" "$site/public" >"$work/print.log" 2>&1
print_rc=$?
set -e
count_lines "$work/print.log"
if [ "$print_rc" -ne 0 ] && ! grep -q '^FAIL ' "$work/print.log"; then
  fail "print script crashed (exit $print_rc)"; tail -30 "$work/print.log"
fi

# 4c. A --drafts preview of a copy of the demo with four records unapproved (a list, a
#     warning, the service days, a document): the draft mark on every HTML page and on
#     every printed page of the list print view, a poster and a document.
drafts="$work/drafts"
mkdir -p "$drafts"
for d in content data themes static templates; do
  if [ -d "$site/$d" ]; then cp -r "$site/$d" "$drafts/$d"; fi
done
cp "$site/config.toml" "$drafts/"
python3 - "$drafts" <<'PY'
import pathlib, re, sys
root = pathlib.Path(sys.argv[1])
for rel in ["content/ho-tro/danh-sach-ho-tro-thu-nhap-2026.md", "content/canh-bao/ung-dung-vneid-gia.md",
            "content/lich-ho-tro/nha-van-hoa.md", "content/van-ban/ke-hoach-sap-xep-to-dan-pho/index.md"]:
    f = root / rel
    if f.exists():
        f.write_text(re.sub(r"\[approval\]\n(?:[a-z_]+ = .*\n)+", "", f.read_text(encoding="utf-8"), count=1), encoding="utf-8")
PY
dport="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
if "$bin" --root "$drafts" build --drafts --now "$NOW" --base-url "http://127.0.0.1:$dport" >"$work/drafts.log" 2>&1; then
  ok "demo with four unapproved records builds with --drafts"
  case "$(cat "$work/drafts.log")" in
    *"; 4 bản nháp"*) ok "the --drafts summary counts the 4 draft records" ;;
    *) fail "the --drafts summary does not say 4 drafts"; tail -3 "$work/drafts.log" ;;
  esac
  python3 -m http.server "$dport" --bind 127.0.0.1 --directory "$drafts/public-preview" >/dev/null 2>&1 &
  drafts_pid=$!
  for _ in $(seq 50); do
    if python3 -c "import socket,sys; socket.create_connection(('127.0.0.1', $dport), timeout=0.2).close()" 2>/dev/null; then break; fi
    sleep 0.1
  done
  set +e
  NODE_PATH="$here/.ci/node_modules" node "$here/tests/e2e/print.mjs" drafts \
    "http://127.0.0.1:$dport" "$CHROMIUM" "$work/pdf" "$drafts/public-preview" >"$work/print-drafts.log" 2>&1
  print_rc=$?
  set -e
  count_lines "$work/print-drafts.log"
  if [ "$print_rc" -ne 0 ] && ! grep -q '^FAIL ' "$work/print-drafts.log"; then
    fail "drafts print script crashed (exit $print_rc)"; tail -30 "$work/print-drafts.log"
  fi
else
  fail "demo with four unapproved records builds with --drafts"; tail -20 "$work/drafts.log"
fi

# 5. HTML validation of a few pages with the Nu validator: errors fail.
pages=("$site/public/index.html" "$site/public/404.html")
first_section="$(find "$site/public" -mindepth 2 -maxdepth 2 -name index.html | sort | head -1)"
if [ -n "$first_section" ]; then pages+=("$first_section"); fi
doc="$(find "$site/public/van-ban" -mindepth 2 -maxdepth 2 -name index.html 2>/dev/null | sort | head -1)"
if [ -n "$doc" ]; then pages+=("$doc"); fi
if java -jar "$here/.ci/node_modules/vnu-jar/build/dist/vnu.jar" --format gnu --skip-non-html \
  --errors-only "${pages[@]}" >"$work/vnu.log" 2>&1; then
  ok "vnu: no HTML errors in ${#pages[@]} pages"
else
  fail "vnu: HTML errors"; sed "s|$site/public/||" "$work/vnu.log" | head -40
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
