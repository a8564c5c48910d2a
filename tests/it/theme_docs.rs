//! docs/theme.md's file list and kind reference are generated from the code: the theme
//! folder (each template's opening comment, each asset's size) and every record kind's
//! typed view structs (their doc comments, through their JSON schemas). This test fails
//! when the document and the code disagree; `CONGKHAI_BLESS_DOCS=1 cargo test --test it
//! theme_docs` rewrites the generated parts.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde_json::Value;

const THEME: &str = "themes/congkhai";
const DOC: &str = "docs/theme.md";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The text of a template's opening `{# … #}` comment, on one line, without the part
/// that lists `page.record` fields (the kind reference below documents those).
fn template_summary(text: &str) -> String {
    let Some(start) = text.find("{#") else {
        return String::new();
    };
    let body = &text[start + 2..];
    let end = body.find("#}").unwrap_or(body.len());
    let comment = body[..end].trim_matches(|c: char| c == '-' || c.is_whitespace());
    let one_line = comment.split_whitespace().collect::<Vec<_>>().join(" ");
    let cut = [
        "page.record =",
        "page.record:",
        "Context:",
        "Context contract:",
    ]
    .iter()
    .filter_map(|m| one_line.find(m))
    .min()
    .unwrap_or(one_line.len());
    one_line[..cut]
        .trim_end_matches([' ', ':', ';', ','])
        .replace('|', "\\|")
}

/// The first line of an asset's opening `/* … */` comment.
fn asset_summary(text: &str) -> String {
    text.trim_start()
        .strip_prefix("/*")
        .and_then(|t| t.lines().next())
        .map(|l| l.trim_end_matches("*/").trim().replace('|', "\\|"))
        .unwrap_or_default()
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.expect("theme folder"))
        .filter(|e| e.file_type().is_file())
        .map(walkdir::DirEntry::into_path)
        .collect();
    out.sort();
    out
}

fn files_table() -> String {
    let theme = root().join(THEME);
    let mut s = String::from("| file | size | what it is |\n|---|---|---|\n");
    for p in files_under(&theme) {
        let rel = p.strip_prefix(&theme).expect("under theme");
        let rel = rel.to_string_lossy().replace('\\', "/");
        let bytes = std::fs::read(&p).expect("theme file");
        let text = String::from_utf8_lossy(&bytes);
        let summary = if rel.ends_with(".html") {
            template_summary(&text)
        } else if rel.ends_with(".css") || rel.ends_with(".js") {
            asset_summary(&text)
        } else {
            String::new()
        };
        // Whole kilobytes, so that small template edits do not churn the document.
        let kb = (bytes.len() as f64 / 1024.0).round().max(1.0);
        writeln!(s, "| `{rel}` | {kb} KB | {summary} |").expect("write");
    }
    s
}

/// Follows a local `$ref` (`#/$defs/Name`) into the root schema's definitions.
fn resolve<'a>(root: &'a Value, v: &'a Value) -> &'a Value {
    match v.get("$ref").and_then(Value::as_str) {
        Some(r) => r
            .strip_prefix("#/$defs/")
            .and_then(|name| root.get("$defs")?.get(name))
            .unwrap_or(v),
        None => v,
    }
}

/// A short type name for a schema: `string`, `integer`, `list of …`, `object`, `string or null`.
fn type_name(root: &Value, v: &Value) -> String {
    let v = resolve(root, v);
    if let Some(any) = v
        .get("anyOf")
        .or_else(|| v.get("oneOf"))
        .and_then(Value::as_array)
    {
        let names: Vec<String> = any.iter().map(|x| type_name(root, x)).collect();
        return names.join(" or ");
    }
    if v.get("enum").is_some() || v.get("const").is_some() {
        let vals: Vec<String> = v
            .get("enum")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_else(|| v.get("const").cloned().into_iter().collect())
            .iter()
            .map(|x| format!("`{x}`"))
            .collect();
        return format!("one of {}", vals.join(", "));
    }
    let one = |t: &str| -> String {
        match t {
            "array" => match v.get("items") {
                Some(items) => format!("list of {}", type_name(root, items)),
                None => "list".into(),
            },
            other => other.to_string(),
        }
    };
    match v.get("type") {
        Some(Value::String(t)) => one(t),
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .map(one)
            .collect::<Vec<_>>()
            .join(" or "),
        _ if v.get("properties").is_some() => "object".into(),
        _ => "any".into(),
    }
}

/// The object schema a field holds, looking through lists, `$ref`s and `T or null`.
fn object_of<'a>(root: &'a Value, v: &'a Value) -> Option<&'a Value> {
    let v = resolve(root, v);
    if v.get("properties").is_some() {
        return Some(v);
    }
    if let Some(items) = v.get("items") {
        return object_of(root, items);
    }
    v.get("anyOf")
        .or_else(|| v.get("oneOf"))
        .and_then(Value::as_array)?
        .iter()
        .find_map(|x| object_of(root, x))
}

fn field_rows(root: &Value, obj: &Value, prefix: &str, depth: usize, out: &mut String) {
    let Some(props) = obj.get("properties").and_then(Value::as_object) else {
        return;
    };
    let mut names: Vec<&String> = props.keys().collect();
    names.sort();
    for name in names {
        let v = &props[name];
        let target = resolve(root, v);
        let description = v
            .get("description")
            .or_else(|| target.get("description"))
            .and_then(Value::as_str)
            .unwrap_or("")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .replace('|', "\\|");
        let ty = type_name(root, v);
        let list = ty.starts_with("list of") || ty.contains(" or list of");
        let path = format!("{prefix}{name}{}", if list { "[]" } else { "" });
        writeln!(out, "| `{path}` | {ty} | {description} |").expect("write");
        if depth < 4
            && let Some(inner) = object_of(root, v)
        {
            field_rows(root, inner, &format!("{path}."), depth + 1, out);
        }
    }
}

fn kinds_reference() -> String {
    let mut s = String::new();
    for kind in congkhai::kinds::registry() {
        writeln!(
            s,
            "### `{}` — {}\n\nPage template `{}`.\n",
            kind.name(),
            kind.label(),
            kind.template()
        )
        .expect("write");
        let views = kind.views();
        if views.is_empty() {
            s.push_str("Its `page.record` has no typed view yet.\n\n");
            continue;
        }
        for view in views {
            let schema = view.schema.as_value();
            let title = schema
                .get("title")
                .and_then(Value::as_str)
                .unwrap_or("view");
            writeln!(s, "`{}` gets `page.record` = `{title}`:\n", view.template).expect("write");
            s.push_str("| field | type | meaning |\n|---|---|---|\n");
            field_rows(schema, schema, "", 0, &mut s);
            s.push('\n');
        }
    }
    s
}

/// Replaces the text between `<!-- generated:NAME -->` and `<!-- end:NAME -->`.
fn splice(doc: &str, name: &str, body: &str) -> String {
    let open = format!("<!-- generated:{name} (tests/it/theme_docs.rs; do not edit by hand) -->\n");
    let close = format!("<!-- end:{name} -->");
    let (Some(a), Some(b)) = (doc.find(&open), doc.find(&close)) else {
        panic!("{DOC} lacks the markers {open:?} … {close:?}");
    };
    format!("{}{open}{body}{}", &doc[..a], &doc[b..])
}

#[test]
fn theme_doc_matches_the_code() {
    let path = root().join(DOC);
    let doc = std::fs::read_to_string(&path).expect("docs/theme.md");
    let want = splice(&doc, "files", &files_table());
    let want = splice(&want, "kinds", &kinds_reference());
    if std::env::var_os("CONGKHAI_BLESS_DOCS").is_some() {
        std::fs::write(&path, &want).expect("write docs/theme.md");
        return;
    }
    if want != doc {
        let line = doc
            .lines()
            .zip(want.lines())
            .position(|(a, b)| a != b)
            .map_or(doc.lines().count().min(want.lines().count()) + 1, |i| i + 1);
        panic!(
            "{DOC} is out of date from line {line}: run `CONGKHAI_BLESS_DOCS=1 cargo test --test it theme_docs` and commit the result"
        );
    }
}

#[test]
fn summaries_are_read_from_comments() {
    assert_eq!(
        template_summary("{% extends \"page.html\" %}\n{#- One group: page.record = {a} -#}"),
        "One group"
    );
    assert_eq!(template_summary("no comment"), "");
    assert_eq!(
        asset_summary("/* Service days: hide.\n more */"),
        "Service days: hide."
    );
}
