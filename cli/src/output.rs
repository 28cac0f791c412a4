//! Printing results: JSON for scripts, short lines for people.

use fieldbook_core::store::RecordView;
use serde::Serialize;
use serde_json::Value;

pub fn json<T: Serialize>(value: &T) {
    // Serializing our own types cannot fail.
    println!(
        "{}",
        serde_json::to_string_pretty(value).expect("serializable")
    );
}

pub fn value_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(value_text).collect::<Vec<_>>().join(", "),
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| format!("{k}={}", value_text(v)))
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    }
}

/// One line per record: id, kind and its most telling fields.
pub fn record_line(view: &RecordView) -> String {
    let summary: Vec<String> = [
        "alias",
        "uic",
        "at",
        "date",
        "service",
        "status",
        "group_name",
        "area",
    ]
    .iter()
    .filter_map(|k| {
        view.values
            .get(*k)
            .map(|v| format!("{k}={}", value_text(v)))
    })
    .collect();
    format!("{}  {}  {}", view.id, view.kind, summary.join("  "))
}

pub fn record_block(view: &RecordView) {
    println!("id: {}", view.id);
    println!("kind: {}", view.kind);
    println!("form_version: {}", view.form_version);
    println!("updated_at: {}", view.updated_at.to_rfc3339());
    for (key, value) in &view.values {
        println!("{key}: {}", value_text(value));
    }
}
