//! Anti-scam warnings (cảnh báo lừa đảo).
//!
//! A Markdown page with `kind = "warning"` whose `[record]` gives the severity (thông tin
//! / cảnh báo / khẩn cấp), the scam pattern, how to recognise it, what to do, whom to
//! call, and the period the warning is active (distinct from the publication window).
//! While active at "cảnh báo" or above it contributes the site-wide banner. Every link
//! the warning makes — in `[record] links` and in the Markdown body — must be https and
//! on `[links] official_domains`, so a mistyped look-alike domain is an error.
//!
//! Inner shape: `load` (`[record]` → [`WarningRecord`]) → `check` (severity, active
//! period, official links) → `view` (the typed `page.record` of the page and poster).

mod check;
mod load;
mod view;

pub use check::{Activity, Severity, activity, body_links, parse_severity};
pub use load::{OfficialLink, WarningRecord};
pub use view::{Contact, LinkView, WarningPosterView, WarningView};

use super::service_days::poster_qr_svg;
use super::{
    Banner, KindContext, PosterChecksum, RecordInput, RecordKind, RecordOutput, SubPage, ViewDoc,
    to_record,
};
use crate::diagnostics::Diagnostics;
use crate::diagnostics::{Diagnostic, Location};

pub struct Warning;

impl RecordKind for Warning {
    fn name(&self) -> &'static str {
        "warning"
    }

    fn label(&self) -> &'static str {
        "Cảnh báo lừa đảo"
    }

    fn build(&self, input: &RecordInput, ctx: &KindContext) -> Result<RecordOutput, Diagnostics> {
        let cfg = ctx.config;
        let mut errors = Diagnostics::new();
        let warning = load::load(input, &mut errors);
        let links = load::links(input, &mut errors);
        check::check_links(input, &links, &cfg.links.official_domains, &mut errors);
        if errors.has_errors() {
            return Err(errors);
        }
        let Some(w) = warning else {
            return Err(errors);
        };
        let state = activity(ctx.today, w.active_from, w.active_until);
        let poster_path = format!("{}in/", input.path);
        let has_official_page = ctx
            .pages
            .iter()
            .any(|p| p.file == std::path::Path::new("content/canh-bao/cach-nhan-biet.md"));
        let record = view::warning_view(&w, &links, state, &poster_path, cfg, has_official_page);
        let page_url = cfg.permalink(input.path);
        // The poster prints the hash the manifest records for this page: that of its
        // source file, read as the manifest reads it.
        let source = ctx.root.join(input.file);
        let bytes = std::fs::read(&source).map_err(|e| {
            Diagnostics::from(
                Diagnostic::error(format!(
                    "không đọc được tệp của cảnh báo để tính mã SHA-256 in trên áp phích: {e}"
                ))
                .at(Location::file(input.file))
                .hint("kiểm tra tệp còn đó và đọc được, rồi chạy lại lệnh build"),
            )
        })?;
        let checksum = PosterChecksum {
            sha256: crate::digest::sha256_hex(&bytes),
            file_name: "manifest.json".into(),
            url: cfg.permalink(&format!("/{}", crate::trust::layout::MANIFEST_PATH)),
        };
        let poster = WarningPosterView {
            warning: record.clone(),
            qr_svg: poster_qr_svg(&page_url),
            qr_url: page_url,
            title: input.title.to_string(),
            checksum,
        };
        let banner = (state == Activity::Active && w.severity.makes_banner()).then(|| Banner {
            rank: w.severity.rank,
            severity: w.severity.key.to_string(),
            severity_label: w.severity.label.to_string(),
            title: input.title.to_string(),
            summary: w.summary.clone(),
            url: String::new(),
        });
        Ok(RecordOutput {
            record: to_record(&record)?,
            subpages: vec![SubPage {
                path: poster_path,
                title: format!("Áp phích: {}", input.title),
                template: view::POSTER_TEMPLATE.into(),
                record: to_record(&poster)?,
                search_text: String::new(),
                indexable: false,
            }],
            search_text: format!(
                "{} {} {} {}",
                w.pattern,
                w.summary,
                w.recognise.join(" "),
                w.actions.join(" ")
            ),
            banner,
            ..Default::default()
        })
    }

    fn views(&self) -> Vec<ViewDoc> {
        vec![
            ViewDoc::of::<WarningView>(self.template()),
            ViewDoc::of::<WarningPosterView>(view::POSTER_TEMPLATE),
        ]
    }
}
