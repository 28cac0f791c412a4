//! The signed part of a key envelope: a team key of one class and epoch,
//! wrapped to one device. A device accepts the key only when a supervisor the
//! roster certifies signed these exact facts (see
//! [`Roster::check_envelope`](crate::Roster::check_envelope)), so a hub that
//! writes envelopes of its own plants nothing.

use fieldbook_proto::vocab::SensitivityClass;
use uuid::Uuid;

/// What a supervisor signs about one envelope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EnvelopeFacts<'a> {
    /// The team whose key it is.
    pub team: Uuid,
    /// The recipient.
    pub device: Uuid,
    /// The class of the wrapped key.
    pub key_class: SensitivityClass,
    /// The key epoch of the wrapped key.
    pub epoch: u32,
    /// The wrapped key (sealed to the recipient's X25519 key).
    pub wrapped: &'a [u8],
}

/// The unambiguous bytes signed for an envelope: fixed-size ids and
/// length-prefixed variable fields.
pub fn envelope_message(facts: &EnvelopeFacts<'_>) -> Vec<u8> {
    let key_class = facts.key_class.as_str();
    let mut out = Vec::with_capacity(64 + key_class.len() + facts.wrapped.len());
    out.extend_from_slice(facts.team.as_bytes());
    out.extend_from_slice(facts.device.as_bytes());
    out.extend_from_slice(&(key_class.len() as u32).to_be_bytes());
    out.extend_from_slice(key_class.as_bytes());
    out.extend_from_slice(&facts.epoch.to_be_bytes());
    out.extend_from_slice(&(facts.wrapped.len() as u32).to_be_bytes());
    out.extend_from_slice(facts.wrapped);
    out
}
