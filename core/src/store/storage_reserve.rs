//! A little disk space held back, so that a full phone can still unlock and
//! read its store.
//!
//! SQLite cannot even read a WAL database on a full disk: opening needs its
//! shared-memory file and a few WAL pages. So each store keeps a reserve file
//! of [`RESERVE_BYTES`] beside its database. When the disk is full, the
//! reserve is given up to the writes an unlock cannot do without (opening the
//! file, counting the PIN attempt); record writes never get it. It is made
//! again once the phone has room.

use std::io::Write;
use std::path::{Path, PathBuf};

pub const RESERVE_FILE: &str = "fieldbook.reserve";

/// Enough for SQLite's shared-memory file and the WAL pages of an unlock,
/// many times over.
pub const RESERVE_BYTES: u64 = 1024 * 1024;

/// A reserve is made again only when this much is free beyond it, so that
/// making it never fills the phone itself.
const ROOM_TO_REMAKE: u64 = 4 * RESERVE_BYTES;

fn path(dir: &Path) -> PathBuf {
    dir.join(RESERVE_FILE)
}

/// Whether the store still holds its reserve.
pub fn held(dir: &Path) -> bool {
    std::fs::metadata(path(dir)).is_ok_and(|m| m.len() >= RESERVE_BYTES)
}

/// Gives the reserve up to the disk; says whether there was one to give.
pub fn release(dir: &Path) -> bool {
    std::fs::remove_file(path(dir)).is_ok()
}

/// Makes the reserve where it is missing and the disk has room for it.
/// Says whether the store holds its reserve afterwards.
pub fn ensure(dir: &Path) -> bool {
    if held(dir) {
        return true;
    }
    if free_bytes(dir).is_some_and(|free| free < RESERVE_BYTES + ROOM_TO_REMAKE) {
        return false;
    }
    let made = write_reserve(&path(dir));
    if !made {
        let _ = std::fs::remove_file(path(dir));
    }
    made
}

/// Written out in full, not as a sparse file, so that the space is really
/// taken now and really free when the file goes. (No fsync: file systems
/// count written blocks as used at once, before they reach the disk.)
fn write_reserve(path: &Path) -> bool {
    let attempt = || -> std::io::Result<()> {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(path)?;
        let block = vec![0u8; 64 * 1024];
        for _ in 0..RESERVE_BYTES / block.len() as u64 {
            file.write_all(&block)?;
        }
        file.flush()
    };
    attempt().is_ok()
}

/// The bytes an unprivileged program may still write on the disk holding `dir`.
#[cfg(unix)]
pub fn free_bytes(dir: &Path) -> Option<u64> {
    use std::os::unix::ffi::OsStrExt;
    let c_path = std::ffi::CString::new(dir.as_os_str().as_bytes()).ok()?;
    let mut stat = std::mem::MaybeUninit::<libc::statvfs>::uninit();
    // SAFETY: a valid NUL-terminated path and a buffer of the right type.
    let rc = unsafe { libc::statvfs(c_path.as_ptr(), stat.as_mut_ptr()) };
    if rc != 0 {
        return None;
    }
    // SAFETY: statvfs returned 0, so it filled the buffer.
    let stat = unsafe { stat.assume_init() };
    #[allow(clippy::unnecessary_cast)] // the field widths differ by platform
    Some((stat.f_bavail as u64).saturating_mul(stat.f_frsize as u64))
}

#[cfg(not(unix))]
pub fn free_bytes(_dir: &Path) -> Option<u64> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reserve_is_made_once_released_once_and_made_again() {
        let dir = tempfile::tempdir().unwrap();
        assert!(!held(dir.path()));
        assert!(ensure(dir.path()));
        assert!(held(dir.path()));
        assert_eq!(
            std::fs::metadata(path(dir.path())).unwrap().len(),
            RESERVE_BYTES
        );
        assert!(release(dir.path()));
        assert!(!release(dir.path()), "there is nothing left to release");
        assert!(ensure(dir.path()));
    }

    #[test]
    fn free_space_is_read_from_the_disk() {
        let dir = tempfile::tempdir().unwrap();
        assert!(free_bytes(dir.path()).is_some_and(|b| b > 0));
    }
}
