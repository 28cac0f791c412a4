//! The signed roster on PostgreSQL: links in their places, and a roster
//! write with what follows from it in the caller's transaction (which holds
//! the team lock, so writers of one team queue and the head check holds).

use deadpool_postgres::Transaction;
use tokio_postgres::GenericClient;
use uuid::Uuid;

use super::{get, insert_invite, revoke, store_envelopes};
use crate::storage::{Result, RosterWrite, StorageError, StoredLink};
use fieldbook_proto::roster::MAX_ROSTER_LINKS;

pub(super) async fn links_since(
    client: &impl GenericClient,
    team: Uuid,
    since: u64,
) -> Result<Vec<StoredLink>> {
    let since = i64::try_from(since).unwrap_or(i64::MAX);
    let rows = client
        .query(
            "SELECT seq, prev, statement, signature FROM roster_links \
             WHERE team_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
            &[&team, &since, &(MAX_ROSTER_LINKS as i64)],
        )
        .await?;
    rows.iter()
        .map(|r| {
            let prev: Vec<u8> = get(r, 1)?;
            Ok(StoredLink {
                seq: get::<i64>(r, 0)? as u64,
                prev: prev
                    .try_into()
                    .map_err(|_| StorageError::Internal("stored prev is not 32 bytes".into()))?,
                statement: get(r, 2)?,
                signature: get(r, 3)?,
            })
        })
        .collect()
}

pub(super) async fn head(client: &impl GenericClient, team: Uuid) -> Result<u64> {
    let row = client
        .query_one(
            "SELECT coalesce(max(seq), 0) FROM roster_links WHERE team_id = $1",
            &[&team],
        )
        .await?;
    Ok(get::<i64>(&row, 0)? as u64)
}

/// Applies a roster write in the caller's transaction.
pub(super) async fn apply(tx: &Transaction<'_>, team: Uuid, write: &RosterWrite) -> Result<()> {
    if !write.links.is_empty() {
        let after = write.after.ok_or_else(|| {
            StorageError::InvalidInput("roster links need the head they extend".into())
        })?;
        if head(&**tx, team).await? != after {
            return Err(StorageError::Conflict(
                "the roster moved: fetch it and sign again".into(),
            ));
        }
        let insert = tx
            .prepare_cached(
                "INSERT INTO roster_links (team_id, seq, prev, statement, signature) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .await?;
        for (i, link) in write.links.iter().enumerate() {
            if link.seq != after + 1 + i as u64 {
                return Err(StorageError::InvalidInput(
                    "roster links must follow the head in order".into(),
                ));
            }
            tx.execute(
                &insert,
                &[
                    &team,
                    &(link.seq as i64),
                    &link.prev.as_slice(),
                    &link.statement,
                    &link.signature,
                ],
            )
            .await?;
        }
    }
    for device in &write.revoked {
        revoke(tx, *device).await?;
    }
    if let Some((epoch, envelopes)) = &write.keys {
        store_envelopes(tx, team, *epoch, envelopes).await?;
    }
    if let Some(invite) = &write.invite {
        if invite.team_id != team {
            return Err(StorageError::InvalidInput(
                "the invite is for another team".into(),
            ));
        }
        insert_invite(tx, invite).await?;
    }
    if write.drop_unused_invites {
        tx.execute(
            "DELETE FROM invites WHERE team_id = $1 AND used_at IS NULL",
            &[&team],
        )
        .await?;
    }
    for device in &write.settled_claims {
        tx.execute(
            "DELETE FROM signing_key_claims WHERE team_id = $1 AND device_id = $2",
            &[&team, device],
        )
        .await?;
    }
    Ok(())
}
