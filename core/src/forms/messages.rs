//! The text of validation messages, in Vietnamese and English.
//!
//! Each message names the field by its localized label and states the rule,
//! never the value that broke it. Vietnamese dates are written dd/mm/yyyy,
//! English ones ISO (unambiguous for every English reader).

use super::definition::{FieldDef, FieldType, FormDefinition};
use super::error::{FieldError, InputError, Limit, Problem};
use crate::lang::Lang;
use chrono::NaiveDate;

/// Turns a problem with `key` into the error a user reads.
pub(crate) fn field_error(
    form: &FormDefinition,
    key: &str,
    problem: &Problem,
    lang: Lang,
) -> FieldError {
    let message = match form.field(key) {
        Some(field) => field_message(field, problem, lang),
        None => unknown_field(form, key, lang),
    };
    FieldError {
        field: key.to_string(),
        code: problem.code(),
        message,
    }
}

fn unknown_field(form: &FormDefinition, key: &str, lang: Lang) -> String {
    let title = form.title.get(lang);
    match lang {
        Lang::Vi => format!("“{key}” không phải là một mục của biểu mẫu “{title}”"),
        Lang::En => format!("“{key}” is not a field of the “{title}” form"),
    }
}

fn field_message(field: &FieldDef, problem: &Problem, lang: Lang) -> String {
    let label = field.label.get(lang);
    let vi = lang == Lang::Vi;
    match problem {
        Problem::UnknownField => match lang {
            Lang::Vi => format!("{label} không có trong biểu mẫu"),
            Lang::En => format!("{label} is not part of this form"),
        },
        Problem::Readonly if field.field_type == FieldType::Note => match lang {
            Lang::Vi => format!("“{label}” là lời dẫn của biểu mẫu, không nhận câu trả lời"),
            Lang::En => format!("“{label}” is a note on the form and takes no answer"),
        },
        Problem::Readonly if !field.system => match lang {
            Lang::Vi => format!("{label} do biểu mẫu tự điền, không thể nhập hoặc sửa"),
            Lang::En => {
                format!("{label} is filled in by the form and cannot be entered or changed")
            }
        },
        Problem::Readonly => match lang {
            Lang::Vi => format!("{label} do hệ thống tự tạo, không thể nhập hoặc sửa"),
            Lang::En => format!("{label} is set by the system and cannot be entered or changed"),
        },
        Problem::Required => match &field.required_message {
            Some(message) => message.get(lang).to_string(),
            None => match lang {
                Lang::Vi => format!("{label} là thông tin bắt buộc"),
                Lang::En => format!("{label} is required"),
            },
        },
        Problem::NotApplicable => match lang {
            Lang::Vi => {
                format!("{label} không áp dụng với các câu trả lời đã chọn, vui lòng để trống")
            }
            Lang::En => format!("{label} does not apply given the other answers; leave it empty"),
        },
        Problem::InvalidType => {
            let expected = expected_type(field, lang);
            match lang {
                Lang::Vi => format!("{label} phải là {expected}"),
                Lang::En => format!("{label} must be {expected}"),
            }
        }
        Problem::InvalidFormat => {
            let expected = expected(field, lang);
            match lang {
                Lang::Vi => format!("{label} không đúng định dạng: cần {expected}"),
                Lang::En => format!("{label} is not in the right format: expected {expected}"),
            }
        }
        Problem::InvalidChoice => {
            let choices = field
                .choices
                .iter()
                .map(|c| c.label.get(lang))
                .collect::<Vec<_>>()
                .join(", ");
            match lang {
                Lang::Vi => format!("{label} có lựa chọn không hợp lệ; chọn trong: {choices}"),
                Lang::En => format!("{label} has an invalid choice; choose from: {choices}"),
            }
        }
        Problem::TooSmall(limit) => match (limit, vi) {
            (Limit::Number(min), true) => format!("{label} phải từ {min} trở lên"),
            (Limit::Number(min), false) => format!("{label} must be at least {min}"),
            (Limit::Date(d), true) => format!("{label} không được trước ngày {}", date(*d, lang)),
            (Limit::Date(d), false) => format!("{label} cannot be before {}", date(*d, lang)),
            (Limit::Today, true) => format!("{label} không được là một ngày đã qua"),
            (Limit::Today, false) => format!("{label} cannot be in the past"),
            (Limit::ThisYear(y), true) => {
                format!("{label} không được nhỏ hơn năm hiện tại ({y})")
            }
            (Limit::ThisYear(y), false) => {
                format!("{label} cannot be earlier than the current year ({y})")
            }
        },
        Problem::TooLarge(limit) => match (limit, vi) {
            (Limit::Number(max), true) => format!("{label} không được lớn hơn {max}"),
            (Limit::Number(max), false) => format!("{label} must be at most {max}"),
            (Limit::Date(d), true) => format!("{label} không được sau ngày {}", date(*d, lang)),
            (Limit::Date(d), false) => format!("{label} cannot be after {}", date(*d, lang)),
            (Limit::Today, true) => format!("{label} không được là một ngày trong tương lai"),
            (Limit::Today, false) => format!("{label} cannot be in the future"),
            (Limit::ThisYear(y), true) => {
                format!("{label} không được lớn hơn năm hiện tại ({y})")
            }
            (Limit::ThisYear(y), false) => {
                format!("{label} cannot be later than the current year ({y})")
            }
        },
        Problem::TooShort(n) => match lang {
            Lang::Vi => format!("{label} phải có ít nhất {n} ký tự"),
            Lang::En => format!("{label} must have at least {n} {}", characters(*n)),
        },
        Problem::TooLong(n) => match lang {
            Lang::Vi => format!("{label} không được dài quá {n} ký tự"),
            Lang::En => format!("{label} must have at most {n} {}", characters(*n)),
        },
        Problem::PatternMismatch => {
            let base = match lang {
                Lang::Vi => format!("{label} không đúng định dạng"),
                Lang::En => format!("{label} is not in a valid format"),
            };
            match &field.hint {
                Some(hint) => format!("{base} ({})", hint.get(lang)),
                None => base,
            }
        }
        Problem::InvalidQuantity { item } => {
            let item = choice_label(field, item, lang);
            match lang {
                Lang::Vi => format!("{label}: số lượng “{item}” phải là số nguyên, từ 0 trở lên"),
                Lang::En => format!(
                    "{label}: the quantity of “{item}” must be a whole number, zero or more"
                ),
            }
        }
        Problem::QuantityTooLarge { item, max } => {
            let item = choice_label(field, item, lang);
            match lang {
                Lang::Vi => format!("{label}: số lượng “{item}” không được lớn hơn {max}"),
                Lang::En => format!("{label}: the quantity of “{item}” must be at most {max}"),
            }
        }
        Problem::ConstraintFailed => match &field.constraint_message {
            Some(message) => message.get(lang).to_string(),
            None => match lang {
                Lang::Vi => format!("{label} không thỏa mãn điều kiện của biểu mẫu"),
                Lang::En => format!("{label} does not meet the form's condition"),
            },
        },
        Problem::ControlCharacter(c) => control_character(label, *c, field.multiline, lang),
    }
}

/// The code point is named (`U+202E`) so that whoever fixes the text can
/// find a character that shows as nothing.
fn control_character(label: &str, c: char, multiline: bool, lang: Lang) -> String {
    let code = format!("U+{:04X}", u32::from(c));
    match (c, lang) {
        ('\n' | '\r' | '\t' | '\u{2028}' | '\u{2029}', Lang::Vi) if !multiline => {
            format!("{label} phải là một dòng văn bản, không có dấu xuống dòng hoặc dấu tab")
        }
        ('\n' | '\r' | '\t' | '\u{2028}' | '\u{2029}', Lang::En) if !multiline => {
            format!("{label} must be one line of text, without line breaks or tabs")
        }
        (_, Lang::Vi) if is_direction_control(c) => format!(
            "{label} chứa một ký tự ẩn làm đảo chiều văn bản ({code}); hãy xoá ký tự này"
        ),
        (_, Lang::En) if is_direction_control(c) => format!(
            "{label} holds a hidden character that reverses the direction of text ({code}); remove it"
        ),
        (_, Lang::Vi) => {
            format!("{label} chứa một ký tự điều khiển ẩn ({code}); hãy xoá ký tự này")
        }
        (_, Lang::En) => format!("{label} holds a hidden control character ({code}); remove it"),
    }
}

fn is_direction_control(c: char) -> bool {
    // The overrides and isolates of `normalize::is_control_character`.
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// What a value's JSON must be, for type errors: where the words for a
/// person would mislead one who writes JSON (yes/no is `true`/`false`, a
/// list is in brackets), the JSON is named.
fn expected_type(field: &FieldDef, lang: Lang) -> String {
    let list_example = || {
        field
            .choices
            .first()
            .map(|c| format!(" [\"{}\"]", c.value))
            .unwrap_or_default()
    };
    match (field.field_type, field.multiple) {
        (FieldType::YesNo, _) => lang.pick("true hoặc false", "true or false").into(),
        (FieldType::MultipleChoice, _) => match lang {
            Lang::Vi => format!(
                "một danh sách các lựa chọn trong ngoặc vuông, ví dụ{}",
                list_example()
            ),
            Lang::En => format!("a list of choices in brackets, e.g.{}", list_example()),
        },
        (FieldType::Link, true) => lang
            .pick(
                "một danh sách mã định danh hồ sơ (UUID) trong ngoặc vuông",
                "a list of record ids (UUIDs) in brackets",
            )
            .into(),
        _ => expected(field, lang).into(),
    }
}

/// Why a record's JSON text was refused, for a person.
pub(crate) fn input_message(error: &InputError, lang: Lang) -> String {
    match (error, lang) {
        (InputError::NotUtf8 { line }, Lang::Vi) => {
            format!("dữ liệu vào không phải văn bản UTF-8 (byte không hợp lệ ở dòng {line})")
        }
        (InputError::NotUtf8 { line }, Lang::En) => {
            format!("the input is not UTF-8 text (invalid bytes on line {line})")
        }
        (InputError::Malformed { line, column }, Lang::Vi) => {
            format!("JSON sai cú pháp ở dòng {line}, cột {column}")
        }
        (InputError::Malformed { line, column }, Lang::En) => {
            format!("malformed JSON at line {line}, column {column}")
        }
        (InputError::Truncated { line, column }, Lang::Vi) => {
            format!("JSON trống hoặc bị cắt cụt ở dòng {line}, cột {column}")
        }
        (InputError::Truncated { line, column }, Lang::En) => {
            format!("malformed JSON: empty or cut short at line {line}, column {column}")
        }
        (InputError::NotAnObject, Lang::Vi) => {
            "JSON phải là một đối tượng gồm các mục và giá trị của chúng".into()
        }
        (InputError::NotAnObject, Lang::En) => {
            "the JSON must be an object of field keys and values".into()
        }
        (InputError::RepeatedKey { key }, Lang::Vi) => {
            format!("“{key}” được nhập hai lần; mỗi mục chỉ được nhập một lần")
        }
        (InputError::RepeatedKey { key }, Lang::En) => {
            format!("“{key}” is given twice; give each field once")
        }
    }
}

/// What a value of the field must look like, for type and format errors.
fn expected(field: &FieldDef, lang: Lang) -> &'static str {
    match (field.field_type, field.multiple) {
        (FieldType::Text, _) => lang.pick("văn bản", "text"),
        (FieldType::Integer, _) => lang.pick("một số nguyên", "a whole number"),
        (FieldType::Decimal, _) => lang.pick("một số", "a number"),
        (FieldType::Date, _) => lang.pick(
            "một ngày dạng YYYY-MM-DD (ví dụ 2026-11-20)",
            "a date as YYYY-MM-DD (e.g. 2026-11-20)",
        ),
        (FieldType::Datetime, _) => lang.pick(
            "ngày giờ kèm múi giờ (ví dụ 2026-11-20T08:30:00+07:00)",
            "a date and time with its time zone (e.g. 2026-11-20T08:30:00+07:00)",
        ),
        (FieldType::SingleChoice, _) => lang.pick("một trong các lựa chọn", "one of the choices"),
        (FieldType::MultipleChoice, _) => {
            lang.pick("một danh sách các lựa chọn", "a list of choices")
        }
        (FieldType::YesNo, _) => lang.pick("“có” hoặc “không”", "yes or no"),
        (FieldType::Link, false) => lang.pick("mã định danh hồ sơ (UUID)", "a record id (UUID)"),
        (FieldType::Link, true) => lang.pick(
            "một danh sách mã định danh hồ sơ (UUID)",
            "a list of record ids (UUIDs)",
        ),
        (FieldType::Quantities, _) => lang.pick(
            "danh sách số lượng theo từng loại",
            "a quantity for each item",
        ),
        (FieldType::Phone, _) => lang.pick(
            "một số điện thoại: 3 đến 15 chữ số, có thể bắt đầu bằng +",
            "a phone number: 3 to 15 digits, optionally starting with +",
        ),
        (FieldType::Calculate, _) => lang.pick("văn bản", "text"),
        (FieldType::Note, _) => lang.pick("không có giá trị", "no value"),
    }
}

fn choice_label<'a>(field: &'a FieldDef, value: &'a str, lang: Lang) -> &'a str {
    field.choice(value).map_or(value, |c| c.label.get(lang))
}

fn date(d: NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::Vi => d.format("%d/%m/%Y").to_string(),
        Lang::En => d.format("%Y-%m-%d").to_string(),
    }
}

fn characters(n: usize) -> &'static str {
    if n == 1 {
        "character"
    } else {
        "characters"
    }
}
