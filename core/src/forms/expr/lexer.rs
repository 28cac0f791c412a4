//! Splits an expression into tokens, each with its character position.

use super::error::{ExprError, ExprProblem};
use super::value::CmpOp;
use std::fmt;

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Token {
    /// `${name}`
    Field(String),
    /// `.`: the field the expression belongs to.
    Current,
    /// A quoted string, either quote.
    Str(String),
    Num(f64),
    /// A name: a function, or `and`, `or`, `div`, `mod` between operands.
    Name(String),
    Cmp(CmpOp),
    Plus,
    Minus,
    Star,
    LParen,
    RParen,
    Comma,
    End,
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Token::Field(name) => write!(f, "${{{name}}}"),
            Token::Current => f.write_str("'.'"),
            Token::Str(s) => write!(f, "'{s}'"),
            Token::Num(n) => write!(f, "{n}"),
            Token::Name(s) => write!(f, "'{s}'"),
            Token::Cmp(op) => write!(f, "'{}'", op_text(*op)),
            Token::Plus => f.write_str("'+'"),
            Token::Minus => f.write_str("'-'"),
            Token::Star => f.write_str("'*'"),
            Token::LParen => f.write_str("'('"),
            Token::RParen => f.write_str("')'"),
            Token::Comma => f.write_str("','"),
            Token::End => f.write_str("end"),
        }
    }
}

fn op_text(op: CmpOp) -> &'static str {
    match op {
        CmpOp::Eq => "=",
        CmpOp::Ne => "!=",
        CmpOp::Lt => "<",
        CmpOp::Le => "<=",
        CmpOp::Gt => ">",
        CmpOp::Ge => ">=",
    }
}

fn is_name_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '-' | '.')
}

pub(super) fn tokenize(source: &str) -> Result<Vec<(Token, usize)>, ExprError> {
    let chars: Vec<char> = source.chars().collect();
    let err = |position: usize, problem: ExprProblem| ExprError { position, problem };
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let start = i;
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        let token = match c {
            c if c.is_whitespace() => {
                i += 1;
                continue;
            }
            '(' => Token::LParen,
            ')' => Token::RParen,
            ',' => Token::Comma,
            '+' => Token::Plus,
            '-' => Token::Minus,
            '*' => Token::Star,
            '=' => Token::Cmp(CmpOp::Eq),
            '!' if next == Some('=') => {
                i += 1;
                Token::Cmp(CmpOp::Ne)
            }
            '<' | '>' => {
                let or_equal = next == Some('=');
                if or_equal {
                    i += 1;
                }
                Token::Cmp(match (c, or_equal) {
                    ('<', false) => CmpOp::Lt,
                    ('<', true) => CmpOp::Le,
                    ('>', false) => CmpOp::Gt,
                    _ => CmpOp::Ge,
                })
            }
            '$' => {
                if next != Some('{') {
                    return Err(err(start, ExprProblem::BadReference));
                }
                let close = chars[i + 2..].iter().position(|c| *c == '}');
                let Some(len) = close else {
                    return Err(err(start, ExprProblem::BadReference));
                };
                let name: String = chars[i + 2..i + 2 + len].iter().collect();
                let well_formed = name.chars().next().is_some_and(is_name_start)
                    && name.chars().all(is_name_char);
                if !well_formed {
                    return Err(err(start, ExprProblem::BadReference));
                }
                i += 2 + len;
                Token::Field(name)
            }
            '\'' | '"' => {
                let close = chars[i + 1..].iter().position(|q| *q == c);
                let Some(len) = close else {
                    return Err(err(start, ExprProblem::UnterminatedString));
                };
                let text = chars[i + 1..i + 1 + len].iter().collect();
                i += 1 + len;
                Token::Str(text)
            }
            '.' if next == Some('.') => {
                return Err(err(start, ExprProblem::Unsupported("..".into())));
            }
            '.' if !next.is_some_and(|n| n.is_ascii_digit()) => Token::Current,
            c if c.is_ascii_digit() || c == '.' => {
                let mut end = i;
                while end < chars.len() && (chars[end].is_ascii_digit() || chars[end] == '.') {
                    end += 1;
                }
                let text: String = chars[i..end].iter().collect();
                let Ok(n) = text.parse::<f64>() else {
                    return Err(err(start, ExprProblem::UnexpectedCharacter('.')));
                };
                i = end - 1;
                Token::Num(n)
            }
            c if is_name_start(c) => {
                let mut end = i;
                while end < chars.len() && is_name_char(chars[end]) {
                    end += 1;
                }
                let name: String = chars[i..end].iter().collect();
                // `::` (an axis) or `:` (a namespace) are XPath this subset leaves out.
                if chars.get(end) == Some(&':') {
                    return Err(err(start, ExprProblem::Unsupported(format!("{name}:"))));
                }
                i = end - 1;
                Token::Name(name)
            }
            '/' | '[' | ']' | '|' | '@' => {
                return Err(err(start, ExprProblem::Unsupported(c.to_string())));
            }
            other => return Err(err(start, ExprProblem::UnexpectedCharacter(other))),
        };
        tokens.push((token, start));
        i += 1;
    }
    tokens.push((Token::End, chars.len()));
    Ok(tokens)
}
