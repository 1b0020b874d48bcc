//! AES key wrap (RFC 3394, RFC 7518 section 4.4) as the provider's
//! [`KeyWrap`], and AES-GCM key wrap (RFC 7518 section 4.7), generic over
//! the AES key size.

use alloc::vec::Vec;

use jose_core::{Error, KeyWrap};
use zeroize::Zeroizing;

/// AES key wrap with a 128, 192 or 256-bit KEK (feature `aes`; without it,
/// every call answers `Unsupported`).
#[derive(Clone, Copy, Debug, Default)]
pub struct AesKeyWrap;

#[cfg(feature = "aes")]
impl KeyWrap for AesKeyWrap {
    fn wrap_key(&self, kek: &[u8], key: &[u8]) -> Result<Vec<u8>, Error> {
        match kek.len() {
            16 => enabled::wrap::<enabled::Aes128>(kek, key),
            24 => enabled::wrap::<enabled::Aes192>(kek, key),
            32 => enabled::wrap::<enabled::Aes256>(kek, key),
            _ => Err(Error::invalid_key(
                "k",
                "has the wrong length for AES key wrap",
            )),
        }
    }

    fn unwrap_key(&self, kek: &[u8], wrapped: &[u8]) -> Result<Zeroizing<Vec<u8>>, Error> {
        match kek.len() {
            16 => enabled::unwrap::<enabled::Aes128>(kek, wrapped),
            24 => enabled::unwrap::<enabled::Aes192>(kek, wrapped),
            32 => enabled::unwrap::<enabled::Aes256>(kek, wrapped),
            _ => Err(Error::DecryptionFailed),
        }
    }
}

#[cfg(not(feature = "aes"))]
impl KeyWrap for AesKeyWrap {
    fn wrap_key(&self, _: &[u8], _: &[u8]) -> Result<Vec<u8>, Error> {
        Err(crate::unsupported("AES key wrap"))
    }

    fn unwrap_key(&self, _: &[u8], _: &[u8]) -> Result<Zeroizing<Vec<u8>>, Error> {
        Err(crate::unsupported("AES key wrap"))
    }
}

#[cfg(feature = "aes")]
pub(crate) use enabled::{gcm_unwrap, gcm_wrap};

/// The code that needs the AES crates.
#[cfg(feature = "aes")]
mod enabled {
    use alloc::vec::Vec;

    use aes::cipher::consts::{U12, U16};
    use aes::cipher::{BlockCipherDecrypt, BlockCipherEncrypt, BlockSizeUser, KeyInit};
    use aes_gcm::AesGcm;
    use aes_gcm::aead::AeadInOut;
    use jose_core::{Error, Header, SecureRandom};
    use zeroize::Zeroizing;

    pub(super) use aes::{Aes128, Aes192, Aes256};

    pub(super) fn wrap<C>(kek: &[u8], key: &[u8]) -> Result<Vec<u8>, Error>
    where
        C: BlockCipherEncrypt + BlockSizeUser<BlockSize = U16> + KeyInit,
    {
        let kw = aes_kw::AesKw::<C>::new_from_slice(kek)
            .map_err(|_| Error::invalid_key("k", "cannot be used for AES key wrap"))?;
        let mut out = alloc::vec![0u8; key.len() + 8];
        let len = kw
            .wrap_key(key, &mut out)
            .map_err(|_| {
                Error::ApiMisuse("the key cannot be wrapped (length not a multiple of 8)")
            })?
            .len();
        out.truncate(len);
        Ok(out)
    }

    pub(super) fn unwrap<C>(kek: &[u8], wrapped: &[u8]) -> Result<Zeroizing<Vec<u8>>, Error>
    where
        C: BlockCipherDecrypt + BlockSizeUser<BlockSize = U16> + KeyInit,
    {
        if wrapped.len() < 24 || !wrapped.len().is_multiple_of(8) {
            return Err(Error::DecryptionFailed);
        }
        let kw = aes_kw::AesKw::<C>::new_from_slice(kek).map_err(|_| Error::DecryptionFailed)?;
        let mut out = Zeroizing::new(alloc::vec![0u8; wrapped.len() - 8]);
        let len = kw
            .unwrap_key(wrapped, &mut out)
            .map_err(|_| Error::DecryptionFailed)?
            .len();
        out.truncate(len);
        Ok(out)
    }

    /// An AES-GCM key wrap: the wrapped key, the IV and the tag.
    pub(crate) struct GcmWrapped {
        pub(crate) wrapped: Vec<u8>,
        pub(crate) iv: Vec<u8>,
        pub(crate) tag: Vec<u8>,
    }

    fn gcm_seal<C>(kek: &[u8], iv: &[u8], buf: &mut [u8]) -> Result<Vec<u8>, Error>
    where
        C: BlockCipherEncrypt + BlockSizeUser<BlockSize = U16> + KeyInit,
    {
        let cipher = AesGcm::<C, U12>::new_from_slice(kek)
            .map_err(|_| Error::invalid_key("k", "cannot be used for AES-GCM key wrap"))?;
        let nonce = aes_gcm::Nonce::<U12>::try_from(iv).map_err(|_| Error::ApiMisuse("bad IV"))?;
        let tag = cipher
            .encrypt_inout_detached(&nonce, b"", buf.into())
            .map_err(|_| Error::ApiMisuse("CEK too long"))?;
        Ok(tag.to_vec())
    }

    fn gcm_open<C>(kek: &[u8], iv: &[u8], tag: &[u8], buf: &mut [u8]) -> Result<(), Error>
    where
        C: BlockCipherEncrypt + BlockSizeUser<BlockSize = U16> + KeyInit,
    {
        let cipher = AesGcm::<C, U12>::new_from_slice(kek).map_err(|_| Error::DecryptionFailed)?;
        let nonce = aes_gcm::Nonce::<U12>::try_from(iv).map_err(|_| Error::DecryptionFailed)?;
        let tag = aes_gcm::Tag::<U16>::try_from(tag).map_err(|_| Error::DecryptionFailed)?;
        cipher
            .decrypt_inout_detached(&nonce, b"", buf.into(), &tag)
            .map_err(|_| Error::DecryptionFailed)
    }

    /// Wraps `cek` under `kek` with AES-GCM and a fresh IV from `random`.
    pub(crate) fn gcm_wrap(
        kek: &[u8],
        cek: &[u8],
        random: &dyn SecureRandom,
    ) -> Result<GcmWrapped, Error> {
        let iv = crate::random::bytes(random, 12)?;
        let mut buf = cek.to_vec();
        let tag = match kek.len() {
            16 => gcm_seal::<Aes128>(kek, &iv, &mut buf)?,
            24 => gcm_seal::<Aes192>(kek, &iv, &mut buf)?,
            32 => gcm_seal::<Aes256>(kek, &iv, &mut buf)?,
            _ => {
                return Err(Error::invalid_key(
                    "k",
                    "has the wrong length for AES-GCM key wrap",
                ));
            }
        };
        Ok(GcmWrapped {
            wrapped: buf,
            iv: iv.to_vec(),
            tag,
        })
    }

    /// Unwraps an AES-GCM wrapped CEK with the header's `iv` and `tag`.
    pub(crate) fn gcm_unwrap(
        kek: &[u8],
        wrapped: &[u8],
        header: &Header,
    ) -> Result<Zeroizing<Vec<u8>>, Error> {
        let (iv, tag) = jose_core::key_management::aes_gcm_kw_params(header)?;
        let mut buf = Zeroizing::new(wrapped.to_vec());
        match kek.len() {
            16 => gcm_open::<Aes128>(kek, iv, tag, &mut buf)?,
            24 => gcm_open::<Aes192>(kek, iv, tag, &mut buf)?,
            32 => gcm_open::<Aes256>(kek, iv, tag, &mut buf)?,
            _ => return Err(Error::DecryptionFailed),
        }
        Ok(buf)
    }
}
