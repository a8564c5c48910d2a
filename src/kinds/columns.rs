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
