//! The generic filters and tests Zola `next` registers from `tera-contrib`
//! (`components/templates/src/lib.rs`), under the same names and through the same
//! crate, so a Zola theme's `date`, `striptags`, `regex_replace`… behave as in Zola.
//!
//! One deliberate difference: `get_random` and `shuffle` without a `seed` use the build
//! date (`--now`) as their seed instead of the system's random source, so the same input
//! still gives byte-identical output (docs/zola-templates.md).

use std::sync::Arc;

use tera::{Kwargs, State, Tera, TeraResult, Value};

/// Register tera-contrib's filters, tests and `get_random` as Zola `next` does.
/// `seed` is the default seed of `get_random`/`shuffle` (the build date).
pub fn register(tera: &mut Tera, seed: &str) {
    use tera_contrib as c;
    tera.register_filter("base64_encode", c::base64::b64_encode);
    tera.register_filter("base64_decode", c::base64::b64_decode);
    let replace = c::regex::RegexReplace::default();
    tera.register_filter(
        "regex_replace",
        move |v: &str, k: Kwargs, st: &State| -> TeraResult<String> {
            tera::Filter::call(&replace, v, k, st).map_err(|e| regex_error("regex_replace", e))
        },
    );
    tera.register_filter("striptags", c::regex::striptags);
    tera.register_filter("spaceless", c::regex::spaceless);
    tera.register_filter("urlencode", c::urlencode::urlencode);
    tera.register_filter("urlencode_strict", c::urlencode::urlencode_strict);
    tera.register_filter("json_encode", c::json::json_encode);
    tera.register_filter("filesizeformat", c::filesize_format::filesize_format);
    tera.register_filter("format", c::format::format);
    tera.register_filter("slugify", c::slug::slug);
    tera.register_filter("date", c::dates::date);

    let s: Arc<str> = Arc::from(seed);
    tera.register_filter(
        "shuffle",
        move |v: Vec<Value>, k: Kwargs, st: &State| -> TeraResult<Vec<Value>> {
            c::rand::shuffle(v, with_seed(k, &s), st)
        },
    );
    let s: Arc<str> = Arc::from(seed);
    tera.register_function(
        "get_random",
        move |k: Kwargs, st: &State| -> TeraResult<i64> {
            c::rand::get_random(with_seed(k, &s), st)
        },
    );

    let matching = c::regex::Matching::default();
    tera.register_test(
        "matching",
        move |v: &str, k: Kwargs, st: &State| -> TeraResult<bool> {
            tera::Test::call(&matching, v, k, st).map_err(|e| regex_error("matching", e))
        },
    );
    tera.register_test("before", c::dates::is_before);
    tera.register_test("after", c::dates::is_after);
}

/// tera-contrib's regex error with what it means and how to fix it, in Vietnamese.
fn regex_error(name: &str, e: tera::Error) -> tera::Error {
    tera::Error::message(format!(
        "{name}: biểu thức chính quy không dùng được ({e}); cách sửa: viết lại mẫu cho ngắn, đơn giản hơn (giới hạn 10 MB khi biên dịch) và đúng cú pháp của crate regex"
    ))
}

/// `kwargs` with `seed` set to `default` when the template gave none.
fn with_seed(kwargs: Kwargs, default: &str) -> Kwargs {
    if kwargs.iter().any(|(k, _)| k.as_str() == Some("seed")) {
        return kwargs;
    }
    let mut map = tera::Map::new();
    for (k, v) in kwargs.iter() {
        map.insert(k.clone(), v.clone());
    }
    map.insert("seed".into(), Value::from(default));
    Kwargs::new(Arc::new(map))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(src: &str) -> Result<String, tera::Error> {
        let mut tera = Tera::new();
        register(&mut tera, "2026-11-23");
        tera.add_raw_template("t.html", src)?;
        tera.render("t.html", &tera::Context::new())
    }

    #[test]
    fn unseeded_random_is_the_build_dates() {
        let a = render("{{ get_random(start=0, end=1000000) }}").unwrap();
        let b = render("{{ get_random(start=0, end=1000000, seed='2026-11-23') }}").unwrap();
        assert_eq!(a, b);
        let a = render("{{ [1,2,3,4,5,6,7,8,9] | shuffle | join(sep=',') }}").unwrap();
        let b = render("{{ [1,2,3,4,5,6,7,8,9] | shuffle(seed='2026-11-23') | join(sep=',') }}")
            .unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn zola_names_behave_as_tera_contrib() {
        assert_eq!(render("{{ 'Hòa An' | slugify }}").unwrap(), "hoa-an");
        assert_eq!(
            render("{{ 'a b/c?d' | urlencode }}").unwrap(),
            "a%20b/c%3Fd"
        );
        assert_eq!(
            render("{{ '2026-06-10' | date(format='%d/%m/%Y') }}").unwrap(),
            "10/06/2026"
        );
        assert_eq!(
            render("{% if '2026-06-10' is before(other='2026-07-01') %}y{% endif %}").unwrap(),
            "y"
        );
    }

    #[test]
    fn huge_regex_is_an_error_not_a_hang() {
        // 1000 × 1000 × 1000 states: far over the regex crate's compiled-size limit.
        let pat = "((a{1000}){1000}){1000}";
        let src = format!("{{{{ 'aaa' | regex_replace(pattern='{pat}', rep='') }}}}");
        assert!(render(&src).is_err());
    }
}
