//! HS256, HS384 and HS512 (RFC 7518 section 3.2).

use alloc::vec::Vec;

use hmac::{KeyInit, Mac};
use jose_core::{Error, JwsAlgorithm, Secret};
use sha2::{Sha256, Sha384, Sha512};

/// HMAC states keyed once (the inner and outer pads hashed), for each hash
/// the key is long enough for (RFC 7518 section 3.2); cloned per use.
/// Zeroized on drop (the `hmac` crate's `zeroize` feature).
#[derive(Clone)]
pub(crate) struct HmacKeys {
    h256: Option<hmac::Hmac<Sha256>>,
    h384: Option<hmac::Hmac<Sha384>>,
    h512: Option<hmac::Hmac<Sha512>>,
}

fn keyed<D>(key: &Secret, min: usize) -> Result<Option<hmac::Hmac<D>>, Error>
where
    hmac::Hmac<D>: KeyInit,
    D: hmac::EagerHash,
{
    if key.len() < min {
        return Ok(None);
    }
    <hmac::Hmac<D> as KeyInit>::new_from_slice(key.expose())
        .map(Some)
        .map_err(|_| Error::invalid_key("k", "cannot be used as an HMAC key"))
}

fn tag<M: Mac + Clone>(keyed: Option<&M>, data: &[u8]) -> Result<Vec<u8>, Error> {
    let mut mac = keyed
        .cloned()
        .ok_or_else(|| Error::invalid_key("k", "is shorter than the hash output"))?;
    mac.update(data);
    Ok(mac.finalize().into_bytes().to_vec())
}

fn check<M: Mac + Clone>(keyed: Option<&M>, data: &[u8], tag: &[u8]) -> Result<(), Error> {
    let mut mac = keyed.cloned().ok_or(Error::BadSignature)?;
    mac.update(data);
    // Constant-time comparison; a tag of the wrong length fails too.
    mac.verify_slice(tag).map_err(|_| Error::BadSignature)
}

impl HmacKeys {
    pub(crate) fn new(key: &Secret) -> Result<Self, Error> {
        Ok(Self {
            h256: keyed(key, 32)?,
            h384: keyed(key, 48)?,
            h512: keyed(key, 64)?,
        })
    }

    pub(crate) fn sign(&self, alg: JwsAlgorithm, data: &[u8]) -> Result<Vec<u8>, Error> {
        match alg {
            JwsAlgorithm::Hs256 => tag(self.h256.as_ref(), data),
            JwsAlgorithm::Hs384 => tag(self.h384.as_ref(), data),
            JwsAlgorithm::Hs512 => tag(self.h512.as_ref(), data),
            other => Err(crate::handle::mismatch(other)),
        }
    }

    pub(crate) fn verify(&self, alg: JwsAlgorithm, data: &[u8], sig: &[u8]) -> Result<(), Error> {
        match alg {
            JwsAlgorithm::Hs256 => check(self.h256.as_ref(), data, sig),
            JwsAlgorithm::Hs384 => check(self.h384.as_ref(), data, sig),
            JwsAlgorithm::Hs512 => check(self.h512.as_ref(), data, sig),
            other => Err(crate::handle::mismatch(other)),
        }
    }
}
