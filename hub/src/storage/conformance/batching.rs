//! Conformance tests for the hub's batching: many pushes at once each keep
//! their own outcome (SQLite commits them in groups), and a device's
//! `last_seen_at` is written at most every [`LAST_SEEN_PRECISION`].

use std::collections::HashSet;
use std::sync::Arc;

use chrono::Duration;
use uuid::Uuid;

use super::{new_device, pull_all, team_and_device, versions};
use crate::storage::*;

/// Pushes from many devices at once, in waves: each stores its own versions
/// exactly once, one version every device pushes is stored once and counted
/// as a duplicate by the others, and the refused pushes among them (a
/// revoked device, a device of another team) fail alone.
pub(super) async fn concurrent_pushes_keep_their_own_outcomes(s: Arc<dyn HubStorage>) {
    const DEVICES: usize = 24;
    const WAVES: usize = 4;
    const PER_PUSH: usize = 3;

    let team = s.create_team("Crowd").await.unwrap();
    let (other_team, outsider) = team_and_device(&*s, "Elsewhere").await;
    let mut devices = Vec::new();
    for _ in 0..DEVICES {
        let d = new_device(team.id, Role::Outreach);
        s.add_device(&d).await.unwrap();
        devices.push(d);
    }
    let revoked = new_device(team.id, Role::Outreach);
    s.add_device(&revoked).await.unwrap();
    s.revoke_device(revoked.id).await.unwrap();

    let mut expected = HashSet::new();
    for wave in 0..WAVES {
        // One version every device of the wave pushes: stored once.
        let shared = versions(1).remove(0);
        expected.insert(shared.version_id);
        let start = Arc::new(tokio::sync::Barrier::new(DEVICES + 2));
        let mut tasks = Vec::new();
        for d in &devices {
            let mut batch = versions(PER_PUSH);
            expected.extend(batch.iter().map(|v| v.version_id));
            batch.push(shared.clone());
            let (s, start, team_id, device_id) =
                (Arc::clone(&s), Arc::clone(&start), team.id, d.id);
            tasks.push(tokio::spawn(async move {
                start.wait().await;
                s.push(team_id, device_id, batch).await
            }));
        }
        let refused_revoked = {
            let (s, start, team_id, device_id) =
                (Arc::clone(&s), Arc::clone(&start), team.id, revoked.id);
            tokio::spawn(async move {
                start.wait().await;
                s.push(team_id, device_id, versions(2)).await
            })
        };
        let refused_outsider = {
            let (s, start, team_id, device_id) =
                (Arc::clone(&s), Arc::clone(&start), team.id, outsider.id);
            tokio::spawn(async move {
                start.wait().await;
                s.push(team_id, device_id, versions(2)).await
            })
        };
        let mut stored_shared = 0;
        let mut last_seqs = HashSet::new();
        for t in tasks {
            let out = t.await.unwrap().unwrap();
            assert!(
                out.stored as usize == PER_PUSH || out.stored as usize == PER_PUSH + 1,
                "wave {wave}: {out:?}"
            );
            assert_eq!(out.stored + out.duplicates, PER_PUSH as u32 + 1);
            stored_shared += out.stored as usize - PER_PUSH;
            assert!(
                last_seqs.insert(out.last_seq),
                "two pushes ended at one seq"
            );
        }
        assert_eq!(
            stored_shared, 1,
            "wave {wave}: the shared version stored once"
        );
        assert_eq!(
            refused_revoked.await.unwrap(),
            Err(StorageError::Conflict("device is revoked".into()))
        );
        assert_eq!(
            refused_outsider.await.unwrap(),
            Err(StorageError::NotFound("device"))
        );
    }

    let log = pull_all(&*s, team.id).await;
    let ids: Vec<Uuid> = log.iter().map(|v| v.version_id).collect();
    let unique: HashSet<Uuid> = ids.iter().copied().collect();
    assert_eq!(unique.len(), ids.len(), "a version stored twice");
    assert_eq!(unique, expected);
    // Seqs are allocated without gaps here (nothing was compacted), in order.
    let seqs: Vec<i64> = log.iter().map(|v| v.seq).collect();
    assert_eq!(seqs, (1..=log.len() as i64).collect::<Vec<_>>());
    // Nothing leaked into the other team's log.
    assert!(s
        .pull(other_team.id, 0, 10)
        .await
        .unwrap()
        .versions
        .is_empty());
}

/// `authenticate` and `pull_for` rewrite `last_seen_at` only once it is
/// [`LAST_SEEN_PRECISION`] old, never for a revoked device, and never move it back.
pub(super) async fn last_seen_is_written_at_most_every_few_minutes(s: Arc<dyn HubStorage>) {
    let (team, device) = team_and_device(&*s, "T").await;
    assert_eq!(device.last_seen_at, None);
    let stored =
        |s: Arc<dyn HubStorage>, id| async move { s.get_device(id).await.unwrap().last_seen_at };
    let t0 = now();

    // The first call after enrolling records it.
    let seen = s
        .authenticate(&device.token_hash, t0)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(seen.last_seen_at, Some(t0));
    assert_eq!(stored(Arc::clone(&s), device.id).await, Some(t0));

    // Within the window: read, not rewritten.
    for later in [
        Duration::seconds(1),
        LAST_SEEN_PRECISION - Duration::seconds(1),
    ] {
        let seen = s
            .authenticate(&device.token_hash, t0 + later)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(seen.last_seen_at, Some(t0));
        assert_eq!(stored(Arc::clone(&s), device.id).await, Some(t0));
    }
    // An earlier clock never moves it back.
    let seen = s
        .authenticate(&device.token_hash, t0 - LAST_SEEN_PRECISION * 2)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(seen.last_seen_at, Some(t0));

    // Once the window passed: rewritten.
    let t1 = t0 + LAST_SEEN_PRECISION;
    let seen = s
        .authenticate(&device.token_hash, t1)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(seen.last_seen_at, Some(t1));
    assert_eq!(stored(Arc::clone(&s), device.id).await, Some(t1));

    // A pull does the same, and brings the team's state with its page.
    s.push(team.id, device.id, versions(3)).await.unwrap();
    let found = s
        .pull_for(&device.token_hash, t1 + Duration::minutes(1), 0, 2)
        .await
        .unwrap();
    let Authed::Active(seen, sync) = found else {
        panic!("an active device's pull: {found:?}");
    };
    assert_eq!(seen.id, device.id);
    assert_eq!(seen.last_seen_at, Some(t1));
    assert_eq!(stored(Arc::clone(&s), device.id).await, Some(t1));
    assert_eq!(sync.page, s.pull(team.id, 0, 2).await.unwrap());
    assert!(sync.page.more);
    assert_eq!(sync.key_epoch, s.current_epoch(team.id).await.unwrap());
    assert_eq!(sync.roster_head, s.roster_head(team.id).await.unwrap());
    let t2 = t1 + LAST_SEEN_PRECISION + Duration::seconds(30);
    let Authed::Active(seen, _) = s.pull_for(&device.token_hash, t2, 0, 2).await.unwrap() else {
        panic!("an active device's pull");
    };
    assert_eq!(seen.last_seen_at, Some(t2));
    assert_eq!(stored(Arc::clone(&s), device.id).await, Some(t2));

    // A revoked device is recognised (to be told to wipe) but not marked seen.
    s.revoke_device(device.id).await.unwrap();
    let t3 = t2 + LAST_SEEN_PRECISION * 3;
    let revoked = s
        .authenticate(&device.token_hash, t3)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(revoked.status, DeviceStatus::Revoked);
    assert_eq!(revoked.last_seen_at, Some(t2));
    assert!(matches!(
        s.pull_for(&device.token_hash, t3, 0, 10).await.unwrap(),
        Authed::Revoked(d) if d.id == device.id
    ));
    assert_eq!(stored(Arc::clone(&s), device.id).await, Some(t2));

    // An unknown token finds nothing and writes nothing.
    let unknown = super::random32();
    assert_eq!(s.authenticate(&unknown, t3).await.unwrap(), None);
    assert_eq!(
        s.pull_for(&unknown, t3, 0, 10).await.unwrap(),
        Authed::Unknown
    );
}
