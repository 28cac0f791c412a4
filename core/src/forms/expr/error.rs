//! Why an expression was refused, in Vietnamese and English: program
//! officers read these when a workbook does not import.

use crate::lang::Lang;
use std::fmt;

/// A refused expression, with the 0-based character position of the problem.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{} (at character {})", .problem.message(Lang::En), .position + 1)]
pub struct ExprError {
    /// 0-based character position in the source where the problem was found.
    pub position: usize,
    /// What is wrong.
    pub problem: ExprProblem,
}

impl ExprError {
    /// The problem and its position, in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        let at = self.position + 1;
        match lang {
            Lang::Vi => format!("{} (ở ký tự {at})", self.problem.message(lang)),
            Lang::En => format!("{} (at character {at})", self.problem.message(lang)),
        }
    }
}

/// What is wrong with an expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExprProblem {
    /// A character no expression may hold.
    UnexpectedCharacter(char),
    /// A quote that is never closed.
    UnterminatedString,
    /// `${` without a field name and `}`.
    BadReference,
    /// A token where another was needed (both described in English and
    /// in the same words in Vietnamese: they are symbols).
    Unexpected {
        /// What the grammar needed.
        expected: Expected,
        /// What it found, as written; empty at the end of the expression.
        found: String,
    },
    /// A name called as a function that the subset does not have.
    UnknownFunction(String),
    /// A function called with too few or too many arguments.
    Arity {
        /// The function's name.
        function: &'static str,
        /// How many it takes, as written in the message (`"2"`, `"1–2"`, `"2 or more"`).
        takes: String,
        /// How many it was given.
        given: usize,
    },
    /// A bare name where a field reference belongs.
    BareName(String),
    /// XPath that real forms do not use here: paths, predicates, unions, variables.
    Unsupported(String),
    /// `regex()` with a pattern that is not a quoted string.
    PatternNotLiteral,
    /// `regex()` with a pattern that does not compile.
    BadPattern(String),
}

/// What the grammar needed where it found something else.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expected {
    /// A value: a field, a literal, a call or a parenthesised expression.
    Value,
    /// A closing parenthesis.
    CloseParen,
    /// A comma or a closing parenthesis between arguments.
    CommaOrCloseParen,
    /// The end of the expression.
    End,
}

impl ExprProblem {
    /// The problem, in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        let vi = lang == Lang::Vi;
        match self {
            ExprProblem::UnexpectedCharacter(c) => {
                if vi {
                    format!("ký tự không hợp lệ '{c}'")
                } else {
                    format!("unexpected character '{c}'")
                }
            }
            ExprProblem::UnterminatedString => lang
                .pick("chuỗi thiếu dấu nháy đóng", "unterminated string")
                .into(),
            ExprProblem::BadReference => lang
                .pick(
                    "tham chiếu trường phải có dạng ${tên_trường}",
                    "a field reference is written ${field_name}",
                )
                .into(),
            ExprProblem::Unexpected { expected, found } => {
                let want = expected.describe(lang);
                let found = if found.is_empty() {
                    Expected::End.describe(lang)
                } else {
                    found.as_str()
                };
                if vi {
                    format!("cần {want}, nhưng gặp {found}")
                } else {
                    format!("expected {want}, found {found}")
                }
            }
            ExprProblem::UnknownFunction(name) => {
                if vi {
                    format!("hàm '{name}()' không được hỗ trợ")
                } else {
                    format!("function '{name}()' is not supported")
                }
            }
            ExprProblem::Arity {
                function,
                takes,
                given,
            } => {
                if vi {
                    format!("hàm {function}() nhận {takes} tham số, nhưng được truyền {given}")
                } else {
                    format!("{function}() takes {takes} arguments, given {given}")
                }
            }
            ExprProblem::BareName(name) => {
                if vi {
                    format!("tên '{name}' đứng một mình: viết ${{{name}}} để chỉ một trường")
                } else {
                    format!("bare name '{name}': write ${{{name}}} for a field")
                }
            }
            ExprProblem::Unsupported(what) => {
                if vi {
                    format!("'{what}' không được hỗ trợ trong biểu thức của Fieldbook")
                } else {
                    format!("'{what}' is not supported in Fieldbook expressions")
                }
            }
            ExprProblem::PatternNotLiteral => lang
                .pick(
                    "mẫu của regex() phải là một chuỗi trong dấu nháy",
                    "regex() needs its pattern as a quoted string",
                )
                .into(),
            ExprProblem::BadPattern(why) => {
                if vi {
                    format!("mẫu regex() không hợp lệ: {why}")
                } else {
                    format!("regex() pattern does not compile: {why}")
                }
            }
        }
    }
}

impl Expected {
    fn describe(self, lang: Lang) -> &'static str {
        match self {
            Expected::Value => lang.pick("một giá trị", "a value"),
            Expected::CloseParen => "')'",
            Expected::CommaOrCloseParen => "',' / ')'",
            Expected::End => lang.pick("hết biểu thức", "the end of the expression"),
        }
    }
}

impl fmt::Display for Expected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.describe(Lang::En))
    }
}
