//! The SQLite schema and its migrations, by `PRAGMA user_version`, run by
//! the shared runner (`fieldbook-migrate`).
//!
//! Ids are 16-byte blobs, times are microseconds since the Unix epoch (UTC),
//! hashes and keys are 32-byte blobs. Bodies, key bundles and envelopes are
//! opaque sealed bytes.

use fieldbook_migrate::sqlite::UserVersion;
use fieldbook_migrate::Migrations;
use rusqlite::{Connection, TransactionBehavior};

use crate::storage::{Result, StorageError};

/// `PRAGMA application_id`: marks a SQLite file as a Fieldbook hub store ("FBH1").
pub const APPLICATION_ID: i32 = 0x4642_4831;

/// Version 1, frozen: never edit it; add migrations instead.
pub const V1: &str = "
CREATE TABLE teams (
    id            BLOB PRIMARY KEY,
    name          TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    current_epoch INTEGER NOT NULL DEFAULT 1 CHECK (current_epoch >= 1)
) WITHOUT ROWID;

-- The team's log lock and seq counter: every push takes it (BEGIN IMMEDIATE
-- already serialises writers; the row keeps both backends alike).
CREATE TABLE log_heads (
    team_id  BLOB PRIMARY KEY REFERENCES teams (id),
    next_seq INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE devices (
    id           BLOB PRIMARY KEY,
    team_id      BLOB NOT NULL REFERENCES teams (id),
    role         TEXT NOT NULL
                 CHECK (role IN ('outreach', 'case-manager', 'peer-leader', 'supervisor')),
    public_key   BLOB CHECK (public_key IS NULL OR length(public_key) = 32),
    token_hash   BLOB NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    status       TEXT NOT NULL CHECK (status IN ('active', 'revoked')),
    wipe_pending INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER,
    label        TEXT
) WITHOUT ROWID;
CREATE INDEX devices_by_team ON devices (team_id, created_at);

CREATE TABLE invites (
    id            BLOB PRIMARY KEY,
    team_id       BLOB NOT NULL REFERENCES teams (id),
    role          TEXT NOT NULL
                  CHECK (role IN ('outreach', 'case-manager', 'peer-leader', 'supervisor')),
    verifier_hash BLOB NOT NULL CHECK (length(verifier_hash) = 32),
    key_bundle    BLOB,
    created_by    BLOB REFERENCES devices (id),
    created_at    INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    used_at       INTEGER
);

-- Each team's append-only log of sealed versions.
CREATE TABLE versions (
    rowid       INTEGER PRIMARY KEY,
    team_id     BLOB NOT NULL REFERENCES teams (id),
    seq         INTEGER NOT NULL,
    version_id  BLOB NOT NULL,
    record_id   BLOB NOT NULL,
    kind        TEXT NOT NULL,
    key_class   TEXT NOT NULL,
    key_epoch   INTEGER NOT NULL,
    body        BLOB NOT NULL,
    pushed_by   BLOB NOT NULL REFERENCES devices (id),
    received_at INTEGER NOT NULL,
    UNIQUE (team_id, seq),
    UNIQUE (team_id, version_id)
);
CREATE INDEX versions_by_record ON versions (team_id, record_id, seq);

-- Ids of versions dropped by compaction: pushing one again is a duplicate,
-- not a new version.
CREATE TABLE compacted_versions (
    team_id    BLOB NOT NULL REFERENCES teams (id),
    version_id BLOB NOT NULL,
    PRIMARY KEY (team_id, version_id)
) WITHOUT ROWID;

CREATE TABLE key_envelopes (
    team_id   BLOB NOT NULL REFERENCES teams (id),
    epoch     INTEGER NOT NULL,
    device_id BLOB NOT NULL REFERENCES devices (id),
    key_class TEXT NOT NULL,
    wrapped   BLOB NOT NULL,
    PRIMARY KEY (team_id, epoch, device_id, key_class)
) WITHOUT ROWID;
CREATE INDEX key_envelopes_by_device ON key_envelopes (device_id, epoch);
";

/// Version 2: the team's signed roster and signing-key claims, signed key
/// envelopes, and `pushed_by` that the hub forgets after a while (the table is
/// rebuilt: SQLite cannot drop a NOT NULL in place).
const V1_TO_V2: &str = "
CREATE TABLE roster_links (
    team_id   BLOB NOT NULL REFERENCES teams (id),
    seq       INTEGER NOT NULL CHECK (seq >= 1),
    prev      BLOB NOT NULL CHECK (length(prev) = 32),
    statement BLOB NOT NULL,
    signature BLOB NOT NULL,
    PRIMARY KEY (team_id, seq)
) WITHOUT ROWID;

CREATE TABLE signing_key_claims (
    team_id   BLOB NOT NULL REFERENCES teams (id),
    device_id BLOB NOT NULL REFERENCES devices (id),
    claim     BLOB NOT NULL,
    PRIMARY KEY (team_id, device_id)
) WITHOUT ROWID;

ALTER TABLE key_envelopes ADD COLUMN signer BLOB;
ALTER TABLE key_envelopes ADD COLUMN signature BLOB;

CREATE TABLE versions_v2 (
    rowid       INTEGER PRIMARY KEY,
    team_id     BLOB NOT NULL REFERENCES teams (id),
    seq         INTEGER NOT NULL,
    version_id  BLOB NOT NULL,
    record_id   BLOB NOT NULL,
    kind        TEXT NOT NULL,
    key_class   TEXT NOT NULL,
    key_epoch   INTEGER NOT NULL,
    body        BLOB NOT NULL,
    pushed_by   BLOB REFERENCES devices (id),
    received_at INTEGER NOT NULL,
    UNIQUE (team_id, seq),
    UNIQUE (team_id, version_id)
);
INSERT INTO versions_v2
    SELECT rowid, team_id, seq, version_id, record_id, kind, key_class, key_epoch, body,
           pushed_by, received_at
    FROM versions;
DROP TABLE versions;
ALTER TABLE versions_v2 RENAME TO versions;
CREATE INDEX versions_by_record ON versions (team_id, record_id, seq);
CREATE INDEX versions_with_pusher ON versions (received_at) WHERE pushed_by IS NOT NULL;
";

/// Every step of the hub store's schema, in order; the version this build
/// writes is their number.
pub const MIGRATIONS: Migrations = Migrations::new(&[V1, V1_TO_V2]);

/// Brings a database to the current version: creates it when empty, upgrades it when
/// older, refuses it when newer or not a hub store. One transaction; each
/// step and its version bump are one savepoint in it.
pub fn migrate(conn: &mut Connection) -> Result<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let app: i32 = tx.query_row("PRAGMA application_id", [], |r| r.get(0))?;
    let version: u32 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version == 0 {
        let has_tables: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table')",
            [],
            |r| r.get(0),
        )?;
        if has_tables || app != 0 {
            return Err(StorageError::InvalidInput(
                "the file is not an empty database or a Fieldbook hub store".into(),
            ));
        }
    } else if app != APPLICATION_ID {
        return Err(StorageError::InvalidInput(
            "the file is not a Fieldbook hub store".into(),
        ));
    }
    MIGRATIONS
        .run(&mut UserVersion::new(&tx))
        .map_err(|e| StorageError::from_migration(e, "hub store"))?;
    if version == 0 {
        tx.pragma_update(None, "application_id", APPLICATION_ID)?;
    }
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema_of(conn: &Connection) -> Vec<(String, String, Option<String>)> {
        let mut stmt = conn
            .prepare("SELECT type, name, sql FROM sqlite_master ORDER BY type, name")
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    }

    /// A database made by the first release (the frozen V1 text, user_version 1)
    /// migrates to the same schema as a database created by this build.
    #[test]
    fn frozen_v1_upgrades_to_the_current_schema() {
        let mut old = Connection::open_in_memory().unwrap();
        old.execute_batch(V1).unwrap();
        old.pragma_update(None, "application_id", APPLICATION_ID)
            .unwrap();
        old.pragma_update(None, "user_version", 1).unwrap();
        migrate(&mut old).unwrap();

        let mut fresh = Connection::open_in_memory().unwrap();
        migrate(&mut fresh).unwrap();

        assert_eq!(schema_of(&old), schema_of(&fresh));
        let v: u32 = old
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v, MIGRATIONS.version());
        // Migrating again is a no-op.
        migrate(&mut fresh).unwrap();
        assert_eq!(schema_of(&old), schema_of(&fresh));
    }

    /// The schema of the first release, copied verbatim from the commit that
    /// shipped it (fab8b9d), kept apart from [`V1`] so an edit to that step
    /// cannot go unnoticed. Unindented: SQLite keeps each statement's text,
    /// and the comparison is of that text.
    const FROZEN_V1: &str = "
CREATE TABLE teams (
    id            BLOB PRIMARY KEY,
    name          TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    current_epoch INTEGER NOT NULL DEFAULT 1 CHECK (current_epoch >= 1)
) WITHOUT ROWID;

-- The team's log lock and seq counter: every push takes it (BEGIN IMMEDIATE
-- already serialises writers; the row keeps both backends alike).
CREATE TABLE log_heads (
    team_id  BLOB PRIMARY KEY REFERENCES teams (id),
    next_seq INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE devices (
    id           BLOB PRIMARY KEY,
    team_id      BLOB NOT NULL REFERENCES teams (id),
    role         TEXT NOT NULL
                 CHECK (role IN ('outreach', 'case-manager', 'peer-leader', 'supervisor')),
    public_key   BLOB CHECK (public_key IS NULL OR length(public_key) = 32),
    token_hash   BLOB NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    status       TEXT NOT NULL CHECK (status IN ('active', 'revoked')),
    wipe_pending INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER,
    label        TEXT
) WITHOUT ROWID;
CREATE INDEX devices_by_team ON devices (team_id, created_at);

CREATE TABLE invites (
    id            BLOB PRIMARY KEY,
    team_id       BLOB NOT NULL REFERENCES teams (id),
    role          TEXT NOT NULL
                  CHECK (role IN ('outreach', 'case-manager', 'peer-leader', 'supervisor')),
    verifier_hash BLOB NOT NULL CHECK (length(verifier_hash) = 32),
    key_bundle    BLOB,
    created_by    BLOB REFERENCES devices (id),
    created_at    INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    used_at       INTEGER
);

-- Each team's append-only log of sealed versions.
CREATE TABLE versions (
    rowid       INTEGER PRIMARY KEY,
    team_id     BLOB NOT NULL REFERENCES teams (id),
    seq         INTEGER NOT NULL,
    version_id  BLOB NOT NULL,
    record_id   BLOB NOT NULL,
    kind        TEXT NOT NULL,
    key_class   TEXT NOT NULL,
    key_epoch   INTEGER NOT NULL,
    body        BLOB NOT NULL,
    pushed_by   BLOB NOT NULL REFERENCES devices (id),
    received_at INTEGER NOT NULL,
    UNIQUE (team_id, seq),
    UNIQUE (team_id, version_id)
);
CREATE INDEX versions_by_record ON versions (team_id, record_id, seq);

-- Ids of versions dropped by compaction: pushing one again is a duplicate,
-- not a new version.
CREATE TABLE compacted_versions (
    team_id    BLOB NOT NULL REFERENCES teams (id),
    version_id BLOB NOT NULL,
    PRIMARY KEY (team_id, version_id)
) WITHOUT ROWID;

CREATE TABLE key_envelopes (
    team_id   BLOB NOT NULL REFERENCES teams (id),
    epoch     INTEGER NOT NULL,
    device_id BLOB NOT NULL REFERENCES devices (id),
    key_class TEXT NOT NULL,
    wrapped   BLOB NOT NULL,
    PRIMARY KEY (team_id, epoch, device_id, key_class)
) WITHOUT ROWID;
CREATE INDEX key_envelopes_by_device ON key_envelopes (device_id, epoch);
";

    /// A first-release hub store, rows and all, upgrades to the schema a new
    /// store gets; its rows survive the rebuild of `versions`.
    #[test]
    fn a_first_release_store_keeps_its_rows() {
        let mut old = Connection::open_in_memory().unwrap();
        old.execute_batch(FROZEN_V1).unwrap();
        old.pragma_update(None, "application_id", APPLICATION_ID)
            .unwrap();
        old.pragma_update(None, "user_version", 1).unwrap();
        let token = [7u8; 32];
        old.execute_batch(&format!(
            "INSERT INTO teams VALUES (x'01', 'Team', 10, 2);
             INSERT INTO log_heads VALUES (x'01', 2);
             INSERT INTO devices VALUES (x'02', x'01', 'supervisor', NULL, x'{}', 'active',
                 0, 11, 12, 'phone');
             INSERT INTO versions (team_id, seq, version_id, record_id, kind, key_class,
                 key_epoch, body, pushed_by, received_at)
                 VALUES (x'01', 1, x'03', x'04', 'client', 'general', 2, x'0506', x'02', 13);
             INSERT INTO compacted_versions VALUES (x'01', x'09');
             INSERT INTO key_envelopes VALUES (x'01', 2, x'02', 'general', x'08');",
            token.iter().map(|b| format!("{b:02x}")).collect::<String>()
        ))
        .unwrap();

        migrate(&mut old).unwrap();

        let mut fresh = Connection::open_in_memory().unwrap();
        migrate(&mut fresh).unwrap();
        assert_eq!(schema_of(&old), schema_of(&fresh));
        let version: (i64, Vec<u8>, Vec<u8>, Option<Vec<u8>>, i64) = old
            .query_row(
                "SELECT seq, version_id, body, pushed_by, received_at FROM versions",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )
            .unwrap();
        assert_eq!(version, (1, vec![3], vec![5, 6], Some(vec![2]), 13));
        let envelope: (Vec<u8>, Option<Vec<u8>>) = old
            .query_row("SELECT wrapped, signer FROM key_envelopes", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        assert_eq!(envelope, (vec![8], None));
        let counts: (i64, i64, i64, i64) = old
            .query_row(
                "SELECT (SELECT current_epoch FROM teams), (SELECT next_seq FROM log_heads), \
                 (SELECT count(*) FROM devices), (SELECT count(*) FROM compacted_versions)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .unwrap();
        assert_eq!(counts, (2, 2, 1, 1));
    }

    #[test]
    fn the_version_is_the_number_of_steps() {
        assert_eq!(
            MIGRATIONS.version(),
            2,
            "the version stored by released builds"
        );
    }

    #[test]
    fn refuses_foreign_and_newer_databases() {
        let mut foreign = Connection::open_in_memory().unwrap();
        foreign.execute_batch("CREATE TABLE t (x)").unwrap();
        assert!(matches!(
            migrate(&mut foreign),
            Err(StorageError::InvalidInput(_))
        ));

        let mut newer = Connection::open_in_memory().unwrap();
        migrate(&mut newer).unwrap();
        newer
            .pragma_update(None, "user_version", MIGRATIONS.version() + 1)
            .unwrap();
        assert!(matches!(
            migrate(&mut newer),
            Err(StorageError::InvalidInput(_))
        ));
    }
}
