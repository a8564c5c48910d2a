//! The trust stage of the build, after every page is rendered: check the chain, decide
//! the new entry, render the history pages, then hash the output and write the manifest.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::chain::{
    Entry, Pending, Stored, check_data, check_signatures, date_of, entry_name, expected_keys,
    history_dir, read_dir, validate,
};
use super::layout::{ENTRY_FORMAT, MANIFEST_FORMAT, MANIFEST_PATH, SITE_CHAIN_DIR};
use super::manifest::{self, ChainRef, Manifest};
use super::pages::{history_value, register_value};
use super::signing::{self, SIG_SUFFIX, SITE_PUBLIC_KEY, Signer};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::{FileSource, Model};

/// How the trust stage runs: a preview (`build`, `serve`, `check`) or a publication.
#[derive(Debug, Default, Clone, Copy)]
pub struct Mode<'a> {
    /// `congkhai publish`: the new entry is recorded in `history/` after the swap.
    pub publishing: bool,
    /// The ward's secret key (`publish` with `[signing]`).
    pub signer: Option<&'a Signer>,
}

/// The secret key for `publish`: `--secret-key`, else [`signing::SECRET_KEY_ENV`]. It must
/// match `[signing] public_key`; with `[signing]` and no key `publish` refuses; without
/// `[signing]` none is needed (the history stays unsigned, with a warning).
pub fn load_signer(
    config: &crate::config::Config,
    given: Option<&std::path::Path>,
) -> Result<Option<Signer>, Diagnostic> {
    let path = given
        .map(std::path::Path::to_path_buf)
        .or_else(|| std::env::var_os(signing::SECRET_KEY_ENV).map(std::path::PathBuf::from));
    let Some(want) = signing::config_key(config)? else {
        return match path {
            Some(p) => Err(Diagnostic::error(
                "có khóa bí mật nhưng config.toml chưa có [signing] public_key: không biết khóa này có phải khóa của Ủy ban nhân dân không",
            )
            .in_file("config.toml")
            .hint(format!(
                "thêm vào config.toml dòng [signing] public_key = \"…\" mà congkhai keygen đã in ra cho khóa {}",
                crate::diagnostics::display_path(&p)
            ))),
            None => Ok(None),
        };
    };
    let Some(path) = path else {
        return Err(Diagnostic::error(format!(
            "config.toml có [signing] (khóa {}) nhưng không có khóa bí mật để ký lần công khai này: không công khai",
            signing::key_id_of(&want)
        ))
        .in_file("config.toml")
        .hint(format!(
            "chỉ đường dẫn tới tệp khóa bí mật: congkhai publish --secret-key ĐƯỜNG-DẪN, hoặc đặt biến môi trường {}=ĐƯỜNG-DẪN; muốn xem trước mà không ký thì dùng congkhai build",
            signing::SECRET_KEY_ENV
        )));
    };
    let signer = Signer::load(&path)?;
    if signer.public_key != want {
        return Err(Diagnostic::error(format!(
            "khóa bí mật {} (khóa {}) không khớp khóa công khai trong config.toml (khóa {}): không công khai",
            crate::diagnostics::display_path(&path),
            signing::key_id_of(&signer.public_key),
            signing::key_id_of(&want)
        ))
        .in_file(&path)
        .hint("dùng đúng tệp khóa bí mật của Ủy ban nhân dân; nếu đổi khóa, sửa [signing] public_key trong config.toml thành khóa mới (lần công khai sau ghi việc đổi khóa vào chuỗi)"));
    }
    Ok(Some(signer))
}

/// `congkhai sign`: add the signatures that entries recorded before the ward had a key
/// lack. Checks the chain, its data copies and every existing signature first; never
/// alters an entry. Returns the names of the entries signed.
pub fn sign_existing(
    root: &std::path::Path,
    config: &crate::config::Config,
    signer: &Signer,
) -> Result<Vec<String>, Diagnostic> {
    let dir = super::chain::history_dir_of(root, config);
    let chain = validate(&dir, read_dir(&dir)?)?;
    check_data(&dir, &chain)?;
    let fallback = signing::config_key(config)?;
    let st = check_signatures(&dir, &chain, fallback.as_deref(), false)?;
    let keys = expected_keys(&chain, fallback.as_deref());
    let mut done = Vec::new();
    for ((s, sig), key) in chain.iter().zip(&st.sigs).zip(&keys) {
        if sig.is_some() {
            continue;
        }
        if key.as_deref() != Some(signer.public_key.as_str()) {
            return Err(Diagnostic::error(format!(
                "mục lịch sử {} phải được ký bằng khóa {}, không phải khóa {} đang dùng",
                s.name,
                key.as_deref()
                    .map(signing::key_id_of)
                    .unwrap_or_else(|| "?".into()),
                signing::key_id_of(&signer.public_key)
            ))
            .in_file(dir.join(&s.name))
            .hint("ký bằng khóa bí mật mà chuỗi ghi cho mục này"));
        }
        let bytes = signer.sign(&s.name, s.entry.seq, &s.entry.date, &s.bytes)?;
        let p = dir.join(format!("{}{SIG_SUFFIX}", s.name));
        crate::output::write_atomic(&p, &bytes)
            .map_err(|e| Diagnostic::error(format!("không ghi được chữ ký: {e}")).in_file(&p))?;
        done.push(s.name.clone());
    }
    Ok(done)
}

/// What the trust hook hands back to the build.
#[derive(Debug, Default)]
pub struct Outcome {
    pub pending: Pending,
    pub warnings: Diagnostics,
}

/// The trust hook: run after every page is rendered. Validates the chain, decides the
/// new entry, renders the history and register pages, then hashes the output and writes
/// the manifest. `write_page(path, template, ctx)` renders a page with the site theme.
pub fn publish(
    model: &Model,
    prepared: Prepared,
    sink: &dyn crate::output::Sink,
    has_template: &dyn Fn(&str) -> bool,
    write_page: &dyn Fn(&str, &str, &mut tera::Context) -> Result<(), Diagnostic>,
    mode: &Mode,
) -> Result<Outcome, Diagnostics> {
    let Prepared {
        dir,
        mut chain,
        mut sigs,
        key,
        items,
        items_sha,
        corrections_missing,
    } = prepared;
    if corrections_missing.has_errors() {
        return Err(corrections_missing);
    }
    // The ward's public key, as a minisign .pub file (hashed like any other file).
    if let Some(k) = &key {
        sink.write(SITE_PUBLIC_KEY, signing::public_key_file(k).as_bytes())?;
    }
    let t = std::time::Instant::now();
    let today = model.today.format("%Y-%m-%d").to_string();

    let mut pending = Pending {
        dir: dir.clone(),
        ..Default::default()
    };
    // Every output file written so far (all but the chain-covered ones, written below).
    let t2 = std::time::Instant::now();
    let files = match sink.dir() {
        Some(d) => Some(manifest::hash_files_known(
            d,
            &|rel| !manifest::chain_covered(rel),
            &|rel| sink.written_digest(rel),
        )?),
        None => None,
    };
    let files_sha = files.as_ref().map(manifest::files_list_sha256);
    crate::timing::phase("history: hash files", t2);
    // A new entry when the items or any published byte changed (`check` writes no files,
    // so it compares items only).
    let changed = chain.last().is_none_or(|s| {
        s.entry.items_sha256 != items_sha
            || (files_sha.is_some() && s.entry.files_sha256 != files_sha)
    });
    let mut appended = false;
    if changed && !model.preview {
        let new = NewEntry {
            dir: &dir,
            items: &items,
            items_sha: &items_sha,
            files_sha: &files_sha,
            today: &today,
            key: key.as_deref(),
        };
        append_entry(model, &new, &mut chain, &mut pending)?;
        appended = true;
        let sig = match (mode.publishing, mode.signer, chain.last()) {
            (true, Some(signer), Some(s)) => {
                Some(signer.sign(&s.name, s.entry.seq, &s.entry.date, &s.bytes)?)
            }
            _ => None,
        };
        pending.sig = sig.clone();
        sigs.push(sig);
    }

    // Keyed tables of this build, for diffs not yet in history/data.
    let mut fresh: BTreeMap<String, std::sync::Arc<Vec<u8>>> = BTreeMap::new();
    for (sha, b) in &pending.data {
        fresh.insert(sha.clone(), b.clone());
    }

    let mut warnings = Diagnostics::new();
    late_warnings(model, &chain, &mut warnings);
    if mode.publishing && key.is_none() {
        warnings.push(
            Diagnostic::warning(
                "lịch sử công khai chưa được ký: ai sửa được máy chủ có thể viết lại chuỗi mà không ai kiểm chứng được",
            )
            .in_file("config.toml")
            .hint("tạo khóa bằng congkhai keygen --secret-key ĐƯỜNG-DẪN (ngoài thư mục trang), thêm dòng [signing] public_key mà lệnh in ra vào config.toml, rồi chạy congkhai sign để ký các mục đã có"),
        );
    }

    for (s, sig) in chain.iter().zip(&sigs) {
        sink.write(&format!("{SITE_CHAIN_DIR}/{}", s.name), &s.bytes)?;
        if let Some(sig) = sig {
            sink.write(&format!("{SITE_CHAIN_DIR}/{}{SIG_SUFFIX}", s.name), sig)?;
        }
    }
    // Every key the chain names, for checking old entries after a rotation.
    let mut named: std::collections::BTreeSet<&str> = std::collections::BTreeSet::new();
    for s in &chain {
        named.extend(s.entry.signing_key.as_deref());
        named.extend(s.entry.key_rotated_from.as_deref());
    }
    for k in named {
        sink.write(
            &format!("{SITE_CHAIN_DIR}/khoa-{}.pub", signing::key_id_of(k)),
            signing::public_key_file(k).as_bytes(),
        )?;
    }
    let unrecorded = appended && !mode.publishing;
    let history = history_value(model, &dir, &chain, &sigs, &fresh, unrecorded);
    if has_template("cong-khai/lich-su.html") {
        let mut c = tera::Context::new();
        c.insert("history", &history);
        write_page("/cong-khai/lich-su/", "cong-khai/lich-su.html", &mut c)?;
    }
    if has_template("cong-khai/danh-muc.html") {
        let mut c = tera::Context::new();
        c.insert("register", &register_value(model, &chain));
        write_page("/cong-khai/danh-muc/", "cong-khai/danh-muc.html", &mut c)?;
    }

    crate::timing::phase("history: pages", t);
    let head = Head {
        chain: &chain,
        unrecorded,
    };
    write_manifest(model, sink, &head, files, items, items_sha, today)?;
    Ok(Outcome { pending, warnings })
}

/// The chain and this build's items, checked before anything is rendered (so each
/// record's page can show its corrections).
#[derive(Debug)]
pub struct Prepared {
    dir: std::path::PathBuf,
    chain: Vec<Stored>,
    sigs: Vec<Option<Vec<u8>>>,
    key: Option<String>,
    items: Vec<manifest::Item>,
    items_sha: String,
    /// Broken correction rules, reported after rendering: the content's own errors
    /// (privacy, links, data) come first, and an error here never echoes text the
    /// output checks would have refused.
    corrections_missing: Diagnostics,
}

/// Before rendering: check the chain in `history/` (entries, data copies, signatures),
/// compute this build's items and apply the correction rule to them.
pub fn prepare(model: &Model) -> Result<Prepared, Diagnostics> {
    let t = std::time::Instant::now();
    let dir = history_dir(model);
    let chain = validate(&dir, read_dir(&dir)?)?;
    check_data(&dir, &chain)?;
    let key = signing::config_key(&model.config)?;
    // Every recorded entry's signature, with the key the chain names for it.
    let sigs = check_signatures(&dir, &chain, key.as_deref(), false)?.sigs;
    crate::timing::phase("history: check chain", t);
    let t = std::time::Instant::now();
    let mut items = manifest::items(model)?;
    let corrections_missing = match apply_corrections(model, &chain, &mut items) {
        Ok(()) => Diagnostics::new(),
        Err(d) => d,
    };
    let items_sha = manifest::items_sha256(&items);
    crate::timing::phase("history: items", t);
    Ok(Prepared {
        dir,
        chain,
        sigs,
        key,
        items,
        items_sha,
        corrections_missing,
    })
}

/// Each record's corrections, newest first: from the chain, and this build's (dated
/// `today`, the date its entry will carry).
pub fn corrections(
    prepared: &Prepared,
    today: &str,
) -> BTreeMap<String, Vec<crate::model::Correction>> {
    let mut out: BTreeMap<String, Vec<crate::model::Correction>> = BTreeMap::new();
    let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
    let lists = prepared
        .chain
        .iter()
        .map(|s| (s.entry.date.as_str(), &s.entry.items[..]))
        .chain(std::iter::once((today, &prepared.items[..])));
    for (date, items) in lists {
        for it in items.iter().filter(|i| i.kind == "page") {
            let Some(text) = it.correction.as_deref() else {
                continue;
            };
            if seen.get(it.url.as_str()) == Some(&text) {
                continue;
            }
            seen.insert(&it.url, text);
            let list = out.entry(it.url.clone()).or_default();
            if !list.iter().any(|c| c.text == text) {
                list.push(crate::model::Correction {
                    date: date.to_string(),
                    text: text.to_string(),
                });
            }
        }
    }
    for list in out.values_mut() {
        list.reverse();
    }
    out
}

/// The correction rule: a published record whose inputs (`Item::inputs_sha256`) changed
/// since the last entry needs `correction = "…"` in its front matter, a real sentence not
/// already recorded for an earlier change; it is recorded on the page's item. An
/// unchanged record keeps the reason recorded last.
fn apply_corrections(
    model: &Model,
    chain: &[Stored],
    items: &mut [manifest::Item],
) -> Result<(), Diagnostics> {
    let Some(last) = chain.last() else {
        return Ok(());
    };
    // Every reason already recorded, per record, with the date it was first recorded.
    let mut recorded: BTreeMap<(&str, &str), &str> = BTreeMap::new();
    for s in chain {
        for i in s.entry.items.iter().filter(|i| i.kind == "page") {
            if let Some(c) = i.correction.as_deref() {
                recorded
                    .entry((i.url.as_str(), c))
                    .or_insert(s.entry.date.as_str());
            }
        }
    }
    let old: BTreeMap<(&str, &str), &manifest::Item> = last
        .entry
        .items
        .iter()
        .map(|i| ((i.url.as_str(), i.kind.as_str()), i))
        .collect();
    let pages: BTreeMap<&str, &crate::model::PageModel> = model
        .pages
        .iter()
        .map(|pm| (pm.page.path.as_str(), pm))
        .collect();
    let new_children: Vec<(String, String, Option<String>)> = items
        .iter()
        .filter(|i| i.kind == "attachment")
        .map(|i| {
            (
                i.parent.clone().unwrap_or_default(),
                i.title.clone(),
                i.sha256.clone(),
            )
        })
        .collect();
    let mut errors = Diagnostics::new();
    for it in items
        .iter_mut()
        .filter(|i| i.kind == "page" && i.is_published())
    {
        let Some(o) = old.get(&(it.url.as_str(), "page")) else {
            continue;
        };
        let (Some(new), Some(prev)) = (&it.inputs_sha256, &o.inputs_sha256) else {
            continue;
        };
        if new == prev || !o.is_published() {
            // Unchanged (or published again after a withdrawal): the last reason stays.
            if new == prev {
                it.correction = o.correction.clone();
            }
            continue;
        }
        let Some(pm) = pages.get(it.url.as_str()) else {
            continue;
        };
        let file = &pm.page.file;
        let mut what = Vec::new();
        if it.sha256 != o.sha256 {
            what.push(format!(
                "nội dung trang {}",
                crate::diagnostics::display_path(file)
            ));
        }
        for (parent, title, sha) in &new_children {
            if parent != &it.url {
                continue;
            }
            let before = last.entry.items.iter().find(|i| {
                i.kind == "attachment" && i.parent.as_ref() == Some(parent) && &i.title == title
            });
            if before.is_none_or(|b| &b.sha256 != sha) {
                what.push(format!("tệp đính kèm \u{201c}{title}\u{201d}"));
            }
        }
        if what.is_empty() {
            what.push("tệp dữ liệu mà bảng [record] ghi".to_string());
        }
        let what = what.join(", ");
        let example = "correction = \"Sửa số tiền hỗ trợ của hộ ông Nguyễn Văn A theo Quyết định số 12/QĐ-UBND ngày 20/11/2026\"";
        let text = pm
            .page
            .fm
            .correction
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty());
        let problem = match text {
            None => Some(format!(
                "trang đã công khai {} vừa thay đổi ({what}) nhưng chưa ghi lý do đính chính",
                it.url
            )),
            Some(t) => {
                let bad = super::publication::field_problems(t, false);
                if !bad.is_empty() || t.split_whitespace().count() < 3 {
                    Some(format!(
                        "lý do đính chính của trang {} (\u{201c}{t}\u{201d}) không phải một câu rõ nghĩa: cần ít nhất ba từ, không có ký tự ẩn",
                        it.url
                    ))
                } else if let Some(date) = recorded.get(&(it.url.as_str(), t)) {
                    let date = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d")
                        .map_or_else(|_| date.to_string(), crate::format::date_short);
                    Some(format!(
                        "trang {} vừa thay đổi lần nữa ({what}) nhưng lý do đính chính \u{201c}{t}\u{201d} đã ghi cho lần sửa ngày {date}; mỗi lần sửa cần lý do của chính lần đó",
                        it.url
                    ))
                } else {
                    None
                }
            }
        };
        match problem {
            // The staff draft preview records nothing: it shows a given reason, and
            // never stops for a missing one.
            Some(_) if model.preview => it.correction = text.map(str::to_string),
            Some(msg) => errors.push(
                Diagnostic::error(msg)
                    .in_file(file)
                    .hint(format!(
                        "thêm vào phần đầu trang (front matter) của {}, ngay dưới dòng title (trước các bảng [record], [approval]), một dòng nói vì sao sửa, ví dụ: {example}; lý do được ghi vào lịch sử và hiện trên trang như \u{201c}Đính chính ngày …\u{201d}",
                        crate::diagnostics::display_path(file)
                    )),
            ),
            None => it.correction = text.map(str::to_string),
        }
    }
    if errors.has_errors() {
        return Err(errors.sorted());
    }
    Ok(())
}

/// What a new history entry records.
struct NewEntry<'a> {
    dir: &'a std::path::Path,
    items: &'a [manifest::Item],
    items_sha: &'a str,
    files_sha: &'a Option<String>,
    today: &'a str,
    /// `[signing] public_key`.
    key: Option<&'a str>,
}

/// Add this build's entry to `chain` and to `pending` (written around the swap), with
/// the keyed tables whose copies the history page diffs.
fn append_entry(
    model: &Model,
    new: &NewEntry,
    chain: &mut Vec<Stored>,
    pending: &mut Pending,
) -> Result<(), Diagnostics> {
    let NewEntry {
        dir,
        items,
        items_sha,
        files_sha,
        today,
        key,
    } = *new;
    let prev_key = chain.last().and_then(|s| s.entry.signing_key.as_deref());
    if let (Some(prev), None) = (prev_key, key) {
        return Err(Diagnostic::error(format!(
            "chuỗi lịch sử đã ký bằng khóa {} nhưng config.toml không còn [signing] public_key: mục mới sẽ không có chữ ký",
            signing::key_id_of(prev)
        ))
        .in_file("config.toml")
        .hint("đặt lại [signing] public_key trong config.toml (khóa hiện hành của Ủy ban nhân dân); đổi khóa thì ghi khóa mới, lần công khai sau ghi việc đổi khóa")
        .into());
    }
    if let Some(last) = chain.last()
        && last.entry.date.as_str() > today
    {
        return Err(Diagnostic::error(format!(
            "ngày tạo trang {} trước ngày của lần công khai gần nhất trong lịch sử ({})",
            crate::format::date_short(model.today),
            last.name
        ))
        .in_file(dir.join(&last.name))
        .hint("lịch sử chỉ ghi tiếp về sau: dùng --now bằng hoặc sau ngày đó")
        .into());
    }
    let seq = u32::try_from(chain.len() + 1).unwrap_or(u32::MAX);
    let entry = Entry {
        format: ENTRY_FORMAT.into(),
        seq,
        date: today.to_string(),
        prev: chain.last().map(Stored::sha256),
        items_sha256: items_sha.to_string(),
        files_sha256: files_sha.clone(),
        signing_key: key.map(str::to_string),
        key_rotated_from: match (prev_key, key) {
            (Some(old), Some(new)) if old != new => Some(old.to_string()),
            _ => None,
        },
        items: items.to_vec(),
    };
    let name = entry_name(seq, today);
    let bytes = manifest::to_bytes(&entry);
    pending.entry = Some((name.clone(), bytes.clone()));
    for pm in &model.pages {
        for f in &pm.downloads {
            if let (Some(_), FileSource::Bytes(b)) = (&f.key_column, &f.source)
                && f.out_rel.ends_with(".csv")
            {
                pending.data.push((f.sha256.clone(), b.clone()));
            }
        }
    }
    chain.push(Stored { name, bytes, entry });
    Ok(())
}

/// The manifest goes last: it hashes every other file (the chain-covered ones now).
/// The chain the manifest names, and whether its last entry is only a preview.
struct Head<'a> {
    chain: &'a [Stored],
    unrecorded: bool,
}

fn write_manifest(
    model: &Model,
    sink: &dyn crate::output::Sink,
    head: &Head,
    mut files: Option<std::collections::BTreeMap<String, manifest::FileHash>>,
    items: Vec<manifest::Item>,
    items_sha: String,
    today: String,
) -> Result<(), Diagnostics> {
    let Head { chain, unrecorded } = *head;
    let t = std::time::Instant::now();
    if let (Some(d), Some(f)) = (sink.dir(), files.as_mut()) {
        f.extend(manifest::hash_files_known(
            d,
            &manifest::chain_covered,
            &|rel| sink.written_digest(rel),
        )?);
    }
    let files = files.unwrap_or_default();
    crate::timing::phase("history: hash chain-covered files", t);
    let head = chain.last();
    let m = Manifest {
        format: MANIFEST_FORMAT.into(),
        site: model.config.base().to_string(),
        publisher: model
            .config
            .ward
            .as_ref()
            .map(|w| w.name.clone())
            .unwrap_or_default(),
        build_date: today,
        preview: model.preview,
        chain: head.map(|h| ChainRef {
            entries: h.entry.seq,
            head: format!("/{SITE_CHAIN_DIR}/{}", h.name),
            head_sha256: h.sha256(),
            prev_sha256: h.entry.prev.clone(),
            unrecorded,
        }),
        items_sha256: items_sha,
        items,
        files,
    };
    sink.write(MANIFEST_PATH, &manifest::to_bytes(&m))?;
    Ok(())
}

/// Art. 12 warning for each published page: publication date (publish_from, else the
/// page date, else the first time the chain shows it) vs approval date.
fn late_warnings(model: &Model, chain: &[Stored], out: &mut Diagnostics) {
    let first_seen = first_published(chain);
    for pm in &model.pages {
        if pm.status != super::publication::Status::Published {
            continue;
        }
        let Some(approved) = pm.approval.as_ref().and_then(|a| a.date) else {
            continue;
        };
        let p = &pm.page;
        let published =
            p.fm.publish_from
                .or_else(|| {
                    p.date.as_deref().and_then(|d| {
                        NaiveDate::parse_from_str(d.get(..10).unwrap_or(d), "%Y-%m-%d").ok()
                    })
                })
                .or_else(|| first_seen.get(&p.path).copied())
                .unwrap_or(model.today);
        if let Some(w) =
            super::publication::late_publication(&model.config, &p.file, approved, published)
        {
            out.push(w);
        }
    }
}

fn first_published(chain: &[Stored]) -> BTreeMap<String, NaiveDate> {
    let mut m = BTreeMap::new();
    for s in chain {
        let Some(d) = date_of(s) else { continue };
        for it in s.entry.items.iter().filter(|i| i.is_published()) {
            m.entry(it.url.clone()).or_insert(d);
        }
    }
    m
}
