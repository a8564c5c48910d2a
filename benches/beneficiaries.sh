#!/usr/bin/env bash
# Benchmark: a 100,000-row beneficiary list (50 groups) built with the release binary.
# Prints wall time, peak RSS and the largest HTML page for the first build, then for a
# rebuild after one household is removed (the change history then diffs 100,000 rows on
# every build). Target: ≤ 2 s, ≤ 300 MiB, no HTML page above 150 KB.
# Usage: benches/beneficiaries.sh [ROWS]
# CONGKHAI=path/to/binary uses that binary; otherwise the release build of this checkout.
set -euo pipefail
ROWS="${1:-100000}"
REPO="$(cd "$(dirname "$0")/.." && pwd)"
SITE="$(mktemp -d)"
trap 'rm -rf "$SITE"' EXIT
if [ -n "${CONGKHAI:-}" ]; then
  cp "$CONGKHAI" "$SITE/congkhai-bin"
else
  export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$REPO/target}"
  (cd "$REPO" && cargo build --release --quiet)
  cp "$CARGO_TARGET_DIR/release/congkhai" "$SITE/congkhai-bin"
fi
BIN="$SITE/congkhai-bin"
mkdir -p "$SITE/content/ho-tro" "$SITE/data/ho-tro"
cat > "$SITE/config.toml" <<'TOML'
base_url = "https://phuong.example.vn"
title = "Đo hiệu năng"
theme = "congkhai"
[ward]
name = "Phường Đo Thử"
[approval]
exempt = ["_index.md", "ho-tro/_index.md"]
TOML
printf '+++\ntitle = "Trang chủ"\n+++\n' > "$SITE/content/_index.md"
printf '+++\ntitle = "Hỗ trợ"\n+++\n' > "$SITE/content/ho-tro/_index.md"
APPROVAL='[approval]
by = "Trần Văn Mẫu"
role = "Chủ tịch UBND phường"
decision = "Quyết định số 1/QĐ-UBND"
date = 2026-06-01'
cat > "$SITE/content/ho-tro/chuong-trinh.md" <<MD
+++
title = "Hỗ trợ hộ nghèo"
kind = "programme"
[record]
legal_basis = "Nghị quyết số 04/2026/NQ-HĐND"
eligible = "Hộ nghèo, hộ cận nghèo"
categories = ["Hộ nghèo", "Hộ cận nghèo", "Hộ thoát nghèo", "Hộ thoát cận nghèo"]
period = "2026–2030"
office = "Phòng Văn hóa – Xã hội"
$APPROVAL
+++
MD
cat > "$SITE/content/ho-tro/danh-sach.md" <<MD
+++
title = "Danh sách đo hiệu năng"
kind = "beneficiary_list"
publish_from = 2026-11-01
publish_until = 2026-12-31
[record]
programme = "@/ho-tro/chuong-trinh.md"
list = "data/ho-tro/danh-sach.csv"
private = ["Số CCCD"]
$APPROVAL
+++
MD
python3 - "$SITE" "$ROWS" <<'PY'
import sys, random
site, rows = sys.argv[1], int(sys.argv[2])
random.seed(1)
groups = [f"Tổ dân phố số {i}" for i in range(1, 51)]
with open(f"{site}/data/ho-tro/to-dan-pho.csv", "w", encoding="utf-8") as f:
    f.write("Tên tổ dân phố\n" + "\n".join(groups) + "\n")
ho = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô"]
dem = ["Văn", "Thị", "Minh", "Ngọc", "Đức", "Thu"]
ten = ["An", "Bình", "Chi", "Dũng", "Hà", "Hải", "Lan", "Long", "Mai", "Nam", "Sơn", "Yến"]
cats = [("Hộ nghèo", "1.500.000"), ("Hộ cận nghèo", "1.000.000"), ("Hộ thoát nghèo", "700.000"), ("Hộ thoát cận nghèo", "500.000")]
with open(f"{site}/data/ho-tro/danh-sach.csv", "w", encoding="utf-8") as f:
    f.write("STT,Họ và tên,Tổ dân phố,Diện,Nội dung hỗ trợ,Số tiền,Từ ngày,Đến ngày,Ghi chú,Số CCCD\n")
    for i in range(1, rows + 1):
        # Unique names: a serial syllable keeps rows distinct within a group.
        name = f"{random.choice(ho)} {random.choice(dem)} {random.choice(ten)} {i}"
        c, a = random.choice(cats)
        f.write(f"{i},{name},{groups[i % 50]},{c},Hỗ trợ thu nhập,\"{a}\",01/07/2026,31/12/2026,,RIENG-{i}\n")
PY
echo "site: $SITE ($ROWS rows, $(du -h "$SITE/data/ho-tro/danh-sach.csv" | cut -f1) CSV)"
/usr/bin/time -v "$BIN" --root "$SITE" build --now 2026-11-23 2> "$SITE/time.txt" >/dev/null || { cat "$SITE/time.txt"; exit 1; }
grep -E "Elapsed \(wall clock\)|Maximum resident set size" "$SITE/time.txt"
awk '/Maximum resident/ {printf "peak RSS: %.1f MiB\n", $6/1024}' "$SITE/time.txt"
echo "HTML pages: $(find "$SITE/public" -name '*.html' | wc -l)"
find "$SITE/public" -name '*.html' -printf '%s %P\n' | sort -n | tail -1 | awk '{printf "largest HTML page: %.1f KB (%s)\n", $1/1024, $2}'
if grep -rq "RIENG-" "$SITE/public"; then echo "PRIVATE COLUMN LEAKED"; exit 1; fi
# A correction: one household removed, built the next day. From now on every build diffs
# the two versions for the change history.
sed -i '500d' "$SITE/data/ho-tro/danh-sach.csv"
/usr/bin/time -v "$BIN" --root "$SITE" build --now 2026-11-24 2> "$SITE/time2.txt" >/dev/null || { cat "$SITE/time2.txt"; exit 1; }
echo "after a correction (row diff of 100,000 rows in the change history):"
grep -E "Elapsed \(wall clock\)" "$SITE/time2.txt"
awk '/Maximum resident/ {printf "peak RSS: %.1f MiB\n", $6/1024}' "$SITE/time2.txt"
find "$SITE/public" -name '*.html' -printf '%s %P\n' | sort -n | tail -1 | awk '{printf "largest HTML page: %.1f KB (%s)\n", $1/1024, $2}'
if grep -rq "RIENG-" "$SITE/public"; then echo "PRIVATE COLUMN LEAKED"; exit 1; fi
