//! How long the hub waits on a client, and for how many clients at once.

use std::time::Duration;

/// The limits every connection is held to. A connection is closed when the
/// hub has waited on its client longer than the timeout for what it waits
/// for; time the hub itself spends answering never counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// Connections served at once. Past it the hub closes the connection
    /// that has kept it waiting longest (at least [`SHED_AFTER`]); when every
    /// connection is busy, new ones wait in the listen queue.
    pub max_connections: usize,
    /// For a request's head: from the connection's start (TLS handshake
    /// included) for its first request, from its first byte for later ones.
    pub header_timeout: Duration,
    /// Between requests on a kept-alive connection.
    pub idle_timeout: Duration,
    /// The longest pause while a request body arrives, or while the client
    /// does not take the answer.
    pub body_timeout: Duration,
}

/// Far above the devices that sync at one moment (the sync benchmark's 500
/// start in the same millisecond), and each costs about 10 KiB while it waits.
pub const DEFAULT_MAX_CONNECTIONS: usize = 4096;
/// A phone on a poor network sends a head of a few hundred bytes, after a
/// TLS handshake of two round trips, in well under this.
pub const DEFAULT_HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// Longer than a sync's pause between requests; devices reconnect after it.
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(60);
/// A phone that loses signal for half a minute mid-upload starts again.
pub const DEFAULT_BODY_TIMEOUT: Duration = Duration::from_secs(30);

/// At the connection cap, only a connection that has kept the hub waiting
/// this long may be closed for a new one: a client between two round trips
/// on a fast network keeps its place, while a flood that sat in the listen
/// queue still drains at the cap's size every quarter second.
pub const SHED_AFTER: Duration = Duration::from_millis(250);

impl Default for ConnectionLimits {
    fn default() -> Self {
        ConnectionLimits {
            max_connections: DEFAULT_MAX_CONNECTIONS,
            header_timeout: DEFAULT_HEADER_TIMEOUT,
            idle_timeout: DEFAULT_IDLE_TIMEOUT,
            body_timeout: DEFAULT_BODY_TIMEOUT,
        }
    }
}
