//! Helpers shared by the end-to-end tests: finding (or building) the
//! `fieldbook` binary, running it against a private data directory, and small
//! utilities (dates, a deterministic PRNG, byte searches).
//!
//! # Where the binary comes from
//!
//! `env!("CARGO_BIN_EXE_fieldbook")` only exists for binaries of the package
//! under test, and `fieldbook` belongs to `fieldbook-cli`. So [`fieldbook_bin`]
//! derives the binary's path from the test executable itself: integration
//! tests run from `<target dir>/<profile>/deps/` (or
//! `<target dir>/<triple>/<profile>/deps/` when cross-building), and cargo puts
//! the CLI at `<target dir>/<profile>/fieldbook`.
//!
//! `cargo test -p fieldbook-e2e` does not build other packages' binaries, and
//! one left over from an earlier build may predate the sources. So, once per
//! test process (guarded by a `OnceLock`), the helper runs
//! `cargo build -p fieldbook-cli` with the same profile, target directory and
//! target triple. When the binary is already up to date this is a no-op that
//! takes a fraction of a second. Set `FIELDBOOK_E2E_NO_BUILD=1` to skip the
//! build and use whatever binary is there (it must exist), or
//! `FIELDBOOK_E2E_BIN=/path/to/fieldbook` to test another binary.
//!
//! # Isolation
//!
//! Each [`Fieldbook`] owns a temporary directory holding the data directory
//! and a private `TMPDIR` for the child. The PIN is passed in the child's
//! environment only (never `std::env::set_var` in the test process), and
//! inherited settings that would change the CLI's behaviour
//! (`FIELDBOOK_DATA`, `FIELDBOOK_LANG`, `FIELDBOOK_PLATFORM_KEY_DIR`, `LANG`)
//! are removed.

// Each test file compiles this module separately and uses a part of it.
#![allow(dead_code)]

pub mod devices;
pub mod fault_proxy;
pub mod hub;
pub mod hub_db;
pub mod plaintext;
pub mod postgres;
pub mod raw_http;

use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::OnceLock;

pub const PIN: &str = "482916";

// ---------------------------------------------------------------------------
// Locating and building the binary
// ---------------------------------------------------------------------------

/// The `fieldbook-hub` binary, built beside `fieldbook`.
#[allow(dead_code)] // not every test file starts a hub
pub fn hub_bin() -> PathBuf {
    fieldbook_bin().with_file_name(format!("fieldbook-hub{}", std::env::consts::EXE_SUFFIX))
}

/// The `fieldbook` binary, built if needed (once per test process).
pub fn fieldbook_bin() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(locate_or_build)
}

struct Layout {
    /// `<target dir>`, as passed to `cargo build --target-dir`.
    target_dir: PathBuf,
    /// `Some(triple)` when the tests were built with `--target`.
    triple: Option<String>,
    /// The directory's name (`debug`, `release`, or a custom profile's name).
    profile_dir: PathBuf,
}

fn layout() -> Layout {
    let exe = std::env::current_exe().expect("the test executable's path");
    // <profile dir>/deps/<test binary>
    let deps = exe.parent().expect("deps directory");
    let profile_dir = if deps.file_name().is_some_and(|n| n == "deps") {
        deps.parent().expect("profile directory").to_path_buf()
    } else {
        deps.to_path_buf()
    };
    let above = profile_dir
        .parent()
        .expect("target directory")
        .to_path_buf();
    // Cargo marks the root of a target directory with CACHEDIR.TAG; without
    // it, `above` is `<target dir>/<triple>`.
    if above.join("CACHEDIR.TAG").exists() || above.parent().is_none() {
        Layout {
            target_dir: above,
            triple: None,
            profile_dir,
        }
    } else {
        let triple = above.file_name().map(|n| n.to_string_lossy().into_owned());
        Layout {
            target_dir: above.parent().expect("target directory").to_path_buf(),
            triple,
            profile_dir,
        }
    }
}

fn locate_or_build() -> PathBuf {
    if let Some(bin) = std::env::var_os("FIELDBOOK_E2E_BIN") {
        let bin = PathBuf::from(bin);
        assert!(
            bin.is_file(),
            "FIELDBOOK_E2E_BIN={} is not a file",
            bin.display()
        );
        return bin;
    }
    let layout = layout();
    let bin = layout
        .profile_dir
        .join(format!("fieldbook{}", std::env::consts::EXE_SUFFIX));
    if std::env::var_os("FIELDBOOK_E2E_NO_BUILD").is_some() {
        assert!(
            bin.is_file(),
            "{} does not exist (unset FIELDBOOK_E2E_NO_BUILD to build it)",
            bin.display()
        );
        return bin;
    }
    let profile = match layout
        .profile_dir
        .file_name()
        .and_then(|n| n.to_str())
        .expect("profile directory name")
    {
        "debug" => "dev".to_string(),
        other => other.to_string(),
    };
    let cargo = std::env::var_os("CARGO")
        .or_else(|| option_env!("CARGO").map(Into::into))
        .unwrap_or_else(|| "cargo".into());
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root");
    let mut cmd = Command::new(cargo);
    cmd.current_dir(workspace)
        .args([
            "build",
            "--quiet",
            "-p",
            "fieldbook-cli",
            "-p",
            "fieldbook-hub",
            "--profile",
        ])
        .arg(&profile)
        .arg("--target-dir")
        .arg(&layout.target_dir);
    if let Some(triple) = &layout.triple {
        cmd.args(["--target", triple]);
    }
    let status = cmd
        .status()
        .unwrap_or_else(|e| panic!("running cargo build -p fieldbook-cli: {e}"));
    assert!(status.success(), "cargo build -p fieldbook-cli failed");
    assert!(bin.is_file(), "cargo built no binary at {}", bin.display());
    bin
}

// ---------------------------------------------------------------------------
// Running the CLI
// ---------------------------------------------------------------------------

/// What one run of the CLI did.
#[derive(Debug)]
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    fn from_output(out: Output, what: &str) -> Run {
        let run = Run {
            code: out.status.code(),
            stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
        };
        run.assert_no_panic(what);
        run
    }

    pub fn assert_no_panic(&self, what: &str) {
        assert!(
            !self.stderr.contains("panicked") && !self.stderr.contains("RUST_BACKTRACE"),
            "`fieldbook {what}` panicked:\n{}",
            self.stderr
        );
    }

    pub fn ok(&self) -> bool {
        self.code == Some(0)
    }

    /// Standard output parsed as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }
}

/// A private data directory and the way to run `fieldbook` on it.
pub struct Fieldbook {
    root: tempfile::TempDir,
    pub data: PathBuf,
    /// The child's TMPDIR / SQLITE_TMPDIR, to catch temporary files.
    pub tmp: PathBuf,
    pub pin: String,
}

impl Default for Fieldbook {
    fn default() -> Self {
        Self::new()
    }
}

impl Fieldbook {
    /// A fresh directory with no store in it yet.
    pub fn new() -> Fieldbook {
        let root = tempfile::Builder::new()
            .prefix("fieldbook-e2e-")
            .tempdir()
            .expect("temporary directory");
        let data = root.path().join("data");
        let tmp = root.path().join("tmp");
        std::fs::create_dir(&tmp).expect("child's temporary directory");
        Fieldbook {
            root,
            data,
            tmp,
            pin: PIN.to_string(),
        }
    }

    /// A fresh store (`init`), with extra `init` arguments.
    pub fn init_with(args: &[&str]) -> Fieldbook {
        let fb = Fieldbook::new();
        let mut all = vec!["init"];
        all.extend_from_slice(args);
        let run = fb.run(&all);
        assert!(run.ok(), "init failed: {run:?}");
        assert!(fb.db().is_file(), "init made no database file");
        fb
    }

    pub fn init() -> Fieldbook {
        Self::init_with(&[])
    }

    pub fn root(&self) -> &Path {
        self.root.path()
    }

    pub fn db(&self) -> PathBuf {
        self.data.join("fieldbook.db")
    }

    /// A command for `fieldbook --data <data> ARGS` with this store's PIN.
    pub fn command(&self, args: &[&str]) -> Command {
        self.command_with_pin(args, Some(&self.pin))
    }

    pub fn command_with_pin(&self, args: &[&str], pin: Option<&str>) -> Command {
        let mut cmd = Command::new(fieldbook_bin());
        cmd.arg("--data")
            .arg(&self.data)
            .args(args)
            .env_remove("FIELDBOOK_DATA")
            .env_remove("FIELDBOOK_LANG")
            .env_remove("FIELDBOOK_PLATFORM_KEY_DIR")
            .env_remove("FIELDBOOK_PIN")
            .env_remove("RUST_BACKTRACE")
            .env("LANG", "C")
            .env("TMPDIR", &self.tmp)
            .env("SQLITE_TMPDIR", &self.tmp)
            .stdin(Stdio::null());
        if let Some(pin) = pin {
            cmd.env("FIELDBOOK_PIN", pin);
        }
        cmd
    }

    /// Runs `fieldbook ARGS` to completion.
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_full(args, None, Some(&self.pin))
    }

    /// Runs `fieldbook ARGS` with `stdin` as standard input.
    pub fn run_stdin(&self, args: &[&str], stdin: &str) -> Run {
        self.run_full(args, Some(stdin), Some(&self.pin))
    }

    pub fn run_with_pin(&self, args: &[&str], pin: &str) -> Run {
        self.run_full(args, None, Some(pin))
    }

    pub fn run_full(&self, args: &[&str], stdin: Option<&str>, pin: Option<&str>) -> Run {
        let mut cmd = self.command_with_pin(args, pin);
        cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
        if stdin.is_some() {
            cmd.stdin(Stdio::piped());
        }
        let mut child = cmd.spawn().expect("spawning fieldbook");
        if let Some(input) = stdin {
            let mut pipe = child.stdin.take().expect("stdin pipe");
            // A command that does not read its input may exit before we finish.
            if let Err(e) = pipe.write_all(input.as_bytes()) {
                assert_eq!(
                    e.kind(),
                    std::io::ErrorKind::BrokenPipe,
                    "writing stdin: {e}"
                );
            }
        }
        let out = child.wait_with_output().expect("waiting for fieldbook");
        Run::from_output(out, &args.join(" "))
    }

    /// `add KIND --json -`; panics unless it succeeds. Returns the new id.
    pub fn add(&self, kind: &str, fields: &Value) -> String {
        let run = self.try_add(kind, fields, &[]);
        assert!(run.ok(), "add {kind} {fields} failed: {run:?}");
        let id = run.stdout.trim().to_string();
        assert_eq!(id.len(), 36, "add printed no id: {run:?}");
        id
    }

    pub fn try_add(&self, kind: &str, fields: &Value, extra: &[&str]) -> Run {
        let mut args = vec!["add", kind, "--json", "-"];
        args.extend_from_slice(extra);
        self.run_stdin(&args, &fields.to_string())
    }

    /// `update ID --json -`; panics unless it succeeds.
    pub fn update(&self, id: &str, fields: &Value) -> Run {
        let run = self.run_stdin(&["update", id, "--json", "-"], &fields.to_string());
        assert!(run.ok(), "update {id} {fields} failed: {run:?}");
        run
    }

    /// Runs a `--json` command that must succeed; returns its parsed output.
    pub fn json(&self, args: &[&str]) -> Value {
        let mut all = args.to_vec();
        all.push("--json");
        let run = self.run(&all);
        assert!(run.ok(), "`fieldbook {}` failed: {run:?}", all.join(" "));
        run.json()
    }

    /// `list KIND --json`, which must succeed.
    pub fn list(&self, kind: &str) -> Vec<Value> {
        match self.json(&["list", kind]) {
            Value::Array(items) => items,
            other => panic!("list {kind} printed no array: {other}"),
        }
    }

    /// `show ID --json`'s values, which must succeed.
    pub fn values(&self, id: &str) -> Value {
        self.json(&["show", id])["values"].clone()
    }

    /// Spawns `fieldbook ARGS` without waiting (output discarded).
    pub fn spawn(&self, args: &[&str]) -> Child {
        self.command(args)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawning fieldbook")
    }
}

/// Waits for a child and collects its exit status and standard error.
pub fn finish(child: Child) -> (ExitStatus, String) {
    let out = child.wait_with_output().expect("waiting for fieldbook");
    (
        out.status,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

// ---------------------------------------------------------------------------
// Dates, randomness, bytes
// ---------------------------------------------------------------------------

/// Today's date in the local time zone, as the CLI sees it, `days` from now.
pub fn day(days: i64) -> String {
    (chrono::Local::now().date_naive() + chrono::Duration::days(days))
        .format("%Y-%m-%d")
        .to_string()
}

/// A tiny deterministic PRNG (xorshift64*), so runs can be replayed.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform-ish in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
}

pub fn contains_bytes(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

pub fn utf16le(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(|u| u.to_le_bytes()).collect()
}

/// Every regular file under `dir`, recursively (an absent directory has none).
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for entry in entries {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else if path.is_file() {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// The ids in a `list --json` output.
pub fn ids(records: &[Value]) -> Vec<String> {
    records
        .iter()
        .map(|r| r["id"].as_str().expect("record id").to_string())
        .collect()
}
