//! `POST recommend_service` (3X10D) and `POST text_search`.
//!
//! Both: authenticate, validate, take a task slot (503 `Server busy.` when none is free),
//! rank in memory (candidates from the search index's filter bit sets), load the winners
//! with one query, store the recommendation with its services, answer with tracking links.

use std::collections::{HashMap, HashSet};

use aurora_guide::learning::Context;
use aurora_guide::threex10d::{Contribution, RecommendQuery, Recommended, RelevanceKind};
use aurora_model::{ChannelKind, Lang};
use aurora_search::Query;
use aurora_store::{NewRecommendation, RecommendedService};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use super::auth::{authorize, Caller};
use super::format::{self, Links};
use super::validate::{self, scrub_identity_codes};
use super::{
    accept_language, busy, internal, invalid, json, json_body, store_error, unavailable, PREFIX,
};
use crate::state::AppState;

/// One ranked service before it is loaded: id, score, extra output fields.
struct Ranked {
    service_id: String,
    score: f64,
    extra: Vec<(&'static str, Value)>,
}

/// The collections of the published catalogue (the reference asked PTV on every request).
/// With `rerank`, this many times `limit` candidates are re-sorted …
const RERANK_DEPTH: usize = 4;
/// … and at most this many.
const RERANK_MAX: usize = 100;

fn known_collections(state: &AppState) -> impl Fn(&str) -> bool {
    let index = state.search_index();
    move |id: &str| index.as_ref().is_some_and(|i| i.has_collection(id))
}

pub(super) async fn recommend_service(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let compat = state.compat.clone();
    let caller = match authorize(&compat, &headers).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let raw = match json_body(&headers, &body) {
        Ok(v) => v,
        Err(e) => return e.into_response(),
    };
    let input = match validate::recommend_input(&raw, &known_collections(&state)) {
        Ok(i) => i,
        Err(e) => return invalid(&e),
    };
    let Some(_task) = compat.limiter.try_start() else {
        return busy(&compat.limiter);
    };
    let Some(engine) = compat.recommender() else {
        return unavailable();
    };
    // `rerank`: the best few times `limit` by need, re-sorted by what clicks and feedback of
    // authenticated clients taught in this situation (position-debiased, bounded; see
    // `aurora_guide::learning`), instead of the reference's XGBoost model.
    let depth = if input.rerank {
        (input.limit * RERANK_DEPTH).min(RERANK_MAX)
    } else {
        input.limit
    };
    let mut result = engine.recommend(
        &RecommendQuery::new(&input.filter, &input.needs)
            .mode(compat.config.ranking)
            .limit(depth),
    );
    if input.rerank {
        let context = Context::of_stored_request(&raw);
        let learner = state.learner().read().unwrap_or_else(|e| e.into_inner());
        let mut items: Vec<(f64, _)> = result
            .items
            .drain(..)
            .map(|r| {
                let factor = f64::from(learner.adjustment(&context, &r.service_id).factor);
                (r.score * factor, r)
            })
            .collect();
        items.sort_by(|a, b| {
            b.0.total_cmp(&a.0)
                .then_with(|| a.1.service_id.cmp(&b.1.service_id))
        });
        result.items = items
            .into_iter()
            .take(input.limit)
            .map(|(score, mut r)| {
                r.score = score;
                r
            })
            .collect();
    }
    let lang = accept_language(&headers);
    let ranked = result
        .items
        .into_iter()
        .map(|r| Ranked {
            service_id: r.service_id.clone(),
            score: r.score,
            extra: explanation(&r, lang),
        })
        .collect();
    answer(
        &state,
        &caller,
        raw,
        "recommend_service",
        ranked,
        Lang::Fi,
        input.session_id.as_deref(),
    )
    .await
}

pub(super) async fn text_search(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let compat = state.compat.clone();
    let caller = match authorize(&compat, &headers).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let mut raw = match json_body(&headers, &body) {
        Ok(v) => v,
        Err(e) => return e.into_response(),
    };
    let input = match validate::text_search_input(&raw, &known_collections(&state)) {
        Ok(i) => i,
        Err(e) => return invalid(&e),
    };
    let Some(_task) = compat.limiter.try_start() else {
        return busy(&compat.limiter);
    };
    let Some(index) = state.search_index() else {
        return unavailable();
    };
    let mut query = Query::new(input.text)
        .filter(input.filter)
        .limit(input.limit);
    if let Some(l) = input.lang {
        query = query.lang(l);
    }
    let results = match tokio::task::spawn_blocking(move || index.search(&query)).await {
        Ok(r) => r,
        Err(e) => return internal(&format!("the search task failed: {e}")),
    };
    let ranked = results
        .hits
        .into_iter()
        .map(|h| Ranked {
            service_id: h.service_id,
            score: f64::from(h.score),
            extra: Vec::new(),
        })
        .collect();
    // Personal identity codes never reach the database (the reference's rule).
    if let Some(Value::String(text)) = raw.get_mut("search_text") {
        *text = scrub_identity_codes(text);
    }
    answer(
        &state,
        &caller,
        raw,
        "text_search",
        ranked,
        input.lang.unwrap_or(Lang::Fi),
        None,
    )
    .await
}

/// `relevance_source` and `explanation` of a 3X10D result.
fn explanation(r: &Recommended, lang: Lang) -> Vec<(&'static str, Value)> {
    let source = match r.relevance {
        RelevanceKind::HandLabels => "hand_labels",
        RelevanceKind::Learned => "learned",
        RelevanceKind::None => "none",
    };
    let items: Vec<Value> = r
        .explanation
        .iter()
        .map(|c| contribution(c, lang))
        .collect();
    vec![
        ("relevance_source", json!(source)),
        ("explanation", json!(items)),
    ]
}

fn contribution(c: &Contribution, lang: Lang) -> Value {
    let label = c.dimension.label().get(lang).unwrap_or("").to_string();
    let mut rating = if c.rating.fract() == 0.0 {
        format!("{}", c.rating)
    } else {
        format!("{:.1}", c.rating)
    };
    if lang != Lang::En {
        rating = rating.replace('.', ",");
    }
    let text = match lang {
        Lang::Fi => format!("{label}: arviosi {rating}/10"),
        Lang::Sv => format!("{label}: ditt betyg {rating}/10"),
        Lang::En => format!("{label}: your rating {rating}/10"),
    };
    json!({
        "dimension": c.dimension.key(),
        "label": label,
        "rating": c.rating,
        "relevance": c.relevance,
        "contribution": c.contribution,
        "text": text,
    })
}

/// Loads the ranked services, stores the recommendation and formats the answer.
async fn answer(
    state: &AppState,
    caller: &Caller,
    request: Value,
    endpoint: &str,
    ranked: Vec<Ranked>,
    lang: Lang,
    session_id: Option<&str>,
) -> Response {
    let compat = &state.compat;
    let Some(store) = compat.store() else {
        return unavailable();
    };
    let ids: Vec<String> = ranked.iter().map(|r| r.service_id.clone()).collect();
    let services = match state.published_services_cached(store.as_ref(), &ids).await {
        Ok(s) => s,
        Err(e) => return store_error(e),
    };
    let mut by_id: HashMap<&str, &aurora_model::Service> = services
        .iter()
        .map(|s| (s.id.as_str(), s.as_ref()))
        .collect();
    // Ranked order; a service archived since the index was built drops out.
    let kept: Vec<(&aurora_model::Service, Ranked)> = ranked
        .into_iter()
        .filter_map(|r| by_id.remove(r.service_id.as_str()).map(|s| (s, r)))
        .collect();
    let channel_ids: Vec<String> = kept
        .iter()
        .flat_map(|(s, _)| s.channels.iter().map(|l| l.channel_id.clone()))
        .collect();
    let channels = match state.channels_cached(&channel_ids).await {
        Ok(c) => c,
        Err(e) => return store_error(e),
    };
    let channel_map: HashMap<&str, &aurora_model::Channel> = channels
        .iter()
        .map(|c| (c.id.as_str(), c.as_ref()))
        .collect();
    let e_services: Vec<String> = channels
        .iter()
        .filter(|c| c.kind == ChannelKind::EChannel)
        .map(|c| c.id.clone())
        .collect();
    let receivers: HashSet<String> = if e_services.is_empty() {
        HashSet::new()
    } else {
        match compat.session_receivers(store.as_ref()).await {
            Ok(all) => e_services.into_iter().filter(|c| all.contains(c)).collect(),
            Err(e) => return store_error(e),
        }
    };
    let stored: Vec<RecommendedService> = kept
        .iter()
        .enumerate()
        .map(|(i, (s, r))| RecommendedService {
            service_id: s.id.clone(),
            rank: i as i64 + 1,
            score: r.score,
        })
        .collect();
    let path = format!("{PREFIX}/{endpoint}");
    let recommendation_id = match store
        .create_recommendation(&NewRecommendation {
            client_id: &caller.client_id,
            session_id: request.get("session_id").and_then(Value::as_str),
            calling_organisation: &caller.organisation,
            calling_service: &caller.service,
            request_path: &path,
            request_attributes: &request,
            services: &stored,
        })
        .await
    {
        Ok(id) => id,
        Err(e) => return store_error(e),
    };
    crate::learning::impressions(
        state,
        &caller.client_id,
        &Context::of_stored_request(&request),
        &stored
            .iter()
            .map(|s| (s.service_id.clone(), s.rank))
            .collect::<Vec<_>>(),
    );
    let links = Links {
        base: compat.link_base(),
        recommendation_id,
        session_id,
    };
    let recommended: Vec<Value> = kept
        .into_iter()
        .enumerate()
        .map(|(i, (s, r))| {
            format::service(
                s,
                &channel_map,
                &receivers,
                lang,
                &links,
                r.score,
                i + 1,
                r.extra,
            )
        })
        .collect();
    json(
        StatusCode::OK,
        &json!({
            "recommended_services": recommended,
            "auroraai_recommendation_id": recommendation_id,
        }),
    )
}
