//! No private member of a JWK survives in freed memory after parsing or
//! serializing it, on success or on any error path: every freed block is
//! searched (by `jose_alloc_probe::Probe`) for the base64url text and the
//! bytes of every private member, while JWKs and JWK Sets are parsed,
//! refused half-way, skipped in a set and written out again.
//!
//! The attack: a process that parsed a private key and dropped it leaves
//! the key in freed heap memory, where a later bug (an uninitialized read,
//! a core dump, a swapped page) can reveal it.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use jose_core::b64;
use jose_jwk::{Jwk, JwkSet, KeySpec};
use jose_rustcrypto::PROVIDER;
use serde_json::Value;
use zeroize::Zeroizing;

#[global_allocator]
static PROBE: jose_alloc_probe::Probe = jose_alloc_probe::Probe;

/// The private members a JWK can have.
const PRIVATE: &[&str] = &["d", "p", "q", "dp", "dq", "qi", "k"];

/// Markers for every private member of `json`: the first and last 16
/// characters of its base64url text and of the bytes it decodes to.
fn markers(json: &str, into: &mut Vec<Vec<u8>>) {
    labelled_markers(json, into, &mut Vec::new());
}

/// [`markers`], with a label for each ("EC d text", "RSA p bytes").
fn labelled_markers(json: &str, into: &mut Vec<Vec<u8>>, labels: &mut Vec<String>) {
    let v: Value = serde_json::from_str(json).unwrap();
    let kty = v["kty"].as_str().unwrap_or("?").to_owned();
    for name in PRIVATE {
        if let Some(text) = v.get(*name).and_then(Value::as_str) {
            // The first and the last 16 characters and bytes: a partial
            // copy of either end is found too.
            let bytes = b64::decode("test", text).unwrap();
            let text = text.as_bytes();
            for (what, whole) in [("text", text), ("bytes", bytes.as_slice())] {
                into.push(whole[..16].to_vec());
                labels.push(format!("{kty} {name} {what} start"));
                into.push(whole[whole.len() - 16..].to_vec());
                labels.push(format!("{kty} {name} {what} end"));
            }
        }
    }
}

/// JSON `key` with member `name` replaced by `value` (raw JSON text),
/// made before watching.
fn with_member(key: &str, name: &str, value: &str) -> Zeroizing<String> {
    let mut v: serde_json::Map<String, Value> = serde_json::from_str(key).unwrap();
    v.insert(name.into(), serde_json::from_str(value).unwrap());
    Zeroizing::new(serde_json::to_string(&v).unwrap())
}

/// The probe itself finds a secret that is dropped without zeroizing, so
/// that the test below cannot pass by finding nothing ever.
#[test]
fn the_probe_sees_an_unzeroized_secret() {
    let marker = b"not-zeroized-0123456789".to_vec();
    let hits = jose_alloc_probe::watch(&[marker], || {
        let leaked = String::from("...not-zeroized-0123456789...");
        drop(std::hint::black_box(leaked));
    });
    assert_eq!(hits, vec![0]);
    let hits = jose_alloc_probe::watch(&[b"zeroized-0123456789".to_vec()], || {
        let kept = Zeroizing::new(String::from("...zeroized-0123456789..."));
        drop(std::hint::black_box(kept));
    });
    assert!(hits.is_empty());
}

/// JWK and JWK Set parsing and `to_json`: every private member of RSA
/// (with CRT), P-256, Ed25519, X25519 and symmetric keys, through
/// successful parses, keys refused at each step (after `d` was taken,
/// before, by the JSON parser, by trailing data), skipped set members and
/// serialization, leaves no copy in freed memory. The CLI parses key files
/// the same way: `json::parse_object`, then `Jwk::from_object` or
/// `JwkSet::from_object` (checked below).
#[test]
fn no_private_member_survives_jwk_parse_or_serialize() {
    // Keys made before watching: an RSA key with CRT members, P-256,
    // Ed25519, X25519 and a symmetric key.
    let keys: Vec<Zeroizing<String>> = [
        KeySpec::from(jose_core::JwsAlgorithm::Rs256),
        KeySpec::from(jose_core::JwsAlgorithm::Es256),
        KeySpec::from(jose_core::JwsAlgorithm::EdDsa),
        KeySpec::from(jose_core::KeyManagementAlgorithm::EcdhEs),
        KeySpec::from(jose_core::JwsAlgorithm::Hs256),
    ]
    .into_iter()
    .map(|spec| PROVIDER.generate(spec).unwrap().to_json())
    .collect();
    let mut marks = Vec::new();
    for key in &keys {
        markers(key, &mut marks);
    }
    assert!(marks.len() >= 20, "{}", marks.len());

    // Refused keys that hold a private member, each refused at a
    // different step: after `d` was taken, before, or by the JSON parser.
    let ed = &keys[2];
    let rsa = &keys[0];
    let refused: Vec<Zeroizing<String>> = vec![
        with_member(ed, "x", "\"c2hvcnQ\""),
        with_member(ed, "kty", "\"XYZ\""),
        with_member(ed, "crv", "\"P-256\""),
        with_member(rsa, "oth", "[]"),
        with_member(rsa, "n", "\"AQAB\""),
        with_member(rsa, "qi", "7"),
        with_member(ed, "alg", "\"RS256\""),
        with_member(ed, "key_ops", "[\"sign\",\"sign\"]"),
        with_member(&keys[4], "kty", "\"RSA\""),
        // `d` as an array holding its text.
        {
            let v: Value = serde_json::from_str(ed).unwrap();
            let d = v["d"].as_str().unwrap().to_owned();
            let out = with_member(ed, "d", &format!("[\"{d}\"]"));
            drop(Zeroizing::new(d));
            out
        },
        // A duplicate member after the private one, and JSON cut short.
        Zeroizing::new(format!("{},\"x\":1}}", &ed[..ed.len() - 1])),
        Zeroizing::new(ed[..ed.len() - 2].to_string()),
        Zeroizing::new(format!("{}]}}", &ed[..ed.len() - 1])),
        // Trailing data after a whole key (two key files concatenated),
        // and a top-level array of keys.
        Zeroizing::new(format!("{} x", ed.as_str())),
        Zeroizing::new(format!("{}{}", ed.as_str(), keys[1].as_str())),
        Zeroizing::new(format!("[{}]", ed.as_str())),
    ];
    // The refused keys that are whole JSON objects, for a set.
    const TAKEN: usize = 10;
    let set_text = {
        let mut s = String::from("{\"keys\":[");
        for (i, k) in keys.iter().chain(refused.iter().take(TAKEN)).enumerate() {
            if i > 0 {
                s.push(',');
            }
            s.push_str(k);
        }
        s.push_str("]}");
        Zeroizing::new(s)
    };

    let hits = jose_alloc_probe::watch(&marks, || {
        for key in &keys {
            let jwk = Jwk::from_json(key.as_bytes()).unwrap();
            let again = jwk.to_json();
            assert_eq!(Jwk::from_json(again.as_bytes()).unwrap(), jwk);
            drop(again);
            drop(jwk);
        }
        for bad in &refused {
            assert!(Jwk::from_json(bad.as_bytes()).is_err(), "{}", bad.as_str());
            let _ = JwkSet::from_json(bad.as_bytes());
        }
        // As the CLI reads a key file: one parse, then the key parser.
        for text in keys.iter().chain(std::iter::once(&set_text)) {
            let obj = jose_core::json::parse_object("key file", text.as_bytes()).unwrap();
            let options = jose_jwk::JwkOptions::default();
            if obj.contains_key("keys") {
                drop(JwkSet::from_object(obj, &options).unwrap());
            } else {
                drop(Jwk::from_object(obj, &options).unwrap());
            }
        }
        let set = JwkSet::from_json(set_text.as_bytes()).unwrap();
        assert_eq!(set.keys().len(), keys.len());
        assert_eq!(set.skipped().len(), TAKEN);
        drop(set.to_json());
        drop(set);
    });
    let found: Vec<String> = hits
        .iter()
        .map(|&i| String::from_utf8_lossy(&marks[i]).into_owned())
        .collect();
    assert!(
        found.is_empty(),
        "private members left in freed memory: {found:?}"
    );
}

/// PEM and DER import and export of private keys, on success and on a
/// document that does not decode, leave no private member in freed memory.
///
/// Not RSA: importing checks the key with the backend, and the `rsa` crate
/// (0.10.0) leaves temporaries of its CRT precomputation (dp, dq, qinv)
/// unzeroized (its own `TODO(tarcieri): zeroize intermediate parameters`
/// in `PrivateKey::precompute`), which this workspace cannot reach.
#[test]
fn no_private_member_survives_pem_import_or_export() {
    use jose_jwk::KeyFormat;
    let keys: Vec<Jwk> = [KeySpec::from(jose_core::JwsAlgorithm::EdDsa)]
        .into_iter()
        .map(|spec| PROVIDER.generate(spec).unwrap())
        .collect();
    let mut marks = Vec::new();
    let mut labels = Vec::new();
    for key in &keys {
        labelled_markers(&key.to_json(), &mut marks, &mut labels);
    }
    let pems: Vec<Zeroizing<String>> = keys
        .iter()
        .map(|k| k.to_pem(KeyFormat::Pkcs8).unwrap())
        .collect();
    // The body's last base64 character made invalid: decoding fails after
    // the private key's bytes were decoded.
    let cut: Vec<Zeroizing<String>> = pems
        .iter()
        .map(|p| {
            let end = p.find("\n-----END").unwrap();
            let mut bad = Zeroizing::new(p.to_string());
            bad.replace_range(end - 1..end, "!");
            bad
        })
        .collect();
    let hits = jose_alloc_probe::watch(&marks, || {
        for (pem, key) in pems.iter().zip(&keys) {
            let back = Jwk::from_pem(pem, &PROVIDER).unwrap();
            assert!(back.is_private());
            assert_eq!(back.thumbprint_input(), key.thumbprint_input());
            drop(back.to_pem(KeyFormat::Pkcs8).unwrap());
            drop(back.to_der(KeyFormat::Pkcs8).unwrap());
        }
        for bad in &cut {
            assert!(Jwk::from_pem(bad, &PROVIDER).is_err());
        }
    });
    let found: Vec<&String> = hits.iter().map(|&i| &labels[i]).collect();
    assert!(
        found.is_empty(),
        "private members left in freed memory: {found:?}"
    );
}
