//! Envelope-encryption tests.

use aurora_twin::crypto::{
    new_person_key, open, rewrap, seal, unwrap_data_key, wrap_data_key, AttributeContext,
    CryptoError, DataKey, MasterKey, SealedValue, WrappedKey,
};

const HEX_KEY: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

fn master() -> MasterKey {
    MasterKey::generate().expect("rng")
}

#[test]
fn master_key_parses_hex_and_base64_to_the_same_key() {
    let from_hex = MasterKey::from_hex(HEX_KEY).expect("hex");
    // base64 of bytes 0..32
    let b64 = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    let b64url_nopad = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8";
    for k in [
        MasterKey::from_base64(b64).expect("b64"),
        MasterKey::from_base64(b64url_nopad).expect("b64url"),
        MasterKey::from_config(HEX_KEY).expect("config hex"),
        MasterKey::from_config(&format!("  {b64}\n")).expect("config b64"),
    ] {
        assert_eq!(k.key_id(), from_hex.key_id());
    }
    assert_eq!(from_hex.key_id().as_str().len(), 16);
}

#[test]
fn bad_master_key_config_is_rejected() {
    for bad in ["", "00", &HEX_KEY[..62], "zz", "AAEC", "not base64 !!"] {
        assert!(
            matches!(MasterKey::from_config(bad), Err(CryptoError::InvalidKey(_))),
            "{bad:?}"
        );
    }
    assert!(MasterKey::from_hex(&format!("{HEX_KEY}00")).is_err());
}

#[test]
fn debug_never_shows_key_bytes() {
    let k = MasterKey::from_hex(HEX_KEY).expect("hex");
    let dbg = format!("{k:?}");
    assert!(dbg.contains(k.key_id().as_str()), "{dbg}");
    for needle in ["000102", "0, 1, 2", "AAECAw", "[0,"] {
        assert!(!dbg.contains(needle), "{dbg} leaks {needle}");
    }
    let dk = DataKey::generate().expect("rng");
    assert_eq!(format!("{dk:?}"), "DataKey(<redacted>)");
    assert_eq!(format!("{dk:#?}"), "DataKey(<redacted>)");
}

#[test]
fn key_ids_differ_between_masters() {
    assert_ne!(master().key_id(), master().key_id());
}

#[test]
fn wrap_unwrap_and_seal_open_round_trip() {
    let m = master();
    let (dk, wrapped) = new_person_key(&m, "person-1").expect("new key");
    assert_eq!(wrapped.key_id(), &m.key_id());
    let ctx = AttributeContext::new("person-1", "age");
    let sealed = seal(b"42", &dk, &ctx).expect("seal");

    // Through the text forms, as a store would keep them.
    let wrapped2 = WrappedKey::decode(&wrapped.encode()).expect("decode wrapped");
    let sealed2 = SealedValue::decode(&sealed.encode()).expect("decode sealed");
    assert_eq!(wrapped2, wrapped);
    assert_eq!(sealed2, sealed);

    let dk2 = unwrap_data_key(&m, &wrapped2, "person-1").expect("unwrap");
    assert_eq!(open(&sealed2, &dk2, &ctx).expect("open").as_slice(), b"42");
}

#[test]
fn serde_forms_round_trip() {
    let m = master();
    let (dk, wrapped) = new_person_key(&m, "p").expect("new key");
    let sealed = seal(b"", &dk, &AttributeContext::new("p", "flag")).expect("seal");
    let json = serde_json::to_string(&(&wrapped, &sealed, m.key_id())).expect("ser");
    let back: (WrappedKey, SealedValue, aurora_twin::crypto::KeyId) =
        serde_json::from_str(&json).expect("de");
    assert_eq!(back, (wrapped, sealed, m.key_id()));
    assert!(serde_json::from_str::<WrappedKey>("\"v1.x.y.z\"").is_err());
}

#[test]
fn seal_uses_fresh_nonces() {
    let dk = DataKey::generate().expect("rng");
    let ctx = AttributeContext::new("p", "a");
    let a = seal(b"same", &dk, &ctx).expect("seal");
    let b = seal(b"same", &dk, &ctx).expect("seal");
    assert_ne!(a, b);
}

#[test]
fn value_moved_to_other_person_or_attribute_does_not_open() {
    let dk = DataKey::generate().expect("rng");
    let sealed = seal(
        b"00100",
        &dk,
        &AttributeContext::new("alice", "postal_code"),
    )
    .expect("seal");
    for (person, attr) in [
        ("bob", "postal_code"),
        ("alice", "age"),
        // length-prefixed context: shifting bytes between fields is not the same context
        ("alicep", "ostal_code"),
        ("", "alicepostal_code"),
    ] {
        assert_eq!(
            open(&sealed, &dk, &AttributeContext::new(person, attr)),
            Err(CryptoError::Decrypt),
            "{person}/{attr}"
        );
    }
}

#[test]
fn value_does_not_open_with_another_persons_key() {
    let ctx = AttributeContext::new("p", "a");
    let sealed = seal(b"v", &DataKey::generate().expect("rng"), &ctx).expect("seal");
    let other = DataKey::generate().expect("rng");
    assert_eq!(open(&sealed, &other, &ctx), Err(CryptoError::Decrypt));
}

#[test]
fn tampered_sealed_value_fails_without_panic() {
    let dk = DataKey::generate().expect("rng");
    let ctx = AttributeContext::new("p", "a");
    let text = seal(b"hello world", &dk, &ctx).expect("seal").encode();
    // Flip every character of the ciphertext part in turn (to another base64url char).
    let ct_start = text.rfind('.').expect("dot") + 1;
    let bytes = text.as_bytes();
    for i in ct_start..bytes.len() {
        let mut t = bytes.to_vec();
        t[i] = if t[i] == b'A' { b'B' } else { b'A' };
        let t = String::from_utf8(t).expect("ascii");
        match SealedValue::decode(&t) {
            Ok(s) => assert_eq!(open(&s, &dk, &ctx), Err(CryptoError::Decrypt), "pos {i}"),
            Err(e) => assert!(matches!(e, CryptoError::Malformed { .. })),
        }
    }
    for bad in [
        "",
        "v1",
        "v1..",
        "v2.AAAA.AAAA",
        "v1.!!.!!",
        "v1.AAAA.AAAA",
        "v1.a.b.c",
    ] {
        assert!(SealedValue::decode(bad).is_err(), "{bad:?}");
    }
}

#[test]
fn wrapped_key_for_other_person_fails() {
    let m = master();
    let (_, wrapped) = new_person_key(&m, "alice").expect("new");
    assert_eq!(
        unwrap_data_key(&m, &wrapped, "bob").map(|_| ()),
        Err(CryptoError::Decrypt)
    );
}

#[test]
fn wrong_master_fails() {
    let m1 = master();
    let m2 = master();
    let (_, wrapped) = new_person_key(&m1, "p").expect("new");
    assert!(matches!(
        unwrap_data_key(&m2, &wrapped, "p"),
        Err(CryptoError::KeyIdMismatch { .. })
    ));
    // Even with the key id forged to match m2, the AEAD refuses.
    let forged = WrappedKey::decode(&wrapped.encode().replacen(
        wrapped.key_id().as_str(),
        m2.key_id().as_str(),
        1,
    ))
    .expect("decode");
    assert_eq!(forged.key_id(), &m2.key_id());
    assert_eq!(
        unwrap_data_key(&m2, &forged, "p").map(|_| ()),
        Err(CryptoError::Decrypt)
    );
}

#[test]
fn rotation_rewraps_and_old_master_no_longer_unwraps() {
    let old = master();
    let new = master();
    let (dk, wrapped) = new_person_key(&old, "p").expect("new");
    let ctx = AttributeContext::new("p", "municipality");
    let sealed = seal(b"091", &dk, &ctx).expect("seal");

    let rotated = rewrap(&wrapped, "p", &old, &new).expect("rewrap");
    assert_eq!(rotated.key_id(), &new.key_id());
    assert_ne!(rotated, wrapped);

    // New master opens existing values unchanged.
    let dk_new = unwrap_data_key(&new, &rotated, "p").expect("unwrap new");
    assert_eq!(
        open(&sealed, &dk_new, &ctx).expect("open").as_slice(),
        b"091"
    );

    // Old master can no longer unwrap the rotated key: by key id ...
    assert!(matches!(
        unwrap_data_key(&old, &rotated, "p"),
        Err(CryptoError::KeyIdMismatch { .. })
    ));
    // ... nor cryptographically when the key id is forged.
    let forged = WrappedKey::decode(&rotated.encode().replacen(
        new.key_id().as_str(),
        old.key_id().as_str(),
        1,
    ))
    .expect("decode");
    assert_eq!(
        unwrap_data_key(&old, &forged, "p").map(|_| ()),
        Err(CryptoError::Decrypt)
    );

    // Rewrapping with the wrong "old" master fails and does not produce a key.
    assert!(rewrap(&rotated, "p", &old, &new).is_err());
}

#[test]
fn explicit_wrap_of_existing_data_key() {
    let m = master();
    let dk = DataKey::generate().expect("rng");
    let ctx = AttributeContext::new("p", "a");
    let sealed = seal(b"x", &dk, &ctx).expect("seal");
    let w = wrap_data_key(&m, &dk, "p").expect("wrap");
    let back = unwrap_data_key(&m, &w, "p").expect("unwrap");
    assert_eq!(open(&sealed, &back, &ctx).expect("open").as_slice(), b"x");
}
