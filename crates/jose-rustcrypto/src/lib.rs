//! # jose-rustcrypto
//!
//! The RustCrypto backend of the JOSE workspace: every JWA algorithm, key
//! generation, key checks (points on their curve, private and public halves
//! consistent), conversion between JWKs and the RustCrypto key types,
//! hashing and the OS random source, gathered in [`PROVIDER`].
//!
//! ```
//! use jose_core::{HashAlgorithm, JwsAlgorithm};
//! use jose_rustcrypto::PROVIDER;
//!
//! // An ES256 key (with "alg": "ES256"), its public JWK and thumbprint.
//! let jwk = PROVIDER.generate(JwsAlgorithm::Es256)?;
//! let public = jwk.to_public().expect("EC keys have a public part");
//! assert!(!public.is_private());
//! let thumbprint = public.thumbprint_b64(&PROVIDER, HashAlgorithm::Sha256)?;
//! assert_eq!(thumbprint.len(), 43);
//! # Ok::<(), jose_core::Error>(())
//! ```
//!
//! Every random byte this backend uses (key generation, RSA blinding and
//! PSS salts, RSA and ECDH encryption, IVs and CEKs) comes from the
//! provider's `random` piece, so `Provider { random: &Mine, ..PROVIDER }`
//! replaces it everywhere. RustCrypto types appear only in this crate's own
//! API ([`convert`]); the format crates see the `jose-core` traits, so a
//! faster backend can replace this one.
//!
//! ## Crate features
//!
//! One per algorithm family, all on by default; an algorithm whose feature
//! is off is reported as `Error::Unsupported`, never a panic.
//!
//! | feature | algorithms |
//! | --- | --- |
//! | `hmac` | HS256, HS384, HS512 |
//! | `rsa` | RS256-512, PS256-512, RSA-OAEP, RSA-OAEP-256/384/512, RSA1_5 |
//! | `p256`, `p384`, `p521` | ES256, ES384, ES512; ECDH-ES(+A*KW) on that curve |
//! | `k256` | ES256K |
//! | `ed25519` | EdDSA, Ed25519 |
//! | `x25519` | ECDH-ES(+A*KW) on X25519 |
//! | `aes` | A128KW-A256KW, A128GCMKW-A256GCMKW, the key wrap of ECDH-ES+A*KW and PBES2, A*GCM, A*CBC-HS* |
//! | `pbes2` | PBES2-HS256+A128KW, PBES2-HS384+A192KW, PBES2-HS512+A256KW (with `aes`) |
//!
//! SHA-1 and SHA-2 (thumbprints, the Concat KDF) and the OS random source
//! are always there.

#![no_std]
#![forbid(unsafe_code)]

extern crate alloc;

#[cfg(feature = "aes")]
pub mod content;
pub mod convert;
#[cfg(ec)]
mod ec;
#[cfg(feature = "ed25519")]
mod ed25519;
mod handle;
mod hash;
mod jwe;
mod key_wrap;
mod keys;
#[cfg(feature = "hmac")]
mod mac;
#[cfg(feature = "pbes2")]
mod pbes2;
mod random;
#[cfg(feature = "rsa")]
mod rsa_key;
#[cfg(jws)]
mod sign;
#[cfg(feature = "x25519")]
mod x25519;

pub use hash::RustCryptoHasher;
pub use key_wrap::AesKeyWrap;
pub use keys::{RSA_GENERATE_BITS, RustCryptoKeys};
pub use random::OsRandom;

use jose_core::{ContentCipher, Error, Unsupported};
use jose_jwk::Provider;

/// The content ciphers of this backend, in preference order (none without
/// the `aes` feature).
#[cfg(feature = "aes")]
const CONTENT_CIPHERS: &[&dyn ContentCipher] = content::ALL;
#[cfg(not(feature = "aes"))]
const CONTENT_CIPHERS: &[&dyn ContentCipher] = &[];

/// The RustCrypto provider: pass it (or a copy with some fields replaced)
/// wherever a [`Provider`] is needed.
pub const PROVIDER: Provider = Provider {
    name: "rustcrypto",
    keys: &RustCryptoKeys,
    hasher: &RustCryptoHasher,
    key_wrap: &AesKeyWrap,
    random: &OsRandom,
    content_ciphers: CONTENT_CIPHERS,
};

/// The error for a key of a family this build cannot use for `what`
/// ("JWS", "JWE").
pub(crate) fn unsupported_key(jwk: &jose_jwk::Jwk, what: &str) -> Error {
    let kind = match jwk.key().curve() {
        Some(crv) => crv.name(),
        None => jwk.key_type().name(),
    };
    unsupported(&alloc::format!("{what} with {kind} keys"))
}

/// The error for an algorithm family whose feature is off, or a kind of
/// key this backend does not know.
pub(crate) fn unsupported(what: &str) -> Error {
    Error::Unsupported(Unsupported::Operation(alloc::format!(
        "{what} (not in this build of jose-rustcrypto: see its crate features)"
    )))
}
