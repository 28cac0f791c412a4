//! The team's security policy, signed by a supervisor into the roster, on a
//! real hub: an outreach worker's phone follows it at its next sync (how
//! long it may stay away from the hub, how long a new PIN must be), may only
//! be stricter on its own, and a device that enrolls afterwards must pick a
//! PIN the policy accepts before its one-time code is spent.

mod common;

use std::path::Path;
use std::sync::Arc;

use chrono::Utc;
use common::devices::Device;
use common::hub::HubProcess;
use fieldbook_core::crypto::{KdfParams, SoftwareKeyProvider};
use fieldbook_core::error::SupervisorTask;
use fieldbook_core::store::{
    db_path, CreateOptions, ManualClock, OpenOptions, PinProblem, Role, SecurityPolicy, Store,
};
use fieldbook_core::sync::{self, PolicyChange};
use fieldbook_core::{Error, Lang};

const EIGHT_DIGITS: &str = "48291673";

fn five_days_eight_digits() -> PolicyChange {
    PolicyChange {
        offline_erase_days: Some(5),
        min_pin_digits: Some(8),
        ..PolicyChange::default()
    }
}

fn with_clock(clock: &ManualClock) -> CreateOptions {
    CreateOptions {
        open: OpenOptions {
            clock: Arc::new(clock.clone()),
            ..OpenOptions::for_tests()
        },
        ..CreateOptions::for_tests()
    }
}

fn provider(dir: &Path) -> Arc<SoftwareKeyProvider> {
    Arc::new(SoftwareKeyProvider::new(dir.join("platform-key")))
}

#[test]
fn an_outreach_phone_follows_the_policy_its_supervisor_signed() {
    let hub = HubProcess::start();
    let (_, code) = hub.create_team("Hải Phòng");
    let mut supervisor = Device::enroll("supervisor", &hub.url(), &code);
    let clock = ManualClock::new(Utc::now());
    let code = supervisor.make_invite(Role::Outreach);
    let mut outreach =
        Device::try_enroll("outreach", &hub.url(), &code, with_clock(&clock)).unwrap();
    outreach.sync();
    assert_eq!(outreach.store.policy(), SecurityPolicy::default());
    assert_eq!(
        outreach.store.offline_status().unwrap().unwrap().days_left,
        30
    );

    // Only a supervisor signs a policy; values out of bounds sign nothing.
    assert!(matches!(
        sync::set_team_policy(&mut outreach.store, &five_days_eight_digits()),
        Err(Error::SupervisorOnly(SupervisorTask::SetPolicy))
    ));
    supervisor.sync();
    let head = supervisor.store.roster().unwrap().unwrap().head_seq();
    let refused = sync::set_team_policy(
        &mut supervisor.store,
        &PolicyChange {
            offline_erase_days: Some(365),
            ..PolicyChange::default()
        },
    )
    .unwrap_err();
    assert!(matches!(refused, Error::Policy(_)), "{refused}");
    assert!(refused.message(Lang::Vi).contains("phải từ 3 đến 90"));
    assert!(refused.to_string().contains("between 3 and 90"));
    supervisor.sync();
    assert_eq!(supervisor.store.roster().unwrap().unwrap().head_seq(), head);

    let signed = sync::set_team_policy(&mut supervisor.store, &five_days_eight_digits()).unwrap();
    assert_eq!(signed.seq, head + 1);
    assert_eq!(signed.policy.offline_erase_days, 5);
    assert_eq!(signed.signed_by.to_string(), supervisor.device_id());
    // The supervisor's own device follows it at once.
    assert_eq!(supervisor.store.policy().min_pin_digits, 8);
    // Signing the same again is a no-op (a retry whose answer was lost).
    let again = sync::set_team_policy(&mut supervisor.store, &five_days_eight_digits()).unwrap();
    assert_eq!(again, signed);

    // The outreach phone syncs and follows it.
    let summary = outreach.sync();
    assert_eq!(summary.roster_links, 1, "{summary:?}");
    let policy = outreach.store.policy();
    assert_eq!((policy.offline_erase_days, policy.min_pin_digits), (5, 8));
    let view = outreach.store.policy_view().unwrap();
    assert_eq!(view.signed, Some(signed));
    assert_eq!(view.effective, view.team);
    let status = outreach.store.offline_status().unwrap().unwrap();
    assert_eq!((status.days_offline, status.days_left), (0, 5));
    assert!(status.warn, "5 days left is inside the week of warning");
    // A new PIN must have eight digits now.
    let short = outreach
        .store
        .change_pin(common::PIN, KdfParams::make_fast_for_tests())
        .unwrap_err();
    assert!(
        matches!(
            short,
            Error::WeakPin(PinProblem::TooShort { min_digits: 8 })
        ),
        "{short}"
    );
    outreach
        .store
        .change_pin(EIGHT_DIGITS, KdfParams::make_fast_for_tests())
        .unwrap();

    // On its own, the phone may be stricter, never looser.
    let looser = outreach
        .store
        .set_policy(SecurityPolicy {
            offline_erase_days: 10,
            ..policy
        })
        .unwrap_err();
    assert!(
        matches!(&looser, Error::LooserThanTeam(l) if l.setting == "offline_erase_days"),
        "{looser}"
    );
    assert!(looser.message(Lang::Vi).contains("chỉ được đặt chặt hơn"));
    outreach
        .store
        .set_policy(SecurityPolicy {
            offline_erase_days: 4,
            ..policy
        })
        .unwrap();
    assert_eq!(outreach.store.policy().offline_erase_days, 4);

    // The supervisor relaxes the team's limit: the phone keeps its own
    // stricter one and follows the rest.
    sync::set_team_policy(
        &mut supervisor.store,
        &PolicyChange {
            offline_erase_days: Some(20),
            auto_lock_secs: Some(120),
            ..PolicyChange::default()
        },
    )
    .unwrap();
    outreach.sync();
    let policy = outreach.store.policy();
    assert_eq!(
        (
            policy.offline_erase_days,
            policy.min_pin_digits,
            policy.auto_lock_secs
        ),
        (4, 8, 120)
    );

    // Four days and more away from the hub: the phone erases itself at its
    // next open, by the policy kept in clear for a locked store.
    let dir = outreach.dir().to_path_buf();
    let (store, _keep) = outreach.into_shared();
    drop(store);
    clock.advance_secs(4 * 24 * 3600 + 60);
    let reopened = Store::open(
        &dir.join("data"),
        provider(&dir),
        OpenOptions {
            clock: Arc::new(clock.clone()),
            ..OpenOptions::for_tests()
        },
    );
    assert!(
        matches!(reopened, Err(Error::OfflineTooLong { days: 4 })),
        "{:?}",
        reopened.err()
    );
}

#[test]
fn a_device_enrolling_after_the_policy_picks_a_pin_it_accepts_before_its_code_is_spent() {
    let hub = HubProcess::start();
    let (_, code) = hub.create_team("Hải Phòng");
    let mut supervisor = Device::enroll("supervisor", &hub.url(), &code);
    sync::set_team_policy(&mut supervisor.store, &five_days_eight_digits()).unwrap();
    let code = supervisor.make_invite(Role::CaseManager);

    let dir = tempfile::tempdir().unwrap();
    let enroll = |pin: &str| {
        sync::enroll(
            &dir.path().join("data"),
            pin,
            provider(dir.path()),
            &code,
            &hub.url(),
            None,
            Some("case manager".into()),
            CreateOptions::for_tests(),
        )
    };
    let Err(refused) = enroll(common::PIN) else {
        panic!("a 6-digit PIN enrolled in a team asking for 8");
    };
    assert!(
        matches!(
            refused,
            Error::WeakPin(PinProblem::TooShort { min_digits: 8 })
        ),
        "{refused}"
    );
    assert!(!db_path(&dir.path().join("data")).exists());
    // The same code still works with a PIN the team accepts.
    let mut store = enroll(EIGHT_DIGITS).unwrap();
    let policy = store.policy();
    assert_eq!((policy.offline_erase_days, policy.min_pin_digits), (5, 8));
    assert_eq!(store.policy_view().unwrap().team, policy);
}
