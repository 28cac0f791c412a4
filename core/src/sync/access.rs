//! How the sync engine reaches the store: once per step (read a batch, mark
//! it pushed, merge a page, save the cursor), never across a request to the
//! hub. An app shares its store between its screens and a sync that can wait
//! minutes on a bad network; the screens read and write in between.

use std::cell::RefCell;
use std::sync::{Mutex, PoisonError};

use crate::store::Store;

/// A store the engine borrows for one step at a time.
pub trait StoreAccess {
    /// Runs one step with the store, holding it only for that step.
    fn with<T>(&self, step: impl FnOnce(&mut Store) -> T) -> T;
}

/// A store shared between threads. A panic elsewhere cannot have left it
/// half-written (each write is one transaction), so a poisoned lock is
/// taken over.
impl StoreAccess for Mutex<Store> {
    fn with<T>(&self, step: impl FnOnce(&mut Store) -> T) -> T {
        step(&mut self.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

/// A store its caller holds alone for the whole sync (the desktop shell).
pub(super) struct Exclusive<'a>(RefCell<&'a mut Store>);

impl<'a> Exclusive<'a> {
    pub(super) fn new(store: &'a mut Store) -> Self {
        Exclusive(RefCell::new(store))
    }
}

impl StoreAccess for Exclusive<'_> {
    fn with<T>(&self, step: impl FnOnce(&mut Store) -> T) -> T {
        step(&mut self.0.borrow_mut())
    }
}
