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
    pub roster: Roster,
    pub statements: Vec<Statement>,
    pub write: RosterWrite,
}

/// Applies `links` after `roster` (or as a new chain when there is none)
/// with the devices' rules, and derives the write.
pub fn check(
    team: Uuid,
    roster: Option<Roster>,
    links: &[RosterLink],
) -> Result<Checked, TrustError> {
    let links: Vec<Link> = links
        .iter()
        .map(Link::from_wire)
        .collect::<Result<_, _>>()?;
    let after = roster.as_ref().map_or(0, Roster::head_seq);
    let mut statements = Vec::with_capacity(links.len());
    let mut roster = roster;
    for link in &links {
        match roster.as_mut() {
            None => roster = Some(Roster::genesis(team, None, link)?),
            Some(r) => r.apply(link)?,
        }
        statements.push(link.decode_statement()?);
    }
    let roster = roster.ok_or_else(|| TrustError::Malformed("no links".into()))?;
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

pub fn to_wire(link: &StoredLink) -> RosterLink {
    RosterLink {
        seq: link.seq,
        prev: link.prev.to_vec(),
        statement: link.statement.clone(),
        signature: link.signature.clone(),
    }
}
