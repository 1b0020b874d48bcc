//! JWS interop with an independent implementation: the `jose` package from
//! npm (`tests/interop/peer.mjs`). Every algorithm both support, both
//! directions, compact, flattened and general JSON.
//!
//! Needs Node.js and `npm ci` in `tests/interop` (`cargo xtask ci` runs it).
//! It fails, never skips, when the peer is missing.

// Helpers outside #[test] functions: clippy.toml's test allowances do not reach them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use jose_core::KeyShape;
use jose_core::{Curve, JwsAlgorithm, SigningKey, VerifyingKey};
use jose_jwk::Jwk;
use jose_jws::{JwsBuilder, SignatureSpec, Verification};
use super::PROVIDER;
use jose_tests::peer;
use serde_json::{Value, json};

/// Every JWS algorithm the npm peer supports. ES256K is missing there: its
/// WebCrypto runtime has no secp256k1.
const ALGS: &[JwsAlgorithm] = &[
    JwsAlgorithm::Hs256,
    JwsAlgorithm::Hs384,
    JwsAlgorithm::Hs512,
    JwsAlgorithm::Rs256,
    JwsAlgorithm::Rs384,
    JwsAlgorithm::Rs512,
    JwsAlgorithm::Ps256,
    JwsAlgorithm::Ps384,
    JwsAlgorithm::Ps512,
    JwsAlgorithm::Es256,
    JwsAlgorithm::Es384,
    JwsAlgorithm::Es512,
    JwsAlgorithm::EdDsa,
    JwsAlgorithm::Ed25519,
];

struct TestKey {
    alg: JwsAlgorithm,
    jwk: Jwk,
    signing: Arc<dyn SigningKey>,
    verifying: Arc<dyn VerifyingKey>,
}

fn keys() -> Vec<TestKey> {
    let rsa = PROVIDER.generate(KeyShape::Rsa { bits: 2048 }).unwrap();
    ALGS.iter()
        .map(|&alg| {
            let jwk = match alg {
                a if a.name().starts_with("RS") || a.name().starts_with("PS") => rsa.clone(),
                a => PROVIDER.generate(a).unwrap(),
            }
            .with_kid(format!("kid-{}", alg.name()));
            TestKey {
                alg,
                signing: PROVIDER.signing_key(&jwk).unwrap(),
                verifying: PROVIDER.verifier(&jwk).unwrap(),
                jwk,
            }
        })
        .collect()
}

fn public_json(jwk: &Jwk) -> Value {
    let public = jwk.to_public().unwrap_or_else(|| jwk.clone());
    serde_json::from_str(&public.to_json()).unwrap()
}

fn private_json(jwk: &Jwk) -> Value {
    serde_json::from_str(&jwk.to_json()).unwrap()
}

const PAYLOAD: &[u8] = b"{\"iss\":\"jose-rs\",\"msg\":\"It\xe2\x80\x99s a dangerous business\"}";

#[test]
fn tokens_signed_here_verify_in_the_npm_peer() {
    let keys = keys();
    let ed = keys.iter().find(|k| k.alg == JwsAlgorithm::EdDsa).unwrap();
    let ed_signer = ed.signing.signer(JwsAlgorithm::EdDsa).unwrap();
    let mut requests = Vec::new();
    for k in &keys {
        let signer = k.signing.signer(k.alg).unwrap();
        let builder = JwsBuilder::new(PAYLOAD);
        let compact = builder.compact(signer.as_ref()).unwrap();
        let flattened = builder
            .flattened(SignatureSpec::new(signer.as_ref()))
            .unwrap();
        let general = builder
            .general(&[
                SignatureSpec::new(signer.as_ref()),
                SignatureSpec::new(ed_signer.as_ref()),
            ])
            .unwrap();
        for (format, token) in [
            ("compact", compact),
            ("flattened", flattened),
            ("general", general),
        ] {
            requests.push(json!({
                "op": "verify", "format": format, "algs": [k.alg.name()],
                "jwk": public_json(&k.jwk), "token": token,
                "label": format!("{} {format}", k.alg.name()),
            }));
        }
    }
    let results = peer(&Value::Array(requests.clone()));
    let payload_b64u = jose_core::b64::encode(PAYLOAD);
    for (req, res) in requests.iter().zip(&results) {
        assert_eq!(
            res["ok"], true,
            "{}: peer said {}",
            req["label"], res["error"]
        );
        assert_eq!(
            res["payload_b64u"],
            payload_b64u.as_str(),
            "{}",
            req["label"]
        );
    }
    assert_eq!(results.len(), ALGS.len() * 3);
}

#[test]
fn tokens_signed_by_the_npm_peer_verify_here() {
    let keys = keys();
    let payload_b64u = jose_core::b64::encode(PAYLOAD);
    let mut requests = Vec::new();
    for k in &keys {
        for format in ["compact", "flattened"] {
            requests.push(json!({
                "op": "sign", "format": format, "alg": k.alg.name(),
                "jwk": private_json(&k.jwk), "payload_b64u": payload_b64u,
                "header": {"kid": k.jwk.kid()},
            }));
        }
        requests.push(json!({
            "op": "sign", "format": "general", "payload_b64u": payload_b64u,
            "jwks": [{"jwk": private_json(&k.jwk), "alg": k.alg.name()}],
        }));
    }
    let results = peer(&Value::Array(requests.clone()));
    assert_eq!(results.len(), requests.len());
    for (req, res) in requests.iter().zip(&results) {
        let alg: JwsAlgorithm = req["alg"]
            .as_str()
            .or_else(|| req["jwks"][0]["alg"].as_str())
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(
            res["ok"], true,
            "{alg} {}: peer said {}",
            req["format"], res["error"]
        );
        let token = res["token"].as_str().unwrap();
        let key = keys.iter().find(|k| k.alg == alg).unwrap();
        let verified = Verification::new(&[alg])
            .unwrap()
            .verify(token, &key.verifying)
            .unwrap_or_else(|e| panic!("{alg} {}: {e}", req["format"]));
        assert_eq!(verified.payload, PAYLOAD);
        assert_eq!(verified.alg, alg);
        // The same token is refused when its algorithm is not allowed.
        let other = if alg == JwsAlgorithm::Hs256 {
            JwsAlgorithm::Hs384
        } else {
            JwsAlgorithm::Hs256
        };
        assert!(
            Verification::new(&[other])
                .unwrap()
                .verify(token, &key.verifying)
                .is_err()
        );
    }
}

/// ES256K against Node's own crypto (OpenSSL), both directions. OpenSSL
/// does not normalize S, so about half of its signatures are high-S: they
/// must verify here too (RFC 8812 does not require low-S).
#[test]
fn es256k_interoperates_with_node_crypto() {
    let jwk = PROVIDER
        .generate(KeyShape::Curve(Curve::Secp256k1))
        .unwrap();
    let signer = PROVIDER
        .signing_key(&jwk)
        .unwrap()
        .signer(JwsAlgorithm::Es256K)
        .unwrap();
    let verifying = PROVIDER.verifier(&jwk).unwrap();
    let payload_b64u = jose_core::b64::encode(PAYLOAD);
    let mut requests = Vec::new();
    for _ in 0..16 {
        let token = JwsBuilder::new(PAYLOAD).compact(signer.as_ref()).unwrap();
        requests.push(json!({"op": "es256k-verify", "jwk": public_json(&jwk), "token": token}));
        requests.push(
            json!({"op": "es256k-sign", "jwk": private_json(&jwk), "payload_b64u": payload_b64u}),
        );
    }
    let results = peer(&Value::Array(requests.clone()));
    assert_eq!(results.len(), 32);
    for (req, res) in requests.iter().zip(&results) {
        assert_eq!(res["ok"], true, "{}: {}", req["op"], res["error"]);
        if req["op"] == "es256k-sign" {
            let verified = Verification::new(&[JwsAlgorithm::Es256K])
                .unwrap()
                .verify(res["token"].as_str().unwrap(), &verifying)
                .unwrap();
            assert_eq!(verified.payload, PAYLOAD);
        }
    }
}
