//! Registering member services (an operator action: `aurora member add`): what a registration
//! must satisfy before it is stored, and the client secret, shown once.
//!
//! Unlike the reference (profile §8.17), redirect URIs and scopes are validated here: redirect
//! URIs are absolute `https` URIs (plain `http` only on a loopback host, for development),
//! without fragments, compared exactly later; scopes are attribute names of the registry,
//! `store:<attribute>` or `openid`.

use aurora_store::oauth::{OAuthClient, OAuthStore};

use super::OAuthError;
use crate::token;

/// A member service to register.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientRegistration {
    /// Name in Finnish.
    pub name_fi: String,
    /// Name in Swedish.
    pub name_sv: String,
    /// Name in English.
    pub name_en: String,
    /// The organisation running it.
    pub organisation: String,
    /// Exact redirect URIs.
    pub redirect_uris: Vec<String>,
    /// The scopes it may ever be granted.
    pub allowed_scopes: Vec<String>,
    /// Attributes it accepts through anonymous hand-over.
    pub handover_attributes: Vec<String>,
    /// The landing page that receives hand-overs.
    pub handover_url: Option<String>,
    /// Purpose codes it may ask consent for (the first is the default).
    pub allowed_purposes: Vec<String>,
    /// Where deletion notices go.
    pub deletion_callback_url: Option<String>,
    /// The pairwise sector (by default the client id: one subject space per service).
    pub pairwise_sector: Option<String>,
}

/// A registration that is not acceptable: which field, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct RegistrationError {
    /// The field.
    pub field: &'static str,
    /// Why.
    pub reason: String,
}

fn bad(field: &'static str, reason: impl Into<String>) -> RegistrationError {
    RegistrationError {
        field,
        reason: reason.into(),
    }
}

/// True for a host that is the local machine (where plain `http` is tolerated).
fn is_loopback(host: &str) -> bool {
    host == "localhost" || host == "[::1]" || host.starts_with("127.")
}

/// Checks a redirect URI or callback URL: absolute, `https` (or `http` on loopback), a host,
/// no fragment, no spaces or control characters.
pub fn validate_uri(uri: &str) -> Result<(), String> {
    if uri.len() > 2000 {
        return Err("longer than 2000 characters".into());
    }
    if uri.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("contains spaces or control characters".into());
    }
    if uri.contains('#') {
        return Err("must not have a fragment".into());
    }
    let (scheme, rest) = uri
        .split_once("://")
        .ok_or_else(|| "must be an absolute URI (https://…)".to_string())?;
    let authority = rest.split(['/', '?']).next().unwrap_or_default();
    let host_port = authority.rsplit('@').next().unwrap_or_default();
    if authority.contains('@') {
        return Err("must not carry user information".into());
    }
    let host = if host_port.starts_with('[') {
        host_port
            .split_inclusive(']')
            .next()
            .unwrap_or_default()
            .to_string()
    } else {
        host_port.split(':').next().unwrap_or_default().to_string()
    };
    if host.is_empty() {
        return Err("has no host".into());
    }
    match scheme {
        "https" => Ok(()),
        "http" if is_loopback(&host) => Ok(()),
        "http" => Err("must use https (plain http only on a loopback host)".into()),
        _ => Err("must use https".into()),
    }
}

/// Checks a scope against the known attribute names.
pub fn validate_scope(scope: &str, is_attribute: &dyn Fn(&str) -> bool) -> Result<(), String> {
    if scope == "openid" {
        return Ok(());
    }
    let attribute = scope.strip_prefix("store:").unwrap_or(scope);
    if is_attribute(attribute) {
        Ok(())
    } else {
        Err(format!(
            "unknown scope {scope:?}: not an attribute of the registry"
        ))
    }
}

fn purpose_ok(code: &str) -> bool {
    !code.is_empty()
        && code.len() <= 64
        && code
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}

/// Checks a registration; `is_attribute` says which attribute names exist (the registry).
pub fn validate_registration(
    reg: &ClientRegistration,
    is_attribute: &dyn Fn(&str) -> bool,
) -> Result<(), RegistrationError> {
    for (field, name) in [
        ("name_fi", &reg.name_fi),
        ("name_sv", &reg.name_sv),
        ("name_en", &reg.name_en),
        ("organisation", &reg.organisation),
    ] {
        if name.trim().is_empty() || name.len() > 200 {
            return Err(bad(field, "must be 1 to 200 characters"));
        }
    }
    if reg.redirect_uris.is_empty() {
        return Err(bad("redirect_uris", "at least one redirect URI is needed"));
    }
    for uri in &reg.redirect_uris {
        validate_uri(uri).map_err(|e| bad("redirect_uris", format!("{uri:?}: {e}")))?;
    }
    if reg.allowed_scopes.is_empty() {
        return Err(bad("allowed_scopes", "at least one scope is needed"));
    }
    for scope in &reg.allowed_scopes {
        validate_scope(scope, is_attribute).map_err(|e| bad("allowed_scopes", e))?;
    }
    for attribute in &reg.handover_attributes {
        if !is_attribute(attribute) {
            return Err(bad(
                "handover_attributes",
                format!("unknown attribute {attribute:?}"),
            ));
        }
    }
    if let Some(url) = &reg.handover_url {
        validate_uri(url).map_err(|e| bad("handover_url", e))?;
    }
    if !reg.handover_attributes.is_empty() && reg.handover_url.is_none() {
        return Err(bad(
            "handover_url",
            "a service that receives hand-overs needs a landing page",
        ));
    }
    if reg.allowed_purposes.is_empty() {
        return Err(bad("allowed_purposes", "at least one purpose is needed"));
    }
    for purpose in &reg.allowed_purposes {
        if !purpose_ok(purpose) {
            return Err(bad(
                "allowed_purposes",
                format!("{purpose:?}: lowercase letters, digits, '_' and '-' only"),
            ));
        }
    }
    if let Some(url) = &reg.deletion_callback_url {
        validate_uri(url).map_err(|e| bad("deletion_callback_url", e))?;
    }
    if let Some(sector) = &reg.pairwise_sector {
        if sector.trim().is_empty() || sector.len() > 200 {
            return Err(bad("pairwise_sector", "must be 1 to 200 characters"));
        }
    }
    Ok(())
}

/// A registered client and its secret (shown once; `Debug` hides it).
#[derive(Clone)]
pub struct RegisteredClient {
    /// The client.
    pub client: OAuthClient,
    /// The client secret.
    pub secret: String,
}

impl std::fmt::Debug for RegisteredClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RegisteredClient")
            .field("client", &self.client)
            .field("secret", &"***")
            .finish()
    }
}

fn dedup(list: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(list.len());
    for item in list {
        let item = item.trim().to_string();
        if !out.contains(&item) {
            out.push(item);
        }
    }
    out
}

/// Validates and stores a registration; returns the client with its new secret.
pub async fn register(
    store: &dyn OAuthStore,
    reg: &ClientRegistration,
    is_attribute: &dyn Fn(&str) -> bool,
) -> Result<RegisteredClient, OAuthError> {
    validate_registration(reg, is_attribute)?;
    let id = uuid::Uuid::new_v4().to_string();
    let secret = token::generate()?;
    let created_at = time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    let client = OAuthClient {
        name_fi: reg.name_fi.trim().to_string(),
        name_sv: reg.name_sv.trim().to_string(),
        name_en: reg.name_en.trim().to_string(),
        organisation: reg.organisation.trim().to_string(),
        redirect_uris: dedup(&reg.redirect_uris),
        allowed_scopes: dedup(&reg.allowed_scopes),
        handover_attributes: dedup(&reg.handover_attributes),
        handover_url: reg.handover_url.clone(),
        allowed_purposes: dedup(&reg.allowed_purposes),
        deletion_callback_url: reg.deletion_callback_url.clone(),
        pairwise_sector: reg.pairwise_sector.clone().unwrap_or_else(|| id.clone()),
        disabled: false,
        created_at,
        id,
    };
    store.create_oauth_client(&client, &secret).await?;
    Ok(RegisteredClient { client, secret })
}

/// Gives a client a new secret (the old one stops working at once); `None` for an unknown
/// client.
pub async fn rotate_secret(
    store: &dyn OAuthStore,
    client_id: &str,
) -> Result<Option<String>, OAuthError> {
    let secret = token::generate()?;
    Ok(store
        .rotate_oauth_client_secret(client_id, &secret)
        .await?
        .then_some(secret))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known(name: &str) -> bool {
        matches!(name, "age" | "municipality_code")
    }

    fn reg() -> ClientRegistration {
        ClientRegistration {
            name_fi: "Palvelu".into(),
            name_sv: "Tjänst".into(),
            name_en: "Service".into(),
            organisation: "Org".into(),
            redirect_uris: vec!["https://svc.example/cb".into()],
            allowed_scopes: vec!["openid".into(), "age".into(), "store:age".into()],
            handover_attributes: vec!["age".into()],
            handover_url: Some("https://svc.example/welcome".into()),
            allowed_purposes: vec!["service_delivery".into()],
            deletion_callback_url: Some("https://svc.example/deleted".into()),
            pairwise_sector: None,
        }
    }

    #[test]
    fn a_good_registration_passes() {
        assert_eq!(validate_registration(&reg(), &known), Ok(()));
        let mut r = reg();
        r.redirect_uris = vec![
            "http://127.0.0.1:8123/cb".into(),
            "http://localhost/cb".into(),
        ];
        assert_eq!(validate_registration(&r, &known), Ok(()));
    }

    #[test]
    fn bad_redirect_uris_are_refused_with_the_field() {
        for uri in [
            "http://svc.example/cb",
            "https://svc.example/cb#frag",
            "/relative/cb",
            "svc.example/cb",
            "javascript:alert(1)",
            "https:///cb",
            "https://user@svc.example/cb",
            "https://svc.example/c b",
            "ftp://svc.example/cb",
        ] {
            let mut r = reg();
            r.redirect_uris = vec![uri.into()];
            let e = validate_registration(&r, &known).unwrap_err();
            assert_eq!(e.field, "redirect_uris", "{uri}");
        }
        let mut r = reg();
        r.redirect_uris.clear();
        assert_eq!(
            validate_registration(&r, &known).unwrap_err().field,
            "redirect_uris"
        );
    }

    #[test]
    fn scopes_must_be_attributes_store_scopes_or_openid() {
        for scope in ["email", "store:email", "store:", "admin", "Age"] {
            let mut r = reg();
            r.allowed_scopes = vec![scope.into()];
            let e = validate_registration(&r, &known).unwrap_err();
            assert_eq!(e.field, "allowed_scopes", "{scope}");
        }
        let mut r = reg();
        r.handover_attributes = vec!["email".into()];
        assert_eq!(
            validate_registration(&r, &known).unwrap_err().field,
            "handover_attributes"
        );
        let mut r = reg();
        r.allowed_purposes = vec!["Bad Purpose".into()];
        assert_eq!(
            validate_registration(&r, &known).unwrap_err().field,
            "allowed_purposes"
        );
        let mut r = reg();
        r.deletion_callback_url = Some("http://svc.example/x".into());
        assert_eq!(
            validate_registration(&r, &known).unwrap_err().field,
            "deletion_callback_url"
        );
    }

    #[test]
    fn the_secret_never_shows_in_debug() {
        let c = RegisteredClient {
            client: OAuthClient {
                id: "c".into(),
                name_fi: String::new(),
                name_sv: String::new(),
                name_en: String::new(),
                organisation: String::new(),
                redirect_uris: vec![],
                allowed_scopes: vec![],
                handover_attributes: vec![],
                handover_url: None,
                allowed_purposes: vec![],
                deletion_callback_url: None,
                pairwise_sector: "c".into(),
                disabled: false,
                created_at: String::new(),
            },
            secret: "very-secret-value".into(),
        };
        assert!(!format!("{c:?}").contains("very-secret-value"));
    }
}
