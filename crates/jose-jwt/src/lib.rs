//! # jose-jwt
//!
//! JSON Web Tokens (RFC 7519): your own claims struct (flat, as you write
//! it) or typed registered claims beside yours ([`Claims`]), validation
//! configured once and reused, signed (JWS), encrypted (JWE) and nested
//! (signed, then encrypted) tokens, and the RFC 8725 defaults: an explicit
//! algorithm allow-list, `exp` required, every failed check its own error
//! naming the claim; and those of RFC 8725bis: compact tokens only (the
//! JSON serializations need `accept_json_serialization`), encrypted-only
//! tokens with shared keys only ([`decode_encrypted`]), and [`Jwt::key`]
//! naming the key that verified, to bind the issuer to.
//!
//! The common case is one call each way, as with `jsonwebtoken`:
//!
//! ```
//! use jose_core::JwsAlgorithm;
//! use jose_jwk::Jwk;
//! use jose_jwt::Validation;
//! use serde::{Deserialize, Serialize};
//!
//! #[derive(Debug, Serialize, Deserialize, PartialEq)]
//! struct Claims {
//!     sub: String,
//!     exp: u64,
//!     company: String,
//! }
//!
//! let provider = jose_rustcrypto::PROVIDER;
//! let key = Jwk::oct(b"a secret of at least thirty-two bytes")?;
//! let claims = Claims { sub: "alice".into(), exp: 1_900_000_000, company: "ACME".into() };
//! let token = jose_jwt::encode(&claims, &provider.signer(&key, JwsAlgorithm::Hs256)?)?;
//!
//! let validation = Validation::new(&[JwsAlgorithm::Hs256])?.clock(|| 1_800_000_000);
//! let jwt = jose_jwt::decode::<Claims>(&token, &validation, &provider.verifier(&key)?)?;
//! assert_eq!(jwt.claims, claims);
//! # Ok::<(), jose_core::Error>(())
//! ```
//!
//! Validation reads `exp`, `nbf`, `iat`, `iss`, `aud` and `sub` from the
//! token itself, whatever your struct holds; a registered claim of the
//! wrong type (`"exp": "soon"`) is an error naming it.
//!
//! In an async service, [`encode_async`] signs with a key in a KMS and
//! [`decode_async`] verifies with keys a store fetches (a remote JWK Set,
//! `jose-remote`).
//!
//! A builder covers the rest, in the spirit of the npm `jose` package's
//! `SignJWT` and `jwtVerify`:
//!
//! ```
//! use jose_core::{ContentEncryptionAlgorithm, Curve, JwsAlgorithm, KeyManagementAlgorithm};
//! use jose_jwe::Decryption;
//! use jose_jwk::KeySpec;
//! use jose_jwt::{Claims, JwtBuilder, Validation};
//!
//! let provider = jose_rustcrypto::PROVIDER;
//! let issuer = provider.generate(JwsAlgorithm::Es256)?;
//! let recipient = provider.generate(KeySpec::from(KeyManagementAlgorithm::EcdhEsA256Kw).curve(Curve::X25519))?;
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
//!     .sign_then_encrypt(
//!         &provider.signer(&issuer, JwsAlgorithm::Es256)?,
//!         &provider,
//!         &provider.encryptor(&recipient, KeyManagementAlgorithm::EcdhEsA256Kw)?,
//!         ContentEncryptionAlgorithm::A256Gcm,
//!     )?;
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
//! let jwt = jose_jwt::decode_nested::<Claims>(
//!     &token,
//!     &provider,
//!     &decryption,
//!     &provider.decryptor(&recipient)?,
//!     &validation,
//!     &provider.verifier(&issuer)?,
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
//! - `jws` (default): signed tokens ([`encode`], [`decode`],
//!   [`Validation`], [`danger`]), on `jose-jws`.
//! - `jwe` (default): encrypted and nested tokens ([`decode_encrypted`],
//!   [`danger::decode_encrypted_unauthenticated`], and with `jws`
//!   [`decode_nested`]), on `jose-jwe`.

#![no_std]
#![forbid(unsafe_code)]
// Without `jws` and `jwe` only the claims model is there: the checks it
// would run have no caller.
#![cfg_attr(
    not(any(feature = "jws", feature = "jwe")),
    allow(dead_code, unused_imports)
)]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

mod builder;
mod claims;
#[cfg(any(feature = "jws", feature = "jwe"))]
pub mod danger;
mod validation;
mod view;

use alloc::sync::Arc;
#[cfg(feature = "jws")]
use alloc::vec::Vec;

#[cfg(any(feature = "jws", feature = "jwe"))]
use jose_core::KeyStore;
#[cfg(any(feature = "jws", feature = "jwe"))]
use jose_core::MalformedReason;
#[cfg(feature = "jws")]
use jose_core::Signer;
#[cfg(feature = "jws")]
use jose_core::asynchronous::{AsyncKeyStore, AsyncSigner};
use jose_core::json;
use jose_core::{Error, Header, KeyIdentity};
#[cfg(feature = "jwe")]
use jose_jwe::Decryption;
#[cfg(feature = "jwe")]
use jose_jwk::Provider;
#[cfg(feature = "jws")]
use jose_jws::JwsBuilder;
#[cfg(feature = "jws")]
use serde::Serialize;
#[cfg(any(feature = "jws", feature = "jwe"))]
use serde::de::DeserializeOwned;

pub use builder::JwtBuilder;
pub use claims::{Audience, Claims, NumericDate};
#[cfg(feature = "std")]
pub use validation::SystemClock;
#[cfg(feature = "jws")]
pub use validation::Validation;
pub use validation::{ClaimsValidation, Clock};

/// A verified (or decrypted) and validated JWT.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Jwt<T = Claims> {
    /// The protected header of the JWS (of the inner JWS for nested tokens,
    /// of the JWE for encrypted-only tokens).
    pub header: Header,
    /// The claims, as the caller's type: a flat struct of their own, or
    /// [`Claims`] for typed registered claims beside theirs.
    pub claims: T,
    /// Which key of the store verified the signature (of the inner JWS for
    /// nested tokens), or decrypted an encrypted-only token: its `kid`,
    /// thumbprint and position. Bind the issuer to this key, not to the
    /// header's `kid`.
    pub key: Arc<KeyIdentity>,
}

/// Signs `claims` as a compact JWS with `typ: "JWT"`. `claims` is any type
/// that serializes to a JSON object: a flat struct of your own, or
/// [`Claims`].
///
/// # Errors
///
/// Errors of the signer; [`Error::ApiMisuse`] when the claims do not
/// serialize to a JSON object, [`Error::Malformed`] when they repeat a
/// member, [`Error::InvalidClaim`] when a registered claim has the wrong
/// type (`exp` as a string).
#[cfg(feature = "jws")]
pub fn encode<T: Serialize + ?Sized>(
    claims: &T,
    signer: &dyn Signer,
) -> Result<alloc::string::String, Error> {
    let payload = claims_json(claims)?;
    let header = Header::new().with_typ("JWT");
    JwsBuilder::new(&payload).compact_with(jose_jws::SignatureSpec::new(signer).protected(header))
}

/// Verifies a signed JWT with a key from `keys`, validates its claims and
/// deserializes them into `T`.
///
/// # Errors
///
/// Every error of JWS verification ([`Error::BadSignature`],
/// [`Error::Policy`], [`Error::Malformed`]); [`Error::InvalidClaim`] naming
/// the first claim that fails a check; [`Error::Malformed`] when the claims
/// do not fit `T`.
#[cfg(feature = "jws")]
pub fn decode<T: DeserializeOwned>(
    token: &str,
    validation: &Validation,
    keys: &dyn KeyStore,
) -> Result<Jwt<T>, Error> {
    check_signed_token(token, validation)?;
    let verified = validation.verification().verify(token, keys)?;
    claims_of_verified(verified, validation)
}

/// Signs `claims` as [`encode`] does, with an [`AsyncSigner`]: a key in a
/// KMS or a signing service. Every [`Signer`] is an [`AsyncSigner`] too.
///
/// # Errors
///
/// As [`encode`].
#[cfg(feature = "jws")]
pub async fn encode_async<T: Serialize + ?Sized>(
    claims: &T,
    signer: &dyn AsyncSigner,
) -> Result<alloc::string::String, Error> {
    let payload = claims_json(claims)?;
    let header = Header::new().with_typ("JWT");
    JwsBuilder::new(&payload)
        .compact_async(signer, header)
        .await
}

/// Verifies, validates and deserializes a signed JWT as [`decode`] does,
/// with keys from an [`AsyncKeyStore`] (a remote JWK Set). Every
/// [`KeyStore`] is an [`AsyncKeyStore`] too.
///
/// # Errors
///
/// As [`decode`]; the store's errors.
#[cfg(feature = "jws")]
pub async fn decode_async<T: DeserializeOwned>(
    token: &str,
    validation: &Validation,
    keys: &dyn AsyncKeyStore,
) -> Result<Jwt<T>, Error> {
    check_signed_token(token, validation)?;
    let verified = validation.verification().verify_async(token, keys).await?;
    claims_of_verified(verified, validation)
}

/// The checks of a signed JWT before its signature: the serialization the
/// validation allows, and not a JWE.
#[cfg(feature = "jws")]
fn check_signed_token(token: &str, validation: &Validation) -> Result<(), Error> {
    validation.claims().check_format(token)?;
    if is_encrypted(token) {
        return Err(Error::malformed(
            "jwt",
            MalformedReason::Invalid("is a JWE: use decode_nested or decode_encrypted"),
        ));
    }
    Ok(())
}

/// The checks of a JWT after its signature: the header's `typ` and `cty`,
/// then the claims.
#[cfg(feature = "jws")]
fn claims_of_verified<T: DeserializeOwned>(
    verified: jose_jws::Verified,
    validation: &Validation,
) -> Result<Jwt<T>, Error> {
    let checks = validation.claims();
    checks.check_header(&verified.protected)?;
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
    let claims = claims_from(&verified.payload, checks)?;
    Ok(Jwt {
        header: verified.protected,
        claims,
        key: verified.key,
    })
}

/// Decrypts a nested JWT (a JWS inside a JWE with `cty: "JWT"`, RFC 7519
/// section 5.2), then verifies the inner JWS and validates its claims.
///
/// # Errors
///
/// Every error of decryption and of [`decode`]; [`Error::Malformed`] when
/// the JWE's `cty` is not `JWT`.
#[cfg(all(feature = "jws", feature = "jwe"))]
pub fn decode_nested<T: DeserializeOwned>(
    token: &str,
    provider: &Provider,
    decryption: &Decryption,
    decryption_keys: &dyn KeyStore,
    validation: &Validation,
    verification_keys: &dyn KeyStore,
) -> Result<Jwt<T>, Error> {
    validation.claims().check_format(token)?;
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
/// claims, and validates them with `checks` (no JWS, so no JWS allow-list).
///
/// Only shared-key algorithms (`dir`, AES key wrap, AES-GCM key wrap,
/// PBES2) may be in `decryption`'s allow-list: a JWE encrypted to a public
/// key (RSA-OAEP, ECDH-ES) can be made by anyone who has that public key,
/// so its claims say nothing about who wrote them. For those, use
/// [`decode_nested`] (the issuer signs, then encrypts), or, knowing that
/// anyone could have written the claims,
/// [`danger::decode_encrypted_unauthenticated`].
///
/// # Errors
///
/// [`Error::ApiMisuse`] when `decryption` allows a public-key algorithm;
/// every error of decryption; [`Error::InvalidClaim`] as [`decode`].
#[cfg(feature = "jwe")]
pub fn decode_encrypted<T: DeserializeOwned>(
    token: &str,
    provider: &Provider,
    decryption: &Decryption,
    keys: &dyn KeyStore,
    checks: &ClaimsValidation,
) -> Result<Jwt<T>, Error> {
    if decryption
        .algorithms()
        .iter()
        .any(|alg| !alg.requirement().is_shared_secret())
    {
        return Err(Error::ApiMisuse(
            "decode_encrypted takes shared-key algorithms only: anyone can encrypt to a public key \
             (use decode_nested, or danger::decode_encrypted_unauthenticated)",
        ));
    }
    decrypt_claims(token, provider, decryption, keys, checks)
}

/// Decrypts a JWE whose plaintext is the claims, and validates them.
#[cfg(feature = "jwe")]
fn decrypt_claims<T: DeserializeOwned>(
    token: &str,
    provider: &Provider,
    decryption: &Decryption,
    keys: &dyn KeyStore,
    checks: &ClaimsValidation,
) -> Result<Jwt<T>, Error> {
    checks.check_format(token)?;
    let opened = decryption.decrypt(provider, token, keys)?;
    checks.check_header(&opened.protected)?;
    let claims = claims_from(&opened.plaintext, checks)?;
    Ok(Jwt {
        header: opened.protected,
        claims,
        key: opened.key,
    })
}

/// Whether a token is a JWE (five compact parts, or a JSON object with a
/// top-level `ciphertext` member) rather than a JWS: use it to choose
/// between `decode` and `decode_nested` or `decode_encrypted`. It reads the
/// structure only; nothing is verified.
pub fn is_encrypted(token: &str) -> bool {
    if is_json(token) {
        json::parse_object("jwt", token.as_bytes()).is_ok_and(|o| o.contains_key("ciphertext"))
    } else {
        token.split('.').count() == 5
    }
}

/// Whether a token is in a JSON serialization (JWS or JWE), told apart
/// from the compact ones as the parsers do: by a leading `{`.
fn is_json(token: &str) -> bool {
    token.trim_start().starts_with('{')
}

/// Parses (strictly), type-checks and validates the claims and
/// deserializes them into the caller's type: in one pass for a flat claims
/// set (`view::one_pass`), else a checking pass over the JSON that builds
/// no tree, then serde straight from the bytes.
#[cfg(any(feature = "jws", feature = "jwe"))]
fn claims_from<T: DeserializeOwned>(payload: &[u8], checks: &ClaimsValidation) -> Result<T, Error> {
    // Most claims sets take one pass; whenever it cannot decide, the two
    // passes below do, and their errors are the reference.
    if let Some((view, claims)) = view::parse_one_pass::<T>(payload) {
        checks.check_claims(&view)?;
        return Ok(claims);
    }
    let view = view::ClaimsView::parse(payload)?;
    checks.check_claims(&view)?;
    serde_json::from_slice(payload).map_err(|_| {
        Error::malformed(
            "jwt claims",
            MalformedReason::Invalid("do not match the expected claims type"),
        )
    })
}

/// The JSON of a claims set: it must serialize to an object without a
/// repeated member (a flattened field that shadows another), whose
/// registered claims have their types.
#[cfg(feature = "jws")]
fn claims_json<T: Serialize + ?Sized>(claims: &T) -> Result<Vec<u8>, Error> {
    const NOT_AN_OBJECT: Error = Error::ApiMisuse("the claims must serialize to a JSON object");
    // serde fails to serialize only what is no object (a flattened number).
    let (bytes, checked) = view::checked_json(claims).map_err(|_| NOT_AN_OBJECT)?;
    // Checked as written (the common case); otherwise the strict parse of
    // the output decides, and makes the error.
    if checked {
        return Ok(bytes);
    }
    view::ClaimsView::parse(&bytes).map_err(|e| match e {
        Error::Malformed(m) if m.reason == MalformedReason::NotAnObject => NOT_AN_OBJECT,
        other => other,
    })?;
    Ok(bytes)
}
