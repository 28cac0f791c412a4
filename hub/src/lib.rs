//! Fieldbook's office hub: the sync server that stores and relays sealed
//! record versions it cannot read.
//!
//! [`storage`] keeps teams, devices, enrollment codes, each team's append-only
//! log of sealed versions and the key envelopes of key rotation, in embedded
//! SQLite (the default) or in PostgreSQL shared by several hub processes.
//! [`api`] is the HTTP API over it; [`roster`] checks the team's signed
//! roster before anything is stored; [`server`] listens (plain on loopback,
//! or TLS), holds every connection to timeouts and a cap, and shuts down
//! gracefully; [`private_files`] keeps the data readable by the hub's user only.

pub mod admin;
pub mod api;
pub mod housekeeping;
pub mod private_files;
pub mod roster;
pub mod server;
pub mod storage;
