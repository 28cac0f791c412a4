//! Which team key a device holds: the key of a sensitivity class, or the
//! never-rotated secret that client codes are keyed with.

use super::SensitivityClass;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// Which team key a device holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyClass {
    /// Seals the records of one sensitivity class; rotated on revocation.
    Sealing(SensitivityClass),
    /// Keys the client identifier codes; never rotated, so a client's code
    /// stays the same across key epochs. It travels only in key bundles.
    ClientCode,
}

impl KeyClass {
    /// Every key a device may hold.
    pub const ALL: [KeyClass; 3] = [
        KeyClass::Sealing(SensitivityClass::Outreach),
        KeyClass::Sealing(SensitivityClass::CaseNotes),
        KeyClass::ClientCode,
    ];

    /// The stable name in stores, key bundles and sealed values' context.
    pub fn as_str(self) -> &'static str {
        match self {
            KeyClass::Sealing(class) => class.as_str(),
            KeyClass::ClientCode => "uic",
        }
    }

    /// The sensitivity class this key seals, if it seals records.
    pub fn sealing(self) -> Option<SensitivityClass> {
        match self {
            KeyClass::Sealing(class) => Some(class),
            KeyClass::ClientCode => None,
        }
    }
}

impl From<SensitivityClass> for KeyClass {
    fn from(class: SensitivityClass) -> Self {
        KeyClass::Sealing(class)
    }
}

impl fmt::Display for KeyClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for KeyClass {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| format!("unknown key class '{s}' (use outreach, case_notes or uic)"))
    }
}

impl Serialize for KeyClass {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for KeyClass {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        name.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_classes_keep_their_stored_spellings() {
        let names: Vec<String> = KeyClass::ALL
            .iter()
            .map(|c| serde_json::to_string(c).unwrap())
            .collect();
        assert_eq!(names, ["\"outreach\"", "\"case_notes\"", "\"uic\""]);
        for class in KeyClass::ALL {
            let json = serde_json::to_string(&class).unwrap();
            assert_eq!(serde_json::from_str::<KeyClass>(&json).unwrap(), class);
        }
        assert!(serde_json::from_str::<KeyClass>("\"Outreach\"").is_err());
        assert_eq!(KeyClass::ClientCode.sealing(), None);
    }
}
