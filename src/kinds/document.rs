//! Documents (văn bản): plans, resolutions, decisions, official letters.
//!
//! The page body is the document's text; `[record]` holds its number, type, issuer,
//! signer and issue date. Attached files (PDF/DOCX) are handled for every page by the
//! site, with size and SHA-256.

use serde_json::json;

use super::{KindContext, RecordInput, RecordKind, RecordOutput};
use crate::content::frontmatter::parse_date_text;
use crate::diagnostics::{Diagnostic, Diagnostics};

pub struct Document;

/// Known document types and the abbreviation used in their numbers.
const DOC_TYPES: &[(&str, &str)] = &[
    ("Kế hoạch", "KH"),
    ("Nghị quyết", "NQ"),
    ("Quyết định", "QĐ"),
    ("Công văn", "CV"),
    ("Thông báo", "TB"),
    ("Báo cáo", "BC"),
    ("Chỉ thị", "CT"),
    ("Tờ trình", "TTr"),
    ("Đề án", "ĐA"),
    ("Biên bản", "BB"),
    ("Hướng dẫn", "HD"),
];

impl RecordKind for Document {
    fn name(&self) -> &'static str {
        "document"
    }

    fn label(&self) -> &'static str {
        "Văn bản"
    }

    fn build(&self, input: &RecordInput, _ctx: &KindContext) -> Result<RecordOutput, Diagnostics> {
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
        if !doc_type.is_empty() && !DOC_TYPES.iter().any(|(t, _)| *t == doc_type) {
            let known: Vec<&str> = DOC_TYPES.iter().map(|(t, _)| *t).collect();
            warnings.push(
                Diagnostic::warning(format!("loại văn bản lạ: \u{201c}{doc_type}\u{201d}"))
                    .at(input.field_location("doc_type"))
                    .hint(format!("các loại thường dùng: {}", known.join(", "))),
            );
        }
        if errors.has_errors() {
            return Err(errors);
        }
        Ok(RecordOutput {
            record: json!({
                "number": number,
                "doc_type": doc_type,
                "issuer": issuer,
                "signer": signer,
                "signer_role": input.opt_str("signer_role"),
                "issued": issued.map(|d| d.format("%Y-%m-%d").to_string()),
                "subject": input.opt_str("subject"),
                "effective": input.opt_str("effective"),
            }),
            warnings,
            search_text: format!("{number} {doc_type} {issuer} {signer}"),
            ..Default::default()
        })
    }
}
