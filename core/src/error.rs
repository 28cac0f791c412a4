//! The core's one internal error type. The bindings convert it into their small
//! public error in one place; the CLI prints [`Error::message`] in the user's
//! language. No variant carries record contents, keys or PINs.

use crate::crypto::{CryptoError, PlatformKeyError};
use crate::forms::{InputError, ValidationErrors};
use crate::record::{RecordId, RecordKind, SensitivityClass};
use crate::uic::UicError;
use crate::Lang;
use fieldbook_proto::vocab::KeyClass;
use std::path::PathBuf;

/// The core's result, with [`Error`] unless another error is named.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything the core can fail with; [`Error::message`] says it in the user's language.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The store must be unlocked with the PIN first.
    #[error("the store is locked")]
    Locked,
    /// The PIN was wrong.
    #[error("wrong PIN ({attempts_left} {} left before the store is erased)", if *attempts_left == 1 { "attempt" } else { "attempts" })]
    WrongPin {
        /// How many more wrong PINs the store takes before it erases itself.
        attempts_left: u32,
    },
    /// Too many wrong PINs in a row: no attempt is accepted for a while.
    #[error("too many wrong PINs: try again in {retry_after_secs} s")]
    BackOff {
        /// Seconds until the next attempt is accepted.
        retry_after_secs: u64,
    },
    /// The store erased itself (too many wrong PINs, or a wipe order from the hub): nothing in it
    /// can be read.
    #[error("this store was erased after too many wrong PINs or by order")]
    Erased,
    /// The directory holds no Fieldbook store (or its file is not one).
    #[error("{} is not a Fieldbook store", path.display())]
    NotAStore {
        /// The store directory that was opened.
        path: PathBuf,
    },
    /// A store is being created or enrolled where one already is.
    #[error("a Fieldbook store already exists at {}", path.display())]
    AlreadyExists {
        /// The store directory that is already taken.
        path: PathBuf,
    },
    /// Stored data is missing or inconsistent; the text says what, never its contents.
    #[error("the store is damaged: {0}")]
    StoreDamaged(String),
    /// The store file's header cannot be read, so the store cannot be opened until it is repaired.
    #[error("the store at {} is damaged: its file header is unreadable (a check of the store repairs what it can)", path.display())]
    HeaderDamaged {
        /// The store directory whose file is damaged.
        path: PathBuf,
    },
    /// A team key held here cannot be opened, so nothing it seals can be read or written.
    #[error("the team key for {} (epoch {epoch}) is damaged on this device: what it sealed cannot be read or written (a check of the store says whether the hub can restore it)", class_label(*class, Lang::En))]
    KeyDamaged {
        /// What the damaged key seals or keys.
        class: KeyClass,
        /// The damaged key's generation within its class.
        epoch: u32,
    },
    /// The store was written by a newer build, with a schema this one cannot read.
    #[error("the store was written by a newer Fieldbook (schema {found}, this one reads up to {supported})")]
    SchemaTooNew {
        /// The store's schema version.
        found: u32,
        /// The newest schema version this build reads.
        supported: u32,
    },
    /// A record's fields broke its form's rules, field by field.
    #[error("invalid input: {0}")]
    Validation(ValidationErrors),
    /// A record's JSON text that cannot be read as one (before any field).
    #[error("invalid input: {0}")]
    Input(InputError),
    /// Another client already has this identifier code.
    #[error("a client with this identifier code already exists: {existing}")]
    DuplicateClient {
        /// The client record that holds the code.
        existing: RecordId,
    },
    /// No record with this id is stored here.
    #[error("no record {id}")]
    RecordNotFound {
        /// The record that was asked for.
        id: RecordId,
    },
    /// The record's stored contents fail to open: damaged or tampered with.
    #[error("record {id} cannot be read: it is corrupted or was tampered with")]
    RecordCorrupt {
        /// The record that cannot be read.
        id: RecordId,
    },
    /// A version names a record that is stored here as another kind.
    #[error("invalid input: record {id} is a {stored}, not a {given}")]
    KindMismatch {
        /// The record both kinds refer to.
        id: RecordId,
        /// The kind it is stored as.
        stored: RecordKind,
        /// The kind the version claims.
        given: RecordKind,
    },
    /// A link field names a record of the wrong kind.
    #[error("{field} must link to a {expected}, but {id} is a {found}")]
    WrongLinkKind {
        /// The form field holding the link.
        field: String,
        /// The linked record.
        id: RecordId,
        /// The kind the field must link to.
        expected: RecordKind,
        /// The kind the linked record is.
        found: RecordKind,
    },
    /// A link field names a record this store does not hold.
    #[error("{field} links to {id}, which is not in this store")]
    LinkNotFound {
        /// The form field holding the link.
        field: String,
        /// The missing record.
        id: RecordId,
    },
    /// This device's role may not write records of this kind.
    #[error("this device's role may not write {0} records")]
    NotPermitted(RecordKind),
    /// Only a supervisor's device may do this task.
    #[error("only a supervisor's device can {}", .0.en())]
    SupervisorOnly(SupervisorTask),
    /// Input from outside (a caller, a code, the hub) is malformed; the text says what is wrong.
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// A new PIN breaks the PIN rules.
    #[error("{0}")]
    WeakPin(crate::store::PinProblem),
    /// A security policy setting is out of bounds or inconsistent.
    #[error("security policy: {0}")]
    Policy(crate::store::PolicyProblem),
    /// A local security setting would be looser than the team's signed policy allows.
    #[error("{0}")]
    LooserThanTeam(crate::store::LooserThanTeam),
    /// The store erased itself because it had not reached the hub for longer than the team
    /// allows.
    #[error("this store was erased: it had not reached the office hub for {days} days")]
    OfflineTooLong {
        /// The team's limit, in days without reaching the hub.
        days: u32,
    },
    /// A client identifier code cannot be made from the given details.
    #[error("client identifier code: {0}")]
    Uic(#[from] UicError),
    /// Sealing, opening or key derivation failed (other than encoding, see [`Error::Encoding`]).
    #[error("encryption: {0}")]
    Crypto(CryptoError),
    /// A value the core wrote could not be encoded (a fault in this build,
    /// never the person's input). The detail names what, not its contents.
    #[error("a value could not be encoded for storage (a fault in this build): {0}")]
    Encoding(String),
    /// The phone's or desktop's key store failed.
    #[error("platform key: {0}")]
    Platform(#[from] PlatformKeyError),
    /// Talking to the office hub failed, or the hub refused.
    #[error("office hub: {0}")]
    Hub(#[from] crate::sync::TransportError),
    /// The team's signed roster does not allow this, or fails to verify.
    #[error("the team's signed roster refuses this: {0}")]
    Untrusted(#[from] fieldbook_trust::TrustError),
    /// This device would sign for the team but the roster does not certify it as a supervisor.
    #[error("this device is not a supervisor the team's roster lets sign (sync first, or ask another supervisor to certify it)")]
    NotCertified,
    /// A record names a form version this device has not received.
    #[error("this {kind} record was written with form version {version}, which this device has not received yet: sync, then try again")]
    FormNotKnown {
        /// The record's kind.
        kind: RecordKind,
        /// The form version the record was written with.
        version: u32,
    },
    /// A form may not replace the one in use: each problem names its field.
    #[error("this form cannot replace the one in use: {}", .0.iter().map(|p| p.message()).collect::<Vec<_>>().join("; "))]
    FormIncompatible(Vec<crate::forms::Incompatible>),
    /// The task needs the team's signed roster, and this device has none yet.
    #[error("the team has no signed roster yet: a supervisor's device signs it at its next sync")]
    NoRoster,
    /// A supervisor tried to revoke its own device.
    #[error(
        "a supervisor cannot revoke its own device: another supervisor must (hand over first)"
    )]
    CannotRevokeSelf,
    /// Revoking this device would leave the team with no supervisor.
    #[error("this is the team's last supervisor device: enroll another supervisor and let it take over before this one is revoked")]
    LastSupervisor,
    /// The disk is full; nothing already saved is lost.
    #[error("the phone's storage is full: free some space and try again (nothing already saved is lost)")]
    StorageFull,
    /// The database failed (other than a full disk).
    #[error("database: {0}")]
    Sqlite(rusqlite::Error),
    /// A file operation failed (other than a full disk).
    #[error("file system: {0}")]
    Io(std::io::Error),
}

/// Encoding failures get their own case, so no caller mistakes them for
/// bad input; every other crypto failure stays [`Error::Crypto`].
impl From<CryptoError> for Error {
    fn from(err: CryptoError) -> Self {
        match err {
            CryptoError::Encoding(detail) => Error::Encoding(detail),
            other => Error::Crypto(other),
        }
    }
}

/// A full disk is the person's to fix, not a fault: it gets its own error
/// wherever SQLite or the file system reports it.
impl From<rusqlite::Error> for Error {
    fn from(err: rusqlite::Error) -> Self {
        match err.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DiskFull) => Error::StorageFull,
            _ => Error::Sqlite(err),
        }
    }
}

impl From<std::io::Error> for Error {
    fn from(err: std::io::Error) -> Self {
        match err.kind() {
            std::io::ErrorKind::StorageFull => Error::StorageFull,
            _ => Error::Io(err),
        }
    }
}

impl Error {
    /// Whether this is the disk being full (however it was reported).
    pub fn is_storage_full(&self) -> bool {
        matches!(self, Error::StorageFull)
    }
}

/// What a team key's class seals, for people: the stored class names are
/// for programs.
pub fn class_label(class: KeyClass, lang: Lang) -> String {
    let label = match class {
        KeyClass::Sealing(SensitivityClass::Outreach) => lang.pick(
            "khách hàng, lần tiếp cận, chuyển gửi và buổi sinh hoạt nhóm",
            "clients, contacts, referrals and meetings",
        ),
        KeyClass::Sealing(SensitivityClass::CaseNotes) => {
            lang.pick("ghi chép quản lý ca", "case notes")
        }
        KeyClass::ClientCode => lang.pick("mã định danh khách hàng", "client identifier codes"),
    };
    label.to_string()
}

/// What only a supervisor's device may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SupervisorTask {
    /// Make a one-time code that enrolls a new device.
    Invite,
    /// Start a new epoch of the team keys, e.g. after a device is revoked.
    RotateKeys,
    /// Compact the team's sync log on the hub.
    Compact,
    /// Sign a new team security policy.
    SetPolicy,
    /// Sign and publish a form to the team.
    PublishForm,
}

impl SupervisorTask {
    fn en(self) -> &'static str {
        match self {
            SupervisorTask::Invite => "invite devices",
            SupervisorTask::RotateKeys => "rotate the team's keys",
            SupervisorTask::Compact => "compact the team's log",
            SupervisorTask::SetPolicy => "sign the team's security policy",
            SupervisorTask::PublishForm => "publish forms to the team",
        }
    }

    fn vi(self) -> &'static str {
        match self {
            SupervisorTask::Invite => "mời thiết bị mới",
            SupervisorTask::RotateKeys => "đổi khoá của nhóm",
            SupervisorTask::Compact => "thu gọn nhật ký đồng bộ của nhóm",
            SupervisorTask::SetPolicy => "ký chính sách bảo mật của nhóm",
            SupervisorTask::PublishForm => "gửi biểu mẫu cho nhóm",
        }
    }
}

impl From<InputError> for Error {
    fn from(error: InputError) -> Self {
        Error::Input(error)
    }
}

impl From<ValidationErrors> for Error {
    fn from(errors: ValidationErrors) -> Self {
        Error::Validation(errors)
    }
}

impl Error {
    /// The message for a person, in their language. Technical details (database
    /// and file-system errors) stay in English: they are for whoever fixes them.
    pub fn message(&self, lang: Lang) -> String {
        if lang == Lang::En {
            return self.to_string();
        }
        match self {
            Error::Locked => "Kho dữ liệu đang khoá".into(),
            Error::WrongPin { attempts_left } => format!(
                "Sai mã PIN (còn {attempts_left} lần thử trước khi dữ liệu bị xoá)"
            ),
            Error::BackOff { retry_after_secs } => format!(
                "Nhập sai mã PIN quá nhiều lần: hãy thử lại sau {retry_after_secs} giây"
            ),
            Error::Erased => {
                "Kho dữ liệu này đã bị xoá do nhập sai mã PIN quá nhiều lần hoặc theo lệnh xoá".into()
            }
            Error::NotAStore { path } => {
                format!("{} không phải là kho dữ liệu Fieldbook", path.display())
            }
            Error::AlreadyExists { path } => {
                format!("Đã có kho dữ liệu Fieldbook tại {}", path.display())
            }
            Error::StoreDamaged(detail) => format!("Kho dữ liệu bị hỏng: {detail}"),
            Error::HeaderDamaged { path } => format!(
                "Kho dữ liệu tại {} bị hỏng: phần đầu tệp không đọc được (kiểm tra kho dữ liệu sẽ sửa những gì sửa được)",
                path.display()
            ),
            Error::KeyDamaged { class, epoch } => format!(
                "Khoá nhóm dùng cho {} (thế hệ {epoch}) trên thiết bị này bị hỏng: không đọc hay ghi được những gì nó niêm phong (kiểm tra kho dữ liệu sẽ cho biết máy chủ văn phòng có khôi phục được không)",
                class_label(*class, Lang::Vi)
            ),
            Error::SchemaTooNew { found, supported } => format!(
                "Kho dữ liệu được tạo bởi phiên bản Fieldbook mới hơn (lược đồ {found}, phiên bản này đọc đến {supported})"
            ),
            Error::Validation(errors) => format!("Dữ liệu không hợp lệ: {errors}"),
            Error::Input(error) => format!("Dữ liệu không hợp lệ: {}", error.message(lang)),
            Error::DuplicateClient { existing } => {
                format!("Đã có khách hàng với mã định danh này: {existing}")
            }
            Error::RecordNotFound { id } => format!("Không tìm thấy bản ghi {id}"),
            Error::RecordCorrupt { id } => {
                format!("Không đọc được bản ghi {id}: dữ liệu bị hỏng hoặc đã bị sửa đổi")
            }
            Error::KindMismatch { id, stored, given } => {
                format!("Dữ liệu không hợp lệ: bản ghi {id} là {stored}, không phải {given}")
            }
            Error::WrongLinkKind {
                field,
                id,
                expected,
                found,
            } => format!("{field} phải liên kết tới một {expected}, nhưng {id} là {found}"),
            Error::LinkNotFound { field, id } => {
                format!("{field} liên kết tới {id}, bản ghi này không có trong kho")
            }
            Error::NotPermitted(kind) => {
                format!("Vai trò của thiết bị này không được ghi bản ghi loại {kind}")
            }
            Error::SupervisorOnly(task) => {
                format!("Chỉ thiết bị của giám sát viên mới được {}", task.vi())
            }
            Error::InvalidInput(detail) => format!("Dữ liệu không hợp lệ: {detail}"),
            Error::WeakPin(problem) => problem.vi(),
            Error::Policy(problem) => policy_problem_vi(problem),
            Error::LooserThanTeam(looser) => looser_than_team_vi(looser),
            Error::OfflineTooLong { days } => format!(
                "Kho dữ liệu này đã bị xoá: thiết bị không kết nối với máy chủ văn phòng trong {days} ngày"
            ),
            Error::Uic(e) => format!("Mã định danh khách hàng: {e}"),
            Error::Crypto(e) => format!("Lỗi mã hoá: {e}"),
            Error::Encoding(detail) => format!(
                "Không chuyển được dữ liệu sang dạng lưu trữ (lỗi của phiên bản này): {detail}"
            ),
            Error::Platform(e) => format!("Lỗi khoá thiết bị: {e}"),
            Error::Hub(e) => format!("Lỗi khi làm việc với máy chủ văn phòng: {e}"),
            Error::Untrusted(e) => {
                format!("Danh sách thành viên đã ký của nhóm không cho phép việc này: {e}")
            }
            Error::NotCertified => "Thiết bị này chưa phải là giám sát viên được danh sách thành viên của nhóm cho phép ký (hãy đồng bộ trước, hoặc nhờ giám sát viên khác xác nhận)".into(),
            Error::LastSupervisor => "Đây là thiết bị giám sát viên cuối cùng của nhóm: hãy đăng ký một thiết bị giám sát viên khác và bàn giao cho thiết bị đó trước khi thu hồi thiết bị này".into(),
            Error::CannotRevokeSelf => "Giám sát viên không thể tự thu hồi thiết bị của mình: một giám sát viên khác phải làm việc này (hãy bàn giao trước)".into(),
            Error::FormNotKnown { kind, version } => format!(
                "Hồ sơ {kind} này được ghi bằng biểu mẫu phiên bản {version}, thiết bị này chưa nhận được: hãy đồng bộ rồi thử lại"
            ),
            Error::FormIncompatible(problems) => format!(
                "Biểu mẫu này không thể thay biểu mẫu đang dùng: {}",
                problems.iter().map(|p| p.message_vi()).collect::<Vec<_>>().join("; ")
            ),
            Error::NoRoster => "Nhóm chưa có danh sách thành viên đã ký: thiết bị của giám sát viên sẽ ký ở lần đồng bộ tới".into(),
            Error::StorageFull => "Bộ nhớ của điện thoại đã đầy: hãy giải phóng bớt dung lượng rồi thử lại (dữ liệu đã lưu không bị mất)".into(),
            Error::Sqlite(e) => format!("Lỗi cơ sở dữ liệu: {e}"),
            Error::Io(e) => format!("Lỗi tệp: {e}"),
        }
    }
}

/// A setting's name for people reading Vietnamese (the key stays beside it,
/// as the CLI's flags and the JSON name it).
fn setting_vi(setting: &str) -> String {
    let name = match setting {
        "auto_lock_secs" => "thời gian tự khoá (giây)",
        "max_failed_unlocks" => "số lần nhập sai mã PIN trước khi xoá dữ liệu",
        "free_attempts" => "số lần nhập sai được phép trước khi phải chờ",
        "backoff_base_secs" => "thời gian chờ ban đầu (giây)",
        "backoff_max_secs" => "thời gian chờ tối đa (giây)",
        "offline_erase_days" => "số ngày không kết nối trước khi xoá dữ liệu",
        "min_pin_digits" => "số chữ số tối thiểu của mã PIN",
        other => return other.to_string(),
    };
    format!("{name} ({setting})")
}

fn policy_problem_vi(problem: &crate::store::PolicyProblem) -> String {
    use crate::store::PolicyProblem;
    match problem {
        PolicyProblem::OutOfRange {
            setting,
            min,
            max,
            value,
        } => format!(
            "Chính sách bảo mật: {} phải từ {min} đến {max} (đã nhập {value})",
            setting_vi(setting)
        ),
        PolicyProblem::FreeAttemptsAboveMax => {
            "Chính sách bảo mật: số lần nhập sai được phép trước khi phải chờ không được lớn hơn số lần nhập sai trước khi xoá dữ liệu".into()
        }
        PolicyProblem::BackoffMaxBelowBase => {
            "Chính sách bảo mật: thời gian chờ tối đa phải ít nhất bằng thời gian chờ ban đầu"
                .into()
        }
    }
}

fn looser_than_team_vi(looser: &crate::store::LooserThanTeam) -> String {
    let direction = match looser.stricter {
        fieldbook_trust::Stricter::Lower => "thấp hơn hoặc bằng",
        fieldbook_trust::Stricter::Higher => "cao hơn hoặc bằng",
    };
    format!(
        "Chính sách đã ký của nhóm đặt {} là {}: thiết bị này chỉ được đặt chặt hơn ({direction} {}), không được đặt {}",
        setting_vi(looser.setting),
        looser.team,
        looser.team,
        looser.asked
    )
}
