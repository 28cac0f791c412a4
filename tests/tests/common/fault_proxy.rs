//! A fault-injecting TCP proxy between devices and the hub, on loopback.
//!
//! It understands just enough HTTP/1.1 (message heads, `Content-Length` and
//! chunked bodies) to tell one request/response exchange from the next on a
//! kept-alive connection, so each exchange gets its own roll of the dice.
//! With faults on, a configurable share of exchanges gets one [`Fault`]: the
//! connection dropped before the request is forwarded, reset after the hub
//! answered but before the device hears it, the request or the response
//! delayed, the response or the request cut short. Every decision (which
//! exchange, which fault, how long, where to cut) comes from one
//! deterministic PRNG seeded by the test, so a failing run can be replayed
//! as long as its exchanges happen one after another.
//!
//! Threads only; connections are bounded in number and every wait is bounded
//! in time. Dropping the proxy stops it and joins its threads.

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::Rng;

/// What the proxy can do to one exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Closes the device's connection without forwarding its request.
    DropBeforeRequest,
    /// Forwards the request, lets the hub answer, then resets the device's
    /// connection (SO_LINGER 0): the hub did the work, the device never hears.
    ResetBeforeResponse,
    /// Holds the request back a little before forwarding it.
    DelayRequest,
    /// Holds the hub's answer back a little before forwarding it.
    DelayResponse,
    /// Forwards only the first part of the hub's answer, then closes.
    TruncateResponse,
    /// Forwards only the first part of the request to the hub, then closes both sides.
    TruncateRequest,
}

impl Fault {
    pub const ALL: [Fault; 6] = [
        Fault::DropBeforeRequest,
        Fault::ResetBeforeResponse,
        Fault::DelayRequest,
        Fault::DelayResponse,
        Fault::TruncateResponse,
        Fault::TruncateRequest,
    ];

    /// Whether the device's request fails when this fault hits it (a delay only slows it).
    pub fn breaks_exchange(self) -> bool {
        !matches!(self, Fault::DelayRequest | Fault::DelayResponse)
    }

    fn index(self) -> usize {
        Fault::ALL.iter().position(|f| *f == self).unwrap()
    }
}

/// How often and how hard the proxy misbehaves.
#[derive(Debug, Clone, Copy)]
pub struct FaultConfig {
    pub seed: u64,
    /// The share of exchanges that get a fault while faults are on, in percent.
    pub percent: u64,
    /// The longest injected delay.
    pub max_delay: Duration,
}

/// How many exchanges went through and which faults were injected.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FaultCounts {
    pub exchanges: u64,
    /// Indexed like [`Fault::ALL`].
    pub injected: [u64; 6],
    /// Connections refused because too many were open (never expected).
    pub over_limit: u64,
    /// Exchanges that failed because the hub could not be reached or answered
    /// nothing (not injected: the hub itself was down or broke the connection).
    pub upstream_failures: u64,
}

impl FaultCounts {
    pub fn of(&self, fault: Fault) -> u64 {
        self.injected[fault.index()]
    }

    /// Injected faults that break the exchange they hit.
    pub fn breaking(&self) -> u64 {
        Fault::ALL
            .iter()
            .filter(|f| f.breaks_exchange())
            .map(|f| self.of(*f))
            .sum()
    }

    pub fn total(&self) -> u64 {
        self.injected.iter().sum()
    }
}

const MAX_CONNECTIONS: usize = 64;
/// How often blocked reads look at the stop flag.
const POLL: Duration = Duration::from_millis(50);
/// The longest any single read or write may wait for the other side.
const IO_DEADLINE: Duration = Duration::from_secs(30);
const MAX_HEAD: usize = 64 * 1024;
const MAX_BODY: usize = 32 * 1024 * 1024;

pub struct FaultProxy {
    port: u16,
    shared: Arc<Shared>,
    acceptor: Option<JoinHandle<()>>,
}

struct Shared {
    upstream_port: u16,
    config: FaultConfig,
    faults_on: AtomicBool,
    stop: AtomicBool,
    plan: Mutex<Plan>,
    exchanges: AtomicU64,
    injected: [AtomicU64; 6],
    over_limit: AtomicU64,
    upstream_failures: AtomicU64,
    open: AtomicUsize,
    workers: Mutex<Vec<JoinHandle<()>>>,
}

/// The PRNG and a shuffled deck of faults: every kind comes up once in each
/// run of six faults, so even a short test meets all of them.
struct Plan {
    rng: Rng,
    deck: Vec<Fault>,
}

#[derive(Debug, Clone, Copy)]
struct Decision {
    fault: Option<Fault>,
    delay: Duration,
    /// Where to cut a truncated message, as a fraction of its length in 1/1000.
    cut_permille: u64,
}

impl Plan {
    fn decide(&mut self, config: &FaultConfig) -> Decision {
        let roll = self.rng.below(100);
        let delay_ms = 20
            + self
                .rng
                .below(config.max_delay.as_millis().max(21) as u64 - 20);
        let cut_permille = self.rng.below(1000);
        let fault = (roll < config.percent).then(|| {
            if self.deck.is_empty() {
                self.deck = Fault::ALL.to_vec();
                // Fisher-Yates with the seeded PRNG.
                for i in (1..self.deck.len()).rev() {
                    let j = self.rng.below(i as u64 + 1) as usize;
                    self.deck.swap(i, j);
                }
            }
            self.deck.pop().unwrap()
        });
        Decision {
            fault,
            delay: Duration::from_millis(delay_ms),
            cut_permille,
        }
    }
}

impl FaultProxy {
    /// A proxy on a free loopback port forwarding to `127.0.0.1:upstream_port`,
    /// with faults off until [`FaultProxy::set_faults`].
    pub fn start(upstream_port: u16, config: FaultConfig) -> FaultProxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("binding the fault proxy");
        let port = listener.local_addr().unwrap().port();
        let shared = Arc::new(Shared {
            upstream_port,
            config,
            faults_on: AtomicBool::new(false),
            stop: AtomicBool::new(false),
            plan: Mutex::new(Plan {
                rng: Rng::new(config.seed),
                deck: Vec::new(),
            }),
            exchanges: AtomicU64::new(0),
            injected: Default::default(),
            over_limit: AtomicU64::new(0),
            upstream_failures: AtomicU64::new(0),
            open: AtomicUsize::new(0),
            workers: Mutex::new(Vec::new()),
        });
        let accepting = Arc::clone(&shared);
        let acceptor = std::thread::Builder::new()
            .name("fault-proxy-accept".into())
            .spawn(move || accept_loop(listener, accepting))
            .expect("starting the fault proxy");
        FaultProxy {
            port,
            shared,
            acceptor: Some(acceptor),
        }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Turns fault injection on or off (off: a clean, transparent proxy).
    pub fn set_faults(&self, on: bool) {
        self.shared.faults_on.store(on, Ordering::SeqCst);
    }

    pub fn counts(&self) -> FaultCounts {
        let s = &self.shared;
        let mut injected = [0; 6];
        for (slot, count) in injected.iter_mut().zip(&s.injected) {
            *slot = count.load(Ordering::SeqCst);
        }
        FaultCounts {
            exchanges: s.exchanges.load(Ordering::SeqCst),
            injected,
            over_limit: s.over_limit.load(Ordering::SeqCst),
            upstream_failures: s.upstream_failures.load(Ordering::SeqCst),
        }
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        // Wakes the blocking accept so it sees the stop flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(acceptor) = self.acceptor.take() {
            let _ = acceptor.join();
        }
        let workers = std::mem::take(&mut *self.shared.workers.lock().unwrap());
        for worker in workers {
            let _ = worker.join();
        }
    }
}

fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    for stream in listener.incoming() {
        if shared.stop.load(Ordering::SeqCst) {
            return;
        }
        let Ok(stream) = stream else { continue };
        if shared.open.load(Ordering::SeqCst) >= MAX_CONNECTIONS {
            shared.over_limit.fetch_add(1, Ordering::SeqCst);
            continue;
        }
        shared.open.fetch_add(1, Ordering::SeqCst);
        let serving = Arc::clone(&shared);
        let worker = std::thread::Builder::new()
            .name("fault-proxy-conn".into())
            .spawn(move || {
                serve(stream, &serving);
                serving.open.fetch_sub(1, Ordering::SeqCst);
            });
        match worker {
            Ok(worker) => {
                let mut workers = shared.workers.lock().unwrap();
                workers.retain(|w| !w.is_finished());
                workers.push(worker);
            }
            Err(_) => {
                shared.open.fetch_sub(1, Ordering::SeqCst);
            }
        }
    }
}

/// One device connection: exchange after exchange until either side closes.
fn serve(client: TcpStream, shared: &Shared) {
    let mut client = Peer::new(client, &shared.stop);
    let mut upstream: Option<Peer> = None;
    loop {
        let request = match client.read_message(Side::Request) {
            Ok(Some(message)) => message,
            // The device closed its (idle) connection, or the proxy stops.
            Ok(None) | Err(_) => return,
        };
        shared.exchanges.fetch_add(1, Ordering::SeqCst);
        let decision = if shared.faults_on.load(Ordering::SeqCst) {
            shared.plan.lock().unwrap().decide(&shared.config)
        } else {
            Decision {
                fault: None,
                delay: Duration::ZERO,
                cut_permille: 0,
            }
        };
        if let Some(fault) = decision.fault {
            shared.injected[fault.index()].fetch_add(1, Ordering::SeqCst);
        }
        match decision.fault {
            Some(Fault::DropBeforeRequest) => return,
            Some(Fault::TruncateRequest) => {
                if let Ok(mut hub) = take_upstream(&mut upstream, shared) {
                    let cut = cut_point(request.bytes.len(), decision.cut_permille);
                    let _ = hub.stream.write_all(&request.bytes[..cut]);
                    let _ = hub.stream.shutdown(Shutdown::Both);
                }
                let _ = client.stream.shutdown(Shutdown::Both);
                return;
            }
            Some(Fault::DelayRequest) => std::thread::sleep(decision.delay),
            _ => {}
        }
        let response = match exchange(&mut upstream, &request, shared) {
            Some(response) => response,
            None => {
                shared.upstream_failures.fetch_add(1, Ordering::SeqCst);
                return;
            }
        };
        match decision.fault {
            Some(Fault::ResetBeforeResponse) => {
                reset(&client.stream);
                return;
            }
            Some(Fault::TruncateResponse) => {
                let cut = cut_point(response.bytes.len(), decision.cut_permille);
                let _ = client.stream.write_all(&response.bytes[..cut]);
                let _ = client.stream.shutdown(Shutdown::Both);
                return;
            }
            Some(Fault::DelayResponse) => std::thread::sleep(decision.delay),
            _ => {}
        }
        if client.stream.write_all(&response.bytes).is_err() || response.close {
            return;
        }
    }
}

/// Forwards a request and reads the whole answer. A kept-alive hub
/// connection that turns out closed before answering anything is replaced
/// once, the way an HTTP client retries a stale pooled connection.
fn exchange<'a>(
    upstream: &mut Option<Peer<'a>>,
    request: &Message,
    shared: &'a Shared,
) -> Option<Message> {
    for _ in 0..2 {
        let reused = upstream.is_some();
        let mut hub = take_upstream(upstream, shared).ok()?;
        hub.saw_bytes = false;
        if hub.stream.write_all(&request.bytes).is_ok() {
            match hub.read_message(Side::Response) {
                Ok(Some(response)) => {
                    if !response.close {
                        *upstream = Some(hub);
                    }
                    return Some(response);
                }
                Ok(None) if reused && !hub.saw_bytes => continue,
                _ => return None,
            }
        } else if !reused {
            return None;
        }
    }
    None
}

fn take_upstream<'a>(upstream: &mut Option<Peer<'a>>, shared: &'a Shared) -> io::Result<Peer<'a>> {
    match upstream.take() {
        Some(hub) => Ok(hub),
        None => {
            let stream = TcpStream::connect(("127.0.0.1", shared.upstream_port))?;
            Ok(Peer::new(stream, &shared.stop))
        }
    }
}

/// A cut strictly inside a message: at least one byte goes, at least one is missing.
fn cut_point(len: usize, permille: u64) -> usize {
    if len < 2 {
        return 0;
    }
    1 + (len - 2) * permille as usize / 1000
}

/// Closes with SO_LINGER 0, so the device gets a TCP reset, not an orderly close.
fn reset(stream: &TcpStream) {
    use std::os::fd::AsRawFd;
    let linger = libc::linger {
        l_onoff: 1,
        l_linger: 0,
    };
    // SAFETY: a valid socket descriptor and a correctly sized `linger` value.
    unsafe {
        libc::setsockopt(
            stream.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_LINGER,
            (&linger as *const libc::linger).cast(),
            std::mem::size_of::<libc::linger>() as libc::socklen_t,
        );
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Request,
    Response,
}

/// One HTTP/1.1 message exactly as it crossed the wire.
struct Message {
    bytes: Vec<u8>,
    /// The connection ends after this message (`Connection: close`, or a
    /// response whose body runs to the end of the connection).
    close: bool,
}

/// A socket and the bytes read from it but not consumed yet.
struct Peer<'a> {
    stream: TcpStream,
    buffer: Vec<u8>,
    stop: &'a AtomicBool,
    saw_bytes: bool,
}

impl<'a> Peer<'a> {
    fn new(stream: TcpStream, stop: &'a AtomicBool) -> Peer<'a> {
        let _ = stream.set_nodelay(true);
        let _ = stream.set_read_timeout(Some(POLL));
        let _ = stream.set_write_timeout(Some(IO_DEADLINE));
        Peer {
            stream,
            buffer: Vec::new(),
            stop,
            saw_bytes: false,
        }
    }

    /// Reads more bytes into the buffer; `Ok(0)` at the end of the stream.
    fn fill(&mut self) -> io::Result<usize> {
        let deadline = Instant::now() + IO_DEADLINE;
        let mut chunk = [0u8; 16 * 1024];
        loop {
            if self.stop.load(Ordering::SeqCst) {
                return Err(io::Error::other("the proxy stops"));
            }
            match self.stream.read(&mut chunk) {
                Ok(n) => {
                    self.buffer.extend_from_slice(&chunk[..n]);
                    self.saw_bytes |= n > 0;
                    return Ok(n);
                }
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                    ) =>
                {
                    if Instant::now() > deadline {
                        return Err(e);
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }

    /// Makes sure `n` bytes are buffered.
    fn need(&mut self, n: usize) -> io::Result<()> {
        while self.buffer.len() < n {
            if self.fill()? == 0 {
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
        }
        Ok(())
    }

    /// The index just past the next CRLF at or after `from`.
    fn line_end(&mut self, from: usize) -> io::Result<usize> {
        loop {
            if let Some(i) = find(&self.buffer[from..], b"\r\n") {
                return Ok(from + i + 2);
            }
            if self.buffer.len() > from + MAX_HEAD {
                return Err(io::Error::other("line too long"));
            }
            if self.fill()? == 0 {
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
        }
    }

    /// The next whole message, or `None` when the stream ended cleanly before one began.
    fn read_message(&mut self, side: Side) -> io::Result<Option<Message>> {
        let head_end = loop {
            if let Some(i) = find(&self.buffer, b"\r\n\r\n") {
                break i + 4;
            }
            if self.buffer.len() > MAX_HEAD {
                return Err(io::Error::other("message head too long"));
            }
            if self.fill()? == 0 {
                return if self.buffer.is_empty() {
                    Ok(None)
                } else {
                    Err(io::ErrorKind::UnexpectedEof.into())
                };
            }
        };
        let head = Head::parse(&self.buffer[..head_end])?;
        let mut close = head.close;
        let end = if head.chunked {
            self.chunked_end(head_end)?
        } else if let Some(length) = head.content_length {
            if length > MAX_BODY {
                return Err(io::Error::other("body too large"));
            }
            self.need(head_end + length)?;
            head_end + length
        } else if side == Side::Response && head.may_have_body() {
            // No length: the body runs until the hub closes the connection.
            close = true;
            while self.fill()? > 0 {
                if self.buffer.len() > MAX_BODY {
                    return Err(io::Error::other("body too large"));
                }
            }
            self.buffer.len()
        } else {
            head_end
        };
        let bytes: Vec<u8> = self.buffer.drain(..end).collect();
        Ok(Some(Message { bytes, close }))
    }

    /// Where a chunked body that starts at `start` ends (trailers included).
    fn chunked_end(&mut self, start: usize) -> io::Result<usize> {
        let mut at = start;
        loop {
            let line_end = self.line_end(at)?;
            let line = std::str::from_utf8(&self.buffer[at..line_end - 2])
                .map_err(|_| io::Error::other("bad chunk size"))?;
            let size_text = line.split(';').next().unwrap_or("").trim();
            let size = usize::from_str_radix(size_text, 16)
                .map_err(|_| io::Error::other("bad chunk size"))?;
            at = line_end;
            if size == 0 {
                // Trailer lines until an empty one.
                loop {
                    let end = self.line_end(at)?;
                    let empty = end - at == 2;
                    at = end;
                    if empty {
                        return Ok(at);
                    }
                }
            }
            if at + size > start + MAX_BODY {
                return Err(io::Error::other("body too large"));
            }
            self.need(at + size + 2)?;
            at += size + 2;
        }
    }
}

struct Head {
    status: Option<u16>,
    content_length: Option<usize>,
    chunked: bool,
    close: bool,
}

impl Head {
    fn parse(bytes: &[u8]) -> io::Result<Head> {
        let text = std::str::from_utf8(bytes).map_err(|_| io::Error::other("head not UTF-8"))?;
        let mut lines = text.split("\r\n");
        let first = lines.next().unwrap_or_default();
        let status = first
            .strip_prefix("HTTP/1.")
            .and_then(|rest| rest.get(2..5))
            .and_then(|code| code.parse().ok());
        let mut head = Head {
            status,
            content_length: None,
            chunked: false,
            close: false,
        };
        for line in lines {
            let Some((name, value)) = line.split_once(':') else {
                continue;
            };
            let value = value.trim().to_ascii_lowercase();
            match name.trim().to_ascii_lowercase().as_str() {
                "content-length" => {
                    head.content_length = Some(
                        value
                            .parse()
                            .map_err(|_| io::Error::other("bad content-length"))?,
                    )
                }
                "transfer-encoding" => head.chunked = value.contains("chunked"),
                "connection" => head.close = value.contains("close"),
                _ => {}
            }
        }
        Ok(head)
    }

    fn may_have_body(&self) -> bool {
        !matches!(self.status, Some(100..=199 | 204 | 304))
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The seed of a test's randomness: `FIELDBOOK_TEST_SEED` when set (to
/// replay a run), otherwise fresh from the clock. Printed when the test
/// fails, so the failing run can be replayed.
pub struct Seed {
    pub value: u64,
    test: &'static str,
}

impl Seed {
    pub fn for_test(test: &'static str) -> Seed {
        let value = std::env::var("FIELDBOOK_TEST_SEED")
            .ok()
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_nanos() as u64
            });
        eprintln!("{test}: seed {value} (replay with FIELDBOOK_TEST_SEED={value})");
        Seed { value, test }
    }
}

impl Drop for Seed {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!(
                "{} failed with seed {} (replay with FIELDBOOK_TEST_SEED={})",
                self.test, self.value, self.value
            );
        }
    }
}
