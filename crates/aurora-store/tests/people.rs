//! `PersonStore` conformance (people, sessions, key rotation bookkeeping, erasure), on SQLite
//! always and on PostgreSQL when `AURORA_TEST_DATABASE_URL` is set.

#[path = "conformance/harness.rs"]
#[macro_use]
#[allow(dead_code)]
mod harness;

conformance! {
    cases::people_are_created_and_read,
    cases::sessions_expire_end_and_cascade,
    cases::rewrapping_is_compare_and_set,
}

mod cases {
    use aurora_store::people::{PersonKind, PersonStore, SessionRecord};

    use crate::harness::TestDb;

    fn session(hash: &str, person: &str, expires: i64) -> SessionRecord {
        SessionRecord {
            token_hash: hash.into(),
            person_id: person.into(),
            auth_method: "password".into(),
            auth_time_unix: 1_000,
            expires_at_unix: expires,
        }
    }

    pub async fn people_are_created_and_read(db: &TestDb) {
        let s = &db.store;
        let p = s
            .create_person("p1", PersonKind::Person, "wrapped", "k1")
            .await
            .unwrap();
        assert_eq!(p.kind, PersonKind::Person);
        let c = s
            .create_person("c1", PersonKind::Company, "wrapped2", "k1")
            .await
            .unwrap();
        assert_eq!(s.person("c1").await.unwrap(), Some(c));
        assert_eq!(s.person("p1").await.unwrap(), Some(p));
        assert_eq!(s.person("nobody").await.unwrap(), None);
        assert!(s
            .create_person("p1", PersonKind::Person, "again", "k1")
            .await
            .is_err());
    }

    pub async fn sessions_expire_end_and_cascade(db: &TestDb) {
        let s = &db.store;
        s.create_person("p1", PersonKind::Person, "w", "k1")
            .await
            .unwrap();
        s.create_session(&session("h1", "p1", 2_000)).await.unwrap();
        s.create_session(&session("h2", "p1", 5_000)).await.unwrap();
        s.create_session(&session("h3", "p1", 5_000)).await.unwrap();
        assert_eq!(
            s.session("h1", 1_500).await.unwrap(),
            Some(session("h1", "p1", 2_000))
        );
        // Expired sessions are not returned, then purged.
        assert_eq!(s.session("h1", 2_000).await.unwrap(), None);
        assert_eq!(s.purge_expired_sessions(2_000).await.unwrap(), 1);
        assert!(s.delete_session("h2").await.unwrap());
        assert!(!s.delete_session("h2").await.unwrap());
        assert_eq!(s.session("h2", 0).await.unwrap(), None);
        // Erasure removes the person and, by cascade, the remaining session.
        assert!(s.erase_person("p1").await.unwrap());
        assert_eq!(s.session("h3", 0).await.unwrap(), None);
        assert!(!s.erase_person("p1").await.unwrap());
        // A session cannot name a person who does not exist.
        assert!(s.create_session(&session("h4", "p1", 9_000)).await.is_err());
    }

    pub async fn rewrapping_is_compare_and_set(db: &TestDb) {
        let s = &db.store;
        for id in ["a", "b", "c"] {
            s.create_person(id, PersonKind::Person, &format!("w-{id}"), "old")
                .await
                .unwrap();
        }
        assert_eq!(s.persons_not_wrapped_by("old", 10).await.unwrap().len(), 0);
        let todo = s.persons_not_wrapped_by("new", 2).await.unwrap();
        assert_eq!(
            todo.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(),
            ["a", "b"]
        );
        assert!(s.rewrap_person("a", "w-a", "w2-a", "new").await.unwrap());
        // A stale expectation changes nothing.
        assert!(!s.rewrap_person("a", "w-a", "w3-a", "new").await.unwrap());
        assert_eq!(s.person("a").await.unwrap().unwrap().wrapped_key, "w2-a");
        let left = s.persons_not_wrapped_by("new", 10).await.unwrap();
        assert_eq!(
            left.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(),
            ["b", "c"]
        );
    }
}
