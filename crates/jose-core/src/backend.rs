//! The backend traits: every cryptographic operation of the format crates goes
//! through these, so that any backend can provide them.
//!
//! # One shape for software keys and token keys
//!
//! The traits never expose private key material, and every method is
//! fallible, so a key held in memory by `jose-rustcrypto` and a key that
//! never leaves a PKCS#11 token look the same to JWS and JWE code:
//!
//! | step | software key (`jose-rustcrypto`) | PKCS#11 key (`jose-pkcs11`) |
//! | --- | --- | --- |
//! | load | parse a JWK once into a ready key (RSA, P-256, ...) | find the object by `pkcs11:` URI once, cache its handle |
//! | negotiate | [`SigningKey::algorithms`] from the key type and the JWK's `alg` | from the key type and the mechanisms the token offers |
//! | bind | [`SigningKey::signer`] returns a [`Signer`] bound to one `alg` | the same, bound to one mechanism |
//! | use | [`Signer::sign`] computes in memory | hashes in software where needed, `C_Sign` on a pooled session |
//! | fail | `Error::InvalidKey` at load, never at use | `Error::Backend` for PIN, session, unplugged token |
//!
//! For JWE, a token usually holds only the recipient's private key, so key
//! management is split by direction: a [`KeyEncryptor`] needs only public or
//! shared material (it can always be a software key), a [`KeyDecryptor`] can
//! be a token key (RSA decrypt, AES unwrap, ECDH derive on the token, the
//! Concat KDF in software). Content encryption ([`ContentCipher`]) always runs
//! in software on the CEK.
//!
//! # Threads and async
//!
//! Every trait is object-safe and `Send + Sync + Debug`, so `Box<dyn Signer>`
//! and `Arc<dyn KeyStore>` cross threads. The traits are synchronous because
//! PKCS#11 is; a remote signer (a cloud KMS) can be wrapped in a blocking
//! adapter today, and a later `async` feature will add async twins with a
//! blanket implementation over these traits, as `signature::AsyncSigner` does.
//!
//! # Writing a backend
//!
//! Nothing here is sealed: implement the traits for your own types. Return
//! [`Error::BadSignature`] or [`Error::DecryptionFailed`] for every
//! cryptographic failure, whatever its cause, and [`Error::Backend`] only for
//! failures of the device or service itself.

use alloc::boxed::Box;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::fmt::Debug;

use zeroize::Zeroizing;

use crate::alg::{ContentEncryptionAlgorithm, JwsAlgorithm, KeyManagementAlgorithm};
use crate::error::{Error, Policy};
use crate::header::Header;
use crate::json::Object;

/// Produces JWS signatures with one key and one algorithm.
///
/// Obtained from a [`SigningKey`], which binds it to one `alg`; the header's
/// `alg` and `kid` are taken from here, never guessed by the caller.
pub trait Signer: Send + Sync + Debug {
    /// The algorithm this signer is bound to.
    fn algorithm(&self) -> JwsAlgorithm;

    /// The key ID to put in the header, if the key has one.
    fn key_id(&self) -> Option<&str>;

    /// Signs the JWS signing input (`BASE64URL(header) || '.' || payload`).
    /// The result has the algorithm's JWS form: fixed-length `R || S` for
    /// ECDSA, the raw MAC for HMAC.
    ///
    /// # Errors
    ///
    /// [`Error::Backend`] when a device or service fails.
    fn sign(&self, signing_input: &[u8]) -> Result<Vec<u8>, Error>;
}

/// Checks JWS signatures with one key and one algorithm.
pub trait Verifier: Send + Sync + Debug {
    /// The algorithm this verifier is bound to.
    fn algorithm(&self) -> JwsAlgorithm;

    /// The key ID of the key, if it has one.
    fn key_id(&self) -> Option<&str>;

    /// Verifies `signature` over `signing_input`. MACs are compared in
    /// constant time; ECDSA signatures must be fixed-length `R || S`.
    ///
    /// # Errors
    ///
    /// [`Error::BadSignature`] for any signature that does not verify,
    /// whatever the reason; [`Error::Backend`] when a device fails.
    fn verify(&self, signing_input: &[u8], signature: &[u8]) -> Result<(), Error>;
}

/// A key handle that can sign: it says which algorithms it supports and
/// hands out [`Signer`]s bound to one of them (rustls' `choose_scheme`).
pub trait SigningKey: Send + Sync + Debug {
    /// The algorithms this key can sign with, most preferred first. A key with
    /// a JWK `alg` member offers only that algorithm.
    fn algorithms(&self) -> &[JwsAlgorithm];

    /// The key ID, if the key has one.
    fn key_id(&self) -> Option<&str>;

    /// A signer bound to `alg`.
    ///
    /// # Errors
    ///
    /// [`Policy::KeyAlgorithmMismatch`] when the key cannot sign with `alg`.
    fn signer(&self, alg: JwsAlgorithm) -> Result<Box<dyn Signer>, Error>;

    /// The first of the key's algorithms that is in `allowed`, bound to a
    /// signer.
    ///
    /// # Errors
    ///
    /// [`Policy::NoMatchingKey`] when no algorithm is in both lists.
    fn choose_signer(&self, allowed: &[JwsAlgorithm]) -> Result<Box<dyn Signer>, Error> {
        let alg = self
            .algorithms()
            .iter()
            .find(|a| allowed.contains(a))
            .ok_or(Error::Policy(Policy::NoMatchingKey))?;
        self.signer(*alg)
    }
}

/// A key handle that can verify: it says which algorithms it supports and
/// hands out [`Verifier`]s bound to one of them. Cheap to call repeatedly:
/// the parsed key is shared, never parsed again.
pub trait VerifyingKey: Send + Sync + Debug {
    /// The algorithms this key can verify, most preferred first. A key with a
    /// JWK `alg` member offers only that algorithm.
    fn algorithms(&self) -> &[JwsAlgorithm];

    /// The key ID, if the key has one.
    fn key_id(&self) -> Option<&str>;

    /// A verifier bound to `alg`.
    ///
    /// # Errors
    ///
    /// [`Policy::KeyAlgorithmMismatch`] when the key cannot verify `alg`.
    fn verifier(&self, alg: JwsAlgorithm) -> Result<Arc<dyn Verifier>, Error>;

    /// The key's identity, for a store of this one key. The default is its
    /// `kid` alone, made anew on each call; backends build it once, with
    /// the thumbprint.
    fn identity(&self) -> Arc<KeyIdentity> {
        Arc::new(KeyIdentity::new(self.key_id().map(String::from), None, 0))
    }
}

/// A key handle that can receive JWEs: it hands out [`KeyDecryptor`]s bound
/// to one key management algorithm.
pub trait DecryptingKey: Send + Sync + Debug {
    /// The key management algorithms this key supports, most preferred first.
    fn algorithms(&self) -> &[KeyManagementAlgorithm];

    /// The key ID, if the key has one.
    fn key_id(&self) -> Option<&str>;

    /// A key decryptor bound to `alg`.
    ///
    /// # Errors
    ///
    /// [`Policy::KeyAlgorithmMismatch`] when the key cannot be used with `alg`.
    fn key_decryptor(&self, alg: KeyManagementAlgorithm) -> Result<Arc<dyn KeyDecryptor>, Error>;

    /// The key's identity, for a store of this one key. The default is its
    /// `kid` alone, made anew on each call; backends build it once, with
    /// the thumbprint.
    fn identity(&self) -> Arc<KeyIdentity> {
        Arc::new(KeyIdentity::new(self.key_id().map(String::from), None, 0))
    }
}

/// A key handle that can address JWEs to its owner: it hands out
/// [`KeyEncryptor`]s bound to one key management algorithm.
pub trait EncryptingKey: Send + Sync + Debug {
    /// The key management algorithms this key supports, most preferred first.
    fn algorithms(&self) -> &[KeyManagementAlgorithm];

    /// The key ID, if the key has one.
    fn key_id(&self) -> Option<&str>;

    /// A key encryptor bound to `alg`.
    ///
    /// # Errors
    ///
    /// [`Policy::KeyAlgorithmMismatch`] when the key cannot be used with `alg`.
    fn key_encryptor(&self, alg: KeyManagementAlgorithm) -> Result<Box<dyn KeyEncryptor>, Error>;
}

/// The result of key management for one JWE recipient. `Debug` never shows
/// the CEK.
#[derive(Default)]
#[non_exhaustive]
pub struct WrappedKey {
    /// The JWE Encrypted Key (empty for `dir` and `ECDH-ES`).
    pub encrypted_key: Vec<u8>,
    /// For direct modes (`dir`, `ECDH-ES`) the CEK that the algorithm
    /// determined; `None` when the proposed CEK was wrapped.
    pub cek: Option<Zeroizing<Vec<u8>>>,
    /// Header parameters the algorithm adds: `epk`, `iv` and `tag` for AES-GCM
    /// key wrap, `p2s` and `p2c` for PBES2.
    pub header: Object,
}

impl Debug for WrappedKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("WrappedKey")
            .field("encrypted_key", &self.encrypted_key)
            .field("cek", &self.cek.as_ref().map(|_| "***"))
            .field("header", &self.header)
            .finish()
    }
}

impl WrappedKey {
    /// A result that wraps the proposed CEK into `encrypted_key`.
    pub fn wrapped(encrypted_key: Vec<u8>, header: Object) -> Self {
        Self {
            encrypted_key,
            cek: None,
            header,
        }
    }

    /// A result of a direct mode, which determines the CEK itself.
    pub fn direct(cek: Zeroizing<Vec<u8>>, header: Object) -> Self {
        Self {
            encrypted_key: Vec::new(),
            cek: Some(cek),
            header,
        }
    }
}

/// Key management for JWE, sending side: wraps or agrees a CEK for one
/// recipient. Needs only the recipient's public (or shared) key.
pub trait KeyEncryptor: Send + Sync + Debug {
    /// The key management algorithm.
    fn algorithm(&self) -> KeyManagementAlgorithm;

    /// The recipient's key ID, if known.
    fn key_id(&self) -> Option<&str>;

    /// Wraps `cek` (a fresh random key of `enc`'s length) for the recipient,
    /// or, for direct modes, ignores it and returns the CEK it determines.
    /// `header` is the joint header built so far: it carries parameters the
    /// caller chose, such as `apu`/`apv` for ECDH-ES or `p2c` for PBES2.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidKey`] when the key does not fit `enc` (a `dir` key of
    /// the wrong length); [`Error::Backend`] on device failure.
    fn encrypt_key(
        &self,
        header: &Header,
        enc: ContentEncryptionAlgorithm,
        cek: &[u8],
    ) -> Result<WrappedKey, Error>;
}

/// Key management for JWE, receiving side: recovers the CEK. May be a key on
/// a hardware token.
pub trait KeyDecryptor: Send + Sync + Debug {
    /// The key management algorithm.
    fn algorithm(&self) -> KeyManagementAlgorithm;

    /// The key ID, if the key has one.
    fn key_id(&self) -> Option<&str>;

    /// Recovers the CEK for `enc` from the joint `header` (which holds `epk`,
    /// `iv`/`tag`, `p2s`/`p2c` as the algorithm needs) and the encrypted key.
    ///
    /// RSA1_5 implementations must not be padding oracles: on any failure
    /// they return a random CEK of `enc`'s length (RFC 7516 section 11.5), so
    /// the failure surfaces later as the same [`Error::DecryptionFailed`].
    ///
    /// # Errors
    ///
    /// [`Error::DecryptionFailed`] for any cryptographic failure;
    /// [`Error::Malformed`] or [`Error::Policy`] for header parameters that
    /// are missing or out of bounds (`p2c` above the limit, `epk` on another
    /// curve); [`Error::Backend`] on device failure.
    fn decrypt_key(
        &self,
        header: &Header,
        enc: ContentEncryptionAlgorithm,
        encrypted_key: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, Error>;
}

/// Ciphertext and authentication tag from [`ContentCipher::encrypt`].
#[derive(Debug)]
#[non_exhaustive]
pub struct EncryptedContent {
    /// The JWE Ciphertext.
    pub ciphertext: Vec<u8>,
    /// The JWE Authentication Tag.
    pub tag: Vec<u8>,
}

impl EncryptedContent {
    /// Bundles a ciphertext and its tag.
    pub fn new(ciphertext: Vec<u8>, tag: Vec<u8>) -> Self {
        Self { ciphertext, tag }
    }
}

/// A JWE content encryption algorithm (`enc`), AEAD-style.
pub trait ContentCipher: Send + Sync + Debug {
    /// The algorithm.
    fn algorithm(&self) -> ContentEncryptionAlgorithm;

    /// Encrypts `plaintext` under `cek` and `iv`, authenticating `aad`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidKey`] for a CEK of the wrong length,
    /// [`Error::ApiMisuse`] for an IV of the wrong length.
    fn encrypt(
        &self,
        cek: &[u8],
        iv: &[u8],
        aad: &[u8],
        plaintext: &[u8],
    ) -> Result<EncryptedContent, Error>;

    /// Checks the tag and decrypts.
    ///
    /// # Errors
    ///
    /// [`Error::DecryptionFailed`] for any failure, including wrong IV, CEK or
    /// tag lengths, so that no failure can be told from another.
    fn decrypt(
        &self,
        cek: &[u8],
        iv: &[u8],
        aad: &[u8],
        ciphertext: &[u8],
        tag: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, Error>;
}

/// Which key verified or decrypted a message, as `Verified`, `Decrypted`
/// and `Jwt` report it: what an application binds an issuer to.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct KeyIdentity {
    /// The key's `kid`, if it has one.
    pub kid: Option<String>,
    /// The RFC 7638 SHA-256 thumbprint of the public key; `None` for a
    /// symmetric key (its thumbprint would be a hash of the secret) and for
    /// a key whose store computes none.
    pub thumbprint: Option<[u8; 32]>,
    /// The key's position in its store: in a JWK Set's `keys` array, among
    /// a token's keys; 0 for a store of one key.
    pub index: usize,
}

impl KeyIdentity {
    /// An identity from its parts.
    pub fn new(kid: Option<String>, thumbprint: Option<[u8; 32]>, index: usize) -> Self {
        Self {
            kid,
            thumbprint,
            index,
        }
    }
}

/// A key that a store offers for one message, with its identity.
#[derive(Debug)]
#[non_exhaustive]
pub struct Candidate<T: ?Sized> {
    /// The verifier or key decryptor.
    pub key: Arc<T>,
    /// Which key of the store it is.
    pub identity: Arc<KeyIdentity>,
}

impl<T: ?Sized> Candidate<T> {
    /// A candidate from its parts.
    pub fn new(key: Arc<T>, identity: Arc<KeyIdentity>) -> Self {
        Self { key, identity }
    }
}

impl<T: ?Sized> Clone for Candidate<T> {
    fn clone(&self) -> Self {
        Self {
            key: Arc::clone(&self.key),
            identity: Arc::clone(&self.identity),
        }
    }
}

/// Finds the keys that may verify or decrypt a message.
///
/// A JWK Set is a key store (`jose_jwk::JwkSetStore`), a PKCS#11 token is
/// one, and users can write their own (a cache in front of a JWKS URL).
/// Implementations return only keys that may be used for `alg`: the
/// caller has already checked `alg` against its allow-list, and the store
/// checks it against each key's type, `alg`, `use` and `key_ops`.
///
/// A store of several keys that is given a header with a `kid` offers the
/// keys with that `kid` only: a key without `kid` (another tenant's, say)
/// is not tried unless the store was told to (`jose_jwk::JwkSetStore`
/// says how). A store of one key (a `VerifyingKey` or `DecryptingKey`
/// given directly) is the caller's choice of key: it refuses a header
/// naming another `kid`, and serves one naming any `kid` when it has none.
pub trait KeyStore: Send + Sync + Debug {
    /// Verifiers for a JWS signature with algorithm `alg` and this header,
    /// each with the identity of its key.
    ///
    /// # Errors
    ///
    /// [`Error::Backend`] when the store cannot be read.
    fn verifiers(
        &self,
        alg: JwsAlgorithm,
        header: &Header,
    ) -> Result<Vec<Candidate<dyn Verifier>>, Error>;

    /// Key decryptors for a JWE recipient with algorithm `alg` and this
    /// joint header, each with the identity of its key.
    ///
    /// # Errors
    ///
    /// [`Error::Backend`] when the store cannot be read.
    fn key_decryptors(
        &self,
        alg: KeyManagementAlgorithm,
        header: &Header,
    ) -> Result<Vec<Candidate<dyn KeyDecryptor>>, Error>;
}

/// One verifying key is a key store of one key: it offers itself when it
/// supports the algorithm and, if the header names a `kid`, has that `kid`.
impl KeyStore for dyn VerifyingKey {
    fn verifiers(
        &self,
        alg: JwsAlgorithm,
        header: &Header,
    ) -> Result<Vec<Candidate<dyn Verifier>>, Error> {
        if !kid_fits(header, self.key_id()) || !self.algorithms().contains(&alg) {
            return Ok(Vec::new());
        }
        Ok(alloc::vec![Candidate::new(
            self.verifier(alg)?,
            self.identity()
        )])
    }

    fn key_decryptors(
        &self,
        _: KeyManagementAlgorithm,
        _: &Header,
    ) -> Result<Vec<Candidate<dyn KeyDecryptor>>, Error> {
        Ok(Vec::new())
    }
}

/// One decrypting key is a key store of one key.
impl KeyStore for dyn DecryptingKey {
    fn verifiers(
        &self,
        _: JwsAlgorithm,
        _: &Header,
    ) -> Result<Vec<Candidate<dyn Verifier>>, Error> {
        Ok(Vec::new())
    }

    fn key_decryptors(
        &self,
        alg: KeyManagementAlgorithm,
        header: &Header,
    ) -> Result<Vec<Candidate<dyn KeyDecryptor>>, Error> {
        if !kid_fits(header, self.key_id()) || !self.algorithms().contains(&alg) {
            return Ok(Vec::new());
        }
        Ok(alloc::vec![Candidate::new(
            self.key_decryptor(alg)?,
            self.identity()
        )])
    }
}

/// Whether the one key of a store, with `kid`, may serve a message whose
/// header names one: not when the two differ.
fn kid_fits(header: &Header, kid: Option<&str>) -> bool {
    match (header.kid.as_deref(), kid) {
        (Some(wanted), Some(have)) => wanted == have,
        _ => true,
    }
}

/// Several key stores searched in order: the candidates of the first come
/// first. A `Vec<Box<dyn KeyStore>>` chains stores of different kinds (a
/// JWK Set and a token, say).
impl<S: KeyStore> KeyStore for [S] {
    fn verifiers(
        &self,
        alg: JwsAlgorithm,
        header: &Header,
    ) -> Result<Vec<Candidate<dyn Verifier>>, Error> {
        let mut out = Vec::new();
        for store in self {
            out.extend(store.verifiers(alg, header)?);
        }
        Ok(out)
    }

    fn key_decryptors(
        &self,
        alg: KeyManagementAlgorithm,
        header: &Header,
    ) -> Result<Vec<Candidate<dyn KeyDecryptor>>, Error> {
        let mut out = Vec::new();
        for store in self {
            out.extend(store.key_decryptors(alg, header)?);
        }
        Ok(out)
    }
}

/// As for a slice of stores.
impl<S: KeyStore> KeyStore for Vec<S> {
    fn verifiers(
        &self,
        alg: JwsAlgorithm,
        header: &Header,
    ) -> Result<Vec<Candidate<dyn Verifier>>, Error> {
        self.as_slice().verifiers(alg, header)
    }

    fn key_decryptors(
        &self,
        alg: KeyManagementAlgorithm,
        header: &Header,
    ) -> Result<Vec<Candidate<dyn KeyDecryptor>>, Error> {
        self.as_slice().key_decryptors(alg, header)
    }
}

/// Forwards every method of a trait through a smart pointer or reference,
/// so that `&signer` works where `signer` is a `Box<dyn Signer>` and a
/// `Vec<Box<dyn KeyStore>>` is a key store.
macro_rules! forward {
    ($trait:ident for [$($ptr:ty),+] $methods:tt) => {
        $( forward!(@impl $trait, $ptr, $methods); )+
    };
    (@impl $trait:ident, $ptr:ty, {
        $( fn $m:ident(&self $(, $arg:ident: $ty:ty)*) -> $ret:ty; )+
    }) => {
        impl<T: $trait + ?Sized> $trait for $ptr {
            $( fn $m(&self $(, $arg: $ty)*) -> $ret { (**self).$m($($arg),*) } )+
        }
    };
}

forward!(Signer for [&T, Box<T>, Arc<T>] {
    fn algorithm(&self) -> JwsAlgorithm;
    fn key_id(&self) -> Option<&str>;
    fn sign(&self, signing_input: &[u8]) -> Result<Vec<u8>, Error>;
});

forward!(Verifier for [&T, Box<T>, Arc<T>] {
    fn algorithm(&self) -> JwsAlgorithm;
    fn key_id(&self) -> Option<&str>;
    fn verify(&self, signing_input: &[u8], signature: &[u8]) -> Result<(), Error>;
});

forward!(SigningKey for [&T, Box<T>, Arc<T>] {
    fn algorithms(&self) -> &[JwsAlgorithm];
    fn key_id(&self) -> Option<&str>;
    fn signer(&self, alg: JwsAlgorithm) -> Result<Box<dyn Signer>, Error>;
});

forward!(VerifyingKey for [&T, Box<T>, Arc<T>] {
    fn algorithms(&self) -> &[JwsAlgorithm];
    fn key_id(&self) -> Option<&str>;
    fn verifier(&self, alg: JwsAlgorithm) -> Result<Arc<dyn Verifier>, Error>;
    fn identity(&self) -> Arc<KeyIdentity>;
});

forward!(EncryptingKey for [&T, Box<T>, Arc<T>] {
    fn algorithms(&self) -> &[KeyManagementAlgorithm];
    fn key_id(&self) -> Option<&str>;
    fn key_encryptor(&self, alg: KeyManagementAlgorithm) -> Result<Box<dyn KeyEncryptor>, Error>;
});

forward!(DecryptingKey for [&T, Box<T>, Arc<T>] {
    fn algorithms(&self) -> &[KeyManagementAlgorithm];
    fn key_id(&self) -> Option<&str>;
    fn key_decryptor(&self, alg: KeyManagementAlgorithm) -> Result<Arc<dyn KeyDecryptor>, Error>;
    fn identity(&self) -> Arc<KeyIdentity>;
});

forward!(KeyEncryptor for [&T, Box<T>, Arc<T>] {
    fn algorithm(&self) -> KeyManagementAlgorithm;
    fn key_id(&self) -> Option<&str>;
    fn encrypt_key(
        &self,
        header: &Header,
        enc: ContentEncryptionAlgorithm,
        cek: &[u8]
    ) -> Result<WrappedKey, Error>;
});

forward!(KeyDecryptor for [&T, Box<T>, Arc<T>] {
    fn algorithm(&self) -> KeyManagementAlgorithm;
    fn key_id(&self) -> Option<&str>;
    fn decrypt_key(
        &self,
        header: &Header,
        enc: ContentEncryptionAlgorithm,
        encrypted_key: &[u8]
    ) -> Result<Zeroizing<Vec<u8>>, Error>;
});

forward!(KeyStore for [&T, Box<T>, Arc<T>] {
    fn verifiers(
        &self,
        alg: JwsAlgorithm,
        header: &Header
    ) -> Result<Vec<Candidate<dyn Verifier>>, Error>;
    fn key_decryptors(
        &self,
        alg: KeyManagementAlgorithm,
        header: &Header
    ) -> Result<Vec<Candidate<dyn KeyDecryptor>>, Error>;
});

/// A source of cryptographically secure random bytes.
pub trait SecureRandom: Send + Sync + Debug {
    /// Fills `dest` with random bytes.
    ///
    /// # Errors
    ///
    /// [`Error::Backend`] when the source fails.
    fn fill(&self, dest: &mut [u8]) -> Result<(), Error>;
}

/// Hash functions the format crates need (JWK thumbprints, `x5t`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum HashAlgorithm {
    /// SHA-1, only for `x5t` certificate thumbprints.
    Sha1,
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
}

impl HashAlgorithm {
    /// The name used in thumbprint URIs (RFC 9278, IANA "Named Information
    /// Hash Algorithm Registry").
    pub const fn name(self) -> &'static str {
        match self {
            Self::Sha1 => "sha-1",
            Self::Sha256 => "sha-256",
            Self::Sha384 => "sha-384",
            Self::Sha512 => "sha-512",
        }
    }

    /// The digest length in bytes.
    pub const fn output_len(self) -> usize {
        match self {
            Self::Sha1 => 20,
            Self::Sha256 => 32,
            Self::Sha384 => 48,
            Self::Sha512 => 64,
        }
    }
}

/// A hash function provider.
pub trait Hasher: Send + Sync + Debug {
    /// The digest of `data` with `alg`.
    ///
    /// # Errors
    ///
    /// [`Error::Unsupported`] when the backend lacks `alg`.
    fn hash(&self, alg: HashAlgorithm, data: &[u8]) -> Result<Vec<u8>, Error>;
}

/// AES Key Wrap (RFC 3394) under a key-encryption key held in memory.
///
/// The primitive that the compositions of [`crate::key_management`] wrap
/// CEKs with, so that a backend which derives a key-encryption key but has
/// no AES of its own (a token doing ECDH-ES, whose derived key comes back to
/// memory) takes it from a software provider.
pub trait KeyWrap: Send + Sync + Debug {
    /// Wraps `key` (at least 16 bytes, a multiple of 8) under `kek` (16, 24
    /// or 32 bytes).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidKey`] for a KEK of another length,
    /// [`Error::ApiMisuse`] for a key that cannot be wrapped,
    /// [`Error::Unsupported`] when the backend lacks AES.
    fn wrap_key(&self, kek: &[u8], key: &[u8]) -> Result<Vec<u8>, Error>;

    /// Unwraps `wrapped` under `kek`, checking its integrity.
    ///
    /// # Errors
    ///
    /// [`Error::DecryptionFailed`] for every failure, whatever its cause;
    /// [`Error::Unsupported`] when the backend lacks AES.
    fn unwrap_key(&self, kek: &[u8], wrapped: &[u8]) -> Result<Zeroizing<Vec<u8>>, Error>;
}

#[cfg(test)]
mod tests {
    use super::*;

    // The traits must stay object-safe and thread-safe.
    #[allow(clippy::too_many_arguments)]
    fn _object_safe(
        _: &dyn Signer,
        _: &dyn Verifier,
        _: &dyn SigningKey,
        _: &dyn VerifyingKey,
        _: &dyn DecryptingKey,
        _: &dyn EncryptingKey,
        _: &dyn KeyEncryptor,
        _: &dyn KeyDecryptor,
        _: &dyn ContentCipher,
        _: &dyn KeyStore,
        _: &dyn SecureRandom,
        _: &dyn Hasher,
        _: &dyn KeyWrap,
    ) {
    }

    fn assert_send_sync<T: Send + Sync + ?Sized>() {}

    #[test]
    fn trait_objects_cross_threads() {
        assert_send_sync::<Box<dyn Signer>>();
        assert_send_sync::<Arc<dyn KeyStore>>();
        assert_send_sync::<Arc<dyn KeyDecryptor>>();
    }

    #[derive(Debug)]
    struct TwoAlgs;

    impl SigningKey for TwoAlgs {
        fn algorithms(&self) -> &[JwsAlgorithm] {
            &[JwsAlgorithm::Ps256, JwsAlgorithm::Rs256]
        }
        fn key_id(&self) -> Option<&str> {
            None
        }
        fn signer(&self, alg: JwsAlgorithm) -> Result<Box<dyn Signer>, Error> {
            Err(Error::Policy(Policy::KeyAlgorithmMismatch {
                requested: alg.name().into(),
            }))
        }
    }

    #[test]
    fn choose_signer_intersects_with_the_allow_list() {
        let key = TwoAlgs;
        assert_eq!(
            key.choose_signer(&[JwsAlgorithm::Es256]).unwrap_err(),
            Error::Policy(Policy::NoMatchingKey)
        );
        // Rs256 is allowed, so the key is asked for Rs256 (and refuses here).
        assert_eq!(
            key.choose_signer(&[JwsAlgorithm::Rs256]).unwrap_err(),
            Error::Policy(Policy::KeyAlgorithmMismatch {
                requested: "RS256".into()
            })
        );
    }
}
