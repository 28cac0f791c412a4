//! The workbook the app tests publish (`tests/fixtures/contact-v2.xlsx`):
//! the built-in contact form with one question a program officer added.
//! The Kotlin tests cannot write a workbook, so it is kept; this test
//! holds it equal to the form it is made from. To write it again:
//! `FIELDBOOK_WRITE_FIXTURES=1 cargo test -p fieldbook-xlsform --test fixture`.

use fieldbook_core::forms::{self, FieldType, FormSpec, Localized};
use fieldbook_core::RecordKind;
use std::path::Path;

fn contact_v2() -> FormSpec {
    let mut spec = FormSpec::from(forms::definition(RecordKind::Contact).clone());
    spec.version = 2;
    let mut kits = spec
        .fields
        .iter()
        .find(|f| f.key == "place")
        .expect("place")
        .clone();
    kits.key = "naloxone_kits".into();
    kits.field_type = FieldType::Integer;
    kits.label = Localized {
        vi: "Số bộ naloxone đã phát".into(),
        en: "Naloxone kits given".into(),
    };
    kits.hint = None;
    kits.constraints = Default::default();
    kits.relevant = Some("${mode} != ''".into());
    kits.constraint = Some(". >= 0 and . <= 50".into());
    kits.constraint_message = Some(Localized {
        vi: "Từ 0 đến 50 bộ".into(),
        en: "Between 0 and 50 kits".into(),
    });
    spec.fields.push(kits);
    spec
}

#[test]
fn the_kept_contact_workbook_is_the_form_it_is_made_from() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/contact-v2.xlsx");
    let spec = contact_v2();
    if std::env::var("FIELDBOOK_WRITE_FIXTURES").as_deref() == Ok("1") {
        std::fs::write(&path, fieldbook_xlsform::export(&spec).unwrap()).unwrap();
    }
    let kept = std::fs::read(&path).expect("the fixture (see this file's header to write it)");
    let read = fieldbook_xlsform::import(&kept).unwrap();
    assert_eq!(FormSpec::from(read), spec);
}
