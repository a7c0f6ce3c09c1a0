//! [`RecommendationStore`] on SQLite and PostgreSQL (migration 0002).
//!
//! Every write transaction starts with a write statement (an `INSERT` or `UPDATE`), never a
//! read: on SQLite a transaction that reads first and writes later fails with `SQLITE_BUSY`
//! when another writer committed in between, while one that writes first waits its turn
//! (busy timeout). Single writes that depend on a row existing are one statement
//! (`INSERT … SELECT … WHERE EXISTS`) for the same reason.

use std::collections::{HashMap, HashSet};

use async_trait::async_trait;
use aurora_model::Service;
use rand::RngCore;
use sha2::{Digest, Sha256};
use sqlx::Row;

use super::query::{bind_all, in_list_sql, Style, Val, IN_CHUNK};
use super::{now, service_from_row, SqlStore};
use crate::recommend::{
    constant_time_eq, ApiClient, Feedback, FeedbackOutcome, InteractionStats, IssuedClient,
    NewRecommendation, RecommendationStore, RedirectOutcome, SessionTransfer, StoredRecommendation,
    StoredService, TransferAttribute, SESSION_TOKEN_TTL_SECS,
};
use crate::Backend;
use crate::{Error, Result};

/// Recommendation ids are below 2^53: exact as JSON numbers in every parser.
const ID_LIMIT: u64 = 1 << 53;

/// Random bytes as lowercase hex.
fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buf);
    hex::encode(buf)
}

/// A random recommendation id in `1..2^53`.
fn random_id() -> i64 {
    let id = rand::random::<u64>() % (ID_LIMIT - 1) + 1;
    i64::try_from(id).unwrap_or(1)
}

/// SHA-256 of `salt` followed by `secret`, as hex.
fn secret_hash(salt: &str, secret: &str) -> String {
    let mut h = Sha256::new();
    h.update(salt.as_bytes());
    h.update(secret.as_bytes());
    hex::encode(h.finalize())
}

/// SHA-256 of a session-transfer token, as hex (tokens are random: no salt needed to make
/// the hash useless to whoever reads the table).
fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn unix_now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

fn client_from_row(row: &sqlx::any::AnyRow) -> Result<ApiClient> {
    Ok(ApiClient {
        id: row.try_get(0)?,
        name: row.try_get(1)?,
        organization: row.try_get(2)?,
        disabled: row.try_get::<i64, _>(3)? != 0,
        created_at: row.try_get(4)?,
    })
}

fn attributes_text(attributes: &[TransferAttribute]) -> String {
    let mut keys: Vec<TransferAttribute> = attributes.to_vec();
    keys.sort();
    keys.dedup();
    keys.iter().map(|a| a.key()).collect::<Vec<_>>().join(",")
}

fn parse_attributes(text: &str) -> Vec<TransferAttribute> {
    text.split(',')
        .filter_map(TransferAttribute::parse)
        .collect()
}

fn decode_json(kind: &'static str, id: &str, text: &str) -> Result<serde_json::Value> {
    serde_json::from_str(text).map_err(|source| Error::Corrupt {
        kind,
        id: id.to_string(),
        source,
    })
}

fn encode_json(kind: &'static str, id: &str, value: &serde_json::Value) -> Result<String> {
    serde_json::to_string(value).map_err(|source| Error::Corrupt {
        kind,
        id: id.to_string(),
        source,
    })
}

/// A recommendation to store, owned (it may wait for another caller's transaction).
#[derive(Debug)]
pub(crate) struct OwnedRecommendation {
    client_id: String,
    session_id: Option<String>,
    calling_organisation: String,
    calling_service: String,
    request_path: String,
    request_attributes: String,
    created_at: String,
    services: Vec<crate::recommend::RecommendedService>,
    /// Encoding the request failed; reported when it is stored.
    encode_error: Option<String>,
}

impl From<&NewRecommendation<'_>> for OwnedRecommendation {
    fn from(rec: &NewRecommendation<'_>) -> Self {
        let (request_attributes, encode_error) =
            match encode_json("recommendation", "new", rec.request_attributes) {
                Ok(a) => (a, None),
                Err(e) => (String::new(), Some(e.to_string())),
            };
        OwnedRecommendation {
            client_id: rec.client_id.to_string(),
            session_id: rec.session_id.map(str::to_string),
            calling_organisation: rec.calling_organisation.to_string(),
            calling_service: rec.calling_service.to_string(),
            request_path: rec.request_path.to_string(),
            request_attributes,
            created_at: now(),
            services: rec.services.to_vec(),
            encode_error,
        }
    }
}

/// Inserts one recommendation and its services inside `tx`; returns its new random id.
async fn insert_recommendation(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    rec: &OwnedRecommendation,
) -> Result<i64> {
    if let Some(e) = &rec.encode_error {
        return Err(Error::Database(sqlx::Error::Protocol(e.clone())));
    }
    // A collision among 2^53 ids is next to impossible; a few retries make it irrelevant.
    let mut id = None;
    for _ in 0..8 {
        let candidate = random_id();
        let done = sqlx::query(
            "INSERT INTO recommendations (id, client_id, session_id, calling_organisation, \
             calling_service, request_path, created_at, request_attributes) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING",
        )
        .bind(candidate)
        .bind(rec.client_id.as_str())
        .bind(rec.session_id.as_deref())
        .bind(rec.calling_organisation.as_str())
        .bind(rec.calling_service.as_str())
        .bind(rec.request_path.as_str())
        .bind(rec.created_at.as_str())
        .bind(rec.request_attributes.as_str())
        .execute(&mut **tx)
        .await?;
        if done.rows_affected() == 1 {
            id = Some(candidate);
            break;
        }
    }
    let Some(id) = id else {
        return Err(Error::Database(sqlx::Error::Protocol(
            "could not allocate a recommendation id".into(),
        )));
    };
    if !rec.services.is_empty() {
        // At most a few dozen services: one multi-row insert.
        let mut sql = String::from(
            "INSERT INTO recommendation_services (recommendation_id, service_id, rank, score) \
             VALUES ",
        );
        for i in 0..rec.services.len() {
            let n = i * 4;
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&format!("(${}, ${}, ${}, ${})", n + 1, n + 2, n + 3, n + 4));
        }
        sql.push_str(" ON CONFLICT (recommendation_id, service_id) DO NOTHING");
        let mut query = sqlx::query(&sql);
        for s in &rec.services {
            // The engines never produce a non-finite score; store 0 rather than fail.
            let score = if s.score.is_finite() { s.score } else { 0.0 };
            query = query
                .bind(id)
                .bind(s.service_id.as_str())
                .bind(s.rank)
                .bind(score);
        }
        query.execute(&mut **tx).await?;
    }
    Ok(id)
}

#[async_trait]
impl RecommendationStore for SqlStore {
    async fn create_client(&self, name: &str, organization: &str) -> Result<IssuedClient> {
        let _writer = self.sqlite_write_lock().await;
        let id = random_hex(16);
        let secret = random_hex(32);
        let salt = random_hex(16);
        let created_at = now();
        sqlx::query(
            "INSERT INTO api_clients (id, name, organization, secret_salt, secret_hash, \
             disabled, created_at) VALUES ($1, $2, $3, $4, $5, 0, $6)",
        )
        .bind(&id)
        .bind(name)
        .bind(organization)
        .bind(&salt)
        .bind(secret_hash(&salt, &secret))
        .bind(&created_at)
        .execute(&self.pool)
        .await?;
        Ok(IssuedClient {
            client: ApiClient {
                id,
                name: name.to_string(),
                organization: organization.to_string(),
                disabled: false,
                created_at,
            },
            secret,
        })
    }

    async fn authenticate_client(
        &self,
        client_id: &str,
        secret: &str,
    ) -> Result<Option<ApiClient>> {
        let row = sqlx::query(
            "SELECT id, name, organization, disabled, created_at, secret_salt, secret_hash \
             FROM api_clients WHERE id = $1",
        )
        .bind(client_id)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else {
            // Hash anyway, so an unknown id takes as long as a wrong secret.
            let _ = secret_hash("0000000000000000", secret);
            return Ok(None);
        };
        let salt: String = row.try_get(5)?;
        let stored: String = row.try_get(6)?;
        let matches = constant_time_eq(secret_hash(&salt, secret).as_bytes(), stored.as_bytes());
        let client = client_from_row(&row)?;
        Ok((matches && !client.disabled).then_some(client))
    }

    async fn clients(&self) -> Result<Vec<ApiClient>> {
        let rows = sqlx::query(
            "SELECT id, name, organization, disabled, created_at FROM api_clients \
             ORDER BY created_at, id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(client_from_row).collect()
    }

    async fn set_client_disabled(&self, client_id: &str, disabled: bool) -> Result<bool> {
        let _writer = self.sqlite_write_lock().await;
        let done = sqlx::query("UPDATE api_clients SET disabled = $1 WHERE id = $2")
            .bind(i64::from(disabled))
            .bind(client_id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn create_recommendation(&self, rec: &NewRecommendation<'_>) -> Result<i64> {
        if self.backend == Backend::Postgres {
            // PostgreSQL takes concurrent writers: one transaction per recommendation.
            let mut tx = self.pool.begin().await?;
            let id = insert_recommendation(&mut tx, &OwnedRecommendation::from(rec)).await?;
            tx.commit().await?;
            return Ok(id);
        }
        // SQLite writes one transaction at a time, and each commit costs a WAL append. Under
        // load, recommendations queue here and whoever gets the writer lock commits everything
        // queued in one transaction (group commit); each caller still gets its answer only
        // after its row is committed.
        let (reply, answer) = tokio::sync::oneshot::channel();
        self.pending_recommendations
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((OwnedRecommendation::from(rec), reply));
        {
            let _writer = self.writer.lock().await;
            let batch = std::mem::take(
                &mut *self
                    .pending_recommendations
                    .lock()
                    .unwrap_or_else(|e| e.into_inner()),
            );
            if !batch.is_empty() {
                let result: Result<Vec<i64>> = async {
                    let mut tx = self.pool.begin().await?;
                    let mut ids = Vec::with_capacity(batch.len());
                    for (rec, _) in &batch {
                        ids.push(insert_recommendation(&mut tx, rec).await?);
                    }
                    tx.commit().await?;
                    Ok(ids)
                }
                .await;
                match result {
                    Ok(ids) => {
                        for ((_, reply), id) in batch.into_iter().zip(ids) {
                            let _ = reply.send(Ok(id));
                        }
                    }
                    Err(e) => {
                        // Nothing of the batch was written; every caller gets the error (its
                        // class kept: unavailable stays retryable).
                        let shared = if e.is_unavailable() {
                            sqlx::Error::PoolTimedOut
                        } else {
                            sqlx::Error::Protocol(format!("storing the recommendation failed: {e}"))
                        };
                        let mut first = Some(e);
                        for (_, reply) in batch {
                            let err = first.take().unwrap_or_else(|| {
                                Error::Database(match &shared {
                                    sqlx::Error::PoolTimedOut => sqlx::Error::PoolTimedOut,
                                    other => sqlx::Error::Protocol(other.to_string()),
                                })
                            });
                            let _ = reply.send(Err(err));
                        }
                    }
                }
            }
        }
        answer.await.map_err(|_| {
            Error::Database(sqlx::Error::Protocol(
                "the transaction storing the recommendation was abandoned".into(),
            ))
        })?
    }

    async fn learning_history(&self, limit: u32) -> Result<Vec<StoredRecommendation>> {
        let rows = sqlx::query(
            "SELECT c.id, c.client_id, c.session_id, c.calling_organisation, c.calling_service, \
             c.request_path, c.created_at, c.feedback_score, c.request_attributes, \
             s.service_id, s.rank, s.score, s.feedback_score, \
             CASE WHEN r.service_id IS NULL THEN 0 ELSE 1 END \
             FROM (SELECT * FROM recommendations WHERE client_id <> '' \
                   ORDER BY created_at DESC, id DESC LIMIT $1) c \
             JOIN recommendation_services s ON s.recommendation_id = c.id \
             LEFT JOIN recommendation_redirects r \
             ON r.recommendation_id = s.recommendation_id AND r.service_id = s.service_id \
             ORDER BY c.created_at, c.id, s.rank, s.service_id",
        )
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        let mut out: Vec<StoredRecommendation> = Vec::new();
        for row in &rows {
            let id: i64 = row.try_get(0)?;
            if out.last().map(|r| r.id) != Some(id) {
                let attributes: String = row.try_get(8)?;
                out.push(StoredRecommendation {
                    id,
                    client_id: row.try_get(1)?,
                    session_id: row.try_get(2)?,
                    calling_organisation: row.try_get(3)?,
                    calling_service: row.try_get(4)?,
                    request_path: row.try_get(5)?,
                    created_at: row.try_get(6)?,
                    feedback_score: row.try_get(7)?,
                    request_attributes: decode_json(
                        "recommendation",
                        &id.to_string(),
                        &attributes,
                    )?,
                    services: Vec::new(),
                });
            }
            if let Some(r) = out.last_mut() {
                r.services.push(StoredService {
                    service_id: row.try_get(9)?,
                    rank: row.try_get(10)?,
                    score: row.try_get(11)?,
                    feedback_score: row.try_get(12)?,
                    redirected: row.try_get::<i64, _>(13)? != 0,
                });
            }
        }
        Ok(out)
    }

    async fn recommendation(&self, id: i64) -> Result<Option<StoredRecommendation>> {
        let Some(row) = sqlx::query(
            "SELECT id, client_id, session_id, calling_organisation, calling_service, \
             request_path, created_at, feedback_score, request_attributes \
             FROM recommendations WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        else {
            return Ok(None);
        };
        let attributes: String = row.try_get(8)?;
        let services = sqlx::query(
            "SELECT s.service_id, s.rank, s.score, s.feedback_score, \
             CASE WHEN r.service_id IS NULL THEN 0 ELSE 1 END \
             FROM recommendation_services s LEFT JOIN recommendation_redirects r \
             ON r.recommendation_id = s.recommendation_id AND r.service_id = s.service_id \
             WHERE s.recommendation_id = $1 ORDER BY s.rank, s.service_id",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| {
            Ok(StoredService {
                service_id: r.try_get(0)?,
                rank: r.try_get(1)?,
                score: r.try_get(2)?,
                feedback_score: r.try_get(3)?,
                redirected: r.try_get::<i64, _>(4)? != 0,
            })
        })
        .collect::<Result<Vec<_>>>()?;
        Ok(Some(StoredRecommendation {
            id: row.try_get(0)?,
            client_id: row.try_get(1)?,
            session_id: row.try_get(2)?,
            calling_organisation: row.try_get(3)?,
            calling_service: row.try_get(4)?,
            request_path: row.try_get(5)?,
            created_at: row.try_get(6)?,
            feedback_score: row.try_get(7)?,
            request_attributes: decode_json("recommendation", &id.to_string(), &attributes)?,
            services,
        }))
    }

    async fn record_feedback(&self, feedback: &Feedback<'_>) -> Result<FeedbackOutcome> {
        let _writer = self.sqlite_write_lock().await;
        let at = now();
        let mut tx = self.pool.begin().await?;
        // Ownership check and write lock in one statement; COALESCE keeps the last overall
        // score when this call gives only per-service feedback.
        let owned = sqlx::query(
            "UPDATE recommendations SET feedback_at = $1, \
             feedback_score = COALESCE($2, feedback_score) WHERE id = $3 AND client_id = $4",
        )
        .bind(&at)
        .bind(feedback.overall)
        .bind(feedback.recommendation_id)
        .bind(feedback.client_id)
        .execute(&mut *tx)
        .await?;
        if owned.rows_affected() == 0 {
            tx.rollback().await?;
            return Ok(FeedbackOutcome::UnknownRecommendation);
        }
        for (service_id, score) in feedback.services {
            let done = sqlx::query(
                "UPDATE recommendation_services SET feedback_score = $1, feedback_at = $2 \
                 WHERE recommendation_id = $3 AND service_id = $4",
            )
            .bind(*score)
            .bind(&at)
            .bind(feedback.recommendation_id)
            .bind(service_id.as_str())
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                tx.rollback().await?;
                return Ok(FeedbackOutcome::ServiceNotRecommended(service_id.clone()));
            }
        }
        tx.commit().await?;
        Ok(FeedbackOutcome::Recorded)
    }

    async fn record_redirect(
        &self,
        recommendation_id: i64,
        service_id: &str,
        channel_id: &str,
    ) -> Result<RedirectOutcome> {
        let _writer = self.sqlite_write_lock().await;
        let done = sqlx::query(
            "INSERT INTO recommendation_redirects \
             (recommendation_id, service_id, service_channel_id, created_at) \
             SELECT $1, $2, $3, $4 WHERE EXISTS (SELECT 1 FROM recommendation_services \
             WHERE recommendation_id = $1 AND service_id = $2) \
             ON CONFLICT (recommendation_id, service_id) DO NOTHING",
        )
        .bind(recommendation_id)
        .bind(service_id)
        .bind(channel_id)
        .bind(now())
        .execute(&self.pool)
        .await?;
        if done.rows_affected() > 0 {
            return Ok(RedirectOutcome::Recorded);
        }
        let exists = sqlx::query(
            "SELECT COUNT(*) FROM recommendation_services \
             WHERE recommendation_id = $1 AND service_id = $2",
        )
        .bind(recommendation_id)
        .bind(service_id)
        .fetch_one(&self.pool)
        .await?
        .try_get::<i64, _>(0)?;
        Ok(if exists > 0 {
            RedirectOutcome::AlreadyRecorded
        } else {
            RedirectOutcome::NotRecommended
        })
    }

    async fn interaction_stats(
        &self,
        client_id: &str,
        service_ids: &[String],
    ) -> Result<HashMap<String, InteractionStats>> {
        let mut out = HashMap::new();
        let ids: Vec<&str> = service_ids.iter().map(String::as_str).collect();
        for chunk in ids.chunks(IN_CHUNK) {
            // The client id is the last placeholder, after the id list.
            let mut sql = in_list_sql(
                "SELECT s.service_id, COUNT(d.service_id), \
                 COUNT(CASE WHEN s.feedback_score > 0 THEN 1 END), \
                 COUNT(CASE WHEN s.feedback_score < 0 THEN 1 END) \
                 FROM recommendation_services s \
                 JOIN recommendations r ON r.id = s.recommendation_id \
                 LEFT JOIN recommendation_redirects d \
                 ON d.recommendation_id = s.recommendation_id AND d.service_id = s.service_id \
                 WHERE s.service_id",
                Style::Numbered,
                chunk.len(),
                "",
            );
            sql.push_str(&format!(
                " AND r.client_id = ${} GROUP BY s.service_id",
                chunk.len() + 1
            ));
            let mut vals: Vec<Val<'_>> = chunk.iter().map(|id| Val::Text(id)).collect();
            vals.push(Val::Text(client_id));
            for row in bind_all(&sql, &vals).fetch_all(&self.pool).await? {
                let count = |i: usize| -> Result<u64> {
                    Ok(u64::try_from(row.try_get::<i64, _>(i)?).unwrap_or(0))
                };
                out.insert(
                    row.try_get::<String, _>(0)?,
                    InteractionStats {
                        redirected: count(1)?,
                        positive: count(2)?,
                        negative: count(3)?,
                    },
                );
            }
        }
        Ok(out)
    }

    async fn set_session_receiver(
        &self,
        channel_id: &str,
        attributes: &[TransferAttribute],
    ) -> Result<()> {
        let _writer = self.sqlite_write_lock().await;
        sqlx::query(
            "INSERT INTO session_transfer_receivers (channel_id, attributes, updated_at) \
             VALUES ($1, $2, $3) ON CONFLICT (channel_id) DO UPDATE SET \
             attributes = excluded.attributes, updated_at = excluded.updated_at",
        )
        .bind(channel_id)
        .bind(attributes_text(attributes))
        .bind(now())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn remove_session_receiver(&self, channel_id: &str) -> Result<bool> {
        let _writer = self.sqlite_write_lock().await;
        let done = sqlx::query("DELETE FROM session_transfer_receivers WHERE channel_id = $1")
            .bind(channel_id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn session_receiver(&self, channel_id: &str) -> Result<Option<Vec<TransferAttribute>>> {
        let row =
            sqlx::query("SELECT attributes FROM session_transfer_receivers WHERE channel_id = $1")
                .bind(channel_id)
                .fetch_optional(&self.pool)
                .await?;
        row.map(|r| Ok(parse_attributes(&r.try_get::<String, _>(0)?)))
            .transpose()
    }

    async fn session_receivers(&self) -> Result<HashSet<String>> {
        sqlx::query("SELECT channel_id FROM session_transfer_receivers")
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|row| Ok(row.try_get::<String, _>(0)?))
            .collect()
    }

    async fn session_receivers_among(&self, channel_ids: &[String]) -> Result<HashSet<String>> {
        let mut out = HashSet::new();
        let ids: Vec<&str> = channel_ids.iter().map(String::as_str).collect();
        for chunk in ids.chunks(IN_CHUNK) {
            let sql = in_list_sql(
                "SELECT channel_id FROM session_transfer_receivers WHERE channel_id",
                Style::for_backend(self.backend),
                chunk.len(),
                "",
            );
            let vals: Vec<Val<'_>> = chunk.iter().map(|id| Val::Text(id)).collect();
            for row in bind_all(&sql, &vals).fetch_all(&self.pool).await? {
                out.insert(row.try_get::<String, _>(0)?);
            }
        }
        Ok(out)
    }

    async fn issue_session_token(
        &self,
        channel_id: &str,
        attributes: &serde_json::Value,
    ) -> Result<String> {
        let _writer = self.sqlite_write_lock().await;
        let token = random_hex(32);
        let text = encode_json("session attributes", channel_id, attributes)?;
        let issued = unix_now();
        sqlx::query(
            "INSERT INTO session_transfer_tokens \
             (token_hash, channel_id, created_at, expires_at, attributes) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(token_hash(&token))
        .bind(channel_id)
        .bind(now())
        .bind(issued + SESSION_TOKEN_TTL_SECS)
        .bind(text)
        .execute(&self.pool)
        .await?;
        // Best effort: the token is issued whatever happens to the purge.
        if let Err(e) = sqlx::query("DELETE FROM session_transfer_tokens WHERE expires_at < $1")
            .bind(issued)
            .execute(&self.pool)
            .await
        {
            tracing::warn!(error = %e, "could not purge expired session-transfer tokens");
        }
        Ok(token)
    }

    async fn redeem_session_token(&self, token: &str) -> Result<Option<SessionTransfer>> {
        let _writer = self.sqlite_write_lock().await;
        // Deleting is the redemption: two concurrent reads cannot both get the attributes.
        let row = sqlx::query(
            "DELETE FROM session_transfer_tokens WHERE token_hash = $1 \
             RETURNING channel_id, expires_at, attributes",
        )
        .bind(token_hash(token))
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let channel_id: String = row.try_get(0)?;
        if row.try_get::<i64, _>(1)? < unix_now() {
            return Ok(None);
        }
        let attributes: String = row.try_get(2)?;
        Ok(Some(SessionTransfer {
            attributes: decode_json("session attributes", &channel_id, &attributes)?,
            channel_id,
        }))
    }

    async fn published_services(&self, ids: &[String]) -> Result<Vec<Service>> {
        let mut seen = HashSet::new();
        let wanted: Vec<&str> = ids
            .iter()
            .map(String::as_str)
            .filter(|id| seen.insert(*id))
            .collect();
        let mut found: HashMap<String, Service> = HashMap::with_capacity(wanted.len());
        for chunk in wanted.chunks(IN_CHUNK) {
            let sql = in_list_sql(
                "SELECT s.id, s.doc, l.doc FROM services s \
                 LEFT JOIN service_labels l ON l.service_id = s.id \
                 WHERE s.archived = 0 AND s.id",
                Style::for_backend(self.backend),
                chunk.len(),
                "",
            );
            let vals: Vec<Val<'_>> = chunk.iter().map(|id| Val::Text(id)).collect();
            for row in bind_all(&sql, &vals).fetch_all(&self.pool).await? {
                let service = service_from_row(&row)?;
                found.insert(service.id.clone(), service);
            }
        }
        Ok(wanted.iter().filter_map(|id| found.remove(*id)).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_secrets_are_random_and_well_formed() {
        let ids: HashSet<i64> = (0..1000).map(|_| random_id()).collect();
        assert_eq!(ids.len(), 1000);
        assert!(ids.iter().all(|&id| id >= 1 && (id as u64) < ID_LIMIT));
        let secret = random_hex(32);
        assert_eq!(secret.len(), 64);
        assert!(secret.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_ne!(secret, random_hex(32));
        assert_ne!(secret_hash("a", "s"), secret_hash("b", "s"));
        assert_eq!(token_hash("t").len(), 64);
    }

    #[test]
    fn attribute_lists_are_canonical() {
        let text = attributes_text(&[
            TransferAttribute::LifeSituationMeters,
            TransferAttribute::Age,
            TransferAttribute::Age,
        ]);
        assert_eq!(text, "age,life_situation_meters");
        assert_eq!(
            parse_attributes(&text),
            [
                TransferAttribute::Age,
                TransferAttribute::LifeSituationMeters
            ]
        );
        assert!(parse_attributes("").is_empty());
    }
}
