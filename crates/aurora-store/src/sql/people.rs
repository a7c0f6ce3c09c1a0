//! [`PersonStore`] on SQLite and PostgreSQL (migration 0004).

use async_trait::async_trait;
use sqlx::any::AnyRow;
use sqlx::Row;

use super::{now, SqlStore};
use crate::people::{PersonKind, PersonRecord, PersonStore, SessionRecord};
use crate::Result;

fn person_from_row(row: &AnyRow) -> Result<PersonRecord> {
    let kind: String = row.try_get(1)?;
    Ok(PersonRecord {
        id: row.try_get(0)?,
        // The CHECK constraint admits only the two spellings.
        kind: PersonKind::parse(&kind).unwrap_or(PersonKind::Person),
        wrapped_key: row.try_get(2)?,
        key_id: row.try_get(3)?,
        created_at: row.try_get(4)?,
    })
}

fn session_from_row(row: &AnyRow) -> Result<SessionRecord> {
    Ok(SessionRecord {
        token_hash: row.try_get(0)?,
        person_id: row.try_get(1)?,
        auth_method: row.try_get(2)?,
        auth_time_unix: row.try_get(3)?,
        expires_at_unix: row.try_get(4)?,
    })
}

const PERSON_COLUMNS: &str = "id, kind, wrapped_key, key_id, created_at";

#[async_trait]
impl PersonStore for SqlStore {
    async fn create_person(
        &self,
        id: &str,
        kind: PersonKind,
        wrapped_key: &str,
        key_id: &str,
    ) -> Result<PersonRecord> {
        let _writer = self.sqlite_write_lock().await;
        let created_at = now();
        sqlx::query(
            "INSERT INTO persons (id, kind, wrapped_key, key_id, created_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id)
        .bind(kind.as_str())
        .bind(wrapped_key)
        .bind(key_id)
        .bind(&created_at)
        .execute(&self.pool)
        .await?;
        Ok(PersonRecord {
            id: id.to_string(),
            kind,
            wrapped_key: wrapped_key.to_string(),
            key_id: key_id.to_string(),
            created_at,
        })
    }

    async fn person(&self, id: &str) -> Result<Option<PersonRecord>> {
        let row = sqlx::query(&format!(
            "SELECT {PERSON_COLUMNS} FROM persons WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(person_from_row).transpose()
    }

    async fn persons_not_wrapped_by(&self, key_id: &str, limit: u32) -> Result<Vec<PersonRecord>> {
        let rows = sqlx::query(&format!(
            "SELECT {PERSON_COLUMNS} FROM persons WHERE key_id <> $1 ORDER BY id LIMIT $2"
        ))
        .bind(key_id)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(person_from_row).collect()
    }

    async fn rewrap_person(
        &self,
        id: &str,
        expected: &str,
        wrapped_key: &str,
        key_id: &str,
    ) -> Result<bool> {
        let _writer = self.sqlite_write_lock().await;
        let done = sqlx::query(
            "UPDATE persons SET wrapped_key = $1, key_id = $2 WHERE id = $3 AND wrapped_key = $4",
        )
        .bind(wrapped_key)
        .bind(key_id)
        .bind(id)
        .bind(expected)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn create_session(&self, session: &SessionRecord) -> Result<()> {
        let _writer = self.sqlite_write_lock().await;
        sqlx::query(
            "INSERT INTO sessions (token_hash, person_id, auth_method, auth_time_unix, \
             created_at, expires_at_unix) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&session.token_hash)
        .bind(&session.person_id)
        .bind(&session.auth_method)
        .bind(session.auth_time_unix)
        .bind(now())
        .bind(session.expires_at_unix)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn session(&self, token_hash: &str, now_unix: i64) -> Result<Option<SessionRecord>> {
        let row = sqlx::query(
            "SELECT token_hash, person_id, auth_method, auth_time_unix, expires_at_unix \
             FROM sessions WHERE token_hash = $1 AND expires_at_unix > $2",
        )
        .bind(token_hash)
        .bind(now_unix)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(session_from_row).transpose()
    }

    async fn delete_session(&self, token_hash: &str) -> Result<bool> {
        let _writer = self.sqlite_write_lock().await;
        let done = sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn delete_sessions_of(&self, person_id: &str) -> Result<u64> {
        let _writer = self.sqlite_write_lock().await;
        let done = sqlx::query("DELETE FROM sessions WHERE person_id = $1")
            .bind(person_id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    async fn purge_expired_sessions(&self, now_unix: i64) -> Result<u64> {
        let _writer = self.sqlite_write_lock().await;
        let done = sqlx::query("DELETE FROM sessions WHERE expires_at_unix <= $1")
            .bind(now_unix)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    async fn erase_person(&self, id: &str) -> Result<bool> {
        let _writer = self.sqlite_write_lock().await;
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query("DELETE FROM persons WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(done.rows_affected() > 0)
    }
}
