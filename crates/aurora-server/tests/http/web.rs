use axum::http::{header, StatusCode};

use crate::common::{app, app_with, get_with, Resp};
use crate::fixtures::*;

#[track_caller]
fn assert_html(r: &Resp, status: u16, lang: &str) -> String {
    assert_eq!(r.status.as_u16(), status, "{}", r.text());
    assert_eq!(r.header(header::CONTENT_TYPE), "text/html; charset=utf-8");
    assert_eq!(r.header(header::CONTENT_LANGUAGE), lang);
    let html = r.text();
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\""), "{html}");
    assert!(html.contains(&format!("<html lang=\"{lang}\">")));
    html
}

#[track_caller]
fn assert_contains(html: &str, needles: &[&str]) {
    for n in needles {
        assert!(html.contains(n), "missing {n:?} in:\n{html}");
    }
}

#[tokio::test]
async fn root_redirects_to_the_negotiated_language() {
    let t = app().await;
    let r = t.get("/").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.header(header::LOCATION), "/fi/");
    let r = get_with(&t.app, "/", "accept-language", "sv-FI,sv;q=0.9,en;q=0.5").await;
    assert_eq!(r.header(header::LOCATION), "/sv/");
    let r = t.get("/en").await;
    assert_eq!(r.status, StatusCode::PERMANENT_REDIRECT);
    assert_eq!(r.header(header::LOCATION), "/en/");
}

#[tokio::test]
async fn list_page_in_each_language_has_landmarks_and_translated_text() {
    let t = app().await;
    for (lang, title, heading, label, count) in [
        (
            "fi",
            "<title>Palvelut – Aurora</title>",
            "<h1>Palvelut</h1>",
            "Kunta",
            "7 palvelua",
        ),
        (
            "sv",
            "<title>Tjänster – Aurora</title>",
            "<h1>Tjänster</h1>",
            "Kommun",
            "7 tjänster",
        ),
        (
            "en",
            "<title>Services – Aurora</title>",
            "<h1>Services</h1>",
            "Municipality",
            "7 services",
        ),
    ] {
        let html = assert_html(&t.get(&format!("/{lang}/")).await, 200, lang);
        assert_contains(
            &html,
            &[
                title,
                heading,
                &format!("<label for=\"municipality\">{label}</label>"),
                "<select id=\"municipality\" name=\"municipality\">",
                &format!("<h2 id=\"results-heading\">{count}</h2>"),
                "<a class=\"skip-link\" href=\"#main\">",
                "<header class=\"site-header\">",
                "<main id=\"main\"",
                "<footer class=\"site-footer\">",
                "<link rel=\"stylesheet\" href=\"/assets/aurora.css\">",
                "<link rel=\"alternate\" hreflang=\"sv\" href=\"/sv/\">",
                "<a href=\"/fi/\" hreflang=\"fi\" lang=\"fi\"",
                ">På svenska</a>",
                ">In English</a>",
            ],
        );
        assert!(html.contains(&format!(
            "<a href=\"/{lang}/\" hreflang=\"{lang}\" lang=\"{lang}\" aria-current=\"true\">"
        )));
        assert!(!html.contains("<script"), "no script elements at all");
    }
}

#[tokio::test]
async fn service_names_are_escaped() {
    let t = app().await;
    let html = t.get("/fi/").await.text();
    assert_contains(
        &html,
        &["Kuntosali &#60;script&#62;alert(&#34;xss&#34;)&#60;/script&#62;"],
    );
    assert!(!html.contains("<script>alert"));
    let html = t.get(&format!("/en/services/{KUNTOSALI}")).await.text();
    assert_contains(&html, &["<h1>Gym &#60;script&#62;"]);
    assert!(!html.contains("<script>alert"));
}

#[tokio::test]
async fn fallback_text_carries_its_language() {
    let t = app().await;
    let html = t.get("/en/").await.text();
    // Hissiavustus has no English name: shown in Finnish, marked lang="fi".
    assert_contains(
        &html,
        &[
            &format!(
                "<h3 lang=\"fi\"><a href=\"/en/services/{HISSIAVUSTUS}\">Hissiavustus</a></h3>"
            ),
            &format!("<h3><a href=\"/en/services/{UIMAHALLI}\">Swimming Centre</a></h3>"),
            "Responsible organisation: <span>City of Vaasa</span>",
            "<span class=\"badge\">Nationwide service</span>",
        ],
    );
}

#[tokio::test]
async fn municipality_filter_and_invalid_choice() {
    let t = app().await;
    let html = assert_html(&t.get("/sv/?municipality=905").await, 200, "sv");
    assert_contains(
        &html,
        &[
            "<option value=\"905\" selected>Vasa</option>",
            "<h2 id=\"results-heading\">5 tjänster</h2>",
        ],
    );
    assert!(!html.contains(NEUVONTA));
    // Municipalities are in Swedish alphabetical order: Å, Ä, Ö after Z.
    let pos = |name: &str| html.find(&format!(">{name}</option>")).unwrap();
    assert!(pos("Vasa") < pos("Åbo") && pos("Åbo") < pos("Äänekoski"));

    let r = t.get("/fi/?municipality=999").await;
    let html = assert_html(&r, 400, "fi");
    assert_contains(
        &html,
        &[
            "<p class=\"error\" role=\"alert\" id=\"municipality-error\">Tuntematon kunta. Valitse kunta luettelosta.</p>",
            "aria-invalid=\"true\" aria-describedby=\"municipality-error\"",
        ],
    );
}

#[tokio::test]
async fn paging_links() {
    let t = app_with(&[batch(), many_national(30)]).await;
    let html = assert_html(&t.get("/fi/").await, 200, "fi");
    assert_contains(
        &html,
        &[
            "<nav aria-label=\"Sivut\" class=\"paging\">",
            "<li aria-current=\"page\">Sivu 1 / 2</li>",
            "<a href=\"/fi/?page=2\" rel=\"next\">Seuraava sivu</a>",
            "Näytetään 1–20 / 37",
        ],
    );
    let html = t.get("/fi/?page=2").await.text();
    assert_contains(
        &html,
        &[
            "<a href=\"/fi/\" rel=\"prev\">Edellinen sivu</a>",
            "Näytetään 21–37 / 37",
            "<a href=\"/sv/?page=2\"",
        ],
    );
    assert!(!html.contains("rel=\"next\""));
}

#[tokio::test]
async fn service_page_shows_channels() {
    let t = app().await;
    let html = assert_html(
        &t.get(&format!("/sv/services/{UIMAHALLI}")).await,
        200,
        "sv",
    );
    assert_contains(
        &html,
        &[
            "<title>Simhallen – Aurora</title>",
            "<h1>Simhallen</h1>",
            "<h2>Beskrivning</h2>",
            "<p>Hopptornet och trampolinerna står också till kundernas förfogande enligt separata tidtabeller.</p>",
            "<h2>Avgifter</h2>",
            "<p>Avgiftsbelagd</p>",
            "<h2 id=\"channels-heading\">Servicekanaler</h2>",
            "<h3>Vasa simhall</h3>",
            "<p class=\"kind\">Serviceställe</p>",
            "<dd><a href=\"tel:+35863253600\">+358 6 325 3600</a> – Simhallens kassa (Avgiftsbelagd)</dd>",
            "<dd><a href=\"mailto:uimahalli@vaasa.fi\">uimahalli@vaasa.fi</a></dd>",
            "<dd>Simhallsgatan 1, 65100 VASA</dd>",
            "<dd>måndag–fredag 06:30–21:00, lördag–söndag 10:00–18:00 <span lang=\"fi\">(Sisäänpääsy päättyy 45 minuuttia ennen sulkemista)</span></dd>",
            "<h3>Simhallens webbsidor</h3>",
            "<a href=\"https://www.vaasa.fi/sv/simhallen\">Simhallen</a>",
            "<li>Vasa stad</li>",
            "<link rel=\"alternate\" hreflang=\"en\" href=\"/en/services/6ccb671f-05cd-46cf-a0a4-4f98d43dfd37\">",
        ],
    );
    assert!(
        !html.contains("Gammalt servicenummer"),
        "archived channel hidden"
    );

    // The English page shows the javascript: URL as inert text, never as a link.
    let html = t.get(&format!("/en/services/{UIMAHALLI}")).await.text();
    assert_contains(
        &html,
        &[
            "<dd>Swimming Centre</dd>",
            "<h2 id=\"channels-heading\">Service channels</h2>",
        ],
    );
    assert!(!html.contains("href=\"javascript:"));
}

#[tokio::test]
async fn missing_archived_or_malformed_service_pages_are_html_404s() {
    let t = app().await;
    for uri in [
        format!("/fi/services/{LUMENVASTAANOTTO}"),
        "/fi/services/11111111-2222-4333-8444-555555555555".to_string(),
        "/fi/services/not-a-uuid".to_string(),
    ] {
        let html = assert_html(&t.get(&uri).await, 404, "fi");
        assert_contains(
            &html,
            &[
                "<title>Sivua ei löytynyt – Aurora</title>",
                "<h1>Sivua ei löytynyt</h1>",
            ],
        );
    }
    let html = assert_html(
        &t.get(&format!("/en/services/{LUMENVASTAANOTTO}")).await,
        404,
        "en",
    );
    assert_contains(&html, &["<h1>Page not found</h1>"]);
}

#[tokio::test]
async fn an_unavailable_store_gives_a_503_page() {
    let t = app().await;
    t.store.close().await;
    let r = t.get("/sv/").await;
    let html = assert_html(&r, 503, "sv");
    assert_eq!(r.header(header::RETRY_AFTER), "5");
    assert_contains(&html, &["<h1>Tjänsten är inte tillgänglig just nu</h1>"]);
}

#[tokio::test]
async fn stylesheet_is_served_with_focus_styles() {
    let t = app().await;
    let r = t.get("/assets/aurora.css").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.header(header::CONTENT_TYPE), "text/css; charset=utf-8");
    assert_contains(&r.text(), &[":focus-visible", ".skip-link:focus"]);
}
