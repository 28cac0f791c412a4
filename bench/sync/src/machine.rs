//! What the machine saw while the devices synced: where the CPU went (the
//! hub's threads and the simulated devices' threads share its cores, and
//! other processes such as PostgreSQL's server or other builds may too),
//! and how many connections the kernel dropped because a listener's accept
//! queue was full. Read from Linux's /proc; elsewhere every figure is 0.
//!
//! The process and machine CPU totals are exact. The per-thread figures are
//! the kernel's tick samples: with hundreds of threads that each run for a
//! fraction of a tick at a time, they add up to well under the process
//! total (measured here: 50 to 65%), so only the split between the hub and
//! the devices is taken from them ([`CpuTimes::hub_share`]).

use std::fs;

/// CPU seconds used so far.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct CpuTimes {
    /// Threads named `hub` (the hub's runtime and its blocking pool), sampled.
    pub hub: f64,
    /// Threads named `devices` (the simulated devices' runtime), sampled.
    pub devices: f64,
    /// This whole process (including threads that have exited).
    pub process: f64,
    /// Every process on the machine (not idle, not waiting for I/O).
    pub machine: f64,
}

impl CpuTimes {
    /// The counters now, read from `/proc`.
    pub fn now() -> CpuTimes {
        let tick = clock_tick();
        let (mut hub, mut devices) = (0.0, 0.0);
        if let Ok(tasks) = fs::read_dir("/proc/self/task") {
            for task in tasks.flatten() {
                let Some((name, ticks)) = thread_ticks(&task.path().join("stat")) else {
                    continue;
                };
                if name.starts_with("hub") {
                    hub += ticks / tick;
                } else if name.starts_with("devices") {
                    devices += ticks / tick;
                }
            }
        }
        CpuTimes {
            hub,
            devices,
            process: thread_ticks("/proc/self/stat".as_ref()).map_or(0.0, |(_, t)| t / tick),
            machine: machine_busy_ticks() / tick,
        }
    }

    /// What was used between `earlier` and now.
    pub fn since(&self, earlier: &CpuTimes) -> CpuTimes {
        CpuTimes {
            hub: self.hub - earlier.hub,
            devices: self.devices - earlier.devices,
            process: self.process - earlier.process,
            machine: self.machine - earlier.machine,
        }
    }

    /// The hub's part of what the hub and the devices used, from the samples.
    pub fn hub_share(&self) -> f64 {
        let sampled = self.hub + self.devices;
        if sampled > 0.0 {
            self.hub / sampled
        } else {
            0.0
        }
    }

    /// What other processes used: the machine less this process.
    pub fn others(&self) -> f64 {
        (self.machine - self.process).max(0.0)
    }

    /// The two added up.
    pub fn plus(&self, other: &CpuTimes) -> CpuTimes {
        CpuTimes {
            hub: self.hub + other.hub,
            devices: self.devices + other.devices,
            process: self.process + other.process,
            machine: self.machine + other.machine,
        }
    }
}

/// Connections dropped machine-wide because an accept queue was full
/// (`ListenOverflows` in /proc/net/netstat). A dropped connection's client
/// retries its handshake after a second.
pub fn listen_overflows() -> u64 {
    let Ok(netstat) = fs::read_to_string("/proc/net/netstat") else {
        return 0;
    };
    let mut tcp_ext = netstat.lines().filter(|l| l.starts_with("TcpExt:"));
    let (Some(names), Some(values)) = (tcp_ext.next(), tcp_ext.next()) else {
        return 0;
    };
    names
        .split_whitespace()
        .zip(values.split_whitespace())
        .find(|(name, _)| *name == "ListenOverflows")
        .and_then(|(_, value)| value.parse().ok())
        .unwrap_or(0)
}

fn clock_tick() -> f64 {
    // SAFETY: sysconf only reads a configuration value.
    let tick = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    if tick > 0 {
        tick as f64
    } else {
        100.0
    }
}

/// The name and user + system ticks from a `stat` file of /proc.
fn thread_ticks(path: &std::path::Path) -> Option<(String, f64)> {
    let stat = fs::read_to_string(path).ok()?;
    let (head, rest) = stat.rsplit_once(')')?;
    let name = head.split_once('(')?.1.to_string();
    // After the name: state is field 3 of stat(5); utime and stime are 14 and 15.
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((name, utime + stime))
}

/// Busy ticks of all CPUs: everything but idle and I/O wait.
fn machine_busy_ticks() -> f64 {
    let Ok(stat) = fs::read_to_string("/proc/stat") else {
        return 0.0;
    };
    let Some(line) = stat.lines().next() else {
        return 0.0;
    };
    // cpu user nice system idle iowait irq softirq steal (guest time is inside user).
    let ticks: Vec<f64> = line
        .split_whitespace()
        .skip(1)
        .take(8)
        .filter_map(|t| t.parse().ok())
        .collect();
    if ticks.len() < 5 {
        return 0.0;
    }
    ticks.iter().sum::<f64>() - ticks[3] - ticks[4]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_thread_stat_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("stat");
        fs::write(
            &path,
            "4242 (hub (worker)) S 1 1 1 0 -1 4194368 10 0 0 0 250 50 0 0 20 0 3 0",
        )
        .unwrap();
        assert_eq!(
            thread_ticks(&path),
            Some(("hub (worker)".to_string(), 300.0))
        );
    }
}
