//! JWE interop with an independent implementation: the `jose` package from
//! npm (`tests/interop/peer.mjs`). Every key management algorithm it has
//! (all but RSA1_5, which WebCrypto lacks) and every content encryption
//! algorithm, both directions; compact, flattened, general JSON with two
//! recipients of different algorithms; `zip`.
//!
//! Needs Node.js and `npm ci` in `tests/interop` (`cargo xtask ci` runs it).

// Helpers outside #[test] functions: clippy.toml's test allowances do not reach them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::OnceLock;

use jose_core::KeyShape;
use jose_core::{ContentEncryptionAlgorithm as Enc, Curve, Header, KeyManagementAlgorithm as Alg};
use jose_jwe::{Decryption, JweBuilder, Limits, Recipient};
use jose_jwk::{Jwk, JwkSet, JwkSetStore};
use super::PROVIDER;
use jose_tests::peer;
use serde_json::{Value, json};

/// A small PBES2 iteration count keeps the test fast; both sides accept it.
const P2C: u64 = 1000;

const PLAINTEXT: &[u8] =
    b"You can trust us to stick with you through thick and thin\xe2\x80\x94to the bitter end.";

fn rsa() -> &'static Jwk {
    static RSA: OnceLock<Jwk> = OnceLock::new();
    RSA.get_or_init(|| PROVIDER.generate(KeyShape::Rsa { bits: 2048 }).unwrap())
}

/// A key for `alg` (and, for `dir`, for `enc`); `curve` for ECDH-ES.
fn key_for(alg: Alg, enc: Enc, curve: Curve) -> Jwk {
    let jwk = match alg {
        Alg::RsaOaep | Alg::RsaOaep256 | Alg::RsaOaep384 | Alg::RsaOaep512 => rsa().clone(),
        Alg::EcdhEs | Alg::EcdhEsA128Kw | Alg::EcdhEsA192Kw | Alg::EcdhEsA256Kw => {
            PROVIDER.generate(KeyShape::Curve(curve)).unwrap()
        }
        Alg::Dir => PROVIDER
            .generate(KeyShape::Oct { len: enc.key_len() })
            .unwrap(),
        Alg::Pbes2Hs256A128Kw | Alg::Pbes2Hs384A192Kw | Alg::Pbes2Hs512A256Kw => {
            Jwk::from_json(br#"{"kty":"oct","k":"VGhlIHBhc3N3b3JkIGlzIG5vdCBhIGtleQ"}"#).unwrap()
        }
        a => PROVIDER
            .generate(KeyShape::Oct {
                len: a.wrap_key_len().unwrap(),
            })
            .unwrap(),
    };
    jwk.with_kid(format!("{}-{}", alg.name(), curve.name()))
}

fn json_of(jwk: &Jwk) -> Value {
    serde_json::from_str(&jwk.to_json()).unwrap()
}

fn public_json(jwk: &Jwk) -> Value {
    json_of(&jwk.to_public().unwrap_or_else(|| jwk.clone()))
}

/// The cases for the npm peer: all but RSA1_5, which WebCrypto lacks.
fn cases() -> Vec<(Alg, Enc, Curve)> {
    cases_without(&[Alg::Rsa1_5])
}

/// The interop cases for a peer that lacks `missing`: every other alg with
/// A128GCM (ECDH-ES on every curve), and every enc with A256KW, with
/// RSA-OAEP-256 and with `dir`.
pub(super) fn cases_without(missing: &[Alg]) -> Vec<(Alg, Enc, Curve)> {
    let mut cases = Vec::new();
    for alg in Alg::ALL.iter().copied().filter(|a| !missing.contains(a)) {
        if matches!(alg.requirement(), jose_core::KeyRequirement::Curve(_)) {
            for curve in [Curve::P256, Curve::P384, Curve::P521, Curve::X25519] {
                cases.push((alg, Enc::A128Gcm, curve));
            }
        } else {
            cases.push((alg, Enc::A128Gcm, Curve::P256));
        }
    }
    for &enc in Enc::ALL {
        cases.push((Alg::A256Kw, enc, Curve::P256));
        cases.push((Alg::RsaOaep256, enc, Curve::P256));
        cases.push((Alg::Dir, enc, Curve::P256));
    }
    cases
}

fn decryption(alg: Alg, enc: Enc) -> Decryption {
    Decryption::new(&[alg], &[enc])
        .unwrap()
        .limits(Limits::default())
}

fn with_p2c(alg: Alg) -> Header {
    let mut h = Header::new();
    if alg.name().starts_with("PBES2") {
        h.p2c = Some(P2C);
    }
    h
}

/// JWEs made here open in an independent implementation, for every
/// algorithm it has; and PBES2 with this workspace's default count opens
/// under npm `jose`'s default limit (10,000): a default that peers refuse
/// (the old 600,000) makes every PBES2 JWE undeliverable.
#[test]
fn jwes_made_here_decrypt_in_the_npm_peer() {
    let mut requests = Vec::new();
    for (alg, enc, curve) in cases() {
        let jwk = key_for(alg, enc, curve);
        let encryptor = PROVIDER
            .encrypting_key(&jwk)
            .unwrap()
            .key_encryptor(alg)
            .unwrap();
        let builder = JweBuilder::new(PLAINTEXT, enc);
        // PBES2 with a small p2c: the recipient header carries it to the
        // encryptor; compact moves it into the protected header.
        let recipient = || Recipient::new(encryptor.as_ref()).header(with_p2c(alg));
        let compact = if alg.name().starts_with("PBES2") {
            builder.flattened(&PROVIDER, recipient()).unwrap()
        } else {
            builder.compact(&PROVIDER, encryptor.as_ref()).unwrap()
        };
        let flattened = builder
            .clone()
            .compress()
            .flattened(&PROVIDER, recipient())
            .unwrap();
        for (format, token) in [
            (
                if compact.starts_with('{') {
                    "flattened"
                } else {
                    "compact"
                },
                compact,
            ),
            ("flattened", flattened),
        ] {
            requests.push(json!({
                "op": "decrypt", "format": format, "algs": [alg.name()], "encs": [enc.name()],
                "jwk": json_of(&jwk), "token": token,
                "label": format!("{} {} {} {format}", alg.name(), enc.name(), curve.name()),
            }));
        }
    }
    // PBES2 with this workspace's defaults, under npm jose's default limit
    // (maxPBES2Count 10,000): what a user makes without choosing a count.
    for alg in [Alg::Pbes2Hs256A128Kw, Alg::Pbes2Hs512A256Kw] {
        let jwk = key_for(alg, Enc::A128Gcm, Curve::P256);
        let encryptor = PROVIDER.encryptor(&jwk, alg).unwrap();
        let token = JweBuilder::new(PLAINTEXT, Enc::A128Gcm)
            .compact(&PROVIDER, encryptor.as_ref())
            .unwrap();
        requests.push(json!({
            "op": "decrypt", "format": "compact", "algs": [alg.name()], "encs": ["A128GCM"],
            "jwk": json_of(&jwk), "token": token, "label": format!("{} default p2c", alg.name()),
        }));
    }
    // General JSON, two recipients with different algorithms.
    let a = key_for(Alg::RsaOaep256, Enc::A256Gcm, Curve::P256);
    let b = key_for(Alg::EcdhEsA128Kw, Enc::A256Gcm, Curve::X25519);
    let ea = PROVIDER
        .encrypting_key(&a)
        .unwrap()
        .key_encryptor(Alg::RsaOaep256)
        .unwrap();
    let eb = PROVIDER
        .encrypting_key(&b)
        .unwrap()
        .key_encryptor(Alg::EcdhEsA128Kw)
        .unwrap();
    let general = JweBuilder::new(PLAINTEXT, Enc::A256Gcm)
        .general(
            &PROVIDER,
            &[Recipient::new(ea.as_ref()), Recipient::new(eb.as_ref())],
        )
        .unwrap();
    for (key, alg) in [(&a, Alg::RsaOaep256), (&b, Alg::EcdhEsA128Kw)] {
        requests.push(json!({
            "op": "decrypt", "format": "general", "algs": [alg.name()], "encs": ["A256GCM"],
            "jwk": json_of(key), "token": general, "label": format!("general {}", alg.name()),
        }));
    }
    let results = peer(&Value::Array(requests.clone()));
    assert_eq!(results.len(), requests.len());
    let expected = jose_core::b64::encode(PLAINTEXT);
    for (req, res) in requests.iter().zip(&results) {
        assert_eq!(
            res["ok"], true,
            "{}: peer said {}",
            req["label"], res["error"]
        );
        assert_eq!(res["plaintext_b64u"], expected.as_str(), "{}", req["label"]);
    }
}

#[test]
fn jwes_made_by_the_npm_peer_decrypt_here() {
    let mut requests = Vec::new();
    let mut keys = Vec::new();
    let plaintext_b64u = jose_core::b64::encode(PLAINTEXT);
    for (alg, enc, curve) in cases() {
        let jwk = key_for(alg, enc, curve);
        for (format, zip) in [("compact", false), ("flattened", true)] {
            requests.push(json!({
                "op": "encrypt", "format": format, "alg": alg.name(), "enc": enc.name(),
                "jwk": public_json(&jwk), "plaintext_b64u": plaintext_b64u, "zip": zip, "p2c": P2C,
            }));
            keys.push((jwk.clone(), alg, enc));
        }
    }
    let a = key_for(Alg::RsaOaep, Enc::A128CbcHs256, Curve::P256);
    let b = key_for(Alg::EcdhEsA256Kw, Enc::A128CbcHs256, Curve::P384);
    requests.push(json!({
        "op": "encrypt", "format": "general", "enc": "A128CBC-HS256", "plaintext_b64u": plaintext_b64u,
        "recipients": [{"jwk": public_json(&a), "alg": "RSA-OAEP"}, {"jwk": public_json(&b), "alg": "ECDH-ES+A256KW"}],
    }));
    let results = peer(&Value::Array(requests.clone()));
    assert_eq!(results.len(), requests.len());
    for (i, ((jwk, alg, enc), res)) in keys.iter().zip(&results).enumerate() {
        let label = format!("{} {} {}", alg.name(), enc.name(), requests[i]["format"]);
        assert_eq!(res["ok"], true, "{label}: peer said {}", res["error"]);
        let token = res["token"].as_str().unwrap();
        let key = PROVIDER.decryptor(jwk).unwrap();
        let opened = decryption(*alg, *enc)
            .decrypt(&PROVIDER, token, &key)
            .unwrap_or_else(|e| panic!("{label}: {e}"));
        assert_eq!(&*opened.plaintext, PLAINTEXT, "{label}");
        assert_eq!((opened.alg, opened.enc), (*alg, *enc));
    }
    // The general JWE opens with either recipient's key, from a JWK Set.
    let general = results.last().unwrap();
    assert_eq!(
        general["ok"], true,
        "general: peer said {}",
        general["error"]
    );
    let token = general["token"].as_str().unwrap();
    for (jwk, alg, index) in [(&a, Alg::RsaOaep, 0), (&b, Alg::EcdhEsA256Kw, 1)] {
        let store = JwkSetStore::new(&JwkSet::from_iter([jwk.clone()]), &PROVIDER);
        let opened = decryption(alg, Enc::A128CbcHs256)
            .decrypt(&PROVIDER, token, &store)
            .unwrap();
        assert_eq!(&*opened.plaintext, PLAINTEXT);
        assert_eq!(opened.recipient_index, index);
    }
}
