//! Signatures per second on a SoftHSM2 token (RS256, ES256), one thread and
//! four threads sharing the session pool, next to the same operations in
//! jose-rustcrypto. Needs the token of `cargo xtask ci` (`SOFTHSM2_CONF`,
//! `PKCS11_MODULE`, ...): `. /tmp/jose-softhsm-*/env.sh` then
//! `cargo xtask bench --bench pkcs11`. Criterion reports time per signature:
//! signatures per second is its inverse (with 4 threads, time per signature
//! of the whole pool).

#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::std_instead_of_core
)]

use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use jose_core::KeyShape;
use jose_core::{JwsAlgorithm, Signer};
use jose_pkcs11::{Pin, Token, TokenOptions, TokenSelector};
use jose_rustcrypto::PROVIDER;

const INPUT: &[u8] = b"eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhbGljZSIsImV4cCI6MTkwMDAwMDAwMH0";

/// Time for `iters` signatures spread over `threads` threads.
fn parallel(signer: &dyn Signer, threads: u64, iters: u64) -> Duration {
    let start = Instant::now();
    std::thread::scope(|s| {
        for t in 0..threads {
            let share = iters / threads + u64::from(t < iters % threads);
            s.spawn(move || {
                for _ in 0..share {
                    signer.sign(INPUT).unwrap();
                }
            });
        }
    });
    start.elapsed()
}

fn bench(c: &mut Criterion) {
    let (Some(module), Ok(label)) = (
        std::env::var_os("PKCS11_MODULE"),
        std::env::var("PKCS11_TOKEN_LABEL"),
    ) else {
        eprintln!("pkcs11 bench: no SoftHSM2 token in the environment (see the file's doc)");
        return;
    };
    let token = Token::open(
        module.as_ref(),
        &TokenSelector::Label(label),
        &Pin::Env("PKCS11_PIN".into()),
        &TokenOptions::new(PROVIDER),
    )
    .unwrap();
    let rsa_software = PROVIDER.generate(KeyShape::Rsa { bits: 2048 }).unwrap();
    let ec_software = PROVIDER
        .generate(KeyShape::Curve(jose_core::Curve::P256))
        .unwrap();
    let cases: Vec<(&str, Box<dyn Signer>)> = vec![
        (
            "RS256 token",
            token
                .key("rsa-2048")
                .unwrap()
                .signing_key()
                .unwrap()
                .signer(JwsAlgorithm::Rs256)
                .unwrap(),
        ),
        (
            "ES256 token",
            token
                .key("ec-p256")
                .unwrap()
                .signing_key()
                .unwrap()
                .signer(JwsAlgorithm::Es256)
                .unwrap(),
        ),
        (
            "RS256 rustcrypto",
            PROVIDER
                .signing_key(&rsa_software)
                .unwrap()
                .signer(JwsAlgorithm::Rs256)
                .unwrap(),
        ),
        (
            "ES256 rustcrypto",
            PROVIDER
                .signing_key(&ec_software)
                .unwrap()
                .signer(JwsAlgorithm::Es256)
                .unwrap(),
        ),
    ];
    let mut group = c.benchmark_group("sign");
    group.sample_size(20);
    for (name, signer) in &cases {
        group.bench_function(format!("{name}, 1 thread"), |b| {
            b.iter(|| signer.sign(INPUT).unwrap());
        });
        group.bench_function(format!("{name}, 4 threads"), |b| {
            b.iter_custom(|iters| parallel(signer.as_ref(), 4, iters));
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
