//! This device's place in the team's signed roster: the roster it verified
//! (sealed under the vault key), the team fingerprint it pinned (also
//! wrapped by the platform key alone, so a locked background sync can check
//! a wipe order against it), and its signing keys: a supervisor device's own
//! key, and the team root on the device that made the team.

use fieldbook_trust::{
    Entry, Fingerprint, Link, Member, Position, Roster, Signer, SigningKey, Statement,
};
use zeroize::Zeroizing;

use super::{meta, vault, Role, Store};
use crate::crypto::{Domain, KeyPurpose};
use crate::{Error, Result};

const ROSTER: &str = "roster";
const TEAM_PIN: &str = "team_pin";
const SIGNING_KEY: &str = "signing_key";
const TEAM_ROOT: &str = "team_root";

impl Store {
    /// The roster this device verified last; `None` before its first.
    pub fn roster(&mut self) -> Result<Option<Roster>> {
        self.get_sealed_json(ROSTER, KeyPurpose::Roster, "the verified roster")
    }

    /// Keeps a verified roster, pinning its fingerprint the first time, and
    /// follows the team policy it holds. Refuses a roster of another team,
    /// of another fingerprint than the pinned one, or older than the one
    /// kept (a rollback).
    pub fn set_roster(&mut self, roster: &Roster) -> Result<()> {
        if roster.team() != self.team.0 {
            return Err(Error::Untrusted(fieldbook_trust::TrustError::WrongTeam));
        }
        match self.pinned_team()? {
            Some(pin) if pin != roster.fingerprint() => {
                return Err(Error::Untrusted(fieldbook_trust::TrustError::WrongRoot))
            }
            Some(_) => {}
            None => self.pin_team(roster.fingerprint())?,
        }
        if let Some(kept) = self.roster()? {
            if roster.head_seq() < kept.head_seq() {
                return Err(Error::Untrusted(fieldbook_trust::TrustError::Rollback));
            }
        }
        self.put_sealed_json(ROSTER, KeyPurpose::Roster, roster)?;
        self.forget_forms();
        self.follow_team_policy(&roster.policy())
    }

    /// The team fingerprint this device pinned (its code's, or the first
    /// roster it trusted); readable while locked.
    pub fn pinned_team(&mut self) -> Result<Option<Fingerprint>> {
        let Some(wrapped) = meta::get_blob(&self.conn, TEAM_PIN)? else {
            return Ok(None);
        };
        let plain = Zeroizing::new(
            self.provider
                .unwrap(&vault::platform_label(&self.store_id), &wrapped)?,
        );
        let bytes = Domain::TeamPin
            .untag(&plain)
            .and_then(|b| <[u8; 16]>::try_from(b).ok())
            .ok_or_else(|| Error::StoreDamaged("the pinned team fingerprint is damaged".into()))?;
        Ok(Some(Fingerprint(bytes)))
    }

    /// Pins the team fingerprint (once: a device never changes teams).
    pub fn pin_team(&mut self, fingerprint: Fingerprint) -> Result<()> {
        if let Some(pin) = self.pinned_team()? {
            return if pin == fingerprint {
                Ok(())
            } else {
                Err(Error::Untrusted(fieldbook_trust::TrustError::WrongRoot))
            };
        }
        let plain = Zeroizing::new(Domain::TeamPin.tag(&fingerprint.0));
        let wrapped = self
            .provider
            .wrap(&vault::platform_label(&self.store_id), &plain)?;
        meta::put_blob(&self.conn, TEAM_PIN, &wrapped)
    }

    /// This device's signing key, if it has one.
    pub fn signing_key(&mut self) -> Result<Option<SigningKey>> {
        self.sealed_signing_key(SIGNING_KEY)
    }

    /// This device's signing key, made on first use.
    pub fn ensure_signing_key(&mut self) -> Result<SigningKey> {
        if let Some(key) = self.signing_key()? {
            return Ok(key);
        }
        let key = SigningKey::make_random();
        self.put_sealed_meta(SIGNING_KEY, KeyPurpose::SigningKeys, key.seed().as_slice())?;
        Ok(key)
    }

    /// Keeps the signing key this device made when it enrolled.
    pub fn set_signing_key(&mut self, key: &SigningKey) -> Result<()> {
        self.put_sealed_meta(SIGNING_KEY, KeyPurpose::SigningKeys, key.seed().as_slice())
    }

    /// The team root, on the device that holds it.
    pub fn team_root(&mut self) -> Result<Option<SigningKey>> {
        self.sealed_signing_key(TEAM_ROOT)
    }

    /// Keeps the team root, sealed under the vault key, on the device that made the team.
    pub fn set_team_root(&mut self, root: &SigningKey) -> Result<()> {
        self.put_sealed_meta(TEAM_ROOT, KeyPurpose::SigningKeys, root.seed().as_slice())
    }

    fn sealed_signing_key(&mut self, name: &str) -> Result<Option<SigningKey>> {
        match self.get_sealed_meta(name, KeyPurpose::SigningKeys)? {
            None => Ok(None),
            Some(seed) => {
                let seed: [u8; 32] = seed
                    .as_slice()
                    .try_into()
                    .map_err(|_| Error::StoreDamaged(format!("{name} is malformed")))?;
                let seed = Zeroizing::new(seed);
                Ok(Some(SigningKey::from_seed(&seed)))
            }
        }
    }

    /// This device as a roster entry certifies it.
    pub fn as_member(&mut self, label: Option<String>) -> Result<Member> {
        let box_key = self.device_key_pair()?.public_key();
        let signing_key = match self.role {
            Role::Supervisor => Some(self.ensure_signing_key()?.public()),
            _ => None,
        };
        Ok(Member {
            device: self.device.0,
            role: self.role,
            box_key,
            signing_key,
            label,
        })
    }

    /// Signs entries as this device, one after another from the roster's
    /// head (supervisors with a certified signing key).
    pub fn sign_entries(&mut self, roster: &Roster, entries: Vec<Entry>) -> Result<Vec<Link>> {
        if !roster.may_sign(self.device.0) {
            return Err(Error::NotCertified);
        }
        let key = self.signing_key()?.ok_or(Error::NotCertified)?;
        let signer = Signer::Device {
            device: self.device.0,
        };
        self.sign_chain(roster.next_position(), signer, &key, entries)
    }

    /// Signs entries one after another from `position`, as `signer` with `key`.
    pub(crate) fn sign_chain(
        &mut self,
        mut position: Position,
        signer: Signer,
        key: &SigningKey,
        entries: Vec<Entry>,
    ) -> Result<Vec<Link>> {
        let at_ms = self.now_ms() as i64;
        let mut links = Vec::with_capacity(entries.len());
        for entry in entries {
            let link =
                Statement::new(self.team.0, Some(position), at_ms, signer, entry).sign(key)?;
            position = Position {
                seq: link.seq + 1,
                prev: link.hash(),
            };
            links.push(link);
        }
        Ok(links)
    }
}
