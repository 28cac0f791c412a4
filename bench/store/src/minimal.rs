//! The floor: what a store with no encryption and no sync costs. Each
//! record's current values are held once, as JSON, in one row, beside the
//! columns the screens look records up by (kind, folded alias, client code,
//! folded area, the client a record is about, its day), with the indexes
//! those lookups need; a meeting's attendees have a table of their own.
//!
//! A write does what any app must before storing (the core's validation,
//! the client code, the link check, see [`validated_values`]) and one
//! insert per record, one transaction per batch, with cached statements.
//! Reads answer the same questions the other stores answer, in the same
//! order, so their answers are compared.

use std::path::Path;

use chrono::NaiveDate;
use fieldbook_core::crypto::SecretKey;
use fieldbook_core::queries::{fold_for_search, ClientSearch};
use fieldbook_core::record::{RecordId, RecordKind};
use fieldbook_core::store::configure_connection;
use fieldbook_core::uic;
use rusqlite::{params, Connection, OpenFlags, OptionalExtension, TransactionBehavior};
use serde_json::{Map, Value};

use crate::sqlstore::{uic_key, validated_values, Res};

const SCHEMA: &str = "
CREATE TABLE records (
    id BLOB PRIMARY KEY,
    kind TEXT NOT NULL,
    alias_folded TEXT,
    uic TEXT,
    area_folded TEXT,
    client_id BLOB,
    day TEXT,
    created_at INTEGER NOT NULL,
    body TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX records_by_alias ON records (kind, alias_folded, id);
CREATE INDEX records_by_uic ON records (uic);
CREATE INDEX records_by_client ON records (client_id);
CREATE TABLE attendees (
    client_id BLOB NOT NULL,
    record_id BLOB NOT NULL,
    PRIMARY KEY (client_id, record_id)
) WITHOUT ROWID;
";

/// The minimal plain store.
pub struct MinimalStore {
    conn: Connection,
    uic_key: SecretKey,
}

/// One client or record as a screen gets it: its values, decoded.
pub type Row = Map<String, Value>;

impl MinimalStore {
    pub fn create(path: &Path) -> Res<MinimalStore> {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        configure_connection(&conn)?;
        conn.execute_batch(SCHEMA)?;
        Ok(MinimalStore {
            conn,
            uic_key: uic_key(),
        })
    }

    pub fn open(path: &Path) -> Res<MinimalStore> {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        configure_connection(&conn)?;
        Ok(MinimalStore {
            conn,
            uic_key: uic_key(),
        })
    }

    pub fn add_many(
        &mut self,
        items: &[(RecordKind, Map<String, Value>)],
        today: NaiveDate,
    ) -> Res<Vec<RecordId>> {
        let now_ms = chrono::Utc::now().timestamp_millis();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut ids = Vec::with_capacity(items.len());
        {
            let mut insert = tx.prepare_cached(
                "INSERT INTO records
                 (id, kind, alias_folded, uic, area_folded, client_id, day, created_at, body)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?;
            let mut attend = tx.prepare_cached(
                "INSERT OR IGNORE INTO attendees (client_id, record_id) VALUES (?1, ?2)",
            )?;
            for (kind, input) in items {
                let lookup = |id: RecordId| -> Res<Option<RecordKind>> {
                    let kind: Option<String> = tx
                        .prepare_cached("SELECT kind FROM records WHERE id = ?1")?
                        .query_row([id.as_bytes().as_slice()], |r| r.get(0))
                        .optional()?;
                    Ok(kind.and_then(|k| k.parse().ok()))
                };
                let values = validated_values(&self.uic_key, today, *kind, input, &lookup)?;
                let id = RecordId::make();
                let text = |key: &str| values.get(key).and_then(Value::as_str);
                let client = text("client_id").map(str::parse::<RecordId>).transpose()?;
                let day = ["at", "date"].iter().find_map(|k| text(k)).map(day_of);
                insert.execute(params![
                    id.as_bytes().as_slice(),
                    kind.as_str(),
                    text("alias").map(fold_for_search),
                    text("uic"),
                    text("area").map(fold_for_search),
                    client.as_ref().map(|c| c.as_bytes().to_vec()),
                    day,
                    now_ms,
                    serde_json::to_string(&values)?,
                ])?;
                if let Some(Value::Array(attendees)) = values.get("attendee_ids") {
                    for raw in attendees.iter().filter_map(Value::as_str) {
                        let client: RecordId = raw.parse()?;
                        attend.execute(params![
                            client.as_bytes().as_slice(),
                            id.as_bytes().as_slice()
                        ])?;
                    }
                }
                ids.push(id);
            }
        }
        tx.commit()?;
        Ok(ids)
    }

    fn rows(&self, sql: &str, param: &[&dyn rusqlite::ToSql]) -> Res<Vec<Row>> {
        let mut stmt = self.conn.prepare_cached(sql)?;
        let mut rows = stmt.query(param)?;
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            out.push(serde_json::from_str(row.get_ref(0)?.as_str()?)?);
        }
        Ok(out)
    }

    /// Every client, by folded alias then id (as the other stores sort them).
    pub fn list_clients(&self) -> Res<Vec<Row>> {
        self.rows(
            "SELECT body FROM records WHERE kind = 'client' ORDER BY alias_folded, id",
            &[],
        )
    }

    /// The same search as the core's: a client code finds its clients, else
    /// the alias or a word of it starts with the text; in `area` if given.
    pub fn search_clients(&self, search: &ClientSearch) -> Res<Vec<Row>> {
        let text = search
            .text
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty());
        let area = search.area.as_deref().map(fold_for_search);
        if let Some(code) = text.and_then(|t| uic::parse_uic(t).ok()) {
            return self.rows(
                // Without statistics the planner would walk the alias index
                // for the ORDER BY; a code names a handful of clients.
                "SELECT body FROM records INDEXED BY records_by_uic
                 WHERE uic = ?1 AND kind = 'client' AND (?2 IS NULL OR area_folded = ?2)
                 ORDER BY alias_folded, id",
                &[&code, &area],
            );
        }
        let prefix = text.map(fold_for_search);
        // A word of the alias may start with the text: the whole alias is
        // read (an index serves only the alias's own start), the values of
        // the matches alone are decoded.
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, alias_folded FROM records
             WHERE kind = 'client' AND (?1 IS NULL OR area_folded = ?1)
             ORDER BY alias_folded, id",
        )?;
        let mut matching = Vec::new();
        let mut rows = stmt.query([&area])?;
        while let Some(row) = rows.next()? {
            let alias: Option<String> = row.get(1)?;
            let alias = alias.unwrap_or_default();
            let hit = prefix.as_deref().is_none_or(|p| {
                alias.starts_with(p) || alias.split_whitespace().any(|w| w.starts_with(p))
            });
            if hit {
                matching.push(row.get::<_, Vec<u8>>(0)?);
            }
        }
        let mut out = Vec::with_capacity(matching.len());
        for id in matching {
            out.extend(self.rows("SELECT body FROM records WHERE id = ?1", &[&id])?);
        }
        Ok(out)
    }

    /// A client's records (about them, or meetings they attended), newest
    /// day first, then newest written.
    pub fn timeline(&self, client: RecordId) -> Res<Vec<Row>> {
        let id = client.as_bytes().to_vec();
        let kind: Option<String> = self
            .conn
            .query_row("SELECT kind FROM records WHERE id = ?1", [&id], |r| {
                r.get(0)
            })
            .optional()?;
        if kind.as_deref() != Some("client") {
            return Err("not a client".into());
        }
        self.rows(
            "SELECT body FROM records WHERE id IN (
                 SELECT id FROM records WHERE client_id = ?1
                 UNION SELECT record_id FROM attendees WHERE client_id = ?1)
             ORDER BY day DESC, created_at DESC",
            &[&id],
        )
    }

    pub fn uic_of(&self, client: RecordId) -> Res<String> {
        let uic: Option<String> = self.conn.query_row(
            "SELECT uic FROM records WHERE id = ?1",
            [client.as_bytes().as_slice()],
            |r| r.get(0),
        )?;
        Ok(uic.ok_or("no uic")?)
    }
}

/// The day a record is about, from its `at` instant or `date`.
fn day_of(raw: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(raw)
        .map(|t| t.date_naive().to_string())
        .unwrap_or_else(|_| raw.to_string())
}
