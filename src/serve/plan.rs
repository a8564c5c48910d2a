//! Rebuild planning (pure): whether a batch of changed files can take the single-page
//! fast path or needs a full build.

use crate::pipeline;

/// Decide whether a batch of changed files can take the fast path. `changed` holds each
/// file's path relative to the site root (`content/tin-tuc/a.md`) and its new text
/// (`None` when unreadable); `cached_front_matter` gives the digest of the front matter
/// text ([`crate::content::front_matter_digest`]) of a page
/// of the last build by its path relative to `content/`. Returns those content paths
/// when every file is a page (not an `_index.md`) known to the last build whose front
/// matter text is unchanged, at most [`pipeline::MAX_FAST_PAGES`] of them; `None` means a
/// full build.
pub(super) fn plan_fast_path(
    changed: &[(String, Option<String>)],
    cached_front_matter: impl Fn(&str) -> Option<u64>,
) -> Option<Vec<String>> {
    let mut rels: Vec<String> = Vec::new();
    for (path, text) in changed {
        let rel = path.strip_prefix("content/")?;
        let name = rel.rsplit('/').next().unwrap_or(rel);
        if !name.ends_with(".md") || name == "_index.md" {
            return None;
        }
        let text = crate::text::nfc(text.as_deref()?);
        let (fm, _, _) = crate::content::frontmatter::split(&text)?;
        if cached_front_matter(rel)? != crate::content::front_matter_digest(fm) {
            return None;
        }
        if !rels.iter().any(|r| r == rel) {
            rels.push(rel.to_string());
        }
    }
    if rels.is_empty() || rels.len() > pipeline::MAX_FAST_PAGES {
        return None;
    }
    Some(rels)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn changed(items: &[(&str, Option<&str>)]) -> Vec<(String, Option<String>)> {
        items
            .iter()
            .map(|(p, t)| (p.to_string(), t.map(str::to_string)))
            .collect()
    }

    /// The last build knew one page, `tin-tuc/a.md`, with front matter `title = "A"\n`.
    fn cached(rel: &str) -> Option<u64> {
        (rel == "tin-tuc/a.md" || rel == "tin-tuc/b/index.md")
            .then(|| crate::content::front_matter_digest("title = \"A\"\n"))
    }

    #[test]
    fn body_only_edits_of_known_pages_take_the_fast_path() {
        let c = changed(&[(
            "content/tin-tuc/a.md",
            Some("+++\ntitle = \"A\"\n+++\nThân mới.\n"),
        )]);
        assert_eq!(
            plan_fast_path(&c, cached),
            Some(vec!["tin-tuc/a.md".to_string()])
        );
        // A page bundle's index.md, the same file reported twice, a BOM and CRLF body.
        let c = changed(&[
            (
                "content/tin-tuc/b/index.md",
                Some("\u{feff}+++\ntitle = \"A\"\n+++\r\nx\r\n"),
            ),
            ("content/tin-tuc/a.md", Some("+++\ntitle = \"A\"\n+++\n")),
            ("content/tin-tuc/a.md", Some("+++\ntitle = \"A\"\n+++\n")),
        ]);
        assert_eq!(
            plan_fast_path(&c, cached),
            Some(vec![
                "tin-tuc/b/index.md".to_string(),
                "tin-tuc/a.md".to_string()
            ])
        );
    }

    #[test]
    fn anything_else_needs_a_full_build() {
        let full =
            |items: &[(&str, Option<&str>)]| plan_fast_path(&changed(items), cached).is_none();
        let body = Some("+++\ntitle = \"A\"\n+++\nThân.\n");
        // Front matter changed (even whitespace), or gone.
        assert!(full(&[(
            "content/tin-tuc/a.md",
            Some("+++\ntitle = \"B\"\n+++\nThân.\n")
        )]));
        assert!(full(&[(
            "content/tin-tuc/a.md",
            Some("+++\ntitle =  \"A\"\n+++\nThân.\n")
        )]));
        assert!(full(&[("content/tin-tuc/a.md", Some("Thân.\n"))]));
        // Deleted or unreadable; a page the last build did not have (new, draft, embargoed).
        assert!(full(&[("content/tin-tuc/a.md", None)]));
        assert!(full(&[("content/tin-tuc/moi.md", body)]));
        // Sections, data, templates, config, static, bundle assets.
        assert!(full(&[("content/tin-tuc/_index.md", body)]));
        assert!(full(&[("data/x.csv", Some("a,b\n"))]));
        assert!(full(&[("templates/page.html", Some("{{ page.title }}"))]));
        assert!(full(&[("config.toml", Some("title = \"x\"\n"))]));
        assert!(full(&[("content/tin-tuc/b/anh.png", Some(""))]));
        // One page edit mixed with anything else.
        assert!(full(&[
            ("content/tin-tuc/a.md", body),
            ("data/x.csv", Some(""))
        ]));
        // Nothing, or too many pages at once.
        assert!(full(&[]));
        let many: Vec<(String, Option<String>)> = (0..=pipeline::MAX_FAST_PAGES)
            .map(|i| (format!("content/p{i}.md"), body.map(str::to_string)))
            .collect();
        assert!(
            plan_fast_path(&many, |_| {
                Some(crate::content::front_matter_digest("title = \"A\"\n"))
            })
            .is_none()
        );
    }
}
