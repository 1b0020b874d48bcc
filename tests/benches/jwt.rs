//! Issue, and verify + validate, a typical access token (~300 bytes of
//! claims) with HS256, RS256, ES256 and EdDSA. Run with `cargo xtask bench`.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use jose_core::KeyShape;
use jose_core::{Curve, JwsAlgorithm};
use jose_jwt::{JwtBuilder, Validation};
use jose_rustcrypto::PROVIDER;

const NOW: i64 = 1_800_000_000;

fn builder() -> JwtBuilder {
    JwtBuilder::new()
        .issuer("https://issuer.example.com")
        .subject("248289761001")
        .audience("https://api.example.com")
        .audience("https://billing.example.com")
        .now(NOW)
        .issued_now()
        .expires_in(900)
        .jwt_id("6f1d2c3e-4a5b-4c7d-8e9f-0a1b2c3d4e5f")
        .claim("scope", "openid profile email read:orders write:orders")
        .claim("client_id", "s6BhdRkqt3")
        .claim("auth_time", NOW)
        .claim("acr", "urn:mace:incommon:iap:silver")
        .typ("at+jwt")
}

fn bench(c: &mut Criterion) {
    let keys = [
        (
            JwsAlgorithm::Hs256,
            PROVIDER.generate(KeyShape::Oct { len: 32 }).unwrap(),
        ),
        (
            JwsAlgorithm::Rs256,
            PROVIDER.generate(KeyShape::Rsa { bits: 2048 }).unwrap(),
        ),
        (
            JwsAlgorithm::Es256,
            PROVIDER.generate(KeyShape::Curve(Curve::P256)).unwrap(),
        ),
        (
            JwsAlgorithm::EdDsa,
            PROVIDER.generate(KeyShape::Curve(Curve::Ed25519)).unwrap(),
        ),
    ];
    let mut issue = c.benchmark_group("jwt issue");
    for (alg, jwk) in &keys {
        let signer = PROVIDER.signing_key(jwk).unwrap().signer(*alg).unwrap();
        let b = builder();
        issue.bench_function(BenchmarkId::from_parameter(alg), |bench| {
            bench.iter(|| b.sign(signer.as_ref()).unwrap());
        });
    }
    issue.finish();
    let mut verify = c.benchmark_group("jwt verify+validate");
    for (alg, jwk) in &keys {
        let signer = PROVIDER.signing_key(jwk).unwrap().signer(*alg).unwrap();
        let token = builder().sign(signer.as_ref()).unwrap();
        let key = PROVIDER.verifier(jwk).unwrap();
        let validation = Validation::new(&[*alg])
            .unwrap()
            .issuer("https://issuer.example.com")
            .audience("https://api.example.com")
            .typ("at+jwt")
            .clock(|| NOW + 60);
        verify.bench_function(BenchmarkId::from_parameter(alg), |bench| {
            bench.iter(|| jose_jwt::decode::<jose_jwt::Claims>(&token, &validation, &key).unwrap());
        });
    }
    verify.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
