//! What the store seals for a record, and in which encoding: a version, the
//! merged state and the list row are written in record format 3 (compact,
//! see `crate::record::compact`); versions and states are read in format 3
//! or in format 2 (JSON), which stores and hub logs from before still hold.

use serde::de::DeserializeOwned;

use crate::crypto::{decode_json, CryptoError, OpenedBody};
use crate::record::compact::CompactError;
use crate::record::{RecordState, RecordVersion};

/// A value the store seals for a record.
pub trait RecordBlob: Sized + DeserializeOwned {
    /// Its format-3 encoding.
    fn encode(&self) -> Result<Vec<u8>, CompactError>;
    /// Reads a format-3 encoding.
    fn decode(bytes: &[u8]) -> Result<Self, CompactError>;

    /// Reads an opened body in whichever format it was sealed in.
    fn from_opened(opened: &OpenedBody) -> Result<Self, CryptoError> {
        match opened {
            OpenedBody::Json(plain) => decode_json(plain),
            OpenedBody::Compact(bytes) => Self::decode(bytes).map_err(|_| CryptoError::Malformed),
        }
    }
}

impl RecordBlob for RecordVersion {
    fn encode(&self) -> Result<Vec<u8>, CompactError> {
        self.to_compact()
    }
    fn decode(bytes: &[u8]) -> Result<Self, CompactError> {
        RecordVersion::from_compact(bytes)
    }
}

impl RecordBlob for RecordState {
    fn encode(&self) -> Result<Vec<u8>, CompactError> {
        self.to_compact()
    }
    fn decode(bytes: &[u8]) -> Result<Self, CompactError> {
        RecordState::from_compact(bytes)
    }
}
