//! Writing a form definition as an XLSForm workbook.

use crate::columns::{self, fieldbook, YES_NO_LIST};
use fieldbook_core::forms::{Bound, FieldDef, FieldType, FormSpec, Localized};
use fieldbook_core::Lang;
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};
use serde_json::Value;
use std::collections::BTreeSet;

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
    for column in SURVEY {
        match column {
            Column::Plain(name) => headers.push(name.to_string()),
            Column::Translated(base) => {
                headers.extend(Lang::ALL.map(|l| columns::translated(base, l)))
            }
        }
    }
    headers.extend(extra.iter().map(|c| c.to_string()));
    let at = |name: &str| headers.iter().position(|h| h == name);

    let survey = book.add_worksheet().set_name("survey")?;
    write_row(survey, 0, &headers, Some(&bold))?;
    let mut r = 1;
    let mut open: Vec<&str> = Vec::new();
    for field in &form.fields {
        let chain = group_chain(form, field);
        // Close the groups this field is not in, open the ones it enters.
        let shared = open.iter().zip(&chain).take_while(|(a, b)| a == b).count();
        while open.len() > shared {
            let key = open.pop().unwrap_or_default();
            let mut row = vec![String::new(); headers.len()];
            set(&mut row, at("type"), "end_group".into());
            set(&mut row, at("name"), key.into());
            write_row(survey, r, &row, None)?;
            r += 1;
        }
        for group in chain.iter().skip(shared) {
            let mut row = vec![String::new(); headers.len()];
            let def = form.groups.iter().find(|g| g.key == *group);
            set(&mut row, at("type"), "begin_group".into());
            set(&mut row, at("name"), group.to_string());
            if let Some(label) = def.and_then(|g| g.label.as_ref()) {
                for lang in Lang::ALL {
                    let header = columns::translated("label", lang);
                    set(&mut row, at(&header), label.get(lang).to_string());
                }
            }
            let relevant = def.and_then(|g| g.relevant.clone()).unwrap_or_default();
            set(&mut row, at("relevant"), relevant);
            write_row(survey, r, &row, None)?;
            r += 1;
            open.push(group);
        }
        let list = if field.field_type == FieldType::YesNo {
            yes_no_list.clone()
        } else {
            field.key.clone()
        };
        let mut row = Vec::with_capacity(headers.len());
        for column in SURVEY {
            match column {
                Column::Plain(name) => row.push(survey_cell(field, name, &list)),
                Column::Translated(base) => row.extend(both(translated_text(field, base))),
            }
        }
        row.extend(extra.iter().map(|c| fieldbook_cell(field, c)));
        write_row(survey, r, &row, None)?;
        r += 1;
    }
    while let Some(key) = open.pop() {
        let mut row = vec![String::new(); headers.len()];
        set(&mut row, at("type"), "end_group".into());
        set(&mut row, at("name"), key.into());
        write_row(survey, r, &row, None)?;
        r += 1;
    }

    write_choices(&mut book, form, &yes_no_list, &bold)?;

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

/// The `choices` sheet: the yes/no list if a field uses it, then each
/// choice field's own list, with the choices' further columns (for
/// `choice_filter`) after the labels.
fn write_choices(
    book: &mut Workbook,
    form: &FormSpec,
    yes_no_list: &str,
    bold: &Format,
) -> Result<(), XlsxError> {
    let with_choices = || form.fields.iter().filter(|f| f.field_type.has_choices());
    let extra: BTreeSet<&str> = with_choices()
        .flat_map(|f| f.choices.iter().flat_map(|c| c.columns.keys()))
        .map(String::as_str)
        .collect();
    let choices = book.add_worksheet().set_name("choices")?;
    let mut header = vec!["list_name".to_string(), "name".to_string()];
    header.extend(Lang::ALL.map(|l| columns::translated("label", l)));
    header.extend(extra.iter().map(|c| c.to_string()));
    write_row(choices, 0, &header, Some(bold))?;
    let mut r = 1;
    if form.fields.iter().any(|f| f.field_type == FieldType::YesNo) {
        for (value, vi, en) in [("yes", "Có", "Yes"), ("no", "Không", "No")] {
            let row = [yes_no_list, value, vi, en].map(String::from);
            write_row(choices, r, &row, None)?;
            r += 1;
        }
    }
    for field in with_choices() {
        for choice in &field.choices {
            let mut row = vec![field.key.clone(), choice.value.clone()];
            row.extend(both(Some(&choice.label)));
            row.extend(
                extra
                    .iter()
                    .map(|c| choice.columns.get(*c).cloned().unwrap_or_default()),
            );
            write_row(choices, r, &row, None)?;
            r += 1;
        }
    }
    Ok(())
}

/// A survey column as the export writes it.
enum Column {
    Plain(&'static str),
    Translated(&'static str),
}

/// The survey's standard columns, in the order they are written.
const SURVEY: [Column; 14] = [
    Column::Plain("type"),
    Column::Plain("name"),
    Column::Translated("label"),
    Column::Translated("hint"),
    Column::Plain("required"),
    Column::Translated("required_message"),
    Column::Plain("relevant"),
    Column::Plain("constraint"),
    Column::Translated("constraint_message"),
    Column::Plain("calculation"),
    Column::Plain("default"),
    Column::Plain("read_only"),
    Column::Plain("choice_filter"),
    Column::Plain("appearance"),
];

/// A field's cell in a standard, untranslated column.
fn survey_cell(field: &FieldDef, column: &str, list: &str) -> String {
    match column {
        "type" => columns::type_text(field, list),
        "name" => field.key.clone(),
        "required" => yes(field.required),
        "relevant" => field.relevant.clone().unwrap_or_default(),
        "constraint" => field.constraint.clone().unwrap_or_default(),
        "calculation" => field.calculation.clone().unwrap_or_default(),
        "default" => field.default.as_ref().map(default_text).unwrap_or_default(),
        "read_only" => yes(field.read_only),
        "choice_filter" => field.choice_filter.clone().unwrap_or_default(),
        "appearance" => columns::appearance_text(field),
        _ => String::new(),
    }
}

/// A field's text in a translated column.
fn translated_text<'a>(field: &'a FieldDef, base: &str) -> Option<&'a Localized> {
    match base {
        "label" => Some(&field.label),
        "hint" => field.hint.as_ref(),
        "required_message" => field.required_message.as_ref(),
        "constraint_message" => field.constraint_message.as_ref(),
        _ => None,
    }
}

/// The groups a field lies in, outermost first.
fn group_chain<'a>(form: &'a FormSpec, field: &'a FieldDef) -> Vec<&'a str> {
    let mut chain = Vec::new();
    let mut next = field.group.as_deref();
    while let Some(key) = next {
        if chain.contains(&key) {
            break;
        }
        chain.insert(0, key);
        next = form
            .groups
            .iter()
            .find(|g| g.key == key)
            .and_then(|g| g.parent.as_deref());
    }
    chain
}

fn set(row: &mut [String], at: Option<usize>, text: String) {
    if let Some(cell) = at.and_then(|i| row.get_mut(i)) {
        *cell = text;
    }
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
