use super::*;

const STEPS: &[&str] = &[
    "CREATE TABLE a (x INTEGER);",
    "CREATE TABLE b (y INTEGER); INSERT INTO a VALUES (7);",
    "ALTER TABLE a ADD COLUMN z TEXT;",
];
const SCHEMA: Migrations = Migrations::new(STEPS);

#[test]
fn the_version_is_the_number_of_steps() {
    assert_eq!(SCHEMA.version(), 3);
    assert_eq!(Migrations::new(&STEPS[..1]).version(), 1);
}

#[test]
fn the_plan_runs_the_missing_steps_in_order() {
    let all: Vec<Step> = SCHEMA.plan(0).unwrap().collect();
    assert_eq!(
        all.iter().map(|s| s.version).collect::<Vec<_>>(),
        vec![1, 2, 3]
    );
    assert_eq!(all[0].sql, STEPS[0]);
    let rest: Vec<Step> = SCHEMA.plan(1).unwrap().collect();
    assert_eq!(
        rest,
        vec![
            Step {
                version: 2,
                sql: STEPS[1]
            },
            Step {
                version: 3,
                sql: STEPS[2]
            }
        ]
    );
    assert_eq!(SCHEMA.plan(3).unwrap().count(), 0);
}

#[test]
fn a_newer_version_has_no_plan() {
    assert_eq!(SCHEMA.plan(4).err(), Some(TooNew { found: 4, known: 3 }));
}

#[cfg(feature = "sqlite")]
mod on_sqlite {
    use rusqlite::Connection;

    use super::*;
    use crate::sqlite::UserVersion;

    fn version(conn: &Connection) -> u32 {
        conn.query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap()
    }

    fn schema(conn: &Connection) -> Vec<String> {
        let mut stmt = conn
            .prepare("SELECT sql FROM sqlite_master ORDER BY name")
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    }

    #[test]
    fn an_empty_database_gets_every_step_and_a_second_run_changes_nothing() {
        let conn = Connection::open_in_memory().unwrap();
        assert_eq!(SCHEMA.run(&mut UserVersion::new(&conn)).unwrap(), 3);
        assert_eq!(version(&conn), 3);
        let before = schema(&conn);
        assert_eq!(
            before,
            vec![
                "CREATE TABLE a (x INTEGER, z TEXT)".to_owned(),
                "CREATE TABLE b (y INTEGER)".to_owned()
            ]
        );

        assert_eq!(SCHEMA.run(&mut UserVersion::new(&conn)).unwrap(), 3);
        assert_eq!(schema(&conn), before);
        let rows: i64 = conn
            .query_row("SELECT count(*) FROM a", [], |r| r.get(0))
            .unwrap();
        assert_eq!(rows, 1, "step 2 ran once");
    }

    #[test]
    fn an_older_database_gets_only_the_missing_steps() {
        let conn = Connection::open_in_memory().unwrap();
        Migrations::new(&STEPS[..2])
            .run(&mut UserVersion::new(&conn))
            .unwrap();
        conn.execute("INSERT INTO b VALUES (42)", []).unwrap();

        SCHEMA.run(&mut UserVersion::new(&conn)).unwrap();

        assert_eq!(version(&conn), 3);
        let kept: i64 = conn.query_row("SELECT y FROM b", [], |r| r.get(0)).unwrap();
        assert_eq!(kept, 42);
    }

    #[test]
    fn a_newer_database_is_refused_untouched() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE future (w); PRAGMA user_version = 9;")
            .unwrap();

        let refused = SCHEMA.run(&mut UserVersion::new(&conn));

        assert!(matches!(
            refused,
            Err(Error::TooNew(TooNew { found: 9, known: 3 }))
        ));
        assert_eq!(version(&conn), 9);
        assert_eq!(schema(&conn), vec!["CREATE TABLE future (w)".to_owned()]);
    }

    #[test]
    fn a_failing_step_rolls_back_and_keeps_the_version() {
        const BROKEN: &[&str] = &[
            STEPS[0],
            STEPS[1],
            "CREATE TABLE c (q); INSERT INTO missing VALUES (1);",
        ];
        let conn = Connection::open_in_memory().unwrap();

        let failed = Migrations::new(BROKEN).run(&mut UserVersion::new(&conn));

        assert!(matches!(failed, Err(Error::Database(_))));
        assert_eq!(version(&conn), 2, "the steps before it stay applied");
        assert_eq!(
            schema(&conn),
            vec![
                "CREATE TABLE a (x INTEGER)".to_owned(),
                "CREATE TABLE b (y INTEGER)".to_owned()
            ],
            "nothing of the failed step remains"
        );
    }

    #[test]
    fn inside_a_transaction_a_failed_step_leaves_the_transaction_usable() {
        let mut conn = Connection::open_in_memory().unwrap();
        let tx = conn.transaction().unwrap();
        tx.execute_batch("CREATE TABLE mine (m)").unwrap();
        let broken = Migrations::new(&["CREATE TABLE c (q); INSERT INTO missing VALUES (1);"]);

        assert!(broken.run(&mut UserVersion::new(&tx)).is_err());
        tx.execute("INSERT INTO mine VALUES (1)", []).unwrap();
        tx.commit().unwrap();

        assert_eq!(version(&conn), 0);
        assert_eq!(schema(&conn), vec!["CREATE TABLE mine (m)".to_owned()]);
    }

    /// An async backend over an owned SQLite connection: the async driver
    /// makes the same decisions as the blocking one.
    struct OwnedSqlite(Connection);

    impl AsyncDatabase for OwnedSqlite {
        type Error = rusqlite::Error;

        async fn stored_version(&mut self) -> rusqlite::Result<u32> {
            UserVersion::new(&self.0).stored_version()
        }

        async fn apply(&mut self, step: Step) -> rusqlite::Result<()> {
            UserVersion::new(&self.0).apply(step)
        }
    }

    #[tokio::test]
    async fn the_async_driver_upgrades_and_refuses_alike() {
        let mut db = OwnedSqlite(Connection::open_in_memory().unwrap());
        Migrations::new(&STEPS[..1])
            .run_async(&mut db)
            .await
            .unwrap();
        assert_eq!(SCHEMA.run_async(&mut db).await.unwrap(), 3);
        assert_eq!(version(&db.0), 3);
        assert_eq!(schema(&db.0)[0], "CREATE TABLE a (x INTEGER, z TEXT)");

        assert!(matches!(
            Migrations::new(&STEPS[..2]).run_async(&mut db).await,
            Err(Error::TooNew(TooNew { found: 3, known: 2 }))
        ));
    }
}
