//! A workbook's sheets as rows of text cells, each row keeping the number
//! Excel shows for it and each column its header, so every problem can be
//! reported at its cell.

use crate::error::{ImportError, Place, ProblemKind};
use calamine::{open_workbook_auto_from_rs, Data, Reader};
use fieldbook_core::Lang;
use std::io::Cursor;

/// The largest workbook accepted: forms are a few kilobytes, and the
/// reader must not be made to unpack a zip bomb.
pub const MAX_WORKBOOK_BYTES: usize = 8 << 20;
/// The most rows a sheet may have.
pub const MAX_ROWS: usize = 5_000;

/// One column's header, split into its base name and its language
/// (`label::English (en)` is `label` in English).
#[derive(Debug, Clone)]
pub struct Header {
    /// As written.
    pub text: String,
    /// The name before `::`, lowercased (`label`, `fieldbook::min`, …).
    pub base: String,
    /// The language after `::`, when the column is a translation.
    pub lang: Option<Lang>,
    /// A language suffix that is neither Vietnamese nor English.
    pub other_language: bool,
}

/// One sheet: its headers and its non-empty rows.
#[derive(Debug, Clone)]
pub struct Sheet {
    /// The sheet's name.
    pub name: String,
    /// The headers, by column.
    pub headers: Vec<Header>,
    /// The rows below the header that hold anything.
    pub rows: Vec<Row>,
    /// The header's row number, as Excel shows it.
    pub header_row: u32,
}

/// One row: its number and its cells as text (trimmed; empty when blank).
#[derive(Debug, Clone)]
pub struct Row {
    /// The row's number as Excel shows it.
    pub number: u32,
    /// The cells, by column.
    pub cells: Vec<String>,
}

/// The three sheets of an XLSForm (choices and settings may be absent).
pub struct Workbook {
    /// `survey`.
    pub survey: Sheet,
    /// `choices`.
    pub choices: Option<Sheet>,
    /// `settings`.
    pub settings: Option<Sheet>,
}

impl Workbook {
    /// Reads the three sheets of a workbook's bytes (xlsx, xls or ods).
    pub fn read(bytes: &[u8]) -> Result<Workbook, ImportError> {
        let whole = |kind| {
            ImportError::one(
                Place {
                    sheet: String::new(),
                    row: None,
                    column: None,
                },
                kind,
            )
        };
        if bytes.len() > MAX_WORKBOOK_BYTES {
            return Err(whole(ProblemKind::TooLarge {
                limit: MAX_WORKBOOK_BYTES,
            }));
        }
        let mut book = open_workbook_auto_from_rs(Cursor::new(bytes))
            .map_err(|e| whole(ProblemKind::NotAWorkbook(e.to_string())))?;
        let names = book.sheet_names();
        let mut sheet = |wanted: &str| -> Result<Option<Sheet>, ImportError> {
            let Some(name) = names.iter().find(|n| n.trim().eq_ignore_ascii_case(wanted)) else {
                return Ok(None);
            };
            let range = book
                .worksheet_range(name)
                .map_err(|e| whole(ProblemKind::NotAWorkbook(e.to_string())))?;
            Sheet::from_range(wanted, &range).map(Some)
        };
        let survey = sheet("survey")?
            .ok_or_else(|| ImportError::one(Place::sheet("survey"), ProblemKind::MissingSheet))?;
        Ok(Workbook {
            survey,
            choices: sheet("choices")?,
            settings: sheet("settings")?,
        })
    }
}

impl Place {
    /// A whole sheet.
    pub fn sheet(name: &str) -> Place {
        Place {
            sheet: name.into(),
            row: None,
            column: None,
        }
    }
}

impl Sheet {
    fn from_range(name: &str, range: &calamine::Range<Data>) -> Result<Sheet, ImportError> {
        // Rows keep Excel's numbers; columns are named by their headers,
        // so where the range starts across does not matter.
        let (first_row, _) = range.start().unwrap_or((0, 0));
        let mut rows = range.rows().enumerate().map(|(i, cells)| Row {
            number: first_row + i as u32 + 1,
            cells: cells.iter().map(cell_text).collect(),
        });
        // The header is the first row that holds anything.
        let header = rows
            .by_ref()
            .find(|r| r.cells.iter().any(|c| !c.is_empty()));
        let Some(header) = header else {
            return Ok(Sheet {
                name: name.into(),
                headers: Vec::new(),
                rows: Vec::new(),
                header_row: 1,
            });
        };
        let headers = header.cells.iter().map(|t| Header::parse(t)).collect();
        let rows: Vec<Row> = rows
            .filter(|r| r.cells.iter().any(|c| !c.is_empty()))
            .collect();
        if rows.len() > MAX_ROWS {
            return Err(ImportError::one(
                Place::sheet(name),
                ProblemKind::BadValue(format!("more than {MAX_ROWS} rows")),
            ));
        }
        Ok(Sheet {
            name: name.into(),
            headers,
            rows,
            header_row: header.number,
        })
    }

    /// The index of the column whose base name is `base` in `lang` (or
    /// without a language when `lang` is `None`).
    pub fn column(&self, base: &str, lang: Option<Lang>) -> Option<usize> {
        self.headers
            .iter()
            .position(|h| h.base == base && h.lang == lang && !h.other_language)
    }

    /// The place of a cell.
    pub fn place(&self, row: &Row, column: Option<usize>) -> Place {
        Place {
            sheet: self.name.clone(),
            row: Some(row.number),
            column: column.map(|c| self.headers[c].text.clone()),
        }
    }

    /// The place of a column's header.
    pub fn header_place(&self, column: usize) -> Place {
        Place {
            sheet: self.name.clone(),
            row: Some(self.header_row),
            column: Some(self.headers[column].text.clone()),
        }
    }
}

impl Row {
    /// The text of a cell, empty when the column is absent or blank.
    pub fn get(&self, column: Option<usize>) -> &str {
        column
            .and_then(|c| self.cells.get(c))
            .map_or("", String::as_str)
    }
}

impl Header {
    fn parse(text: &str) -> Header {
        let trimmed = text.trim();
        // `fieldbook::min` is a base name of its own; a language follows the last `::`.
        let (base, suffix) = match trimmed.rsplit_once("::") {
            Some((base, suffix)) if !base.is_empty() && base != "fieldbook" => (base, Some(suffix)),
            _ => (trimmed, None),
        };
        let lang = suffix.and_then(language);
        Header {
            text: text.to_string(),
            base: base.trim().to_ascii_lowercase(),
            lang,
            other_language: suffix.is_some() && lang.is_none(),
        }
    }
}

/// `Vietnamese (vi)`, `English (en)`, `vi`, `English`, … as a language.
fn language(suffix: &str) -> Option<Lang> {
    let s = suffix.trim();
    let code = match (s.find('('), s.rfind(')')) {
        (Some(open), Some(close)) if open < close => &s[open + 1..close],
        _ => s,
    };
    match code.trim().to_ascii_lowercase().as_str() {
        "vi" | "vie" | "vietnamese" | "tiếng việt" => Some(Lang::Vi),
        "en" | "eng" | "english" => Some(Lang::En),
        _ => None,
    }
}

/// A cell as text: numbers without a needless `.0`, booleans as
/// `yes`/`no` (a `required` column is often TRUE/FALSE in Excel).
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_string(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => if *b { "yes" } else { "no" }.to_string(),
        Data::DateTime(d) => excel_date(d.as_f64()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// An Excel date serial as `YYYY-MM-DD`, with `THH:MM:SS` when it has a time.
fn excel_date(serial: f64) -> String {
    let Some(epoch) = chrono::NaiveDate::from_ymd_opt(1899, 12, 30) else {
        return String::new();
    };
    let seconds = (serial * 86_400.0).round() as i64;
    let Some(t) = epoch
        .and_hms_opt(0, 0, 0)
        .and_then(|e| e.checked_add_signed(chrono::Duration::seconds(seconds)))
    else {
        return String::new();
    };
    if seconds % 86_400 == 0 {
        t.date().format("%Y-%m-%d").to_string()
    } else {
        t.format("%Y-%m-%dT%H:%M:%S").to_string()
    }
}
