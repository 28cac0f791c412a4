//! The languages Fieldbook speaks. Every user-facing string the core produces
//! (form labels, validation messages, errors) exists in each of them.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A language the user can choose for the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Vietnamese, the first language of most users.
    #[default]
    Vi,
    /// English.
    En,
}

impl Lang {
    /// Every language, in the order offered to the user.
    pub const ALL: [Lang; 2] = [Lang::Vi, Lang::En];

    /// The ISO 639-1 code (`"vi"`, `"en"`).
    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }

    /// Picks the string for this language from a (vi, en) pair.
    pub fn pick<'a>(self, vi: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Vi => vi,
            Lang::En => en,
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Lang {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "vi" | "vi-vn" | "vie" => Ok(Lang::Vi),
            "en" | "en-us" | "en-gb" | "eng" => Ok(Lang::En),
            other => Err(format!("unsupported language '{other}' (use vi or en)")),
        }
    }
}
