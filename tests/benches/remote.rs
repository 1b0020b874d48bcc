//! A warm remote JWK Set against a local one: JWT verification through each
//! (RS256 and ES256, a set of 16 keys, the token's `kid` picking one), and
//! the cost of a cache hit alone (the key look-up). The remote set is
//! served by a loopback HTTP server and fetched once before timing; every
//! timed look-up is a cache hit, which completes without waiting (so
//! `ready_now` drives it, no runtime in the timed loop). Run with
//! `cargo xtask bench remote`.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use criterion::{Criterion, criterion_group, criterion_main};
use jose_core::asynchronous::{AsyncKeyStore, ready_now};
use jose_core::{Header, JwsAlgorithm, KeyShape, KeyStore};
use jose_jwk::JwkSet;
use jose_rustcrypto::PROVIDER;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize)]
struct Access {
    iss: String,
    aud: String,
    exp: u64,
    sub: String,
    scope: String,
}

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    for alg in [JwsAlgorithm::Rs256, JwsAlgorithm::Es256] {
        let keys: Vec<_> = (0..16)
            .map(|i| {
                let jwk = match alg {
                    JwsAlgorithm::Rs256 => PROVIDER.generate(KeyShape::Rsa { bits: 2048 }),
                    other => PROVIDER.generate(other),
                };
                jwk.unwrap().with_kid(format!("key-{i}"))
            })
            .collect();
        let public = JwkSet::from_iter(keys.iter().filter_map(jose_jwk::Jwk::to_public));
        let body: String = public.to_json().to_string();
        let url = runtime.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            let app = axum::Router::new().route(
                "/jwks",
                axum::routing::get(move || {
                    let body = body.clone();
                    async move { ([("content-type", "application/json")], body) }
                }),
            );
            tokio::spawn(async move { axum::serve(listener, app).await });
            format!("http://{addr}/jwks")
        });
        let remote = jose_remote::RemoteJwkSet::builder(url, PROVIDER)
            .build()
            .unwrap();
        runtime.block_on(remote.refresh()).unwrap();
        let local = PROVIDER.key_set(&public);

        let claims = Access {
            iss: "https://idp.example".into(),
            aud: "api".into(),
            exp: 4_102_444_800,
            sub: "alice".into(),
            scope: "orders:read".into(),
        };
        let signer = PROVIDER.signer(keys.get(7).unwrap(), alg).unwrap();
        let token = jose_jwt::encode(&claims, signer.as_ref()).unwrap();
        let validation = jose_jwt::Validation::new(&[alg])
            .unwrap()
            .issuer("https://idp.example")
            .audience("api");

        let mut g = c.benchmark_group(format!("remote JWK Set: {alg} JWT verify"));
        g.bench_function("local set", |b| {
            b.iter(|| jose_jwt::decode::<Access>(&token, &validation, &local).unwrap());
        });
        g.bench_function("local set, async entry point", |b| {
            b.iter(|| {
                ready_now(jose_jwt::decode_async::<Access>(
                    &token,
                    &validation,
                    &local,
                ))
                .unwrap()
                .unwrap()
            });
        });
        g.bench_function("warm remote set", |b| {
            b.iter(|| {
                ready_now(jose_jwt::decode_async::<Access>(
                    &token,
                    &validation,
                    &remote,
                ))
                .unwrap()
                .unwrap()
            });
        });
        g.finish();

        let header = Header::new().with_alg(alg).with_kid("key-7");
        let mut g = c.benchmark_group(format!("remote JWK Set: {alg} key look-up"));
        g.bench_function("local set", |b| {
            b.iter(|| KeyStore::verifiers(&local, alg, &header).unwrap());
        });
        g.bench_function("warm remote set (cache hit)", |b| {
            b.iter(|| {
                ready_now(AsyncKeyStore::verifiers(&remote, alg, &header))
                    .unwrap()
                    .unwrap()
            });
        });
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
