//! search, timeline, due, referrals.

use fieldbook_core::queries::{self, ClientSearch};
use fieldbook_core::record::RecordId;
use fieldbook_core::{Error, Lang, Result};
use std::process::ExitCode;

use super::records::parse_id;
use super::Context;
use crate::output;

/// Names the records that could not be decrypted; the others were printed.
pub fn report_unreadable(lang: Lang, unreadable: &[RecordId]) -> Result<ExitCode> {
    if unreadable.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    for id in unreadable {
        eprintln!(
            "{}: {}",
            lang.pick("lỗi", "error"),
            Error::RecordCorrupt { id: *id }.message(lang)
        );
    }
    eprintln!(
        "{}",
        lang.pick(
            "`fieldbook check` cho biết phần nào bị hỏng và khôi phục những gì khôi phục được.",
            "`fieldbook check` says what is damaged and restores what can be."
        )
    );
    Ok(ExitCode::from(6))
}

pub fn search(
    ctx: &Context,
    text: Option<String>,
    area: Option<String>,
    json: bool,
) -> Result<ExitCode> {
    let mut store = ctx.unlocked_store()?;
    let found = queries::search_clients(&mut store, &ClientSearch { text, area })?;
    // The search reads list rows; what is printed is each client in full.
    let mut unreadable = found.unreadable;
    let mut records = Vec::with_capacity(found.rows.len());
    for row in &found.rows {
        match store.get(row.id) {
            Ok(record) => records.push(record),
            Err(Error::RecordCorrupt { id }) => unreadable.push(id),
            Err(e) => return Err(e),
        }
    }
    if json {
        output::json(&records);
    } else {
        for record in &records {
            println!("{}", output::record_line(record));
        }
    }
    report_unreadable(ctx.lang, &unreadable)
}

pub fn timeline(ctx: &Context, client_id: &str, json: bool) -> Result<ExitCode> {
    let id = parse_id(ctx.lang, client_id)?;
    let mut store = ctx.unlocked_store()?;
    let items = queries::timeline(&mut store, id)?;
    if json {
        output::json(&items);
    } else {
        for item in &items {
            println!("{}", output::record_line(&item.record));
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn due(ctx: &Context, date: Option<&str>, json: bool) -> Result<ExitCode> {
    let mut store = ctx.unlocked_store()?;
    let day = match date {
        Some(d) => crate::input::parse_day(ctx.lang, d)?,
        None => store.today(),
    };
    let items = queries::due_on(&mut store, day)?;
    if json {
        output::json(&items);
    } else {
        for item in &items {
            println!(
                "{}  {:?}  {}  {}  {}",
                item.due_date,
                item.reason,
                item.client_alias.as_deref().unwrap_or("-"),
                item.record_id,
                if item.overdue {
                    format!(
                        "{} {}",
                        item.days_overdue,
                        ctx.lang.pick("ngày quá hạn", "days overdue")
                    )
                } else {
                    ctx.lang.pick("đến hạn hôm nay", "due today").to_string()
                }
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn referrals(ctx: &Context, status: Option<&str>, json: bool) -> Result<ExitCode> {
    if let Some(s) = status {
        let statuses = queries::referral_statuses();
        if !statuses.contains(&s) {
            return Err(Error::InvalidInput(format!(
                "'{s}': {} {}",
                ctx.lang.pick("dùng một trong", "use one of"),
                statuses.join(", ")
            )));
        }
    }
    let mut store = ctx.unlocked_store()?;
    let groups = queries::referrals_by_status(&mut store, status)?;
    if json {
        output::json(&groups);
    } else {
        for (status, referrals) in &groups {
            println!("{status} ({})", referrals.len());
            for r in referrals {
                println!("  {}", output::record_line(r));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
