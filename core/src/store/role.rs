//! What each role may hold and write: defined in the shared vocabulary
//! (`fieldbook_proto::vocab`), which the hub checks against too.

pub use fieldbook_proto::vocab::Role;
