//! One behaviour suite for every [`HubStorage`] backend.
//!
//! Each test is an async function taking the storage as `Arc<dyn HubStorage>`;
//! [`for_backend!`] turns the list into `#[tokio::test]`s per backend, each on
//! a fresh [`Backend`] (a temporary SQLite file, or a schema of its own in a
//! real PostgreSQL: see [`super::test_backends`]).

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use chrono::Duration;
use uuid::Uuid;

use super::test_backends::{Backend, PgSchema};
use super::*;

mod batching;
mod roster;
use batching::*;
use roster::*;

/// Generates one `#[tokio::test]` per test function for a backend: `single`
/// tests get one storage, `pair` tests two instances on one store.
macro_rules! for_backend {
    ($backend:ident single [$($test:ident),* $(,)?] pair [$($pair:ident),* $(,)?]) => {
        mod $backend {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $test() {
                    let Some(backend) = super::Backend::$backend().await else { return };
                    super::$test(backend.storage()).await;
                }
            )*
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $pair() {
                    let Some(backend) = super::Backend::$backend().await else { return };
                    let other = backend.another_instance().await;
                    super::$pair(backend.storage(), other).await;
                }
            )*
        }
    };
}

macro_rules! conformance_suite {
    ($($backend:ident),*) => {
        $(
            for_backend!($backend
                single [
                    teams_round_trip,
                    push_is_idempotent,
                    pull_pages_resume_from_a_cursor,
                    seqs_increase_in_push_order,
                    teams_are_isolated,
                    invites_are_single_use,
                    expired_invites_are_refused,
                    a_wrong_verifier_does_not_consume,
                    concurrent_consumes_have_one_winner,
                    devices_are_found_by_token_hash,
                    revoking_sets_wipe_pending,
                    compact_drops_only_named_older_versions,
                    roster_links_extend_their_head_only,
                    enrolling_is_one_step_and_keeps_no_bundle,
                    revoking_cancels_the_devices_unused_invites,
                    a_roster_write_lands_whole_or_not_at_all,
                    claims_are_kept_per_device_and_settled,
                    pushers_are_forgotten_after_their_retention,
                    expired_invites_are_deleted,
                    key_envelopes_round_trip,
                    concurrent_pushers_and_a_paged_puller,
                    log_stats_count_versions_and_bytes,
                    concurrent_pushes_keep_their_own_outcomes,
                    last_seen_is_written_at_most_every_few_minutes,
                ]
                pair [
                    two_instances_share_one_store,
                ]
            );
        )*
    };
}

conformance_suite!(sqlite, postgres);

/// Several hub processes starting at once on a fresh database: the advisory
/// lock lets exactly one of them create the schema.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_instances_migrate_at_once() {
    let Some(schema) = PgSchema::create().await else {
        return;
    };
    let (a, b, c) = tokio::join!(
        PostgresStorage::connect_with(schema.config(), 2),
        PostgresStorage::connect_with(schema.config(), 2),
        PostgresStorage::connect_with(schema.config(), 2),
    );
    let (a, b, c) = (a.unwrap(), b.unwrap(), c.unwrap());
    for s in [&a, &b, &c] {
        assert_eq!(
            s.schema_version().await.unwrap(),
            PostgresStorage::SCHEMA_VERSION
        );
    }
    let team = a.create_team("Shared").await.unwrap();
    assert_eq!(c.get_team(team.id).await.unwrap(), team);
    // Connecting again changes nothing.
    let d = PostgresStorage::connect_with(schema.config(), 1)
        .await
        .unwrap();
    assert_eq!(d.list_teams().await.unwrap(), vec![team]);
}

#[tokio::test]
async fn postgres_bad_urls_do_not_echo_secrets() {
    let err = PostgresStorage::connect("postgres://u:hunter2@[nonsense")
        .await
        .unwrap_err();
    assert!(matches!(err, StorageError::InvalidInput(_)));
    assert!(!err.to_string().contains("hunter2"));
}

// ----------------------------------------------------------------- helpers

pub(super) fn random32() -> [u8; 32] {
    let mut out = [0u8; 32];
    out[..16].copy_from_slice(Uuid::new_v4().as_bytes());
    out[16..].copy_from_slice(Uuid::new_v4().as_bytes());
    out
}

pub(super) fn new_device(team_id: Uuid, role: Role) -> Device {
    Device {
        id: Uuid::now_v7(),
        team_id,
        role,
        public_key: Some(random32()),
        token_hash: random32(),
        status: DeviceStatus::Active,
        wipe_pending: false,
        created_at: now(),
        last_seen_at: None,
        label: Some("phone".into()),
    }
}

async fn team_and_device(s: &dyn HubStorage, name: &str) -> (Team, Device) {
    let team = s.create_team(name).await.unwrap();
    let device = new_device(team.id, Role::Outreach);
    s.add_device(&device).await.unwrap();
    (team, device)
}

fn version_of(record_id: Uuid, body: &[u8]) -> NewVersion {
    NewVersion {
        version_id: Uuid::now_v7(),
        record_id,
        kind: "contact".into(),
        key_class: "outreach".into(),
        key_epoch: 1,
        body: body.to_vec(),
    }
}

pub(super) fn versions(n: usize) -> Vec<NewVersion> {
    (0..n)
        .map(|i| version_of(Uuid::now_v7(), format!("sealed-{i}").as_bytes()))
        .collect()
}

pub(super) fn new_invite(team_id: Uuid, verifier_hash: [u8; 32], expires_in: Duration) -> Invite {
    let created_at = now();
    Invite {
        id: Uuid::new_v4(),
        team_id,
        role: Role::CaseManager,
        verifier_hash,
        key_bundle: Some(vec![7; 80]),
        created_by: None,
        created_at,
        expires_at: created_at + expires_in,
        used_at: None,
    }
}

pub(super) async fn pull_all(s: &dyn HubStorage, team_id: Uuid) -> Vec<StoredVersion> {
    let mut out = Vec::new();
    let mut cursor = 0;
    loop {
        let page = s.pull(team_id, cursor, 100).await.unwrap();
        out.extend(page.versions);
        cursor = page.next_cursor;
        if !page.more {
            return out;
        }
    }
}

fn ids(vs: &[StoredVersion]) -> Vec<Uuid> {
    vs.iter().map(|v| v.version_id).collect()
}

// ------------------------------------------------------------------- tests

async fn teams_round_trip(s: Arc<dyn HubStorage>) {
    let a = s.create_team("Hải Phòng outreach").await.unwrap();
    let b = s.create_team("Thái Nguyên site").await.unwrap();
    assert_eq!(s.get_team(a.id).await.unwrap(), a);
    assert_eq!(s.list_teams().await.unwrap(), vec![a.clone(), b]);
    assert_eq!(s.current_epoch(a.id).await.unwrap(), 1);
    assert_eq!(
        s.get_team(Uuid::now_v7()).await,
        Err(StorageError::NotFound("team"))
    );
    assert!(matches!(
        s.create_team(" ").await,
        Err(StorageError::InvalidInput(_))
    ));
    assert!(matches!(
        s.current_epoch(Uuid::now_v7()).await,
        Err(StorageError::NotFound("team"))
    ));
    assert!(["sqlite", "postgres"].contains(&s.backend()));
}

async fn push_is_idempotent(s: Arc<dyn HubStorage>) {
    let (team, device) = team_and_device(&*s, "T").await;
    let batch = versions(3);
    let first = s.push(team.id, device.id, batch.clone()).await.unwrap();
    assert_eq!((first.stored, first.duplicates), (3, 0));

    // The same versions again (a retry after a lost response), one new one,
    // and a repeat within the batch.
    let extra = version_of(Uuid::now_v7(), b"extra");
    let mut again = batch.clone();
    again.push(extra.clone());
    again.push(extra.clone());
    let second = s.push(team.id, device.id, again).await.unwrap();
    assert_eq!((second.stored, second.duplicates), (1, 4));
    assert!(second.last_seq > first.last_seq);

    // Nothing new: stored nothing, the log head unchanged.
    let third = s.push(team.id, device.id, batch.clone()).await.unwrap();
    assert_eq!((third.stored, third.duplicates), (0, 3));
    assert_eq!(third.last_seq, second.last_seq);

    let all = pull_all(&*s, team.id).await;
    assert_eq!(all.len(), 4);
    let mut expected: Vec<Uuid> = batch.iter().map(|v| v.version_id).collect();
    expected.push(extra.version_id);
    assert_eq!(ids(&all), expected);
    for (stored, sent) in all.iter().zip(batch.iter().chain([&extra])) {
        assert_eq!(stored.record_id, sent.record_id);
        assert_eq!(stored.kind, sent.kind);
        assert_eq!(stored.key_class, sent.key_class);
        assert_eq!(stored.key_epoch, sent.key_epoch);
        assert_eq!(stored.body, sent.body);
        assert_eq!(stored.pushed_by, Some(device.id));
    }

    // An empty push is fine; bad versions are refused as a whole.
    let empty = s.push(team.id, device.id, vec![]).await.unwrap();
    assert_eq!((empty.stored, empty.duplicates), (0, 0));
    let mut bad = versions(2);
    bad[1].body.clear();
    assert!(matches!(
        s.push(team.id, device.id, bad).await,
        Err(StorageError::InvalidInput(_))
    ));
    assert_eq!(pull_all(&*s, team.id).await.len(), 4);
}

async fn pull_pages_resume_from_a_cursor(s: Arc<dyn HubStorage>) {
    let (team, device) = team_and_device(&*s, "T").await;
    let empty = s.pull(team.id, 0, 10).await.unwrap();
    assert_eq!(
        empty,
        Page {
            versions: vec![],
            next_cursor: 0,
            more: false
        }
    );

    let sent = versions(25);
    for chunk in sent.chunks(4) {
        s.push(team.id, device.id, chunk.to_vec()).await.unwrap();
    }
    let expected: Vec<Uuid> = sent.iter().map(|v| v.version_id).collect();

    let p1 = s.pull(team.id, 0, 10).await.unwrap();
    assert_eq!(p1.versions.len(), 10);
    assert!(p1.more);
    assert_eq!(p1.next_cursor, p1.versions.last().unwrap().seq);
    let p2 = s.pull(team.id, p1.next_cursor, 10).await.unwrap();
    assert!(p2.more);

    // The connection drops before page 3 arrives: the device resumes from
    // the cursor it saved after page 2, and gets page 3 again, the same.
    let p3 = s.pull(team.id, p2.next_cursor, 10).await.unwrap();
    let p3_again = s.pull(team.id, p2.next_cursor, 10).await.unwrap();
    assert_eq!(p3, p3_again);
    assert_eq!(p3.versions.len(), 5);
    assert!(!p3.more);

    let got: Vec<Uuid> = [&p1, &p2, &p3]
        .iter()
        .flat_map(|p| ids(&p.versions))
        .collect();
    assert_eq!(got, expected);

    // Resuming from the middle of a page.
    let middle = p1.versions[4].seq;
    let resumed = s.pull(team.id, middle, 100).await.unwrap();
    assert_eq!(ids(&resumed.versions), expected[5..].to_vec());
    assert!(!resumed.more);

    // Past the end: nothing, and the cursor stays.
    let end = s.pull(team.id, p3.next_cursor, 10).await.unwrap();
    assert_eq!(
        end,
        Page {
            versions: vec![],
            next_cursor: p3.next_cursor,
            more: false
        }
    );

    // A page exactly as long as what is left says there is no more.
    let exact = s.pull(team.id, p2.next_cursor, 5).await.unwrap();
    assert_eq!(exact.versions.len(), 5);
    assert!(!exact.more);

    // Limits: zero is refused, too large is capped.
    assert!(matches!(
        s.pull(team.id, 0, 0).await,
        Err(StorageError::InvalidInput(_))
    ));
    assert_eq!(
        s.pull(team.id, 0, u32::MAX).await.unwrap().versions.len(),
        25
    );
    assert_eq!(
        s.pull(Uuid::now_v7(), 0, 10).await,
        Err(StorageError::NotFound("team"))
    );
}

async fn seqs_increase_in_push_order(s: Arc<dyn HubStorage>) {
    let (team, device) = team_and_device(&*s, "T").await;
    let mut sent = Vec::new();
    let mut last = 0;
    for _ in 0..5 {
        let batch = versions(7);
        sent.extend(batch.iter().map(|v| v.version_id));
        let out = s.push(team.id, device.id, batch).await.unwrap();
        assert!(out.last_seq > last);
        last = out.last_seq;
    }
    let all = pull_all(&*s, team.id).await;
    assert_eq!(ids(&all), sent);
    assert!(all.windows(2).all(|w| w[0].seq < w[1].seq));
    assert_eq!(all.last().unwrap().seq, last);
    assert!(all.iter().all(|v| v.seq >= 1));
}

async fn teams_are_isolated(s: Arc<dyn HubStorage>) {
    let (a, device_a) = team_and_device(&*s, "A").await;
    let (b, device_b) = team_and_device(&*s, "B").await;
    let for_a = versions(5);
    let for_b = versions(3);
    s.push(a.id, device_a.id, for_a.clone()).await.unwrap();
    s.push(b.id, device_b.id, for_b.clone()).await.unwrap();

    // The same version id in both teams is stored in both.
    let shared = version_of(Uuid::now_v7(), b"shared");
    let in_a = s
        .push(a.id, device_a.id, vec![shared.clone()])
        .await
        .unwrap();
    let in_b = s
        .push(b.id, device_b.id, vec![shared.clone()])
        .await
        .unwrap();
    assert_eq!((in_a.stored, in_b.stored), (1, 1));

    let pulled_a = pull_all(&*s, a.id).await;
    let pulled_b = pull_all(&*s, b.id).await;
    let mut expected_a: Vec<Uuid> = for_a.iter().map(|v| v.version_id).collect();
    expected_a.push(shared.version_id);
    let mut expected_b: Vec<Uuid> = for_b.iter().map(|v| v.version_id).collect();
    expected_b.push(shared.version_id);
    assert_eq!(ids(&pulled_a), expected_a);
    assert_eq!(ids(&pulled_b), expected_b);
    assert!(pulled_b.iter().all(|v| v.pushed_by == Some(device_b.id)));

    // A device cannot push into another team's log.
    assert_eq!(
        s.push(b.id, device_a.id, versions(1)).await,
        Err(StorageError::NotFound("device"))
    );
    assert_eq!(
        s.push(Uuid::now_v7(), device_a.id, versions(1)).await,
        Err(StorageError::NotFound("team"))
    );
    assert_eq!(pull_all(&*s, b.id).await.len(), 4);
    assert_eq!(s.log_stats(a.id).await.unwrap().versions, 6);
    assert_eq!(s.log_stats(b.id).await.unwrap().versions, 4);
    assert_eq!(s.list_devices(a.id).await.unwrap(), vec![device_a]);
}

async fn invites_are_single_use(s: Arc<dyn HubStorage>) {
    let team = s.create_team("T").await.unwrap();
    let verifier = random32();
    let invite = new_invite(team.id, verifier, Duration::hours(24));
    s.create_invite(&invite).await.unwrap();
    assert_eq!(s.get_invite(invite.id).await.unwrap(), invite);

    let at = now();
    let used = s.consume_invite(invite.id, &verifier, at).await.unwrap();
    assert_eq!(used.used_at, Some(at));
    assert_eq!(used.key_bundle, invite.key_bundle);
    assert_eq!(used.role, Role::CaseManager);
    assert_eq!(s.get_invite(invite.id).await.unwrap(), used);

    assert!(matches!(
        s.consume_invite(invite.id, &verifier, now()).await,
        Err(StorageError::Conflict(_))
    ));
    // The first use is kept.
    assert_eq!(s.get_invite(invite.id).await.unwrap().used_at, Some(at));

    // The team's bootstrap code: no key bundle, no creator.
    let bootstrap = Invite {
        key_bundle: None,
        role: Role::Supervisor,
        ..new_invite(team.id, random32(), Duration::hours(1))
    };
    s.create_invite(&bootstrap).await.unwrap();
    assert_eq!(s.get_invite(bootstrap.id).await.unwrap(), bootstrap);

    // Duplicates, unknown teams and pre-used invites are refused.
    assert!(matches!(
        s.create_invite(&bootstrap).await,
        Err(StorageError::Conflict(_))
    ));
    assert_eq!(
        s.create_invite(&new_invite(Uuid::now_v7(), verifier, Duration::hours(1)))
            .await,
        Err(StorageError::NotFound("team"))
    );
    let pre_used = Invite {
        used_at: Some(now()),
        ..new_invite(team.id, verifier, Duration::hours(1))
    };
    assert!(matches!(
        s.create_invite(&pre_used).await,
        Err(StorageError::InvalidInput(_))
    ));

    // An invite made by a supervisor device records it.
    let supervisor = new_device(team.id, Role::Supervisor);
    s.add_device(&supervisor).await.unwrap();
    let made = Invite {
        created_by: Some(supervisor.id),
        ..new_invite(team.id, verifier, Duration::hours(1))
    };
    s.create_invite(&made).await.unwrap();
    assert_eq!(
        s.get_invite(made.id).await.unwrap().created_by,
        Some(supervisor.id)
    );
}

async fn expired_invites_are_refused(s: Arc<dyn HubStorage>) {
    let team = s.create_team("T").await.unwrap();
    let verifier = random32();
    let invite = new_invite(team.id, verifier, Duration::minutes(10));
    s.create_invite(&invite).await.unwrap();

    let late = invite.expires_at + Duration::seconds(1);
    assert_eq!(
        s.consume_invite(invite.id, &verifier, late).await,
        Err(StorageError::Conflict("invite expired".into()))
    );
    // Exactly at expiry is too late as well.
    assert!(matches!(
        s.consume_invite(invite.id, &verifier, invite.expires_at)
            .await,
        Err(StorageError::Conflict(_))
    ));
    assert_eq!(s.get_invite(invite.id).await.unwrap().used_at, None);
    // Still usable before expiry (the clock is the caller's).
    let early = invite.expires_at - Duration::seconds(1);
    assert!(s.consume_invite(invite.id, &verifier, early).await.is_ok());
}

async fn a_wrong_verifier_does_not_consume(s: Arc<dyn HubStorage>) {
    let team = s.create_team("T").await.unwrap();
    let verifier = random32();
    let invite = new_invite(team.id, verifier, Duration::hours(1));
    s.create_invite(&invite).await.unwrap();

    let mut wrong = verifier;
    wrong[31] ^= 1;
    for _ in 0..3 {
        assert_eq!(
            s.consume_invite(invite.id, &wrong, now()).await,
            Err(StorageError::NotFound("invite"))
        );
    }
    assert_eq!(s.get_invite(invite.id).await.unwrap().used_at, None);
    // Unknown and wrong look alike.
    assert_eq!(
        s.consume_invite(Uuid::new_v4(), &verifier, now()).await,
        Err(StorageError::NotFound("invite"))
    );
    assert!(s.consume_invite(invite.id, &verifier, now()).await.is_ok());
    // Once used, a wrong verifier still learns nothing more than "not found".
    assert_eq!(
        s.consume_invite(invite.id, &wrong, now()).await,
        Err(StorageError::NotFound("invite"))
    );
}

async fn concurrent_consumes_have_one_winner(s: Arc<dyn HubStorage>) {
    let team = s.create_team("T").await.unwrap();
    for _round in 0..3 {
        let verifier = random32();
        let invite = new_invite(team.id, verifier, Duration::hours(1));
        s.create_invite(&invite).await.unwrap();
        let start = Arc::new(tokio::sync::Barrier::new(8));
        let tasks: Vec<_> = (0..8)
            .map(|_| {
                let s = Arc::clone(&s);
                let start = Arc::clone(&start);
                tokio::spawn(async move {
                    start.wait().await;
                    s.consume_invite(invite.id, &verifier, now()).await
                })
            })
            .collect();
        let mut wins = 0;
        for t in tasks {
            match t.await.unwrap() {
                Ok(used) => {
                    assert!(used.used_at.is_some());
                    wins += 1;
                }
                Err(StorageError::Conflict(_)) => {}
                Err(other) => panic!("unexpected {other:?}"),
            }
        }
        assert_eq!(wins, 1);
    }
}

async fn devices_are_found_by_token_hash(s: Arc<dyn HubStorage>) {
    let team = s.create_team("T").await.unwrap();
    // The bootstrap supervisor has no public key yet.
    let supervisor = Device {
        public_key: None,
        label: None,
        ..new_device(team.id, Role::Supervisor)
    };
    let outreach = new_device(team.id, Role::Outreach);
    s.add_device(&supervisor).await.unwrap();
    s.add_device(&outreach).await.unwrap();

    assert_eq!(
        s.device_by_token_hash(&outreach.token_hash).await.unwrap(),
        Some(outreach.clone())
    );
    assert_eq!(
        s.device_by_token_hash(&supervisor.token_hash)
            .await
            .unwrap(),
        Some(supervisor.clone())
    );
    assert_eq!(s.device_by_token_hash(&random32()).await.unwrap(), None);
    assert_eq!(s.get_device(outreach.id).await.unwrap(), outreach);
    assert_eq!(
        s.list_devices(team.id).await.unwrap(),
        vec![supervisor.clone(), outreach.clone()]
    );

    // Every role survives the round trip.
    for role in Role::ALL {
        let d = new_device(team.id, role);
        s.add_device(&d).await.unwrap();
        assert_eq!(s.get_device(d.id).await.unwrap().role, role);
    }

    // A token hash or id is registered once.
    let same_token = Device {
        token_hash: outreach.token_hash,
        ..new_device(team.id, Role::Outreach)
    };
    assert!(matches!(
        s.add_device(&same_token).await,
        Err(StorageError::Conflict(_))
    ));
    let same_id = Device {
        id: outreach.id,
        ..new_device(team.id, Role::Outreach)
    };
    assert!(matches!(
        s.add_device(&same_id).await,
        Err(StorageError::Conflict(_))
    ));
    assert_eq!(
        s.add_device(&new_device(Uuid::now_v7(), Role::Outreach))
            .await,
        Err(StorageError::NotFound("team"))
    );

    let key = random32();
    s.set_device_public_key(supervisor.id, &key).await.unwrap();
    assert_eq!(
        s.get_device(supervisor.id).await.unwrap().public_key,
        Some(key)
    );

    let seen = now();
    s.touch_device(outreach.id, seen).await.unwrap();
    s.touch_device(outreach.id, seen - Duration::minutes(5))
        .await
        .unwrap();
    assert_eq!(
        s.get_device(outreach.id).await.unwrap().last_seen_at,
        Some(seen)
    );

    let unknown = Uuid::now_v7();
    assert_eq!(
        s.get_device(unknown).await,
        Err(StorageError::NotFound("device"))
    );
    assert_eq!(
        s.set_device_public_key(unknown, &key).await,
        Err(StorageError::NotFound("device"))
    );
    assert_eq!(
        s.touch_device(unknown, seen).await,
        Err(StorageError::NotFound("device"))
    );
    assert_eq!(
        s.list_devices(unknown).await,
        Err(StorageError::NotFound("team"))
    );
}

async fn revoking_sets_wipe_pending(s: Arc<dyn HubStorage>) {
    let (team, device) = team_and_device(&*s, "T").await;
    let other = new_device(team.id, Role::PeerLeader);
    s.add_device(&other).await.unwrap();
    s.push(team.id, device.id, versions(2)).await.unwrap();

    assert!(matches!(
        s.acknowledge_wipe(device.id).await,
        Err(StorageError::Conflict(_))
    ));
    s.revoke_device(device.id).await.unwrap();
    let revoked = s.get_device(device.id).await.unwrap();
    assert_eq!(revoked.status, DeviceStatus::Revoked);
    assert!(revoked.wipe_pending);
    // The hub still recognises the token, to deliver the wipe order.
    assert_eq!(
        s.device_by_token_hash(&device.token_hash).await.unwrap(),
        Some(revoked)
    );
    // The other device is untouched.
    assert_eq!(s.get_device(other.id).await.unwrap(), other);

    // A revoked device can no longer push.
    assert_eq!(
        s.push(team.id, device.id, versions(1)).await,
        Err(StorageError::Conflict("device is revoked".into()))
    );
    assert_eq!(s.log_stats(team.id).await.unwrap().versions, 2);

    s.acknowledge_wipe(device.id).await.unwrap();
    let wiped = s.get_device(device.id).await.unwrap();
    assert_eq!(wiped.status, DeviceStatus::Revoked);
    assert!(!wiped.wipe_pending);
    // Revoking again does not re-arm the wipe order.
    s.revoke_device(device.id).await.unwrap();
    assert!(!s.get_device(device.id).await.unwrap().wipe_pending);

    assert_eq!(
        s.revoke_device(Uuid::now_v7()).await,
        Err(StorageError::NotFound("device"))
    );
    assert_eq!(
        s.acknowledge_wipe(Uuid::now_v7()).await,
        Err(StorageError::NotFound("device"))
    );
}

async fn compact_drops_only_named_older_versions(s: Arc<dyn HubStorage>) {
    let (team, device) = team_and_device(&*s, "T").await;
    let (other_team, other_device) = team_and_device(&*s, "U").await;
    let record = Uuid::now_v7();
    let other_record = Uuid::now_v7();
    let v1 = version_of(record, b"v1");
    let v2 = version_of(record, b"v2");
    let v3 = version_of(record, b"v3");
    let o1 = version_of(other_record, b"o1");
    let merged = version_of(record, b"merged");
    let newer = version_of(record, b"newer");
    for batch in [
        vec![v1.clone(), v2.clone()],
        vec![v3.clone(), o1.clone()],
        vec![merged.clone()],
        vec![newer.clone()],
    ] {
        s.push(team.id, device.id, batch).await.unwrap();
    }
    // The same version ids live in another team too.
    s.push(other_team.id, other_device.id, vec![v1.clone(), v2.clone()])
        .await
        .unwrap();

    // A device that pulled everything before the compaction.
    let before = pull_all(&*s, team.id).await;
    assert_eq!(before.len(), 6);

    // Named: v1, v2 (dropped), o1 (another record), newer (after the merged
    // version), the kept version itself and an unknown id (all ignored).
    let dropped = s
        .compact(
            team.id,
            record,
            merged.version_id,
            vec![
                v1.version_id,
                v2.version_id,
                o1.version_id,
                newer.version_id,
                merged.version_id,
                Uuid::now_v7(),
            ],
        )
        .await
        .unwrap();
    assert_eq!(dropped, 2);
    let after = pull_all(&*s, team.id).await;
    assert_eq!(
        ids(&after),
        vec![
            v3.version_id,
            o1.version_id,
            merged.version_id,
            newer.version_id
        ]
    );
    // Seqs are unchanged by compaction.
    for v in &after {
        assert_eq!(
            before
                .iter()
                .find(|b| b.version_id == v.version_id)
                .unwrap()
                .seq,
            v.seq
        );
    }
    // A device that had pulled up to v2's seq resumes with what remains.
    let resumed = s.pull(team.id, before[1].seq, 100).await.unwrap();
    assert_eq!(ids(&resumed.versions), ids(&after));
    // The other team's copies are untouched.
    assert_eq!(pull_all(&*s, other_team.id).await.len(), 2);

    // Dropping again drops nothing.
    assert_eq!(
        s.compact(team.id, record, merged.version_id, vec![v1.version_id])
            .await
            .unwrap(),
        0
    );
    // The kept version must be a version of that record in that team.
    assert_eq!(
        s.compact(team.id, other_record, merged.version_id, vec![])
            .await,
        Err(StorageError::NotFound("version"))
    );
    assert_eq!(
        s.compact(
            other_team.id,
            record,
            merged.version_id,
            vec![v1.version_id]
        )
        .await,
        Err(StorageError::NotFound("version"))
    );
    // A device retrying a push whose answer it lost, after the compaction:
    // the dropped versions still count as already stored.
    let retry = s
        .push(team.id, device.id, vec![v1.clone(), v2.clone()])
        .await
        .unwrap();
    assert_eq!((retry.stored, retry.duplicates), (0, 2));
    assert_eq!(pull_all(&*s, team.id).await.len(), 4);
    let stats = s.log_stats(team.id).await.unwrap();
    assert_eq!(stats.versions, 4);
    assert_eq!(stats.bytes, (2 + 2 + 6 + 5) as u64);
}

async fn key_envelopes_round_trip(s: Arc<dyn HubStorage>) {
    let team = s.create_team("T").await.unwrap();
    let (other_team, stranger) = team_and_device(&*s, "U").await;
    let supervisor = new_device(team.id, Role::Supervisor);
    let worker = new_device(team.id, Role::Outreach);
    s.add_device(&supervisor).await.unwrap();
    s.add_device(&worker).await.unwrap();
    assert_eq!(s.current_epoch(team.id).await.unwrap(), 1);
    assert_eq!(s.key_envelopes_for(worker.id).await.unwrap(), vec![]);

    let env = |device: &Device, class: &str, byte: u8| Envelope {
        device_id: device.id,
        key_class: class.into(),
        wrapped: vec![byte; 60],
        signer: Some(supervisor.id),
        signature: Some(vec![byte; 64]),
    };
    s.put_key_envelopes(
        team.id,
        2,
        vec![
            env(&supervisor, "outreach", 1),
            env(&supervisor, "case", 2),
            env(&worker, "outreach", 3),
        ],
    )
    .await
    .unwrap();
    assert_eq!(s.current_epoch(team.id).await.unwrap(), 2);
    assert_eq!(s.current_epoch(other_team.id).await.unwrap(), 1);

    let stored = |device: &Device, epoch: u32, class: &str, byte: u8| StoredEnvelope {
        team_id: team.id,
        epoch,
        device_id: device.id,
        key_class: class.into(),
        wrapped: vec![byte; 60],
        signer: Some(supervisor.id),
        signature: Some(vec![byte; 64]),
    };
    assert_eq!(
        s.key_envelopes_for(supervisor.id).await.unwrap(),
        vec![
            stored(&supervisor, 2, "case", 2),
            stored(&supervisor, 2, "outreach", 1)
        ]
    );

    // Older epochs re-wrapped for a device (so it can read old records) do
    // not move the current epoch back; putting again replaces.
    s.put_key_envelopes(
        team.id,
        1,
        vec![env(&worker, "outreach", 4), env(&worker, "outreach", 5)],
    )
    .await
    .unwrap();
    s.put_key_envelopes(team.id, 2, vec![env(&worker, "outreach", 6)])
        .await
        .unwrap();
    assert_eq!(s.current_epoch(team.id).await.unwrap(), 2);
    assert_eq!(
        s.key_envelopes_for(worker.id).await.unwrap(),
        vec![
            stored(&worker, 1, "outreach", 5),
            stored(&worker, 2, "outreach", 6)
        ]
    );

    // A device of another team is refused, and the batch stores nothing.
    assert!(matches!(
        s.put_key_envelopes(
            team.id,
            3,
            vec![env(&worker, "outreach", 7), env(&stranger, "outreach", 8)]
        )
        .await,
        Err(StorageError::InvalidInput(_))
    ));
    assert_eq!(s.current_epoch(team.id).await.unwrap(), 2);
    assert_eq!(s.key_envelopes_for(worker.id).await.unwrap().len(), 2);
    assert_eq!(s.key_envelopes_for(stranger.id).await.unwrap(), vec![]);

    assert!(matches!(
        s.put_key_envelopes(team.id, 0, vec![]).await,
        Err(StorageError::InvalidInput(_))
    ));
    assert_eq!(
        s.put_key_envelopes(Uuid::now_v7(), 2, vec![]).await,
        Err(StorageError::NotFound("team"))
    );
    assert_eq!(
        s.key_envelopes_for(Uuid::now_v7()).await,
        Err(StorageError::NotFound("device"))
    );
    // An epoch bump without envelopes (a rotation whose envelopes follow).
    s.put_key_envelopes(team.id, 5, vec![]).await.unwrap();
    assert_eq!(s.current_epoch(team.id).await.unwrap(), 5);
}

/// The commit-order test: while several tasks push, a puller pulls in small
/// pages and saves its cursor after each page. If a version could become
/// visible after one with a larger seq, the puller would move past it and
/// miss it for good.
async fn pushers_and_puller(pushers: Vec<Arc<dyn HubStorage>>, puller: Arc<dyn HubStorage>) {
    const TASKS: usize = 4;
    const PER_TASK: usize = 200;
    const BATCH: usize = 10;

    let team = pushers[0].create_team("Busy").await.unwrap();
    let mut expected = HashSet::new();
    let mut work = Vec::new();
    for t in 0..TASKS {
        let device = new_device(team.id, Role::Outreach);
        pushers[0].add_device(&device).await.unwrap();
        let batch = versions(PER_TASK);
        expected.extend(batch.iter().map(|v| v.version_id));
        work.push((Arc::clone(&pushers[t % pushers.len()]), device, batch));
    }

    let done = Arc::new(AtomicBool::new(false));
    let start = Arc::new(tokio::sync::Barrier::new(TASKS + 1));
    let pull_task = {
        let puller = Arc::clone(&puller);
        let done = Arc::clone(&done);
        let start = Arc::clone(&start);
        tokio::spawn(async move {
            start.wait().await;
            let mut cursor = 0i64;
            let mut seen = HashSet::new();
            let mut pages = 0u32;
            loop {
                // Read the flag before pulling: a page with nothing more,
                // pulled after every push committed, means we have it all.
                let finished = done.load(Ordering::SeqCst);
                let page = puller.pull(team.id, cursor, 37).await.unwrap();
                pages += 1;
                for v in &page.versions {
                    assert!(v.seq > cursor, "seq {} after cursor {cursor}", v.seq);
                    cursor = v.seq;
                    assert!(seen.insert(v.version_id), "version seen twice");
                }
                assert_eq!(page.next_cursor, cursor);
                if !page.more {
                    if finished {
                        break;
                    }
                    tokio::task::yield_now().await;
                }
            }
            (seen, pages)
        })
    };

    let push_tasks: Vec<_> = work
        .into_iter()
        .map(|(storage, device, batch)| {
            let start = Arc::clone(&start);
            tokio::spawn(async move {
                start.wait().await;
                for chunk in batch.chunks(BATCH) {
                    let out = storage
                        .push(team.id, device.id, chunk.to_vec())
                        .await
                        .unwrap();
                    assert_eq!(out.stored as usize, chunk.len());
                    tokio::task::yield_now().await;
                }
            })
        })
        .collect();
    for t in push_tasks {
        t.await.unwrap();
    }
    done.store(true, Ordering::SeqCst);
    let (seen, pages) = pull_task.await.unwrap();
    assert_eq!(seen.len(), TASKS * PER_TASK);
    assert_eq!(seen, expected);
    assert!(pages > 1);

    let stats = puller.log_stats(team.id).await.unwrap();
    assert_eq!(stats.versions as usize, TASKS * PER_TASK);
}

async fn concurrent_pushers_and_a_paged_puller(s: Arc<dyn HubStorage>) {
    pushers_and_puller(vec![Arc::clone(&s)], s).await;
}

async fn log_stats_count_versions_and_bytes(s: Arc<dyn HubStorage>) {
    let (team, device) = team_and_device(&*s, "T").await;
    assert_eq!(
        s.log_stats(team.id).await.unwrap(),
        LogStats {
            versions: 0,
            bytes: 0,
            max_seq: 0
        }
    );
    let batch: Vec<NewVersion> = (1..=10)
        .map(|n| version_of(Uuid::now_v7(), &vec![0xAB; n * 100]))
        .collect();
    let out = s.push(team.id, device.id, batch.clone()).await.unwrap();
    s.push(team.id, device.id, batch).await.unwrap();
    assert_eq!(
        s.log_stats(team.id).await.unwrap(),
        LogStats {
            versions: 10,
            bytes: 5500,
            max_seq: out.last_seq
        }
    );
    assert_eq!(
        s.log_stats(Uuid::now_v7()).await,
        Err(StorageError::NotFound("team"))
    );
}

/// Two hub processes on one store: what one writes the other reads, their
/// pushes interleave without a puller missing anything, and an invite still
/// has exactly one winner.
async fn two_instances_share_one_store(a: Arc<dyn HubStorage>, b: Arc<dyn HubStorage>) {
    let (team, device) = team_and_device(&*a, "Shared").await;
    assert_eq!(b.get_team(team.id).await.unwrap(), team);
    assert_eq!(
        b.device_by_token_hash(&device.token_hash).await.unwrap(),
        Some(device.clone())
    );

    let verifier = random32();
    let invite = new_invite(team.id, verifier, Duration::hours(1));
    b.create_invite(&invite).await.unwrap();
    let tasks: Vec<_> = (0..8)
        .map(|i| {
            let s = if i % 2 == 0 {
                Arc::clone(&a)
            } else {
                Arc::clone(&b)
            };
            tokio::spawn(async move { s.consume_invite(invite.id, &verifier, now()).await })
        })
        .collect();
    let mut wins = 0;
    for t in tasks {
        if t.await.unwrap().is_ok() {
            wins += 1;
        }
    }
    assert_eq!(wins, 1);

    pushers_and_puller(vec![Arc::clone(&a), Arc::clone(&b)], b).await;
}

#[test]
fn debug_output_shows_no_secret_bytes() {
    let team = Uuid::now_v7();
    let mut invite = new_invite(team, [0x5a; 32], Duration::hours(1));
    invite.key_bundle = Some(vec![0x5a; 40]);
    let device = Device {
        token_hash: [0x5a; 32],
        public_key: Some([0x5a; 32]),
        ..new_device(team, Role::Supervisor)
    };
    let version = version_of(Uuid::now_v7(), &[0x5a; 20]);
    let envelope = Envelope {
        device_id: device.id,
        key_class: "case".into(),
        wrapped: vec![0x5a; 48],
        signer: None,
        signature: None,
    };
    for text in [
        format!("{invite:?}"),
        format!("{device:?}"),
        format!("{version:?}"),
        format!("{envelope:?}"),
    ] {
        assert!(!text.contains("90, 90"), "{text}"); // 0x5a bytes as Debug prints them
        assert!(text.contains("bytes>"), "{text}");
    }
}
