//! HTTP Basic authentication of API clients against the store's client registry.
//!
//! The reference forwarded the header to the profile-management service (no longer hosted)
//! and wrote the decoded `client_id:client_secret` to its audit log as "client id". Here the
//! secret is checked against a salted hash in constant time, and neither the header nor the
//! secret is ever logged: a failure logs only that it happened, and the client id when the
//! header was well formed.

use axum::http::{header, HeaderMap};
use axum::response::Response;

use super::{store_error, unauthorized, unavailable, CompatState};

/// Who is calling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Caller {
    /// The client id (`""` with authentication disabled): recommendations are owned by it.
    pub(crate) client_id: String,
    /// The reference's `calling_organisation`.
    pub(crate) organisation: String,
    /// The reference's `calling_service`.
    pub(crate) service: String,
}

impl Caller {
    fn anonymous() -> Self {
        Caller {
            client_id: String::new(),
            organisation: String::new(),
            service: String::new(),
        }
    }
}

/// The client of the request's `Authorization: Basic …` header, or the response to send.
pub(crate) async fn authorize(
    compat: &CompatState,
    headers: &HeaderMap,
) -> Result<Caller, Response> {
    if !compat.config.require_api_auth {
        return Ok(Caller::anonymous());
    }
    let Some((client_id, secret)) = basic_credentials(headers) else {
        tracing::info!("recommender API request without valid Basic credentials");
        return Err(unauthorized());
    };
    let Some(store) = compat.store.as_ref() else {
        tracing::error!("the recommender API has no recommendation store configured");
        return Err(unavailable());
    };
    if let Some(caller) = compat.auth_cache.get(&client_id, &secret) {
        return Ok(caller);
    }
    match store.authenticate_client(&client_id, &secret).await {
        Ok(Some(client)) => {
            let caller = Caller {
                client_id: client.id,
                organisation: client.organization,
                service: client.name,
            };
            compat.auth_cache.put(&secret, caller.clone());
            Ok(caller)
        }
        Ok(None) => {
            tracing::info!(client_id = %client_id, "recommender API client not authenticated");
            Err(unauthorized())
        }
        Err(e) => Err(store_error(e)),
    }
}

/// `(client_id, secret)` from `Authorization: Basic base64(client_id:secret)`.
pub(crate) fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64_decode(encoded.trim())?;
    let text = String::from_utf8(decoded).ok()?;
    let (id, secret) = text.split_once(':')?;
    if id.is_empty() {
        return None;
    }
    Some((id.to_string(), secret.to_string()))
}

/// Standard base64 with optional padding; `None` on any other character.
pub(crate) fn base64_decode(s: &str) -> Option<Vec<u8>> {
    fn value(c: u8) -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    }
    let data = s.trim_end_matches('=');
    if s.len() - data.len() > 2 || data.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(data.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for &c in data.as_bytes() {
        acc = (acc << 6) | value(c)?;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_str(v).expect("header"),
        );
        h
    }

    #[test]
    fn base64_decodes_with_and_without_padding() {
        assert_eq!(
            base64_decode("YWJjZDphYmNk").as_deref(),
            Some(&b"abcd:abcd"[..])
        );
        assert_eq!(base64_decode("YQ==").as_deref(), Some(&b"a"[..]));
        assert_eq!(base64_decode("YQ").as_deref(), Some(&b"a"[..]));
        assert_eq!(base64_decode("YWI=").as_deref(), Some(&b"ab"[..]));
        assert_eq!(base64_decode("").as_deref(), Some(&b""[..]));
        assert_eq!(base64_decode("Y"), None);
        assert_eq!(base64_decode("YQ==="), None);
        assert_eq!(base64_decode("YW!j"), None);
    }

    #[test]
    fn basic_credentials_are_parsed_strictly() {
        assert_eq!(
            basic_credentials(&headers("Basic YWJjZDphYmNk")),
            Some(("abcd".into(), "abcd".into()))
        );
        // The secret may contain a colon; the id may not be empty.
        assert_eq!(
            basic_credentials(&headers("basic aWQ6YTpi")),
            Some(("id".into(), "a:b".into()))
        );
        for bad in [
            "invalid",
            "Bearer YWJjZDphYmNk",
            "Basic !!!",
            "Basic YWJjZA==",
            "Basic OmFiY2Q=",
        ] {
            assert_eq!(basic_credentials(&headers(bad)), None, "{bad}");
        }
        assert_eq!(basic_credentials(&HeaderMap::new()), None);
    }
}

/// How long a successful authentication is reused without asking the store. Disabling a client
/// takes effect on every replica within this time.
pub(crate) const AUTH_CACHE_SECS: u64 = 10;

/// Recently authenticated clients: client id → (SHA-256 of the secret, caller, when). Saves a
/// store round trip and the salted hash on every request of a busy client. Only a digest of
/// the secret is kept, compared in constant time; the map is bounded.
/// A cached authentication: digest of the secret, the caller, when it was checked.
type CachedCaller = ([u8; 32], Caller, std::time::Instant);

#[derive(Debug, Default)]
pub(crate) struct AuthCache {
    entries: std::sync::Mutex<std::collections::HashMap<String, CachedCaller>>,
}

impl AuthCache {
    const MAX_ENTRIES: usize = 10_000;

    fn digest(secret: &str) -> [u8; 32] {
        use sha2::{Digest, Sha256};
        Sha256::digest(secret.as_bytes()).into()
    }

    fn get(&self, client_id: &str, secret: &str) -> Option<Caller> {
        let digest = Self::digest(secret);
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let (stored, caller, at) = entries.get(client_id)?;
        let fresh = at.elapsed() < std::time::Duration::from_secs(AUTH_CACHE_SECS);
        (fresh && aurora_store::constant_time_eq(stored, &digest)).then(|| caller.clone())
    }

    fn put(&self, secret: &str, caller: Caller) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= Self::MAX_ENTRIES {
            entries.retain(|_, (_, _, at)| {
                at.elapsed() < std::time::Duration::from_secs(AUTH_CACHE_SECS)
            });
            if entries.len() >= Self::MAX_ENTRIES {
                entries.clear();
            }
        }
        entries.insert(
            caller.client_id.clone(),
            (Self::digest(secret), caller, std::time::Instant::now()),
        );
    }
}
