//! The person's rights: `/{lang}/me/export` (everything as JSON, or as an archive encrypted
//! with a passphrase: `POST /{lang}/me/export/encrypted`) and `/{lang}/me/delete` (erasing the
//! account: what happens, a confirmation box, and the signed erasure receipt afterwards).

use askama::Template;
use aurora_model::Lang;
use aurora_twin::export::{self, ArchiveError};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde_json::Value;

use super::{
    error_page, no_store, render, signed_page, signed_post, Chrome, FieldError, Nav, Section,
};
use crate::api::ApiPath;
use crate::error::ApiError;
use crate::i18n::Tr;
use crate::me::auth::{clear_cookie, SignedIn, WebSession};
use crate::me::erase::{erase_account, ErasureReceipt};
use crate::state::AppState;

/// Passphrase length bounds (the archive's own rule, checked here to say it by the field).
const PASSPHRASE_MIN: usize = 10;
const PASSPHRASE_MAX: usize = 1024;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/{lang}/me/export", get(export_page))
        .route(
            "/{lang}/me/export/encrypted",
            axum::routing::post(export_encrypted),
        )
        .route("/{lang}/me/delete", get(delete_page).post(delete))
}

// ------------------------------------------------------------------------------------------
// Export
// ------------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "me_export.html")]
struct ExportPage {
    chrome: Chrome,
    nav: Nav,
    errors: Vec<FieldError>,
    passphrase_error: Option<String>,
    confirm_error: Option<String>,
}

fn export_view(lang: Lang, signed: &SignedIn) -> ExportPage {
    ExportPage {
        chrome: Chrome::new(lang, Tr::new(lang).t("me-export-title"), "me/export"),
        nav: Nav::new(lang, signed, Section::Export),
        errors: Vec::new(),
        passphrase_error: None,
        confirm_error: None,
    }
}

async fn export_page(ApiPath(code): ApiPath<String>, WebSession(session): WebSession) -> Response {
    match signed_page(&code, session, "me/export") {
        Ok((lang, signed)) => render(StatusCode::OK, lang, &export_view(lang, &signed)),
        Err(r) => *r,
    }
}

/// The export document. The JSON download is `GET /api/v1/me/export` itself (a link: the
/// session cookie signs it in); the archive holds the same document.
async fn document(state: &AppState, person_id: &str) -> Result<Value, ApiError> {
    crate::me::twin::export_document(state, person_id).await
}

async fn export_encrypted(
    State(state): State<AppState>,
    ApiPath(code): ApiPath<String>,
    WebSession(session): WebSession,
    body: Bytes,
) -> Response {
    let (lang, signed, form) = match signed_post(&code, session, &body, "me/export") {
        Ok(x) => x,
        Err(r) => return *r,
    };
    // The passphrase is used as typed (not trimmed): spaces may be part of it.
    let raw = super::Form::parse(&body);
    let passphrase = zeroize::Zeroizing::new(
        raw.all("passphrase")
            .first()
            .copied()
            .unwrap_or("")
            .to_string(),
    );
    let confirm = zeroize::Zeroizing::new(
        raw.all("passphrase_confirm")
            .first()
            .copied()
            .unwrap_or("")
            .to_string(),
    );
    let _ = form;
    let tr = Tr::new(lang);
    let chars = passphrase.chars().count();
    let mut page = export_view(lang, &signed);
    if !(PASSPHRASE_MIN..=PASSPHRASE_MAX).contains(&chars) {
        let text = tr.t_args(
            "me-error-passphrase",
            &[
                ("min", PASSPHRASE_MIN as u64),
                ("max", PASSPHRASE_MAX as u64),
            ],
        );
        page.passphrase_error = Some(text.clone());
        page.errors.push(FieldError {
            field_id: "passphrase".into(),
            text,
        });
    } else if *passphrase != *confirm {
        let text = tr.t("me-error-passphrase-confirm");
        page.confirm_error = Some(text.clone());
        page.errors.push(FieldError {
            field_id: "passphrase-confirm".into(),
            text,
        });
    }
    if !page.errors.is_empty() {
        return render(StatusCode::BAD_REQUEST, lang, &page);
    }
    let doc = match document(&state, &signed.person_id).await {
        Ok(d) => d,
        Err(e) => return error_page(lang, &e),
    };
    // Argon2id takes tens of milliseconds and 19 MiB: off the async workers.
    let sealed =
        tokio::task::spawn_blocking(move || export::encrypt_archive(&doc, &passphrase)).await;
    let bytes = match sealed {
        Ok(Ok(b)) => b,
        Ok(Err(ArchiveError::Passphrase)) => {
            return render(StatusCode::BAD_REQUEST, lang, &page);
        }
        Ok(Err(e)) => return error_page(lang, &ApiError::internal(&e)),
        Err(e) => return error_page(lang, &ApiError::internal(&e)),
    };
    let mut r = bytes.into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"aurora-export.aurxprt\""),
    );
    no_store(&mut r);
    r
}

// ------------------------------------------------------------------------------------------
// Erasure
// ------------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "me_delete.html")]
struct DeletePage {
    chrome: Chrome,
    nav: Nav,
    errors: Vec<FieldError>,
    confirm_error: Option<String>,
}

#[derive(Template)]
#[template(path = "me_erased.html")]
struct ErasedPage {
    chrome: Chrome,
    receipt_id: String,
    erased_at: String,
    notified: String,
    receipt: String,
}

fn delete_view(lang: Lang, signed: &SignedIn) -> DeletePage {
    DeletePage {
        chrome: Chrome::new(lang, Tr::new(lang).t("me-delete-title"), "me/delete"),
        nav: Nav::new(lang, signed, Section::Delete),
        errors: Vec::new(),
        confirm_error: None,
    }
}

async fn delete_page(ApiPath(code): ApiPath<String>, WebSession(session): WebSession) -> Response {
    match signed_page(&code, session, "me/delete") {
        Ok((lang, signed)) => render(StatusCode::OK, lang, &delete_view(lang, &signed)),
        Err(r) => *r,
    }
}

/// Erases the account (the lead's `me::erase`, as the API does).
async fn erase(state: &AppState, signed: &SignedIn) -> Result<ErasureReceipt, ApiError> {
    erase_account(state, signed).await
}

async fn delete(
    State(state): State<AppState>,
    ApiPath(code): ApiPath<String>,
    WebSession(session): WebSession,
    body: Bytes,
) -> Response {
    let (lang, signed, form) = match signed_post(&code, session, &body, "me/delete") {
        Ok(x) => x,
        Err(r) => return *r,
    };
    let tr = Tr::new(lang);
    if form.get("confirm") != "yes" {
        let mut page = delete_view(lang, &signed);
        let text = tr.t("me-error-confirm");
        page.confirm_error = Some(text.clone());
        page.errors.push(FieldError {
            field_id: "delete-confirm".into(),
            text,
        });
        return render(StatusCode::BAD_REQUEST, lang, &page);
    }
    let receipt = match erase(&state, &signed).await {
        Ok(r) => r,
        Err(e) => return error_page(lang, &e),
    };
    let mut r = render(
        StatusCode::OK,
        lang,
        &ErasedPage {
            chrome: Chrome::new(lang, tr.t("me-erased-title"), ""),
            receipt_id: receipt.receipt_id,
            erased_at: super::show_time(&receipt.erased_at, lang),
            notified: tr.t1("me-erased-notified", "n", receipt.services_notified),
            receipt: receipt.receipt,
        },
    );
    if let Ok(twin) = state.twin() {
        if let Ok(c) = clear_cookie(twin) {
            r.headers_mut().insert(header::SET_COOKIE, c);
        }
    }
    r
}
