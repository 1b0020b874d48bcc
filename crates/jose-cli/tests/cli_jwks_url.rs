//! `--jwks-url` end to end: `jose jws verify` and `jose jwt verify` take
//! their candidate keys from a JWK Set served on loopback by the test,
//! including a key rotation between two invocations, and refuse what a
//! remote set must not be.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::std_instead_of_core,
    clippy::alloc_instead_of_core
)]

use std::sync::{Arc, Mutex};

use axum::http::header;
use axum::routing::get;
use serde_json::{Value, json};

mod common;
use common::*;

/// A loopback server of one JWK Set, whose body the test changes.
struct Jwks {
    body: Arc<Mutex<(String, &'static str)>>,
    url: String,
    _runtime: tokio::runtime::Runtime,
}

impl Jwks {
    fn start() -> Self {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let body = Arc::new(Mutex::new((
            String::from(r#"{"keys":[]}"#),
            "application/json",
        )));
        let served = Arc::clone(&body);
        let url = runtime.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            let app = axum::Router::new().route(
                "/jwks",
                get(move || {
                    let (text, media) = served.lock().unwrap().clone();
                    async move { ([(header::CONTENT_TYPE, media)], text) }
                }),
            );
            tokio::spawn(async move { axum::serve(listener, app).await });
            format!("http://{addr}/jwks")
        });
        Self {
            body,
            url,
            _runtime: runtime,
        }
    }

    fn publish(&self, keys: &[&Value]) {
        self.body.lock().unwrap().0 = json!({ "keys": keys }).to_string();
    }

    fn serve(&self, text: &str, media: &'static str) {
        *self.body.lock().unwrap() = (text.to_string(), media);
    }
}

fn public(jwk: &Value) -> Value {
    json_ok(&["jwk", "pub"], Some(&json_bytes(jwk)))
}

fn sign_jwt(jwk: &Value) -> String {
    let key = TempFile::json("jwks-url-key", jwk);
    token_ok(
        &[
            "jwt",
            "sign",
            "--key",
            key.path(),
            "--iss",
            "https://idp.example",
            "--sub",
            "alice",
            "--exp",
            "15m",
        ],
        Some(b""),
    )
}

#[test]
fn jwt_verify_takes_keys_from_the_url_across_a_rotation() {
    let server = Jwks::start();
    let old = gen_key(&["--alg", "ES256", "--kid", "2026-11"]);
    let new = gen_key(&["--alg", "ES256", "--kid", "2026-12"]);
    server.publish(&[&public(&old)]);

    let token = sign_jwt(&old);
    let claims = json_ok(
        &[
            "jwt",
            "verify",
            "--jwks-url",
            &server.url,
            "--iss",
            "https://idp.example",
        ],
        Some(token.as_bytes()),
    );
    assert_eq!(claims["sub"], "alice");

    // The provider rotates: the next invocation sees the new key, and the
    // old one is gone.
    server.publish(&[&public(&new)]);
    let fresh = sign_jwt(&new);
    let claims = json_ok(
        &["jwt", "verify", "--jwks-url", &server.url, "--alg", "ES256"],
        Some(fresh.as_bytes()),
    );
    assert_eq!(claims["sub"], "alice");
    rejected(
        &["jwt", "verify", "--jwks-url", &server.url, "--alg", "ES256"],
        Some(token.as_bytes()),
    );
}

#[test]
fn jws_verify_takes_keys_from_the_url() {
    let server = Jwks::start();
    let jwk = gen_key(&["--alg", "EdDSA", "--kid", "ed"]);
    server.publish(&[&public(&jwk)]);
    let key = TempFile::json("jwks-url-ed", &jwk);
    let jws = token_ok(&["jws", "sign", "--key", key.path()], Some(b"hello"));
    let payload = success(
        &["jws", "verify", "--jwks-url", &server.url],
        Some(jws.as_bytes()),
    );
    assert_eq!(payload, b"hello");
    // With --key too: both are candidates.
    let other = gen_key(&["--alg", "ES256", "--kid", "es"]);
    let other_file = TempFile::json("jwks-url-es", &public(&other));
    let payload = success(
        &[
            "jws",
            "verify",
            "--key",
            other_file.path(),
            "--jwks-url",
            &server.url,
        ],
        Some(jws.as_bytes()),
    );
    assert_eq!(payload, b"hello");
}

#[test]
fn alg_may_be_left_out_only_when_every_fetched_key_has_one() {
    let server = Jwks::start();
    let jwk = gen_key(&["--alg", "ES256", "--kid", "k"]);
    let mut no_alg = public(&jwk);
    no_alg.as_object_mut().unwrap().remove("alg");
    server.publish(&[&no_alg]);
    let token = sign_jwt(&jwk);
    usage_error(
        &["jwt", "verify", "--jwks-url", &server.url],
        Some(token.as_bytes()),
    );
    json_ok(
        &["jwt", "verify", "--jwks-url", &server.url, "--alg", "ES256"],
        Some(token.as_bytes()),
    );
}

#[test]
fn bad_urls_and_bad_sets_are_refused() {
    let server = Jwks::start();
    let jwk = gen_key(&["--alg", "ES256", "--kid", "k"]);
    let token = sign_jwt(&jwk);
    // Not HTTPS, not loopback: a usage error, before any request.
    usage_error(
        &[
            "jwt",
            "verify",
            "--jwks-url",
            "http://idp.example/jwks",
            "--alg",
            "ES256",
        ],
        Some(token.as_bytes()),
    );
    // A set with a private key in it: rejected.
    server.publish(&[&jwk]);
    let msg = rejected(
        &["jwt", "verify", "--jwks-url", &server.url, "--alg", "ES256"],
        Some(token.as_bytes()),
    );
    assert!(msg.contains("private"), "{msg}");
    // Not JSON: the key source cannot be read.
    server.serve("<html></html>", "text/html");
    usage_error(
        &["jwt", "verify", "--jwks-url", &server.url, "--alg", "ES256"],
        Some(token.as_bytes()),
    );
    // Neither --key nor --jwks-url.
    usage_error(&["jwt", "verify", "--alg", "ES256"], Some(token.as_bytes()));
}
