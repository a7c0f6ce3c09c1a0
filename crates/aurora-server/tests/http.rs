//! In-process HTTP tests of `aurora-server`: the real router over a `SqlStore` on a temporary
//! SQLite file, driven with `tower::ServiceExt::oneshot`. One binary, one module per feature.

#[path = "http/common.rs"]
mod common; // the test app and request helpers
#[path = "http/fixtures.rs"]
mod fixtures; // a few real PTV services plus labelled synthetic ones

#[path = "http/browser.rs"]
mod browser; // headless Chromium against a real socket (only with AURORA_CHROMIUM)
#[path = "http/browser_guide.rs"]
mod browser_guide; // the guide page driven in Chromium, checked with axe-core (AURORA_CHROMIUM)
#[path = "support/browser.rs"]
mod browser_support; // the headless Chromium driver and axe-core, shared with tests/me_pages.rs
#[path = "http/catalog.rs"]
mod catalog; // channels and organisations
#[path = "http/codes.rs"]
mod codes; // the code-list endpoints
#[path = "http/guidance.rs"]
mod guidance; // POST /api/v1/guidance over the fixture catalogue
#[path = "http/learning.rs"]
mod learning; // feedback and clicks: who may report what, once, and what teaches
#[path = "http/openapi.rs"]
mod openapi; // the OpenAPI document: valid, complete, true to real responses; the docs page
#[path = "http/ops.rs"]
mod ops; // healthz, readyz, metrics, serve + graceful shutdown
#[path = "http/problems.rs"]
mod problems; // problem+json for framework errors, panics, an unavailable store
#[path = "http/search.rs"]
mod search;
#[path = "http/services.rs"]
mod services; // the service list filters, paging and the service detail
#[path = "http/understand.rs"]
mod understand; // POST /api/v1/understand: languages, entities, urgency, bad input
#[path = "http/web.rs"]
mod web; // the fi/sv/en web pages // GET /api/v1/search and the search box of the web pages
#[path = "http/web_guide.rs"]
mod web_guide; // the guidance page: form, results, errors, feedback with CSRF and signatures
