//! Fieldbook's root of trust, shared by the devices and the hub.
//!
//! The hub is a relay and a mailbox: it never decides who is in a team,
//! which role a device holds, which team keys exist or who must be erased.
//! Those facts live in the team's **roster**, an append-only chain of signed
//! statements that every device verifies from its first link, against the
//! team fingerprint it pinned when it enrolled:
//!
//! - the team's first supervisor device makes the team **root** key
//!   (Ed25519); the genesis link, signed by it, names that device as the
//!   first supervisor. The root's fingerprint is the team's identity and
//!   travels in every enrollment code;
//! - supervisors that the roster certifies sign everything after: invites,
//!   devices added, revocations, key rotations, signing-key certificates;
//! - a new device joins by signing its keys with the one-time key of the
//!   invite it holds the code for: only the code's holder can, and any
//!   member can check it;
//! - team keys travel in envelopes signed by a certified supervisor, and an
//!   epoch exists only through a signed rotation link;
//! - the team's security policy (PIN length, wrong-PIN limits, how long a
//!   device may stay away from the hub) is a link a certified supervisor
//!   signs, its values checked against floors and ceilings like any rule.
//!
//! The hub checks links with the same code before it stores them (so one
//! member cannot break the chain for the others), but no device relies on
//! that check.
//!
//! One job per module:
//! - [`keys`]: Ed25519 keys, signature domains, fingerprints.
//! - [`statement`]: what a link says, and its canonical bytes.
//! - [`link`]: a statement in its place in the chain, and the chain hash.
//! - [`roster`]: the verified state the chain builds, and the rules.
//! - [`envelope`]: the signed part of a key envelope.
//! - [`policy`]: the security policy, its bounds, and which way is stricter.
//! - [`enrollment_code`]: the one-time code that enrolls a device, made by a
//!   supervisor's device or the hub's admin; [`codes`]: its typable symbols.
//! - [`certificate_pin`]: the pin of the hub's TLS certificate.

mod b64;
pub mod certificate_pin;
pub mod codes;
pub mod enrollment_code;
pub mod envelope;
pub mod error;
pub mod keys;
pub mod link;
pub mod policy;
pub mod roster;
pub mod statement;

pub use envelope::{envelope_message, EnvelopeFacts};
pub use error::TrustError;
pub use keys::{Fingerprint, PublicKey, SignatureDomain, SigningKey};
pub use link::{Digest, Link, GENESIS_PREV};
pub use policy::{LooserThanTeam, PolicyProblem, SecurityPolicy, Stricter};
pub use roster::{FormLink, InviteState, MemberState, PolicyState, Roster};
pub use statement::{Entry, Member, Position, Signer, Statement};
