//! Static, accessible horizontal bar charts as inline SVG: no JavaScript, no external
//! requests. The chart has `role="img"`, a `<title>` and a `<desc>`; pages must also show
//! the same numbers in an HTML table (the chart is a picture of that table).

use crate::text::escape_html;

/// One segment of a stacked bar: its value and a CSS class suffix (`agree`, `disagree`…).
#[derive(Debug, Clone)]
pub struct Segment {
    pub value: f64,
    pub class: &'static str,
}

#[derive(Debug, Clone)]
pub struct Bar {
    pub label: String,
    pub segments: Vec<Segment>,
    /// Text printed right of the bar ("52,4 % đồng ý").
    pub value_label: String,
}

#[derive(Debug, Clone)]
pub struct BarChart {
    /// Unique id prefix for `aria-labelledby`.
    pub id: String,
    pub title: String,
    pub desc: String,
    pub bars: Vec<Bar>,
    /// Full scale (100.0 for percentages).
    pub max: f64,
    /// A vertical reference line (pass threshold) and its label.
    pub marker: Option<(f64, String)>,
    /// Legend entries: (class, label).
    pub legend: Vec<(&'static str, String)>,
}

// Phone-first layout: each group is a row of text (label left, value right) above a bar
// that spans the whole width. The viewBox is about as wide as a phone's content column
// (390 px screen minus margins), so 13-unit text renders at ≥ 12 px there; on wider
// screens CSS caps the chart's width (`.bar-chart`), so it never grows oversized.
const WIDTH: f64 = 340.0;
const LINE_H: f64 = 18.0;
const BAR_H: f64 = 16.0;
const ROW_H: f64 = LINE_H + BAR_H + 10.0;
const TOP: f64 = 24.0;
const LEGEND_ROW: f64 = 22.0;

/// What every inline chart or map starts with.
pub(crate) struct SvgHead<'a> {
    pub class: &'a str,
    /// Unique on the page: the title and description ids derive from it.
    pub id: &'a str,
    pub width: &'a str,
    pub height: &'a str,
    pub font_size: u32,
    pub title: &'a str,
    pub desc: &'a str,
}

/// The opening `<svg>` with role="img", labelled by its `<title>` and `<desc>` (the text
/// alternative screen readers announce), in the system font (no font is downloaded).
pub(crate) fn svg_open(h: &SvgHead) -> String {
    let id = escape_html(h.id);
    format!(
        "<svg class=\"{}\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {} {}\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" font-family=\"system-ui, Segoe UI, Roboto, Noto Sans, Arial, sans-serif\" font-size=\"{}\"><title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        h.class,
        h.width,
        h.height,
        h.font_size,
        escape_html(h.title),
        escape_html(h.desc)
    )
}

fn n(x: f64) -> String {
    // Deterministic, compact numbers.
    let r = (x * 10.0).round() / 10.0;
    if r.fract() == 0.0 {
        format!("{}", r as i64)
    } else {
        format!("{r:.1}")
    }
}

impl BarChart {
    /// Legend items with their position: (class, label, x, row).
    fn legend_layout(&self) -> Vec<(&'static str, &str, f64, usize)> {
        let mut out = Vec::new();
        let (mut x, mut row) = (0.0, 0);
        for (class, label) in &self.legend {
            let w = 24.0 + label.chars().count() as f64 * 7.0;
            if x > 0.0 && x + w > WIDTH {
                x = 0.0;
                row += 1;
            }
            out.push((*class, label.as_str(), x, row));
            x += w + 6.0;
        }
        out
    }

    pub fn to_svg(&self) -> String {
        let legend = self.legend_layout();
        let legend_rows = legend.last().map_or(0, |l| l.3 + 1);
        let bars_h = ROW_H * self.bars.len() as f64;
        let height = TOP + bars_h + LEGEND_ROW * legend_rows as f64 + 4.0;
        let mut s = svg_open(&SvgHead {
            class: "bar-chart",
            id: &self.id,
            width: &n(WIDTH),
            height: &n(height),
            font_size: 13,
            title: &self.title,
            desc: &self.desc,
        });
        let scale = if self.max > 0.0 {
            WIDTH / self.max
        } else {
            0.0
        };
        for (i, bar) in self.bars.iter().enumerate() {
            let y = TOP + ROW_H * i as f64;
            s.push_str(&format!(
                "<text class=\"bar-label\" x=\"0\" y=\"{}\">{}</text><text class=\"bar-value\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
                n(y + 13.0),
                escape_html(&bar.label),
                n(WIDTH),
                n(y + 13.0),
                escape_html(&bar.value_label)
            ));
            let by = y + LINE_H;
            s.push_str(&format!(
                "<rect class=\"bar-bg\" x=\"0\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#f0f0f0\" stroke=\"#8a8a8a\"/>",
                n(by),
                n(WIDTH),
                n(BAR_H)
            ));
            let mut x = 0.0;
            for seg in &bar.segments {
                let w = (seg.value.max(0.0) * scale).min(WIDTH - x);
                if w > 0.0 {
                    s.push_str(&format!(
                        "<rect class=\"bar-seg bar-seg--{}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>",
                        seg.class,
                        n(x),
                        n(by),
                        n(w),
                        n(BAR_H)
                    ));
                    x += w;
                }
            }
        }
        if let Some((value, label)) = &self.marker {
            let x = (value * scale).clamp(0.0, WIDTH);
            let bottom = TOP + bars_h - 10.0 + 2.0;
            s.push_str(&format!(
                "<line class=\"bar-marker\" x1=\"{0}\" x2=\"{0}\" y1=\"{1}\" y2=\"{2}\" stroke=\"#000\" stroke-width=\"2\" stroke-dasharray=\"4 3\"/><text x=\"{0}\" y=\"{3}\" text-anchor=\"middle\">{4}</text>",
                n(x),
                n(TOP - 4.0),
                n(bottom),
                n(TOP - 8.0),
                escape_html(label)
            ));
        }
        let ly = TOP + bars_h;
        for (class, label, x, row) in legend {
            let y = ly + LEGEND_ROW * row as f64;
            s.push_str(&format!(
                "<rect class=\"bar-seg bar-seg--{class}\" x=\"{}\" y=\"{}\" width=\"14\" height=\"14\"/><text x=\"{}\" y=\"{}\">{}</text>",
                n(x),
                n(y),
                n(x + 18.0),
                n(y + 12.0),
                escape_html(label)
            ));
        }
        s.push_str("</svg>");
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accessible_and_escaped() {
        let c = BarChart {
            id: "c".into(),
            title: "Kết quả <lấy ý kiến>".into(),
            desc: "Tỷ lệ".into(),
            bars: vec![Bar {
                label: "Tổ 1 & 2".into(),
                segments: vec![Segment {
                    value: 52.4,
                    class: "agree",
                }],
                value_label: "52,4 %".into(),
            }],
            max: 100.0,
            marker: Some((50.0, "50 %".into())),
            legend: vec![("agree", "Đồng ý".into())],
        };
        let svg = c.to_svg();
        assert!(svg.contains("role=\"img\""));
        assert!(svg.contains("<title id=\"c-title\">Kết quả &lt;lấy ý kiến&gt;</title>"));
        assert!(svg.contains("Tổ 1 &amp; 2"));
        // 52.4 % of the 340-unit bar.
        assert!(svg.contains("width=\"178.2\""), "{svg}");
        assert!(svg.contains("viewBox=\"0 0 340 "), "{svg}");
        assert!(!svg.contains("<script"));
    }
}
