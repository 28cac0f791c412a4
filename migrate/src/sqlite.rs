//! The backend for a SQLite database versioned by `PRAGMA user_version`.

use rusqlite::Connection;

use crate::{Database, Step};

/// The savepoint each step runs under. A savepoint nests inside the
/// caller's transaction (the device store creates a store's schema and its
/// first rows in one) and is a transaction of its own when there is none.
const SAVEPOINT: &str = "fieldbook_migrate_step";

/// A SQLite database whose schema version is its `PRAGMA user_version`.
#[derive(Debug)]
pub struct UserVersion<'c> {
    conn: &'c Connection,
}

impl<'c> UserVersion<'c> {
    /// Migrates through `conn`, which may be inside a transaction (a
    /// `rusqlite::Transaction` derefs to its connection).
    pub fn new(conn: &'c Connection) -> UserVersion<'c> {
        UserVersion { conn }
    }
}

impl Database for UserVersion<'_> {
    type Error = rusqlite::Error;

    fn stored_version(&mut self) -> rusqlite::Result<u32> {
        self.conn.query_row("PRAGMA user_version", [], |r| r.get(0))
    }

    fn apply(&mut self, step: Step) -> rusqlite::Result<()> {
        self.conn.execute_batch(&format!("SAVEPOINT {SAVEPOINT}"))?;
        let applied = self
            .conn
            .execute_batch(step.sql)
            .and_then(|()| self.conn.pragma_update(None, "user_version", step.version));
        match applied {
            Ok(()) => self.conn.execute_batch(&format!("RELEASE {SAVEPOINT}")),
            Err(e) => {
                // The step's error is the one to report; a failed rollback
                // leaves the caller's transaction to roll back on drop.
                let _ = self
                    .conn
                    .execute_batch(&format!("ROLLBACK TO {SAVEPOINT}; RELEASE {SAVEPOINT}"));
                Err(e)
            }
        }
    }
}
