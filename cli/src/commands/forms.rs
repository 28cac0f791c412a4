//! forms: the definitions a shell needs to draw any form.

use fieldbook_core::forms;
use fieldbook_core::Result;
use std::process::ExitCode;

use super::{parse_kind, Context};
use crate::output;

pub fn forms(ctx: &Context, kind: Option<&str>, json: bool) -> Result<ExitCode> {
    let definitions: Vec<&forms::FormDefinition> = match kind {
        Some(kind) => vec![forms::definition(parse_kind(ctx.lang, kind)?)],
        None => forms::all().collect(),
    };
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
