//! `POST /api/v1/guidance`: services for a life situation (free text, 3X10D meters, life
//! events, age, municipality, target groups), ranked over the whole catalogue and explained
//! (see `aurora_guide::situation`).
//!
//! Each answer is stored as a recommendation (when the node has a recommendation store) and
//! its `recommendation_id` is returned: `POST /api/v1/feedback` and `POST /api/v1/clicks`
//! refer to it. Only recommendations made for an **authenticated** API client (HTTP Basic,
//! the same clients as the recommender API) teach the outcome learner, so anonymous requests
//! cannot move any ranking; see [`super::feedback`].

use aurora_guide::situation::{RankedService, Situation};
use aurora_guide::GuideOptions;
use aurora_model::{CodeLists, Dimension};
use aurora_store::NewRecommendation;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Serialize;
use serde_json::Value;

use super::{json_in, organizations_by_ids};
use crate::body::JsonObject;
use crate::error::{ApiError, ErrorCode};
use crate::state::AppState;
use crate::views::{CodeView, ServiceSummaryView};

/// Fields of the request body.
pub(crate) const FIELDS: &[&str] = &[
    "text",
    "lang",
    "limit",
    "meters",
    "life_events",
    "age",
    "municipality",
    "target_groups",
];

/// Results when `limit` is not given, and the most a request may ask for.
const DEFAULT_LIMIT: usize = aurora_guide::DEFAULT_LIMIT;
const MAX_LIMIT: usize = 50;
/// The longest text accepted, in characters (the intent engine's own limit is larger).
const MAX_TEXT_CHARS: usize = 10_000;

/// The answer.
#[derive(Debug, Serialize)]
pub(crate) struct SituationView {
    /// Refer to it in feedback and clicks; `null` when the node stores no recommendations.
    recommendation_id: Option<i64>,
    /// What the text said (`null` without text). Clients show `urgent` first.
    understanding: Option<aurora_nlu::Understanding>,
    /// The municipality used (given, else recognised in the text).
    municipality: Option<CodeView>,
    /// `hybrid` (words and meaning) or `lexical_only` for the text part; `null` without text.
    text_mode: Option<&'static str>,
    /// Best first.
    services: Vec<RankedView>,
}

/// One ranked service.
#[derive(Debug, Serialize)]
struct RankedView {
    #[serde(flatten)]
    service: ServiceSummaryView,
    /// 1-based.
    rank: usize,
    /// Comparable within one answer.
    score: f32,
    /// The evidence behind the score, each 0–1 (`null`: no such evidence in the request).
    components: aurora_guide::situation::Components,
    /// What outcome learning multiplied the score by (1: nothing learned).
    learned_factor: f32,
    /// Shown to explore (only when exploration is switched on).
    explored: bool,
    /// The reasons as text, strongest first, availability last.
    reasons: Vec<String>,
    /// The same reasons with their kind, code and weight.
    explanation: Vec<aurora_guide::Reason>,
}

pub(super) async fn guidance(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: JsonObject,
) -> Result<Response, ApiError> {
    body.reject_unknown(FIELDS)?;
    let situation = situation(&body)?;
    let opts = GuideOptions {
        lang: body.lang("lang")?,
        limit: body.integer("limit", DEFAULT_LIMIT, 1, MAX_LIMIT)?,
    };
    let client_id = super::feedback::client(&state, &headers).await?;
    let engine = state.guide_engine().ok_or_else(|| {
        ApiError::new(
            ErrorCode::Unavailable,
            "the guidance index is still being built",
        )
    })?;
    let understander = state.understander_ready().await?;
    let seed = uuid::Uuid::new_v4().as_u64_pair().0;
    let guidance = engine
        .guide(state.store.as_ref(), understander, &situation, &opts, seed)
        .await?;
    let lang = guidance.lang;

    let recommendation_id = match state.compat.store.as_ref() {
        Some(store) => {
            let shown = crate::learning::shown(&guidance);
            let mut attributes = stored_attributes(&body);
            attributes["context"] = serde_json::json!(guidance.context.features());
            let id = store
                .create_recommendation(&NewRecommendation {
                    client_id: client_id.as_deref().unwrap_or(""),
                    session_id: None,
                    calling_organisation: "",
                    calling_service: "",
                    request_path: "/api/v1/guidance",
                    request_attributes: &attributes,
                    services: &shown,
                })
                .await?;
            crate::learning::impressions(
                &state,
                client_id.as_deref().unwrap_or(""),
                &guidance.context,
                &shown
                    .iter()
                    .map(|s| (s.service_id.clone(), s.rank))
                    .collect::<Vec<_>>(),
            );
            Some(id)
        }
        None => None,
    };

    let organizations = organizations_by_ids(
        state.store.as_ref(),
        guidance
            .services
            .iter()
            .filter_map(|g| g.service.responsible_organization())
            .map(|o| o.organization_id.as_str()),
    )
    .await?;
    let services = guidance
        .services
        .into_iter()
        .enumerate()
        .map(|(i, r)| view(i + 1, r, &organizations, lang))
        .collect();
    Ok(json_in(
        lang,
        SituationView {
            recommendation_id,
            municipality: guidance
                .municipality
                .as_deref()
                .map(|m| CodeView::municipality(m, lang)),
            understanding: guidance.understanding,
            text_mode: guidance.text_mode,
            services,
        },
    ))
}

fn view(
    rank: usize,
    r: RankedService,
    organizations: &[aurora_model::Organization],
    lang: aurora_model::Lang,
) -> RankedView {
    RankedView {
        service: ServiceSummaryView::new(&r.service, organizations, lang),
        rank,
        score: r.score,
        components: r.components,
        learned_factor: r.learned_factor,
        explored: r.explored,
        reasons: r.reasons.iter().map(|x| x.text.clone()).collect(),
        explanation: r.reasons,
    }
}

/// The request as stored with the recommendation: everything but the free text, which may
/// carry personal details; its length is kept.
fn stored_attributes(body: &JsonObject) -> Value {
    let mut v = serde_json::Map::new();
    for (k, val) in body.entries() {
        if k == "text" {
            let chars = val.as_str().map_or(0, |t| t.chars().count());
            v.insert("text_chars".into(), serde_json::json!(chars));
        } else {
            v.insert(k.clone(), val.clone());
        }
    }
    Value::Object(v)
}

/// The situation of a request body, every field checked.
fn situation(body: &JsonObject) -> Result<Situation, ApiError> {
    let lists = CodeLists::get();
    let text = match body.value("text") {
        None => None,
        Some(Value::String(t)) => {
            let chars = t.chars().count();
            if t.trim().is_empty() {
                return Err(ApiError::for_field(
                    ErrorCode::EmptyText,
                    "text",
                    "the text is empty; describe the situation in a few words, or leave `text` out",
                ));
            }
            if chars > MAX_TEXT_CHARS {
                return Err(ApiError::invalid_field(
                    "text",
                    format!("too long: {chars} characters; at most {MAX_TEXT_CHARS}"),
                ));
            }
            Some(t.clone())
        }
        Some(other) => {
            return Err(ApiError::invalid_field(
                "text",
                format!("expected a string, got {other}"),
            ))
        }
    };
    let mut meters = Vec::new();
    match body.value("meters") {
        None => {}
        Some(Value::Object(m)) => {
            for (key, v) in m {
                let field = format!("meters.{key}");
                let d = Dimension::ALL
                    .into_iter()
                    .find(|d| d.key() == key)
                    .ok_or_else(|| {
                        ApiError::invalid_field(
                            &field,
                            format!(
                                "unknown 3X10D dimension; expected one of {}",
                                Dimension::ALL.map(|d| d.key()).join(", ")
                            ),
                        )
                    })?;
                match v.as_u64() {
                    Some(n) if n <= 10 => meters.push((d, n as u8)),
                    _ => {
                        return Err(ApiError::invalid_field(
                            &field,
                            format!(
                                "expected an integer from 0 (bad) to 10 (all is well), got {v}"
                            ),
                        ))
                    }
                }
            }
        }
        Some(other) => {
            return Err(ApiError::invalid_field(
                "meters",
                format!(
                    "expected an object such as {{\"housing\": 2, \"health\": 7}}, got {other}"
                ),
            ))
        }
    }
    let codes =
        |name: &str, valid: &dyn Fn(&str) -> bool, what: &str| -> Result<Vec<String>, ApiError> {
            match body.value(name) {
                None => Ok(Vec::new()),
                Some(Value::Array(items)) => items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| match v.as_str() {
                        Some(c) if valid(c.trim()) => Ok(c.trim().to_string()),
                        _ => Err(ApiError::invalid_field(
                            &format!("{name}[{i}]"),
                            format!("expected {what}, got {v}"),
                        )),
                    })
                    .collect(),
                Some(other) => Err(ApiError::invalid_field(
                    name,
                    format!("expected an array of {what}, got {other}"),
                )),
            }
        };
    let life_events = codes(
        "life_events",
        &|c| lists.life_event(c).is_some(),
        "a PTV life-event code such as \"KE4.1\"",
    )?;
    let target_groups = codes(
        "target_groups",
        &|c| lists.target_group(c).is_some(),
        "a PTV target-group code such as \"KR1.3\"",
    )?;
    let age = match body.value("age") {
        None => None,
        Some(v) => match v.as_u64() {
            Some(n) if n <= 120 => Some(n as u8),
            _ => {
                return Err(ApiError::invalid_field(
                    "age",
                    format!("expected an integer from 0 to 120, got {v}"),
                ))
            }
        },
    };
    let municipality = match body.value("municipality") {
        None => None,
        Some(Value::String(c)) if lists.municipality(c.trim()).is_some() => {
            Some(c.trim().to_string())
        }
        Some(v) => {
            return Err(ApiError::invalid_field(
                "municipality",
                format!("expected a municipality code such as \"837\" (Tampere), got {v}"),
            ))
        }
    };
    if text.is_none() && meters.is_empty() && life_events.is_empty() {
        return Err(ApiError::invalid_field(
            "text",
            "describe the situation: give at least one of `text`, `meters` or `life_events`",
        ));
    }
    Ok(Situation {
        text,
        meters,
        life_events,
        age,
        municipality,
        target_groups,
        filter: Default::default(),
    })
}
