#!/usr/bin/env bash
# Speed benchmark (issue 2 "Speed"): congkhai vs Hugo vs the `cp -r` floor on the same
# 10,000-page Markdown corpus, site and output on tmpfs (/dev/shm).
#
#   bash benches/bench.sh            # 10,000 pages, median of 5 runs each
#   bash benches/bench.sh --big      # also one run at 100,000 pages (~400 MB on tmpfs)
#   RUNS=3 PAGES=2000 bash benches/bench.sh
#
# Needs: python3, /usr/bin/time (GNU), hugo (optional; apt-get install hugo), zola (optional).
# Targets: congkhai ≤ 1.0 s wall and ≤ 150 MiB peak on 10,000 pages (2 cores), within 1.5×
# of the copy floor, linear to 100,000 pages.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
big=0
for a in "$@"; do
  case "$a" in
    --big) big=1 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "unknown argument: $a" >&2; exit 2 ;;
  esac
done
RUNS="${RUNS:-5}"
PAGES="${PAGES:-10000}"
SECTIONS="${SECTIONS:-20}"
CORPUS_SCRIPT="${CORPUS_SCRIPT:-$here/../shared/bench/make_corpus.py}"
[ -f "$CORPUS_SCRIPT" ] || CORPUS_SCRIPT=/work/shared/bench/make_corpus.py
[ -f "$CORPUS_SCRIPT" ] || { echo "make_corpus.py not found (set CORPUS_SCRIPT)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "GNU time missing: apt-get install time" >&2; exit 2; }

shm=/dev/shm
[ -d "$shm" ] && [ -w "$shm" ] || shm="${TMPDIR:-/tmp}"
work="$(mktemp -d "$shm/congkhai-bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$here/target}"
echo "building congkhai (release)…" >&2
cargo build --release --quiet --manifest-path "$here/Cargo.toml"
ck="$CARGO_TARGET_DIR/release/congkhai"

# time_cmd LABEL -- CMD…: RUNS runs, prints "LABEL  median_s  peak_MiB  (all runs)".
# PREP (a shell snippet) runs before each run, untimed.
time_cmd() {
  local label="$1"; shift; shift
  local walls=() mems=()
  for _ in $(seq "$RUNS"); do
    if [ -n "${PREP:-}" ]; then eval "$PREP"; fi
    /usr/bin/time -f '%e %M' -o "$work/time.txt" "$@" >/dev/null 2>"$work/err.txt" || {
      echo "$label failed:" >&2; tail -20 "$work/err.txt" >&2; return 1; }
    read -r w m < "$work/time.txt"
    walls+=("$w"); mems+=("$m")
  done
  python3 - "$label" "${walls[*]}" "${mems[*]}" <<'EOF'
import statistics, sys
label, walls, mems = sys.argv[1], [float(x) for x in sys.argv[2].split()], [int(x) for x in sys.argv[3].split()]
print(f"{label:<28} {statistics.median(walls):7.2f} s  {max(mems)/1024:7.0f} MiB   runs: {' '.join(f'{w:.2f}' for w in walls)}")
EOF
}

corpus() {  # corpus N DIR
  python3 "$CORPUS_SCRIPT" "$2" "$1" "$SECTIONS" >/dev/null
}

echo "machine: $(nproc) cores, $(uname -m), work dir $work ($(df -h --output=fstype "$work" | tail -1 | tr -d ' '))"
echo "corpus: $PAGES pages, $SECTIONS sections; median of $RUNS runs; peak RSS is the max"
corpus "$PAGES" "$work/c"
echo "corpus size: $(du -sh "$work/c/zola/content" | cut -f1) of Markdown"
printf '%-28s %9s  %11s\n' "tool" "wall" "peak RSS"

PREP="rm -rf '$work/c/zola/public'" \
  time_cmd "congkhai $("$ck" --version | cut -d' ' -f2)" -- "$ck" --root "$work/c/zola" build --now 2026-11-23
files=$(find "$work/c/zola/public" -type f | wc -l)

if command -v zola >/dev/null; then
  PREP="rm -rf '$work/zola-out'" \
    time_cmd "zola $(zola --version | cut -d' ' -f2)" -- zola --root "$work/c/zola" build -o "$work/zola-out"
fi
if command -v hugo >/dev/null; then
  hv="$(hugo version | grep -o 'v[0-9.]*' | head -1)"
  PREP="rm -rf '$work/c/hugo/public'" \
    time_cmd "hugo $hv" -- hugo --quiet --source "$work/c/hugo" --destination "$work/c/hugo/public"
else
  echo "hugo not installed (apt-get install hugo) — skipped"
fi
PREP="rm -rf '$work/copy'" \
  time_cmd "cp -r ($files files)" -- cp -r "$work/c/zola/public" "$work/copy"

if [ "$big" = 1 ]; then
  big_pages=$((PAGES * 10))
  rm -rf "$work/c" "$work/copy" "$work/zola-out"
  corpus "$big_pages" "$work/big"
  echo "big corpus: $big_pages pages, $(du -sh "$work/big/zola/content" | cut -f1)"
  RUNS=1 PREP="" time_cmd "congkhai ${big_pages} pages" -- "$ck" --root "$work/big/zola" build --now 2026-11-23
  RUNS=1 PREP="" time_cmd "cp -r (big)" -- cp -r "$work/big/zola/public" "$work/big-copy"
fi
