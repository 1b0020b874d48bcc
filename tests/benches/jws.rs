//! JWS compact sign and verify with every algorithm, on a ~300-byte payload
//! (a typical access token's claims). Run with `cargo xtask bench`.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use jose_core::{Curve, JwsAlgorithm};
use jose_jwk::KeySpec;
use jose_jws::{JwsBuilder, Verification};
use jose_rustcrypto::PROVIDER;

const CLAIMS: &[u8] = br#"{"iss":"https://issuer.example.com","sub":"248289761001","aud":["https://api.example.com","https://billing.example.com"],"exp":1893456000,"nbf":1700000000,"iat":1700000000,"jti":"6f1d2c3e-4a5b-4c7d-8e9f-0a1b2c3d4e5f","scope":"openid profile email read:orders write:orders","client_id":"s6BhdRkqt3","auth_time":1700000000,"acr":"urn:mace:incommon:iap:silver"}"#;

fn algorithms() -> Vec<(JwsAlgorithm, jose_jwk::Jwk)> {
    let rsa = PROVIDER.keys.generate(KeySpec::Rsa { bits: 2048 }).unwrap();
    JwsAlgorithm::ALL
        .iter()
        .map(|&alg| {
            let jwk = match alg.key_type() {
                jose_core::KeyType::Rsa => rsa.clone(),
                jose_core::KeyType::Oct => PROVIDER
                    .keys
                    .generate(KeySpec::Oct {
                        len: alg.hash_len(),
                    })
                    .unwrap(),
                _ => PROVIDER
                    .keys
                    .generate(KeySpec::Curve(alg.curve().unwrap_or(Curve::P256)))
                    .unwrap(),
            };
            (alg, jwk)
        })
        .collect()
}

fn compact(c: &mut Criterion) {
    let mut sign = c.benchmark_group("jws compact sign");
    let keys = algorithms();
    for (alg, jwk) in &keys {
        let signer = PROVIDER
            .keys
            .signing_key(jwk)
            .unwrap()
            .signer(*alg)
            .unwrap();
        sign.bench_with_input(BenchmarkId::from_parameter(alg), &signer, |b, signer| {
            b.iter(|| JwsBuilder::new(CLAIMS).compact(signer.as_ref()).unwrap());
        });
    }
    sign.finish();

    let mut verify = c.benchmark_group("jws compact verify");
    for (alg, jwk) in &keys {
        let signer = PROVIDER
            .keys
            .signing_key(jwk)
            .unwrap()
            .signer(*alg)
            .unwrap();
        let token = JwsBuilder::new(CLAIMS).compact(signer.as_ref()).unwrap();
        let key = PROVIDER.keys.verifying_key(jwk).unwrap();
        let verification = Verification::new(&[*alg]).unwrap();
        verify.bench_with_input(BenchmarkId::from_parameter(alg), &token, |b, token| {
            b.iter(|| verification.verify(token, &key).unwrap());
        });
    }
    verify.finish();
}

criterion_group!(benches, compact);
criterion_main!(benches);
