//! What every test crate needs to build devices and teams: a device store in
//! a temporary directory, on a clock the test moves, with the tests' fast
//! key derivation; a team whose roster is signed; the keys a supervisor's
//! code hands a new member. The core's unit tests use it directly; other
//! crates through the `testing` feature (never in a release build).

use std::path::PathBuf;
use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};
use fieldbook_trust::Roster;
use serde_json::{Map, Value};

use crate::crypto::{SoftwareKeyProvider, TeamKey};
use crate::enrollment::{open_bundle, EnrollmentCode};
use crate::record::DeviceId;
use crate::store::{
    CreateOptions, ManualClock, Membership, OpenOptions, Role, SecurityPolicy, Store,
};
use crate::Result;

/// The PIN test devices are created with: six digits, not a common one.
pub const TEST_PIN: &str = "482916";

/// The morning test devices start on, unless a test says otherwise.
pub fn test_morning() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 8, 0, 0)
        .single()
        .expect("a valid time")
}

/// One device's files (its store and its platform key) in a directory of
/// its own, removed with it, and the clock its store runs on.
pub struct TestDevice {
    _tmp: tempfile::TempDir,
    /// The store's data directory.
    pub dir: PathBuf,
    /// The platform key store (the phone's keystore, as files).
    pub provider: Arc<SoftwareKeyProvider>,
    /// The store's clock: tests move it instead of sleeping.
    pub clock: ManualClock,
}

impl Default for TestDevice {
    fn default() -> Self {
        TestDevice::new()
    }
}

impl TestDevice {
    /// A device whose clock reads [`test_morning`].
    pub fn new() -> Self {
        TestDevice::at(test_morning())
    }

    /// A device whose clock reads `now`.
    pub fn at(now: DateTime<Utc>) -> Self {
        let tmp = tempfile::tempdir().expect("a temporary directory");
        TestDevice {
            provider: Arc::new(SoftwareKeyProvider::new(tmp.path().join("platform"))),
            dir: tmp.path().join("device"),
            _tmp: tmp,
            clock: ManualClock::new(now),
        }
    }

    /// Where the platform key store keeps its files.
    pub fn platform_dir(&self) -> PathBuf {
        self._tmp.path().join("platform")
    }

    /// How this device's store opens: its clock, the tests' KDF floor.
    pub fn open_options(&self) -> OpenOptions {
        OpenOptions {
            clock: Arc::new(self.clock.clone()),
            ..OpenOptions::for_tests()
        }
    }

    /// Creates the store with [`TEST_PIN`], on this device's clock.
    pub fn try_create(&self, options: CreateOptions) -> Result<Store> {
        Store::create(
            &self.dir,
            TEST_PIN,
            self.provider.clone(),
            CreateOptions {
                open: self.open_options(),
                ..options
            },
        )
    }

    /// A new team's first device, in `role`, under `policy`.
    pub fn create_with(&self, role: Role, policy: SecurityPolicy) -> Store {
        self.try_create(CreateOptions {
            role,
            policy,
            ..CreateOptions::for_tests()
        })
        .expect("a test store")
    }

    /// A new team's supervisor device.
    pub fn create(&self) -> Store {
        self.create_with(Role::Supervisor, SecurityPolicy::default())
    }

    /// Another device of `supervisor`'s team, in `role`, holding the keys
    /// a code from the supervisor would give it.
    pub fn create_member(&self, supervisor: &mut Store, role: Role) -> Store {
        let keys = member_keys(supervisor, role);
        self.try_create(CreateOptions {
            role,
            membership: Membership::Member {
                team: supervisor.team_id(),
                device: DeviceId::make(),
                keys,
            },
            ..CreateOptions::for_tests()
        })
        .expect("a member's test store")
    }

    /// Opens the store again, locked.
    pub fn open(&self) -> Result<Store> {
        Store::open(&self.dir, self.provider.clone(), self.open_options())
    }

    /// Opens the store again and unlocks it.
    pub fn reopen(&self) -> Store {
        let mut store = self.open().expect("the test store opens");
        store.unlock(TEST_PIN).expect("the test PIN unlocks");
        store
    }
}

/// A JSON object literal as a record's input.
pub fn obj(value: Value) -> Map<String, Value> {
    value.as_object().cloned().expect("a JSON object")
}

/// Signs a team's first roster on a supervisor's store, as its first sync would.
pub fn sign_roster(supervisor: &mut Store) {
    if supervisor.roster().expect("the roster reads").is_some() {
        return;
    }
    let links = crate::sync::roster::genesis_links(supervisor, &[]).expect("genesis links");
    let roster = Roster::from_chain(supervisor.team_id().0, None, &links).expect("a roster");
    supervisor.set_roster(&roster).expect("the roster saves");
}

/// The team keys a code from `supervisor` gives a new device in `role`.
pub fn member_keys(supervisor: &mut Store, role: Role) -> Vec<TeamKey> {
    sign_roster(supervisor);
    let invite = supervisor
        .make_invite(role, Utc::now() + chrono::Duration::days(1))
        .expect("an invite");
    let code = EnrollmentCode::parse(&invite.code.to_text()).expect("the code parses");
    open_bundle(&code, &invite.request.key_bundle)
        .expect("the bundle opens")
        .team_keys()
        .expect("the bundle's keys")
}

/// The built-in contact form's next version, with one question a program
/// officer added (naloxone kits given: labels in vi and en, a skip rule on
/// the mode, a constraint with its message): the form the tests publish.
pub fn contact_form_with_naloxone() -> crate::forms::FormSpec {
    use crate::forms::{FieldDef, FieldType, FormSpec, Localized};
    let text = |vi: &str, en: &str| Localized {
        vi: vi.into(),
        en: en.into(),
    };
    let mut spec = FormSpec::from(crate::forms::definition(crate::RecordKind::Contact).clone());
    spec.version += 1;
    spec.fields.push(FieldDef {
        relevant: Some("${mode} != ''".into()),
        constraint: Some(". >= 0 and . <= 50".into()),
        constraint_message: Some(text("Từ 0 đến 50 bộ", "Between 0 and 50 kits")),
        ..FieldDef::new(
            "naloxone_kits",
            FieldType::Integer,
            text("Số bộ naloxone đã phát", "Naloxone kits given"),
        )
    });
    spec
}

/// The built-in contact form's next version as a province might write it
/// in XLSForm: a note, a section shown only at hotspots (with a nested
/// section whose district list follows the province chosen), a callback
/// phone number, kits with a calculated count of boxes, a read-only
/// programme and a hidden source. The app tests publish it.
pub fn contact_form_with_sections() -> crate::forms::FormSpec {
    use crate::forms::{Appearance, Choice, FieldDef, FieldType, FormSpec, GroupDef, Localized};
    let text = |vi: &str, en: &str| Localized {
        vi: vi.into(),
        en: en.into(),
    };
    let choice = |value: &str, vi: &str, en: &str, province: Option<&str>| Choice {
        value: value.into(),
        label: text(vi, en),
        columns: province
            .map(|p| [("province".to_string(), p.to_string())].into())
            .unwrap_or_default(),
    };
    let mut spec = FormSpec::from(crate::forms::definition(crate::RecordKind::Contact).clone());
    spec.version += 1;
    spec.groups = vec![
        GroupDef {
            key: "hotspot".into(),
            label: Some(text("Điểm nóng", "Hotspot")),
            relevant: Some("${setting} = 'hotspot'".into()),
            parent: None,
        },
        GroupDef {
            key: "area".into(),
            label: Some(text("Khu vực", "Area")),
            relevant: None,
            parent: Some("hotspot".into()),
        },
    ];
    spec.fields.extend([
        FieldDef::new(
            "consent_note",
            FieldType::Note,
            text(
                "Chỉ hỏi khi khách đồng ý",
                "Ask only with the person's consent",
            ),
        ),
        FieldDef {
            choices: vec![
                choice("hotspot", "Điểm nóng", "Hotspot", None),
                choice("home", "Nhà", "Home", None),
            ],
            ..FieldDef::new(
                "setting",
                FieldType::SingleChoice,
                text("Nơi gặp", "Setting"),
            )
        },
        FieldDef {
            group: Some("hotspot".into()),
            ..FieldDef::new(
                "hotspot_name",
                FieldType::Text,
                text("Tên điểm", "Hotspot name"),
            )
        },
        FieldDef {
            group: Some("area".into()),
            appearance: vec![Appearance::Minimal],
            choices: vec![
                choice("hn", "Hà Nội", "Hanoi", None),
                choice("hcm", "TP HCM", "HCMC", None),
            ],
            ..FieldDef::new(
                "province",
                FieldType::SingleChoice,
                text("Tỉnh", "Province"),
            )
        },
        FieldDef {
            group: Some("area".into()),
            choice_filter: Some("province = ${province}".into()),
            choices: vec![
                choice("ba_dinh", "Ba Đình", "Ba Dinh", Some("hn")),
                choice("hoan_kiem", "Hoàn Kiếm", "Hoan Kiem", Some("hn")),
                choice("quan_1", "Quận 1", "District 1", Some("hcm")),
            ],
            ..FieldDef::new(
                "district",
                FieldType::SingleChoice,
                text("Quận", "District"),
            )
        },
        FieldDef::new(
            "callback",
            FieldType::Phone,
            text("Số gọi lại", "Callback number"),
        ),
        FieldDef::new("kits", FieldType::Integer, text("Số bộ", "Kits")),
        FieldDef {
            calculation: Some("if(${kits} = '', '', int((${kits} + 9) div 10))".into()),
            ..FieldDef::new("kit_boxes", FieldType::Calculate, text("Số hộp", "Boxes"))
        },
        FieldDef {
            read_only: true,
            default: Some(serde_json::json!("harm_reduction")),
            ..FieldDef::new(
                "programme",
                FieldType::Text,
                text("Chương trình", "Programme"),
            )
        },
        FieldDef {
            hidden: true,
            default: Some(serde_json::json!("xlsform")),
            ..FieldDef::new("source", FieldType::Text, text("Nguồn", "Source"))
        },
    ]);
    spec
}
