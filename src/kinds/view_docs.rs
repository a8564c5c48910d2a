//! Checks the template contracts of the kinds' typed views: every field of `page.record`
//! is documented (its doc comment becomes the description in docs/theme.md's kind
//! reference).

#![cfg(test)]

use serde_json::Value;

/// Paths of the properties in `schema` without a description (`$defs` included).
fn undocumented(schema: &Value, path: &str, out: &mut Vec<String>) {
    match schema {
        Value::Object(map) => {
            if let Some(Value::Object(props)) = map.get("properties") {
                for (name, prop) in props {
                    if prop.get("description").is_none() {
                        out.push(format!("{path}.{name}"));
                    }
                }
            }
            for (key, value) in map {
                undocumented(value, &format!("{path}/{key}"), out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                undocumented(v, &format!("{path}[{i}]"), out);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kinds::{RecordKind, beneficiary_list, consultation, merger_plan};

    #[test]
    fn finds_an_undocumented_field() {
        let schema = serde_json::json!({
            "properties": {"a": {"description": "x"}, "b": {"type": "string"}},
            "$defs": {"T": {"properties": {"c": {}}}}
        });
        let mut out = Vec::new();
        undocumented(&schema, "", &mut out);
        assert_eq!(out, vec![".b", "/$defs/T.c"]);
    }

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
                let schema = serde_json::to_value(&view.schema).unwrap_or_default();
                let mut out = Vec::new();
                undocumented(&schema, "", &mut out);
                assert!(out.is_empty(), "{}: {out:?}", view.template);
            }
        }
    }
}
