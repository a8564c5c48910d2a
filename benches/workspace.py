#!/usr/bin/env python3
"""Province workspace benchmark (issue 18): N generated communes, `build --all` timed.

usage:
  workspace.py make OUT [--communes N] [--pages P] [--rows R] [--bin CONGKHAI]
  workspace.py time OUT [--runs K] [--bin CONGKHAI] [--per-site]
  workspace.py incremental OUT [--runs K] [--bin CONGKHAI]
  workspace.py run [--communes N] [--pages P] [--rows R] [--runs K] [--bin CONGKHAI]

make: OUT/congkhai.toml and OUT/sites/xa-NNN/ for N communes (default 126, Hà Nội's
      commune-level units). Each commune is the `congkhai init` starter (its consultation,
      service-day schedule, warning, programme…) grown to ~P pages (default 300: approved
      notices with headings, prose, a table and a link) and a beneficiary list of R rows
      (default 2,000). Fixed seed: the same input every time. The communes use the
      workspace's shared theme (the built-in one); the province portal is on.
time: `congkhai --root OUT build --all --force --now 2026-11-23` K times (default 3)
      under /usr/bin/time -v: full builds (--force: no incremental cache, every page
      rendered); prints each run, then the median and range of the wall time, CPU time
      and peak RSS, and the load average before and after (the machine may be shared).
      --per-site: each site with its own `build --force` instead (for a binary without
      --all).
incremental: the nightly case. Setup (not timed in the summary): `publish --all` when
      the communes have no history yet (a portal's build is cached only once its output
      is the published one), then one `build --all` after it or when they have no cache
      yet (it fingerprints every commune). Then
      `build --all` once with nothing changed, and K times with one changed record (a new
      approved notice in one commune, xa-038; published pages cannot be edited without
      a correction note): that commune is built, the other 125 skipped by the
      incremental cache (the script checks it).
run:  make on tmpfs (/dev/shm when writable, else $TMPDIR), time, incremental, delete.

CONGKHAI (or --bin) is the binary; default target/release/congkhai, else target/debug.
Target: 126 communes, 2 cores: build --all <= 20 s and <= 1 GiB peak.
"""
import argparse
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile

NOW = "2026-11-23"
HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

WORDS = (
    "ủy ban nhân dân xã thông báo kế hoạch lấy ý kiến cử tri về việc sắp xếp thôn "
    "hộ gia đình đại diện đồng ý chưa đồng ý biên bản hội nghị nhà văn hóa trợ cấp "
    "xã hội người cao tuổi hộ nghèo cận nghèo bảo hiểm y tế thủ tục hành chính ngày "
    "phục vụ lưu động cảnh giác lừa đảo công khai minh bạch giám sát mặt trận tổ quốc"
).split()
SURNAMES = "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý".split()
MIDDLE = "Văn Thị Hữu Đức Minh Thanh Ngọc Quang Xuân Thu Kim Gia".split()
GIVEN = (
    "An Bình Chi Dũng Giang Hà Hải Hạnh Hòa Hùng Hương Khánh Lan Linh Long Mai Nam "
    "Nga Nhung Phong Phúc Quân Sơn Tâm Thảo Thắng Trang Tuấn Vinh Yến"
).split()

APPROVAL = (
    '[approval]\nby = "Nguyễn Văn Mẫu"\nrole = "Chủ tịch UBND xã"\n'
    'decision = "Quyết định số 01/QĐ-UBND ngày 01/6/2026"\ndate = 2026-06-01\n'
)


def sentence(rng, n):
    text = " ".join(rng.choice(WORDS) for _ in range(n))
    return text[0].upper() + text[1:] + "."


def notice(rng, k, pages):
    table = "\n".join(
        f"| {r} | Thôn {rng.randint(1, 2)} | {rng.randint(20, 600)} | {rng.randint(40, 100)}% |"
        for r in range(1, 7)
    )
    other = (k + 1) % pages
    day = 1 + k % 28
    month = 1 + (k // 28) % 10
    return (
        f'+++\ntitle = "Thông báo số {k + 1}/TB-UBND"\ndate = 2026-{month:02d}-{day:02d}\n'
        f"{APPROVAL}+++\n## Nội dung\n\n{sentence(rng, 50)}\n\n- {sentence(rng, 10)}\n"
        f"- Xem thêm [thông báo {other + 1}](@/van-ban/tb-{other:04d}.md)\n\n"
        "### Số liệu\n\n| STT | Thôn | Số hộ | Tỷ lệ |\n|---|---|---|---|\n"
        f"{table}\n\n{sentence(rng, 60)}\n"
    )


def find_bin(given):
    for b in [given, os.environ.get("CONGKHAI")]:
        if b:
            return b
    for b in ["target/release/congkhai", "target/debug/congkhai"]:
        p = os.path.join(HERE, b)
        if os.path.exists(p):
            return p
    sys.exit("congkhai binary not found: build it or pass --bin")


def make(out, communes, pages, rows, binary):
    combos = len(SURNAMES) * len(MIDDLE) * len(GIVEN)
    if rows > combos:
        sys.exit(f"at most {combos} rows (distinct names)")
    if os.path.exists(out) and os.listdir(out):
        sys.exit(f"{out} exists and is not empty")
    rng = random.Random(2026)
    subprocess.run(
        [binary, "init", "--workspace", out, "--province", "Thành phố Hà Nội"],
        check=True, stderr=subprocess.DEVNULL,
    )
    with open(os.path.join(out, "congkhai.toml"), "w", encoding="utf-8") as f:
        f.write(
            '[workspace]\nname = "Thành phố Hà Nội"\ntheme = "congkhai"\n\n[rules]\n\n'
            '[province]\nbase_url = "https://congkhai.hanoi.example.vn"\n'
        )
    starter = os.path.join(out, ".starter")
    subprocess.run(
        [binary, "init", starter, "--name", "Xã Mẫu", "--province", "Thành phố Hà Nội"],
        check=True, stderr=subprocess.DEVNULL,
    )
    shutil.rmtree(os.path.join(starter, "themes"))
    existing = sum(len(fs) for _, _, fs in os.walk(os.path.join(starter, "content")))
    for i in range(communes):
        name = f"xa-{i + 1:03d}"
        site = os.path.join(out, "sites", name)
        shutil.copytree(starter, site)
        cfg_path = os.path.join(site, "config.toml")
        with open(cfg_path, encoding="utf-8") as f:
            cfg = f.read()
        cfg = re.sub(r"^base_url = .*$", f'base_url = "https://{name}.example.gov.vn"', cfg, count=1, flags=re.M)
        with open(cfg_path, "w", encoding="utf-8") as f:
            f.write(cfg)
        # The beneficiary list: R rows, its declared total to match.
        lines = ["STT,Họ và tên,Thôn,Diện,Số tiền"]
        for r in range(rows):
            # Distinct names (a repeated name is refused as a possible double payment):
            # r → a permutation of every surname × middle × given name combination.
            c = (r * 7919 + i * 131) % (len(SURNAMES) * len(MIDDLE) * len(GIVEN))
            person = (
                f"{SURNAMES[c % len(SURNAMES)]} {MIDDLE[c // len(SURNAMES) % len(MIDDLE)]} "
                f"{GIVEN[c // (len(SURNAMES) * len(MIDDLE))]}"
            )
            kind = "Hộ nghèo" if r % 3 else "Hộ cận nghèo"
            lines.append(f"{r + 1},{person},Thôn {1 + r % 2},{kind},250.000")
        with open(os.path.join(site, "data/ho-tro/danh-sach.csv"), "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
        md = os.path.join(site, "content/ho-tro/danh-sach-mau.md")
        with open(md, encoding="utf-8") as f:
            text = f.read()
        text = re.sub(r"declared_total_vnd = \d+", f"declared_total_vnd = {rows * 250000}", text)
        with open(md, "w", encoding="utf-8") as f:
            f.write(text)
        extra = max(pages - existing, 0)
        for k in range(extra):
            with open(os.path.join(site, f"content/van-ban/tb-{k:04d}.md"), "w", encoding="utf-8") as f:
                f.write(notice(rng, k, extra))
    shutil.rmtree(starter)


def loadavg():
    try:
        with open("/proc/loadavg") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return "?"


def time_runs(out, runs, binary, per_site=False):
    walls, rss, cpus = [], [], []
    if per_site:
        # A binary without `--all` (an older release build): every site on its own,
        # one process per core at a time. GNU time's peak is then the largest single
        # site's; two run at once. No province portal, no shared template parse.
        cmd = [
            "/usr/bin/time", "-v", "sh", "-c",
            f'ls "$0/sites" | xargs -P {os.cpu_count()} -I{{}} "$1" --root "$0/sites/{{}}" build --force --now {NOW}',
            out, binary,
        ]
    else:
        cmd = ["/usr/bin/time", "-v", binary, "--root", out, "build", "--all", "--force", "--now", NOW]
    for n in range(runs):
        timed(cmd, walls, rss, cpus, f"run {n + 1}")
    summary("build --all --force" + (" (per site, xargs)" if per_site else ""), walls, rss, cpus, binary)


def timed(cmd, walls, rss, cpus, label):
    """Run cmd (under /usr/bin/time -v), record its wall, peak RSS and CPU; its stderr."""
    before = loadavg()
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.stderr.write(p.stderr[-4000:])
        sys.exit(f"{label}: {' '.join(cmd[2:])} failed")
    wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", p.stderr)
    h, m, s = wall.group(1), wall.group(2), wall.group(3)
    seconds = int(h or 0) * 3600 + int(m) * 60 + float(s)
    kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr).group(1))
    user = float(re.search(r"User time \(seconds\): ([\d.]+)", p.stderr).group(1))
    system = float(re.search(r"System time \(seconds\): ([\d.]+)", p.stderr).group(1))
    walls.append(seconds)
    rss.append(kb / 1024)
    cpus.append(user + system)
    print(
        f"{label}: {seconds:.2f} s wall, {user + system:.2f} s CPU (user+sys), "
        f"{kb / 1024:.0f} MiB peak (load {before} → {loadavg()})",
        flush=True,
    )
    return p.stderr


def summary(what, walls, rss, cpus, binary):
    print(
        f"{what}: median {statistics.median(walls):.2f} s "
        f"(range {min(walls):.2f}–{max(walls):.2f}), peak RSS median "
        f"{statistics.median(rss):.0f} MiB (range {min(rss):.0f}–{max(rss):.0f}); CPU median "
        f"{statistics.median(cpus):.2f} s (range {min(cpus):.2f}–{max(cpus):.2f}; on an idle "
        f"machine wall ≈ CPU / cores); {os.cpu_count()} cores; binary {binary}",
        flush=True,
    )


def incremental_runs(out, runs, binary):
    cmd = ["/usr/bin/time", "-v", binary, "--root", out, "build", "--all", "--now", NOW]
    sites = sorted(d for d in os.listdir(os.path.join(out, "sites")) if not d.startswith("."))
    first = os.path.join(out, "sites", sites[0])
    published = False
    if not os.path.isdir(os.path.join(first, "history")) or not any(
        f.endswith(".json") for f in os.listdir(os.path.join(first, "history"))
    ):
        # The nightly job publishes: a commune's build is cached (skippable) once its
        # output is the published one (an unpublished change is rebuilt every time).
        timed(
            ["/usr/bin/time", "-v", binary, "--root", out, "publish", "--all", "--now", NOW],
            [], [], [], "publish --all (setup, not counted)",
        )
        published = True
    if published or not os.path.exists(os.path.join(first, ".congkhai-cache-public")):
        # A first publication (fresh outputs) leaves caches that cannot match: one
        # build fingerprints every commune.
        timed(cmd, [], [], [], "build --all (setup, not counted)")
    w, r, c = [], [], []
    timed(cmd, w, r, c, "nothing changed (126 skipped)" if len(sites) == 126 else "nothing changed")
    walls, rss, cpus = [], [], []
    # One changed record each run, always in the same commune: a new approved notice
    # (a published page may not be edited without a correction note): that commune is
    # built, the others skipped.
    site = sites[37 % len(sites)]
    for n in range(runs):
        name = f"moi-{os.getpid()}-{n + 1}.md"
        path = os.path.join(out, "sites", site, "content", "van-ban", name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(
                f'+++\ntitle = "Thông báo bổ sung số {n + 1}/TB-UBND"\ndate = 2026-11-23\n'
                f'{APPROVAL}+++\nỦy ban nhân dân xã thông báo bổ sung lần {n + 1} theo ý kiến của cử tri.\n'
            )
        err = timed(cmd, walls, rss, cpus, f"run {n + 1} ({site}/content/van-ban/{name} added)")
        built = [l.split()[0] for l in err.splitlines() if re.match(r"^xa-\d+\s+xong\b", l)]
        if built != [site]:
            sys.exit(f"expected only {site} to be built, got {built}")
    summary("build --all, one record changed in one commune", walls, rss, cpus, binary)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("command", choices=["make", "time", "incremental", "run"])
    ap.add_argument("out", nargs="?")
    ap.add_argument("--communes", type=int, default=126)
    ap.add_argument("--pages", type=int, default=300)
    ap.add_argument("--rows", type=int, default=2000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--bin")
    ap.add_argument("--per-site", action="store_true", help="time each site on its own (xargs -P cores) instead of build --all")
    a = ap.parse_args()
    binary = find_bin(a.bin)
    if a.command == "make":
        if not a.out:
            sys.exit("make needs OUT")
        make(a.out, a.communes, a.pages, a.rows, binary)
    elif a.command == "time":
        if not a.out:
            sys.exit("time needs OUT")
        time_runs(a.out, a.runs, binary, a.per_site)
    elif a.command == "incremental":
        if not a.out:
            sys.exit("incremental needs OUT")
        incremental_runs(a.out, a.runs, binary)
    else:
        base = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None
        work = tempfile.mkdtemp(prefix="congkhai-workspace-", dir=base)
        try:
            out = os.path.join(work, "tinh")
            make(out, a.communes, a.pages, a.rows, binary)
            print(
                f"{a.communes} communes × ~{a.pages} pages, {a.rows}-row lists, in {out} "
                f"({'tmpfs' if base else 'disk'})"
            )
            time_runs(out, a.runs, binary, a.per_site)
            if not a.per_site:
                incremental_runs(out, a.runs, binary)
        finally:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
