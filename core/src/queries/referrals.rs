//! Referrals grouped by status: closing the loop matters most.

use std::collections::BTreeMap;

use crate::record::{RecordKind, ReferralStatus};
use crate::store::{RecordView, Store};
use crate::Result;

/// The referral statuses, in the order of the loop (draft → sent →
/// accepted → completed, then the ways a referral ends without completing),
/// as the referral form defines them.
pub fn referral_statuses() -> Vec<&'static str> {
    crate::forms::definition(RecordKind::Referral)
        .field("status")
        .map(|field| field.choices.iter().map(|c| c.value.as_str()).collect())
        .unwrap_or_default()
}

/// Referrals by status (only `status` when given), each group by follow-up due date.
pub fn referrals_by_status(
    store: &mut Store,
    status: Option<&str>,
) -> Result<BTreeMap<String, Vec<RecordView>>> {
    let listing = store.list(RecordKind::Referral)?;
    let mut groups: BTreeMap<String, Vec<RecordView>> = BTreeMap::new();
    for referral in listing.records {
        let s = referral
            .text("status")
            .unwrap_or(ReferralStatus::DEFAULT.as_str())
            .to_string();
        if status.is_some_and(|wanted| wanted != s) {
            continue;
        }
        groups.entry(s).or_default().push(referral);
    }
    for group in groups.values_mut() {
        group.sort_by_key(|r| (super::date_field(r, "follow_up_due"), r.id));
    }
    Ok(groups)
}
