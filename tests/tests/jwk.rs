//! JSON Web Keys against the RFC vectors: RFC 7517 (JWK and JWK Sets),
//! RFC 7520 section 3 (cookbook keys), RFC 7638 (thumbprints) and RFC 8037
//! (OKP keys); round trips of generated keys through JSON, PEM/DER and the
//! RustCrypto types; `Debug` hygiene; typed errors for bad input; property
//! tests; and look-ups in a JWK Set.

// The helpers below run only inside tests: they get the policy clippy.toml
// gives test functions (`allow-unwrap-in-tests` and the others).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use core::fmt::Debug;
use std::sync::OnceLock;

use jose_core::KeyShape;
use jose_core::{
    Algorithm, Curve, Error, HashAlgorithm, InvalidKey, JwsAlgorithm, KeyManagementAlgorithm,
    KeyType, Malformed, MalformedReason, Policy, Unsupported, b64,
};
use jose_jwk::{Jwk, JwkOptions, JwkSet, Key, KeyFormat, KeyOp, KeyQuery, KeySpec, KeyUse};
use jose_rustcrypto::PROVIDER;
use jose_rustcrypto::convert::{FromJwk, ToJwk};
use jose_tests::{hex, jwk_of, member_json, vector, vectors_in};
use serde_json::{Map, Value, json};

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// Asserts that a value matches a pattern, printing the value when not.
macro_rules! assert_matches {
    ($value:expr, $pattern:pat $(if $guard:expr)? $(,)?) => {
        match $value {
            $pattern $(if $guard)? => {}
            ref other => panic!(
                "expected {}, got {:?}",
                stringify!($pattern $(if $guard)?),
                other
            ),
        }
    };
}

/// Parses a JWK from JSON text.
fn parse(json: &str) -> Result<Jwk, Error> {
    Jwk::from_json(json.as_bytes())
}

/// Parses the JWK held by member `key` of a vector.
fn jwk_member(v: &Value, key: &str) -> Jwk {
    let text = member_json(v, key);
    Jwk::from_json(text.as_bytes()).unwrap_or_else(|e| panic!("member {key}: {e:?}"))
}

/// The JSON text of `value` after `f` edited it (as an object).
fn edited(value: &Value, f: impl FnOnce(&mut Map<String, Value>)) -> String {
    let mut v = value.clone();
    f(v.as_object_mut().expect("a JSON object"));
    v.to_string()
}

/// The JSON text of `value` with member `name` set to `new`.
fn with_member(value: &Value, name: &str, new: Value) -> String {
    edited(value, |o| {
        o.insert(name.to_owned(), new);
    })
}

/// The JSON text of `value` without member `name`.
fn without_member(value: &Value, name: &str) -> String {
    edited(value, |o| {
        o.remove(name).expect("member to remove");
    })
}

/// The string member `name` of `value`.
fn str_member<'a>(value: &'a Value, name: &str) -> &'a str {
    value[name].as_str().expect("a string member")
}

/// Decodes a vector's base64url text.
fn unb64(text: &str) -> Vec<u8> {
    b64::decode("test vector", text).unwrap()
}

/// The key as a JSON value, as serialized by the library.
fn json_value(jwk: &Jwk) -> Value {
    serde_json::from_str(&jwk.to_json()).unwrap()
}

/// Serializes and reparses `jwk`, which must give it back; the serialized
/// text must also be strict JSON (no duplicate members).
fn assert_json_round_trip(jwk: &Jwk) {
    let text = jwk.to_json();
    jose_core::json::parse_object("serialized jwk", text.as_bytes()).unwrap();
    let back = Jwk::from_json(text.as_bytes()).unwrap();
    assert_eq!(&back, jwk);
    assert_eq!(*back.to_json(), *text);
    // `to_json` writes its own presized buffer; serde writes the same text.
    assert_eq!(serde_json::to_string(jwk).unwrap(), *text);
}

/// The backend's full key check.
fn check(jwk: &Jwk) -> Result<(), Error> {
    PROVIDER.check(jwk)
}

/// Imports PEM text with the backend.
fn from_pem(pem: &str) -> Result<Jwk, Error> {
    Jwk::from_pem(pem, &PROVIDER)
}

/// PEM text of `der` under `label`, 64 columns.
fn pem(label: &str, der: &[u8]) -> String {
    let body = b64::encode_standard(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for line in body.as_bytes().chunks(64) {
        out.push_str(core::str::from_utf8(line).unwrap());
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

/// Whether `needle` occurs in `haystack`.
fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// The kids of the keys, in order.
fn kids<'a>(keys: impl Iterator<Item = &'a Jwk>) -> Vec<Option<&'a str>> {
    keys.map(Jwk::kid).collect()
}

/// The private members of a key (`d`, RSA CRT values, `k`), as bytes.
fn private_parts(jwk: &Jwk) -> Vec<Vec<u8>> {
    match jwk.key() {
        Key::Rsa(k) => {
            let mut out = Vec::new();
            if let Some(p) = k.private() {
                out.push(p.d().expose().to_vec());
                if let Some(c) = p.primes() {
                    for s in [&c.p, &c.q, &c.dp, &c.dq, &c.qi] {
                        out.push(s.expose().to_vec());
                    }
                }
            }
            out
        }
        Key::Ec(k) => k.d().map(|d| d.expose().to_vec()).into_iter().collect(),
        Key::Okp(k) => k.d().map(|d| d.expose().to_vec()).into_iter().collect(),
        Key::Oct(k) => vec![k.k().expose().to_vec()],
        other => panic!("a key type this test does not know: {other:?}"),
    }
}

/// The JSON names of the private members present in a serialized key.
const PRIVATE_MEMBERS: [&str; 7] = ["d", "p", "q", "dp", "dq", "qi", "k"];

/// Asserts that the public form of a private key has no private member and
/// equals `expected_public`.
fn assert_public_of(private: &Jwk, expected_public: &Jwk) {
    let public = private.to_public().expect("an asymmetric key");
    assert!(!public.is_private());
    assert_eq!(&public, expected_public);
    let value = json_value(&public);
    for name in PRIVATE_MEMBERS {
        assert!(value.get(name).is_none(), "public key has {name}: {value}");
    }
    assert_eq!(public.kid(), private.kid());
    assert_eq!(public.params(), private.params());
}

/// The RSA key generated once for every test that needs a fresh one (RSA
/// generation is slow).
fn rsa_2048() -> &'static Jwk {
    static KEY: OnceLock<Jwk> = OnceLock::new();
    KEY.get_or_init(|| PROVIDER.generate(KeyShape::Rsa { bits: 2048 }).unwrap())
}

/// An odd 1024-bit modulus (not a product of two primes: only its size and
/// form matter to the parser and the public key checks).
fn modulus_1024() -> Vec<u8> {
    let mut n: Vec<u8> = (0u8..128)
        .map(|i| i.wrapping_mul(37).wrapping_add(11))
        .collect();
    n[0] |= 0x80;
    n[127] |= 1;
    n
}

// ---------------------------------------------------------------------------
// RFC 7517: JSON Web Key
// ---------------------------------------------------------------------------

mod rfc7517 {
    use super::*;

    fn set_of(path: &str) -> (Value, JwkSet) {
        let v = vector(path);
        let set = JwkSet::from_json(member_json(&v, "jwk_set").as_bytes()).unwrap();
        (v, set)
    }

    fn ec_a1() -> Value {
        vector("rfc7517/A.1.json")["jwk_set"]["keys"][0].clone()
    }

    #[test]
    fn a1_public_keys() {
        let (v, set) = set_of("rfc7517/A.1.json");
        let vkeys = v["jwk_set"]["keys"].as_array().unwrap();
        assert_eq!(set.skipped().len(), 0);
        assert_eq!(set.keys().len(), 2);
        assert_eq!(
            kids(set.keys().iter()),
            [Some("1"), Some("2011-04-29")],
            "kids in order"
        );
        let types: Vec<KeyType> = set.keys().iter().map(Jwk::key_type).collect();
        assert_eq!(types, [KeyType::Ec, KeyType::Rsa]);

        let ec = &set.keys()[0];
        assert_eq!(ec.params().key_use, Some(KeyUse::Encryption));
        assert_eq!(ec.alg(), None);
        match ec.key() {
            Key::Ec(k) => {
                assert_eq!(k.crv(), Curve::P256);
                assert_eq!(k.x(), unb64(str_member(&vkeys[0], "x")));
                assert_eq!(k.y(), unb64(str_member(&vkeys[0], "y")));
                assert!(k.d().is_none());
            }
            other => panic!("not EC: {other:?}"),
        }

        let rsa = &set.keys()[1];
        assert_eq!(rsa.alg(), Some(Algorithm::Signature(JwsAlgorithm::Rs256)));
        assert_eq!(rsa.params().key_use, None);
        match rsa.key() {
            Key::Rsa(k) => {
                assert_eq!(k.bits(), 2048);
                assert_eq!(k.n(), unb64(str_member(&vkeys[1], "n")));
                assert_eq!(k.e(), [1, 0, 1]);
                assert!(k.private().is_none());
            }
            other => panic!("not RSA: {other:?}"),
        }

        for (jwk, expected) in set.keys().iter().zip(vkeys) {
            assert!(!jwk.is_private());
            assert_eq!(jwk.to_public().as_ref(), Some(jwk));
            check(jwk).unwrap();
            assert_json_round_trip(jwk);
            assert_eq!(&json_value(jwk), expected, "serialized as in the RFC");
        }
        let back = JwkSet::from_json(set.to_json().as_bytes()).unwrap();
        assert_eq!(back, set);
        let value: Value = serde_json::from_str(&set.to_json()).unwrap();
        assert_eq!(value, v["jwk_set"]);
        assert_eq!(set.to_public(), set);
    }

    #[test]
    fn a2_private_keys() {
        let (v, set) = set_of("rfc7517/A.2.json");
        let (_, public_set) = set_of("rfc7517/A.1.json");
        let vkeys = v["jwk_set"]["keys"].as_array().unwrap();
        assert_eq!(set.skipped().len(), 0);
        assert_eq!(kids(set.keys().iter()), [Some("1"), Some("2011-04-29")]);
        let types: Vec<KeyType> = set.keys().iter().map(Jwk::key_type).collect();
        assert_eq!(types, [KeyType::Ec, KeyType::Rsa]);

        for ((jwk, expected), public) in set.keys().iter().zip(vkeys).zip(public_set.keys()) {
            assert!(jwk.is_private());
            check(jwk).unwrap();
            assert_public_of(jwk, public);
            assert_json_round_trip(jwk);
            assert_eq!(&json_value(jwk), expected);
        }
        assert_eq!(set.to_public(), public_set);
        let back = JwkSet::from_json(set.to_json().as_bytes()).unwrap();
        assert_eq!(back, set);

        // The private members decode to what the vector holds.
        let ec = &set.keys()[0];
        match ec.key() {
            Key::Ec(k) => {
                assert_eq!(k.d().unwrap().expose(), unb64(str_member(&vkeys[0], "d")));
            }
            other => panic!("not EC: {other:?}"),
        }
        let derived = PROVIDER
            .keys
            .public_from_private(Curve::P256, &unb64(str_member(&vkeys[0], "d")))
            .unwrap();
        assert_eq!(Some(derived.key()), ec.to_public().as_ref().map(Jwk::key));

        let rsa = &set.keys()[1];
        match rsa.key() {
            Key::Rsa(k) => {
                let private = k.private().unwrap();
                assert_eq!(private.d().expose(), unb64(str_member(&vkeys[1], "d")));
                let primes = private.primes().unwrap();
                for (name, s) in [
                    ("p", &primes.p),
                    ("q", &primes.q),
                    ("dp", &primes.dp),
                    ("dq", &primes.dq),
                    ("qi", &primes.qi),
                ] {
                    assert_eq!(s.expose(), unb64(str_member(&vkeys[1], name)), "{name}");
                }
            }
            other => panic!("not RSA: {other:?}"),
        }

        // RustCrypto conversions give back the same key material.
        let rsa_key = rsa::PrivateKey::from_jwk(rsa).unwrap();
        assert_eq!(rsa_key.to_jwk().unwrap().key(), rsa.key());
        let ec_key = p256::SecretKey::from_jwk(ec).unwrap();
        assert_eq!(ec_key.to_jwk().unwrap().key(), ec.key());
        assert_eq!(
            p256::PublicKey::from_jwk(ec).unwrap(),
            ec_key.public_key(),
            "the public key of d is (x, y)"
        );
    }

    #[test]
    fn a3_symmetric_keys() {
        let (v, set) = set_of("rfc7517/A.3.json");
        let vkeys = v["jwk_set"]["keys"].as_array().unwrap();
        assert_eq!(set.skipped().len(), 0);
        assert_eq!(
            kids(set.keys().iter()),
            [None, Some("HMAC key used in JWS spec Appendix A.1 example")]
        );

        let wrap = &set.keys()[0];
        assert_eq!(
            wrap.alg(),
            Some(Algorithm::KeyManagement(KeyManagementAlgorithm::A128Kw))
        );
        match wrap.key() {
            Key::Oct(k) => {
                assert_eq!(k.k().len(), 16);
                assert_eq!(k.k().expose(), unb64(str_member(&vkeys[0], "k")));
            }
            other => panic!("not oct: {other:?}"),
        }
        wrap.check_fits(KeyManagementAlgorithm::A128Kw.into())
            .unwrap();
        assert_matches!(
            wrap.check_fits(KeyManagementAlgorithm::A256Kw.into()),
            Err(Error::InvalidKey(InvalidKey { member: "k", .. }))
        );

        let hmac = &set.keys()[1];
        assert_eq!(hmac.alg(), None);
        match hmac.key() {
            Key::Oct(k) => {
                assert_eq!(k.k().len(), 64);
                assert_eq!(k.k().expose(), unb64(str_member(&vkeys[1], "k")));
            }
            other => panic!("not oct: {other:?}"),
        }
        for alg in [
            JwsAlgorithm::Hs256,
            JwsAlgorithm::Hs384,
            JwsAlgorithm::Hs512,
        ] {
            hmac.check_fits(alg.into()).unwrap();
        }
        hmac.clone().with_alg(JwsAlgorithm::Hs512).unwrap();

        for (jwk, expected) in set.keys().iter().zip(vkeys) {
            assert_eq!(jwk.key_type(), KeyType::Oct);
            assert!(jwk.is_private());
            assert_eq!(jwk.to_public(), None, "a symmetric key has no public part");
            check(jwk).unwrap();
            assert_json_round_trip(jwk);
            assert_eq!(&json_value(jwk), expected);
        }
        assert!(set.to_public().keys().is_empty());
        assert_eq!(JwkSet::from_json(set.to_json().as_bytes()).unwrap(), set);
    }

    #[test]
    fn b_x5c() {
        let v = vector("rfc7517/B.json");
        let jwk = jwk_member(&v, "key");
        let vkey = &v["key"];
        assert_eq!(jwk.kid(), Some("1b94c"));
        assert_eq!(jwk.params().key_use, Some(KeyUse::Signature));
        assert_eq!(jwk.key_type(), KeyType::Rsa);
        assert!(!jwk.is_private());
        check(&jwk).unwrap();

        let chain = jwk.params().x5c.as_ref().expect("x5c");
        assert_eq!(chain.len(), 1);
        let cert = &chain[0];
        assert_eq!(cert[0], 0x30, "a DER SEQUENCE");
        assert_eq!(cert[1], 0x82, "two length octets");
        let len = usize::from(u16::from_be_bytes([cert[2], cert[3]]));
        assert_eq!(
            cert.len(),
            4 + len,
            "the DER length covers the whole chain entry"
        );
        assert_eq!(
            *cert,
            b64::decode_standard("x5c", vkey["x5c"][0].as_str().unwrap()).unwrap()
        );
        // The certificate holds exactly the key's SubjectPublicKeyInfo.
        let spki = jwk.to_der(KeyFormat::Spki).unwrap();
        assert!(contains(cert, &spki), "certificate holds the JWK's SPKI");

        // The round trip keeps x5c, as standard base64 with padding.
        assert_json_round_trip(&jwk);
        assert_eq!(json_value(&jwk), *vkey);
        assert_eq!(json_value(&jwk)["x5c"], vkey["x5c"]);
        let public = jwk.to_public().unwrap();
        assert_eq!(public.params().x5c, jwk.params().x5c);
    }

    #[test]
    fn b_x5c_must_be_standard_base64() {
        let vkey = &vector("rfc7517/B.json")["key"];
        let cert = vkey["x5c"][0].as_str().unwrap();
        let url_safe = cert.replace('+', "-").replace('/', "_");
        assert_ne!(url_safe, cert);
        let unpadded = cert.trim_end_matches('=');
        for bad in [url_safe.as_str(), unpadded] {
            let m = match parse(&with_member(vkey, "x5c", json!([bad]))) {
                Err(Error::Malformed(m)) => m,
                other => panic!("expected Malformed, got {other:?}"),
            };
            assert_eq!(m.what, "jwk \"x5c\"");
            assert_eq!(m.reason, MalformedReason::Base64);
        }
        assert_matches!(
            parse(&with_member(vkey, "x5c", json!([]))),
            Err(Error::Malformed(Malformed {
                reason: MalformedReason::Invalid(_),
                ..
            }))
        );
        assert_matches!(
            parse(&with_member(vkey, "x5c", json!(cert))),
            Err(Error::Malformed(Malformed {
                reason: MalformedReason::WrongType(_),
                ..
            }))
        );
        assert_matches!(
            parse(&with_member(vkey, "x5c", json!([1]))),
            Err(Error::Malformed(Malformed {
                reason: MalformedReason::WrongType(_),
                ..
            }))
        );
    }

    #[test]
    fn a1_find_by_kid() {
        let (_, set) = set_of("rfc7517/A.1.json");
        assert_eq!(set.find_by_kid("1").map(Jwk::key_type), Some(KeyType::Ec));
        assert_eq!(
            set.find_by_kid("2011-04-29").map(Jwk::key_type),
            Some(KeyType::Rsa)
        );
        assert!(set.find_by_kid("2").is_none());
        assert!(set.find_by_kid("").is_none());
    }

    #[test]
    fn a1_query_by_alg() {
        let (_, set) = set_of("rfc7517/A.1.json");
        let found = |q: KeyQuery<'_>| -> Vec<Option<String>> {
            set.find(&q).map(|k| k.kid().map(str::to_owned)).collect()
        };
        let ec = vec![Some("1".to_owned())];
        let rsa = vec![Some("2011-04-29".to_owned())];
        assert_eq!(found(KeyQuery::new().alg(JwsAlgorithm::Rs256)), rsa);
        // `alg` checks type, curve, size and "use": the A.1 EC key is an
        // "enc" key, so it fits ECDH-ES and not ES256...
        assert!(found(KeyQuery::new().alg(JwsAlgorithm::Es256)).is_empty());
        assert_eq!(
            found(KeyQuery::new().alg(KeyManagementAlgorithm::EcdhEs)),
            ec
        );
        // ...and not once "use" is asked for either.
        assert!(
            found(
                KeyQuery::new()
                    .alg(JwsAlgorithm::Es256)
                    .key_use(KeyUse::Signature)
            )
            .is_empty()
        );
        assert_eq!(
            found(KeyQuery::new().alg(KeyManagementAlgorithm::EcdhEs)),
            ec
        );
        assert_eq!(
            found(KeyQuery::new().alg(KeyManagementAlgorithm::EcdhEsA128Kw)),
            ec
        );
        // The RSA key is bound to RS256 by its "alg".
        assert!(found(KeyQuery::new().alg(JwsAlgorithm::Ps256)).is_empty());
        assert!(found(KeyQuery::new().alg(KeyManagementAlgorithm::RsaOaep)).is_empty());
        // No key of this curve or type.
        assert!(found(KeyQuery::new().alg(JwsAlgorithm::Es384)).is_empty());
        assert!(found(KeyQuery::new().alg(JwsAlgorithm::EdDsa)).is_empty());
        assert!(found(KeyQuery::new().alg(JwsAlgorithm::Hs256)).is_empty());
    }

    #[test]
    fn a1_query_by_use_and_kty() {
        let (_, set) = set_of("rfc7517/A.1.json");
        let found = |q: KeyQuery<'_>| -> Vec<Option<String>> {
            set.find(&q).map(|k| k.kid().map(str::to_owned)).collect()
        };
        let both = vec![Some("1".to_owned()), Some("2011-04-29".to_owned())];
        let ec = vec![Some("1".to_owned())];
        let rsa = vec![Some("2011-04-29".to_owned())];
        assert_eq!(found(KeyQuery::new()), both);
        // The RSA key has no "use", so it matches either use.
        assert_eq!(found(KeyQuery::new().key_use(KeyUse::Encryption)), both);
        assert_eq!(found(KeyQuery::new().key_use(KeyUse::Signature)), rsa);
        assert_eq!(
            found(KeyQuery::new().key_use(KeyUse::Other("tls".into()))),
            rsa
        );
        assert_eq!(found(KeyQuery::new().kty(KeyType::Ec)), ec);
        assert_eq!(found(KeyQuery::new().kty(KeyType::Rsa)), rsa);
        assert!(found(KeyQuery::new().kty(KeyType::Oct)).is_empty());
        assert!(found(KeyQuery::new().kty(KeyType::Okp)).is_empty());
        assert_eq!(found(KeyQuery::new().kid("1")), ec);
        assert!(found(KeyQuery::new().kid("1").kty(KeyType::Rsa)).is_empty());
        assert_eq!(
            found(
                KeyQuery::new()
                    .key_use(KeyUse::Signature)
                    .alg(JwsAlgorithm::Rs256)
                    .kty(KeyType::Rsa)
                    .kid("2011-04-29")
            ),
            rsa
        );
        let q = KeyQuery::new().kty(KeyType::Ec);
        assert!(q.matches(&set.keys()[0]));
        assert!(!q.matches(&set.keys()[1]));
    }

    #[test]
    fn a3_query_symmetric_keys() {
        let (_, set) = set_of("rfc7517/A.3.json");
        let count = |q: KeyQuery<'_>| set.find(&q).count();
        let first = |q: KeyQuery<'_>| set.find(&q).next().map(OctLen::k_len);
        assert_eq!(
            count(KeyQuery::new().alg(KeyManagementAlgorithm::A128Kw)),
            1
        );
        assert_eq!(
            first(KeyQuery::new().alg(KeyManagementAlgorithm::A128Kw)),
            Some(16)
        );
        // The 64-byte HMAC key fits every HMAC and dir; the A128KW key is bound.
        for alg in [
            JwsAlgorithm::Hs256,
            JwsAlgorithm::Hs384,
            JwsAlgorithm::Hs512,
        ] {
            assert_eq!(first(KeyQuery::new().alg(alg)), Some(64));
            assert_eq!(count(KeyQuery::new().alg(alg)), 1);
        }
        assert_eq!(count(KeyQuery::new().alg(KeyManagementAlgorithm::Dir)), 1);
        assert_eq!(
            count(KeyQuery::new().alg(KeyManagementAlgorithm::A256Kw)),
            0
        );
        assert_eq!(count(KeyQuery::new().kty(KeyType::Oct)), 2);
    }

    trait OctLen {
        fn k_len(&self) -> usize;
    }

    impl OctLen for Jwk {
        fn k_len(&self) -> usize {
            match self.key() {
                Key::Oct(k) => k.k().len(),
                _ => 0,
            }
        }
    }

    #[test]
    fn a1_point_off_the_curve_parses_but_fails_the_check() {
        let ec = ec_a1();
        let mut y = unb64(str_member(&ec, "y"));
        y[31] ^= 0x01;
        let jwk = parse(&with_member(&ec, "y", json!(b64::encode(&y)))).unwrap();
        assert_matches!(
            check(&jwk),
            Err(Error::InvalidKey(InvalidKey { member: "key", .. }))
        );
        assert_matches!(
            p256::PublicKey::from_jwk(&jwk),
            Err(Error::InvalidKey(InvalidKey { member: "key", .. }))
        );
        // And as SPKI: the import runs the same check.
        let spki = jwk.to_pem(KeyFormat::Spki).unwrap();
        assert_matches!(
            from_pem(&spki),
            Err(Error::InvalidKey(InvalidKey { member: "key", .. }))
        );
    }

    #[test]
    fn unknown_members_survive_a_round_trip() {
        let ec = ec_a1();
        let text = edited(&ec, |o| {
            o.insert("ext".into(), json!({"a": [1, "two", null], "b": true}));
            o.insert("x5u".into(), json!("https://example.invalid/c.pem"));
        });
        let jwk = parse(&text).unwrap();
        assert_eq!(
            jwk.other().get("ext"),
            Some(&json!({"a": [1, "two", null], "b": true}))
        );
        assert_eq!(
            jwk.params().x5u.as_deref(),
            Some("https://example.invalid/c.pem")
        );
        assert_json_round_trip(&jwk);
        let value: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(json_value(&jwk), value);
        assert_eq!(jwk.to_public().unwrap().other(), jwk.other());

        let set_text = format!(r#"{{"keys":[{text}],"ext":42}}"#);
        let set = JwkSet::from_json(set_text.as_bytes()).unwrap();
        let back: Value = serde_json::from_str(&set.to_json()).unwrap();
        assert_eq!(back, serde_json::from_str::<Value>(&set_text).unwrap());
    }
}

// ---------------------------------------------------------------------------
// RFC 7520 section 3: the cookbook keys
// ---------------------------------------------------------------------------

mod rfc7520 {
    use super::*;

    const FILES: [&str; 6] = [
        "3_1.ec_public_key",
        "3_2.ec_private_key",
        "3_3.rsa_public_key",
        "3_4.rsa_private_key",
        "3_5.symmetric_key_mac_computation",
        "3_6.symmetric_key_encryption",
    ];

    /// The vector file of section 3.x: the key itself (no wrapper).
    fn key(name: &str) -> Value {
        vector(&format!("rfc7520/jwk/{name}.json"))
    }

    /// Parses, checks and round-trips a cookbook key; the serialized key
    /// equals the file.
    fn parsed(name: &str) -> Jwk {
        let v = key(name);
        assert!(v.get("kty").is_some(), "{name} is a bare JWK");
        let jwk = jwk_of(&v);
        check(&jwk).unwrap();
        assert_json_round_trip(&jwk);
        assert_eq!(json_value(&jwk), v, "{name} serializes as in the RFC");
        jwk
    }

    #[test]
    fn s3_files_are_the_six_keys() {
        let names: Vec<String> = vectors_in("rfc7520/jwk")
            .into_iter()
            .map(|(path, _)| path)
            .collect();
        let expected: Vec<String> = FILES
            .iter()
            .map(|f| format!("rfc7520/jwk/{f}.json"))
            .collect();
        assert_eq!(names, expected);
    }

    #[test]
    fn s3_1_ec_public_key() {
        let jwk = parsed(FILES[0]);
        assert_eq!(jwk.kid(), Some("bilbo.baggins@hobbiton.example"));
        assert_eq!(jwk.params().key_use, Some(KeyUse::Signature));
        assert!(!jwk.is_private());
        assert_eq!(jwk.key().curve(), Some(Curve::P521));
        match jwk.key() {
            Key::Ec(k) => {
                assert_eq!(k.x().len(), 66);
                assert_eq!(k.y().len(), 66);
            }
            other => panic!("not EC: {other:?}"),
        }
        jwk.check_fits(JwsAlgorithm::Es512.into()).unwrap();
        assert_matches!(
            jwk.check_fits(JwsAlgorithm::Es256.into()),
            Err(Error::InvalidKey(InvalidKey { member: "crv", .. }))
        );
        let spki = from_pem(&jwk.to_pem(KeyFormat::Spki).unwrap()).unwrap();
        assert_eq!(spki.key(), jwk.key());
        assert_matches!(jwk.to_der(KeyFormat::Pkcs8), Err(Error::ApiMisuse(_)));
    }

    #[test]
    fn s3_2_ec_private_key() {
        let jwk = parsed(FILES[1]);
        assert_eq!(jwk.kid(), Some("bilbo.baggins@hobbiton.example"));
        assert!(jwk.is_private());
        assert_public_of(&jwk, &parsed(FILES[0]));
        match jwk.key() {
            Key::Ec(k) => {
                let d = k.d().unwrap();
                assert_eq!(d.len(), 66);
                assert_eq!(d.expose()[0], 0, "d keeps its leading zero octet");
            }
            other => panic!("not EC: {other:?}"),
        }
        for format in [KeyFormat::Pkcs8, KeyFormat::Sec1] {
            let back = from_pem(&jwk.to_pem(format).unwrap()).unwrap();
            assert_eq!(back.key(), jwk.key(), "{format:?}");
        }
    }

    #[test]
    fn s3_3_rsa_public_key() {
        let jwk = parsed(FILES[2]);
        assert_eq!(jwk.kid(), Some("bilbo.baggins@hobbiton.example"));
        assert!(!jwk.is_private());
        match jwk.key() {
            Key::Rsa(k) => assert_eq!(k.bits(), 2048),
            other => panic!("not RSA: {other:?}"),
        }
        for format in [KeyFormat::Spki, KeyFormat::Pkcs1Public] {
            let back = from_pem(&jwk.to_pem(format).unwrap()).unwrap();
            assert_eq!(back.key(), jwk.key(), "{format:?}");
        }
        let public = rsa::PublicKey::from_jwk(&jwk).unwrap();
        assert_eq!(public.to_jwk().unwrap().key(), jwk.key());
    }

    #[test]
    fn s3_4_rsa_private_key() {
        let jwk = parsed(FILES[3]);
        assert!(jwk.is_private());
        assert_public_of(&jwk, &parsed(FILES[2]));
        for format in [KeyFormat::Pkcs8, KeyFormat::Pkcs1] {
            let back = from_pem(&jwk.to_pem(format).unwrap()).unwrap();
            assert_eq!(back.key(), jwk.key(), "{format:?}");
        }
        let private = rsa::PrivateKey::from_jwk(&jwk).unwrap();
        assert_eq!(private.to_jwk().unwrap().key(), jwk.key());
    }

    #[test]
    fn s3_5_symmetric_key_mac_computation() {
        let jwk = parsed(FILES[4]);
        assert_eq!(jwk.kid(), Some("018c0ae5-4d9b-471b-bfd6-eef314bc7037"));
        assert_eq!(jwk.params().key_use, Some(KeyUse::Signature));
        assert_eq!(jwk.alg(), Some(Algorithm::Signature(JwsAlgorithm::Hs256)));
        assert!(jwk.is_private());
        assert_eq!(jwk.to_public(), None);
        match jwk.key() {
            Key::Oct(k) => assert_eq!(k.k().len(), 32),
            other => panic!("not oct: {other:?}"),
        }
        assert_matches!(
            jwk.check_fits(JwsAlgorithm::Hs384.into()),
            Err(Error::InvalidKey(InvalidKey { member: "k", .. }))
        );
    }

    /// RFC 7520 section 3.6 gives `"alg": "A256GCM"`, a registered
    /// content encryption algorithm (RFC 7518 section 5.1, IANA "JSON Web
    /// Signature and Encryption Algorithms"), which RFC 7517 section 4.4
    /// allows as a JWK `alg`.
    #[test]
    fn s3_6_symmetric_key_encryption() {
        let v = key(FILES[5]);
        let jwk = match Jwk::from_json(v.to_string().as_bytes()) {
            Ok(jwk) => jwk,
            Err(e) => panic!("RFC 7520 section 3.6 key is refused: {e:?}"),
        };
        assert_eq!(jwk.kid(), Some("1e571774-2e08-40da-8308-e8d68773842d"));
        assert_eq!(jwk.params().key_use, Some(KeyUse::Encryption));
        match jwk.key() {
            Key::Oct(k) => assert_eq!(k.k().len(), 32),
            other => panic!("not oct: {other:?}"),
        }
        check(&jwk).unwrap();
        assert_json_round_trip(&jwk);
        assert_eq!(json_value(&jwk), v);
    }

    /// A JWK Set holding the six cookbook keys keeps all six.
    #[test]
    fn s3_all_keys_in_one_set() {
        let keys: Vec<Value> = FILES.iter().map(|f| key(f)).collect();
        let text = json!({ "keys": keys }).to_string();
        let set = JwkSet::from_json(text.as_bytes()).unwrap();
        assert_eq!(set.skipped().len(), 0, "no cookbook key is skipped");
        assert_eq!(set.keys().len(), 6);
    }
}

// ---------------------------------------------------------------------------
// RFC 7638: JWK thumbprint
// ---------------------------------------------------------------------------

mod rfc7638 {
    use super::*;

    #[test]
    fn s3_1_thumbprint() {
        let v = vector("rfc7638/3.1.json");
        assert_eq!(v["hash"], "SHA-256");
        let jwk = jwk_member(&v, "key");
        let canonical = str_member(&v, "canonical_json");
        assert_eq!(*jwk.thumbprint_input(), canonical);

        let expected: Vec<u8> = v["thumbprint_bytes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| u8::try_from(b.as_u64().unwrap()).unwrap())
            .collect();
        assert_eq!(expected.len(), 32);
        let thumbprint = jwk.thumbprint(&PROVIDER, HashAlgorithm::Sha256).unwrap();
        assert_eq!(thumbprint, expected);
        assert_eq!(
            PROVIDER
                .hasher
                .hash(HashAlgorithm::Sha256, canonical.as_bytes())
                .unwrap(),
            expected
        );
        let b64u = str_member(&v, "thumbprint_b64u");
        assert_eq!(
            jwk.thumbprint_b64(&PROVIDER, HashAlgorithm::Sha256)
                .unwrap(),
            b64u
        );
        assert_eq!(b64::encode(&expected), b64u);
        assert_eq!(
            jwk.thumbprint_uri(&PROVIDER, HashAlgorithm::Sha256)
                .unwrap(),
            format!("urn:ietf:params:oauth:jwk-thumbprint:sha-256:{b64u}")
        );
    }

    #[test]
    fn s3_1_other_hashes() {
        let jwk = jwk_member(&vector("rfc7638/3.1.json"), "key");
        for (hash, len, name) in [
            (HashAlgorithm::Sha384, 48, "sha-384"),
            (HashAlgorithm::Sha512, 64, "sha-512"),
        ] {
            let t = jwk.thumbprint(&PROVIDER, hash).unwrap();
            assert_eq!(t.len(), len);
            let text = jwk.thumbprint_b64(&PROVIDER, hash).unwrap();
            assert_eq!(unb64(&text), t);
            assert_eq!(
                jwk.thumbprint_uri(&PROVIDER, hash).unwrap(),
                format!("urn:ietf:params:oauth:jwk-thumbprint:{name}:{text}")
            );
        }
        let sha256 = jwk.thumbprint(&PROVIDER, HashAlgorithm::Sha256).unwrap();
        let sha512 = jwk.thumbprint(&PROVIDER, HashAlgorithm::Sha512).unwrap();
        assert_ne!(sha256[..], sha512[..32]);
    }

    /// Section 3.2: only the required members count, whatever the order or
    /// the optional and private members.
    #[test]
    fn s3_2_only_required_members_count() {
        let v = vector("rfc7638/3.1.json");
        let expected = str_member(&v, "thumbprint_b64u");
        let private = &vector("rfc7517/A.2.json")["jwk_set"]["keys"][1];
        let bare = json!({"e": v["key"]["e"], "n": v["key"]["n"], "kty": "RSA"});
        let extended = with_member(&bare, "use", json!("sig"));
        for jwk in [jwk_of(private), jwk_of(&bare), parse(&extended).unwrap()] {
            assert_eq!(
                jwk.thumbprint_b64(&PROVIDER, HashAlgorithm::Sha256)
                    .unwrap(),
                expected
            );
            assert!(!jwk.thumbprint_input().contains("\"d\""));
        }
    }
}

// ---------------------------------------------------------------------------
// RFC 8037: OKP keys (Ed25519, X25519, X448)
// ---------------------------------------------------------------------------

mod rfc8037 {
    use super::*;

    const ED25519_OID: [u8; 5] = [0x06, 0x03, 0x2b, 0x65, 0x70];
    const X25519_OID: [u8; 5] = [0x06, 0x03, 0x2b, 0x65, 0x6e];

    fn spki(oid: [u8; 5], x: &[u8]) -> Vec<u8> {
        let mut der = vec![0x30, 0x2a, 0x30, 0x05];
        der.extend_from_slice(&oid);
        der.extend_from_slice(&[0x03, 0x21, 0x00]);
        der.extend_from_slice(x);
        der
    }

    fn pkcs8(oid: [u8; 5], d: &[u8]) -> Vec<u8> {
        let mut der = vec![0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05];
        der.extend_from_slice(&oid);
        der.extend_from_slice(&[0x04, 0x22, 0x04, 0x20]);
        der.extend_from_slice(d);
        der
    }

    /// An OKP private JWK: the public JWK `public` plus `d`.
    fn with_d(public: &Value, d: &[u8]) -> Jwk {
        parse(&with_member(public, "d", json!(b64::encode(d)))).unwrap()
    }

    #[test]
    fn a1_ed25519_private_key() {
        let v = vector("rfc8037/A.1.json");
        let jwk = jwk_member(&v, "key");
        let d = hex(str_member(&v, "private_key_hex"));
        let x = hex(str_member(&v, "public_key_hex"));
        assert_eq!(jwk.key_type(), KeyType::Okp);
        assert!(jwk.is_private());
        match jwk.key() {
            Key::Okp(k) => {
                assert_eq!(k.crv(), Curve::Ed25519);
                assert_eq!(k.x(), x);
                assert_eq!(k.d().unwrap().expose(), d);
            }
            other => panic!("not OKP: {other:?}"),
        }
        check(&jwk).unwrap();
        assert_json_round_trip(&jwk);
        assert_eq!(json_value(&jwk), v["key"]);

        // d derives x.
        let derived = PROVIDER
            .keys
            .public_from_private(Curve::Ed25519, &d)
            .unwrap();
        assert_eq!(Some(&derived), jwk.to_public().as_ref());
        assert_public_of(&jwk, &jwk_member(&vector("rfc8037/A.2.json"), "key"));

        // RustCrypto conversions.
        let signing = ed25519_dalek::SigningKey::from_jwk(&jwk).unwrap();
        assert_eq!(signing.to_bytes()[..], d[..]);
        assert_eq!(signing.verifying_key().to_bytes()[..], x[..]);
        assert_eq!(signing.to_jwk().unwrap(), jwk);

        // RFC 8410 encodings, byte for byte, and back.
        let der = jwk.to_der(KeyFormat::Pkcs8).unwrap();
        assert_eq!(*der, pkcs8(ED25519_OID, &d));
        assert_eq!(*jwk.to_der(KeyFormat::Spki).unwrap(), spki(ED25519_OID, &x));
        assert_eq!(
            from_pem(&jwk.to_pem(KeyFormat::Pkcs8).unwrap()).unwrap(),
            jwk
        );
        assert_eq!(
            Jwk::from_der(&der, KeyFormat::Pkcs8, &PROVIDER).unwrap(),
            jwk
        );
        assert_eq!(Jwk::from_der_any(&der, &PROVIDER).unwrap(), jwk);
        assert_eq!(
            Some(from_pem(&jwk.to_pem(KeyFormat::Spki).unwrap()).unwrap()),
            jwk.to_public()
        );
        assert_matches!(jwk.to_der(KeyFormat::Pkcs1), Err(Error::ApiMisuse(_)));
        assert_matches!(jwk.to_der(KeyFormat::Sec1), Err(Error::ApiMisuse(_)));
    }

    #[test]
    fn a1_d_must_derive_x() {
        let v = vector("rfc8037/A.1.json");
        let mut d = hex(str_member(&v, "private_key_hex"));
        d[0] ^= 0x01;
        let jwk = parse(&with_member(&v["key"], "d", json!(b64::encode(&d)))).unwrap();
        assert_matches!(
            check(&jwk),
            Err(Error::InvalidKey(InvalidKey { member: "d", .. }))
        );
        assert_matches!(
            ed25519_dalek::SigningKey::from_jwk(&jwk),
            Err(Error::InvalidKey(InvalidKey { member: "d", .. }))
        );
        // A PKCS#8 document holds d only: importing it derives the right x.
        let imported = from_pem(&jwk.to_pem(KeyFormat::Pkcs8).unwrap()).unwrap();
        assert_ne!(imported.key(), jwk.key());
        check(&imported).unwrap();
    }

    #[test]
    fn a2_ed25519_public_key() {
        let v = vector("rfc8037/A.2.json");
        let jwk = jwk_member(&v, "key");
        let x = hex(str_member(&vector("rfc8037/A.1.json"), "public_key_hex"));
        assert!(!jwk.is_private());
        check(&jwk).unwrap();
        assert_json_round_trip(&jwk);
        assert_eq!(json_value(&jwk), v["key"]);
        let verifying = ed25519_dalek::VerifyingKey::from_jwk(&jwk).unwrap();
        assert_eq!(verifying.to_bytes()[..], x[..]);
        assert_eq!(verifying.to_jwk().unwrap(), jwk);
        assert_matches!(
            ed25519_dalek::SigningKey::from_jwk(&jwk),
            Err(Error::InvalidKey(InvalidKey { member: "d", .. }))
        );
        jwk.check_fits(JwsAlgorithm::EdDsa.into()).unwrap();
        jwk.check_fits(JwsAlgorithm::Ed25519.into()).unwrap();
        assert_matches!(
            jwk.check_fits(JwsAlgorithm::Es256.into()),
            Err(Error::InvalidKey(InvalidKey { member: "kty", .. }))
        );
        // OKP keys do ECDH-ES on X25519: the curve is what does not fit.
        assert_matches!(
            jwk.check_fits(KeyManagementAlgorithm::EcdhEs.into()),
            Err(Error::InvalidKey(InvalidKey { member: "crv", .. }))
        );
        assert_eq!(
            from_pem(&jwk.to_pem(KeyFormat::Spki).unwrap()).unwrap(),
            jwk
        );
    }

    #[test]
    fn a3_thumbprint() {
        let v = vector("rfc8037/A.3.json");
        let jwk = jwk_member(&v, "key");
        assert_eq!(*jwk.thumbprint_input(), str_member(&v, "canonical_json"));
        assert_eq!(
            jwk.thumbprint(&PROVIDER, HashAlgorithm::Sha256).unwrap(),
            hex(str_member(&v, "thumbprint_hex"))
        );
        let b64u = str_member(&v, "thumbprint_b64u");
        assert_eq!(
            jwk.thumbprint_b64(&PROVIDER, HashAlgorithm::Sha256)
                .unwrap(),
            b64u
        );
        assert_eq!(
            jwk.thumbprint_uri(&PROVIDER, HashAlgorithm::Sha256)
                .unwrap(),
            format!("urn:ietf:params:oauth:jwk-thumbprint:sha-256:{b64u}")
        );
        // The private key of A.1 has the same thumbprint.
        let private = jwk_member(&vector("rfc8037/A.1.json"), "key");
        assert_eq!(private.thumbprint_input(), jwk.thumbprint_input());
    }

    /// A.6 holds the recipient's public JWK (kid "Bob"), the ephemeral
    /// public JWK, both private keys as hex, and the header's `epk`.
    #[test]
    fn a6_x25519_keys() {
        let v = vector("rfc8037/A.6.json");
        let pairs = [
            (
                "recipient_key",
                "recipient_private_key_hex",
                "recipient_public_key_hex",
            ),
            (
                "ephemeral_public_key",
                "ephemeral_private_key_hex",
                "ephemeral_public_key_hex",
            ),
        ];
        for (key, private_hex, public_hex) in pairs {
            let public = jwk_member(&v, key);
            assert_eq!(public.key().curve(), Some(Curve::X25519));
            assert!(!public.is_private());
            check(&public).unwrap();
            assert_json_round_trip(&public);
            assert_eq!(json_value(&public), v[key]);
            let x = hex(str_member(&v, public_hex));
            match public.key() {
                Key::Okp(k) => assert_eq!(k.x(), x),
                other => panic!("not OKP: {other:?}"),
            }
            assert_eq!(
                *public.to_der(KeyFormat::Spki).unwrap(),
                spki(X25519_OID, &x)
            );
            assert_eq!(
                from_pem(&public.to_pem(KeyFormat::Spki).unwrap())
                    .unwrap()
                    .key(),
                public.key()
            );

            // The private key's public key is the published one.
            let d = hex(str_member(&v, private_hex));
            let derived = PROVIDER
                .keys
                .public_from_private(Curve::X25519, &d)
                .unwrap();
            assert_eq!(derived.key(), public.key());
            let private = with_d(&v[key], &d);
            assert!(private.is_private());
            check(&private).unwrap();
            assert_public_of(&private, &public);
            assert_json_round_trip(&private);
            let der = private.to_der(KeyFormat::Pkcs8).unwrap();
            assert_eq!(*der, pkcs8(X25519_OID, &d));
            assert_eq!(
                from_pem(&private.to_pem(KeyFormat::Pkcs8).unwrap())
                    .unwrap()
                    .key(),
                private.key()
            );
        }

        let bob = jwk_member(&v, "recipient_key");
        assert_eq!(bob.kid(), Some("Bob"));
        for alg in [
            KeyManagementAlgorithm::EcdhEs,
            KeyManagementAlgorithm::EcdhEsA128Kw,
            KeyManagementAlgorithm::EcdhEsA256Kw,
        ] {
            bob.check_fits(alg.into()).unwrap();
        }
        assert_matches!(
            bob.check_fits(JwsAlgorithm::EdDsa.into()),
            Err(Error::InvalidKey(InvalidKey { member: "crv", .. }))
        );
        let epk = Jwk::from_json(member_json(&v["protected_header"], "epk").as_bytes()).unwrap();
        assert_eq!(epk, jwk_member(&v, "ephemeral_public_key"));
        assert_eq!(
            v["protected_header"]["alg"].as_str().unwrap(),
            KeyManagementAlgorithm::EcdhEsA128Kw.name()
        );
    }

    #[test]
    fn a6_x25519_d_must_match_x() {
        let v = vector("rfc8037/A.6.json");
        // Bob's public key with the ephemeral private key.
        let d = hex(str_member(&v, "ephemeral_private_key_hex"));
        let jwk = with_d(&v["recipient_key"], &d);
        assert_matches!(
            check(&jwk),
            Err(Error::InvalidKey(InvalidKey { member: "d", .. }))
        );
    }

    #[test]
    fn a7_x448_is_unsupported() {
        let v = vector("rfc8037/A.7.json");
        for text in [
            member_json(&v, "recipient_key"),
            member_json(&v, "ephemeral_public_key"),
            member_json(&v["protected_header"], "epk"),
            with_member(
                &v["recipient_key"],
                "d",
                json!(b64::encode(&hex(str_member(
                    &v,
                    "recipient_private_key_hex"
                )))),
            ),
        ] {
            assert_matches!(
                parse(&text),
                Err(Error::Unsupported(Unsupported::Curve(ref c))) if c == "X448"
            );
        }
        // In a set, the X448 key is skipped and the X25519 key kept.
        let a6 = vector("rfc8037/A.6.json");
        let text = json!({"keys": [v["recipient_key"], a6["recipient_key"]]}).to_string();
        let set = JwkSet::from_json(text.as_bytes()).unwrap();
        assert_eq!(set.skipped().len(), 1);
        assert_eq!(kids(set.keys().iter()), [Some("Bob")]);
    }
}

// ---------------------------------------------------------------------------
// Generated keys: JSON, PEM/DER and RustCrypto round trips
// ---------------------------------------------------------------------------

mod generated {
    use super::*;

    /// Generates a key on `crv` and runs every round trip that fits it.
    fn curve_key(crv: Curve) -> Jwk {
        let jwk = PROVIDER.generate(KeyShape::Curve(crv)).unwrap();
        assert!(jwk.is_private());
        assert_eq!(jwk.key().curve(), Some(crv));
        assert_eq!(jwk.key_type(), crv.key_type());
        check(&jwk).unwrap();
        assert_json_round_trip(&jwk);

        let public = jwk.to_public().unwrap();
        check(&public).unwrap();
        assert_json_round_trip(&public);
        let d = private_parts(&jwk).remove(0);
        assert_eq!(d.len(), crv.coordinate_len());
        assert_eq!(PROVIDER.keys.public_from_private(crv, &d).unwrap(), public);

        let pkcs8 = jwk.to_pem(KeyFormat::Pkcs8).unwrap();
        assert!(pkcs8.starts_with("-----BEGIN PRIVATE KEY-----\n"));
        assert_eq!(from_pem(&pkcs8).unwrap(), jwk, "PKCS#8 round trip");
        let der = jwk.to_der(KeyFormat::Pkcs8).unwrap();
        assert_eq!(der[0], 0x30);
        assert_eq!(Jwk::from_der_any(&der, &PROVIDER).unwrap(), jwk);

        let spki = jwk.to_pem(KeyFormat::Spki).unwrap();
        assert!(spki.starts_with("-----BEGIN PUBLIC KEY-----\n"));
        assert_eq!(from_pem(&spki).unwrap(), public, "SPKI round trip");
        assert_eq!(public.to_pem(KeyFormat::Spki).unwrap(), spki);
        let spki_der = public.to_der(KeyFormat::Spki).unwrap();
        assert_eq!(Jwk::from_der_any(&spki_der, &PROVIDER).unwrap(), public);

        if crv.key_type() == KeyType::Ec {
            let sec1 = jwk.to_pem(KeyFormat::Sec1).unwrap();
            assert!(sec1.starts_with("-----BEGIN EC PRIVATE KEY-----\n"));
            assert_eq!(from_pem(&sec1).unwrap(), jwk, "SEC1 round trip");
        } else {
            assert_matches!(jwk.to_der(KeyFormat::Sec1), Err(Error::ApiMisuse(_)));
        }
        assert_matches!(jwk.to_der(KeyFormat::Pkcs1), Err(Error::ApiMisuse(_)));
        assert_matches!(jwk.to_der(KeyFormat::Pkcs1Public), Err(Error::ApiMisuse(_)));
        assert_matches!(public.to_der(KeyFormat::Pkcs8), Err(Error::ApiMisuse(_)));

        // The thumbprint is that of the public key, and never shows d.
        assert_eq!(public.thumbprint_input(), jwk.thumbprint_input());
        assert!(!jwk.thumbprint_input().contains(b64::encode(&d).as_str()));
        jwk
    }

    #[test]
    fn p256() {
        let jwk = curve_key(Curve::P256);
        let secret = p256::SecretKey::from_jwk(&jwk).unwrap();
        assert_eq!(secret.to_jwk().unwrap(), jwk);
        let public = p256::PublicKey::from_jwk(&jwk).unwrap();
        assert_eq!(public, secret.public_key());
        assert_eq!(Some(public.to_jwk().unwrap()), jwk.to_public());
        jwk.clone().with_alg(JwsAlgorithm::Es256).unwrap();
        jwk.clone()
            .with_alg(KeyManagementAlgorithm::EcdhEsA256Kw)
            .unwrap();
    }

    #[test]
    fn p384() {
        let jwk = curve_key(Curve::P384);
        assert_matches!(
            p256::SecretKey::from_jwk(&jwk),
            Err(Error::InvalidKey(InvalidKey { member: "crv", .. }))
        );
        jwk.check_fits(JwsAlgorithm::Es384.into()).unwrap();
    }

    #[test]
    fn p521() {
        let jwk = curve_key(Curve::P521);
        jwk.check_fits(JwsAlgorithm::Es512.into()).unwrap();
    }

    #[test]
    fn secp256k1() {
        let jwk = curve_key(Curve::Secp256k1);
        jwk.check_fits(JwsAlgorithm::Es256K.into()).unwrap();
        assert_matches!(
            jwk.check_fits(KeyManagementAlgorithm::EcdhEs.into()),
            Err(Error::InvalidKey(InvalidKey { member: "crv", .. }))
        );
    }

    #[test]
    fn ed25519() {
        let jwk = curve_key(Curve::Ed25519);
        let signing = ed25519_dalek::SigningKey::from_jwk(&jwk).unwrap();
        assert_eq!(signing.to_jwk().unwrap(), jwk);
        let verifying = ed25519_dalek::VerifyingKey::from_jwk(&jwk).unwrap();
        assert_eq!(verifying, signing.verifying_key());
        assert_eq!(Some(verifying.to_jwk().unwrap()), jwk.to_public());
        assert_matches!(
            p256::SecretKey::from_jwk(&jwk),
            Err(Error::InvalidKey(InvalidKey { member: "kty", .. }))
        );
    }

    #[test]
    fn x25519() {
        let jwk = curve_key(Curve::X25519);
        assert_matches!(
            ed25519_dalek::SigningKey::from_jwk(&jwk),
            Err(Error::InvalidKey(InvalidKey { member: "crv", .. }))
        );
        jwk.check_fits(KeyManagementAlgorithm::EcdhEs.into())
            .unwrap();
    }

    #[test]
    fn oct() {
        for len in [16, 32, 64] {
            let jwk = PROVIDER.generate(KeyShape::Oct { len }).unwrap();
            assert_eq!(jwk.key_type(), KeyType::Oct);
            assert!(jwk.is_private());
            assert_eq!(private_parts(&jwk)[0].len(), len);
            check(&jwk).unwrap();
            assert_json_round_trip(&jwk);
            assert_eq!(jwk.to_public(), None);
            for format in [KeyFormat::Pkcs8, KeyFormat::Spki, KeyFormat::Sec1] {
                assert_matches!(jwk.to_der(format), Err(Error::ApiMisuse(_)));
            }
        }
        let a = PROVIDER.generate(KeyShape::Oct { len: 32 }).unwrap();
        let b = PROVIDER.generate(KeyShape::Oct { len: 32 }).unwrap();
        assert_ne!(a, b, "two random keys differ");
    }

    #[test]
    fn rsa_2048_json_and_pem() {
        let jwk = rsa_2048();
        assert!(jwk.is_private());
        match jwk.key() {
            Key::Rsa(k) => {
                assert_eq!(k.bits(), 2048);
                assert!(k.private().unwrap().primes().is_some());
            }
            other => panic!("not RSA: {other:?}"),
        }
        check(jwk).unwrap();
        assert_json_round_trip(jwk);
        let public = jwk.to_public().unwrap();
        check(&public).unwrap();

        for (format, label) in [
            (KeyFormat::Pkcs8, "PRIVATE KEY"),
            (KeyFormat::Pkcs1, "RSA PRIVATE KEY"),
        ] {
            let pem = jwk.to_pem(format).unwrap();
            assert!(pem.starts_with(&format!("-----BEGIN {label}-----\n")));
            assert_eq!(&from_pem(&pem).unwrap(), jwk, "{format:?}");
            let der = jwk.to_der(format).unwrap();
            assert_eq!(&Jwk::from_der_any(&der, &PROVIDER).unwrap(), jwk);
        }
        for (format, label) in [
            (KeyFormat::Spki, "PUBLIC KEY"),
            (KeyFormat::Pkcs1Public, "RSA PUBLIC KEY"),
        ] {
            let pem = jwk.to_pem(format).unwrap();
            assert!(pem.starts_with(&format!("-----BEGIN {label}-----\n")));
            assert_eq!(from_pem(&pem).unwrap(), public, "{format:?}");
            assert_eq!(public.to_pem(format).unwrap(), pem);
        }
        assert_matches!(jwk.to_der(KeyFormat::Sec1), Err(Error::ApiMisuse(_)));
        assert_matches!(public.to_der(KeyFormat::Pkcs1), Err(Error::ApiMisuse(_)));
    }

    #[test]
    fn rsa_2048_rustcrypto_conversion() {
        let jwk = rsa_2048();
        let private = rsa::PrivateKey::from_jwk(jwk).unwrap();
        assert_eq!(&private.to_jwk().unwrap(), jwk);
        let public = rsa::PublicKey::from_jwk(jwk).unwrap();
        assert_eq!(&public, private.as_public_key());
        assert_eq!(Some(public.to_jwk().unwrap()), jwk.to_public());
        assert_matches!(
            rsa::PrivateKey::from_jwk(&jwk.to_public().unwrap()),
            Err(Error::InvalidKey(InvalidKey { member: "d", .. }))
        );
        let ec = PROVIDER.generate(KeyShape::Curve(Curve::P256)).unwrap();
        assert_matches!(
            rsa::PublicKey::from_jwk(&ec),
            Err(Error::InvalidKey(InvalidKey { member: "kty", .. }))
        );
    }

    #[test]
    fn rsa_private_key_without_crt_values() {
        // RFC 7518 section 6.3.2: p, q, dp, dq, qi are optional together.
        let v = &vector("rfc7517/A.2.json")["jwk_set"]["keys"][1];
        let text = edited(v, |o| {
            for name in ["p", "q", "dp", "dq", "qi"] {
                o.remove(name);
            }
        });
        let jwk = parse(&text).unwrap();
        assert!(jwk.is_private());
        check(&jwk).unwrap();
        assert_json_round_trip(&jwk);
        // PEM needs the CRT values.
        assert_matches!(
            jwk.to_der(KeyFormat::Pkcs1),
            Err(Error::Unsupported(Unsupported::KeyFormat(_)))
        );
        assert_matches!(
            jwk.to_der(KeyFormat::Pkcs8),
            Err(Error::Unsupported(Unsupported::KeyFormat(_)))
        );
        // The backend recovers the primes.
        let full = rsa::PrivateKey::from_jwk(&jwk).unwrap().to_jwk().unwrap();
        assert_eq!(full.key(), jwk_of(v).key());
    }

    #[test]
    fn key_specs() {
        assert_eq!(
            KeySpec::from(JwsAlgorithm::Rs256).shape().unwrap(),
            KeyShape::Rsa { bits: 2048 }
        );
        for (alg, len) in [
            (Algorithm::from(JwsAlgorithm::Hs256), 32),
            (JwsAlgorithm::Hs512.into(), 64),
            (KeyManagementAlgorithm::A128Kw.into(), 16),
            (KeyManagementAlgorithm::A192GcmKw.into(), 24),
        ] {
            let spec = KeySpec::from(alg).shape().unwrap();
            assert_eq!(spec, KeyShape::Oct { len });
            let jwk = PROVIDER.generate(spec).unwrap().with_alg(alg).unwrap();
            assert_eq!(jwk.alg(), Some(alg));
            assert_json_round_trip(&jwk);
        }
        for bits in [1024, 2047, 2049, 8200] {
            assert_matches!(
                PROVIDER.generate(KeyShape::Rsa { bits }),
                Err(Error::ApiMisuse(_))
            );
        }
        for len in [0, 15, 1025] {
            assert_matches!(
                PROVIDER.generate(KeyShape::Oct { len }),
                Err(Error::ApiMisuse(_))
            );
        }
    }

    #[test]
    fn public_from_private_rejects_bad_scalars() {
        for (crv, d) in [
            (Curve::P256, vec![0u8; 32]),
            (Curve::P256, vec![0xffu8; 32]),
            (Curve::P256, vec![1u8; 31]),
            (Curve::P384, vec![1u8; 32]),
            (Curve::P521, vec![0xffu8; 66]),
            (Curve::Secp256k1, vec![0u8; 32]),
            (Curve::Ed25519, vec![1u8; 31]),
            (Curve::X25519, vec![1u8; 33]),
        ] {
            assert_matches!(
                PROVIDER.keys.public_from_private(crv, &d),
                Err(Error::InvalidKey(InvalidKey { member: "d", .. }))
            );
        }
    }

    /// The builder methods keep the rules the parser applies, so that any
    /// key they build serializes to JSON the parser accepts.
    #[test]
    fn builders_keep_the_parser_rules() {
        let x25519 = PROVIDER.generate(KeyShape::Curve(Curve::X25519)).unwrap();
        let ed25519 = PROVIDER.generate(KeyShape::Curve(Curve::Ed25519)).unwrap();
        // The parser refuses these two keys...
        let mut sig = json_value(&x25519);
        sig["use"] = json!("sig");
        assert_matches!(
            parse(&sig.to_string()),
            Err(Error::InvalidKey(InvalidKey { member: "use", .. }))
        );
        let mut enc = json_value(&ed25519);
        enc["use"] = json!("enc");
        assert_matches!(
            parse(&enc.to_string()),
            Err(Error::InvalidKey(InvalidKey { member: "use", .. }))
        );
        // ...so the builder must refuse them too: otherwise it builds keys
        // whose JSON the parser refuses.
        for (jwk, key_use) in [(&x25519, KeyUse::Signature), (&ed25519, KeyUse::Encryption)] {
            match jwk.clone().with_use(key_use.clone()) {
                Err(Error::InvalidKey(InvalidKey { member: "use", .. })) => {}
                Ok(built) => panic!(
                    "with_use({key_use:?}) accepted a {:?} key; its JSON then fails to parse: {:?}",
                    jwk.key().curve(),
                    Jwk::from_json(built.to_json().as_bytes())
                ),
                Err(e) => panic!("unexpected error {e:?}"),
            }
        }
    }

    #[test]
    fn builders() {
        let ec = PROVIDER.generate(KeyShape::Curve(Curve::P256)).unwrap();
        let jwk = ec
            .clone()
            .with_kid("k1")
            .with_use(KeyUse::Signature)
            .unwrap()
            .with_key_ops(vec![KeyOp::Sign, KeyOp::Verify])
            .unwrap()
            .with_alg(JwsAlgorithm::Es256)
            .unwrap();
        assert_eq!(jwk.kid(), Some("k1"));
        assert!(jwk.params().allows(KeyOp::Sign));
        assert!(!jwk.params().allows(KeyOp::Encrypt));
        assert_json_round_trip(&jwk);
        assert_matches!(
            jwk.clone().with_alg(JwsAlgorithm::Es384),
            Err(Error::InvalidKey(InvalidKey { member: "crv", .. }))
        );
        assert_matches!(
            jwk.clone().with_alg(KeyManagementAlgorithm::EcdhEs),
            Err(Error::Malformed(_))
        );
        assert_matches!(
            ec.clone().with_key_ops(vec![KeyOp::Sign, KeyOp::Sign]),
            Err(Error::Malformed(Malformed { reason: MalformedReason::DuplicateMember(ref op), .. }))
                if op == "sign"
        );
        assert_matches!(
            jwk.clone().with_key_ops(vec![KeyOp::Encrypt]),
            Err(Error::Malformed(Malformed {
                reason: MalformedReason::Invalid(_),
                ..
            }))
        );
        assert_matches!(
            jwk.with_use(KeyUse::Encryption),
            Err(Error::Malformed(Malformed {
                reason: MalformedReason::Invalid(_),
                ..
            }))
        );
    }
}

// ---------------------------------------------------------------------------
// Debug never shows private material
// ---------------------------------------------------------------------------

mod debug_output {
    use super::*;

    /// Ways a secret could appear in text.
    fn renderings(secret: &[u8]) -> Vec<String> {
        let head = &secret[..secret.len().min(8)];
        let list = format!("{head:?}");
        let hex: String = secret.iter().map(|b| format!("{b:02x}")).collect();
        vec![
            b64::encode(secret),
            b64::encode_standard(secret),
            list.trim_end_matches(']').to_owned(),
            hex,
        ]
    }

    fn assert_no_secret(jwk: &Jwk) {
        let parts = private_parts(jwk);
        assert!(!parts.is_empty(), "a private key");
        for text in [
            format!("{jwk:?}"),
            format!("{jwk:#?}"),
            format!("{:?}", jwk.key()),
            format!("{:?}", JwkSet::from_iter([jwk.clone()])),
        ] {
            for part in &parts {
                for r in renderings(part) {
                    assert!(!text.contains(&r), "Debug shows {r}: {text}");
                }
            }
        }
    }

    #[test]
    fn private_keys_never_show_private_members() {
        for path in ["rfc7517/A.2.json", "rfc7517/A.3.json"] {
            let v = vector(path);
            let set = JwkSet::from_json(member_json(&v, "jwk_set").as_bytes()).unwrap();
            for jwk in set.keys() {
                assert_no_secret(jwk);
            }
        }
        for path in [
            "rfc7520/jwk/3_2.ec_private_key.json",
            "rfc7520/jwk/3_4.rsa_private_key.json",
            "rfc7520/jwk/3_5.symmetric_key_mac_computation.json",
        ] {
            assert_no_secret(&jwk_of(&vector(path)));
        }
        assert_no_secret(&jwk_member(&vector("rfc8037/A.1.json"), "key"));
        for crv in [Curve::P384, Curve::P521, Curve::Secp256k1, Curve::X25519] {
            assert_no_secret(&PROVIDER.generate(KeyShape::Curve(crv)).unwrap());
        }
        assert_no_secret(&PROVIDER.generate(KeyShape::Oct { len: 48 }).unwrap());
        assert_no_secret(rsa_2048());
    }

    #[test]
    fn pinned_oct_debug() {
        let v = vector("rfc7517/A.3.json");
        let set = JwkSet::from_json(member_json(&v, "jwk_set").as_bytes()).unwrap();
        assert_eq!(
            format!("{:?}", set.keys()[0]),
            "Jwk { key: Oct(OctKey { len: 16, .. }), params: Parameters { kid: None, \
             key_use: None, key_ops: None, alg: Some(KeyManagement(A128Kw)), x5u: None, \
             x5c: None, x5t: None, x5t_s256: None }, other: {} }"
        );
    }

    #[test]
    fn pinned_ec_debug() {
        let v = vector("rfc7517/A.2.json");
        let jwk = jwk_of(&v["jwk_set"]["keys"][0]);
        assert_eq!(
            format!("{jwk:?}"),
            "Jwk { key: Ec(EcKey { crv: P256, private: true, .. }), params: Parameters { \
             kid: Some(\"1\"), key_use: Some(Encryption), key_ops: None, alg: None, \
             x5u: None, x5c: None, x5t: None, x5t_s256: None }, other: {} }"
        );
        let rsa = jwk_of(&v["jwk_set"]["keys"][1]);
        assert_eq!(
            format!("{:?}", rsa.key()),
            "Rsa(RsaKey { bits: 2048, private: true, .. })"
        );
    }

    #[test]
    fn errors_never_quote_private_members() {
        let v = &vector("rfc7517/A.2.json")["jwk_set"]["keys"][0];
        let d = str_member(v, "d");
        let cases = [
            // d with a character outside base64url.
            with_member(v, "d", json!(format!("{d}*"))),
            // d of the wrong length.
            with_member(v, "d", json!(format!("{d}AAAA"))),
            // JSON cut right after d.
            format!(r#"{{"kty":"EC","d":"{d}""#),
            // JSON broken inside d.
            format!(r#"{{"kty":"EC","d":"{d}\q"}}"#),
            // A duplicate d.
            format!(r#"{{"kty":"EC","d":"{d}","d":"{d}"}}"#),
        ];
        for text in cases {
            let e = parse(&text).unwrap_err();
            for shown in [format!("{e}"), format!("{e:?}")] {
                assert!(!shown.contains(&d[..16]), "error shows d: {shown}");
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Bad input: typed errors, never a panic
// ---------------------------------------------------------------------------

mod bad_input {
    use super::*;

    fn ec_a1() -> Value {
        vector("rfc7517/A.1.json")["jwk_set"]["keys"][0].clone()
    }

    fn ec_a2() -> Value {
        vector("rfc7517/A.2.json")["jwk_set"]["keys"][0].clone()
    }

    fn rsa_a1() -> Value {
        vector("rfc7517/A.1.json")["jwk_set"]["keys"][1].clone()
    }

    fn rsa_a2() -> Value {
        vector("rfc7517/A.2.json")["jwk_set"]["keys"][1].clone()
    }

    fn ed25519_a1() -> Value {
        vector("rfc8037/A.1.json")["key"].clone()
    }

    fn hmac_a3() -> Value {
        vector("rfc7517/A.3.json")["jwk_set"]["keys"][1].clone()
    }

    /// The Malformed error of `r`, which must be one.
    fn malformed<T: Debug>(r: Result<T, Error>) -> Malformed {
        match r {
            Err(Error::Malformed(m)) => m,
            other => panic!("expected Malformed, got {other:?}"),
        }
    }

    #[test]
    fn malformed_json() {
        for text in [
            "",
            "{",
            r#"{"kty":"EC""#,
            r#"{"kty":"EC",}"#,
            r#"{"kty":'EC'}"#,
            r#"{"kty":"oct","k":"AAAA"} trailing"#,
            r#"{"kty":"oct","k":"AAAA"}{}"#,
            "{\"kty\":\"oct\",\"k\":\"\u{1}\"}",
        ] {
            let m = malformed(parse(text));
            assert_eq!(m.what, "jwk", "{text:?}");
            assert_matches!(m.reason, MalformedReason::Json { .. });
        }
        let m = malformed(Jwk::from_json(b"{\"kty\":\"oct\",\"k\":\"\xff\"}"));
        assert_matches!(m.reason, MalformedReason::Json { .. });
    }

    #[test]
    fn not_an_object() {
        for text in ["[]", "[{}]", "null", "1", "\"EC\"", "true"] {
            assert_eq!(
                parse(text).unwrap_err(),
                Error::malformed("jwk", MalformedReason::NotAnObject),
                "{text}"
            );
            assert_eq!(
                JwkSet::from_json(text.as_bytes()).unwrap_err(),
                Error::malformed("jwk set", MalformedReason::NotAnObject),
                "{text}"
            );
        }
    }

    #[test]
    fn missing_members() {
        let cases = [
            (without_member(&ec_a1(), "kty"), "kty"),
            (without_member(&ec_a1(), "crv"), "crv"),
            (without_member(&ec_a1(), "x"), "x"),
            (without_member(&ec_a1(), "y"), "y"),
            (without_member(&rsa_a1(), "n"), "n"),
            (without_member(&rsa_a1(), "e"), "e"),
            (without_member(&hmac_a3(), "k"), "k"),
            (without_member(&ed25519_a1(), "crv"), "crv"),
            (without_member(&ed25519_a1(), "x"), "x"),
            ("{}".to_owned(), "kty"),
        ];
        for (text, name) in cases {
            assert_eq!(
                parse(&text).unwrap_err(),
                Error::malformed(format!("jwk \"{name}\""), MalformedReason::Missing),
                "{text}"
            );
        }
    }

    #[test]
    fn members_of_the_wrong_type() {
        let string = MalformedReason::WrongType("a string");
        let strings = MalformedReason::WrongType("an array of strings");
        let cases = [
            (with_member(&ec_a1(), "kty", json!(1)), "kty", &string),
            (with_member(&ec_a1(), "kty", json!(null)), "kty", &string),
            (
                with_member(&ec_a1(), "crv", json!(["P-256"])),
                "crv",
                &string,
            ),
            (with_member(&ec_a1(), "x", json!(5)), "x", &string),
            (
                with_member(&ec_a1(), "y", json!({"b64": "AA"})),
                "y",
                &string,
            ),
            (with_member(&ec_a2(), "d", json!(true)), "d", &string),
            (with_member(&rsa_a1(), "n", json!(12345)), "n", &string),
            (with_member(&rsa_a1(), "e", json!(65537)), "e", &string),
            (with_member(&hmac_a3(), "k", json!([1, 2])), "k", &string),
            (with_member(&ec_a1(), "kid", json!(1)), "kid", &string),
            (with_member(&ec_a1(), "use", json!(true)), "use", &string),
            (with_member(&rsa_a1(), "alg", json!(256)), "alg", &string),
            (with_member(&ec_a1(), "x5u", json!(1)), "x5u", &string),
            (with_member(&ec_a1(), "x5t", json!(1)), "x5t", &string),
            (
                with_member(&ec_a1(), "key_ops", json!("sign")),
                "key_ops",
                &strings,
            ),
            (
                with_member(&ec_a1(), "key_ops", json!([1])),
                "key_ops",
                &strings,
            ),
            (with_member(&ec_a1(), "x5c", json!({})), "x5c", &strings),
        ];
        for (text, name, reason) in cases {
            let m = malformed(parse(&text));
            assert_eq!(m.what, format!("jwk \"{name}\""), "{text}");
            assert_eq!(&m.reason, reason, "{text}");
        }
    }

    #[test]
    fn members_of_the_wrong_length() {
        let b = |len: usize| json!(b64::encode(&vec![7u8; len]));
        let p521 = vector("rfc7520/jwk/3_2.ec_private_key.json");
        let cases = [
            (with_member(&ec_a1(), "x", b(33)), "x"),
            (with_member(&ec_a1(), "x", b(31)), "x"),
            (with_member(&ec_a1(), "x", json!("")), "x"),
            (with_member(&ec_a1(), "y", b(33)), "y"),
            (with_member(&ec_a1(), "y", b(64)), "y"),
            (with_member(&ec_a2(), "d", b(33)), "d"),
            (with_member(&ec_a2(), "d", b(31)), "d"),
            (with_member(&p521, "x", b(65)), "x"),
            (with_member(&p521, "d", b(65)), "d"),
            (with_member(&ed25519_a1(), "x", b(33)), "x"),
            (with_member(&ed25519_a1(), "x", b(57)), "x"),
            (with_member(&ed25519_a1(), "d", b(64)), "d"),
            (with_member(&hmac_a3(), "k", json!("")), "k"),
            (with_member(&rsa_a1(), "n", json!("")), "n"),
            (with_member(&rsa_a1(), "e", json!("")), "e"),
        ];
        for (text, member) in cases {
            assert_matches!(
                parse(&text),
                Err(Error::InvalidKey(InvalidKey { member: m, .. })) if m == member
            );
        }
    }

    #[test]
    fn rsa_size_limits() {
        let text = with_member(&rsa_a1(), "n", json!(b64::encode(&modulus_1024())));
        assert_matches!(
            parse(&text),
            Err(Error::InvalidKey(InvalidKey { member: "n", .. }))
        );
        let options = JwkOptions::default().min_rsa_bits(1024);
        let jwk = Jwk::from_json_with(text.as_bytes(), &options).unwrap();
        match jwk.key() {
            Key::Rsa(k) => assert_eq!(k.bits(), 1024),
            other => panic!("not RSA: {other:?}"),
        }
        check(&jwk).unwrap();
        // PEM import applies the default limits.
        let pem = jwk.to_pem(KeyFormat::Spki).unwrap();
        assert_matches!(
            from_pem(&pem),
            Err(Error::InvalidKey(InvalidKey { member: "n", .. }))
        );
        // In a set the limit applies to every key: the short key is skipped.
        let set = format!(r#"{{"keys":[{text}]}}"#);
        assert_matches!(
            JwkSet::from_json(set.as_bytes()).unwrap().skipped(),
            [(0, Error::InvalidKey(InvalidKey { member: "n", .. }))]
        );
        assert_eq!(
            JwkSet::from_json_with(set.as_bytes(), &options)
                .unwrap()
                .keys()
                .len(),
            1
        );

        // 2047 bits: one bit short.
        let mut n = unb64(str_member(&rsa_a1(), "n"));
        n[0] = 0x7f;
        assert_matches!(
            parse(&with_member(&rsa_a1(), "n", json!(b64::encode(&n)))),
            Err(Error::InvalidKey(InvalidKey { member: "n", .. }))
        );
        // Above the default maximum of 16384 bits.
        let mut big = vec![0xc3u8; 2049];
        big[2048] = 0x01;
        assert_matches!(
            parse(&with_member(&rsa_a1(), "n", json!(b64::encode(&big)))),
            Err(Error::InvalidKey(InvalidKey { member: "n", .. }))
        );
    }

    #[test]
    fn rsa_integer_encoding() {
        let n = unb64(str_member(&rsa_a1(), "n"));
        let mut padded = vec![0u8];
        padded.extend_from_slice(&n);
        let mut even = n.clone();
        even[255] &= 0xfe;
        let cases = [
            ("n", json!(b64::encode(&padded))),
            ("n", json!(b64::encode(&even))),
            ("e", json!("AAEAAQ")),
            ("e", json!("AQ")),
            ("e", json!("Ag")),
            ("e", json!("AA")),
            ("e", json!(b64::encode(&[1u8; 9]))),
        ];
        for (member, value) in cases {
            let text = with_member(&rsa_a1(), member, value.clone());
            assert_matches!(
                parse(&text),
                Err(Error::InvalidKey(InvalidKey { member: m, .. })) if m == member
            );
        }
    }

    #[test]
    fn point_not_on_the_curve() {
        let ec = ec_a1();
        for member in ["x", "y"] {
            let mut bytes = unb64(str_member(&ec, member));
            bytes[0] ^= 0x80;
            let jwk = parse(&with_member(&ec, member, json!(b64::encode(&bytes)))).unwrap();
            assert_matches!(
                check(&jwk),
                Err(Error::InvalidKey(InvalidKey { member: "key", .. }))
            );
        }
        // A coordinate equal to the field prime is not a field element.
        let p = hex("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff");
        let jwk = parse(&with_member(&ec, "x", json!(b64::encode(&p)))).unwrap();
        assert_matches!(
            check(&jwk),
            Err(Error::InvalidKey(InvalidKey { member: "key", .. }))
        );
        // The private key's check also checks the point.
        let mut y = unb64(str_member(&ec, "y"));
        y[31] ^= 0x01;
        let jwk = parse(&with_member(&ec_a2(), "y", json!(b64::encode(&y)))).unwrap();
        assert_matches!(check(&jwk), Err(Error::InvalidKey(_)));
    }

    #[test]
    fn ec_d_not_matching_the_public_key() {
        let other = PROVIDER.generate(KeyShape::Curve(Curve::P256)).unwrap();
        let d = private_parts(&other).remove(0);
        let jwk = parse(&with_member(&ec_a2(), "d", json!(b64::encode(&d)))).unwrap();
        assert_matches!(
            check(&jwk),
            Err(Error::InvalidKey(InvalidKey { member: "d", .. }))
        );
        assert_matches!(
            p256::SecretKey::from_jwk(&jwk),
            Err(Error::InvalidKey(InvalidKey { member: "d", .. }))
        );
        // Out of range: zero and the group order.
        let order = hex("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551");
        for d in [vec![0u8; 32], order] {
            let jwk = parse(&with_member(&ec_a2(), "d", json!(b64::encode(&d)))).unwrap();
            assert_matches!(
                check(&jwk),
                Err(Error::InvalidKey(InvalidKey { member: "d", .. }))
            );
        }
        // A SEC1 document whose point is not d's.
        let mut sec1 = vec![0x30, 0x77, 0x02, 0x01, 0x01, 0x04, 0x20];
        sec1.extend_from_slice(&unb64(str_member(&ec_a2(), "d")));
        sec1.extend_from_slice(&[
            0xa0, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0xa1, 0x44,
            0x03, 0x42, 0x00, 0x04,
        ]);
        match other.key() {
            Key::Ec(k) => {
                sec1.extend_from_slice(k.x());
                sec1.extend_from_slice(k.y());
            }
            o => panic!("not EC: {o:?}"),
        }
        assert_matches!(
            from_pem(&pem("EC PRIVATE KEY", &sec1)),
            Err(Error::InvalidKey(InvalidKey { member: "d", .. }))
        );
    }

    #[test]
    fn ed25519_d_not_matching_x() {
        let other = PROVIDER.generate(KeyShape::Curve(Curve::Ed25519)).unwrap();
        let d = private_parts(&other).remove(0);
        let jwk = parse(&with_member(&ed25519_a1(), "d", json!(b64::encode(&d)))).unwrap();
        assert_matches!(
            check(&jwk),
            Err(Error::InvalidKey(InvalidKey { member: "d", .. }))
        );
    }

    #[test]
    fn ed25519_small_order_and_invalid_points() {
        let okp = |x: &[u8; 32]| {
            parse(&format!(
                r#"{{"kty":"OKP","crv":"Ed25519","x":"{}"}}"#,
                b64::encode(x)
            ))
            .unwrap()
        };
        // The identity (y = 1) has small order.
        let mut identity = [0u8; 32];
        identity[0] = 1;
        assert_matches!(
            check(&okp(&identity)),
            Err(Error::InvalidKey(InvalidKey { member: "x", .. }))
        );
        // Small y values: those that are not on the curve are refused, and
        // check() agrees with the Ed25519 decoder on every one.
        let mut refused = 0;
        for y in 2u8..64 {
            let mut x = [0u8; 32];
            x[0] = y;
            let decoded = ed25519_dalek::VerifyingKey::from_bytes(&x);
            let result = check(&okp(&x));
            match decoded {
                Err(_) => {
                    refused += 1;
                    assert_matches!(
                        result,
                        Err(Error::InvalidKey(InvalidKey { member: "x", .. }))
                    );
                }
                Ok(k) if k.is_weak() => assert_matches!(result, Err(Error::InvalidKey(_))),
                Ok(_) => assert_matches!(result, Ok(())),
            }
        }
        assert!(refused > 0, "some small y is not on the curve");
    }

    /// RFC 8032 section 5.1.3: decoding fails when the encoded y is not
    /// below p = 2^255 - 19. Each of these 32-byte strings encodes y = p + k,
    /// the non-canonical twin of the small value k.
    #[test]
    fn ed25519_non_canonical_x_is_refused() {
        let mut accepted = Vec::new();
        for k in 0u8..19 {
            for sign in [0u8, 0x80] {
                let mut x = [0xffu8; 32];
                x[0] = 0xed + k;
                x[31] = 0x7f | sign;
                let text = format!(
                    r#"{{"kty":"OKP","crv":"Ed25519","x":"{}"}}"#,
                    b64::encode(&x)
                );
                let jwk = parse(&text).unwrap();
                match check(&jwk) {
                    Err(Error::InvalidKey(InvalidKey { member: "x", .. })) => {}
                    Ok(()) => accepted.push(b64::encode(&x)),
                    Err(e) => panic!("unexpected error {e:?}"),
                }
            }
        }
        assert!(
            accepted.is_empty(),
            "non-canonical Ed25519 public keys accepted by check(): {accepted:?}"
        );
    }

    #[test]
    fn x25519_d_not_matching_x() {
        let v = vector("rfc8037/A.6.json");
        let mut d = hex(str_member(&v, "recipient_private_key_hex"));
        d[5] ^= 0x10;
        let text = with_member(&v["recipient_key"], "d", json!(b64::encode(&d)));
        let jwk = parse(&text).unwrap();
        assert_matches!(
            check(&jwk),
            Err(Error::InvalidKey(InvalidKey { member: "d", .. }))
        );
    }

    /// Each value must be refused as not strict base64url, naming `member`.
    fn assert_base64_error(base: &Value, member: &str, values: &[String]) {
        for value in values {
            let m = malformed(parse(&with_member(base, member, json!(value))));
            assert_eq!(m.what, format!("jwk \"{member}\""), "{value:?}");
            assert_eq!(m.reason, MalformedReason::Base64, "{value:?}");
        }
    }

    #[test]
    fn base64_with_padding() {
        let x = str_member(&ec_a1(), "x").to_owned();
        assert_base64_error(&ec_a1(), "x", &[format!("{x}="), format!("{x}==")]);
        let k = str_member(&hmac_a3(), "k").to_owned();
        assert_base64_error(&hmac_a3(), "k", &[format!("{k}==")]);
        // Padding that would be correct in standard base64: "AQAB" is
        // unpadded already, so pad "AQ".
        assert_base64_error(&rsa_a1(), "e", &["AQ==".to_owned()]);
        let d = str_member(&ed25519_a1(), "d").to_owned();
        assert_base64_error(&ed25519_a1(), "d", &[format!("{d}=")]);
    }

    #[test]
    fn base64_standard_alphabet() {
        let standard = |s: &str| s.replace('-', "+").replace('_', "/");
        for (base, member) in [
            (rsa_a1(), "n"),
            (hmac_a3(), "k"),
            (ed25519_a1(), "d"),
            (rsa_a2(), "p"),
        ] {
            let value = str_member(&base, member).to_owned();
            let converted = standard(&value);
            assert_ne!(converted, value, "{member} has '-' or '_'");
            assert_base64_error(&base, member, &[converted]);
        }
        assert_base64_error(
            &ec_a1(),
            "x",
            &[
                format!("+{}", &str_member(&ec_a1(), "x")[1..]),
                format!("/{}", &str_member(&ec_a1(), "x")[1..]),
            ],
        );
    }

    #[test]
    fn base64_with_whitespace_or_foreign_characters() {
        let x = str_member(&ec_a1(), "x").to_owned();
        let (a, b) = x.split_at(20);
        assert_base64_error(
            &ec_a1(),
            "x",
            &[
                format!("{a} {b}"),
                format!("{a}\n{b}"),
                format!("{a}\r\n{b}"),
                format!("\t{x}"),
                format!("{x} "),
                format!("{x}\n"),
                format!("{a}.{b}"),
                format!("{a}*{b}"),
                format!("{a}\u{e9}{b}"),
            ],
        );
        let d = str_member(&ec_a2(), "d").to_owned();
        let (a, b) = d.split_at(10);
        assert_base64_error(&ec_a2(), "d", &[format!("{a} {b}"), format!("{d}\n")]);
    }

    #[test]
    fn base64_non_canonical_trailing_bits() {
        // 43 characters carry 258 bits: the last 2 must be zero. The last
        // character of A.1's x is '4' (0b111000); '5' sets a spare bit.
        let x = str_member(&ec_a1(), "x").to_owned();
        assert!(x.ends_with('4'));
        let bad = format!("{}5", &x[..x.len() - 1]);
        assert_base64_error(&ec_a1(), "x", &[bad]);
        // A length no byte string has.
        assert_base64_error(&ec_a1(), "x", &[format!("{x}AA")]);
    }

    #[test]
    fn duplicate_members() {
        let k = str_member(&hmac_a3(), "k").to_owned();
        let cases = [
            (format!(r#"{{"kty":"oct","k":"{k}","k":"{k}"}}"#), "k"),
            (format!(r#"{{"kty":"oct","kty":"oct","k":"{k}"}}"#), "kty"),
            (format!(r#"{{"kty":"oct","kty":"RSA","k":"{k}"}}"#), "kty"),
            (
                format!(r#"{{"kty":"oct","\u006bty":"oct","k":"{k}"}}"#),
                "kty",
            ),
            (
                format!(r#"{{"kty":"oct","k":"{k}","kid":"a","kid":"b"}}"#),
                "kid",
            ),
            (
                format!(r#"{{"kty":"oct","k":"{k}","alg":"HS256","alg":"none"}}"#),
                "alg",
            ),
            (
                format!(r#"{{"kty":"oct","k":"{k}","ext":{{"a":1,"a":2}}}}"#),
                "a",
            ),
        ];
        for (text, name) in cases {
            let m = malformed(parse(&text));
            assert_eq!(m.what, "jwk", "{text}");
            assert_eq!(
                m.reason,
                MalformedReason::DuplicateMember(name.into()),
                "{text}"
            );
        }
        let set_cases = [
            (r#"{"keys":[],"keys":[]}"#.to_owned(), "keys"),
            (
                format!(r#"{{"keys":[{{"kty":"oct","k":"{k}","k":"{k}"}}]}}"#),
                "k",
            ),
            (
                format!(r#"{{"keys":[{{"kty":"oct","kty":"oct","k":"{k}"}}]}}"#),
                "kty",
            ),
        ];
        for (text, name) in set_cases {
            let m = malformed(JwkSet::from_json(text.as_bytes()));
            assert_eq!(m.what, "jwk set", "{text}");
            assert_eq!(
                m.reason,
                MalformedReason::DuplicateMember(name.into()),
                "{text}"
            );
        }
    }

    #[test]
    fn unknown_kty_and_crv() {
        for kty in ["RSA2", "rsa", "ec", "OCT", "", "EC "] {
            assert_matches!(
                parse(&with_member(&ec_a1(), "kty", json!(kty))),
                Err(Error::Unsupported(Unsupported::KeyType(ref t))) if t == kty
            );
        }
        for crv in ["P-999", "p-256", "P256", "X448", "Ed448", ""] {
            assert_matches!(
                parse(&with_member(&ec_a1(), "crv", json!(crv))),
                Err(Error::Unsupported(Unsupported::Curve(ref c))) if c == crv
            );
        }
        // A curve of the other family.
        assert_matches!(
            parse(&with_member(&ec_a1(), "crv", json!("Ed25519"))),
            Err(Error::Unsupported(Unsupported::Curve(ref c))) if c == "Ed25519"
        );
        assert_matches!(
            parse(&with_member(&ed25519_a1(), "crv", json!("P-256"))),
            Err(Error::Unsupported(Unsupported::Curve(ref c))) if c == "P-256"
        );
    }

    #[test]
    fn rsa_multi_prime() {
        let oth = json!([{"r": "AQAB", "d": "AQAB", "t": "AQAB"}]);
        assert_eq!(
            parse(&with_member(&rsa_a2(), "oth", oth.clone())).unwrap_err(),
            Error::Unsupported(Unsupported::MultiPrimeRsa)
        );
        let text = json!({"keys": [with_member_value(&rsa_a2(), "oth", oth), rsa_a1()]});
        let set = JwkSet::from_json(text.to_string().as_bytes()).unwrap();
        assert_eq!(set.skipped().len(), 1);
        assert_eq!(set.keys().len(), 1);
    }

    fn with_member_value(value: &Value, name: &str, new: Value) -> Value {
        let mut v = value.clone();
        v[name] = new;
        v
    }

    #[test]
    fn rsa_partial_private_members() {
        let crt = ["p", "q", "dp", "dq", "qi"];
        for keep in 1..crt.len() {
            let text = edited(&rsa_a2(), |o| {
                for name in &crt[keep..] {
                    o.remove(*name);
                }
            });
            assert_matches!(
                parse(&text),
                Err(Error::InvalidKey(InvalidKey { member: "key", .. }))
            );
        }
        for name in crt {
            let text = without_member(&rsa_a2(), name);
            assert_matches!(
                parse(&text),
                Err(Error::InvalidKey(InvalidKey { member: "key", .. }))
            );
        }
        // CRT values without d.
        assert_matches!(
            parse(&without_member(&rsa_a2(), "d")),
            Err(Error::InvalidKey(InvalidKey { member: "d", .. }))
        );
        assert_matches!(
            parse(&with_member(&rsa_a2(), "dp", json!(""))),
            Err(Error::InvalidKey(InvalidKey { member: "dp", .. }))
        );
        assert_matches!(
            parse(&with_member(&rsa_a2(), "d", json!(""))),
            Err(Error::InvalidKey(InvalidKey { member: "d", .. }))
        );
    }

    #[test]
    fn rsa_inconsistent_private_members() {
        let a2 = rsa_a2();
        // The values of the 7520 key in the 7517 key: each is well formed,
        // none fits.
        let other = vector("rfc7520/jwk/3_4.rsa_private_key.json");
        for (member, expected) in [("dp", "dp"), ("dq", "dq"), ("qi", "qi")] {
            let text = with_member(&a2, member, other[member].clone());
            let jwk = parse(&text).unwrap();
            assert_matches!(
                check(&jwk),
                Err(Error::InvalidKey(InvalidKey { member: m, .. })) if m == expected
            );
        }
        for member in ["d", "p", "q"] {
            let jwk = parse(&with_member(&a2, member, other[member].clone())).unwrap();
            assert_matches!(
                check(&jwk),
                Err(Error::InvalidKey(InvalidKey { member: "key", .. }))
            );
        }
    }

    #[test]
    fn key_ops() {
        let ec = ec_a1();
        let unknown = malformed(parse(&with_member(&ec, "key_ops", json!(["fly"]))));
        assert_eq!(unknown.what, "jwk \"key_ops\"");
        assert_matches!(unknown.reason, MalformedReason::Invalid(_));
        for ops in [json!(["Sign"]), json!(["sign", "verify", ""])] {
            assert_matches!(
                parse(&with_member(&ec, "key_ops", ops)),
                Err(Error::Malformed(Malformed {
                    reason: MalformedReason::Invalid(_),
                    ..
                }))
            );
        }
        let dup = malformed(parse(&with_member(
            &ec,
            "key_ops",
            json!(["deriveKey", "deriveBits", "deriveKey"]),
        )));
        assert_eq!(dup.what, "jwk \"key_ops\"");
        assert_eq!(
            dup.reason,
            MalformedReason::DuplicateMember("deriveKey".into())
        );

        let ok = parse(&with_member(
            &ec,
            "key_ops",
            json!(["deriveKey", "deriveBits"]),
        ))
        .unwrap();
        assert_eq!(
            ok.params().key_ops.as_deref(),
            Some(&[KeyOp::DeriveKey, KeyOp::DeriveBits][..])
        );
        assert!(ok.params().allows(KeyOp::DeriveKey));
        assert!(!ok.params().allows(KeyOp::Sign));
        assert_json_round_trip(&ok);
    }

    #[test]
    fn use_contradicting_key_ops_or_alg() {
        let k = str_member(&hmac_a3(), "k").to_owned();
        let cases = [
            format!(r#"{{"kty":"oct","k":"{k}","use":"sig","key_ops":["encrypt"]}}"#),
            format!(r#"{{"kty":"oct","k":"{k}","use":"sig","key_ops":["sign","wrapKey"]}}"#),
            format!(r#"{{"kty":"oct","k":"{k}","use":"enc","key_ops":["verify"]}}"#),
            format!(r#"{{"kty":"oct","k":"{k}","use":"enc","alg":"HS256"}}"#),
            format!(r#"{{"kty":"oct","k":"{k}","use":"sig","alg":"A128KW"}}"#),
        ];
        for text in cases {
            assert_matches!(
                parse(&text),
                Err(Error::Malformed(Malformed {
                    reason: MalformedReason::Invalid(_),
                    ..
                }))
            );
        }
        // An unregistered "use" is kept and allows nothing.
        let other = parse(&format!(r#"{{"kty":"oct","k":"{k}","use":"tls"}}"#)).unwrap();
        assert_eq!(other.params().key_use, Some(KeyUse::Other("tls".into())));
        assert!(!other.params().allows(KeyOp::Sign));
        assert_json_round_trip(&other);
    }

    #[test]
    fn alg_none_and_unknown() {
        for base in [ec_a1(), rsa_a1(), hmac_a3(), ed25519_a1()] {
            assert_eq!(
                parse(&with_member(&base, "alg", json!("none"))).unwrap_err(),
                Error::Policy(Policy::NoneAlgorithm)
            );
        }
        for alg in ["HS999", "hs256", "None", "NONE", ""] {
            assert_matches!(
                parse(&with_member(&hmac_a3(), "alg", json!(alg))),
                Err(Error::Unsupported(Unsupported::Algorithm(ref a))) if a == alg
            );
        }
        // In a set, a key with "none" is skipped, and so is an unknown alg.
        let none = json!({"keys": [with_member_value(&hmac_a3(), "alg", json!("none"))]});
        let set = JwkSet::from_json(none.to_string().as_bytes()).unwrap();
        assert_eq!(set.keys().len(), 0);
        assert_matches!(set.skipped(), [(0, Error::Policy(Policy::NoneAlgorithm))]);
        let unknown = json!({"keys": [with_member_value(&hmac_a3(), "alg", json!("HS999"))]});
        let set = JwkSet::from_json(unknown.to_string().as_bytes()).unwrap();
        assert_eq!((set.keys().len(), set.skipped().len()), (0, 1));
    }

    #[test]
    fn alg_that_does_not_fit_the_key() {
        let oct16 = json!({"kty": "oct", "k": b64::encode(&[9u8; 16])});
        let oct32 = json!({"kty": "oct", "k": b64::encode(&[9u8; 32])});
        let oct20 = json!({"kty": "oct", "k": b64::encode(&[9u8; 20])});
        let x25519 = vector("rfc8037/A.6.json")["recipient_key"].clone();
        let k256 = json_value(
            &PROVIDER
                .generate(KeyShape::Curve(Curve::Secp256k1))
                .unwrap(),
        );
        let ec = ec_a1();
        let rsa = rsa_a1();
        let cases = [
            (&oct16, "HS256", "k"),
            (&oct32, "HS384", "k"),
            (&oct32, "HS512", "k"),
            (&oct32, "A128KW", "k"),
            (&oct16, "A256GCMKW", "k"),
            (&oct20, "dir", "k"),
            (&oct32, "RS256", "kty"),
            (&oct32, "ES256", "kty"),
            (&ec, "ES384", "crv"),
            (&ec, "ES256K", "crv"),
            (&ec, "RS256", "kty"),
            (&ec, "HS256", "kty"),
            (&rsa, "ES256", "kty"),
            (&x25519, "EdDSA", "crv"),
            (&k256, "ECDH-ES", "crv"),
        ];
        for (base, alg, member) in cases {
            let text = edited(base, |o| {
                o.remove("use");
                o.insert("alg".into(), json!(alg));
            });
            assert_matches!(
                parse(&text),
                Err(Error::InvalidKey(InvalidKey { member: m, .. })) if m == member
            );
        }
        // OKP keys do ECDH-ES on X25519: the curve is what does not fit.
        assert_matches!(
            parse(&with_member(&ed25519_a1(), "alg", json!("ECDH-ES"))),
            Err(Error::InvalidKey(InvalidKey { member: "crv", .. }))
        );
        // And the ones that fit.
        for (base, alg) in [
            (&oct16, "A128KW"),
            (&oct16, "dir"),
            (&oct16, "PBES2-HS256+A128KW"),
            (&oct20, "PBES2-HS512+A256KW"),
            (&oct32, "HS256"),
            (&oct32, "A256GCMKW"),
            (&x25519, "ECDH-ES+A192KW"),
        ] {
            parse(&with_member(base, "alg", json!(alg))).unwrap();
        }
    }

    #[test]
    fn okp_use_rules() {
        let x25519 = vector("rfc8037/A.6.json")["recipient_key"].clone();
        assert_matches!(
            parse(&with_member(&x25519, "use", json!("sig"))),
            Err(Error::InvalidKey(InvalidKey { member: "use", .. }))
        );
        assert_matches!(
            parse(&with_member(&ed25519_a1(), "use", json!("enc"))),
            Err(Error::InvalidKey(InvalidKey { member: "use", .. }))
        );
        parse(&with_member(&x25519, "use", json!("enc"))).unwrap();
        parse(&with_member(&ed25519_a1(), "use", json!("sig"))).unwrap();
    }

    #[test]
    fn certificate_thumbprints() {
        let ec = ec_a1();
        for (member, good) in [("x5t", 20), ("x5t#S256", 32)] {
            let ok = parse(&with_member(
                &ec,
                member,
                json!(b64::encode(&vec![1u8; good])),
            ))
            .unwrap();
            assert_json_round_trip(&ok);
            for len in [0, good - 1, good + 1] {
                let text = with_member(&ec, member, json!(b64::encode(&vec![1u8; len])));
                let m = malformed(parse(&text));
                assert_eq!(m.what, format!("jwk \"{member}\""));
                assert_matches!(m.reason, MalformedReason::Invalid(_));
            }
            let padded = format!("{}=", b64::encode(&vec![1u8; good]));
            let m = malformed(parse(&with_member(&ec, member, json!(padded))));
            assert_eq!(m.reason, MalformedReason::Base64);
        }
    }

    #[test]
    fn jwk_sets() {
        let a1 = vector("rfc7517/A.1.json");
        let keys = a1["jwk_set"]["keys"].as_array().unwrap();
        // One key of an unknown type is skipped, the others kept.
        let text = json!({"keys": [keys[0], {"kty": "RSA2", "n": "AQAB"}, keys[1]]});
        let set = JwkSet::from_json(text.to_string().as_bytes()).unwrap();
        assert_eq!(set.skipped().len(), 1);
        assert_eq!(kids(set.keys().iter()), [Some("1"), Some("2011-04-29")]);
        // Unknown curves are skipped too.
        let text = json!({"keys": [with_member_value(&keys[0], "crv", json!("P-999"))]});
        let set = JwkSet::from_json(text.to_string().as_bytes()).unwrap();
        assert_eq!((set.keys().len(), set.skipped().len()), (0, 1));

        // A set without "keys", or with the wrong type.
        assert_eq!(
            JwkSet::from_json(b"{}").unwrap_err(),
            Error::malformed("jwk set \"keys\"", MalformedReason::Missing)
        );
        assert_eq!(
            JwkSet::from_json(keys[0].to_string().as_bytes()).unwrap_err(),
            Error::malformed("jwk set \"keys\"", MalformedReason::Missing)
        );
        for bad in [
            json!({"keys": {}}),
            json!({"keys": "a"}),
            json!({"keys": null}),
        ] {
            let m = malformed(JwkSet::from_json(bad.to_string().as_bytes()));
            assert_eq!(m.what, "jwk set \"keys\"");
            assert_matches!(m.reason, MalformedReason::WrongType(_));
        }
        // A member of "keys" that is not an object is skipped, with why.
        let set = JwkSet::from_json(br#"{"keys":[1]}"#).unwrap();
        assert_eq!(set.keys().len(), 0);
        assert_matches!(
            set.skipped(),
            [(0, Error::Malformed(m))] if m.reason == MalformedReason::NotAnObject
        );
        // A malformed or invalid key is skipped (RFC 7517 section 5); the
        // others stay usable, and the reason is kept.
        let bad_x = with_member_value(&keys[0], "x", json!("AA=="));
        let text = json!({"keys": [bad_x, keys[1]]});
        let set = JwkSet::from_json(text.to_string().as_bytes()).unwrap();
        assert_eq!(kids(set.keys().iter()), [Some("2011-04-29")]);
        assert_matches!(
            set.skipped(),
            [(0, Error::Malformed(m))] if m.reason == MalformedReason::Base64
        );
        let short_x = with_member_value(&keys[0], "x", json!("AAAA"));
        let text = json!({"keys": [keys[1], short_x]});
        let set = JwkSet::from_json(text.to_string().as_bytes()).unwrap();
        assert_eq!(kids(set.keys().iter()), [Some("2011-04-29")]);
        assert_matches!(
            set.skipped(),
            [(1, Error::InvalidKey(InvalidKey { member: "x", .. }))]
        );
        // An empty set is a set.
        let empty = JwkSet::from_json(br#"{"keys":[]}"#).unwrap();
        assert!(empty.keys().is_empty());
        assert_eq!(*empty.to_json(), r#"{"keys":[]}"#);
    }

    #[test]
    fn pem_garbage() {
        for text in [
            "",
            "hello",
            "-----BEGIN PRIVATE KEY-----\n",
            "-----BEGIN PRIVATE KEY-----\n!!!!\n-----END PRIVATE KEY-----\n",
            "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
            "-----BEGIN PRIVATE KEY-----\nMAA=\n-----END PRIVATE KEY-----\n",
            "-----BEGIN PUBLIC KEY-----\nMAMCAQA=\n-----END PUBLIC KEY-----\n",
            "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n",
            "-----BEGIN RSA PRIVATE KEY-----\nMAMCAQA=\n-----END RSA PRIVATE KEY-----\n",
        ] {
            assert_matches!(
                from_pem(text),
                Err(Error::InvalidKey(InvalidKey { member: "key", .. }))
            );
        }
        // The right document under the wrong label.
        let ec = jwk_of(&ec_a2());
        let spki = ec.to_der(KeyFormat::Spki).unwrap();
        let pkcs8 = ec.to_der(KeyFormat::Pkcs8).unwrap();
        for (label, der) in [
            ("PRIVATE KEY", &spki),
            ("PUBLIC KEY", &pkcs8),
            ("RSA PRIVATE KEY", &pkcs8),
            ("RSA PUBLIC KEY", &spki),
            ("EC PRIVATE KEY", &pkcs8),
        ] {
            assert_matches!(
                from_pem(&pem(label, der)),
                Err(Error::InvalidKey(InvalidKey { member: "key", .. }))
            );
        }
        for der in [&[][..], &[0x30, 0x00][..], &[0xff; 40][..]] {
            assert_matches!(
                Jwk::from_der_any(der, &PROVIDER),
                Err(Error::InvalidKey(InvalidKey { member: "key", .. }))
            );
        }
    }

    /// `Jwk::from_pem` documents "[`Error::Unsupported`] for an unknown
    /// label".
    #[test]
    fn pem_unknown_label() {
        let ec = jwk_of(&ec_a2());
        let pkcs8 = ec.to_der(KeyFormat::Pkcs8).unwrap();
        for label in [
            "CERTIFICATE",
            "ENCRYPTED PRIVATE KEY",
            "OPENSSH PRIVATE KEY",
        ] {
            assert_matches!(
                from_pem(&pem(label, &pkcs8)),
                Err(Error::Unsupported(Unsupported::KeyFormat(_)))
            );
        }
    }

    /// Blocks that are not keys (OpenSSL's `EC PARAMETERS`, a certificate)
    /// are skipped; the first key block is read.
    #[test]
    fn pem_blocks_that_are_not_keys_are_skipped() {
        let ec = jwk_of(&ec_a2());
        let params = pem("EC PARAMETERS", &hex("06082a8648ce3d030107"));
        let sec1 = ec.to_pem(KeyFormat::Sec1).unwrap();
        let imported = from_pem(&format!("{params}{}", *sec1)).unwrap();
        assert_eq!(imported.key(), ec.key());
        let cert = &vector("rfc7517/B.json")["key"]["x5c"][0];
        let cert = b64::decode_standard("x5c", cert.as_str().unwrap()).unwrap();
        let spki = ec.to_pem(KeyFormat::Spki).unwrap();
        let text = format!("{}{}", pem("CERTIFICATE", &cert), *spki);
        assert_eq!(
            Some(from_pem(&text).unwrap()),
            ec.to_public().map(|k| Jwk::new(k.key().clone()))
        );
        // Text around the blocks is ignored.
        let text = format!("key:\n{}trailer\n", *spki);
        assert_eq!(
            from_pem(&text).unwrap().key(),
            ec.to_public().unwrap().key()
        );
    }

    #[test]
    fn pem_unknown_algorithm() {
        let ec = jwk_of(&ec_a2());
        // Ed448 (1.3.101.113) SPKI.
        let mut ed448 = vec![
            0x30, 0x43, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x71, 0x03, 0x3a, 0x00,
        ];
        ed448.extend_from_slice(&[5u8; 57]);
        assert_matches!(
            from_pem(&pem("PUBLIC KEY", &ed448)),
            Err(Error::Unsupported(Unsupported::KeyFormat(_)))
        );
        // secp224r1 (1.3.132.0.33) SPKI.
        let mut p224 = vec![
            0x30, 0x4e, 0x30, 0x10, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06,
            0x05, 0x2b, 0x81, 0x04, 0x00, 0x21, 0x03, 0x3a, 0x00, 0x04,
        ];
        p224.extend_from_slice(&[5u8; 56]);
        assert_matches!(
            from_pem(&pem("PUBLIC KEY", &p224)),
            Err(Error::Unsupported(Unsupported::KeyFormat(_)))
        );
        // A compressed P-256 point.
        let spki = ec.to_der(KeyFormat::Spki).unwrap();
        let mut compressed = vec![
            0x30, 0x39, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06,
            0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x22, 0x00, 0x03,
        ];
        compressed.extend_from_slice(&spki[27..59]);
        assert_matches!(
            from_pem(&pem("PUBLIC KEY", &compressed)),
            Err(Error::Unsupported(Unsupported::KeyFormat(_)))
        );
    }
}

// ---------------------------------------------------------------------------
// PEM/DER interoperability with hand-built documents
// ---------------------------------------------------------------------------

mod der_documents {
    use super::*;

    const P256_ALG: [u8; 21] = [
        0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86,
        0x48, 0xce, 0x3d, 0x03, 0x01, 0x07,
    ];
    const P256_OID: [u8; 10] = [0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];

    fn a2_ec() -> (Jwk, Vec<u8>, Vec<u8>, Vec<u8>) {
        let v = &vector("rfc7517/A.2.json")["jwk_set"]["keys"][0];
        let jwk = jwk_of(v);
        (
            jwk,
            unb64(str_member(v, "d")),
            unb64(str_member(v, "x")),
            unb64(str_member(v, "y")),
        )
    }

    #[test]
    fn rfc7517_a2_ec_spki_and_sec1_bytes() {
        let (jwk, d, x, y) = a2_ec();
        let mut spki = vec![0x30, 0x59];
        spki.extend_from_slice(&P256_ALG);
        spki.extend_from_slice(&[0x03, 0x42, 0x00, 0x04]);
        spki.extend_from_slice(&x);
        spki.extend_from_slice(&y);
        assert_eq!(*jwk.to_der(KeyFormat::Spki).unwrap(), spki);

        let mut sec1 = vec![0x30, 0x77, 0x02, 0x01, 0x01, 0x04, 0x20];
        sec1.extend_from_slice(&d);
        sec1.extend_from_slice(&[0xa0, 0x0a]);
        sec1.extend_from_slice(&P256_OID);
        sec1.extend_from_slice(&[0xa1, 0x44, 0x03, 0x42, 0x00, 0x04]);
        sec1.extend_from_slice(&x);
        sec1.extend_from_slice(&y);
        assert_eq!(*jwk.to_der(KeyFormat::Sec1).unwrap(), sec1);
        assert_eq!(
            from_pem(&pem("EC PRIVATE KEY", &sec1)).unwrap().key(),
            jwk.key()
        );
    }

    #[test]
    fn rfc7517_a2_ec_without_public_key_derives_it() {
        let (jwk, d, _, _) = a2_ec();
        // SEC1 with the curve and no public key.
        let mut sec1 = vec![0x30, 0x31, 0x02, 0x01, 0x01, 0x04, 0x20];
        sec1.extend_from_slice(&d);
        sec1.extend_from_slice(&[0xa0, 0x0a]);
        sec1.extend_from_slice(&P256_OID);
        let imported = Jwk::from_der(&sec1, KeyFormat::Sec1, &PROVIDER).unwrap();
        assert_eq!(imported.key(), jwk.key());
        // PKCS#8 naming the curve outside, SEC1 with neither curve nor point.
        let mut inner = vec![0x30, 0x25, 0x02, 0x01, 0x01, 0x04, 0x20];
        inner.extend_from_slice(&d);
        let mut pkcs8 = vec![0x30, 0x41, 0x02, 0x01, 0x00];
        pkcs8.extend_from_slice(&P256_ALG);
        pkcs8.extend_from_slice(&[0x04, 0x27]);
        pkcs8.extend_from_slice(&inner);
        let imported = from_pem(&pem("PRIVATE KEY", &pkcs8)).unwrap();
        assert_eq!(imported.key(), jwk.key());
        // SEC1 alone must name its curve.
        assert_matches!(
            Jwk::from_der(&inner, KeyFormat::Sec1, &PROVIDER),
            Err(Error::InvalidKey(InvalidKey { member: "key", .. }))
        );
    }

    #[test]
    fn pem_line_lengths_and_endings() {
        let (jwk, _, _, _) = a2_ec();
        let der = jwk.to_der(KeyFormat::Pkcs8).unwrap();
        let body = b64::encode_standard(&der);
        // 76-column lines, CRLF endings, one long line.
        let wrapped: Vec<String> = body
            .as_bytes()
            .chunks(76)
            .map(|c| core::str::from_utf8(c).unwrap().to_owned())
            .collect();
        let crlf = format!(
            "-----BEGIN PRIVATE KEY-----\r\n{}\r\n-----END PRIVATE KEY-----\r\n",
            body.as_bytes()
                .chunks(64)
                .map(|c| core::str::from_utf8(c).unwrap())
                .collect::<Vec<_>>()
                .join("\r\n")
        );
        for text in [
            format!(
                "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n",
                wrapped.join("\n")
            ),
            crlf,
        ] {
            assert_eq!(from_pem(&text).unwrap().key(), jwk.key(), "{text}");
        }
    }
}

// ---------------------------------------------------------------------------
// Property tests: no input panics
// ---------------------------------------------------------------------------

mod properties {
    use super::*;
    use proptest::prelude::*;

    /// A member name a JWK parser looks at, or another.
    fn member_name() -> impl Strategy<Value = String> {
        prop::sample::select(vec![
            "kty", "crv", "x", "y", "d", "n", "e", "k", "p", "q", "dp", "dq", "qi", "oth", "alg",
            "use", "key_ops", "kid", "x5c", "x5t", "x5t#S256", "x5u", "ext",
        ])
        .prop_map(str::to_owned)
    }

    /// A member value: names the parser knows, base64url of useful lengths,
    /// and other JSON.
    fn member_value() -> impl Strategy<Value = Value> {
        let names = prop::sample::select(vec![
            "EC",
            "RSA",
            "oct",
            "OKP",
            "P-256",
            "P-384",
            "P-521",
            "secp256k1",
            "Ed25519",
            "X25519",
            "X448",
            "sig",
            "enc",
            "HS256",
            "RS256",
            "ES256",
            "EdDSA",
            "A128KW",
            "ECDH-ES",
            "dir",
            "none",
            "AQAB",
            "",
        ])
        .prop_map(|s| json!(s));
        let lens = prop::sample::select(vec![0usize, 1, 3, 16, 20, 31, 32, 33, 48, 64, 66, 256]);
        let bytes = (lens, any::<u8>()).prop_map(|(len, seed)| {
            let bytes: Vec<u8> = (0..len)
                .map(|i| {
                    let i = u8::try_from(i % 256).unwrap();
                    seed.wrapping_mul(31).wrapping_add(i.wrapping_mul(101))
                })
                .collect();
            json!(b64::encode(&bytes))
        });
        let ops = prop::collection::vec(
            prop::sample::select(vec!["sign", "verify", "encrypt", "deriveKey", "x"]),
            0..4,
        )
        .prop_map(|v| json!(v));
        prop_oneof![
            4 => names,
            4 => bytes,
            1 => ops,
            1 => any::<i64>().prop_map(|n| json!(n)),
            1 => Just(Value::Null),
            1 => any::<String>().prop_map(|s| json!(s)),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
            let _ = Jwk::from_json(&bytes);
            let _ = JwkSet::from_json(&bytes);
            let _ = Jwk::from_pem(&String::from_utf8_lossy(&bytes), &PROVIDER);
            let _ = Jwk::from_der_any(&bytes, &PROVIDER);
        }

        #[test]
        fn arbitrary_pem_bodies_never_panic(
            bytes in prop::collection::vec(any::<u8>(), 0..300),
            label in prop::sample::select(vec![
                "PUBLIC KEY", "PRIVATE KEY", "RSA PRIVATE KEY", "RSA PUBLIC KEY", "EC PRIVATE KEY",
            ]),
        ) {
            let _ = Jwk::from_pem(&pem(label, &bytes), &PROVIDER);
        }

        #[test]
        fn arbitrary_json_objects_never_panic(
            members in prop::collection::btree_map(member_name(), member_value(), 0..8),
        ) {
            let text = Value::Object(members.into_iter().collect()).to_string();
            if let Ok(jwk) = Jwk::from_json(text.as_bytes()) {
                let back = Jwk::from_json(jwk.to_json().as_bytes());
                prop_assert_eq!(back.as_ref(), Ok(&jwk));
                let _ = check(&jwk);
                let _ = jwk.thumbprint(&PROVIDER, HashAlgorithm::Sha256);
                for format in [KeyFormat::Spki, KeyFormat::Pkcs8, KeyFormat::Sec1] {
                    if let Ok(der) = jwk.to_der(format) {
                        let _ = Jwk::from_der(&der, format, &PROVIDER);
                    }
                }
            }
            let set = format!(r#"{{"keys":[{text}]}}"#);
            let _ = JwkSet::from_json(set.as_bytes());
        }

        #[test]
        fn okp_x_of_32_bytes_parses_then_checks_or_is_invalid(
            x in prop::array::uniform32(any::<u8>()),
            ed25519 in any::<bool>(),
        ) {
            let crv = if ed25519 { "Ed25519" } else { "X25519" };
            let text = format!(r#"{{"kty":"OKP","crv":"{crv}","x":"{}"}}"#, b64::encode(&x));
            let jwk = Jwk::from_json(text.as_bytes()).unwrap();
            match check(&jwk) {
                Ok(()) | Err(Error::InvalidKey(_)) => {}
                Err(e) => prop_assert!(false, "unexpected error {e:?}"),
            }
            prop_assert_eq!(Jwk::from_json(jwk.to_json().as_bytes()).unwrap(), jwk);
        }
    }
}

/// RFC 7517 section 4.7: the key in `x5c[0]` MUST match the JWK's key.
mod x5c_consistency {
    use super::*;

    #[test]
    fn rfc7517_b_certificate_matches_its_key() {
        let v = vector("rfc7517/B.json");
        let jwk = Jwk::from_json(v["key"].to_string().as_bytes()).unwrap();
        assert!(jwk.params().x5c.is_some());
    }

    #[test]
    fn a_certificate_of_another_key_is_refused() {
        let v = vector("rfc7517/B.json");
        let other = vector("rfc7517/A.1.json")["jwk_set"]["keys"][1].clone();
        let mut key = other.as_object().unwrap().clone();
        key.insert("x5c".into(), v["key"]["x5c"].clone());
        let err = Jwk::from_json(Value::Object(key).to_string().as_bytes()).unwrap_err();
        assert_eq!(
            err,
            Error::invalid_key("x5c", "does not hold the same key as the JWK")
        );
    }

    #[test]
    fn a_certificate_that_is_not_der_is_refused() {
        let v = vector("rfc7517/B.json");
        let mut key = v["key"].as_object().unwrap().clone();
        key.insert("x5c".into(), json!(["AAECAwQ="]));
        let err = Jwk::from_json(Value::Object(key).to_string().as_bytes()).unwrap_err();
        assert_eq!(
            err,
            Error::invalid_key("x5c", "is not a DER X.509 certificate")
        );
    }
}

/// An RSA key under 2048 bits was refused when parsed from JSON but not
/// when built in code (`RsaKey::new_public`): every path now refuses it,
/// and accepting a legacy key is an explicit call. (On a token: the
/// PKCS#11 test `rsa_keys_under_2048_bits_on_the_token_are_refused`.)
#[test]
fn rsa_keys_under_2048_bits_are_refused_however_they_are_built() {
    use jose_jwk::RsaKey;
    // Wycheproof json_web_key test 8 (rejects1024bitRsaKey), the modulus.
    let n = unb64(
        "rJBIp6T1YK-RtPyvYqFFlcucqewSAA_IReSFchE8qyiQrbARqRlXWkB2DR8j_pJQnIpYELbQWZC5Cd0PTGAU8rMbar2AW6zpmBbi7aQf17lUBdt8XI9M9rq7FPVQ1dDdUXm1SVH_9qqWhvMPR422SbfHBEzCAtzK0ANDRo6qz78",
    );
    let e = vec![1, 0, 1];
    assert!(matches!(
        RsaKey::new_public(n.clone(), e.clone()),
        Err(Error::InvalidKey(k)) if k.member == "n"
    ));
    let legacy = RsaKey::new_public_with_min_bits(n.clone(), e.clone(), 1024).unwrap();
    assert_eq!(legacy.bits(), 1024);
    let text = json!({"kty": "RSA", "n": b64::encode(&n), "e": "AQAB"}).to_string();
    assert!(matches!(parse(&text), Err(Error::InvalidKey(_))));
    assert!(
        Jwk::from_json_with(text.as_bytes(), &JwkOptions::default().min_rsa_bits(1024)).is_ok()
    );
}
