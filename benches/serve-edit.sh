#!/usr/bin/env bash
# Serve benchmark (issue: "in serve, one edited page is rebuilt and reloaded in ≤ 100 ms
# on the 10,000-page site"): start `congkhai serve` on the 10,000-page corpus, append a
# line to one page body EDITS times, and report the median of
#   - the rebuild time serve prints ("Đã tạo lại 1 trang (N ms)"), and
#   - the wall time from writing the file to the server returning the new text (this adds
#     serve's 50 ms event debounce and the 5 ms polling step of this script).
# Each edit waits for the follow-up full build serve runs 1 s after an edit, so edits are
# measured one at a time, as a person edits; then EDITS more edits 1.2 s apart, each
# landing while the previous edit's follow-up build runs on another thread.
#
#   bash benches/serve-edit.sh                      # 10,000 pages, 5 edits
#   CONGKHAI=target/debug/congkhai PAGES=1000 bash benches/serve-edit.sh
#
# Needs: python3 and a built binary (CONGKHAI, default target/release/congkhai:
# cargo build --release). The corpus and serve's output go on tmpfs (/dev/shm) if any.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
case "${1:-}" in -h|--help) sed -n '2,16p' "$0"; exit 0 ;; esac
PAGES="${PAGES:-10000}"
SECTIONS="${SECTIONS:-20}"
EDITS="${EDITS:-5}"
ck="${CONGKHAI:-$here/target/release/congkhai}"
[ -x "$ck" ] || { echo "binary not found: $ck (cargo build --release, or set CONGKHAI)" >&2; exit 2; }
CORPUS_SCRIPT="${CORPUS_SCRIPT:-$here/../shared/bench/make_corpus.py}"
[ -f "$CORPUS_SCRIPT" ] || CORPUS_SCRIPT=/work/shared/bench/make_corpus.py
[ -f "$CORPUS_SCRIPT" ] || { echo "make_corpus.py not found (set CORPUS_SCRIPT)" >&2; exit 2; }

shm=/dev/shm
[ -d "$shm" ] && [ -w "$shm" ] || shm="${TMPDIR:-/tmp}"
work="$(mktemp -d "$shm/congkhai-serve-bench.XXXXXX")"
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

python3 "$CORPUS_SCRIPT" "$work/c" "$PAGES" "$SECTIONS" >/dev/null
site="$work/c/zola"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
echo "machine: $(nproc) cores, $(uname -m), work dir $work ($(df -h --output=fstype "$work" | tail -1 | tr -d ' '))"
echo "corpus: $PAGES pages, $SECTIONS sections; binary $ck; $EDITS edits"

# serve's temporary output directory goes on the same tmpfs.
TMPDIR="$work" "$ck" --root "$site" serve --port "$port" --now 2026-11-23 \
  >/dev/null 2>"$work/serve.log" &
pid=$!

python3 - "$work/serve.log" "$port" "$site/content/muc-0/van-ban-0.md" "$EDITS" <<'PY'
import re, socket, statistics, sys, time

log, port, page, edits = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
FAST = re.compile(r"Đã tạo lại (\d+) trang \((\d+) ms\)")
FULL = "Đã tạo lại toàn bộ"

def text():
    with open(log, encoding="utf-8", errors="replace") as f:
        return f.read()

def wait(cond, what, timeout=300):
    start = time.monotonic()
    while not cond():
        if time.monotonic() - start > timeout:
            sys.exit(f"timed out waiting for {what}; serve said:\n{text()[-3000:]}")
        time.sleep(0.005)

def get(path):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
            s.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
            chunks = []
            while True:
                b = s.recv(65536)
                if not b:
                    break
                chunks.append(b)
            return b"".join(chunks).decode("utf-8", "replace")
    except OSError:
        return ""

t0 = time.monotonic()
wait(lambda: "Đang phục vụ tại" in text(), "the first build")
first = re.search(r"Đã tạo lại trang: (\d+) trang \((\d+) ms\)", text())
print(f"first full build: {first.group(2) if first else '?'} ms (serve ready after {time.monotonic() - t0:.1f} s)")

url = "/muc-0/van-ban-0/"
rebuild_ms, served_ms, full_ms = [], [], []
for n in range(edits):
    fast_before = len(FAST.findall(text()))
    full_before = text().count(FULL)
    marker = f"Dòng sửa thử số {n} {time.time_ns()}."
    start = time.monotonic()
    with open(page, "a", encoding="utf-8") as f:
        f.write(f"\n{marker}\n")
    wait(lambda: marker in get(url), f"edit {n} to be served")
    served_ms.append((time.monotonic() - start) * 1000)
    wait(lambda: len(FAST.findall(text())) > fast_before, f"edit {n} rebuild line")
    pages, ms = FAST.findall(text())[-1]
    if pages != "1":
        sys.exit(f"expected a single-page rebuild, serve said {pages} pages:\n{text()[-2000:]}")
    rebuild_ms.append(int(ms))
    wait(lambda: text().count(FULL) > full_before, f"edit {n} follow-up full build")
    m = re.findall(r"Đã tạo lại toàn bộ[^:]*: \d+ trang \((\d+) ms\)", text())
    if m:
        full_ms.append(int(m[-1]))

def show(label, xs, unit="ms"):
    print(f"{label:<44} median {statistics.median(xs):7.0f} {unit}   runs: {' '.join(f'{x:.0f}' for x in xs)}")

# Edits 1.2 s apart: each lands while the follow-up full build of the previous one runs
# (it starts 1 s after an edit), which must not hold the edit up.
busy_ms, busy_rebuild = [], []
for n in range(edits):
    time.sleep(1.2)
    fast_before = len(FAST.findall(text()))
    marker = f"Dòng sửa trong lúc tạo lại toàn bộ {n} {time.time_ns()}."
    start = time.monotonic()
    with open(page, "a", encoding="utf-8") as f:
        f.write(f"\n{marker}\n")
    wait(lambda: marker in get(url), f"busy edit {n} to be served")
    busy_ms.append((time.monotonic() - start) * 1000)
    wait(lambda: len(FAST.findall(text())) > fast_before, f"busy edit {n} rebuild line")
    busy_rebuild.append(int(FAST.findall(text())[-1][1]))

show("rebuild of the edited page (printed by serve)", rebuild_ms)
show("file written -> new text served", served_ms)
if full_ms:
    show("follow-up full build (in the background)", full_ms)
show("same, edit during a follow-up: rebuild", busy_rebuild)
show("same, edit during a follow-up: served", busy_ms)
PY
