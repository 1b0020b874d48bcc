//! # jose-jwk
//!
//! JSON Web Keys (RFC 7517) and JWK Sets: a strict model of every key type
//! (RSA, EC on P-256/P-384/P-521/secp256k1, OKP Ed25519/X25519, oct),
//! validation of sizes and of the `use`/`key_ops`/`alg` rules, thumbprints
//! (RFC 7638) and thumbprint URIs (RFC 9278), PEM/DER import and export,
//! and a [`JwkSetStore`] that makes a JWK Set a `KeyStore`.
//!
//! Arithmetic checks (points on their curve, private and public halves that
//! match) and hashing are the backend's, through the [`Provider`] value
//! that a backend exports; this crate names no cryptographic crate.
//!
//! ```
//! use jose_jwk::{Jwk, JwkSet, KeyQuery};
//! use jose_core::{HashAlgorithm, JwsAlgorithm};
//!
//! let jwk: Jwk = r#"{"kty":"OKP","crv":"Ed25519","kid":"k1",
//!     "x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#.parse()?;
//! assert_eq!(jwk.kid(), Some("k1"));
//! assert!(!jwk.is_private());
//!
//! // RFC 8037 appendix A.3: the thumbprint, with a backend's hasher.
//! let provider = jose_rustcrypto::PROVIDER;
//! assert_eq!(
//!     jwk.thumbprint_b64(&provider, HashAlgorithm::Sha256)?,
//!     "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
//! );
//!
//! // Look-ups in a set.
//! let set: JwkSet = JwkSet::from_iter([jwk]);
//! let query = KeyQuery::new().alg(JwsAlgorithm::EdDsa);
//! assert_eq!(set.find(&query).count(), 1);
//! # Ok::<(), jose_core::Error>(())
//! ```
//!
//! ## Crate features
//!
//! - `std` (default): `std` integration in dependencies. The crate itself is
//!   `no_std` with `alloc`.
//! - `pem` (default): PEM and DER import and export of keys (SPKI, PKCS#8,
//!   PKCS#1, SEC1: [`Jwk::from_pem`], [`Jwk::to_pem`], [`KeyFormat`]), on the
//!   RustCrypto `pkcs8`, `spki`, `pkcs1` and `sec1` crates. Without it the
//!   crate still reads the key of an `x5c` certificate (with the `der` crate
//!   alone) to check it against the JWK.

#![no_std]
#![forbid(unsafe_code)]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

mod fit;
mod json;
mod jwk;
mod key;
mod params;
#[cfg(feature = "pem")]
mod pem;
mod provider;
mod roca;
mod set;
mod spec;
mod store;
mod x509;

pub use fit::SharedKey;
pub use jwk::{Jwk, JwkOptions};
pub use key::{EcKey, Key, OctKey, OkpKey, RsaKey, RsaPrimes, RsaPrivate};
pub use params::{KeyOp, KeyUse, Parameters};
#[cfg(feature = "pem")]
pub use pem::KeyFormat;
pub use provider::{KeyProvider, Provider};
pub use set::{JwkSet, KeyQuery};
pub use spec::{DEFAULT_RSA_BITS, GENERATED_PASSWORD_LEN, KeySpec};
pub use store::JwkSetStore;
