//! The command line, as clap parses it.

use clap::{Parser, Subcommand};
use fieldbook_core::Lang;
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "fieldbook",
    version,
    about = "Fieldbook: encrypted field records for community drug counseling, care and treatment"
)]
pub struct Cli {
    /// The device's data directory.
    #[arg(long, global = true, env = "FIELDBOOK_DATA", value_name = "DIR")]
    pub data: Option<PathBuf>,

    /// Language of messages and form labels: vi or en.
    #[arg(long, global = true, env = "FIELDBOOK_LANG", value_name = "vi|en")]
    pub lang: Option<String>,

    /// Where the desktop's software platform key is kept (default: the data directory).
    /// Keep it on other media to split it from the data.
    #[arg(
        long,
        global = true,
        env = "FIELDBOOK_PLATFORM_KEY_DIR",
        value_name = "DIR"
    )]
    pub platform_key_dir: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    pub fn lang(&self) -> Lang {
        self.lang
            .as_deref()
            .and_then(|l| l.parse().ok())
            .or_else(|| {
                std::env::var("LANG")
                    .ok()
                    .filter(|l| l.to_ascii_lowercase().starts_with("vi"))
                    .map(|_| Lang::Vi)
            })
            .unwrap_or(Lang::En)
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a new device store (PIN from FIELDBOOK_PIN, or asked for).
    Init {
        /// The role of this device's user.
        #[arg(long, default_value = "supervisor")]
        role: String,
        /// Lock after this many idle seconds.
        #[arg(long)]
        auto_lock_secs: Option<u64>,
        /// Erase the store after this many consecutive wrong PINs.
        #[arg(long)]
        max_failed_unlocks: Option<u32>,
    },
    /// Validate and store a record; prints its id.
    Add {
        /// client, contact, case-note, referral or meeting
        kind: String,
        /// A JSON object keyed by the form's field keys ('-' for standard input).
        #[arg(long, value_name = "FILE")]
        json: PathBuf,
        /// Store a client even if one with the same identifier code exists.
        #[arg(long)]
        allow_duplicate: bool,
    },
    /// Change fields of a record (a JSON null clears a field).
    Update {
        id: String,
        #[arg(long, value_name = "FILE")]
        json: PathBuf,
    },
    /// Delete a record (its history stays).
    Delete { id: String },
    /// Show a record, with any conflicting values.
    Show {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// List the records of a kind.
    List {
        kind: String,
        #[arg(long)]
        json: bool,
    },
    /// Every version of a record.
    History {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Search clients by alias prefix or identifier code, and by area.
    Search {
        /// An alias prefix or an identifier code.
        text: Option<String>,
        #[arg(long)]
        area: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// A client's contacts, case notes, referrals and meetings, newest first.
    Timeline {
        client_id: String,
        #[arg(long)]
        json: bool,
    },
    /// Follow-ups due on a day (default today), overdue first.
    Due {
        #[arg(long, value_name = "YYYY-MM-DD")]
        date: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Referrals grouped by status.
    Referrals {
        #[arg(long)]
        status: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// A period's indicators (supervisors' monthly report), for the team or one worker.
    Report {
        #[arg(long, value_name = "YYYY-MM-DD")]
        from: String,
        #[arg(long, value_name = "YYYY-MM-DD")]
        to: String,
        /// Only what this device id created (see `devices list`).
        #[arg(long, value_name = "DEVICE_ID")]
        worker: Option<String>,
        #[arg(long, conflicts_with = "csv")]
        json: bool,
        /// The indicators as CSV rows on standard output.
        #[arg(long)]
        csv: bool,
        /// Also write a workbook: the indicators, each month's, and the period's records.
        #[arg(long, value_name = "FILE")]
        xlsx: Option<PathBuf>,
        /// Also write a chart of the indicators over the period's months (.svg).
        #[arg(long, value_name = "FILE")]
        chart: Option<PathBuf>,
    },
    /// The team's overdue follow-ups on a day (default today), by worker.
    Overdue {
        #[arg(long, value_name = "YYYY-MM-DD")]
        date: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// The form definitions, in the chosen language, for drawing forms: the
    /// ones this device uses with --data (PIN asked), the built-in ones
    /// without. Subcommands list, export and import forms.
    Forms {
        #[command(subcommand)]
        command: Option<FormsCommand>,
        #[arg(long)]
        kind: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Enroll this device in a team with a one-time code (creates the store).
    Enroll {
        code: String,
        /// The hub's address, e.g. https://hub.example:8443
        #[arg(long)]
        hub: String,
        /// SHA-256 of the hub's TLS certificate (64 hex digits, colons allowed),
        /// as the hub and the supervisor's `invite` print it; required for https.
        #[arg(long = "hub-cert-sha256", value_name = "HEX")]
        hub_cert_sha256: Option<String>,
        /// A name for this device in the supervisor's list.
        #[arg(long)]
        label: Option<String>,
    },
    /// Make a one-time enrollment code for a new device (supervisors).
    Invite {
        #[arg(long)]
        role: String,
        /// Days before the code expires.
        #[arg(long, default_value_t = 7)]
        days: i64,
    },
    /// Push this device's changes to the hub and pull the team's.
    Sync {
        #[arg(long)]
        json: bool,
        /// Versions per pull page (tests use small pages to interrupt a pull mid-way).
        #[arg(long, hide = true, value_parser = clap::value_parser!(u32).range(1..=1000))]
        page_size: Option<u32>,
    },
    /// Sync, then shrink the team's log on the hub: records with many versions
    /// get one merged version and the hub drops the ones it supersedes (supervisors).
    Compact {
        /// Compact only records with at least this many versions.
        #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(2..))]
        min_versions: u64,
        #[arg(long)]
        json: bool,
    },
    /// The team as this device verified it: its fingerprint (compare it
    /// with a supervisor's in person), the signed roster's members and key epoch.
    Team {
        #[arg(long)]
        json: bool,
    },
    /// The team's devices (supervisors).
    Devices {
        #[command(subcommand)]
        command: DevicesCommand,
    },
    /// Check every sealed record, version and team key, the audit trail and
    /// the file header; rebuild what this device can, and restore from the
    /// hub what it holds. Names what is damaged and what became of it.
    Check {
        /// Only look: change nothing, and say what a repair could do.
        #[arg(long)]
        no_repair: bool,
        #[arg(long)]
        json: bool,
    },
    /// The team's security policy, signed by a supervisor into the roster.
    Policy {
        #[command(subcommand)]
        command: PolicyCommand,
    },
    /// Audit trail commands.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check that no audit entry was altered, inserted or removed.
    Verify {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum FormsCommand {
    /// Every form version this device knows: which is in use, who signed it and when.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Writes a form as an XLSForm workbook (the one in use, or --version).
    Export {
        /// client, contact, case-note, referral or meeting.
        kind: String,
        #[arg(long, value_name = "FILE")]
        xlsx: PathBuf,
        #[arg(long)]
        version: Option<u32>,
    },
    /// Reads an XLSForm workbook, then signs it and publishes it to the
    /// team (supervisors). With --check, only reads and checks it.
    Import {
        file: PathBuf,
        #[arg(long)]
        check: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// The team's policy as this device verified it, and what this device follows.
    Show {
        #[arg(long)]
        json: bool,
    },
    /// Sign a new team policy (supervisors): the settings given change, the
    /// others keep the team's current values. Every device follows it at its
    /// next sync.
    Set {
        /// Lock after this many idle seconds (30 to 3600).
        #[arg(long)]
        auto_lock_secs: Option<u64>,
        /// Erase a store after this many consecutive wrong PINs (3 to 20).
        #[arg(long)]
        max_failed_unlocks: Option<u32>,
        /// Wrong PINs allowed before each further try must wait (1 to 5).
        #[arg(long)]
        free_attempts: Option<u32>,
        /// The first wait after the free attempts, in seconds (5 to 600).
        #[arg(long)]
        backoff_base_secs: Option<u64>,
        /// The longest wait, in seconds (60 to 86400).
        #[arg(long)]
        backoff_max_secs: Option<u64>,
        /// Erase a device that has not reached the hub for this many days (3 to 90).
        #[arg(long)]
        offline_erase_days: Option<u32>,
        /// The fewest digits a new PIN may have (6 to 12).
        #[arg(long)]
        min_pin_digits: Option<u32>,
    },
}

#[derive(Debug, Subcommand)]
pub enum DevicesCommand {
    List {
        #[arg(long)]
        json: bool,
    },
    /// Revoke a device: the hub refuses it and orders it to erase itself, and
    /// the team moves to new keys it never gets.
    Revoke { id: String },
}
