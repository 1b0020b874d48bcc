//! Integration tests of `jose-jws`: the JWS examples of RFC 7515, RFC 7520
//! (section 4 and the Ed25519 cookbook file), RFC 7797 and RFC 8037, round
//! trips through `JwsBuilder` for every JWS algorithm, attacks and malformed
//! input, and property tests.
//!
//! Deterministic signatures (HMAC, RSASSA-PKCS1-v1_5, Ed25519) are
//! reproduced byte for byte from the vector's own signing input: the builder
//! serializes its own header, so the vectors' header bytes are signed
//! directly through the `Signer`.

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
use jose_core::{
    Algorithm, Error, Header, JwsAlgorithm, KeyStore, MalformedReason, Policy, Signer,
    VerifyingKey, b64,
};
use jose_jwk::{Jwk, JwkSet, JwkSetStore, KeyOp, KeySpec, KeyUse};
use jose_jws::{JwsBuilder, Limits, SignatureSpec, Verification, Verified, danger};
use jose_tests::{assert_err, header_of, jwk_of, str_at, vector};
use serde_json::{Value, json};

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// The backend under test.
use super::PROVIDER as P;

fn signer(jwk: &Jwk, alg: JwsAlgorithm) -> Box<dyn Signer> {
    P.signing_key(jwk).unwrap().signer(alg).unwrap()
}

fn verifying(jwk: &Jwk) -> Arc<dyn VerifyingKey> {
    P.verifier(jwk).unwrap()
}

/// A key store of the public halves of `keys` (symmetric keys as they are).
fn store_of(keys: &[&Jwk]) -> JwkSetStore {
    let set: JwkSet = keys
        .iter()
        .map(|k| k.to_public().unwrap_or_else(|| (*k).clone()))
        .collect();
    let store = JwkSetStore::new(&set, &P);
    assert!(store.skipped().is_empty(), "{:?}", store.skipped());
    store
}

/// A store of keys of several types, HMAC among them: a verifier has to
/// opt in to mixing symmetric and asymmetric keys.
fn mixed_store_of(keys: &[&Jwk]) -> JwkSetStore {
    store_of(keys).allow_symmetric_and_asymmetric()
}

fn allow(algs: &[JwsAlgorithm]) -> Verification {
    Verification::new(algs).unwrap()
}

/// The base64url signature of `signer` over `input`.
fn sign_b64(signer: &dyn Signer, input: &str) -> String {
    b64::encode(&signer.sign(input.as_bytes()).unwrap())
}

/// A compact JWS with exactly `header` as protected header text, signed by
/// `signer` (whatever alg the header names).
fn craft(header: &str, payload: &[u8], signer: &dyn Signer) -> String {
    let input = format!(
        "{}.{}",
        b64::encode(header.as_bytes()),
        b64::encode(payload)
    );
    let sig = sign_b64(signer, &input);
    format!("{input}.{sig}")
}

/// Replaces part `index` of a compact JWS.
fn with_part(token: &str, index: usize, part: &str) -> String {
    let mut parts: Vec<&str> = token.split('.').collect();
    parts[index] = part;
    parts.join(".")
}

/// Replaces the character at byte `index` of an ASCII string.
fn replace_char(s: &str, index: usize, c: char) -> String {
    let mut out = String::with_capacity(s.len());
    out.push_str(&s[..index]);
    out.push(c);
    out.push_str(&s[index + 1..]);
    out
}

/// Another character of the base64url alphabet than `c`, that keeps the
/// same two low bits (so it is valid in any position, even the last).
fn other_b64_char(c: char) -> char {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let byte = u8::try_from(c).unwrap();
    let i = ALPHABET.iter().position(|&a| a == byte).unwrap();
    ALPHABET[(i + 16) % 64] as char
}

/// The RFC 7515 A.1 HMAC key (64 bytes, no `alg`, no `use`).
fn a1_hmac_key() -> Jwk {
    jwk_of(&vector("rfc7515/A.1.json")["key"])
}

/// The RFC 7515 A.2 RSA key (2048 bits).
fn a2_rsa_key() -> Jwk {
    jwk_of(&vector("rfc7515/A.2.json")["key"])
}

/// The RFC 7515 A.3 P-256 key.
fn a3_ec_key() -> Jwk {
    jwk_of(&vector("rfc7515/A.3.json")["key"])
}

/// One 2048-bit RSA key for every RS*/PS* round trip (generation is slow).
fn rsa_key() -> &'static Jwk {
    static KEY: OnceLock<Jwk> = OnceLock::new();
    KEY.get_or_init(|| P.generate(KeyShape::Rsa { bits: 2048 }).unwrap())
}

/// A fresh private key for `alg` (the shared RSA key for RS*/PS*).
fn key_for(alg: JwsAlgorithm) -> Jwk {
    let spec = KeySpec::from(alg).shape().unwrap();
    match spec {
        KeyShape::Rsa { .. } => rsa_key().clone(),
        spec => P.generate(spec).unwrap(),
    }
}

/// Checks what every successful verification must show.
fn check_verified(got: &Verified, payload: &[u8], alg: JwsAlgorithm, index: usize) {
    assert_eq!(got.payload, payload);
    assert_eq!(got.alg, alg);
    assert_eq!(got.signature_index, index);
}

/// DER encoding (SEQUENCE of two INTEGERs) of a fixed-length ECDSA `r || s`.
fn ecdsa_to_der(sig: &[u8]) -> Vec<u8> {
    fn integer(bytes: &[u8]) -> Vec<u8> {
        let start = bytes
            .iter()
            .position(|&b| b != 0)
            .unwrap_or(bytes.len() - 1);
        let mut v = bytes[start..].to_vec();
        if v[0] & 0x80 != 0 {
            v.insert(0, 0);
        }
        let mut out = vec![0x02];
        out.extend(der_len(v.len()));
        out.extend(v);
        out
    }
    fn der_len(len: usize) -> Vec<u8> {
        match len {
            0..=127 => vec![u8::try_from(len).unwrap()],
            128..=255 => vec![0x81, u8::try_from(len).unwrap()],
            _ => panic!("too long for this helper"),
        }
    }
    let (r, s) = sig.split_at(sig.len() / 2);
    let mut body = integer(r);
    body.extend(integer(s));
    let mut out = vec![0x30];
    out.extend(der_len(body.len()));
    out.extend(body);
    out
}

// ---------------------------------------------------------------------------
// RFC 7515 appendix A
// ---------------------------------------------------------------------------

mod rfc7515 {
    use super::*;

    /// The checks shared by A.1 to A.4: the vector is self-consistent, the
    /// given compact JWS verifies with exactly the vector's algorithm, and a
    /// deterministic signature is reproduced byte for byte.
    fn check_compact(path: &str, deterministic: bool) -> (Value, Jwk) {
        let v = vector(path);
        let alg: JwsAlgorithm = str_at(&v, "/alg").parse().unwrap();
        let jwk = jwk_of(&v["key"]);
        let protected_b64 = str_at(&v, "/protected_b64u");
        let payload_b64 = str_at(&v, "/payload_b64u");
        let payload = str_at(&v, "/payload_raw").as_bytes();
        let signing_input = str_at(&v, "/signing_input");
        let sig = str_at(&v, "/signature_b64u");
        let compact = str_at(&v, "/expected/compact");

        assert_eq!(
            b64::encode(str_at(&v, "/protected_header_raw").as_bytes()),
            protected_b64
        );
        assert_eq!(b64::encode(payload), payload_b64);
        assert_eq!(signing_input, format!("{protected_b64}.{payload_b64}"));
        assert_eq!(compact, format!("{signing_input}.{sig}"));

        let vk = verifying(&jwk.to_public().unwrap_or_else(|| jwk.clone()));
        let got = allow(&[alg]).verify(compact, &vk).unwrap();
        check_verified(&got, payload, alg, 0);
        assert_eq!(got.protected, header_of(&v["protected_header"]));
        assert_eq!(got.unprotected, None);

        // Every other algorithm is refused before any key is used.
        let others: Vec<JwsAlgorithm> = JwsAlgorithm::ALL
            .iter()
            .copied()
            .filter(|a| *a != alg)
            .collect();
        assert_eq!(
            allow(&others).verify(compact, &vk).unwrap_err(),
            Error::Policy(Policy::AlgorithmNotAllowed(alg.name().into()))
        );

        let signer = signer(&jwk, alg);
        let mine = sign_b64(signer.as_ref(), signing_input);
        if deterministic {
            assert_eq!(mine, sig, "{path}: signature not reproduced");
        }
        // Ours over the vector's exact signing input verifies too.
        let token = format!("{signing_input}.{mine}");
        check_verified(&allow(&[alg]).verify(&token, &vk).unwrap(), payload, alg, 0);
        (v, jwk)
    }

    /// A round trip through the builder with the vector's key and payload.
    fn builder_round_trip(jwk: &Jwk, alg: JwsAlgorithm, payload: &[u8]) {
        let vk = verifying(&jwk.to_public().unwrap_or_else(|| jwk.clone()));
        let signer = signer(jwk, alg);
        let token = JwsBuilder::new(payload).compact(signer.as_ref()).unwrap();
        check_verified(&allow(&[alg]).verify(&token, &vk).unwrap(), payload, alg, 0);
        let flat = JwsBuilder::new(payload)
            .flattened(SignatureSpec::new(signer.as_ref()))
            .unwrap();
        check_verified(&allow(&[alg]).verify(&flat, &vk).unwrap(), payload, alg, 0);
    }

    #[test]
    fn a_1_hs256() {
        let (v, jwk) = check_compact("rfc7515/A.1.json", true);
        let compact = str_at(&v, "/expected/compact");
        let got = allow(&[JwsAlgorithm::Hs256])
            .verify(compact, &verifying(&jwk))
            .unwrap();
        assert_eq!(got.protected.typ.as_deref(), Some("JWT"));
        // The A.1 key also works as a JwkSetStore.
        let store = store_of(&[&jwk]);
        let got = allow(&[JwsAlgorithm::Hs256])
            .verify(compact, &store)
            .unwrap();
        assert_eq!(got.payload, str_at(&v, "/payload_raw").as_bytes());
        builder_round_trip(&jwk, JwsAlgorithm::Hs256, b"A.1 round trip");
    }

    #[test]
    fn a_2_rs256() {
        let (_, jwk) = check_compact("rfc7515/A.2.json", true);
        builder_round_trip(&jwk, JwsAlgorithm::Rs256, b"A.2 round trip");
    }

    #[test]
    fn a_3_es256() {
        let (_, jwk) = check_compact("rfc7515/A.3.json", false);
        builder_round_trip(&jwk, JwsAlgorithm::Es256, b"A.3 round trip");
    }

    #[test]
    fn a_4_es512() {
        let (_, jwk) = check_compact("rfc7515/A.4.json", false);
        builder_round_trip(&jwk, JwsAlgorithm::Es512, b"Payload");
    }

    #[test]
    fn a_5_unsecured_is_rejected() {
        let v = vector("rfc7515/A.5.json");
        let compact = str_at(&v, "/expected/compact");
        assert!(compact.ends_with('.'));
        let store = store_of(&[&a1_hmac_key(), &a2_rsa_key(), &a3_ec_key()]);
        let everything = allow(JwsAlgorithm::ALL);
        let none = Error::Policy(Policy::NoneAlgorithm);
        // As given, with an empty signature.
        assert_eq!(everything.verify(compact, &store).unwrap_err(), none);
        // With a signature part added (here an HMAC by a key the verifier
        // has, over the exact signing input).
        let input = str_at(&v, "/signing_input");
        let mac = sign_b64(signer(&a1_hmac_key(), JwsAlgorithm::Hs256).as_ref(), input);
        let signed = format!("{input}.{mac}");
        assert_eq!(everything.verify(&signed, &store).unwrap_err(), none);
        assert_eq!(
            everything
                .verify(&format!("{input}.c2ln"), &store)
                .unwrap_err(),
            none
        );
        // Detached, and in JSON.
        let detached = format!("{}..{mac}", str_at(&v, "/protected_b64u"));
        assert_eq!(
            everything
                .verify_detached(&detached, str_at(&v, "/payload_raw").as_bytes(), &store)
                .unwrap_err(),
            none
        );
        let flat = json!({
            "protected": str_at(&v, "/protected_b64u"),
            "payload": str_at(&v, "/payload_b64u"),
            "signature": "",
        });
        assert_eq!(
            everything.verify(&flat.to_string(), &store).unwrap_err(),
            none
        );
        // Even reading it without a key refuses "none".
        assert_eq!(danger::decode_unverified(compact).unwrap_err(), none);
    }

    #[test]
    fn a_6_general_two_signatures() {
        let v = vector("rfc7515/A.6.json");
        let payload = str_at(&v, "/payload_raw").as_bytes();
        let general = v["expected"]["json_general"].to_string();
        let rsa = jwk_of(&v["signatures"][0]["key"]);
        let ec = jwk_of(&v["signatures"][1]["key"]);
        let both = [JwsAlgorithm::Rs256, JwsAlgorithm::Es256];

        // A JWK Set of both keys, with the kids of the unprotected headers.
        let rsa_kid = str_at(&v, "/signatures/0/unprotected_header/kid");
        let ec_kid = str_at(&v, "/signatures/1/unprotected_header/kid");
        let store = store_of(&[&rsa.clone().with_kid(rsa_kid), &ec.clone().with_kid(ec_kid)]);
        let got = allow(&both).verify(&general, &store).unwrap();
        check_verified(&got, payload, JwsAlgorithm::Rs256, 0);
        assert_eq!(got.unprotected.unwrap().kid.as_deref(), Some(rsa_kid));
        let got = allow(&[JwsAlgorithm::Es256])
            .verify(&general, &store)
            .unwrap();
        check_verified(&got, payload, JwsAlgorithm::Es256, 1);
        assert_eq!(got.unprotected.unwrap().kid.as_deref(), Some(ec_kid));

        // Each key alone verifies its own signature.
        let ec_vk = verifying(&ec.to_public().unwrap());
        let got = allow(&both).verify(&general, &ec_vk).unwrap();
        check_verified(&got, payload, JwsAlgorithm::Es256, 1);
        let rsa_vk = verifying(&rsa.to_public().unwrap());
        let got = allow(&both).verify(&general, &rsa_vk).unwrap();
        check_verified(&got, payload, JwsAlgorithm::Rs256, 0);

        // The per-signature values are those of A.2 and A.3.
        for (i, path) in [(0, "rfc7515/A.2.json"), (1, "rfc7515/A.3.json")] {
            let single = vector(path);
            let sig = &v["signatures"][i];
            assert_eq!(sig["protected_b64u"], single["protected_b64u"]);
            assert_eq!(sig["signature_b64u"], single["signature_b64u"]);
            assert_eq!(
                v["expected"]["json_general"]["signatures"][i]["signature"],
                sig["signature_b64u"]
            );
        }

        // RS256 re-signed byte for byte over the exact protected header.
        let input = format!(
            "{}.{}",
            str_at(&v, "/signatures/0/protected_b64u"),
            str_at(&v, "/payload_b64u")
        );
        assert_eq!(
            sign_b64(signer(&rsa, JwsAlgorithm::Rs256).as_ref(), &input),
            str_at(&v, "/signatures/0/signature_b64u")
        );

        // Our own general JWS with the same shape verifies the same way.
        let rs = signer(&rsa, JwsAlgorithm::Rs256);
        let es = signer(&ec, JwsAlgorithm::Es256);
        let mut rsa_header = Header::new();
        rsa_header.kid = Some(rsa_kid.into());
        let mut ec_header = Header::new();
        ec_header.kid = Some(ec_kid.into());
        let ours = JwsBuilder::new(payload)
            .general(&[
                SignatureSpec::new(rs.as_ref()).unprotected(rsa_header),
                SignatureSpec::new(es.as_ref()).unprotected(ec_header),
            ])
            .unwrap();
        let got = allow(&[JwsAlgorithm::Es256]).verify(&ours, &store).unwrap();
        check_verified(&got, payload, JwsAlgorithm::Es256, 1);
        assert_eq!(got.protected.kid, None);
        assert_eq!(got.unprotected.unwrap().kid.as_deref(), Some(ec_kid));
    }

    #[test]
    fn a_7_flattened() {
        let v = vector("rfc7515/A.7.json");
        let payload = str_at(&v, "/payload_raw").as_bytes();
        let flat = v["expected"]["json_flattened"].to_string();
        let jwk = jwk_of(&v["key"]);
        let vk = verifying(&jwk.to_public().unwrap());
        let got = allow(&[JwsAlgorithm::Es256]).verify(&flat, &vk).unwrap();
        check_verified(&got, payload, JwsAlgorithm::Es256, 0);
        assert_eq!(got.protected, header_of(&v["protected_header"]));
        assert_eq!(got.unprotected, Some(header_of(&v["unprotected_header"])));
        assert_eq!(
            allow(&[JwsAlgorithm::Rs256])
                .verify(&flat, &vk)
                .unwrap_err(),
            Error::Policy(Policy::AlgorithmNotAllowed("ES256".into()))
        );

        // The kid of the unprotected header selects the key from a set.
        let kid = str_at(&v, "/unprotected_header/kid");
        let store = store_of(&[&a2_rsa_key().with_kid(kid), &jwk.clone().with_kid(kid)]);
        let got = allow(&[JwsAlgorithm::Es256, JwsAlgorithm::Rs256])
            .verify(&flat, &store)
            .unwrap();
        check_verified(&got, payload, JwsAlgorithm::Es256, 0);

        // Round trip with the same shape.
        let es = signer(&jwk, JwsAlgorithm::Es256);
        let mut header = Header::new();
        header.kid = Some(kid.into());
        let ours = JwsBuilder::new(payload)
            .flattened(SignatureSpec::new(es.as_ref()).unprotected(header))
            .unwrap();
        let parsed: Value = serde_json::from_str(&ours).unwrap();
        assert_eq!(parsed["header"], v["unprotected_header"]);
        assert_eq!(parsed["payload"], v["payload_b64u"]);
        assert_eq!(parsed["protected"], v["protected_b64u"]);
        let got = allow(&[JwsAlgorithm::Es256]).verify(&ours, &store).unwrap();
        check_verified(&got, payload, JwsAlgorithm::Es256, 0);
    }
}

// ---------------------------------------------------------------------------
// RFC 7520 section 4 (the JOSE cookbook) and the cookbook's Ed25519 file
// ---------------------------------------------------------------------------

mod rfc7520 {
    use super::*;

    /// Every serialization a cookbook file gives, by its name in `output`.
    fn outputs(v: &Value) -> Vec<(String, String)> {
        let out = v["output"].as_object().unwrap();
        out.iter()
            .map(|(form, value)| {
                let text = match value {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                (form.clone(), text)
            })
            .collect()
    }

    /// Checks a single-signature cookbook file: the vector is consistent,
    /// every serialization in `forms` (and no other) verifies to the input
    /// payload and headers, a deterministic signature is reproduced byte for
    /// byte from `sig-input`, and a randomized one round-trips through the
    /// builder.
    fn check_single(path: &str, forms: &[&str], detached: bool, deterministic: bool) {
        let v = vector(path);
        let payload = str_at(&v, "/input/payload").as_bytes();
        let alg: JwsAlgorithm = str_at(&v, "/input/alg").parse().unwrap();
        let jwk = jwk_of(&v["input"]["key"]);
        let signing = &v["signing"];
        let protected_b64 = signing
            .get("protected_b64u")
            .and_then(Value::as_str)
            .unwrap_or("");
        let sig_input = str_at(signing, "/sig-input");
        let sig = str_at(signing, "/sig");

        // The vector agrees with itself.
        assert_eq!(
            sig_input,
            format!("{protected_b64}.{}", b64::encode(payload))
        );
        let expected_protected = match signing.get("protected") {
            Some(h) => {
                let decoded = b64::decode("protected", protected_b64).unwrap();
                let decoded: Value = serde_json::from_slice(&decoded).unwrap();
                assert_eq!(&decoded, h);
                header_of(h)
            }
            None => Header::new(),
        };
        let expected_unprotected = signing.get("unprotected").map(header_of);

        let public = jwk.to_public().unwrap_or_else(|| jwk.clone());
        let vk = verifying(&public);
        let store = store_of(&[&jwk]);
        let mut found: Vec<String> = Vec::new();
        for (form, text) in outputs(&v) {
            found.push(form.clone());
            for keys in [&vk as &dyn KeyStore, &store] {
                let verification = allow(&[alg]);
                let got = if detached {
                    verification.verify_detached(&text, payload, keys)
                } else {
                    verification.verify(&text, keys)
                }
                .unwrap_or_else(|e| panic!("{path} {form}: {e}"));
                check_verified(&got, payload, alg, 0);
                assert_eq!(got.protected, expected_protected, "{path} {form}");
                if form == "compact" {
                    assert_eq!(got.unprotected, None);
                } else {
                    assert_eq!(got.unprotected, expected_unprotected, "{path} {form}");
                }
            }
            // The same JWS under an allow-list without its algorithm.
            let other = if alg == JwsAlgorithm::Hs256 {
                JwsAlgorithm::Hs512
            } else {
                JwsAlgorithm::Hs256
            };
            let refused = if detached {
                allow(&[other]).verify_detached(&text, payload, &vk)
            } else {
                allow(&[other]).verify(&text, &vk)
            };
            assert_eq!(
                refused.unwrap_err(),
                Error::Policy(Policy::AlgorithmNotAllowed(alg.name().into()))
            );
            if form == "compact" {
                assert_eq!(text.rsplit('.').next(), Some(sig));
            }
        }
        found.sort();
        let mut wanted: Vec<String> = forms.iter().map(|f| (*f).to_string()).collect();
        wanted.sort();
        assert_eq!(found, wanted, "{path}: serializations");

        let signer = signer(&jwk, alg);
        if deterministic {
            assert_eq!(sign_b64(signer.as_ref(), sig_input), sig, "{path}");
        } else {
            // Randomized: ours over the same input verifies, and so do the
            // builder's serializations.
            let token = format!("{sig_input}.{}", sign_b64(signer.as_ref(), sig_input));
            check_verified(&allow(&[alg]).verify(&token, &vk).unwrap(), payload, alg, 0);
            let builder = JwsBuilder::new(payload);
            for token in [
                builder.compact(signer.as_ref()).unwrap(),
                builder
                    .flattened(SignatureSpec::new(signer.as_ref()))
                    .unwrap(),
                builder
                    .general(&[SignatureSpec::new(signer.as_ref())])
                    .unwrap(),
            ] {
                let got = allow(&[alg]).verify(&token, &store).unwrap();
                check_verified(&got, payload, alg, 0);
                assert_eq!(got.protected.kid.as_deref(), jwk.kid());
            }
        }
    }

    const ALL_FORMS: &[&str] = &["compact", "json", "json_flat"];
    const JSON_FORMS: &[&str] = &["json", "json_flat"];

    #[test]
    fn every_section_4_file_is_tested() {
        let names: Vec<String> = jose_tests::vectors_in("rfc7520/jws")
            .into_iter()
            .map(|(name, _)| name)
            .collect();
        assert_eq!(
            names,
            [
                "rfc7520/jws/4_1.rsa_v15_signature.json",
                "rfc7520/jws/4_2.rsa-pss_signature.json",
                "rfc7520/jws/4_3.ecdsa_signature.json",
                "rfc7520/jws/4_4.hmac-sha2_integrity_protection.json",
                "rfc7520/jws/4_5.signature_with_detached_content.json",
                "rfc7520/jws/4_6.protecting_specific_header_fields.json",
                "rfc7520/jws/4_7.protecting_content_only.json",
                "rfc7520/jws/4_8.multiple_signatures.json",
            ]
        );
    }

    #[test]
    fn jws_4_1_rsa_v15() {
        check_single(
            "rfc7520/jws/4_1.rsa_v15_signature.json",
            ALL_FORMS,
            false,
            true,
        );
    }

    #[test]
    fn jws_4_2_rsa_pss() {
        check_single(
            "rfc7520/jws/4_2.rsa-pss_signature.json",
            ALL_FORMS,
            false,
            false,
        );
    }

    #[test]
    fn jws_4_3_ecdsa() {
        check_single(
            "rfc7520/jws/4_3.ecdsa_signature.json",
            ALL_FORMS,
            false,
            false,
        );
    }

    #[test]
    fn jws_4_4_hmac() {
        check_single(
            "rfc7520/jws/4_4.hmac-sha2_integrity_protection.json",
            ALL_FORMS,
            false,
            true,
        );
    }

    #[test]
    fn jws_4_5_detached() {
        let path = "rfc7520/jws/4_5.signature_with_detached_content.json";
        check_single(path, ALL_FORMS, true, true);
        let v = vector(path);
        let vk = verifying(&jwk_of(&v["input"]["key"]));
        let hs = allow(&[JwsAlgorithm::Hs256]);
        let payload = str_at(&v, "/input/payload").as_bytes();
        // The detached forms need the payload: a compact JWS with an empty
        // middle part reads as an empty payload (RFC 7515 cannot tell the
        // two apart), which does not verify; JSON without "payload" says so.
        for (form, text) in outputs(&v) {
            let expected = if text.starts_with('{') {
                Error::malformed(
                    "payload",
                    MalformedReason::Invalid("is detached: verify it with the detached payload"),
                )
            } else {
                Error::BadSignature
            };
            assert_eq!(hs.verify(&text, &vk).unwrap_err(), expected, "{form}");
            // ...and only the right one verifies.
            assert_eq!(
                hs.verify_detached(&text, b"another payload", &vk)
                    .unwrap_err(),
                Error::BadSignature
            );
        }
        // An attached JWS is not verified as detached.
        let attached = str_at(
            &vector("rfc7520/jws/4_4.hmac-sha2_integrity_protection.json"),
            "/output/compact",
        )
        .to_string();
        assert_eq!(
            hs.verify_detached(&attached, payload, &vk).unwrap_err(),
            Error::malformed("payload", MalformedReason::Unexpected)
        );
        // The builder's detached forms.
        let signer = signer(&jwk_of(&v["input"]["key"]), JwsAlgorithm::Hs256);
        let builder = JwsBuilder::new(payload).detached();
        let compact = builder.compact(signer.as_ref()).unwrap();
        assert_eq!(compact.split('.').nth(1), Some(""));
        let flat = builder
            .flattened(SignatureSpec::new(signer.as_ref()))
            .unwrap();
        assert!(
            serde_json::from_str::<Value>(&flat)
                .unwrap()
                .get("payload")
                .is_none()
        );
        for token in [compact, flat] {
            let got = hs.verify_detached(&token, payload, &vk).unwrap();
            check_verified(&got, payload, JwsAlgorithm::Hs256, 0);
        }
    }

    #[test]
    fn jws_4_6_protected_and_unprotected_header() {
        check_single(
            "rfc7520/jws/4_6.protecting_specific_header_fields.json",
            JSON_FORMS,
            false,
            true,
        );
    }

    #[test]
    fn jws_4_7_only_unprotected_header() {
        let path = "rfc7520/jws/4_7.protecting_content_only.json";
        check_single(path, JSON_FORMS, false, true);
        // The signing input starts with "." (empty protected header).
        let v = vector(path);
        assert!(str_at(&v, "/signing/sig-input").starts_with('.'));
    }

    #[test]
    fn jws_4_8_multiple_signatures() {
        let v = vector("rfc7520/jws/4_8.multiple_signatures.json");
        let payload = str_at(&v, "/input/payload").as_bytes();
        let keys: Vec<Jwk> = v["input"]["key"]
            .as_array()
            .unwrap()
            .iter()
            .map(jwk_of)
            .collect();
        let algs: Vec<JwsAlgorithm> = v["input"]["alg"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap().parse().unwrap())
            .collect();
        assert_eq!(
            algs,
            [
                JwsAlgorithm::Rs256,
                JwsAlgorithm::Es512,
                JwsAlgorithm::Hs256
            ]
        );
        let general = v["output"]["json"].to_string();
        let outputs_found: Vec<&String> = v["output"].as_object().unwrap().keys().collect();
        assert_eq!(outputs_found, ["json"]);

        // One store with every key: each algorithm picks its signature.
        let store = mixed_store_of(&keys.iter().collect::<Vec<_>>());
        let got = allow(&algs).verify(&general, &store).unwrap();
        check_verified(&got, payload, JwsAlgorithm::Rs256, 0);
        for (i, alg) in algs.iter().enumerate() {
            let got = allow(&[*alg]).verify(&general, &store).unwrap();
            check_verified(&got, payload, *alg, i);
            let signing = &v["signing"][i];
            let expected_protected = signing.get("protected").map_or_else(Header::new, header_of);
            assert_eq!(got.protected, expected_protected);
            assert_eq!(got.unprotected, signing.get("unprotected").map(header_of));
        }

        // Each key alone, with every algorithm allowed, finds its own.
        for (i, (jwk, alg)) in keys.iter().zip(&algs).enumerate() {
            let vk = verifying(&jwk.to_public().unwrap_or_else(|| jwk.clone()));
            let got = allow(&algs).verify(&general, &vk).unwrap();
            check_verified(&got, payload, *alg, i);
        }

        // The deterministic signatures, byte for byte, and the vector's
        // per-signature consistency.
        for (i, (jwk, alg)) in keys.iter().zip(&algs).enumerate() {
            let signing = &v["signing"][i];
            let protected_b64 = signing
                .get("protected_b64u")
                .and_then(Value::as_str)
                .unwrap_or("");
            let sig_input = str_at(signing, "/sig-input");
            assert_eq!(
                sig_input,
                format!("{protected_b64}.{}", b64::encode(payload))
            );
            assert_eq!(
                str_at(&v, &format!("/output/json/signatures/{i}/signature")),
                str_at(signing, "/sig")
            );
            let signer = signer(jwk, *alg);
            let mine = sign_b64(signer.as_ref(), sig_input);
            if *alg == JwsAlgorithm::Es512 {
                // Randomized: ours over the same (unprotected-only) input
                // verifies when put in place of the given one.
                let mut doc = v["output"]["json"].clone();
                doc["signatures"][i]["signature"] = Value::String(mine);
                let got = allow(&[*alg]).verify(&doc.to_string(), &store).unwrap();
                check_verified(&got, payload, *alg, i);
            } else {
                assert_eq!(mine, str_at(signing, "/sig"), "signature {i}");
            }
        }

        // Our own three-signature JWS.
        let signers: Vec<Box<dyn Signer>> =
            keys.iter().zip(&algs).map(|(k, a)| signer(k, *a)).collect();
        let specs: Vec<SignatureSpec<'_>> = signers
            .iter()
            .map(|s| SignatureSpec::new(s.as_ref()))
            .collect();
        let ours = JwsBuilder::new(payload).general(&specs).unwrap();
        for (i, alg) in algs.iter().enumerate() {
            let got = allow(&[*alg]).verify(&ours, &store).unwrap();
            check_verified(&got, payload, *alg, i);
            assert_eq!(got.protected.kid.as_deref(), keys[i].kid());
        }
    }

    #[test]
    fn curve25519_ed25519() {
        check_single("rfc7520/curve25519/jws.json", ALL_FORMS, false, true);
        // Ed25519 is deterministic and the builder writes the same header,
        // so the builder reproduces the whole compact JWS.
        let v = vector("rfc7520/curve25519/jws.json");
        let jwk = jwk_of(&v["input"]["key"]);
        let token = JwsBuilder::new(str_at(&v, "/input/payload").as_bytes())
            .compact(signer(&jwk, JwsAlgorithm::EdDsa).as_ref())
            .unwrap();
        assert_eq!(token, str_at(&v, "/output/compact"));
    }
}

// ---------------------------------------------------------------------------
// RFC 8037 appendix A.4 and A.5 (Ed25519)
// ---------------------------------------------------------------------------

mod rfc8037 {
    use super::*;

    #[test]
    fn a_4_ed25519_signing() {
        let v = vector("rfc8037/A.4.json");
        let jwk = jwk_of(&v["key"]);
        let signing_input = str_at(&v, "/signing_input");
        assert_eq!(
            signing_input,
            format!(
                "{}.{}",
                str_at(&v, "/protected_b64u"),
                str_at(&v, "/payload_b64u")
            )
        );
        assert_eq!(
            b64::encode(str_at(&v, "/protected_header_raw").as_bytes()),
            str_at(&v, "/protected_b64u")
        );
        let signer = signer(&jwk, JwsAlgorithm::EdDsa);
        let sig = signer.sign(signing_input.as_bytes()).unwrap();
        let hex: String = sig.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex, str_at(&v, "/signature_hex"));
        assert_eq!(b64::encode(&sig), str_at(&v, "/signature_b64u"));
        // The builder's header is byte-identical to the vector's.
        let payload = str_at(&v, "/payload_raw").as_bytes();
        let token = JwsBuilder::new(payload).compact(signer.as_ref()).unwrap();
        assert_eq!(token, str_at(&v, "/expected/compact"));
        let got = allow(&[JwsAlgorithm::EdDsa])
            .verify(&token, &verifying(&jwk))
            .unwrap();
        check_verified(&got, payload, JwsAlgorithm::EdDsa, 0);
    }

    #[test]
    fn a_5_ed25519_validation() {
        let v = vector("rfc8037/A.5.json");
        let public = jwk_of(&v["key"]);
        assert!(!public.is_private());
        let compact = str_at(&v, "/expected/compact");
        assert_eq!(v["expected"]["valid"], Value::Bool(true));
        let payload = str_at(&v, "/payload_raw").as_bytes();
        let vk = verifying(&public);
        let got = allow(&[JwsAlgorithm::EdDsa]).verify(compact, &vk).unwrap();
        check_verified(&got, payload, JwsAlgorithm::EdDsa, 0);
        let got = allow(&[JwsAlgorithm::EdDsa])
            .verify(compact, &store_of(&[&public]))
            .unwrap();
        check_verified(&got, payload, JwsAlgorithm::EdDsa, 0);
        // The fully specified "Ed25519" (RFC 9864) is another algorithm:
        // allowing it does not allow "EdDSA".
        assert_eq!(
            allow(&[JwsAlgorithm::Ed25519])
                .verify(compact, &vk)
                .unwrap_err(),
            Error::Policy(Policy::AlgorithmNotAllowed("EdDSA".into()))
        );
        // One flipped bit of the signature fails.
        let mut sig = b64::decode("sig", compact.rsplit('.').next().unwrap()).unwrap();
        sig[10] ^= 1;
        let bad = with_part(compact, 2, &b64::encode(&sig));
        assert_eq!(
            allow(&[JwsAlgorithm::EdDsa]).verify(&bad, &vk).unwrap_err(),
            Error::BadSignature
        );
    }
}

// ---------------------------------------------------------------------------
// RFC 7797 section 4 (unencoded payload)
// ---------------------------------------------------------------------------

mod rfc7797 {
    use super::*;

    #[test]
    fn section_4_1_b64_true() {
        let v = vector("rfc7797/4.1.json");
        let jwk = jwk_of(&v["key"]);
        let vk = verifying(&jwk);
        let payload = str_at(&v, "/payload_raw").as_bytes();
        let hs = allow(&[JwsAlgorithm::Hs256]);
        let compact = str_at(&v, "/expected/compact");
        for text in [
            compact.to_string(),
            v["expected"]["json_flattened"].to_string(),
        ] {
            let got = hs.verify(&text, &vk).unwrap();
            check_verified(&got, payload, JwsAlgorithm::Hs256, 0);
            assert_eq!(got.protected.b64, None);
        }
        let signer = signer(&jwk, JwsAlgorithm::Hs256);
        assert_eq!(
            sign_b64(signer.as_ref(), str_at(&v, "/signing_input")),
            str_at(&v, "/signature_b64u")
        );
        // The builder writes {"alg":"HS256"} exactly, so it reproduces the
        // whole compact JWS.
        assert_eq!(
            JwsBuilder::new(payload).compact(signer.as_ref()).unwrap(),
            compact
        );
    }

    #[test]
    fn section_4_2_b64_false() {
        let v = vector("rfc7797/4.2.json");
        let jwk = jwk_of(&v["key"]);
        let vk = verifying(&jwk);
        let payload = str_at(&v, "/payload_raw").as_bytes();
        let hs = allow(&[JwsAlgorithm::Hs256]);
        let protected_b64 = str_at(&v, "/protected_b64u");
        assert_eq!(
            b64::encode(str_at(&v, "/protected_header_raw").as_bytes()),
            protected_b64
        );
        // The signing input holds the payload as is.
        let signing_input = str_at(&v, "/signing_input");
        assert_eq!(signing_input, format!("{protected_b64}.$.02"));

        let compact = str_at(&v, "/expected/compact_detached");
        let got = hs.verify_detached(compact, payload, &vk).unwrap();
        check_verified(&got, payload, JwsAlgorithm::Hs256, 0);
        assert_eq!(got.protected.b64, Some(false));
        assert_eq!(got.protected.crit, Some(vec!["b64".to_string()]));

        let flat = v["expected"]["json_flattened"].to_string();
        let got = hs.verify(&flat, &vk).unwrap();
        check_verified(&got, payload, JwsAlgorithm::Hs256, 0);
        let seen = danger::decode_unverified(&flat).unwrap();
        assert_eq!(seen.payload.as_deref(), Some(payload));
        assert_eq!(seen.protected.b64, Some(false));

        // Byte for byte over the unencoded signing input.
        let signer = signer(&jwk, JwsAlgorithm::Hs256);
        assert_eq!(
            sign_b64(signer.as_ref(), signing_input),
            str_at(&v, "/signature_b64u")
        );

        // The same MAC over the base64url payload is another signature.
        let wrong = hs.verify_detached(compact, b"JC4wMg", &vk);
        assert_eq!(wrong.unwrap_err(), Error::BadSignature);

        // The builder's unencoded forms.
        let builder = JwsBuilder::new(payload).unencoded();
        let detached = builder.detached().compact(signer.as_ref()).unwrap();
        let got = hs.verify_detached(&detached, payload, &vk).unwrap();
        assert_eq!(got.protected.b64, Some(false));
        assert_eq!(got.protected.crit, Some(vec!["b64".to_string()]));
        let flat = builder
            .flattened(SignatureSpec::new(signer.as_ref()))
            .unwrap();
        assert_eq!(
            serde_json::from_str::<Value>(&flat).unwrap()["payload"],
            "$.02"
        );
        check_verified(
            &hs.verify(&flat, &vk).unwrap(),
            payload,
            JwsAlgorithm::Hs256,
            0,
        );
        // An attached unencoded compact payload cannot contain '.'.
        assert_eq!(
            builder.compact(signer.as_ref()).unwrap_err(),
            Error::ApiMisuse(
                "an attached unencoded payload of a compact JWS must not contain '.' (RFC 7797 section 5.2)"
            )
        );
    }
}

// ---------------------------------------------------------------------------
// Round trips with JwsBuilder for every algorithm
// ---------------------------------------------------------------------------

mod round_trip {
    use super::*;

    /// Every serialization the builder makes for `alg` verifies, through a
    /// single key and through a JWK Set, and only under `alg`.
    fn round_trip(alg: JwsAlgorithm) {
        let kid = format!("key-{}", alg.name());
        let jwk = key_for(alg).with_kid(kid.clone());
        let signer = signer(&jwk, alg);
        assert_eq!(signer.algorithm(), alg);
        assert_eq!(signer.key_id(), Some(kid.as_str()));
        let public = jwk.to_public().unwrap_or_else(|| jwk.clone());
        let vk = verifying(&public);
        let set = store_of(&[&jwk]);
        let stores: [&dyn KeyStore; 2] = [&vk, &set];
        let v = allow(&[alg]);
        let payload: &[u8] = b"round trip \x00\xff\xfe binary payload";
        let text: &[u8] = b"unencoded $.02 payload";
        let builder = JwsBuilder::new(payload);
        let spec = || SignatureSpec::new(signer.as_ref());

        let attached = [
            builder.compact(signer.as_ref()).unwrap(),
            builder.flattened(spec()).unwrap(),
            builder.general(&[spec()]).unwrap(),
        ];
        for token in &attached {
            for keys in stores {
                let got = v.verify(token, keys).unwrap();
                check_verified(&got, payload, alg, 0);
                assert_eq!(got.protected.alg, Some(Algorithm::Signature(alg)));
                assert_eq!(got.protected.kid.as_deref(), Some(kid.as_str()));
                assert_eq!(got.protected.b64, None);
            }
        }
        let detached = builder.detached();
        for token in [
            detached.compact(signer.as_ref()).unwrap(),
            detached.flattened(spec()).unwrap(),
            detached.general(&[spec()]).unwrap(),
        ] {
            for keys in stores {
                check_verified(
                    &v.verify_detached(&token, payload, keys).unwrap(),
                    payload,
                    alg,
                    0,
                );
            }
        }
        let unencoded = JwsBuilder::new(text).unencoded();
        let unencoded_tokens = [
            unencoded.flattened(spec()).unwrap(),
            unencoded.general(&[spec()]).unwrap(),
            JwsBuilder::new(b"no-dot-here")
                .unencoded()
                .compact(signer.as_ref())
                .unwrap(),
        ];
        for token in &unencoded_tokens {
            let got = v.verify(token, &vk).unwrap();
            assert_eq!(got.protected.b64, Some(false));
            assert_eq!(got.protected.crit, Some(vec!["b64".to_string()]));
        }
        check_verified(&v.verify(&unencoded_tokens[0], &set).unwrap(), text, alg, 0);
        let unencoded_detached = unencoded.detached().compact(signer.as_ref()).unwrap();
        check_verified(
            &v.verify_detached(&unencoded_detached, text, &vk).unwrap(),
            text,
            alg,
            0,
        );

        // Any other algorithm in the allow-list only: refused by name.
        let others: Vec<JwsAlgorithm> = JwsAlgorithm::ALL
            .iter()
            .copied()
            .filter(|a| *a != alg)
            .collect();
        for token in &attached {
            assert_eq!(
                allow(&others).verify(token, &vk).unwrap_err(),
                Error::Policy(Policy::AlgorithmNotAllowed(alg.name().into()))
            );
        }
        // Another payload does not verify.
        let compact = &attached[0];
        let forged = with_part(compact, 1, &b64::encode(b"another payload"));
        assert_eq!(v.verify(&forged, &vk).unwrap_err(), Error::BadSignature);
        assert_eq!(
            v.verify_detached(&unencoded_detached, b"unencoded $.03 payload", &vk)
                .unwrap_err(),
            Error::BadSignature
        );
        // Another key of the same kind does not verify.
        let stranger = verifying(&{
            let k = match alg.requirement() {
                jose_core::KeyRequirement::Rsa => {
                    // Re-use a fixed RSA key rather than generating another.
                    a2_rsa_key()
                }
                _ => key_for(alg),
            };
            k.to_public().unwrap_or(k)
        });
        assert_eq!(
            v.verify(compact, &stranger).unwrap_err(),
            Error::BadSignature
        );
    }

    #[test]
    fn hs256() {
        round_trip(JwsAlgorithm::Hs256);
    }

    #[test]
    fn hs384() {
        round_trip(JwsAlgorithm::Hs384);
    }

    #[test]
    fn hs512() {
        round_trip(JwsAlgorithm::Hs512);
    }

    #[test]
    fn rs256() {
        round_trip(JwsAlgorithm::Rs256);
    }

    #[test]
    fn rs384() {
        round_trip(JwsAlgorithm::Rs384);
    }

    #[test]
    fn rs512() {
        round_trip(JwsAlgorithm::Rs512);
    }

    #[test]
    fn ps256() {
        round_trip(JwsAlgorithm::Ps256);
    }

    #[test]
    fn ps384() {
        round_trip(JwsAlgorithm::Ps384);
    }

    #[test]
    fn ps512() {
        round_trip(JwsAlgorithm::Ps512);
    }

    #[test]
    fn es256() {
        round_trip(JwsAlgorithm::Es256);
    }

    #[test]
    fn es384() {
        round_trip(JwsAlgorithm::Es384);
    }

    #[test]
    fn es512() {
        round_trip(JwsAlgorithm::Es512);
    }

    #[test]
    fn es256k() {
        round_trip(JwsAlgorithm::Es256K);
    }

    #[test]
    fn eddsa() {
        round_trip(JwsAlgorithm::EdDsa);
    }

    #[test]
    fn ed25519() {
        round_trip(JwsAlgorithm::Ed25519);
    }

    #[test]
    fn every_algorithm_has_a_round_trip_test() {
        use JwsAlgorithm as A;
        let tested = [
            A::Hs256,
            A::Hs384,
            A::Hs512,
            A::Rs256,
            A::Rs384,
            A::Rs512,
            A::Ps256,
            A::Ps384,
            A::Ps512,
            A::Es256,
            A::Es384,
            A::Es512,
            A::Es256K,
            A::EdDsa,
            A::Ed25519,
        ];
        let mut all = JwsAlgorithm::ALL.to_vec();
        all.sort();
        let mut tested = tested.to_vec();
        tested.sort();
        assert_eq!(all, tested);
    }

    /// A general JWS by two signers of different algorithms: each verifies
    /// with its own key, and the index says which.
    fn two_signers(a: JwsAlgorithm, b: JwsAlgorithm) {
        let ka = key_for(a).with_kid("first");
        let kb = key_for(b).with_kid("second");
        let (sa, sb) = (signer(&ka, a), signer(&kb, b));
        let payload = b"two signers";
        let token = JwsBuilder::new(payload)
            .general(&[
                SignatureSpec::new(sa.as_ref()),
                SignatureSpec::new(sb.as_ref()),
            ])
            .unwrap();
        let doc: Value = serde_json::from_str(&token).unwrap();
        assert_eq!(doc["signatures"].as_array().unwrap().len(), 2);

        let both = mixed_store_of(&[&ka, &kb]);
        let only_b = store_of(&[&kb]);
        let only_a = store_of(&[&ka]);
        check_verified(
            &allow(&[a, b]).verify(&token, &both).unwrap(),
            payload,
            a,
            0,
        );
        check_verified(&allow(&[b]).verify(&token, &both).unwrap(), payload, b, 1);
        check_verified(
            &allow(&[a, b]).verify(&token, &only_b).unwrap(),
            payload,
            b,
            1,
        );
        check_verified(
            &allow(&[a, b]).verify(&token, &only_a).unwrap(),
            payload,
            a,
            0,
        );
        let got = allow(&[a, b]).verify(&token, &only_b).unwrap();
        assert_eq!(got.protected.kid.as_deref(), Some("second"));
        // Neither key allowed for its algorithm: the first signature's error.
        assert_eq!(
            allow(&[a]).verify(&token, &only_b).unwrap_err(),
            Error::Policy(Policy::NoMatchingKey)
        );
        // Detached general JWS with both.
        let detached = JwsBuilder::new(payload)
            .detached()
            .general(&[
                SignatureSpec::new(sa.as_ref()),
                SignatureSpec::new(sb.as_ref()),
            ])
            .unwrap();
        check_verified(
            &allow(&[b])
                .verify_detached(&detached, payload, &both)
                .unwrap(),
            payload,
            b,
            1,
        );
    }

    #[test]
    fn general_hs256_and_es256() {
        two_signers(JwsAlgorithm::Hs256, JwsAlgorithm::Es256);
    }

    #[test]
    fn general_rs256_and_eddsa() {
        two_signers(JwsAlgorithm::Rs256, JwsAlgorithm::EdDsa);
    }

    #[test]
    fn general_ps512_and_es256k() {
        two_signers(JwsAlgorithm::Ps512, JwsAlgorithm::Es256K);
    }

    #[test]
    fn general_es384_and_hs512() {
        two_signers(JwsAlgorithm::Es384, JwsAlgorithm::Hs512);
    }

    #[test]
    fn general_es512_and_ed25519() {
        two_signers(JwsAlgorithm::Es512, JwsAlgorithm::Ed25519);
    }

    #[test]
    fn builder_extra_protected_members_and_crit() {
        let jwk = key_for(JwsAlgorithm::EdDsa);
        let signer = signer(&jwk, JwsAlgorithm::EdDsa);
        let vk = verifying(&jwk.to_public().unwrap());
        let mut header = Header::new();
        header.typ = Some("example+jws".into());
        header.cty = Some("text/plain".into());
        header.crit = Some(vec!["exp".into()]);
        header.set_member("exp", json!(1_900_000_000u64)).unwrap();
        let token = JwsBuilder::new(b"crit")
            .compact_with(SignatureSpec::new(signer.as_ref()).protected(header))
            .unwrap();
        let ed = allow(&[JwsAlgorithm::EdDsa]);
        assert_eq!(
            ed.verify(&token, &vk).unwrap_err(),
            Error::Policy(Policy::UnknownCritical("exp".into()))
        );
        let got = ed.clone().understand("exp").verify(&token, &vk).unwrap();
        assert_eq!(got.protected.typ.as_deref(), Some("example+jws"));
        assert_eq!(got.protected.cty.as_deref(), Some("text/plain"));
        assert_eq!(
            got.protected.other().get("exp"),
            Some(&json!(1_900_000_000u64))
        );
    }

    #[test]
    fn builder_refuses_inconsistent_specs() {
        let jwk = a1_hmac_key();
        let hs = signer(&jwk, JwsAlgorithm::Hs256);
        let builder = JwsBuilder::new(b"x");
        // A header alg that is not the signer's.
        let mut header = Header::new();
        header.alg = Some(JwsAlgorithm::Hs512.into());
        assert_eq!(
            builder
                .compact_with(SignatureSpec::new(hs.as_ref()).protected(header))
                .unwrap_err(),
            Error::ApiMisuse("the header alg differs from the signer's")
        );
        // An unprotected header in compact.
        assert_eq!(
            builder
                .compact_with(SignatureSpec::new(hs.as_ref()).unprotected(Header::new()))
                .unwrap_err(),
            Error::ApiMisuse("the compact serialization has no unprotected header")
        );
        // crit or b64 in the unprotected header.
        let mut crit = Header::new();
        crit.crit = Some(vec!["exp".into()]);
        assert_eq!(
            builder
                .flattened(SignatureSpec::new(hs.as_ref()).unprotected(crit))
                .unwrap_err(),
            Error::ApiMisuse("\"crit\" and \"b64\" must be in the protected header")
        );
        // A member in both headers.
        let mut p = Header::new();
        p.typ = Some("a".into());
        let mut u = Header::new();
        u.typ = Some("b".into());
        assert_eq!(
            builder
                .flattened(SignatureSpec::new(hs.as_ref()).protected(p).unprotected(u))
                .unwrap_err(),
            Error::ApiMisuse("protected and unprotected headers must not share a member")
        );
        // No signature at all.
        assert_eq!(
            builder.general(&[]).unwrap_err(),
            Error::ApiMisuse("a JWS needs at least one signature")
        );
    }

    /// BUG? (see report): a caller-supplied `"b64": false` (with `crit`) in
    /// the protected header of an *encoded* builder. The builder checks a
    /// caller's `alg` against the signer's, but keeps this `b64` while it
    /// signs the base64url payload, so the token claims an unencoded payload
    /// and verifies to the base64url text instead of the payload. It should
    /// refuse (ApiMisuse), or honour b64 = false.
    #[test]
    fn builder_with_b64_false_in_caller_header() {
        let jwk = a1_hmac_key();
        let hs = signer(&jwk, JwsAlgorithm::Hs256);
        let vk = verifying(&jwk);
        let mut header = Header::new();
        header.b64 = Some(false);
        header.crit = Some(vec!["b64".into()]);
        let payload = b"\x00\x01 payload";
        let spec = SignatureSpec::new(hs.as_ref()).protected(header);
        match JwsBuilder::new(payload).compact_with(spec) {
            Err(Error::ApiMisuse(_)) => {}
            Ok(token) => {
                let got = allow(&[JwsAlgorithm::Hs256]).verify(&token, &vk).unwrap();
                assert_eq!(
                    got.payload, payload,
                    "the verified payload is not the signed one"
                );
            }
            Err(e) => panic!("{e:?}"),
        }
    }

    /// BUG (see report): an empty payload. `JwsBuilder` writes the compact
    /// JWS `header..signature`, which is also what RFC 7515 section 7.1
    /// gives for an empty payload (BASE64URL of nothing is ""), but
    /// `Verification::verify` takes the empty middle part for a detached
    /// payload and refuses its own builder's output.
    #[test]
    fn empty_payload_compact_round_trips() {
        let jwk = a1_hmac_key();
        let hs = signer(&jwk, JwsAlgorithm::Hs256);
        let vk = verifying(&jwk);
        let v = allow(&[JwsAlgorithm::Hs256]);
        // JSON forms keep "payload": "" and work.
        let flat = JwsBuilder::new(b"")
            .flattened(SignatureSpec::new(hs.as_ref()))
            .unwrap();
        check_verified(&v.verify(&flat, &vk).unwrap(), b"", JwsAlgorithm::Hs256, 0);
        // Compact: the signing input is "header." either way.
        let token = JwsBuilder::new(b"").compact(hs.as_ref()).unwrap();
        assert_eq!(token.split('.').nth(1), Some(""));
        check_verified(
            &v.verify_detached(&token, b"", &vk).unwrap(),
            b"",
            JwsAlgorithm::Hs256,
            0,
        );
        let got = v.verify(&token, &vk);
        assert_eq!(got.map(|g| g.payload), Ok(Vec::new()));
    }

    /// BUG (see report): a detached unencoded payload never appears in the
    /// output, so it need not be UTF-8 (RFC 7797 section 5.2 restricts only
    /// attached payloads, and the doc of `compact_with` says so too), but
    /// `compact` refuses any non-UTF-8 unencoded payload.
    #[test]
    fn unencoded_detached_binary_payload_compact() {
        let jwk = a1_hmac_key();
        let hs = signer(&jwk, JwsAlgorithm::Hs256);
        let vk = verifying(&jwk);
        let v = allow(&[JwsAlgorithm::Hs256]);
        let payload = b"\xff\xfe binary \x00 payload";
        let builder = JwsBuilder::new(payload).unencoded().detached();
        // The JSON forms accept it and verify.
        let flat = builder.flattened(SignatureSpec::new(hs.as_ref())).unwrap();
        check_verified(
            &v.verify_detached(&flat, payload, &vk).unwrap(),
            payload,
            JwsAlgorithm::Hs256,
            0,
        );
        // Compact should too.
        let token = builder.compact(hs.as_ref());
        let got = token.and_then(|t| v.verify_detached(&t, payload, &vk));
        assert_eq!(got.map(|g| g.payload), Ok(payload.to_vec()));
    }
}

// ---------------------------------------------------------------------------
// Attacks and bad input
// ---------------------------------------------------------------------------

mod attacks {
    use super::*;

    /// A header whose free-form members held `alg` would serialize two
    /// `alg` members, and a verifier that takes the last duplicate would
    /// see another algorithm than we signed with. `Header::other` never
    /// holds a registered name: setting one by name types it, and the
    /// signed header has one `alg`, the signer's.
    #[test]
    fn header_other_never_holds_a_registered_name() {
        let mut header = Header::new();
        header.set_member("alg", "RS256").unwrap();
        header.set_member("kid", "k1").unwrap();
        header.set_member("x-note", "free").unwrap();
        assert!(!header.other().contains_key("alg"));
        assert!(!header.other().contains_key("kid"));
        assert_eq!(header.kid.as_deref(), Some("k1"));
        assert_eq!(header.other().len(), 1);
        assert_err!(header.clone().with_member("alg", 5), Error::Malformed(_));
        let parsed = Header::from_json(br#"{"alg":"HS256","x":1}"#).unwrap();
        assert_eq!(parsed.other().keys().collect::<Vec<_>>(), ["x"]);

        // A header naming another algorithm than the signer's is refused;
        // one naming the same, or none, signs with exactly one `alg`.
        let hs256 = signer(&a1_hmac_key(), JwsAlgorithm::Hs256);
        let sign = |h: Header| {
            JwsBuilder::new(b"x").compact_with(SignatureSpec::new(hs256.as_ref()).protected(h))
        };
        assert_err!(sign(header.clone()), Error::ApiMisuse(_));
        header.set_member("alg", "HS256").unwrap();
        let token = sign(header).unwrap();
        let b64_header = token.split('.').next().unwrap();
        let json = String::from_utf8(b64::decode("header", b64_header).unwrap()).unwrap();
        assert_eq!(json.matches("\"alg\"").count(), 1, "{json}");
        assert!(json.contains("\"alg\":\"HS256\""), "{json}");
        for registered in jose_core::header::REGISTERED {
            let mut h = Header::new();
            let _ = h.set_member(*registered, json!("x"));
            assert!(!h.other().contains_key(*registered), "{registered}");
        }
    }

    /// Wycheproof json_web_key test 7: an RSA key made by the flawed
    /// Infineon generator (ROCA, CVE-2017-15361) can be factored, so a
    /// token it verifies may be anyone's. The key is refused when parsed,
    /// alone or in a set, and its token verifies with nothing.
    #[test]
    fn rsa_key_with_the_roca_fingerprint_is_refused() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/vectors/wycheproof/json_web_key_7_roca.json");
        let v: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let text = v["public_key"].to_string();
        assert_err!(
            Jwk::from_json(text.as_bytes()),
            Error::InvalidKey(k) if k.member == "n"
        );
        let set = JwkSet::from_json(json!({"keys": [v["public_key"]]}).to_string().as_bytes());
        let set = set.unwrap();
        let store = JwkSetStore::new(&set, &P);
        assert_eq!(store.len(), 0);
        assert_eq!(
            allow(&[JwsAlgorithm::Rs256]).verify(str_at(&v, "/jws"), &store),
            Err(Error::Policy(Policy::NoMatchingKey))
        );
        // Ordinary keys pass the same check.
        assert!(Jwk::from_json(a2_rsa_key().to_public().unwrap().to_json().as_bytes()).is_ok());
        assert!(Jwk::from_json(rsa_key().to_json().as_bytes()).is_ok());
    }

    /// The RFC 7515 A.1 compact JWS (HS256) and its verifying key.
    fn a1() -> (String, Arc<dyn VerifyingKey>) {
        let v = vector("rfc7515/A.1.json");
        (
            str_at(&v, "/expected/compact").to_string(),
            verifying(&a1_hmac_key()),
        )
    }

    fn hs() -> Verification {
        allow(&[JwsAlgorithm::Hs256])
    }

    fn malformed(what: &'static str, reason: MalformedReason) -> Error {
        Error::malformed(what, reason)
    }

    #[test]
    fn alg_none_without_signature() {
        let token = format!(
            "{}.{}.",
            b64::encode(br#"{"alg":"none"}"#),
            b64::encode(b"{}")
        );
        let (_, vk) = a1();
        assert_eq!(
            allow(JwsAlgorithm::ALL).verify(&token, &vk).unwrap_err(),
            Error::Policy(Policy::NoneAlgorithm)
        );
    }

    #[test]
    fn alg_none_with_signature() {
        let (_, vk) = a1();
        let hs256 = signer(&a1_hmac_key(), JwsAlgorithm::Hs256);
        let token = craft(r#"{"alg":"none"}"#, b"{}", hs256.as_ref());
        assert_eq!(
            allow(JwsAlgorithm::ALL).verify(&token, &vk).unwrap_err(),
            Error::Policy(Policy::NoneAlgorithm)
        );
        // Case variants are not "none", but are no algorithm either.
        let token = craft(r#"{"alg":"None"}"#, b"{}", hs256.as_ref());
        assert_eq!(
            allow(JwsAlgorithm::ALL).verify(&token, &vk).unwrap_err(),
            Error::Unsupported(jose_core::Unsupported::Algorithm("None".into()))
        );
        // "none" in an unprotected header.
        let flat = json!({
            "header": {"alg": "none"},
            "payload": b64::encode(b"{}"),
            "signature": "",
        });
        assert_eq!(
            allow(JwsAlgorithm::ALL)
                .verify(&flat.to_string(), &vk)
                .unwrap_err(),
            Error::Policy(Policy::NoneAlgorithm)
        );
    }

    /// The classic confusion: an HS256 token whose HMAC key is the RSA
    /// public key's PEM text or JWK JSON.
    #[test]
    fn hs256_with_rsa_public_key_as_hmac_secret() {
        let rsa = a2_rsa_key().to_public().unwrap();
        let pem = rsa.to_pem(jose_jwk::KeyFormat::Spki).unwrap();
        assert!(pem.starts_with("-----BEGIN PUBLIC KEY-----"));
        let json_text = rsa.to_json();
        let rsa_vk = verifying(&rsa);
        let rsa_store = store_of(&[&rsa]);
        for secret in [pem.as_bytes(), json_text.as_bytes()] {
            let oct = jwk_of(&json!({"kty": "oct", "k": b64::encode(secret)}));
            let token = JwsBuilder::new(br#"{"sub":"admin"}"#)
                .compact(signer(&oct, JwsAlgorithm::Hs256).as_ref())
                .unwrap();
            assert_eq!(
                allow(&[JwsAlgorithm::Rs256])
                    .verify(&token, &rsa_vk)
                    .unwrap_err(),
                Error::Policy(Policy::AlgorithmNotAllowed("HS256".into()))
            );
            let both = allow(&[JwsAlgorithm::Hs256, JwsAlgorithm::Rs256]);
            assert_eq!(
                both.verify(&token, &rsa_vk).unwrap_err(),
                Error::Policy(Policy::NoMatchingKey)
            );
            assert_eq!(
                both.verify(&token, &rsa_store).unwrap_err(),
                Error::Policy(Policy::NoMatchingKey)
            );
        }
        // The RSA key offers no HMAC verifier at all.
        assert_eq!(
            rsa_vk.verifier(JwsAlgorithm::Hs256).unwrap_err(),
            Error::Policy(Policy::KeyAlgorithmMismatch {
                requested: "HS256".into()
            })
        );
    }

    #[test]
    fn header_alg_does_not_fit_the_key() {
        // ES256 token (RFC 7515 A.3) against an RSA key.
        let es = str_at(&vector("rfc7515/A.3.json"), "/expected/compact").to_string();
        let rsa = a2_rsa_key().to_public().unwrap();
        let both = allow(&[JwsAlgorithm::Es256, JwsAlgorithm::Rs256]);
        assert_eq!(
            both.verify(&es, &verifying(&rsa)).unwrap_err(),
            Error::Policy(Policy::NoMatchingKey)
        );
        assert_eq!(
            both.verify(&es, &store_of(&[&rsa])).unwrap_err(),
            Error::Policy(Policy::NoMatchingKey)
        );
        // A key whose JWK "alg" is RS256 is not used for PS256.
        let pinned = rsa.with_alg(JwsAlgorithm::Rs256).unwrap();
        let ps = JwsBuilder::new(b"x")
            .compact(signer(&a2_rsa_key(), JwsAlgorithm::Ps256).as_ref())
            .unwrap();
        let rs_ps = allow(&[JwsAlgorithm::Rs256, JwsAlgorithm::Ps256]);
        assert_eq!(
            rs_ps.verify(&ps, &verifying(&pinned)).unwrap_err(),
            Error::Policy(Policy::NoMatchingKey)
        );
        assert_eq!(
            rs_ps.verify(&ps, &store_of(&[&pinned])).unwrap_err(),
            Error::Policy(Policy::NoMatchingKey)
        );
        // A JWE algorithm in a JWS header.
        let hs256 = signer(&a1_hmac_key(), JwsAlgorithm::Hs256);
        let token = craft(r#"{"alg":"RSA-OAEP"}"#, b"x", hs256.as_ref());
        assert_eq!(
            allow(JwsAlgorithm::ALL)
                .verify(&token, &verifying(&a1_hmac_key()))
                .unwrap_err(),
            Error::Policy(Policy::AlgorithmNotAllowed("RSA-OAEP".into()))
        );
        // No alg at all.
        let token = craft(r#"{"kid":"x"}"#, b"x", hs256.as_ref());
        assert_eq!(
            hs().verify(&token, &verifying(&a1_hmac_key())).unwrap_err(),
            malformed("header \"alg\"", MalformedReason::Missing)
        );
    }

    #[test]
    fn altered_header() {
        let (token, vk) = a1();
        // A re-encoded header with one character changed ("JWT" -> "JWU").
        let header =
            str_at(&vector("rfc7515/A.1.json"), "/protected_header_raw").replace("JWT", "JWU");
        let altered = with_part(&token, 0, &b64::encode(header.as_bytes()));
        assert_eq!(hs().verify(&altered, &vk).unwrap_err(), Error::BadSignature);
        // A kid added.
        let altered = with_part(
            &token,
            0,
            &b64::encode(br#"{"typ":"JWT","alg":"HS256","kid":"x"}"#),
        );
        assert_eq!(hs().verify(&altered, &vk).unwrap_err(), Error::BadSignature);
        // Every single-character flip of the header part: a changed header
        // is bad JSON, or a different header whose MAC fails, or (one flip
        // turns "HS256" into "XS256") an unknown algorithm. Never Ok.
        let header_len = token.find('.').unwrap();
        let mut seen = [0usize; 3];
        for i in 0..header_len {
            let c = token.as_bytes()[i] as char;
            let flipped = replace_char(&token, i, other_b64_char(c));
            match hs().verify(&flipped, &vk) {
                Err(Error::BadSignature) => seen[0] += 1,
                Err(Error::Malformed(_)) => seen[1] += 1,
                Err(Error::Unsupported(jose_core::Unsupported::Algorithm(_))) => seen[2] += 1,
                other => panic!("flip at {i}: {other:?}"),
            }
        }
        assert_eq!(seen.iter().sum::<usize>(), header_len);
        assert!(seen[0] > 0 && seen[1] > 0, "{seen:?}");
    }

    #[test]
    fn altered_payload() {
        let (token, vk) = a1();
        // One character of the payload part, in the middle.
        let start = token.find('.').unwrap() + 1;
        let i = start + 10;
        let c = token.as_bytes()[i] as char;
        let flipped = replace_char(&token, i, other_b64_char(c));
        assert_eq!(hs().verify(&flipped, &vk).unwrap_err(), Error::BadSignature);
        // Every single-character flip of the payload part.
        let end = token.rfind('.').unwrap();
        for i in start..end {
            let c = token.as_bytes()[i] as char;
            let flipped = replace_char(&token, i, other_b64_char(c));
            assert_eq!(
                hs().verify(&flipped, &vk).unwrap_err(),
                Error::BadSignature,
                "at {i}"
            );
        }
        // Another payload altogether.
        let forged = with_part(&token, 1, &b64::encode(br#"{"iss":"joe","admin":true}"#));
        assert_eq!(hs().verify(&forged, &vk).unwrap_err(), Error::BadSignature);
    }

    #[test]
    fn altered_signature() {
        let (token, vk) = a1();
        let start = token.rfind('.').unwrap() + 1;
        for i in start..token.len() {
            let c = token.as_bytes()[i] as char;
            let flipped = replace_char(&token, i, other_b64_char(c));
            assert_eq!(
                hs().verify(&flipped, &vk).unwrap_err(),
                Error::BadSignature,
                "at {i}"
            );
        }
        // A change of the spare bits of the last character is not base64url.
        let last = token.len() - 1;
        let spare = replace_char(&token, last, 'l');
        assert_ne!(spare, token);
        assert_eq!(
            hs().verify(&spare, &vk).unwrap_err(),
            malformed("signature", MalformedReason::Base64)
        );
    }

    #[test]
    fn truncated_empty_and_oversized_signatures() {
        let ed = vector("rfc8037/A.4.json");
        let cases: Vec<(String, Arc<dyn VerifyingKey>, JwsAlgorithm)> = vec![
            (a1().0, a1().1, JwsAlgorithm::Hs256),
            (
                str_at(&vector("rfc7515/A.2.json"), "/expected/compact").into(),
                verifying(&a2_rsa_key().to_public().unwrap()),
                JwsAlgorithm::Rs256,
            ),
            (
                str_at(&vector("rfc7515/A.3.json"), "/expected/compact").into(),
                verifying(&a3_ec_key().to_public().unwrap()),
                JwsAlgorithm::Es256,
            ),
            (
                str_at(&ed, "/expected/compact").into(),
                verifying(&jwk_of(&ed["key"]).to_public().unwrap()),
                JwsAlgorithm::EdDsa,
            ),
        ];
        for (token, vk, alg) in cases {
            let v = allow(&[alg]);
            assert_eq!(v.verify(&token, &vk).unwrap().alg, alg);
            let sig = b64::decode("sig", token.rsplit('.').next().unwrap()).unwrap();
            let mut longer = sig.clone();
            longer.extend_from_slice(&[0, 0, 0]);
            let mut doubled = sig.clone();
            doubled.extend_from_slice(&sig);
            for bad in [
                Vec::new(),
                vec![0],
                sig[..sig.len() - 1].to_vec(),
                sig[..sig.len() / 2].to_vec(),
                longer,
                doubled,
                vec![0; sig.len()],
            ] {
                let t = with_part(&token, 2, &b64::encode(&bad));
                assert_eq!(
                    v.verify(&t, &vk).unwrap_err(),
                    Error::BadSignature,
                    "{alg} with a {}-byte signature",
                    bad.len()
                );
            }
        }
    }

    #[test]
    fn der_encoded_ecdsa_signature() {
        for path in ["rfc7515/A.3.json", "rfc7515/A.4.json"] {
            let v = vector(path);
            let alg: JwsAlgorithm = str_at(&v, "/alg").parse().unwrap();
            let token = str_at(&v, "/expected/compact");
            let vk = verifying(&jwk_of(&v["key"]).to_public().unwrap());
            let sig = b64::decode("sig", str_at(&v, "/signature_b64u")).unwrap();
            let der = ecdsa_to_der(&sig);
            assert_eq!(der[0], 0x30);
            assert_ne!(der.len(), sig.len());
            let t = with_part(token, 2, &b64::encode(&der));
            assert_eq!(
                allow(&[alg]).verify(&t, &vk).unwrap_err(),
                Error::BadSignature
            );
            assert!(allow(&[alg]).verify(token, &vk).is_ok());
        }
    }

    #[test]
    fn unknown_crit_member() {
        let (_, vk) = a1();
        let hs256 = signer(&a1_hmac_key(), JwsAlgorithm::Hs256);
        let token = craft(
            r#"{"alg":"HS256","crit":["http://example.invalid/exp"],"http://example.invalid/exp":1}"#,
            b"crit",
            hs256.as_ref(),
        );
        assert_eq!(
            hs().verify(&token, &vk).unwrap_err(),
            Error::Policy(Policy::UnknownCritical("http://example.invalid/exp".into()))
        );
        // Understanding another name does not help.
        assert_eq!(
            hs().understand("exp").verify(&token, &vk).unwrap_err(),
            Error::Policy(Policy::UnknownCritical("http://example.invalid/exp".into()))
        );
    }

    #[test]
    fn understood_crit_member_passes() {
        let (_, vk) = a1();
        let hs256 = signer(&a1_hmac_key(), JwsAlgorithm::Hs256);
        let token = craft(
            r#"{"alg":"HS256","crit":["exp","nbf"],"exp":1,"nbf":0}"#,
            b"crit",
            hs256.as_ref(),
        );
        assert_eq!(
            hs().understand("exp").verify(&token, &vk).unwrap_err(),
            Error::Policy(Policy::UnknownCritical("nbf".into()))
        );
        let got = hs()
            .understand("exp")
            .understand("nbf")
            .verify(&token, &vk)
            .unwrap();
        assert_eq!(got.protected.crit, Some(vec!["exp".into(), "nbf".into()]));
        assert_eq!(got.protected.other().get("exp"), Some(&json!(1)));
        assert_eq!(got.payload, b"crit");
    }

    #[test]
    fn crit_names_a_parameter_absent_from_the_protected_header() {
        let (_, vk) = a1();
        let hs256 = signer(&a1_hmac_key(), JwsAlgorithm::Hs256);
        let token = craft(r#"{"alg":"HS256","crit":["exp"]}"#, b"crit", hs256.as_ref());
        assert_eq!(
            hs().understand("exp").verify(&token, &vk).unwrap_err(),
            Error::Policy(Policy::UnknownCritical("exp".into()))
        );
        // Present only in the unprotected header: still refused.
        let protected = b64::encode(br#"{"alg":"HS256","crit":["exp"]}"#);
        let payload = b64::encode(b"crit");
        let sig = sign_b64(hs256.as_ref(), &format!("{protected}.{payload}"));
        let flat = json!({
            "protected": protected,
            "header": {"exp": 1},
            "payload": payload,
            "signature": sig,
        });
        assert_eq!(
            hs().understand("exp")
                .verify(&flat.to_string(), &vk)
                .unwrap_err(),
            Error::Policy(Policy::UnknownCritical("exp".into()))
        );
        // crit itself in the unprotected header.
        let protected = b64::encode(br#"{"alg":"HS256","exp":1}"#);
        let sig = sign_b64(hs256.as_ref(), &format!("{protected}.{payload}"));
        let flat = json!({
            "protected": protected,
            "header": {"crit": ["exp"]},
            "payload": payload,
            "signature": sig,
        });
        assert_eq!(
            hs().understand("exp")
                .verify(&flat.to_string(), &vk)
                .unwrap_err(),
            Error::Policy(Policy::NotProtected("crit".into()))
        );
    }

    #[test]
    fn crit_naming_a_registered_parameter_or_empty_is_malformed() {
        let (_, vk) = a1();
        let hs256 = signer(&a1_hmac_key(), JwsAlgorithm::Hs256);
        let token = craft(r#"{"alg":"HS256","crit":["alg"]}"#, b"x", hs256.as_ref());
        assert_eq!(
            hs().verify(&token, &vk).unwrap_err(),
            malformed(
                "header \"crit\"",
                MalformedReason::Invalid("must not name a parameter of RFC 7515, 7516 or 7518")
            )
        );
        let token = craft(r#"{"alg":"HS256","crit":[]}"#, b"x", hs256.as_ref());
        assert_eq!(
            hs().verify(&token, &vk).unwrap_err(),
            malformed(
                "header \"crit\"",
                MalformedReason::Invalid("must not be empty")
            )
        );
    }

    #[test]
    fn b64_outside_crit() {
        let (_, vk) = a1();
        let hs256 = signer(&a1_hmac_key(), JwsAlgorithm::Hs256);
        // Signed over the unencoded payload, b64 not listed in crit.
        let protected = b64::encode(br#"{"alg":"HS256","b64":false}"#);
        let input = format!("{protected}.$.02");
        let token = format!("{protected}..{}", sign_b64(hs256.as_ref(), &input));
        assert_eq!(
            hs().verify_detached(&token, b"$.02", &vk).unwrap_err(),
            Error::Policy(Policy::UnknownCritical("b64".into()))
        );
        // b64 true outside crit too.
        let token = craft(r#"{"alg":"HS256","b64":true}"#, b"x", hs256.as_ref());
        assert_eq!(
            hs().verify(&token, &vk).unwrap_err(),
            Error::Policy(Policy::UnknownCritical("b64".into()))
        );
        // crit lists b64 but the header lacks it.
        let token = craft(r#"{"alg":"HS256","crit":["b64"]}"#, b"x", hs256.as_ref());
        assert_eq!(
            hs().verify(&token, &vk).unwrap_err(),
            Error::Policy(Policy::UnknownCritical("b64".into()))
        );
    }

    #[test]
    fn b64_in_the_unprotected_header() {
        let (_, vk) = a1();
        let hs256 = signer(&a1_hmac_key(), JwsAlgorithm::Hs256);
        let protected = b64::encode(br#"{"alg":"HS256"}"#);
        let sig = sign_b64(hs256.as_ref(), &format!("{protected}.$.02"));
        let flat = json!({
            "protected": protected,
            "header": {"b64": false},
            "payload": "$.02",
            "signature": sig,
        });
        assert_eq!(
            hs().verify(&flat.to_string(), &vk).unwrap_err(),
            Error::Policy(Policy::NotProtected("b64".into()))
        );
    }

    /// Every signature of one JWS must agree on b64 (RFC 7797 section 3).
    /// "YWJj" is both a raw payload and the base64url of "abc", so both
    /// signatures below are valid on their own.
    #[test]
    fn b64_differs_between_signatures() {
        let key = a1_hmac_key();
        let hs256 = signer(&key, JwsAlgorithm::Hs256);
        let unencoded = JwsBuilder::new(b"YWJj")
            .unencoded()
            .flattened(SignatureSpec::new(hs256.as_ref()))
            .unwrap();
        let encoded = JwsBuilder::new(b"abc")
            .flattened(SignatureSpec::new(hs256.as_ref()))
            .unwrap();
        let u: Value = serde_json::from_str(&unencoded).unwrap();
        let e: Value = serde_json::from_str(&encoded).unwrap();
        assert_eq!(u["payload"], "YWJj");
        assert_eq!(e["payload"], "YWJj");
        // Positive controls: each alone verifies.
        let keyed = verifying(&key.clone().with_kid("somebody"));
        check_verified(
            &hs().verify(&encoded, &keyed).unwrap(),
            b"abc",
            JwsAlgorithm::Hs256,
            0,
        );
        check_verified(
            &hs().verify(&unencoded, &keyed).unwrap(),
            b"YWJj",
            JwsAlgorithm::Hs256,
            0,
        );
        // Together, the first (b64 false) names a kid no key has, so the
        // second (b64 true) is tried, and refused for disagreeing.
        let general = json!({
            "payload": "YWJj",
            "signatures": [
                {"protected": u["protected"], "header": {"kid": "nobody"}, "signature": u["signature"]},
                {"protected": e["protected"], "signature": e["signature"]},
            ],
        });
        assert_eq!(
            hs().verify(&general.to_string(), &keyed).unwrap_err(),
            Error::Policy(Policy::NoMatchingKey)
        );
    }

    #[test]
    fn duplicate_members_in_the_protected_header() {
        let (_, vk) = a1();
        let hs256 = signer(&a1_hmac_key(), JwsAlgorithm::Hs256);
        for (header, name) in [
            (r#"{"alg":"HS256","alg":"HS256"}"#, "alg"),
            (r#"{"alg":"HS256","alg":"none"}"#, "alg"),
            (r#"{"alg":"HS256","kid":"a","kid":"b"}"#, "kid"),
            (r#"{"alg":"HS256","x":{"y":1,"y":2}}"#, "y"),
        ] {
            let token = craft(header, b"dup", hs256.as_ref());
            assert_eq!(
                hs().verify(&token, &vk).unwrap_err(),
                malformed(
                    "protected header",
                    MalformedReason::DuplicateMember(name.into())
                ),
                "{header}"
            );
        }
    }

    #[test]
    fn duplicate_members_in_the_json_serialization() {
        let (token, vk) = a1();
        let parts: Vec<&str> = token.split('.').collect();
        let text = format!(
            r#"{{"payload":"{}","protected":"{}","signature":"{}","payload":"e30"}}"#,
            parts[1], parts[0], parts[2]
        );
        assert_eq!(
            hs().verify(&text, &vk).unwrap_err(),
            malformed(
                "JSON serialization",
                MalformedReason::DuplicateMember("payload".into())
            )
        );
    }

    #[test]
    fn padding_and_standard_alphabet_in_each_part() {
        let (token, vk) = a1();
        let parts: Vec<String> = token.split('.').map(String::from).collect();
        let whats = ["protected header", "payload", "signature"];
        for (i, what) in whats.iter().enumerate() {
            let part = &parts[i];
            let mut variants = vec![
                format!("{part}="),
                format!("{part}=="),
                format!("+{}", &part[1..]),
                format!("/{}", &part[1..]),
                format!("{} ", part),
                format!("{}\n{}", &part[..4], &part[4..]),
            ];
            if part.contains('-') {
                variants.push(part.replacen('-', "+", 1));
            }
            if part.contains('_') {
                variants.push(part.replacen('_', "/", 1));
            }
            for bad in variants {
                let t = with_part(&token, i, &bad);
                assert_eq!(
                    hs().verify(&t, &vk).unwrap_err(),
                    Error::malformed(*what, MalformedReason::Base64),
                    "{what}: {bad:?}"
                );
            }
        }
        // The A.1 signature has both '-' and '_'.
        assert!(parts[2].contains('-') && parts[2].contains('_'));
        // Padding in a JSON serialization too.
        let flat = json!({
            "protected": parts[0],
            "payload": format!("{}=", parts[1]),
            "signature": parts[2],
        });
        assert_eq!(
            hs().verify(&flat.to_string(), &vk).unwrap_err(),
            Error::malformed("payload", MalformedReason::Base64)
        );
    }

    #[test]
    fn wrong_number_of_compact_parts() {
        let (token, vk) = a1();
        let parts: Vec<&str> = token.split('.').collect();
        let invalid = malformed(
            "compact serialization",
            MalformedReason::Invalid("must have exactly three parts separated by '.'"),
        );
        for bad in [
            String::new(),
            parts[0].to_string(),
            format!("{}.{}", parts[0], parts[1]),
            format!("{token}.{}", parts[2]),
            format!("{token}."),
            format!(
                "{}.{}.{}.{}.{}",
                parts[0], parts[1], parts[2], parts[2], parts[2]
            ),
        ] {
            assert_eq!(hs().verify(&bad, &vk).unwrap_err(), invalid, "{bad:?}");
        }
        // Three parts but no header.
        assert_eq!(
            hs().verify(&format!(".{}.{}", parts[1], parts[2]), &vk)
                .unwrap_err(),
            malformed(
                "compact serialization protected header",
                MalformedReason::Missing
            )
        );
    }

    #[test]
    fn json_with_signature_and_signatures() {
        let (token, vk) = a1();
        let parts: Vec<&str> = token.split('.').collect();
        let both = json!({
            "payload": parts[1],
            "protected": parts[0],
            "signature": parts[2],
            "signatures": [{"protected": parts[0], "signature": parts[2]}],
        });
        assert_eq!(
            hs().verify(&both.to_string(), &vk).unwrap_err(),
            malformed(
                "JSON serialization",
                MalformedReason::Invalid("must not have both \"signature\" and \"signatures\"")
            )
        );
        // Neither.
        let neither = json!({"payload": parts[1], "protected": parts[0]});
        assert_eq!(
            hs().verify(&neither.to_string(), &vk).unwrap_err(),
            malformed("JSON serialization \"signature\"", MalformedReason::Missing)
        );
        // General form with top-level "protected".
        let mixed = json!({
            "payload": parts[1],
            "protected": parts[0],
            "signatures": [{"protected": parts[0], "signature": parts[2]}],
        });
        assert_eq!(
            hs().verify(&mixed.to_string(), &vk).unwrap_err(),
            malformed(
                "JSON serialization",
                MalformedReason::Invalid(
                    "general form must not have top-level \"protected\" or \"header\""
                )
            )
        );
        // Empty "signatures", wrong types.
        let empty = json!({"payload": parts[1], "signatures": []});
        assert_eq!(
            hs().verify(&empty.to_string(), &vk).unwrap_err(),
            malformed(
                "JSON serialization \"signatures\"",
                MalformedReason::Invalid("must not be empty")
            )
        );
        let number = json!({"payload": 1, "protected": parts[0], "signature": parts[2]});
        assert_eq!(
            hs().verify(&number.to_string(), &vk).unwrap_err(),
            malformed(
                "JSON serialization \"payload\"",
                MalformedReason::WrongType("a string")
            )
        );
        assert_err!(
            hs().verify("{\"payload\":", &vk),
            Error::Malformed(m) if matches!(m.reason, MalformedReason::Json { .. })
        );
    }

    #[test]
    fn too_many_signatures() {
        let (token, vk) = a1();
        let parts: Vec<&str> = token.split('.').collect();
        let entry = json!({"protected": parts[0], "signature": parts[2]});
        let general = json!({"payload": parts[1], "signatures": vec![entry; 17]});
        assert_eq!(
            hs().verify(&general.to_string(), &vk).unwrap_err(),
            malformed(
                "JSON serialization \"signatures\"",
                MalformedReason::Invalid("has more signatures than the limit")
            )
        );
        // 16 is the limit, and the first one verifies.
        let entry = json!({"protected": parts[0], "signature": parts[2]});
        let general = json!({"payload": parts[1], "signatures": vec![entry; 16]});
        check_verified(
            &hs().verify(&general.to_string(), &vk).unwrap(),
            str_at(&vector("rfc7515/A.1.json"), "/payload_raw").as_bytes(),
            JwsAlgorithm::Hs256,
            0,
        );
    }

    #[test]
    fn overlapping_protected_and_unprotected_members() {
        let (token, vk) = a1();
        let parts: Vec<&str> = token.split('.').collect();
        for (header, name) in [
            (json!({"alg": "HS256"}), "alg"),
            (json!({"typ": "JWT"}), "typ"),
            (json!({"kid": "k", "typ": "JOSE"}), "typ"),
        ] {
            for form in [
                json!({"payload": parts[1], "protected": parts[0], "header": header, "signature": parts[2]}),
                json!({"payload": parts[1], "signatures": [
                    {"protected": parts[0], "header": header, "signature": parts[2]}
                ]}),
            ] {
                assert_eq!(
                    hs().verify(&form.to_string(), &vk).unwrap_err(),
                    malformed(
                        "joint header",
                        MalformedReason::DuplicateMember(name.into())
                    ),
                    "{form}"
                );
            }
        }
    }

    #[test]
    fn empty_allow_list() {
        assert_eq!(
            Verification::new(&[]).unwrap_err(),
            Error::ApiMisuse("the algorithm allow-list is empty")
        );
    }

    #[test]
    fn input_larger_than_max_input() {
        let (token, vk) = a1();
        let limit = Limits::default().max_input;
        assert_eq!(limit, 1024 * 1024);
        let huge = format!("{token}{}", "A".repeat(limit));
        let too_large = malformed("JWS", MalformedReason::TooLarge { limit });
        assert_eq!(hs().verify(&huge, &vk).unwrap_err(), too_large);
        let huge_json = format!("{{\"payload\":\"{}\"}}", "A".repeat(limit));
        assert_eq!(hs().verify(&huge_json, &vk).unwrap_err(), too_large);
        assert_eq!(
            hs().verify_detached(&huge, b"", &vk).unwrap_err(),
            too_large
        );
        // A smaller limit, just under the token's length.
        let small = hs().limits(Limits::default().max_input(token.len() - 1));
        assert_eq!(
            small.verify(&token, &vk).unwrap_err(),
            malformed(
                "JWS",
                MalformedReason::TooLarge {
                    limit: token.len() - 1
                }
            )
        );
        let exact = hs().limits(Limits::default().max_input(token.len()));
        assert!(exact.verify(&token, &vk).is_ok());
    }

    #[test]
    fn header_larger_than_max_header() {
        let (_, vk) = a1();
        let hs256 = signer(&a1_hmac_key(), JwsAlgorithm::Hs256);
        let limit = Limits::default().max_header;
        assert_eq!(limit, 16 * 1024);
        let header = format!(r#"{{"alg":"HS256","x":"{}"}}"#, "y".repeat(limit));
        let token = craft(&header, b"big header", hs256.as_ref());
        assert_eq!(
            hs().verify(&token, &vk).unwrap_err(),
            malformed("protected header", MalformedReason::TooLarge { limit })
        );
        // A custom limit.
        let token = craft(
            r#"{"alg":"HS256","kid":"a-long-kid-value"}"#,
            b"x",
            hs256.as_ref(),
        );
        let header_len = token.find('.').unwrap();
        let strict = hs().limits(Limits::default().max_header(header_len - 1));
        assert_eq!(
            strict.verify(&token, &vk).unwrap_err(),
            malformed(
                "protected header",
                MalformedReason::TooLarge {
                    limit: header_len - 1
                }
            )
        );
        let fits = hs().limits(Limits::default().max_header(header_len));
        assert!(fits.verify(&token, &vk).is_ok());
    }

    #[test]
    fn key_with_use_enc_is_not_used() {
        let secret = json!({"kty": "oct", "k": b64::encode(&[7u8; 32])});
        let plain = jwk_of(&secret);
        let token = JwsBuilder::new(b"x")
            .compact(signer(&plain, JwsAlgorithm::Hs256).as_ref())
            .unwrap();
        // Positive control: the same key without use verifies.
        assert!(hs().verify(&token, &store_of(&[&plain])).is_ok());

        let enc = plain.clone().with_use(KeyUse::Encryption).unwrap();
        let set: JwkSet = [enc.clone()].into_iter().collect();
        let store = JwkSetStore::new(&set, &P);
        assert_eq!(
            hs().verify(&token, &store).unwrap_err(),
            Error::Policy(Policy::NoMatchingKey)
        );
        assert_eq!(
            P.verifier(&enc).unwrap_err(),
            Error::Policy(Policy::KeyUseForbidden("verification"))
        );
        // An RSA key with use "enc", too.
        let rsa_enc = a2_rsa_key()
            .to_public()
            .unwrap()
            .with_use(KeyUse::Encryption)
            .unwrap();
        let rs = JwsBuilder::new(b"x")
            .compact(signer(&a2_rsa_key(), JwsAlgorithm::Rs256).as_ref())
            .unwrap();
        let set: JwkSet = [rsa_enc].into_iter().collect();
        assert_eq!(
            allow(&[JwsAlgorithm::Rs256])
                .verify(&rs, &JwkSetStore::new(&set, &P))
                .unwrap_err(),
            Error::Policy(Policy::NoMatchingKey)
        );
    }

    #[test]
    fn key_ops_without_verify_is_not_used() {
        let plain = jwk_of(&json!({"kty": "oct", "k": b64::encode(&[9u8; 32])}));
        let token = JwsBuilder::new(b"x")
            .compact(signer(&plain, JwsAlgorithm::Hs256).as_ref())
            .unwrap();
        let sign_only = plain.clone().with_key_ops(vec![KeyOp::Sign]).unwrap();
        let set: JwkSet = [sign_only.clone()].into_iter().collect();
        let store = JwkSetStore::new(&set, &P);
        assert_eq!(
            hs().verify(&token, &store).unwrap_err(),
            Error::Policy(Policy::NoMatchingKey)
        );
        assert_eq!(
            P.verifier(&sign_only).unwrap_err(),
            Error::Policy(Policy::KeyUseForbidden("verification"))
        );
        // With "verify" listed, the key is used.
        let both = plain
            .with_key_ops(vec![KeyOp::Sign, KeyOp::Verify])
            .unwrap();
        let set: JwkSet = [both].into_iter().collect();
        assert!(hs().verify(&token, &JwkSetStore::new(&set, &P)).is_ok());
    }

    /// An attacker signs with a key of their own and embeds its public JWK
    /// in the header (CVE-2018-0114 style): the header key is never used.
    #[test]
    fn embedded_jwk_header_is_not_trusted() {
        let attacker = key_for(JwsAlgorithm::Es256);
        let public: Value = serde_json::from_str(&attacker.to_public().unwrap().to_json()).unwrap();
        let header = json!({"alg": "ES256", "jwk": public}).to_string();
        let token = craft(
            &header,
            b"{\"admin\":true}",
            signer(&attacker, JwsAlgorithm::Es256).as_ref(),
        );
        let es = allow(&[JwsAlgorithm::Es256]);
        let victim = a3_ec_key().to_public().unwrap();
        assert_eq!(
            es.verify(&token, &store_of(&[&victim])).unwrap_err(),
            Error::BadSignature
        );
        assert_eq!(
            es.verify(&token, &verifying(&victim)).unwrap_err(),
            Error::BadSignature
        );
        // Reading it is fine, and shows the embedded key.
        let seen = danger::decode_unverified(&token).unwrap();
        assert!(seen.protected.jwk.is_some());
        // With an empty key store, nothing verifies.
        let empty = JwkSetStore::new(&JwkSet::new(), &P);
        assert_eq!(
            es.verify(&token, &empty).unwrap_err(),
            Error::Policy(Policy::NoMatchingKey)
        );
    }

    /// RFC 7518 section 3.2: an HMAC key must be at least as long as the
    /// hash output.
    #[test]
    fn hmac_key_shorter_than_the_hash_is_not_used() {
        let short = jwk_of(&json!({"kty": "oct", "k": b64::encode(&[5u8; 16])}));
        let mismatch = Error::Policy(Policy::KeyAlgorithmMismatch {
            requested: "a JWS algorithm".into(),
        });
        assert_eq!(P.verifier(&short).unwrap_err(), mismatch);
        assert_eq!(P.signing_key(&short).unwrap_err(), mismatch);
        let set: JwkSet = [short].into_iter().collect();
        let store = JwkSetStore::new(&set, &P);
        // The key stays in the store (it can still unwrap A128KW), but it
        // offers no verifier for any HMAC algorithm.
        let header = Header::new();
        for alg in [
            JwsAlgorithm::Hs256,
            JwsAlgorithm::Hs384,
            JwsAlgorithm::Hs512,
        ] {
            assert!(store.verifiers(alg, &header).unwrap().is_empty());
        }
        // A forged HS256 token with that key finds no key.
        let forger = jwk_of(&json!({"kty": "oct", "k": b64::encode(&[5u8; 32])}));
        let token = JwsBuilder::new(b"x")
            .compact(signer(&forger, JwsAlgorithm::Hs256).as_ref())
            .unwrap();
        assert_eq!(
            hs().verify(&token, &store).unwrap_err(),
            Error::Policy(Policy::NoMatchingKey)
        );
        // A 32-byte key serves HS256 but not HS512.
        let k32 = verifying(&forger);
        assert_eq!(k32.algorithms(), [JwsAlgorithm::Hs256]);
        let hs512 = JwsBuilder::new(b"x")
            .compact(signer(&a1_hmac_key(), JwsAlgorithm::Hs512).as_ref())
            .unwrap();
        assert_eq!(
            allow(&[JwsAlgorithm::Hs512])
                .verify(&hs512, &k32)
                .unwrap_err(),
            Error::Policy(Policy::NoMatchingKey)
        );
    }

    #[test]
    fn kid_that_matches_no_key() {
        let key = a1_hmac_key().with_kid("known");
        let hs256 = signer(&a1_hmac_key().with_kid("unknown"), JwsAlgorithm::Hs256);
        let token = JwsBuilder::new(b"x").compact(hs256.as_ref()).unwrap();
        assert_eq!(
            danger::decode_unverified(&token)
                .unwrap()
                .protected
                .kid
                .as_deref(),
            Some("unknown")
        );
        for keys in [
            &verifying(&key) as &dyn KeyStore,
            &mixed_store_of(&[&key, &a2_rsa_key().with_kid("rsa")]),
        ] {
            assert_eq!(
                hs().verify(&token, keys).unwrap_err(),
                Error::Policy(Policy::NoMatchingKey)
            );
        }
        // The kid is what picks the key: with the right one it verifies.
        let ok = store_of(&[&key, &a1_hmac_key().with_kid("unknown")]);
        assert!(hs().verify(&token, &ok).is_ok());
    }

    #[test]
    fn verified_exposes_headers_and_payload() {
        let key = a1_hmac_key().with_kid("k1");
        let hs256 = signer(&key, JwsAlgorithm::Hs256);
        let mut protected = Header::new();
        protected.typ = Some("JWT".into());
        protected
            .set_member("iat", json!(1_700_000_000u64))
            .unwrap();
        let mut unprotected = Header::new();
        unprotected.set_member("note", json!("not signed")).unwrap();
        let flat = JwsBuilder::new(b"the payload")
            .flattened(
                SignatureSpec::new(hs256.as_ref())
                    .protected(protected)
                    .unprotected(unprotected),
            )
            .unwrap();
        let got = hs().verify(&flat, &verifying(&key)).unwrap();
        assert_eq!(got.payload, b"the payload");
        assert_eq!(got.alg, JwsAlgorithm::Hs256);
        assert_eq!(got.signature_index, 0);
        assert_eq!(
            got.protected.alg,
            Some(Algorithm::Signature(JwsAlgorithm::Hs256))
        );
        assert_eq!(got.protected.kid.as_deref(), Some("k1"));
        assert_eq!(got.protected.typ.as_deref(), Some("JWT"));
        assert_eq!(
            got.protected.other().get("iat"),
            Some(&json!(1_700_000_000u64))
        );
        let unprotected = got.unprotected.unwrap();
        assert_eq!(unprotected.other().get("note"), Some(&json!("not signed")));
        assert_eq!(unprotected.alg, None);
    }

    #[test]
    fn decode_unverified_reads_without_a_key() {
        let v = vector("rfc7515/A.1.json");
        let seen = danger::decode_unverified(str_at(&v, "/expected/compact")).unwrap();
        assert_eq!(seen.protected, header_of(&v["protected_header"]));
        assert_eq!(
            seen.payload.as_deref(),
            Some(str_at(&v, "/payload_raw").as_bytes())
        );
        // Even with a broken signature: nothing is checked.
        let broken = with_part(str_at(&v, "/expected/compact"), 2, "AAAA");
        assert_eq!(danger::decode_unverified(&broken).unwrap(), seen);
        // JSON general: the first signature's protected header.
        let g = vector("rfc7515/A.6.json");
        let seen = danger::decode_unverified(&g["expected"]["json_general"].to_string()).unwrap();
        assert_eq!(
            seen.protected,
            header_of(&g["signatures"][0]["protected_header"])
        );
        assert_eq!(
            seen.payload.as_deref(),
            Some(str_at(&g, "/payload_raw").as_bytes())
        );
        // Detached: no payload.
        let d = vector("rfc7520/jws/4_5.signature_with_detached_content.json");
        let seen = danger::decode_unverified(str_at(&d, "/output/compact")).unwrap();
        assert_eq!(seen.payload, None);
        assert_eq!(
            seen.protected.kid.as_deref(),
            Some("018c0ae5-4d9b-471b-bfd6-eef314bc7037")
        );
        // Not a JWS.
        assert_eq!(
            danger::decode_unverified("a.b").unwrap_err(),
            malformed(
                "compact serialization",
                MalformedReason::Invalid("must have exactly three parts separated by '.'")
            )
        );
    }
}

// ---------------------------------------------------------------------------
// Which key verified: identities, kid rules, mixed sets, several signatures
// ---------------------------------------------------------------------------

mod key_identity {
    use super::*;
    use jose_core::HashAlgorithm;

    fn es256_key(kid: &str) -> Jwk {
        P.generate(JwsAlgorithm::Es256).unwrap().with_kid(kid)
    }

    fn es256() -> Verification {
        allow(&[JwsAlgorithm::Es256])
    }

    fn hs() -> Verification {
        allow(&[JwsAlgorithm::Hs256])
    }

    fn sign(jwk: &Jwk, payload: &[u8]) -> String {
        JwsBuilder::new(payload)
            .compact(signer(jwk, JwsAlgorithm::Es256).as_ref())
            .unwrap()
    }

    fn thumbprint(jwk: &Jwk) -> [u8; 32] {
        let t = jwk.to_public().unwrap().thumbprint(&P, HashAlgorithm::Sha256);
        t.unwrap().try_into().unwrap()
    }

    /// An application that trusts several issuers must learn which key
    /// verified, not only that one did: `Verified.key` gives the `kid`, the
    /// RFC 7638 thumbprint and the position in the set.
    #[test]
    fn verified_names_the_key_that_verified() {
        let keys: Vec<Jwk> = ["a", "b", "c"].iter().map(|k| es256_key(k)).collect();
        let store = store_of(&keys.iter().collect::<Vec<_>>());
        for (index, key) in keys.iter().enumerate() {
            let got = es256().verify(&sign(key, b"x"), &store).unwrap();
            assert_eq!(got.key.kid, key.kid().map(String::from));
            assert_eq!(got.key.thumbprint, Some(thumbprint(key)));
            assert_eq!(got.key.index, index);
            assert_eq!(got.signatures.len(), 1);
            assert_eq!(got.signatures[0].key, got.key);
        }
        // A key given alone reports itself, thumbprint included.
        let got = es256().verify(&sign(&keys[1], b"x"), &verifying(&keys[1]));
        let got = got.unwrap();
        assert_eq!(got.key.kid.as_deref(), Some("b"));
        assert_eq!(got.key.thumbprint, Some(thumbprint(&keys[1])));
        // A symmetric key has no thumbprint to show: it would hash the secret.
        let hmac = a1_hmac_key().with_kid("mac");
        let token = JwsBuilder::new(b"x")
            .compact(signer(&hmac, JwsAlgorithm::Hs256).as_ref())
            .unwrap();
        let got = hs().verify(&token, &store_of(&[&hmac])).unwrap();
        assert_eq!(got.key.kid.as_deref(), Some("mac"));
        assert_eq!(got.key.thumbprint, None);
    }

    /// Tenant B's key has no `kid`. B signs a token whose header claims
    /// `kid: "tenantA"`; in a set holding A's key and B's, only A's key is
    /// tried, so the token is refused instead of verifying as A's.
    #[test]
    fn kidless_key_does_not_verify_a_token_naming_another_kid() {
        let tenant_a = es256_key("tenantA");
        let tenant_b = P.generate(JwsAlgorithm::Es256).unwrap();
        assert_eq!(tenant_b.kid(), None);
        let mut claims_a = Header::new();
        claims_a.kid = Some("tenantA".into());
        let forged = JwsBuilder::new(b"from A, says the header")
            .compact_with(
                SignatureSpec::new(signer(&tenant_b, JwsAlgorithm::Es256).as_ref())
                    .protected(claims_a),
            )
            .unwrap();
        let store = store_of(&[&tenant_a, &tenant_b]);
        assert_eq!(
            es256().verify(&forged, &store).unwrap_err(),
            Error::BadSignature
        );
        // Without A's key, the kid names no key at all.
        assert_eq!(
            es256().verify(&forged, &store_of(&[&tenant_b])).unwrap_err(),
            Error::Policy(Policy::NoMatchingKey)
        );
        // Opting in tries B's key, and the identity says it was B's.
        let opted = store_of(&[&tenant_a, &tenant_b]).match_keys_without_kid();
        let got = es256().verify(&forged, &opted).unwrap();
        assert_eq!((got.key.kid.as_deref(), got.key.index), (None, 1));
        // A header without kid still tries every key, kid-less ones included.
        let plain = sign(&tenant_b, b"no kid");
        assert_eq!(es256().verify(&plain, &store).unwrap().key.index, 1);
    }

    /// Keys are found by `kid` through an index, not a scan: keys sharing
    /// a `kid` (a rotation) are all tried, in set order, and a set of a
    /// thousand keys finds the one named.
    #[test]
    fn kid_index_finds_every_key_with_that_kid() {
        let old = es256_key("rotating");
        let new = es256_key("rotating");
        let store = store_of(&[&es256_key("other"), &old, &new]);
        assert_eq!(es256().verify(&sign(&old, b"x"), &store).unwrap().key.index, 1);
        assert_eq!(es256().verify(&sign(&new, b"x"), &store).unwrap().key.index, 2);

        let secret = |i: usize| {
            let mut k = [0u8; 32];
            k[..8].copy_from_slice(&(i as u64).to_be_bytes());
            jwk_of(&json!({"kty": "oct", "k": b64::encode(&k), "kid": format!("k{i}")}))
        };
        let many: JwkSet = (0..1000).map(secret).collect();
        let store = JwkSetStore::new(&many, &P);
        let token = JwsBuilder::new(b"x")
            .compact(signer(&secret(777), JwsAlgorithm::Hs256).as_ref())
            .unwrap();
        let got = hs().verify(&token, &store).unwrap();
        assert_eq!((got.key.kid.as_deref(), got.key.index), (Some("k777"), 777));
        let named = store.verifiers(JwsAlgorithm::Hs256, &header_of(&json!({"kid": "k3"})));
        assert_eq!(named.unwrap().len(), 1);
    }

    /// Wycheproof json_web_crypto test 47: a JWK Set that holds both
    /// public keys and a shared secret is refused for verification. Such a
    /// set lets the token choose between "signed by the issuer" and "made by
    /// anyone who holds the secret" through its `alg`; a verifier that
    /// means it says so.
    #[test]
    fn set_mixing_symmetric_and_asymmetric_keys_is_refused() {
        let ec = es256_key("ec");
        let hmac = a1_hmac_key().with_kid("mac");
        let both = allow(&[JwsAlgorithm::Es256, JwsAlgorithm::Hs256]);
        let mac_token = JwsBuilder::new(b"x")
            .compact(signer(&hmac, JwsAlgorithm::Hs256).as_ref())
            .unwrap();
        let ec_token = sign(&ec, b"x");
        let mixed = store_of(&[&ec, &hmac]);
        for token in [&mac_token, &ec_token] {
            assert_eq!(
                both.verify(token, &mixed).unwrap_err(),
                Error::Policy(Policy::MixedKeyTypes)
            );
        }
        let opted = store_of(&[&ec, &hmac]).allow_symmetric_and_asymmetric();
        assert_eq!(both.verify(&mac_token, &opted).unwrap().key.index, 1);
        assert_eq!(both.verify(&ec_token, &opted).unwrap().key.index, 0);
        // Sets of one kind are not affected.
        assert!(both.verify(&ec_token, &store_of(&[&ec])).is_ok());
        assert!(both.verify(&mac_token, &store_of(&[&hmac])).is_ok());
    }

    /// A general JSON JWS verifies, by default, when one signature does: a
    /// first signature from an unknown key does not hide a second that
    /// verifies, and `Verified` names the second.
    #[test]
    fn any_signature_verifies_by_default_and_is_named() {
        let known = es256_key("known");
        let stranger = es256_key("stranger");
        let token = JwsBuilder::new(b"two")
            .general(&[
                SignatureSpec::new(signer(&stranger, JwsAlgorithm::Es256).as_ref()),
                SignatureSpec::new(signer(&known, JwsAlgorithm::Es256).as_ref()),
            ])
            .unwrap();
        let got = es256().verify(&token, &store_of(&[&known])).unwrap();
        assert_eq!(got.signature_index, 1);
        assert_eq!(got.key.kid.as_deref(), Some("known"));
        assert_eq!(got.signatures.len(), 1);
        assert_eq!(got.signatures[0].index, 1);
    }

    /// A policy that needs every signer (two-person approval, say) must not
    /// accept a JWS where one signature is bad or from a stranger:
    /// `require_all_signatures` checks every one and names every key.
    #[test]
    fn require_all_signatures_refuses_one_that_does_not_verify() {
        let (a, b, stranger) = (es256_key("a"), es256_key("b"), es256_key("x"));
        let store = store_of(&[&a, &b]);
        let all = es256().require_all_signatures();
        let general = |keys: &[&Jwk]| {
            let signers: Vec<Box<dyn Signer>> =
                keys.iter().map(|k| signer(k, JwsAlgorithm::Es256)).collect();
            let specs: Vec<SignatureSpec<'_>> =
                signers.iter().map(|s| SignatureSpec::new(s.as_ref())).collect();
            JwsBuilder::new(b"approved").general(&specs).unwrap()
        };
        let good = general(&[&a, &b]);
        let got = all.verify(&good, &store).unwrap();
        let seen: Vec<(usize, Option<&str>)> = got
            .signatures
            .iter()
            .map(|s| (s.index, s.key.kid.as_deref()))
            .collect();
        assert_eq!(seen, [(0, Some("a")), (1, Some("b"))]);
        assert_eq!(got.key.kid.as_deref(), Some("a"));

        let with_stranger = general(&[&a, &stranger]);
        assert!(es256().verify(&with_stranger, &store).is_ok());
        assert_eq!(
            all.verify(&with_stranger, &store).unwrap_err(),
            Error::Policy(Policy::NoMatchingKey)
        );
        // A tampered second signature: a different error, the same refusal.
        let mut doc: Value = serde_json::from_str(&good).unwrap();
        let first_sig = doc["signatures"][0]["signature"].clone();
        doc["signatures"][1]["signature"] = first_sig;
        let tampered = doc.to_string();
        assert!(es256().verify(&tampered, &store).is_ok());
        assert_eq!(all.verify(&tampered, &store).unwrap_err(), Error::BadSignature);
    }
}

// ---------------------------------------------------------------------------
// Property tests
// ---------------------------------------------------------------------------

mod properties {
    use super::*;
    use proptest::collection::vec;
    use proptest::prelude::*;

    /// A store with an HMAC, an EC, an Ed25519 and an RSA key.
    fn store() -> &'static (JwkSetStore, Jwk, Jwk) {
        static STORE: OnceLock<(JwkSetStore, Jwk, Jwk)> = OnceLock::new();
        STORE.get_or_init(|| {
            let hmac = a1_hmac_key();
            let ed = jwk_of(&vector("rfc8037/A.4.json")["key"]);
            let s = mixed_store_of(&[&hmac, &a2_rsa_key(), &a3_ec_key(), &ed]);
            (s, hmac, ed)
        })
    }

    fn everything() -> Verification {
        allow(JwsAlgorithm::ALL)
    }

    fn token_part() -> impl Strategy<Value = String> {
        "[A-Za-z0-9_=+/-]{0,80}"
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn random_bytes_as_compact_never_verify(bytes in vec(any::<u8>(), 0..400)) {
            let text = String::from_utf8_lossy(&bytes);
            prop_assert!(everything().verify(&text, &store().0).is_err());
            prop_assert!(everything().verify_detached(&text, &bytes, &store().0).is_err());
            let _ = danger::decode_unverified(&text);
        }

        #[test]
        fn random_three_part_strings_never_verify(
            h in token_part(), p in token_part(), s in token_part()
        ) {
            let text = format!("{h}.{p}.{s}");
            prop_assert!(everything().verify(&text, &store().0).is_err());
        }

        #[test]
        fn random_bytes_as_json_never_verify(bytes in vec(any::<u8>(), 0..400)) {
            let text = format!("{{{}", String::from_utf8_lossy(&bytes));
            prop_assert!(everything().verify(&text, &store().0).is_err());
            let _ = danger::decode_unverified(&text);
        }

        #[test]
        fn random_json_objects_never_verify(
            protected in proptest::option::of(token_part()),
            payload in proptest::option::of(token_part()),
            signature in proptest::option::of(token_part()),
            alg in proptest::option::of("(HS256|ES256|none|RS256|EdDSA|x)"),
            general in any::<bool>(),
        ) {
            let mut entry = serde_json::Map::new();
            if let Some(p) = protected {
                entry.insert("protected".into(), json!(p));
            }
            if let Some(a) = alg {
                entry.insert("header".into(), json!({"alg": a}));
            }
            if let Some(s) = signature {
                entry.insert("signature".into(), json!(s));
            }
            let mut doc = if general {
                json!({"signatures": [Value::Object(entry)]})
            } else {
                Value::Object(entry)
            };
            if let Some(p) = payload {
                doc["payload"] = json!(p);
            }
            let text = doc.to_string();
            prop_assert!(everything().verify(&text, &store().0).is_err());
            prop_assert!(everything().verify_detached(&text, b"x", &store().0).is_err());
        }

        #[test]
        fn random_signed_headers_never_panic(
            members in vec(
                (
                    "(alg|kid|typ|cty|crit|b64|jwk|x5c|x5t|x5t#S256|zip|enc|p2c|x)",
                    prop_oneof![
                        Just(json!("HS256")),
                        Just(json!(null)),
                        Just(json!(false)),
                        Just(json!(["b64"])),
                        Just(json!([])),
                        Just(json!({})),
                        any::<i64>().prop_map(|n| json!(n)),
                        "[ -~]{0,12}".prop_map(|s| json!(s)),
                    ],
                ),
                0..6,
            ),
            payload in vec(any::<u8>(), 0..40),
        ) {
            let mut header = serde_json::Map::new();
            for (name, value) in members {
                header.insert(name, value);
            }
            let hs256 = signer(&store().1, JwsAlgorithm::Hs256);
            let token = craft(&Value::Object(header.clone()).to_string(), &payload, hs256.as_ref());
            let result = everything().understand("x").verify(&token, &store().0);
            // Only a header that is exactly {"alg":"HS256"} (plus at most a
            // kid, typ, cty or understood "x") can verify.
            if let Ok(got) = result {
                prop_assert_eq!(got.alg, JwsAlgorithm::Hs256);
                prop_assert_eq!(header.get("alg"), Some(&json!("HS256")));
                prop_assert_eq!(got.payload, payload);
            }
        }

        #[test]
        fn mutated_hs256_tokens_never_verify(
            payload in vec(any::<u8>(), 1..64),
            index in any::<proptest::sample::Index>(),
            replacement in prop_oneof![Just('A'), Just('-'), Just('_'), Just('.'), Just('='), Just('w')],
        ) {
            let hs256 = signer(&store().1, JwsAlgorithm::Hs256);
            let token = JwsBuilder::new(&payload).compact(hs256.as_ref()).unwrap();
            let i = index.index(token.len());
            prop_assume!(token.as_bytes()[i] as char != replacement);
            let mutated = replace_char(&token, i, replacement);
            prop_assert!(everything().verify(&mutated, &store().0).is_err());
        }

        // Payloads start at one byte: the empty payload is the subject of
        // `round_trip::empty_payload_compact_round_trips`.
        #[test]
        fn hs256_round_trips(payload in vec(any::<u8>(), 1..512)) {
            let hs256 = signer(&store().1, JwsAlgorithm::Hs256);
            let v = allow(&[JwsAlgorithm::Hs256]);
            let builder = JwsBuilder::new(&payload);
            for token in [
                builder.compact(hs256.as_ref()).unwrap(),
                builder.flattened(SignatureSpec::new(hs256.as_ref())).unwrap(),
                builder.general(&[SignatureSpec::new(hs256.as_ref())]).unwrap(),
            ] {
                let got = v.verify(&token, &store().0).unwrap();
                prop_assert_eq!(&got.payload, &payload);
            }
            let detached = builder.detached().compact(hs256.as_ref()).unwrap();
            prop_assert_eq!(v.verify_detached(&detached, &payload, &store().0).unwrap().payload, payload);
        }

        #[test]
        fn eddsa_round_trips(payload in vec(any::<u8>(), 1..512)) {
            let ed = signer(&store().2, JwsAlgorithm::EdDsa);
            let v = allow(&[JwsAlgorithm::EdDsa]);
            let builder = JwsBuilder::new(&payload);
            for token in [
                builder.compact(ed.as_ref()).unwrap(),
                builder.flattened(SignatureSpec::new(ed.as_ref())).unwrap(),
            ] {
                let got = v.verify(&token, &store().0).unwrap();
                prop_assert_eq!(&got.payload, &payload);
                prop_assert_eq!(got.alg, JwsAlgorithm::EdDsa);
            }
            // Deterministic: signing twice gives the same token.
            prop_assert_eq!(
                builder.compact(ed.as_ref()).unwrap(),
                builder.compact(ed.as_ref()).unwrap()
            );
        }

        #[test]
        fn unencoded_text_round_trips(text in "[ -~]{0,200}") {
            let hs256 = signer(&store().1, JwsAlgorithm::Hs256);
            let v = allow(&[JwsAlgorithm::Hs256]);
            let builder = JwsBuilder::new(text.as_bytes()).unencoded();
            let flat = builder.flattened(SignatureSpec::new(hs256.as_ref())).unwrap();
            prop_assert_eq!(v.verify(&flat, &store().0).unwrap().payload, text.as_bytes());
            let detached = builder.detached().compact(hs256.as_ref()).unwrap();
            prop_assert_eq!(
                v.verify_detached(&detached, text.as_bytes(), &store().0).unwrap().payload,
                text.as_bytes()
            );
        }
    }
}
