//! Small named values kept in `meta` sealed under a subkey of the vault key:
//! the device's private keys, its hub link, the roster it verified. The name
//! is the associated data, so no sealed value can pass for another.

use zeroize::Zeroizing;

use super::{meta, Store};
use crate::crypto::{open, seal, KeyPurpose, SecretKey};
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
}
