//! Skip-logic and constraint expressions: a small recursive-descent parser
//! and an evaluator over a record's candidate values.
//!
//! Grammar (keywords are lowercase):
//!
//! ```text
//! expr       := and_expr ( "or" and_expr )*
//! and_expr   := not_expr ( "and" not_expr )*
//! not_expr   := "not" not_expr | atom
//! atom       := "(" expr ")"
//!             | "selected" "(" IDENT "," STRING ")"
//!             | "is_set" "(" IDENT ")"
//!             | operand [ CMP operand | "in" "(" literal ( "," literal )* ")" ]
//! operand    := IDENT | literal | "today" "(" ")"
//! literal    := STRING | NUMBER | "true" | "false"
//! CMP        := "=" | "!=" | "<" | "<=" | ">" | ">="
//! STRING     := "'" ( any char, "''" for a quote )* "'"
//! NUMBER     := [ "-" ] digits [ "." digits ]
//! ```
//!
//! Semantics:
//! - A comparison (or `in`) involving an unset field is false, whatever the
//!   operator, `!=` included: "unknown" never satisfies a condition. Write
//!   `not is_set(x) or x < y` when an unset value should pass.
//! - Dates compare as dates: a date field against a date field, `today()`, or
//!   a `'YYYY-MM-DD'` string; a datetime against a date compares its (UTC) day.
//! - Numbers compare numerically, strings lexically, booleans by equality.
//!   Values of types that cannot be compared make the comparison false.
//! - `selected(f, 'v')` holds when a multiple-choice (or quantities, or
//!   multiple-link) field includes `v`, or a single value equals it.
//! - A bare operand used as a condition holds only when it is the boolean true
//!   (so a yes/no field can be written alone: `injecting`).

use chrono::{DateTime, NaiveDate, Utc};
use std::cmp::Ordering;
use std::fmt;

/// A parsed expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// Holds when either side does.
    Or(Box<Expr>, Box<Expr>),
    /// Holds when both sides do.
    And(Box<Expr>, Box<Expr>),
    /// Holds when the inner expression does not.
    Not(Box<Expr>),
    /// A comparison, false when either side is unset or the two cannot be compared.
    Compare {
        /// The left-hand side.
        lhs: Operand,
        /// The operator.
        op: CmpOp,
        /// The right-hand side.
        rhs: Operand,
    },
    /// Holds when the operand equals one of the literals.
    In {
        /// The value looked for, false when unset.
        operand: Operand,
        /// The literals it may equal.
        set: Vec<Operand>,
    },
    /// `selected(field, 'value')`: the field's list includes the value, or its one value equals it.
    Selected {
        /// The field's key.
        field: String,
        /// The choice value (or record id) looked for.
        value: String,
    },
    /// `is_set(field)`: the field, by key, has a value.
    IsSet(String),
    /// An operand alone: holds only when it is the boolean true.
    Truthy(Operand),
}

/// One side of a comparison: a field's value, a literal, or today's date.
#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    /// The value of the field with this key (unset when absent).
    Field(String),
    /// A quoted string; against a date or datetime it is read as one (`'YYYY-MM-DD'` or RFC 3339).
    Str(String),
    /// A number literal.
    Num(f64),
    /// `true` or `false`.
    Bool(bool),
    /// `today()`: the scope's current day.
    Today,
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
    fn holds(self, ord: Ordering) -> bool {
        match self {
            CmpOp::Eq => ord == Ordering::Equal,
            CmpOp::Ne => ord != Ordering::Equal,
            CmpOp::Lt => ord == Ordering::Less,
            CmpOp::Le => ord != Ordering::Greater,
            CmpOp::Gt => ord == Ordering::Greater,
            CmpOp::Ge => ord != Ordering::Less,
        }
    }
}

/// A typed value an expression sees for a field.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    /// A yes/no field.
    Bool(bool),
    /// An integer or decimal field.
    Num(f64),
    /// A text, single-choice or single-link field.
    Str(String),
    /// A date field.
    Date(NaiveDate),
    /// A datetime field, in UTC.
    DateTime(DateTime<Utc>),
    /// A multiple-choice or multiple-link field's values, or the choices of a quantities field with
    /// a count above zero.
    List(Vec<String>),
}

/// What an expression is evaluated against.
pub trait Scope {
    /// The value of a field, or `None` when it is unset.
    fn get(&self, field: &str) -> Option<Val>;
    /// The current day, which `today()` stands for.
    fn today(&self) -> NaiveDate;
}

/// A parse error, with the 0-based character position where it was found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} (at character {})", .position + 1)]
pub struct ExprError {
    /// 0-based character position in the source where the problem was found.
    pub position: usize,
    /// What is wrong, in English (expressions are written by people who edit definitions).
    pub message: String,
}

impl Expr {
    /// Parses one expression, refusing anything the grammar does not allow.
    pub fn parse(source: &str) -> Result<Expr, ExprError> {
        let tokens = tokenize(source)?;
        let mut parser = Parser { tokens, next: 0 };
        let expr = parser.or_expr()?;
        match parser.peek() {
            Token::End => Ok(expr),
            other => Err(parser.error(format!("unexpected {other}"))),
        }
    }

    /// Whether the expression holds against `scope`'s values.
    pub fn eval(&self, scope: &dyn Scope) -> bool {
        match self {
            Expr::Or(a, b) => a.eval(scope) || b.eval(scope),
            Expr::And(a, b) => a.eval(scope) && b.eval(scope),
            Expr::Not(e) => !e.eval(scope),
            Expr::Compare { lhs, op, rhs } => match (lhs.resolve(scope), rhs.resolve(scope)) {
                (Some(a), Some(b)) => order(&a, &b).is_some_and(|ord| op.holds(ord)),
                _ => false,
            },
            Expr::In { operand, set } => operand.resolve(scope).is_some_and(|v| {
                set.iter()
                    .filter_map(|lit| lit.resolve(scope))
                    .any(|lit| order(&v, &lit) == Some(Ordering::Equal))
            }),
            Expr::Selected { field, value } => match scope.get(field) {
                Some(Val::List(items)) => items.iter().any(|i| i == value),
                Some(Val::Str(s)) => s == *value,
                _ => false,
            },
            Expr::IsSet(field) => scope.get(field).is_some(),
            Expr::Truthy(operand) => operand.resolve(scope) == Some(Val::Bool(true)),
        }
    }

    /// Every field the expression refers to, in order of appearance.
    pub fn fields(&self) -> Vec<&str> {
        let mut out = Vec::new();
        self.collect_fields(&mut out);
        out
    }

    fn collect_fields<'a>(&'a self, out: &mut Vec<&'a str>) {
        match self {
            Expr::Or(a, b) | Expr::And(a, b) => {
                a.collect_fields(out);
                b.collect_fields(out);
            }
            Expr::Not(e) => e.collect_fields(out),
            Expr::Compare { lhs, rhs, .. } => {
                out.extend(lhs.field());
                out.extend(rhs.field());
            }
            Expr::In { operand, .. } | Expr::Truthy(operand) => out.extend(operand.field()),
            Expr::Selected { field, .. } | Expr::IsSet(field) => out.push(field),
        }
    }
}

impl Operand {
    /// The key of the field this operand reads, if it is one.
    pub fn field(&self) -> Option<&str> {
        match self {
            Operand::Field(f) => Some(f),
            _ => None,
        }
    }

    fn resolve(&self, scope: &dyn Scope) -> Option<Val> {
        match self {
            Operand::Field(f) => scope.get(f),
            Operand::Str(s) => Some(Val::Str(s.clone())),
            Operand::Num(n) => Some(Val::Num(*n)),
            Operand::Bool(b) => Some(Val::Bool(*b)),
            Operand::Today => Some(Val::Date(scope.today())),
        }
    }
}

/// How two values order, when they can be compared at all.
fn order(a: &Val, b: &Val) -> Option<Ordering> {
    use Val::*;
    match (a, b) {
        (Num(x), Num(y)) => x.partial_cmp(y),
        (Str(x), Str(y)) => Some(x.cmp(y)),
        (Bool(x), Bool(y)) => Some(x.cmp(y)),
        (Date(x), Date(y)) => Some(x.cmp(y)),
        (DateTime(x), DateTime(y)) => Some(x.cmp(y)),
        (DateTime(x), Date(y)) => Some(x.date_naive().cmp(y)),
        (Date(_), DateTime(_)) => order(b, a).map(Ordering::reverse),
        (Date(_) | DateTime(_), Str(s)) => order(a, &temporal_literal(s)?),
        (Str(_), Date(_) | DateTime(_)) => order(b, a).map(Ordering::reverse),
        _ => None,
    }
}

/// A string literal read as a date or an instant, to compare with one.
fn temporal_literal(s: &str) -> Option<Val> {
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Some(Val::Date(d));
    }
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|dt| Val::DateTime(dt.with_timezone(&Utc)))
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Ident(String),
    Str(String),
    Num(f64),
    Op(CmpOp),
    LParen,
    RParen,
    Comma,
    Minus,
    End,
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Token::Ident(s) => write!(f, "'{s}'"),
            Token::Str(s) => write!(f, "string '{s}'"),
            Token::Num(n) => write!(f, "number {n}"),
            Token::Op(op) => write!(f, "operator {op:?}"),
            Token::LParen => f.write_str("'('"),
            Token::RParen => f.write_str("')'"),
            Token::Comma => f.write_str("','"),
            Token::Minus => f.write_str("'-'"),
            Token::End => f.write_str("end of expression"),
        }
    }
}

fn tokenize(source: &str) -> Result<Vec<(Token, usize)>, ExprError> {
    let chars: Vec<char> = source.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    let err = |position: usize, message: &str| ExprError {
        position,
        message: message.to_string(),
    };
    while i < chars.len() {
        let c = chars[i];
        let start = i;
        let token = match c {
            c if c.is_whitespace() => {
                i += 1;
                continue;
            }
            '(' => Token::LParen,
            ')' => Token::RParen,
            ',' => Token::Comma,
            '-' => Token::Minus,
            '=' => Token::Op(CmpOp::Eq),
            '!' if chars.get(i + 1) == Some(&'=') => {
                i += 1;
                Token::Op(CmpOp::Ne)
            }
            '<' | '>' => {
                let or_equal = chars.get(i + 1) == Some(&'=');
                if or_equal {
                    i += 1;
                }
                Token::Op(match (c, or_equal) {
                    ('<', false) => CmpOp::Lt,
                    ('<', true) => CmpOp::Le,
                    ('>', false) => CmpOp::Gt,
                    _ => CmpOp::Ge,
                })
            }
            '\'' => {
                let mut text = String::new();
                i += 1;
                loop {
                    match chars.get(i) {
                        None => return Err(err(start, "unterminated string")),
                        Some('\'') if chars.get(i + 1) == Some(&'\'') => {
                            text.push('\'');
                            i += 2;
                        }
                        Some('\'') => break,
                        Some(&ch) => {
                            text.push(ch);
                            i += 1;
                        }
                    }
                }
                Token::Str(text)
            }
            c if c.is_ascii_digit() => {
                while i + 1 < chars.len() && (chars[i + 1].is_ascii_digit() || chars[i + 1] == '.')
                {
                    i += 1;
                }
                let text: String = chars[start..=i].iter().collect();
                Token::Num(text.parse().map_err(|_| err(start, "malformed number"))?)
            }
            c if c.is_ascii_alphabetic() || c == '_' => {
                while i + 1 < chars.len()
                    && (chars[i + 1].is_ascii_alphanumeric() || chars[i + 1] == '_')
                {
                    i += 1;
                }
                Token::Ident(chars[start..=i].iter().collect())
            }
            _ => return Err(err(start, &format!("unexpected character '{c}'"))),
        };
        tokens.push((token, start));
        i += 1;
    }
    tokens.push((Token::End, chars.len()));
    Ok(tokens)
}

struct Parser {
    tokens: Vec<(Token, usize)>,
    next: usize,
}

impl Parser {
    fn peek(&self) -> &Token {
        &self.tokens[self.next].0
    }

    fn peek_at(&self, ahead: usize) -> &Token {
        let i = (self.next + ahead).min(self.tokens.len() - 1);
        &self.tokens[i].0
    }

    fn advance(&mut self) -> Token {
        let token = self.tokens[self.next].0.clone();
        if self.next < self.tokens.len() - 1 {
            self.next += 1;
        }
        token
    }

    fn error(&self, message: String) -> ExprError {
        ExprError {
            position: self.tokens[self.next].1,
            message,
        }
    }

    fn at_keyword(&self, word: &str) -> bool {
        matches!(self.peek(), Token::Ident(w) if w == word)
    }

    fn expect(&mut self, want: Token) -> Result<(), ExprError> {
        if *self.peek() == want {
            self.advance();
            Ok(())
        } else {
            Err(self.error(format!("expected {want}, found {}", self.peek())))
        }
    }

    fn or_expr(&mut self) -> Result<Expr, ExprError> {
        let mut left = self.and_expr()?;
        while self.at_keyword("or") {
            self.advance();
            left = Expr::Or(Box::new(left), Box::new(self.and_expr()?));
        }
        Ok(left)
    }

    fn and_expr(&mut self) -> Result<Expr, ExprError> {
        let mut left = self.not_expr()?;
        while self.at_keyword("and") {
            self.advance();
            left = Expr::And(Box::new(left), Box::new(self.not_expr()?));
        }
        Ok(left)
    }

    fn not_expr(&mut self) -> Result<Expr, ExprError> {
        if self.at_keyword("not") {
            self.advance();
            return Ok(Expr::Not(Box::new(self.not_expr()?)));
        }
        self.atom()
    }

    fn atom(&mut self) -> Result<Expr, ExprError> {
        if *self.peek() == Token::LParen {
            self.advance();
            let inner = self.or_expr()?;
            self.expect(Token::RParen)?;
            return Ok(inner);
        }
        if self.at_keyword("selected") && *self.peek_at(1) == Token::LParen {
            self.advance();
            self.advance();
            let field = self.identifier()?;
            self.expect(Token::Comma)?;
            let value = match self.advance() {
                Token::Str(s) => s,
                _ => {
                    self.next -= 1;
                    return Err(self.error("expected a string choice value".into()));
                }
            };
            self.expect(Token::RParen)?;
            return Ok(Expr::Selected { field, value });
        }
        if self.at_keyword("is_set") && *self.peek_at(1) == Token::LParen {
            self.advance();
            self.advance();
            let field = self.identifier()?;
            self.expect(Token::RParen)?;
            return Ok(Expr::IsSet(field));
        }
        let lhs = self.operand()?;
        if let Token::Op(op) = *self.peek() {
            self.advance();
            let rhs = self.operand()?;
            return Ok(Expr::Compare { lhs, op, rhs });
        }
        if self.at_keyword("in") {
            self.advance();
            self.expect(Token::LParen)?;
            let mut set = vec![self.literal()?];
            while *self.peek() == Token::Comma {
                self.advance();
                set.push(self.literal()?);
            }
            self.expect(Token::RParen)?;
            return Ok(Expr::In { operand: lhs, set });
        }
        Ok(Expr::Truthy(lhs))
    }

    fn identifier(&mut self) -> Result<String, ExprError> {
        match self.peek().clone() {
            Token::Ident(name) if !is_keyword(&name) => {
                self.advance();
                Ok(name)
            }
            other => Err(self.error(format!("expected a field name, found {other}"))),
        }
    }

    fn operand(&mut self) -> Result<Operand, ExprError> {
        if let Token::Ident(name) = self.peek().clone() {
            if name == "today" && *self.peek_at(1) == Token::LParen {
                self.advance();
                self.advance();
                self.expect(Token::RParen)?;
                return Ok(Operand::Today);
            }
            if *self.peek_at(1) == Token::LParen {
                return Err(self.error(format!("unknown function '{name}'")));
            }
            if !matches!(name.as_str(), "true" | "false") {
                return self.identifier().map(Operand::Field);
            }
        }
        self.literal()
    }

    fn literal(&mut self) -> Result<Operand, ExprError> {
        let operand = match self.peek().clone() {
            Token::Str(s) => Operand::Str(s),
            Token::Num(n) => Operand::Num(n),
            Token::Ident(w) if w == "true" => Operand::Bool(true),
            Token::Ident(w) if w == "false" => Operand::Bool(false),
            Token::Minus => {
                self.advance();
                match *self.peek() {
                    Token::Num(n) => Operand::Num(-n),
                    _ => return Err(self.error("expected a number after '-'".into())),
                }
            }
            other => return Err(self.error(format!("expected a value, found {other}"))),
        };
        self.advance();
        Ok(operand)
    }
}

fn is_keyword(word: &str) -> bool {
    matches!(
        word,
        "and" | "or" | "not" | "in" | "true" | "false" | "today" | "selected" | "is_set"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    struct Values(HashMap<&'static str, Val>);

    impl Scope for Values {
        fn get(&self, field: &str) -> Option<Val> {
            self.0.get(field).cloned()
        }
        fn today(&self) -> NaiveDate {
            date("2026-11-20")
        }
    }

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn scope() -> Values {
        Values(HashMap::from([
            ("status", Val::Str("completed".into())),
            ("age", Val::Num(30.0)),
            ("total", Val::Num(10.0)),
            ("women", Val::Num(4.0)),
            ("injecting", Val::Bool(true)),
            ("a", Val::Bool(true)),
            ("b", Val::Bool(false)),
            ("c", Val::Bool(false)),
            ("date", Val::Date(date("2026-11-20"))),
            ("due", Val::Date(date("2026-11-27"))),
            (
                "at",
                Val::DateTime("2026-11-20T01:30:00Z".parse::<DateTime<Utc>>().unwrap()),
            ),
            (
                "substances",
                Val::List(vec!["heroin".into(), "alcohol".into()]),
            ),
        ]))
    }

    fn eval(src: &str) -> bool {
        Expr::parse(src)
            .unwrap_or_else(|e| panic!("{src}: {e}"))
            .eval(&scope())
    }

    #[test]
    fn comparison_operators() {
        assert!(eval("age = 30"));
        assert!(eval("age != 31"));
        assert!(eval("age < 31") && !eval("age < 30"));
        assert!(eval("age <= 30") && !eval("age <= 29"));
        assert!(eval("age > 29") && !eval("age > 30"));
        assert!(eval("age >= 30") && !eval("age >= 31"));
        assert!(eval("women <= total") && !eval("women > total"));
        assert!(eval("status = 'completed'") && !eval("status != 'completed'"));
        assert!(eval("age > -1.5"));
        assert!(eval("injecting = true") && eval("injecting != false"));
    }

    #[test]
    fn precedence_and_grouping() {
        // and binds tighter than or: a or (b and c)
        assert!(eval("a or b and c"));
        // grouping overrides it: (a or b) and c
        assert!(!eval("(a or b) and c"));
        // not binds tighter than and: (not b) and a
        assert!(eval("not b and a"));
        assert!(!eval("not (a and not b)"));
        assert!(eval("not not a"));
        assert!(eval("b or c or a"));
        assert!(!eval("a and b and a"));
    }

    #[test]
    fn in_selected_and_is_set() {
        assert!(eval(
            "status in ('completed', 'declined', 'lost', 'cancelled')"
        ));
        assert!(!eval("status in ('draft','sent')"));
        assert!(eval("age in (29, 30)"));
        assert!(eval("selected(substances, 'heroin')"));
        assert!(!eval("selected(substances, 'opium')"));
        assert!(eval("selected(status, 'completed')"));
        assert!(eval("is_set(status)") && !eval("is_set(missing)"));
        assert!(eval("not is_set(missing)"));
        assert!(eval("injecting") && !eval("b") && !eval("status"));
    }

    #[test]
    fn dates_compare_as_dates() {
        assert!(eval("due >= date") && eval("due > date") && !eval("due < date"));
        assert!(eval("date = today()") && eval("date <= today()"));
        assert!(eval("due > today()"));
        assert!(eval("date = '2026-11-20'") && eval("'2026-11-19' < date"));
        assert!(eval("due >= '2026-11-27' and due < '2026-12-01'"));
        // A datetime compares with a date by its UTC day.
        assert!(eval("at = date") && eval("at >= today()") && !eval("at > date"));
        assert!(eval("at < '2026-11-20T02:00:00Z'"));
        // A string that is not a date cannot be compared with one.
        assert!(!eval("date = 'soon'") && !eval("date != 'soon'"));
    }

    #[test]
    fn unset_fields_make_comparisons_false() {
        assert!(!eval("missing = 'x'"));
        assert!(!eval("missing != 'x'"));
        assert!(!eval("missing < 3") && !eval("missing >= 3"));
        assert!(!eval("missing in ('x')"));
        assert!(!eval("women <= missing"));
        assert!(eval("not is_set(missing) or women <= missing"));
        assert!(!eval("selected(missing, 'x')") && !eval("missing"));
    }

    #[test]
    fn mismatched_types_are_false() {
        assert!(!eval("age = '30'") && !eval("age != '30'"));
        assert!(!eval("substances = 'heroin'"));
        assert!(!eval("injecting = 1"));
    }

    #[test]
    fn strings_escape_quotes_and_keep_unicode() {
        let e = Expr::parse("note = 'it''s có'").unwrap();
        assert_eq!(
            e,
            Expr::Compare {
                lhs: Operand::Field("note".into()),
                op: CmpOp::Eq,
                rhs: Operand::Str("it's có".into()),
            }
        );
    }

    #[test]
    fn fields_lists_references() {
        let e = Expr::parse(
            "is_set(a) and (b = 'x' or selected(c, 'y')) and d in ('z') and not e and f < g",
        )
        .unwrap();
        assert_eq!(e.fields(), vec!["a", "b", "c", "d", "e", "f", "g"]);
        assert!(Expr::parse("today() > '2020-01-01'")
            .unwrap()
            .fields()
            .is_empty());
    }

    #[test]
    fn parse_errors_carry_positions() {
        let cases = [
            ("", 0),
            ("a =", 3),
            ("(a = 1", 6),
            ("a = 1)", 5),
            ("a = 'open", 4),
            ("a # 1", 2),
            ("a in 'x'", 5),
            ("a in ()", 6),
            ("foo(a)", 0),
            ("selected(a, b)", 12),
            ("is_set('a')", 7),
            ("a = 1 b = 2", 6),
            ("and = 1", 0),
            ("a = - x", 6),
            ("a = 1.2.3", 4),
        ];
        for (src, position) in cases {
            let err = Expr::parse(src).expect_err(src);
            assert_eq!(err.position, position, "{src}: {err}");
            assert!(err.to_string().contains("at character"), "{err}");
        }
    }

    #[test]
    fn positions_count_characters_not_bytes() {
        let err = Expr::parse("a = 'ngày' #").unwrap_err();
        assert_eq!(err.position, 11);
    }
}
