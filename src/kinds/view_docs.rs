//! Checks the template contracts of the kinds' typed views: every kind in the registry
//! documents its templates, and every field of `page.record` has a doc comment (it becomes
//! the description in docs/theme.md's kind reference). The walk over the schema is
//! [`super::ViewDoc::undocumented_fields`].

#![cfg(test)]

use super::registry;

#[test]
fn every_kind_documents_every_view_field() {
    for kind in registry() {
        let views = kind.views();
        assert!(!views.is_empty(), "{} has no typed view", kind.name());
        assert!(
            views.iter().any(|v| v.template == kind.template()),
            "{}: no view for its page template {}",
            kind.name(),
            kind.template()
        );
        for view in views {
            let out = view.undocumented_fields();
            assert!(out.is_empty(), "{}: {out:?}", view.template);
        }
    }
}
