//! What the hub forgets on its own: which device pushed each version, once
//! [`PUSHER_RETENTION`] has passed, and invites that expired. It runs at start
//! and then hourly while the hub serves.

use std::sync::Arc;
use std::time::Duration;

use crate::storage::{now, HubStorage, Result, PUSHER_RETENTION};

/// How often the hub forgets.
pub const EVERY: Duration = Duration::from_secs(60 * 60);

/// One round: returns how many pushers and invites were forgotten.
pub async fn sweep(storage: &dyn HubStorage) -> Result<(u64, u64)> {
    let t = now();
    let pushers = storage.forget_pushers(t - PUSHER_RETENTION).await?;
    let invites = storage.delete_expired_invites(t).await?;
    Ok((pushers, invites))
}

/// Sweeps now and then every [`EVERY`], for as long as the hub runs.
pub async fn run(storage: Arc<dyn HubStorage>) {
    let mut ticks = tokio::time::interval(EVERY);
    loop {
        ticks.tick().await;
        match sweep(storage.as_ref()).await {
            Ok((pushers, invites)) => {
                tracing::info!(
                    pushers,
                    invites,
                    "forgot who pushed old versions, and expired invites"
                )
            }
            Err(e) => tracing::warn!(error = %e, "housekeeping failed; it runs again in an hour"),
        }
    }
}
