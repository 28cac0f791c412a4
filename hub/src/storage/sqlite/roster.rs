//! The signed roster on SQLite: links in their places, a roster write and
//! what follows from it in the caller's transaction, signing-key claims.

use rusqlite::{params, Connection, OptionalExtension};
use uuid::Uuid;

use super::{id, insert_invite, revoke, store_envelopes};
use crate::storage::{Result, RosterWrite, StorageError, StoredLink};
use fieldbook_proto::roster::MAX_ROSTER_LINKS;

pub(super) fn links_since(conn: &Connection, team: Uuid, since: u64) -> Result<Vec<StoredLink>> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq, prev, statement, signature FROM roster_links \
         WHERE team_id = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3",
    )?;
    let rows = stmt
        .query_map(
            params![
                team.as_bytes().as_slice(),
                i64::try_from(since).unwrap_or(i64::MAX),
                MAX_ROSTER_LINKS as i64
            ],
            |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, Vec<u8>>(1)?,
                    r.get::<_, Vec<u8>>(2)?,
                    r.get::<_, Vec<u8>>(3)?,
                ))
            },
        )?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter()
        .map(|(seq, prev, statement, signature)| {
            Ok(StoredLink {
                seq: seq as u64,
                prev: prev
                    .try_into()
                    .map_err(|_| StorageError::Internal("stored prev is not 32 bytes".into()))?,
                statement,
                signature,
            })
        })
        .collect()
}

pub(super) fn head(conn: &Connection, team: Uuid) -> Result<u64> {
    let head: i64 = conn
        .prepare_cached("SELECT coalesce(max(seq), 0) FROM roster_links WHERE team_id = ?1")?
        .query_row([team.as_bytes().as_slice()], |r| r.get(0))?;
    Ok(head as u64)
}

/// Applies a roster write in the caller's (immediate) transaction.
pub(super) fn apply(tx: &Connection, team: Uuid, write: &RosterWrite) -> Result<()> {
    let t = team.as_bytes().as_slice();
    if !write.links.is_empty() {
        let after = write.after.ok_or_else(|| {
            StorageError::InvalidInput("roster links need the head they extend".into())
        })?;
        if head(tx, team)? != after {
            return Err(StorageError::Conflict(
                "the roster moved: fetch it and sign again".into(),
            ));
        }
        let mut insert = tx.prepare_cached(
            "INSERT INTO roster_links (team_id, seq, prev, statement, signature) \
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        for (i, link) in write.links.iter().enumerate() {
            if link.seq != after + 1 + i as u64 {
                return Err(StorageError::InvalidInput(
                    "roster links must follow the head in order".into(),
                ));
            }
            insert.execute(params![
                t,
                link.seq as i64,
                link.prev.as_slice(),
                link.statement,
                link.signature
            ])?;
        }
    }
    for device in &write.revoked {
        revoke(tx, *device)?;
    }
    if let Some((epoch, envelopes)) = &write.keys {
        store_envelopes(tx, team, *epoch, envelopes)?;
    }
    if let Some(invite) = &write.invite {
        if invite.team_id != team {
            return Err(StorageError::InvalidInput(
                "the invite is for another team".into(),
            ));
        }
        insert_invite(tx, invite)?;
    }
    if write.drop_unused_invites {
        tx.execute(
            "DELETE FROM invites WHERE team_id = ?1 AND used_at IS NULL",
            [t],
        )?;
    }
    for device in &write.settled_claims {
        tx.execute(
            "DELETE FROM signing_key_claims WHERE team_id = ?1 AND device_id = ?2",
            params![t, device.as_bytes().as_slice()],
        )?;
    }
    Ok(())
}

pub(super) fn put_claim(tx: &Connection, team: Uuid, device: Uuid, claim: &[u8]) -> Result<()> {
    let member = tx
        .query_row(
            "SELECT 1 FROM devices WHERE id = ?1 AND team_id = ?2",
            params![device.as_bytes().as_slice(), team.as_bytes().as_slice()],
            |_| Ok(()),
        )
        .optional()?;
    if member.is_none() {
        return Err(StorageError::NotFound("device"));
    }
    tx.execute(
        "INSERT INTO signing_key_claims (team_id, device_id, claim) VALUES (?1, ?2, ?3) \
         ON CONFLICT (team_id, device_id) DO UPDATE SET claim = excluded.claim",
        params![
            team.as_bytes().as_slice(),
            device.as_bytes().as_slice(),
            claim
        ],
    )?;
    Ok(())
}

pub(super) fn claims(conn: &Connection, team: Uuid) -> Result<Vec<(Uuid, Vec<u8>)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT device_id, claim FROM signing_key_claims WHERE team_id = ?1 ORDER BY device_id",
    )?;
    let rows = stmt
        .query_map([team.as_bytes().as_slice()], |r| {
            Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, Vec<u8>>(1)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter()
        .map(|(device, claim)| Ok((id(device, "device")?, claim)))
        .collect()
}
