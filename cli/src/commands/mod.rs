//! One function per command; `run` opens the store and dispatches.

mod check;
mod forms;
mod hub;
mod policy;
mod queries;
mod records;
mod report;

use fieldbook_core::crypto::SoftwareKeyProvider;
use fieldbook_core::store::{CreateOptions, OpenOptions, Role, SecurityPolicy, Store};
use fieldbook_core::{Error, Lang, RecordKind, Result};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use crate::args::{AuditCommand, Cli, Command, DevicesCommand, FormsCommand, PolicyCommand};
use crate::output;
use crate::pin::read_pin;

pub struct Context {
    pub lang: Lang,
    data: Option<PathBuf>,
    platform_key_dir: Option<PathBuf>,
}

impl Context {
    pub fn data_dir(&self) -> Result<PathBuf> {
        self.data.clone().ok_or_else(|| {
            Error::InvalidInput(
                self.lang
                    .pick("thiếu --data DIR", "--data DIR is required")
                    .into(),
            )
        })
    }

    pub fn provider(&self) -> Result<Arc<SoftwareKeyProvider>> {
        let dir = match &self.platform_key_dir {
            Some(dir) => dir.clone(),
            None => self.data_dir()?,
        };
        Ok(Arc::new(SoftwareKeyProvider::new(dir)))
    }

    /// Whether --data was given.
    pub fn has_data(&self) -> bool {
        self.data.is_some()
    }

    /// Opens the store and unlocks it with the PIN.
    pub fn unlocked_store(&self) -> Result<Store> {
        let dir = self.data_dir()?;
        let mut store = Store::open(&dir, self.provider()?, OpenOptions::default())?;
        let pin = read_pin(self.lang, false)?;
        store.unlock(&pin)?;
        Ok(store)
    }
}

pub fn parse_kind(lang: Lang, kind: &str) -> Result<RecordKind> {
    kind.parse().map_err(|_| {
        Error::InvalidInput(format!(
            "{} '{kind}' ({})",
            lang.pick("loại bản ghi không hợp lệ", "unknown record kind"),
            lang.pick(
                "dùng client, contact, case-note, referral hoặc meeting",
                "use client, contact, case-note, referral or meeting"
            )
        ))
    })
}

pub fn run(cli: Cli) -> Result<ExitCode> {
    let ctx = Context {
        lang: cli.lang(),
        data: cli.data,
        platform_key_dir: cli.platform_key_dir,
    };
    match cli.command {
        Command::Init {
            role,
            auto_lock_secs,
            max_failed_unlocks,
        } => init(&ctx, &role, auto_lock_secs, max_failed_unlocks),
        Command::Add {
            kind,
            json,
            allow_duplicate,
        } => records::add(&ctx, &kind, &json, allow_duplicate),
        Command::Update { id, json } => records::update(&ctx, &id, &json),
        Command::Delete { id } => records::delete(&ctx, &id),
        Command::Show { id, json } => records::show(&ctx, &id, json),
        Command::List { kind, json } => records::list(&ctx, &kind, json),
        Command::History { id, json } => records::history(&ctx, &id, json),
        Command::Search { text, area, json } => queries::search(&ctx, text, area, json),
        Command::Timeline { client_id, json } => queries::timeline(&ctx, &client_id, json),
        Command::Due { date, json } => queries::due(&ctx, date.as_deref(), json),
        Command::Referrals { status, json } => queries::referrals(&ctx, status.as_deref(), json),
        Command::Report {
            from,
            to,
            worker,
            json,
            csv,
            xlsx,
            chart,
        } => report::report(
            &ctx,
            &report::ReportArgs {
                from,
                to,
                worker,
                json,
                csv,
                xlsx,
                chart,
            },
        ),
        Command::Overdue { date, json } => report::overdue(&ctx, date.as_deref(), json),
        Command::Forms {
            command: None,
            kind,
            json,
        } => forms::forms(&ctx, kind.as_deref(), json),
        Command::Forms {
            command: Some(FormsCommand::List { json }),
            ..
        } => forms::list(&ctx, json),
        Command::Forms {
            command:
                Some(FormsCommand::Export {
                    kind,
                    xlsx,
                    version,
                }),
            ..
        } => forms::export(&ctx, &kind, &xlsx, version),
        Command::Forms {
            command: Some(FormsCommand::Import { file, check }),
            ..
        } => forms::import(&ctx, &file, check),
        Command::Enroll {
            code,
            hub,
            hub_cert_sha256,
            label,
        } => hub::enroll(&ctx, &code, &hub, hub_cert_sha256.as_deref(), label),
        Command::Invite { role, days } => hub::invite(&ctx, &role, days),
        Command::Sync { json, page_size } => hub::sync_now(&ctx, json, page_size),
        Command::Compact { min_versions, json } => hub::compact(&ctx, min_versions as usize, json),
        Command::Team { json } => hub::team(&ctx, json),
        Command::Devices {
            command: DevicesCommand::List { json },
        } => hub::devices_list(&ctx, json),
        Command::Devices {
            command: DevicesCommand::Revoke { id },
        } => hub::devices_revoke(&ctx, &id),
        Command::Check { no_repair, json } => check::check(&ctx, no_repair, json),
        Command::Policy {
            command: PolicyCommand::Show { json },
        } => policy::show(&ctx, json),
        Command::Policy {
            command:
                PolicyCommand::Set {
                    auto_lock_secs,
                    max_failed_unlocks,
                    free_attempts,
                    backoff_base_secs,
                    backoff_max_secs,
                    offline_erase_days,
                    min_pin_digits,
                },
        } => policy::set(
            &ctx,
            &fieldbook_core::sync::PolicyChange {
                auto_lock_secs,
                max_failed_unlocks,
                free_attempts,
                backoff_base_secs,
                backoff_max_secs,
                offline_erase_days,
                min_pin_digits,
            },
        ),
        Command::Audit {
            command: AuditCommand::Verify { json },
        } => audit_verify(&ctx, json),
    }
}

fn init(
    ctx: &Context,
    role: &str,
    auto_lock_secs: Option<u64>,
    max_failed_unlocks: Option<u32>,
) -> Result<ExitCode> {
    let role: Role = role.parse().map_err(Error::InvalidInput)?;
    let mut policy = SecurityPolicy::default();
    if let Some(secs) = auto_lock_secs {
        policy.auto_lock_secs = secs;
    }
    if let Some(max) = max_failed_unlocks {
        policy.max_failed_unlocks = max;
    }
    let dir = ctx.data_dir()?;
    let pin = read_pin(ctx.lang, true)?;
    let store = Store::create(
        &dir,
        &pin,
        ctx.provider()?,
        CreateOptions {
            role,
            policy,
            ..Default::default()
        },
    )?;
    eprintln!(
        "{} {} ({})",
        ctx.lang
            .pick("Đã tạo kho dữ liệu tại", "Created a store at"),
        dir.display(),
        role
    );
    println!("{}", store.device_id());
    Ok(ExitCode::SUCCESS)
}

fn audit_verify(ctx: &Context, json: bool) -> Result<ExitCode> {
    let mut store = ctx.unlocked_store()?;
    let report = store.verify_audit()?;
    if json {
        output::json(&report);
    } else if report.ok {
        println!(
            "{} ({} {})",
            ctx.lang
                .pick("Nhật ký kiểm tra nguyên vẹn", "Audit trail intact"),
            report.entries,
            ctx.lang.pick("mục", "entries")
        );
        if report.late > 0 {
            println!(
                "{}",
                ctx.lang.pick(
                    &format!("{} mục được ghi muộn (bộ nhớ đầy hoặc ứng dụng bị dừng), đã đánh dấu trong nhật ký", report.late),
                    &format!("{} entries were written late (storage was full or the app was stopped), marked in the trail", report.late),
                )
            );
        }
    }
    if report.ok {
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!(
            "{}: {} (#{})",
            ctx.lang.pick("lỗi", "error"),
            ctx.lang.pick(
                "nhật ký kiểm tra đã bị sửa đổi",
                "the audit trail was tampered with"
            ),
            report.first_bad_seq.unwrap_or_default()
        );
        Ok(ExitCode::from(1))
    }
}
