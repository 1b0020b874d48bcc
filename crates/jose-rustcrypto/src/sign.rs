//! JWS algorithms (RFC 7518 section 3, RFC 8037, RFC 8812) on RustCrypto.
//!
//! Keys are parsed once into a [`SignKey`] or [`VerifyKey`] and shared
//! through an `Arc` by every signer or verifier bound to one algorithm.
//! Which algorithms a key offers comes from the table of `jose_core::key`
//! (through [`Jwk::signing_algorithms`]); which it can do here depends
//! on the crate features.

use alloc::boxed::Box;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::fmt;

#[cfg(ec)]
use jose_core::Curve;
use jose_core::{
    Error, JwsAlgorithm, KeyIdentity, Policy, Signer, SigningKey, Verifier, VerifyingKey,
};
use jose_jwk::{Jwk, Key, KeyOp, Provider};

#[cfg(any(feature = "rsa", ec, feature = "ed25519"))]
use crate::convert::FromJwk;
use crate::handle::{Bound, Handle, mismatch};

/// A private (or secret) key ready to sign.
enum SignKey {
    #[cfg(feature = "hmac")]
    Hmac(Box<crate::mac::HmacKeys>),
    #[cfg(feature = "rsa")]
    Rsa(Box<rsa::PrivateKey>),
    #[cfg(feature = "p256")]
    P256(p256::ecdsa::SigningKey),
    #[cfg(feature = "p384")]
    P384(p384::ecdsa::SigningKey),
    #[cfg(feature = "p521")]
    P521(p521::ecdsa::SigningKey),
    #[cfg(feature = "k256")]
    K256(k256::ecdsa::SigningKey),
    #[cfg(feature = "ed25519")]
    Ed25519(Box<ed25519_dalek::SigningKey>),
}

/// A public (or secret) key ready to verify.
enum VerifyKey {
    #[cfg(feature = "hmac")]
    Hmac(Box<crate::mac::HmacKeys>),
    #[cfg(feature = "rsa")]
    Rsa(Box<rsa::PublicKey>),
    #[cfg(feature = "p256")]
    P256(p256::ecdsa::VerifyingKey),
    #[cfg(feature = "p384")]
    P384(p384::ecdsa::VerifyingKey),
    #[cfg(feature = "p521")]
    P521(p521::ecdsa::VerifyingKey),
    #[cfg(feature = "k256")]
    K256(k256::ecdsa::VerifyingKey),
    #[cfg(feature = "ed25519")]
    Ed25519(Box<ed25519_dalek::VerifyingKey>),
}

impl fmt::Debug for SignKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match *self {
            #[cfg(feature = "hmac")]
            Self::Hmac(_) => "SignKey::Hmac(***)",
            #[cfg(feature = "rsa")]
            Self::Rsa(_) => "SignKey::Rsa(***)",
            #[cfg(feature = "p256")]
            Self::P256(_) => "SignKey::P256(***)",
            #[cfg(feature = "p384")]
            Self::P384(_) => "SignKey::P384(***)",
            #[cfg(feature = "p521")]
            Self::P521(_) => "SignKey::P521(***)",
            #[cfg(feature = "k256")]
            Self::K256(_) => "SignKey::K256(***)",
            #[cfg(feature = "ed25519")]
            Self::Ed25519(_) => "SignKey::Ed25519(***)",
        })
    }
}

impl fmt::Debug for VerifyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match *self {
            #[cfg(feature = "hmac")]
            Self::Hmac(_) => "VerifyKey::Hmac(***)",
            #[cfg(feature = "rsa")]
            Self::Rsa(_) => "VerifyKey::Rsa",
            #[cfg(feature = "p256")]
            Self::P256(_) => "VerifyKey::P256",
            #[cfg(feature = "p384")]
            Self::P384(_) => "VerifyKey::P384",
            #[cfg(feature = "p521")]
            Self::P521(_) => "VerifyKey::P521",
            #[cfg(feature = "k256")]
            Self::K256(_) => "VerifyKey::K256",
            #[cfg(feature = "ed25519")]
            Self::Ed25519(_) => "VerifyKey::Ed25519",
        })
    }
}

/// Of the algorithms `fitting` a JWK, never none.
fn algorithms(algs: Vec<JwsAlgorithm>) -> Result<Vec<JwsAlgorithm>, Error> {
    if algs.is_empty() {
        return Err(Error::Policy(Policy::KeyAlgorithmMismatch {
            requested: String::from("a JWS algorithm"),
        }));
    }
    Ok(algs)
}

impl SignKey {
    fn from_jwk(jwk: &Jwk) -> Result<Self, Error> {
        Ok(match jwk.key() {
            #[cfg(feature = "hmac")]
            Key::Oct(k) => Self::Hmac(Box::new(crate::mac::HmacKeys::new(k.k())?)),
            #[cfg(feature = "rsa")]
            Key::Rsa(_) => Self::Rsa(Box::new(rsa::PrivateKey::from_jwk(jwk)?)),
            #[cfg(ec)]
            Key::Ec(k) => match k.crv() {
                #[cfg(feature = "p256")]
                Curve::P256 => Self::P256(p256::SecretKey::from_jwk(jwk)?.into()),
                #[cfg(feature = "p384")]
                Curve::P384 => Self::P384(p384::SecretKey::from_jwk(jwk)?.into()),
                #[cfg(feature = "p521")]
                Curve::P521 => Self::P521(p521::SecretKey::from_jwk(jwk)?.into()),
                #[cfg(feature = "k256")]
                Curve::Secp256k1 => Self::K256(k256::SecretKey::from_jwk(jwk)?.into()),
                _ => return Err(crate::unsupported_key(jwk, "JWS")),
            },
            #[cfg(feature = "ed25519")]
            Key::Okp(_) => Self::Ed25519(Box::new(ed25519_dalek::SigningKey::from_jwk(jwk)?)),
            _ => return Err(crate::unsupported_key(jwk, "JWS")),
        })
    }
}

impl VerifyKey {
    /// From a public, private or secret JWK (of a private key, only the
    /// public members are read).
    fn from_jwk(jwk: &Jwk) -> Result<Self, Error> {
        Ok(match jwk.key() {
            #[cfg(feature = "hmac")]
            Key::Oct(k) => Self::Hmac(Box::new(crate::mac::HmacKeys::new(k.k())?)),
            #[cfg(feature = "rsa")]
            Key::Rsa(_) => Self::Rsa(Box::new(rsa::PublicKey::from_jwk(jwk)?)),
            #[cfg(ec)]
            Key::Ec(k) => match k.crv() {
                #[cfg(feature = "p256")]
                Curve::P256 => Self::P256(p256::PublicKey::from_jwk(jwk)?.into()),
                #[cfg(feature = "p384")]
                Curve::P384 => Self::P384(p384::PublicKey::from_jwk(jwk)?.into()),
                #[cfg(feature = "p521")]
                Curve::P521 => Self::P521(p521::PublicKey::from_jwk(jwk)?.into()),
                #[cfg(feature = "k256")]
                Curve::Secp256k1 => Self::K256(k256::PublicKey::from_jwk(jwk)?.into()),
                _ => return Err(crate::unsupported_key(jwk, "JWS")),
            },
            #[cfg(feature = "ed25519")]
            Key::Okp(_) => Self::Ed25519(Box::new(ed25519_dalek::VerifyingKey::from_jwk(jwk)?)),
            _ => return Err(crate::unsupported_key(jwk, "JWS")),
        })
    }
}

/// Builds a signing key from a private JWK.
pub(crate) fn signing_key(jwk: &Jwk, provider: &Provider) -> Result<Arc<dyn SigningKey>, Error> {
    if !jwk.params().allows(KeyOp::Sign) {
        return Err(Error::Policy(Policy::KeyUseForbidden("signing")));
    }
    let algorithms = algorithms(jwk.signing_algorithms())?;
    let key = SignKey::from_jwk(jwk)?;
    Ok(Arc::new(Handle::new(key, algorithms, jwk, provider)))
}

/// Builds a verifying key from a public, private or secret JWK.
pub(crate) fn verifying_key(
    jwk: &Jwk,
    provider: &Provider,
) -> Result<Arc<dyn VerifyingKey>, Error> {
    if !jwk.params().allows(KeyOp::Verify) {
        return Err(Error::Policy(Policy::KeyUseForbidden("verification")));
    }
    let algorithms = algorithms(jwk.verification_algorithms())?;
    let key = VerifyKey::from_jwk(jwk)?;
    let handle = Handle::new(key, algorithms, jwk, provider);
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
    handle: Handle<VerifyKey, JwsAlgorithm>,
    verifiers: Vec<Arc<dyn Verifier>>,
}

impl SigningKey for Handle<SignKey, JwsAlgorithm> {
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

    fn identity(&self) -> Arc<KeyIdentity> {
        Arc::clone(&self.handle.identity)
    }
}

/// Checks that a key that serves one algorithm is asked for that one.
#[cfg(any(ec, feature = "ed25519"))]
fn only(alg: JwsAlgorithm, allowed: &[JwsAlgorithm]) -> Result<(), Error> {
    if allowed.contains(&alg) {
        Ok(())
    } else {
        Err(mismatch(alg))
    }
}

/// Signs with a fixed-size signature encoding: `R || S` for ECDSA (RFC
/// 7518 section 3.4), the 64 bytes of Ed25519.
#[cfg(any(ec, feature = "ed25519"))]
fn sign_fixed<S, K>(key: &K, input: &[u8]) -> Result<Vec<u8>, Error>
where
    K: signature::Signer<S>,
    S: signature::SignatureEncoding,
{
    let sig = key
        .try_sign(input)
        .map_err(|e| Error::Backend(jose_core::BackendError::new("sign", Box::new(e))))?;
    Ok(sig.to_bytes().as_ref().to_vec())
}

/// Verifies a fixed-length `R || S` ECDSA signature: the signature type
/// refuses any other length, so DER signatures never verify.
#[cfg(nist_ecdh)]
fn verify_fixed<S, K>(key: &K, input: &[u8], sig: &[u8]) -> Result<(), Error>
where
    K: signature::Verifier<S>,
    S: for<'a> TryFrom<&'a [u8]>,
{
    let sig = S::try_from(sig).map_err(|_| Error::BadSignature)?;
    key.verify(input, &sig).map_err(|_| Error::BadSignature)
}

impl Signer for Bound<SignKey, JwsAlgorithm> {
    fn algorithm(&self) -> JwsAlgorithm {
        self.alg
    }

    fn key_id(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    fn sign(&self, input: &[u8]) -> Result<Vec<u8>, Error> {
        #[cfg(any(ec, feature = "ed25519"))]
        use JwsAlgorithm as A;
        match *self.key {
            #[cfg(feature = "hmac")]
            SignKey::Hmac(ref k) => k.sign(self.alg, input),
            #[cfg(feature = "rsa")]
            SignKey::Rsa(ref k) => crate::rsa_key::sign(k, self.alg, input, self.provider.random),
            #[cfg(feature = "p256")]
            SignKey::P256(ref k) => {
                only(self.alg, &[A::Es256])?;
                sign_fixed::<p256::ecdsa::Signature, _>(k, input)
            }
            #[cfg(feature = "p384")]
            SignKey::P384(ref k) => {
                only(self.alg, &[A::Es384])?;
                sign_fixed::<p384::ecdsa::Signature, _>(k, input)
            }
            #[cfg(feature = "p521")]
            SignKey::P521(ref k) => {
                only(self.alg, &[A::Es512])?;
                sign_fixed::<p521::ecdsa::Signature, _>(k, input)
            }
            #[cfg(feature = "k256")]
            SignKey::K256(ref k) => {
                only(self.alg, &[A::Es256K])?;
                sign_fixed::<k256::ecdsa::Signature, _>(k, input)
            }
            #[cfg(feature = "ed25519")]
            SignKey::Ed25519(ref k) => {
                only(self.alg, &[A::EdDsa, A::Ed25519])?;
                sign_fixed::<ed25519_dalek::Signature, _>(&**k, input)
            }
        }
    }
}

impl Verifier for Bound<VerifyKey, JwsAlgorithm> {
    fn algorithm(&self) -> JwsAlgorithm {
        self.alg
    }

    fn key_id(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    fn verify(&self, input: &[u8], sig: &[u8]) -> Result<(), Error> {
        #[cfg(any(ec, feature = "ed25519"))]
        use JwsAlgorithm as A;
        match *self.key {
            #[cfg(feature = "hmac")]
            VerifyKey::Hmac(ref k) => k.verify(self.alg, input, sig),
            #[cfg(feature = "rsa")]
            VerifyKey::Rsa(ref k) => crate::rsa_key::verify(k, self.alg, input, sig),
            #[cfg(feature = "p256")]
            VerifyKey::P256(ref k) => {
                only(self.alg, &[A::Es256])?;
                verify_fixed::<p256::ecdsa::Signature, _>(k, input, sig)
            }
            #[cfg(feature = "p384")]
            VerifyKey::P384(ref k) => {
                only(self.alg, &[A::Es384])?;
                verify_fixed::<p384::ecdsa::Signature, _>(k, input, sig)
            }
            #[cfg(feature = "p521")]
            VerifyKey::P521(ref k) => {
                only(self.alg, &[A::Es512])?;
                verify_fixed::<p521::ecdsa::Signature, _>(k, input, sig)
            }
            #[cfg(feature = "k256")]
            VerifyKey::K256(ref k) => {
                use signature::Verifier as _;
                only(self.alg, &[A::Es256K])?;
                // RFC 8812 does not require low-S, and other implementations
                // (OpenSSL among them) emit high-S signatures: accept both.
                let s = k256::ecdsa::Signature::from_slice(sig).map_err(|_| Error::BadSignature)?;
                k.verify(input, &s.normalize_s())
                    .map_err(|_| Error::BadSignature)
            }
            #[cfg(feature = "ed25519")]
            VerifyKey::Ed25519(ref k) => {
                only(self.alg, &[A::EdDsa, A::Ed25519])?;
                crate::ed25519::verify(k, input, sig)
            }
        }
    }
}
