//! The server-rendered web pages: `/` → `/{lang}/` (service list with a municipality filter,
//! and a search box: `?q=` lists the best search hits with the words that matched) and
//! `/{lang}/services/{id}` (a service with its channels), in fi, sv and en.
//!
//! Templates are askama (`templates/*.html`): they are type-checked at compile time and
//! HTML-escape every value by default, so service content can never inject markup; nothing
//! is marked `safe`. URLs from the catalogue are linked only for `http`, `https` (and the
//! `tel:`/`mailto:` links built here), so a `javascript:` URL in the data stays inert text.
//! UI strings come from Fluent ([`crate::i18n`]); catalogue text is shown in the page
//! language with the model's fallback, and a fallback text carries a `lang` attribute of its
//! actual language so screen readers pronounce it right. No JavaScript, no external assets.

use askama::Template;
use aurora_model::{
    Channel, ChannelKind, ChargeType, CodeLists, Lang, Localized, Organization, Service,
    ServiceFilter, ServiceHourKind, ServiceHours,
};
use aurora_store::Page;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;

use crate::api::search::{MAX_LIMIT as SEARCH_LIMIT, MAX_QUERY_CHARS};
use crate::api::{organizations_by_ids, record_id, service_with_links, ApiPath};
use crate::error::{ApiError, ErrorCode};
use crate::i18n::Tr;
use crate::params::{from_accept_language, QueryParams};
use crate::state::AppState;
use crate::views::in_lang;

// The guidance page: a child module, so that it shares this module's page parts.
#[path = "web_guide.rs"]
pub(crate) mod guide;

/// Services per web page.
const PAGE_SIZE: u32 = 20;

const CSS: &str = include_str!("../assets/aurora.css");

/// Each language's name in itself, for the switcher.
fn own_name(lang: Lang) -> &'static str {
    match lang {
        Lang::Fi => "Suomeksi",
        Lang::Sv => "På svenska",
        Lang::En => "In English",
    }
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(root))
        .route("/assets/aurora.css", get(css))
        .route("/{lang}", get(lang_root))
        .route("/{lang}/", get(index))
        .route("/{lang}/services/{id}", get(service_page))
}

/// `/` → the page language from `Accept-Language` (default Finnish).
async fn root(headers: HeaderMap) -> Response {
    let lang = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(from_accept_language)
        .unwrap_or(Lang::Fi);
    let mut response = Redirect::to(&format!("/{lang}/")).into_response();
    response
        .headers_mut()
        .insert(header::VARY, HeaderValue::from_static("accept-language"));
    response
}

async fn css() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        CSS,
    )
        .into_response()
}

/// The page language of a path, or the same 404 problem as an unknown route.
fn page_lang(code: &str, path: &str) -> Result<Lang, ApiError> {
    match code {
        "fi" => Ok(Lang::Fi),
        "sv" => Ok(Lang::Sv),
        "en" => Ok(Lang::En),
        _ => Err(ApiError::new(
            ErrorCode::NotFound,
            format!("no route for path {path:?}"),
        )),
    }
}

async fn lang_root(ApiPath(code): ApiPath<String>) -> Result<Response, ApiError> {
    let lang = page_lang(&code, &format!("/{code}"))?;
    Ok(Redirect::permanent(&format!("/{lang}/")).into_response())
}

/// Text in the page language; `lang` is set only when a fallback language was used.
pub(crate) struct Txt {
    text: String,
    lang: Option<&'static str>,
}

fn txt(l: &Localized, page: Lang) -> Option<Txt> {
    l.get_with_lang(page).map(|(actual, text)| Txt {
        text: text.to_string(),
        lang: (actual != page).then_some(actual.code()),
    })
}

/// A multi-paragraph text (paragraphs separated by blank lines in PTV).
pub(crate) struct Para {
    paragraphs: Vec<String>,
    lang: Option<&'static str>,
}

fn para(l: &Localized, page: Lang) -> Option<Para> {
    let t = txt(l, page)?;
    Some(Para {
        paragraphs: t
            .text
            .split("\n\n")
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_string)
            .collect(),
        lang: t.lang,
    })
}

pub(crate) struct LangLink {
    code: &'static str,
    label: &'static str,
    href: String,
    current: bool,
}

/// What the layout needs.
pub(crate) struct Chrome {
    lang: &'static str,
    title: String,
    tr: Tr,
    switcher: Vec<LangLink>,
    api_href: String,
}

impl Chrome {
    /// `path_in(l)` gives this page's address in language `l`.
    fn new(lang: Lang, title: String, path_in: impl Fn(Lang) -> String, api_href: String) -> Self {
        Chrome {
            lang: lang.code(),
            title,
            tr: Tr::new(lang),
            switcher: Lang::ALL
                .into_iter()
                .map(|l| LangLink {
                    code: l.code(),
                    label: own_name(l),
                    href: path_in(l),
                    current: l == lang,
                })
                .collect(),
            api_href,
        }
    }
}

pub(crate) struct MunicipalityOption {
    code: String,
    name: String,
    selected: bool,
}

pub(crate) struct ServiceItem {
    href: String,
    name: Txt,
    summary: Option<Txt>,
    organization: Option<Txt>,
    national: bool,
    /// "Matched: asumistukea, tampereelle" for a search hit.
    matched: Option<String>,
}

#[derive(Template)]
#[template(path = "index.html")]
struct IndexPage {
    chrome: Chrome,
    error: Option<String>,
    /// The search text (empty: the plain list).
    q: String,
    search_error: Option<String>,
    max_query_chars: usize,
    /// The selected municipality's code, kept by the search form.
    municipality_code: Option<String>,
    municipalities: Vec<MunicipalityOption>,
    results_heading: String,
    range_text: String,
    services: Vec<ServiceItem>,
    pages: u64,
    page_text: String,
    prev_href: Option<String>,
    next_href: Option<String>,
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    chrome: Chrome,
    text: String,
}

/// An HTML page with its status and `Content-Language`; a template error becomes the 500
/// problem (it would be a bug: templates are checked at compile time).
fn html(status: StatusCode, lang: Lang, page: &impl Template) -> Response {
    match page.render() {
        Ok(body) => (
            status,
            [
                (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                (header::CONTENT_LANGUAGE, lang.code()),
            ],
            body,
        )
            .into_response(),
        Err(error) => {
            ApiError::internal(&format!("template rendering failed: {error}")).into_response()
        }
    }
}

/// An error page in `lang` for an API error (store unavailable, not found …).
pub(crate) fn error_page(lang: Lang, error: &ApiError) -> Response {
    let (title, text) = match error.code {
        ErrorCode::NotFound | ErrorCode::InvalidParameter => {
            ("error-not-found-title", "error-not-found-text")
        }
        ErrorCode::Unavailable | ErrorCode::Timeout => {
            ("error-unavailable-title", "error-unavailable-text")
        }
        ErrorCode::Unauthenticated | ErrorCode::CsrfFailed | ErrorCode::Forbidden => {
            ("error-forbidden-title", "error-forbidden-text")
        }
        ErrorCode::TooManyRequests => ("error-too-many-title", "error-too-many-text"),
        // The body-related codes cannot arise on the GET-only pages; listed for exhaustiveness.
        ErrorCode::UnknownParameter
        | ErrorCode::InvalidField
        | ErrorCode::UnknownField
        | ErrorCode::EmptyText
        | ErrorCode::TextTooLong
        | ErrorCode::MalformedRequest
        | ErrorCode::MethodNotAllowed
        | ErrorCode::PayloadTooLarge
        | ErrorCode::UnsupportedMediaType
        | ErrorCode::Unauthorized
        | ErrorCode::Conflict
        | ErrorCode::Internal => ("error-internal-title", "error-internal-text"),
    };
    let status = match error.code {
        ErrorCode::InvalidParameter => StatusCode::NOT_FOUND,
        code => code.status(),
    };
    let tr = Tr::new(lang);
    let page = ErrorPage {
        chrome: Chrome::new(
            lang,
            tr.t(title),
            |l| format!("/{l}/"),
            "/api/v1/services".to_string(),
        ),
        text: tr.t(text),
    };
    let mut response = html(status, lang, &page);
    if matches!(
        error.code,
        ErrorCode::Unavailable | ErrorCode::Timeout | ErrorCode::TooManyRequests
    ) {
        response.headers_mut().insert(
            header::RETRY_AFTER,
            HeaderValue::from(crate::error::RETRY_AFTER_SECS),
        );
    }
    response
}

/// `GET /{lang}/?municipality=091&page=2`, or with `q=…` a search (its best
/// [`SEARCH_LIMIT`] hits on one page, with the words that matched).
async fn index(
    State(state): State<AppState>,
    ApiPath(code): ApiPath<String>,
    params: QueryParams,
) -> Result<Response, ApiError> {
    let lang = page_lang(&code, &format!("/{code}/"))?;
    let tr = Tr::new(lang);
    let codes = CodeLists::get();

    // Lenient on purpose: this is a form, so a stray or repeated parameter is ignored rather
    // than answered with an error page; only an unknown municipality and a too long search
    // text are reported.
    let requested = params.list("municipality").into_iter().next();
    let municipality = requested.as_deref().and_then(|c| codes.municipality(c));
    let error =
        (requested.is_some() && municipality.is_none()).then(|| tr.t("error-invalid-municipality"));
    let page_no: u64 = params.number("page", 1, 1, 1_000_000).unwrap_or(1);
    let q = params.first("q").unwrap_or("").trim().to_string();
    let searching = !q.is_empty();
    let search_error = (q.chars().count() > MAX_QUERY_CHARS)
        .then(|| tr.t1("search-too-long", "max", MAX_QUERY_CHARS as u64));

    let query = |l: Lang, page: u64| {
        let mut qs = form_urlencoded::Serializer::new(String::new());
        if searching {
            qs.append_pair("q", &q);
        }
        if let Some(m) = municipality {
            qs.append_pair("municipality", &m.code);
        }
        if page > 1 {
            qs.append_pair("page", &page.to_string());
        }
        let qs = qs.finish();
        if qs.is_empty() {
            format!("/{l}/")
        } else {
            format!("/{l}/?{qs}")
        }
    };

    let mut options: Vec<MunicipalityOption> = codes
        .municipalities()
        .iter()
        .map(|m| MunicipalityOption {
            code: m.code.clone(),
            name: m.name.get(lang).unwrap_or(&m.code).to_string(),
            selected: municipality.is_some_and(|s| s.code == m.code),
        })
        .collect();
    options.sort_by_cached_key(|o| collation_key(&o.name));

    let filter = ServiceFilter {
        municipality_codes: municipality
            .map(|m| vec![m.code.clone()])
            .unwrap_or_default(),
        ..ServiceFilter::default()
    };
    let (services, total, page_no) = if error.is_some() || search_error.is_some() {
        (Vec::new(), 0, 1)
    } else if searching {
        // Analysed in every language: people type in their own, whatever the page's.
        let query = aurora_search::Query::new(q.clone())
            .filter(filter)
            .limit(SEARCH_LIMIT);
        let found = match crate::api::search::run(&state, query, 0).await {
            Ok(found) => found,
            Err(e) => return Ok(error_page(lang, &e)),
        };
        let org_ids = found
            .services
            .iter()
            .filter_map(|(_, s)| s.responsible_organization())
            .map(|o| o.organization_id.as_str());
        let organizations = match organizations_by_ids(state.store.as_ref(), org_ids).await {
            Ok(o) => o,
            Err(e) => return Ok(error_page(lang, &e)),
        };
        let items: Vec<ServiceItem> = found
            .services
            .iter()
            .map(|(hit, s)| {
                let mut item = service_item(s, &organizations, lang);
                let mut words: Vec<&str> = Vec::new();
                for m in &hit.matched_terms {
                    if !words.contains(&m.query_word.as_str()) {
                        words.push(&m.query_word);
                    }
                }
                // In the order the person typed them.
                let typed = q.to_lowercase();
                words.sort_by_key(|w| typed.find(w).unwrap_or(usize::MAX));
                if !words.is_empty() {
                    item.matched =
                        Some(format!("{}: {}", tr.t("search-matched"), words.join(", ")));
                }
                item
            })
            .collect();
        let total = items.len() as u64;
        (items, total, 1)
    } else {
        let page = Page {
            limit: PAGE_SIZE,
            offset: (page_no - 1) * u64::from(PAGE_SIZE),
        };
        let found = match state.store.services(&filter, page).await {
            Ok(found) => found,
            Err(e) => return Ok(error_page(lang, &ApiError::from(e))),
        };
        let org_ids = found
            .items
            .iter()
            .filter_map(|s| s.responsible_organization())
            .map(|o| o.organization_id.as_str());
        let organizations = match organizations_by_ids(state.store.as_ref(), org_ids).await {
            Ok(o) => o,
            Err(e) => return Ok(error_page(lang, &e)),
        };
        let items = found
            .items
            .iter()
            .map(|s| service_item(s, &organizations, lang))
            .collect();
        (items, found.total, page_no)
    };

    let page_size = if searching {
        SEARCH_LIMIT as u64
    } else {
        u64::from(PAGE_SIZE)
    };
    let pages = total.div_ceil(page_size);
    let first = (page_no - 1) * page_size + 1;
    let last = (first + services.len() as u64).saturating_sub(1);
    let api_href = {
        let mut qs = form_urlencoded::Serializer::new(String::new());
        if searching && search_error.is_none() {
            qs.append_pair("q", &q);
        }
        if let Some(m) = municipality {
            qs.append_pair("municipality", &m.code);
        }
        qs.append_pair("lang", lang.code());
        let endpoint = if searching && search_error.is_none() {
            "search"
        } else {
            "services"
        };
        format!("/api/v1/{endpoint}?{}", qs.finish())
    };
    let results_heading = if searching {
        tr.t1("search-results-count", "count", total)
    } else {
        tr.t1("results-count", "count", total)
    };
    let page = IndexPage {
        chrome: Chrome::new(
            lang,
            tr.t("services-title"),
            |l| query(l, page_no),
            api_href,
        ),
        error,
        q: q.clone(),
        search_error,
        max_query_chars: MAX_QUERY_CHARS,
        municipality_code: municipality.map(|m| m.code.clone()),
        municipalities: options,
        results_heading,
        range_text: tr.t_args(
            "results-range",
            &[("from", first), ("to", last), ("total", total)],
        ),
        services,
        pages,
        page_text: tr.t_args("paging-page", &[("page", page_no), ("pages", pages.max(1))]),
        prev_href: (page_no > 1).then(|| query(lang, page_no - 1)),
        next_href: (page_no < pages).then(|| query(lang, page_no + 1)),
    };
    let status = if page.error.is_some() || page.search_error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    Ok(html(status, lang, &page))
}

fn service_item(s: &Service, organizations: &[Organization], lang: Lang) -> ServiceItem {
    let organization = s.responsible_organization().and_then(|link| {
        organizations
            .iter()
            .find(|o| o.id == link.organization_id)
            .and_then(|o| txt(&o.name, lang))
            .or_else(|| {
                link.name.as_ref().map(|n| Txt {
                    text: n.clone(),
                    lang: None,
                })
            })
    });
    ServiceItem {
        href: format!("/{lang}/services/{}", s.id),
        name: txt(&s.name, lang).unwrap_or(Txt {
            text: s.id.clone(),
            lang: None,
        }),
        summary: txt(&s.summary, lang),
        organization,
        national: s.area_type.is_nationwide(),
        matched: None,
    }
}

/// Sort key for Finnish and Swedish names: case-insensitive, å ä ö after z (in that order),
/// other accented letters with their base letter (`é` as `e`, `ü` as `y`, as in Finnish).
fn collation_key(name: &str) -> String {
    name.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'å' => '{',
            'ä' | 'æ' => '|',
            'ö' | 'ø' => '}',
            'é' | 'è' | 'ê' => 'e',
            'ü' => 'y',
            'á' | 'à' | 'â' => 'a',
            c => c,
        })
        .collect()
}

#[derive(Template)]
#[template(path = "service.html")]
struct ServicePage {
    chrome: Chrome,
    back_href: String,
    name: Txt,
    summary: Option<Para>,
    sections: Vec<Section>,
    organizations: Vec<Txt>,
    channels: Vec<ChannelBlock>,
}

pub(crate) struct Section {
    heading: String,
    body: Para,
}

pub(crate) struct PhoneLine {
    number: String,
    tel: String,
    info: Option<String>,
    charge: Option<String>,
}

pub(crate) struct Link {
    href: Option<String>,
    text: String,
    lang: Option<&'static str>,
}

pub(crate) struct HoursLine {
    text: String,
    info: Option<Txt>,
}

pub(crate) struct ChannelBlock {
    name: Txt,
    kind: String,
    summary: Option<Para>,
    requires_authentication: bool,
    phones: Vec<PhoneLine>,
    emails: Vec<String>,
    links: Vec<Link>,
    addresses: Vec<String>,
    hours: Vec<HoursLine>,
}

/// `GET /{lang}/services/{id}`.
async fn service_page(
    State(state): State<AppState>,
    ApiPath((code, id)): ApiPath<(String, String)>,
) -> Result<Response, ApiError> {
    let lang = page_lang(&code, &format!("/{code}/services/{id}"))?;
    let tr = Tr::new(lang);
    let id = match record_id(&id) {
        Ok(id) => id,
        Err(e) => return Ok(error_page(lang, &e)),
    };
    let (service, channels, organizations) =
        match service_with_links(state.store.as_ref(), &id).await {
            Ok(found) => found,
            Err(e) => return Ok(error_page(lang, &e)),
        };

    let name = txt(&service.name, lang).unwrap_or(Txt {
        text: service.id.clone(),
        lang: None,
    });
    let mut sections = Vec::new();
    let mut section = |heading: &str, text: &Localized| {
        if let Some(body) = para(text, lang) {
            sections.push(Section {
                heading: tr.t(heading),
                body,
            });
        }
    };
    section("service-description", &service.description);
    section("service-instructions", &service.user_instruction);
    section("service-requirements", &service.requirements);
    section("service-deadline", &service.deadline);
    section("service-processing-time", &service.processing_time);
    let charge = charge_text(&tr, service.charge_type, &service.charge_info, lang);
    section("service-charge", &charge);

    // One line per organisation, even when it has several roles (Responsible and Producer).
    let mut seen: Vec<&str> = Vec::new();
    let organizations = service
        .organizations
        .iter()
        .filter(|link| {
            let first = !seen.contains(&link.organization_id.as_str());
            seen.push(&link.organization_id);
            first
        })
        .filter_map(|link| {
            organizations
                .iter()
                .find(|o| o.id == link.organization_id)
                .and_then(|o| txt(&o.name, lang))
                .or_else(|| {
                    link.name.as_ref().map(|n| Txt {
                        text: n.clone(),
                        lang: None,
                    })
                })
        })
        .collect();

    let page = ServicePage {
        chrome: Chrome::new(
            lang,
            name.text.clone(),
            |l| format!("/{l}/services/{}", service.id),
            format!("/api/v1/services/{}?lang={lang}", service.id),
        ),
        back_href: format!("/{lang}/"),
        name,
        summary: para(&service.summary, lang),
        sections,
        organizations,
        channels: channels
            .iter()
            .map(|c| channel_block(&tr, c, lang))
            .collect(),
    };
    Ok(html(StatusCode::OK, lang, &page))
}

/// The charge type label followed by the charge details, as one localized text.
fn charge_text(tr: &Tr, kind: Option<ChargeType>, info: &Localized, lang: Lang) -> Localized {
    let label = kind.map(|k| tr.t(&format!("charge-{}", k.as_str())));
    match (label, info.get_with_lang(lang)) {
        (Some(label), Some((l, text))) if l == lang => {
            Localized::one(lang, &format!("{label}\n\n{text}"))
        }
        (Some(label), _) => Localized::one(lang, &label),
        (None, _) => info.clone(),
    }
}

fn channel_block(tr: &Tr, c: &Channel, lang: Lang) -> ChannelBlock {
    ChannelBlock {
        name: txt(&c.name, lang).unwrap_or(Txt {
            text: c.id.clone(),
            lang: None,
        }),
        kind: tr.t(&format!("channel-kind-{}", c.kind.as_str())),
        summary: para(&c.summary, lang),
        requires_authentication: c.kind == ChannelKind::EChannel
            && c.requires_authentication == Some(true),
        phones: in_lang(&c.phones, lang, |p| p.lang)
            .map(|p| {
                let number = match &p.prefix {
                    Some(prefix) if !p.number.starts_with('+') => format!("{prefix} {}", p.number),
                    _ => p.number.clone(),
                };
                PhoneLine {
                    tel: number.chars().filter(|c| !c.is_whitespace()).collect(),
                    number,
                    info: p.additional_info.clone(),
                    charge: p.charge_description.clone().or_else(|| {
                        p.charge_type
                            .map(|k| tr.t(&format!("charge-{}", k.as_str())))
                    }),
                }
            })
            .collect(),
        emails: in_lang(&c.emails, lang, |e| e.lang)
            .map(|e| e.value.clone())
            .collect(),
        links: in_lang(&c.web_pages, lang, |w| w.lang)
            .chain(in_lang(&c.attachments, lang, |w| w.lang))
            .map(|w| Link {
                href: is_web_url(&w.url).then(|| w.url.clone()),
                text: w.name.clone().unwrap_or_else(|| w.url.clone()),
                lang: (w.lang != lang).then_some(w.lang.code()),
            })
            .collect(),
        addresses: c
            .addresses
            .iter()
            .map(|a| a.one_line(lang))
            .filter(|a| !a.is_empty())
            .collect(),
        hours: c
            .service_hours
            .iter()
            .map(|h| HoursLine {
                text: hours_text(tr, h),
                info: txt(&h.additional_info, lang),
            })
            .collect(),
    }
}

/// Only `http(s)` URLs become links.
fn is_web_url(url: &str) -> bool {
    let lower = url.trim_start().to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}

/// "maanantai–perjantai 08:00–16:00, lauantai 10:00–14:00", or "Suljettu"; exceptional
/// hours start with their date.
fn hours_text(tr: &Tr, h: &ServiceHours) -> String {
    let day = |d: &str| tr.t(&format!("day-{}", d.to_ascii_lowercase()));
    let times = if h.is_closed
        || h.opening_hours.is_empty() && h.kind == ServiceHourKind::Exceptional
    {
        tr.t("channel-closed")
    } else {
        h.opening_hours
            .iter()
            .map(|o| {
                let days = match &o.day_to {
                    Some(to) if to != &o.day_from => format!("{}–{}", day(&o.day_from), day(to)),
                    _ => day(&o.day_from),
                };
                format!("{days} {}–{}", hhmm(&o.from), hhmm(&o.to))
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    match (h.kind, h.valid_from.as_deref()) {
        (ServiceHourKind::Exceptional, Some(from)) => {
            format!("{}: {times}", from.get(..10).unwrap_or(from))
        }
        _ => times,
    }
}

fn hhmm(t: &str) -> &str {
    t.get(..5).filter(|_| t.len() == 8).unwrap_or(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collation_puts_scandinavian_letters_last() {
        let mut names = vec!["Öja", "Åbo", "Ähtäri", "Zeta", "Espoo", "Aura"];
        names.sort_by_key(|n| collation_key(n));
        assert_eq!(names, ["Aura", "Espoo", "Zeta", "Åbo", "Ähtäri", "Öja"]);
    }

    #[test]
    fn only_web_urls_are_linked() {
        assert!(is_web_url("https://www.vaasa.fi/"));
        assert!(!is_web_url("javascript:alert(1)"));
        assert!(!is_web_url(" JAVASCRIPT:alert(1)"));
    }
}
