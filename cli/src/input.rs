//! Reading what the user gives: a record's JSON from a file or standard input, dates.

use chrono::NaiveDate;
use fieldbook_core::{Error, Lang, Result};
use serde_json::{Map, Value};
use std::io::Read;
use std::path::Path;

pub fn read_object(path: &Path) -> Result<Map<String, Value>> {
    let text = if path.as_os_str() == "-" {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text)?;
        text
    } else {
        std::fs::read_to_string(path)?
    };
    match serde_json::from_str::<Value>(&text) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(Error::InvalidInput(
            "the JSON must be an object of field keys and values".into(),
        )),
        // serde's message names a line and column, never the content.
        Err(e) => Err(Error::InvalidInput(format!("malformed JSON: {e}"))),
    }
}

/// A `YYYY-MM-DD` date from the command line.
pub fn parse_day(lang: Lang, raw: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(raw, "%Y-%m-%d").map_err(|_| {
        Error::InvalidInput(format!(
            "'{raw}' {}",
            lang.pick("không phải là ngày YYYY-MM-DD", "is not a YYYY-MM-DD date")
        ))
    })
}
