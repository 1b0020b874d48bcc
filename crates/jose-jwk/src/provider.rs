//! What a backend provides: building ready keys from JWKs, generating and
//! checking keys, hashing and randomness, gathered in a [`Provider`] value.
//!
//! The provider is a plain struct of `&'static dyn` pieces, in the spirit of
//! rustls' `CryptoProvider`: a backend exports one as a constant, and a user
//! can replace one piece with struct-update syntax. There is no
//! process-global provider.
//!
//! [`KeyProvider`] lives here rather than in `jose-core` because it speaks
//! [`Jwk`], which `jose-core` cannot name.

use alloc::string::ToString;
use alloc::sync::Arc;
use core::fmt::Debug;

use jose_core::{
    Algorithm, ContentEncryptionAlgorithm, Curve, DecryptingKey, EncryptingKey, Error, Hasher,
    JwsAlgorithm, KeyManagementAlgorithm, KeyType, SecureRandom, SigningKey, Unsupported,
    VerifyingKey,
};

use crate::jwk::Jwk;

/// The shape of a key to generate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeySpec {
    /// An RSA key with a modulus of `bits` bits.
    Rsa {
        /// The modulus size.
        bits: usize,
    },
    /// An EC or OKP key on `Curve`.
    Curve(Curve),
    /// A symmetric key of `len` bytes.
    Oct {
        /// The key length in bytes.
        len: usize,
    },
}

impl KeySpec {
    /// The key shape an algorithm needs: RSA 2048 bits (or `rsa_bits`), the
    /// curve of ES256/384/512/256K, Ed25519 for EdDSA, P-256 for ECDH-ES
    /// (or `curve`), and a symmetric key of the right length for HMAC, AES
    /// key wrap, PBES2 (32 random bytes) and `dir` (the length of `enc`).
    ///
    /// # Errors
    ///
    /// [`Error::ApiMisuse`] for `dir` without `enc`, or a `curve` that does
    /// not fit the algorithm.
    pub fn for_algorithm(
        alg: Algorithm,
        enc: Option<ContentEncryptionAlgorithm>,
        rsa_bits: Option<usize>,
        curve: Option<Curve>,
    ) -> Result<Self, Error> {
        let bits = rsa_bits.unwrap_or(2048);
        Ok(match alg {
            Algorithm::Signature(a) => match a.key_type() {
                KeyType::Rsa => Self::Rsa { bits },
                KeyType::Oct => Self::Oct { len: a.hash_len() },
                KeyType::Ec | KeyType::Okp => {
                    let required = a
                        .curve()
                        .ok_or(Error::ApiMisuse("algorithm has no curve"))?;
                    if curve.is_some_and(|c| c != required) {
                        return Err(Error::ApiMisuse("the curve does not fit the algorithm"));
                    }
                    Self::Curve(required)
                }
            },
            Algorithm::KeyManagement(a) => match a.key_type() {
                KeyType::Rsa => Self::Rsa { bits },
                KeyType::Ec | KeyType::Okp => {
                    let c = curve.unwrap_or(Curve::P256);
                    if matches!(c, Curve::Secp256k1 | Curve::Ed25519) {
                        return Err(Error::ApiMisuse(
                            "ECDH-ES needs P-256, P-384, P-521 or X25519",
                        ));
                    }
                    Self::Curve(c)
                }
                KeyType::Oct => match a {
                    KeyManagementAlgorithm::Dir => Self::Oct {
                        len: enc
                            .ok_or(Error::ApiMisuse("dir needs an enc to size the key"))?
                            .key_len(),
                    },
                    _ => Self::Oct {
                        len: a.wrap_key_len().unwrap_or(32),
                    },
                },
            },
            Algorithm::ContentEncryption(enc) => Self::Oct { len: enc.key_len() },
        })
    }
}

/// A backend's key operations on JWKs.
///
/// Methods for capabilities a backend lacks keep their default, which
/// answers [`Unsupported::Operation`]; a backend that signs but cannot
/// encrypt is a valid backend.
pub trait KeyProvider: Send + Sync + Debug {
    /// Generates a private key of the given shape.
    ///
    /// # Errors
    ///
    /// [`Error::Unsupported`] for a shape the backend cannot make,
    /// [`Error::ApiMisuse`] for a size out of range.
    fn generate(&self, spec: KeySpec) -> Result<Jwk, Error>;

    /// Checks what sizes alone cannot: EC points on their curve, OKP public
    /// keys valid, private and public halves consistent, RSA parameters
    /// coherent.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidKey`] naming the failed check.
    fn check(&self, jwk: &Jwk) -> Result<(), Error>;

    /// Computes the public half of an EC or OKP private key from its private
    /// scalar alone: returns `jwk` with `x` (and `y`) filled in. Used when a
    /// PKCS#8 or SEC1 document carries no public key.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidKey`] for a scalar out of range.
    fn public_from_private(&self, crv: Curve, d: &[u8]) -> Result<Jwk, Error>;

    /// A signing key built once from a private JWK.
    ///
    /// # Errors
    ///
    /// [`Error::Unsupported`] when the backend cannot sign with this kind of
    /// key; [`Error::InvalidKey`] when the key is unusable.
    fn signing_key(&self, jwk: &Jwk) -> Result<Arc<dyn SigningKey>, Error> {
        let _ = jwk;
        Err(unsupported("signing"))
    }

    /// A verifying key built once from a JWK (public or private).
    ///
    /// # Errors
    ///
    /// As [`KeyProvider::signing_key`].
    fn verifying_key(&self, jwk: &Jwk) -> Result<Arc<dyn VerifyingKey>, Error> {
        let _ = jwk;
        Err(unsupported("verification"))
    }

    /// An encrypting key built once from a recipient's JWK.
    ///
    /// # Errors
    ///
    /// As [`KeyProvider::signing_key`].
    fn encrypting_key(&self, jwk: &Jwk) -> Result<Arc<dyn EncryptingKey>, Error> {
        let _ = jwk;
        Err(unsupported("JWE key encryption"))
    }

    /// A decrypting key built once from a private or symmetric JWK.
    ///
    /// # Errors
    ///
    /// As [`KeyProvider::signing_key`].
    fn decrypting_key(&self, jwk: &Jwk) -> Result<Arc<dyn DecryptingKey>, Error> {
        let _ = jwk;
        Err(unsupported("JWE key decryption"))
    }
}

fn unsupported(what: &str) -> Error {
    Error::Unsupported(Unsupported::Operation(what.to_string()))
}

/// Everything a backend provides, as one value passed where it is needed.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct Provider {
    /// The backend's name, for diagnostics.
    pub name: &'static str,
    /// Key generation, checking and building.
    pub keys: &'static dyn KeyProvider,
    /// Hash functions (thumbprints).
    pub hasher: &'static dyn Hasher,
    /// The random source.
    pub random: &'static dyn SecureRandom,
    /// The content encryption algorithms, in preference order.
    pub content_ciphers: &'static [&'static dyn jose_core::ContentCipher],
}

impl Provider {
    /// A provider from its parts (for backends; users normally take a
    /// backend's constant and override fields with struct-update syntax).
    pub const fn new(
        name: &'static str,
        keys: &'static dyn KeyProvider,
        hasher: &'static dyn Hasher,
        random: &'static dyn SecureRandom,
        content_ciphers: &'static [&'static dyn jose_core::ContentCipher],
    ) -> Self {
        Self {
            name,
            keys,
            hasher,
            random,
            content_ciphers,
        }
    }

    /// The content cipher for `enc`.
    ///
    /// # Errors
    ///
    /// [`Unsupported::Algorithm`] when the provider lacks it.
    pub fn content_cipher(
        &self,
        enc: ContentEncryptionAlgorithm,
    ) -> Result<&'static dyn jose_core::ContentCipher, Error> {
        self.content_ciphers
            .iter()
            .copied()
            .find(|c| c.algorithm() == enc)
            .ok_or_else(|| Error::Unsupported(Unsupported::Algorithm(enc.name().to_string())))
    }

    /// Every JWS algorithm, for callers that want "all signature algorithms"
    /// spelled out explicitly.
    pub fn all_jws_algorithms(&self) -> &'static [JwsAlgorithm] {
        JwsAlgorithm::ALL
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_specs_follow_the_algorithm() {
        let spec = |a: &str, enc, bits, crv| {
            KeySpec::for_algorithm(a.parse().unwrap(), enc, bits, crv).unwrap()
        };
        assert_eq!(spec("RS256", None, None, None), KeySpec::Rsa { bits: 2048 });
        assert_eq!(
            spec("PS512", None, Some(3072), None),
            KeySpec::Rsa { bits: 3072 }
        );
        assert_eq!(
            spec("ES256K", None, None, None),
            KeySpec::Curve(Curve::Secp256k1)
        );
        assert_eq!(spec("ES512", None, None, None), KeySpec::Curve(Curve::P521));
        assert_eq!(
            spec("EdDSA", None, None, None),
            KeySpec::Curve(Curve::Ed25519)
        );
        assert_eq!(spec("HS384", None, None, None), KeySpec::Oct { len: 48 });
        assert_eq!(spec("A192KW", None, None, None), KeySpec::Oct { len: 24 });
        assert_eq!(
            spec("A256GCMKW", None, None, None),
            KeySpec::Oct { len: 32 }
        );
        assert_eq!(
            spec("ECDH-ES", None, None, None),
            KeySpec::Curve(Curve::P256)
        );
        assert_eq!(
            spec("ECDH-ES+A128KW", None, None, Some(Curve::X25519)),
            KeySpec::Curve(Curve::X25519)
        );
        assert_eq!(
            spec(
                "dir",
                Some(ContentEncryptionAlgorithm::A256CbcHs512),
                None,
                None
            ),
            KeySpec::Oct { len: 64 }
        );
        assert!(KeySpec::for_algorithm("dir".parse().unwrap(), None, None, None).is_err());
        assert!(
            KeySpec::for_algorithm("ES256".parse().unwrap(), None, None, Some(Curve::P384))
                .is_err()
        );
    }
}
