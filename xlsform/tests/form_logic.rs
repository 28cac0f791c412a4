//! The XLSForm beyond plain questions: groups (nested, with skip rules),
//! notes, calculations, hidden and read-only questions, phone numbers,
//! required messages, choice filters and appearances. A workbook that uses
//! them all is read, used to validate records, and written back unchanged;
//! misuses are refused at their cells in vi and en.

mod support;

use chrono::NaiveDate;
use fieldbook_core::forms::{Appearance, FieldErrorCode, FieldType, FormDefinition, FormSpec};
use fieldbook_core::Lang;
use fieldbook_xlsform::{export, import, ImportError};
use serde_json::{json, Map, Value};
use support::{settings, workbook, SheetRows};

const HEADER: [&str; 16] = [
    "type",
    "name",
    "label::Vietnamese (vi)",
    "label::English (en)",
    "required",
    "required_message::Vietnamese (vi)",
    "required_message::English (en)",
    "relevant",
    "calculation",
    "default",
    "read_only",
    "choice_filter",
    "appearance",
    "constraint",
    "constraint_message::Vietnamese (vi)",
    "constraint_message::English (en)",
];

/// A survey row from (column, value) pairs.
fn row(cells: &[(&str, &'static str)]) -> Vec<&'static str> {
    support::row(&HEADER, cells)
}

fn q(
    kind: &'static str,
    name: &'static str,
    vi: &'static str,
    en: &'static str,
    more: &[(&'static str, &'static str)],
) -> Vec<&'static str> {
    let mut cells = vec![
        ("type", kind),
        ("name", name),
        ("label::Vietnamese (vi)", vi),
        ("label::English (en)", en),
    ];
    cells.extend_from_slice(more);
    row(&cells)
}

fn end() -> Vec<&'static str> {
    row(&[("type", "end_group")])
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
                "province",
            ],
            vec!["setting", "hotspot", "Điểm nóng", "Hotspot", ""],
            vec!["setting", "home", "Nhà", "Home", ""],
            vec!["province", "hn", "Hà Nội", "Hanoi", ""],
            vec!["province", "hcm", "TP HCM", "HCMC", ""],
            vec!["district", "ba_dinh", "Ba Đình", "Ba Dinh", "hn"],
            vec!["district", "hoan_kiem", "Hoàn Kiếm", "Hoan Kiem", "hn"],
            vec!["district", "quan_1", "Quận 1", "District 1", "hcm"],
        ],
    )
}

fn survey() -> SheetRows<'static> {
    (
        "survey",
        vec![
            HEADER.to_vec(),
            q(
                "dateTime",
                "at",
                "Thời gian",
                "Date and time",
                &[("required", "yes"), ("default", "now()")],
            ),
            q(
                "note",
                "intro",
                "Hỏi sau khi khách đồng ý",
                "Ask once the person agrees",
                &[],
            ),
            q(
                "select_one setting",
                "setting",
                "Nơi gặp",
                "Setting",
                &[
                    ("required", "yes"),
                    ("required_message::Vietnamese (vi)", "Chọn nơi gặp"),
                    ("required_message::English (en)", "Say where you met"),
                ],
            ),
            q(
                "begin_group",
                "place",
                "Địa điểm",
                "Place",
                &[
                    ("relevant", "${setting} = 'hotspot'"),
                    ("appearance", "field-list"),
                ],
            ),
            q("text", "hotspot_name", "Tên điểm", "Hotspot name", &[]),
            row(&[("type", "begin group"), ("name", "area")]),
            q(
                "select_one province",
                "province",
                "Tỉnh",
                "Province",
                &[("appearance", "minimal")],
            ),
            q(
                "select_one district",
                "district",
                "Quận",
                "District",
                &[("choice_filter", "province = ${province}")],
            ),
            end(),
            end(),
            q(
                "text",
                "callback",
                "Số gọi lại",
                "Callback number",
                &[("appearance", "numbers tel")],
            ),
            q("text", "code", "Mã", "Code", &[("appearance", "numbers")]),
            q("integer", "kits", "Số bộ", "Kits", &[]),
            q(
                "calculate",
                "kit_boxes",
                "Số hộp",
                "Boxes",
                &[(
                    "calculation",
                    "if(${kits} = '', '', int((${kits} + 9) div 10))",
                )],
            ),
            q(
                "select_one yn",
                "big_order",
                "Đơn lớn",
                "Big order",
                &[("relevant", "${kit_boxes} >= 3")],
            ),
            q(
                "text",
                "programme",
                "Chương trình",
                "Programme",
                &[("read_only", "yes"), ("default", "harm_reduction")],
            ),
            q(
                "hidden",
                "source",
                "Nguồn",
                "Source",
                &[("default", "xlsform")],
            ),
        ],
    )
}

fn yes_no() -> Vec<Vec<&'static str>> {
    vec![
        vec!["yn", "yes", "Có", "Yes", ""],
        vec!["yn", "no", "Không", "No", ""],
    ]
}

fn book() -> Vec<u8> {
    let (name, mut rows) = choices();
    rows.extend(yes_no());
    workbook(&[survey(), (name, rows), settings("2")])
}

fn form() -> FormDefinition {
    import(&book()).unwrap_or_else(|e| panic!("{}", e.message(Lang::En)))
}

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 3).expect("a date")
}

fn input(value: Value) -> Map<String, Value> {
    value.as_object().expect("an object").clone()
}

#[test]
fn groups_notes_calculations_and_the_rest_import_as_the_form_model() {
    let form = form();
    let types: Vec<(&str, FieldType)> = form
        .fields
        .iter()
        .map(|f| (f.key.as_str(), f.field_type))
        .collect();
    assert_eq!(
        types,
        [
            ("at", FieldType::Datetime),
            ("intro", FieldType::Note),
            ("setting", FieldType::SingleChoice),
            ("hotspot_name", FieldType::Text),
            ("province", FieldType::SingleChoice),
            ("district", FieldType::SingleChoice),
            ("callback", FieldType::Phone),
            ("code", FieldType::Text),
            ("kits", FieldType::Integer),
            ("kit_boxes", FieldType::Calculate),
            ("big_order", FieldType::YesNo),
            ("programme", FieldType::Text),
            ("source", FieldType::Text),
        ]
    );
    let field = |k: &str| form.field(k).expect(k);
    let groups: Vec<(&str, Option<&str>)> = form
        .groups
        .iter()
        .map(|g| (g.key.as_str(), g.parent.as_deref()))
        .collect();
    assert_eq!(groups, [("place", None), ("area", Some("place"))]);
    assert_eq!(form.groups[0].label.as_ref().expect("label").en, "Place");
    assert!(form.groups[1].label.is_none());
    assert_eq!(field("hotspot_name").group.as_deref(), Some("place"));
    assert_eq!(field("district").group.as_deref(), Some("area"));
    assert_eq!(field("callback").group, None);
    assert_eq!(
        field("setting")
            .required_message
            .as_ref()
            .expect("message")
            .vi,
        "Chọn nơi gặp"
    );
    assert!(field("programme").read_only && field("source").hidden);
    assert_eq!(field("province").appearance, [Appearance::Minimal]);
    assert_eq!(field("code").appearance, [Appearance::Numbers]);
    assert!(
        field("callback").appearance.is_empty(),
        "tel made it a phone"
    );
    assert_eq!(
        field("district").choices[2]
            .columns
            .get("province")
            .map(String::as_str),
        Some("hcm")
    );
}

#[test]
fn the_imported_form_computes_filters_and_refuses_in_both_languages() {
    let form = form();
    let saved = form
        .validate(
            &input(
                json!({"setting": "hotspot", "province": "hcm", "district": "quan_1",
                          "callback": "028 3822 1234", "kits": 30, "big_order": false}),
            ),
            None,
            day(),
            Lang::En,
        )
        .expect("valid");
    assert_eq!(saved.values["callback"], "02838221234");
    assert_eq!(saved.values["kit_boxes"], "3");
    assert_eq!(saved.values["programme"], "harm_reduction");
    assert_eq!(saved.values["source"], "xlsform");
    assert!(!saved.values.contains_key("intro"));

    let values = input(json!({"setting": "hotspot", "province": "hn"}));
    assert_eq!(
        form.visible_choices("district", &values, day()),
        ["ba_dinh", "hoan_kiem"]
    );
    let values = input(json!({"setting": "home", "kits": 5}));
    assert_eq!(
        form.visible_fields(&values, day()).join(" "),
        "at intro setting callback code kits programme"
    );

    let wrong = input(json!({"province": "hn", "district": "quan_1", "callback": "ask later"}));
    for (lang, required) in [(Lang::Vi, "Chọn nơi gặp"), (Lang::En, "Say where you met")] {
        let errors = form
            .validate(&wrong, None, day(), lang)
            .expect_err("refused");
        assert_eq!(
            errors.codes(),
            [
                ("setting", FieldErrorCode::Required),
                ("province", FieldErrorCode::NotApplicable),
                ("district", FieldErrorCode::NotApplicable),
                ("callback", FieldErrorCode::InvalidFormat),
            ]
        );
        assert_eq!(errors.get("setting").expect("setting").message, required);
    }
}

#[test]
fn the_workbook_comes_back_unchanged_after_export_and_import() {
    let spec = FormSpec::from(form());
    let bytes = export(&spec).expect("export");
    let back = import(&bytes).unwrap_or_else(|e| panic!("{}", e.message(Lang::En)));
    assert_eq!(FormSpec::from(back), spec);
}

fn refused(survey: Vec<Vec<&'static str>>) -> ImportError {
    let mut rows = vec![HEADER.to_vec()];
    rows.extend(survey);
    let (name, mut list) = choices();
    list.extend(yes_no());
    match import(&workbook(&[("survey", rows), (name, list), settings("2")])) {
        Ok(form) => panic!("accepted: {form:?}"),
        Err(e) => e,
    }
}

/// A problem on the survey sheet (see [`support::assert_problem`]).
fn assert_problem(e: &ImportError, row: u32, column: Option<&str>, en: &str, vi: &str) {
    support::assert_problem(e, "survey", Some(row), column, en, vi);
}

#[test]
fn unbalanced_groups_are_refused_where_they_begin_or_end() {
    let e = refused(vec![
        q("integer", "kits", "Số bộ", "Kits", &[]),
        end(),
        q("begin_group", "left_open", "Nhóm", "Group", &[]),
        q("text", "inside", "Trong", "Inside", &[]),
    ]);
    assert_problem(
        &e,
        3,
        Some("type"),
        "begin_group and end_group do not match",
        "không khớp",
    );
    assert_problem(
        &e,
        4,
        Some("type"),
        "begin_group and end_group do not match",
        "không khớp",
    );
    assert_eq!(e.problems.len(), 2, "{e}");
}

#[test]
fn misused_new_columns_are_refused_at_their_cells() {
    let e = refused(vec![
        q("select_one province", "province", "Tỉnh", "Province", &[]),
        q(
            "select_one district",
            "district",
            "Quận",
            "District",
            &[("choice_filter", "province = ")],
        ),
        q(
            "integer",
            "kits",
            "Số bộ",
            "Kits",
            &[("appearance", "likert")],
        ),
        q(
            "calculate",
            "sum",
            "Tổng",
            "Sum",
            &[("calculation", "${later} + 1")],
        ),
        q(
            "integer",
            "later",
            "Sau",
            "Later",
            &[("required_message::English (en)", "Give it")],
        ),
        q("begin_group", "g", "Nhóm", "Group", &[("required", "yes")]),
        q("text", "in_g", "Trong", "Inside", &[("read_only", "maybe")]),
        end(),
    ]);
    assert_problem(
        &e,
        3,
        Some("choice_filter"),
        "invalid expression",
        "biểu thức không hợp lệ",
    );
    assert_problem(
        &e,
        4,
        Some("appearance"),
        "'appearance likert' is not supported by Fieldbook yet",
        "chưa được Fieldbook hỗ trợ",
    );
    assert_problem(
        &e,
        6,
        Some("required_message::Vietnamese (vi)"),
        "no Vietnamese text",
        "thiếu tiếng Việt",
    );
    assert_problem(
        &e,
        7,
        Some("required"),
        "a group has no required",
        "giá trị không hợp lệ",
    );
    assert_problem(
        &e,
        8,
        Some("read_only"),
        "'maybe' is not yes or no",
        "không phải yes hoặc no",
    );
    assert_eq!(e.problems.len(), 5, "{e}");
}

#[test]
fn a_calculation_below_its_input_or_a_filter_on_no_column_is_refused_at_its_row() {
    let e = refused(vec![
        q(
            "calculate",
            "sum",
            "Tổng",
            "Sum",
            &[("calculation", "${later} + 1")],
        ),
        q("integer", "later", "Sau", "Later", &[]),
        q(
            "select_one district",
            "district",
            "Quận",
            "District",
            &[("choice_filter", "region = 'north'")],
        ),
    ]);
    assert_problem(
        &e,
        4,
        None,
        "choice_filter reads 'region', which is no column of its choices",
        "biểu mẫu không hợp lệ",
    );
    assert_problem(
        &e,
        2,
        None,
        "calculation expression refers to 'later', which is not a field defined above this one",
        "biểu mẫu không hợp lệ",
    );
}
