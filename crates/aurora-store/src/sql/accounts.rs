//! [`AccountStore`] on SQLite and PostgreSQL (migration 0005).
//!
//! Token redemptions start with the `UPDATE … RETURNING` (or `DELETE … RETURNING`) that
//! consumes the token: one statement decides which of two concurrent redemptions wins, and the
//! transaction writes first (see `recommend.rs` for why that matters on SQLite).

use async_trait::async_trait;
use sqlx::any::AnyRow;
use sqlx::Row;

use super::{now, SqlStore};
use crate::accounts::{
    AccountRecord, AccountStore, ChangeOutcome, EmailPurpose, OidcLogin, PendingLink, ResetOutcome,
    VerifyOutcome,
};
use crate::{Error, Result};

const ACCOUNT_COLUMNS: &str = "person_id, email, verified_at, password_hash, created_at";

fn account_from_row(row: &AnyRow) -> Result<AccountRecord> {
    Ok(AccountRecord {
        person_id: row.try_get(0)?,
        email: row.try_get(1)?,
        verified_at: row.try_get(2)?,
        password_hash: row.try_get(3)?,
        created_at: row.try_get(4)?,
    })
}

fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(db) if db.is_unique_violation())
}

#[async_trait]
impl AccountStore for SqlStore {
    async fn create_account(
        &self,
        person_id: &str,
        email: &str,
        password_hash: Option<&str>,
        verified: bool,
    ) -> Result<Option<AccountRecord>> {
        let _writer = self.sqlite_write_lock().await;
        let created_at = now();
        let verified_at = verified.then(|| created_at.clone());
        let done = sqlx::query(
            "INSERT INTO accounts (person_id, email, verified_at, password_hash, \
             password_changed_at, created_at) VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT DO NOTHING",
        )
        .bind(person_id)
        .bind(email)
        .bind(verified_at.clone())
        .bind(password_hash)
        .bind(password_hash.map(|_| created_at.clone()))
        .bind(&created_at)
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 0 {
            return Ok(None);
        }
        Ok(Some(AccountRecord {
            person_id: person_id.to_string(),
            email: email.to_string(),
            verified_at,
            password_hash: password_hash.map(str::to_string),
            created_at,
        }))
    }

    async fn account_by_email(&self, email: &str) -> Result<Option<AccountRecord>> {
        let row = sqlx::query(&format!(
            "SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE email = $1"
        ))
        .bind(email)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(account_from_row).transpose()
    }

    async fn account(&self, person_id: &str) -> Result<Option<AccountRecord>> {
        let row = sqlx::query(&format!(
            "SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE person_id = $1"
        ))
        .bind(person_id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(account_from_row).transpose()
    }

    async fn set_password_hash(&self, person_id: &str, password_hash: &str) -> Result<bool> {
        let _writer = self.sqlite_write_lock().await;
        let done = sqlx::query(
            "UPDATE accounts SET password_hash = $1, password_changed_at = $2 \
             WHERE person_id = $3",
        )
        .bind(password_hash)
        .bind(now())
        .bind(person_id)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn link_identity(&self, issuer: &str, subject: &str, person_id: &str) -> Result<bool> {
        let _writer = self.sqlite_write_lock().await;
        let done = sqlx::query(
            "INSERT INTO external_identities (issuer, subject, person_id, created_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
        )
        .bind(issuer)
        .bind(subject)
        .bind(person_id)
        .bind(now())
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn identity_person(&self, issuer: &str, subject: &str) -> Result<Option<String>> {
        let row = sqlx::query(
            "SELECT person_id FROM external_identities WHERE issuer = $1 AND subject = $2",
        )
        .bind(issuer)
        .bind(subject)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|r| r.try_get(0)).transpose()?)
    }

    async fn create_email_token(
        &self,
        token_hash: &str,
        person_id: &str,
        purpose: EmailPurpose,
        email: &str,
        expires_at_unix: i64,
    ) -> Result<()> {
        let _writer = self.sqlite_write_lock().await;
        sqlx::query(
            "INSERT INTO email_tokens (token_hash, person_id, purpose, email, created_at, \
             expires_at_unix) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(token_hash)
        .bind(person_id)
        .bind(purpose.as_str())
        .bind(email)
        .bind(now())
        .bind(expires_at_unix)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn redeem_verification(&self, token_hash: &str, now_unix: i64) -> Result<VerifyOutcome> {
        let _writer = self.sqlite_write_lock().await;
        let at = now();
        let mut tx = self.pool.begin().await?;
        let row = sqlx::query(
            "UPDATE email_tokens SET used_at = $1 WHERE token_hash = $2 AND purpose = 'verify' \
             AND used_at IS NULL AND expires_at_unix > $3 RETURNING person_id, email",
        )
        .bind(&at)
        .bind(token_hash)
        .bind(now_unix)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else {
            tx.rollback().await?;
            return Ok(VerifyOutcome::Invalid);
        };
        let person_id: String = row.try_get(0)?;
        let email: String = row.try_get(1)?;
        let done = sqlx::query(
            "UPDATE accounts SET verified_at = COALESCE(verified_at, $1) \
             WHERE person_id = $2 AND email = $3",
        )
        .bind(&at)
        .bind(&person_id)
        .bind(&email)
        .execute(&mut *tx)
        .await?;
        // A link to an address the account no longer has is spent either way.
        tx.commit().await?;
        Ok(if done.rows_affected() == 1 {
            VerifyOutcome::Verified { person_id }
        } else {
            VerifyOutcome::Invalid
        })
    }

    async fn redeem_email_change(
        &self,
        token_hash: &str,
        person_id: &str,
        now_unix: i64,
    ) -> Result<ChangeOutcome> {
        let _writer = self.sqlite_write_lock().await;
        let at = now();
        let mut tx = self.pool.begin().await?;
        // The person condition is part of the consuming statement: another person's session
        // can neither use nor burn the link.
        let row = sqlx::query(
            "UPDATE email_tokens SET used_at = $1 WHERE token_hash = $2 AND person_id = $3 \
             AND purpose = 'change' AND used_at IS NULL AND expires_at_unix > $4 \
             RETURNING email",
        )
        .bind(&at)
        .bind(token_hash)
        .bind(person_id)
        .bind(now_unix)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else {
            tx.rollback().await?;
            return Ok(ChangeOutcome::Invalid);
        };
        let new_email: String = row.try_get(0)?;
        let old = sqlx::query("SELECT email FROM accounts WHERE person_id = $1")
            .bind(person_id)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(old) = old else {
            tx.rollback().await?;
            return Ok(ChangeOutcome::Invalid);
        };
        let old_email: String = old.try_get(0)?;
        let updated = sqlx::query(
            "UPDATE accounts SET email = $1, verified_at = $2 WHERE person_id = $3 \
             AND NOT EXISTS (SELECT 1 FROM accounts o WHERE o.email = $1 AND o.person_id <> $3)",
        )
        .bind(&new_email)
        .bind(&at)
        .bind(person_id)
        .execute(&mut *tx)
        .await;
        match updated {
            Ok(done) if done.rows_affected() == 1 => {
                tx.commit().await?;
                Ok(ChangeOutcome::Changed {
                    old_email,
                    new_email,
                })
            }
            Ok(_) => {
                tx.rollback().await?;
                Ok(ChangeOutcome::Taken)
            }
            Err(e) if is_unique_violation(&e) => {
                tx.rollback().await?;
                Ok(ChangeOutcome::Taken)
            }
            Err(e) => Err(Error::Database(e)),
        }
    }

    async fn password_reset_email(
        &self,
        token_hash: &str,
        now_unix: i64,
    ) -> Result<Option<String>> {
        let row = sqlx::query(
            "SELECT email FROM email_tokens WHERE token_hash = $1 AND purpose = 'reset' \
             AND used_at IS NULL AND expires_at_unix > $2",
        )
        .bind(token_hash)
        .bind(now_unix)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|r| r.try_get(0)).transpose()?)
    }

    async fn redeem_password_reset(
        &self,
        token_hash: &str,
        password_hash: &str,
        now_unix: i64,
    ) -> Result<ResetOutcome> {
        let _writer = self.sqlite_write_lock().await;
        let at = now();
        let mut tx = self.pool.begin().await?;
        let row = sqlx::query(
            "UPDATE email_tokens SET used_at = $1 WHERE token_hash = $2 AND purpose = 'reset' \
             AND used_at IS NULL AND expires_at_unix > $3 RETURNING person_id, email",
        )
        .bind(&at)
        .bind(token_hash)
        .bind(now_unix)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else {
            tx.rollback().await?;
            return Ok(ResetOutcome::Invalid);
        };
        let person_id: String = row.try_get(0)?;
        let email: String = row.try_get(1)?;
        let done = sqlx::query(
            "UPDATE accounts SET password_hash = $1, password_changed_at = $2 \
             WHERE person_id = $3 AND email = $4",
        )
        .bind(password_hash)
        .bind(&at)
        .bind(&person_id)
        .bind(&email)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            // A link to an address the account no longer has is spent and changes nothing.
            tx.commit().await?;
            return Ok(ResetOutcome::Invalid);
        }
        // Any other reset link of the person dies with this one: it was sent before the
        // password the person has now.
        sqlx::query(
            "UPDATE email_tokens SET used_at = $1 WHERE person_id = $2 AND purpose = 'reset' \
             AND used_at IS NULL",
        )
        .bind(&at)
        .bind(&person_id)
        .execute(&mut *tx)
        .await?;
        let ended = sqlx::query("DELETE FROM sessions WHERE person_id = $1")
            .bind(&person_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        tx.commit().await?;
        Ok(ResetOutcome::Reset {
            person_id,
            email,
            sessions_ended: ended,
        })
    }

    async fn record_signin_failure(&self, key: &str, at_unix: i64) -> Result<()> {
        let _writer = self.sqlite_write_lock().await;
        sqlx::query("INSERT INTO signin_failures (throttle_key, at_unix) VALUES ($1, $2)")
            .bind(key)
            .bind(at_unix)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn signin_failures(&self, key: &str, since_unix: i64) -> Result<(u32, Option<i64>)> {
        let row = sqlx::query(
            "SELECT COUNT(*), MIN(at_unix) FROM signin_failures \
             WHERE throttle_key = $1 AND at_unix >= $2",
        )
        .bind(key)
        .bind(since_unix)
        .fetch_one(&self.pool)
        .await?;
        let count: i64 = row.try_get(0)?;
        let earliest: Option<i64> = row.try_get(1)?;
        Ok((u32::try_from(count).unwrap_or(u32::MAX), earliest))
    }

    async fn clear_signin_failures(&self, key: &str) -> Result<()> {
        let _writer = self.sqlite_write_lock().await;
        sqlx::query("DELETE FROM signin_failures WHERE throttle_key = $1")
            .bind(key)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn create_oidc_login(&self, state_hash: &str, login: &OidcLogin) -> Result<()> {
        let _writer = self.sqlite_write_lock().await;
        sqlx::query(
            "INSERT INTO oidc_logins (state_hash, nonce, pkce_verifier, return_to, lang, \
             created_at, expires_at_unix) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(state_hash)
        .bind(&login.nonce)
        .bind(&login.pkce_verifier)
        .bind(&login.return_to)
        .bind(&login.lang)
        .bind(now())
        .bind(login.expires_at_unix)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn take_oidc_login(&self, state_hash: &str, now_unix: i64) -> Result<Option<OidcLogin>> {
        let _writer = self.sqlite_write_lock().await;
        let row = sqlx::query(
            "DELETE FROM oidc_logins WHERE state_hash = $1 \
             RETURNING nonce, pkce_verifier, return_to, lang, expires_at_unix",
        )
        .bind(state_hash)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let login = OidcLogin {
            nonce: row.try_get(0)?,
            pkce_verifier: row.try_get(1)?,
            return_to: row.try_get(2)?,
            lang: row.try_get(3)?,
            expires_at_unix: row.try_get(4)?,
        };
        Ok((login.expires_at_unix > now_unix).then_some(login))
    }

    async fn create_pending_link(
        &self,
        token_hash: &str,
        link: &PendingLink,
        expires_at_unix: i64,
    ) -> Result<()> {
        let _writer = self.sqlite_write_lock().await;
        sqlx::query(
            "INSERT INTO pending_links (token_hash, person_id, issuer, subject, created_at, \
             expires_at_unix) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(token_hash)
        .bind(&link.person_id)
        .bind(&link.issuer)
        .bind(&link.subject)
        .bind(now())
        .bind(expires_at_unix)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn take_pending_link(
        &self,
        token_hash: &str,
        now_unix: i64,
    ) -> Result<Option<PendingLink>> {
        let _writer = self.sqlite_write_lock().await;
        let row = sqlx::query(
            "DELETE FROM pending_links WHERE token_hash = $1 \
             RETURNING person_id, issuer, subject, expires_at_unix",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let expires: i64 = row.try_get(3)?;
        if expires <= now_unix {
            return Ok(None);
        }
        Ok(Some(PendingLink {
            person_id: row.try_get(0)?,
            issuer: row.try_get(1)?,
            subject: row.try_get(2)?,
        }))
    }

    async fn purge_expired_account_state(
        &self,
        now_unix: i64,
        failures_before_unix: i64,
    ) -> Result<u64> {
        let _writer = self.sqlite_write_lock().await;
        let mut tx = self.pool.begin().await?;
        let mut removed = 0;
        for (sql, bound) in [
            (
                "DELETE FROM email_tokens WHERE expires_at_unix <= $1",
                now_unix,
            ),
            (
                "DELETE FROM oidc_logins WHERE expires_at_unix <= $1",
                now_unix,
            ),
            (
                "DELETE FROM pending_links WHERE expires_at_unix <= $1",
                now_unix,
            ),
            (
                "DELETE FROM signin_failures WHERE at_unix < $1",
                failures_before_unix,
            ),
        ] {
            removed += sqlx::query(sql)
                .bind(bound)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        }
        tx.commit().await?;
        Ok(removed)
    }
}
