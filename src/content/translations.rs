//! Translations (Zola's multilingual model): `name.xx.md` and `_index.xx.md` are the
//! `xx` version of `name.md` and `_index.md` when config.toml has `[languages.xx]`.
//! They live under `/xx/…`, in the sections of their own language.
//!
//! The approval gate applies to a translation as to any page (its own `[approval]`;
//! `[approval] exempt` lists it by its own file name). On top of that, a translation
//! never gets ahead of its original (see [`follow_originals`]): a draft original makes
//! the translation a draft, the original's publication window bounds the translation's,
//! and a record (`kind = …`) is translated only by a file that names the same kind and
//! the same approval, and publishes the original's `[record]` (its data), never its own.

use std::path::{Path, PathBuf};

use super::{Content, Page, Section, frontmatter::SectionFrontMatter};
use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics, Location, display_path};

/// `a.en.md` → (`a.md`, Some("en")) when the site has `[languages.en]`; `a.md` →
/// (`a.md`, None). `a.vi.md` in a site whose default language is `vi` is `a.md`. A
/// suffix that looks like a language code the site does not have is an error (Zola's
/// rule), but only on a multilingual site: elsewhere dots in names stay as they are.
pub fn split_language(name: &str, config: &Config) -> Result<(String, Option<String>), Diagnostic> {
    let Some(stem) = name.strip_suffix(".md") else {
        return Ok((name.to_string(), None));
    };
    let Some((base, code)) = stem.rsplit_once('.') else {
        return Ok((name.to_string(), None));
    };
    if !config.is_multilingual() || base.is_empty() {
        return Ok((name.to_string(), None));
    }
    if code == config.default_language {
        return Ok((format!("{base}.md"), None));
    }
    if config.languages.contains_key(code) {
        return Ok((format!("{base}.md"), Some(code.to_string())));
    }
    if crate::config::is_language_code(code) {
        return Err(Diagnostic::error(format!(
            "tệp có mã ngôn ngữ \u{201c}{code}\u{201d} nhưng config.toml không có [languages.{code}]"
        ))
        .hint(format!(
            "thêm bảng [languages.{code}] vào config.toml (xem docs/languages.md), hoặc đổi tên tệp \
             (các ngôn ngữ đã khai: {})",
            config.other_languages().join(", ")
        )));
    }
    Ok((name.to_string(), None))
}

/// Remember that folder of `rel` (`van-ban/_index.en.md`) has a section in `lang`, in
/// the same list as the default language's folders (a NUL byte, never in a path, keeps
/// the two apart).
pub fn note_section(rel: &str, lang: &str, dirs_with_index: &mut Vec<String>) {
    dirs_with_index.push(format!("{}\0{lang}", super::parent_rel(rel)));
}

/// The section of `lang` for folder `dir`: its own `_index.xx.md` or that of its
/// nearest ancestor, else the language's home `_index.xx.md` (which always exists).
pub fn nearest_section_in(
    dir: &str,
    lang: &str,
    config: &Config,
    dirs_with_index: &[String],
) -> String {
    if lang == config.default_language {
        return super::nearest_section(dir, dirs_with_index);
    }
    let mut d = dir.to_string();
    loop {
        if d.is_empty() {
            return format!("_index.{lang}.md");
        }
        let key = format!("{d}\0{lang}");
        if dirs_with_index.contains(&key) {
            return format!("{d}/_index.{lang}.md");
        }
        d = super::dir_parent(&d);
    }
}

/// `van-ban/a.en.md` → `van-ban/a.md` (the original's content path).
pub fn canonical_rel(rel: &str, lang: Option<&str>) -> String {
    match lang.and_then(|l| rel.strip_suffix(&format!(".{l}.md"))) {
        Some(base) => format!("{base}.md"),
        None => rel.to_string(),
    }
}

/// `/van-ban/a/` → `/en/van-ban/a/`.
pub fn localise_path(path: &str, lang: &str) -> String {
    format!("/{lang}{path}")
}

/// A parsed section: its language (the default when none) and, for a translation, its
/// path under `/xx/`.
pub fn localise_section(s: &mut Section, config: &Config) {
    if s.lang.is_empty() {
        s.lang = config.default_language.clone();
    } else {
        s.path = localise_path(&s.path, &s.lang);
    }
}

/// The home section of every other language, `/xx/`, when `_index.xx.md` is missing.
pub fn add_language_roots(content: &mut Content, config: &Config, content_dir: &Path) {
    for lang in config.languages.keys() {
        let rel = format!("_index.{lang}.md");
        content
            .sections
            .entry(rel.clone())
            .or_insert_with(|| Section {
                file: PathBuf::from("content").join(&rel),
                rel,
                fm: SectionFrontMatter::default(),
                body: String::new(),
                body_line: 1,
                path: format!("/{lang}/"),
                parent: None,
                pages: Vec::new(),
                subsections: Vec::new(),
                dir: content_dir.to_path_buf(),
                assets: Vec::new(),
                lang: lang.clone(),
                canonical: "_index.md".into(),
            });
    }
}

/// A translation follows its original (the default-language page with the same
/// content path), before drafts are dropped:
/// - a draft original makes the translation a draft;
/// - the translation is not published before the original's `publish_from` nor after
///   its `publish_until`;
/// - a record is translated only by a file with the same `kind` and the same
///   `[approval]`; it publishes the original's `[record]` (a different one is an error);
///   a translation cannot add a `kind` the original does not have.
pub fn follow_originals(pages: &mut [Box<Page>], config: &Config, diags: &mut Diagnostics) {
    if !config.is_multilingual() {
        return;
    }
    let originals: std::collections::BTreeMap<String, usize> = pages
        .iter()
        .enumerate()
        .filter(|(_, p)| p.lang == config.default_language)
        .map(|(i, p)| (p.rel.clone(), i))
        .collect();
    let snapshot: Vec<Option<OriginalFacts>> = pages
        .iter()
        .map(|p| {
            (p.lang != config.default_language)
                .then(|| originals.get(p.canonical()))
                .flatten()
                .map(|&i| OriginalFacts::of(&pages[i]))
        })
        .collect();
    for (page, original) in pages.iter_mut().zip(snapshot) {
        if page.lang == config.default_language {
            continue;
        }
        let Some(o) = original else {
            if page.fm.kind.is_some() {
                diags.push(
                    Diagnostic::error(format!(
                        "bản dịch có kind = \u{201c}{}\u{201d} nhưng không có bản gốc content/{}",
                        page.fm.kind.as_deref().unwrap_or_default(),
                        page.canonical()
                    ))
                    .at(Location::file(&page.file).with_field("kind"))
                    .hint("một hồ sơ (kind) chỉ được dịch khi đã có bản gốc tiếng Việt được phê duyệt; tạo bản gốc trước, hoặc bỏ dòng kind khỏi bản dịch"),
                );
            }
            continue;
        };
        if o.draft {
            page.fm.draft = true;
        }
        if let Some(from) = o.publish_from
            && page.fm.publish_from.is_none_or(|f| f < from)
        {
            page.fm.publish_from = Some(from);
        }
        if let Some(until) = o.publish_until
            && page.fm.publish_until.is_none_or(|u| u > until)
        {
            page.fm.publish_until = Some(until);
        }
        if page.fm.kind.is_none() && o.kind.is_none() {
            continue;
        }
        let original_file = display_path(&o.file);
        if page.fm.kind != o.kind {
            diags.push(
                Diagnostic::error(format!(
                    "bản dịch phải cùng loại hồ sơ với bản gốc {original_file}: kind = \u{201c}{}\u{201d}, bản gốc là \u{201c}{}\u{201d}",
                    page.fm.kind.as_deref().unwrap_or("(không có)"),
                    o.kind.as_deref().unwrap_or("(không có)")
                ))
                .at(Location::file(&page.file).with_field("kind"))
                .hint(format!("ghi đúng kind của bản gốc {original_file}")),
            );
            continue;
        }
        if page.fm.approval.is_none() || page.fm.approval.as_deref() != o.approval.as_ref() {
            diags.push(
                Diagnostic::error(format!(
                    "bản dịch của hồ sơ {original_file} phải ghi đúng phê duyệt của bản gốc ([approval]: by, role, decision, date)"
                ))
                .at(Location::file(&page.file).with_field("approval"))
                .hint(format!(
                    "chép nguyên bảng [approval] của {original_file} vào bản dịch; bản dịch không thể công bố một hồ sơ mà bản gốc chưa được phê duyệt"
                )),
            );
            continue;
        }
        if page.fm.record.is_empty() {
            page.fm.record = o.record;
        } else if page.fm.record != o.record {
            diags.push(
                Diagnostic::error(format!(
                    "bản dịch không được đổi bảng [record] của hồ sơ {original_file}"
                ))
                .at(Location::file(&page.file).with_field("record"))
                .hint("xóa bảng [record] khỏi bản dịch: bản dịch dùng đúng dữ liệu của bản gốc, chỉ dịch tiêu đề và nội dung"),
            );
        }
    }
}

/// What a translation takes from its original.
struct OriginalFacts {
    file: PathBuf,
    draft: bool,
    publish_from: Option<chrono::NaiveDate>,
    publish_until: Option<chrono::NaiveDate>,
    kind: Option<Box<str>>,
    approval: Option<super::frontmatter::Approval>,
    record: toml::Table,
}

impl OriginalFacts {
    fn of(p: &Page) -> OriginalFacts {
        OriginalFacts {
            file: p.file.clone(),
            draft: p.fm.draft,
            publish_from: p.fm.publish_from,
            publish_until: p.fm.publish_until,
            kind: p.fm.kind.clone(),
            approval: p.fm.approval.as_deref().cloned(),
            record: p.fm.record.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(extra: &str) -> Config {
        Config::parse(&format!("base_url = \"https://x.vn\"\n{extra}"))
            .map(|(c, _)| c)
            .unwrap_or_else(|e| panic!("{e:?}"))
    }

    #[test]
    fn language_suffixes() {
        let multi = config("[languages.en]\n");
        let split = |n: &str| split_language(n, &multi).map_err(|d| d.message);
        assert_eq!(split("a.en.md"), Ok(("a.md".into(), Some("en".into()))));
        assert_eq!(
            split("_index.en.md"),
            Ok(("_index.md".into(), Some("en".into())))
        );
        assert_eq!(split("a.vi.md"), Ok(("a.md".into(), None)));
        assert_eq!(split("a.md"), Ok(("a.md".into(), None)));
        assert_eq!(
            split("ke-hoach.v2-final.md"),
            Ok(("ke-hoach.v2-final.md".into(), None))
        );
        assert!(split("a.fr.md").is_err_and(|m| m.contains("[languages.fr]")));
        // A site with one language keeps dots in names.
        let single = config("");
        assert_eq!(
            split_language("a.fr.md", &single).map_err(|d| d.message),
            Ok(("a.fr.md".into(), None))
        );
    }

    #[test]
    fn canonical_and_paths() {
        assert_eq!(canonical_rel("van-ban/a.en.md", Some("en")), "van-ban/a.md");
        assert_eq!(
            canonical_rel("van-ban/_index.en.md", Some("en")),
            "van-ban/_index.md"
        );
        assert_eq!(canonical_rel("van-ban/a.md", None), "van-ban/a.md");
        assert_eq!(localise_path("/van-ban/a/", "en"), "/en/van-ban/a/");
        let cfg = config("[languages.en]\n");
        let mut dirs = vec!["van-ban".to_string()];
        note_section("tin-tuc/_index.en.md", "en", &mut dirs);
        assert_eq!(
            nearest_section_in("tin-tuc/2026", "en", &cfg, &dirs),
            "tin-tuc/_index.en.md"
        );
        assert_eq!(
            nearest_section_in("van-ban", "en", &cfg, &dirs),
            "_index.en.md"
        );
        assert_eq!(
            nearest_section_in("van-ban", "vi", &cfg, &dirs),
            "van-ban/_index.md"
        );
        assert_eq!(
            nearest_section_in("tin-tuc", "vi", &cfg, &dirs),
            "_index.md"
        );
    }
}
