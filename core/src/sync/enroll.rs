//! Enrolling this device with a hub using a one-time code, and creating its
//! store with the team keys the code carried (or, for a team's first
//! supervisor, with new team keys).

use fieldbook_proto::enroll::{EnrollRequest, EnrollResponse};
use fieldbook_proto::paths;
use reqwest::Method;
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use super::pinning::CertificatePin;
use super::transport::{HubClient, RetryPolicy};
use crate::crypto::{DeviceKeyPair, PlatformKeyProvider};
use crate::enrollment::{open_bundle, EnrollmentCode};
use crate::record::{DeviceId, TeamId};
use crate::store::{CreateOptions, HubLink, Membership, Role, Store};
use crate::{Error, Result};

/// `hub_certificate` is the SHA-256 of the hub's certificate, required for an
/// `https://` hub; it is kept with the hub link and every later call trusts
/// only that certificate.
#[allow(clippy::too_many_arguments)]
pub fn enroll(
    dir: &Path,
    pin: &str,
    provider: Arc<dyn PlatformKeyProvider>,
    code: &str,
    hub_url: &str,
    hub_certificate: Option<CertificatePin>,
    label: Option<String>,
    mut options: CreateOptions,
) -> Result<Store> {
    let code = EnrollmentCode::parse(code).map_err(|e| Error::InvalidInput(e.to_string()))?;
    if crate::store::db_path(dir).exists() {
        return Err(Error::AlreadyExists {
            path: dir.to_path_buf(),
        });
    }
    let pair = DeviceKeyPair::make_random();
    let client = HubClient::new(hub_url, hub_certificate, None, RetryPolicy::default())?;
    let request = EnrollRequest {
        invite_id: code.invite_id,
        verifier: code.verifier(),
        public_key: pair.public_key().to_vec(),
        label,
    };
    let answer: EnrollResponse = client.call(
        Method::POST,
        paths::ENROLL,
        &[],
        Some(&request),
        &AtomicBool::new(false),
    )?;
    let role: Role = answer.role.parse().map_err(Error::InvalidInput)?;
    let (team, device) = (TeamId(answer.team_id), DeviceId(answer.device_id));
    options.role = role;
    options.membership = match &answer.key_bundle {
        None => Membership::Founder { team, device },
        Some(sealed) => {
            let bundle = open_bundle(&code, sealed)?;
            if bundle.team_id != answer.team_id || bundle.role != answer.role {
                return Err(Error::InvalidInput(
                    "the hub's answer does not match the code's sealed team and role".into(),
                ));
            }
            Membership::Member {
                team,
                device,
                keys: bundle.team_keys()?,
            }
        }
    };
    let mut store = Store::create(dir, pin, provider, options)?;
    store.set_device_key_pair(&pair)?;
    store.set_hub_link(&HubLink {
        url: hub_url.trim_end_matches('/').to_string(),
        token: answer.token,
        certificate_sha256: hub_certificate.map(|p| p.to_hex()),
    })?;
    Ok(store)
}
