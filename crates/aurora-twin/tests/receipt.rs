//! Consent-receipt tests.

use aurora_twin::jws::JwsError;
use aurora_twin::receipt::{
    encode_public_key, verify, ConsentReceipt, PiiController, PostalAddress, Purpose, ReceiptError,
    ReceiptSigner, Service, KANTARA_CR_VERSION,
};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;

fn signer() -> ReceiptSigner {
    ReceiptSigner::from_seed(&[7u8; 32], Some("aurora-receipts-1".into()))
}

fn receipt() -> ConsentReceipt {
    ConsentReceipt {
        version: KANTARA_CR_VERSION.into(),
        jurisdiction: "FI".into(),
        consent_timestamp: 1_767_225_600,
        collection_method: "web form".into(),
        consent_receipt_id: "6f1c2d9e-3a4b-4c5d-8e7f-0a1b2c3d4e5f".into(),
        public_key: None,
        language: "fi".into(),
        pii_principal_id: "person-123".into(),
        pii_controllers: vec![PiiController {
            pii_controller: "Aurora operator".into(),
            on_behalf: Some(false),
            contact: "Data protection officer".into(),
            address: PostalAddress {
                street_address: Some("Esimerkkikatu 1".into()),
                address_locality: Some("Helsinki".into()),
                postal_code: Some("00100".into()),
                address_country: Some("FI".into()),
                ..PostalAddress::default()
            },
            email: "dpo@example.invalid".into(),
            phone: "+358 00 000 000".into(),
            pii_controller_url: Some("https://example.invalid".into()),
        }],
        policy_url: "https://example.invalid/privacy".into(),
        services: vec![Service {
            service: "Youth services guidance".into(),
            purposes: vec![Purpose {
                purpose: "Share age and municipality to get service recommendations".into(),
                purpose_category: vec!["service provision".into()],
                consent_type: "EXPLICIT".into(),
                pii_category: vec!["age".into(), "municipality".into()],
                primary_purpose: true,
                termination: "Withdraw at any time in the profile view".into(),
                third_party_disclosure: true,
                third_party_name: Some("City of Helsinki youth services".into()),
            }],
        }],
        sensitive: false,
        spi_cat: vec![],
    }
}

/// A named change that makes a receipt invalid.
type Mutation = Box<dyn Fn(&mut ConsentReceipt)>;

fn b64(d: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(d)
}

fn parts(jws: &str) -> (String, String, String) {
    let v: Vec<&str> = jws.split('.').collect();
    assert_eq!(v.len(), 3, "{jws}");
    (v[0].to_owned(), v[1].to_owned(), v[2].to_owned())
}

#[test]
fn serialises_with_kantara_field_names() {
    let v = serde_json::to_value(receipt()).expect("ser");
    for key in [
        "version",
        "jurisdiction",
        "consentTimestamp",
        "collectionMethod",
        "consentReceiptID",
        "language",
        "piiPrincipalId",
        "piiControllers",
        "policyUrl",
        "services",
        "sensitive",
        "spiCat",
    ] {
        assert!(v.get(key).is_some(), "missing {key}: {v}");
    }
    let c = &v["piiControllers"][0];
    for key in [
        "piiController",
        "onBehalf",
        "contact",
        "address",
        "email",
        "phone",
        "piiControllerUrl",
    ] {
        assert!(c.get(key).is_some(), "missing controller {key}");
    }
    assert_eq!(c["address"]["addressCountry"], "FI");
    let p = &v["services"][0]["purposes"][0];
    for key in [
        "purpose",
        "purposeCategory",
        "consentType",
        "piiCategory",
        "primaryPurpose",
        "termination",
        "thirdPartyDisclosure",
        "thirdPartyName",
    ] {
        assert!(p.get(key).is_some(), "missing purpose {key}");
    }
    assert_eq!(v["version"], "KI-CR-v1.1.0");
}

#[test]
fn sign_and_verify_round_trip() {
    let s = signer();
    let mut r = receipt();
    r.public_key = Some(encode_public_key(&s.verifying_key()));
    let jws = s.sign(&r).expect("sign");
    let (h, _, _) = parts(&jws);
    let header: serde_json::Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(h).expect("b64")).expect("json");
    assert_eq!(header["alg"], "EdDSA");
    assert_eq!(header["typ"], "JWT");
    assert_eq!(header["kid"], "aurora-receipts-1");
    assert!(!jws.contains('='), "no padding");
    assert_eq!(verify(&jws, &s.verifying_key()).expect("verify"), r);
}

#[test]
fn ed25519_is_deterministic() {
    let s = signer();
    assert_eq!(
        s.sign(&receipt()).expect("a"),
        s.sign(&receipt()).expect("b")
    );
}

#[test]
fn modified_payload_fails() {
    let s = signer();
    let jws = s.sign(&receipt()).expect("sign");
    let (h, _, sig) = parts(&jws);
    let mut r = receipt();
    r.pii_principal_id = "person-999".into();
    let payload = serde_json::to_vec(&r).expect("ser");
    let tampered = format!("{h}.{}.{sig}", b64(&payload));
    assert_eq!(
        verify(&tampered, &s.verifying_key()),
        Err(ReceiptError::Jws(JwsError::BadSignature))
    );
    // Re-encoding the very same payload JSON with whitespace also breaks the signature.
    let pretty = serde_json::to_vec_pretty(&receipt()).expect("ser");
    let tampered = format!("{h}.{}.{sig}", b64(&pretty));
    assert!(verify(&tampered, &s.verifying_key()).is_err());
}

#[test]
fn modified_header_fails() {
    let s = signer();
    let jws = s.sign(&receipt()).expect("sign");
    let (_, p, sig) = parts(&jws);
    for header in [
        r#"{"alg":"EdDSA","typ":"JWT"}"#,
        r#"{"alg":"EdDSA","typ":"JWT","kid":"other"}"#,
    ] {
        let tampered = format!("{}.{p}.{sig}", b64(header.as_bytes()));
        assert_eq!(
            verify(&tampered, &s.verifying_key()),
            Err(ReceiptError::Jws(JwsError::BadSignature)),
            "{header}"
        );
    }
    let none = format!("{}.{p}.", b64(br#"{"alg":"none"}"#));
    assert!(matches!(
        verify(&none, &s.verifying_key()),
        Err(ReceiptError::Jws(JwsError::UnsupportedAlg(_)))
    ));
}

#[test]
fn modified_signature_or_wrong_key_fails() {
    let s = signer();
    let jws = s.sign(&receipt()).expect("sign");
    let (h, p, sig) = parts(&jws);
    let mut raw = URL_SAFE_NO_PAD.decode(sig).expect("b64");
    raw[0] ^= 1;
    let tampered = format!("{h}.{p}.{}", b64(&raw));
    assert_eq!(
        verify(&tampered, &s.verifying_key()),
        Err(ReceiptError::Jws(JwsError::BadSignature))
    );
    let other = ReceiptSigner::from_seed(&[8u8; 32], None);
    assert_eq!(
        verify(&jws, &other.verifying_key()),
        Err(ReceiptError::Jws(JwsError::BadSignature))
    );
}

#[test]
fn public_key_field_must_match() {
    let s = signer();
    let other = ReceiptSigner::from_seed(&[9u8; 32], None);
    let mut r = receipt();
    r.public_key = Some(encode_public_key(&other.verifying_key()));
    assert_eq!(s.sign(&r), Err(ReceiptError::PublicKeyMismatch));
    // Signed by `other` (so the field matches its signer) but checked against `s`: bad signature.
    let jws = other.sign(&r).expect("sign");
    assert!(verify(&jws, &s.verifying_key()).is_err());
}

#[test]
fn invalid_receipts_are_not_signed() {
    let s = signer();
    let cases: Vec<(&str, Mutation)> = vec![
        ("version", Box::new(|r| r.version = "KI-CR-v1.0.0".into())),
        ("services", Box::new(|r| r.services.clear())),
        ("controllers", Box::new(|r| r.pii_controllers.clear())),
        ("principal", Box::new(|r| r.pii_principal_id = " ".into())),
        ("purposes", Box::new(|r| r.services[0].purposes.clear())),
        ("spiCat", Box::new(|r| r.spi_cat = vec!["health".into()])),
        (
            "thirdPartyName",
            Box::new(|r| r.services[0].purposes[0].third_party_disclosure = false),
        ),
    ];
    for (name, mutate) in cases {
        let mut r = receipt();
        mutate(&mut r);
        assert!(
            matches!(s.sign(&r), Err(ReceiptError::Invalid(_))),
            "{name} must be refused"
        );
    }
    let mut ok = receipt();
    ok.sensitive = true;
    ok.spi_cat = vec!["health".into()];
    assert!(s.sign(&ok).is_ok());
}

#[test]
fn signed_non_receipt_payload_is_refused() {
    // A correctly signed JWS whose payload is not a receipt (unknown field).
    let s = signer();
    let mut v = serde_json::to_value(receipt()).expect("ser");
    v["extra"] = serde_json::json!(1);
    let jws = aurora_twin::jws::sign_compact(
        &ed25519_dalek::SigningKey::from_bytes(&[7u8; 32]),
        &aurora_twin::jws::JwsHeader::eddsa(Some("JWT"), None),
        &serde_json::to_vec(&v).expect("ser"),
    )
    .expect("sign");
    assert!(matches!(
        verify(&jws, &s.verifying_key()),
        Err(ReceiptError::Payload(_))
    ));
}

#[test]
fn signer_debug_hides_the_seed() {
    let s = signer();
    let dbg = format!("{s:?}");
    assert!(
        dbg.contains(&encode_public_key(&s.verifying_key())),
        "{dbg}"
    );
    assert!(!dbg.contains("7, 7, 7"), "{dbg}");
    assert!(!dbg.contains(&b64(&[7u8; 32])), "{dbg}");
}
