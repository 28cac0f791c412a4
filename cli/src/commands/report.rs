//! report and overdue: the supervisor's indicators for a period with their
//! exports, and the team's overdue follow-ups.

use fieldbook_core::record::DeviceId;
use fieldbook_core::reports::{self, Dataset, Period};
use fieldbook_core::{Error, Lang, Result};
use std::path::PathBuf;
use std::process::ExitCode;

use super::queries::report_unreadable;
use super::Context;
use crate::export::{self, chart, rows, xlsx};
use crate::input::parse_day;
use crate::output;

pub struct ReportArgs {
    pub from: String,
    pub to: String,
    pub worker: Option<String>,
    pub json: bool,
    pub csv: bool,
    pub xlsx: Option<PathBuf>,
    pub chart: Option<PathBuf>,
}

pub fn report(ctx: &Context, args: &ReportArgs) -> Result<ExitCode> {
    let lang = ctx.lang;
    let period = Period::new(parse_day(lang, &args.from)?, parse_day(lang, &args.to)?)?;
    let worker = args
        .worker
        .as_deref()
        .map(|w| parse_device(lang, w))
        .transpose()?;
    // Checked before anything is read, so a wrong path costs no PIN entry.
    let data_dir = ctx.data_dir()?;
    for file in args.xlsx.iter().chain(args.chart.iter()) {
        export::check_destination(lang, file, &data_dir)?;
    }
    if let Some(file) = &args.chart {
        chart::check_format(lang, file)?;
    }

    let mut store = ctx.unlocked_store()?;
    let data = Dataset::load(&mut store, period, worker)?;
    drop(store);
    let indicators = data.indicators();
    let months = data.monthly();

    if args.json {
        output::json(&indicators);
    } else if args.csv {
        export::csv::write(std::io::stdout().lock(), &indicators)?;
    } else {
        print_summary(lang, &indicators);
    }
    if let Some(file) = &args.xlsx {
        let records = data.records();
        xlsx::write(
            file,
            &xlsx::ReportBook {
                lang,
                indicators: &indicators,
                months: &months,
                records: &records,
            },
        )?;
    }
    if let Some(file) = &args.chart {
        chart::write(file, lang, &months)?;
    }
    report_unreadable(lang, data.unreadable())
}

/// The totals, one line each, for people at a terminal.
fn print_summary(lang: Lang, ind: &reports::Indicators) {
    println!("{} – {}", ind.period.from, ind.period.to);
    for row in rows::rows(ind) {
        if row.dimension == "total" {
            let value = row.value.text();
            let value = if value.is_empty() {
                "-".to_string()
            } else {
                value
            };
            println!("{}: {value}", rows::label(lang, row.indicator));
        }
    }
}

pub fn overdue(ctx: &Context, date: Option<&str>, json: bool) -> Result<ExitCode> {
    let day = date.map(|d| parse_day(ctx.lang, d)).transpose()?;
    let mut store = ctx.unlocked_store()?;
    let day = day.unwrap_or_else(|| store.today());
    let list = reports::overdue(&mut store, day)?;
    if json {
        output::json(&list);
    } else {
        for group in &list.workers {
            let who = group
                .worker
                .map(|w| w.to_string())
                .unwrap_or_else(|| ctx.lang.pick("không rõ", "unknown").to_string());
            println!("{who} ({})", group.items.len());
            for item in &group.items {
                println!(
                    "  {}  {:?}  {}  {}  {} {}",
                    item.due_date,
                    item.reason,
                    item.client_alias.as_deref().unwrap_or("-"),
                    item.record_id,
                    item.days_overdue,
                    ctx.lang.pick("ngày quá hạn", "days overdue")
                );
            }
        }
    }
    if list.unreadable_records > 0 {
        eprintln!(
            "{}: {} {}",
            ctx.lang.pick("lỗi", "error"),
            list.unreadable_records,
            ctx.lang
                .pick("bản ghi không đọc được", "records could not be read")
        );
        return Ok(ExitCode::from(6));
    }
    Ok(ExitCode::SUCCESS)
}

fn parse_device(lang: Lang, raw: &str) -> Result<DeviceId> {
    raw.parse().map_err(|_| {
        Error::InvalidInput(format!(
            "'{raw}' {}",
            lang.pick("không phải là mã thiết bị", "is not a device id")
        ))
    })
}
