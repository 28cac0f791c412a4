//! Why a link, a chain or an envelope was refused. The messages name the
//! rule that failed; they never carry key material.

use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TrustError {
    #[error("a signature does not verify")]
    BadSignature,
    #[error("a public key is malformed")]
    BadKey,
    #[error("a roster statement is malformed: {0}")]
    Malformed(String),
    #[error(
        "the roster's first link is not signed by the team's pinned root (fingerprint mismatch)"
    )]
    WrongRoot,
    #[error("roster link {seq} is out of place: the chain has a gap, a fork or reordered links")]
    OutOfPlace { seq: u64 },
    #[error("the roster is older than the one this device already verified (rollback)")]
    Rollback,
    #[error("the roster belongs to another team")]
    WrongTeam,
    #[error("roster link {seq} is signed by {signer}, who may not sign it")]
    NotAllowed { seq: u64, signer: String },
    #[error("roster link {seq} breaks a rule: {rule}")]
    Rule { seq: u64, rule: String },
    #[error("device {0} is not in the verified roster")]
    UnknownDevice(Uuid),
    #[error("key epoch {0} has no signed rotation in the roster")]
    UnknownEpoch(u32),
}
