//! The roster's storage on every backend: links only after their head,
//! enrollment and roster writes in one transaction, what a revocation and a
//! genesis cancel, claims, and what the hub forgets.

use std::sync::Arc;

use chrono::Duration;
use uuid::Uuid;

use super::{new_device, new_invite, pull_all, random32, versions};
use crate::storage::*;

fn link(seq: u64, byte: u8) -> StoredLink {
    StoredLink {
        seq,
        prev: [byte; 32],
        statement: vec![byte; 100],
        signature: vec![byte; 64],
    }
}

fn append(after: u64, links: Vec<StoredLink>) -> RosterWrite {
    RosterWrite {
        after: Some(after),
        links,
        ..Default::default()
    }
}

pub async fn roster_links_extend_their_head_only(s: Arc<dyn HubStorage>) {
    let team = s.create_team("T").await.unwrap();
    let other = s.create_team("U").await.unwrap();
    assert_eq!(s.roster_head(team.id).await.unwrap(), 0);
    assert!(s.roster(team.id, 0).await.unwrap().is_empty());
    s.write_roster(team.id, append(0, vec![link(1, 1), link(2, 2)]))
        .await
        .unwrap();
    assert_eq!(s.roster_head(team.id).await.unwrap(), 2);
    assert_eq!(s.roster_head(other.id).await.unwrap(), 0);
    // Written after a head that moved: refused, nothing stored.
    assert!(matches!(
        s.write_roster(team.id, append(1, vec![link(2, 9)])).await,
        Err(StorageError::Conflict(_))
    ));
    // Links out of order after the right head: refused.
    assert!(s
        .write_roster(team.id, append(2, vec![link(4, 4)]))
        .await
        .is_err());
    assert!(s
        .write_roster(
            team.id,
            RosterWrite {
                after: None,
                links: vec![link(3, 3)],
                ..Default::default()
            }
        )
        .await
        .is_err());
    s.write_roster(team.id, append(2, vec![link(3, 3)]))
        .await
        .unwrap();
    let after_one = s.roster(team.id, 1).await.unwrap();
    assert_eq!(after_one, vec![link(2, 2), link(3, 3)]);
    assert!(matches!(
        s.roster(Uuid::new_v4(), 0).await,
        Err(StorageError::NotFound(_))
    ));
}

pub async fn enrolling_is_one_step_and_keeps_no_bundle(s: Arc<dyn HubStorage>) {
    let team = s.create_team("T").await.unwrap();
    s.write_roster(team.id, append(0, vec![link(1, 1)]))
        .await
        .unwrap();
    let verifier = random32();
    let invite = new_invite(team.id, verifier, Duration::hours(1));
    s.create_invite(&invite).await.unwrap();
    let device = new_device(team.id, Role::CaseManager);

    // A join placed after a head that moved: nothing at all happens.
    let stale = append(0, vec![link(1, 9)]);
    assert!(matches!(
        s.enroll(invite.id, &verifier, now(), &device, Some(stale))
            .await,
        Err(StorageError::Conflict(_))
    ));
    assert_eq!(s.get_invite(invite.id).await.unwrap().used_at, None);
    assert!(matches!(
        s.get_device(device.id).await,
        Err(StorageError::NotFound(_))
    ));

    let used = s
        .enroll(
            invite.id,
            &verifier,
            now(),
            &device,
            Some(append(1, vec![link(2, 2)])),
        )
        .await
        .unwrap();
    assert_eq!(
        used.key_bundle, invite.key_bundle,
        "the answer carries the bundle"
    );
    let kept = s.get_invite(invite.id).await.unwrap();
    assert!(kept.used_at.is_some());
    assert_eq!(kept.key_bundle, None, "a used code keeps no keys");
    assert_eq!(s.get_device(device.id).await.unwrap(), device);
    assert_eq!(s.roster_head(team.id).await.unwrap(), 2);
    // A second claim on the code changes nothing.
    let again = new_device(team.id, Role::CaseManager);
    assert!(s
        .enroll(invite.id, &verifier, now(), &again, None)
        .await
        .is_err());
    assert!(s.get_device(again.id).await.is_err());
}

pub async fn revoking_cancels_the_devices_unused_invites(s: Arc<dyn HubStorage>) {
    let team = s.create_team("T").await.unwrap();
    let supervisor = new_device(team.id, Role::Supervisor);
    s.add_device(&supervisor).await.unwrap();
    let mut open = new_invite(team.id, random32(), Duration::hours(1));
    open.created_by = Some(supervisor.id);
    s.create_invite(&open).await.unwrap();
    let verifier = random32();
    let mut used = new_invite(team.id, verifier, Duration::hours(1));
    used.created_by = Some(supervisor.id);
    s.create_invite(&used).await.unwrap();
    let worker = new_device(team.id, Role::CaseManager);
    s.enroll(used.id, &verifier, now(), &worker, None)
        .await
        .unwrap();
    let other = new_invite(team.id, random32(), Duration::hours(1));
    s.create_invite(&other).await.unwrap();

    s.write_roster(
        team.id,
        RosterWrite {
            after: Some(0),
            links: vec![link(1, 1)],
            revoked: vec![supervisor.id],
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let revoked = s.get_device(supervisor.id).await.unwrap();
    assert_eq!(revoked.status, DeviceStatus::Revoked);
    assert!(revoked.wipe_pending);
    assert!(matches!(
        s.get_invite(open.id).await,
        Err(StorageError::NotFound(_))
    ));
    assert!(s.get_invite(used.id).await.is_ok(), "a used invite stays");
    assert!(s.get_invite(other.id).await.is_ok(), "others' invites stay");
}

pub async fn a_roster_write_lands_whole_or_not_at_all(s: Arc<dyn HubStorage>) {
    let team = s.create_team("T").await.unwrap();
    let supervisor = new_device(team.id, Role::Supervisor);
    s.add_device(&supervisor).await.unwrap();
    let legacy = new_invite(team.id, random32(), Duration::hours(1));
    s.create_invite(&legacy).await.unwrap();
    let stranger = Uuid::new_v4();
    let envelope = |device: Uuid| Envelope {
        device_id: device,
        key_class: "outreach".into(),
        wrapped: vec![1; 60],
        signer: Some(supervisor.id),
        signature: Some(vec![2; 64]),
    };
    // An envelope for a device outside the team fails the whole write.
    let bad = RosterWrite {
        after: Some(0),
        links: vec![link(1, 1)],
        keys: Some((2, vec![envelope(supervisor.id), envelope(stranger)])),
        drop_unused_invites: true,
        ..Default::default()
    };
    assert!(s.write_roster(team.id, bad).await.is_err());
    assert_eq!(s.roster_head(team.id).await.unwrap(), 0);
    assert_eq!(s.current_epoch(team.id).await.unwrap(), 1);
    assert!(s.get_invite(legacy.id).await.is_ok());

    let mut invite = new_invite(team.id, random32(), Duration::hours(1));
    invite.created_by = Some(supervisor.id);
    let good = RosterWrite {
        after: Some(0),
        links: vec![link(1, 1), link(2, 2)],
        keys: Some((2, vec![envelope(supervisor.id)])),
        drop_unused_invites: true,
        ..Default::default()
    };
    s.write_roster(team.id, good).await.unwrap();
    assert_eq!(s.roster_head(team.id).await.unwrap(), 2);
    assert_eq!(s.current_epoch(team.id).await.unwrap(), 2);
    let stored = s.key_envelopes_for(supervisor.id).await.unwrap();
    assert_eq!(stored[0].signer, Some(supervisor.id));
    assert_eq!(stored[0].signature, Some(vec![2; 64]));
    assert!(
        matches!(
            s.get_invite(legacy.id).await,
            Err(StorageError::NotFound(_))
        ),
        "a genesis retires the codes made before it"
    );
    s.write_roster(
        team.id,
        RosterWrite {
            after: Some(2),
            links: vec![link(3, 3)],
            invite: Some(invite.clone()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(s.get_invite(invite.id).await.unwrap(), invite);
}

pub async fn claims_are_kept_per_device_and_settled(s: Arc<dyn HubStorage>) {
    let team = s.create_team("T").await.unwrap();
    let a = new_device(team.id, Role::Supervisor);
    let b = new_device(team.id, Role::Supervisor);
    s.add_device(&a).await.unwrap();
    s.add_device(&b).await.unwrap();
    s.put_claim(team.id, a.id, b"first".to_vec()).await.unwrap();
    s.put_claim(team.id, a.id, b"second".to_vec())
        .await
        .unwrap();
    s.put_claim(team.id, b.id, b"b's".to_vec()).await.unwrap();
    assert!(s
        .put_claim(team.id, Uuid::new_v4(), b"x".to_vec())
        .await
        .is_err());
    let mut claims = s.claims(team.id).await.unwrap();
    claims.sort();
    let mut expected = vec![(a.id, b"second".to_vec()), (b.id, b"b's".to_vec())];
    expected.sort();
    assert_eq!(claims, expected);
    s.write_roster(
        team.id,
        RosterWrite {
            after: Some(0),
            links: vec![link(1, 1)],
            settled_claims: vec![a.id],
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(
        s.claims(team.id).await.unwrap(),
        vec![(b.id, b"b's".to_vec())]
    );
}

pub async fn pushers_are_forgotten_after_their_retention(s: Arc<dyn HubStorage>) {
    let team = s.create_team("T").await.unwrap();
    let device = new_device(team.id, Role::Outreach);
    s.add_device(&device).await.unwrap();
    s.push(team.id, device.id, versions(3)).await.unwrap();
    assert_eq!(s.forget_pushers(now() - PUSHER_RETENTION).await.unwrap(), 0);
    assert!(pull_all(&*s, team.id)
        .await
        .iter()
        .all(|v| v.pushed_by == Some(device.id)));
    assert_eq!(
        s.forget_pushers(now() + Duration::seconds(1))
            .await
            .unwrap(),
        3
    );
    let pulled = pull_all(&*s, team.id).await;
    assert_eq!(pulled.len(), 3, "the versions stay");
    assert!(pulled.iter().all(|v| v.pushed_by.is_none()));
    assert_eq!(
        s.forget_pushers(now() + Duration::seconds(1))
            .await
            .unwrap(),
        0
    );
}

pub async fn expired_invites_are_deleted(s: Arc<dyn HubStorage>) {
    let team = s.create_team("T").await.unwrap();
    let soon = new_invite(team.id, random32(), Duration::milliseconds(1));
    let later = new_invite(team.id, random32(), Duration::hours(1));
    s.create_invite(&soon).await.unwrap();
    s.create_invite(&later).await.unwrap();
    let deleted = s
        .delete_expired_invites(now() + Duration::seconds(1))
        .await
        .unwrap();
    assert_eq!(deleted, 1);
    assert!(matches!(
        s.get_invite(soon.id).await,
        Err(StorageError::NotFound(_))
    ));
    assert!(s.get_invite(later.id).await.is_ok());
}
