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
#[derive(Debug, Clone, PartialEq, Eq, Default)]
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Warning,
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq)]
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

    /// Sorted by file, then position, so output is stable whatever order threads finished in.
    pub fn sorted(mut self) -> Self {
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
    fn sorted_orders_by_file_then_line() {
        let mut ds = Diagnostics::new();
        ds.push(Diagnostic::error("b").at(Location::line("b.md", 1)));
        ds.push(Diagnostic::error("a2").at(Location::line("a.md", 9)));
        ds.push(Diagnostic::warning("a1").at(Location::line("a.md", 2)));
        let v: Vec<_> = ds.sorted().into_iter().map(|d| d.message).collect();
        assert_eq!(v, ["a1", "a2", "b"]);
    }
}
