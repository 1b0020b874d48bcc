//! The parts of JWE key management (RFC 7518 section 4) that are JOSE
//! compositions rather than primitives: the Concat KDF of ECDH-ES and what
//! follows the key agreement, the PBES2 salt, and the RSA1_5 choice of a
//! random CEK. They are written once, here, over the backend traits
//! ([`Hasher`], [`KeyWrap`], [`SecureRandom`]), so that a software backend
//! and a hardware token run the same code after their own primitive (the
//! key agreement, the password hash, the RSA decryption).

use alloc::vec::Vec;

use subtle::{ConditionallySelectable, ConstantTimeEq};
use zeroize::Zeroizing;

use crate::alg::{ContentEncryptionAlgorithm, KeyManagementAlgorithm};
use crate::backend::{HashAlgorithm, Hasher, KeyWrap, SecureRandom, WrappedKey};
use crate::error::{Error, MalformedReason};
use crate::header::Header;
use crate::json::Object;

/// The Concat KDF of NIST SP 800-56A with SHA-256, as RFC 7518 section
/// 4.6.2 instantiates it: `key_len` bytes from the shared secret `z`.
///
/// # Errors
///
/// [`Error::ApiMisuse`] for inputs or an output too long to encode; errors
/// of the hasher.
pub fn concat_kdf(
    hasher: &dyn Hasher,
    z: &[u8],
    key_len: usize,
    algorithm_id: &[u8],
    apu: &[u8],
    apv: &[u8],
) -> Result<Zeroizing<Vec<u8>>, Error> {
    let length = |data: &[u8]| -> Result<[u8; 4], Error> {
        u32::try_from(data.len())
            .map(u32::to_be_bytes)
            .map_err(|_| Error::ApiMisuse("KDF input too long"))
    };
    let key_bits = key_len
        .checked_mul(8)
        .and_then(|bits| u32::try_from(bits).ok())
        .ok_or(Error::ApiMisuse("KDF output too long"))?
        .to_be_bytes();
    // counter || Z || OtherInfo, where OtherInfo is AlgorithmID ||
    // PartyUInfo || PartyVInfo || SuppPubInfo, each datum length-prefixed.
    let mut input = Zeroizing::new(Vec::with_capacity(
        4 + z.len() + 12 + algorithm_id.len() + apu.len() + apv.len() + 4,
    ));
    input.extend_from_slice(&[0, 0, 0, 0]);
    input.extend_from_slice(z);
    for datum in [algorithm_id, apu, apv] {
        input.extend_from_slice(&length(datum)?);
        input.extend_from_slice(datum);
    }
    input.extend_from_slice(&key_bits);
    let mut out = Zeroizing::new(Vec::with_capacity(key_len + 32));
    let mut counter: u32 = 1;
    while out.len() < key_len {
        if let Some(c) = input.get_mut(..4) {
            c.copy_from_slice(&counter.to_be_bytes());
        }
        let block = Zeroizing::new(hasher.hash(HashAlgorithm::Sha256, &input)?);
        if block.len() != HashAlgorithm::Sha256.output_len() {
            return Err(Error::ApiMisuse("the hasher's SHA-256 is not 32 bytes"));
        }
        out.extend_from_slice(&block);
        counter = counter
            .checked_add(1)
            .ok_or(Error::ApiMisuse("KDF output too long"))?;
    }
    out.truncate(key_len);
    Ok(out)
}

/// The key length and AlgorithmID of the ECDH-ES KDF for `alg` and `enc`
/// (RFC 7518 section 4.6.2): the KEK of `ECDH-ES+A*KW`, or the CEK itself
/// for direct `ECDH-ES`.
fn ecdh_kdf_params(
    alg: KeyManagementAlgorithm,
    enc: ContentEncryptionAlgorithm,
) -> (usize, &'static str) {
    match alg.wrap_key_len() {
        Some(len) => (len, alg.name()),
        None => (enc.key_len(), enc.name()),
    }
}

/// The key the Concat KDF derives from `z` for this message.
fn ecdh_derive(
    hasher: &dyn Hasher,
    z: &[u8],
    alg: KeyManagementAlgorithm,
    enc: ContentEncryptionAlgorithm,
    header: &Header,
) -> Result<Zeroizing<Vec<u8>>, Error> {
    let (len, algorithm_id) = ecdh_kdf_params(alg, enc);
    let apu = header.apu.as_deref().unwrap_or_default();
    let apv = header.apv.as_deref().unwrap_or_default();
    concat_kdf(hasher, z, len, algorithm_id.as_bytes(), apu, apv)
}

/// The sending side of ECDH-ES after the key agreement: from the shared
/// secret `z`, the CEK itself (`ECDH-ES`) or `cek` wrapped under the
/// derived key (`ECDH-ES+A*KW`). `epk` is the ephemeral public key the
/// agreement used, for the header.
///
/// # Errors
///
/// Errors of the hasher and the key wrap.
#[allow(clippy::too_many_arguments)]
pub fn ecdh_es_encrypt(
    hasher: &dyn Hasher,
    key_wrap: &dyn KeyWrap,
    z: &[u8],
    alg: KeyManagementAlgorithm,
    enc: ContentEncryptionAlgorithm,
    header: &Header,
    cek: &[u8],
    epk: Object,
) -> Result<WrappedKey, Error> {
    let derived = ecdh_derive(hasher, z, alg, enc, header)?;
    let mut params = Object::new();
    params.insert("epk".into(), serde_json::Value::Object(epk));
    if alg.is_direct() {
        Ok(WrappedKey::direct(derived, params))
    } else {
        Ok(WrappedKey::wrapped(
            key_wrap.wrap_key(&derived, cek)?,
            params,
        ))
    }
}

/// The receiving side of ECDH-ES after the key agreement: from the shared
/// secret `z`, the Concat KDF (with the header's `apu`/`apv`) gives the CEK
/// itself (`ECDH-ES`) or the key that unwraps `encrypted_key`
/// (`ECDH-ES+A*KW`).
///
/// # Errors
///
/// [`Error::Malformed`] for an encrypted key with direct `ECDH-ES`;
/// [`Error::DecryptionFailed`] when the unwrap fails.
pub fn ecdh_es_decrypt(
    hasher: &dyn Hasher,
    key_wrap: &dyn KeyWrap,
    z: &[u8],
    alg: KeyManagementAlgorithm,
    enc: ContentEncryptionAlgorithm,
    header: &Header,
    encrypted_key: &[u8],
) -> Result<Zeroizing<Vec<u8>>, Error> {
    let derived = ecdh_derive(hasher, z, alg, enc, header)?;
    if !alg.is_direct() {
        return key_wrap.unwrap_key(&derived, encrypted_key);
    }
    if !encrypted_key.is_empty() {
        return Err(Error::malformed(
            "encrypted key",
            MalformedReason::Invalid("must be empty for ECDH-ES"),
        ));
    }
    Ok(derived)
}

/// The shortest PBES2 salt input (`p2s`) accepted, in bytes (RFC 7518
/// section 4.8.1.1).
pub const PBES2_MIN_SALT_LEN: usize = 8;

/// The PBES2 iteration count (`p2c`) used when encrypting unless the
/// caller chooses one: 10,000, the most that npm `jose` (10,000) and python
/// jwcrypto (16,384) accept by default, so that every peer can open what
/// we make. A password JWE is only as strong as its password: choose a
/// long random one (`Provider::generate` makes 32 characters).
pub const PBES2_DEFAULT_COUNT: u64 = 10_000;

/// The highest PBES2 iteration count any PBES2 primitive of this workspace
/// runs, whoever calls it: a key decryptor used without `Decryption` (and
/// its `max_p2c`) still cannot be made to run PBKDF2 for seconds.
pub const PBES2_MAX_COUNT: u64 = 2_000_000;

/// The lowest PBES2 iteration count used when encrypting (RFC 7518 section
/// 4.8.1.2 recommends at least 1,000).
pub const PBES2_MIN_COUNT: u64 = 1_000;

/// The PBES2 salt input length (`p2s`) used when encrypting unless the
/// caller chooses one, in bytes.
pub const PBES2_DEFAULT_SALT_LEN: usize = 16;

/// How a PBES2 recipient is encrypted: the iteration count (`p2c`) and the
/// length of the random salt input (`p2s`). Checked when made: at least
/// [`PBES2_MIN_COUNT`] iterations and [`PBES2_MIN_SALT_LEN`] bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pbes2Params {
    count: u64,
    salt_len: usize,
}

impl Pbes2Params {
    /// [`PBES2_DEFAULT_COUNT`] iterations, [`PBES2_DEFAULT_SALT_LEN`] bytes
    /// of salt.
    pub const DEFAULT: Self = Self {
        count: PBES2_DEFAULT_COUNT,
        salt_len: PBES2_DEFAULT_SALT_LEN,
    };

    /// `count` iterations and a random salt of `salt_len` bytes.
    ///
    /// # Errors
    ///
    /// [`Error::ApiMisuse`] for fewer than [`PBES2_MIN_COUNT`] iterations,
    /// more than fit PBKDF2's 32-bit count, or a salt shorter than
    /// [`PBES2_MIN_SALT_LEN`] (or longer than 1 KiB).
    pub fn new(count: u64, salt_len: usize) -> Result<Self, Error> {
        check_pbes2_count(count)?;
        if !(PBES2_MIN_SALT_LEN..=1024).contains(&salt_len) {
            return Err(Error::ApiMisuse(
                "the PBES2 salt must be 8 to 1024 bytes (RFC 7518 section 4.8.1.1)",
            ));
        }
        Ok(Self { count, salt_len })
    }

    /// The iteration count.
    pub const fn count(self) -> u64 {
        self.count
    }

    /// The salt input length, in bytes.
    pub const fn salt_len(self) -> usize {
        self.salt_len
    }
}

impl Default for Pbes2Params {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// Checks an iteration count chosen for encrypting: at least
/// [`PBES2_MIN_COUNT`], at most `u32::MAX` (PBKDF2's count).
///
/// # Errors
///
/// [`Error::ApiMisuse`] outside those bounds.
pub fn check_pbes2_count(count: u64) -> Result<(), Error> {
    if count < PBES2_MIN_COUNT {
        return Err(Error::ApiMisuse(
            "a PBES2 iteration count below 1,000 is refused (RFC 7518 section 4.8.1.2)",
        ));
    }
    if count > u64::from(u32::MAX) {
        return Err(Error::ApiMisuse("a PBES2 iteration count must fit 32 bits"));
    }
    Ok(())
}

/// The PBES2 salt: `UTF8(alg) || 0x00 || p2s` (RFC 7518 section 4.8.1.1).
///
/// # Errors
///
/// [`Error::Malformed`] for a `p2s` shorter than [`PBES2_MIN_SALT_LEN`].
pub fn pbes2_salt(alg: KeyManagementAlgorithm, p2s: &[u8]) -> Result<Vec<u8>, Error> {
    if p2s.len() < PBES2_MIN_SALT_LEN {
        return Err(Error::malformed(
            "header \"p2s\"",
            MalformedReason::Invalid("must be at least 8 bytes (RFC 7518 section 4.8.1.1)"),
        ));
    }
    let mut salt = Vec::with_capacity(alg.name().len() + 1 + p2s.len());
    salt.extend_from_slice(alg.name().as_bytes());
    salt.push(0);
    salt.extend_from_slice(p2s);
    Ok(salt)
}

/// A backend's PBKDF2 (RFC 8018) with HMAC over the hash: fills `out`
/// from the password, the salt and the iteration count, as PBES2 needs it.
pub type Pbkdf2 = dyn Fn(HashAlgorithm, &[u8], &[u8], u32, &mut [u8]) -> Result<(), Error>;

/// The PBKDF2 hash of a PBES2 algorithm.
fn pbes2_hash(alg: KeyManagementAlgorithm) -> Result<HashAlgorithm, Error> {
    match alg {
        KeyManagementAlgorithm::Pbes2Hs256A128Kw => Ok(HashAlgorithm::Sha256),
        KeyManagementAlgorithm::Pbes2Hs384A192Kw => Ok(HashAlgorithm::Sha384),
        KeyManagementAlgorithm::Pbes2Hs512A256Kw => Ok(HashAlgorithm::Sha512),
        other => Err(Error::Policy(crate::error::Policy::KeyAlgorithmMismatch {
            requested: alloc::string::String::from(other.name()),
        })),
    }
}

/// The key-encryption key of a PBES2 algorithm from the password, `p2s`
/// and `p2c`: never more than [`PBES2_MAX_COUNT`] iterations.
fn pbes2_kek(
    pbkdf2: &Pbkdf2,
    alg: KeyManagementAlgorithm,
    password: &[u8],
    p2s: &[u8],
    p2c: u64,
) -> Result<Zeroizing<Vec<u8>>, Error> {
    if p2c > PBES2_MAX_COUNT {
        return Err(Error::Policy(crate::error::Policy::LimitExceeded("p2c")));
    }
    let rounds = u32::try_from(p2c).ok().filter(|r| *r > 0).ok_or_else(|| {
        Error::malformed(
            "header \"p2c\"",
            MalformedReason::Invalid("is out of range"),
        )
    })?;
    let hash = pbes2_hash(alg)?;
    let salt = pbes2_salt(alg, p2s)?;
    let len = alg
        .wrap_key_len()
        .ok_or(Error::ApiMisuse("not a PBES2 algorithm"))?;
    let mut kek = Zeroizing::new(alloc::vec![0u8; len]);
    pbkdf2(hash, password, &salt, rounds, &mut kek)?;
    Ok(kek)
}

/// PBES2, sending side (RFC 7518 section 4.8): the caller's `p2c` and `p2s`
/// from the joint header (`JweBuilder::pbes2` puts them there), or the
/// interoperable defaults; the CEK wrapped under the derived key; the
/// `p2s` and `p2c` header members.
///
/// # Errors
///
/// [`Error::ApiMisuse`] for a count or salt out of bounds; errors of the
/// primitives.
pub fn pbes2_encrypt(
    key_wrap: &dyn KeyWrap,
    random: &dyn SecureRandom,
    pbkdf2: &Pbkdf2,
    alg: KeyManagementAlgorithm,
    password: &[u8],
    header: &Header,
    cek: &[u8],
) -> Result<WrappedKey, Error> {
    let p2c = header.p2c.unwrap_or(PBES2_DEFAULT_COUNT);
    check_pbes2_count(p2c)?;
    let p2s = match &header.p2s {
        Some(s) if s.len() >= PBES2_MIN_SALT_LEN => s.clone(),
        Some(_) => return Err(Error::ApiMisuse("PBES2 p2s must be at least 8 bytes")),
        None => {
            let mut s = alloc::vec![0u8; PBES2_DEFAULT_SALT_LEN];
            random.fill(&mut s)?;
            s
        }
    };
    let kek = pbes2_kek(pbkdf2, alg, password, &p2s, p2c)?;
    let mut params = Object::new();
    params.insert(
        "p2s".into(),
        serde_json::Value::String(crate::b64::encode(&p2s)),
    );
    params.insert("p2c".into(), serde_json::Value::from(p2c));
    Ok(WrappedKey::wrapped(key_wrap.wrap_key(&kek, cek)?, params))
}

/// PBES2, receiving side: the CEK unwrapped under the key derived from the
/// password and the header's `p2s` and `p2c`.
///
/// # Errors
///
/// [`Error::Malformed`] for missing or invalid `p2s`/`p2c`,
/// [`Error::Policy`] for a `p2c` above [`PBES2_MAX_COUNT`],
/// [`Error::DecryptionFailed`] for a wrong password or a corrupted key.
pub fn pbes2_decrypt(
    key_wrap: &dyn KeyWrap,
    pbkdf2: &Pbkdf2,
    alg: KeyManagementAlgorithm,
    password: &[u8],
    header: &Header,
    encrypted_key: &[u8],
) -> Result<Zeroizing<Vec<u8>>, Error> {
    let p2s = header
        .p2s
        .as_deref()
        .ok_or_else(|| Error::malformed("header \"p2s\"", MalformedReason::Missing))?;
    let p2c = header
        .p2c
        .ok_or_else(|| Error::malformed("header \"p2c\"", MalformedReason::Missing))?;
    let kek = pbes2_kek(pbkdf2, alg, password, p2s, p2c)?;
    key_wrap.unwrap_key(&kek, encrypted_key)
}

/// The length of the AES-GCM key wrap IV (RFC 7518 section 4.7.1.1).
pub const AES_GCM_KW_IV_LEN: usize = 12;

/// The length of the AES-GCM key wrap tag (RFC 7518 section 4.7.1.2).
pub const AES_GCM_KW_TAG_LEN: usize = 16;

/// The header members of an AES-GCM key wrap: `iv` and `tag`.
pub fn aes_gcm_kw_header(iv: &[u8], tag: &[u8]) -> Object {
    let mut params = Object::new();
    params.insert(
        "iv".into(),
        serde_json::Value::String(crate::b64::encode(iv)),
    );
    params.insert(
        "tag".into(),
        serde_json::Value::String(crate::b64::encode(tag)),
    );
    params
}

/// The `iv` and `tag` of an AES-GCM key wrap, from the joint header, each
/// of its length.
///
/// # Errors
///
/// [`Error::Malformed`] when either is missing or of another length.
pub fn aes_gcm_kw_params(header: &Header) -> Result<(&[u8], &[u8]), Error> {
    let iv = header
        .iv
        .as_deref()
        .ok_or_else(|| Error::malformed("header \"iv\"", MalformedReason::Missing))?;
    let tag = header
        .tag
        .as_deref()
        .ok_or_else(|| Error::malformed("header \"tag\"", MalformedReason::Missing))?;
    if iv.len() != AES_GCM_KW_IV_LEN {
        return Err(Error::malformed(
            "header \"iv\"",
            MalformedReason::Invalid("must be 12 bytes"),
        ));
    }
    if tag.len() != AES_GCM_KW_TAG_LEN {
        return Err(Error::malformed(
            "header \"tag\"",
            MalformedReason::Invalid("must be 16 bytes"),
        ));
    }
    Ok((iv, tag))
}

/// The first step of RSA1_5 decryption, before the RSA operation: a random
/// CEK of `enc`'s length, which [`rsa1_5_cek`] returns whenever the
/// decryption fails (RFC 7516 section 11.5).
///
/// # Errors
///
/// Errors of the random source.
pub fn rsa1_5_random_cek(
    random: &dyn SecureRandom,
    enc: ContentEncryptionAlgorithm,
) -> Result<Zeroizing<Vec<u8>>, Error> {
    let mut cek = Zeroizing::new(alloc::vec![0u8; enc.key_len()]);
    random.fill(&mut cek)?;
    Ok(cek)
}

/// The CEK of an RSA1_5 decryption, chosen without branching on secret
/// data: `decrypted` when it has the CEK's length, otherwise `random` (from
/// [`rsa1_5_random_cek`]), so that every failure surfaces later as the same
/// bad tag and the decryption is not a padding oracle (RFC 7516 section
/// 11.5). `decrypted` is empty when the RSA operation failed.
///
/// The choice is constant-time in the bytes; what remains is the length of
/// `decrypted` (read through bounds checks) and whatever branch the RSA
/// operation itself takes on bad padding, which is the backend's to hide.
pub fn rsa1_5_cek(random: Zeroizing<Vec<u8>>, decrypted: &[u8]) -> Zeroizing<Vec<u8>> {
    let good = decrypted.len().ct_eq(&random.len());
    let mut out = random;
    // Read `decrypted` at the CEK's length whatever its own, so that the
    // work done does not depend on it.
    for (i, o) in out.iter_mut().enumerate() {
        let d = decrypted.get(i).copied().unwrap_or(0);
        *o = u8::conditional_select(o, &d, good);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Sha256Stub;

    #[derive(Debug)]
    struct Empty;

    impl Hasher for Empty {
        fn hash(&self, _: HashAlgorithm, _: &[u8]) -> Result<Vec<u8>, Error> {
            Ok(Vec::new())
        }
    }

    #[test]
    fn a_hasher_of_the_wrong_size_is_an_error_not_a_long_loop() {
        assert!(concat_kdf(&Empty, b"Z", 32, b"A128GCM", b"", b"").is_err());
    }

    /// A SHA-256 that answers the first 32 bytes of its input, to see the
    /// layout of what the KDF hashes.
    impl Hasher for Sha256Stub {
        fn hash(&self, _: HashAlgorithm, data: &[u8]) -> Result<Vec<u8>, Error> {
            Ok(data.get(..32).unwrap_or(data).to_vec())
        }
    }

    #[test]
    fn concat_kdf_input_layout() {
        // RFC 7518 appendix C: AlgorithmID "A128GCM", apu "Alice", apv "Bob".
        let out = concat_kdf(&Sha256Stub, b"ZZ", 16, b"A128GCM", b"Alice", b"Bob").unwrap();
        let expected: Vec<u8> = [
            &[0, 0, 0, 1][..],
            b"ZZ",
            &[0, 0, 0, 7],
            b"A128GCM",
            &[0, 0, 0, 5],
            b"Alice",
            &[0, 0, 0, 3],
            b"Bob",
            &[0, 0, 0, 128],
        ]
        .concat();
        assert_eq!(&*out, &expected[..16]);
    }

    #[test]
    fn pbes2_salt_is_alg_zero_p2s() {
        let salt = pbes2_salt(KeyManagementAlgorithm::Pbes2Hs256A128Kw, &[7; 8]).unwrap();
        assert_eq!(&salt[..18], b"PBES2-HS256+A128KW");
        assert_eq!(salt[18], 0);
        assert_eq!(&salt[19..], &[7; 8]);
        assert!(pbes2_salt(KeyManagementAlgorithm::Pbes2Hs256A128Kw, &[7; 7]).is_err());
    }

    #[test]
    fn rsa1_5_takes_the_decryption_only_when_it_has_the_cek_length() {
        let random = || Zeroizing::new(alloc::vec![9u8; 16]);
        assert_eq!(&*rsa1_5_cek(random(), &[1; 16]), &[1; 16]);
        assert_eq!(&*rsa1_5_cek(random(), &[1; 15]), &[9; 16]);
        assert_eq!(&*rsa1_5_cek(random(), &[1; 17]), &[9; 16]);
        assert_eq!(&*rsa1_5_cek(random(), &[]), &[9; 16]);
    }
}
