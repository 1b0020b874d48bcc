//! JWS algorithms (RFC 7518 section 3, RFC 8037, RFC 8812) on RustCrypto.
//!
//! Keys are parsed once into a [`SignKey`] or [`VerifyKey`] and shared
//! through an `Arc` by every signer or verifier bound to one algorithm.

use alloc::boxed::Box;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::fmt;

use hmac::{KeyInit, Mac};
use jose_core::{
    BackendError, Curve, Error, JwsAlgorithm, Policy, Secret, Signer, SigningKey, Verifier,
    VerifyingKey,
};
use jose_jwk::{Jwk, Key, KeyOp};
use sha2::{Sha256, Sha384, Sha512};

use crate::convert::FromJwk;

/// A private (or secret) key ready to sign.
enum SignKey {
    Hmac(Box<HmacKeys>),
    Rsa(Box<rsa::PrivateKey>),
    P256(p256::ecdsa::SigningKey),
    P384(p384::ecdsa::SigningKey),
    P521(p521::ecdsa::SigningKey),
    K256(k256::ecdsa::SigningKey),
    Ed25519(Box<ed25519_dalek::SigningKey>),
}

/// A public (or secret) key ready to verify.
enum VerifyKey {
    Hmac(Box<HmacKeys>),
    Rsa(Box<rsa::PublicKey>),
    P256(p256::ecdsa::VerifyingKey),
    P384(p384::ecdsa::VerifyingKey),
    P521(p521::ecdsa::VerifyingKey),
    K256(k256::ecdsa::VerifyingKey),
    Ed25519(Box<ed25519_dalek::VerifyingKey>),
}

impl fmt::Debug for SignKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Hmac(_) => "SignKey::Hmac(***)",
            Self::Rsa(_) => "SignKey::Rsa(***)",
            Self::P256(_) => "SignKey::P256(***)",
            Self::P384(_) => "SignKey::P384(***)",
            Self::P521(_) => "SignKey::P521(***)",
            Self::K256(_) => "SignKey::K256(***)",
            Self::Ed25519(_) => "SignKey::Ed25519(***)",
        })
    }
}

impl fmt::Debug for VerifyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Hmac(_) => "VerifyKey::Hmac(***)",
            Self::Rsa(_) => "VerifyKey::Rsa",
            Self::P256(_) => "VerifyKey::P256",
            Self::P384(_) => "VerifyKey::P384",
            Self::P521(_) => "VerifyKey::P521",
            Self::K256(_) => "VerifyKey::K256",
            Self::Ed25519(_) => "VerifyKey::Ed25519",
        })
    }
}

const RSA_ALGS: &[JwsAlgorithm] = &[
    JwsAlgorithm::Rs256,
    JwsAlgorithm::Rs384,
    JwsAlgorithm::Rs512,
    JwsAlgorithm::Ps256,
    JwsAlgorithm::Ps384,
    JwsAlgorithm::Ps512,
];
const HMAC_ALGS: &[JwsAlgorithm] = &[
    JwsAlgorithm::Hs256,
    JwsAlgorithm::Hs384,
    JwsAlgorithm::Hs512,
];
const ED25519_ALGS: &[JwsAlgorithm] = &[JwsAlgorithm::EdDsa, JwsAlgorithm::Ed25519];

/// The algorithms a JWK may sign or verify with: those of its type and
/// size, narrowed to its `alg` member when it has one.
fn algorithms(jwk: &Jwk) -> Result<Vec<JwsAlgorithm>, Error> {
    let candidates: Vec<JwsAlgorithm> = match jwk.key() {
        Key::Rsa(_) => RSA_ALGS.to_vec(),
        Key::Oct(k) => HMAC_ALGS
            .iter()
            .copied()
            .filter(|a| k.k().len() >= a.hash_len())
            .collect(),
        Key::Ec(k) => match k.crv() {
            Curve::P256 => alloc::vec![JwsAlgorithm::Es256],
            Curve::P384 => alloc::vec![JwsAlgorithm::Es384],
            Curve::P521 => alloc::vec![JwsAlgorithm::Es512],
            Curve::Secp256k1 => alloc::vec![JwsAlgorithm::Es256K],
            _ => Vec::new(),
        },
        Key::Okp(k) if k.crv() == Curve::Ed25519 => ED25519_ALGS.to_vec(),
        _ => Vec::new(),
    };
    let algs: Vec<JwsAlgorithm> = match jwk.alg() {
        Some(jose_core::Algorithm::Signature(a)) => {
            candidates.into_iter().filter(|c| *c == a).collect()
        }
        Some(_) => Vec::new(),
        None => candidates,
    };
    if algs.is_empty() {
        return Err(Error::Policy(Policy::KeyAlgorithmMismatch {
            requested: String::from("a JWS algorithm"),
        }));
    }
    Ok(algs)
}

fn mismatch(alg: JwsAlgorithm) -> Error {
    Error::Policy(Policy::KeyAlgorithmMismatch {
        requested: String::from(alg.name()),
    })
}

/// Builds a signing key from a private JWK.
pub(crate) fn signing_key(jwk: &Jwk) -> Result<Arc<dyn SigningKey>, Error> {
    if !jwk.params().allows(KeyOp::Sign) {
        return Err(Error::Policy(Policy::KeyUseForbidden("signing")));
    }
    let algorithms = algorithms(jwk)?;
    let key = match jwk.key() {
        Key::Oct(k) => SignKey::Hmac(Box::new(HmacKeys::new(k.k())?)),
        Key::Rsa(_) => SignKey::Rsa(Box::new(rsa::PrivateKey::from_jwk(jwk)?)),
        Key::Ec(k) => match k.crv() {
            Curve::P256 => SignKey::P256(p256::SecretKey::from_jwk(jwk)?.into()),
            Curve::P384 => SignKey::P384(p384::SecretKey::from_jwk(jwk)?.into()),
            Curve::P521 => SignKey::P521(p521::SecretKey::from_jwk(jwk)?.into()),
            Curve::Secp256k1 => SignKey::K256(k256::SecretKey::from_jwk(jwk)?.into()),
            _ => return Err(mismatch(JwsAlgorithm::Es256)),
        },
        Key::Okp(_) => SignKey::Ed25519(Box::new(ed25519_dalek::SigningKey::from_jwk(jwk)?)),
    };
    Ok(Arc::new(KeyHandle {
        key: Arc::new(key),
        algorithms,
        kid: jwk.kid().map(String::from),
    }))
}

/// Builds a verifying key from a public, private or secret JWK.
pub(crate) fn verifying_key(jwk: &Jwk) -> Result<Arc<dyn VerifyingKey>, Error> {
    if !jwk.params().allows(KeyOp::Verify) {
        return Err(Error::Policy(Policy::KeyUseForbidden("verification")));
    }
    let algorithms = algorithms(jwk)?;
    let public = jwk.to_public();
    let public = public.as_ref().unwrap_or(jwk);
    let key = match jwk.key() {
        Key::Oct(k) => VerifyKey::Hmac(Box::new(HmacKeys::new(k.k())?)),
        Key::Rsa(_) => VerifyKey::Rsa(Box::new(rsa::PublicKey::from_jwk(public)?)),
        Key::Ec(k) => match k.crv() {
            Curve::P256 => VerifyKey::P256(p256::PublicKey::from_jwk(public)?.into()),
            Curve::P384 => VerifyKey::P384(p384::PublicKey::from_jwk(public)?.into()),
            Curve::P521 => VerifyKey::P521(p521::PublicKey::from_jwk(public)?.into()),
            Curve::Secp256k1 => VerifyKey::K256(k256::PublicKey::from_jwk(public)?.into()),
            _ => return Err(mismatch(JwsAlgorithm::Es256)),
        },
        Key::Okp(_) => VerifyKey::Ed25519(Box::new(ed25519_dalek::VerifyingKey::from_jwk(public)?)),
    };
    let handle = KeyHandle {
        key: Arc::new(key),
        algorithms,
        kid: jwk.kid().map(String::from),
    };
    // Bind every algorithm once: a verification then costs no allocation
    // for its verifier.
    let verifiers = handle
        .algorithms
        .iter()
        .map(|alg| handle.bind(*alg).map(|b| Arc::new(b) as Arc<dyn Verifier>))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Arc::new(ReadyVerifiers { handle, verifiers }))
}

/// A verifying key with a ready verifier per algorithm.
#[derive(Debug)]
struct ReadyVerifiers {
    handle: KeyHandle<VerifyKey>,
    verifiers: Vec<Arc<dyn Verifier>>,
}

/// A parsed key with the algorithms it may be used with.
#[derive(Debug)]
struct KeyHandle<K> {
    key: Arc<K>,
    algorithms: Vec<JwsAlgorithm>,
    kid: Option<String>,
}

/// A parsed key bound to one algorithm.
#[derive(Debug)]
struct Bound<K> {
    key: Arc<K>,
    alg: JwsAlgorithm,
    kid: Option<String>,
}

impl<K> KeyHandle<K> {
    fn bind(&self, alg: JwsAlgorithm) -> Result<Bound<K>, Error> {
        if !self.algorithms.contains(&alg) {
            return Err(mismatch(alg));
        }
        Ok(Bound {
            key: Arc::clone(&self.key),
            alg,
            kid: self.kid.clone(),
        })
    }
}

impl SigningKey for KeyHandle<SignKey> {
    fn algorithms(&self) -> &[JwsAlgorithm] {
        &self.algorithms
    }

    fn key_id(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    fn signer(&self, alg: JwsAlgorithm) -> Result<Box<dyn Signer>, Error> {
        Ok(Box::new(self.bind(alg)?))
    }
}

impl VerifyingKey for ReadyVerifiers {
    fn algorithms(&self) -> &[JwsAlgorithm] {
        &self.handle.algorithms
    }

    fn key_id(&self) -> Option<&str> {
        self.handle.kid.as_deref()
    }

    fn verifier(&self, alg: JwsAlgorithm) -> Result<Arc<dyn Verifier>, Error> {
        self.verifiers
            .iter()
            .find(|v| v.algorithm() == alg)
            .cloned()
            .ok_or_else(|| mismatch(alg))
    }
}

/// Any verification failure, whatever its cause, is the same error.
fn bad<E>(_: E) -> Error {
    Error::BadSignature
}

fn backend(context: &'static str, e: impl core::error::Error + Send + Sync + 'static) -> Error {
    Error::Backend(BackendError::new(context, Box::new(e)))
}

/// HMAC states keyed once (the inner and outer pads hashed), for each hash
/// the key is long enough for (RFC 7518 section 3.2); cloned per use.
/// Zeroized on drop (the `hmac` crate's `zeroize` feature).
#[derive(Clone)]
struct HmacKeys {
    h256: Option<hmac::Hmac<Sha256>>,
    h384: Option<hmac::Hmac<Sha384>>,
    h512: Option<hmac::Hmac<Sha512>>,
}

impl HmacKeys {
    fn new(key: &Secret) -> Result<Self, Error> {
        fn keyed<D>(key: &Secret, min: usize) -> Result<Option<hmac::Hmac<D>>, Error>
        where
            hmac::Hmac<D>: KeyInit,
            D: hmac::EagerHash,
        {
            if key.len() < min {
                return Ok(None);
            }
            <hmac::Hmac<D> as KeyInit>::new_from_slice(key.expose())
                .map(Some)
                .map_err(|_| Error::invalid_key("k", "cannot be used as an HMAC key"))
        }
        Ok(Self {
            h256: keyed(key, 32)?,
            h384: keyed(key, 48)?,
            h512: keyed(key, 64)?,
        })
    }
}

fn hmac<M: Mac + Clone>(keyed: Option<&M>, data: &[u8]) -> Result<Vec<u8>, Error> {
    let mut mac = keyed
        .cloned()
        .ok_or_else(|| Error::invalid_key("k", "is shorter than the hash output"))?;
    mac.update(data);
    Ok(mac.finalize().into_bytes().to_vec())
}

fn hmac_verify<M: Mac + Clone>(keyed: Option<&M>, data: &[u8], tag: &[u8]) -> Result<(), Error> {
    let mut mac = keyed.cloned().ok_or(Error::BadSignature)?;
    mac.update(data);
    // Constant-time comparison; a tag of the wrong length fails too.
    mac.verify_slice(tag).map_err(|_| Error::BadSignature)
}

impl Signer for Bound<SignKey> {
    fn algorithm(&self) -> JwsAlgorithm {
        self.alg
    }

    fn key_id(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    fn sign(&self, input: &[u8]) -> Result<Vec<u8>, Error> {
        use JwsAlgorithm as A;
        use signature::Signer as _;
        match (&*self.key, self.alg) {
            (SignKey::Hmac(k), A::Hs256) => hmac(k.h256.as_ref(), input),
            (SignKey::Hmac(k), A::Hs384) => hmac(k.h384.as_ref(), input),
            (SignKey::Hmac(k), A::Hs512) => hmac(k.h512.as_ref(), input),
            (SignKey::Rsa(k), A::Rs256) => k
                .pkcs1v15_sign::<Sha256>(input)
                .map_err(|e| backend("rsa sign", e)),
            (SignKey::Rsa(k), A::Rs384) => k
                .pkcs1v15_sign::<Sha384>(input)
                .map_err(|e| backend("rsa sign", e)),
            (SignKey::Rsa(k), A::Rs512) => k
                .pkcs1v15_sign::<Sha512>(input)
                .map_err(|e| backend("rsa sign", e)),
            (SignKey::Rsa(k), A::Ps256) => k
                .pss_sign_with_rng::<Sha256, _>(&mut getrandom::SysRng, input)
                .map_err(|e| backend("rsa sign", e)),
            (SignKey::Rsa(k), A::Ps384) => k
                .pss_sign_with_rng::<Sha384, _>(&mut getrandom::SysRng, input)
                .map_err(|e| backend("rsa sign", e)),
            (SignKey::Rsa(k), A::Ps512) => k
                .pss_sign_with_rng::<Sha512, _>(&mut getrandom::SysRng, input)
                .map_err(|e| backend("rsa sign", e)),
            (SignKey::P256(k), A::Es256) => {
                let sig: p256::ecdsa::Signature =
                    k.try_sign(input).map_err(|e| backend("ecdsa sign", e))?;
                Ok(sig.to_bytes().to_vec())
            }
            (SignKey::P384(k), A::Es384) => {
                let sig: p384::ecdsa::Signature =
                    k.try_sign(input).map_err(|e| backend("ecdsa sign", e))?;
                Ok(sig.to_bytes().to_vec())
            }
            (SignKey::P521(k), A::Es512) => {
                let sig: p521::ecdsa::Signature =
                    k.try_sign(input).map_err(|e| backend("ecdsa sign", e))?;
                Ok(sig.to_bytes().to_vec())
            }
            (SignKey::K256(k), A::Es256K) => {
                let sig: k256::ecdsa::Signature =
                    k.try_sign(input).map_err(|e| backend("ecdsa sign", e))?;
                Ok(sig.to_bytes().to_vec())
            }
            (SignKey::Ed25519(k), A::EdDsa | A::Ed25519) => {
                let sig: ed25519_dalek::Signature =
                    k.try_sign(input).map_err(|e| backend("ed25519 sign", e))?;
                Ok(sig.to_bytes().to_vec())
            }
            (_, alg) => Err(mismatch(alg)),
        }
    }
}

impl Verifier for Bound<VerifyKey> {
    fn algorithm(&self) -> JwsAlgorithm {
        self.alg
    }

    fn key_id(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    fn verify(&self, input: &[u8], sig: &[u8]) -> Result<(), Error> {
        use JwsAlgorithm as A;
        use signature::Verifier as _;
        match (&*self.key, self.alg) {
            (VerifyKey::Hmac(k), A::Hs256) => hmac_verify(k.h256.as_ref(), input, sig),
            (VerifyKey::Hmac(k), A::Hs384) => hmac_verify(k.h384.as_ref(), input, sig),
            (VerifyKey::Hmac(k), A::Hs512) => hmac_verify(k.h512.as_ref(), input, sig),
            (VerifyKey::Rsa(k), A::Rs256) => k.pkcs1v15_verify::<Sha256>(input, sig).map_err(bad),
            (VerifyKey::Rsa(k), A::Rs384) => k.pkcs1v15_verify::<Sha384>(input, sig).map_err(bad),
            (VerifyKey::Rsa(k), A::Rs512) => k.pkcs1v15_verify::<Sha512>(input, sig).map_err(bad),
            (VerifyKey::Rsa(k), A::Ps256) => k.pss_verify::<Sha256>(input, sig).map_err(bad),
            (VerifyKey::Rsa(k), A::Ps384) => k.pss_verify::<Sha384>(input, sig).map_err(bad),
            (VerifyKey::Rsa(k), A::Ps512) => k.pss_verify::<Sha512>(input, sig).map_err(bad),
            // Fixed-length R || S only (RFC 7518 section 3.4): `from_slice`
            // refuses any other length, so DER signatures never verify.
            (VerifyKey::P256(k), A::Es256) => {
                let s = p256::ecdsa::Signature::from_slice(sig).map_err(bad)?;
                k.verify(input, &s).map_err(bad)
            }
            (VerifyKey::P384(k), A::Es384) => {
                let s = p384::ecdsa::Signature::from_slice(sig).map_err(bad)?;
                k.verify(input, &s).map_err(bad)
            }
            (VerifyKey::P521(k), A::Es512) => {
                let s = p521::ecdsa::Signature::from_slice(sig).map_err(bad)?;
                k.verify(input, &s).map_err(bad)
            }
            (VerifyKey::K256(k), A::Es256K) => {
                // RFC 8812 does not require low-S, and other implementations
                // (OpenSSL among them) emit high-S signatures: accept both.
                let s = k256::ecdsa::Signature::from_slice(sig).map_err(bad)?;
                k.verify(input, &s.normalize_s()).map_err(bad)
            }
            (VerifyKey::Ed25519(k), A::EdDsa | A::Ed25519) => {
                let s = ed25519_dalek::Signature::from_slice(sig).map_err(bad)?;
                k.verify_strict(input, &s).map_err(bad)
            }
            (_, alg) => Err(mismatch(alg)),
        }
    }
}
