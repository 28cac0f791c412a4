//! The production transport: HTTP to the hub with reqwest and rustls (ring
//! provider), with timeouts.
//!
//! An `https://` hub is trusted only through its pinned certificate
//! ([`CertificatePin`]); plain `http://` is allowed only to a loopback
//! address, where the token never crosses a network.

use fieldbook_proto::{PROTOCOL_HEADER, PROTOCOL_VERSION};
use reqwest::blocking::Client;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::time::Duration;

use super::pinning::{self, CertificatePin};
use super::transport::{HubRequest, HubResponse, Network, Transport, TransportError};

/// Opens HTTP(S) connections to hubs: the network of every real device.
#[derive(Debug, Default, Clone, Copy)]
pub struct HttpNetwork;

impl Network for HttpNetwork {
    /// An `https://` hub needs `pin`, the SHA-256 of its certificate, and no
    /// other certificate is trusted; `http://` is allowed only to a loopback
    /// host, and then without a pin.
    fn connect(
        &self,
        base_url: &str,
        pin: Option<CertificatePin>,
    ) -> Result<Box<dyn Transport>, TransportError> {
        let secure = check_hub_address(base_url, pin.is_some())?;
        // A plain-HTTP client never speaks TLS (redirects are off), but its
        // TLS configuration still trusts nothing rather than every CA.
        let tls = pinning::client_config(pin).map_err(TransportError::HubAddress)?;
        let mut builder = Client::builder()
            .tls_backend_preconfigured(tls)
            .https_only(secure)
            // The hub never redirects; following one could leave the pinned host.
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(60))
            .user_agent(concat!("fieldbook/", env!("CARGO_PKG_VERSION")));
        if !secure {
            // A proxy would carry the clear-text token off this machine.
            builder = builder.no_proxy();
        }
        let http = builder
            .build()
            .map_err(|e| TransportError::HubAddress(without_url(&e)))?;
        Ok(Box::new(HttpTransport {
            http,
            base: base_url.trim_end_matches('/').to_string(),
        }))
    }
}

struct HttpTransport {
    http: Client,
    base: String,
}

impl Transport for HttpTransport {
    fn send(&self, request: &HubRequest<'_>) -> Result<HubResponse, TransportError> {
        let mut builder = self
            .http
            .request(
                request.method.clone(),
                format!("{}{}", self.base, request.path),
            )
            .header(PROTOCOL_HEADER, PROTOCOL_VERSION.to_string())
            .query(request.query);
        if let Some(token) = request.token {
            builder = builder.bearer_auth(token);
        }
        if let Some(body) = request.body {
            builder = builder
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body.to_vec());
        }
        let response = builder.send().map_err(|e| {
            if pinning::is_pin_mismatch(&e) {
                TransportError::CertificateMismatch
            } else {
                TransportError::Unreachable(without_url(&e))
            }
        })?;
        let status = response.status().as_u16();
        // A connection cut in the middle of the answer is as unreachable as
        // one cut before it.
        let body = response
            .bytes()
            .map_err(|e| TransportError::Unreachable(without_url(&e)))?;
        Ok(HubResponse {
            status,
            body: body.into(),
        })
    }
}

/// Checks that `base_url` may carry a token: `https://` with a pin, or
/// `http://` to a loopback host without one. Returns whether it is `https`.
/// Messages never repeat the address (it could hold credentials).
fn check_hub_address(base_url: &str, pinned: bool) -> Result<bool, TransportError> {
    let refuse = |why: &str| Err(TransportError::HubAddress(why.to_string()));
    let Ok(url) = reqwest::Url::parse(base_url) else {
        return refuse("it is not a URL like https://hub.example:8443");
    };
    if !url.username().is_empty() || url.password().is_some() {
        return refuse("it must not contain a user name or password");
    }
    match url.scheme() {
        "https" if pinned => Ok(true),
        "https" => refuse(
            "an https:// hub needs the SHA-256 fingerprint of its certificate to pin (the hub prints it)",
        ),
        "http" if pinned => refuse(
            "a certificate fingerprint was given for a plain http:// address; use the hub's https:// address",
        ),
        "http" if is_loopback(&url) => Ok(false),
        "http" => refuse(
            "plain http:// is allowed only to this machine (127.0.0.1, ::1, localhost): the device's token would cross the network in clear; use the hub's https:// address and certificate fingerprint",
        ),
        _ => refuse("it must start with https:// (or http:// on this machine)"),
    }
}

fn is_loopback(url: &reqwest::Url) -> bool {
    match url.host_str() {
        Some(host) if host.eq_ignore_ascii_case("localhost") => true,
        Some(host) => {
            let bare = host.trim_start_matches('[').trim_end_matches(']');
            bare.parse::<Ipv4Addr>().is_ok_and(|ip| ip.is_loopback())
                || bare.parse::<Ipv6Addr>().is_ok_and(|ip| ip.is_loopback())
        }
        None => false,
    }
}

/// reqwest's errors name the URL; keep only what went wrong.
fn without_url(e: &reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "could not connect"
    } else if e.is_body() || e.is_decode() {
        "the answer was cut off or malformed"
    } else {
        "request failed"
    };
    kind.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::transport::{HubClient, RetryPolicy};
    use std::sync::atomic::AtomicBool;

    #[test]
    fn an_unreachable_hub_is_reported_after_the_retries() {
        let client = HubClient::new(
            "http://127.0.0.1:9",
            None,
            None,
            RetryPolicy {
                attempts: 2,
                base_delay: Duration::from_millis(1),
                max_delay: Duration::from_millis(2),
            },
        )
        .unwrap();
        let err = client.health(&AtomicBool::new(false)).unwrap_err();
        assert!(matches!(err, TransportError::Unreachable(_)), "{err}");
        let cancelled = client.health(&AtomicBool::new(true)).unwrap_err();
        assert!(matches!(cancelled, TransportError::Cancelled));
    }

    fn address_error(url: &str, pin: Option<CertificatePin>) -> String {
        match HubClient::new(url, pin, None, RetryPolicy::default()) {
            Err(TransportError::HubAddress(why)) => why,
            Err(other) => panic!("{url}: unexpected {other}"),
            Ok(_) => panic!("{url} was accepted"),
        }
    }

    #[test]
    fn only_pinned_https_or_loopback_http_is_accepted() {
        let pin = Some(CertificatePin::of_certificate(b"hub certificate"));
        for url in [
            "http://127.0.0.1:8080",
            "http://127.8.9.10/",
            "http://localhost:8080",
            "http://LOCALHOST",
            "http://[::1]:8080",
        ] {
            assert!(
                HubClient::new(url, None, None, RetryPolicy::default()).is_ok(),
                "{url}"
            );
        }
        for url in ["https://hub.example:8443", "https://10.0.0.5"] {
            assert!(
                HubClient::new(url, pin, None, RetryPolicy::default()).is_ok(),
                "{url}"
            );
        }
        assert!(address_error("https://hub.example:8443", None).contains("fingerprint"));
        for url in [
            "http://10.0.0.5:8080",
            "http://hub.example",
            "http://[::ffff:127.0.0.1]/",
            "http://localhost.evil.example/",
        ] {
            assert!(address_error(url, None).contains("in clear"), "{url}");
        }
        assert!(address_error("http://127.0.0.1:8080", pin).contains("http://"));
        assert!(address_error("ftp://hub.example", pin).contains("https://"));
        assert!(address_error("hub.example:8443", pin).contains("https://"));
        assert!(address_error("10.0.0.5:8443", pin).contains("not a URL"));
    }

    #[test]
    fn address_errors_never_repeat_credentials() {
        let why = address_error("https://admin:s3cret@hub.example", None);
        assert!(!why.contains("s3cret") && !why.contains("admin"), "{why}");
        let why = address_error("http://user:s3cret@10.0.0.5", None);
        assert!(!why.contains("s3cret"), "{why}");
    }

    /// A hub on loopback that serves `connections` connections, one answer
    /// each: the first `cut` answers promise more body than they send and
    /// then hang up; the others are whole. Returns its URL and, when joined,
    /// how many connections it served.
    fn hub_cutting_answers(
        cut: usize,
        connections: usize,
    ) -> (String, std::thread::JoinHandle<usize>) {
        use std::io::{Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let server = std::thread::spawn(move || {
            let mut served = 0;
            for stream in listener.incoming().take(connections) {
                let mut stream = stream.unwrap();
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).unwrap() == 1 {
                    head.push(byte[0]);
                }
                let body = br#"{"status":"ok","protocol":3,"backend":"sqlite"}"#;
                let promised = if served < cut {
                    body.len() + 40
                } else {
                    body.len()
                };
                let answer = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {promised}\r\nconnection: close\r\n\r\n"
                );
                stream.write_all(answer.as_bytes()).unwrap();
                stream.write_all(body).unwrap();
                served += 1;
            }
            served
        });
        (url, server)
    }

    fn quick(attempts: u32) -> RetryPolicy {
        RetryPolicy {
            attempts,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(5),
        }
    }

    #[test]
    fn an_answer_cut_off_mid_body_is_retried_like_a_dropped_connection() {
        let (url, server) = hub_cutting_answers(2, 3);
        let client = HubClient::new(&url, None, None, quick(3)).unwrap();
        let health = client.health(&AtomicBool::new(false)).unwrap();
        assert_eq!(health.status, "ok");
        assert_eq!(server.join().unwrap(), 3);
    }

    #[test]
    fn an_answer_cut_off_on_the_last_attempt_is_reported() {
        let (url, server) = hub_cutting_answers(1, 1);
        let client = HubClient::new(&url, None, None, quick(1)).unwrap();
        let err = client.health(&AtomicBool::new(false)).unwrap_err();
        assert!(matches!(err, TransportError::Unreachable(_)), "{err}");
        assert_eq!(server.join().unwrap(), 1);
    }
}
