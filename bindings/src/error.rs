//! The small public error of the bindings, converted from the core's internal
//! error in this one place. Each variant carries what an app needs to react
//! (attempts left, the fields at fault) and a message for the person in the
//! store's language; none carries record contents, keys or PINs.

use fieldbook_core::forms::FieldError;
use fieldbook_core::{Error, Lang};

/// Every failure an app sees, each with a `detail` message for the person.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum FieldbookError {
    /// The store is locked (by the person, or by auto-lock): ask for the PIN.
    #[error("{detail}")]
    Locked {
        /// For the person, in the store's language.
        detail: String,
    },
    /// The PIN is wrong; the store erases itself after `attempts_left` more wrong PINs.
    #[error("{detail}")]
    WrongPin {
        /// Wrong PINs left before the store erases itself.
        attempts_left: u32,
        /// For the person, in the store's language.
        detail: String,
    },
    /// Too many wrong PINs: the next try must wait.
    #[error("{detail}")]
    TryLater {
        /// Seconds to wait before the next PIN attempt.
        retry_after_secs: u64,
        /// For the person, in the store's language.
        detail: String,
    },
    /// The store was crypto-erased (too many wrong PINs, a wipe order, too
    /// long away from the hub): its data is gone for good.
    #[error("{detail}")]
    Erased {
        /// For the person, in the store's language.
        detail: String,
    },
    /// No store in this directory.
    #[error("{detail}")]
    NoStore {
        /// For the person, in the store's language.
        detail: String,
    },
    /// A store already exists where a new one was asked for.
    #[error("{detail}")]
    StoreExists {
        /// For the person, in the store's language.
        detail: String,
    },
    /// Input the forms refused, field by field.
    #[error("{detail}")]
    Invalid {
        /// Each field at fault; empty when the input as a whole was refused.
        fields: Vec<FieldIssue>,
        /// For the person, in the store's language.
        detail: String,
    },
    /// A client with the same identifier code exists (add again with `allow_duplicate`).
    #[error("{detail}")]
    DuplicateClient {
        /// The client already recorded with that code.
        existing_id: String,
        /// For the person, in the store's language.
        detail: String,
    },
    /// The record, device or invite named does not exist.
    #[error("{detail}")]
    NotFound {
        /// For the person, in the store's language.
        detail: String,
    },
    /// A record, or the store, cannot be read: damaged or tampered with.
    #[error("{detail}")]
    Damaged {
        /// For the person, in the store's language.
        detail: String,
    },
    /// This device's role may not do this.
    #[error("{detail}")]
    NotPermitted {
        /// For the person, in the store's language.
        detail: String,
    },
    /// The team keeps a supervisor: a device is not revoked by itself;
    /// another supervisor takes over, then revokes it. `last_supervisor`:
    /// no other supervisor can sign yet, so one must be enrolled first.
    #[error("{detail}")]
    HandOverFirst {
        /// No other supervisor can sign yet: one must be enrolled first.
        last_supervisor: bool,
        /// For the person, in the store's language.
        detail: String,
    },
    /// The office hub could not be reached or refused.
    #[error("{detail}")]
    Hub {
        /// For the person, in the store's language.
        detail: String,
    },
    /// What the hub sent does not verify against the team's signed roster
    /// (a breached hub, or a code for another team): nothing was changed.
    #[error("{detail}")]
    Untrusted {
        /// For the person, in the store's language.
        detail: String,
    },
    /// The platform key store (Keystore, Keychain) failed.
    #[error("{detail}")]
    KeyStore {
        /// For the person, in the store's language.
        detail: String,
    },
    /// The phone's storage is full: nothing was written; reading still works.
    #[error("{detail}")]
    StorageFull {
        /// For the person, in the store's language.
        detail: String,
    },
    /// Anything else (database, file system): for whoever fixes it.
    #[error("{detail}")]
    Internal {
        /// For the person, in the store's language.
        detail: String,
    },
}

/// One field's problem, as the form renderer shows it under the field.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct FieldIssue {
    /// The field's key in the form.
    pub field: String,
    /// A stable code for programs: `required`, `too_large`, `invalid_choice`…
    pub code: String,
    /// For the person, in the requested language, naming the field by its label.
    pub message: String,
}

impl From<&FieldError> for FieldIssue {
    fn from(e: &FieldError) -> Self {
        FieldIssue {
            field: e.field.clone(),
            code: e.code.as_str().to_string(),
            message: e.message.clone(),
        }
    }
}

impl FieldbookError {
    /// The one conversion from the core's error.
    pub fn from_core(error: Error, lang: Lang) -> Self {
        let detail = error.message(lang);
        match error {
            Error::Locked => FieldbookError::Locked { detail },
            Error::WrongPin { attempts_left } => FieldbookError::WrongPin {
                attempts_left,
                detail,
            },
            Error::BackOff { retry_after_secs } => FieldbookError::TryLater {
                retry_after_secs,
                detail,
            },
            Error::Erased | Error::OfflineTooLong { .. } => FieldbookError::Erased { detail },
            Error::NotAStore { .. } => FieldbookError::NoStore { detail },
            Error::AlreadyExists { .. } => FieldbookError::StoreExists { detail },
            Error::Validation(errors) => FieldbookError::Invalid {
                fields: errors.0.iter().map(FieldIssue::from).collect(),
                detail,
            },
            Error::InvalidInput(_)
            | Error::Input(_)
            | Error::WeakPin(_)
            | Error::Policy(_)
            | Error::LooserThanTeam(_)
            | Error::Uic(_)
            | Error::WrongLinkKind { .. }
            | Error::KindMismatch { .. }
            | Error::LinkNotFound { .. }
            | Error::FormIncompatible(_) => FieldbookError::Invalid {
                fields: Vec::new(),
                detail,
            },
            Error::DuplicateClient { existing } => FieldbookError::DuplicateClient {
                existing_id: existing.to_string(),
                detail,
            },
            Error::RecordNotFound { .. } | Error::FormNotKnown { .. } => {
                FieldbookError::NotFound { detail }
            }
            Error::RecordCorrupt { .. }
            | Error::KeyDamaged { .. }
            | Error::HeaderDamaged { .. }
            | Error::StoreDamaged(_)
            | Error::SchemaTooNew { .. }
            | Error::Crypto(_) => FieldbookError::Damaged { detail },
            Error::NotPermitted(_)
            | Error::SupervisorOnly(_)
            | Error::NotCertified
            | Error::NoRoster => FieldbookError::NotPermitted { detail },
            Error::CannotRevokeSelf => FieldbookError::HandOverFirst {
                last_supervisor: false,
                detail,
            },
            Error::LastSupervisor => FieldbookError::HandOverFirst {
                last_supervisor: true,
                detail,
            },
            Error::Hub(_) => FieldbookError::Hub { detail },
            Error::Untrusted(_) => FieldbookError::Untrusted { detail },
            Error::Platform(_) => FieldbookError::KeyStore { detail },
            Error::StorageFull => FieldbookError::StorageFull { detail },
            Error::Sqlite(_) | Error::Io(_) | Error::Encoding(_) => {
                FieldbookError::Internal { detail }
            }
        }
    }

    /// Input the bindings themselves refuse (a malformed id or date).
    pub(crate) fn invalid(detail: String) -> Self {
        FieldbookError::Invalid {
            fields: Vec::new(),
            detail,
        }
    }
}
