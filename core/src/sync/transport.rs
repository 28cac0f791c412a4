//! HTTP to the hub: reqwest with rustls (ring provider), timeouts, and
//! retries with exponential back-off and jitter for failures that may pass
//! (no connection, time-outs, 5xx, 429). A 4xx is final; 410 with `wipe`
//! is the hub's order to crypto-erase.
//!
//! An `https://` hub is trusted only through its pinned certificate
//! ([`CertificatePin`]); plain `http://` is allowed only to a loopback
//! address, where the token never crosses a network.

use fieldbook_proto::error::ErrorBody;
use fieldbook_proto::{paths, PROTOCOL_HEADER, PROTOCOL_VERSION};
use rand::Rng;
use reqwest::blocking::{Client, Response};
use reqwest::{Method, StatusCode};
use serde::{de::DeserializeOwned, Serialize};
use std::net::{Ipv4Addr, Ipv6Addr};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use zeroize::Zeroizing;

use super::pinning::{self, CertificatePin};

#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    #[error("the hub cannot be reached: {0}")]
    Unreachable(String),
    #[error("the hub refused the request ({status}, {error}): {message}")]
    Refused {
        status: u16,
        error: String,
        message: String,
    },
    #[error("the hub refuses this device as revoked and orders it erased")]
    Wipe,
    #[error("cancelled")]
    Cancelled,
    #[error("the hub answered something unexpected: {0}")]
    Protocol(String),
    #[error("the hub's certificate does not match the pinned one: this may not be the real hub, or its certificate was replaced (then this device needs the new fingerprint)")]
    CertificateMismatch,
    #[error("cannot use this hub address: {0}")]
    HubAddress(String),
}

/// How persistently to retry a request that failed in a way that may pass.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    pub attempts: u32,
    pub base_delay: Duration,
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            attempts: 5,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(10),
        }
    }
}

impl RetryPolicy {
    /// Full jitter: a random wait up to the exponential bound, so many
    /// phones that lost the network together do not retry together.
    fn delay(&self, attempt: u32) -> Duration {
        let bound = self
            .base_delay
            .saturating_mul(1u32 << attempt.min(16))
            .min(self.max_delay);
        let millis = bound.as_millis().max(1) as u64;
        Duration::from_millis(rand::thread_rng().gen_range(0..=millis))
    }
}

pub struct HubClient {
    http: Client,
    base: String,
    token: Option<Zeroizing<String>>,
    retry: RetryPolicy,
}

impl std::fmt::Debug for HubClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "HubClient({})", self.base)
    }
}

impl HubClient {
    /// A client for the hub at `base_url`. An `https://` hub needs `pin`, the
    /// SHA-256 of its certificate, and no other certificate is trusted;
    /// `http://` is allowed only to a loopback host, and then without a pin.
    pub fn new(
        base_url: &str,
        pin: Option<CertificatePin>,
        token: Option<String>,
        retry: RetryPolicy,
    ) -> Result<Self, TransportError> {
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
        Ok(HubClient {
            http,
            base: base_url.trim_end_matches('/').to_string(),
            token: token.map(Zeroizing::new),
            retry,
        })
    }

    /// Sends a request, retrying failures that may pass, and returns the
    /// successful answer's body. With `read_body` the body is read inside the
    /// retry loop: a connection cut in the middle of the answer is retried
    /// like one cut before it (push and pull are idempotent).
    fn send(
        &self,
        method: &Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&Vec<u8>>,
        read_body: bool,
        cancel: &AtomicBool,
    ) -> Result<Vec<u8>, TransportError> {
        let mut attempt = 0;
        loop {
            if cancel.load(Ordering::Relaxed) {
                return Err(TransportError::Cancelled);
            }
            let mut request = self
                .http
                .request(method.clone(), format!("{}{path}", self.base))
                .header(PROTOCOL_HEADER, PROTOCOL_VERSION.to_string())
                .query(query);
            if let Some(token) = &self.token {
                request = request.bearer_auth(token.as_str());
            }
            if let Some(body) = body {
                request = request
                    .header(reqwest::header::CONTENT_TYPE, "application/json")
                    .body(body.clone());
            }
            let retryable = match request.send() {
                Ok(response) => {
                    let status = response.status();
                    if status.is_success() && !read_body {
                        return Ok(Vec::new());
                    }
                    if status.is_success() {
                        match response.bytes() {
                            Ok(bytes) => return Ok(bytes.into()),
                            Err(e) => TransportError::Unreachable(without_url(&e)),
                        }
                    } else if !(status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS)
                    {
                        return Err(refusal(status, response));
                    } else {
                        refusal(status, response)
                    }
                }
                Err(e) if pinning::is_pin_mismatch(&e) => {
                    // Retrying cannot change the certificate the hub shows.
                    return Err(TransportError::CertificateMismatch);
                }
                Err(e) => TransportError::Unreachable(without_url(&e)),
            };
            attempt += 1;
            if attempt >= self.retry.attempts {
                return Err(retryable);
            }
            std::thread::sleep(self.retry.delay(attempt));
        }
    }

    pub fn call<Req: Serialize, Resp: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&Req>,
        cancel: &AtomicBool,
    ) -> Result<Resp, TransportError> {
        let bytes = body
            .map(serde_json::to_vec)
            .transpose()
            .map_err(|e| TransportError::Protocol(e.to_string()))?;
        let text = self.send(&method, path, query, bytes.as_ref(), true, cancel)?;
        serde_json::from_slice(&text).map_err(|e| TransportError::Protocol(format!("{path}: {e}")))
    }

    /// A call whose answer has no body (204).
    pub fn call_empty<Req: Serialize>(
        &self,
        method: Method,
        path: &str,
        body: Option<&Req>,
        cancel: &AtomicBool,
    ) -> Result<(), TransportError> {
        let bytes = body
            .map(serde_json::to_vec)
            .transpose()
            .map_err(|e| TransportError::Protocol(e.to_string()))?;
        self.send(&method, path, &[], bytes.as_ref(), false, cancel)
            .map(|_| ())
    }

    pub fn health(&self, cancel: &AtomicBool) -> Result<serde_json::Value, TransportError> {
        self.call::<(), _>(Method::GET, paths::HEALTH, &[], None, cancel)
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

fn refusal(status: StatusCode, response: Response) -> TransportError {
    let body: Option<ErrorBody> = response
        .bytes()
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok());
    match body {
        Some(body) if body.wipe => TransportError::Wipe,
        Some(body) => TransportError::Refused {
            status: status.as_u16(),
            error: body.error,
            message: body.message,
        },
        None => TransportError::Refused {
            status: status.as_u16(),
            error: "unknown".into(),
            message: status.canonical_reason().unwrap_or("").into(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn back_off_grows_but_stays_under_its_cap() {
        let policy = RetryPolicy::default();
        for attempt in 0..20 {
            assert!(policy.delay(attempt) <= policy.max_delay);
        }
    }

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
                let body = br#"{"status":"ok"}"#;
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
        assert_eq!(health["status"], "ok");
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
