//! The device's place in its team: its X25519 key pair, its link to the hub,
//! the codes a supervisor hands out, and key epochs after a revocation.

use chrono::{DateTime, Utc};
use fieldbook_proto::devices::{DeviceInfo, KeyEnvelope, PutKeysRequest};
use fieldbook_proto::enroll::CreateInviteRequest;
use rusqlite::TransactionBehavior;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::{meta, vault, Role, Store, TeamKey};
use crate::crypto::{open, seal, seal_to_device, DeviceKeyPair, KeyPurpose, SecretKey};
use crate::enrollment::{seal_bundle, EnrollmentCode, KeyBundle};
use crate::error::SupervisorTask;
use crate::record::{DeviceId, SensitivityClass, TeamId};
use crate::{Error, Result};

const DEVICE_SECRET: &str = "device_secret";
const HUB_LINK: &str = "hub_link";

/// How this device reaches its hub. The token is a secret: it is stored
/// sealed under the vault key and never printed.
#[derive(Clone, Serialize, Deserialize)]
pub struct HubLink {
    pub url: String,
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

/// A code for a new device, and what the hub must be told about it.
pub struct Invite {
    pub code: EnrollmentCode,
    pub request: CreateInviteRequest,
}

fn envelope_aad(team: TeamId, device: uuid::Uuid, class: &str, epoch: u32) -> Vec<u8> {
    let mut aad = b"fieldbook/v1/key-envelope/".to_vec();
    aad.extend_from_slice(team.as_bytes());
    aad.extend_from_slice(device.as_bytes());
    aad.extend_from_slice(&(class.len() as u32).to_be_bytes());
    aad.extend_from_slice(class.as_bytes());
    aad.extend_from_slice(&epoch.to_be_bytes());
    aad
}

impl Store {
    fn sealed_meta_key(&mut self, purpose: KeyPurpose) -> Result<SecretKey> {
        let (_, keys) = self.unlocked()?;
        Ok(keys.vault().derive_subkey(purpose))
    }

    fn put_sealed_meta(&mut self, name: &str, purpose: KeyPurpose, plain: &[u8]) -> Result<()> {
        let key = self.sealed_meta_key(purpose)?;
        let sealed = seal(&key, name.as_bytes(), plain);
        meta::put_blob(&self.conn, name, &sealed)
    }

    fn get_sealed_meta(
        &mut self,
        name: &str,
        purpose: KeyPurpose,
    ) -> Result<Option<Zeroizing<Vec<u8>>>> {
        let key = self.sealed_meta_key(purpose)?;
        match meta::get_blob(&self.conn, name)? {
            None => Ok(None),
            Some(sealed) => open(&key, name.as_bytes(), &sealed)
                .map(Some)
                .map_err(|_| Error::StoreDamaged(format!("{name} is damaged"))),
        }
    }

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

    /// The newest key epoch this device holds.
    pub fn key_epoch(&mut self) -> Result<u32> {
        let (_, keys) = self.unlocked()?;
        Ok(SensitivityClass::ALL
            .iter()
            .filter_map(|c| keys.current_epoch(*c))
            .max()
            .unwrap_or(0))
    }

    pub fn set_hub_link(&mut self, link: &HubLink) -> Result<()> {
        let plain = Zeroizing::new(
            serde_json::to_vec(link)
                .map_err(|e| Error::InvalidInput(format!("cannot encode the hub link: {e}")))?,
        );
        self.put_sealed_meta(HUB_LINK, KeyPurpose::HubCredentials, &plain)?;
        self.keep_hub_link_for_background(link)
    }

    pub fn hub_link(&mut self) -> Result<Option<HubLink>> {
        match self.get_sealed_meta(HUB_LINK, KeyPurpose::HubCredentials)? {
            None => Ok(None),
            Some(plain) => serde_json::from_slice(&plain)
                .map(Some)
                .map_err(|_| Error::StoreDamaged("the hub link is malformed".into())),
        }
    }

    /// A one-time code that enrolls a new device in `role`, with the team keys
    /// that role may hold sealed under it (supervisors only).
    pub fn make_invite(&mut self, role: Role, expires_at: DateTime<Utc>) -> Result<Invite> {
        if self.role != Role::Supervisor {
            return Err(Error::SupervisorOnly(SupervisorTask::Invite));
        }
        let team = self.team;
        let (_, keys) = self.unlocked()?;
        let granted: Vec<TeamKey> = keys
            .team_keys()
            .iter()
            .filter(|k| k.belongs_to(role.key_classes()))
            .cloned()
            .collect();
        let code = EnrollmentCode::make_random();
        let key_bundle = seal_bundle(&code, &KeyBundle::new(team.0, role.as_str(), &granted))?;
        let request = CreateInviteRequest {
            invite_id: code.invite_id,
            role: role.as_str().to_string(),
            verifier_hash: code.verifier_hash(),
            key_bundle,
            expires_at,
        };
        Ok(Invite { code, request })
    }

    /// Makes the next key epoch of every class this device holds, keeps it,
    /// and wraps it to each remaining device whose role holds that class.
    /// Revoked devices are left out: they never get the new keys.
    pub fn rotate_keys(&mut self, devices: &[DeviceInfo]) -> Result<PutKeysRequest> {
        if self.role != Role::Supervisor {
            return Err(Error::SupervisorOnly(SupervisorTask::RotateKeys));
        }
        let team = self.team;
        let me = self.device;
        self.unlocked()?;
        let keys = self.keys.as_mut().ok_or(Error::Locked)?;
        let epoch = SensitivityClass::ALL
            .iter()
            .filter_map(|c| keys.current_epoch(*c))
            .max()
            .unwrap_or(0)
            + 1;
        let fresh: Vec<TeamKey> = SensitivityClass::ALL
            .into_iter()
            .filter(|c| keys.holds(*c))
            .map(|class| TeamKey {
                class: class.as_str().to_string(),
                epoch,
                key: SecretKey::make_random(),
            })
            .collect();
        let mut envelopes = Vec::new();
        for device in devices
            .iter()
            .filter(|d| d.status == "active" && d.device_id != me.0)
        {
            let Ok(role) = device.role.parse::<Role>() else {
                continue;
            };
            let Some(public_key) = &device.public_key else {
                continue;
            };
            for key in fresh.iter().filter(|k| k.belongs_to(role.key_classes())) {
                envelopes.push(KeyEnvelope {
                    device_id: device.device_id,
                    key_class: key.class.clone(),
                    epoch,
                    wrapped: seal_to_device(
                        public_key,
                        &envelope_aad(team, device.device_id, &key.class, epoch),
                        key.key.expose(),
                    )?,
                });
            }
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        vault::add_team_keys(&tx, keys, &fresh)?;
        tx.commit()?;
        Ok(PutKeysRequest { epoch, envelopes })
    }

    /// Keeps the team keys in envelopes addressed to this device.
    /// Returns how many new keys it learned.
    pub fn accept_key_envelopes(&mut self, envelopes: &[KeyEnvelope]) -> Result<usize> {
        let pair = self.device_key_pair()?;
        let (team, me) = (self.team, self.device);
        let mut learned = Vec::new();
        for envelope in envelopes.iter().filter(|e| e.device_id == me.0) {
            let plain = pair
                .open(
                    &envelope_aad(team, me.0, &envelope.key_class, envelope.epoch),
                    &envelope.wrapped,
                )
                .map_err(|_| {
                    Error::InvalidInput("a key envelope does not open on this device".into())
                })?;
            learned.push(TeamKey {
                class: envelope.key_class.clone(),
                epoch: envelope.epoch,
                key: SecretKey::from_bytes(&plain)?,
            });
        }
        let classes = self.role.key_classes();
        learned.retain(|k| k.belongs_to(classes));
        self.unlocked()?;
        let keys = self.keys.as_mut().ok_or(Error::Locked)?;
        let before = keys.team_keys().len();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        vault::add_team_keys(&tx, keys, &learned)?;
        tx.commit()?;
        Ok(keys.team_keys().len() - before)
    }

    /// The ids a hub assigned: for checks and status screens.
    pub fn identity(&self) -> (TeamId, DeviceId, Role) {
        (self.team, self.device, self.role)
    }
}
