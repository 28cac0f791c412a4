//! The hub under test, in this process: the real router
//! (`fieldbook_hub::api::router`) served by the real server
//! (`fieldbook_hub::server::serve`) on 127.0.0.1, in a tokio runtime of its
//! own, wrapped in a layer that counts the requests it answers and how long
//! it spent on them.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::middleware::{self, Next};
use axum::response::Response;
use fieldbook_hub::storage::HubStorage;
use fieldbook_proto::paths;
use tokio::runtime::Runtime;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::Res;

/// The hub's runtime: as many worker threads as the machine has cores, as
/// `#[tokio::main]` gives the `fieldbook-hub` binary.
pub fn runtime() -> Res<Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("hub")
        .build()?)
}

/// Requests the hub answered on one route, and the time spent answering them.
#[derive(Debug, Default)]
struct RouteCounter {
    requests: AtomicU64,
    busy_nanos: AtomicU64,
}

/// What the hub answered, by route: pushes, pulls, everything else (enroll,
/// invites, keys). Failed answers (not 2xx) are counted apart as well.
#[derive(Debug, Default)]
pub struct HubTraffic {
    push: RouteCounter,
    pull: RouteCounter,
    other: RouteCounter,
    failed: AtomicU64,
}

/// One route's count.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct RouteStats {
    /// Requests answered.
    pub requests: u64,
    /// Seconds between the request reaching the router and its answer leaving it.
    pub busy: f64,
}

/// The hub's traffic counters at one instant.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct TrafficSnapshot {
    /// Pushes.
    pub push: RouteStats,
    /// Pulls.
    pub pull: RouteStats,
    /// Every other route.
    pub other: RouteStats,
    /// Answers that were not 2xx, over all routes.
    pub failed: u64,
}

impl TrafficSnapshot {
    /// Requests answered, over all routes.
    pub fn requests(&self) -> u64 {
        self.push.requests + self.pull.requests + self.other.requests
    }

    /// What happened between `earlier` and this snapshot.
    pub fn since(&self, earlier: &TrafficSnapshot) -> TrafficSnapshot {
        let diff = |a: RouteStats, b: RouteStats| RouteStats {
            requests: a.requests - b.requests,
            busy: a.busy - b.busy,
        };
        TrafficSnapshot {
            push: diff(self.push, earlier.push),
            pull: diff(self.pull, earlier.pull),
            other: diff(self.other, earlier.other),
            failed: self.failed - earlier.failed,
        }
    }
}

impl HubTraffic {
    /// The counters now.
    pub fn snapshot(&self) -> TrafficSnapshot {
        let read = |c: &RouteCounter| RouteStats {
            requests: c.requests.load(Ordering::Relaxed),
            busy: c.busy_nanos.load(Ordering::Relaxed) as f64 / 1e9,
        };
        TrafficSnapshot {
            push: read(&self.push),
            pull: read(&self.pull),
            other: read(&self.other),
            failed: self.failed.load(Ordering::Relaxed),
        }
    }

    fn record(&self, path: &str, took: Duration, ok: bool) {
        let counter = match path {
            paths::PUSH => &self.push,
            paths::PULL => &self.pull,
            _ => &self.other,
        };
        counter.requests.fetch_add(1, Ordering::Relaxed);
        counter
            .busy_nanos
            .fetch_add(took.as_nanos() as u64, Ordering::Relaxed);
        if !ok {
            self.failed.fetch_add(1, Ordering::Relaxed);
        }
    }
}

async fn count(State(traffic): State<Arc<HubTraffic>>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    let start = Instant::now();
    let res = next.run(req).await;
    traffic.record(&path, start.elapsed(), res.status().is_success());
    res
}

/// A real hub (the `fieldbook-hub` router) serving on loopback, with its traffic counted.
pub struct Hub {
    runtime: Runtime,
    addr: SocketAddr,
    storage: Arc<dyn HubStorage>,
    traffic: Arc<HubTraffic>,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<std::io::Result<()>>>,
}

impl Hub {
    /// Serves `storage` on 127.0.0.1 (a free port) inside `runtime`. With no
    /// `backlog` it listens as the `fieldbook-hub` binary does
    /// (`fieldbook_hub::server::bind`, an accept queue of `LISTEN_BACKLOG`).
    pub fn start(runtime: Runtime, storage: Arc<dyn HubStorage>, backlog: Option<u32>) -> Res<Hub> {
        let traffic = Arc::new(HubTraffic::default());
        let app = fieldbook_hub::api::router(Arc::clone(&storage))
            .layer(middleware::from_fn_with_state(Arc::clone(&traffic), count));
        let listener = runtime.block_on(async {
            let local = SocketAddr::from(([127, 0, 0, 1], 0));
            match backlog {
                None => fieldbook_hub::server::bind(local),
                Some(backlog) => {
                    let socket = tokio::net::TcpSocket::new_v4()?;
                    socket.set_reuseaddr(true)?;
                    socket.bind(local)?;
                    socket.listen(backlog)
                }
            }
        })?;
        let addr = listener.local_addr()?;
        let (shutdown, stop) = oneshot::channel::<()>();
        let server = runtime.spawn(fieldbook_hub::server::serve(listener, app, None, async {
            let _ = stop.await;
        }));
        Ok(Hub {
            runtime,
            addr,
            storage,
            traffic,
            shutdown: Some(shutdown),
            server: Some(server),
        })
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Its URL, for devices that reach it directly.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The store it serves, for setting up teams and devices directly.
    pub fn storage(&self) -> &Arc<dyn HubStorage> {
        &self.storage
    }

    /// Its traffic counters now.
    pub fn traffic(&self) -> TrafficSnapshot {
        self.traffic.snapshot()
    }

    /// Runs `f` on the hub's runtime: the storage's connections live there.
    pub fn block_on<F: Future>(&self, f: F) -> F::Output {
        self.runtime.block_on(f)
    }
}

impl Drop for Hub {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(server) = self.server.take() {
            // Graceful shutdown waits for open connections; do not wait forever.
            let _ = self
                .runtime
                .block_on(async { tokio::time::timeout(Duration::from_secs(10), server).await });
        }
    }
}
