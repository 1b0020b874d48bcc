//! Project Wycheproof's JOSE vectors, every test of the four files
//! (`tests/vectors/wycheproof/`, source in its SOURCE.md): JWK and JWK Set
//! validation, JWS verification and JWE decryption, each with the group's
//! key as the only key and every algorithm on the allow-lists, so that the
//! key and its members, not the caller, decide what is accepted.
//!
//! "valid" must verify (and decrypt to `pt`), "invalid" must be refused,
//! "acceptable" may go either way. Where this crate deliberately differs
//! from a verdict, the test is listed in [`DEVIATIONS`] with the reason;
//! the suite fails on any other difference and on a listed deviation that
//! no longer happens, so the list stays exact.

// Test code: panicking on a broken expectation is the point.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::std_instead_of_core,
    clippy::alloc_instead_of_core
)]

use jose_core::{ContentEncryptionAlgorithm, JwsAlgorithm, KeyManagementAlgorithm};
use jose_jwe::Decryption;
use jose_jwk::{Jwk, JwkSet, JwkSetStore};
use jose_jws::Verification;
use serde_json::Value;

use super::PROVIDER as P;

/// Tests whose verdict this crate deliberately does not follow: file,
/// `tcId`, and why.
const DEVIATIONS: &[(&str, u64, &str)] = &[
    (
        "json_web_key",
        4,
        "two keys of one set share a kid: both are the caller's trusted keys, so trying each \
         widens no trust, and Verified.key reports which one verified (npm jose tries each too)",
    ),
    (
        "json_web_crypto",
        17,
        "a JWS in the JSON serialization is a JWS (RFC 7515 section 7.2): jose_jws accepts \
         every serialization; compact-only is the JWT rule, and jose_jwt refuses JSON",
    ),
    (
        "json_web_crypto",
        66,
        "a JWE in the JSON serialization is a JWE (RFC 7516 section 7.2): jose_jwe accepts \
         every serialization; jose_jwt refuses JSON",
    ),
    (
        "json_web_encryption",
        22,
        "a JWE in the JSON serialization is a JWE (RFC 7516 section 7.2): jose_jwe accepts \
         every serialization; jose_jwt refuses JSON",
    ),
    (
        "json_web_signature",
        346,
        "the key's alg is PS256 and the JWS uses PS384: a key's alg restricts it \
         (RFC 7517 section 4.4, RFC 8725 section 3.1)",
    ),
    (
        "json_web_signature",
        350,
        "the key's alg is PS256 and the JWS uses PS384: a key's alg restricts it",
    ),
    (
        "json_web_signature",
        347,
        "the key's alg is \"ES521\", which no registry defines (P-521 is ES512): a key with \
         an unknown alg is refused, not used for any algorithm",
    ),
    (
        "json_web_signature",
        351,
        "the key's alg is \"ES521\", which no registry defines: the key is refused",
    ),
    (
        "json_web_signature",
        367,
        "vector error: byte for byte the valid token of test 357 (no padding is in it), so \
         \"invalid\" cannot hold for any correct verifier",
    ),
    (
        "json_web_signature",
        370,
        "vector error: byte for byte the valid token of test 357 (no padding is in it)",
    ),
    (
        "json_web_signature",
        372,
        "vector error: \"?\" is not base64url (RFC 7515 section 2 allows no other \
         characters); the test's own comment calls it invalid, its verdict says valid",
    ),
    (
        "json_web_signature",
        373,
        "vector error: \"?\" inserted into the payload is not base64url; refused",
    ),
];

/// What a test expects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Expected {
    Valid,
    Invalid,
    Acceptable,
}

/// One test's outcome: accepted, or refused with the error.
struct Outcome {
    file: &'static str,
    tc_id: u64,
    comment: String,
    expected: Expected,
    accepted: Result<(), String>,
}

fn load(file: &str) -> Value {
    let path = format!(
        "{}/vectors/wycheproof/{file}_test.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap()
}

/// The group's key as a JWK Set: a set as it is, a single key as a set
/// of one. `Err` when the key or set does not parse.
fn key_set(key: &Value) -> Result<JwkSet, String> {
    let text = key.to_string();
    if key.get("keys").is_some() {
        JwkSet::from_json(text.as_bytes()).map_err(|e| format!("set refused: {e}"))
    } else {
        let jwk = Jwk::from_json(text.as_bytes()).map_err(|e| format!("key refused: {e}"))?;
        Ok(JwkSet::from_iter([jwk]))
    }
}

/// The message as text: compact as it is, JSON objects serialized.
fn message(test: &Value, member: &str) -> String {
    match &test[member] {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Runs every test of `file`: JWS tests against the group's public key
/// (its private one when it has none), JWE tests against its private key.
fn run(file: &'static str) -> Vec<Outcome> {
    let doc = load(file);
    let verification = Verification::new(JwsAlgorithm::ALL).unwrap();
    let decryption =
        Decryption::new(KeyManagementAlgorithm::ALL, ContentEncryptionAlgorithm::ALL).unwrap();
    let mut outcomes = Vec::new();
    let groups = doc["testGroups"].as_array().unwrap();
    assert!(!groups.is_empty(), "{file}: no groups");
    for group in groups {
        for test in group["tests"].as_array().unwrap() {
            let is_jwe = test.get("jwe").is_some();
            let key = if is_jwe || group.get("public").is_none() {
                &group["private"]
            } else {
                &group["public"]
            };
            let accepted = key_set(key).and_then(|set| {
                let store = JwkSetStore::new(&set, &P);
                if is_jwe {
                    let opened = decryption
                        .decrypt(&P, &message(test, "jwe"), &store)
                        .map_err(|e| e.to_string())?;
                    match test.get("pt").and_then(Value::as_str) {
                        Some(pt) if *opened.plaintext != *jose_tests::hex(pt) => {
                            Err("decrypted to another plaintext".to_string())
                        }
                        Some(_) | None => Ok(()),
                    }
                } else {
                    verification
                        .verify(&message(test, "jws"), &store)
                        .map(drop)
                        .map_err(|e| e.to_string())
                }
            });
            let expected = match test["result"].as_str().unwrap() {
                "valid" => Expected::Valid,
                "invalid" => Expected::Invalid,
                "acceptable" => Expected::Acceptable,
                other => panic!("{file}: unknown result {other}"),
            };
            outcomes.push(Outcome {
                file,
                tc_id: test["tcId"].as_u64().unwrap(),
                comment: test["comment"].as_str().unwrap_or("").to_string(),
                expected,
                accepted,
            });
        }
    }
    assert_eq!(
        outcomes.len() as u64,
        doc["numberOfTests"].as_u64().unwrap(),
        "{file}: every test ran"
    );
    outcomes
}

/// Checks the outcomes of `file` against the verdicts and [`DEVIATIONS`].
fn check(file: &'static str) {
    let outcomes = run(file);
    let mut wrong = Vec::new();
    let mut deviated = Vec::new();
    for o in &outcomes {
        let agrees = match (o.expected, &o.accepted) {
            (Expected::Valid, Ok(())) | (Expected::Invalid, Err(_)) | (Expected::Acceptable, _) => {
                true
            }
            (Expected::Valid, Err(_)) | (Expected::Invalid, Ok(())) => false,
        };
        let listed = DEVIATIONS
            .iter()
            .any(|(f, id, _)| *f == o.file && *id == o.tc_id);
        match (agrees, listed) {
            (true, false) => {}
            (false, true) => deviated.push(o.tc_id),
            (false, false) => wrong.push(format!(
                "{} {} ({}): expected {:?}, got {:?}",
                o.file, o.tc_id, o.comment, o.expected, o.accepted
            )),
            (true, true) => wrong.push(format!(
                "{} {}: listed as a deviation but agrees now: remove it from DEVIATIONS",
                o.file, o.tc_id
            )),
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    let listed = DEVIATIONS.iter().filter(|(f, _, _)| *f == file).count();
    assert_eq!(deviated.len(), listed, "{file}: deviations {deviated:?}");
}

/// Wycheproof `json_web_key_test.json`: key sets with mixed symmetry,
/// duplicate kids, ROCA and small RSA keys, exponent 1, short HMAC keys,
/// wrong `alg`, `use`, curve or `kty`, invalid points.
#[test]
fn json_web_key() {
    check("json_web_key");
}

/// Wycheproof `json_web_crypto_test.json`: JWS and JWE with modified
/// signatures, tags and headers, JSON serializations and key sets.
#[test]
fn json_web_crypto() {
    check("json_web_crypto");
}

/// Wycheproof `json_web_signature_test.json`: HS256, ES256, RS, PS
/// signatures with modified bytes and padding, base64 variants, `none`,
/// keys for the wrong primitive and the ES256 special cases.
#[test]
fn json_web_signature() {
    check("json_web_signature");
}

/// Wycheproof `json_web_encryption_test.json`: AES-KW, AES-GCM-KW, ECDH-ES,
/// RSA-OAEP and RSA1_5 with modified tags, paddings and headers, wrong
/// ciphers and compressed plaintexts.
#[test]
fn json_web_encryption() {
    check("json_web_encryption");
}
