//! The floors: the raw primitive of each operation on the same bytes, with
//! keys held ready, from RustCrypto and from AWS-LC.

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{self as lc, KeyPair as _};
use hmac::{KeyInit as _, Mac as _};
use jose_core::JwsAlgorithm;
use jose_jwk::KeyFormat;

use crate::Keys;

/// A primitive: one signing and one verification of the same bytes (for
/// JWE: one seal and one open).
pub struct Floor {
    pub name: String,
    pub sign: Box<dyn Fn() -> Vec<u8>>,
    pub verify: Box<dyn Fn() -> bool>,
}

/// The floors of a JWS algorithm over `input` (the signing input of a
/// token of ours).
pub fn jws(keys: &Keys, input: &[u8]) -> Vec<Floor> {
    let input = input.to_vec();
    let mut out = Vec::new();
    match keys.alg {
        JwsAlgorithm::Hs256 => {
            let mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(&keys.secret()).unwrap();
            let (m1, i1, i2) = (mac.clone(), input.clone(), input.clone());
            let tag = mac
                .clone()
                .chain_update(&input)
                .finalize()
                .into_bytes()
                .to_vec();
            out.push(Floor {
                name: "floor (RustCrypto)".into(),
                sign: Box::new(move || {
                    m1.clone()
                        .chain_update(&i1)
                        .finalize()
                        .into_bytes()
                        .to_vec()
                }),
                verify: Box::new(move || mac.clone().chain_update(&i2).verify_slice(&tag).is_ok()),
            });
            let key = aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, &keys.secret());
            let tag = aws_lc_rs::hmac::sign(&key, &input).as_ref().to_vec();
            let (k1, i1) = (key.clone(), input.clone());
            out.push(Floor {
                name: "floor (aws-lc)".into(),
                sign: Box::new(move || aws_lc_rs::hmac::sign(&k1, &i1).as_ref().to_vec()),
                verify: Box::new(move || aws_lc_rs::hmac::verify(&key, &input, &tag).is_ok()),
            });
        }
        alg => {
            out.push(rustcrypto(keys, &input));
            let (signing, verification): (
                &'static dyn LcSign,
                &'static dyn lc::VerificationAlgorithm,
            ) = match alg {
                JwsAlgorithm::Rs256 => (&RsaSha256, &lc::RSA_PKCS1_2048_8192_SHA256),
                JwsAlgorithm::Es256 => (
                    &Ecdsa(&lc::ECDSA_P256_SHA256_FIXED_SIGNING),
                    &lc::ECDSA_P256_SHA256_FIXED,
                ),
                JwsAlgorithm::Es384 => (
                    &Ecdsa(&lc::ECDSA_P384_SHA384_FIXED_SIGNING),
                    &lc::ECDSA_P384_SHA384_FIXED,
                ),
                JwsAlgorithm::EdDsa => (&Ed25519, &lc::ED25519),
                other => panic!("no floor for {other}"),
            };
            let der = keys.jwk.to_der(KeyFormat::Pkcs8).unwrap();
            let sign = signing.load(&der);
            let public = lc::ParsedPublicKey::new(verification, sign.public()).unwrap();
            let sig = sign.sign(&input);
            let i1 = input.clone();
            out.push(Floor {
                name: "floor (aws-lc)".into(),
                sign: Box::new(move || sign.sign(&i1)),
                verify: Box::new(move || public.verify_sig(&input, &sig).is_ok()),
            });
        }
    }
    out
}

/// The RustCrypto floor of an asymmetric algorithm, keys converted once
/// by jose-rustcrypto's own conversions (RSA with its CRT values).
fn rustcrypto(keys: &Keys, input: &[u8]) -> Floor {
    use jose_rustcrypto::convert::FromJwk;
    use signature::{Signer as _, Verifier as _};
    let name = "floor (RustCrypto)".to_string();
    let (i1, i2) = (input.to_vec(), input.to_vec());
    match keys.alg {
        JwsAlgorithm::Rs256 => {
            let key = rsa::PrivateKey::from_jwk(&keys.jwk).unwrap();
            let public = rsa::PublicKey::from_jwk(&keys.public()).unwrap();
            let sig = key
                .pkcs1v15_sign_with_rng::<sha2::Sha256, _>(&mut getrandom::SysRng, input)
                .unwrap();
            Floor {
                name,
                sign: Box::new(move || {
                    key.pkcs1v15_sign_with_rng::<sha2::Sha256, _>(&mut getrandom::SysRng, &i1)
                        .unwrap()
                }),
                verify: Box::new(move || public.pkcs1v15_verify::<sha2::Sha256>(&i2, &sig).is_ok()),
            }
        }
        JwsAlgorithm::Es256 => {
            let key: p256::ecdsa::SigningKey = p256::SecretKey::from_jwk(&keys.jwk).unwrap().into();
            let public = *key.verifying_key();
            let sig: p256::ecdsa::Signature = key.sign(input);
            Floor {
                name,
                sign: Box::new(move || {
                    let s: p256::ecdsa::Signature = key.sign(&i1);
                    s.to_bytes().to_vec()
                }),
                verify: Box::new(move || public.verify(&i2, &sig).is_ok()),
            }
        }
        JwsAlgorithm::Es384 => {
            let key: p384::ecdsa::SigningKey = p384::SecretKey::from_jwk(&keys.jwk).unwrap().into();
            let public = *key.verifying_key();
            let sig: p384::ecdsa::Signature = key.sign(input);
            Floor {
                name,
                sign: Box::new(move || {
                    let s: p384::ecdsa::Signature = key.sign(&i1);
                    s.to_bytes().to_vec()
                }),
                verify: Box::new(move || public.verify(&i2, &sig).is_ok()),
            }
        }
        JwsAlgorithm::EdDsa => {
            let key = ed25519_dalek::SigningKey::from_jwk(&keys.jwk).unwrap();
            let public = key.verifying_key();
            let sig = key.sign(input);
            Floor {
                name: "floor (RustCrypto, strict verification)".into(),
                sign: Box::new(move || key.sign(&i1).to_bytes().to_vec()),
                verify: Box::new(move || public.verify_strict(&i2, &sig).is_ok()),
            }
        }
        other => panic!("no RustCrypto floor for {other}"),
    }
}

/// An AWS-LC signing key, loaded from PKCS#8.
trait LcSign: Sync {
    fn load(&self, pkcs8: &[u8]) -> Box<dyn LoadedSign>;
}

trait LoadedSign {
    fn sign(&self, input: &[u8]) -> Vec<u8>;
    fn public(&self) -> Vec<u8>;
}

struct RsaSha256;
struct Ecdsa(&'static lc::EcdsaSigningAlgorithm);
struct Ed25519;

impl LcSign for RsaSha256 {
    fn load(&self, pkcs8: &[u8]) -> Box<dyn LoadedSign> {
        Box::new(lc::RsaKeyPair::from_pkcs8(pkcs8).unwrap())
    }
}

impl LoadedSign for lc::RsaKeyPair {
    fn sign(&self, input: &[u8]) -> Vec<u8> {
        let mut sig = vec![0u8; self.public_modulus_len()];
        lc::RsaKeyPair::sign(
            self,
            &lc::RSA_PKCS1_SHA256,
            &SystemRandom::new(),
            input,
            &mut sig,
        )
        .unwrap();
        sig
    }
    fn public(&self) -> Vec<u8> {
        self.public_key().as_ref().to_vec()
    }
}

impl LcSign for Ecdsa {
    fn load(&self, pkcs8: &[u8]) -> Box<dyn LoadedSign> {
        Box::new(lc::EcdsaKeyPair::from_pkcs8(self.0, pkcs8).unwrap())
    }
}

impl LoadedSign for lc::EcdsaKeyPair {
    fn sign(&self, input: &[u8]) -> Vec<u8> {
        lc::EcdsaKeyPair::sign(self, &SystemRandom::new(), input)
            .unwrap()
            .as_ref()
            .to_vec()
    }
    fn public(&self) -> Vec<u8> {
        self.public_key().as_ref().to_vec()
    }
}

impl LcSign for Ed25519 {
    fn load(&self, pkcs8: &[u8]) -> Box<dyn LoadedSign> {
        Box::new(lc::Ed25519KeyPair::from_pkcs8_maybe_unchecked(pkcs8).unwrap())
    }
}

impl LoadedSign for lc::Ed25519KeyPair {
    fn sign(&self, input: &[u8]) -> Vec<u8> {
        lc::Ed25519KeyPair::sign(self, input).as_ref().to_vec()
    }
    fn public(&self) -> Vec<u8> {
        self.public_key().as_ref().to_vec()
    }
}

/// The floors of AES-256-GCM on the JWE payload: `sign` seals, `verify`
/// opens.
pub fn aes_gcm(payload: &[u8]) -> Vec<Floor> {
    use aes_gcm::aead::{AeadInOut, KeyInit};
    use aws_lc_rs::aead::{AES_256_GCM, Aad, LessSafeKey, Nonce, UnboundKey};
    let key = [7u8; 32];
    let iv = [9u8; 12];
    let rc = aes_gcm::Aes256Gcm::new_from_slice(&key).unwrap();
    let nonce = aes_gcm::Nonce::<aes_gcm::aead::consts::U12>::from(iv);
    let mut sealed = payload.to_vec();
    let tag = rc
        .encrypt_inout_detached(&nonce, b"aad", sealed.as_mut_slice().into())
        .unwrap();
    let lc = || LessSafeKey::new(UnboundKey::new(&AES_256_GCM, &key).unwrap());
    let (seal_rc, open_rc, seal_lc, open_lc) = (rc.clone(), rc, lc(), lc());
    let (p1, p2, s1, s2) = (payload.to_vec(), payload.to_vec(), sealed.clone(), sealed);
    vec![
        Floor {
            name: "floor (RustCrypto)".into(),
            sign: Box::new(move || {
                let mut buf = p1.clone();
                let tag = seal_rc
                    .encrypt_inout_detached(&nonce, b"aad", buf.as_mut_slice().into())
                    .unwrap();
                buf.extend_from_slice(&tag);
                buf
            }),
            verify: Box::new(move || {
                let mut buf = s1.clone();
                open_rc
                    .decrypt_inout_detached(&nonce, b"aad", buf.as_mut_slice().into(), &tag)
                    .is_ok()
            }),
        },
        Floor {
            name: "floor (aws-lc)".into(),
            sign: Box::new(move || {
                let mut buf = p2.clone();
                let tag = seal_lc
                    .seal_in_place_separate_tag(
                        Nonce::assume_unique_for_key(iv),
                        Aad::from(b"aad"),
                        &mut buf,
                    )
                    .unwrap();
                buf.extend_from_slice(tag.as_ref());
                buf
            }),
            verify: Box::new(move || {
                let mut buf = s2.clone();
                open_lc
                    .open_in_place_separate_tag(
                        Nonce::assume_unique_for_key(iv),
                        Aad::from(b"aad"),
                        &tag,
                        &mut buf,
                    )
                    .is_ok()
            }),
        },
    ]
}
