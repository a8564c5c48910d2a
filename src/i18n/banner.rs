//! The site-wide warning banner (an active scam warning, `src/kinds/warning/`) in each
//! language: the pages of language `xx` show the banner of the warning's `xx`
//! translation (its title, its `description` as the summary, its link); a warning
//! without one shows in Vietnamese, marked `lang="vi"`, and the build warns
//! (docs/languages.md).

use std::collections::BTreeMap;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::kinds::Banner;
use crate::model::{Model, PageModel};
use crate::trust::publication::Status;

/// A banner as the templates get it (`portal.banner`, `portal.banner_by_lang.xx`).
#[derive(Debug, Clone, serde::Serialize)]
pub struct LangBanner {
    #[serde(flatten)]
    pub banner: Banner,
    /// The language its text is in (`vi` on an `en` page that has no translation).
    pub lang: String,
}

/// The site's banners: the default language's and each other language's.
#[derive(Debug, Default)]
pub struct SiteBanners {
    pub default: Option<LangBanner>,
    pub by_lang: BTreeMap<String, LangBanner>,
    /// One per language the active warning is not translated into.
    pub warnings: Diagnostics,
}

/// The page of the single most severe active banner of the default language (the
/// newest, then the first by path, among equals).
fn banner_page(model: &Model) -> Option<(&PageModel, &Banner)> {
    let cfg = &model.config;
    model
        .pages
        .iter()
        .filter(|p| p.status == Status::Published && p.page.lang == cfg.default_language)
        .filter_map(|p| {
            p.record
                .as_ref()
                .and_then(|r| r.banner.as_ref())
                .map(|b| (p, b))
        })
        .max_by(|(pa, a), (pb, b)| {
            a.rank
                .cmp(&b.rank)
                .then_with(|| pb.page.date.cmp(&pa.page.date))
                .then_with(|| pb.page.rel.cmp(&pa.page.rel))
        })
}

/// The banners of every language, and a warning for each language that shows the
/// Vietnamese text.
pub fn site_banners(model: &Model) -> SiteBanners {
    let cfg = &model.config;
    let mut out = SiteBanners::default();
    let Some((page, banner)) = banner_page(model) else {
        return out;
    };
    let mut default = banner.clone();
    default.url = cfg.permalink(&page.page.path);
    for code in cfg.languages.keys() {
        if *code == cfg.default_language {
            continue;
        }
        let translation = model.pages.iter().find(|p| {
            p.page.lang == *code
                && p.page.canonical() == page.page.canonical()
                && p.status == Status::Published
        });
        let b = match translation {
            Some(t) => LangBanner {
                banner: Banner {
                    // The record's label and summary are the original's (Vietnamese):
                    // the theme names the severity with `trans()`, the translation's
                    // `description` is its summary.
                    severity_label: String::new(),
                    title: t.page.fm.title.as_deref().unwrap_or_default().to_string(),
                    summary: t
                        .page
                        .fm
                        .description
                        .as_deref()
                        .unwrap_or_default()
                        .to_string(),
                    url: cfg.permalink(&t.page.path),
                    ..banner.clone()
                },
                lang: code.clone(),
            },
            None => {
                let shown = crate::diagnostics::display_path(&page.page.file);
                let stem = page
                    .page
                    .rel
                    .strip_suffix(".md")
                    .unwrap_or(&page.page.rel)
                    .to_string();
                out.warnings.push(
                    Diagnostic::warning(format!(
                        "cảnh báo đang hiệu lực \u{201c}{}\u{201d} chưa có bản dịch cho ngôn ngữ \u{201c}{code}\u{201d}: các trang /{code}/ hiện cảnh báo này bằng tiếng Việt",
                        banner.title
                    ))
                    .in_file(page.page.file.clone())
                    .hint(format!(
                        "viết bản dịch content/{stem}.{code}.md (cùng kind và cùng [approval] với {shown}), có title và description bằng ngôn ngữ đó"
                    )),
                );
                LangBanner {
                    banner: default.clone(),
                    lang: cfg.default_language.clone(),
                }
            }
        };
        out.by_lang.insert(code.clone(), b);
    }
    out.default = Some(LangBanner {
        banner: default,
        lang: cfg.default_language.clone(),
    });
    out
}
