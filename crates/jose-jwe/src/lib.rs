//! # jose-jwe
//!
//! JSON Web Encryption (RFC 7516) in all three serializations: compact,
//! flattened JSON and general JSON with several recipients (one CEK, each
//! recipient with its own key management algorithm and header), with
//! shared and per-recipient unprotected headers, JWE AAD, and `zip: "DEF"`
//! under a size limit.
//!
//! Decryption takes allow-lists for both `alg` and `enc`; the header never
//! picks the key type, keys come from a [`KeyStore`](jose_core::KeyStore),
//! and every cryptographic failure is the same
//! [`Error::DecryptionFailed`](jose_core::Error::DecryptionFailed). A key
//! decryptor in a KMS is an
//! [`AsyncKeyDecryptor`](jose_core::asynchronous::AsyncKeyDecryptor), used
//! by [`Decryption::decrypt_async`].
//!
//! ```
//! use jose_core::{ContentEncryptionAlgorithm as Enc, Curve, KeyManagementAlgorithm as Alg};
//! use jose_jwe::{Decryption, JweBuilder, Recipient};
//! use jose_jwk::{JwkSet, KeySpec};
//!
//! let provider = jose_rustcrypto::PROVIDER;
//! let alice = provider.generate(KeySpec::from(Alg::EcdhEsA256Kw).curve(Curve::X25519))?.with_kid("alice");
//! let bob = provider.generate(Alg::A256Kw)?.with_kid("bob");
//!
//! // One message for two recipients with different algorithms.
//! let to_alice = provider.encryptor(&alice, Alg::EcdhEsA256Kw)?;
//! let to_bob = provider.encryptor(&bob, Alg::A256Kw)?;
//! let jwe = JweBuilder::new(b"meet at noon", Enc::A256Gcm)
//!     .compress()
//!     .general(&provider, &[Recipient::new(&to_alice), Recipient::new(&to_bob)])?;
//!
//! // Bob opens it with his key set; only A256KW and A256GCM are allowed.
//! let store = provider.key_set(&JwkSet::from_iter([bob]));
//! let opened = Decryption::new(&[Alg::A256Kw], &[Enc::A256Gcm])?.decrypt(&provider, &jwe, &store)?;
//! assert_eq!(&*opened.plaintext, b"meet at noon");
//! assert_eq!(opened.recipient_index, 1);
//! # Ok::<(), jose_core::Error>(())
//! ```
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

mod decrypt;
mod encrypt;
mod parse;

pub use decrypt::{Decrypted, Decryption};
pub use encrypt::{JweBuilder, Recipient};

/// Limits applied before and during decryption, so that hostile input is
/// refused early and bounded in the work it causes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// The largest serialized JWE accepted, in bytes. Default 4 MiB.
    pub max_input: usize,
    /// The largest base64url protected header accepted. Default 16 KiB.
    pub max_header: usize,
    /// The most recipients of a general JSON JWE. Default 16.
    pub max_recipients: usize,
    /// The largest plaintext after `zip` decompression. Default 4 MiB.
    pub max_plaintext: usize,
    /// The largest PBES2 iteration count (`p2c`) accepted. Default 600,000:
    /// OWASP's count for PBKDF2-HMAC-SHA256, the most a careful sender
    /// uses (this workspace encrypts with 10,000, which every peer accepts),
    /// and one derivation of it takes a fraction of a second.
    pub max_p2c: u64,
    /// The most PBES2 iterations one message may cost, summed over every
    /// recipient and password tried. Default 1,200,000: two derivations at
    /// `max_p2c`, or 120 at the count this workspace encrypts with. Each
    /// password key is also tried at most once per message.
    pub max_kdf_iterations: u64,
    /// The most private-key operations (RSA decryptions, ECDH agreements)
    /// one message may cost, over every recipient and key. Default 8.
    pub max_private_key_ops: usize,
    /// The most ciphertext bytes one message may have decrypted, over
    /// every CEK tried (RSA1_5 and ECDH-ES yield a CEK for any key, so
    /// each wrong key costs a content decryption). Default 16 MiB: four
    /// passes over the largest input.
    pub max_content_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_input: 4 * 1024 * 1024,
            max_header: 16 * 1024,
            max_recipients: 16,
            max_plaintext: 4 * 1024 * 1024,
            max_p2c: 600_000,
            max_kdf_iterations: 1_200_000,
            max_private_key_ops: 8,
            max_content_bytes: 16 * 1024 * 1024,
        }
    }
}

impl Limits {
    /// Sets the largest plaintext after decompression.
    #[must_use]
    pub fn max_plaintext(mut self, bytes: usize) -> Self {
        self.max_plaintext = bytes;
        self
    }

    /// Sets the largest PBES2 iteration count accepted.
    #[must_use]
    pub fn max_p2c(mut self, count: u64) -> Self {
        self.max_p2c = count;
        self
    }

    /// Sets the most PBES2 iterations one message may cost.
    #[must_use]
    pub fn max_kdf_iterations(mut self, count: u64) -> Self {
        self.max_kdf_iterations = count;
        self
    }

    /// Sets the most private-key operations one message may cost.
    #[must_use]
    pub fn max_private_key_ops(mut self, count: usize) -> Self {
        self.max_private_key_ops = count;
        self
    }

    /// Sets the most ciphertext bytes one message may have decrypted.
    #[must_use]
    pub fn max_content_bytes(mut self, bytes: usize) -> Self {
        self.max_content_bytes = bytes;
        self
    }

    /// Sets the largest serialized JWE accepted.
    #[must_use]
    pub fn max_input(mut self, bytes: usize) -> Self {
        self.max_input = bytes;
        self
    }
}
