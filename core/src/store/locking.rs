//! Unlocking and what guards it on a seized phone: counted attempts, the
//! duress PIN, offline expiry, PIN changes and crypto-erase.

use rusqlite::TransactionBehavior;
use std::sync::Arc;

use super::audit::{self, AuditAction, AuditEntry};
use super::erase::{self, EraseReport};
use super::offline_expiry::{self, OfflineStatus};
use super::pin_rules::check_pin;
use super::unlock_attempts::{self, Attempt, Start};
use super::vault::UnlockedKeys;
use super::vault::{self, PinOutcome};
use super::{db, meta, storage_reserve, CreateOptions, Membership, OpenOptions, Store};
use crate::crypto::{KdfParams, PlatformKeyProvider};
use crate::record::DeviceId;
use crate::{Error, Result};

impl Store {
    /// Unlocks with the PIN. Every attempt is marked on disk before it is
    /// checked, and its outcome is on disk before anyone learns it (see
    /// `unlock_attempts`); waits grow after the free attempts, and past the
    /// policy's limit the store erases itself. The duress PIN erases the store
    /// without a sign and leaves an empty one, unlocked, in its place.
    pub fn unlock(&mut self, pin: &str) -> Result<()> {
        self.check_offline_expiry()?;
        let attempt = match unlock_attempts::begin(
            &mut self.conn,
            &self.dir,
            &self.policy,
            self.clock.as_ref(),
        )? {
            Start::Check(attempt) => attempt,
            Start::EraseNow => {
                self.erase()?;
                return Err(Error::Erased);
            }
        };
        let now_ms = self.now_ms();
        let (store_id, provider, floor) = (&self.store_id, self.provider.clone(), self.kdf_floor);
        // The check and, for the right PIN, its outcome: one transaction,
        // synced before it returns.
        let checked = unlock_attempts::with_full_sync(&mut self.conn, |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let outcome = vault::try_pin(&tx, store_id, pin, provider.as_ref(), floor)?;
            if let PinOutcome::Opened(keys) = &outcome {
                record_success(&tx, keys, self.device, now_ms, attempt)?;
                tx.commit()?;
            }
            Ok(outcome)
        });
        let keys = match checked {
            Ok(PinOutcome::Opened(keys)) => keys,
            Ok(PinOutcome::Wrong) => {
                let counted = unlock_attempts::failed(
                    &mut self.conn,
                    &self.dir,
                    self.clock.as_ref(),
                    attempt,
                )?;
                if counted >= self.policy.max_failed_unlocks {
                    self.erase()?;
                    return Err(Error::Erased);
                }
                return Err(Error::WrongPin {
                    attempts_left: self.policy.max_failed_unlocks - counted,
                });
            }
            Ok(PinOutcome::Duress) => return self.replace_with_decoy(pin),
            Err(Error::StorageFull) => {
                // The right PIN, or a wrong one, could not be told apart
                // without its outcome written: ask again once there is room.
                unlock_attempts::abandoned(&mut self.conn, &self.dir)?;
                return Err(Error::StorageFull);
            }
            Err(e) => {
                unlock_attempts::abandoned(&mut self.conn, &self.dir)?;
                return Err(e);
            }
        };
        self.keys = Some(keys);
        self.last_activity_ms = now_ms;
        self.enter_deferred_audit(now_ms);
        self.after_unlock()
    }

    /// Re-wraps the vault key under a new PIN (which must meet the PIN rules).
    pub fn change_pin(&mut self, new_pin: &str, kdf: KdfParams) -> Result<()> {
        check_pin(new_pin, self.policy.min_pin_digits).map_err(Error::WeakPin)?;
        let (store_id, floor, provider) =
            (self.store_id.clone(), self.kdf_floor, self.provider.clone());
        let w = self.begin_write()?;
        vault::change_pin(
            &w.tx,
            &store_id,
            w.keys,
            new_pin,
            &kdf,
            floor,
            provider.as_ref(),
        )?;
        w.audit_store(AuditAction::ChangePin)?;
        w.commit()
    }

    /// Sets the duress PIN: typed at the unlock screen, it erases the store
    /// without a sign and opens an empty one that works like any other. It
    /// meets the same rules as the PIN and must differ from it.
    pub fn set_duress_pin(&mut self, duress_pin: &str) -> Result<()> {
        check_pin(duress_pin, self.policy.min_pin_digits).map_err(Error::WeakPin)?;
        let (store_id, floor, provider) =
            (self.store_id.clone(), self.kdf_floor, self.provider.clone());
        let w = self.begin_write()?;
        vault::set_duress_pin(
            &w.tx,
            &store_id,
            w.keys,
            duress_pin,
            provider.as_ref(),
            floor,
        )?;
        w.commit()
    }

    /// Removes the duress PIN, so that only the PIN opens the store. Unlocked only.
    pub fn clear_duress_pin(&mut self) -> Result<()> {
        self.keys()?;
        vault::clear_duress_pin(&self.conn)
    }

    /// Whether a duress PIN is set (unlocked only: a locked store does not say).
    pub fn has_duress_pin(&mut self) -> Result<bool> {
        self.keys()?;
        vault::has_duress_pin(&self.conn)
    }

    /// Crypto-erases the store now (remote wipe, or the person's own choice),
    /// and says what it could not remove.
    pub fn erase(&mut self) -> Result<EraseReport> {
        self.keys = None;
        self.forget_forms();
        erase::erase(&self.conn, &self.store_id, self.provider.as_ref())
    }

    /// How long this device has been away from its hub; `None` for a store
    /// never linked to one. Readable while locked, for the apps' warning.
    pub fn offline_status(&self) -> Result<Option<OfflineStatus>> {
        offline_expiry::status(&self.conn, self.clock.as_ref(), &self.policy)
    }

    /// The hub answered this device: the offline time starts over.
    pub(crate) fn record_hub_contact(&mut self) -> Result<()> {
        offline_expiry::record_hub_contact(&self.conn, self.clock.as_ref())
    }

    /// At open and at every unlock attempt: erases the store if it has been
    /// away from its hub too long, else moves the latest time seen on.
    pub(super) fn check_offline_expiry(&mut self) -> Result<()> {
        if offline_expiry::expired(&self.conn, self.clock.as_ref(), &self.policy)? {
            self.erase()?;
            return Err(Error::OfflineTooLong {
                days: self.policy.offline_erase_days,
            });
        }
        match offline_expiry::observe(&self.conn, self.clock.as_ref()) {
            // A full disk keeps the latest time seen where it was: the clock
            // can still not be moved back before that.
            Err(Error::StorageFull) => Ok(()),
            other => other,
        }
    }

    /// The duress PIN was typed: the real store goes, and a new, empty one
    /// of the same role and cost, unlocked with the PIN just typed, takes
    /// its place in the same directory. Nothing on screen differs from an
    /// ordinary unlock of a store with no records.
    fn replace_with_decoy(&mut self, pin: &str) -> Result<()> {
        let kdf: KdfParams = meta::get_json(&self.conn, meta::KDF_PARAMS)?
            .map(|k: KdfParams| k.with_new_salt())
            .ok_or_else(|| Error::StoreDamaged("missing key derivation parameters".into()))?;
        // A failed platform-key destroy leaves a key with nothing to open.
        erase::erase(&self.conn, &self.store_id, self.provider.as_ref())?;
        let old = std::mem::replace(&mut self.conn, rusqlite::Connection::open_in_memory()?);
        drop(old);
        remove_database_files(&self.dir)?;
        let provider: Arc<dyn PlatformKeyProvider> = self.provider.clone();
        let options = CreateOptions {
            role: self.role,
            kdf,
            policy: self.policy,
            open: OpenOptions {
                clock: self.clock.clone(),
                network: self.network.clone(),
                kdf_floor: self.kdf_floor,
            },
            membership: Membership::NewTeam,
        };
        *self = Store::create(&self.dir.clone(), pin, provider, options)?;
        Ok(())
    }
}

/// The right PIN's outcome, in the unlock's transaction: the counts start
/// over, and the unlock's audit entry is kept aside with it (it enters the
/// chain just after, or late if the disk is full).
fn record_success(
    tx: &rusqlite::Transaction,
    keys: &UnlockedKeys,
    device: DeviceId,
    now_ms: u64,
    attempt: Attempt,
) -> Result<()> {
    unlock_attempts::succeeded(tx)?;
    let interrupted = format!("after_interrupted={}", attempt.interrupted);
    audit::defer(
        tx,
        keys,
        &AuditEntry {
            at_ms: now_ms as i64,
            actor: device,
            action: AuditAction::Unlock,
            kind: None,
            record_id: None,
            version_id: None,
            extra: (attempt.interrupted > 0).then_some(interrupted.as_str()),
        },
    )
}

impl Store {
    /// Puts the unlock's entry (and any that came late) into the audit
    /// chain. A full disk leaves them aside, sealed, for the next write.
    fn enter_deferred_audit(&mut self, now_ms: u64) {
        let Some(keys) = self.keys.as_ref() else {
            return;
        };
        // On a full phone the room left is for unlocking: the entries wait.
        if !storage_reserve::ensure(&self.dir) {
            return;
        }
        let entered = (|| -> Result<()> {
            let tx = self
                .conn
                .transaction_with_behavior(TransactionBehavior::Immediate)?;
            // A store from before sealed audit entries seals its clear ones now.
            audit::seal_clear_entries(&tx, keys)?;
            audit::flush_deferred(&tx, keys, Some(now_ms as i64))?;
            tx.commit()?;
            Ok(())
        })();
        // Left aside, the entries are safe: they are whole, sealed, in
        // `meta`, and the next write puts them into the chain.
        let _ = entered;
    }
}

fn remove_database_files(dir: &std::path::Path) -> Result<()> {
    let db = db::db_path(dir);
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut path = db.clone().into_os_string();
        path.push(suffix);
        match std::fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}
