//! The crypto layer's error. Messages never carry key material or plaintext:
//! they say what went wrong, not with what.

use thiserror::Error;

/// Why sealing, opening or deriving a key failed.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum CryptoError {
    /// The sealed value starts with a format version this build does not know.
    #[error("unsupported sealed format version {0}")]
    UnsupportedFormat(u8),
    /// The sealed value is shorter than its header and tag.
    #[error("sealed value is truncated")]
    Truncated,
    /// Wrong key, wrong associated data, or the data was tampered with.
    /// Deliberately one variant: callers must not learn which.
    #[error("authentication failed (wrong key or tampered data)")]
    Authentication,
    /// KDF parameters are malformed, too weak or absurdly large.
    #[error("key derivation parameters rejected: {0}")]
    Kdf(String),
    /// The platform key provider failed.
    #[error("platform key error: {0}")]
    Platform(String),
    /// Key bytes of the wrong length.
    #[error("invalid key")]
    InvalidKey,
    /// A value could not be encoded for sealing (a programming error, not
    /// bad input). Carries the encoder's message, never the value.
    #[error("cannot encode a value for sealing: {0}")]
    Encoding(String),
    /// A sealed value opened, but does not hold what it should.
    #[error("a sealed value is malformed")]
    Malformed,
}
