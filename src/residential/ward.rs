//! The ward's list of residential groups, for matching the group names staff type in
//! other tables (a beneficiary list, a donation list) to one canonical name.

use std::collections::HashMap;
use std::path::Path;

use crate::data::{FieldSpec, LoadOptions, load_table};
use crate::diagnostics::{Diagnostic, Location};
use crate::text::fold_words;

/// Default groups file of the ward (relative to the site root).
pub const DEFAULT_GROUPS: &str = "data/ho-tro/to-dan-pho.csv";

const WARD_FIELDS: &[FieldSpec] = &[
    FieldSpec::required("name", &["tên tổ dân phố", "tổ dân phố", "tên tổ", "tên"]),
    FieldSpec::optional("code", &["mã", "mã tổ"]),
];

/// The ward's residential groups by name, matched loosely ("TDP 1" = "Tổ dân phố số 1").
#[derive(Debug, Clone, Default)]
pub struct WardGroups {
    /// Canonical names in file order.
    pub names: Vec<String>,
    keys: HashMap<String, usize>,
}

/// Matching key of a group name: folded words without "tổ dân phố"/"TDP"/"tổ"/"số",
/// numbers without leading zeros.
pub fn group_key(s: &str) -> String {
    let f = fold_words(s);
    let mut words: Vec<&str> = f.split(' ').filter(|w| !w.is_empty()).collect();
    loop {
        match words.as_slice() {
            ["to", "dan", "pho", ..] => words.drain(..3),
            ["tdp" | "to" | "so" | "thon" | "khu" | "pho", _, ..] => words.drain(..1),
            _ => break,
        };
    }
    words
        .iter()
        .map(|w| w.trim_start_matches('0').to_string())
        .map(|w| if w.is_empty() { "0".to_string() } else { w })
        .collect::<Vec<_>>()
        .join(" ")
}

impl WardGroups {
    pub fn from_names(names: Vec<String>) -> WardGroups {
        let keys = names
            .iter()
            .enumerate()
            .map(|(i, n)| (group_key(n), i))
            .collect();
        WardGroups { names, keys }
    }

    /// The canonical name of the group `text` names, if any.
    pub fn find(&self, text: &str) -> Option<&str> {
        self.keys
            .get(&group_key(text))
            .map(|&i| self.names[i].as_str())
    }

    /// Load the ward's groups file (a `name` column; `code` is allowed and unused).
    pub fn load(root: &Path, rel: &str) -> Result<WardGroups, Vec<Diagnostic>> {
        let t = load_table(root, Path::new(rel), &LoadOptions::new(WARD_FIELDS))?;
        let names: Vec<String> = t
            .rows
            .iter()
            .map(|r| t.text(r, "name").trim().to_string())
            .filter(|n| !n.is_empty())
            .collect();
        if names.is_empty() {
            return Err(vec![
                Diagnostic::error("danh sách tổ dân phố đang trống")
                    .at(Location::file(rel))
                    .hint("mỗi dòng một tổ dân phố, cột \u{201c}Tên tổ dân phố\u{201d}"),
            ]);
        }
        Ok(WardGroups::from_names(names))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_keys() {
        // (a, b, same group)
        for (a, b, same) in [
            ("Tổ dân phố số 1", "TDP 1", true),
            ("Tổ dân phố số 1", "tổ 01", true),
            ("Tổ dân phố số 1", "to dan pho so 1", true),
            ("TDP Hòa Bình", "Tổ dân phố Hòa Bình", true),
            ("Tổ dân phố số 1", "Tổ dân phố số 11", false),
            ("Thôn 3", "thon 03", true),
        ] {
            assert_eq!(group_key(a) == group_key(b), same, "{a} / {b}");
        }
    }

    #[test]
    fn find_returns_the_canonical_name() {
        let g = WardGroups::from_names(vec!["Tổ dân phố số 1".into(), "Tổ dân phố số 2".into()]);
        // (typed, found)
        for (typed, want) in [
            ("TDP 2", Some("Tổ dân phố số 2")),
            ("tổ 01", Some("Tổ dân phố số 1")),
            ("TDP 3", None),
        ] {
            assert_eq!(g.find(typed), want, "{typed}");
        }
    }
}
