//! `fieldbook-hub`: the sync server and its admin commands.

mod cli;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;
use cli::{Cli, Command, DevicesCommand, LimitArgs, TeamCommand};
use fieldbook_hub::admin::{self, NewTeam};
use fieldbook_hub::storage::{HubStorage, PostgresStorage, SqliteStorage};
use fieldbook_hub::{api, private_files, server};
use uuid::Uuid;

type Error = Box<dyn std::error::Error>;

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    match run(Cli::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("fieldbook-hub: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn open(cli: &Cli) -> Result<Arc<dyn HubStorage>, Error> {
    if let Some(url) = cli.database.as_deref().filter(|u| !u.is_empty()) {
        return Ok(Arc::new(PostgresStorage::connect(url).await?));
    }
    let dir = cli
        .data
        .as_ref()
        .ok_or("pass --data DIR (embedded SQLite) or --database postgres://…")?;
    private_files::private_dir(dir)?;
    Ok(Arc::new(SqliteStorage::open(dir.join("hub.db"))?))
}

async fn run(cli: Cli) -> Result<(), Error> {
    // Needs no storage: an admin may run it before the hub has any.
    if let Command::TlsFingerprint { cert } = &cli.command {
        println!("{}", server::certificate_fingerprint(cert)?);
        return Ok(());
    }
    let storage = open(&cli).await?;
    match cli.command {
        Command::Serve {
            listen,
            tls_cert,
            tls_key,
            limits,
        } => serve(storage, listen, tls_cert.zip(tls_key), limits).await?,
        Command::Team {
            command: TeamCommand::Create { name },
        } => {
            let NewTeam {
                team,
                code,
                expires_at,
            } = admin::create_team(storage.as_ref(), &name).await?;
            println!("team {} {}", team.id, team.name);
            println!(
                "enrollment code for the first supervisor (single use, expires {expires_at}):"
            );
            println!("{}", code.to_text().as_str());
        }
        Command::Team {
            command: TeamCommand::List,
        } => {
            for t in storage.list_teams().await? {
                println!("{}\t{}\t{}", t.id, t.created_at, t.name);
            }
        }
        Command::Devices {
            command: DevicesCommand::List { team },
        } => list_devices(storage.as_ref(), team).await?,
        Command::Devices {
            command: DevicesCommand::Revoke { id },
        } => {
            storage.revoke_device(id).await?;
            println!("revoked {id}");
        }
        Command::TlsFingerprint { .. } => unreachable!("handled before opening the storage"),
        Command::LogSize { team } => {
            let s = storage.log_stats(team).await?;
            println!(
                "versions {}\nbytes {}\nmax_seq {}",
                s.versions, s.bytes, s.max_seq
            );
        }
    }
    Ok(())
}

/// Serves the API until a shutdown signal, over TLS when given a certificate and key.
async fn serve(
    storage: Arc<dyn HubStorage>,
    listen: SocketAddr,
    tls_files: Option<(PathBuf, PathBuf)>,
    limits: LimitArgs,
) -> Result<(), Error> {
    let tls = match tls_files {
        Some((cert, key)) => {
            let config = server::load_tls(&cert, &key)?;
            let fingerprint = server::certificate_fingerprint(&cert)?;
            tracing::info!(%fingerprint, "TLS certificate SHA-256");
            eprintln!(
                "TLS certificate SHA-256 (devices enroll with --hub-cert-sha256): {fingerprint}"
            );
            Some(config)
        }
        None => None,
    };
    server::check_listen(listen, tls.is_some())?;
    let connection_limits = server::fit_to_descriptor_limit(limits.connection_limits());
    let listener = server::bind(listen)?;
    let addr = listener.local_addr()?;
    let scheme = if tls.is_some() { "https" } else { "http" };
    tracing::info!(
        backend = storage.backend(),
        "listening on {scheme}://{addr}"
    );
    eprintln!("listening on {scheme}://{addr}");
    tokio::spawn(fieldbook_hub::housekeeping::run(storage.clone()));
    server::serve_with(
        listener,
        api::router_with(storage, limits.enroll_limit()),
        tls,
        connection_limits,
        server::shutdown_signal(),
    )
    .await?;
    Ok(())
}

/// One line per device: id, role, status, last seen and label, tab-separated.
async fn list_devices(storage: &dyn HubStorage, team: Uuid) -> Result<(), Error> {
    for d in storage.list_devices(team).await? {
        let seen = d
            .last_seen_at
            .map(|t| t.to_string())
            .unwrap_or_else(|| "-".into());
        println!(
            "{}\t{}\t{}\t{}\t{}",
            d.id,
            d.role.as_str(),
            d.status.as_str(),
            seen,
            d.label.unwrap_or_default()
        );
    }
    Ok(())
}
