//! Reading a JWT **without knowing who wrote it**.
//!
//! <div class="warning">
//!
//! Nothing returned here is authentic: anyone can write any header and
//! claims. Use it to look at a token or to pick a key, never for a trust
//! decision; use [`decode`](crate::decode) or
//! [`decode_nested`](crate::decode_nested) for that.
//!
//! </div>

use jose_core::Error;
#[cfg(feature = "jws")]
use jose_core::Header;
#[cfg(feature = "jws")]
use jose_core::MalformedReason;
#[cfg(feature = "jws")]
use jose_core::json::{self, Object};
#[cfg(feature = "jwe")]
use {
    crate::{ClaimsValidation, Jwt},
    jose_core::KeyStore,
    jose_jwe::Decryption,
    jose_jwk::Provider,
    serde::de::DeserializeOwned,
};

/// An unverified JWT: its header and its claims as JSON.
#[cfg(feature = "jws")]
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Unverified {
    /// The protected header. Not verified.
    pub header: Header,
    /// The claims. Not verified, not validated.
    pub claims: Object,
}

/// Decodes a signed JWT without checking its signature or its claims.
///
/// # Errors
///
/// [`Error::Malformed`] for a token that is not a JWS with a JSON payload.
#[cfg(feature = "jws")]
pub fn decode_unverified(token: &str) -> Result<Unverified, Error> {
    let jws = jose_jws::danger::decode_unverified(token)?;
    let payload = jws
        .payload
        .ok_or_else(|| Error::malformed("jwt payload", MalformedReason::Missing))?;
    Ok(Unverified {
        header: jws.protected,
        claims: json::parse_object("jwt claims", &payload)?,
    })
}

/// Decrypts an encrypted (not signed) JWT with any key management
/// algorithm and validates its claims: [`decode_encrypted`] without its
/// restriction to shared keys. With RSA-OAEP or ECDH-ES, anyone who has
/// the recipient's public key can have written these claims; the JWE
/// protects them from being read or changed on the way, nothing more.
///
/// # Errors
///
/// As [`decode_encrypted`], without the [`Error::ApiMisuse`].
///
/// [`decode_encrypted`]: crate::decode_encrypted
#[cfg(feature = "jwe")]
pub fn decode_encrypted_unauthenticated<T: DeserializeOwned>(
    token: &str,
    provider: &Provider,
    decryption: &Decryption,
    keys: &dyn KeyStore,
    checks: &ClaimsValidation,
) -> Result<Jwt<T>, Error> {
    crate::decrypt_claims(token, provider, decryption, keys, checks)
}
