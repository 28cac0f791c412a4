//! What every write shares: the unlocked keys and an immediate transaction,
//! borrowed together; the store's clock for stamps; and audit entries,
//! appended in the same transaction. One place, so no write can open its
//! transaction without the keys, forget its clock, or audit outside it.

use std::cell::Cell;

use rusqlite::{Connection, Transaction, TransactionBehavior};

use super::audit::{self, AuditAction, AuditEntry};
use super::meta;
use super::vault::UnlockedKeys;
use super::Store;
use crate::record::{merge::CLOCK_ALLOWANCE_MS, DeviceId, Hlc, HlcClock, RecordVersion, Stamp};
use crate::{Error, Result};

/// One write in progress. Dropped without [`WriteTx::commit`], it rolls back.
pub(super) struct WriteTx<'s> {
    pub tx: Transaction<'s>,
    pub keys: &'s UnlockedKeys,
    /// When the write happens, on the store's clock.
    pub now_ms: u64,
    pub actor: DeviceId,
    hlc: &'s mut HlcClock,
    clock_moved: bool,
    /// The audit chain's head after this write's entries, in memory until commit.
    audit_head: Cell<Option<audit::BatchHead>>,
}

impl Store {
    /// Starts a write on an unlocked store: counts as activity for
    /// auto-lock, refuses a locked store, and holds the writer's lock until
    /// commit or drop.
    pub(super) fn begin_write(&mut self) -> Result<WriteTx<'_>> {
        self.keys()?;
        self.open_write()
    }

    /// Starts a write that adds data: as [`Store::begin_write`], and also
    /// refused while the disk has no room left beyond the store's reserve
    /// (a locked store says `Locked` first).
    pub(super) fn begin_write_with_room(&mut self) -> Result<WriteTx<'_>> {
        self.keys()?;
        self.ensure_room_to_write()?;
        self.open_write()
    }

    fn open_write(&mut self) -> Result<WriteTx<'_>> {
        let now_ms = self.now_ms();
        let keys = self.keys.as_ref().ok_or(Error::Locked)?;
        WriteTx::begin(&mut self.conn, keys, &mut self.hlc, self.device, now_ms)
    }
}

impl<'s> WriteTx<'s> {
    fn begin(
        conn: &'s mut Connection,
        keys: &'s UnlockedKeys,
        hlc: &'s mut HlcClock,
        actor: DeviceId,
        now_ms: u64,
    ) -> Result<Self> {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        Ok(WriteTx {
            tx,
            keys,
            now_ms,
            actor,
            hlc,
            clock_moved: false,
            audit_head: Cell::new(None),
        })
    }

    /// A new stamp for a version this device writes now.
    pub fn stamp(&mut self) -> Stamp {
        self.clock_moved = true;
        Stamp {
            hlc: self.hlc.tick(self.now_ms),
            device: self.actor,
        }
    }

    /// Moves the clock past a stamp received from another device (within
    /// the allowance for a device whose clock runs ahead).
    pub fn observe(&mut self, seen: Hlc) {
        self.clock_moved = true;
        self.hlc.observe(seen, self.now_ms, CLOCK_ALLOWANCE_MS);
    }

    /// Chains an entry for a version this write stores.
    pub fn audit_version(&self, action: AuditAction, version: &RecordVersion) -> Result<()> {
        self.audit(&AuditEntry {
            kind: Some(version.kind),
            record_id: Some(version.record_id),
            version_id: Some(version.version_id),
            ..self.entry(action)
        })
    }

    /// Chains an entry about the store itself (no record).
    pub fn audit_store(&self, action: AuditAction) -> Result<()> {
        self.audit(&self.entry(action))
    }

    fn entry(&self, action: AuditAction) -> AuditEntry<'static> {
        AuditEntry {
            at_ms: self.now_ms as i64,
            actor: self.actor,
            action,
            kind: None,
            record_id: None,
            version_id: None,
            extra: None,
        }
    }

    fn audit(&self, entry: &AuditEntry) -> Result<()> {
        let mut head = self.audit_head.get();
        audit::append(&self.tx, self.keys, entry, &mut head)?;
        self.audit_head.set(head);
        Ok(())
    }

    /// Commits, saving the clock when a stamp moved it, so a reopened
    /// store never stamps behind what it wrote.
    pub fn commit(self) -> Result<()> {
        if let Some(head) = self.audit_head.get() {
            audit::finish_batch(&self.tx, self.keys, head)?;
        }
        if self.clock_moved {
            meta::put_json(&self.tx, meta::HLC_LAST, &self.hlc.last())?;
        }
        self.tx.commit()?;
        Ok(())
    }
}
