//! JWE compact encrypt and decrypt of a 1 KiB payload, for the key
//! management algorithms of issue 4, each with A256GCM and A128CBC-HS256.
//! Run with `cargo xtask bench`.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use jose_core::KeyShape;
use jose_core::{ContentEncryptionAlgorithm as Enc, Curve, Header, KeyManagementAlgorithm as Alg};
use jose_jwe::{Decryption, JweBuilder, Recipient};
use jose_jwk::Jwk;
use jose_rustcrypto::PROVIDER;

fn cases() -> Vec<(String, Alg, Enc, Jwk)> {
    let rsa = PROVIDER.generate(KeyShape::Rsa { bits: 2048 }).unwrap();
    let password = Jwk::from_json(br#"{"kty":"oct","k":"Y29ycmVjdCBob3JzZSBiYXR0ZXJ5"}"#).unwrap();
    let mut out = Vec::new();
    for enc in [Enc::A256Gcm, Enc::A128CbcHs256] {
        let keys: Vec<(&str, Alg, Jwk)> = vec![
            (
                "dir",
                Alg::Dir,
                PROVIDER
                    .generate(KeyShape::Oct { len: enc.key_len() })
                    .unwrap(),
            ),
            (
                "A256KW",
                Alg::A256Kw,
                PROVIDER.generate(KeyShape::Oct { len: 32 }).unwrap(),
            ),
            (
                "A256GCMKW",
                Alg::A256GcmKw,
                PROVIDER.generate(KeyShape::Oct { len: 32 }).unwrap(),
            ),
            ("RSA-OAEP-256", Alg::RsaOaep256, rsa.clone()),
            (
                "ECDH-ES+A256KW P-256",
                Alg::EcdhEsA256Kw,
                PROVIDER.generate(KeyShape::Curve(Curve::P256)).unwrap(),
            ),
            (
                "ECDH-ES+A256KW X25519",
                Alg::EcdhEsA256Kw,
                PROVIDER.generate(KeyShape::Curve(Curve::X25519)).unwrap(),
            ),
            (
                "PBES2-HS256+A128KW",
                Alg::Pbes2Hs256A128Kw,
                password.clone(),
            ),
        ];
        for (name, alg, jwk) in keys {
            out.push((format!("{name} {enc}"), alg, enc, jwk));
        }
    }
    out
}

fn compact(c: &mut Criterion) {
    let payload = vec![0x5a_u8; 1024];
    let cases = cases();
    let mut encrypt = c.benchmark_group("jwe flattened encrypt 1 KiB");
    encrypt.sample_size(20);
    for (name, alg, enc, jwk) in &cases {
        let encryptor = PROVIDER
            .encrypting_key(jwk)
            .unwrap()
            .key_encryptor(*alg)
            .unwrap();
        let builder = JweBuilder::new(&payload, *enc);
        encrypt.bench_function(BenchmarkId::from_parameter(name), |b| {
            b.iter(|| {
                // Flattened carries the PBES2 default p2c the same way.
                builder
                    .flattened(
                        &PROVIDER,
                        Recipient::new(encryptor.as_ref()).header(Header::new()),
                    )
                    .unwrap()
            });
        });
    }
    encrypt.finish();

    let mut decrypt = c.benchmark_group("jwe compact decrypt 1 KiB");
    decrypt.sample_size(20);
    for (name, alg, enc, jwk) in &cases {
        let encryptor = PROVIDER
            .encrypting_key(jwk)
            .unwrap()
            .key_encryptor(*alg)
            .unwrap();
        let token = JweBuilder::new(&payload, *enc)
            .compact(&PROVIDER, encryptor.as_ref())
            .unwrap();
        let key = PROVIDER.decryptor(jwk).unwrap();
        let decryption = Decryption::new(&[*alg], &[*enc]).unwrap();
        decrypt.bench_function(BenchmarkId::from_parameter(name), |b| {
            b.iter(|| decryption.decrypt(&PROVIDER, &token, &key).unwrap());
        });
    }
    decrypt.finish();
}

/// The worst messages the default limits let through: 16 general-JSON
/// recipients, none for us, against a JWK Set of three keys without
/// `kid`. PBES2 at the `p2c` cap (stops at the iteration budget) and
/// ECDH-ES+A128KW (stops at the private-key operation budget). The time is
/// what one hostile message costs a server.
fn worst_message(c: &mut Criterion) {
    use jose_core::key_management::Pbes2Params;
    use jose_jwe::Limits;
    use jose_jwk::{JwkSet, JwkSetStore};
    let limits = Limits::default();
    let mut group = c.benchmark_group("jwe worst message");
    group.sample_size(10);
    for (name, alg) in [
        ("PBES2-HS256+A128KW at the p2c cap", Alg::Pbes2Hs256A128Kw),
        ("ECDH-ES+A128KW P-256", Alg::EcdhEsA128Kw),
    ] {
        let spec = jose_jwk::KeySpec::from(alg);
        let stranger = PROVIDER.generate(spec).unwrap();
        let encryptor = PROVIDER.encryptor(&stranger, alg).unwrap();
        let recipients: Vec<Recipient<'_>> = (0..limits.max_recipients)
            .map(|_| Recipient::new(encryptor.as_ref()))
            .collect();
        let mut builder = JweBuilder::new(b"x", Enc::A128Gcm);
        if alg == Alg::Pbes2Hs256A128Kw {
            builder = builder.pbes2(Pbes2Params::new(limits.max_p2c, 16).unwrap());
        }
        let token = builder.general(&PROVIDER, &recipients).unwrap();
        let set: JwkSet = (0..3).map(|_| PROVIDER.generate(spec).unwrap()).collect();
        let store = JwkSetStore::new(&set, &PROVIDER);
        let decryption = Decryption::new(&[alg], &[Enc::A128Gcm]).unwrap();
        group.bench_function(name, |b| {
            b.iter(|| decryption.decrypt(&PROVIDER, &token, &store).unwrap_err());
        });
    }
    group.finish();
}

criterion_group!(benches, compact, worst_message);
criterion_main!(benches);
