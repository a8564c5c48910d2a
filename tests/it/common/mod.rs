//! Shared helpers for integration tests: make a site in a temp dir, run the real
//! `congkhai` binary on it, and read the output as parsed HTML.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use std::process::Output;

use assert_cmd::Command;

/// A minimal portal config (has `[ward]`, so the approval gate is on).
pub const PORTAL_CONFIG: &str = r#"base_url = "https://phuong.example.vn"
title = "Cổng thử nghiệm"
theme = "congkhai"
[ward]
name = "Phường Thử Nghiệm"
province = "Tỉnh Mẫu"
[approval]
exempt = ["_index.md"]
"#;

/// A complete approval block for front matter.
pub const APPROVAL: &str = "[approval]\nby = \"Trần Văn Mẫu\"\nrole = \"Chủ tịch UBND phường\"\ndecision = \"Quyết định số 1/QĐ-UBND\"\ndate = 2026-06-01\n";

pub struct Site {
    pub dir: tempfile::TempDir,
    /// The site root: `dir` itself, or a folder inside it ([`Site::nested`]).
    root: PathBuf,
}

impl Site {
    /// An empty site with the given config.toml.
    pub fn new(config: &str) -> Site {
        let dir = tempfile::tempdir().expect("temp dir");
        let s = Site::in_dir(dir);
        s.write("config.toml", config);
        s.write("content/_index.md", "+++\ntitle = \"Trang chủ\"\n+++\n");
        s
    }

    /// A copy of a fixture site under `tests/fixtures/NAME`.
    pub fn fixture(name: &str) -> Site {
        let dir = tempfile::tempdir().expect("temp dir");
        let src = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name);
        copy_dir(&src, dir.path());
        Site::in_dir(dir)
    }

    /// The demo portal at the repository root (content/, data/, themes/, config.toml).
    pub fn demo() -> Site {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        for d in ["content", "data", "themes", "static", "templates"] {
            if root.join(d).is_dir() {
                copy_dir(&root.join(d), &dir.path().join(d));
            }
        }
        // The demo's [signing] key signs the demo's history, which is not copied: a test
        // that signs makes its own key (`Site::keygen`).
        let config = std::fs::read_to_string(root.join("config.toml")).expect("config");
        let config = match config.find("\n[signing]") {
            Some(i) => {
                let rest = &config[i + 1..];
                let end = rest.find("\n[").map_or(config.len(), |j| i + 1 + j + 1);
                format!("{}{}", &config[..i + 1], &config[end..])
            }
            None => config,
        };
        std::fs::write(dir.path().join("config.toml"), config).expect("config");
        // Without [signing] the site publishes no key file, so the demo's link to it would
        // be a dead link (which fails the build): keep the address as text.
        let verify = dir.path().join("content/cong-khai/kiem-tra.md");
        if let Ok(text) = std::fs::read_to_string(&verify) {
            let text = text.replace(
                "[/cong-khai/khoa-ky.pub](/cong-khai/khoa-ky.pub)",
                "`/cong-khai/khoa-ky.pub`",
            );
            std::fs::write(&verify, text).expect("kiem-tra.md");
        }
        Site::in_dir(dir)
    }

    /// The demo exactly as committed: its `config.toml` (with `[signing]`) and its signed
    /// `history/`, for tests that read the demo's real chain with a plain `build`.
    pub fn demo_with_history() -> Site {
        let site = Site::demo();
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        // With [signing] back, the key file exists: the page as committed (its history
        // records it so).
        let verify = "content/cong-khai/kiem-tra.md";
        std::fs::copy(root.join(verify), site.path().join(verify)).expect("kiem-tra.md");
        std::fs::copy(root.join("config.toml"), site.path().join("config.toml")).expect("config");
        copy_dir(&root.join("history"), &site.path().join("history"));
        site
    }

    /// A new minisign key pair made by `congkhai keygen` in a folder outside the site
    /// (kept alive by the returned guard): (guard, secret key path, public key).
    pub fn keygen(&self) -> (tempfile::TempDir, PathBuf, String) {
        let keys = tempfile::tempdir().expect("temp dir");
        let sk = keys.path().join("khoa.key");
        let out = self.run(&["keygen", "--secret-key", sk.to_str().expect("utf-8")]);
        assert!(out.status.success(), "keygen failed:\n{}", stderr(&out));
        let pk = String::from_utf8(out.stdout)
            .expect("utf-8")
            .trim()
            .to_string();
        (keys, sk, pk)
    }

    /// Put `[signing] public_key = PK` into config.toml.
    pub fn set_signing_key(&self, pk: &str) {
        let c = self.read("config.toml");
        let c = match c.find("\n[signing]") {
            Some(i) => c[..i].to_string(),
            None => c,
        };
        self.write(
            "config.toml",
            format!("{c}\n[signing]\npublic_key = \"{pk}\"\n"),
        );
    }

    /// A site at `root`, a folder inside the temporary folder `dir`.
    pub fn in_subdir(dir: tempfile::TempDir, root: PathBuf) -> Site {
        Site { dir, root }
    }

    /// A site in its own temporary folder (which it deletes when dropped).
    pub fn in_dir(dir: tempfile::TempDir) -> Site {
        let root = dir.path().to_path_buf();
        Site { dir, root }
    }

    /// A copy of a fixture site in `<tmp>/site`, so that `..` and every folder a
    /// hostile option may name stay inside the test's temporary folder.
    pub fn nested_fixture(name: &str) -> Site {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().join("site");
        let src = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name);
        copy_dir(&src, &root);
        Site { dir, root }
    }

    pub fn path(&self) -> &Path {
        &self.root
    }

    pub fn write(&self, rel: &str, content: impl AsRef<[u8]>) {
        let p = self.path().join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, content).expect("write");
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path().join(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"))
    }

    pub fn exists(&self, rel: &str) -> bool {
        self.path().join(rel).exists()
    }

    /// Run `congkhai ARGS --root SITE`.
    pub fn run(&self, args: &[&str]) -> Output {
        Command::cargo_bin("congkhai")
            .expect("binary")
            .arg("--root")
            .arg(self.path())
            .args(args)
            .env_remove("SOURCE_DATE_EPOCH")
            .env_remove("CONGKHAI_SECRET_KEY")
            .env_remove("CONGKHAI_SECRET_KEY_PASSWORD")
            .output()
            .expect("run congkhai")
    }

    /// `publish --now DATE` (what a ward runs: build, then record the publication in
    /// `history/`), asserting success. [`Site::preview_ok`] runs a plain `build`.
    pub fn build_ok(&self, now: &str) -> Output {
        let out = self.run(&["publish", "--now", now]);
        assert!(out.status.success(), "publish failed:\n{}", stderr(&out));
        out
    }

    /// `build --now DATE` (a preview: never writes `history/`), asserting success.
    pub fn preview_ok(&self, now: &str) -> Output {
        let out = self.run(&["build", "--now", now]);
        assert!(out.status.success(), "build failed:\n{}", stderr(&out));
        out
    }

    /// `publish --now DATE`, asserting failure; returns stderr.
    pub fn build_err(&self, now: &str) -> String {
        let out = self.run(&["publish", "--now", now]);
        assert!(
            !out.status.success(),
            "build should have failed; stderr:\n{}",
            stderr(&out)
        );
        assert_eq!(out.status.code(), Some(1), "exit code 1 on bad input");
        let err = stderr(&out);
        assert!(!err.contains("panicked"), "no panic: {err}");
        err
    }

    /// Parsed HTML of an output file (`public/…`).
    pub fn html(&self, rel: &str) -> scraper::Html {
        scraper::Html::parse_document(&self.read(rel))
    }

    /// Every file under `public/`, relative paths, sorted.
    pub fn output_files(&self) -> Vec<PathBuf> {
        let base = self.path().join("public");
        let mut v: Vec<PathBuf> = walkdir::WalkDir::new(&base)
            .into_iter()
            .flatten()
            .filter(|e| e.file_type().is_file())
            .map(|e| e.path().strip_prefix(&base).expect("prefix").to_path_buf())
            .collect();
        v.sort();
        v
    }
}

/// The `<loc>` of every entry of a sitemap (parsed as XML).
pub fn sitemap_locs(text: &str) -> Vec<String> {
    let mut locs = Vec::new();
    let mut reader = quick_xml::Reader::from_str(text);
    let mut in_loc = false;
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Start(e)) => in_loc = e.name().as_ref() == b"loc",
            Ok(quick_xml::events::Event::Text(t)) if in_loc => {
                locs.push(String::from_utf8_lossy(t.as_ref()).into_owned());
            }
            Ok(quick_xml::events::Event::End(_)) => in_loc = false,
            Ok(quick_xml::events::Event::Eof) => break,
            Err(e) => panic!("sitemap.xml is not XML: {e}"),
            _ => {}
        }
    }
    locs
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Text of every element matching `selector`, whitespace-squeezed.
pub fn texts(doc: &scraper::Html, selector: &str) -> Vec<String> {
    let sel = scraper::Selector::parse(selector).expect("selector");
    doc.select(&sel)
        .map(|e| {
            e.text()
                .collect::<Vec<_>>()
                .join(" ")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

pub fn copy_dir(src: &Path, dst: &Path) {
    for e in walkdir::WalkDir::new(src).into_iter().flatten() {
        let rel = e.path().strip_prefix(src).expect("prefix");
        let target = dst.join(rel);
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
        } else if e.file_type().is_file() {
            std::fs::create_dir_all(target.parent().expect("parent")).expect("mkdir");
            std::fs::copy(e.path(), &target).expect("copy");
        }
    }
}

/// Two output snapshots hold the same files with the same bytes (more than 20 files,
/// so an empty or failed build never passes); a failure names the files that differ.
pub fn assert_same_output(a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>) {
    assert!(a.len() > 20, "{:?}", a.keys());
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    let differ: Vec<&String> = a
        .iter()
        .filter(|(k, v)| b.get(*k) != Some(*v))
        .map(|(k, _)| k)
        .collect();
    assert!(differ.is_empty(), "files that differ: {differ:?}");
}

/// `build --now NOW` of `site` with the phase notes on (`CONGKHAI_TIMINGS`), which must
/// succeed: the output (every file's bytes, [`snapshot`]) and stderr.
pub fn build_with_timings(site: &Site, now: &str) -> (BTreeMap<String, Vec<u8>>, String) {
    let out = assert_cmd::Command::cargo_bin("congkhai")
        .expect("binary")
        .arg("--root")
        .arg(site.path())
        .args(["build", "--now", now])
        .env("CONGKHAI_TIMINGS", "1")
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .expect("run congkhai");
    assert!(out.status.success(), "build failed:\n{}", stderr(&out));
    (snapshot(&site.path().join("public")), stderr(&out))
}

/// Every entry under `dir` (files with their bytes, symlinks with their target), sorted:
/// equal snapshots mean byte-identical trees.
pub fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for e in walkdir::WalkDir::new(dir)
        .follow_links(false)
        .into_iter()
        .flatten()
    {
        let rel = e
            .path()
            .strip_prefix(dir)
            .expect("prefix")
            .to_string_lossy()
            .into_owned();
        let ft = e.file_type();
        let v = if ft.is_file() {
            std::fs::read(e.path()).expect("read")
        } else if ft.is_symlink() {
            let t = std::fs::read_link(e.path()).expect("link");
            format!("-> {}", t.display()).into_bytes()
        } else if ft.is_dir() {
            b"<dir>".to_vec()
        } else {
            b"<special>".to_vec()
        };
        out.insert(rel, v);
    }
    out
}

/// SHA-256 of every file under `dir`, keyed by relative path.
pub fn hash_tree(dir: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for e in walkdir::WalkDir::new(dir).into_iter().flatten() {
        if e.file_type().is_file() {
            let rel = e
                .path()
                .strip_prefix(dir)
                .expect("prefix")
                .to_string_lossy()
                .replace('\\', "/");
            let bytes = std::fs::read(e.path()).expect("read output file");
            out.insert(rel, sha256_hex(&bytes));
        }
    }
    out
}

/// SHA-256 as lowercase hex, computed here with `sha2` (not with the crate's own
/// `digest::sha256_hex`), so a test checks the published hashes independently.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
