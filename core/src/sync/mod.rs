//! Sync with the office hub: enrollment, the push/pull engine, and its honest summary.

mod engine;
mod enroll;
mod summary;
pub mod transport;

pub use engine::{client_for, sync, SyncOptions};
pub use enroll::enroll;
pub use summary::{SyncListener, SyncPhase, SyncSummary};
pub use transport::{HubClient, RetryPolicy, TransportError};
