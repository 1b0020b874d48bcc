//! Integration tests of `jose-jwt`: the JWT examples of RFC 7519 (3.1, 6.1,
//! A.1, A.2) and RFC 7520 section 6, every validation check at and around
//! its boundary with an injected clock, claims of the wrong JSON type,
//! malformed claims sets, the allow-list, key rotation, `JwtBuilder`
//! (every setter, signed, encrypted and nested round trips), the one-call
//! `encode`/`decode` path, `danger::decode_unverified`, and property tests.

// Test code: panicking on a broken expectation is the point.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::std_instead_of_core,
    clippy::alloc_instead_of_core
)]

use std::sync::{Arc, OnceLock};

use jose_core::KeyShape;
use jose_core::json::Object;
use jose_core::{
    Algorithm, ContentEncryptionAlgorithm as Enc, Curve, DecryptingKey, Error, Header,
    InvalidClaim, JwsAlgorithm, KeyEncryptor, KeyManagementAlgorithm as Alg, MalformedReason,
    Policy, Signer, Unsupported, VerifyingKey, b64,
};
use jose_jwe::{Decryption, JweBuilder};
use jose_jwk::{Jwk, JwkSet, JwkSetStore, KeySpec};
use jose_jws::{JwsBuilder, SignatureSpec};
use jose_jwt::{Audience, Claims, Jwt, JwtBuilder, NumericDate, Validation, danger};
use jose_tests::{assert_err, jwk_of, str_at, vector};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// The backend under test.
use super::PROVIDER as P;

/// The "current time" of the validation tests.
const NOW: i64 = 1_700_000_000;

/// A time before the RFC 7519 examples' `exp` (1300819380).
const RFC_NOW: i64 = 1_300_819_370;

fn signer(jwk: &Jwk, alg: JwsAlgorithm) -> Box<dyn Signer> {
    P.signing_key(jwk).unwrap().signer(alg).unwrap()
}

/// A verifying key from the public half of `jwk` (symmetric keys as they are).
fn verifying(jwk: &Jwk) -> Arc<dyn VerifyingKey> {
    P.verifier(&jwk.to_public().unwrap_or_else(|| jwk.clone()))
        .unwrap()
}

fn decrypting(jwk: &Jwk) -> Arc<dyn DecryptingKey> {
    P.decryptor(jwk).unwrap()
}

/// A key encryptor from the public half of `jwk`.
fn encryptor(jwk: &Jwk, alg: Alg) -> Box<dyn KeyEncryptor> {
    let public = jwk.to_public().unwrap_or_else(|| jwk.clone());
    P.encrypting_key(&public)
        .unwrap()
        .key_encryptor(alg)
        .unwrap()
}

/// The RFC 7515 A.1 HMAC key, the key of RFC 7519 section 3.1.
fn hs_key() -> &'static Jwk {
    static KEY: OnceLock<Jwk> = OnceLock::new();
    KEY.get_or_init(|| jwk_of(&vector("rfc7519/3.1.json")["key"]))
}

/// One 2048-bit RSA key for every RSA test (generation is slow).
fn rsa_key() -> &'static Jwk {
    static KEY: OnceLock<Jwk> = OnceLock::new();
    KEY.get_or_init(|| P.generate(KeyShape::Rsa { bits: 2048 }).unwrap())
}

/// A private key for signature algorithm `alg` (the shared RSA key for RS*).
fn key_for(alg: JwsAlgorithm) -> Jwk {
    match KeySpec::from(alg).shape().unwrap() {
        KeyShape::Rsa { .. } => rsa_key().clone(),
        spec => P.generate(spec).unwrap(),
    }
}

/// A private key for key management algorithm `alg` (`curve` for ECDH-ES).
fn enc_key_for(alg: Alg, curve: Curve) -> Jwk {
    let mut spec = KeySpec::from(alg);
    if let jose_core::KeyRequirement::Curve(_) = alg.requirement() {
        spec = spec.curve(curve);
    }
    match spec.shape().unwrap() {
        KeyShape::Rsa { .. } => rsa_key().clone(),
        shape => P.generate(shape).unwrap(),
    }
}

/// A compact HS256 JWS (RFC 7515 A.1 key) of exactly `payload`, with
/// header `typ` when given.
fn sign_payload(payload: &[u8], typ: Option<&str>) -> String {
    let mut header = Header::new();
    header.typ = typ.map(String::from);
    let hs256 = signer(hs_key(), JwsAlgorithm::Hs256);
    JwsBuilder::new(payload)
        .compact_with(SignatureSpec::new(hs256.as_ref()).protected(header))
        .unwrap()
}

/// An HS256 JWT of the JSON object `claims`, with `typ: "JWT"`.
fn token(claims: &Value) -> String {
    sign_payload(claims.to_string().as_bytes(), Some("JWT"))
}

/// HS256 validation with the clock fixed at `now`.
fn at(now: i64) -> Validation {
    Validation::new(&[JwsAlgorithm::Hs256])
        .unwrap()
        .clock(move || now)
}

/// Decodes an HS256 token (RFC 7515 A.1 key) into the default JSON object.
fn check(token: &str, validation: &Validation) -> Result<Jwt, Error> {
    jose_jwt::decode(token, validation, &verifying(hs_key()))
}

fn expired(exp: i64, now: i64) -> Error {
    Error::InvalidClaim(InvalidClaim::Expired { exp, now })
}

fn not_yet_valid(nbf: i64, now: i64) -> Error {
    Error::InvalidClaim(InvalidClaim::NotYetValid { nbf, now })
}

fn missing(claim: &str) -> Error {
    Error::InvalidClaim(InvalidClaim::Missing(claim.into()))
}

fn wrong_type(claim: &str, expected: &'static str) -> Error {
    Error::InvalidClaim(InvalidClaim::WrongType {
        claim: claim.into(),
        expected,
    })
}

fn malformed(what: &'static str, reason: MalformedReason) -> Error {
    Error::malformed(what, reason)
}

/// The error of a claims set that does not fit the caller's claims type.
fn claims_type_mismatch() -> Error {
    malformed(
        "jwt claims",
        MalformedReason::Invalid("do not match the expected claims type"),
    )
}

/// The JSON object of `v`.
fn object(v: Value) -> Object {
    match v {
        Value::Object(obj) => obj,
        other => panic!("not an object: {other}"),
    }
}

/// The custom claims of RFC 7519 section 3.1.
#[derive(Debug, Deserialize, PartialEq)]
struct Root {
    #[serde(rename = "http://example.com/is_root")]
    is_root: bool,
}

/// The registered claims every RFC 7519 example carries.
fn joe_claims() -> Claims<Root> {
    Claims {
        iss: Some("joe".into()),
        exp: Some(NumericDate::from_secs(1_300_819_380)),
        ..Claims::new(Root { is_root: true })
    }
}

// ---------------------------------------------------------------------------
// RFC 7519 and RFC 7520 section 6
// ---------------------------------------------------------------------------

mod rfc {
    use super::*;

    #[test]
    fn rfc7519_3_1_hs256_into_a_struct_and_into_an_object() {
        let v = vector("rfc7519/3.1.json");
        let compact = str_at(&v, "/expected/compact");
        let key = verifying(&jwk_of(&v["key"]));
        let validation = Validation::new(&[JwsAlgorithm::Hs256])
            .unwrap()
            .issuer("joe")
            .typ("JWT")
            .clock(|| RFC_NOW);

        let jwt = jose_jwt::decode::<Claims<Root>>(compact, &validation, &key).unwrap();
        assert_eq!(jwt.claims, joe_claims());
        assert_eq!(
            jwt.header.alg,
            Some(Algorithm::Signature(JwsAlgorithm::Hs256))
        );
        assert_eq!(jwt.header.typ.as_deref(), Some("JWT"));

        let jwt = jose_jwt::decode::<Claims>(compact, &validation, &key).unwrap();
        assert_eq!(jwt.claims.iss.as_deref(), Some("joe"));
        assert_eq!(jwt.claims.exp, Some(NumericDate::from_secs(1_300_819_380)));
        assert_eq!(
            (jwt.claims.sub, jwt.claims.aud, jwt.claims.nbf),
            (None, None, None)
        );
        assert_eq!((jwt.claims.iat, jwt.claims.jti), (None, None));
        // The registered claims are typed; the rest stay as JSON.
        assert_eq!(
            Value::Object(jwt.claims.custom),
            json!({"http://example.com/is_root": true})
        );

        // At exp and later, and with the system clock, it has expired.
        for now in [1_300_819_380, 1_300_819_381] {
            assert_eq!(
                jose_jwt::decode::<Claims<Root>>(
                    compact,
                    &validation.clone().clock(move || now),
                    &key
                ),
                Err(expired(1_300_819_380, now))
            );
        }
        assert_err!(
            jose_jwt::decode::<Claims<Root>>(
                compact,
                &Validation::new(&[JwsAlgorithm::Hs256]).unwrap(),
                &key
            ),
            Error::InvalidClaim(InvalidClaim::Expired { exp: 1_300_819_380, now })
                if *now > 1_700_000_000
        );
        // Among several accepted issuers; only another issuer; another key.
        assert_eq!(
            jose_jwt::decode::<Claims<Root>>(compact, &validation.clone().issuer("ann"), &key)
                .unwrap()
                .claims,
            joe_claims()
        );
        assert_eq!(
            jose_jwt::decode::<Claims<Root>>(
                compact,
                &at(RFC_NOW).issuer("ann"),
                &verifying(hs_key())
            ),
            Err(Error::InvalidClaim(InvalidClaim::Issuer("joe".into())))
        );
        let other = P.generate(KeyShape::Oct { len: 64 }).unwrap();
        assert_eq!(
            jose_jwt::decode::<Claims<Root>>(compact, &validation, &verifying(&other)),
            Err(Error::BadSignature)
        );
    }

    #[test]
    fn rfc7519_6_1_unsecured_jwt_is_rejected() {
        let v = vector("rfc7519/6.1.json");
        let compact = str_at(&v, "/expected/compact");
        assert!(compact.ends_with('.'));
        let none = Error::Policy(Policy::NoneAlgorithm);
        let store = JwkSetStore::new(&JwkSet::from_iter([hs_key().clone()]), &P);
        for validation in [
            at(RFC_NOW),
            Validation::new(JwsAlgorithm::ALL)
                .unwrap()
                .require_exp(false)
                .clock(|| RFC_NOW),
        ] {
            assert_eq!(
                jose_jwt::decode::<Claims>(compact, &validation, &store),
                Err(none.clone())
            );
            assert_eq!(
                jose_jwt::decode::<Claims<Root>>(compact, &validation, &verifying(hs_key())),
                Err(none.clone())
            );
        }
        // With an HMAC by a key the verifier has, over the same input.
        let input = compact.trim_end_matches('.');
        let mac = b64::encode(
            &signer(hs_key(), JwsAlgorithm::Hs256)
                .sign(input.as_bytes())
                .unwrap(),
        );
        assert_eq!(
            jose_jwt::decode::<Claims>(&format!("{input}.{mac}"), &at(RFC_NOW), &store),
            Err(none.clone())
        );
        // Not even read without verification.
        assert_eq!(danger::decode_unverified(compact), Err(none));
    }

    #[test]
    fn rfc7519_a_1_encrypted_jwt() {
        let v = vector("rfc7519/A.1.json");
        let compact = str_at(&v, "/expected/compact");
        // RSA1_5 serves a key that names it only.
        let key = decrypting(&jwk_of(&v["key"]).with_alg(Alg::Rsa1_5).unwrap());
        let decryption = Decryption::new(&[Alg::Rsa1_5], &[Enc::A128CbcHs256]).unwrap();
        let validation = at(RFC_NOW).issuer("joe");
        // RSA1_5 is encrypted to a public key: anyone could have made this
        // token, so only the danger function opens it.
        assert_err!(
            jose_jwt::decode_encrypted::<Claims>(compact, &P, &decryption, &key, validation.claims()),
            Error::ApiMisuse(_)
        );

        let jwt = danger::decode_encrypted_unauthenticated::<Claims<Root>>(
            compact,
            &P,
            &decryption,
            &key,
            validation.claims(),
        )
        .unwrap();
        assert_eq!(jwt.claims, joe_claims());
        // The header is the JWE's.
        assert_eq!(jwt.header.alg, Some(Algorithm::KeyManagement(Alg::Rsa1_5)));
        assert_eq!(jwt.header.enc, Some(Enc::A128CbcHs256));
        assert_eq!(jwt.header.typ, None);
        let jwt = danger::decode_encrypted_unauthenticated::<Claims>(
            compact,
            &P,
            &decryption,
            &key,
            validation.claims(),
        )
        .unwrap();
        assert_eq!(
            Value::Object(jwt.claims.custom),
            json!({"http://example.com/is_root": true})
        );

        // The claims are validated too.
        assert_eq!(
            danger::decode_encrypted_unauthenticated::<Claims<Root>>(
                compact,
                &P,
                &decryption,
                &key,
                at(1_300_819_380).claims()
            ),
            Err(expired(1_300_819_380, 1_300_819_380))
        );
        // The JWE header has no typ: a required one fails.
        assert_eq!(
            danger::decode_encrypted_unauthenticated::<Claims<Root>>(
                compact,
                &P,
                &decryption,
                &key,
                validation.clone().typ("JWT").claims()
            ),
            Err(Error::InvalidClaim(InvalidClaim::Type(String::new())))
        );
        // RSA1_5 must be allowed explicitly.
        assert_eq!(
            danger::decode_encrypted_unauthenticated::<Claims<Root>>(
                compact,
                &P,
                &Decryption::new(&[Alg::RsaOaep], &[Enc::A128CbcHs256]).unwrap(),
                &key,
                validation.claims()
            ),
            Err(Error::Policy(Policy::AlgorithmNotAllowed("RSA1_5".into())))
        );
        // It is not a JWS, and not a nested JWT (no cty).
        assert_eq!(
            jose_jwt::decode::<Claims<Root>>(compact, &validation, &verifying(hs_key())),
            Err(malformed(
                "jwt",
                MalformedReason::Invalid("is a JWE: use decode_nested or decode_encrypted")
            ))
        );
        assert_eq!(
            jose_jwt::decode_nested::<Claims<Root>>(
                compact,
                &P,
                &decryption,
                &key,
                &validation,
                &verifying(hs_key())
            ),
            Err(malformed(
                "header \"cty\"",
                MalformedReason::Invalid("must be \"JWT\" for a nested token")
            ))
        );
    }

    #[test]
    fn rfc7519_a_2_nested_jwt() {
        let v = vector("rfc7519/A.2.json");
        let compact = str_at(&v, "/expected/compact");
        // RSA1_5 serves a key that names it only.
        let enc_jwk = jwk_of(&v["encryption_key"]).with_alg(Alg::Rsa1_5).unwrap();
        let sig_jwk = jwk_of(&v["signing_key"]);
        let decryption = Decryption::new(&[Alg::Rsa1_5], &[Enc::A128CbcHs256]).unwrap();
        let validation = Validation::new(&[JwsAlgorithm::Rs256])
            .unwrap()
            .issuer("joe")
            .clock(|| RFC_NOW);

        let jwt = jose_jwt::decode_nested::<Claims<Root>>(
            compact,
            &P,
            &decryption,
            &decrypting(&enc_jwk),
            &validation,
            &verifying(&sig_jwk),
        )
        .unwrap();
        assert_eq!(jwt.claims, joe_claims());
        // The header is the inner JWS's: {"alg":"RS256"}.
        let mut inner = Header::new();
        inner.alg = Some(Algorithm::Signature(JwsAlgorithm::Rs256));
        assert_eq!(jwt.header, inner);

        // The JWE holds exactly the listed inner JWT, which verifies alone.
        let opened = decryption
            .decrypt(&P, compact, &decrypting(&enc_jwk))
            .unwrap();
        assert_eq!(opened.protected.cty.as_deref(), Some("JWT"));
        let inner_jwt = str_at(&v, "/inner_jwt_compact");
        assert_eq!(&*opened.plaintext, inner_jwt.as_bytes());
        assert_eq!(
            jose_jwt::decode::<Claims<Root>>(inner_jwt, &validation, &verifying(&sig_jwk))
                .unwrap()
                .claims,
            joe_claims()
        );
        // The README's note: the RFC prints a 16-octet CEK, but the CEK that
        // RSA1_5 recovers (and A128CBC-HS256 needs) has 32 octets.
        let printed = b64::decode("cek", str_at(&v, "/cek_b64u_as_printed_in_rfc")).unwrap();
        assert_eq!(printed.len(), 16);
        let encrypted_key =
            b64::decode("encrypted_key", compact.split('.').nth(1).unwrap()).unwrap();
        let cek = decrypting(&enc_jwk)
            .key_decryptor(Alg::Rsa1_5)
            .unwrap()
            .decrypt_key(&opened.protected, Enc::A128CbcHs256, &encrypted_key)
            .unwrap();
        assert_eq!(cek.len(), 32);
        assert_eq!(
            b64::encode(&cek),
            "yx89uPV0J4Pri47ukKTb8IrBp3uNM2fU_-lEf1MA3S4"
        );
        assert!(str_at(&v, "/note").contains(&b64::encode(&cek)));

        // Wrong keys, wrong time, wrong algorithm.
        let other_enc = enc_key_for(Alg::RsaOaep, Curve::P256);
        // Without `alg`, an RSA key is never offered for RSA1_5.
        assert_eq!(
            jose_jwt::decode_nested::<Claims<Root>>(
                compact,
                &P,
                &decryption,
                &decrypting(&jwk_of(&v["encryption_key"])),
                &validation,
                &verifying(&sig_jwk)
            ),
            Err(Error::Policy(Policy::NoMatchingKey))
        );
        let other_enc = other_enc.with_alg(Alg::Rsa1_5).unwrap();
        assert_eq!(
            jose_jwt::decode_nested::<Claims<Root>>(
                compact,
                &P,
                &decryption,
                &decrypting(&other_enc),
                &validation,
                &verifying(&sig_jwk),
            ),
            Err(Error::DecryptionFailed)
        );
        assert_eq!(
            jose_jwt::decode_nested::<Claims<Root>>(
                compact,
                &P,
                &decryption,
                &decrypting(&enc_jwk),
                &validation,
                &verifying(rsa_key()),
            ),
            Err(Error::BadSignature)
        );
        assert_eq!(
            jose_jwt::decode_nested::<Claims<Root>>(
                compact,
                &P,
                &decryption,
                &decrypting(&enc_jwk),
                &validation.clone().clock(|| 1_300_819_380),
                &verifying(&sig_jwk),
            ),
            Err(expired(1_300_819_380, 1_300_819_380))
        );
        assert_eq!(
            jose_jwt::decode_nested::<Claims<Root>>(
                compact,
                &P,
                &decryption,
                &decrypting(&enc_jwk),
                &at(RFC_NOW),
                &verifying(&sig_jwk),
            ),
            Err(Error::Policy(Policy::AlgorithmNotAllowed("RS256".into())))
        );
        // Read as an encrypted JWT, the plaintext is a JWS, not JSON claims.
        assert_err!(
            danger::decode_encrypted_unauthenticated::<Claims>(
                compact,
                &P,
                &decryption,
                &decrypting(&enc_jwk),
                validation.claims()
            ),
            Error::Malformed(m) if m.what == "jwt claims"
                && matches!(m.reason, MalformedReason::Json { .. })
        );
    }

    /// RFC 7520 section 6: a PS256 JWT (typ JWT) inside RSA-OAEP + A128GCM
    /// (cty JWT), in the compact, general JSON and flattened JSON
    /// serializations; keys found by `kid` in JWK Sets.
    #[test]
    fn rfc7520_6_nesting_signatures_and_encryption() {
        let v = vector("rfc7520/6.nesting_signatures_and_encryption.json");
        let sig_jwk = jwk_of(&v["sign"]["input"]["key"]);
        let enc_jwk = jwk_of(&v["encrypt"]["input"]["key"]);
        assert_eq!(str_at(&v, "/sign/input/alg"), "PS256");
        assert_eq!(str_at(&v, "/encrypt/input/alg"), "RSA-OAEP");
        assert_eq!(str_at(&v, "/encrypt/input/enc"), "A128GCM");
        // The JWE's plaintext is the listed JWS.
        let inner = str_at(&v, "/sign/output/compact");
        assert_eq!(inner, str_at(&v, "/encrypt/input/plaintext"));

        let verification_keys =
            JwkSetStore::new(&JwkSet::from_iter([sig_jwk.to_public().unwrap()]), &P);
        assert!(verification_keys.skipped().is_empty());
        let decryption_keys = JwkSetStore::new(&JwkSet::from_iter([enc_jwk.clone()]), &P);
        assert!(decryption_keys.skipped().is_empty());
        let decryption = Decryption::new(&[Alg::RsaOaep], &[Enc::A128Gcm]).unwrap();
        let validation = Validation::new(&[JwsAlgorithm::Ps256])
            .unwrap()
            .issuer("hobbiton.example")
            .typ("JWT")
            .accept_json_serialization()
            .clock(|| RFC_NOW);

        #[derive(Debug, Deserialize, PartialEq)]
        struct Hobbiton {
            #[serde(rename = "http://example.com/is_root")]
            is_root: bool,
        }
        let expected = Claims {
            iss: Some("hobbiton.example".into()),
            exp: Some(NumericDate::from_secs(1_300_819_380)),
            ..Claims::new(Hobbiton { is_root: true })
        };

        let forms = [
            str_at(&v, "/encrypt/output/compact").to_owned(),
            v["encrypt"]["output"]["json"].to_string(),
            v["encrypt"]["output"]["json_flat"].to_string(),
        ];
        for token in &forms {
            let jwt = jose_jwt::decode_nested::<Claims<Hobbiton>>(
                token,
                &P,
                &decryption,
                &decryption_keys,
                &validation,
                &verification_keys,
            )
            .unwrap();
            assert_eq!(jwt.claims, expected);
            assert_eq!(
                jwt.header.alg,
                Some(Algorithm::Signature(JwsAlgorithm::Ps256))
            );
            assert_eq!(jwt.header.typ.as_deref(), Some("JWT"));
            // A JWE is never taken for a JWS.
            assert_eq!(
                jose_jwt::decode::<Claims<Hobbiton>>(token, &validation, &verification_keys),
                Err(malformed(
                    "jwt",
                    MalformedReason::Invalid("is a JWE: use decode_nested or decode_encrypted")
                ))
            );
            // Expired at exp.
            assert_eq!(
                jose_jwt::decode_nested::<Claims<Hobbiton>>(
                    token,
                    &P,
                    &decryption,
                    &decryption_keys,
                    &validation.clone().clock(|| 1_300_819_380),
                    &verification_keys,
                ),
                Err(expired(1_300_819_380, 1_300_819_380))
            );
        }
        // The inner JWS alone, with the public key by itself.
        let jwt =
            jose_jwt::decode::<Claims<Hobbiton>>(inner, &validation, &verifying(&sig_jwk)).unwrap();
        assert_eq!(jwt.claims, expected);
        // The signing key is not an encryption key, and vice versa.
        assert_err!(
            jose_jwt::decode_nested::<Claims<Hobbiton>>(
                &forms[0],
                &P,
                &decryption,
                &verification_keys,
                &validation,
                &verification_keys,
            ),
            Error::Policy(Policy::NoMatchingKey)
        );
        assert_err!(
            jose_jwt::decode_nested::<Claims<Hobbiton>>(
                &forms[0],
                &P,
                &decryption,
                &decryption_keys,
                &validation,
                &decryption_keys,
            ),
            Error::Policy(Policy::NoMatchingKey)
        );
    }
}

// ---------------------------------------------------------------------------
// Validation: every check, at and around its boundary
// ---------------------------------------------------------------------------

mod validation {
    use super::*;

    #[test]
    fn exp_exactly_now_is_rejected() {
        // RFC 7519 section 4.1.4: the current time MUST be before exp.
        let t = token(&json!({"exp": NOW}));
        assert_eq!(check(&t, &at(NOW)), Err(expired(NOW, NOW)));
        assert_eq!(check(&t, &at(NOW + 1)), Err(expired(NOW, NOW + 1)));
        assert!(check(&t, &at(NOW - 1)).is_ok());
    }

    #[test]
    fn exp_one_second_ahead_is_accepted() {
        let t = token(&json!({"exp": NOW + 1}));
        let jwt = check(&t, &at(NOW)).unwrap();
        assert_eq!(jwt.claims.exp, Some(NumericDate::from_secs(NOW + 1)));
        assert_eq!(
            jwt.header.alg,
            Some(Algorithm::Signature(JwsAlgorithm::Hs256))
        );
    }

    #[test]
    fn exp_in_the_past_within_and_beyond_leeway() {
        let t = token(&json!({"exp": NOW - 5}));
        assert_eq!(check(&t, &at(NOW)), Err(expired(NOW - 5, NOW)));
        assert!(check(&t, &at(NOW).leeway(6)).is_ok());
        assert!(check(&t, &at(NOW).leeway(60)).is_ok());
        // exp + leeway == now: at the boundary, expired.
        assert_eq!(check(&t, &at(NOW).leeway(5)), Err(expired(NOW - 5, NOW)));
        let old = token(&json!({"exp": NOW - 61}));
        assert_eq!(
            check(&old, &at(NOW).leeway(60)),
            Err(expired(NOW - 61, NOW))
        );
    }

    #[test]
    fn exp_missing_is_refused_unless_not_required() {
        let t = token(&json!({"iss": "a"}));
        assert_eq!(check(&t, &at(NOW)), Err(missing("exp")));
        let jwt = check(&t, &at(NOW).require_exp(false)).unwrap();
        assert_eq!(jwt.claims.exp, None);
        assert_eq!(jwt.claims.iss.as_deref(), Some("a"));
        // Not required, but present: still checked.
        let old = token(&json!({"exp": NOW - 1}));
        assert_eq!(
            check(&old, &at(NOW).require_exp(false)),
            Err(expired(NOW - 1, NOW))
        );
        // An empty claims set.
        assert_eq!(check(&token(&json!({})), &at(NOW)), Err(missing("exp")));
        assert!(check(&token(&json!({})), &at(NOW).require_exp(false)).is_ok());
    }

    #[test]
    fn nbf_in_the_future_now_and_within_leeway() {
        let exp = NOW + 600;
        let future = token(&json!({"exp": exp, "nbf": NOW + 1}));
        assert_eq!(check(&future, &at(NOW)), Err(not_yet_valid(NOW + 1, NOW)));
        assert!(check(&future, &at(NOW + 1)).is_ok());
        assert!(check(&future, &at(NOW).leeway(1)).is_ok());

        let now = token(&json!({"exp": exp, "nbf": NOW}));
        let jwt = check(&now, &at(NOW)).unwrap();
        assert_eq!(jwt.claims.nbf, Some(NumericDate::from_secs(NOW)));

        let ten = token(&json!({"exp": exp, "nbf": NOW + 10}));
        assert!(check(&ten, &at(NOW).leeway(10)).is_ok());
        assert_eq!(
            check(&ten, &at(NOW).leeway(9)),
            Err(not_yet_valid(NOW + 10, NOW))
        );
        // nbf is checked even without exp.
        let t = token(&json!({"nbf": NOW + 1}));
        assert_eq!(
            check(&t, &at(NOW).require_exp(false)),
            Err(not_yet_valid(NOW + 1, NOW))
        );
    }

    #[test]
    fn iat_in_the_future() {
        let exp = NOW + 600;
        let t = token(&json!({"exp": exp, "iat": NOW + 1}));
        // Not checked by default.
        assert_eq!(
            check(&t, &at(NOW)).unwrap().claims.iat,
            Some(NumericDate::from_secs(NOW + 1))
        );
        let strict = at(NOW).reject_iat_in_future();
        assert_eq!(
            check(&t, &strict),
            Err(Error::InvalidClaim(InvalidClaim::IssuedInFuture {
                iat: NOW + 1,
                now: NOW
            }))
        );
        assert!(check(&t, &strict.clone().leeway(1)).is_ok());
        assert!(check(&token(&json!({"exp": exp, "iat": NOW})), &strict).is_ok());
        assert!(check(&token(&json!({"exp": exp, "iat": NOW - 100})), &strict).is_ok());
        // Without iat there is nothing to check.
        assert!(check(&token(&json!({"exp": exp})), &strict).is_ok());
    }

    #[test]
    fn max_age() {
        let exp = NOW + 600;
        let v = at(NOW).max_age(60);
        assert!(check(&token(&json!({"exp": exp, "iat": NOW - 60})), &v).is_ok());
        assert!(check(&token(&json!({"exp": exp, "iat": NOW})), &v).is_ok());
        let old = token(&json!({"exp": exp, "iat": NOW - 61}));
        assert_eq!(
            check(&old, &v),
            Err(Error::InvalidClaim(InvalidClaim::TooOld {
                iat: NOW - 61,
                max_age: 60
            }))
        );
        assert!(check(&old, &v.clone().leeway(1)).is_ok());
        // max_age needs iat.
        assert_eq!(check(&token(&json!({"exp": exp})), &v), Err(missing("iat")));
        // Unchecked without max_age.
        assert!(check(&old, &at(NOW)).is_ok());
    }

    #[test]
    fn audience_as_string_and_as_array() {
        let exp = NOW + 600;
        let v = at(NOW).audience("https://api.example");
        let one = token(&json!({"exp": exp, "aud": "https://api.example"}));
        assert_eq!(
            check(&one, &v).unwrap().claims.aud,
            Some(Audience::One("https://api.example".into()))
        );
        let many =
            token(&json!({"exp": exp, "aud": ["https://other.example", "https://api.example"]}));
        assert_eq!(
            check(&many, &v).unwrap().claims.aud,
            Some(Audience::Many(vec![
                "https://other.example".into(),
                "https://api.example".into()
            ]))
        );
        // One of several accepted audiences is enough.
        let several = at(NOW)
            .audience("https://a.example")
            .audience("https://api.example");
        assert!(check(&one, &several).is_ok());
        assert!(check(&many, &several).is_ok());
        // None matching.
        let none = token(&json!({"exp": exp, "aud": ["https://x.example", "https://y.example"]}));
        assert_eq!(
            check(&none, &several),
            Err(Error::InvalidClaim(InvalidClaim::Audience))
        );
        assert_eq!(
            check(&token(&json!({"exp": exp, "aud": "https://x.example"})), &v),
            Err(Error::InvalidClaim(InvalidClaim::Audience))
        );
        // Compared exactly: no case folding, no prefix match.
        for aud in [
            "HTTPS://API.EXAMPLE",
            "https://api.example/",
            "https://api.exampl",
        ] {
            assert_eq!(
                check(&token(&json!({"exp": exp, "aud": aud})), &v),
                Err(Error::InvalidClaim(InvalidClaim::Audience)),
                "{aud}"
            );
        }
        // An empty array has no accepted audience.
        assert_eq!(
            check(&token(&json!({"exp": exp, "aud": []})), &v),
            Err(Error::InvalidClaim(InvalidClaim::Audience))
        );
        // Missing when one is required.
        assert_eq!(check(&token(&json!({"exp": exp})), &v), Err(missing("aud")));
    }

    #[test]
    fn issuer() {
        let exp = NOW + 600;
        let v = at(NOW).issuer("https://issuer.example");
        let good = token(&json!({"exp": exp, "iss": "https://issuer.example"}));
        assert_eq!(
            check(&good, &v).unwrap().claims.iss.as_deref(),
            Some("https://issuer.example")
        );
        for iss in [
            "https://eve.example",
            "HTTPS://ISSUER.EXAMPLE",
            "https://issuer.example/",
            "",
        ] {
            assert_eq!(
                check(&token(&json!({"exp": exp, "iss": iss})), &v),
                Err(Error::InvalidClaim(InvalidClaim::Issuer(iss.into()))),
                "{iss}"
            );
        }
        // Several accepted issuers.
        let several = at(NOW)
            .issuer("https://a.example")
            .issuer("https://issuer.example");
        assert!(check(&good, &several).is_ok());
        assert!(
            check(
                &token(&json!({"exp": exp, "iss": "https://a.example"})),
                &several
            )
            .is_ok()
        );
        assert_eq!(
            check(
                &token(&json!({"exp": exp, "iss": "https://b.example"})),
                &several
            ),
            Err(Error::InvalidClaim(InvalidClaim::Issuer(
                "https://b.example".into()
            )))
        );
        assert_eq!(check(&token(&json!({"exp": exp})), &v), Err(missing("iss")));
        // Not checked when no issuer is configured.
        assert!(check(&token(&json!({"exp": exp, "iss": "anyone"})), &at(NOW)).is_ok());
    }

    #[test]
    fn subject() {
        let exp = NOW + 600;
        let v = at(NOW).subject("alice");
        assert_eq!(
            check(&token(&json!({"exp": exp, "sub": "alice"})), &v)
                .unwrap()
                .claims
                .sub
                .as_deref(),
            Some("alice")
        );
        assert_eq!(
            check(&token(&json!({"exp": exp, "sub": "bob"})), &v),
            Err(Error::InvalidClaim(InvalidClaim::Subject("bob".into())))
        );
        assert_eq!(
            check(&token(&json!({"exp": exp, "sub": "Alice"})), &v),
            Err(Error::InvalidClaim(InvalidClaim::Subject("Alice".into())))
        );
        assert_eq!(check(&token(&json!({"exp": exp})), &v), Err(missing("sub")));
    }

    #[test]
    fn required_claims() {
        let exp = NOW + 600;
        let v = at(NOW).require("jti").require("scope");
        assert_eq!(
            check(&token(&json!({"exp": exp, "scope": "read"})), &v),
            Err(missing("jti"))
        );
        assert_eq!(
            check(&token(&json!({"exp": exp, "jti": "id-1"})), &v),
            Err(missing("scope"))
        );
        let jwt = check(
            &token(&json!({"exp": exp, "jti": "id-1", "scope": "read"})),
            &v,
        )
        .unwrap();
        assert_eq!(jwt.claims.jti.as_deref(), Some("id-1"));
        assert_eq!(jwt.claims.custom["scope"], "read");
    }

    #[test]
    fn typ_is_compared_as_a_media_type() {
        let claims = json!({"exp": NOW + 600});
        let v = at(NOW).typ("at+jwt");
        for typ in [
            "at+jwt",
            "AT+JWT",
            "At+Jwt",
            "application/at+jwt",
            "application/at+JWT",
            "Application/AT+jwt",
        ] {
            let jwt = check(&sign_payload(claims.to_string().as_bytes(), Some(typ)), &v)
                .unwrap_or_else(|e| panic!("{typ}: {e}"));
            assert_eq!(jwt.header.typ.as_deref(), Some(typ));
        }
        for typ in [
            "JWT",
            "jwt",
            "at+jwt2",
            "application/jwt",
            "text/at+jwt",
            "",
        ] {
            assert_eq!(
                check(&sign_payload(claims.to_string().as_bytes(), Some(typ)), &v),
                Err(Error::InvalidClaim(InvalidClaim::Type(typ.into()))),
                "{typ}"
            );
        }
        // No typ at all when one is required.
        assert_eq!(
            check(&sign_payload(claims.to_string().as_bytes(), None), &v),
            Err(Error::InvalidClaim(InvalidClaim::Type(String::new())))
        );
        // Expected with the prefix, given without.
        let prefixed = at(NOW).typ("application/at+jwt");
        assert!(
            check(
                &sign_payload(claims.to_string().as_bytes(), Some("at+JWT")),
                &prefixed
            )
            .is_ok()
        );
        // Not checked when not configured.
        assert!(
            check(
                &sign_payload(claims.to_string().as_bytes(), Some("weird")),
                &at(NOW)
            )
            .is_ok()
        );
        assert!(check(&sign_payload(claims.to_string().as_bytes(), None), &at(NOW)).is_ok());
    }

    #[test]
    fn fractional_numeric_dates() {
        let t = token(&json!({"exp": 1_300_819_380.5}));
        let jwt = check(&t, &at(1_300_819_380)).unwrap();
        let exp = jwt.claims.exp.unwrap();
        assert_eq!(exp, NumericDate::from_f64("exp", 1_300_819_380.5).unwrap());
        assert_eq!(exp.as_secs(), 1_300_819_380);
        assert_eq!(
            check(&t, &at(1_300_819_381)),
            Err(expired(1_300_819_380, 1_300_819_381))
        );
        let nbf = token(&json!({"exp": 1_300_819_400, "nbf": 1_300_819_380.5}));
        assert_eq!(
            check(&nbf, &at(1_300_819_380)),
            Err(not_yet_valid(1_300_819_380, 1_300_819_380))
        );
        assert!(check(&nbf, &at(1_300_819_381)).is_ok());
        let iat = token(&json!({"exp": 1_300_819_400, "iat": 1_300_819_380.25}));
        assert_eq!(
            check(&iat, &at(1_300_819_380).reject_iat_in_future()),
            Err(Error::InvalidClaim(InvalidClaim::IssuedInFuture {
                iat: 1_300_819_380,
                now: 1_300_819_380
            }))
        );
        // Exponent notation is a number too.
        let e = sign_payload(br#"{"exp":1.7000006e9}"#, Some("JWT"));
        assert_eq!(
            check(&e, &at(NOW)).unwrap().claims.exp,
            Some(NumericDate::from_secs(1_700_000_600))
        );
    }

    #[test]
    fn claims_of_the_wrong_json_type_are_named() {
        let exp = NOW + 600;
        let date = "a number (NumericDate)";
        let string = "a string";
        let aud = "a string or an array of strings";
        let cases = [
            (json!({"exp": "1300819380"}), "exp", date),
            (json!({"exp": null}), "exp", date),
            (json!({"exp": [exp]}), "exp", date),
            (json!({"exp": exp, "nbf": true}), "nbf", date),
            (json!({"exp": exp, "iat": {"t": 1}}), "iat", date),
            (json!({"exp": exp, "iss": 42}), "iss", string),
            (json!({"exp": exp, "iss": null}), "iss", string),
            (json!({"exp": exp, "sub": ["alice"]}), "sub", string),
            (json!({"exp": exp, "jti": 7}), "jti", string),
            (json!({"exp": exp, "aud": {"a": 1}}), "aud", aud),
            (json!({"exp": exp, "aud": ["a", 1]}), "aud", aud),
            (json!({"exp": exp, "aud": [["a"]]}), "aud", aud),
            (json!({"exp": exp, "aud": 5}), "aud", aud),
            (json!({"exp": exp, "aud": null}), "aud", aud),
        ];
        for (claims, claim, expected) in cases {
            let t = token(&claims);
            // Whatever is configured, even when the claim is not checked.
            for v in [
                at(NOW),
                at(NOW).require_exp(false),
                at(NOW).audience("a").issuer("x"),
            ] {
                assert_eq!(check(&t, &v), Err(wrong_type(claim, expected)), "{claims}");
            }
            // And into a struct.
            assert_eq!(
                jose_jwt::decode::<Claims<Root>>(&t, &at(NOW), &verifying(hs_key())),
                Err(wrong_type(claim, expected)),
                "{claims}"
            );
            // The builder refuses such a claims set too.
            assert_eq!(
                JwtBuilder::from_object(object(claims.clone())).map(|b| b.claims().clone()),
                Err(wrong_type(claim, expected)),
                "{claims}"
            );
        }
    }

    #[test]
    fn duplicate_claim_names_are_malformed() {
        let exp = NOW + 600;
        for (payload, name) in [
            (format!(r#"{{"exp":1,"exp":{exp}}}"#), "exp"),
            (format!(r#"{{"exp":{exp},"iss":"a","iss":"b"}}"#), "iss"),
            (
                format!(r#"{{"exp":{exp},"scope":"a","scope":"a"}}"#),
                "scope",
            ),
            (
                format!(r#"{{"exp":{exp},"ctx":{{"ip":"a","ip":"b"}}}}"#),
                "ip",
            ),
        ] {
            let t = sign_payload(payload.as_bytes(), Some("JWT"));
            let dup = malformed("jwt claims", MalformedReason::DuplicateMember(name.into()));
            assert_eq!(check(&t, &at(NOW)), Err(dup.clone()), "{payload}");
            assert_eq!(danger::decode_unverified(&t), Err(dup), "{payload}");
        }
    }

    #[test]
    fn claims_that_are_not_a_json_object_are_malformed() {
        for payload in [&b"[1,2]"[..], b"\"claims\"", b"42", b"null"] {
            let t = sign_payload(payload, Some("JWT"));
            assert_eq!(
                check(&t, &at(NOW)),
                Err(malformed("jwt claims", MalformedReason::NotAnObject))
            );
        }
        for payload in [&b"{"[..], b"", b"{\"exp\":1700000600,}", b"\xff\xfe"] {
            let t = sign_payload(payload, Some("JWT"));
            assert_err!(
                check(&t, &at(NOW)),
                Error::Malformed(m) if m.what == "jwt claims"
                    && matches!(m.reason, MalformedReason::Json { .. })
            );
        }
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Scope {
        scope: String,
        level: u8,
    }

    #[test]
    fn custom_claims_struct_that_does_not_fit_is_malformed() {
        let exp = NOW + 600;
        let decode = |claims: &Value| {
            jose_jwt::decode::<Claims<Scope>>(&token(claims), &at(NOW), &verifying(hs_key()))
        };
        let jwt = decode(&json!({"exp": exp, "scope": "read", "level": 3})).unwrap();
        assert_eq!(
            jwt.claims.custom,
            Scope {
                scope: "read".into(),
                level: 3
            }
        );
        for claims in [
            json!({"exp": exp, "scope": 5, "level": 3}),
            json!({"exp": exp, "scope": "read"}),
            json!({"exp": exp, "scope": "read", "level": 300}),
            json!({"exp": exp, "scope": "read", "level": -1}),
            json!({"exp": exp, "scope": ["read"], "level": 1}),
        ] {
            assert_eq!(decode(&claims), Err(claims_type_mismatch()), "{claims}");
        }
        // The registered claims are checked first, and named.
        assert_eq!(
            decode(&json!({"exp": "soon", "scope": 5})),
            Err(wrong_type("exp", "a number (NumericDate)"))
        );
        // And validated before the custom claims are read.
        assert_eq!(
            decode(&json!({"exp": NOW, "scope": 5})),
            Err(expired(NOW, NOW))
        );
    }

    #[test]
    fn algorithm_not_in_the_allow_list() {
        let claims = json!({"exp": NOW + 600});
        let hs = token(&claims);
        let es_key = key_for(JwsAlgorithm::Es256);
        let es = JwtBuilder::from_object(object(claims))
            .unwrap()
            .sign(signer(&es_key, JwsAlgorithm::Es256).as_ref())
            .unwrap();
        let only = |algs: &[JwsAlgorithm]| Validation::new(algs).unwrap().clock(|| NOW);
        assert_eq!(
            jose_jwt::decode::<Claims>(
                &hs,
                &only(&[JwsAlgorithm::Hs384, JwsAlgorithm::Rs256]),
                &verifying(hs_key())
            ),
            Err(Error::Policy(Policy::AlgorithmNotAllowed("HS256".into())))
        );
        assert_eq!(
            jose_jwt::decode::<Claims>(&es, &only(&[JwsAlgorithm::Rs256]), &verifying(&es_key)),
            Err(Error::Policy(Policy::AlgorithmNotAllowed("ES256".into())))
        );
        assert!(
            jose_jwt::decode::<Claims>(
                &es,
                &only(&[JwsAlgorithm::Rs256, JwsAlgorithm::Es256]),
                &verifying(&es_key)
            )
            .is_ok()
        );
        // An allowed algorithm with a key of another type.
        assert_eq!(
            jose_jwt::decode::<Claims>(&hs, &at(NOW), &verifying(&es_key)),
            Err(Error::Policy(Policy::NoMatchingKey))
        );
        // An empty allow-list is a misuse.
        assert_err!(
            Validation::new(&[]),
            Error::ApiMisuse("the algorithm allow-list is empty")
        );
    }

    #[test]
    fn signature_is_checked_before_claims() {
        // Expired, and signed by another key: the signature fails first.
        let other = P.generate(KeyShape::Oct { len: 64 }).unwrap();
        let forged = JwtBuilder::from_object(object(json!({"exp": NOW - 100})))
            .unwrap()
            .sign(signer(&other, JwsAlgorithm::Hs256).as_ref())
            .unwrap();
        assert_eq!(check(&forged, &at(NOW)), Err(Error::BadSignature));
        assert_eq!(
            check(&forged, &at(NOW).typ("at+jwt")),
            Err(Error::BadSignature)
        );
        // A tampered payload.
        let t = token(&json!({"exp": NOW + 600, "role": "user"}));
        let parts: Vec<&str> = t.split('.').collect();
        let admin = b64::encode(
            json!({"exp": NOW + 600, "role": "admin"})
                .to_string()
                .as_bytes(),
        );
        let tampered = format!("{}.{admin}.{}", parts[0], parts[2]);
        assert_eq!(check(&tampered, &at(NOW)), Err(Error::BadSignature));
    }

    #[test]
    fn a_jwe_passed_to_decode_is_malformed() {
        let jwk = enc_key_for(Alg::EcdhEsA256Kw, Curve::P256);
        let enc = encryptor(&jwk, Alg::EcdhEsA256Kw);
        let builder = JwtBuilder::new().now(NOW).expires_in(600);
        let is_jwe: Result<Jwt, Error> = Err(malformed(
            "jwt",
            MalformedReason::Invalid("is a JWE: use decode_nested or decode_encrypted"),
        ));
        let encrypted = builder.encrypt(&P, enc.as_ref(), Enc::A256Gcm).unwrap();
        let nested = builder
            .sign_then_encrypt(
                signer(hs_key(), JwsAlgorithm::Hs256).as_ref(),
                &P,
                enc.as_ref(),
                Enc::A256Gcm,
            )
            .unwrap();
        let payload = json!({"exp": NOW + 600}).to_string();
        let flattened = JweBuilder::new(payload.as_bytes(), Enc::A256Gcm)
            .flattened(&P, jose_jwe::Recipient::new(enc.as_ref()))
            .unwrap();
        for t in [&encrypted, &nested] {
            assert_eq!(check(t, &at(NOW)), is_jwe, "{t}");
        }
        // A JSON JWE is refused as JSON first; accepted, as a JWE.
        assert_eq!(
            check(&flattened, &at(NOW)),
            Err(Error::Policy(Policy::NotCompact))
        );
        assert_eq!(
            check(&flattened, &at(NOW).accept_json_serialization()),
            is_jwe
        );
        assert_eq!(encrypted.split('.').count(), 5);
        // Each of them opens with the right function.
        let decryption = Decryption::new(&[Alg::EcdhEsA256Kw], &[Enc::A256Gcm]).unwrap();
        assert!(
            danger::decode_encrypted_unauthenticated::<Claims>(
                &encrypted,
                &P,
                &decryption,
                &decrypting(&jwk),
                at(NOW).claims()
            )
            .is_ok()
        );
        assert!(
            danger::decode_encrypted_unauthenticated::<Claims>(
                &flattened,
                &P,
                &decryption,
                &decrypting(&jwk),
                at(NOW).accept_json_serialization().claims()
            )
            .is_ok()
        );
        assert!(
            jose_jwt::decode_nested::<Claims>(
                &nested,
                &P,
                &decryption,
                &decrypting(&jwk),
                &at(NOW),
                &verifying(hs_key())
            )
            .is_ok()
        );
    }

    #[test]
    fn a_jws_nested_in_a_jws_is_refused() {
        let inner = token(&json!({"exp": NOW + 600}));
        let mut header = Header::new();
        header.cty = Some("JWT".into());
        let hs256 = signer(hs_key(), JwsAlgorithm::Hs256);
        let outer = JwsBuilder::new(inner.as_bytes())
            .compact_with(SignatureSpec::new(hs256.as_ref()).protected(header))
            .unwrap();
        assert_eq!(
            check(&outer, &at(NOW)),
            Err(Error::Unsupported(Unsupported::Operation(
                "a JWS nested in a JWS".into()
            )))
        );
    }

    /// Key rotation: a JWK Set with the old and the new key, picked by `kid`.
    #[test]
    fn jwk_set_store_by_kid_with_two_keys() {
        let old = P
            .generate(KeyShape::Curve(Curve::P256))
            .unwrap()
            .with_kid("2024-01");
        let new = P
            .generate(KeyShape::Curve(Curve::P256))
            .unwrap()
            .with_kid("2025-01");
        let set: JwkSet = [&old, &new]
            .iter()
            .map(|k| k.to_public().unwrap())
            .collect();
        let store = JwkSetStore::new(&set, &P);
        assert!(store.skipped().is_empty());
        assert_eq!(store.len(), 2);
        let v = Validation::new(&[JwsAlgorithm::Es256])
            .unwrap()
            .issuer("https://issuer.example")
            .clock(|| NOW);
        let builder = JwtBuilder::new()
            .issuer("https://issuer.example")
            .now(NOW)
            .expires_in(60);
        for (key, kid) in [(&old, "2024-01"), (&new, "2025-01")] {
            let t = builder
                .sign(signer(key, JwsAlgorithm::Es256).as_ref())
                .unwrap();
            let jwt = jose_jwt::decode::<Claims>(&t, &v, &store).unwrap();
            assert_eq!(jwt.header.kid.as_deref(), Some(kid));
            assert_eq!(jwt.claims, *builder.claims());
        }
        // A retired key's kid matches nothing.
        let retired = P
            .generate(KeyShape::Curve(Curve::P256))
            .unwrap()
            .with_kid("2023-01");
        let t = builder
            .sign(signer(&retired, JwsAlgorithm::Es256).as_ref())
            .unwrap();
        assert_eq!(
            jose_jwt::decode::<Claims>(&t, &v, &store),
            Err(Error::Policy(Policy::NoMatchingKey))
        );
        // The kid picks the key: a token signed by the old key but naming
        // the new one fails, the old key is not tried.
        let mut header = Header::new();
        header.kid = Some("2025-01".into());
        let lying = builder
            .clone()
            .header(header)
            .sign(signer(&old, JwsAlgorithm::Es256).as_ref())
            .unwrap();
        assert_eq!(
            danger::decode_unverified(&lying)
                .unwrap()
                .header
                .kid
                .as_deref(),
            Some("2025-01")
        );
        assert_eq!(
            jose_jwt::decode::<Claims>(&lying, &v, &store),
            Err(Error::BadSignature)
        );
        // After the old key is removed from the set, its tokens fail.
        let rotated = JwkSetStore::new(&JwkSet::from_iter([new.to_public().unwrap()]), &P);
        let t = builder
            .sign(signer(&old, JwsAlgorithm::Es256).as_ref())
            .unwrap();
        assert_eq!(
            jose_jwt::decode::<Claims>(&t, &v, &rotated),
            Err(Error::Policy(Policy::NoMatchingKey))
        );
    }

    #[test]
    fn nested_decode_validates_the_inner_token() {
        let enc_jwk = enc_key_for(Alg::RsaOaep256, Curve::P256);
        let sig_jwk = key_for(JwsAlgorithm::Es256);
        let decryption = Decryption::new(&[Alg::RsaOaep256], &[Enc::A256Gcm]).unwrap();
        let nested = JwtBuilder::new()
            .issuer("https://issuer.example")
            .typ("at+jwt")
            .now(NOW)
            .expires_in(60)
            .sign_then_encrypt(
                signer(&sig_jwk, JwsAlgorithm::Es256).as_ref(),
                &P,
                encryptor(&enc_jwk, Alg::RsaOaep256).as_ref(),
                Enc::A256Gcm,
            )
            .unwrap();
        let run = |v: &Validation| {
            jose_jwt::decode_nested::<Claims>(
                &nested,
                &P,
                &decryption,
                &decrypting(&enc_jwk),
                v,
                &verifying(&sig_jwk),
            )
        };
        let es = || Validation::new(&[JwsAlgorithm::Es256]).unwrap();
        assert!(run(&es().clock(|| NOW).typ("at+jwt")).is_ok());
        assert_eq!(
            run(&es().clock(|| NOW + 60)),
            Err(expired(NOW + 60, NOW + 60))
        );
        assert_eq!(
            run(&es().clock(|| NOW).typ("JWT")),
            Err(Error::InvalidClaim(InvalidClaim::Type("at+jwt".into())))
        );
        assert_eq!(
            run(&es().clock(|| NOW).issuer("https://eve.example")),
            Err(Error::InvalidClaim(InvalidClaim::Issuer(
                "https://issuer.example".into()
            )))
        );
    }

    /// The claims of a nested token were written by whoever signed the
    /// inner JWS, and anyone can encrypt to the recipient: `Jwt.key` names
    /// the signing key, not the key that decrypted.
    #[test]
    fn nested_jwt_names_the_signing_key() {
        let enc_jwk = enc_key_for(Alg::EcdhEs, Curve::P256).with_kid("recipient");
        let sig_jwk = key_for(JwsAlgorithm::Es256).with_kid("issuer");
        let nested = JwtBuilder::new()
            .now(NOW)
            .expires_in(60)
            .sign_then_encrypt(
                signer(&sig_jwk, JwsAlgorithm::Es256).as_ref(),
                &P,
                encryptor(&enc_jwk, Alg::EcdhEs).as_ref(),
                Enc::A128Gcm,
            )
            .unwrap();
        let got = jose_jwt::decode_nested::<Claims>(
            &nested,
            &P,
            &Decryption::new(&[Alg::EcdhEs], &[Enc::A128Gcm]).unwrap(),
            &decrypting(&enc_jwk),
            &Validation::new(&[JwsAlgorithm::Es256]).unwrap().clock(|| NOW),
            &verifying(&sig_jwk),
        )
        .unwrap();
        assert_eq!(got.key.kid.as_deref(), Some("issuer"));
        let want = sig_jwk.to_public().unwrap();
        let want = want.thumbprint(&P, jose_core::HashAlgorithm::Sha256).unwrap();
        assert_eq!(got.key.thumbprint.map(|t| t.to_vec()), Some(want));
    }

    /// A service that accepts tokens from several issuers binds each issuer
    /// to its key: `Jwt.key` says which key of the set verified.
    #[test]
    fn decoded_jwt_names_the_key_that_verified() {
        let keys: Vec<Jwk> = ["one", "two"]
            .iter()
            .map(|kid| key_for(JwsAlgorithm::Es256).with_kid(*kid))
            .collect();
        let set: JwkSet = keys.iter().map(|k| k.to_public().unwrap()).collect();
        let store = JwkSetStore::new(&set, &P);
        let token = JwtBuilder::new()
            .issuer("two")
            .now(NOW)
            .expires_in(60)
            .sign(signer(&keys[1], JwsAlgorithm::Es256).as_ref())
            .unwrap();
        let v = Validation::new(&[JwsAlgorithm::Es256])
            .unwrap()
            .clock(|| NOW);
        let got = jose_jwt::decode::<Claims>(&token, &v, &store).unwrap();
        assert_eq!((got.key.kid.as_deref(), got.key.index), (Some("two"), 1));
    }
}

// ---------------------------------------------------------------------------
// JwtBuilder, encode/decode, danger::decode_unverified
// ---------------------------------------------------------------------------

mod builder {
    use super::*;

    /// A builder with every claim, relative to `NOW`.
    fn full() -> JwtBuilder {
        JwtBuilder::new()
            .issuer("https://issuer.example")
            .subject("alice")
            .audience("https://api.example")
            .jwt_id("id-1")
            .now(NOW)
            .issued_now()
            .not_before_in(-5)
            .expires_in(600)
            .claim("scope", "orders:read")
            .claim("n", 3)
            .claim("ctx", json!({"ip": "192.0.2.1", "mfa": true}))
    }

    fn full_validation(alg: JwsAlgorithm) -> Validation {
        Validation::new(&[alg])
            .unwrap()
            .issuer("https://issuer.example")
            .audience("https://api.example")
            .subject("alice")
            .require("jti")
            .require("scope")
            .max_age(60)
            .reject_iat_in_future()
            .typ("JWT")
            .clock(|| NOW + 10)
    }

    #[test]
    fn every_setter_lands_in_the_claims_and_the_token() {
        let mut header = Header::new();
        header.kid = Some("k-1".into());
        let b = JwtBuilder::new()
            .issuer("https://issuer.example")
            .subject("alice")
            .audience("https://api.example")
            .jwt_id("id-1")
            .expires_at(NumericDate::from_secs(NOW + 600))
            .not_before(NumericDate::from_secs(NOW - 10))
            .issued_at(NumericDate::from_secs(NOW - 5))
            .claim("scope", "read write")
            .claim("n", 3)
            .claim("ctx", json!({"ip": "192.0.2.1"}))
            .typ("at+jwt")
            .header(header);
        let c = b.claims();
        assert_eq!(c.iss.as_deref(), Some("https://issuer.example"));
        assert_eq!(c.sub.as_deref(), Some("alice"));
        assert_eq!(c.aud, Some(Audience::One("https://api.example".into())));
        assert_eq!(c.jti.as_deref(), Some("id-1"));
        assert_eq!(c.exp, Some(NumericDate::from_secs(NOW + 600)));
        assert_eq!(c.nbf, Some(NumericDate::from_secs(NOW - 10)));
        assert_eq!(c.iat, Some(NumericDate::from_secs(NOW - 5)));
        assert_eq!(
            Value::Object(c.custom.clone()),
            json!({"scope": "read write", "n": 3, "ctx": {"ip": "192.0.2.1"}})
        );

        let token = b
            .sign(signer(hs_key(), JwsAlgorithm::Hs256).as_ref())
            .unwrap();
        let seen = danger::decode_unverified(&token).unwrap();
        assert_eq!(
            Value::Object(seen.claims),
            json!({
                "iss": "https://issuer.example", "sub": "alice", "aud": "https://api.example",
                "jti": "id-1", "exp": NOW + 600, "nbf": NOW - 10, "iat": NOW - 5,
                "scope": "read write", "n": 3, "ctx": {"ip": "192.0.2.1"},
            })
        );
        // typ set before header() is kept; the header's kid is used.
        assert_eq!(seen.header.typ.as_deref(), Some("at+jwt"));
        assert_eq!(seen.header.kid.as_deref(), Some("k-1"));
        assert_eq!(
            seen.header.alg,
            Some(Algorithm::Signature(JwsAlgorithm::Hs256))
        );

        let jwt = check(
            &token,
            &at(NOW)
                .issuer("https://issuer.example")
                .audience("https://api.example")
                .subject("alice")
                .typ("at+jwt")
                .require("jti"),
        )
        .unwrap();
        assert_eq!(jwt.claims, *c);
        assert_eq!(jwt.header, seen.header);
    }

    #[test]
    fn relative_times_count_from_now() {
        let b = JwtBuilder::new()
            .now(NOW)
            .issued_now()
            .expires_in(600)
            .not_before_in(-30);
        let c = b.claims();
        assert_eq!(c.iat, Some(NumericDate::from_secs(NOW)));
        assert_eq!(c.exp, Some(NumericDate::from_secs(NOW + 600)));
        assert_eq!(c.nbf, Some(NumericDate::from_secs(NOW - 30)));
        let later = JwtBuilder::new().now(NOW).not_before_in(100).expires_in(0);
        assert_eq!(later.claims().nbf, Some(NumericDate::from_secs(NOW + 100)));
        assert_eq!(later.claims().exp, Some(NumericDate::from_secs(NOW)));

        // Without now(): the system clock.
        let system = || {
            i64::try_from(
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_secs(),
            )
            .unwrap()
        };
        let before = system();
        let b = JwtBuilder::new().issued_now().expires_in(60);
        let after = system();
        let iat = b.claims().iat.unwrap().as_secs();
        assert!((before..=after).contains(&iat), "{before} {iat} {after}");
        assert_eq!(b.claims().exp.unwrap().as_secs(), iat + 60);
        // Such a token validates with the system clock too.
        let t = b
            .sign(signer(hs_key(), JwsAlgorithm::Hs256).as_ref())
            .unwrap();
        assert!(
            jose_jwt::decode::<Claims>(
                &t,
                &Validation::new(&[JwsAlgorithm::Hs256]).unwrap(),
                &verifying(hs_key())
            )
            .is_ok()
        );
    }

    #[test]
    fn claim_sets_registered_and_custom_names() {
        let b = JwtBuilder::new()
            .claim("iss", "a")
            .claim("sub", "b")
            .claim("aud", json!(["x", "y"]))
            .claim("exp", NOW + 5)
            .claim("nbf", 1_300_819_380.5)
            .claim("iat", NOW)
            .claim("jti", "j");
        let c = b.claims();
        assert_eq!(c.iss.as_deref(), Some("a"));
        assert_eq!(c.sub.as_deref(), Some("b"));
        assert_eq!(c.aud, Some(Audience::Many(vec!["x".into(), "y".into()])));
        assert_eq!(c.exp, Some(NumericDate::from_secs(NOW + 5)));
        assert_eq!(
            c.nbf,
            Some(NumericDate::from_f64("nbf", 1_300_819_380.5).unwrap())
        );
        assert_eq!(c.iat, Some(NumericDate::from_secs(NOW)));
        assert_eq!(c.jti.as_deref(), Some("j"));
        // Registered names never end up among the custom claims.
        assert!(c.custom.is_empty());

        // A registered name replaces the typed setter's value, and back.
        let b = JwtBuilder::new().issuer("first").claim("iss", "second");
        assert_eq!(b.claims().iss.as_deref(), Some("second"));
        let b = JwtBuilder::new().claim("iss", "first").issuer("second");
        assert_eq!(b.claims().iss.as_deref(), Some("second"));
        // aud by claim(), then audience(): an array.
        let b = JwtBuilder::new().claim("aud", "x").audience("y");
        assert_eq!(
            b.claims().aud,
            Some(Audience::Many(vec!["x".into(), "y".into()]))
        );

        // Custom claims of every JSON type, replaced by name.
        let b = JwtBuilder::new()
            .claim("s", "text")
            .claim("n", -7)
            .claim("f", 0.5)
            .claim("t", true)
            .claim("z", Value::Null)
            .claim("arr", json!([1, "two"]))
            .claim("obj", json!({"k": "v"}))
            .claim("s", "replaced");
        assert_eq!(
            Value::Object(b.claims().custom.clone()),
            json!({"s": "replaced", "n": -7, "f": 0.5, "t": true, "z": null,
                   "arr": [1, "two"], "obj": {"k": "v"}})
        );
        let t = b
            .expires_at(NumericDate::from_secs(NOW + 1))
            .sign(signer(hs_key(), JwsAlgorithm::Hs256).as_ref())
            .unwrap();
        let jwt = check(&t, &at(NOW)).unwrap();
        assert_eq!(jwt.claims.custom["s"], "replaced");
        assert_eq!(jwt.claims.custom["arr"], json!([1, "two"]));
        assert_eq!(jwt.claims.custom["z"], Value::Null);
    }

    #[test]
    fn fractional_dates_serialize_as_fractions() {
        let b = JwtBuilder::new()
            .expires_at(NumericDate::from_f64("exp", 1_300_819_380.5).unwrap())
            .issued_at(NumericDate::from_secs(1_300_819_300));
        let t = b
            .sign(signer(hs_key(), JwsAlgorithm::Hs256).as_ref())
            .unwrap();
        let payload = t.split('.').nth(1).unwrap();
        let text = String::from_utf8(b64::decode("payload", payload).unwrap()).unwrap();
        assert!(text.contains("\"exp\":1300819380.5"), "{text}");
        assert!(text.contains("\"iat\":1300819300"), "{text}");
        assert!(!text.contains("1300819300.0"), "{text}");
        assert!(check(&t, &at(1_300_819_380)).is_ok());
        assert_eq!(
            check(&t, &at(1_300_819_381)),
            Err(expired(1_300_819_380, 1_300_819_381))
        );
    }

    #[test]
    fn audience_twice_is_an_array() {
        let one = JwtBuilder::new().audience("a");
        assert_eq!(one.claims().aud, Some(Audience::One("a".into())));
        let two = one.clone().audience("b");
        assert_eq!(
            two.claims().aud,
            Some(Audience::Many(vec!["a".into(), "b".into()]))
        );
        let three = two.clone().audience("c");
        assert_eq!(
            three.claims().aud,
            Some(Audience::Many(vec!["a".into(), "b".into(), "c".into()]))
        );
        let hs256 = signer(hs_key(), JwsAlgorithm::Hs256);
        for (b, expected) in [
            (&one, json!("a")),
            (&two, json!(["a", "b"])),
            (&three, json!(["a", "b", "c"])),
        ] {
            let t = b.sign(hs256.as_ref()).unwrap();
            assert_eq!(
                danger::decode_unverified(&t).unwrap().claims["aud"],
                expected
            );
            let v = at(NOW).require_exp(false).audience("c").audience("a");
            assert!(check(&t, &v).is_ok());
        }
        let t = two.sign(hs256.as_ref()).unwrap();
        assert_eq!(
            check(&t, &at(NOW).require_exp(false).audience("c")),
            Err(Error::InvalidClaim(InvalidClaim::Audience))
        );
    }

    #[test]
    fn typ_default_setter_and_header() {
        let hs256 = signer(hs_key(), JwsAlgorithm::Hs256);
        let typ_of = |b: &JwtBuilder| {
            danger::decode_unverified(&b.sign(hs256.as_ref()).unwrap())
                .unwrap()
                .header
                .typ
        };
        assert_eq!(typ_of(&JwtBuilder::new()).as_deref(), Some("JWT"));
        assert_eq!(
            typ_of(&JwtBuilder::new().typ("at+jwt")).as_deref(),
            Some("at+jwt")
        );
        // header() keeps typ unless it sets one.
        let mut kid_only = Header::new();
        kid_only.kid = Some("k".into());
        assert_eq!(
            typ_of(&JwtBuilder::new().typ("at+jwt").header(kid_only)).as_deref(),
            Some("at+jwt")
        );
        let mut with_typ = Header::new();
        with_typ.typ = Some("secevent+jwt".into());
        assert_eq!(
            typ_of(&JwtBuilder::new().typ("at+jwt").header(with_typ.clone())).as_deref(),
            Some("secevent+jwt")
        );
        assert_eq!(
            typ_of(&JwtBuilder::new().header(with_typ).typ("at+jwt")).as_deref(),
            Some("at+jwt")
        );
        // from_object starts with typ JWT too.
        assert_eq!(
            typ_of(&JwtBuilder::from_object(Object::new()).unwrap()).as_deref(),
            Some("JWT")
        );
    }

    #[test]
    fn sign_round_trips() {
        for alg in [
            JwsAlgorithm::Hs256,
            JwsAlgorithm::Rs256,
            JwsAlgorithm::Es256,
            JwsAlgorithm::EdDsa,
        ] {
            let jwk = key_for(alg).with_kid(format!("kid-{}", alg.name()));
            let b = full();
            let t = b.sign(signer(&jwk, alg).as_ref()).unwrap();
            let jwt = jose_jwt::decode::<Claims>(&t, &full_validation(alg), &verifying(&jwk))
                .unwrap_or_else(|e| panic!("{alg}: {e}"));
            assert_eq!(jwt.claims, *b.claims(), "{alg}");
            assert_eq!(jwt.header.alg, Some(Algorithm::Signature(alg)));
            assert_eq!(jwt.header.typ.as_deref(), Some("JWT"));
            let kid = format!("kid-{}", alg.name());
            assert_eq!(jwt.header.kid.as_deref(), Some(kid.as_str()));
            // Only that algorithm.
            let other = if alg == JwsAlgorithm::Hs256 {
                JwsAlgorithm::Hs512
            } else {
                JwsAlgorithm::Hs256
            };
            assert_eq!(
                jose_jwt::decode::<Claims>(&t, &full_validation(other), &verifying(&jwk)),
                Err(Error::Policy(Policy::AlgorithmNotAllowed(
                    alg.name().into()
                )))
            );
            // Expired 600 seconds after NOW.
            assert_eq!(
                jose_jwt::decode::<Claims>(
                    &t,
                    &full_validation(alg).max_age(1000).clock(|| NOW + 600),
                    &verifying(&jwk)
                ),
                Err(expired(NOW + 600, NOW + 600))
            );
        }
    }

    #[test]
    fn encrypt_round_trips() {
        for (alg, enc, curve) in [
            (Alg::RsaOaep256, Enc::A256Gcm, Curve::P256),
            (Alg::EcdhEsA256Kw, Enc::A128CbcHs256, Curve::P256),
            (Alg::EcdhEsA256Kw, Enc::A256Gcm, Curve::X25519),
        ] {
            let label = format!("{} {} {}", alg.name(), enc.name(), curve.name());
            let jwk = enc_key_for(alg, curve);
            let b = full();
            let t = b.encrypt(&P, encryptor(&jwk, alg).as_ref(), enc).unwrap();
            assert_eq!(t.split('.').count(), 5, "{label}");
            let decryption = Decryption::new(&[alg], &[enc]).unwrap();
            let jwt = danger::decode_encrypted_unauthenticated::<Claims>(
                &t,
                &P,
                &decryption,
                &decrypting(&jwk),
                full_validation(JwsAlgorithm::Hs256).claims(),
            )
            .unwrap_or_else(|e| panic!("{label}: {e}"));
            assert_eq!(jwt.claims, *b.claims(), "{label}");
            assert_eq!(jwt.header.alg, Some(Algorithm::KeyManagement(alg)));
            assert_eq!(jwt.header.enc, Some(enc));
            assert_eq!(jwt.header.typ.as_deref(), Some("JWT"));
            assert_eq!(jwt.header.cty, None);
            // typ is checked on the JWE header.
            assert_eq!(
                danger::decode_encrypted_unauthenticated::<Claims>(
                    &t,
                    &P,
                    &decryption,
                    &decrypting(&jwk),
                    full_validation(JwsAlgorithm::Hs256).typ("at+jwt").claims()
                ),
                Err(Error::InvalidClaim(InvalidClaim::Type("JWT".into())))
            );
            // Another key of the same curve fails like any wrong key (the
            // RSA key is shared, so only for the curves).
            if alg != Alg::RsaOaep256 {
                let other = enc_key_for(alg, curve);
                assert_eq!(
                    danger::decode_encrypted_unauthenticated::<Claims>(
                        &t,
                        &P,
                        &decryption,
                        &decrypting(&other),
                        full_validation(JwsAlgorithm::Hs256).claims(),
                    ),
                    Err(Error::DecryptionFailed),
                    "{label}"
                );
            }
            // It is no nested token.
            assert_eq!(
                jose_jwt::decode_nested::<Claims>(
                    &t,
                    &P,
                    &decryption,
                    &decrypting(&jwk),
                    &full_validation(JwsAlgorithm::Hs256),
                    &verifying(hs_key())
                ),
                Err(malformed(
                    "header \"cty\"",
                    MalformedReason::Invalid("must be \"JWT\" for a nested token")
                ))
            );
        }
    }

    #[test]
    fn sign_then_encrypt_round_trips() {
        for (sig_alg, alg, enc, curve) in [
            (
                JwsAlgorithm::Hs256,
                Alg::RsaOaep256,
                Enc::A256Gcm,
                Curve::P256,
            ),
            (
                JwsAlgorithm::Rs256,
                Alg::EcdhEsA256Kw,
                Enc::A128CbcHs256,
                Curve::P256,
            ),
            (
                JwsAlgorithm::Es256,
                Alg::EcdhEsA256Kw,
                Enc::A256Gcm,
                Curve::X25519,
            ),
            (
                JwsAlgorithm::EdDsa,
                Alg::RsaOaep256,
                Enc::A256CbcHs512,
                Curve::P256,
            ),
        ] {
            let label = format!("{} in {} {}", sig_alg.name(), alg.name(), enc.name());
            let sig_jwk = key_for(sig_alg);
            let enc_jwk = enc_key_for(alg, curve);
            let b = full().typ("at+jwt");
            let t = b
                .sign_then_encrypt(
                    signer(&sig_jwk, sig_alg).as_ref(),
                    &P,
                    encryptor(&enc_jwk, alg).as_ref(),
                    enc,
                )
                .unwrap();
            let decryption = Decryption::new(&[alg], &[enc]).unwrap();
            let validation = full_validation(sig_alg).typ("at+jwt");
            let jwt = jose_jwt::decode_nested::<Claims>(
                &t,
                &P,
                &decryption,
                &decrypting(&enc_jwk),
                &validation,
                &verifying(&sig_jwk),
            )
            .unwrap_or_else(|e| panic!("{label}: {e}"));
            assert_eq!(jwt.claims, *b.claims(), "{label}");
            // The header is the inner JWS's.
            assert_eq!(jwt.header.alg, Some(Algorithm::Signature(sig_alg)));
            assert_eq!(jwt.header.typ.as_deref(), Some("at+jwt"));
            // The outer JWE: cty JWT, and the plaintext is the signed JWT.
            let opened = decryption.decrypt(&P, &t, &decrypting(&enc_jwk)).unwrap();
            assert_eq!(opened.protected.cty.as_deref(), Some("JWT"), "{label}");
            assert_eq!((opened.alg, opened.enc), (alg, enc));
            let inner = std::str::from_utf8(&opened.plaintext).unwrap();
            assert_eq!(inner.split('.').count(), 3);
            assert_eq!(
                jose_jwt::decode::<Claims>(inner, &validation, &verifying(&sig_jwk))
                    .unwrap()
                    .claims,
                *b.claims()
            );
            // A wrong signature key (the RSA key is shared: an EC key for
            // RS256, which cannot verify it at all).
            let (wrong, error) = if sig_alg == JwsAlgorithm::Rs256 {
                (
                    key_for(JwsAlgorithm::Es256),
                    Error::Policy(Policy::NoMatchingKey),
                )
            } else {
                (key_for(sig_alg), Error::BadSignature)
            };
            assert_eq!(
                jose_jwt::decode_nested::<Claims>(
                    &t,
                    &P,
                    &decryption,
                    &decrypting(&enc_jwk),
                    &validation,
                    &verifying(&wrong),
                ),
                Err(error),
                "{label}"
            );
        }
    }

    #[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
    struct Access {
        scope: String,
        roles: Vec<String>,
        #[serde(rename = "http://example.com/is_root")]
        is_root: bool,
    }

    #[test]
    fn encode_decode_one_call() {
        let claims = Claims {
            iss: Some("https://issuer.example".into()),
            sub: Some("alice".into()),
            aud: Some(Audience::Many(vec![
                "https://api.example".into(),
                "https://admin.example".into(),
            ])),
            exp: Some(NumericDate::from_secs(NOW + 60)),
            nbf: Some(NumericDate::from_secs(NOW)),
            iat: Some(NumericDate::from_secs(NOW)),
            jti: Some("id-7".into()),
            custom: Access {
                scope: "orders:read".into(),
                roles: vec!["reader".into(), "auditor".into()],
                is_root: false,
            },
        };
        for alg in [
            JwsAlgorithm::Hs256,
            JwsAlgorithm::Es256,
            JwsAlgorithm::EdDsa,
        ] {
            let jwk = key_for(alg);
            let token = jose_jwt::encode(&claims, signer(&jwk, alg).as_ref()).unwrap();
            let v = Validation::new(&[alg])
                .unwrap()
                .audience("https://admin.example")
                .typ("JWT")
                .clock(|| NOW);
            let jwt = jose_jwt::decode::<Claims<Access>>(&token, &v, &verifying(&jwk)).unwrap();
            assert_eq!(jwt.claims, claims);
            assert_eq!(jwt.header.typ.as_deref(), Some("JWT"));
            assert_eq!(jwt.header.alg, Some(Algorithm::Signature(alg)));
            // The same token into the default object.
            let obj = jose_jwt::decode::<Claims>(&token, &v, &verifying(&jwk)).unwrap();
            assert_eq!(
                Value::Object(obj.claims.custom),
                json!({"scope": "orders:read", "roles": ["reader", "auditor"],
                       "http://example.com/is_root": false})
            );
            // The builder reads what encode wrote.
            let seen = danger::decode_unverified(&token).unwrap();
            let rebuilt = JwtBuilder::from_object(seen.claims).unwrap();
            assert_eq!(rebuilt.claims().exp, claims.exp);
            assert_eq!(rebuilt.claims().aud, claims.aud);
        }
        // Claims whose custom part is not a map.
        let hs256 = signer(hs_key(), JwsAlgorithm::Hs256);
        let not_an_object = Err(Error::ApiMisuse(
            "the claims must serialize to a JSON object",
        ));
        assert_eq!(
            jose_jwt::encode(&Claims::new(5u8), hs256.as_ref()),
            not_an_object
        );
        assert_eq!(
            jose_jwt::encode(&Claims::new(vec!["a"]), hs256.as_ref()),
            not_an_object
        );
        // The default object, empty.
        let t = jose_jwt::encode(&Claims::<Object>::default(), hs256.as_ref()).unwrap();
        assert_eq!(danger::decode_unverified(&t).unwrap().claims, Object::new());
    }

    #[test]
    fn decode_unverified_reads_without_checking() {
        let b = full().typ("at+jwt");
        let t = b
            .sign(signer(hs_key(), JwsAlgorithm::Hs256).as_ref())
            .unwrap();
        let seen = danger::decode_unverified(&t).unwrap();
        assert_eq!(seen.header.typ.as_deref(), Some("at+jwt"));
        assert_eq!(
            seen.header.alg,
            Some(Algorithm::Signature(JwsAlgorithm::Hs256))
        );
        assert_eq!(seen.claims["sub"], "alice");
        assert_eq!(seen.claims["exp"], NOW + 600);
        // Nothing is checked: a broken signature, an expired token.
        let parts: Vec<&str> = t.split('.').collect();
        let broken = format!("{}.{}.AAAA", parts[0], parts[1]);
        assert_eq!(danger::decode_unverified(&broken).unwrap(), seen);
        let old = token(&json!({"exp": 1, "iss": "x"}));
        assert_eq!(
            Value::Object(danger::decode_unverified(&old).unwrap().claims),
            json!({"exp": 1, "iss": "x"})
        );
        // Wrong claim types are only seen, not judged.
        let odd = token(&json!({"exp": "soon"}));
        assert_eq!(
            danger::decode_unverified(&odd).unwrap().claims["exp"],
            "soon"
        );
        // The RFC 7519 example.
        let v = vector("rfc7519/3.1.json");
        let seen = danger::decode_unverified(str_at(&v, "/expected/compact")).unwrap();
        assert_eq!(Value::Object(seen.claims), v["claims"]);
        assert_eq!(seen.header.typ.as_deref(), Some("JWT"));
        // Not a JWT.
        let hs256 = signer(hs_key(), JwsAlgorithm::Hs256);
        let detached = JwsBuilder::new(b"{}")
            .detached()
            .compact(hs256.as_ref())
            .unwrap();
        assert_eq!(
            danger::decode_unverified(&detached),
            Err(malformed("jwt payload", MalformedReason::Missing))
        );
        assert_eq!(
            danger::decode_unverified(&sign_payload(b"[]", None)),
            Err(malformed("jwt claims", MalformedReason::NotAnObject))
        );
        let jwe = full()
            .encrypt(
                &P,
                encryptor(
                    &enc_key_for(Alg::EcdhEsA256Kw, Curve::P256),
                    Alg::EcdhEsA256Kw,
                )
                .as_ref(),
                Enc::A256Gcm,
            )
            .unwrap();
        for not_a_jws in [jwe.as_str(), "a.b"] {
            assert_eq!(
                danger::decode_unverified(not_a_jws),
                Err(malformed(
                    "compact serialization",
                    MalformedReason::Invalid("must have exactly three parts separated by '.'")
                ))
            );
        }
    }

    #[test]
    fn from_object_takes_a_claims_set() {
        let b = JwtBuilder::from_object(object(json!({
            "iss": "i", "aud": ["a"], "exp": NOW + 1, "nbf": 1.5, "x": {"y": [1]}
        })))
        .unwrap();
        let c = b.claims();
        assert_eq!(c.iss.as_deref(), Some("i"));
        assert_eq!(c.aud, Some(Audience::Many(vec!["a".into()])));
        assert_eq!(c.exp, Some(NumericDate::from_secs(NOW + 1)));
        assert_eq!(c.nbf, Some(NumericDate::from_f64("nbf", 1.5).unwrap()));
        assert_eq!(Value::Object(c.custom.clone()), json!({"x": {"y": [1]}}));
        let t = b
            .sign(signer(hs_key(), JwsAlgorithm::Hs256).as_ref())
            .unwrap();
        assert_eq!(check(&t, &at(NOW).audience("a")).unwrap().claims, *c);
    }

    #[test]
    fn numeric_date_and_audience() {
        let d = NumericDate::from_secs(NOW);
        assert_eq!(d.as_secs(), NOW);
        assert_eq!(d, NumericDate::from_f64("exp", 1_700_000_000.0).unwrap());
        assert_eq!(NumericDate::from_f64("exp", -1.5).unwrap().as_secs(), -2);
        assert_eq!(NumericDate::from_f64("exp", 2.999).unwrap().as_secs(), 2);
        for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            assert_eq!(
                NumericDate::from_f64("nbf", bad),
                Err(wrong_type("nbf", "a finite number"))
            );
        }
        assert!(NumericDate::from_secs(1) < NumericDate::from_f64("x", 1.5).unwrap());
        assert_eq!(serde_json::to_string(&d).unwrap(), "1700000000");
        assert_eq!(
            serde_json::to_string(&NumericDate::from_f64("exp", 1.5).unwrap()).unwrap(),
            "1.5"
        );
        assert_eq!(
            serde_json::from_str::<NumericDate>("1700000000").unwrap(),
            d
        );
        assert_eq!(
            serde_json::from_str::<NumericDate>("-3").unwrap(),
            NumericDate::from_secs(-3)
        );
        assert!(serde_json::from_str::<NumericDate>("\"1700000000\"").is_err());
        assert!(serde_json::from_str::<NumericDate>("true").is_err());

        let one = Audience::One("a".into());
        let many = Audience::Many(vec!["a".into(), "b".into()]);
        assert_eq!(one.iter().collect::<Vec<_>>(), ["a"]);
        assert_eq!(many.iter().collect::<Vec<_>>(), ["a", "b"]);
        assert!(one.contains("a") && !one.contains("b"));
        assert!(many.contains("b") && !many.contains("c"));
        assert_eq!(serde_json::to_value(&one).unwrap(), json!("a"));
        assert_eq!(serde_json::to_value(&many).unwrap(), json!(["a", "b"]));
        assert_eq!(
            serde_json::from_value::<Audience>(json!(["a", "b"])).unwrap(),
            many
        );
        assert_eq!(Claims::<Object>::default(), Claims::new(Object::new()));
    }
}

// ---------------------------------------------------------------------------
// Library bugs found by these tests: each fails until the bug is fixed
// ---------------------------------------------------------------------------

mod bugs {
    use super::*;

    /// `JwtBuilder`'s doc says "header `typ` (default `JWT`)" and `new()`
    /// sets it, but the derived `Default` (builder.rs, `#[derive(Clone,
    /// Debug, Default)]` on `JwtBuilder`) leaves the header empty: tokens
    /// from `JwtBuilder::default()` carry no `typ`.
    #[test]
    fn builder_default_has_typ_jwt_like_new() {
        let hs256 = signer(hs_key(), JwsAlgorithm::Hs256);
        let t = JwtBuilder::default().sign(hs256.as_ref()).unwrap();
        assert_eq!(
            danger::decode_unverified(&t).unwrap().header.typ.as_deref(),
            Some("JWT")
        );
    }

    /// `encode` serializes `Claims<Object>` without checking it: custom
    /// members named like registered claims override the typed fields and
    /// are emitted with any JSON type, so `encode` issues a token with
    /// `"exp":"never"` (the typed `exp` lost) that `decode` then refuses.
    /// `JwtBuilder::from_object` runs the type check; `encode` should too.
    /// (Since claims are any `Serialize` type, the custom `exp` beside the
    /// typed one is refused as the duplicate member it is; a flat struct
    /// with a string `exp` as a claim of the wrong type.)
    #[test]
    fn encode_refuses_registered_claims_of_the_wrong_type() {
        let claims = Claims {
            exp: Some(NumericDate::from_secs(NOW + 60)),
            ..Claims::new(object(json!({"exp": "never"})))
        };
        let hs256 = signer(hs_key(), JwsAlgorithm::Hs256);
        assert_eq!(
            jose_jwt::encode(&claims, hs256.as_ref()),
            Err(Error::malformed(
                "jwt claims",
                MalformedReason::DuplicateMember("exp".into())
            ))
        );
        #[derive(serde::Serialize)]
        struct Flat {
            sub: &'static str,
            exp: &'static str,
        }
        assert_eq!(
            jose_jwt::encode(
                &Flat {
                    sub: "a",
                    exp: "never"
                },
                hs256.as_ref()
            ),
            Err(wrong_type("exp", "a number (NumericDate)"))
        );
    }

    /// `JwtBuilder::claim` with a registered name and a value of the wrong
    /// type (builder.rs, `claim`: `if let Ok(rebuilt) = Self::from_object(obj)`)
    /// drops the value silently: `.expires_in(60).claim("exp", "never")`
    /// signs a token that still expires in 60 seconds, and
    /// `.claim("aud", [1])` leaves no `aud`. The error should surface (at
    /// `sign` at the latest), as `from_object` reports it.
    #[test]
    fn builder_claim_of_the_wrong_type_is_not_silently_dropped() {
        let hs256 = signer(hs_key(), JwsAlgorithm::Hs256);
        let b = JwtBuilder::new()
            .now(NOW)
            .expires_in(60)
            .claim("exp", "never");
        assert_eq!(
            b.sign(hs256.as_ref()),
            Err(wrong_type("exp", "a number (NumericDate)"))
        );
        let b = JwtBuilder::new().claim("aud", json!([1]));
        assert_eq!(
            b.sign(hs256.as_ref()),
            Err(wrong_type("aud", "a string or an array of strings"))
        );
    }

    /// RFC 7519 section 4.1.3: "If the principal processing the claim does
    /// not identify itself with a value in the "aud" claim when this claim
    /// is present, then the JWT MUST be rejected." A `Validation` without
    /// any audience accepts every token with an `aud` (validation.rs,
    /// `check_claims`: `if !self.audiences.is_empty()`), so a token meant
    /// for another service is accepted.
    #[test]
    fn aud_present_but_no_audience_configured_is_rejected() {
        let t = token(&json!({"exp": NOW + 60, "aud": "https://other-service.example"}));
        assert_eq!(
            check(&t, &at(NOW)),
            Err(Error::InvalidClaim(InvalidClaim::Audience))
        );
    }

    /// `decode` accepts the JWS JSON serializations, but tells a JWE from
    /// a JWS by the substring `"ciphertext"` anywhere in the text (lib.rs,
    /// `looks_like_jwe`): a valid flattened JWS whose unprotected header
    /// holds the string value "ciphertext" is refused as "is a JWE".
    #[test]
    fn jws_json_mentioning_ciphertext_is_not_taken_for_a_jwe() {
        let hs256 = signer(hs_key(), JwsAlgorithm::Hs256);
        let mut protected = Header::new();
        protected.typ = Some("JWT".into());
        let mut unprotected = Header::new();
        unprotected.set_member("note", json!("ciphertext")).unwrap();
        let payload = json!({"exp": NOW + 60}).to_string();
        let spec = || SignatureSpec::new(hs256.as_ref()).protected(protected.clone());
        // Without the note it decodes.
        let plain = JwsBuilder::new(payload.as_bytes())
            .flattened(spec())
            .unwrap();
        assert!(check(&plain, &at(NOW).accept_json_serialization()).is_ok());
        let noted = JwsBuilder::new(payload.as_bytes())
            .flattened(spec().unprotected(unprotected))
            .unwrap();
        assert_eq!(
            check(&noted, &at(NOW).accept_json_serialization()).map(|jwt| jwt.claims.exp),
            Ok(Some(NumericDate::from_secs(NOW + 60)))
        );
    }
}

// ---------------------------------------------------------------------------
// Property tests
// ---------------------------------------------------------------------------

mod properties {
    use super::*;
    use proptest::collection::vec;
    use proptest::prelude::*;

    /// Member names: mostly the registered ones, so that their checks run.
    fn name() -> impl Strategy<Value = String> {
        prop_oneof![
            3 => "(iss|sub|aud|exp|nbf|iat|jti)",
            1 => "[a-z]{1,6}",
            1 => "[ -~]{0,8}",
        ]
    }

    fn json_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(|n| json!(n)),
            any::<u64>().prop_map(|n| json!(n)),
            (NOW - 1000..NOW + 1000).prop_map(|n| json!(n)),
            any::<f64>().prop_filter_map("finite", |f| {
                serde_json::Number::from_f64(f).map(Value::Number)
            }),
            (-1e20f64..1e20).prop_map(|f| json!(f)),
            "[ -~]{0,12}".prop_map(Value::String),
            "\\PC{0,6}".prop_map(Value::String),
        ];
        leaf.prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                vec(inner.clone(), 0..4).prop_map(Value::Array),
                vec((name(), inner), 0..4)
                    .prop_map(|members| Value::Object(members.into_iter().collect())),
            ]
        })
    }

    fn has_float(v: &Value) -> bool {
        match v {
            Value::Number(n) => n.is_f64(),
            Value::Array(items) => items.iter().any(has_float),
            Value::Object(members) => members.values().any(has_float),
            _ => false,
        }
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Custom {
        scope: String,
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Random claims sets, signed through the builder, never panic in
        /// decode: a signed token with an allowed algorithm fails only on
        /// its dates (exp not required here), and keeps its custom claims.
        #[test]
        fn random_claims_never_panic_in_decode(
            members in vec((name(), json_value()), 0..8),
            now in NOW - 2000..NOW + 2000,
            leeway in 0u32..100,
        ) {
            let obj: Object = members.into_iter().collect();
            let hs256 = signer(hs_key(), JwsAlgorithm::Hs256);
            let Ok(builder) = JwtBuilder::from_object(obj.clone()) else {
                return Ok(());
            };
            let token = builder.sign(hs256.as_ref()).unwrap();
            let seen = danger::decode_unverified(&token).unwrap();
            for key in obj.keys() {
                prop_assert!(seen.claims.contains_key(key), "{key} lost");
            }
            let v = at(now).require_exp(false).leeway(leeway);
            match check(&token, &v) {
                Ok(jwt) => {
                    prop_assert_eq!(jwt.claims.custom.len(), builder.claims().custom.len());
                    // Values without floats come back exactly (serde_json
                    // parses floats to within one ulp only).
                    for (k, value) in &builder.claims().custom {
                        if !has_float(value) {
                            prop_assert_eq!(Some(value), jwt.claims.custom.get(k));
                        }
                    }
                }
                Err(Error::InvalidClaim(
                    InvalidClaim::Expired { .. } | InvalidClaim::NotYetValid { .. },
                )) => {}
                // Only once an unchecked aud is refused (see mod bugs).
                Err(Error::InvalidClaim(InvalidClaim::Audience)) if obj.contains_key("aud") => {}
                Err(e) => prop_assert!(false, "unexpected error {e:?}"),
            }
            // With every check configured, and into a struct: no panic.
            let strict = at(now)
                .issuer("i")
                .audience("a")
                .subject("s")
                .require("jti")
                .max_age(10)
                .reject_iat_in_future()
                .typ("JWT");
            let _ = check(&token, &strict);
            let _ = jose_jwt::decode::<Claims<Custom>>(&token, &strict, &verifying(hs_key()));
        }

        /// Any JSON value as the payload of a signed token: no panic, and
        /// anything but an object is malformed.
        #[test]
        fn random_json_payloads_never_panic_in_decode(value in json_value()) {
            let token = sign_payload(value.to_string().as_bytes(), Some("JWT"));
            let result = check(&token, &at(NOW).require_exp(false));
            if !value.is_object() {
                prop_assert_eq!(
                    result,
                    Err(malformed("jwt claims", MalformedReason::NotAnObject))
                );
            }
            let _ = danger::decode_unverified(&token);
        }

        /// Random bytes as the payload: no panic.
        #[test]
        fn random_payload_bytes_never_panic_in_decode(bytes in vec(any::<u8>(), 0..200)) {
            let token = sign_payload(&bytes, None);
            let _ = check(&token, &at(NOW));
            let _ = danger::decode_unverified(&token);
        }
    }
}

/// Claims as `jsonwebtoken` users write them: a flat struct of their own,
/// while validation reads the registered claims from the token itself.
mod flat_claims {
    use super::*;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Flat {
        sub: String,
        exp: u64,
        company: String,
    }

    fn flat(exp: u64) -> Flat {
        Flat {
            sub: "b@b.com".into(),
            exp,
            company: "ACME".into(),
        }
    }

    fn encode(claims: &impl Serialize) -> String {
        jose_jwt::encode(claims, &signer(hs_key(), JwsAlgorithm::Hs256)).unwrap()
    }

    fn decode<T: serde::de::DeserializeOwned>(
        token: &str,
        validation: &Validation,
    ) -> Result<Jwt<T>, Error> {
        jose_jwt::decode::<T>(token, validation, &verifying(hs_key()))
    }

    #[test]
    fn a_flat_struct_round_trips() {
        let token = encode(&flat(1_700_000_100));
        let jwt = decode::<Flat>(&token, &at(NOW)).unwrap();
        assert_eq!(jwt.claims, flat(1_700_000_100));
        assert_eq!(jwt.header.typ.as_deref(), Some("JWT"));
        // The same token read with typed registered claims.
        let typed = decode::<Claims>(&token, &at(NOW)).unwrap();
        assert_eq!(typed.claims.sub.as_deref(), Some("b@b.com"));
        assert_eq!(
            typed.claims.exp,
            Some(NumericDate::from_secs(1_700_000_100))
        );
        assert_eq!(typed.claims.custom["company"], "ACME");
    }

    #[test]
    fn validation_reads_the_token_not_the_struct() {
        // Expired, though `Flat` knows nothing of validation.
        let token = encode(&flat(1_699_999_999));
        assert_eq!(
            decode::<Flat>(&token, &at(NOW)).unwrap_err(),
            expired(1_699_999_999, NOW)
        );
        // iss and aud are checked from the token even when the struct has
        // no such field (serde ignores members the struct does not name).
        let token = token_with(json!({
            "sub": "b@b.com", "exp": NOW + 60, "company": "ACME",
            "iss": "https://issuer.example", "aud": ["api", "other"]
        }));
        let ok = at(NOW).issuer("https://issuer.example").audience("api");
        assert_eq!(decode::<Flat>(&token, &ok).unwrap().claims.company, "ACME");
        assert_eq!(
            decode::<Flat>(
                &token,
                &at(NOW).issuer("https://else.example").audience("api")
            )
            .unwrap_err(),
            Error::InvalidClaim(InvalidClaim::Issuer("https://issuer.example".into()))
        );
        assert_eq!(
            decode::<Flat>(&token, &at(NOW).audience("nobody")).unwrap_err(),
            Error::InvalidClaim(InvalidClaim::Audience)
        );
        // A registered claim of the wrong type is refused before the struct
        // is filled.
        let token = token_with(json!({"sub": "b@b.com", "exp": "soon", "company": "ACME"}));
        assert_eq!(
            decode::<Flat>(&token, &at(NOW)).unwrap_err(),
            wrong_type("exp", "a number (NumericDate)")
        );
    }

    #[test]
    fn a_token_that_does_not_fit_the_struct_is_refused() {
        let token = token_with(json!({"sub": "b@b.com", "exp": NOW + 60}));
        assert_eq!(
            decode::<Flat>(&token, &at(NOW)).unwrap_err(),
            claims_type_mismatch()
        );
    }

    fn token_with(claims: Value) -> String {
        token(&claims)
    }
}

// ---------------------------------------------------------------------------
// RFC 8725bis: compact only, and who could have made an encrypted token
// ---------------------------------------------------------------------------

mod rfc8725bis {
    use super::*;

    /// RFC 8725bis "JWT format confusion": a JWS in a JSON serialization
    /// carries unprotected headers and possibly several signatures, and
    /// code that reads its `payload` member directly sees claims no
    /// signature checked. A JWT is compact (RFC 7519 section 7.2): the JSON
    /// forms are refused unless the caller accepts them.
    #[test]
    fn jwt_in_a_json_serialization_is_refused_by_default() {
        let hs256 = signer(hs_key(), JwsAlgorithm::Hs256);
        let payload = json!({"exp": NOW + 60}).to_string();
        let builder = JwsBuilder::new(payload.as_bytes());
        let flattened = builder
            .flattened(SignatureSpec::new(hs256.as_ref()))
            .unwrap();
        let general = builder
            .general(&[SignatureSpec::new(hs256.as_ref())])
            .unwrap();
        let compact = builder.compact(hs256.as_ref()).unwrap();
        for token in [&flattened, &general, &format!("  \n{flattened}")] {
            assert_eq!(
                check(token, &at(NOW)),
                Err(Error::Policy(Policy::NotCompact)),
                "{token}"
            );
            assert!(check(token, &at(NOW).accept_json_serialization()).is_ok());
        }
        assert!(check(&compact, &at(NOW)).is_ok());

        // The JWE JSON serializations too, for nested and encrypted tokens.
        let kw = enc_key_for(Alg::A256Kw, Curve::P256);
        let e = encryptor(&kw, Alg::A256Kw);
        let decryption = Decryption::new(&[Alg::A256Kw], &[Enc::A256Gcm]).unwrap();
        let as_json = JweBuilder::new(payload.as_bytes(), Enc::A256Gcm)
            .flattened(&P, jose_jwe::Recipient::new(e.as_ref()))
            .unwrap();
        let open = |checks: &jose_jwt::ClaimsValidation| {
            jose_jwt::decode_encrypted::<Claims>(&as_json, &P, &decryption, &decrypting(&kw), checks)
        };
        assert_eq!(
            open(at(NOW).claims()),
            Err(Error::Policy(Policy::NotCompact))
        );
        assert!(open(at(NOW).accept_json_serialization().claims()).is_ok());
        let nested_json = JweBuilder::new(compact.as_bytes(), Enc::A256Gcm)
            .protected(header_with_cty_jwt())
            .flattened(&P, jose_jwe::Recipient::new(e.as_ref()))
            .unwrap();
        let nested = |v: &Validation| {
            jose_jwt::decode_nested::<Claims>(
                &nested_json,
                &P,
                &decryption,
                &decrypting(&kw),
                v,
                &verifying(hs_key()),
            )
        };
        assert_eq!(nested(&at(NOW)), Err(Error::Policy(Policy::NotCompact)));
        assert!(nested(&at(NOW).accept_json_serialization()).is_ok());
    }

    fn header_with_cty_jwt() -> Header {
        let mut h = Header::new();
        h.cty = Some("JWT".into());
        h
    }

    /// Anyone who has a recipient's public key can encrypt claims to it
    /// with RSA-OAEP or ECDH-ES, so an encrypted-only token says nothing
    /// about its author. `decode_encrypted` takes shared-key algorithms
    /// only (whose senders hold the secret); public-key ones need
    /// `decode_nested` or the danger function.
    #[test]
    fn decode_encrypted_takes_shared_key_algorithms_only() {
        let b = JwtBuilder::new().issuer("me").now(NOW).expires_in(60);
        let checks = || at(NOW).claims().clone();
        for alg in [Alg::A256Kw, Alg::A128GcmKw, Alg::Dir, Alg::Pbes2Hs256A128Kw] {
            let enc = Enc::A256Gcm;
            let jwk = match alg {
                Alg::Dir => P.generate(KeySpec::from(alg).enc(enc)).unwrap(),
                _ => enc_key_for(alg, Curve::P256),
            };
            let token = b.encrypt(&P, encryptor(&jwk, alg).as_ref(), enc).unwrap();
            let decryption = Decryption::new(&[alg], &[enc]).unwrap();
            let jwt = jose_jwt::decode_encrypted::<Claims>(
                &token,
                &P,
                &decryption,
                &decrypting(&jwk),
                &checks(),
            )
            .unwrap_or_else(|e| panic!("{alg}: {e}"));
            assert_eq!(jwt.claims.iss.as_deref(), Some("me"));
        }
        for alg in [Alg::RsaOaep256, Alg::EcdhEs, Alg::EcdhEsA128Kw] {
            let jwk = enc_key_for(alg, Curve::P256);
            let token = b
                .encrypt(&P, encryptor(&jwk, alg).as_ref(), Enc::A256Gcm)
                .unwrap();
            // Allowed alone, or beside a shared-key algorithm: refused.
            for algs in [&[alg][..], &[Alg::A256Kw, alg]] {
                let decryption = Decryption::new(algs, &[Enc::A256Gcm]).unwrap();
                assert_err!(
                    jose_jwt::decode_encrypted::<Claims>(
                        &token,
                        &P,
                        &decryption,
                        &decrypting(&jwk),
                        &checks()
                    ),
                    Error::ApiMisuse(_)
                );
            }
            let decryption = Decryption::new(&[alg], &[Enc::A256Gcm]).unwrap();
            let jwt = danger::decode_encrypted_unauthenticated::<Claims>(
                &token,
                &P,
                &decryption,
                &decrypting(&jwk),
                &checks(),
            );
            assert!(jwt.is_ok(), "{alg}");
        }
    }
}
