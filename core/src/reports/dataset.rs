//! The decrypted records a report is computed from, read from the store once
//! so that a period's indicators, its months and its record sheets share one
//! pass over the store.

use chrono::NaiveDate;
use std::collections::{HashMap, HashSet};

use super::people::{People, PersonId};
use super::period::Period;
use crate::queries::record_date;
use crate::record::{DeviceId, RecordId};
use crate::store::{RecordView, Store};
use crate::{RecordKind, Result};

/// A record and the day it is about.
#[derive(Debug, Clone)]
pub(crate) struct Dated {
    pub day: NaiveDate,
    pub view: RecordView,
}

/// The records of a span of days, for the whole team or one worker.
pub struct Dataset {
    pub(crate) span: Period,
    pub(crate) worker: Option<DeviceId>,
    /// The day overdue is judged against when a period runs past it.
    pub(crate) today: NaiveDate,
    pub(crate) people: People,
    /// Every client on the device (deleted ones left out), for the record sheets.
    clients: HashMap<RecordId, RecordView>,
    pub(crate) contacts: Vec<Dated>,
    pub(crate) referrals: Vec<Dated>,
    /// `None` when this device does not hold the case-note key (peer leaders).
    pub(crate) case_notes: Option<Vec<Dated>>,
    pub(crate) meetings: Vec<Dated>,
    /// Each person's first contact ever (over all contacts, not only the
    /// span's), and whether it is one of the kept contacts (the worker's, or
    /// any for the team).
    pub(crate) first_contact: HashMap<PersonId, (NaiveDate, bool)>,
    pub(crate) unreadable: Vec<RecordId>,
}

/// The records of a report's period, as the device's role may see them.
pub struct PeriodRecords<'a> {
    /// The clients the other records link to.
    pub clients: Vec<&'a RecordView>,
    /// The contacts in the period.
    pub contacts: Vec<&'a RecordView>,
    /// `None` when this device may not read case notes.
    pub case_notes: Option<Vec<&'a RecordView>>,
    /// The referrals in the period.
    pub referrals: Vec<&'a RecordView>,
    /// The peer-group meetings in the period.
    pub meetings: Vec<&'a RecordView>,
}

impl Dataset {
    /// Reads what a report over `span` needs. With a worker, only the
    /// contacts, referrals, case notes and meetings that worker's device
    /// created are kept (see DEFINITIONS.md); clients stay whole, since
    /// they are who the records are about.
    pub fn load(store: &mut Store, span: Period, worker: Option<DeviceId>) -> Result<Dataset> {
        let today = store.today();
        let mut unreadable = Vec::new();
        let mut read = |store: &mut Store, kind: RecordKind| -> Result<Vec<RecordView>> {
            let listing = store.list(kind)?;
            unreadable.extend(listing.unreadable);
            Ok(listing.records)
        };
        let clients = read(store, RecordKind::Client)?;
        let people = People::from_clients(&clients);
        let contacts = read(store, RecordKind::Contact)?;
        let referrals = read(store, RecordKind::Referral)?;
        let case_notes = if store.holds(RecordKind::CaseNote.sensitivity())? {
            Some(read(store, RecordKind::CaseNote)?)
        } else {
            None
        };
        let meetings = read(store, RecordKind::Meeting)?;

        // The first contact ever is looked for in every contact; only those
        // of the span are kept after that.
        let mut earliest: HashMap<PersonId, (NaiveDate, RecordId)> = HashMap::new();
        for contact in &contacts {
            let (Some(person), Some(day)) = (people.of_record(contact), record_date(contact))
            else {
                continue;
            };
            let candidate = (day, contact.id);
            earliest
                .entry(person)
                .and_modify(|e| *e = (*e).min(candidate))
                .or_insert(candidate);
        }
        let contacts = by_worker(store, worker, in_span(contacts, span));
        let kept: HashSet<RecordId> = contacts.iter().map(|c| c.view.id).collect();
        let first_contact = earliest
            .into_iter()
            .map(|(person, (day, id))| (person, (day, kept.contains(&id))))
            .collect();
        let referrals = by_worker(store, worker, in_span(referrals, span));
        let case_notes = case_notes.map(|notes| by_worker(store, worker, in_span(notes, span)));
        let meetings = by_worker(store, worker, in_span(meetings, span));

        Ok(Dataset {
            span,
            worker,
            today,
            people,
            clients: clients.into_iter().map(|c| (c.id, c)).collect(),
            contacts,
            referrals,
            case_notes,
            meetings,
            first_contact,
            unreadable,
        })
    }

    /// The days the records were read for.
    pub fn span(&self) -> Period {
        self.span
    }

    /// The worker (device id) the records are limited to; `None` for the whole team.
    pub fn worker(&self) -> Option<DeviceId> {
        self.worker
    }

    /// Records that could not be decrypted (damaged or tampered with). They
    /// are in no figure; reports show how many there were.
    pub fn unreadable(&self) -> &[RecordId] {
        &self.unreadable
    }

    /// The span's records, each list in date order.
    pub fn records(&self) -> PeriodRecords<'_> {
        let contacts = in_date_order(&self.contacts);
        let case_notes = self.case_notes.as_deref().map(in_date_order);
        let referrals = in_date_order(&self.referrals);
        let meetings = in_date_order(&self.meetings);
        let mut linked: Vec<RecordId> = contacts
            .iter()
            .chain(case_notes.iter().flatten())
            .chain(referrals.iter())
            .filter_map(|r| r.text("client_id").and_then(|s| s.parse().ok()))
            .chain(meetings.iter().flat_map(|m| attendee_ids(m)))
            .collect();
        linked.sort();
        linked.dedup();
        let mut clients: Vec<&RecordView> = linked
            .iter()
            .filter_map(|id| self.clients.get(id))
            .collect();
        clients.sort_by_key(|c| (c.created_at, c.id));
        PeriodRecords {
            clients,
            contacts,
            case_notes,
            referrals,
            meetings,
        }
    }
}

fn in_date_order(records: &[Dated]) -> Vec<&RecordView> {
    let mut sorted: Vec<&Dated> = records.iter().collect();
    sorted.sort_by_key(|r| (r.day, r.view.id));
    sorted.into_iter().map(|r| &r.view).collect()
}

/// The records the worker's device created, or all of them for the team.
fn by_worker(store: &mut Store, worker: Option<DeviceId>, records: Vec<Dated>) -> Vec<Dated> {
    match worker {
        None => records,
        Some(w) => records
            .into_iter()
            .filter(|r| creator(store, &r.view) == Some(w))
            .collect(),
    }
}

fn in_span(records: Vec<RecordView>, span: Period) -> Vec<Dated> {
    records
        .into_iter()
        .filter_map(|view| {
            let day = record_date(&view)?;
            span.contains(day).then_some(Dated { day, view })
        })
        .collect()
}

fn attendee_ids(meeting: &RecordView) -> Vec<RecordId> {
    meeting
        .values
        .get("attendee_ids")
        .and_then(serde_json::Value::as_array)
        .map(|ids| {
            ids.iter()
                .filter_map(|v| v.as_str().and_then(|s| s.parse().ok()))
                .collect()
        })
        .unwrap_or_default()
}

/// The device that created a record: the worker it belongs to. Later edits
/// (a supervisor closing a referral) do not move it. Records written before
/// views kept it fall back to the device of their first version.
pub fn creator(store: &mut Store, view: &RecordView) -> Option<DeviceId> {
    view.created_by.or_else(|| first_writer(store, view.id))
}

fn first_writer(store: &mut Store, id: RecordId) -> Option<DeviceId> {
    store
        .history(id)
        .ok()?
        .into_iter()
        .min_by_key(|entry| (entry.written_at, entry.version_id))
        .map(|entry| entry.device)
}
