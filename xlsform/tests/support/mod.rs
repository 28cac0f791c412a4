//! Builds small XLSForm workbooks for the tests, sheet by sheet from rows
//! of text cells, the way a program officer would type them.

use fieldbook_core::Lang;
use fieldbook_xlsform::ImportError;
use rust_xlsxwriter::Workbook;

/// A sheet: its name and its rows, the header first.
pub type SheetRows<'a> = (&'a str, Vec<Vec<&'a str>>);

/// The workbook's bytes (xlsx) for these sheets.
pub fn workbook(sheets: &[SheetRows<'_>]) -> Vec<u8> {
    let mut book = Workbook::new();
    for (name, rows) in sheets {
        let sheet = book.add_worksheet().set_name(*name).expect("sheet name");
        for (r, row) in rows.iter().enumerate() {
            for (c, text) in row.iter().enumerate() {
                if !text.is_empty() {
                    sheet.write_string(r as u32, c as u16, *text).expect("cell");
                }
            }
        }
    }
    book.save_to_buffer().expect("workbook")
}

/// The settings sheet of a contact form at `version`.
pub fn settings(version: &str) -> SheetRows<'_> {
    (
        "settings",
        vec![
            vec![
                "form_id",
                "version",
                "default_language",
                "form_title::Vietnamese (vi)",
                "form_title::English (en)",
            ],
            vec![
                "contact",
                version,
                "Vietnamese (vi)",
                "Lần tiếp cận",
                "Outreach contact",
            ],
        ],
    )
}

/// A row under `header` from (column, value) pairs; other cells are blank.
pub fn row(header: &[&str], cells: &[(&str, &'static str)]) -> Vec<&'static str> {
    header
        .iter()
        .map(|h| cells.iter().find(|(c, _)| c == h).map_or("", |(_, v)| *v))
        .collect()
}

/// Fails unless `e` holds a problem at this sheet, row and column whose
/// message contains `en` in English and `vi` in Vietnamese.
pub fn assert_problem(
    e: &ImportError,
    sheet: &str,
    row: Option<u32>,
    column: Option<&str>,
    en: &str,
    vi: &str,
) {
    let found = e.problems.iter().any(|p| {
        p.place.sheet == sheet
            && p.place.row == row
            && p.place.column.as_deref() == column
            && p.message(Lang::En).contains(en)
            && p.message(Lang::Vi).contains(vi)
    });
    assert!(
        found,
        "no problem at {sheet} {row:?} {column:?} saying {en:?} / {vi:?}:\n{}\n{}",
        e.message(Lang::En),
        e.message(Lang::Vi)
    );
}
