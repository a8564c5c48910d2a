#!/usr/bin/env bash
# Interleaved runs of congkhai binaries on one site, counting what a busy machine
# disturbs least: CPU time (perf stat task-clock, user + system of every thread) and
# peak RSS, beside the wall time. Use it when other work shares the cores (the
# instruction counter is not available in the development VM).
#
#   bash benches/cpu-ab.sh SITE RUNS BIN_A BIN_B [BIN_C…]
#   python3 benches/corpus.py /dev/shm/sm10k 10000 20
#   bash benches/cpu-ab.sh /dev/shm/sm10k 7 old/congkhai target/release/congkhai
#
# FORCE=1: every run is `build --force` over the previous run's output (the page cache
# then hashes every render's context and writes its file) instead of a fresh build.
set -euo pipefail
site=$1; runs=$2; shift 2
command -v perf >/dev/null || { echo "perf missing (apt-get install linux-perf)" >&2; exit 2; }
out="$(mktemp -d "${TMPDIR:-/tmp}/congkhai-cpu-ab.XXXXXX")"
trap 'rm -rf "$out"' EXIT
for _ in $(seq "$runs"); do
  for b in "$@"; do
    if [ "${FORCE:-0}" = 1 ]; then
      flags=(--force)
      [ -d "$site/public" ] || "$b" --root "$site" build --now 2026-11-23 >/dev/null 2>&1
    else
      flags=()
      rm -rf "$site/public" "$site"/.congkhai-*
    fi
    perf stat -x, -e task-clock -o "$out/perf" /usr/bin/time -f "%e %M" -o "$out/time" \
      "$b" --root "$site" build --now 2026-11-23 "${flags[@]}" >/dev/null 2>"$out/err" \
      || { tail -3 "$out/err" >&2; exit 1; }
    echo "$b $(grep task-clock "$out/perf" | cut -d, -f1) $(cat "$out/time")" >> "$out/all"
  done
done
python3 - "$out/all" <<'PY'
import sys, statistics as st, collections
d = collections.OrderedDict()
for line in open(sys.argv[1]):
    b, tc, w, m = line.split()
    d.setdefault(b, []).append((float(tc), float(w), int(m)))
for b, v in d.items():
    tc, w, m = ([x[i] for x in v] for i in range(3))
    print(f"{b}\n  cpu median {st.median(tc):.0f} ms (min {min(tc):.0f})  wall median {st.median(w):.2f} s"
          f" (min {min(w):.2f})  peak median {st.median(m)/1024:.0f} MiB"
          f" ({min(m)/1024:.0f}–{max(m)/1024:.0f})  runs {len(v)}")
PY
