//! HTTP to the hub: reqwest with rustls (ring provider), timeouts, and
//! retries with exponential back-off and jitter for failures that may pass
//! (no connection, time-outs, 5xx, 429). A 4xx is final; 410 with `wipe`
//! is the hub's order to crypto-erase.

use fieldbook_proto::error::ErrorBody;
use fieldbook_proto::{paths, PROTOCOL_HEADER, PROTOCOL_VERSION};
use rand::Rng;
use reqwest::blocking::{Client, Response};
use reqwest::{Method, StatusCode};
use serde::{de::DeserializeOwned, Serialize};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use zeroize::Zeroizing;

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
    #[error("this device was revoked: the hub ordered it to erase its data")]
    Wipe,
    #[error("cancelled")]
    Cancelled,
    #[error("the hub answered something unexpected: {0}")]
    Protocol(String),
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
    pub fn new(
        base_url: &str,
        token: Option<String>,
        retry: RetryPolicy,
    ) -> Result<Self, TransportError> {
        // reqwest is built without a default crypto provider: ring cross-compiles simply.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(60))
            .user_agent(concat!("fieldbook/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| TransportError::Unreachable(e.to_string()))?;
        Ok(HubClient {
            http,
            base: base_url.trim_end_matches('/').to_string(),
            token: token.map(Zeroizing::new),
            retry,
        })
    }

    fn send(
        &self,
        method: &Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&Vec<u8>>,
        cancel: &AtomicBool,
    ) -> Result<Response, TransportError> {
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
                    if status.is_success() {
                        return Ok(response);
                    }
                    if !(status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS) {
                        return Err(refusal(status, response));
                    }
                    refusal(status, response)
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
        let response = self.send(&method, path, query, bytes.as_ref(), cancel)?;
        let text = response
            .bytes()
            .map_err(|e| TransportError::Unreachable(without_url(&e)))?;
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
        self.send(&method, path, &[], bytes.as_ref(), cancel)
            .map(|_| ())
    }

    pub fn health(&self, cancel: &AtomicBool) -> Result<serde_json::Value, TransportError> {
        self.call::<(), _>(Method::GET, paths::HEALTH, &[], None, cancel)
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
}
