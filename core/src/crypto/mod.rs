//! Fieldbook's cryptography: sealing record contents, the key hierarchy's
//! derivation and wrapping, the PIN KDF, the platform key seam, keyed lookup
//! terms and the keyed audit chain.
//!
//! Every primitive comes from RustCrypto (AES-256-GCM, Argon2id, HKDF-SHA256,
//! HMAC-SHA256); this module only composes them. One job per file:
//! - [`domain`]: every crypto label ([`Domain`]), written once, bytes frozen.
//! - [`keys`]: [`SecretKey`] and deterministic subkey derivation ([`KeyPurpose`]).
//! - [`team_key`]: the team keys a device holds ([`TeamKey`]).
//! - [`mod@seal`]: versioned AES-256-GCM sealed values and the record AAD.
//! - [`sealed_json`]: structured values sealed as JSON, with typed failures.
//! - [`sealed_body`]: records' bodies in format 3 (compact, zstd, then padding),
//!   and telling them from format 2's JSON.
//! - [`kdf`]: Argon2id parameters stored beside the wrapped key, PIN key derivation.
//! - [`wrap`]: wrapping one key under another.
//! - [`platform`]: the platform key the shells supply (Keystore / Keychain) and a
//!   software stand-in for the desktop and tests.
//! - [`blind_index`]: HMAC lookup terms for exact-match search.
//! - [`mac`]: the keyed hash chain of the audit trail.
//! - [`envelope`]: values sealed to a device's X25519 public key.
//! - [`padding`]: size buckets for what the hub sees.
//! - [`pin_binding`]: each PIN guess bound to the phone's hardware key.
//!
//! Naming follows bitwarden-crypto: `derive_*` is deterministic, `make_*` is random.
//!
//! Known limitation: the RustCrypto versions pinned here do not zeroize every
//! internal state on drop (the AES round keys unless the `aes/zeroize` feature
//! is enabled, HMAC/HKDF inner hash states), nor does zstd wipe the window a
//! record's plaintext passed through: each thread keeps one zstd context of
//! each direction, which holds the last body it compressed or decoded until
//! the next one overwrites it. Our own buffers are zeroized.

pub mod blind_index;
pub mod domain;
mod encoding;
pub mod envelope;
pub mod error;
pub mod kdf;
pub mod keys;
pub mod mac;
pub mod padding;
pub mod pin_binding;
pub mod platform;
pub mod seal;
pub mod sealed_body;
pub mod sealed_json;
pub mod team_key;
pub mod wrap;

pub use blind_index::BlindIndex;
pub use domain::Domain;
pub use envelope::{seal_to_device, DeviceKeyPair};
pub use error::CryptoError;
pub use kdf::{derive_pin_key, derive_pin_key_with_floor, KdfFloor, KdfParams};
pub use keys::{KeyPurpose, SecretKey};
pub use mac::{AuditMac, AUDIT_GENESIS};
pub use platform::{
    platform_unwrap_key, platform_wrap_key, PlatformKeyError, PlatformKeyProvider,
    SoftwareKeyProvider,
};
pub use seal::{open, record_aad, seal, SEAL_FORMAT_V1};
pub use sealed_body::{open_body, seal_body, OpenedBody};
pub use sealed_json::{decode_json, encode_json, open_json, seal_json, Padding};
pub use team_key::TeamKey;
pub use wrap::{unwrap_key, wrap_key};

pub(crate) use encoding::{hmac_sha256, mac_field, put_field};
