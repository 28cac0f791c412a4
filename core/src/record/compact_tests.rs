//! Record format 3 against format 2 (JSON) on random histories: the same
//! versions, the same merged records, winners and conflicts.

use super::*;
use proptest::prelude::*;
use serde_json::json;

fn device(n: u8) -> DeviceId {
    DeviceId(Uuid::from_bytes([n; 16]))
}

fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<u64>().prop_map(|n| json!(n)),
        any::<i64>().prop_map(|n| json!(n)),
        // Quarters: exact in binary, so JSON's own float parsing is not on trial.
        (-4_000_000i64..4_000_000).prop_map(|n| json!(n as f64 / 4.0)),
        "[a-zA-Zàáạảãăắằẳẵặâấầẩẫậđèéẹẻẽêếềểễệ ]{0,24}".prop_map(Value::String),
        Just(json!("Nguyễn Thị Hoa")),
    ];
    leaf.prop_recursive(2, 12, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-z_]{1,8}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// One step of a history: a save of some fields by one device, or one
/// device receiving everything another holds.
#[derive(Debug, Clone)]
enum Step {
    Save {
        device: usize,
        advance_ms: u64,
        far_future: bool,
        fields: Vec<(usize, Value)>,
    },
    Sync {
        from: usize,
        to: usize,
    },
}

const KEYS: [&str; 4] = ["alias", "notes", "services", "_deleted"];

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => (0..3usize, 0..90_000u64, prop::bool::weighted(0.05),
              prop::collection::vec((0..KEYS.len(), value()), 1..4))
            .prop_map(|(device, advance_ms, far_future, fields)| Step::Save {
                device, advance_ms, far_future, fields,
            }),
        1 => (0..3usize, 0..3usize).prop_map(|(from, to)| Step::Sync { from, to }),
    ]
}

struct Replica {
    device: DeviceId,
    wall_ms: u64,
    counter: u32,
    state: RecordState,
    versions: Vec<RecordVersion>,
}

/// Plays a history; returns every version written, in order.
fn play(record: RecordId, steps: &[Step]) -> Vec<RecordVersion> {
    let mut replicas: Vec<Replica> = (0..3u8)
        .map(|n| Replica {
            device: device(n + 1),
            wall_ms: 1_764_000_000_000,
            counter: 0,
            state: RecordState::default(),
            versions: Vec::new(),
        })
        .collect();
    let mut all = Vec::new();
    for step in steps {
        match step {
            Step::Save {
                device,
                advance_ms,
                far_future,
                fields,
            } => {
                let replica = &mut replicas[*device];
                replica.wall_ms += advance_ms;
                replica.counter += 1;
                let wall_ms = if *far_future {
                    u64::MAX - 1
                } else {
                    replica.wall_ms
                };
                let stamp = Stamp {
                    hlc: Hlc::new(wall_ms, replica.counter),
                    device: replica.device,
                };
                let fields: BTreeMap<String, FieldWrite> = fields
                    .iter()
                    .map(|(key, value)| {
                        let key = KEYS[*key];
                        (
                            key.to_string(),
                            replica.state.make_write(key, value.clone(), stamp),
                        )
                    })
                    .collect();
                let version = RecordVersion {
                    version_id: VersionId(Uuid::from_u128(all.len() as u128 + 1)),
                    record_id: record,
                    kind: RecordKind::Client,
                    stamp,
                    form_version: 1 + (all.len() % 3) as u32,
                    fields,
                };
                replica.state.merge_in(&version.as_state());
                replica.versions.push(version.clone());
                all.push(version);
            }
            Step::Sync { from, to } => {
                let theirs = replicas[*from].versions.clone();
                let replica = &mut replicas[*to];
                for version in theirs {
                    if !replica
                        .versions
                        .iter()
                        .any(|v| v.version_id == version.version_id)
                    {
                        replica.state.merge_in(&version.as_state());
                        replica.versions.push(version);
                    }
                }
            }
        }
    }
    all
}

fn by_json(version: &RecordVersion) -> RecordVersion {
    serde_json::from_slice(&serde_json::to_vec(version).unwrap()).unwrap()
}

fn by_compact(version: &RecordVersion) -> RecordVersion {
    RecordVersion::from_compact(&version.to_compact().unwrap()).unwrap()
}

fn merged(versions: &[RecordVersion]) -> RecordState {
    versions.iter().fold(RecordState::default(), |state, v| {
        state.merge(&v.as_state())
    })
}

/// What a screen shows of a merged record: each field's winner and the
/// values it beat, and which of those lost on a clock far ahead.
/// A field as shown: its key, its winner, and each losing value with whether it lost on a clock far ahead.
type Shown = (String, Value, Vec<(Value, bool)>);

fn shown(state: &RecordState) -> Vec<Shown> {
    state
        .fields
        .iter()
        .map(|(key, field)| {
            (
                key.clone(),
                field.winner().value.clone(),
                field
                    .conflicts()
                    .iter()
                    .map(|w| (w.value.clone(), field.clock_ahead(w)))
                    .collect(),
            )
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn format_3_merges_exactly_as_format_2(
        steps in prop::collection::vec(step(), 1..24),
        arrival in any::<u64>(),
    ) {
        let versions = play(RecordId(Uuid::from_u128(7)), &steps);
        let v2: Vec<RecordVersion> = versions.iter().map(by_json).collect();
        let v3: Vec<RecordVersion> = versions.iter().map(by_compact).collect();
        prop_assert_eq!(&v3, &versions);
        prop_assert_eq!(&v3, &v2);

        // Whatever order the versions arrive in.
        let mut shuffled = v3.clone();
        let n = shuffled.len();
        shuffled.rotate_left((arrival as usize) % n.max(1));
        if arrival % 2 == 1 {
            shuffled.reverse();
        }
        let state_2 = merged(&v2);
        let state_3 = merged(&shuffled);
        prop_assert_eq!(&state_3, &state_2);
        prop_assert_eq!(shown(&state_3), shown(&state_2));

        // The merged state itself, stored in each format, reads back the same.
        let stored_2: RecordState =
            serde_json::from_slice(&serde_json::to_vec(&state_2).unwrap()).unwrap();
        let stored_3 = RecordState::from_compact(&state_2.to_compact().unwrap()).unwrap();
        prop_assert_eq!(&stored_3, &stored_2);
        prop_assert_eq!(shown(&stored_3), shown(&state_2));
        prop_assert!(state_2.to_compact().unwrap().len() < serde_json::to_vec(&state_2).unwrap().len());
    }

    /// Any bytes at all: an error or a record, never a panic.
    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let _ = RecordVersion::from_compact(&bytes);
        let _ = RecordState::from_compact(&bytes);
    }
}

#[test]
fn a_truncated_or_extended_encoding_is_refused() {
    let versions = play(
        RecordId(Uuid::from_u128(9)),
        &[Step::Save {
            device: 0,
            advance_ms: 5,
            far_future: false,
            fields: vec![(0, json!("Hoa")), (2, json!({"syringes": 10}))],
        }],
    );
    let bytes = versions[0].to_compact().unwrap();
    for cut in 0..bytes.len() {
        assert!(RecordVersion::from_compact(&bytes[..cut]).is_err(), "{cut}");
    }
    let mut longer = bytes.clone();
    longer.push(0);
    assert!(RecordVersion::from_compact(&longer).is_err());
    assert_eq!(RecordVersion::from_compact(&bytes).unwrap(), versions[0]);
}

#[test]
fn a_device_index_beyond_the_table_is_refused() {
    let write = CompactWrite {
        value: CompactValue::Null,
        stamp: Some(CompactStamp {
            wall_ms: 1,
            counter: 0,
            device: 3,
        }),
        seen: Vec::new(),
    };
    let bytes = to_bytes(&CompactState {
        devices: vec![Uuid::from_u128(1)],
        fields: vec![("alias".into(), vec![write])],
    })
    .unwrap();
    assert_eq!(
        RecordState::from_compact(&bytes),
        Err(CompactError::NoSuchDevice(3))
    );
    let empty = to_bytes(&CompactState {
        devices: Vec::new(),
        fields: vec![("alias".into(), Vec::new())],
    })
    .unwrap();
    assert_eq!(
        RecordState::from_compact(&empty),
        Err(CompactError::Invalid)
    );
}

#[test]
fn a_typical_save_is_a_fraction_of_its_json() {
    let stamp = Stamp {
        hlc: Hlc::new(1_764_000_000_000, 3),
        device: DeviceId(Uuid::new_v4()),
    };
    let state = RecordState::default();
    let fields: BTreeMap<String, FieldWrite> = [
        ("alias", json!("Nguyễn Thị Hoa")),
        ("sex", json!("female")),
        ("birth_year", json!(1991)),
        ("area", json!("long_bien")),
        ("notes", json!("Gặp ở chợ Long Biên")),
        ("_form_version", json!(1)),
        ("_created_by", json!(true)),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), state.make_write(k, v, stamp)))
    .collect();
    let version = RecordVersion {
        version_id: VersionId::make(),
        record_id: RecordId::make(),
        kind: RecordKind::Client,
        stamp,
        form_version: 1,
        fields,
    };
    let json = serde_json::to_vec(&version).unwrap().len();
    let compact = version.to_compact().unwrap().len();
    assert!(compact * 4 < json, "{compact} of {json}");
}
