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
#
# Fair timing: each side times only its own work. The previous output (and the
# incremental caches beside it) and the previous copies are deleted *before* the clock
# starts, so neither the build nor the copy pays for an `rm -rf`. (Until 2026-11-30 the
# timed build included deleting the previous output and the timed copy deleting its
# previous copies, which made the build look ~0.5 s slower at 10,000 pages.)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="$1"
RUNS="${RUNS:-7}"; PAGES="${PAGES:-10000}"
shm=/dev/shm; [ -d "$shm" ] && [ -w "$shm" ] || shm="${TMPDIR:-/tmp}"
work="$(mktemp -d "$shm/congkhai-copy.XXXXXX")"
trap 'rm -rf "$work"' EXIT
python3 "$here/benches/corpus.py" "$work/site" "$PAGES" 20 >/dev/null
clean_build() { rm -rf "$work/site/public" "$work/site"/.congkhai-*; }
build() {
  "$bin" --root "$work/site" build --now 2026-11-23 >/dev/null 2>"$work/err" \
    || { tail -5 "$work/err" >&2; exit 1; }
}
now() { date +%s.%N; }
clean_build; build
mapfile -t entries < <(cd "$work/site/public" && ls -A | sort)
half=$(( (${#entries[@]} + 1) / 2 ))
clean_two() { rm -rf "$work/a" "$work/b"; mkdir -p "$work/a" "$work/b"; }
two_cp() {
  (cd "$work/site/public" && cp -r "${entries[@]:0:$half}" "$work/a/") &
  (cd "$work/site/public" && cp -r "${entries[@]:$half}" "$work/b/") &
  wait
}
clean_one() { rm -rf "$work/one"; }
one_cp() { cp -r "$work/site/public" "$work/one"; }
bs=(); twos=(); ones=()
for _ in $(seq "$RUNS"); do
  clean_build; t0=$(now); build; t1=$(now); bs+=("$(echo "$t1 - $t0" | bc)")
  clean_two; t0=$(now); two_cp; t1=$(now); twos+=("$(echo "$t1 - $t0" | bc)")
  clean_one; t0=$(now); one_cp; t1=$(now); ones+=("$(echo "$t1 - $t0" | bc)")
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
print(f"build range {min(b):.2f}-{max(b):.2f} s; ratio to two cp, run by run: {' '.join(f'{x/y:.2f}' for x, y in zip(b, two))}")
PY
echo "load average after the runs: $(cut -d' ' -f1-3 /proc/loadavg)"
