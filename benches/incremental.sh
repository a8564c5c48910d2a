#!/usr/bin/env bash
# One-record incremental rebuild on the 10,000-page corpus (issue 18, docs/incremental.md).
#
# usage: benches/incremental.sh [BINARY] [DIR]
#   BINARY  default target/release/congkhai
#   DIR     default /dev/shm/inc10k (rebuilt from scratch)
#
# Runs: a fresh build (keeps no page cache), `build --force` (renders every file and
# records the page cache: the "full build" figure), then three times: one sentence
# appended to one page, `build` (the "incremental" figure). Prints wall time, peak RSS
# and the CONGKHAI_TIMINGS phases of each timed run.
set -euo pipefail
BIN=${1:-target/release/congkhai}
DIR=${2:-/dev/shm/inc10k}
BIN=$(realpath "$BIN")
rm -rf "$DIR"
python3 "$(dirname "$0")/corpus.py" "$DIR" 10000 20 >/dev/null
run() {
  echo "== $*"
  CONGKHAI_TIMINGS=1 /usr/bin/time -f "wall %e s, peak %M KB" \
    "$BIN" --root "$DIR" build --now 2026-11-23 "$@" 2>&1 |
    grep -E "^\[thời gian\] (load|content:|template|pages|page cache|internal|incremental)|^wall|^Đã tạo"
}
"$BIN" --root "$DIR" build --now 2026-11-23 >/dev/null 2>&1
run --force
page=$(find "$DIR/content" -name '*.md' ! -name '_index.md' | sort | sed -n 1234p)
for i in 1 2 3; do
  echo "Thêm một câu số $i." >> "$page"
  run
done
