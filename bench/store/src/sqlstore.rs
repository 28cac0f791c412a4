//! The baselines: Fieldbook's schema and write path with the encryption taken
//! out, on plain SQLite or on SQLCipher (`PRAGMA key`).
//!
//! Every write does what `Store::add_many` does, statement for statement:
//! validate against the form (the core's own validator), compute the client
//! code, check links, build the version, insert it, load and merge the
//! record's state, upsert the head (state + view), refresh the lookup rows,
//! append an audit entry and move the audit head, then save the clock. The
//! differences are only the cryptography: JSON is stored in clear instead of
//! sealed, lookup rows hold the normalized value instead of an HMAC term, and
//! the audit chain uses an unkeyed SHA-256. Reads likewise mirror the core's
//! queries (same SQL, same JSON, same sorting and filtering).

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;
use fieldbook_core::crypto::blind_index::normalize;
use fieldbook_core::crypto::SecretKey;
use fieldbook_core::forms;
use fieldbook_core::queries::{fold_for_search, record_date, ClientSearch};
use fieldbook_core::record::{
    meta_fields, DeviceId, Hlc, HlcClock, RecordId, RecordKind, RecordState, RecordVersion, Stamp,
    VersionId,
};
use fieldbook_core::store::{configure_connection, lookup_fields, RecordView, SCHEMA_V1};
use fieldbook_core::{uic, Lang};
use rusqlite::{params, Connection, OpenFlags, OptionalExtension, TransactionBehavior};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

pub type Res<T> = Result<T, Box<dyn std::error::Error>>;

pub struct SqlStore {
    pub conn: Connection,
    device: DeviceId,
    hlc: HlcClock,
    /// The client-code key: a plain-SQLite app computing the same codes.
    uic_key: SecretKey,
}

fn key_pragma(conn: &Connection, passphrase: Option<&str>) -> Res<()> {
    if let Some(p) = passphrase {
        // SQLCipher 4 defaults: PBKDF2-HMAC-SHA512, 256,000 iterations, 4 KiB pages.
        conn.pragma_update(None, "key", p)?;
    }
    Ok(())
}

/// The client-code key every baseline computes codes with.
pub fn uic_key() -> SecretKey {
    SecretKey::from_bytes(&[7u8; 32]).expect("32 bytes")
}

impl SqlStore {
    pub fn create(path: &Path, passphrase: Option<&str>) -> Res<SqlStore> {
        let mut conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        key_pragma(&conn, passphrase)?;
        configure_connection(&conn)?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute_batch(SCHEMA_V1)?;
        tx.pragma_update(None, "user_version", 1)?;
        tx.commit()?;
        Ok(SqlStore {
            conn,
            device: DeviceId::make(),
            hlc: HlcClock::resume(Hlc::ZERO),
            uic_key: uic_key(),
        })
    }

    /// Opens the file; with a passphrase, SQLCipher derives its key on the
    /// first read (here: the `PRAGMA user_version` check, as the core does).
    pub fn open(path: &Path, passphrase: Option<&str>) -> Res<SqlStore> {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        key_pragma(&conn, passphrase)?;
        let _v: u32 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        configure_connection(&conn)?;
        let hlc: Hlc = get_blob(&conn, "hlc_last")?
            .map(|b| serde_json::from_slice(&b))
            .transpose()?
            .unwrap_or_default();
        Ok(SqlStore {
            conn,
            device: DeviceId::make(),
            hlc: HlcClock::resume(hlc),
            uic_key: uic_key(),
        })
    }

    pub fn add_many(
        &mut self,
        items: &[(RecordKind, Map<String, Value>)],
        today: NaiveDate,
    ) -> Res<Vec<RecordId>> {
        let now_ms = chrono::Utc::now().timestamp_millis().max(0) as u64;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut ids = Vec::with_capacity(items.len());
        for (kind, input) in items {
            let id = RecordId::make();
            let version = prepare_version(
                &tx,
                &self.uic_key,
                &mut self.hlc,
                self.device,
                now_ms,
                today,
                *kind,
                id,
                input,
            )?;
            apply_version(&tx, &version)?;
            audit_append(&tx, self.device, now_ms, &version)?;
            ids.push(id);
        }
        put_blob(&tx, "hlc_last", &serde_json::to_vec(&self.hlc.last())?)?;
        tx.commit()?;
        Ok(ids)
    }

    pub fn get(&self, id: RecordId) -> Res<RecordView> {
        let (_state, view) = load(&self.conn, id)?.ok_or("record not found")?;
        Ok(serde_json::from_slice(&view)?)
    }

    pub fn list(&self, kind: RecordKind) -> Res<Vec<RecordView>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id, key_class, key_epoch, view FROM records WHERE kind = ?1")?;
        let mut rows = stmt.query([kind.as_str()])?;
        let mut views = Vec::new();
        while let Some(row) = rows.next()? {
            let raw_id: Vec<u8> = row.get(0)?;
            let Some(_id) = RecordId::from_slice(&raw_id) else {
                continue;
            };
            let _class: String = row.get(1)?;
            let _epoch: u32 = row.get(2)?;
            let view = row.get_ref(3)?.as_blob()?;
            if let Ok(v) = serde_json::from_slice::<RecordView>(view) {
                views.push(v);
            }
        }
        views.retain(|r| !r.deleted);
        Ok(views)
    }

    pub fn list_clients(&self) -> Res<Vec<RecordView>> {
        let mut views = self.list(RecordKind::Client)?;
        sort_by_alias(&mut views);
        Ok(views)
    }

    pub fn lookup(&self, field: &str, value: &str) -> Res<Vec<RecordId>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT record_id FROM lookup WHERE term = ?1")?;
        let term = plain_term(field, value);
        let mut ids: Vec<RecordId> = stmt
            .query_map([term.as_slice()], |r| r.get::<_, Vec<u8>>(0))?
            .filter_map(|r| r.ok().and_then(|b| RecordId::from_slice(&b)))
            .collect();
        ids.sort();
        ids.dedup();
        Ok(ids)
    }

    pub fn search_clients(&self, search: &ClientSearch) -> Res<Vec<RecordView>> {
        let text = search
            .text
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty());
        if let Some(code) = text.and_then(|t| uic::parse_uic(t).ok()) {
            // Every client sharing the code, as the core's clients_by_uic.
            let mut out = Vec::new();
            for id in self.lookup("uic", &code)? {
                let view = self.get(id)?;
                if view.kind == RecordKind::Client
                    && !view.deleted
                    && area_matches(search.area.as_deref(), view.values.get("area"))
                {
                    out.push(view);
                }
            }
            sort_by_alias(&mut out);
            return Ok(out);
        }
        let mut views = self.list(RecordKind::Client)?;
        let prefix = text.map(fold_for_search);
        views.retain(|client| {
            let alias_ok = match &prefix {
                None => true,
                Some(prefix) => {
                    let alias = client.folded_alias();
                    alias.starts_with(prefix.as_str())
                        || alias
                            .split_whitespace()
                            .any(|w| w.starts_with(prefix.as_str()))
                }
            };
            alias_ok && area_matches(search.area.as_deref(), client.values.get("area"))
        });
        sort_by_alias(&mut views);
        Ok(views)
    }

    pub fn timeline(&self, client_id: RecordId) -> Res<Vec<(Option<NaiveDate>, RecordView)>> {
        let client = self.get(client_id)?;
        if client.kind != RecordKind::Client {
            return Err("not a client".into());
        }
        let key = client_id.to_string();
        let mut ids = self.lookup("client_id", &key)?;
        ids.extend(self.lookup("attendee_ids", &key)?);
        ids.sort();
        ids.dedup();
        let mut items = Vec::with_capacity(ids.len());
        for id in ids {
            let record = self.get(id)?;
            if record.deleted {
                continue;
            }
            items.push((record_date(&record), record));
        }
        items.sort_by(|a, b| {
            b.0.cmp(&a.0)
                .then_with(|| b.1.created_at.cmp(&a.1.created_at))
        });
        Ok(items)
    }
}

pub fn sort_by_alias(views: &mut [RecordView]) {
    views.sort_by(|a, b| {
        a.folded_alias()
            .cmp(&b.folded_alias())
            .then_with(|| a.id.cmp(&b.id))
    });
}

pub fn area_matches(wanted: Option<&str>, actual: Option<&Value>) -> bool {
    match wanted {
        None => true,
        Some(wanted) => actual
            .and_then(Value::as_str)
            .is_some_and(|a| fold_for_search(a) == fold_for_search(wanted)),
    }
}

/// The lookup row of a value in clear: field, a zero byte, the value
/// normalized as the core normalizes it before hashing.
pub fn plain_term(field: &str, value: &str) -> Vec<u8> {
    let mut t = field.as_bytes().to_vec();
    t.push(0);
    t.extend_from_slice(normalize(value).as_bytes());
    t
}

fn get_blob(conn: &Connection, key: &str) -> Res<Option<Vec<u8>>> {
    Ok(conn
        .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
        .optional()?)
}

fn put_blob(conn: &Connection, key: &str, value: &[u8]) -> Res<()> {
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )?;
    Ok(())
}

fn kind_of(conn: &Connection, id: RecordId) -> Res<Option<RecordKind>> {
    Ok(conn
        .query_row(
            "SELECT kind FROM records WHERE id = ?1",
            [id.as_bytes().as_slice()],
            |r| r.get::<_, String>(0),
        )
        .optional()?
        .and_then(|k| k.parse().ok()))
}

fn load(conn: &Connection, id: RecordId) -> Res<Option<(Vec<u8>, Vec<u8>)>> {
    Ok(conn
        .query_row(
            "SELECT kind, key_class, key_epoch, state, view FROM records WHERE id = ?1",
            [id.as_bytes().as_slice()],
            |r| {
                let _kind: String = r.get(0)?;
                let _class: String = r.get(1)?;
                let _epoch: u32 = r.get(2)?;
                Ok((r.get::<_, Vec<u8>>(3)?, r.get::<_, Vec<u8>>(4)?))
            },
        )
        .optional()?)
}

/// What every store does before it writes a new record, the floor
/// included: validate against the form (the core's own validator), compute
/// the client code, and check that links point at stored records of the
/// right kind (`kind_of` looks a record up in the store's own tables).
pub fn validated_values(
    uic_key: &SecretKey,
    today: NaiveDate,
    kind: RecordKind,
    input: &Map<String, Value>,
    kind_of: &dyn Fn(RecordId) -> Res<Option<RecordKind>>,
) -> Res<Map<String, Value>> {
    let form = forms::definition(kind);
    let validated = form
        .validate(input, None, today, Lang::default())
        .map_err(|e| format!("{kind}: {e:?}"))?;
    let mut values = validated.values;
    if kind == RecordKind::Client {
        let mother = validated
            .input_only
            .get("uic_mother_name")
            .and_then(Value::as_str);
        let father = validated
            .input_only
            .get("uic_father_name")
            .and_then(Value::as_str);
        if mother.is_some() || father.is_some() {
            let inputs = uic::UicInputs {
                mother_name: mother.unwrap_or(""),
                father_name: father.unwrap_or(""),
                birth_year: values
                    .get("birth_year")
                    .and_then(Value::as_i64)
                    .unwrap_or(0) as i32,
                sex: values.get("sex").and_then(Value::as_str).unwrap_or(""),
            };
            let code = uic::compute_uic(uic_key, &inputs)?;
            values.insert("uic".to_string(), Value::String(code));
        }
    }
    for field in &form.fields {
        let Some(expected) = field.link_kind else {
            continue;
        };
        let ids: Vec<&str> = match values.get(&field.key) {
            Some(Value::String(s)) => vec![s.as_str()],
            Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
            _ => continue,
        };
        for raw in ids {
            let id: RecordId = raw.parse()?;
            if kind_of(id)? != Some(expected) {
                return Err(format!("bad link {raw}").into());
            }
        }
    }
    Ok(values)
}

#[allow(clippy::too_many_arguments)]
fn prepare_version(
    conn: &Connection,
    uic_key: &SecretKey,
    hlc: &mut HlcClock,
    device: DeviceId,
    now_ms: u64,
    today: NaiveDate,
    kind: RecordKind,
    id: RecordId,
    input: &Map<String, Value>,
) -> Res<RecordVersion> {
    let form = forms::definition(kind);
    let mut values = validated_values(uic_key, today, kind, input, &|id| kind_of(conn, id))?;
    let stamp = Stamp {
        hlc: hlc.tick(now_ms),
        device,
    };
    let empty = RecordState::default();
    values.insert(
        meta_fields::FORM_VERSION.to_string(),
        Value::from(form.version),
    );
    let mut fields = BTreeMap::new();
    for (key, value) in values {
        let write = empty.make_write(&key, value, stamp);
        fields.insert(key, write);
    }
    Ok(RecordVersion {
        version_id: VersionId::make(),
        record_id: id,
        kind,
        stamp,
        form_version: form.version,
        fields,
    })
}

fn apply_version(conn: &Connection, version: &RecordVersion) -> Res<()> {
    let id = version.record_id;
    let class = version.kind.sensitivity();
    let body = serde_json::to_vec(version)?;
    conn.execute(
        "INSERT INTO versions (version_id, record_id, kind, key_class, key_epoch, body, pushed)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (version_id) DO NOTHING",
        params![
            version.version_id.as_bytes().as_slice(),
            id.as_bytes().as_slice(),
            version.kind.as_str(),
            class.as_str(),
            1,
            body,
            0i64,
        ],
    )?;
    let seq = conn.last_insert_rowid();
    let state = match load(conn, id)? {
        Some((state, _)) => {
            let state: RecordState = serde_json::from_slice(&state)?;
            state.merge(&version.as_state())
        }
        None => version.as_state(),
    };
    let view = RecordView::from_state(id, version.kind, &state);
    let state_json = serde_json::to_vec(&state)?;
    let view_json = serde_json::to_vec(&view)?;
    conn.execute(
        "INSERT INTO records (id, kind, key_class, key_epoch, state, view, updated_seq)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (id) DO UPDATE SET key_epoch = excluded.key_epoch, state = excluded.state,
             view = excluded.view, updated_seq = excluded.updated_seq",
        params![
            id.as_bytes().as_slice(),
            version.kind.as_str(),
            class.as_str(),
            1,
            state_json,
            view_json,
            seq
        ],
    )?;
    conn.execute(
        "DELETE FROM lookup WHERE record_id = ?1",
        [id.as_bytes().as_slice()],
    )?;
    let mut insert =
        conn.prepare_cached("INSERT OR IGNORE INTO lookup (term, record_id) VALUES (?1, ?2)")?;
    if !view.deleted {
        for field in lookup_fields(view.kind) {
            let values: Vec<&str> = match view.values.get(*field) {
                Some(Value::String(s)) => vec![s.as_str()],
                Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
                _ => continue,
            };
            for v in values {
                insert.execute(params![plain_term(field, v), id.as_bytes().as_slice()])?;
            }
        }
    }
    Ok(())
}

fn audit_append(
    conn: &Connection,
    device: DeviceId,
    now_ms: u64,
    version: &RecordVersion,
) -> Res<()> {
    // As the core: the last row of the table, then the head in meta, which
    // must agree with it (the core also checks a keyed tag on the head).
    let (last_seq, prev): (i64, Vec<u8>) = conn
        .query_row(
            "SELECT seq, mac FROM audit ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?
        .unwrap_or((0, vec![0u8; 32]));
    if let Some(head) = get_blob(conn, "audit_head")? {
        if head.len() != 40 || head[8..] != prev[..] {
            return Err("audit head and table disagree".into());
        }
    }
    let seq = last_seq + 1;
    let action = "create".to_string();
    let kind = version.kind.as_str();
    let mut bytes = Vec::with_capacity(96);
    bytes.extend_from_slice(&seq.to_be_bytes());
    bytes.extend_from_slice(&(now_ms as i64).to_be_bytes());
    for part in [
        device.as_bytes().as_slice(),
        action.as_bytes(),
        kind.as_bytes(),
        version.record_id.as_bytes().as_slice(),
        version.version_id.as_bytes().as_slice(),
    ] {
        bytes.extend_from_slice(&(part.len() as u32).to_be_bytes());
        bytes.extend_from_slice(part);
    }
    let mac: [u8; 32] = Sha256::new()
        .chain_update(&prev)
        .chain_update(&bytes)
        .finalize()
        .into();
    conn.execute(
        "INSERT INTO audit (seq, at_ms, actor, action, kind, record_id, version_id, mac)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            seq,
            now_ms as i64,
            device.as_bytes().as_slice(),
            action,
            kind,
            version.record_id.as_bytes().to_vec(),
            version.version_id.as_bytes().to_vec(),
            mac.as_slice()
        ],
    )?;
    let mut head = seq.to_be_bytes().to_vec();
    head.extend_from_slice(&mac);
    put_blob(conn, "audit_head", &head)
}
