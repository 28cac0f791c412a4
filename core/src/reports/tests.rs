//! Indicators on a dataset built here, against values counted by hand. The
//! dataset has two client records with one identifier code, clients without
//! sex or birth year, a deleted client, deleted contacts, referrals, case
//! notes and meetings, records either side of the period's ends, and a
//! second device whose records a worker report picks out.

use super::*;
use crate::record::RecordId;
use crate::store::{CreateOptions, Membership, Role, WriteOptions};
use crate::testing::TestDevice;
use crate::RecordKind;
use chrono::{NaiveDate, TimeZone, Utc};
use serde_json::{json, Value};
use std::collections::BTreeMap;

struct Device {
    _files: TestDevice,
    store: Store,
}

fn device(role: Role, membership: Membership) -> Device {
    let files = TestDevice::at(report_day());
    let store = files
        .try_create(CreateOptions {
            role,
            membership,
            ..CreateOptions::for_tests()
        })
        .unwrap();
    Device {
        _files: files,
        store,
    }
}

fn supervisor() -> Device {
    device(Role::Supervisor, Membership::NewTeam)
}

fn member(supervisor: &mut Store, role: Role) -> Device {
    let files = TestDevice::at(report_day());
    let store = files.create_member(supervisor, role);
    Device {
        _files: files,
        store,
    }
}

/// "Today" for the stores: after the periods the tests report on.
fn report_day() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 15, 8, 0, 0).unwrap()
}

/// Every version `from` has not pushed goes to `to`, as a sync through the
/// hub would carry it: only the kinds `to`'s role may read.
fn relay(from: &mut Store, to: &mut Store) {
    let versions = from.unpushed(10_000).unwrap();
    let ids: Vec<uuid::Uuid> = versions.iter().map(|v| v.version_id).collect();
    let role = to.role();
    let readable: Vec<_> = versions
        .into_iter()
        .filter(|v| role.may_read(v.kind))
        .collect();
    let outcome = to.receive(&readable).unwrap();
    assert!(outcome.rejected.is_empty(), "{outcome:?}");
    from.mark_pushed(&ids).unwrap();
}

fn add(store: &mut Store, kind: RecordKind, fields: Value) -> RecordId {
    let options = WriteOptions {
        allow_duplicate_uic: true,
        ..Default::default()
    };
    store
        .add(kind, fields.as_object().unwrap(), options)
        .unwrap_or_else(|e| panic!("add {kind}: {e}"))
}

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn period(from: &str, to: &str) -> Period {
    Period::new(d(from), d(to)).unwrap()
}

/// A breakdown from its non-zero cells: total, [(sex, n)], [(band, n)].
fn bd(total: u64, sexes: &[(&str, u64)], bands: &[(&str, u64)]) -> Breakdown {
    let mut b = Breakdown {
        total,
        ..Breakdown::default()
    };
    for (sex, n) in sexes {
        *b.by_sex.get_mut(*sex).unwrap() = *n;
    }
    for (band, n) in bands {
        *b.by_age_band.get_mut(*band).unwrap() = *n;
    }
    b
}

fn counts(pairs: &[(&str, u64)], all: &[&str]) -> BTreeMap<String, u64> {
    let mut map: BTreeMap<String, u64> = all.iter().map(|k| (k.to_string(), 0)).collect();
    for (k, n) in pairs {
        map.insert(k.to_string(), *n);
    }
    map
}

const VISIT_TYPES: [&str; 3] = ["first", "follow_up", "unknown"];
const MODES: [&str; 3] = ["individual", "group", "unknown"];
const REFERRAL_SERVICES: [&str; 12] = [
    "methadone",
    "buprenorphine",
    "community_treatment_site",
    "hiv_test",
    "art",
    "prep",
    "hepatitis",
    "tb",
    "mental_health",
    "social_support",
    "legal_support",
    "vocational_training",
];

struct Ids {
    c1: RecordId,
    c3: RecordId,
}

/// The dataset described in the module comment; the expected values below
/// are counted from it by hand (March 2026 unless said otherwise).
fn build(store: &mut Store) -> Ids {
    use RecordKind::*;
    let uic_person = json!({"alias": "An", "uic_mother_name": "Lan", "uic_father_name": "Minh",
                            "sex": "male", "birth_year": 1990});
    // C1 and C2: one person (same identifier code), male, 36 in 2026.
    let c1 = add(store, Client, uic_person.clone());
    let mut again = uic_person.clone();
    again["alias"] = json!("An (registered again)");
    let c2 = add(store, Client, again);
    assert_eq!(
        store.get(c1).unwrap().text("uic"),
        store.get(c2).unwrap().text("uic")
    );
    // C3: female, 21. C4: no sex, no birth year. C5: deleted. C6: male, 56.
    let c3 = add(
        store,
        Client,
        json!({"alias": "Bình", "sex": "female", "birth_year": 2005}),
    );
    let c4 = add(store, Client, json!({"alias": "Chưa rõ"}));
    let c5 = add(
        store,
        Client,
        json!({"alias": "Xoá", "sex": "male", "birth_year": 1980}),
    );
    let c6 = add(
        store,
        Client,
        json!({"alias": "Dũng", "sex": "male", "birth_year": 1970}),
    );

    let contact = |client: Option<RecordId>,
                   at: &str,
                   visit: Option<&str>,
                   mode: Option<&str>,
                   services: Value| {
        let mut v = json!({"at": at, "services": services});
        if let Some(c) = client {
            v["client_id"] = json!(c.to_string());
        }
        if let Some(t) = visit {
            v["visit_type"] = json!(t);
        }
        if let Some(m) = mode {
            v["mode"] = json!(m);
        }
        v
    };
    let f = Some("first");
    let fu = Some("follow_up");
    let ind = Some("individual");
    let grp = Some("group");
    // K1..K10 (K9 deleted below).
    add(
        store,
        Contact,
        contact(
            Some(c1),
            "2026-03-02T09:00:00+07:00",
            f,
            ind,
            json!({"syringes": 10, "condoms": 5}),
        ),
    );
    add(
        store,
        Contact,
        contact(
            Some(c2),
            "2026-03-10T09:00:00+07:00",
            fu,
            ind,
            json!({"syringes": 5}),
        ),
    );
    // Late on the last day, local time: still March.
    add(
        store,
        Contact,
        contact(
            Some(c3),
            "2026-03-31T23:30:00+07:00",
            fu,
            grp,
            json!({"naloxone": 1}),
        ),
    );
    add(
        store,
        Contact,
        contact(
            None,
            "2026-03-15T10:00:00+07:00",
            None,
            grp,
            json!({"condoms": 20}),
        ),
    );
    add(
        store,
        Contact,
        contact(Some(c6), "2026-02-20T10:00:00+07:00", f, ind, json!({})),
    );
    add(
        store,
        Contact,
        contact(Some(c6), "2026-03-05T10:00:00+07:00", fu, ind, json!({})),
    );
    add(
        store,
        Contact,
        contact(Some(c4), "2026-04-01T08:00:00+07:00", f, ind, json!({})),
    );
    add(
        store,
        Contact,
        contact(Some(c5), "2026-03-20T10:00:00+07:00", f, ind, json!({})),
    );
    let k9 = add(
        store,
        Contact,
        contact(
            Some(c3),
            "2026-03-12T10:00:00+07:00",
            f,
            ind,
            json!({"syringes": 100}),
        ),
    );
    add(
        store,
        Contact,
        contact(Some(c4), "2026-03-25T10:00:00+07:00", f, ind, json!({})),
    );

    let referral = |client: RecordId, service: &str, date: &str, status: &str, extra: Value| {
        let mut v = json!({"client_id": client.to_string(), "service": service, "date": date, "status": status});
        for (k, x) in extra.as_object().unwrap() {
            v[k] = x.clone();
        }
        v
    };
    add(
        store,
        Referral,
        referral(
            c1,
            "methadone",
            "2026-03-03",
            "completed",
            json!({"completed_date": "2026-03-13"}),
        ),
    );
    add(
        store,
        Referral,
        referral(
            c3,
            "hiv_test",
            "2026-03-10",
            "completed",
            json!({"completed_date": "2026-04-05", "follow_up_due": "2026-03-20"}),
        ),
    );
    add(
        store,
        Referral,
        referral(
            c6,
            "art",
            "2026-03-15",
            "sent",
            json!({"follow_up_due": "2026-03-25"}),
        ),
    );
    add(
        store,
        Referral,
        referral(
            c6,
            "prep",
            "2026-03-20",
            "sent",
            json!({"follow_up_due": "2026-04-10"}),
        ),
    );
    add(
        store,
        Referral,
        referral(c4, "methadone", "2026-03-28", "lost", json!({})),
    );
    add(
        store,
        Referral,
        referral(
            c1,
            "mental_health",
            "2026-02-25",
            "completed",
            json!({"completed_date": "2026-03-05"}),
        ),
    );
    add(
        store,
        Referral,
        referral(
            c3,
            "tb",
            "2026-03-31",
            "draft",
            json!({"follow_up_due": "2026-03-31"}),
        ),
    );
    add(
        store,
        Referral,
        referral(
            c2,
            "hepatitis",
            "2026-03-12",
            "completed",
            json!({"completed_date": "2026-03-16"}),
        ),
    );
    let r9 = add(
        store,
        Referral,
        referral(c3, "legal_support", "2026-03-05", "sent", json!({})),
    );
    add(
        store,
        Referral,
        referral(
            c3,
            "social_support",
            "2026-04-01",
            "sent",
            json!({"follow_up_due": "2026-04-15"}),
        ),
    );

    let note = |client: RecordId, date: &str| json!({"client_id": client.to_string(), "date": date, "narrative": "ổn định"});
    add(store, CaseNote, note(c1, "2026-03-04"));
    add(store, CaseNote, note(c2, "2026-03-18"));
    add(store, CaseNote, note(c3, "2026-03-31"));
    add(store, CaseNote, note(c6, "2026-02-10"));
    let n5 = add(store, CaseNote, note(c4, "2026-03-10"));

    add(
        store,
        Meeting,
        json!({"group_name": "Bình Minh", "date": "2026-03-07", "attendance_total": 12, "attendance_women": 5}),
    );
    add(
        store,
        Meeting,
        json!({"group_name": "Bình Minh", "date": "2026-03-21", "attendee_ids": [c1.to_string(), c3.to_string()]}),
    );
    add(
        store,
        Meeting,
        json!({"group_name": "Bình Minh", "date": "2026-04-02", "attendance_total": 8}),
    );
    let m4 = add(
        store,
        Meeting,
        json!({"group_name": "Bình Minh", "date": "2026-03-14", "attendance_total": 6}),
    );

    for id in [c5, k9, r9, n5, m4] {
        store.delete(id).unwrap();
    }
    Ids { c1, c3 }
}

fn march_expected(worker: Option<crate::record::DeviceId>) -> Indicators {
    let mut services: BTreeMap<String, ServiceTotal> = [
        "syringes",
        "condoms",
        "lubricant",
        "naloxone",
        "leaflets",
        "hiv_self_test",
        "other",
    ]
    .iter()
    .map(|s| (s.to_string(), ServiceTotal::default()))
    .collect();
    services.insert(
        "syringes".into(),
        ServiceTotal {
            contacts: 2,
            quantity: 15,
        },
    );
    services.insert(
        "condoms".into(),
        ServiceTotal {
            contacts: 2,
            quantity: 25,
        },
    );
    services.insert(
        "naloxone".into(),
        ServiceTotal {
            contacts: 1,
            quantity: 1,
        },
    );
    Indicators {
        period: period("2026-03-01", "2026-03-31"),
        worker,
        // An (C1+C2 once), Bình, Dũng, Chưa rõ.
        unique_clients_reached: bd(
            4,
            &[("male", 2), ("female", 1), ("unknown", 1)],
            &[("35_44", 1), ("18_24", 1), ("45_plus", 1), ("unknown", 1)],
        ),
        // Dũng was first reached in February.
        new_clients: bd(
            3,
            &[("male", 1), ("female", 1), ("unknown", 1)],
            &[("35_44", 1), ("18_24", 1), ("unknown", 1)],
        ),
        contacts: Contacts {
            // K1 K2 K3 K4 K6 K8 K10; K4 anonymous, K8's client deleted. K4
            // was given no visit type: the form's default is follow-up.
            total: bd(
                7,
                &[("male", 3), ("female", 1), ("unknown", 3)],
                &[("35_44", 2), ("45_plus", 1), ("18_24", 1), ("unknown", 3)],
            ),
            by_visit_type: counts(&[("first", 3), ("follow_up", 4)], &VISIT_TYPES),
            by_mode: counts(&[("individual", 5), ("group", 2)], &MODES),
            anonymous: 2,
        },
        services,
        referrals_made: ReferralsMade {
            // R1 R2 R3 R4 R5 R8: not the February one, the draft, the deleted one or April's.
            total: bd(
                6,
                &[("male", 4), ("female", 1), ("unknown", 1)],
                &[("35_44", 2), ("45_plus", 2), ("18_24", 1), ("unknown", 1)],
            ),
            by_service: counts(
                &[
                    ("methadone", 2),
                    ("hiv_test", 1),
                    ("art", 1),
                    ("prep", 1),
                    ("hepatitis", 1),
                ],
                &REFERRAL_SERVICES,
            ),
            by_status: counts(&[("completed", 3), ("sent", 2), ("lost", 1)], &[]),
        },
        // R1 (10 days) and R8 (4 days); R2 completed only in April.
        referrals_completed: bd(2, &[("male", 2)], &[("35_44", 2)]),
        referral_completion_rate: Some(2.0 / 6.0),
        median_days_to_completion: Some(7.0),
        // R2 (open on 31 March, due 20 March) and R3 (due 25 March); R4 is due in April.
        referrals_overdue: bd(
            2,
            &[("female", 1), ("male", 1)],
            &[("18_24", 1), ("45_plus", 1)],
        ),
        referrals_lost: bd(1, &[("unknown", 1)], &[("unknown", 1)]),
        case_notes: Some(bd(
            3,
            &[("male", 2), ("female", 1)],
            &[("35_44", 2), ("18_24", 1)],
        )),
        clients_with_case_note: Some(bd(
            2,
            &[("male", 1), ("female", 1)],
            &[("35_44", 1), ("18_24", 1)],
        )),
        meetings: 2,
        attendance: Attendance {
            total: 14,
            women: 5,
        },
        unreadable_records: 0,
    }
}

#[test]
fn march_indicators_match_the_hand_count() {
    let mut dev = supervisor();
    build(&mut dev.store);
    let got = indicators(&mut dev.store, period("2026-03-01", "2026-03-31"), None).unwrap();
    assert_eq!(got, march_expected(None));
}

#[test]
fn the_json_keys_are_the_indicator_names() {
    let mut dev = supervisor();
    build(&mut dev.store);
    let got = indicators(&mut dev.store, period("2026-03-01", "2026-03-31"), None).unwrap();
    let json = serde_json::to_value(&got).unwrap();
    let keys: Vec<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut expected = vec![
        "period",
        "worker",
        "unique_clients_reached",
        "new_clients",
        "contacts",
        "services",
        "referrals_made",
        "referrals_completed",
        "referral_completion_rate",
        "median_days_to_completion",
        "referrals_overdue",
        "referrals_lost",
        "case_notes",
        "clients_with_case_note",
        "meetings",
        "attendance",
        "unreadable_records",
    ];
    expected.sort();
    let mut keys = keys;
    keys.sort();
    assert_eq!(keys, expected);
    assert_eq!(json["unique_clients_reached"]["total"], 4);
    assert_eq!(json["period"]["from"], "2026-03-01");
}

#[test]
fn each_month_of_a_range_and_its_boundaries() {
    let mut dev = supervisor();
    build(&mut dev.store);
    let series = monthly_series(&mut dev.store, period("2026-02-01", "2026-04-30"), None).unwrap();
    assert_eq!(series.len(), 3);
    let (feb, mar, apr) = (&series[0], &series[1], &series[2]);
    assert_eq!(
        mar,
        &march_expected(None),
        "a month of the series is that month's report"
    );

    // February: K5 (Dũng's first contact), the referral completed on 5 March, N4.
    assert_eq!(feb.period, period("2026-02-01", "2026-02-28"));
    assert_eq!(feb.contacts.total.total, 1);
    assert_eq!(
        feb.unique_clients_reached,
        bd(1, &[("male", 1)], &[("45_plus", 1)])
    );
    assert_eq!(feb.new_clients, bd(1, &[("male", 1)], &[("45_plus", 1)]));
    assert_eq!(feb.referrals_made.total.total, 1);
    assert_eq!(
        feb.referrals_completed.total, 0,
        "completed after the period's end"
    );
    assert_eq!(feb.referral_completion_rate, Some(0.0));
    assert_eq!(feb.median_days_to_completion, None);
    assert_eq!(feb.case_notes.as_ref().unwrap().total, 1);
    assert_eq!(feb.meetings, 0);

    // April: K7 (Chưa rõ, first reached in March), R10 overdue by 30 April, M3.
    assert_eq!(apr.contacts.total.total, 1);
    assert_eq!(apr.unique_clients_reached.total, 1);
    assert_eq!(apr.new_clients.total, 0);
    assert_eq!(
        apr.referrals_made.total,
        bd(1, &[("female", 1)], &[("18_24", 1)])
    );
    assert_eq!(apr.referrals_overdue.total, 1);
    assert_eq!(apr.referral_completion_rate, Some(0.0));
    assert_eq!(apr.case_notes.as_ref().unwrap().total, 0);
    assert_eq!(apr.meetings, 1);
    assert_eq!(apr.attendance, Attendance { total: 8, women: 0 });

    // The whole range at once: distinct people over three months, not a sum.
    let all = indicators(&mut dev.store, period("2026-02-01", "2026-04-30"), None).unwrap();
    assert_eq!(all.contacts.total.total, 9);
    assert_eq!(all.unique_clients_reached.total, 4);
    assert_eq!(all.new_clients.total, 4);
    assert_eq!(all.referrals_made.total.total, 8);
    // R1, R8, R6 (5 March) and R2 (5 April) are all done by 30 April.
    assert_eq!(all.referrals_completed.total, 4);
    assert_eq!(all.median_days_to_completion, Some(9.0)); // 4, 8, 10, 26 days
}

#[test]
fn a_single_day_period() {
    let mut dev = supervisor();
    build(&mut dev.store);
    let day = indicators(&mut dev.store, period("2026-03-31", "2026-03-31"), None).unwrap();
    // K3 late on the 31st, N3; the draft referral of that day is not counted.
    assert_eq!(day.contacts.total, bd(1, &[("female", 1)], &[("18_24", 1)]));
    assert_eq!(day.new_clients.total, 1);
    assert_eq!(day.referrals_made.total.total, 0);
    assert_eq!(day.referral_completion_rate, None);
    assert_eq!(day.case_notes.as_ref().unwrap().total, 1);
}

#[test]
fn a_peer_leaders_device_reports_no_case_notes() {
    let mut sup = supervisor();
    build(&mut sup.store);
    let mut peer = member(&mut sup.store, Role::PeerLeader);
    relay(&mut sup.store, &mut peer.store);
    let got = indicators(&mut peer.store, period("2026-03-01", "2026-03-31"), None).unwrap();
    assert_eq!(got.case_notes, None);
    assert_eq!(got.clients_with_case_note, None);
    let mut expected = march_expected(None);
    expected.case_notes = None;
    expected.clients_with_case_note = None;
    assert_eq!(got, expected, "everything else is the same");
}

#[test]
fn unreadable_records_are_counted_not_dropped_silently() {
    let mut dev = supervisor();
    let ids = build(&mut dev.store);
    let db = crate::store::db_path(dev.store.dir());
    let conn = rusqlite::Connection::open(db).unwrap();
    // Flip one bit in Bình's sealed state.
    let id = ids.c3.as_bytes().as_slice();
    let mut blob: Vec<u8> = conn
        .query_row("SELECT state FROM records WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .unwrap();
    let middle = blob.len() / 2;
    blob[middle] ^= 1;
    conn.execute(
        "UPDATE records SET state = ?1 WHERE id = ?2",
        rusqlite::params![blob, id],
    )
    .unwrap();
    drop(conn);
    let got = indicators(&mut dev.store, period("2026-03-01", "2026-03-31"), None).unwrap();
    assert_eq!(got.unreadable_records, 1);
    // Bình's records still count, under unknown sex and age.
    assert_eq!(got.contacts.total.total, 7);
    assert_eq!(got.unique_clients_reached.total, 3);
    assert_eq!(got.contacts.total.by_sex["female"], 0);
}

#[test]
fn a_worker_report_counts_what_that_workers_device_created() {
    let mut sup = supervisor();
    let ids = build(&mut sup.store);
    let mut out = member(&mut sup.store, Role::Outreach);
    relay(&mut sup.store, &mut out.store);
    use RecordKind::*;
    // The outreach worker registers a new client (25 in 2026), sees them
    // and An, and refers the new client; the supervisor closes the referral.
    let c7 = add(
        &mut out.store,
        Client,
        json!({"alias": "Giang", "sex": "male", "birth_year": 2001}),
    );
    add(
        &mut out.store,
        Contact,
        json!({"client_id": c7.to_string(), "at": "2026-03-08T09:00:00+07:00", "visit_type": "first", "services": {"leaflets": 3}}),
    );
    add(
        &mut out.store,
        Contact,
        json!({"client_id": ids.c1.to_string(), "at": "2026-03-09T09:00:00+07:00", "visit_type": "follow_up"}),
    );
    let r11 = add(
        &mut out.store,
        Referral,
        json!({"client_id": c7.to_string(), "service": "methadone", "date": "2026-03-09", "status": "sent", "follow_up_due": "2026-03-16"}),
    );
    relay(&mut out.store, &mut sup.store);
    sup.store
        .update(
            r11,
            json!({"status": "completed", "completed_date": "2026-03-12"})
                .as_object()
                .unwrap(),
            WriteOptions::default(),
        )
        .unwrap();

    let march = period("2026-03-01", "2026-03-31");
    let worker = out.store.device_id();
    let got = indicators(&mut sup.store, march, Some(worker)).unwrap();
    assert_eq!(got.worker, Some(worker));
    assert_eq!(
        got.contacts.total,
        bd(2, &[("male", 2)], &[("25_34", 1), ("35_44", 1)])
    );
    assert_eq!(got.unique_clients_reached.total, 2);
    // An was first reached by the supervisor's device.
    assert_eq!(got.new_clients, bd(1, &[("male", 1)], &[("25_34", 1)]));
    assert_eq!(
        got.services["leaflets"],
        ServiceTotal {
            contacts: 1,
            quantity: 3
        }
    );
    assert_eq!(got.referrals_made.total.total, 1);
    assert_eq!(
        got.referrals_completed.total, 1,
        "closed by the supervisor, still the worker's referral"
    );
    assert_eq!(got.median_days_to_completion, Some(3.0));
    assert_eq!(got.case_notes.as_ref().unwrap().total, 0);
    assert_eq!(got.meetings, 0);

    // The supervisor's own share, and the team: the two add up.
    let own_device = sup.store.device_id();
    let own = indicators(&mut sup.store, march, Some(own_device)).unwrap();
    let team = indicators(&mut sup.store, march, None).unwrap();
    assert_eq!(own.contacts.total.total, 7);
    assert_eq!(team.contacts.total.total, 9);
    assert_eq!(team.referrals_made.total.total, 7);
    assert_eq!(
        own.new_clients.total + got.new_clients.total,
        team.new_clients.total
    );
}

#[test]
fn the_overdue_list_is_grouped_by_worker() {
    let mut sup = supervisor();
    let ids = build(&mut sup.store);
    let mut out = member(&mut sup.store, Role::Outreach);
    relay(&mut sup.store, &mut out.store);
    use RecordKind::*;
    let mine = add(
        &mut out.store,
        Referral,
        json!({"client_id": ids.c3.to_string(), "service": "art", "date": "2026-05-01", "status": "accepted", "follow_up_due": "2026-05-10"}),
    );
    // Due today: not overdue yet.
    add(
        &mut out.store,
        Referral,
        json!({"client_id": ids.c3.to_string(), "service": "prep", "date": "2026-06-01", "status": "sent", "follow_up_due": "2026-06-15"}),
    );
    relay(&mut out.store, &mut sup.store);
    // An's case notes ask for a follow-up on 1 April; Bình's on 1 May, but
    // Bình was seen again on 2 May.
    let an_note = add(
        &mut sup.store,
        CaseNote,
        json!({"client_id": ids.c1.to_string(), "date": "2026-03-20", "next_follow_up": "2026-04-01"}),
    );
    add(
        &mut sup.store,
        CaseNote,
        json!({"client_id": ids.c3.to_string(), "date": "2026-04-20", "next_follow_up": "2026-05-01"}),
    );
    add(
        &mut sup.store,
        Contact,
        json!({"client_id": ids.c3.to_string(), "at": "2026-05-02T10:00:00+07:00"}),
    );

    let list = overdue(&mut sup.store, d("2026-06-15")).unwrap();
    // The supervisor's: R3 and R4 (sent, due March and April), the draft R7
    // (due 31 March: a draft still has to be sent), R10 (due 15 April), An's
    // case note. The worker's: the accepted ART referral.
    assert_eq!(list.total, 6);
    assert_eq!(list.workers.len(), 2);
    assert_eq!(list.workers[0].worker, Some(sup.store.device_id()));
    let sup_items: Vec<(RecordId, i64)> = list.workers[0]
        .items
        .iter()
        .map(|i| (i.record_id, i.days_overdue))
        .collect();
    assert_eq!(sup_items.len(), 5);
    assert!(sup_items.contains(&(an_note, 75)));
    assert_eq!(list.workers[1].worker, Some(out.store.device_id()));
    assert_eq!(list.workers[1].items.len(), 1);
    assert_eq!(list.workers[1].items[0].record_id, mine);
    assert_eq!(list.workers[1].items[0].days_overdue, 36);
    assert!(list
        .workers
        .iter()
        .flat_map(|w| &w.items)
        .all(|i| i.overdue));
    assert_eq!(list.unreadable_records, 0);
}
