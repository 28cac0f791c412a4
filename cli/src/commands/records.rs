//! add, update, delete, show, list, history.

use fieldbook_core::record::RecordId;
use fieldbook_core::store::WriteOptions;
use fieldbook_core::{Error, Lang, Result};
use std::path::Path;
use std::process::ExitCode;

use super::{parse_kind, Context};
use crate::input::read_object;
use crate::output;

pub fn parse_id(lang: Lang, id: &str) -> Result<RecordId> {
    id.parse().map_err(|_| {
        Error::InvalidInput(format!(
            "'{id}' {}",
            lang.pick("không phải là mã bản ghi", "is not a record id")
        ))
    })
}

pub fn add(ctx: &Context, kind: &str, json: &Path, allow_duplicate: bool) -> Result<ExitCode> {
    let kind = parse_kind(ctx.lang, kind)?;
    let input = read_object(json)?;
    let mut store = ctx.unlocked_store()?;
    let id = store.add(
        kind,
        &input,
        WriteOptions {
            lang: ctx.lang,
            allow_duplicate_uic: allow_duplicate,
        },
    )?;
    println!("{id}");
    Ok(ExitCode::SUCCESS)
}

pub fn update(ctx: &Context, id: &str, json: &Path) -> Result<ExitCode> {
    let id = parse_id(ctx.lang, id)?;
    let input = read_object(json)?;
    let mut store = ctx.unlocked_store()?;
    let view = store.update(id, &input, WriteOptions::lang(ctx.lang))?;
    println!("{}", view.id);
    Ok(ExitCode::SUCCESS)
}

pub fn delete(ctx: &Context, id: &str) -> Result<ExitCode> {
    let id = parse_id(ctx.lang, id)?;
    let mut store = ctx.unlocked_store()?;
    store.delete(id)?;
    println!("{id}");
    Ok(ExitCode::SUCCESS)
}

pub fn show(ctx: &Context, id: &str, json: bool) -> Result<ExitCode> {
    let id = parse_id(ctx.lang, id)?;
    let mut store = ctx.unlocked_store()?;
    let details = store.details(id)?;
    if json {
        output::json(&details);
    } else {
        output::record_block(&details.view);
        for conflict in &details.conflict_details {
            for losing in &conflict.losing_values {
                println!(
                    "{} {}: {} ({} {})",
                    ctx.lang.pick("xung đột", "conflict"),
                    conflict.field,
                    output::value_text(&losing.value),
                    losing.device,
                    losing.written_at.to_rfc3339()
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn list(ctx: &Context, kind: &str, json: bool) -> Result<ExitCode> {
    let kind = parse_kind(ctx.lang, kind)?;
    let mut store = ctx.unlocked_store()?;
    let mut listing = store.list(kind)?;
    if kind == fieldbook_core::RecordKind::Client {
        fieldbook_core::queries::sort_by_alias(&mut listing.records);
    }
    if json {
        output::json(&listing.records);
    } else {
        for record in &listing.records {
            println!("{}", output::record_line(record));
        }
    }
    super::queries::report_unreadable(ctx.lang, &listing.unreadable)
}

pub fn history(ctx: &Context, id: &str, json: bool) -> Result<ExitCode> {
    let id = parse_id(ctx.lang, id)?;
    let mut store = ctx.unlocked_store()?;
    let entries = store.history(id)?;
    if json {
        output::json(&entries);
    } else {
        for entry in &entries {
            let changes: Vec<String> = entry
                .changes
                .iter()
                .map(|(k, v)| format!("{k}={}", output::value_text(v)))
                .collect();
            println!(
                "{}  {}  {}",
                entry.written_at.to_rfc3339(),
                entry.device,
                changes.join("  ")
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
