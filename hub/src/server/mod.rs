//! Listening: plain HTTP on loopback only, or TLS (rustls) anywhere; each
//! connection held to [`ConnectionLimits`]; graceful shutdown.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use fieldbook_trust::certificate_pin::CertificatePin;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio_rustls::TlsAcceptor;

mod connection;
mod connections;
mod fd_limit;
mod limits;
mod progress;
#[cfg(test)]
mod tests;

use connections::Registry;
pub use fd_limit::{fit_to_descriptor_limit, RESERVED_DESCRIPTORS};
pub use limits::{
    ConnectionLimits, DEFAULT_BODY_TIMEOUT, DEFAULT_HEADER_TIMEOUT, DEFAULT_IDLE_TIMEOUT,
    DEFAULT_MAX_CONNECTIONS, SHED_AFTER,
};

/// Refuses plain HTTP on a non-loopback address: tokens would cross the network in clear.
pub fn check_listen(addr: SocketAddr, tls: bool) -> Result<(), String> {
    if tls || addr.ip().is_loopback() {
        Ok(())
    } else {
        Err(format!(
            "refusing to listen on {addr} without TLS: pass --tls-cert and --tls-key, or listen on a loopback address behind a TLS proxy"
        ))
    }
}

/// The pin devices use for this hub: the SHA-256 of the first (leaf)
/// certificate in a PEM chain, as `fieldbook enroll --hub-cert-sha256` takes it.
pub fn certificate_fingerprint(cert: &Path) -> Result<CertificatePin, String> {
    let leaf = CertificateDer::pem_file_iter(cert)
        .map_err(|e| format!("cannot read certificate {}: {e}", cert.display()))?
        .next()
        .ok_or_else(|| format!("no certificate in {}", cert.display()))?
        .map_err(|e| format!("cannot read certificate {}: {e}", cert.display()))?;
    Ok(CertificatePin::of_certificate(leaf.as_ref()))
}

/// How many connections may wait to be accepted. Hundreds of phones that
/// regain the network together connect at once; the default of 128 would drop
/// the rest, and each would retry only after a second.
pub const LISTEN_BACKLOG: u32 = 1024;

/// Binds the listening socket with [`LISTEN_BACKLOG`].
pub fn bind(addr: SocketAddr) -> io::Result<TcpListener> {
    let socket = if addr.is_ipv4() {
        tokio::net::TcpSocket::new_v4()?
    } else {
        tokio::net::TcpSocket::new_v6()?
    };
    // A restarted hub must not wait for the old connections' TIME_WAIT.
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(LISTEN_BACKLOG)
}

/// Loads a PEM certificate chain and private key.
pub fn load_tls(cert: &Path, key: &Path) -> Result<Arc<rustls::ServerConfig>, String> {
    let certs = CertificateDer::pem_file_iter(cert)
        .and_then(|it| it.collect::<Result<Vec<_>, _>>())
        .map_err(|e| format!("cannot read certificate {}: {e}", cert.display()))?;
    if certs.is_empty() {
        return Err(format!("no certificate in {}", cert.display()));
    }
    let key = PrivateKeyDer::from_pem_file(key)
        .map_err(|e| format!("cannot read private key {}: {e}", key.display()))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("tls: {e}"))?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| format!("tls: {e}"))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// Serves `app` on `listener` (TLS when `tls` is set) until `shutdown`
/// resolves, with the default [`ConnectionLimits`].
pub async fn serve(
    listener: TcpListener,
    app: Router,
    tls: Option<Arc<rustls::ServerConfig>>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    serve_with(listener, app, tls, ConnectionLimits::default(), shutdown).await
}

/// Serves `app` on `listener` (TLS when `tls` is set) until `shutdown`
/// resolves, holding every connection to `limits`. Each request carries its
/// client's address as [`axum::extract::ConnectInfo`]. At shutdown it stops
/// accepting, closes connections between requests, and returns once the
/// requests in progress were answered.
pub async fn serve_with(
    listener: TcpListener,
    app: Router,
    tls: Option<Arc<rustls::ServerConfig>>,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    let registry = Registry::new(limits);
    let sweeper = tokio::spawn(Arc::clone(&registry).sweep());
    let acceptor = tls.map(TlsAcceptor::from);
    let (stop, stopped) = watch::channel(false);
    let mut accept_errors = AcceptErrors::default();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (tcp, peer) = tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    accept_errors.note(&e);
                    // Out of descriptors or a connection reset in the queue:
                    // give the ones being closed a moment.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let slot = tokio::select! {
            _ = &mut shutdown => break,
            slot = registry.admit() => slot,
        };
        // Answers are small and whole: send them without waiting for more.
        let _ = tcp.set_nodelay(true);
        tokio::spawn(connection::serve(
            tcp,
            peer,
            slot,
            app.clone(),
            acceptor.clone(),
            stopped.clone(),
        ));
    }
    drop(listener);
    registry.begin_shutdown();
    let _ = stop.send(true);
    registry.drained().await;
    sweeper.abort();
    Ok(())
}

/// Says at most once a minute that accepting connections fails.
#[derive(Default)]
struct AcceptErrors {
    last_warned: Option<Instant>,
}

impl AcceptErrors {
    fn note(&mut self, e: &io::Error) {
        if self
            .last_warned
            .is_none_or(|t| t.elapsed() >= Duration::from_secs(60))
        {
            self.last_warned = Some(Instant::now());
            tracing::warn!(error = %e, "cannot accept connections");
        }
    }
}

/// Resolves on SIGINT or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down");
}
