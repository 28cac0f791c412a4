//! Field values as the apps see them: one variant per form field type, so a
//! renderer switches on the variant instead of guessing from JSON. The core
//! stores JSON; the form definition says which variant a stored value is.

use fieldbook_core::forms::{FieldDef, FieldType};
use serde_json::{Map, Number, Value};
use std::collections::HashMap;

/// One field's value, typed by the form field it belongs to.
#[derive(Debug, Clone, PartialEq, uniffi::Enum)]
pub enum FieldValue {
    /// A text field's value.
    Text {
        /// The text, exactly as written.
        value: String,
    },
    /// A whole number.
    Integer {
        /// The number.
        value: i64,
    },
    /// A number with decimals; it must be finite.
    Decimal {
        /// The number.
        value: f64,
    },
    /// `YYYY-MM-DD`.
    Date {
        /// The date.
        value: String,
    },
    /// RFC 3339, e.g. `2026-12-01T09:30:00Z`.
    Datetime {
        /// The instant, in UTC.
        value: String,
    },
    /// One choice's value (not its label).
    Choice {
        /// The choice's value.
        value: String,
    },
    /// Several choices' values (not their labels).
    Choices {
        /// The values, in the order the form defines the choices.
        values: Vec<String>,
    },
    /// Yes (`true`) or no.
    YesNo {
        /// The answer.
        value: bool,
    },
    /// A linked record's id.
    Link {
        /// The record's id.
        id: String,
    },
    /// Linked records' ids.
    Links {
        /// The ids.
        ids: Vec<String>,
    },
    /// How many of each item, in the form's order of choices.
    Quantities {
        /// One count per item handed out.
        items: Vec<Quantity>,
    },
}

/// How many of one item.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Quantity {
    /// The item's choice value.
    pub item: String,
    /// How many, above zero.
    pub count: u64,
}

impl FieldValue {
    pub(crate) fn to_json(&self) -> Value {
        match self {
            FieldValue::Text { value }
            | FieldValue::Date { value }
            | FieldValue::Datetime { value }
            | FieldValue::Choice { value } => Value::String(value.clone()),
            FieldValue::Link { id } => Value::String(id.clone()),
            FieldValue::Integer { value } => Value::Number((*value).into()),
            // A non-finite number has no JSON form. Passed on as its text,
            // it is refused by the form, naming the field; null would
            // silently clear it.
            FieldValue::Decimal { value } => Number::from_f64(*value)
                .map_or_else(|| Value::String(value.to_string()), Value::Number),
            FieldValue::YesNo { value } => Value::Bool(*value),
            FieldValue::Choices { values } => strings(values),
            FieldValue::Links { ids } => strings(ids),
            FieldValue::Quantities { items } => Value::Object(
                items
                    .iter()
                    .map(|q| (q.item.clone(), Value::Number(q.count.into())))
                    .collect(),
            ),
        }
    }

    /// A stored value, typed by its field's definition; `None` for `null`.
    /// A key the current form no longer defines is typed by its JSON shape.
    pub(crate) fn from_json(field: Option<&FieldDef>, value: &Value) -> Option<FieldValue> {
        if value.is_null() {
            return None;
        }
        let typed = field.and_then(|f| typed(f, value));
        Some(typed.unwrap_or_else(|| by_shape(value)))
    }
}

fn strings(values: &[String]) -> Value {
    Value::Array(values.iter().cloned().map(Value::String).collect())
}

fn string_list(value: &Value) -> Option<Vec<String>> {
    value
        .as_array()?
        .iter()
        .map(|v| v.as_str().map(str::to_string))
        .collect()
}

fn typed(field: &FieldDef, value: &Value) -> Option<FieldValue> {
    let text = || value.as_str().map(str::to_string);
    Some(match field.field_type {
        FieldType::Text | FieldType::Phone | FieldType::Calculate => {
            FieldValue::Text { value: text()? }
        }
        // A note holds no value; anything stored under its key is read by shape.
        FieldType::Note => return None,
        FieldType::Date => FieldValue::Date { value: text()? },
        FieldType::Datetime => FieldValue::Datetime { value: text()? },
        FieldType::SingleChoice => FieldValue::Choice { value: text()? },
        FieldType::Integer => FieldValue::Integer {
            value: value.as_i64()?,
        },
        FieldType::Decimal => FieldValue::Decimal {
            value: value.as_f64()?,
        },
        FieldType::YesNo => FieldValue::YesNo {
            value: value.as_bool()?,
        },
        FieldType::MultipleChoice => FieldValue::Choices {
            values: string_list(value)?,
        },
        FieldType::Link if field.multiple => FieldValue::Links {
            ids: string_list(value)?,
        },
        FieldType::Link => FieldValue::Link { id: text()? },
        FieldType::Quantities => {
            let object = value.as_object()?;
            // The form's order of choices, then any value it no longer lists.
            let mut items: Vec<Quantity> = field
                .choices
                .iter()
                .filter_map(|c| quantity(&c.value, object.get(&c.value)?))
                .collect();
            for (item, count) in object {
                if field.choice(item).is_none() {
                    items.extend(quantity(item, count));
                }
            }
            FieldValue::Quantities { items }
        }
    })
}

fn quantity(item: &str, count: &Value) -> Option<Quantity> {
    Some(Quantity {
        item: item.to_string(),
        count: count.as_u64()?,
    })
}

fn by_shape(value: &Value) -> FieldValue {
    match value {
        Value::Bool(b) => FieldValue::YesNo { value: *b },
        Value::Number(n) => match n.as_i64() {
            Some(i) => FieldValue::Integer { value: i },
            None => FieldValue::Decimal {
                value: n.as_f64().unwrap_or(0.0),
            },
        },
        Value::Array(_) => match string_list(value) {
            Some(values) => FieldValue::Choices { values },
            None => FieldValue::Text {
                value: value.to_string(),
            },
        },
        Value::Object(object) => {
            let items: Option<Vec<Quantity>> = object.iter().map(|(k, v)| quantity(k, v)).collect();
            match items {
                Some(items) => FieldValue::Quantities { items },
                None => FieldValue::Text {
                    value: value.to_string(),
                },
            }
        }
        Value::String(s) => FieldValue::Text { value: s.clone() },
        Value::Null => FieldValue::Text {
            value: String::new(),
        },
    }
}

/// The apps' values as the JSON object the core validates.
pub(crate) fn to_input(values: &HashMap<String, FieldValue>) -> Map<String, Value> {
    values
        .iter()
        .map(|(key, value)| (key.clone(), value.to_json()))
        .collect()
}

/// The same, with the fields in `clear` set to `null` (cleared).
pub(crate) fn to_input_clearing(
    values: &HashMap<String, FieldValue>,
    clear: Vec<String>,
) -> Map<String, Value> {
    let mut input = to_input(values);
    for key in clear {
        input.insert(key, Value::Null);
    }
    input
}

#[cfg(test)]
mod tests {
    use super::*;
    use fieldbook_core::forms::definition;
    use fieldbook_core::RecordKind;
    use serde_json::json;

    #[test]
    fn every_field_type_round_trips_through_json() {
        let contact = definition(RecordKind::Contact);
        let services = contact.field("services").unwrap();
        let stored = json!({"condoms": 10, "syringes": 20});
        let value = FieldValue::from_json(Some(services), &stored).unwrap();
        // Form order (syringes before condoms), not the JSON object's order.
        assert_eq!(
            value,
            FieldValue::Quantities {
                items: vec![
                    Quantity {
                        item: "syringes".into(),
                        count: 20
                    },
                    Quantity {
                        item: "condoms".into(),
                        count: 10
                    },
                ]
            }
        );
        assert_eq!(value.to_json(), stored);

        for field in contact.fields.iter() {
            let sample = match field.field_type {
                FieldType::Text => json!("Gầm cầu"),
                FieldType::Integer => json!(3),
                FieldType::Decimal => json!(1.5),
                FieldType::Date => json!("2026-12-01"),
                FieldType::Datetime => json!("2026-12-01T09:30:00Z"),
                FieldType::SingleChoice => json!(field.choices[0].value),
                FieldType::MultipleChoice => json!([field.choices[0].value]),
                FieldType::YesNo => json!(true),
                FieldType::Link if field.multiple => {
                    json!(["0190a0b0-0000-7000-8000-000000000001"])
                }
                FieldType::Link => json!("0190a0b0-0000-7000-8000-000000000001"),
                FieldType::Quantities => json!({ field.choices[0].value.clone(): 2 }),
                FieldType::Phone => json!("+84912345678"),
                FieldType::Calculate => json!("3"),
                FieldType::Note => continue,
            };
            let value = FieldValue::from_json(Some(field), &sample).unwrap();
            assert_eq!(value.to_json(), sample, "field {}", field.key);
        }
    }

    #[test]
    fn null_is_no_value_and_unknown_keys_are_typed_by_shape() {
        assert_eq!(FieldValue::from_json(None, &Value::Null), None);
        assert_eq!(
            FieldValue::from_json(None, &json!(["a", "b"])),
            Some(FieldValue::Choices {
                values: vec!["a".into(), "b".into()]
            })
        );
        assert_eq!(
            FieldValue::from_json(None, &json!(7)),
            Some(FieldValue::Integer { value: 7 })
        );
    }

    #[test]
    fn a_decimal_with_no_json_form_is_refused_naming_its_field() {
        let value = FieldValue::Decimal { value: f64::NAN };
        assert_eq!(value.to_json(), json!("NaN"));
        let form = fieldbook_core::forms::FormDefinition::from_json(
            &json!({"kind": "meeting", "version": 1, "title": {"vi": "T", "en": "T"},
                    "fields": [{"key": "dose", "type": "decimal",
                                "label": {"vi": "Liều", "en": "Dose"}}]})
            .to_string(),
        )
        .unwrap();
        let input = to_input(&HashMap::from([("dose".to_string(), value)]));
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        let errors = form
            .validate(&input, None, today, fieldbook_core::Lang::En)
            .unwrap_err();
        assert_eq!(
            errors.codes(),
            [("dose", fieldbook_core::forms::FieldErrorCode::InvalidType)]
        );
        assert_eq!(errors.0[0].message, "Dose must be a number");
    }
}
