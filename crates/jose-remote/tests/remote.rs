//! A remote JWK Set against a real HTTP server on loopback, started by each
//! test: fetching, caching, rotation, the cooldown, single flight,
//! `max-age`, `ETag`, failures and limits. Time-based behaviour runs on a
//! clock moved by hand; only the timeout test waits for real.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use core::net::SocketAddr;
use core::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use core::time::Duration;
use std::sync::{Arc, Mutex};

use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use jose_core::JwsAlgorithm::Es256;
use jose_core::{Error, Policy};
use jose_jwk::Jwk;
use jose_remote::{Clock, FetchError, RemoteJwkSet};
use serde::{Deserialize, Serialize};

const PROVIDER: jose_jwk::Provider = jose_rustcrypto::PROVIDER;
const ISSUER: &str = "https://issuer.example";

/// A clock moved by hand.
#[derive(Debug, Default)]
struct ManualClock(AtomicU64);

impl ManualClock {
    fn advance(&self, by: Duration) {
        self.0
            .fetch_add(u64::try_from(by.as_millis()).unwrap(), Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Duration {
        Duration::from_millis(self.0.load(Ordering::SeqCst))
    }
}

/// What the server answers, changed by the tests as they go.
#[derive(Clone, Debug)]
struct Served {
    body: String,
    content_type: String,
    status: StatusCode,
    etag: Option<String>,
    cache_control: Option<String>,
    delay: Duration,
    redirect: Option<String>,
}

/// The loopback identity provider.
#[derive(Clone)]
struct Idp {
    served: Arc<Mutex<Served>>,
    /// Requests to the JWK Set, and how many were conditional.
    hits: Arc<AtomicUsize>,
    conditional: Arc<AtomicUsize>,
    addr: SocketAddr,
}

impl Idp {
    async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let idp = Idp {
            served: Arc::new(Mutex::new(Served {
                body: r#"{"keys":[]}"#.into(),
                content_type: "application/json".into(),
                status: StatusCode::OK,
                etag: None,
                cache_control: None,
                delay: Duration::ZERO,
                redirect: None,
            })),
            hits: Arc::new(AtomicUsize::new(0)),
            conditional: Arc::new(AtomicUsize::new(0)),
            addr,
        };
        let jwks = idp.clone();
        let discovery = idp.clone();
        let app = axum::Router::new()
            .route(
                "/jwks",
                get(move |headers: HeaderMap| jwks.clone().answer(headers)),
            )
            .route(
                "/.well-known/openid-configuration",
                get(move || async move {
                    let base = discovery.url("");
                    (
                        [(header::CONTENT_TYPE, "application/json")],
                        serde_json::json!({"issuer": base, "jwks_uri": format!("{base}/jwks")})
                            .to_string(),
                    )
                }),
            );
        tokio::spawn(async move { axum::serve(listener, app).await });
        idp
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    async fn answer(self, headers: HeaderMap) -> Response {
        self.hits.fetch_add(1, Ordering::SeqCst);
        let served = self.served.lock().unwrap().clone();
        if !served.delay.is_zero() {
            tokio::time::sleep(served.delay).await;
        }
        if let Some(to) = served.redirect {
            return (StatusCode::FOUND, [(header::LOCATION, to)]).into_response();
        }
        let asked = headers
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok());
        if asked.is_some() {
            self.conditional.fetch_add(1, Ordering::SeqCst);
        }
        let mut response = if asked.is_some() && asked == served.etag.as_deref() {
            StatusCode::NOT_MODIFIED.into_response()
        } else {
            (served.status, served.body).into_response()
        };
        let h = response.headers_mut();
        h.insert(header::CONTENT_TYPE, served.content_type.parse().unwrap());
        if let Some(tag) = served.etag {
            h.insert(header::ETAG, tag.parse().unwrap());
        }
        if let Some(cc) = served.cache_control {
            h.insert(header::CACHE_CONTROL, cc.parse().unwrap());
        }
        response
    }

    /// Publishes these keys (their public halves).
    fn publish(&self, keys: &[&Jwk]) {
        let set: Vec<serde_json::Value> = keys
            .iter()
            .map(|k| serde_json::from_str(&k.to_public().unwrap().to_json()).unwrap())
            .collect();
        self.served.lock().unwrap().body = serde_json::json!({ "keys": set }).to_string();
    }

    fn set(&self, change: impl FnOnce(&mut Served)) {
        change(&mut self.served.lock().unwrap());
    }

    fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Access {
    iss: String,
    aud: String,
    exp: u64,
    sub: String,
}

fn key(kid: &str) -> Jwk {
    PROVIDER.generate(Es256).unwrap().with_kid(kid)
}

fn token(jwk: &Jwk) -> String {
    let claims = Access {
        iss: ISSUER.into(),
        aud: "api".into(),
        exp: 4_102_444_800,
        sub: "alice".into(),
    };
    jose_jwt::encode(&claims, PROVIDER.signer(jwk, Es256).unwrap().as_ref()).unwrap()
}

fn validation() -> jose_jwt::Validation {
    jose_jwt::Validation::new(&[Es256])
        .unwrap()
        .issuer(ISSUER)
        .audience("api")
}

async fn verify(set: &RemoteJwkSet, token: &str) -> Result<Access, Error> {
    jose_jwt::decode_async::<Access>(token, &validation(), set)
        .await
        .map(|jwt| jwt.claims)
}

fn remote(idp: &Idp, clock: &Arc<ManualClock>) -> RemoteJwkSet {
    RemoteJwkSet::builder(idp.url("/jwks"), PROVIDER)
        .clock(Arc::clone(clock) as Arc<dyn Clock>)
        .build()
        .unwrap()
}

#[tokio::test]
async fn first_fetch_then_cache_hits_without_requests() {
    let idp = Idp::start().await;
    let a = key("a");
    idp.publish(&[&a]);
    let clock = Arc::new(ManualClock::default());
    let set = remote(&idp, &clock);
    assert_eq!(idp.hits(), 0, "nothing is fetched before the first look-up");
    assert_eq!(verify(&set, &token(&a)).await.unwrap().sub, "alice");
    assert_eq!(idp.hits(), 1);
    for _ in 0..10 {
        verify(&set.clone(), &token(&a)).await.unwrap();
    }
    clock.advance(Duration::from_secs(599));
    verify(&set, &token(&a)).await.unwrap();
    assert_eq!(idp.hits(), 1, "cache hits make no request");
}

#[tokio::test]
async fn an_unknown_kid_refreshes_once_and_the_cooldown_holds() {
    let idp = Idp::start().await;
    let (a, b) = (key("a"), key("b"));
    idp.publish(&[&a]);
    let clock = Arc::new(ManualClock::default());
    let set = remote(&idp, &clock);
    verify(&set, &token(&a)).await.unwrap();

    // Within the cooldown of the first fetch a new kid makes no request.
    idp.publish(&[&a, &b]);
    clock.advance(Duration::from_secs(10));
    assert_eq!(
        verify(&set, &token(&b)).await,
        Err(Error::Policy(Policy::NoMatchingKey))
    );
    assert_eq!(idp.hits(), 1);

    // After it, one refresh, and the new key verifies.
    clock.advance(Duration::from_secs(21));
    verify(&set, &token(&b)).await.unwrap();
    assert_eq!(idp.hits(), 2);
    verify(&set, &token(&b)).await.unwrap();
    assert_eq!(idp.hits(), 2);

    // An unknown kid after the cooldown: one refresh that finds nothing;
    // a second unknown kid within the new cooldown: no request, no key.
    clock.advance(Duration::from_secs(31));
    let strangers = [key("x"), key("y")];
    assert_eq!(
        verify(&set, &token(&strangers[0])).await,
        Err(Error::Policy(Policy::NoMatchingKey))
    );
    assert_eq!(idp.hits(), 3);
    clock.advance(Duration::from_secs(5));
    assert_eq!(
        verify(&set, &token(&strangers[1])).await,
        Err(Error::Policy(Policy::NoMatchingKey))
    );
    assert_eq!(idp.hits(), 3);
    // The known keys still verify all along.
    verify(&set, &token(&a)).await.unwrap();
    assert_eq!(idp.hits(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_unknown_kids_makes_one_request() {
    let idp = Idp::start().await;
    let (a, c) = (key("a"), key("c"));
    idp.publish(&[&a]);
    let clock = Arc::new(ManualClock::default());
    let set = remote(&idp, &clock);
    verify(&set, &token(&a)).await.unwrap();
    idp.publish(&[&a, &c]);
    // The refresh takes a while, so that the burst piles up behind it.
    idp.set(|s| s.delay = Duration::from_millis(200));
    clock.advance(Duration::from_secs(31));
    let t = token(&c);
    let tasks: Vec<_> = (0..100)
        .map(|_| {
            let (set, t) = (set.clone(), t.clone());
            tokio::spawn(async move { verify(&set, &t).await })
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await.unwrap().unwrap().sub, "alice");
    }
    assert_eq!(idp.hits(), 2, "one request for the whole burst");
}

#[tokio::test]
async fn max_age_and_etag_are_honoured() {
    let idp = Idp::start().await;
    let a = key("a");
    idp.publish(&[&a]);
    idp.set(|s| {
        s.cache_control = Some("public, max-age=60".into());
        s.etag = Some("\"v1\"".into());
    });
    let clock = Arc::new(ManualClock::default());
    let set = remote(&idp, &clock);
    verify(&set, &token(&a)).await.unwrap();
    clock.advance(Duration::from_secs(59));
    verify(&set, &token(&a)).await.unwrap();
    assert_eq!(idp.hits(), 1, "fresh for max-age");
    clock.advance(Duration::from_secs(2));
    verify(&set, &token(&a)).await.unwrap();
    assert_eq!(idp.hits(), 2, "refetched after max-age");
    assert_eq!(
        idp.conditional.load(Ordering::SeqCst),
        1,
        "with If-None-Match"
    );
    // The 304 renewed the set: fresh for another max-age.
    clock.advance(Duration::from_secs(30));
    verify(&set, &token(&a)).await.unwrap();
    assert_eq!(idp.hits(), 2);

    // A max-age of 0 is held to the cooldown, a long one to the maximum age.
    idp.set(|s| {
        s.cache_control = Some("max-age=0".into());
        s.etag = None;
    });
    clock.advance(Duration::from_secs(31));
    set.refresh().await.unwrap();
    assert_eq!(idp.hits(), 3);
    clock.advance(Duration::from_secs(29));
    verify(&set, &token(&a)).await.unwrap();
    assert_eq!(idp.hits(), 3, "max-age=0 is not a fetch per token");
    idp.set(|s| s.cache_control = Some("max-age=86400".into()));
    clock.advance(Duration::from_secs(2));
    verify(&set, &token(&a)).await.unwrap();
    assert_eq!(idp.hits(), 4);
    clock.advance(Duration::from_secs(601));
    verify(&set, &token(&a)).await.unwrap();
    assert_eq!(idp.hits(), 5, "never fresher than the maximum age");
}

#[tokio::test]
async fn a_failing_server_is_ridden_out_until_the_stale_limit() {
    let idp = Idp::start().await;
    let a = key("a");
    idp.publish(&[&a]);
    let clock = Arc::new(ManualClock::default());
    let failures = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&failures);
    let set = RemoteJwkSet::builder(idp.url("/jwks"), PROVIDER)
        .clock(Arc::clone(&clock) as Arc<dyn Clock>)
        .on_refresh_error(move |e| seen.lock().unwrap().push(e.clone()))
        .build()
        .unwrap();
    verify(&set, &token(&a)).await.unwrap();

    idp.set(|s| s.status = StatusCode::SERVICE_UNAVAILABLE);
    clock.advance(Duration::from_secs(601));
    verify(&set, &token(&a)).await.unwrap();
    assert_eq!(idp.hits(), 2);
    assert_eq!(*failures.lock().unwrap(), [FetchError::Status(503)]);
    // Retries wait for the cooldown.
    clock.advance(Duration::from_secs(10));
    verify(&set, &token(&a)).await.unwrap();
    assert_eq!(idp.hits(), 2);
    clock.advance(Duration::from_secs(21));
    verify(&set, &token(&a)).await.unwrap();
    assert_eq!(idp.hits(), 3);

    // An hour after the last good fetch the set is no longer served.
    clock.advance(Duration::from_secs(3600));
    let err = verify(&set, &token(&a)).await.unwrap_err();
    assert!(
        matches!(&err, Error::Backend(b) if b.context() == "remote jwk set"),
        "{err:?}"
    );
    assert_eq!(failures.lock().unwrap().len(), 3);

    // The server back: the next look-up after the cooldown fetches again.
    idp.set(|s| s.status = StatusCode::OK);
    clock.advance(Duration::from_secs(31));
    verify(&set, &token(&a)).await.unwrap();
}

#[tokio::test]
async fn rotation_adds_and_retires_keys() {
    let idp = Idp::start().await;
    let (old, new) = (key("2026-11"), key("2026-12"));
    idp.publish(&[&old]);
    let clock = Arc::new(ManualClock::default());
    let set = remote(&idp, &clock);
    verify(&set, &token(&old)).await.unwrap();

    // The provider adds the new key; tokens with it verify after one refresh.
    idp.publish(&[&old, &new]);
    clock.advance(Duration::from_secs(31));
    verify(&set, &token(&new)).await.unwrap();
    verify(&set, &token(&old)).await.unwrap();
    assert_eq!(idp.hits(), 2);

    // It retires the old one: tokens with it verify until the cache
    // refreshes, then fail.
    idp.publish(&[&new]);
    clock.advance(Duration::from_secs(300));
    verify(&set, &token(&old)).await.unwrap();
    clock.advance(Duration::from_secs(301));
    assert_eq!(
        verify(&set, &token(&old)).await,
        Err(Error::Policy(Policy::NoMatchingKey))
    );
    verify(&set, &token(&new)).await.unwrap();
    assert_eq!(idp.hits(), 3);
}

#[tokio::test]
async fn bad_answers_are_typed_errors() {
    let idp = Idp::start().await;
    let a = key("a");
    let clock = Arc::new(ManualClock::default());
    let private = serde_json::json!({"keys": [serde_json::from_str::<serde_json::Value>(&a.to_json()).unwrap()]}).to_string();
    let oct = r#"{"keys":[{"kty":"oct","k":"c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0"}]}"#;
    type Change = Box<dyn Fn(&mut Served)>;
    let cases: Vec<(Change, FetchError)> = vec![
        (
            Box::new(|s| s.body = "x".repeat(600 * 1024)),
            FetchError::TooLarge { limit: 512 * 1024 },
        ),
        (
            Box::new(|s| s.body = "{\"keys\": [".into()),
            FetchError::Malformed(String::new()),
        ),
        (
            Box::new(|s| s.body = "[1,2]".into()),
            FetchError::Malformed(String::new()),
        ),
        (
            Box::new(|s| s.content_type = "text/html".into()),
            FetchError::ContentType(Some("text/html".into())),
        ),
        (
            Box::new(|s| s.status = StatusCode::NOT_FOUND),
            FetchError::Status(404),
        ),
        (
            Box::new(|s| s.redirect = Some("http://idp.example/jwks".into())),
            FetchError::Redirect,
        ),
        (
            Box::new(move |s| s.body = private.clone()),
            FetchError::PrivateKey { index: 0 },
        ),
        (
            Box::new(|s| s.body = oct.into()),
            FetchError::PrivateKey { index: 0 },
        ),
    ];
    for (i, (change, want)) in cases.into_iter().enumerate() {
        idp.publish(&[&a]);
        idp.set(|s| {
            s.content_type = "application/jwk-set+json; charset=utf-8".into();
            s.status = StatusCode::OK;
            s.redirect = None;
        });
        idp.set(change);
        let set = remote(&idp, &clock);
        let got = set.refresh().await.unwrap_err();
        match (&got, &want) {
            (FetchError::Malformed(_), FetchError::Malformed(_)) => {}
            _ => assert_eq!(got, want, "case {i}"),
        }
        // And a look-up fails with it, typed, without a key to serve.
        clock.advance(Duration::from_secs(31));
        let err = verify(&set, &token(&a)).await.unwrap_err();
        assert!(matches!(err, Error::Backend(_)), "case {i}: {err:?}");
    }
}

#[tokio::test]
async fn a_slow_server_times_out() {
    let idp = Idp::start().await;
    idp.publish(&[&key("a")]);
    idp.set(|s| s.delay = Duration::from_secs(5));
    let set = RemoteJwkSet::builder(idp.url("/jwks"), PROVIDER)
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    assert_eq!(set.refresh().await, Err(FetchError::Timeout));
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn only_https_or_loopback_urls_are_taken() {
    for url in [
        "http://idp.example/jwks",
        "ftp://127.0.0.1/jwks",
        "nonsense",
    ] {
        let err = RemoteJwkSet::builder(url, PROVIDER).build().unwrap_err();
        assert!(matches!(err, Error::Backend(_)), "{url}: {err:?}");
    }
    assert!(
        RemoteJwkSet::builder("https://idp.example/jwks", PROVIDER)
            .build()
            .is_ok()
    );
}

#[tokio::test]
async fn discovery_finds_the_jwks_uri_of_the_issuer_asked_for() {
    let idp = Idp::start().await;
    let issuer = idp.url("");
    assert_eq!(
        jose_remote::discover(&issuer).await.unwrap(),
        format!("{issuer}/jwks")
    );
    assert_eq!(
        jose_remote::discover(&format!("{issuer}/")).await,
        Err(FetchError::IssuerMismatch)
    );
    // The set from the issuer, and a token verified with it.
    let a = key("a");
    idp.publish(&[&a]);
    let set = RemoteJwkSet::from_issuer(&issuer, PROVIDER)
        .await
        .unwrap()
        .build()
        .unwrap();
    assert_eq!(set.url(), format!("{issuer}/jwks"));
    verify(&set, &token(&a)).await.unwrap();
}

#[test]
fn the_blocking_view_verifies_outside_a_runtime_and_refuses_inside() {
    // The server on a runtime of its own thread.
    let server = tokio::runtime::Runtime::new().unwrap();
    let idp = server.block_on(Idp::start());
    let a = key("a");
    idp.publish(&[&a]);
    let set = RemoteJwkSet::builder(idp.url("/jwks"), PROVIDER)
        .build()
        .unwrap();
    let blocking = set.blocking();
    let jwt = jose_jwt::decode::<Access>(&token(&a), &validation(), &blocking).unwrap();
    assert_eq!(jwt.claims.sub, "alice");
    // Cached: served inside a runtime too, without blocking.
    server.block_on(async {
        jose_jwt::decode::<Access>(&token(&a), &validation(), &blocking).unwrap();
        // A look-up that would fetch is refused there.
        let fresh = RemoteJwkSet::builder(idp.url("/jwks"), PROVIDER)
            .build()
            .unwrap();
        assert!(matches!(
            jose_jwt::decode::<Access>(&token(&a), &validation(), &fresh.blocking()),
            Err(Error::ApiMisuse(_))
        ));
    });
    assert_eq!(idp.hits(), 1);
}
