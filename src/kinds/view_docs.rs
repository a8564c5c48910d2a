//! Checks the template contracts of the kinds' typed views: every field of `page.record`
//! is documented (its doc comment becomes the description in docs/theme.md's kind
//! reference). The walk over the schema is [`super::ViewDoc::undocumented_fields`].

#![cfg(test)]

#[cfg(test)]
mod tests {
    use crate::kinds::{RecordKind, beneficiary_list, consultation, merger_plan};

    /// The kinds restructured into load → check → view. Add a kind here once its views
    /// are typed.
    #[test]
    fn every_view_field_is_documented() {
        let kinds: [&dyn RecordKind; 3] = [
            &merger_plan::MergerPlan,
            &consultation::Consultation,
            &beneficiary_list::BeneficiaryList,
        ];
        for kind in kinds {
            let views = kind.views();
            assert!(!views.is_empty(), "{} has no views", kind.name());
            for view in views {
                let out = view.undocumented_fields();
                assert!(out.is_empty(), "{}: {out:?}", view.template);
            }
        }
    }
}
