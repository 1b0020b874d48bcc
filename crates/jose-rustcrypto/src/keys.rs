//! [`RustCryptoKeys`]: key generation, checking and building on RustCrypto.

use alloc::sync::Arc;

use jose_core::{
    Curve, DecryptingKey, EncryptingKey, Error, KeyShape, KeyType, SigningKey, VerifyingKey,
};
use jose_jwk::{Jwk, KeyProvider, Provider};

#[cfg(asymmetric)]
use crate::convert::FromJwk;

/// The RSA modulus sizes this backend generates, in bits.
pub const RSA_GENERATE_BITS: core::ops::RangeInclusive<usize> = 2048..=8192;

/// The key operations of the RustCrypto backend.
#[derive(Clone, Copy, Debug, Default)]
pub struct RustCryptoKeys;

/// The error for a curve this build does not have.
fn unsupported_curve(crv: Curve) -> Error {
    crate::unsupported(&alloc::format!("{} keys", crv.name()))
}

impl KeyProvider for RustCryptoKeys {
    fn generate(&self, shape: KeyShape, provider: &Provider) -> Result<Jwk, Error> {
        let random = provider.random;
        match shape {
            KeyShape::Rsa { bits } => {
                if !RSA_GENERATE_BITS.contains(&bits) || !bits.is_multiple_of(8) {
                    return Err(Error::ApiMisuse(
                        "RSA keys are generated with 2048 to 8192 bits, a multiple of 8",
                    ));
                }
                #[cfg(feature = "rsa")]
                {
                    crate::rsa_key::generate(bits, random)
                }
                #[cfg(not(feature = "rsa"))]
                {
                    Err(crate::unsupported("RSA keys"))
                }
            }
            KeyShape::Curve(crv) => match crv {
                #[cfg(feature = "p256")]
                Curve::P256 => crate::ec::generate::<p256::NistP256>(random),
                #[cfg(feature = "p384")]
                Curve::P384 => crate::ec::generate::<p384::NistP384>(random),
                #[cfg(feature = "p521")]
                Curve::P521 => crate::ec::generate::<p521::NistP521>(random),
                #[cfg(feature = "k256")]
                Curve::Secp256k1 => crate::ec::generate::<k256::Secp256k1>(random),
                #[cfg(feature = "ed25519")]
                Curve::Ed25519 => crate::ed25519::generate(random),
                #[cfg(feature = "x25519")]
                Curve::X25519 => crate::x25519::generate(random),
                other => Err(unsupported_curve(other)),
            },
            KeyShape::Oct { len } => {
                if !(16..=1024).contains(&len) {
                    return Err(Error::ApiMisuse("symmetric keys are 16 to 1024 bytes"));
                }
                Jwk::oct(&crate::random::bytes(random, len)?)
            }
            other => Err(crate::unsupported(&alloc::format!(
                "keys of shape {other:?}"
            ))),
        }
    }

    fn check(&self, jwk: &Jwk) -> Result<(), Error> {
        match (jwk.key_type(), jwk.key().curve()) {
            (KeyType::Oct, _) => Ok(()),
            #[cfg(feature = "rsa")]
            (KeyType::Rsa, _) if jwk.is_private() => rsa::PrivateKey::from_jwk(jwk).map(drop),
            #[cfg(feature = "rsa")]
            (KeyType::Rsa, _) => rsa::PublicKey::from_jwk(jwk).map(drop),
            #[cfg(feature = "p256")]
            (_, Some(Curve::P256)) if jwk.is_private() => p256::SecretKey::from_jwk(jwk).map(drop),
            #[cfg(feature = "p256")]
            (_, Some(Curve::P256)) => p256::PublicKey::from_jwk(jwk).map(drop),
            #[cfg(feature = "p384")]
            (_, Some(Curve::P384)) if jwk.is_private() => p384::SecretKey::from_jwk(jwk).map(drop),
            #[cfg(feature = "p384")]
            (_, Some(Curve::P384)) => p384::PublicKey::from_jwk(jwk).map(drop),
            #[cfg(feature = "p521")]
            (_, Some(Curve::P521)) if jwk.is_private() => p521::SecretKey::from_jwk(jwk).map(drop),
            #[cfg(feature = "p521")]
            (_, Some(Curve::P521)) => p521::PublicKey::from_jwk(jwk).map(drop),
            #[cfg(feature = "k256")]
            (_, Some(Curve::Secp256k1)) if jwk.is_private() => {
                k256::SecretKey::from_jwk(jwk).map(drop)
            }
            #[cfg(feature = "k256")]
            (_, Some(Curve::Secp256k1)) => k256::PublicKey::from_jwk(jwk).map(drop),
            #[cfg(feature = "ed25519")]
            (_, Some(Curve::Ed25519)) if jwk.is_private() => {
                ed25519_dalek::SigningKey::from_jwk(jwk).map(drop)
            }
            #[cfg(feature = "ed25519")]
            (_, Some(Curve::Ed25519)) => ed25519_dalek::VerifyingKey::from_jwk(jwk).map(drop),
            #[cfg(feature = "x25519")]
            (_, Some(Curve::X25519)) if jwk.is_private() => {
                x25519_dalek::StaticSecret::from_jwk(jwk).map(drop)
            }
            #[cfg(feature = "x25519")]
            (_, Some(Curve::X25519)) => x25519_dalek::PublicKey::from_jwk(jwk).map(drop),
            (_, Some(crv)) => Err(unsupported_curve(crv)),
            (kty, None) => Err(crate::unsupported(&alloc::format!("{} keys", kty.name()))),
        }
    }

    fn public_from_private(&self, crv: Curve, d: &[u8]) -> Result<Jwk, Error> {
        let _ = d;
        match crv {
            #[cfg(feature = "p256")]
            Curve::P256 => crate::ec::public_from_private::<p256::NistP256>(d),
            #[cfg(feature = "p384")]
            Curve::P384 => crate::ec::public_from_private::<p384::NistP384>(d),
            #[cfg(feature = "p521")]
            Curve::P521 => crate::ec::public_from_private::<p521::NistP521>(d),
            #[cfg(feature = "k256")]
            Curve::Secp256k1 => crate::ec::public_from_private::<k256::Secp256k1>(d),
            #[cfg(feature = "ed25519")]
            Curve::Ed25519 => crate::ed25519::public_from_private(d),
            #[cfg(feature = "x25519")]
            Curve::X25519 => crate::x25519::public_from_private(d),
            other => Err(unsupported_curve(other)),
        }
    }

    fn signing_key(&self, jwk: &Jwk, provider: &Provider) -> Result<Arc<dyn SigningKey>, Error> {
        #[cfg(jws)]
        {
            crate::sign::signing_key(jwk, provider)
        }
        #[cfg(not(jws))]
        {
            let _ = (jwk, provider);
            Err(crate::unsupported("JWS"))
        }
    }

    fn verifying_key(
        &self,
        jwk: &Jwk,
        provider: &Provider,
    ) -> Result<Arc<dyn VerifyingKey>, Error> {
        #[cfg(jws)]
        {
            crate::sign::verifying_key(jwk, provider)
        }
        #[cfg(not(jws))]
        {
            let _ = (jwk, provider);
            Err(crate::unsupported("JWS"))
        }
    }

    fn encrypting_key(
        &self,
        jwk: &Jwk,
        provider: &Provider,
    ) -> Result<Arc<dyn EncryptingKey>, Error> {
        crate::jwe::encrypting_key(jwk, provider)
    }

    fn decrypting_key(
        &self,
        jwk: &Jwk,
        provider: &Provider,
    ) -> Result<Arc<dyn DecryptingKey>, Error> {
        crate::jwe::decrypting_key(jwk, provider)
    }
}
