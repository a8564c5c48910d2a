//! Issue 12, classes 1, 5 and 8 (slice A): hostile output folders, killed builds and
//! history, and tampering with a published site. Every test runs the real binary.

use crate::common;
use crate::common::sha256_hex;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command as StdCommand, Output, Stdio};
use std::time::Duration;

use common::{APPROVAL, PORTAL_CONFIG, Site, copy_dir, snapshot, stderr};

/// The site's sources: everything but its outputs, history and congkhai's lock files.
fn sources(site: &Site) -> BTreeMap<String, Vec<u8>> {
    snapshot(site.path())
        .into_iter()
        .filter(|(k, _)| {
            !(k.starts_with("public")
                || k.starts_with("history")
                || k.starts_with(".congkhai-lock"))
        })
        .collect()
}

fn assert_clean_failure(out: &Output, what: &str) -> String {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(1), "{what}: exit code 1\n{err}");
    assert!(!err.contains("panicked"), "{what}: no panic\n{err}");
    err
}

fn page(title: &str) -> String {
    format!("+++\ntitle = \"{title}\"\ndate = 2026-06-01\n{APPROVAL}+++\nNội dung {title}.\n")
}

/// A small portal with every source folder present, built once on 2026-06-10.
fn small_site() -> Site {
    let site = Site::new(PORTAL_CONFIG);
    site.write("content/thong-bao.md", page("Thông báo"));
    site.write("data/x.csv", "a,b\n1,2\n");
    site.write("static/robots-extra.txt", "x\n");
    site.write("templates/.keep", "");
    site.build_ok("2026-06-10");
    site
}

fn run_with_env(site: &Site, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = assert_cmd::Command::cargo_bin("congkhai").expect("binary");
    c.arg("--root")
        .arg(site.path())
        .args(args)
        .env_remove("SOURCE_DATE_EPOCH");
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("run")
}

/// Class 1: output folders that would destroy sources, from the command line.
#[test]
fn output_dir_on_a_source_folder_is_refused_and_nothing_is_deleted() {
    let site = small_site();
    let root = site.path().to_path_buf();
    std::os::unix::fs::symlink(root.join("content"), root.join("lnk-content")).expect("symlink");
    std::os::unix::fs::symlink(&root, root.join("lnk-root")).expect("symlink");
    let before_src = sources(&site);
    let before_pub = snapshot(&root.join("public"));
    let abs = |p: &str| root.join(p).to_string_lossy().into_owned();
    let parent = root
        .parent()
        .expect("parent")
        .to_string_lossy()
        .into_owned();
    let variants: Vec<String> = vec![
        "content".into(),
        "content/".into(),
        "./content".into(),
        "content/.".into(),
        "public/../content".into(),
        "content/van-ban".into(),
        "content/a/b/../../..".into(),
        "data".into(),
        "data/".into(),
        "themes".into(),
        "themes/congkhai".into(),
        "templates".into(),
        "static".into(),
        "history".into(),
        "history/data".into(),
        "lnk-content".into(),
        "lnk-content/".into(),
        "lnk-content/sub".into(),
        "lnk-root".into(),
        "lnk-root/content".into(),
        "lnk-root/./data/../themes".into(),
        abs("content"),
        abs("data/"),
        ".".into(),
        "./".into(),
        "..".into(),
        abs(""),
        abs("."),
        parent,
        "/".into(),
    ];
    for v in &variants {
        // Relative values are taken from the site root, like a user in that folder.
        let out = StdCommand::new(env!("CARGO_BIN_EXE_congkhai"))
            .current_dir(&root)
            .args(["build", "--now", "2026-06-11", "--output-dir", v])
            .env_remove("SOURCE_DATE_EPOCH")
            .output()
            .expect("run");
        let err = assert_clean_failure(&out, v);
        assert!(
            err.contains("thư mục đầu ra"),
            "{v}: names the output\n{err}"
        );
        assert!(
            err.contains(v.trim_end_matches('/')),
            "{v}: names the path\n{err}"
        );
        assert!(err.contains("cách sửa"), "{v}: hint\n{err}");
        assert_eq!(sources(&site), before_src, "{v}: sources untouched");
        assert_eq!(
            snapshot(&root.join("public")),
            before_pub,
            "{v}: public untouched"
        );
    }
    // Outside the root from the command line is allowed (e.g. /var/www/phuong).
    let www = tempfile::tempdir().expect("tmp");
    let target = www.path().join("phuong");
    let out = site.run(&[
        "build",
        "--now",
        "2026-06-11",
        "-o",
        target.to_str().expect("utf8"),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(target.join("thong-bao/index.html").is_file());
}

/// Class 1: output_dir and history_dir in config.toml must stay inside the site root and
/// away from its sources.
#[test]
fn config_output_and_history_dirs_are_checked() {
    let site = small_site();
    let root = site.path().to_path_buf();
    let before_pub = snapshot(&root.join("public"));
    let outside = tempfile::tempdir().expect("tmp");
    let outside_s = outside.path().to_string_lossy().into_owned();
    let variants: Vec<(String, &str)> = vec![
        ("output_dir = \"content\"".into(), "thư mục đầu ra"),
        ("output_dir = \"data/out\"".into(), "thư mục đầu ra"),
        ("output_dir = \".\"".into(), "thư mục đầu ra"),
        ("output_dir = \"\"".into(), "thư mục đầu ra"),
        ("output_dir = \"..\"".into(), "thư mục đầu ra"),
        ("output_dir = \"../escape\"".into(), "thư mục đầu ra"),
        (
            "output_dir = \"public/../../escape\"".into(),
            "thư mục đầu ra",
        ),
        (
            format!("output_dir = \"{outside_s}/www\""),
            "thư mục đầu ra",
        ),
        ("output_dir = \"history\"".into(), "thư mục đầu ra"),
        ("output_dir = \"static\"".into(), "thư mục đầu ra"),
        (
            "[build]\nhistory_dir = \"content\"".into(),
            "thư mục lịch sử",
        ),
        (
            "[build]\nhistory_dir = \"content/lich-su\"".into(),
            "thư mục lịch sử",
        ),
        ("[build]\nhistory_dir = \"data\"".into(), "thư mục lịch sử"),
        ("[build]\nhistory_dir = \".\"".into(), "thư mục lịch sử"),
        ("[build]\nhistory_dir = \"../h\"".into(), "thư mục lịch sử"),
        (
            format!("[build]\nhistory_dir = \"{outside_s}/h\""),
            "thư mục lịch sử",
        ),
        (
            "[build]\nhistory_dir = \"public\"".into(),
            "thư mục lịch sử",
        ),
        (
            "[build]\nhistory_dir = \"public/lich-su\"".into(),
            "thư mục lịch sử",
        ),
        (
            "[build]\nhistory_dir = \"public-preview\"".into(),
            "thư mục lịch sử",
        ),
        (
            "[build]\nhistory_dir = \"themes/h\"".into(),
            "thư mục lịch sử",
        ),
    ];
    let config = PORTAL_CONFIG.to_string();
    for (extra, what) in &variants {
        // Top-level keys go before the first table.
        let text = if extra.starts_with('[') {
            format!("{config}{extra}\n")
        } else {
            format!("{extra}\n{config}")
        };
        site.write("config.toml", &text);
        let before_src = sources(&site);
        let out = site.run(&["publish", "--now", "2026-06-11"]);
        let err = assert_clean_failure(&out, extra);
        assert!(err.contains(what), "{extra}: says which folder\n{err}");
        assert!(
            err.contains("config.toml"),
            "{extra}: names config.toml\n{err}"
        );
        assert_eq!(sources(&site), before_src, "{extra}: sources untouched");
        assert_eq!(
            snapshot(&root.join("public")),
            before_pub,
            "{extra}: public untouched"
        );
        assert_eq!(
            std::fs::read_dir(outside.path()).expect("ls").count(),
            0,
            "{extra}"
        );
    }
    // A folder inside the root that is no source folder is fine.
    site.write(
        "config.toml",
        format!("output_dir = \"out/site\"\n{config}[build]\nhistory_dir = \"lich-su\"\n"),
    );
    site.build_ok("2026-06-11");
    assert!(site.exists("out/site/thong-bao/index.html"));
    assert!(site.exists("lich-su/0001-2026-06-11.json"));
}

/// Class 1: congkhai never replaces a folder it did not make.
#[test]
fn foreign_output_folders_are_never_replaced() {
    let site = small_site();
    let work = tempfile::tempdir().expect("tmp");
    let mk = |name: &str, files: &[(&str, &str)]| -> PathBuf {
        let d = work.path().join(name);
        std::fs::create_dir_all(&d).expect("mkdir");
        for (f, c) in files {
            let p = d.join(f);
            std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
            std::fs::write(p, c).expect("write");
        }
        d
    };
    let variants = [
        mk("www", &[("index.html", "<p>the ward's old site</p>")]),
        mk("docs", &[("bao-cao.docx", "x"), ("sub/a.txt", "y")]),
        mk(
            "fake-manifest",
            &[("cong-khai/manifest.json", "{\"format\": \"other/1\"}")],
        ),
        mk("broken-manifest", &[("cong-khai/manifest.json", "{")]),
        mk("hidden-only", &[(".git/HEAD", "ref: refs/heads/main\n")]),
        {
            let d = mk("marker-is-dir", &[("keep.txt", "k")]);
            std::fs::create_dir_all(d.join(".congkhai-output")).expect("mkdir");
            d
        },
    ];
    for d in &variants {
        let before = snapshot(d);
        for extra in [&[][..], &["--drafts"][..]] {
            let mut args = vec![
                "build",
                "--now",
                "2026-06-11",
                "-o",
                d.to_str().expect("utf8"),
            ];
            args.extend_from_slice(extra);
            let out = site.run(&args);
            let err = assert_clean_failure(&out, &d.display().to_string());
            assert!(
                err.contains(&d.display().to_string()),
                "names the folder\n{err}"
            );
            assert_eq!(snapshot(d), before, "{}: untouched", d.display());
        }
    }
    // A file in place of the folder.
    let f = work.path().join("a-file");
    std::fs::write(&f, "data").expect("write");
    let out = site.run(&[
        "build",
        "--now",
        "2026-06-11",
        "-o",
        f.to_str().expect("utf8"),
    ]);
    assert_clean_failure(&out, "file");
    assert_eq!(std::fs::read(&f).expect("read"), b"data");
    // Nothing of congkhai's was left beside them.
    for e in std::fs::read_dir(work.path()).expect("ls").flatten() {
        let n = e.file_name().to_string_lossy().into_owned();
        assert!(!n.starts_with(".congkhai-staging"), "leftover {n}");
    }
}

/// Migration: a `public/` of an earlier congkhai (its manifest, no marker) is accepted
/// once and gets the marker.
#[test]
fn legacy_output_with_a_manifest_is_migrated_once() {
    let site = small_site();
    let public = site.path().join("public");
    std::fs::remove_file(public.join(".congkhai-output")).expect("marker present before");
    site.write("content/moi.md", page("Trang mới"));
    site.build_ok("2026-06-11");
    assert!(public.join(".congkhai-output").is_file(), "marker added");
    assert!(public.join("moi/index.html").is_file());
}

/// Class 5: a mount point cannot be renamed; its contents are replaced instead.
#[test]
fn mount_point_output_gets_its_contents_replaced() {
    use std::os::unix::fs::MetadataExt;
    let site = small_site();
    let public = site.path().join("public");
    let inode = std::fs::metadata(&public).expect("meta").ino();
    std::fs::remove_file(site.path().join("content/thong-bao.md")).expect("rm");
    site.write("content/moi.md", page("Trang mới"));
    let out = run_with_env(
        &site,
        &["publish", "--now", "2026-06-11"],
        &[("CONGKHAI_TEST_RENAME_BUSY", "1")],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        std::fs::metadata(&public).expect("meta").ino(),
        inode,
        "same folder, new contents"
    );
    assert!(public.join("moi/index.html").is_file());
    assert!(!public.join("thong-bao").exists(), "old entries removed");
    for e in std::fs::read_dir(&public).expect("ls").flatten() {
        let n = e.file_name().to_string_lossy().into_owned();
        assert!(
            !n.starts_with(".congkhai-incoming") && !n.starts_with(".congkhai-old"),
            "{n}"
        );
    }
    let v = site.run(&["verify", public.to_str().expect("utf8")]);
    assert!(v.status.success(), "{}", stderr(&v));
    // The same input built into a fresh folder gives the same bytes.
    let fresh = tempfile::tempdir().expect("tmp");
    let other = fresh.path().join("p");
    let work = tempfile::tempdir().expect("tmp");
    copy_dir(site.path(), work.path());
    std::fs::remove_dir_all(work.path().join("public")).expect("rm");
    // history/ already holds entry 2: rebuilding the same input adds nothing.
    let out = StdCommand::new(env!("CARGO_BIN_EXE_congkhai"))
        .args([
            "--root",
            work.path().to_str().expect("utf8"),
            "publish",
            "--now",
            "2026-06-11",
            "-o",
        ])
        .arg(&other)
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(snapshot(&other), snapshot(&public));
    // Without the seam the folder is renamed (a new inode): the seam was what changed.
    site.write("content/moi2.md", page("Trang mới 2"));
    site.build_ok("2026-06-12");
    assert_ne!(std::fs::metadata(&public).expect("meta").ino(), inode);
}

fn history_names(site: &Site) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(site.path().join("history"))
        .map(|rd| {
            rd.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n != "data")
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// Class 5/8: deleted history entries stop the build unless --new-chain; a pending entry
/// of a killed build is promoted only when the output publishes it.
#[test]
fn lost_history_is_refused_and_pending_entries_are_settled() {
    let site = small_site();
    site.write("content/moi.md", page("Trang mới"));
    site.build_ok("2026-06-11");
    assert_eq!(
        history_names(&site),
        ["0001-2026-06-10.json", "0002-2026-06-11.json"]
    );
    let public = site.path().join("public");
    let pub_before = snapshot(&public);
    let hist = site.path().join("history");
    let last = hist.join("0002-2026-06-11.json");
    let last_bytes = std::fs::read(&last).expect("read");
    site.write("content/them.md", page("Thêm"));

    // 1. The last entry deleted: refused, nothing changes.
    std::fs::remove_file(&last).expect("rm");
    let err = site.build_err("2026-06-12");
    assert!(err.contains("bị xóa") && err.contains("history"), "{err}");
    assert!(err.contains("--new-chain"), "{err}");
    assert_eq!(snapshot(&public), pub_before);
    // 2. The last entry replaced by other bytes: refused.
    std::fs::write(&last, b"{}\n").expect("write");
    let err = site.build_err("2026-06-12");
    assert!(err.contains("0002-2026-06-11.json"), "{err}");
    assert_eq!(snapshot(&public), pub_before);
    std::fs::remove_file(&last).expect("rm");
    // 3. All of history/ deleted: refused.
    let hist_backup = tempfile::tempdir().expect("tmp");
    copy_dir(&hist, hist_backup.path());
    std::fs::remove_dir_all(&hist).expect("rm");
    let err = site.build_err("2026-06-12");
    assert!(err.contains("0 mục"), "{err}");
    assert_eq!(snapshot(&public), pub_before);
    assert!(!hist.exists(), "nothing written to history");
    // 4. A pending entry that the output does publish (killed after the swap): promoted.
    copy_dir(hist_backup.path(), &hist);
    std::fs::write(hist.join("0002-2026-06-11.json.pending"), &last_bytes).expect("write");
    let out = site.build_ok("2026-06-12");
    assert!(stderr(&out).contains("ghi bổ sung"), "{}", stderr(&out));
    assert_eq!(
        history_names(&site),
        [
            "0001-2026-06-10.json",
            "0002-2026-06-11.json",
            "0003-2026-06-12.json"
        ]
    );
    assert_eq!(std::fs::read(&last).expect("read"), last_bytes);
    // 5. A pending entry the output does not publish (killed before the swap): dropped.
    std::fs::write(hist.join("0004-2026-06-13.json.pending"), b"{\"half\":").expect("write");
    std::fs::write(hist.join(".congkhai-tmp-XyZ123"), b"{\"ha").expect("write");
    site.build_ok("2026-06-13");
    assert_eq!(history_names(&site).len(), 3, "{:?}", history_names(&site));
    // 6. --new-chain after history/ was lost: builds, starts at 0001.
    std::fs::remove_dir_all(&hist).expect("rm");
    site.build_err("2026-06-14");
    let out = site.run(&["publish", "--now", "2026-06-14", "--new-chain"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(history_names(&site), ["0001-2026-06-14.json"]);
    let v = site.run(&["verify", public.to_str().expect("utf8")]);
    assert!(v.status.success(), "{}", stderr(&v));
}

/// Leftovers of killed builds are removed at the next build; unknown folders stay.
#[test]
fn stale_working_folders_are_removed_at_the_next_build() {
    let site = small_site();
    let root = site.path();
    let ours = [
        root.join(".congkhai-staging-public-Ab12Cd"),
        root.join(".congkhai-staging-public-zz99zz"),
        root.join(".congkhai-old-public-0"),
        root.join(".congkhai-old-public-7"),
        root.join("public/.congkhai-incoming-Qw12Er"),
        root.join("public/.congkhai-old-Qw12Er"),
    ];
    for d in &ours {
        std::fs::create_dir_all(d.join("sub")).expect("mkdir");
        std::fs::write(d.join(".congkhai-output"), "").expect("write");
        std::fs::write(d.join("sub/big.html"), "x".repeat(10_000)).expect("write");
    }
    let not_ours = [
        root.join(".congkhai-staging-notours"),
        root.join(".congkhai-old-public-preview-0"),
        root.join("ban-sao-public"),
    ];
    for d in &not_ours {
        std::fs::create_dir_all(d).expect("mkdir");
        std::fs::write(d.join("keep.txt"), "keep").expect("write");
    }
    site.build_ok("2026-06-10");
    for d in &ours {
        assert!(!d.exists(), "{} removed", d.display());
    }
    for d in &not_ours {
        assert_eq!(
            std::fs::read_to_string(d.join("keep.txt")).expect("kept"),
            "keep"
        );
    }
    let v = site.run(&["verify", root.join("public").to_str().expect("utf8")]);
    assert!(v.status.success(), "{}", stderr(&v));
}

/// Two builds of the same output at once would destroy each other: the second fails.
#[test]
fn a_concurrent_build_of_the_same_output_is_refused() {
    let site = small_site();
    let before = snapshot(&site.path().join("public"));
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(site.path().join(".congkhai-lock-public"))
        .expect("open");
    lock.lock().expect("lock");
    site.write("content/moi.md", page("Trang mới"));
    let err = site.build_err("2026-06-11");
    assert!(err.contains("đang ghi"), "{err}");
    assert_eq!(snapshot(&site.path().join("public")), before);
    // The preview is another folder: it may be built meanwhile.
    let out = site.run(&["build", "--drafts", "--now", "2026-06-11"]);
    assert!(out.status.success(), "{}", stderr(&out));
    drop(lock);
    site.build_ok("2026-06-11");
}

/// Change bytes of `text`: the digit before each of the first `n` ".000" groups.
fn edit_amounts(text: &str, n: usize) -> String {
    let mut b = text.as_bytes().to_vec();
    let mut done = 0;
    let mut last = 0;
    let mut i = 1;
    while i + 4 <= b.len() && done < n {
        if &b[i..i + 4] == b".000" && b[i - 1].is_ascii_digit() && (done == 0 || i > last + 8) {
            b[i - 1] = if b[i - 1] == b'9' { b'1' } else { b[i - 1] + 1 };
            done += 1;
            last = i;
        }
        i += 1;
    }
    assert_eq!(done, n, "page has {n} amounts to edit");
    String::from_utf8(b).expect("utf8")
}

/// Rewrite the manifest's entry for `rel` (or add/remove it) to match the disk.
fn fix_manifest(public: &Path, rel: &str) {
    let mp = public.join("cong-khai/manifest.json");
    let mut m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&mp).expect("read")).expect("json");
    let files = m["files"].as_object_mut().expect("files");
    match std::fs::read(public.join(rel)) {
        Ok(b) => {
            files.insert(
                rel.to_string(),
                serde_json::json!({"size": b.len(), "sha256": sha256_hex(&b)}),
            );
        }
        Err(_) => {
            files.remove(rel);
        }
    }
    let mut s = serde_json::to_string_pretty(&m).expect("json");
    s.push('\n');
    std::fs::write(&mp, s).expect("write");
}

/// Class 8: verify catches every edited, added, removed or linked file, also when the
/// manifest was rewritten to match.
#[test]
fn verify_catches_tampering_even_with_a_rewritten_manifest() {
    let site = Site::demo();
    site.build_ok("2026-11-23");
    let public = site.path().join("public");
    let ok = site.run(&["verify", public.to_str().expect("utf8")]);
    assert!(ok.status.success(), "{}", stderr(&ok));
    let list = "ho-tro/danh-sach-ho-tro-thu-nhap-2026/to-dan-pho-so-1/index.html";
    type Tamper = Box<dyn Fn(&Path)>;
    let variants: Vec<(&str, &str, Tamper)> = vec![
        (
            "17 amounts edited, manifest updated",
            "cong-khai/manifest.json",
            Box::new(move |p: &Path| {
                let t = std::fs::read_to_string(p.join(list)).expect("read");
                std::fs::write(p.join(list), edit_amounts(&t, 17)).expect("write");
                fix_manifest(p, list);
            }),
        ),
        (
            "17 amounts edited",
            list,
            Box::new(move |p: &Path| {
                let t = std::fs::read_to_string(p.join(list)).expect("read");
                std::fs::write(p.join(list), edit_amounts(&t, 17)).expect("write");
            }),
        ),
        (
            "CSV edited, manifest updated",
            "cong-khai/manifest.json",
            Box::new(|p: &Path| {
                let rel = "ho-tro/danh-sach-ho-tro-thu-nhap-2026/danh-sach.csv";
                let t = std::fs::read_to_string(p.join(rel)).expect("read");
                std::fs::write(p.join(rel), t.replacen('0', "9", 3)).expect("write");
                fix_manifest(p, rel);
            }),
        ),
        (
            "file added, manifest updated",
            "cong-khai/manifest.json",
            Box::new(|p: &Path| {
                std::fs::write(p.join("js/track.js"), "fetch('//evil')").expect("write");
                fix_manifest(p, "js/track.js");
            }),
        ),
        (
            "file added",
            "gia-mao.html",
            Box::new(|p: &Path| std::fs::write(p.join("gia-mao.html"), "<p>x</p>").expect("w")),
        ),
        (
            "file removed, manifest updated",
            "cong-khai/manifest.json",
            Box::new(move |p: &Path| {
                std::fs::remove_file(p.join(list)).expect("rm");
                fix_manifest(p, list);
            }),
        ),
        (
            "file removed",
            list,
            Box::new(move |p: &Path| std::fs::remove_file(p.join(list)).expect("rm")),
        ),
        (
            "symlink added",
            "passwd.html",
            Box::new(|p: &Path| {
                std::os::unix::fs::symlink("/etc/passwd", p.join("passwd.html")).expect("ln")
            }),
        ),
        (
            "file replaced by a symlink to an identical copy",
            "index.html",
            Box::new(|p: &Path| {
                let copy = p.parent().expect("parent").join("copy-index.html");
                std::fs::copy(p.join("index.html"), &copy).expect("cp");
                std::fs::remove_file(p.join("index.html")).expect("rm");
                std::os::unix::fs::symlink(&copy, p.join("index.html")).expect("ln");
            }),
        ),
        (
            "symlinked folder",
            "tai-lieu",
            Box::new(|p: &Path| {
                std::os::unix::fs::symlink("/etc", p.join("tai-lieu")).expect("ln")
            }),
        ),
        (
            "FIFO added",
            "pipe",
            Box::new(|p: &Path| {
                let st = StdCommand::new("mkfifo")
                    .arg(p.join("pipe"))
                    .status()
                    .expect("mkfifo");
                assert!(st.success());
            }),
        ),
    ];
    for (what, names, tamper) in &variants {
        let work = tempfile::tempdir().expect("tmp");
        let copy = work.path().join("site");
        copy_dir(&public, &copy);
        tamper(&copy);
        let out = StdCommand::new(env!("CARGO_BIN_EXE_congkhai"))
            .arg("verify")
            .arg(&copy)
            .stdin(Stdio::null())
            .output()
            .expect("run");
        let err = assert_clean_failure(&out, what);
        assert!(err.contains(names), "{what}: names {names}\n{err}");
        assert!(err.contains("KHÔNG KHỚP"), "{what}\n{err}");
    }
    // The chain can also be anchored to the ward's own history/.
    let hist = site.path().join("history");
    let out = site.run(&[
        "verify",
        public.to_str().expect("utf8"),
        "--history",
        hist.to_str().expect("utf8"),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let empty = tempfile::tempdir().expect("tmp");
    let out = site.run(&[
        "verify",
        public.to_str().expect("utf8"),
        "--history",
        empty.path().to_str().expect("utf8"),
    ]);
    assert_clean_failure(&out, "anchored to an empty history");
}

/// Class 5: a build killed at any point leaves the previous output or the new complete
/// one, a valid history, and the next build succeeds and leaves no working folder.
#[test]
fn killed_builds_leave_old_or_new_output_and_the_next_build_recovers() {
    let site = Site::demo();
    site.build_ok("2026-11-23");
    let public = site.path().join("public");
    let hist = site.path().join("history");
    let old_pub = snapshot(&public);
    let old_hist = snapshot(&hist);
    let backup = tempfile::tempdir().expect("tmp");
    copy_dir(&public, &backup.path().join("public"));
    copy_dir(&hist, &backup.path().join("history"));
    site.write("content/them-trang.md", page("Trang thêm"));
    // The expected new output: the same input built in a copy.
    let reference = tempfile::tempdir().expect("tmp");
    copy_dir(site.path(), reference.path());
    let out = StdCommand::new(env!("CARGO_BIN_EXE_congkhai"))
        .args([
            "--root",
            reference.path().to_str().expect("utf8"),
            "publish",
            "--now",
            "2026-11-24",
        ])
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", stderr(&out));
    let new_pub = snapshot(&reference.path().join("public"));
    let new_hist = snapshot(&reference.path().join("history"));
    assert_ne!(old_pub, new_pub);

    let mut seen_old = 0;
    let mut seen_new = 0;
    for delay_ms in [0u64, 300, 1200, 3000, 5000] {
        // Back to the state before the build.
        for d in [&public, &hist] {
            std::fs::remove_dir_all(d).expect("rm");
        }
        copy_dir(&backup.path().join("public"), &public);
        copy_dir(&backup.path().join("history"), &hist);
        let mut child = StdCommand::new(env!("CARGO_BIN_EXE_congkhai"))
            .args([
                "--root",
                site.path().to_str().expect("utf8"),
                "publish",
                "--now",
                "2026-11-24",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn");
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        let now = snapshot(&public);
        if now == old_pub {
            seen_old += 1;
        } else if now == new_pub {
            seen_new += 1;
        } else {
            panic!("killed after {delay_ms} ms: public/ is neither the old nor the new site");
        }
        // history/ holds complete entries only: the old chain or the new one (a pending
        // entry is not part of the chain).
        let h: BTreeMap<String, Vec<u8>> = snapshot(&hist)
            .into_iter()
            .filter(|(k, _)| !k.ends_with(".pending") && !k.contains(".congkhai-tmp-"))
            .collect();
        let h_entries = |m: &BTreeMap<String, Vec<u8>>| -> Vec<(String, Vec<u8>)> {
            m.iter()
                .filter(|(k, _)| k.ends_with(".json"))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        };
        assert!(
            h_entries(&h) == h_entries(&old_hist) || h_entries(&h) == h_entries(&new_hist),
            "killed after {delay_ms} ms: history/ is neither the old nor the new chain"
        );
        let chk = site.run(&["check", "--now", "2026-11-24"]);
        assert!(
            chk.status.success(),
            "after {delay_ms} ms: {}",
            stderr(&chk)
        );
        // The next build completes the publication.
        site.build_ok("2026-11-24");
        assert_eq!(snapshot(&public), new_pub, "after {delay_ms} ms");
        assert_eq!(
            h_entries(&snapshot(&hist)),
            h_entries(&new_hist),
            "after {delay_ms} ms"
        );
        for e in std::fs::read_dir(site.path()).expect("ls").flatten() {
            let n = e.file_name().to_string_lossy().into_owned();
            assert!(
                !n.starts_with(".congkhai-staging") && !n.starts_with(".congkhai-old"),
                "after {delay_ms} ms: leftover {n}"
            );
        }
    }
    // The first kill comes before the swap (whether a later one lands after it depends
    // on the machine's speed; both outcomes are checked above).
    assert!(seen_old >= 1, "old {seen_old}, new {seen_new}");
}

/// A symbolic link in `static/` or beside a page would publish whatever it points to
/// (here a secret outside the site): refused by name, nothing published.
#[test]
fn symbolic_links_are_never_published() {
    let secret_dir = tempfile::tempdir().expect("temp dir");
    let secret = secret_dir.path().join("mat-khau.txt");
    std::fs::write(&secret, "BI-MAT-KHONG-DANG\n").expect("secret");
    for (name, link) in [
        ("static file", "static/tai-lieu.txt"),
        ("static folder", "static/thu-muc"),
        ("page bundle asset", "content/tin/bi-mat.txt"),
    ] {
        let site = small_site();
        if name == "page bundle asset" {
            // Declared as an attachment, so it would be published if it were a file.
            let with_attachment = page("Tin").replacen(
                "+++\nNội dung",
                "[[attachments]]\nfile = \"bi-mat.txt\"\ntitle = \"Tài liệu kèm theo\"\n+++\nNội dung",
                1,
            );
            site.write("content/tin/index.md", with_attachment);
            site.write("content/tin/bi-mat.txt", "tệp thật\n");
            site.build_ok("2026-06-10");
            std::fs::remove_file(site.path().join(link)).expect("remove the real file");
        }
        let before = snapshot(&site.path().join("public"));
        let target = if name == "static folder" {
            secret_dir.path().to_path_buf()
        } else {
            secret.clone()
        };
        std::os::unix::fs::symlink(&target, site.path().join(link)).expect("symlink");
        let out = site.run(&["publish", "--now", "2026-06-10"]);
        let err = assert_clean_failure(&out, name);
        let shown = link.split('/').next_back().unwrap_or(link);
        assert!(err.contains(shown), "{name}: names the link\n{err}");
        // Attachments are also held inside their page's folder (a link out of it is
        // refused as a path outside it); static files are refused as links.
        assert!(
            err.contains("symlink") || err.contains("nằm ngoài thư mục trang"),
            "{name}: says why\n{err}"
        );
        assert_eq!(
            snapshot(&site.path().join("public")),
            before,
            "{name}: public/ unchanged"
        );
    }
}
