//! A byte-counting TCP proxy between the devices and the hub, on 127.0.0.1:
//! what the devices send and receive, HTTP headers and bodies included (TCP
//! payload; not the TCP/IP headers). It runs on a thread of its own with a
//! single-threaded runtime and stops when dropped.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;

use crate::Res;

/// Bytes that crossed the proxy, each way.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Bytes {
    /// From the devices to the hub.
    pub to_hub: u64,
    /// From the hub to the devices.
    pub from_hub: u64,
}

impl Bytes {
    /// Both ways added up.
    pub fn total(&self) -> u64 {
        self.to_hub + self.from_hub
    }

    /// What crossed between `earlier` and now.
    pub fn since(&self, earlier: &Bytes) -> Bytes {
        Bytes {
            to_hub: self.to_hub - earlier.to_hub,
            from_hub: self.from_hub - earlier.from_hub,
        }
    }
}

#[derive(Debug, Default)]
struct Counters {
    to_hub: AtomicU64,
    from_hub: AtomicU64,
}

/// A TCP proxy on loopback between the devices and the hub that counts the bytes each way.
pub struct Proxy {
    addr: SocketAddr,
    counters: Arc<Counters>,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Proxy {
    /// Listens on a free port of 127.0.0.1 and forwards every connection to
    /// `hub`, each direction of each connection at most `link_mbit`
    /// megabits a second when given (a phone's link instead of loopback).
    pub fn start(hub: SocketAddr, link_mbit: Option<f64>) -> Res<Proxy> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let listener = runtime.block_on(TcpListener::bind("127.0.0.1:0"))?;
        let addr = listener.local_addr()?;
        let counters = Arc::new(Counters::default());
        let (shutdown, mut stop) = oneshot::channel::<()>();
        let shared = Arc::clone(&counters);
        let thread = std::thread::Builder::new()
            .name("proxy".into())
            .spawn(move || {
                runtime.block_on(async move {
                    loop {
                        tokio::select! {
                            _ = &mut stop => break,
                            accepted = listener.accept() => {
                                if let Ok((device, _)) = accepted {
                                    tokio::spawn(forward(device, hub, Arc::clone(&shared), link_mbit));
                                }
                            }
                        }
                    }
                });
                // Dropping the runtime here ends the connections still open.
            })?;
        Ok(Proxy {
            addr,
            counters,
            shutdown: Some(shutdown),
            thread: Some(thread),
        })
    }

    /// The URL devices use to reach the hub through the proxy.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The bytes counted so far.
    pub fn bytes(&self) -> Bytes {
        Bytes {
            to_hub: self.counters.to_hub.load(Ordering::Relaxed),
            from_hub: self.counters.from_hub.load(Ordering::Relaxed),
        }
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

async fn forward(
    device: TcpStream,
    hub: SocketAddr,
    counters: Arc<Counters>,
    link_mbit: Option<f64>,
) {
    let Ok(upstream) = TcpStream::connect(hub).await else {
        return;
    };
    // Small HTTP writes must not wait for Nagle's algorithm in the extra hop.
    let _ = device.set_nodelay(true);
    let _ = upstream.set_nodelay(true);
    let (device_read, device_write) = device.into_split();
    let (hub_read, hub_write) = upstream.into_split();
    tokio::join!(
        pump(device_read, hub_write, &counters.to_hub, link_mbit),
        pump(hub_read, device_write, &counters.from_hub, link_mbit),
    );
}

/// Copies one direction until the sender closes, counting the bytes; the
/// count is made before the bytes are passed on, so by the time a device has
/// read an answer, its bytes are counted.
async fn pump(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    counter: &AtomicU64,
    link_mbit: Option<f64>,
) {
    let mut buf = vec![0u8; 64 * 1024];
    // When the link is free again: each chunk passes on after the time its
    // bytes take at the link's rate, counted from when the previous one was
    // through (or from now, after a pause).
    let mut free_at = tokio::time::Instant::now();
    loop {
        let n = match from.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        counter.fetch_add(n as u64, Ordering::Relaxed);
        if let Some(mbit) = link_mbit {
            let takes = std::time::Duration::from_secs_f64(n as f64 * 8.0 / (mbit * 1e6));
            free_at = free_at.max(tokio::time::Instant::now()) + takes;
            tokio::time::sleep_until(free_at).await;
        }
        if to.write_all(&buf[..n]).await.is_err() {
            break;
        }
    }
    let _ = to.shutdown().await;
}
