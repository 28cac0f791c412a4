//! Field-by-field merge of record states.
//!
//! A record's state maps each field to the writes that still matter: the
//! winner (largest stamp; ties on device id) and any concurrent writes it beat,
//! which the screens show as conflicts. A write carries, per device, the
//! latest write of that field its author had seen; a write that a later write
//! has seen is superseded and dropped from the state (it stays in the record's
//! version history). Merge is a set union followed by that pruning, so it is
//! deterministic, commutative, associative and idempotent: devices converge
//! whatever order versions arrive in.
//!
//! Clocks are bounded. A device never moves its clock more than
//! [`CLOCK_ALLOWANCE_MS`] past its own wall clock, so a stamp far in the
//! future (a phone set years ahead, or a member forging `u64::MAX`) cannot
//! drag the team's clocks with it. Such a write still wins until someone
//! edits the field; an edit made after seeing it then takes over although its
//! stamp is smaller, and the far-future value stays in the field's conflicts,
//! marked. The rule looks only at the two writes, so merging stays
//! deterministic on every device.

use super::{DeviceId, Hlc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::cmp::Ordering;
use std::collections::BTreeMap;

/// How far ahead of a writer's own clock another write's stamp may be and
/// still win over that writer's later edit: a day. Phones in the field do
/// have wrong clocks, by minutes or hours (a wrong time zone); a write a day
/// or more ahead of the edit that replaced it is not a clock we can believe.
pub const CLOCK_ALLOWANCE_MS: u64 = 24 * 60 * 60 * 1000;

/// When and where a field was written. Larger wins; equal clocks break on device id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Stamp {
    /// The writer's clock when it wrote.
    pub hlc: Hlc,
    /// The writing device, which breaks ties between equal clocks.
    pub device: DeviceId,
}

/// One write of one field. `Value::Null` clears the field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldWrite {
    /// The value written, in the form field's JSON representation.
    pub value: Value,
    /// When and by which device it was written.
    pub stamp: Stamp,
    /// For each device, the latest of its writes to this field that the author
    /// of this write had merged: those writes are superseded, not in conflict.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub seen: BTreeMap<DeviceId, Hlc>,
}

impl FieldWrite {
    /// A total order: stamp first; the value's canonical text and then the
    /// seen vector only separate two writes under one stamp, which honest
    /// devices never make. Only identical writes compare equal, so which of
    /// two is kept never depends on arrival order.
    fn order(&self, other: &Self) -> Ordering {
        self.stamp
            .cmp(&other.stamp)
            .then_with(|| canonical(&self.value).cmp(&canonical(&other.value)))
            .then_with(|| self.seen.cmp(&other.seen))
    }

    fn has_seen(&self, other: &FieldWrite) -> bool {
        self.covers(other.stamp.device, other.stamp.hlc)
    }

    fn covers(&self, device: DeviceId, hlc: Hlc) -> bool {
        self.seen.get(&device).is_some_and(|seen| *seen >= hlc)
    }

    /// `other` no longer matters once this write exists: it is later, its
    /// author had seen `other`, and had seen everything `other` had.
    ///
    /// The last part is what an honest device's write always satisfies (its
    /// seen vector covers every write in its state and what those had
    /// seen). It is checked because a device whose stamps run backwards (a
    /// modified app, or forged seen vectors) could otherwise claim to have
    /// seen a write without what that write had seen; superseding would
    /// then not be transitive, and which writes survive would depend on the
    /// order versions arrive in: devices would disagree on conflicts.
    fn supersedes(&self, other: &FieldWrite) -> bool {
        self.stamp > other.stamp
            && self.has_seen(other)
            && other
                .seen
                .iter()
                .all(|(device, hlc)| self.covers(*device, *hlc))
    }

    /// Whether this write was made after seeing `other`, whose clock was
    /// more than the allowance ahead of this write's: `other` then cannot
    /// win over it, whatever its stamp.
    pub fn overrides_clock_ahead(&self, other: &FieldWrite) -> bool {
        self.has_seen(other)
            && other.stamp.hlc.wall_ms > self.stamp.hlc.wall_ms.saturating_add(CLOCK_ALLOWANCE_MS)
    }
}

fn canonical(value: &Value) -> String {
    // serde_json's Map is a BTreeMap here, so the text is canonical.
    value.to_string()
}

/// The writes of one field that still matter, winner first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FieldState {
    writes: Vec<FieldWrite>,
}

impl FieldState {
    /// The state of a field with one write.
    pub fn single(write: FieldWrite) -> Self {
        FieldState {
            writes: vec![write],
        }
    }

    /// The write whose value the field has now.
    pub fn winner(&self) -> &FieldWrite {
        &self.writes[0]
    }

    /// Concurrent writes that lost to the winner: shown, never silently dropped.
    pub fn conflicts(&self) -> &[FieldWrite] {
        &self.writes[1..]
    }

    /// What a new write of this field has seen: every write still in the state
    /// and everything those had seen.
    pub fn seen_vector(&self) -> BTreeMap<DeviceId, Hlc> {
        let mut seen = BTreeMap::new();
        for write in &self.writes {
            for (device, hlc) in write
                .seen
                .iter()
                .chain(std::iter::once((&write.stamp.device, &write.stamp.hlc)))
            {
                let entry = seen.entry(*device).or_insert(*hlc);
                if *hlc > *entry {
                    *entry = *hlc;
                }
            }
        }
        seen
    }

    /// The union of both states' writes, pruned of superseded ones; the same whatever the order.
    pub fn merge(&self, other: &FieldState) -> FieldState {
        let mut all: Vec<FieldWrite> = self.writes.iter().chain(&other.writes).cloned().collect();
        Self::normalize(&mut all);
        FieldState { writes: all }
    }

    fn normalize(writes: &mut Vec<FieldWrite>) {
        writes.sort_by(|a, b| b.order(a));
        writes.dedup_by(|a, b| a.order(b) == Ordering::Equal);
        let keep: Vec<bool> = writes
            .iter()
            .map(|w| !writes.iter().any(|x| x.supersedes(w)))
            .collect();
        let mut flags = keep.into_iter();
        writes.retain(|_| flags.next().unwrap_or(true));
        // Writes an edit made after seeing them took over from (their clock
        // was far ahead) go behind every other write: kept, never winning.
        // The write with the smallest clock is never taken over, so a
        // winner always remains.
        let overridden: Vec<bool> = writes
            .iter()
            .map(|w| writes.iter().any(|x| x.overrides_clock_ahead(w)))
            .collect();
        let mut ranked: Vec<(bool, FieldWrite)> =
            overridden.into_iter().zip(writes.drain(..)).collect();
        ranked.sort_by_key(|(overridden, _)| *overridden);
        writes.extend(ranked.into_iter().map(|(_, w)| w));
    }

    /// Whether a losing write lost because an edit took over from its
    /// far-ahead clock (see [`CLOCK_ALLOWANCE_MS`]).
    pub fn clock_ahead(&self, write: &FieldWrite) -> bool {
        self.writes.iter().any(|x| x.overrides_clock_ahead(write))
    }

    /// Rebuilds a state from stored writes, restoring the invariants.
    pub fn from_writes(mut writes: Vec<FieldWrite>) -> Option<FieldState> {
        if writes.is_empty() {
            return None;
        }
        Self::normalize(&mut writes);
        Some(FieldState { writes })
    }

    /// Every write that still matters, winner first then the losing ones.
    pub fn writes(&self) -> &[FieldWrite] {
        &self.writes
    }
}

/// The merged state of a whole record.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct RecordState {
    /// Each field's writes, by field key (the form's keys and the `_` meta fields).
    pub fields: BTreeMap<String, FieldState>,
}

impl RecordState {
    /// Merges field by field; the same whatever the order (see [`FieldState::merge`]).
    pub fn merge(&self, other: &RecordState) -> RecordState {
        let mut fields = self.fields.clone();
        for (key, theirs) in &other.fields {
            let merged = match fields.get(key) {
                Some(ours) => ours.merge(theirs),
                None => theirs.clone(),
            };
            fields.insert(key.clone(), merged);
        }
        RecordState { fields }
    }

    /// Merges `other` into this state.
    pub fn merge_in(&mut self, other: &RecordState) {
        *self = self.merge(other);
    }

    /// The write a device makes to set `key` to `value`, superseding what it has.
    pub fn make_write(&self, key: &str, value: Value, stamp: Stamp) -> FieldWrite {
        let seen = self
            .fields
            .get(key)
            .map(FieldState::seen_vector)
            .unwrap_or_default();
        FieldWrite { value, stamp, seen }
    }

    /// The winning value of `key`; `None` when the field was never written or was cleared.
    pub fn value(&self, key: &str) -> Option<&Value> {
        self.fields
            .get(key)
            .map(|f| &f.winner().value)
            .filter(|v| !v.is_null())
    }

    /// The winning value of every field that has one (including `_` meta fields).
    pub fn values(&self) -> Map<String, Value> {
        self.fields
            .iter()
            .filter(|(_, f)| !f.winner().value.is_null())
            .map(|(k, f)| (k.clone(), f.winner().value.clone()))
            .collect()
    }

    /// Keys whose winner beat a concurrent write.
    pub fn conflicted_fields(&self) -> impl Iterator<Item = (&String, &FieldState)> {
        self.fields
            .iter()
            .filter(|(_, f)| !f.conflicts().is_empty())
    }

    /// The newest stamp of any write in the record.
    pub fn latest_stamp(&self) -> Option<Stamp> {
        self.fields.values().map(|f| f.winner().stamp).max()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn device(n: u8) -> DeviceId {
        DeviceId(uuid::Uuid::from_bytes([n; 16]))
    }

    /// A simulated device: its replica of one record and its clock.
    #[derive(Clone)]
    struct Replica {
        device: DeviceId,
        clock: super::super::HlcClock,
        state: RecordState,
    }

    impl Replica {
        fn new(n: u8) -> Self {
            Replica {
                device: device(n),
                clock: super::super::HlcClock::resume(Hlc::ZERO),
                state: RecordState::default(),
            }
        }

        fn write(&mut self, wall_ms: u64, key: &str, value: Value) -> RecordState {
            let hlc = self.clock.tick(wall_ms);
            let write = self.state.make_write(
                key,
                value,
                Stamp {
                    hlc,
                    device: self.device,
                },
            );
            let mut delta = RecordState::default();
            delta
                .fields
                .insert(key.to_string(), FieldState::single(write));
            self.state.merge_in(&delta);
            delta
        }

        fn receive(&mut self, other: &RecordState) {
            if let Some(stamp) = other
                .fields
                .values()
                .flat_map(|f| f.writes())
                .map(|w| w.stamp.hlc)
                .max()
            {
                // Unbounded here: these properties are about merging, not clocks.
                self.clock.observe(stamp, u64::MAX / 2, 0);
            }
            self.state.merge_in(other);
        }
    }

    #[test]
    fn a_far_future_write_loses_to_an_edit_made_after_it_and_stays_shown() {
        let future = FieldWrite {
            value: json!("future"),
            stamp: Stamp {
                hlc: Hlc::new(u64::MAX, u32::MAX),
                device: device(1),
            },
            seen: BTreeMap::new(),
        };
        let mut state = RecordState::default();
        state
            .fields
            .insert("area".into(), FieldState::single(future.clone()));
        assert_eq!(state.value("area"), Some(&json!("future")));
        // An edit made after seeing it, with an honest clock.
        let edit = state.make_write(
            "area",
            json!("now"),
            Stamp {
                hlc: Hlc::new(1_700_000_000_000, 0),
                device: device(2),
            },
        );
        // A concurrent write that never saw the future one does not take over.
        let blind = FieldWrite {
            value: json!("blind"),
            stamp: Stamp {
                hlc: Hlc::new(1_700_000_000_001, 0),
                device: device(3),
            },
            seen: BTreeMap::new(),
        };
        let parts = [
            FieldState::single(future.clone()),
            FieldState::single(edit.clone()),
            FieldState::single(blind.clone()),
        ];
        let orders = [[0, 1, 2], [2, 1, 0], [1, 0, 2], [2, 0, 1]];
        let merged: Vec<FieldState> = orders
            .iter()
            .map(|o| parts[o[0]].merge(&parts[o[1]]).merge(&parts[o[2]]))
            .collect();
        assert!(merged.windows(2).all(|w| w[0] == w[1]), "order-independent");
        let field = &merged[0];
        assert_eq!(field.winner().value, json!("blind"));
        let future_kept = field
            .conflicts()
            .iter()
            .find(|w| w.value == json!("future"))
            .unwrap();
        assert!(field.clock_ahead(future_kept));
        assert!(!field.clock_ahead(field.winner()));
        // Within the allowance a clock ahead is believed: the later stamp wins.
        let near = FieldWrite {
            stamp: Stamp {
                hlc: Hlc::new(1_700_000_000_000 + CLOCK_ALLOWANCE_MS / 2, 0),
                device: device(1),
            },
            ..future
        };
        let after_near = {
            let mut s = RecordState::default();
            s.fields
                .insert("area".into(), FieldState::single(near.clone()));
            s.make_write("area", json!("edit"), edit.stamp)
        };
        let f = FieldState::single(near).merge(&FieldState::single(after_near));
        assert_eq!(f.winner().value, json!("future"));
    }

    #[derive(Debug, Clone)]
    enum Op {
        Write {
            device: usize,
            wall: u64,
            key: usize,
            value: i64,
        },
        Sync {
            from: usize,
            to: usize,
        },
        /// A write from a modified app: any stamp, running backwards or
        /// repeating, and any seen vector, claiming writes it never saw.
        Forge {
            device: usize,
            hlc: (u64, u32),
            key: usize,
            value: i64,
            seen: Vec<(usize, (u64, u32))>,
        },
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            3 => (0..3usize, 0..50u64, 0..3usize, -3..3i64)
                .prop_map(|(device, wall, key, value)| Op::Write { device, wall, key, value }),
            1 => (0..3usize, 0..3usize).prop_map(|(from, to)| Op::Sync { from, to }),
        ]
    }

    fn op_with_forgeries() -> impl Strategy<Value = Op> {
        let clock = || (0..120u64, 0..3u32);
        prop_oneof![
            4 => op(),
            1 => (0..3usize, clock(), 0..3usize, -3..3i64,
                  prop::collection::vec((0..3usize, clock()), 0..3))
                .prop_map(|(device, hlc, key, value, seen)| Op::Forge { device, hlc, key, value, seen }),
        ]
    }

    const KEYS: [&str; 3] = ["alias", "status", "notes"];

    /// Runs a random history; returns every delta written and the replicas.
    fn run(ops: &[Op]) -> (Vec<RecordState>, Vec<Replica>) {
        let mut replicas: Vec<Replica> = (0..3).map(|n| Replica::new(n as u8 + 1)).collect();
        let mut deltas = Vec::new();
        let mut wall = [0u64; 3];
        for op in ops {
            match op {
                Op::Write {
                    device,
                    wall: step,
                    key,
                    value,
                } => {
                    wall[*device] += step;
                    let value = if *value == 0 {
                        Value::Null
                    } else {
                        json!(value)
                    };
                    deltas.push(replicas[*device].write(wall[*device], KEYS[*key], value));
                }
                Op::Sync { from, to } => {
                    let state = replicas[*from].state.clone();
                    replicas[*to].receive(&state);
                }
                Op::Forge {
                    device,
                    hlc,
                    key,
                    value,
                    seen,
                } => {
                    let write = FieldWrite {
                        value: json!(value),
                        stamp: Stamp {
                            hlc: Hlc::new(hlc.0, hlc.1),
                            device: replicas[*device].device,
                        },
                        seen: seen
                            .iter()
                            .map(|(d, (wall, counter))| {
                                (replicas[*d].device, Hlc::new(*wall, *counter))
                            })
                            .collect(),
                    };
                    let mut delta = RecordState::default();
                    delta
                        .fields
                        .insert(KEYS[*key].to_string(), FieldState::single(write));
                    replicas[*device].state.merge_in(&delta);
                    deltas.push(delta);
                }
            }
        }
        (deltas, replicas)
    }

    fn shuffle<T>(items: &mut [T], seed: u64) {
        let mut rng = seed;
        for i in (1..items.len()).rev() {
            rng = rng
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            items.swap(i, (rng >> 33) as usize % (i + 1));
        }
    }

    fn merge_all<'a>(states: impl IntoIterator<Item = &'a RecordState>) -> RecordState {
        states
            .into_iter()
            .fold(RecordState::default(), |acc, s| acc.merge(s))
    }

    /// Every delivery order of `deltas` merges to the same state, also in
    /// two halves merged apart; the replicas' states are merges of deltas
    /// too, so adding them changes nothing.
    fn converges_in_any_order(
        deltas: &[RecordState],
        replicas: &[Replica],
        seed: u64,
    ) -> Result<(), TestCaseError> {
        let expected = merge_all(deltas);
        let with_replicas = replicas
            .iter()
            .fold(expected.clone(), |acc, r| acc.merge(&r.state));
        prop_assert_eq!(&with_replicas, &expected);
        let mut shuffled = deltas.to_vec();
        shuffle(&mut shuffled, seed);
        prop_assert_eq!(&merge_all(&shuffled), &expected);
        let (left, right) = shuffled.split_at(shuffled.len() / 2);
        prop_assert_eq!(merge_all(right).merge(&merge_all(left)), expected);
        Ok(())
    }

    proptest! {
        #[test]
        fn merge_is_commutative_associative_and_idempotent(ops in prop::collection::vec(op(), 1..40)) {
            let (deltas, replicas) = run(&ops);
            let mut states: Vec<RecordState> = replicas.into_iter().map(|r| r.state).collect();
            states.extend(deltas);
            for a in &states {
                prop_assert_eq!(&a.merge(a), a);
                for b in &states {
                    prop_assert_eq!(a.merge(b), b.merge(a));
                    for c in states.iter().step_by(3) {
                        prop_assert_eq!(a.merge(b).merge(c), a.merge(&b.merge(c)));
                    }
                }
            }
        }

        #[test]
        fn every_delivery_order_converges(ops in prop::collection::vec(op(), 1..40), seed in any::<u64>()) {
            let (deltas, replicas) = run(&ops);
            converges_in_any_order(&deltas, &replicas, seed)?;
        }

        /// A modified app that forges stamps and seen vectors can write what
        /// it likes, but cannot make two devices that received the same
        /// versions disagree on a record, its winners or its conflicts.
        #[test]
        fn forged_stamps_and_seen_vectors_do_not_split_the_team(
            ops in prop::collection::vec(op_with_forgeries(), 1..40),
            seed in any::<u64>(),
        ) {
            let (deltas, replicas) = run(&ops);
            converges_in_any_order(&deltas, &replicas, seed)?;
            for a in deltas.iter().step_by(2) {
                prop_assert_eq!(&a.merge(a), a);
                for b in deltas.iter().step_by(3) {
                    prop_assert_eq!(a.merge(b), b.merge(a));
                }
            }
        }

        #[test]
        fn the_winner_is_the_largest_stamp_among_unsuperseded_writes(ops in prop::collection::vec(op(), 1..40)) {
            let (deltas, _) = run(&ops);
            let merged = merge_all(&deltas);
            for (key, field) in &merged.fields {
                let max = deltas.iter()
                    .filter_map(|d| d.fields.get(key))
                    .map(|f| f.winner().stamp)
                    .max()
                    .unwrap();
                prop_assert_eq!(field.winner().stamp, max);
            }
        }
    }

    #[test]
    fn concurrent_writes_are_kept_as_a_conflict_and_a_later_write_resolves_it() {
        let mut a = Replica::new(1);
        let mut b = Replica::new(2);
        let from_a = a.write(100, "alias", json!("Hoa"));
        let from_b = b.write(200, "alias", json!("Hoà"));
        a.receive(&from_b);
        b.receive(&from_a);
        assert_eq!(a.state, b.state);
        let field = &a.state.fields["alias"];
        assert_eq!(field.winner().value, json!("Hoà"));
        assert_eq!(field.conflicts().len(), 1);
        assert_eq!(field.conflicts()[0].value, json!("Hoa"));

        let resolution = a.write(150, "alias", json!("Hoa"));
        b.receive(&resolution);
        assert_eq!(a.state, b.state);
        let field = &b.state.fields["alias"];
        assert_eq!(field.winner().value, json!("Hoa"));
        assert!(field.conflicts().is_empty());
    }

    #[test]
    fn sequential_edits_on_one_device_are_history_not_conflict() {
        let mut a = Replica::new(1);
        a.write(1, "status", json!("draft"));
        a.write(2, "status", json!("sent"));
        let field = &a.state.fields["status"];
        assert_eq!(field.winner().value, json!("sent"));
        assert!(field.conflicts().is_empty());
    }

    #[test]
    fn equal_clocks_break_ties_on_device_id() {
        let mut a = Replica::new(1);
        let mut b = Replica::new(2);
        let da = a.write(100, "alias", json!("from a"));
        let db = b.write(100, "alias", json!("from b"));
        let merged = da.merge(&db);
        assert_eq!(merged.fields["alias"].winner().value, json!("from b"));
        assert_eq!(db.merge(&da), merged);
    }
}
