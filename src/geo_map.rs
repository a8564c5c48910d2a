//! Static boundary maps as inline SVG, from a GeoJSON FeatureCollection: no tiles, no
//! JavaScript, no fonts, no external requests.
//!
//! Used by the merger plan (`[record] boundaries`): today's groups are drawn as thin
//! outlines labelled with their code, each filled with the colour of the group it joins
//! after the change; edges between different new groups (and the outer edge) are drawn
//! thick. The SVG has `role="img"`, a `<title>` and a `<desc>` listing which groups form
//! each new group; the legend is an HTML list beneath it.
//!
//! Everything here is a pure function of its input, and the output is byte-identical
//! between runs: coordinates are projected, then rounded to tenths of a unit and kept as
//! integers; maps are `BTreeMap`s.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::Deserialize;
use serde_json::Value;

use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::text::escape_html;

/// A ring of `[longitude, latitude]` positions (WGS 84 degrees).
pub type Ring = Vec<[f64; 2]>;

/// One GeoJSON feature: its index in `features`, its group code (as written, trimmed)
/// and its polygons (outer ring first, then holes).
#[derive(Debug, Clone, PartialEq)]
pub struct Feature {
    pub index: usize,
    pub code: String,
    pub polygons: Vec<Vec<Ring>>,
}

/// Width of the SVG viewBox; the height follows the area's aspect.
pub const WIDTH: f64 = 640.0;
/// Tallest viewBox allowed; a very tall area is narrowed instead.
pub const MAX_HEIGHT: f64 = 900.0;
/// Margin inside the viewBox.
pub const PAD: f64 = 12.0;

/// Colour-blind-safe palette (Okabe–Ito, without black).
pub const PALETTE: &[&str] = &[
    "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#999999",
];
/// Fill of the groups that are not highlighted on a new group's own page.
const OTHER_FILL: &str = "#E5E5E5";

const WGS84_HINT: &str = "xuất lại tệp với hệ tọa độ WGS 84 (EPSG:4326): trong QGIS bấm chuột phải vào lớp ranh giới → Export → Save Features As…, Format: GeoJSON, CRS: EPSG:4326 - WGS 84";

// ---------------------------------------------------------------------------------
// Parsing and validation
// ---------------------------------------------------------------------------------

/// Parse a GeoJSON FeatureCollection whose features are Polygons or MultiPolygons and
/// carry a group code in `properties[property]`. All problems are returned at once,
/// located at `source` (the site-relative file) and, where possible, at the feature
/// (`features[3].properties.code`).
pub fn parse(text: &str, source: &Path, property: &str) -> Result<Vec<Feature>, Diagnostics> {
    let root: Value = serde_json::from_str(text).map_err(|e| {
        // serde_json stops at 128 levels of nesting (no recursion can overflow the stack);
        // a boundary file has at most 6 (collection, feature, geometry, polygon, ring,
        // position).
        let why = if e.to_string().contains("recursion limit") {
            "các dấu ngoặc lồng nhau quá sâu (hơn 128 tầng), không phải ranh giới xuất từ phần mềm bản đồ".to_string()
        } else {
            e.to_string()
        };
        Diagnostics::from(
            Diagnostic::error(format!("tệp GeoJSON không hợp lệ: {why}"))
                .at(Location::at(source, e.line(), e.column()))
                .hint("kiểm tra dấu ngoặc, dấu phẩy và dấu ngoặc kép; tốt nhất là xuất lại tệp từ QGIS (định dạng GeoJSON) thay vì sửa tay"),
        )
    })?;
    parse_value(&root, source, property)
}

/// [`parse`] on an already-parsed JSON value.
pub fn parse_value(
    root: &Value,
    source: &Path,
    property: &str,
) -> Result<Vec<Feature>, Diagnostics> {
    let (features, errors) = parse_value_partial(root, source, property);
    if errors.has_errors() {
        Err(errors)
    } else {
        Ok(features)
    }
}

/// Like [`parse_value`], but also returns the features that were read correctly when
/// others were not, so a caller can check their codes too and report everything at once.
pub fn parse_value_partial(
    root: &Value,
    source: &Path,
    property: &str,
) -> (Vec<Feature>, Diagnostics) {
    let mut errors = Diagnostics::new();
    let at = |field: String| Location::file(source).with_field(field);
    let features = match (
        root.get("type").and_then(Value::as_str),
        root.get("features"),
    ) {
        (Some("FeatureCollection"), Some(Value::Array(fs))) => fs,
        _ => {
            errors.push(Diagnostic::error(
                "tệp ranh giới phải là một GeoJSON FeatureCollection (có \"type\": \"FeatureCollection\" và danh sách \"features\")",
            )
            .at(Location::file(source))
            .hint("xuất cả lớp ranh giới từ QGIS: chuột phải vào lớp → Export → Save Features As…, Format: GeoJSON"));
            return (Vec::new(), errors);
        }
    };
    if features.is_empty() {
        errors.push(
            Diagnostic::error("tệp ranh giới không có đối tượng (feature) nào")
                .at(at("features".into()))
                .hint("mỗi tổ dân phố hiện nay là một vùng (Polygon) trong lớp ranh giới"),
        );
        return (Vec::new(), errors);
    }
    let mut out = Vec::with_capacity(features.len());
    for (i, f) in features.iter().enumerate() {
        match read_feature(i, f, source, property) {
            Ok(feature) => out.push(feature),
            Err(d) => errors.push(d),
        }
    }
    (out, errors)
}

/// One feature: its group code, then its polygons.
fn read_feature(i: usize, f: &Value, source: &Path, property: &str) -> Result<Feature, Diagnostic> {
    let at = |field: String| Location::file(source).with_field(field);
    let which = format!("đối tượng thứ {} (features[{i}])", i + 1);
    let code = feature_code(f, property).map_err(|have| {
        Diagnostic::error(format!(
            "{which} không có mã tổ ở thuộc tính \u{201c}{property}\u{201d}"
        ))
        .at(at(format!("features[{i}].properties.{property}")))
        .hint(format!(
            "trong bảng thuộc tính của lớp (QGIS: Open Attribute Table) ghi mã tổ hiện nay vào cột \u{201c}{property}\u{201d}, đúng như cột Mã tổ của bảng tổ dân phố (ví dụ TDP01); nếu mã nằm ở cột khác thì ghi tên cột đó vào boundaries_property trong [record]; {have}"
        ))
    })?;
    let which = format!("{which}, mã {code}");
    let geom_at = || at(format!("features[{i}].geometry"));
    let raw = f.get("geometry").unwrap_or(&Value::Null);
    let raw_kind = raw.get("type").and_then(Value::as_str).unwrap_or("");
    // The `geojson` crate reads the feature (RFC 7946's structure); the checks it does
    // not make (WGS 84 ranges, closed rings, which geometry a group may have) and the
    // Vietnamese wording stay here.
    let geometry = match geojson::Feature::deserialize(f) {
        Ok(feature) => feature.geometry.map(|g| g.value),
        Err(_) if f.get("type").and_then(Value::as_str) != Some("Feature") => {
            return Err(Diagnostic::error(format!(
                "{which} không phải một Feature của GeoJSON (thiếu \"type\": \"Feature\")"
            ))
            .at(at(format!("features[{i}].type")))
            .hint("xuất lại tệp từ QGIS với định dạng GeoJSON thay vì sửa tay"));
        }
        Err(_) if matches!(raw_kind, "Polygon" | "MultiPolygon") => {
            return Err(GeomProblem::Shape.into_diagnostic(&which).at(geom_at()));
        }
        Err(_) => return Err(kind_diag(&which, raw_kind, raw.is_null()).at(geom_at())),
    };
    let polygons: Vec<geojson::PolygonType> = match geometry {
        Some(geojson::GeometryValue::Polygon { coordinates }) => vec![coordinates],
        Some(geojson::GeometryValue::MultiPolygon { coordinates }) => coordinates,
        Some(other) => return Err(kind_diag(&which, other.type_name(), false).at(geom_at())),
        None => return Err(kind_diag(&which, "", true).at(geom_at())),
    };
    match read_polygons(&polygons) {
        Ok(polygons) => Ok(Feature {
            index: i,
            code,
            polygons,
        }),
        Err(problem) => Err(problem.into_diagnostic(&which).at(geom_at())),
    }
}

/// A feature whose geometry is not an area: none, of unknown kind, or of kind `kind`.
fn kind_diag(which: &str, kind: &str, null: bool) -> Diagnostic {
    let what = if null {
        "không có hình (geometry trống)".to_string()
    } else if kind.is_empty() {
        "có hình không rõ kiểu".to_string()
    } else {
        format!("có hình kiểu {kind}")
    };
    Diagnostic::error(format!(
        "{which} {what}; ranh giới tổ phải là vùng (Polygon hoặc MultiPolygon)"
    ))
    .hint(
        "vẽ ranh giới mỗi tổ thành một vùng khép kín (lớp kiểu Polygon), không dùng điểm hay đường",
    )
}

/// A feature's group code (a non-empty text or a number), or, when it has none, the
/// properties it does have, worded for the hint.
fn feature_code(f: &Value, property: &str) -> Result<String, String> {
    let props = f.get("properties").and_then(Value::as_object);
    match props.and_then(|p| p.get(property)) {
        Some(Value::String(s)) if !s.trim().is_empty() => return Ok(s.trim().to_string()),
        Some(Value::Number(n)) => return Ok(n.to_string()),
        _ => {}
    }
    let have: Vec<&str> = props
        .map(|p| p.keys().map(String::as_str).collect())
        .unwrap_or_default();
    Err(if have.is_empty() {
        "đối tượng này chưa có thuộc tính nào".to_string()
    } else {
        format!("các thuộc tính đang có: {}", have.join(", "))
    })
}

/// What is wrong with a geometry's coordinates.
#[derive(Debug, Clone, PartialEq)]
enum GeomProblem {
    /// Not an array of rings of positions.
    Shape,
    /// A ring with fewer than 3 points.
    ShortRing,
    /// A position outside −180..180 / −90..90.
    NotLonLat([f64; 2]),
}

impl GeomProblem {
    fn into_diagnostic(self, which: &str) -> Diagnostic {
        match self {
            GeomProblem::Shape => Diagnostic::error(format!(
                "{which}: tọa độ của vùng không đúng cấu trúc GeoJSON (mỗi vùng là danh sách vòng, mỗi vòng là danh sách điểm [kinh độ, vĩ độ])"
            ))
            .hint("xuất lại tệp từ QGIS với định dạng GeoJSON thay vì sửa tay"),
            GeomProblem::ShortRing => Diagnostic::error(format!(
                "{which}: có vòng ranh giới ít hơn 3 điểm, không tạo thành vùng"
            ))
            .hint("kiểm tra lại hình của tổ trong QGIS (Vector → Geometry Tools → Check Validity) rồi xuất lại"),
            GeomProblem::NotLonLat([x, y]) => {
                let swapped = x.abs() <= 90.0 && y.abs() <= 180.0 && y.abs() > 90.0;
                let why = if swapped {
                    "có vẻ kinh độ và vĩ độ bị đảo chỗ (GeoJSON ghi kinh độ trước, vĩ độ sau)"
                } else {
                    "có vẻ tệp dùng hệ tọa độ phẳng (VN-2000, UTM…) chứ không phải kinh độ, vĩ độ"
                };
                Diagnostic::error(format!(
                    "{which}: tọa độ [{x}, {y}] không phải kinh độ (−180 đến 180), vĩ độ (−90 đến 90): {why}"
                ))
                .hint(WGS84_HINT)
            }
        }
    }
}

fn read_polygons(polygons: &[geojson::PolygonType]) -> Result<Vec<Vec<Ring>>, GeomProblem> {
    let mut out = Vec::with_capacity(polygons.len());
    for rings in polygons {
        if rings.is_empty() {
            return Err(GeomProblem::Shape);
        }
        let mut rs = Vec::with_capacity(rings.len());
        for positions in rings {
            let mut ring: Ring = Vec::with_capacity(positions.len());
            for pos in positions {
                let (Some(&x), Some(&y)) = (pos.as_slice().first(), pos.as_slice().get(1)) else {
                    return Err(GeomProblem::Shape);
                };
                if !x.is_finite()
                    || !y.is_finite()
                    || !(-180.0..=180.0).contains(&x)
                    || !(-90.0..=90.0).contains(&y)
                {
                    return Err(GeomProblem::NotLonLat([x, y]));
                }
                ring.push([x, y]);
            }
            if ring.first() == ring.last() && ring.len() > 1 {
                ring.pop();
            }
            if ring.len() < 3 {
                return Err(GeomProblem::ShortRing);
            }
            rs.push(ring);
        }
        out.push(rs);
    }
    if out.is_empty() {
        return Err(GeomProblem::Shape);
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------
// Geometry: bounding box, projection, path data, label points
// ---------------------------------------------------------------------------------

/// Bounding box in degrees.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BBox {
    pub min_lon: f64,
    pub min_lat: f64,
    pub max_lon: f64,
    pub max_lat: f64,
}

/// Bounding box of every position of every feature; `None` when there are none.
pub fn bbox(features: &[Feature]) -> Option<BBox> {
    let mut b: Option<BBox> = None;
    for [x, y] in features
        .iter()
        .flat_map(|f| &f.polygons)
        .flatten()
        .flatten()
    {
        let (x, y) = (*x, *y);
        b = Some(match b {
            None => BBox {
                min_lon: x,
                min_lat: y,
                max_lon: x,
                max_lat: y,
            },
            Some(b) => BBox {
                min_lon: b.min_lon.min(x),
                min_lat: b.min_lat.min(y),
                max_lon: b.max_lon.max(x),
                max_lat: b.max_lat.max(y),
            },
        });
    }
    b
}

/// Equirectangular projection with longitude scaled by cos(mean latitude), y flipped,
/// fitted into a viewBox `WIDTH` wide (narrower areas are centred when capped by
/// `MAX_HEIGHT`), keeping the aspect.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Projection {
    min_lon: f64,
    max_lat: f64,
    /// cos(mean latitude).
    k: f64,
    /// ViewBox units per degree of latitude.
    scale: f64,
    off_x: f64,
    pub width: f64,
    pub height: f64,
}

impl Projection {
    pub fn fit(b: BBox) -> Projection {
        let mean = (b.min_lat + b.max_lat) / 2.0;
        let k = mean.to_radians().cos().max(0.01);
        let w = (b.max_lon - b.min_lon) * k;
        let h = b.max_lat - b.min_lat;
        let inner_w = WIDTH - 2.0 * PAD;
        let inner_h = MAX_HEIGHT - 2.0 * PAD;
        let scale = match (w > 0.0, h > 0.0) {
            (true, true) => (inner_w / w).min(inner_h / h),
            (true, false) => inner_w / w,
            (false, true) => inner_h / h,
            (false, false) => 1.0,
        };
        let off_x = (inner_w - w * scale) / 2.0;
        Projection {
            min_lon: b.min_lon,
            max_lat: b.max_lat,
            k,
            scale,
            off_x,
            width: WIDTH,
            height: (h * scale + 2.0 * PAD).max(2.0 * PAD),
        }
    }

    /// ViewBox coordinates of a `[lon, lat]` position.
    pub fn project(&self, [lon, lat]: [f64; 2]) -> (f64, f64) {
        (
            PAD + self.off_x + (lon - self.min_lon) * self.k * self.scale,
            PAD + (self.max_lat - lat) * self.scale,
        )
    }

    /// Projected and rounded to tenths (integers, for exact comparison and output).
    pub fn project_tenths(&self, p: [f64; 2]) -> (i64, i64) {
        let (x, y) = self.project(p);
        (tenths(x), tenths(y))
    }
}

fn tenths(v: f64) -> i64 {
    // `as` saturates; values are within the viewBox anyway.
    (v * 10.0).round() as i64
}

/// A number in tenths written with at most one decimal: 125 → "12.5", 120 → "12".
pub fn fmt_tenths(t: i64) -> String {
    let sign = if t < 0 { "-" } else { "" };
    let a = t.unsigned_abs();
    if a.is_multiple_of(10) {
        format!("{sign}{}", a / 10)
    } else {
        format!("{sign}{}.{}", a / 10, a % 10)
    }
}

/// A number rounded to one decimal: 12.04 → "12", 12.06 → "12.1".
pub fn fmt1(v: f64) -> String {
    fmt_tenths(tenths(v))
}

/// A ring projected to tenths, consecutive duplicates (after rounding) dropped, not
/// closed (the first point is not repeated).
fn ring_tenths(p: &Projection, ring: &Ring) -> Vec<(i64, i64)> {
    let mut out: Vec<(i64, i64)> = Vec::with_capacity(ring.len());
    for pos in ring {
        let t = p.project_tenths(*pos);
        if out.last() != Some(&t) {
            out.push(t);
        }
    }
    while out.len() > 1 && out.first() == out.last() {
        out.pop();
    }
    out
}

/// SVG path data for a feature: one `M … Z` subpath per ring, coordinates with one
/// decimal. Rings that collapse to fewer than 3 points at this scale are left out.
pub fn path_data(p: &Projection, f: &Feature) -> String {
    let mut d = String::new();
    for ring in f.polygons.iter().flatten() {
        let pts = ring_tenths(p, ring);
        if pts.len() < 3 {
            continue;
        }
        for (i, (x, y)) in pts.iter().enumerate() {
            d.push(if i == 0 { 'M' } else { 'L' });
            d.push_str(&fmt_tenths(*x));
            d.push(' ');
            d.push_str(&fmt_tenths(*y));
        }
        d.push('Z');
    }
    d
}

/// Signed area (shoelace) of a closed ring given without its closing point.
pub fn signed_area(pts: &[(f64, f64)]) -> f64 {
    let n = pts.len();
    let mut a = 0.0;
    for i in 0..n {
        let (x0, y0) = pts[i];
        let (x1, y1) = pts[(i + 1) % n];
        a += x0 * y1 - x1 * y0;
    }
    a / 2.0
}

/// Area centroid of a ring; the mean of its points when the area is (nearly) zero.
/// `None` for an empty ring.
pub fn centroid(pts: &[(f64, f64)]) -> Option<(f64, f64)> {
    if pts.is_empty() {
        return None;
    }
    let n = pts.len();
    let a = signed_area(pts);
    if a.abs() < 1e-9 {
        let (sx, sy) = pts
            .iter()
            .fold((0.0, 0.0), |(sx, sy), (x, y)| (sx + x, sy + y));
        return Some((sx / n as f64, sy / n as f64));
    }
    let (mut cx, mut cy) = (0.0, 0.0);
    for i in 0..n {
        let (x0, y0) = pts[i];
        let (x1, y1) = pts[(i + 1) % n];
        let cross = x0 * y1 - x1 * y0;
        cx += (x0 + x1) * cross;
        cy += (y0 + y1) * cross;
    }
    Some((cx / (6.0 * a), cy / (6.0 * a)))
}

/// Even–odd point-in-ring test.
pub fn point_in_ring(pt: (f64, f64), pts: &[(f64, f64)]) -> bool {
    let (px, py) = pt;
    let n = pts.len();
    let mut inside = false;
    for i in 0..n {
        let (xi, yi) = pts[i];
        let (xj, yj) = pts[(i + n - 1) % n];
        if (yi > py) != (yj > py) && px < (xj - xi) * (py - yi) / (yj - yi) + xi {
            inside = !inside;
        }
    }
    inside
}

/// Where to put a ring's label: its centroid if that is inside (convex and most
/// ordinary shapes), else the middle of the widest inside stretch of the horizontal line
/// through the centroid (L- and U-shaped areas).
pub fn label_point(pts: &[(f64, f64)]) -> Option<(f64, f64)> {
    let c = centroid(pts)?;
    if point_in_ring(c, pts) {
        return Some(c);
    }
    let y = c.1;
    let n = pts.len();
    let mut xs: Vec<f64> = Vec::new();
    for i in 0..n {
        let (x0, y0) = pts[i];
        let (x1, y1) = pts[(i + 1) % n];
        if (y0 > y) != (y1 > y) {
            xs.push(x0 + (y - y0) * (x1 - x0) / (y1 - y0));
        }
    }
    xs.sort_by(f64::total_cmp);
    xs.chunks_exact(2)
        .max_by(|a, b| (a[1] - a[0]).total_cmp(&(b[1] - b[0])))
        .map(|w| ((w[0] + w[1]) / 2.0, y))
        .or(Some(c))
}

/// Label point of a feature: on the outer ring of its largest polygon.
fn feature_label(p: &Projection, f: &Feature) -> Option<(f64, f64)> {
    f.polygons
        .iter()
        .filter_map(|poly| poly.first())
        .map(|outer| outer.iter().map(|q| p.project(*q)).collect::<Vec<_>>())
        .max_by(|a, b| signed_area(a).abs().total_cmp(&signed_area(b).abs()))
        .and_then(|pts| label_point(&pts))
}

// ---------------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------------

/// A group after the change, as the map shows it.
#[derive(Debug, Clone)]
pub struct Area {
    pub code: String,
    pub name: String,
    /// Codes of today's groups that form it (as in the features).
    pub members: Vec<String>,
    /// Link for the legend.
    pub url: Option<String>,
}

#[derive(Debug, Clone)]
pub struct MapInput<'a> {
    /// Unique id prefix on the page, for `aria-labelledby`.
    pub id: &'a str,
    pub title: &'a str,
    pub features: &'a [Feature],
    pub areas: &'a [Area],
    /// Today's groups without a boundary (named in the description).
    pub missing: &'a [String],
    /// Code of the one new group to colour (a new group's own page); the rest is grey.
    pub highlight: Option<&'a str>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RenderedMap {
    pub svg: String,
    /// `<ul class="geo-map__legend">`: new group → colour.
    pub legend: String,
}

/// Colour index of each area: greedy colouring in plan order so that neighbours (areas
/// sharing an edge) differ whenever the palette allows, spreading over the palette.
pub fn assign_colours(n_areas: usize, neighbours: &BTreeSet<(usize, usize)>) -> Vec<usize> {
    let mut colours: Vec<usize> = Vec::with_capacity(n_areas);
    for a in 0..n_areas {
        let used: BTreeSet<usize> = neighbours
            .iter()
            .filter_map(|&(x, y)| {
                if x == a && y < a {
                    Some(colours[y])
                } else if y == a && x < a {
                    Some(colours[x])
                } else {
                    None
                }
            })
            .collect();
        // Among the colours no neighbour has, the least used so far (so the map uses the
        // whole palette, not two colours); when neighbours have them all, the least used.
        let mut count = vec![0usize; PALETTE.len()];
        for c in &colours {
            count[*c] += 1;
        }
        let pick = |free_only: bool| {
            (0..PALETTE.len())
                .filter(|c| !free_only || !used.contains(c))
                .min_by_key(|c| (count[*c], *c))
        };
        colours.push(pick(true).or_else(|| pick(false)).unwrap_or(0));
    }
    colours
}

type Edge = ((i64, i64), (i64, i64));

/// Render the map. Features whose code is in no area are drawn without fill.
pub fn render(input: &MapInput) -> RenderedMap {
    let area_of: BTreeMap<&str, usize> = input
        .areas
        .iter()
        .enumerate()
        .flat_map(|(i, a)| a.members.iter().map(move |m| (m.as_str(), i)))
        .collect();
    let proj = bbox(input.features).map(Projection::fit);
    let (neighbours, thick) = match &proj {
        Some(p) => borders(input, p, &area_of),
        None => (BTreeSet::new(), Vec::new()),
    };
    let colours = assign_colours(input.areas.len(), &neighbours);
    let fill_of = |a: usize| -> &'static str {
        match input.highlight {
            Some(h) if input.areas[a].code != h => OTHER_FILL,
            _ => PALETTE[colours[a]],
        }
    };

    let (w, h) = proj
        .as_ref()
        .map_or((WIDTH, 2.0 * PAD), |p| (p.width, p.height));
    let mut s = crate::svg_chart::svg_open(&crate::svg_chart::SvgHead {
        class: "geo-map",
        id: input.id,
        width: &fmt1(w),
        height: &fmt1(h),
        font_size: 11,
        title: input.title,
        desc: &description(input),
    });
    if let Some(p) = &proj {
        push_areas(&mut s, input, p, &area_of, &fill_of);
        push_borders(&mut s, &thick);
        push_labels(&mut s, input, p);
    }
    s.push_str("</svg>");
    RenderedMap {
        svg: s,
        legend: legend(input, &fill_of),
    }
}

/// Which areas are neighbours (share an edge), and the thick edges: those between
/// different areas and the outer edge. Edges are rounded and undirected.
fn borders(
    input: &MapInput,
    p: &Projection,
    area_of: &BTreeMap<&str, usize>,
) -> (BTreeSet<(usize, usize)>, Vec<Edge>) {
    // Edge → the areas whose polygons use it.
    let mut edges: BTreeMap<Edge, Vec<Option<usize>>> = BTreeMap::new();
    for f in input.features {
        let a = area_of.get(f.code.as_str()).copied();
        for ring in f.polygons.iter().flatten() {
            let pts = ring_tenths(p, ring);
            if pts.len() < 2 {
                continue;
            }
            for i in 0..pts.len() {
                let (u, v) = (pts[i], pts[(i + 1) % pts.len()]);
                if u == v {
                    continue;
                }
                edges.entry((u.min(v), u.max(v))).or_default().push(a);
            }
        }
    }
    let mut neighbours: BTreeSet<(usize, usize)> = BTreeSet::new();
    let mut thick: Vec<Edge> = Vec::new();
    for (e, users) in &edges {
        let distinct: BTreeSet<Option<usize>> = users.iter().copied().collect();
        let list: Vec<usize> = distinct.iter().flatten().copied().collect();
        for (i, x) in list.iter().enumerate() {
            for y in &list[i + 1..] {
                neighbours.insert((*x, *y));
            }
        }
        if users.len() == 1 || distinct.len() > 1 {
            thick.push(*e);
        }
    }
    (neighbours, thick)
}

/// Today's groups as thin outlines, filled with their new group's colour.
fn push_areas(
    s: &mut String,
    input: &MapInput,
    p: &Projection,
    area_of: &BTreeMap<&str, usize>,
    fill_of: &dyn Fn(usize) -> &'static str,
) {
    s.push_str("<g class=\"geo-map__areas\" stroke=\"#333\" stroke-width=\"0.8\" stroke-linejoin=\"round\" fill-rule=\"evenodd\">");
    for f in input.features {
        let (fill, new_code) = match area_of.get(f.code.as_str()).copied() {
            Some(a) => (fill_of(a), input.areas[a].code.as_str()),
            None => ("none", ""),
        };
        s.push_str(&format!(
            "<path class=\"geo-map__area\" data-code=\"{}\" data-new=\"{}\" fill=\"{fill}\" d=\"{}\"/>",
            escape_html(&f.code),
            escape_html(new_code),
            path_data(p, f)
        ));
    }
    s.push_str("</g>");
}

/// The thick edges as one path.
fn push_borders(s: &mut String, thick: &[Edge]) {
    if thick.is_empty() {
        return;
    }
    let mut d = String::new();
    for ((x0, y0), (x1, y1)) in thick {
        d.push_str(&format!(
            "M{} {}L{} {}",
            fmt_tenths(*x0),
            fmt_tenths(*y0),
            fmt_tenths(*x1),
            fmt_tenths(*y1)
        ));
    }
    s.push_str(&format!(
        "<path class=\"geo-map__borders\" fill=\"none\" stroke=\"#000\" stroke-width=\"2.5\" stroke-linecap=\"round\" d=\"{d}\"/>"
    ));
}

/// Each of today's groups' code inside its outline.
fn push_labels(s: &mut String, input: &MapInput, p: &Projection) {
    s.push_str("<g class=\"geo-map__labels\" text-anchor=\"middle\" fill=\"#111\" stroke=\"#fff\" stroke-width=\"3\" stroke-linejoin=\"round\" paint-order=\"stroke\">");
    for f in input.features {
        if let Some((x, y)) = feature_label(p, f) {
            s.push_str(&format!(
                "<text class=\"geo-map__label\" x=\"{}\" y=\"{}\" dy=\"0.35em\">{}</text>",
                fmt1(x),
                fmt1(y),
                escape_html(&f.code)
            ));
        }
    }
    s.push_str("</g>");
}

/// The HTML legend: each new group (or only the highlighted one) with its colour and
/// members.
fn legend(input: &MapInput, fill_of: &dyn Fn(usize) -> &'static str) -> String {
    let mut legend = String::from("<ul class=\"geo-map__legend\">");
    let entries: Vec<usize> = match input.highlight {
        Some(h) => input
            .areas
            .iter()
            .position(|a| a.code == h)
            .into_iter()
            .collect(),
        None => (0..input.areas.len()).collect(),
    };
    for a in entries {
        let area = &input.areas[a];
        let label = format!("{} ({})", escape_html(&area.name), escape_html(&area.code));
        let label = match &area.url {
            Some(u) if input.highlight.is_none() => {
                format!("<a href=\"{}\">{label}</a>", escape_html(u))
            }
            _ => label,
        };
        let members = area
            .members
            .iter()
            .map(|m| {
                if input.missing.contains(m) {
                    format!("{m} (chưa có ranh giới)")
                } else {
                    m.clone()
                }
            })
            .collect::<Vec<_>>()
            .join(", ");
        legend.push_str(&format!(
            "<li data-code=\"{}\">{}{label}: {}</li>",
            escape_html(&area.code),
            swatch(fill_of(a)),
            escape_html(&members)
        ));
    }
    if input.highlight.is_some() && input.areas.len() > 1 {
        legend.push_str(&format!(
            "<li class=\"geo-map__legend-other\">{}Các tổ khác sau sắp xếp</li>",
            swatch(OTHER_FILL)
        ));
    }
    legend.push_str("</ul>");
    legend
}

fn swatch(fill: &str) -> String {
    format!(
        "<svg class=\"geo-map__swatch\" width=\"14\" height=\"14\" viewBox=\"0 0 14 14\" aria-hidden=\"true\" focusable=\"false\"><rect x=\"0.5\" y=\"0.5\" width=\"13\" height=\"13\" fill=\"{fill}\" stroke=\"#333\"/></svg>"
    )
}

/// Text alternative: what is drawn, and which of today's groups form each new group.
fn description(input: &MapInput) -> String {
    let mut d = format!(
        "Bản đồ ranh giới {} tổ hiện nay (viền mảnh, ghi mã tổ), tô màu theo {} tổ sau sắp xếp; viền đậm là ranh giới giữa các tổ sau sắp xếp.",
        input.features.len(),
        input.areas.len()
    );
    let listed = input
        .areas
        .iter()
        .filter(|a| input.highlight.is_none_or(|h| h == a.code));
    for a in listed {
        d.push_str(&format!(
            " {} ({}) gồm: {}.",
            a.name,
            a.code,
            a.members.join(", ")
        ));
    }
    if input.highlight.is_some() {
        d.push_str(" Các tổ khác tô màu xám.");
    }
    if !input.missing.is_empty() {
        d.push_str(&format!(
            " Chưa có ranh giới của: {}.",
            input.missing.join(", ")
        ));
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src() -> &'static Path {
        Path::new("data/rg.geojson")
    }

    fn square(code: &str, x: f64, y: f64, s: f64) -> Feature {
        Feature {
            index: 0,
            code: code.into(),
            polygons: vec![vec![vec![[x, y], [x + s, y], [x + s, y + s], [x, y + s]]]],
        }
    }

    fn fc(features: &str) -> String {
        format!("{{\"type\":\"FeatureCollection\",\"features\":[{features}]}}")
    }

    const SQ: &str = r#"{"type":"Feature","properties":{"code":"A"},"geometry":{"type":"Polygon","coordinates":[[[106,20],[106.01,20],[106.01,20.01],[106,20.01],[106,20]]]}}"#;

    #[test]
    fn parses_polygon_and_multipolygon() {
        let multi = r#"{"type":"Feature","properties":{"code":7},"geometry":{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]],[[[2,2],[3,2],[3,3]]]]}}"#;
        let fs = parse(&fc(&format!("{SQ},{multi}")), src(), "code").unwrap();
        assert_eq!(fs.len(), 2);
        assert_eq!(fs[0].code, "A");
        assert_eq!(fs[0].polygons[0][0].len(), 4, "closing point dropped");
        assert_eq!(fs[1].code, "7", "numeric codes accepted");
        assert_eq!(fs[1].index, 1);
        assert_eq!(fs[1].polygons.len(), 2);
    }

    #[test]
    fn problems_are_located_and_explained() {
        for (text, prop, want_field, want_msg) in [
            (
                fc(r#"{"type":"Feature","properties":{"ma":"A"},"geometry":null}"#),
                "code",
                Some("features[0].properties.code"),
                "không có mã tổ",
            ),
            (
                fc(SQ),
                "ma_to",
                Some("features[0].properties.ma_to"),
                "ma_to",
            ),
            (
                fc(
                    r#"{"type":"Feature","properties":{"code":"A"},"geometry":{"type":"Point","coordinates":[1,2]}}"#,
                ),
                "code",
                Some("features[0].geometry"),
                "Point",
            ),
            (
                fc(
                    r#"{"type":"Feature","properties":{"code":"A"},"geometry":{"type":"Polygon","coordinates":[[[585012.3,2306500.1],[585100,2306500],[585100,2306600]]]}}"#,
                ),
                "code",
                Some("features[0].geometry"),
                "hệ tọa độ phẳng",
            ),
            (
                fc(
                    r#"{"type":"Feature","properties":{"code":"A"},"geometry":{"type":"Polygon","coordinates":[[[20.8,106.6],[20.9,106.6],[20.9,106.7]]]}}"#,
                ),
                "code",
                Some("features[0].geometry"),
                "bị đảo",
            ),
            (
                fc(
                    r#"{"type":"Feature","properties":{"code":"A"},"geometry":{"type":"Polygon","coordinates":[[[1,1],[2,2],[1,1]]]}}"#,
                ),
                "code",
                Some("features[0].geometry"),
                "ít hơn 3 điểm",
            ),
            (fc(""), "code", Some("features"), "không có đối tượng"),
            (
                "{\"type\":\"Feature\"}".to_string(),
                "code",
                None,
                "FeatureCollection",
            ),
        ] {
            let ds = parse(&text, src(), prop).expect_err(&text);
            let d = ds.iter().next().unwrap();
            let loc = d.location.as_ref().unwrap();
            assert_eq!(loc.file, src());
            assert_eq!(loc.field.as_deref(), want_field, "{text}");
            assert!(d.to_string().contains(want_msg), "{want_msg}: {d}");
        }
    }

    #[test]
    fn deep_nesting_is_a_clear_error_never_a_stack_overflow() {
        // 100,000 nested arrays: refused by the JSON reader's depth limit.
        let deep = format!(
            "{{\"type\":\"FeatureCollection\",\"features\":[{}{}]}}",
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        // 60 nested GeometryCollections (120 levels, within the reader's limit) go through the
        // geojson crate; on a small stack, as a build worker has at worst.
        let mut nested = String::from(r#"{"type":"Point","coordinates":[1,2]}"#);
        for _ in 0..60 {
            nested = format!(r#"{{"type":"GeometryCollection","geometries":[{nested}]}}"#);
        }
        let collection = fc(&format!(
            r#"{{"type":"Feature","properties":{{"code":"A"}},"geometry":{nested}}}"#
        ));
        let out = std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || {
                let first = |ds: Diagnostics| ds.iter().next().map(|d| d.to_string());
                let a = first(parse(&deep, src(), "code").unwrap_err()).unwrap();
                let b = first(parse(&collection, src(), "code").unwrap_err()).unwrap();
                (a, b)
            })
            .unwrap()
            .join()
            .unwrap();
        assert!(out.0.contains("lồng nhau quá sâu"), "{}", out.0);
        assert!(out.0.contains("data/rg.geojson"), "{}", out.0);
        assert!(out.1.contains("GeometryCollection"), "{}", out.1);
        assert!(out.1.contains("features[0].geometry"), "{}", out.1);
    }

    #[test]
    fn a_feature_must_say_it_is_one() {
        let ds = parse(
            &fc(r#"{"properties":{"code":"A"},"geometry":{"type":"Polygon","coordinates":[[[1,1],[2,1],[2,2]]]}}"#),
            src(),
            "code",
        )
        .unwrap_err();
        let d = ds.iter().next().unwrap();
        assert_eq!(
            d.location.as_ref().unwrap().field.as_deref(),
            Some("features[0].type")
        );
        assert!(d.message.contains("không phải một Feature"), "{d}");
        // A malformed polygon is a structure problem of that feature, located at it.
        let ds = parse(
            &fc(r#"{"type":"Feature","properties":{"code":"A"},"geometry":{"type":"Polygon","coordinates":[1,2]}}"#),
            src(),
            "code",
        )
        .unwrap_err();
        let d = ds.iter().next().unwrap();
        assert!(d.message.contains("không đúng cấu trúc GeoJSON"), "{d}");
        assert!(d.message.contains("features[0]"), "{d}");
    }

    #[test]
    fn invalid_json_has_line_and_column() {
        let ds = parse(
            "{\n  \"type\": \"FeatureCollection\",\n  \"features\": [,]\n}",
            src(),
            "code",
        )
        .unwrap_err();
        let d = ds.iter().next().unwrap();
        let loc = d.location.as_ref().unwrap();
        assert_eq!(loc.line, Some(3));
        assert!(loc.column.is_some());
    }

    #[test]
    fn malformed_inputs_never_panic() {
        let cases = [
            "",
            "null",
            "[]",
            "1e999",
            "{",
            "{\"type\":\"FeatureCollection\"}",
            "{\"type\":\"FeatureCollection\",\"features\":{}}",
            "{\"type\":\"FeatureCollection\",\"features\":[null,1,\"x\",[],{}]}",
            &fc(r#"{"properties":null,"geometry":{"type":"Polygon","coordinates":null}}"#),
            &fc(r#"{"properties":{"code":""},"geometry":{"type":"Polygon"}}"#),
            &fc(r#"{"properties":{"code":"A"},"geometry":{"type":"Polygon","coordinates":[]}}"#),
            &fc(r#"{"properties":{"code":"A"},"geometry":{"type":"Polygon","coordinates":[[]]}}"#),
            &fc(
                r#"{"properties":{"code":"A"},"geometry":{"type":"Polygon","coordinates":[[[]]]}}"#,
            ),
            &fc(
                r#"{"properties":{"code":"A"},"geometry":{"type":"Polygon","coordinates":[[["a","b"]]]}}"#,
            ),
            &fc(
                r#"{"properties":{"code":"A"},"geometry":{"type":"MultiPolygon","coordinates":[]}}"#,
            ),
            &fc(
                r#"{"properties":{"code":"A"},"geometry":{"type":"MultiPolygon","coordinates":[1]}}"#,
            ),
            &fc(
                r#"{"properties":{"code":"A"},"geometry":{"type":"Polygon","coordinates":[[[1e308,1],[2,2],[3,3]]]}}"#,
            ),
        ];
        for c in cases {
            assert!(parse(c, src(), "code").is_err(), "{c}");
        }
        // Degenerate but valid geometry renders without panicking.
        let one_point = parse(
            &fc(
                r#"{"properties":{"code":"A"},"geometry":{"type":"Polygon","coordinates":[[[1,1],[1,1],[1,1],[1,1.0000001]]]}}"#,
            ),
            src(),
            "code",
        );
        if let Ok(fs) = one_point {
            let _ = render(&input(&fs, &[]));
        }
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_text_never_panics(s in "\\PC{0,200}") {
            let _ = parse(&s, src(), "code");
        }

        #[test]
        fn arbitrary_coordinates_never_panic(
            pts in proptest::collection::vec((-200.0f64..200.0, -100.0f64..100.0), 0..12)
        ) {
            let ring: Vec<String> = pts.iter().map(|(x, y)| format!("[{x},{y}]")).collect();
            let text = fc(&format!(
                r#"{{"properties":{{"code":"A"}},"geometry":{{"type":"Polygon","coordinates":[[{}]]}}}}"#,
                ring.join(",")
            ));
            if let Ok(fs) = parse(&text, src(), "code") {
                let areas = [Area { code: "N".into(), name: "N".into(), members: vec!["A".into()], url: None }];
                let r = render(&input(&fs, &areas));
                proptest::prop_assert!(r.svg.ends_with("</svg>"));
            }
        }
    }

    #[test]
    fn bbox_table() {
        assert_eq!(bbox(&[]), None);
        let b = bbox(&[
            square("A", 106.0, 20.0, 0.5),
            square("B", 105.5, 20.25, 0.1),
        ])
        .unwrap();
        assert_eq!(
            b,
            BBox {
                min_lon: 105.5,
                min_lat: 20.0,
                max_lon: 106.5,
                max_lat: 20.5
            }
        );
    }

    #[test]
    fn projection_keeps_aspect_and_flips_y() {
        // At latitude 60° a degree of longitude is half a degree of latitude, so 4° of
        // longitude by 2° of latitude is a square.
        let p = Projection::fit(BBox {
            min_lon: 10.0,
            min_lat: 59.0,
            max_lon: 14.0,
            max_lat: 61.0,
        });
        assert_eq!(p.width, WIDTH);
        assert!((p.height - WIDTH).abs() < 1e-6, "{}", p.height);
        for (pos, want) in [
            ([10.0, 61.0], (PAD, PAD)),
            ([14.0, 61.0], (WIDTH - PAD, PAD)),
            ([10.0, 59.0], (PAD, WIDTH - PAD)),
            ([12.0, 60.0], (WIDTH / 2.0, WIDTH / 2.0)),
        ] {
            let (x, y) = p.project(pos);
            assert!(
                (x - want.0).abs() < 1e-6 && (y - want.1).abs() < 1e-6,
                "{pos:?}: {x},{y}"
            );
        }
        assert_eq!(p.project_tenths([14.0, 59.0]), (6280, 6280));
    }

    #[test]
    fn projection_caps_tall_areas_and_centres_them() {
        let p = Projection::fit(BBox {
            min_lon: 0.0,
            min_lat: 0.0,
            max_lon: 0.01,
            max_lat: 1.0,
        });
        assert!((p.height - MAX_HEIGHT).abs() < 1e-6);
        let (x0, _) = p.project([0.0, 0.0]);
        let (x1, _) = p.project([0.01, 0.0]);
        assert!(((x0 + x1) / 2.0 - WIDTH / 2.0).abs() < 1e-6);
        // A single point does not divide by zero.
        let q = Projection::fit(BBox {
            min_lon: 1.0,
            min_lat: 1.0,
            max_lon: 1.0,
            max_lat: 1.0,
        });
        assert!(q.project([1.0, 1.0]).0.is_finite());
    }

    #[test]
    fn number_formatting_table() {
        for (v, want) in [
            (0.0, "0"),
            (12.04, "12"),
            (12.06, "12.1"),
            (12.25, "12.3"),
            (-0.04, "0"),
            (-3.45, "-3.5"),
            (640.0, "640"),
        ] {
            assert_eq!(fmt1(v), want, "{v}");
        }
    }

    #[test]
    fn path_data_is_rounded_and_deterministic() {
        let fs = vec![
            square("A", 106.0, 20.0, 0.01),
            square("B", 106.01, 20.0, 0.01),
        ];
        let p = Projection::fit(bbox(&fs).unwrap());
        let d = path_data(&p, &fs[0]);
        assert!(d.starts_with("M12 "), "{d}");
        assert!(d.ends_with('Z'));
        assert_eq!(d.matches('M').count(), 1);
        assert_eq!(d.matches('L').count(), 3);
        for num in d.split(|c: char| c.is_ascii_alphabetic() || c == ' ') {
            if let Some((_, frac)) = num.split_once('.') {
                assert_eq!(frac.len(), 1, "{num} in {d}");
            }
        }
        assert_eq!(d, path_data(&p, &fs[0]));
    }

    #[test]
    fn centroid_and_label_point_table() {
        let sq = [(0.0, 0.0), (2.0, 0.0), (2.0, 2.0), (0.0, 2.0)];
        assert_eq!(centroid(&sq), Some((1.0, 1.0)));
        assert_eq!(label_point(&sq), Some((1.0, 1.0)));
        assert_eq!(centroid(&[]), None);
        // Zero area: mean of the points.
        assert_eq!(
            centroid(&[(0.0, 0.0), (2.0, 0.0), (4.0, 0.0)]),
            Some((2.0, 0.0))
        );
        // A U shape whose centroid falls in the notch: the label moves inside.
        let u = [
            (0.0, 0.0),
            (10.0, 0.0),
            (10.0, 10.0),
            (8.0, 10.0),
            (8.0, 2.0),
            (2.0, 2.0),
            (2.0, 10.0),
            (0.0, 10.0),
        ];
        let c = centroid(&u).unwrap();
        assert!(!point_in_ring(c, &u), "{c:?}");
        let l = label_point(&u).unwrap();
        assert!(point_in_ring(l, &u), "{l:?}");
        // Orientation does not matter.
        let mut rev = sq;
        rev.reverse();
        assert_eq!(centroid(&rev), Some((1.0, 1.0)));
    }

    #[test]
    fn colours_differ_between_neighbours() {
        let n: BTreeSet<(usize, usize)> = [(0, 1), (1, 2), (0, 2), (2, 3)].into();
        let c = assign_colours(4, &n);
        assert_ne!(c[0], c[1]);
        assert_ne!(c[1], c[2]);
        assert_ne!(c[0], c[2]);
        assert_ne!(c[2], c[3]);
        assert_eq!(assign_colours(0, &BTreeSet::new()), Vec::<usize>::new());
        // Without neighbours the palette is used in turn.
        assert_eq!(assign_colours(3, &BTreeSet::new()), vec![0, 1, 2]);
    }

    fn input<'a>(fs: &'a [Feature], areas: &'a [Area]) -> MapInput<'a> {
        MapInput {
            id: "ban-do",
            title: "Bản đồ <thử>",
            features: fs,
            areas,
            missing: &[],
            highlight: None,
        }
    }

    #[test]
    fn render_is_accessible_escaped_and_stable() {
        let fs = vec![
            square("G1", 106.0, 20.0, 0.01),
            square("G2", 106.01, 20.0, 0.01),
            square("G<3>", 106.02, 20.0, 0.01),
        ];
        let areas = vec![
            Area {
                code: "N1".into(),
                name: "Tổ Một & Hai".into(),
                members: vec!["G1".into(), "G2".into()],
                url: Some("/sx/n1/".into()),
            },
            Area {
                code: "N2".into(),
                name: "Tổ Ba".into(),
                members: vec!["G<3>".into(), "G9".into()],
                url: None,
            },
        ];
        let missing = ["G9".to_string()];
        let mut inp = input(&fs, &areas);
        inp.missing = &missing;
        let r = render(&inp);
        let svg = &r.svg;
        assert!(svg.starts_with("<svg class=\"geo-map\""));
        assert!(svg.contains("role=\"img\" aria-labelledby=\"ban-do-title ban-do-desc\""));
        assert!(svg.contains("<title id=\"ban-do-title\">Bản đồ &lt;thử&gt;</title>"));
        assert!(svg.contains("Tổ Một &amp; Hai (N1) gồm: G1, G2."), "{svg}");
        assert!(svg.contains("Chưa có ranh giới của: G9."));
        assert_eq!(svg.matches("class=\"geo-map__area\"").count(), 3);
        assert_eq!(svg.matches("class=\"geo-map__label\"").count(), 3);
        assert!(svg.contains(">G&lt;3&gt;</text>"));
        assert!(!svg.contains("<script"));
        assert_eq!(svg.matches("http").count(), 1, "only the xmlns");
        // G1 and G2 share a colour; N2 (a neighbour) gets another.
        let fill = |code: &str| {
            let i = svg.find(&format!("data-code=\"{code}\"")).unwrap();
            svg[i..].split("fill=\"").nth(1).unwrap()[..7].to_string()
        };
        assert_eq!(fill("G1"), fill("G2"));
        assert_ne!(fill("G2"), fill("G&lt;3&gt;"));
        // The shared edge G1|G2 is thin; G2|G3 and the outline are thick: 3 squares have
        // 10 distinct edges, of which only the one inside N1 is thin → 9 thick segments.
        let borders = svg.split("class=\"geo-map__borders\"").nth(1).unwrap();
        let d = borders
            .split(" d=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        assert_eq!(d.matches('M').count(), 9, "{d}");
        // Legend.
        assert!(r.legend.starts_with("<ul class=\"geo-map__legend\">"));
        assert_eq!(r.legend.matches("<li").count(), 2);
        assert!(
            r.legend
                .contains("<a href=\"/sx/n1/\">Tổ Một &amp; Hai (N1)</a>: G1, G2")
        );
        assert!(
            r.legend
                .contains("Tổ Ba (N2): G&lt;3&gt;, G9 (chưa có ranh giới)")
        );
        // Byte-identical between runs.
        assert_eq!(render(&inp), r);
    }

    #[test]
    fn highlight_greys_out_other_groups() {
        let fs = vec![
            square("G1", 106.0, 20.0, 0.01),
            square("G2", 106.01, 20.0, 0.01),
        ];
        let areas = vec![
            Area {
                code: "N1".into(),
                name: "Một".into(),
                members: vec!["G1".into()],
                url: None,
            },
            Area {
                code: "N2".into(),
                name: "Hai".into(),
                members: vec!["G2".into()],
                url: None,
            },
        ];
        let mut inp = input(&fs, &areas);
        inp.highlight = Some("N2");
        let r = render(&inp);
        assert!(
            r.svg
                .contains(&format!("data-new=\"N1\" fill=\"{OTHER_FILL}\""))
        );
        assert!(
            !r.svg
                .contains(&format!("data-new=\"N2\" fill=\"{OTHER_FILL}\""))
        );
        assert!(r.legend.contains("Hai (N2)"));
        assert!(!r.legend.contains("Một (N1)"));
        assert!(r.legend.contains("Các tổ khác"));
    }
}
