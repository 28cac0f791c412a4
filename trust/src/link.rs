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

/// One roster link: a signed statement and its place in the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// Its place in the chain; the first link is 1.
    pub seq: u64,
    /// The hash of the link before it ([`GENESIS_PREV`] for the first).
    pub prev: Digest,
    /// The statement's bytes exactly as signed.
    pub statement: Vec<u8>,
    /// The signature over the statement, by the key its signer names.
    pub signature: [u8; SIGNATURE_LEN],
}

impl Link {
    /// The hash the next link's `prev` must carry: covers place, prev, statement and signature.
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

    /// Reads the signed statement (strictly; the signature is not checked here).
    pub fn decode_statement(&self) -> Result<Statement, TrustError> {
        Statement::decode(&self.statement)
    }

    /// The link as it travels; refused if `prev` or the signature have the wrong length.
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

    /// The link as it travels.
    pub fn to_wire(&self) -> RosterLink {
        RosterLink {
            seq: self.seq,
            prev: self.prev.to_vec(),
            statement: self.statement.clone(),
            signature: self.signature.to_vec(),
        }
    }
}
