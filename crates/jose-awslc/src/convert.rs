//! From JWKs to AWS-LC key objects, and back for generated keys. Every
//! key is parsed once, here, and checked as AWS-LC parses it: EC points on
//! their curve, private and public halves consistent, RSA parameters
//! coherent (AWS-LC's `RSA_check_key`).

use aws_lc_rs::agreement;
use aws_lc_rs::encoding::{AsDer, Pkcs8V1Der};
use aws_lc_rs::rsa::{KeyPair as RsaKeyPair, KeySize, PrivateDecryptingKey, PublicEncryptingKey};
use aws_lc_rs::signature::{self, EcdsaKeyPair, Ed25519KeyPair, KeyPair as _};
use jose_core::{Curve, Error, Secret, SecureRandom};
use jose_jwk::{EcKey, Jwk, Key, KeyFormat, KeyProvider as _, OkpKey, Provider};
use zeroize::Zeroizing;

use crate::rejected;

/// The uncompressed SEC1 point `04 || x || y` of an EC key.
pub(crate) fn ec_point(k: &EcKey) -> Vec<u8> {
    let mut point = Vec::with_capacity(1 + k.x().len() + k.y().len());
    point.push(0x04);
    point.extend_from_slice(k.x());
    point.extend_from_slice(k.y());
    point
}

/// AWS-LC's fixed-length ECDSA signing for a curve (`R || S`, RFC 7518
/// section 3.4).
pub(crate) fn ecdsa_signing(crv: Curve) -> Option<&'static signature::EcdsaSigningAlgorithm> {
    match crv {
        Curve::P256 => Some(&signature::ECDSA_P256_SHA256_FIXED_SIGNING),
        Curve::P384 => Some(&signature::ECDSA_P384_SHA384_FIXED_SIGNING),
        Curve::P521 => Some(&signature::ECDSA_P521_SHA512_FIXED_SIGNING),
        Curve::Secp256k1 => Some(&signature::ECDSA_P256K1_SHA256_FIXED_SIGNING),
        // The OKP curves, and curves of later versions.
        _ => None,
    }
}

/// AWS-LC's fixed-length ECDSA verification for a curve.
pub(crate) fn ecdsa_verification(
    crv: Curve,
) -> Option<&'static signature::EcdsaVerificationAlgorithm> {
    match crv {
        Curve::P256 => Some(&signature::ECDSA_P256_SHA256_FIXED),
        Curve::P384 => Some(&signature::ECDSA_P384_SHA384_FIXED),
        Curve::P521 => Some(&signature::ECDSA_P521_SHA512_FIXED),
        Curve::Secp256k1 => Some(&signature::ECDSA_P256K1_SHA256_FIXED),
        // The OKP curves, and curves of later versions.
        _ => None,
    }
}

/// AWS-LC's ECDH for a curve (the NIST curves and X25519).
pub(crate) fn ecdh(crv: Curve) -> Option<&'static agreement::Algorithm> {
    match crv {
        Curve::P256 => Some(&agreement::ECDH_P256),
        Curve::P384 => Some(&agreement::ECDH_P384),
        Curve::P521 => Some(&agreement::ECDH_P521),
        Curve::X25519 => Some(&agreement::X25519),
        // secp256k1 (no ECDH-ES in JOSE), Ed25519, later curves.
        _ => None,
    }
}

/// The private scalar of a JWK, of the curve's length.
fn private_d(crv: Curve, d: Option<&Secret>) -> Result<&[u8], Error> {
    let d = d.map(Secret::expose).ok_or(Error::invalid_key(
        "d",
        "is missing: a private key is needed",
    ))?;
    if d.len() != crv.coordinate_len() {
        return Err(Error::invalid_key(
            "d",
            "has the wrong length for the curve",
        ));
    }
    Ok(d)
}

/// The SEC1 point of an EC JWK, checked to be on its curve.
pub(crate) fn ec_public_checked(k: &EcKey) -> Result<Vec<u8>, Error> {
    let alg = ecdsa_verification(k.crv()).ok_or_else(|| crate::unsupported(k.crv().name()))?;
    let point = ec_point(k);
    signature::ParsedPublicKey::new(alg, &point)
        .map_err(|_| Error::invalid_key("key", "is not a point on the curve"))?;
    Ok(point)
}

/// Checks a private EC JWK: the point on the curve, `d` in range, the two
/// halves consistent.
pub(crate) fn ec_private_check(jwk: &Jwk, k: &EcKey) -> Result<(), Error> {
    let point = ec_public_checked(k)?;
    let d = private_d(k.crv(), k.d())?;
    if k.crv() == Curve::Secp256k1 {
        // AWS-LC has no ECDH on secp256k1 to compute the public key with.
        return jose_rustcrypto::RustCryptoKeys.check(jwk);
    }
    let alg = ecdh(k.crv()).ok_or_else(|| crate::unsupported(k.crv().name()))?;
    let key = agreement::PrivateKey::from_private_key(alg, d)
        .map_err(|_| Error::invalid_key("d", "is out of range for the curve"))?;
    let computed = key
        .compute_public_key()
        .map_err(|_| Error::invalid_key("d", "is out of range for the curve"))?;
    if computed.as_ref() != point.as_slice() {
        return Err(Error::invalid_key("d", "does not match the public key"));
    }
    Ok(())
}

/// An ECDSA signing key from a private EC JWK (checked against its point).
pub(crate) fn ecdsa_key_pair(jwk: &Jwk, k: &EcKey) -> Result<EcdsaKeyPair, Error> {
    ec_private_check(jwk, k)?;
    let alg = ecdsa_signing(k.crv()).ok_or_else(|| crate::unsupported(k.crv().name()))?;
    EcdsaKeyPair::from_private_key_and_public_key(alg, private_d(k.crv(), k.d())?, &ec_point(k))
        .map_err(|_| Error::invalid_key("d", "does not match the public key"))
}

/// An Ed25519 signing key from a private OKP JWK (checked against `x`).
pub(crate) fn ed25519_key_pair(k: &OkpKey) -> Result<Ed25519KeyPair, Error> {
    let d = private_d(Curve::Ed25519, k.d())?;
    Ed25519KeyPair::from_seed_and_public_key(d, k.x())
        .map_err(|_| Error::invalid_key("d", "does not match the public key"))
}

/// An ECDH private key (NIST curve or X25519) from a private JWK, checked
/// against its public half.
pub(crate) fn ecdh_private(jwk: &Jwk) -> Result<(Curve, agreement::PrivateKey), Error> {
    let (crv, d, public) = match jwk.key() {
        Key::Ec(k) => {
            ec_private_check(jwk, k)?;
            (k.crv(), k.d(), ec_point(k))
        }
        Key::Okp(k) => (k.crv(), k.d(), k.x().to_vec()),
        // RSA, oct, and key types of later versions.
        _ => return Err(Error::ApiMisuse("not a key on a curve")),
    };
    let alg = ecdh(crv)
        .ok_or_else(|| crate::unsupported(&format!("ECDH-ES with {} keys", crv.name())))?;
    let key = agreement::PrivateKey::from_private_key(alg, private_d(crv, d)?)
        .map_err(|_| Error::invalid_key("d", "is out of range for the curve"))?;
    let computed = key
        .compute_public_key()
        .map_err(|_| Error::invalid_key("d", "is out of range for the curve"))?;
    if computed.as_ref() != public.as_slice() {
        return Err(Error::invalid_key("d", "does not match the public key"));
    }
    Ok((crv, key))
}

/// An ECDH public key (NIST curve or X25519), parsed and checked once.
pub(crate) fn ecdh_public(crv: Curve, public: &[u8]) -> Result<agreement::ParsedPublicKey, Error> {
    let alg = ecdh(crv).ok_or_else(|| crate::unsupported(crv.name()))?;
    agreement::ParsedPublicKey::try_from(agreement::UnparsedPublicKey::new(alg, public))
        .map_err(|_| Error::invalid_key("key", "is not a point on the curve"))
}

/// The public key bytes AWS-LC's ECDH takes for a JWK: the SEC1 point of
/// an EC key, `x` of an OKP key.
pub(crate) fn ecdh_public_bytes(key: &Key) -> Option<(Curve, Vec<u8>)> {
    match key {
        Key::Ec(k) => Some((k.crv(), ec_point(k))),
        Key::Okp(k) => Some((k.crv(), k.x().to_vec())),
        // RSA, oct, and key types of later versions.
        _ => None,
    }
}

/// An RSA signing key from a private JWK (with its CRT values).
pub(crate) fn rsa_key_pair(jwk: &Jwk) -> Result<RsaKeyPair, Error> {
    let der = jwk.to_der(KeyFormat::Pkcs8)?;
    RsaKeyPair::from_pkcs8(&der).map_err(rejected("n"))
}

/// An RSA decryption key from a private JWK (with its CRT values).
pub(crate) fn rsa_decrypting(jwk: &Jwk) -> Result<PrivateDecryptingKey, Error> {
    let der = jwk.to_der(KeyFormat::Pkcs8)?;
    PrivateDecryptingKey::from_pkcs8(&der).map_err(rejected("n"))
}

/// An RSA encryption key from a public (or private) JWK.
pub(crate) fn rsa_encrypting(jwk: &Jwk) -> Result<PublicEncryptingKey, Error> {
    let der = jwk.to_der(KeyFormat::Spki)?;
    PublicEncryptingKey::from_der(&der).map_err(rejected("n"))
}

/// The SubjectPublicKeyInfo of an RSA JWK, which AWS-LC's verification
/// parses.
pub(crate) fn rsa_spki(jwk: &Jwk) -> Result<Zeroizing<Vec<u8>>, Error> {
    jwk.to_der(KeyFormat::Spki)
}

/// A private EC (NIST curve) key from `random`: a random string of the
/// field length is a valid scalar with overwhelming probability; the rare
/// miss (zero, or not below the order) is drawn again.
pub(crate) fn random_ec_scalar(
    crv: Curve,
    random: &dyn SecureRandom,
) -> Result<(agreement::PrivateKey, Zeroizing<Vec<u8>>), Error> {
    let alg = ecdh(crv).ok_or_else(|| crate::unsupported(crv.name()))?;
    for _ in 0..64 {
        let mut d = crate::random::bytes(random, crv.coordinate_len())?;
        if crv == Curve::P521 {
            // P-521 scalars have 521 bits: clear the top 7 of 528.
            if let Some(b) = d.first_mut() {
                *b &= 0x01;
            }
        }
        if let Ok(key) = agreement::PrivateKey::from_private_key(alg, &d) {
            return Ok((key, d));
        }
    }
    Err(Error::ApiMisuse("could not generate a valid private key"))
}

/// The public JWK of an ECDH private key (`d` included when given).
pub(crate) fn ecdh_jwk(
    crv: Curve,
    key: &agreement::PrivateKey,
    d: Option<Secret>,
) -> Result<Jwk, Error> {
    let public = key
        .compute_public_key()
        .map_err(|_| Error::invalid_key("d", "is not a valid private key"))?;
    let bytes = public.as_ref();
    let key = match crv {
        Curve::X25519 => Key::Okp(OkpKey::new(crv, bytes.to_vec(), d)?),
        _ => {
            let len = crv.coordinate_len();
            let x = bytes.get(1..=len);
            let y = bytes.get(1 + len..);
            match (bytes.first(), x, y) {
                (Some(4), Some(x), Some(y)) if y.len() == len => {
                    Key::Ec(EcKey::new(crv, x.to_vec(), y.to_vec(), d)?)
                }
                _ => return Err(Error::ApiMisuse("AWS-LC returned an unexpected point")),
            }
        }
    };
    Ok(Jwk::new(key))
}

/// A fresh RSA key of `bits` (2048, 3072, 4096 or 8192) from AWS-LC.
pub(crate) fn generate_rsa(bits: usize, provider: &Provider) -> Result<Jwk, Error> {
    let size = match bits {
        2048 => KeySize::Rsa2048,
        3072 => KeySize::Rsa3072,
        4096 => KeySize::Rsa4096,
        8192 => KeySize::Rsa8192,
        _ => {
            return Err(Error::ApiMisuse(
                "jose-awslc generates RSA keys of 2048, 3072, 4096 or 8192 bits",
            ));
        }
    };
    let key = RsaKeyPair::generate(size)
        .map_err(|_| Error::ApiMisuse("AWS-LC could not generate the key"))?;
    let der: Pkcs8V1Der<'_> = key
        .as_der()
        .map_err(|_| Error::ApiMisuse("AWS-LC could not export the key"))?;
    let der = Zeroizing::new(der.as_ref().to_vec());
    Jwk::from_der(&der, KeyFormat::Pkcs8, provider)
}

/// A fresh Ed25519 key from a random seed.
pub(crate) fn generate_ed25519(random: &dyn SecureRandom) -> Result<Jwk, Error> {
    let seed = crate::random::bytes(random, 32)?;
    let pair = Ed25519KeyPair::from_seed_unchecked(&seed).map_err(rejected("d"))?;
    let x = pair.public_key().as_ref().to_vec();
    Ok(Jwk::new(Key::Okp(OkpKey::new(
        Curve::Ed25519,
        x,
        Some(Secret::from_slice(&seed)),
    )?)))
}

/// The public JWK of the Ed25519 private key `d`.
pub(crate) fn ed25519_public(d: &[u8]) -> Result<Jwk, Error> {
    let pair = Ed25519KeyPair::from_seed_unchecked(d).map_err(rejected("d"))?;
    Ok(Jwk::new(Key::Okp(OkpKey::new(
        Curve::Ed25519,
        pair.public_key().as_ref().to_vec(),
        None,
    )?)))
}
