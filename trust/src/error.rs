//! Why a link, a chain or an envelope was refused. The messages name the
//! rule that failed; they never carry key material.

use uuid::Uuid;

/// Why a roster, a link or a key envelope was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TrustError {
    /// A signature does not verify under the key it should.
    #[error("a signature does not verify")]
    BadSignature,
    /// A public key is not a valid, strong Ed25519 key (or a signer has none).
    #[error("a public key is malformed")]
    BadKey,
    /// A statement or link cannot be read; says what is wrong.
    #[error("a roster statement is malformed: {0}")]
    Malformed(String),
    /// The first link is not signed by the root the device pinned.
    #[error(
        "the roster's first link is not signed by the team's pinned root (fingerprint mismatch)"
    )]
    WrongRoot,
    /// A link does not follow the one before it.
    #[error("roster link {seq} is out of place: the chain has a gap, a fork or reordered links")]
    OutOfPlace {
        /// The place of the link that does not follow.
        seq: u64,
    },
    /// The roster is older than the one this device already verified.
    #[error("the roster is older than the one this device already verified (rollback)")]
    Rollback,
    /// A statement names another team than the roster's.
    #[error("the roster belongs to another team")]
    WrongTeam,
    /// A link's signer may not sign what it says.
    #[error("roster link {seq} is signed by {signer}, who may not sign it")]
    NotAllowed {
        /// The place of the refused link.
        seq: u64,
        /// Who signed it, as people read it.
        signer: String,
    },
    /// A link breaks a rule of the roster.
    #[error("roster link {seq} breaks a rule: {rule}")]
    Rule {
        /// The place of the refused link.
        seq: u64,
        /// The rule it breaks, in words.
        rule: String,
    },
    /// The roster does not list the device.
    #[error("device {0} is not in the verified roster")]
    UnknownDevice(Uuid),
    /// A key epoch no signed rotation made.
    #[error("key epoch {0} has no signed rotation in the roster")]
    UnknownEpoch(u32),
}
