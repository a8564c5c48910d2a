//! A province workspace (issue 18): `congkhai.toml` + `sites/<name>/`, `build --all`,
//! `--site`, a failing commune isolated, hostile site names, the province portal and its
//! catalogue, no personal data gathered across communes, and unchanged communes skipped.

use std::collections::BTreeMap;
use std::path::Path;

use crate::common::{Site, snapshot, stderr, texts};

const NOW: &str = "2026-11-23";

/// The three communes of the fixture: folder, name, host, the names on its
/// beneficiary list (unique to the commune).
const COMMUNES: [(&str, &str, &str, [&str; 2]); 3] = [
    (
        "phuong-dong",
        "Phường Đông Hà",
        "dongha",
        ["Vũ Thị Quỳnh Trâm", "Đặng Minh Khôi"],
    ),
    (
        "xa-bac",
        "Xã Bắc Sơn",
        "bacson",
        ["Hoàng Văn Thắng", "Lục Thị Xuyến"],
    ),
    (
        "xa-nam",
        "Xã Nam Phong",
        "namphong",
        ["Tạ Quang Vinh", "Mai Thị Hồng Nhung"],
    ),
];

fn congkhai() -> assert_cmd::Command {
    let mut c = assert_cmd::Command::cargo_bin("congkhai").expect("binary");
    c.env_remove("SOURCE_DATE_EPOCH")
        .env_remove("CONGKHAI_SECRET_KEY");
    c
}

/// `<tmp>/tinh`: `init --workspace`, three communes made by `init`, each with its own
/// beneficiary names and one coming service day; the communes use the shared (built-in)
/// theme, except the first, which keeps the copy `init` gave it.
fn workspace() -> Site {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("tinh");
    let out = congkhai()
        .args(["init", "--workspace"])
        .arg(&root)
        .args(["--province", "Thành phố Hà Nội"])
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", stderr(&out));
    let ws = Site::in_subdir(dir, root);
    ws.write(
        "congkhai.toml",
        "[workspace]\nname = \"Thành phố Hà Nội\"\ntheme = \"congkhai\"\n\n[rules]\nmin_posting_days = 30\n\n[province]\nbase_url = \"https://congkhai.hanoi.example.vn\"\n",
    );
    for (i, (site, name, host, people)) in COMMUNES.iter().enumerate() {
        let path = ws.path().join("sites").join(site);
        let out = congkhai()
            .arg("init")
            .arg(&path)
            .args(["--name", name, "--province", "Thành phố Hà Nội"])
            .output()
            .expect("run");
        assert!(out.status.success(), "{}", stderr(&out));
        let config = ws.read(&format!("sites/{site}/config.toml"));
        let config = config.replacen(
            &config
                .lines()
                .find(|l| l.starts_with("base_url"))
                .expect("base_url")
                .to_string(),
            &format!("base_url = \"https://{host}.example.gov.vn\""),
            1,
        );
        ws.write(&format!("sites/{site}/config.toml"), config);
        if i > 0 {
            std::fs::remove_dir_all(path.join("themes")).expect("rm themes");
        }
        let list = ws.read(&format!("sites/{site}/data/ho-tro/danh-sach.csv"));
        let list = list
            .replace("Nguyễn Văn Mẫu", people[0])
            .replace("Trần Thị Mẫu", people[1]);
        ws.write(&format!("sites/{site}/data/ho-tro/danh-sach.csv"), list);
        let schedule = ws.read(&format!("sites/{site}/data/lich-ho-tro/lich.csv"));
        let first = schedule.lines().nth(1).expect("a session").to_string();
        let (_, rest) = first.split_once(',').expect("csv");
        ws.write(
            &format!("sites/{site}/data/lich-ho-tro/lich.csv"),
            format!(
                "{schedule}{}03/12/2026,{rest}\n",
                if schedule.ends_with('\n') { "" } else { "\n" }
            ),
        );
    }
    ws
}

fn run(ws: &Site, args: &[&str]) -> std::process::Output {
    ws.run(&[args, &["--now", NOW]].concat())
}

/// The province portal (`public/index.html`): it lists the three communes and a
/// posting whose title contains `posting`. Returns the page for further checks.
fn province_lists(ws: &Site, posting: &str) -> scraper::Html {
    let page = ws.html("public/index.html");
    assert_eq!(texts(&page, "#xa-phuong h3 a").len(), 3);
    let postings = texts(&page, "#xa-phuong li a");
    assert!(
        postings.iter().any(|t| t.contains(posting)),
        "{posting} not among {postings:?}"
    );
    page
}

fn all_ok(ws: &Site) -> String {
    let out = run(ws, &["build", "--all"]);
    let err = stderr(&out);
    assert!(out.status.success(), "build --all failed:\n{err}");
    err
}

fn tree(ws: &Site, rel: &str) -> BTreeMap<String, Vec<u8>> {
    snapshot(&ws.path().join(rel))
}

#[test]
fn build_all_builds_every_commune_and_the_province_portal() {
    let ws = workspace();
    let err = all_ok(&ws);
    for (site, ..) in COMMUNES {
        assert!(
            ws.exists(&format!("sites/{site}/public/index.html")),
            "{site}"
        );
        assert!(err.contains(site), "summary names {site}:\n{err}");
    }
    assert!(err.contains("3/3"), "{err}");
    // The shared [rules] reached every site: a site of the workspace is a portal.
    let page = ws.html("public/index.html");
    let names = texts(&page, "#xa-phuong h3 a");
    let mut want: Vec<String> = COMMUNES.iter().map(|c| c.1.to_string()).collect();
    want.sort();
    let mut got = names.clone();
    got.sort();
    assert_eq!(got, want);
    let links: Vec<String> = page
        .select(&scraper::Selector::parse("#xa-phuong h3 a").unwrap())
        .filter_map(|a| a.value().attr("href").map(str::to_string))
        .collect();
    for (_, _, host, _) in COMMUNES {
        let home = format!("https://{host}.example.gov.vn/");
        assert!(links.contains(&home), "{home} in {links:?}");
    }
    // Each commune's newest postings link into its own site.
    let postings: Vec<String> = page
        .select(&scraper::Selector::parse("#xa-phuong li a").unwrap())
        .filter_map(|a| a.value().attr("href").map(str::to_string))
        .collect();
    for (_, _, host, _) in COMMUNES {
        assert!(
            postings
                .iter()
                .any(|u| u.starts_with(&format!("https://{host}.example.gov.vn/"))),
            "{host}: {postings:?}"
        );
    }
    // Active warnings and coming service days across the province, each named with
    // its commune.
    let warnings = texts(&page, "#canh-bao li");
    let sessions = texts(&page, "#lich-phuc-vu tbody tr");
    for (_, name, ..) in COMMUNES {
        assert!(
            warnings.iter().any(|w| w.contains(name)),
            "{name}: {warnings:?}"
        );
        assert!(
            sessions
                .iter()
                .any(|s| s.contains(name) && s.contains("03/12/2026")),
            "{name}: {sessions:?}"
        );
    }
}

#[test]
fn province_catalogue_holds_every_communes_datasets() {
    let ws = workspace();
    all_ok(&ws);
    let cat: serde_json::Value =
        serde_json::from_str(&ws.read("public/du-lieu-mo/catalog.jsonld")).unwrap();
    assert_eq!(cat["@type"], "dcat:Catalog");
    assert_eq!(
        cat["@id"],
        "https://congkhai.hanoi.example.vn/du-lieu-mo/catalog.jsonld"
    );
    let datasets = cat["dcat:dataset"].as_array().unwrap();
    let parts = cat["dcat:catalog"].as_array().unwrap();
    for (site, _, host, _) in COMMUNES {
        let base = format!("https://{host}.example.gov.vn/");
        // Every dataset of the commune's own catalogue, with the same id.
        let own: serde_json::Value = serde_json::from_str(
            &ws.read(&format!("sites/{site}/public/du-lieu-mo/catalog.jsonld")),
        )
        .unwrap();
        let own_ids: Vec<&serde_json::Value> = own["dcat:dataset"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| &d["@id"])
            .collect();
        assert!(!own_ids.is_empty(), "{site} has datasets");
        for id in &own_ids {
            assert!(
                datasets.iter().any(|d| &&d["@id"] == id),
                "{id} in the province catalogue"
            );
            assert!(id.as_str().unwrap().starts_with(&base), "{id}");
        }
        assert!(
            parts
                .iter()
                .any(|p| p["@id"] == format!("{base}du-lieu-mo/catalog.jsonld")),
            "{site}'s catalogue is part of the province's"
        );
    }
}

/// The names on the communes' beneficiary lists never reach the province portal.
#[test]
fn no_personal_data_is_gathered_across_communes() {
    let ws = workspace();
    all_ok(&ws);
    let out = tree(&ws, "public");
    assert!(out.len() >= 2, "{:?}", out.keys());
    for (site, _, _, people) in COMMUNES {
        for person in people {
            // The commune publishes its list (the law requires it)…
            let own = tree(&ws, &format!("sites/{site}/public"));
            assert!(
                own.values()
                    .any(|b| String::from_utf8_lossy(b).contains(person)),
                "{person} is on {site}'s own list"
            );
            // …the province never does, in any file.
            for (rel, bytes) in &out {
                let text = String::from_utf8_lossy(bytes);
                assert!(!text.contains(person), "{person} in province {rel}");
                let folded = text.to_lowercase();
                assert!(
                    !folded.contains(&person.to_lowercase()),
                    "{person} in {rel}"
                );
            }
        }
    }
}

#[test]
fn a_broken_commune_is_reported_and_the_others_are_built() {
    let ws = workspace();
    all_ok(&ws);
    let before = tree(&ws, "sites/xa-bac/public");
    // A new posting in one commune, a broken data file in another.
    ws.write(
        "sites/phuong-dong/content/van-ban/thong-bao-moi.md",
        format!(
            "+++\ntitle = \"Thông báo lịch tiếp dân tháng 12\"\ndate = 2026-11-20\n{}+++\nNội dung.\n",
            crate::common::APPROVAL
        ),
    );
    ws.write(
        "sites/xa-bac/data/ho-tro/danh-sach.csv",
        "STT,Họ và tên,Thôn,Diện,Số tiền\n1,Hoàng Văn Thắng,Thôn 1,Hộ nghèo,không phải số\n",
    );
    let out = run(&ws, &["build", "--all"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    // The failing site's errors, named with the site and the file.
    let lines: Vec<&str> = err.lines().filter(|l| l.starts_with("[xa-bac]")).collect();
    assert!(lines.iter().any(|l| l.contains("danh-sach.csv")), "{err}");
    assert!(
        !err.contains("[phuong-dong]") && !err.contains("[xa-nam]"),
        "{err}"
    );
    assert!(err.contains("2/3"), "{err}");
    // Its last output is exactly as it was.
    assert_eq!(tree(&ws, "sites/xa-bac/public"), before);
    // The others were built, with the new posting.
    let titles = texts(&ws.html("sites/phuong-dong/public/van-ban/index.html"), "a");
    assert!(
        titles
            .iter()
            .any(|t| t.contains("Thông báo lịch tiếp dân tháng 12")),
        "{titles:?}"
    );
    // The province portal lists all three, the broken one from its last good build.
    province_lists(&ws, "Thông báo lịch tiếp dân tháng 12");
}

#[test]
fn site_builds_one_site_only() {
    let ws = workspace();
    let out = run(&ws, &["build", "--site", "xa-nam"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(ws.exists("sites/xa-nam/public/index.html"));
    assert!(!ws.exists("sites/xa-bac/public"));
    assert!(!ws.exists("sites/phuong-dong/public"));
    // An unknown site is refused with the closest name.
    let out = run(&ws, &["build", "--site", "xa-nan"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("xa-nam"), "{}", stderr(&out));
}

#[test]
fn check_and_verify_run_on_every_site() {
    let ws = workspace();
    let out = run(&ws, &["check", "--all"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!ws.exists("sites/xa-nam/public"), "check writes nothing");
    all_ok(&ws);
    let out = ws.run(&["verify", "--all"]);
    assert!(out.status.success(), "{}", stderr(&out));
    // An edited output file fails that site's verification only.
    let index = ws.path().join("sites/xa-nam/public/index.html");
    let mut text = std::fs::read_to_string(&index).unwrap();
    text.push_str("<!-- sửa -->");
    std::fs::write(&index, text).unwrap();
    let out = ws.run(&["verify", "--all"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.lines().any(|l| l.starts_with("[xa-nam]")), "{err}");
    assert!(!err.lines().any(|l| l.starts_with("[xa-bac]")), "{err}");
}

#[test]
fn hostile_site_names_are_refused() {
    let ws = workspace();
    // A site that a path escape would reach, outside `sites/`.
    let outside = ws.path().parent().unwrap().join("x");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(
        outside.join("config.toml"),
        "base_url = \"https://x.example\"\n",
    )
    .unwrap();
    for name in [
        "../x",
        "../../x",
        "/etc",
        "sites/xa-nam",
        "..",
        "XA-NAM",
        "xã-nam",
    ] {
        let out = run(&ws, &["build", "--site", name]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{name}: {err}");
        assert!(err.contains("không hợp lệ"), "{name}: {err}");
        assert!(!outside.join("public").exists(), "{name}");
    }
    // A link in `sites/` is refused too, by name.
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(&outside, ws.path().join("sites/lien-ket")).unwrap();
        let out = run(&ws, &["build", "--all"]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert!(err.contains("lien-ket"), "{err}");
        assert!(!outside.join("public").exists());
    }
}

#[test]
fn init_workspace_makes_an_empty_province_repository() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("tinh");
    let out = congkhai()
        .args(["init", "--workspace"])
        .arg(&root)
        .args(["--province", "Tỉnh Thanh Hóa"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = std::fs::read_to_string(root.join("congkhai.toml")).unwrap();
    let t: toml::Table = text.parse().unwrap();
    assert_eq!(t["workspace"]["name"].as_str(), Some("Tỉnh Thanh Hóa"));
    assert!(root.join("sites").is_dir());
    // No sites yet: build --all has nothing to do and says so.
    let out = congkhai()
        .arg("--root")
        .arg(&root)
        .args(["build", "--all", "--now", NOW])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("0/0"), "{}", stderr(&out));
    // Never over a folder that is not empty.
    let out = congkhai()
        .args(["init", "--workspace"])
        .arg(&root)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn shared_rules_errors_name_congkhai_toml() {
    let ws = workspace();
    ws.write(
        "congkhai.toml",
        "[workspace]\nname = \"Thành phố Hà Nội\"\n[rules]\nmin_posting_dayz = 30\n",
    );
    let out = run(&ws, &["build", "--all"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("congkhai.toml"), "{err}");
    assert!(!Path::new(&ws.path().join("sites/xa-nam/public")).exists());
}

/// Each site's result in the summary table of a `build --all`: "xong" (built),
/// "không" (không đổi: skipped, nothing changed) or "LỖI".
fn results(err: &str) -> BTreeMap<String, String> {
    err.lines()
        .filter_map(|l| {
            let mut words = l.split_whitespace();
            let site = words.next()?;
            COMMUNES
                .iter()
                .any(|c| c.0 == site)
                .then(|| (site.to_string(), words.next().unwrap_or("").to_string()))
        })
        .collect()
}

#[test]
fn unchanged_communes_are_skipped_and_keep_their_province_summary() {
    let ws = workspace();
    // The nightly job publishes; a portal's build is cached once its output is the
    // published one. publish writes no cache: the next build fingerprints every site.
    let out = run(&ws, &["publish", "--all"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let first = all_ok(&ws);
    assert!(results(&first).values().all(|r| r == "xong"), "{first}");
    let province = tree(&ws, "public");
    let communes: Vec<_> = COMMUNES
        .iter()
        .map(|c| tree(&ws, &format!("sites/{}/public", c.0)))
        .collect();
    // Nothing changed: every site skipped, outputs and the province portal as they were.
    let err = all_ok(&ws);
    assert!(results(&err).values().all(|r| r == "không"), "{err}");
    assert_eq!(results(&err).len(), 3, "{err}");
    for (c, before) in COMMUNES.iter().zip(&communes) {
        assert_eq!(
            &tree(&ws, &format!("sites/{}/public", c.0)),
            before,
            "{}",
            c.0
        );
    }
    assert_eq!(tree(&ws, "public"), province);
    assert!(err.contains("Trang cấp tỉnh (không đổi)"), "{err}");
    // The province portal touched by hand: built again (its communes still skipped).
    std::fs::write(ws.path().join("public/index.html"), "hỏng").unwrap();
    let err = all_ok(&ws);
    assert!(results(&err).values().all(|r| r == "không"), "{err}");
    assert!(!err.contains("(không đổi)"), "{err}");
    assert_eq!(tree(&ws, "public"), province);
    // What the portal remembers, damaged: built again, never trusted.
    std::fs::write(ws.path().join(".congkhai/tinh.json"), "{\"format\": 3").unwrap();
    let err = all_ok(&ws);
    assert!(!err.contains("(không đổi)"), "{err}");
    assert_eq!(tree(&ws, "public"), province);
    assert!(all_ok(&ws).contains("Trang cấp tỉnh (không đổi)"));
    // One new posting in one commune: that commune alone is built, and the province
    // portal shows the posting beside the others' kept summaries.
    ws.write(
        "sites/xa-nam/content/van-ban/thong-bao-moi.md",
        format!(
            "+++\ntitle = \"Thông báo lịch tiếp công dân tháng 12\"\ndate = 2026-11-21\n{}+++\nNội dung.\n",
            crate::common::APPROVAL
        ),
    );
    let err = all_ok(&ws);
    let r = results(&err);
    assert_eq!(r["xa-nam"], "xong", "{err}");
    assert_eq!(r["xa-bac"], "không", "{err}");
    assert_eq!(r["phuong-dong"], "không", "{err}");
    assert!(!err.contains("(không đổi)"), "{err}");
    let page = province_lists(&ws, "Thông báo lịch tiếp công dân tháng 12");
    for (_, name, ..) in COMMUNES {
        assert!(
            texts(&page, "#canh-bao li")
                .iter()
                .any(|w| w.contains(name)),
            "{name} keeps its warning on the province page"
        );
    }
    // A summary that is missing (or taken off another output) is not trusted: that
    // commune is built again, the others skipped (xa-nam too: unpublished since its
    // edit, but unchanged since its last build).
    std::fs::remove_file(ws.path().join(".congkhai/tom-tat/xa-bac.json")).unwrap();
    let err = all_ok(&ws);
    let r = results(&err);
    assert_eq!(r["xa-bac"], "xong", "{err}");
    assert_eq!(r["phuong-dong"], "không", "{err}");
    assert_eq!(r["xa-nam"], "không", "{err}");
    assert_eq!(
        texts(&ws.html("public/index.html"), "#xa-phuong h3 a").len(),
        3
    );
    // The workspace's own files are inputs of every site (its shared theme and rules):
    // any edit of congkhai.toml rebuilds them all; --force builds all of them too.
    let toml = ws.read("congkhai.toml");
    ws.write("congkhai.toml", format!("{toml}\n# Sửa ngày 23/11/2026.\n"));
    let err = all_ok(&ws);
    assert!(results(&err).values().all(|r| r == "xong"), "{err}");
    let out = run(&ws, &["build", "--all", "--force"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        results(&stderr(&out)).values().all(|r| r == "xong"),
        "{}",
        stderr(&out)
    );
}
