//! [`OAuthStore`] on SQLite and PostgreSQL (migration 0008).
//!
//! Write transactions start with a write (see `sql/recommend.rs`): code redemption and
//! refresh rotation begin with the `UPDATE … WHERE used_at_unix IS NULL RETURNING …` that
//! claims the row, so two concurrent redemptions of one code cannot both succeed (on
//! PostgreSQL the second waits for the first's row lock and then finds the code used; on
//! SQLite writers are serialized).

use async_trait::async_trait;
use rand::RngCore;
use sha2::{Digest, Sha256};
use sqlx::any::AnyRow;
use sqlx::Row;

use super::SqlStore;
use crate::oauth::{
    CodeBinding, CodeMismatch, CodeRecord, DeletionNotice, IssueTokens, NewCode, OAuthClient,
    OAuthStore, RedeemOutcome, RotateOutcome, TokenKind, TokenRecord,
};
use crate::recommend::constant_time_eq;
use crate::{Error, Result};

fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buf);
    hex::encode(buf)
}

/// SHA-256 of `salt` followed by `secret`, as hex.
fn secret_hash(salt: &str, secret: &str) -> String {
    let mut h = Sha256::new();
    h.update(salt.as_bytes());
    h.update(secret.as_bytes());
    hex::encode(h.finalize())
}

fn list_text(list: &[String]) -> String {
    serde_json::to_string(list).unwrap_or_else(|_| "[]".into())
}

fn parse_list(kind: &'static str, id: &str, text: &str) -> Result<Vec<String>> {
    serde_json::from_str(text).map_err(|source| Error::Corrupt {
        kind,
        id: id.to_string(),
        source,
    })
}

const CLIENT_COLUMNS: &str = "id, name_fi, name_sv, name_en, organisation, redirect_uris, \
     allowed_scopes, handover_attributes, handover_url, allowed_purposes, deletion_callback_url, \
     pairwise_sector, disabled, created_at";

fn client_from_row(row: &AnyRow) -> Result<OAuthClient> {
    let id: String = row.try_get(0)?;
    let list = |i: usize| -> Result<Vec<String>> {
        let text: String = row.try_get(i)?;
        parse_list("oauth client", &id, &text)
    };
    Ok(OAuthClient {
        name_fi: row.try_get(1)?,
        name_sv: row.try_get(2)?,
        name_en: row.try_get(3)?,
        organisation: row.try_get(4)?,
        redirect_uris: list(5)?,
        allowed_scopes: list(6)?,
        handover_attributes: list(7)?,
        handover_url: row.try_get(8)?,
        allowed_purposes: list(9)?,
        deletion_callback_url: row.try_get(10)?,
        pairwise_sector: row.try_get(11)?,
        disabled: row.try_get::<i64, _>(12)? != 0,
        created_at: row.try_get(13)?,
        id,
    })
}

const CODE_COLUMNS: &str = "code_hash, client_id, person_id, consent_id, redirect_uri, \
     code_challenge, scopes, nonce, auth_time_unix, created_at_unix, expires_at_unix";

fn code_from_row(row: &AnyRow) -> Result<CodeRecord> {
    let code_hash: String = row.try_get(0)?;
    let scopes: String = row.try_get(6)?;
    Ok(CodeRecord {
        client_id: row.try_get(1)?,
        person_id: row.try_get(2)?,
        consent_id: row.try_get(3)?,
        redirect_uri: row.try_get(4)?,
        code_challenge: row.try_get(5)?,
        scopes: parse_list("oauth code", "(hash)", &scopes)?,
        nonce: row.try_get(7)?,
        auth_time_unix: row.try_get(8)?,
        created_at_unix: row.try_get(9)?,
        expires_at_unix: row.try_get(10)?,
        code_hash,
    })
}

const TOKEN_COLUMNS: &str = "token_hash, kind, client_id, person_id, consent_id, family_id, \
     code_hash, scopes, auth_time_unix, created_at_unix, expires_at_unix, used_at_unix, \
     revoked_at_unix";

fn token_from_row(row: &AnyRow) -> Result<TokenRecord> {
    let kind: String = row.try_get(1)?;
    let scopes: String = row.try_get(7)?;
    Ok(TokenRecord {
        token_hash: row.try_get(0)?,
        // The CHECK constraint admits only the two spellings.
        kind: if kind == "refresh" {
            TokenKind::Refresh
        } else {
            TokenKind::Access
        },
        client_id: row.try_get(2)?,
        person_id: row.try_get(3)?,
        consent_id: row.try_get(4)?,
        family_id: row.try_get(5)?,
        code_hash: row.try_get(6)?,
        scopes: parse_list("oauth token", "(hash)", &scopes)?,
        auth_time_unix: row.try_get(8)?,
        created_at_unix: row.try_get(9)?,
        expires_at_unix: row.try_get(10)?,
        used_at_unix: row.try_get(11)?,
        revoked_at_unix: row.try_get(12)?,
    })
}

const NOTICE_COLUMNS: &str = "id, client_id, subject, reason, created_at_unix, \
     next_attempt_unix, give_up_at_unix, attempts, delivered_at_unix, gave_up_at_unix, last_error";

fn notice_from_row(row: &AnyRow) -> Result<DeletionNotice> {
    Ok(DeletionNotice {
        id: row.try_get(0)?,
        client_id: row.try_get(1)?,
        subject: row.try_get(2)?,
        reason: row.try_get(3)?,
        created_at_unix: row.try_get(4)?,
        next_attempt_unix: row.try_get(5)?,
        give_up_at_unix: row.try_get(6)?,
        attempts: row.try_get(7)?,
        delivered_at_unix: row.try_get(8)?,
        gave_up_at_unix: row.try_get(9)?,
        last_error: row.try_get(10)?,
    })
}

/// Token fields copied from a code or a predecessor token.
struct Lineage<'a> {
    client_id: &'a str,
    person_id: &'a str,
    consent_id: &'a str,
    family_id: &'a str,
    code_hash: &'a str,
    scopes: &'a str,
    auth_time_unix: i64,
}

async fn insert_tokens(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    lineage: &Lineage<'_>,
    tokens: &IssueTokens,
) -> Result<()> {
    let mut list = vec![(TokenKind::Access, &tokens.access)];
    if let Some(refresh) = &tokens.refresh {
        list.push((TokenKind::Refresh, refresh));
    }
    for (kind, token) in list {
        sqlx::query(
            "INSERT INTO oauth_tokens (token_hash, kind, client_id, person_id, consent_id, \
             family_id, code_hash, scopes, auth_time_unix, created_at_unix, expires_at_unix) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(token.token_hash.as_str())
        .bind(kind.as_str())
        .bind(lineage.client_id)
        .bind(lineage.person_id)
        .bind(lineage.consent_id)
        .bind(lineage.family_id)
        .bind(lineage.code_hash)
        .bind(lineage.scopes)
        .bind(lineage.auth_time_unix)
        .bind(tokens.now_unix)
        .bind(token.expires_at_unix)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

#[async_trait]
impl OAuthStore for SqlStore {
    async fn create_oauth_client(&self, client: &OAuthClient, secret: &str) -> Result<()> {
        let _writer = self.sqlite_write_lock().await;
        let salt = random_hex(16);
        sqlx::query(&format!(
            "INSERT INTO oauth_clients ({CLIENT_COLUMNS}, secret_salt, secret_hash) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)"
        ))
        .bind(client.id.as_str())
        .bind(client.name_fi.as_str())
        .bind(client.name_sv.as_str())
        .bind(client.name_en.as_str())
        .bind(client.organisation.as_str())
        .bind(list_text(&client.redirect_uris))
        .bind(list_text(&client.allowed_scopes))
        .bind(list_text(&client.handover_attributes))
        .bind(client.handover_url.as_deref())
        .bind(list_text(&client.allowed_purposes))
        .bind(client.deletion_callback_url.as_deref())
        .bind(client.pairwise_sector.as_str())
        .bind(i64::from(client.disabled))
        .bind(client.created_at.as_str())
        .bind(&salt)
        .bind(secret_hash(&salt, secret))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn oauth_client(&self, id: &str) -> Result<Option<OAuthClient>> {
        let row = sqlx::query(&format!(
            "SELECT {CLIENT_COLUMNS} FROM oauth_clients WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(client_from_row).transpose()
    }

    async fn oauth_clients(&self) -> Result<Vec<OAuthClient>> {
        let rows = sqlx::query(&format!(
            "SELECT {CLIENT_COLUMNS} FROM oauth_clients ORDER BY created_at, id"
        ))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(client_from_row).collect()
    }

    async fn authenticate_oauth_client(
        &self,
        client_id: &str,
        secret: &str,
    ) -> Result<Option<OAuthClient>> {
        let row = sqlx::query(&format!(
            "SELECT {CLIENT_COLUMNS}, secret_salt, secret_hash FROM oauth_clients WHERE id = $1"
        ))
        .bind(client_id)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else {
            // Hash anyway, so an unknown id takes as long as a wrong secret.
            let _ = secret_hash("00000000000000000000000000000000", secret);
            return Ok(None);
        };
        let salt: String = row.try_get(14)?;
        let stored: String = row.try_get(15)?;
        let matches = constant_time_eq(secret_hash(&salt, secret).as_bytes(), stored.as_bytes());
        let client = client_from_row(&row)?;
        Ok((matches && !client.disabled).then_some(client))
    }

    async fn set_oauth_client_disabled(&self, client_id: &str, disabled: bool) -> Result<bool> {
        let _writer = self.sqlite_write_lock().await;
        let done = sqlx::query("UPDATE oauth_clients SET disabled = $1 WHERE id = $2")
            .bind(i64::from(disabled))
            .bind(client_id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn rotate_oauth_client_secret(&self, client_id: &str, secret: &str) -> Result<bool> {
        let _writer = self.sqlite_write_lock().await;
        let salt = random_hex(16);
        let done = sqlx::query(
            "UPDATE oauth_clients SET secret_salt = $1, secret_hash = $2 WHERE id = $3",
        )
        .bind(&salt)
        .bind(secret_hash(&salt, secret))
        .bind(client_id)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn create_code(&self, code: &NewCode<'_>) -> Result<()> {
        let _writer = self.sqlite_write_lock().await;
        sqlx::query(&format!(
            "INSERT INTO oauth_codes ({CODE_COLUMNS}) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
        ))
        .bind(code.code_hash)
        .bind(code.client_id)
        .bind(code.person_id)
        .bind(code.consent_id)
        .bind(code.redirect_uri)
        .bind(code.code_challenge)
        .bind(list_text(code.scopes))
        .bind(code.nonce)
        .bind(code.auth_time_unix)
        .bind(code.created_at_unix)
        .bind(code.expires_at_unix)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn redeem_code(
        &self,
        code_hash: &str,
        binding: &CodeBinding<'_>,
        tokens: &IssueTokens,
    ) -> Result<RedeemOutcome> {
        let _writer = self.sqlite_write_lock().await;
        let now_unix = tokens.now_unix;
        let mut tx = self.pool.begin().await?;
        // The one statement that redeems: whoever sets used_at_unix first wins.
        let row = sqlx::query(&format!(
            "UPDATE oauth_codes SET used_at_unix = $1 \
             WHERE code_hash = $2 AND client_id = $3 AND used_at_unix IS NULL \
             RETURNING {CODE_COLUMNS}"
        ))
        .bind(now_unix)
        .bind(code_hash)
        .bind(binding.client_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else {
            tx.rollback().await?;
            // Used before (by this client): a replay. Revoke what it issued.
            let revoked = sqlx::query(
                "UPDATE oauth_tokens SET revoked_at_unix = $1 \
                 WHERE code_hash = $2 AND revoked_at_unix IS NULL AND EXISTS \
                 (SELECT 1 FROM oauth_codes c WHERE c.code_hash = $2 AND c.client_id = $3 \
                  AND c.used_at_unix IS NOT NULL)",
            )
            .bind(now_unix)
            .bind(code_hash)
            .bind(binding.client_id)
            .execute(&self.pool)
            .await?
            .rows_affected();
            let used = sqlx::query(
                "SELECT 1 FROM oauth_codes WHERE code_hash = $1 AND client_id = $2 \
                 AND used_at_unix IS NOT NULL",
            )
            .bind(code_hash)
            .bind(binding.client_id)
            .fetch_optional(&self.pool)
            .await?;
            return Ok(if used.is_some() {
                RedeemOutcome::Replayed { revoked }
            } else {
                RedeemOutcome::Unknown
            });
        };
        let code = code_from_row(&row)?;
        let mismatch = if code.expires_at_unix <= now_unix {
            Some(CodeMismatch::Expired)
        } else if code.redirect_uri != binding.redirect_uri {
            Some(CodeMismatch::RedirectUri)
        } else if !constant_time_eq(
            code.code_challenge.as_bytes(),
            binding.code_challenge.as_bytes(),
        ) {
            Some(CodeMismatch::Verifier)
        } else {
            None
        };
        if let Some(mismatch) = mismatch {
            // The code stays burnt: one presentation per code.
            tx.commit().await?;
            return Ok(RedeemOutcome::Mismatch(mismatch));
        }
        let scopes = list_text(&code.scopes);
        insert_tokens(
            &mut tx,
            &Lineage {
                client_id: &code.client_id,
                person_id: &code.person_id,
                consent_id: &code.consent_id,
                family_id: &tokens.family_id,
                code_hash: &code.code_hash,
                scopes: &scopes,
                auth_time_unix: code.auth_time_unix,
            },
            tokens,
        )
        .await?;
        tx.commit().await?;
        Ok(RedeemOutcome::Redeemed(Box::new(code)))
    }

    async fn oauth_token(&self, token_hash: &str) -> Result<Option<TokenRecord>> {
        let row = sqlx::query(&format!(
            "SELECT {TOKEN_COLUMNS} FROM oauth_tokens WHERE token_hash = $1"
        ))
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(token_from_row).transpose()
    }

    async fn rotate_refresh(
        &self,
        token_hash: &str,
        client_id: &str,
        tokens: &IssueTokens,
    ) -> Result<RotateOutcome> {
        let _writer = self.sqlite_write_lock().await;
        let now_unix = tokens.now_unix;
        let mut tx = self.pool.begin().await?;
        let row = sqlx::query(&format!(
            "UPDATE oauth_tokens SET used_at_unix = $1 \
             WHERE token_hash = $2 AND client_id = $3 AND kind = 'refresh' \
             AND used_at_unix IS NULL AND revoked_at_unix IS NULL AND expires_at_unix > $1 \
             RETURNING {TOKEN_COLUMNS}"
        ))
        .bind(now_unix)
        .bind(token_hash)
        .bind(client_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else {
            tx.rollback().await?;
            // A rotated token presented again: someone holds a copy. Revoke the family.
            let revoked = sqlx::query(
                "UPDATE oauth_tokens SET revoked_at_unix = $1 \
                 WHERE revoked_at_unix IS NULL AND family_id IN \
                 (SELECT family_id FROM oauth_tokens WHERE token_hash = $2 AND client_id = $3 \
                  AND kind = 'refresh' AND used_at_unix IS NOT NULL)",
            )
            .bind(now_unix)
            .bind(token_hash)
            .bind(client_id)
            .execute(&self.pool)
            .await?
            .rows_affected();
            let reused = sqlx::query(
                "SELECT 1 FROM oauth_tokens WHERE token_hash = $1 AND client_id = $2 \
                 AND kind = 'refresh' AND used_at_unix IS NOT NULL",
            )
            .bind(token_hash)
            .bind(client_id)
            .fetch_optional(&self.pool)
            .await?;
            return Ok(if reused.is_some() {
                RotateOutcome::Reused { revoked }
            } else {
                RotateOutcome::Invalid
            });
        };
        let old = token_from_row(&row)?;
        let scopes = list_text(&old.scopes);
        insert_tokens(
            &mut tx,
            &Lineage {
                client_id: &old.client_id,
                person_id: &old.person_id,
                consent_id: &old.consent_id,
                family_id: &old.family_id,
                code_hash: &old.code_hash,
                scopes: &scopes,
                auth_time_unix: old.auth_time_unix,
            },
            tokens,
        )
        .await?;
        tx.commit().await?;
        Ok(RotateOutcome::Rotated(Box::new(old)))
    }

    async fn revoke_oauth_token(
        &self,
        token_hash: &str,
        client_id: &str,
        now_unix: i64,
    ) -> Result<bool> {
        let _writer = self.sqlite_write_lock().await;
        let Some(token) = self.oauth_token(token_hash).await? else {
            return Ok(false);
        };
        if token.client_id != client_id {
            return Ok(false);
        }
        match token.kind {
            TokenKind::Access => {
                sqlx::query(
                    "UPDATE oauth_tokens SET revoked_at_unix = $1 \
                     WHERE token_hash = $2 AND revoked_at_unix IS NULL",
                )
                .bind(now_unix)
                .bind(token_hash)
                .execute(&self.pool)
                .await?
            }
            TokenKind::Refresh => {
                sqlx::query(
                    "UPDATE oauth_tokens SET revoked_at_unix = $1 \
                     WHERE family_id = $2 AND revoked_at_unix IS NULL",
                )
                .bind(now_unix)
                .bind(&token.family_id)
                .execute(&self.pool)
                .await?
            }
        };
        Ok(true)
    }

    async fn revoke_person_grants(&self, person_id: &str, now_unix: i64) -> Result<u64> {
        let _writer = self.sqlite_write_lock().await;
        let mut tx = self.pool.begin().await?;
        let tokens = sqlx::query(
            "UPDATE oauth_tokens SET revoked_at_unix = $1 \
             WHERE person_id = $2 AND revoked_at_unix IS NULL",
        )
        .bind(now_unix)
        .bind(person_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        let codes = sqlx::query(
            "UPDATE oauth_codes SET used_at_unix = $1 WHERE person_id = $2 AND used_at_unix IS NULL",
        )
        .bind(now_unix)
        .bind(person_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        tx.commit().await?;
        Ok(tokens + codes)
    }

    async fn revoke_consent_grants(&self, consent_id: &str, now_unix: i64) -> Result<u64> {
        let _writer = self.sqlite_write_lock().await;
        let mut tx = self.pool.begin().await?;
        let tokens = sqlx::query(
            "UPDATE oauth_tokens SET revoked_at_unix = $1 \
             WHERE consent_id = $2 AND revoked_at_unix IS NULL",
        )
        .bind(now_unix)
        .bind(consent_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        let codes = sqlx::query(
            "UPDATE oauth_codes SET used_at_unix = $1 \
             WHERE consent_id = $2 AND used_at_unix IS NULL",
        )
        .bind(now_unix)
        .bind(consent_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        tx.commit().await?;
        Ok(tokens + codes)
    }

    async fn clients_of_person(&self, person_id: &str) -> Result<Vec<String>> {
        let rows = sqlx::query(
            "SELECT client_id FROM oauth_tokens WHERE person_id = $1 \
             UNION SELECT client_id FROM oauth_codes WHERE person_id = $1 ORDER BY 1",
        )
        .bind(person_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| r.try_get::<String, _>(0).map_err(Error::from))
            .collect()
    }

    async fn purge_expired_grants(&self, before_unix: i64) -> Result<u64> {
        let _writer = self.sqlite_write_lock().await;
        let mut tx = self.pool.begin().await?;
        // Tokens first, then the codes no token descends from any more (a code is kept
        // while its tokens live, so that a late replay still revokes them).
        let tokens = sqlx::query("DELETE FROM oauth_tokens WHERE expires_at_unix < $1")
            .bind(before_unix)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        let codes = sqlx::query(
            "DELETE FROM oauth_codes WHERE expires_at_unix < $1 AND NOT EXISTS \
             (SELECT 1 FROM oauth_tokens t WHERE t.code_hash = oauth_codes.code_hash)",
        )
        .bind(before_unix)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        tx.commit().await?;
        Ok(tokens + codes)
    }

    async fn queue_deletion_notice(&self, notice: &DeletionNotice) -> Result<()> {
        let _writer = self.sqlite_write_lock().await;
        sqlx::query(&format!(
            "INSERT INTO deletion_notices ({NOTICE_COLUMNS}) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (id) DO NOTHING"
        ))
        .bind(notice.id.as_str())
        .bind(notice.client_id.as_str())
        .bind(notice.subject.as_str())
        .bind(notice.reason.as_str())
        .bind(notice.created_at_unix)
        .bind(notice.next_attempt_unix)
        .bind(notice.give_up_at_unix)
        .bind(notice.attempts)
        .bind(notice.delivered_at_unix)
        .bind(notice.gave_up_at_unix)
        .bind(notice.last_error.as_deref())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn due_deletion_notices(&self, now_unix: i64, limit: u32) -> Result<Vec<DeletionNotice>> {
        let rows = sqlx::query(&format!(
            "SELECT {NOTICE_COLUMNS} FROM deletion_notices WHERE delivered_at_unix IS NULL \
             AND gave_up_at_unix IS NULL AND next_attempt_unix <= $1 \
             ORDER BY next_attempt_unix, id LIMIT $2"
        ))
        .bind(now_unix)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(notice_from_row).collect()
    }

    async fn claim_deletion_notice(
        &self,
        id: &str,
        expected_next_unix: i64,
        lease_until_unix: i64,
    ) -> Result<bool> {
        let _writer = self.sqlite_write_lock().await;
        let done = sqlx::query(
            "UPDATE deletion_notices SET next_attempt_unix = $1 WHERE id = $2 \
             AND next_attempt_unix = $3 AND delivered_at_unix IS NULL AND gave_up_at_unix IS NULL",
        )
        .bind(lease_until_unix)
        .bind(id)
        .bind(expected_next_unix)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn deletion_notice_delivered(&self, id: &str, now_unix: i64) -> Result<()> {
        let _writer = self.sqlite_write_lock().await;
        sqlx::query(
            "UPDATE deletion_notices SET delivered_at_unix = $1, attempts = attempts + 1, \
             last_error = NULL WHERE id = $2",
        )
        .bind(now_unix)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn deletion_notice_failed(
        &self,
        id: &str,
        error: &str,
        next_attempt_unix: i64,
        give_up: bool,
        now_unix: i64,
    ) -> Result<()> {
        let _writer = self.sqlite_write_lock().await;
        sqlx::query(
            "UPDATE deletion_notices SET attempts = attempts + 1, last_error = $1, \
             next_attempt_unix = $2, gave_up_at_unix = $3 WHERE id = $4",
        )
        .bind(error)
        .bind(next_attempt_unix)
        .bind(give_up.then_some(now_unix))
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn deletion_notice(&self, id: &str) -> Result<Option<DeletionNotice>> {
        let row = sqlx::query(&format!(
            "SELECT {NOTICE_COLUMNS} FROM deletion_notices WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(notice_from_row).transpose()
    }
}
