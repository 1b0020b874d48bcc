//! # jose-awslc
//!
//! The [aws-lc-rs] backend of the JOSE workspace: AWS-LC's RSA, ECDSA,
//! Ed25519, ECDH, HMAC, AES-GCM, AES key wrap and PBKDF2 behind the
//! `jose-core` traits, gathered in [`PROVIDER`]. Use it where
//! `jose_rustcrypto::PROVIDER` would go; nothing else changes.
//!
//! ```
//! use jose_core::JwsAlgorithm;
//! use jose_jws::{JwsBuilder, Verification};
//! use jose_awslc::PROVIDER;
//!
//! let jwk = PROVIDER.generate(JwsAlgorithm::Es256)?;
//! let signer = PROVIDER.signer(&jwk, JwsAlgorithm::Es256)?;
//! let token = JwsBuilder::new(b"hello").compact(signer.as_ref())?;
//!
//! let public = PROVIDER.verifier(&jwk.to_public().expect("EC keys have one"))?;
//! let verified = Verification::new(&[JwsAlgorithm::Es256])?.verify(&token, &public)?;
//! assert_eq!(verified.payload, b"hello");
//! # Ok::<(), jose_core::Error>(())
//! ```
//!
//! ## When to pick it
//!
//! RSA, P-256 and P-384 run several times faster on AWS-LC than on the
//! RustCrypto crates (see `BENCHMARKS.md`), and AWS-LC has a FIPS 140-3
//! validated build. The price is C: building `aws-lc-sys` needs a C
//! compiler (and, for some targets, cmake). `jose-rustcrypto` is pure Rust,
//! `no_std`, and builds anywhere.
//!
//! ## What comes from where
//!
//! | family | here |
//! | --- | --- |
//! | HS256/384/512, RS*, PS*, ES256/384/512, ES256K, EdDSA/Ed25519 | AWS-LC |
//! | RSA-OAEP(-256/-384/-512), RSA1_5 | AWS-LC (RSA1_5 through the constant-time composition of `jose_core::key_management`) |
//! | ECDH-ES(+A*KW) on P-256, P-384, P-521, X25519 | AWS-LC (the Concat KDF of `jose_core::key_management` over AWS-LC's SHA-256) |
//! | A128KW, A256KW, A*GCMKW, A*GCM, PBES2 | AWS-LC |
//! | A192KW (and the wrap step of PBES2-HS384+A192KW, ECDH-ES+A192KW), A*CBC-HS* | `jose-rustcrypto` (AWS-LC's key wrap has no 192-bit key; the CBC-HMAC composite is RustCrypto's) |
//! | secp256k1 key generation and public keys from private ones | `jose-rustcrypto` |
//!
//! Keys are parsed once into AWS-LC objects: an RSA key with its CRT
//! values ready, an EC point decoded and checked, an HMAC key keyed.
//!
//! ## Randomness
//!
//! The provider's `random` piece (AWS-LC's generator unless replaced)
//! draws CEKs, IVs, PBES2 salts, symmetric keys, EC, Ed25519 and X25519
//! private keys (generated and ephemeral) and the RSA1_5 fallback CEK.
//! AWS-LC draws from its own generator what it does not let a caller
//! supply: ECDSA nonces, RSA blinding and PSS salts, RSA key generation.
//!
//! ## Differences from `jose-rustcrypto`
//!
//! - RSA keys of 2048 to 8192 bits (AWS-LC's range; a larger key is refused
//!   when loaded); generation makes 2048, 3072, 4096 or 8192-bit keys.
//! - Ed25519 signatures are checked by AWS-LC (RustCrypto's backend uses
//!   `verify_strict`); both pass the RFC 8032 and Wycheproof vectors.
//! - Built on `std` (aws-lc-rs is not `no_std`), with a C compiler.
//!
//! [aws-lc-rs]: https://docs.rs/aws-lc-rs

#![forbid(unsafe_code)]

mod content;
mod convert;
mod hash;
mod jwe;
mod key_wrap;
mod keys;
mod random;
mod sign;

pub use content::{A128GCM, A192GCM, A256GCM, AwsLcGcm};
pub use hash::AwsLcHasher;
pub use key_wrap::AwsLcKeyWrap;
pub use keys::AwsLcKeys;
pub use random::AwsLcRandom;

use jose_core::{ContentCipher, Error, Unsupported};
use jose_jwk::Provider;

/// The content ciphers of this backend, in preference order: AES-GCM on
/// AWS-LC, AES-CBC-HMAC from `jose-rustcrypto`.
pub static CONTENT_CIPHERS: &[&dyn ContentCipher] = &[
    &A256GCM,
    &A192GCM,
    &A128GCM,
    &jose_rustcrypto::content::A256CBC_HS512,
    &jose_rustcrypto::content::A192CBC_HS384,
    &jose_rustcrypto::content::A128CBC_HS256,
];

/// The aws-lc-rs provider: pass it (or a copy with some fields replaced)
/// wherever a [`Provider`] is needed.
pub const PROVIDER: Provider = Provider {
    name: "aws-lc",
    keys: &AwsLcKeys,
    hasher: &AwsLcHasher,
    key_wrap: &AwsLcKeyWrap,
    random: &AwsLcRandom,
    content_ciphers: CONTENT_CIPHERS,
};

/// The error for a kind of key or algorithm this backend does not have.
pub(crate) fn unsupported(what: &str) -> Error {
    Error::Unsupported(Unsupported::Operation(format!(
        "{what} (not in jose-awslc)"
    )))
}

/// The error for a key of a kind this backend cannot use for `what`
/// ("JWS", "JWE").
pub(crate) fn unsupported_key(jwk: &jose_jwk::Jwk, what: &str) -> Error {
    let kind = match jwk.key().curve() {
        Some(crv) => crv.name(),
        None => jwk.key_type().name(),
    };
    unsupported(&format!("{what} with {kind} keys"))
}

/// The error for a key AWS-LC refused.
pub(crate) fn rejected(member: &'static str) -> impl Fn(aws_lc_rs::error::KeyRejected) -> Error {
    move |_| Error::invalid_key(member, "is not a valid key (refused by AWS-LC)")
}
