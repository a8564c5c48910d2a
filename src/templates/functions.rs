//! Zola's own template functions (`components/templates/src/functions/` of Zola `next`):
//! `get_url`, `get_hash`, `get_page`, `get_section`, `get_taxonomy`,
//! `get_taxonomy_term`, `get_taxonomy_url`, `load_data` and `now`, with Zola's argument
//! names and returned shapes, over congkhai's site model. The image functions are in
//! `images.rs`; `trans` belongs to the languages support.
//!
//! Deliberate differences (docs/zola-templates.md): messages are Vietnamese; `now()` is
//! the build date (`--now`), never the clock; `load_data(url=…)` is refused (no network
//! at build time); paths may not leave the site folder.

use std::borrow::Cow;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use base64::Engine;
use sha2::Digest;
use tera::value::Key;
use tera::{Kwargs, State, Tera, TeraResult, Value};

use super::{DEFAULT_THEME, Lookup, encode_data_error};

fn err(msg: impl Into<String>) -> tera::Error {
    tera::Error::message(msg.into())
}

/// Where [`search_for_file`] found a file.
pub(super) enum Found {
    Disk(PathBuf),
    /// A static file of the embedded congkhai theme.
    Embedded(&'static [u8]),
}

impl Found {
    pub(super) fn bytes(&self, shown: &str) -> TeraResult<Cow<'static, [u8]>> {
        match self {
            Found::Embedded(b) => Ok(Cow::Borrowed(b)),
            Found::Disk(p) => std::fs::read(p).map(Cow::Owned).map_err(|e| {
                err(format!(
                    "không đọc được tệp \u{201c}{shown}\u{201d}: {e}; cách sửa: kiểm tra quyền đọc tệp"
                ))
            }),
        }
    }
}

/// Zola's file search for `get_url(cachebust)`, `get_hash`, `load_data` and the image
/// functions: the site root, then `static/`, `content/` and the theme's `static/`
/// (`@/x` means `content/x`, a leading `/` is ignored). Returns the file and its
/// path relative to the site ("unified path"). A path that leaves the site (`..`, an
/// absolute path, a symbolic link pointing outside) is an error, not a miss.
pub(super) fn search_for_file(
    l: &Lookup,
    func: &str,
    path: &str,
) -> TeraResult<Option<(Found, String)>> {
    let actual = match path.strip_prefix("@/") {
        Some(rest) => format!("content/{rest}"),
        None => path.trim_start_matches('/').to_string(),
    };
    let rel = Path::new(&actual);
    let escapes = actual.contains('\\')
        || actual.contains('\0')
        || rel
            .components()
            .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir));
    if escapes || actual.is_empty() {
        return Err(err(format!(
            "{func}: đường dẫn \u{201c}{path}\u{201d} ra ngoài thư mục trang hoặc không hợp lệ; cách sửa: dùng đường dẫn trong thư mục trang, không có \u{201c}..\u{201d}, ví dụ \"static/anh/a.jpg\" hoặc \"@/tin-tuc/anh.jpg\""
        )));
    }
    let mut dirs = vec![
        l.root.clone(),
        l.root.join("static"),
        l.root.join("content"),
    ];
    if let Some(t) = &l.theme {
        dirs.push(l.root.join("themes").join(t).join("static"));
    }
    for dir in dirs {
        let p = dir.join(rel);
        if p.is_file() {
            let inside = match (p.canonicalize(), l.root.canonicalize()) {
                (Ok(p), Ok(root)) => p.starts_with(root),
                _ => false,
            };
            if !inside {
                return Err(err(format!(
                    "{func}: \u{201c}{path}\u{201d} trỏ ra ngoài thư mục trang (liên kết tượng trưng); cách sửa: chép tệp vào thư mục trang"
                )));
            }
            let unified = crate::output::rel_path(&p, &l.root);
            return Ok(Some((Found::Disk(p), unified)));
        }
    }
    if l.theme.as_deref() == Some("congkhai")
        && !l.root.join("themes/congkhai/static").is_dir()
        && let Some(f) = DEFAULT_THEME.get_file(Path::new("static").join(rel))
    {
        return Ok(Some((
            Found::Embedded(f.contents()),
            format!("themes/congkhai/static/{actual}"),
        )));
    }
    Ok(None)
}

fn hash_bytes(data: &[u8], sha_type: u16, as_base64: bool, func: &str) -> TeraResult<String> {
    let digest: Vec<u8> = match sha_type {
        256 => sha2::Sha256::digest(data).to_vec(),
        384 => sha2::Sha384::digest(data).to_vec(),
        512 => sha2::Sha512::digest(data).to_vec(),
        other => {
            return Err(err(format!(
                "{func}: sha_type={other} không hợp lệ; cách sửa: dùng 256, 384 hoặc 512"
            )));
        }
    };
    Ok(if as_base64 {
        base64::engine::general_purpose::STANDARD.encode(&digest)
    } else {
        digest.iter().map(|b| format!("{b:02x}")).collect()
    })
}

/// The language a lookup is for: `lang=` if given, else the template's `lang`, else
/// the site's default language.
fn lang_of(k: &Kwargs, state: &State, l: &Lookup) -> TeraResult<String> {
    Ok(k.get::<String>("lang")?
        .or_else(|| state.get::<String>("lang").ok().flatten())
        .unwrap_or_else(|| l.default_language.clone()))
}

/// The content path of `path` in language `lang`, as Zola `next` finds it: a
/// translation's own path (`a/b.en.md`) stands for its original (`a/b.md`), and the
/// original's version in `lang` is `a/b.en.md` for `en` (not the default).
fn path_with_lang(path: &str, lang: &str, l: &Lookup) -> String {
    let path = l.canonical.get(path).map_or(path, String::as_str);
    if lang == l.default_language || lang.is_empty() {
        return path.to_string();
    }
    match path.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => format!("{stem}.{lang}.{ext}"),
        _ => path.to_string(),
    }
}

/// Zola's `Config::make_permalink`: a trailing `/` unless the path is a file name of a
/// feed, empty, or has an anchor.
fn make_permalink(base: &str, path: &str, feed_names: &[String]) -> String {
    let is_feed = if feed_names.is_empty() {
        path.ends_with("atom.xml")
    } else {
        feed_names.iter().any(|f| path.ends_with(f.as_str()))
    };
    let trailing = if path.ends_with('/') || is_feed || path.is_empty() || path.contains('#') {
        ""
    } else {
        "/"
    };
    if base.ends_with('/') && path == "/" {
        base.to_string()
    } else if path == "/" {
        format!("{base}/")
    } else if base.ends_with('/') && path.starts_with('/') {
        format!("{base}{}{trailing}", &path[1..])
    } else if base.ends_with('/') || path.starts_with('/') {
        format!("{base}{path}{trailing}")
    } else {
        format!("{base}/{path}{trailing}")
    }
}

fn get_url(l: &Lookup, k: Kwargs, state: &State) -> TeraResult<Value> {
    let path: String = k.must_get("path")?;
    let cachebust: bool = k.get("cachebust")?.unwrap_or(false);
    let trailing_slash: bool = k.get("trailing_slash")?.unwrap_or(false);
    let explicit_lang: Option<String> = k.get("lang")?;
    if let Some(rest) = path.strip_prefix("@/") {
        // congkhai's `optional=true`: none when the site has no such page, so a theme
        // can link to a page only where it exists (dead links fail the build).
        let optional: bool = k.get("optional")?.unwrap_or(false);
        let lang = lang_of(&k, state, l)?;
        let (file, anchor) = match rest.split_once('#') {
            Some((f, a)) => (f, Some(a)),
            None => (rest, None),
        };
        let file = path_with_lang(file, &lang, l);
        return match l.urls.get(&file) {
            Some(u) => Ok(Value::from(match anchor {
                Some(a) => format!("{u}#{a}"),
                None => u.clone(),
            })),
            None if optional => Ok(Value::none()),
            None => Err(err(format!(
                "get_url: không có nội dung \u{201c}@/{file}\u{201d}; cách sửa: kiểm tra đường dẫn tính từ thư mục content/"
            ))),
        };
    }
    // The theme's fingerprinted files (src/assets.rs): `css/main.css` links
    // `css/main.<hash>.css`.
    let path = match l.assets.get(path.trim_start_matches('/')) {
        Some(fingerprinted) => fingerprinted.clone(),
        None => path,
    };
    let mut segments = vec![];
    if let Some(lang) = &explicit_lang
        && *lang != l.default_language
        && (path.is_empty() || !path[1.min(path.len())..].starts_with(lang.as_str()))
    {
        segments.push(lang.clone());
    }
    segments.push(path.clone());
    let with_lang = segments.join("/");
    let mut permalink = make_permalink(&l.base_url, &with_lang, &l.feed_filenames);
    if !trailing_slash && permalink.ends_with('/') {
        permalink.pop();
    }
    if cachebust {
        let Some((found, _)) = search_for_file(l, "get_url", &with_lang)? else {
            return Err(err(format!(
                "get_url: không tìm thấy tệp \u{201c}{with_lang}\u{201d} để tính cachebust; cách sửa: đặt tệp trong static/ hoặc bỏ cachebust=true"
            )));
        };
        let hash = hash_bytes(&found.bytes(&with_lang)?, 256, false, "get_url")?;
        permalink = format!("{permalink}?h={}", &hash[..20]);
    }
    Ok(Value::from(permalink))
}

fn get_hash(l: &Lookup, k: Kwargs) -> TeraResult<Value> {
    let path: Option<String> = k.get("path")?;
    let literal: Option<String> = k.get("literal")?;
    let contents: Cow<'static, [u8]> = match (path, literal) {
        (Some(_), Some(_)) => {
            return Err(err(
                "get_hash: chỉ được cho một trong hai đối số `path` hoặc `literal`",
            ));
        }
        (None, None) => {
            return Err(err(
                "get_hash: cần đối số `path` (tệp) hoặc `literal` (chuỗi)",
            ));
        }
        (Some(p), None) => match search_for_file(l, "get_hash", &p)? {
            Some((found, _)) => found.bytes(&p)?,
            None => {
                return Err(err(format!(
                    "get_hash: không tìm thấy tệp \u{201c}{p}\u{201d}; cách sửa: đường dẫn tính từ thư mục trang, static/ hoặc content/"
                )));
            }
        },
        (None, Some(s)) => Cow::Owned(s.into_bytes()),
    };
    let sha_type: u16 = k.get("sha_type")?.unwrap_or(384);
    let base64: bool = k.get("base64")?.unwrap_or(true);
    hash_bytes(&contents, sha_type, base64, "get_hash").map(Value::from)
}

fn missing_ok(k: &Kwargs) -> TeraResult<bool> {
    // Zola's name is `allow_missing`; congkhai's themes used `optional`.
    Ok(k.get::<bool>("allow_missing")?.unwrap_or(false)
        || k.get::<bool>("optional")?.unwrap_or(false))
}

fn get_page(l: &Lookup, k: Kwargs, state: &State) -> TeraResult<Value> {
    let path: &str = k.must_get("path")?;
    let path = path.trim_start_matches("@/");
    let lang = lang_of(&k, state, l)?;
    let wanted = path_with_lang(path, &lang, l);
    match l.pages.get(&wanted) {
        Some(v) => Ok(v.clone()),
        None if missing_ok(&k)? => Ok(Value::none()),
        None => Err(err(format!(
            "get_page: không có trang \u{201c}{wanted}\u{201d}; cách sửa: đường dẫn tính từ content/, ví dụ \"tin-tuc/bai-1.md\""
        ))),
    }
}

fn get_section(l: &Lookup, k: Kwargs, state: &State) -> TeraResult<Value> {
    let path: &str = k.must_get("path")?;
    let path = path.trim_start_matches("@/");
    let lang = lang_of(&k, state, l)?;
    let wanted = path_with_lang(path, &lang, l);
    let metadata_only: bool = k.get("metadata_only")?.unwrap_or(false);
    match l.sections.get(&wanted) {
        Some(v) if metadata_only => {
            // Zola 0.19's `metadata_only`: the section without its pages and subsections.
            let mut m = v.as_map().cloned().unwrap_or_default();
            m.insert("pages".into(), Value::from(Vec::<Value>::new()));
            m.insert("subsections".into(), Value::from(Vec::<Value>::new()));
            Ok(Value::from(m))
        }
        Some(v) => Ok(v.clone()),
        None if missing_ok(&k)? => Ok(Value::none()),
        None => Err(err(format!(
            "get_section: không có mục \u{201c}{wanted}\u{201d}; cách sửa: đường dẫn tới tệp _index.md tính từ content/, ví dụ \"tin-tuc/_index.md\""
        ))),
    }
}

/// The taxonomy `kind` of the language `lang=` (else the template's `lang`, else the
/// default language), as Zola's `get_taxonomy*` functions look it up.
fn taxonomy<'a>(
    l: &'a Lookup,
    func: &str,
    k: &Kwargs,
    state: &State,
) -> TeraResult<Option<&'a Value>> {
    let kind: &str = k.must_get("kind")?;
    let required: bool = k.get("required")?.unwrap_or(true);
    let lang = lang_of(k, state, l)?;
    match l.taxonomies.get(&lang).and_then(|t| t.get(kind)) {
        Some(v) => Ok(Some(v)),
        None if !required => Ok(None),
        None if lang == l.default_language => Err(err(format!(
            "{func}: không có phân loại \u{201c}{kind}\u{201d}; cách sửa: khai báo [[taxonomies]] name = \"{kind}\" trong config.toml"
        ))),
        None => Err(err(format!(
            "{func}: ngôn ngữ \u{201c}{lang}\u{201d} không có phân loại \u{201c}{kind}\u{201d}; cách sửa: khai báo taxonomies = [{{ name = \"{kind}\" }}] trong bảng [languages.{lang}] của config.toml"
        ))),
    }
}

/// The term of `taxonomy` whose slug is the slug of `term` (congkhai's slugs, the ones
/// its taxonomy URLs use).
fn find_term(taxonomy: &Value, term: &str) -> Option<Value> {
    let slug = crate::text::slugify(term);
    let items = taxonomy.as_map()?.get(&Key::from("items"))?.as_array()?;
    items
        .iter()
        .find(|t| {
            t.as_map()
                .and_then(|m| m.get(&Key::from("slug")))
                .and_then(|s| s.as_str())
                == Some(slug.as_str())
        })
        .cloned()
}

fn term_arg<'a>(k: &'a Kwargs, func: &str) -> TeraResult<&'a str> {
    match (k.get::<&str>("term")?, k.get::<&str>("name")?) {
        (Some(t), _) | (None, Some(t)) => Ok(t),
        (None, None) => Err(err(format!("{func}: cần đối số `term`"))),
    }
}

fn get_taxonomy_term(l: &Lookup, k: Kwargs, state: &State) -> TeraResult<Value> {
    let term = term_arg(&k, "get_taxonomy_term")?;
    let required: bool = k.get("required")?.unwrap_or(true);
    let Some(t) = taxonomy(l, "get_taxonomy_term", &k, state)? else {
        return Ok(Value::none());
    };
    match find_term(t, term) {
        Some(v) => Ok(v),
        None if !required => Ok(Value::none()),
        None => Err(err(format!(
            "get_taxonomy_term: không có mục \u{201c}{term}\u{201d} trong phân loại; cách sửa: kiểm tra chính tả, hoặc dùng required=false"
        ))),
    }
}

fn get_taxonomy_url(l: &Lookup, k: Kwargs, state: &State) -> TeraResult<Value> {
    let term = term_arg(&k, "get_taxonomy_url")?;
    let Some(t) = taxonomy(l, "get_taxonomy_url", &k, state)? else {
        return Ok(Value::none());
    };
    find_term(t, term)
        .as_ref()
        .and_then(|v| v.as_map())
        .and_then(|m| m.get(&Key::from("permalink")))
        .and_then(|p| p.as_str())
        .map(Value::from)
        .ok_or_else(|| {
            err(format!(
                "get_taxonomy_url: không có mục \u{201c}{term}\u{201d} trong phân loại; cách sửa: kiểm tra chính tả của mục"
            ))
        })
}

/// Zola's `now(utc, timestamp)`: the build moment (`--now`, 00:00 in Việt Nam) as a
/// UTC timestamp string, or its Unix seconds.
fn now(l: &Lookup, k: Kwargs) -> TeraResult<Value> {
    let _utc: bool = k.get("utc")?.unwrap_or(false);
    let timestamp: bool = k.get("timestamp")?.unwrap_or(false);
    let t = chrono::DateTime::parse_from_rfc3339(&l.now)
        .map_err(|e| err(format!("now: ngày tạo trang không hợp lệ: {e}")))?
        .with_timezone(&chrono::Utc);
    Ok(if timestamp {
        Value::from(t.timestamp())
    } else {
        Value::from(t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
    })
}

/// Parse `text` as Zola's `load_data` formats (json, toml, csv, plain).
fn parse_data(text: &str, format: &str, shown: &str) -> TeraResult<serde_json::Value> {
    let bad = |e: &dyn std::fmt::Display| {
        err(format!(
            "load_data: {shown} không đọc được dạng {format}: {e}"
        ))
    };
    Ok(match format.to_lowercase().as_str() {
        "json" => serde_json::from_str(text).map_err(|e| bad(&e))?,
        "toml" => {
            let v: toml::Value = toml::from_str(text).map_err(|e| bad(&e))?;
            if !v.is_table() {
                return Err(bad(&"không phải một bảng TOML"));
            }
            serde_json::to_value(v).map_err(|e| bad(&e))?
        }
        "csv" => {
            let mut r = csv::Reader::from_reader(text.as_bytes());
            let headers: Vec<String> = r
                .headers()
                .map_err(|e| bad(&e))?
                .iter()
                .map(str::to_string)
                .collect();
            let mut records = Vec::new();
            for rec in r.records() {
                let rec = rec.map_err(|e| bad(&e))?;
                records.push(rec.iter().map(str::to_string).collect::<Vec<_>>());
            }
            serde_json::json!({ "headers": headers, "records": records })
        }
        "plain" => serde_json::Value::String(text.to_string()),
        "yaml" | "yml" | "xml" | "bibtex" => {
            return Err(err(format!(
                "load_data: congkhai chưa đọc dạng {format} (Zola có); cách sửa: đổi dữ liệu sang JSON, TOML hoặc CSV"
            )));
        }
        other => {
            return Err(err(format!(
                "load_data: không biết dạng \u{201c}{other}\u{201d}; cách sửa: format là một trong json, toml, csv, plain"
            )));
        }
    })
}

fn load_data(l: &Lookup, k: Kwargs) -> TeraResult<Value> {
    let path: Option<String> = k.get("path")?;
    let url: Option<String> = k.get("url")?;
    let literal: Option<String> = k.get("literal")?;
    let format: Option<String> = k.get("format")?;
    let required: bool = k.get("required")?.unwrap_or(true);
    // Accepted for Zola's templates, only meaningful with `url`.
    for name in ["headers", "method", "body", "content_type"] {
        let _: Option<&Value> = k.get(name)?;
    }
    let given = [path.is_some(), url.is_some(), literal.is_some()]
        .iter()
        .filter(|b| **b)
        .count();
    if given != 1 {
        return Err(err(
            "load_data: cần đúng MỘT trong các đối số `path`, `url` hoặc `literal`",
        ));
    }
    let value = if let Some(u) = url {
        return Err(err(format!(
            "load_data(url=\u{201c}{u}\u{201d}): congkhai không tải dữ liệu qua mạng khi tạo trang (kết quả phải giống nhau mỗi lần tạo, không phụ thuộc máy chủ khác); cách sửa: tải tệp về thư mục data/ rồi dùng load_data(path=\"data/…\")"
        )));
    } else if let Some(text) = literal {
        parse_data(&text, format.as_deref().unwrap_or("plain"), "literal")?
    } else {
        let p = path.unwrap_or_default();
        let found = match search_for_file(l, "load_data", &p) {
            Ok(f) => f,
            Err(_) if !required => return Ok(Value::none()),
            Err(e) => return Err(e),
        };
        let Some((found, unified)) = found else {
            if !required {
                return Ok(Value::none());
            }
            return Err(err(format!(
                "load_data: không có tệp \u{201c}{p}\u{201d}; cách sửa: đường dẫn tính từ thư mục trang (ví dụ \"data/x.csv\"), hoặc thêm required=false"
            )));
        };
        match (format, found) {
            (None, Found::Disk(_)) => match crate::data::load_value(&l.root, &unified) {
                Ok(v) => v,
                Err(_) if !required => return Ok(Value::none()),
                Err(d) => return Err(err(encode_data_error(&d))),
            },
            (f, found) => {
                let fmt = f.unwrap_or_else(|| {
                    Path::new(&unified)
                        .extension()
                        .and_then(|e| e.to_str())
                        .filter(|e| ["json", "toml", "csv"].contains(e))
                        .unwrap_or("plain")
                        .to_string()
                });
                let bytes = found.bytes(&p)?;
                let text = String::from_utf8_lossy(&bytes);
                parse_data(&text, &fmt, &p)?
            }
        }
    };
    // privacy: a template never sees a column that names personal data.
    Ok(Value::from_serializable(&crate::privacy::strip_private(
        value,
    )))
}

/// The site functions by name, each seeing only `lang` of the template's state: what
/// [`register`] registers and what [`reevaluate`] calls again.
fn call(l: &Lookup, name: &str, k: Kwargs, lang: Option<&str>) -> Option<TeraResult<Value>> {
    let mut c = tera::Context::new();
    if let Some(lang) = lang {
        c.insert("lang", lang);
    }
    let s = &State::new(&c);
    Some(match name {
        "get_url" => get_url(l, k, s),
        "get_hash" => get_hash(l, k),
        "get_page" => get_page(l, k, s),
        "get_section" => get_section(l, k, s),
        "get_taxonomy" => {
            taxonomy(l, "get_taxonomy", &k, s).map(|t| t.cloned().unwrap_or_else(Value::none))
        }
        "get_taxonomy_term" => get_taxonomy_term(l, k, s),
        "get_taxonomy_url" => get_taxonomy_url(l, k, s),
        "load_data" => load_data(l, k),
        "now" => now(l, k),
        "resize_image" => super::images::resize_image(l, k),
        "get_image_metadata" => super::images::get_image_metadata(l, k),
        "trans" => crate::i18n::trans::call(&l.translations, &k, lang).map(Value::from),
        _ => return None,
    })
}

/// The site functions every page may call. Each call a recorded render makes
/// (`crate::cache::deps`) is recorded with its arguments, the template's `lang` and a
/// hash of its result, so the page cache can tell whether the page would call it with
/// another result today.
pub const RECORDED: [&str; 12] = [
    "get_url",
    "get_hash",
    "get_page",
    "get_section",
    "get_taxonomy",
    "get_taxonomy_term",
    "get_taxonomy_url",
    "load_data",
    "now",
    "resize_image",
    "get_image_metadata",
    "trans",
];

/// Make `c` again over this build's lookups (the page cache's check of a cached page):
/// `None` when it no longer can be made (an unknown function, arguments that do not
/// parse, an error), which the cache treats as a change.
pub fn reevaluate(l: &Lookup, c: &crate::cache::deps::Call) -> Option<Value> {
    let k = c.kwargs()?;
    if c.func == "markdown" {
        let input = c.input.as_deref()?;
        return super::filters::markdown(l, input, &k).ok();
    }
    call(l, &c.func, k, c.lang.as_deref())?.ok()
}

/// Register Zola's functions (and `trans`) over `lookup`.
pub fn register(tera: &mut Tera, lookup: Arc<Lookup>) {
    for name in RECORDED {
        let l = lookup.clone();
        tera.register_function(name, move |k: Kwargs, s: &State| -> TeraResult<Value> {
            let lang = s.get::<String>("lang").ok().flatten();
            if !crate::cache::deps::is_recording() {
                return call(&l, name, k, lang.as_deref()).unwrap_or_else(|| Ok(Value::none()));
            }
            let call_record = crate::cache::deps::Call::new(name, &k, lang.as_deref(), None);
            let r = call(&l, name, k, lang.as_deref()).unwrap_or_else(|| Ok(Value::none()));
            if let Ok(v) = &r {
                crate::cache::deps::record(call_record, v);
            }
            r
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permalinks_as_zola_makes_them() {
        let feeds = ["atom.xml".to_string()];
        let b = "https://x.vn";
        assert_eq!(
            make_permalink(b, "css/a.css", &feeds),
            "https://x.vn/css/a.css/"
        );
        assert_eq!(make_permalink(b, "/", &feeds), "https://x.vn/");
        assert_eq!(
            make_permalink(b, "atom.xml", &feeds),
            "https://x.vn/atom.xml"
        );
        assert_eq!(make_permalink(b, "a#b", &feeds), "https://x.vn/a#b");
        assert_eq!(
            make_permalink("https://x.vn/", "/a/", &feeds),
            "https://x.vn/a/"
        );
    }

    #[test]
    fn hashes_as_zola() {
        // sha256("hello"), hex and base64
        assert_eq!(
            hash_bytes(b"hello", 256, false, "t").unwrap(),
            "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
        );
        assert_eq!(
            hash_bytes(b"hello", 256, true, "t").unwrap(),
            "LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ="
        );
        assert!(hash_bytes(b"x", 1, true, "t").is_err());
    }

    #[test]
    fn paths_leaving_the_site_are_errors() {
        let l = Lookup {
            root: std::env::temp_dir(),
            ..Default::default()
        };
        for p in ["../etc/passwd", "a/../../b", "static/../../x"] {
            assert!(search_for_file(&l, "t", p).is_err(), "{p}");
        }
    }

    #[test]
    fn translations_are_named_like_zola() {
        let l = Lookup {
            default_language: "vi".into(),
            ..Default::default()
        };
        assert_eq!(path_with_lang("a/b.md", "en", &l), "a/b.en.md");
        assert_eq!(path_with_lang("a/b.md", "vi", &l), "a/b.md");
        // A path that merely looks like a translation is not one.
        assert_eq!(path_with_lang("a/b.en.md", "en", &l), "a/b.en.en.md");
        // A translation's own path stands for its original, as in Zola `next`.
        let l = Lookup {
            default_language: "vi".into(),
            canonical: [("a/b.en.md".to_string(), "a/b.md".to_string())].into(),
            ..Default::default()
        };
        assert_eq!(path_with_lang("a/b.en.md", "en", &l), "a/b.en.md");
        assert_eq!(path_with_lang("a/b.en.md", "vi", &l), "a/b.md");
        assert_eq!(path_with_lang("a/b.md", "en", &l), "a/b.en.md");
    }
}
