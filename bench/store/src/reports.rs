//! The supervisors' reports on the mixed store: a year's indicators and
//! each of its months, for the team (Fieldbook only: the baselines have no
//! reports to compare with).

use std::time::Instant;

use chrono::{Duration, NaiveDate};
use fieldbook_core::reports::{Dataset, Period};
use fieldbook_core::RecordKind;

use crate::alloc::{PhaseMemory, PhaseProbe};
use crate::engines::Place;
use crate::median;
use crate::sqlstore::Res;

pub struct ReportFigures {
    pub period: Period,
    /// Records of the year the indicators count (contacts, referrals, case notes, meetings).
    pub records_in_year: usize,
    /// Per run: reading and decrypting every record, then the year's
    /// indicators, then each month's (seconds each).
    pub load: Vec<f64>,
    /// Per run: `Store::list` of the five kinds alone, the floor under `load`.
    pub list_only: Vec<f64>,
    pub year: Vec<f64>,
    pub months: Vec<f64>,
    /// Per run: one worker's year (load and indicators). The worker is the
    /// bench's device, which created every record, so the filter keeps them
    /// all and the difference from the team's is the cost of attributing them.
    pub worker: Vec<f64>,
    pub mem: PhaseMemory,
    pub unique_clients_reached: u64,
    pub contacts: u64,
}

/// Opens and unlocks (not timed), then times `runs` reports of the year up to `today`.
pub fn measure(place: &Place, today: NaiveDate, runs: usize) -> Res<ReportFigures> {
    let mut store = place.open_fieldbook()?;
    let period = Period::new(today - Duration::days(364), today)?;
    let mut figures = ReportFigures {
        period,
        records_in_year: 0,
        load: Vec::new(),
        list_only: Vec::new(),
        year: Vec::new(),
        months: Vec::new(),
        worker: Vec::new(),
        mem: PhaseMemory::default(),
        unique_clients_reached: 0,
        contacts: 0,
    };
    for _ in 0..runs {
        let t = Instant::now();
        let mut listed = 0;
        for kind in RecordKind::ALL {
            listed += store.list(kind)?.records.len();
        }
        figures.list_only.push(t.elapsed().as_secs_f64());
        if listed == 0 {
            return Err("the store listed no records".into());
        }
        let probe = PhaseProbe::start();
        let t = Instant::now();
        let data = Dataset::load(&mut store, period, None)?;
        figures.load.push(t.elapsed().as_secs_f64());
        let t = Instant::now();
        let year = data.indicators();
        figures.year.push(t.elapsed().as_secs_f64());
        let t = Instant::now();
        let months = data.monthly();
        figures.months.push(t.elapsed().as_secs_f64());
        figures.mem = figures.mem.max(probe.finish());
        let t = Instant::now();
        let device = store.device_id();
        let worker = Dataset::load(&mut store, period, Some(device))?;
        let worker_year = worker.indicators();
        figures.worker.push(t.elapsed().as_secs_f64());
        if worker_year.contacts.total.total != year.contacts.total.total {
            return Err(format!(
                "the bench device's own report counts {} contacts, the team's {}",
                worker_year.contacts.total.total, year.contacts.total.total
            )
            .into());
        }
        let records = data.records();
        figures.records_in_year = records.contacts.len()
            + records.referrals.len()
            + records.case_notes.as_ref().map_or(0, Vec::len)
            + records.meetings.len();
        figures.unique_clients_reached = year.unique_clients_reached.total;
        figures.contacts = year.contacts.total.total;
        // The months are a check as much as a figure: they partition the year's contacts.
        let monthly_contacts: u64 = months.iter().map(|m| m.contacts.total.total).sum();
        if monthly_contacts != figures.contacts {
            return Err(format!(
                "months count {monthly_contacts} contacts, the year {}",
                figures.contacts
            )
            .into());
        }
    }
    Ok(figures)
}

pub fn print(f: &ReportFigures, total_records: usize) {
    let ms = |xs: &[f64]| median(xs.to_vec()) * 1000.0;
    let total: Vec<f64> = (0..f.load.len())
        .map(|i| f.load[i] + f.year[i] + f.months[i])
        .collect();
    println!(
        "\n## Reports: indicators for a year ({} – {}) over {} records (Fieldbook, median of {})\n",
        f.period.from,
        f.period.to,
        total_records,
        f.load.len()
    );
    println!("| measure | ms |");
    println!("|---|---:|");
    println!(
        "| read + decrypt every record, keep the year's {} (Dataset::load) | {:.1} |",
        f.records_in_year,
        ms(&f.load)
    );
    println!(
        "| for comparison: `Store::list` of every kind alone | {:.1} |",
        ms(&f.list_only)
    );
    println!("| the year's indicators | {:.1} |", ms(&f.year));
    println!(
        "| each month's indicators ({} months, the first and last cut to the year) | {:.1} |",
        f.period.months().len(),
        ms(&f.months)
    );
    println!("| **total** (aim: under 1000) | **{:.1}** |", ms(&total));
    println!(
        "| one worker's year (load + indicators; every record is that worker's) | {:.1} |",
        ms(&f.worker)
    );
    println!(
        "\npeak memory: {:.1} MiB ({:.1} Rust heap + {:.1} SQLite heap); the year: {} unique clients reached, {} contacts",
        f.mem.total() as f64 / 1048576.0,
        f.mem.rust_heap as f64 / 1048576.0,
        f.mem.sqlite_heap.max(0) as f64 / 1048576.0,
        f.unique_clients_reached,
        f.contacts
    );
}
