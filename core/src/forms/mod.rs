//! Forms as data: each record kind has a versioned, bilingual form
//! definition (fields, types, choices, constraints, skip logic), kept as JSON
//! in `core/forms/` and embedded in the binary. The core validates every
//! input against it and hands the shells what they need to draw it.
//!
//! - [`definition`](mod@definition): the model of a definition file.
//! - [`builtin`]: the embedded definitions, parsed once.
//! - [`check`]: the load-time checks of a definition.
//! - [`expr`]: the skip-logic / constraint expression language.
//! - `json_input`: reading a record's JSON text (each key once, UTF-8).
//! - `normalize`: reading one value, strictly, into the form stored.
//! - [`validate`]: validating a new record or a change (`scope`: how its
//!   values look to expressions); `logic_tests` drive the form logic beyond
//!   plain fields (groups, notes, calculations, read-only and hidden
//!   fields, phone numbers, choice filters, required messages).
//! - [`error`] and `messages`: what reading and validation report, in vi and en.
//! - [`localized`]: a form in one language, for a shell to draw.
//! - [`compat`]: what a newer version of a form may change.
//! - [`registry`]: every form version a device knows: built-in and published.

pub mod builtin;
pub mod check;
pub mod compat;
pub mod definition;
pub mod error;
pub mod expr;
mod json_input;
pub mod localized;
mod messages;
mod normalize;
pub mod registry;
mod scope;
pub mod validate;

#[cfg(test)]
mod logic_tests;

pub use builtin::{all, definition};
pub use check::DefinitionError;
pub use compat::{check_successor, Incompatible};
pub use definition::{
    Appearance, Bound, Choice, Constraints, FieldDef, FieldType, FormDefinition, FormSpec,
    GroupDef, Localized,
};
pub use error::{FieldError, FieldErrorCode, InputError, ValidationErrors};
pub use json_input::parse_input;
pub use normalize::is_control_character;
pub use registry::{FormRegistry, KnownForm, Publication};
pub use validate::Validated;
