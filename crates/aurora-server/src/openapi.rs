//! The OpenAPI 3.1 description of the HTTP API (`GET /api/v1/openapi.json`) and its
//! rendering as a web page (`GET /{lang}/api`, with `/api-docs` redirecting there).
//!
//! The document is a hand-maintained file, `openapi/openapi.json`, compiled in with
//! `include_str!`. Writing it by hand keeps the wire format the thing that is specified (the
//! views carry no schema derives) and costs nothing at build time; the HTTP tests keep it
//! honest: every `$ref` resolves, every route the router serves is documented and every
//! documented operation is served, and real responses of every operation validate against
//! their documented schemas.
//!
//! The document is served as is, with a strong `ETag` (a hash of its bytes, computed at
//! compile time) and `Cache-Control: public, max-age=300`; `If-None-Match` gets a 304.
//!
//! The docs page is rendered on the server from the same document (no JavaScript, no CDN,
//! the site's own stylesheet plus a small one for tables and code): operations grouped by tag
//! with their parameters, request body fields, responses and examples, then every schema.
//! Headings and labels are in the page language (Fluent); the API's own descriptions are
//! English and carry `lang="en"` on the fi and sv pages so screen readers switch voice. A page
//! is rendered once per language and kept.

use std::sync::OnceLock;

use askama::Template;
use aurora_model::Lang;
use axum::body::Bytes;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use serde_json::{Map, Value};

use crate::api::ApiPath;
use crate::error::{ApiError, ErrorCode};
use crate::i18n::Tr;
use crate::params::{from_accept_language, QueryParams};
use crate::state::AppState;

/// The OpenAPI document, as served.
pub(crate) const DOCUMENT: &str = include_str!("../openapi/openapi.json");

/// Where the document is served.
pub(crate) const DOCUMENT_PATH: &str = "/api/v1/openapi.json";

/// FNV-1a over the document: its `ETag` changes exactly when its bytes do.
const DOCUMENT_HASH: u64 = fnv1a(DOCUMENT.as_bytes());

const fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut i = 0;
    while i < bytes.len() {
        hash ^= bytes[i] as u64;
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        i += 1;
    }
    hash
}

/// How long clients may use the document without asking again.
const CACHE_CONTROL: &str = "public, max-age=300";

/// Styles of the docs page only (tables, code, examples); everything else is `aurora.css`.
/// Colours meet WCAG 2.1 AA on white: text #1b1b1b, borders #767676 (4.5:1), accents #0b3a66.
const DOCS_CSS: &str = "\
.api-docs code, .api-docs pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.api-docs code { font-size: 0.95em; overflow-wrap: anywhere; }
.api-docs pre { background: #f4f4f4; color: #1b1b1b; border: 1px solid #767676; border-radius: 0.25rem; padding: 0.75rem; font-size: 0.875rem; white-space: pre-wrap; overflow-wrap: anywhere; }
.api-docs table { border-collapse: collapse; width: 100%; table-layout: fixed; margin: 0.5rem 0 1rem; }
.api-docs th, .api-docs td { border: 1px solid #767676; padding: 0.4rem 0.5rem; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
.api-docs thead th { background: #e6edf5; }
.api-docs th[scope=\"row\"] { font-weight: 400; }
.api-docs col.name { width: 28%; }
.api-docs col.type { width: 30%; }
.api-docs .method { display: inline-block; min-width: 4.5em; padding: 0 0.3rem; border: 2px solid #0b3a66; border-radius: 0.25rem; color: #0b3a66; font-family: ui-monospace, Menlo, Consolas, monospace; font-weight: 700; text-align: center; }
.api-docs .operation { border-top: 2px solid #0b3a66; margin-top: 2rem; padding-top: 0.5rem; }
.api-docs .schema { border-top: 1px solid #767676; margin-top: 1.5rem; padding-top: 0.5rem; }
.api-docs h3 { font-size: 1.25rem; margin-top: 0.5rem; }
.api-docs h4 { font-size: 1.1rem; margin: 1rem 0 0.25rem; }
.api-docs h5 { font-size: 1rem; margin: 0.75rem 0 0.25rem; }
.api-docs .flags, .api-docs .constraints { color: #4a4a4a; font-size: 0.9rem; }
.api-docs .constraints { list-style: none; margin: 0.25rem 0 0; padding: 0; }
.api-docs .toc ul ul { margin-bottom: 0.5rem; }
.api-docs details { margin: 0.5rem 0; }
.api-docs summary { cursor: pointer; font-weight: 700; }
.api-docs summary:focus-visible { outline: 3px solid #1b1b1b; outline-offset: 2px; }
.api-docs .auth { border-left: 4px solid #0b3a66; padding-left: 0.5rem; }
";

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route(DOCUMENT_PATH, get(document))
        .route("/api-docs", get(docs_redirect))
        .route("/{lang}/api", get(docs_page))
        .route("/assets/api-docs.css", get(css))
}

/// `"<16 hex digits>"`.
fn etag() -> String {
    format!("\"{DOCUMENT_HASH:016x}\"")
}

/// Whether an `If-None-Match` header matches `etag` (weak comparison, as RFC 9110 asks for
/// this header: a `W/` prefix is ignored).
fn none_match(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .any(|tag| tag == "*" || tag.strip_prefix("W/").unwrap_or(tag) == etag)
}

/// `GET /api/v1/openapi.json`.
async fn document(params: QueryParams, headers: HeaderMap) -> Result<Response, ApiError> {
    params.reject_unknown(&[])?;
    let etag = etag();
    let mut response = if none_match(&headers, &etag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        ([(header::CONTENT_TYPE, "application/json")], DOCUMENT).into_response()
    };
    let h = response.headers_mut();
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(CACHE_CONTROL),
    );
    if let Ok(value) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, value);
    }
    Ok(response)
}

async fn css() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        DOCS_CSS,
    )
        .into_response()
}

/// `/api-docs` → `/{lang}/api` in the language of `Accept-Language` (default Finnish).
async fn docs_redirect(headers: HeaderMap) -> Response {
    let lang = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(from_accept_language)
        .unwrap_or(Lang::Fi);
    let mut response = Redirect::to(&format!("/{lang}/api")).into_response();
    response
        .headers_mut()
        .insert(header::VARY, HeaderValue::from_static("accept-language"));
    response
}

/// `GET /{lang}/api`.
async fn docs_page(ApiPath(code): ApiPath<String>) -> Result<Response, ApiError> {
    let (lang, index) = match code.as_str() {
        "fi" => (Lang::Fi, 0),
        "sv" => (Lang::Sv, 1),
        "en" => (Lang::En, 2),
        _ => {
            return Err(ApiError::new(
                ErrorCode::NotFound,
                format!("no route for path \"/{code}/api\""),
            ))
        }
    };
    // Rendered once per language (the document is compiled in); `Bytes` clones share it.
    static PAGES: [OnceLock<Result<Bytes, String>>; 3] =
        [OnceLock::new(), OnceLock::new(), OnceLock::new()];
    let page = PAGES[index].get_or_init(|| render(lang).map(Bytes::from));
    match page {
        Ok(html) => Ok((
            [
                (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                (header::CONTENT_LANGUAGE, lang.code()),
                (header::CACHE_CONTROL, "public, max-age=300"),
            ],
            html.clone(),
        )
            .into_response()),
        Err(error) => Err(ApiError::internal(&format!(
            "the API documentation page could not be rendered: {error}"
        ))),
    }
}

/// The page in `lang`.
fn render(lang: Lang) -> Result<String, String> {
    let doc: Value = serde_json::from_str(DOCUMENT).map_err(|e| format!("openapi.json: {e}"))?;
    let page = DocsPage::build(&doc, lang)?;
    page.render().map_err(|e| e.to_string())
}

// ------------------------------------------------------------------------------------------
// The page model: what the template shows, built from the document.
// ------------------------------------------------------------------------------------------

/// A piece of inline text: the descriptions use a little Markdown (`code`, **strong**,
/// *emphasis*); each piece is escaped by the template like any other value.
pub(crate) struct Span {
    text: String,
    code: bool,
    strong: bool,
    em: bool,
    /// A link target within the page (types in type expressions).
    href: Option<String>,
}

impl Span {
    fn plain(text: impl Into<String>) -> Self {
        Span {
            text: text.into(),
            code: false,
            strong: false,
            em: false,
            href: None,
        }
    }

    fn code(text: impl Into<String>) -> Self {
        Span {
            code: true,
            ..Span::plain(text)
        }
    }

    fn link(text: impl Into<String>, href: String) -> Self {
        Span {
            code: true,
            href: Some(href),
            ..Span::plain(text)
        }
    }
}

/// Inline Markdown → spans: `` `code` ``, `**strong**`, `*emphasis*`; anything else is text.
fn inline(md: &str) -> Vec<Span> {
    let mut spans = Vec::new();
    let mut text = String::new();
    let mut rest = md;
    let flush = |text: &mut String, spans: &mut Vec<Span>| {
        if !text.is_empty() {
            spans.push(Span::plain(std::mem::take(text)));
        }
    };
    while let Some(c) = rest.chars().next() {
        let closed = |marker: &str| {
            rest.strip_prefix(marker)
                .and_then(|after| after.find(marker).map(|end| (after, end)))
                .filter(|(_, end)| *end > 0)
        };
        if c == '`' {
            if let Some((after, end)) = closed("`") {
                flush(&mut text, &mut spans);
                spans.push(Span::code(&after[..end]));
                rest = &after[end + 1..];
                continue;
            }
        } else if rest.starts_with("**") {
            if let Some((after, end)) = closed("**") {
                flush(&mut text, &mut spans);
                spans.extend(
                    inline(&after[..end])
                        .into_iter()
                        .map(|s| Span { strong: true, ..s }),
                );
                rest = &after[end + 2..];
                continue;
            }
        } else if c == '*' {
            if let Some((after, end)) = closed("*") {
                flush(&mut text, &mut spans);
                spans.extend(
                    inline(&after[..end])
                        .into_iter()
                        .map(|s| Span { em: true, ..s }),
                );
                rest = &after[end + 1..];
                continue;
            }
        }
        text.push(c);
        rest = &rest[c.len_utf8()..];
    }
    flush(&mut text, &mut spans);
    spans
}

/// Paragraphs (separated by blank lines) of a Markdown description.
fn paragraphs(md: Option<&str>) -> Vec<Vec<Span>> {
    md.unwrap_or("")
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(inline)
        .collect()
}

pub(crate) struct LangLink {
    code: &'static str,
    label: &'static str,
    href: String,
    current: bool,
}

/// What `base.html` needs.
pub(crate) struct DocsChrome {
    lang: &'static str,
    title: String,
    tr: Tr,
    switcher: Vec<LangLink>,
    api_href: String,
}

pub(crate) struct Tag {
    anchor: String,
    heading: String,
    description: Vec<Vec<Span>>,
    operations: Vec<Operation>,
}

pub(crate) struct Operation {
    anchor: String,
    method: String,
    path: String,
    summary: Vec<Span>,
    description: Vec<Vec<Span>>,
    /// What the operation's security requirements ask, in the page language; `None` without
    /// authentication.
    auth: Option<String>,
    params: Vec<Field>,
    body: Option<Body>,
    responses: Vec<Resp>,
}

/// A row of a parameter or field table.
pub(crate) struct Field {
    name: String,
    /// "query · required" for parameters, "required" for fields.
    flags: String,
    ty: Vec<Span>,
    constraints: Vec<Vec<Span>>,
    description: Vec<Span>,
}

pub(crate) struct Body {
    required: bool,
    media: Vec<Media>,
    fields: Vec<Field>,
}

pub(crate) struct Resp {
    anchor: String,
    /// For a response shared by several operations (`#/components/responses/X`): `X`, whose
    /// examples are shown once, in the section of shared responses.
    shared: Option<String>,
    status: String,
    description: Vec<Span>,
    headers: Vec<String>,
    media: Vec<Media>,
}

pub(crate) struct Media {
    content_type: String,
    ty: Vec<Span>,
    examples: Vec<Example>,
}

pub(crate) struct Example {
    /// "Example" in the page language.
    label: String,
    /// The example's own (English) summary, when it has one.
    summary: Option<String>,
    text: String,
}

pub(crate) struct Schema {
    name: String,
    anchor: String,
    description: Vec<Vec<Span>>,
    ty: Vec<Span>,
    constraints: Vec<Vec<Span>>,
    extends: Vec<Vec<Span>>,
    fields: Vec<Field>,
    variants: Vec<Variant>,
}

pub(crate) struct Variant {
    anchor: String,
    description: Vec<Span>,
    fields: Vec<Field>,
}

#[derive(Template)]
#[template(path = "api_docs.html")]
pub(crate) struct DocsPage {
    chrome: DocsChrome,
    /// `Some("en")` on pages in another language: the API texts are English.
    api_lang: Option<&'static str>,
    version: String,
    overview: Vec<Vec<Span>>,
    tags: Vec<Tag>,
    /// The responses several operations share, with their examples, by name.
    shared: Vec<(String, Resp)>,
    schemas: Vec<Schema>,
}

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// The builder's context: the document and the page's strings.
struct Ctx<'a> {
    doc: &'a Value,
    tr: Tr,
}

impl<'a> Ctx<'a> {
    /// The target of a local `$ref` (`#/components/...`).
    fn target(&self, reference: &str) -> Result<&'a Value, String> {
        reference
            .strip_prefix('#')
            .and_then(|pointer| self.doc.pointer(pointer))
            .ok_or_else(|| format!("unresolved $ref {reference}"))
    }

    /// `v`, or what its `$ref` points to.
    fn resolve(&self, v: &'a Value) -> Result<&'a Value, String> {
        match v.get("$ref").and_then(Value::as_str) {
            Some(r) => self.resolve(self.target(r)?),
            None => Ok(v),
        }
    }

    /// A type expression: `string`, `array of Code`, `Lang or null` …, with schema names
    /// linked to their section.
    fn type_of(&self, schema: &Value) -> Vec<Span> {
        if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
            let name = r.rsplit('/').next().unwrap_or(r);
            return vec![Span::link(name, format!("#schema-{name}"))];
        }
        if let Some(c) = schema.get("const") {
            return vec![Span::code(c.to_string())];
        }
        for key in ["anyOf", "oneOf"] {
            if let Some(options) = schema.get(key).and_then(Value::as_array) {
                return self.alternatives(options.iter().map(|o| self.type_of(o)).collect());
            }
        }
        if let Some(members) = schema.get("allOf").and_then(Value::as_array) {
            if schema.get("properties").is_none() {
                if let [only] = members.as_slice() {
                    return self.type_of(only);
                }
            }
            return vec![Span::plain("object")];
        }
        let types: Vec<&str> = match schema.get("type") {
            Some(Value::String(t)) => vec![t.as_str()],
            Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        if types.is_empty() {
            return vec![Span::plain(if schema.get("properties").is_some() {
                "object"
            } else {
                "any"
            })];
        }
        self.alternatives(
            types
                .into_iter()
                .map(|t| match t {
                    "array" => self.array_type(schema),
                    "string" => match schema.get("format").and_then(Value::as_str) {
                        Some(f) => vec![Span::plain(format!("string ({f})"))],
                        None => vec![Span::plain("string")],
                    },
                    other => vec![Span::plain(other)],
                })
                .collect(),
        )
    }

    fn array_type(&self, schema: &Value) -> Vec<Span> {
        if let Some(prefix) = schema.get("prefixItems").and_then(Value::as_array) {
            let mut spans = vec![Span::plain("[")];
            for (i, item) in prefix.iter().enumerate() {
                if i > 0 {
                    spans.push(Span::plain(", "));
                }
                spans.extend(self.type_of(item));
            }
            spans.push(Span::plain("]"));
            return spans;
        }
        let mut spans = vec![Span::plain(format!("{} ", self.tr.t("apidocs-array-of")))];
        match schema.get("items") {
            Some(items) => spans.extend(self.type_of(items)),
            None => spans.push(Span::plain("any")),
        }
        spans
    }

    fn alternatives(&self, options: Vec<Vec<Span>>) -> Vec<Span> {
        let or = format!(" {} ", self.tr.t("apidocs-or"));
        let mut spans = Vec::new();
        for (i, option) in options.into_iter().enumerate() {
            if i > 0 {
                spans.push(Span::plain(or.clone()));
            }
            spans.extend(option);
        }
        spans
    }

    /// Constraints of a schema, one line each: enum, range, length, default, examples.
    fn constraints(&self, schema: &Value) -> Vec<Vec<Span>> {
        let mut lines = Vec::new();
        let label = |id: &str| Span::plain(format!("{}: ", self.tr.t(id)));
        let values = |label: Span, items: &[Value]| {
            let mut line = vec![label];
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    line.push(Span::plain(", "));
                }
                line.push(Span::code(scalar(v)));
            }
            line
        };
        if let Some(options) = schema.get("enum").and_then(Value::as_array) {
            lines.push(values(label("apidocs-one-of"), options));
        }
        if let Some(range) = range(schema.get("minimum"), schema.get("maximum")) {
            lines.push(vec![Span::plain(range)]);
        }
        if let Some(range) = range(schema.get("minLength"), schema.get("maxLength")) {
            lines.push(vec![label("apidocs-length"), Span::plain(range)]);
        }
        if let Some(range) = range(schema.get("minItems"), schema.get("maxItems")) {
            if schema.get("prefixItems").is_none() {
                lines.push(vec![label("apidocs-items"), Span::plain(range)]);
            }
        }
        if let Some(range) = range(schema.get("minProperties"), schema.get("maxProperties")) {
            lines.push(vec![label("apidocs-field-count"), Span::plain(range)]);
        }
        if let Some(default) = schema.get("default") {
            lines.push(values(
                label("apidocs-default"),
                std::slice::from_ref(default),
            ));
        }
        if let Some(examples) = schema.get("examples").and_then(Value::as_array) {
            lines.push(values(label("apidocs-example"), examples));
        }
        if schema.get("additionalProperties") == Some(&Value::Bool(false)) {
            lines.push(vec![Span::plain(self.tr.t("apidocs-closed"))]);
        }
        lines
    }

    /// The rows of an object schema's fields, nested inline objects as `parent.child` and
    /// `list[].child`; members of `allOf` are merged in when `flatten`, else left to the
    /// "all fields of" line.
    fn fields(&self, schema: &Value, prefix: &str, flatten: bool) -> Result<Vec<Field>, String> {
        let mut rows = Vec::new();
        if flatten {
            if let Some(members) = schema.get("allOf").and_then(Value::as_array) {
                for member in members {
                    rows.extend(self.fields(self.resolve(member)?, prefix, true)?);
                }
            }
        }
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let Some(props) = schema.get("properties").and_then(Value::as_object) else {
            return Ok(rows);
        };
        for (name, prop) in props {
            let full = format!("{prefix}{name}");
            let mut constraints = self.constraints(prop);
            // A `$ref` with a description: the referenced schema's constraints are on its
            // own section; say nothing more here.
            if prop.get("$ref").is_some() {
                constraints.clear();
            }
            rows.push(Field {
                name: full.clone(),
                flags: if required.contains(&name.as_str()) {
                    self.tr.t("apidocs-required")
                } else {
                    self.tr.t("apidocs-optional")
                },
                ty: self.type_of(prop),
                constraints,
                description: inline(
                    prop.get("description")
                        .and_then(Value::as_str)
                        .unwrap_or(""),
                ),
            });
            // Inline objects, directly, in an array or among alternatives.
            let mut nested: Vec<(&Value, String)> = vec![(prop, format!("{full}."))];
            if let Some(items) = prop.get("items") {
                nested.push((items, format!("{full}[].")));
            }
            for key in ["anyOf", "oneOf"] {
                for option in prop
                    .get(key)
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    nested.push((option, format!("{full}.")));
                }
            }
            for (inner, inner_prefix) in nested {
                if inner.get("$ref").is_none() && inner.get("properties").is_some() {
                    rows.extend(self.fields(inner, &inner_prefix, true)?);
                }
            }
        }
        Ok(rows)
    }

    fn media(&self, content: Option<&Value>) -> Result<Vec<Media>, String> {
        let mut out = Vec::new();
        for (content_type, media) in content.and_then(Value::as_object).into_iter().flatten() {
            let mut examples = Vec::new();
            if let Some(e) = media.get("example") {
                examples.push(Example {
                    label: self.tr.t("apidocs-example"),
                    summary: None,
                    text: example_text(e),
                });
            }
            for (name, e) in media
                .get("examples")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                let e = self.resolve(e)?;
                let summary = e.get("summary").and_then(Value::as_str).unwrap_or(name);
                examples.push(Example {
                    label: self.tr.t("apidocs-example"),
                    summary: Some(summary.to_string()),
                    text: e.get("value").map(example_text).unwrap_or_default(),
                });
            }
            out.push(Media {
                content_type: content_type.clone(),
                ty: media
                    .get("schema")
                    .map(|s| self.type_of(s))
                    .unwrap_or_default(),
                examples,
            });
        }
        Ok(out)
    }

    fn operation(
        &self,
        path: &str,
        method: &str,
        op: &'a Value,
        path_item: &'a Value,
    ) -> Result<Operation, String> {
        let id = op
            .get("operationId")
            .and_then(Value::as_str)
            .ok_or_else(|| format!("{method} {path} has no operationId"))?;
        let anchor = format!("op-{id}");
        let mut params = Vec::new();
        let declared = path_item
            .get("parameters")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .chain(
                op.get("parameters")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten(),
            );
        for p in declared {
            let p = self.resolve(p)?;
            let location = p.get("in").and_then(Value::as_str).unwrap_or("");
            let schema = p.get("schema").unwrap_or(&Value::Null);
            let mut constraints = self.constraints(self.resolve(schema)?);
            if let Some(example) = p.get("example") {
                constraints.push(vec![
                    Span::plain(format!("{}: ", self.tr.t("apidocs-example"))),
                    Span::code(scalar(example)),
                ]);
            }
            let required = p.get("required").and_then(Value::as_bool).unwrap_or(false);
            params.push(Field {
                name: p
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
                flags: format!(
                    "{} · {}",
                    self.tr.t(&format!("apidocs-in-{location}")),
                    self.tr.t(if required {
                        "apidocs-required"
                    } else {
                        "apidocs-optional"
                    })
                ),
                ty: self.type_of(schema),
                constraints,
                description: inline(p.get("description").and_then(Value::as_str).unwrap_or("")),
            });
        }
        let body = match op.get("requestBody") {
            None => None,
            Some(b) => {
                let b = self.resolve(b)?;
                let mut fields = Vec::new();
                if let Some(schema) = b.pointer("/content/application~1json/schema") {
                    let resolved = self.resolve(schema)?;
                    fields = self.fields(resolved, "", true)?;
                }
                Some(Body {
                    required: b.get("required").and_then(Value::as_bool).unwrap_or(false),
                    media: self.media(b.get("content"))?,
                    fields,
                })
            }
        };
        let mut responses = Vec::new();
        for (status, r) in op
            .get("responses")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            responses.push(self.response(&format!("{anchor}-{status}"), status, r)?);
        }
        Ok(Operation {
            anchor,
            method: method.to_ascii_uppercase(),
            path: path.to_string(),
            summary: inline(op.get("summary").and_then(Value::as_str).unwrap_or("")),
            description: paragraphs(op.get("description").and_then(Value::as_str)),
            auth: self.auth_note(op.get("security")),
            params,
            body,
            responses,
        })
    }

    /// The note on authentication: required (every alternative names a scheme) or optional
    /// (one alternative is the empty requirement `{}`).
    fn auth_note(&self, security: Option<&Value>) -> Option<String> {
        let alternatives = security.and_then(Value::as_array)?;
        let named = |req: &Value| req.as_object().is_some_and(|o| !o.is_empty());
        if !alternatives.iter().any(named) {
            return None;
        }
        Some(if alternatives.iter().all(named) {
            self.tr.t("apidocs-auth-basic")
        } else {
            self.tr.t("apidocs-auth-optional")
        })
    }

    /// A response; a shared one (a `$ref`) without its examples, which its own section shows.
    fn response(&self, anchor: &str, status: &str, r: &'a Value) -> Result<Resp, String> {
        let shared = r
            .get("$ref")
            .and_then(Value::as_str)
            .map(|name| name.rsplit('/').next().unwrap_or(name).to_string());
        let r = self.resolve(r)?;
        let mut media = self.media(r.get("content"))?;
        if shared.is_some() {
            for m in &mut media {
                m.examples.clear();
            }
        }
        Ok(Resp {
            anchor: anchor.to_string(),
            shared,
            status: status.to_string(),
            description: inline(r.get("description").and_then(Value::as_str).unwrap_or("")),
            headers: r
                .get("headers")
                .and_then(Value::as_object)
                .map(|h| h.keys().cloned().collect())
                .unwrap_or_default(),
            media,
        })
    }

    fn schema(&self, name: &str, schema: &Value) -> Result<Schema, String> {
        let anchor = format!("schema-{name}");
        let mut extends = Vec::new();
        for member in schema
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let mut line = vec![Span::plain(format!("{} ", self.tr.t("apidocs-extends")))];
            line.extend(self.type_of(member));
            extends.push(line);
        }
        let mut variants = Vec::new();
        for (i, variant) in schema
            .get("oneOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            variants.push(Variant {
                anchor: format!("{anchor}-{}", i + 1),
                description: inline(
                    variant
                        .get("description")
                        .and_then(Value::as_str)
                        .unwrap_or(""),
                ),
                fields: self.fields(self.resolve(variant)?, "", true)?,
            });
        }
        Ok(Schema {
            name: name.to_string(),
            anchor,
            description: paragraphs(schema.get("description").and_then(Value::as_str)),
            ty: if schema.get("oneOf").is_some() {
                Vec::new()
            } else {
                self.type_of(schema)
            },
            constraints: self.constraints(schema),
            extends,
            fields: self.fields(schema, "", false)?,
            variants,
        })
    }
}

/// `1–500`, `≥ 0`, `≤ 30`, or nothing.
fn range(min: Option<&Value>, max: Option<&Value>) -> Option<String> {
    match (min, max) {
        (Some(a), Some(b)) => Some(format!("{a}–{b}")),
        (Some(a), None) => Some(format!("≥ {a}")),
        (None, Some(b)) => Some(format!("≤ {b}")),
        (None, None) => None,
    }
}

/// A value as written in a constraint: strings bare, the rest as JSON.
fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// An example body: strings (text responses) as they are, JSON pretty-printed.
fn example_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => serde_json::to_string_pretty(other).unwrap_or_default(),
    }
}

fn own_name(lang: Lang) -> &'static str {
    match lang {
        Lang::Fi => "Suomeksi",
        Lang::Sv => "På svenska",
        Lang::En => "In English",
    }
}

impl DocsPage {
    fn build(doc: &Value, lang: Lang) -> Result<DocsPage, String> {
        let tr = Tr::new(lang);
        let ctx = Ctx { doc, tr };
        let empty = Map::new();
        let paths = doc
            .get("paths")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let mut tags = Vec::new();
        for tag in doc
            .get("tags")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let name = tag.get("name").and_then(Value::as_str).unwrap_or("");
            let mut operations = Vec::new();
            for (path, item) in paths {
                for method in METHODS {
                    let Some(op) = item.get(*method) else {
                        continue;
                    };
                    let tagged = op
                        .get("tags")
                        .and_then(Value::as_array)
                        .is_some_and(|t| t.iter().any(|t| t.as_str() == Some(name)));
                    if tagged {
                        operations.push(ctx.operation(path, method, op, item)?);
                    }
                }
            }
            tags.push(Tag {
                anchor: format!("tag-{name}"),
                heading: tr.t(&format!("apidocs-tag-{name}")),
                description: paragraphs(tag.get("description").and_then(Value::as_str)),
                operations,
            });
        }
        let mut names: Vec<&String> = doc
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .map(|s| s.keys().collect())
            .unwrap_or_default();
        names.sort_by_key(|n| n.to_ascii_lowercase());
        let mut schemas = Vec::new();
        for name in names {
            let schema = &doc["components"]["schemas"][name.as_str()];
            schemas.push(ctx.schema(name, schema)?);
        }
        let mut shared = Vec::new();
        for (name, r) in doc
            .pointer("/components/responses")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            shared.push((
                name.clone(),
                ctx.response(&format!("response-{name}"), "", r)?,
            ));
        }
        let info = doc.get("info").unwrap_or(&Value::Null);
        Ok(DocsPage {
            chrome: DocsChrome {
                lang: lang.code(),
                title: tr.t("apidocs-title"),
                tr,
                switcher: Lang::ALL
                    .into_iter()
                    .map(|l| LangLink {
                        code: l.code(),
                        label: own_name(l),
                        href: format!("/{l}/api"),
                        current: l == lang,
                    })
                    .collect(),
                api_href: DOCUMENT_PATH.to_string(),
            },
            api_lang: (lang != Lang::En).then_some("en"),
            version: info
                .get("version")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
            overview: paragraphs(info.get("description").and_then(Value::as_str)),
            tags,
            shared,
            schemas,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(spans: &[Span]) -> Vec<(String, bool, bool, bool)> {
        spans
            .iter()
            .map(|s| (s.text.clone(), s.code, s.strong, s.em))
            .collect()
    }

    #[test]
    fn inline_markdown_becomes_spans_and_unclosed_markers_stay_text() {
        assert_eq!(
            texts(&inline(
                "**Errors** use `code`; *eilen* is −1 day; 2 * 3 and a lone `"
            )),
            vec![
                ("Errors".into(), false, true, false),
                (" use ".into(), false, false, false),
                ("code".into(), true, false, false),
                ("; ".into(), false, false, false),
                ("eilen".into(), false, false, true),
                (" is −1 day; 2 * 3 and a lone `".into(), false, false, false),
            ]
        );
    }

    #[test]
    fn etags_match_weakly_and_by_wildcard() {
        let tag = etag();
        let mut h = HeaderMap::new();
        assert!(!none_match(&h, &tag));
        h.insert(
            header::IF_NONE_MATCH,
            HeaderValue::from_str(&format!("\"x\", W/{tag}")).unwrap(),
        );
        assert!(none_match(&h, &tag));
        h.insert(header::IF_NONE_MATCH, HeaderValue::from_static("*"));
        assert!(none_match(&h, &tag));
        h.insert(header::IF_NONE_MATCH, HeaderValue::from_static("\"0000\""));
        assert!(!none_match(&h, &tag));
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }

    /// Every Fluent message the page uses, including one heading per tag, exists (the i18n
    /// tests check that fi, sv and en have the same ids).
    #[test]
    fn every_message_of_the_page_exists() {
        let fi = include_str!("../locales/fi/main.ftl");
        let defined = |id: &str| fi.lines().any(|l| l.starts_with(&format!("{id} =")));
        let doc: Value = serde_json::from_str(DOCUMENT).unwrap();
        for tag in doc["tags"].as_array().unwrap() {
            let id = format!("apidocs-tag-{}", tag["name"].as_str().unwrap());
            assert!(defined(&id), "message {id} is not defined");
        }
        for location in ["query", "path", "header"] {
            assert!(defined(&format!("apidocs-in-{location}")));
        }
        for source in [
            include_str!("../templates/api_docs.html"),
            include_str!("openapi.rs"),
        ] {
            for (pos, _) in source.match_indices("\"apidocs-") {
                let rest = &source[pos + 1..];
                let id = &rest[..rest.find('"').unwrap()];
                if id.ends_with('-') || id.contains('{') {
                    continue; // completed at run time; checked above
                }
                assert!(defined(id), "message {id} is not defined");
            }
        }
    }

    #[test]
    fn the_page_renders_in_every_language() {
        for lang in Lang::ALL {
            let html = render(lang).unwrap();
            assert!(html.contains(&format!("<html lang=\"{lang}\">")));
            assert!(
                !html.contains("apidocs-"),
                "an untranslated message id on the {lang} page"
            );
        }
    }
}
