//! AES key wrap (RFC 3394) and AES-GCM key wrap (RFC 7518 section 4.7) on
//! AWS-LC. AWS-LC's key wrap has 128 and 256-bit keys; a 192-bit
//! key-encryption key is wrapped by `jose-rustcrypto`.

use aws_lc_rs::aead::{self, Aad, LessSafeKey, Nonce, UnboundKey};
use aws_lc_rs::key_wrap::{AES_128, AES_256, AesBlockCipher, KeyEncryptionKey, KeyWrap as _};
use jose_core::key_management::{AES_GCM_KW_IV_LEN, aes_gcm_kw_header, aes_gcm_kw_params};
use jose_core::{Error, Header, KeyWrap, SecureRandom, WrappedKey};
use zeroize::Zeroizing;

/// AES key wrap: AWS-LC for 128 and 256-bit keys, `jose-rustcrypto` for
/// 192-bit ones.
#[derive(Clone, Copy, Debug, Default)]
pub struct AwsLcKeyWrap;

/// AWS-LC's cipher for a key-encryption key of this length, if it has one.
fn cipher(kek: &[u8]) -> Option<&'static AesBlockCipher> {
    match kek.len() {
        16 => Some(&AES_128),
        32 => Some(&AES_256),
        _ => None,
    }
}

impl KeyWrap for AwsLcKeyWrap {
    fn wrap_key(&self, kek: &[u8], key: &[u8]) -> Result<Vec<u8>, Error> {
        let Some(cipher) = cipher(kek) else {
            return jose_rustcrypto::AesKeyWrap.wrap_key(kek, key);
        };
        if key.len() < 16 || !key.len().is_multiple_of(8) {
            return Err(Error::ApiMisuse(
                "AES key wrap needs a key of at least 16 bytes, a multiple of 8",
            ));
        }
        let kek = KeyEncryptionKey::new(cipher, kek)
            .map_err(|_| Error::invalid_key("k", "cannot be used for AES key wrap"))?;
        let mut out = vec![0u8; key.len() + 8];
        let len = kek
            .wrap(key, &mut out)
            .map_err(|_| Error::ApiMisuse("the key cannot be wrapped"))?
            .len();
        out.truncate(len);
        Ok(out)
    }

    fn unwrap_key(&self, kek: &[u8], wrapped: &[u8]) -> Result<Zeroizing<Vec<u8>>, Error> {
        let Some(cipher) = cipher(kek) else {
            return jose_rustcrypto::AesKeyWrap.unwrap_key(kek, wrapped);
        };
        if wrapped.len() < 24 || !wrapped.len().is_multiple_of(8) {
            return Err(Error::DecryptionFailed);
        }
        let kek = KeyEncryptionKey::new(cipher, kek).map_err(|_| Error::DecryptionFailed)?;
        let mut out = Zeroizing::new(vec![0u8; wrapped.len()]);
        let len = kek
            .unwrap(wrapped, &mut out)
            .map_err(|_| Error::DecryptionFailed)?
            .len();
        out.truncate(len);
        Ok(out)
    }
}

/// AWS-LC's AES-GCM for a key of this length.
pub(crate) fn gcm_algorithm(key: &[u8]) -> Option<&'static aead::Algorithm> {
    match key.len() {
        16 => Some(&aead::AES_128_GCM),
        24 => Some(&aead::AES_192_GCM),
        32 => Some(&aead::AES_256_GCM),
        _ => None,
    }
}

/// Wraps `cek` under `kek` with AES-GCM and a fresh IV from `random`: the
/// wrapped key and the `iv` and `tag` header members.
pub(crate) fn gcm_wrap(
    kek: &[u8],
    cek: &[u8],
    random: &dyn SecureRandom,
) -> Result<WrappedKey, Error> {
    let algorithm = gcm_algorithm(kek).ok_or(Error::invalid_key(
        "k",
        "has the wrong length for AES-GCM key wrap",
    ))?;
    let key = UnboundKey::new(algorithm, kek)
        .map(LessSafeKey::new)
        .map_err(|_| Error::invalid_key("k", "cannot be used for AES-GCM key wrap"))?;
    let mut iv = [0u8; AES_GCM_KW_IV_LEN];
    random.fill(&mut iv)?;
    let mut buf = cek.to_vec();
    let tag = key
        .seal_in_place_separate_tag(Nonce::assume_unique_for_key(iv), Aad::empty(), &mut buf)
        .map_err(|_| Error::ApiMisuse("the CEK cannot be wrapped"))?;
    Ok(WrappedKey::wrapped(
        buf,
        aes_gcm_kw_header(&iv, tag.as_ref()),
    ))
}

/// Unwraps an AES-GCM wrapped CEK with the header's `iv` and `tag`.
pub(crate) fn gcm_unwrap(
    kek: &[u8],
    wrapped: &[u8],
    header: &Header,
) -> Result<Zeroizing<Vec<u8>>, Error> {
    let (iv, tag) = aes_gcm_kw_params(header)?;
    let algorithm = gcm_algorithm(kek).ok_or(Error::DecryptionFailed)?;
    let key = UnboundKey::new(algorithm, kek)
        .map(LessSafeKey::new)
        .map_err(|_| Error::DecryptionFailed)?;
    let nonce = Nonce::try_assume_unique_for_key(iv).map_err(|_| Error::DecryptionFailed)?;
    let mut buf = Zeroizing::new(wrapped.to_vec());
    key.open_in_place_separate_tag(nonce, Aad::empty(), tag, &mut buf)
        .map_err(|_| Error::DecryptionFailed)?;
    Ok(buf)
}
