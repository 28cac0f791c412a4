//! The team's overdue follow-ups, grouped by the worker who created each
//! referral or case note. What is due comes from [`crate::queries::due_on`];
//! this adds only the rule that a contact with the client after a case note
//! is that note's follow-up, and the grouping.

use chrono::NaiveDate;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

use super::dataset::creator;
use super::people::{People, PersonId};
use crate::queries::{due_on, record_date, DueItem, DueReason};
use crate::record::DeviceId;
use crate::store::Store;
use crate::{RecordKind, Result};

/// Everything overdue on a day, grouped by worker.
#[derive(Debug, Clone, Serialize)]
pub struct OverdueList {
    /// The day items are overdue on: due before it.
    pub as_of: NaiveDate,
    /// Overdue items, all workers together.
    pub total: u64,
    /// Workers with the most overdue items first.
    pub workers: Vec<WorkerOverdue>,
    /// Clients and contacts that could not be decrypted, so could not clear
    /// a case note's follow-up.
    pub unreadable_records: u64,
}

/// One worker's overdue items.
#[derive(Debug, Clone, Serialize)]
pub struct WorkerOverdue {
    /// The device that created the referrals and case notes; `null` when a
    /// record cannot be read on this device, or carries no creation mark and
    /// its history cannot be read.
    pub worker: Option<DeviceId>,
    /// Most overdue first, as `due_on` orders them.
    pub items: Vec<DueItem>,
}

/// Follow-ups past due on `day`: open referrals past their follow-up date,
/// and case notes past their next follow-up with no later case note or
/// contact for that client.
pub fn overdue(store: &mut Store, day: NaiveDate) -> Result<OverdueList> {
    let mut unreadable = 0;
    let mut items: Vec<DueItem> = due_on(store, day)?
        .into_iter()
        .filter(|item| item.overdue)
        .collect();

    if items
        .iter()
        .any(|i| i.reason == DueReason::CaseNoteFollowUp)
    {
        let clients = store.list(RecordKind::Client)?;
        let people = People::from_clients(&clients.records);
        let contacts = store.list(RecordKind::Contact)?;
        unreadable += clients.unreadable.len() + contacts.unreadable.len();
        let mut last_contact: HashMap<PersonId, NaiveDate> = HashMap::new();
        for contact in &contacts.records {
            let (Some(person), Some(on)) = (people.of_record(contact), record_date(contact)) else {
                continue;
            };
            if on <= day {
                let last = last_contact.entry(person).or_insert(on);
                *last = (*last).max(on);
            }
        }
        let mut kept = Vec::with_capacity(items.len());
        for item in items {
            if item.reason == DueReason::CaseNoteFollowUp {
                let note = match store.get(item.record_id) {
                    Ok(note) => note,
                    Err(_) => {
                        unreadable += 1;
                        continue;
                    }
                };
                let noted = record_date(&note);
                let seen_since = people
                    .of_record(&note)
                    .and_then(|p| last_contact.get(&p))
                    .is_some_and(|last| noted.is_some_and(|n| *last > n));
                if seen_since {
                    continue;
                }
            }
            kept.push(item);
        }
        items = kept;
    }
    Ok(group(store, day, items, unreadable as u64))
}

fn group(store: &mut Store, day: NaiveDate, items: Vec<DueItem>, unreadable: u64) -> OverdueList {
    let total = items.len() as u64;
    let mut by_worker: BTreeMap<Option<DeviceId>, Vec<DueItem>> = BTreeMap::new();
    for item in items {
        let worker = match store.get(item.record_id) {
            Ok(view) => creator(store, &view),
            Err(_) => None,
        };
        by_worker.entry(worker).or_default().push(item);
    }
    let mut workers: Vec<WorkerOverdue> = by_worker
        .into_iter()
        .map(|(worker, items)| WorkerOverdue { worker, items })
        .collect();
    workers.sort_by(|a, b| {
        b.items
            .len()
            .cmp(&a.items.len())
            .then_with(|| a.worker.cmp(&b.worker))
    });
    OverdueList {
        as_of: day,
        total,
        workers,
        unreadable_records: unreadable,
    }
}
