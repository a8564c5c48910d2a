//! Bodies that carry out a plan or programme and their duties ("Tổ chức thực hiện":
//! the lead office and each "cơ quan phối hợp" with its tasks), shared by every kind
//! that publishes them: `[[record.partners]]` with `name`, optional `role` and `duties`.

use serde::Serialize;

use super::RecordInput;
use crate::diagnostics::{Diagnostic, Diagnostics};

/// One body and what it must do.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct PartnerView {
    /// The body, as written (`Phòng Kinh tế, Hạ tầng và Đô thị`, `Công an phường`).
    pub name: String,
    /// Its part, as written (`Chủ trì`, `Phối hợp`), or null.
    pub role: Option<String>,
    /// Its tasks, one item each, in the plan's order.
    pub duties: Vec<String>,
}

fn text(v: &toml::Value) -> Option<String> {
    v.as_str()
        .map(|s| crate::text::nfc(s.trim()))
        .filter(|s| !s.is_empty())
}

/// `[[record.partners]]` of `input`; problems go to `errors`.
pub fn partners(input: &RecordInput, errors: &mut Diagnostics) -> Vec<PartnerView> {
    let hint = "viết mỗi cơ quan một bảng:\n[[record.partners]]\nname = \"Công an phường\"\nrole = \"Phối hợp\"\nduties = [\"Cung cấp danh sách hộ gia đình\", \"…\"]";
    let items = match input.record.get("partners") {
        None => return Vec::new(),
        Some(toml::Value::Array(a)) => a,
        Some(_) => {
            errors.push(
                Diagnostic::error(
                    "record.partners phải là danh sách các cơ quan ([[record.partners]])",
                )
                .at(input.field_location("partners"))
                .hint(hint),
            );
            return Vec::new();
        }
    };
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let at = input.field_location(&format!("partners[{}]", i + 1));
        let Some(t) = item.as_table() else {
            errors.push(
                Diagnostic::error(format!(
                    "cơ quan thứ {} trong record.partners không phải là một bảng",
                    i + 1
                ))
                .at(at)
                .hint(hint),
            );
            continue;
        };
        let Some(name) = t.get("name").and_then(text) else {
            errors.push(
                Diagnostic::error(format!(
                    "cơ quan thứ {} trong record.partners thiếu tên (name)",
                    i + 1
                ))
                .at(at)
                .hint(hint),
            );
            continue;
        };
        let duties: Option<Vec<String>> = match t.get("duties") {
            None => Some(Vec::new()),
            Some(toml::Value::String(s)) => Some(vec![crate::text::nfc(s.trim())]),
            Some(toml::Value::Array(a)) => a.iter().map(text).collect(),
            Some(_) => None,
        };
        let Some(duties) = duties else {
            errors.push(
                Diagnostic::error(format!(
                    "nhiệm vụ của \u{201c}{name}\u{201d} phải là danh sách các dòng chữ khác rỗng"
                ))
                .at(at)
                .hint(hint),
            );
            continue;
        };
        if let Some(unknown) = t
            .keys()
            .find(|k| !matches!(k.as_str(), "name" | "role" | "duties"))
        {
            errors.push(
                Diagnostic::error(format!(
                    "trường lạ \u{201c}{unknown}\u{201d} ở cơ quan \u{201c}{name}\u{201d}"
                ))
                .at(at.clone())
                .hint("mỗi cơ quan chỉ có name, role và duties"),
            );
        }
        out.push(PartnerView {
            name,
            role: t.get("role").and_then(text),
            duties,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(front: &str) -> (Vec<PartnerView>, usize) {
        let record: toml::Table = front.parse().unwrap();
        let file = std::path::Path::new("content/p.md");
        let input = RecordInput {
            file,
            path: "/p/",
            title: "P",
            record: &record,
            body: "",
            bundle_dir: None,
        };
        let mut errors = Diagnostics::new();
        let p = partners(&input, &mut errors);
        (p, errors.error_count())
    }

    #[test]
    fn partner_tables() {
        // (front matter of [record], partners read, errors)
        let cases: &[(&str, usize, usize)] = &[
            ("", 0, 0),
            (
                "[[partners]]\nname = \"Công an phường\"\nduties = [\"a\", \"b\"]\n",
                1,
                0,
            ),
            (
                "[[partners]]\nname = \"A\"\nrole = \"Chủ trì\"\nduties = \"một việc\"\n[[partners]]\nname = \"B\"\n",
                2,
                0,
            ),
            ("[[partners]]\nduties = [\"a\"]\n", 0, 1),
            ("[[partners]]\nname = \"  \"\n", 0, 1),
            ("[[partners]]\nname = \"A\"\nduties = [\"\"]\n", 0, 1),
            ("[[partners]]\nname = \"A\"\nduties = 3\n", 0, 1),
            ("[[partners]]\nname = \"A\"\ntask = \"x\"\n", 1, 1),
            ("partners = \"A\"\n", 0, 1),
            ("partners = [\"A\"]\n", 0, 1),
        ];
        for (front, n, errs) in cases {
            let (p, e) = run(front);
            assert_eq!((p.len(), e), (*n, *errs), "{front}");
        }
        let (p, _) = run("[[partners]]\nname = \"A\"\nrole = \"Phối hợp\"\nduties = [\"x\"]\n");
        assert_eq!(p[0].role.as_deref(), Some("Phối hợp"));
        assert_eq!(p[0].duties, vec!["x".to_string()]);
    }
}
