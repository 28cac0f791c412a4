//! A schedule is a list of numbered steps. Steps never name anything by a
//! random id: a record is named by the number of the step that added it, a
//! task by the step that started it, a code by the step that issued it, a
//! device by its place in the team. So a list replays the same way, and a
//! list with steps taken out (shrinking) still means what it meant: a step
//! whose record, task or device is gone is skipped.

use std::fmt;

use fieldbook_core::record::RecordKind;
use fieldbook_core::store::Role;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// What the network does with one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fate {
    /// Delivered, and the answer comes back.
    Deliver,
    /// Lost on the way: the hub never sees it.
    LoseRequest,
    /// The hub handles it (and commits), but the answer is lost.
    LoseResponse,
    /// The hub receives it twice; the first answer comes back.
    Duplicate,
    /// Delivered, and a copy lingers in the network to arrive much later.
    Linger,
}

/// One step of a schedule: something a person, a phone, the hub or the network does.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// A worker saves a new record (`link`: the client it is about).
    Add {
        /// The device that writes (its index in the world).
        device: usize,
        /// The kind of record.
        kind: RecordKind,
        /// The form input, as the app would send it.
        input: Map<String, Value>,
        /// The number of the step that added the client it is about.
        link: Option<usize>,
    },
    /// `record`: the number of the step that added it.
    Edit {
        /// The device that edits.
        device: usize,
        /// The number of the step that added it.
        record: usize,
        /// The fields changed.
        input: Map<String, Value>,
    },
    /// A worker deletes a record.
    Delete {
        /// The device that deletes.
        device: usize,
        /// The number of the step that added it.
        record: usize,
    },
    /// A device locks its store.
    Lock {
        /// The device locked.
        device: usize,
    },
    /// A device unlocks its store with its PIN.
    Unlock {
        /// The device unlocked.
        device: usize,
    },
    /// The phone dies (battery, crash, killed) and is started again.
    Crash {
        /// The device that crashes.
        device: usize,
    },
    /// The hub's process dies and is started again.
    CrashHub,
    /// The world's time moves on.
    Tick {
        /// How far, in milliseconds.
        ms: i64,
    },
    /// A device's clock drifts or jumps.
    Skew {
        /// Whose clock.
        device: usize,
        /// How far it moves, in milliseconds (negative: back).
        ms: i64,
    },
    /// A device starts a sync, as a task that parks at each request.
    Sync {
        /// The device that syncs.
        device: usize,
    },
    /// A supervisor starts a compaction, as a task.
    Compact {
        /// The supervisor device that compacts.
        device: usize,
    },
    /// A supervisor starts making an invite for a new device, as a task.
    Invite {
        /// The supervisor device that invites.
        device: usize,
        /// The new device's role.
        role: Role,
    },
    /// A new device enrolls with the code the step numbered `invite` issued.
    Enroll {
        /// The number of the step whose code it uses.
        invite: usize,
    },
    /// A supervisor starts revoking a device, with the key rotation, as a task.
    Revoke {
        /// The supervisor device that revokes.
        device: usize,
        /// The device revoked.
        target: usize,
    },
    /// A supervisor starts signing a new team policy into the roster, as a task.
    SetPolicy {
        /// The supervisor device that signs.
        device: usize,
        /// The team's new auto-lock, in seconds without use.
        auto_lock_secs: u64,
        /// The team's new count of wrong PINs that erases a store.
        max_failed_unlocks: u32,
    },
    /// A supervisor starts publishing the next version of a kind's form
    /// (the one it uses, retitled), as a task.
    PublishForm {
        /// The supervisor device that publishes.
        device: usize,
        /// The kind whose form it publishes.
        kind: RecordKind,
    },
    /// The parked task the step numbered `task` started moves on; if it is
    /// waiting on the network, its request meets `fate`.
    Advance {
        /// The number of the step that started the task.
        task: usize,
        /// What the network does to its request, if it sends one.
        fate: Fate,
    },
    /// A lingering copy of an old request reaches the hub; its answer is lost.
    Ghost {
        /// Which lingering copy (modulo how many linger).
        pick: usize,
    },
    /// The network heals, every task finishes, every device unlocks and
    /// syncs, and every invariant is checked.
    Quiet,
}

impl Step {
    /// The devices a step names.
    pub fn devices(&self) -> Vec<usize> {
        match self {
            Step::Add { device, .. }
            | Step::Edit { device, .. }
            | Step::Delete { device, .. }
            | Step::Lock { device }
            | Step::Unlock { device }
            | Step::Crash { device }
            | Step::Skew { device, .. }
            | Step::Sync { device }
            | Step::Compact { device }
            | Step::Invite { device, .. }
            | Step::SetPolicy { device, .. }
            | Step::PublishForm { device, .. } => vec![*device],
            Step::Revoke { device, target } => vec![*device, *target],
            Step::CrashHub
            | Step::Tick { .. }
            | Step::Enroll { .. }
            | Step::Advance { .. }
            | Step::Ghost { .. }
            | Step::Quiet => Vec::new(),
        }
    }
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Step::Add {
                device, kind, link, ..
            } => {
                write!(f, "d{device} adds a {kind}")?;
                if let Some(link) = link {
                    write!(f, " about the client of step {link}")?;
                }
                Ok(())
            }
            Step::Edit {
                device,
                record,
                input,
            } => {
                let keys: Vec<&str> = input.keys().map(String::as_str).collect();
                write!(
                    f,
                    "d{device} edits the record of step {record} ({})",
                    keys.join(", ")
                )
            }
            Step::Delete { device, record } => {
                write!(f, "d{device} deletes the record of step {record}")
            }
            Step::Lock { device } => write!(f, "d{device} locks"),
            Step::Unlock { device } => write!(f, "d{device} unlocks"),
            Step::Crash { device } => write!(f, "d{device} crashes and restarts"),
            Step::CrashHub => write!(f, "the hub crashes and restarts"),
            Step::Tick { ms } => write!(f, "time passes: {}", duration(*ms)),
            Step::Skew { device, ms } => {
                write!(
                    f,
                    "d{device}'s clock moves {}{}",
                    sign(*ms),
                    duration(ms.abs())
                )
            }
            Step::Sync { device } => write!(f, "d{device} starts a sync"),
            Step::Compact { device } => write!(f, "d{device} starts a compaction"),
            Step::Invite { device, role } => write!(f, "d{device} invites a new {role} device"),
            Step::Enroll { invite } => {
                write!(f, "a new device enrolls with the code of step {invite}")
            }
            Step::Revoke { device, target } => write!(f, "d{device} revokes d{target}"),
            Step::SetPolicy {
                device,
                auto_lock_secs,
                max_failed_unlocks,
            } => write!(
                f,
                "d{device} signs a team policy (auto-lock {auto_lock_secs} s, erase at {max_failed_unlocks} wrong PINs)"
            ),
            Step::PublishForm { device, kind } => {
                write!(f, "d{device} publishes the next {kind} form")
            }
            Step::Advance { task, fate } => {
                write!(f, "the task of step {task} moves on ({fate:?})")
            }
            Step::Ghost { pick } => write!(f, "a lingering request #{pick} arrives"),
            Step::Quiet => write!(f, "quiet point"),
        }
    }
}

/// A step and its number in the schedule it was generated in.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Numbered {
    /// Its number in the schedule.
    pub id: usize,
    /// The step.
    pub step: Step,
}

/// A schedule as a file: the seed that set up its team, and its steps.
/// Regression schedules are kept this way (`tests/sim/regressions/`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Schedule {
    /// The seed that set up the team.
    pub seed: u64,
    /// What the schedule shows, for people.
    #[serde(default)]
    pub about: String,
    /// The steps, in order.
    pub steps: Vec<Numbered>,
}

fn sign(ms: i64) -> &'static str {
    if ms < 0 {
        "back "
    } else {
        "ahead "
    }
}

/// `1h02m03.400s`-style, for traces.
pub fn duration(ms: i64) -> String {
    let (h, rest) = (ms / 3_600_000, ms % 3_600_000);
    let (m, rest) = (rest / 60_000, rest % 60_000);
    let s = rest as f64 / 1000.0;
    match (h, m) {
        (0, 0) => format!("{s:.1}s"),
        (0, m) => format!("{m}m{s:04.1}s"),
        (h, m) => format!("{h}h{m:02}m{s:04.1}s"),
    }
}
