//! Skip logic, constraints and calculations, in the XPath subset that
//! XLSForm forms use (ODK, KoboToolbox, CHT), parsed once and evaluated by
//! the core for every shell.
//!
//! What the subset holds:
//! - `${field}` for a field's value and `.` for the value of the field the
//!   expression belongs to (in a constraint);
//! - strings in either quote (`'a'`, `"it's"`), numbers (`3`, `-1.5`);
//! - `or`, `and`, `=`, `!=`, `<`, `<=`, `>`, `>=`, `+`, `-`, `*`, `div`,
//!   `mod`, unary `-`, with XPath's precedence, and parentheses;
//! - the functions of [`Function`]: `not()`, `true()`, `false()`,
//!   `selected()`, `count-selected()`, `if()`, `coalesce()`, `today()`,
//!   `now()`, `string-length()`, `regex()`, `concat()`,
//!   `decimal-date-time()`, `date()`, `int()`, `round()`, `number()`,
//!   `string()`.
//!
//! Anything else (paths, predicates, `|`, other functions, bare names) is
//! refused with the character where it starts, in vi and en. A
//! `choice_filter` alone reads bare names: the choice's own columns.
//!
//! How values behave (as in XLSForm engines, so a form behaves as its
//! author expects): an unset field is the empty string; comparisons follow
//! [`value::compare`]; dates count as days since 1970-01-01 in arithmetic
//! (`today() + 7` is a number, `date(today() + 7)` a date again); a yes/no
//! field reads as `'yes'`/`'no'` and as true/false.

mod error;
mod function;
mod lexer;
mod parser;
pub mod value;

#[cfg(test)]
mod tests;

pub use error::{Expected, ExprError, ExprProblem};
pub use function::Function;
pub use value::{ArithOp, CmpOp, Val};

use chrono::{DateTime, NaiveDate, Utc};

/// A parsed expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// `${name}`: a field's value ([`Val::Empty`] when unset).
    Field(String),
    /// `.`: the value of the field the expression belongs to.
    Current,
    /// A bare name in a `choice_filter`: the choice's column of that name
    /// (`name` is the choice's value).
    Column(String),
    /// A quoted string.
    Str(String),
    /// A number.
    Num(f64),
    /// Either side holds (the right is not evaluated when the left holds).
    Or(Box<Expr>, Box<Expr>),
    /// Both sides hold.
    And(Box<Expr>, Box<Expr>),
    /// A comparison.
    Compare(CmpOp, Box<Expr>, Box<Expr>),
    /// Arithmetic on the two sides' numbers.
    Arith(ArithOp, Box<Expr>, Box<Expr>),
    /// Unary minus.
    Neg(Box<Expr>),
    /// A function call (every function but `regex()`).
    Call(Function, Vec<Expr>),
    /// `regex(subject, 'pattern')`, its pattern compiled when parsed.
    Regex(Box<Expr>, Pattern),
}

/// A compiled `regex()` pattern; two are equal when their sources are.
#[derive(Debug, Clone)]
pub struct Pattern(pub regex::Regex);

impl PartialEq for Pattern {
    fn eq(&self, other: &Pattern) -> bool {
        self.0.as_str() == other.0.as_str()
    }
}

/// What an expression is evaluated against.
pub trait Scope {
    /// The value of a field ([`Val::Empty`] when unset or unknown).
    fn get(&self, field: &str) -> Val;
    /// The current day, which `today()` stands for.
    fn today(&self) -> NaiveDate;
    /// The current instant, which `now()` stands for.
    fn now(&self) -> DateTime<Utc>;
    /// A column of the choice a `choice_filter` is judging ([`Val::Empty`]
    /// outside a filter, or when the choice lacks it).
    fn column(&self, _name: &str) -> Val {
        Val::Empty
    }
}

/// One evaluation: the scope and the field `.` stands for.
pub(super) struct Context<'a> {
    scope: &'a dyn Scope,
    current: Option<&'a str>,
}

impl Expr {
    /// Parses one expression, refusing anything outside the subset.
    pub fn parse(source: &str) -> Result<Expr, ExprError> {
        parser::Parser::new(lexer::tokenize(source)?, false).whole()
    }

    /// Parses a `choice_filter`, where a bare name is a choice column.
    pub fn parse_choice_filter(source: &str) -> Result<Expr, ExprError> {
        parser::Parser::new(lexer::tokenize(source)?, true).whole()
    }

    /// The expression's value; `current` is the field `.` stands for.
    pub fn value(&self, scope: &dyn Scope, current: Option<&str>) -> Val {
        self.value_in(&Context { scope, current })
    }

    /// Whether the expression holds (its boolean reading).
    pub fn holds(&self, scope: &dyn Scope, current: Option<&str>) -> bool {
        self.value(scope, current).as_bool()
    }

    fn value_in(&self, cx: &Context) -> Val {
        match self {
            Expr::Field(name) => cx.scope.get(name),
            Expr::Current => cx.current.map_or(Val::Empty, |f| cx.scope.get(f)),
            Expr::Column(name) => cx.scope.column(name),
            Expr::Str(s) => Val::Str(s.clone()),
            Expr::Num(n) => Val::Num(*n),
            Expr::Or(a, b) => Val::Bool(a.value_in(cx).as_bool() || b.value_in(cx).as_bool()),
            Expr::And(a, b) => Val::Bool(a.value_in(cx).as_bool() && b.value_in(cx).as_bool()),
            Expr::Compare(op, a, b) => {
                Val::Bool(value::compare(&a.value_in(cx), *op, &b.value_in(cx)))
            }
            Expr::Arith(op, a, b) => {
                Val::Num(op.apply(a.value_in(cx).as_num(), b.value_in(cx).as_num()))
            }
            Expr::Neg(a) => Val::Num(-a.value_in(cx).as_num()),
            Expr::Call(f, args) => f.call(args, cx),
            Expr::Regex(subject, pattern) => {
                Val::Bool(pattern.0.is_match(&subject.value_in(cx).as_string()))
            }
        }
    }

    /// Calls `visit` on this expression and every expression inside it.
    pub fn walk<'a>(&'a self, visit: &mut dyn FnMut(&'a Expr)) {
        visit(self);
        match self {
            Expr::Or(a, b) | Expr::And(a, b) | Expr::Compare(_, a, b) | Expr::Arith(_, a, b) => {
                a.walk(visit);
                b.walk(visit);
            }
            Expr::Neg(a) | Expr::Regex(a, _) => a.walk(visit),
            Expr::Call(_, args) => args.iter().for_each(|a| a.walk(visit)),
            Expr::Field(_) | Expr::Current | Expr::Column(_) | Expr::Str(_) | Expr::Num(_) => {}
        }
    }

    /// The keys of the fields it refers to with `${…}`, in order of appearance.
    pub fn fields(&self) -> Vec<&str> {
        let mut out = Vec::new();
        self.walk(&mut |e| {
            if let Expr::Field(name) = e {
                out.push(name.as_str());
            }
        });
        out
    }

    /// The choice columns it reads (a `choice_filter`), in order of appearance.
    pub fn columns(&self) -> Vec<&str> {
        let mut out = Vec::new();
        self.walk(&mut |e| {
            if let Expr::Column(name) = e {
                out.push(name.as_str());
            }
        });
        out
    }

    /// Whether it uses `.`.
    pub fn uses_current(&self) -> bool {
        let mut found = false;
        self.walk(&mut |e| found |= matches!(e, Expr::Current));
        found
    }
}
