//! [`ConsentStore`] on SQLite and PostgreSQL (migration 0007).
//!
//! Every write transaction starts with its write (`INSERT`, `UPDATE` or `DELETE`), never a
//! read (see `recommend.rs`). Redeeming a hand-over is one `DELETE … RETURNING`, so two
//! concurrent redemptions cannot both get the bag.

use async_trait::async_trait;
use sqlx::any::AnyRow;
use sqlx::Row;

use super::SqlStore;
use crate::consent::{
    AccessLogEntry, AccessReader, ConsentEvent, ConsentEventKind, ConsentRecord, ConsentState,
    ConsentStore, HandoverRecord, Names, ReaderKind, RecipientKind, Renewal, Via, WithdrawOutcome,
};
use crate::{Error, Result};

const CONSENT_COLUMNS: &str = "id, person_id, recipient_kind, recipient_id, recipient_name_fi, \
     recipient_name_sv, recipient_name_en, purpose, attributes, legal_basis, granted_at, \
     granted_at_unix, valid_until, valid_until_unix, withdrawn_at, withdrawn_at_unix, state, \
     version, notice_language, collection_method, receipt";

const ACCESS_COLUMNS: &str = "id, person_id, at, at_unix_ms, reader_kind, reader_id, \
     reader_name_fi, reader_name_sv, reader_name_en, attributes, purpose, consent_ids, via";

fn corrupt(kind: &'static str, id: &str, what: &str) -> Error {
    Error::Corrupt {
        kind,
        id: id.to_string(),
        source: <serde_json::Error as serde::de::Error>::custom(what),
    }
}

fn names_json(kind: &'static str, id: &str, names: &[String]) -> Result<String> {
    serde_json::to_string(names).map_err(|source| Error::Corrupt {
        kind,
        id: id.to_string(),
        source,
    })
}

fn names_from_json(kind: &'static str, id: &str, text: &str) -> Result<Vec<String>> {
    serde_json::from_str(text).map_err(|source| Error::Corrupt {
        kind,
        id: id.to_string(),
        source,
    })
}

fn consent_from_row(row: &AnyRow) -> Result<ConsentRecord> {
    let id: String = row.try_get(0)?;
    let kind: String = row.try_get(2)?;
    let attributes: String = row.try_get(8)?;
    let state: String = row.try_get(16)?;
    Ok(ConsentRecord {
        person_id: row.try_get(1)?,
        recipient_kind: RecipientKind::parse(&kind)
            .ok_or_else(|| corrupt("consent", &id, "unknown recipient kind"))?,
        recipient_id: row.try_get(3)?,
        recipient_names: Names {
            fi: row.try_get(4)?,
            sv: row.try_get(5)?,
            en: row.try_get(6)?,
        },
        purpose: row.try_get(7)?,
        attributes: names_from_json("consent", &id, &attributes)?,
        legal_basis: row.try_get(9)?,
        granted_at: row.try_get(10)?,
        granted_at_unix: row.try_get(11)?,
        valid_until: row.try_get(12)?,
        valid_until_unix: row.try_get(13)?,
        withdrawn_at: row.try_get(14)?,
        withdrawn_at_unix: row.try_get(15)?,
        state: ConsentState::parse(&state)
            .ok_or_else(|| corrupt("consent", &id, "unknown state"))?,
        version: row.try_get(17)?,
        notice_language: row.try_get(18)?,
        collection_method: row.try_get(19)?,
        receipt: row.try_get(20)?,
        id,
    })
}

fn access_from_row(row: &AnyRow) -> Result<AccessLogEntry> {
    let id: String = row.try_get(0)?;
    let kind: String = row.try_get(4)?;
    let attributes: String = row.try_get(9)?;
    let consent_ids: String = row.try_get(11)?;
    let via: String = row.try_get(12)?;
    Ok(AccessLogEntry {
        person_id: row.try_get(1)?,
        at: row.try_get(2)?,
        at_unix_ms: row.try_get(3)?,
        reader: AccessReader {
            kind: ReaderKind::parse(&kind)
                .ok_or_else(|| corrupt("access log", &id, "unknown reader kind"))?,
            id: row.try_get(5)?,
            names: Names {
                fi: row.try_get(6)?,
                sv: row.try_get(7)?,
                en: row.try_get(8)?,
            },
        },
        attributes: names_from_json("access log", &id, &attributes)?,
        purpose: row.try_get(10)?,
        consent_ids: names_from_json("access log", &id, &consent_ids)?,
        via: Via::parse(&via).ok_or_else(|| corrupt("access log", &id, "unknown via"))?,
        id,
    })
}

/// Inserts an access-log row (on the pool or inside a transaction).
async fn insert_access<'e, E>(executor: E, entry: &AccessLogEntry) -> Result<()>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let attributes = names_json("access log", &entry.id, &entry.attributes)?;
    let consent_ids = names_json("access log", &entry.id, &entry.consent_ids)?;
    sqlx::query(&format!(
        "INSERT INTO access_log ({ACCESS_COLUMNS}) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
    ))
    .bind(&entry.id)
    .bind(&entry.person_id)
    .bind(&entry.at)
    .bind(entry.at_unix_ms)
    .bind(entry.reader.kind.as_str())
    .bind(&entry.reader.id)
    .bind(&entry.reader.names.fi)
    .bind(&entry.reader.names.sv)
    .bind(&entry.reader.names.en)
    .bind(attributes)
    .bind(&entry.purpose)
    .bind(consent_ids)
    .bind(entry.via.as_str())
    .execute(executor)
    .await?;
    Ok(())
}

/// Appends a life-cycle event with the record's current version.
async fn insert_event(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    id: &str,
    event: ConsentEventKind,
    at: &str,
    at_unix: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO consent_events (consent_id, person_id, event, version, at, at_unix) \
         SELECT id, person_id, $1, version, $2, $3 FROM consents WHERE id = $4",
    )
    .bind(event.as_str())
    .bind(at)
    .bind(at_unix)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[async_trait]
impl ConsentStore for SqlStore {
    async fn create_consent(&self, r: &ConsentRecord) -> Result<()> {
        let attributes = names_json("consent", &r.id, &r.attributes)?;
        let _writer = self.sqlite_write_lock().await;
        let mut tx = self.pool.begin().await?;
        sqlx::query(&format!(
            "INSERT INTO consents ({CONSENT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, \
             $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)"
        ))
        .bind(&r.id)
        .bind(&r.person_id)
        .bind(r.recipient_kind.as_str())
        .bind(&r.recipient_id)
        .bind(&r.recipient_names.fi)
        .bind(&r.recipient_names.sv)
        .bind(&r.recipient_names.en)
        .bind(&r.purpose)
        .bind(attributes)
        .bind(&r.legal_basis)
        .bind(&r.granted_at)
        .bind(r.granted_at_unix)
        .bind(&r.valid_until)
        .bind(r.valid_until_unix)
        .bind(r.withdrawn_at.as_deref())
        .bind(r.withdrawn_at_unix)
        .bind(r.state.as_str())
        .bind(r.version)
        .bind(&r.notice_language)
        .bind(&r.collection_method)
        .bind(&r.receipt)
        .execute(&mut *tx)
        .await?;
        insert_event(
            &mut tx,
            &r.id,
            ConsentEventKind::Granted,
            &r.granted_at,
            r.granted_at_unix,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn consent(&self, person_id: &str, id: &str) -> Result<Option<ConsentRecord>> {
        let row = sqlx::query(&format!(
            "SELECT {CONSENT_COLUMNS} FROM consents WHERE id = $1 AND person_id = $2"
        ))
        .bind(id)
        .bind(person_id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(consent_from_row).transpose()
    }

    async fn consents_of(&self, person_id: &str) -> Result<Vec<ConsentRecord>> {
        let rows = sqlx::query(&format!(
            "SELECT {CONSENT_COLUMNS} FROM consents WHERE person_id = $1 \
             ORDER BY granted_at_unix DESC, id"
        ))
        .bind(person_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(consent_from_row).collect()
    }

    async fn consents_for(
        &self,
        person_id: &str,
        recipient_kind: RecipientKind,
        recipient_id: &str,
        purpose: &str,
    ) -> Result<Vec<ConsentRecord>> {
        let rows = sqlx::query(&format!(
            "SELECT {CONSENT_COLUMNS} FROM consents WHERE person_id = $1 \
             AND recipient_kind = $2 AND recipient_id = $3 AND purpose = $4 \
             ORDER BY granted_at_unix DESC, id"
        ))
        .bind(person_id)
        .bind(recipient_kind.as_str())
        .bind(recipient_id)
        .bind(purpose)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(consent_from_row).collect()
    }

    async fn withdraw_consent(
        &self,
        person_id: &str,
        id: &str,
        at: &str,
        at_unix: i64,
    ) -> Result<WithdrawOutcome> {
        {
            let _writer = self.sqlite_write_lock().await;
            let mut tx = self.pool.begin().await?;
            let done = sqlx::query(
                "UPDATE consents SET withdrawn_at = $1, withdrawn_at_unix = $2, \
                 state = 'withdrawn', version = version + 1 \
                 WHERE id = $3 AND person_id = $4 AND withdrawn_at_unix IS NULL",
            )
            .bind(at)
            .bind(at_unix)
            .bind(id)
            .bind(person_id)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 1 {
                insert_event(&mut tx, id, ConsentEventKind::Withdrawn, at, at_unix).await?;
                tx.commit().await?;
                return Ok(match self.consent(person_id, id).await? {
                    Some(r) => WithdrawOutcome::Withdrawn(r),
                    // Erased in between: nothing left to withdraw.
                    None => WithdrawOutcome::NotFound,
                });
            }
            tx.rollback().await?;
        }
        Ok(match self.consent(person_id, id).await? {
            Some(r) => WithdrawOutcome::AlreadyWithdrawn(r),
            None => WithdrawOutcome::NotFound,
        })
    }

    async fn renew_consent(
        &self,
        person_id: &str,
        id: &str,
        renewal: &Renewal,
    ) -> Result<Option<ConsentRecord>> {
        {
            let _writer = self.sqlite_write_lock().await;
            let mut tx = self.pool.begin().await?;
            let done = sqlx::query(
                "UPDATE consents SET valid_until = $1, valid_until_unix = $2, receipt = $3, \
                 state = 'active', version = version + 1 \
                 WHERE id = $4 AND person_id = $5 AND withdrawn_at_unix IS NULL",
            )
            .bind(&renewal.valid_until)
            .bind(renewal.valid_until_unix)
            .bind(&renewal.receipt)
            .bind(id)
            .bind(person_id)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() != 1 {
                tx.rollback().await?;
                return Ok(None);
            }
            insert_event(
                &mut tx,
                id,
                ConsentEventKind::Renewed,
                &renewal.at,
                renewal.at_unix,
            )
            .await?;
            tx.commit().await?;
        }
        self.consent(person_id, id).await
    }

    async fn consent_events(&self, person_id: &str, id: &str) -> Result<Vec<ConsentEvent>> {
        let rows = sqlx::query(
            "SELECT consent_id, event, version, at FROM consent_events \
             WHERE consent_id = $1 AND person_id = $2 ORDER BY version, at_unix",
        )
        .bind(id)
        .bind(person_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let consent_id: String = row.try_get(0)?;
                let event: String = row.try_get(1)?;
                Ok(ConsentEvent {
                    event: ConsentEventKind::parse(&event)
                        .ok_or_else(|| corrupt("consent event", &consent_id, "unknown event"))?,
                    consent_id,
                    version: row.try_get(2)?,
                    at: row.try_get(3)?,
                })
            })
            .collect()
    }

    async fn expire_consents(&self, at: &str, now_unix: i64) -> Result<u64> {
        let _writer = self.sqlite_write_lock().await;
        let mut tx = self.pool.begin().await?;
        // Events first (the write that opens the transaction); two replicas sweeping at once
        // write each event once.
        sqlx::query(
            "INSERT INTO consent_events (consent_id, person_id, event, version, at, at_unix) \
             SELECT id, person_id, 'expired', version, $1, $2 FROM consents \
             WHERE state = 'active' AND withdrawn_at_unix IS NULL AND valid_until_unix <= $3 \
             ON CONFLICT DO NOTHING",
        )
        .bind(at)
        .bind(now_unix)
        .bind(now_unix)
        .execute(&mut *tx)
        .await?;
        let done = sqlx::query(
            "UPDATE consents SET state = 'expired' \
             WHERE state = 'active' AND withdrawn_at_unix IS NULL AND valid_until_unix <= $1",
        )
        .bind(now_unix)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(done.rows_affected())
    }

    async fn log_access(&self, entry: &AccessLogEntry) -> Result<()> {
        let _writer = self.sqlite_write_lock().await;
        insert_access(&self.pool, entry).await
    }

    async fn access_log(
        &self,
        person_id: &str,
        limit: u32,
        offset: u64,
    ) -> Result<(Vec<AccessLogEntry>, u64)> {
        let limit = i64::from(limit.min(crate::Page::MAX_LIMIT));
        let offset = i64::try_from(offset).unwrap_or(i64::MAX);
        let rows = sqlx::query(&format!(
            "SELECT {ACCESS_COLUMNS} FROM access_log WHERE person_id = $1 \
             ORDER BY at_unix_ms DESC, id DESC LIMIT $2 OFFSET $3"
        ))
        .bind(person_id)
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.pool)
        .await?;
        let total: i64 = sqlx::query("SELECT COUNT(*) FROM access_log WHERE person_id = $1")
            .bind(person_id)
            .fetch_one(&self.pool)
            .await?
            .try_get(0)?;
        let items = rows.iter().map(access_from_row).collect::<Result<_>>()?;
        Ok((items, u64::try_from(total).unwrap_or(0)))
    }

    async fn create_handover(&self, r: &HandoverRecord) -> Result<()> {
        let attributes = names_json("hand-over", &r.audience, &r.attributes)?;
        let _writer = self.sqlite_write_lock().await;
        sqlx::query(
            "INSERT INTO handover_tokens (token_hash, audience, person_id, consent_id, \
             attributes, sealed, created_at, expires_at_unix) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&r.token_hash)
        .bind(&r.audience)
        .bind(r.person_id.as_deref())
        .bind(r.consent_id.as_deref())
        .bind(attributes)
        .bind(&r.sealed)
        .bind(&r.created_at)
        .bind(r.expires_at_unix)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn redeem_handover(
        &self,
        token_hash: &str,
        audience: &str,
        now_unix: i64,
        log: &AccessLogEntry,
    ) -> Result<Option<HandoverRecord>> {
        let _writer = self.sqlite_write_lock().await;
        let mut tx = self.pool.begin().await?;
        // Deleting is the redemption. A token of another audience, an expired one, or one
        // whose consent was withdrawn matches nothing and stays as it was.
        let row = sqlx::query(
            "DELETE FROM handover_tokens WHERE token_hash = $1 AND audience = $2 \
             AND expires_at_unix > $3 \
             AND (consent_id IS NULL OR EXISTS (SELECT 1 FROM consents c \
                  WHERE c.id = handover_tokens.consent_id AND c.withdrawn_at_unix IS NULL)) \
             RETURNING token_hash, audience, person_id, consent_id, attributes, sealed, \
             created_at, expires_at_unix",
        )
        .bind(token_hash)
        .bind(audience)
        .bind(now_unix)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else {
            tx.rollback().await?;
            return Ok(None);
        };
        let attributes: String = row.try_get(4)?;
        let record = HandoverRecord {
            token_hash: row.try_get(0)?,
            audience: row.try_get(1)?,
            person_id: row.try_get(2)?,
            consent_id: row.try_get(3)?,
            attributes: names_from_json("hand-over", audience, &attributes)?,
            sealed: row.try_get(5)?,
            created_at: row.try_get(6)?,
            expires_at_unix: row.try_get(7)?,
        };
        if let Some(person_id) = &record.person_id {
            let entry = AccessLogEntry {
                person_id: person_id.clone(),
                attributes: record.attributes.clone(),
                consent_ids: record.consent_id.iter().cloned().collect(),
                ..log.clone()
            };
            insert_access(&mut *tx, &entry).await?;
        }
        tx.commit().await?;
        Ok(Some(record))
    }

    async fn purge_expired_handovers(&self, now_unix: i64) -> Result<u64> {
        let _writer = self.sqlite_write_lock().await;
        let done = sqlx::query("DELETE FROM handover_tokens WHERE expires_at_unix <= $1")
            .bind(now_unix)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }
}
