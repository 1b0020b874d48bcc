//! Worked examples of the two everyday jobs that need keys beyond the
//! process, each a library module (so that the tests run them) and a small
//! binary under `examples/`:
//!
//! - [`signing_service`]: a signing service that holds a key and signs what
//!   it is sent, answering as cloud KMSs do (ECDSA in DER), and
//!   [`signing_service::ServiceSigner`], the client: an
//!   [`AsyncSigner`](jose_core::asynchronous::AsyncSigner) that calls it and
//!   turns the answer into the JWS form. AWS KMS, Google Cloud KMS or Vault
//!   Transit plug in the same way, without a vendor SDK (see the module).
//!   `cargo run -p jose-examples --example signing_service`.
//! - [`resource_server`]: an axum service whose middleware takes the bearer
//!   token, verifies it against the identity provider's remote JWK Set with
//!   `iss`, `aud` and `exp` checked, and hands the typed claims to the
//!   handler. `cargo run -p jose-examples --example resource_server -- JWKS_URL ISSUER AUDIENCE`.

#![forbid(unsafe_code)]

pub mod resource_server;
pub mod signing_service;
