//! Builds small XLSForm workbooks for the tests, sheet by sheet from rows
//! of text cells, the way a program officer would type them.

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
