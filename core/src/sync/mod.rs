//! Sync with the office hub: enrollment, the push/pull engine, and its honest summary.

mod compact;
mod engine;
mod enroll;
mod pinning;
mod summary;
pub mod transport;

pub use compact::{compact, CompactOptions, CompactSummary};
pub use engine::{client_for, sync, SyncOptions};
pub use enroll::enroll;
pub use pinning::{CertificatePin, PinParseError};
pub use summary::{SyncListener, SyncPhase, SyncSummary};
pub use transport::{HubClient, RetryPolicy, TransportError};
