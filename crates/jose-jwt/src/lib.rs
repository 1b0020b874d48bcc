//! # jose-jwt
//!
//! JSON Web Tokens (RFC 7519): typed registered claims beside your own,
//! validation configured once and reused, signed (JWS), encrypted (JWE) and
//! nested (signed, then encrypted) tokens, and the RFC 8725 defaults: an
//! explicit algorithm allow-list, `exp` required, every failed check its
//! own error naming the claim.
//!
//! The common case is one call each way, as with `jsonwebtoken`:
//!
//! ```
//! use jose_core::JwsAlgorithm;
//! use jose_jwk::KeySpec;
//! use jose_jwt::{Claims, NumericDate, Validation};
//! use serde::{Deserialize, Serialize};
//!
//! #[derive(Debug, Serialize, Deserialize, PartialEq)]
//! struct Scope {
//!     scope: String,
//! }
//!
//! let provider = jose_rustcrypto::PROVIDER;
//! let jwk = provider.keys.generate(KeySpec::Oct { len: 32 })?;
//! let signer = provider.keys.signing_key(&jwk)?.signer(JwsAlgorithm::Hs256)?;
//!
//! let claims = Claims {
//!     sub: Some("alice".into()),
//!     exp: Some(NumericDate::from_secs(1_900_000_000)),
//!     ..Claims::new(Scope { scope: "read".into() })
//! };
//! let token = jose_jwt::encode(&claims, signer.as_ref())?;
//!
//! let key = provider.keys.verifying_key(&jwk)?;
//! let validation = Validation::new(&[JwsAlgorithm::Hs256])?.clock(|| 1_800_000_000);
//! let jwt = jose_jwt::decode::<Scope>(&token, &validation, &key)?;
//! assert_eq!(jwt.claims.custom.scope, "read");
//! # Ok::<(), jose_core::Error>(())
//! ```
//!
//! and a builder for the rest, in the spirit of the npm `jose` package's
//! `SignJWT` and `jwtVerify`:
//!
//! ```
//! use jose_core::{ContentEncryptionAlgorithm, JwsAlgorithm, KeyManagementAlgorithm};
//! use jose_jwe::Decryption;
//! use jose_jwk::KeySpec;
//! use jose_jwt::{JwtBuilder, Validation};
//!
//! let provider = jose_rustcrypto::PROVIDER;
//! let issuer = provider.keys.generate(KeySpec::Curve(jose_core::Curve::P256))?;
//! let recipient = provider.keys.generate(KeySpec::Curve(jose_core::Curve::X25519))?;
//! let signer = provider.keys.signing_key(&issuer)?.signer(JwsAlgorithm::Es256)?;
//! let encryptor = provider.keys.encrypting_key(&recipient)?
//!     .key_encryptor(KeyManagementAlgorithm::EcdhEsA256Kw)?;
//!
//! // An access token (RFC 9068), signed then encrypted (RFC 7519 section 5.2).
//! let token = JwtBuilder::new()
//!     .issuer("https://issuer.example")
//!     .audience("https://api.example")
//!     .subject("alice")
//!     .typ("at+jwt")
//!     .now(1_800_000_000)
//!     .issued_now()
//!     .expires_in(900)
//!     .claim("scope", "orders:read")
//!     .sign_then_encrypt(signer.as_ref(), &provider, encryptor.as_ref(), ContentEncryptionAlgorithm::A256Gcm)?;
//!
//! let validation = Validation::new(&[JwsAlgorithm::Es256])?
//!     .issuer("https://issuer.example")
//!     .audience("https://api.example")
//!     .typ("at+jwt")
//!     .clock(|| 1_800_000_100);
//! let decryption = Decryption::new(
//!     &[KeyManagementAlgorithm::EcdhEsA256Kw],
//!     &[ContentEncryptionAlgorithm::A256Gcm],
//! )?;
//! let jwt = jose_jwt::decode_nested::<jose_core::json::Object>(
//!     &token,
//!     &provider,
//!     &decryption,
//!     &provider.keys.decrypting_key(&recipient)?,
//!     &validation,
//!     &provider.keys.verifying_key(&issuer)?,
//! )?;
//! assert_eq!(jwt.claims.sub.as_deref(), Some("alice"));
//! assert_eq!(jwt.claims.custom["scope"], "orders:read");
//! # Ok::<(), jose_core::Error>(())
//! ```
//!
//! Reading a token without verifying it is in [`danger`].
//!
//! ## Crate features
//!
//! - `std` (default): the system clock as the default time source. Without
//!   it the crate is `no_std` with `alloc`, and validation needs a clock.

#![no_std]
#![forbid(unsafe_code)]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

mod builder;
mod claims;
pub mod danger;
mod validation;

use alloc::string::String;

use jose_core::json::{self, Object};
use jose_core::{Error, Header, KeyStore, MalformedReason, Signer};
use jose_jwe::Decryption;
use jose_jwk::Provider;
use jose_jws::JwsBuilder;
use serde::Serialize;
use serde::de::DeserializeOwned;

pub use builder::JwtBuilder;
pub use claims::{Audience, Claims, NumericDate};
#[cfg(feature = "std")]
pub use validation::SystemClock;
pub use validation::{Clock, Validation};

/// A verified (or decrypted) and validated JWT.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Jwt<T = Object> {
    /// The protected header of the JWS (of the inner JWS for nested tokens,
    /// of the JWE for encrypted-only tokens).
    pub header: Header,
    /// The claims.
    pub claims: Claims<T>,
}

/// Signs `claims` as a compact JWS with `typ: "JWT"`.
///
/// # Errors
///
/// Errors of the signer; [`Error::ApiMisuse`] when the claims do not
/// serialize to a JSON object.
pub fn encode<T: Serialize>(claims: &Claims<T>, signer: &dyn Signer) -> Result<String, Error> {
    let payload = claims_json(claims)?;
    let mut header = Header::new();
    header.typ = Some("JWT".into());
    JwsBuilder::new(&payload).compact_with(jose_jws::SignatureSpec::new(signer).protected(header))
}

/// Verifies a signed JWT with a key from `keys` and validates its claims.
///
/// # Errors
///
/// Every error of JWS verification ([`Error::BadSignature`],
/// [`Error::Policy`], [`Error::Malformed`]); [`Error::InvalidClaim`] naming
/// the first claim that fails a check.
pub fn decode<T: DeserializeOwned>(
    token: &str,
    validation: &Validation,
    keys: &dyn KeyStore,
) -> Result<Jwt<T>, Error> {
    if is_encrypted(token) {
        return Err(Error::malformed(
            "jwt",
            MalformedReason::Invalid("is a JWE: use decode_nested or decode_encrypted"),
        ));
    }
    let verified = validation.verification.verify(token, keys)?;
    validation.check_header(&verified.protected)?;
    if verified
        .protected
        .cty
        .as_deref()
        .is_some_and(|c| validation::same_media_type(c, "JWT"))
    {
        return Err(Error::Unsupported(jose_core::Unsupported::Operation(
            "a JWS nested in a JWS".into(),
        )));
    }
    let claims = claims_from(&verified.payload, validation)?;
    Ok(Jwt {
        header: verified.protected,
        claims,
    })
}

/// Decrypts a nested JWT (a JWS inside a JWE with `cty: "JWT"`, RFC 7519
/// section 5.2), then verifies the inner JWS and validates its claims.
///
/// # Errors
///
/// Every error of decryption and of [`decode`]; [`Error::Malformed`] when
/// the JWE's `cty` is not `JWT`.
pub fn decode_nested<T: DeserializeOwned>(
    token: &str,
    provider: &Provider,
    decryption: &Decryption,
    decryption_keys: &dyn KeyStore,
    validation: &Validation,
    verification_keys: &dyn KeyStore,
) -> Result<Jwt<T>, Error> {
    let opened = decryption.decrypt(provider, token, decryption_keys)?;
    let cty = opened.protected.cty.as_deref().unwrap_or_default();
    if !validation::same_media_type(cty, "JWT") {
        return Err(Error::malformed(
            "header \"cty\"",
            MalformedReason::Invalid("must be \"JWT\" for a nested token"),
        ));
    }
    let inner = core::str::from_utf8(&opened.plaintext)
        .map_err(|_| Error::malformed("nested jwt", MalformedReason::Utf8))?;
    decode(inner, validation, verification_keys)
}

/// Decrypts an encrypted (not signed) JWT, whose JWE plaintext is the
/// claims, and validates them. The JWE's integrity protects the claims, but
/// anyone who can encrypt to you could have made them: prefer nested tokens
/// when the issuer matters.
///
/// # Errors
///
/// Every error of decryption; [`Error::InvalidClaim`] as [`decode`].
pub fn decode_encrypted<T: DeserializeOwned>(
    token: &str,
    provider: &Provider,
    decryption: &Decryption,
    keys: &dyn KeyStore,
    validation: &Validation,
) -> Result<Jwt<T>, Error> {
    let opened = decryption.decrypt(provider, token, keys)?;
    validation.check_header(&opened.protected)?;
    let claims = claims_from(&opened.plaintext, validation)?;
    Ok(Jwt {
        header: opened.protected,
        claims,
    })
}

/// Whether a token is a JWE (five compact parts, or a JSON object with a
/// top-level `ciphertext` member) rather than a JWS: use it to choose
/// between [`decode`] and [`decode_nested`] or [`decode_encrypted`]. It
/// reads the structure only; nothing is verified.
pub fn is_encrypted(token: &str) -> bool {
    if token.trim_start().starts_with('{') {
        json::parse_object("jwt", token.as_bytes()).is_ok_and(|o| o.contains_key("ciphertext"))
    } else {
        token.split('.').count() == 5
    }
}

/// Parses, type-checks, validates and deserializes claims.
fn claims_from<T: DeserializeOwned>(
    payload: &[u8],
    validation: &Validation,
) -> Result<Claims<T>, Error> {
    let obj = json::parse_object("jwt claims", payload)?;
    claims::check_types(&obj)?;
    validation.check_claims(&obj)?;
    claims::from_checked_object(obj)
}

/// The JSON of a claims set, which must be an object whose registered
/// claims have their types, and whose custom claims do not repeat a
/// registered one (which would silently replace the typed field).
fn claims_json<T: Serialize>(claims: &Claims<T>) -> Result<alloc::vec::Vec<u8>, Error> {
    if let Ok(serde_json::Value::Object(custom)) = serde_json::to_value(&claims.custom) {
        claims::check_types(&custom)?;
        if let Some(name) = ["iss", "sub", "aud", "exp", "nbf", "iat", "jti"]
            .into_iter()
            .find(|n| custom.contains_key(*n))
        {
            return Err(Error::InvalidClaim(jose_core::InvalidClaim::WrongType {
                claim: name.into(),
                expected: "set through its typed field, not among the custom claims",
            }));
        }
    }
    match serde_json::to_value(claims) {
        Ok(serde_json::Value::Object(obj)) => {
            claims::check_types(&obj)?;
            serde_json::to_vec(&obj)
                .map_err(|_| Error::ApiMisuse("the claims cannot be serialized"))
        }
        _ => Err(Error::ApiMisuse(
            "the claims must serialize to a JSON object",
        )),
    }
}
