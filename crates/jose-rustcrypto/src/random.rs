//! The operating system's random source.

use jose_core::{BackendError, Error, SecureRandom};

/// Random bytes from the operating system (`getrandom`).
#[derive(Clone, Copy, Debug, Default)]
pub struct OsRandom;

impl SecureRandom for OsRandom {
    fn fill(&self, dest: &mut [u8]) -> Result<(), Error> {
        getrandom::fill(dest).map_err(|e| Error::Backend(BackendError::new("os random source", e)))
    }
}

/// Fills `dest` from the OS, for this crate's own use.
pub(crate) fn fill(dest: &mut [u8]) -> Result<(), Error> {
    OsRandom.fill(dest)
}
