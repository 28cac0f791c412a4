//! Hostile and mistaken requests against a real hub on loopback: malformed,
//! oversized and replayed requests, other teams' devices, roles reaching
//! past their rights, a revoked device. Each gets a 4xx and leaves the log,
//! the devices and the invites as they were.

mod common;

use common::devices::Device;
use common::hub::HubProcess;
use common::raw_http::{request, send_raw, Answer};
use fieldbook_core::record::RecordKind;
use fieldbook_core::store::Role;
use fieldbook_proto::sync::PushRequest;
use fieldbook_proto::vocab::SensitivityClass;
use fieldbook_proto::{paths, SealedVersion};
use serde_json::json;

struct Scene {
    hub: HubProcess,
    team_a: String,
    supervisor: Device,
    outreach: Device,
    peer: Device,
    /// What the outreach worker pushed (a client and a contact), kept for replays.
    outreach_pushed: Vec<SealedVersion>,
    /// A case note the supervisor pushed, for the peer leader to try.
    case_note: SealedVersion,
    /// The code the outreach device enrolled with (used up).
    used_code: String,
}

fn scene() -> Scene {
    let hub = HubProcess::start();
    let (team_a, code) = hub.create_team("Hải Phòng");
    let mut supervisor = Device::enroll("supervisor", &hub.url(), &code);
    let used_code = supervisor.make_invite(Role::Outreach);
    let mut outreach = Device::enroll("outreach", &hub.url(), &used_code);
    let peer = supervisor.invite("peer-leader", Role::PeerLeader, &hub.url());

    let client = outreach.add(RecordKind::Client, json!({"alias": "Hoa"}));
    outreach.add(
        RecordKind::Contact,
        json!({"client_id": client.to_string(), "at": "2026-11-20T08:30:00+07:00"}),
    );
    let outreach_pushed = outreach.store.unpushed(100).unwrap();
    assert_eq!(outreach_pushed.len(), 2);
    outreach.sync();
    supervisor.sync();
    supervisor.add(
        RecordKind::CaseNote,
        json!({"client_id": client.to_string(), "date": "2026-11-21", "narrative": "ổn định"}),
    );
    let case_note = supervisor.store.unpushed(10).unwrap().remove(0);
    assert_eq!(case_note.kind, RecordKind::CaseNote);
    supervisor.sync();
    Scene {
        hub,
        team_a,
        supervisor,
        outreach,
        peer,
        outreach_pushed,
        case_note,
        used_code,
    }
}

/// What must not change: the log, the devices, and that the hub still answers.
struct Before {
    log: u64,
    devices: Vec<String>,
}

/// The team's devices as `id role status label`, leaving out when each was
/// last seen (a refused request still shows the device was there).
fn devices(hub: &HubProcess, team: &str) -> Vec<String> {
    hub.admin(&["devices", "list", "--team", team])
        .lines()
        .map(|line| {
            let columns: Vec<&str> = line.split('\t').collect();
            format!(
                "{} {} {} {}",
                columns[0], columns[1], columns[2], columns[4]
            )
        })
        .collect()
}

impl Scene {
    fn before(&self) -> Before {
        Before {
            log: self.hub.log_versions(&self.team_a),
            devices: devices(&self.hub, &self.team_a),
        }
    }

    fn assert_unchanged(&self, before: &Before) {
        assert_eq!(
            self.hub.log_versions(&self.team_a),
            before.log,
            "the log changed"
        );
        assert_eq!(
            devices(&self.hub, &self.team_a),
            before.devices,
            "the devices changed"
        );
        assert_eq!(
            request(self.hub.port(), "GET", paths::HEALTH, None, None).status,
            200
        );
    }
}

fn push_body(versions: &[SealedVersion]) -> Vec<u8> {
    serde_json::to_vec(&PushRequest {
        versions: versions.to_vec(),
    })
    .unwrap()
}

fn assert_refused(answer: &Answer, status: u16, what: &str) {
    assert_eq!(answer.status, status, "{what}: {answer:?}");
    assert!(
        !answer.error().is_empty(),
        "{what}: a JSON error body: {answer:?}"
    );
}

#[test]
fn malformed_oversized_and_replayed_requests_change_nothing() {
    let mut s = scene();
    let port = s.hub.port();
    let token = s.outreach.token();
    let before = s.before();
    let push = |body: &[u8]| request(port, "POST", paths::PUSH, Some(&token), Some(body));

    // Malformed.
    assert_refused(&push(b"{"), 400, "broken JSON");
    assert_refused(&push(br#"{"versions": "all"}"#), 400, "a wrong type");
    assert_refused(
        &push(br#"{"versions": [], "extra": 1}"#),
        400,
        "an unknown field",
    );
    let mut version = serde_json::to_value(&s.outreach_pushed[0]).unwrap();
    version["body"] = json!("not base64!");
    let bad_body = serde_json::to_vec(&json!({ "versions": [version] })).unwrap();
    assert_refused(&push(&bad_body), 400, "a body that is not base64");
    // Typed on both sides, so the kind and class are spelled by hand here.
    let mut unknown_kind = serde_json::to_value(&s.outreach_pushed[0]).unwrap();
    unknown_kind["version_id"] = json!(uuid::Uuid::now_v7());
    unknown_kind["kind"] = json!("diary");
    let unknown_kind = serde_json::to_vec(&json!({ "versions": [unknown_kind] })).unwrap();
    assert_refused(&push(&unknown_kind), 400, "an unknown kind");
    let mut unknown_class = serde_json::to_value(&s.outreach_pushed[0]).unwrap();
    unknown_class["version_id"] = json!(uuid::Uuid::now_v7());
    unknown_class["key_class"] = json!("uic");
    let unknown_class = serde_json::to_vec(&json!({ "versions": [unknown_class] })).unwrap();
    assert_refused(&push(&unknown_class), 400, "the client-code key's class");
    for query in [
        "since=-1",
        "since=abc",
        "limit=many",
        "since=99999999999999999999999",
        "limit=0",
        "limit=1001",
    ] {
        let path = format!("{}?{query}", paths::PULL);
        assert_refused(&request(port, "GET", &path, Some(&token), None), 400, query);
    }
    let garbage = send_raw(port, b"\x16\x03\x01\x02\x00 not http at all\r\n\r\n");
    assert!(
        garbage.status == 0 || (400..500).contains(&garbage.status),
        "garbage bytes: {garbage:?}"
    );

    // Oversized: too many versions or one huge body break the description's
    // limits (400, like any schema limit); a request over the body limit is 413.
    let many: Vec<SealedVersion> = (0..1001)
        .map(|_| {
            let mut v = s.outreach_pushed[0].clone();
            v.version_id = uuid::Uuid::now_v7();
            v
        })
        .collect();
    assert_refused(&push(&push_body(&many)), 400, "1001 versions");
    let mut huge = s.outreach_pushed[0].clone();
    huge.version_id = uuid::Uuid::now_v7();
    huge.body = vec![7u8; 65 * 1024];
    assert_refused(&push(&push_body(&[huge])), 400, "a 65 KiB version");
    let mut over = b"{\"versions\": [], \"pad\": \"".to_vec();
    over.resize(17 * 1024 * 1024, b'a');
    over.extend_from_slice(b"\"}");
    let answer = push(&over);
    assert_eq!(answer.status, 413, "a 17 MiB request");

    // Unauthenticated.
    let pull = paths::PULL;
    assert_refused(&request(port, "GET", pull, None, None), 401, "no token");
    assert_refused(
        &request(port, "GET", pull, Some("AAAA"), None),
        401,
        "a made-up token",
    );

    // Replayed: a push again is stored once; a used code and an invite id again are refused.
    let replay = push(&push_body(&s.outreach_pushed));
    assert_eq!(replay.status, 200, "{replay:?}");
    assert_eq!(replay.json(), json!({"stored": 0, "duplicates": 2}));
    let again = fieldbook_core::sync::enroll(
        &s.outreach.dir().join("second"),
        common::PIN,
        std::sync::Arc::new(fieldbook_core::crypto::SoftwareKeyProvider::new(
            s.outreach.dir().join("second-key"),
        )),
        &s.used_code,
        &s.hub.url(),
        None,
        None,
        fieldbook_core::store::CreateOptions::for_tests(),
    );
    let err = again
        .err()
        .expect("a used code enrolls nothing")
        .to_string();
    assert!(err.contains("403") && err.contains("invalid_code"), "{err}");
    let invite = s
        .supervisor
        .store
        .make_invite(
            Role::Outreach,
            chrono::Utc::now() + chrono::Duration::days(1),
        )
        .unwrap();
    let invite_body = serde_json::to_vec(&invite.request).unwrap();
    let sup_token = s.supervisor.token();
    let first = request(
        port,
        "POST",
        paths::INVITES,
        Some(&sup_token),
        Some(&invite_body),
    );
    assert_eq!(first.status, 201, "{first:?}");
    let devices_before_replay = s.before();
    let second = request(
        port,
        "POST",
        paths::INVITES,
        Some(&sup_token),
        Some(&invite_body),
    );
    assert_refused(&second, 409, "the same invite twice");
    s.assert_unchanged(&devices_before_replay);

    // Keys of an epoch no signed rotation made are refused, and the team's
    // epoch hint stays where the roster put it (an empty request moved it
    // before); an optional field sent as null is refused too.
    let epoch_hint = |token: &str| {
        request(port, "GET", paths::PULL, Some(token), None).json()["key_epoch"].clone()
    };
    let hint = epoch_hint(&sup_token);
    for body in [
        &br#"{"epoch": 4000000000, "envelopes": []}"#[..],
        br#"{"epoch": 1, "envelopes": [], "link": null}"#,
    ] {
        let answer = request(port, "POST", paths::KEYS, Some(&sup_token), Some(body));
        assert_refused(&answer, 400, "keys of no signed rotation, or a null link");
    }
    assert_eq!(epoch_hint(&sup_token), hint);

    s.assert_unchanged(&before);
    // And the team still syncs.
    s.outreach.add(RecordKind::Client, json!({"alias": "Lan"}));
    assert_eq!(s.outreach.sync().pushed, 1);
    assert_eq!(s.hub.log_versions(&s.team_a), before.log + 1);
}

#[test]
fn roles_and_teams_stay_in_their_lanes() {
    let mut s = scene();
    let port = s.hub.port();
    let before = s.before();

    // A peer leader never writes case notes, nor anything under their key.
    let peer_token = s.peer.token();
    let mut note = s.case_note.clone();
    note.version_id = uuid::Uuid::now_v7();
    let answer = request(
        port,
        "POST",
        paths::PUSH,
        Some(&peer_token),
        Some(&push_body(&[note])),
    );
    assert_refused(&answer, 403, "a peer leader pushing a case note");
    let mut disguised = s.outreach_pushed[0].clone();
    disguised.version_id = uuid::Uuid::now_v7();
    disguised.key_class = SensitivityClass::CaseNotes;
    let answer = request(
        port,
        "POST",
        paths::PUSH,
        Some(&peer_token),
        Some(&push_body(&[disguised])),
    );
    assert_refused(&answer, 403, "a client sealed under the case-note key");
    // …and never receives one.
    let page = request(port, "GET", paths::PULL, Some(&peer_token), None).json();
    let kinds: Vec<&str> = page["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds.len(), 2, "{page}");
    assert!(!kinds.contains(&"case_note"), "{kinds:?}");

    // Supervisor-only routes.
    let outreach_token = s.outreach.token();
    let supervisor_id = s.supervisor.device_id();
    let revoke = paths::REVOKE.replace("{id}", &supervisor_id);
    for (method, path, body) in [
        ("GET", paths::DEVICES.to_string(), None),
        ("POST", revoke.clone(), None),
        (
            "POST",
            paths::KEYS.to_string(),
            Some(br#"{"epoch": 2, "envelopes": []}"#.to_vec()),
        ),
    ] {
        let answer = request(port, method, &path, Some(&outreach_token), body.as_deref());
        assert_refused(&answer, 403, &format!("outreach {method} {path}"));
    }
    let invite = s
        .supervisor
        .store
        .make_invite(
            Role::Supervisor,
            chrono::Utc::now() + chrono::Duration::days(1),
        )
        .unwrap();
    let answer = request(
        port,
        "POST",
        paths::INVITES,
        Some(&outreach_token),
        Some(&serde_json::to_vec(&invite.request).unwrap()),
    );
    assert_refused(&answer, 403, "outreach inviting a supervisor");

    // Another team's supervisor sees and touches nothing of this team.
    let (_, code_b) = s.hub.create_team("Đà Nẵng");
    let mut other = Device::enroll("other supervisor", &s.hub.url(), &code_b);
    let mut other_outreach = other.invite("other outreach", Role::Outreach, &s.hub.url());
    other.add(RecordKind::Client, json!({"alias": "Nam"}));
    other.sync();
    let other_token = other.token();
    let revoke_outreach = paths::REVOKE.replace("{id}", &s.outreach.device_id());
    assert_refused(
        &request(port, "POST", &revoke_outreach, Some(&other_token), None),
        404,
        "revoking another team's device",
    );
    let listed = request(port, "GET", paths::DEVICES, Some(&other_token), None).json();
    let listed: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["device_id"].as_str().unwrap())
        .collect();
    let team_b = [other.device_id(), other_outreach.device_id()];
    assert_eq!(listed.len(), 2, "{listed:?}");
    assert!(
        listed.iter().all(|id| team_b.iter().any(|b| b == id)),
        "{listed:?}"
    );
    let other_outreach_token = other_outreach.token();
    let page = request(port, "GET", paths::PULL, Some(&other_outreach_token), None).json();
    let theirs: Vec<&str> = page["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["version_id"].as_str().unwrap())
        .collect();
    assert_eq!(theirs.len(), 1, "only its own team's version: {page}");
    for mine in &s.outreach_pushed {
        assert!(!theirs.contains(&mine.version_id.to_string().as_str()));
    }

    s.assert_unchanged(&before);
    assert_eq!(
        s.outreach.sync().pulled,
        0,
        "the outreach device was not revoked"
    );
}

#[test]
fn a_revoked_device_is_told_to_wipe_and_reads_nothing_new() {
    let mut s = scene();
    let port = s.hub.port();
    let outreach_token = s.outreach.token();
    let outreach_id = s.outreach.device_id();

    // Revoke without the signed revocation: refused once the team signs its roster.
    let sup_token = s.supervisor.token();
    let revoke = paths::REVOKE.replace("{id}", &outreach_id);
    assert_eq!(
        request(port, "POST", &revoke, Some(&sup_token), None).status,
        400
    );
    // Revoke, and move the team to a new key epoch, as the CLI does.
    let id = outreach_id.parse().unwrap();
    fieldbook_core::sync::revoke_device(&mut s.supervisor.store, id).unwrap();
    s.supervisor
        .add(RecordKind::Client, json!({"alias": "Mới"}));
    s.supervisor.sync();

    // Every route answers 410 with the wipe order, and no data.
    for (method, path) in [
        ("GET", paths::PULL.to_string()),
        ("GET", paths::KEYS.to_string()),
        ("POST", paths::PUSH.to_string()),
    ] {
        let body = (method == "POST").then(|| push_body(&[]));
        let answer = request(port, method, &path, Some(&outreach_token), body.as_deref());
        assert_eq!(answer.status, 410, "{method} {path}: {answer:?}");
        assert_eq!(answer.json()["wipe"], true);
        assert!(answer.json().get("versions").is_none());
    }

    // The device's own sync obeys: its store is erased and cannot be opened.
    let summary = s.outreach.sync_with(&common::devices::quick_options());
    assert!(!summary.ok && summary.wiped, "{summary:?}");
    assert_eq!(summary.pulled, 0);
    assert!(s.outreach.store.list(RecordKind::Client).is_err());

    // The peer leader learns the new epoch and reads the new client.
    let peer = s.peer.sync();
    assert_eq!(peer.keys_learned, 1, "{peer:?}");
    assert!(peer.merged >= 1, "{peer:?}");
}
