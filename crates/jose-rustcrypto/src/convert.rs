//! Conversion between [`Jwk`] and the RustCrypto key types, both ways.
//!
//! [`FromJwk`] builds a RustCrypto key from a JWK and checks what the JWK
//! model cannot: points on their curve, private halves that match their
//! public halves, RSA parameters that hold together. [`ToJwk`] goes back.

use alloc::vec::Vec;

use elliptic_curve::sec1::{FromSec1Point, ModulusSize, ToSec1Point};
use elliptic_curve::{AffinePoint, CurveArithmetic, FieldBytesSize};
use jose_core::{Curve, Error, Secret, Unsupported};
use jose_jwk::{EcKey, Jwk, Key, OkpKey, RsaKey, RsaPrimes};
use rsa::BoxedUint;
use rsa::traits::{PrivateKeyParts, PublicKeyParts};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

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

fn wrong_type() -> Error {
    Error::invalid_key("kty", "is not the key type asked for")
}

fn wrong_curve() -> Error {
    Error::invalid_key("crv", "is not the curve asked for")
}

fn no_private() -> Error {
    Error::invalid_key("d", "is missing: a private key is needed")
}

fn rsa_key(jwk: &Jwk) -> Result<&RsaKey, Error> {
    match jwk.key() {
        Key::Rsa(k) => Ok(k),
        _ => Err(wrong_type()),
    }
}

fn public_uint(bytes: &[u8]) -> BoxedUint {
    BoxedUint::from_be_slice_vartime(bytes)
}

fn secret_uint(member: &'static str, bytes: &[u8]) -> Result<BoxedUint, Error> {
    let bits = u32::try_from(bytes.len().saturating_mul(8))
        .map_err(|_| Error::invalid_key(member, "is too long"))?;
    BoxedUint::from_be_slice(bytes, bits).map_err(|_| Error::invalid_key(member, "is malformed"))
}

fn trimmed(u: &BoxedUint) -> Secret {
    Secret::new(Zeroizing::new(u.to_be_bytes_trimmed_vartime().into_vec()).to_vec())
}

impl FromJwk for rsa::PublicKey {
    fn from_jwk(jwk: &Jwk) -> Result<Self, Error> {
        let k = rsa_key(jwk)?;
        rsa::PublicKey::new_with_size_limits(public_uint(k.n()), public_uint(k.e()), 1024..=16384)
            .map_err(|_| Error::invalid_key("key", "is not a valid RSA public key"))
    }
}

impl FromJwk for rsa::PrivateKey {
    fn from_jwk(jwk: &Jwk) -> Result<Self, Error> {
        let k = rsa_key(jwk)?;
        let private = k.private().ok_or_else(no_private)?;
        let d = secret_uint("d", private.d().expose())?;
        let primes = match private.primes() {
            Some(p) => alloc::vec![
                secret_uint("p", p.p.expose())?,
                secret_uint("q", p.q.expose())?
            ],
            None => Vec::new(),
        };
        let key =
            rsa::PrivateKey::from_components(public_uint(k.n()), public_uint(k.e()), d, primes)
                .map_err(|_| Error::invalid_key("key", "is not a consistent RSA private key"))?;
        // from_components recomputes dp, dq and qi: the JWK's must agree.
        if let Some(p) = private.primes() {
            let check = |member: &'static str, given: &Secret, computed: Option<BoxedUint>| {
                let computed = computed.map(|c| trimmed(&c));
                match computed {
                    Some(c) if bool::from(c.expose().ct_eq(given.expose())) => Ok(()),
                    _ => Err(Error::invalid_key(
                        member,
                        "does not match the other RSA parameters",
                    )),
                }
            };
            check("dp", &p.dp, key.dp().cloned())?;
            check("dq", &p.dq, key.dq().cloned())?;
            check("qi", &p.qi, key.crt_coefficient())?;
        }
        Ok(key)
    }
}

impl ToJwk for rsa::PublicKey {
    fn to_jwk(&self) -> Result<Jwk, Error> {
        let key = RsaKey::new_public(self.n_bytes().into_vec(), self.e_bytes().into_vec())?;
        Ok(Jwk::new(Key::Rsa(key)))
    }
}

impl ToJwk for rsa::PrivateKey {
    fn to_jwk(&self) -> Result<Jwk, Error> {
        let [p, q] = self.primes() else {
            return Err(Error::Unsupported(Unsupported::MultiPrimeRsa));
        };
        let missing = || Error::invalid_key("key", "lacks its CRT parameters");
        let primes = RsaPrimes {
            p: trimmed(p),
            q: trimmed(q),
            dp: trimmed(self.dp().ok_or_else(missing)?),
            dq: trimmed(self.dq().ok_or_else(missing)?),
            qi: trimmed(&self.crt_coefficient().ok_or_else(missing)?),
        };
        let key = RsaKey::new_public(self.n_bytes().into_vec(), self.e_bytes().into_vec())?
            .with_private(trimmed(self.d()), Some(primes))?;
        Ok(Jwk::new(Key::Rsa(key)))
    }
}

/// A curve of the `elliptic-curve` family, tied to its JWK name.
pub trait JwkCurve: CurveArithmetic
where
    AffinePoint<Self>: FromSec1Point<Self> + ToSec1Point<Self>,
    FieldBytesSize<Self>: ModulusSize,
{
    /// The JWK curve.
    const CURVE: Curve;
}

impl JwkCurve for p256::NistP256 {
    const CURVE: Curve = Curve::P256;
}

impl JwkCurve for p384::NistP384 {
    const CURVE: Curve = Curve::P384;
}

impl JwkCurve for p521::NistP521 {
    const CURVE: Curve = Curve::P521;
}

impl JwkCurve for k256::Secp256k1 {
    const CURVE: Curve = Curve::Secp256k1;
}

fn ec_key<C: JwkCurve>(jwk: &Jwk) -> Result<&EcKey, Error>
where
    AffinePoint<C>: FromSec1Point<C> + ToSec1Point<C>,
    FieldBytesSize<C>: ModulusSize,
{
    match jwk.key() {
        Key::Ec(k) if k.crv() == C::CURVE => Ok(k),
        Key::Ec(_) => Err(wrong_curve()),
        _ => Err(wrong_type()),
    }
}

/// The public key of an EC JWK, checked to be on the curve.
pub(crate) fn ec_public<C: JwkCurve>(k: &EcKey) -> Result<elliptic_curve::PublicKey<C>, Error>
where
    AffinePoint<C>: FromSec1Point<C> + ToSec1Point<C>,
    FieldBytesSize<C>: ModulusSize,
{
    let mut point = Vec::with_capacity(1 + k.x().len() + k.y().len());
    point.push(0x04);
    point.extend_from_slice(k.x());
    point.extend_from_slice(k.y());
    elliptic_curve::PublicKey::<C>::from_sec1_bytes(&point)
        .map_err(|_| Error::invalid_key("key", "is not a point on the curve"))
}

fn ec_jwk<C: JwkCurve>(
    public: &elliptic_curve::PublicKey<C>,
    d: Option<Secret>,
) -> Result<Jwk, Error>
where
    AffinePoint<C>: FromSec1Point<C> + ToSec1Point<C>,
    FieldBytesSize<C>: ModulusSize,
{
    let point = public.to_sec1_point(false);
    let (Some(x), Some(y)) = (point.x(), point.y()) else {
        return Err(Error::invalid_key("key", "is the point at infinity"));
    };
    let key = EcKey::new(C::CURVE, x.to_vec(), y.to_vec(), d)?;
    Ok(Jwk::new(Key::Ec(key)))
}

impl<C: JwkCurve> FromJwk for elliptic_curve::PublicKey<C>
where
    AffinePoint<C>: FromSec1Point<C> + ToSec1Point<C>,
    FieldBytesSize<C>: ModulusSize,
{
    fn from_jwk(jwk: &Jwk) -> Result<Self, Error> {
        ec_public(ec_key::<C>(jwk)?)
    }
}

impl<C: JwkCurve> FromJwk for elliptic_curve::SecretKey<C>
where
    AffinePoint<C>: FromSec1Point<C> + ToSec1Point<C>,
    FieldBytesSize<C>: ModulusSize,
{
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
pub(crate) fn ec_secret<C: JwkCurve>(d: &[u8]) -> Result<elliptic_curve::SecretKey<C>, Error>
where
    AffinePoint<C>: FromSec1Point<C> + ToSec1Point<C>,
    FieldBytesSize<C>: ModulusSize,
{
    if d.len() != C::CURVE.coordinate_len() {
        return Err(Error::invalid_key(
            "d",
            "has the wrong length for the curve",
        ));
    }
    elliptic_curve::SecretKey::<C>::from_slice(d)
        .map_err(|_| Error::invalid_key("d", "is out of range for the curve"))
}

impl<C: JwkCurve> ToJwk for elliptic_curve::PublicKey<C>
where
    AffinePoint<C>: FromSec1Point<C> + ToSec1Point<C>,
    FieldBytesSize<C>: ModulusSize,
{
    fn to_jwk(&self) -> Result<Jwk, Error> {
        ec_jwk(self, None)
    }
}

impl<C: JwkCurve> ToJwk for elliptic_curve::SecretKey<C>
where
    AffinePoint<C>: FromSec1Point<C> + ToSec1Point<C>,
    FieldBytesSize<C>: ModulusSize,
{
    fn to_jwk(&self) -> Result<Jwk, Error> {
        let d = Secret::from_slice(&self.to_bytes());
        ec_jwk(&self.public_key(), Some(d))
    }
}

fn okp_key(jwk: &Jwk, crv: Curve) -> Result<&OkpKey, Error> {
    match jwk.key() {
        Key::Okp(k) if k.crv() == crv => Ok(k),
        Key::Okp(_) => Err(wrong_curve()),
        _ => Err(wrong_type()),
    }
}

fn array32(member: &'static str, bytes: &[u8]) -> Result<[u8; 32], Error> {
    bytes
        .try_into()
        .map_err(|_| Error::invalid_key(member, "has the wrong length for the curve"))
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
