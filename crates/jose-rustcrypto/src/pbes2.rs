//! PBES2 (RFC 7518 section 4.8): the key-encryption key derived from a
//! password with PBKDF2-HMAC-SHA2. The salt is the composition of
//! `jose_core::key_management`; the wrap is the provider's key wrap.

use alloc::vec::Vec;

use jose_core::key_management::pbes2_salt;
use jose_core::{Error, KeyManagementAlgorithm as K, MalformedReason, Policy};
use zeroize::Zeroizing;

/// The key-encryption key of `alg` from `password`, `p2s` and `p2c`.
pub(crate) fn derive(
    alg: K,
    password: &[u8],
    p2s: &[u8],
    p2c: u64,
) -> Result<Zeroizing<Vec<u8>>, Error> {
    if p2c > jose_core::key_management::PBES2_MAX_COUNT {
        return Err(Error::Policy(Policy::LimitExceeded("p2c")));
    }
    let rounds = u32::try_from(p2c).map_err(|_| {
        Error::malformed("header \"p2c\"", MalformedReason::Invalid("is too large"))
    })?;
    let salt = pbes2_salt(alg, p2s)?;
    let len = alg
        .wrap_key_len()
        .ok_or(Error::ApiMisuse("not a PBES2 algorithm"))?;
    let mut key = Zeroizing::new(alloc::vec![0u8; len]);
    match alg {
        K::Pbes2Hs256A128Kw => {
            pbkdf2::pbkdf2_hmac::<sha2::Sha256>(password, &salt, rounds, &mut key);
        }
        K::Pbes2Hs384A192Kw => {
            pbkdf2::pbkdf2_hmac::<sha2::Sha384>(password, &salt, rounds, &mut key);
        }
        K::Pbes2Hs512A256Kw => {
            pbkdf2::pbkdf2_hmac::<sha2::Sha512>(password, &salt, rounds, &mut key);
        }
        other => return Err(crate::handle::mismatch(other)),
    }
    Ok(key)
}
