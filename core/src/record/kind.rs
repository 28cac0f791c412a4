//! The five kinds of record, the sensitivity class each is sealed under and
//! where a referral stands: defined in the shared vocabulary (`fieldbook_proto::vocab`).

pub use fieldbook_proto::vocab::{RecordKind, ReferralStatus, SensitivityClass};
