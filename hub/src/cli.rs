//! The command line.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use fieldbook_hub::api::EnrollRateLimit;
use fieldbook_hub::server::{
    ConnectionLimits, DEFAULT_BODY_TIMEOUT, DEFAULT_HEADER_TIMEOUT, DEFAULT_IDLE_TIMEOUT,
    DEFAULT_MAX_CONNECTIONS,
};
use uuid::Uuid;

#[derive(Parser)]
#[command(name = "fieldbook-hub", version, about = "Fieldbook's office sync hub")]
pub struct Cli {
    /// Data directory: the embedded SQLite store lives at DIR/hub.db.
    #[arg(long, global = true, env = "FIELDBOOK_HUB_DATA")]
    pub data: Option<PathBuf>,
    /// A postgres:// URL selects PostgreSQL instead of the embedded SQLite store.
    #[arg(
        long,
        global = true,
        env = "FIELDBOOK_HUB_DATABASE",
        hide_env_values = true
    )]
    pub database: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Serves the sync API.
    Serve {
        #[arg(long)]
        listen: SocketAddr,
        /// PEM certificate chain (with --tls-key).
        #[arg(long, requires = "tls_key")]
        tls_cert: Option<PathBuf>,
        /// PEM private key (with --tls-cert).
        #[arg(long, requires = "tls_cert")]
        tls_key: Option<PathBuf>,
        #[command(flatten)]
        limits: LimitArgs,
    },
    /// Teams.
    Team {
        #[command(subcommand)]
        command: TeamCommand,
    },
    /// Devices.
    Devices {
        #[command(subcommand)]
        command: DevicesCommand,
    },
    /// Prints the SHA-256 of a PEM certificate (its first, leaf certificate):
    /// the pin devices enroll with (`fieldbook enroll --hub-cert-sha256`).
    TlsFingerprint {
        #[arg(long)]
        cert: PathBuf,
    },
    /// The size of a team's log: versions, bytes, max seq.
    LogSize {
        #[arg(long)]
        team: Uuid,
    },
}

/// What the hub allows each client (`serve`).
#[derive(Args)]
pub struct LimitArgs {
    /// Connections served at once. At the cap, the connection that has kept
    /// the hub waiting longest (over a quarter second) is closed for a new one. The
    /// hub raises its open-file limit to fit, up to the hard limit.
    #[arg(long, default_value_t = DEFAULT_MAX_CONNECTIONS, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=1_000_000))]
    pub max_connections: usize,
    /// Seconds a client has to send a request's head: from connecting (TLS
    /// handshake included), or from the request's first byte.
    #[arg(long, value_name = "SECONDS", default_value_t = DEFAULT_HEADER_TIMEOUT.as_secs(), value_parser = seconds())]
    pub header_timeout: u64,
    /// Seconds a kept-alive connection may wait for its next request.
    #[arg(long, value_name = "SECONDS", default_value_t = DEFAULT_IDLE_TIMEOUT.as_secs(), value_parser = seconds())]
    pub idle_timeout: u64,
    /// Seconds a request body may pause, or a client leave the answer untaken.
    #[arg(long, value_name = "SECONDS", default_value_t = DEFAULT_BODY_TIMEOUT.as_secs(), value_parser = seconds())]
    pub body_timeout: u64,
    /// Enrollment requests one address may make at once (IPv6: one /64); a
    /// device enrolling makes two. Behind a reverse proxy all devices share
    /// the proxy's address.
    #[arg(long, default_value_t = EnrollRateLimit::default().burst, value_parser = clap::value_parser!(u32).range(1..))]
    pub enroll_burst: u32,
    /// Enrollment requests an address regains per minute after its burst.
    #[arg(long, default_value_t = EnrollRateLimit::default().per_minute, value_parser = clap::value_parser!(u32).range(1..))]
    pub enroll_per_minute: u32,
}

fn seconds() -> clap::builder::RangedU64ValueParser<u64> {
    clap::value_parser!(u64).range(1..=86_400)
}

impl LimitArgs {
    pub fn connection_limits(&self) -> ConnectionLimits {
        ConnectionLimits {
            max_connections: self.max_connections,
            header_timeout: Duration::from_secs(self.header_timeout),
            idle_timeout: Duration::from_secs(self.idle_timeout),
            body_timeout: Duration::from_secs(self.body_timeout),
        }
    }

    pub fn enroll_limit(&self) -> EnrollRateLimit {
        EnrollRateLimit {
            burst: self.enroll_burst,
            per_minute: self.enroll_per_minute,
        }
    }
}

#[derive(Subcommand)]
pub enum TeamCommand {
    /// Creates a team and prints its first supervisor's enrollment code (last line).
    Create {
        name: String,
    },
    List,
}

#[derive(Subcommand)]
pub enum DevicesCommand {
    List {
        #[arg(long)]
        team: Uuid,
    },
    Revoke {
        id: Uuid,
    },
}
