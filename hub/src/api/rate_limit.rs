//! Enrollment requests per client address: a token bucket for each address
//! (IPv6 by /64, the block one subscriber gets) shared by the two routes
//! that check a code's verifier (`/v1/enroll/invite`, then `/v1/enroll`),
//! answered with 429 and `Retry-After` when empty.
//!
//! Behind a reverse proxy every client has the proxy's address, so the
//! limit is then shared by all; raise it there.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::header::RETRY_AFTER;
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::error::ApiError;

/// How many enrollment requests one address may make. A device enrolling
/// makes two (it looks its invite up, then joins), and one more per
/// thousand links of a long roster.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EnrollRateLimit {
    /// Requests at once: 60 lets 30 devices enroll together, a team at a
    /// training behind the office's one address.
    pub burst: u32,
    /// Requests regained per minute after that: 10 devices a minute.
    pub per_minute: u32,
}

impl Default for EnrollRateLimit {
    fn default() -> Self {
        EnrollRateLimit {
            burst: 60,
            per_minute: 20,
        }
    }
}

/// Addresses tracked at once. Past it (after forgetting full buckets), new
/// addresses share one bucket, so the table stays small under a flood from
/// many addresses.
const MAX_TRACKED: usize = 65_536;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Key {
    V4(u32),
    /// The upper 64 bits of an IPv6 address.
    V6(u64),
    /// No address (a request that did not come through the hub's server).
    Unknown,
    /// Every new address while the table is full.
    Overflow,
}

impl Key {
    fn of(addr: Option<IpAddr>) -> Key {
        match addr.map(|a| a.to_canonical()) {
            Some(IpAddr::V4(v4)) => Key::V4(u32::from(v4)),
            Some(IpAddr::V6(v6)) => Key::V6((u128::from(v6) >> 64) as u64),
            None => Key::Unknown,
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    updated: Instant,
}

/// The buckets of every address seen lately.
#[derive(Debug)]
pub struct RateLimiter {
    limit: EnrollRateLimit,
    buckets: Mutex<HashMap<Key, Bucket>>,
}

impl RateLimiter {
    pub fn new(limit: EnrollRateLimit) -> Self {
        RateLimiter {
            limit,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    fn per_second(&self) -> f64 {
        f64::from(self.limit.per_minute) / 60.0
    }

    fn refilled(&self, bucket: Bucket, now: Instant) -> f64 {
        let elapsed = now.saturating_duration_since(bucket.updated).as_secs_f64();
        (bucket.tokens + elapsed * self.per_second()).min(f64::from(self.limit.burst))
    }

    /// Takes one attempt for `addr`, or says how long until one is available.
    fn take(&self, addr: Option<IpAddr>, now: Instant) -> Result<(), Duration> {
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        let mut key = Key::of(addr);
        if !buckets.contains_key(&key) && buckets.len() >= MAX_TRACKED {
            let burst = f64::from(self.limit.burst);
            buckets.retain(|_, b| self.refilled(*b, now) < burst);
            if buckets.len() >= MAX_TRACKED {
                key = Key::Overflow;
            }
        }
        let full = Bucket {
            tokens: f64::from(self.limit.burst),
            updated: now,
        };
        let bucket = buckets.entry(key).or_insert(full);
        let tokens = self.refilled(*bucket, now);
        if tokens >= 1.0 {
            *bucket = Bucket {
                tokens: tokens - 1.0,
                updated: now,
            };
            return Ok(());
        }
        *bucket = Bucket {
            tokens,
            updated: now,
        };
        let rate = self.per_second();
        if rate <= 0.0 {
            return Err(Duration::from_secs(u64::from(u32::MAX)));
        }
        Err(Duration::from_secs_f64((1.0 - tokens) / rate))
    }
}

/// Middleware for the enrollment routes: 429 with `Retry-After` once the
/// caller's address has used its requests; the request is not read.
pub async fn limit_enrollment(
    State(limiter): State<Arc<RateLimiter>>,
    req: Request,
    next: Next,
) -> Response {
    let addr = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(peer)| peer.ip());
    match limiter.take(addr, Instant::now()) {
        Ok(()) => next.run(req).await,
        Err(wait) => {
            let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            let seconds = seconds.max(1);
            let mut answer = ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                format!("too many enrollment requests from this address: try again in {seconds} s"),
            )
            .into_response();
            answer
                .headers_mut()
                .insert(RETRY_AFTER, HeaderValue::from(seconds));
            answer
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse().unwrap())
    }

    #[test]
    fn a_burst_then_one_attempt_per_interval() {
        let limiter = RateLimiter::new(EnrollRateLimit {
            burst: 3,
            per_minute: 6,
        });
        let t0 = Instant::now();
        for _ in 0..3 {
            limiter.take(ip("203.0.113.7"), t0).unwrap();
        }
        let wait = limiter.take(ip("203.0.113.7"), t0).unwrap_err();
        assert_eq!(wait, Duration::from_secs(10));
        // Another address has its own bucket.
        limiter.take(ip("203.0.113.8"), t0).unwrap();
        // Refused attempts do not use up the refill.
        let later = t0 + Duration::from_secs(4);
        let wait = limiter.take(ip("203.0.113.7"), later).unwrap_err();
        assert!((wait.as_secs_f64() - 6.0).abs() < 1e-6, "{wait:?}");
        limiter
            .take(ip("203.0.113.7"), t0 + Duration::from_secs(10))
            .unwrap();
        limiter
            .take(ip("203.0.113.7"), t0 + Duration::from_secs(10))
            .unwrap_err();
        // After a long pause the whole burst is back, not more.
        let much_later = t0 + Duration::from_secs(3600);
        for _ in 0..3 {
            limiter.take(ip("203.0.113.7"), much_later).unwrap();
        }
        limiter.take(ip("203.0.113.7"), much_later).unwrap_err();
    }

    #[test]
    fn ipv6_is_limited_by_its_64_and_mapped_ipv4_as_ipv4() {
        let limiter = RateLimiter::new(EnrollRateLimit {
            burst: 1,
            per_minute: 1,
        });
        let t0 = Instant::now();
        limiter.take(ip("2001:db8:1:2::1"), t0).unwrap();
        limiter.take(ip("2001:db8:1:2:ffff::9"), t0).unwrap_err();
        limiter.take(ip("2001:db8:1:3::1"), t0).unwrap();
        limiter.take(ip("198.51.100.4"), t0).unwrap();
        limiter.take(ip("::ffff:198.51.100.4"), t0).unwrap_err();
        // Requests without an address share one bucket rather than none.
        limiter.take(None, t0).unwrap();
        limiter.take(None, t0).unwrap_err();
    }

    #[test]
    fn the_table_stays_bounded_under_many_addresses() {
        let limiter = RateLimiter::new(EnrollRateLimit {
            burst: 2,
            per_minute: 1,
        });
        let t0 = Instant::now();
        for i in 0..MAX_TRACKED as u32 {
            let addr = IpAddr::V4(std::net::Ipv4Addr::from(i));
            limiter.take(Some(addr), t0).unwrap();
        }
        // Full: newcomers share the overflow bucket.
        let newcomer = |n: u32| Some(IpAddr::V4(std::net::Ipv4Addr::from(u32::MAX - n)));
        limiter.take(newcomer(0), t0).unwrap();
        limiter.take(newcomer(1), t0).unwrap();
        limiter.take(newcomer(2), t0).unwrap_err();
        assert_eq!(limiter.buckets.lock().unwrap().len(), MAX_TRACKED + 1);
        // Once the old buckets have refilled they are forgotten.
        let later = t0 + Duration::from_secs(120);
        limiter.take(newcomer(3), later).unwrap();
        assert_eq!(limiter.buckets.lock().unwrap().len(), 1);
    }
}
