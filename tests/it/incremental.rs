//! Incremental builds (docs/incremental.md): a rebuild over an existing output writes
//! only the files whose bytes change and gives exactly the output of a full build; an
//! unchanged site is skipped; a damaged cache gives a warning and a full build.
use crate::common;
use common::*;

use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

const NOW: &str = "2026-11-23";

/// Inode of every file under `dir`, by relative path.
fn inodes(dir: &Path) -> BTreeMap<String, u64> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .expect("prefix")
                .to_string_lossy()
                .into_owned();
            (rel, e.metadata().expect("meta").ino())
        })
        .collect()
}

/// The same sources built from scratch in another folder with `--force`.
fn full_build(site: &Site) -> BTreeMap<String, Vec<u8>> {
    let fresh = tempfile::tempdir().expect("tmp");
    for d in [
        "content",
        "data",
        "themes",
        "static",
        "templates",
        "history",
        "ngoai",
    ] {
        let src = site.path().join(d);
        if src.is_dir() {
            copy_dir(&src, &fresh.path().join(d));
        }
    }
    std::fs::copy(
        site.path().join("config.toml"),
        fresh.path().join("config.toml"),
    )
    .expect("config");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_congkhai"))
        .args(["--root", fresh.path().to_str().expect("utf8")])
        .args(["build", "--force", "--now", NOW])
        .output()
        .expect("run");
    assert!(out.status.success(), "full build: {}", stderr(&out));
    snapshot(&fresh.path().join("public"))
}

/// A small deterministic generator (xorshift), so a failure names its seed and step.
struct Rng(u64);
impl Rng {
    fn next(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

const APPROVAL: &str = "[approval]\nby = \"Phạm Quang Thái\"\nrole = \"Chủ tịch UBND phường\"\ndecision = \"Quyết định số 205/QĐ-UBND ngày 08/6/2026 của UBND phường Hòa An\"\ndate = 2026-06-08\n";

const PAGES: [&str; 3] = [
    "content/gioi-thieu.md",
    "content/canh-bao/cach-nhan-biet.md",
    "content/lich-ho-tro/nha-van-hoa.md",
];

/// Apply edit `kind` (step `n`) to the demo; returns what it did, for messages.
fn edit(site: &Site, kind: usize, n: usize, rng: &mut Rng) -> String {
    match kind {
        0 => {
            let p = PAGES[rng.next(PAGES.len())];
            let mut text = site.read(p);
            text.push_str(&format!("\nĐoạn bổ sung số {n} cho trang này.\n"));
            site.write(p, text);
            format!("body of {p}")
        }
        1 => {
            let p = PAGES[rng.next(PAGES.len())];
            let text = site
                .read(p)
                .replacen("title = \"", &format!("title = \"({n}) "), 1);
            site.write(p, text);
            format!("title of {p}")
        }
        2 => {
            let p = "data/lich-ho-tro/lich.csv";
            let text = site.read(p);
            let old = text
                .split("Ngõ ")
                .nth(1)
                .and_then(|r| r.split(' ').next())
                .expect("a lane number")
                .to_string();
            let text = text.replacen(&format!("Ngõ {old} "), &format!("Ngõ {} ", 20 + n), 1);
            site.write(p, text);
            format!("a row of {p}")
        }
        3 => {
            let p = format!("content/moi-{n}.md");
            site.write(
                &p,
                format!(
                    "+++\ntitle = \"Cảnh báo mới số {n}\"\ndate = 2026-11-0{}\n\n{APPROVAL}+++\n\nNội dung cảnh báo số {n}.\n",
                    1 + n % 9
                ),
            );
            format!("new page {p}")
        }
        4 => {
            // Delete a page this test added (nothing links to it), else add one.
            let added: Vec<_> = std::fs::read_dir(site.path().join("content"))
                .expect("ls")
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|f| f.starts_with("moi-"))
                .collect();
            match added.first() {
                Some(f) => {
                    std::fs::remove_file(site.path().join("content").join(f)).expect("rm");
                    format!("deleted content/{f}")
                }
                None => edit(site, 3, n, rng),
            }
        }
        _ => {
            let text = site.read("config.toml").replacen(
                "description = \"",
                &format!("description = \"({n}) "),
                1,
            );
            site.write("config.toml", text);
            "config.toml description".into()
        }
    }
}

/// Paths whose bytes differ between two snapshots (the snapshots are too big to print).
fn differing(a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>) -> Vec<String> {
    let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| a.get(*k) != b.get(*k))
        .cloned()
        .collect()
}

/// The property: after any sequence of edits (each kind once per round, in a random
/// order, on random pages), the incremental build's output is byte for byte the full
/// build's, and every file whose bytes did not change kept its inode.
#[test]
fn random_edits_give_the_output_of_a_full_build() {
    let site = Site::demo();
    site.preview_ok(NOW);
    let public = site.path().join("public");
    let seed = 0x9e37_79b9_7f4a_7c15_u64;
    let mut rng = Rng(seed);
    let mut kinds: Vec<usize> = (0..6).collect();
    for i in (1..kinds.len()).rev() {
        let j = rng.next(i + 1);
        kinds.swap(i, j);
    }
    for (n, kind) in kinds.into_iter().enumerate() {
        let before = snapshot(&public);
        let before_ino = inodes(&public);
        let what = edit(&site, kind, n, &mut rng);
        site.preview_ok(NOW);
        let after = snapshot(&public);
        let diff = differing(&after, &full_build(&site));
        assert!(
            diff.is_empty(),
            "seed {seed:x}, step {n} ({what}): incremental output differs from a full build in {diff:?}"
        );
        let after_ino = inodes(&public);
        let mut kept = 0;
        for (rel, bytes) in &after {
            if rel == ".congkhai-output" || before.get(rel) != Some(bytes) {
                continue;
            }
            if before_ino.contains_key(rel) {
                assert_eq!(
                    before_ino.get(rel),
                    after_ino.get(rel),
                    "seed {seed:x}, step {n} ({what}): {rel} unchanged but rewritten"
                );
                kept += 1;
            }
        }
        assert!(kept > 100, "step {n} ({what}): only {kept} files kept");
        assert!(
            !differing(&before, &after).is_empty(),
            "step {n} ({what}) changed nothing"
        );
    }
}

const PLAIN: &str = "base_url = \"https://example.vn\"\ntitle = \"Trang thử\"\n";

fn plain_site() -> Site {
    let site = Site::new(PLAIN);
    site.write("templates/index.html", "<h1>{{ config.title }}</h1>");
    site.write(
        "templates/page.html",
        "<p>{{ page.title }}</p>{{ page.content | safe }}",
    );
    site.write(
        "content/a.md",
        "+++\ntitle = \"Trang A\"\ndate = 2026-01-01\n+++\nChào.\n",
    );
    site
}

fn build(site: &Site, extra: &[&str]) -> String {
    let mut args = vec!["build", "--now", NOW];
    args.extend_from_slice(extra);
    let out = site.run(&args);
    assert!(out.status.success(), "{}", stderr(&out));
    stderr(&out)
}

/// An unchanged site is not built again; any change to its inputs or its output is.
#[test]
fn an_unchanged_site_is_skipped_and_any_change_rebuilds_it() {
    let site = plain_site();
    let public = site.path().join("public");
    let skipped = |err: &str| err.contains("Không có gì thay đổi");
    // The first build has nothing to keep; the second fingerprints the inputs.
    assert!(!skipped(&build(&site, &[])));
    assert!(!skipped(&build(&site, &[])));
    let good = snapshot(&public);
    let err = build(&site, &[]);
    assert!(skipped(&err), "{err}");
    assert!(differing(&snapshot(&public), &good).is_empty());
    // --force never skips, and writes every file anew.
    let ino = inodes(&public);
    assert!(!skipped(&build(&site, &["--force"])));
    assert!(differing(&snapshot(&public), &good).is_empty());
    assert_ne!(inodes(&public).get("a/index.html"), ino.get("a/index.html"));
    // Another build date.
    let out = site.run(&["build", "--now", "2026-11-24"]);
    assert!(!stderr(&out).contains("Không có gì thay đổi"));
    build(&site, &[]);
    assert!(skipped(&build(&site, &[])));
    // A page edited (same size, other bytes).
    site.write(
        "content/a.md",
        "+++\ntitle = \"Trang B\"\ndate = 2026-01-01\n+++\nChào.\n",
    );
    assert!(!skipped(&build(&site, &[])));
    let doc = site.html("public/a/index.html");
    assert_eq!(texts(&doc, "p"), ["Trang B", "Chào."]);
    assert!(skipped(&build(&site, &[])));
    // A template.
    site.write("templates/index.html", "<h2>{{ config.title }}</h2>");
    assert!(!skipped(&build(&site, &[])));
    assert_eq!(texts(&site.html("public/index.html"), "h2"), ["Trang thử"]);
    // The output touched by hand: rebuilt, and the file is right again.
    assert!(skipped(&build(&site, &[])));
    let good = snapshot(&public);
    std::fs::write(public.join("index.html"), "hỏng").expect("write");
    assert!(!skipped(&build(&site, &[])));
    assert!(differing(&snapshot(&public), &good).is_empty());
    // The cache lives beside the output, never inside it.
    assert!(site.path().join(".congkhai-cache-public").is_file());
    assert!(!snapshot(&public).keys().any(|k| k.contains("cache")));
}

/// Input files older than the racy window are trusted by their stat stamp (size,
/// times, inode): a skipped build reads none of them. Any write, even of the same bytes
/// with the old modification time put back, is still seen.
#[test]
fn old_inputs_are_trusted_by_their_stat_and_any_write_is_seen() {
    let site = plain_site();
    let skipped = |err: &str| err.contains("Không có gì thay đổi");
    let trusted = |err: &str| err.contains("inputs unchanged by their stat stamp");
    let timed = |site: &Site| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_congkhai"))
            .args(["--root"])
            .arg(site.path())
            .args(["build", "--now", NOW])
            .env("CONGKHAI_TIMINGS", "1")
            .output()
            .expect("run");
        assert!(out.status.success(), "{}", stderr(&out));
        stderr(&out)
    };
    assert!(!skipped(&build(&site, &[])));
    assert!(!skipped(&build(&site, &[])));
    // Just written: every file is within the racy window, its contents decide.
    let err = timed(&site);
    assert!(skipped(&err) && !trusted(&err), "{err}");
    // Older than the window (3 s): the stat stamp is recorded, then trusted.
    std::thread::sleep(std::time::Duration::from_millis(3300));
    let err = timed(&site);
    assert!(skipped(&err), "{err}");
    let err = timed(&site);
    assert!(skipped(&err) && trusted(&err), "{err}");
    let good = snapshot(&site.path().join("public"));
    // The same size, other bytes, the old modification time put back (as `touch -r`
    // or an unzip would): the change time still moves.
    let page = site.path().join("content/a.md");
    let mtime = std::fs::metadata(&page)
        .and_then(|m| m.modified())
        .expect("mtime");
    site.write(
        "content/a.md",
        "+++\ntitle = \"Trang C\"\ndate = 2026-01-01\n+++\nChào.\n",
    );
    std::fs::File::options()
        .write(true)
        .open(&page)
        .and_then(|f| f.set_modified(mtime))
        .expect("set mtime");
    let err = timed(&site);
    assert!(!skipped(&err) && !trusted(&err), "{err}");
    assert_eq!(
        texts(&site.html("public/a/index.html"), "p"),
        ["Trang C", "Chào."]
    );
    assert!(!differing(&snapshot(&site.path().join("public")), &good).is_empty());
}

/// A portal with an unpublished change is skipped like any other site when nothing
/// changed, and the skipped build still says that its output is a preview whose
/// history entry is not recorded.
#[test]
fn a_preview_of_the_next_publication_is_skipped_with_its_note() {
    let site = Site::demo();
    let note = "bản xem trước của lần công khai tiếp theo";
    let skipped = |err: &str| err.contains("Không có gì thay đổi");
    for _ in 0..2 {
        let err = build(&site, &[]);
        assert!(err.contains(note) && !skipped(&err), "{err}");
    }
    let good = snapshot(&site.path().join("public"));
    let err = build(&site, &[]);
    assert!(err.contains(note) && skipped(&err), "{err}");
    assert!(differing(&snapshot(&site.path().join("public")), &good).is_empty());
    assert!(
        !site.path().join("history").exists(),
        "a preview records nothing"
    );
    // Published: the preview's cache never skips a publish that has an entry to
    // record; the next build is no preview of anything, and says nothing of one.
    let err = stderr(&site.build_ok(NOW));
    assert!(!skipped(&err), "{err}");
    assert!(
        site.path().join("history/0001-2026-11-23.json").is_file(),
        "{err}"
    );
    let err = build(&site, &[]);
    assert!(!err.contains(note), "{err}");
}

/// `publish` with nothing new to record (the nightly job on a commune that did not
/// change) is skipped like `build`, records nothing and still refuses a wrong key; a
/// change is published as before.
#[test]
fn an_unchanged_publish_is_skipped_and_records_nothing() {
    let site = Site::demo();
    let skipped = |err: &str| err.contains("Không có gì thay đổi");
    let entries = |site: &Site| {
        let mut v: Vec<String> = std::fs::read_dir(site.path().join("history"))
            .map(|rd| {
                rd.flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        v.sort();
        v
    };
    site.build_ok(NOW);
    let recorded = entries(&site);
    assert!(
        recorded.iter().any(|e| e.starts_with("0001-")),
        "{recorded:?}"
    );
    // The publication wrote history/ after its fingerprint: the next run builds once.
    let err = stderr(&site.build_ok(NOW));
    assert!(!skipped(&err), "{err}");
    let good = snapshot(&site.path().join("public"));
    let err = stderr(&site.build_ok(NOW));
    assert!(skipped(&err), "{err}");
    assert!(!err.contains("Đã ghi lần công khai"), "{err}");
    assert_eq!(entries(&site), recorded);
    assert!(differing(&snapshot(&site.path().join("public")), &good).is_empty());
    // A wrong key is refused even when nothing is to be signed.
    let out = site.run(&["publish", "--now", NOW, "--secret-key", "khong-co-khoa.key"]);
    assert!(!out.status.success(), "{}", stderr(&out));
    // A new approved notice: built and recorded.
    site.write(
        "content/van-ban/thong-bao-bo-sung.md",
        format!(
            "+++\ntitle = \"Thông báo bổ sung\"\ndate = 2026-11-20\n{}+++\nNội dung.\n",
            crate::common::APPROVAL
        ),
    );
    let err = stderr(&site.build_ok(NOW));
    assert!(
        !skipped(&err) && err.contains("Đã ghi lần công khai"),
        "{err}"
    );
    assert!(
        entries(&site).iter().any(|e| e.starts_with("0002-")),
        "{err}"
    );
}

/// A damaged cache file is reported and ignored: a full build, never a wrong output.
#[test]
fn a_damaged_cache_gives_a_warning_and_a_full_build() {
    let site = plain_site();
    build(&site, &[]);
    build(&site, &[]);
    let good = snapshot(&site.path().join("public"));
    let cache = site.path().join(".congkhai-cache-public");
    let real = std::fs::read_to_string(&cache).expect("cache");
    // Cut short, a hash that is not one, not text at all.
    let broken = [
        real[..real.len() / 2].to_string(),
        real.replacen("\"inputs\": \"", "\"inputs\": \"zz", 1),
        "\u{0}\u{1}".to_string(),
    ];
    for (i, text) in broken.iter().enumerate() {
        std::fs::write(&cache, text).expect("write");
        let err = build(&site, &[]);
        assert!(err.contains("bộ nhớ đệm"), "case {i}: {err}");
        assert!(!err.contains("Không có gì thay đổi"), "case {i}");
        let diff = differing(&snapshot(&site.path().join("public")), &good);
        assert!(diff.is_empty(), "case {i}: {diff:?}");
    }
    // The build after a damaged cache wrote a good one.
    let err = build(&site, &[]);
    assert!(err.contains("Không có gì thay đổi"), "{err}");
}

/// A file read outside the folders the cache always hashes (here by `load_data` in a
/// template) is hashed from the next build on: changing it rebuilds the site.
#[test]
fn a_file_read_elsewhere_in_the_site_is_part_of_the_fingerprint() {
    let site = plain_site();
    site.write(
        "templates/index.html",
        "{% set d = load_data(path=\"ngoai/so-lieu.toml\") %}<h1>{{ d.so }}</h1>",
    );
    site.write("ngoai/so-lieu.toml", "so = 1\n");
    let skipped = |err: &str| err.contains("Không có gì thay đổi");
    // A fresh build hashes nothing but lists the file it read; the second build hashes
    // it from its start; the third is skipped.
    for _ in 0..2 {
        assert!(!skipped(&build(&site, &[])));
    }
    assert!(skipped(&build(&site, &[])));
    let cache = std::fs::read_to_string(site.path().join(".congkhai-cache-public")).expect("cache");
    let cache: serde_json::Value = serde_json::from_str(&cache).expect("json");
    assert_eq!(cache["extra"], serde_json::json!(["ngoai/so-lieu.toml"]));
    site.write("ngoai/so-lieu.toml", "so = 2\n");
    assert!(!skipped(&build(&site, &[])));
    assert_eq!(texts(&site.html("public/index.html"), "h1"), ["2"]);
}

// --- the page cache (src/cache/pages.rs): per-file reuse with recorded function calls

/// `build` with `CONGKHAI_TIMINGS=1`: stderr, and the page cache's counts (files
/// rendered, files reused) from its line.
fn build_counted(site: &Site, extra: &[&str]) -> (String, usize, usize) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_congkhai"))
        .args(["--root", site.path().to_str().expect("utf8")])
        .args(["build", "--now", NOW])
        .args(extra)
        .env("CONGKHAI_TIMINGS", "1")
        .output()
        .expect("run");
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    let line = err
        .lines()
        .find_map(|l| l.strip_prefix("[thời gian] page cache: "))
        .unwrap_or_else(|| panic!("no page cache line in:\n{err}"));
    let num = |label: &str| -> usize {
        line.split(", ")
            .find_map(|p| p.strip_prefix(label))
            .and_then(|n| n.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("{label} in {line}"))
    };
    (err.clone(), num("rendered "), num("reused "))
}

/// A page that shows other pages, a section, a taxonomy, a data file and a translation
/// only through site functions: none of them is in its own template context.
const SUMMARY_TEMPLATE: &str = r#"{% set a = get_page(path="a.md") %}<p class="ref">{{ a.title }}</p>
{% set s = get_section(path="tin/_index.md") %}<ul class="tin">{% for p in s.pages %}<li>{{ p.title }}</li>{% endfor %}</ul>
{% set t = get_taxonomy(kind="tags") %}<ul class="tags">{% for term in t.items %}<li>{{ term.name }}</li>{% endfor %}</ul>
{% set d = load_data(path="ngoai/so-lieu.toml") %}<p class="data">{{ d.so }}</p>
<p class="tr">{{ trans(key="chao") }}</p>
<div class="md">{{ "[A](@/a.md)" | markdown }}</div>"#;

fn deps_site() -> Site {
    let site = Site::new(
        "base_url = \"https://example.vn\"\ntitle = \"Trang thử\"\ntheme = \"rieng\"\n\n[[taxonomies]]\nname = \"tags\"\nrender = false\n",
    );
    site.write("themes/rieng/templates/trong.html", "");
    site.write(
        "themes/rieng/theme.toml",
        "[translations]\nchao = \"Xin chào\"\n",
    );
    site.write("templates/index.html", "<h1>{{ config.title }}</h1>");
    site.write("templates/section.html", "<h1>{{ section.title }}</h1>");
    site.write(
        "templates/page.html",
        "<p>{{ page.title }}</p>{{ page.content | safe }}",
    );
    site.write("templates/tong-hop.html", SUMMARY_TEMPLATE);
    site.write(
        "content/a.md",
        "+++\ntitle = \"Trang A\"\ndate = 2026-01-01\n+++\nChào.\n",
    );
    site.write(
        "content/khac.md",
        "+++\ntitle = \"Trang khác\"\ndate = 2026-01-05\n+++\nKhác.\n",
    );
    site.write("content/tin/_index.md", "+++\ntitle = \"Tin\"\n+++\n");
    site.write(
        "content/tin/mot.md",
        "+++\ntitle = \"Tin một\"\ndate = 2026-01-02\n[taxonomies]\ntags = [\"Hộ nghèo\"]\n+++\nMột.\n",
    );
    // Alone in its section: no neighbour links in its own page value.
    site.write(
        "content/bao-cao/_index.md",
        "+++\ntitle = \"Báo cáo\"\n+++\n",
    );
    site.write(
        "content/bao-cao/tong-hop.md",
        "+++\ntitle = \"Tổng hợp\"\ntemplate = \"tong-hop.html\"\n+++\n",
    );
    site.write("ngoai/so-lieu.toml", "so = 1\n");
    site
}

type Step = (
    &'static str,
    fn(&Site),
    &'static str,
    &'static [&'static str],
);

/// Each dependency that only a site-function call carries, changed in turn: the page
/// that shows it changes, the output is the full build's, and other files are reused.
#[test]
fn a_change_seen_only_through_a_function_call_rerenders_the_page() {
    let site = deps_site();
    // Fresh (no cache kept), then recorded.
    build(&site, &[]);
    let (_, rendered, reused) = build_counted(&site, &[]);
    assert!(rendered > 5 && reused == 0, "{rendered} {reused}");
    let page = "public/bao-cao/tong-hop/index.html";
    let doc = site.html(page);
    assert_eq!(texts(&doc, ".ref"), ["Trang A"]);
    assert_eq!(texts(&doc, ".tr"), ["Xin chào"]);
    let steps: [Step; 6] = [
        (
            "get_page: the title of a.md",
            |s| {
                s.write(
                    "content/a.md",
                    s.read("content/a.md").replace("Trang A", "Trang A mới"),
                )
            },
            ".ref",
            &["Trang A mới"],
        ),
        (
            "get_section: a new page in tin/",
            |s| {
                s.write(
                    "content/tin/hai.md",
                    "+++\ntitle = \"Tin hai\"\ndate = 2026-01-03\n+++\nHai.\n",
                )
            },
            ".tin li",
            &["Tin hai", "Tin một"],
        ),
        (
            "get_taxonomy: another term",
            |s| {
                let p = "content/tin/mot.md";
                s.write(p, s.read(p).replace("Hộ nghèo", "Người cao tuổi"))
            },
            ".tags li",
            &["Người cao tuổi"],
        ),
        (
            "load_data: a data file outside content/",
            |s| s.write("ngoai/so-lieu.toml", "so = 2\n"),
            ".data",
            &["2"],
        ),
        (
            "trans: the theme's string",
            |s| {
                s.write(
                    "themes/rieng/theme.toml",
                    "[translations]\nchao = \"Chào bà con\"\n",
                )
            },
            ".tr",
            &["Chào bà con"],
        ),
        (
            "markdown filter: the address of a.md",
            |s| {
                let p = "content/a.md";
                s.write(
                    p,
                    s.read(p)
                        .replace("date =", "slug = \"trang-a-moi\"\ndate ="),
                )
            },
            ".md a",
            &["A"],
        ),
    ];
    for (what, change, selector, want) in steps {
        let before = site.read(page);
        change(&site);
        let (_, rendered, reused) = build_counted(&site, &[]);
        let doc = site.html(page);
        assert_eq!(texts(&doc, selector), want, "{what}");
        assert_ne!(site.read(page), before, "{what}: the page did not change");
        let diff = differing(&snapshot(&site.path().join("public")), &full_build(&site));
        assert!(
            diff.is_empty(),
            "{what}: differs from a full build in {diff:?}"
        );
        assert!(
            rendered >= 1 && reused >= 3,
            "{what}: rendered {rendered}, reused {reused}"
        );
    }
    let doc = site.html(page);
    let href: Vec<&str> = doc
        .select(&scraper::Selector::parse(".md a").expect("selector"))
        .filter_map(|a| a.value().attr("href"))
        .collect();
    assert_eq!(href, ["https://example.vn/trang-a-moi/"]);
}

/// Pages whose inputs did not change are not rendered again; `--force` renders all.
#[test]
fn unchanged_pages_are_reused_and_force_renders_every_page() {
    let site = deps_site();
    build(&site, &[]);
    let (_, all, _) = build_counted(&site, &[]);
    let p = "content/khac.md";
    site.write(p, site.read(p).replace("Khác.", "Khác hẳn."));
    let (_, rendered, reused) = build_counted(&site, &[]);
    // The page itself and the home page that lists it; nothing else.
    assert_eq!(rendered, 2, "reused {reused} of {all}");
    assert_eq!(rendered + reused, all);
    assert_eq!(
        texts(&site.html("public/khac/index.html"), "p"),
        ["Trang khác", "Khác hẳn."]
    );
    site.write(p, site.read(p).replace("hẳn", "hơn"));
    let (_, rendered, reused) = build_counted(&site, &["--force"]);
    assert_eq!((rendered, reused), (all, 0));
    let diff = differing(&snapshot(&site.path().join("public")), &full_build(&site));
    assert!(diff.is_empty(), "{diff:?}");
}

/// A damaged page cache gives a warning and a full render; a file of the previous output
/// changed by hand is never reused.
#[test]
fn a_damaged_page_cache_or_a_touched_output_file_is_never_trusted() {
    let site = deps_site();
    build(&site, &[]);
    build(&site, &[]);
    let cache = site.path().join(".congkhai-pages-public");
    assert!(cache.is_file());
    let real = std::fs::read(&cache).expect("cache");
    let p = "content/khac.md";
    for (i, bytes) in [
        real[..real.len() / 2].to_vec(),
        b"\x00\x01rac".to_vec(),
        [&real[..17], &[0xff; 64][..]].concat(),
    ]
    .into_iter()
    .enumerate()
    {
        std::fs::write(&cache, bytes).expect("write");
        site.write(p, site.read(p).replace("Khác", &format!("Khác {i}")));
        let (err, _, reused) = build_counted(&site, &[]);
        assert!(err.contains("bộ nhớ đệm trang bị hỏng"), "case {i}: {err}");
        assert_eq!(reused, 0, "case {i}");
        let diff = differing(&snapshot(&site.path().join("public")), &full_build(&site));
        assert!(diff.is_empty(), "case {i}: {diff:?}");
    }
    // A good cache again: no warning, files reused.
    site.write(p, site.read(p).replace("Khác", "Khác nữa"));
    let (err, _, reused) = build_counted(&site, &[]);
    assert!(!err.contains("bộ nhớ đệm trang"), "{err}");
    assert!(reused > 3);
    // An output file changed by hand (same length) while the cache still describes it.
    let out = site.path().join("public/a/index.html");
    let good = std::fs::read(&out).expect("read");
    let mut bad = good.clone();
    bad[3] ^= 1;
    std::fs::write(&out, &bad).expect("write");
    site.write(p, site.read(p).replace("nữa", "nữa nhé"));
    build_counted(&site, &[]);
    assert_eq!(std::fs::read(&out).expect("read"), good);
    let diff = differing(&snapshot(&site.path().join("public")), &full_build(&site));
    assert!(diff.is_empty(), "{diff:?}");
}
