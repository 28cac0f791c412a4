//! The vault: the key hierarchy on the device, PIN unlock with back-off, and
//! crypto-erase.
//!
//! The vault key seals the team keys. It is wrapped first by the unlock key,
//! then by the platform key the shell supplies (Keystore/Keychain), so the
//! file alone gives an attacker nothing to brute-force offline. The unlock key
//! comes from the PIN through Argon2id (parameters stored beside it) and then
//! through the platform's PIN-binding key (see `crypto::pin_binding`): every
//! guess needs the phone's hardware, so the counter and erase below apply to
//! every guess, even on a copy of the store with its platform-wrapped layer
//! opened. A canary sealed under the vault key tells a wrong key from damaged
//! data.
//!
//! Format 1 (before the binding) wrapped the vault under the Argon2id key
//! alone; such a vault is re-wrapped in format 2 at its first unlock.

use rusqlite::{params, Connection};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use subtle::ConstantTimeEq;

use super::meta;
use crate::crypto::{
    derive_pin_key_with_floor, open, pin_binding, seal, unwrap_key, wrap_key, AuditMac, BlindIndex,
    CryptoError, Domain, KdfFloor, KdfParams, KeyPurpose, PlatformKeyProvider, SecretKey, TeamKey,
};
use crate::record::{RecordKind, SensitivityClass};
use crate::{Error, Result};
use fieldbook_proto::vocab::KeyClass;

/// The vault wrapped under the Argon2id key alone.
const FORMAT_PIN_ONLY: u64 = 1;
/// The vault wrapped under the Argon2id key bound to the platform's key.
const FORMAT_BOUND: u64 = 2;
/// A stored team key that did not unwrap (a flipped bit on disk): named by
/// its class and epoch, never by its bytes.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct DamagedKey {
    /// What the key sealed or keyed.
    pub class: KeyClass,
    /// The key's generation within its class.
    pub epoch: u32,
}

/// Key material of an unlocked store. Everything zeroizes when dropped (lock).
pub struct UnlockedKeys {
    vault: SecretKey,
    /// The team keys themselves, for handing on to enrolling devices.
    team_keys: Vec<TeamKey>,
    /// Record-sealing subkeys per (class, epoch).
    seal_keys: BTreeMap<(SensitivityClass, u32), SecretKey>,
    /// The newest epoch stored per class, readable or not: new writes use it
    /// (never an older epoch a revoked device may hold).
    current_epoch: BTreeMap<SensitivityClass, u32>,
    indexes: BTreeMap<SensitivityClass, BlindIndex>,
    uic: Option<SecretKey>,
    /// Stored team keys that did not unwrap. The others still work, so one
    /// damaged key makes only what it sealed unreadable.
    damaged: Vec<DamagedKey>,
    pub audit: AuditMac,
    /// Seals the audit trail's entries.
    pub audit_seal: SecretKey,
}

impl UnlockedKeys {
    pub fn seal_key(&self, class: SensitivityClass, epoch: u32) -> Option<&SecretKey> {
        self.seal_keys.get(&(class, epoch))
    }

    pub fn current_epoch(&self, class: SensitivityClass) -> Option<u32> {
        self.current_epoch.get(&class).copied()
    }

    /// Whether this device holds a key of the class (its role reads it),
    /// even one that is damaged.
    pub fn holds(&self, class: SensitivityClass) -> bool {
        self.current_epoch.contains_key(&class)
    }

    pub fn damaged(&self) -> &[DamagedKey] {
        &self.damaged
    }

    pub fn is_damaged(&self, class: KeyClass, epoch: u32) -> bool {
        self.damaged
            .iter()
            .any(|d| d.class == class && d.epoch == epoch)
    }

    /// Whether records of the class can be written: the newest epoch's key
    /// seals, and the oldest epoch's key keys the lookup index. `NotPermitted`
    /// for a class the role does not hold, `KeyDamaged` when one of those
    /// keys is damaged.
    pub fn check_writable(&self, kind: RecordKind) -> Result<()> {
        let class = kind.sensitivity();
        let Some(epoch) = self.current_epoch(class) else {
            return Err(Error::NotPermitted(kind));
        };
        // Without the index key (the oldest epoch's), the oldest damaged key is at fault.
        let at_fault = if self.index(class).is_none() {
            self.damaged.iter().find(|d| d.class == class.into())
        } else {
            self.damaged
                .iter()
                .find(|d| d.class == class.into() && d.epoch == epoch)
        };
        match at_fault {
            Some(d) => Err(Error::KeyDamaged {
                class: d.class,
                epoch: d.epoch,
            }),
            None => Ok(()),
        }
    }

    /// The key client codes are made with, or why there is none.
    pub fn uic_key(&self) -> Result<&SecretKey> {
        if let Some(key) = self.uic.as_ref() {
            return Ok(key);
        }
        match self
            .damaged
            .iter()
            .find(|d| d.class == KeyClass::ClientCode)
        {
            Some(d) => Err(Error::KeyDamaged {
                class: d.class,
                epoch: d.epoch,
            }),
            None => Err(Error::Locked),
        }
    }

    pub fn index(&self, class: SensitivityClass) -> Option<&BlindIndex> {
        self.indexes.get(&class)
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
    let unlock_key = derive_unlock_key(pin, kdf, floor, store_id, provider)?;
    put_wrapped_vault(conn, store_id, &unlock_key, &vault, kdf, provider)?;
    let canary = seal(
        &vault.derive_subkey(KeyPurpose::VaultCanary),
        &Domain::vault_canary_aad(store_id),
        Domain::VaultCanaryPlaintext.bytes(),
    );
    meta::put_blob(conn, meta::VAULT_CANARY, &canary)?;
    for key in team_keys {
        store_team_key(conn, &vault, key)?;
    }
    load_keys(conn, vault)
}

/// The key a PIN opens the vault with: Argon2id, then the platform's
/// PIN-binding key. One platform operation per call, so one per guess.
fn derive_unlock_key(
    pin: &str,
    kdf: &KdfParams,
    floor: KdfFloor,
    store_id: &[u8],
    provider: &dyn PlatformKeyProvider,
) -> Result<SecretKey> {
    let pin_key = derive_pin_key_with_floor(pin.as_bytes(), kdf, floor)?;
    let challenge = pin_binding::derive_challenge(&pin_key, store_id)?;
    let response =
        zeroize::Zeroizing::new(provider.bind_pin(&platform_label(store_id), &challenge)?);
    Ok(pin_binding::derive_unlock_key(
        &pin_key, &response, store_id,
    )?)
}

/// Stores the vault wrapped under `unlock_key`, then the platform key (format 2).
fn put_wrapped_vault(
    conn: &Connection,
    store_id: &[u8],
    unlock_key: &SecretKey,
    vault: &SecretKey,
    kdf: &KdfParams,
    provider: &dyn PlatformKeyProvider,
) -> Result<()> {
    let inner = wrap_key(unlock_key, vault, &Domain::vault_key_aad(store_id));
    let outer = provider.wrap(&platform_label(store_id), &inner)?;
    meta::put_json(conn, meta::KDF_PARAMS, kdf)?;
    meta::put_blob(conn, meta::VAULT_WRAPPED, &outer)?;
    meta::put_blob(conn, meta::VAULT_WRAPPED_SHA256, &Sha256::digest(&outer))?;
    meta::put_u64(conn, meta::VAULT_FORMAT, FORMAT_BOUND)
}

/// What a duress PIN's unlock key leaves in the store: a MAC only that key
/// makes. Finding it costs the same Argon2id run and platform operation as
/// trying the real PIN, so the two look alike from outside.
fn duress_tag(unlock_key: &SecretKey, store_id: &[u8]) -> [u8; 32] {
    let mut mac = crate::crypto::hmac_sha256(unlock_key.expose());
    crate::crypto::mac_field(&mut mac, Domain::DuressPin.bytes());
    crate::crypto::mac_field(&mut mac, store_id);
    hmac::Mac::finalize(mac).into_bytes().into()
}

fn store_team_key(conn: &Connection, vault: &SecretKey, key: &TeamKey) -> Result<()> {
    let wrapped = wrap_key(
        vault,
        &key.key,
        &Domain::team_key_aad(key.class.as_str(), key.epoch),
    );
    conn.execute(
        "INSERT INTO team_keys (class, epoch, wrapped) VALUES (?1, ?2, ?3)
         ON CONFLICT (class, epoch) DO NOTHING",
        params![key.class.as_str(), key.epoch, wrapped],
    )?;
    Ok(())
}

/// Adds team keys (a new epoch, or keys received later) and reloads the
/// derived keys, in the caller's transaction. A key received for a class
/// and epoch whose stored copy is damaged replaces that copy.
pub fn add_team_keys(conn: &Connection, keys: &mut UnlockedKeys, new: &[TeamKey]) -> Result<()> {
    for key in new {
        if keys.is_damaged(key.class, key.epoch) {
            conn.execute(
                "DELETE FROM team_keys WHERE class = ?1 AND epoch = ?2",
                params![key.class.as_str(), key.epoch],
            )?;
        }
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
        audit_seal: vault.derive_subkey(KeyPurpose::AuditSeal),
        vault,
        team_keys: Vec::new(),
        seal_keys: BTreeMap::new(),
        current_epoch: BTreeMap::new(),
        indexes: BTreeMap::new(),
        uic: None,
        damaged: Vec::new(),
    };
    // Rows come oldest epoch first within a class.
    let mut classes_seen = std::collections::BTreeSet::new();
    for (class_name, epoch, wrapped) in rows {
        let Ok(key_class) = class_name.parse::<KeyClass>() else {
            continue; // a class a newer build introduced: not ours to use
        };
        let oldest_of_class = classes_seen.insert(key_class);
        let class = key_class.sealing();
        if let Some(class) = class {
            let current = keys.current_epoch.entry(class).or_insert(epoch);
            *current = (*current).max(epoch);
        }
        let Ok(key) = unwrap_key(
            &keys.vault,
            &wrapped,
            &Domain::team_key_aad(&class_name, epoch),
        ) else {
            // Damage stays with this key: what the others sealed still opens.
            keys.damaged.push(DamagedKey {
                class: key_class,
                epoch,
            });
            continue;
        };
        keys.team_keys.push(TeamKey {
            class: key_class,
            epoch,
            key: key.clone(),
        });
        let Some(class) = class else {
            keys.uic = Some(key.derive_subkey(KeyPurpose::Uic));
            continue;
        };
        // Lookups use the oldest epoch's key, so rotation does not re-key the
        // index; when that key is damaged, no other stands in for it.
        if oldest_of_class {
            keys.indexes.insert(
                class,
                BlindIndex::new(key.derive_subkey(KeyPurpose::BlindIndex)),
            );
        }
        keys.seal_keys
            .insert((class, epoch), key.derive_subkey(KeyPurpose::RecordSeal));
    }
    Ok(keys)
}

/// What a PIN turned out to be.
pub enum PinOutcome {
    Opened(UnlockedKeys),
    /// The duress PIN: the caller erases the store and opens an empty one.
    Duress,
    Wrong,
}

/// Tries a PIN: one Argon2id run and one platform binding, whatever the
/// outcome. The caller counts the attempt before (see `unlock_attempts`).
/// A format-1 vault opened here is re-wrapped in format 2, in `conn`'s
/// transaction.
pub fn try_pin(
    conn: &Connection,
    store_id: &[u8],
    pin: &str,
    provider: &dyn PlatformKeyProvider,
    floor: KdfFloor,
) -> Result<PinOutcome> {
    let outer = meta::require_blob(conn, meta::VAULT_WRAPPED)?;
    let expected_digest = meta::require_blob(conn, meta::VAULT_WRAPPED_SHA256)?;
    if !bool::from(Sha256::digest(&outer).as_slice().ct_eq(&expected_digest)) {
        return Err(Error::StoreDamaged(
            "the wrapped vault key is corrupted".into(),
        ));
    }
    let kdf: KdfParams = meta::get_json(conn, meta::KDF_PARAMS)?
        .ok_or_else(|| Error::StoreDamaged("missing key derivation parameters".into()))?;
    let format = match meta::get_u64(conn, meta::VAULT_FORMAT)? {
        0 => FORMAT_PIN_ONLY,
        n => n,
    };
    let inner = zeroize::Zeroizing::new(provider.unwrap(&platform_label(store_id), &outer)?);
    let unlock_key = match format {
        FORMAT_PIN_ONLY => derive_pin_key_with_floor(pin.as_bytes(), &kdf, floor)?,
        FORMAT_BOUND => derive_unlock_key(pin, &kdf, floor, store_id, provider)?,
        other => {
            return Err(Error::StoreDamaged(format!(
                "unknown vault format {other} (written by a newer Fieldbook?)"
            )))
        }
    };
    let vault = match unwrap_key(&unlock_key, &inner, &Domain::vault_key_aad(store_id)) {
        Ok(vault) => vault,
        Err(CryptoError::Authentication) => {
            let is_duress = meta::get_blob(conn, meta::DURESS_TAG)?.is_some_and(|tag| {
                bool::from(duress_tag(&unlock_key, store_id).as_slice().ct_eq(&tag))
            });
            return Ok(if is_duress {
                PinOutcome::Duress
            } else {
                PinOutcome::Wrong
            });
        }
        Err(e) => return Err(e.into()),
    };
    check_canary(conn, store_id, &vault)?;
    if format == FORMAT_PIN_ONLY {
        let unlock_key = derive_unlock_key(pin, &kdf, floor, store_id, provider)?;
        put_wrapped_vault(conn, store_id, &unlock_key, &vault, &kdf, provider)?;
    }
    Ok(PinOutcome::Opened(load_keys(conn, vault)?))
}

fn check_canary(conn: &Connection, store_id: &[u8], vault: &SecretKey) -> Result<()> {
    let canary = meta::require_blob(conn, meta::VAULT_CANARY)?;
    let opened = open(
        &vault.derive_subkey(KeyPurpose::VaultCanary),
        &Domain::vault_canary_aad(store_id),
        &canary,
    )
    .map_err(|_| Error::StoreDamaged("the vault canary does not match this key".into()))?;
    if opened.as_slice() != Domain::VaultCanaryPlaintext.bytes() {
        return Err(Error::StoreDamaged(
            "the vault canary does not match this key".into(),
        ));
    }
    Ok(())
}

/// Sets (or replaces) the duress PIN. It must differ from the real PIN,
/// which must be the one that unlocked `keys`.
pub fn set_duress_pin(
    conn: &Connection,
    store_id: &[u8],
    keys: &UnlockedKeys,
    duress_pin: &str,
    provider: &dyn PlatformKeyProvider,
    floor: KdfFloor,
) -> Result<()> {
    let kdf: KdfParams = meta::get_json(conn, meta::KDF_PARAMS)?
        .ok_or_else(|| Error::StoreDamaged("missing key derivation parameters".into()))?;
    let unlock_key = derive_unlock_key(duress_pin, &kdf, floor, store_id, provider)?;
    let outer = meta::require_blob(conn, meta::VAULT_WRAPPED)?;
    let inner = zeroize::Zeroizing::new(provider.unwrap(&platform_label(store_id), &outer)?);
    if let Ok(vault) = unwrap_key(&unlock_key, &inner, &Domain::vault_key_aad(store_id)) {
        if vault == *keys.vault() {
            return Err(Error::InvalidInput(
                "the duress PIN must differ from the PIN".into(),
            ));
        }
    }
    meta::put_blob(conn, meta::DURESS_TAG, &duress_tag(&unlock_key, store_id))
}

pub fn clear_duress_pin(conn: &Connection) -> Result<()> {
    conn.execute("DELETE FROM meta WHERE key = ?1", [meta::DURESS_TAG])?;
    Ok(())
}

pub fn has_duress_pin(conn: &Connection) -> Result<bool> {
    Ok(meta::get_blob(conn, meta::DURESS_TAG)?.is_some())
}

/// Re-wraps the vault key under a new PIN (the old one must have unlocked it).
///
/// With a duress PIN set, the stored Argon2id parameters (and salt) are kept:
/// the duress PIN is recognised through them, and the worker should not have
/// to set it again because they changed their PIN. The new PIN must not be
/// the duress PIN.
pub fn change_pin(
    conn: &Connection,
    store_id: &[u8],
    keys: &UnlockedKeys,
    new_pin: &str,
    kdf: &KdfParams,
    floor: KdfFloor,
    provider: &dyn PlatformKeyProvider,
) -> Result<()> {
    let (kdf, unlock_key) = match meta::get_blob(conn, meta::DURESS_TAG)? {
        Some(tag) => {
            let stored: KdfParams = meta::get_json(conn, meta::KDF_PARAMS)?
                .ok_or_else(|| Error::StoreDamaged("missing key derivation parameters".into()))?;
            let unlock_key = derive_unlock_key(new_pin, &stored, floor, store_id, provider)?;
            if bool::from(duress_tag(&unlock_key, store_id).as_slice().ct_eq(&tag)) {
                return Err(Error::InvalidInput(
                    "the PIN must differ from the duress PIN".into(),
                ));
            }
            (stored, unlock_key)
        }
        None => {
            let unlock_key = derive_unlock_key(new_pin, kdf, floor, store_id, provider)?;
            (kdf.clone(), unlock_key)
        }
    };
    put_wrapped_vault(conn, store_id, &unlock_key, keys.vault(), &kdf, provider)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::SoftwareKeyProvider;

    const PIN: &str = "482916";
    const STORE: &[u8] = b"store-id";

    fn setup() -> (
        tempfile::TempDir,
        SoftwareKeyProvider,
        Connection,
        KdfParams,
    ) {
        let tmp = tempfile::tempdir().unwrap();
        let provider = SoftwareKeyProvider::new(tmp.path().to_path_buf());
        let mut conn = Connection::open_in_memory().unwrap();
        let tx = conn.transaction().unwrap();
        super::super::schema::create(&tx).unwrap();
        tx.commit().unwrap();
        (tmp, provider, conn, KdfParams::make_fast_for_tests())
    }

    #[test]
    fn the_right_pin_with_the_platform_layer_opened_still_needs_the_binding_key() {
        let (_tmp, provider, conn, kdf) = setup();
        create(&conn, STORE, PIN, &kdf, KdfFloor::TestsOnly, &provider, &[]).unwrap();
        // The examiner has opened the platform layer and even knows the PIN.
        let outer = meta::require_blob(&conn, meta::VAULT_WRAPPED).unwrap();
        let inner = provider.unwrap(&platform_label(STORE), &outer).unwrap();
        let pin_key = derive_pin_key_with_floor(PIN.as_bytes(), &kdf, KdfFloor::TestsOnly).unwrap();
        assert!(unwrap_key(&pin_key, &inner, &Domain::vault_key_aad(STORE)).is_err());
        // The binding key's answer is the missing piece.
        let unlock = derive_unlock_key(PIN, &kdf, KdfFloor::TestsOnly, STORE, &provider).unwrap();
        assert!(unwrap_key(&unlock, &inner, &Domain::vault_key_aad(STORE)).is_ok());
    }

    #[test]
    fn a_vault_wrapped_before_the_binding_opens_and_is_rewrapped_bound() {
        let (_tmp, provider, conn, kdf) = setup();
        // Format 1, as stores made before the binding hold it.
        let vault = SecretKey::make_random();
        let pin_key = derive_pin_key_with_floor(PIN.as_bytes(), &kdf, KdfFloor::TestsOnly).unwrap();
        let inner = wrap_key(&pin_key, &vault, &Domain::vault_key_aad(STORE));
        let outer = provider.wrap(&platform_label(STORE), &inner).unwrap();
        meta::put_json(&conn, meta::KDF_PARAMS, &kdf).unwrap();
        meta::put_blob(&conn, meta::VAULT_WRAPPED, &outer).unwrap();
        meta::put_blob(&conn, meta::VAULT_WRAPPED_SHA256, &Sha256::digest(&outer)).unwrap();
        let canary = seal(
            &vault.derive_subkey(KeyPurpose::VaultCanary),
            &Domain::vault_canary_aad(STORE),
            Domain::VaultCanaryPlaintext.bytes(),
        );
        meta::put_blob(&conn, meta::VAULT_CANARY, &canary).unwrap();

        assert!(matches!(
            try_pin(&conn, STORE, "111111", &provider, KdfFloor::TestsOnly).unwrap(),
            PinOutcome::Wrong
        ));
        let PinOutcome::Opened(keys) =
            try_pin(&conn, STORE, PIN, &provider, KdfFloor::TestsOnly).unwrap()
        else {
            panic!("the PIN opens a format-1 vault");
        };
        assert_eq!(*keys.vault(), vault);
        assert_eq!(
            meta::get_u64(&conn, meta::VAULT_FORMAT).unwrap(),
            FORMAT_BOUND
        );
        let outer = meta::require_blob(&conn, meta::VAULT_WRAPPED).unwrap();
        let inner = provider.unwrap(&platform_label(STORE), &outer).unwrap();
        assert!(
            unwrap_key(&pin_key, &inner, &Domain::vault_key_aad(STORE)).is_err(),
            "no longer open to the PIN alone"
        );
        assert!(matches!(
            try_pin(&conn, STORE, PIN, &provider, KdfFloor::TestsOnly).unwrap(),
            PinOutcome::Opened(_)
        ));
    }
}
