//! The monthly report as a workbook: the period's indicators, the headline
//! figures month by month, and one sheet per kind of the period's records
//! (only the kinds this device may read: the store never hands a peer
//! leader's device a case note).

use fieldbook_core::reports::{Indicators, PeriodRecords};
use fieldbook_core::store::RecordView;
use fieldbook_core::{forms, Error, Lang, RecordKind, Result};
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};
use std::path::Path;

use super::rows::{headline, label, rows, Cell};
use crate::output::value_text;

pub struct ReportBook<'a> {
    pub lang: Lang,
    pub indicators: &'a Indicators,
    pub months: &'a [Indicators],
    pub records: &'a PeriodRecords<'a>,
}

/// Builds the workbook in memory and writes it to `file` in one go.
pub fn write(file: &Path, report: &ReportBook<'_>) -> Result<()> {
    let bytes = build(report).map_err(xlsx_error)?;
    std::fs::write(file, bytes)?;
    Ok(())
}

fn build(report: &ReportBook<'_>) -> std::result::Result<Vec<u8>, XlsxError> {
    let bold = Format::new().set_bold();
    let mut book = Workbook::new();

    let sheet = book.add_worksheet().set_name("indicators")?;
    let header = [
        "from",
        "to",
        "worker",
        "indicator",
        "label",
        "dimension",
        "category",
        "value",
    ];
    write_header(sheet, &header, &bold)?;
    let ind = report.indicators;
    let worker = ind.worker.map(|w| w.to_string()).unwrap_or_default();
    for (i, row) in rows(ind).iter().enumerate() {
        let r = i as u32 + 1;
        sheet.write_string(r, 0, ind.period.from.to_string())?;
        sheet.write_string(r, 1, ind.period.to.to_string())?;
        sheet.write_string(r, 2, &worker)?;
        sheet.write_string(r, 3, row.indicator)?;
        sheet.write_string(r, 4, label(report.lang, row.indicator))?;
        sheet.write_string(r, 5, row.dimension)?;
        sheet.write_string(r, 6, &row.category)?;
        match row.value {
            Cell::Count(n) => sheet.write_number(r, 7, n as f64)?,
            Cell::Ratio(x) => sheet.write_number(r, 7, x)?,
            Cell::Empty => sheet,
        };
    }
    sheet.autofit();

    let sheet = book.add_worksheet().set_name("months")?;
    let mut header = vec!["from", "to"];
    if let Some(first) = report.months.first() {
        header.extend(headline(first).iter().map(|(k, _)| *k));
    }
    write_header(sheet, &header, &bold)?;
    for (i, month) in report.months.iter().enumerate() {
        let r = i as u32 + 1;
        sheet.write_string(r, 0, month.period.from.to_string())?;
        sheet.write_string(r, 1, month.period.to.to_string())?;
        for (c, (_, value)) in headline(month).iter().enumerate() {
            if let Some(n) = value {
                sheet.write_number(r, c as u16 + 2, *n as f64)?;
            }
        }
    }
    sheet.autofit();

    let records = report.records;
    let sheets: [(&str, RecordKind, Option<&Vec<&RecordView>>); 5] = [
        ("clients", RecordKind::Client, Some(&records.clients)),
        ("contacts", RecordKind::Contact, Some(&records.contacts)),
        (
            "case_notes",
            RecordKind::CaseNote,
            records.case_notes.as_ref(),
        ),
        ("referrals", RecordKind::Referral, Some(&records.referrals)),
        ("meetings", RecordKind::Meeting, Some(&records.meetings)),
    ];
    for (name, kind, views) in sheets {
        let Some(views) = views else { continue };
        let sheet = book.add_worksheet().set_name(name)?;
        record_sheet(sheet, kind, views, &bold)?;
    }
    book.save_to_buffer()
}

fn write_header(
    sheet: &mut Worksheet,
    names: &[&str],
    bold: &Format,
) -> std::result::Result<(), XlsxError> {
    for (c, name) in names.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *name, bold)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

/// One row per record: its id, when it was created, and every stored field
/// of its form, keyed as in the CLI's JSON.
fn record_sheet(
    sheet: &mut Worksheet,
    kind: RecordKind,
    views: &[&RecordView],
    bold: &Format,
) -> std::result::Result<(), XlsxError> {
    let fields: Vec<&str> = forms::definition(kind)
        .fields
        .iter()
        .filter(|f| f.is_stored())
        .map(|f| f.key.as_str())
        .collect();
    let mut header = vec!["id", "created_at"];
    header.extend(&fields);
    write_header(sheet, &header, bold)?;
    for (i, view) in views.iter().enumerate() {
        let r = i as u32 + 1;
        sheet.write_string(r, 0, view.id.to_string())?;
        sheet.write_string(r, 1, view.created_at.to_rfc3339())?;
        for (c, key) in fields.iter().enumerate() {
            let col = c as u16 + 2;
            match view.values.get(*key) {
                None | Some(serde_json::Value::Null) => {}
                Some(serde_json::Value::Number(n)) => {
                    sheet.write_number(r, col, n.as_f64().unwrap_or_default())?;
                }
                Some(other) => {
                    sheet.write_string(r, col, value_text(other))?;
                }
            }
        }
    }
    sheet.autofit();
    Ok(())
}

fn xlsx_error(e: XlsxError) -> Error {
    match e {
        XlsxError::IoError(io) => io.into(),
        other => Error::InvalidInput(format!("XLSX: {other}")),
    }
}
