//! What a check of the store tells: each damaged thing named by its clear
//! ids (never its contents), and for each, what was done or what can be:
//! rebuilt here, restored from the hub, restorable by a check that reaches
//! the hub, or lost and why. Messages in Vietnamese and English.

use serde::Serialize;

use super::audit::AuditReport;
use super::check::{Findings, RecordRef};
use super::header::HeaderState;
use super::repair::{Item, RepairLog};
use crate::error::class_label;
use crate::record::{RecordId, RecordKind, VersionId};
use crate::Lang;
use fieldbook_proto::vocab::KeyClass;

/// Which stored thing is damaged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DamagedPart {
    /// The store file's header.
    Header,
    /// A team key (one class and epoch).
    TeamKey,
    /// A record's list view (its winning values).
    View,
    /// A record's merged state (every field's writes, what merges read).
    State,
    /// One version of a record (history, and what sync sends).
    Version,
    /// The lookup index (a client's records, clients by code or area).
    LookupIndex,
    /// The audit trail.
    AuditTrail,
}

/// What was done about a damaged thing, or what can be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Remedy {
    /// Rebuilt from what this device holds intact.
    Rebuilt,
    /// Restored from the hub's copy.
    Restored,
    /// Not repaired (the check was asked only to look): this device can rebuild it.
    Rebuildable,
    /// Not repaired yet: the hub holds a copy, and a check that reaches the hub restores it.
    HubCanRestore,
    /// Lost: damaged before it reached the hub, and nothing else holds it.
    NeverReachedHub,
    /// Lost here: the hub holds no copy of it.
    NotOnHub,
    /// A team key the hub holds no copy of for this device (it came with the
    /// enrollment code): enrolling the device again brings it back.
    NeedsEnrollment,
    /// The audit trail lives only on this device: nothing restores it, and
    /// the damage stays as evidence.
    LocalOnly,
    /// A file header damaged beyond the fields every store holds alike.
    Unrepairable,
}

impl Remedy {
    /// Whether the damage is gone.
    pub fn repaired(self) -> bool {
        matches!(self, Remedy::Rebuilt | Remedy::Restored)
    }
}

/// One damaged thing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Damage {
    /// Which stored thing is damaged.
    pub part: DamagedPart,
    /// The record the damage is in, for record parts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record_id: Option<RecordId>,
    /// That record's kind, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<RecordKind>,
    /// The damaged version, for a version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version_id: Option<VersionId>,
    /// The damaged key's class, for a team key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_class: Option<KeyClass>,
    /// The damaged key's epoch, for a team key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_epoch: Option<u32>,
    /// The first audit entry that does not verify.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub audit_seq: Option<i64>,
    /// For a team key: the records it sealed (all or some of their
    /// versions), unreadable here while it is damaged.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub records: Vec<RecordRef>,
    /// What was done about it, or what can be.
    pub remedy: Remedy,
}

/// Whether the check asked the hub, and how that went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "status", content = "error")]
pub enum HubContact {
    /// Nothing the hub holds was needed (or the check only looked).
    NotNeeded,
    /// This store is not enrolled with a hub.
    NotEnrolled,
    /// The hub was reached and what it holds was used.
    Reached,
    /// The hub could not be reached or refused; what it said.
    Unreachable(String),
}

/// What a check of the store found and did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckReport {
    /// Nothing is left damaged.
    pub ok: bool,
    /// Records whose state and view were checked.
    pub records_checked: u64,
    /// Versions checked, over all records.
    pub versions_checked: u64,
    /// Team keys (every class and epoch) checked.
    pub team_keys_checked: u32,
    /// `None` when the store could not be opened to verify it.
    pub audit: Option<AuditReport>,
    /// Every damaged thing found, with what was done about each.
    pub damage: Vec<Damage>,
    /// Whether the hub was asked for its copies, and how that went.
    pub hub: HubContact,
}

impl CheckReport {
    /// The report on a store whose damaged header keeps it from opening.
    pub fn unopenable(header: Damage) -> CheckReport {
        CheckReport {
            ok: false,
            records_checked: 0,
            versions_checked: 0,
            team_keys_checked: 0,
            audit: None,
            damage: vec![header],
            hub: HubContact::NotNeeded,
        }
    }

    /// Adds what was found before the store could be opened (its header).
    pub fn with_header(mut self, header: Option<Damage>) -> CheckReport {
        if let Some(damage) = header {
            // What the check before opening found and did says more.
            self.damage.retain(|d| d.part != DamagedPart::Header);
            self.damage.insert(0, damage);
            self.ok = self.damage.iter().all(|d| d.remedy.repaired());
        }
        self
    }
}

/// How the check ran, for deciding what could still be done.
pub(crate) struct CheckRun<'a> {
    pub repair: bool,
    pub enrolled: bool,
    pub hub: &'a HubContact,
}

impl Damage {
    fn new(part: DamagedPart, remedy: Remedy) -> Damage {
        Damage {
            part,
            record_id: None,
            kind: None,
            version_id: None,
            key_class: None,
            key_epoch: None,
            audit_seq: None,
            records: Vec::new(),
            remedy,
        }
    }

    /// The file header, as a check before opening the store found it.
    pub fn header(remedy: Remedy) -> Damage {
        Damage::new(DamagedPart::Header, remedy)
    }

    /// One line for a person, in their language.
    pub fn message(&self, lang: Lang) -> String {
        format!("{} {}", self.subject(lang), self.remedy_text(lang))
    }

    fn subject(&self, lang: Lang) -> String {
        let record = || {
            format!(
                "{} {}",
                self.kind.map_or("?", RecordKind::as_str),
                self.record_id
                    .map_or_else(|| "?".into(), |id| id.to_string())
            )
        };
        match (self.part, lang) {
            (DamagedPart::Header, Lang::En) => "The store file's header".into(),
            (DamagedPart::Header, Lang::Vi) => "Phần đầu tệp kho dữ liệu".into(),
            (DamagedPart::TeamKey, _) => {
                let class = self
                    .key_class
                    .map_or_else(|| "?".to_string(), |class| class_label(class, lang));
                let epoch = self.key_epoch.unwrap_or_default();
                let n = self.records.len();
                match lang {
                    Lang::En => format!(
                        "The team key for {class} (epoch {epoch}), which sealed {n} record{}{},",
                        if n == 1 { "" } else { "s" },
                        self.record_list()
                    ),
                    Lang::Vi => format!(
                        "Khoá nhóm dùng cho {class} (thế hệ {epoch}), đã niêm phong {n} bản ghi{},",
                        self.record_list()
                    ),
                }
            }
            (DamagedPart::View, Lang::En) => format!("The list view of {}", record()),
            (DamagedPart::View, Lang::Vi) => format!("Bản xem nhanh của bản ghi {}", record()),
            (DamagedPart::State, Lang::En) => format!("The merge state of {}", record()),
            (DamagedPart::State, Lang::Vi) => {
                format!("Trạng thái hợp nhất của bản ghi {}", record())
            }
            (DamagedPart::Version, _) => {
                let version = self
                    .version_id
                    .map_or_else(|| "?".into(), |id| id.to_string());
                match lang {
                    Lang::En => format!("Version {version} of {}", record()),
                    Lang::Vi => format!("Phiên bản {version} của bản ghi {}", record()),
                }
            }
            (DamagedPart::LookupIndex, Lang::En) => {
                "The lookup index (a client's records, clients by code or area)".into()
            }
            (DamagedPart::LookupIndex, Lang::Vi) => {
                "Chỉ mục tra cứu (hồ sơ của một khách hàng, khách hàng theo mã hoặc khu vực)".into()
            }
            (DamagedPart::AuditTrail, Lang::En) => format!(
                "The audit trail, from entry #{}",
                self.audit_seq.unwrap_or_default()
            ),
            (DamagedPart::AuditTrail, Lang::Vi) => format!(
                "Nhật ký kiểm tra, từ mục #{}",
                self.audit_seq.unwrap_or_default()
            ),
        }
    }

    fn record_list(&self) -> String {
        if self.records.is_empty() {
            return String::new();
        }
        let names: Vec<String> = self
            .records
            .iter()
            .map(|r| format!("{} {}", r.kind, r.id))
            .collect();
        format!(" ({})", names.join(", "))
    }

    fn remedy_text(&self, lang: Lang) -> &'static str {
        match self.remedy {
            Remedy::Rebuilt => lang.pick(
                "bị hỏng: đã dựng lại từ dữ liệu còn nguyên trên thiết bị.",
                "was damaged: rebuilt from what this device holds intact.",
            ),
            Remedy::Restored => lang.pick(
                "bị hỏng: đã khôi phục từ bản sao trên máy chủ văn phòng.",
                "was damaged: restored from the office hub's copy.",
            ),
            Remedy::Rebuildable => lang.pick(
                "bị hỏng: lần kiểm tra có sửa chữa sẽ dựng lại được trên thiết bị này.",
                "is damaged: a check that repairs can rebuild it on this device.",
            ),
            Remedy::HubCanRestore => lang.pick(
                "bị hỏng: máy chủ văn phòng còn giữ bản sao; lần kiểm tra kết nối được máy chủ sẽ khôi phục nó.",
                "is damaged: the office hub holds a copy, and a check that reaches the hub restores it.",
            ),
            Remedy::NeverReachedHub => lang.pick(
                "bị hỏng và đã mất: nó hỏng trước khi lên máy chủ văn phòng, không nơi nào khác còn giữ.",
                "is damaged and lost: it was damaged before it reached the office hub, and nothing else holds it.",
            ),
            Remedy::NotOnHub => lang.pick(
                "bị hỏng và không khôi phục được: máy chủ văn phòng không còn giữ bản sao.",
                "is damaged and cannot be restored: the office hub holds no copy of it.",
            ),
            Remedy::NeedsEnrollment => lang.pick(
                "bị hỏng: máy chủ văn phòng không giữ bản sao cho thiết bị này (khoá đến cùng mã ghi danh). Hãy đồng bộ để gửi những gì thiết bị đã ghi (cả nhóm vẫn đọc được), rồi nhờ giám sát viên ghi danh lại thiết bị.",
                "is damaged: the office hub holds no copy for this device (the key came with its enrollment code). Sync to send what this device wrote (the team can still read it), then have a supervisor enroll this device again.",
            ),
            Remedy::LocalOnly => lang.pick(
                "không còn nguyên vẹn: nhật ký chỉ lưu trên thiết bị này nên không khôi phục được; nó được giữ nguyên làm bằng chứng.",
                "does not verify: the trail is kept only on this device, so nothing restores it; it stays as evidence.",
            ),
            Remedy::Unrepairable => lang.pick(
                "bị hỏng ngoài những trường mọi kho dữ liệu đều giống nhau: không sửa được trên thiết bị này.",
                "is damaged beyond the fields every store holds alike: it cannot be repaired here.",
            ),
        }
    }
}

/// The report of a check: everything any pass found, each with what was
/// done (the repair log) or, for what `after` still finds, what can be.
pub(crate) fn report(
    passes: &[&Findings],
    after: &Findings,
    log: &RepairLog,
    run: &CheckRun,
) -> CheckReport {
    let mut damage: Vec<(Item, Damage)> = Vec::new();
    let mut add = |item: Item, found: Damage| {
        if !damage.iter().any(|(seen, _)| *seen == item) {
            damage.push((item, found));
        }
    };
    for findings in passes.iter().chain(std::iter::once(&after)) {
        for key in &findings.keys {
            let item = Item::Key {
                class: key.key.class,
                epoch: key.key.epoch,
            };
            let mut found = Damage::new(DamagedPart::TeamKey, Remedy::Rebuilt);
            found.key_class = Some(key.key.class);
            found.key_epoch = Some(key.key.epoch);
            found.records = key.records.clone();
            add(item, found);
        }
        for head in &findings.heads {
            for (damaged, part, item) in [
                (head.view, DamagedPart::View, Item::View(head.id)),
                (head.state, DamagedPart::State, Item::State(head.id)),
            ] {
                if damaged {
                    let mut found = Damage::new(part, Remedy::Rebuilt);
                    found.record_id = Some(head.id);
                    found.kind = head.kind;
                    add(item, found);
                }
            }
        }
        if findings.damaged_lookup_chunks > 0 {
            add(
                Item::LookupIndex,
                Damage::new(DamagedPart::LookupIndex, Remedy::Rebuilt),
            );
        }
        for version in &findings.damaged_versions {
            let mut found = Damage::new(DamagedPart::Version, Remedy::Rebuilt);
            found.record_id = Some(version.record);
            found.kind = version.kind;
            found.version_id = version.version_id;
            add(Item::Version(version.seq), found);
        }
    }
    let mut damage: Vec<Damage> = damage
        .into_iter()
        .map(|(item, mut found)| {
            found.remedy = remedy(&item, after, log, run);
            found
        })
        .collect();
    if after.header == HeaderState::Damaged {
        // Fields SQLite reads past: only a check before the store opens rewrites them.
        damage.insert(0, Damage::new(DamagedPart::Header, Remedy::Rebuildable));
    }
    if !after.audit.ok {
        let mut found = Damage::new(DamagedPart::AuditTrail, Remedy::LocalOnly);
        found.audit_seq = after.audit.first_bad_seq;
        damage.push(found);
    }
    CheckReport {
        ok: damage.iter().all(|d| d.remedy.repaired()),
        records_checked: after.records,
        versions_checked: after.versions,
        team_keys_checked: after.team_keys,
        audit: Some(after.audit.clone()),
        damage,
        hub: run.hub.clone(),
    }
}

fn still_damaged(item: &Item, after: &Findings) -> bool {
    match item {
        Item::Key { class, epoch } => after
            .keys
            .iter()
            .any(|k| k.key.class == *class && k.key.epoch == *epoch),
        Item::View(id) => after.head_of(*id).is_some_and(|h| h.view),
        Item::State(id) => after.head_of(*id).is_some_and(|h| h.state),
        Item::Version(seq) => after.damaged_versions.iter().any(|v| v.seq == *seq),
        Item::LookupIndex => after.damaged_lookup_chunks > 0,
    }
}

fn remedy(item: &Item, after: &Findings, log: &RepairLog, run: &CheckRun) -> Remedy {
    let hub_reached = *run.hub == HubContact::Reached;
    if log.lost.contains(item) {
        return Remedy::NeverReachedHub;
    }
    if !still_damaged(item, after) {
        return if log.restored.contains(item) {
            Remedy::Restored
        } else {
            Remedy::Rebuilt
        };
    }
    // What every version of a record still damaged needs.
    let versions_remedy = |id: RecordId| {
        let mut damaged = after.versions_of(id).peekable();
        if damaged.peek().is_none() {
            return Remedy::Rebuildable;
        }
        if damaged.all(|v| v.on_hub) {
            if hub_reached {
                Remedy::NotOnHub
            } else {
                Remedy::HubCanRestore
            }
        } else {
            Remedy::NeverReachedHub
        }
    };
    match item {
        Item::Key { class, epoch } => {
            let hub_may_hold = *class != KeyClass::ClientCode && *epoch >= 2 && run.enrolled;
            if hub_may_hold && !hub_reached {
                Remedy::HubCanRestore
            } else {
                Remedy::NeedsEnrollment
            }
        }
        // Filed again from the views once no team key is damaged.
        Item::LookupIndex => Remedy::Rebuildable,
        Item::View(id) if !after.head_of(*id).is_some_and(|h| h.state) => Remedy::Rebuildable,
        Item::View(id) | Item::State(id) => match versions_remedy(*id) {
            // Every version opens, yet the state was not rebuilt: its
            // class's keys are damaged, or the check only looked.
            Remedy::Rebuildable if run.repair => Remedy::NotOnHub,
            other => other,
        },
        Item::Version(seq) => {
            let Some(version) = after.damaged_versions.iter().find(|v| v.seq == *seq) else {
                return Remedy::Rebuilt;
            };
            let state_readable = !after.head_of(version.record).is_some_and(|h| h.state);
            match (version.on_hub, hub_reached) {
                (true, true) => Remedy::NotOnHub,
                (true, false) => Remedy::HubCanRestore,
                (false, _) if state_readable && !run.repair => Remedy::Rebuildable,
                (false, _) => Remedy::NeverReachedHub,
            }
        }
    }
}
