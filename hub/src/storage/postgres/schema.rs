//! The PostgreSQL schema and its migrations, recorded in a versioned
//! migrations table.
//!
//! Several hub processes may start at once against one database: each runs
//! the migrations in one transaction holding a transaction-scoped advisory
//! lock, so exactly one applies a step and the others then find it applied.
//! Tables are created in the first schema of the connection's `search_path`.

use tokio_postgres::Client;

use crate::storage::{Result, StorageError};

/// The advisory lock key taken while migrating ("FBHUBMIG").
const MIGRATION_LOCK: i64 = 0x4642_4855_424d_4947;

/// Every migration step, in order. Released steps are frozen: never edit
/// one, append a new one.
pub const MIGRATIONS: &[(i32, &str)] = &[(1, V1), (2, V2)];

/// The schema version this build writes.
pub const VERSION: i32 = 2;

/// Version 1, frozen.
pub const V1: &str = "
CREATE TABLE teams (
    id            uuid PRIMARY KEY,
    name          text NOT NULL,
    created_at    timestamptz NOT NULL,
    current_epoch bigint NOT NULL DEFAULT 1 CHECK (current_epoch >= 1)
);

-- The team's log lock and seq counter: a push locks this row (FOR UPDATE)
-- before allocating seqs and keeps it until commit, so a team's seqs become
-- visible in increasing order.
CREATE TABLE log_heads (
    team_id  uuid PRIMARY KEY REFERENCES teams (id),
    next_seq bigint NOT NULL
);

CREATE TABLE devices (
    id           uuid PRIMARY KEY,
    team_id      uuid NOT NULL REFERENCES teams (id),
    role         text NOT NULL
                 CHECK (role IN ('outreach', 'case-manager', 'peer-leader', 'supervisor')),
    public_key   bytea CHECK (public_key IS NULL OR octet_length(public_key) = 32),
    token_hash   bytea NOT NULL UNIQUE CHECK (octet_length(token_hash) = 32),
    status       text NOT NULL CHECK (status IN ('active', 'revoked')),
    wipe_pending boolean NOT NULL DEFAULT false,
    created_at   timestamptz NOT NULL,
    last_seen_at timestamptz,
    label        text
);
CREATE INDEX devices_by_team ON devices (team_id, created_at);

CREATE TABLE invites (
    id            uuid PRIMARY KEY,
    team_id       uuid NOT NULL REFERENCES teams (id),
    role          text NOT NULL
                  CHECK (role IN ('outreach', 'case-manager', 'peer-leader', 'supervisor')),
    verifier_hash bytea NOT NULL CHECK (octet_length(verifier_hash) = 32),
    key_bundle    bytea,
    created_by    uuid REFERENCES devices (id),
    created_at    timestamptz NOT NULL,
    expires_at    timestamptz NOT NULL,
    used_at       timestamptz
);

CREATE TABLE versions (
    team_id     uuid NOT NULL REFERENCES teams (id),
    seq         bigint NOT NULL,
    version_id  uuid NOT NULL,
    record_id   uuid NOT NULL,
    kind        text NOT NULL,
    key_class   text NOT NULL,
    key_epoch   bigint NOT NULL,
    body        bytea NOT NULL,
    pushed_by   uuid NOT NULL REFERENCES devices (id),
    received_at timestamptz NOT NULL,
    PRIMARY KEY (team_id, seq),
    UNIQUE (team_id, version_id)
);
-- Sealed bodies do not compress: do not try.
ALTER TABLE versions ALTER COLUMN body SET STORAGE EXTERNAL;
CREATE INDEX versions_by_record ON versions (team_id, record_id, seq);

-- Ids of versions dropped by compaction: pushing one again is a duplicate,
-- not a new version.
CREATE TABLE compacted_versions (
    team_id    uuid NOT NULL REFERENCES teams (id),
    version_id uuid NOT NULL,
    PRIMARY KEY (team_id, version_id)
);

CREATE TABLE key_envelopes (
    team_id   uuid NOT NULL REFERENCES teams (id),
    epoch     bigint NOT NULL,
    device_id uuid NOT NULL REFERENCES devices (id),
    key_class text NOT NULL,
    wrapped   bytea NOT NULL,
    PRIMARY KEY (team_id, epoch, device_id, key_class)
);
CREATE INDEX key_envelopes_by_device ON key_envelopes (device_id, epoch);
";

/// Version 2: the team's signed roster and signing-key claims, signed key
/// envelopes, and `pushed_by` that the hub forgets after a while.
pub const V2: &str = "
CREATE TABLE roster_links (
    team_id   uuid NOT NULL REFERENCES teams (id),
    seq       bigint NOT NULL CHECK (seq >= 1),
    prev      bytea NOT NULL CHECK (octet_length(prev) = 32),
    statement bytea NOT NULL,
    signature bytea NOT NULL,
    PRIMARY KEY (team_id, seq)
);

CREATE TABLE signing_key_claims (
    team_id   uuid NOT NULL REFERENCES teams (id),
    device_id uuid NOT NULL REFERENCES devices (id),
    claim     bytea NOT NULL,
    PRIMARY KEY (team_id, device_id)
);

ALTER TABLE key_envelopes ADD COLUMN signer uuid, ADD COLUMN signature bytea;

ALTER TABLE versions ALTER COLUMN pushed_by DROP NOT NULL;
CREATE INDEX versions_with_pusher ON versions (received_at) WHERE pushed_by IS NOT NULL;
";

/// Applies the missing migration steps; returns the schema version.
pub async fn migrate(client: &mut Client) -> Result<i32> {
    let tx = client.transaction().await?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
        .await?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS fieldbook_hub_migrations (
             version    integer PRIMARY KEY,
             applied_at timestamptz NOT NULL DEFAULT now()
         )",
    )
    .await?;
    let current: i32 = tx
        .query_one(
            "SELECT coalesce(max(version), 0) FROM fieldbook_hub_migrations",
            &[],
        )
        .await?
        .get(0);
    if current > VERSION {
        return Err(StorageError::InvalidInput(format!(
            "the hub database has schema version {current}; this build knows up to {VERSION}"
        )));
    }
    for (version, sql) in MIGRATIONS {
        if *version > current {
            tx.batch_execute(sql).await?;
            tx.execute(
                "INSERT INTO fieldbook_hub_migrations (version) VALUES ($1)",
                &[version],
            )
            .await?;
        }
    }
    tx.commit().await?;
    Ok(VERSION)
}
