//! Crypto-erase: everything the store holds goes (the wrapped vault and team
//! keys, records, versions, lookup terms, the inbox, the audit trail, the
//! sealed and platform-wrapped metadata such as the hub link and the
//! device's keys), then the platform key. What remains is one row saying the
//! store was erased, so the app can tell the person rather than fail.
//!
//! The rows go even when the platform key's destroy fails: without the
//! wrapped values there is nothing left that key could open. The failure is
//! still reported, since the key itself lingers in the key store.

use rusqlite::Connection;
use serde::Serialize;

use super::{meta, vault};
use crate::crypto::PlatformKeyProvider;
use crate::Result;

/// What an erase could not remove. Empty when everything went.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct EraseReport {
    /// Why the platform key could not be destroyed, if it could not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub platform_key_left: Option<String>,
}

impl EraseReport {
    /// Whether everything went, the platform key included.
    pub fn complete(&self) -> bool {
        self.platform_key_left.is_none()
    }
}

pub fn erase(
    conn: &Connection,
    store_id: &[u8],
    provider: &dyn PlatformKeyProvider,
) -> Result<EraseReport> {
    let tables: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_master
             WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'meta'",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut batch = String::from(
        "BEGIN IMMEDIATE;
         UPDATE meta SET value = randomblob(length(value)) WHERE typeof(value) = 'blob';
         DELETE FROM meta;
         UPDATE team_keys SET wrapped = randomblob(length(wrapped));\n",
    );
    // AUTOINCREMENT's counters say how many rows there were: they go too.
    let has_sequence: bool = conn.query_row(
        "SELECT count(*) > 0 FROM sqlite_master WHERE name = 'sqlite_sequence'",
        [],
        |r| r.get(0),
    )?;
    if has_sequence {
        batch.push_str("DELETE FROM sqlite_sequence;\n");
    }
    for table in &tables {
        // Names come from sqlite_master of our own schema; quoted all the same.
        batch.push_str(&format!(
            "DELETE FROM \"{}\";\n",
            table.replace('"', "\"\"")
        ));
    }
    batch.push_str(&format!(
        "INSERT INTO meta (key, value) VALUES ('{}', 1);\nCOMMIT;",
        meta::ERASED
    ));
    conn.execute_batch(&batch)?;
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    conn.execute_batch("VACUUM")?;
    let platform_key_left = provider
        .destroy(&vault::platform_label(store_id))
        .err()
        .map(|e| e.to_string());
    Ok(EraseReport { platform_key_left })
}
