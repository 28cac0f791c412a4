//! The CLI round trip: every kind added with the contract's field keys, read
//! back, updated (history keeps the old value), listed, due follow-ups,
//! localized forms, the audit trail, and deletion.

mod common;

use common::{day, ids, Fieldbook};
use serde_json::{json, Value};

fn has_vietnamese_diacritics(s: &str) -> bool {
    s.chars().any(|c| c.is_alphabetic() && !c.is_ascii())
}

/// `forms --lang LANG --json`: a map from form kind to field key to label.
fn form_labels(fb: &Fieldbook, lang: &str) -> Vec<(String, String, String)> {
    let run = fb.run(&["--lang", lang, "forms", "--json"]);
    assert!(run.ok(), "forms --lang {lang}: {run:?}");
    let forms = run.json();
    let forms = forms.as_array().expect("an array of forms");
    assert_eq!(forms.len(), 5, "five forms in {lang}");
    let mut labels = Vec::new();
    for form in forms {
        let kind = form["kind"].as_str().expect("form kind").to_string();
        assert!(
            form["title"].as_str().is_some_and(|t| !t.is_empty()),
            "{kind} has a title in {lang}: {form}"
        );
        for field in form["fields"].as_array().expect("fields") {
            let key = field["key"].as_str().expect("field key").to_string();
            let label = field["label"]
                .as_str()
                .unwrap_or_else(|| panic!("{kind}.{key} has a {lang} label: {field}"))
                .to_string();
            assert!(!label.is_empty(), "{kind}.{key} label in {lang}");
            labels.push((kind.clone(), key, label));
        }
    }
    labels
}

#[test]
fn every_kind_round_trips_through_the_cli() {
    let fb = Fieldbook::init();
    let this_year = day(0)[..4].parse::<i64>().unwrap();

    // --- add each kind with the contract keys ---------------------------
    let client = fb.add(
        "client",
        &json!({"alias": "Tùng", "notes": "first meeting at the market", "sex": "male", "birth_year": 1988}),
    );
    let other_client = fb.add(
        "client",
        &json!({"alias": "Hoa", "notes": "met at the bridge", "sex": "female", "birth_year": this_year - 30}),
    );
    let contact = fb.add(
        "contact",
        &json!({"client_id": client, "at": "2024-03-05T14:30:00+07:00", "notes": "gave 10 syringes"}),
    );
    let case_note = fb.add(
        "case-note",
        &json!({"client_id": client, "narrative": "Sleeping better; wants to start methadone.",
                "date": day(-1), "next_follow_up": day(2)}),
    );
    let referral = fb.add(
        "referral",
        &json!({"client_id": client, "service": "methadone", "status": "sent",
                "date": day(-20), "follow_up_due": day(-10)}),
    );
    let meeting = fb.add(
        "meeting",
        &json!({"group_name": "Nhóm Bình Minh", "date": day(-3)}),
    );

    // --- show returns the values ------------------------------------------
    let v = fb.values(&client);
    assert_eq!(v["alias"], "Tùng");
    assert_eq!(v["notes"], "first meeting at the market");
    assert_eq!(v["sex"], "male");
    assert_eq!(v["birth_year"], 1988);
    let shown = fb.json(&["show", &client]);
    assert_eq!(shown["id"], client.as_str());
    assert_eq!(shown["kind"], "client");

    let v = fb.values(&contact);
    assert_eq!(v["client_id"], client.as_str());
    assert_eq!(v["notes"], "gave 10 syringes");
    // 14:30 at UTC+7 is 07:30 UTC.
    let at = v["at"].as_str().expect("at is a string");
    assert!(
        at == "2024-03-05T07:30:00Z" || at == "2024-03-05T07:30:00+00:00",
        "contact time normalized to UTC, got {at}"
    );

    let v = fb.values(&case_note);
    assert_eq!(v["client_id"], client.as_str());
    assert_eq!(v["narrative"], "Sleeping better; wants to start methadone.");
    assert_eq!(v["next_follow_up"], day(2));

    let v = fb.values(&referral);
    assert_eq!(v["client_id"], client.as_str());
    assert_eq!(v["service"], "methadone");
    assert_eq!(v["status"], "sent");
    assert_eq!(v["date"], day(-20));
    assert_eq!(v["follow_up_due"], day(-10));

    let v = fb.values(&meeting);
    assert_eq!(v["group_name"], "Nhóm Bình Minh");
    assert_eq!(v["date"], day(-3));

    // --- update: the new value shows, history keeps the old one -------------
    fb.update(&client, &json!({"notes": "moved to the night market"}));
    let v = fb.values(&client);
    assert_eq!(v["notes"], "moved to the night market");
    assert_eq!(v["alias"], "Tùng", "untouched fields stay");
    let history = fb.json(&["history", &client]);
    let history = history.as_array().expect("history is an array");
    assert_eq!(history.len(), 2, "two versions: {history:?}");
    assert_eq!(
        history[0]["changes"]["notes"],
        "first meeting at the market"
    );
    assert_eq!(history[0]["changes"]["alias"], "Tùng");
    assert_eq!(history[1]["changes"]["notes"], "moved to the night market");
    assert!(
        history[1]["changes"].get("alias").is_none(),
        "the second version holds only what changed: {}",
        history[1]
    );

    // --- list per kind ---------------------------------------------------
    let clients = fb.list("client");
    let mut listed = ids(&clients);
    listed.sort();
    let mut expected = vec![client.clone(), other_client.clone()];
    expected.sort();
    assert_eq!(listed, expected);
    let tung = clients.iter().find(|c| c["id"] == client.as_str()).unwrap();
    assert_eq!(tung["values"]["notes"], "moved to the night market");
    for (kind, id) in [
        ("contact", &contact),
        ("case-note", &case_note),
        ("referral", &referral),
        ("meeting", &meeting),
    ] {
        assert_eq!(ids(&fb.list(kind)), vec![id.clone()], "list {kind}");
    }

    // --- due: the overdue referral first, then the case note's follow-up ----
    let due = fb.json(&["due", "--date", &day(2)]);
    let due = due.as_array().expect("due is an array");
    assert_eq!(due.len(), 2, "two items due: {due:?}");
    assert_eq!(due[0]["record_id"], referral.as_str());
    assert_eq!(due[0]["overdue"], true);
    assert_eq!(due[0]["days_overdue"], 12);
    assert_eq!(due[0]["client_alias"], "Tùng");
    assert_eq!(due[1]["record_id"], case_note.as_str());
    assert_eq!(due[1]["overdue"], false);
    assert_eq!(due[1]["due_date"], day(2));
    // Before the case note's day only the referral is due.
    let due_today = fb.json(&["due", "--date", &day(0)]);
    assert_eq!(
        due_today
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["record_id"].clone())
            .collect::<Vec<Value>>(),
        vec![json!(referral)]
    );

    // --- forms in both languages ---------------------------------------
    let vi = form_labels(&fb, "vi");
    let en = form_labels(&fb, "en");
    assert_eq!(vi.len(), en.len());
    for (kind, key) in [
        ("client", "alias"),
        ("contact", "at"),
        ("case_note", "narrative"),
        ("referral", "service"),
        ("meeting", "group_name"),
    ] {
        assert!(
            vi.iter().any(|(k, f, _)| k == kind && f == key),
            "{kind}.{key} in the Vietnamese forms"
        );
    }
    let mut differing = 0;
    for ((kv, fv, lv), (ke, fe, le)) in vi.iter().zip(&en) {
        assert_eq!((kv, fv), (ke, fe), "the same fields in both languages");
        if lv != le {
            differing += 1;
        }
    }
    assert!(
        differing * 10 >= vi.len() * 8,
        "most labels differ between vi and en ({differing}/{})",
        vi.len()
    );
    let with_diacritics = vi
        .iter()
        .filter(|(_, _, l)| has_vietnamese_diacritics(l))
        .count();
    assert!(
        with_diacritics * 2 >= vi.len(),
        "Vietnamese labels carry diacritics ({with_diacritics}/{})",
        vi.len()
    );
    assert!(
        en.iter().all(|(_, _, l)| l.is_ascii()),
        "English labels: {en:?}"
    );
    let alias_en = en
        .iter()
        .find(|(k, f, _)| k == "client" && f == "alias")
        .unwrap();
    assert_eq!(alias_en.2, "Alias");

    // --- audit trail ----------------------------------------------------
    let audit = fb.run(&["audit", "verify", "--json"]);
    assert_eq!(audit.code, Some(0), "{audit:?}");
    let report = audit.json();
    assert_eq!(report["ok"], true);
    assert!(
        report["entries"].as_u64().unwrap() >= 8,
        "create + 6 adds + 1 update at least: {report}"
    );

    // --- delete -----------------------------------------------------------
    let run = fb.run(&["delete", &other_client]);
    assert!(run.ok(), "{run:?}");
    assert_eq!(ids(&fb.list("client")), vec![client.clone()]);
    let run = fb.run(&["delete", &meeting]);
    assert!(run.ok(), "{run:?}");
    assert!(fb.list("meeting").is_empty());
    // Its history stays (the brief: "its history stays").
    let history = fb.json(&["history", &other_client]);
    assert!(!history.as_array().unwrap().is_empty());
    assert!(fb.run(&["audit", "verify"]).ok());
}
