//! The person's own web pages (issue 5), server-rendered in fi, sv and en, working without
//! JavaScript:
//!
//! * `/{lang}/me`: my twin (every attribute with its registry name, its value shown readably,
//!   an edit form, deletion of one value or all), the history of changes, the companies I may
//!   act for and my mandates ([`twin`]);
//! * `/{lang}/me/companies/{id}`: a company's twin under my mandate, its mandates ([`company`]);
//! * `/{lang}/me/consents`: my consents, their receipts, withdrawal ([`consents`]);
//! * `/{lang}/me/access-log`: who saw what, when, why ([`consents`]);
//! * `/{lang}/me/export` and `/{lang}/me/delete`: my rights ([`rights`]).
//!
//! Every page needs a sign-in session ([`WebSession`]); without one it redirects to the
//! sign-in page with a relative return path. Every form posts the session's CSRF token in a
//! `csrf` field; a post without the right one is refused with 403 and changes nothing. The
//! pages call the engine (`aurora_twin`) directly, as the JSON handlers do, so every
//! authorization decision is the engine's. Pages are `Cache-Control: no-store`: they show
//! personal data.

use askama::Template;
use aurora_model::Lang;
use axum::body::Bytes;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;

use super::auth::{login_redirect, SignedIn};
use crate::error::ApiError;
use crate::i18n::Tr;
use crate::state::AppState;

pub(crate) mod company;
pub(crate) mod consents;
pub(crate) mod rights;
pub(crate) mod twin;
pub(crate) mod values;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .merge(twin::routes())
        .merge(company::routes())
        .merge(consents::routes())
        .merge(rights::routes())
}

// ------------------------------------------------------------------------------------------
// Layout
// ------------------------------------------------------------------------------------------

pub(crate) struct LangLink {
    code: &'static str,
    label: &'static str,
    href: String,
    current: bool,
}

/// What `base.html` needs.
pub(crate) struct Chrome {
    pub(crate) lang: &'static str,
    pub(crate) title: String,
    pub(crate) tr: Tr,
    switcher: Vec<LangLink>,
    api_href: String,
}

impl Chrome {
    /// `path` is the page's address after the language (`me/consents`).
    pub(crate) fn new(lang: Lang, title: String, path: &str) -> Self {
        Chrome {
            lang: lang.code(),
            title,
            tr: Tr::new(lang),
            switcher: Lang::ALL
                .into_iter()
                .map(|l| LangLink {
                    code: l.code(),
                    label: match l {
                        Lang::Fi => "Suomeksi",
                        Lang::Sv => "På svenska",
                        Lang::En => "In English",
                    },
                    href: format!("/{}/{path}", l.code()),
                    current: l == lang,
                })
                .collect(),
            api_href: "/api/v1/docs".into(),
        }
    }
}

pub(crate) struct NavItem {
    href: String,
    text: String,
    current: bool,
}

/// The navigation between the person's pages and the sign-out form (`me_base.html`).
pub(crate) struct Nav {
    items: Vec<NavItem>,
    pub(crate) csrf: String,
    sign_out: String,
}

/// The person's pages, for the navigation.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Section {
    Twin,
    Company,
    Consents,
    AccessLog,
    Export,
    Delete,
}

impl Nav {
    pub(crate) fn new(lang: Lang, signed: &SignedIn, current: Section) -> Self {
        let tr = Tr::new(lang);
        let l = lang.code();
        let items = [
            (Section::Twin, "me", "me-nav-twin"),
            (Section::Consents, "me/consents", "me-nav-consents"),
            (Section::AccessLog, "me/access-log", "me-nav-access-log"),
            (Section::Export, "me/export", "me-nav-export"),
            (Section::Delete, "me/delete", "me-nav-delete"),
        ]
        .into_iter()
        .map(|(section, path, id)| NavItem {
            href: format!("/{l}/{path}"),
            text: tr.t(id),
            current: section == current,
        })
        .collect();
        Nav {
            items,
            csrf: signed.csrf.clone(),
            sign_out: format!("/{l}/me/sign-out"),
        }
    }
}

/// An error of a form: the field it belongs to (its element id) and the message.
pub(crate) struct FieldError {
    pub(crate) field_id: String,
    pub(crate) text: String,
}

/// Renders a page: HTML in `lang`, never cached (personal data), no referrer.
pub(crate) fn render(status: StatusCode, lang: Lang, page: &impl Template) -> Response {
    let mut response = match page.render() {
        Ok(body) => (
            status,
            [
                (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                (header::CONTENT_LANGUAGE, lang.code()),
            ],
            body,
        )
            .into_response(),
        Err(e) => ApiError::internal(&format!("template rendering failed: {e}")).into_response(),
    };
    no_store(&mut response);
    response
}

pub(crate) fn no_store(response: &mut Response) {
    let h = response.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
}

/// A 303 to a path on this site.
pub(crate) fn see_other(location: &str) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, v);
    }
    no_store(&mut response);
    response
}

/// An error page in `lang` for an engine or store error.
pub(crate) fn error_page(lang: Lang, e: &ApiError) -> Response {
    let mut r = crate::web::error_page(lang, e);
    no_store(&mut r);
    r
}

#[derive(Template)]
#[template(path = "me_message.html")]
struct MessagePage {
    chrome: Chrome,
    heading: String,
    paragraphs: Vec<String>,
    back: Option<(String, String)>,
}

/// A page with a heading, a few paragraphs and a link back (denials, refusals).
pub(crate) fn message_page(
    status: StatusCode,
    lang: Lang,
    path: &str,
    heading_id: &str,
    paragraphs: Vec<String>,
    back: Option<(String, String)>,
) -> Response {
    let tr = Tr::new(lang);
    let heading = tr.t(heading_id);
    render(
        status,
        lang,
        &MessagePage {
            chrome: Chrome::new(lang, heading.clone(), path),
            heading,
            paragraphs,
            back,
        },
    )
}

/// The 403 page of a form posted without the session's CSRF token.
pub(crate) fn csrf_refused(lang: Lang, path: &str) -> Response {
    let tr = Tr::new(lang);
    message_page(
        StatusCode::FORBIDDEN,
        lang,
        path,
        "me-csrf-title",
        vec![tr.t("me-csrf-text")],
        Some((format!("/{}/{path}", lang.code()), tr.t("me-back"))),
    )
}

// ------------------------------------------------------------------------------------------
// Requests
// ------------------------------------------------------------------------------------------

/// The page language of a path segment, or the 404 of an unknown route.
pub(crate) fn page_lang(code: &str) -> Result<Lang, Box<Response>> {
    match code {
        "fi" => Ok(Lang::Fi),
        "sv" => Ok(Lang::Sv),
        "en" => Ok(Lang::En),
        _ => Err(Box::new(
            ApiError::new(
                crate::error::ErrorCode::NotFound,
                format!("no route for path \"/{code}/me\""),
            )
            .into_response(),
        )),
    }
}

/// The language and session of a page request, or the response to send instead (boxed: it
/// is large) (404 for an
/// unknown language, the sign-in redirect without a session). `path` follows the language.
pub(crate) fn signed_page(
    code: &str,
    session: Option<SignedIn>,
    path: &str,
) -> Result<(Lang, SignedIn), Box<Response>> {
    let lang = page_lang(code)?;
    match session {
        Some(s) => Ok((lang, s)),
        None => Err(Box::new(login_redirect(
            lang,
            &format!("/{}/{path}", lang.code()),
        ))),
    }
}

/// A posted form (`application/x-www-form-urlencoded`): the first value of each name, and
/// every value of repeated names.
pub(crate) struct Form {
    pairs: Vec<(String, String)>,
}

impl Form {
    pub(crate) fn parse(body: &[u8]) -> Form {
        Form {
            pairs: form_urlencoded::parse(body).into_owned().collect(),
        }
    }

    /// The first value of `name`, trimmed ("" when absent).
    pub(crate) fn get(&self, name: &str) -> &str {
        self.pairs
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.trim())
    }

    /// Every value of `name`.
    pub(crate) fn all(&self, name: &str) -> Vec<&str> {
        self.pairs
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

/// The language, session and form of a post, or the response that refuses it: the sign-in
/// redirect without a session, 403 without the session's CSRF token (nothing is changed).
pub(crate) fn signed_post(
    code: &str,
    session: Option<SignedIn>,
    body: &Bytes,
    path: &str,
) -> Result<(Lang, SignedIn, Form), Box<Response>> {
    let (lang, signed) = signed_page(code, session, path)?;
    let form = Form::parse(body);
    if !signed.csrf_ok(form.get("csrf")) {
        return Err(Box::new(csrf_refused(lang, path)));
    }
    Ok((lang, signed, form))
}

// ------------------------------------------------------------------------------------------
// Display helpers
// ------------------------------------------------------------------------------------------

/// An RFC 3339 time shown in the page language (UTC, as stored).
pub(crate) fn show_time(rfc3339: &str, lang: Lang) -> String {
    use time::format_description::well_known::Rfc3339;
    let Ok(t) = time::OffsetDateTime::parse(rfc3339, &Rfc3339) else {
        return rfc3339.to_string();
    };
    let t = t.to_offset(time::UtcOffset::UTC);
    let (d, m, y, h, min) = (t.day(), u8::from(t.month()), t.year(), t.hour(), t.minute());
    match lang {
        Lang::Fi => format!("{d}.{m}.{y} klo {h}.{min:02} UTC"),
        Lang::Sv => format!("{d}.{m}.{y} kl. {h}.{min:02} UTC"),
        Lang::En => format!("{d} {} {y}, {h:02}:{min:02} UTC", month_en(m)),
    }
}

/// A date (`YYYY-MM-DD`) shown in the page language.
pub(crate) fn show_date(date: &str, lang: Lang) -> String {
    let parts: Vec<&str> = date.split('-').collect();
    let [y, m, d] = parts.as_slice() else {
        return date.to_string();
    };
    let (Ok(m), Ok(d)) = (m.parse::<u8>(), d.parse::<u8>()) else {
        return date.to_string();
    };
    match lang {
        Lang::Fi | Lang::Sv => format!("{d}.{m}.{y}"),
        Lang::En => format!("{d} {} {y}", month_en(m)),
    }
}

fn month_en(m: u8) -> &'static str {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    MONTHS
        .get(usize::from(m.saturating_sub(1)))
        .copied()
        .unwrap_or("")
}

/// A sort key that puts å, ä, ö after z (Finnish and Swedish order).
pub(crate) fn collation_key(name: &str) -> String {
    name.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'å' => '{',
            'ä' | 'æ' => '|',
            'ö' | 'ø' => '}',
            'é' | 'è' | 'ê' => 'e',
            'ü' => 'y',
            c => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_and_dates_read_naturally() {
        assert_eq!(
            show_time("2026-03-05T14:07:00Z", Lang::Fi),
            "5.3.2026 klo 14.07 UTC"
        );
        assert_eq!(
            show_time("2026-03-05T14:07:00Z", Lang::En),
            "5 March 2026, 14:07 UTC"
        );
        assert_eq!(show_date("2026-12-24", Lang::Sv), "24.12.2026");
        assert_eq!(show_date("nonsense", Lang::Sv), "nonsense");
    }

    #[test]
    fn forms_keep_repeated_names() {
        let f = Form::parse(b"a=1&m=x&m=y&csrf=%20t%20");
        assert_eq!(f.get("a"), "1");
        assert_eq!(f.all("m"), ["x", "y"]);
        assert_eq!(f.get("csrf"), "t");
        assert_eq!(f.get("none"), "");
    }
}

#[cfg(test)]
mod message_tests {
    use super::*;

    /// Every message the pages use exists in fi, sv and en (a missing one would show its id).
    #[test]
    fn every_message_of_the_pages_exists_in_every_language() {
        let sources = [
            include_str!("mod.rs"),
            include_str!("twin.rs"),
            include_str!("company.rs"),
            include_str!("consents.rs"),
            include_str!("rights.rs"),
            include_str!("values.rs"),
            include_str!("../../../templates/me_base.html"),
            include_str!("../../../templates/me_errors.html"),
            include_str!("../../../templates/me_attrs.html"),
            include_str!("../../../templates/me_history.html"),
            include_str!("../../../templates/me_twin.html"),
            include_str!("../../../templates/me_company.html"),
            include_str!("../../../templates/me_consents.html"),
            include_str!("../../../templates/me_receipt.html"),
            include_str!("../../../templates/me_withdraw.html"),
            include_str!("../../../templates/me_access_log.html"),
            include_str!("../../../templates/me_export.html"),
            include_str!("../../../templates/me_delete.html"),
            include_str!("../../../templates/me_erased.html"),
        ];
        let mut ids: Vec<String> = Vec::new();
        for source in sources {
            for (pos, _) in source.match_indices("\"me-") {
                let rest = &source[pos + 1..];
                let id = &rest[..rest.find('"').unwrap_or(0)];
                // `class="me-nav"` is a class name, not a message.
                let is_class = source[..pos].ends_with('=');
                if !is_class && !id.is_empty() && !id.ends_with('-') && !id.contains('{') {
                    ids.push(id.to_string());
                }
            }
        }
        // Ids completed at run time.
        for v in ["active", "revoked", "expired", "pending"] {
            ids.push(format!("me-mandate-state-{v}"));
        }
        for m in ["twin-read", "twin-write", "mandates"] {
            ids.push(format!("me-matter-{m}"));
        }
        for k in ["service", "agent"] {
            ids.push(format!("me-recipient-{k}"));
        }
        for l in ["fi", "sv", "en"] {
            ids.push(format!("me-language-{l}"));
        }
        for v in ["active", "withdrawn", "expired"] {
            ids.push(format!("consent-state-{v}"));
        }
        for v in ["api", "web", "oauth", "handover", "agent"] {
            ids.push(format!("consent-via-{v}"));
        }
        ids.push("consent-reader-self".into());
        let registry = aurora_twin::registry::AttributeRegistry::bundled();
        for a in ["employment_status", "size"] {
            for v in registry.get(a).unwrap().schema["enum"].as_array().unwrap() {
                ids.push(format!("me-choice-{a}-{}", v.as_str().unwrap()));
            }
        }
        for v in registry.get("business_events").unwrap().schema["items"]["properties"]["code"]
            ["enum"]
            .as_array()
            .unwrap()
        {
            ids.push(format!("me-choice-business_events-{}", v.as_str().unwrap()));
        }
        ids.sort();
        ids.dedup();
        assert!(ids.len() > 150, "{}", ids.len());
        for lang in Lang::ALL {
            let tr = Tr::new(lang);
            for id in &ids {
                // Messages with arguments format without them too (the argument shows as-is).
                assert_ne!(&tr.t(id), id, "{lang}: message {id} is missing");
            }
        }
    }
}
