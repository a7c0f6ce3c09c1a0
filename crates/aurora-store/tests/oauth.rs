//! `OAuthStore` conformance: member services, single-use codes, rotating refresh tokens,
//! revocation, erasure and the deletion-notice queue, on SQLite always and on PostgreSQL when
//! `AURORA_TEST_DATABASE_URL` is set.

#[path = "conformance/harness.rs"]
#[macro_use]
#[allow(dead_code)]
mod harness;

conformance! {
    cases::clients_are_stored_hashed_and_authenticated,
    cases::codes_redeem_once_and_a_replay_revokes_their_tokens,
    cases::a_mismatched_code_is_burnt_and_issues_nothing,
    cases::concurrent_redemptions_of_one_code_issue_once,
    cases::refresh_tokens_rotate_and_reuse_revokes_the_family,
    cases::revocation_is_per_client_and_refresh_takes_the_family,
    cases::person_and_consent_revocation_and_erasure_end_grants,
    cases::deletion_notices_queue_claim_and_outlive_the_person,
}

mod cases {
    use std::sync::Arc;

    use aurora_store::oauth::{
        CodeBinding, CodeMismatch, DeletionNotice, IssueTokens, NewCode, NewToken, OAuthClient,
        OAuthStore, RedeemOutcome, RotateOutcome, TokenKind,
    };
    use aurora_store::people::{PersonKind, PersonStore};
    use sha2::{Digest, Sha256};
    use sqlx::Row;

    use crate::harness::TestDb;

    const NOW: i64 = 1_800_000_000;

    fn h(s: &str) -> String {
        hex::encode(Sha256::digest(s.as_bytes()))
    }

    fn client(id: &str) -> OAuthClient {
        OAuthClient {
            id: id.into(),
            name_fi: "Palvelu".into(),
            name_sv: "Tjänst".into(),
            name_en: "Service".into(),
            organisation: "Org".into(),
            redirect_uris: vec!["https://svc.example/cb".into()],
            allowed_scopes: vec!["openid".into(), "age".into(), "store:age".into()],
            handover_attributes: vec!["age".into()],
            handover_url: Some("https://svc.example/welcome".into()),
            allowed_purposes: vec!["service_delivery".into()],
            deletion_callback_url: Some("https://svc.example/deleted".into()),
            pairwise_sector: id.into(),
            disabled: false,
            created_at: "2026-01-01T00:00:00Z".into(),
        }
    }

    async fn setup(db: &TestDb) {
        db.store
            .create_person("p1", PersonKind::Person, "wk", "k1")
            .await
            .unwrap();
        db.store
            .create_person("p2", PersonKind::Person, "wk", "k1")
            .await
            .unwrap();
        db.store
            .create_oauth_client(&client("c1"), "secret-1")
            .await
            .unwrap();
        db.store
            .create_oauth_client(&client("c2"), "secret-2")
            .await
            .unwrap();
    }

    async fn code(db: &TestDb, code: &str, person: &str, consent: &str) {
        let scopes = vec!["openid".to_string(), "age".to_string()];
        db.store
            .create_code(&NewCode {
                code_hash: &h(code),
                client_id: "c1",
                person_id: person,
                consent_id: consent,
                redirect_uri: "https://svc.example/cb",
                code_challenge: "challenge",
                scopes: &scopes,
                nonce: Some("n"),
                auth_time_unix: NOW - 10,
                created_at_unix: NOW,
                expires_at_unix: NOW + 60,
            })
            .await
            .unwrap();
    }

    fn issue(access: &str, refresh: &str, family: &str, now: i64) -> IssueTokens {
        IssueTokens {
            family_id: family.into(),
            access: NewToken {
                token_hash: h(access),
                expires_at_unix: now + 300,
            },
            refresh: Some(NewToken {
                token_hash: h(refresh),
                expires_at_unix: now + 86_400,
            }),
            now_unix: now,
        }
    }

    fn binding() -> CodeBinding<'static> {
        CodeBinding {
            client_id: "c1",
            redirect_uri: "https://svc.example/cb",
            code_challenge: "challenge",
        }
    }

    async fn live(db: &TestDb, token: &str, now: i64) -> bool {
        db.store
            .oauth_token(&h(token))
            .await
            .unwrap()
            .is_some_and(|t| t.is_live(now))
    }

    pub async fn clients_are_stored_hashed_and_authenticated(db: &TestDb) {
        setup(db).await;
        let c = db.store.oauth_client("c1").await.unwrap().unwrap();
        assert_eq!(c, client("c1"));
        assert_eq!(db.store.oauth_clients().await.unwrap().len(), 2);
        assert!(db
            .store
            .authenticate_oauth_client("c1", "secret-1")
            .await
            .unwrap()
            .is_some());
        assert!(db
            .store
            .authenticate_oauth_client("c1", "secret-2")
            .await
            .unwrap()
            .is_none());
        assert!(db
            .store
            .authenticate_oauth_client("nope", "secret-1")
            .await
            .unwrap()
            .is_none());
        // Only a salted hash is stored.
        let row = sqlx::query("SELECT secret_hash, secret_salt FROM oauth_clients WHERE id = 'c1'")
            .fetch_one(db.raw())
            .await
            .unwrap();
        let stored: String = row.get(0);
        assert_ne!(stored, "secret-1");
        assert_ne!(stored, h("secret-1"), "salted");
        assert!(db
            .store
            .rotate_oauth_client_secret("c1", "new")
            .await
            .unwrap());
        assert!(db
            .store
            .authenticate_oauth_client("c1", "secret-1")
            .await
            .unwrap()
            .is_none());
        assert!(db
            .store
            .authenticate_oauth_client("c1", "new")
            .await
            .unwrap()
            .is_some());
        assert!(db
            .store
            .set_oauth_client_disabled("c1", true)
            .await
            .unwrap());
        assert!(db
            .store
            .authenticate_oauth_client("c1", "new")
            .await
            .unwrap()
            .is_none());
        assert!(!db
            .store
            .set_oauth_client_disabled("zz", true)
            .await
            .unwrap());
    }

    pub async fn codes_redeem_once_and_a_replay_revokes_their_tokens(db: &TestDb) {
        setup(db).await;
        code(db, "code-1", "p1", "consent-1").await;
        // Another client cannot redeem (or burn) it.
        let other = CodeBinding {
            client_id: "c2",
            ..binding()
        };
        assert_eq!(
            db.store
                .redeem_code(&h("code-1"), &other, &issue("a0", "r0", "f0", NOW))
                .await
                .unwrap(),
            RedeemOutcome::Unknown
        );
        let out = db
            .store
            .redeem_code(&h("code-1"), &binding(), &issue("a1", "r1", "f1", NOW + 1))
            .await
            .unwrap();
        let RedeemOutcome::Redeemed(rec) = out else {
            panic!("{out:?}")
        };
        assert_eq!(rec.person_id, "p1");
        assert_eq!(rec.consent_id, "consent-1");
        assert_eq!(rec.nonce.as_deref(), Some("n"));
        let t = db.store.oauth_token(&h("a1")).await.unwrap().unwrap();
        assert_eq!(t.kind, TokenKind::Access);
        assert_eq!(t.scopes, vec!["openid", "age"]);
        assert_eq!(t.family_id, "f1");
        assert!(live(db, "a1", NOW + 2).await && live(db, "r1", NOW + 2).await);
        // Replay: refused, and the tokens it issued are revoked.
        let again = db
            .store
            .redeem_code(&h("code-1"), &binding(), &issue("a2", "r2", "f2", NOW + 3))
            .await
            .unwrap();
        assert_eq!(again, RedeemOutcome::Replayed { revoked: 2 });
        assert!(!live(db, "a1", NOW + 4).await && !live(db, "r1", NOW + 4).await);
        assert!(db.store.oauth_token(&h("a2")).await.unwrap().is_none());
        // Tokens are hashed at rest.
        let rows = sqlx::query("SELECT token_hash FROM oauth_tokens")
            .fetch_all(db.raw())
            .await
            .unwrap();
        for row in rows {
            let stored: String = row.get(0);
            assert!(stored != "a1" && stored != "r1" && stored.len() == 64);
        }
    }

    pub async fn a_mismatched_code_is_burnt_and_issues_nothing(db: &TestDb) {
        setup(db).await;
        for (i, (b, want)) in [
            (
                CodeBinding {
                    redirect_uri: "https://svc.example/cb/",
                    ..binding()
                },
                CodeMismatch::RedirectUri,
            ),
            (
                CodeBinding {
                    code_challenge: "other",
                    ..binding()
                },
                CodeMismatch::Verifier,
            ),
        ]
        .into_iter()
        .enumerate()
        {
            let c = format!("code-m{i}");
            code(db, &c, "p1", "consent-1").await;
            let out = db
                .store
                .redeem_code(&h(&c), &b, &issue(&format!("am{i}"), "x", "f", NOW + 1))
                .await
                .unwrap();
            assert_eq!(out, RedeemOutcome::Mismatch(want));
            assert!(db
                .store
                .oauth_token(&h(&format!("am{i}")))
                .await
                .unwrap()
                .is_none());
            // Burnt: the right binding afterwards is a replay.
            let out = db
                .store
                .redeem_code(
                    &h(&c),
                    &binding(),
                    &issue(&format!("an{i}"), "y", "g", NOW + 2),
                )
                .await
                .unwrap();
            assert!(matches!(out, RedeemOutcome::Replayed { .. }), "{out:?}");
        }
        code(db, "code-late", "p1", "consent-1").await;
        let out = db
            .store
            .redeem_code(
                &h("code-late"),
                &binding(),
                &issue("al", "rl", "f", NOW + 61),
            )
            .await
            .unwrap();
        assert_eq!(out, RedeemOutcome::Mismatch(CodeMismatch::Expired));
    }

    pub async fn concurrent_redemptions_of_one_code_issue_once(db: &TestDb) {
        setup(db).await;
        code(db, "code-c", "p1", "consent-1").await;
        let store = Arc::new(db.reopen().await.unwrap());
        let mut tasks = Vec::new();
        for i in 0..8 {
            let store = store.clone();
            tasks.push(tokio::spawn(async move {
                store
                    .redeem_code(
                        &h("code-c"),
                        &binding(),
                        &issue(
                            &format!("ca{i}"),
                            &format!("cr{i}"),
                            &format!("cf{i}"),
                            NOW + 1,
                        ),
                    )
                    .await
                    .unwrap()
            }));
        }
        let mut redeemed = 0;
        for t in tasks {
            if matches!(t.await.unwrap(), RedeemOutcome::Redeemed(_)) {
                redeemed += 1;
            }
        }
        assert_eq!(redeemed, 1);
        // Every replay revoked what the one redemption issued.
        let live_count =
            sqlx::query("SELECT COUNT(*) FROM oauth_tokens WHERE revoked_at_unix IS NULL")
                .fetch_one(db.raw())
                .await
                .unwrap()
                .get::<i64, _>(0);
        assert_eq!(live_count, 0);
    }

    pub async fn refresh_tokens_rotate_and_reuse_revokes_the_family(db: &TestDb) {
        setup(db).await;
        code(db, "code-r", "p1", "consent-1").await;
        db.store
            .redeem_code(&h("code-r"), &binding(), &issue("a1", "r1", "fam", NOW))
            .await
            .unwrap();
        // Another client cannot rotate it.
        assert_eq!(
            db.store
                .rotate_refresh(&h("r1"), "c2", &issue("x", "y", "ignored", NOW + 1))
                .await
                .unwrap(),
            RotateOutcome::Invalid
        );
        let out = db
            .store
            .rotate_refresh(&h("r1"), "c1", &issue("a2", "r2", "ignored", NOW + 1))
            .await
            .unwrap();
        assert!(matches!(out, RotateOutcome::Rotated(ref old) if old.family_id == "fam"));
        let a2 = db.store.oauth_token(&h("a2")).await.unwrap().unwrap();
        assert_eq!(
            (a2.family_id.as_str(), a2.person_id.as_str()),
            ("fam", "p1")
        );
        assert!(!live(db, "r1", NOW + 2).await && live(db, "r2", NOW + 2).await);
        // The old refresh token again: the whole family goes.
        let out = db
            .store
            .rotate_refresh(&h("r1"), "c1", &issue("a3", "r3", "ignored", NOW + 2))
            .await
            .unwrap();
        assert!(
            matches!(out, RotateOutcome::Reused { revoked } if revoked >= 3),
            "{out:?}"
        );
        for t in ["a1", "a2", "r2"] {
            assert!(!live(db, t, NOW + 3).await, "{t}");
        }
        assert!(db.store.oauth_token(&h("a3")).await.unwrap().is_none());
        assert_eq!(
            db.store
                .rotate_refresh(&h("r2"), "c1", &issue("a4", "r4", "i", NOW + 3))
                .await
                .unwrap(),
            RotateOutcome::Invalid
        );
        // Expired refresh tokens do not rotate.
        code(db, "code-r2", "p1", "consent-1").await;
        db.store
            .redeem_code(&h("code-r2"), &binding(), &issue("b1", "s1", "fam2", NOW))
            .await
            .unwrap();
        assert_eq!(
            db.store
                .rotate_refresh(&h("s1"), "c1", &issue("b2", "s2", "i", NOW + 86_400))
                .await
                .unwrap(),
            RotateOutcome::Invalid
        );
    }

    pub async fn revocation_is_per_client_and_refresh_takes_the_family(db: &TestDb) {
        setup(db).await;
        code(db, "code-v", "p1", "consent-1").await;
        db.store
            .redeem_code(&h("code-v"), &binding(), &issue("a1", "r1", "fam", NOW))
            .await
            .unwrap();
        assert!(!db
            .store
            .revoke_oauth_token(&h("a1"), "c2", NOW)
            .await
            .unwrap());
        assert!(live(db, "a1", NOW + 1).await);
        assert!(!db
            .store
            .revoke_oauth_token(&h("zz"), "c1", NOW)
            .await
            .unwrap());
        assert!(db
            .store
            .revoke_oauth_token(&h("a1"), "c1", NOW)
            .await
            .unwrap());
        assert!(!live(db, "a1", NOW + 1).await && live(db, "r1", NOW + 1).await);
        assert!(db
            .store
            .revoke_oauth_token(&h("r1"), "c1", NOW)
            .await
            .unwrap());
        assert!(!live(db, "r1", NOW + 1).await);
    }

    pub async fn person_and_consent_revocation_and_erasure_end_grants(db: &TestDb) {
        setup(db).await;
        code(db, "k1", "p1", "consent-1").await;
        code(db, "k2", "p1", "consent-2").await;
        code(db, "k3", "p2", "consent-3").await;
        db.store
            .redeem_code(&h("k1"), &binding(), &issue("a1", "r1", "f1", NOW))
            .await
            .unwrap();
        db.store
            .redeem_code(&h("k3"), &binding(), &issue("a3", "r3", "f3", NOW))
            .await
            .unwrap();
        assert_eq!(db.store.clients_of_person("p1").await.unwrap(), vec!["c1"]);
        assert_eq!(
            db.store
                .revoke_consent_grants("consent-1", NOW)
                .await
                .unwrap(),
            2
        );
        assert!(!live(db, "a1", NOW + 1).await);
        // k2 (unused code of p1) goes with the person's revocation.
        assert_eq!(db.store.revoke_person_grants("p1", NOW).await.unwrap(), 1);
        let out = db
            .store
            .redeem_code(&h("k2"), &binding(), &issue("a2", "r2", "f2", NOW + 1))
            .await
            .unwrap();
        assert!(!matches!(out, RedeemOutcome::Redeemed(_)));
        // Erasure cascades to p2's codes and tokens; p1 is untouched by it.
        assert!(live(db, "a3", NOW + 1).await);
        assert!(db.store.erase_person("p2").await.unwrap());
        assert!(db.store.oauth_token(&h("a3")).await.unwrap().is_none());
        assert!(db.store.oauth_token(&h("r3")).await.unwrap().is_none());
        assert!(db.store.oauth_token(&h("r1")).await.unwrap().is_some());
        assert!(db.store.purge_expired_grants(NOW + 100_000).await.unwrap() >= 2);
        assert!(db.store.oauth_token(&h("r1")).await.unwrap().is_none());
    }

    pub async fn deletion_notices_queue_claim_and_outlive_the_person(db: &TestDb) {
        setup(db).await;
        let notice = DeletionNotice {
            id: "n1".into(),
            client_id: "c1".into(),
            subject: "pairwise-sub".into(),
            reason: "account_erased".into(),
            created_at_unix: NOW,
            next_attempt_unix: NOW,
            give_up_at_unix: NOW + 3 * 86_400,
            attempts: 0,
            delivered_at_unix: None,
            gave_up_at_unix: None,
            last_error: None,
        };
        db.store.queue_deletion_notice(&notice).await.unwrap();
        db.store.queue_deletion_notice(&notice).await.unwrap();
        assert!(db.store.erase_person("p1").await.unwrap());
        let due = db.store.due_deletion_notices(NOW, 10).await.unwrap();
        assert_eq!(due, vec![notice.clone()]);
        assert!(db
            .store
            .due_deletion_notices(NOW - 1, 10)
            .await
            .unwrap()
            .is_empty());
        assert!(db
            .store
            .claim_deletion_notice("n1", NOW, NOW + 30)
            .await
            .unwrap());
        assert!(!db
            .store
            .claim_deletion_notice("n1", NOW, NOW + 30)
            .await
            .unwrap());
        db.store
            .deletion_notice_failed("n1", "HTTP 503", NOW + 60, false, NOW)
            .await
            .unwrap();
        let n = db.store.deletion_notice("n1").await.unwrap().unwrap();
        assert_eq!((n.attempts, n.next_attempt_unix), (1, NOW + 60));
        assert_eq!(n.last_error.as_deref(), Some("HTTP 503"));
        assert!(db
            .store
            .due_deletion_notices(NOW + 59, 10)
            .await
            .unwrap()
            .is_empty());
        assert_eq!(
            db.store
                .due_deletion_notices(NOW + 60, 10)
                .await
                .unwrap()
                .len(),
            1
        );
        db.store
            .deletion_notice_delivered("n1", NOW + 61)
            .await
            .unwrap();
        let n = db.store.deletion_notice("n1").await.unwrap().unwrap();
        assert_eq!((n.attempts, n.delivered_at_unix), (2, Some(NOW + 61)));
        assert!(db
            .store
            .due_deletion_notices(NOW + 1000, 10)
            .await
            .unwrap()
            .is_empty());
    }
}
