//! What the simulation knows independently of the code under test: the
//! records it asked devices to write, every write a store acknowledged, and
//! what the hub answered (which versions it stored, what compaction dropped,
//! whom it revoked). The invariants compare the devices and the hub with it.

use std::collections::{HashMap, HashSet};

use fieldbook_core::record::{RecordId, RecordKind};
use fieldbook_core::store::Role;
use fieldbook_proto::devices::{KeysResponse, PutKeysRequest, RevokeRequest};
use fieldbook_proto::enroll::EnrollResponse;
use fieldbook_proto::paths;
use fieldbook_proto::sync::{CompactRequest, PullResponse, PushRequest};
use fieldbook_proto::vocab::SensitivityClass;
use serde_json::Value;
use uuid::Uuid;

use fieldbook_core::sync::HubResponse;

use crate::task::WireRequest;

/// A record the schedule created. Its handle (`r3` in traces) is its place
/// in [`Model::records`]; steps name it by `key`, the number of the step
/// that added it.
#[derive(Debug, Clone)]
pub struct RecordInfo {
    /// The number of the step that added it.
    pub key: usize,
    /// Its id.
    pub id: RecordId,
    /// Its kind.
    pub kind: RecordKind,
}

/// A write a device's store acknowledged (the call returned `Ok`).
#[derive(Debug, Clone)]
pub struct Ack {
    /// The record's handle in [`Model::records`].
    pub record: usize,
    /// The version the write made.
    pub version: Uuid,
    /// The device that wrote it.
    pub device: usize,
    /// The fields the write set, as stored (`null`: cleared).
    pub values: Vec<(String, Value)>,
    /// The write deleted the record.
    pub deletes: bool,
    /// The versions of the record the writer had merged before writing.
    pub saw: Vec<Uuid>,
    /// The number of the step that made the write.
    pub step: usize,
}

/// A rotation the hub accepted: its epoch and, per device, the classes wrapped to it.
#[derive(Debug, Clone)]
pub struct Rotation {
    /// The hub event that accepted it.
    pub event: u64,
    /// The epoch it made.
    pub epoch: u32,
    /// Per hub device id, the classes whose keys were wrapped to it.
    pub envelopes: HashMap<Uuid, HashSet<SensitivityClass>>,
}

/// What the simulation knows to be true, to check the hub and the devices against.
#[derive(Default)]
pub struct Model {
    /// Every record created, by handle.
    pub records: Vec<RecordInfo>,
    /// Every acknowledged write, in order.
    pub acks: Vec<Ack>,
    /// Versions the hub stored (answered a push of them with success), and
    /// the hub event that first did.
    pub on_hub: HashMap<Uuid, u64>,
    /// Merged versions whose compaction the hub carried out, and the versions
    /// each named to drop.
    pub merged: HashMap<Uuid, Vec<Uuid>>,
    /// Device ids the hub revoked, and the hub event that did.
    pub revoked: HashMap<Uuid, u64>,
    /// Every rotation the hub accepted, in order.
    pub rotations: Vec<Rotation>,
    /// Hub device ids of the simulated devices.
    pub device_of: HashMap<Uuid, usize>,
    /// Every device the hub enrolled (simulated or not), with its role.
    pub roles: HashMap<Uuid, Role>,
    /// The records each device has been seen to write or pull, for the
    /// schedule's choices (learned from its writes and the answers it
    /// received, never by asking its store, which would count as use and
    /// delay its auto-lock).
    pub known_records: HashMap<usize, HashSet<usize>>,
}

/// Something the hub did that no correct hub does.
pub type Violation = (&'static str, String);

impl Model {
    /// The handle of the record with this id.
    pub fn record_handle(&self, id: RecordId) -> Option<usize> {
        self.records.iter().position(|r| r.id == id)
    }

    /// The handle of the record the step numbered `key` added.
    pub fn handle(&self, key: usize) -> Option<usize> {
        self.records.iter().position(|r| r.key == key)
    }

    /// The record the step numbered `key` added.
    pub fn record(&self, key: usize) -> Option<&RecordInfo> {
        self.records.iter().find(|r| r.key == key)
    }

    /// Learns from one answer of the hub to `device`'s request (`event` is
    /// the hub's running count of requests), and checks what the hub may
    /// never do whatever the schedule.
    pub fn observe(
        &mut self,
        device: usize,
        device_id: Option<Uuid>,
        request: &WireRequest,
        response: &HubResponse,
        event: u64,
    ) -> Result<(), Violation> {
        let ok = (200..300).contains(&response.status);
        let revoked_before = device_id.and_then(|id| self.revoked.get(&id).copied());
        // The signed roster is served to a revoked device too, so it can
        // verify its own revocation before it erases itself: it holds
        // membership, never records or keys.
        let roster = request.method == "GET" && request.path.starts_with(paths::ROSTER);
        if ok && request.token.is_some() && !roster {
            if let Some(at) = revoked_before {
                return Err((
                    "a revoked device receives nothing",
                    format!(
                        "the hub answered {} with {} at hub event {event}, after it revoked the device at hub event {at}",
                        request.line(),
                        response.status
                    ),
                ));
            }
        }
        if !ok {
            return Ok(());
        }
        let body = request.body.as_deref().unwrap_or_default();
        match (request.method.as_str(), request.path.as_str()) {
            ("POST", paths::PUSH) => {
                let push: PushRequest = parse(body)?;
                for v in push.versions {
                    self.on_hub.entry(v.version_id).or_insert(event);
                }
            }
            ("POST", paths::COMPACT) => {
                let compact: CompactRequest = parse(body)?;
                for entry in compact.compactions {
                    self.merged
                        .entry(entry.keep_version_id)
                        .or_default()
                        .extend(entry.drop_version_ids);
                }
            }
            ("POST", paths::KEYS) => {
                let keys: PutKeysRequest = parse(body)?;
                self.rotated(device_id, keys, event)?;
            }
            ("POST", paths::ENROLL) => {
                let enrolled: EnrollResponse = parse(&response.body)?;
                self.device_of.insert(enrolled.device_id, device);
                self.roles.insert(enrolled.device_id, enrolled.role);
            }
            ("GET", paths::PULL) => {
                let _: PullResponse = parse(&response.body)?;
            }
            ("GET", paths::KEYS) => {
                let _: KeysResponse = parse(&response.body)?;
            }
            ("POST", path) if path.starts_with("/v1/devices/") && path.ends_with("/revoke") => {
                let id = path
                    .trim_start_matches("/v1/devices/")
                    .trim_end_matches("/revoke");
                if let Ok(id) = id.parse::<Uuid>() {
                    self.revoked.entry(id).or_insert(event);
                }
                // A signed revocation carries its rotation, landed with it.
                if !body.is_empty() {
                    let revocation: RevokeRequest = parse(body)?;
                    if let Some(keys) = revocation.keys {
                        self.rotated(device_id, keys, event)?;
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// A rotation the hub accepted (alone, or with the revocation it follows).
    fn rotated(
        &mut self,
        sender: Option<Uuid>,
        keys: PutKeysRequest,
        event: u64,
    ) -> Result<(), Violation> {
        let mut envelopes: HashMap<Uuid, HashSet<SensitivityClass>> = HashMap::new();
        for e in keys.envelopes {
            envelopes
                .entry(e.device_id)
                .or_default()
                .insert(e.key_class);
        }
        if !self.rotations.iter().any(|r| r.epoch == keys.epoch) {
            // A late copy of a rotation already made changes nothing.
            self.covers_the_team(sender, keys.epoch, &envelopes)?;
        }
        self.rotations.push(Rotation {
            event,
            epoch: keys.epoch,
            envelopes,
        });
        Ok(())
    }

    /// A rotation must give every device the hub has active, other than the
    /// rotating one, the new key of every class its role holds: a device
    /// left out can no longer read what is written after, and a class left
    /// out stays readable by the revoked device's old keys.
    fn covers_the_team(
        &self,
        sender: Option<Uuid>,
        epoch: u32,
        envelopes: &HashMap<Uuid, HashSet<SensitivityClass>>,
    ) -> Result<(), Violation> {
        let mut active: Vec<(&Uuid, &Role)> = self
            .roles
            .iter()
            .filter(|(id, _)| Some(**id) != sender && !self.revoked.contains_key(id))
            .collect();
        active.sort_by_key(|(id, _)| **id);
        for (id, role) in active {
            for class in role.key_classes() {
                let wrapped = envelopes
                    .get(id)
                    .is_some_and(|classes| classes.contains(class));
                if !wrapped {
                    return Err((
                        "a key rotation reaches every remaining device",
                        format!(
                            "the rotation to epoch {epoch} wraps no {} key for {id} ({role})",
                            class.as_str()
                        ),
                    ));
                }
            }
        }
        Ok(())
    }

    /// An answer reaches `device`.
    pub fn delivered(&mut self, device: usize, request: &WireRequest, response: &HubResponse) {
        if !(200..300).contains(&response.status) {
            return;
        }
        if (request.method.as_str(), request.path.as_str()) != ("GET", paths::PULL) {
            return;
        }
        if let Ok(page) = serde_json::from_slice::<PullResponse>(&response.body) {
            for v in page.versions {
                let id = fieldbook_core::record::RecordId(v.version.record_id);
                if let Some(handle) = self.record_handle(id) {
                    self.known_records.entry(device).or_default().insert(handle);
                }
            }
        }
    }

    /// Whether the writer of `later` had merged `earlier` (directly, through
    /// a merged version that folded it, or through a write that had).
    pub fn has_seen(&self, later: &Ack, earlier: Uuid) -> bool {
        let by_version: HashMap<Uuid, &Ack> = self
            .acks
            .iter()
            .filter(|a| a.record == later.record)
            .map(|a| (a.version, a))
            .collect();
        let mut queue: Vec<Uuid> = later.saw.clone();
        let mut visited = HashSet::new();
        while let Some(id) = queue.pop() {
            if id == earlier {
                return true;
            }
            if !visited.insert(id) {
                continue;
            }
            if let Some(drops) = self.merged.get(&id) {
                queue.extend(drops.iter().copied());
            }
            if let Some(ack) = by_version.get(&id) {
                queue.extend(ack.saw.iter().copied());
            }
        }
        false
    }
}

fn parse<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, Violation> {
    serde_json::from_slice(bytes).map_err(|e| {
        (
            "the hub speaks the protocol",
            format!("a body that does not parse: {e}"),
        )
    })
}
