//! The storage error: what went wrong, never which bytes.
//!
//! Messages name tables, operations and constraint kinds only. They never carry
//! record bodies, tokens, token hashes, verifiers or key material, so they can
//! be logged and returned as they are.

use thiserror::Error;

/// Everything a [`HubStorage`](super::HubStorage) operation can fail with.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum StorageError {
    /// The named thing (`"team"`, `"device"`, `"invite"`, `"version"`) does not
    /// exist, or (for an invite) its verifier did not match.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The operation contradicts the stored state: a duplicate id, an invite
    /// already used or expired, a revoked device.
    #[error("conflict: {0}")]
    Conflict(String),
    /// The caller passed something the storage refuses to store.
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// The database cannot be reached or is too busy: worth retrying later.
    #[error("storage unavailable: {0}")]
    Unavailable(String),
    /// Anything else: a bug, a corrupt file, an unexpected database error.
    #[error("internal storage error: {0}")]
    Internal(String),
}

/// Storage results.
pub type Result<T, E = StorageError> = std::result::Result<T, E>;

impl StorageError {
    /// A failed schema migration of the `store` (named in the message): a
    /// database from a newer build is the operator's input to fix.
    pub(crate) fn from_migration<E: Into<StorageError>>(
        e: fieldbook_migrate::Error<E>,
        store: &str,
    ) -> StorageError {
        match e {
            fieldbook_migrate::Error::TooNew(fieldbook_migrate::TooNew { found, known }) => {
                StorageError::InvalidInput(format!(
                    "the {store} has schema version {found}; this build knows up to {known}"
                ))
            }
            fieldbook_migrate::Error::Database(e) => e.into(),
        }
    }
}

impl From<rusqlite::Error> for StorageError {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ffi::ErrorCode;
        match &e {
            rusqlite::Error::SqliteFailure(failure, _) => {
                // The extended message names the constraint (table.column),
                // never a value; still, keep only the code for the rest.
                match failure.code {
                    ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked => {
                        StorageError::Unavailable("sqlite database is busy".into())
                    }
                    ErrorCode::ConstraintViolation => {
                        StorageError::Conflict(format!("constraint violated: {e}"))
                    }
                    ErrorCode::CannotOpen | ErrorCode::ReadOnly | ErrorCode::DiskFull => {
                        StorageError::Unavailable(format!("sqlite: {:?}", failure.code))
                    }
                    code => StorageError::Internal(format!("sqlite: {code:?}")),
                }
            }
            rusqlite::Error::QueryReturnedNoRows => StorageError::Internal("no row".into()),
            // Conversion and API errors describe types and columns, not values.
            other => StorageError::Internal(format!("sqlite: {other}")),
        }
    }
}

impl From<tokio_postgres::Error> for StorageError {
    fn from(e: tokio_postgres::Error) -> Self {
        use tokio_postgres::error::SqlState;
        if let Some(db) = e.as_db_error() {
            // Only the code and the primary message: DETAIL may quote key values.
            let code = db.code();
            let msg = format!("postgres {}: {}", code.code(), db.message());
            return if *code == SqlState::UNIQUE_VIOLATION
                || *code == SqlState::FOREIGN_KEY_VIOLATION
                || *code == SqlState::CHECK_VIOLATION
                || *code == SqlState::T_R_SERIALIZATION_FAILURE
                || *code == SqlState::T_R_DEADLOCK_DETECTED
            {
                StorageError::Conflict(msg)
            } else if *code == SqlState::TOO_MANY_CONNECTIONS
                || *code == SqlState::CANNOT_CONNECT_NOW
                || *code == SqlState::ADMIN_SHUTDOWN
                || *code == SqlState::CRASH_SHUTDOWN
                || code.code().starts_with("08")
            {
                StorageError::Unavailable(msg)
            } else {
                StorageError::Internal(msg)
            };
        }
        if e.is_closed() {
            return StorageError::Unavailable("postgres connection closed".into());
        }
        // Connection-level errors (I/O, TLS, protocol): no query values inside.
        StorageError::Unavailable(format!("postgres: {e}"))
    }
}

impl From<deadpool_postgres::PoolError> for StorageError {
    fn from(e: deadpool_postgres::PoolError) -> Self {
        match e {
            deadpool_postgres::PoolError::Backend(e) => e.into(),
            other => StorageError::Unavailable(format!("postgres pool: {other}")),
        }
    }
}

impl From<tokio::task::JoinError> for StorageError {
    fn from(e: tokio::task::JoinError) -> Self {
        if e.is_cancelled() {
            StorageError::Unavailable("storage task cancelled".into())
        } else {
            // A panic inside a storage task: its payload could quote anything.
            StorageError::Internal("storage task panicked".into())
        }
    }
}
