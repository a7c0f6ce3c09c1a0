//! `RecommendationStore` conformance: API clients, recommendations, feedback, clicks,
//! interaction statistics and session transfer, on SQLite always and on PostgreSQL when
//! `AURORA_TEST_DATABASE_URL` is set (each test in a schema of its own: the harness of the
//! `conformance` suite).

#[path = "conformance/harness.rs"]
#[macro_use]
#[allow(dead_code)]
mod harness;

#[path = "conformance/fixture.rs"]
#[allow(dead_code)]
mod fixture;

conformance! {
    cases::clients_are_stored_hashed_and_authenticated,
    cases::recommendations_round_trip_with_random_ids,
    cases::feedback_is_the_creators_and_last_wins,
    cases::clicks_count_once_per_recommendation_and_service,
    cases::interaction_stats_follow_the_reference_features,
    cases::session_receivers_are_registered_per_channel,
    cases::session_tokens_are_hashed_single_use_and_expire,
    cases::published_services_come_in_the_order_asked,
    cases::concurrent_writers_do_not_fail,
}

mod cases {
    use std::collections::{BTreeSet, HashSet};
    use std::sync::Arc;

    use aurora_store::{
        Feedback, FeedbackOutcome, InteractionStats, NewRecommendation, RecommendationStore,
        RecommendedService, RedirectOutcome, SqlStore, TransferAttribute,
    };
    use serde_json::json;
    use sqlx::Row;

    use crate::fixture::{self, uuid};
    use crate::harness::TestDb;

    const A: &str = "d64476db-f2df-4699-bb6a-1bfae007577a";
    const B: &str = "909e5065-ad9d-40f5-a54d-58c88b2f6bfc";
    const C: &str = "b9e2ff7d-3d18-476d-94e0-4a818f1136d6";

    fn services(ids: &[&str]) -> Vec<RecommendedService> {
        ids.iter()
            .enumerate()
            .map(|(i, id)| RecommendedService {
                service_id: id.to_string(),
                rank: i as i64 + 1,
                score: 1.0 / (i as f64 + 1.0),
            })
            .collect()
    }

    async fn recommend(store: &SqlStore, client: &str, ids: &[&str]) -> i64 {
        let body = json!({"life_situation_meters": {"family": [3]}});
        let services = services(ids);
        store
            .create_recommendation(&NewRecommendation {
                client_id: client,
                session_id: None,
                calling_organisation: "org",
                calling_service: "svc",
                request_path: "/service-recommender/v1/recommend_service",
                request_attributes: &body,
                services: &services,
            })
            .await
            .expect("create recommendation")
    }

    async fn count(db: &TestDb, sql: &str) -> i64 {
        sqlx::query(sql)
            .fetch_one(db.raw())
            .await
            .expect(sql)
            .get::<i64, _>(0)
    }

    pub async fn clients_are_stored_hashed_and_authenticated(db: &TestDb) {
        let s = &db.store;
        let issued = s
            .create_client("Palveluohjain", "Testikunta")
            .await
            .expect("create");
        assert_eq!(issued.secret.len(), 64);
        assert_eq!(issued.client.name, "Palveluohjain");
        let other = s.create_client("Toinen", "Org").await.expect("create");
        assert_ne!(issued.client.id, other.client.id);
        assert_ne!(issued.secret, other.secret);

        // Neither the secret nor its unsalted hash is in the table.
        let rows = sqlx::query("SELECT secret_salt, secret_hash FROM api_clients")
            .fetch_all(db.raw())
            .await
            .expect("rows");
        for row in &rows {
            let hash: String = row.get(1);
            assert_ne!(hash, issued.secret);
            assert_ne!(hash, other.secret);
            assert_eq!(hash.len(), 64);
        }

        let ok = s
            .authenticate_client(&issued.client.id, &issued.secret)
            .await
            .expect("auth");
        assert_eq!(
            ok.as_ref().map(|c| c.organization.as_str()),
            Some("Testikunta")
        );
        for (id, secret) in [
            (issued.client.id.as_str(), other.secret.as_str()),
            (issued.client.id.as_str(), ""),
            ("no-such-client", issued.secret.as_str()),
            ("", ""),
        ] {
            assert_eq!(s.authenticate_client(id, secret).await.expect("auth"), None);
        }
        assert!(s
            .set_client_disabled(&issued.client.id, true)
            .await
            .expect("disable"));
        assert_eq!(
            s.authenticate_client(&issued.client.id, &issued.secret)
                .await
                .expect("auth"),
            None
        );
        assert!(s
            .set_client_disabled(&issued.client.id, false)
            .await
            .expect("enable"));
        assert!(s
            .authenticate_client(&issued.client.id, &issued.secret)
            .await
            .expect("auth")
            .is_some());
        assert!(!s
            .set_client_disabled("nobody", true)
            .await
            .expect("disable"));
        let listed: BTreeSet<String> = s
            .clients()
            .await
            .expect("list")
            .into_iter()
            .map(|c| c.id)
            .collect();
        assert_eq!(
            listed,
            [issued.client.id.clone(), other.client.id.clone()].into()
        );
    }

    pub async fn recommendations_round_trip_with_random_ids(db: &TestDb) {
        let s = &db.store;
        let body =
            json!({"search_text": "nuorten työttömyys", "limit": 3, "nested": {"a": [1, 2]}});
        let list = services(&[A, B, C]);
        let id = s
            .create_recommendation(&NewRecommendation {
                client_id: "client-1",
                session_id: Some("sess"),
                calling_organisation: "Organisaatio",
                calling_service: "Palvelu",
                request_path: "/service-recommender/v1/text_search",
                request_attributes: &body,
                services: &list,
            })
            .await
            .expect("create");
        assert!((1..1 << 53).contains(&id));
        let stored = s.recommendation(id).await.expect("read").expect("present");
        assert_eq!(stored.id, id);
        assert_eq!(stored.client_id, "client-1");
        assert_eq!(stored.session_id.as_deref(), Some("sess"));
        assert_eq!(stored.calling_organisation, "Organisaatio");
        assert_eq!(stored.calling_service, "Palvelu");
        assert_eq!(stored.request_path, "/service-recommender/v1/text_search");
        assert_eq!(stored.request_attributes, body);
        assert_eq!(stored.feedback_score, None);
        let got: Vec<(String, i64, f64)> = stored
            .services
            .iter()
            .map(|x| (x.service_id.clone(), x.rank, x.score))
            .collect();
        assert_eq!(
            got,
            vec![
                (A.to_string(), 1, 1.0),
                (B.to_string(), 2, 0.5),
                (C.to_string(), 3, 1.0 / 3.0)
            ]
        );

        // An empty recommendation is stored too (the reference's "no services" case).
        let empty = recommend(s, "client-1", &[]).await;
        let stored = s
            .recommendation(empty)
            .await
            .expect("read")
            .expect("present");
        assert!(stored.services.is_empty());
        assert_eq!(s.recommendation(12345).await.expect("read"), None);

        // Ids are not a sequence.
        let mut ids = HashSet::new();
        for _ in 0..20 {
            ids.insert(recommend(s, "client-1", &[A]).await);
        }
        assert_eq!(ids.len(), 20);
        let mut sorted: Vec<i64> = ids.into_iter().collect();
        sorted.sort_unstable();
        assert!(
            sorted.windows(2).any(|w| w[1] - w[0] > 1_000_000),
            "ids look sequential: {sorted:?}"
        );
    }

    pub async fn feedback_is_the_creators_and_last_wins(db: &TestDb) {
        let s = &db.store;
        let id = recommend(s, "owner", &[A, B]).await;
        let fb = |client: &'static str, overall: Option<i64>, list: Vec<(String, i64)>| {
            (client, overall, list)
        };
        let cases = [
            (
                fb("intruder", Some(1), vec![(A.into(), 1)]),
                id,
                FeedbackOutcome::UnknownRecommendation,
            ),
            (
                fb("owner", Some(1), vec![]),
                987_654,
                FeedbackOutcome::UnknownRecommendation,
            ),
            (
                fb("owner", Some(1), vec![(A.into(), 1), (C.into(), -1)]),
                id,
                FeedbackOutcome::ServiceNotRecommended(C.into()),
            ),
        ];
        for ((client, overall, list), rec, want) in cases {
            let got = s
                .record_feedback(&Feedback {
                    recommendation_id: rec,
                    client_id: client,
                    overall,
                    services: &list,
                })
                .await
                .expect("feedback");
            assert_eq!(got, want);
        }
        // Nothing of the refused feedback was written.
        let stored = s.recommendation(id).await.expect("read").expect("present");
        assert_eq!(stored.feedback_score, None);
        assert!(stored.services.iter().all(|x| x.feedback_score.is_none()));

        let give = |overall: Option<i64>, list: Vec<(String, i64)>| async move {
            s.record_feedback(&Feedback {
                recommendation_id: id,
                client_id: "owner",
                overall,
                services: &list,
            })
            .await
            .expect("feedback")
        };
        assert_eq!(
            give(Some(-1), vec![(B.into(), -1), (A.into(), 1)]).await,
            FeedbackOutcome::Recorded
        );
        assert_eq!(
            give(None, vec![(A.into(), -1)]).await,
            FeedbackOutcome::Recorded
        );
        let stored = s.recommendation(id).await.expect("read").expect("present");
        assert_eq!(stored.feedback_score, Some(-1), "kept when not given again");
        let scores: Vec<Option<i64>> = stored.services.iter().map(|x| x.feedback_score).collect();
        assert_eq!(scores, [Some(-1), Some(-1)], "the last feedback wins");
        assert_eq!(give(Some(1), vec![]).await, FeedbackOutcome::Recorded);
        let stored = s.recommendation(id).await.expect("read").expect("present");
        assert_eq!(stored.feedback_score, Some(1));
        assert_eq!(
            count(db, "SELECT COUNT(*) FROM recommendation_services").await,
            2,
            "feedback adds no rows"
        );
    }

    pub async fn clicks_count_once_per_recommendation_and_service(db: &TestDb) {
        let s = &db.store;
        let id = recommend(s, "owner", &[A, B]).await;
        let ch = uuid("f283c2dc");
        assert_eq!(
            s.record_redirect(id, A, &ch).await.expect("click"),
            RedirectOutcome::Recorded
        );
        for _ in 0..5 {
            assert_eq!(
                s.record_redirect(id, A, &ch).await.expect("click"),
                RedirectOutcome::AlreadyRecorded
            );
        }
        assert_eq!(
            s.record_redirect(id, A, &uuid("fadd4cc4"))
                .await
                .expect("click"),
            RedirectOutcome::AlreadyRecorded
        );
        assert_eq!(
            s.record_redirect(id, C, &ch).await.expect("click"),
            RedirectOutcome::NotRecommended
        );
        assert_eq!(
            s.record_redirect(999_999, A, &ch).await.expect("click"),
            RedirectOutcome::NotRecommended
        );
        assert_eq!(
            count(db, "SELECT COUNT(*) FROM recommendation_redirects").await,
            1
        );
        let stored = s.recommendation(id).await.expect("read").expect("present");
        let clicked: Vec<bool> = stored.services.iter().map(|x| x.redirected).collect();
        assert_eq!(clicked, [true, false]);
    }

    /// The reranker's history features (reference `test_reranker_api.py`:
    /// `get_redirects_and_feedback`, `compute_redirect_data`, `compute_feedback_data`), on
    /// the reference's synthetic history: three recommendations of one caller.
    pub async fn interaction_stats_follow_the_reference_features(db: &TestDb) {
        let s = &db.store;
        let r1 = recommend(s, "test_service", &[C, A, B]).await;
        let r2 = recommend(s, "test_service", &[C, A]).await;
        let r3 = recommend(s, "test_service", &[B]).await;
        // Another caller's history must not leak into this one's.
        let other = recommend(s, "other_service", &[A, B, C]).await;
        for (rec, service) in [(r1, A), (r2, A), (other, B), (other, C)] {
            s.record_redirect(rec, service, &uuid("f283c2dc"))
                .await
                .expect("click");
        }
        for (rec, client, list) in [
            (
                r1,
                "test_service",
                vec![(C.to_string(), 1), (B.to_string(), 1)],
            ),
            (r2, "test_service", vec![(C.to_string(), 1)]),
            (r3, "test_service", vec![(B.to_string(), -1)]),
            (
                other,
                "other_service",
                vec![(A.to_string(), -1), (C.to_string(), -1)],
            ),
        ] {
            let outcome = s
                .record_feedback(&Feedback {
                    recommendation_id: rec,
                    client_id: client,
                    overall: None,
                    services: &list,
                })
                .await
                .expect("feedback");
            assert_eq!(outcome, FeedbackOutcome::Recorded);
        }
        let ids = vec![A.to_string(), B.to_string(), C.to_string()];
        let stats = s
            .interaction_stats("test_service", &ids)
            .await
            .expect("stats");
        let get = |id: &str| stats.get(id).copied().unwrap_or_default();
        let redirected: Vec<u64> = ids.iter().map(|i| get(i).redirected).collect();
        let positive: Vec<u64> = ids.iter().map(|i| get(i).positive).collect();
        let negative: Vec<u64> = ids.iter().map(|i| get(i).negative).collect();
        assert_eq!(redirected, [2, 0, 0]);
        assert_eq!(positive, [0, 1, 2]);
        assert_eq!(negative, [0, 1, 0]);
        assert_eq!(
            s.interaction_stats("other_service", &ids)
                .await
                .expect("stats")
                .get(A)
                .copied(),
            Some(InteractionStats {
                redirected: 0,
                positive: 0,
                negative: 1
            })
        );
        assert!(s
            .interaction_stats("nobody", &ids)
            .await
            .expect("stats")
            .is_empty());
    }

    pub async fn session_receivers_are_registered_per_channel(db: &TestDb) {
        let s = &db.store;
        let ch1 = uuid("f283c2dc");
        let ch2 = uuid("0ba11195");
        s.set_session_receiver(
            &ch1,
            &[
                TransferAttribute::LifeSituationMeters,
                TransferAttribute::Age,
            ],
        )
        .await
        .expect("set");
        s.set_session_receiver(&ch2, &TransferAttribute::ALL)
            .await
            .expect("set");
        assert_eq!(
            s.session_receiver(&ch1).await.expect("get"),
            Some(vec![
                TransferAttribute::Age,
                TransferAttribute::LifeSituationMeters
            ])
        );
        s.set_session_receiver(&ch1, &[TransferAttribute::MunicipalityCode])
            .await
            .expect("replace");
        assert_eq!(
            s.session_receiver(&ch1).await.expect("get"),
            Some(vec![TransferAttribute::MunicipalityCode])
        );
        let among = s
            .session_receivers_among(&[ch1.clone(), uuid("fadd4cc4"), ch2.clone()])
            .await
            .expect("among");
        assert_eq!(among, [ch1.clone(), ch2.clone()].into_iter().collect());
        assert!(s.remove_session_receiver(&ch2).await.expect("remove"));
        assert!(!s.remove_session_receiver(&ch2).await.expect("remove"));
        assert_eq!(s.session_receiver(&ch2).await.expect("get"), None);
        assert!(s
            .session_receivers_among(&[])
            .await
            .expect("among")
            .is_empty());
    }

    pub async fn session_tokens_are_hashed_single_use_and_expire(db: &TestDb) {
        let s = &db.store;
        let ch = uuid("f283c2dc");
        let attributes = json!({"age": 20, "life_situation_meters": {"family": [8]}});
        let token = s
            .issue_session_token(&ch, &attributes)
            .await
            .expect("issue");
        assert_eq!(token.len(), 64);
        assert!(token.bytes().all(|b| b.is_ascii_hexdigit()));
        let stored: Vec<String> = sqlx::query("SELECT token_hash FROM session_transfer_tokens")
            .fetch_all(db.raw())
            .await
            .expect("rows")
            .iter()
            .map(|r| r.get(0))
            .collect();
        assert_eq!(stored.len(), 1);
        assert_ne!(stored[0], token, "only a hash is stored");

        let redeemed = s.redeem_session_token(&token).await.expect("redeem");
        let redeemed = redeemed.expect("valid token");
        assert_eq!(redeemed.channel_id, ch);
        assert_eq!(redeemed.attributes, attributes);
        assert_eq!(
            s.redeem_session_token(&token).await.expect("redeem"),
            None,
            "single use"
        );
        assert_eq!(s.redeem_session_token("").await.expect("redeem"), None);
        assert_eq!(s.redeem_session_token("00ff").await.expect("redeem"), None);

        // An expired token cannot be redeemed, and issuing a new token purges it.
        let old = s
            .issue_session_token(&ch, &attributes)
            .await
            .expect("issue");
        sqlx::query("UPDATE session_transfer_tokens SET expires_at = 1000")
            .execute(db.raw())
            .await
            .expect("age the token");
        let fresh = s
            .issue_session_token(&ch, &attributes)
            .await
            .expect("issue");
        assert_eq!(
            count(db, "SELECT COUNT(*) FROM session_transfer_tokens").await,
            1
        );
        assert_eq!(s.redeem_session_token(&old).await.expect("redeem"), None);
        let expiring = s
            .issue_session_token(&ch, &attributes)
            .await
            .expect("issue");
        sqlx::query("UPDATE session_transfer_tokens SET expires_at = 1000")
            .execute(db.raw())
            .await
            .expect("age the tokens");
        assert_eq!(
            s.redeem_session_token(&expiring).await.expect("redeem"),
            None
        );
        assert_eq!(s.redeem_session_token(&fresh).await.expect("redeem"), None);
    }

    pub async fn published_services_come_in_the_order_asked(db: &TestDb) {
        fixture::load(db).await;
        let s = &db.store;
        aurora_store::CatalogStore::set_labels(
            s,
            &[(
                uuid("b9e2ff7d"),
                aurora_model::Meters::from_pairs([(aurora_model::Dimension::Health, 1.0)]),
            )],
        )
        .await
        .expect("labels");
        let ids = vec![
            uuid("b9e2ff7d"),
            uuid("d65dbaf8"), // archived
            "unknown".to_string(),
            uuid("d64476db"),
            uuid("b9e2ff7d"),
        ];
        let got = s.published_services(&ids).await.expect("services");
        let got_ids: Vec<&str> = got.iter().map(|x| x.id.as_str()).collect();
        assert_eq!(got_ids, [uuid("b9e2ff7d"), uuid("d64476db")]);
        assert!(got[0].labels_3x10d.is_some());
        assert!(got[1].labels_3x10d.is_none());
        assert!(s.published_services(&[]).await.expect("none").is_empty());
    }

    /// Recommendations, feedback, clicks and tokens written from many tasks at once: on SQLite
    /// every write transaction starts by writing, so none fails with `SQLITE_BUSY`.
    pub async fn concurrent_writers_do_not_fail(db: &TestDb) {
        let store = Arc::new(db.reopen().await.expect("reopen"));
        let mut tasks = Vec::new();
        for i in 0..24 {
            let s = store.clone();
            tasks.push(tokio::spawn(async move {
                let id = recommend(&s, "owner", &[A, B]).await;
                let list = vec![(A.to_string(), if i % 2 == 0 { 1 } else { -1 })];
                let fb = s
                    .record_feedback(&Feedback {
                        recommendation_id: id,
                        client_id: "owner",
                        overall: Some(1),
                        services: &list,
                    })
                    .await
                    .expect("feedback");
                assert_eq!(fb, FeedbackOutcome::Recorded);
                let click = s.record_redirect(id, B, "ch").await.expect("click");
                assert_eq!(click, RedirectOutcome::Recorded);
                let token = s
                    .issue_session_token("ch", &json!({"age": i}))
                    .await
                    .expect("issue");
                s.redeem_session_token(&token).await.expect("redeem")
            }));
        }
        for t in tasks {
            assert!(t.await.expect("join").is_some());
        }
        assert_eq!(count(db, "SELECT COUNT(*) FROM recommendations").await, 24);
        assert_eq!(
            count(db, "SELECT COUNT(*) FROM recommendation_redirects").await,
            24
        );
        store.close().await;
    }
}
