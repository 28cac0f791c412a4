//! Reading what the user gives: a record's JSON from a file or standard input, dates.

use chrono::NaiveDate;
use fieldbook_core::forms::parse_input;
use fieldbook_core::{Error, Lang, Result};
use serde_json::{Map, Value};
use std::io::Read;
use std::path::Path;

/// A record's fields as the person wrote them; the core decides what a
/// readable input is (UTF-8, a leading byte order mark allowed, each key once).
pub fn read_object(path: &Path) -> Result<Map<String, Value>> {
    let bytes = if path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::stdin().read_to_end(&mut bytes)?;
        bytes
    } else {
        std::fs::read(path)?
    };
    Ok(parse_input(&bytes)?)
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
