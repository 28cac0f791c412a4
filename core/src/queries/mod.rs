//! The queries the screens need. Contents are sealed, so each query decrypts
//! only the compact views of the kinds it needs, or goes through the keyed
//! lookup index for exact matches (identifier code, links to a client).

mod clients;
mod due;
mod referrals;
mod timeline;

pub use crate::search_fold::fold_for_search;
pub use clients::{list_clients, search_clients, sort_by_alias, ClientSearch};
pub use due::{due_on, DueItem, DueReason};
pub use referrals::{referral_statuses, referrals_by_status};
pub use timeline::{timeline, TimelineItem};

use chrono::NaiveDate;
use serde_json::Value;

use crate::record::{RecordKind, ReferralStatus};
use crate::store::{Listing, RecordView, Store};
use crate::Result;

/// The date a record is about: a contact's time, a note's or referral's date, a meeting's date.
pub fn record_date(view: &RecordView) -> Option<NaiveDate> {
    let raw = ["at", "date"]
        .iter()
        .find_map(|k| view.values.get(*k).and_then(Value::as_str))?;
    if let Ok(dt) = chrono::DateTime::parse_from_rfc3339(raw) {
        return Some(dt.date_naive());
    }
    NaiveDate::parse_from_str(raw, "%Y-%m-%d").ok()
}

/// The records of a kind as lists show them: newest first by the date they
/// are about (a contact's time, a note's, referral's or meeting's date), then
/// by when they were written. Clients, which have no such date, come newest
/// written first.
pub fn newest_first(store: &mut Store, kind: RecordKind) -> Result<Listing> {
    let mut listing = store.list(kind)?;
    listing.records.sort_by(|a, b| {
        let about = |v: &RecordView| v.text("at").or_else(|| v.text("date")).map(str::to_owned);
        // The id only makes the order the same on every device for records
        // written in the same millisecond.
        (about(b), b.created_at, b.id).cmp(&(about(a), a.created_at, a.id))
    });
    Ok(listing)
}

/// A referral's status; one without a status is a draft, and one a form
/// does not offer is `None`.
pub(crate) fn referral_status(view: &RecordView) -> Option<ReferralStatus> {
    view.text("status")
        .unwrap_or(ReferralStatus::DEFAULT.as_str())
        .parse()
        .ok()
}

pub(crate) fn date_field(view: &RecordView, key: &str) -> Option<NaiveDate> {
    view.values
        .get(key)
        .and_then(Value::as_str)
        .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::tests::{add_client, obj, Fixture};
    use crate::store::WriteOptions;
    use serde_json::json;

    #[test]
    fn lists_come_newest_first_by_the_date_they_are_about() {
        let fx = Fixture::new();
        let mut store = fx.create();
        let client = add_client(&mut store, "Hoa");
        let mut contact = |at: &str| {
            store
                .add(
                    RecordKind::Contact,
                    &obj(json!({"client_id": client.to_string(), "at": at})),
                    WriteOptions::default(),
                )
                .unwrap()
        };
        // Written in an order other than the one they are about.
        let middle = contact("2026-11-20T08:00:00Z");
        let oldest = contact("2026-11-02T16:30:00Z");
        let newest = contact("2026-11-28T07:15:00Z");
        let listed: Vec<_> = newest_first(&mut store, RecordKind::Contact)
            .unwrap()
            .records
            .iter()
            .map(|r| r.id)
            .collect();
        assert_eq!(listed, [newest, middle, oldest]);
        fx.clock.advance_secs(60);
        let second = add_client(&mut store, "Lan");
        let clients: Vec<_> = newest_first(&mut store, RecordKind::Client)
            .unwrap()
            .records
            .iter()
            .map(|r| r.id)
            .collect();
        assert_eq!(clients, [second, client], "clients: newest written first");
    }
}
