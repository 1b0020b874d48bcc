//! [`RustCryptoKeys`]: key generation, checking and building on RustCrypto.

use alloc::sync::Arc;

use jose_core::{
    Curve, DecryptingKey, EncryptingKey, Error, KeyType, Secret, SigningKey, VerifyingKey,
};
use jose_jwk::{Jwk, Key, KeyProvider, KeySpec, OctKey};
use zeroize::Zeroizing;

use crate::convert::{FromJwk, ToJwk, ec_secret};
use crate::random;

/// The RSA modulus sizes this backend generates, in bits.
pub const RSA_GENERATE_BITS: core::ops::RangeInclusive<usize> = 2048..=8192;

/// The key operations of the RustCrypto backend.
#[derive(Clone, Copy, Debug, Default)]
pub struct RustCryptoKeys;

impl KeyProvider for RustCryptoKeys {
    fn generate(&self, spec: KeySpec) -> Result<Jwk, Error> {
        match spec {
            KeySpec::Rsa { bits } => {
                if !RSA_GENERATE_BITS.contains(&bits) || !bits.is_multiple_of(8) {
                    return Err(Error::ApiMisuse(
                        "RSA keys are generated with 2048 to 8192 bits, a multiple of 8",
                    ));
                }
                let key = rsa::PrivateKey::new(&mut getrandom::SysRng, bits).map_err(|e| {
                    Error::Backend(jose_core::BackendError::new("rsa key generation", e))
                })?;
                key.to_jwk()
            }
            KeySpec::Curve(crv) => {
                let mut d = Zeroizing::new([0u8; 66]);
                let len = crv.coordinate_len();
                let d = d
                    .get_mut(..len)
                    .ok_or(Error::ApiMisuse("unknown curve size"))?;
                // Rejection sampling: a random string is a valid scalar with
                // overwhelming probability; retry the rare miss (zero or >= n).
                for _ in 0..64 {
                    random::fill(d)?;
                    if crv == Curve::P521 {
                        // P-521 scalars have 521 bits: clear the top 7.
                        if let Some(b) = d.first_mut() {
                            *b &= 0x01;
                        }
                    }
                    match self.public_from_private(crv, d) {
                        Ok(public) => return with_private(public, d),
                        Err(Error::InvalidKey(_)) => {}
                        Err(e) => return Err(e),
                    }
                }
                Err(Error::ApiMisuse("could not generate a valid private key"))
            }
            KeySpec::Oct { len } => {
                if !(16..=1024).contains(&len) {
                    return Err(Error::ApiMisuse("symmetric keys are 16 to 1024 bytes"));
                }
                let mut k = Zeroizing::new(alloc::vec![0u8; len]);
                random::fill(&mut k)?;
                Ok(Jwk::new(Key::Oct(OctKey::new(Secret::from_slice(&k))?)))
            }
            _ => Err(Error::ApiMisuse("unknown key shape")),
        }
    }

    fn check(&self, jwk: &Jwk) -> Result<(), Error> {
        let private = jwk.is_private();
        match (jwk.key_type(), jwk.key().curve()) {
            (KeyType::Rsa, _) if private => rsa::PrivateKey::from_jwk(jwk).map(drop),
            (KeyType::Rsa, _) => rsa::PublicKey::from_jwk(jwk).map(drop),
            (KeyType::Oct, _) => Ok(()),
            (_, Some(Curve::P256)) if private => p256::SecretKey::from_jwk(jwk).map(drop),
            (_, Some(Curve::P256)) => p256::PublicKey::from_jwk(jwk).map(drop),
            (_, Some(Curve::P384)) if private => p384::SecretKey::from_jwk(jwk).map(drop),
            (_, Some(Curve::P384)) => p384::PublicKey::from_jwk(jwk).map(drop),
            (_, Some(Curve::P521)) if private => p521::SecretKey::from_jwk(jwk).map(drop),
            (_, Some(Curve::P521)) => p521::PublicKey::from_jwk(jwk).map(drop),
            (_, Some(Curve::Secp256k1)) if private => k256::SecretKey::from_jwk(jwk).map(drop),
            (_, Some(Curve::Secp256k1)) => k256::PublicKey::from_jwk(jwk).map(drop),
            (_, Some(Curve::Ed25519)) if private => {
                ed25519_dalek::SigningKey::from_jwk(jwk).map(drop)
            }
            (_, Some(Curve::Ed25519)) => ed25519_dalek::VerifyingKey::from_jwk(jwk).map(drop),
            (_, Some(Curve::X25519)) if private => {
                x25519_dalek::StaticSecret::from_jwk(jwk).map(drop)
            }
            (_, Some(Curve::X25519)) => x25519_dalek::PublicKey::from_jwk(jwk).map(drop),
            _ => Err(Error::Unsupported(jose_core::Unsupported::KeyType(
                jwk.key_type().name().into(),
            ))),
        }
    }

    fn signing_key(&self, jwk: &Jwk) -> Result<Arc<dyn SigningKey>, Error> {
        crate::sign::signing_key(jwk)
    }

    fn verifying_key(&self, jwk: &Jwk) -> Result<Arc<dyn VerifyingKey>, Error> {
        crate::sign::verifying_key(jwk)
    }

    fn encrypting_key(&self, jwk: &Jwk) -> Result<Arc<dyn EncryptingKey>, Error> {
        crate::kek::encrypting_key(jwk)
    }

    fn decrypting_key(&self, jwk: &Jwk) -> Result<Arc<dyn DecryptingKey>, Error> {
        crate::kek::decrypting_key(jwk)
    }

    fn public_from_private(&self, crv: Curve, d: &[u8]) -> Result<Jwk, Error> {
        let jwk = match crv {
            Curve::P256 => ec_secret::<p256::NistP256>(d)?.public_key().to_jwk(),
            Curve::P384 => ec_secret::<p384::NistP384>(d)?.public_key().to_jwk(),
            Curve::P521 => ec_secret::<p521::NistP521>(d)?.public_key().to_jwk(),
            Curve::Secp256k1 => ec_secret::<k256::Secp256k1>(d)?.public_key().to_jwk(),
            Curve::Ed25519 => {
                let d: [u8; 32] = d
                    .try_into()
                    .map_err(|_| Error::invalid_key("d", "has the wrong length for the curve"))?;
                let d = Zeroizing::new(d);
                ed25519_dalek::SigningKey::from_bytes(&d)
                    .verifying_key()
                    .to_jwk()
            }
            Curve::X25519 => {
                let d: [u8; 32] = d
                    .try_into()
                    .map_err(|_| Error::invalid_key("d", "has the wrong length for the curve"))?;
                x25519_dalek::PublicKey::from(&x25519_dalek::StaticSecret::from(d)).to_jwk()
            }
            _ => Err(Error::Unsupported(jose_core::Unsupported::Curve(
                crv.name().into(),
            ))),
        }?;
        Ok(jwk)
    }
}

/// Adds the private scalar `d` to a public EC or OKP JWK.
fn with_private(public: Jwk, d: &[u8]) -> Result<Jwk, Error> {
    let d = Secret::from_slice(d);
    let key = match public.key() {
        Key::Ec(k) => Key::Ec(jose_jwk::EcKey::new(
            k.crv(),
            k.x().to_vec(),
            k.y().to_vec(),
            Some(d),
        )?),
        Key::Okp(k) => Key::Okp(jose_jwk::OkpKey::new(k.crv(), k.x().to_vec(), Some(d))?),
        _ => return Err(Error::ApiMisuse("not a curve key")),
    };
    Ok(Jwk::new(key))
}
