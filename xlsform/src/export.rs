//! Writing a form definition as an XLSForm workbook.

use crate::columns::{self, fieldbook, MULTILINE, PLAIN, TRANSLATED, YES_NO_LIST};
use fieldbook_core::forms::{Bound, FieldDef, FieldType, FormSpec, Localized};
use fieldbook_core::Lang;
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};
use serde_json::Value;

/// The workbook's bytes (xlsx) for a form: `survey`, `choices` and `settings`.
pub fn export(form: &FormSpec) -> Result<Vec<u8>, XlsxError> {
    let bold = Format::new().set_bold();
    let mut book = Workbook::new();
    let yes_no_list = yes_no_list_name(form);

    let extra: Vec<&str> = fieldbook::ALL
        .into_iter()
        .filter(|c| form.fields.iter().any(|f| !fieldbook_cell(f, c).is_empty()))
        .collect();
    let mut headers: Vec<String> = Vec::new();
    headers.extend(["type", "name"].map(String::from));
    headers.extend(Lang::ALL.map(|l| columns::translated("label", l)));
    headers.extend(Lang::ALL.map(|l| columns::translated("hint", l)));
    headers.extend(PLAIN[2..5].iter().map(|c| c.to_string()));
    headers.extend(Lang::ALL.map(|l| columns::translated("constraint_message", l)));
    headers.extend(PLAIN[5..].iter().map(|c| c.to_string()));
    headers.extend(extra.iter().map(|c| c.to_string()));
    debug_assert_eq!(
        headers.len(),
        PLAIN.len() + TRANSLATED.len() * 2 + extra.len()
    );

    let survey = book.add_worksheet().set_name("survey")?;
    write_row(survey, 0, &headers, Some(&bold))?;
    for (i, field) in form.fields.iter().enumerate() {
        let list = if field.field_type == FieldType::YesNo {
            yes_no_list.clone()
        } else {
            field.key.clone()
        };
        let mut row = vec![
            columns::type_text(field.field_type, &list),
            field.key.clone(),
        ];
        row.extend(both(Some(&field.label)));
        row.extend(both(field.hint.as_ref()));
        row.push(if field.required {
            "yes".into()
        } else {
            String::new()
        });
        row.push(field.relevant.clone().unwrap_or_default());
        row.push(field.constraint.clone().unwrap_or_default());
        row.extend(both(field.constraint_message.as_ref()));
        row.push(field.default.as_ref().map(default_text).unwrap_or_default());
        row.push(if field.multiline {
            MULTILINE.into()
        } else {
            String::new()
        });
        row.extend(extra.iter().map(|c| fieldbook_cell(field, c)));
        write_row(survey, i as u32 + 1, &row, None)?;
    }

    let choices = book.add_worksheet().set_name("choices")?;
    let mut header = vec!["list_name".to_string(), "name".to_string()];
    header.extend(Lang::ALL.map(|l| columns::translated("label", l)));
    write_row(choices, 0, &header, Some(&bold))?;
    let mut r = 1;
    if form.fields.iter().any(|f| f.field_type == FieldType::YesNo) {
        for (value, vi, en) in [("yes", "Có", "Yes"), ("no", "Không", "No")] {
            let row = [&yes_no_list, value, vi, en].map(String::from);
            write_row(choices, r, &row, None)?;
            r += 1;
        }
    }
    for field in form.fields.iter().filter(|f| f.field_type.has_choices()) {
        for choice in &field.choices {
            let mut row = vec![field.key.clone(), choice.value.clone()];
            row.extend(both(Some(&choice.label)));
            write_row(choices, r, &row, None)?;
            r += 1;
        }
    }

    let settings = book.add_worksheet().set_name("settings")?;
    let mut header = vec![
        "form_id".to_string(),
        "version".to_string(),
        "default_language".to_string(),
    ];
    header.extend(Lang::ALL.map(|l| columns::translated("form_title", l)));
    write_row(settings, 0, &header, Some(&bold))?;
    let mut row = vec![
        form.kind.as_str().to_string(),
        form.version.to_string(),
        columns::language_suffix(Lang::Vi).to_string(),
    ];
    row.extend(both(Some(&form.title)));
    write_row(settings, 1, &row, None)?;

    book.save_to_buffer()
}

/// The yes/no list's name, clear of every field's own list.
fn yes_no_list_name(form: &FormSpec) -> String {
    let mut name = YES_NO_LIST.to_string();
    while form.fields.iter().any(|f| f.key == name) {
        name.push('_');
    }
    name
}

fn both(text: Option<&Localized>) -> [String; 2] {
    Lang::ALL.map(|l| text.map(|t| t.get(l).to_string()).unwrap_or_default())
}

fn write_row(
    sheet: &mut Worksheet,
    row: u32,
    cells: &[String],
    format: Option<&Format>,
) -> Result<(), XlsxError> {
    for (c, text) in cells.iter().enumerate() {
        if text.is_empty() {
            continue;
        }
        // Text cells throughout: a version or a bound written as a number
        // would come back as Excel chose to format it.
        match format {
            Some(f) => sheet.write_string_with_format(row, c as u16, text, f)?,
            None => sheet.write_string(row, c as u16, text)?,
        };
    }
    Ok(())
}

fn yes(flag: bool) -> String {
    if flag { "yes" } else { "" }.into()
}

fn bound_text(bound: &Option<Bound>) -> String {
    match bound {
        Some(Bound::Number(n)) => n.to_string(),
        Some(Bound::Text(t)) => t.clone(),
        None => String::new(),
    }
}

/// A field's cell in one of Fieldbook's own columns.
fn fieldbook_cell(field: &FieldDef, column: &str) -> String {
    let c = &field.constraints;
    match column {
        fieldbook::MIN => bound_text(&c.min),
        fieldbook::MAX => bound_text(&c.max),
        fieldbook::MIN_LENGTH => c.min_length.map(|n| n.to_string()).unwrap_or_default(),
        fieldbook::MAX_LENGTH => c.max_length.map(|n| n.to_string()).unwrap_or_default(),
        fieldbook::PATTERN => c.pattern.clone().unwrap_or_default(),
        fieldbook::LINK => field
            .link_kind
            .map(|k| k.as_str().to_string())
            .unwrap_or_default(),
        fieldbook::MULTIPLE => yes(field.multiple),
        fieldbook::QUANTITIES => yes(field.field_type == FieldType::Quantities),
        fieldbook::INPUT_ONLY => yes(field.input_only),
        fieldbook::SYSTEM => yes(field.system),
        fieldbook::SINGLE_AS_LIST => yes(field.single_as_list),
        _ => String::new(),
    }
}

/// A default as XLSForm writes it: `today()` and `now()` for the keywords,
/// `yes`/`no`, and a list's values separated by spaces.
fn default_text(value: &Value) -> String {
    match value {
        Value::String(s) if s == fieldbook_core::forms::definition::TODAY => "today()".into(),
        Value::String(s) if s == fieldbook_core::forms::definition::NOW => "now()".into(),
        Value::String(s) => s.clone(),
        Value::Bool(b) => if *b { "yes" } else { "no" }.into(),
        Value::Array(items) => items
            .iter()
            .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
            .collect::<Vec<_>>()
            .join(" "),
        other => other.to_string(),
    }
}
