//! The verified state of a team's roster, and the rules every link must
//! keep. A device holds one [`Roster`] and extends it with the links the hub
//! relays; a link that breaks a rule is refused and leaves the state as it was.
//!
//! The rules:
//! - the first link is a genesis signed by the team root whose fingerprint
//!   the device pinned (the enrollment code carries it);
//! - every other link extends the head: the next seq, the head's hash; a
//!   placed statement names that same place in its signed bytes;
//! - a supervisor signs with the signing key the roster certified for it,
//!   and only while it is active;
//! - a join is signed by the one-time key of an invite the roster holds,
//!   unused, in the invite's role, from a creator not revoked since;
//! - a revocation leaves at least one active supervisor that can sign, and
//!   nobody revokes its own device (a supervisor hands over first);
//! - epochs come one at a time, each from a signed rotation;
//! - a team policy is signed by a certified supervisor, every value within
//!   its floor and ceiling; the newest one is the team's.

use std::collections::BTreeMap;

use fieldbook_proto::vocab::{DeviceStatus, Role};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::envelope::{envelope_message, EnvelopeFacts};
use crate::keys::{Fingerprint, PublicKey, SignatureDomain};
use crate::link::{Digest, Link, GENESIS_PREV};
use crate::policy::SecurityPolicy;
use crate::statement::{Entry, Member, Position, Signer, Statement, MAX_LABEL_CHARS};
use crate::TrustError;

/// A device as the verified roster knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberState {
    /// The device as its adding link certified it.
    pub member: Member,
    /// The link that added it.
    pub added_seq: u64,
    /// The link that certified its signing key (its addition, when it came with one).
    pub signing_key_seq: Option<u64>,
    /// The link that revoked it.
    pub revoked_seq: Option<u64>,
    /// The oldest key epoch it held when it joined: its code's keys, or the
    /// team's current epoch for a device added directly. Epochs after this
    /// one made before it joined reach it only when a supervisor shares them.
    pub start_epoch: u32,
}

impl MemberState {
    /// Whether the roster has not revoked it.
    pub fn is_active(&self) -> bool {
        self.revoked_seq.is_none()
    }

    /// The member's status as the hub's device list states it.
    pub fn status(&self) -> DeviceStatus {
        if self.is_active() {
            DeviceStatus::Active
        } else {
            DeviceStatus::Revoked
        }
    }

    /// Whether it was an active supervisor with a certified signing key
    /// just after link `seq`.
    fn could_sign_at(&self, seq: u64) -> bool {
        self.member.role == Role::Supervisor
            && self.added_seq <= seq
            && self.signing_key_seq.is_some_and(|s| s <= seq)
            && self.revoked_seq.is_none_or(|r| r > seq)
    }
}

/// An invite as the verified roster knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteState {
    /// The role a device joining with it gets.
    pub role: Role,
    /// The invite's one-time public key, derived from the code's secret: it verifies the join.
    pub key: PublicKey,
    /// The newest key epoch the code's bundle carries.
    pub key_epoch: u32,
    /// When the invite expires, in milliseconds since 1970 (the signer's clock).
    pub expires_at_ms: i64,
    /// The supervisor device that made it.
    pub created_by: Uuid,
    /// The link that made it.
    pub created_seq: u64,
    /// The device that joined with it; an invite is used once.
    pub joined_by: Option<Uuid>,
}

/// The team's policy as the newest policy link set it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyState {
    /// The policy's settings.
    pub policy: SecurityPolicy,
    /// The link that set it.
    pub seq: u64,
    /// The supervisor device that signed it.
    pub signed_by: Uuid,
    /// The signer's clock when it signed: for people, not for order.
    pub signed_at_ms: i64,
}

/// A form definition the roster published: the newest of each kind is the
/// team's; older ones stay, since records keep the version they were
/// written with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormLink {
    /// The record kind the form writes.
    pub kind: fieldbook_proto::vocab::RecordKind,
    /// Its version.
    pub version: u32,
    /// The key epoch whose outreach key seals it.
    pub epoch: u32,
    /// The sealed definition, as signed.
    #[serde(with = "fieldbook_proto::bytes")]
    pub sealed: Vec<u8>,
    /// The link that published it.
    pub seq: u64,
    /// The supervisor device that signed it.
    pub signed_by: Uuid,
    /// The signer's clock when it signed: for people, not for order.
    pub signed_at_ms: i64,
}

/// A verified roster: everything its chain established, up to its head.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Roster {
    team: Uuid,
    /// The genesis root's fingerprint: the team's identity, for good.
    fingerprint: Fingerprint,
    /// The key that signs root statements now.
    root: PublicKey,
    head_seq: u64,
    #[serde(with = "crate::b64")]
    head_hash: Digest,
    members: BTreeMap<Uuid, MemberState>,
    invites: BTreeMap<Uuid, InviteState>,
    /// Each key epoch and the link that made it.
    epochs: BTreeMap<u32, u64>,
    /// The newest policy link (`None`: the default policy). Absent from a
    /// roster a device kept before policy links existed.
    #[serde(default)]
    policy: Option<PolicyState>,
    /// Every form link, in chain order. Absent from a roster a device kept
    /// before form links existed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    forms: Vec<FormLink>,
}

impl Roster {
    /// Verifies a chain from its genesis. `pinned` is the team fingerprint the
    /// device trusts; `None` trusts whichever root signed the genesis (the
    /// migration of a device from before signed rosters: trust on first use).
    pub fn from_chain(
        team: Uuid,
        pinned: Option<Fingerprint>,
        links: &[Link],
    ) -> Result<Roster, TrustError> {
        let (first, rest) = links
            .split_first()
            .ok_or_else(|| TrustError::Malformed("an empty roster".into()))?;
        let mut roster = Roster::genesis(team, pinned, first)?;
        for link in rest {
            roster.apply(link)?;
        }
        Ok(roster)
    }

    /// Verifies a genesis link.
    pub fn genesis(
        team: Uuid,
        pinned: Option<Fingerprint>,
        link: &Link,
    ) -> Result<Roster, TrustError> {
        if link.seq != 1 || link.prev != GENESIS_PREV {
            return Err(TrustError::OutOfPlace { seq: link.seq });
        }
        let statement = link.decode_statement()?;
        check_place(&statement, link, team)?;
        let Entry::Genesis {
            root,
            founder,
            key_epoch,
        } = &statement.entry
        else {
            return Err(rule(1, "the first link must be a genesis"));
        };
        if statement.signer != Signer::Root {
            return Err(TrustError::NotAllowed {
                seq: 1,
                signer: statement.signer.to_string(),
            });
        }
        if pinned.is_some_and(|fp| fp != root.fingerprint()) {
            return Err(TrustError::WrongRoot);
        }
        root.verify(
            SignatureDomain::RosterStatement,
            &link.statement,
            &link.signature,
        )?;
        check_member(1, founder)?;
        if founder.role != Role::Supervisor || founder.signing_key.is_none() {
            return Err(rule(
                1,
                "the founder must be a supervisor with a signing key",
            ));
        }
        if *key_epoch == 0 {
            return Err(rule(1, "key epochs start at 1"));
        }
        let mut members = BTreeMap::new();
        members.insert(
            founder.device,
            MemberState {
                member: founder.clone(),
                added_seq: 1,
                signing_key_seq: Some(1),
                revoked_seq: None,
                start_epoch: *key_epoch,
            },
        );
        Ok(Roster {
            team,
            fingerprint: root.fingerprint(),
            root: *root,
            head_seq: 1,
            head_hash: link.hash(),
            members,
            invites: BTreeMap::new(),
            epochs: BTreeMap::from([(*key_epoch, 1)]),
            policy: None,
            forms: Vec::new(),
        })
    }

    /// Extends the roster by one link, or refuses it and changes nothing.
    pub fn apply(&mut self, link: &Link) -> Result<(), TrustError> {
        let seq = self.head_seq + 1;
        if link.seq != seq || link.prev != self.head_hash {
            return Err(TrustError::OutOfPlace { seq: link.seq });
        }
        let statement = link.decode_statement()?;
        check_place(&statement, link, self.team)?;
        let key = self.signing_key_of(&statement.signer, seq)?;
        key.verify(
            SignatureDomain::RosterStatement,
            &link.statement,
            &link.signature,
        )?;
        self.apply_entry(seq, &statement)?;
        self.head_seq = seq;
        self.head_hash = link.hash();
        Ok(())
    }

    /// Extends the roster by the links after its head, all or nothing.
    /// Links at or below the head must match what the roster verified;
    /// `hub_head` lower than this roster's head is a rollback.
    pub fn extend(&mut self, links: &[Link], hub_head: u64) -> Result<usize, TrustError> {
        if hub_head < self.head_seq {
            return Err(TrustError::Rollback);
        }
        let mut next = self.clone();
        let mut added = 0;
        for link in links {
            if link.seq <= next.head_seq {
                // Already verified: only the head itself can be checked here.
                if link.seq == next.head_seq && link.hash() != next.head_hash {
                    return Err(TrustError::OutOfPlace { seq: link.seq });
                }
                continue;
            }
            next.apply(link)?;
            added += 1;
        }
        *self = next;
        Ok(added)
    }

    /// Extends the roster by the links after its head one at a time,
    /// keeping every link that verifies up to the first that does not.
    /// Returns how many were added, and the refusal that stopped it.
    pub fn extend_prefix(&mut self, links: &[Link], hub_head: u64) -> (usize, Option<TrustError>) {
        if hub_head < self.head_seq {
            return (0, Some(TrustError::Rollback));
        }
        let mut added = 0;
        for link in links {
            if link.seq <= self.head_seq {
                if link.seq == self.head_seq && link.hash() != self.head_hash {
                    return (added, Some(TrustError::OutOfPlace { seq: link.seq }));
                }
                continue;
            }
            if let Err(e) = self.apply(link) {
                return (added, Some(e));
            }
            added += 1;
        }
        (added, None)
    }

    fn signing_key_of(&self, signer: &Signer, seq: u64) -> Result<PublicKey, TrustError> {
        let not_allowed = || TrustError::NotAllowed {
            seq,
            signer: signer.to_string(),
        };
        match signer {
            Signer::Root => Ok(self.root),
            Signer::Device { device } => {
                let state = self.members.get(device).ok_or_else(not_allowed)?;
                if !state.could_sign_at(seq - 1) {
                    return Err(not_allowed());
                }
                state.member.signing_key.ok_or_else(not_allowed)
            }
            Signer::Invite { invite } => self
                .invites
                .get(invite)
                .map(|i| i.key)
                .ok_or_else(not_allowed),
        }
    }

    fn apply_entry(&mut self, seq: u64, statement: &Statement) -> Result<(), TrustError> {
        let signer = statement.signer;
        // Every entry but a join and a root rotation is a supervisor's device's.
        let supervisor = || match signer {
            Signer::Device { device } => Ok(device),
            _ => Err(TrustError::NotAllowed {
                seq,
                signer: signer.to_string(),
            }),
        };
        match &statement.entry {
            Entry::Genesis { .. } => Err(rule(seq, "a genesis can only be the first link")),
            Entry::Add { member } => {
                supervisor()?;
                let epoch = self.current_epoch();
                self.add_member(seq, member, epoch)
            }
            Entry::Invite {
                invite,
                role,
                key,
                key_epoch,
                expires_at_ms,
            } => {
                let made = InviteState {
                    role: *role,
                    key: *key,
                    key_epoch: *key_epoch,
                    expires_at_ms: *expires_at_ms,
                    created_by: supervisor()?,
                    created_seq: seq,
                    joined_by: None,
                };
                self.add_invite(seq, statement.at_ms, *invite, made)
            }
            Entry::Join { invite, member } => self.join(seq, signer, *invite, member),
            Entry::Revoke { device } => self.revoke(seq, supervisor()?, *device),
            Entry::Rotate { epoch } => {
                supervisor()?;
                if *epoch != self.current_epoch() + 1 {
                    return Err(rule(seq, "key epochs advance one at a time"));
                }
                self.epochs.insert(*epoch, seq);
                Ok(())
            }
            Entry::CertifySigningKey { device, key } => {
                self.certify_signing_key(seq, supervisor()?, *device, *key)
            }
            Entry::RotateRoot { root } => {
                if signer != Signer::Root {
                    return Err(TrustError::NotAllowed {
                        seq,
                        signer: signer.to_string(),
                    });
                }
                if *root == self.root {
                    return Err(rule(seq, "a root rotation needs a new key"));
                }
                self.root = *root;
                Ok(())
            }
            Entry::Policy { policy } => {
                let signed_by = supervisor()?;
                policy.validate().map_err(|problem| {
                    rule(seq, &format!("the team policy is out of bounds: {problem}"))
                })?;
                self.policy = Some(PolicyState {
                    policy: *policy,
                    seq,
                    signed_by,
                    signed_at_ms: statement.at_ms,
                });
                Ok(())
            }
            Entry::Form {
                kind,
                version,
                epoch,
                sealed,
            } => {
                let signed_by = supervisor()?;
                // The built-in forms are version 1 of each kind.
                let newest = self.newest_form_version(*kind).unwrap_or(1);
                if *version <= newest {
                    return Err(rule(
                        seq,
                        &format!("a {kind} form must be newer than version {newest}"),
                    ));
                }
                if !self.epochs.contains_key(epoch) {
                    return Err(rule(
                        seq,
                        "a form is sealed under a key epoch the roster made",
                    ));
                }
                self.forms.push(FormLink {
                    kind: *kind,
                    version: *version,
                    epoch: *epoch,
                    sealed: sealed.clone(),
                    seq,
                    signed_by,
                    signed_at_ms: statement.at_ms,
                });
                Ok(())
            }
        }
    }

    /// An invite, made at `at_ms`: once per id, under a known key epoch,
    /// expiring after it is made.
    fn add_invite(
        &mut self,
        seq: u64,
        at_ms: i64,
        invite: Uuid,
        made: InviteState,
    ) -> Result<(), TrustError> {
        if self.invites.contains_key(&invite) {
            return Err(rule(seq, "an invite id is used once"));
        }
        if !self.epochs.contains_key(&made.key_epoch) {
            return Err(TrustError::UnknownEpoch(made.key_epoch));
        }
        if made.expires_at_ms <= at_ms {
            return Err(rule(seq, "an invite must expire after it is made"));
        }
        self.invites.insert(invite, made);
        Ok(())
    }

    /// A new member joins with an invite: signed by the invite's own key,
    /// once, in the invite's role, while the supervisor who made it is active.
    fn join(
        &mut self,
        seq: u64,
        signer: Signer,
        invite: Uuid,
        member: &Member,
    ) -> Result<(), TrustError> {
        if signer != (Signer::Invite { invite }) {
            return Err(rule(seq, "a join is signed by its own invite"));
        }
        let state = self
            .invites
            .get(&invite)
            .ok_or_else(|| rule(seq, "a join names an invite the roster lacks"))?;
        if state.joined_by.is_some() {
            return Err(rule(seq, "the invite was already used"));
        }
        if self
            .members
            .get(&state.created_by)
            .is_none_or(|m| !m.is_active())
        {
            return Err(rule(
                seq,
                "the invite's supervisor was revoked: its invites stopped working",
            ));
        }
        if member.role != state.role {
            return Err(rule(seq, "a join must take its invite's role"));
        }
        let epoch = state.key_epoch;
        self.add_member(seq, member, epoch)?;
        if let Some(state) = self.invites.get_mut(&invite) {
            state.joined_by = Some(member.device);
        }
        Ok(())
    }

    /// A supervisor revokes another active member, never itself, and never
    /// the team's last supervisor who could sign.
    fn revoke(&mut self, seq: u64, by: Uuid, device: Uuid) -> Result<(), TrustError> {
        if device == by {
            return Err(rule(
                seq,
                "a supervisor cannot revoke its own device: another supervisor must",
            ));
        }
        let target = self
            .members
            .get(&device)
            .filter(|m| m.is_active())
            .ok_or_else(|| rule(seq, "only an active member can be revoked"))?;
        let signers_left = self
            .members
            .values()
            .filter(|m| m.member.device != target.member.device)
            .filter(|m| m.could_sign_at(seq - 1))
            .count();
        if signers_left == 0 {
            return Err(rule(seq, "the team would be left without a supervisor"));
        }
        if let Some(m) = self.members.get_mut(&device) {
            m.revoked_seq = Some(seq);
        }
        Ok(())
    }

    /// Another supervisor certifies an active supervisor's signing key, once.
    fn certify_signing_key(
        &mut self,
        seq: u64,
        by: Uuid,
        device: Uuid,
        key: PublicKey,
    ) -> Result<(), TrustError> {
        let target = self
            .members
            .get_mut(&device)
            .filter(|m| m.is_active() && m.member.role == Role::Supervisor)
            .ok_or_else(|| rule(seq, "only an active supervisor gets a signing key"))?;
        if by == device || target.member.signing_key.is_some() {
            return Err(rule(
                seq,
                "a signing key is certified once, by another supervisor",
            ));
        }
        target.member.signing_key = Some(key);
        target.signing_key_seq = Some(seq);
        Ok(())
    }

    fn add_member(
        &mut self,
        seq: u64,
        member: &Member,
        start_epoch: u32,
    ) -> Result<(), TrustError> {
        check_member(seq, member)?;
        if self.members.contains_key(&member.device) {
            return Err(rule(seq, "a device id is used once"));
        }
        self.members.insert(
            member.device,
            MemberState {
                member: member.clone(),
                added_seq: seq,
                signing_key_seq: member.signing_key.map(|_| seq),
                revoked_seq: None,
                start_epoch,
            },
        );
        Ok(())
    }

    /// Checks a key envelope addressed to `facts.device`: its epoch came from
    /// a signed rotation (or the genesis), and its signer was an active
    /// supervisor when that epoch was made, or is one now.
    pub fn check_envelope(
        &self,
        facts: &EnvelopeFacts<'_>,
        signer: Uuid,
        signature: &[u8],
    ) -> Result<(), TrustError> {
        let made_at = *self
            .epochs
            .get(&facts.epoch)
            .ok_or(TrustError::UnknownEpoch(facts.epoch))?;
        self.check_envelope_signer(facts, signer, signature, made_at)
    }

    /// Checks an envelope for an epoch beyond this roster's newest: signed
    /// by a supervisor this roster certifies now. Such an envelope comes from
    /// a rotation signed after the roster was fetched; it is not kept until
    /// the roster shows that rotation, but it is not a forgery either.
    pub fn check_envelope_ahead(
        &self,
        facts: &EnvelopeFacts<'_>,
        signer: Uuid,
        signature: &[u8],
    ) -> Result<(), TrustError> {
        if facts.epoch <= self.current_epoch() {
            return Err(TrustError::UnknownEpoch(facts.epoch));
        }
        self.check_envelope_signer(facts, signer, signature, self.head_seq)
    }

    /// The team, and a signature by a supervisor who could sign at `seq` or
    /// can now.
    fn check_envelope_signer(
        &self,
        facts: &EnvelopeFacts<'_>,
        signer: Uuid,
        signature: &[u8],
        seq: u64,
    ) -> Result<(), TrustError> {
        if facts.team != self.team {
            return Err(TrustError::WrongTeam);
        }
        let state = self
            .members
            .get(&signer)
            .ok_or(TrustError::UnknownDevice(signer))?;
        if !(state.could_sign_at(seq) || state.could_sign_at(self.head_seq)) {
            return Err(TrustError::NotAllowed {
                seq,
                signer: format!("device {signer}"),
            });
        }
        let key = state.member.signing_key.ok_or(TrustError::BadKey)?;
        key.verify(
            SignatureDomain::KeyEnvelope,
            &envelope_message(facts),
            signature,
        )
    }

    /// The team the roster belongs to.
    pub fn team(&self) -> Uuid {
        self.team
    }

    /// The team's identity: its genesis root's fingerprint, which devices pin; it never changes.
    pub fn fingerprint(&self) -> Fingerprint {
        self.fingerprint
    }

    /// The key that signs root statements now (it may have rotated since the genesis).
    pub fn root(&self) -> PublicKey {
        self.root
    }

    /// The seq of the last verified link.
    pub fn head_seq(&self) -> u64 {
        self.head_seq
    }

    /// The hash of the last verified link: the next link's `prev`.
    pub fn head_hash(&self) -> Digest {
        self.head_hash
    }

    /// Where the next placed statement goes.
    pub fn next_position(&self) -> Position {
        Position {
            seq: self.head_seq + 1,
            prev: self.head_hash,
        }
    }

    /// What the roster knows of a device, revoked or not.
    pub fn member(&self, device: Uuid) -> Option<&MemberState> {
        self.members.get(&device)
    }

    /// Every device the roster ever certified, active or revoked.
    pub fn members(&self) -> impl Iterator<Item = &MemberState> {
        self.members.values()
    }

    /// The devices not revoked.
    pub fn active_members(&self) -> impl Iterator<Item = &Member> {
        self.members
            .values()
            .filter(|m| m.is_active())
            .map(|m| &m.member)
    }

    /// Whether the roster certifies `device` and has not revoked it.
    pub fn is_active(&self, device: Uuid) -> bool {
        self.members.get(&device).is_some_and(|m| m.is_active())
    }

    /// Whether the roster revoked `device`.
    pub fn is_revoked(&self, device: Uuid) -> bool {
        self.members
            .get(&device)
            .is_some_and(|m| m.revoked_seq.is_some())
    }

    /// Whether `device` may sign the next link.
    pub fn may_sign(&self, device: Uuid) -> bool {
        self.members
            .get(&device)
            .is_some_and(|m| m.could_sign_at(self.head_seq))
    }

    /// What the roster knows of an invite.
    pub fn invite(&self, id: Uuid) -> Option<&InviteState> {
        self.invites.get(&id)
    }

    /// Every invite the roster holds, by id.
    pub fn invites(&self) -> impl Iterator<Item = (&Uuid, &InviteState)> {
        self.invites.iter()
    }

    /// The newest key epoch a signed rotation made (0 before any).
    pub fn current_epoch(&self) -> u32 {
        self.epochs.keys().next_back().copied().unwrap_or(0)
    }

    /// The link that made `epoch`, if the roster has it.
    pub fn epoch_made_at(&self, epoch: u32) -> Option<u64> {
        self.epochs.get(&epoch).copied()
    }

    /// Each key epoch, oldest first, with the seq of the link that made it.
    pub fn epochs(&self) -> impl Iterator<Item = (u32, u64)> + '_ {
        self.epochs.iter().map(|(e, s)| (*e, *s))
    }

    /// The team's security policy: the newest policy link's, or the default.
    pub fn policy(&self) -> SecurityPolicy {
        self.policy.map(|p| p.policy).unwrap_or_default()
    }

    /// Every form link, in chain order.
    pub fn form_links(&self) -> &[FormLink] {
        &self.forms
    }

    /// The newest form version the roster published for `kind`, if any.
    pub fn newest_form_version(&self, kind: fieldbook_proto::vocab::RecordKind) -> Option<u32> {
        self.forms
            .iter()
            .filter(|f| f.kind == kind)
            .map(|f| f.version)
            .max()
    }

    /// The newest policy link, if the team signed one.
    pub fn policy_link(&self) -> Option<&PolicyState> {
        self.policy.as_ref()
    }
}

fn rule(seq: u64, rule: &str) -> TrustError {
    TrustError::Rule {
        seq,
        rule: rule.to_string(),
    }
}

/// A statement is for this team, and a placed one names the link's place.
fn check_place(statement: &Statement, link: &Link, team: Uuid) -> Result<(), TrustError> {
    if statement.team != team {
        return Err(TrustError::WrongTeam);
    }
    match (&statement.position, &statement.entry) {
        (None, Entry::Join { .. }) => Ok(()),
        (None, _) => Err(rule(link.seq, "only a join is placed by the relay")),
        (Some(p), _) if p.seq == link.seq && p.prev == link.prev => Ok(()),
        (Some(_), _) => Err(TrustError::OutOfPlace { seq: link.seq }),
    }
}

fn check_member(seq: u64, member: &Member) -> Result<(), TrustError> {
    if member
        .label
        .as_ref()
        .is_some_and(|l| l.chars().count() > MAX_LABEL_CHARS || l.chars().any(char::is_control))
    {
        return Err(rule(
            seq,
            "a device label is at most 64 printable characters",
        ));
    }
    if member.box_key == [0u8; 32] {
        return Err(TrustError::BadKey);
    }
    Ok(())
}

#[cfg(test)]
mod tests;
