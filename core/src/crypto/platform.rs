//! The platform key: a key held by the operating system's key store (Android
//! Keystore, iOS Keychain) that never leaves it. The shells implement
//! [`PlatformKeyProvider`] (through a uniffi callback interface) and encrypt or
//! decrypt the vault key with it on the core's behalf.
//!
//! [`SoftwareKeyProvider`] is the stand-in for the CLI, the desktop and tests:
//! it keeps the platform key in a file. **On a desktop with no secure hardware
//! this is the weak link**: anyone who can read the file (another process of
//! the same user, a disk image of an unencrypted drive) gets the platform key,
//! and only the PIN-derived key still protects the vault. Overwriting the file
//! on destroy also does not guarantee erasure on SSDs or journaling/copy-on-write
//! file systems. Use full-disk encryption on such machines.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rand::rngs::OsRng;
use rand::RngCore;
use thiserror::Error;
use zeroize::Zeroizing;

use super::keys::KEY_LEN;
use super::seal::{open, seal};
use super::{hmac_sha256, mac_field, put_field, CryptoError, Domain, KeyPurpose, SecretKey};
use hmac::Mac;

/// Errors a platform key provider reports. Messages never carry key material.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum PlatformKeyError {
    /// The key store cannot be used now (e.g. device locked, no secure hardware).
    #[error("platform key store unavailable")]
    Unavailable,
    /// The operation failed (including a wrapped value that does not open).
    #[error("platform key operation failed: {0}")]
    Failed(String),
    /// No key exists under this label.
    #[error("platform key not found")]
    NotFound,
}

impl From<PlatformKeyError> for CryptoError {
    fn from(e: PlatformKeyError) -> Self {
        CryptoError::Platform(e.to_string())
    }
}

/// Implemented by the shells. The platform key never leaves the platform: the
/// core hands over bytes to encrypt or decrypt under the key named `key_label`.
///
/// `wrap` creates the key on first use. `unwrap` returns secret bytes in a
/// plain `Vec` (the FFI cannot do better): callers must zeroize them, e.g.
/// through [`platform_unwrap_key`]. `destroy` is idempotent: after `Ok`, no
/// key exists under the label (neither the wrapping nor the binding key) and
/// everything wrapped or bound with it is unreadable.
///
/// `bind_pin` applies a second non-exportable key under the same label to a
/// challenge (see [`super::pin_binding`]): the answer must be deterministic
/// (the same challenge always gives the same answer), at least 32 bytes, and
/// impossible to compute without the key. It creates the key on first use.
pub trait PlatformKeyProvider: Send + Sync {
    /// Encrypts `plaintext` under the platform key `key_label`, creating the key on first use.
    fn wrap(&self, key_label: &str, plaintext: &[u8]) -> Result<Vec<u8>, PlatformKeyError>;
    /// Decrypts what [`wrap`](Self::wrap) returned under the same label; the caller must zeroize
    /// the result.
    fn unwrap(&self, key_label: &str, wrapped: &[u8]) -> Result<Vec<u8>, PlatformKeyError>;
    /// The deterministic answer of the PIN-binding key `key_label` to `challenge` (at least 32
    /// bytes).
    fn bind_pin(&self, key_label: &str, challenge: &[u8]) -> Result<Vec<u8>, PlatformKeyError>;
    /// Deletes both keys under `key_label`, so what they wrapped or bound can never be read;
    /// idempotent.
    fn destroy(&self, key_label: &str) -> Result<(), PlatformKeyError>;
}

/// Wraps a [`SecretKey`] with the platform key `label`.
pub fn platform_wrap_key(
    provider: &dyn PlatformKeyProvider,
    label: &str,
    key: &SecretKey,
) -> Result<Vec<u8>, PlatformKeyError> {
    provider.wrap(label, key.expose())
}

/// Unwraps a [`SecretKey`] with the platform key `label`, zeroizing the
/// provider's intermediate buffer.
pub fn platform_unwrap_key(
    provider: &dyn PlatformKeyProvider,
    label: &str,
    wrapped: &[u8],
) -> Result<SecretKey, PlatformKeyError> {
    let bytes = Zeroizing::new(provider.unwrap(label, wrapped)?);
    SecretKey::from_bytes(&bytes)
        .map_err(|_| PlatformKeyError::Failed("unwrapped key has the wrong length".into()))
}

/// A file-backed platform key provider: one random 32-byte key per label in
/// `<dir>/platform-<label>.key` (mode 0600 on unix). See the module docs for
/// why this is weaker than a hardware-backed key store.
pub struct SoftwareKeyProvider {
    dir: PathBuf,
    // Serializes create/destroy within this process; across processes the
    // no-replace publish in `create` keeps the first key written.
    lock: Mutex<()>,
}

impl SoftwareKeyProvider {
    /// A provider keeping its key files in `dir` (created on first wrap).
    pub fn new(dir: PathBuf) -> Self {
        SoftwareKeyProvider {
            dir,
            lock: Mutex::new(()),
        }
    }

    fn guard(&self) -> std::sync::MutexGuard<'_, ()> {
        // A poisoned lock only means another thread panicked; the files are
        // still consistent because every write is published atomically.
        self.lock.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn key_path(&self, label: &str) -> Result<PathBuf, PlatformKeyError> {
        check_label(label)?;
        Ok(self.dir.join(format!("platform-{label}.key")))
    }

    fn load(&self, path: &Path) -> Result<SecretKey, PlatformKeyError> {
        let mut file = match File::open(path) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(PlatformKeyError::NotFound)
            }
            Err(e) => return Err(io_failed("cannot open platform key file", &e)),
        };
        let mut bytes = Zeroizing::new(Vec::with_capacity(KEY_LEN + 1));
        file.read_to_end(&mut bytes)
            .map_err(|e| io_failed("cannot read platform key file", &e))?;
        SecretKey::from_bytes(&bytes)
            .map_err(|_| PlatformKeyError::Failed("platform key file is corrupt".into()))
    }

    fn load_or_create(&self, label: &str) -> Result<SecretKey, PlatformKeyError> {
        let path = self.key_path(label)?;
        let _g = self.guard();
        match self.load(&path) {
            Err(PlatformKeyError::NotFound) => self.create(label, &path),
            other => other,
        }
    }

    /// Writes a new key to a temp file in the same directory, fsyncs it, and
    /// publishes it under its final name without replacing a key another
    /// process may have published meanwhile.
    fn create(&self, label: &str, path: &Path) -> Result<SecretKey, PlatformKeyError> {
        create_private_dir(&self.dir)?;
        let key = SecretKey::make_random();
        let mut suffix = [0u8; 8];
        OsRng.fill_bytes(&mut suffix);
        let suffix: String = suffix.iter().map(|b| format!("{b:02x}")).collect();
        let tmp = self.dir.join(format!(".platform-{label}.key.tmp-{suffix}"));

        let result = (|| {
            let mut file = create_private_file(&tmp)?;
            file.write_all(key.expose())?;
            file.sync_all()?;
            drop(file);
            match fs::hard_link(&tmp, path) {
                Ok(()) => Ok(true),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(false),
                // File systems without hard links: plain rename (we hold the
                // in-process lock and just saw no file).
                Err(_) => fs::rename(&tmp, path).map(|()| true),
            }
        })();
        let _ = fs::remove_file(&tmp);
        let published = result.map_err(|e| io_failed("cannot write platform key file", &e))?;
        sync_dir(&self.dir);
        if published {
            Ok(key)
        } else {
            // Another process won the race: use its key.
            self.load(path)
        }
    }
}

impl PlatformKeyProvider for SoftwareKeyProvider {
    fn wrap(&self, key_label: &str, plaintext: &[u8]) -> Result<Vec<u8>, PlatformKeyError> {
        let key = self.load_or_create(key_label)?;
        Ok(seal(&key, &label_aad(key_label), plaintext))
    }

    fn unwrap(&self, key_label: &str, wrapped: &[u8]) -> Result<Vec<u8>, PlatformKeyError> {
        let path = self.key_path(key_label)?;
        let key = self.load(&path)?;
        let mut plain = open(&key, &label_aad(key_label), wrapped)
            .map_err(|e| PlatformKeyError::Failed(e.to_string()))?;
        // Move the buffer out without leaving a copy behind.
        Ok(std::mem::take(&mut *plain))
    }

    /// HMAC-SHA256 under a key derived from the key file's. This gives the
    /// *shape* of the hardware binding, not its protection: whoever copies
    /// the key file can compute it too (see the module docs).
    fn bind_pin(&self, key_label: &str, challenge: &[u8]) -> Result<Vec<u8>, PlatformKeyError> {
        let key = self.load_or_create(key_label)?;
        let binding = key.derive_subkey(KeyPurpose::SoftwarePinBinding);
        let mut mac = hmac_sha256(binding.expose());
        mac_field(&mut mac, Domain::SoftwarePinBinding.bytes());
        mac_field(&mut mac, key_label.as_bytes());
        mac_field(&mut mac, challenge);
        Ok(mac.finalize().into_bytes().to_vec())
    }

    /// Overwrites the key file with zeros, fsyncs, removes it and fsyncs the
    /// directory. Idempotent: a missing key is already destroyed.
    fn destroy(&self, key_label: &str) -> Result<(), PlatformKeyError> {
        let path = self.key_path(key_label)?;
        let _g = self.guard();
        let mut file = match OpenOptions::new().write(true).open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(io_failed("cannot open platform key file", &e)),
        };
        let len = file
            .metadata()
            .map_err(|e| io_failed("cannot stat platform key file", &e))?
            .len();
        let zeros = vec![0u8; usize::try_from(len).unwrap_or(KEY_LEN).max(KEY_LEN)];
        file.write_all(&zeros)
            .and_then(|()| file.sync_all())
            .map_err(|e| io_failed("cannot overwrite platform key file", &e))?;
        drop(file);
        fs::remove_file(&path).map_err(|e| io_failed("cannot remove platform key file", &e))?;
        sync_dir(&self.dir);
        Ok(())
    }
}

/// Labels become file names: allow only a short, safe alphabet.
fn check_label(label: &str) -> Result<(), PlatformKeyError> {
    let ok = !label.is_empty()
        && label.len() <= 64
        && label
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(PlatformKeyError::Failed("invalid key label".into()))
    }
}

/// Binds each wrapped value to its label, so a value wrapped under one label
/// does not open under another even if the files were swapped.
fn label_aad(label: &str) -> Vec<u8> {
    let mut aad = Vec::new();
    put_field(&mut aad, Domain::PlatformWrap.bytes());
    put_field(&mut aad, label.as_bytes());
    aad
}

fn io_failed(what: &str, e: &io::Error) -> PlatformKeyError {
    PlatformKeyError::Failed(format!("{what}: {}", e.kind()))
}

#[cfg(unix)]
fn create_private_file(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
}

#[cfg(not(unix))]
fn create_private_file(path: &Path) -> io::Result<File> {
    OpenOptions::new().write(true).create_new(true).open(path)
}

fn create_private_dir(dir: &Path) -> Result<(), PlatformKeyError> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder
        .create(dir)
        .map_err(|e| io_failed("cannot create platform key directory", &e))
}

/// Makes a rename or removal durable. Best effort: some platforms cannot open
/// directories, and the data file itself was already synced.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn provider() -> (tempfile::TempDir, SoftwareKeyProvider) {
        let dir = tempfile::tempdir().unwrap();
        let p = SoftwareKeyProvider::new(dir.path().join("keys"));
        (dir, p)
    }

    #[test]
    fn round_trip_and_persistence() {
        let (dir, p) = provider();
        let wrapped = p.wrap("vault", b"vault key bytes").unwrap();
        assert_eq!(p.unwrap("vault", &wrapped).unwrap(), b"vault key bytes");
        // A new provider on the same directory reads the same key.
        let p2 = SoftwareKeyProvider::new(dir.path().join("keys"));
        assert_eq!(p2.unwrap("vault", &wrapped).unwrap(), b"vault key bytes");
        // Only the key file remains (temp files cleaned up).
        let names: Vec<_> = fs::read_dir(dir.path().join("keys"))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(names, vec!["platform-vault.key".to_string()]);
    }

    #[cfg(unix)]
    #[test]
    fn key_file_is_private() {
        use std::os::unix::fs::PermissionsExt;
        let (dir, p) = provider();
        p.wrap("vault", b"x").unwrap();
        let meta = fs::metadata(dir.path().join("keys/platform-vault.key")).unwrap();
        assert_eq!(meta.permissions().mode() & 0o777, 0o600);
        assert_eq!(meta.len(), 32);
    }

    #[test]
    fn labels_are_separate_keys() {
        let (_dir, p) = provider();
        let a = p.wrap("a", b"secret").unwrap();
        p.wrap("b", b"other").unwrap();
        assert!(matches!(
            p.unwrap("b", &a),
            Err(PlatformKeyError::Failed(_))
        ));
    }

    #[test]
    fn destroy_makes_unwrap_fail() {
        let (dir, p) = provider();
        let wrapped = p.wrap("vault", b"secret").unwrap();
        p.destroy("vault").unwrap();
        assert!(!dir.path().join("keys/platform-vault.key").exists());
        assert_eq!(p.unwrap("vault", &wrapped), Err(PlatformKeyError::NotFound));
        // Idempotent.
        p.destroy("vault").unwrap();
        // A later wrap makes a new key; the old value stays unreadable.
        p.wrap("vault", b"new").unwrap();
        assert!(matches!(
            p.unwrap("vault", &wrapped),
            Err(PlatformKeyError::Failed(_))
        ));
    }

    #[test]
    fn tampered_value_fails() {
        let (_dir, p) = provider();
        let mut wrapped = p.wrap("vault", b"secret").unwrap();
        let last = wrapped.len() - 1;
        wrapped[last] ^= 1;
        assert!(matches!(
            p.unwrap("vault", &wrapped),
            Err(PlatformKeyError::Failed(_))
        ));
    }

    #[test]
    fn bad_labels_rejected() {
        let (_dir, p) = provider();
        for label in ["", "../x", "a/b", "a.b", &"x".repeat(65)] {
            assert!(matches!(
                p.wrap(label, b"x"),
                Err(PlatformKeyError::Failed(_))
            ));
        }
    }

    #[test]
    fn secret_key_helpers() {
        let (_dir, p) = provider();
        let key = SecretKey::make_random();
        let wrapped = platform_wrap_key(&p, "vault", &key).unwrap();
        assert_eq!(platform_unwrap_key(&p, "vault", &wrapped).unwrap(), key);
    }

    #[test]
    fn concurrent_first_wraps_share_one_key() {
        let (_dir, p) = provider();
        let p = std::sync::Arc::new(p);
        let handles: Vec<_> = (0..8)
            .map(|i| {
                let p = p.clone();
                std::thread::spawn(move || (i, p.wrap("vault", &[i as u8]).unwrap()))
            })
            .collect();
        for h in handles {
            let (i, w) = h.join().unwrap();
            assert_eq!(p.unwrap("vault", &w).unwrap(), vec![i as u8]);
        }
    }
}
