//! Sync with the office hub: enrollment, the push/pull engine, the team's
//! signed roster, the honest summary, and a supervisor's invites,
//! revocations, team policy and published forms.

mod access;
mod check;
mod compact;
mod engine;
mod enroll;
mod http;
mod pinning;
mod read_ahead;
pub(crate) mod roster;
mod summary;
mod team;
mod team_forms;
mod team_policy;
pub mod transport;

pub use access::StoreAccess;
pub use check::{check_store, CheckOptions};
pub use compact::{compact, CompactOptions, CompactSummary};
pub use engine::{client_for, sync, sync_shared, SyncOptions};
pub use enroll::enroll;
pub use http::HttpNetwork;
pub use pinning::{CertificatePin, PinParseError};
pub use summary::{SyncListener, SyncPhase, SyncSummary};
pub use team::{
    invite, list_devices, revoke_device, IssuedInvite, TeamDevice, DEFAULT_INVITE_DAYS,
    MAX_INVITE_DAYS,
};
pub use team_forms::publish_form;
pub use team_policy::{set_team_policy, PolicyChange};
pub use transport::{
    HubClient, HubRequest, HubResponse, Network, RetryPolicy, Transport, TransportError,
};
