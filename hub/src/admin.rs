//! Admin operations shared by the `fieldbook-hub` commands and by tools that
//! run a hub in-process (the sync benchmark, the TLS tests).

use chrono::{DateTime, Utc};
use fieldbook_trust::enrollment_code::EnrollmentCode;

use crate::storage::{now, HubStorage, Invite, Result, Role, StorageError, Team};

/// How long a new team's first supervisor code stays valid.
pub const FOUNDER_CODE_DAYS: i64 = 7;

/// A new team and the one-time code of its first supervisor device.
pub struct NewTeam {
    /// The team as stored.
    pub team: Team,
    /// Only its verifier's hash is on the hub; the code itself is shown once.
    pub code: EnrollmentCode,
    /// When the code stops working ([`FOUNDER_CODE_DAYS`] from now).
    pub expires_at: DateTime<Utc>,
}

/// Creates a team and its first supervisor's enrollment code. That device
/// makes the team keys itself, so the invite carries no key bundle.
pub async fn create_team(storage: &dyn HubStorage, name: &str) -> Result<NewTeam> {
    let team = storage.create_team(name).await?;
    let code = EnrollmentCode::make_random(None);
    let verifier_hash: [u8; 32] = code
        .verifier_hash()
        .try_into()
        .map_err(|_| StorageError::InvalidInput("verifier hash is not 32 bytes".into()))?;
    let created_at = now();
    let expires_at = created_at + chrono::Duration::days(FOUNDER_CODE_DAYS);
    storage
        .create_invite(&Invite {
            id: code.invite_id,
            team_id: team.id,
            role: Role::Supervisor,
            verifier_hash,
            key_bundle: None,
            created_by: None,
            created_at,
            expires_at,
            used_at: None,
        })
        .await?;
    Ok(NewTeam {
        team,
        code,
        expires_at,
    })
}
