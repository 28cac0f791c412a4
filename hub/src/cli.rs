//! The command line.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Parser, Subcommand};
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
