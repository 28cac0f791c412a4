//! The form logic beyond plain fields, as XLSForm forms use it: groups and
//! their skip rules, notes, calculations, read-only and hidden fields,
//! phone numbers, choice filters and required messages, through
//! validation, `visible_fields`, `visible_choices` and the localized form.

use super::definition::FormDefinition;
use super::error::{FieldErrorCode, ValidationErrors};
use super::{DefinitionError, Validated};
use crate::lang::Lang;
use chrono::NaiveDate;
use serde_json::{json, Map, Value};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 3).expect("a date")
}

fn text(vi: &str, en: &str) -> Value {
    json!({"vi": vi, "en": en})
}

/// A contact form a province might publish: a note, a group shown only
/// for outreach at a hotspot, a district filtered by province, a phone
/// number, a calculation, a read-only and a hidden field.
fn form() -> FormDefinition {
    let spec = json!({
        "kind": "contact", "version": 2,
        "title": text("Tiếp cận", "Contact"),
        "groups": [
            {"key": "place", "label": text("Địa điểm", "Place"),
             "relevant": "${setting} = 'hotspot'"},
            {"key": "area", "parent": "place"}
        ],
        "fields": [
            {"key": "intro", "type": "note",
             "label": text("Hỏi sau khi khách đồng ý", "Ask once the person agrees")},
            {"key": "setting", "type": "single_choice", "required": true,
             "required_message": text("Chọn nơi gặp", "Say where you met"),
             "label": text("Nơi gặp", "Setting"),
             "choices": [{"value": "hotspot", "label": text("Điểm nóng", "Hotspot")},
                         {"value": "home", "label": text("Nhà", "Home")}]},
            {"key": "hotspot_name", "type": "text", "group": "place",
             "label": text("Tên điểm", "Hotspot name")},
            {"key": "province", "type": "single_choice", "group": "area",
             "label": text("Tỉnh", "Province"), "appearance": ["minimal"],
             "choices": [{"value": "hn", "label": text("Hà Nội", "Hanoi")},
                         {"value": "hcm", "label": text("TP HCM", "HCMC")}]},
            {"key": "district", "type": "single_choice", "group": "area",
             "label": text("Quận", "District"), "choice_filter": "province = ${province}",
             "choices": [
                {"value": "ba_dinh", "label": text("Ba Đình", "Ba Dinh"), "columns": {"province": "hn"}},
                {"value": "hoan_kiem", "label": text("Hoàn Kiếm", "Hoan Kiem"), "columns": {"province": "hn"}},
                {"value": "quan_1", "label": text("Quận 1", "District 1"), "columns": {"province": "hcm"}}]},
            {"key": "callback", "type": "phone", "label": text("Số gọi lại", "Callback number")},
            {"key": "kits", "type": "integer", "label": text("Số bộ", "Kits")},
            {"key": "kit_boxes", "type": "calculate", "label": text("Số hộp", "Boxes"),
             "calculation": "if(${kits} = '', '', int((${kits} + 9) div 10))"},
            {"key": "big_order", "type": "yes_no", "label": text("Đơn lớn", "Big order"),
             "relevant": "${kit_boxes} >= 3"},
            {"key": "programme", "type": "text", "read_only": true, "default": "harm_reduction",
             "label": text("Chương trình", "Programme")},
            {"key": "source", "type": "text", "hidden": true, "default": "xlsform",
             "label": text("Nguồn", "Source")}
        ]
    });
    FormDefinition::from_json(&spec.to_string()).expect("the test form is sound")
}

fn map(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        other => panic!("not an object: {other}"),
    }
}

fn create(input: Value, lang: Lang) -> Result<Validated, ValidationErrors> {
    form().validate(&map(input), None, today(), lang)
}

fn codes(result: Result<Validated, ValidationErrors>) -> Vec<(String, FieldErrorCode)> {
    match result {
        Ok(v) => panic!("expected errors, got {v:?}"),
        Err(e) => e.0.into_iter().map(|e| (e.field, e.code)).collect(),
    }
}

#[test]
fn a_full_record_stores_calculations_defaults_and_normalized_phone_numbers() {
    let v = create(
        json!({"setting": "hotspot", "hotspot_name": "Cầu Long Biên", "province": "hn",
               "district": "hoan_kiem", "callback": "+84 (912) 345-678", "kits": 25,
               "big_order": true}),
        Lang::En,
    )
    .expect("valid");
    assert_eq!(
        Value::Object(v.values),
        json!({"setting": "hotspot", "hotspot_name": "Cầu Long Biên", "province": "hn",
               "district": "hoan_kiem", "callback": "+84912345678", "kits": 25,
               "kit_boxes": "3", "big_order": true, "programme": "harm_reduction",
               "source": "xlsform"})
    );
}

#[test]
fn a_group_rule_hides_every_field_in_it_and_its_subgroups() {
    let given = json!({"setting": "home", "hotspot_name": "x", "province": "hn"});
    assert_eq!(
        codes(create(given, Lang::En)),
        vec![
            ("hotspot_name".to_string(), FieldErrorCode::NotApplicable),
            ("province".to_string(), FieldErrorCode::NotApplicable),
        ]
    );
    let f = form();
    let groups: Vec<&str> = f
        .groups_of("district")
        .iter()
        .map(|g| g.key.as_str())
        .collect();
    assert_eq!(groups, ["place", "area"]);
    assert!(f.groups_of("callback").is_empty());
    let values = map(json!({"setting": "home"}));
    let shown = form().visible_fields(&values, today()).join(" ");
    assert_eq!(shown, "intro setting callback kits programme");
    let values = map(json!({"setting": "hotspot", "kits": 30}));
    let shown = form().visible_fields(&values, today()).join(" ");
    // The calculation (3 boxes) is worked out, so the rule below it shows
    // the big-order question; the calculation itself is never drawn.
    assert_eq!(
        shown,
        "intro setting hotspot_name province district callback kits big_order programme"
    );
}

#[test]
fn a_calculation_follows_its_inputs_on_every_save_and_is_never_typed_in() {
    let f = form();
    let created = create(json!({"setting": "home", "kits": 5}), Lang::En).expect("valid");
    assert_eq!(created.values["kit_boxes"], "1");
    let base = created.values;
    let changed = f
        .validate(&map(json!({"kits": 41})), Some(&base), today(), Lang::En)
        .expect("valid");
    assert_eq!(changed.values["kit_boxes"], "5");
    let cleared = f
        .validate(&map(json!({"kits": null})), Some(&base), today(), Lang::En)
        .expect("valid");
    assert_eq!(cleared.values["kit_boxes"], Value::Null);
    let typed = f.validate(
        &map(json!({"kit_boxes": "9"})),
        Some(&base),
        today(),
        Lang::Vi,
    );
    let errors = typed.expect_err("refused");
    assert_eq!(errors.0[0].code, FieldErrorCode::Readonly);
    assert_eq!(
        errors.0[0].message,
        "Số hộp do biểu mẫu tự điền, không thể nhập hoặc sửa"
    );
}

#[test]
fn notes_read_only_and_hidden_fields_take_no_answer() {
    let errors = create(
        json!({"setting": "home", "intro": "x", "programme": "other", "source": "cli"}),
        Lang::En,
    )
    .expect_err("refused");
    let messages: Vec<(&str, &str)> = errors
        .0
        .iter()
        .map(|e| (e.field.as_str(), e.message.as_str()))
        .collect();
    assert_eq!(
        messages,
        vec![
            (
                "intro",
                "“Ask once the person agrees” is a note on the form and takes no answer"
            ),
            (
                "programme",
                "Programme is filled in by the form and cannot be entered or changed"
            ),
            (
                "source",
                "Source is filled in by the form and cannot be entered or changed"
            ),
        ]
    );
    // Sent back unchanged (a shell echoing every value) they are no change.
    let base = create(json!({"setting": "home"}), Lang::En)
        .expect("valid")
        .values;
    let echoed = form()
        .validate(
            &map(json!({"setting": "home", "programme": "harm_reduction", "source": "xlsform"})),
            Some(&base),
            today(),
            Lang::En,
        )
        .expect("valid");
    assert!(echoed.values.is_empty(), "{:?}", echoed.values);
    // A note is drawn; hidden and calculate fields are not.
    let localized = form().localized(Lang::Vi);
    let keys: Vec<&str> = localized["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .filter_map(|f| f["key"].as_str())
        .collect();
    assert!(keys.contains(&"intro") && keys.contains(&"programme"));
    assert!(!keys.contains(&"source") && !keys.contains(&"kit_boxes"));
}

#[test]
fn a_required_message_replaces_the_general_one_in_each_language() {
    for (lang, expected) in [(Lang::Vi, "Chọn nơi gặp"), (Lang::En, "Say where you met")] {
        let errors = create(json!({}), lang).expect_err("refused");
        assert_eq!(errors.0[0].field, "setting");
        assert_eq!(errors.0[0].code, FieldErrorCode::Required);
        assert_eq!(errors.0[0].message, expected);
    }
}

#[test]
fn phone_numbers_keep_their_digits_and_refuse_anything_else() {
    let stored = |typed: &str| {
        create(json!({"setting": "home", "callback": typed}), Lang::En)
            .map(|v| v.values["callback"].clone())
    };
    assert_eq!(stored("0912 345 678").expect("valid"), "0912345678");
    assert_eq!(stored("0912.345.678").expect("valid"), "0912345678");
    assert_eq!(stored("113").expect("valid"), "113");
    for bad in [
        "gọi sau",
        "12",
        "+84 912 345 678 901 234",
        "09-12+34",
        "++84912",
    ] {
        let errors = stored(bad).expect_err(bad);
        assert_eq!(errors.0[0].code, FieldErrorCode::InvalidFormat, "{bad}");
        assert!(errors.0[0].message.contains("3 to 15 digits"), "{bad}");
    }
    let vi = create(json!({"setting": "home", "callback": "x"}), Lang::Vi).expect_err("refused");
    assert_eq!(
        vi.0[0].message,
        "Số gọi lại không đúng định dạng: cần một số điện thoại: 3 đến 15 chữ số, có thể bắt đầu bằng +"
    );
}

#[test]
fn a_choice_filter_offers_and_accepts_only_the_matching_choices() {
    let f = form();
    let values = map(json!({"setting": "hotspot", "province": "hcm"}));
    assert_eq!(
        f.visible_choices("district", &values, today()),
        vec!["quan_1"]
    );
    let values = map(json!({"setting": "hotspot", "province": "hn"}));
    assert_eq!(
        f.visible_choices("district", &values, today()),
        vec!["ba_dinh", "hoan_kiem"]
    );
    // A field without a filter offers all its choices.
    assert_eq!(f.visible_choices("province", &values, today()).len(), 2);
    let refused = create(
        json!({"setting": "hotspot", "province": "hcm", "district": "ba_dinh"}),
        Lang::En,
    );
    assert_eq!(
        codes(refused),
        vec![("district".to_string(), FieldErrorCode::InvalidChoice)]
    );
    // Changing the province later makes the stored district wrong too.
    let base = create(
        json!({"setting": "hotspot", "province": "hn", "district": "ba_dinh"}),
        Lang::En,
    )
    .expect("valid")
    .values;
    let moved = f.validate(
        &map(json!({"province": "hcm"})),
        Some(&base),
        today(),
        Lang::En,
    );
    assert_eq!(
        codes(moved),
        vec![("district".to_string(), FieldErrorCode::InvalidChoice)]
    );
}

#[test]
fn the_localized_form_carries_groups_appearances_and_filters() {
    let form = form().localized(Lang::En);
    assert_eq!(
        form["groups"],
        json!([{"key": "place", "label": "Place", "parent": null},
               {"key": "area", "label": null, "parent": "place"}])
    );
    let field = |key: &str| {
        form["fields"]
            .as_array()
            .and_then(|fs| fs.iter().find(|f| f["key"] == key))
            .cloned()
            .unwrap_or(Value::Null)
    };
    assert_eq!(field("province")["appearance"], json!(["minimal"]));
    assert_eq!(field("province")["group"], "area");
    assert_eq!(field("district")["filtered_choices"], true);
    assert_eq!(field("setting")["required_message"], "Say where you met");
    assert_eq!(field("programme")["read_only"], true);
    assert_eq!(field("intro")["type"], "note");
}

fn problems(spec: Value) -> Vec<String> {
    match FormDefinition::from_json(&spec.to_string()) {
        Ok(_) => Vec::new(),
        Err(DefinitionError::Invalid { problems, .. }) => problems,
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn badly_built_groups_and_fields_are_refused_at_load() {
    let label = text("Nhãn", "Label");
    let p = problems(json!({
        "kind": "meeting", "version": 1, "title": label,
        "groups": [
            {"key": "a", "label": label, "relevant": "${later} = 'x'"},
            {"key": "b", "parent": "c"},
            {"key": "c"},
            {"key": "empty"},
            {"key": "n"}
        ],
        "fields": [
            {"key": "n", "type": "note", "label": label, "required": true},
            {"key": "x", "type": "text", "label": label, "group": "a"},
            {"key": "y", "type": "text", "label": label, "group": "b"},
            {"key": "z", "type": "text", "label": label, "group": "a"},
            {"key": "later", "type": "text", "label": label, "group": "nowhere"},
            {"key": "c1", "type": "calculate", "label": label},
            {"key": "c2", "type": "text", "label": label, "calculation": "1"},
            {"key": "c3", "type": "calculate", "label": label, "calculation": "${c4} + 1"},
            {"key": "c4", "type": "integer", "label": label,
             "required_message": label},
            {"key": "f1", "type": "text", "label": label, "choice_filter": "x = 1"},
            {"key": "f2", "type": "single_choice", "label": label, "choice_filter": "region = ${zz}",
             "choices": [{"value": "a", "label": label, "columns": {"province": "p"}}]},
            {"key": "a1", "type": "integer", "label": label, "appearance": ["minimal"]},
            {"key": "h", "type": "text", "label": label, "hidden": true, "system": true},
            {"key": "r", "type": "text", "label": label, "read_only": true, "required": true}
        ]
    }));
    let expect = [
        "group a: relevant expression refers to 'later', which is not a field defined above this one",
        "group b: its parent 'c' is not a group listed before it",
        "group empty: it has no fields",
        "group n: its key is also a field's",
        "group a: its fields are not together",
        "n: a note field cannot be required",
        "later: group 'nowhere' is not a group of the form",
        "c1: a calculate field needs a calculation",
        "c2: only calculate fields have a calculation",
        "c3: calculation expression refers to 'c4', which is not a field defined above this one",
        "c4: required_message on a field that is not required",
        "f1: only single and multiple choice fields have a choice_filter",
        "f2: choice_filter reads 'region', which is no column of its choices",
        "f2: choice_filter refers to 'zz'",
        "a1: appearance minimal does not apply to a integer field",
        "h: a read_only or hidden field cannot be system or input_only",
        "r: a required read_only or hidden field needs a default",
    ];
    for e in expect {
        assert!(p.iter().any(|x| x.contains(e)), "missing {e:?} in {p:#?}");
    }
}
