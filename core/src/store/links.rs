//! Links between records: a field that names another record must name a
//! stored record of the kind its form says.

use rusqlite::Connection;
use serde_json::{Map, Value};

use super::records;
use crate::forms;
use crate::record::RecordId;
use crate::{Error, Result};

/// A link must point at a stored record of the kind the form names.
pub(super) fn check(
    conn: &Connection,
    form: &forms::FormDefinition,
    values: &Map<String, Value>,
) -> Result<()> {
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
            let id: RecordId = raw.parse().map_err(|_| {
                Error::InvalidInput(format!("{}: '{raw}' is not a record id", field.key))
            })?;
            match records::kind_of(conn, id)? {
                None => {
                    return Err(Error::LinkNotFound {
                        field: field.key.clone(),
                        id,
                    })
                }
                Some(found) if found != expected => {
                    return Err(Error::WrongLinkKind {
                        field: field.key.clone(),
                        id,
                        expected,
                        found,
                    })
                }
                Some(_) => {}
            }
        }
    }
    Ok(())
}
