//! One connection: the TLS handshake if any, then HTTP/1.1 requests to the
//! router until the client leaves, the registry closes it, or the hub stops.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite};
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
    let service = service_fn(move |req: hyper::Request<Incoming>| {
        let in_flight = InFlight::start(Arc::clone(&watched));
        let mut req = req.map(|body| Body::new(WatchedBody::new(body, Arc::clone(&watched))));
        req.extensions_mut().insert(ConnectInfo(peer));
        let app = app.clone();
        async move {
            let answer = app.oneshot(req).await.unwrap_or_else(|e| match e {});
            Ok::<_, Infallible>(answer.map(|body| AnswerBody::new(body, in_flight)))
        }
    });
    let mut builder = http1::Builder::new();
    builder
        .keep_alive(true)
        .max_header_size(MAX_HEAD)
        .max_buf_size(MAX_BUFFER);
    let served = builder.serve_connection(TokioIo::new(io), service);
    tokio::pin!(served);
    let mut stopping = *stop.borrow();
    if stopping {
        served.as_mut().graceful_shutdown();
    }
    loop {
        tokio::select! {
            result = served.as_mut() => {
                if let Err(e) = result {
                    tracing::debug!(error = %e, "connection ended with an error");
                }
                return;
            }
            // Dropping the connection closes the socket.
            _ = connection.closed() => return,
            changed = stop.changed(), if !stopping => {
                stopping = true;
                if changed.is_ok() {
                    // Finish the request in progress, then close.
                    served.as_mut().graceful_shutdown();
                }
            }
        }
    }
}
