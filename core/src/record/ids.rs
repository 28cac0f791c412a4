//! Identifiers, all random UUIDv4: the hub sees record and version ids, and
//! a time-ordered id (UUIDv7) would tell it when each was written, even
//! offline. (Records from before carry v7 ids; both read the same.)

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

macro_rules! uuid_id {
    ($(#[$doc:meta])* $name:ident, $make:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A new random id.
            pub fn make() -> Self {
                Self($make)
            }
            /// The id's 16 bytes, as the database keeps it.
            pub fn as_bytes(&self) -> &[u8; 16] {
                self.0.as_bytes()
            }
            /// The id from 16 stored bytes; `None` when the slice has another length.
            pub fn from_slice(bytes: &[u8]) -> Option<Self> {
                Uuid::from_slice(bytes).ok().map(Self)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.hyphenated().fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s.trim()).map(Self)
            }
        }
    };
}

uuid_id!(
    /// The stable id of a record, the same on every device.
    RecordId,
    Uuid::new_v4()
);
uuid_id!(
    /// One version (one write) of a record.
    VersionId,
    Uuid::new_v4()
);
uuid_id!(
    /// A device: it breaks ties between equal clock stamps.
    DeviceId,
    Uuid::new_v4()
);
uuid_id!(
    /// A team: the unit that shares keys and a sync log.
    TeamId,
    Uuid::new_v4()
);
