//! Every domain-separation label the device core feeds to a primitive (HKDF
//! info, HMAC input, AES-GCM associated data, hash-to-curve tag), named once.
//!
//! The bytes are frozen. Stores, backups and hubs in the field hold values
//! sealed, MACed and derived under exactly these bytes, so the older labels
//! keep their odd spellings (`fieldbook/x/v1`, `fieldbook vault canary v1`,
//! trailing `\0`s): changing one would make those values unreadable or
//! their tags invalid. A new label is spelled `fieldbook/v1/<name>`, gets a
//! variant here and a line in the frozen-vector test.
//!
//! A label followed by a per-value suffix (a store id, an invite id, a
//! sequence number) is built by one of the `*_aad` functions below, which
//! reproduce today's bytes exactly. The signing labels of the team's roster
//! and the enrollment code's labels belong to the trust crate (which the hub
//! shares without the device core) and stay there.

use uuid::Uuid;

use super::put_field;

/// One crypto label. A variant may serve two primitives when they use the
/// same bytes under different keys (e.g. [`Domain::BlindIndex`] is both the
/// HKDF info of the lookup subkey and the HMAC domain of each lookup term).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Domain {
    /// HKDF info: record-sealing subkey of a team key.
    RecordSeal,
    /// HKDF info: lookup subkey of a team key; HMAC domain of a lookup term.
    BlindIndex,
    /// HKDF info: client-code subkey; HMAC domain of a client code.
    Uic,
    /// HKDF info: audit-chain MAC subkey of the vault key.
    AuditMac,
    /// HKDF info: vault-canary subkey of the vault key.
    VaultCanaryKey,
    /// HKDF info: subkey sealing the hub link.
    HubCredentials,
    /// HKDF info: subkey sealing the device's X25519 private key.
    DeviceKey,
    /// HKDF info: subkey sealing the signing key and the team root.
    SigningKeys,
    /// HKDF info: subkey sealing the verified roster.
    Roster,
    /// HKDF info and HMAC domain of the desktop's software PIN binding.
    SoftwarePinBinding,
    /// HKDF info: subkey sealing the audit trail's entries.
    AuditSeal,
    /// HKDF info: subkey sealing lookup posting lists.
    LookupPostingsKey,
    /// HMAC domain of each audit-chain link.
    AuditChain,
    /// AAD prefix of a key wrapped under another key.
    WrappedKey,
    /// Hash-to-curve domain tag of the PIN binding (P-256, RFC 9380).
    PinBindingHashToCurve,
    /// HKDF info: the vault unlock key from the PIN key and the binding.
    VaultUnlockKey,
    /// HKDF info: the key of a value sealed to a device's X25519 key.
    DeviceEnvelope,
    /// HKDF info: the MAC key two devices share.
    DevicePairwiseMac,
    /// Length-prefixed first field of a record's AAD.
    Record,
    /// AAD domain of a value the software platform key wraps.
    PlatformWrap,
    /// Prefix of the message a device's signing-key claim MACs.
    SigningKeyClaim,
    /// AAD prefix of a sealed lookup posting chunk.
    LookupPostings,
    /// The plaintext of the vault canary (not a key label: the value the
    /// canary must open to).
    VaultCanaryPlaintext,
    /// HMAC domain of the tag a duress PIN's unlock key leaves.
    DuressPin,
    /// AAD prefix of the vault key wrapped under the unlock key.
    VaultKey,
    /// AAD prefix of a team key wrapped under the vault key.
    TeamKey,
    /// AAD prefix of the vault canary.
    VaultCanary,
    /// Prefix of the platform-wrapped background copy of the hub link.
    HubLink,
    /// AAD prefix of a team key sealed to a device.
    KeyEnvelope,
    /// AAD prefix of the team keys an enrollment code carries.
    KeyBundle,
    /// Prefix of the audit head's tag input.
    AuditHead,
    /// AAD of the audit entries deferred while the store could not write.
    AuditDeferred,
    /// AAD prefix of one sealed audit entry.
    AuditEntry,
    /// Prefix of the platform-wrapped pinned team fingerprint.
    TeamPin,
    /// HKDF info: form-sealing subkey of a team key.
    FormSeal,
    /// AAD prefix of a form definition a supervisor publishes.
    Form,
}

impl Domain {
    /// Every label once, so the tests can check that each is written once and no two collide.
    pub const ALL: [Domain; 36] = [
        Domain::RecordSeal,
        Domain::BlindIndex,
        Domain::Uic,
        Domain::AuditMac,
        Domain::VaultCanaryKey,
        Domain::HubCredentials,
        Domain::DeviceKey,
        Domain::SigningKeys,
        Domain::Roster,
        Domain::SoftwarePinBinding,
        Domain::AuditSeal,
        Domain::LookupPostingsKey,
        Domain::AuditChain,
        Domain::WrappedKey,
        Domain::PinBindingHashToCurve,
        Domain::VaultUnlockKey,
        Domain::DeviceEnvelope,
        Domain::DevicePairwiseMac,
        Domain::Record,
        Domain::PlatformWrap,
        Domain::SigningKeyClaim,
        Domain::LookupPostings,
        Domain::VaultCanaryPlaintext,
        Domain::DuressPin,
        Domain::VaultKey,
        Domain::TeamKey,
        Domain::VaultCanary,
        Domain::HubLink,
        Domain::KeyEnvelope,
        Domain::KeyBundle,
        Domain::AuditHead,
        Domain::AuditDeferred,
        Domain::AuditEntry,
        Domain::TeamPin,
        Domain::FormSeal,
        Domain::Form,
    ];

    /// The label's bytes: the one place each is written.
    pub fn bytes(self) -> &'static [u8] {
        match self {
            Domain::RecordSeal => b"fieldbook/v1/record-seal",
            Domain::BlindIndex => b"fieldbook/v1/blind-index",
            Domain::Uic => b"fieldbook/v1/uic",
            Domain::AuditMac => b"fieldbook/v1/audit-mac",
            Domain::VaultCanaryKey => b"fieldbook/v1/vault-canary",
            Domain::HubCredentials => b"fieldbook/v1/hub-credentials",
            Domain::DeviceKey => b"fieldbook/v1/device-key",
            Domain::SigningKeys => b"fieldbook/v1/signing-keys",
            Domain::Roster => b"fieldbook/v1/roster",
            Domain::SoftwarePinBinding => b"fieldbook/v2/software-pin-binding",
            Domain::AuditSeal => b"fieldbook/v1/audit-seal",
            Domain::LookupPostingsKey => b"fieldbook/v1/lookup-postings",
            Domain::AuditChain => b"fieldbook/v1/audit-chain",
            Domain::WrappedKey => b"fieldbook/v1/wrapped-key",
            Domain::PinBindingHashToCurve => b"fieldbook/v2/pin-binding/P256_XMD:SHA-256_SSWU_RO_",
            Domain::VaultUnlockKey => b"fieldbook/v2/vault-unlock-key",
            Domain::DeviceEnvelope => b"fieldbook/v1/device-envelope",
            Domain::DevicePairwiseMac => b"fieldbook/v1/device-pairwise-mac",
            // Frozen older spellings: data in the field depends on them.
            Domain::Record => b"fieldbook/record",
            Domain::PlatformWrap => b"fieldbook/v1/platform-wrap",
            Domain::SigningKeyClaim => b"fieldbook/v1/signing-key-claim\0",
            Domain::LookupPostings => b"fieldbook/lookup-postings/v1",
            Domain::VaultCanaryPlaintext => b"fieldbook vault canary v1",
            Domain::DuressPin => b"fieldbook/v2/duress-pin",
            Domain::VaultKey => b"fieldbook/vault-key/v1/",
            Domain::TeamKey => b"fieldbook/team-key/v1/",
            Domain::VaultCanary => b"fieldbook/vault-canary/v1/",
            Domain::HubLink => b"fieldbook/v1/hub-link\0",
            Domain::KeyEnvelope => b"fieldbook/v1/key-envelope/",
            Domain::KeyBundle => b"fieldbook/v1/key-bundle/",
            Domain::AuditHead => b"fieldbook/audit-head/v1",
            Domain::AuditDeferred => b"fieldbook/audit-deferred/v1",
            Domain::AuditEntry => b"fieldbook/audit-entry/v1/",
            Domain::TeamPin => b"fieldbook/v1/team-pin\0",
            Domain::FormSeal => b"fieldbook/v1/form-seal",
            Domain::Form => b"fieldbook/v1/form\0",
        }
    }

    /// The label followed by raw bytes (no length prefix: the older labels
    /// were built so, and the tests below check that no label is a prefix
    /// of another).
    fn then(self, rest: &[&[u8]]) -> Vec<u8> {
        let mut out = self.bytes().to_vec();
        for part in rest {
            out.extend_from_slice(part);
        }
        out
    }

    /// AAD of the vault key wrapped under the unlock key of store `store_id`.
    pub fn vault_key_aad(store_id: &[u8]) -> Vec<u8> {
        Domain::VaultKey.then(&[store_id])
    }

    /// AAD of the vault canary of store `store_id`.
    pub fn vault_canary_aad(store_id: &[u8]) -> Vec<u8> {
        Domain::VaultCanary.then(&[store_id])
    }

    /// AAD of a published form: bound to its team, kind, version and the
    /// key epoch that seals it, so a sealed form cannot pass for another.
    pub fn form_aad(team: &Uuid, kind: &str, version: u32, epoch: u32) -> Vec<u8> {
        let mut aad = Domain::Form.then(&[team.as_bytes()]);
        aad.extend_from_slice(&(kind.len() as u32).to_be_bytes());
        aad.extend_from_slice(kind.as_bytes());
        aad.extend_from_slice(&version.to_be_bytes());
        aad.extend_from_slice(&epoch.to_be_bytes());
        aad
    }

    /// AAD of a team key of `class` and `epoch` wrapped under the vault key.
    pub fn team_key_aad(class: &str, epoch: u32) -> Vec<u8> {
        let mut aad = Domain::TeamKey.bytes().to_vec();
        put_field(&mut aad, class.as_bytes());
        aad.extend_from_slice(&epoch.to_be_bytes());
        aad
    }

    /// AAD of a team key sealed to `device` of `team`: it binds the team, the
    /// recipient, the class and the epoch (not a secret: anyone may compute
    /// it, only the recipient's private key opens the envelope).
    pub fn key_envelope_aad(team: &Uuid, device: &Uuid, class: &str, epoch: u32) -> Vec<u8> {
        let mut aad = Domain::KeyEnvelope.then(&[team.as_bytes(), device.as_bytes()]);
        put_field(&mut aad, class.as_bytes());
        aad.extend_from_slice(&epoch.to_be_bytes());
        aad
    }

    /// AAD of the team keys the code of invite `invite_id` carries.
    pub fn key_bundle_aad(invite_id: &Uuid) -> Vec<u8> {
        Domain::KeyBundle.then(&[invite_id.as_bytes()])
    }

    /// What the audit head's tag covers besides the newest link.
    pub fn audit_head_message(seq: i64) -> Vec<u8> {
        Domain::AuditHead.then(&[&seq.to_be_bytes()])
    }

    /// AAD of the sealed audit entry number `seq`.
    pub fn audit_entry_aad(seq: i64) -> Vec<u8> {
        Domain::AuditEntry.then(&[&seq.to_be_bytes()])
    }

    /// AAD of lookup posting chunk `chunk` of `term`.
    pub fn lookup_postings_aad(term: &[u8; 32], chunk: i64) -> Vec<u8> {
        Domain::LookupPostings.then(&[term, &chunk.to_be_bytes()])
    }

    /// The message a signing-key claim MACs: the team, the device and its
    /// new signing key.
    pub fn signing_key_claim_message(team: &Uuid, device: &Uuid, key: &[u8]) -> Vec<u8> {
        Domain::SigningKeyClaim.then(&[team.as_bytes(), device.as_bytes(), key])
    }

    /// `plain` tagged with the label, so no other value wrapped by the same
    /// key can pass for it.
    pub fn tag(self, plain: &[u8]) -> Vec<u8> {
        self.then(&[plain])
    }

    /// `tagged` without the label, or `None` when it carries another.
    pub fn untag(self, tagged: &[u8]) -> Option<&[u8]> {
        tagged.strip_prefix(self.bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Frozen vectors: every label's exact bytes, as stored data depends on
    /// them. A change here is a format break, never a rename.
    #[test]
    fn frozen_label_bytes() {
        let expected: [(Domain, &[u8]); 36] = [
            (Domain::RecordSeal, b"fieldbook/v1/record-seal"),
            (Domain::BlindIndex, b"fieldbook/v1/blind-index"),
            (Domain::Uic, b"fieldbook/v1/uic"),
            (Domain::AuditMac, b"fieldbook/v1/audit-mac"),
            (Domain::VaultCanaryKey, b"fieldbook/v1/vault-canary"),
            (Domain::HubCredentials, b"fieldbook/v1/hub-credentials"),
            (Domain::DeviceKey, b"fieldbook/v1/device-key"),
            (Domain::SigningKeys, b"fieldbook/v1/signing-keys"),
            (Domain::Roster, b"fieldbook/v1/roster"),
            (
                Domain::SoftwarePinBinding,
                b"fieldbook/v2/software-pin-binding",
            ),
            (Domain::AuditSeal, b"fieldbook/v1/audit-seal"),
            (Domain::LookupPostingsKey, b"fieldbook/v1/lookup-postings"),
            (Domain::AuditChain, b"fieldbook/v1/audit-chain"),
            (Domain::WrappedKey, b"fieldbook/v1/wrapped-key"),
            (
                Domain::PinBindingHashToCurve,
                b"fieldbook/v2/pin-binding/P256_XMD:SHA-256_SSWU_RO_",
            ),
            (Domain::VaultUnlockKey, b"fieldbook/v2/vault-unlock-key"),
            (Domain::DeviceEnvelope, b"fieldbook/v1/device-envelope"),
            (
                Domain::DevicePairwiseMac,
                b"fieldbook/v1/device-pairwise-mac",
            ),
            (Domain::Record, b"fieldbook/record"),
            (Domain::PlatformWrap, b"fieldbook/v1/platform-wrap"),
            (Domain::SigningKeyClaim, b"fieldbook/v1/signing-key-claim\0"),
            (Domain::LookupPostings, b"fieldbook/lookup-postings/v1"),
            (Domain::VaultCanaryPlaintext, b"fieldbook vault canary v1"),
            (Domain::DuressPin, b"fieldbook/v2/duress-pin"),
            (Domain::VaultKey, b"fieldbook/vault-key/v1/"),
            (Domain::TeamKey, b"fieldbook/team-key/v1/"),
            (Domain::VaultCanary, b"fieldbook/vault-canary/v1/"),
            (Domain::HubLink, b"fieldbook/v1/hub-link\0"),
            (Domain::KeyEnvelope, b"fieldbook/v1/key-envelope/"),
            (Domain::KeyBundle, b"fieldbook/v1/key-bundle/"),
            (Domain::AuditHead, b"fieldbook/audit-head/v1"),
            (Domain::AuditDeferred, b"fieldbook/audit-deferred/v1"),
            (Domain::AuditEntry, b"fieldbook/audit-entry/v1/"),
            (Domain::TeamPin, b"fieldbook/v1/team-pin\0"),
            (Domain::FormSeal, b"fieldbook/v1/form-seal"),
            (Domain::Form, b"fieldbook/v1/form\0"),
        ];
        assert_eq!(expected.len(), Domain::ALL.len());
        for ((domain, bytes), listed) in expected.iter().zip(Domain::ALL) {
            assert_eq!(*domain, listed, "ALL lists every variant in order");
            assert_eq!(domain.bytes(), *bytes, "{domain:?}");
        }
    }

    /// The value-bound labels reproduce the bytes the code built by hand
    /// before they were named here.
    #[test]
    fn frozen_bound_bytes() {
        let id = Uuid::from_bytes([0xA5; 16]);
        let other = Uuid::from_bytes([0x5A; 16]);
        assert_eq!(
            Domain::vault_key_aad(b"store"),
            b"fieldbook/vault-key/v1/store".to_vec()
        );
        assert_eq!(
            Domain::vault_canary_aad(b"store"),
            b"fieldbook/vault-canary/v1/store".to_vec()
        );
        assert_eq!(
            Domain::team_key_aad("uic", 7),
            b"fieldbook/team-key/v1/\0\0\0\x03uic\0\0\0\x07".to_vec()
        );
        assert_eq!(
            Domain::key_envelope_aad(&id, &other, "outreach", 2),
            [
                b"fieldbook/v1/key-envelope/".as_slice(),
                &[0xA5; 16],
                &[0x5A; 16],
                b"\0\0\0\x08outreach\0\0\0\x02",
            ]
            .concat()
        );
        assert_eq!(
            Domain::key_bundle_aad(&id),
            [b"fieldbook/v1/key-bundle/".as_slice(), &[0xA5; 16]].concat()
        );
        assert_eq!(
            Domain::audit_head_message(-2),
            [
                b"fieldbook/audit-head/v1".as_slice(),
                &[0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE]
            ]
            .concat()
        );
        assert_eq!(
            Domain::audit_entry_aad(258),
            [
                b"fieldbook/audit-entry/v1/".as_slice(),
                &[0, 0, 0, 0, 0, 0, 1, 2]
            ]
            .concat()
        );
        assert_eq!(
            Domain::lookup_postings_aad(&[3; 32], 1),
            [
                b"fieldbook/lookup-postings/v1".as_slice(),
                &[3; 32],
                &[0, 0, 0, 0, 0, 0, 0, 1]
            ]
            .concat()
        );
        assert_eq!(
            Domain::signing_key_claim_message(&id, &other, b"key"),
            [
                b"fieldbook/v1/signing-key-claim\0".as_slice(),
                &[0xA5; 16],
                &[0x5A; 16],
                b"key",
            ]
            .concat()
        );
        assert_eq!(
            Domain::HubLink.tag(b"{}"),
            b"fieldbook/v1/hub-link\0{}".to_vec()
        );
        assert_eq!(
            Domain::HubLink.untag(b"fieldbook/v1/hub-link\0{}"),
            Some(&b"{}"[..])
        );
        assert_eq!(Domain::TeamPin.untag(b"fieldbook/v1/hub-link\0{}"), None);
    }

    /// Labels are distinct, and none is a prefix of another: several are
    /// followed by raw bytes, so a prefix could let one label plus a suffix
    /// read as another. The trust crate's enrollment-code labels derive
    /// keys from the same code secret family, so they join the check.
    #[test]
    fn labels_are_distinct_and_prefix_free() {
        let mut all: Vec<&[u8]> = Domain::ALL.iter().map(|d| d.bytes()).collect();
        all.extend(fieldbook_trust::enrollment_code::LABELS);
        for (i, a) in all.iter().enumerate() {
            for (j, b) in all.iter().enumerate() {
                if i != j {
                    assert!(
                        !b.starts_with(a),
                        "{:?} is a prefix of {:?}",
                        String::from_utf8_lossy(a),
                        String::from_utf8_lossy(b)
                    );
                }
            }
        }
    }
}
