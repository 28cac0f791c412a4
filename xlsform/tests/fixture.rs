//! The workbook the app tests publish (`tests/fixtures/contact-v2.xlsx`):
//! the built-in contact form with one question a program officer added.
//! The Kotlin tests cannot write a workbook, so it is kept; this test
//! holds it equal to the form it is made from. To write it again:
//! `FIELDBOOK_WRITE_FIXTURES=1 cargo test -p fieldbook-xlsform --test fixture`.

use fieldbook_core::forms::FormSpec;
use fieldbook_core::testing::contact_form_with_naloxone;
use std::path::Path;

#[test]
fn the_kept_contact_workbook_is_the_form_it_is_made_from() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/contact-v2.xlsx");
    let spec = contact_form_with_naloxone();
    if std::env::var("FIELDBOOK_WRITE_FIXTURES").as_deref() == Ok("1") {
        std::fs::write(&path, fieldbook_xlsform::export(&spec).unwrap()).unwrap();
    }
    let kept = std::fs::read(&path).expect("the fixture (see this file's header to write it)");
    let read = fieldbook_xlsform::import(&kept).unwrap();
    assert_eq!(FormSpec::from(read), spec);
}
