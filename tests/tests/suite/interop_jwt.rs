//! JWT interop with an independent implementation: the `jose` package from
//! npm (`tests/interop/peer.mjs`: `SignJWT`, `jwtVerify`, and nested tokens
//! through `CompactEncrypt`/`compactDecrypt` with `cty: "JWT"`). Tokens
//! issued here pass the peer's checks and the peer's pass ours, with the
//! same expectations (issuer, audience, subject, typ, a fixed current
//! time); the two sides agree on every time boundary (exp, nbf, leeway,
//! maximum age, fractional dates), and refuse the same tokens.
//!
//! Needs Node.js and `npm ci` in `tests/interop` (`cargo xtask ci` runs it).
//! It fails, never skips, when the peer is missing.

// Helpers outside #[test] functions: clippy.toml's test allowances do not reach them.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::std_instead_of_core,
    clippy::alloc_instead_of_core
)]

use std::sync::OnceLock;

use jose_core::KeyShape;
use jose_core::{
    Algorithm, ContentEncryptionAlgorithm as Enc, Curve, Error, InvalidClaim, JwsAlgorithm,
    KeyManagementAlgorithm as Alg,
};
use jose_jwe::Decryption;
use jose_jwk::{Jwk, KeySpec};
use jose_jwt::{Audience, Claims, Jwt, JwtBuilder, NumericDate, Validation};
use super::PROVIDER;
use jose_tests::peer;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// The fixed "current time" both sides use.
const NOW: i64 = 1_800_000_000;
const ISS: &str = "https://issuer.example";
const AUD: &str = "https://api.example";
const OTHER_AUD: &str = "https://other.example";
const SUB: &str = "alice";
const TYP: &str = "at+jwt";

/// The signature algorithms of the round trips.
const ALGS: [JwsAlgorithm; 4] = [
    JwsAlgorithm::Hs256,
    JwsAlgorithm::Rs256,
    JwsAlgorithm::Es256,
    JwsAlgorithm::EdDsa,
];

fn rsa() -> &'static Jwk {
    static RSA: OnceLock<Jwk> = OnceLock::new();
    RSA.get_or_init(|| PROVIDER.generate(KeyShape::Rsa { bits: 2048 }).unwrap())
}

/// A private key for `alg`, with a kid (the shared RSA key for RS256).
fn key_for(alg: JwsAlgorithm) -> Jwk {
    let jwk = match KeySpec::from(alg).shape().unwrap() {
        KeyShape::Rsa { .. } => rsa().clone(),
        spec => PROVIDER.generate(spec).unwrap(),
    };
    jwk.with_kid(format!("kid-{}", alg.name()))
}

fn json_of(jwk: &Jwk) -> Value {
    serde_json::from_str(&jwk.to_json()).unwrap()
}

fn public_json(jwk: &Jwk) -> Value {
    json_of(&jwk.to_public().unwrap_or_else(|| jwk.clone()))
}

fn signer(jwk: &Jwk, alg: JwsAlgorithm) -> Box<dyn jose_core::Signer> {
    PROVIDER.signing_key(jwk).unwrap().signer(alg).unwrap()
}

fn verifying(jwk: &Jwk) -> std::sync::Arc<dyn jose_core::VerifyingKey> {
    PROVIDER
        .verifier(&jwk.to_public().unwrap_or_else(|| jwk.clone()))
        .unwrap()
}

/// The custom claims both sides issue.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
struct Access {
    scope: String,
    n: u32,
    ctx: Ctx,
    name: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
struct Ctx {
    ip: String,
    mfa: bool,
}

fn access() -> Access {
    Access {
        scope: "orders:read orders:write".into(),
        n: 42,
        ctx: Ctx {
            ip: "192.0.2.1".into(),
            mfa: true,
        },
        name: "Zo\u{eb} \u{2713}".into(),
    }
}

/// The full claims set, issued at `NOW`, valid for 600 seconds.
fn expected_claims() -> Claims<Access> {
    Claims {
        iss: Some(ISS.into()),
        sub: Some(SUB.into()),
        aud: Some(Audience::Many(vec![AUD.into(), OTHER_AUD.into()])),
        exp: Some(NumericDate::from_secs(NOW + 600)),
        nbf: Some(NumericDate::from_secs(NOW - 5)),
        iat: Some(NumericDate::from_secs(NOW)),
        jti: Some("id-1".into()),
        custom: access(),
    }
}

/// The same claims through the builder.
fn builder() -> JwtBuilder {
    let mut b = JwtBuilder::new()
        .issuer(ISS)
        .subject(SUB)
        .audience(AUD)
        .audience(OTHER_AUD)
        .jwt_id("id-1")
        .typ(TYP)
        .now(NOW)
        .issued_now()
        .not_before_in(-5)
        .expires_in(600);
    let Value::Object(custom) = serde_json::to_value(access()).unwrap() else {
        panic!("not an object");
    };
    for (name, value) in custom {
        b = b.claim(name, value);
    }
    b
}

/// The claims set as JSON.
fn claims_json() -> Value {
    serde_json::to_value(expected_claims()).unwrap()
}

/// What a verifier expects: issuer, audience, subject, typ, a fixed time.
#[derive(Clone, Debug)]
struct Expect {
    label: &'static str,
    now: i64,
    issuer: &'static str,
    audience: &'static str,
    typ: &'static str,
    /// `None` to accept, or the rejection: our error, and the peer's
    /// error code with the claim it names.
    reject: Option<(Error, &'static str)>,
}

/// The cases every token goes through on both sides.
fn expectations() -> Vec<Expect> {
    let ok = |label, now| Expect {
        label,
        now,
        issuer: ISS,
        audience: AUD,
        typ: TYP,
        reject: None,
    };
    vec![
        ok("valid", NOW + 100),
        ok("one second before exp", NOW + 599),
        ok("at nbf", NOW - 5),
        Expect {
            label: "other accepted audience",
            audience: OTHER_AUD,
            ..ok("", NOW)
        },
        Expect {
            label: "typ with application/ prefix",
            typ: "application/AT+JWT",
            ..ok("", NOW)
        },
        Expect {
            reject: Some((
                Error::InvalidClaim(InvalidClaim::Expired {
                    exp: NOW + 600,
                    now: NOW + 600,
                }),
                "ERR_JWT_EXPIRED: \"exp\"",
            )),
            ..ok("at exp: expired", NOW + 600)
        },
        Expect {
            reject: Some((
                Error::InvalidClaim(InvalidClaim::Expired {
                    exp: NOW + 600,
                    now: NOW + 3600,
                }),
                "ERR_JWT_EXPIRED: \"exp\"",
            )),
            ..ok("an hour later: expired", NOW + 3600)
        },
        Expect {
            reject: Some((
                Error::InvalidClaim(InvalidClaim::NotYetValid {
                    nbf: NOW - 5,
                    now: NOW - 6,
                }),
                "ERR_JWT_CLAIM_VALIDATION_FAILED: \"nbf\"",
            )),
            ..ok("before nbf", NOW - 6)
        },
        Expect {
            issuer: "https://eve.example",
            reject: Some((
                Error::InvalidClaim(InvalidClaim::Issuer(ISS.into())),
                "ERR_JWT_CLAIM_VALIDATION_FAILED: unexpected \"iss\"",
            )),
            ..ok("another issuer", NOW)
        },
        Expect {
            audience: "https://nobody.example",
            reject: Some((
                Error::InvalidClaim(InvalidClaim::Audience),
                "ERR_JWT_CLAIM_VALIDATION_FAILED: unexpected \"aud\"",
            )),
            ..ok("another audience", NOW)
        },
        Expect {
            typ: "JWT",
            reject: Some((
                Error::InvalidClaim(InvalidClaim::Type(TYP.into())),
                "ERR_JWT_CLAIM_VALIDATION_FAILED: unexpected \"typ\"",
            )),
            ..ok("another typ", NOW)
        },
    ]
}

/// Our validation for `e`.
fn validation(alg: JwsAlgorithm, e: &Expect) -> Validation {
    let now = e.now;
    Validation::new(&[alg])
        .unwrap()
        .issuer(e.issuer)
        .audience(e.audience)
        .subject(SUB)
        .typ(e.typ)
        .clock(move || now)
}

/// The peer's jwtVerify options for `e` (without op, token and key).
fn peer_options(alg: JwsAlgorithm, e: &Expect) -> Value {
    json!({
        "algs": [alg.name()], "issuer": e.issuer, "audience": e.audience,
        "subject": SUB, "typ": e.typ, "now": e.now,
    })
}

/// Merges the members of `extra` into the object `base`.
fn with(mut base: Value, extra: Value) -> Value {
    let (Value::Object(b), Value::Object(x)) = (&mut base, extra) else {
        panic!("not objects");
    };
    b.extend(x);
    base
}

/// Checks a peer answer against `e`: accepted with exactly `claims`, or
/// refused with the expected error.
fn check_peer(res: &Value, e: &Expect, claims: &Value, label: &str) {
    match &e.reject {
        None => {
            assert_eq!(res["ok"], true, "{label}: peer said {}", res["error"]);
            assert_eq!(&res["claims"], claims, "{label}");
        }
        Some((_, peer_error)) => {
            assert_eq!(res["ok"], false, "{label}: the peer accepted it");
            let error = res["error"].as_str().unwrap();
            assert!(
                error.starts_with(peer_error),
                "{label}: peer said {error}, expected {peer_error}"
            );
        }
    }
}

/// Checks our result against `e`.
fn check_ours<T: PartialEq + std::fmt::Debug>(
    got: &Result<Jwt<Claims<T>>, Error>,
    e: &Expect,
    claims: &Claims<T>,
    label: &str,
) {
    match (&e.reject, got) {
        (None, Ok(jwt)) => assert_eq!(&jwt.claims, claims, "{label}"),
        (Some((error, _)), Err(got)) => assert_eq!(got, error, "{label}"),
        (_, got) => panic!("{label}: got {got:?}, expected {:?}", e.reject),
    }
}

#[test]
fn jwts_issued_here_pass_the_npm_peer() {
    let mut requests = Vec::new();
    let mut labels = Vec::new();
    for alg in ALGS {
        let jwk = key_for(alg);
        let b = builder();
        assert_eq!(
            serde_json::to_value(b.claims()).unwrap(),
            claims_json(),
            "the builder and the struct agree"
        );
        let token = b.sign(signer(&jwk, alg).as_ref()).unwrap();
        for e in expectations() {
            // Our side, the same expectations.
            let ours =
                jose_jwt::decode::<Claims<Access>>(&token, &validation(alg, &e), &verifying(&jwk));
            let label = format!("{} {}", alg.name(), e.label);
            check_ours(&ours, &e, &expected_claims(), &label);
            requests.push(with(
                json!({"op": "jwt-verify", "jwk": public_json(&jwk), "token": token}),
                peer_options(alg, &e),
            ));
            labels.push((label, e, alg, jwk.kid().unwrap().to_owned(), TYP));
        }
        // The one-call encode, with typ "JWT".
        let token = jose_jwt::encode(&expected_claims(), signer(&jwk, alg).as_ref()).unwrap();
        let e = Expect {
            label: "encode, typ JWT",
            now: NOW + 1,
            issuer: ISS,
            audience: OTHER_AUD,
            typ: "JWT",
            reject: None,
        };
        check_ours(
            &jose_jwt::decode::<Claims<Access>>(&token, &validation(alg, &e), &verifying(&jwk)),
            &e,
            &expected_claims(),
            "encode",
        );
        requests.push(with(
            json!({"op": "jwt-verify", "jwk": public_json(&jwk), "token": token}),
            peer_options(alg, &e),
        ));
        labels.push((
            format!("{} {}", alg.name(), e.label),
            e,
            alg,
            jwk.kid().unwrap().to_owned(),
            "JWT",
        ));
    }
    let results = peer(&Value::Array(requests));
    assert_eq!(results.len(), labels.len());
    for ((label, e, alg, kid, typ), res) in labels.iter().zip(&results) {
        check_peer(res, e, &claims_json(), label);
        if e.reject.is_none() {
            assert_eq!(res["header"]["alg"], alg.name(), "{label}");
            assert_eq!(res["header"]["typ"], *typ, "{label}");
            assert_eq!(res["header"]["kid"], kid.as_str(), "{label}");
        }
    }
}

#[test]
fn jwts_issued_by_the_npm_peer_pass_decode() {
    let keys: Vec<Jwk> = ALGS.iter().map(|&alg| key_for(alg)).collect();
    let requests: Vec<Value> = ALGS
        .iter()
        .zip(&keys)
        .map(|(alg, jwk)| {
            json!({
                "op": "jwt-sign", "alg": alg.name(), "jwk": json_of(jwk), "claims": claims_json(),
                "header": {"typ": TYP, "kid": jwk.kid()},
            })
        })
        .collect();
    let results = peer(&Value::Array(requests));
    assert_eq!(results.len(), ALGS.len());
    let mut tokens = Vec::new();
    for ((alg, jwk), res) in ALGS.iter().zip(&keys).zip(&results) {
        assert_eq!(res["ok"], true, "{alg}: peer said {}", res["error"]);
        let token = res["token"].as_str().unwrap();
        for e in expectations() {
            let label = format!("{} {}", alg.name(), e.label);
            let v = validation(*alg, &e);
            let got = jose_jwt::decode::<Claims<Access>>(token, &v, &verifying(jwk));
            check_ours(&got, &e, &expected_claims(), &label);
            if let Ok(jwt) = &got {
                assert_eq!(jwt.header.alg, Some(Algorithm::Signature(*alg)));
                assert_eq!(jwt.header.typ.as_deref(), Some(TYP));
                assert_eq!(jwt.header.kid.as_deref(), jwk.kid());
            }
            // Into the default object too.
            let got = jose_jwt::decode::<Claims>(token, &v, &verifying(jwk));
            match (&e.reject, got) {
                (None, Ok(jwt)) => assert_eq!(
                    serde_json::to_value(&jwt.claims).unwrap(),
                    claims_json(),
                    "{label}"
                ),
                (Some((error, _)), Err(got)) => assert_eq!(&got, error, "{label}"),
                (_, got) => panic!("{label}: {got:?}"),
            }
        }
        tokens.push((token.to_owned(), *alg, jwk.clone()));
    }
    // The peer's own verifier agrees on its tokens.
    let mut requests = Vec::new();
    let mut cases = Vec::new();
    for (token, alg, jwk) in &tokens {
        for e in expectations() {
            requests.push(with(
                json!({"op": "jwt-verify", "jwk": public_json(jwk), "token": token}),
                peer_options(*alg, &e),
            ));
            cases.push((format!("peer {} {}", alg.name(), e.label), e));
        }
    }
    let results = peer(&Value::Array(requests));
    for ((label, e), res) in cases.iter().zip(&results) {
        check_peer(res, e, &claims_json(), label);
    }
}

/// Nested JWTs (RFC 7519 section 5.2): ES256 inside ECDH-ES+A256KW with
/// A256GCM, cty "JWT", on P-256 and X25519, both directions.
#[test]
fn nested_jwts_interoperate_both_ways() {
    let sig = key_for(JwsAlgorithm::Es256);
    let curves = [Curve::P256, Curve::X25519];
    let enc_keys: Vec<Jwk> = curves
        .iter()
        .map(|&c| {
            PROVIDER
                .generate(KeyShape::Curve(c))
                .unwrap()
                .with_kid(format!("enc-{}", c.name()))
        })
        .collect();
    let decryption = Decryption::new(&[Alg::EcdhEsA256Kw], &[Enc::A256Gcm]).unwrap();
    let verify_options = |e: &Expect| {
        with(
            json!({"jwk": public_json(&sig)}),
            peer_options(JwsAlgorithm::Es256, e),
        )
    };
    let decrypt_options =
        |jwk: &Jwk| json!({"algs": ["ECDH-ES+A256KW"], "encs": ["A256GCM"], "jwk": json_of(jwk)});

    // Issued here, opened by the peer; and the peer issues one per key.
    let mut requests = Vec::new();
    let mut cases = Vec::new();
    for (curve, enc_jwk) in curves.iter().zip(&enc_keys) {
        let encryptor = PROVIDER
            .encrypting_key(&enc_jwk.to_public().unwrap())
            .unwrap()
            .key_encryptor(Alg::EcdhEsA256Kw)
            .unwrap();
        let token = builder()
            .sign_then_encrypt(
                signer(&sig, JwsAlgorithm::Es256).as_ref(),
                &PROVIDER,
                encryptor.as_ref(),
                Enc::A256Gcm,
            )
            .unwrap();
        assert_eq!(token.split('.').count(), 5);
        for e in expectations() {
            let label = format!("here {} {}", curve.name(), e.label);
            let ours = jose_jwt::decode_nested::<Claims<Access>>(
                &token,
                &PROVIDER,
                &decryption,
                &PROVIDER.decryptor(enc_jwk).unwrap(),
                &validation(JwsAlgorithm::Es256, &e),
                &verifying(&sig),
            );
            check_ours(&ours, &e, &expected_claims(), &label);
            requests.push(json!({
                "op": "jwt-nested-decrypt", "token": token,
                "decrypt": decrypt_options(enc_jwk), "verify": verify_options(&e),
            }));
            cases.push((label, e));
        }
        requests.push(json!({
            "op": "jwt-nested-encrypt", "claims": claims_json(),
            "header": {"typ": TYP, "kid": sig.kid()},
            "sign": {"alg": "ES256", "jwk": json_of(&sig)},
            "encrypt": {"alg": "ECDH-ES+A256KW", "enc": "A256GCM", "jwk": public_json(enc_jwk)},
        }));
        cases.push((
            format!("peer encrypts {}", curve.name()),
            expectations()[0].clone(),
        ));
    }
    let results = peer(&Value::Array(requests));
    assert_eq!(results.len(), cases.len());
    let mut peer_tokens = Vec::new();
    for ((label, e), res) in cases.iter().zip(&results) {
        if label.starts_with("peer encrypts") {
            assert_eq!(res["ok"], true, "{label}: peer said {}", res["error"]);
            peer_tokens.push(res["token"].as_str().unwrap().to_owned());
            continue;
        }
        check_peer(res, e, &claims_json(), label);
        if e.reject.is_none() {
            assert_eq!(res["outer_header"]["cty"], "JWT", "{label}");
            assert_eq!(res["outer_header"]["alg"], "ECDH-ES+A256KW", "{label}");
            assert_eq!(res["outer_header"]["enc"], "A256GCM", "{label}");
            assert_eq!(res["header"]["alg"], "ES256", "{label}");
            assert_eq!(res["header"]["typ"], TYP, "{label}");
        }
    }

    // Issued by the peer, opened here.
    assert_eq!(peer_tokens.len(), enc_keys.len());
    for ((curve, enc_jwk), token) in curves.iter().zip(&enc_keys).zip(&peer_tokens) {
        let opened = decryption
            .decrypt(&PROVIDER, token, &PROVIDER.decryptor(enc_jwk).unwrap())
            .unwrap();
        assert_eq!(opened.protected.cty.as_deref(), Some("JWT"));
        for e in expectations() {
            let label = format!("peer {} {}", curve.name(), e.label);
            let got = jose_jwt::decode_nested::<Claims<Access>>(
                token,
                &PROVIDER,
                &decryption,
                &PROVIDER.decryptor(enc_jwk).unwrap(),
                &validation(JwsAlgorithm::Es256, &e),
                &verifying(&sig),
            );
            check_ours(&got, &e, &expected_claims(), &label);
            if let Ok(jwt) = got {
                assert_eq!(
                    jwt.header.alg,
                    Some(Algorithm::Signature(JwsAlgorithm::Es256))
                );
                assert_eq!(jwt.header.typ.as_deref(), Some(TYP));
                assert_eq!(jwt.header.kid.as_deref(), sig.kid());
            }
        }
        // The other curve's key does not open it.
        let other = &enc_keys[usize::from(*curve == Curve::P256)];
        assert_eq!(
            jose_jwt::decode_nested::<Claims<Access>>(
                token,
                &PROVIDER,
                &decryption,
                &PROVIDER.decryptor(other).unwrap(),
                &validation(JwsAlgorithm::Es256, &expectations()[0]),
                &verifying(&sig),
            ),
            Err(Error::malformed(
                "header \"epk\"",
                jose_core::MalformedReason::Invalid("is not a key on the recipient's curve")
            ))
        );
    }
}

/// Which check refuses a token at a time boundary.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Outcome {
    Valid,
    Expired,
    NotYetValid,
    TooOld,
}

/// One time boundary: the token's dates and the verifier's time, leeway
/// and maximum age.
struct Boundary {
    exp: f64,
    nbf: Option<i64>,
    iat: Option<i64>,
    now: i64,
    leeway: u32,
    max_age: Option<u32>,
    outcome: Outcome,
}

#[allow(clippy::cast_precision_loss)]
fn boundaries() -> Vec<Boundary> {
    let at = |exp: i64, now: i64, leeway: u32, outcome| Boundary {
        exp: exp as f64,
        nbf: None,
        iat: None,
        now,
        leeway,
        max_age: None,
        outcome,
    };
    let nbf = |nbf: i64, now: i64, leeway: u32, outcome| Boundary {
        nbf: Some(nbf),
        ..at(NOW + 3600, now, leeway, outcome)
    };
    let age = |iat: i64, max_age: u32, leeway: u32, outcome| Boundary {
        iat: Some(iat),
        max_age: Some(max_age),
        ..at(NOW + 3600, NOW, leeway, outcome)
    };
    let frac = |exp: f64, now: i64, outcome| Boundary {
        exp,
        ..at(0, now, 0, outcome)
    };
    vec![
        at(NOW, NOW - 1, 0, Outcome::Valid),
        at(NOW, NOW, 0, Outcome::Expired),
        at(NOW, NOW + 1, 0, Outcome::Expired),
        at(NOW, NOW + 5, 6, Outcome::Valid),
        at(NOW, NOW + 5, 5, Outcome::Expired),
        at(NOW - 100, NOW, 0, Outcome::Expired),
        frac(NOW as f64 + 0.5, NOW, Outcome::Valid),
        frac(NOW as f64 + 0.5, NOW + 1, Outcome::Expired),
        frac(NOW as f64 - 0.5, NOW, Outcome::Expired),
        nbf(NOW + 1, NOW, 0, Outcome::NotYetValid),
        nbf(NOW, NOW, 0, Outcome::Valid),
        nbf(NOW + 10, NOW, 10, Outcome::Valid),
        nbf(NOW + 10, NOW, 9, Outcome::NotYetValid),
        age(NOW - 60, 60, 0, Outcome::Valid),
        age(NOW - 61, 60, 0, Outcome::TooOld),
        age(NOW - 61, 60, 1, Outcome::Valid),
    ]
}

fn boundary_claims(b: &Boundary) -> JwtBuilder {
    let mut builder = JwtBuilder::new()
        .issuer(ISS)
        .expires_at(NumericDate::from_f64("exp", b.exp).unwrap());
    if let Some(nbf) = b.nbf {
        builder = builder.not_before(NumericDate::from_secs(nbf));
    }
    if let Some(iat) = b.iat {
        builder = builder.issued_at(NumericDate::from_secs(iat));
    }
    builder
}

fn boundary_validation(b: &Boundary) -> Validation {
    let now = b.now;
    let mut v = Validation::new(&[JwsAlgorithm::Hs256])
        .unwrap()
        .issuer(ISS)
        .leeway(b.leeway)
        .clock(move || now);
    if let Some(max_age) = b.max_age {
        v = v.max_age(max_age);
    }
    v
}

fn boundary_peer_options(b: &Boundary) -> Value {
    let mut options = json!({"algs": ["HS256"], "issuer": ISS, "now": b.now, "leeway": b.leeway});
    if let Some(max_age) = b.max_age {
        options["max_age"] = json!(max_age);
    }
    options
}

fn our_outcome(got: &Result<Jwt, Error>) -> Outcome {
    match got {
        Ok(_) => Outcome::Valid,
        Err(Error::InvalidClaim(InvalidClaim::Expired { .. })) => Outcome::Expired,
        Err(Error::InvalidClaim(InvalidClaim::NotYetValid { .. })) => Outcome::NotYetValid,
        Err(Error::InvalidClaim(InvalidClaim::TooOld { .. })) => Outcome::TooOld,
        Err(e) => panic!("unexpected error {e:?}"),
    }
}

fn peer_outcome(res: &Value) -> Outcome {
    if res["ok"] == true {
        return Outcome::Valid;
    }
    let error = res["error"].as_str().unwrap();
    if error.starts_with("ERR_JWT_EXPIRED: \"exp\"") {
        Outcome::Expired
    } else if error.starts_with("ERR_JWT_EXPIRED: \"iat\"") {
        Outcome::TooOld
    } else if error.starts_with("ERR_JWT_CLAIM_VALIDATION_FAILED: \"nbf\"") {
        Outcome::NotYetValid
    } else {
        panic!("unexpected peer error {error}")
    }
}

/// Both sides agree at every time boundary, on tokens from either side:
/// an expired token is refused by both.
#[test]
fn time_boundaries_agree_on_both_sides() {
    let jwk = key_for(JwsAlgorithm::Hs256);
    let hs256 = signer(&jwk, JwsAlgorithm::Hs256);
    let cases = boundaries();
    // Ours, verified by the peer; and the peer's, signed from the same claims.
    let mut requests = Vec::new();
    let mut ours = Vec::new();
    for b in &cases {
        let builder = boundary_claims(b);
        let token = builder.sign(hs256.as_ref()).unwrap();
        requests.push(with(
            json!({"op": "jwt-verify", "jwk": json_of(&jwk), "token": token}),
            boundary_peer_options(b),
        ));
        requests.push(json!({
            "op": "jwt-sign", "alg": "HS256", "jwk": json_of(&jwk),
            "claims": serde_json::to_value(builder.claims()).unwrap(),
        }));
        ours.push(token);
    }
    let results = peer(&Value::Array(requests));
    assert_eq!(results.len(), cases.len() * 2);
    let mut peer_tokens = Vec::new();
    for (i, (b, token)) in cases.iter().zip(&ours).enumerate() {
        let label = format!(
            "case {i}: exp {} nbf {:?} iat {:?} now {} leeway {} max_age {:?}",
            b.exp, b.nbf, b.iat, b.now, b.leeway, b.max_age
        );
        let here = jose_jwt::decode::<Claims>(token, &boundary_validation(b), &verifying(&jwk));
        assert_eq!(our_outcome(&here), b.outcome, "ours on ours, {label}");
        assert_eq!(
            peer_outcome(&results[2 * i]),
            b.outcome,
            "peer on ours, {label}: {}",
            results[2 * i]
        );
        let signed = &results[2 * i + 1];
        assert_eq!(signed["ok"], true, "{label}: peer said {}", signed["error"]);
        let peer_token = signed["token"].as_str().unwrap().to_owned();
        let there =
            jose_jwt::decode::<Claims>(&peer_token, &boundary_validation(b), &verifying(&jwk));
        assert_eq!(
            our_outcome(&there),
            b.outcome,
            "ours on the peer's, {label}"
        );
        if let Ok(jwt) = there {
            assert_eq!(jwt.claims.exp.unwrap().as_f64().to_bits(), b.exp.to_bits());
        }
        peer_tokens.push(peer_token);
    }
    // The peer on its own tokens: the same outcomes.
    let requests: Vec<Value> = cases
        .iter()
        .zip(&peer_tokens)
        .map(|(b, token)| {
            with(
                json!({"op": "jwt-verify", "jwk": json_of(&jwk), "token": token}),
                boundary_peer_options(b),
            )
        })
        .collect();
    let results = peer(&Value::Array(requests));
    for (i, (b, res)) in cases.iter().zip(&results).enumerate() {
        assert_eq!(
            peer_outcome(res),
            b.outcome,
            "peer on the peer's, case {i}: {res}"
        );
    }
}
