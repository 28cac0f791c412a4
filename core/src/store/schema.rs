//! The store's schema and its migrations, by `PRAGMA user_version`, run by
//! the shared runner (`fieldbook-migrate`).
//!
//! Only routing metadata that sync needs is stored in clear (ids, kinds, key
//! class and epoch, whether a version was pushed). Every field value lives
//! inside sealed blobs; exact-match lookups go through keyed hashes.

use fieldbook_migrate::sqlite::UserVersion;
use fieldbook_migrate::{self as migrate, Migrations, TooNew};
use rusqlite::Transaction;

use crate::{Error, Result};

/// `PRAGMA application_id`: marks a SQLite file as a Fieldbook store ("FBK1").
pub const APPLICATION_ID: i32 = 0x4642_4b31;

/// The schema version this build writes: the number of migration steps.
pub const VERSION: u32 = MIGRATIONS.version();

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

/// Version 5: record format 3. A store with records sealed as JSON rewrites
/// them, compact, at the first unlock after the upgrade (sealing needs the
/// keys); this marks that work as pending, from the start (see
/// `format_upgrade`). A new store has nothing to rewrite: [`create`] clears it.
const V4_TO_V5: &str = "
INSERT INTO meta (key, value) VALUES ('record_format_3_pending', zeroblob(16));
";

/// Version 6: each value stored once. The sealed view (every winning
/// value, beside the state that already holds them) goes; what lists and
/// search show moves to a small typed row in a table of its own, so a
/// listing reads only those rows. The rows are built from the states at
/// the first unlock after the upgrade (sealing needs the keys): this marks
/// every record head as pending, and the versions as done unless a format-2
/// rewrite of them was already pending, which then starts again (sealing a
/// format-3 version again changes nothing; see `format_upgrade`).
const V5_TO_V6: &str = "
CREATE TABLE list_rows (
    kind      TEXT NOT NULL,
    id        BLOB NOT NULL,
    key_epoch INTEGER NOT NULL,
    body      BLOB NOT NULL,
    PRIMARY KEY (kind, id)
) WITHOUT ROWID;
ALTER TABLE records DROP COLUMN view;
UPDATE meta SET value = zeroblob(16) WHERE key = 'record_format_3_pending';
INSERT OR IGNORE INTO meta (key, value)
    VALUES ('record_format_3_pending', x'0000000000000000ffffffffffffff7f');
";

/// Version 7: a version's body goes once the hub holds it and the record's
/// state still holds every write of it (see `version_stubs`). Bodies move to
/// a table of their own, so that one let go frees its pages for any later
/// write (a body shrunk in place would leave them holding air, as new
/// versions append at the log's end); `stub` is the small sealed stub that
/// stands in for a body, kept from the start (a version written here has it
/// beside its body until pushed, so that marking it pushed, which a locked
/// store does too, lets the body go without a key). `pushed = 2` marks a
/// version on the hub whose body is gone. Versions stored before keep their
/// bodies.
const V6_TO_V7: &str = "
CREATE TABLE version_bodies (
    seq  INTEGER PRIMARY KEY,
    body BLOB NOT NULL
);
INSERT INTO version_bodies (seq, body) SELECT seq, body FROM versions;
ALTER TABLE versions DROP COLUMN body;
ALTER TABLE versions ADD COLUMN stub BLOB;
";

/// Every step of the store's schema, in order; [`VERSION`] is their number.
pub const MIGRATIONS: Migrations = Migrations::new(&[
    V1, V1_TO_V2, V2_TO_V3, V3_TO_V4, V4_TO_V5, V5_TO_V6, V6_TO_V7,
]);

/// Creates the current schema in an empty database, in the caller's transaction.
pub fn create(tx: &Transaction) -> Result<()> {
    upgrade(tx)?;
    tx.execute(
        "DELETE FROM meta WHERE key = ?1",
        [super::format_upgrade::PENDING],
    )?;
    tx.pragma_update(None, "application_id", APPLICATION_ID)?;
    Ok(())
}

/// Brings a store up to [`VERSION`], one step at a time, in the caller's
/// transaction; refuses a store from a newer build.
pub fn upgrade(tx: &Transaction) -> Result<()> {
    match MIGRATIONS.run(&mut UserVersion::new(tx)) {
        Ok(_) => Ok(()),
        Err(migrate::Error::TooNew(TooNew { found, known })) => Err(Error::SchemaTooNew {
            found,
            supported: known,
        }),
        Err(migrate::Error::Database(e)) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use rusqlite::Connection;

    use super::*;

    /// The schema of the first release, copied verbatim from the commit that
    /// shipped it (0369b57), kept apart from [`V1`] so an edit to that step
    /// cannot go unnoticed. Unindented: SQLite keeps each statement's text,
    /// and the comparison below is of that text.
    const FROZEN_V1: &str = "
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
PRAGMA user_version = 1;
";

    fn tables(conn: &Connection) -> Vec<String> {
        let mut stmt = conn
            .prepare("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name")
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    }

    fn fresh() -> Connection {
        let mut fresh = Connection::open_in_memory().unwrap();
        let tx = fresh.transaction().unwrap();
        create(&tx).unwrap();
        tx.commit().unwrap();
        fresh
    }

    fn user_version(conn: &Connection) -> u32 {
        conn.query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap()
    }

    #[test]
    fn a_frozen_v1_store_upgrades_to_the_current_schema() {
        let mut old = Connection::open_in_memory().unwrap();
        old.execute_batch(V1).unwrap();
        old.pragma_update(None, "user_version", 1).unwrap();
        let tx = old.transaction().unwrap();
        upgrade(&tx).unwrap();
        tx.commit().unwrap();

        let fresh = fresh();

        assert_eq!(user_version(&old), VERSION);
        assert_eq!(tables(&old), tables(&fresh));
    }

    /// A store made by the first release, rows and all, opens on this build
    /// with the schema a new store gets and its rows intact.
    #[test]
    fn a_first_release_store_keeps_its_rows_through_every_step() {
        let mut old = Connection::open_in_memory().unwrap();
        old.execute_batch(FROZEN_V1).unwrap();
        old.execute_batch(
            "INSERT INTO meta VALUES ('store_id', x'0102');
             INSERT INTO records VALUES (1, x'aa', 'client', 'general', 1, x'01', x'02', 1);
             INSERT INTO versions (version_id, record_id, kind, key_class, key_epoch, body)
                 VALUES (x'bb', x'aa', 'client', 'general', 1, x'03');
             INSERT INTO lookup VALUES (x'cc', x'aa');
             INSERT INTO audit VALUES (1, 5, x'dd', 'create-store', NULL, NULL, NULL, x'ee');",
        )
        .unwrap();
        let tx = old.transaction().unwrap();
        upgrade(&tx).unwrap();
        tx.commit().unwrap();

        assert_eq!(user_version(&old), VERSION);
        assert_eq!(tables(&old), tables(&fresh()));
        let survived: (Vec<u8>, Vec<u8>, Vec<u8>, i64, i64) = old
            .query_row(
                "SELECT (SELECT value FROM meta WHERE key = 'store_id'), (SELECT state FROM records), \
                 (SELECT body FROM version_bodies), (SELECT count(*) FROM lookup), \
                 (SELECT at_ms FROM audit)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )
            .unwrap();
        assert_eq!(survived, (vec![1, 2], vec![1], vec![3], 1, 5));
        // Its records, sealed as JSON, are rewritten at the next unlock.
        assert!(crate::store::format_upgrade::pending(&old).unwrap());
    }

    #[test]
    fn an_up_to_date_store_is_left_as_it_is() {
        let mut store = fresh();
        let before = tables(&store);
        let tx = store.transaction().unwrap();
        upgrade(&tx).unwrap();
        tx.commit().unwrap();
        assert_eq!(tables(&store), before);
        assert_eq!(user_version(&store), VERSION);
    }

    #[test]
    fn a_store_from_a_newer_build_is_refused() {
        let mut conn = fresh();
        conn.pragma_update(None, "user_version", VERSION + 1)
            .unwrap();
        let tx = conn.transaction().unwrap();
        assert!(matches!(
            upgrade(&tx),
            Err(Error::SchemaTooNew { found, supported })
                if found == VERSION + 1 && supported == VERSION
        ));
    }

    #[test]
    fn the_version_is_the_number_of_steps() {
        assert_eq!(VERSION, 7, "the version stored by released builds");
        assert_eq!(MIGRATIONS.plan(0).unwrap().count(), VERSION as usize);
    }
}
