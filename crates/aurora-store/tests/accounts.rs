//! `AccountStore` conformance: accounts, external identities, single-use e-mail tokens
//! (including the §8.1 rule that an e-mail change link works only for its own person), the
//! database-backed sign-in throttle and single-use OpenID Connect login attempts, on SQLite
//! always and on PostgreSQL when `AURORA_TEST_DATABASE_URL` is set.

#[path = "conformance/harness.rs"]
#[macro_use]
#[allow(dead_code)]
mod harness;

conformance! {
    cases::accounts_have_unique_normalised_addresses,
    cases::identities_link_once,
    cases::verification_tokens_are_single_use_and_expire,
    cases::email_change_tokens_work_only_for_their_own_person,
    cases::email_change_to_a_taken_address_keeps_the_token,
    cases::concurrent_redemptions_succeed_once,
    cases::password_reset_tokens_are_single_use_expire_and_end_every_session,
    cases::password_reset_tokens_die_when_the_address_changed,
    cases::concurrent_password_resets_succeed_once,
    cases::the_throttle_counts_failures_per_key_in_the_database,
    cases::oidc_logins_and_pending_links_are_single_use,
    cases::erasing_the_person_removes_the_account_state,
    cases::purge_removes_only_expired_state,
}

mod cases {
    use std::sync::Arc;

    use aurora_store::accounts::{
        AccountStore, ChangeOutcome, EmailPurpose, OidcLogin, PendingLink, ResetOutcome,
        VerifyOutcome,
    };
    use aurora_store::people::{PersonKind, PersonStore, SessionRecord};
    use aurora_store::SqlStore;
    use sqlx::Row;

    use crate::harness::TestDb;

    const NOW: i64 = 1_800_000_000;

    async fn person(store: &SqlStore, id: &str) {
        store
            .create_person(id, PersonKind::Person, "wrapped", "k1")
            .await
            .expect("create person");
    }

    async fn count(db: &TestDb, sql: &str) -> i64 {
        sqlx::query(sql)
            .fetch_one(db.raw())
            .await
            .expect(sql)
            .get::<i64, _>(0)
    }

    pub async fn accounts_have_unique_normalised_addresses(db: &TestDb) {
        let s = &db.store;
        person(s, "p1").await;
        person(s, "p2").await;
        let a = s
            .create_account("p1", "a@example.fi", Some("$argon2id$x"), false)
            .await
            .unwrap()
            .expect("created");
        assert_eq!(a.email, "a@example.fi");
        assert_eq!(a.verified_at, None);
        assert!(
            !format!("{a:?}").contains("argon2id"),
            "Debug hides the hash"
        );
        assert_eq!(
            s.create_account("p2", "a@example.fi", None, true)
                .await
                .unwrap(),
            None,
            "the address is taken"
        );
        assert_eq!(
            s.create_account("p1", "b@example.fi", None, true)
                .await
                .unwrap(),
            None,
            "the person has an account"
        );
        let found = s.account_by_email("a@example.fi").await.unwrap().unwrap();
        assert_eq!(found.person_id, "p1");
        assert_eq!(found.password_hash.as_deref(), Some("$argon2id$x"));
        assert!(s.account_by_email("b@example.fi").await.unwrap().is_none());
        assert!(s.set_password_hash("p1", "$argon2id$y").await.unwrap());
        assert!(!s.set_password_hash("p2", "$argon2id$y").await.unwrap());
        assert_eq!(
            s.account("p1")
                .await
                .unwrap()
                .unwrap()
                .password_hash
                .as_deref(),
            Some("$argon2id$y")
        );
        // OIDC-only accounts have no password.
        let o = s
            .create_account("p2", "o@example.fi", None, true)
            .await
            .unwrap()
            .unwrap();
        assert!(o.verified_at.is_some() && o.password_hash.is_none());
    }

    pub async fn identities_link_once(db: &TestDb) {
        let s = &db.store;
        person(s, "p1").await;
        person(s, "p2").await;
        assert!(s.link_identity("https://idp", "sub-1", "p1").await.unwrap());
        assert!(!s.link_identity("https://idp", "sub-1", "p2").await.unwrap());
        assert_eq!(
            s.identity_person("https://idp", "sub-1")
                .await
                .unwrap()
                .as_deref(),
            Some("p1")
        );
        assert_eq!(
            s.identity_person("https://other", "sub-1").await.unwrap(),
            None
        );
        assert!(s
            .link_identity("https://other", "sub-1", "p2")
            .await
            .unwrap());
    }

    pub async fn verification_tokens_are_single_use_and_expire(db: &TestDb) {
        let s = &db.store;
        person(s, "p1").await;
        s.create_account("p1", "a@example.fi", None, false)
            .await
            .unwrap();
        s.create_email_token("h-old", "p1", EmailPurpose::Verify, "a@example.fi", NOW - 1)
            .await
            .unwrap();
        assert_eq!(
            s.redeem_verification("h-old", NOW).await.unwrap(),
            VerifyOutcome::Invalid,
            "expired"
        );
        s.create_email_token("h1", "p1", EmailPurpose::Verify, "a@example.fi", NOW + 60)
            .await
            .unwrap();
        // A change token is not a verification token.
        s.create_email_token(
            "h-change",
            "p1",
            EmailPurpose::Change,
            "c@example.fi",
            NOW + 60,
        )
        .await
        .unwrap();
        assert_eq!(
            s.redeem_verification("h-change", NOW).await.unwrap(),
            VerifyOutcome::Invalid
        );
        assert_eq!(
            s.redeem_verification("h1", NOW).await.unwrap(),
            VerifyOutcome::Verified {
                person_id: "p1".into()
            }
        );
        assert!(s
            .account("p1")
            .await
            .unwrap()
            .unwrap()
            .verified_at
            .is_some());
        assert_eq!(
            s.redeem_verification("h1", NOW).await.unwrap(),
            VerifyOutcome::Invalid,
            "used"
        );
        assert_eq!(
            s.redeem_verification("nope", NOW).await.unwrap(),
            VerifyOutcome::Invalid
        );
        // A link sent to an address the account no longer has verifies nothing.
        person(s, "p2").await;
        s.create_account("p2", "b@example.fi", None, false)
            .await
            .unwrap();
        s.create_email_token("h2", "p2", EmailPurpose::Verify, "old@example.fi", NOW + 60)
            .await
            .unwrap();
        assert_eq!(
            s.redeem_verification("h2", NOW).await.unwrap(),
            VerifyOutcome::Invalid
        );
        assert!(s
            .account("p2")
            .await
            .unwrap()
            .unwrap()
            .verified_at
            .is_none());
    }

    /// Reference flaw §8.1: an e-mail change is bound to the person it was issued to.
    pub async fn email_change_tokens_work_only_for_their_own_person(db: &TestDb) {
        let s = &db.store;
        person(s, "victim").await;
        person(s, "attacker").await;
        s.create_account("victim", "victim@example.fi", None, true)
            .await
            .unwrap();
        s.create_account("attacker", "attacker@example.fi", None, true)
            .await
            .unwrap();
        s.create_email_token(
            "h1",
            "victim",
            EmailPurpose::Change,
            "new@example.fi",
            NOW + 60,
        )
        .await
        .unwrap();
        // Another person's session cannot use (or burn) the link.
        assert_eq!(
            s.redeem_email_change("h1", "attacker", NOW).await.unwrap(),
            ChangeOutcome::Invalid
        );
        assert_eq!(
            s.account("attacker").await.unwrap().unwrap().email,
            "attacker@example.fi"
        );
        // The owner can.
        assert_eq!(
            s.redeem_email_change("h1", "victim", NOW).await.unwrap(),
            ChangeOutcome::Changed {
                old_email: "victim@example.fi".into(),
                new_email: "new@example.fi".into()
            }
        );
        assert_eq!(
            s.account("victim").await.unwrap().unwrap().email,
            "new@example.fi"
        );
        // Once.
        assert_eq!(
            s.redeem_email_change("h1", "victim", NOW).await.unwrap(),
            ChangeOutcome::Invalid
        );
        // Not after expiry.
        s.create_email_token("h2", "victim", EmailPurpose::Change, "x@example.fi", NOW)
            .await
            .unwrap();
        assert_eq!(
            s.redeem_email_change("h2", "victim", NOW).await.unwrap(),
            ChangeOutcome::Invalid
        );
        // A verification token is not a change token.
        s.create_email_token(
            "h3",
            "victim",
            EmailPurpose::Verify,
            "y@example.fi",
            NOW + 60,
        )
        .await
        .unwrap();
        assert_eq!(
            s.redeem_email_change("h3", "victim", NOW).await.unwrap(),
            ChangeOutcome::Invalid
        );
    }

    pub async fn email_change_to_a_taken_address_keeps_the_token(db: &TestDb) {
        let s = &db.store;
        person(s, "p1").await;
        person(s, "p2").await;
        s.create_account("p1", "a@example.fi", None, true)
            .await
            .unwrap();
        s.create_email_token("h1", "p1", EmailPurpose::Change, "b@example.fi", NOW + 60)
            .await
            .unwrap();
        s.create_account("p2", "b@example.fi", None, true)
            .await
            .unwrap();
        assert_eq!(
            s.redeem_email_change("h1", "p1", NOW).await.unwrap(),
            ChangeOutcome::Taken
        );
        assert_eq!(
            s.account("p1").await.unwrap().unwrap().email,
            "a@example.fi"
        );
        assert_eq!(
            count(
                db,
                "SELECT COUNT(*) FROM email_tokens WHERE used_at IS NULL"
            )
            .await,
            1
        );
    }

    async fn session(store: &SqlStore, hash: &str, person_id: &str) {
        store
            .create_session(&SessionRecord {
                token_hash: hash.into(),
                person_id: person_id.into(),
                auth_method: "password".into(),
                auth_time_unix: NOW,
                expires_at_unix: NOW + 3600,
            })
            .await
            .expect("create session");
    }

    fn hash_of(account: Option<aurora_store::accounts::AccountRecord>) -> Option<String> {
        account.and_then(|a| a.password_hash)
    }

    pub async fn password_reset_tokens_are_single_use_expire_and_end_every_session(db: &TestDb) {
        let s = &db.store;
        person(s, "p1").await;
        person(s, "p2").await;
        s.create_account("p1", "a@example.fi", Some("$argon2id$old"), true)
            .await
            .unwrap();
        s.create_account("p2", "b@example.fi", Some("$argon2id$b"), true)
            .await
            .unwrap();
        session(s, "s1", "p1").await;
        session(s, "s2", "p1").await;
        session(s, "s3", "p2").await;
        for (hash, purpose, expires) in [
            ("h-old", EmailPurpose::Reset, NOW - 1),
            ("h-verify", EmailPurpose::Verify, NOW + 60),
            ("h-change", EmailPurpose::Change, NOW + 60),
            ("h1", EmailPurpose::Reset, NOW + 1800),
            ("h2", EmailPurpose::Reset, NOW + 1800),
        ] {
            let email = if purpose == EmailPurpose::Change {
                "new@example.fi"
            } else {
                "a@example.fi"
            };
            s.create_email_token(hash, "p1", purpose, email, expires)
                .await
                .unwrap();
        }
        // Peeking spends nothing and sees only live reset tokens.
        assert_eq!(s.password_reset_email("h-old", NOW).await.unwrap(), None);
        assert_eq!(s.password_reset_email("h-verify", NOW).await.unwrap(), None);
        assert_eq!(s.password_reset_email("nope", NOW).await.unwrap(), None);
        for _ in 0..2 {
            assert_eq!(
                s.password_reset_email("h1", NOW).await.unwrap().as_deref(),
                Some("a@example.fi")
            );
        }
        // Expired, unknown and another purpose's tokens are refused and change nothing.
        for hash in ["h-old", "h-verify", "h-change", "nope"] {
            assert_eq!(
                s.redeem_password_reset(hash, "$argon2id$evil", NOW)
                    .await
                    .unwrap(),
                ResetOutcome::Invalid,
                "{hash}"
            );
        }
        assert_eq!(
            hash_of(s.account("p1").await.unwrap()).as_deref(),
            Some("$argon2id$old")
        );
        assert!(s.session("s1", NOW).await.unwrap().is_some());
        // A reset token is no verification token either.
        assert_eq!(
            s.redeem_verification("h1", NOW).await.unwrap(),
            VerifyOutcome::Invalid
        );
        assert_eq!(
            s.redeem_password_reset("h1", "$argon2id$new", NOW)
                .await
                .unwrap(),
            ResetOutcome::Reset {
                person_id: "p1".into(),
                email: "a@example.fi".into(),
                sessions_ended: 2,
            }
        );
        assert_eq!(
            hash_of(s.account("p1").await.unwrap()).as_deref(),
            Some("$argon2id$new")
        );
        assert!(s.session("s1", NOW).await.unwrap().is_none());
        assert!(s.session("s2", NOW).await.unwrap().is_none());
        assert!(
            s.session("s3", NOW).await.unwrap().is_some(),
            "another person's session stays"
        );
        assert_eq!(
            hash_of(s.account("p2").await.unwrap()).as_deref(),
            Some("$argon2id$b")
        );
        // Used, and the person's other reset link is spent with it.
        for hash in ["h1", "h2"] {
            assert_eq!(s.password_reset_email(hash, NOW).await.unwrap(), None);
            assert_eq!(
                s.redeem_password_reset(hash, "$argon2id$again", NOW)
                    .await
                    .unwrap(),
                ResetOutcome::Invalid,
                "{hash}"
            );
        }
        assert_eq!(
            hash_of(s.account("p1").await.unwrap()).as_deref(),
            Some("$argon2id$new")
        );
        // The verification token of another purpose was not touched.
        assert_eq!(
            s.redeem_verification("h-verify", NOW).await.unwrap(),
            VerifyOutcome::Verified {
                person_id: "p1".into()
            }
        );
    }

    pub async fn password_reset_tokens_die_when_the_address_changed(db: &TestDb) {
        let s = &db.store;
        person(s, "p1").await;
        s.create_account("p1", "now@example.fi", Some("$argon2id$old"), true)
            .await
            .unwrap();
        session(s, "s1", "p1").await;
        s.create_email_token("h1", "p1", EmailPurpose::Reset, "was@example.fi", NOW + 60)
            .await
            .unwrap();
        assert_eq!(
            s.redeem_password_reset("h1", "$argon2id$new", NOW)
                .await
                .unwrap(),
            ResetOutcome::Invalid
        );
        assert_eq!(
            hash_of(s.account("p1").await.unwrap()).as_deref(),
            Some("$argon2id$old")
        );
        assert!(s.session("s1", NOW).await.unwrap().is_some());
        assert_eq!(
            s.password_reset_email("h1", NOW).await.unwrap(),
            None,
            "spent"
        );
        // Erasing the person removes reset tokens too.
        s.create_email_token("h2", "p1", EmailPurpose::Reset, "now@example.fi", NOW + 60)
            .await
            .unwrap();
        s.erase_person("p1").await.unwrap();
        assert_eq!(
            count(db, "SELECT COUNT(*) FROM email_tokens").await,
            0,
            "no token outlives the person"
        );
    }

    pub async fn concurrent_password_resets_succeed_once(db: &TestDb) {
        let store = Arc::new(db.reopen().await.unwrap());
        person(&store, "p1").await;
        store
            .create_account("p1", "a@example.fi", Some("$argon2id$old"), true)
            .await
            .unwrap();
        store
            .create_email_token("h1", "p1", EmailPurpose::Reset, "a@example.fi", NOW + 60)
            .await
            .unwrap();
        let mut tasks = Vec::new();
        for i in 0..8 {
            let s = store.clone();
            tasks.push(tokio::spawn(async move {
                let hash = format!("$argon2id$n{i}");
                let out = s.redeem_password_reset("h1", &hash, NOW).await.unwrap();
                matches!(out, ResetOutcome::Reset { .. }).then_some(hash)
            }));
        }
        let mut winners = Vec::new();
        for t in tasks {
            if let Some(h) = t.await.unwrap() {
                winners.push(h);
            }
        }
        assert_eq!(winners.len(), 1);
        assert_eq!(
            hash_of(store.account("p1").await.unwrap()),
            winners.pop(),
            "the one winner's password is the account's"
        );
    }

    pub async fn concurrent_redemptions_succeed_once(db: &TestDb) {
        let store = Arc::new(db.reopen().await.unwrap());
        person(&store, "p1").await;
        store
            .create_account("p1", "a@example.fi", None, false)
            .await
            .unwrap();
        store
            .create_email_token("h1", "p1", EmailPurpose::Verify, "a@example.fi", NOW + 60)
            .await
            .unwrap();
        let mut tasks = Vec::new();
        for _ in 0..8 {
            let s = store.clone();
            tasks.push(tokio::spawn(async move {
                s.redeem_verification("h1", NOW).await.unwrap()
            }));
        }
        let mut wins = 0;
        for t in tasks {
            if matches!(t.await.unwrap(), VerifyOutcome::Verified { .. }) {
                wins += 1;
            }
        }
        assert_eq!(wins, 1);
        store
            .create_oidc_login(
                "s1",
                &OidcLogin {
                    nonce: "n".into(),
                    pkce_verifier: "v".into(),
                    return_to: "/".into(),
                    lang: "fi".into(),
                    expires_at_unix: NOW + 60,
                },
            )
            .await
            .unwrap();
        let mut tasks = Vec::new();
        for _ in 0..8 {
            let s = store.clone();
            tasks.push(tokio::spawn(async move {
                s.take_oidc_login("s1", NOW).await.unwrap().is_some()
            }));
        }
        let mut wins = 0;
        for t in tasks {
            wins += usize::from(t.await.unwrap());
        }
        assert_eq!(wins, 1, "a state is taken once");
    }

    pub async fn the_throttle_counts_failures_per_key_in_the_database(db: &TestDb) {
        let s = &db.store;
        assert_eq!(s.signin_failures("k1", NOW - 900).await.unwrap(), (0, None));
        for i in 0..3 {
            s.record_signin_failure("k1", NOW - 1000 + i).await.unwrap();
        }
        for i in 0..4 {
            s.record_signin_failure("k1", NOW - 100 + i).await.unwrap();
        }
        s.record_signin_failure("k2", NOW).await.unwrap();
        // Another replica (another store on the same database) sees the same count.
        let other = db.reopen().await.unwrap();
        assert_eq!(
            other.signin_failures("k1", NOW - 900).await.unwrap(),
            (4, Some(NOW - 100))
        );
        assert_eq!(other.signin_failures("k2", NOW - 900).await.unwrap().0, 1);
        s.clear_signin_failures("k1").await.unwrap();
        assert_eq!(s.signin_failures("k1", 0).await.unwrap(), (0, None));
        assert_eq!(s.signin_failures("k2", 0).await.unwrap().0, 1);
    }

    pub async fn oidc_logins_and_pending_links_are_single_use(db: &TestDb) {
        let s = &db.store;
        let login = OidcLogin {
            nonce: "nonce-secret".into(),
            pkce_verifier: "verifier-secret".into(),
            return_to: "/fi/me".into(),
            lang: "fi".into(),
            expires_at_unix: NOW + 600,
        };
        assert!(
            !format!("{login:?}").contains("secret"),
            "Debug hides the secrets"
        );
        s.create_oidc_login("st1", &login).await.unwrap();
        assert_eq!(
            s.take_oidc_login("st1", NOW).await.unwrap(),
            Some(login.clone())
        );
        assert_eq!(
            s.take_oidc_login("st1", NOW).await.unwrap(),
            None,
            "replayed"
        );
        s.create_oidc_login("st2", &login).await.unwrap();
        assert_eq!(
            s.take_oidc_login("st2", NOW + 600).await.unwrap(),
            None,
            "expired"
        );
        assert_eq!(count(db, "SELECT COUNT(*) FROM oidc_logins").await, 0);

        person(s, "p1").await;
        let link = PendingLink {
            person_id: "p1".into(),
            issuer: "https://idp".into(),
            subject: "sub".into(),
        };
        s.create_pending_link("l1", &link, NOW + 60).await.unwrap();
        assert_eq!(
            s.take_pending_link("l1", NOW).await.unwrap(),
            Some(link.clone())
        );
        assert_eq!(s.take_pending_link("l1", NOW).await.unwrap(), None);
        s.create_pending_link("l2", &link, NOW).await.unwrap();
        assert_eq!(
            s.take_pending_link("l2", NOW).await.unwrap(),
            None,
            "expired"
        );
    }

    pub async fn erasing_the_person_removes_the_account_state(db: &TestDb) {
        let s = &db.store;
        person(s, "p1").await;
        s.create_account("p1", "a@example.fi", Some("h"), true)
            .await
            .unwrap();
        s.link_identity("https://idp", "sub", "p1").await.unwrap();
        s.create_email_token("h1", "p1", EmailPurpose::Change, "b@example.fi", NOW + 60)
            .await
            .unwrap();
        s.create_pending_link(
            "l1",
            &PendingLink {
                person_id: "p1".into(),
                issuer: "https://idp2".into(),
                subject: "s".into(),
            },
            NOW + 60,
        )
        .await
        .unwrap();
        assert!(s.erase_person("p1").await.unwrap());
        for table in [
            "accounts",
            "external_identities",
            "email_tokens",
            "pending_links",
        ] {
            assert_eq!(
                count(db, &format!("SELECT COUNT(*) FROM {table}")).await,
                0,
                "{table}"
            );
        }
        // The address is free again.
        person(s, "p2").await;
        assert!(s
            .create_account("p2", "a@example.fi", None, false)
            .await
            .unwrap()
            .is_some());
    }

    pub async fn purge_removes_only_expired_state(db: &TestDb) {
        let s = &db.store;
        person(s, "p1").await;
        s.create_email_token("old", "p1", EmailPurpose::Verify, "a@example.fi", NOW - 1)
            .await
            .unwrap();
        s.create_email_token("new", "p1", EmailPurpose::Verify, "a@example.fi", NOW + 60)
            .await
            .unwrap();
        s.record_signin_failure("k", NOW - 2000).await.unwrap();
        s.record_signin_failure("k", NOW - 10).await.unwrap();
        let removed = s.purge_expired_account_state(NOW, NOW - 900).await.unwrap();
        assert_eq!(removed, 2);
        assert_eq!(count(db, "SELECT COUNT(*) FROM email_tokens").await, 1);
        assert_eq!(count(db, "SELECT COUNT(*) FROM signin_failures").await, 1);
    }
}
