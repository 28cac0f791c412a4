//! check: every sealed value of the store, its team keys, its audit trail
//! and its file header; what is damaged is rebuilt or restored from the hub
//! where it can be, and named either way.

use fieldbook_core::store::{check_header, CheckReport, Damage, DamagedPart, HubContact, Remedy};
use fieldbook_core::sync::{check_store, CheckOptions};
use fieldbook_core::{Error, Lang, Result};
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;

use super::Context;
use crate::output;

pub fn check(ctx: &Context, no_repair: bool, json: bool) -> Result<ExitCode> {
    let repair = !no_repair;
    // The header first, with no connection open: SQLite reads it at open.
    let header = check_header(&ctx.data_dir()?, repair)?;
    let report = match ctx.unlocked_store() {
        Ok(mut store) => {
            let options = CheckOptions {
                repair,
                ..CheckOptions::default()
            };
            check_store(&mut store, &options, &AtomicBool::new(false))?.with_header(header)
        }
        Err(Error::HeaderDamaged { .. }) => {
            CheckReport::unopenable(header.unwrap_or(Damage::header(Remedy::Unrepairable)))
        }
        Err(e) => return Err(e),
    };
    if json {
        output::json(&report);
    } else {
        print_report(ctx.lang, &report);
    }
    Ok(exit_code(&report))
}

/// 0 when nothing is left damaged; 6 when stored data is (as for records
/// that cannot be read); 1 when only the audit trail is (as `audit verify`).
fn exit_code(report: &CheckReport) -> ExitCode {
    let left: Vec<&Damage> = report
        .damage
        .iter()
        .filter(|d| !d.remedy.repaired())
        .collect();
    if left.is_empty() {
        ExitCode::SUCCESS
    } else if left.iter().any(|d| d.part != DamagedPart::AuditTrail) {
        ExitCode::from(6)
    } else {
        ExitCode::from(1)
    }
}

fn print_report(lang: Lang, report: &CheckReport) {
    for damage in &report.damage {
        println!("- {}", damage.message(lang));
    }
    match &report.hub {
        HubContact::Unreachable(error) => println!(
            "{}: {error}",
            lang.pick(
                "Không kết nối được máy chủ văn phòng",
                "The office hub could not be reached"
            )
        ),
        HubContact::NotEnrolled => println!(
            "{}",
            lang.pick(
                "Thiết bị này chưa ghi danh với máy chủ văn phòng nào: không có bản sao nào để khôi phục.",
                "This device is not enrolled with an office hub: there is no copy to restore from."
            )
        ),
        HubContact::NotNeeded | HubContact::Reached => {}
    }
    let entries = report.audit.as_ref().map_or(0, |a| a.entries);
    let checked = match lang {
        Lang::En => format!(
            "{} records, {} versions, {} team keys and {entries} audit entries checked",
            report.records_checked, report.versions_checked, report.team_keys_checked
        ),
        Lang::Vi => format!(
            "Đã kiểm tra {} bản ghi, {} phiên bản, {} khoá nhóm và {entries} mục nhật ký",
            report.records_checked, report.versions_checked, report.team_keys_checked
        ),
    };
    let verdict = if report.damage.is_empty() {
        lang.pick("không có gì bị hỏng", "nothing is damaged")
    } else if report.ok {
        lang.pick("mọi hư hỏng đã được sửa", "everything damaged was repaired")
    } else {
        lang.pick("vẫn còn phần bị hỏng", "some damage remains")
    };
    println!("{checked}: {verdict}.");
}
