//! congkhai's own filters (the Vietnamese formats: `date_vi`, `money_vi`, `slugify_vi`…,
//! `json_ld`) and Zola's own filters `markdown` and `num_format`. The generic Zola names
//! (`date`, `slugify`, `urlencode`, `json_encode`…) come from tera-contrib in `zola.rs`.

use std::sync::Arc;

use tera::{Kwargs, State, Tera, Value};

use super::Lookup;
use crate::{format, markdown};

fn iso_date(s: &str) -> Option<chrono::NaiveDate> {
    crate::content::frontmatter::parse_date_text(s)
}

/// Register congkhai's filters and Zola's `markdown`/`num_format`.
pub fn register(tera: &mut Tera, lookup: Arc<Lookup>) {
    register_vietnamese(tera);
    // Zola's num_format: an integer with the thousands separator of `locale` (default:
    // the site's default_language, so "vi" gives dots), through the num-format crate
    // as Zola does.
    let lang = match lookup.default_language.as_str() {
        "" => "en".to_string(),
        l => l.to_string(),
    };
    tera.register_filter(
        "num_format",
        move |v: i128, k: Kwargs, _: &State| -> tera::TeraResult<String> {
            use num_format::{Locale, ToFormattedString};
            let locale: Option<String> = k.get("locale")?;
            let name = locale.as_deref().unwrap_or(&lang);
            let locale = Locale::from_name(name).map_err(|_| {
                tera::Error::message(format!(
                    "num_format: không biết ngôn ngữ (locale) \u{201c}{name}\u{201d}; dùng mã như \"vi\", \"en\", \"fr\""
                ))
            })?;
            Ok(v.to_formatted_string(&locale))
        },
    );
    // Zola's markdown filter: `@/…` links resolve to the site's URLs. Unlike Zola the
    // HTML is sanitised and marked safe (docs/zola-templates.md). It reads the site's
    // URLs, so a recorded render records it (`crate::cache::deps`).
    tera.register_filter(
        "markdown",
        move |v: &str, k: Kwargs, _: &State| -> tera::TeraResult<Value> {
            let r = markdown(&lookup, v, &k);
            if crate::cache::deps::is_recording()
                && let Ok(out) = &r
            {
                crate::cache::deps::record(
                    crate::cache::deps::Call::new("markdown", &k, None, Some(v)),
                    out,
                );
            }
            r
        },
    );
}

/// Zola's `markdown` filter over the site's URLs.
pub(super) fn markdown(lookup: &super::Lookup, v: &str, k: &Kwargs) -> tera::TeraResult<Value> {
    let inline: bool = k.get("inline")?.unwrap_or(false);
    let resolve = |link: &str| -> Option<String> {
        let (path, anchor) = match link.split_once('#') {
            Some((p, a)) => (p, Some(a)),
            None => (link, None),
        };
        let url = lookup.urls.get(path)?;
        Some(match anchor {
            Some(a) => format!("{url}#{a}"),
            None => url.clone(),
        })
    };
    match markdown::render_filter(v, inline, &resolve) {
        Ok(html) => Ok(Value::safe_string(&html)),
        Err((depth, line)) => Err(tera::Error::message(format!(
            "{} ở dòng {line} của văn bản đưa vào bộ lọc markdown; cách sửa: {}",
            markdown::too_deep_message(depth),
            markdown::TOO_DEEP_HINT
        ))),
    }
}

fn register_vietnamese(tera: &mut Tera) {
    tera.register_filter("date_vi", |v: &str, _: Kwargs, _: &State| {
        iso_date(v).map_or_else(|| v.to_string(), format::date_short)
    });
    tera.register_filter("date_long_vi", |v: &str, _: Kwargs, _: &State| {
        iso_date(v).map_or_else(|| v.to_string(), format::date_long)
    });
    // Print headers of official postings (Decree 30/2020): "415/QĐ-UBND" out of a cited
    // decision ("" when it names no number), and the place before the date ("Hòa An").
    tera.register_filter("doc_number", |v: &str, _: Kwargs, _: &State| {
        format::document_number(v).unwrap_or_default().to_string()
    });
    tera.register_filter("place_name", |v: &str, _: Kwargs, _: &State| {
        format::place_name(v).to_string()
    });
    tera.register_filter("weekday_vi", |v: &str, _: Kwargs, _: &State| {
        iso_date(v).map_or_else(String::new, |d| format::weekday(d).to_string())
    });
    tera.register_filter("money_vi", |v: i64, _: Kwargs, _: &State| format::vnd(v));
    tera.register_filter(
        "number_vi",
        |v: f64, k: Kwargs, _: &State| -> tera::TeraResult<String> {
            let decimals: usize = k.get("decimals")?.unwrap_or(0);
            Ok(if decimals == 0 && v.fract() == 0.0 {
                format::number(v as i64)
            } else {
                format::decimal(v, decimals)
            })
        },
    );
    tera.register_filter("percent_vi", |v: f64, _: Kwargs, _: &State| {
        format::percent(v)
    });
    tera.register_filter("filesize_vi", |v: u64, _: Kwargs, _: &State| {
        format::file_size(v)
    });
    // congkhai's slug (the one its URLs use): Vietnamese folded, "đ" → "d"; Zola's
    // `slugify` (tera-contrib) transliterates every script.
    tera.register_filter("slugify_vi", |v: &str, _: Kwargs, _: &State| {
        crate::text::slugify(v)
    });
    tera.register_filter("fold_vi", |v: &str, _: Kwargs, _: &State| {
        crate::text::fold(v)
    });
    // JSON safe inside <script type="application/ld+json">: see `json_in_script`.
    tera.register_filter(
        "json_ld",
        |v: &Value, _: Kwargs, _: &State| -> tera::TeraResult<Value> {
            let s = canonical_json(v)?;
            Ok(Value::safe_string(&json_in_script(&s)))
        },
    );
}

/// JSON text made safe inside a `<script>` element: `<`, `>` and `&` become `\u003c`,
/// `\u003e`, `\u0026` (the same JSON value), so no `</script`, `<!--` or `]]>` from data
/// can end the element or start a comment that swallows the page.
pub fn json_in_script(json: &str) -> String {
    if !json.contains(['<', '>', '&']) {
        return json.to_string();
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            c => out.push(c),
        }
    }
    out
}

/// JSON with object keys sorted, whatever order the value's maps were built in.
fn canonical_json(v: &Value) -> tera::TeraResult<String> {
    serde_json::to_value(v)
        .and_then(|v| serde_json::to_string(&v))
        .map_err(|e| tera::Error::message(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(src: &str) -> Result<String, tera::Error> {
        let mut tera = Tera::new();
        let lookup = Lookup {
            default_language: "vi".into(),
            ..Default::default()
        };
        register(&mut tera, Arc::new(lookup));
        tera.add_raw_template("t.html", src)?;
        tera.render("t.html", &tera::Context::new())
    }

    #[test]
    fn json_ld_sorts_object_keys() {
        let keys: Vec<String> = (0..20).map(|i| format!("k{i:02}")).rev().collect();
        let src = format!(
            "{{% set m = {{{}}} %}}{{{{ m | json_ld }}}}",
            keys.iter()
                .map(|k| format!("\"{k}\": 1"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let mut sorted = keys.clone();
        sorted.sort();
        let want = format!(
            "{{{}}}",
            sorted
                .iter()
                .map(|k| format!("\"{k}\":1"))
                .collect::<Vec<_>>()
                .join(",")
        );
        assert_eq!(render(&src).ok(), Some(want));
    }

    #[test]
    fn vietnamese_filters() {
        assert_eq!(
            render("{{ \"2026-06-10\" | date_vi }}").unwrap(),
            "10/06/2026"
        );
        assert_eq!(
            render("{{ \"2026-06-10\" | date_long_vi }}").unwrap(),
            "ngày 10 tháng 6 năm 2026"
        );
        assert_eq!(
            render("{{ \"2026-01-05\" | date_long_vi }}").unwrap(),
            "ngày 05 tháng 01 năm 2026"
        );
        assert_eq!(
            render("{{ \"Quyết định số 415/QĐ-UBND ngày 05/11/2026\" | doc_number }}").unwrap(),
            "415/QĐ-UBND"
        );
        assert_eq!(
            render("{{ \"Phường Hòa An\" | place_name }}").unwrap(),
            "Hòa An"
        );
        assert_eq!(
            render("{{ 1500000 | money_vi }}").unwrap(),
            "1.500.000\u{a0}đ"
        );
        assert_eq!(render("{{ 0.524 | percent_vi }}").unwrap(), "52,4\u{a0}%");
        assert_eq!(
            render("{{ \"Đồng Tâm\" | slugify_vi }}").unwrap(),
            "dong-tam"
        );
    }

    #[test]
    fn num_format_is_zolas() {
        assert_eq!(render("{{ 1234567 | num_format }}").unwrap(), "1.234.567");
        assert_eq!(
            render("{{ 1234567 | num_format(locale='en') }}").unwrap(),
            "1,234,567"
        );
        assert!(render("{{ 1 | num_format(locale='xx-nope') }}").is_err());
    }

    #[test]
    fn markdown_filter_is_safe_and_sanitised() {
        let out = render("{{ \"**a** <script>x</script>\" | markdown(inline=true) }}").unwrap();
        assert!(out.contains("<strong>a</strong>"));
        assert!(!out.contains("<script"));
    }

    #[test]
    fn markdown_filter_refuses_deep_nesting_with_an_error() {
        let deep = ">".repeat(3000);
        let src = format!("{{{{ \"{deep} x\" | markdown }}}}");
        let e = render(&src).unwrap_err();
        let d = super::super::tera_error("content/a.md", &e);
        assert!(d.message.contains("lồng nhau quá sâu"), "{}", d.message);
    }

    #[test]
    fn json_in_script_cannot_close_the_element() {
        for (input, want) in [
            (r#"{"a":"x"}"#, r#"{"a":"x"}"#),
            (
                r#"{"a":"</script><!--"}"#,
                r#"{"a":"\u003c/script\u003e\u003c!--"}"#,
            ),
            (r#"{"a":"]]> & <"}"#, r#"{"a":"]]\u003e \u0026 \u003c"}"#),
        ] {
            let out = json_in_script(input);
            assert_eq!(out, want);
            let a: serde_json::Value = serde_json::from_str(input).unwrap();
            let b: serde_json::Value = serde_json::from_str(&out).unwrap();
            assert_eq!(a, b);
        }
    }
}
