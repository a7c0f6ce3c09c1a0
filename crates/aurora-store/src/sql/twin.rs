//! [`TwinStore`] on SQLite and PostgreSQL (migration 0006).
//!
//! Every write transaction starts with its conditional write (see `sql/recommend.rs`): the
//! value's `INSERT … ON CONFLICT` / `UPDATE … WHERE version = $n` / `DELETE` decides, and the
//! history row follows in the same transaction, so there is never a value without its history
//! or a history row for a change that did not happen.

use async_trait::async_trait;
use sqlx::any::AnyRow;
use sqlx::Row;

use super::{now, SqlStore};
use crate::twin::{
    ActorRecord, CompanyRecord, HistoryOp, HistoryRecord, MandateRecord, TwinStore,
    TwinValueRecord, WriteOutcome,
};
use crate::Result;

const VALUE_COLUMNS: &str =
    "attribute, sealed, version, updated_at, actor_kind, actor_id, mandate_id";
const HISTORY_COLUMNS: &str =
    "id, attribute, op, sealed, version, actor_kind, actor_id, mandate_id, at";
const COMPANY_COLUMNS: &str = "person_id, business_id, name, created_at";
const MANDATE_COLUMNS: &str = "id, company_id, agent_id, matters, valid_from, valid_until, \
     granted_by, granted_under, created_at, revoked_at, revoked_by, revoked_under";

fn value_from_row(row: &AnyRow) -> Result<TwinValueRecord> {
    Ok(TwinValueRecord {
        attribute: row.try_get(0)?,
        sealed: row.try_get(1)?,
        version: row.try_get(2)?,
        updated_at: row.try_get(3)?,
        actor: ActorRecord {
            kind: row.try_get(4)?,
            id: row.try_get(5)?,
            mandate_id: row.try_get(6)?,
        },
    })
}

fn history_from_row(row: &AnyRow) -> Result<HistoryRecord> {
    let op: String = row.try_get(2)?;
    Ok(HistoryRecord {
        id: row.try_get(0)?,
        attribute: row.try_get(1)?,
        // The CHECK constraint admits only the two spellings.
        op: if op == "delete" {
            HistoryOp::Delete
        } else {
            HistoryOp::Set
        },
        sealed: row.try_get(3)?,
        version: row.try_get(4)?,
        actor: ActorRecord {
            kind: row.try_get(5)?,
            id: row.try_get(6)?,
            mandate_id: row.try_get(7)?,
        },
        at: row.try_get(8)?,
    })
}

fn company_from_row(row: &AnyRow) -> Result<CompanyRecord> {
    Ok(CompanyRecord {
        id: row.try_get(0)?,
        business_id: row.try_get(1)?,
        name: row.try_get(2)?,
        created_at: row.try_get(3)?,
    })
}

fn mandate_from_row(row: &AnyRow) -> Result<MandateRecord> {
    let matters: String = row.try_get(3)?;
    Ok(MandateRecord {
        id: row.try_get(0)?,
        company_id: row.try_get(1)?,
        agent_id: row.try_get(2)?,
        matters: matters
            .split(',')
            .filter(|m| !m.is_empty())
            .map(str::to_string)
            .collect(),
        valid_from: row.try_get(4)?,
        valid_until: row.try_get(5)?,
        granted_by: row.try_get(6)?,
        granted_under: row.try_get(7)?,
        created_at: row.try_get(8)?,
        revoked_at: row.try_get(9)?,
        revoked_by: row.try_get(10)?,
        revoked_under: row.try_get(11)?,
    })
}

/// Appends a history row inside `tx`.
#[allow(clippy::too_many_arguments)]
async fn insert_history(
    tx: &mut sqlx::AnyConnection,
    person_id: &str,
    attribute: &str,
    op: HistoryOp,
    sealed: Option<&str>,
    version: i64,
    actor: &ActorRecord,
    at: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO twin_history (person_id, attribute, op, sealed, version, actor_kind, \
         actor_id, mandate_id, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(person_id)
    .bind(attribute)
    .bind(op.as_str())
    .bind(sealed)
    .bind(version)
    .bind(&actor.kind)
    .bind(&actor.id)
    .bind(actor.mandate_id.as_deref())
    .bind(at)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

#[async_trait]
impl TwinStore for SqlStore {
    async fn twin_values(&self, person_id: &str) -> Result<Vec<TwinValueRecord>> {
        let rows = sqlx::query(&format!(
            "SELECT {VALUE_COLUMNS} FROM twin_values WHERE person_id = $1 ORDER BY attribute"
        ))
        .bind(person_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(value_from_row).collect()
    }

    async fn twin_values_named(
        &self,
        person_id: &str,
        names: &[&str],
    ) -> Result<Vec<TwinValueRecord>> {
        // A twin has a few dozen attributes at most: one indexed range read, filtered here.
        let all = self.twin_values(person_id).await?;
        Ok(all
            .into_iter()
            .filter(|v| names.contains(&v.attribute.as_str()))
            .collect())
    }

    async fn set_twin_value(
        &self,
        person_id: &str,
        attribute: &str,
        sealed: &str,
        expected_version: Option<i64>,
        actor: &ActorRecord,
    ) -> Result<WriteOutcome> {
        if expected_version.is_some_and(|v| v < 0) {
            return Ok(WriteOutcome::Conflict);
        }
        let _writer = self.sqlite_write_lock().await;
        let at = now();
        let mut tx = self.pool.begin().await?;
        let insert = "INSERT INTO twin_values (person_id, attribute, sealed, version, updated_at, \
             actor_kind, actor_id, mandate_id) VALUES ($1, $2, $3, 1, $4, $5, $6, $7)";
        let sql = match expected_version {
            None => format!(
                "{insert} ON CONFLICT (person_id, attribute) DO UPDATE SET \
                 sealed = excluded.sealed, version = twin_values.version + 1, \
                 updated_at = excluded.updated_at, actor_kind = excluded.actor_kind, \
                 actor_id = excluded.actor_id, mandate_id = excluded.mandate_id \
                 RETURNING version"
            ),
            Some(0) => {
                format!("{insert} ON CONFLICT (person_id, attribute) DO NOTHING RETURNING version")
            }
            Some(_) => {
                "UPDATE twin_values SET sealed = $3, version = version + 1, updated_at = $4, \
                 actor_kind = $5, actor_id = $6, mandate_id = $7 \
                 WHERE person_id = $1 AND attribute = $2 AND version = $8 RETURNING version"
                    .to_string()
            }
        };
        let mut q = sqlx::query(&sql)
            .bind(person_id)
            .bind(attribute)
            .bind(sealed)
            .bind(&at)
            .bind(&actor.kind)
            .bind(&actor.id)
            .bind(actor.mandate_id.as_deref());
        if let Some(v) = expected_version.filter(|v| *v > 0) {
            q = q.bind(v);
        }
        let Some(row) = q.fetch_optional(&mut *tx).await? else {
            // Nothing written: the transaction rolls back on drop.
            return Ok(WriteOutcome::Conflict);
        };
        let version: i64 = row.try_get(0)?;
        insert_history(
            &mut tx,
            person_id,
            attribute,
            HistoryOp::Set,
            Some(sealed),
            version,
            actor,
            &at,
        )
        .await?;
        tx.commit().await?;
        Ok(WriteOutcome::Written(version))
    }

    async fn delete_twin_value(
        &self,
        person_id: &str,
        attribute: &str,
        expected_version: Option<i64>,
        actor: &ActorRecord,
    ) -> Result<WriteOutcome> {
        let _writer = self.sqlite_write_lock().await;
        let at = now();
        let mut tx = self.pool.begin().await?;
        let deleted = match expected_version {
            None => {
                sqlx::query("DELETE FROM twin_values WHERE person_id = $1 AND attribute = $2")
                    .bind(person_id)
                    .bind(attribute)
                    .execute(&mut *tx)
                    .await?
            }
            Some(v) => {
                sqlx::query(
                    "DELETE FROM twin_values WHERE person_id = $1 AND attribute = $2 \
                     AND version = $3",
                )
                .bind(person_id)
                .bind(attribute)
                .bind(v)
                .execute(&mut *tx)
                .await?
            }
        };
        if deleted.rows_affected() == 0 {
            return Ok(WriteOutcome::Conflict);
        }
        sqlx::query(
            "UPDATE twin_history SET sealed = NULL WHERE person_id = $1 AND attribute = $2 \
             AND sealed IS NOT NULL",
        )
        .bind(person_id)
        .bind(attribute)
        .execute(&mut *tx)
        .await?;
        insert_history(
            &mut tx,
            person_id,
            attribute,
            HistoryOp::Delete,
            None,
            0,
            actor,
            &at,
        )
        .await?;
        tx.commit().await?;
        Ok(WriteOutcome::Written(0))
    }

    async fn delete_twin_values(&self, person_id: &str, actor: &ActorRecord) -> Result<u64> {
        let _writer = self.sqlite_write_lock().await;
        let at = now();
        let mut tx = self.pool.begin().await?;
        // Deletion rows first (one per current value), then the values, then the old values
        // out of the history.
        sqlx::query(
            "INSERT INTO twin_history (person_id, attribute, op, sealed, version, actor_kind, \
             actor_id, mandate_id, at) \
             SELECT person_id, attribute, 'delete', NULL, 0, CAST($2 AS TEXT), \
             CAST($3 AS TEXT), CAST($4 AS TEXT), CAST($5 AS TEXT) \
             FROM twin_values WHERE person_id = $1 ORDER BY attribute",
        )
        .bind(person_id)
        .bind(&actor.kind)
        .bind(&actor.id)
        .bind(actor.mandate_id.as_deref())
        .bind(&at)
        .execute(&mut *tx)
        .await?;
        let deleted = sqlx::query("DELETE FROM twin_values WHERE person_id = $1")
            .bind(person_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        sqlx::query(
            "UPDATE twin_history SET sealed = NULL WHERE person_id = $1 AND sealed IS NOT NULL",
        )
        .bind(person_id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(deleted)
    }

    async fn twin_history(
        &self,
        person_id: &str,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<HistoryRecord>> {
        let rows = sqlx::query(&format!(
            "SELECT {HISTORY_COLUMNS} FROM twin_history WHERE person_id = $1 AND id < $2 \
             ORDER BY id DESC LIMIT $3"
        ))
        .bind(person_id)
        .bind(before.unwrap_or(i64::MAX))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(history_from_row).collect()
    }

    async fn create_company(
        &self,
        company: &CompanyRecord,
        first_mandate: &MandateRecord,
    ) -> Result<bool> {
        let _writer = self.sqlite_write_lock().await;
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(
            "INSERT INTO companies (person_id, business_id, name, created_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (business_id) DO NOTHING",
        )
        .bind(&company.id)
        .bind(&company.business_id)
        .bind(&company.name)
        .bind(&company.created_at)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        insert_mandate(&mut tx, first_mandate).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn company(&self, id: &str) -> Result<Option<CompanyRecord>> {
        let row = sqlx::query(&format!(
            "SELECT {COMPANY_COLUMNS} FROM companies WHERE person_id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(company_from_row).transpose()
    }

    async fn company_by_business_id(&self, business_id: &str) -> Result<Option<CompanyRecord>> {
        let row = sqlx::query(&format!(
            "SELECT {COMPANY_COLUMNS} FROM companies WHERE business_id = $1"
        ))
        .bind(business_id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(company_from_row).transpose()
    }

    async fn create_mandate(&self, mandate: &MandateRecord) -> Result<()> {
        let _writer = self.sqlite_write_lock().await;
        let mut conn = self.pool.acquire().await?;
        insert_mandate(&mut conn, mandate).await
    }

    async fn mandate(&self, id: &str) -> Result<Option<MandateRecord>> {
        let row = sqlx::query(&format!(
            "SELECT {MANDATE_COLUMNS} FROM mandates WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(mandate_from_row).transpose()
    }

    async fn mandates_of_company(&self, company_id: &str) -> Result<Vec<MandateRecord>> {
        let rows = sqlx::query(&format!(
            "SELECT {MANDATE_COLUMNS} FROM mandates WHERE company_id = $1 \
             ORDER BY created_at, id"
        ))
        .bind(company_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(mandate_from_row).collect()
    }

    async fn mandates_of_agent(&self, agent_id: &str) -> Result<Vec<MandateRecord>> {
        let rows = sqlx::query(&format!(
            "SELECT {MANDATE_COLUMNS} FROM mandates WHERE agent_id = $1 ORDER BY created_at, id"
        ))
        .bind(agent_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(mandate_from_row).collect()
    }

    async fn revoke_mandate(
        &self,
        company_id: &str,
        mandate_id: &str,
        at: i64,
        revoked_by: &str,
        revoked_under: Option<&str>,
    ) -> Result<bool> {
        let _writer = self.sqlite_write_lock().await;
        let done = sqlx::query(
            "UPDATE mandates SET revoked_at = $1, revoked_by = $2, revoked_under = $3 \
             WHERE id = $4 AND company_id = $5 AND revoked_at IS NULL",
        )
        .bind(at)
        .bind(revoked_by)
        .bind(revoked_under)
        .bind(mandate_id)
        .bind(company_id)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }
}

async fn insert_mandate(conn: &mut sqlx::AnyConnection, m: &MandateRecord) -> Result<()> {
    sqlx::query(
        "INSERT INTO mandates (id, company_id, agent_id, matters, valid_from, valid_until, \
         granted_by, granted_under, created_at, revoked_at, revoked_by, revoked_under) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(&m.id)
    .bind(&m.company_id)
    .bind(&m.agent_id)
    .bind(m.matters.join(","))
    .bind(m.valid_from)
    .bind(m.valid_until)
    .bind(&m.granted_by)
    .bind(m.granted_under.as_deref())
    .bind(&m.created_at)
    .bind(m.revoked_at)
    .bind(m.revoked_by.as_deref())
    .bind(m.revoked_under.as_deref())
    .execute(&mut *conn)
    .await?;
    Ok(())
}
