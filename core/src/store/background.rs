//! What a locked store can still do for sync, so the apps' scheduled syncs
//! (WorkManager, BGTaskScheduler) work while nobody has typed the PIN:
//!
//! - reach the hub: a copy of the hub link wrapped by the platform key alone
//!   (the Keystore/Keychain opens it without the PIN). The token only lets a
//!   device move ciphertext it cannot read without the team keys;
//! - push: versions are stored sealed, so they go as they are;
//! - pull: versions are held, sealed as the hub sent them, in the `inbox`
//!   table, and merged by the next unlock (or unlocked sync).

use fieldbook_proto::version::SealedVersion;
use rusqlite::{params, Connection, TransactionBehavior};
use zeroize::Zeroizing;

use super::exchange::{must_wait, ReceiveOutcome, RejectedVersion};
use super::membership::decode_hub_link;
use super::{meta, vault, HubLink, Store};
use crate::crypto::Domain;
use crate::{Error, Result};

const HUB_LINK_PLATFORM: &str = "hub_link_platform";
/// Held versions merged per transaction.
const MERGE_BATCH: u32 = 500;

impl Store {
    /// Keeps a copy of the hub link's JSON (as [`Store::set_hub_link`]
    /// encoded it) that the platform key alone opens. The label tags the
    /// wrapped bytes, so no other value wrapped by the same platform key can
    /// pass for the hub link.
    pub(super) fn keep_hub_link_for_background(&mut self, json: &[u8]) -> Result<()> {
        let plain = Zeroizing::new(Domain::HubLink.tag(json));
        let wrapped = self
            .provider
            .wrap(&vault::platform_label(&self.store_id), &plain)?;
        meta::put_blob(&self.conn, HUB_LINK_PLATFORM, &wrapped)
    }

    /// The hub link, readable while locked; `None` for a store never enrolled
    /// (or enrolled by a build without background sync and not unlocked since).
    pub fn hub_link_while_locked(&mut self) -> Result<Option<HubLink>> {
        let Some(wrapped) = meta::get_blob(&self.conn, HUB_LINK_PLATFORM)? else {
            return Ok(None);
        };
        let plain = Zeroizing::new(
            self.provider
                .unwrap(&vault::platform_label(&self.store_id), &wrapped)?,
        );
        let json = Domain::HubLink
            .untag(&plain)
            .ok_or_else(|| Error::StoreDamaged("the background hub link is damaged".into()))?;
        decode_hub_link(json, "the background hub link is malformed").map(Some)
    }

    /// Keeps pulled versions for the next unlock; returns how many were new.
    pub fn hold_received(&mut self, versions: &[SealedVersion]) -> Result<u32> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let held = hold(&tx, versions.iter())?;
        tx.commit()?;
        Ok(held)
    }

    /// How many pulled versions wait for an unlock.
    pub fn held_count(&mut self) -> Result<u64> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM inbox", [], |r| r.get::<_, i64>(0))? as u64)
    }

    /// Whether a held version waits for the key of an epoch this device
    /// lacks although it holds its class (an older epoch its code did not
    /// carry): then a sync asks the hub for key envelopes (unlocked only).
    pub fn waits_for_keys(&mut self) -> Result<bool> {
        let (conn, keys) = self.unlocked()?;
        let mut stmt = conn.prepare("SELECT DISTINCT key_class, key_epoch FROM inbox")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
        for row in rows {
            let (class, epoch) = row?;
            let Ok(class) = class.parse::<crate::record::SensitivityClass>() else {
                continue;
            };
            let Ok(epoch) = u32::try_from(epoch) else {
                continue;
            };
            if keys.current_epoch(class).is_some() && keys.seal_key(class, epoch).is_none() {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Merges the held versions this device has keys for (unlocked only).
    /// Versions under a key epoch not learned yet stay held until it is.
    pub fn merge_held(&mut self) -> Result<ReceiveOutcome> {
        let mut total = ReceiveOutcome::default();
        let mut after = 0i64;
        loop {
            let (batch, unreadable, last) = self.held_batch(after)?;
            let Some(last) = last else {
                return Ok(total);
            };
            after = last;
            let ready: Vec<SealedVersion> = {
                let (_, keys) = self.unlocked()?;
                // Exactly those `receive` would not hold again: the rest are
                // deleted from the inbox below.
                batch
                    .into_iter()
                    .filter(|v| {
                        keys.seal_key(v.key_class, v.key_epoch).is_some() && !must_wait(keys, v)
                    })
                    .collect()
            };
            let outcome = self.receive(&ready)?;
            // Merging is idempotent: a crash before this delete merges them again, harmlessly.
            let mut stmt = self
                .conn
                .prepare_cached("DELETE FROM inbox WHERE version_id = ?1")?;
            for v in &ready {
                stmt.execute([v.version_id.as_bytes().as_slice()])?;
            }
            for version_id in unreadable {
                stmt.execute([version_id.as_bytes().as_slice()])?;
                total.rejected.push(RejectedVersion {
                    version_id,
                    reason: "it names an unknown kind or key class".into(),
                });
            }
            total.absorb(outcome);
        }
    }

    /// Up to a batch of held versions after inbox row `after`, the ids of
    /// rows that name no known kind or class (only damage writes those), and
    /// the last row read.
    fn held_batch(&self, after: i64) -> Result<(Vec<SealedVersion>, Vec<uuid::Uuid>, Option<i64>)> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT seq, version_id, record_id, kind, key_class, key_epoch, body
             FROM inbox WHERE seq > ?1 ORDER BY seq LIMIT ?2",
        )?;
        let mut last = None;
        let mut out = Vec::new();
        let mut unreadable = Vec::new();
        let mut rows = stmt.query(params![after, MERGE_BATCH])?;
        while let Some(r) = rows.next()? {
            last = Some(r.get::<_, i64>(0)?);
            let id = |i: usize| -> Result<uuid::Uuid> {
                uuid::Uuid::from_slice(&r.get::<_, Vec<u8>>(i)?)
                    .map_err(|_| Error::StoreDamaged("a held version has a malformed id".into()))
            };
            let names = (
                r.get::<_, String>(3)?.parse(),
                r.get::<_, String>(4)?.parse(),
            );
            let (Ok(kind), Ok(key_class)) = names else {
                unreadable.push(id(1)?);
                continue;
            };
            out.push(SealedVersion {
                version_id: id(1)?,
                record_id: id(2)?,
                kind,
                key_class,
                key_epoch: r.get(5)?,
                body: r.get(6)?,
            });
        }
        Ok((out, unreadable, last))
    }

    /// After an unlock: a store enrolled before background sync existed gets
    /// its background hub link, and what a locked sync held is merged.
    pub(super) fn after_unlock(&mut self) -> Result<()> {
        // On a full phone these wait for room: the unlock itself must not fail.
        if self.ensure_room_to_write().is_err() {
            return Ok(());
        }
        self.seal_clear_lookup_terms()?;
        if let Some(keys) = self.keys.as_ref() {
            super::format_upgrade::finish(&mut self.conn, keys)?;
        }
        if meta::get_blob(&self.conn, HUB_LINK_PLATFORM)?.is_none() {
            if let Some(json) = self.hub_link_json()? {
                self.keep_hub_link_for_background(&json)?;
            }
        }
        self.merge_held()?;
        Ok(())
    }
}

impl Store {
    /// A store from before sealed posting lists seals its clear lookup rows
    /// now (once; see `lookup`).
    fn seal_clear_lookup_terms(&mut self) -> Result<()> {
        let Some(keys) = self.keys.as_ref() else {
            return Ok(());
        };
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let pending: bool =
            tx.query_row("SELECT EXISTS (SELECT 1 FROM lookup)", [], |r| r.get(0))?;
        if pending {
            super::lookup::seal_clear_terms(&tx, keys)?;
        }
        tx.commit()?;
        Ok(())
    }
}

/// Puts versions in the inbox (once each); returns how many were new there.
pub(super) fn hold<'a>(
    conn: &Connection,
    versions: impl Iterator<Item = &'a SealedVersion>,
) -> Result<u32> {
    let mut stmt = conn.prepare_cached(
        "INSERT OR IGNORE INTO inbox (version_id, record_id, kind, key_class, key_epoch, body)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    let mut held = 0;
    for v in versions {
        held += stmt.execute(params![
            v.version_id.as_bytes().as_slice(),
            v.record_id.as_bytes().as_slice(),
            v.kind.as_str(),
            v.key_class.as_str(),
            v.key_epoch,
            v.body,
        ])? as u32;
    }
    Ok(held)
}
