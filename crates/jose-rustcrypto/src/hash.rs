//! SHA-1 and SHA-2 on the RustCrypto `sha1` and `sha2` crates.

use alloc::vec::Vec;

use jose_core::{Error, HashAlgorithm, Hasher};
use sha2::Digest;

/// The hash functions of RustCrypto: SHA-1 (for `x5t` only) and SHA-256,
/// SHA-384, SHA-512.
#[derive(Clone, Copy, Debug, Default)]
pub struct RustCryptoHasher;

impl Hasher for RustCryptoHasher {
    fn hash(&self, alg: HashAlgorithm, data: &[u8]) -> Result<Vec<u8>, Error> {
        Ok(match alg {
            HashAlgorithm::Sha1 => sha1::Sha1::digest(data).to_vec(),
            HashAlgorithm::Sha256 => sha2::Sha256::digest(data).to_vec(),
            HashAlgorithm::Sha384 => sha2::Sha384::digest(data).to_vec(),
            HashAlgorithm::Sha512 => sha2::Sha512::digest(data).to_vec(),
            unknown => {
                return Err(Error::Unsupported(jose_core::Unsupported::Operation(
                    alloc::format!("hash {}", unknown.name()),
                )));
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_answers() {
        let h = RustCryptoHasher;
        // FIPS 180 "abc" examples.
        assert_eq!(
            h.hash(HashAlgorithm::Sha256, b"abc").unwrap()[..4],
            [0xba, 0x78, 0x16, 0xbf]
        );
        assert_eq!(
            h.hash(HashAlgorithm::Sha1, b"abc").unwrap()[..4],
            [0xa9, 0x99, 0x3e, 0x36]
        );
        assert_eq!(h.hash(HashAlgorithm::Sha384, b"abc").unwrap().len(), 48);
        assert_eq!(h.hash(HashAlgorithm::Sha512, b"abc").unwrap().len(), 64);
    }
}
