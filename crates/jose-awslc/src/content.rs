//! JWE content encryption with AES-GCM (RFC 7518 section 5.3) on AWS-LC.

use aws_lc_rs::aead::{Aad, LessSafeKey, Nonce, UnboundKey};
use jose_core::{ContentCipher, ContentEncryptionAlgorithm as Enc, EncryptedContent, Error};
use zeroize::Zeroizing;

use crate::key_wrap::gcm_algorithm;

/// AES-GCM with a 128, 192 or 256-bit key, on AWS-LC.
#[derive(Clone, Copy, Debug)]
pub struct AwsLcGcm(Enc);

/// A128GCM.
pub const A128GCM: AwsLcGcm = AwsLcGcm(Enc::A128Gcm);
/// A192GCM.
pub const A192GCM: AwsLcGcm = AwsLcGcm(Enc::A192Gcm);
/// A256GCM.
pub const A256GCM: AwsLcGcm = AwsLcGcm(Enc::A256Gcm);

/// The AES-GCM tag length, in bytes.
const TAG_LEN: usize = 16;

impl AwsLcGcm {
    /// The key for `cek`, which must have the algorithm's length.
    fn key(self, cek: &[u8]) -> Option<LessSafeKey> {
        if cek.len() != self.0.key_len() {
            return None;
        }
        let algorithm = gcm_algorithm(cek)?;
        UnboundKey::new(algorithm, cek).ok().map(LessSafeKey::new)
    }
}

impl ContentCipher for AwsLcGcm {
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
        let key = self.key(cek).ok_or(Error::invalid_key(
            "key",
            "CEK has the wrong length for enc",
        ))?;
        let nonce = Nonce::try_assume_unique_for_key(iv)
            .map_err(|_| Error::ApiMisuse("IV has the wrong length for enc"))?;
        let mut buffer = plaintext.to_vec();
        let tag = key
            .seal_in_place_separate_tag(nonce, Aad::from(aad), &mut buffer)
            .map_err(|_| Error::ApiMisuse("plaintext too long for AES-GCM"))?;
        Ok(EncryptedContent::new(buffer, tag.as_ref().to_vec()))
    }

    fn decrypt(
        &self,
        cek: &[u8],
        iv: &[u8],
        aad: &[u8],
        ciphertext: &[u8],
        tag: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, Error> {
        if tag.len() != TAG_LEN {
            return Err(Error::DecryptionFailed);
        }
        let key = self.key(cek).ok_or(Error::DecryptionFailed)?;
        let nonce = Nonce::try_assume_unique_for_key(iv).map_err(|_| Error::DecryptionFailed)?;
        let mut buffer = Zeroizing::new(ciphertext.to_vec());
        key.open_in_place_separate_tag(nonce, Aad::from(aad), tag, &mut buffer)
            .map_err(|_| Error::DecryptionFailed)?;
        Ok(buffer)
    }
}
