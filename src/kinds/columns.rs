//! Column descriptions of published tables: one [`Column`] says what a column of a CSV
//! (and of its JSON twin) is, for three readers at once:
//!
//! - the CSV header row and the JSON keys are the column's Vietnamese [`Column::title`];
//! - the record's `datapackage.json` describes it as a Table Schema field (`name` = title,
//!   `description`, `type`, unit, constraints), see [`Column::schema_field`];
//! - the record page's "Giải thích các cột" table shows it to people
//!   ([`Column::doc`]: title, meaning, type in plain Vietnamese, unit).
//!
//! Each kind declares its tables' columns next to the code that writes the rows, and a
//! unit test per kind checks that the header row is exactly the declared titles.
//!
//! How values are written, so that Excel (Vietnamese or English locale) and Frictionless
//! both read them as meant:
//! - dates as ISO `2026-06-10`: the one form every Excel locale turns into a date (a
//!   `10/06/2026` is read as 6 October in an English-locale Excel, or stays text), and
//!   the Table Schema default `date` format, so no `format` is needed;
//! - decimals with a decimal comma `52,3`, as Vietnamese readers and a Vietnamese-locale
//!   Excel expect (the cell is quoted in the CSV); the field declares `decimalChar: ","`;
//! - whole numbers (households, đồng) without grouping: `1500000`;
//! - yes/no as `có` / `không` (`trueValues`/`falseValues`);
//! - an empty cell or `—` (a rate that cannot be computed) is a missing value.

use serde::Serialize;
use serde_json::{Value, json};

/// The Table Schema type of a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    String,
    Integer,
    /// A decimal written with a decimal comma.
    Number,
    /// An ISO date, `2026-06-10`.
    Date,
    /// A time of day, `07:30`.
    Time,
    /// `có` / `không`.
    Boolean,
}

/// Missing values in every published table (Table Schema `missingValues`).
pub const MISSING_VALUES: &[&str] = &["", "—"];
const TRUE_VALUES: &[&str] = &["có"];
const FALSE_VALUES: &[&str] = &["không"];

/// One column of a published table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// Vietnamese title: the CSV header, the JSON key and the Table Schema field `name`.
    pub title: &'static str,
    /// What the column means, in plain Vietnamese.
    pub description: &'static str,
    pub kind: ColumnType,
    /// Unit of the values: "hộ", "người", "ha", "đồng", "%".
    pub unit: Option<&'static str>,
    /// Every row has a value.
    pub required: bool,
    /// Smallest value (integers and decimals).
    pub minimum: Option<i64>,
    /// The closed set of values, when there is one.
    pub one_of: &'static [&'static str],
    /// A regular expression every value matches (codes).
    pub pattern: Option<&'static str>,
}

impl Column {
    const fn new(title: &'static str, description: &'static str, kind: ColumnType) -> Self {
        Column {
            title,
            description,
            kind,
            unit: None,
            required: false,
            minimum: None,
            one_of: &[],
            pattern: None,
        }
    }
    pub const fn text(title: &'static str, description: &'static str) -> Self {
        Self::new(title, description, ColumnType::String)
    }
    /// A whole number, at least 0 (counts, đồng).
    pub const fn count(title: &'static str, description: &'static str) -> Self {
        Self::new(title, description, ColumnType::Integer).min(0)
    }
    /// A decimal written with a decimal comma, at least 0.
    pub const fn decimal(title: &'static str, description: &'static str) -> Self {
        Self::new(title, description, ColumnType::Number).min(0)
    }
    pub const fn date(title: &'static str, description: &'static str) -> Self {
        Self::new(title, description, ColumnType::Date)
    }
    pub const fn time(title: &'static str, description: &'static str) -> Self {
        Self::new(title, description, ColumnType::Time)
    }
    pub const fn yes_no(title: &'static str, description: &'static str) -> Self {
        Self::new(title, description, ColumnType::Boolean)
    }
    pub const fn unit(mut self, unit: &'static str) -> Self {
        self.unit = Some(unit);
        self
    }
    pub const fn required(mut self) -> Self {
        self.required = true;
        self
    }
    pub const fn min(mut self, minimum: i64) -> Self {
        self.minimum = Some(minimum);
        self
    }
    pub const fn one_of(mut self, values: &'static [&'static str]) -> Self {
        self.one_of = values;
        self
    }
    pub const fn pattern(mut self, pattern: &'static str) -> Self {
        self.pattern = Some(pattern);
        self
    }

    /// The type in plain Vietnamese, for the "Giải thích các cột" table.
    pub fn type_label(&self) -> &'static str {
        match self.kind {
            ColumnType::String if !self.one_of.is_empty() => "chữ, một trong các giá trị",
            ColumnType::String => "chữ",
            ColumnType::Integer => "số nguyên",
            ColumnType::Number => "số thập phân (dấu phẩy, ví dụ 52,3)",
            ColumnType::Date => "ngày (năm-tháng-ngày, ví dụ 2026-06-10)",
            ColumnType::Time => "giờ (giờ:phút, ví dụ 07:30)",
            ColumnType::Boolean => "có/không",
        }
    }

    /// The Table Schema field (v2) of this column.
    pub fn schema_field(&self) -> Value {
        let mut f = serde_json::Map::new();
        f.insert("name".into(), json!(self.title));
        f.insert("title".into(), json!(self.title));
        f.insert("description".into(), json!(self.description));
        let ty = match self.kind {
            ColumnType::String => "string",
            ColumnType::Integer => "integer",
            ColumnType::Number => "number",
            ColumnType::Date => "date",
            ColumnType::Time => "time",
            ColumnType::Boolean => "boolean",
        };
        f.insert("type".into(), json!(ty));
        match self.kind {
            ColumnType::Number => {
                f.insert("decimalChar".into(), json!(","));
            }
            ColumnType::Time => {
                f.insert("format".into(), json!("%H:%M"));
            }
            ColumnType::Boolean => {
                f.insert("trueValues".into(), json!(TRUE_VALUES));
                f.insert("falseValues".into(), json!(FALSE_VALUES));
            }
            _ => {}
        }
        if let Some(u) = self.unit {
            // Not a Table Schema keyword: a custom property, as the spec allows.
            f.insert("unit".into(), json!(u));
        }
        let mut c = serde_json::Map::new();
        if self.required {
            c.insert("required".into(), json!(true));
        }
        if let Some(m) = self.minimum {
            c.insert("minimum".into(), json!(m));
        }
        if !self.one_of.is_empty() {
            c.insert("enum".into(), json!(self.one_of));
        }
        if let Some(p) = self.pattern {
            c.insert("pattern".into(), json!(p));
        }
        if !c.is_empty() {
            f.insert("constraints".into(), Value::Object(c));
        }
        Value::Object(f)
    }

    /// The column as the "Giải thích các cột" table shows it.
    pub fn doc(&self) -> ColumnDoc {
        ColumnDoc {
            title: self.title.to_string(),
            description: self.description.to_string(),
            type_label: self.type_label().to_string(),
            unit: self.unit.unwrap_or("").to_string(),
            values: self.one_of.join("; "),
            required: self.required,
        }
    }

    /// The JSON value of a cell written as `text` in the CSV: numbers and yes/no typed,
    /// a missing value `null`, everything else the same text.
    pub fn json_value(&self, text: &str) -> Value {
        if MISSING_VALUES.contains(&text) {
            return Value::Null;
        }
        let typed = match self.kind {
            ColumnType::Integer => text.parse::<i64>().ok().map(Value::from),
            ColumnType::Number => text
                .replace(',', ".")
                .parse::<f64>()
                .ok()
                .and_then(serde_json::Number::from_f64)
                .map(Value::Number),
            ColumnType::Boolean if TRUE_VALUES.contains(&text) => Some(Value::Bool(true)),
            ColumnType::Boolean if FALSE_VALUES.contains(&text) => Some(Value::Bool(false)),
            _ => None,
        };
        typed.unwrap_or_else(|| Value::String(text.to_string()))
    }
}

/// A column as people read it, on `page.downloads[].columns`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ColumnDoc {
    /// The column title, as in the CSV header.
    pub title: String,
    /// What it means.
    pub description: String,
    /// Its type in plain Vietnamese ("số nguyên", "ngày (năm-tháng-ngày, …)").
    pub type_label: String,
    /// Its unit ("hộ", "đồng"), or "".
    pub unit: String,
    /// The allowed values, joined by "; ", or "".
    pub values: String,
    /// Every row has a value.
    pub required: bool,
}

/// The title every kind gives its residential-unit column ("Tổ dân phố"), renamed on
/// publishing by [`follow_units`] when `[ward] residential_units` says otherwise.
pub const RESIDENTIAL_TITLE: &str = "Tổ dân phố";

/// Titles of the residential-unit column for one kind of unit, in
/// [`crate::config::RESIDENTIAL_UNITS`] order.
const UNIT_TITLES: &[(&str, &str)] = &[
    ("tổ dân phố", "Tổ dân phố"),
    ("thôn", "Thôn"),
    ("làng", "Làng"),
    ("buôn", "Buôn"),
    ("bản", "Bản"),
    ("ấp", "Ấp"),
    ("khu phố", "Khu phố"),
];

/// The residential-unit column's title on this site: the configured unit with a capital
/// ("Thôn" on a xã of thôn); with several units, all of them as `[ward]` lists them,
/// "Thôn, tổ dân phố" (the generic phrase `config.ward.words.residential_all`), since a
/// cell may name either. A phường of tổ dân phố keeps [`RESIDENTIAL_TITLE`].
pub fn residential_title(words: &crate::config::UnitWords) -> &'static str {
    let all = words.residential_all.trim();
    if let Some((_, t)) = UNIT_TITLES.iter().find(|(u, _)| *u == all) {
        return t;
    }
    if all.is_empty() {
        return RESIDENTIAL_TITLE;
    }
    let mut chars = all.chars();
    let capitalized: String = chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default();
    intern(capitalized)
}

/// A `'static` copy of `s`, made once per distinct text: a site has one or two such
/// titles, and `serve` rebuilds reuse them instead of leaking a copy each time.
fn intern(s: String) -> &'static str {
    use std::collections::BTreeSet;
    use std::sync::{Mutex, OnceLock};
    static SEEN: OnceLock<Mutex<BTreeSet<&'static str>>> = OnceLock::new();
    let mut seen = SEEN
        .get_or_init(|| Mutex::new(BTreeSet::new()))
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if let Some(t) = seen.get(s.as_str()) {
        return t;
    }
    let t: &'static str = Box::leak(s.into_boxed_str());
    seen.insert(t);
    t
}

/// Renames the residential-unit column of a published table to `title`
/// ([`residential_title`]): the column (its title and the unit word in its description,
/// so the data package and "Giải thích các cột" follow), the CSV header, the JSON keys
/// and the change history's key. A table without that column, and a site whose title is
/// [`RESIDENTIAL_TITLE`], are left byte for byte as they are. Run it before hashing the
/// bytes (posters print the hash).
pub fn follow_units(d: &mut super::Download, title: &'static str) {
    if title == RESIDENTIAL_TITLE || !d.columns.iter().any(|c| c.title == RESIDENTIAL_TITLE) {
        return;
    }
    for c in d
        .columns
        .iter_mut()
        .filter(|c| c.title == RESIDENTIAL_TITLE)
    {
        c.title = title;
        c.description = intern(
            c.description
                .replacen("Tổ dân phố (thôn)", title, 1)
                .replacen(RESIDENTIAL_TITLE, title, 1),
        );
    }
    if let Some(k) = &d.key_column {
        d.key_column = Some(
            k.split('+')
                .map(|part| {
                    if part == RESIDENTIAL_TITLE {
                        title
                    } else {
                        part
                    }
                })
                .collect::<Vec<_>>()
                .join("+"),
        );
    }
    match d.format.as_str() {
        "CSV" => {
            d.bytes = rename_csv_header(std::mem::take(&mut d.bytes), RESIDENTIAL_TITLE, title)
        }
        "JSON" => d.bytes = rename_json_key(&d.bytes, RESIDENTIAL_TITLE, title),
        _ => {}
    }
}

/// Published CSV bytes (BOM, header row, CRLF) with the header cell `from` renamed `to`;
/// the rows are untouched.
pub fn rename_csv_header(bytes: Vec<u8>, from: &str, to: &str) -> Vec<u8> {
    const BOM: &[u8] = b"\xEF\xBB\xBF";
    if from == to {
        return bytes;
    }
    let body = bytes.strip_prefix(BOM).unwrap_or(&bytes);
    let Some(end) = body.iter().position(|&b| b == b'\n') else {
        return bytes;
    };
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(&body[..end]);
    let Some(Ok(header)) = r.records().next() else {
        return bytes;
    };
    if !header.iter().any(|h| h == from) {
        return bytes;
    }
    let crlf = end > 0 && body[end - 1] == b'\r';
    let mut w = csv::WriterBuilder::new()
        .terminator(if crlf {
            csv::Terminator::CRLF
        } else {
            csv::Terminator::Any(b'\n')
        })
        .from_writer(if bytes.starts_with(BOM) {
            BOM.to_vec()
        } else {
            Vec::new()
        });
    let _ = w.write_record(header.iter().map(|h| if h == from { to } else { h }));
    let mut out = w.into_inner().unwrap_or_default();
    out.extend_from_slice(&body[end + 1..]);
    out
}

/// Published JSON with every object key `from` renamed `to`. A key is the only JSON
/// string followed by `:`, and a `"` inside a string value is escaped, so the plain
/// text replacement cannot touch a value.
pub fn rename_json_key(bytes: &[u8], from: &str, to: &str) -> Vec<u8> {
    let (Ok(text), Ok(from), Ok(to)) = (
        std::str::from_utf8(bytes),
        serde_json::to_string(from),
        serde_json::to_string(to),
    ) else {
        return bytes.to_vec();
    };
    text.replace(&format!("{from}:"), &format!("{to}:"))
        .into_bytes()
}

/// The titles of `columns`, in order (the CSV header row).
pub fn titles(columns: &[Column]) -> Vec<&'static str> {
    columns.iter().map(|c| c.title).collect()
}

/// The column titled `title` (for the beneficiary list, whose columns depend on the file).
pub fn find<'a>(columns: &'a [Column], title: &str) -> Option<&'a Column> {
    columns.iter().find(|c| c.title == title)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn residential_titles_follow_the_units() {
        use crate::config::{UnitType, UnitWords};
        // (units, title)
        for (units, want) in [
            (&[][..], "Tổ dân phố"),
            (&["tổ dân phố"][..], "Tổ dân phố"),
            (&["thôn"][..], "Thôn"),
            (&["ấp"][..], "Ấp"),
            (&["thôn", "tổ dân phố"][..], "Thôn, tổ dân phố"),
            (&["bản", "thôn"][..], "Bản, thôn"),
        ] {
            let units: Vec<String> = units.iter().map(|u| u.to_string()).collect();
            let words = UnitWords::new(UnitType::Xa, &units);
            let want = if units.is_empty() { "Thôn" } else { want };
            assert_eq!(residential_title(&words), want, "{units:?}");
        }
    }

    #[test]
    fn renaming_the_residential_column() {
        let cols = [
            Column::text("Họ và tên", "x"),
            Column::text(RESIDENTIAL_TITLE, "Tổ dân phố (thôn) nơi cư trú."),
        ];
        let rows = vec![vec!["A, B".to_string(), "Tổ dân phố số 1".to_string()]];
        let files = super::super::files::TableFiles {
            stem: "t",
            title: "t",
            description: "t",
            columns: &cols,
            key: Some("Họ và tên+Tổ dân phố"),
            unique_key: false,
        };
        let [mut csv, mut json] = files.downloads(&rows);
        // A phường keeps its bytes.
        let before = csv.bytes.clone();
        follow_units(&mut csv, RESIDENTIAL_TITLE);
        assert_eq!(csv.bytes, before);
        follow_units(&mut csv, "Thôn, tổ dân phố");
        follow_units(&mut json, "Thôn, tổ dân phố");
        assert_eq!(
            String::from_utf8(csv.bytes).unwrap(),
            "\u{feff}Họ và tên,\"Thôn, tổ dân phố\"\r\n\"A, B\",Tổ dân phố số 1\r\n"
        );
        let v: Value = serde_json::from_slice(&json.bytes).unwrap();
        assert_eq!(v[0]["Thôn, tổ dân phố"], "Tổ dân phố số 1");
        assert!(v[0].get(RESIDENTIAL_TITLE).is_none());
        assert_eq!(csv.columns[1].title, "Thôn, tổ dân phố");
        assert_eq!(csv.columns[1].description, "Thôn, tổ dân phố nơi cư trú.");
        assert_eq!(
            csv.key_column.as_deref(),
            Some("Họ và tên+Thôn, tổ dân phố")
        );
        // A value equal to the title is not a key.
        let j = r#"[{"Tổ dân phố": "Tổ dân phố", "x": "\"Tổ dân phố\": 1"}]"#;
        assert_eq!(
            String::from_utf8(rename_json_key(j.as_bytes(), RESIDENTIAL_TITLE, "Thôn")).unwrap(),
            r#"[{"Thôn": "Tổ dân phố", "x": "\"Tổ dân phố\": 1"}]"#
        );
    }

    #[test]
    fn schema_field_and_json_values() {
        let c = Column::decimal("Tỷ lệ đồng ý", "Phần trăm").unit("%");
        let f = c.schema_field();
        assert_eq!(f["name"], "Tỷ lệ đồng ý");
        assert_eq!(f["type"], "number");
        assert_eq!(f["decimalChar"], ",");
        assert_eq!(f["constraints"]["minimum"], 0);
        assert_eq!(c.json_value("52,3"), json!(52.3));
        assert_eq!(c.json_value("—"), Value::Null);
        let b = Column::yes_no("Trường hợp đặc thù", "x");
        assert_eq!(b.json_value("có"), json!(true));
        assert_eq!(b.json_value("không"), json!(false));
        let n = Column::count("Số hộ", "x").required();
        assert_eq!(n.json_value("12"), json!(12));
        assert_eq!(n.json_value("mười"), json!("mười"));
        assert_eq!(n.schema_field()["constraints"]["required"], true);
        let s = Column::text("Kết quả", "x").one_of(&["đạt", "không đạt"]);
        assert_eq!(s.schema_field()["constraints"]["enum"][1], "không đạt");
        assert!(
            Column::text("Mã", "x")
                .schema_field()
                .get("constraints")
                .is_none()
        );
    }
}
