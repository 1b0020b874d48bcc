//! Randomness: the operating system's source, fresh bytes from the
//! provider's source, and that source as the `rand_core` generator that
//! some RustCrypto APIs take.

use alloc::vec::Vec;

use jose_core::{BackendError, Error, SecureRandom};
use zeroize::Zeroizing;

/// Random bytes from the operating system (`getrandom`).
#[derive(Clone, Copy, Debug, Default)]
pub struct OsRandom;

impl SecureRandom for OsRandom {
    fn fill(&self, dest: &mut [u8]) -> Result<(), Error> {
        getrandom::fill(dest).map_err(|e| Error::Backend(BackendError::new("os random source", e)))
    }
}

/// `len` fresh bytes from `random`, zeroized on drop.
pub(crate) fn bytes(random: &dyn SecureRandom, len: usize) -> Result<Zeroizing<Vec<u8>>, Error> {
    let mut out = Zeroizing::new(alloc::vec![0u8; len]);
    random.fill(&mut out)?;
    Ok(out)
}

/// A provider's random source as a `rand_core` generator.
#[cfg(feature = "rsa")]
pub(crate) struct Rng<'a>(pub(crate) &'a dyn SecureRandom);

#[cfg(feature = "rsa")]
impl rand_core::TryRng for Rng<'_> {
    type Error = Error;

    fn try_next_u32(&mut self) -> Result<u32, Error> {
        let mut b = [0u8; 4];
        self.0.fill(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }

    fn try_next_u64(&mut self) -> Result<u64, Error> {
        let mut b = [0u8; 8];
        self.0.fill(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Error> {
        self.0.fill(dst)
    }
}

#[cfg(feature = "rsa")]
impl rand_core::TryCryptoRng for Rng<'_> {}
