//! Prints the figures as Markdown tables: one column per backend, and
//! PostgreSQL's figures as ratios against SQLite's when both ran.

use crate::first_sync::Leg;
use crate::{BackendRun, Config};

/// The aims from the issue.
pub const FIRST_SYNC_AIM_SECONDS: f64 = 10.0;
/// The most bytes a sync with nothing new should cost.
pub const IDLE_SYNC_AIM_BYTES: u64 = 1024;
/// The p99 sync time the crowd should stay under, in milliseconds.
pub const CROWD_P99_AIM_MS: f64 = 1000.0;

/// Prints the figures of every backend's run as Markdown tables, on standard output.
pub fn print(config: &Config, runs: &[BackendRun]) {
    let Some(first) = runs.first() else {
        return;
    };
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    println!("# Fieldbook sync benchmark");
    println!();
    println!(
        "- {} UTC, {cores} cores; hub in this process (fieldbook_hub::api::router served by \
         fieldbook_hub::server::serve on 127.0.0.1, tokio multi-thread runtime)",
        chrono::Utc::now().format("%Y-%m-%d %H:%M")
    );
    match config.hub_backlog {
        None => println!(
            "- the hub listens as the fieldbook-hub binary does (a listen backlog of {})",
            fieldbook_hub::server::LISTEN_BACKLOG
        ),
        Some(n) => println!("- the hub listens with a backlog of {n} (--backlog)"),
    }
    println!("- devices' stores: KDF {}", config.kdf.describe());
    if let Some(mbit) = config.link_mbit {
        println!(
            "- the two devices reach the hub through a link of {mbit} Mbit/s each way (--link-mbit)"
        );
    }
    println!(
        "- bytes on the wire: TCP payload (HTTP headers and bodies, both ways) counted by a \
         proxy between the two devices and the hub"
    );
    let w = &first.first.written;
    println!(
        "- first sync: {} records ({} clients, {} contacts, {} referrals) written by an \
         outreach device, pulled by the supervisor's device",
        w.total(),
        w.clients,
        w.contacts,
        w.referrals
    );
    let c = &first.crowd;
    println!(
        "- many devices: {} devices in {} teams of up to {}, {} round(s), each sync pushes {} \
         sealed versions of {}-{} random bytes then pulls since its cursor; straight to the hub",
        c.config.devices,
        c.teams,
        c.config.team_size,
        c.rounds.len(),
        c.config.versions_per_sync,
        c.config.body_bytes.0,
        c.config.body_bytes.1
    );
    println!();
    first_sync_table(runs);
    idle_table(runs);
    crowd_table(runs);
    aims(runs);
}

/// One table row: a label and one value per backend.
struct Table<'a> {
    runs: &'a [BackendRun],
}

impl Table<'_> {
    fn header(&self, title: &str) {
        println!("## {title}");
        println!();
        let names: Vec<&str> = self.runs.iter().map(|r| r.backend.name()).collect();
        let ratio = if self.runs.len() == 2 {
            format!(" | {} / {}", names[1], names[0])
        } else {
            String::new()
        };
        println!("| measure | {}{ratio} |", names.join(" | "));
        let columns = self.runs.len() + usize::from(self.runs.len() == 2);
        println!("|---|{}", "---:|".repeat(columns));
    }

    fn row(&self, label: &str, value: impl Fn(&BackendRun) -> f64) {
        let values: Vec<f64> = self.runs.iter().map(&value).collect();
        let shown: Vec<String> = values.iter().map(|v| number(*v)).collect();
        let ratio = if values.len() == 2 {
            if values[0] == 0.0 {
                " | -".to_string()
            } else {
                format!(" | {:.2}", values[1] / values[0])
            }
        } else {
            String::new()
        };
        println!("| {label} | {}{ratio} |", shown.join(" | "));
    }

    fn end(&self) {
        println!();
    }
}

/// Whole numbers as they are; others to about three significant digits.
fn number(v: f64) -> String {
    if (v == v.trunc() && v.abs() < 1e9) || v.abs() >= 100.0 {
        format!("{v:.0}")
    } else if v.abs() >= 10.0 {
        format!("{v:.1}")
    } else if v.abs() >= 1.0 {
        format!("{v:.2}")
    } else {
        format!("{v:.3}")
    }
}

fn leg_rows(t: &Table, name: &str, leg: impl Fn(&BackendRun) -> Leg, sealed: bool) {
    t.row(&format!("{name}: seconds"), |r| leg(r).seconds);
    t.row(&format!("{name}: records/s"), |r| leg(r).per_second());
    t.row(&format!("{name}: HTTP requests"), |r| {
        leg(r).requests as f64
    });
    t.row(&format!("{name}: MB on the wire"), |r| {
        leg(r).bytes.total() as f64 / 1e6
    });
    t.row(&format!("{name}: bytes on the wire per record"), |r| {
        leg(r).wire_per_version()
    });
    if sealed {
        t.row(&format!("{name}: wire / sealed size"), |r| {
            leg(r).wire_per_version() / r.first.sealed_per_record().max(1e-9)
        });
    }
    t.row(&format!("{name}: seconds the hub spent answering"), |r| {
        leg(r).hub_busy
    });
}

fn first_sync_table(runs: &[BackendRun]) {
    let t = Table { runs };
    t.header(&format!(
        "1. First sync of {} records, one device to another through the hub",
        runs[0].first.records()
    ));
    leg_rows(&t, "push (outreach device)", |r| r.first.push, true);
    leg_rows(&t, "pull (supervisor's device)", |r| r.first.pull, true);
    leg_rows(
        &t,
        "echo (the pushing device pulls its own versions back)",
        |r| r.first.echo,
        false,
    );
    t.row("push + pull: seconds", |r| {
        r.first.push.seconds + r.first.pull.seconds
    });
    t.row("both devices' first syncs, echo included: seconds", |r| {
        r.first.push.seconds + r.first.echo.seconds + r.first.pull.seconds
    });
    t.row("sealed size per record (bytes)", |r| {
        r.first.sealed_per_record()
    });
    t.row(
        "(setup, not sync) writing the records on the device: seconds",
        |r| r.first.write_seconds,
    );
    t.end();
}

fn idle_table(runs: &[BackendRun]) {
    let t = Table { runs };
    t.header("2. A sync with nothing new");
    for (i, device) in runs[0].idle.iter().enumerate() {
        let name = device.device;
        t.row(&format!("{name}: HTTP requests"), |r| {
            r.idle[i].requests as f64
        });
        t.row(&format!("{name}: bytes to the hub"), |r| {
            r.idle[i].bytes.to_hub as f64
        });
        t.row(&format!("{name}: bytes from the hub"), |r| {
            r.idle[i].bytes.from_hub as f64
        });
        t.row(&format!("{name}: bytes on the wire"), |r| {
            r.idle[i].bytes.total() as f64
        });
        t.row(&format!("{name}: milliseconds"), |r| {
            r.idle[i].seconds * 1e3
        });
    }
    t.end();
}

fn crowd_table(runs: &[BackendRun]) {
    let t = Table { runs };
    t.header(&format!(
        "3. {} devices syncing at once",
        runs[0].crowd.config.devices
    ));
    t.row("syncs per second", |r| r.crowd.syncs_per_second());
    t.row("requests per second", |r| r.crowd.requests_per_second());
    t.row("whole sync p50 (ms)", |r| r.crowd.sync_ms.p50);
    t.row("whole sync p99 (ms)", |r| r.crowd.sync_ms.p99);
    t.row("whole sync max (ms)", |r| r.crowd.sync_ms.max);
    t.row("single request p50 (ms)", |r| r.crowd.request_ms.p50);
    t.row("single request p99 (ms)", |r| r.crowd.request_ms.p99);
    t.row("push p50 (ms)", |r| r.crowd.push_ms.p50);
    t.row("push p99 (ms)", |r| r.crowd.push_ms.p99);
    t.row("pull page p50 (ms)", |r| r.crowd.pull_ms.p50);
    t.row("pull page p99 (ms)", |r| r.crowd.pull_ms.p99);
    t.row("versions pulled per sync", |r| r.crowd.pulled_per_sync());
    t.row("syncs completed", |r| r.crowd.syncs as f64);
    t.row("syncs failed", |r| r.crowd.failed as f64);
    t.row("requests (devices' count)", |r| r.crowd.requests as f64);
    t.row("requests (hub's count)", |r| r.crowd.hub_requests as f64);
    t.row(
        "connections dropped: accept queue full (each retried after 1 s)",
        |r| r.crowd.listen_overflows as f64,
    );
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get()) as f64;
    t.row(
        "CPU seconds available in the rounds (cores x seconds)",
        |r| cores * r.crowd.seconds,
    );
    t.row(
        "CPU seconds: this process (hub and simulated devices)",
        |r| r.crowd.cpu.process,
    );
    t.row("  of which the hub (share from per-thread samples)", |r| {
        r.crowd.cpu.process * r.crowd.cpu.hub_share()
    });
    t.row(
        "CPU seconds: other processes (PostgreSQL's server, other work on the machine)",
        |r| r.crowd.cpu.others(),
    );
    for i in 0..runs[0].crowd.rounds.len() {
        let round = |r: &BackendRun| r.crowd.rounds.get(i).copied();
        t.row(&format!("round {}: seconds", i + 1), |r| {
            round(r).map_or(0.0, |x| x.seconds)
        });
        t.row(&format!("round {}: whole sync p99 (ms)", i + 1), |r| {
            round(r).map_or(0.0, |x| x.sync_ms.p99)
        });
    }
    t.end();
    for run in runs {
        if let Some(error) = &run.crowd.first_error {
            println!("{}: first failed sync: {error}", run.backend.name());
        }
    }
}

fn verdict(holds: bool) -> &'static str {
    if holds {
        "HOLDS"
    } else {
        "MISSED"
    }
}

fn aims(runs: &[BackendRun]) {
    println!("## Aims");
    println!();
    for run in runs {
        let name = run.backend.name();
        let first = run.first.push.seconds + run.first.pull.seconds;
        println!(
            "- {name}: first sync of {} records (push + pull) under {FIRST_SYNC_AIM_SECONDS:.0} s: \
             {first:.1} s -> {}",
            run.first.records(),
            verdict(first < FIRST_SYNC_AIM_SECONDS)
        );
        for idle in &run.idle {
            let bytes = idle.bytes.total();
            println!(
                "- {name}: a sync with nothing new ({}) is one request under 1 KB: {} request(s), \
                 {bytes} bytes -> {}",
                idle.device,
                idle.requests,
                verdict(idle.requests == 1 && bytes < IDLE_SYNC_AIM_BYTES)
            );
        }
        let crowd = &run.crowd;
        println!(
            "- {name}: {} devices at once with a whole-sync p99 under 1 s: {:.0} ms, {} failed -> {}",
            crowd.config.devices,
            crowd.sync_ms.p99,
            crowd.failed,
            verdict(crowd.sync_ms.p99 < CROWD_P99_AIM_MS && crowd.failed == 0)
        );
    }
    println!();
}
