//! A signed statement in its place in the chain. Each link's hash covers
//! its place, the hash before it, the statement and the signature, so a
//! device that holds a head can tell an extension from a fork or a rollback.

use fieldbook_proto::roster::RosterLink;
use sha2::{Digest as _, Sha256};

use crate::keys::SIGNATURE_LEN;
use crate::statement::Statement;
use crate::TrustError;

/// A SHA-256 chain hash.
pub type Digest = [u8; 32];

/// The `prev` of the first link.
pub const GENESIS_PREV: Digest = [0; 32];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub seq: u64,
    pub prev: Digest,
    /// The statement's bytes exactly as signed.
    pub statement: Vec<u8>,
    pub signature: [u8; SIGNATURE_LEN],
}

impl Link {
    pub fn hash(&self) -> Digest {
        Sha256::new()
            .chain_update(b"fieldbook/v1/roster-link\0")
            .chain_update(self.seq.to_be_bytes())
            .chain_update(self.prev)
            .chain_update((self.statement.len() as u64).to_be_bytes())
            .chain_update(&self.statement)
            .chain_update(self.signature)
            .finalize()
            .into()
    }

    pub fn decode_statement(&self) -> Result<Statement, TrustError> {
        Statement::decode(&self.statement)
    }

    pub fn from_wire(wire: &RosterLink) -> Result<Link, TrustError> {
        let prev: Digest = wire
            .prev
            .as_slice()
            .try_into()
            .map_err(|_| TrustError::Malformed("prev is not 32 bytes".into()))?;
        let signature: [u8; SIGNATURE_LEN] = wire
            .signature
            .as_slice()
            .try_into()
            .map_err(|_| TrustError::Malformed("signature is not 64 bytes".into()))?;
        Ok(Link {
            seq: wire.seq,
            prev,
            statement: wire.statement.clone(),
            signature,
        })
    }

    pub fn to_wire(&self) -> RosterLink {
        RosterLink {
            seq: self.seq,
            prev: self.prev.to_vec(),
            statement: self.statement.clone(),
            signature: self.signature.to_vec(),
        }
    }
}
