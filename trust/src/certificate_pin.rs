//! The pin of a hub's TLS certificate: the SHA-256 of its leaf certificate.
//! The hub prints it; each new device is handed it with its code and then
//! trusts that one certificate instead of every CA (the device's TLS
//! verifier lives in the core's sync client).

use std::fmt;

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// The SHA-256 of a hub's leaf certificate (DER). Not a secret: it is
/// printed by the hub and handed to each new device with its code.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct CertificatePin([u8; 32]);

/// Why text is not a certificate fingerprint.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PinParseError {
    /// Not 64 hexadecimal digits; carries how many there were.
    #[error(
        "a certificate fingerprint is 64 hexadecimal digits (SHA-256, colons allowed), not {0}"
    )]
    WrongLength(usize),
    /// A character other than a hexadecimal digit or a colon.
    #[error("a certificate fingerprint may hold only hexadecimal digits and colons")]
    NotHex,
}

impl CertificatePin {
    /// The pin of a DER-encoded certificate.
    pub fn of_certificate(der: &[u8]) -> CertificatePin {
        CertificatePin(Sha256::digest(der).into())
    }

    /// Reads 64 hexadecimal digits, in either case, with or without colons
    /// between the bytes (as `openssl x509 -fingerprint -sha256` prints them).
    pub fn parse(text: &str) -> Result<CertificatePin, PinParseError> {
        let text = text.trim();
        let digits: Vec<u8> = text.bytes().filter(|b| *b != b':').collect();
        if !digits.iter().all(u8::is_ascii_hexdigit) {
            return Err(PinParseError::NotHex);
        }
        if digits.len() != 64 {
            return Err(PinParseError::WrongLength(digits.len()));
        }
        let mut pin = [0u8; 32];
        for (byte, pair) in pin.iter_mut().zip(digits.chunks_exact(2)) {
            *byte = (hex_value(pair[0]) << 4) | hex_value(pair[1]);
        }
        Ok(CertificatePin(pin))
    }

    /// The 32 bytes of the SHA-256.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// 64 lowercase hexadecimal digits, the form stored and printed.
    pub fn to_hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// Whether `der` is the pinned certificate (compared in constant time).
    pub fn matches(&self, der: &[u8]) -> bool {
        let seen: [u8; 32] = Sha256::digest(der).into();
        bool::from(seen.ct_eq(&self.0))
    }
}

fn hex_value(digit: u8) -> u8 {
    match digit {
        b'0'..=b'9' => digit - b'0',
        b'a'..=b'f' => digit - b'a' + 10,
        _ => digit - b'A' + 10,
    }
}

impl fmt::Display for CertificatePin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for CertificatePin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CertificatePin({})", self.to_hex())
    }
}

impl std::str::FromStr for CertificatePin {
    type Err = PinParseError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        CertificatePin::parse(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEX: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

    #[test]
    fn parses_plain_colon_separated_and_upper_case_hex() {
        let plain = CertificatePin::parse(HEX).unwrap();
        assert_eq!(plain.to_hex(), HEX);
        assert_eq!(plain.as_bytes()[1], 0x11);
        let colons: String = HEX
            .as_bytes()
            .chunks(2)
            .map(|p| std::str::from_utf8(p).unwrap().to_ascii_uppercase())
            .collect::<Vec<_>>()
            .join(":");
        assert_eq!(CertificatePin::parse(&colons).unwrap(), plain);
        assert_eq!(CertificatePin::parse(&format!("  {HEX}\n")).unwrap(), plain);
        assert_eq!(HEX.parse::<CertificatePin>().unwrap(), plain);
    }

    #[test]
    fn refuses_wrong_lengths_and_non_hex() {
        assert_eq!(
            CertificatePin::parse(&HEX[..62]),
            Err(PinParseError::WrongLength(62))
        );
        assert_eq!(
            CertificatePin::parse(&format!("{HEX}00")),
            Err(PinParseError::WrongLength(66))
        );
        assert_eq!(
            CertificatePin::parse(""),
            Err(PinParseError::WrongLength(0))
        );
        let sha1 = "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01";
        assert_eq!(
            CertificatePin::parse(sha1),
            Err(PinParseError::WrongLength(40))
        );
        let mut bad = HEX.to_string();
        bad.replace_range(10..11, "g");
        assert_eq!(CertificatePin::parse(&bad), Err(PinParseError::NotHex));
        assert_eq!(
            CertificatePin::parse(&HEX.replace("00", "0 ")),
            Err(PinParseError::NotHex)
        );
    }

    #[test]
    fn the_pin_of_a_certificate_is_its_sha256() {
        let der = b"not really a certificate";
        let pin = CertificatePin::of_certificate(der);
        assert_eq!(pin.as_bytes(), &<[u8; 32]>::from(Sha256::digest(der)));
        assert!(pin.matches(der));
        assert!(!pin.matches(b"another certificate"));
    }
}
