//! The columns Fieldbook reads and writes, and how a field's type and
//! attributes are spelled in XLSForm.
//!
//! Standard XLSForm columns carry what XLSForm has words for. What it has
//! none for (bounds, lengths, patterns, record links, quantities, fields
//! the core sets) goes in columns named `fieldbook::…`, which other XLSForm
//! tools ignore.

use fieldbook_core::forms::FieldType;
use fieldbook_core::Lang;

/// The translated columns: their base names, written `label::Vietnamese (vi)`.
pub const TRANSLATED: [&str; 3] = ["label", "hint", "constraint_message"];

/// The plain survey columns Fieldbook reads.
pub const PLAIN: [&str; 7] = [
    "type",
    "name",
    "required",
    "relevant",
    "constraint",
    "default",
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

/// XLSForm survey columns Fieldbook does not hold yet: refused when used.
pub const NOT_YET: [&str; 6] = [
    "required_message",
    "calculation",
    "read_only",
    "choice_filter",
    "repeat_count",
    "parameters",
];

/// The appearance of a several-line text.
pub const MULTILINE: &str = "multiline";

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
pub fn type_text(field_type: FieldType, list: &str) -> String {
    match field_type {
        FieldType::Text | FieldType::Link => "text".into(),
        FieldType::Integer => "integer".into(),
        FieldType::Decimal => "decimal".into(),
        FieldType::Date => "date".into(),
        FieldType::Datetime => "dateTime".into(),
        FieldType::SingleChoice | FieldType::YesNo => format!("select_one {list}"),
        FieldType::MultipleChoice | FieldType::Quantities => format!("select_multiple {list}"),
    }
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
