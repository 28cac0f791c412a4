//! Printing results: JSON for scripts, short lines for people.

use fieldbook_core::forms::is_control_character;
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

/// A value on one line.
pub fn value_text(value: &Value) -> String {
    match value {
        Value::String(s) => printable(s, false),
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
        let text = match value {
            Value::String(s) => printable(s, true),
            other => value_text(other),
        };
        println!("{key}: {text}");
    }
}

/// Text for a terminal. Control characters are shown as escapes
/// (`\u{202E}`): new input cannot hold them, but a record written by an
/// older version may, and printed raw they would reorder or hide what
/// follows. In a `block`, line breaks stay, and each continued line is
/// indented so that it cannot pass for another field's line.
fn printable(text: &str, block: bool) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' if block && chars.peek() == Some(&'\n') => {}
            '\n' if block => out.push_str("\n  "),
            '\t' if block => out.push('\t'),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if is_control_character(c) => {
                out.push_str(&format!("\\u{{{:04X}}}", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::printable;

    #[test]
    fn control_characters_are_shown_not_obeyed() {
        assert_eq!(printable("Tí\u{202E}gnal", false), "Tí\\u{202E}gnal");
        assert_eq!(printable("a\0b\x1b[2J", false), "a\\u{0000}b\\u{001B}[2J");
        assert_eq!(printable("one\ntwo\tx", false), "one\\ntwo\\tx");
        assert_eq!(
            printable("one\r\nuic: FORGED\tx", true),
            "one\n  uic: FORGED\tx"
        );
        assert_eq!(printable("Hòa", true), "Hòa");
    }
}
