//! `POST /api/v1/guidance`: services for a free text (the text path of guidance, see
//! `aurora-guide`).

use aurora_guide::{guide_from_understanding, understand_options, GuideOptions};
use axum::extract::State;
use axum::response::Response;

use super::understand::understand_blocking;
use super::{json_in, organizations_by_ids};
use crate::body::JsonObject;
use crate::error::ApiError;
use crate::state::AppState;
use crate::views::{CodeView, GuidanceView, GuidedServiceView, ServiceSummaryView};

/// Fields of the request body.
pub(crate) const FIELDS: &[&str] = &["text", "lang", "limit"];

/// Results when `limit` is not given, and the most a request may ask for.
const DEFAULT_LIMIT: usize = aurora_guide::DEFAULT_LIMIT;
const MAX_LIMIT: usize = 50;

pub(super) async fn guidance(
    State(state): State<AppState>,
    body: JsonObject,
) -> Result<Response, ApiError> {
    body.reject_unknown(FIELDS)?;
    let text = body.required_str("text")?.to_string();
    let opts = GuideOptions {
        lang: body.lang("lang")?,
        limit: body.integer("limit", DEFAULT_LIMIT, 1, MAX_LIMIT)?,
    };
    let understanding = understand_blocking(&state, text, understand_options(&opts)).await?;
    let guidance = guide_from_understanding(state.store.as_ref(), understanding, &opts).await?;
    let lang = guidance.lang;
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
        .iter()
        .map(|g| GuidedServiceView {
            service: ServiceSummaryView::new(&g.service, &organizations, lang),
            score: g.score,
            reasons: g.reasons.iter().map(|r| r.text.clone()).collect(),
        })
        .collect();
    Ok(json_in(
        lang,
        GuidanceView {
            municipality: guidance
                .municipality
                .as_deref()
                .map(|m| CodeView::municipality(m, lang)),
            understanding: guidance.understanding,
            services,
        },
    ))
}
