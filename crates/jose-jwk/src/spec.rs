//! [`KeySpec`]: what key to generate.

use jose_core::{
    Algorithm, ContentEncryptionAlgorithm, Curve, Error, JwsAlgorithm, KeyManagementAlgorithm,
    KeyRequirement, KeyShape,
};

/// The RSA modulus size generated unless [`KeySpec::bits`] says otherwise.
pub const DEFAULT_RSA_BITS: usize = 2048;

/// The length of a PBES2 password generated for a key, in bytes.
pub const GENERATED_PASSWORD_LEN: usize = 32;

/// A request for a new key: the algorithm it is for, which fixes its type
/// and size (from the table of `jose_core::key`) and becomes its `alg`, or
/// an explicit [`KeyShape`], which leaves `alg` unset.
///
/// ```
/// use jose_core::{ContentEncryptionAlgorithm, Curve, JwsAlgorithm, KeyManagementAlgorithm, KeyShape};
/// use jose_jwk::KeySpec;
///
/// assert_eq!(KeySpec::from(JwsAlgorithm::Es384).shape()?, KeyShape::Curve(Curve::P384));
/// assert_eq!(KeySpec::from(JwsAlgorithm::Ps256).bits(3072).shape()?, KeyShape::Rsa { bits: 3072 });
/// assert_eq!(
///     KeySpec::from(KeyManagementAlgorithm::EcdhEs).curve(Curve::X25519).shape()?,
///     KeyShape::Curve(Curve::X25519)
/// );
/// assert_eq!(
///     KeySpec::from(KeyManagementAlgorithm::Dir)
///         .enc(ContentEncryptionAlgorithm::A256CbcHs512)
///         .shape()?,
///     KeyShape::Oct { len: 64 }
/// );
/// // A curve that does not fit the algorithm is refused, never ignored.
/// assert!(KeySpec::from(JwsAlgorithm::Es256).curve(Curve::P384).shape().is_err());
/// # Ok::<(), jose_core::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeySpec {
    target: Target,
    bits: Option<usize>,
    curve: Option<Curve>,
    enc: Option<ContentEncryptionAlgorithm>,
}

/// What a [`KeySpec`] was made from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Target {
    Algorithm(Algorithm),
    Shape(KeyShape),
}

impl KeySpec {
    /// Sets the RSA modulus size, in bits (RSA algorithms only).
    #[must_use]
    pub fn bits(mut self, bits: usize) -> Self {
        self.bits = Some(bits);
        self
    }

    /// Sets the curve, among those the algorithm allows (ECDH-ES: P-256,
    /// P-384, P-521 or X25519; the ES and EdDSA algorithms have only one).
    #[must_use]
    pub fn curve(mut self, curve: Curve) -> Self {
        self.curve = Some(curve);
        self
    }

    /// Sets the content encryption algorithm whose CEK a `dir` key is.
    #[must_use]
    pub fn enc(mut self, enc: ContentEncryptionAlgorithm) -> Self {
        self.enc = Some(enc);
        self
    }

    /// The algorithm the key is for, which becomes its `alg`.
    pub fn algorithm(&self) -> Option<Algorithm> {
        match self.target {
            Target::Algorithm(alg) => Some(alg),
            Target::Shape(_) => None,
        }
    }

    /// The shape of the key to generate.
    ///
    /// # Errors
    ///
    /// [`Error::ApiMisuse`] for an option the algorithm does not use (bits
    /// for a curve, a curve for RSA, `enc` for anything but `dir`), a curve
    /// that does not fit, or `dir` without `enc`; any option on an explicit
    /// shape.
    pub fn shape(&self) -> Result<KeyShape, Error> {
        let alg = match self.target {
            Target::Shape(shape) => {
                if self.bits.is_some() || self.curve.is_some() || self.enc.is_some() {
                    return Err(Error::ApiMisuse(
                        "an explicit key shape takes no bits, curve or enc",
                    ));
                }
                return Ok(shape);
            }
            Target::Algorithm(alg) => alg,
        };
        let requirement = alg.requirement();
        if self.bits.is_some() && requirement != KeyRequirement::Rsa {
            return Err(Error::ApiMisuse("bits apply only to RSA algorithms"));
        }
        if self.curve.is_some() && !matches!(requirement, KeyRequirement::Curve(_)) {
            return Err(Error::ApiMisuse(
                "a curve applies only to EC and OKP algorithms",
            ));
        }
        if self.enc.is_some() && requirement != KeyRequirement::Cek {
            return Err(Error::ApiMisuse("enc applies only to dir"));
        }
        match requirement {
            KeyRequirement::Rsa => Ok(KeyShape::Rsa {
                bits: self.bits.unwrap_or(DEFAULT_RSA_BITS),
            }),
            KeyRequirement::Curve(curves) => match self.curve {
                Some(c) if curves.contains(&c) => Ok(KeyShape::Curve(c)),
                Some(_) => Err(Error::ApiMisuse("the curve does not fit the algorithm")),
                None => curves
                    .first()
                    .map(|c| KeyShape::Curve(*c))
                    .ok_or(Error::ApiMisuse("the algorithm names no curve")),
            },
            KeyRequirement::OctExact(len) | KeyRequirement::OctAtLeast(len) => {
                Ok(KeyShape::Oct { len })
            }
            KeyRequirement::Cek => {
                let enc = self
                    .enc
                    .ok_or(Error::ApiMisuse("dir needs an enc to size the key"))?;
                Ok(KeyShape::Oct { len: enc.key_len() })
            }
            KeyRequirement::Password => Ok(KeyShape::Oct {
                len: GENERATED_PASSWORD_LEN,
            }),
            // A kind of key added to the table later: not generated here
            // until this match knows it.
            unknown => Err(Error::Unsupported(jose_core::Unsupported::Operation(
                alloc::format!("generating a key of kind {unknown:?}"),
            ))),
        }
    }

    fn of(target: Target) -> Self {
        Self {
            target,
            bits: None,
            curve: None,
            enc: None,
        }
    }
}

impl From<Algorithm> for KeySpec {
    fn from(alg: Algorithm) -> Self {
        Self::of(Target::Algorithm(alg))
    }
}

impl From<JwsAlgorithm> for KeySpec {
    fn from(alg: JwsAlgorithm) -> Self {
        Self::from(Algorithm::from(alg))
    }
}

impl From<KeyManagementAlgorithm> for KeySpec {
    fn from(alg: KeyManagementAlgorithm) -> Self {
        Self::from(Algorithm::from(alg))
    }
}

/// A CEK of the algorithm, for `dir`: its `alg` is the content encryption
/// algorithm (RFC 7520 section 3.6).
impl From<ContentEncryptionAlgorithm> for KeySpec {
    fn from(enc: ContentEncryptionAlgorithm) -> Self {
        Self::from(Algorithm::from(enc))
    }
}

impl From<KeyShape> for KeySpec {
    fn from(shape: KeyShape) -> Self {
        Self::of(Target::Shape(shape))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(spec: impl Into<KeySpec>) -> KeyShape {
        spec.into().shape().unwrap()
    }

    #[test]
    fn shapes_follow_the_algorithm() {
        assert_eq!(shape(JwsAlgorithm::Rs256), KeyShape::Rsa { bits: 2048 });
        assert_eq!(
            shape(KeySpec::from(JwsAlgorithm::Ps512).bits(3072)),
            KeyShape::Rsa { bits: 3072 }
        );
        assert_eq!(
            shape(JwsAlgorithm::Es256K),
            KeyShape::Curve(Curve::Secp256k1)
        );
        assert_eq!(shape(JwsAlgorithm::Es512), KeyShape::Curve(Curve::P521));
        assert_eq!(shape(JwsAlgorithm::EdDsa), KeyShape::Curve(Curve::Ed25519));
        assert_eq!(shape(JwsAlgorithm::Hs384), KeyShape::Oct { len: 48 });
        assert_eq!(
            shape(KeyManagementAlgorithm::A192Kw),
            KeyShape::Oct { len: 24 }
        );
        assert_eq!(
            shape(KeyManagementAlgorithm::A256GcmKw),
            KeyShape::Oct { len: 32 }
        );
        assert_eq!(
            shape(KeyManagementAlgorithm::EcdhEs),
            KeyShape::Curve(Curve::P256)
        );
        assert_eq!(
            shape(KeySpec::from(KeyManagementAlgorithm::EcdhEsA128Kw).curve(Curve::X25519)),
            KeyShape::Curve(Curve::X25519)
        );
        assert_eq!(
            shape(KeyManagementAlgorithm::Pbes2Hs256A128Kw),
            KeyShape::Oct { len: 32 }
        );
        assert_eq!(
            shape(ContentEncryptionAlgorithm::A128CbcHs256),
            KeyShape::Oct { len: 32 }
        );
    }

    #[test]
    fn options_that_do_not_fit_are_refused() {
        let refused = |spec: KeySpec| matches!(spec.shape(), Err(Error::ApiMisuse(_)));
        assert!(refused(KeySpec::from(KeyManagementAlgorithm::Dir)));
        assert!(refused(
            KeySpec::from(JwsAlgorithm::Es256).curve(Curve::P384)
        ));
        assert!(refused(KeySpec::from(JwsAlgorithm::Es256).bits(2048)));
        assert!(refused(
            KeySpec::from(JwsAlgorithm::Rs256).curve(Curve::P256)
        ));
        assert!(refused(
            KeySpec::from(JwsAlgorithm::Hs256).enc(ContentEncryptionAlgorithm::A128Gcm)
        ));
        assert!(refused(
            KeySpec::from(KeyManagementAlgorithm::EcdhEs).curve(Curve::Ed25519)
        ));
        assert!(refused(KeySpec::from(KeyShape::Oct { len: 16 }).bits(128)));
        assert_eq!(KeySpec::from(KeyShape::Oct { len: 16 }).algorithm(), None);
    }
}
