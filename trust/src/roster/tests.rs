//! The roster's rules, each played by the party who would break it: a hub
//! that reorders, drops, forks or rolls back links; a member that signs
//! what only a supervisor may; a code used twice; an envelope of the hub's own.

use super::*;
use crate::keys::SigningKey;
use fieldbook_proto::vocab::{RecordKind, SensitivityClass};

/// A team being built link by link, with every key at hand.
struct Team {
    id: Uuid,
    root: SigningKey,
    links: Vec<Link>,
    roster: Roster,
    signing: BTreeMap<Uuid, SigningKey>,
}

fn member(role: Role, signing: Option<&SigningKey>) -> Member {
    Member {
        device: Uuid::new_v4(),
        role,
        box_key: rand::random(),
        signing_key: signing.map(SigningKey::public),
        label: None,
    }
}

impl Team {
    fn new() -> (Team, Uuid) {
        let id = Uuid::new_v4();
        let root = SigningKey::make_random();
        let founder_key = SigningKey::make_random();
        let founder = member(Role::Supervisor, Some(&founder_key));
        let genesis = Statement::new(
            id,
            Some(Position {
                seq: 1,
                prev: GENESIS_PREV,
            }),
            1,
            Signer::Root,
            Entry::Genesis {
                root: root.public(),
                founder: founder.clone(),
                key_epoch: 1,
            },
        )
        .sign(&root)
        .unwrap();
        let roster = Roster::genesis(id, Some(root.public().fingerprint()), &genesis).unwrap();
        let mut signing = BTreeMap::new();
        signing.insert(founder.device, founder_key);
        (
            Team {
                id,
                root,
                links: vec![genesis],
                roster,
                signing,
            },
            founder.device,
        )
    }

    fn statement(&self, signer: Signer, entry: Entry) -> Statement {
        Statement::new(
            self.id,
            Some(self.roster.next_position()),
            1_000,
            signer,
            entry,
        )
    }

    /// Signs an entry as `by` (a supervisor device) at the head.
    fn link_by(&self, by: Uuid, entry: Entry) -> Link {
        let key = self.signing.get(&by).expect("a key for the signer");
        self.statement(Signer::Device { device: by }, entry)
            .sign(key)
            .unwrap()
    }

    fn push(&mut self, link: Link) -> Result<(), TrustError> {
        self.roster.apply(&link)?;
        self.links.push(link);
        Ok(())
    }

    fn sign_and_push(&mut self, by: Uuid, entry: Entry) -> Result<(), TrustError> {
        let link = self.link_by(by, entry);
        self.push(link)
    }

    /// An invite by `by`; returns its id and one-time key.
    fn invite(&mut self, by: Uuid, role: Role) -> (Uuid, SigningKey) {
        let key = SigningKey::make_random();
        let id = Uuid::new_v4();
        self.sign_and_push(
            by,
            Entry::Invite {
                invite: id,
                role,
                key: key.public(),
                key_epoch: self.roster.current_epoch(),
                expires_at_ms: 10_000,
            },
        )
        .unwrap();
        (id, key)
    }

    /// A join as the relay places it.
    fn join_link(&self, invite: Uuid, key: &SigningKey, member: &Member) -> Link {
        let (statement, signature) = Statement::new(
            self.id,
            None,
            2_000,
            Signer::Invite { invite },
            Entry::Join {
                invite,
                member: member.clone(),
            },
        )
        .sign_unplaced(key)
        .unwrap();
        Link {
            seq: self.roster.head_seq() + 1,
            prev: self.roster.head_hash(),
            statement,
            signature,
        }
    }

    /// Invites and joins a device; a supervisor gets a signing key.
    fn enroll(&mut self, by: Uuid, role: Role) -> Uuid {
        let (invite, key) = self.invite(by, role);
        let signing = SigningKey::make_random();
        let m = member(role, (role == Role::Supervisor).then_some(&signing));
        let link = self.join_link(invite, &key, &m);
        self.push(link).unwrap();
        self.signing.insert(m.device, signing);
        m.device
    }
}

#[test]
fn a_team_grows_and_any_member_verifies_the_same_roster_from_the_chain() {
    let (mut team, founder) = Team::new();
    let outreach = team.enroll(founder, Role::Outreach);
    let second = team.enroll(founder, Role::Supervisor);
    let case_manager = team.enroll(second, Role::CaseManager);
    team.sign_and_push(founder, Entry::Revoke { device: outreach })
        .unwrap();
    team.sign_and_push(second, Entry::Rotate { epoch: 2 })
        .unwrap();

    let fp = team.root.public().fingerprint();
    let verified = Roster::from_chain(team.id, Some(fp), &team.links).unwrap();
    assert_eq!(verified, team.roster);
    assert_eq!(verified.head_seq(), team.links.len() as u64);
    assert_eq!(verified.current_epoch(), 2);
    assert!(verified.is_revoked(outreach));
    assert!(verified.is_active(case_manager));
    assert!(verified.may_sign(second) && verified.may_sign(founder));
    assert!(!verified.may_sign(case_manager));
    assert_eq!(verified.active_members().count(), 3);

    // A device that verified the first links extends to the same roster.
    let mut partial = Roster::from_chain(team.id, Some(fp), &team.links[..3]).unwrap();
    let added = partial
        .extend(&team.links[2..], team.links.len() as u64)
        .unwrap();
    assert_eq!(added, team.links.len() - 3);
    assert_eq!(partial, team.roster);
}

#[test]
fn a_chain_from_another_root_or_team_is_refused() {
    let (team, _) = Team::new();
    let stranger = SigningKey::make_random().public().fingerprint();
    assert_eq!(
        Roster::from_chain(team.id, Some(stranger), &team.links),
        Err(TrustError::WrongRoot)
    );
    assert_eq!(
        Roster::from_chain(Uuid::new_v4(), None, &team.links),
        Err(TrustError::WrongTeam)
    );
    // Trust on first use takes the genesis root as it is.
    let tofu = Roster::from_chain(team.id, None, &team.links).unwrap();
    assert_eq!(tofu.fingerprint(), team.root.public().fingerprint());
}

#[test]
fn gaps_reorders_forks_and_rollbacks_are_refused() {
    let (mut team, founder) = Team::new();
    for _ in 0..3 {
        team.enroll(founder, Role::Outreach);
    }
    let fp = Some(team.root.public().fingerprint());
    let links = team.links.clone();

    let mut dropped = links.clone();
    dropped.remove(3);
    assert!(matches!(
        Roster::from_chain(team.id, fp, &dropped),
        Err(TrustError::OutOfPlace { .. })
    ));

    let mut reordered = links.clone();
    reordered.swap(3, 4);
    assert!(matches!(
        Roster::from_chain(team.id, fp, &reordered),
        Err(TrustError::OutOfPlace { .. })
    ));

    // A fork: another link signed for the same place by the same supervisor.
    let mut fork_base = Roster::from_chain(team.id, fp, &links[..4]).unwrap();
    let fork = Statement::new(
        team.id,
        Some(fork_base.next_position()),
        5,
        Signer::Device { device: founder },
        Entry::Rotate { epoch: 2 },
    )
    .sign(&team.signing[&founder])
    .unwrap();
    fork_base.apply(&fork).unwrap();
    let mut honest = Roster::from_chain(team.id, fp, &links).unwrap();
    let verified = honest.clone();
    // A link for a place the device already verified is never applied again.
    assert_eq!(
        honest.extend(std::slice::from_ref(&fork), links.len() as u64),
        Ok(0)
    );
    assert_eq!(honest, verified);
    let mut at_head = fork.clone();
    at_head.seq = honest.head_seq();
    assert!(matches!(
        honest.extend(&[at_head], links.len() as u64),
        Err(TrustError::OutOfPlace { .. })
    ));
    // The forked device refuses the honest continuation just the same.
    let before = fork_base.clone();
    assert!(fork_base.extend(&links[4..], links.len() as u64).is_err());
    assert_eq!(fork_base, before, "a refused extension changes nothing");

    // A hub that claims an older head than the device verified.
    assert_eq!(
        honest.extend(&[], links.len() as u64 - 1),
        Err(TrustError::Rollback)
    );

    // A link whose statement names another place than the link's.
    let mut misplaced = team.link_by(founder, Entry::Rotate { epoch: 2 });
    misplaced.seq += 1;
    assert!(honest.apply(&misplaced).is_err());
}

#[test]
fn only_a_certified_active_supervisor_signs() {
    let (mut team, founder) = Team::new();
    let outreach = team.enroll(founder, Role::Outreach);
    // The outreach device has a key of its own, never certified.
    team.signing.insert(outreach, SigningKey::make_random());
    let forged = team.link_by(outreach, Entry::Rotate { epoch: 2 });
    assert!(matches!(
        team.roster.apply(&forged),
        Err(TrustError::NotAllowed { .. })
    ));

    // A supervisor's statement with a signature by another key.
    let mut wrong_key = team
        .statement(
            Signer::Device { device: founder },
            Entry::Rotate { epoch: 2 },
        )
        .sign(&SigningKey::make_random())
        .unwrap();
    assert_eq!(team.roster.apply(&wrong_key), Err(TrustError::BadSignature));
    wrong_key.signature = team.link_by(founder, Entry::Rotate { epoch: 2 }).signature;
    wrong_key.statement[10] ^= 1;
    assert!(team.roster.apply(&wrong_key).is_err());

    // A revoked supervisor signs nothing more.
    let second = team.enroll(founder, Role::Supervisor);
    team.sign_and_push(founder, Entry::Revoke { device: second })
        .unwrap();
    assert!(matches!(
        team.roster
            .apply(&team.link_by(second, Entry::Rotate { epoch: 2 })),
        Err(TrustError::NotAllowed { .. })
    ));
    // The root signs root statements only.
    let by_root = team
        .statement(Signer::Root, Entry::Rotate { epoch: 2 })
        .sign(&team.root)
        .unwrap();
    assert!(team.roster.apply(&by_root).is_err());
}

#[test]
fn an_invite_is_used_once_in_its_role_and_dies_with_its_supervisor() {
    let (mut team, founder) = Team::new();
    let (invite, key) = team.invite(founder, Role::Outreach);

    // A join signed by anything but the invite's key.
    let newcomer = member(Role::Outreach, None);
    let forged = team.join_link(invite, &SigningKey::make_random(), &newcomer);
    assert_eq!(team.roster.apply(&forged), Err(TrustError::BadSignature));

    // The code's holder asking for more than the invite's role.
    let greedy = member(Role::Supervisor, Some(&SigningKey::make_random()));
    assert!(team
        .roster
        .apply(&team.join_link(invite, &key, &greedy))
        .is_err());

    let link = team.join_link(invite, &key, &newcomer);
    team.push(link).unwrap();
    let again = member(Role::Outreach, None);
    let second_claim = team.join_link(invite, &key, &again);
    assert!(matches!(
        team.roster.apply(&second_claim),
        Err(TrustError::Rule { .. })
    ));

    // A supervisor's invites stop working once it is revoked.
    let second = team.enroll(founder, Role::Supervisor);
    let (orphan, orphan_key) = team.invite(second, Role::CaseManager);
    team.sign_and_push(founder, Entry::Revoke { device: second })
        .unwrap();
    let late = member(Role::CaseManager, None);
    let link = team.join_link(orphan, &orphan_key, &late);
    assert!(matches!(
        team.roster.apply(&link),
        Err(TrustError::Rule { .. })
    ));
}

#[test]
fn the_team_keeps_a_supervisor_and_nobody_revokes_itself() {
    let (mut team, founder) = Team::new();
    let outreach = team.enroll(founder, Role::Outreach);
    assert!(team
        .sign_and_push(founder, Entry::Revoke { device: founder })
        .is_err());
    let second = team.enroll(founder, Role::Supervisor);
    team.sign_and_push(second, Entry::Revoke { device: founder })
        .unwrap();
    // The founder is gone; `second` is the last supervisor and cannot leave.
    assert!(team
        .sign_and_push(second, Entry::Revoke { device: second })
        .is_err());
    team.sign_and_push(second, Entry::Revoke { device: outreach })
        .unwrap();
    assert!(
        team.sign_and_push(second, Entry::Revoke { device: outreach })
            .is_err(),
        "revoked twice"
    );
}

#[test]
fn epochs_come_one_at_a_time_from_signed_rotations() {
    let (mut team, founder) = Team::new();
    assert!(team
        .sign_and_push(founder, Entry::Rotate { epoch: 3 })
        .is_err());
    team.sign_and_push(founder, Entry::Rotate { epoch: 2 })
        .unwrap();
    assert!(team
        .sign_and_push(founder, Entry::Rotate { epoch: 2 })
        .is_err());
    assert_eq!(team.roster.current_epoch(), 2);
    assert_eq!(team.roster.epoch_made_at(2), Some(2));
}

#[test]
fn a_migrated_supervisor_signs_once_another_certifies_its_key() {
    let (mut team, founder) = Team::new();
    let old = member(Role::Supervisor, None);
    team.sign_and_push(
        founder,
        Entry::Add {
            member: old.clone(),
        },
    )
    .unwrap();
    let key = SigningKey::make_random();
    team.signing
        .insert(old.device, SigningKey::from_seed(&key.seed()));
    assert!(team
        .roster
        .apply(&team.link_by(old.device, Entry::Rotate { epoch: 2 }))
        .is_err());
    // It cannot certify itself.
    assert!(team
        .sign_and_push(
            old.device,
            Entry::CertifySigningKey {
                device: old.device,
                key: key.public()
            }
        )
        .is_err());
    team.sign_and_push(
        founder,
        Entry::CertifySigningKey {
            device: old.device,
            key: key.public(),
        },
    )
    .unwrap();
    team.sign_and_push(old.device, Entry::Rotate { epoch: 2 })
        .unwrap();
    assert!(
        team.sign_and_push(
            founder,
            Entry::CertifySigningKey {
                device: old.device,
                key: SigningKey::make_random().public()
            }
        )
        .is_err(),
        "a certified key is not replaced"
    );
}

#[test]
fn the_root_moves_only_by_its_own_signature() {
    let (mut team, founder) = Team::new();
    let next = SigningKey::make_random();
    let by_supervisor = team.link_by(
        founder,
        Entry::RotateRoot {
            root: next.public(),
        },
    );
    assert!(team.roster.apply(&by_supervisor).is_err());
    let link = team
        .statement(
            Signer::Root,
            Entry::RotateRoot {
                root: next.public(),
            },
        )
        .sign(&team.root)
        .unwrap();
    team.push(link).unwrap();
    assert_eq!(team.roster.root(), next.public());
    // The team's identity stays the genesis root's fingerprint.
    assert_eq!(team.roster.fingerprint(), team.root.public().fingerprint());
    let stale = team
        .statement(
            Signer::Root,
            Entry::RotateRoot {
                root: SigningKey::make_random().public(),
            },
        )
        .sign(&team.root)
        .unwrap();
    assert_eq!(team.roster.apply(&stale), Err(TrustError::BadSignature));
}

#[test]
fn envelopes_verify_only_from_a_supervisor_for_a_signed_epoch() {
    let (mut team, founder) = Team::new();
    let outreach = team.enroll(founder, Role::Outreach);
    let second = team.enroll(founder, Role::Supervisor);
    team.sign_and_push(founder, Entry::Rotate { epoch: 2 })
        .unwrap();
    let wrapped = [5u8; 80];
    let facts = EnvelopeFacts {
        team: team.id,
        device: outreach,
        key_class: SensitivityClass::Outreach,
        epoch: 2,
        wrapped: &wrapped,
    };
    fn sign(team: &Team, by: Uuid, f: &EnvelopeFacts<'_>) -> [u8; 64] {
        team.signing[&by].sign(SignatureDomain::KeyEnvelope, &envelope_message(f))
    }
    assert!(team
        .roster
        .check_envelope(&facts, founder, &sign(&team, founder, &facts))
        .is_ok());
    // Signed by a key the roster does not certify for this signer.
    let planted =
        SigningKey::make_random().sign(SignatureDomain::KeyEnvelope, &envelope_message(&facts));
    assert_eq!(
        team.roster.check_envelope(&facts, founder, &planted),
        Err(TrustError::BadSignature)
    );
    // An epoch no rotation made.
    let future = EnvelopeFacts { epoch: 3, ..facts };
    assert_eq!(
        team.roster
            .check_envelope(&future, founder, &sign(&team, founder, &future)),
        Err(TrustError::UnknownEpoch(3))
    );
    // Yet a certified supervisor's envelope for it is a rotation newer than
    // this roster, not a forgery; a planted signature or a past epoch is not.
    assert!(team
        .roster
        .check_envelope_ahead(&future, founder, &sign(&team, founder, &future))
        .is_ok());
    let planted_future =
        SigningKey::make_random().sign(SignatureDomain::KeyEnvelope, &envelope_message(&future));
    assert_eq!(
        team.roster
            .check_envelope_ahead(&future, founder, &planted_future),
        Err(TrustError::BadSignature)
    );
    assert_eq!(
        team.roster
            .check_envelope_ahead(&facts, founder, &sign(&team, founder, &facts)),
        Err(TrustError::UnknownEpoch(facts.epoch))
    );
    // The facts changed after signing: another recipient, class or key.
    let signature = sign(&team, founder, &facts);
    for changed in [
        EnvelopeFacts {
            device: second,
            ..facts
        },
        EnvelopeFacts {
            key_class: SensitivityClass::CaseNotes,
            ..facts
        },
        EnvelopeFacts {
            wrapped: &[6u8; 80],
            ..facts
        },
    ] {
        assert!(team
            .roster
            .check_envelope(&changed, founder, &signature)
            .is_err());
    }
    // A non-supervisor's signature, even with a key of its own.
    team.signing.insert(outreach, SigningKey::make_random());
    assert!(team
        .roster
        .check_envelope(&facts, outreach, &sign(&team, outreach, &facts))
        .is_err());
    // A supervisor revoked after it made the epoch: its envelopes of that
    // epoch still count; epochs made after its revocation do not.
    team.sign_and_push(second, Entry::Revoke { device: founder })
        .unwrap();
    assert!(team
        .roster
        .check_envelope(&facts, founder, &sign(&team, founder, &facts))
        .is_ok());
    team.sign_and_push(second, Entry::Rotate { epoch: 3 })
        .unwrap();
    let later = EnvelopeFacts { epoch: 3, ..facts };
    assert!(team
        .roster
        .check_envelope(&later, founder, &sign(&team, founder, &later))
        .is_err());
    assert!(team
        .roster
        .check_envelope(&later, second, &sign(&team, second, &later))
        .is_ok());
}

#[test]
fn a_roster_survives_serialization_unchanged() {
    let (mut team, founder) = Team::new();
    team.enroll(founder, Role::CaseManager);
    let json = serde_json::to_string(&team.roster).unwrap();
    let back: Roster = serde_json::from_str(&json).unwrap();
    assert_eq!(back, team.roster);
}

#[test]
fn a_bad_link_stops_the_extension_after_the_good_ones() {
    let (mut team, founder) = Team::new();
    let fp = Some(team.root.public().fingerprint());
    let mut device = Roster::from_chain(team.id, fp, &team.links).unwrap();
    team.enroll(founder, Role::Outreach);
    let mut links = team.links.clone();
    let mut forged = team.link_by(founder, Entry::Rotate { epoch: 2 });
    forged.signature[0] ^= 1;
    links.push(forged);
    let (added, refused) = device.extend_prefix(&links, links.len() as u64);
    assert_eq!(added, 2);
    assert_eq!(refused, Some(TrustError::BadSignature));
    assert_eq!(device, team.roster);
    assert_eq!(
        device.extend_prefix(&[], 1),
        (0, Some(TrustError::Rollback))
    );
}

fn strict_policy() -> SecurityPolicy {
    SecurityPolicy {
        offline_erase_days: 5,
        min_pin_digits: 8,
        ..SecurityPolicy::default()
    }
}

#[test]
fn a_supervisor_signs_the_team_policy_and_the_newest_link_is_the_policy() {
    let (mut team, founder) = Team::new();
    assert_eq!(team.roster.policy(), SecurityPolicy::default());
    assert_eq!(team.roster.policy_link(), None);
    let second = team.enroll(founder, Role::Supervisor);
    team.sign_and_push(
        founder,
        Entry::Policy {
            policy: strict_policy(),
        },
    )
    .unwrap();
    assert_eq!(team.roster.policy(), strict_policy());
    let first = *team.roster.policy_link().unwrap();
    assert_eq!(
        (first.seq, first.signed_by),
        (team.roster.head_seq(), founder)
    );
    // Other links leave it as it is; a later policy link replaces it,
    // looser or not (within the bounds), whichever supervisor signs it.
    team.enroll(founder, Role::Outreach);
    assert_eq!(team.roster.policy(), strict_policy());
    let relaxed = SecurityPolicy {
        offline_erase_days: 45,
        ..strict_policy()
    };
    team.sign_and_push(second, Entry::Policy { policy: relaxed })
        .unwrap();
    assert_eq!(team.roster.policy(), relaxed);
    assert_eq!(team.roster.policy_link().unwrap().signed_by, second);

    // Any member verifying the chain from its genesis finds the same.
    let fp = Some(team.root.public().fingerprint());
    let verified = Roster::from_chain(team.id, fp, &team.links).unwrap();
    assert_eq!(verified, team.roster);
    assert_eq!(verified.policy(), relaxed);
}

#[test]
fn only_a_certified_active_supervisor_signs_a_policy() {
    let (mut team, founder) = Team::new();
    let outreach = team.enroll(founder, Role::Outreach);
    let policy = Entry::Policy {
        policy: strict_policy(),
    };
    let before = team.roster.clone();
    // A member that is not a supervisor, with a key of its own.
    team.signing.insert(outreach, SigningKey::make_random());
    assert!(matches!(
        team.roster.apply(&team.link_by(outreach, policy.clone())),
        Err(TrustError::NotAllowed { .. })
    ));
    // The team root signs root statements only.
    let by_root = team
        .statement(Signer::Root, policy.clone())
        .sign(&team.root)
        .unwrap();
    assert!(matches!(
        team.roster.apply(&by_root),
        Err(TrustError::NotAllowed { .. })
    ));
    // A key the roster never certified, claiming to be the supervisor.
    let forged = team
        .statement(Signer::Device { device: founder }, policy.clone())
        .sign(&SigningKey::make_random())
        .unwrap();
    assert_eq!(team.roster.apply(&forged), Err(TrustError::BadSignature));
    // An invite's one-time key.
    let (invite, key) = team.invite(founder, Role::Outreach);
    let before_invite = team.roster.clone();
    let by_invite = team
        .statement(Signer::Invite { invite }, policy.clone())
        .sign(&key)
        .unwrap();
    assert!(team.roster.apply(&by_invite).is_err());
    assert_eq!(team.roster, before_invite);
    // A revoked supervisor.
    let second = team.enroll(founder, Role::Supervisor);
    team.sign_and_push(founder, Entry::Revoke { device: second })
        .unwrap();
    assert!(matches!(
        team.roster.apply(&team.link_by(second, policy)),
        Err(TrustError::NotAllowed { .. })
    ));
    assert_eq!(team.roster.policy(), before.policy());
    assert_eq!(team.roster.policy_link(), None);
}

#[test]
fn a_policy_link_with_a_value_out_of_bounds_is_refused_like_any_bad_link() {
    let (mut team, founder) = Team::new();
    team.sign_and_push(
        founder,
        Entry::Policy {
            policy: strict_policy(),
        },
    )
    .unwrap();
    let verified = team.roster.clone();
    for bad in [
        SecurityPolicy {
            offline_erase_days: 3650,
            ..strict_policy()
        },
        SecurityPolicy {
            min_pin_digits: 4,
            ..strict_policy()
        },
        SecurityPolicy {
            max_failed_unlocks: u32::MAX,
            ..strict_policy()
        },
        SecurityPolicy {
            auto_lock_secs: 0,
            ..strict_policy()
        },
        SecurityPolicy {
            free_attempts: 5,
            max_failed_unlocks: 4,
            ..strict_policy()
        },
    ] {
        // Signed by the supervisor itself: the bounds hold whoever signs.
        let link = team.link_by(founder, Entry::Policy { policy: bad });
        assert!(
            matches!(team.roster.apply(&link), Err(TrustError::Rule { .. })),
            "{bad:?}"
        );
        assert_eq!(team.roster, verified, "a refused link changes nothing");
    }
}

#[test]
fn a_policy_link_whose_values_were_changed_after_signing_is_refused() {
    let (mut team, founder) = Team::new();
    let fp = Some(team.root.public().fingerprint());
    let mut device = Roster::from_chain(team.id, fp, &team.links).unwrap();
    team.sign_and_push(
        founder,
        Entry::Policy {
            policy: strict_policy(),
        },
    )
    .unwrap();
    // The relay edits the values it stores: within bounds, and looser.
    let mut tampered = team.links.last().unwrap().clone();
    let text = String::from_utf8(tampered.statement.clone()).unwrap();
    let looser = text.replace("\"offline_erase_days\":5", "\"offline_erase_days\":90");
    assert_ne!(looser, text);
    tampered.statement = looser.into_bytes();
    let (added, refused) = device.extend_prefix(&[tampered], team.links.len() as u64);
    assert_eq!((added, refused), (0, Some(TrustError::BadSignature)));
    assert_eq!(device.policy(), SecurityPolicy::default());
    // The link as signed verifies.
    device
        .extend(&team.links[1..], team.links.len() as u64)
        .unwrap();
    assert_eq!(device.policy(), strict_policy());
}

#[test]
fn a_roster_kept_before_policy_links_existed_reads_with_the_default_policy() {
    let (mut team, founder) = Team::new();
    team.enroll(founder, Role::Outreach);
    let mut kept = serde_json::to_value(&team.roster).unwrap();
    kept.as_object_mut().unwrap().remove("policy");
    let back: Roster = serde_json::from_value(kept).unwrap();
    assert_eq!(back, team.roster);
    assert_eq!(back.policy(), SecurityPolicy::default());
    // And a kept roster with a policy survives serialization unchanged.
    team.sign_and_push(
        founder,
        Entry::Policy {
            policy: strict_policy(),
        },
    )
    .unwrap();
    let json = serde_json::to_string(&team.roster).unwrap();
    assert_eq!(serde_json::from_str::<Roster>(&json).unwrap(), team.roster);
}

fn form_entry(kind: RecordKind, version: u32, epoch: u32) -> Entry {
    Entry::Form {
        kind,
        version,
        epoch,
        sealed: vec![7; 20_000],
    }
}

#[test]
fn a_supervisor_publishes_forms_whose_versions_only_go_up() {
    let (mut team, founder) = Team::new();
    let second = team.enroll(founder, Role::Supervisor);
    assert_eq!(team.roster.newest_form_version(RecordKind::Contact), None);
    team.sign_and_push(founder, form_entry(RecordKind::Contact, 2, 1))
        .unwrap();
    team.sign_and_push(second, form_entry(RecordKind::Contact, 3, 1))
        .unwrap();
    team.sign_and_push(second, form_entry(RecordKind::Referral, 2, 1))
        .unwrap();
    assert_eq!(
        team.roster.newest_form_version(RecordKind::Contact),
        Some(3)
    );
    let links = team.roster.form_links();
    assert_eq!(links.len(), 3);
    assert_eq!((links[1].version, links[1].signed_by), (3, second));
    assert_eq!(
        links[0].sealed.len(),
        20_000,
        "a form is larger than other links"
    );

    // Version 1 is the built-in form's; an older or equal version, or an
    // epoch no rotation made, is refused like any bad link.
    let before = team.roster.clone();
    for bad in [
        form_entry(RecordKind::Meeting, 1, 1),
        form_entry(RecordKind::Contact, 3, 1),
        form_entry(RecordKind::Contact, 2, 1),
        form_entry(RecordKind::Contact, 4, 9),
    ] {
        assert!(matches!(
            team.roster.apply(&team.link_by(founder, bad)),
            Err(TrustError::Rule { .. })
        ));
    }
    assert_eq!(team.roster, before);

    // Any member verifying the chain from its genesis finds the same forms.
    let fp = Some(team.root.public().fingerprint());
    let verified = Roster::from_chain(team.id, fp, &team.links).unwrap();
    assert_eq!(verified, team.roster);
    let json = serde_json::to_string(&verified).unwrap();
    assert_eq!(serde_json::from_str::<Roster>(&json).unwrap(), verified);
}

#[test]
fn only_a_certified_active_supervisor_publishes_a_form() {
    let (mut team, founder) = Team::new();
    let outreach = team.enroll(founder, Role::Outreach);
    team.signing.insert(outreach, SigningKey::make_random());
    let form = form_entry(RecordKind::Contact, 2, 1);
    assert!(matches!(
        team.roster.apply(&team.link_by(outreach, form.clone())),
        Err(TrustError::NotAllowed { .. })
    ));
    let forged = team
        .statement(Signer::Device { device: founder }, form.clone())
        .sign(&SigningKey::make_random())
        .unwrap();
    assert_eq!(team.roster.apply(&forged), Err(TrustError::BadSignature));
    let second = team.enroll(founder, Role::Supervisor);
    team.sign_and_push(founder, Entry::Revoke { device: second })
        .unwrap();
    assert!(matches!(
        team.roster.apply(&team.link_by(second, form)),
        Err(TrustError::NotAllowed { .. })
    ));
    assert!(team.roster.form_links().is_empty());
}

#[test]
fn only_a_form_statement_may_be_long() {
    let (team, founder) = Team::new();
    let long_label = Entry::Form {
        kind: RecordKind::Client,
        version: 2,
        epoch: 1,
        sealed: vec![1; crate::statement::MAX_STATEMENT_LEN],
    };
    let link = team.link_by(founder, long_label);
    assert!(link.decode_statement().is_ok());
    let too_long = Entry::Form {
        kind: RecordKind::Client,
        version: 2,
        epoch: 1,
        sealed: vec![1; crate::statement::MAX_FORM_STATEMENT_LEN],
    };
    assert!(team.link_by(founder, too_long).decode_statement().is_err());
}
