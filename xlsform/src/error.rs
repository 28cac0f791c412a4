//! Why a workbook was refused: each problem with the sheet, the row and the
//! column it was found in, in Vietnamese and English, the way pyxform
//! reports errors, so a program officer can go straight to the cell.

use fieldbook_core::forms::expr::ExprError;
use fieldbook_core::Lang;
use std::fmt;

/// Where a problem is: a sheet, and when known a row (as Excel numbers
/// it, from 1) and a column (its header, e.g. `constraint`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// The sheet's name: `survey`, `choices` or `settings`.
    pub sheet: String,
    /// The row as Excel shows it, from 1.
    pub row: Option<u32>,
    /// The column's header as written in the workbook.
    pub column: Option<String>,
}

/// One problem found in a workbook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where it is.
    pub place: Place,
    /// What is wrong.
    pub kind: ProblemKind,
}

/// What is wrong with a workbook or a cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProblemKind {
    /// The file is not a workbook the reader understands.
    NotAWorkbook(String),
    /// The file is larger than a form workbook can be.
    TooLarge {
        /// The most bytes accepted.
        limit: usize,
    },
    /// A sheet the form needs is missing.
    MissingSheet,
    /// A column the sheet needs is missing.
    MissingColumn,
    /// A column this importer does not know (a typo would otherwise be lost).
    UnknownColumn,
    /// A column or type XLSForm has and Fieldbook does not hold yet.
    Unsupported(String),
    /// A question type that is not XLSForm's.
    UnknownType(String),
    /// A question or choice without a name.
    MissingName,
    /// A name that is not lowercase letters, digits and `_`, starting with a letter.
    BadName(String),
    /// A name used twice.
    DuplicateName(String),
    /// A select over a choice list the choices sheet does not have.
    UnknownList(String),
    /// A choice list with no choices.
    EmptyList(String),
    /// A text that needs both languages lacks one.
    MissingTranslation(Lang),
    /// An expression outside the subset, or that does not parse.
    Expression(ExprError),
    /// A yes/no cell holding something else.
    NotYesNo(String),
    /// A value of the wrong kind for its cell (a number, a date, a kind).
    BadValue(String),
    /// `form_id` is not one of the record kinds.
    UnknownFormId(String),
    /// An `end_group` without a `begin_group`, or the other way round.
    UnbalancedGroup,
    /// The form breaks a rule of form definitions (the core's words, in English).
    Definition(String),
}

impl Problem {
    /// The problem and its place, in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        format!("{}: {}", self.place.describe(lang), self.kind.message(lang))
    }
}

impl Place {
    fn describe(&self, lang: Lang) -> String {
        // A problem with the whole file (not a workbook, too large) has no sheet.
        let mut out = match (lang, self.sheet.is_empty()) {
            (Lang::Vi, true) => "tệp".to_string(),
            (Lang::En, true) => "the file".to_string(),
            (Lang::Vi, false) => format!("trang '{}'", self.sheet),
            (Lang::En, false) => format!("sheet '{}'", self.sheet),
        };
        if let Some(row) = self.row {
            out += &match lang {
                Lang::Vi => format!(", dòng {row}"),
                Lang::En => format!(", row {row}"),
            };
        }
        if let Some(column) = &self.column {
            out += &match lang {
                Lang::Vi => format!(", cột '{column}'"),
                Lang::En => format!(", column '{column}'"),
            };
        }
        out
    }
}

impl ProblemKind {
    /// What is wrong, in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        let vi = lang == Lang::Vi;
        let pick = |v: String, e: String| if vi { v } else { e };
        match self {
            ProblemKind::NotAWorkbook(why) => pick(
                format!("không đọc được tệp Excel: {why}"),
                format!("not a readable workbook: {why}"),
            ),
            ProblemKind::TooLarge { limit } => pick(
                format!("tệp lớn hơn {limit} byte"),
                format!("the file is larger than {limit} bytes"),
            ),
            ProblemKind::MissingSheet => pick("thiếu trang này".into(), "the sheet is missing".into()),
            ProblemKind::MissingColumn => pick("thiếu cột này".into(), "the column is missing".into()),
            ProblemKind::UnknownColumn => pick(
                "cột không được biết đến (sai chính tả?)".into(),
                "unknown column (a typo?)".into(),
            ),
            ProblemKind::Unsupported(what) => pick(
                format!("'{what}' chưa được Fieldbook hỗ trợ"),
                format!("'{what}' is not supported by Fieldbook yet"),
            ),
            ProblemKind::UnknownType(t) => pick(
                format!("loại câu hỏi '{t}' không có trong XLSForm"),
                format!("unknown question type '{t}'"),
            ),
            ProblemKind::MissingName => pick("thiếu tên".into(), "the name is missing".into()),
            ProblemKind::BadName(name) => pick(
                format!("tên '{name}' phải gồm chữ thường, chữ số và '_', bắt đầu bằng chữ cái"),
                format!("name '{name}' must be lowercase letters, digits and '_', starting with a letter"),
            ),
            ProblemKind::DuplicateName(name) => pick(
                format!("tên '{name}' được dùng hai lần"),
                format!("name '{name}' is used twice"),
            ),
            ProblemKind::UnknownList(list) => pick(
                format!("danh sách lựa chọn '{list}' không có trong trang choices"),
                format!("choice list '{list}' is not in the choices sheet"),
            ),
            ProblemKind::EmptyList(list) => pick(
                format!("danh sách lựa chọn '{list}' không có lựa chọn nào"),
                format!("choice list '{list}' has no choices"),
            ),
            ProblemKind::MissingTranslation(missing) => match (lang, missing) {
                (Lang::Vi, Lang::Vi) => "thiếu tiếng Việt".into(),
                (Lang::Vi, Lang::En) => "thiếu tiếng Anh".into(),
                (Lang::En, Lang::Vi) => "no Vietnamese text".into(),
                (Lang::En, Lang::En) => "no English text".into(),
            },
            ProblemKind::Expression(e) => pick(
                format!("biểu thức không hợp lệ: {}", e.message(Lang::Vi)),
                format!("invalid expression: {}", e.message(Lang::En)),
            ),
            ProblemKind::NotYesNo(v) => pick(
                format!("'{v}' không phải yes hoặc no"),
                format!("'{v}' is not yes or no"),
            ),
            ProblemKind::BadValue(why) => pick(
                format!("giá trị không hợp lệ: {why}"),
                format!("invalid value: {why}"),
            ),
            ProblemKind::UnknownFormId(id) => pick(
                format!("form_id '{id}' phải là client, contact, case_note, referral hoặc meeting"),
                format!("form_id '{id}' must be client, contact, case_note, referral or meeting"),
            ),
            ProblemKind::UnbalancedGroup => pick(
                "begin_group và end_group không khớp nhau".into(),
                "begin_group and end_group do not match".into(),
            ),
            ProblemKind::Definition(why) => pick(
                format!("biểu mẫu không hợp lệ: {why}"),
                format!("the form is invalid: {why}"),
            ),
        }
    }
}

/// A workbook refused, with every problem found in it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ImportError {
    /// Each problem, in the order of the sheets and rows.
    pub problems: Vec<Problem>,
}

impl ImportError {
    pub(crate) fn one(place: Place, kind: ProblemKind) -> ImportError {
        ImportError {
            problems: vec![Problem { place, kind }],
        }
    }

    /// Every problem, one per line, in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        self.problems
            .iter()
            .map(|p| p.message(lang))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}
