//! `fieldbook`: the desktop shell over Fieldbook's core, for office use,
//! scripting and end-to-end tests.
//!
//! Errors exit non-zero with one line on standard error, in the language
//! chosen with `--lang`. Exit codes: 1 any other error, 2 bad usage,
//! 3 invalid input (field-level errors listed), 4 PIN refused or store erased,
//! 5 duplicate client, 6 some records could not be read (or, for `check`,
//! some stored data is left damaged; a check whose only finding is a
//! damaged audit trail exits 1, as `audit verify` does), 7 the disk is full.

mod args;
mod commands;
mod export;
mod input;
mod output;
mod pin;

use clap::Parser;
use fieldbook_core::Error;
use std::process::ExitCode;

use args::Cli;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let lang = cli.lang();
    match commands::run(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("{}: {}", lang.pick("lỗi", "error"), err.message(lang));
            ExitCode::from(exit_code(&err))
        }
    }
}

fn exit_code(err: &Error) -> u8 {
    match err {
        Error::Validation(_)
        | Error::Input(_)
        | Error::InvalidInput(_)
        | Error::WeakPin(_)
        | Error::Policy(_)
        | Error::LooserThanTeam(_)
        | Error::LinkNotFound { .. }
        | Error::WrongLinkKind { .. }
        | Error::KindMismatch { .. }
        | Error::FormIncompatible(_)
        | Error::Uic(_) => 3,
        Error::WrongPin { .. }
        | Error::BackOff { .. }
        | Error::Erased
        | Error::OfflineTooLong { .. }
        | Error::Locked => 4,
        Error::DuplicateClient { .. } => 5,
        Error::RecordCorrupt { .. } | Error::KeyDamaged { .. } | Error::HeaderDamaged { .. } => 6,
        Error::StorageFull => 7,
        // Named one by one, so a new error is given its code here on purpose.
        Error::NotAStore { .. }
        | Error::AlreadyExists { .. }
        | Error::StoreDamaged(_)
        | Error::SchemaTooNew { .. }
        | Error::RecordNotFound { .. }
        | Error::FormNotKnown { .. }
        | Error::NotPermitted(_)
        | Error::SupervisorOnly(_)
        | Error::Crypto(_)
        | Error::Platform(_)
        | Error::Hub(_)
        | Error::Untrusted(_)
        | Error::NotCertified
        | Error::NoRoster
        | Error::CannotRevokeSelf
        | Error::LastSupervisor
        | Error::Sqlite(_)
        | Error::Io(_)
        | Error::Encoding(_) => 1,
    }
}
