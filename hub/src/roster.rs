//! The hub's check of roster writes. The hub is not trusted with the roster:
//! every device verifies each link itself. But one member's malformed or
//! forged link, once stored, would stop every device at that link; so the hub
//! replays its chain and applies a new link with the devices' own rules
//! before it stores anything, and derives what follows from it (a revoked
//! device, a settled claim).
//!
//! The hub trusts the first genesis it stores (it has no fingerprint to pin);
//! devices do not: they check it against the fingerprint their code carried.

use fieldbook_proto::roster::{RosterLink, MAX_ROSTER_LINKS};
use fieldbook_trust::{Entry, Link, Roster, Statement, TrustError};
use uuid::Uuid;

use crate::storage::{HubStorage, RosterWrite, StorageError, StoredLink};

/// The team's roster as the hub holds it (`None` before its genesis).
pub async fn current(storage: &dyn HubStorage, team: Uuid) -> Result<Option<Roster>, StorageError> {
    let mut links = Vec::new();
    loop {
        let since = links.last().map_or(0, |l: &Link| l.seq);
        let page = storage.roster(team, since).await?;
        let full = page.len() == MAX_ROSTER_LINKS;
        for stored in page {
            links.push(Link {
                seq: stored.seq,
                prev: stored.prev,
                statement: stored.statement,
                signature: stored.signature.try_into().map_err(|_| {
                    StorageError::Internal("a stored roster signature is malformed".into())
                })?,
            });
        }
        if !full {
            break;
        }
    }
    if links.is_empty() {
        return Ok(None);
    }
    Roster::from_chain(team, None, &links)
        .map(Some)
        .map_err(|e| StorageError::Internal(format!("the stored roster does not verify: {e}")))
}

/// New links checked against the roster, and the write they make.
pub struct Checked {
    /// The roster with the new links applied.
    pub roster: Roster,
    /// Each new link's statement, in order.
    pub statements: Vec<Statement>,
    /// The storage write the links make: the links, and the revocations and settled claims they state.
    pub write: RosterWrite,
}

/// Why new links were not taken.
#[derive(Debug)]
pub enum Refused {
    /// The links were signed after an older head: another write landed
    /// first, and the sender signs again on the roster as it is now.
    Moved,
    /// The links break the devices' rules where they stand.
    Untrusted(TrustError),
}

impl From<TrustError> for Refused {
    fn from(e: TrustError) -> Self {
        Refused::Untrusted(e)
    }
}

/// Applies `links` after `roster` (or as a new chain when there is none)
/// with the devices' rules, and derives the write.
pub fn check(team: Uuid, roster: Option<Roster>, links: &[RosterLink]) -> Result<Checked, Refused> {
    let links: Vec<Link> = links
        .iter()
        .map(Link::from_wire)
        .collect::<Result<_, _>>()?;
    let after = roster.as_ref().map_or(0, Roster::head_seq);
    if roster.is_some() && links.first().is_some_and(|l| l.seq <= after) {
        return Err(Refused::Moved);
    }
    let mut statements = Vec::with_capacity(links.len());
    let mut roster = roster;
    for link in &links {
        match roster.as_mut() {
            None => roster = Some(Roster::genesis(team, None, link)?),
            Some(r) => r.apply(link)?,
        }
        statements.push(link.decode_statement()?);
    }
    let roster =
        roster.ok_or_else(|| Refused::Untrusted(TrustError::Malformed("no links".into())))?;
    let mut write = RosterWrite {
        after: Some(after),
        links: links.iter().map(stored).collect(),
        ..Default::default()
    };
    for statement in &statements {
        match &statement.entry {
            Entry::Revoke { device } => write.revoked.push(*device),
            Entry::CertifySigningKey { device, .. } => write.settled_claims.push(*device),
            _ => {}
        }
    }
    Ok(Checked {
        roster,
        statements,
        write,
    })
}

fn stored(link: &Link) -> StoredLink {
    StoredLink {
        seq: link.seq,
        prev: link.prev,
        statement: link.statement.clone(),
        signature: link.signature.to_vec(),
    }
}

/// A stored link as it travels to devices.
pub fn to_wire(link: &StoredLink) -> RosterLink {
    RosterLink {
        seq: link.seq,
        prev: link.prev.to_vec(),
        statement: link.statement.clone(),
        signature: link.signature.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fieldbook_proto::vocab::Role;
    use fieldbook_trust::{Member, Position, SecurityPolicy, Signer, SigningKey, GENESIS_PREV};

    /// A team's genesis, and its founding supervisor's id and signing key.
    fn genesis(team: Uuid) -> (Link, Uuid, SigningKey) {
        let root = SigningKey::make_random();
        let founder_key = SigningKey::make_random();
        let founder = Member {
            device: Uuid::new_v4(),
            role: Role::Supervisor,
            box_key: [7; 32],
            signing_key: Some(founder_key.public()),
            label: None,
        };
        let device = founder.device;
        let link = Statement::new(
            team,
            Some(Position {
                seq: 1,
                prev: GENESIS_PREV,
            }),
            1,
            Signer::Root,
            Entry::Genesis {
                root: root.public(),
                founder,
                key_epoch: 1,
            },
        )
        .sign(&root)
        .unwrap();
        (link, device, founder_key)
    }

    fn policy_link(team: Uuid, at: &Roster, by: Uuid, key: &SigningKey, days: u32) -> RosterLink {
        let policy = SecurityPolicy {
            offline_erase_days: days,
            ..SecurityPolicy::default()
        };
        Statement::new(
            team,
            Some(at.next_position()),
            2,
            Signer::Device { device: by },
            Entry::Policy { policy },
        )
        .sign(key)
        .unwrap()
        .to_wire()
    }

    /// Two supervisors sign at the same head: the second to arrive is told
    /// the roster moved (409, sign again), not that its link is bad; a link
    /// that skips a position is still refused as breaking the chain.
    #[test]
    fn a_link_signed_after_an_older_head_is_moved_and_a_gap_is_refused() {
        let team = Uuid::new_v4();
        let (genesis, founder, key) = genesis(team);
        let roster = check(team, None, &[genesis.to_wire()]).unwrap().roster;

        let first = policy_link(team, &roster, founder, &key, 20);
        let late = policy_link(team, &roster, founder, &key, 10);
        let after_first = check(team, Some(roster.clone()), &[first]).unwrap().roster;
        assert!(matches!(
            check(team, Some(after_first.clone()), &[late]),
            Err(Refused::Moved)
        ));

        let mut gap = Statement::new(
            team,
            Some(after_first.next_position()),
            3,
            Signer::Device { device: founder },
            Entry::Policy {
                policy: SecurityPolicy::default(),
            },
        );
        gap.position.as_mut().unwrap().seq += 1;
        let gap = gap.sign(&key).unwrap().to_wire();
        assert!(matches!(
            check(team, Some(after_first), &[gap]),
            Err(Refused::Untrusted(_))
        ));
    }
}
