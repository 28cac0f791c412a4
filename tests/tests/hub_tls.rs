//! The real API served over TLS with a self-signed certificate made at test
//! time, reached with the device's own client: only the pinned certificate
//! is trusted, and plain HTTP only on loopback.

mod common;

use std::io;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::{Duration, Instant};

use fieldbook_core::crypto::SoftwareKeyProvider;
use fieldbook_core::store::CreateOptions;
use fieldbook_core::sync::{self, CertificatePin, HubClient, RetryPolicy, TransportError};
use fieldbook_hub::storage::{HubStorage, SqliteStorage};
use fieldbook_hub::{api, server};
use sha2::{Digest, Sha256};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// A self-signed certificate for 127.0.0.1 and localhost, written as PEM.
#[derive(Clone)]
struct TestCertificate {
    der: Vec<u8>,
    key_der: Vec<u8>,
    cert_path: PathBuf,
    key_path: PathBuf,
}

impl TestCertificate {
    fn make(dir: &Path) -> TestCertificate {
        let certified =
            rcgen::generate_simple_self_signed(vec!["127.0.0.1".into(), "localhost".into()])
                .unwrap();
        let cert_path = dir.join("hub.crt");
        let key_path = dir.join("hub.key");
        std::fs::write(&cert_path, certified.cert.pem()).unwrap();
        std::fs::write(&key_path, certified.key_pair.serialize_pem()).unwrap();
        TestCertificate {
            der: certified.cert.der().to_vec(),
            key_der: certified.key_pair.serialize_der(),
            cert_path,
            key_path,
        }
    }

    fn pin(&self) -> CertificatePin {
        CertificatePin::of_certificate(&self.der)
    }
}

/// `api::router` on SQLite, served by `server::serve` on 127.0.0.1:0.
struct RunningHub {
    dir: tempfile::TempDir,
    storage: Arc<dyn HubStorage>,
    addr: SocketAddr,
    certificate: Option<TestCertificate>,
    stop: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<io::Result<()>>>,
}

impl RunningHub {
    async fn start(tls: bool) -> RunningHub {
        let dir = tempfile::tempdir().unwrap();
        let certificate = tls.then(|| TestCertificate::make(dir.path()));
        let config = certificate
            .as_ref()
            .map(|c| server::load_tls(&c.cert_path, &c.key_path).unwrap());
        RunningHub::serving(dir, certificate, config).await
    }

    async fn serving(
        dir: tempfile::TempDir,
        certificate: Option<TestCertificate>,
        config: Option<Arc<rustls::ServerConfig>>,
    ) -> RunningHub {
        RunningHub::serving_with(
            dir,
            certificate,
            config,
            server::ConnectionLimits::default(),
        )
        .await
    }

    async fn serving_with(
        dir: tempfile::TempDir,
        certificate: Option<TestCertificate>,
        config: Option<Arc<rustls::ServerConfig>>,
        limits: server::ConnectionLimits,
    ) -> RunningHub {
        let storage: Arc<dyn HubStorage> =
            Arc::new(SqliteStorage::open(dir.path().join("hub.db")).unwrap());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = oneshot::channel::<()>();
        let server = tokio::spawn(server::serve_with(
            listener,
            api::router(storage.clone()),
            config,
            limits,
            async {
                let _ = stopped.await;
            },
        ));
        RunningHub {
            dir,
            storage,
            addr,
            certificate,
            stop: Some(stop),
            server: Some(server),
        }
    }

    fn url(&self, scheme: &str) -> String {
        format!("{scheme}://{}", self.addr)
    }

    fn pin(&self) -> CertificatePin {
        self.certificate.as_ref().unwrap().pin()
    }

    async fn stop(mut self) {
        self.stop.take().unwrap().send(()).unwrap();
        self.server.take().unwrap().await.unwrap().unwrap();
    }
}

fn quick_retry() -> RetryPolicy {
    RetryPolicy {
        attempts: 2,
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(5),
    }
}

/// The device's blocking client must live off the async runtime's threads.
async fn health(
    url: String,
    pin: Option<CertificatePin>,
) -> Result<fieldbook_proto::endpoint::HealthAnswer, TransportError> {
    tokio::task::spawn_blocking(move || {
        HubClient::new(&url, pin, None, quick_retry())?.health(&AtomicBool::new(false))
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pinned_certificate_is_trusted_over_tls() {
    let hub = RunningHub::start(true).await;
    let answer = health(hub.url("https"), Some(hub.pin())).await.unwrap();
    assert_eq!(answer.status, "ok");
    // The name in the URL does not matter: the pin is the hub's identity.
    let by_name = format!("https://localhost:{}", hub.addr.port());
    assert_eq!(health(by_name, Some(hub.pin())).await.unwrap().status, "ok");
    hub.stop().await;
}

/// Connections that never start their handshake: past the cap, the ones
/// that waited longest make room, and each is closed after the header
/// timeout; a device's request over TLS is answered all along.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stalled_handshakes_neither_keep_devices_out_nor_stay() {
    let dir = tempfile::tempdir().unwrap();
    let certificate = TestCertificate::make(dir.path());
    let config = server::load_tls(&certificate.cert_path, &certificate.key_path).unwrap();
    let limits = server::ConnectionLimits {
        max_connections: 128,
        header_timeout: Duration::from_secs(3),
        ..Default::default()
    };
    let hub = RunningHub::serving_with(dir, Some(certificate), Some(config), limits).await;
    let opened = Instant::now();
    let mut stalled = Vec::new();
    for _ in 0..300 {
        stalled.push(tokio::net::TcpStream::connect(hub.addr).await.unwrap());
    }
    // Past the cap, stalled connections give way once they waited
    // SHED_AFTER: the listen queue drains by the cap every SHED_AFTER.
    tokio::time::sleep(Duration::from_secs(1)).await;
    for _ in 0..3 {
        let asked = Instant::now();
        let answer = health(hub.url("https"), Some(hub.pin())).await.unwrap();
        assert_eq!(answer.status, "ok");
        let took = asked.elapsed();
        assert!(took < Duration::from_secs(1), "health took {took:?}");
    }
    // Every stalled connection is closed by the header timeout (plus the sweep).
    for tcp in &mut stalled {
        let left = Duration::from_secs(6).saturating_sub(opened.elapsed());
        let mut byte = [0u8; 1];
        let read = tokio::time::timeout(left, tokio::io::AsyncReadExt::read(tcp, &mut byte)).await;
        assert!(
            matches!(read, Ok(Ok(0)) | Ok(Err(_))),
            "a stalled handshake was still open after 6 s: {read:?}"
        );
    }
    hub.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_certificate_is_refused_without_retrying() {
    let hub = RunningHub::start(true).await;
    let stranger = CertificatePin::of_certificate(b"some other certificate");
    let (url, started) = (hub.url("https"), Instant::now());
    let err = tokio::task::spawn_blocking(move || {
        let patient = RetryPolicy {
            attempts: 5,
            base_delay: Duration::from_secs(2),
            max_delay: Duration::from_secs(2),
        };
        HubClient::new(&url, Some(stranger), None, patient)?.health(&AtomicBool::new(false))
    })
    .await
    .unwrap()
    .unwrap_err();
    assert!(matches!(err, TransportError::CertificateMismatch), "{err}");
    assert!(started.elapsed() < Duration::from_secs(2), "it was retried");
    let message = err.to_string();
    assert!(
        message.contains("does not match the pinned one"),
        "{message}"
    );
    assert!(!message.contains(&hub.addr.to_string()), "{message}");
    // A different self-signed certificate for the same names is refused too.
    let elsewhere = tempfile::tempdir().unwrap();
    let impostor = TestCertificate::make(elsewhere.path());
    let err = health(hub.url("https"), Some(impostor.pin()))
        .await
        .unwrap_err();
    assert!(matches!(err, TransportError::CertificateMismatch), "{err}");
    hub.stop().await;
}

/// Always presents one certificate and signs with one key, matching or not.
#[derive(Debug)]
struct FixedCertificate(Arc<rustls::sign::CertifiedKey>);

impl rustls::server::ResolvesServerCert for FixedCertificate {
    fn resolve(
        &self,
        _hello: rustls::server::ClientHello<'_>,
    ) -> Option<Arc<rustls::sign::CertifiedKey>> {
        Some(self.0.clone())
    }
}

/// A server speaking only `version`, presenting `certificate` and signing
/// the handshake with `key_der` (PKCS#8), which need not be its key.
fn server_config(
    certificate: &[u8],
    key_der: &[u8],
    version: &'static rustls::SupportedProtocolVersion,
) -> Arc<rustls::ServerConfig> {
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let signer = rustls::crypto::ring::sign::any_supported_type(
        &PrivateKeyDer::try_from(key_der.to_vec()).unwrap(),
    )
    .unwrap();
    let presented =
        rustls::sign::CertifiedKey::new(vec![CertificateDer::from(certificate.to_vec())], signer);
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(&[version])
        .unwrap()
        .with_no_client_auth()
        .with_cert_resolver(Arc::new(FixedCertificate(Arc::new(presented))));
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Arc::new(config)
}

/// Someone who copied the hub's (public) certificate but not its private key
/// cannot complete a handshake: the signatures are checked, in TLS 1.2 and 1.3.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn handshake_signatures_are_verified_in_tls12_and_tls13() {
    for version in [&rustls::version::TLS12, &rustls::version::TLS13] {
        let dir = tempfile::tempdir().unwrap();
        let genuine = TestCertificate::make(dir.path());
        let config = server_config(&genuine.der, &genuine.key_der, version);
        let hub = RunningHub::serving(dir, Some(genuine.clone()), Some(config)).await;
        let answer = health(hub.url("https"), Some(hub.pin())).await;
        assert_eq!(answer.unwrap().status, "ok", "{version:?}");
        hub.stop().await;

        let other_key = rcgen::KeyPair::generate().unwrap().serialize_der();
        let config = server_config(&genuine.der, &other_key, version);
        let dir = tempfile::tempdir().unwrap();
        let copy = RunningHub::serving(dir, Some(genuine), Some(config)).await;
        let err = health(copy.url("https"), Some(copy.pin()))
            .await
            .unwrap_err();
        assert!(
            matches!(err, TransportError::Unreachable(_)),
            "{version:?}: {err}"
        );
        copy.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn https_without_a_pin_is_refused_before_connecting() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("https://{}", listener.local_addr().unwrap());
    let err = HubClient::new(&url, None, None, quick_retry()).unwrap_err();
    assert!(matches!(err, TransportError::HubAddress(_)), "{err}");
    assert!(err.to_string().contains("fingerprint"), "{err}");
    let connected = tokio::time::timeout(Duration::from_millis(200), listener.accept()).await;
    assert!(connected.is_err(), "something connected to the hub");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_http_only_on_loopback() {
    let hub = RunningHub::start(false).await;
    let answer = health(hub.url("http"), None).await.unwrap();
    assert_eq!(answer.backend, "sqlite");
    let by_name = format!("http://localhost:{}", hub.addr.port());
    assert_eq!(health(by_name, None).await.unwrap().status, "ok");
    for url in ["http://192.0.2.10:8080", "http://hub.example:8080"] {
        let err = HubClient::new(url, None, Some("token".into()), quick_retry()).unwrap_err();
        assert!(matches!(err, TransportError::HubAddress(_)), "{err}");
        assert!(err.to_string().contains("in clear"), "{err}");
    }
    hub.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_enrolls_over_tls_and_keeps_using_the_pin() {
    let hub = RunningHub::start(true).await;
    let code = fieldbook_hub::admin::create_team(hub.storage.as_ref(), "Hải Phòng")
        .await
        .unwrap()
        .code;
    let code_text = code.to_text().as_str().to_owned();
    let (url, pin) = (hub.url("https"), hub.pin());
    let device_dir = hub.dir.path().join("device");
    tokio::task::spawn_blocking(move || {
        let provider = Arc::new(SoftwareKeyProvider::new(device_dir.join("keys")));
        let mut store = sync::enroll(
            &device_dir.join("store"),
            "482916",
            provider,
            &code_text,
            &url,
            Some(pin),
            Some("office laptop".into()),
            CreateOptions::for_tests(),
        )
        .unwrap();
        let link = store.hub_link().unwrap().unwrap();
        assert_eq!(link.certificate_sha256, Some(pin.to_hex()));
        let summary = sync::sync(
            &mut store,
            &sync::SyncOptions::default(),
            None,
            &AtomicBool::new(false),
        )
        .unwrap();
        assert!(summary.ok, "{:?}", summary.errors);
        // The hub's certificate replaced behind the device's back: refused.
        let mut replaced = link.clone();
        replaced.certificate_sha256 = Some(CertificatePin::of_certificate(b"other").to_hex());
        store.set_hub_link(&replaced).unwrap();
        let summary = sync::sync(
            &mut store,
            &sync::SyncOptions {
                retry: quick_retry(),
                ..Default::default()
            },
            None,
            &AtomicBool::new(false),
        )
        .unwrap();
        assert!(!summary.ok);
        assert!(
            summary.errors[0].contains("does not match the pinned one"),
            "{:?}",
            summary.errors
        );
    })
    .await
    .unwrap();
    hub.stop().await;
}

#[test]
fn tls_fingerprint_prints_the_sha256_of_the_certificate_der() {
    let dir = tempfile::tempdir().unwrap();
    let certificate = TestCertificate::make(dir.path());
    let out = std::process::Command::new(common::hub_bin())
        .args(["tls-fingerprint", "--cert"])
        .arg(&certificate.cert_path)
        .env_remove("FIELDBOOK_HUB_DATA")
        .env_remove("FIELDBOOK_HUB_DATABASE")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed = String::from_utf8(out.stdout).unwrap();
    let expected: String = Sha256::digest(&certificate.der)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(printed.trim(), expected);
    assert_eq!(
        server::certificate_fingerprint(&certificate.cert_path).unwrap(),
        CertificatePin::parse(&expected).unwrap()
    );
    let missing = std::process::Command::new(common::hub_bin())
        .args(["tls-fingerprint", "--cert"])
        .arg(dir.path().join("missing.crt"))
        .output()
        .unwrap();
    assert!(!missing.status.success());
}
