//! Which algorithms a JWK may be used with: the key's shape against the
//! table of `jose_core::key`, narrowed by its `alg`, `use` and `key_ops`
//! members (RFC 7517 sections 4.2 to 4.4).

use alloc::borrow::ToOwned;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use jose_core::{
    Algorithm, Error, JwsAlgorithm, KeyManagementAlgorithm, KeyManagementMode, KeyShape,
    MalformedReason,
};

use crate::jwk::Jwk;
use crate::key::OctKey;
use crate::params::{KeyOp, KeyUse};

impl Jwk {
    /// Whether the key's `alg` member allows `alg`. A key without `alg`
    /// allows every algorithm but those that need it named
    /// ([`KeyManagementAlgorithm::needs_named_key`]: RSA1_5). A key whose
    /// `alg` is a content encryption algorithm is a CEK for `dir` (RFC 7520
    /// section 3.6).
    pub fn allows_algorithm(&self, alg: Algorithm) -> bool {
        match self.params.alg {
            None => match alg {
                Algorithm::KeyManagement(k) => !k.needs_named_key(),
                Algorithm::Signature(_) | Algorithm::ContentEncryption(_) => true,
            },
            Some(Algorithm::ContentEncryption(_)) => {
                alg == Algorithm::KeyManagement(KeyManagementAlgorithm::Dir)
                    || self.params.alg == Some(alg)
            }
            Some(own) => own == alg,
        }
    }

    /// Checks that the key fits `alg`: key type, curve and, for symmetric
    /// keys, length (the table of [`jose_core::key`]).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidKey`] naming the mismatch.
    pub fn check_fits(&self, alg: Algorithm) -> Result<(), Error> {
        alg.requirement().check(self.shape())
    }

    /// The JWS algorithms this key may sign with: those its shape fits,
    /// narrowed to its `alg` member, and none when its `use` or `key_ops`
    /// forbid signing.
    pub fn signing_algorithms(&self) -> Vec<JwsAlgorithm> {
        self.signature_algorithms(KeyOp::Sign)
    }

    /// The JWS algorithms this key may verify with, narrowed as
    /// [`Jwk::signing_algorithms`] is, for verification.
    pub fn verification_algorithms(&self) -> Vec<JwsAlgorithm> {
        self.signature_algorithms(KeyOp::Verify)
    }

    fn signature_algorithms(&self, operation: KeyOp) -> Vec<JwsAlgorithm> {
        if !self.params.allows(operation) {
            return Vec::new();
        }
        JwsAlgorithm::fitting(self.shape())
            .filter(|a| self.allows_algorithm((*a).into()))
            .collect()
    }

    /// The JWE key management algorithms for which this key may encrypt
    /// (the sending side: a recipient's public key, or a shared key): those
    /// its shape fits, narrowed to its `alg` member and to what its `use`
    /// and `key_ops` allow ([`KeyOp::encrypting`]).
    pub fn encryption_algorithms(&self) -> Vec<KeyManagementAlgorithm> {
        self.key_management_algorithms(KeyOp::encrypting)
    }

    /// The JWE key management algorithms for which this key may decrypt
    /// (the receiving side: a private or shared key), narrowed as
    /// [`Jwk::encryption_algorithms`] is, with [`KeyOp::decrypting`].
    pub fn decryption_algorithms(&self) -> Vec<KeyManagementAlgorithm> {
        self.key_management_algorithms(KeyOp::decrypting)
    }

    fn key_management_algorithms(
        &self,
        operation: fn(KeyManagementAlgorithm) -> KeyOp,
    ) -> Vec<KeyManagementAlgorithm> {
        KeyManagementAlgorithm::fitting(self.shape())
            .filter(|a| self.allows_algorithm((*a).into()))
            .filter(|a| self.params.allows(operation(*a)))
            .collect()
    }

    /// Checks the common members against each other and against the key
    /// (RFC 7517 sections 4.2 to 4.4): no repeated `key_ops`, `use` and
    /// `key_ops` consistent, `alg` consistent with `use` and fitting the key,
    /// and a `use` the key can serve.
    pub(crate) fn check_members(&self) -> Result<(), Error> {
        if let Some(ops) = &self.params.key_ops {
            check_no_duplicate_ops(ops)?;
        }
        self.params.check_consistency()?;
        if let Some(alg) = self.params.alg {
            self.check_fits(alg)?;
        }
        // A curve serves signatures or encryption, whatever its size; RSA
        // and symmetric keys serve both (their size is checked at use).
        let KeyShape::Curve(crv) = self.shape() else {
            return Ok(());
        };
        match self.params.key_use {
            Some(KeyUse::Signature)
                if JwsAlgorithm::fitting(KeyShape::Curve(crv)).next().is_none() =>
            {
                Err(Error::invalid_key(
                    "use",
                    "is \"sig\" but the key's curve cannot sign",
                ))
            }
            Some(KeyUse::Encryption)
                if KeyManagementAlgorithm::fitting(KeyShape::Curve(crv))
                    .next()
                    .is_none() =>
            {
                Err(Error::invalid_key(
                    "use",
                    "is \"enc\" but the key's curve cannot be used for encryption",
                ))
            }
            Some(KeyUse::Signature | KeyUse::Encryption | KeyUse::Other(_)) | None => Ok(()),
        }
    }
}

impl KeyOp {
    /// The operation the sending side of `alg` performs with the key
    /// (RFC 7517 section 4.3): `encrypt` for `dir`, `deriveKey` for ECDH-ES,
    /// `wrapKey` otherwise.
    pub const fn encrypting(alg: KeyManagementAlgorithm) -> Self {
        match alg.mode() {
            KeyManagementMode::DirectEncryption => Self::Encrypt,
            KeyManagementMode::DirectKeyAgreement
            | KeyManagementMode::KeyAgreementWithKeyWrapping => Self::DeriveKey,
            KeyManagementMode::KeyEncryption | KeyManagementMode::KeyWrapping => Self::WrapKey,
        }
    }

    /// The operation the receiving side of `alg` performs with the key:
    /// `decrypt` for `dir`, `deriveKey` for ECDH-ES, `unwrapKey` otherwise.
    pub const fn decrypting(alg: KeyManagementAlgorithm) -> Self {
        match alg.mode() {
            KeyManagementMode::DirectEncryption => Self::Decrypt,
            KeyManagementMode::DirectKeyAgreement
            | KeyManagementMode::KeyAgreementWithKeyWrapping => Self::DeriveKey,
            KeyManagementMode::KeyEncryption | KeyManagementMode::KeyWrapping => Self::UnwrapKey,
        }
    }
}

fn check_no_duplicate_ops(ops: &[KeyOp]) -> Result<(), Error> {
    for (i, op) in ops.iter().enumerate() {
        if ops.iter().skip(i + 1).any(|o| o == op) {
            return Err(Error::malformed(
                "jwk \"key_ops\"",
                MalformedReason::DuplicateMember(op.as_str().to_owned()),
            ));
        }
    }
    Ok(())
}

/// A symmetric key as a JWE backend holds it: the secret, and the one
/// content encryption algorithm it is a CEK for when its JWK's `alg` names
/// one (RFC 7520 section 3.6). Every backend's `dir` goes through
/// [`SharedKey::as_cek`], so the rule lives here once.
#[derive(Clone)]
pub struct SharedKey {
    k: jose_core::Secret,
    cek_for: Option<jose_core::ContentEncryptionAlgorithm>,
}

impl SharedKey {
    /// The key `key` of a JWK whose `alg` member is `alg`.
    pub fn new(key: &OctKey, alg: Option<Algorithm>) -> Self {
        Self {
            k: key.k().clone(),
            cek_for: match alg {
                Some(Algorithm::ContentEncryption(enc)) => Some(enc),
                Some(Algorithm::Signature(_) | Algorithm::KeyManagement(_)) | None => None,
            },
        }
    }

    /// The secret.
    pub fn secret(&self) -> &jose_core::Secret {
        &self.k
    }

    /// The key as the CEK of `dir` for `enc`: of its length, and of that
    /// `enc` if the JWK named one.
    ///
    /// # Errors
    ///
    /// [`jose_core::Policy::KeyAlgorithmMismatch`] for another `enc` than the
    /// JWK's `alg`, [`Error::InvalidKey`] for a key of another length.
    pub fn as_cek(
        &self,
        enc: jose_core::ContentEncryptionAlgorithm,
    ) -> Result<zeroize::Zeroizing<Vec<u8>>, Error> {
        if self.cek_for.is_some_and(|only| only != enc) {
            return Err(Error::Policy(jose_core::Policy::KeyAlgorithmMismatch {
                requested: String::from(enc.name()),
            }));
        }
        if self.k.len() != enc.key_len() {
            return Err(Error::invalid_key("k", "has the wrong length for enc"));
        }
        Ok(zeroize::Zeroizing::new(self.k.expose().to_vec()))
    }
}

impl fmt::Debug for SharedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SharedKey")
            .field("k", &self.k)
            .field("cek_for", &self.cek_for)
            .finish()
    }
}
