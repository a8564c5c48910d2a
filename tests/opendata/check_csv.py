"""Every published CSV opens with Python's csv module: UTF-8 with a BOM, one header row
whose names are Vietnamese titles (no machine names such as `full_name`), every row as
wide as the header."""
import csv
import os
import pathlib
import re
import sys
import unicodedata

public = pathlib.Path(os.environ["PUBLIC"])
failed = 0
files = sorted(p for p in public.rglob("*.csv") if "lich-su" not in p.parts)
if not files:
    print("FAIL - no CSV file in the demo output")
    sys.exit(1)
machine = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)+$|^[a-z]+$")
for path in files:
    rel = path.relative_to(public)
    raw = path.read_bytes()
    problems = []
    if not raw.startswith(b"\xef\xbb\xbf"):
        problems.append("no UTF-8 BOM (Excel would garble the diacritics)")
    text = raw.decode("utf-8-sig")
    if unicodedata.normalize("NFC", text) != text:
        problems.append("not NFC")
    rows = list(csv.reader(text.splitlines()))
    header = rows[0] if rows else []
    bad = [h for h in header if machine.match(h)]
    if bad:
        problems.append(f"machine column names {bad}")
    if not any(any(ord(c) > 127 for c in h) for h in header):
        problems.append(f"no Vietnamese column title in {header}")
    ragged = [i + 2 for i, r in enumerate(rows[1:]) if len(r) != len(header)]
    if ragged:
        problems.append(f"rows {ragged[:5]} differ in width from the header")
    if problems:
        failed += 1
        print(f"FAIL - {rel}: " + "; ".join(problems))
    else:
        print(f"ok   - {rel}: {len(rows) - 1} rows, headers {header[:3]}…")
sys.exit(1 if failed else 0)
