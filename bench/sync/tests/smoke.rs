//! The whole benchmark on a small load, SQLite only: proves it still runs
//! and that its counts are right (every record arrived, a sync with nothing
//! new is one pull, every simulated device synced).

use std::time::Duration;

use fieldbook_sync_bench::backend::{BackendKind, DEFAULT_POSTGRES};
use fieldbook_sync_bench::crowd::CrowdConfig;
use fieldbook_sync_bench::team::Kdf;
use fieldbook_sync_bench::{run_backend, Config};

#[test]
fn a_small_run_on_sqlite_counts_right() {
    let config = Config {
        records: 300,
        write_batch: 100,
        crowd: CrowdConfig {
            devices: 10,
            team_size: 4,
            rounds: 2,
            versions_per_sync: 3,
            body_bytes: (100, 300),
            deadline: Duration::from_secs(30),
        },
        backends: vec![BackendKind::Sqlite],
        kdf: Kdf::Fast,
        postgres_url: DEFAULT_POSTGRES.into(),
        hub_backlog: None,
        work_dir: None,
        link_mbit: None,
        verbose: false,
    };
    let run = run_backend(&config, BackendKind::Sqlite).unwrap();

    let first = &run.first;
    assert_eq!(first.records(), 300);
    assert_eq!(first.push.versions, 300);
    assert_eq!(first.pull.versions, 300);
    // 300 versions: one push batch; the echo and the pull are one page each.
    assert_eq!((first.push.requests, first.echo.requests), (1, 1));
    assert_eq!(first.pull.requests, 1);
    assert!(first.sealed_bytes > 300 * 100, "{}", first.sealed_bytes);
    // Base64 and JSON cost something over the sealed size, but not double.
    let wire = first.pull.wire_per_version() / first.sealed_per_record();
    assert!((1.0..2.0).contains(&wire), "{wire}");

    assert_eq!(run.idle.len(), 2);
    for idle in &run.idle {
        assert_eq!((idle.requests, idle.pulls), (1, 1), "{}", idle.device);
        assert!(idle.bytes.to_hub > 0 && idle.bytes.from_hub > 0);
    }

    let crowd = &run.crowd;
    assert_eq!(
        (crowd.syncs, crowd.failed),
        (20, 0),
        "{:?}",
        crowd.first_error
    );
    assert_eq!(crowd.teams, 3);
    // One push and one pull page per sync, seen alike by the devices and the hub.
    assert_eq!(crowd.requests, 40);
    assert_eq!(crowd.hub_requests, 40);
    assert!(crowd.sync_ms.p99 >= crowd.sync_ms.p50 && crowd.sync_ms.p50 > 0.0);
}
