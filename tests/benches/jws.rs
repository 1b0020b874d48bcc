//! JWS compact sign and verify with every algorithm, on a ~300-byte payload
//! (a typical access token's claims). Run with `cargo xtask bench`.

#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::semicolon_if_nothing_returned
)]

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use jose_core::JwsAlgorithm;
use jose_core::KeyShape;
use jose_jws::{JwsBuilder, Verification};
use jose_rustcrypto::PROVIDER;

const CLAIMS: &[u8] = br#"{"iss":"https://issuer.example.com","sub":"248289761001","aud":["https://api.example.com","https://billing.example.com"],"exp":1893456000,"nbf":1700000000,"iat":1700000000,"jti":"6f1d2c3e-4a5b-4c7d-8e9f-0a1b2c3d4e5f","scope":"openid profile email read:orders write:orders","client_id":"s6BhdRkqt3","auth_time":1700000000,"acr":"urn:mace:incommon:iap:silver"}"#;

fn algorithms() -> Vec<(JwsAlgorithm, jose_jwk::Jwk)> {
    let rsa = PROVIDER.generate(KeyShape::Rsa { bits: 2048 }).unwrap();
    JwsAlgorithm::ALL
        .iter()
        .map(|&alg| {
            let jwk = match alg.requirement() {
                jose_core::KeyRequirement::Rsa => rsa.clone(),
                _ => PROVIDER.generate(alg).unwrap(),
            };
            (alg, jwk)
        })
        .collect()
}

fn compact(c: &mut Criterion) {
    let mut sign = c.benchmark_group("jws compact sign");
    let keys = algorithms();
    for (alg, jwk) in &keys {
        let signer = PROVIDER.signing_key(jwk).unwrap().signer(*alg).unwrap();
        sign.bench_with_input(BenchmarkId::from_parameter(alg), &signer, |b, signer| {
            b.iter(|| JwsBuilder::new(CLAIMS).compact(signer.as_ref()).unwrap());
        });
    }
    sign.finish();

    let mut verify = c.benchmark_group("jws compact verify");
    for (alg, jwk) in &keys {
        let signer = PROVIDER.signing_key(jwk).unwrap().signer(*alg).unwrap();
        let token = JwsBuilder::new(CLAIMS).compact(signer.as_ref()).unwrap();
        let key = PROVIDER.verifier(jwk).unwrap();
        let verification = Verification::new(&[*alg]).unwrap();
        verify.bench_with_input(BenchmarkId::from_parameter(alg), &token, |b, token| {
            b.iter(|| verification.verify(token, &key).unwrap());
        });
    }
    verify.finish();
}

criterion_group!(benches, compact);
criterion_main!(benches, floors);

/// The raw primitives on the same bytes, with no JOSE work around them: the
/// floor the compact sign/verify numbers are compared with.
fn floor(c: &mut Criterion) {
    use hmac::{KeyInit, Mac};
    use signature::{Signer as _, Verifier as _};

    let input = {
        let signer = PROVIDER
            .signing_key(&PROVIDER.generate(KeyShape::Oct { len: 32 }).unwrap())
            .unwrap()
            .signer(JwsAlgorithm::Hs256)
            .unwrap();
        let token = JwsBuilder::new(CLAIMS).compact(signer.as_ref()).unwrap();
        let end = token.rfind('.').unwrap();
        token.as_bytes()[..end].to_vec()
    };
    let mut group = c.benchmark_group("floor");
    let key = [7u8; 32];
    group.bench_function("HMAC-SHA256", |b| {
        b.iter(|| {
            let mut mac = <hmac::Hmac<sha2::Sha256> as KeyInit>::new_from_slice(&key).unwrap();
            mac.update(&input);
            mac.finalize()
        });
    });
    let ed = ed25519_dalek::SigningKey::from_bytes(&[9u8; 32]);
    let ed_sig: ed25519_dalek::Signature = ed.sign(&input);
    let ed_vk = ed.verifying_key();
    group.bench_function("Ed25519 sign", |b| b.iter(|| ed.sign(&input)));
    group.bench_function("Ed25519 verify_strict", |b| {
        b.iter(|| ed_vk.verify_strict(&input, &ed_sig).unwrap());
    });
    let p256 = p256::ecdsa::SigningKey::from_slice(&[3u8; 32]).unwrap();
    let p256_sig: p256::ecdsa::Signature = p256.sign(&input);
    let p256_vk = *p256.verifying_key();
    group.bench_function("P-256 ECDSA sign", |b| {
        b.iter(|| {
            let s: p256::ecdsa::Signature = p256.sign(&input);
            s
        });
    });
    group.bench_function("P-256 ECDSA verify", |b| {
        b.iter(|| p256_vk.verify(&input, &p256_sig).unwrap());
    });
    let rsa = rsa::PrivateKey::new(&mut getrandom::SysRng, 2048).unwrap();
    let rsa_sig = rsa.pkcs1v15_sign::<sha2::Sha256>(&input).unwrap();
    let rsa_pk = rsa.to_public_key();
    group.bench_function("RSA-2048 PKCS#1 v1.5 sign", |b| {
        b.iter(|| rsa.pkcs1v15_sign::<sha2::Sha256>(&input).unwrap());
    });
    group.bench_function("RSA-2048 PKCS#1 v1.5 verify", |b| {
        b.iter(|| {
            rsa_pk
                .pkcs1v15_verify::<sha2::Sha256>(&input, &rsa_sig)
                .unwrap()
        });
    });
    group.finish();
}

criterion_group!(floors, floor);
