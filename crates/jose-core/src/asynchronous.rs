//! Asynchronous twins of the backend traits, for keys behind a network
//! call: a cloud KMS or signing service that signs ([`AsyncSigner`]) or
//! unwraps a CEK ([`AsyncKeyDecryptor`]), and a key store that fetches its
//! keys ([`AsyncKeyStore`], such as a remote JWK Set).
//!
//! The traits are object safe: each method returns a boxed `Send` future
//! ([`BoxFuture`]), so `&dyn AsyncSigner` works in any runtime and no
//! runtime is named here. Every synchronous implementation is an
//! asynchronous one too (blanket implementations whose futures are ready at
//! once), so one async entry point takes both a KMS key and a local key.
//!
//! A future from these traits may be dropped before it completes (a
//! request cancelled, a timeout): an implementation must stay usable after
//! that, holding no lock or half-done state across its await points.
//!
//! ```
//! use jose_core::asynchronous::{AsyncSigner, BoxFuture};
//! use jose_core::{Error, JwsAlgorithm};
//!
//! /// A signer that asks a signing service (here: pretends to).
//! #[derive(Debug)]
//! struct Remote;
//!
//! impl AsyncSigner for Remote {
//!     fn algorithm(&self) -> JwsAlgorithm {
//!         JwsAlgorithm::Es256
//!     }
//!     fn key_id(&self) -> Option<&str> {
//!         Some("kms-key-1")
//!     }
//!     fn sign<'a>(&'a self, signing_input: &'a [u8]) -> BoxFuture<'a, Result<Vec<u8>, Error>> {
//!         Box::pin(async move {
//!             // The call to the service goes here, with `signing_input`;
//!             // an answer in DER (as KMSs give ECDSA) must become R || S.
//!             let _ = signing_input;
//!             Ok(vec![0; 64])
//!         })
//!     }
//! }
//! ```

use alloc::boxed::Box;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::fmt::Debug;
use core::future::{Future, ready};
use core::pin::Pin;
use core::task::{Context, Poll, Waker};

use zeroize::Zeroizing;

use crate::alg::{ContentEncryptionAlgorithm, JwsAlgorithm, KeyManagementAlgorithm};
use crate::backend::{Candidate, KeyDecryptor, KeyStore, Signer, Verifier};
use crate::error::Error;
use crate::header::Header;

/// A boxed future that may move between threads: what every method of the
/// asynchronous traits returns.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Polls `future` once, with a waker that does nothing: its output if it
/// is ready at once. For synchronous entry points that share the road of
/// an asynchronous one, where every await is on a synchronous key (whose
/// futures are ready at once); `None` would mean a key that had to wait.
pub fn ready_now<F: Future>(future: F) -> Option<F::Output> {
    let future = core::pin::pin!(future);
    match future.poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(out) => Some(out),
        Poll::Pending => None,
    }
}

/// Produces JWS signatures with one key and one algorithm, asynchronously:
/// the twin of [`Signer`] for a key in a KMS or a signing service.
pub trait AsyncSigner: Send + Sync + Debug {
    /// The algorithm this signer is bound to.
    fn algorithm(&self) -> JwsAlgorithm;

    /// The key ID to put in the header, if the key has one.
    fn key_id(&self) -> Option<&str>;

    /// Signs the JWS signing input, giving the algorithm's JWS form (as
    /// [`Signer::sign`]: `R || S` for ECDSA, never DER).
    ///
    /// # Errors
    ///
    /// [`Error::Backend`] when the service fails or cannot be reached.
    fn sign<'a>(&'a self, signing_input: &'a [u8]) -> BoxFuture<'a, Result<Vec<u8>, Error>>;
}

/// Every synchronous signer signs asynchronously too, at once.
impl<S: Signer + ?Sized> AsyncSigner for S {
    fn algorithm(&self) -> JwsAlgorithm {
        Signer::algorithm(self)
    }

    fn key_id(&self) -> Option<&str> {
        Signer::key_id(self)
    }

    fn sign<'a>(&'a self, signing_input: &'a [u8]) -> BoxFuture<'a, Result<Vec<u8>, Error>> {
        Box::pin(ready(Signer::sign(self, signing_input)))
    }
}

/// Recovers a JWE's CEK asynchronously: the twin of [`KeyDecryptor`] for a
/// key in a KMS (an RSA-OAEP unwrap, say).
pub trait AsyncKeyDecryptor: Send + Sync + Debug {
    /// The key management algorithm.
    fn algorithm(&self) -> KeyManagementAlgorithm;

    /// The key ID, if the key has one.
    fn key_id(&self) -> Option<&str>;

    /// Recovers the CEK for `enc`, as [`KeyDecryptor::decrypt_key`] does,
    /// with the same duty for RSA1_5 (no padding oracle).
    ///
    /// # Errors
    ///
    /// As [`KeyDecryptor::decrypt_key`].
    fn decrypt_key<'a>(
        &'a self,
        header: &'a Header,
        enc: ContentEncryptionAlgorithm,
        encrypted_key: &'a [u8],
    ) -> BoxFuture<'a, Result<Zeroizing<Vec<u8>>, Error>>;
}

/// Every synchronous key decryptor decrypts asynchronously too, at once.
impl<D: KeyDecryptor + ?Sized> AsyncKeyDecryptor for D {
    fn algorithm(&self) -> KeyManagementAlgorithm {
        KeyDecryptor::algorithm(self)
    }

    fn key_id(&self) -> Option<&str> {
        KeyDecryptor::key_id(self)
    }

    fn decrypt_key<'a>(
        &'a self,
        header: &'a Header,
        enc: ContentEncryptionAlgorithm,
        encrypted_key: &'a [u8],
    ) -> BoxFuture<'a, Result<Zeroizing<Vec<u8>>, Error>> {
        Box::pin(ready(KeyDecryptor::decrypt_key(
            self,
            header,
            enc,
            encrypted_key,
        )))
    }
}

/// Finds the keys that may verify or decrypt a message, asynchronously:
/// the twin of [`KeyStore`] for a store that fetches its keys (a remote
/// JWK Set). Verification itself stays local and synchronous: a store
/// offers [`Verifier`]s; a decrypting key may be remote, so it offers
/// [`AsyncKeyDecryptor`]s.
///
/// The rules of [`KeyStore`] hold: only keys that may be used for `alg`,
/// and with a `kid` in the header only the keys with that `kid`.
pub trait AsyncKeyStore: Send + Sync + Debug {
    /// Verifiers for a JWS signature with algorithm `alg` and this header.
    ///
    /// # Errors
    ///
    /// [`Error::Backend`] when the keys cannot be fetched or read.
    fn verifiers<'a>(
        &'a self,
        alg: JwsAlgorithm,
        header: &'a Header,
    ) -> BoxFuture<'a, Result<Vec<Candidate<dyn Verifier>>, Error>>;

    /// Key decryptors for a JWE recipient with algorithm `alg` and this
    /// joint header.
    ///
    /// # Errors
    ///
    /// [`Error::Backend`] when the keys cannot be fetched or read.
    fn key_decryptors<'a>(
        &'a self,
        alg: KeyManagementAlgorithm,
        header: &'a Header,
    ) -> BoxFuture<'a, Result<Vec<Candidate<dyn AsyncKeyDecryptor>>, Error>>;
}

/// Every synchronous key store is an asynchronous one whose look-ups are
/// ready at once. A store that must wait for the network implements
/// [`AsyncKeyStore`] itself (and offers a blocking view for [`KeyStore`]).
impl<S: KeyStore + ?Sized> AsyncKeyStore for S {
    fn verifiers<'a>(
        &'a self,
        alg: JwsAlgorithm,
        header: &'a Header,
    ) -> BoxFuture<'a, Result<Vec<Candidate<dyn Verifier>>, Error>> {
        Box::pin(ready(KeyStore::verifiers(self, alg, header)))
    }

    fn key_decryptors<'a>(
        &'a self,
        alg: KeyManagementAlgorithm,
        header: &'a Header,
    ) -> BoxFuture<'a, Result<Vec<Candidate<dyn AsyncKeyDecryptor>>, Error>> {
        let candidates = KeyStore::key_decryptors(self, alg, header).map(|found| {
            found
                .into_iter()
                .map(|c| {
                    // `Arc<dyn KeyDecryptor>` is itself a key decryptor, so
                    // an asynchronous one: one more `Arc` per candidate.
                    let key: Arc<dyn AsyncKeyDecryptor> = Arc::new(c.key);
                    Candidate::new(key, c.identity)
                })
                .collect()
        });
        Box::pin(ready(candidates))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Fixed;

    impl Signer for Fixed {
        fn algorithm(&self) -> JwsAlgorithm {
            JwsAlgorithm::Hs256
        }
        fn key_id(&self) -> Option<&str> {
            Some("k")
        }
        fn sign(&self, signing_input: &[u8]) -> Result<Vec<u8>, Error> {
            Ok(signing_input.iter().rev().copied().collect())
        }
    }

    #[test]
    fn ready_now_takes_what_is_ready_and_refuses_what_waits() {
        assert_eq!(ready_now(ready(7)), Some(7));
        assert_eq!(ready_now(core::future::pending::<u8>()), None);
    }

    #[test]
    fn a_synchronous_signer_signs_asynchronously_at_once() {
        let signer: &dyn AsyncSigner = &Fixed;
        assert_eq!(signer.algorithm(), JwsAlgorithm::Hs256);
        assert_eq!(signer.key_id(), Some("k"));
        let mut future = signer.sign(b"abc");
        let mut cx = Context::from_waker(Waker::noop());
        assert_eq!(
            future.as_mut().poll(&mut cx),
            Poll::Ready(Ok(b"cba".to_vec()))
        );
    }
}
