//! Fieldbook's one schema migration runner, for the device store and for the
//! hub on SQLite and on PostgreSQL.
//!
//! A schema is a list of steps, each a piece of SQL: step 1 creates version
//! 1, step *n* brings version *n − 1* to *n*. The current version is the
//! length of that list, so it can never disagree with the steps. A database
//! records the version it holds (0 when empty); the runner reads it, refuses
//! a database newer than the list, and applies the missing steps in order,
//! each together with its version bump. A fresh database is just version 0:
//! initialising and upgrading are one path, and an up-to-date database is
//! left as it is.
//!
//! # Why a plan and two thin drivers
//!
//! The device store and the hub's SQLite store use rusqlite, which blocks;
//! the hub's PostgreSQL store uses tokio-postgres, which is async. A single
//! blocking trait would make the PostgreSQL backend block inside the hub's
//! runtime, and a single async trait would force an executor into the device
//! core. So every decision lives in one pure function, [`Migrations::plan`]
//! (which steps run, or why none may), and two drivers of a few lines,
//! [`Migrations::run`] over [`Database`] and [`Migrations::run_async`] over
//! [`AsyncDatabase`], only read the version, ask the plan and apply it. A
//! backend supplies "read the version" and "apply one step with its version
//! bump, both or neither", in whatever transaction it is able to give.
//!
//! With the `sqlite` feature, [`sqlite::UserVersion`] is that backend for a
//! SQLite database versioned by `PRAGMA user_version`. This crate depends on
//! nothing else, so the hub can use it without linking the device core.

#[cfg(feature = "sqlite")]
pub mod sqlite;

use std::fmt;
use std::future::Future;

/// One step of a schema: the SQL that brings a database to `version`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    /// The version the database holds once this step has run.
    pub version: u32,
    /// The statements of the step, run as one batch.
    pub sql: &'static str,
}

/// A schema's steps, in order. Released steps are frozen: never edit one,
/// append a new one.
#[derive(Debug, Clone, Copy)]
pub struct Migrations {
    steps: &'static [&'static str],
}

/// The database holds a schema version this build does not know: it was
/// written by a newer build, and opening it could damage it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooNew {
    /// The version the database holds.
    pub found: u32,
    /// The newest version this build knows.
    pub known: u32,
}

/// Why a migration did not finish.
#[derive(Debug)]
pub enum Error<E> {
    /// The database is newer than this build; nothing was changed.
    TooNew(TooNew),
    /// The database failed; the step that failed was not recorded.
    Database(E),
}

/// A blocking database the runner can migrate.
pub trait Database {
    /// The database's own error.
    type Error;
    /// The schema version the database holds; 0 for an empty database.
    fn stored_version(&mut self) -> Result<u32, Self::Error>;
    /// Runs `step.sql` and records `step.version`: both or neither.
    fn apply(&mut self, step: Step) -> Result<(), Self::Error>;
}

/// An async database the runner can migrate; the same contract as [`Database`].
pub trait AsyncDatabase {
    /// The database's own error.
    type Error;
    /// The schema version the database holds; 0 for an empty database.
    fn stored_version(&mut self) -> impl Future<Output = Result<u32, Self::Error>> + Send;
    /// Runs `step.sql` and records `step.version`: both or neither.
    fn apply(&mut self, step: Step) -> impl Future<Output = Result<(), Self::Error>> + Send;
}

impl Migrations {
    /// A schema made of `steps`: `steps[0]` creates version 1, `steps[n]`
    /// brings version `n` to `n + 1`.
    pub const fn new(steps: &'static [&'static str]) -> Migrations {
        assert!(!steps.is_empty(), "a schema has at least its first step");
        assert!(steps.len() <= u32::MAX as usize, "too many steps");
        Migrations { steps }
    }

    /// The version this build writes: the number of steps.
    pub const fn version(&self) -> u32 {
        self.steps.len() as u32
    }

    /// The steps a database at version `found` needs, in order: all of
    /// them for an empty database (0), none for an up-to-date one.
    pub fn plan(&self, found: u32) -> Result<impl Iterator<Item = Step> + '_, TooNew> {
        let known = self.version();
        if found > known {
            return Err(TooNew { found, known });
        }
        Ok(self
            .steps
            .iter()
            .zip(1..)
            .skip(found as usize)
            .map(|(&sql, version)| Step { version, sql }))
    }

    /// Brings `db` to [`version`](Self::version); returns that version.
    pub fn run<D: Database>(&self, db: &mut D) -> Result<u32, Error<D::Error>> {
        let found = db.stored_version().map_err(Error::Database)?;
        for step in self.plan(found).map_err(Error::TooNew)? {
            db.apply(step).map_err(Error::Database)?;
        }
        Ok(self.version())
    }

    /// Brings `db` to [`version`](Self::version); returns that version.
    pub async fn run_async<D: AsyncDatabase>(&self, db: &mut D) -> Result<u32, Error<D::Error>> {
        let found = db.stored_version().await.map_err(Error::Database)?;
        for step in self.plan(found).map_err(Error::TooNew)? {
            db.apply(step).await.map_err(Error::Database)?;
        }
        Ok(self.version())
    }
}

impl fmt::Display for TooNew {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the database has schema version {}; this build knows up to {}",
            self.found, self.known
        )
    }
}

impl std::error::Error for TooNew {}

impl<E: fmt::Display> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::TooNew(too_new) => too_new.fmt(f),
            Error::Database(e) => write!(f, "migration failed: {e}"),
        }
    }
}

impl<E: fmt::Debug + fmt::Display> std::error::Error for Error<E> {}

#[cfg(test)]
mod tests;
