//! `test_api_feedback.py`, and feedback restricted to the client that made the
//! recommendation.

use aurora_store::RecommendationStore;
use serde_json::{json, Value};

use crate::fixture::*;
use crate::harness::*;

/// A recommendation of the Helsinki services (TAIDE, HARRASTUS, LUOKKA53) by `env`'s client.
async fn recommendation(env: &Env) -> i64 {
    let mut body = correct_input();
    body["service_filters"]["municipality_codes"] = json!(["091"]);
    env.post_ok(URL, &body).await["auroraai_recommendation_id"]
        .as_i64()
        .expect("id")
}

pub async fn feedback_cases_of_the_reference(backend: Backend) {
    let env = env_or_skip!(backend);
    let id = recommendation(&env).await;

    // Valid feedback.
    let r = env.post(FEEDBACK_URL, &feedback(id)).await;
    r.status(200);
    assert_eq!(r.text(), "OK");

    // An unknown id is 404; the id as a string is 400.
    let r = env.post(FEEDBACK_URL, &feedback(987_654)).await;
    r.status(404);
    assert_eq!(r.text(), "Invalid recommendation_id: 987654");
    let mut f = feedback(id);
    f["auroraai_recommendation_id"] = json!(id.to_string());
    let r = env.post(FEEDBACK_URL, &f).await;
    r.status(400);
    assert!(r
        .text()
        .contains("'auroraai_recommendation_id': ['Not a valid integer.']"));

    // Scores other than ±1.
    let mut f = feedback(id);
    f["feedback_score"] = json!(20);
    env.post(FEEDBACK_URL, &f).await.status(400);
    let mut f = feedback(id);
    f["service_feedbacks"][0]["feedback_score"] = json!(20);
    env.post(FEEDBACK_URL, &f).await.status(400);

    // Service ids: not a UUID, a UUIDv1 (the reference sent it but asserted nothing), a valid
    // UUID not in the recommendation.
    for (service_id, status) in [
        ("id1", 400),
        ("491d94b0-1ba0-11ec-9621-0242ac130002", 400),
        ("867fa742-3806-4fa5-b2c0-5749ea325167", 404),
    ] {
        let mut f = feedback(id);
        f["service_feedbacks"][0]["service_id"] = json!(service_id);
        let r = env.post(FEEDBACK_URL, &f).await;
        r.status(status);
        if status == 404 {
            assert_eq!(r.text(), format!("Invalid service id: {service_id}"));
        }
    }
    // The demo UI's `extended_feedback` is an unknown nested field, as in the reference.
    let mut f = feedback(id);
    f["service_feedbacks"][0]["extended_feedback"] = json!("hyvä");
    env.post(FEEDBACK_URL, &f).await.status(400);
    // Unauthenticated feedback is refused.
    env.post_raw(FEEDBACK_URL, None, feedback(id).to_string().into_bytes())
        .await
        .status(401);
}

/// Only the creating client can give feedback; a refused request changes nothing; the last
/// feedback given wins.
pub async fn feedback_belongs_to_the_creating_client(backend: Backend) {
    let env = env_or_skip!(backend);
    let id = recommendation(&env).await;
    let other = env
        .store
        .create_client("other_service", "other_organisation")
        .await
        .expect("client");
    let other_auth = format!(
        "Basic {}",
        base64(format!("{}:{}", other.client.id, other.secret).as_bytes())
    );
    let r = env
        .post_raw(
            FEEDBACK_URL,
            Some(&other_auth),
            feedback(id).to_string().into_bytes(),
        )
        .await;
    r.status(404);
    assert_eq!(r.text(), format!("Invalid recommendation_id: {id}"));
    let stored = env
        .store
        .recommendation(id)
        .await
        .expect("read")
        .expect("stored");
    assert_eq!(stored.feedback_score, None);
    assert!(stored.services.iter().all(|s| s.feedback_score.is_none()));

    // Per-service feedback alone, on a service not recommended: nothing written at all.
    let f = json!({"auroraai_recommendation_id": id, "feedback_score": 1,
                   "service_feedbacks": [{"service_id": TAIDE, "feedback_score": 1},
                                         {"service_id": TYONHAKU, "feedback_score": 1}]});
    env.post(FEEDBACK_URL, &f).await.status(404);
    let stored = env
        .store
        .recommendation(id)
        .await
        .expect("read")
        .expect("stored");
    assert_eq!(stored.feedback_score, None);

    for (overall, taide) in [(Some(1), 1), (None, -1), (Some(-1), 1)] {
        let mut f: Value = json!({"auroraai_recommendation_id": id,
            "service_feedbacks": [{"service_id": TAIDE, "feedback_score": taide}]});
        if let Some(o) = overall {
            f["feedback_score"] = json!(o);
        }
        env.post(FEEDBACK_URL, &f).await.status(200);
    }
    let stored = env
        .store
        .recommendation(id)
        .await
        .expect("read")
        .expect("stored");
    assert_eq!(stored.feedback_score, Some(-1));
    let taide = stored
        .services
        .iter()
        .find(|s| s.service_id == TAIDE)
        .expect("taide");
    assert_eq!(taide.feedback_score, Some(1));
    assert_eq!(
        env.store
            .interaction_stats(&env.client_id, &[TAIDE.to_string()])
            .await
            .expect("stats")[TAIDE]
            .positive,
        1,
        "repeated feedback counts once"
    );
}
