//! The simulated world: a hub, the team's devices, the tasks in flight and
//! the network between them, driven one [`Step`] at a time. Every step is
//! told in the trace; the first broken invariant ends the schedule.

use std::sync::atomic::AtomicBool;

use fieldbook_core::forms::{FormDefinition, FormSpec, Publication};
use fieldbook_core::record::RecordKind;
use fieldbook_core::store::PolicyState;
use fieldbook_core::store::{HistoryEntry, Role, Store, WriteOptions};
use fieldbook_core::sync::{
    self, CompactOptions, CompactSummary, HubResponse, IssuedInvite, PolicyChange, RetryPolicy,
    SyncOptions, SyncSummary, TransportError,
};
use fieldbook_core::Error;
use fieldbook_proto::enroll::CreateInviteRequest;
use fieldbook_proto::paths;
use serde_json::{json, Value};
use tokio::runtime::Runtime;
use uuid::Uuid;

use crate::clock::WorldClock;
use crate::device::{Device, Life, SteppedAccess, PIN};
use crate::hub::{Backend, SimHub};
use crate::model::{Ack, Model, RecordInfo};
use crate::network::HUB_URL;
use crate::step::{duration, Fate, Step};
use crate::task::{Ending, Resume, Stop, Task, WireRequest};

/// A broken invariant: which, what was seen, and at which step.
#[derive(Debug, Clone)]
pub struct Failure {
    /// The invariant's name.
    pub invariant: String,
    /// What was seen.
    pub detail: String,
    /// The number of the step at which it was found.
    pub step: usize,
}

/// The result of checking an invariant.
pub type Checked = Result<(), Failure>;

/// What a task was started to do, with what the checks need to know of it.
enum Work {
    /// `pending`: the versions waiting to be pushed when it started.
    Sync {
        pending: Vec<Uuid>,
    },
    Compact,
    /// `invite`: the id of the last invite it asked the hub to register.
    Invite {
        invite: Option<Uuid>,
    },
    Enroll,
    /// `already`: `target` was revoked on the hub when it started;
    /// `confirmed`: the device heard the hub accept its revocation.
    Revoke {
        target: Uuid,
        already: bool,
        confirmed: bool,
    },
    Policy,
    Form,
}

/// What a task's core call returned.
pub(crate) enum Outcome {
    Sync(Result<SyncSummary, Error>),
    Compact(Result<CompactSummary, Error>),
    Invite(Result<IssuedInvite, Error>),
    Enroll(Result<Box<Store>, Error>),
    Revoke(Result<u32, Error>),
    Policy(Result<PolicyState, Error>),
    Form(Result<Publication, Error>),
}

enum Parked {
    Request(WireRequest),
    StoreStep,
}

struct Running {
    /// The number of the step that started it.
    key: usize,
    task: Task<Outcome>,
    device: usize,
    work: Work,
    parked: Parked,
}

struct Invitation {
    /// The number of the step that issued it.
    key: usize,
    code: String,
    role: Role,
    used: bool,
}

/// The simulated team: its devices, the hub, the network, the parked tasks, and the model to check them against.
pub struct World<'rt> {
    rt: &'rt Runtime,
    root: tempfile::TempDir,
    hub: Option<SimHub>,
    pub(crate) clock: WorldClock,
    pub(crate) devices: Vec<Device>,
    tasks: Vec<Running>,
    invites: Vec<Invitation>,
    ghosts: Vec<(usize, WireRequest)>,
    pub(crate) model: Model,
    trace: Vec<String>,
    /// Requests the hub has handled, in order.
    events: u64,
    /// The number of the step being applied (setup steps count from [`SETUP`]).
    step: usize,
    sync_options: SyncOptions,
}

/// Where the numbers of setup steps start, apart from the schedule's.
const SETUP: usize = 1_000_000;

/// The most devices a schedule enrolls (the team and the ones invited later).
pub const MAX_DEVICES: usize = 8;

impl<'rt> World<'rt> {
    /// A hub with a new team and its first supervisor, who invites an
    /// outreach worker, a case manager and a peer leader (and, when
    /// `second_supervisor`, another supervisor), all over a healthy network.
    pub fn new(
        rt: &'rt Runtime,
        backend: &Backend,
        second_supervisor: bool,
    ) -> Result<World<'rt>, Failure> {
        let root = scratch_dir();
        let (hub, founder_code) = SimHub::start(rt, backend, root.path());
        let mut world = World {
            rt,
            root,
            hub: Some(hub),
            clock: WorldClock::new(),
            devices: Vec::new(),
            tasks: Vec::new(),
            invites: vec![Invitation {
                key: SETUP,
                code: founder_code,
                role: Role::Supervisor,
                used: false,
            }],
            ghosts: Vec::new(),
            model: Model::default(),
            trace: Vec::new(),
            events: 0,
            step: 0,
            sync_options: SyncOptions {
                push_batch: 4,
                pull_limit: 4,
                retry: RetryPolicy::default(),
            },
        };
        world.note("setup: the founding supervisor enrolls and invites the team".into());
        let mut key = SETUP;
        world.apply(key + 1, &Step::Enroll { invite: SETUP })?;
        world.drain()?;
        let mut roles = vec![Role::Outreach, Role::CaseManager, Role::PeerLeader];
        if second_supervisor {
            roles.push(Role::Supervisor);
        }
        for role in roles {
            key += 2;
            world.apply(key, &Step::Invite { device: 0, role })?;
            world.drain()?;
            world.apply(key + 1, &Step::Enroll { invite: key })?;
            world.drain()?;
        }
        if world.devices.iter().any(|d| !d.is_live()) {
            return Err(world.failure(
                "setup over a healthy network succeeds",
                "a device of the team did not enroll".into(),
            ));
        }
        world.note("setup done".into());
        Ok(world)
    }

    /// What happened so far, line by line.
    pub fn trace(&self) -> &[String] {
        &self.trace
    }

    /// The trace, ending the world's parked tasks first.
    pub fn into_trace(mut self) -> Vec<String> {
        self.tasks.clear();
        std::mem::take(&mut self.trace)
    }

    pub(crate) fn note(&mut self, line: String) {
        let at = duration(self.clock.elapsed_ms());
        let step = self.label(self.step);
        self.trace.push(format!("{step:>5} {at:>12}  {line}"));
    }

    /// A step's number as the trace shows it (setup steps are `s1`, `s2`, …).
    fn label(&self, key: usize) -> String {
        if key >= SETUP {
            format!("s{}", key - SETUP)
        } else {
            key.to_string()
        }
    }

    pub(crate) fn failure(&self, invariant: &str, detail: String) -> Failure {
        Failure {
            invariant: invariant.to_string(),
            detail: self.readable(&detail),
            step: self.step,
        }
    }

    /// Puts device names in place of their random ids.
    fn readable(&self, text: &str) -> String {
        let mut text = text.to_string();
        for device in &self.devices {
            if let Some(id) = device.id {
                text = text.replace(&id.to_string(), &device.name);
            }
        }
        for (handle, record) in self.model.records.iter().enumerate() {
            text = text.replace(&record.id.to_string(), &format!("r{handle}"));
        }
        text
    }

    pub(crate) fn rt(&self) -> &Runtime {
        self.rt
    }

    pub(crate) fn hub(&self) -> &SimHub {
        self.hub.as_ref().expect("the hub is up between steps")
    }

    /// The tasks parked now (by the step that started each), in the order they started.
    pub fn parked(&self) -> Vec<usize> {
        self.tasks.iter().map(|t| t.key).collect()
    }

    /// How many lingering request copies the network holds.
    pub fn ghosts(&self) -> usize {
        self.ghosts.len()
    }

    /// Codes handed out and not used yet (by the step that issued each).
    pub fn open_invites(&self) -> Vec<usize> {
        self.invites
            .iter()
            .filter(|i| !i.used)
            .map(|i| i.key)
            .collect()
    }

    /// Whether a task of `device` is running.
    pub fn busy(&self, device: usize) -> bool {
        self.tasks.iter().any(|t| t.device == device)
    }

    /// Whether the hub holds the invite with this id.
    fn hub_has_invite(&self, id: Uuid) -> bool {
        self.rt
            .block_on(self.hub().storage().get_invite(id))
            .is_ok()
    }

    /// Whether a live device's store is locked (asking may lock it, if it
    /// idled too long, as any look at the app would).
    pub fn locked(&self, device: usize) -> bool {
        self.devices[device]
            .store
            .with(|s| s.is_locked())
            .unwrap_or(true)
    }

    /// Whether the app may use the store now: a sync lets go of it between
    /// steps; other tasks hold it throughout.
    pub fn app_may_use(&self, device: usize) -> bool {
        self.devices[device].is_live()
            && self
                .tasks
                .iter()
                .all(|t| t.device != device || matches!(t.work, Work::Sync { .. }))
    }

    /// Whether the hub revoked `device`.
    pub fn revoked(&self, device: usize) -> bool {
        self.devices[device]
            .id
            .is_some_and(|id| self.model.revoked.contains_key(&id.0))
    }

    /// Runs step number `id`; `Err` is the first broken invariant.
    pub fn apply(&mut self, id: usize, step: &Step) -> Checked {
        self.step = id;
        if step.devices().iter().any(|d| *d >= self.devices.len()) {
            // A shortened schedule no longer enrolls that device.
            return Ok(());
        }
        match step {
            Step::Add {
                device,
                kind,
                input,
                link,
            } => self.add(*device, *kind, input, *link),
            Step::Edit {
                device,
                record,
                input,
            } => self.edit(*device, *record, input),
            Step::Delete { device, record } => self.delete(*device, *record),
            Step::Lock { device } => {
                if self.app_may_use(*device) {
                    self.devices[*device].store.with(Store::lock);
                    self.note(format!("{step}"));
                }
                Ok(())
            }
            Step::Unlock { device } => self.unlock(*device),
            Step::Crash { device } => self.crash(*device),
            Step::CrashHub => {
                let hub = self.hub.take().expect("the hub is up");
                self.hub = Some(hub.restart(self.rt));
                self.note(format!("{step}"));
                Ok(())
            }
            Step::Tick { ms } => {
                self.clock.advance(*ms);
                Ok(())
            }
            Step::Skew { device, ms } => {
                if let Some(d) = self.devices.get(*device) {
                    d.clock.skew_by(*ms);
                    let line = format!("{step} (now {} off)", duration(d.clock.skew_ms()));
                    self.note(line);
                }
                Ok(())
            }
            Step::Sync { device } => self.start_sync(*device),
            Step::Compact { device } => self.start_compact(*device),
            Step::Invite { device, role } => self.start_invite(*device, *role),
            Step::Enroll { invite } => self.start_enroll(*invite),
            Step::Revoke { device, target } => self.start_revoke(*device, *target),
            Step::SetPolicy {
                device,
                auto_lock_secs,
                max_failed_unlocks,
            } => {
                let change = PolicyChange {
                    auto_lock_secs: Some(*auto_lock_secs),
                    max_failed_unlocks: Some(*max_failed_unlocks),
                    ..PolicyChange::default()
                };
                self.start_policy(*device, change, format!("{step}"))
            }
            Step::PublishForm { device, kind } => {
                self.start_publish_form(*device, *kind, format!("{step}"))
            }
            Step::Advance { task, fate } => match self.tasks.iter().position(|t| t.key == *task) {
                Some(i) => self.advance(i, *fate),
                None => Ok(()),
            },
            Step::Ghost { pick } => {
                if self.ghosts.is_empty() {
                    return Ok(());
                }
                let (device, request) = self.ghosts.remove(pick % self.ghosts.len());
                let answer = self.hub_answer(device, &request)?;
                let line = self.readable(&request.line());
                self.note(format!(
                    "a lingering copy of d{device}'s {line} reaches the hub: {} (answer lost)",
                    answer.status
                ));
                Ok(())
            }
            Step::Quiet => self.quiet(),
        }
    }

    // --- the app's writes -------------------------------------------------

    fn add(
        &mut self,
        device: usize,
        kind: RecordKind,
        input: &serde_json::Map<String, Value>,
        link: Option<usize>,
    ) -> Checked {
        if !self.app_may_use(device) {
            return Ok(());
        }
        let mut input = input.clone();
        if let Some(link) = link {
            let Some(client) = self.model.record(link) else {
                return Ok(());
            };
            let id = json!(client.id.to_string());
            match kind {
                RecordKind::Meeting => input.insert("attendee_ids".into(), json!([id])),
                _ => input.insert("client_id".into(), id),
            };
        }
        let line = format!(
            "d{device} adds a {kind}{}",
            about(link.and_then(|l| self.model.handle(l)))
        );
        let written = self.devices[device].store.with(|s| {
            let id = s.add(kind, &input, WriteOptions::default())?;
            Ok::<_, Error>((id, s.history(id)?))
        });
        match written.expect("a live device has a store") {
            Ok((id, history)) => {
                let [first] = history.as_slice() else {
                    return Err(self.failure(
                        "a new record has one version",
                        format!("{} versions", history.len()),
                    ));
                };
                let handle = self.model.records.len();
                self.model.records.push(RecordInfo {
                    key: self.step,
                    id,
                    kind,
                });
                self.model
                    .known_records
                    .entry(device)
                    .or_default()
                    .insert(handle);
                let values = first
                    .changes
                    .iter()
                    .filter(|(field, _)| !field.starts_with('_'))
                    .map(|(field, value)| (field.clone(), value.clone()))
                    .collect();
                self.model.acks.push(Ack {
                    record: handle,
                    version: first.version_id.0,
                    device,
                    values,
                    deletes: false,
                    saw: Vec::new(),
                    step: self.step,
                });
                self.note(format!("{line}: r{handle}"));
                Ok(())
            }
            Err(e) => self.refused(line, e),
        }
    }

    fn edit(
        &mut self,
        device: usize,
        record: usize,
        input: &serde_json::Map<String, Value>,
    ) -> Checked {
        if !self.app_may_use(device) {
            return Ok(());
        }
        let (Some(handle), Some(info)) = (self.model.handle(record), self.model.record(record))
        else {
            return Ok(());
        };
        let info = info.clone();
        let line = format!("d{device} edits r{handle} ({})", keys(input));
        let written = self.devices[device].store.with(|s| {
            let waiting = s.unpushed_count()?;
            s.update(info.id, input, WriteOptions::default())?;
            let wrote = s.unpushed_count()? > waiting;
            Ok::<_, Error>((wrote, s.history(info.id)?))
        });
        match written.expect("a live device has a store") {
            Ok((wrote, history)) => self.acknowledge(line, device, handle, wrote, history, false),
            Err(e) => self.refused(line, e),
        }
    }

    fn delete(&mut self, device: usize, record: usize) -> Checked {
        if !self.app_may_use(device) {
            return Ok(());
        }
        let (Some(handle), Some(info)) = (self.model.handle(record), self.model.record(record))
        else {
            return Ok(());
        };
        let info = info.clone();
        let line = format!("d{device} deletes r{handle}");
        let written = self.devices[device].store.with(|s| {
            let waiting = s.unpushed_count()?;
            s.delete(info.id)?;
            let wrote = s.unpushed_count()? > waiting;
            Ok::<_, Error>((wrote, s.history(info.id)?))
        });
        match written.expect("a live device has a store") {
            Ok((wrote, history)) => self.acknowledge(line, device, handle, wrote, history, true),
            Err(e) => self.refused(line, e),
        }
    }

    /// Records an acknowledged edit or deletion: the version it added (the
    /// newest on this device, so the last of the record's history), with the
    /// fields it wrote (unchanged fields are not written) and the versions
    /// its writer had merged before it.
    fn acknowledge(
        &mut self,
        line: String,
        device: usize,
        record: usize,
        wrote: bool,
        history: Vec<HistoryEntry>,
        deletes: bool,
    ) -> Checked {
        match history.split_last() {
            Some((version, before)) if wrote => {
                let saw: Vec<Uuid> = before.iter().map(|h| h.version_id.0).collect();
                let values = version
                    .changes
                    .iter()
                    .filter(|(field, _)| !field.starts_with('_'))
                    .map(|(field, value)| (field.clone(), value.clone()))
                    .collect();
                self.model.acks.push(Ack {
                    record,
                    version: version.version_id.0,
                    device,
                    values,
                    deletes,
                    saw,
                    step: self.step,
                });
                self.note(format!("{line}: saved"));
                Ok(())
            }
            _ => {
                self.note(format!("{line}: nothing changed"));
                Ok(())
            }
        }
    }

    /// A write the store refused: fine for the reasons a worker meets, a
    /// finding for any other.
    fn refused(&mut self, line: String, e: Error) -> Checked {
        let why = match &e {
            Error::Locked => "locked",
            Error::NotPermitted(_) => "not permitted for this role",
            Error::DuplicateClient { .. } => "a client with this code exists",
            Error::Validation(_) => "invalid",
            Error::LinkNotFound { .. } => "the client is not on this device",
            Error::RecordNotFound { .. } => "the record is not on this device",
            // The record came before the form it was written with: the
            // form's roster link arrives at a later sync.
            Error::FormNotKnown { .. } => "its form version has not arrived yet",
            _ => {
                return Err(self.failure(
                    "a write succeeds or is refused for a reason the worker can act on",
                    format!("{line}: {e}"),
                ))
            }
        };
        self.note(format!("{line}: refused ({why})"));
        Ok(())
    }

    fn unlock(&mut self, device: usize) -> Checked {
        if !self.app_may_use(device) {
            return Ok(());
        }
        let unlocked = self.devices[device].store.with(|s| s.unlock(PIN));
        match unlocked.expect("a live device has a store") {
            Ok(()) => {
                self.note(format!("d{device} unlocks"));
                Ok(())
            }
            Err(e) => Err(self.failure("the right PIN unlocks", format!("d{device}: {e}"))),
        }
    }

    // --- crashes ------------------------------------------------------------

    fn crash(&mut self, device: usize) -> Checked {
        if !matches!(
            self.devices.get(device).map(|d| d.life),
            Some(Life::Live | Life::Enrolling)
        ) {
            return Ok(());
        }
        while let Some(i) = self.tasks.iter().position(|t| t.device == device) {
            let mut run = self.tasks.remove(i);
            match run.task.resume(Resume::Crash) {
                Stop::Done(Ending::Crashed) => {
                    self.note(format!("d{device} crashes during its {}", run.work.name()))
                }
                Stop::Done(ending) => self.finish(run, ending)?,
                _ => unreachable!("a crashed task only ends"),
            }
        }
        let d = &mut self.devices[device];
        match d.life {
            Life::Enrolling => {
                d.life = Life::NeverEnrolled;
                self.note(format!("d{device} crashes before it enrolled"));
                Ok(())
            }
            _ => match d.crash_and_reopen() {
                Ok(()) => {
                    self.note(format!("d{device} crashes and reopens (locked)"));
                    Ok(())
                }
                Err(Error::Erased) => self.wiped(device, "reopening after a crash"),
                Err(e) => {
                    Err(self.failure("a store reopens after a crash", format!("d{device}: {e}")))
                }
            },
        }
    }

    /// A device found erased: only the hub's order to a revoked device may do that.
    fn wiped(&mut self, device: usize, when: &str) -> Checked {
        if !self.revoked(device) {
            return Err(self.failure(
                "only a revoked device is wiped",
                format!("d{device} was erased ({when}) but never revoked"),
            ));
        }
        let d = &mut self.devices[device];
        d.life = Life::Wiped;
        drop(d.store.take());
        self.note(format!("d{device} obeyed the wipe order ({when})"));
        Ok(())
    }

    // --- tasks ----------------------------------------------------------------

    fn start_sync(&mut self, device: usize) -> Checked {
        if !self.devices[device].is_live() || self.busy(device) {
            return Ok(());
        }
        let shared = self.devices[device].store.clone();
        let pending = shared
            .with(|s| s.unpushed(u32::MAX))
            .expect("a live device has a store");
        let pending = match pending {
            Ok(v) => v.into_iter().map(|v| v.version_id).collect(),
            Err(e) => return Err(self.failure("a store lists what it has to push", e.to_string())),
        };
        let options = self.sync_options;
        self.note(format!("d{device} starts a sync"));
        self.start(device, Work::Sync { pending }, move || {
            Outcome::Sync(sync::sync_shared(
                &SteppedAccess(shared),
                &options,
                None,
                &AtomicBool::new(false),
            ))
        })
    }

    fn start_compact(&mut self, device: usize) -> Checked {
        if !self.devices[device].is_live() || self.busy(device) {
            return Ok(());
        }
        let shared = self.devices[device].store.clone();
        let options = CompactOptions {
            sync: self.sync_options,
            min_versions: 3,
            max_records: 50,
        };
        self.note(format!("d{device} starts a compaction"));
        self.start(device, Work::Compact, move || {
            let mut store = shared.lock();
            let store = store.as_mut().expect("a live device has a store");
            Outcome::Compact(sync::compact(store, &options, &AtomicBool::new(false)))
        })
    }

    fn start_invite(&mut self, device: usize, role: Role) -> Checked {
        if !self.devices[device].is_live() || self.busy(device) {
            return Ok(());
        }
        let shared = self.devices[device].store.clone();
        self.note(format!("d{device} invites {}", with_article(role)));
        self.start(device, Work::Invite { invite: None }, move || {
            let mut store = shared.lock();
            let store = store.as_mut().expect("a live device has a store");
            Outcome::Invite(sync::invite(store, role, 7))
        })
    }

    fn start_enroll(&mut self, invite: usize) -> Checked {
        let Some(invitation) = self.invites.iter_mut().find(|i| i.key == invite) else {
            return Ok(());
        };
        if invitation.used || self.devices.len() >= MAX_DEVICES {
            return Ok(());
        }
        invitation.used = true;
        let (code, role) = (invitation.code.clone(), invitation.role);
        let index = self.devices.len();
        // Each new phone's clock is a little off, differently.
        let skew = ((index as i64 * 7919) % 241 - 120) * 1000;
        let device = Device::new(index, role, self.root.path(), self.clock.device(skew));
        let (dir, provider, options) = (
            device.data_dir(),
            device.provider(),
            device.create_options(),
        );
        std::fs::create_dir_all(&device.dir).expect("a device directory");
        let label = format!("{} {}", device.name, role);
        self.devices.push(device);
        let issued = self.label(invite);
        self.note(format!(
            "d{index} ({role}) enrolls with the code of step {issued}"
        ));
        self.start(index, Work::Enroll, move || {
            Outcome::Enroll(
                sync::enroll(
                    &dir,
                    PIN,
                    provider,
                    &code,
                    HUB_URL,
                    None,
                    Some(label),
                    options,
                )
                .map(Box::new),
            )
        })
    }

    fn start_revoke(&mut self, device: usize, target: usize) -> Checked {
        if !self.devices[device].is_live() || self.busy(device) {
            return Ok(());
        }
        let Some(target_id) = self.devices.get(target).and_then(|d| d.id) else {
            return Ok(());
        };
        let shared = self.devices[device].store.clone();
        self.note(format!("d{device} revokes d{target}"));
        let work = Work::Revoke {
            target: target_id.0,
            already: self.model.revoked.contains_key(&target_id.0),
            confirmed: false,
        };
        self.start(device, work, move || {
            let mut store = shared.lock();
            let store = store.as_mut().expect("a live device has a store");
            Outcome::Revoke(sync::revoke_device(store, target_id))
        })
    }

    fn start_policy(&mut self, device: usize, change: PolicyChange, line: String) -> Checked {
        if !self.devices[device].is_live() || self.busy(device) {
            return Ok(());
        }
        let shared = self.devices[device].store.clone();
        self.note(line);
        self.start(device, Work::Policy, move || {
            let mut store = shared.lock();
            let store = store.as_mut().expect("a live device has a store");
            Outcome::Policy(sync::set_team_policy(store, &change))
        })
    }

    fn start_publish_form(&mut self, device: usize, kind: RecordKind, line: String) -> Checked {
        if !self.devices[device].is_live() || self.busy(device) {
            return Ok(());
        }
        let shared = self.devices[device].store.clone();
        self.note(line);
        self.start(device, Work::Form, move || {
            let mut store = shared.lock();
            let store = store.as_mut().expect("a live device has a store");
            Outcome::Form(next_form(store, kind).and_then(|form| sync::publish_form(store, &form)))
        })
    }

    fn start(
        &mut self,
        device: usize,
        work: Work,
        body: impl FnOnce() -> Outcome + Send + 'static,
    ) -> Checked {
        let name = format!("sim d{device} {}", work.name());
        let (task, stop) = Task::start(name, body);
        let at = self.tasks.len();
        let key = self.step;
        self.park(key, task, device, work, stop, at)
    }

    /// Files a task at its stop (at `at` in the parked list), or finishes it.
    fn park(
        &mut self,
        key: usize,
        task: Task<Outcome>,
        device: usize,
        work: Work,
        stop: Stop<Outcome>,
        at: usize,
    ) -> Checked {
        let parked = match stop {
            Stop::Request(request) => Parked::Request(request),
            Stop::StoreStep => Parked::StoreStep,
            Stop::Done(ending) => {
                return self.finish(
                    Running {
                        key,
                        task,
                        device,
                        work,
                        parked: Parked::StoreStep,
                    },
                    ending,
                )
            }
        };
        self.tasks.insert(
            at,
            Running {
                key,
                task,
                device,
                work,
                parked,
            },
        );
        Ok(())
    }

    /// Moves the `i`th parked task on; a request meets `fate` on the way.
    fn advance(&mut self, i: usize, fate: Fate) -> Checked {
        let Running {
            key,
            mut task,
            device,
            mut work,
            parked,
        } = self.tasks.remove(i);
        let resume = match parked {
            Parked::StoreStep => Resume::Go,
            Parked::Request(request) => {
                let revocation =
                    request.method.as_str() == "POST" && request.path.ends_with("/revoke");
                if let Work::Invite { invite } = &mut work {
                    if (request.method.as_str(), request.path.as_str()) == ("POST", paths::INVITES)
                    {
                        *invite = request
                            .body
                            .as_deref()
                            .and_then(|b| serde_json::from_slice::<CreateInviteRequest>(b).ok())
                            .map(|r| r.invite_id);
                    }
                }
                let answer = self.network(device, &work, request, fate)?;
                if let (Work::Revoke { confirmed, .. }, Ok(response)) = (&mut work, &answer) {
                    *confirmed |= revocation && (200..300).contains(&response.status);
                }
                Resume::Answer(answer)
            }
        };
        let stop = task.resume(resume);
        self.park(key, task, device, work, stop, i)
    }

    /// What becomes of one request, and the answer the device gets.
    fn network(
        &mut self,
        device: usize,
        work: &Work,
        request: WireRequest,
        fate: Fate,
    ) -> Result<Result<HubResponse, TransportError>, Failure> {
        let who = format!(
            "d{device} {}: {}",
            work.name(),
            self.readable(&request.line())
        );
        let lost = |what: &str| Err(TransportError::Unreachable(what.to_string()));
        let answer = match fate {
            Fate::Deliver => {
                let answer = self.hub_answer(device, &request)?;
                self.note(format!("{who} → {}", answer.status));
                Ok(answer)
            }
            Fate::LoseRequest => {
                self.note(format!("{who} → lost on the way"));
                lost("the request was lost")
            }
            Fate::LoseResponse => {
                let answer = self.hub_answer(device, &request)?;
                self.note(format!("{who} → {}, answer lost", answer.status));
                lost("the answer was lost")
            }
            Fate::Duplicate => {
                let first = self.hub_answer(device, &request)?;
                let second = self.hub_answer(device, &request)?;
                self.note(format!(
                    "{who} → {} (duplicated: {})",
                    first.status, second.status
                ));
                Ok(first)
            }
            Fate::Linger => {
                let answer = self.hub_answer(device, &request)?;
                self.note(format!("{who} → {} (a copy lingers)", answer.status));
                self.ghosts.push((device, request.clone()));
                Ok(answer)
            }
        };
        if let Ok(response) = &answer {
            self.model.delivered(device, &request, response);
        }
        Ok(answer)
    }

    /// The hub handles one request; the model learns from its answer.
    fn hub_answer(&mut self, device: usize, request: &WireRequest) -> Result<HubResponse, Failure> {
        self.events += 1;
        let answer = self.hub().handle(self.rt, request);
        let id = self.devices[device].id.map(|d| d.0);
        if let Err((invariant, detail)) =
            self.model
                .observe(device, id, request, &answer, self.events)
        {
            return Err(self.failure(invariant, format!("d{device}: {detail}")));
        }
        Ok(answer)
    }

    /// A task ended: learn from its result and check what it claims.
    fn finish(&mut self, run: Running, ending: Ending<Outcome>) -> Checked {
        let device = run.device;
        let outcome = match ending {
            Ending::Finished(outcome) => outcome,
            Ending::Crashed => {
                self.note(format!("d{device} crashes during its {}", run.work.name()));
                return Ok(());
            }
            Ending::Panicked(message) => {
                return Err(self.failure(
                    "the code under test never panics",
                    format!("d{device} {}: {message}", run.work.name()),
                ))
            }
        };
        match (run.work, outcome) {
            (Work::Sync { pending }, Outcome::Sync(result)) => {
                self.synced(device, &pending, result)
            }
            (Work::Compact, Outcome::Compact(result)) => self.compacted(device, result),
            (Work::Invite { invite }, Outcome::Invite(result)) => {
                match result {
                    Ok(invite) => {
                        self.note(format!("d{device} invited {}", with_article(invite.role)));
                        self.invites.push(Invitation {
                            key: run.key,
                            code: invite.code.clone(),
                            role: invite.role,
                            used: false,
                        });
                    }
                    // An invite the hub registered is a code to hand out:
                    // reported failed, it is lost (unless the store locked,
                    // and then the supervisor asks again).
                    Err(e)
                        if !matches!(e, Error::Erased | Error::Locked)
                            && invite.is_some_and(|id| self.hub_has_invite(id)) =>
                    {
                        let line = self.readable(&format!("d{device} invite: {e}"));
                        return Err(self.failure(
                            "team work reports what happened",
                            format!("the hub registered the invite, yet {line}"),
                        ));
                    }
                    Err(e) => return self.team_work_failed(device, "invite", e),
                }
                Ok(())
            }
            (Work::Enroll, Outcome::Enroll(result)) => self.enrolled(device, result),
            (
                Work::Revoke {
                    target,
                    already,
                    confirmed,
                },
                Outcome::Revoke(result),
            ) => match result {
                Ok(epoch) => {
                    self.note(format!(
                        "d{device} revoked; the team is at key epoch {epoch}"
                    ));
                    Ok(())
                }
                // A device that heard the hub accept must say so; one that
                // did not must find out, unless its store is locked.
                Err(e)
                    if !already
                        && self.model.revoked.contains_key(&target)
                        && !matches!(e, Error::Erased)
                        && (confirmed || !matches!(e, Error::Locked)) =>
                {
                    let line = self.readable(&format!("d{device} revocation: {e}"));
                    Err(self.failure(
                        "team work reports what happened",
                        format!("the hub revoked the device, yet {line}"),
                    ))
                }
                Err(e) => self.team_work_failed(device, "revocation", e),
            },
            (Work::Form, Outcome::Form(result)) => match result {
                Ok(published) => {
                    self.note(format!(
                        "d{device} published a form at roster link {}",
                        published.seq
                    ));
                    Ok(())
                }
                Err(e) => self.team_work_failed(device, "form", e),
            },
            (Work::Policy, Outcome::Policy(result)) => match result {
                Ok(state) => {
                    self.note(format!(
                        "d{device} signed the team policy at roster link {}",
                        state.seq
                    ));
                    Ok(())
                }
                Err(e) => self.team_work_failed(device, "team policy", e),
            },
            _ => unreachable!("each task returns its own outcome"),
        }
    }

    fn team_work_failed(&mut self, device: usize, what: &str, e: Error) -> Checked {
        match e {
            Error::Erased => self.wiped(device, what),
            Error::Hub(_) | Error::Locked => {
                let line = self.readable(&format!("d{device} {what} failed: {e}"));
                self.note(line);
                Ok(())
            }
            e => Err(self.failure(
                "team work succeeds or fails for a reason the supervisor can act on",
                format!("d{device} {what}: {e}"),
            )),
        }
    }

    fn enrolled(&mut self, device: usize, result: Result<Box<Store>, Error>) -> Checked {
        match result {
            Ok(store) => {
                let mut store = *store;
                let id = store.device_id();
                // A store whose auto-lock ran out while the enrollment
                // waited on the network asks for the PIN first; its keys are
                // checked at the next quiet point then.
                let held = if store.is_locked() {
                    None
                } else {
                    crate::invariants::keys_beyond_role(&mut store)
                };
                let d = &mut self.devices[device];
                d.id = Some(id);
                d.life = Life::Live;
                d.store.put(store);
                self.note(format!("d{device} enrolled"));
                match held {
                    Some(detail) => Err(self.failure(
                        "no device holds a key its role may not hold",
                        format!("d{device}: {detail}"),
                    )),
                    None => Ok(()),
                }
            }
            Err(e) => {
                self.devices[device].life = Life::NeverEnrolled;
                match e {
                    Error::Hub(_) => {
                        let line = format!("d{device} could not enroll: {e}");
                        self.note(line);
                        Ok(())
                    }
                    e => Err(self.failure(
                        "enrollment succeeds or fails on the hub's word",
                        format!("d{device}: {e}"),
                    )),
                }
            }
        }
    }

    /// A sync ended. It may say `ok` only if it pushed everything that waited
    /// when it began, and reported no error and no rejected version.
    fn synced(
        &mut self,
        device: usize,
        pending: &[Uuid],
        result: Result<SyncSummary, Error>,
    ) -> Checked {
        let summary = match result {
            Ok(summary) => summary,
            Err(Error::Locked) => {
                self.note(format!("d{device} sync: locked"));
                return Ok(());
            }
            Err(e) => {
                return Err(self.failure(
                    "a sync reports hub trouble in its summary",
                    format!("d{device}: {e}"),
                ))
            }
        };
        self.note(format!("d{device} sync ended: {}", describe(&summary)));
        if summary.ok {
            self.check_success(device, &summary, pending)?;
        }
        if summary.wiped {
            return self.wiped(device, "told by the hub during a sync");
        }
        Ok(())
    }

    fn check_success(&self, device: usize, summary: &SyncSummary, pending: &[Uuid]) -> Checked {
        let honest = "a sync summary never reports success for something that failed";
        if !summary.errors.is_empty() || !summary.rejected.is_empty() || summary.wiped {
            return Err(self.failure(honest, format!("d{device}: ok with {summary:?}")));
        }
        if let Some(missing) = pending.iter().find(|v| !self.model.on_hub.contains_key(v)) {
            return Err(self.failure(
                honest,
                format!("d{device} reported ok, but version {missing} that waited to be pushed is not on the hub"),
            ));
        }
        Ok(())
    }

    fn compacted(&mut self, device: usize, result: Result<CompactSummary, Error>) -> Checked {
        let summary = match result {
            Ok(summary) => summary,
            Err(Error::Locked) => {
                self.note(format!("d{device} compaction: locked"));
                return Ok(());
            }
            Err(e) => {
                return Err(self.failure(
                    "a compaction reports hub trouble in its summary",
                    format!("d{device}: {e}"),
                ))
            }
        };
        self.note(format!(
            "d{device} compaction ended: {} (merged {}, pushed {}, dropped {})",
            if summary.ok { "ok" } else { "failed" },
            summary.merged_versions,
            summary.pushed,
            summary.dropped
        ));
        if summary.ok {
            let honest = "a compaction summary never reports success for something that failed";
            if !summary.errors.is_empty() || !summary.sync.ok {
                return Err(self.failure(honest, format!("d{device}: {summary:?}")));
            }
            let unpushed = self.devices[device]
                .store
                .with(|s| s.unpushed(u32::MAX))
                .expect("a live device has a store");
            match unpushed {
                Ok(v)
                    if v.iter()
                        .all(|v| self.model.on_hub.contains_key(&v.version_id)) => {}
                Ok(_) => {
                    return Err(self.failure(
                        honest,
                        format!("d{device} reported ok with merged versions not on the hub"),
                    ))
                }
                Err(e) => {
                    return Err(self.failure("a store lists what it has to push", e.to_string()))
                }
            }
        }
        if summary.wiped {
            return self.wiped(device, "told by the hub during a compaction");
        }
        Ok(())
    }

    // --- quiet points -----------------------------------------------------------

    /// Every parked task runs to its end over a healthy network, oldest first.
    pub(crate) fn drain(&mut self) -> Checked {
        while !self.tasks.is_empty() {
            self.advance(0, Fate::Deliver)?;
        }
        Ok(())
    }

    /// The network heals, every task finishes, every device unlocks and syncs
    /// twice (everyone pushes, then everyone pulls what the others pushed),
    /// and every invariant is checked.
    pub(crate) fn quiet(&mut self) -> Checked {
        self.note("quiet point: the network heals".into());
        self.drain()?;
        for device in 0..self.devices.len() {
            if self.devices[device].is_live() {
                let locked = self.devices[device]
                    .store
                    .with(|s| s.is_locked())
                    .expect("a live device has a store");
                if locked {
                    self.unlock(device)?;
                }
            }
        }
        for _round in 0..2 {
            for device in 0..self.devices.len() {
                if !self.devices[device].is_live() {
                    continue;
                }
                self.start_sync(device)?;
                self.drain()?;
            }
        }
        crate::invariants::check(self)
    }
}

impl Work {
    fn name(&self) -> &'static str {
        match self {
            Work::Sync { .. } => "sync",
            Work::Compact => "compaction",
            Work::Invite { .. } => "invite",
            Work::Enroll => "enrollment",
            Work::Revoke { .. } => "revocation",
            Work::Policy => "team policy",
            Work::Form => "form",
        }
    }
}

/// "an outreach", "a supervisor".
fn with_article(role: Role) -> String {
    match role {
        Role::Outreach => format!("an {role} worker"),
        _ => format!("a {role}"),
    }
}

fn about(link: Option<usize>) -> String {
    link.map(|l| format!(" about r{l}")).unwrap_or_default()
}

fn keys(input: &serde_json::Map<String, Value>) -> String {
    input.keys().cloned().collect::<Vec<_>>().join(", ")
}

fn describe(s: &SyncSummary) -> String {
    let mut text = format!(
        "{} (pushed {}, pulled {}, merged {}, held {}, conflicts {}, keys {})",
        if s.ok { "ok" } else { "failed" },
        s.pushed,
        s.pulled,
        s.merged,
        s.held,
        s.conflicts,
        s.keys_learned
    );
    if let Some(e) = s.errors.first() {
        text.push_str(&format!(": {e}"));
    }
    if let Some(first) = s.rejected.first() {
        text.push_str(&format!(
            ", {} rejected ({}…)",
            s.rejected.len(),
            first.reason
        ));
    }
    text
}

/// Where a schedule keeps its files: memory when the machine has a tmpfs
/// (stores and hub sync to disk at every commit).
fn scratch_dir() -> tempfile::TempDir {
    let shm = std::path::Path::new("/dev/shm");
    let builder = {
        let mut b = tempfile::Builder::new();
        b.prefix("fieldbook-sim-");
        b
    };
    if shm.is_dir() {
        if let Ok(dir) = builder.tempdir_in(shm) {
            return dir;
        }
    }
    builder.tempdir().expect("a temporary directory")
}

impl Drop for World<'_> {
    fn drop(&mut self) {
        // Tasks end (crashed) before their stores and the hub go.
        self.tasks.clear();
        for device in &self.devices {
            drop(device.store.take());
        }
        if let Some(hub) = self.hub.take() {
            hub.remove(self.rt);
        }
    }
}

/// The next version of the form a store uses for `kind`, retitled: what a
/// supervisor publishes in the simulation.
fn next_form(store: &mut Store, kind: RecordKind) -> Result<FormDefinition, Error> {
    let mut spec = FormSpec::from((*store.current_form(kind)?).clone());
    spec.version += 1;
    spec.title.en = format!(
        "{} (v{})",
        spec.title.en.split(" (v").next().unwrap_or_default(),
        spec.version
    );
    FormDefinition::try_from(spec).map_err(|e| Error::InvalidInput(e.to_string()))
}
