//! The structure docs/architecture.md promises, checked against `src/`:
//! - the modules import each other only downwards (no cycle in the module graph);
//! - the module table lists every module of `src/`, and nothing else.
//!
//! Reads the source text only (no compiler): `crate::…` paths outside `#[cfg(test)]`
//! items are the edges. A *namespace* folder (a `mod.rs` that only declares submodules,
//! such as `trust/`) groups files by concern across layers, so its files are nodes of
//! their own; every other top-level module is one node.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn src_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every `.rs` file under `src/`, as its path relative to `src/` with `/` separators.
fn rust_files() -> Vec<String> {
    let src = src_dir();
    walkdir::WalkDir::new(&src)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.expect("read src/").into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .map(|p| {
            let rel = p.strip_prefix(&src).expect("under src/");
            rel.to_string_lossy().replace('\\', "/")
        })
        .collect()
}

/// The source with comments, string and char literals blanked (so braces and paths in
/// them do not count), keeping every other byte in place.
fn code_only(src: &str) -> String {
    let b = src.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    let blank = |out: &mut Vec<u8>, s: &[u8]| {
        out.extend(s.iter().map(|&c| if c == b'\n' { b'\n' } else { b' ' }))
    };
    while i < b.len() {
        let rest = &b[i..];
        if rest.starts_with(b"//") {
            let end = rest.iter().position(|&c| c == b'\n').unwrap_or(rest.len());
            blank(&mut out, &rest[..end]);
            i += end;
        } else if rest.starts_with(b"/*") {
            let end = rest
                .windows(2)
                .skip(2)
                .position(|w| w == b"*/")
                .map_or(rest.len(), |p| p + 4);
            blank(&mut out, &rest[..end]);
            i += end;
        } else if rest.starts_with(b"r\"") || rest.starts_with(b"r#") || rest.starts_with(b"br\"") {
            let start = if rest[0] == b'b' { 2 } else { 1 };
            let hashes = rest[start..].iter().take_while(|&&c| c == b'#').count();
            if rest.get(start + hashes) != Some(&b'"') {
                out.push(b[i]);
                i += 1;
                continue;
            }
            let mut close = vec![b'"'];
            close.extend(std::iter::repeat_n(b'#', hashes));
            let body = start + hashes + 1;
            let end = rest[body..]
                .windows(close.len())
                .position(|w| w == close.as_slice())
                .map_or(rest.len(), |p| body + p + close.len());
            blank(&mut out, &rest[..end]);
            i += end;
        } else if rest[0] == b'"' {
            let mut j = 1;
            while j < rest.len() && rest[j] != b'"' {
                j += if rest[j] == b'\\' { 2 } else { 1 };
            }
            let end = (j + 1).min(rest.len());
            blank(&mut out, &rest[..end]);
            i += end;
        } else if rest[0] == b'\'' {
            // A char literal ('x', '\n', '{') or a lifetime ('a): only the former closes.
            let len = if rest.get(1) == Some(&b'\\') {
                rest.iter().skip(2).position(|&c| c == b'\'').map(|p| p + 3)
            } else {
                let ch = std::str::from_utf8(&rest[1..rest.len().min(5)])
                    .ok()
                    .or_else(|| std::str::from_utf8(&rest[1..rest.len().min(2)]).ok())
                    .and_then(|s| s.chars().next())
                    .map_or(1, char::len_utf8);
                (rest.get(1 + ch) == Some(&b'\'')).then_some(ch + 2)
            };
            match len {
                Some(n) => {
                    blank(&mut out, &rest[..n]);
                    i += n;
                }
                None => {
                    out.push(b'\'');
                    i += 1;
                }
            }
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `code` without the items marked `#[cfg(test)]` (a `mod tests { … }`, a `use`, a fn).
fn without_test_items(code: &str) -> String {
    let mut out = String::with_capacity(code.len());
    let mut rest = code;
    while let Some(at) = rest.find("#[cfg(test)]") {
        out.push_str(&rest[..at]);
        let item = &rest[at..];
        // The item ends at its first `;` before any `{`, or at the brace closing it.
        let mut depth = 0usize;
        let mut end = item.len();
        for (k, c) in item.char_indices() {
            match c {
                ';' if depth == 0 => {
                    end = k + 1;
                    break;
                }
                '{' => depth += 1,
                '}' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        end = k + 1;
                        break;
                    }
                }
                _ => {}
            }
        }
        rest = &item[end..];
    }
    out.push_str(rest);
    out
}

/// Top-level folders whose `mod.rs` only declares submodules.
fn namespaces(files: &[String]) -> BTreeSet<String> {
    files
        .iter()
        .filter_map(|f| f.strip_suffix("/mod.rs").map(|d| (d, f)))
        .filter(|(d, _)| !d.contains('/'))
        .filter(|(_, f)| {
            let text = std::fs::read_to_string(src_dir().join(f)).expect("read mod.rs");
            code_only(&text).lines().all(|l| {
                let l = l.trim();
                l.is_empty()
                    || l.starts_with("#[")
                    || l.starts_with("#![")
                    || ((l.starts_with("pub mod ") || l.starts_with("mod ")) && l.ends_with(';'))
            })
        })
        .map(|(d, _)| d.to_string())
        .collect()
}

/// The graph node a file belongs to: `trust::chain` inside a namespace, else `history`.
fn node_of(file: &str, spaces: &BTreeSet<String>) -> Option<String> {
    let stem = file.trim_end_matches(".rs");
    let mut parts = stem.split('/');
    let top = parts.next()?;
    if matches!(top, "lib" | "main") {
        return None;
    }
    if spaces.contains(top) {
        let child = parts.next()?;
        if child == "mod" {
            return None;
        }
        return Some(format!("{top}::{child}"));
    }
    Some(top.to_string())
}

fn ident_at(s: &str) -> &str {
    let end = s
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(s.len());
    &s[..end]
}

/// The nodes named by the path that starts at `s` (just after `crate::` or `super::`
/// of a namespace): one name, or the names of a `{a, b::c}` group.
fn targets(s: &str, prefix: Option<&str>, spaces: &BTreeSet<String>, out: &mut Vec<String>) {
    let s = s.trim_start();
    if let Some(group) = s.strip_prefix('{') {
        // Split the group at its top-level commas.
        let mut depth = 0usize;
        let mut start = 0;
        for (k, c) in group.char_indices() {
            match c {
                '{' => depth += 1,
                '}' if depth == 0 => {
                    targets(&group[start..k], prefix, spaces, out);
                    return;
                }
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    targets(&group[start..k], prefix, spaces, out);
                    start = k + 1;
                }
                _ => {}
            }
        }
        return;
    }
    let name = ident_at(s);
    if name.is_empty() || name == "self" {
        return;
    }
    match prefix {
        Some(ns) => out.push(format!("{ns}::{name}")),
        None if spaces.contains(name) => {
            if let Some(rest) = s[name.len()..].trim_start().strip_prefix("::") {
                targets(rest, Some(name), spaces, out);
            }
        }
        None => out.push(name.to_string()),
    }
}

/// node → (node it uses → files that use it), over the non-test code of `src/`.
type Graph = BTreeMap<String, BTreeMap<String, BTreeSet<String>>>;

fn module_graph() -> Graph {
    let files = rust_files();
    let spaces = namespaces(&files);
    let mut graph = Graph::new();
    for file in &files {
        let Some(from) = node_of(file, &spaces) else {
            continue;
        };
        let text = std::fs::read_to_string(src_dir().join(file)).expect("read source");
        let code = without_test_items(&code_only(&text));
        let mut to = Vec::new();
        for (at, _) in code.match_indices("crate::") {
            targets(&code[at + "crate::".len()..], None, &spaces, &mut to);
        }
        // `super::x` in a file of a namespace folder names a sibling.
        if let Some((ns, _)) = from.split_once("::") {
            for (at, _) in code.match_indices("super::") {
                targets(&code[at + "super::".len()..], Some(ns), &spaces, &mut to);
            }
        }
        let edges = graph.entry(from.clone()).or_default();
        for t in to {
            if t != from {
                edges.entry(t).or_default().insert(file.clone());
            }
        }
    }
    graph
}

/// One cycle of the graph, if it has any (depth-first search for a back edge).
fn find_cycle(graph: &Graph) -> Option<Vec<String>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Open,
        Done,
    }
    fn visit(
        n: &str,
        graph: &Graph,
        marks: &mut BTreeMap<String, Mark>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        match marks.get(n) {
            Some(Mark::Done) => return None,
            Some(Mark::Open) => {
                let from = stack.iter().position(|s| s == n).unwrap_or(0);
                let mut cycle = stack[from..].to_vec();
                cycle.push(n.to_string());
                return Some(cycle);
            }
            None => {}
        }
        marks.insert(n.to_string(), Mark::Open);
        stack.push(n.to_string());
        for next in graph.get(n).into_iter().flat_map(|e| e.keys()) {
            if let Some(c) = visit(next, graph, marks, stack) {
                return Some(c);
            }
        }
        stack.pop();
        marks.insert(n.to_string(), Mark::Done);
        None
    }
    let mut marks = BTreeMap::new();
    for n in graph.keys() {
        if let Some(c) = visit(n, graph, &mut marks, &mut Vec::new()) {
            return Some(c);
        }
    }
    None
}

#[test]
fn modules_import_only_downwards() {
    let graph = module_graph();
    assert!(graph.contains_key("model") && graph.contains_key("pipeline"));
    if let Some(cycle) = find_cycle(&graph) {
        let steps: Vec<String> = cycle
            .windows(2)
            .map(|w| {
                let files = &graph[&w[0]][&w[1]];
                let files: Vec<&str> = files.iter().map(String::as_str).collect();
                format!("  {} → {}  (src/{})", w[0], w[1], files.join(", src/"))
            })
            .collect();
        panic!(
            "import cycle between modules of src/ (a module may only use the ones below it, \
             see docs/architecture.md):\n{}",
            steps.join("\n")
        );
    }
}

#[test]
fn the_cycle_check_sees_cycles() {
    let mut graph = Graph::new();
    for (a, b) in [("model", "kinds"), ("kinds", "text"), ("kinds", "model")] {
        graph
            .entry(a.into())
            .or_default()
            .entry(b.into())
            .or_default()
            .insert(format!("{a}.rs"));
    }
    assert_eq!(
        find_cycle(&graph),
        Some(vec!["kinds".into(), "model".into(), "kinds".into()])
    );
}

#[test]
fn paths_in_strings_comments_and_tests_are_not_edges() {
    let spaces = BTreeSet::from(["trust".to_string()]);
    let src = "use crate::{a, b::{c, d}, trust::{chain, layout::X}};\n\
               // crate::commented\n\
               let s = \"crate::quoted\"; let c = '{';\n\
               #[cfg(test)]\nmod tests { use crate::tested; }\n\
               fn f<'a>(x: &'a str) { crate::called::f(); }\n";
    let code = without_test_items(&code_only(src));
    let mut to = Vec::new();
    for (at, _) in code.match_indices("crate::") {
        targets(&code[at + 7..], None, &spaces, &mut to);
    }
    assert_eq!(
        to,
        ["a", "b", "trust::chain", "trust::layout", "called"].map(String::from)
    );
}

/// Each node's layer: 0 for a module that uses no other, else one above the highest
/// module it uses. Only meaningful for a graph without cycles.
fn layers(graph: &Graph) -> BTreeMap<String, usize> {
    fn layer(n: &str, graph: &Graph, memo: &mut BTreeMap<String, usize>, depth: usize) -> usize {
        if let Some(&l) = memo.get(n) {
            return l;
        }
        let mut l = 0;
        if depth < graph.len() {
            for next in graph.get(n).into_iter().flat_map(|e| e.keys()) {
                l = l.max(layer(next, graph, memo, depth + 1) + 1);
            }
        }
        memo.insert(n.to_string(), l);
        l
    }
    let mut memo = BTreeMap::new();
    let names: BTreeSet<&String> = graph
        .keys()
        .chain(graph.values().flat_map(|e| e.keys()))
        .collect();
    for n in names {
        layer(n, graph, &mut memo, 0);
    }
    memo
}

/// The module graph as docs/architecture.md shows it: layers from the top, each
/// module with the modules it uses.
fn graph_text(graph: &Graph) -> String {
    let layers = layers(graph);
    let top = layers.values().copied().max().unwrap_or(0);
    let mut out = String::from("```text\n");
    for l in (0..=top).rev() {
        for (n, _) in layers.iter().filter(|&(_, &nl)| nl == l) {
            let uses: Vec<&str> = graph
                .get(n)
                .into_iter()
                .flat_map(|e| e.keys())
                .map(String::as_str)
                .collect();
            let uses = if uses.is_empty() {
                "—".to_string()
            } else {
                uses.join(", ")
            };
            out.push_str(&format!("{l:>2}  {n:<19} → {uses}\n"));
        }
    }
    out.push_str("```\n");
    out
}

fn architecture_doc() -> (PathBuf, String) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/architecture.md");
    let text = std::fs::read_to_string(&path).expect("read docs/architecture.md");
    (path, text)
}

const GRAPH_START: &str = "<!-- module-graph: generated by tests/architecture.rs -->\n";
const GRAPH_END: &str = "<!-- end module-graph -->";

/// docs/architecture.md shows the module graph of the code as it is. After a change of
/// imports, `CONGKHAI_BLESS=1 cargo test --test it architecture` rewrites the block.
#[test]
fn module_graph_in_docs_is_current() {
    let (path, doc) = architecture_doc();
    let want = graph_text(&module_graph());
    let start = doc
        .find(GRAPH_START)
        .expect("module graph block in architecture.md");
    let body = start + GRAPH_START.len();
    let end = body
        + doc[body..]
            .find(GRAPH_END)
            .expect("end of module graph block");
    if doc[body..end] != want {
        if std::env::var_os("CONGKHAI_BLESS").is_some() {
            let new = format!("{}{want}{}", &doc[..body], &doc[end..]);
            std::fs::write(&path, new).expect("write docs/architecture.md");
            return;
        }
        panic!(
            "the module graph in docs/architecture.md is out of date; run \
             CONGKHAI_BLESS=1 cargo test --test it architecture, or put this there:\n{want}"
        );
    }
}

/// Every module of `src/` (each `.rs` file, as `a::b`), without the crate roots.
fn source_modules() -> BTreeSet<String> {
    rust_files()
        .iter()
        .filter(|f| !matches!(f.as_str(), "lib.rs" | "main.rs"))
        .map(|f| {
            let m = f.trim_end_matches(".rs").trim_end_matches("/mod");
            m.replace('/', "::")
        })
        .collect()
}

/// The module names in the first column of the table under `## Modules`.
fn table_modules(doc: &str) -> BTreeSet<String> {
    let section = doc
        .split("\n## ")
        .find(|s| s.starts_with("Modules"))
        .expect("a `## Modules` section in architecture.md");
    let mut out = BTreeSet::new();
    for line in section.lines().filter(|l| l.starts_with("| `")) {
        let first = line.split('|').nth(1).unwrap_or("");
        for name in first.split('`').skip(1).step_by(2) {
            out.insert(name.to_string());
        }
    }
    out
}

/// Whether a table entry names `module`: the same path, or a pattern in which `*`
/// stands for one path segment (`kinds::*::load` covers the `load` step of every kind).
fn covers(entry: &str, module: &str) -> bool {
    let (e, m): (Vec<&str>, Vec<&str>) =
        (entry.split("::").collect(), module.split("::").collect());
    e.len() == m.len() && e.iter().zip(&m).all(|(a, b)| *a == "*" || a == b)
}

#[test]
fn module_table_lists_every_module() {
    let (_, doc) = architecture_doc();
    let listed = table_modules(&doc);
    let actual = source_modules();
    let missing: Vec<&String> = actual
        .iter()
        .filter(|m| !listed.iter().any(|e| covers(e, m)))
        .collect();
    let stale: Vec<&String> = listed
        .iter()
        .filter(|e| !actual.iter().any(|m| covers(e, m)))
        .collect();
    assert!(
        missing.is_empty() && stale.is_empty(),
        "docs/architecture.md's module table does not match src/: \
         missing {missing:?}, no longer in src/ {stale:?}"
    );
}

#[test]
fn table_patterns_cover_one_segment() {
    assert!(covers("kinds::*::load", "kinds::timeline::load"));
    assert!(covers("residential::*", "residential::plan"));
    assert!(!covers("residential::*", "residential"));
    assert!(!covers("kinds::*::load", "kinds::timeline::view"));
    assert!(covers("model", "model"));
}
