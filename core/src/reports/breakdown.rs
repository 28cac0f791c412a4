//! Counts broken down by sex and age band, for indicators about clients.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::OnceLock;

use crate::forms;
use crate::RecordKind;

/// Where a client without a recorded sex or birth year is counted.
pub const UNKNOWN: &str = "unknown";

/// Age bands as (key, lowest age, highest age); the last one has no upper end.
pub const AGE_BANDS: [(&str, i32, i32); 5] = [
    ("under_18", i32::MIN, 17),
    ("18_24", 18, 24),
    ("25_34", 25, 34),
    ("35_44", 35, 44),
    ("45_plus", 45, i32::MAX),
];

/// A total and the same total split by sex and, separately, by age band.
/// Every sex of the client form and every age band is present, zero or
/// not, plus `unknown`, so exported columns do not change from one period to
/// the next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Breakdown {
    /// Everyone counted.
    pub total: u64,
    /// The total split by the client form's sex values, plus `unknown`.
    pub by_sex: BTreeMap<String, u64>,
    /// The total split by the keys of [`AGE_BANDS`], plus `unknown`.
    pub by_age_band: BTreeMap<String, u64>,
}

impl Default for Breakdown {
    fn default() -> Self {
        let by_sex = sexes().iter().map(|s| (s.clone(), 0)).collect();
        let by_age_band = age_band_keys().into_iter().map(|b| (b, 0)).collect();
        Breakdown {
            total: 0,
            by_sex,
            by_age_band,
        }
    }
}

impl Breakdown {
    /// Adds `n` for a person of this sex and age band.
    pub fn add(&mut self, who: &Demographics, n: u64) {
        self.total += n;
        // Every key is there from the start: no allocation per record.
        bump(&mut self.by_sex, who.sex, n);
        bump(&mut self.by_age_band, who.age_band, n);
    }
}

fn bump(map: &mut BTreeMap<String, u64>, key: &str, n: u64) {
    match map.get_mut(key) {
        Some(count) => *count += n,
        None => {
            map.insert(key.to_string(), n);
        }
    }
}

/// The sex and age band a client is counted under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Demographics<'a> {
    /// A value of the client form's sex field, or [`UNKNOWN`].
    pub sex: &'a str,
    /// A key of [`AGE_BANDS`], or [`UNKNOWN`].
    pub age_band: &'static str,
}

impl<'a> Demographics<'a> {
    /// Where a record not linked to a readable client is counted: unknown sex and age band.
    pub fn unknown() -> Demographics<'static> {
        Demographics {
            sex: UNKNOWN,
            age_band: UNKNOWN,
        }
    }

    /// `year` is the year the age is taken in (the period's last day).
    pub fn of(sex: Option<&'a str>, birth_year: Option<i64>, year: i32) -> Demographics<'a> {
        let sex = match sex {
            Some(s) if sexes().iter().any(|known| known == s) => s,
            _ => UNKNOWN,
        };
        Demographics {
            sex,
            age_band: age_band(birth_year, year),
        }
    }
}

/// The band of someone born in `birth_year`, in `year`. Only the birth year
/// is recorded, so the age is the difference of years.
pub fn age_band(birth_year: Option<i64>, year: i32) -> &'static str {
    let Some(born) = birth_year.and_then(|y| i32::try_from(y).ok()) else {
        return UNKNOWN;
    };
    let age = year - born;
    if age < 0 {
        return UNKNOWN;
    }
    AGE_BANDS
        .iter()
        .find(|(_, low, high)| *low <= age && age <= *high)
        .map(|(key, _, _)| *key)
        .unwrap_or(UNKNOWN)
}

/// The sexes of the client form, then `unknown`.
pub fn sexes() -> &'static [String] {
    static SEXES: OnceLock<Vec<String>> = OnceLock::new();
    SEXES.get_or_init(|| {
        let mut out: Vec<String> = forms::definition(RecordKind::Client)
            .field("sex")
            .map(|f| f.choices.iter().map(|c| c.value.clone()).collect())
            .unwrap_or_default();
        out.push(UNKNOWN.to_string());
        out
    })
}

/// The age bands in order, then `unknown`.
pub fn age_band_keys() -> Vec<String> {
    AGE_BANDS
        .iter()
        .map(|(k, _, _)| k.to_string())
        .chain(std::iter::once(UNKNOWN.to_string()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn band_boundaries() {
        let band = |born: i64| age_band(Some(born), 2026);
        assert_eq!(band(2009), "under_18"); // 17
        assert_eq!(band(2008), "18_24"); // 18
        assert_eq!(band(2002), "18_24"); // 24
        assert_eq!(band(2001), "25_34"); // 25
        assert_eq!(band(1992), "25_34"); // 34
        assert_eq!(band(1991), "35_44"); // 35
        assert_eq!(band(1982), "35_44"); // 44
        assert_eq!(band(1981), "45_plus"); // 45
        assert_eq!(band(1930), "45_plus");
        assert_eq!(age_band(None, 2026), UNKNOWN);
        assert_eq!(band(2027), UNKNOWN, "born after the period");
    }

    #[test]
    fn a_breakdown_lists_every_sex_and_band_and_counts_unknowns() {
        let mut b = Breakdown::default();
        b.add(&Demographics::of(Some("female"), Some(1990), 2026), 2);
        b.add(&Demographics::of(None, None, 2026), 1);
        b.add(&Demographics::of(Some("not-a-sex"), Some(2010), 2026), 1);
        assert_eq!(b.total, 4);
        assert_eq!(b.by_sex["female"], 2);
        assert_eq!(b.by_sex["male"], 0);
        assert_eq!(b.by_sex[UNKNOWN], 2);
        assert_eq!(b.by_age_band["35_44"], 2);
        assert_eq!(b.by_age_band["under_18"], 1);
        assert_eq!(b.by_age_band[UNKNOWN], 1);
        assert_eq!(b.by_sex.values().sum::<u64>(), b.total);
        assert_eq!(b.by_age_band.values().sum::<u64>(), b.total);
        assert_eq!(b.by_sex.len(), 6);
        assert_eq!(b.by_age_band.len(), 6);
    }
}
