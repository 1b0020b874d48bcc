//! Conversion between [`Jwk`] and the RustCrypto key types, both ways.
//!
//! [`FromJwk`] builds a RustCrypto key from a JWK and checks what the JWK
//! model cannot: points on their curve, private halves that match their
//! public halves, RSA parameters that hold together. [`ToJwk`] goes back.
//! The implementations live with their algorithm family (and its crate
//! feature): RSA keys, the curves of `elliptic-curve` (P-256, P-384, P-521,
//! secp256k1), Ed25519 and X25519.

#[cfg(any(feature = "ed25519", feature = "x25519"))]
use jose_core::Curve;
use jose_core::Error;
use jose_jwk::Jwk;
#[cfg(any(feature = "ed25519", feature = "x25519"))]
use jose_jwk::{Key, OkpKey};

/// A RustCrypto key that can be built from a JWK.
pub trait FromJwk: Sized {
    /// Builds the key, checking it fully.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidKey`] when the JWK is of another type or curve, lacks
    /// the private part this type needs, or fails a check.
    fn from_jwk(jwk: &Jwk) -> Result<Self, Error>;
}

/// A RustCrypto key that can be written as a JWK.
pub trait ToJwk {
    /// The JWK of the key (private members included for private keys).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidKey`] when the key cannot be represented.
    fn to_jwk(&self) -> Result<Jwk, Error>;
}

#[cfg(ec)]
pub use crate::ec::JwkCurve;

/// The JWK is not of the key type asked for.
#[cfg(asymmetric)]
pub(crate) fn wrong_type() -> Error {
    Error::invalid_key("kty", "is not the key type asked for")
}

/// The JWK is not on the curve asked for.
#[cfg(curves)]
pub(crate) fn wrong_curve() -> Error {
    Error::invalid_key("crv", "is not the curve asked for")
}

/// The JWK is public where a private key is needed.
#[cfg(asymmetric)]
pub(crate) fn no_private() -> Error {
    Error::invalid_key("d", "is missing: a private key is needed")
}

#[cfg(any(feature = "ed25519", feature = "x25519"))]
pub(crate) fn okp_key(jwk: &Jwk, crv: Curve) -> Result<&OkpKey, Error> {
    match jwk.key() {
        Key::Okp(k) if k.crv() == crv => Ok(k),
        Key::Okp(_) => Err(wrong_curve()),
        _ => Err(wrong_type()),
    }
}

#[cfg(any(feature = "ed25519", feature = "x25519"))]
pub(crate) fn array32(member: &'static str, bytes: &[u8]) -> Result<[u8; 32], Error> {
    bytes
        .try_into()
        .map_err(|_| Error::invalid_key(member, "has the wrong length for the curve"))
}
