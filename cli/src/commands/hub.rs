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
        for d in &devices {
            println!(
                "{}  {}  {}  {}",
                d.device_id,
                d.role,
                d.status,
                d.label.as_deref().unwrap_or("-")
            );
        }
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
