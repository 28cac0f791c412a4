//! The period a report covers: whole days, both ends included, and its months.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// From `from` to `to`, both days included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    /// The first day.
    pub from: NaiveDate,
    /// The last day, included.
    pub to: NaiveDate,
}

impl Period {
    /// Refuses a period that ends before it starts.
    pub fn new(from: NaiveDate, to: NaiveDate) -> Result<Period> {
        if to < from {
            return Err(Error::InvalidInput(format!(
                "the period ends ({to}) before it starts ({from})"
            )));
        }
        Ok(Period { from, to })
    }

    /// Whether `day` falls in the period, either end included.
    pub fn contains(&self, day: NaiveDate) -> bool {
        self.from <= day && day <= self.to
    }

    /// The calendar months the period touches, each cut to the period
    /// (a period from 15 March to 10 May gives 15–31 March, April, 1–10 May).
    pub fn months(&self) -> Vec<Period> {
        let mut months = Vec::new();
        let mut start = self.from;
        while start <= self.to {
            let end = last_day_of_month(start).min(self.to);
            months.push(Period {
                from: start,
                to: end,
            });
            match end.succ_opt() {
                Some(next) => start = next,
                None => break,
            }
        }
        months
    }
}

fn last_day_of_month(day: NaiveDate) -> NaiveDate {
    let (year, month) = if day.month() == 12 {
        (day.year() + 1, 1)
    } else {
        (day.year(), day.month() + 1)
    };
    NaiveDate::from_ymd_opt(year, month, 1)
        .and_then(|first| first.pred_opt())
        .unwrap_or(NaiveDate::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn both_ends_are_included() {
        let p = Period::new(d("2026-03-01"), d("2026-03-31")).unwrap();
        assert!(p.contains(d("2026-03-01")));
        assert!(p.contains(d("2026-03-31")));
        assert!(!p.contains(d("2026-02-28")));
        assert!(!p.contains(d("2026-04-01")));
    }

    #[test]
    fn a_period_that_ends_before_it_starts_is_refused() {
        assert!(Period::new(d("2026-03-02"), d("2026-03-01")).is_err());
        assert!(Period::new(d("2026-03-01"), d("2026-03-01")).is_ok());
    }

    #[test]
    fn months_are_cut_to_the_period() {
        let p = Period::new(d("2023-12-15"), d("2024-03-10")).unwrap();
        let months: Vec<(NaiveDate, NaiveDate)> =
            p.months().into_iter().map(|m| (m.from, m.to)).collect();
        assert_eq!(
            months,
            vec![
                (d("2023-12-15"), d("2023-12-31")),
                (d("2024-01-01"), d("2024-01-31")),
                (d("2024-02-01"), d("2024-02-29")),
                (d("2024-03-01"), d("2024-03-10")),
            ]
        );
    }
}
