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
    pub total: u64,
    pub by_sex: HashMap<String, u64>,
    pub by_age_band: HashMap<String, u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ContactFigures {
    pub total: Breakdown,
    /// `first`, `follow_up`, `unknown`.
    pub by_visit_type: HashMap<String, u64>,
    /// `individual`, `group`, `unknown`.
    pub by_mode: HashMap<String, u64>,
    pub anonymous: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ServiceFigures {
    pub item: String,
    /// Contacts where the item was handed out.
    pub contacts: u64,
    /// Items handed out.
    pub quantity: u64,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Indicators {
    /// `YYYY-MM-DD`, both days included.
    pub from: String,
    pub to: String,
    /// The worker's device the figures are limited to; `None` for the team.
    pub worker: Option<String>,
    pub unique_clients_reached: Breakdown,
    pub new_clients: Breakdown,
    pub contacts: ContactFigures,
    /// In the contact form's order of items.
    pub services: Vec<ServiceFigures>,
    pub referrals_made: Breakdown,
    pub referrals_by_service: HashMap<String, u64>,
    pub referrals_by_status: HashMap<String, u64>,
    pub referrals_completed: Breakdown,
    /// From 0 to 1; `None` when none were made.
    pub referral_completion_rate: Option<f64>,
    pub median_days_to_completion: Option<f64>,
    pub referrals_overdue: Breakdown,
    pub referrals_lost: Breakdown,
    /// `None` when this device may not read case notes.
    pub case_notes: Option<Breakdown>,
    pub clients_with_case_note: Option<Breakdown>,
    pub meetings: u64,
    pub attendance_total: u64,
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
    pub items: Vec<DueItem>,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct OverdueList {
    pub as_of: String,
    pub total: u64,
    /// Workers with the most overdue items first.
    pub workers: Vec<WorkerOverdue>,
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
