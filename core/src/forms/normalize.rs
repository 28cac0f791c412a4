//! Reading one field's value: from what a shell or the CLI sends to the one
//! canonical JSON representation stored, and the per-value limits.
//!
//! Lenient on input, strict on output: numbers may arrive as numeric strings,
//! yes/no as "có"/"không", a single choice where a list is expected; what is
//! stored is always the canonical form (see [`FieldType`]), so two devices
//! entering the same answer store the same bytes and merges see no change.

use super::definition::{Bound, FieldDef, FieldType, THIS_YEAR, TODAY};
use super::error::{Limit, Problem};
use chrono::{DateTime, Datelike, NaiveDate, SecondsFormat, Utc};
use regex::Regex;
use serde_json::{Map, Number, Value};
use unicode_normalization::UnicodeNormalization;

/// Reads `raw` as a value of `field`. `Ok(None)` means empty (null, blank
/// text, an empty list): the field is unset.
pub(crate) fn parse_value(field: &FieldDef, raw: &Value) -> Result<Option<Value>, Problem> {
    if raw.is_null() {
        return Ok(None);
    }
    match field.field_type {
        FieldType::Text => text(raw).map(|t| t.map(Value::String)),
        FieldType::Integer => integer(raw).map(|n| n.map(Value::from)),
        FieldType::Decimal => decimal(raw),
        FieldType::Date => date(raw).map(|d| d.map(|d| Value::String(format_date(d)))),
        FieldType::Datetime => datetime(raw).map(|t| t.map(|t| Value::String(format_datetime(t)))),
        FieldType::SingleChoice => single_choice(field, raw).map(|c| c.map(Value::String)),
        FieldType::MultipleChoice => multiple_choice(field, raw),
        FieldType::YesNo => yes_no(raw).map(|b| b.map(Value::Bool)),
        FieldType::Link if field.multiple => links(raw),
        FieldType::Link => link(raw).map(|l| l.map(Value::String)),
        FieldType::Quantities => quantities(field, raw),
    }
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
        FieldType::Text => {
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

/// Text is NFC-normalized (Vietnamese keyboards emit both composed and
/// decomposed diacritics) and trimmed; blank text is no value.
fn text(raw: &Value) -> Result<Option<String>, Problem> {
    let s = raw.as_str().ok_or(Problem::InvalidType)?;
    let s: String = s.nfc().collect();
    let trimmed = s.trim();
    Ok((!trimmed.is_empty()).then(|| trimmed.to_string()))
}

/// A JSON integer, a number with no fraction, or a numeric string.
fn integer(raw: &Value) -> Result<Option<i64>, Problem> {
    match raw {
        Value::Number(n) => match n.as_i64() {
            Some(i) => Ok(Some(i)),
            None => n
                .as_f64()
                .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                .map(|f| Some(f as i64))
                .ok_or(Problem::InvalidFormat),
        },
        Value::String(s) if s.trim().is_empty() => Ok(None),
        Value::String(s) => s
            .trim()
            .parse::<i64>()
            .map(Some)
            .map_err(|_| Problem::InvalidFormat),
        _ => Err(Problem::InvalidType),
    }
}

fn decimal(raw: &Value) -> Result<Option<Value>, Problem> {
    match raw {
        Value::Number(_) => Ok(Some(raw.clone())),
        Value::String(s) if s.trim().is_empty() => Ok(None),
        Value::String(s) => {
            let s = s.trim();
            if let Ok(i) = s.parse::<i64>() {
                return Ok(Some(Value::from(i)));
            }
            s.parse::<f64>()
                .ok()
                .and_then(Number::from_f64)
                .map(|n| Some(Value::Number(n)))
                .ok_or(Problem::InvalidFormat)
        }
        _ => Err(Problem::InvalidType),
    }
}

pub(crate) fn parse_date(s: &str) -> Result<NaiveDate, Problem> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| Problem::InvalidFormat)
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
        Value::String(s) if s.trim().is_empty() => Ok(None),
        Value::String(s) => parse_date(s).map(Some),
        _ => Err(Problem::InvalidType),
    }
}

fn datetime(raw: &Value) -> Result<Option<DateTime<Utc>>, Problem> {
    match raw {
        Value::String(s) if s.trim().is_empty() => Ok(None),
        Value::String(s) => DateTime::parse_from_rfc3339(s.trim())
            .map(|t| Some(t.with_timezone(&Utc)))
            .map_err(|_| Problem::InvalidFormat),
        _ => Err(Problem::InvalidType),
    }
}

/// One choice value; a number is read as its decimal string (ratings "1".."4").
fn choice_value(field: &FieldDef, raw: &Value) -> Result<Option<String>, Problem> {
    let value = match raw {
        Value::String(s) => s.trim().to_string(),
        Value::Number(n) => n.to_string(),
        _ => return Err(Problem::InvalidType),
    };
    if value.is_empty() {
        return Ok(None);
    }
    match field.choice(&value) {
        Some(choice) => Ok(Some(choice.value.clone())),
        None => Err(Problem::InvalidChoice),
    }
}

fn single_choice(field: &FieldDef, raw: &Value) -> Result<Option<String>, Problem> {
    choice_value(field, raw)
}

/// The items of a list field: an array, or one string of comma-separated
/// items (what a command line gives; choice values and ids hold no comma).
fn list_items(raw: &Value) -> Result<Vec<Value>, Problem> {
    match raw {
        Value::Array(items) => Ok(items.clone()),
        Value::String(s) => Ok(s.split(',').map(|i| Value::String(i.into())).collect()),
        Value::Number(_) => Ok(vec![raw.clone()]),
        _ => Err(Problem::InvalidType),
    }
}

/// A set of choices, stored without repeats in the order the form lists them.
fn multiple_choice(field: &FieldDef, raw: &Value) -> Result<Option<Value>, Problem> {
    let mut picked = Vec::new();
    for item in &list_items(raw)? {
        if let Some(value) = choice_value(field, item)? {
            picked.push(value);
        }
    }
    let ordered: Vec<Value> = field
        .choices
        .iter()
        .filter(|c| picked.contains(&c.value))
        .map(|c| Value::String(c.value.clone()))
        .collect();
    Ok((!ordered.is_empty()).then_some(Value::Array(ordered)))
}

fn yes_no(raw: &Value) -> Result<Option<bool>, Problem> {
    match raw {
        Value::Bool(b) => Ok(Some(*b)),
        Value::String(s) => {
            let word: String = s.nfc().collect::<String>().trim().to_lowercase();
            match word.as_str() {
                "" => Ok(None),
                "yes" | "y" | "true" | "có" | "co" | "1" => Ok(Some(true)),
                "no" | "n" | "false" | "không" | "khong" | "0" => Ok(Some(false)),
                _ => Err(Problem::InvalidFormat),
            }
        }
        _ => Err(Problem::InvalidType),
    }
}

fn link(raw: &Value) -> Result<Option<String>, Problem> {
    match raw {
        Value::String(s) if s.trim().is_empty() => Ok(None),
        Value::String(s) => uuid::Uuid::parse_str(s.trim())
            .map(|id| Some(id.hyphenated().to_string()))
            .map_err(|_| Problem::InvalidFormat),
        _ => Err(Problem::InvalidType),
    }
}

/// Several record ids, without repeats, in the order given.
fn links(raw: &Value) -> Result<Option<Value>, Problem> {
    if raw.is_number() {
        return Err(Problem::InvalidType);
    }
    let mut ids: Vec<Value> = Vec::new();
    for item in &list_items(raw)? {
        if let Some(id) = link(item)? {
            let id = Value::String(id);
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
    }
    Ok((!ids.is_empty()).then_some(Value::Array(ids)))
}

/// Item → count. Zero counts are dropped (a shell may send every counter).
fn quantities(field: &FieldDef, raw: &Value) -> Result<Option<Value>, Problem> {
    let Value::Object(items) = raw else {
        return Err(Problem::InvalidType);
    };
    let mut out = Map::new();
    for (item, qty) in items {
        let Some(choice) = field.choice(item.trim()) else {
            return Err(Problem::InvalidChoice);
        };
        let bad = || Problem::InvalidQuantity {
            item: choice.value.clone(),
        };
        let n = match qty {
            Value::Null => 0,
            Value::Number(_) | Value::String(_) => integer(qty).map_err(|_| bad())?.unwrap_or(0),
            _ => return Err(bad()),
        };
        if n < 0 {
            return Err(bad());
        }
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
    fn text_is_trimmed_nfc_and_blank_is_unset() {
        let f = typed("text");
        // "Hòa" with a combining grave accent becomes the composed form.
        let decomposed = "Ho\u{0300}a";
        assert_eq!(
            parse_value(&f, &json!(format!("  {decomposed} "))),
            Ok(Some(json!("Hòa")))
        );
        assert_eq!(parse_value(&f, &json!("   ")), Ok(None));
        assert_eq!(parse_value(&f, &json!(5)), Err(Problem::InvalidType));
    }

    #[test]
    fn numbers_accept_numeric_strings() {
        let i = typed("integer");
        assert_eq!(parse_value(&i, &json!(1990)), Ok(Some(json!(1990))));
        assert_eq!(parse_value(&i, &json!(1990.0)), Ok(Some(json!(1990))));
        assert_eq!(parse_value(&i, &json!(" 1990 ")), Ok(Some(json!(1990))));
        assert_eq!(parse_value(&i, &json!(1.5)), Err(Problem::InvalidFormat));
        assert_eq!(parse_value(&i, &json!("abc")), Err(Problem::InvalidFormat));
        assert_eq!(parse_value(&i, &json!(true)), Err(Problem::InvalidType));
        let d = typed("decimal");
        assert_eq!(parse_value(&d, &json!("2.5")), Ok(Some(json!(2.5))));
        assert_eq!(parse_value(&d, &json!(3)), Ok(Some(json!(3))));
        assert_eq!(parse_value(&d, &json!("x")), Err(Problem::InvalidFormat));
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
    fn choices_are_checked_and_ordered() {
        let s = choices("single_choice");
        assert_eq!(parse_value(&s, &json!("a")), Ok(Some(json!("a"))));
        assert_eq!(parse_value(&s, &json!(3)), Ok(Some(json!("3"))));
        assert_eq!(parse_value(&s, &json!("z")), Err(Problem::InvalidChoice));
        let m = choices("multiple_choice");
        assert_eq!(
            parse_value(&m, &json!(["b", "a", "b"])),
            Ok(Some(json!(["a", "b"])))
        );
        assert_eq!(parse_value(&m, &json!("b")), Ok(Some(json!(["b"]))));
        assert_eq!(parse_value(&m, &json!("b, a")), Ok(Some(json!(["a", "b"]))));
        assert_eq!(parse_value(&m, &json!({"a": 1})), Err(Problem::InvalidType));
        assert_eq!(parse_value(&m, &json!([])), Ok(None));
        assert_eq!(
            parse_value(&m, &json!(["a", "z"])),
            Err(Problem::InvalidChoice)
        );
    }

    #[test]
    fn yes_no_accepts_words_in_both_languages() {
        let f = typed("yes_no");
        for (word, want) in [
            ("yes", true),
            ("Có", true),
            ("co", true),
            ("no", false),
            ("KHÔNG", false),
            ("Kho\u{0302}ng", false),
        ] {
            assert_eq!(
                parse_value(&f, &json!(word)),
                Ok(Some(json!(want))),
                "{word}"
            );
        }
        assert_eq!(parse_value(&f, &json!(false)), Ok(Some(json!(false))));
        assert_eq!(
            parse_value(&f, &json!("maybe")),
            Err(Problem::InvalidFormat)
        );
        assert_eq!(parse_value(&f, &json!(1)), Err(Problem::InvalidType));
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
        assert_eq!(
            parse_value(&many, &json!(format!("{id},{}", id.to_uppercase()))),
            Ok(Some(json!([id])))
        );
        assert_eq!(parse_value(&many, &json!(7)), Err(Problem::InvalidType));
    }

    #[test]
    fn quantities_drop_zeros_and_reject_negatives() {
        let f = choices("quantities");
        assert_eq!(
            parse_value(&f, &json!({"a": 10, "b": 0, "3": "2"})),
            Ok(Some(json!({"a": 10, "3": 2})))
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
