//! [`AwsLcHasher`]: SHA-1 and SHA-2 on AWS-LC.

use jose_core::{Error, HashAlgorithm, Hasher};

use aws_lc_rs::digest;

/// SHA-1 (for `x5t` only) and SHA-256/384/512 on AWS-LC.
#[derive(Clone, Copy, Debug, Default)]
pub struct AwsLcHasher;

impl Hasher for AwsLcHasher {
    fn hash(&self, alg: HashAlgorithm, data: &[u8]) -> Result<Vec<u8>, Error> {
        let algorithm = match alg {
            HashAlgorithm::Sha1 => &digest::SHA1_FOR_LEGACY_USE_ONLY,
            HashAlgorithm::Sha256 => &digest::SHA256,
            HashAlgorithm::Sha384 => &digest::SHA384,
            HashAlgorithm::Sha512 => &digest::SHA512,
            other => return Err(crate::unsupported(other.name())),
        };
        Ok(digest::digest(algorithm, data).as_ref().to_vec())
    }
}
