//! # jose-rustcrypto
//!
//! The RustCrypto backend of the JOSE workspace: key generation, key
//! checking (points on their curve, private and public halves consistent),
//! conversion between JWKs and the RustCrypto key types, hashing and the OS
//! random source, gathered in [`PROVIDER`].
//!
//! ```
//! use jose_core::{HashAlgorithm, JwsAlgorithm};
//! use jose_jwk::KeySpec;
//! use jose_rustcrypto::PROVIDER;
//!
//! // Generate an ES256 key and print its public JWK and thumbprint.
//! let spec = KeySpec::for_algorithm(JwsAlgorithm::Es256.into(), None, None, None)?;
//! let jwk = PROVIDER.keys.generate(spec)?;
//! let public = jwk.to_public().expect("EC keys have a public part");
//! assert!(!public.is_private());
//! let thumbprint = public.thumbprint_b64(PROVIDER.hasher, HashAlgorithm::Sha256)?;
//! assert_eq!(thumbprint.len(), 43);
//! # Ok::<(), jose_core::Error>(())
//! ```
//!
//! RustCrypto types appear only in this crate's own API ([`convert`]); the
//! format crates see the `jose-core` traits, so a faster backend can replace
//! this one.

#![no_std]
#![forbid(unsafe_code)]

extern crate alloc;

pub mod content;
pub mod convert;
mod hash;
pub mod kek;
mod keys;
mod random;
mod sign;

pub use hash::Sha2Hasher;
pub use keys::{RSA_GENERATE_BITS, RustCryptoKeys};
pub use random::OsRandom;

use jose_jwk::Provider;

/// The RustCrypto provider: pass it (or a copy with some fields replaced)
/// wherever a [`Provider`] is needed.
pub const PROVIDER: Provider = Provider::new(
    "rustcrypto",
    &RustCryptoKeys,
    &Sha2Hasher,
    &OsRandom,
    content::ALL,
);
