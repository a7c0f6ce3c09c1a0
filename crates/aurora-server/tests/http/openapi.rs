//! The OpenAPI document (`GET /api/v1/openapi.json`) held against the real router:
//! * it is OpenAPI 3.1.0, every `$ref` resolves, every component is used, every schema is a
//!   valid JSON Schema 2020-12, and the error-code enum is [`ErrorCode::ALL`];
//! * the documented operations are exactly [`ROUTES`]; each is served (not a 404 "no route",
//!   not a 405), a wrong method gets a 405 whose `Allow` lists the documented methods, and
//!   every API path literal in the server's source that the router serves is documented;
//! * the documented limits of every query parameter and JSON body field are the server's,
//!   and every operation's example succeeds (operations that need prior state, listed in
//!   [`NEEDS_STATE`], have their query parameters' limits checked only);
//! * real responses of every operation, successes and errors, validate against the schema
//!   documented for their status and media type (with every object schema closed for the
//!   test, so an undocumented field fails), and so do the document's own examples; the
//!   person's, consent and authorization surfaces are driven by a scripted scenario
//!   ([`twin_scenario`]: sign-up to erasure);
//! * the docs page `/{lang}/api` is 200 in fi, sv and en with `lang` set, lists every
//!   operation and schema, has no broken in-page link and loads nothing from elsewhere.

use std::collections::{BTreeMap, BTreeSet};

use aurora_server::ErrorCode;
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use serde_json::{json, Value};

use crate::common::{app, get_with, nlu_app, send, Resp, TestApp};
use crate::fixtures::{
    CH_UIMAHALLI_LOCATION, CH_UIMAHALLI_WEB, ORG_HELSINKI, ORG_VAASA, UIMAHALLI, VALTUUDET,
};

/// The document as compiled into the server.
const DOCUMENT: &str = include_str!("../../openapi/openapi.json");

/// Every operation of the HTTP API, as `(method, path template)`. Adding a route means
/// adding it here and to `openapi/openapi.json`; the tests below fail until both agree with
/// the router. (The web pages, `/assets/*` and the docs page are not part of the API.)
const ROUTES: &[(&str, &str)] = &[
    ("GET", "/healthz"),
    ("GET", "/readyz"),
    ("GET", "/metrics"),
    ("GET", "/api/v1/openapi.json"),
    ("GET", "/api/v1/services"),
    ("GET", "/api/v1/services/{id}"),
    ("GET", "/api/v1/search"),
    ("GET", "/api/v1/channels"),
    ("GET", "/api/v1/channels/{id}"),
    ("GET", "/api/v1/organizations"),
    ("GET", "/api/v1/organizations/{id}"),
    ("GET", "/api/v1/codes/municipalities"),
    ("GET", "/api/v1/codes/municipalities/{code_or_name}"),
    ("GET", "/api/v1/codes/regions"),
    ("GET", "/api/v1/codes/regions/{code_or_name}"),
    ("GET", "/api/v1/codes/hospital-districts"),
    ("GET", "/api/v1/codes/hospital-districts/{code_or_name}"),
    ("GET", "/api/v1/codes/wellbeing-counties"),
    ("GET", "/api/v1/codes/wellbeing-counties/{code_or_name}"),
    ("GET", "/api/v1/codes/service-classes"),
    ("GET", "/api/v1/codes/service-classes/{code_or_name}"),
    ("GET", "/api/v1/codes/target-groups"),
    ("GET", "/api/v1/codes/target-groups/{code_or_name}"),
    ("GET", "/api/v1/codes/life-events"),
    ("GET", "/api/v1/codes/life-events/{code_or_name}"),
    ("POST", "/api/v1/understand"),
    ("POST", "/api/v1/guidance"),
    ("POST", "/api/v1/feedback"),
    ("POST", "/api/v1/clicks"),
    ("GET", "/api/v1/me/session"),
    ("DELETE", "/api/v1/me/session"),
    ("POST", "/service-recommender/v1/recommend_service"),
    ("POST", "/service-recommender/v1/text_search"),
    ("POST", "/service-recommender/v1/recommendation_feedback"),
    ("GET", "/service-recommender/v1/redirect"),
    ("GET", "/service-recommender/v1/session_attributes"),
    ("POST", "/service-recommender/v1/session_attributes"),
    ("OPTIONS", "/service-recommender/v1/session_attributes"),
    ("GET", "/api/v1/account"),
    ("POST", "/api/v1/account/signup"),
    ("POST", "/api/v1/account/verify"),
    ("POST", "/api/v1/account/signin"),
    ("POST", "/api/v1/account/signout"),
    ("POST", "/api/v1/account/signout-everywhere"),
    ("POST", "/api/v1/account/password"),
    ("POST", "/api/v1/account/password-reset"),
    ("POST", "/api/v1/account/password-reset/confirm"),
    ("POST", "/api/v1/account/email"),
    ("POST", "/api/v1/account/email/confirm"),
    ("GET", "/api/v1/me/consents"),
    ("POST", "/api/v1/me/consents"),
    ("GET", "/api/v1/me/consents/{id}"),
    ("DELETE", "/api/v1/me/consents/{id}"),
    ("POST", "/api/v1/me/consents/{id}/renew"),
    ("GET", "/api/v1/me/consents/{id}/receipt"),
    ("GET", "/api/v1/consent-receipts/keys"),
    ("GET", "/api/v1/me/access-log"),
    ("POST", "/api/v1/handover"),
    ("POST", "/api/v1/handover/redeem"),
    ("POST", "/api/v1/me/erase"),
    ("GET", "/.well-known/openid-configuration"),
    ("GET", "/oauth/jwks.json"),
    ("GET", "/oauth/authorize"),
    ("POST", "/oauth/authorize"),
    ("POST", "/oauth/token"),
    ("POST", "/oauth/revoke"),
    ("POST", "/oauth/introspect"),
    ("GET", "/oauth/userinfo"),
    ("GET", "/api/v1/member/attributes"),
    ("PUT", "/api/v1/member/attributes/{name}"),
    ("GET", "/api/v1/attributes"),
    ("GET", "/api/v1/me/twin"),
    ("DELETE", "/api/v1/me/twin"),
    ("GET", "/api/v1/me/twin/history"),
    ("PUT", "/api/v1/me/twin/{attribute}"),
    ("DELETE", "/api/v1/me/twin/{attribute}"),
    ("GET", "/api/v1/me/export"),
    ("POST", "/api/v1/me/export/encrypted"),
    ("GET", "/api/v1/me/companies"),
    ("GET", "/api/v1/me/companies/{id}/twin"),
    ("GET", "/api/v1/me/companies/{id}/twin/history"),
    ("PUT", "/api/v1/me/companies/{id}/twin/{attribute}"),
    ("DELETE", "/api/v1/me/companies/{id}/twin/{attribute}"),
    ("GET", "/api/v1/me/companies/{id}/mandates"),
    ("POST", "/api/v1/me/companies/{id}/mandates"),
    ("DELETE", "/api/v1/me/companies/{id}/mandates/{mandate_id}"),
];

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

fn doc() -> Value {
    serde_json::from_str(DOCUMENT).expect("openapi/openapi.json is JSON")
}

/// `(METHOD, path, operation)` of every documented operation.
fn operations(doc: &Value) -> Vec<(String, String, Value)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for m in METHODS {
            if let Some(op) = item.get(*m) {
                out.push((m.to_ascii_uppercase(), path.clone(), op.clone()));
            }
        }
    }
    out
}

/// What a local `$ref` points to.
fn target<'a>(doc: &'a Value, reference: &str) -> Option<&'a Value> {
    doc.pointer(reference.strip_prefix('#')?)
}

/// `v`, or the target of its `$ref`.
fn resolve<'a>(doc: &'a Value, v: &'a Value) -> &'a Value {
    match v.get("$ref").and_then(Value::as_str) {
        Some(r) => resolve(
            doc,
            target(doc, r).unwrap_or_else(|| panic!("unresolved {r}")),
        ),
        None => v,
    }
}

/// Every `$ref` in the document, with where it is.
fn refs(v: &Value, at: &str, out: &mut Vec<(String, String)>) {
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                if k == "$ref" {
                    out.push((at.to_string(), child.as_str().unwrap_or("").to_string()));
                } else {
                    refs(child, &format!("{at}/{k}"), out);
                }
            }
        }
        Value::Array(a) => {
            for (i, child) in a.iter().enumerate() {
                refs(child, &format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

// ------------------------------------------------------------------------------------------
// Schema validation
// ------------------------------------------------------------------------------------------

/// Component schemas that other schemas extend with `allOf`: they stay open, so the
/// extending schema can add fields.
fn extended(doc: &Value) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for schema in doc["components"]["schemas"].as_object().unwrap().values() {
        for member in schema["allOf"].as_array().into_iter().flatten() {
            if let Some(r) = member["$ref"].as_str() {
                out.insert(r.rsplit('/').next().unwrap().to_string());
            }
        }
    }
    out
}

/// Closes every object schema (`unevaluatedProperties: false`) that does not say otherwise,
/// recursively, so that a property the document does not list fails validation.
fn close(schema: &mut Value) {
    let Value::Object(m) = schema else { return };
    let is_object = m.contains_key("properties") || m.contains_key("allOf");
    if is_object
        && !m.contains_key("additionalProperties")
        && !m.contains_key("unevaluatedProperties")
    {
        m.insert("unevaluatedProperties".into(), Value::Bool(false));
    }
    if let Some(Value::Object(props)) = m.get_mut("properties") {
        props.values_mut().for_each(close);
    }
    if let Some(items) = m.get_mut("items") {
        close(items);
    }
    for key in ["prefixItems", "anyOf", "oneOf"] {
        if let Some(Value::Array(list)) = m.get_mut(key) {
            list.iter_mut().for_each(close);
        }
    }
    // `allOf` members are other schemas' field sets: not closed themselves (the closing
    // `unevaluatedProperties` of this schema sees their properties).
}

/// The document with every object schema closed (except the ones extended by `allOf`).
fn closed_doc() -> Value {
    let mut doc = doc();
    let open = extended(&doc);
    for (name, schema) in doc["components"]["schemas"].as_object_mut().unwrap() {
        if !open.contains(name) {
            close(schema);
        } else if let Some(Value::Object(props)) = schema.get_mut("properties") {
            props.values_mut().for_each(close);
        }
    }
    for at in ["/components/responses", "/paths"] {
        let mut media = Vec::new();
        collect_media_schemas(doc.pointer_mut(at).unwrap(), &mut media);
        media.into_iter().for_each(close);
    }
    doc
}

/// The `schema` of every media type object under `v`.
fn collect_media_schemas<'a>(v: &'a mut Value, out: &mut Vec<&'a mut Value>) {
    match v {
        Value::Object(m) => {
            if m.contains_key("content") {
                if let Some(Value::Object(content)) = m.get_mut("content") {
                    for media in content.values_mut() {
                        if let Some(schema) = media.get_mut("schema") {
                            out.push(schema);
                        }
                    }
                }
                return;
            }
            for child in m.values_mut() {
                collect_media_schemas(child, out);
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|c| collect_media_schemas(c, out)),
        _ => {}
    }
}

/// A validator for the schema at `pointer` (a JSON pointer into the document), with every
/// `$ref` resolved within the (closed) document.
fn validator(closed: &Value, pointer: &str) -> jsonschema::Validator {
    let mut root = closed.clone();
    root.as_object_mut().unwrap().insert(
        "$ref".into(),
        Value::String(format!("#{}", uri_fragment(pointer))),
    );
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .build(&root)
        .unwrap_or_else(|e| panic!("the schema at {pointer} does not compile: {e}"))
}

/// Every way `instance` fails the schema at `pointer`, as text.
fn violations(closed: &Value, pointer: &str, instance: &Value) -> Vec<String> {
    validator(closed, pointer)
        .iter_errors(instance)
        .map(|e| format!("at {}: {e}", e.instance_path()))
        .collect()
}

/// A JSON pointer as a URI fragment (RFC 6901 §6): bytes a fragment cannot hold (the braces
/// of path templates, the spaces of media-type parameters) percent-encoded.
fn uri_fragment(pointer: &str) -> String {
    let mut out = String::new();
    for b in pointer.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/?".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A JSON pointer segment.
fn esc(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}

// ------------------------------------------------------------------------------------------
// The document itself
// ------------------------------------------------------------------------------------------

#[tokio::test]
async fn the_document_is_served_as_is_with_an_etag_and_304() {
    let t = app().await;
    let r = t.get("/api/v1/openapi.json").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.header(header::CONTENT_TYPE), "application/json");
    assert_eq!(r.body, DOCUMENT.as_bytes());
    assert_eq!(r.header(header::CACHE_CONTROL), "public, max-age=300");
    let etag = r.header(header::ETAG).to_string();
    assert!(
        etag.len() == 18 && etag.starts_with('"') && etag.ends_with('"'),
        "{etag}"
    );

    let r = get_with(&t.app, "/api/v1/openapi.json", "if-none-match", &etag).await;
    assert_eq!(r.status, StatusCode::NOT_MODIFIED);
    assert!(r.body.is_empty());
    assert_eq!(r.header(header::ETAG), etag);
    let r = get_with(&t.app, "/api/v1/openapi.json", "if-none-match", "\"0123\"").await;
    assert_eq!(r.status, StatusCode::OK);

    let r = t.get("/api/v1/openapi.json?format=yaml").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json()["code"], "unknown_parameter");
}

#[test]
fn the_document_is_openapi_3_1_and_every_ref_resolves() {
    let doc = doc();
    assert_eq!(doc["openapi"], "3.1.0");
    assert_eq!(doc["info"]["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(doc["info"]["license"]["identifier"], "EUPL-1.2");

    let mut all = Vec::new();
    refs(&doc, "", &mut all);
    assert!(all.len() > 100, "the document uses components");
    for (at, r) in &all {
        assert!(
            r.starts_with("#/components/"),
            "{at}: only local component refs: {r}"
        );
        assert!(target(&doc, r).is_some(), "{at}: unresolved $ref {r}");
    }
    // Every component is used somewhere.
    let used: BTreeSet<&str> = all.iter().map(|(_, r)| r.as_str()).collect();
    for kind in ["schemas", "parameters", "responses", "headers"] {
        for name in doc["components"][kind].as_object().unwrap().keys() {
            let r = format!("#/components/{kind}/{}", esc(name));
            assert!(used.contains(r.as_str()), "unused component {r}");
        }
    }
    let schemes: Vec<&String> = doc["components"]["securitySchemes"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    let security = &doc["components"]["securitySchemes"];
    assert_eq!(
        schemes.iter().copied().collect::<BTreeSet<_>>(),
        BTreeSet::from([
            &"basic_client_id_client_secret".to_string(),
            &"member_service_basic".to_string(),
            &"oauth_bearer".to_string(),
            &"session_cookie".to_string(),
        ])
    );
    // Client credentials (recommender clients, member services): HTTP Basic.
    for name in ["basic_client_id_client_secret", "member_service_basic"] {
        assert_eq!(security[name]["type"], "http", "{name}");
        assert_eq!(security[name]["scheme"], "basic", "{name}");
    }
    // The person's session: the cookie the server sets.
    assert_eq!(security["session_cookie"]["type"], "apiKey");
    assert_eq!(security["session_cookie"]["in"], "cookie");
    assert_eq!(security["session_cookie"]["name"], "aurora_session");
    // Member services' access tokens (from `/oauth/token`), in the header only.
    assert_eq!(security["oauth_bearer"]["type"], "http");
    assert_eq!(security["oauth_bearer"]["scheme"], "bearer");
    for scheme in security.as_object().unwrap().values() {
        assert!(
            scheme["description"]
                .as_str()
                .is_some_and(|d| !d.is_empty()),
            "{scheme}: no description"
        );
    }

    // Operations: unique ids, known tags, every tag used, a success response each, and
    // every path parameter declared.
    let tags: Vec<&str> = doc["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    let mut ids = BTreeSet::new();
    let mut used_tags = BTreeSet::new();
    for (method, path, op) in operations(&doc) {
        let id = op["operationId"]
            .as_str()
            .unwrap_or_else(|| panic!("{method} {path}: no operationId"));
        assert!(ids.insert(id.to_string()), "duplicate operationId {id}");
        for tag in op["tags"].as_array().unwrap() {
            assert!(
                tags.contains(&tag.as_str().unwrap()),
                "{id}: unknown tag {tag}"
            );
            used_tags.insert(tag.as_str().unwrap().to_string());
        }
        let statuses: Vec<&String> = op["responses"].as_object().unwrap().keys().collect();
        assert!(
            statuses
                .iter()
                .any(|s| s.starts_with('2') || s.starts_with('3')),
            "{id}: no success response"
        );
        assert!(
            op["summary"].as_str().is_some_and(|s| !s.is_empty()),
            "{id}: no summary"
        );
        let declared: BTreeSet<String> = op["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|p| resolve(&doc, p))
            .filter(|p| p["in"] == "path")
            .map(|p| p["name"].as_str().unwrap().to_string())
            .collect();
        let in_path: BTreeSet<String> = path
            .split('/')
            .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .map(str::to_string)
            .collect();
        assert_eq!(declared, in_path, "{id}: path parameters");
        if let Some(security) = op.get("security") {
            for requirement in security.as_array().unwrap() {
                for scheme in requirement.as_object().unwrap().keys() {
                    assert!(
                        schemes.contains(&scheme),
                        "{id}: unknown security scheme {scheme}"
                    );
                }
            }
        }
    }
    assert_eq!(used_tags.len(), tags.len(), "every tag has operations");
}

#[test]
fn every_schema_is_json_schema_2020_12_and_compiles() {
    let doc = doc();
    let closed = closed_doc();
    for (name, schema) in doc["components"]["schemas"].as_object().unwrap() {
        if let Err(e) = jsonschema::draft202012::meta::validate(schema) {
            panic!("components/schemas/{name} is not a valid JSON Schema: {e}");
        }
        validator(&closed, &format!("/components/schemas/{}", esc(name)));
    }
    for (name, p) in doc["components"]["parameters"].as_object().unwrap() {
        assert!(
            jsonschema::draft202012::meta::is_valid(&p["schema"]),
            "components/parameters/{name}"
        );
    }
}

#[test]
fn the_error_codes_are_the_servers() {
    let doc = doc();
    let documented: Vec<&str> = doc["components"]["schemas"]["ErrorCode"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    let served: Vec<&str> = ErrorCode::ALL.iter().map(|c| c.name()).collect();
    assert_eq!(documented, served);
    let description = doc["components"]["schemas"]["ErrorCode"]["description"]
        .as_str()
        .unwrap();
    for code in ErrorCode::ALL {
        let status = code.status().as_u16().to_string();
        let mention = format!("`{}`", code.name());
        let at = description
            .find(&mention)
            .unwrap_or_else(|| panic!("{mention} undescribed"));
        // The code is described after its status.
        let status_at = description[..at].rfind(&status);
        assert!(
            status_at.is_some(),
            "{mention} is not described under {status}"
        );
    }
    assert_eq!(
        doc["components"]["schemas"]["Problem"]["properties"]["type"]["examples"][0]
            .as_str()
            .unwrap(),
        ErrorCode::InvalidParameter.type_uri()
    );
}

/// Every example in the document validates against its schema.
#[test]
fn the_documents_examples_validate() {
    let doc = doc();
    let closed = closed_doc();
    let mut checked = 0;
    let mut media_objects: Vec<(String, &Value)> = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for m in METHODS {
            let Some(op) = item.get(*m) else { continue };
            let base = format!("/paths/{}/{m}", esc(path));
            for (ct, media) in op
                .pointer("/requestBody/content")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                media_objects.push((format!("{base}/requestBody/content/{}", esc(ct)), media));
            }
            for (status, r) in op["responses"].as_object().unwrap() {
                if r.get("$ref").is_some() {
                    continue; // checked once, below
                }
                for (ct, media) in r["content"].as_object().into_iter().flatten() {
                    media_objects.push((
                        format!("{base}/responses/{status}/content/{}", esc(ct)),
                        media,
                    ));
                }
            }
            for (i, p) in op["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .enumerate()
            {
                if p.get("$ref").is_none() && p.get("example").is_some() {
                    let e = violations(
                        &closed,
                        &format!("{base}/parameters/{i}/schema"),
                        &p["example"],
                    );
                    assert!(e.is_empty(), "{base} parameter {}: {e:?}", p["name"]);
                    checked += 1;
                }
            }
        }
    }
    for (name, r) in doc["components"]["responses"].as_object().unwrap() {
        for (ct, media) in r["content"].as_object().into_iter().flatten() {
            media_objects.push((
                format!("/components/responses/{name}/content/{}", esc(ct)),
                media,
            ));
        }
    }
    for (name, p) in doc["components"]["parameters"].as_object().unwrap() {
        if p.get("example").is_some() {
            let e = violations(
                &closed,
                &format!("/components/parameters/{name}/schema"),
                &p["example"],
            );
            assert!(e.is_empty(), "parameter {name}: {e:?}");
            checked += 1;
        }
    }
    for (at, media) in media_objects {
        let mut examples: Vec<(String, &Value)> = Vec::new();
        if let Some(e) = media.get("example") {
            examples.push(("example".into(), e));
        }
        for (name, e) in media["examples"].as_object().into_iter().flatten() {
            examples.push((name.clone(), &e["value"]));
        }
        for (name, example) in examples {
            let e = violations(&closed, &format!("{at}/schema"), example);
            assert!(e.is_empty(), "{at} {name}: {e:?}");
            checked += 1;
        }
    }
    assert!(checked > 40, "only {checked} examples");
}

// ------------------------------------------------------------------------------------------
// The document against the router
// ------------------------------------------------------------------------------------------

/// A request for `path` with its parameters filled in from their examples.
fn concrete(doc: &Value, path: &str, op: &Value) -> String {
    let mut uri = path.to_string();
    for p in op["parameters"].as_array().into_iter().flatten() {
        let p = resolve(doc, p);
        if p["in"] == "path" {
            let example = p["example"].as_str().unwrap_or("x");
            uri = uri.replace(&format!("{{{}}}", p["name"].as_str().unwrap()), example);
        }
    }
    uri
}

/// Whether a request to `uri` is sent in a session: the person's own endpoints, the account
/// endpoints after sign-in, and the consent decision of the authorization endpoint. (Sign-in
/// itself is sent without one: it would end the session it came with.)
fn in_session(uri: &str) -> bool {
    let path = uri.split('?').next().unwrap_or(uri);
    path.starts_with("/api/v1/me/")
        || path == "/api/v1/me"
        || (path.starts_with("/api/v1/account")
            && ![
                "/api/v1/account/signup",
                "/api/v1/account/verify",
                "/api/v1/account/signin",
                "/api/v1/account/password-reset",
                "/api/v1/account/password-reset/confirm",
            ]
            .contains(&path))
        || path == "/oauth/authorize"
}

/// A request as the test app's signed-in person (see [`in_session`]).
async fn call(t: &TestApp, method: &str, uri: &str, body: Option<&Value>) -> Resp {
    call_by(&t.app, &t.person, method, uri, body).await
}

/// A request with a JSON body; in `person`'s session (cookie and CSRF header) when the
/// endpoint takes one.
async fn call_by(
    app: &axum::Router,
    person: &(String, String, String),
    method: &str,
    uri: &str,
    body: Option<&Value>,
) -> Resp {
    let mut r = Request::builder().method(method).uri(uri);
    if in_session(uri) {
        r = r
            .header(header::COOKIE, &person.1)
            .header("x-csrf-token", &person.2);
    }
    let body = match body {
        Some(b) => {
            r = r.header(header::CONTENT_TYPE, "application/json");
            Body::from(serde_json::to_vec(b).unwrap())
        }
        None => Body::empty(),
    };
    send(app, r.body(body).unwrap()).await
}

/// The router's own 404 for a path it has no route for (not a record's 404).
fn no_route(r: &Resp) -> bool {
    r.status == StatusCode::NOT_FOUND
        && r.header(header::CONTENT_TYPE) == "application/problem+json"
        && r.json()["detail"]
            .as_str()
            .is_some_and(|d| d.starts_with("no route for path"))
}

#[test]
fn the_documented_operations_are_the_route_list() {
    let documented: BTreeSet<(String, String)> = operations(&doc())
        .into_iter()
        .map(|(m, p, _)| (m, p))
        .collect();
    let listed: BTreeSet<(String, String)> = ROUTES
        .iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    assert_eq!(
        documented.difference(&listed).collect::<Vec<_>>(),
        Vec::<&(String, String)>::new(),
        "documented but not in ROUTES"
    );
    assert_eq!(
        listed.difference(&documented).collect::<Vec<_>>(),
        Vec::<&(String, String)>::new(),
        "in ROUTES but not documented"
    );
}

#[tokio::test]
async fn every_documented_operation_is_served_and_other_methods_are_405() {
    let doc = doc();
    let t = app().await;
    let mut methods_of: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (method, path, op) in operations(&doc) {
        let uri = concrete(&doc, &path, &op);
        let body = (method == "POST").then(|| json!({}));
        let r = call(&t, &method, &uri, body.as_ref()).await;
        assert!(
            !no_route(&r) && r.status != StatusCode::METHOD_NOT_ALLOWED,
            "{method} {uri} is documented but not served: {} {}",
            r.status,
            r.text()
        );
        if method == "GET" {
            let r = call(&t, "HEAD", &uri, None).await;
            assert_ne!(r.status, StatusCode::METHOD_NOT_ALLOWED, "HEAD {uri}");
        }
        methods_of.entry(uri).or_default().insert(method);
    }
    let mut wrong_allow = Vec::new();
    for (uri, methods) in methods_of {
        let probe = ["DELETE", "PATCH", "PUT"]
            .into_iter()
            .find(|m| !methods.contains(*m))
            .expect("some method is not documented");
        let r = call(&t, probe, &uri, None).await;
        assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED, "{probe} {uri}");
        let mut allowed: BTreeSet<String> = r
            .header(header::ALLOW)
            .split(',')
            .map(|m| m.trim().to_string())
            .filter(|m| !m.is_empty())
            .collect();
        allowed.remove("HEAD");
        if uri.starts_with("/service-recommender/") {
            // The recommender answers a wrong method as Flask did, with one `Allow` for all
            // its routes.
            assert!(allowed.is_superset(&methods), "Allow of {uri}: {allowed:?}");
        } else if allowed != methods {
            wrong_allow.push(format!(
                "{probe} {uri}: Allow {allowed:?}, documented {methods:?}"
            ));
        }
    }
    assert!(wrong_allow.is_empty(), "{wrong_allow:#?}");
}

/// Paths the server's source may route: every string literal that looks like an API path
/// (query string cut), that path with a `{…}` segment replaced by a word quoted in the same
/// file (`format!("/api/v1/codes/{path}")` over `"regions"` …), and that path followed by
/// such a word (`format!("{PREFIX}/{p}")` over `"recommend_service"` …). Segments that stay
/// parameters become `x`.
fn route_candidates(dir: &std::path::Path, out: &mut BTreeSet<String>) {
    const API: &[&str] = &[
        "/api/",
        "/service-recommender/",
        "/healthz",
        "/readyz",
        "/metrics",
    ];
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            route_candidates(&path, out);
            continue;
        }
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let source = std::fs::read_to_string(&path).unwrap();
        let literals: Vec<&str> = source.split('"').skip(1).step_by(2).collect();
        let words: Vec<&str> = literals
            .iter()
            .copied()
            .filter(|w| {
                w.len() <= 40
                    && w.starts_with(|c: char| c.is_ascii_lowercase())
                    && w.chars().all(|c| {
                        c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-'
                    })
            })
            .collect();
        let concrete = |p: &str| -> String {
            p.split('/')
                .map(|s| if s.contains('{') { "x" } else { s })
                .collect::<Vec<_>>()
                .join("/")
        };
        for literal in literals {
            let literal = literal.split('?').next().unwrap();
            if !API.iter().any(|p| literal.starts_with(p)) || literal.contains(' ') {
                continue;
            }
            out.insert(concrete(literal));
            for w in &words {
                out.insert(concrete(&format!("{literal}/{w}")));
                if let Some(param) = literal.split('/').find(|s| s.contains('{')) {
                    out.insert(concrete(&literal.replacen(param, w, 1)));
                }
            }
        }
    }
}

/// Whether a documented path template covers `uri` (a `{…}` segment matches any segment).
fn covered(doc: &Value, uri: &str) -> bool {
    let segments: Vec<&str> = uri.split('/').collect();
    doc["paths"].as_object().unwrap().keys().any(|t| {
        let ts: Vec<&str> = t.split('/').collect();
        ts.len() == segments.len()
            && ts
                .iter()
                .zip(&segments)
                .all(|(a, b)| a.starts_with('{') || a == b)
    })
}

#[tokio::test]
async fn every_api_path_the_router_serves_is_documented() {
    let doc = doc();
    let mut candidates = BTreeSet::new();
    route_candidates(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut candidates,
    );
    for known in [
        "/api/v1/services",
        "/api/v1/codes/regions",
        "/healthz",
        "/api/v1/openapi.json",
    ] {
        assert!(candidates.contains(known), "the source scan misses {known}");
    }
    let t = app().await;
    let mut served = 0;
    for uri in &candidates {
        let mut is_route = false;
        for method in ["GET", "POST", "OPTIONS"] {
            is_route |= !no_route(&call(&t, method, uri, None).await);
        }
        if is_route {
            served += 1;
            assert!(
                covered(&doc, uri),
                "{uri} is served but not documented in openapi/openapi.json"
            );
        }
    }
    assert!(
        served >= 25,
        "only {served} served paths found in the source"
    );
}

/// The values just inside and just outside a documented schema's limits: `(value, valid)`.
fn edges(schema: &Value) -> Vec<(Value, bool)> {
    let mut out = Vec::new();
    let types: Vec<&str> = match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if types.contains(&"integer") {
        if let Some(min) = schema["minimum"].as_i64() {
            out.push((json!(min), true));
            out.push((json!(min - 1), false));
        }
        if let Some(max) = schema["maximum"].as_u64() {
            out.push((json!(max), true));
            out.push((json!(u128::from(max) + 1), false));
        }
    }
    if types.contains(&"string") {
        if let Some(max) = schema["maxLength"].as_u64() {
            // A string of that length in the documented format: letters in turn (a password
            // may not be one character repeated), an address for `email`.
            let letters =
                |n: usize| -> String { (b'a'..=b'z').cycle().take(n).map(char::from).collect() };
            let of_length = |n: usize| match schema["format"].as_str() {
                Some("email") => format!("m@{}.fi", letters(n.saturating_sub(5))),
                _ => letters(n),
            };
            out.push((json!(of_length(max as usize)), true));
            out.push((json!(of_length(max as usize + 1)), false));
        }
        if schema.get("enum").is_some() {
            out.push((json!("zz"), false));
        }
    }
    if types.contains(&"boolean") {
        out.push((json!("maybe"), false));
    }
    out
}

/// A query value as sent.
fn query_value(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Whether a 400 is about `name` (problem+json names it in `errors`; the recommender's text
/// errors quote it).
fn blames(r: &Resp, name: &str) -> bool {
    if r.status != StatusCode::BAD_REQUEST {
        return false;
    }
    if r.header(header::CONTENT_TYPE) == "application/problem+json" {
        return r.json()["errors"]
            .as_array()
            .is_some_and(|e| e.iter().any(|e| e["field"] == name));
    }
    r.text().contains(&format!("'{name}'"))
}

/// Operations whose success needs state no fixed example can name (a mailed link token, an
/// account with a password, a registered member service, a consent, a hand-over token, an
/// OAuth client, code or access token, a stored value, a company with a mandate), with where
/// their validation is tested. Their query parameters' limits are still checked here; their
/// successes and responses in [`real_responses_validate_against_their_documented_schemas`].
const NEEDS_STATE: &[(&str, &str, &str)] = &[
    ("POST", "/api/v1/feedback", "learning.rs"),
    ("POST", "/api/v1/clicks", "learning.rs"),
    ("POST", "/api/v1/account/verify", "tests/account.rs"),
    ("POST", "/api/v1/account/signin", "tests/account.rs"),
    ("POST", "/api/v1/account/password", "tests/account.rs"),
    (
        "POST",
        "/api/v1/account/password-reset/confirm",
        "tests/account.rs",
    ),
    ("POST", "/api/v1/account/email", "tests/account.rs"),
    ("POST", "/api/v1/account/email/confirm", "tests/account.rs"),
    ("POST", "/api/v1/me/consents", "tests/consent.rs"),
    ("GET", "/api/v1/me/consents/{id}", "tests/consent.rs"),
    ("DELETE", "/api/v1/me/consents/{id}", "tests/consent.rs"),
    ("POST", "/api/v1/me/consents/{id}/renew", "tests/consent.rs"),
    (
        "GET",
        "/api/v1/me/consents/{id}/receipt",
        "tests/consent.rs",
    ),
    ("POST", "/api/v1/handover", "tests/consent.rs"),
    ("POST", "/api/v1/handover/redeem", "tests/consent.rs"),
    ("GET", "/oauth/authorize", "tests/oauth.rs"),
    ("POST", "/oauth/authorize", "tests/oauth.rs"),
    ("POST", "/oauth/token", "tests/oauth.rs"),
    ("POST", "/oauth/revoke", "tests/oauth.rs"),
    ("POST", "/oauth/introspect", "tests/oauth.rs"),
    ("GET", "/oauth/userinfo", "tests/oauth.rs"),
    ("GET", "/api/v1/member/attributes", "tests/oauth.rs"),
    ("PUT", "/api/v1/member/attributes/{name}", "tests/oauth.rs"),
    ("DELETE", "/api/v1/me/twin/{attribute}", "tests/twin.rs"),
    ("GET", "/api/v1/me/companies/{id}/twin", "tests/twin.rs"),
    (
        "GET",
        "/api/v1/me/companies/{id}/twin/history",
        "tests/twin.rs",
    ),
    (
        "PUT",
        "/api/v1/me/companies/{id}/twin/{attribute}",
        "tests/twin.rs",
    ),
    (
        "DELETE",
        "/api/v1/me/companies/{id}/twin/{attribute}",
        "tests/twin.rs",
    ),
    ("GET", "/api/v1/me/companies/{id}/mandates", "tests/twin.rs"),
    (
        "POST",
        "/api/v1/me/companies/{id}/mandates",
        "tests/twin.rs",
    ),
    (
        "DELETE",
        "/api/v1/me/companies/{id}/mandates/{mandate_id}",
        "tests/twin.rs",
    ),
];

/// The documented limits of every query parameter and JSON body field of the API (ranges,
/// lengths, enumerations, booleans) are the server's: a value at a limit is accepted, one
/// past it is a 400 naming the parameter or field.
#[tokio::test]
async fn documented_limits_are_the_servers() {
    let doc = doc();
    let t = nlu_app().await;
    let mut checked = 0;
    for (method, path, op) in operations(&doc) {
        if path.starts_with("/service-recommender/") {
            continue; // checked with an authenticated client below
        }
        let needs_state = NEEDS_STATE
            .iter()
            .any(|(m, p, _)| *m == method && *p == path);
        // Each operation in a session of its own person, so that signing out, erasure and
        // deletions do not touch the others.
        let who = if in_session(&path) {
            crate::common::signed_in_person(&t.store, &t.keys).await
        } else {
            t.person.clone()
        };
        let params: Vec<&Value> = op["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|p| resolve(&doc, p))
            .collect();
        let base = concrete(&doc, &path, &op);
        let required: Vec<(String, String)> = params
            .iter()
            .filter(|p| p["in"] == "query" && p["required"] == true)
            .map(|p| {
                (
                    p["name"].as_str().unwrap().to_string(),
                    query_value(&p["example"]),
                )
            })
            .collect();
        let uri = |extra: Option<(&str, String)>| {
            let mut q = form_urlencoded::Serializer::new(String::new());
            for (k, v) in &required {
                if extra.as_ref().is_none_or(|(name, _)| name != k) {
                    q.append_pair(k, v);
                }
            }
            if let Some((k, v)) = &extra {
                q.append_pair(k, v);
            }
            format!("{base}?{}", q.finish())
        };
        let body_schema = op
            .pointer("/requestBody/content/application~1json/schema")
            .map(|s| resolve(&doc, s));
        let body_example = op
            .pointer("/requestBody/content/application~1json/examples")
            .and_then(|e| e.as_object()?.values().next().map(|e| e["value"].clone()))
            .or_else(|| {
                op.pointer("/requestBody/content/application~1json/example")
                    .cloned()
            });
        if !needs_state {
            let ok = call_by(&t.app, &who, &method, &uri(None), body_example.as_ref()).await;
            assert!(
                ok.status.is_success(),
                "{method} {path}: the base request fails: {}",
                ok.text()
            );
        }
        for p in params.iter().filter(|p| p["in"] == "query") {
            let name = p["name"].as_str().unwrap();
            let schema = resolve(&doc, &p["schema"]);
            let item = if schema["type"] == "array" {
                resolve(&doc, &schema["items"])
            } else {
                schema
            };
            for (value, valid) in edges(item) {
                let r = call_by(
                    &t.app,
                    &who,
                    &method,
                    &uri(Some((name, query_value(&value)))),
                    body_example.as_ref(),
                )
                .await;
                assert_eq!(
                    !blames(&r, name),
                    valid,
                    "{method} {path} {name}={value}: {} {}",
                    r.status,
                    r.text()
                );
                checked += 1;
            }
        }
        let (Some(schema), Some(example), false) = (body_schema, body_example, needs_state) else {
            continue; // (the body of an operation that needs state is checked where listed)
        };
        for (name, field) in schema["properties"].as_object().into_iter().flatten() {
            let field = match field.get("anyOf").and_then(Value::as_array) {
                Some(options) => resolve(&doc, &options[0]),
                None => resolve(&doc, field),
            };
            for (value, valid) in edges(field) {
                let mut body = example.clone();
                body[name.as_str()] = value.clone();
                let r = call_by(&t.app, &who, &method, &uri(None), Some(&body)).await;
                assert_eq!(
                    !blames(&r, name),
                    valid,
                    "{method} {path} {{{name}: {value}}}: {} {}",
                    r.status,
                    r.text()
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 70, "only {checked} limits checked");
}

// ------------------------------------------------------------------------------------------
// Real responses against their documented schemas
// ------------------------------------------------------------------------------------------

/// The documented path template `uri` falls under (static segments preferred).
fn template_of<'a>(doc: &'a Value, uri: &str) -> &'a str {
    let path = uri.split('?').next().unwrap();
    let segments: Vec<&str> = path.split('/').collect();
    doc["paths"]
        .as_object()
        .unwrap()
        .keys()
        .filter(|t| {
            let ts: Vec<&str> = t.split('/').collect();
            ts.len() == segments.len()
                && ts
                    .iter()
                    .zip(&segments)
                    .all(|(a, b)| a.starts_with('{') || a == b)
        })
        .min_by_key(|t| t.matches('{').count())
        .unwrap_or_else(|| panic!("no documented path for {uri}"))
}

/// Checks a real response against the document: its status is documented for the
/// operation, its media type is the documented one, its JSON body validates against the
/// documented schema, and its documented headers are present.
fn check(doc: &Value, closed: &Value, method: &str, uri: &str, r: &Resp) {
    let path = template_of(doc, uri);
    let m = method.to_ascii_lowercase();
    let op = &doc["paths"][path][&m];
    let status = r.status.as_u16().to_string();
    let documented = &op["responses"][&status];
    assert!(
        documented.is_object(),
        "{method} {uri}: status {status} is not documented ({})",
        r.text()
    );
    let response = resolve(doc, documented);
    let pointer = match documented["$ref"].as_str() {
        Some(rf) => rf.strip_prefix('#').unwrap().to_string(),
        None => format!("/paths/{}/{m}/responses/{status}", esc(path)),
    };
    for name in response["headers"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, _)| k)
    {
        assert!(
            r.headers.contains_key(name.as_str()),
            "{method} {uri}: documented header {name} missing"
        );
    }
    let Some(content) = response["content"].as_object() else {
        assert!(
            r.body.is_empty(),
            "{method} {uri}: a body where none is documented"
        );
        return;
    };
    let ct = r.header(header::CONTENT_TYPE);
    let key = content
        .keys()
        .find(|k| *k == ct || k.split(';').next() == ct.split(';').next())
        .unwrap_or_else(|| {
            panic!("{method} {uri}: media type {ct} is not documented for {status}")
        });
    if !(key.ends_with("json")) {
        return;
    }
    let e = violations(
        closed,
        &format!("{pointer}/content/{}/schema", esc(key)),
        &r.json(),
    );
    assert!(
        e.is_empty(),
        "{method} {uri} → {status}: {e:#?}\n{}",
        r.text()
    );
}

#[tokio::test]
async fn real_responses_validate_against_their_documented_schemas() {
    let doc = doc();
    let closed = closed_doc();
    let t = nlu_app().await;
    let gets: Vec<String> = vec![
        "/healthz".into(),
        "/readyz".into(),
        "/metrics".into(),
        "/api/v1/openapi.json".into(),
        "/api/v1/services".into(),
        "/api/v1/services?lang=sv&limit=3&offset=1".into(),
        "/api/v1/services?municipality=905,091&funding_type=PubliclyFunded&lang=en".into(),
        "/api/v1/services?municipality=999".into(),
        "/api/v1/services?only_national=true&region=01".into(),
        "/api/v1/services?limit=0".into(),
        "/api/v1/services?foo=1".into(),
        format!("/api/v1/services/{UIMAHALLI}?lang=en"),
        format!("/api/v1/services/{VALTUUDET}?lang=sv"),
        "/api/v1/services/nope".into(),
        "/api/v1/services/00000000-0000-4000-8000-0000000000ff".into(),
        "/api/v1/search?q=uimahalli".into(),
        "/api/v1/search?q=swimming&lang=en&limit=1&service_class=P27".into(),
        "/api/v1/search?q=".into(),
        "/api/v1/channels".into(),
        "/api/v1/channels?kind=phone&lang=en".into(),
        "/api/v1/channels?kind=fax".into(),
        format!("/api/v1/channels/{CH_UIMAHALLI_LOCATION}"),
        format!("/api/v1/channels/{CH_UIMAHALLI_WEB}?lang=sv"),
        "/api/v1/channels/00000000-0000-4000-8000-0000000000ff".into(),
        "/api/v1/organizations?lang=en".into(),
        format!("/api/v1/organizations/{ORG_VAASA}"),
        format!("/api/v1/organizations/{ORG_HELSINKI}?lang=en"),
        "/api/v1/organizations/00000000-0000-4000-8000-0000000000ff".into(),
        "/api/v1/codes/municipalities/Atlantis".into(),
        "/api/v1/codes/municipalities?lang=fr".into(),
    ];
    let lists = [
        ("municipalities", "Helsingfors"),
        ("regions", "01"),
        ("hospital-districts", "25"),
        ("wellbeing-counties", "90"),
        ("service-classes", "p5.1"),
        ("target-groups", "KR1.2"),
        ("life-events", "KE4"),
    ];
    let mut gets = gets;
    for (list, key) in lists {
        gets.push(format!("/api/v1/codes/{list}?lang=sv"));
        gets.push(format!("/api/v1/codes/{list}/{key}"));
    }
    let mut seen: BTreeSet<(String, String, u16)> = BTreeSet::new();
    for uri in &gets {
        let r = t.get(uri).await;
        check(&doc, &closed, "GET", uri, &r);
        seen.insert((
            "GET".into(),
            template_of(&doc, uri).into(),
            r.status.as_u16(),
        ));
    }
    let posts = [
        (
            "/api/v1/understand",
            json!({"text": "Muutan Tampereelle opiskelemaan syyskuussa, olen 19-vuotias"}),
        ),
        (
            "/api/v1/understand",
            json!({"text": "haluan tappaa itseni", "lang": "fi", "max_life_events": 1}),
        ),
        (
            "/api/v1/understand",
            json!({"text": "eilen", "lang": null, "max_service_classes": null}),
        ),
        ("/api/v1/understand", json!({"text": "x", "age": 3})),
        ("/api/v1/understand", json!({"text": " "})),
        ("/api/v1/understand", json!({"text": "x".repeat(10_001)})),
        (
            "/api/v1/guidance",
            json!({"text": "Muutan Vaasaan ja tarvitsen uimahallin", "limit": 3}),
        ),
        (
            "/api/v1/guidance",
            json!({"text": "I need help", "lang": "en"}),
        ),
        ("/api/v1/guidance", json!({"text": "x", "limit": 0})),
        ("/api/v1/guidance", json!([1])),
    ];
    for (uri, body) in &posts {
        let r = t.post(uri, body.clone()).await;
        check(&doc, &closed, "POST", uri, &r);
        seen.insert(("POST".into(), uri.to_string(), r.status.as_u16()));
    }
    for (content_type, body, status) in [
        (Some("text/plain"), b"hello".to_vec(), 415),
        (Some("application/json"), vec![b' '; 70 * 1024], 413),
    ] {
        let r = crate::common::post_raw(&t.app, "/api/v1/guidance", content_type, body).await;
        assert_eq!(r.status.as_u16(), status);
        check(&doc, &closed, "POST", "/api/v1/guidance", &r);
    }

    // Feedback and clicks on a stored recommendation of an authenticated client.
    {
        let mut l = crate::common::nlu_app().await;
        l.state = l.state.clone().with_recommendation_store(
            l.store.clone() as std::sync::Arc<dyn aurora_store::RecommendationStore>
        );
        l.app = aurora_server::router(l.state.clone());
        let client =
            aurora_store::RecommendationStore::create_client(l.store.as_ref(), "app", "org")
                .await
                .expect("client");
        let auth = format!(
            "Basic {}",
            base64(format!("{}:{}", client.client.id, client.secret).as_bytes())
        );
        let r = call_as(
            &l.app,
            Some(&auth),
            "POST",
            "/api/v1/guidance",
            Some(&json!({"text": "uimahalli", "municipality": "905", "meters": {"health": 2}})),
        )
        .await;
        check(&doc, &closed, "POST", "/api/v1/guidance", &r);
        let out = r.json();
        let id = out["recommendation_id"].clone();
        let service = out["services"][0]["id"].clone();
        assert_eq!(service, UIMAHALLI);
        for (uri, body, auth) in [
            (
                "/api/v1/feedback",
                json!({"recommendation_id": id, "service_id": service, "score": 1}),
                Some(auth.as_str()),
            ),
            (
                "/api/v1/feedback",
                json!({"recommendation_id": id, "service_id": service, "score": 1}),
                None,
            ),
            (
                "/api/v1/feedback",
                json!({"recommendation_id": id, "service_id": service, "score": 0}),
                Some(auth.as_str()),
            ),
            (
                "/api/v1/feedback",
                json!({"recommendation_id": id, "service_id": service, "score": 1}),
                Some("Basic eDp5"),
            ),
            (
                "/api/v1/clicks",
                json!({"recommendation_id": id, "service_id": service, "channel_id": CH_UIMAHALLI_WEB}),
                Some(auth.as_str()),
            ),
            (
                "/api/v1/clicks",
                json!({"recommendation_id": id, "service_id": service, "channel_id": CH_UIMAHALLI_WEB, "x": 1}),
                Some(auth.as_str()),
            ),
        ] {
            let r = call_as(&l.app, auth, "POST", uri, Some(&body)).await;
            check(&doc, &closed, "POST", uri, &r);
            seen.insert(("POST".into(), uri.to_string(), r.status.as_u16()));
        }
    }

    // Not ready, and the database gone: the 503s.
    let not_ready = crate::common::app_not_ready().await;
    let r = not_ready.get("/readyz").await;
    check(&doc, &closed, "GET", "/readyz", &r);
    t.store.close().await;
    for uri in ["/api/v1/services", "/api/v1/organizations"] {
        let r = t.get(uri).await;
        assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE);
        check(&doc, &closed, "GET", uri, &r);
    }

    // The twin, consent and authorization surfaces, in a scenario of their own.
    twin_scenario(&doc, &closed, &mut seen).await;

    // Every /api/v1 operation and the operational endpoints had a success checked (a
    // redirect, for an operation whose only documented success is one).
    for (method, path, op) in operations(&doc) {
        if path.starts_with("/service-recommender/") {
            continue; // checked in the recommender's own exchange below
        }
        let redirects_only = !op["responses"]
            .as_object()
            .unwrap()
            .keys()
            .any(|s| s.starts_with('2'));
        let success = |s: u16| s < 300 || (redirects_only && s < 400);
        assert!(
            seen.iter()
                .any(|(m, p, s)| *m == method && *p == path && success(*s)),
            "no successful {method} {path} was checked"
        );
    }
}

// ------------------------------------------------------------------------------------------
// The twin, consent and authorization surfaces: a scripted scenario over the real router
// ------------------------------------------------------------------------------------------

/// A session of the scenario: the `Cookie` header value and its CSRF token.
#[derive(Clone)]
struct Sess {
    cookie: String,
    csrf: String,
}

/// One request of the scenario.
#[derive(Default)]
struct Req<'a> {
    session: Option<&'a Sess>,
    /// Send the session's CSRF header (on by default through [`Req::signed`]).
    csrf: bool,
    authorization: Option<String>,
    json: Option<Value>,
    form: Option<String>,
}

impl<'a> Req<'a> {
    fn signed(s: &'a Sess) -> Self {
        Req {
            session: Some(s),
            csrf: true,
            ..Req::default()
        }
    }
    fn json(mut self, v: Value) -> Self {
        self.json = Some(v);
        self
    }
    fn form(mut self, f: String) -> Self {
        self.form = Some(f);
        self
    }
    fn auth(mut self, a: String) -> Self {
        self.authorization = Some(a);
        self
    }
    fn no_csrf(mut self) -> Self {
        self.csrf = false;
        self
    }
}

/// Sends the scenario's requests, checks every response against the document and records the
/// `(method, path template, status)` of each.
struct Scenario<'a> {
    app: axum::Router,
    doc: &'a Value,
    closed: &'a Value,
    seen: &'a mut BTreeSet<(String, String, u16)>,
}

impl Scenario<'_> {
    /// Sends, checks, records, and asserts the status.
    async fn expect(&mut self, status: u16, method: &str, uri: &str, req: Req<'_>) -> Resp {
        let mut r = Request::builder().method(method).uri(uri);
        if let Some(s) = req.session {
            r = r.header(header::COOKIE, &s.cookie);
            if req.csrf {
                r = r.header("x-csrf-token", &s.csrf);
            }
        }
        if let Some(a) = &req.authorization {
            r = r.header(header::AUTHORIZATION, a);
        }
        let body = if let Some(j) = &req.json {
            r = r.header(header::CONTENT_TYPE, "application/json");
            Body::from(serde_json::to_vec(j).unwrap())
        } else if let Some(f) = &req.form {
            r = r.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
            Body::from(f.clone())
        } else {
            Body::empty()
        };
        let resp = send(&self.app, r.body(body).unwrap()).await;
        assert_eq!(
            resp.status.as_u16(),
            status,
            "{method} {uri}: {}",
            resp.text()
        );
        if resp.status == StatusCode::FORBIDDEN
            && req.session.is_some()
            && !req.csrf
            && resp.header(header::CONTENT_TYPE) == "application/problem+json"
        {
            assert_eq!(resp.json()["code"], "csrf_failed", "{method} {uri}");
        }
        if resp.status == StatusCode::UNAUTHORIZED
            && in_session(uri)
            && resp.header(header::CONTENT_TYPE) == "application/problem+json"
        {
            assert_eq!(resp.json()["code"], "unauthenticated", "{method} {uri}");
        }
        check(self.doc, self.closed, method, uri, &resp);
        self.seen.insert((
            method.to_string(),
            template_of(self.doc, uri).to_string(),
            resp.status.as_u16(),
        ));
        resp
    }

    /// Signs in with e-mail and password: the new session.
    async fn sign_in(&mut self, email: &str, password: &str) -> (String, Sess) {
        let r = self
            .expect(
                200,
                "POST",
                "/api/v1/account/signin",
                Req::default().json(json!({"email": email, "password": password})),
            )
            .await;
        let v = r.json();
        (
            v["person_id"].as_str().unwrap().to_string(),
            Sess {
                cookie: session_cookie(&r),
                csrf: v["csrf_token"].as_str().unwrap().to_string(),
            },
        )
    }
}

/// The `name=value` of the session cookie a response sets.
fn session_cookie(r: &Resp) -> String {
    r.headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(|c| c.split(';').next().unwrap().to_string())
        .find(|c| c.contains("aurora_session=") && !c.ends_with('='))
        .unwrap_or_else(|| panic!("no session cookie in {:?}", r.headers))
}

/// The token of the link in mail number `n` (from 1) to `to`, once it is sent (some mail is
/// sent by a task of its own).
async fn mailed_token(mailer: &aurora_server::MemoryMailer, to: &str, n: usize) -> String {
    for _ in 0..500 {
        let mail: Vec<_> = mailer.sent().into_iter().filter(|m| m.to == to).collect();
        if let Some(mail) = mail.get(n - 1) {
            let at = mail.body.rfind("token=").expect("a link") + "token=".len();
            return mail.body[at..at + 43].to_string();
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("no mail number {n} to {to}");
}

/// A value of a redirect's `Location` query.
fn location_param(r: &Resp, name: &str) -> Option<String> {
    let location = r.header(header::LOCATION);
    let query = location.split_once('?')?.1;
    form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// An RFC 3339 time `days` from now.
fn in_days(days: i64) -> String {
    (time::OffsetDateTime::now_utc() + time::Duration::days(days))
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap()
}

/// Every operation of the twin, consent and authorization surfaces, performed successfully in
/// a sensible order over the real router (sign-up through the mailed link, twin values, a
/// member service, consent and its receipt, hand-over, the OAuth code flow and the member
/// data API, a company twin under mandates, export, and erasure last), plus the errors each
/// area answers with (401, 403 `csrf_failed`, 403, 404, 409 …), all checked against the
/// document.
async fn twin_scenario(doc: &Value, closed: &Value, seen: &mut BTreeSet<(String, String, u16)>) {
    let t = app().await;
    let mailer = std::sync::Arc::new(aurora_server::MemoryMailer::default());
    let state = t
        .state
        .clone()
        .with_account_settings(aurora_server::AccountSettings {
            mailer: Some(mailer.clone()),
            ..aurora_server::AccountSettings::default()
        });
    let mut s = Scenario {
        app: aurora_server::router(state),
        doc,
        closed,
        seen,
    };
    const EMAIL: &str = "matti@example.fi";
    const PASSWORD: &str = "kolme pientä porsasta";
    const RESET_PASSWORD: &str = "viisi pientä porsasta";
    const NEW_PASSWORD: &str = "neljä pientä porsasta";
    const NEW_EMAIL: &str = "matti.uusi@example.fi";
    let outsider = Sess {
        cookie: t.person.1.clone(),
        csrf: t.person.2.clone(),
    };

    // Accounts: sign-up, the mailed link, sign-in.
    let signup = json!({"email": EMAIL, "password": PASSWORD, "lang": "en"});
    s.expect(
        202,
        "POST",
        "/api/v1/account/signup",
        Req::default().json(signup.clone()),
    )
    .await;
    s.expect(415, "POST", "/api/v1/account/signup", Req::default())
        .await;
    s.expect(
        400,
        "POST",
        "/api/v1/account/signup",
        Req::default().json(json!({"email": EMAIL, "password": "short"})),
    )
    .await;
    s.expect(
        403,
        "POST",
        "/api/v1/account/signin",
        Req::default().json(json!({"email": EMAIL, "password": PASSWORD})),
    )
    .await;
    let token = mailed_token(&mailer, EMAIL, 1).await;
    s.expect(
        200,
        "POST",
        "/api/v1/account/verify",
        Req::default().json(json!({"token": token})),
    )
    .await;
    s.expect(
        400,
        "POST",
        "/api/v1/account/verify",
        Req::default().json(json!({"token": token})),
    )
    .await;
    s.expect(
        401,
        "POST",
        "/api/v1/account/signin",
        Req::default().json(json!({"email": EMAIL, "password": NEW_PASSWORD})),
    )
    .await;

    // A forgotten password: the link is mailed (the answer is the same for any address).
    s.expect(
        202,
        "POST",
        "/api/v1/account/password-reset",
        Req::default().json(json!({"email": EMAIL, "lang": "en"})),
    )
    .await;
    s.expect(
        400,
        "POST",
        "/api/v1/account/password-reset",
        Req::default().json(json!({"email": "nobody"})),
    )
    .await;
    let token = mailed_token(&mailer, EMAIL, 2).await;
    s.expect(
        400,
        "POST",
        "/api/v1/account/password-reset/confirm",
        Req::default().json(json!({"token": token, "new_password": "x"})),
    )
    .await;
    s.expect(
        200,
        "POST",
        "/api/v1/account/password-reset/confirm",
        Req::default().json(json!({"token": token, "new_password": RESET_PASSWORD})),
    )
    .await;
    s.expect(
        400,
        "POST",
        "/api/v1/account/password-reset/confirm",
        Req::default().json(json!({"token": token, "new_password": RESET_PASSWORD})),
    )
    .await;
    let (person, first) = s.sign_in(EMAIL, RESET_PASSWORD).await;
    s.expect(200, "GET", "/api/v1/account", Req::signed(&first))
        .await;
    s.expect(401, "GET", "/api/v1/account", Req::default())
        .await;

    // E-mail change: asked, mailed to the new address, confirmed in the same person's session.
    s.expect(
        403,
        "POST",
        "/api/v1/account/email",
        Req::signed(&first)
            .no_csrf()
            .json(json!({"new_email": NEW_EMAIL, "current_password": RESET_PASSWORD})),
    )
    .await;
    s.expect(
        202,
        "POST",
        "/api/v1/account/email",
        Req::signed(&first).json(
            json!({"new_email": NEW_EMAIL, "current_password": RESET_PASSWORD, "lang": "en"}),
        ),
    )
    .await;
    let token = mailed_token(&mailer, NEW_EMAIL, 1).await;
    s.expect(
        400,
        "POST",
        "/api/v1/account/email/confirm",
        Req::signed(&outsider).json(json!({"token": token})),
    )
    .await;
    s.expect(
        200,
        "POST",
        "/api/v1/account/email/confirm",
        Req::signed(&first).json(json!({"token": token})),
    )
    .await;

    // Password change: a new session; then signing out here and everywhere.
    s.expect(
        403,
        "POST",
        "/api/v1/account/password",
        Req::signed(&first)
            .json(json!({"current_password": NEW_PASSWORD, "new_password": NEW_PASSWORD})),
    )
    .await;
    let r = s
        .expect(
            200,
            "POST",
            "/api/v1/account/password",
            Req::signed(&first)
                .json(json!({"current_password": RESET_PASSWORD, "new_password": NEW_PASSWORD})),
        )
        .await;
    let changed = Sess {
        cookie: session_cookie(&r),
        csrf: r.json()["csrf_token"].as_str().unwrap().to_string(),
    };
    s.expect(401, "GET", "/api/v1/account", Req::signed(&first))
        .await;
    let (_, other) = s.sign_in(NEW_EMAIL, NEW_PASSWORD).await;
    s.expect(
        403,
        "POST",
        "/api/v1/account/signout",
        Req::signed(&other).no_csrf(),
    )
    .await;
    s.expect(204, "POST", "/api/v1/account/signout", Req::signed(&other))
        .await;
    s.expect(401, "POST", "/api/v1/account/signout", Req::signed(&other))
        .await;
    let (_, other) = s.sign_in(NEW_EMAIL, NEW_PASSWORD).await;
    s.expect(
        204,
        "POST",
        "/api/v1/account/signout-everywhere",
        Req::signed(&changed),
    )
    .await;
    s.expect(401, "GET", "/api/v1/me/session", Req::signed(&other))
        .await;
    let (_, me) = s.sign_in(NEW_EMAIL, NEW_PASSWORD).await;
    s.expect(200, "GET", "/api/v1/me/session", Req::signed(&me))
        .await;
    let (_, spare) = s.sign_in(NEW_EMAIL, NEW_PASSWORD).await;
    s.expect(
        403,
        "DELETE",
        "/api/v1/me/session",
        Req::signed(&spare).no_csrf(),
    )
    .await;
    s.expect(204, "DELETE", "/api/v1/me/session", Req::signed(&spare))
        .await;

    // The twin: the registry, values, history, deletion of one value.
    s.expect(200, "GET", "/api/v1/attributes?lang=sv", Req::default())
        .await;
    s.expect(400, "GET", "/api/v1/attributes?lang=de", Req::default())
        .await;
    s.expect(401, "GET", "/api/v1/me/twin", Req::default())
        .await;
    s.expect(
        403,
        "PUT",
        "/api/v1/me/twin/age",
        Req::signed(&me).no_csrf().json(json!({"value": 19})),
    )
    .await;
    s.expect(
        200,
        "PUT",
        "/api/v1/me/twin/age",
        Req::signed(&me).json(json!({"value": 19})),
    )
    .await;
    s.expect(
        400,
        "PUT",
        "/api/v1/me/twin/age",
        Req::signed(&me).json(json!({"value": -1})),
    )
    .await;
    s.expect(
        404,
        "PUT",
        "/api/v1/me/twin/shoe_size",
        Req::signed(&me).json(json!({"value": 43})),
    )
    .await;
    s.expect(
        200,
        "PUT",
        "/api/v1/me/twin/municipality_code",
        Req::signed(&me).json(json!({"value": "091"})),
    )
    .await;
    s.expect(
        409,
        "PUT",
        "/api/v1/me/twin/municipality_code",
        Req::signed(&me).json(json!({"value": "837", "expected_version": 7})),
    )
    .await;
    s.expect(200, "GET", "/api/v1/me/twin?lang=en", Req::signed(&me))
        .await;
    s.expect(
        200,
        "GET",
        "/api/v1/me/twin/history?limit=10",
        Req::signed(&me),
    )
    .await;
    s.expect(
        204,
        "DELETE",
        "/api/v1/me/twin/municipality_code",
        Req::signed(&me),
    )
    .await;
    s.expect(
        404,
        "DELETE",
        "/api/v1/me/twin/municipality_code",
        Req::signed(&me),
    )
    .await;

    // A member service (an operator action), then a consent and its receipt.
    const CB: &str = "https://svc.example/cb";
    let is_attribute = |a: &str| {
        aurora_twin::registry::AttributeRegistry::bundled()
            .get(a)
            .is_some()
    };
    let service = aurora_twin::oauth::client::register(
        t.store.as_ref(),
        &aurora_twin::oauth::client::ClientRegistration {
            name_fi: "Asumispalvelu".into(),
            name_sv: "Boendetjänst".into(),
            name_en: "Housing service".into(),
            organisation: "Kaupunki".into(),
            redirect_uris: vec![CB.into()],
            allowed_scopes: vec![
                "openid".into(),
                "age".into(),
                "store:municipality_code".into(),
            ],
            handover_attributes: vec!["age".into()],
            handover_url: Some("https://svc.example/start".into()),
            allowed_purposes: vec!["service_delivery".into()],
            ..Default::default()
        },
        &is_attribute,
    )
    .await
    .expect("register a member service");
    let service_id = service.client.id.clone();
    let service_auth = format!(
        "Basic {}",
        base64(format!("{service_id}:{}", service.secret).as_bytes())
    );
    let grant = json!({
        "recipient": {"kind": "service", "id": service_id},
        "purpose": "service_delivery",
        "attributes": ["age"],
        "valid_until": in_days(30),
        "lang": "fi",
    });
    s.expect(
        403,
        "POST",
        "/api/v1/me/consents",
        Req::signed(&me).no_csrf().json(grant.clone()),
    )
    .await;
    s.expect(
        401,
        "POST",
        "/api/v1/me/consents",
        Req::default().json(grant.clone()),
    )
    .await;
    let r = s
        .expect(
            201,
            "POST",
            "/api/v1/me/consents",
            Req::signed(&me).json(grant),
        )
        .await;
    let consent = r.json()["id"].as_str().expect("consent id").to_string();
    s.expect(
        400,
        "POST",
        "/api/v1/me/consents",
        Req::signed(&me).json(json!({"recipient": {"kind": "service", "id": service_id}, "purpose": "service_delivery", "attributes": ["age"], "valid_until": "tomorrow"})),
    )
    .await;
    s.expect(200, "GET", "/api/v1/me/consents?lang=en", Req::signed(&me))
        .await;
    let c = format!("/api/v1/me/consents/{consent}");
    s.expect(200, "GET", &c, Req::signed(&me)).await;
    s.expect(404, "GET", &c, Req::signed(&outsider)).await;
    s.expect(200, "GET", &format!("{c}/receipt"), Req::signed(&me))
        .await;
    s.expect(404, "GET", &format!("{c}/receipt"), Req::signed(&outsider))
        .await;
    s.expect(
        200,
        "POST",
        &format!("{c}/renew"),
        Req::signed(&me).json(json!({"valid_until": in_days(60)})),
    )
    .await;
    s.expect(200, "GET", "/api/v1/consent-receipts/keys", Req::default())
        .await;

    // Hand-over: signed in (twin values), and anonymous; redeemed once by the service.
    let r = s
        .expect(
            201,
            "POST",
            "/api/v1/handover",
            Req::signed(&me)
                .json(json!({"service": service_id, "attributes": ["age"], "lang": "en"})),
        )
        .await;
    let url = r.json()["url"].as_str().unwrap().to_string();
    let token = url
        .split_once("#aurora_handover=")
        .expect("token")
        .1
        .to_string();
    s.expect(
        401,
        "POST",
        "/api/v1/handover/redeem",
        Req::default().json(json!({"token": token})),
    )
    .await;
    s.expect(
        200,
        "POST",
        "/api/v1/handover/redeem",
        Req::default()
            .auth(service_auth.clone())
            .json(json!({"token": token})),
    )
    .await;
    s.expect(
        404,
        "POST",
        "/api/v1/handover/redeem",
        Req::default()
            .auth(service_auth.clone())
            .json(json!({"token": token})),
    )
    .await;
    s.expect(
        201,
        "POST",
        "/api/v1/handover",
        Req::default().json(json!({"service": service_id, "values": {"age": 30}})),
    )
    .await;
    s.expect(
        400,
        "POST",
        "/api/v1/handover",
        Req::default().json(json!({"service": service_id, "values": {"age": "old"}})),
    )
    .await;

    // OAuth: discovery, the consent screen, the code, tokens, the member data API.
    s.expect(
        200,
        "GET",
        "/.well-known/openid-configuration",
        Req::default(),
    )
    .await;
    s.expect(200, "GET", "/oauth/jwks.json", Req::default())
        .await;
    const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("response_type", "code")
        .append_pair("client_id", &service_id)
        .append_pair("redirect_uri", CB)
        .append_pair("scope", "openid age store:municipality_code")
        .append_pair("state", "st-1")
        .append_pair("nonce", "n-1")
        .append_pair("code_challenge", &aurora_twin::oauth::s256(VERIFIER))
        .append_pair("code_challenge_method", "S256")
        .finish();
    let authorize = format!("/oauth/authorize?{query}");
    s.expect(200, "GET", &authorize, Req::signed(&me)).await;
    s.expect(303, "GET", &authorize, Req::default()).await;
    s.expect(
        400,
        "GET",
        &authorize.replace(&service_id, "no-such-client"),
        Req::signed(&me),
    )
    .await;
    let form = format!("{query}&csrf={}&decision=approve", me.csrf);
    s.expect(
        403,
        "POST",
        "/oauth/authorize",
        Req::signed(&me)
            .no_csrf()
            .form(format!("{query}&csrf=wrong&decision=approve")),
    )
    .await;
    s.expect(
        401,
        "POST",
        "/oauth/authorize",
        Req::default().form(form.clone()),
    )
    .await;
    let r = s
        .expect(
            303,
            "POST",
            "/oauth/authorize",
            Req::signed(&me).no_csrf().form(form),
        )
        .await;
    let code = location_param(&r, "code").expect("a code");
    let exchange = form_urlencoded::Serializer::new(String::new())
        .append_pair("grant_type", "authorization_code")
        .append_pair("code", &code)
        .append_pair("redirect_uri", CB)
        .append_pair("code_verifier", VERIFIER)
        .finish();
    s.expect(
        401,
        "POST",
        "/oauth/token",
        Req::default()
            .auth(format!(
                "Basic {}",
                base64(format!("{service_id}:wrong").as_bytes())
            ))
            .form(exchange.clone()),
    )
    .await;
    let r = s
        .expect(
            200,
            "POST",
            "/oauth/token",
            Req::default()
                .auth(service_auth.clone())
                .form(exchange.clone()),
        )
        .await;
    let tokens = r.json();
    let access = tokens["access_token"].as_str().unwrap().to_string();
    let refresh = tokens["refresh_token"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let bearer = format!("Bearer {access}");
    s.expect(401, "GET", "/oauth/userinfo", Req::default())
        .await;
    s.expect(
        200,
        "GET",
        "/oauth/userinfo",
        Req::default().auth(bearer.clone()),
    )
    .await;
    s.expect(
        200,
        "GET",
        "/api/v1/member/attributes",
        Req::default().auth(bearer.clone()),
    )
    .await;
    s.expect(
        403,
        "GET",
        "/api/v1/member/attributes?attributes=municipality_code",
        Req::default().auth(bearer.clone()),
    )
    .await;
    s.expect(
        200,
        "PUT",
        "/api/v1/member/attributes/municipality_code",
        Req::default()
            .auth(bearer.clone())
            .json(json!({"value": "837"})),
    )
    .await;
    s.expect(
        403,
        "PUT",
        "/api/v1/member/attributes/age",
        Req::default()
            .auth(bearer.clone())
            .json(json!({"value": 40})),
    )
    .await;
    s.expect(
        400,
        "PUT",
        "/api/v1/member/attributes/municipality_code",
        Req::default()
            .auth(bearer.clone())
            .json(json!({"value": 837})),
    )
    .await;
    s.expect(
        200,
        "POST",
        "/oauth/introspect",
        Req::default()
            .auth(service_auth.clone())
            .form(format!("token={access}")),
    )
    .await;
    s.expect(
        401,
        "POST",
        "/oauth/introspect",
        Req::default().form(format!("token={access}")),
    )
    .await;
    s.expect(
        200,
        "POST",
        "/oauth/revoke",
        Req::default()
            .auth(service_auth.clone())
            .form(format!("token={refresh}&token_type_hint=refresh_token")),
    )
    .await;
    // A code used twice: refused, and the tokens issued for it are revoked.
    s.expect(
        400,
        "POST",
        "/oauth/token",
        Req::default().auth(service_auth.clone()).form(exchange),
    )
    .await;
    s.expect(
        400,
        "POST",
        "/oauth/revoke",
        Req::default()
            .auth(service_auth.clone())
            .form(String::new()),
    )
    .await;

    // The reads are in the person's access log; the consent can be withdrawn.
    s.expect(
        200,
        "GET",
        "/api/v1/me/access-log?limit=5",
        Req::signed(&me),
    )
    .await;
    s.expect(
        400,
        "GET",
        "/api/v1/me/access-log?limit=0",
        Req::signed(&me),
    )
    .await;
    s.expect(200, "DELETE", &c, Req::signed(&me)).await;
    s.expect(404, "DELETE", &c, Req::signed(&outsider)).await;

    // A company twin (an operator action) under mandates.
    let (company, full) = aurora_twin::company::create_company(
        t.store.as_ref(),
        t.store.as_ref(),
        &t.keys,
        "0112038-9",
        "Oy Testi Ab",
        &person,
        time::OffsetDateTime::now_utc().unix_timestamp(),
    )
    .await
    .expect("create a company");
    let base = format!("/api/v1/me/companies/{}", company.id);
    s.expect(200, "GET", "/api/v1/me/companies", Req::signed(&me))
        .await;
    s.expect(
        200,
        "PUT",
        &format!("{base}/twin/industry_class"),
        Req::signed(&me).json(json!({"value": "62010"})),
    )
    .await;
    s.expect(
        400,
        "PUT",
        &format!("{base}/twin/industry_class"),
        Req::signed(&me).json(json!({"value": "04000"})),
    )
    .await;
    s.expect(
        200,
        "PUT",
        &format!("{base}/twin/size"),
        Req::signed(&me).json(json!({"value": "small"})),
    )
    .await;
    s.expect(
        200,
        "GET",
        &format!("{base}/twin?lang=sv"),
        Req::signed(&me),
    )
    .await;
    s.expect(403, "GET", &format!("{base}/twin"), Req::signed(&outsider))
        .await;
    s.expect(
        200,
        "GET",
        &format!("{base}/twin/history"),
        Req::signed(&me),
    )
    .await;
    s.expect(
        204,
        "DELETE",
        &format!("{base}/twin/size"),
        Req::signed(&me),
    )
    .await;
    s.expect(200, "GET", &format!("{base}/mandates"), Req::signed(&me))
        .await;
    s.expect(
        403,
        "GET",
        &format!("{base}/mandates"),
        Req::signed(&outsider),
    )
    .await;
    s.expect(
        400,
        "POST",
        &format!("{base}/mandates"),
        Req::signed(&me).json(json!({"agent_id": t.person.0, "matters": ["fly"]})),
    )
    .await;
    let r = s
        .expect(
            201,
            "POST",
            &format!("{base}/mandates"),
            Req::signed(&me).json(json!({"agent_id": t.person.0, "matters": ["twin_read"], "valid_until": in_days(90)})),
        )
        .await;
    let mandate = r.json()["id"].as_str().unwrap().to_string();
    s.expect(200, "GET", &format!("{base}/twin"), Req::signed(&outsider))
        .await;
    s.expect(
        204,
        "DELETE",
        &format!("{base}/mandates/{mandate}"),
        Req::signed(&me),
    )
    .await;
    s.expect(
        409,
        "DELETE",
        &format!("{base}/mandates/{}", full.id),
        Req::signed(&me),
    )
    .await;

    // Export, deleting the twin, and erasure last.
    s.expect(200, "GET", "/api/v1/me/export", Req::signed(&me))
        .await;
    s.expect(
        200,
        "POST",
        "/api/v1/me/export/encrypted",
        Req::signed(&me).json(json!({"passphrase": "correct horse battery staple"})),
    )
    .await;
    s.expect(
        400,
        "POST",
        "/api/v1/me/export/encrypted",
        Req::signed(&me).json(json!({"passphrase": "short"})),
    )
    .await;
    s.expect(200, "DELETE", "/api/v1/me/twin", Req::signed(&me))
        .await;
    s.expect(
        400,
        "POST",
        "/api/v1/me/erase",
        Req::signed(&me).json(json!({"confirm": false})),
    )
    .await;
    s.expect(
        403,
        "POST",
        "/api/v1/me/erase",
        Req::signed(&me).no_csrf().json(json!({"confirm": true})),
    )
    .await;
    s.expect(
        200,
        "POST",
        "/api/v1/me/erase",
        Req::signed(&me).json(json!({"confirm": true})),
    )
    .await;
    s.expect(401, "GET", "/api/v1/account", Req::signed(&me))
        .await;
    s.expect(
        401,
        "POST",
        "/api/v1/account/signin",
        Req::default().json(json!({"email": NEW_EMAIL, "password": NEW_PASSWORD})),
    )
    .await;
}

/// Standard base64 (for a Basic credential).
fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n =
            chunk.iter().fold(0u32, |acc, &b| acc << 8 | u32::from(b)) << (8 * (3 - chunk.len()));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// A request with an optional Basic credential and JSON body.
async fn call_as(
    app: &axum::Router,
    auth: Option<&str>,
    method: &str,
    uri: &str,
    body: Option<&Value>,
) -> Resp {
    let mut r = Request::builder().method(method).uri(uri);
    if let Some(auth) = auth {
        r = r.header(header::AUTHORIZATION, auth);
    }
    let body = match body {
        Some(b) => {
            r = r.header(header::CONTENT_TYPE, "application/json");
            Body::from(serde_json::to_vec(b).unwrap())
        }
        None => Body::empty(),
    };
    send(app, r.body(body).unwrap()).await
}

/// The recommender API's real answers, successes and errors, against the document.
#[tokio::test]
async fn recommender_responses_validate_against_their_documented_schemas() {
    use aurora_store::{CatalogStore, RecommendationStore, TransferAttribute};
    let doc = doc();
    let closed = closed_doc();
    let t = app().await;
    // 3X10D hand labels for one service, so `recommend_service` has something to explain.
    let labels = aurora_model::Meters::from_pairs([
        (aurora_model::Dimension::Health, 1.0),
        (aurora_model::Dimension::Friends, 1.0),
    ]);
    t.store
        .set_labels(&[(UIMAHALLI.to_string(), labels)])
        .await
        .expect("labels");
    let state = aurora_server::AppState::new(t.store.clone() as std::sync::Arc<dyn CatalogStore>)
        .with_recommendation_store(t.store.clone() as std::sync::Arc<dyn RecommendationStore>);
    state.rebuild_search_index().await.expect("index");
    state.set_ready(true);
    let app = aurora_server::router(state);
    let client = t
        .store
        .create_client("API docs test", "Aurora")
        .await
        .expect("client");
    let auth = format!(
        "Basic {}",
        base64(format!("{}:{}", client.client.id, client.secret).as_bytes())
    );
    let auth = Some(auth.as_str());
    t.store
        .set_session_receiver(
            CH_UIMAHALLI_WEB,
            &[TransferAttribute::Age, TransferAttribute::MunicipalityCode],
        )
        .await
        .expect("receiver");

    let mut seen: BTreeSet<(String, String)> = BTreeSet::new();
    let exchange = |method: &'static str, uri: String, r: &Resp| {
        check(&doc, &closed, method, &uri, r);
        (
            method.to_string(),
            template_of(&doc, &uri).to_string(),
            r.status,
        )
    };
    let mut record = |(m, p, status): (String, String, StatusCode)| {
        if status.is_success() || status.is_redirection() {
            seen.insert((m, p));
        }
    };
    const P: &str = "/service-recommender/v1";

    let body =
        json!({"life_situation_meters": {"family": [2], "working_studying": [3]}, "limit": 3});
    let r = call_as(
        &app,
        auth,
        "POST",
        &format!("{P}/recommend_service"),
        Some(&body),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    record(exchange("POST", format!("{P}/recommend_service"), &r));
    for (who, body, status) in [
        (None, body.clone(), 401),
        (
            auth,
            json!({"life_situation_meters": {"family": [2]}, "age": 30}),
            400,
        ),
        (auth, json!({"life_situation_meters": {}, "limit": 0}), 400),
    ] {
        let r = call_as(
            &app,
            who,
            "POST",
            &format!("{P}/recommend_service"),
            Some(&body),
        )
        .await;
        assert_eq!(r.status.as_u16(), status, "{}", r.text());
        record(exchange("POST", format!("{P}/recommend_service"), &r));
    }

    let r = call_as(
        &app,
        auth,
        "POST",
        &format!("{P}/text_search"),
        Some(&json!({"search_text": "uimahalli", "limit": 2})),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    record(exchange("POST", format!("{P}/text_search"), &r));
    let found = r.json();
    let recommendation_id = found["auroraai_recommendation_id"].as_i64().expect("id");
    let services = found["recommended_services"].as_array().expect("services");
    assert!(
        services.iter().any(|s| s["service_id"] == UIMAHALLI),
        "{found}"
    );
    let r = call_as(
        &app,
        auth,
        "POST",
        &format!("{P}/text_search"),
        Some(&json!({"search_text": "simhall", "language": "sv"})),
    )
    .await;
    record(exchange("POST", format!("{P}/text_search"), &r));

    for (body, status) in [
        (
            json!({"auroraai_recommendation_id": recommendation_id, "feedback_score": 1, "service_feedbacks": [{"service_id": UIMAHALLI, "feedback_score": -1}]}),
            200,
        ),
        (
            json!({"auroraai_recommendation_id": recommendation_id + 1_000_000, "feedback_score": 1}),
            404,
        ),
        (json!({"auroraai_recommendation_id": "1"}), 400),
    ] {
        let r = call_as(
            &app,
            auth,
            "POST",
            &format!("{P}/recommendation_feedback"),
            Some(&body),
        )
        .await;
        assert_eq!(r.status.as_u16(), status, "{}", r.text());
        record(exchange("POST", format!("{P}/recommendation_feedback"), &r));
    }

    let link = |link_id: u32| {
        format!(
            "{P}/redirect?service_id={UIMAHALLI}&service_channel_id={CH_UIMAHALLI_WEB}&recommendation_id={recommendation_id}&link_id={link_id}&session_id=s1"
        )
    };
    for (uri, status) in [
        (link(0), 302),
        (link(30), 404),
        (format!("{P}/redirect?link_id=x"), 400),
    ] {
        let r = call_as(&app, None, "GET", &uri, None).await;
        assert_eq!(r.status.as_u16(), status, "{uri}: {}", r.text());
        record(exchange("GET", uri, &r));
    }

    let attributes = json!({"service_channel_id": CH_UIMAHALLI_WEB, "session_attributes": {"age": 20, "municipality_code": "905"}});
    let uri = format!("{P}/session_attributes");
    let r = call_as(&app, auth, "POST", &uri, Some(&attributes)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    record(exchange("POST", uri.clone(), &r));
    let link = r.text();
    let token = link
        .split("auroraai_access_token=")
        .nth(1)
        .expect("a token in the link")
        .to_string();
    for (body, status) in [
        (
            json!({"service_channel_id": CH_UIMAHALLI_LOCATION, "session_attributes": {"age": 20}}),
            400,
        ),
        (
            json!({"service_channel_id": CH_UIMAHALLI_WEB, "session_attributes": {"age": 201}}),
            400,
        ),
    ] {
        let r = call_as(&app, auth, "POST", &uri, Some(&body)).await;
        assert_eq!(r.status.as_u16(), status, "{}", r.text());
        record(exchange("POST", uri.clone(), &r));
    }
    for (query, status) in [(token.as_str(), 200), (token.as_str(), 404), ("abc", 400)] {
        let get = format!("{uri}?access_token={query}");
        let r = call_as(&app, None, "GET", &get, None).await;
        assert_eq!(r.status.as_u16(), status, "{get}: {}", r.text());
        if status == 200 {
            assert_eq!(r.json(), json!({"age": 20, "municipality_code": "905"}));
        }
        record(exchange("GET", get, &r));
    }
    let r = call_as(&app, None, "OPTIONS", &uri, None).await;
    record(exchange("OPTIONS", uri.clone(), &r));

    for (method, path, _) in operations(&doc) {
        if path.starts_with(P) {
            assert!(
                seen.contains(&(method.clone(), path.clone())),
                "no successful {method} {path} was checked"
            );
        }
    }
}

// ------------------------------------------------------------------------------------------
// The docs page
// ------------------------------------------------------------------------------------------

/// Every `id="…"` of a page.
fn ids(html: &str) -> Vec<&str> {
    html.match_indices(" id=\"")
        .map(|(i, m)| {
            let rest = &html[i + m.len()..];
            &rest[..rest.find('"').unwrap()]
        })
        .collect()
}

/// Every value of an attribute.
fn attr_values<'a>(html: &'a str, attr: &str) -> Vec<&'a str> {
    let needle = format!(" {attr}=\"");
    html.match_indices(&needle)
        .map(|(i, m)| {
            let rest = &html[i + m.len()..];
            &rest[..rest.find('"').unwrap()]
        })
        .collect()
}

#[tokio::test]
async fn the_docs_page_lists_every_operation_in_every_language() {
    let doc = doc();
    let t = app().await;
    let mut headings = Vec::new();
    for lang in ["fi", "sv", "en"] {
        let r = t.get(&format!("/{lang}/api")).await;
        assert_eq!(r.status, StatusCode::OK, "/{lang}/api");
        assert_eq!(r.header(header::CONTENT_TYPE), "text/html; charset=utf-8");
        assert_eq!(r.header(header::CONTENT_LANGUAGE), lang);
        let html = r.text();
        assert!(html.contains(&format!("<html lang=\"{lang}\">")));
        assert_eq!(html.matches("<h1>").count(), 1, "one h1");
        for (method, path, op) in operations(&doc) {
            let anchor = format!("op-{}", op["operationId"].as_str().unwrap());
            let heading = format!(
                "<h3 id=\"{anchor}\"><span class=\"method\">{method}</span> <code>{path}</code></h3>"
            );
            assert!(html.contains(&heading), "/{lang}/api lacks {method} {path}");
            assert!(
                html.contains(&format!("href=\"#{anchor}\"")),
                "/{lang}/api: {anchor} not in the contents"
            );
        }
        for name in doc["components"]["schemas"].as_object().unwrap().keys() {
            assert!(
                html.contains(&format!("id=\"schema-{name}\"")),
                "/{lang}/api lacks schema {name}"
            );
        }
        // Ids are unique and every in-page link has its target.
        let all_ids = ids(&html);
        let unique: BTreeSet<&str> = all_ids.iter().copied().collect();
        assert_eq!(unique.len(), all_ids.len(), "duplicate ids on /{lang}/api");
        for value in attr_values(&html, "href")
            .into_iter()
            .chain(attr_values(&html, "aria-labelledby"))
        {
            if let Some(anchor) = value.strip_prefix('#') {
                assert!(
                    unique.contains(anchor),
                    "/{lang}/api: broken link #{anchor}"
                );
            } else if !value.starts_with('/') {
                assert!(
                    unique.contains(value),
                    "/{lang}/api: {value} is neither local nor an id"
                );
            }
        }
        // Operations that take credentials say so.
        let authenticated = operations(&doc)
            .iter()
            .filter(|(_, _, op)| {
                op["security"].as_array().is_some_and(|s| {
                    s.iter()
                        .any(|r| r.as_object().is_some_and(|o| !o.is_empty()))
                })
            })
            .count();
        assert!(authenticated >= 5);
        assert_eq!(
            html.matches("<p class=\"auth\">").count(),
            authenticated,
            "/{lang}/api"
        );
        // Nothing from elsewhere: no scripts, every src and href on this server.
        assert!(!html.contains("<script"), "no JavaScript");
        for value in attr_values(&html, "src")
            .into_iter()
            .chain(attr_values(&html, "href"))
        {
            assert!(
                value.starts_with('/') || value.starts_with('#'),
                "external resource {value}"
            );
        }
        // The English API texts are marked as such on the other pages.
        assert_eq!(html.contains("<div lang=\"en\">"), lang != "en");
        let h2 = html.split("<h2 id=\"tag-services\">").nth(1).unwrap();
        headings.push(h2[..h2.find('<').unwrap()].to_string());
    }
    assert_eq!(headings, ["Palvelut", "Tjänster", "Services"]);

    let css = t.get("/assets/api-docs.css").await;
    assert_eq!(css.status, StatusCode::OK);
    assert_eq!(css.header(header::CONTENT_TYPE), "text/css; charset=utf-8");
    assert!(css.text().contains(".api-docs table"));
}

#[tokio::test]
async fn api_docs_redirects_to_the_page_in_the_browsers_language() {
    let t = app().await;
    let r = get_with(&t.app, "/api-docs", "accept-language", "sv-FI, en;q=0.5").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.header(header::LOCATION), "/sv/api");
    assert_eq!(r.header(header::VARY), "accept-language");
    let r = t.get("/api-docs").await;
    assert_eq!(r.header(header::LOCATION), "/fi/api");
    let r = t.get("/de/api").await;
    r.assert_problem(
        404,
        json!({
            "type": "https://aurora.example/problems/not_found",
            "title": "Not found",
            "status": 404,
            "detail": "no route for path \"/de/api\"",
            "code": "not_found"
        }),
    );
    let r = crate::common::request(&t.app, Method::POST, "/en/api").await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
}
