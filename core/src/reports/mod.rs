//! Supervisors' reports: a period's indicators for the team or one worker,
//! the same per month for charts, and the overdue follow-ups by worker.
//!
//! Every figure is computed on the device from decrypted records (the hub
//! cannot read them), so a report holds only what this device's role may
//! read. The definitions, for program officers, are in `DEFINITIONS.md`
//! beside this file.
//!
//! - [`period`]: the days a report covers and its months.
//! - [`people`]: client records with one identifier code are one person.
//! - [`breakdown`]: counts by sex and age band.
//! - [`dataset`]: the records read once for a report; who created each.
//! - [`mod@indicators`]: the figures.
//! - [`mod@overdue`]: follow-ups past due, by worker.

pub mod breakdown;
pub mod dataset;
pub mod indicators;
pub mod overdue;
pub mod people;
pub mod period;

#[cfg(test)]
mod tests;

pub use breakdown::{Breakdown, AGE_BANDS, UNKNOWN};
pub use dataset::{Dataset, PeriodRecords};
pub use indicators::{Attendance, Contacts, Indicators, ReferralsMade, ServiceTotal};
pub use overdue::{overdue, OverdueList, WorkerOverdue};
pub use period::Period;

use crate::record::DeviceId;
use crate::store::Store;
use crate::Result;

/// The indicators of `period`, for the team or for one worker's device.
pub fn indicators(
    store: &mut Store,
    period: Period,
    worker: Option<DeviceId>,
) -> Result<Indicators> {
    Ok(Dataset::load(store, period, worker)?.indicators())
}

/// The indicators of each month of `period` (the first and last month cut
/// to it), oldest first.
pub fn monthly_series(
    store: &mut Store,
    period: Period,
    worker: Option<DeviceId>,
) -> Result<Vec<Indicators>> {
    Ok(Dataset::load(store, period, worker)?.monthly())
}
