//! What a backend provides, gathered in one [`Provider`] value.
//!
//! [`KeyProvider`] lives here rather than in `jose-core` because it speaks
//! [`Jwk`], which `jose-core` cannot name.

use alloc::boxed::Box;
use alloc::string::ToString;
use alloc::sync::Arc;
use core::fmt::Debug;

use jose_core::{
    ContentCipher, ContentEncryptionAlgorithm, Curve, DecryptingKey, EncryptingKey, Error, Hasher,
    JwsAlgorithm, KeyEncryptor, KeyManagementAlgorithm, KeyShape, KeyWrap, SecureRandom, Signer,
    SigningKey, Unsupported, VerifyingKey,
};

use crate::jwk::Jwk;
use crate::set::JwkSet;
use crate::spec::KeySpec;
use crate::store::JwkSetStore;

/// A backend's key operations on JWKs.
///
/// Every method that builds or makes a key receives the [`Provider`] it was
/// called through: a backend takes its randomness (and any other piece it
/// needs) from there, so that a user who replaces a piece of the provider
/// replaces it everywhere.
///
/// Methods for capabilities a backend lacks keep their default, which
/// answers [`Unsupported::Operation`]; a backend that signs but cannot
/// encrypt is a valid backend.
pub trait KeyProvider: Send + Sync + Debug {
    /// Generates a private key of the given shape.
    ///
    /// # Errors
    ///
    /// [`Error::Unsupported`] for a shape the backend cannot make,
    /// [`Error::ApiMisuse`] for a size out of range.
    fn generate(&self, shape: KeyShape, provider: &Provider) -> Result<Jwk, Error>;

    /// Checks what sizes alone cannot: EC points on their curve, OKP public
    /// keys valid, private and public halves consistent, RSA parameters
    /// coherent.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidKey`] naming the failed check; [`Error::Unsupported`]
    /// for a kind of key the backend does not know.
    fn check(&self, jwk: &Jwk) -> Result<(), Error>;

    /// Computes the public half of an EC or OKP private key from its private
    /// scalar alone: returns a public JWK. Used when a PKCS#8 or SEC1
    /// document carries no public key.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidKey`] for a scalar out of range.
    fn public_from_private(&self, crv: Curve, d: &[u8]) -> Result<Jwk, Error>;

    /// A signing key built once from a private JWK.
    ///
    /// # Errors
    ///
    /// [`Error::Unsupported`] when the backend cannot sign with this kind of
    /// key; [`Error::InvalidKey`] when the key is unusable;
    /// [`Error::Policy`] when the JWK's members forbid signing.
    fn signing_key(&self, jwk: &Jwk, provider: &Provider) -> Result<Arc<dyn SigningKey>, Error> {
        let _ = (jwk, provider);
        Err(unsupported("signing"))
    }

    /// A verifying key built once from a JWK (public or private).
    ///
    /// # Errors
    ///
    /// As [`KeyProvider::signing_key`].
    fn verifying_key(
        &self,
        jwk: &Jwk,
        provider: &Provider,
    ) -> Result<Arc<dyn VerifyingKey>, Error> {
        let _ = (jwk, provider);
        Err(unsupported("verification"))
    }

    /// An encrypting key built once from a recipient's JWK.
    ///
    /// # Errors
    ///
    /// As [`KeyProvider::signing_key`].
    fn encrypting_key(
        &self,
        jwk: &Jwk,
        provider: &Provider,
    ) -> Result<Arc<dyn EncryptingKey>, Error> {
        let _ = (jwk, provider);
        Err(unsupported("JWE key encryption"))
    }

    /// A decrypting key built once from a private or symmetric JWK.
    ///
    /// # Errors
    ///
    /// As [`KeyProvider::signing_key`].
    fn decrypting_key(
        &self,
        jwk: &Jwk,
        provider: &Provider,
    ) -> Result<Arc<dyn DecryptingKey>, Error> {
        let _ = (jwk, provider);
        Err(unsupported("JWE key decryption"))
    }
}

fn unsupported(what: &str) -> Error {
    Error::Unsupported(Unsupported::Operation(what.to_string()))
}

/// Everything a backend provides, as one value passed where it is needed:
/// ready keys built from JWKs, key generation and checks, hashing, AES key
/// wrap, randomness and content ciphers.
///
/// The provider is a plain struct of `&'static dyn` pieces, in the spirit
/// of rustls' `CryptoProvider`: a backend exports one as a constant
/// (`jose_rustcrypto::PROVIDER`), and there is no process-global provider.
/// The methods are the one-call way from a JWK to a ready key; the fields
/// are the pieces a backend or a format crate uses. To change one piece,
/// use struct-update syntax:
///
/// ```
/// use jose_core::{Error, JwsAlgorithm, SecureRandom};
/// use jose_jwk::Provider;
///
/// /// A random source of the caller's (a DRBG, a token's generator).
/// #[derive(Debug)]
/// struct MyRandom;
///
/// impl SecureRandom for MyRandom {
///     fn fill(&self, dest: &mut [u8]) -> Result<(), Error> {
///         jose_rustcrypto::PROVIDER.random.fill(dest)
///     }
/// }
///
/// // Every random byte of this provider now comes from MyRandom: keys it
/// // generates, PS256 salts, CEKs, IVs, ephemeral ECDH keys.
/// let provider = Provider { random: &MyRandom, ..jose_rustcrypto::PROVIDER };
/// let key = provider.generate(JwsAlgorithm::Es256)?;
/// # Ok::<(), Error>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Provider {
    /// The backend's name, for diagnostics.
    pub name: &'static str,
    /// Key generation, checking and building.
    pub keys: &'static dyn KeyProvider,
    /// Hash functions: thumbprints, the Concat KDF, prehashing for tokens.
    pub hasher: &'static dyn Hasher,
    /// AES key wrap, for the compositions of `jose_core::key_management`.
    pub key_wrap: &'static dyn KeyWrap,
    /// The random source of every random byte the backend uses.
    pub random: &'static dyn SecureRandom,
    /// The content encryption algorithms, in preference order.
    pub content_ciphers: &'static [&'static dyn ContentCipher],
}

impl Provider {
    /// Generates a private key for an algorithm (which becomes its `alg`) or
    /// of an explicit shape: `provider.generate(JwsAlgorithm::Es256)`,
    /// `provider.generate(KeySpec::from(KeyManagementAlgorithm::EcdhEs).curve(Curve::X25519))`,
    /// `provider.generate(KeyShape::Oct { len: 32 })`.
    ///
    /// # Errors
    ///
    /// [`Error::ApiMisuse`] for a spec that does not hold together (a curve
    /// that does not fit the algorithm, `dir` without `enc`); errors of the
    /// backend's [`KeyProvider::generate`].
    pub fn generate(&self, spec: impl Into<KeySpec>) -> Result<Jwk, Error> {
        let spec = spec.into();
        let jwk = self.keys.generate(spec.shape()?, self)?;
        match spec.algorithm() {
            Some(alg) => jwk.with_alg(alg),
            None => Ok(jwk),
        }
    }

    /// Checks a key as [`KeyProvider::check`] does.
    ///
    /// # Errors
    ///
    /// As [`KeyProvider::check`].
    pub fn check(&self, jwk: &Jwk) -> Result<(), Error> {
        self.keys.check(jwk)
    }

    /// A signing key built once from a private JWK, offering the
    /// algorithms it fits.
    ///
    /// # Errors
    ///
    /// As [`KeyProvider::signing_key`].
    pub fn signing_key(&self, jwk: &Jwk) -> Result<Arc<dyn SigningKey>, Error> {
        self.keys.signing_key(jwk, self)
    }

    /// A signer for `alg` from a private JWK, in one call. It carries the
    /// JWK's `kid`, which goes in the header it signs.
    ///
    /// # Errors
    ///
    /// As [`KeyProvider::signing_key`]; [`jose_core::Policy::KeyAlgorithmMismatch`]
    /// when the key cannot sign with `alg`.
    pub fn signer(&self, jwk: &Jwk, alg: JwsAlgorithm) -> Result<Box<dyn Signer>, Error> {
        self.signing_key(jwk)?.signer(alg)
    }

    /// A verifying key built once from a JWK: a key store of one key, to
    /// pass wherever a `KeyStore` is asked for. Which algorithms it accepts
    /// is the verification's allow-list, never the token's choice.
    ///
    /// # Errors
    ///
    /// As [`KeyProvider::verifying_key`].
    pub fn verifier(&self, jwk: &Jwk) -> Result<Arc<dyn VerifyingKey>, Error> {
        self.keys.verifying_key(jwk, self)
    }

    /// An encrypting key built once from a recipient's JWK, offering the
    /// key management algorithms it fits.
    ///
    /// # Errors
    ///
    /// As [`KeyProvider::encrypting_key`].
    pub fn encrypting_key(&self, jwk: &Jwk) -> Result<Arc<dyn EncryptingKey>, Error> {
        self.keys.encrypting_key(jwk, self)
    }

    /// A key encryptor for `alg` from a recipient's JWK, in one call.
    ///
    /// # Errors
    ///
    /// As [`KeyProvider::encrypting_key`];
    /// [`jose_core::Policy::KeyAlgorithmMismatch`] when the key does not fit
    /// `alg`.
    pub fn encryptor(
        &self,
        jwk: &Jwk,
        alg: KeyManagementAlgorithm,
    ) -> Result<Box<dyn KeyEncryptor>, Error> {
        self.encrypting_key(jwk)?.key_encryptor(alg)
    }

    /// A decrypting key built once from a private or symmetric JWK: a key
    /// store of one key for JWE decryption.
    ///
    /// # Errors
    ///
    /// As [`KeyProvider::decrypting_key`].
    pub fn decryptor(&self, jwk: &Jwk) -> Result<Arc<dyn DecryptingKey>, Error> {
        self.keys.decrypting_key(jwk, self)
    }

    /// A JWK Set as a key store, every key built once.
    pub fn key_set(&self, set: &JwkSet) -> JwkSetStore {
        JwkSetStore::new(set, self)
    }

    /// The content cipher for `enc`.
    ///
    /// # Errors
    ///
    /// [`Unsupported::Algorithm`] when the provider lacks it.
    pub fn content_cipher(
        &self,
        enc: ContentEncryptionAlgorithm,
    ) -> Result<&'static dyn ContentCipher, Error> {
        self.content_ciphers
            .iter()
            .copied()
            .find(|c| c.algorithm() == enc)
            .ok_or_else(|| Error::Unsupported(Unsupported::Algorithm(enc.name().to_string())))
    }
}
