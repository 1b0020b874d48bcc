//! JWE key management (RFC 7518 section 4) on AWS-LC: RSA1_5 and
//! RSA-OAEP, AES key wrap, `dir`, ECDH-ES (P-256, P-384, P-521, X25519)
//! with and without key wrap, AES-GCM key wrap, PBES2.
//!
//! The JOSE steps around the primitives (Concat KDF, PBES2 salt and
//! bounds, RSA1_5's random CEK, the key wrap after an agreement) are those
//! of `jose_core::key_management`, over the provider's hasher, key wrap
//! and random source.

use core::num::NonZeroU32;
use std::sync::Arc;

use aws_lc_rs::agreement;
use aws_lc_rs::pbkdf2;
use aws_lc_rs::rsa::{
    OAEP_SHA1_MGF1SHA1, OAEP_SHA256_MGF1SHA256, OAEP_SHA384_MGF1SHA384, OAEP_SHA512_MGF1SHA512,
    OaepAlgorithm, OaepPrivateDecryptingKey, OaepPublicEncryptingKey, Pkcs1PrivateDecryptingKey,
    Pkcs1PublicEncryptingKey,
};
use jose_core::json::Object;
use jose_core::key_management as km;
use jose_core::{
    ContentEncryptionAlgorithm, Curve, DecryptingKey, EncryptingKey, Error, HashAlgorithm, Header,
    KeyDecryptor, KeyEncryptor, KeyIdentity, KeyManagementAlgorithm as K, MalformedReason, Policy,
    WrappedKey,
};
use jose_jwk::{Jwk, Key, Provider, SharedKey};
use zeroize::Zeroizing;

use crate::convert;

/// The sender's view of a recipient: its public key, or the shared key.
enum WrappingKey {
    Rsa {
        oaep: OaepPublicEncryptingKey,
        pkcs1: Pkcs1PublicEncryptingKey,
    },
    Oct(SharedKey),
    Ecdh(Curve, agreement::ParsedPublicKey),
}

/// The recipient's own key: private, or the shared key.
enum UnwrappingKey {
    Rsa {
        oaep: OaepPrivateDecryptingKey,
        pkcs1: Pkcs1PrivateDecryptingKey,
    },
    Oct(SharedKey),
    Ecdh(Curve, agreement::PrivateKey),
}

impl core::fmt::Debug for WrappingKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Self::Rsa { .. } => "WrappingKey::Rsa",
            Self::Oct(_) => "WrappingKey::Oct(***)",
            Self::Ecdh(..) => "WrappingKey::Ecdh",
        })
    }
}

impl core::fmt::Debug for UnwrappingKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Self::Rsa { .. } => "UnwrappingKey::Rsa(***)",
            Self::Oct(_) => "UnwrappingKey::Oct(***)",
            Self::Ecdh(..) => "UnwrappingKey::Ecdh(***)",
        })
    }
}

/// A failure of AWS-LC that is not the message's fault.
fn backend(context: &'static str) -> impl Fn(aws_lc_rs::error::Unspecified) -> Error {
    move |_| Error::Backend(jose_core::BackendError::new(context, "AWS-LC failed"))
}

/// AWS-LC's OAEP parameters of an algorithm.
fn oaep(alg: K) -> Option<&'static OaepAlgorithm> {
    match alg {
        K::RsaOaep => Some(&OAEP_SHA1_MGF1SHA1),
        K::RsaOaep256 => Some(&OAEP_SHA256_MGF1SHA256),
        K::RsaOaep384 => Some(&OAEP_SHA384_MGF1SHA384),
        K::RsaOaep512 => Some(&OAEP_SHA512_MGF1SHA512),
        _ => None,
    }
}

/// PBKDF2 with HMAC over `hash` on AWS-LC, as `km::Pbkdf2`.
fn pbkdf2(
    hash: HashAlgorithm,
    password: &[u8],
    salt: &[u8],
    rounds: u32,
    out: &mut [u8],
) -> Result<(), Error> {
    let algorithm = match hash {
        HashAlgorithm::Sha256 => pbkdf2::PBKDF2_HMAC_SHA256,
        HashAlgorithm::Sha384 => pbkdf2::PBKDF2_HMAC_SHA384,
        HashAlgorithm::Sha512 => pbkdf2::PBKDF2_HMAC_SHA512,
        other => return Err(crate::unsupported(&format!("PBKDF2 with {}", other.name()))),
    };
    let rounds = NonZeroU32::new(rounds).ok_or(Error::ApiMisuse("PBKDF2 needs a count"))?;
    pbkdf2::derive(algorithm, rounds, salt, password, out);
    Ok(())
}

/// Of the algorithms fitting a JWK, never none.
fn algorithms(fitting: Vec<K>) -> Result<Vec<K>, Error> {
    if fitting.is_empty() {
        return Err(Error::Policy(Policy::KeyAlgorithmMismatch {
            requested: String::from("a JWE key management algorithm"),
        }));
    }
    Ok(fitting)
}

impl WrappingKey {
    fn from_jwk(jwk: &Jwk) -> Result<Self, Error> {
        Ok(match jwk.key() {
            Key::Rsa(_) => {
                let public = convert::rsa_encrypting(jwk)?;
                Self::Rsa {
                    oaep: OaepPublicEncryptingKey::new(public.clone())
                        .map_err(|_| Error::invalid_key("n", "cannot be used for RSA-OAEP"))?,
                    pkcs1: Pkcs1PublicEncryptingKey::new(public)
                        .map_err(|_| Error::invalid_key("n", "cannot be used for RSA1_5"))?,
                }
            }
            Key::Oct(k) => Self::Oct(SharedKey::new(k, jwk.alg())),
            Key::Ec(_) | Key::Okp(_) => {
                // Parsing for ECDH checks the point is on the curve.
                let (crv, bytes) = convert::ecdh_public_bytes(jwk.key())
                    .ok_or(Error::ApiMisuse("not a key on a curve"))?;
                Self::Ecdh(crv, convert::ecdh_public(crv, &bytes)?)
            }
            _ => return Err(crate::unsupported_key(jwk, "JWE")),
        })
    }
}

impl UnwrappingKey {
    fn from_jwk(jwk: &Jwk) -> Result<Self, Error> {
        Ok(match jwk.key() {
            Key::Rsa(_) => {
                let private = convert::rsa_decrypting(jwk)?;
                Self::Rsa {
                    oaep: OaepPrivateDecryptingKey::new(private.clone())
                        .map_err(|_| Error::invalid_key("n", "cannot be used for RSA-OAEP"))?,
                    pkcs1: Pkcs1PrivateDecryptingKey::new(private)
                        .map_err(|_| Error::invalid_key("n", "cannot be used for RSA1_5"))?,
                }
            }
            Key::Oct(k) => Self::Oct(SharedKey::new(k, jwk.alg())),
            Key::Ec(_) | Key::Okp(_) => {
                let (crv, key) = convert::ecdh_private(jwk)?;
                Self::Ecdh(crv, key)
            }
            _ => return Err(crate::unsupported_key(jwk, "JWE")),
        })
    }
}

/// A key of this backend with the algorithms it may serve.
#[derive(Debug)]
struct Handle<T> {
    key: Arc<T>,
    algorithms: Vec<K>,
    kid: Option<String>,
    provider: Provider,
    identity: Arc<KeyIdentity>,
}

/// A key bound to one algorithm.
#[derive(Debug)]
struct Bound<T> {
    key: Arc<T>,
    alg: K,
    kid: Option<String>,
    provider: Provider,
}

impl<T> Handle<T> {
    fn new(key: T, algorithms: Vec<K>, jwk: &Jwk, provider: &Provider) -> Self {
        Self {
            key: Arc::new(key),
            algorithms,
            kid: jwk.kid().map(String::from),
            provider: *provider,
            identity: Arc::new(jwk.identity(provider, 0)),
        }
    }

    fn bind(&self, alg: K) -> Result<Bound<T>, Error> {
        if !self.algorithms.contains(&alg) {
            return Err(Error::Policy(Policy::KeyAlgorithmMismatch {
                requested: String::from(alg.name()),
            }));
        }
        Ok(Bound {
            key: Arc::clone(&self.key),
            alg,
            kid: self.kid.clone(),
            provider: self.provider,
        })
    }
}

/// Builds an encrypting key from a recipient's JWK (public, or symmetric).
pub(crate) fn encrypting_key(
    jwk: &Jwk,
    provider: &Provider,
) -> Result<Arc<dyn EncryptingKey>, Error> {
    let algorithms = algorithms(jwk.encryption_algorithms())?;
    let key = WrappingKey::from_jwk(jwk)?;
    Ok(Arc::new(Handle::new(key, algorithms, jwk, provider)))
}

/// Builds a decrypting key from a private (or symmetric) JWK.
pub(crate) fn decrypting_key(
    jwk: &Jwk,
    provider: &Provider,
) -> Result<Arc<dyn DecryptingKey>, Error> {
    let algorithms = algorithms(jwk.decryption_algorithms())?;
    let key = UnwrappingKey::from_jwk(jwk)?;
    Ok(Arc::new(Handle::new(key, algorithms, jwk, provider)))
}

impl EncryptingKey for Handle<WrappingKey> {
    fn algorithms(&self) -> &[K] {
        &self.algorithms
    }

    fn key_id(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    fn key_encryptor(&self, alg: K) -> Result<Box<dyn KeyEncryptor>, Error> {
        Ok(Box::new(self.bind(alg)?))
    }
}

impl DecryptingKey for Handle<UnwrappingKey> {
    fn algorithms(&self) -> &[K] {
        &self.algorithms
    }

    fn key_id(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    fn key_decryptor(&self, alg: K) -> Result<Arc<dyn KeyDecryptor>, Error> {
        Ok(Arc::new(self.bind(alg)?))
    }

    fn identity(&self) -> Arc<KeyIdentity> {
        Arc::clone(&self.identity)
    }
}

/// A fresh ephemeral key on `crv` from the provider's random source.
fn ephemeral(
    crv: Curve,
    random: &dyn jose_core::SecureRandom,
) -> Result<agreement::PrivateKey, Error> {
    if crv == Curve::X25519 {
        let d = crate::random::bytes(random, 32)?;
        return agreement::PrivateKey::from_private_key(&agreement::X25519, &d)
            .map_err(crate::rejected("d"));
    }
    convert::random_ec_scalar(crv, random).map(|(key, _)| key)
}

/// The `epk` header member of an ephemeral key.
fn epk(crv: Curve, key: &agreement::PrivateKey) -> Result<Object, Error> {
    match serde_json::to_value(convert::ecdh_jwk(crv, key, None)?) {
        Ok(serde_json::Value::Object(o)) => Ok(o),
        _ => Err(Error::ApiMisuse("an ephemeral key cannot be serialized")),
    }
}

/// The error of an X25519 agreement that gives the all-zero secret: the
/// other key is a point of small order.
fn small_order() -> Error {
    Error::malformed(
        "header \"epk\"",
        MalformedReason::Invalid("is a point of small order"),
    )
}

impl KeyEncryptor for Bound<WrappingKey> {
    fn algorithm(&self) -> K {
        self.alg
    }

    fn key_id(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    fn encrypt_key(
        &self,
        header: &Header,
        enc: ContentEncryptionAlgorithm,
        cek: &[u8],
    ) -> Result<WrappedKey, Error> {
        let p = &self.provider;
        match &*self.key {
            WrappingKey::Rsa { oaep: key, pkcs1 } => {
                let mut out = vec![0u8; key.ciphertext_size()];
                let len = match oaep(self.alg) {
                    Some(params) => key.encrypt(params, cek, &mut out, None),
                    None if self.alg == K::Rsa1_5 => pkcs1.encrypt(cek, &mut out),
                    None => return Err(crate::unsupported(self.alg.name())),
                }
                .map_err(backend("RSA encryption"))?
                .len();
                out.truncate(len);
                Ok(WrappedKey::wrapped(out, Object::new()))
            }
            WrappingKey::Oct(shared) => match self.alg {
                K::A128Kw | K::A192Kw | K::A256Kw => Ok(WrappedKey::wrapped(
                    p.key_wrap.wrap_key(shared.secret().expose(), cek)?,
                    Object::new(),
                )),
                K::A128GcmKw | K::A192GcmKw | K::A256GcmKw => {
                    crate::key_wrap::gcm_wrap(shared.secret().expose(), cek, p.random)
                }
                K::Dir => Ok(WrappedKey::direct(shared.as_cek(enc)?, Object::new())),
                alg @ (K::Pbes2Hs256A128Kw | K::Pbes2Hs384A192Kw | K::Pbes2Hs512A256Kw) => {
                    km::pbes2_encrypt(
                        p.key_wrap,
                        p.random,
                        &pbkdf2,
                        alg,
                        shared.secret().expose(),
                        header,
                        cek,
                    )
                }
                other => Err(crate::unsupported(other.name())),
            },
            WrappingKey::Ecdh(crv, recipient) => {
                let key = ephemeral(*crv, p.random)?;
                let z = agreement::agree(&key, recipient.clone(), (), |z| {
                    Ok(Zeroizing::new(z.to_vec()))
                })
                .map_err(|()| Error::invalid_key("x", "is a point of small order"))?;
                km::ecdh_es_encrypt(
                    p.hasher,
                    p.key_wrap,
                    &z,
                    self.alg,
                    enc,
                    header,
                    cek,
                    epk(*crv, &key)?,
                )
            }
        }
    }
}

impl Bound<UnwrappingKey> {
    /// Z from the sender's `epk` (a public key on our curve, a point on it
    /// and, for X25519, not of small order) and our key.
    fn agree(
        &self,
        crv: Curve,
        key: &agreement::PrivateKey,
        header: &Header,
    ) -> Result<Zeroizing<Vec<u8>>, Error> {
        let sender = Jwk::from_epk(header, crv)?;
        let (_, bytes) = convert::ecdh_public_bytes(sender.key()).ok_or_else(|| {
            Error::malformed(
                "header \"epk\"",
                MalformedReason::Invalid("is not a key on the recipient's curve"),
            )
        })?;
        // One parse, which checks the point is on our curve.
        let public = convert::ecdh_public(crv, &bytes)?;
        agreement::agree(key, public, (), |z| Ok(Zeroizing::new(z.to_vec()))).map_err(|()| {
            if crv == Curve::X25519 {
                small_order()
            } else {
                Error::DecryptionFailed
            }
        })
    }
}

impl KeyDecryptor for Bound<UnwrappingKey> {
    fn algorithm(&self) -> K {
        self.alg
    }

    fn key_id(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    fn decrypt_key(
        &self,
        header: &Header,
        enc: ContentEncryptionAlgorithm,
        encrypted_key: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, Error> {
        let p = &self.provider;
        let cek = match &*self.key {
            UnwrappingKey::Rsa { oaep: key, pkcs1 } => {
                if self.alg == K::Rsa1_5 {
                    // Never a padding oracle: the random CEK is drawn first
                    // and taken on any failure (RFC 7516 section 11.5).
                    let random_cek = km::rsa1_5_random_cek(p.random, enc)?;
                    let mut out = Zeroizing::new(vec![0u8; pkcs1.min_output_size()]);
                    let len = pkcs1
                        .decrypt(encrypted_key, &mut out)
                        .map(|d| d.len())
                        .unwrap_or(0);
                    out.truncate(len);
                    return Ok(km::rsa1_5_cek(random_cek, &out));
                }
                let params = oaep(self.alg).ok_or_else(|| crate::unsupported(self.alg.name()))?;
                let mut out = Zeroizing::new(vec![0u8; key.min_output_size()]);
                let len = key
                    .decrypt(params, encrypted_key, &mut out, None)
                    .map_err(|_| Error::DecryptionFailed)?
                    .len();
                out.truncate(len);
                out
            }
            UnwrappingKey::Oct(shared) => match self.alg {
                K::A128Kw | K::A192Kw | K::A256Kw => p
                    .key_wrap
                    .unwrap_key(shared.secret().expose(), encrypted_key)?,
                K::A128GcmKw | K::A192GcmKw | K::A256GcmKw => {
                    crate::key_wrap::gcm_unwrap(shared.secret().expose(), encrypted_key, header)?
                }
                K::Dir => {
                    if !encrypted_key.is_empty() {
                        return Err(Error::malformed(
                            "encrypted key",
                            MalformedReason::Invalid("must be empty for dir"),
                        ));
                    }
                    shared.as_cek(enc)?
                }
                alg @ (K::Pbes2Hs256A128Kw | K::Pbes2Hs384A192Kw | K::Pbes2Hs512A256Kw) => {
                    km::pbes2_decrypt(
                        p.key_wrap,
                        &pbkdf2,
                        alg,
                        shared.secret().expose(),
                        header,
                        encrypted_key,
                    )?
                }
                other => return Err(crate::unsupported(other.name())),
            },
            UnwrappingKey::Ecdh(crv, key) => {
                let z = self.agree(*crv, key, header)?;
                km::ecdh_es_decrypt(
                    p.hasher,
                    p.key_wrap,
                    &z,
                    self.alg,
                    enc,
                    header,
                    encrypted_key,
                )?
            }
        };
        if cek.len() != enc.key_len() {
            return Err(Error::DecryptionFailed);
        }
        Ok(cek)
    }
}
