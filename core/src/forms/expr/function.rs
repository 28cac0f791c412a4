//! The functions of the XLSForm subset: their names, how many arguments
//! each takes, and what each computes.

use super::value::{datetime_number, temporal_from_str, Val};
use super::{Context, Expr};

/// A function an expression may call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Function {
    /// `not(x)`
    Not,
    /// `true()`
    True,
    /// `false()`
    False,
    /// `selected(list, value)`: the list (or space-separated string) holds the value.
    Selected,
    /// `count-selected(list)`: how many values a list holds.
    CountSelected,
    /// `if(condition, then, else)`, evaluating only the branch taken.
    If,
    /// `coalesce(a, b, …)`: the first argument that is not empty.
    Coalesce,
    /// `today()`: the current day.
    Today,
    /// `now()`: the current instant.
    Now,
    /// `string-length(s)`: characters, not bytes.
    StringLength,
    /// `regex(s, 'pattern')`: the pattern matches somewhere in the string.
    Regex,
    /// `concat(a, b, …)`
    Concat,
    /// `decimal-date-time(d)`: days since 1970-01-01 with a fraction for the time.
    DecimalDateTime,
    /// `date(x)`: a date from a `'YYYY-MM-DD'` string or a day count.
    Date,
    /// `int(x)`: the number truncated toward zero.
    Int,
    /// `round(x)` or `round(x, digits)`: halves round away from zero.
    Round,
    /// `number(x)`
    Number,
    /// `string(x)`
    String,
}

impl Function {
    /// Every function, for lookups and for the documentation's table.
    pub const ALL: [Function; 18] = [
        Function::Not,
        Function::True,
        Function::False,
        Function::Selected,
        Function::CountSelected,
        Function::If,
        Function::Coalesce,
        Function::Today,
        Function::Now,
        Function::StringLength,
        Function::Regex,
        Function::Concat,
        Function::DecimalDateTime,
        Function::Date,
        Function::Int,
        Function::Round,
        Function::Number,
        Function::String,
    ];

    /// The name an expression calls it by.
    pub fn name(self) -> &'static str {
        match self {
            Function::Not => "not",
            Function::True => "true",
            Function::False => "false",
            Function::Selected => "selected",
            Function::CountSelected => "count-selected",
            Function::If => "if",
            Function::Coalesce => "coalesce",
            Function::Today => "today",
            Function::Now => "now",
            Function::StringLength => "string-length",
            Function::Regex => "regex",
            Function::Concat => "concat",
            Function::DecimalDateTime => "decimal-date-time",
            Function::Date => "date",
            Function::Int => "int",
            Function::Round => "round",
            Function::Number => "number",
            Function::String => "string",
        }
    }

    /// The function called `name`, if the subset has one.
    pub fn named(name: &str) -> Option<Function> {
        Function::ALL.into_iter().find(|f| f.name() == name)
    }

    /// The fewest and the most arguments it takes (`None`: no limit).
    pub fn arity(self) -> (usize, Option<usize>) {
        match self {
            Function::True | Function::False | Function::Today | Function::Now => (0, Some(0)),
            Function::Not
            | Function::CountSelected
            | Function::StringLength
            | Function::DecimalDateTime
            | Function::Date
            | Function::Int
            | Function::Number
            | Function::String => (1, Some(1)),
            Function::Selected | Function::Regex => (2, Some(2)),
            Function::Round => (1, Some(2)),
            Function::If => (3, Some(3)),
            Function::Coalesce | Function::Concat => (2, None),
        }
    }

    /// Calls the function on unevaluated arguments (`if` and `coalesce`
    /// evaluate only what they need).
    pub(super) fn call(self, args: &[Expr], cx: &Context) -> Val {
        let arg = |i: usize| args.get(i).map_or(Val::Empty, |a| a.value_in(cx));
        match self {
            Function::Not => Val::Bool(!arg(0).as_bool()),
            Function::True => Val::Bool(true),
            Function::False => Val::Bool(false),
            Function::Selected => {
                let wanted = arg(1).as_string();
                Val::Bool(arg(0).selections().contains(&wanted))
            }
            Function::CountSelected => Val::Num(arg(0).selections().len() as f64),
            Function::If => {
                if arg(0).as_bool() {
                    arg(1)
                } else {
                    arg(2)
                }
            }
            Function::Coalesce => args
                .iter()
                .map(|a| a.value_in(cx))
                .find(|v| !v.as_string().is_empty())
                .unwrap_or(Val::Empty),
            Function::Today => Val::Date(cx.scope.today()),
            Function::Now => Val::DateTime(cx.scope.now()),
            Function::StringLength => Val::Num(arg(0).as_string().chars().count() as f64),
            // The parser only builds a regex() call as Expr::Regex.
            Function::Regex => Val::Bool(false),
            Function::Concat => Val::Str(args.iter().map(|a| a.value_in(cx).as_string()).collect()),
            Function::DecimalDateTime => Val::Num(decimal_date_time(&arg(0))),
            Function::Date => match arg(0) {
                Val::Empty => Val::Empty,
                v => v.as_date().map_or(Val::Empty, Val::Date),
            },
            Function::Int => Val::Num(arg(0).as_num().trunc()),
            Function::Round => {
                let digits = if args.len() > 1 { arg(1).as_num() } else { 0.0 };
                Val::Num(round(arg(0).as_num(), digits))
            }
            Function::Number => Val::Num(arg(0).as_num()),
            Function::String => Val::Str(arg(0).as_string()),
        }
    }
}

fn decimal_date_time(v: &Val) -> f64 {
    match v {
        Val::DateTime(t) => datetime_number(*t),
        Val::Str(s) => match temporal_from_str(s) {
            Some(t) => t.as_num(),
            None => f64::NAN,
        },
        other => other.as_num(),
    }
}

/// Rounds to `digits` decimals, halves away from zero.
fn round(x: f64, digits: f64) -> f64 {
    if !x.is_finite() || !digits.is_finite() {
        return f64::NAN;
    }
    let scale = 10f64.powi(digits.trunc().clamp(-15.0, 15.0) as i32);
    (x * scale).round() / scale
}
