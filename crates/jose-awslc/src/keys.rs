//! [`AwsLcKeys`]: key generation, checking and building on AWS-LC.

use std::sync::Arc;

use jose_core::{
    Curve, DecryptingKey, EncryptingKey, Error, KeyShape, Secret, SigningKey, VerifyingKey,
};
use jose_jwk::{Jwk, Key, KeyProvider, Provider};

use crate::convert;

/// The key operations of the AWS-LC backend.
#[derive(Clone, Copy, Debug, Default)]
pub struct AwsLcKeys;

impl KeyProvider for AwsLcKeys {
    fn generate(&self, shape: KeyShape, provider: &Provider) -> Result<Jwk, Error> {
        let random = provider.random;
        match shape {
            KeyShape::Rsa { bits } => convert::generate_rsa(bits, provider),
            KeyShape::Curve(Curve::Secp256k1) => {
                // No secp256k1 key agreement in AWS-LC to derive the point.
                jose_rustcrypto::RustCryptoKeys.generate(shape, provider)
            }
            KeyShape::Curve(Curve::Ed25519) => convert::generate_ed25519(random),
            KeyShape::Curve(Curve::X25519) => {
                let d = crate::random::bytes(random, 32)?;
                let key = aws_lc_rs::agreement::PrivateKey::from_private_key(
                    &aws_lc_rs::agreement::X25519,
                    &d,
                )
                .map_err(crate::rejected("d"))?;
                convert::ecdh_jwk(Curve::X25519, &key, Some(Secret::from_slice(&d)))
            }
            KeyShape::Curve(crv) => {
                let (key, d) = convert::random_ec_scalar(crv, random)?;
                convert::ecdh_jwk(crv, &key, Some(Secret::from_slice(&d)))
            }
            KeyShape::Oct { len } => {
                if !(16..=1024).contains(&len) {
                    return Err(Error::ApiMisuse("symmetric keys are 16 to 1024 bytes"));
                }
                Jwk::oct(&crate::random::bytes(random, len)?)
            }
            other => Err(crate::unsupported(&format!("keys of shape {other:?}"))),
        }
    }

    fn check(&self, jwk: &Jwk) -> Result<(), Error> {
        match jwk.key() {
            Key::Oct(_) => Ok(()),
            Key::Rsa(_) if jwk.is_private() => convert::rsa_key_pair(jwk).map(drop),
            Key::Rsa(_) => convert::rsa_encrypting(jwk).map(drop),
            Key::Ec(k) if jwk.is_private() => convert::ec_private_check(jwk, k),
            Key::Ec(k) => convert::ec_public_checked(k).map(drop),
            Key::Okp(k) => match k.crv() {
                Curve::Ed25519 if jwk.is_private() => convert::ed25519_key_pair(k).map(drop),
                // AWS-LC does not decode an Ed25519 public key until it
                // verifies: RustCrypto checks the point.
                Curve::Ed25519 => jose_rustcrypto::RustCryptoKeys.check(jwk),
                Curve::X25519 if jwk.is_private() => convert::ecdh_private(jwk).map(drop),
                // Every 32-byte string is an X25519 public key.
                Curve::X25519 => Ok(()),
                other => Err(crate::unsupported(&format!("{} keys", other.name()))),
            },
            _ => Err(crate::unsupported_key(jwk, "use")),
        }
    }

    fn public_from_private(&self, crv: Curve, d: &[u8]) -> Result<Jwk, Error> {
        match crv {
            Curve::Secp256k1 => jose_rustcrypto::RustCryptoKeys.public_from_private(crv, d),
            Curve::Ed25519 => convert::ed25519_public(d),
            _ => {
                if d.len() != crv.coordinate_len() {
                    return Err(Error::invalid_key(
                        "d",
                        "has the wrong length for the curve",
                    ));
                }
                let alg = convert::ecdh(crv).ok_or_else(|| crate::unsupported(crv.name()))?;
                let key = aws_lc_rs::agreement::PrivateKey::from_private_key(alg, d)
                    .map_err(|_| Error::invalid_key("d", "is out of range for the curve"))?;
                convert::ecdh_jwk(crv, &key, None)
            }
        }
    }

    fn signing_key(&self, jwk: &Jwk, _: &Provider) -> Result<Arc<dyn SigningKey>, Error> {
        crate::sign::signing_key(jwk)
    }

    fn verifying_key(
        &self,
        jwk: &Jwk,
        provider: &Provider,
    ) -> Result<Arc<dyn VerifyingKey>, Error> {
        crate::sign::verifying_key(jwk, provider)
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
