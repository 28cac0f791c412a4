//! What a roster link says: one [`Entry`], who signed it, for which team,
//! and (for every entry but a join) its place in the chain.
//!
//! A statement's canonical bytes are its JSON as this module writes it;
//! signatures cover exactly the bytes that travel, which are parsed strictly
//! (unknown fields refused), so no re-encoding is ever signed or checked.

use fieldbook_proto::vocab::{RecordKind, Role};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::keys::{PublicKey, SignatureDomain, SigningKey};
use crate::link::{Digest, Link};
use crate::policy::SecurityPolicy;
use crate::TrustError;

/// The statement format this build writes and reads.
pub const FORMAT: u8 = 1;
/// The largest statement accepted, in bytes.
pub const MAX_STATEMENT_LEN: usize = 8 * 1024;
/// The longest statement that publishes a form: a sealed form definition
/// is tens of kilobytes, every other entry a few hundred bytes.
pub const MAX_FORM_STATEMENT_LEN: usize = 128 * 1024;
/// The longest device label, in characters.
pub const MAX_LABEL_CHARS: usize = 64;

/// Where a statement sits: its sequence number and the hash of the link
/// before it. Signed with the statement, so the signer fixes its place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Position {
    /// The statement's place in the chain.
    pub seq: u64,
    /// The hash of the link before it.
    #[serde(with = "crate::b64")]
    pub prev: Digest,
}

/// Who signed a statement, and so which key verifies it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "by", rename_all = "snake_case", deny_unknown_fields)]
pub enum Signer {
    /// The team root (genesis, root rotation).
    Root,
    /// A supervisor device with a certified signing key.
    Device {
        /// The supervisor device whose certified key signed.
        device: Uuid,
    },
    /// The one-time key of an invite: only a join.
    Invite {
        /// The invite whose one-time key signed.
        invite: Uuid,
    },
}

impl std::fmt::Display for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Signer::Root => f.write_str("the team root"),
            Signer::Device { device } => write!(f, "device {device}"),
            Signer::Invite { invite } => write!(f, "invite {invite}"),
        }
    }
}

/// A device as the roster certifies it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Member {
    /// Chosen by the device at random (it carries no clock).
    pub device: Uuid,
    /// What the device may hold and write.
    pub role: Role,
    /// The device's X25519 key: team keys are wrapped to it.
    #[serde(with = "crate::b64")]
    pub box_key: [u8; 32],
    /// The device's Ed25519 key: a supervisor signs with it. `None` for a
    /// device certified before it had one (a roster signed at migration).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signing_key: Option<PublicKey>,
    /// A name supervisors see for the device, at most [`MAX_LABEL_CHARS`] characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

/// One fact about the team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Entry {
    /// The first link: the team root and the first supervisor. `key_epoch`
    /// is the team's key epoch when the chain starts (1 for a new team; the
    /// current one when a team from before signed rosters signs its first).
    Genesis {
        /// The team root's key; its fingerprint is the team's for good.
        root: PublicKey,
        /// The team's first supervisor.
        founder: Member,
        /// The team's key epoch when the chain starts.
        key_epoch: u32,
    },
    /// A supervisor adds a device directly (the migration of a team from
    /// before signed rosters).
    Add {
        /// The device added.
        member: Member,
    },
    /// A supervisor makes a one-time code. `key` is derived from the code's
    /// secret: whoever joins with this invite proves they hold the code.
    /// `key_epoch` is the newest epoch whose keys the code's bundle carries.
    Invite {
        /// The invite id the code carries.
        invite: Uuid,
        /// The role of the device that joins with it.
        role: Role,
        /// The invite's one-time public key.
        key: PublicKey,
        /// The newest key epoch in the code's bundle.
        key_epoch: u32,
        /// When the code stops working, in milliseconds since 1970.
        expires_at_ms: i64,
    },
    /// A new device, signed with its invite's one-time key.
    Join {
        /// The invite joined with; it cannot be used again.
        invite: Uuid,
        /// The new device.
        member: Member,
    },
    /// A device leaves the team: it gets nothing after this, its invites
    /// stop working, and it erases itself when it learns of this link.
    Revoke {
        /// The device revoked.
        device: Uuid,
    },
    /// A new key epoch: the only way an epoch comes to exist.
    Rotate {
        /// The new epoch: the current one plus one.
        epoch: u32,
    },
    /// A supervisor from before signed rosters gets its signing key certified.
    CertifySigningKey {
        /// The supervisor device.
        device: Uuid,
        /// Its Ed25519 signing key.
        key: PublicKey,
    },
    /// The team root moves to a new key (signed by the current root).
    RotateRoot {
        /// The new root key.
        root: PublicKey,
    },
    /// The team's security policy from here on (a certified supervisor
    /// signs it; every value within its floor and ceiling). The newest
    /// policy link is the team's policy; a roster without one has the
    /// default policy. A build from before this entry cannot read it.
    Policy {
        /// The settings every device of the team enforces.
        policy: SecurityPolicy,
    },
    /// A form definition the team uses from here on (a certified
    /// supervisor signs it): sealed under the team's outreach key of
    /// `epoch`, so the relay cannot read it, and bound by this signature,
    /// so it cannot change it. Versions of a kind only go up.
    Form {
        /// The record kind the form writes.
        kind: RecordKind,
        /// Its version, above every earlier one of the kind.
        version: u32,
        /// The key epoch whose outreach key seals it.
        epoch: u32,
        /// The sealed definition.
        #[serde(with = "fieldbook_proto::bytes")]
        sealed: Vec<u8>,
    },
}

impl Entry {
    /// The entry's type as the statement's JSON spells it.
    pub fn name(&self) -> &'static str {
        match self {
            Entry::Genesis { .. } => "genesis",
            Entry::Add { .. } => "add",
            Entry::Invite { .. } => "invite",
            Entry::Join { .. } => "join",
            Entry::Revoke { .. } => "revoke",
            Entry::Rotate { .. } => "rotate",
            Entry::CertifySigningKey { .. } => "certify_signing_key",
            Entry::RotateRoot { .. } => "rotate_root",
            Entry::Policy { .. } => "policy",
            Entry::Form { .. } => "form",
        }
    }
}

/// A signed fact about a team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Statement {
    /// The statement format ([`FORMAT`]); other formats are refused.
    pub format: u8,
    /// The team the statement is about.
    pub team: Uuid,
    /// `None` only for a join: the relay places it, and the invite's
    /// single use keeps it from being placed twice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<Position>,
    /// The signer's clock when it signed (milliseconds since 1970): shown to
    /// people, never trusted for order.
    pub at_ms: i64,
    /// Who signed it, and so which key verifies it.
    pub signer: Signer,
    /// What it says.
    pub entry: Entry,
}

impl Statement {
    /// A statement in this build's format.
    pub fn new(
        team: Uuid,
        position: Option<Position>,
        at_ms: i64,
        signer: Signer,
        entry: Entry,
    ) -> Self {
        Statement {
            format: FORMAT,
            team,
            position,
            at_ms,
            signer,
            entry,
        }
    }

    /// The canonical bytes that are signed and travel.
    pub fn encode(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("a statement always encodes")
    }

    /// Reads a statement's bytes strictly: too long, unknown fields or another format are refused.
    pub fn decode(bytes: &[u8]) -> Result<Statement, TrustError> {
        if bytes.len() > MAX_FORM_STATEMENT_LEN {
            return Err(TrustError::Malformed("statement too long".into()));
        }
        let statement: Statement = serde_json::from_slice(bytes)
            .map_err(|e| TrustError::Malformed(format!("unreadable statement: {e}")))?;
        let is_form = matches!(statement.entry, Entry::Form { .. });
        if bytes.len() > MAX_STATEMENT_LEN && !is_form {
            return Err(TrustError::Malformed("statement too long".into()));
        }
        if statement.format != FORMAT {
            return Err(TrustError::Malformed(format!(
                "statement format {} (this build reads {FORMAT})",
                statement.format
            )));
        }
        Ok(statement)
    }

    /// Signs a placed statement into its link.
    pub fn sign(&self, key: &SigningKey) -> Result<Link, TrustError> {
        let position = self
            .position
            .ok_or_else(|| TrustError::Malformed("only a join is signed without a place".into()))?;
        let statement = self.encode();
        let signature = key.sign(SignatureDomain::RosterStatement, &statement);
        Ok(Link {
            seq: position.seq,
            prev: position.prev,
            statement,
            signature,
        })
    }

    /// Signs a join, which the relay places: its bytes and signature.
    pub fn sign_unplaced(&self, key: &SigningKey) -> Result<(Vec<u8>, [u8; 64]), TrustError> {
        if self.position.is_some() || !matches!(self.entry, Entry::Join { .. }) {
            return Err(TrustError::Malformed(
                "only a join is signed without a place".into(),
            ));
        }
        let statement = self.encode();
        let signature = key.sign(SignatureDomain::RosterStatement, &statement);
        Ok((statement, signature))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member() -> Member {
        Member {
            device: Uuid::new_v4(),
            role: Role::Outreach,
            box_key: [7; 32],
            signing_key: None,
            label: Some("Lan".into()),
        }
    }

    #[test]
    fn a_statement_round_trips_and_unknown_fields_are_refused() {
        let s = Statement::new(
            Uuid::new_v4(),
            Some(Position {
                seq: 3,
                prev: [1; 32],
            }),
            1_700_000_000_000,
            Signer::Device {
                device: Uuid::new_v4(),
            },
            Entry::Add { member: member() },
        );
        let bytes = s.encode();
        assert_eq!(Statement::decode(&bytes).unwrap(), s);
        let text = String::from_utf8(bytes).unwrap();
        for (from, to) in [
            ("\"format\":1", "\"format\":1,\"extra\":1"),
            ("\"type\":\"add\"", "\"type\":\"add\",\"extra\":1"),
            ("\"role\":\"outreach\"", "\"role\":\"outreach\",\"extra\":1"),
            ("\"by\":\"device\"", "\"by\":\"device\",\"extra\":1"),
            ("\"format\":1", "\"format\":2"),
            ("\"role\":\"outreach\"", "\"role\":\"admin\""),
        ] {
            let bad = text.replacen(from, to, 1);
            assert_ne!(bad, text);
            assert!(Statement::decode(bad.as_bytes()).is_err(), "{to}");
        }
    }

    #[test]
    fn a_policy_statement_round_trips_and_an_unknown_setting_is_refused() {
        let s = Statement::new(
            Uuid::new_v4(),
            Some(Position {
                seq: 4,
                prev: [2; 32],
            }),
            1_700_000_000_000,
            Signer::Device {
                device: Uuid::new_v4(),
            },
            Entry::Policy {
                policy: SecurityPolicy::default(),
            },
        );
        let bytes = s.encode();
        assert_eq!(Statement::decode(&bytes).unwrap(), s);
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.contains("\"type\":\"policy\""), "{text}");
        for (from, to) in [
            ("\"min_pin_digits\":6", "\"min_pin_digits\":6,\"extra\":1"),
            ("\"type\":\"policy\"", "\"type\":\"policy\",\"extra\":1"),
            // What a build from before policy links sees: an unknown entry.
            ("\"type\":\"policy\"", "\"type\":\"policy_v9\""),
        ] {
            let bad = text.replacen(from, to, 1);
            assert_ne!(bad, text);
            assert!(Statement::decode(bad.as_bytes()).is_err(), "{to}");
        }
    }

    #[test]
    fn only_a_join_is_signed_without_a_place() {
        let key = SigningKey::make_random();
        let join = Statement::new(
            Uuid::new_v4(),
            None,
            0,
            Signer::Invite {
                invite: Uuid::new_v4(),
            },
            Entry::Join {
                invite: Uuid::new_v4(),
                member: member(),
            },
        );
        assert!(join.sign(&key).is_err());
        assert!(join.sign_unplaced(&key).is_ok());
        let add = Statement::new(
            Uuid::new_v4(),
            None,
            0,
            Signer::Root,
            Entry::Add { member: member() },
        );
        assert!(add.sign_unplaced(&key).is_err());
    }
}
