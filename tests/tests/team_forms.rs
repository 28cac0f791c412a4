//! A form published from the office, on a real hub: a program officer's
//! workbook adds a question with Vietnamese and English labels, a
//! constraint and a skip rule; a supervisor imports, signs and publishes
//! it; an outreach phone adopts it at its next sync, validates against it
//! in vi and en and saves with it, while a record written before keeps its
//! version; the supervisor's report still counts every contact. A form that
//! drops a field the core relies on, one published by a worker, and one
//! from a revoked supervisor change nothing.

mod common;

use chrono::{Datelike, Utc};
use common::devices::Device;
use common::hub::HubProcess;
use fieldbook_core::error::SupervisorTask;
use fieldbook_core::forms::{FieldErrorCode, FormDefinition, FormSpec};
use fieldbook_core::reports::{self, Period};
use fieldbook_core::store::{Role, WriteOptions};
use fieldbook_core::sync;
use fieldbook_core::testing::contact_form_with_naloxone;
use fieldbook_core::{Error, Lang, RecordKind};
use serde_json::json;

/// The contact form in use, taken out as a workbook, with the question a
/// program officer added, and read back in.
fn officers_contact_form(device: &mut Device) -> FormDefinition {
    let current = device.store.current_form(RecordKind::Contact).unwrap();
    let workbook = fieldbook_xlsform::export(&FormSpec::from((*current).clone())).unwrap();
    let spec = FormSpec::from(fieldbook_xlsform::import(&workbook).unwrap());
    assert_eq!(spec, FormSpec::from((*current).clone()), "the round trip");
    let edited = contact_form_with_naloxone();
    assert_eq!(edited.version, current.version + 1);
    fieldbook_xlsform::import(&fieldbook_xlsform::export(&edited).unwrap()).unwrap()
}

fn contact(extra: serde_json::Value) -> serde_json::Map<String, serde_json::Value> {
    let mut values = json!({"at": Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string(), "place": "Chợ Long Biên", "mode": "individual"});
    values
        .as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    values.as_object().unwrap().clone()
}

#[test]
fn a_published_form_reaches_the_phone_and_what_it_held_stays_valid() {
    let hub = HubProcess::start();
    let (_, code) = hub.create_team("Hải Phòng");
    let mut supervisor = Device::enroll("supervisor", &hub.url(), &code);
    let mut outreach = supervisor.invite("outreach", Role::Outreach, &hub.url());
    supervisor.sync();
    outreach.sync();
    let before = outreach.add(RecordKind::Contact, json!(contact(json!({}))));

    let form = officers_contact_form(&mut supervisor);
    assert_eq!(form.version, 2);
    // Only a supervisor publishes.
    assert!(matches!(
        sync::publish_form(&mut outreach.store, &form),
        Err(Error::SupervisorOnly(SupervisorTask::PublishForm))
    ));
    // A form without a field the core relies on is refused, nothing signed.
    let head = supervisor.store.roster().unwrap().unwrap().head_seq();
    let mut broken = FormSpec::from(form.clone());
    broken.fields.retain(|f| f.key != "client_id");
    let broken = FormDefinition::try_from(broken).unwrap();
    let refused = sync::publish_form(&mut supervisor.store, &broken).unwrap_err();
    assert!(matches!(refused, Error::FormIncompatible(_)), "{refused}");
    assert!(refused.to_string().contains("'client_id'"), "{refused}");
    assert!(refused
        .message(Lang::Vi)
        .contains("trường 'client_id' bị xóa"));
    assert_eq!(supervisor.store.roster().unwrap().unwrap().head_seq(), head);

    let published = sync::publish_form(&mut supervisor.store, &form).unwrap();
    assert_eq!(published.seq, head + 1);
    assert_eq!(published.signed_by.to_string(), supervisor.device_id());
    assert_eq!(
        supervisor
            .store
            .current_form(RecordKind::Contact)
            .unwrap()
            .version,
        2
    );
    // Publishing it again (an answer lost) finds it published.
    assert_eq!(
        sync::publish_form(&mut supervisor.store, &form).unwrap(),
        published
    );

    // The phone adopts it at its next sync.
    let summary = outreach.sync();
    assert_eq!(summary.forms_adopted, 1, "{summary:?}");
    assert!(summary.errors.is_empty(), "{summary:?}");
    let in_use = outreach.store.current_form(RecordKind::Contact).unwrap();
    assert_eq!(in_use.version, 2);
    assert!(in_use.field("naloxone_kits").is_some());
    let known = outreach.store.forms().unwrap();
    let publication = known
        .version(RecordKind::Contact, 2)
        .unwrap()
        .publication
        .unwrap();
    assert_eq!(publication, published);

    // It validates against the new question, in Vietnamese and English.
    for (lang, message) in [
        (Lang::Vi, "Từ 0 đến 50 bộ"),
        (Lang::En, "Between 0 and 50 kits"),
    ] {
        let e = outreach
            .store
            .add(
                RecordKind::Contact,
                &contact(json!({"naloxone_kits": 80})),
                WriteOptions::lang(lang),
            )
            .unwrap_err();
        let Error::Validation(errors) = e else {
            panic!("{e}")
        };
        let issue = errors.get("naloxone_kits").unwrap();
        assert_eq!(issue.code, FieldErrorCode::ConstraintFailed);
        assert!(issue.message.contains(message), "{}", issue.message);
    }
    let with_kits = outreach.add(
        RecordKind::Contact,
        json!(contact(json!({"naloxone_kits": 20}))),
    );
    let saved = outreach.store.get(with_kits).unwrap();
    assert_eq!(saved.form_version, 2);
    assert_eq!(saved.values["naloxone_kits"], json!(20));

    // The contact written under version 1 keeps it, and still edits under it.
    outreach.update(before, json!({"place": "Bến xe Gia Lâm"}));
    let old = outreach.store.get(before).unwrap();
    assert_eq!(old.form_version, 1);
    assert_eq!(old.values["place"], json!("Bến xe Gia Lâm"));

    // The supervisor's report counts both contacts, across the versions.
    outreach.sync();
    supervisor.sync();
    let today = Utc::now().date_naive();
    let month = Period::new(today.with_day(1).unwrap(), today).unwrap();
    let indicators = reports::indicators(&mut supervisor.store, month, None).unwrap();
    assert_eq!(indicators.contacts.total.total, 2);
}

#[test]
fn a_revoked_supervisor_publishes_nothing() {
    let hub = HubProcess::start();
    let (_, code) = hub.create_team("Hải Phòng");
    let mut supervisor = Device::enroll("supervisor", &hub.url(), &code);
    let mut second = supervisor.invite("second", Role::Supervisor, &hub.url());
    let mut outreach = supervisor.invite("outreach", Role::Outreach, &hub.url());
    // Two rounds: the second supervisor's signing key is certified at the first.
    for _ in 0..2 {
        supervisor.sync();
        second.sync();
        outreach.sync();
    }
    let form = officers_contact_form(&mut second);
    let id = second.device_id().parse().unwrap();
    sync::revoke_device(&mut supervisor.store, id).unwrap();
    let e = sync::publish_form(&mut second.store, &form).unwrap_err();
    assert!(matches!(e, Error::Erased), "{e}");
    let summary = outreach.sync();
    assert_eq!(summary.forms_adopted, 0, "{summary:?}");
    assert_eq!(
        outreach
            .store
            .current_form(RecordKind::Contact)
            .unwrap()
            .version,
        1
    );
}
