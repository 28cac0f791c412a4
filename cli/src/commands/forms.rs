//! forms: the definitions a shell needs to draw any form; forms list, the
//! versions this device knows; forms export and import, XLSForm workbooks
//! in and out, an import signed and published to the team.

use fieldbook_core::forms::{self, check_successor, FormDefinition, FormSpec, KnownForm};
use fieldbook_core::{sync, Error, Lang, Result};
use serde_json::json;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use super::{parse_kind, Context};
use crate::output;

/// The forms in use: this device's with --data, the built-in ones without.
pub fn forms(ctx: &Context, kind: Option<&str>, json: bool) -> Result<ExitCode> {
    let in_use: Vec<Arc<FormDefinition>> = if ctx.has_data() {
        let mut store = ctx.unlocked_store()?;
        let registry = store.forms()?;
        fieldbook_core::RecordKind::ALL
            .iter()
            .map(|k| Arc::clone(&registry.current(*k).definition))
            .collect()
    } else {
        forms::all().map(|d| Arc::new(d.clone())).collect()
    };
    let wanted = kind.map(|k| parse_kind(ctx.lang, k)).transpose()?;
    let definitions: Vec<&FormDefinition> = in_use
        .iter()
        .map(|d| d.as_ref())
        .filter(|d| wanted.is_none_or(|k| d.kind == k))
        .collect();
    if json {
        let localized: Vec<serde_json::Value> =
            definitions.iter().map(|d| d.localized(ctx.lang)).collect();
        output::json(&localized);
    } else {
        for definition in definitions {
            println!(
                "{} v{}: {}",
                definition.kind,
                definition.version,
                definition.title.get(ctx.lang)
            );
            for field in &definition.fields {
                println!(
                    "  {}{} ({}): {}",
                    field.key,
                    if field.required { "*" } else { "" },
                    field.field_type.as_str(),
                    field.label.get(ctx.lang)
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn signed_at(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_default()
}

/// Every version this device knows, the one in use marked.
pub fn list(ctx: &Context, json: bool) -> Result<ExitCode> {
    let lang = ctx.lang;
    let mut store = ctx.unlocked_store()?;
    let registry = store.forms()?;
    let refused = store.refused_forms()?;
    let in_use = |known: &KnownForm| {
        registry.current(known.definition.kind).definition.version == known.definition.version
    };
    if json {
        let rows: Vec<serde_json::Value> = registry
            .all()
            .map(|k| {
                json!({
                    "kind": k.definition.kind.as_str(),
                    "version": k.definition.version,
                    "in_use": in_use(k),
                    "built_in": k.publication.is_none(),
                    "signed_by": k.publication.map(|p| p.signed_by.to_string()),
                    "signed_at": k.publication.map(|p| signed_at(p.signed_at_ms)),
                    "roster_link": k.publication.map(|p| p.seq),
                })
            })
            .collect();
        let refused: Vec<serde_json::Value> = refused
            .iter()
            .map(|r| json!({"kind": r.kind.as_str(), "version": r.version, "roster_link": r.seq, "reason": r.reason}))
            .collect();
        output::json(&json!({"forms": rows, "refused": refused}));
        return Ok(ExitCode::SUCCESS);
    }
    for known in registry.all() {
        let d = &known.definition;
        let who = match known.publication {
            None => lang.pick("có sẵn", "built in").to_string(),
            Some(p) => format!(
                "{} {} {} {}",
                lang.pick("ký bởi thiết bị", "signed by device"),
                p.signed_by,
                lang.pick("lúc", "at"),
                signed_at(p.signed_at_ms)
            ),
        };
        println!(
            "{}{} v{}: {} ({who})",
            if in_use(known) { "* " } else { "  " },
            d.kind,
            d.version,
            d.title.get(lang),
        );
    }
    for r in &refused {
        println!(
            "! {} v{}: {} {}",
            r.kind,
            r.version,
            lang.pick("bị từ chối:", "refused:"),
            r.reason
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes a form as an XLSForm workbook.
pub fn export(ctx: &Context, kind: &str, file: &Path, version: Option<u32>) -> Result<ExitCode> {
    let kind = parse_kind(ctx.lang, kind)?;
    let mut store = ctx.unlocked_store()?;
    let form = match version {
        Some(v) => store.form_version(kind, v)?,
        None => store.current_form(kind)?,
    };
    let bytes = fieldbook_xlsform::export(&FormSpec::from((*form).clone()))
        .map_err(|e| Error::Encoding(format!("workbook: {e}")))?;
    std::fs::write(file, bytes)?;
    println!("{} v{} → {}", form.kind, form.version, file.display());
    Ok(ExitCode::SUCCESS)
}

/// Reads a workbook; publishes it unless `check_only`.
pub fn import(ctx: &Context, file: &Path, check_only: bool) -> Result<ExitCode> {
    let lang = ctx.lang;
    let bytes = std::fs::read(file)?;
    let form =
        fieldbook_xlsform::import(&bytes).map_err(|e| Error::InvalidInput(e.message(lang)))?;
    if check_only && !ctx.has_data() {
        let builtin = forms::definition(form.kind);
        check_successor(builtin, &form).map_err(Error::FormIncompatible)?;
        print_read(
            lang,
            &form,
            lang.pick("đọc được, chưa gửi", "reads well, not published"),
        );
        return Ok(ExitCode::SUCCESS);
    }
    let mut store = ctx.unlocked_store()?;
    let current = store.current_form(form.kind)?;
    check_successor(&current, &form).map_err(Error::FormIncompatible)?;
    if check_only {
        print_read(
            lang,
            &form,
            lang.pick("đọc được, chưa gửi", "reads well, not published"),
        );
        return Ok(ExitCode::SUCCESS);
    }
    let published = sync::publish_form(&mut store, &form)?;
    let what = format!(
        "{} ({} {})",
        lang.pick("đã ký và gửi cho nhóm", "signed and published to the team"),
        lang.pick("mục", "roster link"),
        published.seq
    );
    print_read(lang, &form, &what);
    Ok(ExitCode::SUCCESS)
}

fn print_read(lang: Lang, form: &FormDefinition, what: &str) {
    println!(
        "{} v{}: {} ({} {})",
        form.kind.as_str(),
        form.version,
        what,
        form.fields.len(),
        lang.pick("trường", "fields")
    );
}
