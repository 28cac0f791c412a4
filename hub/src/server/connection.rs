//! One connection: the TLS handshake if any, then HTTP/1.1 requests to the
//! router until the client leaves, the registry closes it, or the hub stops;
//! then a short linger so the client gets its last answer.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::response::Response;
use axum::Router;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::watch;
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt;

use super::connections::{Connection, Slot};
use super::progress::{AnswerBody, InFlight, WatchedBody, WatchedIo};

/// The largest request head: a bearer token and a few headers fit many
/// times over; larger gets 431.
const MAX_HEAD: usize = 16 * 1024;

/// Hyper's read buffer (and write queue) per connection: body bytes are
/// read in pieces of at most this much.
const MAX_BUFFER: usize = 64 * 1024;

/// Serves one accepted connection; the slot is freed when it ends.
pub(super) async fn serve(
    tcp: TcpStream,
    peer: SocketAddr,
    slot: Slot,
    app: Router,
    tls: Option<TlsAcceptor>,
    stop: watch::Receiver<bool>,
) {
    let connection = Arc::clone(slot.connection());
    match tls {
        None => http(tcp, connection, peer, app, stop).await,
        Some(acceptor) => {
            // The handshake counts against the header timeout: the
            // registry closes the connection if it stalls.
            let accepted = tokio::select! {
                accepted = acceptor.accept(tcp) => accepted,
                _ = connection.closed() => return,
            };
            match accepted {
                Ok(stream) => http(stream, connection, peer, app, stop).await,
                Err(e) => tracing::debug!(error = %e, "TLS handshake failed"),
            }
        }
    }
    drop(slot);
}

/// What the service answers with: boxed, so the connection is `Unpin` and
/// can hand its socket back once done (for [`linger`]).
type Answer = Pin<Box<dyn Future<Output = Result<Response<AnswerBody>, Infallible>> + Send>>;

async fn http<T>(
    io: T,
    connection: Arc<Connection>,
    peer: SocketAddr,
    app: Router,
    mut stop: watch::Receiver<bool>,
) where
    T: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let io = WatchedIo::new(io, Arc::clone(&connection));
    let watched = Arc::clone(&connection);
    let service = service_fn(move |req: hyper::Request<Incoming>| -> Answer {
        let in_flight = InFlight::start(Arc::clone(&watched));
        let mut req = req.map(|body| Body::new(WatchedBody::new(body, Arc::clone(&watched))));
        req.extensions_mut().insert(ConnectInfo(peer));
        let app = app.clone();
        Box::pin(async move {
            let answer = app.oneshot(req).await.unwrap_or_else(|e| match e {});
            Ok(answer.map(|body| AnswerBody::new(body, in_flight)))
        })
    });
    let mut builder = http1::Builder::new();
    builder
        .keep_alive(true)
        .max_header_size(MAX_HEAD)
        .max_buf_size(MAX_BUFFER);
    let mut served = builder.serve_connection(TokioIo::new(io), service);
    let mut stopping = *stop.borrow();
    if stopping {
        Pin::new(&mut served).graceful_shutdown();
    }
    let ended = loop {
        tokio::select! {
            ended = std::future::poll_fn(|cx| served.poll_without_shutdown(cx)) => break ended,
            // Dropping the connection closes the socket.
            _ = connection.closed() => return,
            changed = stop.changed(), if !stopping => {
                stopping = true;
                if changed.is_ok() {
                    // Finish the request in progress, then close.
                    Pin::new(&mut served).graceful_shutdown();
                }
            }
        }
    };
    match ended {
        Ok(()) => {
            let io = served.into_parts().io.into_inner();
            tokio::select! {
                _ = linger(io, &connection) => {}
                _ = connection.closed() => {}
            }
        }
        Err(e) => tracing::debug!(error = %e, "connection ended with an error"),
    }
}

/// How long a connection the hub ended stays open to take what its client
/// still sends.
const LINGER: Duration = Duration::from_secs(2);

/// Ends a connection after its last answer. Its client may still be sending
/// a body the hub answered without reading (401, 413, 429): closing the
/// socket with those bytes unread would reset the connection, and the client
/// could lose the answer. So the hub says it is done writing, then reads and
/// discards for up to [`LINGER`] until the client closes.
async fn linger<T: AsyncRead + AsyncWrite + Unpin>(mut io: T, connection: &Connection) {
    connection.lingering();
    let _ = tokio::time::timeout(LINGER, async {
        if io.shutdown().await.is_err() {
            return;
        }
        // On the heap, and only now: a buffer in the future itself would
        // weigh on every connection, lingering or not.
        let mut discard = vec![0u8; 4096];
        while let Ok(n) = io.read(&mut discard).await {
            if n == 0 {
                break;
            }
        }
    })
    .await;
}
