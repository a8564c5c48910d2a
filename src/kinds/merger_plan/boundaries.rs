//! `[record] boundaries`: a GeoJSON file of today's groups, drawn as a map
//! ([`crate::geo_map`]); `boundaries_property` names the feature property holding the
//! group code (default `code`).

use std::collections::BTreeMap;
use std::path::Path;

use crate::data::load_value;
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::geo_map::{self, Feature};
use crate::kinds::files::resolve_path;
use crate::kinds::{KindContext, RecordInput};
use crate::residential::Group;
use crate::text::{did_you_mean, fold_words};

/// Today's groups' outlines, each feature's code spelled as in the groups table.
#[derive(Debug, Clone)]
pub struct Boundaries {
    pub features: Vec<Feature>,
    /// Codes of today's groups with no outline (drawn as missing, named in the map).
    pub missing: Vec<String>,
}

/// Load and check `[record] boundaries`: the file parses, every feature's code is one of
/// today's groups (rewritten to the code as spelled in the groups table). Groups without
/// a boundary are a warning and are returned for the map's description. `None` when the
/// field is absent or on error (pushed to `errors`).
pub fn load_boundaries(
    input: &RecordInput,
    ctx: &KindContext,
    groups: &[Group],
    errors: &mut Diagnostics,
    warnings: &mut Diagnostics,
) -> Option<Boundaries> {
    if !input.record.contains_key("boundaries") {
        return None;
    }
    let rel = input
        .str_field("boundaries")
        .map_err(|d| errors.push(d))
        .ok()?;
    let property = code_property(input).map_err(|d| errors.push(d)).ok()?;
    let source = resolve_path(input, ctx, rel)
        .to_string_lossy()
        .replace('\\', "/");
    let value = read_geojson(input, ctx, &source, property, errors)?;
    // Features that were read are checked too, so all problems are listed at once.
    let (mut features, problems) =
        geo_map::parse_value_partial(&value, Path::new(&source), property);
    let mut bad = problems.has_errors();
    errors.extend(problems);
    for f in &mut features {
        if let Err(d) = match_code(f, groups, &source, property) {
            bad = true;
            errors.push(d);
        }
    }
    if bad {
        return None;
    }
    let missing: Vec<String> = groups
        .iter()
        .filter(|g| !features.iter().any(|f| f.code == g.code))
        .map(|g| g.code.clone())
        .collect();
    if !missing.is_empty() {
        warnings.push(missing_warning(&missing, &source, property));
    }
    Some(Boundaries { features, missing })
}

/// `[record] boundaries_property`: the feature property holding the group code.
fn code_property<'a>(input: &'a RecordInput) -> Result<&'a str, Diagnostic> {
    match input.record.get("boundaries_property") {
        None => Ok("code"),
        Some(toml::Value::String(s)) if !s.trim().is_empty() => Ok(s.trim()),
        Some(_) => Err(Diagnostic::error(
            "trường record.boundaries_property phải là tên một thuộc tính, đặt trong dấu ngoặc kép",
        )
        .at(input.field_location("boundaries_property"))
        .hint("ví dụ boundaries_property = \"ma_to\"; bỏ trường này thì dùng thuộc tính \"code\"")),
    }
}

/// The file as JSON; a syntax error is worded by [`geo_map::parse`] (with line and
/// column).
fn read_geojson(
    input: &RecordInput,
    ctx: &KindContext,
    source: &str,
    property: &str,
    errors: &mut Diagnostics,
) -> Option<serde_json::Value> {
    match load_value(ctx.root, source) {
        // `.geojson` (any extension but .json) arrives as text.
        Ok(serde_json::Value::String(text)) => match serde_json::from_str(&text) {
            Ok(v) => Some(v),
            Err(_) => {
                if let Err(ds) = geo_map::parse(&text, Path::new(source), property) {
                    errors.extend(ds);
                }
                None
            }
        },
        Ok(v) => Some(v),
        Err(mut d) => {
            if d.location.is_none() {
                d = d.at(input.field_location("boundaries"));
            }
            errors.push(d);
            None
        }
    }
}

/// Rewrite a feature's code to the groups table's spelling, or say it is unknown.
fn match_code(
    f: &mut Feature,
    groups: &[Group],
    source: &str,
    property: &str,
) -> Result<(), Diagnostic> {
    let by_key: BTreeMap<String, &str> = groups
        .iter()
        .map(|g| (fold_words(&g.code), g.code.as_str()))
        .collect();
    if let Some(code) = by_key.get(&fold_words(&f.code)) {
        f.code = (*code).to_string();
        return Ok(());
    }
    let d = Diagnostic::error(format!(
        "đối tượng thứ {} (features[{}]) có mã tổ \u{201c}{}\u{201d} không có trong bảng tổ dân phố hiện nay",
        f.index + 1,
        f.index,
        f.code
    ))
    .at(Location::file(source).with_field(format!(
        "features[{}].properties.{property}",
        f.index
    )));
    Err(match did_you_mean(&f.code, groups.iter().map(|g| g.code.as_str())) {
        Some(s) => d.hint(format!(
            "có phải là \u{201c}{s}\u{201d}? Sửa mã trong bảng thuộc tính của lớp ranh giới cho đúng cột Mã tổ của bảng tổ dân phố hiện nay"
        )),
        None => d.hint(
            "ghi đúng mã tổ như cột Mã tổ của bảng tổ dân phố hiện nay (ví dụ TDP01), hoặc xóa vùng không thuộc địa bàn khỏi lớp ranh giới",
        ),
    })
}

fn missing_warning(missing: &[String], source: &str, property: &str) -> Diagnostic {
    Diagnostic::warning(format!(
        "chưa có ranh giới của {} tổ hiện nay: {}; bản đồ được vẽ thiếu các tổ này",
        missing.len(),
        missing.join(", ")
    ))
    .at(Location::file(source))
    .hint(format!(
        "vẽ thêm vùng cho các tổ này trong lớp ranh giới, ghi mã tổ vào thuộc tính \u{201c}{property}\u{201d}, rồi xuất lại tệp GeoJSON"
    ))
}
