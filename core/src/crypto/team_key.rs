//! The team keys a device holds: what seals records and keys lookups, per
//! sensitivity class and key epoch, plus the never-rotated client-code
//! secret.

use fieldbook_proto::vocab::{KeyClass, SensitivityClass};

use super::SecretKey;

/// One team key as held by a device: its class (a sensitivity class, or the
/// never-rotated secret client codes are keyed with) and epoch.
#[derive(Clone)]
pub struct TeamKey {
    /// What the key seals or keys: a sensitivity class, or client codes.
    pub class: KeyClass,
    /// Which generation of the class this is: 1 for a new team, one more at each rotation; 0 for
    /// the never-rotated client-code secret.
    pub epoch: u32,
    /// The key itself; zeroized on drop.
    pub key: SecretKey,
}

impl TeamKey {
    /// Fresh keys for a new team: epoch 1 of each class, and the client-code secret.
    pub fn make_for_new_team(classes: &[SensitivityClass]) -> Vec<TeamKey> {
        classes
            .iter()
            .map(|class| TeamKey {
                class: KeyClass::Sealing(*class),
                epoch: 1,
                key: SecretKey::make_random(),
            })
            .chain(std::iter::once(TeamKey {
                class: KeyClass::ClientCode,
                epoch: 0,
                key: SecretKey::make_random(),
            }))
            .collect()
    }

    /// Whether a device of a role holding `classes` may hold this key.
    pub fn belongs_to(&self, classes: &[SensitivityClass]) -> bool {
        match self.class {
            KeyClass::ClientCode => true,
            KeyClass::Sealing(class) => classes.contains(&class),
        }
    }
}
