//! The whole team through a real hub on loopback: a supervisor, an outreach
//! worker and a peer leader enroll with one-time codes; the outreach worker's
//! records reach the supervisor; the peer leader never receives case notes;
//! a revoked device is wiped at its next contact.

mod common;

use common::hub::HubProcess;
use common::Fieldbook;
use serde_json::json;

fn last_line(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes)
        .lines()
        .last()
        .unwrap_or_default()
        .trim()
        .to_string()
}

fn enroll(hub: &HubProcess, code: &str) -> Fieldbook {
    let device = Fieldbook::new();
    let run = device.run(&["enroll", code, "--hub", &hub.url()]);
    assert!(run.ok(), "enroll failed: {run:?}");
    device
}

fn invite(supervisor: &Fieldbook, role: &str) -> String {
    let run = supervisor.run(&["invite", "--role", role]);
    assert!(run.ok(), "invite failed: {run:?}");
    last_line(run.stdout.as_bytes())
}

fn sync(device: &Fieldbook) -> serde_json::Value {
    let run = device.run(&["sync", "--json"]);
    assert!(run.ok(), "sync failed: {run:?}");
    run.json()
}

#[test]
fn a_team_syncs_end_to_end_through_the_hub() {
    let hub = HubProcess::start();
    let supervisor = enroll(&hub, &hub.create_team("Hải Phòng").1);
    let outreach = enroll(&hub, &invite(&supervisor, "outreach"));
    let peer = enroll(&hub, &invite(&supervisor, "peer-leader"));

    let client = outreach.add(
        "client",
        &json!({"alias": "Hoa", "sex": "female", "birth_year": 1990, "notes": "gặp ở chợ"}),
    );
    outreach.add(
        "contact",
        &json!({"client_id": client, "at": "2026-11-20T08:30:00+07:00", "notes": "phát bơm kim tiêm"}),
    );
    outreach.add(
        "referral",
        &json!({"client_id": client, "service": "methadone", "status": "sent", "date": "2026-11-20"}),
    );
    let pushed = sync(&outreach);
    assert_eq!(pushed["pushed"], 3, "{pushed}");

    let pulled = sync(&supervisor);
    assert_eq!(pulled["merged"], 3, "{pulled}");
    let shown = supervisor.run(&["show", &client, "--json"]).json();
    assert_eq!(shown["values"]["alias"], "Hoa");
    assert_eq!(
        supervisor
            .run(&["list", "referral", "--json"])
            .json()
            .as_array()
            .unwrap()
            .len(),
        1
    );

    // The supervisor's monthly report, from the synced records alone.
    let exports = tempfile::tempdir().unwrap();
    let xlsx = exports.path().join("november.xlsx");
    let chart = exports.path().join("november.svg");
    let report = supervisor.run(&[
        "report",
        "--from",
        "2026-11-01",
        "--to",
        "2026-11-30",
        "--json",
        "--xlsx",
        xlsx.to_str().unwrap(),
        "--chart",
        chart.to_str().unwrap(),
    ]);
    assert!(report.ok(), "{report:?}");
    let figures = report.json();
    assert_eq!(figures["unique_clients_reached"]["total"], 1, "{figures}");
    assert_eq!(figures["unique_clients_reached"]["by_sex"]["female"], 1);
    assert_eq!(figures["unique_clients_reached"]["by_age_band"]["35_44"], 1);
    assert_eq!(figures["contacts"]["total"]["total"], 1);
    assert_eq!(figures["referrals_made"]["total"]["total"], 1);
    assert_eq!(figures["referrals_made"]["by_service"]["methadone"], 1);
    for file in [&xlsx, &chart] {
        assert!(std::fs::metadata(file).unwrap().len() > 0, "{file:?}");
    }

    // A case note written by the supervisor never reaches the peer leader.
    supervisor.add(
        "case-note",
        &json!({"client_id": client, "narrative": "ổn định"}),
    );
    sync(&supervisor);
    let peer_sync = sync(&peer);
    assert_eq!(peer_sync["merged"], 3, "{peer_sync}");
    assert!(peer
        .run(&["list", "case-note", "--json"])
        .json()
        .as_array()
        .unwrap()
        .is_empty());
    assert_eq!(
        peer.run(&["show", &client, "--json"]).json()["values"]["alias"],
        "Hoa"
    );

    // Revoking the outreach device: it is wiped at its next contact.
    let devices = supervisor.run(&["devices", "list", "--json"]).json();
    assert_eq!(devices.as_array().unwrap().len(), 3);
    let outreach_id = outreach_device_id(&devices);
    let revoke = supervisor.run(&["devices", "revoke", &outreach_id]);
    assert!(revoke.ok(), "{revoke:?}");
    let wiped = outreach.run(&["sync", "--json"]);
    assert!(!wiped.ok());
    assert_eq!(wiped.json()["wiped"], true);
    let after = outreach.run(&["list", "client"]);
    assert!(!after.ok());

    // The others still sync, under the new key epoch.
    supervisor.add("client", &json!({"alias": "Lan"}));
    assert_eq!(sync(&supervisor)["ok"], true);
    let peer_after = sync(&peer);
    assert_eq!(peer_after["keys_learned"], 1, "{peer_after}");
    assert_eq!(peer_after["merged"], 1, "{peer_after}");
}

fn outreach_device_id(devices: &serde_json::Value) -> String {
    devices
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["role"] == "outreach")
        .and_then(|d| d["device_id"].as_str())
        .unwrap()
        .to_string()
}

/// This device's id, as `team --json` gives it.
fn own_id(device: &Fieldbook) -> String {
    let team = device.run(&["team", "--json"]).json();
    team["device_id"].as_str().unwrap().to_string()
}

/// The team keeps a supervisor: the last one cannot be revoked, nobody
/// revokes its own device, and a supervisor hands over to another first.
#[test]
fn the_last_supervisor_and_ones_own_device_are_not_revoked() {
    let hub = HubProcess::start();
    let first = enroll(&hub, &hub.create_team("Nam Định").1);
    sync(&first);
    let first_id = own_id(&first);

    let alone = first.run(&["--lang", "en", "devices", "revoke", &first_id]);
    assert!(!alone.ok() && alone.stdout.trim().is_empty(), "{alone:?}");
    assert!(
        alone.stderr.contains("the team's last supervisor device"),
        "{}",
        alone.stderr
    );
    let alone = first.run(&["--lang", "vi", "devices", "revoke", &first_id]);
    assert!(!alone.ok(), "{alone:?}");
    assert!(
        alone.stderr.contains("thiết bị giám sát viên cuối cùng"),
        "{}",
        alone.stderr
    );

    // A second supervisor joins; its signing key is certified by the first.
    let second = enroll(&hub, &invite(&first, "supervisor"));
    sync(&second);
    sync(&first);
    sync(&second);
    let second_id = own_id(&second);

    let own = first.run(&["--lang", "en", "devices", "revoke", &first_id]);
    assert!(!own.ok(), "{own:?}");
    assert!(
        own.stderr.contains("cannot revoke its own device") && own.stderr.contains("hand over"),
        "{}",
        own.stderr
    );
    let own = first.run(&["--lang", "vi", "devices", "revoke", &first_id]);
    assert!(
        own.stderr.contains("không thể tự thu hồi"),
        "{}",
        own.stderr
    );

    // The hand-over: the second supervisor revokes the first, and is then
    // the last one.
    let handed = second.run(&["devices", "revoke", &first_id]);
    assert!(handed.ok(), "{handed:?}");
    let last = second.run(&["--lang", "en", "devices", "revoke", &second_id]);
    assert!(!last.ok(), "{last:?}");
    assert!(
        last.stderr.contains("the team's last supervisor device"),
        "{}",
        last.stderr
    );
    let wiped = first.run(&["sync", "--json"]);
    assert_eq!(wiped.json()["wiped"], true, "{wiped:?}");
    assert_eq!(sync(&second)["ok"], true);
}

#[test]
fn a_supervisor_signs_the_team_policy_from_the_cli_and_every_device_shows_it() {
    let hub = HubProcess::start();
    let supervisor = enroll(&hub, &hub.create_team("Hải Phòng").1);
    let outreach = enroll(&hub, &invite(&supervisor, "outreach"));

    // Only a supervisor signs it, and every value has its bounds, in vi and en.
    let refused = outreach.run(&["policy", "set", "--offline-erase-days", "5"]);
    assert_eq!(refused.code, Some(1), "{refused:?}");
    assert!(
        refused
            .stderr
            .contains("only a supervisor's device can sign the team's security policy"),
        "{}",
        refused.stderr
    );
    let refused = outreach.run(&["--lang", "vi", "policy", "set", "--min-pin-digits", "8"]);
    assert!(
        refused.stderr.contains("Chỉ thiết bị của giám sát viên"),
        "{}",
        refused.stderr
    );
    let empty = supervisor.run(&["policy", "set"]);
    assert_eq!(empty.code, Some(3), "{empty:?}");
    let out_of_bounds = supervisor.run(&["policy", "set", "--offline-erase-days", "365"]);
    assert_eq!(out_of_bounds.code, Some(3), "{out_of_bounds:?}");
    assert!(out_of_bounds.stderr.contains("between 3 and 90"));
    let out_of_bounds = supervisor.run(&["--lang", "vi", "policy", "set", "--min-pin-digits", "4"]);
    assert!(
        out_of_bounds.stderr.contains("phải từ 6 đến 12"),
        "{}",
        out_of_bounds.stderr
    );

    let signed = supervisor.run(&[
        "policy",
        "set",
        "--offline-erase-days",
        "5",
        "--min-pin-digits",
        "8",
    ]);
    assert!(signed.ok(), "{signed:?}");
    sync(&outreach);
    let shown = outreach.run(&["policy", "show", "--json"]);
    assert!(shown.ok(), "{shown:?}");
    let view = shown.json();
    assert_eq!(view["effective"]["offline_erase_days"], 5, "{view}");
    assert_eq!(view["effective"]["min_pin_digits"], 8, "{view}");
    assert_eq!(view["team"], view["effective"]);
    let supervisor_id = supervisor.run(&["team", "--json"]).json()["device_id"].clone();
    assert_eq!(view["signed"]["signed_by"], supervisor_id, "{view}");
    let text = outreach.run(&["--lang", "vi", "policy", "show"]);
    assert!(
        text.stdout.contains("Chính sách của nhóm: ký bởi thiết bị"),
        "{}",
        text.stdout
    );
    assert!(text.stdout.contains("(offline_erase_days)"));
}

/// Every sheet of a workbook as rows of text, to edit as a program officer would.
fn read_workbook(path: &std::path::Path) -> Vec<(String, Vec<Vec<String>>)> {
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(path).unwrap();
    book.sheet_names()
        .into_iter()
        .map(|name| {
            let range = book.worksheet_range(&name).unwrap();
            let rows = range
                .rows()
                .map(|r| r.iter().map(|c| c.to_string()).collect())
                .collect();
            (name, rows)
        })
        .collect()
}

fn write_workbook(path: &std::path::Path, sheets: &[(String, Vec<Vec<String>>)]) {
    let mut book = rust_xlsxwriter::Workbook::new();
    for (name, rows) in sheets {
        let sheet = book.add_worksheet().set_name(name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, text) in row.iter().enumerate() {
                sheet.write_string(r as u32, c as u16, text).unwrap();
            }
        }
    }
    book.save(path).unwrap();
}

/// The story of the XLSForm issue: a program officer takes the contact form
/// out as Excel, adds a question with Vietnamese and English labels, a
/// constraint and a skip rule; a supervisor imports it; the worker's phone
/// uses it after its next sync.
#[test]
fn a_program_officers_workbook_reaches_the_workers_phone_from_the_cli() {
    let hub = HubProcess::start();
    let supervisor = enroll(&hub, &hub.create_team("Hải Phòng").1);
    let outreach = enroll(&hub, &invite(&supervisor, "outreach"));
    let file = supervisor.data.parent().unwrap().join("contact.xlsx");
    let out = supervisor.run(&[
        "forms",
        "export",
        "contact",
        "--xlsx",
        file.to_str().unwrap(),
    ]);
    assert!(out.ok(), "{out:?}");

    let mut sheets = read_workbook(&file);
    let survey = &mut sheets.iter_mut().find(|(n, _)| n == "survey").unwrap().1;
    let header = survey[0].clone();
    let mut row = vec![String::new(); header.len()];
    let mut set = |column: &str, value: &str| {
        let at = header.iter().position(|h| h == column).unwrap();
        row[at] = value.to_string();
    };
    set("type", "text");
    set("name", "shelter");
    set("label::Vietnamese (vi)", "Nơi ngủ đêm qua");
    set("label::English (en)", "Where they slept last night");
    set("relevant", "${mode} = 'group' or ${mode} = 'individual'");
    set("constraint", "string-length(.) <= 40");
    set("constraint_message::Vietnamese (vi)", "Tối đa 40 ký tự");
    set("constraint_message::English (en)", "At most 40 characters");
    survey.push(row);
    let settings = &mut sheets.iter_mut().find(|(n, _)| n == "settings").unwrap().1;
    let version = settings[0].iter().position(|h| h == "version").unwrap();
    settings[1][version] = "2".into();
    write_workbook(&file, &sheets);
    let path = file.to_str().unwrap();

    // A worker cannot publish it; a check publishes nothing.
    let refused = outreach.run(&["forms", "import", path]);
    assert_eq!(refused.code, Some(1), "{refused:?}");
    assert!(
        refused.stderr.contains("only a supervisor's device"),
        "{}",
        refused.stderr
    );
    let checked = supervisor.run(&["forms", "import", path, "--check"]);
    assert!(
        checked
            .stdout
            .contains("contact v2: reads well, not published"),
        "{checked:?}"
    );

    let published = supervisor.run(&["forms", "import", path]);
    assert!(published.ok(), "{published:?}");
    assert!(
        published
            .stdout
            .starts_with("contact v2: signed and published to the team"),
        "{}",
        published.stdout
    );

    sync(&outreach);
    let listed = outreach.run(&["forms", "list", "--json"]).json();
    let supervisor_id = supervisor.run(&["team", "--json"]).json()["device_id"].clone();
    let contact_v2 = listed["forms"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["kind"] == "contact" && f["version"] == 2)
        .unwrap_or_else(|| panic!("{listed}"));
    assert_eq!(contact_v2["in_use"], true);
    assert_eq!(contact_v2["signed_by"], supervisor_id);
    let drawn = outreach
        .run(&["--lang", "vi", "forms", "--kind", "contact", "--json"])
        .json();
    assert!(drawn.to_string().contains("Nơi ngủ đêm qua"), "{drawn}");

    // The phone validates against it, in Vietnamese.
    let long = "x".repeat(41);
    let at = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let input = outreach.data.parent().unwrap().join("contact.json");
    std::fs::write(
        &input,
        json!({"at": at, "mode": "group", "shelter": long}).to_string(),
    )
    .unwrap();
    let input = input.to_str().unwrap();
    let refused = outreach.run(&["--lang", "vi", "add", "contact", "--json", input]);
    assert_eq!(refused.code, Some(3), "{refused:?}");
    assert!(
        refused.stderr.contains("Tối đa 40 ký tự"),
        "{}",
        refused.stderr
    );
    std::fs::write(
        input,
        json!({"at": at, "mode": "group", "shelter": "Gầm cầu Long Biên"}).to_string(),
    )
    .unwrap();
    let added = outreach.run(&["add", "contact", "--json", input]);
    assert!(added.ok(), "{added:?}");

    // A broken workbook names its cell, in both languages, and changes nothing.
    settings_version(&file, "two");
    let bad = supervisor.run(&["forms", "import", path]);
    assert_eq!(bad.code, Some(3), "{bad:?}");
    assert!(
        bad.stderr
            .contains("sheet 'settings', row 2, column 'version'"),
        "{}",
        bad.stderr
    );
    let bad = supervisor.run(&["--lang", "vi", "forms", "import", path]);
    assert!(
        bad.stderr
            .contains("trang 'settings', dòng 2, cột 'version'"),
        "{}",
        bad.stderr
    );
    let listed = supervisor.run(&["forms", "list", "--json"]).json();
    assert_eq!(listed["forms"].as_array().unwrap().len(), 6, "{listed}");
}

fn settings_version(file: &std::path::Path, version: &str) {
    let mut sheets = read_workbook(file);
    let settings = &mut sheets.iter_mut().find(|(n, _)| n == "settings").unwrap().1;
    let at = settings[0].iter().position(|h| h == "version").unwrap();
    settings[1][at] = version.into();
    write_workbook(file, &sheets);
}
