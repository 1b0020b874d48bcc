//! # jose
//!
//! JOSE for Rust: the crate most users add. It re-exports the workspace's
//! crates behind feature flags, so one dependency gives the whole toolkit:
//!
//! - [`core`]: JWA algorithm identifiers, base64url, headers, backend traits,
//!   the error type (`jose-core`);
//! - [`jwk`]: JSON Web Keys and JWK Sets (`jose-jwk`);
//! - [`jws`]: JSON Web Signature (`jose-jws`, feature `jws`, on by default);
//! - [`jwe`]: JSON Web Encryption (`jose-jwe`, feature `jwe`, on by default);
//! - [`jwt`]: JSON Web Token (`jose-jwt`, feature `jwt`, on by default);
//! - `pkcs11`: keys on PKCS#11 tokens (`jose-pkcs11`, feature `pkcs11`);
//! - [`rustcrypto`]: the RustCrypto backend (`jose-rustcrypto`, feature
//!   `rustcrypto`, on by default).
//!
//! ```
//! use jose::core::{HashAlgorithm, JwsAlgorithm};
//! use jose::jwk::KeySpec;
//!
//! let provider = jose::rustcrypto::PROVIDER;
//! let spec = KeySpec::for_algorithm(JwsAlgorithm::EdDsa.into(), None, None, None)?;
//! let key = provider.keys.generate(spec)?;
//! let uri = key.thumbprint_uri(provider.hasher, HashAlgorithm::Sha256)?;
//! assert!(uri.starts_with("urn:ietf:params:oauth:jwk-thumbprint:sha-256:"));
//! # Ok::<(), jose::core::Error>(())
//! ```
//!
//! Read [`manual`] for the security defaults and how to write a backend.
//!
//! ## Crate features
//!
//! - `jws` (default): JSON Web Signature.
//! - `jwe` (default): JSON Web Encryption.
//! - `jwt` (default): JSON Web Token.
//! - `rustcrypto` (default): the RustCrypto backend.
//! - `pkcs11`: the PKCS#11 backend (needs a PKCS#11 module at run time).

#![no_std]
#![forbid(unsafe_code)]

pub mod manual;

pub use jose_core as core;
#[cfg(feature = "jwe")]
pub use jose_jwe as jwe;
pub use jose_jwk as jwk;
#[cfg(feature = "jws")]
pub use jose_jws as jws;
#[cfg(feature = "jwt")]
pub use jose_jwt as jwt;
#[cfg(feature = "pkcs11")]
pub use jose_pkcs11 as pkcs11;
#[cfg(feature = "rustcrypto")]
pub use jose_rustcrypto as rustcrypto;

pub use jose_core::{Error, Result};

/// The workspace README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
pub struct ReadmeDoctests;
