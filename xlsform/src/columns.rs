//! The columns Fieldbook reads and writes, and how a field's type and
//! attributes are spelled in XLSForm.
//!
//! Standard XLSForm columns carry what XLSForm has words for. What it has
//! none for (bounds, lengths, patterns, record links, quantities, fields
//! the core sets) goes in columns named `fieldbook::…`, which other XLSForm
//! tools ignore.

use fieldbook_core::forms::{Appearance, FieldDef, FieldType};
use fieldbook_core::Lang;

/// The translated columns: their base names, written `label::Vietnamese (vi)`.
pub const TRANSLATED: [&str; 4] = ["label", "hint", "required_message", "constraint_message"];

/// The plain survey columns Fieldbook reads.
pub const PLAIN: [&str; 10] = [
    "type",
    "name",
    "required",
    "relevant",
    "constraint",
    "calculation",
    "default",
    "read_only",
    "choice_filter",
    "appearance",
];

/// Fieldbook's own survey columns.
pub mod fieldbook {
    /// Smallest value (number, date, `today`, `this_year`).
    pub const MIN: &str = "fieldbook::min";
    /// Largest value.
    pub const MAX: &str = "fieldbook::max";
    /// Fewest characters.
    pub const MIN_LENGTH: &str = "fieldbook::min_length";
    /// Most characters.
    pub const MAX_LENGTH: &str = "fieldbook::max_length";
    /// A regular expression the whole text must match.
    pub const PATTERN: &str = "fieldbook::pattern";
    /// The record kind a `text` question links to.
    pub const LINK: &str = "fieldbook::link";
    /// `yes`: a link to several records.
    pub const MULTIPLE: &str = "fieldbook::multiple";
    /// `yes`: a `select_multiple` that counts each choice.
    pub const QUANTITIES: &str = "fieldbook::quantities";
    /// `yes`: used when the record is written, never stored.
    pub const INPUT_ONLY: &str = "fieldbook::input_only";
    /// `yes`: set by the core, never by a person.
    pub const SYSTEM: &str = "fieldbook::system";
    /// `yes`: one value given alone is read as a one-item list.
    pub const SINGLE_AS_LIST: &str = "fieldbook::single_as_list";

    /// Every one, in the order they are written.
    pub const ALL: [&str; 11] = [
        MIN,
        MAX,
        MIN_LENGTH,
        MAX_LENGTH,
        PATTERN,
        LINK,
        MULTIPLE,
        QUANTITIES,
        INPUT_ONLY,
        SYSTEM,
        SINGLE_AS_LIST,
    ];
}

/// XLSForm survey columns Fieldbook does not hold: refused when used.
pub const NOT_YET: [&str; 2] = ["repeat_count", "parameters"];

/// The appearance of a several-line text.
pub const MULTILINE: &str = "multiline";
/// The appearance that makes a text question a phone number (as the
/// Community Health Toolkit writes it, with `numbers`).
pub const TEL: &str = "tel";
/// A group's appearance for all its questions on one screen, which is how
/// Fieldbook draws every form: accepted, and nothing changes.
pub const FIELD_LIST: &str = "field-list";

/// The list a yes/no question chooses from, in an exported workbook.
pub const YES_NO_LIST: &str = "yes_no";

/// How a language is written after `::`.
pub fn language_suffix(lang: Lang) -> &'static str {
    match lang {
        Lang::Vi => "Vietnamese (vi)",
        Lang::En => "English (en)",
    }
}

/// A translated column's header, e.g. `label::English (en)`.
pub fn translated(base: &str, lang: Lang) -> String {
    format!("{base}::{}", language_suffix(lang))
}

/// The XLSForm type of a field, with its list name for selects.
pub fn type_text(field: &FieldDef, list: &str) -> String {
    match field.field_type {
        FieldType::Text if field.hidden => "hidden".into(),
        FieldType::Text | FieldType::Link | FieldType::Phone => "text".into(),
        FieldType::Note => "note".into(),
        FieldType::Calculate => "calculate".into(),
        FieldType::Integer => "integer".into(),
        FieldType::Decimal => "decimal".into(),
        FieldType::Date => "date".into(),
        FieldType::Datetime => "dateTime".into(),
        FieldType::SingleChoice | FieldType::YesNo => format!("select_one {list}"),
        FieldType::MultipleChoice | FieldType::Quantities => format!("select_multiple {list}"),
    }
}

/// A field's `appearance` cell: its appearances, `multiline`, and
/// `numbers tel` for a phone number.
pub fn appearance_text(field: &FieldDef) -> String {
    let mut words: Vec<&str> = field.appearance.iter().map(|a| a.as_str()).collect();
    if field.multiline {
        words.push(MULTILINE);
    }
    if field.field_type == FieldType::Phone {
        words.extend([Appearance::Numbers.as_str(), TEL]);
    }
    words.join(" ")
}

/// XLSForm question types that Fieldbook refuses, and why.
pub fn refused_type(t: &str) -> Option<&'static str> {
    Some(match t {
        "geopoint" | "geotrace" | "geoshape" | "start-geopoint" => {
            "location (Fieldbook never records where a person is)"
        }
        "image" | "audio" | "video" | "file" | "background-audio" | "signature" => "media",
        "barcode" | "acknowledge" | "range" | "rank" | "trigger" => "this question type",
        "start" | "end" | "today" | "deviceid" | "phonenumber" | "username" | "email" | "audit"
        | "simserial" | "subscriberid" => "device metadata",
        "begin_repeat" | "end_repeat" | "begin repeat" | "end repeat" => {
            "repeats (a record holds one value per field)"
        }
        "select_one_from_file" | "select_multiple_from_file" | "csv-external" | "xml-external" => {
            "external choice files"
        }
        _ => return None,
    })
}
