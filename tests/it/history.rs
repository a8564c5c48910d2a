//! History that survives a dishonest insider: `build` never writes `history/`,
//! `publish` signs and records, `verify` checks signatures and (`--since`) that the chain
//! extends an earlier saved copy, and a changed record needs a correction note.
use crate::common;
use crate::common::sha256_hex;
use common::*;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const CHAIN: &str = "public/cong-khai/lich-su/chuoi";

fn page(title: &str, extra_fm: &str, body: &str) -> String {
    format!("+++\ntitle = \"{title}\"\ndate = 2026-06-02\n{extra_fm}\n{APPROVAL}+++\n\n{body}\n")
}

/// A portal with one approved page that has an attachment (the record whose changes the
/// correction tests make).
fn small_site() -> Site {
    let site = Site::new(PORTAL_CONFIG);
    site.write(
        "content/thong-bao/_index.md",
        "+++\ntitle = \"Thông báo\"\n+++\n",
    );
    write_notice(&site, "", "Tiếp công dân sáng thứ Năm.");
    site.write("content/thong-bao/ke-hoach/ke-hoach.pdf", b"%PDF-1.4 ban 1");
    site
}

/// The approved page `thong-bao/ke-hoach/index.md`, with `extra` at the top of its
/// front matter (a `correction = "…"` line).
fn write_notice(site: &Site, extra: &str, body: &str) {
    site.write(
        "content/thong-bao/ke-hoach/index.md",
        page(
            "Kế hoạch tiếp công dân",
            &format!("{extra}\n[[attachments]]\nfile = \"ke-hoach.pdf\"\n"),
            body,
        ),
    );
}

/// The text of each element matching `selector`, as a reader sees it (text nodes
/// joined as they are, spaces collapsed).
fn shown(doc: &scraper::Html, selector: &str) -> Vec<String> {
    let sel = scraper::Selector::parse(selector).unwrap();
    doc.select(&sel)
        .map(|e| {
            e.text()
                .collect::<String>()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

/// An edit of the published notice, with its reason (a correction note unique to `body`).
fn edit_notice(site: &Site, body: &str) {
    write_notice(
        site,
        &format!("correction = \"Cập nhật nội dung thông báo: {body}\""),
        body,
    );
}

fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    if !dir.is_dir() {
        return BTreeMap::new();
    }
    snapshot(dir)
}

fn entries(dir: &Path) -> Vec<String> {
    files(dir)
        .into_keys()
        .filter(|n| n.ends_with(".json") && !n.contains('/'))
        .collect()
}

fn manifest(site: &Site) -> serde_json::Value {
    serde_json::from_str(&site.read("public/cong-khai/manifest.json")).unwrap()
}

fn verify(site: &Site, extra: &[&str]) -> (bool, String) {
    let public = site.path().join("public");
    let mut args = vec!["verify", public.to_str().unwrap()];
    args.extend_from_slice(extra);
    let out = site.run(&args);
    (out.status.success(), stderr(&out))
}

/// A signed site: its own key pair, `[signing]` set, one publication recorded.
fn signed_site() -> (Site, tempfile::TempDir, PathBuf, String) {
    let site = small_site();
    let (guard, sk, pk) = site.keygen();
    site.set_signing_key(&pk);
    publish(&site, &sk, "2026-06-10");
    (site, guard, sk, pk)
}

fn publish(site: &Site, sk: &Path, now: &str) -> String {
    let out = site.run(&[
        "publish",
        "--now",
        now,
        "--secret-key",
        sk.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "publish failed:\n{}", stderr(&out));
    stderr(&out)
}

fn publish_err(site: &Site, sk: Option<&Path>, now: &str) -> String {
    let mut args = vec!["publish", "--now", now];
    if let Some(sk) = sk {
        args.extend(["--secret-key", sk.to_str().unwrap()]);
    }
    let out = site.run(&args);
    assert!(
        !out.status.success(),
        "publish should fail:\n{}",
        stderr(&out)
    );
    let err = stderr(&out);
    assert!(!err.contains("panicked"), "{err}");
    err
}

/// The demo with its committed history: a newcomer's first `build` leaves `history/`
/// byte for byte as it was (so `git status` stays clean), and its output is a faithful
/// preview: the next entry is there, marked as not recorded, and `verify` says so.
#[test]
fn a_plain_build_of_the_demo_leaves_history_untouched() {
    let site = Site::demo();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    copy_dir(&repo.join("history"), &site.path().join("history"));
    // The demo's own key, so its committed signatures check.
    let config = std::fs::read_to_string(repo.join("config.toml")).unwrap();
    site.write("config.toml", &config);
    // With [signing] the key file exists: the verification page as committed.
    let verify_page = "content/cong-khai/kiem-tra.md";
    site.write(verify_page, std::fs::read(repo.join(verify_page)).unwrap());
    // The committed history records the demo as it is; a new notice makes the next
    // publication differ, as a ward's day of work does.
    site.write(
        "content/van-ban/thong-bao-lich-tiep-dan.md",
        "+++\ntitle = \"Thông báo lịch tiếp công dân tháng 12/2026\"\ndate = 2026-11-20\n\n\
         [approval]\nby = \"Phạm Quang Thái\"\nrole = \"Chủ tịch UBND phường\"\n\
         decision = \"Thông báo số 120/TB-UBND\"\ndate = 2026-11-20\n+++\n\n\
         Chủ tịch UBND phường tiếp công dân vào sáng thứ Năm hằng tuần.\n",
    );
    let before = files(&site.path().join("history"));
    assert!(
        before.keys().any(|k| k.ends_with(".json.minisig")),
        "the demo's history is signed: {:?}",
        before.keys().collect::<Vec<_>>()
    );
    let out = site.preview_ok("2026-11-23");
    assert!(
        stderr(&out).contains("congkhai publish"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        files(&site.path().join("history")),
        before,
        "history/ untouched"
    );
    // A second build: still untouched, and the output is byte-identical.
    let first = files(&site.path().join("public"));
    site.preview_ok("2026-11-23");
    assert_eq!(files(&site.path().join("history")), before);
    assert_eq!(files(&site.path().join("public")), first, "deterministic");
    let recorded = entries(&site.path().join("history")).len();
    let published = entries(&site.path().join(CHAIN));
    assert_eq!(
        published.len(),
        recorded + 1,
        "the preview shows the next entry"
    );
    assert_eq!(manifest(&site)["chain"]["unrecorded"], true);
    let head = published.last().unwrap();
    assert!(
        !site.exists(&format!("{CHAIN}/{head}.minisig")),
        "not signed"
    );
    let (ok, err) = verify(&site, &[]);
    assert!(ok, "a preview verifies, with a warning: {err}");
    assert!(
        err.contains("CHƯA ĐƯỢC GHI") && err.contains(head.as_str()),
        "{err}"
    );
    // The committed entries' signatures check with the demo's published key.
    assert!(err.contains("chữ ký hợp lệ"), "{err}");
    // The history page says the newest entry is a preview.
    let doc = site.html("public/cong-khai/lich-su/index.html");
    assert_eq!(texts(&doc, ".history-entry__unrecorded").len(), 1);
}

/// `build` computes the same next entry as `publish`, never records it, and the next
/// `publish` accepts the preview in the output; a recorded entry deleted from `history/`
/// still stops both.
#[test]
fn build_previews_publish_records_and_deleted_entries_still_stop_both() {
    let site = small_site();
    site.preview_ok("2026-06-10");
    assert!(
        entries(&site.path().join("history")).is_empty(),
        "nothing recorded"
    );
    let preview_entry = site.read(&format!("{CHAIN}/0001-2026-06-10.json"));
    site.build_ok("2026-06-10"); // publish
    assert_eq!(
        entries(&site.path().join("history")),
        ["0001-2026-06-10.json"]
    );
    assert_eq!(
        site.read("history/0001-2026-06-10.json"),
        preview_entry,
        "the preview showed exactly the entry publish recorded"
    );
    assert!(manifest(&site)["chain"].get("unrecorded").is_none());
    // Unsigned portal: publishing warns that its history is unsigned.
    edit_notice(&site, "Tiếp công dân sáng thứ Sáu.");
    let out = site.run(&["publish", "--now", "2026-06-11"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("chưa được ký"), "{}", stderr(&out));
    // A preview on top, then the recorded entry 2 deleted from history/: refused by
    // build and publish alike, naming the loss.
    edit_notice(&site, "Tiếp công dân cả tuần.");
    site.preview_ok("2026-06-12");
    std::fs::remove_file(site.path().join("history/0002-2026-06-11.json")).unwrap();
    let out = site.run(&["build", "--now", "2026-06-12"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("bị xóa"), "{}", stderr(&out));
    let err = site.build_err("2026-06-12");
    assert!(err.contains("bị xóa"), "{err}");
}

/// Without `[signing]` no key is needed; with it `publish` refuses without the secret
/// key or with another one, and `build` never needs it.
#[test]
fn publish_needs_the_matching_secret_key_and_build_none() {
    let site = small_site();
    let (_g, sk, pk) = site.keygen();
    let (_g2, other, _) = site.keygen();
    site.set_signing_key(&pk);
    let err = publish_err(&site, None, "2026-06-10");
    assert!(
        err.contains("không có khóa bí mật") && err.contains("--secret-key"),
        "{err}"
    );
    let err = publish_err(&site, Some(&other), "2026-06-10");
    assert!(err.contains("không khớp khóa công khai"), "{err}");
    assert!(!site.exists("history"), "nothing recorded");
    site.preview_ok("2026-06-10");
    // The environment variable works like --secret-key.
    let out = assert_cmd::Command::cargo_bin("congkhai")
        .unwrap()
        .args([
            "--root",
            site.path().to_str().unwrap(),
            "publish",
            "--now",
            "2026-06-10",
        ])
        .env("CONGKHAI_SECRET_KEY", &sk)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(site.exists("history/0001-2026-06-10.json.minisig"));
    assert!(site.exists(&format!("{CHAIN}/0001-2026-06-10.json.minisig")));
    let pubfile = site.read("public/cong-khai/khoa-ky.pub");
    assert!(pubfile.lines().nth(1) == Some(pk.as_str()), "{pubfile}");
    let (ok, err) = verify(&site, &[]);
    assert!(ok && err.contains("1 mục có chữ ký hợp lệ"), "{err}");
}

/// keygen: never inside the site, never over an existing key, secret key mode 0600.
#[test]
fn keygen_keeps_the_secret_key_outside_the_site() {
    let site = small_site();
    let inside = site.path().join("khoa.key");
    let out = site.run(&["keygen", "--secret-key", inside.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("trong thư mục trang"),
        "{}",
        stderr(&out)
    );
    assert!(!inside.exists());
    let (_g, sk, pk) = site.keygen();
    assert!(pk.starts_with("RW"), "{pk}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&sk).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    let before = std::fs::read(&sk).unwrap();
    let out = site.run(&["keygen", "--secret-key", sk.to_str().unwrap()]);
    assert!(!out.status.success(), "no overwrite without --force");
    assert_eq!(std::fs::read(&sk).unwrap(), before);
    let out = site.run(&["keygen", "--secret-key", sk.to_str().unwrap(), "--force"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_ne!(std::fs::read(&sk).unwrap(), before);
}

/// `congkhai sign` adds the signatures entries recorded before the ward had a key lack,
/// never altering an entry; it refuses a tampered chain.
#[test]
fn sign_adds_missing_signatures_only() {
    let site = small_site();
    site.build_ok("2026-06-10");
    edit_notice(&site, "Tiếp công dân sáng thứ Sáu.");
    site.build_ok("2026-06-11");
    let before = files(&site.path().join("history"));
    let (_g, sk, pk) = site.keygen();
    site.set_signing_key(&pk);
    let out = site.run(&["sign", "--secret-key", sk.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let after = files(&site.path().join("history"));
    for (k, v) in &before {
        assert_eq!(after.get(k), Some(v), "{k} unchanged");
    }
    let added: Vec<&String> = after.keys().filter(|k| !before.contains_key(*k)).collect();
    assert_eq!(
        added,
        [
            "0001-2026-06-10.json.minisig",
            "0002-2026-06-11.json.minisig"
        ]
    );
    // Signing again adds nothing.
    let out = site.run(&["sign", "--secret-key", sk.to_str().unwrap()]);
    assert!(out.status.success());
    assert_eq!(files(&site.path().join("history")), after);
    // The next publication names the key; verify checks all three.
    edit_notice(&site, "Tiếp công dân cả tuần.");
    publish(&site, &sk, "2026-06-12");
    let (ok, err) = verify(&site, &[]);
    assert!(ok && err.contains("3 mục có chữ ký hợp lệ"), "{err}");
    // A tampered entry: sign refuses, naming it.
    std::fs::remove_file(site.path().join("history/0001-2026-06-10.json.minisig")).unwrap();
    let p = site.path().join("history/0001-2026-06-10.json");
    let s = std::fs::read_to_string(&p)
        .unwrap()
        .replace("Kế hoạch", "Kế hoạch mới");
    std::fs::write(&p, s).unwrap();
    let out = site.run(&["sign", "--secret-key", sk.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("0001-2026-06-10.json"),
        "{}",
        stderr(&out)
    );
    assert!(!site.exists("history/0001-2026-06-10.json.minisig"));
}

/// Tampering with a signed chain is caught: an entry edited and re-signed with another
/// key, and a signature file replaced by one another key made of the true entry.
#[test]
fn verify_rejects_a_signature_by_another_key() {
    use congkhai::trust::{chain::Entry, manifest, signing::Signer};
    let (site, _g, sk, _pk) = signed_site();
    write_notice(
        &site,
        "correction = \"Sửa giờ tiếp công dân theo thông báo mới\"",
        "Tiếp công dân sáng thứ Sáu.",
    );
    publish(&site, &sk, "2026-06-11");
    let (ok, err) = verify(&site, &[]);
    assert!(ok, "{err}");
    let pristine = save_copy(&site);
    let (_g2, other_sk, _) = site.keygen();
    let insider = Signer::load(&other_sk).unwrap();
    let chain = site.path().join(CHAIN);
    // 1. The newest entry edited (a title, its own hash fixed) and re-signed.
    let name = "0002-2026-06-11.json";
    let mut e: Entry = serde_json::from_slice(&std::fs::read(chain.join(name)).unwrap()).unwrap();
    e.items[0].title = "Tiêu đề bị sửa".into();
    e.items_sha256 = manifest::items_sha256(&e.items);
    let bytes = manifest::to_bytes(&e);
    std::fs::write(chain.join(name), &bytes).unwrap();
    let sig = insider.sign(name, 2, "2026-06-11", &bytes).unwrap();
    std::fs::write(chain.join(format!("{name}.minisig")), sig).unwrap();
    let (ok, err) = verify(&site, &[]);
    assert!(!ok, "an edited, re-signed entry must fail");
    assert!(err.contains(name) && err.contains("khóa"), "{err}");
    // 2. The true entry 1 with a signature the insider made of its exact bytes.
    std::fs::remove_dir_all(site.path().join("public")).unwrap();
    copy_dir(pristine.path(), &site.path().join("public"));
    let name = "0001-2026-06-10.json";
    let bytes = std::fs::read(chain.join(name)).unwrap();
    let sig = insider.sign(name, 1, "2026-06-10", &bytes).unwrap();
    std::fs::write(chain.join(format!("{name}.minisig")), sig).unwrap();
    let (ok, err) = verify(&site, &[]);
    assert!(!ok, "a signature by another key must fail");
    assert!(
        err.contains(name) && err.contains("không phải khóa"),
        "{err}"
    );
    // And in history/: the next publish refuses.
    std::fs::copy(
        chain.join(format!("{name}.minisig")),
        site.path().join("history").join(format!("{name}.minisig")),
    )
    .unwrap();
    let err = publish_err(&site, Some(&sk), "2026-06-12");
    assert!(
        err.contains(name) && err.contains("không phải khóa"),
        "{err}"
    );
}

/// A changed record needs a reason; the reason is shown on the page and in the change
/// history; a reason already recorded does not count for a new change; a new build date
/// alone needs none.
#[test]
fn a_changed_record_needs_a_correction_note() {
    let site = small_site();
    site.build_ok("2026-06-10");
    // A new build date only: no reason needed.
    site.build_ok("2026-06-11");
    // The attachment replaced: refused, naming the page, what changed and the line.
    site.write("content/thong-bao/ke-hoach/ke-hoach.pdf", b"%PDF-1.4 ban 2");
    let err = site.build_err("2026-06-12");
    assert!(
        err.contains("content/thong-bao/ke-hoach/index.md")
            && err.contains("tệp đính kèm")
            && err.contains("correction = "),
        "{err}"
    );
    // The preview refuses too (it computes the same entry).
    let out = site.run(&["build", "--now", "2026-06-12"]);
    assert!(!out.status.success());
    // A placeholder is no reason.
    write_notice(&site, "correction = \"x\"", "Tiếp công dân sáng thứ Năm.");
    let err = site.build_err("2026-06-12");
    assert!(err.contains("không phải một câu"), "{err}");
    let reason = "Thay bản kế hoạch đã ký theo Thông báo số 15/TB-UBND";
    write_notice(
        &site,
        &format!("correction = \"{reason}\""),
        "Tiếp công dân sáng thứ Năm.",
    );
    site.build_ok("2026-06-12");
    let recorded = entries(&site.path().join("history"));
    let newest = recorded.last().unwrap().clone();
    assert!(newest.ends_with("-2026-06-12.json"), "{recorded:?}");
    let doc = site.html("public/thong-bao/ke-hoach/index.html");
    let notes = shown(&doc, ".corrections .correction");
    assert_eq!(notes, [format!("Đính chính ngày 12/06/2026: {reason}")]);
    let hist = site.html("public/cong-khai/lich-su/index.html");
    let in_history = shown(&hist, ".history-correction");
    assert_eq!(
        in_history,
        [format!("Đính chính ngày 12/06/2026: {reason}")]
    );
    let e: serde_json::Value =
        serde_json::from_str(&site.read(&format!("history/{newest}"))).unwrap();
    let item = e["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["url"] == "/thong-bao/ke-hoach/" && i["kind"] == "page")
        .unwrap();
    assert_eq!(item["correction"], reason);
    assert!(
        item["inputs_sha256"]
            .as_str()
            .is_some_and(|s| s.len() == 64)
    );
    // Rebuilding the same input adds nothing.
    site.build_ok("2026-06-12");
    assert_eq!(entries(&site.path().join("history")), recorded);
    // The body edited again with the old reason: refused.
    write_notice(
        &site,
        &format!("correction = \"{reason}\""),
        "Tiếp công dân sáng thứ Năm và thứ Sáu.",
    );
    let err = site.build_err("2026-06-13");
    assert!(err.contains("đã ghi cho lần sửa ngày 12/06/2026"), "{err}");
    // A new reason: both corrections shown, newest first.
    let second = "Bổ sung ngày tiếp công dân thứ Sáu theo ý kiến của cử tri";
    write_notice(
        &site,
        &format!("correction = \"{second}\""),
        "Tiếp công dân sáng thứ Năm và thứ Sáu.",
    );
    site.build_ok("2026-06-13");
    let doc = site.html("public/thong-bao/ke-hoach/index.html");
    assert_eq!(
        shown(&doc, ".corrections .correction"),
        [
            format!("Đính chính ngày 13/06/2026: {second}"),
            format!("Đính chính ngày 12/06/2026: {reason}"),
        ]
    );
}

/// A publication killed after the output swap and before its entry joined `history/`
/// (the entry and its signature still `.pending`) is settled by the next `publish`; a
/// plain `build` meanwhile refuses rather than lose it.
#[test]
fn publish_killed_between_swap_and_record_is_settled_next_run() {
    let (site, _g, sk, _pk) = signed_site();
    write_notice(
        &site,
        "correction = \"Sửa giờ tiếp công dân theo thông báo mới\"",
        "Tiếp công dân sáng thứ Sáu.",
    );
    publish(&site, &sk, "2026-06-11");
    let h = site.path().join("history");
    for f in ["0002-2026-06-11.json", "0002-2026-06-11.json.minisig"] {
        std::fs::rename(h.join(f), h.join(format!("{f}.pending"))).unwrap();
    }
    let out = site.run(&["build", "--now", "2026-06-11"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("congkhai publish"),
        "{}",
        stderr(&out)
    );
    let out = publish(&site, &sk, "2026-06-11");
    assert!(
        out.contains("đã ghi bổ sung mục lịch sử 0002-2026-06-11.json"),
        "{out}"
    );
    assert!(h.join("0002-2026-06-11.json").exists());
    assert!(h.join("0002-2026-06-11.json.minisig").exists());
    assert!(!h.join("0002-2026-06-11.json.pending").exists());
    let (ok, err) = verify(&site, &["--history", h.to_str().unwrap()]);
    assert!(ok && err.contains("2 mục có chữ ký hợp lệ"), "{err}");
}

/// Changing `[signing] public_key` is recorded in the next entry (old → new), verify
/// reports it and checks each entry with the key it names; the history page shows it.
#[test]
fn a_key_rotation_is_recorded_in_the_chain() {
    let (site, _g, _sk, pk1) = signed_site();
    let (_g2, sk2, pk2) = site.keygen();
    site.set_signing_key(&pk2);
    write_notice(
        &site,
        "correction = \"Sửa giờ tiếp công dân theo thông báo mới\"",
        "Tiếp công dân sáng thứ Sáu.",
    );
    publish(&site, &sk2, "2026-06-11");
    let e: serde_json::Value =
        serde_json::from_str(&site.read("history/0002-2026-06-11.json")).unwrap();
    assert_eq!(e["signing_key"], pk2.as_str());
    assert_eq!(e["key_rotated_from"], pk1.as_str());
    let (ok, err) = verify(&site, &[]);
    assert!(ok, "{err}");
    assert!(
        err.contains("Đổi khóa ký tại mục 0002-2026-06-11.json"),
        "{err}"
    );
    assert!(err.contains("2 mục có chữ ký hợp lệ"), "{err}");
    let doc = site.html("public/cong-khai/lich-su/index.html");
    assert_eq!(texts(&doc, ".history-entry__rotation").len(), 1);
    // Both keys are published for the standard tool.
    let chain: Vec<String> = files(&site.path().join(CHAIN)).into_keys().collect();
    assert_eq!(
        chain.iter().filter(|n| n.ends_with(".pub")).count(),
        2,
        "{chain:?}"
    );
}

/// Copy the published site (a witness's saved copy).
fn save_copy(site: &Site) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    copy_dir(&site.path().join("public"), d.path());
    d
}

/// `verify --since`: the new chain must extend the saved copy (or the saved head hash):
/// a rewritten, removed or reordered entry fails, and so does a head hash that is not in
/// the chain; a chain that only grew passes.
#[test]
fn verify_since_proves_the_chain_only_grew() {
    let (site, _g, sk, _pk) = signed_site();
    write_notice(
        &site,
        "correction = \"Sửa giờ tiếp công dân theo thông báo mới\"",
        "Tiếp công dân sáng thứ Sáu.",
    );
    publish(&site, &sk, "2026-06-11");
    let old = save_copy(&site);
    let head = std::fs::read(site.path().join(CHAIN).join("0002-2026-06-11.json")).unwrap();
    let head_hash = sha256_hex(&head);
    write_notice(
        &site,
        "correction = \"Bổ sung ngày tiếp công dân theo ý kiến cử tri\"",
        "Tiếp công dân cả tuần.",
    );
    publish(&site, &sk, "2026-06-12");
    // Success: a saved copy, its chain folder, a wget -m style folder, a head hash.
    let old_path = old.path().to_str().unwrap().to_string();
    let chain_only = format!("{old_path}/cong-khai/lich-su/chuoi");
    let wget = tempfile::tempdir().unwrap();
    copy_dir(old.path(), &wget.path().join("phuong.example.vn"));
    for since in [
        old_path.clone(),
        chain_only.clone(),
        wget.path().to_str().unwrap().to_string(),
        head_hash.clone(),
        format!("2:{head_hash}"),
    ] {
        let (ok, err) = verify(&site, &["--since", &since]);
        assert!(ok, "{since}: {err}");
        assert!(err.contains("nối tiếp bản đã lưu"), "{err}");
    }
    // A head hash that is not in the chain, or at another number.
    let (ok, err) = verify(&site, &["--since", &"ab".repeat(32)]);
    assert!(!ok && err.contains("không có mục nào"), "{err}");
    let (ok, err) = verify(&site, &["--since", &format!("1:{head_hash}")]);
    assert!(!ok && err.contains("sắp xếp lại"), "{err}");

    let pristine = save_copy(&site);
    let restore = || {
        let public = site.path().join("public");
        std::fs::remove_dir_all(&public).unwrap();
        copy_dir(pristine.path(), &public);
    };
    let chain = site.path().join(CHAIN);
    // Rewritten: entry 2 edited in place (it then no longer matches its signature nor
    // entry 3's prev, and --since names the rewrite).
    let p = chain.join("0002-2026-06-11.json");
    let s = std::fs::read_to_string(&p)
        .unwrap()
        .replace("2026-06-11", "2026-06-11 ");
    std::fs::write(&p, s).unwrap();
    let (ok, err) = verify(&site, &["--since", &old_path]);
    assert!(!ok && err.contains("đã bị viết lại"), "{err}");
    restore();
    // Removed: the newest old entry deleted (with everything after it).
    for f in std::fs::read_dir(&chain).unwrap().flatten() {
        let n = f.file_name().to_string_lossy().into_owned();
        if n.starts_with("0002") || n.starts_with("0003") {
            std::fs::remove_file(f.path()).unwrap();
        }
    }
    let (ok, err) = verify(&site, &["--since", &old_path]);
    assert!(!ok && err.contains("đã bị xóa"), "{err}");
    restore();
    // Reordered: entries 1 and 2 swapped (names and bytes).
    let a = std::fs::read(chain.join("0001-2026-06-10.json")).unwrap();
    let b = std::fs::read(chain.join("0002-2026-06-11.json")).unwrap();
    std::fs::write(chain.join("0001-2026-06-10.json"), &b).unwrap();
    std::fs::write(chain.join("0002-2026-06-11.json"), &a).unwrap();
    let (ok, err) = verify(&site, &["--since", &old_path]);
    assert!(!ok && err.contains("sắp xếp lại"), "{err}");
    restore();
    let (ok, err) = verify(&site, &["--since", &old_path]);
    assert!(ok, "restored: {err}");
}

/// An insider who rotates the chain to their own key and re-signs the newest entry makes
/// a chain that checks in itself (verify reports the rotation), but a witness's saved
/// copy proves the rewrite.
#[test]
fn rotating_to_an_insiders_key_is_caught_by_a_witness() {
    let (site, _g, sk, pk) = signed_site();
    write_notice(
        &site,
        "correction = \"Sửa giờ tiếp công dân theo thông báo mới\"",
        "Tiếp công dân sáng thứ Sáu.",
    );
    publish(&site, &sk, "2026-06-11");
    let old = save_copy(&site);
    // The insider: their own key, the newest entry rewritten (an item's title changed)
    // to name it, and re-published with `publish` from a history/ that lost entry 2.
    let (_g2, evil_sk, evil_pk) = site.keygen();
    std::fs::remove_file(site.path().join("history/0002-2026-06-11.json")).unwrap();
    std::fs::remove_file(site.path().join("history/0002-2026-06-11.json.minisig")).unwrap();
    std::fs::remove_dir_all(site.path().join("public")).unwrap();
    site.set_signing_key(&evil_pk);
    write_notice(
        &site,
        "correction = \"Sửa giờ tiếp công dân theo thông báo mới\"",
        "Không tiếp công dân.",
    );
    publish(&site, &evil_sk, "2026-06-11");
    let (ok, err) = verify(&site, &[]);
    assert!(ok, "consistent in itself: {err}");
    assert!(
        err.contains("Đổi khóa ký"),
        "the rotation is reported: {err}"
    );
    let (ok, err) = verify(&site, &["--since", old.path().to_str().unwrap()]);
    assert!(!ok && err.contains("0002-2026-06-11.json"), "{err}");
    let _ = pk;
}
