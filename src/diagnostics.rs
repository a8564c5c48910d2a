//! Errors and warnings shown to ward staff.
//!
//! Every problem congkhai reports is a [`Diagnostic`]: where it is (file, row or line,
//! column), what is wrong, and how to fix it — in Vietnamese, because the people who read
//! these messages work in Excel and Word, not in Rust. Loading and validation collect all
//! diagnostics instead of stopping at the first, so `congkhai check` can list them at once.

use std::fmt;
use std::path::{Path, PathBuf};

/// Where a problem is. Paths are relative to the site root when possible, so a message
/// reads `data/ho-ngheo.csv:14:3` rather than an absolute path on someone's laptop.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Location {
    pub file: PathBuf,
    /// 1-based line (Markdown, TOML) or row (CSV, XLSX).
    pub line: Option<usize>,
    /// 1-based column.
    pub column: Option<usize>,
    /// A named column or front-matter field, when that is clearer than a number.
    pub field: Option<String>,
}

impl Location {
    pub fn file(file: impl Into<PathBuf>) -> Self {
        Location {
            file: file.into(),
            ..Default::default()
        }
    }

    pub fn at(file: impl Into<PathBuf>, line: usize, column: usize) -> Self {
        Location {
            file: file.into(),
            line: Some(line),
            column: Some(column),
            field: None,
        }
    }

    pub fn line(file: impl Into<PathBuf>, line: usize) -> Self {
        Location {
            file: file.into(),
            line: Some(line),
            column: None,
            field: None,
        }
    }

    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", display_path(&self.file))?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(col) = self.column {
                write!(f, ":{col}")?;
            }
        }
        if let Some(field) = &self.field {
            write!(f, " (cột/trường \u{201c}{field}\u{201d})")?;
        }
        Ok(())
    }
}

/// Paths are shown with forward slashes on every platform.
pub fn display_path(p: &Path) -> String {
    p.to_string_lossy().replace('\\', "/")
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum Severity {
    Warning,
    Error,
}

/// Serialisable for the incremental cache, which prints a skipped build's warnings again.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub location: Option<Location>,
    /// What is wrong, in Vietnamese.
    pub message: String,
    /// How to fix it, in Vietnamese.
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn error(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            location: None,
            message: message.into(),
            hint: None,
        }
    }

    pub fn warning(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(message)
        }
    }

    pub fn at(mut self, location: Location) -> Self {
        self.location = Some(location);
        self
    }

    pub fn in_file(self, file: impl Into<PathBuf>) -> Self {
        self.at(Location::file(file))
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Set the location only when there is none yet (an error from writing a page's
    /// output is reported at the page's source file).
    pub fn or_at(mut self, location: Location) -> Self {
        if self.location.is_none() {
            self.location = Some(location);
        }
        self
    }

    /// Show an internal folder (the build's staging folder, serve's temporary folder)
    /// as `shown` in the message, hint and location: staff must never see
    /// `.congkhai-staging-…` paths, only the files they wrote and the output folder.
    pub fn replace_path(mut self, internal: &Path, shown: &str) -> Self {
        let from = display_path(internal);
        if from.is_empty() {
            return self;
        }
        let fix = |s: &mut String| {
            if s.contains(&from) {
                *s = s.replace(&from, shown);
            }
        };
        fix(&mut self.message);
        if let Some(h) = &mut self.hint {
            fix(h);
        }
        if let Some(loc) = &mut self.location
            && let Ok(rest) = loc.file.strip_prefix(internal)
        {
            loc.file = Path::new(shown).join(rest);
        }
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "lỗi (error)",
            Severity::Warning => "cảnh báo (warning)",
        };
        match &self.location {
            Some(loc) => write!(f, "{label}: {loc}: {}", self.message)?,
            None => write!(f, "{label}: {}", self.message)?,
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n  cách sửa: {hint}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostic {}

/// A bag of diagnostics collected during one build or check.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn from_vec(v: Vec<Diagnostic>) -> Diagnostics {
        let mut d = Diagnostics::new();
        d.extend(v);
        d
    }

    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(other);
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }

    pub fn warning_count(&self) -> usize {
        self.items.len() - self.error_count()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter().filter(|d| d.is_error())
    }

    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter().filter(|d| !d.is_error())
    }

    /// Sorted by file, then position, so output is stable whatever order threads finished
    /// in; repeated problems of one kind in one file are then [summarised](Self::summarised).
    pub fn sorted(self) -> Self {
        self.sorted_each().summarised()
    }

    /// Sorted as [`Self::sorted`], every diagnostic kept.
    pub fn sorted_each(mut self) -> Self {
        self.items.sort_by(|a, b| {
            let key = |d: &Diagnostic| {
                d.location
                    .as_ref()
                    .map(|l| (l.file.clone(), l.line, l.column))
            };
            key(a)
                .cmp(&key(b))
                .then_with(|| b.severity.cmp(&a.severity))
                .then_with(|| a.message.cmp(&b.message))
        });
        self.items.dedup();
        self
    }

    /// More than [`SUMMARY_AFTER`] problems of the same kind in one file (same severity,
    /// same message and hint once cell values and numbers are set aside) become one
    /// diagnostic: the count, the first rows, one example and how to fix all of them —
    /// a file with the same mistake on 5,000 rows gets one message, not 5,000. The
    /// summary takes the place of the first of them.
    pub fn summarised(self) -> Self {
        type Key = (Option<PathBuf>, Severity, String, String);
        let key = |d: &Diagnostic| -> Key {
            (
                d.location.as_ref().map(|l| l.file.clone()),
                d.severity,
                shape(&d.message),
                d.hint.as_deref().map(shape).unwrap_or_default(),
            )
        };
        let mut groups: std::collections::BTreeMap<Key, Vec<usize>> =
            std::collections::BTreeMap::new();
        for (i, d) in self.items.iter().enumerate() {
            if d.location.is_some() {
                groups.entry(key(d)).or_default().push(i);
            }
        }
        if groups.values().all(|g| g.len() <= SUMMARY_AFTER) {
            return self;
        }
        let mut replace: std::collections::HashMap<usize, Diagnostic> =
            std::collections::HashMap::new();
        let mut drop = vec![false; self.items.len()];
        for g in groups.values().filter(|g| g.len() > SUMMARY_AFTER) {
            let first = &self.items[g[0]];
            let mut rows: Vec<usize> = Vec::new();
            for &i in g {
                if let Some(l) = self.items[i].location.as_ref().and_then(|l| l.line)
                    && !rows.contains(&l)
                {
                    rows.push(l);
                }
            }
            let shown: Vec<String> = rows.iter().take(SHOWN_ROWS).map(usize::to_string).collect();
            let rows_text = if rows.is_empty() {
                String::new()
            } else if rows.len() > SHOWN_ROWS {
                format!(" ở {} dòng (dòng {}, …)", rows.len(), shown.join(", "))
            } else {
                format!(" (dòng {})", shown.join(", "))
            };
            let what = if first.is_error() {
                "lỗi"
            } else {
                "cảnh báo"
            };
            let mut d = Diagnostic {
                severity: first.severity,
                location: first.location.clone().map(|l| Location {
                    column: None,
                    field: None,
                    ..l
                }),
                message: format!(
                    "{} {what} cùng loại trong tệp này{rows_text}; ví dụ, dòng đầu tiên: {}",
                    g.len(),
                    first.message
                ),
                hint: None,
            };
            d.hint = Some(match &first.hint {
                Some(h) => format!("sửa cùng một cách cho tất cả {} chỗ: {h}", g.len()),
                None => format!("sửa cùng một cách cho tất cả {} chỗ", g.len()),
            });
            replace.insert(g[0], d);
            for &i in &g[1..] {
                drop[i] = true;
            }
        }
        let items = self
            .items
            .into_iter()
            .enumerate()
            .filter(|(i, _)| !drop[*i])
            .map(|(i, d)| replace.remove(&i).unwrap_or(d))
            .collect();
        Diagnostics { items }
    }

    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.items
    }

    /// Apply `f` to every diagnostic.
    pub fn map(self, f: impl FnMut(Diagnostic) -> Diagnostic) -> Self {
        Diagnostics {
            items: self.items.into_iter().map(f).collect(),
        }
    }
}

/// Problems of one kind in one file shown one by one; more are summarised.
pub const SUMMARY_AFTER: usize = 5;
/// Rows a summary names.
const SHOWN_ROWS: usize = 5;

/// A message with what varies from row to row set aside: quoted text (“…”), numbers
/// and cell references (B12).
fn shape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut quoted = false;
    let mut prev_digit = false;
    for c in s.chars() {
        match c {
            '\u{201c}' => {
                quoted = true;
                out.push('\u{201c}');
            }
            '\u{201d}' => {
                quoted = false;
                out.push('\u{201d}');
            }
            _ if quoted => {}
            c if c.is_ascii_digit() => {
                if !prev_digit {
                    // "B12" and "AA7" are cells: drop the column letters too.
                    while out.ends_with(|x: char| x.is_ascii_uppercase()) {
                        out.pop();
                    }
                    out.push('#');
                }
                prev_digit = true;
                continue;
            }
            c => out.push(c),
        }
        prev_digit = false;
    }
    out
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Diagnostics { items: vec![d] }
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_has_location_message_and_hint() {
        let d = Diagnostic::error("số tiền không hợp lệ: \u{201c}1.5tr\u{201d}")
            .at(Location::at("data/ds.csv", 14, 3))
            .hint("viết số tiền bằng chữ số, ví dụ 1.500.000");
        let s = d.to_string();
        assert!(s.starts_with("lỗi (error): data/ds.csv:14:3: số tiền"));
        assert!(s.contains("cách sửa: viết số tiền"));
    }

    #[test]
    fn replace_path_hides_internal_folders() {
        let d = Diagnostic::error(
            "không ghi tệp được (/srv/site/.congkhai-staging-x1/a/index.html): lỗi",
        )
        .at(Location::file(
            "/srv/site/.congkhai-staging-x1/a/index.html",
        ))
        .hint("xem /srv/site/.congkhai-staging-x1");
        let d = d.replace_path(Path::new("/srv/site/.congkhai-staging-x1"), "public");
        assert_eq!(d.message, "không ghi tệp được (public/a/index.html): lỗi");
        assert_eq!(d.hint.as_deref(), Some("xem public"));
        assert_eq!(d.location.unwrap().file, Path::new("public/a/index.html"));
        let d = Diagnostic::error("x")
            .or_at(Location::file("content/a.md"))
            .or_at(Location::file("content/b.md"));
        assert_eq!(d.location.unwrap().file, Path::new("content/a.md"));
    }

    #[test]
    fn repeated_problems_are_summarised_once_per_file() {
        let mut ds = Diagnostics::new();
        for row in 2..5002 {
            ds.push(
                Diagnostic::error(format!(
                    "ô C{row}: \u{201c}{row}k\u{201d} không phải là một số"
                ))
                .at(Location::at("data/a.csv", row, 3))
                .hint("viết số bằng chữ số"),
            );
        }
        // Few of another kind, and the same kind in another file: kept as they are.
        for row in 2..5 {
            ds.push(Diagnostic::error("thiếu họ tên").at(Location::at("data/a.csv", row, 1)));
            ds.push(
                Diagnostic::error(format!("ô C{row}: \u{201c}x\u{201d} không phải là một số"))
                    .at(Location::at("data/b.csv", row, 3))
                    .hint("viết số bằng chữ số"),
            );
        }
        let v = ds.sorted().into_vec();
        assert_eq!(v.len(), 1 + 3 + 3, "{v:#?}");
        let s = v
            .iter()
            .find(|d| d.message.starts_with("5000 lỗi cùng loại"))
            .unwrap();
        assert!(s.message.contains("dòng 2, 3, 4, 5, 6, …"), "{}", s.message);
        assert!(s.message.contains("ô C2"), "{}", s.message);
        assert!(s.hint.as_deref().unwrap().contains("tất cả 5000"));
        assert_eq!(s.location.as_ref().and_then(|l| l.line), Some(2));
        // Five are shown one by one.
        let mut ds = Diagnostics::new();
        for row in 2..7 {
            ds.push(Diagnostic::error("x").at(Location::line("a.csv", row)));
        }
        assert_eq!(ds.sorted().into_vec().len(), 5);
    }

    #[test]
    fn sorted_orders_by_file_then_line() {
        let mut ds = Diagnostics::new();
        ds.push(Diagnostic::error("b").at(Location::line("b.md", 1)));
        ds.push(Diagnostic::error("a2").at(Location::line("a.md", 9)));
        ds.push(Diagnostic::warning("a1").at(Location::line("a.md", 2)));
        let v: Vec<_> = ds.sorted().into_iter().map(|d| d.message).collect();
        assert_eq!(v, ["a1", "a2", "b"]);
    }
}
