//! Reading one field's value: from what a shell or the CLI sends to the one
//! representation stored, and the per-value limits.
//!
//! Strict on input: each field takes one JSON type (a number is never text
//! in quotes, yes/no is `true`/`false`, a list is an array unless the form
//! says a single value may stand for a one-item list), so what a person
//! wrote is either taken or refused, never guessed at. Text is stored
//! exactly as given (search keys are folded apart, see
//! `search_fold::fold_for_search` and the blind index), and never holds control
//! characters. Values that are not text keep one canonical form (dates,
//! instants in UTC, record ids, sets of choices in the form's order), so two
//! devices entering the same answer store the same bytes.

use super::definition::{Bound, FieldDef, FieldType, THIS_YEAR, TODAY};
use super::error::{Limit, Problem};
use chrono::{DateTime, Datelike, NaiveDate, SecondsFormat, Utc};
use regex::Regex;
use serde_json::{Map, Value};

/// Reads `raw` as a value of `field`. `Ok(None)` means empty (null, blank
/// text, an empty string for a date, choice or link, an empty list): the
/// field is unset.
pub(crate) fn parse_value(field: &FieldDef, raw: &Value) -> Result<Option<Value>, Problem> {
    if raw.is_null() {
        return Ok(None);
    }
    match field.field_type {
        FieldType::Text => text(field, raw).map(|t| t.map(Value::String)),
        FieldType::Integer => integer(raw).map(|n| Some(Value::from(n))),
        FieldType::Decimal => decimal(raw).map(Some),
        FieldType::Date => date(raw).map(|d| d.map(|d| Value::String(format_date(d)))),
        FieldType::Datetime => datetime(raw).map(|t| t.map(|t| Value::String(format_datetime(t)))),
        FieldType::SingleChoice => choice_value(field, raw).map(|c| c.map(Value::String)),
        FieldType::MultipleChoice => multiple_choice(field, raw),
        FieldType::YesNo => raw
            .as_bool()
            .map(|b| Some(Value::Bool(b)))
            .ok_or(Problem::InvalidType),
        FieldType::Link if field.multiple => links(field, raw),
        FieldType::Link => link(raw).map(|l| l.map(Value::String)),
        FieldType::Quantities => quantities(field, raw),
        FieldType::Phone => phone(raw).map(|p| p.map(Value::String)),
        // A calculation is stored as the text of its value.
        FieldType::Calculate => raw
            .as_str()
            .map(|s| (!s.is_empty()).then(|| Value::String(s.to_string())))
            .ok_or(Problem::InvalidType),
        FieldType::Note => Err(Problem::Readonly),
    }
}

/// The most digits a phone number has (E.164).
const MAX_PHONE_DIGITS: usize = 15;
/// The fewest: short service numbers (113, 1900…) are phone numbers too.
const MIN_PHONE_DIGITS: usize = 3;

/// A phone number as typed, kept as its digits (after a leading `+`): the
/// spaces, dots, dashes and brackets people type between groups are
/// dropped, so one number is stored one way.
fn phone(raw: &Value) -> Result<Option<String>, Problem> {
    let s = raw.as_str().ok_or(Problem::InvalidType)?;
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let (plus, rest) = match s.strip_prefix('+') {
        Some(rest) => ("+", rest),
        None => ("", s),
    };
    let mut digits = String::with_capacity(rest.len());
    for c in rest.chars() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '.' | '-' | '(' | ')' => {}
            _ => return Err(Problem::InvalidFormat),
        }
    }
    if !(MIN_PHONE_DIGITS..=MAX_PHONE_DIGITS).contains(&digits.len()) {
        return Err(Problem::InvalidFormat);
    }
    Ok(Some(format!("{plus}{digits}")))
}

/// Checks a canonical value against the field's min/max, lengths and pattern.
pub(crate) fn check_limits(
    field: &FieldDef,
    value: &Value,
    pattern: Option<&Regex>,
    today: NaiveDate,
) -> Result<(), Problem> {
    let limits = &field.constraints;
    match field.field_type {
        FieldType::Integer | FieldType::Decimal => {
            let Some(n) = value.as_f64() else {
                return Ok(());
            };
            if let Some((min, shown)) = number_bound(limits.min.as_ref(), today) {
                if n < min {
                    return Err(Problem::TooSmall(shown));
                }
            }
            if let Some((max, shown)) = number_bound(limits.max.as_ref(), today) {
                if n > max {
                    return Err(Problem::TooLarge(shown));
                }
            }
        }
        FieldType::Date => {
            let Some(d) = value.as_str().and_then(|s| parse_date(s).ok()) else {
                return Ok(());
            };
            if let Some((min, shown)) = date_bound(limits.min.as_ref(), today) {
                if d < min {
                    return Err(Problem::TooSmall(shown));
                }
            }
            if let Some((max, shown)) = date_bound(limits.max.as_ref(), today) {
                if d > max {
                    return Err(Problem::TooLarge(shown));
                }
            }
        }
        FieldType::Quantities => {
            if let (Some(items), Some(Bound::Number(max))) = (value.as_object(), &limits.max) {
                let cap = max.as_f64().unwrap_or(f64::MAX);
                for (item, qty) in items {
                    if qty.as_f64().is_some_and(|q| q > cap) {
                        return Err(Problem::QuantityTooLarge {
                            item: item.clone(),
                            max: max.to_string(),
                        });
                    }
                }
            }
        }
        FieldType::Text | FieldType::Phone => {
            let Some(s) = value.as_str() else {
                return Ok(());
            };
            let chars = s.chars().count();
            if let Some(min) = limits.min_length {
                if chars < min {
                    return Err(Problem::TooShort(min));
                }
            }
            if let Some(max) = limits.max_length {
                if chars > max {
                    return Err(Problem::TooLong(max));
                }
            }
            if pattern.is_some_and(|re| !re.is_match(s)) {
                return Err(Problem::PatternMismatch);
            }
        }
        _ => {}
    }
    Ok(())
}

/// A numeric bound as a number and as shown in messages.
fn number_bound(bound: Option<&Bound>, today: NaiveDate) -> Option<(f64, Limit)> {
    match bound? {
        Bound::Number(n) => Some((n.as_f64()?, Limit::Number(n.to_string()))),
        Bound::Text(t) if t == THIS_YEAR => {
            Some((f64::from(today.year()), Limit::ThisYear(today.year())))
        }
        Bound::Text(_) => None,
    }
}

/// A date bound as a date and as shown in messages.
fn date_bound(bound: Option<&Bound>, today: NaiveDate) -> Option<(NaiveDate, Limit)> {
    match bound? {
        Bound::Text(t) if t == TODAY => Some((today, Limit::Today)),
        Bound::Text(t) => parse_date(t).ok().map(|d| (d, Limit::Date(d))),
        Bound::Number(_) => None,
    }
}

/// Text as given; blank text (empty or only spaces) is no value.
fn text(field: &FieldDef, raw: &Value) -> Result<Option<String>, Problem> {
    let s = raw.as_str().ok_or(Problem::InvalidType)?;
    if let Some(c) = refused_character(s, field.multiline) {
        return Err(Problem::ControlCharacter(c));
    }
    Ok((!s.trim().is_empty()).then(|| s.to_string()))
}

/// The first character text may not hold (see [`is_control_character`]).
/// A multi-line field keeps its tabs and line breaks (`\r` only as part of
/// `\r\n`).
fn refused_character(s: &str, multiline: bool) -> Option<char> {
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        let allowed = match c {
            '\t' | '\n' | '\u{2028}' | '\u{2029}' => multiline,
            '\r' => multiline && chars.peek() == Some(&'\n'),
            c => !is_control_character(c),
        };
        if !allowed {
            return Some(c);
        }
    }
    None
}

/// Control characters (C0, DEL, C1), the line and paragraph separators,
/// and the bidirectional overrides and isolates that make text display in
/// another order than it is stored (an alias that reads differently from
/// what it is, or hides what follows it).
pub fn is_control_character(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
        )
}

/// A JSON number with no fraction (`1990` or `1990.0`).
fn integer(raw: &Value) -> Result<i64, Problem> {
    let Value::Number(n) = raw else {
        return Err(Problem::InvalidType);
    };
    match n.as_i64() {
        Some(i) => Ok(i),
        None => n
            .as_f64()
            .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
            .map(|f| f as i64)
            .ok_or(Problem::InvalidFormat),
    }
}

fn decimal(raw: &Value) -> Result<Value, Problem> {
    match raw {
        Value::Number(_) => Ok(raw.clone()),
        _ => Err(Problem::InvalidType),
    }
}

/// A date written exactly `YYYY-MM-DD` (not `2026-1-5`, not padded).
pub(crate) fn parse_date(s: &str) -> Result<NaiveDate, Problem> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .filter(|d| format_date(*d) == s)
        .ok_or(Problem::InvalidFormat)
}

pub(crate) fn format_date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// Instants are kept in UTC to the second, so that the same moment entered
/// on phones in different zones compares and merges as one value.
pub(crate) fn format_datetime(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn date(raw: &Value) -> Result<Option<NaiveDate>, Problem> {
    match raw {
        Value::String(s) if s.is_empty() => Ok(None),
        Value::String(s) => parse_date(s).map(Some),
        _ => Err(Problem::InvalidType),
    }
}

fn datetime(raw: &Value) -> Result<Option<DateTime<Utc>>, Problem> {
    match raw {
        Value::String(s) if s.is_empty() => Ok(None),
        Value::String(s) => DateTime::parse_from_rfc3339(s)
            .map(|t| Some(t.with_timezone(&Utc)))
            .map_err(|_| Problem::InvalidFormat),
        _ => Err(Problem::InvalidType),
    }
}

/// One choice value, exactly as the form spells it.
fn choice_value(field: &FieldDef, raw: &Value) -> Result<Option<String>, Problem> {
    let value = raw.as_str().ok_or(Problem::InvalidType)?;
    if value.is_empty() {
        return Ok(None);
    }
    match field.choice(value) {
        Some(choice) => Ok(Some(choice.value.clone())),
        None => Err(Problem::InvalidChoice),
    }
}

/// The items of a list field: an array, or one value alone where the form
/// allows it (`single_as_list`).
fn list_items<'a>(field: &FieldDef, raw: &'a Value) -> Result<&'a [Value], Problem> {
    match raw {
        Value::Array(items) => Ok(items),
        Value::String(_) if field.single_as_list => Ok(std::slice::from_ref(raw)),
        _ => Err(Problem::InvalidType),
    }
}

/// A set of choices, stored without repeats in the order the form lists them.
fn multiple_choice(field: &FieldDef, raw: &Value) -> Result<Option<Value>, Problem> {
    let mut picked = Vec::new();
    for item in list_items(field, raw)? {
        let value = item.as_str().ok_or(Problem::InvalidType)?;
        let choice = field.choice(value).ok_or(Problem::InvalidChoice)?;
        picked.push(&choice.value);
    }
    let ordered: Vec<Value> = field
        .choices
        .iter()
        .filter(|c| picked.contains(&&c.value))
        .map(|c| Value::String(c.value.clone()))
        .collect();
    Ok((!ordered.is_empty()).then_some(Value::Array(ordered)))
}

/// A record id, kept in its one spelling (lowercase, hyphenated) so that
/// the same record is always named the same way.
fn link(raw: &Value) -> Result<Option<String>, Problem> {
    match raw {
        Value::String(s) if s.is_empty() => Ok(None),
        Value::String(s) => uuid::Uuid::parse_str(s)
            .map(|id| Some(id.hyphenated().to_string()))
            .map_err(|_| Problem::InvalidFormat),
        _ => Err(Problem::InvalidType),
    }
}

/// Several record ids, without repeats, in the order given.
fn links(field: &FieldDef, raw: &Value) -> Result<Option<Value>, Problem> {
    let mut ids: Vec<Value> = Vec::new();
    for item in list_items(field, raw)? {
        let Value::String(s) = item else {
            return Err(Problem::InvalidType);
        };
        let id = uuid::Uuid::parse_str(s).map_err(|_| Problem::InvalidFormat)?;
        let id = Value::String(id.hyphenated().to_string());
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    Ok((!ids.is_empty()).then_some(Value::Array(ids)))
}

/// Item → count, each count a whole number, zero or more. Zero counts are
/// dropped (a shell may send every counter).
fn quantities(field: &FieldDef, raw: &Value) -> Result<Option<Value>, Problem> {
    let Value::Object(items) = raw else {
        return Err(Problem::InvalidType);
    };
    let mut out = Map::new();
    for (item, qty) in items {
        let Some(choice) = field.choice(item) else {
            return Err(Problem::InvalidChoice);
        };
        let n = integer(qty)
            .ok()
            .filter(|n| *n >= 0)
            .ok_or_else(|| Problem::InvalidQuantity {
                item: choice.value.clone(),
            })?;
        if n > 0 {
            out.insert(choice.value.clone(), Value::from(n));
        }
    }
    Ok((!out.is_empty()).then_some(Value::Object(out)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn field(def: Value) -> FieldDef {
        serde_json::from_value(def).unwrap()
    }

    fn typed(t: &str) -> FieldDef {
        field(json!({"key": "f", "type": t, "label": {"vi": "F", "en": "F"}}))
    }

    fn choices(t: &str) -> FieldDef {
        field(
            json!({"key": "f", "type": t, "label": {"vi": "F", "en": "F"}, "choices": [
                {"value": "a", "label": {"vi": "A", "en": "A"}},
                {"value": "b", "label": {"vi": "B", "en": "B"}},
                {"value": "3", "label": {"vi": "Ba", "en": "Three"}}
            ]}),
        )
    }

    #[test]
    fn text_is_kept_as_given_and_blank_is_unset() {
        let f = typed("text");
        // A combining grave accent stays as typed: only search keys fold.
        let decomposed = "  Ho\u{0300}a ";
        assert_eq!(
            parse_value(&f, &json!(decomposed)),
            Ok(Some(json!(decomposed)))
        );
        assert_eq!(parse_value(&f, &json!("   ")), Ok(None));
        assert_eq!(parse_value(&f, &json!("")), Ok(None));
        assert_eq!(parse_value(&f, &json!(5)), Err(Problem::InvalidType));
    }

    #[test]
    fn control_characters_are_refused_and_lines_kept_only_where_they_belong() {
        let line = typed("text");
        let mut note = typed("text");
        note.multiline = true;
        for c in [
            '\u{0}', '\u{7}', '\u{1B}', '\u{7F}', '\u{80}', '\u{9F}', '\u{202A}', '\u{202B}',
            '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}',
        ] {
            let text = json!(format!("a{c}b"));
            assert_eq!(
                parse_value(&line, &text),
                Err(Problem::ControlCharacter(c)),
                "{c:?}"
            );
            assert_eq!(
                parse_value(&note, &text),
                Err(Problem::ControlCharacter(c)),
                "{c:?}"
            );
        }
        for text in ["a\nb", "a\tb", "a\r\nb", "a\u{2028}b", "a\u{2029}b"] {
            let c = text.chars().nth(1).unwrap();
            assert_eq!(
                parse_value(&line, &json!(text)),
                Err(Problem::ControlCharacter(c))
            );
            assert_eq!(parse_value(&note, &json!(text)), Ok(Some(json!(text))));
        }
        for text in ["a\rb", "a\r"] {
            assert_eq!(
                parse_value(&note, &json!(text)),
                Err(Problem::ControlCharacter('\r'))
            );
        }
        // Marks that are not overrides are text (names in Arabic or Hebrew need them).
        for text in ["a\u{200E}b", "a\u{200F}b", "a\u{200D}b", "a\u{A0}b"] {
            assert_eq!(parse_value(&line, &json!(text)), Ok(Some(json!(text))));
        }
    }

    #[test]
    fn numbers_are_json_numbers() {
        let i = typed("integer");
        assert_eq!(parse_value(&i, &json!(1990)), Ok(Some(json!(1990))));
        assert_eq!(parse_value(&i, &json!(1990.0)), Ok(Some(json!(1990))));
        assert_eq!(parse_value(&i, &json!(" 1990 ")), Err(Problem::InvalidType));
        assert_eq!(parse_value(&i, &json!("1990")), Err(Problem::InvalidType));
        assert_eq!(parse_value(&i, &json!("")), Err(Problem::InvalidType));
        assert_eq!(parse_value(&i, &json!(1.5)), Err(Problem::InvalidFormat));
        assert_eq!(parse_value(&i, &json!(1e300)), Err(Problem::InvalidFormat));
        assert_eq!(parse_value(&i, &json!(true)), Err(Problem::InvalidType));
        let d = typed("decimal");
        assert_eq!(parse_value(&d, &json!(2.5)), Ok(Some(json!(2.5))));
        assert_eq!(parse_value(&d, &json!(3)), Ok(Some(json!(3))));
        assert_eq!(parse_value(&d, &json!("2.5")), Err(Problem::InvalidType));
    }

    #[test]
    fn dates_and_datetimes_are_canonical() {
        let d = typed("date");
        assert_eq!(
            parse_value(&d, &json!("2026-11-20")),
            Ok(Some(json!("2026-11-20")))
        );
        assert_eq!(
            parse_value(&d, &json!("2026-02-30")),
            Err(Problem::InvalidFormat)
        );
        assert_eq!(
            parse_value(&d, &json!("20/11/2026")),
            Err(Problem::InvalidFormat)
        );
        for loose in [
            "2026-1-5",
            "2026-01-5",
            " 2026-01-05",
            "2026-01-05 ",
            "+2026-01-05",
        ] {
            assert_eq!(
                parse_value(&d, &json!(loose)),
                Err(Problem::InvalidFormat),
                "{loose}"
            );
        }
        assert_eq!(parse_value(&d, &json!("")), Ok(None));
        assert_eq!(parse_value(&d, &json!(20261120)), Err(Problem::InvalidType));
        let t = typed("datetime");
        assert_eq!(
            parse_value(&t, &json!("2026-11-20T08:30:00+07:00")),
            Ok(Some(json!("2026-11-20T01:30:00Z")))
        );
        assert_eq!(
            parse_value(&t, &json!("2026-11-20T08:30:15.250Z")),
            Ok(Some(json!("2026-11-20T08:30:15Z")))
        );
        assert_eq!(
            parse_value(&t, &json!("2026-11-20 08:30")),
            Err(Problem::InvalidFormat)
        );
    }

    #[test]
    fn choices_are_exact_and_lists_are_lists() {
        let s = choices("single_choice");
        assert_eq!(parse_value(&s, &json!("a")), Ok(Some(json!("a"))));
        assert_eq!(parse_value(&s, &json!("3")), Ok(Some(json!("3"))));
        assert_eq!(parse_value(&s, &json!(3)), Err(Problem::InvalidType));
        assert_eq!(parse_value(&s, &json!(" a")), Err(Problem::InvalidChoice));
        assert_eq!(parse_value(&s, &json!("A")), Err(Problem::InvalidChoice));
        assert_eq!(parse_value(&s, &json!("z")), Err(Problem::InvalidChoice));
        assert_eq!(parse_value(&s, &json!("")), Ok(None));
        let m = choices("multiple_choice");
        assert_eq!(
            parse_value(&m, &json!(["b", "a", "b"])),
            Ok(Some(json!(["a", "b"])))
        );
        assert_eq!(parse_value(&m, &json!("b")), Err(Problem::InvalidType));
        assert_eq!(parse_value(&m, &json!("b, a")), Err(Problem::InvalidType));
        assert_eq!(parse_value(&m, &json!(["a", 3])), Err(Problem::InvalidType));
        assert_eq!(parse_value(&m, &json!({"a": 1})), Err(Problem::InvalidType));
        assert_eq!(parse_value(&m, &json!([])), Ok(None));
        assert_eq!(parse_value(&m, &json!([""])), Err(Problem::InvalidChoice));
        assert_eq!(
            parse_value(&m, &json!(["a", "z"])),
            Err(Problem::InvalidChoice)
        );
        let mut single = choices("multiple_choice");
        single.single_as_list = true;
        assert_eq!(parse_value(&single, &json!("b")), Ok(Some(json!(["b"]))));
        assert_eq!(
            parse_value(&single, &json!("b,a")),
            Err(Problem::InvalidChoice)
        );
        assert_eq!(parse_value(&single, &json!(3)), Err(Problem::InvalidType));
    }

    #[test]
    fn yes_no_is_true_or_false() {
        let f = typed("yes_no");
        assert_eq!(parse_value(&f, &json!(true)), Ok(Some(json!(true))));
        assert_eq!(parse_value(&f, &json!(false)), Ok(Some(json!(false))));
        for word in [
            json!("yes"),
            json!("Có"),
            json!("không"),
            json!("false"),
            json!(""),
            json!(1),
        ] {
            assert_eq!(parse_value(&f, &word), Err(Problem::InvalidType), "{word}");
        }
    }

    #[test]
    fn links_are_lowercase_hyphenated() {
        let f = typed("link");
        assert_eq!(
            parse_value(&f, &json!("0192F0C4-7B7C-7A3E-8B8E-0F1E2D3C4B5A")),
            Ok(Some(json!("0192f0c4-7b7c-7a3e-8b8e-0f1e2d3c4b5a")))
        );
        assert_eq!(
            parse_value(&f, &json!("0192f0c47b7c7a3e8b8e0f1e2d3c4b5a")),
            Ok(Some(json!("0192f0c4-7b7c-7a3e-8b8e-0f1e2d3c4b5a")))
        );
        assert_eq!(
            parse_value(&f, &json!("not-an-id")),
            Err(Problem::InvalidFormat)
        );
        let mut many = typed("link");
        many.multiple = true;
        let id = "0192f0c4-7b7c-7a3e-8b8e-0f1e2d3c4b5a";
        assert_eq!(
            parse_value(&many, &json!([id, id.to_uppercase()])),
            Ok(Some(json!([id])))
        );
        assert_eq!(parse_value(&many, &json!(id)), Err(Problem::InvalidType));
        assert_eq!(parse_value(&many, &json!([7])), Err(Problem::InvalidType));
        assert_eq!(parse_value(&many, &json!(7)), Err(Problem::InvalidType));
        assert_eq!(
            parse_value(&many, &json!([id, "x"])),
            Err(Problem::InvalidFormat)
        );
        assert_eq!(
            parse_value(&f, &json!(format!(" {id}"))),
            Err(Problem::InvalidFormat)
        );
    }

    #[test]
    fn quantities_drop_zeros_and_reject_negatives() {
        let f = choices("quantities");
        assert_eq!(
            parse_value(&f, &json!({"a": 10, "b": 0, "3": 2})),
            Ok(Some(json!({"a": 10, "3": 2})))
        );
        for bad in [json!("2"), json!(null), json!(true), json!([2])] {
            assert_eq!(
                parse_value(&f, &json!({"a": bad})),
                Err(Problem::InvalidQuantity { item: "a".into() })
            );
        }
        assert_eq!(
            parse_value(&f, &json!({" a": 1})),
            Err(Problem::InvalidChoice)
        );
        assert_eq!(parse_value(&f, &json!({"a": 0})), Ok(None));
        assert_eq!(
            parse_value(&f, &json!({"a": -1})),
            Err(Problem::InvalidQuantity { item: "a".into() })
        );
        assert_eq!(
            parse_value(&f, &json!({"a": 1.5})),
            Err(Problem::InvalidQuantity { item: "a".into() })
        );
        assert_eq!(
            parse_value(&f, &json!({"z": 1})),
            Err(Problem::InvalidChoice)
        );
        assert_eq!(parse_value(&f, &json!(["a"])), Err(Problem::InvalidType));
    }

    #[test]
    fn limits_count_characters_and_resolve_keywords() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        let name = field(
            json!({"key": "f", "type": "text", "label": {"vi": "F", "en": "F"},
            "constraints": {"min_length": 2, "max_length": 4}}),
        );
        // Four characters, eight bytes.
        assert_eq!(check_limits(&name, &json!("Hằng"), None, today), Ok(()));
        assert_eq!(
            check_limits(&name, &json!("Hằngg"), None, today),
            Err(Problem::TooLong(4))
        );
        assert_eq!(
            check_limits(&name, &json!("H"), None, today),
            Err(Problem::TooShort(2))
        );
        let year = field(
            json!({"key": "f", "type": "integer", "label": {"vi": "F", "en": "F"},
            "constraints": {"min": 1920, "max": "this_year"}}),
        );
        assert_eq!(check_limits(&year, &json!(2026), None, today), Ok(()));
        assert_eq!(
            check_limits(&year, &json!(2027), None, today),
            Err(Problem::TooLarge(Limit::ThisYear(2026)))
        );
        assert_eq!(
            check_limits(&year, &json!(1919), None, today),
            Err(Problem::TooSmall(Limit::Number("1920".into())))
        );
        let day = field(
            json!({"key": "f", "type": "date", "label": {"vi": "F", "en": "F"},
            "constraints": {"min": "2020-01-01", "max": "today"}}),
        );
        assert_eq!(
            check_limits(&day, &json!("2026-11-20"), None, today),
            Ok(())
        );
        assert_eq!(
            check_limits(&day, &json!("2026-11-21"), None, today),
            Err(Problem::TooLarge(Limit::Today))
        );
        assert_eq!(
            check_limits(&day, &json!("2019-12-31"), None, today),
            Err(Problem::TooSmall(Limit::Date(
                NaiveDate::from_ymd_opt(2020, 1, 1).unwrap()
            )))
        );
    }
}
