//! The citizen guidance page: `GET /{lang}/guide` (a form: a free-text description, the ten
//! 3X10D meters, municipality and age; submitted with `GET` to the same address, so results
//! are bookmarkable) and `POST /{lang}/guide/feedback` (👍/👎 on a shown service).
//!
//! The ranking is [`aurora_guide::situation::GuideEngine`]; this module validates the form,
//! renders the answer (urgent help first, then each service with its reasons, channels and
//! organisation) and takes feedback into the outcome learner.
//!
//! # Parameters of `GET /{lang}/guide`
//!
//! `text` (≤ [`MAX_TEXT_CHARS`] characters), one parameter per dimension named by its API key
//! (`health=3`, `working_studying=7`, …, each 0–10), `skip` (repeatable: dimension keys the
//! person left unanswered; sent by the form when JavaScript is off, when every slider is
//! submitted), `municipality` (a code), `age` (0–120) and `thanks=1` (after feedback). Empty
//! values count as absent, unknown parameters are ignored (it is a form), and every bad value
//! gets its own message next to its field (`aria-invalid`, `aria-describedby`) and in a
//! summary at the top, with status 400; never an error page.
//!
//! # Feedback: stored, never taught
//!
//! A results page is stored as an anonymous recommendation (when the node keeps
//! recommendations). Each result carries a feedback form whose hidden fields say what was
//! shown: the page view (the recommendation's id, 32 hex digits), the issue time, the rank,
//! the service id and the learner context's features, **signed** with HMAC-SHA-256 under a
//! key held in the [`AppState`] (random per process unless set with
//! [`AppState::with_guide_feedback_key`]). A post is accepted only when
//!
//! 1. its CSRF token equals the `aurora_csrf` cookie (double submit, compared in constant
//!    time; the cookie is `HttpOnly; SameSite=Strict; Path=/`, plus `Secure` behind https):
//!    else 403;
//! 2. the signature is valid and the form at most [`FEEDBACK_TTL_SECS`] old: else 403 (a
//!    forged or altered form cannot name another service, rank or context);
//! 3. the (page view, service) pair has not given feedback before: else it is answered like
//!    an accepted one but not recorded (idempotent), so one page view moves one service at
//!    most once.
//!
//! Accepted feedback is stored with the page view's recommendation (`record_feedback`, one
//! value per page view and service) and answered with a 303 back to the results with
//! `thanks=1`. It does **not** teach the outcome learner: anyone can open pages, so a
//! script could otherwise raise a service by voting on page after page. Learning takes
//! only events of authenticated API clients (`/api/v1/feedback`, `/api/v1/clicks`); signed-in
//! people will join them with accounts. The replay memory is per process (a deployment with
//! several instances shares the key and accepts a replay once per instance; the store keeps
//! the last vote either way).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use askama::Template;
use aurora_guide::situation::Situation;
use aurora_guide::{GuideError, GuideOptions};
use aurora_model::{CodeLists, Dimension, Lang, Organization};
use aurora_store::{Feedback, NewRecommendation};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

use super::{
    channel_block, collation_key, error_page, html, page_lang, service_item, txt, ChannelBlock,
    Chrome, ErrorPage, MunicipalityOption, ServiceItem, Txt,
};
use crate::api::{organizations_by_ids, ApiPath};
use crate::error::{ApiError, ErrorCode};
use crate::i18n::Tr;
use crate::params::QueryParams;
use crate::state::AppState;

/// The longest description accepted, in characters (the intent engine's own limit).
pub(crate) const MAX_TEXT_CHARS: usize = aurora_nlu::MAX_TEXT_CHARS;
/// Services shown.
const RESULTS: usize = 10;
/// Channels shown per service (the rest are on the service page).
const CHANNELS_SHOWN: usize = 4;
/// How long a results page's feedback forms stay valid.
pub(crate) const FEEDBACK_TTL_SECS: u64 = 24 * 60 * 60;
/// Remembered (page view, service) pairs; when full of unexpired pairs, feedback is not
/// recorded (rather than forgetting pairs, which would let replays in).
const MAX_REMEMBERED: usize = 200_000;
/// The CSRF cookie.
pub(crate) const CSRF_COOKIE: &str = "aurora_csrf";
/// Age bounds.
const MAX_AGE: u8 = 120;
/// Longest accepted service id, feature and feature count in a signed form.
const MAX_ID_CHARS: usize = 100;
const MAX_FEATURES: usize = 64;

type HmacSha256 = Hmac<Sha256>;

/// The guidance page's share of the [`AppState`]: the signing key and the replay memory.
pub(crate) struct GuideState {
    key: [u8; 32],
    seen: Mutex<HashMap<(String, String), u64>>,
}

impl Default for GuideState {
    fn default() -> Self {
        let mut key = [0u8; 32];
        rand::rng().fill_bytes(&mut key);
        GuideState::with_key(key)
    }
}

impl std::fmt::Debug for GuideState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GuideState").finish_non_exhaustive()
    }
}

impl GuideState {
    fn with_key(key: [u8; 32]) -> Self {
        GuideState {
            key,
            seen: Mutex::new(HashMap::new()),
        }
    }

    fn mac(&self) -> HmacSha256 {
        // HMAC takes keys of any length; 32 bytes cannot fail.
        <HmacSha256 as Mac>::new_from_slice(&self.key).unwrap_or_else(|_| unreachable!())
    }

    fn sign(&self, item: &Shown) -> String {
        let mut mac = self.mac();
        mac.update(&item.message());
        to_hex(&mac.finalize().into_bytes())
    }

    fn verify(&self, item: &Shown, sig: &str) -> bool {
        let Some(sig) = from_hex(sig) else {
            return false;
        };
        let mut mac = self.mac();
        mac.update(&item.message());
        mac.verify_slice(&sig).is_ok()
    }

    /// Whether this is the first feedback of (view, service); remembers it until it expires.
    fn first_time(&self, item: &Shown, now: u64) -> bool {
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        if seen.len() >= MAX_REMEMBERED {
            seen.retain(|_, expires| *expires > now);
            if seen.len() >= MAX_REMEMBERED {
                tracing::warn!("guide feedback memory is full; feedback not recorded");
                return false;
            }
        }
        let key = (item.view.clone(), item.service.clone());
        if seen.contains_key(&key) {
            return false;
        }
        seen.insert(key, item.issued.saturating_add(FEEDBACK_TTL_SECS));
        true
    }
}

impl AppState {
    /// The same state with this key for signing the guidance page's feedback forms, e.g. one
    /// shared by the instances behind a load balancer. Without it each process draws a
    /// random key at start (forms then expire at a restart).
    pub fn with_guide_feedback_key(mut self, key: [u8; 32]) -> Self {
        self.web_guide = Arc::new(GuideState::with_key(key));
        self
    }
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/assets/guide.js", get(js))
        .route("/{lang}/guide", get(guide_page))
        .route(
            "/{lang}/guide/feedback",
            post(feedback).fallback(feedback_not_allowed),
        )
}

/// 405 for any other method on the feedback address, naming the one it takes.
async fn feedback_not_allowed(method: Method, uri: Uri) -> Response {
    let mut response = ApiError::new(
        ErrorCode::MethodNotAllowed,
        format!(
            "method {method} is not allowed for path {:?}; allowed: POST",
            uri.path()
        ),
    )
    .into_response();
    response
        .headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static("POST"));
    response
}

const JS: &str = include_str!("../assets/guide.js");

async fn js() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        JS,
    )
        .into_response()
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0xf)]));
    }
    out
}

fn from_hex(s: &str) -> Option<Vec<u8>> {
    if s.len() % 2 != 0 || s.len() > 256 {
        return None;
    }
    let digit = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    };
    s.as_bytes()
        .chunks(2)
        .map(|pair| Some(digit(pair[0])? << 4 | digit(pair[1])?))
        .collect()
}

fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buf);
    to_hex(&buf)
}

/// Equality that takes the same time wherever the first difference is.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A well-formed CSRF token: 64 lowercase hex digits.
fn is_token(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The `aurora_csrf` cookie of a request, when well-formed.
fn csrf_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == CSRF_COOKIE)
        .map(|(_, value)| value.trim().to_string())
        .filter(|v| is_token(v))
}

/// Whether the request reached the proxy over https.
fn behind_https(headers: &HeaderMap) -> bool {
    headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .is_some_and(|p| p.trim().eq_ignore_ascii_case("https"))
}

/// What one feedback form says was shown (the signed part).
#[derive(Debug, Clone, PartialEq)]
struct Shown {
    view: String,
    issued: u64,
    rank: u32,
    service: String,
    features: Vec<String>,
}

impl Shown {
    /// The signed bytes: a version tag, then each field length-prefixed, so no two different
    /// forms share a message.
    fn message(&self) -> Vec<u8> {
        let mut out = b"aurora-guide-feedback-v1".to_vec();
        let mut field = |bytes: &[u8]| {
            out.extend_from_slice(&(bytes.len() as u64).to_be_bytes());
            out.extend_from_slice(bytes);
        };
        field(self.view.as_bytes());
        field(&self.issued.to_be_bytes());
        field(&self.rank.to_be_bytes());
        field(self.service.as_bytes());
        field(&(self.features.len() as u64).to_be_bytes());
        for f in &self.features {
            field(f.as_bytes());
        }
        out
    }

    fn context_field(&self) -> String {
        self.features.join(",")
    }

    /// From the posted fields; `None` when one is missing or malformed.
    fn from_form(form: &Form) -> Option<Shown> {
        let view = form.get("view")?;
        let service = form.get("service")?;
        let context = form.get("context")?;
        let features: Vec<String> = context.split(',').map(str::to_string).collect();
        let ok = view.len() == 32
            && view.bytes().all(|b| b.is_ascii_hexdigit())
            && !service.is_empty()
            && service.chars().count() <= MAX_ID_CHARS
            && features.len() <= MAX_FEATURES
            && features
                .iter()
                .all(|f| !f.is_empty() && f.chars().count() <= MAX_ID_CHARS);
        if !ok {
            return None;
        }
        Some(Shown {
            view: view.to_string(),
            issued: form.get("issued")?.parse().ok()?,
            rank: form
                .get("rank")?
                .parse()
                .ok()
                .filter(|r| (1..=50).contains(r))?,
            service: service.to_string(),
            features,
        })
    }
}

/// A posted `application/x-www-form-urlencoded` body (first value of each name).
struct Form {
    pairs: Vec<(String, String)>,
}

impl Form {
    fn parse(body: &[u8]) -> Self {
        Form {
            pairs: form_urlencoded::parse(body)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        }
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The form as submitted, before validation (kept as typed for re-rendering).
#[derive(Debug, Default)]
struct Input {
    text: String,
    /// Per dimension (in [`Dimension::ALL`] order): the raw value, if sent and not skipped.
    meters: Vec<(Dimension, Option<String>)>,
    municipality: String,
    age: String,
    thanks: bool,
    /// Whether any field of the form was sent (else the page is the empty form).
    submitted: bool,
}

impl Input {
    fn read(params: &QueryParams) -> Self {
        let first = |name: &str| params.first(name).unwrap_or("").to_string();
        let skipped = params.list("skip");
        let meters = Dimension::ALL
            .into_iter()
            .map(|d| {
                let raw = params
                    .first(d.key())
                    .map(str::trim)
                    .filter(|v| !v.is_empty())
                    .filter(|_| !skipped.iter().any(|s| s == d.key()))
                    .map(str::to_string);
                (d, raw)
            })
            .collect();
        let mut names = vec!["text", "municipality", "age", "skip"];
        names.extend(Dimension::ALL.iter().map(|d| d.key()));
        Input {
            text: first("text"),
            meters,
            municipality: first("municipality").trim().to_string(),
            age: first("age").trim().to_string(),
            thanks: params.first("thanks") == Some("1"),
            submitted: names.iter().any(|n| params.first(n).is_some()),
        }
    }

    /// The form's query string (no `thanks`), with unanswered meters left out.
    fn query(&self) -> String {
        let mut qs = form_urlencoded::Serializer::new(String::new());
        if !self.text.trim().is_empty() {
            qs.append_pair("text", &self.text);
        }
        for (d, raw) in &self.meters {
            if let Some(v) = raw {
                qs.append_pair(d.key(), v);
            }
        }
        if !self.municipality.is_empty() {
            qs.append_pair("municipality", &self.municipality);
        }
        if !self.age.is_empty() {
            qs.append_pair("age", &self.age);
        }
        qs.finish()
    }

    fn href(&self, lang: Lang, thanks: bool) -> String {
        let mut query = self.query();
        if thanks {
            if !query.is_empty() {
                query.push('&');
            }
            query.push_str("thanks=1");
        }
        if query.is_empty() {
            format!("/{lang}/guide")
        } else {
            format!("/{lang}/guide?{query}")
        }
    }
}

/// One slider.
pub(crate) struct MeterField {
    key: &'static str,
    label: String,
    hint: String,
    /// The slider's position (5 when unanswered or invalid).
    value: u8,
    answered: bool,
    /// What the `<output>` shows: the value, or "—".
    shown: String,
    error: Option<String>,
}

/// A message in the error summary, linking to its field.
pub(crate) struct SummaryError {
    field_id: String,
    text: String,
}

pub(crate) struct EmergencyLine {
    number: String,
    tel: String,
    label: Option<Txt>,
}

pub(crate) struct ResultItem {
    rank: usize,
    item: ServiceItem,
    reasons: Vec<String>,
    channels: Vec<ChannelBlock>,
    more_channels: Option<String>,
    // The feedback form's hidden fields.
    view: String,
    issued: u64,
    service: String,
    context: String,
    sig: String,
}

pub(crate) struct Results {
    heading: String,
    based_on: Option<String>,
    items: Vec<ResultItem>,
    csrf: String,
    back: String,
}

#[derive(Template)]
#[template(path = "guide.html")]
struct GuidePage {
    chrome: Chrome,
    errors: Vec<SummaryError>,
    text: String,
    text_error: Option<String>,
    max_text_chars: usize,
    meters: Vec<MeterField>,
    not_answered: String,
    municipalities: Vec<MunicipalityOption>,
    municipality_error: Option<String>,
    age: String,
    age_error: Option<String>,
    max_age: u8,
    urgent: Vec<EmergencyLine>,
    thanks: bool,
    results: Option<Results>,
}

/// `GET /{lang}/guide`.
async fn guide_page(
    State(state): State<AppState>,
    ApiPath(code): ApiPath<String>,
    headers: HeaderMap,
    params: QueryParams,
) -> Result<Response, ApiError> {
    let lang = page_lang(&code, &format!("/{code}/guide"))?;
    let tr = Tr::new(lang);
    let codes = CodeLists::get();
    let input = Input::read(&params);

    // Validation, field by field.
    let text = input.text.trim();
    let mut text_error = (text.chars().count() > MAX_TEXT_CHARS)
        .then(|| tr.t1("guide-text-too-long", "max", MAX_TEXT_CHARS as u64));
    let mut situation = Situation {
        text: (!text.is_empty() && text_error.is_none()).then(|| text.to_string()),
        ..Situation::default()
    };
    let not_answered = tr.t("guide-meter-not-answered");
    let mut meters = Vec::with_capacity(Dimension::ALL.len());
    let mut meter_errors = false;
    for (d, raw) in &input.meters {
        let parsed = raw
            .as_deref()
            .map(|v| v.parse::<u8>().ok().filter(|n| *n <= 10));
        let error = matches!(parsed, Some(None)).then(|| tr.t("guide-meter-invalid"));
        meter_errors |= error.is_some();
        let value = parsed.flatten();
        if let Some(v) = value {
            situation.meters.push((*d, v));
        }
        meters.push(MeterField {
            key: d.key(),
            label: d.label().get(lang).unwrap_or(d.key()).to_string(),
            hint: tr.t(&format!("guide-meter-{}", d.key())),
            value: value.unwrap_or(5),
            answered: value.is_some(),
            shown: value.map_or_else(|| "—".to_string(), |v| v.to_string()),
            error,
        });
    }
    let municipality =
        (!input.municipality.is_empty()).then(|| codes.municipality(&input.municipality));
    let municipality_error =
        matches!(municipality, Some(None)).then(|| tr.t("guide-municipality-invalid"));
    situation.municipality = municipality.flatten().map(|m| m.code.clone());
    let age =
        (!input.age.is_empty()).then(|| input.age.parse::<u8>().ok().filter(|a| *a <= MAX_AGE));
    let age_error = matches!(age, Some(None)).then(|| tr.t("guide-age-invalid"));
    situation.age = age.flatten();
    let invalid =
        text_error.is_some() || meter_errors || municipality_error.is_some() || age_error.is_some();
    if input.submitted && !invalid && situation.text.is_none() && situation.meters.is_empty() {
        text_error = Some(tr.t("guide-nothing-given"));
    }

    // Guidance, when the form was sent and is valid.
    let mut urgent = Vec::new();
    let mut results = None;
    let mut set_cookie = None;
    if input.submitted && !invalid && text_error.is_none() {
        let Some(engine) = state.guide_engine() else {
            return Ok(error_page(
                lang,
                &ApiError::new(
                    ErrorCode::Unavailable,
                    "the guidance index is still being built",
                ),
            ));
        };
        let understander = state.understander_ready().await?;
        let opts = GuideOptions {
            lang: Some(lang),
            limit: RESULTS,
        };
        let seed = uuid::Uuid::new_v4().as_u64_pair().0;
        match engine
            .guide(state.store.as_ref(), understander, &situation, &opts, seed)
            .await
        {
            Ok(guidance) => {
                if let Some(u) = guidance
                    .understanding
                    .as_ref()
                    .and_then(|u| u.urgent.as_ref())
                {
                    urgent = u
                        .numbers
                        .iter()
                        .map(|n| EmergencyLine {
                            tel: n.number.chars().filter(|c| !c.is_whitespace()).collect(),
                            number: n.number.clone(),
                            label: txt(&n.label, lang),
                        })
                        .collect();
                }
                let csrf = csrf_cookie(&headers).unwrap_or_else(|| {
                    let token = random_hex(32);
                    set_cookie = Some(cookie_header(&token, behind_https(&headers)));
                    token
                });
                let issued = now_secs();
                let features = guidance.context.features().to_vec();
                // The page view is stored as an anonymous recommendation (its id is the
                // view id, 32 hex digits) so that feedback on it is kept; without a
                // recommendation store the view id is random and feedback is not kept.
                let view = match state.compat.store.as_ref() {
                    Some(store) => {
                        let shown = crate::learning::shown(&guidance);
                        let attributes = serde_json::json!({
                            "context": features,
                            "lang": lang.code(),
                            "thanks_page": input.thanks,
                        });
                        let path = format!("/{lang}/guide");
                        match store
                            .create_recommendation(&NewRecommendation {
                                client_id: "",
                                session_id: None,
                                calling_organisation: "",
                                calling_service: "",
                                request_path: &path,
                                request_attributes: &attributes,
                                services: &shown,
                            })
                            .await
                        {
                            Ok(id) => format!("{id:032x}"),
                            Err(e) => return Ok(error_page(lang, &e.into())),
                        }
                    }
                    None => random_hex(16),
                };
                let organizations = match organizations_by_ids(
                    state.store.as_ref(),
                    guidance
                        .services
                        .iter()
                        .filter_map(|r| r.service.responsible_organization())
                        .map(|o| o.organization_id.as_str()),
                )
                .await
                {
                    Ok(o) => o,
                    Err(e) => return Ok(error_page(lang, &e)),
                };
                let mut items = Vec::with_capacity(guidance.services.len());
                for (i, r) in guidance.services.iter().enumerate() {
                    let shown = Shown {
                        view: view.clone(),
                        issued,
                        rank: i as u32 + 1,
                        service: r.service.id.clone(),
                        features: features.clone(),
                    };
                    match result_item(&state, &tr, lang, r, &organizations, &shown).await {
                        Ok(item) => items.push(item),
                        Err(e) => return Ok(error_page(lang, &e)),
                    }
                }
                let given_municipality = situation.municipality.is_some();
                results = Some(Results {
                    heading: tr.t1("guide-results-count", "count", items.len() as u64),
                    based_on: based_on(
                        &tr,
                        lang,
                        &situation,
                        guidance.municipality.as_deref(),
                        given_municipality,
                    ),
                    items,
                    csrf,
                    back: input.query(),
                });
            }
            Err(GuideError::Text(_)) => text_error = Some(tr.t("guide-text-unusable")),
            Err(e @ (GuideError::Store(_) | GuideError::Task(_))) => {
                return Ok(error_page(lang, &ApiError::from(e)))
            }
        }
    }

    let mut municipalities: Vec<MunicipalityOption> = codes
        .municipalities()
        .iter()
        .map(|m| MunicipalityOption {
            code: m.code.clone(),
            name: m.name.get(lang).unwrap_or(&m.code).to_string(),
            selected: municipality.flatten().is_some_and(|s| s.code == m.code),
        })
        .collect();
    municipalities.sort_by_cached_key(|o| collation_key(&o.name));

    let mut errors = Vec::new();
    if let Some(e) = &text_error {
        errors.push(SummaryError {
            field_id: "text".into(),
            text: e.clone(),
        });
    }
    for m in &meters {
        if let Some(e) = &m.error {
            errors.push(SummaryError {
                field_id: format!("m-{}", m.key),
                text: format!("{}: {e}", m.label),
            });
        }
    }
    if let Some(e) = &municipality_error {
        errors.push(SummaryError {
            field_id: "municipality".into(),
            text: e.clone(),
        });
    }
    if let Some(e) = &age_error {
        errors.push(SummaryError {
            field_id: "age".into(),
            text: e.clone(),
        });
    }

    let page = GuidePage {
        chrome: Chrome::new(
            lang,
            tr.t("guide-title"),
            |l| input.href(l, false),
            "/api/v1/guidance".to_string(),
        ),
        text_error,
        text: input.text.clone(),
        max_text_chars: MAX_TEXT_CHARS,
        meters,
        not_answered,
        municipalities,
        municipality_error,
        age: input.age.clone(),
        age_error,
        max_age: MAX_AGE,
        urgent,
        thanks: input.thanks && results.is_some(),
        results,
        errors,
    };
    let status = if page.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let mut response = html(status, lang, &page);
    let h = response.headers_mut();
    // The address carries what the person wrote: keep it from other sites and caches.
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    if page.results.is_some() {
        h.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-store"),
        );
    }
    if let Some(cookie) = set_cookie.and_then(|c| HeaderValue::from_str(&c).ok()) {
        h.append(header::SET_COOKIE, cookie);
    }
    Ok(response)
}

fn cookie_header(token: &str, secure: bool) -> String {
    let mut c = format!("{CSRF_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict");
    if secure {
        c.push_str("; Secure");
    }
    c
}

/// "Based on: your description, 2 areas of life you rated, municipality: Vaasa, age 19".
fn based_on(
    tr: &Tr,
    lang: Lang,
    situation: &Situation,
    municipality: Option<&str>,
    given_municipality: bool,
) -> Option<String> {
    let mut parts = Vec::new();
    if situation.text.is_some() {
        parts.push(tr.t("guide-based-text"));
    }
    if !situation.meters.is_empty() {
        parts.push(tr.t1("guide-based-meters", "count", situation.meters.len() as u64));
    }
    if let Some(m) = municipality.and_then(|c| CodeLists::get().municipality(c)) {
        let name = m.name.get(lang).unwrap_or(&m.code);
        if given_municipality {
            parts.push(format!("{} {name}", tr.t("guide-based-municipality")));
        } else {
            parts.push(format!(
                "{} {name} ({})",
                tr.t("guide-based-municipality"),
                tr.t("guide-based-recognised")
            ));
        }
    }
    if let Some(age) = situation.age {
        parts.push(tr.t1("guide-based-age", "age", u64::from(age)));
    }
    (!parts.is_empty()).then(|| format!("{}: {}.", tr.t("guide-based-on"), parts.join(", ")))
}

async fn result_item(
    state: &AppState,
    tr: &Tr,
    lang: Lang,
    r: &aurora_guide::situation::RankedService,
    organizations: &[Organization],
    shown: &Shown,
) -> Result<ResultItem, ApiError> {
    let channel_ids: Vec<String> = r
        .service
        .channels
        .iter()
        .map(|c| c.channel_id.clone())
        .collect();
    let channels = state.store.channels_by_ids(&channel_ids).await?;
    let more = channels.len().saturating_sub(CHANNELS_SHOWN);
    Ok(ResultItem {
        rank: shown.rank as usize,
        item: service_item(&r.service, organizations, lang),
        reasons: r.reasons.iter().map(|x| x.text.clone()).collect(),
        channels: channels
            .iter()
            .take(CHANNELS_SHOWN)
            .map(|c| channel_block(tr, c, lang))
            .collect(),
        more_channels: (more > 0).then(|| tr.t1("guide-more-channels", "count", more as u64)),
        view: shown.view.clone(),
        issued: shown.issued,
        service: shown.service.clone(),
        context: shown.context_field(),
        sig: state.web_guide.sign(shown),
    })
}

/// A refusal page (403 or 400) in the page language.
fn denied(lang: Lang, status: StatusCode, text: &str) -> Response {
    let tr = Tr::new(lang);
    let page = ErrorPage {
        chrome: Chrome::new(
            lang,
            tr.t("guide-denied-title"),
            |l| format!("/{l}/guide"),
            "/api/v1/guidance".to_string(),
        ),
        text: tr.t(text),
    };
    html(status, lang, &page)
}

/// The results address to return to: only the form's own parameters survive.
fn back_query(raw: Option<&str>) -> String {
    let mut names = vec!["text", "municipality", "age"];
    names.extend(Dimension::ALL.iter().map(|d| d.key()));
    let mut qs = form_urlencoded::Serializer::new(String::new());
    for (k, v) in form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
        if names.contains(&k.as_ref()) && v.chars().count() <= MAX_TEXT_CHARS {
            qs.append_pair(&k, &v);
        }
    }
    qs.append_pair("thanks", "1");
    qs.finish()
}

/// `POST /{lang}/guide/feedback`.
async fn feedback(
    State(state): State<AppState>,
    ApiPath(code): ApiPath<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let lang = page_lang(&code, &format!("/{code}/guide/feedback"))?;
    let form = Form::parse(&body);

    let csrf_ok = match (csrf_cookie(&headers), form.get("csrf")) {
        (Some(cookie), Some(field)) => constant_time_eq(cookie.as_bytes(), field.as_bytes()),
        _ => false,
    };
    if !csrf_ok {
        return Ok(denied(lang, StatusCode::FORBIDDEN, "guide-denied-csrf"));
    }
    let vote: i8 = match form.get("vote") {
        Some("up") => 1,
        Some("down") => -1,
        _ => {
            return Ok(denied(
                lang,
                StatusCode::BAD_REQUEST,
                "guide-denied-malformed",
            ))
        }
    };
    let (Some(shown), Some(sig)) = (Shown::from_form(&form), form.get("sig")) else {
        return Ok(denied(
            lang,
            StatusCode::BAD_REQUEST,
            "guide-denied-malformed",
        ));
    };
    let now = now_secs();
    let fresh = shown.issued <= now.saturating_add(60)
        && now.saturating_sub(shown.issued) <= FEEDBACK_TTL_SECS;
    if !state.web_guide.verify(&shown, sig) || !fresh {
        return Ok(denied(
            lang,
            StatusCode::FORBIDDEN,
            "guide-denied-signature",
        ));
    }
    if state.web_guide.first_time(&shown, now) {
        // Stored with the page view's recommendation; never taught to the outcome learner,
        // because page views are free to anyone (see the module docs).
        if let (Some(store), Ok(id)) = (
            state.compat.store.as_ref(),
            i64::from_str_radix(&shown.view, 16),
        ) {
            let ours = store.recommendation(id).await?.is_some_and(|r| {
                r.client_id.is_empty() && r.request_path == format!("/{lang}/guide")
            });
            if ours {
                store
                    .record_feedback(&Feedback {
                        recommendation_id: id,
                        client_id: "",
                        overall: None,
                        services: &[(shown.service.clone(), i64::from(vote))],
                    })
                    .await?;
            }
        }
    }
    let location = format!(
        "/{lang}/guide?{}#guide-status",
        back_query(form.get("back"))
    );
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown() -> Shown {
        Shown {
            view: "0123456789abcdef0123456789abcdef".into(),
            issued: 1_700_000_000,
            rank: 2,
            service: "6ccb671f-05cd-46cf-a0a4-4f98d43dfd37".into(),
            features: vec!["any".into(), "need:housing".into()],
        }
    }

    #[test]
    fn a_signature_covers_every_field() {
        let g = GuideState::default();
        let s = shown();
        let sig = g.sign(&s);
        assert!(g.verify(&s, &sig));
        assert!(g.verify(&s, &sig.to_uppercase()), "hex is case-insensitive");
        let mut other = s.clone();
        other.rank = 1;
        assert!(!g.verify(&other, &sig));
        let mut other = s.clone();
        other.service.push('0');
        assert!(!g.verify(&other, &sig));
        let mut other = s.clone();
        other.features.push("event:KE4".into());
        assert!(!g.verify(&other, &sig));
        let mut other = s.clone();
        other.issued += 1;
        assert!(!g.verify(&other, &sig));
        let mut other = s.clone();
        other.view = "1".repeat(32);
        assert!(!g.verify(&other, &sig));
        // Moving a boundary between fields changes the message.
        let mut other = s.clone();
        other.features = vec!["any,need:housing".into()];
        assert!(!g.verify(&other, &sig));
        assert!(!g.verify(&s, ""));
        assert!(!g.verify(&s, "zz"));
        assert!(!g.verify(&s, &sig[..62]));
        // Another key, another signature.
        assert!(!GuideState::default().verify(&s, &sig));
        assert!(GuideState::with_key([7; 32]).verify(&s, &GuideState::with_key([7; 32]).sign(&s)));
    }

    #[test]
    fn feedback_counts_once_per_view_and_service() {
        let g = GuideState::default();
        let s = shown();
        assert!(g.first_time(&s, s.issued));
        assert!(!g.first_time(&s, s.issued + 5));
        let mut other = s.clone();
        other.service = "another".into();
        assert!(g.first_time(&other, s.issued));
        let mut other = s.clone();
        other.view = "f".repeat(32);
        assert!(g.first_time(&other, s.issued));
    }

    #[test]
    fn tokens_and_hex() {
        let t = random_hex(32);
        assert!(is_token(&t), "{t}");
        assert_ne!(t, random_hex(32));
        assert!(!is_token(&t.to_uppercase()));
        assert!(!is_token(&t[1..]));
        assert_eq!(
            from_hex(&to_hex(&[0, 1, 254, 255])),
            Some(vec![0, 1, 254, 255])
        );
        assert_eq!(from_hex("abc"), None);
        assert_eq!(from_hex("é1"), None);
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"abcd"));
    }

    #[test]
    fn the_csrf_cookie_is_found_among_others() {
        let token = "a".repeat(64);
        let mut h = HeaderMap::new();
        h.append(
            header::COOKIE,
            HeaderValue::from_str(&format!("x=1; {CSRF_COOKIE}={token}; y=2")).unwrap(),
        );
        assert_eq!(csrf_cookie(&h), Some(token));
        let mut h = HeaderMap::new();
        h.append(
            header::COOKIE,
            HeaderValue::from_static("aurora_csrf=short"),
        );
        assert_eq!(csrf_cookie(&h), None);
        assert_eq!(csrf_cookie(&HeaderMap::new()), None);
    }

    #[test]
    fn the_way_back_keeps_only_form_parameters() {
        assert_eq!(
            back_query(Some(
                "text=a+b&health=3&evil=%0d%0aSet-Cookie&municipality=905"
            )),
            "text=a+b&health=3&municipality=905&thanks=1"
        );
        assert_eq!(back_query(None), "thanks=1");
        assert_eq!(back_query(Some("//evil.example")), "thanks=1");
    }

    #[test]
    fn cookies_are_strict_and_secure_behind_https() {
        assert_eq!(
            cookie_header("t", false),
            "aurora_csrf=t; Path=/; HttpOnly; SameSite=Strict"
        );
        assert!(cookie_header("t", true).ends_with("; Secure"));
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-proto", HeaderValue::from_static("https"));
        assert!(behind_https(&h));
        h.insert("x-forwarded-proto", HeaderValue::from_static("http"));
        assert!(!behind_https(&h));
    }
}
