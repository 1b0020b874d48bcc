//! # jose-jws
//!
//! JSON Web Signature (RFC 7515) in all three serializations (compact,
//! flattened JSON, general JSON with several signatures), with detached
//! payloads (RFC 7515 appendix F) and unencoded payloads (RFC 7797).
//!
//! Verification never lets the message choose the algorithm: a
//! [`Verification`] is built with an explicit allow-list, keys come from a
//! [`KeyStore`](jose_core::KeyStore) that checks them against the header's
//! `alg`, `crit` is enforced, and `none` cannot even be named. The result,
//! [`Verified`], is the only way to the payload, and names the key that
//! verified it (`Verified::key`); reading a JWS without verifying it is in
//! [`danger`].
//!
//! ```
//! use jose_core::JwsAlgorithm;
//! use jose_jwk::JwkSet;
//! use jose_jws::{JwsBuilder, Verification};
//!
//! let provider = jose_rustcrypto::PROVIDER;
//! let jwk = provider.generate(JwsAlgorithm::Ed25519)?.with_kid("2026-11");
//!
//! // Sign: the signer is bound to one algorithm and carries the kid.
//! let signer = provider.signer(&jwk, JwsAlgorithm::Ed25519)?;
//! let token = JwsBuilder::new(b"payload").compact(&signer)?;
//!
//! // Verify against a published JWK Set, allowing only Ed25519.
//! let set: JwkSet = jwk.to_public().into_iter().collect();
//! let verified = Verification::new(&[JwsAlgorithm::Ed25519])?.verify(&token, &provider.key_set(&set))?;
//! assert_eq!(verified.payload, b"payload");
//! assert_eq!(verified.protected.kid.as_deref(), Some("2026-11"));
//! # Ok::<(), jose_core::Error>(())
//! ```
//!
//! A signer in a KMS or a signing service is an
//! [`AsyncSigner`](jose_core::asynchronous::AsyncSigner): sign with
//! [`JwsBuilder::compact_async`] (or the `_async` forms of the JSON
//! serializations, with [`SignatureSpec::new_async`]); keys from a store
//! that fetches them are looked up by [`Verification::verify_async`].
//!
//! ## Crate features
//!
//! - `std` (default): `std` integration in dependencies. The crate itself is
//!   `no_std` with `alloc`.

#![no_std]
#![forbid(unsafe_code)]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

pub mod danger;
mod parse;
mod sign;
mod verify;

pub use sign::{JwsBuilder, SignatureSpec};
pub use verify::{Verification, Verified, VerifiedSignature};

use jose_core::{Error, MalformedReason};

/// Size limits applied before any parsing work, so that hostile input is
/// refused early.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// The largest serialized JWS accepted, in bytes. Default 1 MiB.
    pub max_input: usize,
    /// The largest base64url protected header accepted, in bytes. Default
    /// 16 KiB (room for an `x5c` chain).
    pub max_header: usize,
    /// The most signatures of a general JSON JWS. Default 16.
    pub max_signatures: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_input: 1024 * 1024,
            max_header: 16 * 1024,
            max_signatures: 16,
        }
    }
}

impl Limits {
    /// Sets the largest serialized JWS accepted.
    #[must_use]
    pub fn max_input(mut self, bytes: usize) -> Self {
        self.max_input = bytes;
        self
    }

    /// Sets the largest protected header accepted.
    #[must_use]
    pub fn max_header(mut self, bytes: usize) -> Self {
        self.max_header = bytes;
        self
    }

    fn check_input(&self, len: usize) -> Result<(), Error> {
        if len > self.max_input {
            return Err(Error::malformed(
                "JWS",
                MalformedReason::TooLarge {
                    limit: self.max_input,
                },
            ));
        }
        Ok(())
    }
}
