//! What is due on a day: referral follow-ups and case-note follow-ups,
//! overdue first (oldest first), then those due that day.

use chrono::NaiveDate;
use serde::Serialize;
use std::collections::HashMap;

use super::date_field;
use crate::record::{RecordId, RecordKind, ReferralStatus};
use crate::store::Store;
use crate::Result;

/// Why an item is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DueReason {
    /// A referral still open (draft, sent or accepted) past its follow-up date.
    ReferralFollowUp,
    /// The next follow-up set by a client's latest case note.
    CaseNoteFollowUp,
}

/// One follow-up due on or before the day asked about.
#[derive(Debug, Clone, Serialize)]
pub struct DueItem {
    /// Which kind of follow-up it is.
    pub reason: DueReason,
    /// The referral or case note that set the follow-up.
    pub record_id: RecordId,
    /// Referral or case note, as `reason` says.
    pub kind: RecordKind,
    /// The client the record is about, when it names one.
    pub client_id: Option<RecordId>,
    /// That client's alias, to show; absent when the client cannot be read here.
    pub client_alias: Option<String>,
    /// The follow-up date the record gives.
    pub due_date: NaiveDate,
    /// Days past due (0 = due that day).
    pub days_overdue: i64,
    /// Whether the date is before the day asked about (not merely that day).
    pub overdue: bool,
    /// The referral's service, for referral follow-ups.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
}

/// Every follow-up due on or before `day`: open referrals and each client's latest case note, most
/// overdue first, then by client alias.
pub fn due_on(store: &mut Store, day: NaiveDate) -> Result<Vec<DueItem>> {
    let mut items = Vec::new();
    let client_of =
        |v: &crate::store::RecordView| v.text("client_id").and_then(|s| s.parse::<RecordId>().ok());

    for referral in store.list(RecordKind::Referral)?.records {
        if !super::referral_status(&referral).is_some_and(ReferralStatus::needs_follow_up) {
            continue;
        }
        let Some(due) = date_field(&referral, "follow_up_due") else {
            continue;
        };
        if due <= day {
            items.push(DueItem {
                reason: DueReason::ReferralFollowUp,
                record_id: referral.id,
                kind: RecordKind::Referral,
                client_id: client_of(&referral),
                client_alias: None,
                due_date: due,
                days_overdue: (day - due).num_days(),
                overdue: due < day,
                service: referral.text("service").map(str::to_string),
            });
        }
    }

    // Only a client's latest case note sets the next follow-up: a later note
    // means the earlier follow-up happened.
    let mut latest: HashMap<RecordId, crate::store::RecordView> = HashMap::new();
    if store.holds(RecordKind::CaseNote.sensitivity())? {
        for note in store.list(RecordKind::CaseNote)?.records {
            let Some(client) = client_of(&note) else {
                continue;
            };
            let newer = match latest.get(&client) {
                None => true,
                Some(current) => {
                    (date_field(&note, "date"), note.created_at)
                        > (date_field(current, "date"), current.created_at)
                }
            };
            if newer {
                latest.insert(client, note);
            }
        }
    }
    for (client, note) in latest {
        let Some(due) = date_field(&note, "next_follow_up") else {
            continue;
        };
        if due <= day {
            items.push(DueItem {
                reason: DueReason::CaseNoteFollowUp,
                record_id: note.id,
                kind: RecordKind::CaseNote,
                client_id: Some(client),
                client_alias: None,
                due_date: due,
                days_overdue: (day - due).num_days(),
                overdue: due < day,
                service: None,
            });
        }
    }

    for item in &mut items {
        if let Some(client) = item.client_id {
            item.client_alias = store
                .get(client)
                .ok()
                .and_then(|c| c.text("alias").map(str::to_string));
        }
    }
    items.sort_by(|a, b| {
        b.days_overdue
            .cmp(&a.days_overdue)
            .then_with(|| a.client_alias.cmp(&b.client_alias))
            .then_with(|| a.record_id.cmp(&b.record_id))
    });
    Ok(items)
}
