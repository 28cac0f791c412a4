//! A whole Fieldbook team simulated in one process, in the manner of
//! FoundationDB's and TigerBeetle's simulation testing: real code in a
//! simulated world, thousands of random schedules, each deterministic from
//! its seed.
//!
//! - **Real code.** Devices are real [`fieldbook_core::store::Store`]s (the
//!   tests' fast key derivation) driven through the real sync, compaction,
//!   invite, enrollment and revocation code. The hub is the real axum router
//!   over real storage: SQLite in a temporary directory, or PostgreSQL.
//! - **Simulated world.** Between them a simulated network ([`network`])
//!   hands each request to the router and can lose it, lose its answer after
//!   the hub committed, duplicate it, hold a copy back for much later, and
//!   reorder requests of different devices. Devices crash at any request or
//!   store step of a sync and reopen from disk; the hub crashes and reopens.
//!   Each device reads world time through its own drifting, jumping clock
//!   ([`clock`]).
//! - **Schedules** ([`generate`]) interleave writes, edits and deletes of
//!   every kind from every role, syncs (several at once), lock and unlock
//!   (a locked device's sync holds what it pulls), compaction, invites,
//!   enrollments, revocations with their key rotations, crashes and clock
//!   trouble. Quiet points heal the network, let every device sync, and
//!   check the [`invariants`].
//!
//! # Determinism
//!
//! Every choice of a schedule comes from one seeded generator ([`rng`]).
//! Tasks that talk to the hub run on threads, but one at a time, handing a
//! baton through the scheduler at every stop ([`task`]), so the OS never
//! decides an order. What stays random is what cannot change an outcome:
//!
//! - keys, nonces, enrollment codes and tokens (OS randomness, as in the
//!   product);
//! - record and version ids (UUIDv7 made in the core) and device ids (made
//!   by the hub): the simulation names records `r0, r1, …` and devices
//!   `d0, d1, …` by the order the schedule made them and never picks by id;
//!   merging orders writes by clock stamp, not by id;
//! - which of two writes with the very same clock stamp wins, which breaks
//!   on the random device id: no invariant depends on who wins, only on
//!   every device agreeing;
//! - absolute time: the world starts at noon UTC of the day it runs, and
//!   every device clock is that start plus simulated offsets.
//!
//! So a seed replays the same trace on any day (`run::run_seed` twice gives
//! equal traces, which a test checks).

pub mod clock;
pub mod device;
pub mod generate;
pub mod hub;
pub mod invariants;
pub mod model;
pub mod network;
pub mod records;
pub mod rng;
pub mod run;
pub mod step;
pub mod task;
pub mod world;
