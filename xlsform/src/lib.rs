//! Form definitions in and out of XLSForm, the Excel format that program
//! officers write forms in (ODK, KoboToolbox and the Community Health
//! Toolkit use it; pyxform is its reference converter).
//!
//! - [`export`](mod@export): a definition as a workbook (`survey`,
//!   `choices`, `settings`).
//! - [`import`](mod@import): a workbook as a checked definition, or every
//!   problem found, each at its sheet, row and column, in vi and en.
//! - [`columns`]: the columns read and written, and how each field type
//!   and attribute is spelled.
//! - `sheet`: a workbook's sheets as rows of text cells.
//! - [`error`]: the problems a workbook can have.
//!
//! The built-in forms' source of truth stays the JSON in `core/forms/`:
//! the phone apps embed it without a spreadsheet reader, and a test holds
//! every built-in form equal to itself after a trip through a workbook.

pub mod columns;
pub mod error;
pub mod export;
pub mod import;
mod sheet;

pub use error::{ImportError, Place, Problem, ProblemKind};
pub use export::export;
pub use import::import;
pub use sheet::{MAX_ROWS, MAX_WORKBOOK_BYTES};
