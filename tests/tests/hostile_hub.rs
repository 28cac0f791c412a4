//! A breached hub. The test plays an attacker who writes to the hub's own
//! database (embedded SQLite and PostgreSQL alike) and holds none of the
//! team's keys: it plants key envelopes and a newer epoch, adds a device of
//! its own, relabels a role, orders a wipe, rolls the roster back, reorders,
//! drops and replays its links, withholds a rotation from one device, and
//! edits, forges or withholds the team's signed security policy, and
//! reads, edits or forges a form a supervisor published.
//! Each time the devices refuse, say so in their sync summary, keep working
//! with the real keys and lose nothing; what they write after the attack
//! cannot be opened with the attacker's keys (the test tries).

mod common;

use common::devices::{quick_options, Device};
use common::hub::HubProcess;
use common::hub_db::HubDb;
use common::postgres::Schema;
use common::raw_http::request;
use fieldbook_core::crypto::{seal_to_device, DeviceKeyPair, SecretKey, TeamKey};
use fieldbook_core::record::{DeviceId, RecordKind, SensitivityClass, TeamId};
use fieldbook_core::store::{key_envelope_aad, CreateOptions, Membership, Role, SecurityPolicy};
use fieldbook_core::sync::PolicyChange;
use fieldbook_core::testing::TestDevice;
use fieldbook_core::Error;
use fieldbook_hub::storage::{
    now, Device as HubDevice, DeviceStatus, Envelope, RosterWrite, StoredLink,
};
use fieldbook_proto::{paths, SealedVersion};
use fieldbook_trust::{envelope_message, EnvelopeFacts, SignatureDomain, SigningKey};
use serde_json::json;
use uuid::Uuid;

/// A team of four on a hub, and the attacker's handle on the hub's database.
struct Scene {
    hub: HubProcess,
    db: HubDb,
    team: Uuid,
    supervisor: Device,
    manager: Device,
    outreach: Device,
    peer: Device,
    _schema: Option<Schema>,
}

#[derive(Clone, Copy)]
enum Backend {
    Sqlite,
    Postgres,
}

fn scene(backend: Backend) -> Option<Scene> {
    let (hub, schema) = match backend {
        Backend::Sqlite => (HubProcess::start(), None),
        Backend::Postgres => {
            let schema = Schema::create()?;
            (
                HubProcess::start_on_postgres(&schema.hub_url()),
                Some(schema),
            )
        }
    };
    let (team, code) = hub.create_team("Hải Phòng");
    let mut supervisor = Device::enroll("supervisor", &hub.url(), &code);
    let manager = supervisor.invite("case-manager", Role::CaseManager, &hub.url());
    let outreach = supervisor.invite("outreach", Role::Outreach, &hub.url());
    let peer = supervisor.invite("peer-leader", Role::PeerLeader, &hub.url());
    let db = HubDb::open(&hub);
    let mut scene = Scene {
        hub,
        db,
        team: team.parse().unwrap(),
        supervisor,
        manager,
        outreach,
        peer,
        _schema: schema,
    };
    scene.sync_all();
    Some(scene)
}

impl Scene {
    fn sync_all(&mut self) {
        for device in [
            &mut self.supervisor,
            &mut self.manager,
            &mut self.outreach,
            &mut self.peer,
        ] {
            device.sync();
        }
    }

    fn id(device: &Device) -> Uuid {
        device.device_id().parse().unwrap()
    }

    fn hub_devices(&self) -> Vec<HubDevice> {
        self.db
            .run(self.db.storage().list_devices(self.team))
            .unwrap()
    }

    /// The attacker replaces the team's stored roster with `links`.
    fn replace_roster(&self, links: &[StoredLink]) {
        self.db.sql("DELETE FROM roster_links");
        self.db
            .run(self.db.storage().write_roster(
                self.team,
                RosterWrite {
                    after: Some(0),
                    links: links.to_vec(),
                    ..Default::default()
                },
            ))
            .unwrap();
    }

    /// The roster as `saved` up to `head`, then a link of the attacker's
    /// own at `head + 1` claiming the supervisor signed `entry`.
    fn plant_forged_link(&self, saved: &[StoredLink], head: u64, entry: fieldbook_trust::Entry) {
        let forged = fieldbook_trust::Statement::new(
            self.team,
            Some(fieldbook_trust::Position {
                seq: head + 1,
                prev: hash_of_link(saved, head),
            }),
            0,
            fieldbook_trust::Signer::Device {
                device: Scene::id(&self.supervisor),
            },
            entry,
        )
        .sign(&SigningKey::make_random())
        .unwrap();
        let mut planted = saved[..head as usize].to_vec();
        planted.push(StoredLink {
            seq: forged.seq,
            prev: forged.prev,
            statement: forged.statement.clone(),
            signature: forged.signature.to_vec(),
        });
        self.replace_roster(&planted);
    }

    fn roster_head(&self) -> u64 {
        self.db
            .run(self.db.storage().roster_head(self.team))
            .unwrap()
    }

    /// Every version in the team's log, as the hub holds it.
    fn log(&self) -> Vec<SealedVersion> {
        let page = self
            .db
            .run(self.db.storage().pull(self.team, 0, 1000))
            .unwrap();
        page.versions
            .into_iter()
            .map(|v| SealedVersion {
                version_id: v.version_id,
                record_id: v.record_id,
                kind: v.kind.parse().unwrap(),
                key_class: v.key_class.parse().unwrap(),
                key_epoch: v.key_epoch,
                body: v.body,
            })
            .collect()
    }

    /// The attacker's attempt to read the team's log with keys of its own:
    /// a store that holds them, fed every version. Returns how many opened.
    fn attacker_reads(&self, keys: &[(SensitivityClass, u32, SecretKey)]) -> u32 {
        let device = TestDevice::new();
        let mut keys: Vec<TeamKey> = keys
            .iter()
            .map(|(class, epoch, key)| TeamKey {
                class: (*class).into(),
                epoch: *epoch,
                key: key.clone(),
            })
            .collect();
        // The same keys claimed for every epoch the log uses.
        for epoch in 1..=3 {
            for class in SensitivityClass::ALL {
                keys.push(TeamKey {
                    class: class.into(),
                    epoch,
                    key: SecretKey::make_random(),
                });
            }
        }
        let mut attacker = device
            .try_create(CreateOptions {
                role: Role::Supervisor,
                membership: Membership::Member {
                    team: TeamId(self.team),
                    device: DeviceId::make(),
                    keys,
                },
                ..CreateOptions::for_tests()
            })
            .unwrap();
        let outcome = attacker.receive(&self.log()).unwrap();
        outcome.merged
    }
}

/// Runs an attack on SQLite and on PostgreSQL.
macro_rules! on_both_backends {
    ($($attack:ident),* $(,)?) => {
        mod sqlite {
            $(#[test] fn $attack() { if let Some(s) = super::scene(super::Backend::Sqlite) { super::$attack(s) } })*
        }
        mod postgres {
            $(#[test] fn $attack() { if let Some(s) = super::scene(super::Backend::Postgres) { super::$attack(s) } })*
        }
    };
}

on_both_backends!(
    planted_envelopes_and_a_newer_epoch_are_refused,
    a_device_row_of_the_hubs_own_and_a_relabelled_role_get_nothing,
    a_forged_wipe_erases_nothing,
    rollbacks_reorders_drops_and_replays_of_the_roster_are_refused,
    a_withheld_rotation_leaves_one_device_on_the_old_epoch,
    a_join_the_code_did_not_sign_is_refused,
    a_revoked_supervisors_invites_stop_working,
    a_policy_link_the_hub_edits_forges_or_withholds_loosens_nothing,
    a_form_link_the_hub_reads_edits_or_forges_changes_no_form,
);

fn planted_envelopes_and_a_newer_epoch_are_refused(mut s: Scene) {
    let manager = Scene::id(&s.manager);
    let supervisor = Scene::id(&s.supervisor);
    let public = s
        .hub_devices()
        .into_iter()
        .find(|d| d.id == manager)
        .and_then(|d| d.public_key)
        .unwrap();
    // Keys of the attacker's choosing for the next epochs, wrapped to the
    // case manager's public key (the hub lists it), signed by a key of the
    // attacker's claiming to be the supervisor, and unsigned.
    let attacker_signing = SigningKey::make_random();
    let mut planted = Vec::new();
    for (epoch, signed) in [(2u32, true), (3, false)] {
        let mut envelopes = Vec::new();
        for class in SensitivityClass::ALL {
            let key = SecretKey::make_random();
            let wrapped = seal_to_device(
                &public,
                &key_envelope_aad(TeamId(s.team), manager, class.as_str(), epoch),
                key.expose(),
            )
            .unwrap();
            let facts = EnvelopeFacts {
                team: s.team,
                device: manager,
                key_class: class,
                epoch,
                wrapped: &wrapped,
            };
            let signature = attacker_signing
                .sign(SignatureDomain::KeyEnvelope, &envelope_message(&facts))
                .to_vec();
            envelopes.push(Envelope {
                device_id: manager,
                key_class: class.as_str().into(),
                wrapped,
                signer: signed.then_some(supervisor),
                signature: signed.then_some(signature),
            });
            planted.push((class, epoch, key));
        }
        s.db.run(s.db.storage().put_key_envelopes(s.team, epoch, envelopes))
            .unwrap();
    }
    assert_eq!(s.db.run(s.db.storage().current_epoch(s.team)).unwrap(), 3);

    let summary = s.manager.sync_with(&quick_options());
    assert!(!summary.ok, "{summary:?}");
    assert_eq!(summary.keys_learned, 0, "{summary:?}");
    assert_eq!(summary.keys_refused, 4, "{summary:?}");
    assert!(
        summary
            .errors
            .iter()
            .any(|e| e.contains("no supervisor of the team's roster signed")),
        "{summary:?}"
    );
    assert_eq!(s.manager.store.key_epoch().unwrap(), 1);

    // The case manager keeps working with the real keys, and what it writes
    // now opens for the team and not for the attacker.
    let client = s.manager.add(RecordKind::Client, json!({"alias": "Hoa"}));
    s.manager.add(
        RecordKind::CaseNote,
        json!({"client_id": client.to_string(), "date": "2026-12-01", "mental_health_narrative": "HIV positive, depressed"}),
    );
    assert!(s
        .manager
        .store
        .unpushed(10)
        .unwrap()
        .iter()
        .all(|v| v.key_epoch == 1));
    let after = s.manager.sync_with(&quick_options());
    assert_eq!(after.pushed, 2, "{after:?}");
    assert_eq!(
        s.attacker_reads(&planted),
        0,
        "the attacker opened a version"
    );
    let read = s.supervisor.sync();
    assert_eq!(read.merged, 2, "{read:?}");
    assert_eq!(
        s.supervisor.store.get(client).unwrap().text("alias"),
        Some("Hoa")
    );
}

fn a_device_row_of_the_hubs_own_and_a_relabelled_role_get_nothing(mut s: Scene) {
    // A device of the attacker's, as a supervisor, with a token it knows.
    let attacker = DeviceKeyPair::make_random();
    let token = "attacker-token-0123456789abcdef0123456789abcdef";
    let planted = Uuid::new_v4();
    s.db.run(s.db.storage().add_device(&HubDevice {
        id: planted,
        team_id: s.team,
        role: Role::Supervisor,
        public_key: Some(attacker.public_key()),
        token_hash: fieldbook_hub::api::token_hash(token),
        status: DeviceStatus::Active,
        wipe_pending: false,
        created_at: now(),
        last_seen_at: None,
        label: Some("office laptop".into()),
    }))
    .unwrap();
    // The peer leader relabelled a supervisor, to be handed the case-note key.
    s.db.sql("UPDATE devices SET role = 'supervisor' WHERE role = 'peer-leader'");

    let listed = fieldbook_core::sync::list_devices(&mut s.supervisor.store).unwrap();
    let verified = |id: Uuid| {
        listed
            .iter()
            .find(|d| d.info.device_id == id)
            .unwrap()
            .verified
    };
    assert!(
        !verified(planted),
        "the hub's own device shows as unverified"
    );
    assert!(
        !verified(Scene::id(&s.peer)),
        "a relabelled device shows as unverified"
    );
    assert!(verified(Scene::id(&s.manager)));

    // The next rotation wraps nothing to the planted device, and to the
    // peer leader only what a peer leader holds.
    let outreach = Scene::id(&s.outreach).to_string().parse().unwrap();
    let epoch = fieldbook_core::sync::revoke_device(&mut s.supervisor.store, outreach).unwrap();
    assert_eq!(epoch, 2);
    let to_planted = s.db.run(s.db.storage().key_envelopes_for(planted)).unwrap();
    assert!(to_planted.is_empty(), "{to_planted:?}");
    let to_peer =
        s.db.run(s.db.storage().key_envelopes_for(Scene::id(&s.peer)))
            .unwrap();
    assert!(!to_peer.is_empty() && to_peer.iter().all(|e| e.key_class == "outreach"));
    let answer = request(s.hub.port(), "GET", paths::KEYS, Some(token), None);
    assert_eq!(answer.status, 200);
    assert_eq!(answer.json()["envelopes"], json!([]));

    // A case note written after the rotation: the peer leader (a supervisor
    // on the hub now) cannot read it, and neither can the planted device.
    let client = s
        .supervisor
        .add(RecordKind::Client, json!({"alias": "Lan"}));
    s.supervisor.add(
        RecordKind::CaseNote,
        json!({"client_id": client.to_string(), "date": "2026-12-01"}),
    );
    s.supervisor.sync();
    // The hub, taking the peer leader for a supervisor, sends it the case
    // note: it cannot open it, and says so.
    let peer = s.peer.sync_with(&quick_options());
    assert_eq!(peer.keys_learned, 1, "{peer:?}");
    assert_eq!(peer.rejected.len(), 1, "{peer:?}");
    assert!(s.peer.store.get(client).is_ok());
    assert!(s
        .peer
        .store
        .list(RecordKind::CaseNote)
        .unwrap()
        .records
        .is_empty());
}

fn a_forged_wipe_erases_nothing(mut s: Scene) {
    let client = s.manager.add(RecordKind::Client, json!({"alias": "Minh"}));
    s.manager.sync();
    let unsynced = s
        .manager
        .add(RecordKind::Client, json!({"alias": "chưa gửi"}));
    // The hub's own wipe order: the device row marked revoked, no signed revocation.
    s.db.run(s.db.storage().revoke_device(Scene::id(&s.manager)))
        .unwrap();
    let summary = s.manager.sync_with(&quick_options());
    assert!(!summary.ok && !summary.wiped, "{summary:?}");
    assert!(
        summary
            .errors
            .iter()
            .any(|e| e.contains("nothing was erased")),
        "{summary:?}"
    );
    // Everything is still there, the unsynced record too.
    assert_eq!(
        s.manager.store.get(client).unwrap().text("alias"),
        Some("Minh")
    );
    assert!(s.manager.store.get(unsynced).is_ok());
    assert_eq!(s.manager.store.unpushed(10).unwrap().len(), 1);
    // The same through the supervisor's device commands.
    s.db.run(s.db.storage().revoke_device(Scene::id(&s.supervisor)))
        .unwrap();
    let refused = fieldbook_core::sync::list_devices(&mut s.supervisor.store).unwrap_err();
    assert!(!matches!(refused, Error::Erased), "{refused}");
    assert!(s.supervisor.store.list(RecordKind::Client).is_ok());
}

fn rollbacks_reorders_drops_and_replays_of_the_roster_are_refused(mut s: Scene) {
    // A code made before the attack, for a device that enrolls after it.
    let code = s.supervisor.make_invite(Role::Outreach);
    s.sync_all();
    let head = s.roster_head();
    assert!(head >= 8, "{head}");
    let saved = s.db.run(s.db.storage().roster(s.team, 0)).unwrap();

    // Rollback: the newest links gone.
    s.db.sql(&format!(
        "DELETE FROM roster_links WHERE seq > {}",
        head - 2
    ));
    let summary = s.manager.sync_with(&quick_options());
    assert!(
        summary.errors.iter().any(|e| e.contains("does not verify")),
        "{summary:?}"
    );
    // The device keeps working meanwhile.
    s.manager
        .add(RecordKind::Client, json!({"alias": "vẫn làm việc"}));
    assert_eq!(s.manager.sync_with(&quick_options()).pushed, 1);
    let restore = |s: &Scene| {
        s.db.sql("DELETE FROM roster_links");
        s.db.run(s.db.storage().write_roster(
            s.team,
            fieldbook_hub::storage::RosterWrite {
                after: Some(0),
                links: saved.clone(),
                ..Default::default()
            },
        ))
        .unwrap();
    };
    restore(&s);
    assert!(s.manager.sync().errors.is_empty());

    // Reordered and dropped links: a device that verifies from the genesis
    // (a new one enrolling) refuses the roster and does not enroll.
    s.db.sql(
        "UPDATE roster_links SET seq = 1000 WHERE seq = 3;
         UPDATE roster_links SET seq = 3 WHERE seq = 4;
         UPDATE roster_links SET seq = 4 WHERE seq = 1000;",
    );
    let refused = Device::try_enroll("new", &s.hub.url(), &code, CreateOptions::for_tests());
    assert!(
        matches!(refused, Err(Error::Untrusted(_))),
        "{:?}",
        refused.err()
    );
    restore(&s);
    s.db.sql("DELETE FROM roster_links WHERE seq = 2");
    let refused = Device::try_enroll("new", &s.hub.url(), &code, CreateOptions::for_tests());
    assert!(
        matches!(refused, Err(Error::Untrusted(_))),
        "{:?}",
        refused.err()
    );
    restore(&s);

    // A replayed link (an old invite's, signed by the supervisor) at the head.
    let mut replayed = saved[1].clone();
    replayed.seq = head + 1;
    s.db.run(s.db.storage().write_roster(
        s.team,
        fieldbook_hub::storage::RosterWrite {
            after: Some(head),
            links: vec![replayed],
            ..Default::default()
        },
    ))
    .unwrap();
    let summary = s.peer.sync_with(&quick_options());
    assert!(
        summary.errors.iter().any(|e| e.contains("does not verify")),
        "{summary:?}"
    );
    s.db.sql(&format!(
        "DELETE FROM roster_links WHERE seq = {}",
        head + 1
    ));
    // A replayed old envelope teaches nothing new.
    let outreach = Scene::id(&s.outreach).to_string().parse().unwrap();
    fieldbook_core::sync::revoke_device(&mut s.supervisor.store, outreach).unwrap();
    assert_eq!(s.peer.sync().keys_learned, 1);
    let old =
        s.db.run(s.db.storage().key_envelopes_for(Scene::id(&s.peer)))
            .unwrap();
    let replay: Vec<Envelope> = old
        .into_iter()
        .map(|e| Envelope {
            device_id: e.device_id,
            key_class: e.key_class,
            wrapped: e.wrapped,
            signer: e.signer,
            signature: e.signature,
        })
        .collect();
    s.db.run(s.db.storage().put_key_envelopes(s.team, 3, replay))
        .unwrap();
    let summary = s.peer.sync_with(&quick_options());
    assert_eq!(summary.keys_learned, 0, "{summary:?}");
    assert!(summary.keys_refused > 0, "{summary:?}");
    // And the devices that verified the roster still agree, and sync.
    s.db.sql("DELETE FROM key_envelopes WHERE epoch = 3; UPDATE teams SET current_epoch = 2");
    s.manager.sync();
    s.supervisor.sync();
    assert_eq!(s.manager.store.key_epoch().unwrap(), 2);
}

fn a_withheld_rotation_leaves_one_device_on_the_old_epoch(mut s: Scene) {
    let outreach = Scene::id(&s.outreach).to_string().parse().unwrap();
    fieldbook_core::sync::revoke_device(&mut s.supervisor.store, outreach).unwrap();
    let head = s.roster_head();
    let saved = s.db.run(s.db.storage().roster(s.team, head - 1)).unwrap();
    // The hub hides the rotation (and its envelopes) from the peer leader.
    s.db.sql(&format!(
        "DELETE FROM roster_links WHERE seq = {head}; UPDATE teams SET current_epoch = 1"
    ));
    let peer = s.peer.sync();
    assert_eq!(peer.keys_learned, 0, "{peer:?}");
    assert_eq!(s.peer.store.key_epoch().unwrap(), 1);

    // What it can do: keep writing, under the old epoch, which the team reads.
    let from_peer = s.peer.add(RecordKind::Client, json!({"alias": "từ nhóm"}));
    assert!(s
        .peer
        .store
        .unpushed(10)
        .unwrap()
        .iter()
        .all(|v| v.key_epoch == 1));
    s.peer.sync();
    // A device that saw the rotation notices the hub hiding it, and still reads.
    let noticed = s.supervisor.sync_with(&quick_options());
    assert!(
        noticed.errors.iter().any(|e| e.contains("rollback")),
        "{noticed:?}"
    );
    assert!(s.supervisor.store.get(from_peer).is_ok());
    // What it cannot do: read what the team writes under the new epoch; it
    // holds those versions until it learns the keys.
    let from_supervisor = s
        .supervisor
        .add(RecordKind::Client, json!({"alias": "mới"}));
    assert_eq!(s.supervisor.sync_with(&quick_options()).pushed, 1);
    let held = s.peer.sync();
    assert_eq!(held.held, 1, "{held:?}");
    assert!(s.peer.store.get(from_supervisor).is_err());

    // The hub shows the rotation again: the peer leader catches up.
    s.db.run(s.db.storage().write_roster(
        s.team,
        fieldbook_hub::storage::RosterWrite {
            after: Some(head - 1),
            links: saved,
            ..Default::default()
        },
    ))
    .unwrap();
    s.db.sql("UPDATE teams SET current_epoch = 2");
    let caught_up = s.peer.sync();
    assert_eq!(caught_up.keys_learned, 1, "{caught_up:?}");
    assert_eq!(caught_up.held, 0, "{caught_up:?}");
    assert!(s.peer.store.get(from_supervisor).is_ok());
}

fn a_join_the_code_did_not_sign_is_refused(mut s: Scene) {
    let code = s.supervisor.make_invite(Role::Outreach);
    let parsed = fieldbook_core::enrollment::EnrollmentCode::parse(&code).unwrap();
    // The hub (or anyone holding the request) swaps the device's key for its
    // own: the join it cannot re-sign no longer matches.
    let honest = DeviceKeyPair::make_random();
    let attacker = DeviceKeyPair::make_random();
    let member = fieldbook_trust::Member {
        device: Uuid::new_v4(),
        role: Role::Outreach,
        box_key: honest.public_key(),
        signing_key: None,
        label: None,
    };
    let statement = fieldbook_trust::Statement::new(
        s.team,
        None,
        0,
        fieldbook_trust::Signer::Invite {
            invite: parsed.invite_id,
        },
        fieldbook_trust::Entry::Join {
            invite: parsed.invite_id,
            member: member.clone(),
        },
    );
    let (bytes, signature) = statement
        .sign_unplaced(&parsed.invite_signing_key())
        .unwrap();
    let enroll = |public_key: [u8; 32], statement: Vec<u8>, signature: Vec<u8>| {
        let body = json!({
            "invite_id": parsed.invite_id,
            "verifier": base64(&parsed.verifier()),
            "public_key": base64(&public_key),
            "device_id": member.device,
            "join": {"statement": base64(&statement), "signature": base64(&signature)},
        });
        request(
            s.hub.port(),
            "POST",
            paths::ENROLL,
            None,
            Some(body.to_string().as_bytes()),
        )
    };
    let swapped = enroll(attacker.public_key(), bytes.clone(), signature.to_vec());
    assert_eq!(swapped.status, 400, "{swapped:?}");
    // A join with the attacker's key, signed by a key that is not the code's.
    let mut forged_member = member.clone();
    forged_member.box_key = attacker.public_key();
    let forged = fieldbook_trust::Statement::new(
        s.team,
        None,
        0,
        fieldbook_trust::Signer::Invite {
            invite: parsed.invite_id,
        },
        fieldbook_trust::Entry::Join {
            invite: parsed.invite_id,
            member: forged_member,
        },
    );
    let (forged_bytes, forged_signature) =
        forged.sign_unplaced(&SigningKey::make_random()).unwrap();
    let answer = enroll(
        attacker.public_key(),
        forged_bytes.clone(),
        forged_signature.to_vec(),
    );
    assert_eq!(answer.status, 400, "{answer:?}");
    assert_eq!(answer.error(), "roster_refused");
    // Nothing was consumed: the honest device enrolls with the code.
    let mut honest_device = Device::enroll("new", &s.hub.url(), &code);
    assert!(honest_device.sync().ok);

    // The attacker writes a forged join straight into the hub's roster: every
    // device refuses that roster and keeps the one it verified.
    let head = s.roster_head();
    let last = s.db.run(s.db.storage().roster(s.team, head - 1)).unwrap();
    let prev = fieldbook_trust::Link::from_wire(&fieldbook_proto::roster::RosterLink {
        seq: last[0].seq,
        prev: last[0].prev.to_vec(),
        statement: last[0].statement.clone(),
        signature: last[0].signature.clone(),
    })
    .unwrap()
    .hash();
    s.db.run(s.db.storage().write_roster(
        s.team,
        fieldbook_hub::storage::RosterWrite {
            after: Some(head),
            links: vec![fieldbook_hub::storage::StoredLink {
                seq: head + 1,
                prev,
                statement: forged_bytes,
                signature: forged_signature.to_vec(),
            }],
            ..Default::default()
        },
    ))
    .unwrap();
    for device in [&mut s.supervisor, &mut s.manager] {
        let summary = device.sync_with(&quick_options());
        assert!(
            summary.errors.iter().any(|e| e.contains("does not verify")),
            "{summary:?}"
        );
        assert_eq!(
            device.store.roster().unwrap().unwrap().head_seq(),
            head,
            "the verified roster stays"
        );
    }
}

fn a_revoked_supervisors_invites_stop_working(mut s: Scene) {
    let mut second = s
        .supervisor
        .invite("second supervisor", Role::Supervisor, &s.hub.url());
    second.sync();
    let code = second.make_invite(Role::CaseManager);
    let invite_id = fieldbook_core::enrollment::EnrollmentCode::parse(&code)
        .unwrap()
        .invite_id;
    let row = s.db.run(s.db.storage().get_invite(invite_id)).unwrap();
    s.supervisor.sync();
    let revoked: DeviceId = second.device_id().parse().unwrap();
    fieldbook_core::sync::revoke_device(&mut s.supervisor.store, revoked).unwrap();
    // The hub deleted the code; the new device cannot enroll with it.
    assert!(s.db.run(s.db.storage().get_invite(invite_id)).is_err());
    let refused = Device::try_enroll("late", &s.hub.url(), &code, CreateOptions::for_tests());
    assert!(refused.is_err());
    // The attacker puts the invite back: the roster still says its
    // supervisor was revoked, and the join is refused.
    s.db.run(s.db.storage().create_invite(&row)).unwrap();
    let refused = Device::try_enroll("late", &s.hub.url(), &code, CreateOptions::for_tests());
    assert!(
        refused.is_err(),
        "enrolled with a revoked supervisor's code"
    );
    // A used code keeps no key bundle on the hub.
    let used = s.supervisor.make_invite(Role::Outreach);
    let used_id = fieldbook_core::enrollment::EnrollmentCode::parse(&used)
        .unwrap()
        .invite_id;
    let _device = Device::enroll("fresh", &s.hub.url(), &used);
    let kept = s.db.run(s.db.storage().get_invite(used_id)).unwrap();
    assert!(kept.used_at.is_some() && kept.key_bundle.is_none());
    // The revoked supervisor's device learns of its signed revocation and erases itself.
    let wiped = second.sync_with(&quick_options());
    assert!(wiped.wiped, "{wiped:?}");
}

fn base64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn a_policy_link_the_hub_edits_forges_or_withholds_loosens_nothing(mut s: Scene) {
    let head = s.roster_head();
    let signed = fieldbook_core::sync::set_team_policy(
        &mut s.supervisor.store,
        &PolicyChange {
            offline_erase_days: Some(5),
            min_pin_digits: Some(8),
            ..PolicyChange::default()
        },
    )
    .unwrap();
    assert_eq!(signed.seq, head + 1);
    let saved = s.db.run(s.db.storage().roster(s.team, 0)).unwrap();
    assert_eq!(saved.len() as u64, head + 1);
    let held = |d: &mut Device| {
        let p = d.store.policy();
        (p.offline_erase_days, p.min_pin_digits)
    };
    let outreach_head = |s: &mut Scene| s.outreach.store.roster().unwrap().unwrap().head_seq();

    // The breached hub edits the stored policy link: looser, within bounds.
    let mut edited = saved.clone();
    let link = edited.last_mut().unwrap();
    let text = String::from_utf8(link.statement.clone()).unwrap();
    let looser = text
        .replace("\"offline_erase_days\":5", "\"offline_erase_days\":90")
        .replace("\"min_pin_digits\":8", "\"min_pin_digits\":6");
    assert_ne!(looser, text);
    link.statement = looser.into_bytes();
    s.replace_roster(&edited);
    let summary = s.outreach.sync_with(&quick_options());
    assert!(
        summary.errors.iter().any(|e| e.contains("does not verify")),
        "{summary:?}"
    );
    assert_eq!(outreach_head(&mut s), head);
    assert_eq!(s.outreach.store.policy(), SecurityPolicy::default());

    // A policy link of its own, claiming the supervisor signed it.
    s.plant_forged_link(
        &saved,
        head,
        fieldbook_trust::Entry::Policy {
            policy: SecurityPolicy {
                offline_erase_days: 90,
                max_failed_unlocks: 20,
                ..SecurityPolicy::default()
            },
        },
    );
    let summary = s.outreach.sync_with(&quick_options());
    assert!(
        summary.errors.iter().any(|e| e.contains("does not verify")),
        "{summary:?}"
    );
    assert_eq!(s.outreach.store.policy(), SecurityPolicy::default());

    // Withheld: a device that never saw the link keeps the policy it had
    // (delayed, not loosened); the supervisor, which verified it, notices.
    s.replace_roster(&saved[..head as usize]);
    let summary = s.outreach.sync_with(&quick_options());
    assert!(summary.errors.is_empty(), "{summary:?}");
    assert_eq!(s.outreach.store.policy(), SecurityPolicy::default());
    let noticed = s.supervisor.sync_with(&quick_options());
    assert!(
        noticed.errors.iter().any(|e| e.contains("rollback")),
        "{noticed:?}"
    );
    assert_eq!(held(&mut s.supervisor), (5, 8));

    // Shown again, as signed: the device follows it.
    s.replace_roster(&saved);
    assert!(s.outreach.sync().errors.is_empty());
    assert_eq!(held(&mut s.outreach), (5, 8));

    // Once a device holds it, hiding it again is a rollback: nothing loosens.
    s.replace_roster(&saved[..head as usize]);
    let summary = s.outreach.sync_with(&quick_options());
    assert!(
        summary.errors.iter().any(|e| e.contains("rollback")),
        "{summary:?}"
    );
    assert_eq!(held(&mut s.outreach), (5, 8));
    assert_eq!(outreach_head(&mut s), head + 1);
    s.replace_roster(&saved);
    s.outreach.sync();
}

fn a_form_link_the_hub_reads_edits_or_forges_changes_no_form(mut s: Scene) {
    let head = s.roster_head();
    let form = fieldbook_core::forms::FormDefinition::try_from(
        fieldbook_core::testing::contact_form_with_naloxone(),
    )
    .unwrap();
    let published = fieldbook_core::sync::publish_form(&mut s.supervisor.store, &form).unwrap();
    assert_eq!(published.seq, head + 1);
    let saved = s.db.run(s.db.storage().roster(s.team, 0)).unwrap();
    let version_in_use =
        |d: &mut Device| d.store.current_form(RecordKind::Contact).unwrap().version;

    // The hub reads it: the form is sealed, no label or key in the clear.
    let stored = String::from_utf8(saved.last().unwrap().statement.clone()).unwrap();
    for secret in ["naloxone", "Naloxone", "Khách hàng", "client_id", "place"] {
        assert!(!stored.contains(secret), "{secret} in {stored}");
    }

    // It edits the sealed form: the link no longer verifies.
    let mut edited = saved.clone();
    let link = edited.last_mut().unwrap();
    let at = stored.find("\"sealed\":\"").unwrap() + 20;
    let mut bytes = stored.clone().into_bytes();
    bytes[at] = if bytes[at] == b'A' { b'B' } else { b'A' };
    link.statement = bytes;
    s.replace_roster(&edited);
    let summary = s.outreach.sync_with(&quick_options());
    assert!(
        summary.errors.iter().any(|e| e.contains("does not verify")),
        "{summary:?}"
    );
    assert_eq!(summary.forms_adopted, 0);
    assert_eq!(version_in_use(&mut s.outreach), 1);

    // It signs a form of its own, claiming the supervisor did.
    s.plant_forged_link(
        &saved,
        head,
        fieldbook_trust::Entry::Form {
            kind: RecordKind::Contact,
            version: 2,
            epoch: 1,
            sealed: vec![0; 64],
        },
    );
    let summary = s.outreach.sync_with(&quick_options());
    assert!(
        summary.errors.iter().any(|e| e.contains("does not verify")),
        "{summary:?}"
    );
    assert_eq!(version_in_use(&mut s.outreach), 1);

    // Shown as signed, every device adopts it.
    s.replace_roster(&saved);
    let summary = s.outreach.sync();
    assert_eq!(summary.forms_adopted, 1, "{summary:?}");
    assert_eq!(version_in_use(&mut s.outreach), 2);
    assert_eq!(version_in_use(&mut s.peer), 1);
    s.peer.sync();
    assert_eq!(version_in_use(&mut s.peer), 2);
}

/// The hash of link `head`, which the next link names as its previous.
fn hash_of_link(saved: &[StoredLink], head: u64) -> [u8; 32] {
    let last = &saved[head as usize - 1];
    fieldbook_trust::Link {
        seq: last.seq,
        prev: last.prev,
        statement: last.statement.clone(),
        signature: last.signature.clone().try_into().unwrap(),
    }
    .hash()
}
