//! The compact binary form of versions and states (record format 3).
//!
//! Format 2 sealed each version and state as JSON: every write spelt out
//! its device as a 36-character UUID and its clock as a nested object, so a
//! few hundred bytes a worker typed became two kilobytes. Format 3 writes
//! the same values with postcard (a stable, documented, non-self-describing
//! serde format: varint integers, no field names), and names each device
//! once, in a table at the front, which writes and seen-vectors refer to by
//! index. A write whose stamp is its version's (every write of a save)
//! stores no stamp at all.
//!
//! Postcard rather than CBOR: both are stable and serde-driven, but CBOR
//! names every field of every struct (or needs hand-written arrays), and
//! the records here are small and many, so the bytes per field decide; the
//! sealed blob is versioned anyway (see `crate::crypto::sealed_body`), so
//! postcard's missing self-description costs nothing.
//!
//! The types here are the format: their field order and enum variant order
//! are what the bytes mean. Never reorder or insert; a change is a new format.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Number, Value};
use uuid::Uuid;

use super::{
    DeviceId, FieldState, FieldWrite, Hlc, RecordId, RecordKind, RecordState, RecordVersion, Stamp,
    VersionId,
};

/// Why compact bytes do not decode to a record.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CompactError {
    /// The bytes are not a value of the expected shape (postcard says why; no contents).
    #[error("not a compact record: {0}")]
    Malformed(String),
    /// A write names a device index the table does not have.
    #[error("a write names device {0}, beyond the record's device table")]
    NoSuchDevice(u32),
    /// A field has no writes, or a float is not a JSON number.
    #[error("a field's writes or a value are not valid")]
    Invalid,
    /// A value would not encode (postcard says why; no contents).
    #[error("a record would not encode: {0}")]
    Encoding(String),
}

/// A JSON value as postcard can carry it (serde_json's `Value` needs a
/// self-describing format). Numbers keep their exact kind, so a value read
/// back compares equal to the one written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum CompactValue {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A non-negative integer.
    Unsigned(u64),
    /// A negative integer.
    Signed(i64),
    /// Any other number.
    Float(f64),
    /// A string.
    Text(String),
    /// An array.
    List(Vec<CompactValue>),
    /// An object, its keys in order.
    Object(Vec<(String, CompactValue)>),
}

impl CompactValue {
    /// The compact form of a JSON value.
    pub fn from_json(value: &Value) -> CompactValue {
        match value {
            Value::Null => CompactValue::Null,
            Value::Bool(b) => CompactValue::Bool(*b),
            Value::Number(n) => {
                if let Some(u) = n.as_u64() {
                    CompactValue::Unsigned(u)
                } else if let Some(i) = n.as_i64() {
                    CompactValue::Signed(i)
                } else {
                    CompactValue::Float(n.as_f64().unwrap_or(f64::NAN))
                }
            }
            Value::String(s) => CompactValue::Text(s.clone()),
            Value::Array(items) => CompactValue::List(items.iter().map(Self::from_json).collect()),
            Value::Object(map) => CompactValue::Object(
                map.iter()
                    .map(|(k, v)| (k.clone(), Self::from_json(v)))
                    .collect(),
            ),
        }
    }

    /// The JSON value back; a float JSON cannot hold (NaN, infinite) is refused.
    pub fn into_json(self) -> Result<Value, CompactError> {
        Ok(match self {
            CompactValue::Null => Value::Null,
            CompactValue::Bool(b) => Value::Bool(b),
            CompactValue::Unsigned(u) => Value::Number(u.into()),
            CompactValue::Signed(i) => Value::Number(i.into()),
            CompactValue::Float(f) => {
                Value::Number(Number::from_f64(f).ok_or(CompactError::Invalid)?)
            }
            CompactValue::Text(s) => Value::String(s),
            CompactValue::List(items) => Value::Array(
                items
                    .into_iter()
                    .map(Self::into_json)
                    .collect::<Result<_, _>>()?,
            ),
            CompactValue::Object(entries) => {
                let mut map = Map::new();
                for (k, v) in entries {
                    map.insert(k, v.into_json()?);
                }
                Value::Object(map)
            }
        })
    }
}

/// A stamp with its device as an index into the record's device table.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
struct CompactStamp {
    wall_ms: u64,
    counter: u32,
    device: u32,
}

/// One field write; `stamp` is `None` when it is the version's own stamp.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct CompactWrite {
    value: CompactValue,
    stamp: Option<CompactStamp>,
    seen: Vec<CompactStamp>,
}

#[derive(Debug, Serialize, Deserialize)]
struct CompactVersion {
    devices: Vec<Uuid>,
    version_id: Uuid,
    record_id: Uuid,
    /// The kind's stable name, not its position in the enum.
    kind: String,
    form_version: u32,
    stamp: CompactStamp,
    fields: Vec<(String, CompactWrite)>,
}

#[derive(Debug, Serialize, Deserialize)]
struct CompactState {
    devices: Vec<Uuid>,
    fields: Vec<(String, Vec<CompactWrite>)>,
}

/// The devices a record's writes name, each once, in first-seen order.
#[derive(Default)]
struct DeviceTable {
    devices: Vec<Uuid>,
    index: BTreeMap<DeviceId, u32>,
}

impl DeviceTable {
    fn index_of(&mut self, device: DeviceId) -> u32 {
        *self.index.entry(device).or_insert_with(|| {
            self.devices.push(device.0);
            (self.devices.len() - 1) as u32
        })
    }

    fn stamp(&mut self, stamp: Stamp) -> CompactStamp {
        CompactStamp {
            wall_ms: stamp.hlc.wall_ms,
            counter: stamp.hlc.counter,
            device: self.index_of(stamp.device),
        }
    }

    fn write(&mut self, write: &FieldWrite, implied: Option<Stamp>) -> CompactWrite {
        CompactWrite {
            value: CompactValue::from_json(&write.value),
            stamp: (Some(write.stamp) != implied).then(|| self.stamp(write.stamp)),
            seen: write
                .seen
                .iter()
                .map(|(device, hlc)| {
                    self.stamp(Stamp {
                        hlc: *hlc,
                        device: *device,
                    })
                })
                .collect(),
        }
    }
}

/// Reads indices back into devices.
struct DeviceLookup<'a>(&'a [Uuid]);

impl DeviceLookup<'_> {
    fn stamp(&self, stamp: CompactStamp) -> Result<Stamp, CompactError> {
        let device = self
            .0
            .get(stamp.device as usize)
            .ok_or(CompactError::NoSuchDevice(stamp.device))?;
        Ok(Stamp {
            hlc: Hlc::new(stamp.wall_ms, stamp.counter),
            device: DeviceId(*device),
        })
    }

    fn write(
        &self,
        write: CompactWrite,
        implied: Option<Stamp>,
    ) -> Result<FieldWrite, CompactError> {
        let stamp = match write.stamp {
            Some(stamp) => self.stamp(stamp)?,
            None => implied.ok_or(CompactError::Invalid)?,
        };
        let mut seen = BTreeMap::new();
        for entry in write.seen {
            let entry = self.stamp(entry)?;
            seen.insert(entry.device, entry.hlc);
        }
        Ok(FieldWrite {
            value: write.value.into_json()?,
            stamp,
            seen,
        })
    }
}

/// Encodes a format-3 value with postcard. For these types into a growing
/// vector postcard has no reason to fail; should it, the write fails rather
/// than sealing an empty body.
pub(crate) fn to_bytes<T: Serialize>(value: &T) -> Result<Vec<u8>, CompactError> {
    postcard::to_allocvec(value).map_err(|e| CompactError::Encoding(e.to_string()))
}

/// Decodes a format-3 value that must fill `bytes` exactly.
pub(crate) fn from_bytes<'a, T: Deserialize<'a>>(bytes: &'a [u8]) -> Result<T, CompactError> {
    match postcard::take_from_bytes(bytes) {
        Ok((value, [])) => Ok(value),
        Ok(_) => Err(CompactError::Malformed("bytes after the value".into())),
        Err(e) => Err(CompactError::Malformed(e.to_string())),
    }
}

impl RecordVersion {
    /// The version in record format 3.
    pub fn to_compact(&self) -> Result<Vec<u8>, CompactError> {
        let mut table = DeviceTable::default();
        let stamp = table.stamp(self.stamp);
        let fields = self
            .fields
            .iter()
            .map(|(key, write)| (key.clone(), table.write(write, Some(self.stamp))))
            .collect();
        to_bytes(&CompactVersion {
            devices: table.devices,
            version_id: self.version_id.0,
            record_id: self.record_id.0,
            kind: self.kind.as_str().to_owned(),
            form_version: self.form_version,
            stamp,
            fields,
        })
    }

    /// A version from record format 3.
    pub fn from_compact(bytes: &[u8]) -> Result<RecordVersion, CompactError> {
        let compact: CompactVersion = from_bytes(bytes)?;
        let devices = DeviceLookup(&compact.devices);
        let stamp = devices.stamp(compact.stamp)?;
        let mut fields = BTreeMap::new();
        for (key, write) in compact.fields {
            fields.insert(key, devices.write(write, Some(stamp))?);
        }
        Ok(RecordVersion {
            version_id: VersionId(compact.version_id),
            record_id: RecordId(compact.record_id),
            kind: compact
                .kind
                .parse::<RecordKind>()
                .map_err(|_| CompactError::Invalid)?,
            stamp,
            form_version: compact.form_version,
            fields,
        })
    }
}

impl RecordState {
    /// The state in record format 3.
    pub fn to_compact(&self) -> Result<Vec<u8>, CompactError> {
        let mut table = DeviceTable::default();
        let fields = self
            .fields
            .iter()
            .map(|(key, state)| {
                let writes = state
                    .writes()
                    .iter()
                    .map(|w| table.write(w, None))
                    .collect();
                (key.clone(), writes)
            })
            .collect();
        to_bytes(&CompactState {
            devices: table.devices,
            fields,
        })
    }

    /// A state from record format 3; its writes keep their stored order.
    pub fn from_compact(bytes: &[u8]) -> Result<RecordState, CompactError> {
        let compact: CompactState = from_bytes(bytes)?;
        let devices = DeviceLookup(&compact.devices);
        let mut fields = BTreeMap::new();
        for (key, writes) in compact.fields {
            let writes = writes
                .into_iter()
                .map(|w| devices.write(w, None))
                .collect::<Result<Vec<_>, _>>()?;
            let state = FieldState::from_writes(writes).ok_or(CompactError::Invalid)?;
            fields.insert(key, state);
        }
        Ok(RecordState { fields })
    }
}

#[cfg(test)]
#[path = "compact_tests.rs"]
mod tests;
