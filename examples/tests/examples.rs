//! The examples at work, each against real HTTP servers on loopback:
//! JWS and JWT signed through the signing service verify here and with the
//! npm `jose` package, and a dropped request leaves the signer usable; the
//! resource server lets a valid bearer token through to its handler,
//! refuses the rest with 401, and follows a key rotation.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use core::pin::pin;
use core::task::{Context, Waker};
use core::time::Duration;
use std::sync::{Arc, Mutex};

use axum::http::header;
use axum::routing::get;
use jose_core::{Header, JwsAlgorithm, KeyShape};
use jose_examples::resource_server::{self, Access, Auth};
use jose_examples::signing_service::{self, ServiceSigner};
use jose_jwk::Jwk;
use jose_jws::{JwsBuilder, Verification};
use serde_json::{Value, json};

const PROVIDER: jose_jwk::Provider = jose_rustcrypto::PROVIDER;

async fn serve(app: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}")
}

fn public_json(jwk: &Jwk) -> Value {
    serde_json::from_str(&jwk.to_public().unwrap().to_json()).unwrap()
}

fn access(aud: &str, exp: u64) -> Access {
    Access {
        iss: "https://idp.example".into(),
        sub: "alice".into(),
        aud: aud.into(),
        exp,
        scope: "orders:read".into(),
    }
}

const LATER: u64 = 4_102_444_800;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_signing_service_signs_for_jws_and_jwt_verified_here_and_by_npm_jose() {
    let rsa = PROVIDER.generate(KeyShape::Rsa { bits: 2048 }).unwrap();
    let mut requests = Vec::new();
    for alg in [
        JwsAlgorithm::Es256,
        JwsAlgorithm::Es384,
        JwsAlgorithm::Es512,
        JwsAlgorithm::Rs256,
        JwsAlgorithm::Ps256,
        JwsAlgorithm::EdDsa,
    ] {
        let jwk = match alg {
            JwsAlgorithm::Rs256 | JwsAlgorithm::Ps256 => rsa.clone(),
            other => PROVIDER.generate(other).unwrap(),
        }
        .with_kid(format!("kms-{}", alg.name()));
        let base = serve(signing_service::router(&jwk, alg).unwrap()).await;
        let signer =
            ServiceSigner::new(format!("{base}/sign"), alg, jwk.kid().map(String::from)).unwrap();
        let verifier = PROVIDER.verifier(&jwk).unwrap();

        let jws = JwsBuilder::new(b"signed in the service")
            .compact_async(&signer, Header::new())
            .await
            .unwrap();
        let verified = Verification::new(&[alg])
            .unwrap()
            .verify(&jws, &verifier)
            .unwrap();
        assert_eq!(verified.payload, b"signed in the service");
        assert_eq!(verified.protected.kid, jwk.kid().map(String::from));

        let jwt = jose_jwt::encode_async(&access("orders", LATER), &signer)
            .await
            .unwrap();
        let validation = jose_jwt::Validation::new(&[alg])
            .unwrap()
            .audience("orders");
        let decoded = jose_jwt::decode::<Access>(&jwt, &validation, &verifier).unwrap();
        assert_eq!(decoded.claims, access("orders", LATER));

        for (what, token) in [("jws", jws), ("jwt", jwt)] {
            requests.push(json!({
                "op": "verify", "format": "compact", "algs": [alg.name()],
                "jwk": public_json(&jwk), "token": token,
                "label": format!("{alg} {what}"),
            }));
        }
    }
    let requests = Value::Array(requests);
    let results = tokio::task::spawn_blocking(move || (jose_tests::peer(&requests), requests))
        .await
        .unwrap();
    let (results, requests) = results;
    for (req, res) in requests.as_array().unwrap().iter().zip(&results) {
        assert_eq!(
            res["ok"], true,
            "{}: npm jose said {}",
            req["label"], res["error"]
        );
    }
    assert_eq!(results.len(), 12);
}

#[tokio::test]
async fn a_dropped_request_leaves_the_service_signer_usable() {
    let jwk = PROVIDER.generate(JwsAlgorithm::Es256).unwrap();
    let base = serve(signing_service::router(&jwk, JwsAlgorithm::Es256).unwrap()).await;
    let signer = ServiceSigner::new(format!("{base}/sign"), JwsAlgorithm::Es256, None).unwrap();
    {
        let claims = access("orders", LATER);
        let mut future = pin!(jose_jwt::encode_async(&claims, &signer));
        let mut cx = Context::from_waker(Waker::noop());
        // The request is on its way (or not yet connected): cancelled here.
        assert!(future.as_mut().poll(&mut cx).is_pending());
    }
    let jwt = jose_jwt::encode_async(&access("orders", LATER), &signer)
        .await
        .unwrap();
    let validation = jose_jwt::Validation::new(&[JwsAlgorithm::Es256])
        .unwrap()
        .audience("orders");
    jose_jwt::decode::<Access>(&jwt, &validation, &PROVIDER.verifier(&jwk).unwrap()).unwrap();
    // And a service that is gone is an error, not a hang.
    let gone = ServiceSigner::new("http://127.0.0.1:9/sign", JwsAlgorithm::Es256, None).unwrap();
    assert!(matches!(
        jose_jwt::encode_async(&access("orders", LATER), &gone).await,
        Err(jose_core::Error::Backend(_))
    ));
}

/// A loopback identity provider publishing a JWK Set that the test changes.
async fn idp() -> (String, Arc<Mutex<String>>) {
    let jwks = Arc::new(Mutex::new(String::from(r#"{"keys":[]}"#)));
    let served = Arc::clone(&jwks);
    let app = axum::Router::new().route(
        "/jwks",
        get(move || {
            let body = served.lock().unwrap().clone();
            async move { ([(header::CONTENT_TYPE, "application/json")], body) }
        }),
    );
    (serve(app).await, jwks)
}

#[tokio::test]
async fn the_resource_server_lets_valid_bearer_tokens_through_and_refuses_the_rest() {
    let (idp_url, jwks) = idp().await;
    let key = PROVIDER
        .generate(JwsAlgorithm::Es256)
        .unwrap()
        .with_kid("k1");
    *jwks.lock().unwrap() = json!({ "keys": [public_json(&key)] }).to_string();
    let keys = jose_remote::RemoteJwkSet::builder(format!("{idp_url}/jwks"), PROVIDER)
        .cooldown(Duration::ZERO)
        .build()
        .unwrap();
    let validation = jose_jwt::Validation::new(&[JwsAlgorithm::Es256])
        .unwrap()
        .issuer("https://idp.example")
        .audience("orders");
    let api = serve(resource_server::router(Auth::new(keys, validation))).await;
    let client = reqwest::Client::new();
    let call = |token: Option<String>| {
        let mut request = client.get(format!("{api}/me"));
        if let Some(t) = token {
            request = request.header("authorization", format!("Bearer {t}"));
        }
        async move {
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            let challenge = response
                .headers()
                .get("www-authenticate")
                .map(|v| v.to_str().unwrap().to_string());
            let body = response.text().await.unwrap();
            (status, challenge, body)
        }
    };
    let sign = |jwk: &Jwk, claims: &Access| {
        jose_jwt::encode(
            claims,
            PROVIDER.signer(jwk, JwsAlgorithm::Es256).unwrap().as_ref(),
        )
        .unwrap()
    };

    let (status, _, body) = call(Some(sign(&key, &access("orders", LATER)))).await;
    assert_eq!(status, 200, "{body}");
    let body: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body, json!({"sub": "alice", "scope": "orders:read"}));

    let (status, challenge, _) = call(None).await;
    assert_eq!((status, challenge.as_deref()), (401, Some("Bearer")));
    for bad in [
        sign(&key, &access("billing", LATER)),
        sign(&key, &access("orders", 1_000_000)),
        sign(
            &PROVIDER
                .generate(JwsAlgorithm::Es256)
                .unwrap()
                .with_kid("k1"),
            &access("orders", LATER),
        ),
        "not.a.token".to_string(),
    ] {
        let (status, challenge, _) = call(Some(bad)).await;
        assert_eq!(
            (status, challenge.as_deref()),
            (401, Some(r#"Bearer error="invalid_token""#))
        );
    }

    // The provider rotates to a new key: the server picks it up.
    let next = PROVIDER
        .generate(JwsAlgorithm::Es256)
        .unwrap()
        .with_kid("k2");
    *jwks.lock().unwrap() = json!({ "keys": [public_json(&key), public_json(&next)] }).to_string();
    let (status, _, body) = call(Some(sign(&next, &access("orders", LATER)))).await;
    assert_eq!(status, 200, "{body}");
}
