use axum::http::StatusCode;
use serde_json::json;

use crate::common::app;
use crate::fixtures::*;

#[tokio::test]
async fn channels_list_by_kind_and_skip_archived() {
    let t = app().await;
    let all = t.get_json("/api/v1/channels").await;
    assert_eq!(all["total"], 2);
    let web = t.get_json("/api/v1/channels?kind=WebPage&lang=en").await;
    assert_eq!(web["total"], 1);
    let page = &web["items"][0];
    assert_eq!(page["id"], CH_UIMAHALLI_WEB);
    // An unsafe URL is still reported by the API (clients decide); the web page won't link it.
    assert_eq!(
        page["web_pages"],
        json!([{"url": "javascript:alert(1)", "name": "Swimming Centre", "lang": "en"}])
    );
    let phones = t.get_json("/api/v1/channels?kind=phone").await;
    assert_eq!(phones["total"], 0, "the only phone channel is archived");
    let r = t.get("/api/v1/channels?kind=Fax").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        r.json()["detail"],
        "invalid value for parameter `kind`: unknown channel kind \"Fax\"; expected one of EChannel, WebPage, Phone, ServiceLocation, PrintableForm"
    );
}

#[tokio::test]
async fn channel_by_id() {
    let t = app().await;
    let c = t
        .get_json(&format!("/api/v1/channels/{CH_UIMAHALLI_LOCATION}"))
        .await;
    assert_eq!(
        c["name"],
        json!({"value": "Vaasan uimahalli", "lang": "fi"})
    );
    assert_eq!(c["organization_id"], ORG_VAASA);
    let r = t.get(&format!("/api/v1/channels/{CH_ARCHIVED}")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(
        r.json()["detail"],
        format!("no published channel with id \"{CH_ARCHIVED}\"")
    );
}

#[tokio::test]
async fn organizations_list_and_by_id() {
    let t = app().await;
    let list = t.get_json("/api/v1/organizations?lang=en&limit=10").await;
    assert_eq!(list["total"], 3);
    assert_eq!(list["limit"], 10);
    let o = t
        .get_json(&format!("/api/v1/organizations/{ORG_VAASA}?lang=sv"))
        .await;
    assert_eq!(o["name"], json!({"value": "Vasa stad", "lang": "sv"}));
    assert_eq!(o["organization_type"], "Municipality");
    assert_eq!(
        o["municipality"],
        json!({"code": "905", "label": {"value": "Vasa", "lang": "sv"}})
    );
    let r = t.get("/api/v1/organizations/not-an-id").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = t.get("/api/v1/organizations?offset=1&sort=name").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json()["errors"][0]["field"], "sort");
}
