//! A real hub on loopback under hostile load: a flood of half-open requests
//! (heads begun and never finished), the same flood past the connection cap,
//! and a flood of enrollment bodies begun and never finished. Through each,
//! `/v1/health` answers within a second and the hub's memory (VmRSS) stays
//! bounded; the stalled connections are closed after their timeout. Bodies
//! too large for a route without a token are refused before they are read,
//! and enrollment is limited per address.
//!
//! The figures each flood measured are printed (run with `--nocapture`);
//! docs/benchmarks.md quotes a run. The tests run one at a time, so that
//! one flood does not slow another's health checks.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use common::hub::HubProcess;
use common::raw_http::{parse, request, Answer};
use fieldbook_proto::paths;

/// One flood at a time.
static FLOODS: Mutex<()> = Mutex::new(());

fn one_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    FLOODS.lock().unwrap_or_else(|p| p.into_inner())
}

/// The half-open flood of issue 10: it kept the hub from answering before.
const HALF_OPEN: usize = 1_100;
/// Unfinished enrollment bodies.
const UNFINISHED_BODIES: usize = 100;

/// Health must answer within this, during every flood.
const HEALTH_WITHIN: Duration = Duration::from_secs(1);

/// How much a flood may add to the hub's memory. Measured: a few MiB for
/// 1,100 half-open connections, under 1 MiB for 100 unfinished bodies
/// (docs/benchmarks.md); before the limits, 24 unfinished bodies added 361 MB.
const RSS_GROWTH_BOUND_KIB: u64 = 48 * 1024;

/// Raises this process's soft limit on open files (the floods hold over a
/// thousand sockets); the hub it starts inherits it, and raises its own.
// `rlim_t` is u64 here but not on every unix.
#[allow(clippy::unnecessary_cast)]
fn raise_open_file_limit(wanted: u64) {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `limit` is a valid, writable rlimit.
    assert_eq!(
        unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) },
        0
    );
    if limit.rlim_cur != libc::RLIM_INFINITY && (limit.rlim_cur as u64) < wanted {
        assert!(
            limit.rlim_max == libc::RLIM_INFINITY || limit.rlim_max as u64 >= wanted,
            "the hard open-file limit ({}) is below the {wanted} this test needs",
            limit.rlim_max
        );
        limit.rlim_cur = wanted as libc::rlim_t;
        // SAFETY: a valid rlimit, soft not above hard.
        assert_eq!(unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &limit) }, 0);
    }
}

/// The hub's resident memory, from /proc/PID/status.
fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS in /proc/PID/status")
}

/// The hub's open file descriptors (its accepted connections among them).
fn open_fds(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .unwrap()
        .count()
}

/// `GET /v1/health` on a new connection: its status and how long it took.
fn health(port: u16) -> (u16, Duration) {
    let start = Instant::now();
    let mut tcp = TcpStream::connect(("127.0.0.1", port)).unwrap();
    tcp.set_read_timeout(Some(Duration::from_secs(15))).unwrap();
    tcp.write_all(b"GET /v1/health HTTP/1.1\r\nHost: hub\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut answer = Vec::new();
    let _ = tcp.read_to_end(&mut answer);
    (parse(&answer).status, start.elapsed())
}

/// What the probes saw while a flood held.
#[derive(Debug, Default)]
struct Probes {
    worst: Duration,
    median: Duration,
    rss_peak_kib: u64,
}

/// `n` health checks, a few tens of milliseconds apart, each of which must
/// answer 200 within [`HEALTH_WITHIN`]; the hub's memory is read between them.
fn probe(hub: &HubProcess, n: usize) -> Probes {
    let mut took = Vec::new();
    let mut rss_peak_kib = 0;
    for _ in 0..n {
        let (status, t) = health(hub.port());
        assert_eq!(status, 200, "health during the flood");
        assert!(t < HEALTH_WITHIN, "health took {t:?} during the flood");
        took.push(t);
        rss_peak_kib = rss_peak_kib.max(rss_kib(hub.pid()));
        std::thread::sleep(Duration::from_millis(50));
    }
    took.sort();
    Probes {
        worst: *took.last().unwrap(),
        median: took[took.len() / 2],
        rss_peak_kib,
    }
}

/// Connections that each send `bytes` and then nothing.
fn stall(port: u16, n: usize, bytes: &[u8]) -> Vec<TcpStream> {
    (0..n)
        .map(|_| {
            let mut tcp = TcpStream::connect(("127.0.0.1", port)).unwrap();
            tcp.write_all(bytes).unwrap();
            tcp
        })
        .collect()
}

/// Whether the hub has closed `tcp`, waiting for it at most `within`.
fn closed_within(tcp: &mut TcpStream, within: Duration) -> bool {
    let deadline = Instant::now() + within;
    let mut buf = [0u8; 4096];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return false;
        }
        tcp.set_read_timeout(Some(left)).unwrap();
        match tcp.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => continue,
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                return false
            }
            Err(_) => return true,
        }
    }
}

/// Waits until the hub holds at least `n` more descriptors than `base` (it
/// accepted the flood), for at most 10 s.
fn wait_for_fds(pid: u32, at_least: usize) -> usize {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let fds = open_fds(pid);
        if fds >= at_least || Instant::now() > deadline {
            return fds;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

const HALF_HEAD: &[u8] = b"GET /v1/health HTTP/1.1\r\nHost: hub\r\nUser-Agent: slow\r\nX-Pad: ";

#[test]
fn half_open_requests_neither_keep_health_out_nor_stay() {
    let _alone = one_at_a_time();
    raise_open_file_limit(8192);
    // The default limits: a cap of 4,096 and a 10 s header timeout.
    let hub = HubProcess::start();
    let pid = hub.pid();
    let base = probe(&hub, 5);
    let rss_before = rss_kib(pid);
    let fds_before = open_fds(pid);

    let opened = Instant::now();
    let mut flood = stall(hub.port(), HALF_OPEN, HALF_HEAD);
    let opening = opened.elapsed();
    let fds = wait_for_fds(pid, fds_before + HALF_OPEN);
    assert!(
        fds >= fds_before + HALF_OPEN,
        "the hub accepted the flood: {fds} descriptors"
    );
    let during = probe(&hub, 20);
    // Well before the header timeout the flood is still held: the timeout,
    // not some error, is what ends it.
    assert!(opened.elapsed() < Duration::from_secs(8));
    assert!(!closed_within(&mut flood[0], Duration::from_millis(10)));

    let mut closed = 0;
    for tcp in &mut flood {
        let left = Duration::from_secs(13).saturating_sub(opened.elapsed());
        closed += usize::from(closed_within(tcp, left));
    }
    let closed_after = opened.elapsed();
    assert_eq!(
        closed, HALF_OPEN,
        "half-open connections still open after {closed_after:?}"
    );
    assert!(
        closed_after >= Duration::from_millis(9_500),
        "closed before the header timeout"
    );
    drop(flood);
    std::thread::sleep(Duration::from_millis(300));
    let rss_after = rss_kib(pid);
    let fds_after = open_fds(pid);
    let after = probe(&hub, 5);
    eprintln!(
        "half-open flood ({HALF_OPEN}, default limits): opened in {opening:?}; health before: median {:?}; during: median {:?}, worst {:?}; \
         VmRSS before {rss_before} KiB, peak during {} KiB, after {rss_after} KiB; all closed {closed_after:?} after opening; \
         descriptors {fds_before} -> {fds} -> {fds_after}; health after: worst {:?}",
        base.median, during.median, during.worst, during.rss_peak_kib, after.worst
    );
    assert!(
        during.rss_peak_kib < rss_before + RSS_GROWTH_BOUND_KIB,
        "memory grew from {rss_before} to {} KiB",
        during.rss_peak_kib
    );
    assert!(
        fds_after < fds_before + 10,
        "descriptors left open: {fds_after}"
    );
}

#[test]
fn a_flood_past_the_connection_cap_gives_way_to_health() {
    let _alone = one_at_a_time();
    raise_open_file_limit(8192);
    let hub = HubProcess::start_serving_with(&["--max-connections", "256"]);
    let pid = hub.pid();
    let rss_before = rss_kib(pid);
    let fds_before = open_fds(pid);
    let opened = Instant::now();
    let mut flood = stall(hub.port(), HALF_OPEN, HALF_HEAD);
    let opening = opened.elapsed();
    // The listen queue behind the cap drains by 256 every quarter second.
    std::thread::sleep(Duration::from_millis(1500));
    let during = probe(&hub, 20);
    let fds_during = open_fds(pid);
    assert!(
        fds_during <= fds_before + 256 + 8,
        "more connections than the cap: {fds_during} descriptors"
    );
    let mut shed = 0;
    for tcp in &mut flood {
        shed += usize::from(closed_within(tcp, Duration::from_millis(1)));
    }
    eprintln!(
        "half-open flood ({HALF_OPEN}) past a cap of 256: opened in {opening:?}; health during: median {:?}, worst {:?}; \
         VmRSS before {rss_before} KiB, peak during {} KiB; {shed} flood connections shed; descriptors {fds_before} -> {fds_during}",
        during.median, during.worst, during.rss_peak_kib
    );
    assert!(shed >= HALF_OPEN - 256 - 20, "only {shed} shed");
    assert!(during.rss_peak_kib < rss_before + RSS_GROWTH_BOUND_KIB);
}

#[test]
fn unfinished_enrollment_bodies_keep_memory_bounded_and_are_closed() {
    let _alone = one_at_a_time();
    raise_open_file_limit(8192);
    // Enrollment's per-address limit would answer most of these 429 at once
    // (they all come from 127.0.0.1): raise it to see the bodies held.
    let hub = HubProcess::start_serving_with(&["--body-timeout", "5", "--enroll-burst", "1000"]);
    let pid = hub.pid();
    let rss_before = rss_kib(pid);

    // Bodies within the limit, begun and never finished.
    let mut head = format!(
        "POST {} HTTP/1.1\r\nHost: hub\r\nContent-Type: application/json\r\nContent-Length: 8000\r\n\r\n{{\"invite_id\":\"",
        paths::ENROLL
    )
    .into_bytes();
    head.resize(head.len() + 4000, b'a');
    let opened = Instant::now();
    let mut flood = stall(hub.port(), UNFINISHED_BODIES, &head);
    let during = probe(&hub, 20);
    let rss_during = during.rss_peak_kib;
    let mut closed = 0;
    for tcp in &mut flood {
        let left = Duration::from_secs(8).saturating_sub(opened.elapsed());
        closed += usize::from(closed_within(tcp, left));
    }
    let closed_after = opened.elapsed();
    assert_eq!(
        closed, UNFINISHED_BODIES,
        "bodies still held after {closed_after:?}"
    );
    assert!(
        closed_after >= Duration::from_millis(4_500),
        "closed before the body timeout"
    );

    // Bodies announced at 16 MiB, as in the attack that took 361 MB: refused at once.
    let huge = format!(
        "POST {} HTTP/1.1\r\nHost: hub\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{{\"invite_id\":\"",
        paths::ENROLL,
        16 * 1024 * 1024
    );
    let started = Instant::now();
    let mut refused = stall(hub.port(), UNFINISHED_BODIES, huge.as_bytes());
    let mut worst_413 = Duration::ZERO;
    for tcp in &mut refused {
        tcp.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let mut answer = Vec::new();
        let _ = tcp.read_to_end(&mut answer);
        let answer = parse(&answer);
        assert_eq!(answer.status, 413, "{answer:?}");
        assert_eq!(answer.error(), "payload_too_large");
        worst_413 = worst_413.max(started.elapsed());
    }
    let rss_after = rss_kib(pid);
    eprintln!(
        "unfinished enrollment bodies ({UNFINISHED_BODIES} x 4,000 of 8,000 bytes, body timeout 5 s): health during: median {:?}, worst {:?}; \
         VmRSS before {rss_before} KiB, peak during {rss_during} KiB, after {rss_after} KiB; all closed {closed_after:?} after opening; \
         {UNFINISHED_BODIES} announcing 16 MiB: all answered 413 within {worst_413:?}",
        during.median, during.worst
    );
    assert!(rss_during < rss_before + RSS_GROWTH_BOUND_KIB);
    assert!(rss_after < rss_before + RSS_GROWTH_BOUND_KIB);
    assert!(worst_413 < Duration::from_secs(2), "413 took {worst_413:?}");
}

/// A server whose hard limit leaves room for fewer connections than the
/// cap: the hub serves as many as fit, says so, and still holds the flood.
#[test]
fn a_low_open_file_limit_lowers_the_cap_and_health_still_answers() {
    let _alone = one_at_a_time();
    raise_open_file_limit(8192);
    let hub = HubProcess::start_with_open_file_limit(600);
    let log = std::fs::read_to_string(hub.log_file()).unwrap();
    assert!(
        log.contains("the open-file limit (600) leaves room for 344 connections, not 4096"),
        "{log}"
    );
    let pid = hub.pid();
    let mut flood = stall(hub.port(), HALF_OPEN, HALF_HEAD);
    std::thread::sleep(Duration::from_millis(1500));
    let during = probe(&hub, 20);
    let fds = open_fds(pid);
    assert!(fds <= 600, "{fds} descriptors");
    let mut shed = 0;
    for tcp in &mut flood {
        shed += usize::from(closed_within(tcp, Duration::from_millis(1)));
    }
    eprintln!(
        "half-open flood ({HALF_OPEN}) with 600 open files (cap lowered to 344): health during: median {:?}, worst {:?}; {shed} shed; {fds} descriptors",
        during.median, during.worst
    );
}

/// The routes that take a device token, from hub/openapi.yaml.
fn authenticated_posts() -> Vec<String> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../hub/openapi.yaml");
    let doc: serde_json::Value =
        serde_norway::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, ops)| {
            ops.get("post")
                .is_some_and(|op| op["responses"].get("401").is_some())
        })
        .map(|(path, _)| path.replace("{id}", &uuid::Uuid::now_v7().to_string()))
        .collect()
}

#[test]
fn bodies_are_refused_before_they_are_read_without_a_token() {
    let _alone = one_at_a_time();
    let hub = HubProcess::start();
    let port = hub.port();
    // An enrollment body over the 8 KiB limit, sent whole.
    let mut body = b"{\"invite_id\":\"".to_vec();
    body.resize(9 * 1024, b'a');
    let started = Instant::now();
    let answer = request(port, "POST", paths::ENROLL, None, Some(&body));
    assert_eq!(answer.status, 413, "{answer:?}");
    assert_eq!(answer.error(), "payload_too_large");
    assert!(started.elapsed() < Duration::from_secs(1));

    // Routes with a token take up to 16 MiB, but only after the token: a
    // caller without one (or with a made-up one) is answered 401 while its
    // 15 MiB body is still unsent.
    let routes = authenticated_posts();
    assert!(routes.len() >= 5, "{routes:?}");
    for route in routes {
        for token in [None, Some("bWFkZS11cA==")] {
            let mut head = format!(
                "POST {route} HTTP/1.1\r\nHost: hub\r\nContent-Type: application/json\r\nContent-Length: {}\r\n",
                15 * 1024 * 1024
            );
            if let Some(token) = token {
                head.push_str(&format!("Authorization: Bearer {token}\r\n"));
            }
            head.push_str("\r\n{\"versions\":[");
            let started = Instant::now();
            let mut tcp = TcpStream::connect(("127.0.0.1", port)).unwrap();
            tcp.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
            tcp.write_all(head.as_bytes()).unwrap();
            let mut answer = Vec::new();
            let _ = tcp.read_to_end(&mut answer);
            let answer: Answer = parse(&answer);
            let took = started.elapsed();
            assert_eq!(
                answer.status, 401,
                "POST {route} with {token:?}: {answer:?}"
            );
            assert!(
                took < Duration::from_secs(1),
                "POST {route}: 401 took {took:?}"
            );
        }
    }
}

#[test]
fn enrollment_is_limited_per_address_with_retry_after() {
    let _alone = one_at_a_time();
    let hub = HubProcess::start_serving_with(&["--enroll-burst", "3", "--enroll-per-minute", "20"]);
    let port = hub.port();
    let attempt = || {
        let body = serde_json::json!({
            "invite_id": uuid::Uuid::now_v7(),
            "verifier": "AAAA",
            "public_key": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        });
        request(
            port,
            "POST",
            paths::ENROLL,
            None,
            Some(body.to_string().as_bytes()),
        )
    };
    for _ in 0..3 {
        let answer = attempt();
        assert_eq!(
            answer.status, 403,
            "a wrong code within the burst: {answer:?}"
        );
    }
    let limited = attempt();
    assert_eq!(limited.status, 429, "{limited:?}");
    assert_eq!(limited.error(), "rate_limited");
    let retry_after: u64 = limited
        .header("retry-after")
        .expect("Retry-After")
        .parse()
        .unwrap();
    assert!((1..=3).contains(&retry_after), "Retry-After: {retry_after}");
    // Other routes are not limited.
    assert_eq!(request(port, "GET", paths::HEALTH, None, None).status, 200);
    // After Retry-After, one more attempt goes through.
    std::thread::sleep(Duration::from_secs(retry_after));
    assert_eq!(attempt().status, 403);
    assert_eq!(attempt().status, 429);
}
