//! Certificate pinning for the hub: the device trusts exactly one certificate,
//! the one whose SHA-256 it was given at enrollment, instead of every CA.
//!
//! Office hubs usually run on a self-signed certificate, and a hostile
//! network can obtain a CA-signed one for any name; a pin defeats both. The
//! pin replaces chain, name and validity checks (the certificate is the
//! identity); the handshake signatures are still verified with ring, so only
//! the holder of that certificate's private key can complete the handshake.

use std::sync::Arc;

pub use fieldbook_trust::certificate_pin::{CertificatePin, PinParseError};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{
    verify_tls12_signature, verify_tls13_signature, CryptoProvider, WebPkiSupportedAlgorithms,
};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, OtherError, SignatureScheme};

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
