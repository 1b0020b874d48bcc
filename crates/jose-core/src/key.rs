//! What a key is made of ([`KeyShape`]) and what each algorithm needs of it
//! ([`KeyRequirement`]).
//!
//! The rows of the table are [`JwsAlgorithm::requirement`],
//! [`KeyManagementAlgorithm::requirement`] and [`Algorithm::requirement`]:
//! one exhaustive `match` per algorithm family, so that a new algorithm does
//! not compile until it says which keys serve it. JWK checks, backends, key
//! generation and the CLI all read this table; none keeps a list of its own.
//!
//! ```
//! use jose_core::{Curve, JwsAlgorithm, KeyManagementAlgorithm, KeyShape};
//!
//! let p256 = KeyShape::Curve(Curve::P256);
//! assert_eq!(JwsAlgorithm::fitting(p256).collect::<Vec<_>>(), [JwsAlgorithm::Es256]);
//! assert!(KeyManagementAlgorithm::EcdhEs.requirement().accepts(p256));
//!
//! let secret = KeyShape::Oct { len: 48 };
//! assert_eq!(
//!     JwsAlgorithm::fitting(secret).collect::<Vec<_>>(),
//!     [JwsAlgorithm::Hs256, JwsAlgorithm::Hs384]
//! );
//! ```
//!
//! [`JwsAlgorithm::requirement`]: crate::JwsAlgorithm::requirement
//! [`KeyManagementAlgorithm::requirement`]: crate::KeyManagementAlgorithm::requirement
//! [`Algorithm::requirement`]: crate::Algorithm::requirement

use crate::alg::{ContentEncryptionAlgorithm, Curve, KeyType};
use crate::error::Error;

/// The shape of a key: its type and size or curve, nothing secret. A JWK
/// has one (`Jwk::shape`), a key on a token has one, and key generation is
/// asked for one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyShape {
    /// An RSA key with a modulus of `bits` bits.
    Rsa {
        /// The modulus size in bits.
        bits: usize,
    },
    /// An EC or OKP key on a curve.
    Curve(Curve),
    /// A symmetric key of `len` bytes.
    Oct {
        /// The key length in bytes.
        len: usize,
    },
}

impl KeyShape {
    /// The JWK key type of this shape.
    pub const fn key_type(self) -> KeyType {
        match self {
            Self::Rsa { .. } => KeyType::Rsa,
            Self::Curve(crv) => crv.key_type(),
            Self::Oct { .. } => KeyType::Oct,
        }
    }
}

/// What kind of key an algorithm needs. See the [module](self) docs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyRequirement {
    /// An RSA key (RFC 7518 sections 3.3, 3.5, 4.2 and 4.3). The minimum
    /// size is a limit of JWK parsing (`JwkOptions`), not of the table.
    Rsa,
    /// An EC or OKP key on one of these curves; the first is the one key
    /// generation picks when asked for none.
    Curve(&'static [Curve]),
    /// A symmetric key of exactly this many bytes: AES key wrap and AES-GCM
    /// key wrap (RFC 7518 sections 4.4 and 4.7), or a CEK named by its
    /// content encryption algorithm (RFC 7520 section 3.6).
    OctExact(usize),
    /// A symmetric key of at least this many bytes: HMAC, whose key must be
    /// as long as the hash output (RFC 7518 section 3.2).
    OctAtLeast(usize),
    /// A symmetric key as long as the CEK of some content encryption
    /// algorithm: `dir` (RFC 7518 section 4.5).
    Cek,
    /// A password of any length: PBES2 (RFC 7518 section 4.8).
    Password,
}

impl KeyRequirement {
    /// Whether the key is a secret that both ends hold (a symmetric key or
    /// a password), rather than a key pair. A message made with a shared
    /// key came from a holder of the secret; one encrypted to a public key
    /// may come from anyone.
    pub const fn is_shared_secret(self) -> bool {
        match self {
            Self::OctExact(_) | Self::OctAtLeast(_) | Self::Cek | Self::Password => true,
            Self::Rsa | Self::Curve(_) => false,
        }
    }

    /// Whether a key of `shape` fits.
    pub fn accepts(self, shape: KeyShape) -> bool {
        self.check(shape).is_ok()
    }

    /// Checks that a key of `shape` fits, naming the JWK member that does
    /// not.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidKey`] about `kty`, `crv` or `k`.
    pub fn check(self, shape: KeyShape) -> Result<(), Error> {
        let wrong_type = || Error::invalid_key("kty", "does not fit the algorithm");
        match (self, shape) {
            (Self::Rsa, KeyShape::Rsa { .. }) => Ok(()),
            (Self::Curve(curves), KeyShape::Curve(crv)) => {
                if curves.contains(&crv) {
                    Ok(())
                } else if curves.iter().any(|c| c.key_type() == crv.key_type()) {
                    Err(Error::invalid_key("crv", "does not fit the algorithm"))
                } else {
                    Err(wrong_type())
                }
            }
            (Self::OctExact(want), KeyShape::Oct { len }) if len != want => Err(
                Error::invalid_key("k", "has the wrong length for the algorithm"),
            ),
            (Self::OctAtLeast(min), KeyShape::Oct { len }) if len < min => Err(Error::invalid_key(
                "k",
                "is shorter than the hash output (RFC 7518 section 3.2)",
            )),
            (Self::Cek, KeyShape::Oct { len })
                if !ContentEncryptionAlgorithm::ALL
                    .iter()
                    .any(|e| e.key_len() == len) =>
            {
                Err(Error::invalid_key(
                    "k",
                    "has a length that fits no content encryption algorithm",
                ))
            }
            (
                Self::OctExact(_) | Self::OctAtLeast(_) | Self::Cek | Self::Password,
                KeyShape::Oct { len: 0 },
            ) => Err(Error::invalid_key("k", "is empty")),
            (
                Self::OctExact(_) | Self::OctAtLeast(_) | Self::Cek | Self::Password,
                KeyShape::Oct { .. },
            ) => Ok(()),
            (Self::OctExact(_) | Self::OctAtLeast(_) | Self::Cek | Self::Password, _)
            | (Self::Rsa | Self::Curve(_), _) => Err(wrong_type()),
        }
    }
}

#[cfg(test)]
mod tests {
    use alloc::vec::Vec;

    use super::*;
    use crate::alg::{Algorithm, JwsAlgorithm, KeyManagementAlgorithm};

    fn jws(shape: KeyShape) -> Vec<JwsAlgorithm> {
        JwsAlgorithm::fitting(shape).collect()
    }

    fn jwe(shape: KeyShape) -> Vec<KeyManagementAlgorithm> {
        KeyManagementAlgorithm::fitting(shape).collect()
    }

    #[test]
    fn signature_keys() {
        use JwsAlgorithm as A;
        assert_eq!(
            jws(KeyShape::Rsa { bits: 2048 }),
            [A::Rs256, A::Rs384, A::Rs512, A::Ps256, A::Ps384, A::Ps512]
        );
        assert_eq!(jws(KeyShape::Curve(Curve::P521)), [A::Es512]);
        assert_eq!(jws(KeyShape::Curve(Curve::Secp256k1)), [A::Es256K]);
        assert_eq!(jws(KeyShape::Curve(Curve::Ed25519)), [A::EdDsa, A::Ed25519]);
        assert_eq!(jws(KeyShape::Curve(Curve::X25519)), []);
        assert_eq!(jws(KeyShape::Oct { len: 31 }), []);
        assert_eq!(
            jws(KeyShape::Oct { len: 64 }),
            [A::Hs256, A::Hs384, A::Hs512]
        );
    }

    #[test]
    fn encryption_keys() {
        use KeyManagementAlgorithm as K;
        assert_eq!(
            jwe(KeyShape::Curve(Curve::X25519)),
            [K::EcdhEs, K::EcdhEsA128Kw, K::EcdhEsA192Kw, K::EcdhEsA256Kw]
        );
        assert_eq!(jwe(KeyShape::Curve(Curve::Secp256k1)), []);
        assert_eq!(jwe(KeyShape::Curve(Curve::Ed25519)), []);
        assert_eq!(
            jwe(KeyShape::Oct { len: 16 }),
            [
                K::A128Kw,
                K::Dir,
                K::A128GcmKw,
                K::Pbes2Hs256A128Kw,
                K::Pbes2Hs384A192Kw,
                K::Pbes2Hs512A256Kw
            ]
        );
        assert_eq!(
            jwe(KeyShape::Oct { len: 7 }),
            [
                K::Pbes2Hs256A128Kw,
                K::Pbes2Hs384A192Kw,
                K::Pbes2Hs512A256Kw
            ]
        );
        assert_eq!(jwe(KeyShape::Rsa { bits: 2048 }).len(), 5);
    }

    #[test]
    fn mismatches_name_the_member() {
        let err = |alg: Algorithm, shape| match alg.requirement().check(shape) {
            Err(Error::InvalidKey(k)) => k.member,
            other => panic!("{alg}: {other:?}"),
        };
        assert_eq!(
            err(JwsAlgorithm::Es256.into(), KeyShape::Rsa { bits: 2048 }),
            "kty"
        );
        assert_eq!(
            err(JwsAlgorithm::Es256.into(), KeyShape::Curve(Curve::P384)),
            "crv"
        );
        assert_eq!(
            err(JwsAlgorithm::EdDsa.into(), KeyShape::Curve(Curve::P256)),
            "kty"
        );
        assert_eq!(
            err(JwsAlgorithm::Hs512.into(), KeyShape::Oct { len: 32 }),
            "k"
        );
        assert_eq!(
            err(
                KeyManagementAlgorithm::A128Kw.into(),
                KeyShape::Oct { len: 32 }
            ),
            "k"
        );
        assert_eq!(
            err(
                KeyManagementAlgorithm::Dir.into(),
                KeyShape::Oct { len: 20 }
            ),
            "k"
        );
        assert_eq!(
            err(
                ContentEncryptionAlgorithm::A256Gcm.into(),
                KeyShape::Oct { len: 16 }
            ),
            "k"
        );
        assert_eq!(
            err(
                KeyManagementAlgorithm::Pbes2Hs256A128Kw.into(),
                KeyShape::Oct { len: 0 }
            ),
            "k"
        );
    }
}
