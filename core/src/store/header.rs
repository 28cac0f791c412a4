//! The store file's 100-byte SQLite header: telling a damaged store from a
//! file that was never one, and writing back the fields every Fieldbook
//! store holds the same way.
//!
//! A store is recognised by two marks: SQLite's magic string and Fieldbook's
//! `application_id`. A flipped bit can hit one of them, not both, so a file
//! with one mark whole (and the other off by at most one byte) is a damaged
//! store, not a foreign file. The fields repaired here have one possible
//! value in any store this build writes; anything else in the header is
//! left alone, and a repair that SQLite's own check does not accept is
//! undone.

use std::fs::OpenOptions as FileOptions;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;

use rusqlite::{Connection, OpenFlags};

use super::check_report::{Damage, Remedy};
use super::db::db_path;
use super::schema::APPLICATION_ID;
use crate::{Error, Result};

const HEADER_LEN: usize = 100;
const MAGIC: &[u8; 16] = b"SQLite format 3\0";
const APPLICATION_ID_AT: usize = 68;

/// The header's fields that hold one value in every Fieldbook store: the
/// magic string; WAL read and write versions (every connection turns WAL
/// on); no reserved bytes; the payload fractions SQLite requires; schema
/// format 4; UTF-8; the application id; the reserved zeros.
fn fixed_fields() -> Vec<(usize, Vec<u8>)> {
    vec![
        (0, MAGIC.to_vec()),
        (18, vec![2, 2, 0, 64, 32, 32]),
        (44, 4u32.to_be_bytes().to_vec()),
        (56, 1u32.to_be_bytes().to_vec()),
        (APPLICATION_ID_AT, APPLICATION_ID.to_be_bytes().to_vec()),
        (72, vec![0; 20]),
    ]
}

/// What the first bytes of a store's file say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderState {
    /// Both marks whole, every fixed field as a store writes it.
    Whole,
    /// A Fieldbook store whose header is damaged.
    Damaged,
    /// Not a Fieldbook store (another SQLite file, or something else).
    Foreign,
}

fn read_header(path: &Path) -> Result<Option<[u8; HEADER_LEN]>> {
    let mut file = std::fs::File::open(path)?;
    let mut header = [0u8; HEADER_LEN];
    match file.read_exact(&mut header) {
        Ok(()) => Ok(Some(header)),
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => Ok(None),
        Err(e) => Err(e.into()),
    }
}

fn bytes_differing(a: &[u8], b: &[u8]) -> usize {
    a.iter().zip(b).filter(|(x, y)| x != y).count()
}

fn classify(header: &[u8; HEADER_LEN]) -> HeaderState {
    let app_id = APPLICATION_ID.to_be_bytes();
    let stored_id = &header[APPLICATION_ID_AT..APPLICATION_ID_AT + 4];
    let magic_off = bytes_differing(&header[..16], MAGIC);
    let id_off = bytes_differing(stored_id, &app_id);
    let ours = (magic_off == 0 && id_off <= 1) || (id_off == 0 && magic_off <= 1);
    if !ours {
        return HeaderState::Foreign;
    }
    let whole = fixed_fields()
        .iter()
        .all(|(at, value)| header[*at..*at + value.len()] == value[..]);
    if whole {
        HeaderState::Whole
    } else {
        HeaderState::Damaged
    }
}

/// What the header of the store in `dir` says; `Foreign` for a file too
/// short to have one.
pub fn inspect(dir: &Path) -> Result<HeaderState> {
    Ok(match read_header(&db_path(dir))? {
        Some(header) => classify(&header),
        None => HeaderState::Foreign,
    })
}

/// The error for a store file SQLite refused: damaged when its header
/// still shows it is a Fieldbook store, else not a store at all.
pub fn refusal(dir: &Path) -> Error {
    match inspect(dir) {
        Ok(HeaderState::Damaged) | Ok(HeaderState::Whole) => Error::HeaderDamaged {
            path: dir.to_path_buf(),
        },
        _ => Error::NotAStore {
            path: dir.to_path_buf(),
        },
    }
}

/// Checks the header of the store in `dir` before it is opened, and with
/// `repair`, writes its fixed fields back: the damage found, if any.
pub fn check_before_open(dir: &Path, repair: bool) -> Result<Option<Damage>> {
    if !db_path(dir).is_file() {
        return Err(Error::NotAStore {
            path: dir.to_path_buf(),
        });
    }
    Ok(match (inspect(dir)?, repair) {
        (HeaderState::Whole, _) => None,
        (HeaderState::Foreign, _) => {
            return Err(Error::NotAStore {
                path: dir.to_path_buf(),
            })
        }
        (HeaderState::Damaged, false) => Some(Damage::header(Remedy::Rebuildable)),
        (HeaderState::Damaged, true) => Some(Damage::header(match self::repair(dir)? {
            HeaderRepair::Unrepairable => Remedy::Unrepairable,
            HeaderRepair::Whole | HeaderRepair::Repaired => Remedy::Rebuilt,
        })),
    })
}

/// How a header repair ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderRepair {
    /// Nothing to repair.
    Whole,
    /// The fixed fields were written back and SQLite's check accepts the file.
    Repaired,
    /// The damage is beyond the fixed fields: the header was left as it was.
    Unrepairable,
}

/// Writes the fixed fields back into a damaged header, then keeps the
/// repair only if SQLite opens the file as a Fieldbook store and its quick
/// check passes. Run with no connection open on the store.
pub fn repair(dir: &Path) -> Result<HeaderRepair> {
    let path = db_path(dir);
    let Some(original) = read_header(&path)? else {
        return Err(Error::NotAStore {
            path: dir.to_path_buf(),
        });
    };
    match classify(&original) {
        HeaderState::Whole => return Ok(HeaderRepair::Whole),
        HeaderState::Foreign => {
            return Err(Error::NotAStore {
                path: dir.to_path_buf(),
            })
        }
        HeaderState::Damaged => {}
    }
    let mut repaired = original;
    for (at, value) in fixed_fields() {
        repaired[at..at + value.len()].copy_from_slice(&value);
    }
    write_header(&path, &repaired)?;
    if opens_whole(&path) {
        return Ok(HeaderRepair::Repaired);
    }
    write_header(&path, &original)?;
    Ok(HeaderRepair::Unrepairable)
}

fn write_header(path: &Path, header: &[u8; HEADER_LEN]) -> Result<()> {
    let mut file = FileOptions::new().write(true).open(path)?;
    file.seek(SeekFrom::Start(0))?;
    file.write_all(header)?;
    file.sync_all()?;
    Ok(())
}

/// Whether SQLite reads the file as a Fieldbook store whose pages all check out.
fn opens_whole(path: &Path) -> bool {
    let check = || -> rusqlite::Result<bool> {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        let app_id: i32 = conn.query_row("PRAGMA application_id", [], |r| r.get(0))?;
        let verdict: String = conn.query_row("PRAGMA quick_check", [], |r| r.get(0))?;
        Ok(app_id == APPLICATION_ID && verdict == "ok")
    };
    check().unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store_file() -> (tempfile::TempDir, std::path::PathBuf) {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("store");
        let mut conn = super::super::db::create_new(&dir).unwrap();
        let tx = conn.transaction().unwrap();
        super::super::schema::create(&tx).unwrap();
        tx.commit().unwrap();
        conn.execute("INSERT INTO meta (key, value) VALUES ('k', 'v')", [])
            .unwrap();
        drop(conn);
        (tmp, dir)
    }

    fn flip(dir: &Path, at: usize) {
        let path = db_path(dir);
        let mut header = read_header(&path).unwrap().unwrap();
        header[at] ^= 0x04;
        write_header(&path, &header).unwrap();
    }

    #[test]
    fn a_fresh_store_has_a_whole_header() {
        let (_tmp, dir) = store_file();
        assert_eq!(inspect(&dir).unwrap(), HeaderState::Whole);
        assert_eq!(repair(&dir).unwrap(), HeaderRepair::Whole);
    }

    #[test]
    fn a_flipped_byte_in_any_fixed_field_is_damage_and_is_repaired() {
        for at in [0, 5, 15, 18, 21, 47, 59, 68, 71, 80] {
            let (_tmp, dir) = store_file();
            flip(&dir, at);
            assert_eq!(inspect(&dir).unwrap(), HeaderState::Damaged, "byte {at}");
            assert_eq!(repair(&dir).unwrap(), HeaderRepair::Repaired, "byte {at}");
            assert_eq!(inspect(&dir).unwrap(), HeaderState::Whole, "byte {at}");
            let conn = Connection::open(db_path(&dir)).unwrap();
            let v: String = conn
                .query_row("SELECT value FROM meta WHERE key = 'k'", [], |r| r.get(0))
                .unwrap();
            assert_eq!(v, "v", "byte {at}");
        }
    }

    #[test]
    fn damage_beyond_the_fixed_fields_is_left_as_it_was() {
        let (_tmp, dir) = store_file();
        // The page size and a fixed field at once: the page size has no
        // single right value to write back.
        flip(&dir, 16);
        flip(&dir, 0);
        let before = read_header(&db_path(&dir)).unwrap().unwrap();
        assert_eq!(inspect(&dir).unwrap(), HeaderState::Damaged);
        assert_eq!(repair(&dir).unwrap(), HeaderRepair::Unrepairable);
        assert_eq!(read_header(&db_path(&dir)).unwrap().unwrap(), before);
    }

    #[test]
    fn other_files_are_not_taken_for_damaged_stores() {
        let tmp = tempfile::tempdir().unwrap();
        let other = tmp.path().join("other");
        std::fs::create_dir(&other).unwrap();
        Connection::open(db_path(&other))
            .unwrap()
            .execute_batch("CREATE TABLE t (x)")
            .unwrap();
        assert_eq!(inspect(&other).unwrap(), HeaderState::Foreign);
        let garbage = tmp.path().join("garbage");
        std::fs::create_dir(&garbage).unwrap();
        std::fs::write(db_path(&garbage), vec![0x42u8; 8192]).unwrap();
        assert_eq!(inspect(&garbage).unwrap(), HeaderState::Foreign);
        assert!(matches!(repair(&garbage), Err(Error::NotAStore { .. })));
    }
}
