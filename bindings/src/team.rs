//! A device's team on the hub: enrolling with a one-time code, and a
//! supervisor's invites, device list and revocations.

use std::path::PathBuf;
use std::sync::Arc;

use fieldbook_core::record::DeviceId;
use fieldbook_core::store::CreateOptions;
use fieldbook_core::sync::{self, CertificatePin};

use crate::error::FieldbookError;
use crate::key_store::PlatformKeyStore;
use crate::store::{provider, FieldbookStore};
use crate::types::{DeviceStatus, Language, Role};

type Result<T, E = FieldbookError> = std::result::Result<T, E>;

/// A one-time code for a new device, and what that device needs to reach the hub.
#[derive(Clone, PartialEq, Eq, uniffi::Record)]
pub struct Invitation {
    /// A secret until used: show it once, never log it.
    pub code: String,
    /// The role the new device will have.
    pub role: Role,
    /// RFC 3339.
    pub expires_at: String,
    /// The hub's address to enroll with.
    pub hub_url: String,
    /// The hub certificate's SHA-256 the new device must pin, for an `https` hub.
    pub hub_certificate_sha256: Option<String>,
}

impl std::fmt::Debug for Invitation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Invitation({:?}, code …)", self.role)
    }
}

/// One device of the team: as the hub lists it, and whether the team's
/// signed roster certifies it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TeamDevice {
    /// The device's id.
    pub device_id: String,
    /// Its role.
    pub role: Role,
    /// The name it gave itself when it enrolled, if any.
    pub label: Option<String>,
    /// The roster's word for a verified device.
    pub status: DeviceStatus,
    /// When it enrolled (RFC 3339).
    pub enrolled_at: String,
    /// When it last reached the hub (RFC 3339); `None` if never since enrolling.
    pub last_seen_at: Option<String>,
    /// False for a device the hub lists but the signed roster does not
    /// certify as it is: it gets no keys; show it as unverified.
    pub verified: bool,
}

#[uniffi::export]
impl FieldbookStore {
    /// Enrolls this device with a one-time code and creates its store,
    /// unlocked, with the team keys the code carried (a team's first
    /// supervisor makes them). An `https` hub needs its certificate's SHA-256,
    /// and every later call trusts only that certificate.
    #[uniffi::constructor]
    #[allow(clippy::too_many_arguments)]
    pub fn enroll(
        data_dir: String,
        pin: String,
        code: String,
        hub_url: String,
        hub_certificate_sha256: Option<String>,
        label: Option<String>,
        key_store: Arc<dyn PlatformKeyStore>,
        language: Language,
    ) -> Result<Arc<Self>> {
        let lang = language.into();
        let pin_of_hub = hub_certificate_sha256
            .as_deref()
            .map(CertificatePin::parse)
            .transpose()
            .map_err(|e| FieldbookError::invalid(format!("hub certificate fingerprint: {e}")))?;
        let store = sync::enroll(
            &PathBuf::from(data_dir),
            &pin,
            provider(key_store),
            &code,
            &hub_url,
            pin_of_hub,
            label,
            CreateOptions::default(),
        )
        .map_err(|e| FieldbookError::from_core(e, lang))?;
        Ok(FieldbookStore::wrap(store, language))
    }

    /// A one-time code for a new device in `role`, valid for `days` (1 to 30),
    /// registered on the hub (supervisors only).
    pub fn invite(&self, role: Role, days: u32) -> Result<Invitation> {
        self.with(|s| sync::invite(s, role, i64::from(days)))
            .map(|invite| Invitation {
                code: invite.code,
                role: invite.role,
                expires_at: invite.expires_at.to_rfc3339(),
                hub_url: invite.hub_url,
                hub_certificate_sha256: invite.hub_certificate_sha256,
            })
    }

    /// The team's fingerprint as this device verified it (hex in groups of
    /// four), for people to compare in person; `None` before the team signed
    /// its roster.
    pub fn team_fingerprint(&self) -> Result<Option<String>> {
        self.with(|s| Ok(s.roster()?.map(|r| r.fingerprint().to_string())))
    }

    /// The team's devices (supervisors only).
    pub fn devices(&self) -> Result<Vec<TeamDevice>> {
        self.with(sync::list_devices).map(|devices| {
            devices
                .into_iter()
                .map(|d| TeamDevice {
                    device_id: d.info.device_id.to_string(),
                    role: d.info.role,
                    label: d.info.label,
                    status: d.info.status,
                    enrolled_at: d.info.created_at.to_rfc3339(),
                    last_seen_at: d.info.last_seen_at.map(|t| t.to_rfc3339()),
                    verified: d.verified,
                })
                .collect()
        })
    }

    /// Revokes a device: the hub refuses it and orders it erased at its next
    /// contact, and the team moves to a new key epoch it never gets.
    /// Returns the new epoch (supervisors only).
    pub fn revoke_device(&self, device_id: String) -> Result<u32> {
        let device: DeviceId = device_id
            .parse()
            .map_err(|_| FieldbookError::invalid(format!("'{device_id}' is not a device id")))?;
        self.with(|s| sync::revoke_device(s, device))
    }
}
