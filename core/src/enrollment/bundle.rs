//! The team keys an enrollment code carries, sealed under the code's bundle key.

use fieldbook_proto::vocab::Role;
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use zeroize::{Zeroize, ZeroizeOnDrop};

use super::EnrollmentCode;
use crate::crypto::{open_json, seal_json, CryptoError, Domain, Padding, SecretKey, TeamKey};
use crate::{Error, Result};

/// What a new device learns from its code: its team, the keys its role
/// holds, and the roster's head when the code was made.
#[derive(Serialize, Deserialize, Zeroize, ZeroizeOnDrop)]
pub struct KeyBundle {
    /// The hub's id of the team the device joins.
    #[zeroize(skip)]
    pub team_id: Uuid,
    /// The role the device is enrolled in: it must be the role the hub's
    /// invite names.
    #[zeroize(skip)]
    pub role: Role,
    keys: Vec<BundledKey>,
    /// The roster link the inviting supervisor had verified last: the new
    /// device must find it in the roster it is shown, so a chain that forked
    /// off before it (a stolen root's, say) is refused. Absent in bundles
    /// made before signed rosters.
    #[zeroize(skip)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roster_head: Option<RosterAnchor>,
}

/// One link of a roster, by place and hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterAnchor {
    /// The link's place in the roster chain.
    pub seq: u64,
    /// The link's hash, which the next link chains to.
    pub hash: [u8; 32],
}

#[derive(Serialize, Deserialize, Zeroize, ZeroizeOnDrop)]
struct BundledKey {
    class: String,
    epoch: u32,
    key: Vec<u8>,
}

impl KeyBundle {
    /// A bundle holding `keys` (the ones `role` may hold), for a device joining `team_id`.
    pub fn new(
        team_id: Uuid,
        role: Role,
        keys: &[TeamKey],
        roster_head: Option<RosterAnchor>,
    ) -> Self {
        KeyBundle {
            team_id,
            role,
            roster_head,
            keys: keys
                .iter()
                .map(|k| BundledKey {
                    class: k.class.as_str().to_string(),
                    epoch: k.epoch,
                    key: k.key.expose().to_vec(),
                })
                .collect(),
        }
    }

    /// The bundled keys; a class a newer build introduced is left out, as
    /// the store leaves it out.
    pub fn team_keys(&self) -> Result<Vec<TeamKey>> {
        self.keys
            .iter()
            .filter_map(|k| Some((k.class.parse().ok()?, k)))
            .map(|(class, k)| {
                Ok(TeamKey {
                    class,
                    epoch: k.epoch,
                    key: SecretKey::from_bytes(&k.key)?,
                })
            })
            .collect()
    }
}

fn bundle_key(code: &EnrollmentCode) -> Result<SecretKey> {
    Ok(SecretKey::from_bytes(code.bundle_key().as_slice())?)
}

/// Seals `bundle` under the key `code` carries, bound to the code's invite, for the hub to hold
/// until the new device redeems the code.
pub fn seal_bundle(code: &EnrollmentCode, bundle: &KeyBundle) -> Result<Vec<u8>> {
    let aad = Domain::key_bundle_aad(&code.invite_id);
    Ok(seal_json(&bundle_key(code)?, &aad, bundle, Padding::None)?)
}

/// The bundle the hub handed over. A bundle that opens under the code but
/// holds no bundle is bad input from outside, said so.
pub fn open_bundle(code: &EnrollmentCode, sealed: &[u8]) -> Result<KeyBundle> {
    let aad = Domain::key_bundle_aad(&code.invite_id);
    open_json(&bundle_key(code)?, &aad, sealed).map_err(|e| match e {
        CryptoError::Malformed => Error::InvalidInput("the key bundle is malformed".into()),
        other => other.into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::SensitivityClass;

    #[test]
    fn only_the_code_opens_its_bundle() {
        let code = EnrollmentCode::make_random(None);
        let keys = TeamKey::make_for_new_team(&[SensitivityClass::Outreach]);
        let team = Uuid::new_v4();
        let anchor = RosterAnchor {
            seq: 4,
            hash: [9; 32],
        };
        let sealed = seal_bundle(
            &code,
            &KeyBundle::new(team, Role::Outreach, &keys, Some(anchor)),
        )
        .unwrap();
        let opened = open_bundle(&code, &sealed).unwrap();
        assert_eq!(opened.team_id, team);
        assert_eq!(opened.roster_head, Some(anchor));
        assert_eq!(opened.role, Role::Outreach);
        let got = opened.team_keys().unwrap();
        assert_eq!(got.len(), 2);
        assert!(got
            .iter()
            .zip(&keys)
            .all(|(a, b)| a.key == b.key && a.class == b.class));
        assert!(open_bundle(&EnrollmentCode::make_random(None), &sealed).is_err());
    }
}
