//! Form definitions for a generic renderer. An app draws any form from a
//! [`FormSpec`]: labels, hints and choices come in the requested language,
//! skip logic is evaluated by the core ([`crate::FieldbookStore::visible_fields`]),
//! and so is validation, so adding a field is a data change in the core's forms.

use fieldbook_core::forms::{
    self, Appearance, Bound, FieldDef, FieldType as CoreFieldType, FormDefinition,
};
use fieldbook_core::Lang;

use crate::error::FieldbookError;
use crate::store::FieldbookStore;
use crate::types::{Language, RecordKind};

type Result<T> = std::result::Result<T, FieldbookError>;
use crate::values::FieldValue;

/// What kind of value a field holds, and so which input to draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum FieldType {
    /// Free text; line breaks only in a `multiline` field.
    Text,
    /// A whole number.
    Integer,
    /// A number with decimals.
    Decimal,
    /// A calendar date (`YYYY-MM-DD`).
    Date,
    /// A date and time, stored in UTC.
    Datetime,
    /// One of the field's choices.
    SingleChoice,
    /// Any number of the field's choices.
    MultipleChoice,
    /// Yes or no.
    YesNo,
    /// Another record (of `link_kind`), or several with `multiple`.
    Link,
    /// A count for each of the field's choices (e.g. services and supplies given).
    Quantities,
    /// A phone number: draw the phone keypad; the core keeps its digits.
    Phone,
    /// Text for the person filling the form (its label and hint); takes no answer.
    Note,
    /// A value the form works out on save; never drawn in the editor.
    Calculate,
}

impl From<CoreFieldType> for FieldType {
    fn from(t: CoreFieldType) -> Self {
        match t {
            CoreFieldType::Text => FieldType::Text,
            CoreFieldType::Integer => FieldType::Integer,
            CoreFieldType::Decimal => FieldType::Decimal,
            CoreFieldType::Date => FieldType::Date,
            CoreFieldType::Datetime => FieldType::Datetime,
            CoreFieldType::SingleChoice => FieldType::SingleChoice,
            CoreFieldType::MultipleChoice => FieldType::MultipleChoice,
            CoreFieldType::YesNo => FieldType::YesNo,
            CoreFieldType::Link => FieldType::Link,
            CoreFieldType::Quantities => FieldType::Quantities,
            CoreFieldType::Phone => FieldType::Phone,
            CoreFieldType::Note => FieldType::Note,
            CoreFieldType::Calculate => FieldType::Calculate,
        }
    }
}

/// One option of a choice field.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ChoiceSpec {
    /// The stored value; stable across languages.
    pub value: String,
    /// What the person sees, in the requested language.
    pub label: String,
}

/// One field of a form, as a renderer draws it.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct FieldSpec {
    /// The field's key in a record's values.
    pub key: String,
    /// What it holds, and so which input to draw.
    pub field_type: FieldType,
    /// Whether a record cannot be saved without it (when shown).
    pub required: bool,
    /// The field's label, in the requested language.
    pub label: String,
    /// Help shown under the field, in the requested language.
    pub hint: Option<String>,
    /// The options of a choice or quantities field, in order; empty otherwise.
    pub choices: Vec<ChoiceSpec>,
    /// A number, a `YYYY-MM-DD` date, or `today` / `this_year`: for pickers;
    /// the core checks them either way.
    pub min: Option<String>,
    /// The upper bound, in the same forms as `min`.
    pub max: Option<String>,
    /// The fewest characters a text field takes.
    pub min_length: Option<u32>,
    /// The most characters a text field takes.
    pub max_length: Option<u32>,
    /// Whether the field is shown only for some answers (ask the store which).
    pub conditional: bool,
    /// The value a new record gets when the field is left alone.
    pub default_value: Option<FieldValue>,
    /// Typed in but never stored (e.g. the parents' names a client code is computed from).
    pub input_only: bool,
    /// Set by the core, shown read-only (e.g. the client code).
    pub system: bool,
    /// For a link field: the kind of record it links to.
    pub link_kind: Option<RecordKind>,
    /// For a link field: a list of records rather than one.
    pub multiple: bool,
    /// A text field of several lines (notes, narratives): draw a text box
    /// that takes line breaks. Other text fields refuse them.
    pub multiline: bool,
    /// Drawn but not editable: its value comes from the form (its default).
    pub read_only: bool,
    /// Never drawn in the editor (a hidden or calculate field); its value
    /// may be shown with the record.
    pub hidden: bool,
    /// A choice field drawn as a drop-down (long lists).
    pub dropdown: bool,
    /// A text field typed on the number pad (codes); the value stays text.
    pub number_pad: bool,
    /// The choices offered depend on other answers: ask the store which
    /// ([`FieldbookStore::visible_choices`]).
    pub filtered_choices: bool,
    /// The key of the innermost group it is drawn in.
    pub group: Option<String>,
}

/// A titled section of a form, drawn above its fields.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct GroupSpec {
    /// Names the group in its fields' `group`.
    pub key: String,
    /// The heading, in the requested language; none for a group that only
    /// carries skip logic.
    pub label: Option<String>,
    /// The group it is nested in.
    pub parent: Option<String>,
}

/// One kind's form, as a renderer draws it.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct FormSpec {
    /// The kind of record it writes.
    pub kind: RecordKind,
    /// The form's version, recorded with every record version written with it.
    pub version: u32,
    /// The form's title, in the requested language.
    pub title: String,
    /// Its sections, outermost first.
    pub groups: Vec<GroupSpec>,
    /// Its fields, in the order to draw them.
    pub fields: Vec<FieldSpec>,
}

fn bound_text(bound: &Option<Bound>) -> Option<String> {
    bound.as_ref().map(|b| match b {
        Bound::Number(n) => n.to_string(),
        Bound::Text(t) => t.clone(),
    })
}

fn field_spec(def: &FormDefinition, field: &FieldDef, lang: Lang) -> FieldSpec {
    // "today" and "now" defaults are resolved when the record is written.
    let default_value = field
        .default
        .as_ref()
        .filter(|d| {
            !matches!(
                d.as_str(),
                Some(forms::definition::TODAY | forms::definition::NOW)
            )
        })
        .and_then(|d| FieldValue::from_json(Some(field), d));
    FieldSpec {
        key: field.key.clone(),
        field_type: field.field_type.into(),
        required: field.required,
        label: field.label.get(lang).to_string(),
        hint: field.hint.as_ref().map(|h| h.get(lang).to_string()),
        choices: field
            .choices
            .iter()
            .map(|c| ChoiceSpec {
                value: c.value.clone(),
                label: c.label.get(lang).to_string(),
            })
            .collect(),
        min: bound_text(&field.constraints.min),
        max: bound_text(&field.constraints.max),
        min_length: field.constraints.min_length.map(|n| n as u32),
        max_length: field.constraints.max_length.map(|n| n as u32),
        conditional: field.relevant.is_some()
            || def
                .groups_of(&field.key)
                .iter()
                .any(|g| g.relevant.is_some()),
        default_value,
        input_only: field.input_only,
        system: field.system,
        link_kind: field.link_kind,
        multiple: field.multiple,
        multiline: field.multiline,
        read_only: field.read_only,
        hidden: !field.is_drawn() && !field.system,
        dropdown: field.appearance.contains(&Appearance::Minimal),
        number_pad: field.appearance.contains(&Appearance::Numbers),
        filtered_choices: field.choice_filter.is_some(),
        group: field.group.clone(),
    }
}

/// The built-in form of one kind, in `language` (a store's own forms, which
/// its team's supervisors may have published since, come from
/// [`FieldbookStore::forms`]).
#[uniffi::export]
pub fn form(kind: RecordKind, language: Language) -> FormSpec {
    spec_of(forms::definition(kind), language.into())
}

fn spec_of(def: &FormDefinition, lang: Lang) -> FormSpec {
    FormSpec {
        kind: def.kind,
        version: def.version,
        title: def.title.get(lang).to_string(),
        groups: def
            .groups
            .iter()
            .map(|g| GroupSpec {
                key: g.key.clone(),
                label: g.label.as_ref().map(|l| l.get(lang).to_string()),
                parent: g.parent.clone(),
            })
            .collect(),
        fields: def
            .fields
            .iter()
            .map(|f| field_spec(def, f, lang))
            .collect(),
    }
}

/// One form version a device knows, for the supervisor's list of forms.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct FormVersionInfo {
    /// The kind of record it writes.
    pub kind: RecordKind,
    /// Its version.
    pub version: u32,
    /// Its title, in the requested language.
    pub title: String,
    /// Whether new records use it (the newest of its kind).
    pub in_use: bool,
    /// Whether it ships with the app (else a supervisor published it).
    pub built_in: bool,
    /// The device of the supervisor who signed it, for a published one.
    pub signed_by: Option<String>,
    /// When it was signed (RFC 3339), for a published one.
    pub signed_at: Option<String>,
}

/// A form the team's roster published that this device refused.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RefusedFormInfo {
    /// The kind its link names.
    pub kind: RecordKind,
    /// The version its link names.
    pub version: u32,
    /// Why, in English (the core's words).
    pub reason: String,
}

/// The forms a store draws: each kind's newest, the built-in one or one its
/// team's supervisors published, and the version each record was written with.
#[uniffi::export]
impl FieldbookStore {
    /// Every kind's form in use, in `language`: what new records are drawn with.
    pub fn forms(&self, language: Language) -> Result<Vec<FormSpec>> {
        let lang = language.into();
        self.with(|s| {
            let registry = s.forms()?;
            Ok(fieldbook_core::RecordKind::ALL
                .iter()
                .map(|k| spec_of(&registry.current(*k).definition, lang))
                .collect())
        })
    }

    /// The form version `version` of `kind`, in `language`: what a record
    /// written with it is shown and edited with.
    pub fn form_version(
        &self,
        kind: RecordKind,
        version: u32,
        language: Language,
    ) -> Result<FormSpec> {
        let lang = language.into();
        self.with(|s| Ok(spec_of(&*s.form_version(kind, version)?, lang)))
    }

    /// Every form version this device knows, oldest first by kind, the one
    /// in use marked: what a supervisor reviews before and after publishing.
    pub fn form_versions(&self, language: Language) -> Result<Vec<FormVersionInfo>> {
        let lang: Lang = language.into();
        self.with(|s| {
            let registry = s.forms()?;
            Ok(registry
                .all()
                .map(|known| {
                    let d = &known.definition;
                    FormVersionInfo {
                        kind: d.kind,
                        version: d.version,
                        title: d.title.get(lang).to_string(),
                        in_use: registry.current(d.kind).definition.version == d.version,
                        built_in: known.publication.is_none(),
                        signed_by: known.publication.map(|p| p.signed_by.to_string()),
                        signed_at: known.publication.and_then(|p| {
                            chrono::DateTime::from_timestamp_millis(p.signed_at_ms)
                                .map(|t| t.to_rfc3339())
                        }),
                    }
                })
                .collect())
        })
    }

    /// The forms the team's roster published that this device refused
    /// (not signed by a supervisor it trusts, not a valid successor…).
    pub fn refused_forms(&self) -> Result<Vec<RefusedFormInfo>> {
        self.with(|s| {
            Ok(s.refused_forms()?
                .into_iter()
                .map(|r| RefusedFormInfo {
                    kind: r.kind,
                    version: r.version,
                    reason: r.reason,
                })
                .collect())
        })
    }

    /// Reads a program officer's XLSForm workbook, then signs it and
    /// publishes it to the team (supervisors only); every device uses it
    /// after its next sync. Returns the form as published, in `language`.
    /// A workbook with mistakes is refused (`Invalid`), every problem placed
    /// at its sheet, row and column in the store's language; nothing changes.
    pub fn publish_form_workbook(&self, workbook: Vec<u8>, language: Language) -> Result<FormSpec> {
        let lang = self.lang();
        let form = fieldbook_xlsform::import(&workbook).map_err(|e| {
            FieldbookError::from_core(fieldbook_core::Error::InvalidInput(e.message(lang)), lang)
        })?;
        self.with(|s| fieldbook_core::sync::publish_form(s, &form))?;
        Ok(spec_of(&form, language.into()))
    }

    /// The form of `kind` in use, as an XLSForm workbook a program officer
    /// edits in Excel.
    pub fn form_workbook(&self, kind: RecordKind) -> Result<Vec<u8>> {
        let form = self.with(|s| s.current_form(kind))?;
        fieldbook_xlsform::export(&fieldbook_core::forms::FormSpec::from((*form).clone())).map_err(
            |e| {
                FieldbookError::from_core(
                    fieldbook_core::Error::Encoding(format!("workbook: {e}")),
                    self.lang(),
                )
            },
        )
    }
}

/// Every kind's form, in `language`.
#[uniffi::export]
pub fn all_forms(language: Language) -> Vec<FormSpec> {
    forms::all().map(|def| form(def.kind, language)).collect()
}

/// The referral statuses in their order (draft → sent → accepted →
/// completed, then the ways a referral ends without completing).
#[uniffi::export]
pub fn referral_statuses() -> Vec<String> {
    fieldbook_core::queries::referral_statuses()
        .into_iter()
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_come_in_both_languages_with_every_field() {
        for language in [Language::Vietnamese, Language::English] {
            let forms = all_forms(language);
            assert_eq!(forms.len(), 5);
            for spec in &forms {
                let def = forms::definition(spec.kind);
                assert_eq!(spec.fields.len(), def.fields.len());
            }
        }
        let vi = form(RecordKind::Contact, Language::Vietnamese);
        let en = form(RecordKind::Contact, Language::English);
        assert_eq!(en.title, "Outreach contact");
        assert_eq!(vi.title, "Lần tiếp cận");
        let visit = en.fields.iter().find(|f| f.key == "visit_type").unwrap();
        assert_eq!(visit.field_type, FieldType::SingleChoice);
        assert_eq!(visit.choices[0].label, "First contact");
        assert_eq!(
            visit.default_value,
            Some(FieldValue::Choice {
                value: "follow_up".into()
            })
        );
    }

    #[test]
    fn referral_statuses_start_with_the_happy_path() {
        let statuses = referral_statuses();
        assert_eq!(&statuses[..4], ["draft", "sent", "accepted", "completed"]);
    }
}
