//! Documents (văn bản): plans, resolutions, decisions, official letters.
//!
//! The page body is the document's text; `[record]` holds its number, type, issuer,
//! signer and issue date. Attached files (PDF/DOCX) are handled for every page by the
//! site, with size and SHA-256.

use serde::Serialize;

use super::{KindContext, RecordInput, RecordKind, RecordOutput, ViewDoc, to_record};
use crate::content::frontmatter::parse_date_text;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::text::fold_words;

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
        let signing = signing_lines(input, &mut errors, &mut warnings);
        let recipients = recipients(input, &mut errors);
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
            signing,
            recipients,
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
    /// The signing formula above the signer's title, one line each, as written
    /// (`TM. ỦY BAN NHÂN DÂN`, `KT. CHỦ TỊCH`); empty when the head signs in person.
    pub signing: Vec<String>,
    /// "Nơi nhận": the recipients, one each, as written (`Sở Nội vụ Thành phố`,
    /// `Lưu: VT, VHXH`), without the list's dashes and semicolons.
    pub recipients: Vec<String>,
}

/// Signing formulas of Decree 30/2020 (Art. 13 and Appendix I): on behalf of a body
/// (TM.), for the head (KT.), by order (TL.), by authorisation (TUQ.), acting (Q.).
const SIGNING_PREFIXES: &[&str] = &["TM.", "KT.", "TL.", "TUQ.", "Q."];

/// One line of text or a list of lines of `[record] field`, trimmed; `None` when it is
/// something else.
fn lines(v: &toml::Value) -> Option<Vec<String>> {
    let one = |s: &str| crate::text::nfc(s.trim());
    match v {
        toml::Value::String(s) => Some(s.lines().map(one).filter(|l| !l.is_empty()).collect()),
        toml::Value::Array(a) => a.iter().map(|x| x.as_str().map(one)).collect(),
        _ => None,
    }
}

/// `record.signing`: the formula lines, each starting with TM., KT., TL., TUQ. or Q.
fn signing_lines(
    input: &RecordInput,
    errors: &mut Diagnostics,
    warnings: &mut Diagnostics,
) -> Vec<String> {
    let hint = "viết signing = [\"TM. ỦY BAN NHÂN DÂN\", \"KT. CHỦ TỊCH\"] và chức vụ người ký ở signer_role = \"PHÓ CHỦ TỊCH\"; mỗi dòng bắt đầu bằng TM., KT., TL., TUQ. hoặc Q. (Nghị định 30/2020/NĐ-CP)";
    let Some(v) = input.record.get("signing") else {
        return Vec::new();
    };
    let Some(out) = lines(v).filter(|l| l.iter().all(|x| !x.is_empty())) else {
        errors.push(
            Diagnostic::error("record.signing phải là các dòng chữ của thể thức ký")
                .at(input.field_location("signing"))
                .hint(hint),
        );
        return Vec::new();
    };
    for line in &out {
        let upper = line.to_uppercase();
        let known = SIGNING_PREFIXES
            .iter()
            .any(|p| upper.starts_with(p) || upper.starts_with(&p.replace('.', " ")));
        if !known {
            errors.push(
                Diagnostic::error(format!(
                    "dòng thể thức ký \u{201c}{line}\u{201d} không bắt đầu bằng TM., KT., TL., TUQ. hoặc Q."
                ))
                .at(input.field_location("signing"))
                .hint(hint),
            );
        }
    }
    let delegated = out.iter().any(|l| {
        let u = l.to_uppercase();
        ["KT.", "TL.", "TUQ.", "Q."]
            .iter()
            .any(|p| u.starts_with(p))
    });
    if delegated && input.opt_str("signer_role").is_none() {
        warnings.push(
            Diagnostic::warning("văn bản ký thay (KT.), thừa lệnh (TL.), thừa ủy quyền (TUQ.) hoặc quyền (Q.) nhưng chưa ghi chức vụ người ký")
                .at(input.field_location("signer_role"))
                .hint("ghi signer_role = \"PHÓ CHỦ TỊCH\" (chức vụ của người trực tiếp ký)"),
        );
    }
    out
}

/// `record.recipients` ("Nơi nhận"): a list, or the block as pasted from the document.
fn recipients(input: &RecordInput, errors: &mut Diagnostics) -> Vec<String> {
    let Some(v) = input.record.get("recipients") else {
        return Vec::new();
    };
    let Some(items) = lines(v) else {
        errors.push(
            Diagnostic::error("record.recipients (Nơi nhận) phải là danh sách các nơi nhận")
                .at(input.field_location("recipients"))
                .hint("viết recipients = [\"Sở Nội vụ Thành phố\", \"Thường trực HĐND phường\", \"Lưu: VT, VHXH\"]"),
        );
        return Vec::new();
    };
    items
        .iter()
        .map(|r| clean_recipient(r))
        .filter(|r| !r.is_empty() && fold_words(r) != "noi nhan")
        .collect()
}

/// "- Sở Nội vụ Thành phố;" → "Sở Nội vụ Thành phố"; "- Lưu: VT, VHXH." → "Lưu: VT, VHXH".
pub fn clean_recipient(text: &str) -> String {
    text.trim()
        .trim_start_matches(['-', '–', '—', '•', '+', '*'])
        .trim()
        .trim_end_matches([';', '.', ','])
        .trim()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn build(front: &str) -> Result<serde_json::Value, usize> {
        let record: toml::Table = format!(
            "number = \"1/KH-UBND\"\ndoc_type = \"Kế hoạch\"\nissuer = \"UBND\"\nsigner = \"A\"\nissued = 2026-06-10\n{front}"
        )
        .parse()
        .unwrap();
        let input = RecordInput {
            file: std::path::Path::new("content/d.md"),
            path: "/d/",
            title: "D",
            record: &record,
            body: "",
            bundle_dir: None,
        };
        let mut errors = Diagnostics::new();
        let mut warnings = Diagnostics::new();
        let signing = signing_lines(&input, &mut errors, &mut warnings);
        let recipients = recipients(&input, &mut errors);
        if errors.has_errors() {
            return Err(errors.error_count());
        }
        Ok(
            serde_json::json!({"signing": signing, "recipients": recipients, "warnings": warnings.warning_count()}),
        )
    }

    #[test]
    fn signing_formulas() {
        // ([record] lines, errors, or the lines kept and warnings)
        /// Lines kept and warnings, or the number of errors.
        type Want = Result<(&'static [&'static str], usize), usize>;
        let cases: &[(&str, Want)] = &[
            ("", Ok((&[], 0))),
            (
                "signing = \"TM. ỦY BAN NHÂN DÂN\"",
                Ok((&["TM. ỦY BAN NHÂN DÂN"], 0)),
            ),
            (
                "signing = [\"TM. ỦY BAN NHÂN DÂN\", \"KT. CHỦ TỊCH\"]\nsigner_role = \"PHÓ CHỦ TỊCH\"",
                Ok((&["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"], 0)),
            ),
            (
                "signing = \"TM. ỦY BAN NHÂN DÂN\\nKT. CHỦ TỊCH\"",
                Ok((&["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"], 1)),
            ),
            (
                "signing = [\"tm. ban thường trực\"]",
                Ok((&["tm. ban thường trực"], 0)),
            ),
            ("signing = [\"Thay mặt UBND\"]", Err(1)),
            ("signing = [\"TM. UBND\", \"\"]", Err(1)),
            ("signing = 3", Err(1)),
        ];
        for (front, want) in cases {
            let got = build(front).map(|v| {
                let lines: Vec<String> = serde_json::from_value(v["signing"].clone()).unwrap();
                (lines, v["warnings"].as_u64().unwrap() as usize)
            });
            let want = want.map(|(l, w)| (l.iter().map(|s| s.to_string()).collect::<Vec<_>>(), w));
            assert_eq!(got, want, "{front}");
        }
    }

    #[test]
    fn recipients_as_pasted() {
        let v = build("recipients = \"\"\"\nNơi nhận:\n- Sở Nội vụ Thành phố;\n- Thường trực Đảng ủy phường;\n- Lưu: VT, VHXH.\n\"\"\"").unwrap();
        assert_eq!(
            v["recipients"],
            serde_json::json!([
                "Sở Nội vụ Thành phố",
                "Thường trực Đảng ủy phường",
                "Lưu: VT, VHXH"
            ])
        );
        let v = build("recipients = [\"- UBND thành phố;\", \"Sở NN&MT\"]").unwrap();
        assert_eq!(
            v["recipients"],
            serde_json::json!(["UBND thành phố", "Sở NN&MT"])
        );
        assert_eq!(build("recipients = 1"), Err(1));
    }
}
