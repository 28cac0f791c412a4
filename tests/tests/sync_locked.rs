//! A scheduled sync runs while nobody has typed the PIN: a locked store
//! pushes what it wrote, holds what it pulls (sealed) until the next unlock
//! merges it, and obeys a wipe order, through a real hub on loopback.

mod common;

use common::devices::{quick_options, Device};
use common::hub::HubProcess;
use common::PIN;
use fieldbook_core::record::{DeviceId, RecordKind};
use fieldbook_core::store::Role;
use fieldbook_core::Error;
use serde_json::json;

#[test]
fn a_locked_device_pushes_holds_and_merges_at_unlock() {
    let hub = HubProcess::start();
    let (_, code) = hub.create_team("Hải Phòng");
    let mut supervisor = Device::enroll("supervisor", &hub.url(), &code);
    let mut outreach = supervisor.invite("outreach", Role::Outreach, &hub.url());

    for i in 0..5 {
        outreach.add(RecordKind::Client, json!({ "alias": format!("Khách {i}") }));
    }
    outreach.store.lock();
    let pushed = outreach.sync();
    assert_eq!(pushed.pushed, 5, "{pushed:?}");
    assert!(outreach.store.is_locked(), "a sync never unlocks the store");
    assert_eq!(supervisor.sync().merged, 5);

    for i in 0..3 {
        supervisor.add(RecordKind::Client, json!({ "alias": format!("Mới {i}") }));
    }
    supervisor.sync();
    let pulled = outreach.sync();
    assert_eq!(
        (pulled.pulled, pulled.merged, pulled.held),
        (3, 0, 3),
        "{pulled:?}"
    );
    assert!(pulled.ok, "holding is not a failure: {pulled:?}");
    assert!(matches!(
        outreach.store.list(RecordKind::Client),
        Err(Error::Locked)
    ));
    // A second locked sync does not hold them twice.
    assert_eq!(outreach.sync().held, 3);

    outreach.store.unlock(PIN).unwrap();
    assert_eq!(outreach.store.held_count().unwrap(), 0);
    assert_eq!(
        outreach
            .store
            .list(RecordKind::Client)
            .unwrap()
            .records
            .len(),
        8
    );
    assert_eq!(outreach.snapshot(), supervisor.snapshot());

    // Revoked, the locked device erases itself at its next scheduled sync.
    outreach.store.lock();
    let revoked: DeviceId = outreach.device_id().parse().unwrap();
    fieldbook_core::sync::revoke_device(&mut supervisor.store, revoked).unwrap();
    let wiped = outreach.sync_with(&quick_options());
    assert!(wiped.wiped && !wiped.ok, "{wiped:?}");
    assert!(matches!(outreach.store.unlock(PIN), Err(Error::Erased)));
}
