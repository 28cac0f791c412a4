//! The typed vocabulary every crate shares: record kinds, the sensitivity
//! classes that seal them, and roles with what each may hold and write.
//! Their serde spellings are the wire's and the stores'.

mod kind;
mod role;

pub use kind::{RecordKind, SensitivityClass};
pub use role::Role;
