//! How a record's canonical JSON values look to expressions.

use super::definition::{Choice, FieldType, FormDefinition};
use super::expr::{Scope, Val};
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{Map, Value};

/// The values of one candidate record, typed by the form's field types.
pub(crate) struct RecordScope<'a> {
    pub form: &'a FormDefinition,
    pub values: &'a Map<String, Value>,
    pub today: NaiveDate,
}

impl Scope for RecordScope<'_> {
    fn get(&self, key: &str) -> Val {
        let (Some(field), Some(value)) = (self.form.field(key), self.values.get(key)) else {
            return Val::Empty;
        };
        let strings = |items: &Vec<Value>| {
            items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        };
        // A value of the wrong shape (e.g. written by an older form) counts as unset.
        let typed = match (field.field_type, value) {
            (
                FieldType::Text
                | FieldType::SingleChoice
                | FieldType::Link
                | FieldType::Phone
                | FieldType::Calculate,
                Value::String(s),
            ) => Some(Val::Str(s.clone())),
            (FieldType::Integer | FieldType::Decimal, Value::Number(n)) => n.as_f64().map(Val::Num),
            (FieldType::Date, Value::String(s)) => {
                NaiveDate::parse_from_str(s, "%Y-%m-%d").ok().map(Val::Date)
            }
            (FieldType::Datetime, Value::String(s)) => DateTime::parse_from_rfc3339(s)
                .ok()
                .map(|t| Val::DateTime(t.with_timezone(&Utc))),
            (FieldType::YesNo, Value::Bool(b)) => Some(Val::YesNo(*b)),
            (FieldType::MultipleChoice | FieldType::Link, Value::Array(items)) => {
                Some(Val::List(strings(items)))
            }
            (FieldType::Quantities, Value::Object(items)) => Some(Val::List(
                items
                    .iter()
                    .filter(|(_, n)| n.as_i64().is_some_and(|n| n > 0))
                    .map(|(k, _)| k.clone())
                    .collect(),
            )),
            _ => None,
        };
        typed.unwrap_or(Val::Empty)
    }

    fn today(&self) -> NaiveDate {
        self.today
    }

    /// The wall clock's time of day on the store's day: validation is given
    /// a day, and `now()` in a form compares against times on that day.
    fn now(&self) -> DateTime<Utc> {
        self.today.and_time(Utc::now().time()).and_utc()
    }
}

/// A record's values and one choice's columns: what a `choice_filter`
/// judges the choice by.
pub(crate) struct ChoiceScope<'a> {
    pub record: &'a RecordScope<'a>,
    pub choice: &'a Choice,
}

impl Scope for ChoiceScope<'_> {
    fn get(&self, key: &str) -> Val {
        self.record.get(key)
    }

    fn today(&self) -> NaiveDate {
        self.record.today()
    }

    fn now(&self) -> DateTime<Utc> {
        self.record.now()
    }

    fn column(&self, name: &str) -> Val {
        if name == "name" {
            return Val::Str(self.choice.value.clone());
        }
        self.choice
            .columns
            .get(name)
            .map_or(Val::Empty, |v| Val::Str(v.clone()))
    }
}
