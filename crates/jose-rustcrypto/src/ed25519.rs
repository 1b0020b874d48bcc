//! Ed25519: EdDSA and Ed25519 (RFC 8037 section 3.1, RFC 9864), key
//! generation.

use jose_core::{Curve, Error, Secret, SecureRandom};
use jose_jwk::{Jwk, Key, OkpKey};
use zeroize::Zeroizing;

use crate::convert::{FromJwk, ToJwk, array32, no_private, okp_key};

/// Verifies strictly (RFC 8032 section 5.1.7, no malleable signatures).
pub(crate) fn verify(
    key: &ed25519_dalek::VerifyingKey,
    input: &[u8],
    sig: &[u8],
) -> Result<(), Error> {
    let sig = ed25519_dalek::Signature::from_slice(sig).map_err(|_| Error::BadSignature)?;
    key.verify_strict(input, &sig)
        .map_err(|_| Error::BadSignature)
}

/// A fresh private key from 32 random bytes.
pub(crate) fn generate(random: &dyn SecureRandom) -> Result<Jwk, Error> {
    secret_key(random)?.to_jwk()
}

fn secret_key(random: &dyn SecureRandom) -> Result<ed25519_dalek::SigningKey, Error> {
    let mut seed = Zeroizing::new([0u8; 32]);
    random.fill(&mut *seed)?;
    Ok(ed25519_dalek::SigningKey::from_bytes(&seed))
}

/// The public JWK of the private key `d`.
pub(crate) fn public_from_private(d: &[u8]) -> Result<Jwk, Error> {
    let d: Zeroizing<[u8; 32]> = Zeroizing::new(
        d.try_into()
            .map_err(|_| Error::invalid_key("d", "has the wrong length for the curve"))?,
    );
    ed25519_dalek::SigningKey::from_bytes(&d)
        .verifying_key()
        .to_jwk()
}

impl FromJwk for ed25519_dalek::VerifyingKey {
    fn from_jwk(jwk: &Jwk) -> Result<Self, Error> {
        let k = okp_key(jwk, Curve::Ed25519)?;
        let x = array32("x", k.x())?;
        if !ed25519_is_canonical(&x) {
            return Err(Error::invalid_key(
                "x",
                "is not a canonical Ed25519 encoding",
            ));
        }
        let key = ed25519_dalek::VerifyingKey::from_bytes(&x)
            .map_err(|_| Error::invalid_key("x", "is not a point on Ed25519"))?;
        if key.is_weak() {
            return Err(Error::invalid_key("x", "is a point of small order"));
        }
        Ok(key)
    }
}

impl FromJwk for ed25519_dalek::SigningKey {
    fn from_jwk(jwk: &Jwk) -> Result<Self, Error> {
        let k = okp_key(jwk, Curve::Ed25519)?;
        let d = Zeroizing::new(array32("d", k.d().ok_or_else(no_private)?.expose())?);
        let key = ed25519_dalek::SigningKey::from_bytes(&d);
        let public = ed25519_dalek::VerifyingKey::from_jwk(jwk)?;
        if key.verifying_key() != public {
            return Err(Error::invalid_key("d", "does not match the public key"));
        }
        Ok(key)
    }
}

/// Whether an Ed25519 point encoding has y < p = 2^255 - 19 (RFC 8032
/// section 5.1.3): the little-endian y, sign bit masked, must be below p.
/// `ed25519-dalek` accepts y >= p, which would give one key several
/// encodings and several thumbprints.
fn ed25519_is_canonical(x: &[u8; 32]) -> bool {
    let [low, middle @ .., high] = x;
    let y_is_large = *high & 0x7f == 0x7f && middle.iter().all(|b| *b == 0xff) && *low >= 0xed;
    !y_is_large
}

impl ToJwk for ed25519_dalek::VerifyingKey {
    fn to_jwk(&self) -> Result<Jwk, Error> {
        let key = OkpKey::new(Curve::Ed25519, self.to_bytes().to_vec(), None)?;
        Ok(Jwk::new(Key::Okp(key)))
    }
}

impl ToJwk for ed25519_dalek::SigningKey {
    fn to_jwk(&self) -> Result<Jwk, Error> {
        let d = Secret::from_slice(self.as_bytes());
        let key = OkpKey::new(
            Curve::Ed25519,
            self.verifying_key().to_bytes().to_vec(),
            Some(d),
        )?;
        Ok(Jwk::new(Key::Okp(key)))
    }
}
