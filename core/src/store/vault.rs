//! The vault: the key hierarchy on the device, PIN unlock with back-off, and
//! crypto-erase.
//!
//! The vault key seals the team keys. It is wrapped first by a key derived from
//! the PIN with Argon2id (parameters stored beside it), then by the platform key
//! the shell supplies (Keystore/Keychain), so the file alone gives an attacker
//! nothing to brute-force offline. A canary sealed under the vault key tells a
//! wrong key from damaged data.

use rusqlite::{params, Connection};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use subtle::ConstantTimeEq;

use super::meta;
use super::policy::SecurityPolicy;
use crate::crypto::{
    derive_pin_key_with_floor, open, seal, unwrap_key, wrap_key, AuditMac, BlindIndex, CryptoError,
    KdfFloor, KdfParams, KeyPurpose, PlatformKeyProvider, SecretKey,
};
use crate::record::SensitivityClass;
use crate::{Error, Result};

const CANARY: &[u8] = b"fieldbook vault canary v1";
/// The team secret the client codes are keyed with. It is never rotated, so a
/// client's code stays the same across key epochs.
const UIC_CLASS: &str = "uic";

/// One team key as held by a device: its class (a sensitivity class, or
/// `uic` for the never-rotated secret client codes are keyed with) and epoch.
#[derive(Clone)]
pub struct TeamKey {
    pub class: String,
    pub epoch: u32,
    pub key: SecretKey,
}

impl TeamKey {
    /// Fresh keys for a new team: epoch 1 of each class, and the client-code secret.
    pub fn make_for_new_team(classes: &[SensitivityClass]) -> Vec<TeamKey> {
        classes
            .iter()
            .map(|class| TeamKey {
                class: class.as_str().to_string(),
                epoch: 1,
                key: SecretKey::make_random(),
            })
            .chain(std::iter::once(TeamKey {
                class: UIC_CLASS.to_string(),
                epoch: 0,
                key: SecretKey::make_random(),
            }))
            .collect()
    }

    /// Whether a device of a role holding `classes` may hold this key.
    pub fn belongs_to(&self, classes: &[SensitivityClass]) -> bool {
        self.class == UIC_CLASS || classes.iter().any(|c| c.as_str() == self.class)
    }
}

/// Key material of an unlocked store. Everything zeroizes when dropped (lock).
pub struct UnlockedKeys {
    vault: SecretKey,
    /// The team keys themselves, for handing on to enrolling devices.
    team_keys: Vec<TeamKey>,
    /// Record-sealing subkeys per (class, epoch).
    seal_keys: BTreeMap<(SensitivityClass, u32), SecretKey>,
    /// The newest epoch held per class: new writes use it.
    current_epoch: BTreeMap<SensitivityClass, u32>,
    indexes: BTreeMap<SensitivityClass, BlindIndex>,
    uic: Option<SecretKey>,
    pub audit: AuditMac,
}

impl UnlockedKeys {
    pub fn seal_key(&self, class: SensitivityClass, epoch: u32) -> Option<&SecretKey> {
        self.seal_keys.get(&(class, epoch))
    }

    pub fn current_epoch(&self, class: SensitivityClass) -> Option<u32> {
        self.current_epoch.get(&class).copied()
    }

    pub fn holds(&self, class: SensitivityClass) -> bool {
        self.current_epoch.contains_key(&class)
    }

    pub fn index(&self, class: SensitivityClass) -> Option<&BlindIndex> {
        self.indexes.get(&class)
    }

    pub fn uic_key(&self) -> Option<&SecretKey> {
        self.uic.as_ref()
    }

    pub fn team_keys(&self) -> &[TeamKey] {
        &self.team_keys
    }

    pub fn vault(&self) -> &SecretKey {
        &self.vault
    }
}

pub(super) fn platform_label(store_id: &[u8]) -> String {
    let hex: String = store_id.iter().map(|b| format!("{b:02x}")).collect();
    format!("fieldbook-vault-{hex}")
}

fn vault_aad(store_id: &[u8]) -> Vec<u8> {
    [b"fieldbook/vault-key/v1/".as_slice(), store_id].concat()
}

fn team_key_aad(class: &str, epoch: u32) -> Vec<u8> {
    let mut aad = b"fieldbook/team-key/v1/".to_vec();
    aad.extend_from_slice(&(class.len() as u32).to_be_bytes());
    aad.extend_from_slice(class.as_bytes());
    aad.extend_from_slice(&epoch.to_be_bytes());
    aad
}

fn canary_aad(store_id: &[u8]) -> Vec<u8> {
    [b"fieldbook/vault-canary/v1/".as_slice(), store_id].concat()
}

/// Sets up the vault of a new store and the team keys for `classes`, inside the caller's transaction.
pub fn create(
    conn: &Connection,
    store_id: &[u8],
    pin: &str,
    kdf: &KdfParams,
    floor: KdfFloor,
    provider: &dyn PlatformKeyProvider,
    team_keys: &[TeamKey],
) -> Result<UnlockedKeys> {
    let vault = SecretKey::make_random();
    let pin_key = derive_pin_key_with_floor(pin.as_bytes(), kdf, floor)?;
    let inner = wrap_key(&pin_key, &vault, &vault_aad(store_id));
    let outer = provider.wrap(&platform_label(store_id), &inner)?;
    meta::put_json(conn, meta::KDF_PARAMS, kdf)?;
    meta::put_blob(conn, meta::VAULT_WRAPPED, &outer)?;
    meta::put_blob(conn, meta::VAULT_WRAPPED_SHA256, &Sha256::digest(&outer))?;
    let canary = seal(
        &vault.derive_subkey(KeyPurpose::VaultCanary),
        &canary_aad(store_id),
        CANARY,
    );
    meta::put_blob(conn, meta::VAULT_CANARY, &canary)?;
    for key in team_keys {
        store_team_key(conn, &vault, key)?;
    }
    load_keys(conn, vault)
}

fn store_team_key(conn: &Connection, vault: &SecretKey, key: &TeamKey) -> Result<()> {
    let wrapped = wrap_key(vault, &key.key, &team_key_aad(&key.class, key.epoch));
    conn.execute(
        "INSERT INTO team_keys (class, epoch, wrapped) VALUES (?1, ?2, ?3)
         ON CONFLICT (class, epoch) DO NOTHING",
        params![key.class, key.epoch, wrapped],
    )?;
    Ok(())
}

/// Adds team keys (a new epoch, or keys received later) and reloads the
/// derived keys, in the caller's transaction.
pub fn add_team_keys(conn: &Connection, keys: &mut UnlockedKeys, new: &[TeamKey]) -> Result<()> {
    for key in new {
        store_team_key(conn, &keys.vault, key)?;
    }
    let vault = keys.vault.clone();
    *keys = load_keys(conn, vault)?;
    Ok(())
}

fn load_keys(conn: &Connection, vault: SecretKey) -> Result<UnlockedKeys> {
    let mut stmt =
        conn.prepare("SELECT class, epoch, wrapped FROM team_keys ORDER BY class, epoch")?;
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, u32>(1)?,
                r.get::<_, Vec<u8>>(2)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut keys = UnlockedKeys {
        audit: AuditMac::new(vault.derive_subkey(KeyPurpose::AuditMac)),
        vault,
        team_keys: Vec::new(),
        seal_keys: BTreeMap::new(),
        current_epoch: BTreeMap::new(),
        indexes: BTreeMap::new(),
        uic: None,
    };
    for (class_name, epoch, wrapped) in rows {
        let key =
            unwrap_key(&keys.vault, &wrapped, &team_key_aad(&class_name, epoch)).map_err(|_| {
                Error::StoreDamaged(format!("team key {class_name}/{epoch} is damaged"))
            })?;
        keys.team_keys.push(TeamKey {
            class: class_name.clone(),
            epoch,
            key: key.clone(),
        });
        if class_name == UIC_CLASS {
            keys.uic = Some(key.derive_subkey(KeyPurpose::Uic));
            continue;
        }
        let Some(class) = SensitivityClass::parse(&class_name) else {
            continue; // a class a newer build introduced: not ours to use
        };
        // Lookups use the oldest epoch's key, so rotation does not re-key the index.
        keys.indexes
            .entry(class)
            .or_insert_with(|| BlindIndex::new(key.derive_subkey(KeyPurpose::BlindIndex)));
        keys.seal_keys
            .insert((class, epoch), key.derive_subkey(KeyPurpose::RecordSeal));
        let current = keys.current_epoch.entry(class).or_insert(epoch);
        *current = (*current).max(epoch);
    }
    Ok(keys)
}

/// Tries a PIN. Each attempt is counted before it is checked, so killing the
/// process mid-attempt does not reset the count.
pub fn unlock(
    conn: &mut Connection,
    store_id: &[u8],
    pin: &str,
    provider: &dyn PlatformKeyProvider,
    policy: &SecurityPolicy,
    floor: KdfFloor,
    now_ms: u64,
) -> Result<UnlockedKeys> {
    if meta::get_u64(conn, meta::ERASED)? != 0 {
        return Err(Error::Erased);
    }
    let failures = meta::get_u64(conn, meta::FAILED_UNLOCKS)? as u32;
    let last_failure_ms = meta::get_u64(conn, meta::LAST_FAILED_UNLOCK_MS)?;
    let wait_ms = policy.backoff_secs(failures) * 1000;
    let elapsed_ms = now_ms.saturating_sub(last_failure_ms);
    if failures > 0 && elapsed_ms < wait_ms {
        return Err(Error::BackOff {
            retry_after_secs: (wait_ms - elapsed_ms).div_ceil(1000),
        });
    }

    let outer = meta::require_blob(conn, meta::VAULT_WRAPPED)?;
    let expected_digest = meta::require_blob(conn, meta::VAULT_WRAPPED_SHA256)?;
    if !bool::from(Sha256::digest(&outer).as_slice().ct_eq(&expected_digest)) {
        return Err(Error::StoreDamaged(
            "the wrapped vault key is corrupted".into(),
        ));
    }
    let kdf: KdfParams = meta::get_json(conn, meta::KDF_PARAMS)?
        .ok_or_else(|| Error::StoreDamaged("missing key derivation parameters".into()))?;

    let record_failure = |conn: &Connection, count: u32| -> Result<()> {
        meta::put_u64(conn, meta::FAILED_UNLOCKS, count as u64)?;
        meta::put_u64(conn, meta::LAST_FAILED_UNLOCK_MS, now_ms)
    };
    record_failure(conn, failures + 1)?;

    let inner = match provider.unwrap(&platform_label(store_id), &outer) {
        Ok(inner) => zeroize::Zeroizing::new(inner),
        Err(e) => {
            // Not the person's mistake: do not count it against them.
            record_failure(conn, failures)?;
            return Err(e.into());
        }
    };
    let pin_key = derive_pin_key_with_floor(pin.as_bytes(), &kdf, floor)?;
    let vault = match unwrap_key(&pin_key, &inner, &vault_aad(store_id)) {
        Ok(vault) => vault,
        Err(CryptoError::Authentication) => {
            let failures = failures + 1;
            if failures >= policy.max_failed_unlocks {
                erase(conn, store_id, provider)?;
                return Err(Error::Erased);
            }
            return Err(Error::WrongPin {
                attempts_left: policy.max_failed_unlocks - failures,
            });
        }
        Err(e) => return Err(e.into()),
    };
    let canary = meta::require_blob(conn, meta::VAULT_CANARY)?;
    let opened = open(
        &vault.derive_subkey(KeyPurpose::VaultCanary),
        &canary_aad(store_id),
        &canary,
    )
    .map_err(|_| Error::StoreDamaged("the vault canary does not match this key".into()))?;
    if opened.as_slice() != CANARY {
        return Err(Error::StoreDamaged(
            "the vault canary does not match this key".into(),
        ));
    }
    meta::put_u64(conn, meta::FAILED_UNLOCKS, 0)?;
    meta::put_u64(conn, meta::LAST_FAILED_UNLOCK_MS, 0)?;
    load_keys(conn, vault)
}

/// Re-wraps the vault key under a new PIN (the old one must have unlocked it).
pub fn change_pin(
    conn: &Connection,
    store_id: &[u8],
    keys: &UnlockedKeys,
    new_pin: &str,
    kdf: &KdfParams,
    floor: KdfFloor,
    provider: &dyn PlatformKeyProvider,
) -> Result<()> {
    let pin_key = derive_pin_key_with_floor(new_pin.as_bytes(), kdf, floor)?;
    let inner = wrap_key(&pin_key, keys.vault(), &vault_aad(store_id));
    let outer = provider.wrap(&platform_label(store_id), &inner)?;
    meta::put_json(conn, meta::KDF_PARAMS, kdf)?;
    meta::put_blob(conn, meta::VAULT_WRAPPED, &outer)?;
    meta::put_blob(conn, meta::VAULT_WRAPPED_SHA256, &Sha256::digest(&outer))?;
    Ok(())
}

/// Crypto-erase: destroys every wrapped key (overwritten, then deleted with
/// secure_delete on), the sealed records, and the platform key. What remains
/// cannot be decrypted by anyone, with or without the PIN.
pub fn erase(conn: &Connection, store_id: &[u8], provider: &dyn PlatformKeyProvider) -> Result<()> {
    conn.execute_batch(
        "BEGIN IMMEDIATE;
         UPDATE meta SET value = randomblob(length(value))
           WHERE key IN ('vault_wrapped', 'vault_wrapped_sha256', 'vault_canary', 'audit_head');
         DELETE FROM meta WHERE key IN ('vault_wrapped', 'vault_wrapped_sha256', 'vault_canary', 'audit_head');
         UPDATE team_keys SET wrapped = randomblob(length(wrapped));
         DELETE FROM team_keys;
         DELETE FROM lookup;
         DELETE FROM versions;
         DELETE FROM records;
         DELETE FROM audit;
         INSERT INTO meta (key, value) VALUES ('erased', 1)
           ON CONFLICT (key) DO UPDATE SET value = 1;
         COMMIT;",
    )?;
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    conn.execute_batch("VACUUM")?;
    // The wrapped keys are gone already; failing to destroy the platform key
    // leaves nothing it could unwrap.
    let _ = provider.destroy(&platform_label(store_id));
    Ok(())
}
