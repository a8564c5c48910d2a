//! Where each page and section exists in other languages: `page.translations`,
//! `section.translations` and the language switcher's list (`portal.languages`).

use std::collections::BTreeMap;

use crate::model::Model;
use crate::trust::publication::Status;

/// One version of a page or section, as `page.translations` lists it (Zola's fields:
/// `path` is the content path, `blog/a.fr.md`, as `get_page(path=…)` takes it).
#[derive(Debug, Clone, serde::Serialize)]
pub struct TranslationLink {
    pub lang: String,
    pub permalink: String,
    pub title: Option<String>,
    pub path: String,
}

/// Every published version of each page and section (the original and its
/// translations, default language first), by the original's content path. Empty on a
/// site with one language.
pub fn translation_links(model: &Model) -> BTreeMap<String, Vec<TranslationLink>> {
    let cfg = &model.config;
    let mut out: BTreeMap<String, Vec<TranslationLink>> = BTreeMap::new();
    if !cfg.is_multilingual() {
        return out;
    }
    let link = |lang: &str, site_path: &str, rel: &str, title: Option<&str>| TranslationLink {
        lang: lang.to_string(),
        permalink: cfg.permalink(site_path),
        title: title.map(str::to_string),
        path: rel.to_string(),
    };
    for pm in model.pages.iter().filter(|p| p.is_listed()) {
        let p = &pm.page;
        if p.fm.render == Some(false) {
            continue;
        }
        out.entry(p.canonical().to_string()).or_default().push(link(
            &p.lang,
            &p.path,
            &p.rel,
            p.fm.title.as_deref(),
        ));
    }
    for s in model.sections.values() {
        let sec = &s.section;
        if !matches!(s.status, Status::Published | Status::DraftPreview)
            || sec.fm.render == Some(false)
        {
            continue;
        }
        out.entry(sec.canonical.clone()).or_default().push(link(
            &sec.lang,
            &sec.path,
            &sec.rel,
            sec.fm.title.as_deref(),
        ));
    }
    for links in out.values_mut() {
        links.sort_by(|a, b| {
            (a.lang != cfg.default_language, &a.lang)
                .cmp(&(b.lang != cfg.default_language, &b.lang))
        });
    }
    out
}

/// [`translation_links`] as template values.
pub fn translation_values(model: &Model) -> BTreeMap<String, tera::Value> {
    translation_links(model)
        .into_iter()
        .map(|(k, v)| (k, tera::Value::from_serializable(&v)))
        .collect()
}

/// `portal.languages`: the site's languages, default first, each with its home page
/// (`code`, `home`); empty on a site with one language. The switcher names each one
/// with `trans(key="language_name", lang=code)`.
pub fn language_list(model: &Model) -> Vec<serde_json::Value> {
    let cfg = &model.config;
    if !cfg.is_multilingual() {
        return Vec::new();
    }
    std::iter::once(cfg.default_language.as_str())
        .chain(cfg.languages.keys().map(String::as_str))
        .map(|code| {
            serde_json::json!({
                "code": code,
                "home": cfg.permalink(&format!("{}/", cfg.language_prefix(code))),
            })
        })
        .collect()
}
