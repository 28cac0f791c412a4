//! Where a referral stands. The referral form offers these as its `status`
//! choices (a form test holds them equal), and due follow-ups and the
//! indicators count by them, so they are written here once.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Where a referral stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReferralStatus {
    /// Written but not yet given to the client or the service.
    Draft,
    /// Given to the client or the service.
    Sent,
    /// The service has taken the client on.
    Accepted,
    /// The client received the service.
    Completed,
    /// The service turned the client away.
    Declined,
    /// The client did not reach the service and cannot be found.
    Lost,
    /// Withdrawn before the client reached the service.
    Cancelled,
}

impl ReferralStatus {
    /// In the order the form offers them.
    pub const ALL: [ReferralStatus; 7] = [
        ReferralStatus::Draft,
        ReferralStatus::Sent,
        ReferralStatus::Accepted,
        ReferralStatus::Completed,
        ReferralStatus::Declined,
        ReferralStatus::Lost,
        ReferralStatus::Cancelled,
    ];

    /// What a referral without a status is.
    pub const DEFAULT: ReferralStatus = ReferralStatus::Draft;

    /// The stable name on the wire and in the form.
    pub fn as_str(self) -> &'static str {
        match self {
            ReferralStatus::Draft => "draft",
            ReferralStatus::Sent => "sent",
            ReferralStatus::Accepted => "accepted",
            ReferralStatus::Completed => "completed",
            ReferralStatus::Declined => "declined",
            ReferralStatus::Lost => "lost",
            ReferralStatus::Cancelled => "cancelled",
        }
    }

    /// Still needs a worker's follow-up (due lists).
    pub fn needs_follow_up(self) -> bool {
        matches!(
            self,
            ReferralStatus::Draft | ReferralStatus::Sent | ReferralStatus::Accepted
        )
    }

    /// Given to the client: counts as a referral made (indicators).
    pub fn is_made(self) -> bool {
        self != ReferralStatus::Draft
    }

    /// Made, and the client has not reached the service yet.
    pub fn awaits_service(self) -> bool {
        matches!(self, ReferralStatus::Sent | ReferralStatus::Accepted)
    }
}

impl fmt::Display for ReferralStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ReferralStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| format!("unknown referral status '{s}'"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip_by_their_stored_names() {
        for status in ReferralStatus::ALL {
            assert_eq!(status.as_str().parse::<ReferralStatus>(), Ok(status));
            let json = serde_json::to_string(&status).unwrap();
            assert_eq!(json, format!("\"{}\"", status.as_str()));
        }
        assert!("Sent".parse::<ReferralStatus>().is_err());
        let open: Vec<_> = ReferralStatus::ALL
            .into_iter()
            .filter(|s| s.needs_follow_up())
            .collect();
        assert_eq!(
            open,
            [
                ReferralStatus::Draft,
                ReferralStatus::Sent,
                ReferralStatus::Accepted
            ]
        );
    }
}
