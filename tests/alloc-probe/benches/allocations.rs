//! Allocations per operation of the everyday JWT calls, counted with a
//! counting global allocator (one call each, after a warm-up call), and
//! printed as a table. Run with `cargo bench -p jose-alloc-probe --bench
//! allocations` (`cargo xtask bench` runs it too). Counts, not times: the
//! numbers do not depend on the machine or its load.
//!
//! The claims are a ~300-byte access token's, into and out of a flat user
//! struct (as with jsonwebtoken) and through `Claims`. The two "floor" rows
//! are what serde_json alone allocates for the struct (its own strings):
//! the JOSE layer's share is the difference.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use jose_alloc_probe::{Counting, count};
use jose_core::JwsAlgorithm;
use jose_jwk::Jwk;
use jose_jwt::{Claims, ClaimsValidation, JwtBuilder, Validation};
use jose_rustcrypto::PROVIDER;

#[global_allocator]
static COUNTING: Counting = Counting;

const NOW: i64 = 1_800_000_000;

#[derive(serde::Serialize, serde::Deserialize)]
struct AccessToken {
    iss: String,
    sub: String,
    aud: Vec<String>,
    exp: i64,
    iat: i64,
    jti: String,
    scope: String,
    client_id: String,
}

fn main() {
    let jwk = Jwk::oct(&[7u8; 32]).unwrap();
    let signer = PROVIDER.signer(&jwk, JwsAlgorithm::Hs256).unwrap();
    let verifier = PROVIDER.verifier(&jwk).unwrap();
    let claims = AccessToken {
        iss: "https://issuer.example.com".into(),
        sub: "248289761001".into(),
        aud: vec!["https://api.example.com".into()],
        exp: NOW + 900,
        iat: NOW,
        jti: "6f1d2c3e-4a5b-4c7d-8e9f-0a1b2c3d4e5f".into(),
        scope: "openid profile email read:orders write:orders".into(),
        client_id: "s6BhdRkqt3".into(),
    };
    let validation = Validation::new(&[JwsAlgorithm::Hs256])
        .unwrap()
        .with_claims(
            ClaimsValidation::new()
                .issuer("https://issuer.example.com")
                .audience("https://api.example.com")
                .clock(|| NOW),
        );
    let builder = JwtBuilder::new()
        .issuer("https://issuer.example.com")
        .subject("248289761001")
        .audience("https://api.example.com")
        .now(NOW)
        .issued_now()
        .expires_in(900)
        .jwt_id("6f1d2c3e-4a5b-4c7d-8e9f-0a1b2c3d4e5f")
        .claim("scope", "openid profile email read:orders write:orders")
        .claim("client_id", "s6BhdRkqt3");

    let token = jose_jwt::encode(&claims, signer.as_ref()).unwrap();
    let payload = serde_json::to_vec(&claims).unwrap();
    let rows: Vec<(&str, jose_alloc_probe::Allocations)> = vec![
        (
            "floor: serde_json::to_vec(&flat struct)",
            count(|| serde_json::to_vec(&claims).unwrap()).0,
        ),
        (
            "floor: serde_json::from_slice::<flat struct>",
            count(|| serde_json::from_slice::<AccessToken>(&payload).unwrap()).0,
        ),
        (
            "HS256 jose_jwt::encode(&flat struct)",
            count(|| jose_jwt::encode(&claims, signer.as_ref()).unwrap()).0,
        ),
        (
            "HS256 jose_jwt::decode::<flat struct>",
            count(|| jose_jwt::decode::<AccessToken>(&token, &validation, &verifier).unwrap()).0,
        ),
        (
            "HS256 JWS verify alone (jose_jws::Verification::verify)",
            count(|| validation.verification().verify(&token, &verifier).unwrap()).0,
        ),
        (
            "HS256 JwtBuilder::sign",
            count(|| builder.sign(signer.as_ref()).unwrap()).0,
        ),
        (
            "HS256 jose_jwt::decode::<Claims>",
            count(|| jose_jwt::decode::<Claims>(&token, &validation, &verifier).unwrap()).0,
        ),
    ];
    println!(
        "| operation (token of {} bytes) | allocations | bytes |",
        token.len()
    );
    println!("| --- | --- | --- |");
    for (name, a) in rows {
        println!("| {name} | {} | {} |", a.count, a.bytes);
    }
}
