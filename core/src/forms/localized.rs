//! A form as a shell draws it: one language, only the fields a person sees
//! (no system, hidden or calculate fields).
//!
//! Shells render any form generically from this JSON, so adding a field is a
//! change to the definition file only. Bounds keep their keywords (`"today"`,
//! `"this_year"`): the shell resolves them against its own clock, and the
//! core checks them again on save. To show and hide fields as the user
//! types, a shell calls [`FormDefinition::visible_fields`] rather than
//! evaluating `relevant` itself.

use super::definition::{FieldDef, FormDefinition};
use crate::lang::Lang;
use serde_json::{json, Map, Value};

impl FormDefinition {
    /// The form as a shell draws it in `lang`: labels in that language, system fields left out.
    pub fn localized(&self, lang: Lang) -> Value {
        let fields: Vec<Value> = self
            .fields
            .iter()
            .filter(|f| f.is_drawn())
            .map(|f| localized_field(f, lang))
            .collect();
        let groups: Vec<Value> = self
            .groups
            .iter()
            .map(|g| {
                json!({
                    "key": g.key,
                    "label": g.label.as_ref().map(|l| l.get(lang)),
                    "parent": g.parent,
                })
            })
            .collect();
        json!({
            "kind": self.kind.as_str(),
            "version": self.version,
            "lang": lang.code(),
            "title": self.title.get(lang),
            "groups": groups,
            "fields": fields,
        })
    }
}

fn localized_field(field: &FieldDef, lang: Lang) -> Value {
    let mut out = Map::new();
    out.insert("key".into(), json!(field.key));
    out.insert("type".into(), json!(field.field_type.as_str()));
    out.insert("required".into(), json!(field.required));
    out.insert("input_only".into(), json!(field.input_only));
    out.insert("label".into(), json!(field.label.get(lang)));
    if let Some(hint) = &field.hint {
        out.insert("hint".into(), json!(hint.get(lang)));
    }
    if let Some(message) = &field.required_message {
        out.insert("required_message".into(), json!(message.get(lang)));
    }
    if field.read_only {
        out.insert("read_only".into(), json!(true));
    }
    if let Some(group) = &field.group {
        out.insert("group".into(), json!(group));
    }
    if !field.appearance.is_empty() {
        let words: Vec<&str> = field.appearance.iter().map(|a| a.as_str()).collect();
        out.insert("appearance".into(), json!(words));
    }
    if field.choice_filter.is_some() {
        // The shell asks the core which choices the other answers offer.
        out.insert("filtered_choices".into(), json!(true));
    }
    if field.field_type.has_choices() {
        let choices: Vec<Value> = field
            .choices
            .iter()
            .map(|c| json!({"value": c.value, "label": c.label.get(lang)}))
            .collect();
        out.insert("choices".into(), Value::Array(choices));
    }
    if !field.constraints.is_empty() {
        out.insert("constraints".into(), json!(field.constraints));
    }
    if let Some(relevant) = &field.relevant {
        out.insert("relevant".into(), json!(relevant));
    }
    if let Some(constraint) = &field.constraint {
        out.insert("constraint".into(), json!(constraint));
    }
    if let Some(message) = &field.constraint_message {
        out.insert("constraint_message".into(), json!(message.get(lang)));
    }
    if let Some(default) = &field.default {
        out.insert("default".into(), default.clone());
    }
    if field.multiline {
        out.insert("multiline".into(), json!(true));
    }
    if field.single_as_list {
        out.insert("single_as_list".into(), json!(true));
    }
    if let Some(kind) = field.link_kind {
        out.insert("link_kind".into(), json!(kind.as_str()));
        out.insert("multiple".into(), json!(field.multiple));
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use crate::forms::definition;
    use crate::lang::Lang;
    use crate::record::kind::RecordKind;
    use serde_json::json;

    #[test]
    fn client_form_in_vietnamese() {
        let form = definition(RecordKind::Client).localized(Lang::Vi);
        assert_eq!(form["kind"], "client");
        assert_eq!(form["version"], 1);
        assert_eq!(form["lang"], "vi");
        let fields = form["fields"].as_array().unwrap();
        let field = |key: &str| fields.iter().find(|f| f["key"] == key).cloned();
        // The UIC is the core's business, not the form's.
        assert!(field("uic").is_none());
        let mother = field("uic_mother_name").unwrap();
        assert_eq!(mother["input_only"], true);
        let sex = field("sex").unwrap();
        assert_eq!(sex["label"], "Giới tính");
        assert_eq!(sex["choices"][1], json!({"value": "female", "label": "Nữ"}));
        let year = field("birth_year").unwrap();
        assert_eq!(
            year["constraints"],
            json!({"min": 1920, "max": "this_year"})
        );
        let scope = field("consent_scope").unwrap();
        assert_eq!(scope["relevant"], "${consent_date} != ''");
        assert_eq!(field("status").unwrap()["default"], "active");
    }

    #[test]
    fn links_and_constraints_in_english() {
        let form = definition(RecordKind::Meeting).localized(Lang::En);
        let fields = form["fields"].as_array().unwrap();
        let field = |key: &str| fields.iter().find(|f| f["key"] == key).cloned().unwrap();
        let attendees = field("attendee_ids");
        assert_eq!(attendees["link_kind"], "client");
        assert_eq!(attendees["multiple"], true);
        let women = field("attendance_women");
        assert!(women["constraint_message"]
            .as_str()
            .unwrap()
            .contains("total"));
        assert!(field("group_name").get("choices").is_none());
    }
}
