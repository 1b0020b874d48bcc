//! One HTTP GET of a JWK Set or a discovery document, within limits: the
//! scheme (HTTPS, or HTTP to a loopback host), redirects, a timeout, the
//! response size and its content type.

use core::fmt;
use core::net::IpAddr;
use core::time::Duration;

use reqwest::header::{CACHE_CONTROL, CONTENT_TYPE, ETAG, IF_NONE_MATCH};
use reqwest::{StatusCode, Url, redirect};

/// Why a fetch failed. Every failure of the network, of the server or of
/// its answer is one of these; none of them panics or hangs.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum FetchError {
    /// The URL is not HTTPS (plain HTTP is allowed to loopback hosts only),
    /// or does not parse.
    NotHttps(String),
    /// A redirect to a URL that is not allowed, or too many redirects.
    Redirect,
    /// No answer within the timeout.
    Timeout,
    /// The connection failed (refused, reset, TLS).
    Connect,
    /// The server answered with a status other than 200 (or 304 to a
    /// conditional request).
    Status(u16),
    /// The answer is not JSON (its `Content-Type`, as sent).
    ContentType(Option<String>),
    /// The answer is larger than the limit, in bytes.
    TooLarge {
        /// The limit.
        limit: usize,
    },
    /// The answer is not a JWK Set (or discovery document); the reason.
    Malformed(String),
    /// The set holds a private or secret key (at this index of `keys`): a
    /// published set must hold public keys only.
    PrivateKey {
        /// Its index in `keys`.
        index: usize,
    },
    /// The discovery document names another issuer than the one asked for.
    IssuerMismatch,
}

impl fmt::Display for FetchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotHttps(url) => write!(
                f,
                "not an HTTPS URL (HTTP only to loopback hosts): {}",
                short(url)
            ),
            Self::Redirect => f.write_str("a redirect that is not allowed, or too many"),
            Self::Timeout => f.write_str("no answer within the timeout"),
            Self::Connect => f.write_str("the connection failed"),
            Self::Status(code) => write!(f, "the server answered with status {code}"),
            Self::ContentType(Some(t)) => {
                write!(f, "the answer is not JSON (content type {})", short(t))
            }
            Self::ContentType(None) => f.write_str("the answer has no content type"),
            Self::TooLarge { limit } => write!(f, "the answer is larger than {limit} bytes"),
            Self::Malformed(why) => write!(f, "the answer is malformed: {why}"),
            Self::PrivateKey { index } => {
                write!(f, "the set holds a private or secret key (keys[{index}])")
            }
            Self::IssuerMismatch => f.write_str("the discovery document names another issuer"),
        }
    }
}

impl core::error::Error for FetchError {}

/// At most 64 characters of a server's or caller's text, quoted and
/// escaped: an error message never carries a whole attacker-chosen string.
fn short(text: &str) -> String {
    let cut: String = text.chars().take(64).collect();
    format!("{cut:?}")
}

impl From<FetchError> for jose_core::Error {
    fn from(e: FetchError) -> Self {
        jose_core::Error::Backend(jose_core::BackendError::new("remote jwk set", e))
    }
}

/// The limits of every request.
#[derive(Clone, Debug)]
pub(crate) struct Limits {
    pub(crate) timeout: Duration,
    pub(crate) max_bytes: usize,
}

/// What a GET brought.
#[derive(Debug)]
pub(crate) enum Answer {
    /// 304 to a conditional request: what was cached is still current.
    NotModified { max_age: Option<Duration> },
    /// A new body.
    Body {
        bytes: Vec<u8>,
        etag: Option<String>,
        max_age: Option<Duration>,
    },
}

/// An HTTP client that refuses what a key fetch must not do.
#[derive(Clone, Debug)]
pub(crate) struct Fetcher {
    client: reqwest::Client,
    limits: Limits,
}

impl Fetcher {
    pub(crate) fn new(limits: Limits) -> Result<Self, FetchError> {
        let client = reqwest::Client::builder()
            .timeout(limits.timeout)
            .redirect(redirect::Policy::custom(|attempt| {
                if attempt.previous().len() >= 5 || !allowed(attempt.url()) {
                    attempt.stop()
                } else {
                    attempt.follow()
                }
            }))
            // Fetches are minutes apart: a pooled connection would be idle
            // (and bound to a runtime that may be gone, for the blocking
            // view), so none is kept.
            .pool_max_idle_per_host(0)
            .build()
            .map_err(|_| FetchError::Connect)?;
        Ok(Self { client, limits })
    }

    /// GETs `url`, conditionally on `etag`; `media` is the accepted content
    /// types (`application/json` and its `+json` forms are checked by the
    /// caller's list).
    pub(crate) async fn get(
        &self,
        url: &Url,
        etag: Option<&str>,
        media: &[&str],
    ) -> Result<Answer, FetchError> {
        if !allowed(url) {
            return Err(FetchError::NotHttps(url.to_string()));
        }
        let mut request = self.client.get(url.clone());
        if let Some(tag) = etag {
            request = request.header(IF_NONE_MATCH, tag);
        }
        let mut response = request.send().await.map_err(transport)?;
        let max_age = max_age(response.headers());
        let status = response.status();
        if status == StatusCode::NOT_MODIFIED && etag.is_some() {
            return Ok(Answer::NotModified { max_age });
        }
        if status.is_redirection() {
            // A redirect the policy stopped.
            return Err(FetchError::Redirect);
        }
        if status != StatusCode::OK {
            return Err(FetchError::Status(status.as_u16()));
        }
        let content_type = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let fits = content_type.as_deref().is_some_and(|t| {
            let essence = t.split(';').next().unwrap_or_default().trim();
            media.iter().any(|m| essence.eq_ignore_ascii_case(m))
        });
        if !fits {
            return Err(FetchError::ContentType(content_type));
        }
        let limit = self.limits.max_bytes;
        if response
            .content_length()
            .is_some_and(|n| n > u64::try_from(limit).unwrap_or(u64::MAX))
        {
            return Err(FetchError::TooLarge { limit });
        }
        let etag = response
            .headers()
            .get(ETAG)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let mut bytes = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(transport)? {
            if bytes.len().saturating_add(chunk.len()) > limit {
                return Err(FetchError::TooLarge { limit });
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok(Answer::Body {
            bytes,
            etag,
            max_age,
        })
    }
}

/// Whether a key may be fetched from `url`: HTTPS, or HTTP to a loopback
/// host (127.0.0.0/8, ::1, localhost), without credentials in the URL.
pub(crate) fn allowed(url: &Url) -> bool {
    if !url.username().is_empty() || url.password().is_some() {
        return false;
    }
    match url.scheme() {
        "https" => url.host_str().is_some(),
        "http" => url.host_str().is_some_and(is_loopback),
        _ => false,
    }
}

fn is_loopback(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    bare.eq_ignore_ascii_case("localhost")
        || bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Parses `url` for fetching keys from it.
pub(crate) fn parse_url(url: &str) -> Result<Url, FetchError> {
    let parsed = Url::parse(url).map_err(|_| FetchError::NotHttps(url.to_string()))?;
    if allowed(&parsed) {
        Ok(parsed)
    } else {
        Err(FetchError::NotHttps(url.to_string()))
    }
}

/// The `max-age` of `Cache-Control` (`no-cache` and `no-store` as 0).
fn max_age(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let value = headers.get(CACHE_CONTROL)?.to_str().ok()?;
    let mut age = None;
    for directive in value.split(',').map(str::trim) {
        let (name, arg) = directive.split_once('=').unwrap_or((directive, ""));
        if name.eq_ignore_ascii_case("no-store") || name.eq_ignore_ascii_case("no-cache") {
            return Some(Duration::ZERO);
        }
        if name.eq_ignore_ascii_case("max-age") {
            age = arg
                .trim_matches('"')
                .parse::<u64>()
                .ok()
                .map(Duration::from_secs);
        }
    }
    age
}

fn transport(e: reqwest::Error) -> FetchError {
    if e.is_timeout() {
        FetchError::Timeout
    } else if e.is_redirect() {
        FetchError::Redirect
    } else {
        FetchError::Connect
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_https_and_loopback_http_are_allowed() {
        for ok in [
            "https://idp.example/jwks",
            "http://127.0.0.1:8080/jwks",
            "http://127.3.4.5/jwks",
            "http://[::1]:9/jwks",
            "http://localhost/jwks",
            "http://LOCALHOST:1/jwks",
        ] {
            assert!(parse_url(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://idp.example/jwks",
            "http://10.0.0.1/jwks",
            "http://localhost.evil.example/jwks",
            "http://[::2]/jwks",
            "ftp://idp.example/jwks",
            "file:///etc/passwd",
            "https://user:pass@idp.example/jwks",
            "not a url",
        ] {
            assert!(
                matches!(parse_url(bad), Err(FetchError::NotHttps(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn cache_control_max_age_is_read() {
        let mut h = reqwest::header::HeaderMap::new();
        assert_eq!(max_age(&h), None);
        for (value, want) in [
            ("max-age=300", Some(300)),
            ("public, max-age=60, must-revalidate", Some(60)),
            ("MAX-AGE=\"7\"", Some(7)),
            ("no-cache", Some(0)),
            ("private, no-store", Some(0)),
            ("max-age=x", None),
            ("public", None),
        ] {
            h.insert(CACHE_CONTROL, value.parse().unwrap());
            assert_eq!(max_age(&h), want.map(Duration::from_secs), "{value}");
        }
    }
}
