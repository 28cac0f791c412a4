//! How a store is created and opened, and how one write behaves.

use std::sync::Arc;

use super::{Clock, Role, SecurityPolicy, SystemClock};
use crate::crypto::{KdfFloor, KdfParams, TeamKey};
use crate::record::{DeviceId, TeamId};
use crate::sync::{HttpNetwork, Network};
use crate::Lang;

/// How a new store is set up.
pub struct CreateOptions {
    /// The role the device starts in.
    pub role: Role,
    /// The Argon2id parameters the PIN key is derived with.
    pub kdf: KdfParams,
    /// The policy the store starts with. A device that enrolls in a team
    /// with a signed roster starts with the team's instead, and every
    /// device follows its team's at each roster it verifies.
    pub policy: SecurityPolicy,
    /// How the store is opened once it exists.
    pub open: OpenOptions,
    /// Which team the store joins.
    pub membership: Membership,
}

/// Which team a new store belongs to, and where its team keys come from.
#[derive(Default)]
pub enum Membership {
    /// A team of its own: new ids and new team keys (`fieldbook init`).
    #[default]
    NewTeam,
    /// The first device of a team registered on a hub: the hub chose the
    /// ids, the device makes the team keys (the hub never sees them).
    Founder {
        /// The team the hub registered.
        team: TeamId,
        /// This device's id, from the hub.
        device: DeviceId,
    },
    /// A device enrolled with a code: the team keys came sealed in the code's bundle.
    Member {
        /// The team the device joins, from the hub.
        team: TeamId,
        /// This device's id, from the hub.
        device: DeviceId,
        /// The keys of the role's classes, from the code's bundle.
        keys: Vec<TeamKey>,
    },
}

impl Default for CreateOptions {
    fn default() -> Self {
        CreateOptions {
            role: Role::Supervisor,
            kdf: KdfParams::make_default(),
            policy: SecurityPolicy::default(),
            open: OpenOptions::default(),
            membership: Membership::default(),
        }
    }
}

impl CreateOptions {
    /// Cheap key derivation for tests and benchmarks that create many stores.
    pub fn for_tests() -> Self {
        CreateOptions {
            kdf: KdfParams::make_fast_for_tests(),
            open: OpenOptions::for_tests(),
            ..Default::default()
        }
    }
}

/// How a store is opened: its clock, how its syncs reach the hub, and the
/// minimum key-derivation strength it accepts (chosen by code, never by the
/// stored data).
#[derive(Clone)]
pub struct OpenOptions {
    /// The time the store reads; the system's by default.
    pub clock: Arc<dyn Clock>,
    /// HTTP(S) on devices; the team simulation plugs in its own network.
    pub network: Arc<dyn Network>,
    /// The weakest key derivation the store accepts when opening.
    pub kdf_floor: KdfFloor,
}

impl Default for OpenOptions {
    fn default() -> Self {
        OpenOptions {
            clock: Arc::new(SystemClock),
            network: Arc::new(HttpNetwork),
            kdf_floor: KdfFloor::Production,
        }
    }
}

impl OpenOptions {
    /// Options for tests: accepts the fast key derivation tests create stores with.
    pub fn for_tests() -> Self {
        OpenOptions {
            kdf_floor: KdfFloor::TestsOnly,
            ..Default::default()
        }
    }
}

/// Options of one write.
#[derive(Debug, Clone, Copy, Default)]
pub struct WriteOptions {
    /// The language of validation messages.
    pub lang: Lang,
    /// Store a client even when another client has the same identifier code
    /// (two people can share one: same parents' initials, birth year and sex).
    pub allow_duplicate_uic: bool,
}

impl WriteOptions {
    /// Default options, with messages in `lang`.
    pub fn lang(lang: Lang) -> Self {
        WriteOptions {
            lang,
            ..Default::default()
        }
    }
}
