//! The form definition model: what a form's JSON file holds.
//!
//! A [`FormDefinition`] can only be obtained by parsing (serde or
//! [`FormDefinition::from_json`]), and parsing runs the well-formedness checks
//! of [`super::check`] and compiles the skip-logic expressions and patterns
//! once: a definition that exists is a checked one.

use super::check::{self, Compiled, DefinitionError};
use crate::lang::Lang;
use crate::record::kind::RecordKind;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// A string in every language Fieldbook speaks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Localized {
    /// Vietnamese.
    pub vi: String,
    /// English.
    pub en: String,
}

impl Localized {
    /// The string in `lang`.
    pub fn get(&self, lang: Lang) -> &str {
        lang.pick(&self.vi, &self.en)
    }
}

/// The type of a field, which fixes how its value is represented in JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    /// A string, exactly as given (blank means unset), without control
    /// characters; tabs and line breaks only in a `multiline` field.
    Text,
    /// A JSON integer.
    Integer,
    /// A JSON number.
    Decimal,
    /// `"YYYY-MM-DD"`.
    Date,
    /// An RFC 3339 instant, stored in UTC as `"YYYY-MM-DDTHH:MM:SSZ"`.
    Datetime,
    /// One choice value, as a string.
    SingleChoice,
    /// An array of distinct choice values, in the order the choices are defined.
    MultipleChoice,
    /// A boolean.
    YesNo,
    /// A record id (lowercase hyphenated UUID), or an array of them with `multiple`.
    Link,
    /// An object mapping choice values to positive integers.
    Quantities,
    /// A phone number: digits, optionally after a `+`; spaces, dots,
    /// dashes and brackets typed between them are dropped.
    Phone,
    /// Text shown to the person filling the form; holds no value.
    Note,
    /// A value the form computes from its `calculation` on every save,
    /// stored as text (as XLSForm engines store calculations); never typed
    /// in, never drawn.
    Calculate,
}

impl FieldType {
    /// The type's name in a definition's JSON (`"single_choice"`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            FieldType::Text => "text",
            FieldType::Integer => "integer",
            FieldType::Decimal => "decimal",
            FieldType::Date => "date",
            FieldType::Datetime => "datetime",
            FieldType::SingleChoice => "single_choice",
            FieldType::MultipleChoice => "multiple_choice",
            FieldType::YesNo => "yes_no",
            FieldType::Link => "link",
            FieldType::Quantities => "quantities",
            FieldType::Phone => "phone",
            FieldType::Note => "note",
            FieldType::Calculate => "calculate",
        }
    }

    /// Whether fields of this type draw their values from `choices`.
    pub fn has_choices(self) -> bool {
        matches!(
            self,
            FieldType::SingleChoice | FieldType::MultipleChoice | FieldType::Quantities
        )
    }
}

/// One allowed value of a choice or quantities field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    /// What is stored when the choice is made; stable, never shown.
    pub value: String,
    /// What a person sees.
    pub label: Localized,
    /// Further columns of the choice (e.g. the province a district lies
    /// in), which a field's `choice_filter` reads by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub columns: BTreeMap<String, String>,
}

/// A lower or upper bound: a number, a date `"YYYY-MM-DD"`, or a keyword
/// resolved at validation time: `"today"` (date fields) or `"this_year"`
/// (integer fields, e.g. a birth year cannot be in the future).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Bound {
    /// A number, for number fields and quantities.
    Number(serde_json::Number),
    /// A date `"YYYY-MM-DD"`, or one of the keywords [`TODAY`] and [`THIS_YEAR`].
    Text(String),
}

/// Keyword for the current day: a date field's bound or default.
pub const TODAY: &str = "today";
/// Keyword for the current instant: a datetime field's default.
pub const NOW: &str = "now";
/// Keyword for the current year: an integer field's bound.
pub const THIS_YEAR: &str = "this_year";

/// How a shell draws a field, beyond its type (XLSForm's `appearance`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Appearance {
    /// A choice field as a drop-down rather than every option at once
    /// (long lists).
    Minimal,
    /// A text field typed on the number pad (codes, numbers with leading
    /// zeros); what is typed stays text.
    Numbers,
}

impl Appearance {
    /// Its word in a definition and in XLSForm's `appearance` column.
    pub fn as_str(self) -> &'static str {
        match self {
            Appearance::Minimal => "minimal",
            Appearance::Numbers => "numbers",
        }
    }

    /// Every appearance, for readers of the word.
    pub const ALL: [Appearance; 2] = [Appearance::Minimal, Appearance::Numbers];
}

/// A titled section of a form (XLSForm's `begin_group`): its fields are
/// drawn under its label, and shown only when its `relevant` holds (and
/// its enclosing group's).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupDef {
    /// Names the group in its fields' `group`; never a field's key.
    pub key: String,
    /// The section's heading; a group without one only carries logic.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<Localized>,
    /// Skip logic for the whole section, reading fields above it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relevant: Option<String>,
    /// The group it is nested in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
}

/// Per-value limits. `min`/`max` bound numbers and dates (and, for
/// quantities, each quantity); lengths count characters, not bytes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Constraints {
    /// The smallest value allowed, inclusive.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<Bound>,
    /// The largest value allowed, inclusive.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<Bound>,
    /// The fewest characters a text may have.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_length: Option<usize>,
    /// The most characters a text may have.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<usize>,
    /// A regular expression the whole text must match (anchored by the core).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
}

impl Constraints {
    /// Whether no limit is set (such constraints are left out of the JSON).
    pub fn is_empty(&self) -> bool {
        *self == Constraints::default()
    }
}

/// One field of a form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldDef {
    /// Names the field in records and expressions; never changes once records use it.
    pub key: String,
    /// How the value is represented (`"type"` in the JSON).
    #[serde(rename = "type")]
    pub field_type: FieldType,
    /// Whether a value must be given when the field is shown.
    #[serde(default)]
    pub required: bool,
    /// Shown when a required field is left empty; without it a general
    /// message is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required_message: Option<Localized>,
    /// What a person sees as the field's name.
    pub label: Localized,
    /// Help shown under the field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<Localized>,
    /// The allowed values, for choice and quantities fields.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub choices: Vec<Choice>,
    /// Limits on the value: bounds, lengths, a pattern.
    #[serde(default, skip_serializing_if = "Constraints::is_empty")]
    pub constraints: Constraints,
    /// Skip logic: the field is shown (and may hold a value) only when this
    /// expression holds. It may only refer to fields defined before this one,
    /// so relevance is decided in one pass, top to bottom, as a form is drawn.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relevant: Option<String>,
    /// A cross-field rule that must hold whenever the field has a value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub constraint: Option<String>,
    /// Shown when `constraint` does not hold; without it a general message is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub constraint_message: Option<Localized>,
    /// Applied to new records when the field is absent: a literal value, or
    /// `"today"` (date) / `"now"` (datetime).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<Value>,
    /// Used when the record is written (e.g. to compute the UIC), never stored.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub input_only: bool,
    /// Set by the core, never by the user (e.g. the UIC).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub system: bool,
    /// For link fields: the kind of record linked to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link_kind: Option<RecordKind>,
    /// For link fields: a list of ids rather than one.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub multiple: bool,
    /// For text fields: several lines (notes, narratives), so tabs and line
    /// breaks are part of the text; elsewhere they are refused.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub multiline: bool,
    /// For list fields (multiple choice, multiple links): one value given
    /// alone is read as a one-item list. Without it a list must be a list,
    /// so a value meant for another field is not quietly taken.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub single_as_list: bool,
    /// Drawn but not changed by a person: its value comes from its default.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub read_only: bool,
    /// Kept in the record but never drawn: its value comes from its default.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub hidden: bool,
    /// For calculate fields: the expression whose value the field stores.
    /// Like `relevant`, it reads only fields above it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calculation: Option<String>,
    /// For choice fields: which choices are offered, an expression over
    /// the choice's `columns` (by bare name, `name` for its value) and the
    /// fields above (`${…}`); a value outside the filter is refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub choice_filter: Option<String>,
    /// How a shell draws it, beyond its type.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub appearance: Vec<Appearance>,
    /// The innermost group the field belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
}

impl FieldDef {
    /// A field with only a key, a type and a label: every other attribute
    /// at its default (to build on with `..FieldDef::new(…)`).
    pub fn new(key: &str, field_type: FieldType, label: Localized) -> FieldDef {
        FieldDef {
            key: key.to_string(),
            field_type,
            required: false,
            required_message: None,
            label,
            hint: None,
            choices: Vec::new(),
            constraints: Constraints::default(),
            relevant: None,
            constraint: None,
            constraint_message: None,
            default: None,
            input_only: false,
            system: false,
            link_kind: None,
            multiple: false,
            multiline: false,
            single_as_list: false,
            read_only: false,
            hidden: false,
            calculation: None,
            choice_filter: None,
            appearance: Vec::new(),
            group: None,
        }
    }

    /// Whether the field's value is kept in the record.
    pub fn is_stored(&self) -> bool {
        !self.input_only && self.field_type != FieldType::Note
    }

    /// Whether a person may give it a value: not set by the core or the
    /// form, and not a note.
    pub fn is_settable(&self) -> bool {
        !(self.system
            || self.read_only
            || self.hidden
            || matches!(self.field_type, FieldType::Note | FieldType::Calculate))
    }

    /// Whether a shell draws it (notes and read-only fields included).
    pub fn is_drawn(&self) -> bool {
        !(self.system || self.hidden || self.field_type == FieldType::Calculate)
    }

    /// The choice whose stored value is `value`, if the field has one.
    pub fn choice(&self, value: &str) -> Option<&Choice> {
        self.choices.iter().find(|c| c.value == value)
    }
}

/// The definition of one kind's form, at one version.
///
/// The data fields are public for reading; the compiled expressions and
/// patterns are private, so a definition can only be made by parsing (which
/// checks it). Do not mutate a parsed definition: parse a new one instead.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(try_from = "FormSpec", into = "FormSpec")]
pub struct FormDefinition {
    /// The kind of record the form writes.
    pub kind: RecordKind,
    /// The definition's version, from 1; each record keeps the version it was written with.
    pub version: u32,
    /// The form's heading.
    pub title: Localized,
    /// The sections fields are drawn in, outermost first.
    pub groups: Vec<GroupDef>,
    /// The fields, in the order they are shown and checked.
    pub fields: Vec<FieldDef>,
    compiled: Compiled,
}

/// The plain data of a form definition, exactly as in its JSON file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormSpec {
    /// The kind of record the form writes.
    pub kind: RecordKind,
    /// The definition's version, from 1; each record keeps the version it was written with.
    pub version: u32,
    /// The form's heading.
    pub title: Localized,
    /// The sections fields are drawn in, outermost first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<GroupDef>,
    /// The fields, in the order they are shown and checked.
    pub fields: Vec<FieldDef>,
}

impl TryFrom<FormSpec> for FormDefinition {
    type Error = DefinitionError;

    fn try_from(spec: FormSpec) -> Result<Self, Self::Error> {
        let compiled = check::check_and_compile(&spec)?;
        let FormSpec {
            kind,
            version,
            title,
            groups,
            fields,
        } = spec;
        Ok(FormDefinition {
            kind,
            version,
            title,
            groups,
            fields,
            compiled,
        })
    }
}

impl From<FormDefinition> for FormSpec {
    fn from(def: FormDefinition) -> Self {
        FormSpec {
            kind: def.kind,
            version: def.version,
            title: def.title,
            groups: def.groups,
            fields: def.fields,
        }
    }
}

impl FormDefinition {
    /// Parses and checks a definition.
    pub fn from_json(json: &str) -> Result<Self, DefinitionError> {
        let spec: FormSpec =
            serde_json::from_str(json).map_err(|e| DefinitionError::Json(e.to_string()))?;
        Self::try_from(spec)
    }

    /// The field keyed `key`, if the form has one.
    pub fn field(&self, key: &str) -> Option<&FieldDef> {
        self.index_of(key).map(|i| &self.fields[i])
    }

    /// The group keyed `key`, if the form has one.
    pub fn group(&self, key: &str) -> Option<&GroupDef> {
        self.groups.iter().find(|g| g.key == key)
    }

    /// The groups the field keyed `key` lies in, outermost first (as
    /// checked and resolved when the definition was parsed).
    pub fn groups_of(&self, key: &str) -> Vec<&GroupDef> {
        self.index_of(key)
            .map(|i| {
                self.compiled.fields[i]
                    .groups
                    .iter()
                    .map(|&g| &self.groups[g])
                    .collect()
            })
            .unwrap_or_default()
    }

    pub(super) fn index_of(&self, key: &str) -> Option<usize> {
        self.compiled.index.get(key).copied()
    }

    pub(super) fn compiled(&self) -> &Compiled {
        &self.compiled
    }
}
