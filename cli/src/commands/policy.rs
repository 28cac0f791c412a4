//! policy show, policy set: the team's security policy, signed by a
//! supervisor into the roster.

use fieldbook_core::store::{PolicyView, SecurityPolicy};
use fieldbook_core::sync::{self, PolicyChange};
use fieldbook_core::{Error, Lang, Result};
use std::process::ExitCode;

use super::Context;
use crate::output;

/// Each setting: its flag's key, its label in vi and en, and its value.
fn rows(policy: &SecurityPolicy) -> [(&'static str, &'static str, &'static str, u64); 7] {
    [
        (
            "auto_lock_secs",
            "tự khoá sau (giây)",
            "lock after (seconds)",
            policy.auto_lock_secs,
        ),
        (
            "max_failed_unlocks",
            "xoá sau số lần sai PIN",
            "erase after wrong PINs",
            policy.max_failed_unlocks.into(),
        ),
        (
            "free_attempts",
            "số lần sai chưa phải chờ",
            "wrong PINs before waiting",
            policy.free_attempts.into(),
        ),
        (
            "backoff_base_secs",
            "chờ ban đầu (giây)",
            "first wait (seconds)",
            policy.backoff_base_secs,
        ),
        (
            "backoff_max_secs",
            "chờ tối đa (giây)",
            "longest wait (seconds)",
            policy.backoff_max_secs,
        ),
        (
            "offline_erase_days",
            "xoá sau số ngày không kết nối",
            "erase after days offline",
            policy.offline_erase_days.into(),
        ),
        (
            "min_pin_digits",
            "số chữ số PIN tối thiểu",
            "fewest PIN digits",
            policy.min_pin_digits.into(),
        ),
    ]
}

fn print(lang: Lang, view: &PolicyView) {
    match (&view.signed, view.has_roster) {
        (Some(signed), _) => {
            let at = chrono::DateTime::from_timestamp_millis(signed.signed_at_ms)
                .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
                .unwrap_or_default();
            println!(
                "{} {} {} {}, {} {}",
                lang.pick(
                    "Chính sách của nhóm: ký bởi thiết bị",
                    "Team policy: signed by device"
                ),
                signed.signed_by,
                lang.pick("lúc", "at"),
                at,
                lang.pick("mục", "roster link"),
                signed.seq
            );
        }
        (None, true) => println!(
            "{}",
            lang.pick(
                "Chính sách của nhóm: mặc định (chưa giám sát viên nào ký chính sách)",
                "Team policy: the default (no supervisor has signed one)"
            )
        ),
        (None, false) => println!(
            "{}",
            lang.pick(
                "Thiết bị này chưa có danh sách thành viên đã ký của nhóm: nó theo chính sách của riêng mình",
                "This device holds no signed team roster: it follows its own policy"
            )
        ),
    }
    let (team_header, device_header) = (
        lang.pick("nhóm", "team"),
        lang.pick("thiết bị này", "this device"),
    );
    println!("{:<32} {:>10} {:>12}", "", team_header, device_header);
    for ((key, vi, en, team), (_, _, _, effective)) in
        rows(&view.team).into_iter().zip(rows(&view.effective))
    {
        let label = format!("{} ({key})", lang.pick(vi, en));
        println!("{label:<32} {team:>10} {effective:>12}");
    }
}

pub fn show(ctx: &Context, json: bool) -> Result<ExitCode> {
    let mut store = ctx.unlocked_store()?;
    let view = store.policy_view()?;
    if json {
        output::json(&view);
    } else {
        print(ctx.lang, &view);
    }
    Ok(ExitCode::SUCCESS)
}

pub fn set(ctx: &Context, change: &PolicyChange) -> Result<ExitCode> {
    if change.is_empty() {
        return Err(Error::InvalidInput(
            ctx.lang
                .pick(
                    "hãy cho ít nhất một giá trị, ví dụ --offline-erase-days 14",
                    "give at least one setting, e.g. --offline-erase-days 14",
                )
                .into(),
        ));
    }
    let mut store = ctx.unlocked_store()?;
    let signed = sync::set_team_policy(&mut store, change)?;
    eprintln!(
        "{} {}; {}",
        ctx.lang.pick(
            "Đã ký chính sách của nhóm, mục",
            "Signed the team policy, roster link"
        ),
        signed.seq,
        ctx.lang.pick(
            "mỗi thiết bị áp dụng ở lần đồng bộ tới",
            "every device follows it at its next sync"
        )
    );
    print(ctx.lang, &store.policy_view()?);
    Ok(ExitCode::SUCCESS)
}
