#!/usr/bin/env bash
# Interleaved A/B timing of two congkhai binaries on the 10,000-page benchmark corpus
# (site and output on tmpfs): A, B, A, B, … so that a change in the machine's speed hits
# both alike. Prints each one's median wall time and peak RSS, and B/A.
#
#   bash benches/ab.sh OLD_BINARY NEW_BINARY          # 7 runs each
#   RUNS=11 PAGES=10000 bash benches/ab.sh A B
#
# Used to check that a change costs what it claims (e.g. the output privacy scan:
# docs/security.md), not as a test: timing never decides a test here.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
a="$1"; b="$2"
RUNS="${RUNS:-7}"; PAGES="${PAGES:-10000}"; SECTIONS="${SECTIONS:-20}"
CORPUS_SCRIPT="${CORPUS_SCRIPT:-$here/../shared/bench/make_corpus.py}"
[ -f "$CORPUS_SCRIPT" ] || { echo "make_corpus.py not found (set CORPUS_SCRIPT)" >&2; exit 2; }
shm=/dev/shm; [ -d "$shm" ] && [ -w "$shm" ] || shm="${TMPDIR:-/tmp}"
work="$(mktemp -d "$shm/congkhai-ab.XXXXXX")"
trap 'rm -rf "$work"' EXIT
python3 "$CORPUS_SCRIPT" "$work/c" "$PAGES" "$SECTIONS" >/dev/null
site="$work/c/zola"
one() {  # one BINARY -> "wall peakKiB"
  rm -rf "$site/public" "$site"/.congkhai-*
  /usr/bin/time -f '%e %M' -o "$work/t" "$1" --root "$site" build --now 2026-11-23 >/dev/null 2>"$work/err" \
    || { tail -5 "$work/err" >&2; exit 1; }
  cat "$work/t"
}
one "$a" >/dev/null; one "$b" >/dev/null   # warm the page cache
wa=(); ma=(); wb=(); mb=()
for _ in $(seq "$RUNS"); do
  read -r w m < <(one "$a"); wa+=("$w"); ma+=("$m")
  read -r w m < <(one "$b"); wb+=("$w"); mb+=("$m")
done
python3 - "${wa[*]}" "${ma[*]}" "${wb[*]}" "${mb[*]}" "$PAGES" "$(nproc)" <<'PY'
import statistics as st, sys
wa, ma, wb, mb = ([float(x) for x in s.split()] for s in sys.argv[1:5])
pages, cores = sys.argv[5], sys.argv[6]
A, B = st.median(wa), st.median(wb)
print(f"{pages} pages, {cores} cores, {len(wa)} interleaved runs each")
print(f"A  median {A:.3f} s  peak {max(ma)/1024:.0f} MiB  runs {' '.join(f'{x:.2f}' for x in wa)}")
print(f"B  median {B:.3f} s  peak {max(mb)/1024:.0f} MiB  runs {' '.join(f'{x:.2f}' for x in wb)}")
print(f"B/A = {B/A:.3f}")
PY
