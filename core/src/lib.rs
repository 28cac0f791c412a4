//! Fieldbook's core: the records of community drug counseling, care and
//! treatment work, their form definitions, their encryption, the encrypted
//! on-device store and the queries the screens need.
//!
//! Layout, one job per module:
//! - [`record`]: record kinds, ids, hybrid logical clocks, field-by-field merge.
//! - [`forms`]: form definitions as data, skip logic, validation.
//! - [`crypto`]: sealing, key derivation, key wrapping, keyed lookups.
//! - [`uic`]: the pseudonymous unique identifier code of a client.
//! - [`store`]: the SQLite store: schema, vault (keys, PIN, lock), records, audit.
//! - [`queries`]: lists, search, timelines and what is due.
//! - [`reports`]: supervisors' indicators, their months, overdue follow-ups.

pub mod crypto;
pub mod enrollment;
pub mod error;
pub mod forms;
pub mod lang;
pub mod queries;
pub mod record;
pub mod reports;
pub mod search_fold;
pub mod store;
pub mod sync;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
pub mod uic;

pub use error::{Error, Result};
pub use lang::Lang;
pub use record::kind::{RecordKind, SensitivityClass};
