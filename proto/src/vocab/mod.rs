//! The typed vocabulary every crate shares: record kinds, the sensitivity
//! classes that seal them and the key classes a device holds, roles with what
//! each may hold and write, device status and referral status. Their serde
//! spellings are the wire's and the stores'; nothing of this crosses a crate
//! boundary as a string.

mod device_status;
mod key_class;
mod kind;
mod referral_status;
mod role;

pub use device_status::DeviceStatus;
pub use key_class::KeyClass;
pub use kind::{RecordKind, SensitivityClass};
pub use referral_status::ReferralStatus;
pub use role::Role;
