//! A recursive-descent parser for the subset, with XPath's precedence:
//! `or` < `and` < `=` `!=` < `<` `<=` `>` `>=` < `+` `-` < `*` `div` `mod`
//! < unary `-`.

use super::error::{Expected, ExprError, ExprProblem};
use super::function::Function;
use super::lexer::Token;
use super::value::{ArithOp, CmpOp};
use super::{Expr, Pattern};

/// The most nesting an expression may have, so a hostile workbook cannot
/// overflow the stack.
const MAX_DEPTH: usize = 64;
/// The largest compiled `regex()` pattern, as with the form's own patterns.
const MAX_PATTERN_BYTES: usize = 1 << 16;

pub(super) struct Parser {
    tokens: Vec<(Token, usize)>,
    next: usize,
    depth: usize,
    /// A bare name is a choice column (in a `choice_filter`).
    columns: bool,
}

impl Parser {
    pub(super) fn new(tokens: Vec<(Token, usize)>, columns: bool) -> Parser {
        Parser {
            tokens,
            next: 0,
            depth: 0,
            columns,
        }
    }

    pub(super) fn whole(mut self) -> Result<Expr, ExprError> {
        let expr = self.or_expr()?;
        match self.peek() {
            Token::End => Ok(expr),
            _ => Err(self.unexpected(Expected::End)),
        }
    }

    fn peek(&self) -> &Token {
        &self.tokens[self.next].0
    }

    fn position(&self) -> usize {
        self.tokens[self.next].1
    }

    fn advance(&mut self) -> Token {
        let token = self.tokens[self.next].0.clone();
        if self.next < self.tokens.len() - 1 {
            self.next += 1;
        }
        token
    }

    fn fail(&self, problem: ExprProblem) -> ExprError {
        ExprError {
            position: self.position(),
            problem,
        }
    }

    fn unexpected(&self, expected: Expected) -> ExprError {
        self.fail(ExprProblem::Unexpected {
            expected,
            found: match self.peek() {
                Token::End => String::new(),
                token => token.to_string(),
            },
        })
    }

    fn at_name(&self, word: &str) -> bool {
        matches!(self.peek(), Token::Name(w) if w == word)
    }

    fn or_expr(&mut self) -> Result<Expr, ExprError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.fail(ExprProblem::Unsupported("nesting deeper than 64".into())));
        }
        let mut left = self.and_expr()?;
        while self.at_name("or") {
            self.advance();
            left = Expr::Or(Box::new(left), Box::new(self.and_expr()?));
        }
        self.depth -= 1;
        Ok(left)
    }

    fn and_expr(&mut self) -> Result<Expr, ExprError> {
        let mut left = self.equality()?;
        while self.at_name("and") {
            self.advance();
            left = Expr::And(Box::new(left), Box::new(self.equality()?));
        }
        Ok(left)
    }

    fn equality(&mut self) -> Result<Expr, ExprError> {
        let mut left = self.relational()?;
        while let Token::Cmp(op @ (CmpOp::Eq | CmpOp::Ne)) = *self.peek() {
            self.advance();
            left = Expr::Compare(op, Box::new(left), Box::new(self.relational()?));
        }
        Ok(left)
    }

    fn relational(&mut self) -> Result<Expr, ExprError> {
        let mut left = self.additive()?;
        while let Token::Cmp(op @ (CmpOp::Lt | CmpOp::Le | CmpOp::Gt | CmpOp::Ge)) = *self.peek() {
            self.advance();
            left = Expr::Compare(op, Box::new(left), Box::new(self.additive()?));
        }
        Ok(left)
    }

    fn additive(&mut self) -> Result<Expr, ExprError> {
        let mut left = self.multiplicative()?;
        loop {
            let op = match self.peek() {
                Token::Plus => ArithOp::Add,
                Token::Minus => ArithOp::Sub,
                _ => return Ok(left),
            };
            self.advance();
            left = Expr::Arith(op, Box::new(left), Box::new(self.multiplicative()?));
        }
    }

    fn multiplicative(&mut self) -> Result<Expr, ExprError> {
        let mut left = self.unary()?;
        loop {
            let op = match self.peek() {
                Token::Star => ArithOp::Mul,
                Token::Name(w) if w == "div" => ArithOp::Div,
                Token::Name(w) if w == "mod" => ArithOp::Mod,
                _ => return Ok(left),
            };
            self.advance();
            left = Expr::Arith(op, Box::new(left), Box::new(self.unary()?));
        }
    }

    fn unary(&mut self) -> Result<Expr, ExprError> {
        if *self.peek() == Token::Minus {
            self.advance();
            return Ok(Expr::Neg(Box::new(self.unary()?)));
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Expr, ExprError> {
        let at = self.position();
        match self.peek().clone() {
            Token::LParen => {
                self.advance();
                let inner = self.or_expr()?;
                if *self.peek() != Token::RParen {
                    return Err(self.unexpected(Expected::CloseParen));
                }
                self.advance();
                Ok(inner)
            }
            Token::Field(name) => {
                self.advance();
                Ok(Expr::Field(name))
            }
            Token::Current => {
                self.advance();
                Ok(Expr::Current)
            }
            Token::Str(s) => {
                self.advance();
                Ok(Expr::Str(s))
            }
            Token::Num(n) => {
                self.advance();
                Ok(Expr::Num(n))
            }
            Token::Name(name) => {
                self.advance();
                if *self.peek() != Token::LParen && self.columns {
                    return Ok(Expr::Column(name));
                }
                if *self.peek() != Token::LParen {
                    return Err(ExprError {
                        position: at,
                        problem: ExprProblem::BareName(name),
                    });
                }
                let Some(function) = Function::named(&name) else {
                    return Err(ExprError {
                        position: at,
                        problem: ExprProblem::UnknownFunction(name),
                    });
                };
                self.advance();
                let args = self.arguments()?;
                check_arity(function, args.len()).map_err(|problem| ExprError {
                    position: at,
                    problem,
                })?;
                if function == Function::Regex {
                    return regex_call(args, at);
                }
                Ok(Expr::Call(function, args))
            }
            _ => Err(self.unexpected(Expected::Value)),
        }
    }

    /// The arguments after an opening parenthesis, and the closing one.
    fn arguments(&mut self) -> Result<Vec<Expr>, ExprError> {
        let mut args = Vec::new();
        if *self.peek() == Token::RParen {
            self.advance();
            return Ok(args);
        }
        loop {
            args.push(self.or_expr()?);
            match self.peek() {
                Token::Comma => {
                    self.advance();
                }
                Token::RParen => {
                    self.advance();
                    return Ok(args);
                }
                _ => return Err(self.unexpected(Expected::CommaOrCloseParen)),
            }
        }
    }
}

fn check_arity(function: Function, given: usize) -> Result<(), ExprProblem> {
    let (min, max) = function.arity();
    if given >= min && max.is_none_or(|max| given <= max) {
        return Ok(());
    }
    let takes = match max {
        Some(max) if max == min => min.to_string(),
        Some(max) => format!("{min}–{max}"),
        None => format!("{min}+"),
    };
    Err(ExprProblem::Arity {
        function: function.name(),
        takes,
        given,
    })
}

fn regex_call(mut args: Vec<Expr>, at: usize) -> Result<Expr, ExprError> {
    let fail = |problem| ExprError {
        position: at,
        problem,
    };
    let Some(Expr::Str(source)) = args.pop() else {
        return Err(fail(ExprProblem::PatternNotLiteral));
    };
    let compiled = regex::RegexBuilder::new(&source)
        .size_limit(MAX_PATTERN_BYTES * 16)
        .build()
        .map_err(|e| {
            let why = e.to_string();
            let last = why.lines().last().unwrap_or_default().trim().to_string();
            fail(ExprProblem::BadPattern(last))
        })?;
    let subject = args.pop().unwrap_or(Expr::Current);
    Ok(Expr::Regex(Box::new(subject), Pattern(compiled)))
}
