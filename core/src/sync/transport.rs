//! The sync client: requests to the hub through a [`Transport`], with
//! retries, exponential back-off and jitter for failures that may pass (no
//! answer, 5xx, 429). A 4xx is final; 410 with `wipe` is the hub's order to
//! crypto-erase. The transport is HTTP on devices (`super::http`) and an
//! in-process network in the team simulation.

use fieldbook_proto::endpoint::{self, Endpoint, Health, HealthAnswer};
use fieldbook_proto::error::ErrorBody;
use rand::Rng;
use reqwest::{Method, StatusCode};
use serde::Serialize;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use zeroize::Zeroizing;

use super::http::HttpNetwork;
use super::pinning::CertificatePin;

/// Why a request to the hub failed. Never carries the token or a record's contents.
#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    /// No whole answer came (no network, the hub down, the connection cut); the text says why,
    /// never the address.
    #[error("the hub cannot be reached: {0}")]
    Unreachable(String),
    /// The hub answered with an error status.
    #[error("the hub refused the request ({status}, {error}): {message}")]
    Refused {
        /// The HTTP status: a 4xx, or a 5xx or 429 once the retries ran out.
        status: u16,
        /// The hub's error code (`"unknown"` when the body held none).
        error: String,
        /// The hub's explanation, in English.
        message: String,
    },
    /// The hub refuses this device as revoked (410 with `wipe`): it must erase itself.
    #[error("the hub refuses this device as revoked and orders it erased")]
    Wipe,
    /// The caller stopped the request.
    #[error("cancelled")]
    Cancelled,
    /// The hub's answer could not be read as the protocol says; the text says what.
    #[error("the hub answered something unexpected: {0}")]
    Protocol(String),
    /// The hub showed a certificate other than the pinned one.
    #[error("the hub's certificate does not match the pinned one: this may not be the real hub, or its certificate was replaced (then this device needs the new fingerprint)")]
    CertificateMismatch,
    /// The hub's address cannot be used (not a URL, credentials in it, plain `http://` beyond this
    /// machine, a certificate pin missing or out of place); the text says why.
    #[error("cannot use this hub address: {0}")]
    HubAddress(String),
}

/// How persistently to retry a request that failed in a way that may pass.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// How many tries in all, the first included.
    pub attempts: u32,
    /// The back-off's unit: the wait before a retry is random, up to this times two to the
    /// power of the failures so far.
    pub base_delay: Duration,
    /// The cap on that bound.
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

/// One request to the hub, as the sync client hands it to a [`Transport`].
pub struct HubRequest<'a> {
    /// GET or POST, as the endpoint says.
    pub method: &'a Method,
    /// The path under the hub's base URL (`/v1/sync/push`).
    pub path: &'a str,
    /// The query parameters, as name and value.
    pub query: &'a [(&'a str, String)],
    /// A JSON body.
    pub body: Option<&'a [u8]>,
    /// The device's bearer token; a secret, never logged.
    pub token: Option<&'a str>,
}

/// The hub's answer, whatever its status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HubResponse {
    /// The HTTP status.
    pub status: u16,
    /// The body as sent, usually JSON.
    pub body: Vec<u8>,
}

/// How requests reach one hub. `send` returns `Ok` for any answer the hub
/// gave, refusals included, and an error only when no whole answer came
/// (`Unreachable`, `CertificateMismatch`). Retries, back-off and decoding
/// stay in [`HubClient`], above every transport.
pub trait Transport: Send + Sync {
    /// Sends one request and returns the hub's answer, whatever its status.
    fn send(&self, request: &HubRequest<'_>) -> Result<HubResponse, TransportError>;

    /// Waits before a retry. A simulated network waits in simulated time.
    fn pause(&self, delay: Duration) {
        std::thread::sleep(delay);
    }

    /// Whether a request may go out on a thread of its own while its caller
    /// goes on (a pull downloads its next page while it merges the current
    /// one). A simulated network, which puts every request in the order its
    /// schedule chose, says no: such a request is then sent at once.
    fn runs_beside(&self) -> bool {
        true
    }
}

/// Opens transports to hubs: [`super::HttpNetwork`] on every
/// device; the team simulation in `tests/` plugs in its own, which hands
/// requests to the hub's router in the same process.
pub trait Network: Send + Sync {
    /// A transport to the hub at `base_url`, accepting only the certificate `pin` names when one is
    /// given.
    fn connect(
        &self,
        base_url: &str,
        pin: Option<CertificatePin>,
    ) -> Result<Box<dyn Transport>, TransportError>;
}

/// Calls the hub's endpoints for one device, with retries; the token zeroizes on drop.
pub struct HubClient {
    transport: Box<dyn Transport>,
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
    /// A client for the hub at `base_url` over HTTP(S). An `https://` hub
    /// needs `pin`, the SHA-256 of its certificate, and no other certificate
    /// is trusted; `http://` is allowed only to a loopback host, and then
    /// without a pin.
    pub fn new(
        base_url: &str,
        pin: Option<CertificatePin>,
        token: Option<String>,
        retry: RetryPolicy,
    ) -> Result<Self, TransportError> {
        Self::over(&HttpNetwork, base_url, pin, token, retry)
    }

    /// A client for the hub at `base_url`, reached through `network`.
    pub fn over(
        network: &dyn Network,
        base_url: &str,
        pin: Option<CertificatePin>,
        token: Option<String>,
        retry: RetryPolicy,
    ) -> Result<Self, TransportError> {
        Ok(HubClient {
            transport: network.connect(base_url, pin)?,
            base: base_url.trim_end_matches('/').to_string(),
            token: token.map(Zeroizing::new),
            retry,
        })
    }

    /// Sends a request, retrying failures that may pass (no answer, 5xx,
    /// 429), and returns the successful answer's body. An answer cut off in
    /// the middle is retried like one never sent (push and pull are
    /// idempotent). A 4xx is final.
    fn send(
        &self,
        method: &Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&[u8]>,
        cancel: &AtomicBool,
        tries: Tries,
    ) -> Result<Vec<u8>, TransportError> {
        let request = HubRequest {
            method,
            path,
            query,
            body,
            token: self.token.as_ref().map(|t| t.as_str()),
        };
        let mut attempt = tries.spent;
        loop {
            if cancel.load(Ordering::Relaxed) {
                return Err(TransportError::Cancelled);
            }
            let retryable = match self.transport.send(&request) {
                Ok(answer) => {
                    let status = StatusCode::from_u16(answer.status).map_err(|_| {
                        TransportError::Protocol(format!("status {}", answer.status))
                    })?;
                    if status.is_success() {
                        return Ok(answer.body);
                    }
                    let refused = refusal(status, &answer.body);
                    if !(status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS) {
                        return Err(refused);
                    }
                    refused
                }
                Err(e @ TransportError::Unreachable(_)) => e,
                // Retrying cannot change the certificate the hub shows, nor an address.
                Err(e) => return Err(e),
            };
            attempt += 1;
            if attempt >= tries.limit {
                return Err(retryable);
            }
            self.transport.pause(self.retry.delay(attempt));
        }
    }

    /// Makes call `E`: a GET sends its request as the query, a POST as the
    /// JSON body.
    pub fn call<E: Endpoint>(
        &self,
        request: &E::Request,
        cancel: &AtomicBool,
    ) -> Result<E::Response, TransportError> {
        self.call_at::<E>(E::CALL.path(), request, cancel)
    }

    /// Makes call `E` at its path with the parameter filled in
    /// (`Revoke::path_for`).
    pub fn call_at<E: Endpoint>(
        &self,
        path: &str,
        request: &E::Request,
        cancel: &AtomicBool,
    ) -> Result<E::Response, TransportError> {
        let tries = Tries {
            spent: 0,
            limit: self.retry.attempts,
        };
        self.call_tries::<E>(path, request, cancel, tries)
    }

    /// Makes only the first try of call `E`: a request made ahead of need,
    /// whose failure [`HubClient::call_after`] takes up when it is needed.
    pub fn call_first<E: Endpoint>(
        &self,
        request: &E::Request,
        cancel: &AtomicBool,
    ) -> Result<E::Response, TransportError> {
        let tries = Tries {
            spent: 0,
            limit: self.retry.attempts.min(1),
        };
        self.call_tries::<E>(E::CALL.path(), request, cancel, tries)
    }

    /// Makes the tries of call `E` that are left after its first failed
    /// with `first` ([`HubClient::call_first`]), as [`HubClient::call`]
    /// would have: none when that failure cannot pass or the policy allows
    /// one try, the first error is then the answer.
    pub fn call_after<E: Endpoint>(
        &self,
        request: &E::Request,
        cancel: &AtomicBool,
        first: TransportError,
    ) -> Result<E::Response, TransportError> {
        if !may_pass(&first) || self.retry.attempts <= 1 {
            return Err(first);
        }
        self.transport.pause(self.retry.delay(1));
        let tries = Tries {
            spent: 1,
            limit: self.retry.attempts,
        };
        self.call_tries::<E>(E::CALL.path(), request, cancel, tries)
    }

    /// Whether this client's requests may run beside their caller (see
    /// [`Transport::runs_beside`]).
    pub fn runs_beside(&self) -> bool {
        self.transport.runs_beside()
    }

    fn call_tries<E: Endpoint>(
        &self,
        path: &str,
        request: &E::Request,
        cancel: &AtomicBool,
        tries: Tries,
    ) -> Result<E::Response, TransportError> {
        let protocol = |e: serde_json::Error| TransportError::Protocol(format!("{path}: {e}"));
        let (method, query, body) = match E::CALL.method() {
            endpoint::Method::Get => (Method::GET, query_of(request)?, None),
            endpoint::Method::Post => (
                Method::POST,
                Vec::new(),
                Some(serde_json::to_vec(request).map_err(protocol)?),
            ),
        };
        let query: Vec<(&str, String)> =
            query.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
        let text = self.send(&method, path, &query, body.as_deref(), cancel, tries)?;
        // A success without a body (201, 204) answers a call whose answer is `()`.
        let text = if text.is_empty() {
            b"null".to_vec()
        } else {
            text
        };
        serde_json::from_slice(&text).map_err(protocol)
    }

    /// Asks whether the hub runs, and which protocol and storage it has.
    pub fn health(&self, cancel: &AtomicBool) -> Result<HealthAnswer, TransportError> {
        self.call::<Health>(&(), cancel)
    }
}

/// Which tries of a request to make: from the try after the `spent` ones,
/// up to `limit` tries in all.
#[derive(Debug, Clone, Copy)]
struct Tries {
    spent: u32,
    limit: u32,
}

/// Whether a failed try may pass on another: no answer, or the hub's 5xx or
/// 429 (what [`HubClient::send`] retries).
fn may_pass(error: &TransportError) -> bool {
    match error {
        TransportError::Unreachable(_) => true,
        TransportError::Refused { status, .. } => {
            *status >= 500 || *status == StatusCode::TOO_MANY_REQUESTS.as_u16()
        }
        _ => false,
    }
}

/// A GET's request as query pairs: its fields that are set, each by its
/// JSON scalar (`()` has none).
fn query_of<T: Serialize>(request: &T) -> Result<Vec<(String, String)>, TransportError> {
    let value = serde_json::to_value(request)
        .map_err(|e| TransportError::Protocol(format!("query: {e}")))?;
    let fields = match value {
        serde_json::Value::Null => return Ok(Vec::new()),
        serde_json::Value::Object(fields) => fields,
        _ => {
            return Err(TransportError::Protocol(
                "a query must be a set of fields".into(),
            ))
        }
    };
    Ok(fields
        .into_iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, v)| match v {
            serde_json::Value::String(s) => (k, s),
            other => (k, other.to_string()),
        })
        .collect())
}

fn refusal(status: StatusCode, body: &[u8]) -> TransportError {
    match serde_json::from_slice::<ErrorBody>(body).ok() {
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
    use std::sync::{Arc, Mutex};

    #[test]
    fn back_off_grows_but_stays_under_its_cap() {
        let policy = RetryPolicy::default();
        for attempt in 0..20 {
            assert!(policy.delay(attempt) <= policy.max_delay);
        }
    }

    /// A transport that plays back answers in order and records what it was
    /// asked and how long it was told to wait.
    #[derive(Clone, Default)]
    struct Scripted {
        answers: Arc<Mutex<Vec<Result<HubResponse, TransportError>>>>,
        /// "METHOD path" and the token of each request.
        sent: Arc<Mutex<Vec<[Option<String>; 2]>>>,
        pauses: Arc<Mutex<Vec<Duration>>>,
    }

    impl Transport for Scripted {
        fn send(&self, request: &HubRequest<'_>) -> Result<HubResponse, TransportError> {
            self.sent.lock().unwrap().push([
                Some(format!("{} {}", request.method, request.path)),
                request.token.map(str::to_string),
            ]);
            self.answers.lock().unwrap().remove(0)
        }
        fn pause(&self, delay: Duration) {
            self.pauses.lock().unwrap().push(delay);
        }
    }

    impl Network for Scripted {
        fn connect(
            &self,
            _: &str,
            _: Option<CertificatePin>,
        ) -> Result<Box<dyn Transport>, TransportError> {
            Ok(Box::new(self.clone()))
        }
    }

    fn answer(status: u16, body: &str) -> Result<HubResponse, TransportError> {
        Ok(HubResponse {
            status,
            body: body.as_bytes().to_vec(),
        })
    }

    fn client(script: &Scripted, attempts: u32) -> HubClient {
        let retry = RetryPolicy {
            attempts,
            ..RetryPolicy::default()
        };
        HubClient::over(script, "sim://hub", None, Some("t0ken".into()), retry).unwrap()
    }

    #[test]
    fn failures_that_may_pass_are_retried_through_the_transports_pause() {
        let script = Scripted::default();
        *script.answers.lock().unwrap() = vec![
            Err(TransportError::Unreachable("cut".into())),
            answer(503, r#"{"error":"unavailable","message":"busy"}"#),
            answer(429, ""),
            answer(200, r#"{"status":"ok","protocol":3,"backend":"sqlite"}"#),
        ];
        let health = client(&script, 5).health(&AtomicBool::new(false)).unwrap();
        assert_eq!(health.status, "ok");
        let sent = script.sent.lock().unwrap();
        assert_eq!(sent.len(), 4);
        assert!(sent
            .iter()
            .all(|[what, token]| what.as_deref() == Some("GET /v1/health")
                && token.as_deref() == Some("t0ken")));
        assert_eq!(
            script.pauses.lock().unwrap().len(),
            3,
            "one pause per retry"
        );
    }

    #[test]
    fn a_refusal_is_final_and_a_wipe_order_is_recognised() {
        let script = Scripted::default();
        *script.answers.lock().unwrap() = vec![
            answer(403, r#"{"error":"forbidden","message":"no"}"#),
            answer(410, r#"{"error":"revoked","message":"gone","wipe":true}"#),
        ];
        let client = client(&script, 5);
        let cancel = AtomicBool::new(false);
        match client.health(&cancel).unwrap_err() {
            TransportError::Refused { status, error, .. } => {
                assert_eq!((status, error.as_str()), (403, "forbidden"))
            }
            other => panic!("unexpected {other}"),
        }
        assert!(matches!(
            client.health(&cancel).unwrap_err(),
            TransportError::Wipe
        ));
        assert_eq!(script.sent.lock().unwrap().len(), 2, "no retries");
        assert!(script.pauses.lock().unwrap().is_empty());
    }

    #[test]
    fn the_last_failure_is_reported_after_the_attempts_run_out() {
        let script = Scripted::default();
        *script.answers.lock().unwrap() = vec![
            answer(500, ""),
            Err(TransportError::Unreachable("timed out".into())),
        ];
        let err = client(&script, 2)
            .health(&AtomicBool::new(false))
            .unwrap_err();
        assert!(matches!(err, TransportError::Unreachable(_)), "{err}");
        let cancelled = client(&script, 2)
            .health(&AtomicBool::new(true))
            .unwrap_err();
        assert!(matches!(cancelled, TransportError::Cancelled));
    }
}
