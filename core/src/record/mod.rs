//! Records: their kinds and ids, the clock that stamps every field write, and
//! the field-by-field merge that lets every device converge.

pub mod compact;
pub mod hlc;
pub mod ids;
pub mod kind;
pub mod merge;
pub mod version;

pub use hlc::{Hlc, HlcClock};
pub use ids::{DeviceId, RecordId, TeamId, VersionId};
pub use kind::{RecordKind, ReferralStatus, SensitivityClass};
pub use merge::{FieldState, FieldWrite, RecordState, Stamp};
pub use version::RecordVersion;

/// Field keys the core itself writes into every record beside the form's fields.
pub mod meta_fields {
    /// The form version the latest write used.
    pub const FORM_VERSION: &str = "_form_version";
    /// `true` once the record is deleted (a tombstone that merges like any field).
    pub const DELETED: &str = "_deleted";
    /// `true`, written once by a record's first version and never again: the
    /// stamp of that write names the device that created the record, who the
    /// record belongs to in a worker's report, even after compaction folds
    /// the first version away. (The stamp already carries the device, so the
    /// value does not repeat it.)
    pub const CREATED_BY: &str = "_created_by";

    /// Whether `key` is one the core writes (meta keys start with `_`), not a form field.
    pub fn is_meta(key: &str) -> bool {
        key.starts_with('_')
    }
}
