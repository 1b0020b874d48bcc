//! The scaling measurements: verification on one thread and on two, a
//! key looked up by `kid` in a JWK Set of one key and of 1,000, and the
//! cost of a JWS across payload sizes from 100 B to 1 MiB.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::Criterion;
use jose_core::{JwsAlgorithm, KeyShape};
use jose_jwk::{JwkSet, Provider};

use crate::{AUDIENCE, Claims, ISSUER};

/// Verification throughput on one thread and on two (per-verification
/// time: the two-thread figure is wall time over the verifications both
/// threads did).
pub fn threads(c: &mut Criterion, provider: Provider, alg: JwsAlgorithm) {
    let jwk = provider.generate(alg).unwrap();
    let signer = provider.signer(&jwk, alg).unwrap();
    let token = jose_jwt::encode(&Claims::new(), signer.as_ref()).unwrap();
    let verifier = provider
        .verifier(&jwk.to_public().unwrap_or_else(|| jwk.clone()))
        .unwrap();
    let validation = jose_jwt::Validation::new(&[alg])
        .unwrap()
        .issuer(ISSUER)
        .audience(AUDIENCE);
    let verify = || {
        jose_jwt::decode::<Claims>(&token, &validation, &verifier).unwrap();
    };
    let mut group = c.benchmark_group(format!(
        "Scaling: {alg} verify on 1 and 2 threads ({})",
        provider.name
    ));
    group.bench_function("1 thread", |b| b.iter(|| black_box(verify())));
    group.bench_function("2 threads", |b| {
        b.iter_custom(|iters| {
            let half = iters.div_ceil(2);
            let start = Instant::now();
            std::thread::scope(|s| {
                for _ in 0..2 {
                    s.spawn(|| {
                        for _ in 0..half {
                            black_box(verify());
                        }
                    });
                }
            });
            // Both threads did `half`: the time per verification.
            start.elapsed().mul_f64(iters as f64 / (2 * half) as f64)
        });
    });
    group.finish();
}

/// A verification whose key is found by `kid` in a set of one key and in
/// a set of 1,000 (the key is the last one).
pub fn key_set(c: &mut Criterion, provider: Provider) {
    let alg = JwsAlgorithm::Hs256;
    let mut group = c.benchmark_group(format!(
        "Scaling: HS256 verify by kid in a JWK Set ({})",
        provider.name
    ));
    for size in [1usize, 1000] {
        let keys: Vec<_> = (0..size)
            .map(|i| {
                provider
                    .generate(KeyShape::Oct { len: 32 })
                    .unwrap()
                    .with_kid(format!("key-{i}"))
            })
            .collect();
        let last = keys.last().unwrap().clone();
        let set: JwkSet = keys.into_iter().collect();
        let store = provider.key_set(&set);
        let signer = provider.signer(&last, alg).unwrap();
        let token = jose_jwt::encode(&Claims::new(), signer.as_ref()).unwrap();
        let validation = jose_jwt::Validation::new(&[alg])
            .unwrap()
            .issuer(ISSUER)
            .audience(AUDIENCE);
        group.bench_function(format!("{size} keys"), |b| {
            b.iter(|| black_box(jose_jwt::decode::<Claims>(&token, &validation, &store).unwrap()));
        });
    }
    group.finish();
}

/// JWS verification (HS256, compact) of payloads from 100 B to 1 MiB.
pub fn payload_sizes(c: &mut Criterion, provider: Provider) {
    let alg = JwsAlgorithm::Hs256;
    let jwk = provider.generate(KeyShape::Oct { len: 32 }).unwrap();
    let signer = provider.signer(&jwk, alg).unwrap();
    let verifier = provider.verifier(&jwk).unwrap();
    // The default input limit is below a 1 MiB payload's JWS.
    let verification = jose_jws::Verification::new(&[alg])
        .unwrap()
        .limits(jose_jws::Limits::default().max_input(2 << 20));
    let mut group = c.benchmark_group(format!(
        "Scaling: HS256 JWS verify by payload size ({})",
        provider.name
    ));
    group.measurement_time(Duration::from_secs(3));
    for size in [100usize, 1 << 10, 10 << 10, 100 << 10, 1 << 20] {
        let payload: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
        let token = jose_jws::JwsBuilder::new(&payload)
            .compact(signer.as_ref())
            .unwrap();
        group.bench_function(format!("{size} B"), |b| {
            b.iter(|| black_box(verification.verify(&token, &verifier).unwrap()));
        });
    }
    group.finish();
}
