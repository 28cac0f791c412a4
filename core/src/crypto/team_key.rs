//! The team keys a device holds: what seals records and keys lookups, per
//! sensitivity class and key epoch, plus the never-rotated client-code
//! secret.

use fieldbook_proto::vocab::SensitivityClass;

use super::SecretKey;

/// The class name of the team secret the client codes are keyed with. It is
/// never rotated, so a client's code stays the same across key epochs.
pub(crate) const UIC_CLASS: &str = "uic";

/// One team key as held by a device: its class (a sensitivity class, or
/// `uic` for the never-rotated secret client codes are keyed with) and epoch.
#[derive(Clone)]
pub struct TeamKey {
    pub class: String,
    pub epoch: u32,
    pub key: SecretKey,
}

impl TeamKey {
    /// Fresh keys for a new team: epoch 1 of each class, and the client-code secret.
    pub fn make_for_new_team(classes: &[SensitivityClass]) -> Vec<TeamKey> {
        classes
            .iter()
            .map(|class| TeamKey {
                class: class.as_str().to_string(),
                epoch: 1,
                key: SecretKey::make_random(),
            })
            .chain(std::iter::once(TeamKey {
                class: UIC_CLASS.to_string(),
                epoch: 0,
                key: SecretKey::make_random(),
            }))
            .collect()
    }

    /// Whether a device of a role holding `classes` may hold this key.
    pub fn belongs_to(&self, classes: &[SensitivityClass]) -> bool {
        self.class == UIC_CLASS || classes.iter().any(|c| c.as_str() == self.class)
    }
}
