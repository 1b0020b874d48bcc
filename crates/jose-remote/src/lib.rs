//! Remote JWK Sets: an identity provider's published keys (its `jwks_uri`),
//! fetched over HTTPS with rustls, cached, and refreshed when the provider
//! rotates its keys, behind the key store traits, so that JWS and JWT
//! verification use them unchanged.
//!
//! A [`RemoteJwkSet`] is a value to share (it is an `Arc` inside: clone it
//! into every request handler); nothing is global.
//!
//! - **Cache.** The last good set is kept, its keys built once per fetch
//!   (a [`jose_jwk::JwkSetStore`], indexed by `kid`). A look-up that finds
//!   its key makes no request.
//! - **Rotation.** A token naming a `kid` the set lacks (or for which no
//!   key fits) refreshes the set, but not more often than the cooldown
//!   (default 30 s): within it the look-up finds no key, and verification
//!   fails with [`jose_core::Policy::NoMatchingKey`].
//! - **Freshness.** The set is refetched after its maximum age (default 10
//!   minutes), or the server's `Cache-Control: max-age` if that is shorter
//!   (but never more often than the cooldown); `ETag` and `If-None-Match`
//!   make an unchanged set cost a 304.
//! - **Single flight.** Concurrent look-ups that need a refresh share one
//!   request: the others wait for it and use its answer.
//! - **Failure.** A failed refresh keeps the last good set in service until
//!   the stale limit (default one hour after the last good fetch), and is
//!   reported to the hook of [`RemoteJwkSetBuilder::on_refresh_error`];
//!   after it, look-ups fail with the fetch's error.
//! - **Limits.** HTTPS only (plain HTTP to loopback hosts, for tests and
//!   sidecars), redirects only to allowed URLs, a request timeout (default
//!   5 s), a response size limit (default 512 KiB), a JSON content type,
//!   and no private or secret key in the set: each refusal is a
//!   [`FetchError`].
//!
//! Time comes from a [`Clock`] that tests replace.
//!
//! The async API ([`jose_core::asynchronous::AsyncKeyStore`]) never blocks
//! a thread: use it with `verify_async`/`decode_async`. For synchronous
//! code, [`RemoteJwkSet::blocking`] gives a [`jose_core::KeyStore`] that
//! runs the fetch on a runtime of its own.
//!
//! ```no_run
//! # async fn run(token: &str) -> Result<(), jose_core::Error> {
//! use jose_core::JwsAlgorithm::Rs256;
//!
//! let keys = jose_remote::RemoteJwkSet::builder(
//!     "https://idp.example/.well-known/jwks.json",
//!     jose_rustcrypto::PROVIDER,
//! )
//! .build()?;
//! let validation = jose_jwt::Validation::new(&[Rs256])?
//!     .issuer("https://idp.example")
//!     .audience("orders");
//! let jwt = jose_jwt::decode_async::<jose_jwt::Claims>(token, &validation, &keys).await?;
//! # let _ = jwt;
//! # Ok(())
//! # }
//! ```

#![forbid(unsafe_code)]

mod fetch;

use core::fmt;
use core::time::Duration;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use jose_core::asynchronous::{AsyncKeyDecryptor, AsyncKeyStore, BoxFuture};
use jose_core::{
    Candidate, Error, Header, JwsAlgorithm, KeyManagementAlgorithm, KeyStore, Verifier,
};
use jose_jwk::{JwkSet, JwkSetStore, Provider};
use reqwest::Url;

pub use fetch::FetchError;
use fetch::{Answer, Fetcher, Limits};

/// The media types a JWK Set may be served as.
const JWKS_MEDIA: &[&str] = &["application/json", "application/jwk-set+json"];

/// Where a remote set takes the time from: a monotonic count since any
/// fixed start. Tests use a clock they move by hand.
pub trait Clock: Send + Sync + fmt::Debug {
    /// The time since this clock's start.
    fn now(&self) -> Duration;
}

/// The monotonic system clock ([`Instant`]), from its creation.
#[derive(Debug)]
pub struct SystemClock(Instant);

impl SystemClock {
    /// A clock that starts now.
    pub fn new() -> Self {
        Self(Instant::now())
    }
}

impl Default for SystemClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for SystemClock {
    fn now(&self) -> Duration {
        self.0.elapsed()
    }
}

/// The hook a failed refresh is reported to.
type ErrorHook = Arc<dyn Fn(&FetchError) + Send + Sync>;

/// Builds a [`RemoteJwkSet`]: the URL and the backend, then the cache's
/// settings, each with a default.
pub struct RemoteJwkSetBuilder {
    url: String,
    provider: Provider,
    cooldown: Duration,
    max_age: Duration,
    stale_limit: Duration,
    limits: Limits,
    clock: Arc<dyn Clock>,
    on_error: Option<ErrorHook>,
}

impl fmt::Debug for RemoteJwkSetBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RemoteJwkSetBuilder")
            .field("url", &self.url)
            .field("cooldown", &self.cooldown)
            .field("max_age", &self.max_age)
            .field("stale_limit", &self.stale_limit)
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

impl RemoteJwkSetBuilder {
    /// The shortest time between two refreshes for an unknown `kid` (and
    /// between retries after a failure). Default 30 s.
    #[must_use]
    pub fn cooldown(mut self, cooldown: Duration) -> Self {
        self.cooldown = cooldown;
        self
    }

    /// The longest a fetched set is used before it is refetched; a shorter
    /// `Cache-Control: max-age` from the server wins. Default 10 minutes.
    #[must_use]
    pub fn max_age(mut self, max_age: Duration) -> Self {
        self.max_age = max_age;
        self
    }

    /// How long after its last good fetch a set still serves while
    /// refreshes fail. Default one hour.
    #[must_use]
    pub fn stale_limit(mut self, stale_limit: Duration) -> Self {
        self.stale_limit = stale_limit;
        self
    }

    /// The timeout of one request, answer included. Default 5 s.
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.limits.timeout = timeout;
        self
    }

    /// The largest answer taken, in bytes. Default 512 KiB.
    #[must_use]
    pub fn max_bytes(mut self, max_bytes: usize) -> Self {
        self.limits.max_bytes = max_bytes;
        self
    }

    /// The clock (tests move one by hand). Default [`SystemClock`].
    #[must_use]
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Called with the error of every failed fetch (the set keeps serving
    /// its last good keys until the stale limit).
    #[must_use]
    pub fn on_refresh_error(mut self, hook: impl Fn(&FetchError) + Send + Sync + 'static) -> Self {
        self.on_error = Some(Arc::new(hook));
        self
    }

    /// The remote set. Nothing is fetched yet: the first look-up fetches.
    ///
    /// # Errors
    ///
    /// [`FetchError::NotHttps`] (as an [`Error::Backend`]) for a URL that
    /// is not HTTPS or loopback HTTP; [`FetchError::Connect`] when no HTTP
    /// client can be made.
    pub fn build(self) -> Result<RemoteJwkSet, Error> {
        let url = fetch::parse_url(&self.url)?;
        Ok(RemoteJwkSet {
            inner: Arc::new(Inner {
                url,
                fetcher: Fetcher::new(self.limits)?,
                provider: self.provider,
                cooldown: self.cooldown,
                max_age: self.max_age,
                stale_limit: self.stale_limit,
                clock: self.clock,
                on_error: self.on_error,
                state: Mutex::new(State::default()),
                refresh: tokio::sync::Mutex::new(()),
            }),
        })
    }
}

/// A JWK Set at a URL, fetched and cached (see the crate documentation).
/// Cheap to clone: clones share one cache.
#[derive(Clone, Debug)]
pub struct RemoteJwkSet {
    inner: Arc<Inner>,
}

struct Inner {
    url: Url,
    fetcher: Fetcher,
    provider: Provider,
    cooldown: Duration,
    max_age: Duration,
    stale_limit: Duration,
    clock: Arc<dyn Clock>,
    on_error: Option<ErrorHook>,
    state: Mutex<State>,
    /// Held while a refresh is under way: the single flight.
    refresh: tokio::sync::Mutex<()>,
}

impl fmt::Debug for Inner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RemoteJwkSet")
            .field("url", &self.url.as_str())
            .finish_non_exhaustive()
    }
}

/// What the cache holds.
#[derive(Default)]
struct State {
    current: Option<Current>,
    /// When the last fetch was attempted, good or not.
    last_attempt: Option<Duration>,
    /// The error of the last fetch, if it failed.
    last_error: Option<FetchError>,
    /// Counts finished refreshes: a look-up that waited for someone else's
    /// refresh sees it moved and does not fetch again.
    generation: u64,
}

/// The last good set.
struct Current {
    set: Arc<JwkSet>,
    store: Arc<JwkSetStore>,
    /// The last good fetch (a 304 included).
    fetched_at: Duration,
    /// Until when it is used without asking the server.
    fresh_until: Duration,
    etag: Option<String>,
}

/// What a look-up saw of the cache.
struct Snapshot {
    store: Option<Arc<JwkSetStore>>,
    fresh: bool,
    /// Whether the cooldown since the last fetch has passed.
    may_fetch: bool,
    generation: u64,
}

impl RemoteJwkSet {
    /// A builder for the set at `url`, whose keys `provider` builds.
    pub fn builder(url: impl Into<String>, provider: Provider) -> RemoteJwkSetBuilder {
        RemoteJwkSetBuilder {
            url: url.into(),
            provider,
            cooldown: Duration::from_secs(30),
            max_age: Duration::from_secs(600),
            stale_limit: Duration::from_secs(3600),
            limits: Limits {
                timeout: Duration::from_secs(5),
                max_bytes: 512 * 1024,
            },
            clock: Arc::new(SystemClock::new()),
            on_error: None,
        }
    }

    /// A builder for the JWK Set of the OpenID provider `issuer`, found
    /// through its discovery document (see [`discover`]: the document's
    /// `issuer` must be `issuer` exactly).
    ///
    /// # Errors
    ///
    /// As [`discover`].
    pub async fn from_issuer(
        issuer: &str,
        provider: Provider,
    ) -> Result<RemoteJwkSetBuilder, FetchError> {
        Ok(Self::builder(discover(issuer).await?, provider))
    }

    /// The URL of the set.
    pub fn url(&self) -> &str {
        self.inner.url.as_str()
    }

    /// Fetches the set now, whatever the cache holds (but sharing a fetch
    /// already under way).
    ///
    /// # Errors
    ///
    /// The fetch's [`FetchError`]; the set keeps its last good keys.
    pub async fn refresh(&self) -> Result<(), FetchError> {
        let seen = self.snapshot().generation;
        self.inner.refresh_once(seen).await
    }

    /// The keys of the last good fetch, if any (public keys only).
    pub fn jwk_set(&self) -> Option<Arc<JwkSet>> {
        let state = self.inner.state();
        state.current.as_ref().map(|c| Arc::clone(&c.set))
    }

    /// A synchronous [`KeyStore`] view of this set, for code outside an
    /// async runtime: a look-up that must fetch runs the fetch on a small
    /// runtime of its own, blocking the caller. Inside an async runtime it
    /// refuses ([`Error::ApiMisuse`]) rather than block a worker thread:
    /// use the set itself there.
    pub fn blocking(&self) -> BlockingJwkSet {
        BlockingJwkSet { set: self.clone() }
    }

    fn snapshot(&self) -> Snapshot {
        let inner = &self.inner;
        let now = inner.clock.now();
        let state = inner.state();
        Snapshot {
            store: state.current.as_ref().map(|c| Arc::clone(&c.store)),
            fresh: state.current.as_ref().is_some_and(|c| now < c.fresh_until),
            may_fetch: state
                .last_attempt
                .is_none_or(|t| now >= t.saturating_add(inner.cooldown)),
            generation: state.generation,
        }
    }

    /// The answer from the cache when it may serve without a fetch: fresh
    /// and holding a fitting key, or in its cooldown.
    fn cached<T>(
        &self,
        look: &impl Fn(&JwkSetStore) -> Result<Vec<T>, Error>,
    ) -> Result<Cached<T>, Error> {
        let snap = self.snapshot();
        let fetch = Cached::Fetch {
            seen: snap.generation,
        };
        match &snap.store {
            Some(store) if snap.fresh => {
                let found = look(store)?;
                if found.is_empty() && snap.may_fetch {
                    Ok(fetch)
                } else {
                    Ok(Cached::Serve(found))
                }
            }
            _ if snap.may_fetch => Ok(fetch),
            // Stale or missing, and the last fetch was within the cooldown.
            Some(_) => self.serve_stale(look).map(Cached::Serve),
            None => Err(self.unavailable()),
        }
    }

    /// Looks up keys: from the cache when it may serve, else after one
    /// refresh (shared with concurrent look-ups).
    async fn find<T>(
        &self,
        look: impl Fn(&JwkSetStore) -> Result<Vec<T>, Error>,
    ) -> Result<Vec<T>, Error> {
        let seen = match self.cached(&look)? {
            Cached::Serve(found) => return Ok(found),
            Cached::Fetch { seen } => seen,
        };
        // A failure is reported to the hook and recorded; what is still
        // servable is served below.
        let _ = self.inner.refresh_once(seen).await;
        self.serve_stale(&look)
    }

    /// Serves the current set while it is within the stale limit.
    fn serve_stale<T>(
        &self,
        look: &impl Fn(&JwkSetStore) -> Result<Vec<T>, Error>,
    ) -> Result<Vec<T>, Error> {
        let now = self.inner.clock.now();
        let store = {
            let state = self.inner.state();
            state
                .current
                .as_ref()
                .filter(|c| now < c.fetched_at.saturating_add(self.inner.stale_limit))
                .map(|c| Arc::clone(&c.store))
        };
        match store {
            Some(store) => look(&store),
            None => Err(self.unavailable()),
        }
    }

    /// The error of a set that has nothing to serve.
    fn unavailable(&self) -> Error {
        let state = self.inner.state();
        state
            .last_error
            .clone()
            .unwrap_or(FetchError::Connect)
            .into()
    }
}

impl Inner {
    /// The cache. A panic while it was held (there is no code that panics
    /// there) leaves consistent data, so a poisoned lock is taken as is.
    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Fetches once, unless another refresh finished since the caller saw
    /// generation `seen` (then its answer stands).
    async fn refresh_once(&self, seen: u64) -> Result<(), FetchError> {
        let _flight = self.refresh.lock().await;
        let etag = {
            let state = self.state();
            if state.generation != seen {
                return match &state.last_error {
                    Some(e) => Err(e.clone()),
                    None => Ok(()),
                };
            }
            state.current.as_ref().and_then(|c| c.etag.clone())
        };
        let answer = self
            .fetcher
            .get(&self.url, etag.as_deref(), JWKS_MEDIA)
            .await;
        let result = answer.and_then(|a| self.take(a));
        let now = self.clock.now();
        let mut state = self.state();
        state.generation = state.generation.wrapping_add(1);
        state.last_attempt = Some(now);
        match result {
            Ok(Taken::Unchanged(max_age)) => {
                let fresh = self.fresh_for(max_age);
                if let Some(current) = &mut state.current {
                    current.fetched_at = now;
                    current.fresh_until = now.saturating_add(fresh);
                }
                state.last_error = None;
                Ok(())
            }
            Ok(Taken::New {
                set,
                store,
                etag,
                max_age,
            }) => {
                state.current = Some(Current {
                    set: Arc::new(set),
                    store: Arc::new(store),
                    fetched_at: now,
                    fresh_until: now.saturating_add(self.fresh_for(max_age)),
                    etag,
                });
                state.last_error = None;
                Ok(())
            }
            Err(e) => {
                state.last_error = Some(e.clone());
                drop(state);
                if let Some(hook) = &self.on_error {
                    hook(&e);
                }
                Err(e)
            }
        }
    }

    /// How long an answer is fresh: the server's `max-age` within the
    /// cooldown and the maximum age.
    fn fresh_for(&self, max_age: Option<Duration>) -> Duration {
        max_age
            .unwrap_or(self.max_age)
            .min(self.max_age)
            .max(self.cooldown)
    }

    /// Turns an answer into keys: parsed once, private keys refused.
    fn take(&self, answer: Answer) -> Result<Taken, FetchError> {
        match answer {
            Answer::NotModified { max_age } => Ok(Taken::Unchanged(max_age)),
            Answer::Body {
                bytes,
                etag,
                max_age,
            } => {
                let set =
                    JwkSet::from_json(&bytes).map_err(|e| FetchError::Malformed(e.to_string()))?;
                if let Some(index) = set.keys().iter().position(jose_jwk::Jwk::is_private) {
                    return Err(FetchError::PrivateKey { index });
                }
                Ok(Taken::New {
                    store: JwkSetStore::new(&set, &self.provider),
                    set,
                    etag,
                    max_age,
                })
            }
        }
    }
}

/// What the cache says to a look-up.
enum Cached<T> {
    /// These keys, without a fetch.
    Serve(Vec<T>),
    /// Fetch first, unless the refresh count has moved from `seen`.
    Fetch { seen: u64 },
}

/// A fetch's answer, made ready.
enum Taken {
    Unchanged(Option<Duration>),
    New {
        set: JwkSet,
        store: JwkSetStore,
        etag: Option<String>,
        max_age: Option<Duration>,
    },
}

impl AsyncKeyStore for RemoteJwkSet {
    fn verifiers<'a>(
        &'a self,
        alg: JwsAlgorithm,
        header: &'a Header,
    ) -> BoxFuture<'a, Result<Vec<Candidate<dyn Verifier>>, Error>> {
        Box::pin(self.find(move |store| KeyStore::verifiers(store, alg, header)))
    }

    fn key_decryptors<'a>(
        &'a self,
        alg: KeyManagementAlgorithm,
        header: &'a Header,
    ) -> BoxFuture<'a, Result<Vec<Candidate<dyn AsyncKeyDecryptor>>, Error>> {
        // A published set holds public keys only: nothing decrypts.
        let _ = (alg, header);
        Box::pin(core::future::ready(Ok(Vec::new())))
    }
}

/// A [`RemoteJwkSet`] as a synchronous [`KeyStore`] (see
/// [`RemoteJwkSet::blocking`]).
#[derive(Clone, Debug)]
pub struct BlockingJwkSet {
    set: RemoteJwkSet,
}

impl BlockingJwkSet {
    fn block<T>(
        &self,
        look: impl Fn(&JwkSetStore) -> Result<Vec<T>, Error>,
    ) -> Result<Vec<T>, Error> {
        if let Cached::Serve(found) = self.set.cached(&look)? {
            return Ok(found);
        }
        if tokio::runtime::Handle::try_current().is_ok() {
            return Err(Error::ApiMisuse(
                "a blocking remote JWK Set was asked to fetch inside an async runtime: use the RemoteJwkSet itself",
            ));
        }
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| Error::Backend(jose_core::BackendError::new("tokio runtime", e)))?;
        runtime.block_on(self.set.find(look))
    }
}

impl KeyStore for BlockingJwkSet {
    fn verifiers(
        &self,
        alg: JwsAlgorithm,
        header: &Header,
    ) -> Result<Vec<Candidate<dyn Verifier>>, Error> {
        self.block(|store| KeyStore::verifiers(store, alg, header))
    }

    fn key_decryptors(
        &self,
        _: KeyManagementAlgorithm,
        _: &Header,
    ) -> Result<Vec<Candidate<dyn jose_core::KeyDecryptor>>, Error> {
        Ok(Vec::new())
    }
}

/// The `jwks_uri` of an OpenID provider, from its discovery document
/// (`{issuer}/.well-known/openid-configuration`, OpenID Connect Discovery
/// 1.0 section 4), whose `issuer` must be `issuer` exactly.
/// [`RemoteJwkSet::from_issuer`] builds the set from it.
///
/// # Errors
///
/// The fetch's [`FetchError`]; [`FetchError::IssuerMismatch`] for a
/// document of another issuer; [`FetchError::Malformed`] without a
/// `jwks_uri`.
pub async fn discover(issuer: &str) -> Result<String, FetchError> {
    let base = issuer.trim_end_matches('/');
    let url = fetch::parse_url(&format!("{base}/.well-known/openid-configuration"))?;
    let fetcher = Fetcher::new(Limits {
        timeout: Duration::from_secs(5),
        max_bytes: 512 * 1024,
    })?;
    let Answer::Body { bytes, .. } = fetcher.get(&url, None, &["application/json"]).await? else {
        return Err(FetchError::Malformed("no body".into()));
    };
    let doc = jose_core::json::parse_object("discovery document", &bytes)
        .map_err(|e| FetchError::Malformed(e.to_string()))?;
    if doc.get("issuer").and_then(serde_json::Value::as_str) != Some(issuer) {
        return Err(FetchError::IssuerMismatch);
    }
    let jwks_uri = doc
        .get("jwks_uri")
        .and_then(serde_json::Value::as_str)
        .ok_or_else(|| FetchError::Malformed("no \"jwks_uri\"".into()))?;
    fetch::parse_url(jwks_uri)?;
    Ok(jwks_uri.to_string())
}
