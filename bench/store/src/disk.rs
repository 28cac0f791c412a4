//! Where Fieldbook's bytes on disk go: each table and index of its file, by
//! SQLite's own page accounting (the `dbstat` table), and the average size
//! of each sealed blob, so a change to the format can be aimed at the part
//! that weighs.

use std::path::Path;

use rusqlite::{Connection, OpenFlags};

use crate::sqlstore::Res;

pub struct DiskBreakdown {
    /// Records in the store.
    pub records: usize,
    /// (table or index, bytes of its pages), largest first.
    pub tables: Vec<(String, u64)>,
    /// (what, rows, average bytes).
    pub blobs: Vec<(&'static str, u64, f64)>,
    /// Pages on the free list: part of the file, reused by later writes.
    pub free: u64,
}

const BLOBS: [(&str, &str); 7] = [
    (
        "version body",
        "SELECT count(*), avg(length(body)) FROM version_bodies",
    ),
    (
        "version stub",
        "SELECT count(*), avg(length(stub)) FROM versions WHERE stub IS NOT NULL",
    ),
    (
        "merged state",
        "SELECT count(*), avg(length(state)) FROM records",
    ),
    (
        "list row",
        "SELECT count(*), avg(length(body)) FROM list_rows",
    ),
    (
        "posting-list chunk",
        "SELECT count(*), avg(length(body)) FROM lookup_postings",
    ),
    (
        "audit entry",
        "SELECT count(*), avg(length(body) + length(mac)) FROM audit_sealed",
    ),
    (
        "meta value",
        "SELECT count(*), avg(length(value)) FROM meta",
    ),
];

/// Reads the breakdown of the (closed) store file `db`.
pub fn measure(db: &Path, records: usize) -> Res<DiskBreakdown> {
    let conn = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let mut stmt = conn
        .prepare("SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY sum(pgsize) DESC")?;
    let tables = stmt
        .query_map([], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as u64))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut blobs = Vec::new();
    for (what, sql) in BLOBS {
        let (rows, avg): (i64, Option<f64>) =
            conn.query_row(sql, [], |r| Ok((r.get(0)?, r.get(1)?)))?;
        blobs.push((what, rows as u64, avg.unwrap_or(0.0)));
    }
    let free: i64 = conn.query_row(
        "SELECT freelist_count * page_size FROM pragma_freelist_count, pragma_page_size",
        [],
        |r| r.get(0),
    )?;
    Ok(DiskBreakdown {
        records,
        tables,
        blobs,
        free: free as u64,
    })
}

pub fn print(label: &str, b: &DiskBreakdown) {
    println!("\n## Where Fieldbook's bytes go: {label}\n");
    let total: u64 = b.tables.iter().map(|(_, bytes)| bytes).sum();
    let per = |bytes: u64| bytes as f64 / b.records.max(1) as f64;
    println!("| table or index | KiB | B per record | share |");
    println!("|---|---:|---:|---:|");
    for (name, bytes) in &b.tables {
        println!(
            "| {name} | {:.0} | {:.0} | {:.0}% |",
            *bytes as f64 / 1024.0,
            per(*bytes),
            100.0 * *bytes as f64 / total.max(1) as f64
        );
    }
    println!(
        "| **file (pages in use)** | **{:.0}** | **{:.0}** | |",
        total as f64 / 1024.0,
        per(total)
    );
    println!(
        "| (free pages, reused by later writes) | {:.0} | {:.0} | |",
        b.free as f64 / 1024.0,
        per(b.free)
    );
    println!("\n| sealed blob | rows | average bytes |");
    println!("|---|---:|---:|");
    for (what, rows, avg) in &b.blobs {
        println!("| {what} | {rows} | {avg:.0} |");
    }
}
