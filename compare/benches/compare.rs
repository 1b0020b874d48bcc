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
    CLAIMS_ALONE, Claims, JWE_ALGS, JWS_ALGS, Keys, cross_check, cross_check_jwe, floor, jwe_impls,
    jwe_key, jws_impls, payload, peers,
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
        let signing_input = own_token.rsplit_once('.').map(|(i, _)| i).unwrap();
        let floors = if only_peer.is_none() {
            floor::jws(&keys, signing_input.as_bytes())
        } else {
            Vec::new()
        };
        // What serde_json alone costs on the claims (serialize them, and
        // deserialize them into the user struct): the part of every
        // implementation's time and allocations that is not JOSE's.
        let claims = Claims::new();
        let claims_alone = move || serde_json::to_string(&claims).unwrap();
        let mut pairs: Vec<Pair<'_>> = impls
            .iter()
            .filter(|i| wanted(&i.name))
            .map(|i| Pair {
                name: &i.name,
                make: &*i.sign,
                open: Box::new(|t| (i.verify)(t).is_ok()),
            })
            .collect();
        if *alg == jose_core::JwsAlgorithm::Hs256 && only_peer.is_none() {
            pairs.push(Pair {
                name: CLAIMS_ALONE,
                make: &claims_alone,
                open: Box::new(|t| serde_json::from_str::<Claims>(t).is_ok()),
            });
        }
        let groups = [format!("{alg} sign"), format!("{alg} verify")];
        measure(&mut c, &mut allocations, &groups, &pairs, &floors);
    }

    if only_peer.is_none() {
        for (alg, enc) in JWE_ALGS {
            let jwk = jwe_key(*alg, *enc);
            let impls = jwe_impls(&jwk, *alg, *enc);
            cross_check_jwe(&impls);
            eprintln!("{alg}+{enc}: {} implementations agree", impls.len());
            let floors = if *alg == jose_core::KeyManagementAlgorithm::Dir {
                floor::aes_gcm(&payload())
            } else {
                Vec::new()
            };
            let pairs: Vec<Pair<'_>> = impls
                .iter()
                .map(|i| Pair {
                    name: &i.name,
                    make: &*i.encrypt,
                    open: Box::new(|t| (i.decrypt)(t).is_ok()),
                })
                .collect();
            let name = format!("JWE {alg}+{enc}");
            let groups = [format!("{name} encrypt"), format!("{name} decrypt")];
            measure(&mut c, &mut allocations, &groups, &pairs, &floors);
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

/// One implementation of an operation pair: making a token (signing,
/// encrypting) and opening it (verifying, decrypting).
struct Pair<'a> {
    name: &'a str,
    make: &'a dyn Fn() -> String,
    open: Box<dyn Fn(&str) -> bool + 'a>,
}

/// Times making and opening for every implementation and floor, in the
/// groups `[make, open]`, and writes each implementation's allocations as
/// JSON lines to `allocations`.
fn measure(
    c: &mut Criterion,
    allocations: &mut String,
    groups: &[String; 2],
    pairs: &[Pair<'_>],
    floors: &[floor::Floor],
) {
    let [make_group, open_group] = groups;
    let mut make = c.benchmark_group(make_group.as_str());
    for p in pairs {
        make.bench_function(p.name, |b| b.iter(|| black_box((p.make)())));
    }
    for f in floors {
        assert!(
            (f.verify)(),
            "{make_group} {}: the floor does not check",
            f.name
        );
        make.bench_function(&f.name, |b| b.iter(|| black_box((f.sign)())));
    }
    make.finish();
    let mut open = c.benchmark_group(open_group.as_str());
    for p in pairs {
        let token = (p.make)();
        // Timing a refusal would measure other work: it must open.
        assert!(
            (p.open)(&token),
            "{open_group} {}: its own token fails",
            p.name
        );
        open.bench_function(p.name, |b| b.iter(|| black_box((p.open)(&token))));
    }
    for f in floors {
        open.bench_function(&f.name, |b| b.iter(|| black_box((f.verify)())));
    }
    open.finish();
    for p in pairs {
        let (made, token) = count(|| (p.make)());
        let (opened, _) = count(|| (p.open)(&token));
        for (group, n) in [(make_group, made.count), (open_group, opened.count)] {
            let _ = writeln!(
                allocations,
                r#"{{"group":"{group}","name":"{}","allocations":{n}}}"#,
                p.name
            );
        }
    }
}
