//! What validation reports: one error per field, with a stable code for
//! programs and a message in the user's language for people.
//!
//! Messages name the field by its label and never repeat the value entered:
//! errors may reach logs, and values may be names or phone numbers.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Why one field's value was refused: a stable code for programs (see [`FieldErrorCode::as_str`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldErrorCode {
    /// The key is not a field of the form.
    UnknownField,
    /// The field is set by the core (e.g. the UIC), not by the user.
    Readonly,
    /// A required (and relevant) field has no value.
    Required,
    /// A value was given for a field that the skip logic hides.
    NotApplicable,
    /// The JSON value has the wrong kind (e.g. a number for a text field).
    InvalidType,
    /// The value has the right kind but cannot be read (e.g. a malformed date).
    InvalidFormat,
    /// Not one of the field's choices.
    InvalidChoice,
    /// Below the minimum (number, date).
    TooSmall,
    /// Above the maximum (number, date, quantity).
    TooLarge,
    /// Fewer characters than the minimum length.
    TooShort,
    /// More characters than the maximum length.
    TooLong,
    /// Text that does not match the field's pattern.
    PatternMismatch,
    /// A quantity that is not a whole number, zero or more.
    InvalidQuantity,
    /// A cross-field constraint does not hold.
    ConstraintFailed,
    /// Text holding a control character (NUL, a text-direction override, a
    /// line break in a one-line field…).
    ControlCharacter,
}

impl FieldErrorCode {
    /// Every code once.
    pub const ALL: [FieldErrorCode; 15] = [
        FieldErrorCode::UnknownField,
        FieldErrorCode::Readonly,
        FieldErrorCode::Required,
        FieldErrorCode::NotApplicable,
        FieldErrorCode::InvalidType,
        FieldErrorCode::InvalidFormat,
        FieldErrorCode::InvalidChoice,
        FieldErrorCode::TooSmall,
        FieldErrorCode::TooLarge,
        FieldErrorCode::TooShort,
        FieldErrorCode::TooLong,
        FieldErrorCode::PatternMismatch,
        FieldErrorCode::InvalidQuantity,
        FieldErrorCode::ConstraintFailed,
        FieldErrorCode::ControlCharacter,
    ];

    /// The code as programs see it, e.g. `"too_small"`; stable across versions.
    pub fn as_str(self) -> &'static str {
        match self {
            FieldErrorCode::UnknownField => "unknown_field",
            FieldErrorCode::Readonly => "readonly",
            FieldErrorCode::Required => "required",
            FieldErrorCode::NotApplicable => "not_applicable",
            FieldErrorCode::InvalidType => "invalid_type",
            FieldErrorCode::InvalidFormat => "invalid_format",
            FieldErrorCode::InvalidChoice => "invalid_choice",
            FieldErrorCode::TooSmall => "too_small",
            FieldErrorCode::TooLarge => "too_large",
            FieldErrorCode::TooShort => "too_short",
            FieldErrorCode::TooLong => "too_long",
            FieldErrorCode::PatternMismatch => "pattern_mismatch",
            FieldErrorCode::InvalidQuantity => "invalid_quantity",
            FieldErrorCode::ConstraintFailed => "constraint_failed",
            FieldErrorCode::ControlCharacter => "control_character",
        }
    }
}

impl fmt::Display for FieldErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem with one field of an input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// The field's key (or the unknown key as given).
    pub field: String,
    /// What is wrong, for programs.
    pub code: FieldErrorCode,
    /// In the requested language, naming the field by its label.
    pub message: String,
}

/// Every problem found in one input, in the order of the form's fields
/// (unknown keys first).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidationErrors(pub Vec<FieldError>);

impl ValidationErrors {
    /// The first error about a field, if any.
    pub fn get(&self, field: &str) -> Option<&FieldError> {
        self.0.iter().find(|e| e.field == field)
    }

    /// Each error's field key and code, in order, without the messages.
    pub fn codes(&self) -> Vec<(&str, FieldErrorCode)> {
        self.0.iter().map(|e| (e.field.as_str(), e.code)).collect()
    }
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{}: {}", e.field, e.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationErrors {}

/// Why a record's JSON text was refused before any field was read. Positions
/// are 1-based lines and columns; nothing of the content is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputError {
    /// Bytes that are not UTF-8 text, first on this line.
    NotUtf8 {
        /// The line, from 1.
        line: usize,
    },
    /// Not JSON.
    Malformed {
        /// The line where reading failed, from 1.
        line: usize,
        /// The column where reading failed, from 1.
        column: usize,
    },
    /// JSON that ends before its value does (an empty input included).
    Truncated {
        /// The line where the text ends, from 1.
        line: usize,
        /// The column where the text ends, from 1.
        column: usize,
    },
    /// JSON, but not an object of field keys and values.
    NotAnObject,
    /// A key given twice in one object (`services.syringes` for a nested one).
    RepeatedKey {
        /// The key given twice, dotted when nested.
        key: String,
    },
}

impl InputError {
    /// The message for a person, in their language.
    pub fn message(&self, lang: crate::Lang) -> String {
        super::messages::input_message(self, lang)
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(crate::Lang::En))
    }
}

impl std::error::Error for InputError {}

/// A problem with one field, with what its message needs; turned into a
/// [`FieldError`] by [`super::messages`].
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Problem {
    UnknownField,
    Readonly,
    Required,
    NotApplicable,
    InvalidType,
    InvalidFormat,
    InvalidChoice,
    TooSmall(Limit),
    TooLarge(Limit),
    TooShort(usize),
    TooLong(usize),
    PatternMismatch,
    InvalidQuantity { item: String },
    QuantityTooLarge { item: String, max: String },
    ConstraintFailed,
    ControlCharacter(char),
}

/// A bound as the message shows it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Limit {
    Number(String),
    Date(NaiveDate),
    Today,
    ThisYear(i32),
}

impl Problem {
    pub(crate) fn code(&self) -> FieldErrorCode {
        match self {
            Problem::UnknownField => FieldErrorCode::UnknownField,
            Problem::Readonly => FieldErrorCode::Readonly,
            Problem::Required => FieldErrorCode::Required,
            Problem::NotApplicable => FieldErrorCode::NotApplicable,
            Problem::InvalidType => FieldErrorCode::InvalidType,
            Problem::InvalidFormat => FieldErrorCode::InvalidFormat,
            Problem::InvalidChoice => FieldErrorCode::InvalidChoice,
            Problem::TooSmall(_) => FieldErrorCode::TooSmall,
            Problem::TooLarge(_) | Problem::QuantityTooLarge { .. } => FieldErrorCode::TooLarge,
            Problem::TooShort(_) => FieldErrorCode::TooShort,
            Problem::TooLong(_) => FieldErrorCode::TooLong,
            Problem::PatternMismatch => FieldErrorCode::PatternMismatch,
            Problem::InvalidQuantity { .. } => FieldErrorCode::InvalidQuantity,
            Problem::ConstraintFailed => FieldErrorCode::ConstraintFailed,
            Problem::ControlCharacter(_) => FieldErrorCode::ControlCharacter,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_serialize_as_snake_case() {
        for code in FieldErrorCode::ALL {
            let json = serde_json::to_value(code).unwrap();
            assert_eq!(json, serde_json::Value::String(code.as_str().into()));
        }
    }

    #[test]
    fn display_lists_fields_on_one_line() {
        let errors = ValidationErrors(vec![
            FieldError {
                field: "alias".into(),
                code: FieldErrorCode::Required,
                message: "Alias is required".into(),
            },
            FieldError {
                field: "birth_year".into(),
                code: FieldErrorCode::TooSmall,
                message: "Birth year must be at least 1920".into(),
            },
        ]);
        assert_eq!(
            errors.to_string(),
            "alias: Alias is required; birth_year: Birth year must be at least 1920"
        );
        assert_eq!(
            errors.get("birth_year").unwrap().code,
            FieldErrorCode::TooSmall
        );
    }
}
