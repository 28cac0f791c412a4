//! Room for the connection cap among the process's open files: each
//! connection is a file descriptor, and many systems start a process with a
//! soft limit of 1,024.

use super::limits::ConnectionLimits;

/// Descriptors the hub needs besides its connections: standard streams, the
/// listener, the SQLite files and read connections or a PostgreSQL pool, and
/// the blocking pool's files.
pub const RESERVED_DESCRIPTORS: u64 = 256;

/// Raises the soft limit on open files so that `limits.max_connections`
/// connections fit, up to the hard limit. When even the hard limit is too
/// low, lowers the cap to what fits, and says so.
pub fn fit_to_descriptor_limit(limits: ConnectionLimits) -> ConnectionLimits {
    #[cfg(unix)]
    {
        let wanted = limits.max_connections as u64 + RESERVED_DESCRIPTORS;
        let available = match raise_soft_limit(wanted) {
            Ok(n) => n,
            Err(e) => {
                tracing::warn!(error = %e, "cannot read or raise the open-file limit");
                return limits;
            }
        };
        if available < wanted {
            let fits = available.saturating_sub(RESERVED_DESCRIPTORS).max(16) as usize;
            tracing::warn!(
                wanted = limits.max_connections,
                fits,
                open_file_limit = available,
                "the open-file limit is too low for --max-connections: serving fewer connections at once (raise the hard limit, e.g. LimitNOFILE= or ulimit -Hn)"
            );
            eprintln!(
                "warning: the open-file limit ({available}) leaves room for {fits} connections, not {}: raise the hard limit (ulimit -Hn, LimitNOFILE=) to serve more",
                limits.max_connections
            );
            return ConnectionLimits {
                max_connections: fits,
                ..limits
            };
        }
    }
    limits
}

/// Sets the soft `RLIMIT_NOFILE` to at least `wanted` (not above the hard
/// limit) and returns the soft limit in force.
#[cfg(unix)]
// `rlim_t` is u64 here but not on every unix.
#[allow(clippy::unnecessary_cast)]
fn raise_soft_limit(wanted: u64) -> std::io::Result<u64> {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `limit` is a valid, writable rlimit for the call to fill.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    let current = limit.rlim_cur as u64;
    if limit.rlim_cur == libc::RLIM_INFINITY || current >= wanted {
        return Ok(current.max(wanted));
    }
    let hard = if limit.rlim_max == libc::RLIM_INFINITY {
        u64::MAX
    } else {
        limit.rlim_max as u64
    };
    let raised = wanted.min(hard);
    if raised <= current {
        return Ok(current);
    }
    limit.rlim_cur = raised as libc::rlim_t;
    // SAFETY: `limit` is a valid rlimit whose soft value does not exceed its hard one.
    if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &limit) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(raised)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    #[allow(clippy::unnecessary_cast)]
    fn the_soft_limit_is_raised_to_fit_a_small_cap() {
        // The test process's limit already fits 64 connections, or is raised to.
        let limits = ConnectionLimits {
            max_connections: 64,
            ..ConnectionLimits::default()
        };
        assert_eq!(fit_to_descriptor_limit(limits), limits);
        let mut now = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: as above.
        assert_eq!(unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut now) }, 0);
        assert!(
            now.rlim_cur == libc::RLIM_INFINITY || now.rlim_cur as u64 >= 64 + RESERVED_DESCRIPTORS
        );
    }
}
