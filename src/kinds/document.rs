//! Documents (văn bản): plans, resolutions, decisions, official letters.
//!
//! The page body is the document's text; `[record]` holds its number, type, issuer,
//! signer and issue date. Attached files (PDF/DOCX) are handled for every page by the
//! site, with size and SHA-256.

use serde::Serialize;

use super::{KindContext, RecordInput, RecordKind, RecordOutput, ViewDoc, to_record};
use crate::content::frontmatter::parse_date_text;
use crate::diagnostics::{Diagnostic, Diagnostics};

pub struct Document;

impl RecordKind for Document {
    fn name(&self) -> &'static str {
        "document"
    }

    fn label(&self) -> &'static str {
        "Văn bản"
    }

    fn build(&self, input: &RecordInput, ctx: &KindContext) -> Result<RecordOutput, Diagnostics> {
        let mut errors = Diagnostics::new();
        let number = input.required_str("number", &mut errors);
        let doc_type = input.required_str("doc_type", &mut errors);
        let issuer = input.required_str("issuer", &mut errors);
        let signer = input.required_str("signer", &mut errors);

        let issued = match input.record.get("issued") {
            Some(toml::Value::Datetime(dt)) => parse_date_text(&dt.to_string()),
            Some(toml::Value::String(s)) => parse_date_text(s),
            _ => None,
        };
        if issued.is_none() {
            errors.push(
                Diagnostic::error("thiếu hoặc sai ngày ban hành (record.issued)")
                    .at(input.field_location("issued"))
                    .hint("viết issued = 2026-06-10 trong bảng [record]"),
            );
        }
        let mut warnings = Diagnostics::new();
        let known = &ctx.config.vocabulary.document_types;
        if !doc_type.is_empty() && !known.contains(&doc_type) {
            warnings.push(
                Diagnostic::warning(format!("loại văn bản lạ: \u{201c}{doc_type}\u{201d}"))
                    .at(input.field_location("doc_type"))
                    .hint(format!(
                        "các loại thường dùng: {}; loại khác thì thêm vào document_types trong bảng [vocabulary] của config.toml",
                        known.join(", ")
                    )),
            );
        }
        if errors.has_errors() {
            return Err(errors);
        }
        let search_text = format!("{number} {doc_type} {issuer} {signer}");
        let view = DocumentView {
            number,
            doc_type,
            issuer,
            signer,
            signer_role: input.opt_str("signer_role").map(str::to_string),
            issued: issued.map(|d| d.format("%Y-%m-%d").to_string()),
            subject: input.opt_str("subject").map(str::to_string),
            effective: input.opt_str("effective").map(str::to_string),
        };
        Ok(RecordOutput {
            record: to_record(&view)?,
            warnings,
            search_text,
            ..Default::default()
        })
    }

    fn views(&self) -> Vec<ViewDoc> {
        vec![ViewDoc::of::<DocumentView>(self.template())]
    }
}

/// `page.record` of a signed document (văn bản): its number, type, issuer and signer.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct DocumentView {
    /// Document number and symbol, `58/KH-UBND`.
    pub number: String,
    /// Type of document, `Kế hoạch`, `Quyết định`, `Thông báo`…
    pub doc_type: String,
    /// Issuing body, `Ủy ban nhân dân phường Hòa An`.
    pub issuer: String,
    /// Name of the signer.
    pub signer: String,
    /// Title of the signer (`Chủ tịch`), or null.
    pub signer_role: Option<String>,
    /// Date signed, ISO `2026-06-12` (show it with `date_vi`), or null.
    pub issued: Option<String>,
    /// What the document is about (`V/v …`), or null.
    pub subject: Option<String>,
    /// When it takes effect, as written, or null.
    pub effective: Option<String>,
}
