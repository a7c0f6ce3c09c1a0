//! The guidance page `GET /{lang}/guide` and its feedback `POST /{lang}/guide/feedback`: the
//! form in three languages, results over the bundled catalogue, per-field errors, and the
//! feedback rules (CSRF double submit, signed forms, once per page view and service).

use std::sync::Arc;

use aurora_catalog::{import_bundled, ImportOptions, NoProgress};
use aurora_guide::relevance::LearnedRelevance;
use aurora_guide::threex10d::RelevanceSource;
use aurora_model::Dimension;
use aurora_server::{router, AppState};
use aurora_store::{CatalogStore, RecommendationStore, SqlStore};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use tempfile::TempDir;

use crate::common::{nlu_app, send, shared_understander, Resp};
use crate::fixtures::UIMAHALLI;

/// The bundled catalogue (real PTV services) with learned 3X10D relevance and the shared
/// intent engine, as `aurora serve` runs it.
struct Bundled {
    app: Router,
    state: AppState,
    store: Arc<SqlStore>,
    _dir: TempDir,
}

async fn bundled_app() -> Bundled {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("aurora.db").display());
    let store = Arc::new(SqlStore::open(&url).await.expect("open store"));
    import_bundled(store.as_ref(), &ImportOptions::default(), &NoProgress)
        .await
        .expect("import the bundled dataset");
    let services = store.all_services().await.expect("services");
    let state = AppState::new(store.clone() as Arc<dyn CatalogStore>)
        .with_understander(shared_understander())
        .with_recommendation_store(store.clone() as Arc<dyn RecommendationStore>);
    let learned: Arc<dyn RelevanceSource> = Arc::new(LearnedRelevance::lexical(&services));
    state.set_relevance_source(Some(learned));
    state.rebuild_search_index().await.expect("index");
    state.set_ready(true);
    Bundled {
        app: router(state.clone()),
        state,
        store,
        _dir: dir,
    }
}

async fn get(app: &Router, uri: &str, cookie: Option<&str>) -> Resp {
    let mut r = Request::get(uri);
    if let Some(c) = cookie {
        r = r.header(header::COOKIE, c);
    }
    send(app, r.body(Body::empty()).unwrap()).await
}

async fn post_form(
    app: &Router,
    uri: &str,
    cookie: Option<&str>,
    fields: &[(String, String)],
) -> Resp {
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish();
    let mut r =
        Request::post(uri).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(c) = cookie {
        r = r.header(header::COOKIE, c);
    }
    send(app, r.body(Body::from(body)).unwrap()).await
}

/// Undoes askama's HTML escaping of attribute values.
fn unescape(s: &str) -> String {
    s.replace("&#34;", "\"")
        .replace("&#39;", "'")
        .replace("&#60;", "<")
        .replace("&#62;", ">")
        .replace("&#38;", "&")
}

/// The value of attribute `attr` in a tag.
fn attr(tag: &str, attr: &str) -> Option<String> {
    let needle = format!(" {attr}=\"");
    let start = tag.find(&needle)? + needle.len();
    let end = tag[start..].find('"')? + start;
    Some(unescape(&tag[start..end]))
}

/// Every `<tag …>` opening tag of this name.
fn tags<'a>(html: &'a str, name: &str) -> Vec<&'a str> {
    let open = format!("<{name} ");
    html.match_indices(&open)
        .filter_map(|(i, _)| html[i..].find('>').map(|end| &html[i..=i + end]))
        .collect()
}

/// The hidden fields and the two vote buttons' name of every feedback form, in page order.
fn feedback_forms(html: &str) -> Vec<Vec<(String, String)>> {
    html.split("<form method=\"post\"")
        .skip(1)
        .map(|rest| {
            let form = &rest[..rest.find("</form>").expect("form end")];
            tags(form, "input")
                .into_iter()
                .filter(|t| t.contains("type=\"hidden\""))
                .map(|t| (attr(t, "name").unwrap(), attr(t, "value").unwrap()))
                .collect()
        })
        .collect()
}

fn field<'a>(form: &'a [(String, String)], name: &str) -> &'a str {
    form.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or_else(|| panic!("no field {name} in {form:?}"))
}

fn with(form: &[(String, String)], name: &str, value: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = form.iter().filter(|(k, _)| k != name).cloned().collect();
    out.push((name.to_string(), value.to_string()));
    out
}

fn vote(form: &[(String, String)], v: &str) -> Vec<(String, String)> {
    with(form, "vote", v)
}

/// The `aurora_csrf=…` pair a response set.
fn csrf_cookie(r: &Resp) -> String {
    let set = r
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("aurora_csrf="))
        .unwrap_or_else(|| panic!("no aurora_csrf cookie in {:?}", r.headers))
        .to_string();
    set.split(';').next().unwrap().to_string()
}

/// The feedback stored for the page view a form belongs to: (service, score) by rank.
async fn stored(store: &SqlStore, form: &[(String, String)]) -> Vec<(String, Option<i64>)> {
    let id = i64::from_str_radix(field(form, "view"), 16).expect("the view id is a stored id");
    let r = RecommendationStore::recommendation(store, id)
        .await
        .expect("read")
        .expect("the page view is stored");
    assert!(r.client_id.is_empty(), "anonymous");
    r.services
        .into_iter()
        .map(|s| (s.service_id, s.feedback_score))
        .collect()
}

/// A refused feedback post: the status, a page in Finnish saying so, no redirect, and
/// nothing stored.
async fn assert_denied(
    store: &SqlStore,
    form: &[(String, String)],
    before: &[(String, Option<i64>)],
    r: &Resp,
    status: StatusCode,
    what: &str,
) {
    assert_eq!(r.status, status, "{what}: {}", r.text());
    assert!(
        r.text().contains("<html lang=\"fi\">"),
        "{what}: a page in the language"
    );
    assert!(r.text().contains("Palautetta ei hyväksytty"), "{what}");
    assert!(r.headers.get(header::LOCATION).is_none(), "{what}");
    assert_eq!(
        stored(store, form).await,
        before,
        "{what}: nothing recorded"
    );
}

/// The outcome learner as a string: it must not change on anonymous page views or votes.
fn learner_snapshot(state: &AppState) -> String {
    format!("{:?}", state.learner().read().unwrap())
}

#[tokio::test]
async fn the_form_is_labelled_in_three_languages() {
    let t = nlu_app().await;
    for (lang, heading, municipality_label) in [
        (
            "fi",
            "Löydä palvelut tilanteeseesi",
            "Kunta (vapaaehtoinen)",
        ),
        (
            "sv",
            "Hitta tjänster för din situation",
            "Kommun (frivilligt)",
        ),
        (
            "en",
            "Find services for your situation",
            "Municipality (optional)",
        ),
    ] {
        let r = get(&t.app, &format!("/{lang}/guide"), None).await;
        assert_eq!(r.status, StatusCode::OK, "{lang}");
        assert_eq!(r.header(header::CONTENT_LANGUAGE), lang);
        let html = r.text();
        assert!(html.contains(&format!("<html lang=\"{lang}\">")), "{lang}");
        assert!(html.contains(&format!("<h1>{heading}</h1>")), "{lang}");
        assert!(html.contains(&format!(
            "<label for=\"municipality\">{municipality_label}</label>"
        )));
        assert!(html.contains("<label for=\"text\">"), "{lang}");
        assert!(html.contains("<label for=\"age\">"), "{lang}");
        assert!(
            !html.contains("results-heading"),
            "no results before a submit"
        );
        assert!(
            r.headers.get(header::SET_COOKIE).is_none(),
            "no cookie without results"
        );
        // The site navigation links here.
        assert!(
            html.contains(&format!("<a href=\"/{lang}/guide\">")),
            "{lang}"
        );

        // Ten sliders, each with a visible label naming its dimension, a value display, a
        // hint and a "not answered" box that starts checked.
        let ranges: Vec<&str> = tags(&html, "input")
            .into_iter()
            .filter(|t| t.contains("type=\"range\""))
            .collect();
        assert_eq!(ranges.len(), 10, "{lang}");
        for (d, range) in Dimension::ALL.iter().zip(&ranges) {
            let id = attr(range, "id").unwrap();
            assert_eq!(id, format!("m-{}", d.key()));
            assert_eq!(attr(range, "name").as_deref(), Some(d.key()));
            assert_eq!(attr(range, "min").as_deref(), Some("0"));
            assert_eq!(attr(range, "max").as_deref(), Some("10"));
            let label = d.label();
            let name = label.get(lang.parse().unwrap()).unwrap();
            assert!(
                html.contains(&format!("<label for=\"{id}\">{name}</label>")),
                "{lang}: no label for {id}"
            );
            assert!(html.contains(&format!("<output id=\"{id}-out\" for=\"{id}\"")));
            assert!(attr(range, "aria-describedby")
                .unwrap()
                .contains(&format!("{id}-hint")));
            assert!(html.contains(&format!(
                "id=\"{id}-skip\" name=\"skip\" value=\"{}\" checked>",
                d.key()
            )));
            assert!(html.contains(&format!("<label for=\"{id}-skip\">")));
        }

        // The municipalities in the page language, plus "not chosen".
        let select = &html[html.find("<select id=\"municipality\"").unwrap()..];
        let select = &select[..select.find("</select>").unwrap()];
        assert_eq!(select.matches("<option ").count(), 309 + 1, "{lang}");
        let vaasa = if lang == "sv" { "Vasa" } else { "Vaasa" };
        assert!(select.contains(&format!("<option value=\"905\">{vaasa}</option>")));
    }
}

#[tokio::test]
async fn the_language_switcher_keeps_the_answers() {
    let t = nlu_app().await;
    let r = get(
        &t.app,
        "/en/guide?text=Muutan+Vaasaan&health=3&skip=family&family=5&municipality=905&age=19",
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let html = r.text();
    for l in ["fi", "sv"] {
        assert!(
            html.contains(&format!(
                "href=\"/{l}/guide?text=Muutan+Vaasaan&#38;health=3&#38;municipality=905&#38;age=19\""
            )),
            "{l}: {html}"
        );
    }
    // The answers are back in the form.
    assert!(html.contains(">Muutan Vaasaan</textarea>"));
    assert!(html
        .contains("id=\"m-health\" name=\"health\" min=\"0\" max=\"10\" step=\"1\" value=\"3\""));
    assert!(
        html.contains("id=\"m-health-skip\" name=\"skip\" value=\"health\">"),
        "answered: not skipped"
    );
    assert!(html.contains("id=\"m-family-skip\" name=\"skip\" value=\"family\" checked>"));
    assert!(html.contains("<option value=\"905\" selected>Vaasa</option>"));
    assert!(html.contains("value=\"19\""));
}

#[tokio::test]
async fn bad_values_get_messages_next_to_their_fields() {
    let t = nlu_app().await;
    let r = get(
        &t.app,
        "/en/guide?text=hello&health=11&family=abc&municipality=999&age=-1",
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let html = r.text();
    assert!(
        !html.contains("results-heading"),
        "no results for a bad form"
    );
    assert!(html.contains("role=\"alert\""));
    for (id, message) in [
        ("m-health", "Choose a whole number from 0 to 10."),
        ("m-family", "Choose a whole number from 0 to 10."),
        (
            "municipality",
            "Unknown municipality. Choose a municipality from the list.",
        ),
        ("age", "Give your age as a whole number from 0 to 120."),
    ] {
        assert!(
            html.contains(&format!(
                "<p class=\"error\" id=\"{id}-error\">{message}</p>"
            )),
            "{id}"
        );
        assert!(
            html.contains(&format!("<a href=\"#{id}\">")),
            "{id} in the summary"
        );
        let control = tags(&html, "input")
            .into_iter()
            .chain(tags(&html, "select"))
            .find(|t| attr(t, "id").as_deref() == Some(id))
            .unwrap_or_else(|| panic!("no control {id}"));
        assert_eq!(
            attr(control, "aria-invalid").as_deref(),
            Some("true"),
            "{id}"
        );
        assert!(
            attr(control, "aria-describedby")
                .unwrap()
                .contains(&format!("{id}-error")),
            "{id}"
        );
    }
    // Valid fields are not marked.
    let text = &html[html.find("<textarea").unwrap()..];
    assert!(!text[..text.find('>').unwrap()].contains("aria-invalid"));
    let housing = tags(&html, "input")
        .into_iter()
        .find(|t| attr(t, "id").as_deref() == Some("m-housing"))
        .unwrap();
    assert!(!housing.contains("aria-invalid"));

    // More bad input: each answered with its message, never a server error.
    let long = "a".repeat(10_001);
    for (query, id) in [
        (format!("text={long}"), "text"),
        ("text=&municipality=&age=".to_string(), "text"),
        ("age=121&text=x".to_string(), "age"),
        ("age=1e3&text=x".to_string(), "age"),
        ("age=%FF&text=x".to_string(), "age"),
        ("health=-0&text=x".to_string(), "m-health"),
        ("health=3.5".to_string(), "m-health"),
        (
            "municipality=%3Cscript%3E&text=x".to_string(),
            "municipality",
        ),
    ] {
        let r = get(&t.app, &format!("/fi/guide?{query}"), None).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{query}");
        assert!(r.text().contains(&format!("id=\"{id}-error\"")), "{query}");
        assert!(!r.text().contains("<script>"), "{query}");
    }
    // A skipped slider's value is not read at all; unknown parameters are ignored.
    let r = get(
        &t.app,
        "/fi/guide?health=11&skip=health&evil=1&housing=2",
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let r = get(&t.app, "/xx/guide", None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn results_over_the_bundled_catalogue_show_reasons_and_channels() {
    let t = bundled_app().await;
    let r = get(
        &t.app,
        "/fi/guide?text=Muutan+Vaasaan+opiskelemaan+ja+tarvitsen+asunnon&housing=2&finance=3&municipality=905&age=19",
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let html = r.text();
    assert!(html.contains("<html lang=\"fi\">"));
    let heading = &html[html.find("<h2 id=\"results-heading\">").expect("results")..];
    let heading = &heading[..heading.find("</h2>").unwrap()];
    assert!(heading.ends_with(" palvelua tilanteeseesi"), "{heading}");
    assert!(html.contains(
        "Perusteena: kuvauksesi, 2 arvioimaasi elämän osa-aluetta, kunta Vaasa, ikä 19."
    ));

    let items: Vec<&str> = html
        .split("<li class=\"service guide-result\"")
        .skip(1)
        .collect();
    assert_eq!(items.len(), 10, "{html}");
    for item in &items {
        assert!(
            item.contains("<a href=\"/fi/services/"),
            "a link to the service page"
        );
        assert!(item.contains("<h4 id=\"why-"), "a reasons heading");
        let reasons = &item[item.find("<ul class=\"reasons\"").unwrap()..];
        let reasons = &reasons[..reasons.find("</ul>").unwrap()];
        assert!(reasons.matches("<li>").count() >= 2, "{reasons}");
        assert!(item.contains("Oliko tästä palvelusta apua?"));
        assert!(
            item.contains("> Hyödyllinen</button>") && item.contains("> Ei hyödyllinen</button>")
        );
    }
    // The words and the ratings explain the results.
    assert!(html.contains("<li>Vastaa sanojasi: "), "{html}");
    assert!(html.contains("jonka arvioit 2/10</li>") || html.contains("jonka arvioit 3/10</li>"));
    // Service channels: names, kinds and contact details, as on the service page.
    assert!(html.contains("<div class=\"channel channel-compact\">"));
    assert!(html.contains("<dt>Verkkosivut</dt>") || html.contains("<dt>Puhelin</dt>"));
    assert!(html.contains("Vastuuorganisaatio: "));
    // Urgent help only when the text calls for it.
    assert!(!html.contains("urgent-heading"));

    // The feedback forms carry the CSRF token of the cookie set with the page.
    let cookie = csrf_cookie(&r);
    let set = r.header(header::SET_COOKIE);
    assert!(
        set.contains("; Path=/") && set.contains("; HttpOnly") && set.contains("; SameSite=Strict")
    );
    assert!(!set.contains("Secure"), "plain http");
    let forms = feedback_forms(&html);
    assert_eq!(forms.len(), 10);
    let token = cookie.trim_start_matches("aurora_csrf=");
    for (i, form) in forms.iter().enumerate() {
        assert_eq!(field(form, "csrf"), token);
        assert_eq!(field(form, "rank"), (i + 1).to_string());
        assert!(field(form, "context")
            .split(',')
            .any(|f| f == "need:housing"));
    }
    assert_eq!(r.header(header::CACHE_CONTROL), "private, no-store");
    assert_eq!(r.header(header::REFERRER_POLICY), "same-origin");

    // The page view is stored as an anonymous recommendation of the shown services.
    let first = &forms[0];
    let shown = stored(&t.store, first).await;
    assert_eq!(shown.len(), 10);
    assert_eq!(shown[0].0, field(first, "service"));
    assert!(shown.iter().all(|(_, f)| f.is_none()));
    assert_eq!(
        learner_snapshot(&t.state),
        format!("{:?}", aurora_guide::learning::OutcomeLearner::default()),
        "anonymous page views teach the learner nothing"
    );

    // Behind an https proxy the cookie is Secure; an existing cookie is reused.
    let r = get(&t.app, "/sv/guide?housing=2", None).await;
    assert_eq!(r.status, StatusCode::OK);
    let r2 = send(
        &t.app,
        Request::get("/sv/guide?housing=2")
            .header("x-forwarded-proto", "https")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert!(
        r2.header(header::SET_COOKIE).ends_with("; Secure"),
        "{:?}",
        r2.headers
    );
    let again = get(&t.app, "/en/guide?housing=2", Some(&cookie)).await;
    assert!(again.headers.get(header::SET_COOKIE).is_none());
    assert_eq!(field(&feedback_forms(&again.text())[0], "csrf"), token);
    assert!(again
        .text()
        .contains("Helps with “Housing”, which you rated 2/10"));
}

#[tokio::test]
async fn urgent_help_comes_first() {
    let t = nlu_app().await;
    let r = get(
        &t.app,
        "/fi/guide?text=En+halua+en%C3%A4%C3%A4+el%C3%A4%C3%A4",
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let html = r.text();
    let urgent = html.find("<section class=\"urgent\"").expect("urgent box");
    assert!(
        urgent < html.find("<form").unwrap(),
        "before the form and the results"
    );
    assert!(html.contains("<a href=\"tel:112\" class=\"urgent-number\">112</a>"));
    assert!(html.contains("<h2 id=\"urgent-heading\">Hae apua heti</h2>"));
}

#[tokio::test]
async fn feedback_counts_once_and_only_with_token_and_signature() {
    let t = nlu_app().await;
    let page = "/fi/guide?text=Muutan+Vaasaan+opiskelemaan&municipality=905";
    let r = get(&t.app, page, None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let cookie = csrf_cookie(&r);
    let forms = feedback_forms(&r.text());
    assert!(forms.len() >= 3, "{}", r.text());
    let form = &forms[0];
    let second = &forms[1];
    let uri = "/fi/guide/feedback";
    let before = stored(&t.store, form).await;
    let learner = learner_snapshot(&t.state);

    // CSRF: no cookie, no field, another token, a malformed cookie.
    let up = vote(form, "up");
    assert_denied(
        &t.store,
        form,
        &before,
        &post_form(&t.app, uri, None, &up).await,
        StatusCode::FORBIDDEN,
        "no cookie",
    )
    .await;
    let no_field: Vec<_> = up.iter().filter(|(k, _)| k != "csrf").cloned().collect();
    assert_denied(
        &t.store,
        form,
        &before,
        &post_form(&t.app, uri, Some(&cookie), &no_field).await,
        StatusCode::FORBIDDEN,
        "no field",
    )
    .await;
    let other = format!("aurora_csrf={}", "0".repeat(64));
    assert_denied(
        &t.store,
        form,
        &before,
        &post_form(&t.app, uri, Some(&other), &up).await,
        StatusCode::FORBIDDEN,
        "mismatch",
    )
    .await;
    let token = field(form, "csrf").to_string();
    let mut flipped = token.clone();
    let last = if flipped.ends_with('0') { "1" } else { "0" };
    flipped.replace_range(63.., last);
    assert_denied(
        &t.store,
        form,
        &before,
        &post_form(&t.app, uri, Some(&cookie), &with(&up, "csrf", &flipped)).await,
        StatusCode::FORBIDDEN,
        "one digit off",
    )
    .await;
    assert_denied(
        &t.store,
        form,
        &before,
        &post_form(&t.app, uri, Some("aurora_csrf=x"), &with(&up, "csrf", "x")).await,
        StatusCode::FORBIDDEN,
        "malformed token",
    )
    .await;

    // The signed fields: another rank, another service, another context, a changed time,
    // a changed signature, another page view.
    for (name, value) in [
        ("rank", "1".to_string()),
        ("rank", "2".to_string()),
        ("service", field(second, "service").to_string()),
        ("service", UIMAHALLI.to_string()),
        (
            "context",
            format!("{},need:housing", field(form, "context")),
        ),
        (
            "issued",
            (field(form, "issued").parse::<u64>().unwrap() - 1).to_string(),
        ),
        ("sig", field(second, "sig").to_string()),
        ("sig", "0".repeat(64)),
        ("view", "0".repeat(32)),
    ] {
        if field(form, name) == value {
            continue; // rank 1 is the first form's own rank
        }
        assert_denied(
            &t.store,
            form,
            &before,
            &post_form(&t.app, uri, Some(&cookie), &with(&up, name, &value)).await,
            StatusCode::FORBIDDEN,
            &format!("tampered {name}"),
        )
        .await;
    }
    // Incomplete or malformed forms.
    for (name, value) in [("vote", "sideways"), ("rank", "x"), ("view", "not-hex")] {
        assert_denied(
            &t.store,
            form,
            &before,
            &post_form(&t.app, uri, Some(&cookie), &with(&up, name, value)).await,
            StatusCode::BAD_REQUEST,
            &format!("malformed {name}"),
        )
        .await;
    }
    let no_sig: Vec<_> = up.iter().filter(|(k, _)| k != "sig").cloned().collect();
    assert_denied(
        &t.store,
        form,
        &before,
        &post_form(&t.app, uri, Some(&cookie), &no_sig).await,
        StatusCode::BAD_REQUEST,
        "no sig",
    )
    .await;

    // The real thing: 303 back to the results with thanks, recorded once.
    let r = post_form(&t.app, uri, Some(&cookie), &up).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let location = r.header(header::LOCATION).to_string();
    assert_eq!(
        location,
        "/fi/guide?text=Muutan+Vaasaan+opiskelemaan&municipality=905&thanks=1#guide-status"
    );
    let after = stored(&t.store, form).await;
    assert_eq!(
        after[0],
        (field(form, "service").to_string(), Some(1)),
        "recorded"
    );
    assert_eq!(
        learner_snapshot(&t.state),
        learner,
        "anonymous votes never teach"
    );

    // A replay, or the other vote on the same page view and service, changes nothing.
    let r = post_form(&t.app, uri, Some(&cookie), &up).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.header(header::LOCATION), location);
    assert_eq!(stored(&t.store, form).await, after, "a replay is ignored");
    let r = post_form(&t.app, uri, Some(&cookie), &vote(form, "down")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        stored(&t.store, form).await,
        after,
        "one vote per page view and service"
    );

    // Another service of the same page view counts.
    let r = post_form(&t.app, uri, Some(&cookie), &vote(second, "down")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        stored(&t.store, second).await[1],
        (field(second, "service").to_string(), Some(-1))
    );

    // The thank-you page.
    let before_thanks = learner_snapshot(&t.state);
    let r = get(&t.app, location.split('#').next().unwrap(), Some(&cookie)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(learner_snapshot(&t.state), before_thanks);
    assert!(r.text().contains(
        "<p class=\"status\" role=\"status\" id=\"guide-status\" tabindex=\"-1\">Kiitos palautteestasi.</p>"
    ));
    // The way back keeps only the form's own parameters.
    let r = post_form(
        &t.app,
        uri,
        Some(&cookie),
        &with(&vote(&forms[2], "up"), "back", "//evil.example/&age=19&x=1"),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        r.header(header::LOCATION),
        "/fi/guide?age=19&thanks=1#guide-status"
    );
}

#[tokio::test]
async fn feedback_is_post_only_and_the_script_is_served() {
    let t = nlu_app().await;
    let r = get(&t.app, "/fi/guide/feedback", None).await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(r.header(header::ALLOW), "POST");
    let r = post_form(&t.app, "/fi/guide", None, &[]).await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(r.header(header::ALLOW), "GET,HEAD");
    let r = get(&t.app, "/assets/guide.js", None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        r.header(header::CONTENT_TYPE),
        "text/javascript; charset=utf-8"
    );
    assert!(r.text().contains("guide-form"));
    let r = post_form(&t.app, "/xx/guide/feedback", None, &[]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}
