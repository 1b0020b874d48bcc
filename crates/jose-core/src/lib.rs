//! # jose-core
//!
//! The foundation of the JOSE workspace: typed JWA algorithm identifiers,
//! strict base64url, the header parameter model, the backend traits and the
//! one error type. It names no cryptographic crate: backends such as
//! `jose-rustcrypto` and `jose-pkcs11` implement the traits in [`backend`].
//! Their asynchronous twins, for keys behind a network call (a KMS, a
//! remote JWK Set), are in [`asynchronous`], with no runtime named.
//!
//! ```
//! use jose_core::{Algorithm, Error, Header, JwsAlgorithm, Policy};
//!
//! // Algorithms are typed and serialize as their registered names.
//! let alg: JwsAlgorithm = "ES256".parse()?;
//! assert_eq!(alg.name(), "ES256");
//!
//! // "none" can be recognised, never used.
//! assert_eq!("none".parse::<JwsAlgorithm>(), Err(Error::Policy(Policy::NoneAlgorithm)));
//!
//! // Headers are parsed strictly: duplicate members are an error.
//! let header = Header::from_json(br#"{"alg":"ES256","kid":"2024-01"}"#)?;
//! assert_eq!(header.alg, Some(Algorithm::Signature(JwsAlgorithm::Es256)));
//! assert!(Header::from_json(br#"{"alg":"ES256","alg":"none"}"#).is_err());
//!
//! // base64url is strict: no padding, no whitespace, canonical bits only.
//! assert!(jose_core::b64::decode("example", "QQ==").is_err());
//! # Ok::<(), jose_core::Error>(())
//! ```
//!
//! ## Crate features
//!
//! - `std` (default): implements `std` integration in dependencies. The
//!   crate itself is `no_std` with `alloc`.

#![no_std]
#![forbid(unsafe_code)]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

pub mod alg;
pub mod asynchronous;
pub mod b64;
pub mod backend;
pub mod error;
pub mod header;
pub mod json;
pub mod key;
pub mod key_management;
pub mod secret;

pub use alg::{
    Algorithm, CompressionAlgorithm, ContentEncryptionAlgorithm, Curve, JwsAlgorithm,
    KeyManagementAlgorithm, KeyManagementMode, KeyType,
};
pub use backend::{
    Candidate, ContentCipher, DecryptingKey, EncryptedContent, EncryptingKey, HashAlgorithm,
    Hasher, KeyDecryptor, KeyEncryptor, KeyIdentity, KeyStore, KeyWrap, SecureRandom, Signer,
    SigningKey, Verifier, VerifyingKey, WrappedKey,
};
pub use error::{
    BackendError, Error, InvalidClaim, InvalidKey, Malformed, MalformedReason, Policy, Result,
    Unsupported,
};
pub use header::Header;
pub use key::{KeyRequirement, KeyShape};
pub use secret::Secret;
