//! What a newer version of a form may change. A program's forms change all
//! the time; the records already written, the links between them, the
//! reports and the sync must not notice:
//!
//! - every field of the built-in form stays, with its type, its link kind,
//!   whether it is a list, whether the core sets it (the UIC) or only reads
//!   it when the record is written, and whether a person enters it (not
//!   read-only or hidden);
//! - the referral status keeps exactly the statuses the core tracks;
//! - a field of the previous version that stays keeps its type (records
//!   already hold values of it; reports count across versions).
//!
//! Labels, hints, choices, skip logic, constraints and new fields are free.

use super::builtin;
use super::definition::{FieldDef, FormDefinition};
use crate::record::kind::RecordKind;
use crate::record::ReferralStatus;

/// Why a form may not follow the one before it: each problem names its field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Incompatible {
    /// The form writes another kind of record.
    OtherKind {
        /// The kind the new form writes.
        found: RecordKind,
    },
    /// The version is not above the one in use.
    NotNewer {
        /// The version in use.
        current: u32,
    },
    /// A field the core relies on is gone.
    Removed(String),
    /// A field changed its type, link kind, list-ness or who fills it in.
    Retyped(String),
    /// The referral status lost or gained a status the core tracks.
    StatusChoices,
}

impl Incompatible {
    /// The problem in English, naming the field.
    pub fn message(&self) -> String {
        match self {
            Incompatible::OtherKind { found } => format!("the form writes {found} records"),
            Incompatible::NotNewer { current } => {
                format!("its version must be above {current}, the version in use")
            }
            Incompatible::Removed(key) => {
                format!("field '{key}' is gone, and records, links or reports rely on it")
            }
            Incompatible::Retyped(key) => format!(
                "field '{key}' changed its type or who fills it in; records and screens rely on the old one"
            ),
            Incompatible::StatusChoices => {
                "the referral status must keep exactly the statuses Fieldbook tracks".into()
            }
        }
    }

    /// The problem in Vietnamese, naming the field.
    pub fn message_vi(&self) -> String {
        match self {
            Incompatible::OtherKind { found } => format!("biểu mẫu này ghi loại hồ sơ {found}"),
            Incompatible::NotNewer { current } => {
                format!("phiên bản phải lớn hơn {current}, phiên bản đang dùng")
            }
            Incompatible::Removed(key) => {
                format!("trường '{key}' bị xóa, nhưng hồ sơ, liên kết hoặc báo cáo cần đến nó")
            }
            Incompatible::Retyped(key) => {
                format!("trường '{key}' bị đổi loại hoặc đổi người điền; hồ sơ và màn hình đang dựa vào cách cũ")
            }
            Incompatible::StatusChoices => {
                "trạng thái chuyển gửi phải giữ đúng các trạng thái Fieldbook theo dõi".into()
            }
        }
    }
}

/// Whether two versions of a field store values the same way.
fn same_shape(a: &FieldDef, b: &FieldDef) -> bool {
    a.field_type == b.field_type
        && a.link_kind == b.link_kind
        && a.multiple == b.multiple
        && a.system == b.system
        && a.input_only == b.input_only
}

/// Checks that `next` may replace `current` (the form in use for its kind).
pub fn check_successor(
    current: &FormDefinition,
    next: &FormDefinition,
) -> Result<(), Vec<Incompatible>> {
    let mut problems = Vec::new();
    if next.kind != current.kind {
        problems.push(Incompatible::OtherKind { found: next.kind });
        return Err(problems);
    }
    if next.version <= current.version {
        problems.push(Incompatible::NotNewer {
            current: current.version,
        });
    }
    let builtin = builtin::definition(next.kind);
    for field in &builtin.fields {
        match next.field(&field.key) {
            None => problems.push(Incompatible::Removed(field.key.clone())),
            // The app's own screens and flows enter the built-in fields.
            Some(f) if !same_shape(f, field) || f.is_settable() != field.is_settable() => {
                problems.push(Incompatible::Retyped(field.key.clone()))
            }
            Some(_) => {}
        }
    }
    for field in &current.fields {
        let kept = next.field(&field.key);
        let already = problems.iter().any(
            |p| matches!(p, Incompatible::Retyped(k) | Incompatible::Removed(k) if *k == field.key),
        );
        if kept.is_some_and(|f| !same_shape(f, field)) && !already {
            problems.push(Incompatible::Retyped(field.key.clone()));
        }
    }
    if next.kind == RecordKind::Referral {
        let mut values: Vec<&str> = next
            .field("status")
            .map(|f| f.choices.iter().map(|c| c.value.as_str()).collect())
            .unwrap_or_default();
        values.sort_unstable();
        let mut tracked: Vec<&str> = ReferralStatus::ALL.iter().map(|s| s.as_str()).collect();
        tracked.sort_unstable();
        if values != tracked {
            problems.push(Incompatible::StatusChoices);
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forms::definition::{FieldType, FormSpec, Localized};

    fn next_of(kind: RecordKind, change: impl FnOnce(&mut FormSpec)) -> FormDefinition {
        let mut spec = FormSpec::from(builtin::definition(kind).clone());
        spec.version = 2;
        change(&mut spec);
        FormDefinition::try_from(spec).expect("a sound definition")
    }

    fn label(text: &str) -> Localized {
        Localized {
            vi: text.into(),
            en: text.into(),
        }
    }

    #[test]
    fn new_fields_labels_choices_and_logic_are_free() {
        let current = builtin::definition(RecordKind::Contact);
        let next = next_of(RecordKind::Contact, |spec| {
            spec.title = label("Tiếp cận cộng đồng");
            let place = spec.fields.iter_mut().find(|f| f.key == "place").unwrap();
            place.label = label("Nơi gặp");
            place.relevant = Some("${at} != ''".into());
            let mut new = place.clone();
            new.key = "naloxone_kits".into();
            new.field_type = FieldType::Integer;
            new.constraints = Default::default();
            new.relevant = None;
            spec.fields.push(new);
        });
        assert_eq!(check_successor(current, &next), Ok(()));
    }

    #[test]
    fn sections_notes_calculations_and_filters_may_join_a_form() {
        let current = builtin::definition(RecordKind::Contact);
        let next = FormDefinition::try_from(crate::testing::contact_form_with_sections())
            .expect("a sound definition");
        assert_eq!(check_successor(current, &next), Ok(()));
    }

    #[test]
    fn a_builtin_field_may_not_become_read_only_or_hidden() {
        let current = builtin::definition(RecordKind::Contact);
        let next = next_of(RecordKind::Contact, |spec| {
            let place = spec.fields.iter_mut().find(|f| f.key == "place").unwrap();
            place.hidden = true;
            let notes = spec.fields.iter_mut().find(|f| f.key == "notes").unwrap();
            notes.read_only = true;
        });
        let problems = check_successor(current, &next).unwrap_err();
        assert_eq!(
            problems,
            [
                Incompatible::Retyped("place".into()),
                Incompatible::Retyped("notes".into())
            ]
        );
        assert!(problems[0].message().contains("who fills it in"));
    }

    #[test]
    fn a_removed_or_retyped_field_and_an_old_version_are_named() {
        let current = builtin::definition(RecordKind::Contact);
        let next = next_of(RecordKind::Contact, |spec| {
            spec.version = 1;
            spec.fields.retain(|f| f.key != "place");
            let at = spec.fields.iter_mut().find(|f| f.key == "at").unwrap();
            at.field_type = FieldType::Date;
        });
        let problems = check_successor(current, &next).unwrap_err();
        assert!(problems.contains(&Incompatible::NotNewer { current: 1 }));
        assert!(problems.contains(&Incompatible::Removed("place".into())));
        assert!(problems.contains(&Incompatible::Retyped("at".into())));
        let removed = &problems[problems
            .iter()
            .position(|p| matches!(p, Incompatible::Removed(_)))
            .unwrap()];
        assert!(removed.message().contains("'place'"));
        assert!(removed.message_vi().contains("'place'"));
    }

    #[test]
    fn a_field_added_by_one_version_keeps_its_type_in_the_next() {
        let v2 = next_of(RecordKind::Meeting, |spec| {
            let mut extra = spec.fields[0].clone();
            extra.key = "venue_size".into();
            extra.field_type = FieldType::Integer;
            extra.required = false;
            extra.default = None;
            extra.constraints = Default::default();
            spec.fields.push(extra);
        });
        let mut spec = FormSpec::from(v2.clone());
        spec.version = 3;
        spec.fields.last_mut().unwrap().field_type = FieldType::Text;
        let v3 = FormDefinition::try_from(spec).unwrap();
        assert_eq!(
            check_successor(&v2, &v3),
            Err(vec![Incompatible::Retyped("venue_size".into())])
        );
    }

    #[test]
    fn the_referral_statuses_stay_those_fieldbook_tracks() {
        let current = builtin::definition(RecordKind::Referral);
        let next = next_of(RecordKind::Referral, |spec| {
            let status = spec.fields.iter_mut().find(|f| f.key == "status").unwrap();
            status.choices.retain(|c| c.value != "accepted");
        });
        assert_eq!(
            check_successor(current, &next),
            Err(vec![Incompatible::StatusChoices])
        );
        let relabelled = next_of(RecordKind::Referral, |spec| {
            let status = spec.fields.iter_mut().find(|f| f.key == "status").unwrap();
            status.choices[0].label = label("Bản nháp");
        });
        assert_eq!(check_successor(current, &relabelled), Ok(()));
    }
}
