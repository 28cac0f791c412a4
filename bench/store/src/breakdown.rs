//! Timing breakdowns: where Fieldbook's listing and writes spend their time,
//! measured piece by piece on the same data (no profiler needed).

use std::collections::BTreeMap;
use std::collections::HashMap;
use std::time::Instant;

use chrono::NaiveDate;
use fieldbook_core::crypto::seal::SEAL_OVERHEAD;
use fieldbook_core::crypto::{
    derive_pin_key, open, record_aad, seal, BlindIndex, KdfParams, SecretKey,
};
use fieldbook_core::forms;
use fieldbook_core::record::{
    meta_fields, DeviceId, Hlc, RecordId, RecordKind, RecordState, RecordVersion, SensitivityClass,
    Stamp, VersionId,
};
use fieldbook_core::store::{lookup_fields, ListRow, RecordView};
use fieldbook_core::{uic, Lang};
use rusqlite::{Connection, OpenFlags};
use serde_json::Value;

use crate::data::Workload;
use crate::engines::{Place, PIN};
use crate::sqlstore::Res;
use crate::{median, Measure};

pub struct ListingBreakdown {
    pub n: usize,
    pub avg_row_bytes: f64,
    pub kdf_ms: f64,
    pub sql_ms: f64,
    pub decrypt_ms: f64,
    pub parse_ms: f64,
    pub sort_ms: f64,
}

fn best_of<F: FnMut() -> Res<()>>(runs: usize, mut f: F) -> Res<f64> {
    let mut t = Vec::new();
    for _ in 0..runs {
        let s = Instant::now();
        f()?;
        t.push(s.elapsed().as_secs_f64() * 1000.0);
    }
    Ok(median(t))
}

/// The core's scan of the client list rows.
const CLIENT_ROWS: &str = "SELECT id, NULL, key_epoch, body FROM list_rows WHERE kind = 'client'";

/// The plain store's client views (JSON, in clear).
const CLIENT_VIEWS: &str =
    "SELECT id, key_class, key_epoch, view FROM records WHERE kind = 'client'";

/// Fieldbook's client listing split into its parts: the SQL scan of its own
/// file's list rows, AES-GCM opening of blobs of the same sizes, decoding
/// the same rows (made from the plain store's views), and the sort by
/// folded alias.
pub fn listing(fb: &Place, plain: &Place) -> Res<ListingBreakdown> {
    let conn = Connection::open_with_flags(fb.db_file(), OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    // The SQL part: the same statement and column reads as the core's scan.
    let mut blobs: Vec<(RecordId, Vec<u8>)> = Vec::new();
    let sql_ms = best_of(3, || {
        let mut stmt = conn.prepare_cached(CLIENT_ROWS)?;
        let mut rows = stmt.query([])?;
        let mut n = 0usize;
        while let Some(row) = rows.next()? {
            let _raw: Vec<u8> = row.get(0)?;
            let _class: Option<String> = row.get(1)?;
            let _epoch: u32 = row.get(2)?;
            let blob = row.get_ref(3)?.as_blob()?;
            n += blob.len();
        }
        std::hint::black_box(n);
        Ok(())
    })?;
    {
        let mut stmt = conn.prepare(CLIENT_ROWS)?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let raw: Vec<u8> = row.get(0)?;
            let id = RecordId::from_slice(&raw).ok_or("bad id")?;
            blobs.push((id, row.get(3)?));
        }
    }
    let n = blobs.len();
    let avg_row_bytes = blobs.iter().map(|b| b.1.len()).sum::<usize>() as f64 / n.max(1) as f64;

    // Decryption: blobs of the very same sizes, sealed under a bench key with
    // the same associated data, opened as the core opens them.
    let key = SecretKey::make_random();
    let aad_of = |id: &RecordId| {
        let mut aad = record_aad(
            RecordKind::Client,
            id.as_bytes(),
            SensitivityClass::Outreach,
            1,
        );
        aad.push(b'L');
        aad
    };
    let sealed: Vec<(RecordId, Vec<u8>)> = blobs
        .iter()
        .map(|(id, b)| {
            let plain = vec![b'x'; b.len().saturating_sub(SEAL_OVERHEAD)];
            (*id, seal(&key, &aad_of(id), &plain))
        })
        .collect();
    let decrypt_ms = best_of(3, || {
        for (id, s) in &sealed {
            let p = open(&key, &aad_of(id), s).map_err(|e| e.to_string())?;
            std::hint::black_box(p.len());
        }
        Ok(())
    })?;

    // Decoding: the rows of the same clients (made from the plain store's
    // views), encoded as the core seals them.
    let pconn = Connection::open_with_flags(plain.db_file(), OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let encoded: Vec<Vec<u8>> = pconn
        .prepare(CLIENT_VIEWS)?
        .query_map([], |r| r.get::<_, Vec<u8>>(3))?
        .map(|json| -> Res<Vec<u8>> {
            let view: RecordView = serde_json::from_slice(&json?)?;
            Ok(ListRow::of(&view).to_compact()?)
        })
        .collect::<Res<_>>()?;
    let mut rows: Vec<ListRow> = Vec::new();
    let parse_ms = best_of(3, || {
        rows = encoded
            .iter()
            .map(|bytes| ListRow::from_compact(bytes))
            .collect::<Result<_, _>>()?;
        Ok(())
    })?;
    let sort_ms = best_of(3, || {
        let mut v = rows.clone();
        v.sort_by(|a, b| {
            a.folded_alias
                .cmp(&b.folded_alias)
                .then_with(|| a.id.cmp(&b.id))
        });
        std::hint::black_box(v.len());
        Ok(())
    })?;
    let kdf_ms = best_of(3, || {
        let k = derive_pin_key(PIN.as_bytes(), &KdfParams::make_default())?;
        std::hint::black_box(k.expose()[0]);
        Ok(())
    })?;
    Ok(ListingBreakdown {
        n,
        avg_row_bytes,
        kdf_ms,
        sql_ms,
        decrypt_ms,
        parse_ms,
        sort_ms,
    })
}

pub fn print_listing(label: &str, b: &ListingBreakdown) {
    println!("\n## Fieldbook listing, piece by piece: {label}\n");
    println!("Each piece timed alone on the same data (median of 3); the sum approximates list_clients.\n");
    println!("| piece | ms | µs per client |");
    println!("|---|---:|---:|");
    let per = |ms: f64| ms * 1000.0 / b.n.max(1) as f64;
    for (name, ms) in [
        (
            "SQL scan of the client list rows (one range of list_rows)",
            b.sql_ms,
        ),
        ("AES-256-GCM open of each sealed row", b.decrypt_ms),
        ("decode of each row into ListRow (postcard)", b.parse_ms),
        ("sort by folded alias (folded at write time)", b.sort_ms),
    ] {
        println!("| {name} | {ms:.1} | {:.2} |", per(ms));
    }
    let sum = b.sql_ms + b.decrypt_ms + b.parse_ms + b.sort_ms;
    println!("| **sum** | **{sum:.1}** | {:.2} |", per(sum));
    println!(
        "| (Argon2id PIN key derivation alone, once per unlock) | {:.1} | |",
        b.kdf_ms
    );
    println!("\nAverage sealed list row: {:.0} bytes.", b.avg_row_bytes);
}

pub struct WriteBreakdown {
    pub n: usize,
    /// (piece, total ms over the workload)
    pub pieces: Vec<(&'static str, f64)>,
}

/// The CPU work of a write, piece by piece, over the whole mixed workload
/// (no SQL): what the plain baseline also does, and what only Fieldbook does.
pub fn writes(work: &Workload, today: NaiveDate) -> Res<WriteBreakdown> {
    let fake_ids: Vec<String> = (0..work.clients)
        .map(|_| RecordId::make().to_string())
        .collect();
    let device = DeviceId::make();
    let uic_key = SecretKey::from_bytes(&[7u8; 32])?;
    let key = SecretKey::make_random();
    let index = BlindIndex::new(SecretKey::make_random());
    let mut ms = [0.0f64; 5];
    let mut n = 0usize;
    let mut lap = |i: usize, t: Instant| ms[i] += t.elapsed().as_secs_f64() * 1000.0;
    // One batch at a time, as the stores see them (and in bounded memory).
    for batch in &work.batches {
        let inputs: Vec<_> = batch
            .iter()
            .map(|it| (it.kind, it.input(&fake_ids)))
            .collect();
        n += inputs.len();

        let t = Instant::now();
        let mut validated = Vec::with_capacity(inputs.len());
        for (kind, input) in &inputs {
            let v = forms::definition(*kind)
                .validate(input, None, today, Lang::default())
                .map_err(|e| format!("{e:?}"))?;
            validated.push((*kind, v));
        }
        lap(0, t);

        let t = Instant::now();
        let mut built = Vec::with_capacity(validated.len());
        for (i, (kind, v)) in validated.into_iter().enumerate() {
            let mut values = v.values;
            if kind == RecordKind::Client {
                let inputs = uic::UicInputs {
                    mother_name: v
                        .input_only
                        .get("uic_mother_name")
                        .and_then(Value::as_str)
                        .unwrap_or(""),
                    father_name: v
                        .input_only
                        .get("uic_father_name")
                        .and_then(Value::as_str)
                        .unwrap_or(""),
                    birth_year: values
                        .get("birth_year")
                        .and_then(Value::as_i64)
                        .unwrap_or(0) as i32,
                    sex: values.get("sex").and_then(Value::as_str).unwrap_or(""),
                };
                values.insert(
                    "uic".into(),
                    Value::String(uic::compute_uic(&uic_key, &inputs)?),
                );
            }
            values.insert(meta_fields::FORM_VERSION.into(), Value::from(1));
            let stamp = Stamp {
                hlc: Hlc::new(1_700_000_000_000 + i as u64, 0),
                device,
            };
            let empty = RecordState::default();
            let fields: BTreeMap<_, _> = values
                .into_iter()
                .map(|(k, val)| {
                    let w = empty.make_write(&k, val, stamp);
                    (k, w)
                })
                .collect();
            let version = RecordVersion {
                version_id: VersionId::make(),
                record_id: RecordId::make(),
                kind,
                stamp,
                form_version: 1,
                fields,
            };
            let state = version.as_state();
            let view = RecordView::from_state(version.record_id, kind, &state);
            let row = ListRow::of(&view);
            built.push((version, state, view, row));
        }
        lap(1, t);

        let t = Instant::now();
        let mut encoded = Vec::with_capacity(built.len());
        for (version, state, _, row) in &built {
            // Record format 3, as the store seals them.
            encoded.push((
                version.to_compact()?,
                state.to_compact()?,
                row.to_compact()?,
            ));
        }
        lap(2, t);

        let t = Instant::now();
        for ((version, _, _, _), (vb, sb, rb)) in built.iter().zip(&encoded) {
            let base = record_aad(
                version.kind,
                version.record_id.as_bytes(),
                version.kind.sensitivity(),
                1,
            );
            for (role, bytes) in [(b'R', vb), (b'S', sb), (b'L', rb)] {
                let mut aad = base.clone();
                aad.push(role);
                std::hint::black_box(seal(&key, &aad, bytes));
            }
        }
        lap(3, t);

        // The "load state" the core does right after inserting the version
        // finds nothing for a new record, so no open happens on this path.
        let t = Instant::now();
        for (_, _, view, _) in &built {
            for field in lookup_fields(view.kind) {
                match view.values.get(*field) {
                    Some(Value::String(s)) => {
                        std::hint::black_box(index.term(field, s));
                    }
                    Some(Value::Array(a)) => {
                        for s in a.iter().filter_map(Value::as_str) {
                            std::hint::black_box(index.term(field, s));
                        }
                    }
                    _ => {}
                }
            }
        }
        lap(4, t);
    }
    Ok(WriteBreakdown {
        n,
        pieces: vec![
            ("form validation (both)", ms[0]),
            (
                "client code + version/state/list row building (both)",
                ms[1],
            ),
            (
                "encoding of version, state and list row (format 3) (both)",
                ms[2],
            ),
            ("AES-256-GCM sealing of the 3 blobs (Fieldbook only)", ms[3]),
            ("HMAC lookup terms (Fieldbook only)", ms[4]),
        ],
    })
}

pub fn print_writes(b: &WriteBreakdown, inserts: &HashMap<&'static str, Measure>) {
    println!(
        "\n## Writes, piece by piece ({} mixed records, no SQL)\n",
        b.n
    );
    println!("| piece | µs per record |");
    println!("|---|---:|");
    for (name, ms) in &b.pieces {
        println!("| {name} | {:.2} |", ms * 1000.0 / b.n as f64);
    }
    let per = |name: &str| {
        inserts
            .get(name)
            .map(|m| m.median() * 1e6 / b.n as f64)
            .unwrap_or(f64::NAN)
    };
    println!(
        "| measured whole write: plain SQLite / SQLCipher / Fieldbook | {:.1} / {:.1} / {:.1} |",
        per("plain SQLite"),
        per("SQLCipher"),
        per("Fieldbook")
    );
}
