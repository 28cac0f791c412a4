//! Client identifier codes: computed from the parents' names when a worker
//! gives them, checked against the clients already stored, and looked up.

use rusqlite::Connection;
use serde_json::{Map, Value};

use super::vault::UnlockedKeys;
use super::{lookup, records, Store, WriteOptions};
use crate::record::{RecordId, RecordKind};
use crate::store::view::RecordView;
use crate::{uic, Error, Result};

impl Store {
    /// The clients with this identifier code (two people can share one).
    /// Typing mistakes in the code are caught by its check character.
    pub fn clients_by_uic(&mut self, code: &str) -> Result<Vec<RecordView>> {
        let code = uic::parse_uic(code)?;
        let mut clients = Vec::new();
        for id in self.lookup("uic", &code)? {
            let view = self.get(id)?;
            if view.kind == RecordKind::Client && !view.deleted {
                clients.push(view);
            }
        }
        Ok(clients)
    }

    /// The identifier code these inputs give, without storing anything: a
    /// form can warn about a duplicate client before it is saved.
    pub fn client_code(&mut self, inputs: &uic::UicInputs<'_>) -> Result<String> {
        let key = self.keys()?.uic_key()?;
        Ok(uic::compute_uic(key, inputs)?)
    }
}

/// Computes a client's identifier code when the worker gave the parents'
/// names, and refuses a duplicate unless told otherwise.
pub(super) fn assign(
    conn: &Connection,
    keys: &UnlockedKeys,
    id: RecordId,
    base: Option<&Map<String, Value>>,
    values: &mut Map<String, Value>,
    input_only: &Map<String, Value>,
    options: WriteOptions,
) -> Result<()> {
    let mother = input_only.get("uic_mother_name").and_then(Value::as_str);
    let father = input_only.get("uic_father_name").and_then(Value::as_str);
    if mother.is_none() && father.is_none() {
        return Ok(());
    }
    let current = |key: &str| {
        values
            .get(key)
            .or_else(|| base.and_then(|b| b.get(key)))
            .cloned()
    };
    let sex = current("sex");
    let birth_year = current("birth_year");
    let inputs = uic::UicInputs {
        mother_name: mother.unwrap_or(""),
        father_name: father.unwrap_or(""),
        birth_year: birth_year.as_ref().and_then(Value::as_i64).unwrap_or(0) as i32,
        sex: sex.as_ref().and_then(Value::as_str).unwrap_or(""),
    };
    let key = keys.uic_key()?;
    let code = uic::compute_uic(key, &inputs)?;
    if !options.allow_duplicate_uic {
        for existing in lookup::find(conn, keys, "uic", &code)? {
            if existing != id && records::kind_of(conn, existing)? == Some(RecordKind::Client) {
                return Err(Error::DuplicateClient { existing });
            }
        }
    }
    if base.and_then(|b| b.get("uic")).and_then(Value::as_str) != Some(code.as_str()) {
        values.insert("uic".to_string(), Value::String(code));
    }
    Ok(())
}
