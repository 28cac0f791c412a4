//! The `meta` table: small named values (ids, policy, wrapped vault key, counters).

use rusqlite::{params, Connection, OptionalExtension};
use serde::{de::DeserializeOwned, Serialize};

use crate::{Error, Result};

pub const STORE_ID: &str = "store_id";
pub const DEVICE_ID: &str = "device_id";
pub const TEAM_ID: &str = "team_id";
pub const ROLE: &str = "role";
/// The policy in force: the team's, made stricter by the device's own choice.
pub const POLICY: &str = "policy";
/// The policy this device chose for itself (`Store::set_policy`), if any.
pub const LOCAL_POLICY: &str = "local_policy";
pub const KDF_PARAMS: &str = "kdf_params";
pub const VAULT_WRAPPED: &str = "vault_wrapped";
pub const VAULT_WRAPPED_SHA256: &str = "vault_wrapped_sha256";
pub const VAULT_CANARY: &str = "vault_canary";
pub const FAILED_UNLOCKS: &str = "failed_unlocks";
pub const LAST_FAILED_UNLOCK_MS: &str = "last_failed_unlock_ms";
pub const ERASED: &str = "erased";
pub const HLC_LAST: &str = "hlc_last";
pub const AUDIT_HEAD: &str = "audit_head";
pub const VAULT_FORMAT: &str = "vault_format";
pub const DURESS_TAG: &str = "duress_tag";
/// The time since boot of the last counted PIN attempt (back-off follows it).
pub const BACKOFF_ANCHOR: &str = "backoff_anchor";
/// 1 while a PIN attempt is being checked: found set, that attempt was killed.
pub const UNLOCK_IN_PROGRESS: &str = "unlock_in_progress";
/// Attempts since the last unlock that were killed before their outcome.
pub const INTERRUPTED_UNLOCKS: &str = "interrupted_unlocks";
/// Audit entries kept aside (sealed) until they can enter the chain.
pub const AUDIT_DEFERRED: &str = "audit_deferred";
pub const LAST_HUB_CONTACT_MS: &str = "last_hub_contact_ms";
/// The latest wall-clock time the store has seen, with the time since boot then.
pub const WALL_CLOCK_SEEN: &str = "wall_clock_seen";

pub fn get_blob(conn: &Connection, key: &str) -> Result<Option<Vec<u8>>> {
    Ok(conn
        .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
        .optional()?)
}

pub fn put_blob(conn: &Connection, key: &str, value: &[u8]) -> Result<()> {
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )?;
    Ok(())
}

pub fn require_blob(conn: &Connection, key: &str) -> Result<Vec<u8>> {
    get_blob(conn, key)?.ok_or_else(|| Error::StoreDamaged(format!("missing {key}")))
}

pub fn get_u64(conn: &Connection, key: &str) -> Result<u64> {
    Ok(conn
        .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| {
            r.get::<_, i64>(0)
        })
        .optional()?
        .unwrap_or(0)
        .max(0) as u64)
}

pub fn put_u64(conn: &Connection, key: &str, value: u64) -> Result<()> {
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![key, value as i64],
    )?;
    Ok(())
}

pub fn get_json<T: DeserializeOwned>(conn: &Connection, key: &str) -> Result<Option<T>> {
    match get_blob(conn, key)? {
        None => Ok(None),
        Some(bytes) => serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|_| Error::StoreDamaged(format!("unreadable {key}"))),
    }
}

pub fn put_json<T: Serialize>(conn: &Connection, key: &str, value: &T) -> Result<()> {
    let bytes = serde_json::to_vec(value).map_err(|e| Error::Encoding(format!("{key}: {e}")))?;
    put_blob(conn, key, &bytes)
}
