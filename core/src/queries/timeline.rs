//! A client's timeline: contacts, case notes, referrals and meetings attended, by date.

use chrono::NaiveDate;
use serde::Serialize;

use super::record_date;
use crate::record::{RecordId, RecordKind};
use crate::store::{RecordView, Store};
use crate::{Error, Result};

/// One entry of a client's timeline.
#[derive(Debug, Clone, Serialize)]
pub struct TimelineItem {
    /// The day the record is about (a contact's time, a note's, referral's or meeting's date);
    /// absent when it has none.
    pub date: Option<NaiveDate>,
    /// The record, its fields flattened beside `date` when serialized.
    #[serde(flatten)]
    pub record: RecordView,
}

/// Everything that links to the client (as `client_id` or among a meeting's attendees), newest
/// first, undated entries last; deleted records and those this device cannot read are left out.
/// Fails if `client_id` is not a client.
pub fn timeline(store: &mut Store, client_id: RecordId) -> Result<Vec<TimelineItem>> {
    let client = store.get(client_id)?;
    if client.kind != RecordKind::Client {
        return Err(Error::InvalidInput(format!("{client_id} is not a client")));
    }
    let key = client_id.to_string();
    let mut ids = store.lookup("client_id", &key)?;
    ids.extend(store.lookup("attendee_ids", &key)?);
    ids.sort();
    ids.dedup();
    let mut items = Vec::with_capacity(ids.len());
    for id in ids {
        let record = match store.get(id) {
            Ok(record) => record,
            // Keyed terms can collide only with negligible probability, but a
            // record of a class this device cannot read is simply not shown.
            Err(Error::RecordNotFound { .. }) => continue,
            Err(e) => return Err(e),
        };
        if record.deleted {
            continue;
        }
        items.push(TimelineItem {
            date: record_date(&record),
            record,
        });
    }
    // Newest first, as a worker reads a history; undated entries last.
    items.sort_by(|a, b| {
        b.date
            .cmp(&a.date)
            .then_with(|| b.record.created_at.cmp(&a.record.created_at))
    });
    Ok(items)
}
