//! Elliptic curves of the `elliptic-curve` family (P-256, P-384, P-521,
//! secp256k1): key generation and ECDH-ES on the NIST curves (RFC 7518
//! section 4.6), generic over the curve. ECDSA itself is the generic
//! signing in `sign.rs`.

use alloc::vec::Vec;

use elliptic_curve::sec1::{FromSec1Point, ModulusSize, ToSec1Point};
use elliptic_curve::{CurveArithmetic, PublicKey, SecretKey};
#[cfg(nist_ecdh)]
use jose_core::Header;
#[cfg(nist_ecdh)]
use jose_core::json::Object;
use jose_core::{Curve, Error, Secret, SecureRandom};
use jose_jwk::{EcKey, Jwk, Key};
#[cfg(nist_ecdh)]
use zeroize::Zeroizing;

use crate::convert::{FromJwk, ToJwk, no_private, wrong_curve, wrong_type};

/// A fresh private key on `C` from `random`. A random string of the field
/// length is a valid scalar with overwhelming probability; the rare miss
/// (zero, or not below the group order) is drawn again.
pub(crate) fn random_secret<C: JwkCurve>(random: &dyn SecureRandom) -> Result<SecretKey<C>, Error> {
    let len = C::CURVE.coordinate_len();
    for _ in 0..64 {
        let mut d = crate::random::bytes(random, len)?;
        if C::CURVE == Curve::P521 {
            // P-521 scalars have 521 bits: clear the top 7 of 528.
            if let Some(b) = d.first_mut() {
                *b &= 0x01;
            }
        }
        match ec_secret::<C>(&d) {
            Ok(secret) => return Ok(secret),
            Err(Error::InvalidKey(_)) => {}
            Err(e) => return Err(e),
        }
    }
    Err(Error::ApiMisuse("could not generate a valid private key"))
}

/// A fresh private key on `C` as a JWK.
pub(crate) fn generate<C: JwkCurve>(random: &dyn SecureRandom) -> Result<Jwk, Error> {
    random_secret::<C>(random)?.to_jwk()
}

/// The public JWK of the private scalar `d` on `C`.
pub(crate) fn public_from_private<C: JwkCurve>(d: &[u8]) -> Result<Jwk, Error> {
    ec_secret::<C>(d)?.public_key().to_jwk()
}

/// ECDH-ES, sending side: a fresh ephemeral key agreed with `recipient`,
/// giving Z and the `epk` header member.
#[cfg(nist_ecdh)]
pub(crate) fn agree_ephemeral<C: JwkCurve>(
    recipient: &PublicKey<C>,
    random: &dyn SecureRandom,
) -> Result<(Zeroizing<Vec<u8>>, Object), Error> {
    let ephemeral = random_secret::<C>(random)?;
    let z =
        elliptic_curve::ecdh::diffie_hellman(ephemeral.to_nonzero_scalar(), recipient.as_affine());
    let epk = crate::jwe::epk(&ephemeral.public_key().to_jwk()?)?;
    Ok((Zeroizing::new(z.raw_secret_bytes().to_vec()), epk))
}

/// ECDH-ES, receiving side: Z from the sender's `epk` and our key. The
/// `epk` must be a public key on our curve and a point on it (no
/// invalid-curve attack gets through).
#[cfg(nist_ecdh)]
pub(crate) fn agree_static<C: JwkCurve>(
    secret: &SecretKey<C>,
    header: &Header,
) -> Result<Zeroizing<Vec<u8>>, Error> {
    let epk = PublicKey::<C>::from_jwk(&Jwk::from_epk(header, C::CURVE)?)?;
    let z = elliptic_curve::ecdh::diffie_hellman(secret.to_nonzero_scalar(), epk.as_affine());
    Ok(Zeroizing::new(z.raw_secret_bytes().to_vec()))
}

/// A curve of the `elliptic-curve` family, tied to its JWK name. The
/// bounds on its associated types are implied wherever `C: JwkCurve` is.
pub trait JwkCurve:
    CurveArithmetic<AffinePoint: FromSec1Point<Self> + ToSec1Point<Self>>
    + elliptic_curve::Curve<FieldBytesSize: ModulusSize>
{
    /// The JWK curve.
    const CURVE: Curve;
}

#[cfg(feature = "p256")]
impl JwkCurve for p256::NistP256 {
    const CURVE: Curve = Curve::P256;
}

#[cfg(feature = "p384")]
impl JwkCurve for p384::NistP384 {
    const CURVE: Curve = Curve::P384;
}

#[cfg(feature = "p521")]
impl JwkCurve for p521::NistP521 {
    const CURVE: Curve = Curve::P521;
}

#[cfg(feature = "k256")]
impl JwkCurve for k256::Secp256k1 {
    const CURVE: Curve = Curve::Secp256k1;
}

fn ec_key<C: JwkCurve>(jwk: &Jwk) -> Result<&EcKey, Error> {
    match jwk.key() {
        Key::Ec(k) if k.crv() == C::CURVE => Ok(k),
        Key::Ec(_) => Err(wrong_curve()),
        _ => Err(wrong_type()),
    }
}

/// The public key of an EC JWK, checked to be on the curve.
pub(crate) fn ec_public<C: JwkCurve>(k: &EcKey) -> Result<PublicKey<C>, Error> {
    let mut point = Vec::with_capacity(1 + k.x().len() + k.y().len());
    point.push(0x04);
    point.extend_from_slice(k.x());
    point.extend_from_slice(k.y());
    PublicKey::<C>::from_sec1_bytes(&point)
        .map_err(|_| Error::invalid_key("key", "is not a point on the curve"))
}

fn ec_jwk<C: JwkCurve>(public: &PublicKey<C>, d: Option<Secret>) -> Result<Jwk, Error> {
    let point = public.to_sec1_point(false);
    let (Some(x), Some(y)) = (point.x(), point.y()) else {
        return Err(Error::invalid_key("key", "is the point at infinity"));
    };
    let key = EcKey::new(C::CURVE, x.to_vec(), y.to_vec(), d)?;
    Ok(Jwk::new(Key::Ec(key)))
}

impl<C: JwkCurve> FromJwk for PublicKey<C> {
    fn from_jwk(jwk: &Jwk) -> Result<Self, Error> {
        ec_public(ec_key::<C>(jwk)?)
    }
}

impl<C: JwkCurve> FromJwk for SecretKey<C> {
    fn from_jwk(jwk: &Jwk) -> Result<Self, Error> {
        let k = ec_key::<C>(jwk)?;
        let d = k.d().ok_or_else(no_private)?;
        let secret = ec_secret::<C>(d.expose())?;
        if secret.public_key() != ec_public::<C>(k)? {
            return Err(Error::invalid_key("d", "does not match the public key"));
        }
        Ok(secret)
    }
}

/// An EC private scalar of exactly the field length, in range.
pub(crate) fn ec_secret<C: JwkCurve>(d: &[u8]) -> Result<SecretKey<C>, Error> {
    if d.len() != C::CURVE.coordinate_len() {
        return Err(Error::invalid_key(
            "d",
            "has the wrong length for the curve",
        ));
    }
    SecretKey::<C>::from_slice(d)
        .map_err(|_| Error::invalid_key("d", "is out of range for the curve"))
}

impl<C: JwkCurve> ToJwk for PublicKey<C> {
    fn to_jwk(&self) -> Result<Jwk, Error> {
        ec_jwk(self, None)
    }
}

impl<C: JwkCurve> ToJwk for SecretKey<C> {
    fn to_jwk(&self) -> Result<Jwk, Error> {
        let d = Secret::from_slice(&self.to_bytes());
        ec_jwk(&self.public_key(), Some(d))
    }
}
