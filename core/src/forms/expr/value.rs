//! The values an expression computes with, and XPath's conversions between
//! them: every value has a string, a number and a boolean reading.

use chrono::{DateTime, NaiveDate, Utc};
use std::cmp::Ordering;

/// A value an expression sees or computes.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    /// An unset field: the empty string, as in every XLSForm engine.
    Empty,
    /// A text, a choice value or a record id.
    Str(String),
    /// An integer or decimal (a day count after date arithmetic).
    Num(f64),
    /// `true()`, `false()` and the result of a comparison.
    Bool(bool),
    /// A yes/no field: reads as `'yes'` or `'no'`, and as true or false.
    YesNo(bool),
    /// A date field, `today()` or `date(…)`.
    Date(NaiveDate),
    /// A datetime field or `now()`, in UTC.
    DateTime(DateTime<Utc>),
    /// A multiple-choice or multiple-link field's values, or the choices of a
    /// quantities field with a count above zero; reads as its values joined
    /// by spaces, the way XLSForm stores a `select_multiple`.
    List(Vec<String>),
}

const SECONDS_PER_DAY: f64 = 86_400.0;

fn epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default()
}

/// Days since 1970-01-01, the number XLSForm engines give a date.
pub(super) fn date_number(d: NaiveDate) -> f64 {
    (d - epoch()).num_days() as f64
}

/// Days since 1970-01-01 UTC with the time as a fraction of a day.
pub(super) fn datetime_number(t: DateTime<Utc>) -> f64 {
    t.timestamp() as f64 / SECONDS_PER_DAY + f64::from(t.timestamp_subsec_millis()) / 86_400_000.0
}

/// The date `days` after 1970-01-01 (its fraction dropped), when in range.
pub(super) fn date_from_number(days: f64) -> Option<NaiveDate> {
    if !days.is_finite() || days.abs() > 3_000_000.0 {
        return None;
    }
    epoch().checked_add_signed(chrono::Duration::days(days.floor() as i64))
}

/// Reads `'YYYY-MM-DD'` or an RFC 3339 instant.
pub(super) fn temporal_from_str(s: &str) -> Option<Val> {
    let s = s.trim();
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Some(Val::Date(d));
    }
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| Val::DateTime(t.with_timezone(&Utc)))
}

impl Val {
    /// The boolean reading: unset, empty, zero, NaN and `false()` are false.
    pub fn as_bool(&self) -> bool {
        match self {
            Val::Empty => false,
            Val::Str(s) => !s.is_empty(),
            Val::Num(n) => *n != 0.0 && !n.is_nan(),
            Val::Bool(b) | Val::YesNo(b) => *b,
            Val::Date(_) | Val::DateTime(_) => true,
            Val::List(items) => !items.is_empty(),
        }
    }

    /// The number reading: NaN for what is not a number (unset included).
    pub fn as_num(&self) -> f64 {
        match self {
            Val::Empty | Val::List(_) => f64::NAN,
            Val::Str(s) => number_from_str(s),
            Val::Num(n) => *n,
            Val::Bool(b) | Val::YesNo(b) => f64::from(u8::from(*b)),
            Val::Date(d) => date_number(*d),
            Val::DateTime(t) => datetime_number(*t),
        }
    }

    /// The string reading, as XLSForm engines write values.
    pub fn as_string(&self) -> String {
        match self {
            Val::Empty => String::new(),
            Val::Str(s) => s.clone(),
            Val::Num(n) => format_number(*n),
            Val::Bool(b) => b.to_string(),
            Val::YesNo(b) => if *b { "yes" } else { "no" }.to_string(),
            Val::Date(d) => d.format("%Y-%m-%d").to_string(),
            Val::DateTime(t) => t.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            Val::List(items) => items.join(" "),
        }
    }

    /// The values a `selected()` looks through: a list's items, or a
    /// string's space-separated words.
    pub fn selections(&self) -> Vec<String> {
        match self {
            Val::List(items) => items.clone(),
            other => other
                .as_string()
                .split_whitespace()
                .map(str::to_string)
                .collect(),
        }
    }

    /// The date reading, for `date()` and date comparisons: a date, a
    /// datetime's UTC day, a `'YYYY-MM-DD'` string or a day count.
    pub fn as_date(&self) -> Option<NaiveDate> {
        match self {
            Val::Date(d) => Some(*d),
            Val::DateTime(t) => Some(t.date_naive()),
            Val::Str(s) => match temporal_from_str(s)? {
                Val::Date(d) => Some(d),
                Val::DateTime(t) => Some(t.date_naive()),
                _ => None,
            },
            Val::Num(n) => date_from_number(*n),
            _ => None,
        }
    }

    fn is_temporal(&self) -> bool {
        matches!(self, Val::Date(_) | Val::DateTime(_))
    }
}

/// XPath's `number()` of a string: an optional minus, digits and one
/// point; anything else (exponents, `Infinity`, blanks) is NaN.
fn number_from_str(s: &str) -> f64 {
    let t = s.trim();
    let digits = t.strip_prefix('-').unwrap_or(t);
    let well_formed = !digits.is_empty()
        && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
        && digits.chars().filter(|c| *c == '.').count() <= 1
        && digits != ".";
    if well_formed {
        t.parse().unwrap_or(f64::NAN)
    } else {
        f64::NAN
    }
}

/// A number as XPath writes it: integers without a point, NaN as `NaN`.
pub(super) fn format_number(n: f64) -> String {
    if n.is_nan() {
        "NaN".into()
    } else if n.is_infinite() {
        if n > 0.0 { "Infinity" } else { "-Infinity" }.into()
    } else if n == n.trunc() && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    /// `=`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

impl CmpOp {
    fn holds(self, ord: Option<Ordering>) -> bool {
        match (self, ord) {
            // An incomparable pair (NaN) is unequal and never ordered.
            (CmpOp::Ne, None) => true,
            (_, None) => false,
            (CmpOp::Eq, Some(o)) => o == Ordering::Equal,
            (CmpOp::Ne, Some(o)) => o != Ordering::Equal,
            (CmpOp::Lt, Some(o)) => o == Ordering::Less,
            (CmpOp::Le, Some(o)) => o != Ordering::Greater,
            (CmpOp::Gt, Some(o)) => o == Ordering::Greater,
            (CmpOp::Ge, Some(o)) => o != Ordering::Less,
        }
    }

    fn is_equality(self) -> bool {
        matches!(self, CmpOp::Eq | CmpOp::Ne)
    }
}

/// Compares two values the XPath way, with dates as dates:
/// - a boolean (or yes/no) on either side of `=`/`!=` compares booleans;
/// - a date or datetime on either side compares as dates (a datetime
///   against a date by its UTC day), the other side read as one; an unset
///   or unreadable side makes the comparison false (`!=` true);
/// - a number on either side, or any ordering, compares numbers;
/// - otherwise strings compare as strings.
pub fn compare(a: &Val, op: CmpOp, b: &Val) -> bool {
    let bool_side = |v: &Val| matches!(v, Val::Bool(_) | Val::YesNo(_));
    if op.is_equality() && (bool_side(a) || bool_side(b)) {
        let (x, y) = (truth(a, b), truth(b, a));
        return op.holds(Some(x.cmp(&y)));
    }
    if a.is_temporal() || b.is_temporal() {
        return op.holds(temporal_order(a, b));
    }
    let numeric = !op.is_equality() || matches!(a, Val::Num(_)) || matches!(b, Val::Num(_));
    if numeric {
        return op.holds(a.as_num().partial_cmp(&b.as_num()));
    }
    op.holds(Some(a.as_string().cmp(&b.as_string())))
}

/// A side's truth when compared with a boolean: a yes/no field's value,
/// or `'yes'`/`'no'` against one.
fn truth(v: &Val, other: &Val) -> bool {
    match (v, other) {
        (Val::Str(s), Val::YesNo(_)) => s == "yes",
        _ => v.as_bool(),
    }
}

fn temporal_order(a: &Val, b: &Val) -> Option<Ordering> {
    let either_date_only = matches!(a, Val::Date(_)) || matches!(b, Val::Date(_));
    let read = |v: &Val| -> Option<f64> {
        match v {
            Val::Empty => None,
            Val::Num(n) => Some(*n),
            Val::Date(d) => Some(date_number(*d)),
            Val::DateTime(t) if either_date_only => Some(date_number(t.date_naive())),
            Val::DateTime(t) => Some(datetime_number(*t)),
            Val::Str(s) => match temporal_from_str(s)? {
                Val::Date(d) => Some(date_number(d)),
                Val::DateTime(t) if either_date_only => Some(date_number(t.date_naive())),
                Val::DateTime(t) => Some(datetime_number(t)),
                _ => None,
            },
            _ => None,
        }
    };
    read(a)?.partial_cmp(&read(b)?)
}

/// An arithmetic operator; dates take part as their day counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArithOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `div`
    Div,
    /// `mod` (the sign of the dividend, as XPath's)
    Mod,
}

impl ArithOp {
    /// Applies the operator to two numbers (XPath: IEEE 754 arithmetic).
    pub fn apply(self, a: f64, b: f64) -> f64 {
        match self {
            ArithOp::Add => a + b,
            ArithOp::Sub => a - b,
            ArithOp::Mul => a * b,
            ArithOp::Div => a / b,
            ArithOp::Mod => a % b,
        }
    }
}
