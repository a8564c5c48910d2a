#!/usr/bin/env bash
# Deployment at scale (issue 18): the recipe of docs/province.md, deploy/rclone-sync.sh,
# run against a local S3 endpoint. Builds a two-commune workspace (the demo portal, which
# publishes calendars and GeoJSON, and a commune made by `congkhai init`) with its
# province portal, starts moto's S3 server on 127.0.0.1 (Debian's rclone 1.60 has no
# `rclone serve s3`), syncs, and checks every stored object: its bytes, Content-Type
# (text/calendar for .ics, application/geo+json, text/html; charset=utf-8, …) and
# Cache-Control (fingerprinted CSS immutable for a year, HTML five minutes). Then removes
# a page, rebuilds, re-syncs: the page's object is gone and only changed files were
# uploaded again. Leaves nothing behind (the server is stopped, the folder removed).
#
#   bash tests/deploy/run.sh               # uses target/debug/congkhai (builds it if missing)
#   CONGKHAI=path/to/congkhai bash tests/deploy/run.sh
#
# Needs: rclone, python3 with venv (apt-get install rclone python3-venv; .ci/deps does it);
# moto[server] is installed from PyPI into .ci/deploy-venv (.ci/deploy-requirements.txt).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$here/target}"
NOW="${NOW:-2026-11-23}"
command -v rclone >/dev/null || { echo "rclone missing: apt-get install rclone (.ci/deps)" >&2; exit 2; }

venv="$here/.ci/deploy-venv"
req="$here/.ci/deploy-requirements.txt"
if [ ! -x "$venv/bin/moto_server" ] || ! cmp -s "$req" "$venv/requirements.txt"; then
  echo "installing moto (local S3 endpoint) into .ci/deploy-venv…"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$req"
  cp "$req" "$venv/requirements.txt"
fi

BIN="${CONGKHAI:-$CARGO_TARGET_DIR/debug/congkhai}"
if [ -z "${CONGKHAI:-}" ]; then
  cargo build --quiet --manifest-path "$here/Cargo.toml"
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/congkhai-deploy.XXXXXX")"
moto_pid=""
cleanup() {
  if [ -n "$moto_pid" ]; then
    kill "$moto_pid" 2>/dev/null || true
    wait "$moto_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# 1. A province workspace: the demo portal and a commune made by init.
ws="$work/tinh"
"$BIN" init --workspace "$ws" --province "Thành phố Hải Phòng" 2>/dev/null
mkdir -p "$ws/sites/hoa-an"
for d in content data static templates history; do
  if [ -d "$here/$d" ]; then cp -r "$here/$d" "$ws/sites/hoa-an/$d"; fi
done
cp "$here/config.toml" "$ws/sites/hoa-an/"
"$BIN" init "$ws/sites/xa-mau" --name "Xã Mẫu" --province "Thành phố Hải Phòng" 2>/dev/null
# A notice that step 4 withdraws.
cat >"$ws/sites/xa-mau/content/van-ban/thong-bao-tam.md" <<'MD'
+++
title = "Thông báo tạm"
date = 2026-11-20
[approval]
by = "Nguyễn Văn Mẫu"
role = "Chủ tịch UBND xã"
decision = "Quyết định số 9/QĐ-UBND ngày 20/11/2026"
date = 2026-11-20
+++
Thông báo này được gỡ ở bước 4 của kiểm thử.
MD
"$BIN" --root "$ws" build --all --now "$NOW" >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }

# 2. The local S3 endpoint, on a free port of 127.0.0.1.
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
"$venv/bin/moto_server" -H 127.0.0.1 -p "$port" >"$work/moto.log" 2>&1 &
moto_pid=$!
for _ in $(seq 100); do
  python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 0.2)" 2>/dev/null && break
  sleep 0.2
done
# The endpoint is plain HTTP on 127.0.0.1: no CA bundle (rclone refuses to start with
# AWS_CA_BUNDLE set for its HTTP transport) and no proxy.
unset AWS_CA_BUNDLE
export NO_PROXY="127.0.0.1${NO_PROXY:+,$NO_PROXY}" no_proxy="127.0.0.1${no_proxy:+,$no_proxy}"
export RCLONE_CONFIG="$work/rclone.conf"
: >"$RCLONE_CONFIG"
export RCLONE_CONFIG_S3_TYPE=s3 RCLONE_CONFIG_S3_PROVIDER=Other
export RCLONE_CONFIG_S3_ENDPOINT="http://127.0.0.1:$port" RCLONE_CONFIG_S3_REGION=us-east-1
export RCLONE_CONFIG_S3_ACCESS_KEY_ID=test RCLONE_CONFIG_S3_SECRET_ACCESS_KEY=test
export RCLONE_CONFIG_S3_FORCE_PATH_STYLE=true
rclone mkdir s3:congkhai

# 3. The recipe, then every object checked.
check=("$venv/bin/python" "$here/tests/deploy/check.py" "$ws" "http://127.0.0.1:$port" congkhai)
bash "$here/deploy/rclone-sync.sh" "$ws" s3:congkhai 2>"$work/sync.log" || { cat "$work/sync.log"; exit 1; }
status=0
"${check[@]}" || status=1

# 4. A page removed, the commune rebuilt, synced again (one second later, so that an
#    upload shows in LastModified).
"${check[@]}" --stamp "$work/stamps.json"
rm "$ws/sites/xa-mau/content/van-ban/thong-bao-tam.md"
sleep 1
"$BIN" --root "$ws" build --site xa-mau --now "$NOW" >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
bash "$here/deploy/rclone-sync.sh" "$ws" s3:congkhai 2>"$work/sync.log" || { cat "$work/sync.log"; exit 1; }
"${check[@]}" --same "$work/stamps.json" || status=1
if [ "$status" = 0 ]; then echo "deploy: all passed"; else echo "deploy: FAILED"; fi
exit "$status"
