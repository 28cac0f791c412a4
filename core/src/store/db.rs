//! Opening the SQLite file: the pragmas every connection needs, and telling a
//! missing, foreign or damaged file apart with a clear error.

use rusqlite::{Connection, ErrorCode, OpenFlags};
use std::path::{Path, PathBuf};

use super::{header, schema, storage_reserve};
use crate::{Error, Result};

/// The database's file name inside a store directory.
pub const DB_FILE: &str = "fieldbook.db";

/// Where the database of the store in `dir` is.
pub fn db_path(dir: &Path) -> PathBuf {
    dir.join(DB_FILE)
}

/// The settings every connection to a store gets (the benchmark's
/// baselines use them too, so they differ only in encryption).
pub fn configure(conn: &Connection) -> Result<()> {
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    // WAL: readers never block the writer, and a killed process leaves every
    // committed transaction whole and every other one absent.
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    // Deleted pages are overwritten, so erased key material does not linger in free pages.
    conn.pragma_update(None, "secure_delete", "ON")?;
    // Sorts and temporary tables stay in memory: no temp files on disk.
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    // Every per-record statement of a write (version, head, postings, audit,
    // reads of the old head) stays prepared across a batch: rusqlite's
    // default of 16 would evict some of them on every record.
    conn.set_prepared_statement_cache_capacity(64);
    // One plan per statement, whatever is bound: otherwise SQLite prepares
    // a cached statement again each time a new value is bound where it could
    // plan by the value (the postings' `LIMIT 1` read did, at every record
    // written: a tenth of a write). Our queries look up keys, where the
    // value changes no plan.
    conn.set_db_config(
        rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG,
        true,
    )?;
    Ok(())
}

fn map_open_error(err: rusqlite::Error, path: &Path) -> Error {
    match err.sqlite_error_code() {
        // A damaged header makes SQLite refuse a store as it refuses a foreign file.
        Some(ErrorCode::NotADatabase) => header::refusal(path),
        Some(ErrorCode::DatabaseCorrupt) => {
            Error::StoreDamaged("the database file is corrupted".into())
        }
        _ => err.into(),
    }
}

/// Opens an existing store, refusing anything that is not one. On a full
/// disk SQLite cannot even read (it needs room for its shared-memory file):
/// the store's reserve is given up for that.
pub fn open_existing(dir: &Path) -> Result<Connection> {
    match open_existing_once(dir) {
        Err(e) if looks_like_full_disk(&e, dir) => {
            if storage_reserve::release(dir) {
                open_existing_once(dir)
            } else {
                Err(Error::StorageFull)
            }
        }
        other => other,
    }
}

/// SQLite reports a full disk while opening as an I/O error (it could not
/// size its shared-memory file); the free space tells which it was.
fn looks_like_full_disk(err: &Error, dir: &Path) -> bool {
    let io_error = matches!(err, Error::Sqlite(e) if e.sqlite_error_code() == Some(ErrorCode::SystemIoFailure));
    err.is_storage_full()
        || (io_error
            && storage_reserve::free_bytes(dir)
                .is_some_and(|free| free < storage_reserve::RESERVE_BYTES))
}

fn open_existing_once(dir: &Path) -> Result<Connection> {
    let path = db_path(dir);
    if !path.is_file() {
        return Err(Error::NotAStore {
            path: dir.to_path_buf(),
        });
    }
    let conn = Connection::open_with_flags(
        &path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| map_open_error(e, dir))?;
    let app_id: i32 = conn
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .map_err(|e| map_open_error(e, dir))?;
    if app_id != schema::APPLICATION_ID {
        return Err(header::refusal(dir));
    }
    configure(&conn).map_err(|e| match e {
        Error::Sqlite(e) => map_open_error(e, dir),
        other => other,
    })?;
    Ok(conn)
}

/// Creates the directory (private to the user) and a new, empty database file.
pub fn create_new(dir: &Path) -> Result<Connection> {
    let path = db_path(dir);
    if path.exists() {
        return Err(Error::AlreadyExists {
            path: dir.to_path_buf(),
        });
    }
    std::fs::create_dir_all(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    let conn = Connection::open_with_flags(
        &path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))?;
    }
    configure(&conn)?;
    Ok(conn)
}

/// A kind, class or role as a row stores it. This store writes only the
/// vocabulary's own spellings, so anything else is damage.
pub(crate) fn stored_name<T: std::str::FromStr>(name: &str) -> Result<T> {
    name.parse()
        .map_err(|_| Error::StoreDamaged("a row names an unknown kind, class or role".into()))
}
