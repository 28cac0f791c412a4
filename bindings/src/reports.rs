//! The supervisors' indicators and overdue list for the apps' screens. The
//! hub cannot read records, so every figure is computed here, on a device
//! that holds the keys; definitions in `core/src/reports/DEFINITIONS.md`.

use std::collections::HashMap;

use fieldbook_core::record::DeviceId;
use fieldbook_core::reports::{
    self, Breakdown as CoreBreakdown, Indicators as CoreIndicators, Period,
};

use crate::error::FieldbookError;
use crate::records::DueItem;
use crate::store::{parse_date, FieldbookStore};

type Result<T, E = FieldbookError> = std::result::Result<T, E>;

/// A total, split by sex and, separately, by age band (`unknown` included).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Breakdown {
    /// The number counted.
    pub total: u64,
    /// The same total by sex (`male`, `female`, `transgender_female`, `transgender_male`, `other`, `unknown`).
    pub by_sex: HashMap<String, u64>,
    /// The same total by age band (`under_18`, `18_24`, `25_34`, `35_44`, `45_plus`, `unknown`).
    pub by_age_band: HashMap<String, u64>,
}

/// Contacts in the period.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ContactFigures {
    /// Every contact, by the client's sex and age band.
    pub total: Breakdown,
    /// `first`, `follow_up`, `unknown`.
    pub by_visit_type: HashMap<String, u64>,
    /// `individual`, `group`, `unknown`.
    pub by_mode: HashMap<String, u64>,
    /// Contacts not linked to a client on this device.
    pub anonymous: u64,
}

/// One item of the contact form's services in the period.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ServiceFigures {
    /// The item's choice value (`syringes`, `condoms`, ...).
    pub item: String,
    /// Contacts where the item was handed out.
    pub contacts: u64,
    /// Items handed out.
    pub quantity: u64,
}

/// The supervisors' indicators over a period (see `core/src/reports/DEFINITIONS.md`).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Indicators {
    /// `YYYY-MM-DD`, both days included.
    pub from: String,
    /// The period's last day, `YYYY-MM-DD`.
    pub to: String,
    /// The worker's device the figures are limited to; `None` for the team.
    pub worker: Option<String>,
    /// Distinct people (clients by identifier code) with at least one contact in the period.
    pub unique_clients_reached: Breakdown,
    /// Of those, the people whose first contact ever falls in the period.
    pub new_clients: Breakdown,
    /// Contacts in the period.
    pub contacts: ContactFigures,
    /// In the contact form's order of items.
    pub services: Vec<ServiceFigures>,
    /// Referrals dated in the period, drafts excepted.
    pub referrals_made: Breakdown,
    /// Referrals made, by service.
    pub referrals_by_service: HashMap<String, u64>,
    /// Referrals made, by their current status.
    pub referrals_by_status: HashMap<String, u64>,
    /// Of the referrals made, those completed by the period's last day.
    pub referrals_completed: Breakdown,
    /// From 0 to 1; `None` when none were made.
    pub referral_completion_rate: Option<f64>,
    /// Median days from referral to completion; `None` when no completed referral has a completion date.
    pub median_days_to_completion: Option<f64>,
    /// Of the referrals made, those still open and past their follow-up date at the period's end.
    pub referrals_overdue: Breakdown,
    /// Of the referrals made, those whose status is `lost`.
    pub referrals_lost: Breakdown,
    /// `None` when this device may not read case notes.
    pub case_notes: Option<Breakdown>,
    /// Distinct people with a case note in the period; `None` when this device may not read case notes.
    pub clients_with_case_note: Option<Breakdown>,
    /// Peer-group meetings dated in the period.
    pub meetings: u64,
    /// The meetings' attendance: counts entered, or the clients linked where none was.
    pub attendance_total: u64,
    /// The women counts entered for the meetings.
    pub attendance_women: u64,
    /// Records on the device that could not be decrypted.
    pub unreadable_records: u64,
}

/// One worker's overdue follow-ups, most overdue first.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct WorkerOverdue {
    /// The worker's device; `None` when a record cannot be read here, or
    /// carries no creation mark and its history cannot be read.
    pub worker: Option<String>,
    /// Their overdue items, most overdue first.
    pub items: Vec<DueItem>,
}

/// What is overdue on a day, by worker.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct OverdueList {
    /// The day (`YYYY-MM-DD`).
    pub as_of: String,
    /// Overdue items over all workers.
    pub total: u64,
    /// Workers with the most overdue items first.
    pub workers: Vec<WorkerOverdue>,
    /// Records on the device that could not be decrypted.
    pub unreadable_records: u64,
}

fn map<V: Copy>(m: &std::collections::BTreeMap<String, V>) -> HashMap<String, V> {
    m.iter().map(|(k, v)| (k.clone(), *v)).collect()
}

impl From<&CoreBreakdown> for Breakdown {
    fn from(b: &CoreBreakdown) -> Self {
        Breakdown {
            total: b.total,
            by_sex: map(&b.by_sex),
            by_age_band: map(&b.by_age_band),
        }
    }
}

impl From<&CoreIndicators> for Indicators {
    fn from(i: &CoreIndicators) -> Self {
        let services_order = fieldbook_core::forms::definition(fieldbook_core::RecordKind::Contact)
            .field("services")
            .map(|f| {
                f.choices
                    .iter()
                    .map(|c| c.value.clone())
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default();
        let mut services: Vec<ServiceFigures> = i
            .services
            .iter()
            .map(|(item, t)| ServiceFigures {
                item: item.clone(),
                contacts: t.contacts,
                quantity: t.quantity,
            })
            .collect();
        services.sort_by_key(|s| services_order.iter().position(|o| *o == s.item));
        Indicators {
            from: i.period.from.to_string(),
            to: i.period.to.to_string(),
            worker: i.worker.map(|w| w.to_string()),
            unique_clients_reached: (&i.unique_clients_reached).into(),
            new_clients: (&i.new_clients).into(),
            contacts: ContactFigures {
                total: (&i.contacts.total).into(),
                by_visit_type: map(&i.contacts.by_visit_type),
                by_mode: map(&i.contacts.by_mode),
                anonymous: i.contacts.anonymous,
            },
            services,
            referrals_made: (&i.referrals_made.total).into(),
            referrals_by_service: map(&i.referrals_made.by_service),
            referrals_by_status: map(&i.referrals_made.by_status),
            referrals_completed: (&i.referrals_completed).into(),
            referral_completion_rate: i.referral_completion_rate,
            median_days_to_completion: i.median_days_to_completion,
            referrals_overdue: (&i.referrals_overdue).into(),
            referrals_lost: (&i.referrals_lost).into(),
            case_notes: i.case_notes.as_ref().map(Into::into),
            clients_with_case_note: i.clients_with_case_note.as_ref().map(Into::into),
            meetings: i.meetings,
            attendance_total: i.attendance.total,
            attendance_women: i.attendance.women,
            unreadable_records: i.unreadable_records,
        }
    }
}

fn parse_worker(worker: Option<String>) -> Result<Option<DeviceId>> {
    worker
        .map(|w| {
            w.parse::<DeviceId>()
                .map_err(|_| FieldbookError::invalid(format!("'{w}' is not a device id")))
        })
        .transpose()
}

#[uniffi::export]
impl FieldbookStore {
    /// The indicators from `from` to `to` (`YYYY-MM-DD`, both included), for
    /// the team or for one worker's device.
    pub fn indicators(
        &self,
        from: String,
        to: String,
        worker: Option<String>,
    ) -> Result<Indicators> {
        let worker = parse_worker(worker)?;
        let (from, to) = (parse_date(&from)?, parse_date(&to)?);
        self.with(|s| reports::indicators(s, Period::new(from, to)?, worker))
            .map(|i| Indicators::from(&i))
    }

    /// The same indicators for each month of the period, oldest first: the charts.
    pub fn monthly_indicators(
        &self,
        from: String,
        to: String,
        worker: Option<String>,
    ) -> Result<Vec<Indicators>> {
        let worker = parse_worker(worker)?;
        let (from, to) = (parse_date(&from)?, parse_date(&to)?);
        self.with(|s| reports::monthly_series(s, Period::new(from, to)?, worker))
            .map(|series| series.iter().map(Indicators::from).collect())
    }

    /// The team's overdue follow-ups on `day` (today when `None`), by worker.
    pub fn overdue(&self, day: Option<String>) -> Result<OverdueList> {
        let day = day.as_deref().map(parse_date).transpose()?;
        self.with(|s| {
            let day = day.unwrap_or_else(|| s.today());
            reports::overdue(s, day)
        })
        .map(|list| OverdueList {
            as_of: list.as_of.to_string(),
            total: list.total,
            workers: list
                .workers
                .iter()
                .map(|w| WorkerOverdue {
                    worker: w.worker.map(|d| d.to_string()),
                    items: w.items.iter().map(DueItem::from).collect(),
                })
                .collect(),
            unreadable_records: list.unreadable_records,
        })
    }
}
