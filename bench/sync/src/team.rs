//! A team on the hub with two real devices, set up the way people do it:
//! the admin creates the team and its first supervisor's code on the hub
//! (as `fieldbook-hub team create` does), the supervisor's device enrolls
//! with it, makes an invite for an outreach worker and registers it on the
//! hub (as `fieldbook invite` does), and the outreach worker's device
//! enrolls with that code; both then sync once, taking the team's signed
//! roster.

use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use fieldbook_core::crypto::SoftwareKeyProvider;
use fieldbook_core::store::{CreateOptions, Role, Store};
use fieldbook_core::sync::{enroll, invite, sync, SyncOptions};

use crate::hub::Hub;
use crate::Res;

const PIN: &str = "bench-pin-4827";

/// The key derivation the devices' stores are created with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kdf {
    /// What the app uses: Argon2id 64 MiB, t=3, p=1.
    Strong,
    /// `CreateOptions::for_tests()`: for the smoke test only.
    Fast,
}

impl Kdf {
    /// The key derivation's settings, for the report.
    pub fn describe(self) -> &'static str {
        match self {
            Kdf::Strong => "Argon2id 64 MiB, t=3, p=1 (the app's default)",
            Kdf::Fast => "Argon2id 64 KiB, t=1 (CreateOptions::for_tests)",
        }
    }

    fn options(self) -> CreateOptions {
        match self {
            Kdf::Strong => CreateOptions::default(),
            Kdf::Fast => CreateOptions::for_tests(),
        }
    }
}

/// The two real devices of the benchmark's team.
pub struct Team {
    /// The team's id on the hub.
    pub team_id: uuid::Uuid,
    /// The founder: the office's supervisor, who receives the team's records.
    pub supervisor: Store,
    /// The device that writes the records in the field.
    pub outreach: Store,
}

/// Creates the team on `hub` and enrolls both devices, which reach the hub
/// at `device_url` (the byte-counting proxy). Their stores live under `dir`.
pub fn set_up(hub: &Hub, device_url: &str, dir: &Path, kdf: Kdf) -> Res<Team> {
    let storage = hub.storage();
    let founder = hub.block_on(fieldbook_hub::admin::create_team(
        storage.as_ref(),
        "Đội ngoại tuyến Hải Phòng",
    ))?;
    let founder_code = founder.code.to_text();
    let mut supervisor = enroll_device(dir, "supervisor", &founder_code, device_url, kdf)?;

    let code = invite(&mut supervisor, Role::Outreach, 1)?.code;
    let mut outreach = enroll_device(dir, "outreach", &code, device_url, kdf)?;
    // Both take the team's roster as it is now (the outreach device's join
    // included), as their first syncs after enrolling would: the measured
    // syncs carry records only.
    for store in [&mut supervisor, &mut outreach] {
        let summary = sync(
            store,
            &SyncOptions::default(),
            None,
            &AtomicBool::new(false),
        )?;
        if !summary.ok {
            return Err(format!("a set-up sync failed: {:?}", summary.errors).into());
        }
    }
    Ok(Team {
        team_id: supervisor.team_id().0,
        supervisor,
        outreach,
    })
}

fn enroll_device(dir: &Path, name: &str, code: &str, hub_url: &str, kdf: Kdf) -> Res<Store> {
    let provider = Arc::new(SoftwareKeyProvider::new(dir.join(format!("{name}-key"))));
    Ok(enroll(
        &dir.join(name),
        PIN,
        provider,
        code,
        hub_url,
        // Plain HTTP on loopback: no certificate to pin.
        None,
        Some(name.to_string()),
        kdf.options(),
    )?)
}
