//! The five kinds of record and the sensitivity class each is sealed under:
//! defined in the shared vocabulary (`fieldbook_proto::vocab`).

pub use fieldbook_proto::vocab::{RecordKind, SensitivityClass};
