//! JWE key management (RFC 7518 section 4) on RustCrypto: RSA1_5 and
//! RSA-OAEP, AES key wrap, `dir`, ECDH-ES (P-256, P-384, P-521, X25519)
//! with and without key wrap, AES-GCM key wrap, PBES2.
//!
//! Keys are parsed once into a [`WrappingKey`] (the sender's view of the
//! recipient: a public or shared key) or an [`UnwrappingKey`] (the
//! recipient's private or shared key). The JOSE steps around the primitives
//! (Concat KDF, PBES2 salt, RSA1_5's random CEK, the key wrap after an
//! agreement) are those of `jose_core::key_management`, over the
//! provider's hasher, key wrap and random source.

use alloc::boxed::Box;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::fmt;

#[cfg(nist_ecdh)]
use jose_core::Curve;
use jose_core::json::Object;
#[cfg(ecdh)]
use jose_core::key_management::{ecdh_es_decrypt, ecdh_es_encrypt};
use jose_core::{
    ContentEncryptionAlgorithm, DecryptingKey, EncryptingKey, Error, Header, KeyDecryptor,
    KeyEncryptor, KeyManagementAlgorithm as K, KeyManagementMode, MalformedReason, Policy,
    WrappedKey,
};
use jose_jwk::{Jwk, Key, Provider, SharedKey};
use zeroize::Zeroizing;

use crate::handle::{Bound, Handle};

#[cfg(any(feature = "rsa", nist_ecdh, feature = "x25519"))]
use crate::convert::FromJwk;

/// The sender's view of a recipient: its public key, or the shared key.
enum WrappingKey {
    #[cfg(feature = "rsa")]
    Rsa(Box<rsa::PublicKey>),
    Oct(SharedKey),
    #[cfg(feature = "p256")]
    P256(p256::PublicKey),
    #[cfg(feature = "p384")]
    P384(p384::PublicKey),
    #[cfg(feature = "p521")]
    P521(p521::PublicKey),
    #[cfg(feature = "x25519")]
    X25519(x25519_dalek::PublicKey),
}

/// The recipient's own key: private, or the shared key.
enum UnwrappingKey {
    #[cfg(feature = "rsa")]
    Rsa(Box<rsa::PrivateKey>),
    Oct(SharedKey),
    #[cfg(feature = "p256")]
    P256(p256::SecretKey),
    #[cfg(feature = "p384")]
    P384(p384::SecretKey),
    #[cfg(feature = "p521")]
    P521(p521::SecretKey),
    #[cfg(feature = "x25519")]
    X25519(Box<x25519_dalek::StaticSecret>),
}

impl fmt::Debug for WrappingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match *self {
            #[cfg(feature = "rsa")]
            Self::Rsa(_) => "WrappingKey::Rsa",
            Self::Oct(_) => "WrappingKey::Oct(***)",
            #[cfg(feature = "p256")]
            Self::P256(_) => "WrappingKey::P256",
            #[cfg(feature = "p384")]
            Self::P384(_) => "WrappingKey::P384",
            #[cfg(feature = "p521")]
            Self::P521(_) => "WrappingKey::P521",
            #[cfg(feature = "x25519")]
            Self::X25519(_) => "WrappingKey::X25519",
        })
    }
}

impl fmt::Debug for UnwrappingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match *self {
            #[cfg(feature = "rsa")]
            Self::Rsa(_) => "UnwrappingKey::Rsa(***)",
            Self::Oct(_) => "UnwrappingKey::Oct(***)",
            #[cfg(feature = "p256")]
            Self::P256(_) => "UnwrappingKey::P256(***)",
            #[cfg(feature = "p384")]
            Self::P384(_) => "UnwrappingKey::P384(***)",
            #[cfg(feature = "p521")]
            Self::P521(_) => "UnwrappingKey::P521(***)",
            #[cfg(feature = "x25519")]
            Self::X25519(_) => "UnwrappingKey::X25519(***)",
        })
    }
}

/// The `epk` header member for an ephemeral public key.
#[cfg(ecdh)]
pub(crate) fn epk(public: &Jwk) -> Result<Object, Error> {
    match serde_json::to_value(public) {
        Ok(serde_json::Value::Object(o)) => Ok(o),
        _ => Err(Error::ApiMisuse("an ephemeral key cannot be serialized")),
    }
}

/// `alg` if this build implements it: the algorithms that wrap a key need
/// `aes` (AES key wrap and AES-GCM key wrap, the wrap step of ECDH-ES+A*KW
/// and PBES2), PBES2 needs `pbes2`; the others come with their key type.
fn built(alg: K) -> Result<K, Error> {
    let wraps = matches!(
        alg.mode(),
        KeyManagementMode::KeyWrapping | KeyManagementMode::KeyAgreementWithKeyWrapping
    );
    let pbes2 = matches!(
        alg,
        K::Pbes2Hs256A128Kw | K::Pbes2Hs384A192Kw | K::Pbes2Hs512A256Kw
    );
    if (wraps && !cfg!(feature = "aes")) || (pbes2 && !cfg!(feature = "pbes2")) {
        return Err(crate::unsupported(alg.name()));
    }
    Ok(alg)
}

/// Of the algorithms `fitting` a JWK, those of this build, never none.
fn algorithms(jwk: &Jwk, fitting: Vec<K>) -> Result<Vec<K>, Error> {
    if fitting.is_empty() {
        return Err(Error::Policy(Policy::KeyAlgorithmMismatch {
            requested: String::from("a JWE key management algorithm"),
        }));
    }
    let algs: Vec<K> = fitting
        .iter()
        .copied()
        .filter(|a| built(*a).is_ok())
        .collect();
    if algs.is_empty() {
        return Err(crate::unsupported_key(jwk, "JWE"));
    }
    Ok(algs)
}

impl WrappingKey {
    /// From a public, private or symmetric JWK (of a private key, only
    /// the public members are read).
    fn from_jwk(jwk: &Jwk) -> Result<Self, Error> {
        Ok(match jwk.key() {
            #[cfg(feature = "rsa")]
            Key::Rsa(_) => Self::Rsa(Box::new(rsa::PublicKey::from_jwk(jwk)?)),
            Key::Oct(k) => Self::Oct(SharedKey::new(k, jwk.alg())),
            #[cfg(nist_ecdh)]
            Key::Ec(k) => match k.crv() {
                #[cfg(feature = "p256")]
                Curve::P256 => Self::P256(p256::PublicKey::from_jwk(jwk)?),
                #[cfg(feature = "p384")]
                Curve::P384 => Self::P384(p384::PublicKey::from_jwk(jwk)?),
                #[cfg(feature = "p521")]
                Curve::P521 => Self::P521(p521::PublicKey::from_jwk(jwk)?),
                _ => return Err(crate::unsupported_key(jwk, "JWE")),
            },
            #[cfg(feature = "x25519")]
            Key::Okp(_) => Self::X25519(x25519_dalek::PublicKey::from_jwk(jwk)?),
            _ => return Err(crate::unsupported_key(jwk, "JWE")),
        })
    }
}

impl UnwrappingKey {
    fn from_jwk(jwk: &Jwk) -> Result<Self, Error> {
        Ok(match jwk.key() {
            #[cfg(feature = "rsa")]
            Key::Rsa(_) => Self::Rsa(Box::new(rsa::PrivateKey::from_jwk(jwk)?)),
            Key::Oct(k) => Self::Oct(SharedKey::new(k, jwk.alg())),
            #[cfg(nist_ecdh)]
            Key::Ec(k) => match k.crv() {
                #[cfg(feature = "p256")]
                Curve::P256 => Self::P256(p256::SecretKey::from_jwk(jwk)?),
                #[cfg(feature = "p384")]
                Curve::P384 => Self::P384(p384::SecretKey::from_jwk(jwk)?),
                #[cfg(feature = "p521")]
                Curve::P521 => Self::P521(p521::SecretKey::from_jwk(jwk)?),
                _ => return Err(crate::unsupported_key(jwk, "JWE")),
            },
            #[cfg(feature = "x25519")]
            Key::Okp(_) => Self::X25519(Box::new(x25519_dalek::StaticSecret::from_jwk(jwk)?)),
            _ => return Err(crate::unsupported_key(jwk, "JWE")),
        })
    }
}

/// Builds an encrypting key from a recipient's JWK (public, or symmetric).
pub(crate) fn encrypting_key(
    jwk: &Jwk,
    provider: &Provider,
) -> Result<Arc<dyn EncryptingKey>, Error> {
    let algorithms = algorithms(jwk, jwk.encryption_algorithms())?;
    let key = WrappingKey::from_jwk(jwk)?;
    Ok(Arc::new(Handle::new(key, algorithms, jwk, provider)))
}

/// Builds a decrypting key from a private (or symmetric) JWK.
pub(crate) fn decrypting_key(
    jwk: &Jwk,
    provider: &Provider,
) -> Result<Arc<dyn DecryptingKey>, Error> {
    let algorithms = algorithms(jwk, jwk.decryption_algorithms())?;
    let key = UnwrappingKey::from_jwk(jwk)?;
    Ok(Arc::new(Handle::new(key, algorithms, jwk, provider)))
}

impl EncryptingKey for Handle<WrappingKey, K> {
    fn algorithms(&self) -> &[K] {
        &self.algorithms
    }

    fn key_id(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    fn key_encryptor(&self, alg: K) -> Result<Box<dyn KeyEncryptor>, Error> {
        Ok(Box::new(self.bind(built(alg)?)?))
    }
}

impl DecryptingKey for Handle<UnwrappingKey, K> {
    fn algorithms(&self) -> &[K] {
        &self.algorithms
    }

    fn key_id(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    fn key_decryptor(&self, alg: K) -> Result<Arc<dyn KeyDecryptor>, Error> {
        Ok(Arc::new(self.bind(built(alg)?)?))
    }

    fn identity(&self) -> Arc<jose_core::KeyIdentity> {
        Arc::clone(&self.identity)
    }
}

impl Bound<WrappingKey, K> {
    /// Key management with a shared symmetric key.
    fn encrypt_oct(
        &self,
        shared: &SharedKey,
        header: &Header,
        enc: ContentEncryptionAlgorithm,
        cek: &[u8],
    ) -> Result<WrappedKey, Error> {
        // The header carries the caller's PBES2 p2c and p2s.
        let _ = header;
        let k = shared.secret();
        match self.alg {
            K::A128Kw | K::A192Kw | K::A256Kw => Ok(WrappedKey::wrapped(
                self.provider.key_wrap.wrap_key(k.expose(), cek)?,
                Object::new(),
            )),
            #[cfg(feature = "aes")]
            K::A128GcmKw | K::A192GcmKw | K::A256GcmKw => {
                let wrapped = crate::key_wrap::gcm_wrap(k.expose(), cek, self.provider.random)?;
                let params =
                    jose_core::key_management::aes_gcm_kw_header(&wrapped.iv, &wrapped.tag);
                Ok(WrappedKey::wrapped(wrapped.wrapped, params))
            }
            K::Dir => Ok(WrappedKey::direct(shared.as_cek(enc)?, Object::new())),
            #[cfg(feature = "pbes2")]
            alg @ (K::Pbes2Hs256A128Kw | K::Pbes2Hs384A192Kw | K::Pbes2Hs512A256Kw) => {
                jose_core::key_management::pbes2_encrypt(
                    self.provider.key_wrap,
                    self.provider.random,
                    &crate::pbes2::pbkdf2,
                    alg,
                    k.expose(),
                    header,
                    cek,
                )
            }
            other => Err(crate::unsupported(other.name())),
        }
    }

    /// ECDH-ES after the agreement: the composition of `jose-core`.
    #[cfg(ecdh)]
    fn encrypt_ecdh(
        &self,
        agreed: (Zeroizing<Vec<u8>>, Object),
        header: &Header,
        enc: ContentEncryptionAlgorithm,
        cek: &[u8],
    ) -> Result<WrappedKey, Error> {
        let (z, epk) = agreed;
        ecdh_es_encrypt(
            self.provider.hasher,
            self.provider.key_wrap,
            &z,
            self.alg,
            enc,
            header,
            cek,
            epk,
        )
    }
}

impl KeyEncryptor for Bound<WrappingKey, K> {
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
        match *self.key {
            #[cfg(feature = "rsa")]
            WrappingKey::Rsa(ref k) => Ok(WrappedKey::wrapped(
                crate::rsa_key::encrypt(k, self.alg, cek, self.provider.random)?,
                Object::new(),
            )),
            WrappingKey::Oct(ref k) => self.encrypt_oct(k, header, enc, cek),
            #[cfg(feature = "p256")]
            WrappingKey::P256(ref p) => self.encrypt_ecdh(
                crate::ec::agree_ephemeral(p, self.provider.random)?,
                header,
                enc,
                cek,
            ),
            #[cfg(feature = "p384")]
            WrappingKey::P384(ref p) => self.encrypt_ecdh(
                crate::ec::agree_ephemeral(p, self.provider.random)?,
                header,
                enc,
                cek,
            ),
            #[cfg(feature = "p521")]
            WrappingKey::P521(ref p) => self.encrypt_ecdh(
                crate::ec::agree_ephemeral(p, self.provider.random)?,
                header,
                enc,
                cek,
            ),
            #[cfg(feature = "x25519")]
            WrappingKey::X25519(ref p) => self.encrypt_ecdh(
                crate::x25519::agree_ephemeral(p, self.provider.random)?,
                header,
                enc,
                cek,
            ),
        }
    }
}

impl Bound<UnwrappingKey, K> {
    /// Key management with a shared symmetric key.
    fn decrypt_oct(
        &self,
        shared: &SharedKey,
        header: &Header,
        enc: ContentEncryptionAlgorithm,
        encrypted_key: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, Error> {
        // The header carries AES-GCM key wrap's iv and tag, PBES2's p2s and p2c.
        let _ = header;
        let k = shared.secret();
        match self.alg {
            K::A128Kw | K::A192Kw | K::A256Kw => {
                self.provider.key_wrap.unwrap_key(k.expose(), encrypted_key)
            }
            #[cfg(feature = "aes")]
            K::A128GcmKw | K::A192GcmKw | K::A256GcmKw => {
                crate::key_wrap::gcm_unwrap(k.expose(), encrypted_key, header)
            }
            K::Dir => {
                if !encrypted_key.is_empty() {
                    return Err(Error::malformed(
                        "encrypted key",
                        MalformedReason::Invalid("must be empty for dir"),
                    ));
                }
                shared.as_cek(enc)
            }
            #[cfg(feature = "pbes2")]
            alg @ (K::Pbes2Hs256A128Kw | K::Pbes2Hs384A192Kw | K::Pbes2Hs512A256Kw) => {
                jose_core::key_management::pbes2_decrypt(
                    self.provider.key_wrap,
                    &crate::pbes2::pbkdf2,
                    alg,
                    k.expose(),
                    header,
                    encrypted_key,
                )
            }
            other => Err(crate::unsupported(other.name())),
        }
    }

    /// ECDH-ES after the agreement: the composition of `jose-core`.
    #[cfg(ecdh)]
    fn decrypt_ecdh(
        &self,
        z: &[u8],
        header: &Header,
        enc: ContentEncryptionAlgorithm,
        encrypted_key: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, Error> {
        ecdh_es_decrypt(
            self.provider.hasher,
            self.provider.key_wrap,
            z,
            self.alg,
            enc,
            header,
            encrypted_key,
        )
    }
}

impl KeyDecryptor for Bound<UnwrappingKey, K> {
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
        let cek = match *self.key {
            #[cfg(feature = "rsa")]
            UnwrappingKey::Rsa(ref k) => {
                crate::rsa_key::decrypt(k, self.alg, enc, encrypted_key, self.provider.random)?
            }
            UnwrappingKey::Oct(ref k) => self.decrypt_oct(k, header, enc, encrypted_key)?,
            #[cfg(feature = "p256")]
            UnwrappingKey::P256(ref sk) => {
                let z = crate::ec::agree_static(sk, header)?;
                self.decrypt_ecdh(&z, header, enc, encrypted_key)?
            }
            #[cfg(feature = "p384")]
            UnwrappingKey::P384(ref sk) => {
                let z = crate::ec::agree_static(sk, header)?;
                self.decrypt_ecdh(&z, header, enc, encrypted_key)?
            }
            #[cfg(feature = "p521")]
            UnwrappingKey::P521(ref sk) => {
                let z = crate::ec::agree_static(sk, header)?;
                self.decrypt_ecdh(&z, header, enc, encrypted_key)?
            }
            #[cfg(feature = "x25519")]
            UnwrappingKey::X25519(ref sk) => {
                let z = crate::x25519::agree_static(sk, header)?;
                self.decrypt_ecdh(&z, header, enc, encrypted_key)?
            }
        };
        if cek.len() != enc.key_len() {
            return Err(Error::DecryptionFailed);
        }
        Ok(cek)
    }
}
