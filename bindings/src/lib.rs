//! Fieldbook's uniffi surface: what the Android and iOS apps call.
//!
//! One job per file:
//! - [`error`]: the small public error, converted from the core's in one place.
//! - [`types`]: the enums the apps switch on (kinds, roles, languages).
//! - [`values`]: field values, typed by the form's field types.
//! - [`forms`]: form definitions for a generic form renderer, skip logic, live checks.
//! - [`records`]: records, their conflicts and history as the screens show them.
//! - [`key_store`]: the platform key (Keystore, Keychain), implemented by each app.
//! - [`store`]: [`store::FieldbookStore`], the encrypted store: open, unlock, write, query.
//! - [`team`]: enrollment, invites and devices.
//! - [`policy`]: the team's signed security policy.
//! - [`sync`]: sync with a progress listener, cancellation and an honest summary.
//! - [`reports`]: the supervisors' indicators and the overdue list.
//! - [`check`]: a check of the store: what is damaged, rebuilt, restored or lost.
//!
//! Every call that touches the store or the network blocks: the apps call
//! them off the main thread (a coroutine dispatcher, a background task).

uniffi::setup_scaffolding!();

pub mod check;
pub mod error;
pub mod forms;
pub mod key_store;
pub mod policy;
pub mod records;
pub mod reports;
pub mod seizure;
pub mod store;
pub mod sync;
pub mod team;
pub mod types;
pub mod values;

pub use error::FieldbookError;
pub use store::FieldbookStore;
