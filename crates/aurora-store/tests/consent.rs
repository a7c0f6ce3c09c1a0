//! `ConsentStore` conformance: consent records and their life cycle, the access log and
//! hand-over tokens, on SQLite always and on PostgreSQL when `AURORA_TEST_DATABASE_URL` is set.

#[path = "conformance/harness.rs"]
#[macro_use]
#[allow(dead_code)]
mod harness;

conformance! {
    cases::records_round_trip_and_are_scoped_to_their_person,
    cases::withdrawal_is_immediate_versioned_and_once,
    cases::renewal_extends_and_expiry_sweeps_once,
    cases::access_log_pages_newest_first,
    cases::handover_is_single_use_audience_bound_and_expires,
    cases::a_withdrawn_handover_consent_cancels_the_handover,
    cases::erasing_a_person_erases_consents_log_and_handovers,
}

mod cases {
    use aurora_store::consent::{
        AccessLogEntry, AccessReader, ConsentEventKind, ConsentRecord, ConsentState, ConsentStore,
        HandoverRecord, Names, ReaderKind, RecipientKind, Renewal, Via, WithdrawOutcome,
    };
    use aurora_store::people::{PersonKind, PersonStore};
    use sqlx::Row;

    use crate::harness::TestDb;

    const P1: &str = "11111111-0000-4000-8000-000000000001";
    const P2: &str = "22222222-0000-4000-8000-000000000002";
    const NOW: i64 = 1_800_000_000;

    async fn people(db: &TestDb) {
        for p in [P1, P2] {
            db.store
                .create_person(p, PersonKind::Person, "wrapped", "kid")
                .await
                .expect("person");
        }
    }

    fn names(n: &str) -> Names {
        Names {
            fi: format!("{n} fi"),
            sv: format!("{n} sv"),
            en: format!("{n} en"),
        }
    }

    fn record(id: &str, person: &str, recipient: &str, purpose: &str, until: i64) -> ConsentRecord {
        ConsentRecord {
            id: id.into(),
            person_id: person.into(),
            recipient_kind: RecipientKind::Service,
            recipient_id: recipient.into(),
            recipient_names: names(recipient),
            purpose: purpose.into(),
            attributes: vec!["age".into(), "municipality_code".into()],
            legal_basis: "consent".into(),
            granted_at: "2027-01-15T08:00:00Z".into(),
            granted_at_unix: NOW,
            valid_until: "2027-07-15T08:00:00Z".into(),
            valid_until_unix: until,
            withdrawn_at: None,
            withdrawn_at_unix: None,
            state: ConsentState::Active,
            version: 1,
            notice_language: "fi".into(),
            collection_method: "web form".into(),
            receipt: "h.p.s".into(),
        }
    }

    fn log(person: &str, at_ms: i64, reader: &str) -> AccessLogEntry {
        AccessLogEntry {
            id: format!("log-{at_ms}-{reader}"),
            person_id: person.into(),
            at: "2027-01-15T08:00:00Z".into(),
            at_unix_ms: at_ms,
            reader: AccessReader {
                kind: ReaderKind::Service,
                id: reader.into(),
                names: names(reader),
            },
            attributes: vec!["age".into()],
            purpose: "guidance".into(),
            consent_ids: vec!["c1".into()],
            via: Via::Oauth,
        }
    }

    fn handover(
        hash: &str,
        audience: &str,
        person: Option<&str>,
        consent: Option<&str>,
    ) -> HandoverRecord {
        HandoverRecord {
            token_hash: hash.into(),
            audience: audience.into(),
            person_id: person.map(str::to_string),
            consent_id: consent.map(str::to_string),
            attributes: vec!["age".into()],
            sealed: "sealed-bag".into(),
            created_at: "2027-01-15T08:00:00Z".into(),
            expires_at_unix: NOW + 600,
        }
    }

    async fn count(db: &TestDb, sql: &str) -> i64 {
        sqlx::query(sql)
            .fetch_one(db.raw())
            .await
            .expect(sql)
            .get::<i64, _>(0)
    }

    pub async fn records_round_trip_and_are_scoped_to_their_person(db: &TestDb) {
        people(db).await;
        let r = record("c1", P1, "svc-a", "guidance", NOW + 1000);
        db.store.create_consent(&r).await.unwrap();
        db.store
            .create_consent(&record("c2", P1, "svc-b", "guidance", NOW + 1000))
            .await
            .unwrap();
        assert_eq!(db.store.consent(P1, "c1").await.unwrap(), Some(r.clone()));
        // Another person's id: not found, never revealed.
        assert_eq!(db.store.consent(P2, "c1").await.unwrap(), None);
        assert!(db.store.consents_of(P2).await.unwrap().is_empty());
        assert_eq!(db.store.consents_of(P1).await.unwrap().len(), 2);
        let found = db
            .store
            .consents_for(P1, RecipientKind::Service, "svc-a", "guidance")
            .await
            .unwrap();
        assert_eq!(found, vec![r.clone()]);
        assert!(db
            .store
            .consents_for(P1, RecipientKind::Service, "svc-a", "service_delivery")
            .await
            .unwrap()
            .is_empty());
        assert!(db
            .store
            .consents_for(P1, RecipientKind::Agent, "svc-a", "guidance")
            .await
            .unwrap()
            .is_empty());
        let events = db.store.consent_events(P1, "c1").await.unwrap();
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].event, ConsentEventKind::Granted);
        assert!(db.store.consent_events(P2, "c1").await.unwrap().is_empty());
        // The same id twice, or an unknown person, is refused.
        assert!(db.store.create_consent(&r).await.is_err());
        assert!(db
            .store
            .create_consent(&record("c3", "nobody", "svc-a", "guidance", NOW + 1))
            .await
            .is_err());
    }

    pub async fn withdrawal_is_immediate_versioned_and_once(db: &TestDb) {
        people(db).await;
        db.store
            .create_consent(&record("c1", P1, "svc-a", "guidance", NOW + 1000))
            .await
            .unwrap();
        // Another person cannot withdraw it, nor learn that it exists.
        assert_eq!(
            db.store
                .withdraw_consent(P2, "c1", "2027-01-15T09:00:00Z", NOW + 10)
                .await
                .unwrap(),
            WithdrawOutcome::NotFound
        );
        let WithdrawOutcome::Withdrawn(r) = db
            .store
            .withdraw_consent(P1, "c1", "2027-01-15T09:00:00Z", NOW + 10)
            .await
            .unwrap()
        else {
            panic!("not withdrawn");
        };
        assert_eq!(r.state, ConsentState::Withdrawn);
        assert_eq!(r.withdrawn_at_unix, Some(NOW + 10));
        assert_eq!(r.version, 2);
        assert_eq!(r.state_at(NOW + 11), ConsentState::Withdrawn);
        // A second store on the same database (another replica) sees it at once.
        let other = db.reopen().await.unwrap();
        let seen = other
            .consents_for(P1, RecipientKind::Service, "svc-a", "guidance")
            .await
            .unwrap();
        assert!(!seen[0].is_active_at(NOW + 11));
        let again = db
            .store
            .withdraw_consent(P1, "c1", "2027-01-15T10:00:00Z", NOW + 20)
            .await
            .unwrap();
        assert!(
            matches!(again, WithdrawOutcome::AlreadyWithdrawn(r) if r.version == 2 && r.withdrawn_at_unix == Some(NOW + 10))
        );
        let events = db.store.consent_events(P1, "c1").await.unwrap();
        let kinds: Vec<_> = events.iter().map(|e| (e.event, e.version)).collect();
        assert_eq!(
            kinds,
            vec![
                (ConsentEventKind::Granted, 1),
                (ConsentEventKind::Withdrawn, 2)
            ]
        );
        // A withdrawn consent cannot be renewed.
        let renewal = Renewal {
            valid_until: "2028-01-01T00:00:00Z".into(),
            valid_until_unix: NOW + 5000,
            receipt: "r2".into(),
            at: "2027-01-15T11:00:00Z".into(),
            at_unix: NOW + 30,
        };
        assert_eq!(
            db.store.renew_consent(P1, "c1", &renewal).await.unwrap(),
            None
        );
        other.close().await;
    }

    pub async fn renewal_extends_and_expiry_sweeps_once(db: &TestDb) {
        people(db).await;
        db.store
            .create_consent(&record("c1", P1, "svc-a", "guidance", NOW + 100))
            .await
            .unwrap();
        db.store
            .create_consent(&record("c2", P1, "svc-b", "guidance", NOW + 100))
            .await
            .unwrap();
        let r = db.store.consent(P1, "c1").await.unwrap().unwrap();
        assert!(r.is_active_at(NOW + 99));
        // Past its validity it is expired even before any sweep.
        assert_eq!(r.state_at(NOW + 100), ConsentState::Expired);
        assert!(!r.is_active_at(NOW + 100));
        let renewal = Renewal {
            valid_until: "2028-01-01T00:00:00Z".into(),
            valid_until_unix: NOW + 5000,
            receipt: "r2".into(),
            at: "2027-01-15T11:00:00Z".into(),
            at_unix: NOW + 50,
        };
        assert_eq!(
            db.store.renew_consent(P2, "c1", &renewal).await.unwrap(),
            None
        );
        let renewed = db
            .store
            .renew_consent(P1, "c1", &renewal)
            .await
            .unwrap()
            .unwrap();
        assert_eq!((renewed.version, renewed.valid_until_unix), (2, NOW + 5000));
        assert_eq!(renewed.receipt, "r2");
        assert_eq!(db.store.expire_consents("t", NOW + 200).await.unwrap(), 1);
        assert_eq!(db.store.expire_consents("t", NOW + 200).await.unwrap(), 0);
        let c2 = db.store.consent(P1, "c2").await.unwrap().unwrap();
        assert_eq!(c2.state, ConsentState::Expired);
        let events = db.store.consent_events(P1, "c2").await.unwrap();
        assert_eq!(events.last().unwrap().event, ConsentEventKind::Expired);
        let c1 = db.store.consent_events(P1, "c1").await.unwrap();
        assert_eq!(c1.last().unwrap().event, ConsentEventKind::Renewed);
    }

    pub async fn access_log_pages_newest_first(db: &TestDb) {
        people(db).await;
        for i in 0..5 {
            db.store
                .log_access(&log(P1, 1000 + i, "svc-a"))
                .await
                .unwrap();
        }
        db.store.log_access(&log(P2, 2000, "svc-b")).await.unwrap();
        let (page, total) = db.store.access_log(P1, 2, 0).await.unwrap();
        assert_eq!(total, 5);
        assert_eq!(
            page.iter().map(|e| e.at_unix_ms).collect::<Vec<_>>(),
            vec![1004, 1003]
        );
        assert_eq!(page[0], log(P1, 1004, "svc-a"));
        let (page, _) = db.store.access_log(P1, 10, 4).await.unwrap();
        assert_eq!(page.len(), 1);
        assert_eq!(page[0].at_unix_ms, 1000);
        let (other, total) = db.store.access_log(P2, 10, 0).await.unwrap();
        assert_eq!((other.len(), total), (1, 1));
        assert!(db
            .store
            .log_access(&log("nobody", 1, "svc-a"))
            .await
            .is_err());
    }

    pub async fn handover_is_single_use_audience_bound_and_expires(db: &TestDb) {
        people(db).await;
        db.store
            .create_handover(&handover("h1", "svc-a", None, None))
            .await
            .unwrap();
        db.store
            .create_handover(&handover("h2", "svc-a", Some(P1), None))
            .await
            .unwrap();
        let entry = log("ignored", 5000, "svc-a");
        // Another audience gets nothing and the token stays for its own audience.
        assert!(db
            .store
            .redeem_handover("h1", "svc-b", NOW, &entry)
            .await
            .unwrap()
            .is_none());
        // Expired: nothing.
        assert!(db
            .store
            .redeem_handover("h1", "svc-a", NOW + 600, &entry)
            .await
            .unwrap()
            .is_none());
        let got = db
            .store
            .redeem_handover("h1", "svc-a", NOW, &entry)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(got.sealed, "sealed-bag");
        assert_eq!(got.person_id, None);
        // Replayed: nothing.
        assert!(db
            .store
            .redeem_handover("h1", "svc-a", NOW, &entry)
            .await
            .unwrap()
            .is_none());
        // An anonymous hand-over logs nothing; a person's logs one row on redemption.
        assert_eq!(count(db, "SELECT COUNT(*) FROM access_log").await, 0);
        let got = db
            .store
            .redeem_handover("h2", "svc-a", NOW, &entry)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(got.person_id.as_deref(), Some(P1));
        let (rows, _) = db.store.access_log(P1, 10, 0).await.unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].attributes, vec!["age".to_string()]);
        assert_eq!(rows[0].person_id, P1);
        assert!(rows[0].consent_ids.is_empty());
        db.store
            .create_handover(&handover("h3", "svc-a", None, None))
            .await
            .unwrap();
        assert_eq!(
            db.store.purge_expired_handovers(NOW + 600).await.unwrap(),
            1
        );
        assert_eq!(count(db, "SELECT COUNT(*) FROM handover_tokens").await, 0);
    }

    pub async fn a_withdrawn_handover_consent_cancels_the_handover(db: &TestDb) {
        people(db).await;
        db.store
            .create_consent(&record("hc", P1, "svc-a", "handover", NOW + 600))
            .await
            .unwrap();
        db.store
            .create_handover(&handover("h1", "svc-a", Some(P1), Some("hc")))
            .await
            .unwrap();
        db.store
            .withdraw_consent(P1, "hc", "2027-01-15T08:01:00Z", NOW + 1)
            .await
            .unwrap();
        let entry = log("ignored", 5000, "svc-a");
        assert!(db
            .store
            .redeem_handover("h1", "svc-a", NOW + 2, &entry)
            .await
            .unwrap()
            .is_none());
        assert_eq!(count(db, "SELECT COUNT(*) FROM access_log").await, 0);
    }

    pub async fn erasing_a_person_erases_consents_log_and_handovers(db: &TestDb) {
        people(db).await;
        db.store
            .create_consent(&record("c1", P1, "svc-a", "guidance", NOW + 1000))
            .await
            .unwrap();
        db.store.log_access(&log(P1, 1, "svc-a")).await.unwrap();
        db.store
            .create_handover(&handover("h1", "svc-a", Some(P1), Some("c1")))
            .await
            .unwrap();
        db.store
            .create_consent(&record("c2", P2, "svc-a", "guidance", NOW + 1000))
            .await
            .unwrap();
        assert!(db.store.erase_person(P1).await.unwrap());
        for table in [
            "consents",
            "consent_events",
            "access_log",
            "handover_tokens",
        ] {
            let n = count(
                db,
                &format!("SELECT COUNT(*) FROM {table} WHERE person_id = '{P1}'"),
            )
            .await;
            assert_eq!(n, 0, "{table}");
        }
        assert_eq!(count(db, "SELECT COUNT(*) FROM consents").await, 1);
    }
}
