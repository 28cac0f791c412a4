//! Enrolling a device in a team: the one-time code a supervisor's device (or
//! the hub's admin, for a team's first supervisor) hands out, and the team
//! keys that travel sealed under it.
//!
//! The code has two halves: an invite id the hub looks up, and a 128-bit
//! secret the hub never sees. From the secret a device derives a verifier
//! (the hub keeps only its SHA-256) and the key that seals the team keys, so
//! a hub operator who reads every byte still cannot open the bundle.

mod bundle;

pub use bundle::{open_bundle, seal_bundle, KeyBundle, RosterAnchor};
pub use fieldbook_trust::enrollment_code::{EnrollmentCode, EnrollmentCodeError};
