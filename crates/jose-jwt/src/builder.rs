//! [`JwtBuilder`]: issue signed, encrypted and nested tokens.

use alloc::string::String;
#[cfg(any(feature = "jws", feature = "jwe"))]
use alloc::vec::Vec;

#[cfg(feature = "jws")]
use jose_core::Signer;
use jose_core::json::Object;
#[cfg(feature = "jwe")]
use jose_core::{ContentEncryptionAlgorithm, KeyEncryptor};
use jose_core::{Error, Header};
#[cfg(feature = "jwe")]
use jose_jwe::JweBuilder;
#[cfg(feature = "jwe")]
use jose_jwk::Provider;
#[cfg(feature = "jws")]
use jose_jws::{JwsBuilder, SignatureSpec};
use serde_json::Value;

use crate::claims::{Audience, Claims, NumericDate};

/// Builds a JWT: registered claims by name, custom claims by
/// [`JwtBuilder::claim`], header `typ` (default `JWT`), then
/// [`sign`](JwtBuilder::sign), [`encrypt`](JwtBuilder::encrypt) or
/// [`sign_then_encrypt`](JwtBuilder::sign_then_encrypt).
///
/// Relative times (`issued_now`, `expires_in`, `not_before_in`) count from
/// [`JwtBuilder::now`], or from the system clock with the `std` feature.
#[derive(Clone, Debug)]
pub struct JwtBuilder {
    claims: Claims<Object>,
    header: Header,
    now: Option<i64>,
    /// The first setter that failed (a registered claim of the wrong
    /// type): reported by `sign`/`encrypt`, never silently dropped.
    error: Option<Error>,
}

impl Default for JwtBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl JwtBuilder {
    /// An empty token with `typ: "JWT"`.
    pub fn new() -> Self {
        let header = Header::new().with_typ("JWT");
        Self {
            claims: Claims::default(),
            header,
            now: None,
            error: None,
        }
    }

    /// Starts from a claims object (for example parsed from a file).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidClaim`] when a registered claim has the wrong type.
    pub fn from_object(obj: Object) -> Result<Self, Error> {
        crate::claims::check_types(&obj)?;
        let claims = serde_json::from_value(Value::Object(obj)).map_err(|_| {
            Error::malformed(
                "jwt claims",
                jose_core::MalformedReason::Invalid("are not a valid claims set"),
            )
        })?;
        Ok(Self {
            claims,
            ..Self::new()
        })
    }

    /// Sets `iss`.
    #[must_use]
    pub fn issuer(mut self, iss: impl Into<String>) -> Self {
        self.claims.iss = Some(iss.into());
        self
    }

    /// Sets `sub`.
    #[must_use]
    pub fn subject(mut self, sub: impl Into<String>) -> Self {
        self.claims.sub = Some(sub.into());
        self
    }

    /// Adds an audience to `aud` (a string for one, an array for several).
    #[must_use]
    pub fn audience(mut self, aud: impl Into<String>) -> Self {
        let aud = aud.into();
        self.claims.aud = Some(match self.claims.aud.take() {
            None => Audience::One(aud),
            Some(Audience::One(first)) => Audience::Many(alloc::vec![first, aud]),
            Some(Audience::Many(mut list)) => {
                list.push(aud);
                Audience::Many(list)
            }
        });
        self
    }

    /// Sets `jti`.
    #[must_use]
    pub fn jwt_id(mut self, jti: impl Into<String>) -> Self {
        self.claims.jti = Some(jti.into());
        self
    }

    /// Sets `exp`.
    #[must_use]
    pub fn expires_at(mut self, exp: NumericDate) -> Self {
        self.claims.exp = Some(exp);
        self
    }

    /// Sets `nbf`.
    #[must_use]
    pub fn not_before(mut self, nbf: NumericDate) -> Self {
        self.claims.nbf = Some(nbf);
        self
    }

    /// Sets `iat`.
    #[must_use]
    pub fn issued_at(mut self, iat: NumericDate) -> Self {
        self.claims.iat = Some(iat);
        self
    }

    /// Fixes "now" for the relative setters (tests, or a trusted clock).
    #[must_use]
    pub fn now(mut self, secs: i64) -> Self {
        self.now = Some(secs);
        self
    }

    /// Sets `iat` to now.
    #[must_use]
    pub fn issued_now(mut self) -> Self {
        self.claims.iat = Some(NumericDate::from_secs(self.current()));
        self
    }

    /// Sets `exp` to now plus `seconds`.
    #[must_use]
    pub fn expires_in(mut self, seconds: i64) -> Self {
        self.claims.exp = Some(NumericDate::from_secs(
            self.current().saturating_add(seconds),
        ));
        self
    }

    /// Sets `nbf` to now plus `seconds`.
    #[must_use]
    pub fn not_before_in(mut self, seconds: i64) -> Self {
        self.claims.nbf = Some(NumericDate::from_secs(
            self.current().saturating_add(seconds),
        ));
        self
    }

    /// Sets a custom claim (or replaces a registered one by name).
    #[must_use]
    pub fn claim(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        let name = name.into();
        let value = value.into();
        match name.as_str() {
            "iss" | "sub" | "aud" | "exp" | "nbf" | "iat" | "jti" => {
                // Route registered names through the typed fields.
                let mut obj = self.to_object();
                obj.insert(name, value);
                match Self::from_object(obj) {
                    Ok(rebuilt) => self.claims = rebuilt.claims,
                    Err(e) => {
                        self.error.get_or_insert(e);
                    }
                }
            }
            _ => {
                self.claims.custom.insert(name, value);
            }
        }
        self
    }

    /// Sets the header `typ`, such as `at+jwt` (RFC 9068).
    #[must_use]
    pub fn typ(mut self, typ: impl Into<String>) -> Self {
        self.header.typ = Some(typ.into());
        self
    }

    /// Replaces the protected header's other members (`typ` is kept unless
    /// the header sets one).
    #[must_use]
    pub fn header(mut self, header: Header) -> Self {
        let typ = self.header.typ.take();
        self.header = header;
        if self.header.typ.is_none() {
            self.header.typ = typ;
        }
        self
    }

    /// The claims set as built so far.
    pub fn claims(&self) -> &Claims<Object> {
        &self.claims
    }

    /// Signs: a compact JWS.
    ///
    /// # Errors
    ///
    /// Errors of the signer.
    #[cfg(feature = "jws")]
    pub fn sign(&self, signer: &dyn Signer) -> Result<String, Error> {
        let payload = self.payload()?;
        JwsBuilder::new(&payload)
            .compact_with(SignatureSpec::new(signer).protected(self.header.clone()))
    }

    /// Encrypts the claims directly: a compact JWE (an encrypted JWT).
    ///
    /// # Errors
    ///
    /// Errors of the key encryptor and the content cipher.
    #[cfg(feature = "jwe")]
    pub fn encrypt(
        &self,
        provider: &Provider,
        encryptor: &dyn KeyEncryptor,
        enc: ContentEncryptionAlgorithm,
    ) -> Result<String, Error> {
        let payload = self.payload()?;
        JweBuilder::new(&payload, enc)
            .protected(self.header.clone())
            .compact(provider, encryptor)
    }

    /// Signs, then encrypts the JWS: a nested JWT (RFC 7519 section 5.2),
    /// whose JWE has `cty: "JWT"`.
    ///
    /// # Errors
    ///
    /// Errors of the signer, the key encryptor and the content cipher.
    #[cfg(all(feature = "jws", feature = "jwe"))]
    pub fn sign_then_encrypt(
        &self,
        signer: &dyn Signer,
        provider: &Provider,
        encryptor: &dyn KeyEncryptor,
        enc: ContentEncryptionAlgorithm,
    ) -> Result<String, Error> {
        let inner = self.sign(signer)?;
        JweBuilder::new(inner.as_bytes(), enc)
            .protected(Header::new().with_cty("JWT"))
            .compact(provider, encryptor)
    }

    fn current(&self) -> i64 {
        if let Some(now) = self.now {
            return now;
        }
        #[cfg(feature = "std")]
        {
            crate::validation::Clock::now(&crate::validation::SystemClock)
        }
        #[cfg(not(feature = "std"))]
        {
            0
        }
    }

    fn to_object(&self) -> Object {
        match serde_json::to_value(&self.claims) {
            Ok(Value::Object(obj)) => obj,
            _ => Object::new(),
        }
    }

    #[cfg(any(feature = "jws", feature = "jwe"))]
    fn payload(&self) -> Result<Vec<u8>, Error> {
        if let Some(e) = &self.error {
            return Err(e.clone());
        }
        // Straight to bytes: the builder keeps registered names in the typed
        // fields, so the custom map cannot repeat one.
        serde_json::to_vec(&self.claims)
            .map_err(|_| Error::ApiMisuse("the claims cannot be serialized"))
    }
}
