//! Group commit: writes that queue for the writer connection while a commit
//! is running are applied together, in one `BEGIN IMMEDIATE` transaction, so
//! a crowd of pushes costs one fsync (`synchronous = FULL`) per batch instead
//! of one per push.
//!
//! Each write runs under a savepoint of its own: one that fails is rolled
//! back to its savepoint and answered with its own error, and the others in
//! the batch carry on. Nobody is answered before the batch's commit returned,
//! so an acknowledged write is durable. If the transaction itself fails
//! (`BEGIN`, a savepoint, or `COMMIT`), every write that had succeeded in it
//! is answered with that error: none of them was stored.
//!
//! One drainer at a time runs on tokio's blocking pool. It takes the writer
//! lock, then the whole queue, and loops until the queue is empty; other
//! writes (`SqliteStorage::write`) take the same lock between its batches.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use rusqlite::{Connection, TransactionBehavior};
use tokio::sync::oneshot;

use super::lock;
use crate::storage::{Result, StorageError};

/// The queue in front of the writer connection.
pub(super) struct GroupCommit {
    writer: Arc<Mutex<Connection>>,
    queue: Mutex<Queue>,
    batches: AtomicU64,
}

struct Queue {
    jobs: Vec<Box<dyn Job>>,
    /// Whether a drainer is scheduled or running: set and cleared under the
    /// queue's lock, so a job is never left in the queue without one.
    draining: bool,
}

/// A write waiting for its batch.
trait Job: Send {
    /// Runs the write inside the batch's transaction; `false` if it failed
    /// and its savepoint must be rolled back.
    fn run(&mut self, conn: &Connection) -> bool;
    /// Answers the caller once the batch's commit returned `committed`.
    fn answer(self: Box<Self>, committed: &Result<()>);
}

struct Pending<T, F> {
    work: Option<F>,
    out: Option<Result<T>>,
    reply: oneshot::Sender<Result<T>>,
}

impl<T, F> Job for Pending<T, F>
where
    T: Send,
    F: FnOnce(&Connection) -> Result<T> + Send,
{
    fn run(&mut self, conn: &Connection) -> bool {
        let Some(work) = self.work.take() else {
            return false;
        };
        let out = work(conn);
        let ok = out.is_ok();
        self.out = Some(out);
        ok
    }

    fn answer(self: Box<Self>, committed: &Result<()>) {
        let out = match (self.out, committed) {
            // A refused write keeps its own reason, whatever became of the batch.
            (Some(Err(e)), _) => Err(e),
            (Some(Ok(v)), Ok(())) => Ok(v),
            (Some(Ok(_)), Err(e)) => Err(e.clone()),
            (None, Err(e)) => Err(e.clone()),
            (None, Ok(())) => Err(StorageError::Internal("a queued write did not run".into())),
        };
        // The caller may have gone (its request was dropped): the write
        // stands all the same, as a push the device will repeat harmlessly.
        let _ = self.reply.send(out);
    }
}

impl GroupCommit {
    pub(super) fn new(writer: Arc<Mutex<Connection>>) -> GroupCommit {
        GroupCommit {
            writer,
            queue: Mutex::new(Queue {
                jobs: Vec::new(),
                draining: false,
            }),
            batches: AtomicU64::new(0),
        }
    }

    /// How many batches were committed (or failed) since the store opened.
    #[cfg(test)]
    pub(super) fn batches(&self) -> u64 {
        self.batches.load(Ordering::Relaxed)
    }

    /// How many writes are queued, not yet taken by a drainer.
    #[cfg(test)]
    pub(super) fn queued(&self) -> usize {
        lock(&self.queue).jobs.len()
    }

    /// Keeps the writer busy, from another thread, until the returned
    /// sender is dropped: what a long commit does to the writes behind it.
    #[cfg(test)]
    pub(super) fn hold_writer(&self) -> std::sync::mpsc::Sender<()> {
        let writer = Arc::clone(&self.writer);
        let (held_tx, held_rx) = std::sync::mpsc::channel();
        let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
        std::thread::spawn(move || {
            let _conn = lock(&writer);
            let _ = held_tx.send(());
            // Returns when the sender is dropped.
            let _ = release_rx.recv();
        });
        held_rx
            .recv()
            .expect("the holding thread locked the writer");
        release_tx
    }

    /// Queues `work` for the next batch and waits until that batch is
    /// committed. `work` runs on the writer connection, inside the batch's
    /// transaction, and must not begin or end transactions itself.
    pub(super) async fn submit<T, F>(self: &Arc<Self>, work: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let job = Box::new(Pending {
            work: Some(work),
            out: None,
            reply,
        });
        let start_drainer = {
            let mut queue = lock(&self.queue);
            queue.jobs.push(job);
            !std::mem::replace(&mut queue.draining, true)
        };
        if start_drainer {
            let this = Arc::clone(self);
            tokio::task::spawn_blocking(move || this.drain());
        }
        answer.await.map_err(|_| {
            StorageError::Internal("a queued write was lost (the writer panicked)".into())
        })?
    }

    /// Commits batches until the queue is empty.
    fn drain(&self) {
        loop {
            // The writer first, then the queue: everything queued while the
            // previous commit (or another write) held the writer joins this batch.
            let mut conn = lock(&self.writer);
            let batch = {
                let mut queue = lock(&self.queue);
                if queue.jobs.is_empty() {
                    queue.draining = false;
                    return;
                }
                std::mem::take(&mut queue.jobs)
            };
            // A panic drops the batch's jobs, whose callers then get an
            // error; the transaction rolled back as it unwound. The next
            // batch must still run.
            let _ = catch_unwind(AssertUnwindSafe(|| commit_batch(&mut conn, batch)));
            self.batches.fetch_add(1, Ordering::Relaxed);
        }
    }
}

fn commit_batch(conn: &mut Connection, mut batch: Vec<Box<dyn Job>>) {
    let committed = run_batch(conn, &mut batch);
    for job in batch {
        job.answer(&committed);
    }
}

fn run_batch(conn: &mut Connection, batch: &mut [Box<dyn Job>]) -> Result<()> {
    let mut tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    for job in batch.iter_mut() {
        let mut savepoint = tx.savepoint()?;
        if job.run(&savepoint) {
            savepoint.commit()?;
        } else {
            savepoint.rollback()?;
            savepoint.commit()?;
        }
        // Some errors (a full disk, I/O) make SQLite roll the whole
        // transaction back: the later writes must not run outside one.
        if tx.is_autocommit() {
            return Err(StorageError::Unavailable(
                "the hub store rolled back a batch of writes".into(),
            ));
        }
    }
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> (tempfile::TempDir, Arc<GroupCommit>) {
        let dir = tempfile::tempdir().unwrap();
        let conn = Connection::open(dir.path().join("g.sqlite")).unwrap();
        conn.execute_batch("PRAGMA journal_mode = WAL; CREATE TABLE t (x INTEGER PRIMARY KEY)")
            .unwrap();
        (dir, Arc::new(GroupCommit::new(Arc::new(Mutex::new(conn)))))
    }

    fn insert(x: i64, fail: bool) -> impl FnOnce(&Connection) -> Result<i64> + Send + 'static {
        move |conn| {
            conn.execute("INSERT INTO t (x) VALUES (?1)", [x])?;
            if fail {
                return Err(StorageError::Conflict("refused".into()));
            }
            Ok(x)
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn writes_queued_behind_the_writer_commit_together_and_fail_alone() {
        let (_dir, commits) = store();
        let held = commits.hold_writer();
        let mut tasks = Vec::new();
        for x in 0..20 {
            let commits = Arc::clone(&commits);
            tasks.push(tokio::spawn(async move {
                commits.submit(insert(x, x == 7)).await
            }));
        }
        // Every write is queued while the writer is busy.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while commits.queued() < 20 {
            assert!(std::time::Instant::now() < deadline, "writes never queued");
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        drop(held);
        for (x, task) in tasks.into_iter().enumerate() {
            let out = task.await.unwrap();
            if x == 7 {
                assert_eq!(out, Err(StorageError::Conflict("refused".into())));
            } else {
                assert_eq!(out, Ok(x as i64));
            }
        }
        assert_eq!(commits.batches(), 1);
        let conn = lock(&commits.writer);
        let rows: Vec<i64> = conn
            .prepare("SELECT x FROM t ORDER BY x")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        // The refused write's row was rolled back with its savepoint.
        let expected: Vec<i64> = (0..20).filter(|x| *x != 7).collect();
        assert_eq!(rows, expected);
        assert!(conn.is_autocommit());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_failed_commit_fails_every_write_of_its_batch() {
        let (_dir, commits) = store();
        // A row that makes the deferred foreign key fail at COMMIT.
        {
            let conn = lock(&commits.writer);
            conn.execute_batch(
                "PRAGMA foreign_keys = ON; \
                 CREATE TABLE p (id INTEGER PRIMARY KEY); \
                 CREATE TABLE c (p INTEGER REFERENCES p(id) DEFERRABLE INITIALLY DEFERRED)",
            )
            .unwrap();
        }
        let held = commits.hold_writer();
        let good = tokio::spawn({
            let commits = Arc::clone(&commits);
            async move { commits.submit(insert(1, false)).await }
        });
        let orphan = tokio::spawn({
            let commits = Arc::clone(&commits);
            async move {
                commits
                    .submit(|conn| Ok(conn.execute("INSERT INTO c (p) VALUES (99)", [])?))
                    .await
            }
        });
        while commits.queued() < 2 {
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        drop(held);
        assert!(good.await.unwrap().is_err());
        assert!(orphan.await.unwrap().is_err());
        {
            let conn = lock(&commits.writer);
            let n: i64 = conn
                .query_row("SELECT count(*) FROM t", [], |r| r.get(0))
                .unwrap();
            assert_eq!(n, 0);
            assert!(conn.is_autocommit());
        }
        // The writer still works afterwards.
        assert_eq!(commits.submit(insert(2, false)).await, Ok(2));
    }
}
