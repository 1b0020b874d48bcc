//! # jose-pkcs11
//!
//! Keys on a PKCS#11 token (a hardware security module, a smart card,
//! SoftHSM2) behind the same traits as software keys: a [`TokenKey`] is a
//! `SigningKey` for JWS and a `DecryptingKey` for JWE, and a [`TokenStore`]
//! is a `KeyStore`. Private keys never leave the token.
//!
//! | JOSE | on the token |
//! | --- | --- |
//! | RS256/384/512 | `CKM_SHA*_RSA_PKCS` |
//! | PS256/384/512 | `CKM_SHA*_RSA_PKCS_PSS`, MGF1 with the same hash, salt = hash length |
//! | ES256/384/512 | SHA-2 in software, `CKM_ECDSA` (fixed-length R \|\| S) |
//! | EdDSA / Ed25519 | `CKM_EDDSA` |
//! | RSA-OAEP, RSA-OAEP-256/384/512 | `CKM_RSA_PKCS_OAEP` (SHA-2 support probed once at load); optionally raw RSA + OAEP in software ([`TokenOptions::raw_rsa_oaep`]) |
//! | RSA1_5 | `CKM_RSA_PKCS`, a random CEK on any failure; only with [`TokenOptions::rsa1_5`] and for keys that cannot sign |
//! | A128KW/A192KW/A256KW | `CKM_AES_KEY_WRAP` unwrap |
//! | ECDH-ES(+A*KW) on P-256/384/521 | `CKM_ECDH1_DERIVE` (`CKD_NULL`), Concat KDF in software |
//!
//! What the token does not do runs in a software provider given as a
//! value ([`TokenOptions::software`]): verification and encryption with
//! public keys ([`TokenKey::verifying_key`], [`TokenKey::public_jwk`]),
//! hashing before `CKM_ECDSA`, the Concat KDF and key wrap after ECDH-ES,
//! RSA1_5's random CEK. This crate depends on no software backend: the
//! steps after a primitive are the compositions of
//! `jose_core::key_management`.
//!
//! ```no_run
//! use jose_core::JwsAlgorithm;
//! use jose_pkcs11::{Pin, Token, TokenOptions, TokenSelector};
//!
//! let token = Token::open(
//!     "/usr/lib/softhsm/libsofthsm2.so".as_ref(),
//!     &TokenSelector::Label("jose-test".into()),
//!     &Pin::Env("PKCS11_PIN".into()),
//!     &TokenOptions::new(jose_rustcrypto::PROVIDER),
//! )?;
//! let signer = token.key("ec-p256")?.signer(JwsAlgorithm::Es256)?;
//! let jws = jose_jws::JwsBuilder::new(b"signed on the token").compact(&signer)?;
//! # Ok::<(), jose_core::Error>(())
//! ```
//!
//! ## Threads and sessions
//!
//! A [`Token`] is `Send + Sync` and cheap to clone. Each operation takes a
//! session from a pool, so many threads can sign at once; one long-lived
//! session keeps the login (closing the last session would log out).
//! `C_Initialize` runs once per module and process.
//!
//! ## Faults
//!
//! An operation that fails because its session is gone (closed, handle
//! invalid, device removed) or the token lost its login does not fail for
//! good: the broken sessions leave the pool, the login is restored with
//! the PIN the token was opened with (kept zeroized; a PIN file or
//! variable is read again), a key whose object handle the token no longer
//! knows is found again by its class, label and CKA_ID, and the operation
//! runs once more. Only those return values count as faults, so nothing a
//! message carries can make the token retry or log in. When every session
//! was lost (the anchor session too), cached object handles are looked up
//! again before use, since their numbers may name other objects after a
//! reset. An automatic login that the token refuses for its PIN is not
//! tried again (a stale PIN would otherwise lock the token, one message at
//! a time): open the token again.

#![forbid(unsafe_code)]
// A std crate (PKCS#11 loads a shared library): `core` paths buy nothing.
#![allow(clippy::std_instead_of_core, clippy::alloc_instead_of_core)]

mod key;
mod load;
mod mechanism;
mod oaep;
mod store;
mod token;
mod uri;

pub use key::{TokenKey, TokenKeyKind};
pub use store::TokenStore;
pub use token::{Pin, Token, TokenOptions, TokenSelector};
pub use uri::{ObjectType, Pkcs11Uri};
