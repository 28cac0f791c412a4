//! The monthly report through the CLI: a dataset with a client registered
//! twice under one identifier code, a deleted contact and records either side
//! of the period, reported as JSON and CSV, written as an XLSX workbook (read
//! back with calamine) and an SVG chart (parsed as XML); afterwards the data
//! directory holds none of the exported contents in clear, and nothing was
//! written anywhere but the files named.

mod common;

use calamine::{open_workbook, Data, Reader, Xlsx};
use common::plaintext::Scanner;
use common::{files_under, Fieldbook};
use serde_json::{json, Value};
use std::path::Path;

const ALIAS: &str = "Nguyễn Marker Alpha";
const NOTE: &str = "Marker narrative Charlie sleeping better";
const GROUP: &str = "Nhóm Marker Delta";
const CLIENT_NOTES: &str = "secret-note-bravo at the market";

/// Builds the dataset; the figures asserted below are counted from it by hand
/// for March 2025.
fn build(fb: &Fieldbook) {
    let a = fb.add(
        "client",
        &json!({"alias": ALIAS, "uic_mother_name": "Lan", "uic_father_name": "Minh",
                "sex": "male", "birth_year": 1990}),
    );
    // The same person registered again: one identifier code, counted once.
    let run = fb.try_add(
        "client",
        &json!({"alias": "An again", "uic_mother_name": "Lan", "uic_father_name": "Minh",
                "sex": "male", "birth_year": 1990}),
        &["--allow-duplicate"],
    );
    assert!(run.ok(), "{run:?}");
    let a2 = run.stdout.trim().to_string();
    let b = fb.add(
        "client",
        &json!({"alias": "Bình", "sex": "female", "birth_year": 2000, "notes": CLIENT_NOTES}),
    );
    let c = fb.add("client", &json!({"alias": "Chưa rõ"}));

    let contact = |client: Option<&str>, at: &str, visit: &str, services: Value| {
        let mut v = json!({"at": at, "visit_type": visit, "services": services});
        if let Some(id) = client {
            v["client_id"] = json!(id);
        }
        v
    };
    fb.add(
        "contact",
        &contact(
            Some(&a),
            "2025-03-02T09:00:00+07:00",
            "first",
            json!({"syringes": 10}),
        ),
    );
    fb.add(
        "contact",
        &contact(
            Some(&a2),
            "2025-03-09T09:00:00+07:00",
            "follow_up",
            json!({"syringes": 5, "naloxone": 1}),
        ),
    );
    fb.add(
        "contact",
        &contact(
            Some(&b),
            "2025-03-15T09:00:00+07:00",
            "first",
            json!({"condoms": 12}),
        ),
    );
    fb.add(
        "contact",
        &contact(Some(&c), "2025-02-20T09:00:00+07:00", "first", json!({})),
    );
    fb.add(
        "contact",
        &contact(
            Some(&c),
            "2025-03-20T09:00:00+07:00",
            "follow_up",
            json!({}),
        ),
    );
    let mut anonymous = contact(
        None,
        "2025-03-25T09:00:00+07:00",
        "first",
        json!({"condoms": 30}),
    );
    anonymous["mode"] = json!("group");
    fb.add("contact", &anonymous);
    let deleted = fb.add(
        "contact",
        &contact(
            Some(&b),
            "2025-03-05T09:00:00+07:00",
            "first",
            json!({"syringes": 99}),
        ),
    );
    assert!(fb.run(&["delete", &deleted]).ok());

    fb.add(
        "referral",
        &json!({"client_id": a, "service": "methadone", "date": "2025-03-03",
                               "status": "completed", "completed_date": "2025-03-10"}),
    );
    fb.add(
        "referral",
        &json!({"client_id": b, "service": "hiv_test", "date": "2025-03-12",
                               "status": "sent", "follow_up_due": "2025-03-20"}),
    );
    fb.add(
        "referral",
        &json!({"client_id": c, "service": "art", "date": "2025-04-02", "status": "sent"}),
    );
    fb.add(
        "case-note",
        &json!({"client_id": a, "date": "2025-03-05", "narrative": NOTE}),
    );
    fb.add(
        "meeting",
        &json!({"group_name": GROUP, "date": "2025-03-08",
                              "attendance_total": 9, "attendance_women": 4}),
    );
}

fn report_args<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["report", "--from", "2025-03-01", "--to", "2025-03-31"];
    args.extend_from_slice(extra);
    args
}

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::String(s) => s.clone(),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

/// The `value` of the indicator sheet's row for (indicator, dimension, category).
fn sheet_value(rows: &[Vec<String>], indicator: &str, dimension: &str, category: &str) -> String {
    let header = &rows[0];
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (i, d, c, v) = (
        col("indicator"),
        col("dimension"),
        col("category"),
        col("value"),
    );
    rows.iter()
        .find(|r| r[i] == indicator && r[d] == dimension && r[c] == category)
        .unwrap_or_else(|| panic!("no row {indicator}/{dimension}/{category}"))[v]
        .clone()
}

fn read_sheet(book: &mut Xlsx<std::io::BufReader<std::fs::File>>, name: &str) -> Vec<Vec<String>> {
    let range = book
        .worksheet_range(name)
        .unwrap_or_else(|e| panic!("sheet {name}: {e}"));
    range
        .rows()
        .map(|r| r.iter().map(cell_text).collect())
        .collect()
}

#[test]
fn a_supervisor_exports_the_months_report() {
    let fb = Fieldbook::init();
    build(&fb);
    let out = fb.root().join("exports");
    std::fs::create_dir(&out).unwrap();
    let xlsx = out.join("march.xlsx");
    let svg = out.join("march.svg");

    // --- JSON ---------------------------------------------------------------
    let r = fb.json(&report_args(&[]));
    assert_eq!(r["unique_clients_reached"]["total"], 3);
    assert_eq!(r["unique_clients_reached"]["by_sex"]["male"], 1);
    assert_eq!(r["unique_clients_reached"]["by_sex"]["female"], 1);
    assert_eq!(r["unique_clients_reached"]["by_sex"]["unknown"], 1);
    assert_eq!(r["unique_clients_reached"]["by_age_band"]["35_44"], 1);
    assert_eq!(r["unique_clients_reached"]["by_age_band"]["25_34"], 1);
    assert_eq!(
        r["new_clients"]["total"], 2,
        "Chưa rõ was first reached in February"
    );
    assert_eq!(r["contacts"]["total"]["total"], 5);
    assert_eq!(r["contacts"]["by_visit_type"]["first"], 3);
    assert_eq!(r["contacts"]["by_mode"]["group"], 1);
    assert_eq!(r["contacts"]["anonymous"], 1);
    assert_eq!(
        r["services"]["syringes"],
        json!({"contacts": 2, "quantity": 15})
    );
    assert_eq!(
        r["services"]["condoms"],
        json!({"contacts": 2, "quantity": 42})
    );
    assert_eq!(r["referrals_made"]["total"]["total"], 2);
    assert_eq!(r["referrals_made"]["by_service"]["methadone"], 1);
    assert_eq!(r["referrals_completed"]["total"], 1);
    assert_eq!(r["referral_completion_rate"], 0.5);
    assert_eq!(r["median_days_to_completion"], 7.0);
    assert_eq!(r["referrals_overdue"]["total"], 1);
    assert_eq!(r["referrals_lost"]["total"], 0);
    assert_eq!(r["case_notes"]["total"], 1);
    assert_eq!(r["clients_with_case_note"]["total"], 1);
    assert_eq!(r["meetings"], 1);
    assert_eq!(r["attendance"], json!({"total": 9, "women": 4}));
    assert_eq!(r["unreadable_records"], 0);

    // --- CSV on standard output, the workbook and the chart in one run ----
    let xlsx_arg = xlsx.to_str().unwrap();
    let svg_arg = svg.to_str().unwrap();
    let run = fb.run(&report_args(&[
        "--csv", "--xlsx", xlsx_arg, "--chart", svg_arg,
    ]));
    assert!(run.ok(), "{run:?}");
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines[0],
        "from,to,worker,indicator,dimension,category,value"
    );
    for expected in [
        "2025-03-01,2025-03-31,,unique_clients_reached,total,,3",
        "2025-03-01,2025-03-31,,unique_clients_reached,sex,female,1",
        "2025-03-01,2025-03-31,,new_clients,total,,2",
        "2025-03-01,2025-03-31,,services,quantity,condoms,42",
        "2025-03-01,2025-03-31,,referral_completion_rate,total,,0.5",
        "2025-03-01,2025-03-31,,meetings,total,,1",
    ] {
        assert!(
            lines.contains(&expected),
            "CSV row {expected} in:\n{}",
            run.stdout
        );
    }

    // --- the workbook, read back by another library ----------------------
    let mut book: Xlsx<_> = open_workbook(&xlsx).expect("a readable XLSX file");
    assert_eq!(
        book.sheet_names(),
        [
            "indicators",
            "months",
            "clients",
            "contacts",
            "case_notes",
            "referrals",
            "meetings"
        ]
    );
    let ind = read_sheet(&mut book, "indicators");
    assert_eq!(
        sheet_value(&ind, "unique_clients_reached", "total", ""),
        "3"
    );
    assert_eq!(
        sheet_value(&ind, "unique_clients_reached", "age_band", "unknown"),
        "1"
    );
    assert_eq!(sheet_value(&ind, "contacts", "total", ""), "5");
    assert_eq!(
        sheet_value(&ind, "referrals_made", "service", "hiv_test"),
        "1"
    );
    assert_eq!(
        sheet_value(&ind, "referral_completion_rate", "total", ""),
        "0.5"
    );
    assert_eq!(sheet_value(&ind, "attendance", "women", ""), "4");
    let months = read_sheet(&mut book, "months");
    assert_eq!(months.len(), 2, "a header and March");
    assert_eq!(months[1][0], "2025-03-01");
    let contacts_col = months[0].iter().position(|h| h == "contacts").unwrap();
    assert_eq!(months[1][contacts_col], "5");
    let contacts = read_sheet(&mut book, "contacts");
    assert_eq!(
        contacts.len(),
        1 + 5,
        "the period's contacts, not the deleted one"
    );
    let clients = read_sheet(&mut book, "clients");
    assert_eq!(
        clients.len(),
        1 + 4,
        "the clients the period's records link to"
    );
    let alias_col = clients[0].iter().position(|h| h == "alias").unwrap();
    assert!(clients.iter().any(|r| r[alias_col] == ALIAS));
    let notes = read_sheet(&mut book, "case_notes");
    let narrative_col = notes[0].iter().position(|h| h == "narrative").unwrap();
    assert_eq!(notes[1][narrative_col], NOTE);
    let meetings = read_sheet(&mut book, "meetings");
    assert_eq!(meetings.len(), 2);
    assert_eq!(read_sheet(&mut book, "referrals").len(), 1 + 2);

    // --- the chart is an SVG document with the month on its axis ---------
    let text = std::fs::read_to_string(&svg).unwrap();
    let doc = roxmltree::Document::parse(&text).expect("the chart is well-formed XML");
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    let texts: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text())
        .map(str::trim)
        .collect();
    assert!(texts.contains(&"2025-03"), "month label in {texts:?}");
    assert!(
        texts.contains(&"Unique clients reached"),
        "legend in {texts:?}"
    );
    assert!(
        doc.descendants().any(|n| n.has_tag_name("polyline")),
        "lines drawn"
    );

    // --- nothing in clear at rest, nothing written but the named files ---
    let markers: Vec<String> = [ALIAS, NOTE, GROUP, CLIENT_NOTES]
        .iter()
        .map(|s| s.to_string())
        .collect();
    Scanner::new(&markers).assert_clean(
        std::slice::from_ref(&fb.data),
        "fieldbook.db",
        "after the export",
    );
    assert!(files_under(&fb.tmp).is_empty(), "no temporary files");
    let written: Vec<String> = files_under(&out)
        .iter()
        .map(|f| f.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(written.len(), 2, "{written:?}");
}

#[test]
fn exports_are_refused_in_the_data_directory_and_charts_are_svg() {
    let fb = Fieldbook::init();
    let inside = fb.data.join("report.xlsx");
    let run = fb.run(&report_args(&[
        "--json",
        "--xlsx",
        inside.to_str().unwrap(),
    ]));
    assert_eq!(run.code, Some(3), "{run:?}");
    assert!(!inside.exists());
    let png = fb.root().join("chart.png");
    let run = fb.run(&report_args(&["--json", "--chart", png.to_str().unwrap()]));
    assert_eq!(run.code, Some(3), "{run:?}");
    assert!(!Path::new(&png).exists());
    let run = fb.run(&[
        "report",
        "--from",
        "2025-03-31",
        "--to",
        "2025-03-01",
        "--json",
    ]);
    assert_eq!(
        run.code,
        Some(3),
        "a period that ends before it starts: {run:?}"
    );
}

#[test]
fn a_peer_leaders_workbook_has_no_case_notes_sheet() {
    let fb = Fieldbook::init_with(&["--role", "peer-leader"]);
    fb.add(
        "meeting",
        &json!({"group_name": GROUP, "date": "2025-03-08", "attendance_total": 7}),
    );
    let xlsx = fb.root().join("peer.xlsx");
    let r = fb.json(&report_args(&["--xlsx", xlsx.to_str().unwrap()]));
    assert_eq!(r["case_notes"], Value::Null);
    assert_eq!(r["attendance"]["total"], 7);
    let book: Xlsx<_> = open_workbook(&xlsx).unwrap();
    assert!(!book.sheet_names().contains(&"case_notes".to_string()));
}

#[test]
fn the_overdue_list_groups_by_worker() {
    let fb = Fieldbook::init();
    let client = fb.add("client", &json!({"alias": "Hoa"}));
    let referral = fb.add(
        "referral",
        &json!({"client_id": client, "service": "methadone",
        "date": "2025-03-01", "status": "sent", "follow_up_due": "2025-03-10"}),
    );
    fb.add(
        "referral",
        &json!({"client_id": client, "service": "art",
        "date": "2025-03-01", "status": "completed", "follow_up_due": "2025-03-10"}),
    );
    let list = fb.json(&["overdue", "--date", "2025-03-15"]);
    assert_eq!(list["total"], 1);
    let workers = list["workers"].as_array().unwrap();
    assert_eq!(workers.len(), 1);
    assert!(workers[0]["worker"].as_str().is_some_and(|w| w.len() == 36));
    assert_eq!(workers[0]["items"][0]["record_id"], referral.as_str());
    assert_eq!(workers[0]["items"][0]["days_overdue"], 5);
}
