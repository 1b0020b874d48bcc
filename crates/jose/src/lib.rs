//! # jose
//!
//! JOSE for Rust: the crate most users add. It re-exports the workspace's
//! crates behind feature flags, so one dependency gives the whole toolkit:
//!
//! - [`core`]: JWA algorithm identifiers, base64url, headers, backend traits,
//!   the error type (`jose-core`);
//! - [`jwk`]: JSON Web Keys and JWK Sets, and the [`Provider`] value
//!   (`jose-jwk`);
//! - [`jws`]: JSON Web Signature (`jose-jws`, feature `jws`, on by default);
//! - [`jwe`]: JSON Web Encryption (`jose-jwe`, feature `jwe`, on by default);
//! - [`jwt`]: JSON Web Token (`jose-jwt`, feature `jwt`, on by default);
//! - `pkcs11`: keys on PKCS#11 tokens (`jose-pkcs11`, feature `pkcs11`);
//! - `remote`: remote JWK Sets, fetched and cached (`jose-remote`, feature
//!   `remote`);
//! - [`rustcrypto`]: the RustCrypto backend (`jose-rustcrypto`, feature
//!   `rustcrypto` for every algorithm family, or one feature per family).
//!
//! Everything starts from a provider value, such as
//! [`rustcrypto::PROVIDER`]: it makes and checks
//! keys and binds them to algorithms in one call.
//!
//! ```
//! use jose::core::{HashAlgorithm, JwsAlgorithm};
//! use jose::jwk::Provider;
//!
//! const PROVIDER: Provider = jose::rustcrypto::PROVIDER;
//! let key = PROVIDER.generate(JwsAlgorithm::EdDsa)?;
//! let uri = key.thumbprint_uri(&PROVIDER, HashAlgorithm::Sha256)?;
//! assert!(uri.starts_with("urn:ietf:params:oauth:jwk-thumbprint:sha-256:"));
//! # Ok::<(), jose::core::Error>(())
//! ```
//!
//! Read [`manual`] for the security defaults and how to write a backend.
//!
//! ## Crate features
//!
//! - `std` (default): the system clock for JWT validation; without it
//!   every crate is `no_std` with `alloc`.
//! - `pem` (default): PEM and DER import and export of keys.
//! - `jws`, `jwe`, `jwt` (default): the formats.
//! - `rustcrypto` (default): the RustCrypto backend with every algorithm
//!   family; or only some: `hmac`, `rsa`, `p256`, `p384`, `p521`, `k256`,
//!   `ed25519`, `x25519`, `aes`, `pbes2`. An algorithm whose family is off
//!   is reported as `Error::Unsupported`.
//! - `awslc`: the aws-lc-rs backend ([`awslc::PROVIDER`]): every algorithm,
//!   several times faster on RSA, P-256 and P-384; needs a C compiler to
//!   build (and `std`).
//! - `pkcs11`: the PKCS#11 backend (needs a PKCS#11 module at run time).
//! - `remote`: remote JWK Sets over HTTPS (reqwest with rustls, tokio).
//!
//! An HS256-only JWT build:
//!
//! ```toml
//! jose = { version = "0.1", default-features = false, features = ["std", "jwt", "jws", "hmac"] }
//! ```

#![no_std]
#![forbid(unsafe_code)]

pub mod manual;

/// The aws-lc-rs backend.
#[cfg(feature = "awslc")]
pub use jose_awslc as awslc;
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
/// Remote JWK Sets.
#[cfg(feature = "remote")]
pub use jose_remote as remote;
/// The RustCrypto backend, with the algorithm families this build has.
#[cfg(any(
    feature = "hmac",
    feature = "rsa",
    feature = "p256",
    feature = "p384",
    feature = "p521",
    feature = "k256",
    feature = "ed25519",
    feature = "x25519",
    feature = "aes",
    feature = "pbes2"
))]
pub use jose_rustcrypto as rustcrypto;

pub use jose_core::{Error, Result};
pub use jose_jwk::Provider;

/// The workspace README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
pub struct ReadmeDoctests;
