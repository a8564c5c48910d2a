#!/usr/bin/env bash
# Issue 18's write-path target: a 10,000-page build against the time of copying its
# output with two parallel `cp -r` (each copying half of the output's top-level
# entries: the same two cores, the same files and folders, no rendering). Interleaved
# (build, copy, build, copy, …) so that a change in the machine's speed hits both.
#
#   bash benches/copy-floor.sh target/release/congkhai        # 7 runs each
#   RUNS=11 PAGES=10000 bash benches/copy-floor.sh BIN
#
# Prints the median build, the median two-`cp` copy, the median one-`cp` copy and the
# ratios. The site is benches/corpus.py's (the speed guard's), on tmpfs.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="$1"
RUNS="${RUNS:-7}"; PAGES="${PAGES:-10000}"
shm=/dev/shm; [ -d "$shm" ] && [ -w "$shm" ] || shm="${TMPDIR:-/tmp}"
work="$(mktemp -d "$shm/congkhai-copy.XXXXXX")"
trap 'rm -rf "$work"' EXIT
python3 "$here/benches/corpus.py" "$work/site" "$PAGES" 20 >/dev/null
build() {
  rm -rf "$work/site/public" "$work/site"/.congkhai-*
  "$bin" --root "$work/site" build --now 2026-11-23 >/dev/null 2>"$work/err" \
    || { tail -5 "$work/err" >&2; exit 1; }
}
now() { date +%s.%N; }
build
mapfile -t entries < <(cd "$work/site/public" && ls -A | sort)
half=$(( (${#entries[@]} + 1) / 2 ))
two_cp() {
  rm -rf "$work/a" "$work/b"; mkdir -p "$work/a" "$work/b"
  (cd "$work/site/public" && cp -r "${entries[@]:0:$half}" "$work/a/") &
  (cd "$work/site/public" && cp -r "${entries[@]:$half}" "$work/b/") &
  wait
}
one_cp() { rm -rf "$work/one"; cp -r "$work/site/public" "$work/one"; }
bs=(); twos=(); ones=()
for _ in $(seq "$RUNS"); do
  t0=$(now); build; t1=$(now); bs+=("$(echo "$t1 - $t0" | bc)")
  t0=$(now); two_cp; t1=$(now); twos+=("$(echo "$t1 - $t0" | bc)")
  t0=$(now); one_cp; t1=$(now); ones+=("$(echo "$t1 - $t0" | bc)")
done
python3 - "${bs[*]}" "${twos[*]}" "${ones[*]}" "$PAGES" "$(nproc)" "$(find "$work/site/public" -type f | wc -l)" <<'PY'
import statistics as st, sys
b, two, one = ([float(x) for x in s.split()] for s in sys.argv[1:4])
pages, cores, files = sys.argv[4:7]
B, T, O = st.median(b), st.median(two), st.median(one)
print(f"{pages} pages, {files} output files, {cores} cores, {len(b)} interleaved runs each")
print(f"build        median {B:.3f} s  runs {' '.join(f'{x:.2f}' for x in b)}")
print(f"two cp -r    median {T:.3f} s  runs {' '.join(f'{x:.2f}' for x in two)}")
print(f"one cp -r    median {O:.3f} s  runs {' '.join(f'{x:.2f}' for x in one)}")
print(f"build / two cp = {B/T:.2f}   build / one cp = {B/O:.2f}")
PY
