//! The hub's files on disk are its user's alone: the data directory 0700,
//! `hub.db` and its `-wal` and `-shm` 0600, for a new hub and for one whose
//! files were made before (tightened at start). A data directory that
//! belongs to another user is refused, and left as it was.

mod common;

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;
use std::process::Command;

use common::hub::HubProcess;

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

fn set_mode(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

const FILES: [&str; 3] = ["hub.db", "hub.db-wal", "hub.db-shm"];

fn assert_private(hub: &HubProcess) {
    let dir = hub.data_dir();
    assert_eq!(mode(dir), 0o700, "{}", dir.display());
    for name in FILES {
        assert_eq!(mode(&dir.join(name)), 0o600, "{name}");
    }
}

#[test]
fn the_data_directory_and_database_files_are_private() {
    let mut hub = HubProcess::start();
    hub.create_team("Hải Phòng");
    // The serving hub keeps the database open: its WAL and index exist.
    assert_private(&hub);

    // A hub from before: a directory and files anyone could read.
    hub.kill();
    set_mode(hub.data_dir(), 0o755);
    for name in FILES {
        let path = hub.data_dir().join(name);
        if path.exists() {
            set_mode(&path, 0o644);
        }
    }
    hub.restart();
    hub.create_team("Hà Nội");
    assert_private(&hub);
    let log = std::fs::read_to_string(hub.log_file()).unwrap();
    assert!(
        log.contains("made readable by the hub's user only"),
        "{log}"
    );
    assert_eq!(hub.admin(&["team", "list"]).lines().count(), 2);
}

#[test]
fn a_data_directory_of_another_user_is_refused() {
    // Giving a directory away needs root (CI runs the tests as root).
    if std::fs::metadata("/proc/self").unwrap().uid() != 0 {
        eprintln!("skipped: not root, cannot give a directory to another user");
        return;
    }
    let mut hub = HubProcess::start();
    hub.kill();
    let dir = hub.data_dir().to_path_buf();
    set_mode(&dir, 0o755);
    std::os::unix::fs::chown(&dir, Some(65534), Some(65534)).unwrap();
    let out = Command::new(common::hub_bin())
        .arg("--data")
        .arg(&dir)
        .args(["team", "list"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(
        stderr.contains("belongs to another user (uid 65534)") && stderr.contains("chown"),
        "{stderr}"
    );
    assert_eq!(mode(&dir), 0o755, "left as it was");
    assert_eq!(std::fs::metadata(&dir).unwrap().uid(), 65534);
}
