//! The comparison: first every implementation's tokens are checked with
//! every other, then each operation is timed with criterion and its heap
//! allocations counted. `cargo xtask bench --compare` runs this once per
//! `jsonwebtoken` backend and writes BENCHMARKS.md from the results.
//!
//! `JOSE_COMPARE_JSONWEBTOKEN=aws_lc` picks jsonwebtoken's backend;
//! `JOSE_COMPARE_ONLY=jsonwebtoken` times only jsonwebtoken (the second
//! run); `JOSE_COMPARE_OUT` names the file the allocation counts go to.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fmt::Write as _;
use std::hint::black_box;
use std::time::Duration;

use criterion::Criterion;
use jose_alloc_probe::{Counting, count};
use jose_compare::{
    JWE_ALGS, JWS_ALGS, Keys, cross_check, cross_check_jwe, floor, jwe_impls, jwe_key, jws_impls,
    payload, peers,
};

#[global_allocator]
static COUNTING: Counting = Counting;

fn main() {
    peers::install_jsonwebtoken_backend();
    let only_peer = std::env::var("JOSE_COMPARE_ONLY").ok();
    let wanted = |name: &str| {
        only_peer
            .as_deref()
            .is_none_or(|only| name.starts_with(only))
    };
    let mut c = Criterion::default()
        .sample_size(30)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .configure_from_args();
    // One JSON line per implementation and operation: its allocations.
    let mut allocations = String::new();

    for alg in JWS_ALGS {
        let keys = Keys::new(*alg);
        let impls = jws_impls(&keys);
        cross_check(&impls);
        eprintln!("{alg}: {} implementations agree", impls.len());
        let own_token = (impls[0].sign)();
        let signing_input = own_token
            .rsplit_once('.')
            .map(|(i, _)| i.to_string())
            .unwrap();

        let mut sign = c.benchmark_group(format!("{alg} sign"));
        for i in impls.iter().filter(|i| wanted(&i.name)) {
            sign.bench_function(&i.name, |b| b.iter(|| black_box((i.sign)())));
        }
        let floors = if only_peer.is_none() {
            floor::jws(&keys, signing_input.as_bytes())
        } else {
            Vec::new()
        };
        for f in &floors {
            assert!((f.verify)(), "{alg} {}: the floor does not verify", f.name);
            sign.bench_function(&f.name, |b| b.iter(|| black_box((f.sign)())));
        }
        sign.finish();

        let mut verify = c.benchmark_group(format!("{alg} verify"));
        for i in impls.iter().filter(|i| wanted(&i.name)) {
            let token = (i.sign)();
            verify.bench_function(&i.name, |b| {
                b.iter(|| black_box((i.verify)(&token).unwrap()))
            });
        }
        for f in &floors {
            verify.bench_function(&f.name, |b| b.iter(|| black_box((f.verify)())));
        }
        verify.finish();

        for i in impls.iter().filter(|i| wanted(&i.name)) {
            let (signed, token) = count(|| (i.sign)());
            let (verified, _) = count(|| (i.verify)(&token).unwrap());
            let _ = writeln!(
                allocations,
                r#"{{"group":"{alg} sign","name":"{}","allocations":{}}}"#,
                i.name, signed.count
            );
            let _ = writeln!(
                allocations,
                r#"{{"group":"{alg} verify","name":"{}","allocations":{}}}"#,
                i.name, verified.count
            );
        }
    }

    if only_peer.is_none() {
        for (alg, enc) in JWE_ALGS {
            let jwk = jwe_key(*alg, *enc);
            let impls = jwe_impls(&jwk, *alg, *enc);
            cross_check_jwe(&impls);
            eprintln!("{alg}+{enc}: {} implementations agree", impls.len());
            let name = format!("JWE {alg}+{enc}");
            let mut encrypt = c.benchmark_group(format!("{name} encrypt"));
            for i in &impls {
                encrypt.bench_function(&i.name, |b| b.iter(|| black_box((i.encrypt)())));
            }
            let floors = if *alg == jose_core::KeyManagementAlgorithm::Dir {
                floor::aes_gcm(&payload())
            } else {
                Vec::new()
            };
            for (floor_name, seal, _) in &floors {
                encrypt.bench_function(floor_name, |b| b.iter(|| black_box(seal())));
            }
            encrypt.finish();
            let mut decrypt = c.benchmark_group(format!("{name} decrypt"));
            for i in &impls {
                let token = (i.encrypt)();
                decrypt.bench_function(&i.name, |b| {
                    b.iter(|| black_box((i.decrypt)(&token).unwrap()))
                });
            }
            for (floor_name, _, open) in &floors {
                assert!(open(), "{name} {floor_name}: the floor does not open");
                decrypt.bench_function(floor_name, |b| b.iter(|| black_box(open())));
            }
            decrypt.finish();
            for i in &impls {
                let (encrypted, token) = count(|| (i.encrypt)());
                let (decrypted, _) = count(|| (i.decrypt)(&token).unwrap());
                let _ = writeln!(
                    allocations,
                    r#"{{"group":"{name} encrypt","name":"{}","allocations":{}}}"#,
                    i.name, encrypted.count
                );
                let _ = writeln!(
                    allocations,
                    r#"{{"group":"{name} decrypt","name":"{}","allocations":{}}}"#,
                    i.name, decrypted.count
                );
            }
        }
    }

    if only_peer.is_none() {
        use jose_compare::scaling;
        for provider in [jose_rustcrypto::PROVIDER, jose_awslc::PROVIDER] {
            scaling::threads(&mut c, provider, jose_core::JwsAlgorithm::Hs256);
            scaling::threads(&mut c, provider, jose_core::JwsAlgorithm::Es256);
        }
        scaling::key_set(&mut c, jose_rustcrypto::PROVIDER);
        scaling::payload_sizes(&mut c, jose_rustcrypto::PROVIDER);
    }

    if let Ok(out) = std::env::var("JOSE_COMPARE_OUT") {
        std::fs::write(&out, allocations).unwrap();
    }
    c.final_summary();
}
