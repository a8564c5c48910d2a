//! Bounded memory (issue 18, docs/architecture.md "Memory"): a low-memory build
//! (`[build] low_memory_pages`, from 20,000 content files by default; 0 here) keeps
//! each page's Markdown body and body HTML in a spill file until they are needed; a
//! render whose templates never call `get_page`/`get_section` makes page values
//! one section at a time. Every one of these paths must write the very bytes of the
//! normal build: on a Zola-style site (pagination, a transparent section, taxonomies
//! with feeds, aliases, anchor links, shortcodes), with and without a template that
//! looks pages up, and on the demo portal (records, `get_section`), also when the
//! page cache reuses files over an existing output.

use crate::common::{Site, assert_same_output as assert_same, build_with_timings as build};

const NOW: &str = "2026-07-01";

/// Build `site` the low-memory way whatever its size.
fn low_memory(site: &Site) {
    let config = site.read("config.toml");
    site.write(
        "config.toml",
        format!("{config}\n[build]\nlow_memory_pages = 0\n"),
    );
}

const LOW: &str = "low-memory build: bodies and body HTML in a spill file";

#[test]
fn low_memory_zola_site_gives_the_same_bytes_with_and_without_lookups() {
    for lookups in [false, true] {
        let prepare = |site: &Site| {
            if lookups {
                // A template naming get_page: every page value is kept for the lookups.
                site.write("templates/unused-lookup.html", "{# get_page #}");
            }
        };
        let normal = Site::fixture("zola_content");
        prepare(&normal);
        let (expected, log) = build(&normal, NOW);
        assert!(!log.contains("low-memory"), "{log}");
        let small = Site::fixture("zola_content");
        prepare(&small);
        low_memory(&small);
        let (got, log) = build(&small, NOW);
        assert!(log.contains(LOW), "{log}");
        let mode = if lookups {
            "page values: all kept"
        } else {
            "page values: made per section"
        };
        assert!(log.contains(mode), "{log}");
        assert_same(&expected, &got);
    }
}

#[test]
fn low_memory_portal_gives_the_same_bytes() {
    let now = "2026-11-23";
    let normal = Site::demo();
    let (expected, _) = build(&normal, now);
    let small = Site::demo();
    low_memory(&small);
    let (got, log) = build(&small, now);
    assert!(log.contains(LOW), "{log}");
    // The portal theme calls get_section.
    assert!(log.contains("page values: all kept"), "{log}");
    assert_same(&expected, &got);
}

/// The page cache over a low-memory, per-section build: after a body edit the next
/// build reuses the files whose inputs did not change, and its output is the very
/// bytes a fresh normal build of the edited site writes (pagination: a section value
/// is hashed while it is held, `cache::deps::Memo::hold`).
#[test]
fn low_memory_rebuild_through_the_page_cache_matches_a_fresh_build() {
    let edit = |site: &Site| {
        let rel = "content/tin-tuc/lich-tiem-chung.md";
        let text = site.read(rel);
        site.write(rel, format!("{text}\nMột câu mới thêm vào cuối trang.\n"));
    };
    let site = Site::fixture("zola_content");
    low_memory(&site);
    // A fresh build leaves no page cache; the next one (over its output) does.
    build(&site, NOW);
    build(&site, NOW);
    edit(&site);
    let (got, log) = build(&site, NOW);
    assert!(log.contains(LOW), "{log}");
    let reused = log
        .lines()
        .find_map(|l| l.split("reused ").nth(1))
        .and_then(|r| r.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or(0);
    assert!(reused >= 3, "the page cache reused files: {log}");
    let fresh = Site::fixture("zola_content");
    edit(&fresh);
    let (expected, _) = build(&fresh, NOW);
    assert_same(&expected, &got);
}
