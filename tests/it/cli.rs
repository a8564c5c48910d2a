//! The command line as Zola users type it (docs/cli.md): `-r`, `-c`, `build -o -u -f
//! --drafts --minify`, `serve -i -p -o -u -O -f --no-port-append`, `check
//! --skip-external-links`, `init [DIR] -f`, `completion SHELL`; each flag's effect read
//! from the output, and hostile output folders refused with nothing deleted.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::{Site, stderr};

const NOW: &str = "2026-11-23";

fn congkhai() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_congkhai"));
    c.env_remove("SOURCE_DATE_EPOCH")
        .env_remove("CONGKHAI_SECRET_KEY")
        .env_remove("BROWSER");
    c
}

fn run(c: &mut Command) -> Output {
    c.output().expect("run congkhai")
}

/// The `<loc>` of every entry of a sitemap.
fn sitemap_locs(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).expect("sitemap.xml");
    let locs = common::sitemap_locs(&text);
    assert!(!locs.is_empty(), "sitemap without entries");
    locs
}

fn title_of(path: &Path) -> String {
    let html = std::fs::read_to_string(path).expect("html");
    let doc = scraper::Html::parse_document(&html);
    common::texts(&doc, "title").join(" ")
}

#[test]
fn output_dir_and_base_url_override() {
    let site = Site::fixture("core/zola");
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("dau-ra");
    let o = run(congkhai()
        .arg("-r")
        .arg(site.path())
        .args(["build", "--now", NOW, "-o"])
        .arg(&out)
        .args(["-u", "https://thu.example.vn"]));
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!site.exists("public"), "-o writes only there");
    let locs = sitemap_locs(&out.join("sitemap.xml"));
    for l in &locs {
        assert!(l.starts_with("https://thu.example.vn/"), "{l}");
    }
    // Without -u, the config's base_url.
    let o = run(congkhai()
        .arg("--root")
        .arg(site.path())
        .args(["build", "--now", NOW]));
    assert!(o.status.success(), "{}", stderr(&o));
    for l in sitemap_locs(&site.path().join("public/sitemap.xml")) {
        assert!(l.starts_with("https://zola.example.vn/"), "{l}");
    }
}

#[test]
fn config_flag_picks_another_file() {
    let site = Site::fixture("core/zola");
    let staging = site
        .read("config.toml")
        .replace("https://zola.example.vn", "https://staging.example.vn")
        .replace("Trang Zola thuần", "Bản thử trên máy chủ staging");
    site.write("config.staging.toml", &staging);
    let o = site.run(&["-c", "config.staging.toml", "build", "--now", NOW]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        title_of(&site.path().join("public/index.html")).contains("Bản thử trên máy chủ staging")
    );
    for l in sitemap_locs(&site.path().join("public/sitemap.xml")) {
        assert!(l.starts_with("https://staging.example.vn/"), "{l}");
    }
    // The flag after the subcommand works too (global), and so does `check`.
    let o = site.run(&["check", "--config", "config.staging.toml", "--now", NOW]);
    assert!(o.status.success(), "{}", stderr(&o));

    // Errors name the file in use.
    site.write("config.loi.toml", format!("{staging}tieu_de = \"x\"\n"));
    let o = site.run(&["-c", "config.loi.toml", "build", "--now", NOW]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("config.loi.toml"), "{err}");
    assert!(err.contains("tieu_de"), "{err}");
    // The file's name is part of parsing, not patched into messages afterwards: a
    // message that names the file in its text names this one.
    site.write(
        "config.loi.toml",
        format!("{staging}\n[languages.vi]\ntitle = \"Trùng\"\n"),
    );
    let o = site.run(&["-c", "config.loi.toml", "build", "--now", NOW]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("ở đầu config.loi.toml và trong [languages.vi]"),
        "{err}"
    );
    // Personal data in the file in use: the privacy scanner finds its line there.
    site.write(
        "config.rieng.toml",
        staging.replace("Bản thử trên máy chủ staging", "Bản thử CCCD 001085012345"),
    );
    let o = site.run(&["-c", "config.rieng.toml", "build", "--now", NOW]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("config.rieng.toml:"), "{err}");
    let o = site.run(&["-c", "khong-co.toml", "build", "--now", NOW]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("khong-co.toml") && err.contains("--config"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn zola_toml_is_read_as_zola_next_does() {
    let site = Site::fixture("core/zola");
    let zola = site
        .read("config.toml")
        .replace("Trang Zola thuần", "Trang đọc từ zola.toml");
    std::fs::rename(
        site.path().join("config.toml"),
        site.path().join("config.toml.cu"),
    )
    .unwrap();
    site.write("zola.toml", zola);
    site.preview_ok(NOW);
    assert!(title_of(&site.path().join("public/index.html")).contains("Trang đọc từ zola.toml"));
}

#[test]
fn force_replaces_a_foreign_folder_only_after_a_good_build() {
    let site = Site::fixture("core/zola");
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("www");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("cua-nguoi-khac.txt"), "giữ nguyên").unwrap();
    let build = |extra: &[&str]| {
        run(congkhai()
            .arg("-r")
            .arg(site.path())
            .args(["build", "--now", NOW, "-o"])
            .arg(&out)
            .args(extra))
    };
    // Without --force: refused, untouched, and the hint names --force.
    let o = build(&[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("--force"), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(out.join("cua-nguoi-khac.txt")).unwrap(),
        "giữ nguyên"
    );
    // --force with a build that fails: still untouched, not even marked.
    site.write("content/hong.md", "+++\ntitle = \n+++\n");
    let o = build(&["--force"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(out.join("cua-nguoi-khac.txt").is_file());
    assert!(!out.join(".congkhai-output").exists());
    // --force with a good build: replaced by the site.
    std::fs::remove_file(site.path().join("content/hong.md")).unwrap();
    let o = build(&["-f"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!out.join("cua-nguoi-khac.txt").exists());
    assert!(title_of(&out.join("index.html")).contains("Trang Zola thuần"));
    // Now congkhai's own: the next build needs no --force.
    let o = build(&[]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn hostile_output_dirs_are_refused_even_with_force() {
    let site = Site::fixture("core/zola");
    let work = tempfile::tempdir().unwrap();
    let file = work.path().join("tep.txt");
    std::fs::write(&file, "nội dung").unwrap();
    let home = work.path().join("nha");
    std::fs::create_dir_all(home.join("tai-lieu")).unwrap();
    std::fs::write(home.join("tai-lieu/a.txt"), "a").unwrap();
    let repo = work.path().join("kho");
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    std::fs::write(repo.join("README"), "r").unwrap();
    let cases: Vec<(PathBuf, &str)> = vec![
        (PathBuf::from("/"), "thư mục gốc của trang"),
        (site.path().to_path_buf(), "thư mục gốc của trang"),
        (site.path().join("content"), "thư mục nguồn content/"),
        (file.clone(), "không phải thư mục"),
        (work.path().to_path_buf(), "HOME"),
        (home.clone(), "HOME"),
        (repo.clone(), "kho git"),
    ];
    // Build locks (`.congkhai-lock-NAME`, empty files beside the output) may appear;
    // nothing else may change.
    let files = |dir: &Path| {
        let mut m = common::snapshot(dir);
        m.retain(|k, _| !k.contains(".congkhai-lock-"));
        m
    };
    let before = files(work.path());
    let site_before = files(site.path());
    for (target, why) in cases {
        let o = run(congkhai()
            .env("HOME", home.join("tai-lieu"))
            .arg("-r")
            .arg(site.path())
            .args(["build", "--now", NOW, "--force", "-o"])
            .arg(&target));
        assert_eq!(
            o.status.code(),
            Some(1),
            "{}: {}",
            target.display(),
            stderr(&o)
        );
        let err = stderr(&o);
        assert!(err.contains(why), "{}: want {why}: {err}", target.display());
        assert!(!err.contains("panicked"), "{err}");
    }
    assert_eq!(files(work.path()), before, "nothing changed");
    assert_eq!(files(site.path()), site_before, "site untouched");
}

#[test]
fn minify_flag_minifies_html() {
    let site = Site::fixture("core/zola");
    let work = tempfile::tempdir().unwrap();
    let (plain, small) = (work.path().join("a"), work.path().join("b"));
    for (out, extra) in [(&plain, None), (&small, Some("--minify"))] {
        let mut c = congkhai();
        c.arg("-r")
            .arg(site.path())
            .args(["build", "--now", NOW, "-o"])
            .arg(out);
        if let Some(f) = extra {
            c.arg(f);
        }
        let o = run(&mut c);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let page = "tin-tuc/index.html";
    let (a, b) = (
        std::fs::read_to_string(plain.join(page)).unwrap(),
        std::fs::read_to_string(small.join(page)).unwrap(),
    );
    assert!(b.len() < a.len(), "minified {} >= {}", b.len(), a.len());
    assert_eq!(title_of(&plain.join(page)), title_of(&small.join(page)));
    let links = |s: &str| common::texts(&scraper::Html::parse_document(s), "a");
    assert_eq!(links(&a), links(&b));
}

#[test]
fn check_accepts_zola_flags() {
    let site = Site::fixture("core/zola");
    let o = site.run(&["check", "--skip-external-links", "--drafts", "--now", NOW]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!site.exists("public") && !site.exists("public-preview"));
    let help = run(congkhai().args(["check", "--help"]));
    let text = String::from_utf8_lossy(&help.stdout).into_owned();
    let line = text
        .lines()
        .find(|l| l.contains("--skip-external-links"))
        .expect("flag listed");
    assert!(line.contains("không bao giờ truy cập mạng"), "{line}");
}

#[test]
fn every_flag_has_vietnamese_help() {
    // Vietnamese text has letters with diacritics (ă, ê, ơ, đ, ạ…); the English glosses
    // in parentheses have none.
    let vietnamese = |l: &str| l.chars().any(|c| c.is_alphabetic() && !c.is_ascii());
    for cmd in [
        "build",
        "publish",
        "serve",
        "check",
        "init",
        "verify",
        "keygen",
        "sign",
        "completion",
    ] {
        let o = run(congkhai().args([cmd, "--help"]));
        assert!(o.status.success(), "{cmd}");
        let text = String::from_utf8_lossy(&o.stdout).into_owned();
        let mut seen = 0;
        for line in text.lines() {
            let t = line.trim_start();
            let is_option = t.starts_with('-') && line.starts_with(' ');
            if !is_option || t.starts_with("-h, --help") || t.starts_with("-V, --version") {
                continue;
            }
            seen += 1;
            assert!(vietnamese(t), "{cmd}: no Vietnamese help: {t}");
        }
        assert!(
            seen > 0 || cmd == "completion",
            "{cmd}: no options read:\n{text}"
        );
    }
    // Every global and Zola flag is offered where Zola offers it.
    let help = |cmd: &str| {
        String::from_utf8_lossy(&run(congkhai().args([cmd, "--help"])).stdout).into_owned()
    };
    for (cmd, flags) in [
        (
            "build",
            &[
                "-r, --root",
                "-c, --config",
                "-o, --output-dir",
                "-u, --base-url",
                "-f, --force",
                "--drafts",
                "--minify",
                "--now",
            ][..],
        ),
        (
            "serve",
            &[
                "-i, --interface",
                "-p, --port",
                "-o, --output-dir",
                "-u, --base-url",
                "-O, --open",
                "-f, --fast",
                "--force",
                "--drafts",
                "--no-port-append",
            ][..],
        ),
        ("init", &["-f, --force", "[DIR]"][..]),
    ] {
        let text = help(cmd);
        for f in flags {
            assert!(text.contains(f), "{cmd} lacks {f}:\n{text}");
        }
    }
}

#[test]
fn completions_for_every_shell() {
    let work = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let o = run(congkhai().args(["completion", shell]));
        assert!(o.status.success(), "{shell}: {}", stderr(&o));
        let text = String::from_utf8_lossy(&o.stdout).into_owned();
        for word in ["congkhai", "build", "serve", "publish", "output-dir"] {
            assert!(text.contains(word), "{shell} completion lacks {word}");
        }
        if shell == "bash" {
            let file = work.path().join("congkhai.bash");
            std::fs::write(&file, &text).unwrap();
            let syntax = Command::new("bash").arg("-n").arg(&file).output().unwrap();
            assert!(syntax.status.success(), "bash -n: {}", stderr(&syntax));
            // Sourcing it registers the completion function for `congkhai`.
            let reg = Command::new("bash")
                .arg("-c")
                .arg(format!("source {} && complete -p congkhai", file.display()))
                .output()
                .unwrap();
            assert!(reg.status.success(), "{}", stderr(&reg));
            assert!(String::from_utf8_lossy(&reg.stdout).contains("congkhai"));
        }
    }
    let bad = run(congkhai().args(["completion", "cmd.exe"]));
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn init_in_current_folder_and_force() {
    let work = tempfile::tempdir().unwrap();
    let dir = work.path().join("xa");
    std::fs::create_dir_all(dir.join(".git")).unwrap();
    // Hidden entries do not count (as Zola); DIR defaults to the current folder.
    let o = run(congkhai()
        .current_dir(&dir)
        .args(["init", "--name", "Xã Kon Braih"]));
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(dir.join("config.toml").is_file());
    // Again: refused; with --force, still no file overwritten.
    std::fs::write(dir.join("config.toml"), "# của xã\n").unwrap();
    let o = run(congkhai().current_dir(&dir).arg("init"));
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("--force"), "{}", stderr(&o));
    let o = run(congkhai().current_dir(&dir).args(["init", "-f"]));
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("không ghi đè"), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(dir.join("config.toml")).unwrap(),
        "# của xã\n"
    );
    // --force into a folder with unrelated files: made, the files kept.
    let other = work.path().join("co-san");
    std::fs::create_dir_all(&other).unwrap();
    std::fs::write(other.join("ghi-chu.txt"), "giữ").unwrap();
    let o = run(congkhai().arg("init").arg(&other).arg("--force"));
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(other.join("config.toml").is_file());
    assert_eq!(
        std::fs::read_to_string(other.join("ghi-chu.txt")).unwrap(),
        "giữ"
    );
}

/// A running `serve`, killed on drop.
struct Running(std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn wait_until(what: &str, ok: impl Fn() -> bool) {
    let start = Instant::now();
    while !ok() {
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "timed out: {what}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn serve_output_dir_base_url_and_open() {
    let site = Site::fixture("core/zola");
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("xem-thu");
    let opened = work.path().join("da-mo.txt");
    let browser = work.path().join("trinh-duyet.sh");
    std::fs::write(
        &browser,
        format!("#!/bin/sh\nprintf '%s' \"$1\" > '{}'\n", opened.display()),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&browser, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .unwrap()
        .port();
    let _child = Running(
        congkhai()
            .env("BROWSER", &browser)
            .arg("-r")
            .arg(site.path())
            .args(["serve", "-i", "127.0.0.1", "-p", &port.to_string()])
            .args(["--now", NOW, "-O", "--fast", "--no-port-append"])
            .args(["-u", "http://cong.example.vn/"])
            .arg("-o")
            .arg(&out)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start serve"),
    );
    // The script's `>` creates the file before writing: wait for its text.
    wait_until("the browser to be started", || {
        std::fs::read_to_string(&opened).is_ok_and(|s| s.ends_with('/'))
    });
    assert_eq!(
        std::fs::read_to_string(&opened).unwrap(),
        format!("http://127.0.0.1:{port}/")
    );
    wait_until("the site in -o", || out.join("sitemap.xml").is_file());
    for l in sitemap_locs(&out.join("sitemap.xml")) {
        assert!(l.starts_with("http://cong.example.vn/"), "{l}");
    }
    assert!(!site.exists("public"));
}
