//! Every built-in form comes back from a workbook exactly as it went in.

use fieldbook_core::forms::{self, FormSpec};

#[test]
fn every_builtin_form_survives_export_and_import_unchanged() {
    for definition in forms::all() {
        let spec = FormSpec::from(definition.clone());
        let bytes = fieldbook_xlsform::export(&spec).expect("export");
        let back = fieldbook_xlsform::import(&bytes)
            .unwrap_or_else(|e| panic!("{}: {e}", definition.kind));
        assert_eq!(FormSpec::from(back), spec, "{}", definition.kind);
    }
}

#[test]
fn an_exported_workbook_reads_as_xlsform() {
    let spec = FormSpec::from(forms::definition(fieldbook_core::RecordKind::Referral).clone());
    let bytes = fieldbook_xlsform::export(&spec).expect("export");
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).expect("xlsx");
    use calamine::Reader;
    assert_eq!(book.sheet_names(), ["survey", "choices", "settings"]);
    let survey = book.worksheet_range("survey").expect("survey");
    let header: Vec<String> = survey
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    for column in [
        "type",
        "name",
        "label::Vietnamese (vi)",
        "label::English (en)",
        "required",
        "relevant",
        "constraint",
    ] {
        assert!(
            header.iter().any(|h| h == column),
            "no {column} in {header:?}"
        );
    }
    let status = survey
        .rows()
        .find(|r| r[1] == "status")
        .expect("status row");
    assert_eq!(status[0].to_string(), "select_one status");
    let settings = book.worksheet_range("settings").expect("settings");
    let values: Vec<String> = settings
        .rows()
        .nth(1)
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(values[..3], ["referral", "1", "Vietnamese (vi)"]);
}
