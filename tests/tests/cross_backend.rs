//! Backends are interchangeable: what one signs or encrypts, the other
//! verifies or decrypts, for every algorithm both have (jose-rustcrypto and
//! jose-awslc have them all), in both directions, compact and JSON.

// Test code: panicking on a broken expectation is the point.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::std_instead_of_core,
    clippy::alloc_instead_of_core
)]

use jose_core::{
    ContentEncryptionAlgorithm as Enc, Curve, Header, JwsAlgorithm, KeyManagementAlgorithm as Alg,
    KeyRequirement, KeyShape,
};
use jose_jwe::{Decryption, JweBuilder, Recipient};
use jose_jwk::{Jwk, KeySpec, Provider};
use jose_jws::{JwsBuilder, SignatureSpec, Verification};

/// Every ordered pair of distinct backends: (maker, checker).
fn pairs() -> [(Provider, Provider); 2] {
    [
        (jose_rustcrypto::PROVIDER, jose_awslc::PROVIDER),
        (jose_awslc::PROVIDER, jose_rustcrypto::PROVIDER),
    ]
}

/// A key for `alg`, made by `maker` (a JWK is backend-neutral data).
fn jws_key(maker: &Provider, alg: JwsAlgorithm) -> Jwk {
    maker.generate(alg).unwrap()
}

#[test]
fn jws_signed_by_one_backend_verify_with_the_other() {
    let payload = b"signed by one backend, verified by the other";
    for (maker, checker) in pairs() {
        for alg in JwsAlgorithm::ALL {
            let what = format!("{alg} {} -> {}", maker.name, checker.name);
            let jwk = jws_key(&maker, *alg);
            let signer = maker.signer(&jwk, *alg).unwrap();
            let public = jwk.to_public().unwrap_or_else(|| jwk.clone());
            let verifying = checker.verifier(&public).unwrap();
            let v = Verification::new(&[*alg]).unwrap();
            let builder = JwsBuilder::new(payload);
            for token in [
                builder.compact(signer.as_ref()).unwrap(),
                builder
                    .flattened(SignatureSpec::new(signer.as_ref()))
                    .unwrap(),
            ] {
                let got = v.verify(&token, &verifying).expect(&what);
                assert_eq!(got.payload, payload, "{what}");
                // A flipped bit of the signature fails on the other side too.
                let mut bad = token.into_bytes();
                let i = bad.len() - 3;
                bad[i] = if bad[i] == b'A' { b'B' } else { b'A' };
                let bad = String::from_utf8(bad).unwrap();
                assert!(v.verify(&bad, &verifying).is_err(), "{what}: corrupted");
            }
        }
    }
}

/// A recipient key for `alg` and `enc` (on `curve` for ECDH-ES), made by
/// `maker`.
fn jwe_key(maker: &Provider, alg: Alg, enc: Enc, curve: Option<Curve>) -> Jwk {
    let mut spec = KeySpec::from(alg);
    match (alg.requirement(), curve) {
        (KeyRequirement::Curve(_), Some(c)) => spec = spec.curve(c),
        (KeyRequirement::Cek, _) => spec = spec.enc(enc),
        _ => {}
    }
    let jwk = maker.generate(spec.shape().unwrap()).unwrap();
    if alg.needs_named_key() {
        jwk.with_alg(alg).unwrap()
    } else {
        jwk
    }
}

/// The curves an algorithm's keys may be on (none for other key types).
fn curves(alg: Alg) -> Vec<Option<Curve>> {
    match alg.requirement() {
        KeyRequirement::Curve(_) => [Curve::P256, Curve::P384, Curve::P521, Curve::X25519]
            .into_iter()
            .map(Some)
            .collect(),
        _ => vec![None],
    }
}

#[test]
fn jwe_encrypted_by_one_backend_decrypt_with_the_other() {
    let plaintext = b"encrypted by one backend, decrypted by the other";
    let mut rsa: Option<Jwk> = None;
    for (maker, checker) in pairs() {
        for alg in Alg::ALL {
            for curve in curves(*alg) {
                for enc in Enc::ALL {
                    let what = format!("{alg} {enc} {curve:?} {} -> {}", maker.name, checker.name);
                    let jwk = if matches!(alg.requirement(), KeyRequirement::Rsa) {
                        // One RSA key for every case: generation is slow.
                        let key = rsa
                            .get_or_insert_with(|| {
                                maker.generate(KeyShape::Rsa { bits: 2048 }).unwrap()
                            })
                            .clone();
                        if alg.needs_named_key() {
                            key.with_alg(*alg).unwrap()
                        } else {
                            key
                        }
                    } else {
                        jwe_key(&maker, *alg, *enc, curve)
                    };
                    let public = jwk.to_public().unwrap_or_else(|| jwk.clone());
                    let encryptor = maker
                        .encrypting_key(&public)
                        .unwrap()
                        .key_encryptor(*alg)
                        .unwrap();
                    let decrypting = checker.decryptor(&jwk).unwrap();
                    let d = Decryption::new(&[*alg], &[*enc]).unwrap();
                    let mut header = Header::new();
                    header.p2c = Some(1000);
                    let token = JweBuilder::new(plaintext, *enc)
                        .flattened(&maker, Recipient::new(encryptor.as_ref()).header(header))
                        .unwrap();
                    let got = d.decrypt(&checker, &token, &decrypting).expect(&what);
                    assert_eq!(&*got.plaintext, plaintext, "{what}");
                }
            }
        }
    }
}
