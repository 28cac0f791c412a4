//! The store's schema and its migrations, by `PRAGMA user_version`.
//!
//! Only routing metadata that sync needs is stored in clear (ids, kinds, key
//! class and epoch, whether a version was pushed). Every field value lives
//! inside sealed blobs; exact-match lookups go through keyed hashes.

use rusqlite::{Connection, Transaction};

use crate::{Error, Result};

/// `PRAGMA application_id`: marks a SQLite file as a Fieldbook store ("FBK1").
pub const APPLICATION_ID: i32 = 0x4642_4b31;

/// The schema version this build writes. Add a step to [`upgrade_from`] with each bump.
pub const VERSION: u32 = 4;

/// Version 1, frozen: never edit it; add migrations instead.
pub const V1: &str = "
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value BLOB NOT NULL
) WITHOUT ROWID;

-- Team keys, each sealed under the vault key.
CREATE TABLE team_keys (
    class   TEXT NOT NULL,
    epoch   INTEGER NOT NULL,
    wrapped BLOB NOT NULL,
    PRIMARY KEY (class, epoch)
) WITHOUT ROWID;

-- The merged current state of each record, sealed twice: the full state
-- (every field's writes, for merging) and a compact view (winning values, for lists).
CREATE TABLE records (
    rowid       INTEGER PRIMARY KEY,
    id          BLOB NOT NULL UNIQUE,
    kind        TEXT NOT NULL,
    key_class   TEXT NOT NULL,
    key_epoch   INTEGER NOT NULL,
    state       BLOB NOT NULL,
    view        BLOB NOT NULL,
    updated_seq INTEGER NOT NULL
);
CREATE INDEX records_by_kind ON records (kind);

-- Every version of every record: the history, and what sync sends.
CREATE TABLE versions (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    version_id BLOB NOT NULL UNIQUE,
    record_id  BLOB NOT NULL,
    kind       TEXT NOT NULL,
    key_class  TEXT NOT NULL,
    key_epoch  INTEGER NOT NULL,
    body       BLOB NOT NULL,
    pushed     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX versions_by_record ON versions (record_id, seq);
CREATE INDEX versions_unpushed ON versions (seq) WHERE pushed = 0;

-- Keyed hashes (HMAC under a team key) of the values exact lookups need.
CREATE TABLE lookup (
    term      BLOB NOT NULL,
    record_id BLOB NOT NULL,
    PRIMARY KEY (term, record_id)
) WITHOUT ROWID;
CREATE INDEX lookup_by_record ON lookup (record_id);

-- Who did what to which record and when; never contents. Each entry's MAC
-- chains over the previous one under a key only an unlocked device has.
CREATE TABLE audit (
    seq        INTEGER PRIMARY KEY,
    at_ms      INTEGER NOT NULL,
    actor      BLOB NOT NULL,
    action     TEXT NOT NULL,
    kind       TEXT,
    record_id  BLOB,
    version_id BLOB,
    mac        BLOB NOT NULL
);
";

/// Version 2: versions pulled while the store was locked (a background sync)
/// wait here, sealed as the hub sent them, until the next unlock merges them.
const V1_TO_V2: &str = "
CREATE TABLE inbox (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    version_id BLOB NOT NULL UNIQUE,
    record_id  BLOB NOT NULL,
    kind       TEXT NOT NULL,
    key_class  TEXT NOT NULL,
    key_epoch  INTEGER NOT NULL,
    body       BLOB NOT NULL
);
";

/// Version 3: audit entries sealed under a key of the vault, so a locked
/// store shows how many there are and nothing of what they say. Rows of the
/// clear `audit` table move here, sealed, at the first unlock after the
/// upgrade (sealing needs the key).
const V2_TO_V3: &str = "
CREATE TABLE audit_sealed (
    seq  INTEGER PRIMARY KEY,
    body BLOB NOT NULL,
    mac  BLOB NOT NULL
);
";

/// Version 4: the records that share a lookup term are kept in sealed,
/// padded chunks, so a locked store does not group a client's records. Rows
/// of the clear `lookup` table move here at the first unlock after the
/// upgrade (sealing needs the keys).
const V3_TO_V4: &str = "
CREATE TABLE lookup_postings (
    term  BLOB NOT NULL,
    chunk INTEGER NOT NULL,
    body  BLOB NOT NULL,
    PRIMARY KEY (term, chunk)
) WITHOUT ROWID;
";

pub fn user_version(conn: &Connection) -> Result<u32> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get::<_, u32>(0))?)
}

/// Creates the current schema in an empty database.
pub fn create(tx: &Transaction) -> Result<()> {
    tx.execute_batch(V1)?;
    upgrade_from(tx, 1)?;
    tx.pragma_update(None, "application_id", APPLICATION_ID)?;
    Ok(())
}

/// Brings an existing store up to [`VERSION`], one step at a time, in the caller's transaction.
pub fn upgrade_from(tx: &Transaction, mut version: u32) -> Result<()> {
    if version > VERSION {
        return Err(Error::SchemaTooNew {
            found: version,
            supported: VERSION,
        });
    }
    while version < VERSION {
        match version {
            1 => tx.execute_batch(V1_TO_V2)?,
            2 => tx.execute_batch(V2_TO_V3)?,
            3 => tx.execute_batch(V3_TO_V4)?,
            _ => {}
        }
        version += 1;
    }
    tx.pragma_update(None, "user_version", VERSION)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tables(conn: &Connection) -> Vec<String> {
        let mut stmt = conn
            .prepare("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name")
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    }

    #[test]
    fn a_frozen_v1_store_upgrades_to_the_current_schema() {
        let mut old = Connection::open_in_memory().unwrap();
        old.execute_batch(V1).unwrap();
        old.pragma_update(None, "user_version", 1).unwrap();
        let tx = old.transaction().unwrap();
        let v = user_version(&tx).unwrap();
        upgrade_from(&tx, v).unwrap();
        tx.commit().unwrap();

        let mut fresh = Connection::open_in_memory().unwrap();
        let tx = fresh.transaction().unwrap();
        create(&tx).unwrap();
        tx.commit().unwrap();

        assert_eq!(user_version(&old).unwrap(), VERSION);
        assert_eq!(tables(&old), tables(&fresh));
    }

    #[test]
    fn a_store_from_a_newer_build_is_refused() {
        let mut conn = Connection::open_in_memory().unwrap();
        let tx = conn.transaction().unwrap();
        assert!(matches!(
            upgrade_from(&tx, VERSION + 1),
            Err(Error::SchemaTooNew { .. })
        ));
    }
}
