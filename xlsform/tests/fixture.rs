//! The workbooks the app tests publish, in `tests/fixtures/`: the built-in
//! contact form with one question a program officer added
//! (`contact-v2.xlsx`), and with sections, a note, a phone number, a
//! calculation, a choice filter, read-only and hidden questions
//! (`contact-v2-sections.xlsx`). The Kotlin tests cannot write a workbook,
//! so they are kept; these tests hold each equal to the form it is made
//! from. To write them again:
//! `FIELDBOOK_WRITE_FIXTURES=1 cargo test -p fieldbook-xlsform --test fixture`.

use fieldbook_core::forms::FormSpec;
use fieldbook_core::testing::{contact_form_with_naloxone, contact_form_with_sections};
use std::path::Path;

fn kept_equals(name: &str, spec: FormSpec) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    if std::env::var("FIELDBOOK_WRITE_FIXTURES").as_deref() == Ok("1") {
        let bytes = fieldbook_xlsform::export(&spec).expect("export");
        std::fs::write(&path, bytes).expect("write the fixture");
    }
    let kept = std::fs::read(&path).expect("the fixture (see this file's header to write it)");
    let read = fieldbook_xlsform::import(&kept).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(FormSpec::from(read), spec);
}

#[test]
fn the_kept_contact_workbook_is_the_form_it_is_made_from() {
    kept_equals("contact-v2.xlsx", contact_form_with_naloxone());
}

#[test]
fn the_kept_workbook_with_sections_is_the_form_it_is_made_from() {
    kept_equals("contact-v2-sections.xlsx", contact_form_with_sections());
}
