//! Many devices syncing at once against one hub. The devices are registered
//! straight in the hub's storage (a token hash each, as enrollment would
//! leave them), in teams; their traffic goes through the hub's real HTTP API
//! over loopback TCP. Each sync is what a phone's periodic sync does: push a
//! few new sealed versions (random bytes: the hub cannot read bodies
//! anyway), then pull everything since its cursor, page by page. In each
//! round every device syncs at the same moment, over a fresh connection.

use std::sync::Arc;
use std::time::{Duration, Instant};

use fieldbook_hub::api::token_hash;
use fieldbook_hub::storage::{now, Device, DeviceStatus, Role};
use fieldbook_proto::sync::{PullResponse, PushRequest, PushResponse, DEFAULT_PULL_LIMIT};
use fieldbook_proto::vocab::{RecordKind, SensitivityClass};
use fieldbook_proto::{paths, SealedVersion, PROTOCOL_HEADER, PROTOCOL_VERSION};
use rand::{Rng, RngCore};
use uuid::Uuid;

use crate::hub::Hub;
use crate::machine::{listen_overflows, CpuTimes};
use crate::stats::Percentiles;
use crate::Res;

/// The shape of the crowd run.
#[derive(Debug, Clone, Copy)]
pub struct CrowdConfig {
    /// Simulated devices in all.
    pub devices: usize,
    /// Devices per team: pushes to one team are serialised on its log, and
    /// each device pulls what its teammates pushed.
    pub team_size: usize,
    /// Rounds to run, unless the deadline comes first.
    pub rounds: usize,
    /// Sealed versions each device pushes per sync.
    pub versions_per_sync: usize,
    /// Sealed body sizes, uniformly in this range (bytes).
    pub body_bytes: (usize, usize),
    /// No round starts after this much time; the rounds run are reported.
    pub deadline: Duration,
}

/// One round: every device syncing at once.
#[derive(Debug, Clone, Copy)]
pub struct Round {
    /// Wall time of the round.
    pub seconds: f64,
    /// Syncs that completed without an error.
    pub syncs: u64,
    /// How long each sync took.
    pub sync_ms: Percentiles,
}

/// What the crowd run measured.
#[derive(Debug, Clone)]
pub struct Crowd {
    /// The configuration it ran with.
    pub config: CrowdConfig,
    /// Teams the devices were split into.
    pub teams: usize,
    /// Each round run, in order.
    pub rounds: Vec<Round>,
    /// Syncs that completed without an error.
    pub syncs: u64,
    /// Syncs that ended with an error.
    pub failed: u64,
    /// The first failure's message, if any.
    pub first_error: Option<String>,
    /// Requests that completed (counted by the devices).
    pub requests: u64,
    /// Requests the hub answered in the rounds (counted at the hub).
    pub hub_requests: u64,
    /// Wall time of the rounds, added up.
    pub seconds: f64,
    /// How long each sync took, over all rounds.
    pub sync_ms: Percentiles,
    /// How long each request took, as the devices saw it.
    pub request_ms: Percentiles,
    /// How long each push request took.
    pub push_ms: Percentiles,
    /// How long each pull request (one page) took.
    pub pull_ms: Percentiles,
    /// Versions the devices pulled, in all.
    pub versions_pulled: u64,
    /// CPU used during the rounds (not between them), by the hub, the
    /// devices and the machine.
    pub cpu: CpuTimes,
    /// Connections the kernel dropped during the rounds because an accept
    /// queue was full (machine-wide; the hub's is the one under load).
    pub listen_overflows: u64,
}

impl Crowd {
    /// Completed syncs per second of the rounds' wall time.
    pub fn syncs_per_second(&self) -> f64 {
        self.syncs as f64 / self.seconds.max(1e-9)
    }
    /// Completed requests per second of the rounds' wall time.
    pub fn requests_per_second(&self) -> f64 {
        self.requests as f64 / self.seconds.max(1e-9)
    }
    /// Versions pulled per completed sync.
    pub fn pulled_per_sync(&self) -> f64 {
        self.versions_pulled as f64 / self.syncs.max(1) as f64
    }
}

/// A simulated phone: its token and how far it has read its team's log.
struct SimDevice {
    team: Uuid,
    token: String,
    cursor: u64,
}

#[derive(Default)]
struct SyncOutcome {
    took: Duration,
    pushes: Vec<Duration>,
    pulls: Vec<Duration>,
    pulled: u64,
    error: Option<String>,
}

const SYNC_TIMEOUT: Duration = Duration::from_secs(60);
const MAX_PULL_PAGES: usize = 1_000;

/// Registers the devices in `hub` and runs the rounds.
pub fn run(hub: &Hub, config: CrowdConfig) -> Res<Crowd> {
    let mut devices = register(hub, &config)?;
    let teams = devices.len().div_ceil(config.team_size.max(1));
    // The devices run on their own runtime; on this machine they share its
    // cores with the hub, as a load generator on the same box does.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("devices")
        .build()?;
    // reqwest is built without a default crypto provider (as in the core).
    let _ = rustls::crypto::ring::default_provider().install_default();
    let url: Arc<str> = hub.url().into();
    let before = hub.traffic();
    let mut cpu = CpuTimes::default();
    let mut overflows = 0;
    let started = Instant::now();
    let mut rounds = Vec::new();
    let mut all: Vec<SyncOutcome> = Vec::new();
    for _ in 0..config.rounds {
        if started.elapsed() > config.deadline {
            break;
        }
        // Fresh clients, so every sync opens its own connection as a phone's
        // periodic sync does; built before the clock starts.
        let clients = devices
            .iter()
            .map(|_| {
                reqwest::Client::builder()
                    .connect_timeout(Duration::from_secs(10))
                    .timeout(SYNC_TIMEOUT)
                    .build()
            })
            .collect::<Result<Vec<_>, _>>()?;
        let batches: Vec<Vec<SealedVersion>> =
            devices.iter().map(|_| new_versions(&config)).collect();
        let (cpu_start, overflows_start) = (CpuTimes::now(), listen_overflows());
        let round_start = Instant::now();
        let outcomes = runtime.block_on(async {
            let tasks: Vec<_> = devices
                .drain(..)
                .zip(clients)
                .zip(batches)
                .map(|((device, client), versions)| {
                    tokio::spawn(one_sync(client, Arc::clone(&url), device, versions))
                })
                .collect();
            let mut out = Vec::with_capacity(tasks.len());
            for task in tasks {
                out.push(task.await);
            }
            out
        });
        let seconds = round_start.elapsed().as_secs_f64();
        cpu = cpu.plus(&CpuTimes::now().since(&cpu_start));
        overflows += listen_overflows().saturating_sub(overflows_start);
        let mut took = Vec::new();
        for outcome in outcomes {
            let (device, outcome) = outcome?;
            devices.push(device);
            if outcome.error.is_none() {
                took.push(outcome.took);
            }
            all.push(outcome);
        }
        rounds.push(Round {
            seconds,
            syncs: took.len() as u64,
            sync_ms: Percentiles::of(&took),
        });
    }
    let hub_requests = hub.traffic().since(&before).requests();
    check_logs(hub, &devices, &config, rounds.len(), &all)?;
    let mut crowd = summarise(config, teams, rounds, all, hub_requests);
    crowd.cpu = cpu;
    crowd.listen_overflows = overflows;
    Ok(crowd)
}

fn summarise(
    config: CrowdConfig,
    teams: usize,
    rounds: Vec<Round>,
    all: Vec<SyncOutcome>,
    hub_requests: u64,
) -> Crowd {
    let ok: Vec<&SyncOutcome> = all.iter().filter(|o| o.error.is_none()).collect();
    let sync_times: Vec<Duration> = ok.iter().map(|o| o.took).collect();
    let pushes: Vec<Duration> = all.iter().flat_map(|o| o.pushes.clone()).collect();
    let pulls: Vec<Duration> = all.iter().flat_map(|o| o.pulls.clone()).collect();
    let requests: Vec<Duration> = pushes.iter().chain(&pulls).copied().collect();
    Crowd {
        config,
        teams,
        syncs: ok.len() as u64,
        failed: (all.len() - ok.len()) as u64,
        first_error: all.iter().find_map(|o| o.error.clone()),
        requests: requests.len() as u64,
        hub_requests,
        seconds: rounds.iter().map(|r| r.seconds).sum(),
        rounds,
        sync_ms: Percentiles::of(&sync_times),
        request_ms: Percentiles::of(&requests),
        push_ms: Percentiles::of(&pushes),
        pull_ms: Percentiles::of(&pulls),
        versions_pulled: ok.iter().map(|o| o.pulled).sum(),
        cpu: CpuTimes::default(),
        listen_overflows: 0,
    }
}

/// Creates the teams and their devices in the hub's storage.
fn register(hub: &Hub, config: &CrowdConfig) -> Res<Vec<SimDevice>> {
    hub.block_on(async {
        let storage = hub.storage();
        let mut devices = Vec::with_capacity(config.devices);
        let mut team = Uuid::nil();
        for i in 0..config.devices {
            if i % config.team_size.max(1) == 0 {
                let name = format!(
                    "Nhóm tiếp cận cộng đồng {}",
                    i / config.team_size.max(1) + 1
                );
                team = storage.create_team(&name).await?.id;
            }
            let mut secret = [0u8; 32];
            rand::thread_rng().fill_bytes(&mut secret);
            let token: String = secret.iter().map(|b| format!("{b:02x}")).collect();
            let mut public_key = [0u8; 32];
            rand::thread_rng().fill_bytes(&mut public_key);
            storage
                .add_device(&Device {
                    id: Uuid::now_v7(),
                    team_id: team,
                    role: Role::Outreach,
                    public_key: Some(public_key),
                    token_hash: token_hash(&token),
                    status: DeviceStatus::Active,
                    wipe_pending: false,
                    created_at: now(),
                    last_seen_at: None,
                    label: None,
                })
                .await?;
            devices.push(SimDevice {
                team,
                token,
                cursor: 0,
            });
        }
        Res::Ok(devices)
    })
}

/// New sealed versions of an outreach worker's kinds, with random bodies.
fn new_versions(config: &CrowdConfig) -> Vec<SealedVersion> {
    let mut rng = rand::thread_rng();
    let (lo, hi) = config.body_bytes;
    (0..config.versions_per_sync)
        .map(|i| {
            let mut body = vec![0u8; rng.gen_range(lo.max(1)..=hi.max(lo).max(1))];
            rng.fill_bytes(&mut body);
            SealedVersion {
                version_id: Uuid::now_v7(),
                record_id: Uuid::now_v7(),
                kind: [
                    RecordKind::Client,
                    RecordKind::Contact,
                    RecordKind::Contact,
                    RecordKind::Referral,
                ][i % 4],
                key_class: SensitivityClass::Outreach,
                key_epoch: 1,
                body,
            }
        })
        .collect()
}

async fn one_sync(
    client: reqwest::Client,
    url: Arc<str>,
    mut device: SimDevice,
    versions: Vec<SealedVersion>,
) -> (SimDevice, SyncOutcome) {
    let mut outcome = SyncOutcome::default();
    let start = Instant::now();
    let result = tokio::time::timeout(
        SYNC_TIMEOUT,
        push_then_pull(&client, &url, &mut device, versions, &mut outcome),
    )
    .await;
    outcome.took = start.elapsed();
    outcome.error = match result {
        Ok(Ok(())) => None,
        Ok(Err(e)) => Some(e),
        Err(_) => Some("the sync timed out".into()),
    };
    (device, outcome)
}

async fn push_then_pull(
    client: &reqwest::Client,
    url: &str,
    device: &mut SimDevice,
    versions: Vec<SealedVersion>,
    outcome: &mut SyncOutcome,
) -> Result<(), String> {
    let count = versions.len() as u32;
    let t = Instant::now();
    let answer: PushResponse = client
        .post(format!("{url}{}", paths::PUSH))
        .header(PROTOCOL_HEADER, PROTOCOL_VERSION.to_string())
        .bearer_auth(&device.token)
        .json(&PushRequest { versions })
        .send()
        .await
        .and_then(|r| r.error_for_status())
        .map_err(|e| format!("push: {}", e.without_url()))?
        .json()
        .await
        .map_err(|e| format!("push answer: {}", e.without_url()))?;
    outcome.pushes.push(t.elapsed());
    if answer.stored != count {
        return Err(format!(
            "the hub stored {} of {count} versions",
            answer.stored
        ));
    }
    for _ in 0..MAX_PULL_PAGES {
        let t = Instant::now();
        let page: PullResponse = client
            .get(format!("{url}{}", paths::PULL))
            .header(PROTOCOL_HEADER, PROTOCOL_VERSION.to_string())
            .bearer_auth(&device.token)
            .query(&[
                ("since", device.cursor),
                ("limit", u64::from(DEFAULT_PULL_LIMIT)),
            ])
            .send()
            .await
            .and_then(|r| r.error_for_status())
            .map_err(|e| format!("pull: {}", e.without_url()))?
            .json()
            .await
            .map_err(|e| format!("pull answer: {}", e.without_url()))?;
        outcome.pulls.push(t.elapsed());
        outcome.pulled += page.versions.len() as u64;
        device.cursor = page.next.max(device.cursor);
        if !page.more {
            return Ok(());
        }
    }
    Err("more pull pages than the bench allows".into())
}

/// Every acknowledged version is in its team's log, once.
fn check_logs(
    hub: &Hub,
    devices: &[SimDevice],
    config: &CrowdConfig,
    rounds: usize,
    outcomes: &[SyncOutcome],
) -> Res<()> {
    if outcomes.iter().any(|o| o.error.is_some()) {
        // Failures are reported; the logs cannot be checked exactly then.
        return Ok(());
    }
    let mut teams: Vec<(Uuid, u64)> = Vec::new();
    for device in devices {
        match teams.iter_mut().find(|(t, _)| *t == device.team) {
            Some((_, n)) => *n += 1,
            None => teams.push((device.team, 1)),
        }
    }
    hub.block_on(async {
        for (team, members) in teams {
            let stats = hub.storage().log_stats(team).await?;
            let expected = members * rounds as u64 * config.versions_per_sync as u64;
            if stats.versions != expected {
                return Err(format!(
                    "a team's log holds {} versions, not {expected}",
                    stats.versions
                )
                .into());
            }
        }
        Res::Ok(())
    })
}
