//! The workbook corpus: one workbook that uses every supported question
//! type, column and function, read and then used to validate records; and
//! one workbook per kind of mistake, each refused at its sheet, row and
//! column, in Vietnamese and English.

mod support;

use chrono::NaiveDate;
use fieldbook_core::forms::{FieldErrorCode, FieldType, FormDefinition};
use fieldbook_core::{Lang, RecordKind};
use fieldbook_xlsform::{import, ImportError};
use serde_json::{json, Map, Value};
use support::{assert_problem, settings, workbook, SheetRows};

const SURVEY_HEADER: [&str; 20] = [
    "type",
    "name",
    "label::Vietnamese (vi)",
    "label::English (en)",
    "hint::Vietnamese (vi)",
    "hint::English (en)",
    "required",
    "relevant",
    "constraint",
    "constraint_message::Vietnamese (vi)",
    "constraint_message::English (en)",
    "default",
    "appearance",
    "fieldbook::min",
    "fieldbook::max",
    "fieldbook::max_length",
    "fieldbook::pattern",
    "fieldbook::link",
    "fieldbook::multiple",
    "fieldbook::quantities",
];

/// A survey row from (column, value) pairs.
fn row(cells: &[(&str, &'static str)]) -> Vec<&'static str> {
    support::row(&SURVEY_HEADER, cells)
}

fn labelled(
    kind: &'static str,
    name: &'static str,
    vi: &'static str,
    en: &'static str,
) -> Vec<(&'static str, &'static str)> {
    vec![
        ("type", kind),
        ("name", name),
        ("label::Vietnamese (vi)", vi),
        ("label::English (en)", en),
    ]
}

fn with(
    mut cells: Vec<(&'static str, &'static str)>,
    more: &[(&'static str, &'static str)],
) -> Vec<&'static str> {
    cells.extend_from_slice(more);
    row(&cells)
}

fn choices() -> SheetRows<'static> {
    (
        "choices",
        vec![
            vec![
                "list_name",
                "name",
                "label::Vietnamese (vi)",
                "label::English (en)",
            ],
            vec!["visit", "first", "Lần đầu", "First contact"],
            vec!["visit", "follow_up", "Tiếp cận lại", "Follow-up"],
            vec![
                "services",
                "needles",
                "Bơm kim tiêm",
                "Needles and syringes",
            ],
            vec!["services", "condoms", "Bao cao su", "Condoms"],
            vec!["services", "naloxone", "Naloxone", "Naloxone"],
            vec!["yn", "yes", "Có", "Yes"],
            vec!["yn", "no", "Không", "No"],
        ],
    )
}

/// Every supported type and column, and every function of the subset.
fn full_survey() -> SheetRows<'static> {
    let rows = vec![
        SURVEY_HEADER.to_vec(),
        with(labelled("text", "client_id", "Khách hàng", "Client"), &[("fieldbook::link", "client")]),
        with(labelled("dateTime", "at", "Thời gian", "Date and time"), &[("required", "yes"), ("default", "now()")]),
        with(labelled("date", "date", "Ngày", "Date"), &[("required", "TRUE"), ("default", "today()"), ("fieldbook::max", "today")]),
        with(labelled("select_one visit", "visit_type", "Loại tiếp cận", "Visit type"), &[("default", "follow_up")]),
        with(
            labelled("text", "place", "Địa điểm", "Place"),
            &[
                ("hint::Vietnamese (vi)", "Không ghi tọa độ GPS"),
                ("hint::English (en)", "Never GPS coordinates"),
                ("fieldbook::max_length", "200"),
                ("constraint", "string-length(.) >= 2 and not(regex(., '[0-9]{6}'))"),
                ("constraint_message::Vietnamese (vi)", "Tên địa điểm, không ghi số"),
                ("constraint_message::English (en)", "A place name, not a number"),
            ],
        ),
        with(labelled("integer", "age", "Tuổi", "Age"), &[("fieldbook::min", "10"), ("fieldbook::max", "99")]),
        with(labelled("decimal", "dose_ml", "Liều (ml)", "Dose (ml)"), &[("constraint", ". > 0 and round(. * 10) = . * 10"), ("constraint_message::Vietnamese (vi)", "Một chữ số thập phân"), ("constraint_message::English (en)", "One decimal place")]),
        with(labelled("select_multiple services", "services", "Dịch vụ", "Services"), &[("relevant", "${age} >= 16 or ${age} = ''")]),
        with(
            labelled("select_multiple services", "given", "Số lượng", "Quantities given"),
            &[("fieldbook::quantities", "yes"), ("relevant", "count-selected(${services}) > 0")],
        ),
        with(labelled("select_one yn", "injecting", "Tiêm chích", "Injecting"), &[]),
        with(
            labelled("text", "sharing_note", "Dùng chung", "Sharing"),
            &[("relevant", "selected(${services}, 'needles') and ${injecting} = 'yes'"), ("appearance", "multiline")],
        ),
        with(
            labelled("date", "next_visit", "Hẹn lần sau", "Next visit"),
            &[
                ("relevant", "if(${visit_type} = 'first', true(), false()) or coalesce(${place}, 'none') != 'none'"),
                ("constraint", ". >= ${date} and . <= date(${date} + 90) and decimal-date-time(.) - decimal-date-time(${date}) >= int(1.9)"),
                ("constraint_message::Vietnamese (vi)", "Trong vòng 90 ngày"),
                ("constraint_message::English (en)", "Within 90 days"),
            ],
        ),
        with(
            labelled("text", "code", "Mã", "Code"),
            &[
                ("relevant", "concat(${visit_type}, '-', string(${age})) != '-' and today() >= ${date} and now() >= ${at}"),
                ("fieldbook::pattern", "[A-Z]{2}[0-9]{4}"),
            ],
        ),
        with(labelled("text", "companions", "Người đi cùng", "Companions"), &[("fieldbook::link", "client"), ("fieldbook::multiple", "yes")]),
        with(labelled("integer", "bottles", "Số chai", "Bottles"), &[("relevant", "number(${age}) mod 2 = 0 div 1 or ${age} - 1 * 2 > -5")]),
    ];
    ("survey", rows)
}

fn full() -> FormDefinition {
    import(&workbook(&[full_survey(), choices(), settings("2")]))
        .unwrap_or_else(|e| panic!("{}", e.message(Lang::En)))
}

#[test]
fn a_workbook_with_every_type_column_and_function_imports() {
    let form = full();
    assert_eq!(form.kind, RecordKind::Contact);
    assert_eq!(form.version, 2);
    assert_eq!(form.title.vi, "Lần tiếp cận");
    let types: Vec<(&str, FieldType)> = form
        .fields
        .iter()
        .map(|f| (f.key.as_str(), f.field_type))
        .collect();
    assert_eq!(
        types,
        [
            ("client_id", FieldType::Link),
            ("at", FieldType::Datetime),
            ("date", FieldType::Date),
            ("visit_type", FieldType::SingleChoice),
            ("place", FieldType::Text),
            ("age", FieldType::Integer),
            ("dose_ml", FieldType::Decimal),
            ("services", FieldType::MultipleChoice),
            ("given", FieldType::Quantities),
            ("injecting", FieldType::YesNo),
            ("sharing_note", FieldType::Text),
            ("next_visit", FieldType::Date),
            ("code", FieldType::Text),
            ("companions", FieldType::Link),
            ("bottles", FieldType::Integer),
        ]
    );
    let field = |k: &str| form.field(k).unwrap();
    assert!(field("at").required && field("date").required && !field("age").required);
    assert_eq!(field("date").default, Some(json!("today")));
    assert_eq!(field("at").default, Some(json!("now")));
    assert_eq!(field("visit_type").default, Some(json!("follow_up")));
    assert_eq!(
        field("place").hint.as_ref().unwrap().en,
        "Never GPS coordinates"
    );
    assert_eq!(field("place").constraints.max_length, Some(200));
    assert_eq!(
        field("code").constraints.pattern.as_deref(),
        Some("[A-Z]{2}[0-9]{4}")
    );
    assert_eq!(field("client_id").link_kind, Some(RecordKind::Client));
    assert!(field("companions").multiple && field("sharing_note").multiline);
    assert_eq!(field("services").choices.len(), 3);
    assert_eq!(
        field("next_visit").constraint_message.as_ref().unwrap().vi,
        "Trong vòng 90 ngày"
    );
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("a date")
}

fn input(value: Value) -> Map<String, Value> {
    value.as_object().expect("an object").clone()
}

#[test]
fn the_imported_form_validates_records_in_both_languages() {
    let form = full();
    let today = day("2026-12-03");
    let good = input(json!({
        "at": "2026-12-03T08:00:00Z", "place": "Chợ Long Biên", "age": 30,
        "services": ["needles"], "given": {"needles": 20}, "injecting": true,
        "sharing_note": "không", "next_visit": "2026-12-10"
    }));
    let saved = form.validate(&good, None, today, Lang::Vi).expect("valid");
    assert_eq!(saved.values["date"], json!("2026-12-03"), "today() default");
    assert_eq!(saved.values["visit_type"], json!("follow_up"));

    let bad = input(json!({
        "at": "2026-12-03T08:00:00Z", "place": "123456", "age": 30,
        "next_visit": "2027-06-01", "dose_ml": 1.25
    }));
    for (lang, place, next) in [
        (Lang::Vi, "Tên địa điểm, không ghi số", "Trong vòng 90 ngày"),
        (Lang::En, "A place name, not a number", "Within 90 days"),
    ] {
        let errors = form.validate(&bad, None, today, lang).expect_err("invalid");
        let codes = errors.codes();
        assert!(
            codes.contains(&("place", FieldErrorCode::ConstraintFailed)),
            "{codes:?}"
        );
        assert!(
            codes.contains(&("next_visit", FieldErrorCode::ConstraintFailed)),
            "{codes:?}"
        );
        assert!(
            codes.contains(&("dose_ml", FieldErrorCode::ConstraintFailed)),
            "{codes:?}"
        );
        assert!(errors.get("place").unwrap().message.contains(place));
        assert!(errors.get("next_visit").unwrap().message.contains(next));
    }

    // Skip logic: under 16 the services are hidden, so giving them is refused.
    let young = input(json!({"at": "2026-12-03T08:00:00Z", "age": 12, "services": ["condoms"]}));
    let errors = form
        .validate(&young, None, today, Lang::En)
        .expect_err("hidden");
    assert_eq!(
        errors.codes(),
        [("services", FieldErrorCode::NotApplicable)]
    );
}

/// A refused workbook's problems as (sheet, row, column, English, Vietnamese).
fn refused(sheets: &[SheetRows<'_>]) -> ImportError {
    match import(&workbook(sheets)) {
        Ok(form) => panic!("accepted: {form:?}"),
        Err(e) => e,
    }
}

/// A minimal contact form whose survey is the header and `rows`.
fn with_survey(rows: Vec<Vec<&'static str>>) -> ImportError {
    let mut survey = vec![SURVEY_HEADER.to_vec()];
    survey.extend(rows);
    refused(&[("survey", survey), choices(), settings("2")])
}

fn at() -> Vec<&'static str> {
    with(
        labelled("dateTime", "at", "Thời gian", "Date and time"),
        &[("required", "yes")],
    )
}

#[test]
fn a_file_that_is_not_a_workbook_is_refused() {
    let e = import(b"PK\x03\x04 not really a zip").expect_err("not xlsx");
    assert!(
        e.message(Lang::En)
            .starts_with("the file: not a readable workbook"),
        "{e}"
    );
    assert!(
        e.message(Lang::Vi)
            .starts_with("tệp: không đọc được tệp Excel"),
        "{e}"
    );
}

#[test]
fn a_workbook_without_a_survey_is_refused() {
    let e = refused(&[choices(), settings("2")]);
    assert_problem(
        &e,
        "survey",
        None,
        None,
        "the sheet is missing",
        "thiếu trang này",
    );
}

#[test]
fn an_unknown_type_is_refused_at_its_cell() {
    let e = with_survey(vec![
        at(),
        row(&labelled("selfie", "photo", "Ảnh", "Photo")),
    ]);
    assert_problem(
        &e,
        "survey",
        Some(3),
        Some("type"),
        "unknown question type 'selfie'",
        "loại câu hỏi 'selfie'",
    );
}

#[test]
fn location_media_and_repeats_are_refused_with_the_reason() {
    let e = with_survey(vec![
        at(),
        row(&labelled("geopoint", "where", "Vị trí", "Location")),
        row(&labelled("image", "photo", "Ảnh", "Photo")),
        row(&labelled("begin_repeat", "visits", "Các lần", "Visits")),
    ]);
    assert_problem(
        &e,
        "survey",
        Some(3),
        Some("type"),
        "never records where a person is",
        "chưa được Fieldbook hỗ trợ",
    );
    assert_problem(
        &e,
        "survey",
        Some(4),
        Some("type"),
        "'media' is not supported",
        "'media'",
    );
    assert_problem(
        &e,
        "survey",
        Some(5),
        Some("type"),
        "a record holds one value per field",
        "repeats",
    );
}

#[test]
fn a_broken_expression_is_refused_at_its_cell_with_the_character() {
    let e = with_survey(vec![
        at(),
        with(
            labelled("integer", "age", "Tuổi", "Age"),
            &[("relevant", "${at} != '' and")],
        ),
        with(
            labelled("text", "x", "X", "X"),
            &[("relevant", "pulldata('clients', 'age')")],
        ),
        with(labelled("text", "y", "Y", "Y"), &[("relevant", "age > 3")]),
    ]);
    assert_problem(
        &e,
        "survey",
        Some(3),
        Some("relevant"),
        "expected a value, found the end of the expression (at character 16)",
        "cần một giá trị, nhưng gặp hết biểu thức (ở ký tự 16)",
    );
    assert_problem(
        &e,
        "survey",
        Some(4),
        Some("relevant"),
        "function 'pulldata()' is not supported",
        "hàm 'pulldata()' không được hỗ trợ",
    );
    assert_problem(
        &e,
        "survey",
        Some(5),
        Some("relevant"),
        "bare name 'age': write ${age}",
        "viết ${age}",
    );
}

#[test]
fn a_reference_to_a_field_that_does_not_exist_is_refused_at_its_row() {
    let e = with_survey(vec![
        at(),
        with(
            labelled("integer", "age", "Tuổi", "Age"),
            &[("relevant", "${agee} > 3")],
        ),
    ]);
    assert_problem(
        &e,
        "survey",
        Some(3),
        None,
        "refers to 'agee', which is not a field",
        "biểu mẫu không hợp lệ",
    );
}

#[test]
fn a_choice_list_that_does_not_exist_is_refused() {
    let e = with_survey(vec![
        at(),
        row(&labelled("select_one visits", "visit_type", "Loại", "Type")),
    ]);
    assert_problem(
        &e,
        "survey",
        Some(3),
        Some("type"),
        "choice list 'visits' is not in the choices sheet",
        "danh sách lựa chọn 'visits'",
    );
}

#[test]
fn a_duplicate_name_is_refused_in_the_survey_and_in_a_list() {
    let e = with_survey(vec![at(), row(&labelled("text", "at", "Lần hai", "Again"))]);
    assert_problem(
        &e,
        "survey",
        Some(3),
        Some("name"),
        "name 'at' is used twice",
        "tên 'at' được dùng hai lần",
    );
    let mut lists = choices();
    lists
        .1
        .push(vec!["visit", "first", "Lần đầu nữa", "First again"]);
    let e = refused(&[
        ("survey", vec![SURVEY_HEADER.to_vec(), at()]),
        lists,
        settings("2"),
    ]);
    assert_problem(
        &e,
        "choices",
        Some(9),
        Some("name"),
        "name 'first' is used twice",
        "được dùng hai lần",
    );
}

#[test]
fn a_label_without_its_english_is_refused() {
    let e = with_survey(vec![at(), row(&labelled("text", "place", "Địa điểm", ""))]);
    assert_problem(
        &e,
        "survey",
        Some(3),
        Some("label::English (en)"),
        "no English text",
        "thiếu tiếng Anh",
    );
}

#[test]
fn bad_names_and_yes_no_cells_are_refused() {
    let e = with_survey(vec![
        at(),
        row(&labelled("text", "Place", "Địa điểm", "Place")),
        with(
            labelled("text", "note", "Ghi chú", "Note"),
            &[("required", "maybe")],
        ),
    ]);
    assert_problem(
        &e,
        "survey",
        Some(3),
        Some("name"),
        "name 'Place' must be lowercase",
        "chữ thường",
    );
    assert_problem(
        &e,
        "survey",
        Some(4),
        Some("required"),
        "'maybe' is not yes or no",
        "không phải yes hoặc no",
    );
}

#[test]
fn settings_need_a_known_form_id_and_a_version() {
    let survey = ("survey", vec![SURVEY_HEADER.to_vec(), at()]);
    let mut bad = settings("two");
    bad.1[1][0] = "visits";
    let e = refused(&[survey.clone(), choices(), bad]);
    assert_problem(
        &e,
        "settings",
        Some(2),
        Some("form_id"),
        "form_id 'visits' must be client, contact",
        "form_id 'visits' phải là",
    );
    assert_problem(
        &e,
        "settings",
        Some(2),
        Some("version"),
        "version 'two' is not a whole number",
        "giá trị không hợp lệ",
    );
    let e = refused(&[survey, choices()]);
    assert_problem(
        &e,
        "settings",
        None,
        None,
        "the sheet is missing",
        "thiếu trang này",
    );
}

#[test]
fn a_misspelt_column_and_a_column_fieldbook_lacks_are_refused_at_their_headers() {
    let survey = (
        "survey",
        vec![
            vec![
                "type",
                "name",
                "label::Vietnamese (vi)",
                "label::English (en)",
                "relevent",
                "repeat_count",
                "# notes",
            ],
            vec![
                "dateTime",
                "at",
                "Thời gian",
                "Date and time",
                "",
                "",
                "for the team",
            ],
            vec!["integer", "age", "Tuổi", "Age", "${at} != ''", "3", ""],
        ],
    );
    let e = refused(&[survey, choices(), settings("2")]);
    assert_problem(
        &e,
        "survey",
        Some(1),
        Some("relevent"),
        "unknown column (a typo?)",
        "sai chính tả",
    );
    assert_problem(
        &e,
        "survey",
        Some(1),
        Some("repeat_count"),
        "'repeat_count' is not supported by Fieldbook yet",
        "chưa được Fieldbook hỗ trợ",
    );
    assert_eq!(e.problems.len(), 2, "the comment column is fine: {e}");
}

#[test]
fn every_problem_is_reported_at_once() {
    let e = with_survey(vec![
        at(),
        row(&labelled("selfie", "a", "A", "A")),
        row(&labelled("text", "B", "B", "B")),
        with(labelled("text", "c", "C", "C"), &[("constraint", ". >")]),
    ]);
    assert_eq!(e.problems.len(), 3, "{e}");
}
