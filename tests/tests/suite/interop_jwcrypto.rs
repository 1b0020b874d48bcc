//! Interop with a second independent implementation: python jwcrypto
//! (`tests/interop/jwcrypto_peer.py`, pinned in `requirements.txt`). Every
//! JWS algorithm (ES256K and the fully specified Ed25519 included) and every
//! JWE key management algorithm jwcrypto has (all but RSA-OAEP-384 and
//! -512) with every content encryption algorithm, both directions, compact
//! and flattened; and PBES2 at the defaults of both sides.
//!
//! Needs the virtual environment that `cargo xtask ci` makes; fails, never
//! skips, without it.

// Helpers outside #[test] functions: clippy.toml's test allowances do not reach them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::OnceLock;

use jose_core::key_management::{PBES2_DEFAULT_COUNT, Pbes2Params};
use jose_core::{
    ContentEncryptionAlgorithm as Enc, Curve, JwsAlgorithm, KeyManagementAlgorithm as Alg,
    KeyShape, b64,
};
use jose_jwe::{Decryption, JweBuilder, Recipient};
use jose_jwk::{Jwk, JwkSet};
use jose_jws::{JwsBuilder, SignatureSpec, Verification};
use jose_tests::jwcrypto_peer;
use serde_json::{Value, json};

use super::PROVIDER;

const PAYLOAD: &[u8] = b"{\"iss\":\"jose-rs\",\"msg\":\"It\xe2\x80\x99s a dangerous business\"}";

/// jwcrypto's default limit on PBES2 iterations when decrypting.
const JWCRYPTO_MAX_P2C: u64 = 16_384;

fn rsa() -> &'static Jwk {
    static RSA: OnceLock<Jwk> = OnceLock::new();
    RSA.get_or_init(|| PROVIDER.generate(KeyShape::Rsa { bits: 2048 }).unwrap())
}

fn json_of(jwk: &Jwk) -> Value {
    serde_json::from_str(&jwk.to_json()).unwrap()
}

fn public_json(jwk: &Jwk) -> Value {
    json_of(&jwk.to_public().unwrap_or_else(|| jwk.clone()))
}

/// Every answer was ok; the failures, labelled, otherwise.
fn all_ok(requests: &[Value], answers: &[Value]) {
    assert_eq!(requests.len(), answers.len());
    let failed: Vec<String> = requests
        .iter()
        .zip(answers)
        .filter(|(_, a)| a["ok"] != json!(true))
        .map(|(r, a)| format!("{}: {}", r["label"], a["error"]))
        .collect();
    assert!(failed.is_empty(), "jwcrypto refused:\n{}", failed.join("\n"));
}

fn signing_key(alg: JwsAlgorithm) -> Jwk {
    if alg.requirement() == jose_core::KeyRequirement::Rsa {
        rsa().clone()
    } else {
        PROVIDER.generate(alg).unwrap()
    }
}

#[test]
fn jws_made_here_verify_in_jwcrypto() {
    let mut requests = Vec::new();
    for &alg in JwsAlgorithm::ALL {
        let jwk = signing_key(alg);
        let signer = PROVIDER.signer(&jwk, alg).unwrap();
        let builder = JwsBuilder::new(PAYLOAD);
        for (format, token) in [
            ("compact", builder.compact(signer.as_ref()).unwrap()),
            (
                "flattened",
                builder.flattened(SignatureSpec::new(signer.as_ref())).unwrap(),
            ),
        ] {
            requests.push(json!({
                "op": "verify", "format": format, "algs": [alg.name()],
                "jwk": public_json(&jwk), "token": token,
                "label": format!("{} {format}", alg.name()),
            }));
        }
    }
    let answers = jwcrypto_peer(&Value::Array(requests.clone()));
    all_ok(&requests, &answers);
    for answer in &answers {
        assert_eq!(
            b64::decode("payload", answer["payload_b64u"].as_str().unwrap()).unwrap(),
            PAYLOAD
        );
    }
}

#[test]
fn jws_made_by_jwcrypto_verify_here() {
    let keys: Vec<(JwsAlgorithm, Jwk)> = JwsAlgorithm::ALL
        .iter()
        .map(|&alg| (alg, signing_key(alg)))
        .collect();
    let requests: Vec<Value> = keys
        .iter()
        .flat_map(|(alg, jwk)| {
            ["compact", "flattened"].map(|format| {
                json!({
                    "op": "sign", "format": format, "alg": alg.name(), "jwk": json_of(jwk),
                    "payload_b64u": b64::encode(PAYLOAD),
                    "label": format!("{} {format}", alg.name()),
                })
            })
        })
        .collect();
    let answers = jwcrypto_peer(&Value::Array(requests.clone()));
    all_ok(&requests, &answers);
    for ((alg, jwk), pair) in keys.iter().zip(answers.chunks(2)) {
        let set: JwkSet = core::iter::once(jwk.to_public().unwrap_or_else(|| jwk.clone())).collect();
        let store = PROVIDER.key_set(&set);
        for answer in pair {
            let token = answer["token"].as_str().unwrap();
            let verified = Verification::new(&[*alg])
                .unwrap()
                .verify(token, &store)
                .unwrap_or_else(|e| panic!("{} {token}: {e}", alg.name()));
            assert_eq!(verified.payload, PAYLOAD);
        }
    }
}

/// Every alg jwcrypto has (all but RSA-OAEP-384 and -512), as for the npm
/// peer.
fn cases() -> Vec<(Alg, Enc, Curve)> {
    super::interop_jwe::cases_without(&[Alg::RsaOaep384, Alg::RsaOaep512])
}

/// A key for `alg` (and, for `dir`, for `enc`); `curve` for ECDH-ES. The
/// RSA key names RSA1_5 for that algorithm, which needs a named key.
fn key_for(alg: Alg, enc: Enc, curve: Curve) -> Jwk {
    use jose_core::KeyRequirement as R;
    match alg.requirement() {
        R::Rsa if alg == Alg::Rsa1_5 => rsa().clone().with_alg(Alg::Rsa1_5).unwrap(),
        R::Rsa => rsa().clone(),
        R::Curve(_) => PROVIDER.generate(KeyShape::Curve(curve)).unwrap(),
        R::Password => {
            Jwk::from_json(br#"{"kty":"oct","k":"VGhlIHBhc3N3b3JkIGlzIG5vdCBhIGtleQ"}"#).unwrap()
        }
        R::Cek => PROVIDER
            .generate(KeyShape::Oct { len: enc.key_len() })
            .unwrap(),
        R::OctExact(_) | R::OctAtLeast(_) => PROVIDER.generate(alg).unwrap(),
        other => panic!("no test key for {other:?}"),
    }
}

const PLAINTEXT: &[u8] =
    b"You can trust us to stick with you through thick and thin\xe2\x80\x94to the bitter end.";

/// JWEs made here with this workspace's defaults (PBES2 at its default
/// count, 10,000) decrypt in jwcrypto at its default limits.
#[test]
fn jwe_made_here_decrypt_in_jwcrypto() {
    let mut requests = Vec::new();
    for (alg, enc, curve) in cases() {
        let jwk = key_for(alg, enc, curve);
        let encryptor = PROVIDER.encryptor(&jwk.to_public().unwrap_or_else(|| jwk.clone()), alg).unwrap();
        let builder = JweBuilder::new(PLAINTEXT, enc);
        for (format, token) in [
            ("compact", builder.compact(&PROVIDER, encryptor.as_ref()).unwrap()),
            (
                "flattened",
                builder.flattened(&PROVIDER, Recipient::new(encryptor.as_ref())).unwrap(),
            ),
        ] {
            requests.push(json!({
                "op": "decrypt", "algs": [alg.name()], "encs": [enc.name()],
                "jwk": json_of(&jwk), "token": token,
                "label": format!("{} {} {} {format}", alg.name(), enc.name(), curve.name()),
            }));
        }
    }
    let answers = jwcrypto_peer(&Value::Array(requests.clone()));
    all_ok(&requests, &answers);
    for answer in &answers {
        assert_eq!(
            b64::decode("plaintext", answer["payload_b64u"].as_str().unwrap()).unwrap(),
            PLAINTEXT
        );
    }
}

#[test]
fn jwe_made_by_jwcrypto_decrypt_here() {
    let cases: Vec<(Alg, Enc, Jwk)> = cases()
        .into_iter()
        .map(|(alg, enc, curve)| (alg, enc, key_for(alg, enc, curve)))
        .collect();
    let requests: Vec<Value> = cases
        .iter()
        .flat_map(|(alg, enc, jwk)| {
            ["compact", "flattened"].map(|format| {
                json!({
                    "op": "encrypt", "format": format, "alg": alg.name(), "enc": enc.name(),
                    "jwk": public_json(jwk), "plaintext_b64u": b64::encode(PLAINTEXT),
                    "label": format!("{} {} {format}", alg.name(), enc.name()),
                })
            })
        })
        .collect();
    let answers = jwcrypto_peer(&Value::Array(requests.clone()));
    all_ok(&requests, &answers);
    for ((alg, enc, jwk), pair) in cases.iter().zip(answers.chunks(2)) {
        let keys = PROVIDER.decryptor(jwk).unwrap();
        for answer in pair {
            let token = answer["token"].as_str().unwrap();
            let opened = Decryption::new(&[*alg], &[*enc])
                .unwrap()
                .decrypt(&PROVIDER, token, &keys)
                .unwrap_or_else(|e| panic!("{} {}: {e}", alg.name(), enc.name()));
            assert_eq!(&*opened.plaintext, PLAINTEXT);
        }
    }
}

/// The PBES2 interop the hardening asked for: our default count is under
/// jwcrypto's default limit, so what we make with defaults decrypts there;
/// a count above its limit is refused there (the limit is real), and the
/// same message decrypts here, whose limit is higher.
#[test]
fn pbes2_default_count_is_within_jwcrypto_default_limit() {
    const { assert!(PBES2_DEFAULT_COUNT <= JWCRYPTO_MAX_P2C) };
    let password = key_for(Alg::Pbes2Hs256A128Kw, Enc::A128Gcm, Curve::P256);
    let encryptor = PROVIDER.encryptor(&password, Alg::Pbes2Hs256A128Kw).unwrap();
    let default = JweBuilder::new(PLAINTEXT, Enc::A128Gcm)
        .compact(&PROVIDER, encryptor.as_ref())
        .unwrap();
    let over = JweBuilder::new(PLAINTEXT, Enc::A128Gcm)
        .pbes2(Pbes2Params::new(JWCRYPTO_MAX_P2C + 1, 16).unwrap())
        .compact(&PROVIDER, encryptor.as_ref())
        .unwrap();
    let request = |token: &str| {
        json!({
            "op": "decrypt", "algs": ["PBES2-HS256+A128KW"], "encs": ["A128GCM"],
            "jwk": json_of(&password), "token": token,
        })
    };
    let answers = jwcrypto_peer(&json!([request(&default), request(&over)]));
    assert_eq!(answers[0]["ok"], json!(true), "{}", answers[0]);
    assert_eq!(answers[1]["ok"], json!(false), "{}", answers[1]);
    let here = Decryption::new(&[Alg::Pbes2Hs256A128Kw], &[Enc::A128Gcm]).unwrap();
    let keys = PROVIDER.decryptor(&password).unwrap();
    assert!(here.decrypt(&PROVIDER, &over, &keys).is_ok());
}
