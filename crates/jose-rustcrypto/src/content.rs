//! JWE content encryption (RFC 7518 section 5): AES-GCM and the
//! AES-CBC + HMAC-SHA2 composite.

use alloc::vec::Vec;

use aes_gcm::aead::{AeadInOut, KeyInit};
use aes_gcm::{AesGcm, Nonce, Tag};
use cbc::cipher::block_padding::Pkcs7;
use cbc::cipher::{BlockModeDecrypt, BlockModeEncrypt, KeyIvInit};
use hmac::Mac;
use jose_core::{ContentCipher, ContentEncryptionAlgorithm, Error, Sealed};
use zeroize::Zeroizing;

type Aes192Gcm = AesGcm<aes::Aes192, aes_gcm::aead::consts::U12>;

/// AES GCM with a 128, 192 or 256-bit key (RFC 7518 section 5.3).
#[derive(Clone, Copy, Debug)]
pub struct AesGcmCipher(ContentEncryptionAlgorithm);

/// AES_CBC_HMAC_SHA2 (RFC 7518 section 5.2).
#[derive(Clone, Copy, Debug)]
pub struct AesCbcHmacCipher(ContentEncryptionAlgorithm);

/// A128GCM.
pub const A128GCM: AesGcmCipher = AesGcmCipher(ContentEncryptionAlgorithm::A128Gcm);
/// A192GCM.
pub const A192GCM: AesGcmCipher = AesGcmCipher(ContentEncryptionAlgorithm::A192Gcm);
/// A256GCM.
pub const A256GCM: AesGcmCipher = AesGcmCipher(ContentEncryptionAlgorithm::A256Gcm);
/// A128CBC-HS256.
pub const A128CBC_HS256: AesCbcHmacCipher =
    AesCbcHmacCipher(ContentEncryptionAlgorithm::A128CbcHs256);
/// A192CBC-HS384.
pub const A192CBC_HS384: AesCbcHmacCipher =
    AesCbcHmacCipher(ContentEncryptionAlgorithm::A192CbcHs384);
/// A256CBC-HS512.
pub const A256CBC_HS512: AesCbcHmacCipher =
    AesCbcHmacCipher(ContentEncryptionAlgorithm::A256CbcHs512);

/// Every content cipher, in preference order.
pub static ALL: &[&dyn ContentCipher] = &[
    &A256GCM,
    &A192GCM,
    &A128GCM,
    &A256CBC_HS512,
    &A192CBC_HS384,
    &A128CBC_HS256,
];

fn check_lengths(enc: ContentEncryptionAlgorithm, cek: &[u8], iv: &[u8]) -> Result<(), Error> {
    if cek.len() != enc.key_len() {
        return Err(Error::invalid_key(
            "key",
            "CEK has the wrong length for enc",
        ));
    }
    if iv.len() != enc.iv_len() {
        return Err(Error::ApiMisuse("IV has the wrong length for enc"));
    }
    Ok(())
}

fn gcm_seal<C>(cek: &[u8], iv: &[u8], aad: &[u8], plaintext: &[u8]) -> Result<Sealed, Error>
where
    C: KeyInit
        + AeadInOut
        + aes_gcm::aead::AeadCore<
            NonceSize = aes_gcm::aead::consts::U12,
            TagSize = aes_gcm::aead::consts::U16,
        >,
{
    let cipher = C::new_from_slice(cek).map_err(|_| Error::invalid_key("key", "bad CEK"))?;
    let nonce = Nonce::<aes_gcm::aead::consts::U12>::try_from(iv)
        .map_err(|_| Error::ApiMisuse("IV has the wrong length for enc"))?;
    let mut buffer = plaintext.to_vec();
    let tag = cipher
        .encrypt_inout_detached(&nonce, aad, buffer.as_mut_slice().into())
        .map_err(|_| Error::ApiMisuse("plaintext too long for AES-GCM"))?;
    Ok(Sealed::new(buffer, tag.to_vec()))
}

fn gcm_open<C>(
    cek: &[u8],
    iv: &[u8],
    aad: &[u8],
    ciphertext: &[u8],
    tag: &[u8],
) -> Result<Zeroizing<Vec<u8>>, Error>
where
    C: KeyInit
        + AeadInOut
        + aes_gcm::aead::AeadCore<
            NonceSize = aes_gcm::aead::consts::U12,
            TagSize = aes_gcm::aead::consts::U16,
        >,
{
    let cipher = C::new_from_slice(cek).map_err(|_| Error::DecryptionFailed)?;
    let nonce =
        Nonce::<aes_gcm::aead::consts::U12>::try_from(iv).map_err(|_| Error::DecryptionFailed)?;
    let tag =
        Tag::<aes_gcm::aead::consts::U16>::try_from(tag).map_err(|_| Error::DecryptionFailed)?;
    let mut buffer = Zeroizing::new(ciphertext.to_vec());
    cipher
        .decrypt_inout_detached(&nonce, aad, buffer.as_mut_slice().into(), &tag)
        .map_err(|_| Error::DecryptionFailed)?;
    Ok(buffer)
}

impl ContentCipher for AesGcmCipher {
    fn algorithm(&self) -> ContentEncryptionAlgorithm {
        self.0
    }

    fn encrypt(
        &self,
        cek: &[u8],
        iv: &[u8],
        aad: &[u8],
        plaintext: &[u8],
    ) -> Result<Sealed, Error> {
        check_lengths(self.0, cek, iv)?;
        match self.0 {
            ContentEncryptionAlgorithm::A128Gcm => {
                gcm_seal::<aes_gcm::Aes128Gcm>(cek, iv, aad, plaintext)
            }
            ContentEncryptionAlgorithm::A192Gcm => gcm_seal::<Aes192Gcm>(cek, iv, aad, plaintext),
            _ => gcm_seal::<aes_gcm::Aes256Gcm>(cek, iv, aad, plaintext),
        }
    }

    fn decrypt(
        &self,
        cek: &[u8],
        iv: &[u8],
        aad: &[u8],
        ciphertext: &[u8],
        tag: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, Error> {
        check_lengths(self.0, cek, iv).map_err(|_| Error::DecryptionFailed)?;
        match self.0 {
            ContentEncryptionAlgorithm::A128Gcm => {
                gcm_open::<aes_gcm::Aes128Gcm>(cek, iv, aad, ciphertext, tag)
            }
            ContentEncryptionAlgorithm::A192Gcm => {
                gcm_open::<Aes192Gcm>(cek, iv, aad, ciphertext, tag)
            }
            _ => gcm_open::<aes_gcm::Aes256Gcm>(cek, iv, aad, ciphertext, tag),
        }
    }
}

/// The MAC of RFC 7518 section 5.2.2.1 step 4: HMAC over
/// `A || IV || E || AL`, where AL is the bit length of A, 64-bit big-endian.
fn cbc_mac<D>(
    mac_key: &[u8],
    aad: &[u8],
    iv: &[u8],
    ciphertext: &[u8],
) -> Result<hmac::Hmac<D>, Error>
where
    D: hmac::EagerHash,
    hmac::Hmac<D>: KeyInit + Mac,
{
    let mut mac = <hmac::Hmac<D> as KeyInit>::new_from_slice(mac_key)
        .map_err(|_| Error::invalid_key("key", "bad MAC key"))?;
    let al = u64::try_from(aad.len())
        .ok()
        .and_then(|l| l.checked_mul(8))
        .ok_or(Error::ApiMisuse("AAD too long"))?;
    mac.update(aad);
    mac.update(iv);
    mac.update(ciphertext);
    mac.update(&al.to_be_bytes());
    Ok(mac)
}

fn cbc_encrypt(enc_key: &[u8], iv: &[u8], plaintext: &[u8]) -> Result<Vec<u8>, Error> {
    let bad = |_| Error::invalid_key("key", "bad encryption key");
    Ok(match enc_key.len() {
        16 => cbc::Encryptor::<aes::Aes128>::new_from_slices(enc_key, iv)
            .map_err(bad)?
            .encrypt_padded_vec::<Pkcs7>(plaintext),
        24 => cbc::Encryptor::<aes::Aes192>::new_from_slices(enc_key, iv)
            .map_err(bad)?
            .encrypt_padded_vec::<Pkcs7>(plaintext),
        _ => cbc::Encryptor::<aes::Aes256>::new_from_slices(enc_key, iv)
            .map_err(bad)?
            .encrypt_padded_vec::<Pkcs7>(plaintext),
    })
}

fn cbc_decrypt(enc_key: &[u8], iv: &[u8], ciphertext: &[u8]) -> Result<Vec<u8>, Error> {
    let bad = |_| Error::DecryptionFailed;
    match enc_key.len() {
        16 => cbc::Decryptor::<aes::Aes128>::new_from_slices(enc_key, iv)
            .map_err(bad)?
            .decrypt_padded_vec::<Pkcs7>(ciphertext),
        24 => cbc::Decryptor::<aes::Aes192>::new_from_slices(enc_key, iv)
            .map_err(bad)?
            .decrypt_padded_vec::<Pkcs7>(ciphertext),
        _ => cbc::Decryptor::<aes::Aes256>::new_from_slices(enc_key, iv)
            .map_err(bad)?
            .decrypt_padded_vec::<Pkcs7>(ciphertext),
    }
    .map_err(|_| Error::DecryptionFailed)
}

impl ContentCipher for AesCbcHmacCipher {
    fn algorithm(&self) -> ContentEncryptionAlgorithm {
        self.0
    }

    fn encrypt(
        &self,
        cek: &[u8],
        iv: &[u8],
        aad: &[u8],
        plaintext: &[u8],
    ) -> Result<Sealed, Error> {
        check_lengths(self.0, cek, iv)?;
        let (mac_key, enc_key) = cek.split_at(cek.len() / 2);
        let ciphertext = cbc_encrypt(enc_key, iv, plaintext)?;
        let full = match self.0 {
            ContentEncryptionAlgorithm::A128CbcHs256 => {
                cbc_mac::<sha2::Sha256>(mac_key, aad, iv, &ciphertext)?
                    .finalize()
                    .into_bytes()
                    .to_vec()
            }
            ContentEncryptionAlgorithm::A192CbcHs384 => {
                cbc_mac::<sha2::Sha384>(mac_key, aad, iv, &ciphertext)?
                    .finalize()
                    .into_bytes()
                    .to_vec()
            }
            _ => cbc_mac::<sha2::Sha512>(mac_key, aad, iv, &ciphertext)?
                .finalize()
                .into_bytes()
                .to_vec(),
        };
        let tag = full.get(..self.0.tag_len()).unwrap_or_default().to_vec();
        Ok(Sealed::new(ciphertext, tag))
    }

    fn decrypt(
        &self,
        cek: &[u8],
        iv: &[u8],
        aad: &[u8],
        ciphertext: &[u8],
        tag: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, Error> {
        check_lengths(self.0, cek, iv).map_err(|_| Error::DecryptionFailed)?;
        if tag.len() != self.0.tag_len() {
            return Err(Error::DecryptionFailed);
        }
        let (mac_key, enc_key) = cek.split_at(cek.len() / 2);
        // Check the tag first, in constant time; decrypt only authentic data.
        let verified = match self.0 {
            ContentEncryptionAlgorithm::A128CbcHs256 => {
                cbc_mac::<sha2::Sha256>(mac_key, aad, iv, ciphertext)?.verify_truncated_left(tag)
            }
            ContentEncryptionAlgorithm::A192CbcHs384 => {
                cbc_mac::<sha2::Sha384>(mac_key, aad, iv, ciphertext)?.verify_truncated_left(tag)
            }
            _ => cbc_mac::<sha2::Sha512>(mac_key, aad, iv, ciphertext)?.verify_truncated_left(tag),
        };
        verified.map_err(|_| Error::DecryptionFailed)?;
        cbc_decrypt(enc_key, iv, ciphertext).map(Zeroizing::new)
    }
}
