//! The queries the screens need. Contents are sealed, so each query decrypts
//! only the compact views of the kinds it needs, or goes through the keyed
//! lookup index for exact matches (identifier code, links to a client).

mod clients;
mod due;
mod referrals;
mod timeline;

pub use crate::search_fold::fold_for_search;
pub use clients::{list_clients, search_clients, ClientSearch};
pub use due::{due_on, DueItem, DueReason};
pub use referrals::{referral_statuses, referrals_by_status};
pub use timeline::{timeline, TimelineItem};

use chrono::NaiveDate;
use serde_json::Value;

use crate::record::ReferralStatus;
use crate::store::RecordView;

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
