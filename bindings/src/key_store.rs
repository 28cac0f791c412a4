//! The platform key, held by the operating system's key store and used
//! through the app: Android Keystore (`AndroidKeyStoreProvider` in the app),
//! iOS Keychain (`KeychainKeyStore`). The core hands it the vault key to wrap
//! or unwrap and never sees the platform key itself.

use std::sync::Arc;

use fieldbook_core::crypto::{PlatformKeyError as CoreKeyError, PlatformKeyProvider};

/// What a key store reports. Messages never carry key material.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum PlatformKeyError {
    /// The key store cannot be used now (the phone is locked, no secure hardware).
    #[error("the platform key store is unavailable")]
    Unavailable,
    /// No key exists under this label.
    #[error("no platform key under this label")]
    NotFound,
    /// The operation failed, including wrapped bytes that do not open.
    #[error("platform key operation failed: {detail}")]
    Failed {
        /// What failed, never with key material.
        detail: String,
    },
}

impl From<uniffi::UnexpectedUniFFICallbackError> for PlatformKeyError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        PlatformKeyError::Failed { detail: e.reason }
    }
}

/// Implemented by each app. `wrap` creates the key under `key_label` on first
/// use; `unwrap` must fail (not return garbage) for bytes its key did not
/// wrap; `destroy` is idempotent and makes everything wrapped or bound under
/// the label unreadable.
///
/// `bind_pin` is what makes each PIN guess need this phone: it applies a
/// second non-exportable key (created on first use, under the same label) to
/// `challenge`, a P-256 point in uncompressed SEC1 form (65 bytes). Android:
/// HMAC-SHA256 of the bytes with an AndroidKeyStore HMAC key (StrongBox
/// where present). iOS: ECDH of a Secure Enclave P-256 key with the point.
/// The answer must be deterministic, at least 32 bytes, and impossible to
/// compute without the key.
#[uniffi::export(with_foreign)]
pub trait PlatformKeyStore: Send + Sync {
    /// Seals `plaintext` (the vault key) under the platform key named `key_label`, creating that key on first use.
    fn wrap(&self, key_label: String, plaintext: Vec<u8>) -> Result<Vec<u8>, PlatformKeyError>;
    /// Opens what `wrap` sealed under `key_label`; fails for bytes that key did not wrap.
    fn unwrap(&self, key_label: String, wrapped: Vec<u8>) -> Result<Vec<u8>, PlatformKeyError>;
    /// Applies the PIN-binding key under `key_label` to `challenge` (see above): a deterministic answer of at least 32 bytes.
    fn bind_pin(&self, key_label: String, challenge: Vec<u8>) -> Result<Vec<u8>, PlatformKeyError>;
    /// Destroys every key under `key_label`; succeeds when there is none.
    fn destroy(&self, key_label: String) -> Result<(), PlatformKeyError>;
}

/// The app's key store, as the core's provider.
pub(crate) struct ForeignKeyProvider(pub Arc<dyn PlatformKeyStore>);

impl From<PlatformKeyError> for CoreKeyError {
    fn from(e: PlatformKeyError) -> Self {
        match e {
            PlatformKeyError::Unavailable => CoreKeyError::Unavailable,
            PlatformKeyError::NotFound => CoreKeyError::NotFound,
            PlatformKeyError::Failed { detail } => CoreKeyError::Failed(detail),
        }
    }
}

// The vault key crosses the FFI as a byte buffer the foreign side frees
// without zeroing: the cost of a key store that lives in the app. The core
// zeroizes its own copies (see `platform_unwrap_key`).
impl PlatformKeyProvider for ForeignKeyProvider {
    fn wrap(&self, key_label: &str, plaintext: &[u8]) -> Result<Vec<u8>, CoreKeyError> {
        Ok(self.0.wrap(key_label.to_string(), plaintext.to_vec())?)
    }

    fn unwrap(&self, key_label: &str, wrapped: &[u8]) -> Result<Vec<u8>, CoreKeyError> {
        Ok(self.0.unwrap(key_label.to_string(), wrapped.to_vec())?)
    }

    fn bind_pin(&self, key_label: &str, challenge: &[u8]) -> Result<Vec<u8>, CoreKeyError> {
        Ok(self.0.bind_pin(key_label.to_string(), challenge.to_vec())?)
    }

    fn destroy(&self, key_label: &str) -> Result<(), CoreKeyError> {
        Ok(self.0.destroy(key_label.to_string())?)
    }
}
