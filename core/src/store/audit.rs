//! The local audit trail: who did what to which record and when, never the
//! contents. Each entry's MAC covers the previous entry's MAC, under a key
//! derived from the vault key, so an entry cannot be edited, inserted or
//! removed from the middle without `verify` noticing. The newest MAC and the
//! count are also kept in `meta` under a tag of the same key, so a cut tail
//! shows too. The chain starts when the store is created and every store
//! has that first entry, so a missing head, or a trail deleted whole, is a
//! cut as well, never an empty trail.
//!
//! Each entry is sealed (AES-256-GCM under a key of the vault, padded to a
//! bucket) in `audit_sealed`: a locked store shows how many entries there
//! are, never when, who, what or which record.
//!
//! An unlock's entry is first kept, sealed, with the unlock's outcome (see
//! [`defer`]), and enters the chain just after. When that cannot happen (the
//! disk is full, the app was stopped), it enters at the next write, behind a
//! marker that says how many entries came late: the gap shows in the trail,
//! and nothing in it is lost.

use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};

use super::meta;
use super::vault::UnlockedKeys;
use crate::crypto::{open, open_json, put_field, seal, seal_json, Domain, Padding, AUDIT_GENESIS};
use crate::record::{DeviceId, RecordId, RecordKind, VersionId};
use crate::{Error, Result};

/// What an audit entry records was done; never which values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    /// The store was created on this device.
    CreateStore,
    /// The store was unlocked with the PIN.
    Unlock,
    /// A record was created.
    Create,
    /// A record was edited.
    Update,
    /// A record was deleted (a tombstone version was written).
    Delete,
    /// The PIN was changed.
    ChangePin,
    /// A merged version written for log compaction (changes no value).
    Merge,
}

impl AuditAction {
    /// The action's name as stored and shown (`"create_store"`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::CreateStore => "create_store",
            AuditAction::Unlock => "unlock",
            AuditAction::Create => "create",
            AuditAction::Update => "update",
            AuditAction::Delete => "delete",
            AuditAction::ChangePin => "change_pin",
            AuditAction::Merge => "merge",
        }
    }
}

pub struct AuditEntry<'a> {
    pub at_ms: i64,
    pub actor: DeviceId,
    pub action: AuditAction,
    pub kind: Option<RecordKind>,
    pub record_id: Option<RecordId>,
    pub version_id: Option<VersionId>,
    pub extra: Option<&'a str>,
}

/// An unambiguous byte encoding of an entry (length-prefixed fields).
fn encode(
    seq: i64,
    at_ms: i64,
    actor: &[u8],
    action: &str,
    kind: Option<&str>,
    record: Option<&[u8]>,
    version: Option<&[u8]>,
) -> Vec<u8> {
    let mut out = Vec::with_capacity(96);
    out.extend_from_slice(&seq.to_be_bytes());
    out.extend_from_slice(&at_ms.to_be_bytes());
    for part in [
        Some(actor),
        Some(action.as_bytes()),
        kind.map(str::as_bytes),
        record,
        version,
    ] {
        match part {
            None => out.extend_from_slice(&u32::MAX.to_be_bytes()),
            Some(bytes) => put_field(&mut out, bytes),
        }
    }
    out
}

/// The newest entry as `meta` remembers it: seq, MAC, and a tag over both
/// under the audit key, so the head cannot be rewound to an older entry
/// copied from the table.
#[derive(Debug, Clone, Copy)]
struct Head {
    seq: i64,
    mac: [u8; 32],
}

fn head_tag(keys: &UnlockedKeys, seq: i64, mac: &[u8; 32]) -> [u8; 32] {
    keys.audit.chain(mac, &Domain::audit_head_message(seq))
}

/// The authenticated head, or `None` when it is missing, malformed or forged.
fn read_head(conn: &Connection, keys: &UnlockedKeys) -> Result<Option<Head>> {
    let Some(bytes) = meta::get_blob(conn, meta::AUDIT_HEAD)? else {
        return Ok(None);
    };
    if bytes.len() != 72 {
        return Ok(None);
    }
    let seq = i64::from_be_bytes(bytes[..8].try_into().expect("8 bytes"));
    let mac: [u8; 32] = bytes[8..40].try_into().expect("32 bytes");
    let tag: [u8; 32] = bytes[40..].try_into().expect("32 bytes");
    if !keys
        .audit
        .verify(&mac, &Domain::audit_head_message(seq), &tag)
    {
        return Ok(None);
    }
    Ok(Some(Head { seq, mac }))
}

fn write_head(conn: &Connection, keys: &UnlockedKeys, seq: i64, mac: &[u8; 32]) -> Result<()> {
    let tag = head_tag(keys, seq, mac);
    meta::put_blob(
        conn,
        meta::AUDIT_HEAD,
        &[&seq.to_be_bytes()[..], mac, &tag].concat(),
    )
}

fn last_row(conn: &Connection) -> Result<(i64, [u8; 32])> {
    let row: Option<(i64, Vec<u8>)> = conn
        .query_row(
            "SELECT seq, mac FROM audit_sealed ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    Ok(match row {
        None => (0, AUDIT_GENESIS),
        Some((seq, mac)) => (seq, mac.as_slice().try_into().unwrap_or([0u8; 32])),
    })
}

/// Written when an append finds the table's newest entry is not the head
/// `meta` remembers: entries were removed. It stays in the chain, so
/// `verify` reports the cut for good instead of the next write hiding it.
const TAIL_MISSING: &str = "audit_tail_missing";

/// Starts the trail of a new store with its first entry.
pub fn start(conn: &Transaction, keys: &UnlockedKeys, entry: &AuditEntry) -> Result<()> {
    debug_assert_eq!(entry.action, AuditAction::CreateStore);
    let (seq, mac) = insert(conn, keys, 1, &AUDIT_GENESIS, entry, action_text(entry))?;
    write_head(conn, keys, seq, &mac)
}

/// The chain's head while a batch of writes appends to it: the last
/// entry's seq and MAC, kept in memory so each entry after the first costs
/// one insert, not a read and check of the head and a rewrite of it.
#[derive(Debug, Clone, Copy)]
pub struct BatchHead(Head);

/// Appends an entry in the caller's transaction, and keeps the chain's
/// head in `batch` for the next one. The first append of a batch (`batch`
/// empty) puts deferred entries in first and checks the stored head against
/// the table, as every write always did; later ones chain from `batch`.
/// The head in `meta` is written by [`finish_batch`], in the same
/// transaction: it takes a transaction, not a connection, because the
/// entries and the head are separate writes, and a process killed between
/// them would leave a trail that reads as cut.
pub fn append(
    conn: &Transaction,
    keys: &UnlockedKeys,
    entry: &AuditEntry,
    batch: &mut Option<BatchHead>,
) -> Result<()> {
    let head = match batch {
        Some(BatchHead(head)) => {
            let (seq, mac) = insert(
                conn,
                keys,
                head.seq + 1,
                &head.mac,
                entry,
                action_text(entry),
            )?;
            Head { seq, mac }
        }
        None => {
            flush_deferred(conn, keys, None)?;
            chain_checked(conn, keys, entry, action_text(entry))?
        }
    };
    *batch = Some(BatchHead(head));
    Ok(())
}

/// Writes the batch's head to `meta`, before its transaction commits.
pub fn finish_batch(conn: &Transaction, keys: &UnlockedKeys, batch: BatchHead) -> Result<()> {
    write_head(conn, keys, batch.0.seq, &batch.0.mac)
}

/// Chains `entry` under `action` (its action with any extra, or a marker),
/// first marking a cut tail where the head does not match the table, and
/// writes the new head.
fn append_now(
    conn: &Transaction,
    keys: &UnlockedKeys,
    entry: &AuditEntry,
    action: String,
) -> Result<()> {
    let head = chain_checked(conn, keys, entry, action)?;
    write_head(conn, keys, head.seq, &head.mac)
}

/// As [`append_now`], leaving the head to the caller.
fn chain_checked(
    conn: &Transaction,
    keys: &UnlockedKeys,
    entry: &AuditEntry,
    action: String,
) -> Result<Head> {
    let (last_seq, last_mac) = last_row(conn)?;
    let head_matches =
        read_head(conn, keys)?.is_some_and(|head| head.seq == last_seq && head.mac == last_mac);
    let (mut seq, mut prev) = (last_seq, last_mac);
    if !head_matches {
        let gap = AuditEntry {
            action: AuditAction::Unlock,
            extra: None,
            kind: None,
            record_id: None,
            version_id: None,
            ..*entry
        };
        (seq, prev) = insert(conn, keys, seq + 1, &prev, &gap, TAIL_MISSING.to_string())?;
    }
    (seq, prev) = insert(conn, keys, seq + 1, &prev, entry, action)?;
    Ok(Head { seq, mac: prev })
}

/// An entry kept aside until it can enter the chain.
#[derive(Serialize, Deserialize)]
struct Deferred {
    at_ms: i64,
    actor: [u8; 16],
    action: String,
}

/// At most this many deferred entries are kept; older ones are dropped and
/// counted, so a phone full for months cannot grow this without bound.
const MAX_DEFERRED: usize = 1000;

#[derive(Serialize, Deserialize, Default)]
struct DeferredList {
    entries: Vec<Deferred>,
    dropped: u64,
}

fn read_deferred(conn: &Connection, keys: &UnlockedKeys) -> Result<DeferredList> {
    let Some(sealed) = meta::get_blob(conn, meta::AUDIT_DEFERRED)? else {
        return Ok(DeferredList::default());
    };
    open_json(&keys.audit_seal, Domain::AuditDeferred.bytes(), &sealed)
        .map_err(|_| Error::StoreDamaged("the deferred audit entries are damaged".into()))
}

/// Keeps an entry aside, sealed, in the caller's transaction (an unlock's
/// outcome): it enters the chain at [`flush_deferred`].
pub fn defer(conn: &Connection, keys: &UnlockedKeys, entry: &AuditEntry) -> Result<()> {
    let mut list = read_deferred(conn, keys)?;
    if list.entries.len() >= MAX_DEFERRED {
        list.entries.remove(0);
        list.dropped += 1;
    }
    list.entries.push(Deferred {
        at_ms: entry.at_ms,
        actor: *entry.actor.as_bytes(),
        action: action_text(entry),
    });
    let sealed = seal_json(
        &keys.audit_seal,
        Domain::AuditDeferred.bytes(),
        &list,
        Padding::None,
    )?;
    meta::put_blob(conn, meta::AUDIT_DEFERRED, &sealed)
}

/// Puts the deferred entries into the chain. The one made at `on_time_ms`
/// (the unlock just done) goes in as usual; any others came late, so a
/// marker saying how many goes in before them.
pub fn flush_deferred(
    conn: &Transaction,
    keys: &UnlockedKeys,
    on_time_ms: Option<i64>,
) -> Result<()> {
    let list = read_deferred(conn, keys)?;
    if list.entries.is_empty() && list.dropped == 0 {
        return Ok(());
    }
    let late = list
        .entries
        .iter()
        .filter(|e| Some(e.at_ms) != on_time_ms)
        .count() as u64
        + list.dropped;
    for (i, deferred) in list.entries.iter().enumerate() {
        if i == 0 && late > 0 {
            let marker = format!("{LATE_MARKER}:{late}");
            append_action(conn, keys, deferred, marker)?;
        }
        append_action(conn, keys, deferred, deferred.action.clone())?;
    }
    if list.entries.is_empty() {
        // Only dropped ones: the marker still says they are missing.
        let now = Deferred {
            at_ms: on_time_ms.unwrap_or(0),
            actor: [0; 16],
            action: String::new(),
        };
        append_action(conn, keys, &now, format!("{LATE_MARKER}:{late}"))?;
    }
    conn.execute("DELETE FROM meta WHERE key = ?1", [meta::AUDIT_DEFERRED])?;
    Ok(())
}

fn append_action(
    conn: &Transaction,
    keys: &UnlockedKeys,
    deferred: &Deferred,
    action: String,
) -> Result<()> {
    let entry = AuditEntry {
        at_ms: deferred.at_ms,
        actor: DeviceId(uuid::Uuid::from_bytes(deferred.actor)),
        action: AuditAction::Unlock,
        kind: None,
        record_id: None,
        version_id: None,
        extra: None,
    };
    append_now(conn, keys, &entry, action)
}

/// Says that the entries after it were written late (storage was full, or
/// the app was stopped between an unlock and its entry), and how many.
const LATE_MARKER: &str = "audit_entries_late";

fn action_text(entry: &AuditEntry) -> String {
    match entry.extra {
        Some(extra) => format!("{}:{extra}", entry.action.as_str()),
        None => entry.action.as_str().to_string(),
    }
}

fn insert(
    conn: &Connection,
    keys: &UnlockedKeys,
    seq: i64,
    prev: &[u8; 32],
    entry: &AuditEntry,
    action: String,
) -> Result<(i64, [u8; 32])> {
    let kind = entry.kind.map(RecordKind::as_str);
    let record = entry.record_id.map(|id| id.as_bytes().to_vec());
    let version = entry.version_id.map(|id| id.as_bytes().to_vec());
    let bytes = encode(
        seq,
        entry.at_ms,
        entry.actor.as_bytes(),
        &action,
        kind,
        record.as_deref(),
        version.as_deref(),
    );
    let mac = keys.audit.chain(prev, &bytes);
    put_sealed(conn, keys, seq, &bytes, &mac)?;
    Ok((seq, mac))
}

/// Entries are padded to this many bytes (or a multiple), so their sealed
/// sizes do not tell a create from an unlock.
const PAD_TO: usize = 128;

fn put_sealed(
    conn: &Connection,
    keys: &UnlockedKeys,
    seq: i64,
    bytes: &[u8],
    mac: &[u8; 32],
) -> Result<()> {
    let mut padded = Vec::with_capacity(4 + bytes.len() + PAD_TO);
    put_field(&mut padded, bytes);
    padded.resize(padded.len().div_ceil(PAD_TO) * PAD_TO, 0);
    let body = seal(&keys.audit_seal, &Domain::audit_entry_aad(seq), &padded);
    conn.prepare_cached("INSERT INTO audit_sealed (seq, body, mac) VALUES (?1, ?2, ?3)")?
        .execute(params![seq, body, mac.as_slice()])?;
    Ok(())
}

/// The encoded entry a sealed row holds, or `None` when it does not open.
fn open_sealed(keys: &UnlockedKeys, seq: i64, body: &[u8]) -> Option<Vec<u8>> {
    let padded = open(&keys.audit_seal, &Domain::audit_entry_aad(seq), body).ok()?;
    let len = u32::from_be_bytes(padded.get(..4)?.try_into().ok()?) as usize;
    padded.get(4..4 + len).map(<[u8]>::to_vec)
}

/// The action an encoded entry records (after seq, time and actor).
fn action_of(bytes: &[u8]) -> Option<String> {
    let field = |at: usize| -> Option<(&[u8], usize)> {
        let len = u32::from_be_bytes(bytes.get(at..at + 4)?.try_into().ok()?) as usize;
        Some((bytes.get(at + 4..at + 4 + len)?, at + 4 + len))
    };
    let (_actor, next) = field(16)?;
    let (action, _) = field(next)?;
    String::from_utf8(action.to_vec()).ok()
}

/// Moves the entries a store kept in clear before they were sealed into
/// `audit_sealed`, unchanged in their MACs, at the first unlock after the
/// upgrade. In the caller's transaction.
pub fn seal_clear_entries(conn: &Transaction, keys: &UnlockedKeys) -> Result<u64> {
    let mut stmt = conn.prepare(
        "SELECT seq, at_ms, actor, action, kind, record_id, version_id, mac FROM audit ORDER BY seq",
    )?;
    let rows: Vec<Row> = stmt
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    drop(stmt);
    let moved = rows.len() as u64;
    for (seq, at_ms, actor, action, kind, record, version, mac) in rows {
        let bytes = encode(
            seq,
            at_ms,
            &actor,
            &action,
            kind.as_deref(),
            record.as_deref(),
            version.as_deref(),
        );
        // A malformed MAC stays malformed: verify reports it as altered.
        let mac: [u8; 32] = mac.as_slice().try_into().unwrap_or([0u8; 32]);
        put_sealed(conn, keys, seq, &bytes, &mac)?;
    }
    if moved > 0 {
        conn.execute("DELETE FROM audit", [])?;
    }
    Ok(moved)
}

/// What verifying the audit trail's chain found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditReport {
    /// How many entries verified, up to the first bad one.
    pub entries: u64,
    /// Whether the whole chain verified.
    pub ok: bool,
    /// The first entry whose MAC does not follow from the one before it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_bad_seq: Option<i64>,
    /// What is wrong at `first_bad_seq` (an entry missing or altered…), in English.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
    /// Entries that entered the trail late (after a full disk or a stopped
    /// app), behind a marker; each is whole, but it was not written when it
    /// happened.
    pub late: u64,
}

type Row = (
    i64,
    i64,
    Vec<u8>,
    String,
    Option<String>,
    Option<Vec<u8>>,
    Option<Vec<u8>>,
    Vec<u8>,
);

pub fn verify(conn: &Connection, keys: &UnlockedKeys) -> Result<AuditReport> {
    let mut stmt = conn.prepare("SELECT seq, body, mac FROM audit_sealed ORDER BY seq")?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, Vec<u8>>(1)?,
            r.get::<_, Vec<u8>>(2)?,
        ))
    })?;
    let mut prev = AUDIT_GENESIS;
    let mut expected_seq = 1;
    let mut entries = 0;
    let mut late = 0;
    let bad = |seq: i64, entries: u64, problem: &str| AuditReport {
        entries,
        ok: false,
        first_bad_seq: Some(seq),
        problem: Some(problem.to_string()),
        late: 0,
    };
    for row in rows {
        let (seq, body, mac) = row?;
        if seq != expected_seq {
            return Ok(bad(expected_seq, entries, "an entry is missing"));
        }
        let Some(bytes) = open_sealed(keys, seq, &body) else {
            return Ok(bad(seq, entries, "an entry was altered"));
        };
        let Ok(mac) = <[u8; 32]>::try_from(mac.as_slice()) else {
            return Ok(bad(seq, entries, "an entry's MAC is malformed"));
        };
        if bytes.get(..8) != Some(&seq.to_be_bytes()[..]) || !keys.audit.verify(&prev, &bytes, &mac)
        {
            return Ok(bad(seq, entries, "an entry was altered"));
        }
        let action = action_of(&bytes).unwrap_or_default();
        if action == TAIL_MISSING {
            return Ok(bad(seq, entries, "entries before this one were removed"));
        }
        if let Some(count) = action
            .strip_prefix(LATE_MARKER)
            .and_then(|r| r.strip_prefix(':'))
        {
            late += count.parse::<u64>().unwrap_or(0);
        }
        if seq == 1 && !action.starts_with(AuditAction::CreateStore.as_str()) {
            return Ok(bad(
                seq,
                entries,
                "the trail does not start where the store began",
            ));
        }
        prev = mac;
        expected_seq += 1;
        entries += 1;
    }
    let Some(head) = read_head(conn, keys)? else {
        return Ok(bad(
            expected_seq,
            entries,
            "the trail's head is missing or forged: entries were removed",
        ));
    };
    if entries == 0 || head.seq != expected_seq - 1 || head.mac != prev {
        return Ok(bad(
            expected_seq,
            entries,
            "the newest entries were removed",
        ));
    }
    if read_deferred(conn, keys).is_err() {
        return Ok(bad(
            expected_seq,
            entries,
            "the entries waiting to enter the trail were altered",
        ));
    }
    Ok(AuditReport {
        entries,
        ok: true,
        first_bad_seq: None,
        problem: None,
        late,
    })
}

/// An entry encoded as the clear table's rows were, for tests of the move.
#[cfg(test)]
pub(super) fn tests_encode(seq: i64, at_ms: i64, actor: &[u8], action: &str) -> Vec<u8> {
    encode(seq, at_ms, actor, action, None, None, None)
}

/// A head over `seq` and `mac`, for tests of the move.
#[cfg(test)]
pub(super) fn tests_head(keys: &UnlockedKeys, seq: i64, mac: &[u8; 32]) -> Vec<u8> {
    [&seq.to_be_bytes()[..], mac, &head_tag(keys, seq, mac)].concat()
}
