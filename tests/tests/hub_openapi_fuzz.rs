//! `hub/openapi.yaml` drives schemathesis, a property-based checker that
//! makes requests from the description, against live hubs: on SQLite and on
//! PostgreSQL, without a token, with a supervisor's and with an outreach
//! worker's. Any 5xx fails the test, and so does any mismatch with the
//! description: a status it does not list, an answer outside its schema, a
//! request it calls invalid that the hub takes, or one it calls valid that
//! the hub refuses. The checks, and the few statuses they take beyond their
//! defaults (with the reason), are in `scripts/openapi_fuzz/schemathesis.toml`.
//!
//! Ignored by a plain `cargo test`: schemathesis is a Python tool, not a
//! crate. `scripts/openapi-fuzz.sh` installs it (pinned, in a cached
//! virtualenv) and runs these with `--ignored`, pointing
//! `FIELDBOOK_SCHEMATHESIS` at it; `scripts/test.sh` runs that script, so CI
//! runs them every time and a missing tool fails there, loudly.
//! `FIELDBOOK_SCHEMATHESIS_EXAMPLES` (default 25 per operation and phase) and
//! `FIELDBOOK_SCHEMATHESIS_SEED` change the run.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use common::devices::Device;
use common::hub::HubProcess;
use common::postgres::Schema;
use common::raw_http::request;
use fieldbook_core::store::Role;
use fieldbook_proto::paths;
use serde_json::Value;

const DEFAULT_EXAMPLES: &str = "25";
const DEFAULT_SEED: &str = "2016";

fn schemathesis() -> PathBuf {
    let tool = std::env::var_os("FIELDBOOK_SCHEMATHESIS").map(PathBuf::from);
    match tool {
        Some(tool) if tool.is_file() => tool,
        Some(tool) => panic!(
            "FIELDBOOK_SCHEMATHESIS={} is not a file: run scripts/openapi-fuzz.sh",
            tool.display()
        ),
        None => panic!(
            "FIELDBOOK_SCHEMATHESIS is not set: scripts/openapi-fuzz.sh installs schemathesis and runs this test"
        ),
    }
}

fn repo_file(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(path)
}

/// One run of schemathesis against a hub, as one caller.
struct Pass {
    name: &'static str,
    token: Option<String>,
    /// The caller's device id, and its team's: a claim names the caller,
    /// and a revocation a device of the team (random ids get 403 and 404).
    device: Option<String>,
    team_devices: Vec<String>,
    /// Operations that must answer this caller something besides 401/403
    /// (so its token worked: a pass shut out would check little).
    reaches: &'static [&'static str],
    /// Operations that refuse this caller (401, 403) whatever it sends: a
    /// few examples show the refusal, and the passes that get in explore
    /// their bodies (this keeps the run within minutes).
    refused: &'static [&'static str],
}

impl Pass {
    /// The shared configuration, and what this pass does differently.
    fn config(&self) -> String {
        let mut config =
            std::fs::read_to_string(repo_file("scripts/openapi_fuzz/schemathesis.toml")).unwrap();
        if let Some(device) = &self.device {
            config.push_str(&format!(
                "\n[dictionaries.this-device]\nvalues = [{device:?}]\n\
                 [dictionaries.team-devices]\nvalues = {:?}\n\
                 [[operations]]\ninclude-name = \"POST /v1/roster/claims\"\n\
                 parameters = {{ \"body.device_id\" = {{ dictionary = \"this-device\", probability = 0.8 }} }}\n\
                 [[operations]]\ninclude-name = \"POST /v1/devices/{{id}}/revoke\"\n\
                 parameters = {{ \"path.id\" = {{ dictionary = \"team-devices\", probability = 0.8 }} }}\n",
                self.team_devices
            ));
        }
        if !self.refused.is_empty() {
            let names: Vec<String> = self.refused.iter().map(|o| format!("{o:?}")).collect();
            config.push_str(&format!(
                "\n[[operations]]\ninclude-name = [{}]\ngeneration.max-examples = 5\nphases.coverage.enabled = false\n",
                names.join(", ")
            ));
        }
        config
    }
}

/// What any active device may do.
const ANY_DEVICE: &[&str] = &[
    "GET /v1/keys",
    "GET /v1/roster",
    "GET /v1/sync/pull",
    "POST /v1/sync/push",
    "POST /v1/roster/claims",
];

/// What only supervisors may do (past the token, 403 for other roles).
const SUPERVISORS_ONLY: &[&str] = &[
    "GET /v1/devices",
    "GET /v1/roster/claims",
    "POST /v1/devices/{id}/revoke",
    "POST /v1/invites",
    "POST /v1/keys",
    "POST /v1/roster",
    "POST /v1/sync/compact",
];

/// Every operation that takes a device token.
const WITH_A_TOKEN: &[&str] = &[
    "GET /v1/keys",
    "GET /v1/roster",
    "GET /v1/sync/pull",
    "POST /v1/sync/push",
    "POST /v1/roster/claims",
    "GET /v1/devices",
    "GET /v1/roster/claims",
    "POST /v1/devices/{id}/revoke",
    "POST /v1/invites",
    "POST /v1/keys",
    "POST /v1/roster",
    "POST /v1/sync/compact",
];

/// What one pass did, from its JSON report and its output.
struct Outcome {
    name: &'static str,
    success: bool,
    report: Value,
    output: String,
}

impl Outcome {
    /// How many well-formed requests each operation took (2xx), which
    /// shows how far past validation the pass went.
    fn accepted(&self) -> String {
        let Some(rates) = self.report["valid_rates"].as_object() else {
            return String::new();
        };
        let mut counts: Vec<String> = rates
            .iter()
            .filter_map(|(operation, phases)| {
                let n: u64 = phases
                    .as_object()?
                    .values()
                    .filter_map(|p| p["accepted"].as_u64())
                    .sum();
                (n > 0).then(|| format!("{operation} {n}"))
            })
            .collect();
        counts.sort();
        counts.join(", ")
    }

    fn problems(&self, pass: &Pass) -> Vec<String> {
        let r = &self.report;
        let mut problems = Vec::new();
        if !self.success {
            problems.push("schemathesis exited with failure".into());
        }
        if r["complete"] != true {
            problems.push(format!("the run did not complete: {}", r["stop_reason"]));
        }
        for what in ["failures", "errors"] {
            if r[what].as_array().is_none_or(|a| !a.is_empty()) {
                problems.push(format!("{what}: {}", r[what]));
            }
        }
        let operations = &r["operations"];
        if operations["tested"] != operations["total"] || operations["total"] == 0 {
            problems.push(format!("not every operation was tested: {operations}"));
        }
        let blocked = r["warnings"]["missing_auth"].as_array().cloned();
        for operation in pass.reaches {
            if blocked
                .as_ref()
                .is_none_or(|b| b.contains(&Value::from(*operation)))
            {
                problems.push(format!("{operation}: only 401/403 answers"));
            }
        }
        problems
    }
}

/// Runs every pass against `hub` at once (each is one process), and fails
/// on any mismatch with the description.
fn fuzz(backend: &str, hub: &HubProcess, passes: &[Pass]) {
    let tool = schemathesis();
    let examples = std::env::var("FIELDBOOK_SCHEMATHESIS_EXAMPLES")
        .unwrap_or_else(|_| DEFAULT_EXAMPLES.into());
    let seed = std::env::var("FIELDBOOK_SCHEMATHESIS_SEED").unwrap_or_else(|_| DEFAULT_SEED.into());
    let started = Instant::now();
    let outcomes: Vec<Outcome> = std::thread::scope(|scope| {
        let runs: Vec<_> = passes
            .iter()
            .map(|pass| {
                let (tool, examples, seed) = (&tool, &examples, &seed);
                scope.spawn(move || run(tool, hub, pass, examples, seed))
            })
            .collect();
        runs.into_iter().map(|r| r.join().unwrap()).collect()
    });
    let mut failed = Vec::new();
    for (pass, outcome) in passes.iter().zip(&outcomes) {
        let generated = &outcome.report["test_cases"]["generated"];
        eprintln!(
            "{backend}, {}: {generated} cases, seed {seed}; accepted: {}",
            outcome.name,
            outcome.accepted()
        );
        let problems = outcome.problems(pass);
        if !problems.is_empty() {
            failed.push(format!(
                "== {backend}, {}: {}\n{}",
                outcome.name,
                problems.join("; "),
                outcome.output
            ));
        }
    }
    eprintln!(
        "{backend}: {} passes in {:?}",
        passes.len(),
        started.elapsed()
    );
    assert!(failed.is_empty(), "{}", failed.join("\n"));
    // The run left the hub serving: no crash, and the supervisor was not
    // shut out half-way (which would have left the rest of its pass at 410).
    let log = std::fs::read_to_string(hub.log_file()).unwrap();
    assert!(!log.contains("panicked"), "the hub panicked:\n{log}");
    if let Some(token) = passes.iter().find_map(|p| p.token.as_deref()) {
        let keys = request(hub.port(), "GET", paths::KEYS, Some(token), None);
        assert_eq!(keys.status, 200, "{keys:?}");
    }
}

fn run(tool: &Path, hub: &HubProcess, pass: &Pass, examples: &str, seed: &str) -> Outcome {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("schemathesis.toml");
    std::fs::write(&config, pass.config()).unwrap();
    let mut command = Command::new(tool);
    command
        .current_dir(dir.path())
        .arg("--config-file")
        .arg(&config)
        .arg("--no-color")
        .arg("run")
        .arg(repo_file("hub/openapi.yaml"))
        .args(["--url", &hub.url()])
        .args(["--checks", "all"])
        .args(["--max-examples", examples])
        .args(["--seed", seed])
        .args(["--workers", "1"])
        .args(["--generation-database", "none"])
        .arg("--continue-on-failure")
        .args(["--output-truncate", "true"])
        .args(["--report", "json", "--report-dir"])
        .arg(dir.path());
    if let Some(token) = &pass.token {
        command.args(["--header", &format!("Authorization: Bearer {token}")]);
    }
    let out = command
        .output()
        .unwrap_or_else(|e| panic!("running {}: {e}", tool.display()));
    let output = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let report = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap())
        .unwrap_or_else(|| panic!("{}: schemathesis wrote no report:\n{output}", pass.name));
    Outcome {
        name: pass.name,
        success: out.status.success(),
        report,
        output,
    }
}

/// The passes: without a token, as a supervisor (who may call everything)
/// and as an outreach worker (refused the supervisors' routes).
fn passes(supervisor: &mut Device, outreach: Option<&mut Device>) -> Vec<Pass> {
    let mut team_devices = vec![supervisor.device_id()];
    team_devices.extend(outreach.as_ref().map(|o| o.device_id()));
    let mut passes = vec![
        Pass {
            name: "no token",
            token: None,
            device: None,
            team_devices: Vec::new(),
            reaches: &[],
            refused: WITH_A_TOKEN,
        },
        Pass {
            name: "supervisor",
            token: Some(supervisor.token()),
            device: Some(supervisor.device_id()),
            team_devices: team_devices.clone(),
            reaches: WITH_A_TOKEN,
            refused: &[],
        },
    ];
    if let Some(outreach) = outreach {
        passes.push(Pass {
            name: "outreach worker",
            token: Some(outreach.token()),
            device: Some(outreach.device_id()),
            team_devices,
            reaches: ANY_DEVICE,
            refused: SUPERVISORS_ONLY,
        });
    }
    passes
}

#[test]
#[ignore = "needs schemathesis: scripts/openapi-fuzz.sh installs it and runs this"]
fn the_hub_on_sqlite_matches_its_description() {
    // Enrollment's rate limit raised, so that its bodies are fuzzed rather
    // than mostly answered 429 (the PostgreSQL hub keeps the default).
    let hub = HubProcess::start_serving_with(&[
        "--enroll-burst",
        "1000000",
        "--enroll-per-minute",
        "1000000",
    ]);
    let (_, code) = hub.create_team("Đội Hải Phòng");
    let mut supervisor = Device::enroll("supervisor", &hub.url(), &code);
    let mut outreach = supervisor.invite("outreach", Role::Outreach, &hub.url());
    let passes = passes(&mut supervisor, Some(&mut outreach));
    fuzz("sqlite", &hub, &passes);
}

#[test]
#[ignore = "needs schemathesis: scripts/openapi-fuzz.sh installs it and runs this"]
fn the_hub_on_postgres_matches_its_description() {
    let Some(schema) = Schema::create() else {
        return;
    };
    // The default enrollment rate limit: its 429 and Retry-After are checked live.
    let hub = HubProcess::start_on_postgres(&schema.hub_url());
    let (_, code) = hub.create_team("Đội Hà Nội");
    let mut supervisor = Device::enroll("supervisor", &hub.url(), &code);
    let passes = passes(&mut supervisor, None);
    fuzz("postgres", &hub, &passes);
}
