//! JWS algorithms (RFC 7518 section 3, RFC 8037, RFC 8812) on AWS-LC.
//!
//! A signing key is parsed once into a [`SignKey`] shared by every signer
//! bound to one of its algorithms. A verifying key is parsed once per
//! algorithm into a ready [`AwsLcVerifier`] (AWS-LC binds a parsed public
//! key to its algorithm), so a verification is one AWS-LC call.

use std::sync::Arc;

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{self, EcdsaKeyPair, Ed25519KeyPair, ParsedPublicKey, RsaEncoding};
use aws_lc_rs::{hmac, rsa};
use jose_core::{
    Curve, Error, JwsAlgorithm, KeyIdentity, Policy, Signer, SigningKey, Verifier, VerifyingKey,
};
use jose_jwk::{Jwk, Key, KeyOp, KeyProvider as _, Provider};

use crate::convert;

/// A private (or secret) key ready to sign.
enum SignKey {
    /// HMAC keys, keyed once for each algorithm the key may serve.
    Hmac(Vec<(JwsAlgorithm, hmac::Key)>),
    Rsa(rsa::KeyPair),
    /// With the one algorithm its curve serves.
    Ecdsa(EcdsaKeyPair, JwsAlgorithm),
    Ed25519(Ed25519KeyPair),
}

impl core::fmt::Debug for SignKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Self::Hmac(_) => "SignKey::Hmac(***)",
            Self::Rsa(_) => "SignKey::Rsa(***)",
            Self::Ecdsa(..) => "SignKey::Ecdsa(***)",
            Self::Ed25519(_) => "SignKey::Ed25519(***)",
        })
    }
}

/// The HMAC algorithm of a JWS algorithm.
fn hmac_algorithm(alg: JwsAlgorithm) -> Option<hmac::Algorithm> {
    match alg {
        JwsAlgorithm::Hs256 => Some(hmac::HMAC_SHA256),
        JwsAlgorithm::Hs384 => Some(hmac::HMAC_SHA384),
        JwsAlgorithm::Hs512 => Some(hmac::HMAC_SHA512),
        _ => None,
    }
}

/// AWS-LC's RSA signing padding of a JWS algorithm.
fn rsa_signing(alg: JwsAlgorithm) -> Option<&'static dyn RsaEncoding> {
    match alg {
        JwsAlgorithm::Rs256 => Some(&signature::RSA_PKCS1_SHA256),
        JwsAlgorithm::Rs384 => Some(&signature::RSA_PKCS1_SHA384),
        JwsAlgorithm::Rs512 => Some(&signature::RSA_PKCS1_SHA512),
        JwsAlgorithm::Ps256 => Some(&signature::RSA_PSS_SHA256),
        JwsAlgorithm::Ps384 => Some(&signature::RSA_PSS_SHA384),
        JwsAlgorithm::Ps512 => Some(&signature::RSA_PSS_SHA512),
        _ => None,
    }
}

/// AWS-LC's verification algorithm of a JWS algorithm with an asymmetric
/// key. RSA keys of 2048 to 8192 bits (RFC 7518 section 3.3 asks for at
/// least 2048; AWS-LC verifies up to 8192); PSS with a salt of the hash
/// length, as RFC 7518 section 3.5 requires.
fn public_verification(alg: JwsAlgorithm) -> Option<&'static dyn signature::VerificationAlgorithm> {
    match alg {
        JwsAlgorithm::Rs256 => Some(&signature::RSA_PKCS1_2048_8192_SHA256),
        JwsAlgorithm::Rs384 => Some(&signature::RSA_PKCS1_2048_8192_SHA384),
        JwsAlgorithm::Rs512 => Some(&signature::RSA_PKCS1_2048_8192_SHA512),
        JwsAlgorithm::Ps256 => Some(&signature::RSA_PSS_2048_8192_SHA256),
        JwsAlgorithm::Ps384 => Some(&signature::RSA_PSS_2048_8192_SHA384),
        JwsAlgorithm::Ps512 => Some(&signature::RSA_PSS_2048_8192_SHA512),
        JwsAlgorithm::Es256 => Some(&signature::ECDSA_P256_SHA256_FIXED),
        JwsAlgorithm::Es384 => Some(&signature::ECDSA_P384_SHA384_FIXED),
        JwsAlgorithm::Es512 => Some(&signature::ECDSA_P521_SHA512_FIXED),
        JwsAlgorithm::Es256K => Some(&signature::ECDSA_P256K1_SHA256_FIXED),
        JwsAlgorithm::EdDsa | JwsAlgorithm::Ed25519 => Some(&signature::ED25519),
        _ => None,
    }
}

/// The key cannot be used with `alg`.
fn mismatch(alg: JwsAlgorithm) -> Error {
    Error::Policy(Policy::KeyAlgorithmMismatch {
        requested: alg.name().into(),
    })
}

/// The algorithms a JWK may serve for `op`, never none.
fn algorithms(jwk: &Jwk, op: KeyOp) -> Result<Vec<JwsAlgorithm>, Error> {
    let (allowed, algs, what) = match op {
        KeyOp::Sign => (jwk.params().allows(op), jwk.signing_algorithms(), "signing"),
        _ => (
            jwk.params().allows(op),
            jwk.verification_algorithms(),
            "verification",
        ),
    };
    if !allowed {
        return Err(Error::Policy(Policy::KeyUseForbidden(what)));
    }
    if algs.is_empty() {
        return Err(Error::Policy(Policy::KeyAlgorithmMismatch {
            requested: String::from("a JWS algorithm"),
        }));
    }
    Ok(algs)
}

/// HMAC keys for the HMAC algorithms among `algs` whose hash the key is
/// long enough for (RFC 7518 section 3.2).
fn hmac_keys(k: &jose_core::Secret, algs: &[JwsAlgorithm]) -> Vec<(JwsAlgorithm, hmac::Key)> {
    algs.iter()
        .filter_map(|alg| {
            let h = hmac_algorithm(*alg)?;
            (k.len() >= h.digest_algorithm().output_len())
                .then(|| (*alg, hmac::Key::new(h, k.expose())))
        })
        .collect()
}

impl SignKey {
    fn from_jwk(jwk: &Jwk, algs: &[JwsAlgorithm]) -> Result<Self, Error> {
        Ok(match jwk.key() {
            Key::Oct(k) => Self::Hmac(hmac_keys(k.k(), algs)),
            Key::Rsa(_) => Self::Rsa(convert::rsa_key_pair(jwk)?),
            Key::Ec(k) => {
                // The one JWS algorithm of the curve, from the table of
                // jose_core::key.
                let alg = JwsAlgorithm::ALL
                    .iter()
                    .copied()
                    .find(|a| a.requirement().accepts(jwk.shape()))
                    .ok_or_else(|| crate::unsupported_key(jwk, "JWS"))?;
                Self::Ecdsa(convert::ecdsa_key_pair(jwk, k)?, alg)
            }
            Key::Okp(k) if k.crv() == Curve::Ed25519 => {
                Self::Ed25519(convert::ed25519_key_pair(k)?)
            }
            _ => return Err(crate::unsupported_key(jwk, "JWS")),
        })
    }
}

/// Builds a signing key from a private JWK.
pub(crate) fn signing_key(jwk: &Jwk) -> Result<Arc<dyn SigningKey>, Error> {
    let algorithms = algorithms(jwk, KeyOp::Sign)?;
    let key = SignKey::from_jwk(jwk, &algorithms)?;
    Ok(Arc::new(AwsLcSigningKey {
        key: Arc::new(key),
        algorithms,
        kid: jwk.kid().map(String::from),
    }))
}

/// A signing key of this backend.
#[derive(Debug)]
struct AwsLcSigningKey {
    key: Arc<SignKey>,
    algorithms: Vec<JwsAlgorithm>,
    kid: Option<String>,
}

/// A signing key bound to one algorithm.
#[derive(Debug)]
struct AwsLcSigner {
    key: Arc<SignKey>,
    alg: JwsAlgorithm,
    kid: Option<String>,
}

impl SigningKey for AwsLcSigningKey {
    fn algorithms(&self) -> &[JwsAlgorithm] {
        &self.algorithms
    }

    fn key_id(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    fn signer(&self, alg: JwsAlgorithm) -> Result<Box<dyn Signer>, Error> {
        if !self.algorithms.contains(&alg) {
            return Err(mismatch(alg));
        }
        Ok(Box::new(AwsLcSigner {
            key: Arc::clone(&self.key),
            alg,
            kid: self.kid.clone(),
        }))
    }
}

/// A failure of AWS-LC while signing.
fn sign_failed(_: aws_lc_rs::error::Unspecified) -> Error {
    Error::Backend(jose_core::BackendError::new(
        "sign",
        "AWS-LC could not sign",
    ))
}

impl Signer for AwsLcSigner {
    fn algorithm(&self) -> JwsAlgorithm {
        self.alg
    }

    fn key_id(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    fn sign(&self, input: &[u8]) -> Result<Vec<u8>, Error> {
        match &*self.key {
            SignKey::Hmac(keys) => {
                let (_, key) = keys
                    .iter()
                    .find(|(alg, _)| *alg == self.alg)
                    .ok_or(Error::invalid_key("k", "is shorter than the hash output"))?;
                Ok(hmac::sign(key, input).as_ref().to_vec())
            }
            SignKey::Rsa(key) => {
                let padding = rsa_signing(self.alg).ok_or_else(|| mismatch(self.alg))?;
                let mut sig = vec![0u8; key.public_modulus_len()];
                key.sign(padding, &SystemRandom::new(), input, &mut sig)
                    .map_err(sign_failed)?;
                Ok(sig)
            }
            SignKey::Ecdsa(key, alg) => {
                if *alg != self.alg {
                    return Err(mismatch(self.alg));
                }
                let sig = key.sign(&SystemRandom::new(), input).map_err(sign_failed)?;
                Ok(sig.as_ref().to_vec())
            }
            SignKey::Ed25519(key) => {
                if !matches!(self.alg, JwsAlgorithm::EdDsa | JwsAlgorithm::Ed25519) {
                    return Err(mismatch(self.alg));
                }
                Ok(key.sign(input).as_ref().to_vec())
            }
        }
    }
}

/// What a verifier checks with: a keyed HMAC, or a parsed public key bound
/// to its algorithm.
enum VerifyKey {
    Hmac(Box<hmac::Key>),
    Public(ParsedPublicKey),
}

/// A verifier of this backend, bound to one algorithm.
struct AwsLcVerifier {
    key: VerifyKey,
    alg: JwsAlgorithm,
    kid: Option<String>,
}

impl core::fmt::Debug for AwsLcVerifier {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("AwsLcVerifier")
            .field("alg", &self.alg)
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

impl Verifier for AwsLcVerifier {
    fn algorithm(&self) -> JwsAlgorithm {
        self.alg
    }

    fn key_id(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    fn verify(&self, input: &[u8], sig: &[u8]) -> Result<(), Error> {
        match &self.key {
            // Constant-time comparison; a tag of the wrong length fails.
            VerifyKey::Hmac(key) => hmac::verify(key, input, sig),
            VerifyKey::Public(key) => key.verify_sig(input, sig),
        }
        .map_err(|_| Error::BadSignature)
    }
}

/// The public key bytes AWS-LC's verification parses for a JWK.
fn public_bytes(jwk: &Jwk) -> Result<Vec<u8>, Error> {
    Ok(match jwk.key() {
        Key::Rsa(_) => convert::rsa_spki(jwk)?.to_vec(),
        Key::Ec(k) => convert::ec_public_checked(k)?,
        Key::Okp(k) if k.crv() == Curve::Ed25519 => {
            // AWS-LC takes any 32 bytes as an Ed25519 key (and fails each
            // verification with a bad one): check the point here, once.
            jose_rustcrypto::RustCryptoKeys
                .check(&jwk.to_public().unwrap_or_else(|| jwk.clone()))?;
            k.x().to_vec()
        }
        Key::Oct(_) => return Err(Error::ApiMisuse("a symmetric key has no public part")),
        _ => return Err(crate::unsupported_key(jwk, "JWS")),
    })
}

/// Builds a verifying key from a public, private or secret JWK: one ready
/// verifier per algorithm.
pub(crate) fn verifying_key(
    jwk: &Jwk,
    provider: &Provider,
) -> Result<Arc<dyn VerifyingKey>, Error> {
    let algorithms = algorithms(jwk, KeyOp::Verify)?;
    let kid = jwk.kid().map(String::from);
    let mut verifiers: Vec<Arc<dyn Verifier>> = Vec::with_capacity(algorithms.len());
    let mut served = Vec::with_capacity(algorithms.len());
    match jwk.key() {
        Key::Oct(k) => {
            for (alg, key) in hmac_keys(k.k(), &algorithms) {
                served.push(alg);
                verifiers.push(Arc::new(AwsLcVerifier {
                    key: VerifyKey::Hmac(Box::new(key)),
                    alg,
                    kid: kid.clone(),
                }));
            }
        }
        _ => {
            let bytes = public_bytes(jwk)?;
            for alg in &algorithms {
                let verification = public_verification(*alg).ok_or_else(|| mismatch(*alg))?;
                let key =
                    ParsedPublicKey::new(verification, &bytes).map_err(crate::rejected("x"))?;
                served.push(*alg);
                verifiers.push(Arc::new(AwsLcVerifier {
                    key: VerifyKey::Public(key),
                    alg: *alg,
                    kid: kid.clone(),
                }));
            }
        }
    }
    if served.is_empty() {
        return Err(Error::invalid_key("k", "is shorter than the hash output"));
    }
    Ok(Arc::new(AwsLcVerifyingKey {
        algorithms: served,
        verifiers,
        kid,
        identity: Arc::new(jwk.identity(provider, 0)),
    }))
}

/// A verifying key with a ready verifier per algorithm.
#[derive(Debug)]
struct AwsLcVerifyingKey {
    algorithms: Vec<JwsAlgorithm>,
    verifiers: Vec<Arc<dyn Verifier>>,
    kid: Option<String>,
    identity: Arc<KeyIdentity>,
}

impl VerifyingKey for AwsLcVerifyingKey {
    fn algorithms(&self) -> &[JwsAlgorithm] {
        &self.algorithms
    }

    fn key_id(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    fn verifier(&self, alg: JwsAlgorithm) -> Result<Arc<dyn Verifier>, Error> {
        self.verifiers
            .iter()
            .find(|v| v.algorithm() == alg)
            .cloned()
            .ok_or_else(|| mismatch(alg))
    }

    fn identity(&self) -> Arc<KeyIdentity> {
        Arc::clone(&self.identity)
    }
}
