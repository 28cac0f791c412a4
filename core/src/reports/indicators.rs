//! A period's indicators, computed from a [`Dataset`]. What each figure
//! counts is written for program officers in DEFINITIONS.md, beside this file.

use chrono::Datelike;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{BTreeMap, HashSet};

use super::breakdown::{Breakdown, Demographics};
use super::dataset::{Dataset, Dated};
use super::people::PersonId;
use super::period::Period;
use crate::forms;
use crate::queries::date_field;
use crate::record::{DeviceId, ReferralStatus};
use crate::store::RecordView;
use crate::RecordKind;

/// The indicators of one period; the JSON keys are the indicators' names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Indicators {
    /// The days the figures cover, both included.
    pub period: Period,
    /// The worker (device id) the figures are limited to; `null` for the team.
    pub worker: Option<DeviceId>,
    /// Distinct people (by identifier code) with at least one contact in the period.
    pub unique_clients_reached: Breakdown,
    /// Of those reached, the people whose first contact ever falls in the period.
    pub new_clients: Breakdown,
    /// The period's contacts, split several ways.
    pub contacts: Contacts,
    /// Per item of the contact form's services (all of them, zero or not).
    pub services: BTreeMap<String, ServiceTotal>,
    /// Referrals dated in the period, drafts left out.
    pub referrals_made: ReferralsMade,
    /// Of the referrals made, those completed by the period's last day.
    pub referrals_completed: Breakdown,
    /// Completed / made, from 0 to 1; `null` when none were made.
    pub referral_completion_rate: Option<f64>,
    /// `null` when no completed referral has a completion date.
    pub median_days_to_completion: Option<f64>,
    /// Of the referrals made, those still open at the period's end and past their follow-up date.
    pub referrals_overdue: Breakdown,
    /// Of the referrals made, those whose status is `lost`.
    pub referrals_lost: Breakdown,
    /// `null` when this device may not read case notes.
    pub case_notes: Option<Breakdown>,
    /// Distinct people with at least one case note in the period; `null` when this device may not
    /// read case notes.
    pub clients_with_case_note: Option<Breakdown>,
    /// Peer-group meetings dated in the period.
    pub meetings: u64,
    /// Who came to the period's meetings.
    pub attendance: Attendance,
    /// Records on the device that could not be decrypted, whatever their date.
    pub unreadable_records: u64,
}

/// The contacts of a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contacts {
    /// Every contact, by the client's sex and age band (`unknown` for anonymous ones).
    pub total: Breakdown,
    /// `first`, `follow_up`, `unknown` (not recorded).
    pub by_visit_type: BTreeMap<String, u64>,
    /// `individual`, `group`, `unknown` (not recorded).
    pub by_mode: BTreeMap<String, u64>,
    /// Contacts not linked to a client on this device.
    pub anonymous: u64,
}

/// How much of one service item the period's contacts handed out.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ServiceTotal {
    /// Contacts where the item was handed out.
    pub contacts: u64,
    /// Items handed out.
    pub quantity: u64,
}

/// The referrals made in a period (drafts left out).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferralsMade {
    /// Every referral made, by the client's sex and age band.
    pub total: Breakdown,
    /// Per service of the referral form (all of them, zero or not).
    pub by_service: BTreeMap<String, u64>,
    /// The referrals' current status (everything but `draft`).
    pub by_status: BTreeMap<String, u64>,
}

/// Attendance at a period's peer-group meetings.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Attendance {
    /// People at the meetings (a person at two meetings counts twice).
    pub total: u64,
    /// The sum of the women counts entered on the meetings.
    pub women: u64,
}

impl Dataset {
    /// The indicators of the whole span.
    pub fn indicators(&self) -> Indicators {
        self.indicators_for(self.span)
    }

    /// The indicators of each month of the span (the first and last cut to it).
    pub fn monthly(&self) -> Vec<Indicators> {
        self.span
            .months()
            .into_iter()
            .map(|m| self.indicators_for(m))
            .collect()
    }

    fn indicators_for(&self, period: Period) -> Indicators {
        let reach = self.reach_in(period);
        let referrals = self.referrals_in(period);
        let (case_notes, clients_with_case_note) = match self.case_notes_in(period) {
            Some((written, with_note)) => (Some(written), Some(with_note)),
            None => (None, None),
        };
        let (meetings, attendance) = self.meetings_in(period);
        let mut days_to_completion = referrals.days_to_completion;
        Indicators {
            period,
            worker: self.worker,
            unique_clients_reached: reach.unique_clients,
            new_clients: reach.new_clients,
            contacts: reach.contacts,
            services: reach.services,
            referral_completion_rate: (referrals.made.total.total > 0)
                .then(|| referrals.completed.total as f64 / referrals.made.total.total as f64),
            referrals_made: referrals.made,
            referrals_completed: referrals.completed,
            median_days_to_completion: median(&mut days_to_completion),
            referrals_overdue: referrals.overdue,
            referrals_lost: referrals.lost,
            case_notes,
            clients_with_case_note,
            meetings,
            attendance,
            unreadable_records: self.unreadable.len() as u64,
        }
    }

    fn demographics(&self, person: Option<PersonId>, period: Period) -> Demographics<'_> {
        self.people.demographics(person, period.to.year())
    }

    /// Contacts and services in the period, and the people they reached.
    fn reach_in(&self, period: Period) -> Reach {
        let mut contacts = Contacts {
            total: Breakdown::default(),
            by_visit_type: keyed(choices(RecordKind::Contact, "visit_type")),
            by_mode: keyed(choices(RecordKind::Contact, "mode")),
            anonymous: 0,
        };
        let mut services: BTreeMap<String, ServiceTotal> = choices(RecordKind::Contact, "services")
            .into_iter()
            .map(|s| (s, ServiceTotal::default()))
            .collect();
        let mut reached = HashSet::new();
        for contact in within(&self.contacts, period) {
            let view = &contact.view;
            let person = self.people.of_record(view);
            contacts.total.add(&self.demographics(person, period), 1);
            count_choice(&mut contacts.by_visit_type, view.text("visit_type"));
            count_choice(&mut contacts.by_mode, view.text("mode"));
            match person {
                Some(p) => {
                    reached.insert(p);
                }
                None => contacts.anonymous += 1,
            }
            count_services(&mut services, view);
        }
        let mut unique_clients = Breakdown::default();
        let mut new_clients = Breakdown::default();
        for &person in &reached {
            let who = self.demographics(Some(person), period);
            unique_clients.add(&who, 1);
            if let Some((first, by_them)) = self.first_contact.get(&person) {
                if *by_them && period.contains(*first) {
                    new_clients.add(&who, 1);
                }
            }
        }
        Reach {
            contacts,
            services,
            unique_clients,
            new_clients,
        }
    }

    /// Referrals made in the period, and what became of them.
    fn referrals_in(&self, period: Period) -> ReferralTotals {
        let as_of = period.to.min(self.today);
        let mut totals = ReferralTotals {
            made: ReferralsMade {
                total: Breakdown::default(),
                by_service: keyed_without_unknown(choices(RecordKind::Referral, "service")),
                by_status: BTreeMap::new(),
            },
            completed: Breakdown::default(),
            overdue: Breakdown::default(),
            lost: Breakdown::default(),
            days_to_completion: Vec::new(),
        };
        for referral in within(&self.referrals, period) {
            let view = &referral.view;
            // A status no form offers is counted as made, by its own name.
            let name = view
                .text("status")
                .unwrap_or(ReferralStatus::DEFAULT.as_str());
            let status = name.parse::<ReferralStatus>().ok();
            if status.is_some_and(|s| !s.is_made()) {
                continue;
            }
            let who = self.demographics(self.people.of_record(view), period);
            totals.made.total.add(&who, 1);
            if let Some(service) = view.text("service") {
                count_choice(&mut totals.made.by_service, Some(service));
            }
            count_choice(&mut totals.made.by_status, Some(name));
            let completed_on = date_field(view, "completed_date");
            let is_completed = status == Some(ReferralStatus::Completed);
            let completed_by_end = is_completed && completed_on.is_none_or(|d| d <= period.to);
            if completed_by_end {
                totals.completed.add(&who, 1);
                if let Some(done) = completed_on {
                    totals
                        .days_to_completion
                        .push((done - referral.day).num_days());
                }
            }
            let open_at_end = status.is_some_and(ReferralStatus::awaits_service)
                || (is_completed && !completed_by_end);
            let past_due = date_field(view, "follow_up_due").is_some_and(|due| due < as_of);
            if open_at_end && past_due {
                totals.overdue.add(&who, 1);
            }
            if status == Some(ReferralStatus::Lost) {
                totals.lost.add(&who, 1);
            }
        }
        totals
    }

    /// Case notes written in the period and the clients they are about,
    /// where this device may read case notes.
    fn case_notes_in(&self, period: Period) -> Option<(Breakdown, Breakdown)> {
        let notes = self.case_notes.as_ref()?;
        let mut written = Breakdown::default();
        let mut clients = HashSet::new();
        for note in within(notes, period) {
            let person = self.people.of_record(&note.view);
            written.add(&self.demographics(person, period), 1);
            if let Some(p) = person {
                clients.insert(p);
            }
        }
        let mut with_note = Breakdown::default();
        for person in clients {
            with_note.add(&self.demographics(Some(person), period), 1);
        }
        Some((written, with_note))
    }

    /// Peer-group meetings in the period and the people at them.
    fn meetings_in(&self, period: Period) -> (u64, Attendance) {
        let mut meetings = 0;
        let mut attendance = Attendance::default();
        for meeting in within(&self.meetings, period) {
            let values = &meeting.view.values;
            meetings += 1;
            let linked = values
                .get("attendee_ids")
                .and_then(Value::as_array)
                .map_or(0, |ids| ids.len() as u64);
            attendance.total += values
                .get("attendance_total")
                .and_then(Value::as_u64)
                .unwrap_or(linked);
            attendance.women += values
                .get("attendance_women")
                .and_then(Value::as_u64)
                .unwrap_or(0);
        }
        (meetings, attendance)
    }
}

/// What contacts in a period add up to.
struct Reach {
    contacts: Contacts,
    services: BTreeMap<String, ServiceTotal>,
    unique_clients: Breakdown,
    new_clients: Breakdown,
}

/// What referrals made in a period add up to.
struct ReferralTotals {
    made: ReferralsMade,
    completed: Breakdown,
    overdue: Breakdown,
    lost: Breakdown,
    days_to_completion: Vec<i64>,
}

/// Adds a contact's services (item → quantity given) to the totals; a
/// service no form lists is counted by its own name.
fn count_services(services: &mut BTreeMap<String, ServiceTotal>, view: &RecordView) {
    let Some(items) = view.values.get("services").and_then(Value::as_object) else {
        return;
    };
    for (item, quantity) in items {
        let quantity = quantity.as_u64().unwrap_or(0);
        if quantity == 0 {
            continue;
        }
        let total = services.entry(item.clone()).or_default();
        total.contacts += 1;
        total.quantity += quantity;
    }
}

fn within(records: &[Dated], period: Period) -> impl Iterator<Item = &Dated> {
    records.iter().filter(move |r| period.contains(r.day))
}

/// The choice values of a form field.
fn choices(kind: RecordKind, field: &str) -> Vec<String> {
    forms::definition(kind)
        .field(field)
        .map(|f| f.choices.iter().map(|c| c.value.clone()).collect())
        .unwrap_or_default()
}

/// Zero counts for every choice and for `unknown`.
fn keyed(values: Vec<String>) -> BTreeMap<String, u64> {
    let mut map = keyed_without_unknown(values);
    map.insert(super::breakdown::UNKNOWN.to_string(), 0);
    map
}

fn keyed_without_unknown(values: Vec<String>) -> BTreeMap<String, u64> {
    values.into_iter().map(|v| (v, 0)).collect()
}

/// Counts one record under its choice, or `unknown` when it has none.
fn count_choice(map: &mut BTreeMap<String, u64>, value: Option<&str>) {
    let key = value
        .filter(|v| !v.is_empty())
        .unwrap_or(super::breakdown::UNKNOWN);
    match map.get_mut(key) {
        Some(n) => *n += 1,
        None => {
            map.insert(key.to_string(), 1);
        }
    }
}

/// The middle value, or the mean of the two middle values.
fn median(values: &mut [i64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let mid = values.len() / 2;
    Some(if values.len() % 2 == 1 {
        values[mid] as f64
    } else {
        (values[mid - 1] + values[mid]) as f64 / 2.0
    })
}
