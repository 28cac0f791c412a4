//! A real `fieldbook-hub` process on loopback for the end-to-end tests: it
//! can be killed (SIGKILL, no graceful shutdown) and restarted on the same
//! port and data directory, the way a crash and a restart look to devices.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::hub_bin;

pub struct HubProcess {
    child: Option<Child>,
    port: u16,
    data_dir: PathBuf,
    /// A `postgres://` URL when the hub runs on PostgreSQL instead of SQLite.
    database: Option<String>,
    /// Options added to `serve` (limits and timeouts).
    serve_args: Vec<String>,
    /// A hard (and soft) limit on the hub's open files, as a small server may have.
    open_file_limit: Option<u64>,
    _data: tempfile::TempDir,
}

impl Drop for HubProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

impl HubProcess {
    /// A new hub with its own embedded SQLite store, on a free loopback port.
    pub fn start() -> HubProcess {
        HubProcess::start_with(None, &[], None)
    }

    /// A hub on the PostgreSQL database at `url` (several may share one).
    pub fn start_on_postgres(url: &str) -> HubProcess {
        HubProcess::start_with(Some(url.to_string()), &[], None)
    }

    /// A hub on SQLite served with extra `serve` options, e.g. `--header-timeout 2`.
    pub fn start_serving_with(serve_args: &[&str]) -> HubProcess {
        HubProcess::start_with(None, serve_args, None)
    }

    /// A hub on SQLite whose process may open at most `limit` files.
    pub fn start_with_open_file_limit(limit: u64) -> HubProcess {
        HubProcess::start_with(None, &[], Some(limit))
    }

    fn start_with(
        database: Option<String>,
        serve_args: &[&str],
        open_file_limit: Option<u64>,
    ) -> HubProcess {
        let data = tempfile::tempdir().unwrap();
        let data_dir = data.path().join("hub");
        let port = free_port();
        let mut hub = HubProcess {
            child: None,
            port,
            data_dir,
            database,
            serve_args: serve_args.iter().map(|a| a.to_string()).collect(),
            open_file_limit,
            _data: data,
        };
        hub.restart();
        hub
    }

    /// `fieldbook-hub` with this hub's data directory and database.
    fn command(&self) -> Command {
        let mut command = Command::new(hub_bin());
        command.arg("--data").arg(&self.data_dir);
        if let Some(url) = &self.database {
            command.args(["--database", url]);
        }
        command
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The PostgreSQL URL the hub runs on (`None`: embedded SQLite).
    pub fn database(&self) -> Option<&str> {
        self.database.as_deref()
    }

    /// The running hub's process id.
    pub fn pid(&self) -> u32 {
        self.child.as_ref().expect("the hub runs").id()
    }

    /// Where the hub keeps its files (the SQLite database and its WAL).
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// The hub's log (standard error of every run, appended).
    pub fn log_file(&self) -> PathBuf {
        self._data.path().join("hub.log")
    }

    /// SIGKILL: whatever the hub was doing stops mid-way.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts the hub again on the same port and data (kills it first if it runs).
    pub fn restart(&mut self) {
        self.kill();
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.log_file())
            .unwrap();
        let mut command = self.command();
        command
            .args(["serve", "--listen", &format!("127.0.0.1:{}", self.port)])
            .args(&self.serve_args)
            .env("RUST_LOG", "info")
            .stdout(Stdio::null())
            .stderr(log);
        if let Some(limit) = self.open_file_limit {
            use std::os::unix::process::CommandExt;
            // SAFETY: only setrlimit, which is async-signal-safe, runs in the child before exec.
            unsafe {
                command.pre_exec(move || {
                    let rlimit = libc::rlimit {
                        rlim_cur: limit as libc::rlim_t,
                        rlim_max: limit as libc::rlim_t,
                    };
                    if libc::setrlimit(libc::RLIMIT_NOFILE, &rlimit) != 0 {
                        return Err(std::io::Error::last_os_error());
                    }
                    Ok(())
                });
            }
        }
        let child = command.spawn().expect("starting fieldbook-hub");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(Instant::now() < deadline, "the hub did not start listening");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Runs an admin command against the hub's data, returning standard output.
    pub fn admin(&self, args: &[&str]) -> String {
        let out = self
            .command()
            .args(args)
            .env("RUST_LOG", "warn")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "fieldbook-hub {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// `team create`: the team's id and its first supervisor's code (the last line).
    pub fn create_team(&self, name: &str) -> (String, String) {
        let out = self.admin(&["team", "create", name]);
        let team_id = out
            .lines()
            .next()
            .and_then(|l| l.split_whitespace().nth(1))
            .expect("team create prints the team id first")
            .to_string();
        let code = out.lines().last().unwrap_or_default().trim().to_string();
        (team_id, code)
    }

    /// The number of versions in a team's log, from `log-size`.
    pub fn log_versions(&self, team_id: &str) -> u64 {
        let out = self.admin(&["log-size", "--team", team_id]);
        out.lines()
            .find_map(|l| l.strip_prefix("versions "))
            .and_then(|n| n.trim().parse().ok())
            .expect("log-size prints the version count")
    }
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
