//! JWE content encryption (RFC 7518 section 5): AES-GCM and the
//! AES-CBC + HMAC-SHA2 composite, generic over the AES key size and hash.

use alloc::vec::Vec;

use aes::cipher::consts::{U12, U16};
use aes::cipher::{BlockCipherDecrypt, BlockCipherEncrypt, BlockSizeUser, KeyInit};
use aes::{Aes128, Aes192, Aes256};
use aes_gcm::aead::AeadInOut;
use aes_gcm::{AesGcm, Nonce, Tag};
use cbc::cipher::KeyIvInit;
use cbc::cipher::block_padding::Pkcs7;
use cbc::cipher::{BlockModeDecrypt, BlockModeEncrypt};
use hmac::Mac;
use jose_core::{ContentCipher, ContentEncryptionAlgorithm as Enc, EncryptedContent, Error};
use sha2::{Sha256, Sha384, Sha512};
use zeroize::Zeroizing;

/// AES GCM with a 128, 192 or 256-bit key (RFC 7518 section 5.3).
#[derive(Clone, Copy, Debug)]
pub struct AesGcmCipher(Enc);

/// AES_CBC_HMAC_SHA2 (RFC 7518 section 5.2).
#[derive(Clone, Copy, Debug)]
pub struct AesCbcHmacCipher(Enc);

/// A128GCM.
pub const A128GCM: AesGcmCipher = AesGcmCipher(Enc::A128Gcm);
/// A192GCM.
pub const A192GCM: AesGcmCipher = AesGcmCipher(Enc::A192Gcm);
/// A256GCM.
pub const A256GCM: AesGcmCipher = AesGcmCipher(Enc::A256Gcm);
/// A128CBC-HS256.
pub const A128CBC_HS256: AesCbcHmacCipher = AesCbcHmacCipher(Enc::A128CbcHs256);
/// A192CBC-HS384.
pub const A192CBC_HS384: AesCbcHmacCipher = AesCbcHmacCipher(Enc::A192CbcHs384);
/// A256CBC-HS512.
pub const A256CBC_HS512: AesCbcHmacCipher = AesCbcHmacCipher(Enc::A256CbcHs512);

/// Every content cipher, in preference order.
pub static ALL: &[&dyn ContentCipher] = &[
    &A256GCM,
    &A192GCM,
    &A128GCM,
    &A256CBC_HS512,
    &A192CBC_HS384,
    &A128CBC_HS256,
];

fn check_lengths(enc: Enc, cek: &[u8], iv: &[u8]) -> Result<(), Error> {
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

fn gcm_seal<C>(
    cek: &[u8],
    iv: &[u8],
    aad: &[u8],
    plaintext: &[u8],
) -> Result<EncryptedContent, Error>
where
    C: BlockCipherEncrypt + BlockSizeUser<BlockSize = U16> + KeyInit,
{
    let cipher =
        AesGcm::<C, U12>::new_from_slice(cek).map_err(|_| Error::invalid_key("key", "bad CEK"))?;
    let nonce = Nonce::<U12>::try_from(iv)
        .map_err(|_| Error::ApiMisuse("IV has the wrong length for enc"))?;
    let mut buffer = plaintext.to_vec();
    let tag = cipher
        .encrypt_inout_detached(&nonce, aad, buffer.as_mut_slice().into())
        .map_err(|_| Error::ApiMisuse("plaintext too long for AES-GCM"))?;
    Ok(EncryptedContent::new(buffer, tag.to_vec()))
}

fn gcm_open<C>(
    cek: &[u8],
    iv: &[u8],
    aad: &[u8],
    ciphertext: &[u8],
    tag: &[u8],
) -> Result<Zeroizing<Vec<u8>>, Error>
where
    C: BlockCipherEncrypt + BlockSizeUser<BlockSize = U16> + KeyInit,
{
    let cipher = AesGcm::<C, U12>::new_from_slice(cek).map_err(|_| Error::DecryptionFailed)?;
    let nonce = Nonce::<U12>::try_from(iv).map_err(|_| Error::DecryptionFailed)?;
    let tag = Tag::<U16>::try_from(tag).map_err(|_| Error::DecryptionFailed)?;
    let mut buffer = Zeroizing::new(ciphertext.to_vec());
    cipher
        .decrypt_inout_detached(&nonce, aad, buffer.as_mut_slice().into(), &tag)
        .map_err(|_| Error::DecryptionFailed)?;
    Ok(buffer)
}

impl ContentCipher for AesGcmCipher {
    fn algorithm(&self) -> Enc {
        self.0
    }

    fn encrypt(
        &self,
        cek: &[u8],
        iv: &[u8],
        aad: &[u8],
        plaintext: &[u8],
    ) -> Result<EncryptedContent, Error> {
        check_lengths(self.0, cek, iv)?;
        match self.0 {
            Enc::A128Gcm => gcm_seal::<Aes128>(cek, iv, aad, plaintext),
            Enc::A192Gcm => gcm_seal::<Aes192>(cek, iv, aad, plaintext),
            Enc::A256Gcm => gcm_seal::<Aes256>(cek, iv, aad, plaintext),
            other => Err(crate::unsupported(other.name())),
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
            Enc::A128Gcm => gcm_open::<Aes128>(cek, iv, aad, ciphertext, tag),
            Enc::A192Gcm => gcm_open::<Aes192>(cek, iv, aad, ciphertext, tag),
            Enc::A256Gcm => gcm_open::<Aes256>(cek, iv, aad, ciphertext, tag),
            other => Err(crate::unsupported(other.name())),
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

/// AES-CBC with `C` and HMAC with `D` (RFC 7518 section 5.2.2.1): the
/// first half of the CEK is the MAC key, the second the encryption key.
fn cbc_seal<C, D>(
    enc: Enc,
    cek: &[u8],
    iv: &[u8],
    aad: &[u8],
    plaintext: &[u8],
) -> Result<EncryptedContent, Error>
where
    C: BlockCipherEncrypt + BlockSizeUser<BlockSize = U16> + KeyInit,
    D: hmac::EagerHash,
    hmac::Hmac<D>: KeyInit + Mac,
{
    let (mac_key, enc_key) = cek.split_at(cek.len() / 2);
    let ciphertext = cbc::Encryptor::<C>::new_from_slices(enc_key, iv)
        .map_err(|_| Error::invalid_key("key", "bad encryption key"))?
        .encrypt_padded_vec::<Pkcs7>(plaintext);
    let full = cbc_mac::<D>(mac_key, aad, iv, &ciphertext)?
        .finalize()
        .into_bytes();
    let tag = full.get(..enc.tag_len()).unwrap_or_default().to_vec();
    Ok(EncryptedContent::new(ciphertext, tag))
}

/// Checks the tag first, in constant time, and decrypts only authentic data.
fn cbc_open<C, D>(
    enc: Enc,
    cek: &[u8],
    iv: &[u8],
    aad: &[u8],
    ciphertext: &[u8],
    tag: &[u8],
) -> Result<Zeroizing<Vec<u8>>, Error>
where
    C: BlockCipherDecrypt + BlockSizeUser<BlockSize = U16> + KeyInit,
    D: hmac::EagerHash,
    hmac::Hmac<D>: KeyInit + Mac,
{
    if tag.len() != enc.tag_len() {
        return Err(Error::DecryptionFailed);
    }
    let (mac_key, enc_key) = cek.split_at(cek.len() / 2);
    cbc_mac::<D>(mac_key, aad, iv, ciphertext)?
        .verify_truncated_left(tag)
        .map_err(|_| Error::DecryptionFailed)?;
    cbc::Decryptor::<C>::new_from_slices(enc_key, iv)
        .map_err(|_| Error::DecryptionFailed)?
        .decrypt_padded_vec::<Pkcs7>(ciphertext)
        .map(Zeroizing::new)
        .map_err(|_| Error::DecryptionFailed)
}

impl ContentCipher for AesCbcHmacCipher {
    fn algorithm(&self) -> Enc {
        self.0
    }

    fn encrypt(
        &self,
        cek: &[u8],
        iv: &[u8],
        aad: &[u8],
        plaintext: &[u8],
    ) -> Result<EncryptedContent, Error> {
        check_lengths(self.0, cek, iv)?;
        match self.0 {
            Enc::A128CbcHs256 => cbc_seal::<Aes128, Sha256>(self.0, cek, iv, aad, plaintext),
            Enc::A192CbcHs384 => cbc_seal::<Aes192, Sha384>(self.0, cek, iv, aad, plaintext),
            Enc::A256CbcHs512 => cbc_seal::<Aes256, Sha512>(self.0, cek, iv, aad, plaintext),
            other => Err(crate::unsupported(other.name())),
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
            Enc::A128CbcHs256 => cbc_open::<Aes128, Sha256>(self.0, cek, iv, aad, ciphertext, tag),
            Enc::A192CbcHs384 => cbc_open::<Aes192, Sha384>(self.0, cek, iv, aad, ciphertext, tag),
            Enc::A256CbcHs512 => cbc_open::<Aes256, Sha512>(self.0, cek, iv, aad, ciphertext, tag),
            other => Err(crate::unsupported(other.name())),
        }
    }
}
