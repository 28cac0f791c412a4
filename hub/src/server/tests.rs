//! The server's limits on real loopback sockets, with a small router of its
//! own: stalled clients are closed after their timeout, busy ones never, and
//! a full hub makes room by closing the client that kept it waiting longest.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::ConnectInfo;
use axum::routing::{get, post};
use axum::Router;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use super::*;

struct Server {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<io::Result<()>>,
}

impl Server {
    async fn start(limits: ConnectionLimits) -> Server {
        let app =
            Router::new()
                .route("/health", get(|| async { "ok" }))
                .route(
                    "/peer",
                    get(|ConnectInfo(peer): ConnectInfo<SocketAddr>| async move {
                        peer.ip().to_string()
                    }),
                )
                .route(
                    "/slow",
                    get(|| async {
                        tokio::time::sleep(Duration::from_millis(1500)).await;
                        "done"
                    }),
                )
                .route(
                    "/echo",
                    post(|body: Bytes| async move { body.len().to_string() }),
                )
                .route(
                    "/refuse",
                    post(|| async { (axum::http::StatusCode::UNAUTHORIZED, "no token") }),
                )
                .route("/big", get(|| async { vec![b'x'; 32 * 1024 * 1024] }));
        let listener = bind("127.0.0.1:0".parse().unwrap()).unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(serve_with(listener, app, None, limits, async {
            let _ = stopped.await;
        }));
        Server {
            addr,
            stop: Some(stop),
            task,
        }
    }

    async fn stop(mut self) {
        self.stop.take().unwrap().send(()).unwrap();
        tokio::time::timeout(Duration::from_secs(10), self.task)
            .await
            .expect("the server stops")
            .unwrap()
            .unwrap();
    }

    /// `GET path` on a new connection: the answer's status line and body, and how long it took.
    async fn get(&self, path: &str) -> (String, String, Duration) {
        let start = Instant::now();
        let mut tcp = TcpStream::connect(self.addr).await.unwrap();
        tcp.write_all(
            format!("GET {path} HTTP/1.1\r\nHost: hub\r\nConnection: close\r\n\r\n").as_bytes(),
        )
        .await
        .unwrap();
        let mut out = String::new();
        tokio::time::timeout(Duration::from_secs(10), tcp.read_to_string(&mut out))
            .await
            .expect("an answer")
            .unwrap();
        let (head, body) = out.split_once("\r\n\r\n").unwrap_or((&out, ""));
        let status = head.lines().next().unwrap_or_default().to_string();
        (status, body.to_string(), start.elapsed())
    }

    /// A connection that sends the start of a request's head and stalls.
    async fn half_open(&self) -> TcpStream {
        let mut tcp = TcpStream::connect(self.addr).await.unwrap();
        tcp.write_all(b"GET /health HTTP/1.1\r\nHost: hub\r\nX-Slow: ")
            .await
            .unwrap();
        tcp
    }
}

fn limits(header: u64, idle: u64, body: u64, max: usize) -> ConnectionLimits {
    ConnectionLimits {
        max_connections: max,
        header_timeout: Duration::from_millis(header),
        idle_timeout: Duration::from_millis(idle),
        body_timeout: Duration::from_millis(body),
    }
}

/// How long until the hub closes `tcp` (reads whatever it sent first), or
/// `None` if it is still open after `within`.
async fn closed_after(tcp: &mut TcpStream, within: Duration) -> Option<Duration> {
    let start = Instant::now();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let left = within.checked_sub(start.elapsed())?;
        match tokio::time::timeout(left, tcp.read(&mut buf)).await {
            Err(_) => return None,
            Ok(Ok(0)) | Ok(Err(_)) => return Some(start.elapsed()),
            Ok(Ok(_)) => continue,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn half_open_requests_are_closed_after_the_header_timeout_and_others_are_served() {
    let server = Server::start(limits(1000, 60_000, 60_000, 1024)).await;
    let mut stalled = Vec::new();
    for _ in 0..200 {
        stalled.push(server.half_open().await);
    }
    let opened = Instant::now();
    let (status, body, took) = server.get("/health").await;
    assert!(status.starts_with("HTTP/1.1 200"), "{status}");
    assert_eq!(body, "ok");
    assert!(took < Duration::from_millis(500), "health took {took:?}");
    for tcp in &mut stalled {
        let left = Duration::from_secs(3).saturating_sub(opened.elapsed());
        assert!(
            closed_after(tcp, left).await.is_some(),
            "still open after 3 s"
        );
    }
    assert!(
        opened.elapsed() >= Duration::from_millis(900),
        "not before the timeout"
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_that_sends_nothing_is_closed_after_the_header_timeout() {
    let server = Server::start(limits(800, 60_000, 60_000, 64)).await;
    let mut silent = TcpStream::connect(server.addr).await.unwrap();
    let took = closed_after(&mut silent, Duration::from_secs(3)).await;
    let took = took.expect("closed");
    assert!(took >= Duration::from_millis(700), "{took:?}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kept_alive_connection_is_closed_after_the_idle_timeout() {
    let server = Server::start(limits(60_000, 1000, 60_000, 64)).await;
    let mut tcp = TcpStream::connect(server.addr).await.unwrap();
    for _ in 0..2 {
        tcp.write_all(b"GET /health HTTP/1.1\r\nHost: hub\r\n\r\n")
            .await
            .unwrap();
        let mut buf = vec![0u8; 4096];
        let n = tcp.read(&mut buf).await.unwrap();
        let answer = String::from_utf8_lossy(&buf[..n]);
        assert!(
            answer.starts_with("HTTP/1.1 200") && answer.ends_with("ok"),
            "{answer}"
        );
        // A pause shorter than the idle timeout keeps the connection.
        tokio::time::sleep(Duration::from_millis(400)).await;
    }
    let took = closed_after(&mut tcp, Duration::from_secs(3)).await;
    let took = took.expect("closed");
    assert!(took >= Duration::from_millis(400), "{took:?}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_that_pauses_too_long_is_closed_and_a_slow_steady_one_is_not() {
    let server = Server::start(limits(60_000, 60_000, 1000, 64)).await;
    // Steady: a byte every 300 ms for 2.4 s, longer than the body timeout in all.
    let mut steady = TcpStream::connect(server.addr).await.unwrap();
    steady
        .write_all(
            b"POST /echo HTTP/1.1\r\nHost: hub\r\nConnection: close\r\nContent-Length: 8\r\n\r\n",
        )
        .await
        .unwrap();
    for _ in 0..8 {
        tokio::time::sleep(Duration::from_millis(300)).await;
        steady.write_all(b"x").await.unwrap();
    }
    let mut out = String::new();
    steady.read_to_string(&mut out).await.unwrap();
    assert!(
        out.starts_with("HTTP/1.1 200") && out.ends_with("\r\n\r\n8"),
        "{out}"
    );
    // Stalled: half the body, then nothing.
    let mut stalled = TcpStream::connect(server.addr).await.unwrap();
    stalled
        .write_all(b"POST /echo HTTP/1.1\r\nHost: hub\r\nContent-Length: 1000\r\n\r\n0123456789")
        .await
        .unwrap();
    let took = closed_after(&mut stalled, Duration::from_secs(3)).await;
    let took = took.expect("closed");
    assert!(took >= Duration::from_millis(900), "{took:?}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_does_not_take_its_answer_is_closed() {
    let server = Server::start(limits(60_000, 60_000, 1000, 64)).await;
    let mut tcp = TcpStream::connect(server.addr).await.unwrap();
    tcp.write_all(b"GET /big HTTP/1.1\r\nHost: hub\r\n\r\n")
        .await
        .unwrap();
    // Take nothing while the hub's writes back up, then see how much came.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let mut received = 0usize;
    let mut buf = vec![0u8; 1024 * 1024];
    loop {
        match tokio::time::timeout(Duration::from_secs(5), tcp.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => break,
            Ok(Ok(n)) => received += n,
            Err(_) => panic!("the connection was left open"),
        }
    }
    assert!(
        received < 32 * 1024 * 1024,
        "the whole answer came: {received}"
    );
    server.stop().await;
}

/// The hub answers without reading the body (as for a missing token), and
/// the client, still sending it, gets the answer rather than a reset.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_given_before_the_body_was_read_reaches_the_client() {
    let server = Server::start(ConnectionLimits::default()).await;
    let addr = server.addr;
    let answers = tokio::task::spawn_blocking(move || {
        use std::io::{Read, Write};
        (0..40)
            .map(|i| {
                let mut tcp = std::net::TcpStream::connect(addr).unwrap();
                tcp.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
                let head = b"POST /refuse HTTP/1.1\r\nHost: hub\r\nContent-Length: 4194304\r\n\r\n";
                let _ = tcp.write_all(head);
                // The whole body, or its first bytes a moment later.
                if i % 2 == 0 {
                    let _ = tcp.write_all(&vec![b'a'; 4 * 1024 * 1024]);
                } else {
                    std::thread::sleep(Duration::from_millis(5));
                    let _ = tcp.write_all(b"{\"versions\":[");
                }
                let mut answer = Vec::new();
                let _ = tcp.read_to_end(&mut answer);
                String::from_utf8_lossy(&answer).into_owned()
            })
            .collect::<Vec<_>>()
    })
    .await
    .unwrap();
    for answer in answers {
        assert!(
            answer.starts_with("HTTP/1.1 401") && answer.ends_with("no token"),
            "{answer:?}"
        );
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_the_cap_the_connection_waiting_longest_makes_room() {
    let server = Server::start(limits(60_000, 60_000, 60_000, 8)).await;
    let mut stalled = Vec::new();
    for _ in 0..8 {
        stalled.push(server.half_open().await);
    }
    // Only connections that kept the hub waiting over SHED_AFTER give way.
    tokio::time::sleep(SHED_AFTER + Duration::from_millis(100)).await;
    let (status, _, took) = server.get("/health").await;
    assert!(status.starts_with("HTTP/1.1 200"), "{status}");
    assert!(took < Duration::from_millis(500), "health took {took:?}");
    // One stalled connection made room.
    let mut closed = 0;
    for tcp in &mut stalled {
        if closed_after(tcp, Duration::from_millis(100))
            .await
            .is_some()
        {
            closed += 1;
        }
    }
    assert_eq!(closed, 1);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_the_cap_busy_connections_are_not_shed_and_newcomers_wait() {
    let server = Server::start(limits(60_000, 60_000, 60_000, 1)).await;
    let slow = {
        let addr = server.addr;
        tokio::spawn(async move {
            let mut tcp = TcpStream::connect(addr).await.unwrap();
            tcp.write_all(b"GET /slow HTTP/1.1\r\nHost: hub\r\nConnection: close\r\n\r\n")
                .await
                .unwrap();
            let mut out = String::new();
            tcp.read_to_string(&mut out).await.unwrap();
            out
        })
    };
    tokio::time::sleep(Duration::from_millis(100)).await;
    let (status, _, took) = server.get("/health").await;
    assert!(status.starts_with("HTTP/1.1 200"), "{status}");
    assert!(
        took >= Duration::from_millis(1000),
        "served before the slot freed: {took:?}"
    );
    let out = slow.await.unwrap();
    assert!(
        out.starts_with("HTTP/1.1 200") && out.ends_with("done"),
        "{out}"
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_carry_the_client_address() {
    let server = Server::start(ConnectionLimits::default()).await;
    let (_, body, _) = server.get("/peer").await;
    assert_eq!(body, "127.0.0.1");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_finishes_requests_in_progress_and_closes_waiting_ones() {
    let server = Server::start(ConnectionLimits::default()).await;
    let mut waiting = server.half_open().await;
    let slow = {
        let addr = server.addr;
        tokio::spawn(async move {
            let mut tcp = TcpStream::connect(addr).await.unwrap();
            tcp.write_all(b"GET /slow HTTP/1.1\r\nHost: hub\r\n\r\n")
                .await
                .unwrap();
            let mut out = String::new();
            tcp.read_to_string(&mut out).await.unwrap();
            out
        })
    };
    tokio::time::sleep(Duration::from_millis(200)).await;
    let stopping = Instant::now();
    server.stop().await;
    assert!(
        stopping.elapsed() >= Duration::from_millis(1000),
        "waited for /slow"
    );
    let out = slow.await.unwrap();
    assert!(
        out.starts_with("HTTP/1.1 200") && out.ends_with("done"),
        "{out}"
    );
    assert!(closed_after(&mut waiting, Duration::from_secs(1))
        .await
        .is_some());
}
