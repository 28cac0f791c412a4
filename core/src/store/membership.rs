//! The device's place in its team: its X25519 key pair, its link to the hub,
//! the codes a supervisor hands out, and key epochs after a revocation.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use fieldbook_proto::devices::{KeyEnvelope, PutKeysRequest, RevokeRequest};
use fieldbook_proto::enroll::CreateInviteRequest;
use fieldbook_trust::{envelope_message, Entry, EnvelopeFacts, Link, Member, SignatureDomain};
use rusqlite::TransactionBehavior;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::{vault, Role, Store};
use crate::crypto::{
    decode_json, encode_json, seal_to_device, DeviceKeyPair, Domain, KeyPurpose, SecretKey, TeamKey,
};
use crate::enrollment::{seal_bundle, EnrollmentCode, KeyBundle, RosterAnchor};
use crate::error::SupervisorTask;
use crate::record::{DeviceId, SensitivityClass, TeamId};
use crate::{Error, Result};

const DEVICE_SECRET: &str = "device_secret";
const HUB_LINK: &str = "hub_link";
/// Which (device, epoch) keys this supervisor already shared with late joiners.
const KEYS_SHARED: &str = "keys_shared";

fn shared_key(device: uuid::Uuid, epoch: u32) -> String {
    format!("{device}/{epoch}")
}

/// What became of the key envelopes a sync fetched.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct KeysOutcome {
    /// Team keys new to this device.
    pub learned: u32,
    /// Envelopes refused: unsigned, signed by a device the roster does not
    /// certify, for an epoch no signed rotation made, for another device or a
    /// class this role may not hold, or not opening.
    pub refused: u32,
    /// Envelopes for this device from an epoch beyond the verified roster's
    /// newest, signed by a supervisor it certifies: a rotation signed after
    /// this device last fetched the roster. Not kept, not refused: the next
    /// sync verifies the rotation first.
    pub ahead: u32,
}

/// How this device reaches its hub. The token is a secret: it is stored
/// sealed under the vault key and never printed.
#[derive(Clone, Serialize, Deserialize)]
pub struct HubLink {
    /// The hub's base URL.
    pub url: String,
    /// The device's bearer token for the hub.
    pub token: String,
    /// SHA-256 of the hub's certificate (DER), hex, when pinned.
    #[serde(default)]
    pub certificate_sha256: Option<String>,
}

impl std::fmt::Debug for HubLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "HubLink({}, token …)", self.url)
    }
}

/// Reads a hub link from its JSON; `damaged` says which copy failed.
pub(super) fn decode_hub_link(plain: &[u8], damaged: &str) -> Result<HubLink> {
    decode_json(plain).map_err(|_| Error::StoreDamaged(damaged.into()))
}

/// A code for a new device, and what the hub must be told about it.
pub struct Invite {
    /// The code the new device is enrolled with, to hand to the person.
    pub code: EnrollmentCode,
    /// What the hub must hold for the invite: the sealed key bundle and the signed roster link.
    pub request: CreateInviteRequest,
}

/// The associated data a key envelope is sealed with ([`Domain::key_envelope_aad`]).
pub fn key_envelope_aad(team: TeamId, device: uuid::Uuid, class: &str, epoch: u32) -> Vec<u8> {
    Domain::key_envelope_aad(&team.0, &device, class, epoch)
}

impl Store {
    /// The device's X25519 key pair, made on first use.
    pub fn device_key_pair(&mut self) -> Result<DeviceKeyPair> {
        if let Some(secret) = self.get_sealed_meta(DEVICE_SECRET, KeyPurpose::DeviceKey)? {
            return Ok(DeviceKeyPair::from_secret(&SecretKey::from_bytes(&secret)?));
        }
        let pair = DeviceKeyPair::make_random();
        self.put_sealed_meta(DEVICE_SECRET, KeyPurpose::DeviceKey, pair.secret().expose())?;
        Ok(pair)
    }

    /// Keeps the key pair the device enrolled with.
    pub fn set_device_key_pair(&mut self, pair: &DeviceKeyPair) -> Result<()> {
        self.put_sealed_meta(DEVICE_SECRET, KeyPurpose::DeviceKey, pair.secret().expose())
    }

    /// The newest key epoch this device holds of `class` (`None`: none).
    pub fn epoch_of(&mut self, class: SensitivityClass) -> Result<Option<u32>> {
        let (_, keys) = self.unlocked()?;
        Ok(keys.current_epoch(class))
    }

    /// The newest key epoch this device holds.
    pub fn key_epoch(&mut self) -> Result<u32> {
        let (_, keys) = self.unlocked()?;
        Ok(SensitivityClass::ALL
            .iter()
            .filter_map(|c| keys.current_epoch(*c))
            .max()
            .unwrap_or(0))
    }

    /// Keeps the hub link: encoded once, sealed under the vault key, and
    /// the same bytes wrapped for syncs while locked.
    pub fn set_hub_link(&mut self, link: &HubLink) -> Result<()> {
        let plain = encode_json(link)?;
        self.put_sealed_meta(HUB_LINK, KeyPurpose::HubCredentials, &plain)?;
        // Enrolling is the first hub contact: offline expiry counts from it.
        self.record_hub_contact()?;
        self.keep_hub_link_for_background(&plain)
    }

    /// How this device reaches its hub; `None` when it is not enrolled with one. Unlocked only.
    pub fn hub_link(&mut self) -> Result<Option<HubLink>> {
        self.get_sealed_json(HUB_LINK, KeyPurpose::HubCredentials, "the hub link")
    }

    /// The hub link's JSON as sealed, checked to be one (for the background
    /// copy, which wraps these same bytes).
    pub(super) fn hub_link_json(&mut self) -> Result<Option<Zeroizing<Vec<u8>>>> {
        let Some(plain) = self.get_sealed_meta(HUB_LINK, KeyPurpose::HubCredentials)? else {
            return Ok(None);
        };
        decode_hub_link(&plain, "the hub link is malformed")?;
        Ok(Some(plain))
    }

    /// A one-time code that enrolls a new device in `role`, with the team keys
    /// that role may hold sealed under it, and the roster link that certifies
    /// the code's one-time key (supervisors the roster certifies only).
    pub fn make_invite(&mut self, role: Role, expires_at: DateTime<Utc>) -> Result<Invite> {
        if self.role != Role::Supervisor {
            return Err(Error::SupervisorOnly(SupervisorTask::Invite));
        }
        let roster = self.roster()?.ok_or(Error::NoRoster)?;
        let team = self.team;
        let (_, keys) = self.unlocked()?;
        let granted: Vec<TeamKey> = keys
            .team_keys()
            .iter()
            .filter(|k| k.belongs_to(role.key_classes()))
            .cloned()
            .collect();
        let key_epoch = role
            .key_classes()
            .iter()
            .filter_map(|c| keys.current_epoch(*c))
            .max()
            .unwrap_or(0);
        let code = EnrollmentCode::make_random(Some(roster.fingerprint()));
        let anchor = RosterAnchor {
            seq: roster.head_seq(),
            hash: roster.head_hash(),
        };
        let bundle = KeyBundle::new(team.0, role, &granted, Some(anchor));
        let key_bundle = seal_bundle(&code, &bundle)?;
        let link = self
            .sign_entries(
                &roster,
                vec![Entry::Invite {
                    invite: code.invite_id,
                    role,
                    key: code.invite_signing_key().public(),
                    key_epoch,
                    expires_at_ms: expires_at.timestamp_millis(),
                }],
            )?
            .remove(0);
        let request = CreateInviteRequest {
            invite_id: code.invite_id,
            role,
            verifier_hash: code.verifier_hash(),
            key_bundle,
            expires_at,
            link: Some(link.to_wire()),
        };
        Ok(Invite { code, request })
    }

    /// Revokes a device and moves the team to a new key epoch, as one
    /// request: the signed revocation and rotation, and fresh keys of every
    /// class this device holds wrapped to each remaining member whose role
    /// holds that class, this device included. Nothing is kept here: the new
    /// keys reach this device through the hub like every other, so an answer
    /// lost after the hub stored them loses nothing.
    pub fn make_revocation(&mut self, device: DeviceId) -> Result<RevokeRequest> {
        if self.role != Role::Supervisor {
            return Err(Error::SupervisorOnly(SupervisorTask::RotateKeys));
        }
        self.check_revocable(device)?;
        let roster = self.roster()?.ok_or(Error::NoRoster)?;
        if !roster.is_active(device.0) {
            return Err(Error::InvalidInput(format!(
                "device {device} is not an active member of the team's verified roster"
            )));
        }
        let epoch = roster.current_epoch() + 1;
        let links = self.sign_entries(
            &roster,
            vec![Entry::Revoke { device: device.0 }, Entry::Rotate { epoch }],
        )?;
        let mut after = roster;
        for link in &links {
            after.apply(link)?;
        }
        let (_, keys) = self.unlocked()?;
        let fresh: Vec<TeamKey> = SensitivityClass::ALL
            .into_iter()
            .filter(|c| keys.holds(*c))
            .map(|class| TeamKey {
                class: class.into(),
                epoch,
                key: SecretKey::make_random(),
            })
            .collect();
        let recipients: Vec<Member> = after.active_members().cloned().collect();
        let envelopes = self.wrap_keys(&fresh, &recipients)?;
        Ok(RevokeRequest {
            links: links.iter().map(Link::to_wire).collect(),
            keys: Some(PutKeysRequest {
                epoch,
                envelopes,
                link: None,
            }),
        })
    }

    /// Refuses to revoke this device itself: a supervisor hands over to
    /// another, who then revokes it. When no other supervisor in the
    /// verified roster can sign yet, the refusal says this is the team's last
    /// supervisor (enroll one first). Revoking another device leaves this
    /// one, so the roster's rule (a supervisor who can sign remains) holds
    /// whenever this device can sign at all; signing says so when it cannot.
    pub fn check_revocable(&mut self, device: DeviceId) -> Result<()> {
        if device != self.device {
            return Ok(());
        }
        let others_sign = self.roster()?.is_some_and(|roster| {
            roster
                .members()
                .any(|m| m.member.device != device.0 && roster.may_sign(m.member.device))
        });
        Err(if others_sign {
            Error::CannotRevokeSelf
        } else {
            Error::LastSupervisor
        })
    }

    /// Wraps each key to each recipient whose role may hold its class, and
    /// signs every envelope with this device's signing key.
    fn wrap_keys(&mut self, keys: &[TeamKey], recipients: &[Member]) -> Result<Vec<KeyEnvelope>> {
        let signing = self.signing_key()?.ok_or(Error::NotCertified)?;
        let team = self.team;
        let mut envelopes = Vec::new();
        for member in recipients {
            for key in keys
                .iter()
                .filter(|k| k.belongs_to(member.role.key_classes()))
            {
                // Only sealing keys travel in envelopes; `belongs_to` lets the
                // client-code secret through, which bundles carry instead.
                let Some(class) = key.class.sealing() else {
                    continue;
                };
                let wrapped = seal_to_device(
                    &member.box_key,
                    &key_envelope_aad(team, member.device, class.as_str(), key.epoch),
                    key.key.expose(),
                )?;
                let facts = EnvelopeFacts {
                    team: team.0,
                    device: member.device,
                    key_class: class,
                    epoch: key.epoch,
                    wrapped: &wrapped,
                };
                let signature =
                    signing.sign(SignatureDomain::KeyEnvelope, &envelope_message(&facts));
                envelopes.push(KeyEnvelope {
                    device_id: member.device,
                    key_class: class,
                    epoch: key.epoch,
                    wrapped,
                    signer: Some(self.device.0),
                    signature: Some(signature.to_vec()),
                });
            }
        }
        Ok(envelopes)
    }

    /// Keys of epochs made before a member joined, for members whose code
    /// carried older keys (a rotation's envelopes went only to the members
    /// it knew): one request per epoch, each envelope signed. What this
    /// device sent is remembered ([`Self::mark_keys_shared`]), so it is sent once.
    pub fn keys_to_share(&mut self) -> Result<Vec<PutKeysRequest>> {
        let Some(roster) = self.roster()? else {
            return Ok(Vec::new());
        };
        if self.role != Role::Supervisor || !roster.may_sign(self.device.0) {
            return Ok(Vec::new());
        }
        let shared = self.keys_shared()?;
        let mut requests = Vec::new();
        for (epoch, made_at) in roster.epochs() {
            let missing: Vec<Member> = roster
                .members()
                .filter(|m| m.is_active() && m.added_seq > made_at && m.start_epoch < epoch)
                .filter(|m| !shared.contains(&shared_key(m.member.device, epoch)))
                .map(|m| m.member.clone())
                .collect();
            if missing.is_empty() {
                continue;
            }
            let keys: Vec<TeamKey> = {
                let (_, keys) = self.unlocked()?;
                keys.team_keys()
                    .iter()
                    .filter(|k| k.epoch == epoch && k.class.sealing().is_some())
                    .cloned()
                    .collect()
            };
            if keys.is_empty() {
                continue; // an epoch this device has not learned yet
            }
            let envelopes = self.wrap_keys(&keys, &missing)?;
            if !envelopes.is_empty() {
                requests.push(PutKeysRequest {
                    epoch,
                    envelopes,
                    link: None,
                });
            }
        }
        Ok(requests)
    }

    /// Remembers that the keys of `request` reached the hub.
    pub fn mark_keys_shared(&mut self, request: &PutKeysRequest) -> Result<()> {
        let mut shared = self.keys_shared()?;
        for e in &request.envelopes {
            shared.insert(shared_key(e.device_id, e.epoch));
        }
        self.put_sealed_json(KEYS_SHARED, KeyPurpose::Roster, &shared)
    }

    fn keys_shared(&mut self) -> Result<BTreeSet<String>> {
        Ok(self
            .get_sealed_json(KEYS_SHARED, KeyPurpose::Roster, "the shared-keys list")?
            .unwrap_or_default())
    }

    /// Keeps the team keys in envelopes addressed to this device that a
    /// supervisor the verified roster certifies signed, for epochs the roster
    /// made. Everything else is refused and counted: a hub that writes
    /// envelopes of its own plants nothing.
    pub fn accept_key_envelopes(&mut self, envelopes: &[KeyEnvelope]) -> Result<KeysOutcome> {
        let mut outcome = KeysOutcome::default();
        let Some(roster) = self.roster()? else {
            outcome.refused = envelopes.len() as u32;
            return Ok(outcome);
        };
        let pair = self.device_key_pair()?;
        let (team, me) = (self.team, self.device);
        let classes = self.role.key_classes();
        let mut learned = Vec::new();
        for envelope in envelopes {
            let facts = EnvelopeFacts {
                team: team.0,
                device: envelope.device_id,
                key_class: envelope.key_class,
                epoch: envelope.epoch,
                wrapped: &envelope.wrapped,
            };
            let (signed, ahead) = match (envelope.signer, envelope.signature.as_deref()) {
                (Some(signer), Some(signature)) => (
                    roster.check_envelope(&facts, signer, signature).is_ok(),
                    roster
                        .check_envelope_ahead(&facts, signer, signature)
                        .is_ok(),
                ),
                _ => (false, false),
            };
            let for_me = envelope.device_id == me.0 && classes.contains(&envelope.key_class);
            if for_me && ahead {
                outcome.ahead += 1;
                continue;
            }
            if !signed || !for_me {
                outcome.refused += 1;
                continue;
            }
            let Ok(plain) = pair.open(
                &key_envelope_aad(team, me.0, envelope.key_class.as_str(), envelope.epoch),
                &envelope.wrapped,
            ) else {
                outcome.refused += 1;
                continue;
            };
            learned.push(TeamKey {
                class: envelope.key_class.into(),
                epoch: envelope.epoch,
                key: SecretKey::from_bytes(&plain)?,
            });
        }
        self.unlocked()?;
        let keys = self.keys.as_mut().ok_or(Error::Locked)?;
        let before = keys.team_keys().len();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        vault::add_team_keys(&tx, keys, &learned)?;
        tx.commit()?;
        self.forms = None;
        outcome.learned = (keys.team_keys().len() - before) as u32;
        Ok(outcome)
    }

    /// The ids a hub assigned: for checks and status screens.
    pub fn identity(&self) -> (TeamId, DeviceId, Role) {
        (self.team, self.device, self.role)
    }
}
