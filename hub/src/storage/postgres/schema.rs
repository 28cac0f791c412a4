//! The PostgreSQL schema and its migrations, recorded in a versioned
//! migrations table and run by the shared runner (`fieldbook-migrate`).
//!
//! Several hub processes may start at once against one database: each runs
//! the migrations in one transaction holding a transaction-scoped advisory
//! lock, so exactly one applies a step and the others then find it applied.
//! Tables are created in the first schema of the connection's `search_path`.

use fieldbook_migrate::{AsyncDatabase, Migrations, Step};
use tokio_postgres::{Client, Transaction};

use crate::storage::{Result, StorageError};

/// The advisory lock key taken while migrating ("FBHUBMIG").
const MIGRATION_LOCK: i64 = 0x4642_4855_424d_4947;

/// Every migration step, in order. Released steps are frozen: never edit
/// one, append a new one.
pub const MIGRATIONS: Migrations = Migrations::new(&[V1, V2]);

/// The schema version this build writes: the number of [`MIGRATIONS`].
pub const VERSION: i32 = MIGRATIONS.version() as i32;

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
    MIGRATIONS
        .run_async(&mut MigrationsTable { tx: &tx })
        .await
        .map_err(|e| StorageError::from_migration(e, "hub database"))?;
    tx.commit().await?;
    Ok(VERSION)
}

/// The database as the runner sees it: its version is the largest one
/// recorded in `fieldbook_hub_migrations`, one row per applied step. Every
/// step runs in the caller's one transaction, which holds the migration
/// lock: a step and its row commit together, and with the steps before them.
struct MigrationsTable<'a> {
    tx: &'a Transaction<'a>,
}

impl AsyncDatabase for MigrationsTable<'_> {
    type Error = StorageError;

    async fn stored_version(&mut self) -> Result<u32> {
        let version: i32 = self
            .tx
            .query_one(
                "SELECT coalesce(max(version), 0) FROM fieldbook_hub_migrations",
                &[],
            )
            .await?
            .get(0);
        u32::try_from(version)
            .map_err(|_| StorageError::Internal("negative schema version recorded".into()))
    }

    async fn apply(&mut self, step: Step) -> Result<()> {
        let version = i32::try_from(step.version)
            .map_err(|_| StorageError::Internal("schema version out of range".into()))?;
        self.tx.batch_execute(step.sql).await?;
        self.tx
            .execute(
                "INSERT INTO fieldbook_hub_migrations (version) VALUES ($1)",
                &[&version],
            )
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use tokio_postgres::NoTls;
    use uuid::Uuid;

    use super::*;
    use crate::storage::test_backends::PgSchema;

    /// The schema of the first release, copied verbatim from the commit that
    /// shipped it (fab8b9d), kept apart from [`V1`] so an edit to that step
    /// cannot go unnoticed; then the migrations table as that release made it.
    const FROZEN_V1: &str = "
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

CREATE TABLE IF NOT EXISTS fieldbook_hub_migrations (
    version    integer PRIMARY KEY,
    applied_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO fieldbook_hub_migrations (version) VALUES (1);
";

    async fn client(schema: &PgSchema) -> Client {
        let (client, connection) = schema.config().connect(NoTls).await.unwrap();
        tokio::spawn(connection);
        client
    }

    /// The schema's tables, columns (with their storage), constraints and
    /// indexes, in a form that does not depend on the schema's name.
    async fn describe(client: &Client) -> Vec<String> {
        const QUERIES: &[&str] = &[
            "SELECT 'column ' || c.table_name || '.' || c.column_name || ' #' || \
             c.ordinal_position || ' ' || c.data_type || ' null=' || c.is_nullable || \
             ' default=' || coalesce(c.column_default, '-') || ' storage=' || a.attstorage::text \
             FROM information_schema.columns c \
             JOIN pg_attribute a ON a.attrelid = (c.table_schema || '.' || c.table_name)::regclass \
                 AND a.attname = c.column_name \
             WHERE c.table_schema = current_schema()",
            "SELECT 'constraint ' || t.relname || '.' || c.conname || ' ' || \
             pg_get_constraintdef(c.oid) \
             FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid \
             WHERE c.connamespace = current_schema()::regnamespace",
            "SELECT 'index ' || indexname || ' ' || replace(indexdef, schemaname || '.', '') \
             FROM pg_indexes WHERE schemaname = current_schema()",
        ];
        let mut out = Vec::new();
        for query in QUERIES {
            for row in client.query(*query, &[]).await.unwrap() {
                out.push(row.get::<_, String>(0));
            }
        }
        out.sort();
        out
    }

    async fn applied(client: &Client) -> Vec<i32> {
        client
            .query(
                "SELECT version FROM fieldbook_hub_migrations ORDER BY version",
                &[],
            )
            .await
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect()
    }

    /// A first-release hub database, rows and all, upgrades to the schema a
    /// new database gets, and its rows survive.
    #[tokio::test]
    async fn a_first_release_database_keeps_its_rows() {
        let (Some(old_schema), Some(fresh_schema)) =
            (PgSchema::create().await, PgSchema::create().await)
        else {
            return;
        };
        let mut old = client(&old_schema).await;
        old.batch_execute(FROZEN_V1).await.unwrap();
        let (team, device, version) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        old.execute("INSERT INTO teams VALUES ($1, 'Team', now(), 2)", &[&team])
            .await
            .unwrap();
        old.execute("INSERT INTO log_heads VALUES ($1, 2)", &[&team])
            .await
            .unwrap();
        old.execute(
            "INSERT INTO devices (id, team_id, role, token_hash, status, created_at) \
             VALUES ($1, $2, 'outreach', $3, 'active', now())",
            &[&device, &team, &vec![7u8; 32]],
        )
        .await
        .unwrap();
        old.execute(
            "INSERT INTO versions VALUES ($1, 1, $2, $3, 'client', 'general', 2, '\\x0506', \
             $4, now())",
            &[&team, &version, &Uuid::now_v7(), &device],
        )
        .await
        .unwrap();
        old.execute(
            "INSERT INTO key_envelopes VALUES ($1, 2, $2, 'general', '\\x08')",
            &[&team, &device],
        )
        .await
        .unwrap();

        assert_eq!(migrate(&mut old).await.unwrap(), VERSION);
        let mut fresh = client(&fresh_schema).await;
        assert_eq!(migrate(&mut fresh).await.unwrap(), VERSION);

        assert_eq!(describe(&old).await, describe(&fresh).await);
        assert_eq!(applied(&old).await, vec![1, 2]);
        assert_eq!(applied(&fresh).await, vec![1, 2]);
        let row = old
            .query_one(
                "SELECT v.body, v.pushed_by, e.wrapped, e.signer, h.next_seq \
                 FROM versions v, key_envelopes e, log_heads h WHERE v.version_id = $1",
                &[&version],
            )
            .await
            .unwrap();
        assert_eq!(row.get::<_, Vec<u8>>(0), vec![5, 6]);
        assert_eq!(row.get::<_, Option<Uuid>>(1), Some(device));
        assert_eq!(row.get::<_, Vec<u8>>(2), vec![8]);
        assert_eq!(row.get::<_, Option<Uuid>>(3), None);
        assert_eq!(row.get::<_, i64>(4), 2);
    }

    /// A database from a newer build is refused and left as it is; an
    /// up-to-date one is migrated again to no effect.
    #[tokio::test]
    async fn newer_databases_are_refused_and_current_ones_untouched() {
        let Some(schema) = PgSchema::create().await else {
            return;
        };
        let mut db = client(&schema).await;
        migrate(&mut db).await.unwrap();
        let before = describe(&db).await;
        migrate(&mut db).await.unwrap();
        assert_eq!(describe(&db).await, before);
        assert_eq!(applied(&db).await, vec![1, 2]);

        db.execute(
            "INSERT INTO fieldbook_hub_migrations (version) VALUES ($1)",
            &[&(VERSION + 1)],
        )
        .await
        .unwrap();
        let refused = migrate(&mut db).await.unwrap_err();
        assert!(matches!(refused, StorageError::InvalidInput(_)));
        assert!(refused.to_string().contains("schema version 3"));
        assert_eq!(describe(&db).await, before);
    }

    #[test]
    fn the_version_is_the_number_of_steps() {
        assert_eq!(VERSION, 2, "the version stored by released builds");
    }
}
