//! RSA: RS256-512 and PS256-512 (RFC 7518 sections 3.3 and 3.5), RSA1_5
//! and RSA-OAEP(-256, -384, -512) (RFC 7518 sections 4.2 and 4.3), key
//! generation. Private operations are blinded with the provider's random
//! source, which also gives the PSS salts and the encryption padding.

use alloc::boxed::Box;
use alloc::vec::Vec;

use jose_core::key_management::{rsa1_5_cek, rsa1_5_random_cek};
use jose_core::{
    BackendError, ContentEncryptionAlgorithm, Error, JwsAlgorithm, KeyManagementAlgorithm as K,
    SecureRandom,
};
use jose_core::{Secret, Unsupported};
use jose_jwk::{Jwk, Key, RsaKey, RsaPrimes};
use rsa::BoxedUint;
use rsa::traits::{PrivateKeyParts, PublicKeyParts};
use sha2::{Sha256, Sha384, Sha512};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use crate::convert::{FromJwk, ToJwk, no_private, wrong_type};
use crate::random::Rng;

fn backend(context: &'static str, e: rsa::Error) -> Error {
    Error::Backend(BackendError::new(context, Box::new(e)))
}

/// Signs `input` with `alg`.
pub(crate) fn sign(
    key: &rsa::PrivateKey,
    alg: JwsAlgorithm,
    input: &[u8],
    random: &dyn SecureRandom,
) -> Result<Vec<u8>, Error> {
    let rng = &mut Rng(random);
    match alg {
        JwsAlgorithm::Rs256 => key.pkcs1v15_sign_with_rng::<Sha256, _>(rng, input),
        JwsAlgorithm::Rs384 => key.pkcs1v15_sign_with_rng::<Sha384, _>(rng, input),
        JwsAlgorithm::Rs512 => key.pkcs1v15_sign_with_rng::<Sha512, _>(rng, input),
        JwsAlgorithm::Ps256 => key.pss_sign_with_rng::<Sha256, _>(rng, input),
        JwsAlgorithm::Ps384 => key.pss_sign_with_rng::<Sha384, _>(rng, input),
        JwsAlgorithm::Ps512 => key.pss_sign_with_rng::<Sha512, _>(rng, input),
        other => return Err(crate::handle::mismatch(other)),
    }
    .map_err(|e| backend("rsa sign", e))
}

/// Verifies `sig` over `input` with `alg`.
pub(crate) fn verify(
    key: &rsa::PublicKey,
    alg: JwsAlgorithm,
    input: &[u8],
    sig: &[u8],
) -> Result<(), Error> {
    match alg {
        JwsAlgorithm::Rs256 => key.pkcs1v15_verify::<Sha256>(input, sig),
        JwsAlgorithm::Rs384 => key.pkcs1v15_verify::<Sha384>(input, sig),
        JwsAlgorithm::Rs512 => key.pkcs1v15_verify::<Sha512>(input, sig),
        JwsAlgorithm::Ps256 => key.pss_verify::<Sha256>(input, sig),
        JwsAlgorithm::Ps384 => key.pss_verify::<Sha384>(input, sig),
        JwsAlgorithm::Ps512 => key.pss_verify::<Sha512>(input, sig),
        other => return Err(crate::handle::mismatch(other)),
    }
    .map_err(|_| Error::BadSignature)
}

/// Encrypts the CEK to `key` with `alg`.
pub(crate) fn encrypt(
    key: &rsa::PublicKey,
    alg: K,
    cek: &[u8],
    random: &dyn SecureRandom,
) -> Result<Vec<u8>, Error> {
    let rng = &mut Rng(random);
    match alg {
        K::Rsa1_5 => key.pkcs1v15_encrypt_with_rng(rng, cek),
        K::RsaOaep => key.oaep_encrypt_with_rng::<sha1::Sha1, _>(rng, cek),
        K::RsaOaep256 => key.oaep_encrypt_with_rng::<Sha256, _>(rng, cek),
        K::RsaOaep384 => key.oaep_encrypt_with_rng::<Sha384, _>(rng, cek),
        K::RsaOaep512 => key.oaep_encrypt_with_rng::<Sha512, _>(rng, cek),
        other => return Err(crate::handle::mismatch(other)),
    }
    .map_err(|e| backend("rsa encrypt", e))
}

/// Decrypts the CEK with `alg`. RSA1_5 is never a padding oracle: the
/// random CEK is drawn first and returned on any failure (RFC 7516 section
/// 11.5), so the failure surfaces later as the same bad tag.
pub(crate) fn decrypt(
    key: &rsa::PrivateKey,
    alg: K,
    enc: ContentEncryptionAlgorithm,
    encrypted_key: &[u8],
    random: &dyn SecureRandom,
) -> Result<Zeroizing<Vec<u8>>, Error> {
    let fail = |_| Error::DecryptionFailed;
    if alg == K::Rsa1_5 {
        let random_cek = rsa1_5_random_cek(random, enc)?;
        let decrypted = Zeroizing::new(
            key.pkcs1v15_decrypt_with_rng(&mut Rng(random), encrypted_key)
                .unwrap_or_default(),
        );
        return Ok(rsa1_5_cek(random_cek, &decrypted));
    }
    let rng = &mut Rng(random);
    let cek = match alg {
        K::RsaOaep => key.oaep_decrypt_with_rng::<sha1::Sha1, _>(rng, encrypted_key),
        K::RsaOaep256 => key.oaep_decrypt_with_rng::<Sha256, _>(rng, encrypted_key),
        K::RsaOaep384 => key.oaep_decrypt_with_rng::<Sha384, _>(rng, encrypted_key),
        K::RsaOaep512 => key.oaep_decrypt_with_rng::<Sha512, _>(rng, encrypted_key),
        other => return Err(crate::handle::mismatch(other)),
    }
    .map_err(fail)?;
    Ok(Zeroizing::new(cek))
}

/// Generates a private key of `bits` bits.
pub(crate) fn generate(bits: usize, random: &dyn SecureRandom) -> Result<Jwk, Error> {
    rsa::PrivateKey::new(&mut Rng(random), bits)
        .map_err(|e| backend("rsa key generation", e))?
        .to_jwk()
}

fn rsa_key(jwk: &Jwk) -> Result<&RsaKey, Error> {
    match jwk.key() {
        Key::Rsa(k) => Ok(k),
        _ => Err(wrong_type()),
    }
}

fn public_uint(bytes: &[u8]) -> BoxedUint {
    BoxedUint::from_be_slice_vartime(bytes)
}

fn secret_uint(member: &'static str, bytes: &[u8]) -> Result<BoxedUint, Error> {
    let bits = u32::try_from(bytes.len().saturating_mul(8))
        .map_err(|_| Error::invalid_key(member, "is too long"))?;
    BoxedUint::from_be_slice(bytes, bits).map_err(|_| Error::invalid_key(member, "is malformed"))
}

fn trimmed(u: &BoxedUint) -> Secret {
    Secret::new(Zeroizing::new(u.to_be_bytes_trimmed_vartime().into_vec()).to_vec())
}

impl FromJwk for rsa::PublicKey {
    fn from_jwk(jwk: &Jwk) -> Result<Self, Error> {
        let k = rsa_key(jwk)?;
        rsa::PublicKey::new_with_size_limits(public_uint(k.n()), public_uint(k.e()), 1024..=16384)
            .map_err(|_| Error::invalid_key("key", "is not a valid RSA public key"))
    }
}

impl FromJwk for rsa::PrivateKey {
    fn from_jwk(jwk: &Jwk) -> Result<Self, Error> {
        let k = rsa_key(jwk)?;
        let private = k.private().ok_or_else(no_private)?;
        let d = secret_uint("d", private.d().expose())?;
        let primes = match private.primes() {
            Some(p) => alloc::vec![
                secret_uint("p", p.p.expose())?,
                secret_uint("q", p.q.expose())?
            ],
            None => Vec::new(),
        };
        let key =
            rsa::PrivateKey::from_components(public_uint(k.n()), public_uint(k.e()), d, primes)
                .map_err(|_| Error::invalid_key("key", "is not a consistent RSA private key"))?;
        // from_components recomputes dp, dq and qi: the JWK's must agree.
        if let Some(p) = private.primes() {
            // Borrowed, or owned and zeroized: a dropped BoxedUint is not.
            let check = |member: &'static str, given: &Secret, computed: Option<&BoxedUint>| {
                let computed = computed.map(trimmed);
                match computed {
                    Some(c) if bool::from(c.expose().ct_eq(given.expose())) => Ok(()),
                    _ => Err(Error::invalid_key(
                        member,
                        "does not match the other RSA parameters",
                    )),
                }
            };
            check("dp", &p.dp, key.dp())?;
            check("dq", &p.dq, key.dq())?;
            let qi = key.crt_coefficient().map(Zeroizing::new);
            check("qi", &p.qi, qi.as_deref())?;
        }
        Ok(key)
    }
}

impl ToJwk for rsa::PublicKey {
    fn to_jwk(&self) -> Result<Jwk, Error> {
        let key = RsaKey::new_public(self.n_bytes().into_vec(), self.e_bytes().into_vec())?;
        Ok(Jwk::new(Key::Rsa(key)))
    }
}

impl ToJwk for rsa::PrivateKey {
    fn to_jwk(&self) -> Result<Jwk, Error> {
        let [p, q] = self.primes() else {
            return Err(Error::Unsupported(Unsupported::MultiPrimeRsa));
        };
        let missing = || Error::invalid_key("key", "lacks its CRT parameters");
        let primes = RsaPrimes {
            p: trimmed(p),
            q: trimmed(q),
            dp: trimmed(self.dp().ok_or_else(missing)?),
            dq: trimmed(self.dq().ok_or_else(missing)?),
            qi: trimmed(&Zeroizing::new(self.crt_coefficient().ok_or_else(missing)?)),
        };
        let key = RsaKey::new_public(self.n_bytes().into_vec(), self.e_bytes().into_vec())?
            .with_private(trimmed(self.d()), Some(primes))?;
        Ok(Jwk::new(Key::Rsa(key)))
    }
}
