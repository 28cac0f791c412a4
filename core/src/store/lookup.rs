//! Exact-match lookups (a client's contacts and referrals, clients by code or
//! area) that a locked store does not give away.
//!
//! A term is a keyed hash of one field's value (see `BlindIndex`). The records
//! sharing a term are kept in posting lists, in chunks of [`CHUNK_IDS`] ids,
//! each sealed under a key of the term's class and padded to full size. A
//! copy of a locked store shows how many chunks each (unrecognisable) term
//! has, never which records are in them: it does not group a client's
//! contacts, case notes and referrals together.

use rusqlite::{params, Connection, OptionalExtension};
use serde_json::Value;
use std::collections::BTreeSet;

use super::vault::UnlockedKeys;
use super::view::RecordView;
use crate::crypto::{open, seal, BlindIndex, Domain, SecretKey};
use crate::record::{RecordId, RecordKind, SensitivityClass};
use crate::Result;

/// Ids per sealed chunk. Small, so a client's handful of records costs one
/// chunk; a term shared by thousands (an area) costs one chunk per eight.
const CHUNK_IDS: usize = 8;
const ID_LEN: usize = 16;
const CHUNK_PLAIN_LEN: usize = 1 + CHUNK_IDS * ID_LEN;

type Term = [u8; 32];

/// The fields exact lookups need, per kind. Their values are stored only as
/// keyed hashes, never in clear.
pub fn lookup_fields(kind: RecordKind) -> &'static [&'static str] {
    match kind {
        RecordKind::Client => &["uic", "area"],
        RecordKind::Contact | RecordKind::CaseNote => &["client_id"],
        RecordKind::Referral => &["client_id", "status"],
        RecordKind::Meeting => &["attendee_ids"],
    }
}

pub fn lookup_term(index: &BlindIndex, field: &str, value: &str) -> Term {
    index.term(field, value)
}

fn terms_of(index: &BlindIndex, view: &RecordView) -> BTreeSet<Term> {
    let mut terms = BTreeSet::new();
    if view.deleted {
        return terms;
    }
    for field in lookup_fields(view.kind) {
        match view.values.get(*field) {
            Some(Value::String(s)) => {
                terms.insert(lookup_term(index, field, s));
            }
            Some(Value::Array(items)) => {
                for s in items.iter().filter_map(Value::as_str) {
                    terms.insert(lookup_term(index, field, s));
                }
            }
            _ => {}
        }
    }
    terms
}

/// Moves record `id` from the terms of its old view to those of its new
/// one, in the caller's transaction.
pub fn reindex(
    conn: &Connection,
    index: &BlindIndex,
    id: RecordId,
    old: Option<&RecordView>,
    new: &RecordView,
) -> Result<()> {
    let before = old.map(|v| terms_of(index, v)).unwrap_or_default();
    let after = terms_of(index, new);
    if before == after {
        return Ok(());
    }
    let key = index.postings_key();
    for term in before.difference(&after) {
        remove(conn, &key, term, id)?;
    }
    for term in after.difference(&before) {
        add(conn, &key, term, id)?;
    }
    Ok(())
}

/// Records whose term for `field` equals `value`, across the classes this
/// device holds. A chunk that does not open (damage) is passed over; `check`
/// names it.
pub fn find(
    conn: &Connection,
    keys: &UnlockedKeys,
    field: &str,
    value: &str,
) -> Result<Vec<RecordId>> {
    let mut ids = Vec::new();
    for class in SensitivityClass::ALL {
        let Some(index) = keys.index(class) else {
            continue;
        };
        let term = lookup_term(index, field, value);
        let key = index.postings_key();
        for (chunk, body) in chunks(conn, &term)? {
            ids.extend(open_chunk(&key, &term, chunk, &body).unwrap_or_default());
        }
    }
    ids.sort();
    ids.dedup();
    Ok(ids)
}

/// Seals the clear lookup rows of a store from before sealed posting lists,
/// at its first unlock after the upgrade (sealing needs the keys). In the
/// caller's transaction; returns how many rows moved.
pub fn seal_clear_terms(conn: &Connection, keys: &UnlockedKeys) -> Result<u64> {
    let rows: Vec<(Vec<u8>, Vec<u8>, String)> = conn
        .prepare(
            "SELECT l.term, l.record_id, r.key_class FROM lookup l
             JOIN records r ON r.id = l.record_id",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let moved = rows.len() as u64;
    for (term, record, class) in rows {
        let (Ok(term), Some(id), Some(class)) = (
            Term::try_from(term.as_slice()),
            RecordId::from_slice(&record),
            SensitivityClass::parse(&class),
        ) else {
            continue;
        };
        if let Some(index) = keys.index(class) {
            add(conn, &index.postings_key(), &term, id)?;
        }
    }
    conn.execute("DELETE FROM lookup", [])?;
    Ok(moved)
}

/// How many stored chunks open under none of the postings keys this device
/// holds: damaged (or sealed under a key damaged here). For `check`.
pub fn unopenable_chunks(conn: &Connection, keys: &UnlockedKeys) -> Result<u64> {
    let postings_keys: Vec<SecretKey> = SensitivityClass::ALL
        .iter()
        .filter_map(|c| keys.index(*c))
        .map(BlindIndex::postings_key)
        .collect();
    let mut stmt = conn.prepare("SELECT term, chunk, body FROM lookup_postings")?;
    let mut rows = stmt.query([])?;
    let mut unopenable = 0;
    while let Some(row) = rows.next()? {
        let (term, chunk, body): (Vec<u8>, i64, Vec<u8>) = (row.get(0)?, row.get(1)?, row.get(2)?);
        let opens = Term::try_from(term.as_slice()).is_ok_and(|term| {
            postings_keys
                .iter()
                .any(|key| open_chunk(key, &term, chunk, &body).is_some())
        });
        if !opens {
            unopenable += 1;
        }
    }
    Ok(unopenable)
}

/// Drops every posting list, before `repair` files each readable record again.
pub fn clear(conn: &Connection) -> Result<()> {
    conn.execute("DELETE FROM lookup_postings", [])?;
    Ok(())
}

fn chunks(conn: &Connection, term: &Term) -> Result<Vec<(i64, Vec<u8>)>> {
    let mut stmt = conn
        .prepare_cached("SELECT chunk, body FROM lookup_postings WHERE term = ?1 ORDER BY chunk")?;
    let rows = stmt
        .query_map([term.as_slice()], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

const LAST_CHUNK: &str =
    "SELECT chunk, body FROM lookup_postings WHERE term = ?1 ORDER BY chunk DESC LIMIT 1";

fn add(conn: &Connection, key: &SecretKey, term: &Term, id: RecordId) -> Result<()> {
    let last: Option<(i64, Vec<u8>)> = conn
        .prepare_cached(LAST_CHUNK)?
        .query_row([term.as_slice()], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let (chunk, ids) = match last {
        None => (0, vec![id]),
        Some((chunk, body)) => match open_chunk(key, term, chunk, &body) {
            Some(ids) if ids.contains(&id) => return Ok(()),
            Some(mut ids) if ids.len() < CHUNK_IDS => {
                ids.push(id);
                (chunk, ids)
            }
            // Full, or damaged (left for `check`): a new chunk.
            _ => (chunk + 1, vec![id]),
        },
    };
    write_chunk(conn, key, term, chunk, &ids)
}

fn remove(conn: &Connection, key: &SecretKey, term: &Term, id: RecordId) -> Result<()> {
    for (chunk, body) in chunks(conn, term)? {
        let Some(mut ids) = open_chunk(key, term, chunk, &body) else {
            continue;
        };
        if let Some(at) = ids.iter().position(|x| *x == id) {
            ids.remove(at);
            if ids.is_empty() {
                conn.prepare_cached("DELETE FROM lookup_postings WHERE term = ?1 AND chunk = ?2")?
                    .execute(params![term.as_slice(), chunk])?;
                return Ok(());
            }
            return write_chunk(conn, key, term, chunk, &ids);
        }
    }
    Ok(())
}

fn aad(term: &Term, chunk: i64) -> Vec<u8> {
    Domain::lookup_postings_aad(term, chunk)
}

fn write_chunk(
    conn: &Connection,
    key: &SecretKey,
    term: &Term,
    chunk: i64,
    ids: &[RecordId],
) -> Result<()> {
    debug_assert!(!ids.is_empty() && ids.len() <= CHUNK_IDS);
    let mut plain = Vec::with_capacity(CHUNK_PLAIN_LEN);
    plain.push(ids.len() as u8);
    for id in ids {
        plain.extend_from_slice(id.as_bytes());
    }
    plain.resize(CHUNK_PLAIN_LEN, 0);
    let body = seal(key, &aad(term, chunk), &plain);
    conn.prepare_cached(
        "INSERT INTO lookup_postings (term, chunk, body) VALUES (?1, ?2, ?3)
         ON CONFLICT (term, chunk) DO UPDATE SET body = excluded.body",
    )?
    .execute(params![term.as_slice(), chunk, body])?;
    Ok(())
}

/// The ids a chunk holds, or `None` when it does not open.
fn open_chunk(key: &SecretKey, term: &Term, chunk: i64, body: &[u8]) -> Option<Vec<RecordId>> {
    let plain = open(key, &aad(term, chunk), body).ok()?;
    let count = *plain.first()? as usize;
    if plain.len() != CHUNK_PLAIN_LEN || count > CHUNK_IDS {
        return None;
    }
    plain[1..1 + count * ID_LEN]
        .chunks_exact(ID_LEN)
        .map(RecordId::from_slice)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::SecretKey;

    fn db() -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE lookup_postings (term BLOB NOT NULL, chunk INTEGER NOT NULL,
             body BLOB NOT NULL, PRIMARY KEY (term, chunk)) WITHOUT ROWID;",
        )
        .unwrap();
        conn
    }

    fn ids_of(conn: &Connection, key: &SecretKey, term: &Term) -> Vec<RecordId> {
        let mut ids: Vec<_> = chunks(conn, term)
            .unwrap()
            .into_iter()
            .flat_map(|(c, b)| open_chunk(key, term, c, &b).unwrap())
            .collect();
        ids.sort();
        ids
    }

    #[test]
    fn a_posting_list_grows_in_padded_chunks_and_shrinks_back() {
        let conn = db();
        let key = SecretKey::make_random();
        let term = [7u8; 32];
        let mut ids: Vec<RecordId> = (0..20).map(|_| RecordId::make()).collect();
        for id in &ids {
            add(&conn, &key, &term, *id).unwrap();
            add(&conn, &key, &term, *id).unwrap(); // once only
        }
        ids.sort();
        assert_eq!(ids_of(&conn, &key, &term), ids);
        let sizes: BTreeSet<usize> = chunks(&conn, &term)
            .unwrap()
            .iter()
            .map(|(_, b)| b.len())
            .collect();
        assert_eq!(sizes.len(), 1, "every chunk seals to one size: {sizes:?}");
        assert_eq!(
            chunks(&conn, &term).unwrap().len(),
            3,
            "20 ids in chunks of 8"
        );
        for id in ids.drain(..12) {
            remove(&conn, &key, &term, id).unwrap();
        }
        assert_eq!(ids_of(&conn, &key, &term), ids);
        for id in ids.drain(..) {
            remove(&conn, &key, &term, id).unwrap();
        }
        assert!(chunks(&conn, &term).unwrap().is_empty());
    }

    #[test]
    fn adding_to_a_posting_list_keeps_its_statements_prepared() {
        // Without the connection's settings SQLite prepared the last-chunk
        // read again at every add (it plans `LIMIT 1` by the bound term).
        let conn = db();
        crate::store::db::configure(&conn).unwrap();
        let key = SecretKey::make_random();
        for i in 0..20u8 {
            add(&conn, &key, &[i % 7; 32], RecordId::make()).unwrap();
        }
        let stmt = conn.prepare_cached(LAST_CHUNK).unwrap();
        assert_eq!(stmt.get_status(rusqlite::StatementStatus::Run), 20);
        assert_eq!(stmt.get_status(rusqlite::StatementStatus::RePrepare), 0);
    }

    #[test]
    fn a_chunk_moved_to_another_term_or_place_does_not_open() {
        let conn = db();
        let key = SecretKey::make_random();
        let id = RecordId::make();
        add(&conn, &key, &[1; 32], id).unwrap();
        let (_, body) = chunks(&conn, &[1; 32]).unwrap().remove(0);
        assert!(open_chunk(&key, &[2; 32], 0, &body).is_none());
        assert!(open_chunk(&key, &[1; 32], 1, &body).is_none());
        assert!(open_chunk(&SecretKey::make_random(), &[1; 32], 0, &body).is_none());
    }
}
