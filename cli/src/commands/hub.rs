//! enroll, invite, sync, devices: the commands that talk to the office hub.

use fieldbook_core::record::DeviceId;
use fieldbook_core::store::{CreateOptions, Role};
use fieldbook_core::sync::{self, CertificatePin, SyncOptions};
use fieldbook_core::{Error, Result};
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;

use super::Context;
use crate::output;
use crate::pin::read_pin;

pub fn enroll(
    ctx: &Context,
    code: &str,
    hub: &str,
    hub_cert_sha256: Option<&str>,
    label: Option<String>,
) -> Result<ExitCode> {
    let hub_certificate = hub_cert_sha256
        .map(CertificatePin::parse)
        .transpose()
        .map_err(|e| Error::InvalidInput(format!("--hub-cert-sha256: {e}")))?;
    let dir = ctx.data_dir()?;
    let pin = read_pin(ctx.lang, true)?;
    let store = sync::enroll(
        &dir,
        &pin,
        ctx.provider()?,
        code,
        hub,
        hub_certificate,
        label,
        CreateOptions::default(),
    )?;
    let (team, device, role) = store.identity();
    eprintln!(
        "{} {team} ({role})",
        ctx.lang.pick(
            "Đã đăng ký thiết bị vào nhóm",
            "Enrolled this device in team"
        )
    );
    println!("{device}");
    Ok(ExitCode::SUCCESS)
}

pub fn invite(ctx: &Context, role: &str, days: i64) -> Result<ExitCode> {
    let role: Role = role.parse().map_err(Error::InvalidInput)?;
    let mut store = ctx.unlocked_store()?;
    let invite = sync::invite(&mut store, role, days)?;
    eprintln!(
        "{} {role}; {}",
        ctx.lang.pick(
            "Mã đăng ký một lần cho vai trò",
            "One-time enrollment code for role"
        ),
        ctx.lang.pick(
            "đưa mã này cho người dùng mới",
            "give it to the new device's user"
        )
    );
    // The new device needs the hub's address and certificate pin too.
    let pin = invite
        .hub_certificate_sha256
        .as_deref()
        .map(|hex| format!(" --hub-cert-sha256 {hex}"))
        .unwrap_or_default();
    eprintln!(
        "{}: fieldbook enroll CODE --hub {}{pin}",
        ctx.lang
            .pick("Thiết bị mới đăng ký bằng", "The new device enrolls with"),
        invite.hub_url
    );
    println!("{}", invite.code);
    Ok(ExitCode::SUCCESS)
}

pub fn sync_now(ctx: &Context, json: bool, page_size: Option<u32>) -> Result<ExitCode> {
    let mut store = ctx.unlocked_store()?;
    let defaults = SyncOptions::default();
    let options = SyncOptions {
        pull_limit: page_size.unwrap_or(defaults.pull_limit),
        ..defaults
    };
    let summary = sync::sync(&mut store, &options, None, &AtomicBool::new(false))?;
    if json {
        output::json(&summary);
    } else {
        println!(
            "pushed {}  pulled {}  merged {}  conflicts {}  rejected {}  errors {}",
            summary.pushed,
            summary.pulled,
            summary.merged,
            summary.conflicts,
            summary.rejected.len(),
            summary.errors.len()
        );
    }
    for error in &summary.errors {
        eprintln!("{}: {error}", ctx.lang.pick("lỗi", "error"));
    }
    Ok(if summary.ok {
        ExitCode::SUCCESS
    } else if summary.storage_full {
        ExitCode::from(7)
    } else {
        ExitCode::from(1)
    })
}

pub fn compact(ctx: &Context, min_versions: usize, json: bool) -> Result<ExitCode> {
    let mut store = ctx.unlocked_store()?;
    let options = sync::CompactOptions {
        min_versions,
        ..Default::default()
    };
    let summary = sync::compact(&mut store, &options, &AtomicBool::new(false))?;
    if json {
        output::json(&summary);
    } else {
        println!(
            "merged versions {}  pushed {}  dropped {}  errors {}",
            summary.merged_versions,
            summary.pushed,
            summary.dropped,
            summary.errors.len() + summary.sync.errors.len()
        );
    }
    for error in summary.sync.errors.iter().chain(&summary.errors) {
        eprintln!("{}: {error}", ctx.lang.pick("lỗi", "error"));
    }
    Ok(if summary.ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

pub fn devices_list(ctx: &Context, json: bool) -> Result<ExitCode> {
    let mut store = ctx.unlocked_store()?;
    let devices = sync::list_devices(&mut store)?;
    if json {
        output::json(&devices);
    } else {
        let unverified = ctx.lang.pick("CHƯA XÁC THỰC", "UNVERIFIED");
        for d in &devices {
            println!(
                "{}  {}  {}  {}{}",
                d.info.device_id,
                d.info.role,
                d.info.status,
                d.info.label.as_deref().unwrap_or("-"),
                if d.verified {
                    String::new()
                } else {
                    format!("  {unverified}")
                }
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The team as this device verified it.
pub fn team(ctx: &Context, json: bool) -> Result<ExitCode> {
    let mut store = ctx.unlocked_store()?;
    let (team, device, role) = store.identity();
    let roster = store.roster()?;
    let fingerprint = roster.as_ref().map(|r| r.fingerprint().to_string());
    let members: Vec<serde_json::Value> = roster
        .iter()
        .flat_map(|r| r.members())
        .map(|m| {
            serde_json::json!({
                "device_id": m.member.device,
                "role": m.member.role,
                "label": m.member.label,
                "status": if m.is_active() { "active" } else { "revoked" },
                "signs": roster.as_ref().is_some_and(|r| r.may_sign(m.member.device)),
            })
        })
        .collect();
    let summary = serde_json::json!({
        "team_id": team,
        "device_id": device,
        "role": role,
        "fingerprint": fingerprint,
        "roster_head": roster.as_ref().map(|r| r.head_seq()),
        "key_epoch": roster.as_ref().map(|r| r.current_epoch()),
        "members": members,
    });
    if json {
        output::json(&summary);
        return Ok(ExitCode::SUCCESS);
    }
    let Some(roster) = roster else {
        println!("{team}");
        eprintln!(
            "{}",
            ctx.lang.pick(
                "Nhóm chưa có danh sách thành viên đã ký: thiết bị của giám sát viên sẽ ký ở lần đồng bộ tới",
                "The team has no signed roster yet: a supervisor's device signs it at its next sync"
            )
        );
        return Ok(ExitCode::SUCCESS);
    };
    println!(
        "{}: {team}\n{}: {}\n{}: {}  {}: {}",
        ctx.lang.pick("nhóm", "team"),
        ctx.lang.pick("dấu vân tay", "fingerprint"),
        roster.fingerprint(),
        ctx.lang
            .pick("danh sách đã ký, mục", "signed roster, links"),
        roster.head_seq(),
        ctx.lang.pick("thế hệ khoá", "key epoch"),
        roster.current_epoch()
    );
    for m in roster.members() {
        let status = if m.is_active() { "active" } else { "revoked" };
        let me = if m.member.device == device.0 {
            "  *"
        } else {
            ""
        };
        println!(
            "{}  {}  {}  {}{me}",
            m.member.device,
            m.member.role,
            status,
            m.member.label.as_deref().unwrap_or("-")
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Revokes a device, then moves the team to a new key epoch that only the
/// remaining devices receive.
pub fn devices_revoke(ctx: &Context, id: &str) -> Result<ExitCode> {
    let id: DeviceId = id
        .parse()
        .map_err(|_| Error::InvalidInput(format!("'{id}' is not a device id")))?;
    let mut store = ctx.unlocked_store()?;
    let epoch = sync::revoke_device(&mut store, id)?;
    eprintln!(
        "{} {id}; {} {epoch}",
        ctx.lang.pick("Đã thu hồi thiết bị", "Revoked device"),
        ctx.lang
            .pick("khoá mới của nhóm, thế hệ", "new team keys, epoch"),
    );
    Ok(ExitCode::SUCCESS)
}
