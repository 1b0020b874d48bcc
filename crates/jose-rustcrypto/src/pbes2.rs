//! PBES2 (RFC 7518 section 4.8): PBKDF2-HMAC-SHA2 on RustCrypto. The JOSE
//! steps around it (the salt, the count bounds, the header members, the
//! wrap) are the composition of `jose_core::key_management`.

use jose_core::{Error, HashAlgorithm};

/// PBKDF2 with HMAC over `hash`, as `jose_core::key_management::Pbkdf2`.
pub(crate) fn pbkdf2(
    hash: HashAlgorithm,
    password: &[u8],
    salt: &[u8],
    rounds: u32,
    out: &mut [u8],
) -> Result<(), Error> {
    match hash {
        HashAlgorithm::Sha256 => pbkdf2::pbkdf2_hmac::<sha2::Sha256>(password, salt, rounds, out),
        HashAlgorithm::Sha384 => pbkdf2::pbkdf2_hmac::<sha2::Sha384>(password, salt, rounds, out),
        HashAlgorithm::Sha512 => pbkdf2::pbkdf2_hmac::<sha2::Sha512>(password, salt, rounds, out),
        other => {
            return Err(crate::unsupported(&alloc::format!(
                "PBKDF2 with {}",
                other.name()
            )));
        }
    }
    Ok(())
}
