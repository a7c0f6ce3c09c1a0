//! `EmbeddingStore`: vectors per model, replaced in place, deleted by id, and a corrupt
//! row reported rather than misread.

use aurora_store::embeddings::{EmbeddingStore, StoredEmbedding};

use crate::harness::TestDb;

fn e(id: &str, hash: &str, v: &[f32]) -> StoredEmbedding {
    StoredEmbedding {
        service_id: id.to_string(),
        text_hash: hash.to_string(),
        vector: v.to_vec(),
    }
}

pub async fn vectors_round_trip_per_model(db: &TestDb) {
    let s = &db.store;
    assert!(s.embeddings("m1").await.expect("read").is_empty());
    let rows = [
        e("b", "h1", &[0.25, -1.0, 3.5]),
        e("a", "h2", &[1.0, 0.0, f32::MIN_POSITIVE]),
    ];
    assert_eq!(s.put_embeddings("m1", &rows).await.expect("put"), 2);
    assert_eq!(s.put_embeddings("m2", &rows[..1]).await.expect("put"), 1);
    let got = s.embeddings("m1").await.expect("read");
    assert_eq!(
        got,
        vec![rows[1].clone(), rows[0].clone()],
        "ordered by service id, exact floats"
    );
    assert_eq!(
        s.embeddings("m2").await.expect("read"),
        vec![rows[0].clone()]
    );

    // Replace one (new text, new dimension), delete another; the other model is untouched.
    let changed = e("a", "h3", &[0.5; 4]);
    s.put_embeddings("m1", std::slice::from_ref(&changed))
        .await
        .expect("put");
    assert_eq!(
        s.delete_embeddings("m1", &["b".to_string(), "zz".to_string()])
            .await
            .expect("delete"),
        1
    );
    assert_eq!(s.embeddings("m1").await.expect("read"), vec![changed]);
    assert_eq!(s.embeddings("m2").await.expect("read").len(), 1);
    assert_eq!(s.put_embeddings("m1", &[]).await.expect("nothing"), 0);
}

pub async fn corrupt_vector_is_reported(db: &TestDb) {
    let s = &db.store;
    s.put_embeddings("m", &[e("a", "h", &[1.0, 2.0])])
        .await
        .expect("put");
    sqlx::query("UPDATE service_embeddings SET dim = 3")
        .execute(s.pool())
        .await
        .expect("corrupt it");
    let err = s.embeddings("m").await.expect_err("corrupt");
    assert_eq!(
        err.to_string(),
        "the stored vector of service a (model m) has 8 bytes, not 3 floats"
    );
}
