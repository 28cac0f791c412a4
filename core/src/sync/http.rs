//! The production transport: HTTP to the hub with reqwest and rustls (ring
//! provider), with timeouts.
//!
//! An `https://` hub is trusted only through its pinned certificate
//! ([`CertificatePin`]); plain `http://` is allowed only to a loopback
//! address, where the token never crosses a network.
//!
//! Bodies are compressed both ways with zstd, as HTTP negotiates it: the
//! client asks for zstd answers (`Accept-Encoding`, which reqwest sends and
//! decodes), and sends a body of [`COMPRESS_ABOVE`] bytes or more with
//! `Content-Encoding: zstd`. A hub that refuses one (an older hub answers
//! 400, a hub without zstd 415) gets it again unencoded, and this transport
//! sends it unencoded from then on.

use fieldbook_proto::{PROTOCOL_HEADER, PROTOCOL_VERSION};
use reqwest::blocking::Client;
use reqwest::header::{CONTENT_ENCODING, CONTENT_TYPE};
use std::io::Read;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::sync::atomic::{AtomicBool, Ordering};
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
            plain_bodies: AtomicBool::new(false),
        }))
    }
}

/// Request bodies of at least this many bytes are sent compressed: push
/// batches, mostly. Smaller ones gain less than the frame costs.
pub const COMPRESS_ABOVE: usize = 1024;

/// The zstd level for request bodies: sealed bodies are random bytes in
/// base64, where level 1 saves nearly what higher levels do, for less of
/// the phone's CPU.
const LEVEL: i32 = 1;

/// The most an answer may hold once decoded: more than the largest the
/// protocol allows (a pull page of 1,000 versions of 64 KiB in base64,
/// about 88 MB), so a hub cannot make the device hold a compression bomb.
pub const MAX_ANSWER: u64 = 128 * 1024 * 1024;

struct HttpTransport {
    http: Client,
    base: String,
    /// Set once the hub refused a compressed body: it gets them unencoded.
    plain_bodies: AtomicBool,
}

impl Transport for HttpTransport {
    fn send(&self, request: &HubRequest<'_>) -> Result<HubResponse, TransportError> {
        let compressed = match request.body {
            Some(body)
                if body.len() >= COMPRESS_ABOVE && !self.plain_bodies.load(Ordering::Relaxed) =>
            {
                // A body that cannot be compressed is sent as it is.
                zstd::bulk::compress(body, LEVEL).ok()
            }
            _ => None,
        };
        let Some(compressed) = compressed else {
            return self.exchange(request, request.body, false);
        };
        let answer = self.exchange(request, Some(&compressed), true)?;
        if matches!(answer.status, 400 | 415) {
            // A hub that does not take zstd bodies: nothing was done, so the
            // same request goes again, as the hub reads it.
            self.plain_bodies.store(true, Ordering::Relaxed);
            return self.exchange(request, request.body, false);
        }
        Ok(answer)
    }
}

impl HttpTransport {
    /// Sends `request` with `body` (zstd-encoded when `encoded`) and reads
    /// the answer, decoded, up to [`MAX_ANSWER`] bytes.
    fn exchange(
        &self,
        request: &HubRequest<'_>,
        body: Option<&[u8]>,
        encoded: bool,
    ) -> Result<HubResponse, TransportError> {
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
        if let Some(body) = body {
            builder = builder
                .header(CONTENT_TYPE, "application/json")
                .body(body.to_vec());
            if encoded {
                builder = builder.header(CONTENT_ENCODING, "zstd");
            }
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
        // one cut before it; so is an answer whose zstd does not decode.
        let mut body = Vec::new();
        response
            .take(MAX_ANSWER + 1)
            .read_to_end(&mut body)
            .map_err(|_| {
                TransportError::Unreachable("the answer was cut off or malformed".into())
            })?;
        if body.len() as u64 > MAX_ANSWER {
            return Err(TransportError::Protocol(format!(
                "an answer larger than {} MiB",
                MAX_ANSWER / (1024 * 1024)
            )));
        }
        Ok(HubResponse { status, body })
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

    /// What a hub answers: status, extra header lines, body.
    type Answer = (u16, &'static str, Vec<u8>);
    /// What a hub was sent: the head in lower case, and the body.
    type Seen = Vec<(String, Vec<u8>)>;

    /// A hub on loopback that answers one request per connection with
    /// `answers`, in order; joined, it returns each request's head (in lower
    /// case) and body.
    fn hub_answering(answers: Vec<Answer>) -> (String, std::thread::JoinHandle<Seen>) {
        use std::io::{Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let server = std::thread::spawn(move || {
            let mut seen = Vec::new();
            for (status, headers, body) in answers {
                let (mut stream, _) = listener.accept().unwrap();
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).unwrap() == 1 {
                    head.push(byte[0]);
                }
                let head = String::from_utf8(head).unwrap().to_ascii_lowercase();
                let length = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .map_or(0, |n| n.trim().parse::<usize>().unwrap());
                let mut sent = vec![0u8; length];
                stream.read_exact(&mut sent).unwrap();
                seen.push((head, sent));
                let answer = format!(
                    "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\n{headers}content-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                stream.write_all(answer.as_bytes()).unwrap();
                stream.write_all(&body).unwrap();
            }
            seen
        });
        (url, server)
    }

    fn post<'a>(body: &'a [u8]) -> HubRequest<'a> {
        HubRequest {
            method: &reqwest::Method::POST,
            path: "/v1/sync/push",
            query: &[],
            body: Some(body),
            token: Some("t0ken"),
        }
    }

    /// A push-sized JSON body: base64, as sealed bodies travel.
    fn big_body() -> Vec<u8> {
        let versions: Vec<String> = (0..50u32)
            .map(|i| format!(r#"{{"body":"{}"}}"#, "QUJD".repeat(200 + i as usize)))
            .collect();
        format!(r#"{{"versions":[{}]}}"#, versions.join(",")).into_bytes()
    }

    #[test]
    fn large_bodies_go_compressed_and_compressed_answers_are_read() {
        let answer = br#"{"stored":50,"duplicates":0}"#.to_vec();
        let (url, server) = hub_answering(vec![
            (
                200,
                "content-encoding: zstd\r\n",
                zstd::bulk::compress(&answer, 3).unwrap(),
            ),
            (200, "", b"{}".to_vec()),
        ]);
        let transport = HttpNetwork.connect(&url, None).unwrap();
        let body = big_body();
        let got = transport.send(&post(&body)).unwrap();
        assert_eq!((got.status, got.body), (200, answer));
        let small = b"{\"versions\":[]}";
        assert_eq!(transport.send(&post(small)).unwrap().status, 200);
        let seen = server.join().unwrap();
        let (head, sent) = &seen[0];
        assert!(head.contains("content-encoding: zstd"), "{head}");
        assert!(head.contains("accept-encoding: zstd"), "{head}");
        assert!(
            sent.len() < body.len() / 2,
            "{} of {}",
            sent.len(),
            body.len()
        );
        assert_eq!(zstd::decode_all(&sent[..]).unwrap(), body);
        // A small body goes as it is.
        let (head, sent) = &seen[1];
        assert!(!head.contains("content-encoding"), "{head}");
        assert_eq!(sent, small);
    }

    #[test]
    fn a_hub_that_refuses_compressed_bodies_gets_them_plain() {
        let refusal =
            br#"{"error":"invalid_request","message":"malformed request: 400 Bad Request"}"#;
        let (url, server) = hub_answering(vec![
            (400, "", refusal.to_vec()),
            (200, "", b"{}".to_vec()),
            (200, "", b"{}".to_vec()),
        ]);
        let transport = HttpNetwork.connect(&url, None).unwrap();
        let body = big_body();
        assert_eq!(transport.send(&post(&body)).unwrap().status, 200);
        assert_eq!(transport.send(&post(&body)).unwrap().status, 200);
        let seen = server.join().unwrap();
        assert!(seen[0].0.contains("content-encoding: zstd"));
        // Sent again as it is, and every body after it too.
        for (head, sent) in &seen[1..] {
            assert!(!head.contains("content-encoding"), "{head}");
            assert_eq!(sent, &body);
        }
    }

    #[test]
    fn an_answer_that_decodes_past_the_cap_is_refused() {
        let frame = zstd::bulk::compress(&vec![0u8; 64 * 1024 * 1024], 3).unwrap();
        let frames = (MAX_ANSWER / (64 * 1024 * 1024) + 1) as usize;
        let bomb = frame.repeat(frames);
        assert!(bomb.len() < 64 * 1024, "{}", bomb.len());
        let (url, server) = hub_answering(vec![(200, "content-encoding: zstd\r\n", bomb)]);
        let transport = HttpNetwork.connect(&url, None).unwrap();
        let err = transport.send(&post(b"{}")).unwrap_err();
        assert!(matches!(err, TransportError::Protocol(_)), "{err}");
        server.join().unwrap();
    }
}
