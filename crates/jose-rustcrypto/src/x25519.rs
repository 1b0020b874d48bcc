//! X25519: ECDH-ES (RFC 8037 section 3.2), key generation.

use alloc::vec::Vec;

use jose_core::json::Object;
use jose_core::{Curve, Error, Header, MalformedReason, Secret, SecureRandom};
use jose_jwk::{Jwk, Key, OkpKey};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use crate::convert::{FromJwk, ToJwk, array32, no_private, okp_key};

fn secret(random: &dyn SecureRandom) -> Result<x25519_dalek::StaticSecret, Error> {
    let mut bytes = Zeroizing::new([0u8; 32]);
    random.fill(&mut *bytes)?;
    Ok(x25519_dalek::StaticSecret::from(*bytes))
}

/// A fresh private key.
pub(crate) fn generate(random: &dyn SecureRandom) -> Result<Jwk, Error> {
    secret(random)?.to_jwk()
}

/// The public JWK of the private key `d`.
pub(crate) fn public_from_private(d: &[u8]) -> Result<Jwk, Error> {
    let d: [u8; 32] = d
        .try_into()
        .map_err(|_| Error::invalid_key("d", "has the wrong length for the curve"))?;
    x25519_dalek::PublicKey::from(&x25519_dalek::StaticSecret::from(d)).to_jwk()
}

/// ECDH-ES, sending side: a fresh ephemeral key agreed with `recipient`,
/// giving Z and the `epk` header member. A low-order recipient key, which
/// would make Z known to all, is refused.
pub(crate) fn agree_ephemeral(
    recipient: &x25519_dalek::PublicKey,
    random: &dyn SecureRandom,
) -> Result<(Zeroizing<Vec<u8>>, Object), Error> {
    let ephemeral = secret(random)?;
    let shared = ephemeral.diffie_hellman(recipient);
    if !shared.was_contributory() {
        return Err(Error::invalid_key("x", "is a point of small order"));
    }
    let epk = crate::jwe::epk(&x25519_dalek::PublicKey::from(&ephemeral).to_jwk()?)?;
    Ok((Zeroizing::new(shared.as_bytes().to_vec()), epk))
}

/// ECDH-ES, receiving side: Z from the sender's `epk` (an X25519 public
/// key, not of small order) and our key.
pub(crate) fn agree_static(
    secret: &x25519_dalek::StaticSecret,
    header: &Header,
) -> Result<Zeroizing<Vec<u8>>, Error> {
    let epk = Jwk::from_epk(header, Curve::X25519)?;
    let Key::Okp(k) = epk.key() else {
        return Err(Error::malformed(
            "header \"epk\"",
            MalformedReason::Invalid("is not a key on the recipient's curve"),
        ));
    };
    let x: [u8; 32] = k.x().try_into().map_err(|_| {
        Error::malformed(
            "header \"epk\"",
            MalformedReason::Invalid("is not a key on the recipient's curve"),
        )
    })?;
    let shared = secret.diffie_hellman(&x25519_dalek::PublicKey::from(x));
    if !shared.was_contributory() {
        return Err(Error::malformed(
            "header \"epk\"",
            MalformedReason::Invalid("is a point of small order"),
        ));
    }
    Ok(Zeroizing::new(shared.as_bytes().to_vec()))
}

impl FromJwk for x25519_dalek::PublicKey {
    fn from_jwk(jwk: &Jwk) -> Result<Self, Error> {
        let k = okp_key(jwk, Curve::X25519)?;
        Ok(x25519_dalek::PublicKey::from(array32("x", k.x())?))
    }
}

impl FromJwk for x25519_dalek::StaticSecret {
    fn from_jwk(jwk: &Jwk) -> Result<Self, Error> {
        let k = okp_key(jwk, Curve::X25519)?;
        let d = Zeroizing::new(array32("d", k.d().ok_or_else(no_private)?.expose())?);
        let secret = x25519_dalek::StaticSecret::from(*d);
        let public = x25519_dalek::PublicKey::from(&secret);
        if !bool::from(public.as_bytes().ct_eq(k.x())) {
            return Err(Error::invalid_key("d", "does not match the public key"));
        }
        Ok(secret)
    }
}

impl ToJwk for x25519_dalek::PublicKey {
    fn to_jwk(&self) -> Result<Jwk, Error> {
        let key = OkpKey::new(Curve::X25519, self.as_bytes().to_vec(), None)?;
        Ok(Jwk::new(Key::Okp(key)))
    }
}

impl ToJwk for x25519_dalek::StaticSecret {
    fn to_jwk(&self) -> Result<Jwk, Error> {
        let d = Secret::from_slice(self.as_bytes());
        let x = x25519_dalek::PublicKey::from(self).as_bytes().to_vec();
        let key = OkpKey::new(Curve::X25519, x, Some(d))?;
        Ok(Jwk::new(Key::Okp(key)))
    }
}
