//! The body of every error answer.

use serde::{Deserialize, Serialize};

/// What the hub answers with any error status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// A stable machine-readable code, e.g. `unauthorized`, `forbidden_kind`,
    /// `invalid_request`, `payload_too_large`, `device_revoked`.
    pub error: String,
    /// A short English explanation for logs; never record contents or tokens.
    pub message: String,
    /// Set when the hub orders the device to crypto-erase itself (revoked).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub wipe: bool,
}
