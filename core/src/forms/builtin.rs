//! The built-in form definitions, embedded from `core/forms/*.json` and
//! parsed once, on first use.

use super::definition::FormDefinition;
use crate::record::kind::RecordKind;
use std::sync::OnceLock;

/// The definition files, in the order of [`RecordKind::ALL`].
const SOURCES: [(RecordKind, &str); 5] = [
    (RecordKind::Client, include_str!("../../forms/client.json")),
    (
        RecordKind::Contact,
        include_str!("../../forms/contact.json"),
    ),
    (
        RecordKind::CaseNote,
        include_str!("../../forms/case_note.json"),
    ),
    (
        RecordKind::Referral,
        include_str!("../../forms/referral.json"),
    ),
    (
        RecordKind::Meeting,
        include_str!("../../forms/meeting.json"),
    ),
];

fn builtins() -> &'static [FormDefinition] {
    static PARSED: OnceLock<Vec<FormDefinition>> = OnceLock::new();
    PARSED.get_or_init(|| {
        SOURCES
            .iter()
            .map(|(kind, json)| {
                // The files are compiled in and checked by this module's tests,
                // so a failure here is a build defect, not a runtime condition.
                let def = FormDefinition::from_json(json)
                    .unwrap_or_else(|e| panic!("built-in {kind} form: {e}"));
                assert_eq!(def.kind, *kind, "built-in {kind} form has the wrong kind");
                def
            })
            .collect()
    })
}

/// The current form definition of a kind.
pub fn definition(kind: RecordKind) -> &'static FormDefinition {
    let position = RecordKind::ALL
        .iter()
        .position(|k| *k == kind)
        .expect("every kind is in RecordKind::ALL");
    &builtins()[position]
}

/// Every built-in form definition, one per kind.
pub fn all() -> impl Iterator<Item = &'static FormDefinition> {
    builtins().iter()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forms::definition::{FieldType, FormSpec, Localized};
    use crate::forms::expr::Expr;
    use crate::record::ReferralStatus;
    use std::collections::HashSet;

    fn both_languages(what: &str, text: &Localized) {
        assert!(!text.vi.trim().is_empty(), "{what}: no Vietnamese");
        assert!(!text.en.trim().is_empty(), "{what}: no English");
    }

    /// The same checks as at load time, stated again here so that a
    /// weakened loader cannot let a broken file through silently.
    #[test]
    fn every_builtin_definition_is_sound() {
        for (kind, json) in SOURCES {
            let def = FormDefinition::from_json(json).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(def.kind, kind);
            assert_eq!(def.version, 1, "{kind}");
            both_languages(&format!("{kind} title"), &def.title);
            let mut keys = HashSet::new();
            for field in &def.fields {
                let at = format!("{kind}.{}", field.key);
                assert!(keys.insert(field.key.as_str()), "{at}: duplicate key");
                both_languages(&at, &field.label);
                if let Some(hint) = &field.hint {
                    both_languages(&format!("{at} hint"), hint);
                }
                if let Some(message) = &field.constraint_message {
                    both_languages(&format!("{at} constraint message"), message);
                }
                for choice in &field.choices {
                    both_languages(&format!("{at}={}", choice.value), &choice.label);
                }
                assert_eq!(
                    field.field_type.has_choices(),
                    !field.choices.is_empty(),
                    "{at}"
                );
                for src in [&field.relevant, &field.constraint].into_iter().flatten() {
                    let expr = Expr::parse(src).unwrap_or_else(|e| panic!("{at}: {src}: {e}"));
                    for key in expr.fields() {
                        assert!(def.field(key).is_some(), "{at}: {src} refers to {key}");
                    }
                }
            }
        }
    }

    #[test]
    fn definitions_round_trip_through_json() {
        for def in all() {
            let json = serde_json::to_string(def).unwrap();
            let again = FormDefinition::from_json(&json).unwrap();
            assert_eq!(FormSpec::from(def.clone()), FormSpec::from(again));
        }
    }

    #[test]
    fn access_by_kind() {
        for kind in RecordKind::ALL {
            assert_eq!(definition(kind).kind, kind);
        }
        let kinds: Vec<RecordKind> = all().map(|d| d.kind).collect();
        assert_eq!(kinds, RecordKind::ALL);
    }

    /// The keys other modules (store, UIC, CLI, reports) rely on.
    #[test]
    fn contract_keys_are_present() {
        let contract: [(RecordKind, &[(&str, FieldType)]); 5] = [
            (
                RecordKind::Client,
                &[
                    ("alias", FieldType::Text),
                    ("uic", FieldType::Text),
                    ("uic_mother_name", FieldType::Text),
                    ("uic_father_name", FieldType::Text),
                    ("sex", FieldType::SingleChoice),
                    ("birth_year", FieldType::Integer),
                    ("real_name", FieldType::Text),
                    ("phone", FieldType::Text),
                    ("primary_substances", FieldType::MultipleChoice),
                    ("injecting", FieldType::YesNo),
                    ("area", FieldType::Text),
                    ("consent_date", FieldType::Date),
                    ("consent_scope", FieldType::MultipleChoice),
                    ("status", FieldType::SingleChoice),
                    ("notes", FieldType::Text),
                ],
            ),
            (
                RecordKind::Contact,
                &[
                    ("client_id", FieldType::Link),
                    ("at", FieldType::Datetime),
                    ("place", FieldType::Text),
                    ("visit_type", FieldType::SingleChoice),
                    ("mode", FieldType::SingleChoice),
                    ("services", FieldType::Quantities),
                    ("topics", FieldType::MultipleChoice),
                    ("notes", FieldType::Text),
                ],
            ),
            (
                RecordKind::CaseNote,
                &[
                    ("client_id", FieldType::Link),
                    ("date", FieldType::Date),
                    ("narrative", FieldType::Text),
                    ("drug_use_rating", FieldType::SingleChoice),
                    ("drug_use_narrative", FieldType::Text),
                    ("physical_health_rating", FieldType::SingleChoice),
                    ("physical_health_narrative", FieldType::Text),
                    ("mental_health_rating", FieldType::SingleChoice),
                    ("mental_health_narrative", FieldType::Text),
                    ("employment_rating", FieldType::SingleChoice),
                    ("employment_narrative", FieldType::Text),
                    ("family_social_rating", FieldType::SingleChoice),
                    ("family_social_narrative", FieldType::Text),
                    ("legal_rating", FieldType::SingleChoice),
                    ("legal_narrative", FieldType::Text),
                    ("goals", FieldType::Text),
                    ("plan", FieldType::Text),
                    ("next_follow_up", FieldType::Date),
                ],
            ),
            (
                RecordKind::Referral,
                &[
                    ("client_id", FieldType::Link),
                    ("service", FieldType::SingleChoice),
                    ("facility", FieldType::Text),
                    ("urgency", FieldType::SingleChoice),
                    ("status", FieldType::SingleChoice),
                    ("date", FieldType::Date),
                    ("follow_up_due", FieldType::Date),
                    ("completed_date", FieldType::Date),
                    ("outcome", FieldType::Text),
                    ("notes", FieldType::Text),
                ],
            ),
            (
                RecordKind::Meeting,
                &[
                    ("group_name", FieldType::Text),
                    ("date", FieldType::Date),
                    ("place", FieldType::Text),
                    ("facilitator", FieldType::Text),
                    ("attendance_total", FieldType::Integer),
                    ("attendance_women", FieldType::Integer),
                    ("attendee_ids", FieldType::Link),
                    ("topics", FieldType::MultipleChoice),
                    ("decisions", FieldType::Text),
                    ("follow_ups", FieldType::Text),
                    ("next_meeting", FieldType::Date),
                ],
            ),
        ];
        for (kind, fields) in contract {
            let def = definition(kind);
            for (key, field_type) in fields {
                let field = def
                    .field(key)
                    .unwrap_or_else(|| panic!("{kind} lacks {key}"));
                assert_eq!(field.field_type, *field_type, "{kind}.{key}");
            }
        }
        let client = definition(RecordKind::Client);
        assert!(client.field("uic").unwrap().system);
        assert!(client.field("uic_mother_name").unwrap().input_only);
        assert!(client.field("uic_father_name").unwrap().input_only);
        let referral = definition(RecordKind::Referral);
        let statuses: Vec<&str> = referral
            .field("status")
            .unwrap()
            .choices
            .iter()
            .map(|c| c.value.as_str())
            .collect();
        // Due lists and indicators count by the vocabulary's statuses.
        let vocabulary: Vec<&str> = ReferralStatus::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(statuses, vocabulary);
        let rating = definition(RecordKind::CaseNote)
            .field("legal_rating")
            .unwrap();
        let values: Vec<&str> = rating.choices.iter().map(|c| c.value.as_str()).collect();
        assert_eq!(values, ["1", "2", "3", "4"]);
        let attendees = definition(RecordKind::Meeting)
            .field("attendee_ids")
            .unwrap();
        assert!(attendees.multiple);
        assert_eq!(attendees.link_kind, Some(RecordKind::Client));
    }
}
