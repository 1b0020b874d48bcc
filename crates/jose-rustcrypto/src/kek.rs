//! JWE key management (RFC 7518 section 4): RSA1_5, RSA-OAEP (SHA-1, -256,
//! -384, -512), AES key wrap, `dir`, ECDH-ES (P-256, P-384, P-521, X25519)
//! with and without key wrap, AES-GCM key wrap, PBES2.

use alloc::boxed::Box;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::fmt;

use aes_gcm::aead::{AeadInOut, KeyInit};
use jose_core::json::Object;
use jose_core::{
    BackendError, ContentEncryptionAlgorithm, Curve, DecryptingKey, EncryptingKey, Error, Header,
    KeyDecryptor, KeyEncryptor, KeyManagementAlgorithm, MalformedReason, Policy, Secret,
    WrappedKey, b64,
};
use jose_jwk::{Jwk, JwkOptions, Key, KeyOp};
use serde_json::Value;
use sha2::Digest;
use subtle::{ConditionallySelectable, ConstantTimeEq};
use zeroize::Zeroizing;

use crate::convert::{FromJwk, ec_public};
use crate::random;

use KeyManagementAlgorithm as K;

/// The PBES2 iteration counts used when encrypting, unless the header sets
/// `p2c`: OWASP's 2023 guidance for PBKDF2 (600,000 with SHA-256, 210,000
/// with SHA-384 and SHA-512).
pub const PBES2_DEFAULT_ITERATIONS: [(KeyManagementAlgorithm, u64); 3] = [
    (K::Pbes2Hs256A128Kw, 600_000),
    (K::Pbes2Hs384A192Kw, 210_000),
    (K::Pbes2Hs512A256Kw, 210_000),
];

/// The PBES2 salt length used when encrypting, in bytes.
const PBES2_SALT_LEN: usize = 16;

const RSA_ALGS: &[K] = &[
    K::RsaOaep256,
    K::RsaOaep,
    K::RsaOaep384,
    K::RsaOaep512,
    K::Rsa1_5,
];
const ECDH_ALGS: &[K] = &[K::EcdhEs, K::EcdhEsA128Kw, K::EcdhEsA192Kw, K::EcdhEsA256Kw];
const PBES2_ALGS: &[K] = &[
    K::Pbes2Hs256A128Kw,
    K::Pbes2Hs384A192Kw,
    K::Pbes2Hs512A256Kw,
];

/// The public (or shared) key of a recipient.
enum Recipient {
    Rsa(Box<rsa::PublicKey>),
    Oct(Secret),
    P256(p256::PublicKey),
    P384(p384::PublicKey),
    P521(p521::PublicKey),
    X25519(x25519_dalek::PublicKey),
}

/// The private (or shared) key of a recipient.
enum Holder {
    Rsa(Box<rsa::PrivateKey>),
    Oct(Secret),
    P256(p256::SecretKey),
    P384(p384::SecretKey),
    P521(p521::SecretKey),
    X25519(Box<x25519_dalek::StaticSecret>),
}

impl fmt::Debug for Recipient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Rsa(_) => "Recipient::Rsa",
            Self::Oct(_) => "Recipient::Oct(***)",
            Self::P256(_) => "Recipient::P256",
            Self::P384(_) => "Recipient::P384",
            Self::P521(_) => "Recipient::P521",
            Self::X25519(_) => "Recipient::X25519",
        })
    }
}

impl fmt::Debug for Holder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Rsa(_) => "Holder::Rsa(***)",
            Self::Oct(_) => "Holder::Oct(***)",
            Self::P256(_) => "Holder::P256(***)",
            Self::P384(_) => "Holder::P384(***)",
            Self::P521(_) => "Holder::P521(***)",
            Self::X25519(_) => "Holder::X25519(***)",
        })
    }
}

/// The key operation `alg` performs (RFC 7517 section 4.3), for `key_ops`.
fn operation(alg: K, encrypt: bool) -> KeyOp {
    match (alg, encrypt) {
        (K::Dir, true) => KeyOp::Encrypt,
        (K::Dir, false) => KeyOp::Decrypt,
        (K::EcdhEs | K::EcdhEsA128Kw | K::EcdhEsA192Kw | K::EcdhEsA256Kw, _) => KeyOp::DeriveKey,
        (_, true) => KeyOp::WrapKey,
        (_, false) => KeyOp::UnwrapKey,
    }
}

/// The algorithms a JWK may be used with for JWE, narrowed by its `alg`
/// member and its `use`/`key_ops`.
fn algorithms(jwk: &Jwk, encrypt: bool) -> Result<Vec<K>, Error> {
    let candidates: Vec<K> = match jwk.key() {
        Key::Rsa(_) => RSA_ALGS.to_vec(),
        Key::Ec(k) if matches!(k.crv(), Curve::P256 | Curve::P384 | Curve::P521) => {
            ECDH_ALGS.to_vec()
        }
        Key::Okp(k) if k.crv() == Curve::X25519 => ECDH_ALGS.to_vec(),
        Key::Oct(k) => {
            let mut algs = match k.k().len() {
                16 => alloc::vec![K::A128Kw, K::A128GcmKw, K::Dir],
                24 => alloc::vec![K::A192Kw, K::A192GcmKw, K::Dir],
                32 => alloc::vec![K::A256Kw, K::A256GcmKw, K::Dir],
                48 | 64 => alloc::vec![K::Dir],
                _ => Vec::new(),
            };
            algs.extend_from_slice(PBES2_ALGS);
            algs
        }
        _ => Vec::new(),
    };
    let algs: Vec<K> = candidates
        .into_iter()
        .filter(|a| match jwk.alg() {
            Some(jose_core::Algorithm::KeyManagement(only)) => only == *a,
            // A CEK's JWK (RFC 7520 section 3.6) is for `dir` only.
            Some(jose_core::Algorithm::ContentEncryption(_)) => *a == K::Dir,
            Some(jose_core::Algorithm::Signature(_)) => false,
            None => true,
        })
        .filter(|a| jwk.params().allows(operation(*a, encrypt)))
        .collect();
    if algs.is_empty() {
        return Err(Error::Policy(Policy::KeyAlgorithmMismatch {
            requested: String::from("a JWE key management algorithm"),
        }));
    }
    Ok(algs)
}

/// Builds an encrypting key from a recipient's JWK (public, or symmetric).
pub(crate) fn encrypting_key(jwk: &Jwk) -> Result<Arc<dyn EncryptingKey>, Error> {
    let algorithms = algorithms(jwk, true)?;
    let public = jwk.to_public();
    let public = public.as_ref().unwrap_or(jwk);
    let key = match jwk.key() {
        Key::Rsa(_) => Recipient::Rsa(Box::new(rsa::PublicKey::from_jwk(public)?)),
        Key::Oct(k) => Recipient::Oct(k.k().clone()),
        Key::Ec(k) => match k.crv() {
            Curve::P256 => Recipient::P256(p256::PublicKey::from_jwk(public)?),
            Curve::P384 => Recipient::P384(p384::PublicKey::from_jwk(public)?),
            _ => Recipient::P521(p521::PublicKey::from_jwk(public)?),
        },
        Key::Okp(_) => Recipient::X25519(x25519_dalek::PublicKey::from_jwk(public)?),
    };
    Ok(Arc::new(Handle {
        key: Arc::new(key),
        algorithms,
        kid: jwk.kid().map(String::from),
    }))
}

/// Builds a decrypting key from a private (or symmetric) JWK.
pub(crate) fn decrypting_key(jwk: &Jwk) -> Result<Arc<dyn DecryptingKey>, Error> {
    let algorithms = algorithms(jwk, false)?;
    let key = match jwk.key() {
        Key::Rsa(_) => Holder::Rsa(Box::new(rsa::PrivateKey::from_jwk(jwk)?)),
        Key::Oct(k) => Holder::Oct(k.k().clone()),
        Key::Ec(k) => match k.crv() {
            Curve::P256 => Holder::P256(p256::SecretKey::from_jwk(jwk)?),
            Curve::P384 => Holder::P384(p384::SecretKey::from_jwk(jwk)?),
            _ => Holder::P521(p521::SecretKey::from_jwk(jwk)?),
        },
        Key::Okp(_) => Holder::X25519(Box::new(x25519_dalek::StaticSecret::from_jwk(jwk)?)),
    };
    Ok(Arc::new(Handle {
        key: Arc::new(key),
        algorithms,
        kid: jwk.kid().map(String::from),
    }))
}

#[derive(Debug)]
struct Handle<T> {
    key: Arc<T>,
    algorithms: Vec<K>,
    kid: Option<String>,
}

#[derive(Debug)]
struct Bound<T> {
    key: Arc<T>,
    alg: K,
    kid: Option<String>,
}

impl<T> Handle<T> {
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
        })
    }
}

impl EncryptingKey for Handle<Recipient> {
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

impl DecryptingKey for Handle<Holder> {
    fn algorithms(&self) -> &[K] {
        &self.algorithms
    }

    fn key_id(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    fn key_decryptor(&self, alg: K) -> Result<Arc<dyn KeyDecryptor>, Error> {
        Ok(Arc::new(self.bind(alg)?))
    }
}

/// Every decryption failure, whatever its cause, is the same error.
fn fail<E>(_: E) -> Error {
    Error::DecryptionFailed
}

fn backend(context: &'static str, e: impl core::error::Error + Send + Sync + 'static) -> Error {
    Error::Backend(BackendError::new(context, Box::new(e)))
}

fn random_bytes(len: usize) -> Result<Zeroizing<Vec<u8>>, Error> {
    let mut out = Zeroizing::new(alloc::vec![0u8; len]);
    random::fill(&mut out)?;
    Ok(out)
}

// ---------------------------------------------------------------- AES-KW

fn aes_kw_wrap(kek: &[u8], cek: &[u8]) -> Result<Vec<u8>, Error> {
    let mut out = alloc::vec![0u8; cek.len() + 8];
    let bad = |_| Error::invalid_key("k", "cannot be used for AES key wrap");
    let len = match kek.len() {
        16 => aes_kw::KwAes128::new_from_slice(kek)
            .map_err(bad)?
            .wrap_key(cek, &mut out)
            .map(<[u8]>::len),
        24 => aes_kw::KwAes192::new_from_slice(kek)
            .map_err(bad)?
            .wrap_key(cek, &mut out)
            .map(<[u8]>::len),
        32 => aes_kw::KwAes256::new_from_slice(kek)
            .map_err(bad)?
            .wrap_key(cek, &mut out)
            .map(<[u8]>::len),
        _ => {
            return Err(Error::invalid_key(
                "k",
                "has the wrong length for AES key wrap",
            ));
        }
    }
    .map_err(|_| Error::ApiMisuse("the CEK cannot be wrapped (length not a multiple of 8)"))?;
    out.truncate(len);
    Ok(out)
}

fn aes_kw_unwrap(kek: &[u8], wrapped: &[u8]) -> Result<Zeroizing<Vec<u8>>, Error> {
    if wrapped.len() < 24 || !wrapped.len().is_multiple_of(8) {
        return Err(Error::DecryptionFailed);
    }
    let mut out = Zeroizing::new(alloc::vec![0u8; wrapped.len() - 8]);
    let len = match kek.len() {
        16 => aes_kw::KwAes128::new_from_slice(kek)
            .map_err(fail)?
            .unwrap_key(wrapped, &mut out)
            .map(<[u8]>::len),
        24 => aes_kw::KwAes192::new_from_slice(kek)
            .map_err(fail)?
            .unwrap_key(wrapped, &mut out)
            .map(<[u8]>::len),
        32 => aes_kw::KwAes256::new_from_slice(kek)
            .map_err(fail)?
            .unwrap_key(wrapped, &mut out)
            .map(<[u8]>::len),
        _ => return Err(Error::DecryptionFailed),
    }
    .map_err(fail)?;
    out.truncate(len);
    Ok(out)
}

// ------------------------------------------------------------ AES-GCM KW

/// An AES-GCM key wrap: the wrapped key, the IV and the tag.
struct GcmWrapped {
    wrapped: Vec<u8>,
    iv: Vec<u8>,
    tag: Vec<u8>,
}

fn gcm_kw_encrypt(kek: &[u8], cek: &[u8]) -> Result<GcmWrapped, Error> {
    let iv = random_bytes(12)?;
    let nonce = aes_gcm::Nonce::<aes_gcm::aead::consts::U12>::try_from(iv.as_slice())
        .map_err(|_| Error::ApiMisuse("bad IV"))?;
    let mut buf = cek.to_vec();
    let bad = |_| Error::invalid_key("k", "cannot be used for AES-GCM key wrap");
    let tag = match kek.len() {
        16 => aes_gcm::Aes128Gcm::new_from_slice(kek)
            .map_err(bad)?
            .encrypt_inout_detached(&nonce, b"", buf.as_mut_slice().into()),
        24 => aes_gcm::AesGcm::<aes::Aes192, aes_gcm::aead::consts::U12>::new_from_slice(kek)
            .map_err(bad)?
            .encrypt_inout_detached(&nonce, b"", buf.as_mut_slice().into()),
        32 => aes_gcm::Aes256Gcm::new_from_slice(kek)
            .map_err(bad)?
            .encrypt_inout_detached(&nonce, b"", buf.as_mut_slice().into()),
        _ => {
            return Err(Error::invalid_key(
                "k",
                "has the wrong length for AES-GCM key wrap",
            ));
        }
    }
    .map_err(|_| Error::ApiMisuse("CEK too long"))?;
    Ok(GcmWrapped {
        wrapped: buf,
        iv: iv.to_vec(),
        tag: tag.to_vec(),
    })
}

fn gcm_kw_decrypt(
    kek: &[u8],
    wrapped: &[u8],
    header: &Header,
) -> Result<Zeroizing<Vec<u8>>, Error> {
    let iv = header
        .iv
        .as_deref()
        .ok_or_else(|| Error::malformed("header \"iv\"", MalformedReason::Missing))?;
    let tag = header
        .tag
        .as_deref()
        .ok_or_else(|| Error::malformed("header \"tag\"", MalformedReason::Missing))?;
    let nonce = aes_gcm::Nonce::<aes_gcm::aead::consts::U12>::try_from(iv).map_err(|_| {
        Error::malformed(
            "header \"iv\"",
            MalformedReason::Invalid("must be 12 bytes"),
        )
    })?;
    let tag = aes_gcm::Tag::<aes_gcm::aead::consts::U16>::try_from(tag).map_err(|_| {
        Error::malformed(
            "header \"tag\"",
            MalformedReason::Invalid("must be 16 bytes"),
        )
    })?;
    let mut buf = Zeroizing::new(wrapped.to_vec());
    match kek.len() {
        16 => aes_gcm::Aes128Gcm::new_from_slice(kek)
            .map_err(fail)?
            .decrypt_inout_detached(&nonce, b"", buf.as_mut_slice().into(), &tag),
        24 => aes_gcm::AesGcm::<aes::Aes192, aes_gcm::aead::consts::U12>::new_from_slice(kek)
            .map_err(fail)?
            .decrypt_inout_detached(&nonce, b"", buf.as_mut_slice().into(), &tag),
        32 => aes_gcm::Aes256Gcm::new_from_slice(kek)
            .map_err(fail)?
            .decrypt_inout_detached(&nonce, b"", buf.as_mut_slice().into(), &tag),
        _ => return Err(Error::DecryptionFailed),
    }
    .map_err(fail)?;
    Ok(buf)
}

// ----------------------------------------------------------------- PBES2

fn pbes2_key(alg: K, password: &[u8], p2s: &[u8], p2c: u64) -> Result<Zeroizing<Vec<u8>>, Error> {
    let rounds = u32::try_from(p2c).map_err(|_| {
        Error::malformed("header \"p2c\"", MalformedReason::Invalid("is too large"))
    })?;
    let len = alg
        .wrap_key_len()
        .ok_or(Error::ApiMisuse("not a PBES2 algorithm"))?;
    // Salt input: UTF8(alg) || 0x00 || p2s (RFC 7518 section 4.8.1.1).
    let mut salt = Vec::with_capacity(alg.name().len() + 1 + p2s.len());
    salt.extend_from_slice(alg.name().as_bytes());
    salt.push(0);
    salt.extend_from_slice(p2s);
    let mut key = Zeroizing::new(alloc::vec![0u8; len]);
    match alg {
        K::Pbes2Hs256A128Kw => {
            pbkdf2::pbkdf2_hmac::<sha2::Sha256>(password, &salt, rounds, &mut key);
        }
        K::Pbes2Hs384A192Kw => {
            pbkdf2::pbkdf2_hmac::<sha2::Sha384>(password, &salt, rounds, &mut key);
        }
        _ => pbkdf2::pbkdf2_hmac::<sha2::Sha512>(password, &salt, rounds, &mut key),
    }
    Ok(key)
}

// --------------------------------------------------------------- ECDH-ES

/// The Concat KDF of NIST SP 800-56A with SHA-256, as RFC 7518 section
/// 4.6.2 instantiates it: `key_len` bytes from the shared secret `z`.
///
/// # Errors
///
/// [`Error::ApiMisuse`] for inputs or an output too long to encode.
pub fn concat_kdf(
    z: &[u8],
    key_len: usize,
    algorithm_id: &[u8],
    apu: &[u8],
    apv: &[u8],
) -> Result<Zeroizing<Vec<u8>>, Error> {
    let field = |data: &[u8]| -> Result<[u8; 4], Error> {
        u32::try_from(data.len())
            .map(u32::to_be_bytes)
            .map_err(|_| Error::ApiMisuse("KDF input too long"))
    };
    let key_bits = u32::try_from(key_len * 8)
        .map_err(|_| Error::ApiMisuse("KDF output too long"))?
        .to_be_bytes();
    let mut out = Zeroizing::new(Vec::with_capacity(key_len + 32));
    let mut counter: u32 = 1;
    while out.len() < key_len {
        let mut h = sha2::Sha256::new();
        h.update(counter.to_be_bytes());
        h.update(z);
        h.update(field(algorithm_id)?);
        h.update(algorithm_id);
        h.update(field(apu)?);
        h.update(apu);
        h.update(field(apv)?);
        h.update(apv);
        h.update(key_bits);
        out.extend_from_slice(&h.finalize());
        counter = counter
            .checked_add(1)
            .ok_or(Error::ApiMisuse("KDF output too long"))?;
    }
    out.truncate(key_len);
    Ok(out)
}

/// The receiving side of ECDH-ES after the key agreement: from the shared
/// secret `z`, the Concat KDF (with the header's `apu`/`apv`) gives the CEK
/// itself (`ECDH-ES`) or the key that unwraps `encrypted_key`
/// (`ECDH-ES+A*KW`). Shared with backends that compute `z` elsewhere, such
/// as a PKCS#11 token.
///
/// # Errors
///
/// [`Error::Malformed`] for an encrypted key with direct `ECDH-ES`;
/// [`Error::DecryptionFailed`] when the unwrap fails.
pub fn ecdh_es_cek(
    z: &[u8],
    alg: K,
    enc: ContentEncryptionAlgorithm,
    header: &Header,
    encrypted_key: &[u8],
) -> Result<Zeroizing<Vec<u8>>, Error> {
    let (len, algorithm_id) = kdf_params(alg, enc);
    let apu = header.apu.as_deref().unwrap_or_default();
    let apv = header.apv.as_deref().unwrap_or_default();
    let derived = concat_kdf(z, len, algorithm_id.as_bytes(), apu, apv)?;
    if alg != K::EcdhEs {
        return aes_kw_unwrap(&derived, encrypted_key);
    }
    if !encrypted_key.is_empty() {
        return Err(Error::malformed(
            "encrypted key",
            MalformedReason::Invalid("must be empty for ECDH-ES"),
        ));
    }
    Ok(derived)
}

/// The key length and AlgorithmID of the ECDH-ES KDF for `alg` and `enc`.
fn kdf_params(alg: K, enc: ContentEncryptionAlgorithm) -> (usize, &'static str) {
    match alg.wrap_key_len() {
        Some(len) => (len, alg.name()),
        None => (enc.key_len(), enc.name()),
    }
}

fn epk_json(kty: &str, crv: Curve, x: &[u8], y: Option<&[u8]>) -> Object {
    let mut epk = Object::new();
    epk.insert("kty".into(), Value::String(kty.into()));
    epk.insert("crv".into(), Value::String(crv.name().into()));
    epk.insert("x".into(), Value::String(b64::encode(x)));
    if let Some(y) = y {
        epk.insert("y".into(), Value::String(b64::encode(y)));
    }
    epk
}

/// A fresh ephemeral key agreed with `recipient`: (Z, epk JSON).
fn ecdh_sender(recipient: &Recipient) -> Result<(Zeroizing<Vec<u8>>, Object), Error> {
    fn ec<C: crate::convert::JwkCurve>(
        public: &elliptic_curve::PublicKey<C>,
    ) -> Result<(Zeroizing<Vec<u8>>, Object), Error>
    where
        elliptic_curve::AffinePoint<C>:
            elliptic_curve::sec1::FromSec1Point<C> + elliptic_curve::sec1::ToSec1Point<C>,
        elliptic_curve::FieldBytesSize<C>: elliptic_curve::sec1::ModulusSize,
    {
        use elliptic_curve::sec1::ToSec1Point;
        let eph =
            <elliptic_curve::SecretKey<C> as elliptic_curve::Generate>::try_generate_from_rng(
                &mut getrandom::SysRng,
            )
            .map_err(|e| backend("ephemeral key generation", e))?;
        let z = elliptic_curve::ecdh::diffie_hellman(eph.to_nonzero_scalar(), public.as_affine());
        let point = eph.public_key().to_sec1_point(false);
        let (Some(x), Some(y)) = (point.x(), point.y()) else {
            return Err(Error::ApiMisuse("ephemeral key at infinity"));
        };
        Ok((
            Zeroizing::new(z.raw_secret_bytes().to_vec()),
            epk_json("EC", C::CURVE, x, Some(y)),
        ))
    }
    match recipient {
        Recipient::P256(p) => ec(p),
        Recipient::P384(p) => ec(p),
        Recipient::P521(p) => ec(p),
        Recipient::X25519(p) => {
            let seed = random_bytes(32)?;
            let mut bytes = [0u8; 32];
            bytes.copy_from_slice(&seed);
            let eph = x25519_dalek::StaticSecret::from(bytes);
            bytes.fill(0);
            let shared = eph.diffie_hellman(p);
            if !shared.was_contributory() {
                return Err(Error::invalid_key("x", "is a point of small order"));
            }
            let epk_x = x25519_dalek::PublicKey::from(&eph);
            Ok((
                Zeroizing::new(shared.as_bytes().to_vec()),
                epk_json("OKP", Curve::X25519, epk_x.as_bytes(), None),
            ))
        }
        _ => Err(Error::ApiMisuse("not an ECDH key")),
    }
}

/// Z from the sender's `epk` and our private key; `epk` must be a valid
/// point on our curve (invalid-curve attacks are refused here).
fn ecdh_receiver(holder: &Holder, header: &Header) -> Result<Zeroizing<Vec<u8>>, Error> {
    let epk = header
        .epk
        .clone()
        .ok_or_else(|| Error::malformed("header \"epk\"", MalformedReason::Missing))?;
    let epk = Jwk::from_object(epk, &JwkOptions::default())?;
    if epk.is_private() {
        return Err(Error::malformed(
            "header \"epk\"",
            MalformedReason::Invalid("must not hold a private key"),
        ));
    }
    let other_curve = || {
        Error::malformed(
            "header \"epk\"",
            MalformedReason::Invalid("is not a key on the recipient's curve"),
        )
    };
    let ec = |crv: Curve| match epk.key() {
        Key::Ec(k) if k.crv() == crv => Ok(k),
        _ => Err(other_curve()),
    };
    let z = match holder {
        Holder::P256(sk) => {
            let pk = ec_public::<p256::NistP256>(ec(Curve::P256)?)?;
            elliptic_curve::ecdh::diffie_hellman(sk.to_nonzero_scalar(), pk.as_affine())
                .raw_secret_bytes()
                .to_vec()
        }
        Holder::P384(sk) => {
            let pk = ec_public::<p384::NistP384>(ec(Curve::P384)?)?;
            elliptic_curve::ecdh::diffie_hellman(sk.to_nonzero_scalar(), pk.as_affine())
                .raw_secret_bytes()
                .to_vec()
        }
        Holder::P521(sk) => {
            let pk = ec_public::<p521::NistP521>(ec(Curve::P521)?)?;
            elliptic_curve::ecdh::diffie_hellman(sk.to_nonzero_scalar(), pk.as_affine())
                .raw_secret_bytes()
                .to_vec()
        }
        Holder::X25519(sk) => {
            let Key::Okp(k) = epk.key() else {
                return Err(other_curve());
            };
            if k.crv() != Curve::X25519 {
                return Err(other_curve());
            }
            let x: [u8; 32] = k.x().try_into().map_err(|_| other_curve())?;
            let shared = sk.diffie_hellman(&x25519_dalek::PublicKey::from(x));
            if !shared.was_contributory() {
                return Err(Error::malformed(
                    "header \"epk\"",
                    MalformedReason::Invalid("is a point of small order"),
                ));
            }
            shared.as_bytes().to_vec()
        }
        _ => return Err(Error::ApiMisuse("not an ECDH key")),
    };
    Ok(Zeroizing::new(z))
}

// ------------------------------------------------------------ encryptor

impl KeyEncryptor for Bound<Recipient> {
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
        let rng = &mut getrandom::SysRng;
        let rsa_err = |e| backend("rsa encrypt", e);
        match (&*self.key, self.alg) {
            (Recipient::Rsa(k), K::Rsa1_5) => Ok(WrappedKey::wrapped(
                k.pkcs1v15_encrypt_with_rng(rng, cek).map_err(rsa_err)?,
                Object::new(),
            )),
            (Recipient::Rsa(k), K::RsaOaep) => Ok(WrappedKey::wrapped(
                k.oaep_encrypt_with_rng::<sha1::Sha1, _>(rng, cek)
                    .map_err(rsa_err)?,
                Object::new(),
            )),
            (Recipient::Rsa(k), K::RsaOaep256) => Ok(WrappedKey::wrapped(
                k.oaep_encrypt_with_rng::<sha2::Sha256, _>(rng, cek)
                    .map_err(rsa_err)?,
                Object::new(),
            )),
            (Recipient::Rsa(k), K::RsaOaep384) => Ok(WrappedKey::wrapped(
                k.oaep_encrypt_with_rng::<sha2::Sha384, _>(rng, cek)
                    .map_err(rsa_err)?,
                Object::new(),
            )),
            (Recipient::Rsa(k), K::RsaOaep512) => Ok(WrappedKey::wrapped(
                k.oaep_encrypt_with_rng::<sha2::Sha512, _>(rng, cek)
                    .map_err(rsa_err)?,
                Object::new(),
            )),
            (Recipient::Oct(k), K::A128Kw | K::A192Kw | K::A256Kw) => Ok(WrappedKey::wrapped(
                aes_kw_wrap(k.expose(), cek)?,
                Object::new(),
            )),
            (Recipient::Oct(k), K::A128GcmKw | K::A192GcmKw | K::A256GcmKw) => {
                let GcmWrapped { wrapped, iv, tag } = gcm_kw_encrypt(k.expose(), cek)?;
                let mut params = Object::new();
                params.insert("iv".into(), Value::String(b64::encode(&iv)));
                params.insert("tag".into(), Value::String(b64::encode(&tag)));
                Ok(WrappedKey::wrapped(wrapped, params))
            }
            (Recipient::Oct(k), K::Dir) => {
                if k.len() != enc.key_len() {
                    return Err(Error::invalid_key("k", "has the wrong length for enc"));
                }
                Ok(WrappedKey::direct(
                    Zeroizing::new(k.expose().to_vec()),
                    Object::new(),
                ))
            }
            (
                Recipient::Oct(k),
                alg @ (K::Pbes2Hs256A128Kw | K::Pbes2Hs384A192Kw | K::Pbes2Hs512A256Kw),
            ) => {
                let p2c = header.p2c.unwrap_or_else(|| {
                    PBES2_DEFAULT_ITERATIONS
                        .iter()
                        .find(|(a, _)| *a == alg)
                        .map_or(600_000, |(_, n)| *n)
                });
                let p2s = match &header.p2s {
                    Some(s) if s.len() >= 8 => s.clone(),
                    Some(_) => {
                        return Err(Error::ApiMisuse("PBES2 p2s must be at least 8 bytes"));
                    }
                    None => random_bytes(PBES2_SALT_LEN)?.to_vec(),
                };
                let kek = pbes2_key(alg, k.expose(), &p2s, p2c)?;
                let mut params = Object::new();
                params.insert("p2s".into(), Value::String(b64::encode(&p2s)));
                params.insert("p2c".into(), Value::from(p2c));
                Ok(WrappedKey::wrapped(aes_kw_wrap(&kek, cek)?, params))
            }
            (
                recipient,
                alg @ (K::EcdhEs | K::EcdhEsA128Kw | K::EcdhEsA192Kw | K::EcdhEsA256Kw),
            ) => {
                let (z, epk) = ecdh_sender(recipient)?;
                let (len, algorithm_id) = kdf_params(alg, enc);
                let apu = header.apu.as_deref().unwrap_or_default();
                let apv = header.apv.as_deref().unwrap_or_default();
                let derived = concat_kdf(&z, len, algorithm_id.as_bytes(), apu, apv)?;
                let mut params = Object::new();
                params.insert("epk".into(), Value::Object(epk));
                if alg == K::EcdhEs {
                    Ok(WrappedKey::direct(derived, params))
                } else {
                    Ok(WrappedKey::wrapped(aes_kw_wrap(&derived, cek)?, params))
                }
            }
            (_, alg) => Err(Error::Policy(Policy::KeyAlgorithmMismatch {
                requested: String::from(alg.name()),
            })),
        }
    }
}

// ------------------------------------------------------------ decryptor

impl KeyDecryptor for Bound<Holder> {
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
        let cek = match (&*self.key, self.alg) {
            (Holder::Rsa(k), K::Rsa1_5) => {
                // RFC 7516 section 11.5: never a padding oracle. Draw the
                // random CEK first; on any failure continue with it, so the
                // caller sees the same error (a bad tag) at the same point.
                let random = random_bytes(enc.key_len())?;
                let decrypted = k.pkcs1v15_decrypt(encrypted_key).unwrap_or_default();
                let decrypted = Zeroizing::new(decrypted);
                let good = decrypted.len().ct_eq(&random.len());
                let mut out = random;
                if bool::from(good) {
                    for (o, d) in out.iter_mut().zip(decrypted.iter()) {
                        *o = u8::conditional_select(o, d, good);
                    }
                }
                out
            }
            (Holder::Rsa(k), K::RsaOaep) => {
                Zeroizing::new(k.oaep_decrypt::<sha1::Sha1>(encrypted_key).map_err(fail)?)
            }
            (Holder::Rsa(k), K::RsaOaep256) => Zeroizing::new(
                k.oaep_decrypt::<sha2::Sha256>(encrypted_key)
                    .map_err(fail)?,
            ),
            (Holder::Rsa(k), K::RsaOaep384) => Zeroizing::new(
                k.oaep_decrypt::<sha2::Sha384>(encrypted_key)
                    .map_err(fail)?,
            ),
            (Holder::Rsa(k), K::RsaOaep512) => Zeroizing::new(
                k.oaep_decrypt::<sha2::Sha512>(encrypted_key)
                    .map_err(fail)?,
            ),
            (Holder::Oct(k), K::A128Kw | K::A192Kw | K::A256Kw) => {
                aes_kw_unwrap(k.expose(), encrypted_key)?
            }
            (Holder::Oct(k), K::A128GcmKw | K::A192GcmKw | K::A256GcmKw) => {
                gcm_kw_decrypt(k.expose(), encrypted_key, header)?
            }
            (Holder::Oct(k), K::Dir) => {
                if !encrypted_key.is_empty() {
                    return Err(Error::malformed(
                        "encrypted key",
                        MalformedReason::Invalid("must be empty for dir"),
                    ));
                }
                if k.len() != enc.key_len() {
                    return Err(Error::invalid_key("k", "has the wrong length for enc"));
                }
                Zeroizing::new(k.expose().to_vec())
            }
            (
                Holder::Oct(k),
                alg @ (K::Pbes2Hs256A128Kw | K::Pbes2Hs384A192Kw | K::Pbes2Hs512A256Kw),
            ) => {
                let p2s = header
                    .p2s
                    .as_deref()
                    .ok_or_else(|| Error::malformed("header \"p2s\"", MalformedReason::Missing))?;
                if p2s.len() < 8 {
                    return Err(Error::malformed(
                        "header \"p2s\"",
                        MalformedReason::Invalid(
                            "must be at least 8 bytes (RFC 7518 section 4.8.1.1)",
                        ),
                    ));
                }
                let p2c = header
                    .p2c
                    .ok_or_else(|| Error::malformed("header \"p2c\"", MalformedReason::Missing))?;
                let kek = pbes2_key(alg, k.expose(), p2s, p2c)?;
                aes_kw_unwrap(&kek, encrypted_key)?
            }
            (holder, alg @ (K::EcdhEs | K::EcdhEsA128Kw | K::EcdhEsA192Kw | K::EcdhEsA256Kw)) => {
                let z = ecdh_receiver(holder, header)?;
                ecdh_es_cek(&z, alg, enc, header, encrypted_key)?
            }
            (_, alg) => {
                return Err(Error::Policy(Policy::KeyAlgorithmMismatch {
                    requested: String::from(alg.name()),
                }));
            }
        };
        if cek.len() != enc.key_len() {
            return Err(Error::DecryptionFailed);
        }
        Ok(cek)
    }
}
