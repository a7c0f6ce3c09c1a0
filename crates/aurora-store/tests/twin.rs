//! `TwinStore` conformance: values with versions and history written together, optimistic
//! concurrency, deletion (also out of the history), companies and mandates, and erasure
//! through the cascades; on SQLite always and on PostgreSQL when `AURORA_TEST_DATABASE_URL`
//! is set.

#[path = "conformance/harness.rs"]
#[macro_use]
#[allow(dead_code)]
mod harness;

conformance! {
    cases::values_and_history_are_written_together,
    cases::expected_versions_detect_concurrent_changes,
    cases::concurrent_conditional_writes_have_one_winner,
    cases::deleting_removes_the_value_from_the_history_too,
    cases::deleting_everything_records_each_deletion,
    cases::companies_have_unique_business_ids_and_mandates,
    cases::erasing_a_person_removes_its_twin_companies_and_mandates,
}

mod cases {
    use std::sync::Arc;

    use aurora_store::people::{PersonKind, PersonStore};
    use aurora_store::twin::{
        ActorRecord, CompanyRecord, HistoryOp, MandateRecord, TwinStore, WriteOutcome,
    };
    use aurora_store::SqlStore;
    use sqlx::Row;

    use crate::harness::TestDb;

    async fn person(s: &SqlStore, kind: PersonKind) -> String {
        let id = format!("{:032x}", rand::random::<u128>());
        s.create_person(&id, kind, "v1.k.n.c", "k")
            .await
            .expect("person");
        id
    }

    fn me(id: &str) -> ActorRecord {
        ActorRecord {
            kind: "person".into(),
            id: id.into(),
            mandate_id: None,
        }
    }

    async fn count(db: &TestDb, sql: &str, id: &str) -> i64 {
        sqlx::query(sql)
            .bind(id)
            .fetch_one(db.raw())
            .await
            .expect(sql)
            .get::<i64, _>(0)
    }

    pub async fn values_and_history_are_written_together(db: &TestDb) {
        let s = &db.store;
        let p = person(s, PersonKind::Person).await;
        let a = me(&p);
        assert_eq!(
            s.set_twin_value(&p, "age", "sealed-1", None, &a)
                .await
                .unwrap(),
            WriteOutcome::Written(1)
        );
        assert_eq!(
            s.set_twin_value(&p, "age", "sealed-2", None, &a)
                .await
                .unwrap(),
            WriteOutcome::Written(2)
        );
        s.set_twin_value(&p, "student", "sealed-3", None, &a)
            .await
            .unwrap();
        let values = s.twin_values(&p).await.unwrap();
        assert_eq!(values.len(), 2);
        assert_eq!(values[0].attribute, "age");
        assert_eq!(values[0].sealed, "sealed-2");
        assert_eq!(values[0].version, 2);
        assert_eq!(values[0].actor, a);
        let named = s.twin_values_named(&p, &["student", "nope"]).await.unwrap();
        assert_eq!(named.len(), 1);
        assert_eq!(named[0].attribute, "student");

        let history = s.twin_history(&p, None, 10).await.unwrap();
        assert_eq!(history.len(), 3);
        assert_eq!(history[0].attribute, "student");
        assert_eq!(history[1].sealed.as_deref(), Some("sealed-2"));
        assert_eq!(history[1].version, 2);
        assert_eq!(history[2].sealed.as_deref(), Some("sealed-1"));
        assert!(history[0].id > history[1].id);
        // Paging.
        let older = s.twin_history(&p, Some(history[1].id), 10).await.unwrap();
        assert_eq!(older.len(), 1);
        assert_eq!(older[0].id, history[2].id);
        // Debug output never shows the sealed value.
        assert!(!format!("{values:?}{history:?}").contains("sealed-2"));
        // An agent's act records the mandate.
        let agent = ActorRecord {
            kind: "agent".into(),
            id: "someone".into(),
            mandate_id: Some("m-1".into()),
        };
        s.set_twin_value(&p, "age", "sealed-4", None, &agent)
            .await
            .unwrap();
        let h = s.twin_history(&p, None, 1).await.unwrap();
        assert_eq!(h[0].actor, agent);
    }

    pub async fn expected_versions_detect_concurrent_changes(db: &TestDb) {
        let s = &db.store;
        let p = person(s, PersonKind::Person).await;
        let a = me(&p);
        // 0: only when there is no value yet.
        assert_eq!(
            s.set_twin_value(&p, "age", "x1", Some(0), &a)
                .await
                .unwrap(),
            WriteOutcome::Written(1)
        );
        assert_eq!(
            s.set_twin_value(&p, "age", "x2", Some(0), &a)
                .await
                .unwrap(),
            WriteOutcome::Conflict
        );
        assert_eq!(
            s.set_twin_value(&p, "age", "x2", Some(1), &a)
                .await
                .unwrap(),
            WriteOutcome::Written(2)
        );
        // A stale version is refused and leaves no history row behind.
        assert_eq!(
            s.set_twin_value(&p, "age", "x3", Some(1), &a)
                .await
                .unwrap(),
            WriteOutcome::Conflict
        );
        assert_eq!(
            s.set_twin_value(&p, "age", "x3", Some(-1), &a)
                .await
                .unwrap(),
            WriteOutcome::Conflict
        );
        assert_eq!(s.twin_history(&p, None, 10).await.unwrap().len(), 2);
        assert_eq!(s.twin_values(&p).await.unwrap()[0].sealed, "x2");
        // Conditional deletion too.
        assert_eq!(
            s.delete_twin_value(&p, "age", Some(1), &a).await.unwrap(),
            WriteOutcome::Conflict
        );
        assert_eq!(
            s.delete_twin_value(&p, "age", Some(2), &a).await.unwrap(),
            WriteOutcome::Written(0)
        );
        assert_eq!(
            s.delete_twin_value(&p, "age", None, &a).await.unwrap(),
            WriteOutcome::Conflict
        );
    }

    pub async fn concurrent_conditional_writes_have_one_winner(db: &TestDb) {
        let s = Arc::new(db.reopen().await.unwrap());
        let p = person(&s, PersonKind::Person).await;
        s.set_twin_value(&p, "age", "v", None, &me(&p))
            .await
            .unwrap();
        let mut tasks = Vec::new();
        for i in 0..8 {
            let s = Arc::clone(&s);
            let p = p.clone();
            tasks.push(tokio::spawn(async move {
                s.set_twin_value(&p, "age", &format!("w{i}"), Some(1), &me(&p))
                    .await
                    .unwrap()
            }));
        }
        let mut won = 0;
        for t in tasks {
            if t.await.unwrap() == WriteOutcome::Written(2) {
                won += 1;
            }
        }
        assert_eq!(won, 1);
        assert_eq!(s.twin_history(&p, None, 100).await.unwrap().len(), 2);
    }

    pub async fn deleting_removes_the_value_from_the_history_too(db: &TestDb) {
        let s = &db.store;
        let p = person(s, PersonKind::Person).await;
        let a = me(&p);
        s.set_twin_value(&p, "age", "a1", None, &a).await.unwrap();
        s.set_twin_value(&p, "age", "a2", None, &a).await.unwrap();
        s.set_twin_value(&p, "student", "s1", None, &a)
            .await
            .unwrap();
        s.delete_twin_value(&p, "age", None, &a).await.unwrap();
        let h = s.twin_history(&p, None, 10).await.unwrap();
        assert_eq!(h.len(), 4);
        assert_eq!(h[0].op, HistoryOp::Delete);
        assert_eq!(h[0].attribute, "age");
        assert!(h
            .iter()
            .filter(|r| r.attribute == "age")
            .all(|r| r.sealed.is_none()));
        // The other attribute's history is untouched.
        assert_eq!(h[1].sealed.as_deref(), Some("s1"));
        assert_eq!(
            count(
                db,
                "SELECT COUNT(*) FROM twin_history WHERE person_id = $1 AND sealed IS NOT NULL",
                &p
            )
            .await,
            1
        );
        // Setting again starts at version 1.
        assert_eq!(
            s.set_twin_value(&p, "age", "a3", Some(0), &a)
                .await
                .unwrap(),
            WriteOutcome::Written(1)
        );
    }

    pub async fn deleting_everything_records_each_deletion(db: &TestDb) {
        let s = &db.store;
        let p = person(s, PersonKind::Person).await;
        let other = person(s, PersonKind::Person).await;
        let a = me(&p);
        for attr in ["age", "language", "student"] {
            s.set_twin_value(&p, attr, "x", None, &a).await.unwrap();
        }
        s.set_twin_value(&other, "age", "y", None, &me(&other))
            .await
            .unwrap();
        assert_eq!(s.delete_twin_values(&p, &a).await.unwrap(), 3);
        assert!(s.twin_values(&p).await.unwrap().is_empty());
        let h = s.twin_history(&p, None, 10).await.unwrap();
        assert_eq!(h.len(), 6);
        assert_eq!(h.iter().filter(|r| r.op == HistoryOp::Delete).count(), 3);
        assert!(h.iter().all(|r| r.sealed.is_none()));
        assert!(h
            .iter()
            .filter(|r| r.op == HistoryOp::Delete)
            .all(|r| r.actor == a));
        // Someone else's twin is untouched.
        assert_eq!(s.twin_values(&other).await.unwrap().len(), 1);
        assert_eq!(s.delete_twin_values(&p, &a).await.unwrap(), 0);
    }

    fn mandate(id: &str, company: &str, agent: &str, matters: &[&str]) -> MandateRecord {
        MandateRecord {
            id: id.into(),
            company_id: company.into(),
            agent_id: agent.into(),
            matters: matters.iter().map(|m| m.to_string()).collect(),
            valid_from: 1_000,
            valid_until: Some(2_000),
            granted_by: "operator".into(),
            granted_under: None,
            created_at: "2026-01-01T00:00:00Z".into(),
            revoked_at: None,
            revoked_by: None,
            revoked_under: None,
        }
    }

    fn company(id: &str, business_id: &str) -> CompanyRecord {
        CompanyRecord {
            id: id.into(),
            business_id: business_id.into(),
            name: "Oy Esimerkki Ab".into(),
            created_at: "2026-01-01T00:00:00Z".into(),
        }
    }

    pub async fn companies_have_unique_business_ids_and_mandates(db: &TestDb) {
        let s = &db.store;
        let c = person(s, PersonKind::Company).await;
        let c2 = person(s, PersonKind::Company).await;
        let boss = person(s, PersonKind::Person).await;
        let clerk = person(s, PersonKind::Person).await;
        let first = mandate("m1", &c, &boss, &["twin_read", "twin_write", "mandates"]);
        assert!(s
            .create_company(&company(&c, "0112038-9"), &first)
            .await
            .unwrap());
        // The same business id again: nothing written, not even the mandate.
        assert!(!s
            .create_company(
                &company(&c2, "0112038-9"),
                &mandate("m2", &c2, &boss, &["mandates"])
            )
            .await
            .unwrap());
        assert!(s.mandate("m2").await.unwrap().is_none());
        assert_eq!(
            s.company(&c).await.unwrap().unwrap().business_id,
            "0112038-9"
        );
        assert_eq!(
            s.company_by_business_id("0112038-9")
                .await
                .unwrap()
                .unwrap()
                .id,
            c
        );
        assert!(s.company(&c2).await.unwrap().is_none());
        assert_eq!(s.mandate("m1").await.unwrap().unwrap(), first);

        let mut m3 = mandate("m3", &c, &clerk, &["twin_read"]);
        m3.granted_by = boss.clone();
        m3.granted_under = Some("m1".into());
        m3.valid_until = None;
        s.create_mandate(&m3).await.unwrap();
        assert_eq!(s.mandates_of_company(&c).await.unwrap().len(), 2);
        assert_eq!(s.mandates_of_agent(&clerk).await.unwrap(), vec![m3.clone()]);
        // Revocation: only once, only for the mandate's own company.
        assert!(!s
            .revoke_mandate(&c2, "m3", 1_500, &boss, Some("m1"))
            .await
            .unwrap());
        assert!(s
            .revoke_mandate(&c, "m3", 1_500, &boss, Some("m1"))
            .await
            .unwrap());
        assert!(!s
            .revoke_mandate(&c, "m3", 1_600, &boss, Some("m1"))
            .await
            .unwrap());
        let revoked = s.mandate("m3").await.unwrap().unwrap();
        assert_eq!(revoked.revoked_at, Some(1_500));
        assert_eq!(revoked.revoked_by.as_deref(), Some(boss.as_str()));
        assert_eq!(revoked.revoked_under.as_deref(), Some("m1"));
    }

    pub async fn erasing_a_person_removes_its_twin_companies_and_mandates(db: &TestDb) {
        let s = &db.store;
        let p = person(s, PersonKind::Person).await;
        let c = person(s, PersonKind::Company).await;
        s.set_twin_value(&p, "age", "x", None, &me(&p))
            .await
            .unwrap();
        s.create_company(
            &company(&c, "1572860-0"),
            &mandate("e1", &c, &p, &["mandates"]),
        )
        .await
        .unwrap();
        s.set_twin_value(&c, "size", "x", None, &me(&p))
            .await
            .unwrap();
        // The agent leaves: their mandates go with them, the company stays.
        assert!(s.erase_person(&p).await.unwrap());
        for table in ["twin_values", "twin_history"] {
            let sql = format!("SELECT COUNT(*) FROM {table} WHERE person_id = $1");
            assert_eq!(count(db, &sql, &p).await, 0, "{table}");
        }
        assert_eq!(
            count(db, "SELECT COUNT(*) FROM mandates WHERE agent_id = $1", &p).await,
            0
        );
        assert!(s.company(&c).await.unwrap().is_some());
        // The company is erased: everything of it goes.
        assert!(s.erase_person(&c).await.unwrap());
        assert!(s.company(&c).await.unwrap().is_none());
        assert_eq!(
            count(
                db,
                "SELECT COUNT(*) FROM twin_values WHERE person_id = $1",
                &c
            )
            .await,
            0
        );
    }
}
