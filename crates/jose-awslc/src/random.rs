//! [`AwsLcRandom`]: AWS-LC's generator as the provider's random source.

use aws_lc_rs::rand::{SecureRandom as _, SystemRandom};
use jose_core::{BackendError, Error, SecureRandom};
use zeroize::Zeroizing;

/// AWS-LC's random generator (a DRBG seeded from the operating system).
#[derive(Clone, Copy, Debug, Default)]
pub struct AwsLcRandom;

/// The generator failed.
#[derive(Debug)]
struct RandomFailed;

impl core::fmt::Display for RandomFailed {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("AWS-LC's random generator failed")
    }
}

impl core::error::Error for RandomFailed {}

impl SecureRandom for AwsLcRandom {
    fn fill(&self, dest: &mut [u8]) -> Result<(), Error> {
        SystemRandom::new()
            .fill(dest)
            .map_err(|_| Error::Backend(BackendError::new("random", RandomFailed)))
    }
}

/// `len` bytes from `random`, zeroized on drop.
pub(crate) fn bytes(random: &dyn SecureRandom, len: usize) -> Result<Zeroizing<Vec<u8>>, Error> {
    let mut out = Zeroizing::new(vec![0u8; len]);
    random.fill(&mut out)?;
    Ok(out)
}
