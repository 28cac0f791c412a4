//! The hub's files are readable by the hub's user only: its data directory
//! is 0700, the database and its journal files 0600.
//!
//! A directory or file that already exists with looser modes (a hub from
//! before this rule, or a directory made by `mkdir`) is tightened, with a
//! warning, so an upgrade needs no step. One that belongs to another user
//! is refused: its owner could loosen it again, or read what is in it, so
//! the hub cannot make it private, and changing another user's files would
//! surprise that user.

use std::io;
use std::path::{Path, PathBuf};

/// The data directory's mode.
pub const DIR_MODE: u32 = 0o700;
/// The database files' mode.
pub const FILE_MODE: u32 = 0o600;

/// Why the hub's data directory or files cannot be made private to the hub's user.
#[derive(Debug, thiserror::Error)]
pub enum PrivateFileError {
    /// It belongs to another user.
    #[error("{} belongs to another user (uid {owner}) than the hub's (uid {hub}): give it to the hub's user (chown) or choose another data directory", path.display())]
    ForeignOwner {
        /// The directory or file.
        path: PathBuf,
        /// Its owner's uid.
        owner: u32,
        /// The uid the hub runs as.
        hub: u32,
    },
    /// The data directory's path names something other than a directory.
    #[error("{} is not a directory", path.display())]
    NotADirectory {
        /// What the path names.
        path: PathBuf,
    },
    /// A directory every user may write to, like `/tmp`.
    #[error("{} is shared by all users (sticky bit, like /tmp): choose a directory of the hub's own inside it", path.display())]
    Shared {
        /// The shared directory.
        path: PathBuf,
    },
    /// Its modes could not be read or changed.
    #[error("cannot make {} private to the hub's user: {source}", path.display())]
    Io {
        /// The directory or file.
        path: PathBuf,
        /// What the system answered.
        source: io::Error,
    },
    /// The directory or the database file could not be created.
    #[error("cannot create {}: {source}", path.display())]
    Create {
        /// The directory or file to create.
        path: PathBuf,
        /// What the system answered.
        source: io::Error,
    },
}

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> PrivateFileError + '_ {
    move |source| PrivateFileError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Creates `dir` (and missing parents) with mode 0700, or checks an existing
/// one is the hub user's and tightens it to 0700.
pub fn private_dir(dir: &Path) -> Result<(), PrivateFileError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        if !dir.exists() {
            std::fs::DirBuilder::new()
                .recursive(true)
                .mode(DIR_MODE)
                .create(dir)
                .map_err(|source| PrivateFileError::Create {
                    path: dir.to_path_buf(),
                    source,
                })?;
        }
        use std::os::unix::fs::PermissionsExt;
        let meta = std::fs::metadata(dir).map_err(io_error(dir))?;
        if !meta.is_dir() {
            return Err(PrivateFileError::NotADirectory {
                path: dir.to_path_buf(),
            });
        }
        if meta.permissions().mode() & 0o1000 != 0 {
            return Err(PrivateFileError::Shared {
                path: dir.to_path_buf(),
            });
        }
        tighten(dir, &meta, DIR_MODE)
    }
    #[cfg(not(unix))]
    {
        std::fs::create_dir_all(dir).map_err(io_error(dir))
    }
}

/// Makes the SQLite database at `db` private: created empty with mode 0600
/// when missing (SQLite gives its `-wal` and `-shm` files the database's
/// mode), and the database and any journal files left from before tightened.
pub fn private_database(db: &Path) -> Result<(), PrivateFileError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(FILE_MODE)
            .open(db)
        {
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
            Err(source) => {
                return Err(PrivateFileError::Create {
                    path: db.to_path_buf(),
                    source,
                })
            }
        }
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let mut name = db.as_os_str().to_owned();
            name.push(suffix);
            let path = PathBuf::from(name);
            match std::fs::metadata(&path) {
                Ok(meta) => tighten(&path, &meta, FILE_MODE)?,
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(io_error(&path)(e)),
            }
        }
    }
    #[cfg(not(unix))]
    let _ = db;
    Ok(())
}

/// Refuses `path` if another user owns it; sets its mode to `mode` if any
/// group or other bit is set.
#[cfg(unix)]
fn tighten(path: &Path, meta: &std::fs::Metadata, mode: u32) -> Result<(), PrivateFileError> {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    // SAFETY: geteuid has no preconditions and cannot fail.
    let hub = unsafe { libc::geteuid() };
    if meta.uid() != hub {
        return Err(PrivateFileError::ForeignOwner {
            path: path.to_path_buf(),
            owner: meta.uid(),
            hub,
        });
    }
    let was = meta.permissions().mode() & 0o777;
    if was & 0o077 != 0 {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
            .map_err(io_error(path))?;
        tracing::warn!(path = %path.display(), was = format!("{was:o}"), now = format!("{mode:o}"), "made readable by the hub's user only");
    }
    Ok(())
}

#[cfg(test)]
#[cfg(unix)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn a_new_directory_and_database_are_private() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("a").join("hub");
        private_dir(&dir).unwrap();
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&tmp.path().join("a")), 0o700);
        let db = dir.join("hub.db");
        private_database(&db).unwrap();
        assert_eq!(mode(&db), 0o600);
        assert_eq!(std::fs::metadata(&db).unwrap().len(), 0);
    }

    #[test]
    fn loose_modes_from_before_are_tightened() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("hub");
        std::fs::create_dir(&dir).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        let db = dir.join("hub.db");
        for name in ["hub.db", "hub.db-wal", "hub.db-shm"] {
            let path = dir.join(name);
            std::fs::write(&path, b"").unwrap();
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        }
        private_dir(&dir).unwrap();
        private_database(&db).unwrap();
        assert_eq!(mode(&dir), 0o700);
        for name in ["hub.db", "hub.db-wal", "hub.db-shm"] {
            assert_eq!(mode(&dir.join(name)), 0o600, "{name}");
        }
        // Already private: nothing changes, nothing fails.
        private_dir(&dir).unwrap();
        private_database(&db).unwrap();
    }

    #[test]
    fn a_file_or_a_shared_directory_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("hub");
        std::fs::write(&file, b"").unwrap();
        let err = private_dir(&file).unwrap_err();
        assert!(
            matches!(err, PrivateFileError::NotADirectory { .. }),
            "{err}"
        );
        let shared = tmp.path().join("shared");
        std::fs::create_dir(&shared).unwrap();
        std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o1777)).unwrap();
        let err = private_dir(&shared).unwrap_err();
        assert!(matches!(err, PrivateFileError::Shared { .. }), "{err}");
        assert_eq!(mode(&shared), 0o777, "left as it was");
    }

    #[test]
    fn another_users_directory_is_refused_not_changed() {
        // Giving a directory away needs root (CI runs the tests as root).
        if unsafe { libc::geteuid() } != 0 {
            eprintln!("skipped: not root, cannot give a directory to another user");
            return;
        }
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("hub");
        std::fs::create_dir(&dir).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        std::os::unix::fs::chown(&dir, Some(65534), Some(65534)).unwrap();
        let err = private_dir(&dir).unwrap_err().to_string();
        assert!(
            err.contains("belongs to another user (uid 65534)") && err.contains("chown"),
            "{err}"
        );
        assert_eq!(mode(&dir), 0o755, "left as it was");
    }
}
