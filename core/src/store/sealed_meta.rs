//! Small named values kept in `meta` sealed under a subkey of the vault key:
//! the device's private keys, its hub link, the roster it verified. The name
//! is the associated data, so no sealed value can pass for another.

use serde::de::DeserializeOwned;
use serde::Serialize;
use zeroize::Zeroizing;

use super::{meta, Store};
use crate::crypto::{decode_json, encode_json, open, seal, KeyPurpose, SecretKey};
use crate::{Error, Result};

impl Store {
    fn sealed_meta_key(&mut self, purpose: KeyPurpose) -> Result<SecretKey> {
        let (_, keys) = self.unlocked()?;
        Ok(keys.vault().derive_subkey(purpose))
    }

    pub(super) fn put_sealed_meta(
        &mut self,
        name: &str,
        purpose: KeyPurpose,
        plain: &[u8],
    ) -> Result<()> {
        let key = self.sealed_meta_key(purpose)?;
        let sealed = seal(&key, name.as_bytes(), plain);
        meta::put_blob(&self.conn, name, &sealed)
    }

    pub(super) fn get_sealed_meta(
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

    /// Seals `value` as JSON under `name` (see [`crate::crypto::sealed_json`]:
    /// the same sealed shape as every other structured value).
    pub(super) fn put_sealed_json<T: Serialize>(
        &mut self,
        name: &str,
        purpose: KeyPurpose,
        value: &T,
    ) -> Result<()> {
        let plain = encode_json(value)?;
        self.put_sealed_meta(name, purpose, &plain)
    }

    /// The value sealed under `name`; `what` names it for people when it
    /// opens but does not hold one.
    pub(super) fn get_sealed_json<T: DeserializeOwned>(
        &mut self,
        name: &str,
        purpose: KeyPurpose,
        what: &str,
    ) -> Result<Option<T>> {
        match self.get_sealed_meta(name, purpose)? {
            None => Ok(None),
            Some(plain) => decode_json(&plain)
                .map(Some)
                .map_err(|_| Error::StoreDamaged(format!("{what} is malformed"))),
        }
    }
}
