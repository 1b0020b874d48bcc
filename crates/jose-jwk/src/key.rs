//! Key material of the four key types: RSA, EC, OKP and oct.
//!
//! Every constructor checks sizes; checks that need arithmetic (a point on
//! its curve, private and public halves that match) are the backend's
//! (`KeyProvider::check`). Private members are [`Secret`]s: zeroized on drop,
//! compared in constant time, never printed.

use alloc::vec::Vec;
use core::fmt;

use jose_core::{Curve, Error, KeyShape, KeyType, Secret, Unsupported};

/// The key material of a JWK, by key type.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Key {
    /// `kty: "RSA"` (RFC 7518 section 6.3).
    Rsa(RsaKey),
    /// `kty: "EC"` (RFC 7518 section 6.2).
    Ec(EcKey),
    /// `kty: "OKP"` (RFC 8037 section 2).
    Okp(OkpKey),
    /// `kty: "oct"` (RFC 7518 section 6.4).
    Oct(OctKey),
}

impl Key {
    /// The key type.
    pub fn key_type(&self) -> KeyType {
        match self {
            Self::Rsa(_) => KeyType::Rsa,
            Self::Ec(_) => KeyType::Ec,
            Self::Okp(_) => KeyType::Okp,
            Self::Oct(_) => KeyType::Oct,
        }
    }

    /// The shape of the key: type and size or curve.
    pub fn shape(&self) -> KeyShape {
        match self {
            Self::Rsa(k) => KeyShape::Rsa { bits: k.bits() },
            Self::Ec(k) => KeyShape::Curve(k.crv),
            Self::Okp(k) => KeyShape::Curve(k.crv),
            Self::Oct(k) => KeyShape::Oct { len: k.k.len() },
        }
    }

    /// Whether the material has private (or secret) parts.
    pub fn is_private(&self) -> bool {
        match self {
            Self::Rsa(k) => k.private.is_some(),
            Self::Ec(k) => k.d.is_some(),
            Self::Okp(k) => k.d.is_some(),
            Self::Oct(_) => true,
        }
    }

    /// The curve, for EC and OKP keys.
    pub fn curve(&self) -> Option<Curve> {
        match self {
            Self::Ec(k) => Some(k.crv),
            Self::Okp(k) => Some(k.crv),
            Self::Rsa(_) | Self::Oct(_) => None,
        }
    }

    /// The public part, or `None` for a symmetric key.
    pub fn to_public(&self) -> Option<Self> {
        match self {
            Self::Rsa(k) => Some(Self::Rsa(RsaKey {
                n: k.n.clone(),
                e: k.e.clone(),
                private: None,
            })),
            Self::Ec(k) => Some(Self::Ec(EcKey {
                crv: k.crv,
                x: k.x.clone(),
                y: k.y.clone(),
                d: None,
            })),
            Self::Okp(k) => Some(Self::Okp(OkpKey {
                crv: k.crv,
                x: k.x.clone(),
                d: None,
            })),
            Self::Oct(_) => None,
        }
    }
}

/// An RSA key: modulus, public exponent and optional private parts.
#[derive(Clone, PartialEq, Eq)]
pub struct RsaKey {
    n: Vec<u8>,
    e: Vec<u8>,
    private: Option<RsaPrivate>,
}

/// The private parts of an RSA key.
#[derive(Clone, PartialEq, Eq)]
pub struct RsaPrivate {
    d: Secret,
    primes: Option<RsaPrimes>,
}

/// The CRT parameters of a two-prime RSA key (RFC 7518 section 6.3.2.2-6).
#[derive(Clone, PartialEq, Eq)]
pub struct RsaPrimes {
    /// `p`: first prime factor.
    pub p: Secret,
    /// `q`: second prime factor.
    pub q: Secret,
    /// `dp`: first factor CRT exponent.
    pub dp: Secret,
    /// `dq`: second factor CRT exponent.
    pub dq: Secret,
    /// `qi`: first CRT coefficient.
    pub qi: Secret,
}

/// Checks an unsigned big-endian integer member: non-empty, minimal length.
fn check_uint(member: &'static str, bytes: &[u8]) -> Result<(), Error> {
    match bytes.first() {
        None => Err(Error::invalid_key(member, "is empty")),
        Some(0) if bytes.len() > 1 => Err(Error::invalid_key(
            member,
            "has leading zero octets (RFC 7518 section 6.3 requires the minimum length)",
        )),
        Some(0) => Err(Error::invalid_key(member, "is zero")),
        Some(_) => Ok(()),
    }
}

impl RsaKey {
    /// A public key from modulus `n` and exponent `e`, both unsigned
    /// big-endian without leading zeros.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidKey`] for an empty, zero or non-minimal member, an
    /// even modulus, an exponent longer than 8 bytes or below 3, or a
    /// modulus with the ROCA fingerprint (CVE-2017-15361: made by a flawed
    /// Infineon generator, and factorable), or a modulus shorter than
    /// 2048 bits (RFC 7518 sections 3.3 and 4.2), as in JWK parsing; see
    /// [`RsaKey::new_public_with_min_bits`] to accept a legacy key.
    pub fn new_public(n: Vec<u8>, e: Vec<u8>) -> Result<Self, Error> {
        Self::new_public_with_min_bits(n, e, crate::jwk::JwkOptions::default().min_rsa_bits)
    }

    /// As [`RsaKey::new_public`], with the smallest modulus accepted
    /// chosen by the caller (`JwkOptions::min_rsa_bits` when parsing).
    ///
    /// # Errors
    ///
    /// As [`RsaKey::new_public`], with `min_bits` for the size.
    pub fn new_public_with_min_bits(
        n: Vec<u8>,
        e: Vec<u8>,
        min_bits: usize,
    ) -> Result<Self, Error> {
        check_uint("n", &n)?;
        check_uint("e", &e)?;
        if n.last().is_some_and(|b| b & 1 == 0) {
            return Err(Error::invalid_key("n", "is even"));
        }
        if e.len() > 8 || (e.len() == 1 && e.first().is_some_and(|b| *b < 3)) {
            return Err(Error::invalid_key("e", "is out of range"));
        }
        let lead = n.first().map_or(0, |b| 8 - b.leading_zeros() as usize);
        if n.len().saturating_sub(1) * 8 + lead < min_bits {
            return Err(Error::invalid_key(
                "n",
                "is shorter than the minimum RSA key size",
            ));
        }
        if crate::roca::has_fingerprint(&n) {
            return Err(Error::invalid_key(
                "n",
                "has the ROCA fingerprint (CVE-2017-15361): it can be factored",
            ));
        }
        Ok(Self {
            n,
            e,
            private: None,
        })
    }

    /// Adds the private exponent and, optionally, the CRT parameters.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidKey`] for an empty private member.
    pub fn with_private(mut self, d: Secret, primes: Option<RsaPrimes>) -> Result<Self, Error> {
        if d.is_empty() {
            return Err(Error::invalid_key("d", "is empty"));
        }
        if let Some(p) = &primes {
            for (name, v) in [
                ("p", &p.p),
                ("q", &p.q),
                ("dp", &p.dp),
                ("dq", &p.dq),
                ("qi", &p.qi),
            ] {
                if v.is_empty() {
                    return Err(Error::invalid_key(name, "is empty"));
                }
            }
        }
        self.private = Some(RsaPrivate { d, primes });
        Ok(self)
    }

    /// The modulus, unsigned big-endian.
    pub fn n(&self) -> &[u8] {
        &self.n
    }

    /// The public exponent, unsigned big-endian.
    pub fn e(&self) -> &[u8] {
        &self.e
    }

    /// The private parts, if any.
    pub fn private(&self) -> Option<&RsaPrivate> {
        self.private.as_ref()
    }

    /// The modulus size in bits.
    pub fn bits(&self) -> usize {
        let lead = self.n.first().map_or(0, |b| 8 - b.leading_zeros() as usize);
        self.n.len().saturating_sub(1) * 8 + lead
    }
}

impl RsaPrivate {
    /// The private exponent `d`.
    pub fn d(&self) -> &Secret {
        &self.d
    }

    /// The CRT parameters, if present.
    pub fn primes(&self) -> Option<&RsaPrimes> {
        self.primes.as_ref()
    }
}

impl fmt::Debug for RsaKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RsaKey")
            .field("bits", &self.bits())
            .field("private", &self.private.is_some())
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for RsaPrivate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RsaPrivate(***)")
    }
}

impl fmt::Debug for RsaPrimes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RsaPrimes(***)")
    }
}

/// An elliptic-curve key on P-256, P-384, P-521 or secp256k1.
#[derive(Clone, PartialEq, Eq)]
pub struct EcKey {
    crv: Curve,
    x: Vec<u8>,
    y: Vec<u8>,
    d: Option<Secret>,
}

impl EcKey {
    /// A key from its curve, affine coordinates and optional private scalar,
    /// each exactly the curve's coordinate length (RFC 7518 section 6.2.1.2,
    /// 6.2.1.3, 6.2.2.1). Whether the point is on the curve is checked by the
    /// backend.
    ///
    /// # Errors
    ///
    /// [`Unsupported::Curve`] for an OKP curve; [`Error::InvalidKey`] for a
    /// member of the wrong length.
    pub fn new(crv: Curve, x: Vec<u8>, y: Vec<u8>, d: Option<Secret>) -> Result<Self, Error> {
        if crv.key_type() != KeyType::Ec {
            return Err(Error::Unsupported(Unsupported::Curve(crv.name().into())));
        }
        let len = crv.coordinate_len();
        if x.len() != len {
            return Err(Error::invalid_key(
                "x",
                "has the wrong length for the curve",
            ));
        }
        if y.len() != len {
            return Err(Error::invalid_key(
                "y",
                "has the wrong length for the curve",
            ));
        }
        if d.as_ref().is_some_and(|d| d.len() != len) {
            return Err(Error::invalid_key(
                "d",
                "has the wrong length for the curve",
            ));
        }
        Ok(Self { crv, x, y, d })
    }

    /// The curve.
    pub fn crv(&self) -> Curve {
        self.crv
    }

    /// The x coordinate, big-endian, full length.
    pub fn x(&self) -> &[u8] {
        &self.x
    }

    /// The y coordinate, big-endian, full length.
    pub fn y(&self) -> &[u8] {
        &self.y
    }

    /// The private scalar, big-endian, full length.
    pub fn d(&self) -> Option<&Secret> {
        self.d.as_ref()
    }
}

impl fmt::Debug for EcKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EcKey")
            .field("crv", &self.crv)
            .field("private", &self.d.is_some())
            .finish_non_exhaustive()
    }
}

/// An octet key pair: Ed25519 or X25519 (RFC 8037).
#[derive(Clone, PartialEq, Eq)]
pub struct OkpKey {
    crv: Curve,
    x: Vec<u8>,
    d: Option<Secret>,
}

impl OkpKey {
    /// A key from its curve, public key and optional private key, each 32
    /// bytes for Ed25519 and X25519.
    ///
    /// # Errors
    ///
    /// [`Unsupported::Curve`] for an EC curve; [`Error::InvalidKey`] for a
    /// member of the wrong length.
    pub fn new(crv: Curve, x: Vec<u8>, d: Option<Secret>) -> Result<Self, Error> {
        if crv.key_type() != KeyType::Okp {
            return Err(Error::Unsupported(Unsupported::Curve(crv.name().into())));
        }
        let len = crv.coordinate_len();
        if x.len() != len {
            return Err(Error::invalid_key(
                "x",
                "has the wrong length for the curve",
            ));
        }
        if d.as_ref().is_some_and(|d| d.len() != len) {
            return Err(Error::invalid_key(
                "d",
                "has the wrong length for the curve",
            ));
        }
        Ok(Self { crv, x, d })
    }

    /// The curve.
    pub fn crv(&self) -> Curve {
        self.crv
    }

    /// The public key.
    pub fn x(&self) -> &[u8] {
        &self.x
    }

    /// The private key.
    pub fn d(&self) -> Option<&Secret> {
        self.d.as_ref()
    }
}

impl fmt::Debug for OkpKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OkpKey")
            .field("crv", &self.crv)
            .field("private", &self.d.is_some())
            .finish_non_exhaustive()
    }
}

/// A symmetric key (`kty: "oct"`).
#[derive(Clone, PartialEq, Eq)]
pub struct OctKey {
    k: Secret,
}

impl OctKey {
    /// A key from its bytes. Empty keys are refused; whether the length fits
    /// an algorithm is checked against the JWK's `alg`, or when the key is
    /// used.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidKey`] for an empty key.
    pub fn new(k: Secret) -> Result<Self, Error> {
        if k.is_empty() {
            return Err(Error::invalid_key("k", "is empty"));
        }
        Ok(Self { k })
    }

    /// The key bytes.
    pub fn k(&self) -> &Secret {
        &self.k
    }
}

impl fmt::Debug for OctKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OctKey")
            .field("len", &self.k.len())
            .finish_non_exhaustive()
    }
}
