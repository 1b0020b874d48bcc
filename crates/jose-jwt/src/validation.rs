//! How JWTs are checked, configured once and reused: [`ClaimsValidation`]
//! for the claims, [`Validation`] for signed tokens (the claims and the
//! JWS algorithm allow-list).

use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::fmt;

#[cfg(feature = "jws")]
use jose_core::JwsAlgorithm;
use jose_core::{Error, Header, InvalidClaim, Policy};
#[cfg(feature = "jws")]
use jose_jws::Verification;

use crate::claims::NumericDate;
use crate::view::ClaimsView;

/// A source of the current time, in seconds since the epoch. Inject one in
/// tests; the default (with the `std` feature) is the system clock.
pub trait Clock: Send + Sync {
    /// The current time, in seconds since the epoch.
    fn now(&self) -> i64;
}

impl<F: Fn() -> i64 + Send + Sync> Clock for F {
    fn now(&self) -> i64 {
        self()
    }
}

/// The system clock.
#[cfg(feature = "std")]
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

#[cfg(feature = "std")]
impl Clock for SystemClock {
    fn now(&self) -> i64 {
        let since = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        i64::try_from(since).unwrap_or(i64::MAX)
    }
}

/// How to check a JWT's claims, whatever protects them: `exp` (required
/// by default, checked when present), `nbf` (always checked when present),
/// `iat`, `iss`, `aud`, `sub`, required claims, the header `typ`, a leeway
/// and a clock. Configured once, reused for every token.
///
/// For signed tokens, [`Validation`] adds the JWS algorithm allow-list and
/// offers the same setters; `ClaimsValidation` alone serves tokens that no
/// JWS protects (`decode_encrypted`).
///
/// ```
/// use jose_jwt::ClaimsValidation;
///
/// let checks = ClaimsValidation::new()
///     .issuer("https://issuer.example")
///     .audience("https://api.example")
///     .leeway(30)
///     .require("sub");
/// ```
#[derive(Clone)]
pub struct ClaimsValidation {
    issuers: Vec<String>,
    audiences: Vec<String>,
    any_audience: bool,
    subject: Option<String>,
    require_exp: bool,
    required: Vec<String>,
    leeway: i64,
    iat_not_in_future: bool,
    max_age: Option<i64>,
    typ: Option<String>,
    json_serialization: bool,
    clock: Option<Arc<dyn Clock>>,
}

impl fmt::Debug for ClaimsValidation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClaimsValidation")
            .field("issuers", &self.issuers)
            .field("audiences", &self.audiences)
            .field("any_audience", &self.any_audience)
            .field("subject", &self.subject)
            .field("require_exp", &self.require_exp)
            .field("required", &self.required)
            .field("leeway", &self.leeway)
            .field("iat_not_in_future", &self.iat_not_in_future)
            .field("max_age", &self.max_age)
            .field("typ", &self.typ)
            .field("json_serialization", &self.json_serialization)
            .finish_non_exhaustive()
    }
}

impl Default for ClaimsValidation {
    fn default() -> Self {
        Self::new()
    }
}

impl ClaimsValidation {
    /// The default checks: `exp` required and checked, `nbf` checked when
    /// present, a token with an `aud` refused until an audience is
    /// configured, no leeway, the system clock (with `std`).
    pub fn new() -> Self {
        Self {
            issuers: Vec::new(),
            audiences: Vec::new(),
            any_audience: false,
            subject: None,
            require_exp: true,
            required: Vec::new(),
            leeway: 0,
            iat_not_in_future: false,
            max_age: None,
            typ: None,
            json_serialization: false,
            clock: None,
        }
    }

    /// Accepts tokens from `iss` (repeat for several issuers). Without any,
    /// `iss` is not checked.
    #[must_use]
    pub fn issuer(mut self, iss: impl Into<String>) -> Self {
        self.issuers.push(iss.into());
        self
    }

    /// Accepts tokens for `aud` (repeat for several). A token is valid if any
    /// of its audiences is accepted; a token without `aud` is then refused.
    #[must_use]
    pub fn audience(mut self, aud: impl Into<String>) -> Self {
        self.audiences.push(aud.into());
        self
    }

    /// Accepts a token whatever its `aud`. By default a token that has an
    /// `aud` is refused unless one of its audiences was configured with
    /// [`ClaimsValidation::audience`] (RFC 7519 section 4.1.3: a recipient
    /// that does not find itself in `aud` MUST reject the token).
    #[must_use]
    pub fn accept_any_audience(mut self) -> Self {
        self.any_audience = true;
        self
    }

    /// Requires `sub` to equal `sub`.
    #[must_use]
    pub fn subject(mut self, sub: impl Into<String>) -> Self {
        self.subject = Some(sub.into());
        self
    }

    /// Requires the claim `name` to be present.
    #[must_use]
    pub fn require(mut self, name: impl Into<String>) -> Self {
        self.required.push(name.into());
        self
    }

    /// Whether `exp` is required (default: yes). When present it is always
    /// checked.
    #[must_use]
    pub fn require_exp(mut self, required: bool) -> Self {
        self.require_exp = required;
        self
    }

    /// Clock skew allowed on `exp`, `nbf` and `iat`, in seconds (default 0).
    #[must_use]
    pub fn leeway(mut self, seconds: u32) -> Self {
        self.leeway = i64::from(seconds);
        self
    }

    /// Refuses tokens whose `iat` is in the future.
    #[must_use]
    pub fn reject_iat_in_future(mut self) -> Self {
        self.iat_not_in_future = true;
        self
    }

    /// Refuses tokens issued more than `seconds` ago (requires `iat`).
    #[must_use]
    pub fn max_age(mut self, seconds: u32) -> Self {
        self.max_age = Some(i64::from(seconds));
        self
    }

    /// Requires the header `typ` to be `typ` (compared as RFC 7515 section
    /// 4.1.9 says: case-insensitive, `application/` optional), such as
    /// `at+jwt` (RFC 9068).
    #[must_use]
    pub fn typ(mut self, typ: impl Into<String>) -> Self {
        self.typ = Some(typ.into());
        self
    }

    /// Accepts tokens in the JWS and JWE JSON serializations too. A JWT is
    /// compact (RFC 7519 section 7.2), and RFC 8725bis warns of "JWT format
    /// confusion": a JSON JWS can carry unprotected headers, several
    /// signatures and a payload that other code reads without the
    /// signature, so the default refuses it with [`Policy::NotCompact`].
    /// Opt in only for a peer that sends JSON (the nested examples of RFC
    /// 7520 section 6 do).
    ///
    /// [`Policy::NotCompact`]: jose_core::Policy::NotCompact
    #[must_use]
    pub fn accept_json_serialization(mut self) -> Self {
        self.json_serialization = true;
        self
    }

    /// Uses `clock` for the current time (tests, or a trusted time source).
    #[must_use]
    pub fn clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Some(Arc::new(clock));
        self
    }

    fn now(&self) -> Result<i64, Error> {
        if let Some(clock) = &self.clock {
            return Ok(clock.now());
        }
        #[cfg(feature = "std")]
        {
            Ok(SystemClock.now())
        }
        #[cfg(not(feature = "std"))]
        {
            Err(Error::ApiMisuse("no clock: set one with Validation::clock"))
        }
    }

    /// Refuses a token in a JSON serialization unless accepted.
    pub(crate) fn check_format(&self, token: &str) -> Result<(), Error> {
        if !self.json_serialization && crate::is_json(token) {
            return Err(Error::Policy(Policy::NotCompact));
        }
        Ok(())
    }

    /// Checks the header's `typ`.
    pub(crate) fn check_header(&self, header: &Header) -> Result<(), Error> {
        if let Some(expected) = &self.typ {
            let actual = header.typ.as_deref().unwrap_or_default();
            if !same_media_type(actual, expected) {
                return Err(Error::InvalidClaim(InvalidClaim::Type(actual.into())));
            }
        }
        Ok(())
    }

    /// Checks the claims (already type-checked) against this configuration.
    pub(crate) fn check_claims(&self, view: &ClaimsView<'_>) -> Result<(), Error> {
        let now = self.now()?;
        let date = |name: &str, v: Option<f64>| -> Result<Option<NumericDate>, Error> {
            v.map(|v| NumericDate::from_f64(name, v)).transpose()
        };
        for name in &self.required {
            if !view.has(name) {
                return Err(Error::InvalidClaim(InvalidClaim::Missing(name.clone())));
            }
        }
        match date("exp", view.exp)? {
            // RFC 7519 section 4.1.4: the token must not be accepted on or
            // after exp.
            Some(exp) if (now as f64) >= exp.as_f64() + self.leeway as f64 => {
                return Err(Error::InvalidClaim(InvalidClaim::Expired {
                    exp: exp.as_secs(),
                    now,
                }));
            }
            Some(_) => {}
            None if self.require_exp => {
                return Err(Error::InvalidClaim(InvalidClaim::Missing("exp".into())));
            }
            None => {}
        }
        if let Some(nbf) = date("nbf", view.nbf)? {
            if (now as f64) + (self.leeway as f64) < nbf.as_f64() {
                return Err(Error::InvalidClaim(InvalidClaim::NotYetValid {
                    nbf: nbf.as_secs(),
                    now,
                }));
            }
        }
        let iat = date("iat", view.iat)?;
        if self.iat_not_in_future {
            if let Some(iat) = iat {
                if (now as f64) + (self.leeway as f64) < iat.as_f64() {
                    return Err(Error::InvalidClaim(InvalidClaim::IssuedInFuture {
                        iat: iat.as_secs(),
                        now,
                    }));
                }
            }
        }
        if let Some(max_age) = self.max_age {
            let iat =
                iat.ok_or_else(|| Error::InvalidClaim(InvalidClaim::Missing("iat".into())))?;
            if (now as f64) - (self.leeway as f64) > iat.as_f64() + max_age as f64 {
                return Err(Error::InvalidClaim(InvalidClaim::TooOld {
                    iat: iat.as_secs(),
                    max_age,
                }));
            }
        }
        if !self.issuers.is_empty() {
            let iss = view
                .iss
                .as_deref()
                .ok_or_else(|| Error::InvalidClaim(InvalidClaim::Missing("iss".into())))?;
            if !self.issuers.iter().any(|i| i == iss) {
                return Err(Error::InvalidClaim(InvalidClaim::Issuer(iss.into())));
            }
        }
        if self.audiences.is_empty() {
            if view.aud.is_some() && !self.any_audience {
                return Err(Error::InvalidClaim(InvalidClaim::Audience));
            }
        } else {
            let aud = view
                .aud
                .as_ref()
                .ok_or_else(|| Error::InvalidClaim(InvalidClaim::Missing("aud".into())))?;
            if !aud.any(|a| self.audiences.iter().any(|x| x == a)) {
                return Err(Error::InvalidClaim(InvalidClaim::Audience));
            }
        }
        if let Some(expected) = &self.subject {
            let sub = view
                .sub
                .as_deref()
                .ok_or_else(|| Error::InvalidClaim(InvalidClaim::Missing("sub".into())))?;
            if sub != expected {
                return Err(Error::InvalidClaim(InvalidClaim::Subject(sub.into())));
            }
        }
        Ok(())
    }
}

/// Compares media types as RFC 7515 section 4.1.9 asks: ASCII
/// case-insensitively, with the `application/` prefix optional.
pub(crate) fn same_media_type(a: &str, b: &str) -> bool {
    fn strip(t: &str) -> &str {
        match t.get(..12) {
            Some(prefix) if prefix.eq_ignore_ascii_case("application/") => t.get(12..).unwrap_or(t),
            _ => t,
        }
    }
    strip(a).eq_ignore_ascii_case(strip(b))
}

/// How to validate a signed JWT: the allowed JWS algorithms (required, RFC
/// 8725 section 3.1) and the claim checks of [`ClaimsValidation`], whose
/// setters it repeats.
///
/// ```
/// use jose_core::JwsAlgorithm;
/// use jose_jwt::Validation;
///
/// let validation = Validation::new(&[JwsAlgorithm::Es256])?
///     .issuer("https://issuer.example")
///     .audience("https://api.example")
///     .leeway(30)
///     .require("sub");
/// # Ok::<(), jose_core::Error>(())
/// ```
#[cfg(feature = "jws")]
#[derive(Clone, Debug)]
pub struct Validation {
    verification: Verification,
    claims: ClaimsValidation,
}

/// Setters of [`Validation`] that pass to its [`ClaimsValidation`].
#[cfg(feature = "jws")]
macro_rules! claim_setters {
    ($( $name:ident($($arg:ident: $ty:ty),*); )+) => {$(
        #[doc = concat!("As [`ClaimsValidation::", stringify!($name), "`].")]
        #[must_use]
        pub fn $name(mut self, $($arg: $ty),*) -> Self {
            self.claims = self.claims.$name($($arg),*);
            self
        }
    )+};
}

#[cfg(feature = "jws")]
impl Validation {
    /// Validation that accepts signatures made with `algorithms` only, and
    /// the default claim checks of [`ClaimsValidation::new`].
    ///
    /// # Errors
    ///
    /// [`Error::ApiMisuse`] when the list is empty.
    pub fn new(algorithms: &[JwsAlgorithm]) -> Result<Self, Error> {
        Ok(Self {
            verification: Verification::new(algorithms)?,
            claims: ClaimsValidation::new(),
        })
    }

    /// Replaces the claim checks.
    #[must_use]
    pub fn with_claims(mut self, claims: ClaimsValidation) -> Self {
        self.claims = claims;
        self
    }

    /// The claim checks.
    pub fn claims(&self) -> &ClaimsValidation {
        &self.claims
    }

    /// The JWS verification: the allow-list, understood `crit` names, limits.
    pub fn verification(&self) -> &Verification {
        &self.verification
    }

    /// Declares a JWS `crit` extension the caller understands.
    #[must_use]
    pub fn understand(mut self, name: impl Into<String>) -> Self {
        self.verification = self.verification.understand(name);
        self
    }

    claim_setters! {
        issuer(iss: impl Into<String>);
        audience(aud: impl Into<String>);
        accept_any_audience();
        subject(sub: impl Into<String>);
        require(name: impl Into<String>);
        require_exp(required: bool);
        leeway(seconds: u32);
        reject_iat_in_future();
        max_age(seconds: u32);
        typ(typ: impl Into<String>);
        accept_json_serialization();
        clock(clock: impl Clock + 'static);
    }
}
