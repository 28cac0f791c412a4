//! Reading a record's input as JSON text (a file, standard input): one
//! object, each key once, UTF-8 with or without a leading byte order mark.
//!
//! A plain JSON parser lets the last of two equal keys win, so a value the
//! person typed could vanish without a word; here it is refused, naming the
//! key. Errors name a position, never the content around it.

use super::error::InputError;
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};
use std::cell::RefCell;
use std::fmt;

/// What Notepad and some spreadsheet exports put before UTF-8 text.
const BYTE_ORDER_MARK: &[u8] = b"\xEF\xBB\xBF";

/// Reads `bytes` as one JSON object of field keys and values.
pub fn parse_input(bytes: &[u8]) -> Result<Map<String, Value>, InputError> {
    let bytes = bytes.strip_prefix(BYTE_ORDER_MARK).unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let line = 1 + bytes[..e.valid_up_to()]
            .iter()
            .filter(|b| **b == b'\n')
            .count();
        InputError::NotUtf8 { line }
    })?;
    let repeated = RefCell::new(None);
    let mut reader = serde_json::Deserializer::from_str(text);
    let seed = Strict {
        repeated: &repeated,
        path: String::new(),
    };
    let parsed = seed
        .deserialize(&mut reader)
        .and_then(|value| reader.end().map(|()| value));
    let value = match parsed {
        Ok(value) => value,
        Err(e) => {
            if let Some(key) = repeated.into_inner() {
                return Err(InputError::RepeatedKey { key });
            }
            let (line, column) = (e.line(), e.column());
            return Err(if e.is_eof() {
                InputError::Truncated { line, column }
            } else {
                InputError::Malformed { line, column }
            });
        }
    };
    match value {
        Value::Object(map) => Ok(map),
        _ => Err(InputError::NotAnObject),
    }
}

/// Builds a [`Value`] like serde_json does, but refuses a key given twice
/// in one object, leaving its path (`services.syringes`) in `repeated`.
struct Strict<'a> {
    repeated: &'a RefCell<Option<String>>,
    path: String,
}

impl Strict<'_> {
    fn child(&self, key: &str) -> Self {
        let path = if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.path)
        };
        Strict {
            repeated: self.repeated,
            path,
        }
    }
}

impl<'de> DeserializeSeed<'de> for Strict<'_> {
    type Value = Value;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Strict<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Number::from_f64(v)
            .map(Value::Number)
            .ok_or_else(|| E::custom("a number out of range"))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(Strict {
            repeated: self.repeated,
            path: self.path.clone(),
        })? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let child = self.child(&key);
            if out.contains_key(&key) {
                *self.repeated.borrow_mut() = Some(child.path);
                return Err(de::Error::custom("a key given twice"));
            }
            let value = map.next_value_seed(child)?;
            out.insert(key, value);
        }
        Ok(Value::Object(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parsed(text: &[u8]) -> Result<Value, InputError> {
        parse_input(text).map(Value::Object)
    }

    #[test]
    fn an_object_is_read_as_given() {
        let text = r#"{"alias": "Tí", "services": {"syringes": 10}, "topics": ["hiv", "tb"],
                       "injecting": false, "birth_year": 1990, "notes": null}"#;
        assert_eq!(
            parsed(text.as_bytes()),
            Ok(
                json!({"alias": "Tí", "services": {"syringes": 10}, "topics": ["hiv", "tb"],
                      "injecting": false, "birth_year": 1990, "notes": null})
            )
        );
    }

    #[test]
    fn a_leading_byte_order_mark_is_accepted_once() {
        let mut text = BYTE_ORDER_MARK.to_vec();
        text.extend_from_slice(br#"{"alias": "A"}"#);
        assert_eq!(parsed(&text), Ok(json!({"alias": "A"})));
        let mut twice = BYTE_ORDER_MARK.to_vec();
        twice.extend_from_slice(&text);
        assert_eq!(
            parsed(&twice),
            Err(InputError::Malformed { line: 1, column: 1 })
        );
    }

    #[test]
    fn a_key_given_twice_is_refused_with_its_path() {
        assert_eq!(
            parsed(br#"{"alias": "A", "alias": "B"}"#),
            Err(InputError::RepeatedKey {
                key: "alias".into()
            })
        );
        assert_eq!(
            parsed(br#"{"services": {"syringes": 1, "syringes": 2}}"#),
            Err(InputError::RepeatedKey {
                key: "services.syringes".into()
            })
        );
        // The same key in two objects is no repeat.
        assert!(parsed(br#"{"a": {"x": 1}, "b": {"x": 2}}"#).is_ok());
    }

    #[test]
    fn bytes_that_are_not_utf8_are_an_input_error_with_a_line() {
        assert_eq!(
            parsed(b"{\n\"alias\": \"T\xff\"}"),
            Err(InputError::NotUtf8 { line: 2 })
        );
    }

    #[test]
    fn malformed_truncated_and_non_objects() {
        assert_eq!(
            parsed(br#"{"alias": "A" "notes": 1}"#),
            Err(InputError::Malformed {
                line: 1,
                column: 15
            })
        );
        assert_eq!(
            parsed(br#"{"alias": "A""#),
            Err(InputError::Truncated {
                line: 1,
                column: 13
            })
        );
        assert_eq!(
            parsed(b""),
            Err(InputError::Truncated { line: 1, column: 0 })
        );
        assert_eq!(
            parsed(br#"{"a": 1} {"b": 2}"#),
            Err(InputError::Malformed {
                line: 1,
                column: 10
            })
        );
        assert_eq!(parsed(b"[1, 2]"), Err(InputError::NotAnObject));
        assert_eq!(parsed(b"\"text\""), Err(InputError::NotAnObject));
    }
}
