//! [`EmbeddingStore`] for [`SqlStore`]: table `service_embeddings` (migration 0003).

use async_trait::async_trait;
use sqlx::Row;

use super::{now, SqlStore};
use crate::embeddings::{vector_from_bytes, vector_to_bytes, EmbeddingStore, StoredEmbedding};
use crate::{Error, Result};

#[async_trait]
impl EmbeddingStore for SqlStore {
    async fn embeddings(&self, model: &str) -> Result<Vec<StoredEmbedding>> {
        let rows = sqlx::query(
            "SELECT service_id, text_hash, dim, vector FROM service_embeddings \
             WHERE model = $1 ORDER BY service_id",
        )
        .bind(model)
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let service_id: String = row.try_get(0)?;
            let dim: i64 = row.try_get(2)?;
            let bytes: Vec<u8> = row.try_get(3)?;
            let vector = usize::try_from(dim)
                .ok()
                .and_then(|dim| vector_from_bytes(&bytes, dim))
                .ok_or_else(|| Error::CorruptVector {
                    service_id: service_id.clone(),
                    model: model.to_string(),
                    bytes: bytes.len(),
                    dim,
                })?;
            out.push(StoredEmbedding {
                service_id,
                text_hash: row.try_get(1)?,
                vector,
            });
        }
        Ok(out)
    }

    async fn put_embeddings(&self, model: &str, rows: &[StoredEmbedding]) -> Result<u64> {
        if rows.is_empty() {
            return Ok(0);
        }
        let updated_at = now();
        let _writer = self.sqlite_write_lock().await;
        let mut tx = self.pool.begin().await?;
        for r in rows {
            sqlx::query(
                "INSERT INTO service_embeddings \
                 (service_id, model, text_hash, dim, updated_at, vector) \
                 VALUES ($1, $2, $3, $4, $5, $6) \
                 ON CONFLICT (model, service_id) DO UPDATE SET \
                 text_hash = excluded.text_hash, dim = excluded.dim, \
                 updated_at = excluded.updated_at, vector = excluded.vector",
            )
            .bind(r.service_id.as_str())
            .bind(model)
            .bind(r.text_hash.as_str())
            .bind(r.vector.len() as i64)
            .bind(updated_at.as_str())
            .bind(vector_to_bytes(&r.vector))
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(rows.len() as u64)
    }

    async fn delete_embeddings(&self, model: &str, service_ids: &[String]) -> Result<u64> {
        let _writer = self.sqlite_write_lock().await;
        let mut tx = self.pool.begin().await?;
        let mut deleted = 0;
        for id in service_ids {
            deleted +=
                sqlx::query("DELETE FROM service_embeddings WHERE model = $1 AND service_id = $2")
                    .bind(model)
                    .bind(id.as_str())
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
        }
        tx.commit().await?;
        Ok(deleted)
    }
}
