//! Certificate pinning for the hub: the device trusts exactly one certificate,
//! the one whose SHA-256 it was given at enrollment, instead of every CA.
//!
//! Office hubs usually run on a self-signed certificate, and a hostile
//! network can obtain a CA-signed one for any name; a pin defeats both. The
//! pin replaces chain, name and validity checks (the certificate is the
//! identity); the handshake signatures are still verified with ring, so only
//! the holder of that certificate's private key can complete the handshake.

use std::fmt;
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{
    verify_tls12_signature, verify_tls13_signature, CryptoProvider, WebPkiSupportedAlgorithms,
};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, OtherError, SignatureScheme};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// The SHA-256 of a hub's leaf certificate (DER). Not a secret: it is
/// printed by the hub and handed to each new device with its code.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct CertificatePin([u8; 32]);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PinParseError {
    #[error(
        "a certificate fingerprint is 64 hexadecimal digits (SHA-256, colons allowed), not {0}"
    )]
    WrongLength(usize),
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

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// 64 lowercase hexadecimal digits, the form stored and printed.
    pub fn to_hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }

    fn matches(&self, der: &[u8]) -> bool {
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

/// Why the handshake was refused; found again in the connection error's
/// chain so the caller can say so instead of "could not connect".
#[derive(Debug, thiserror::Error)]
pub(crate) enum PinRefusal {
    #[error("the hub's certificate does not match the pinned one")]
    Mismatch,
    #[error("no hub certificate is pinned for this connection")]
    NoPin,
}

/// Accepts exactly the pinned certificate; with no pin, accepts none.
#[derive(Debug)]
pub(crate) struct PinnedCertVerifier {
    pin: Option<CertificatePin>,
    algorithms: WebPkiSupportedAlgorithms,
}

impl PinnedCertVerifier {
    fn refuse(why: PinRefusal) -> rustls::Error {
        rustls::Error::InvalidCertificate(CertificateError::Other(OtherError(Arc::new(why))))
    }
}

impl ServerCertVerifier for PinnedCertVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        match &self.pin {
            Some(pin) if pin.matches(end_entity.as_ref()) => Ok(ServerCertVerified::assertion()),
            Some(_) => Err(Self::refuse(PinRefusal::Mismatch)),
            None => Err(Self::refuse(PinRefusal::NoPin)),
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// A rustls client configuration (ring, TLS 1.2 and 1.3) that trusts only
/// `pin`, or nothing at all when `pin` is `None`.
pub(crate) fn client_config(pin: Option<CertificatePin>) -> Result<rustls::ClientConfig, String> {
    let provider: Arc<CryptoProvider> = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = Arc::new(PinnedCertVerifier {
        pin,
        algorithms: provider.signature_verification_algorithms,
    });
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("tls: {e}"))?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    // The hub serves HTTP/1.1 only (see its TLS listener).
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

/// Whether `error` (or anything it was caused by) is this verifier refusing
/// a certificate because it is not the pinned one.
pub(crate) fn is_pin_mismatch(error: &(dyn std::error::Error + 'static)) -> bool {
    if refusal_of(error).is_some_and(|r| matches!(r, PinRefusal::Mismatch)) {
        return true;
    }
    // io::Error's source() skips the error it wraps (and the TLS stack nests
    // io::Errors): look inside it too.
    if let Some(inner) = error
        .downcast_ref::<std::io::Error>()
        .and_then(|io| io.get_ref())
    {
        if is_pin_mismatch(inner) {
            return true;
        }
    }
    error.source().is_some_and(is_pin_mismatch)
}

fn refusal_of<'a>(error: &'a (dyn std::error::Error + 'static)) -> Option<&'a PinRefusal> {
    match error.downcast_ref::<rustls::Error>()? {
        rustls::Error::InvalidCertificate(CertificateError::Other(other)) => {
            other.0.downcast_ref::<PinRefusal>()
        }
        _ => None,
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

    #[test]
    fn the_verifier_accepts_only_the_pinned_certificate() {
        let der = CertificateDer::from(b"the hub's certificate".to_vec());
        let other = CertificateDer::from(b"a stranger's certificate".to_vec());
        let name = ServerName::try_from("hub.example").unwrap();
        let verifier = |pin| PinnedCertVerifier {
            pin,
            algorithms: rustls::crypto::ring::default_provider().signature_verification_algorithms,
        };
        let check = |v: &PinnedCertVerifier, cert: &CertificateDer<'_>| {
            v.verify_server_cert(cert, &[], &name, &[], UnixTime::now())
        };
        let pinned = verifier(Some(CertificatePin::of_certificate(der.as_ref())));
        assert!(check(&pinned, &der).is_ok());
        let refused = check(&pinned, &other).unwrap_err();
        assert!(is_pin_mismatch(&refused));
        // As the TLS stack hands it up: an io::Error inside an io::Error.
        let inner = std::io::Error::new(std::io::ErrorKind::InvalidData, refused);
        let wrapped = std::io::Error::other(inner);
        assert!(is_pin_mismatch(&wrapped));
        let none = check(&verifier(None), &der).unwrap_err();
        assert!(!is_pin_mismatch(&none));
        assert!(!verifier(None).supported_verify_schemes().is_empty());
    }
}
