//! The demo portal builds from a fresh copy and shows the ward.
use crate::common;
use common::*;

#[test]
fn demo_portal_builds_and_shows_ward() {
    let site = Site::demo();
    site.build_ok("2026-11-23");
    let doc = site.html("public/index.html");
    let titles = texts(&doc, "title");
    assert!(titles[0].contains("Phường Hòa An"), "{titles:?}");
    assert!(site.exists("public/sitemap.xml"));
}
