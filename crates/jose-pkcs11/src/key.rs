//! [`TokenKey`]: a key on the token, found once, its handle cached; a
//! [`SigningKey`] and a [`DecryptingKey`] whose private part never leaves
//! the token.

use std::sync::{Arc, Mutex};

use cryptoki::object::{Attribute, ObjectClass, ObjectHandle};
use cryptoki::session::Session;
use jose_core::{
    ContentEncryptionAlgorithm, Curve, DecryptingKey, Error, Header, JwsAlgorithm, KeyDecryptor,
    KeyIdentity, KeyManagementAlgorithm as K, Policy, Signer, SigningKey, VerifyingKey,
};
use jose_jwk::{Jwk, KeyUse, Provider};
use zeroize::Zeroizing;

use crate::load;
use crate::token::{Fault, Token, ck};

/// What kind of key a token object is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TokenKeyKind {
    /// RSA, with the modulus size in bits.
    Rsa(usize),
    /// EC on a NIST curve.
    Ec(Curve),
    /// Ed25519.
    Ed25519,
    /// AES, with the key length in bytes.
    Aes(usize),
}

/// A key on a PKCS#11 token. Cloning shares the cached handles.
#[derive(Clone)]
pub struct TokenKey {
    pub(crate) token: Token,
    /// The object's handle and the token's handle generation it was found
    /// in; found again (by class, key type, label and CKA_ID) when the
    /// token no longer knows it or the generation moved on.
    handle: Arc<Mutex<(u64, ObjectHandle)>>,
    class: ObjectClass,
    key_type: Option<cryptoki::object::KeyType>,
    id: Vec<u8>,
    pub(crate) kind: TokenKeyKind,
    label: String,
    kid: String,
    public: Option<Jwk>,
    /// The `kid` and public key thumbprint, made once at load.
    identity: Arc<KeyIdentity>,
    sign_algs: Vec<JwsAlgorithm>,
    decrypt_algs: Vec<K>,
    /// Whether the token's CKM_RSA_PKCS_OAEP takes SHA-2 for this key,
    /// decided once at load with a ciphertext of our own.
    pub(crate) oaep_sha2: bool,
}

impl std::fmt::Debug for TokenKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenKey")
            .field("token", &self.token.label())
            .field("label", &self.label)
            .field("kind", &self.kind)
            .finish_non_exhaustive()
    }
}

impl TokenKey {
    /// Reads an object's attributes and its public key (if any), and works
    /// out once which algorithms it serves.
    pub(crate) fn load(
        token: Token,
        handle: ObjectHandle,
        class: ObjectClass,
    ) -> Result<Self, Error> {
        let generation = token.generation();
        let object = load::object(&token, handle)?;
        let public_handle = load::public_handle(&token, handle, class, &object)?;
        let (kind, public) = load::kind_and_public(&token, handle, public_handle, object.key_type)?;
        let kid = object.kid();
        let private = class == ObjectClass::PRIVATE_KEY;
        let sign_algs = load::sign_algorithms(kind, &object, private);
        let mut decrypt_algs = load::decrypt_algorithms(kind, &object, private, token.inner.rsa1_5);
        let sha2_oaep = |a: &K| matches!(a, K::RsaOaep256 | K::RsaOaep384 | K::RsaOaep512);
        let oaep_sha2 = match &public {
            Some(jwk) if decrypt_algs.iter().any(sha2_oaep) => {
                TokenKey::probe_oaep_sha2(&token, handle, jwk)
            }
            Some(_) | None => false,
        };
        // Without OAEP-SHA-2 on the token and without the raw-RSA fallback,
        // the key does not offer those algorithms at all.
        if !oaep_sha2 && !token.inner.raw_rsa_oaep {
            decrypt_algs.retain(|a| !sha2_oaep(a));
        }
        let public = match public {
            Some(jwk) if private => {
                let jwk = jwk.with_kid(kid.clone());
                match public_use(&sign_algs, &decrypt_algs) {
                    Some(key_use) => Some(jwk.with_use(key_use)?),
                    None => Some(jwk),
                }
            }
            Some(jwk) => Some(jwk.with_kid(kid.clone())),
            None => None,
        };
        if let Some(jwk) = &public {
            token.inner.software.check(jwk)?;
        }
        let identity = match &public {
            Some(jwk) => jwk.identity(&token.inner.software, 0),
            None => KeyIdentity::new(Some(kid.clone()), None, 0),
        };
        Ok(Self {
            identity: Arc::new(identity),
            sign_algs,
            decrypt_algs,
            token,
            handle: Arc::new(Mutex::new((generation, handle))),
            class,
            key_type: object.key_type,
            id: object.id,
            kind,
            label: object.label,
            kid,
            public,
            oaep_sha2,
        })
    }

    /// Runs `f` on a session with the key's object handle (see
    /// [`Token::with_session`] for broken sessions). When the token no
    /// longer knows the handle (the module was reset, the device came
    /// back, the login was lost), the login is restored if need be, the
    /// object is found again by its class, label and CKA_ID, and `f` runs
    /// once more.
    ///
    /// # Errors
    ///
    /// The outer error: the session or the object cannot be had.
    pub(crate) fn with_object<T, E: Fault>(
        &self,
        f: impl Fn(&Session, ObjectHandle) -> Result<T, E>,
    ) -> Result<Result<T, E>, Error> {
        let before = self.token.generation();
        let handle = self.current_handle(before)?;
        let result = self.token.with_session(|s| f(s, handle))?;
        let stale = self.token.generation() != before;
        match &result {
            // Every session was lost while it ran: the handle it used may
            // have named another object by then. Found again, run again.
            _ if stale => {
                let now = self.token.generation();
                let handle = self.current_handle(now)?;
                self.token.with_session(|s| f(s, handle))
            }
            Err(e) if e.handle_invalid() => {
                // A token that lost its login hides its private objects:
                // some report that as an invalid handle (SoftHSM2 does).
                self.token.heal()?;
                let now = self.token.generation();
                let found = self.find_again()?;
                *self.handle.lock().map_err(|_| poisoned())? = (now, found);
                self.token.with_session(|s| f(s, found))
            }
            Ok(_) | Err(_) => Ok(result),
        }
    }

    /// The cached handle if it is of `generation`, else the object found
    /// again (and cached).
    fn current_handle(&self, generation: u64) -> Result<ObjectHandle, Error> {
        let mut cached = self.handle.lock().map_err(|_| poisoned())?;
        if cached.0 != generation {
            *cached = (generation, self.find_again()?);
        }
        Ok(cached.1)
    }

    /// The key's object, looked up again: exactly one object of its class
    /// and key type with its label and CKA_ID. A key with neither label
    /// nor CKA_ID cannot be found again.
    fn find_again(&self) -> Result<ObjectHandle, Error> {
        if self.label.is_empty() && self.id.is_empty() {
            return Err(Error::Backend(jose_core::BackendError::new(
                "pkcs11 key",
                "the token lost the key's handle, and a key without CKA_LABEL and CKA_ID cannot be found again",
            )));
        }
        let mut template = vec![Attribute::Class(self.class)];
        if let Some(key_type) = self.key_type {
            template.push(Attribute::KeyType(key_type));
        }
        if !self.label.is_empty() {
            template.push(Attribute::Label(self.label.as_bytes().to_vec()));
        }
        if !self.id.is_empty() {
            template.push(Attribute::Id(self.id.clone()));
        }
        let found = self
            .token
            .with_session(|s| s.find_objects(&template))?
            .map_err(|e| ck("pkcs11 find", e))?;
        match found.as_slice() {
            [one] => Ok(*one),
            [] => Err(Error::Backend(jose_core::BackendError::new(
                "pkcs11 key",
                "the key is no longer on the token",
            ))),
            [_, _, ..] => Err(Error::Backend(jose_core::BackendError::new(
                "pkcs11 key",
                "several objects on the token now match the key's label and CKA_ID",
            ))),
        }
    }

    /// The software provider of the token, for what the token does not do.
    pub(crate) fn software(&self) -> &Provider {
        &self.token.inner.software
    }

    /// The key's identity: its `kid` and, for an asymmetric key, the
    /// thumbprint of its public half.
    pub fn identity(&self) -> &KeyIdentity {
        &self.identity
    }

    /// Whether RSA-OAEP with SHA-2 runs on the token for this key (`false`:
    /// through the raw-RSA fallback, if allowed, or not offered). Decided
    /// once at load with a ciphertext of our own; no message changes it.
    pub fn oaep_sha2_on_token(&self) -> bool {
        self.oaep_sha2
    }

    /// The key's kind.
    pub fn kind(&self) -> TokenKeyKind {
        self.kind
    }

    /// The key's label (CKA_LABEL).
    pub fn label(&self) -> &str {
        &self.label
    }

    /// The public JWK, with `kid` set to the label (or the hex CKA_ID of an
    /// unlabelled key), so that a JWK Set of token keys can be published.
    /// `None` for a secret key.
    pub fn public_jwk(&self) -> Option<&Jwk> {
        self.public.as_ref()
    }

    /// A signing key handle for JWS, if the key can sign.
    ///
    /// # Errors
    ///
    /// [`Error::Policy`] when the key cannot sign (its type, or CKA_SIGN).
    pub fn signing_key(&self) -> Result<Arc<dyn SigningKey>, Error> {
        if self.sign_algs.is_empty() {
            return Err(Error::Policy(Policy::KeyUseForbidden("signing")));
        }
        Ok(Arc::new(self.clone()))
    }

    /// A signer for `alg` in one call.
    ///
    /// # Errors
    ///
    /// As [`TokenKey::signing_key`]; [`Policy::KeyAlgorithmMismatch`] when
    /// the key cannot sign with `alg`.
    pub fn signer(&self, alg: JwsAlgorithm) -> Result<Box<dyn Signer>, Error> {
        self.signing_key()?.signer(alg)
    }

    /// A decrypting key handle for JWE, if the key can decrypt, unwrap or
    /// derive.
    ///
    /// # Errors
    ///
    /// [`Error::Policy`] when the key cannot be used for JWE.
    pub fn decrypting_key(&self) -> Result<Arc<dyn DecryptingKey>, Error> {
        if self.decrypt_algs.is_empty() {
            return Err(Error::Policy(Policy::KeyUseForbidden("decryption")));
        }
        Ok(Arc::new(self.clone()))
    }

    /// A verifying key for the public half, in the token's software
    /// provider.
    ///
    /// # Errors
    ///
    /// [`Error::Policy`] for a secret key, which has no public half.
    pub fn verifying_key(&self) -> Result<Arc<dyn VerifyingKey>, Error> {
        let jwk = self
            .public
            .as_ref()
            .ok_or(Error::Policy(Policy::KeyUseForbidden("verification")))?;
        self.software().verifier(jwk)
    }
}

/// What the public half of a token key may be used for, from what the
/// private half may do on the token (CKA_SIGN; CKA_DECRYPT, CKA_UNWRAP,
/// CKA_DERIVE): `sig` for a key that only signs, `enc` for one that only
/// opens JWEs. A key that does both gets no `use`: `key_ops` could say
/// `["verify", "wrapKey"]`, but WebCrypto (npm `jose`) refuses to import
/// such a JWK at all, and RFC 7517 advises one purpose per key.
fn public_use(sign: &[JwsAlgorithm], decrypt: &[K]) -> Option<KeyUse> {
    match (sign.is_empty(), decrypt.is_empty()) {
        (false, true) => Some(KeyUse::Signature),
        (true, false) => Some(KeyUse::Encryption),
        (false, false) | (true, true) => None,
    }
}

impl SigningKey for TokenKey {
    fn algorithms(&self) -> &[JwsAlgorithm] {
        &self.sign_algs
    }

    fn key_id(&self) -> Option<&str> {
        Some(&self.kid)
    }

    fn signer(&self, alg: JwsAlgorithm) -> Result<Box<dyn Signer>, Error> {
        if !self.sign_algs.contains(&alg) {
            return Err(Error::Policy(Policy::KeyAlgorithmMismatch {
                requested: alg.name().into(),
            }));
        }
        Ok(Box::new(BoundSigner {
            key: self.clone(),
            alg,
        }))
    }
}

/// A token key bound to one JWS algorithm.
#[derive(Debug)]
struct BoundSigner {
    key: TokenKey,
    alg: JwsAlgorithm,
}

impl Signer for BoundSigner {
    fn algorithm(&self) -> JwsAlgorithm {
        self.alg
    }

    fn key_id(&self) -> Option<&str> {
        Some(&self.key.kid)
    }

    fn sign(&self, signing_input: &[u8]) -> Result<Vec<u8>, Error> {
        self.key.sign_with(self.alg, signing_input)
    }
}

impl DecryptingKey for TokenKey {
    fn algorithms(&self) -> &[K] {
        &self.decrypt_algs
    }

    fn key_id(&self) -> Option<&str> {
        Some(&self.kid)
    }

    fn identity(&self) -> Arc<KeyIdentity> {
        Arc::clone(&self.identity)
    }

    fn key_decryptor(&self, alg: K) -> Result<Arc<dyn KeyDecryptor>, Error> {
        if !self.decrypt_algs.contains(&alg) {
            return Err(Error::Policy(Policy::KeyAlgorithmMismatch {
                requested: alg.name().into(),
            }));
        }
        Ok(Arc::new(BoundDecryptor {
            key: self.clone(),
            alg,
        }))
    }
}

/// A token key bound to one JWE key management algorithm.
#[derive(Debug)]
struct BoundDecryptor {
    key: TokenKey,
    alg: K,
}

impl KeyDecryptor for BoundDecryptor {
    fn algorithm(&self) -> K {
        self.alg
    }

    fn key_id(&self) -> Option<&str> {
        Some(&self.key.kid)
    }

    fn decrypt_key(
        &self,
        header: &Header,
        enc: ContentEncryptionAlgorithm,
        encrypted_key: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, Error> {
        let cek = self.key.open(header, enc, self.alg, encrypted_key)?;
        if cek.len() != enc.key_len() {
            return Err(Error::DecryptionFailed);
        }
        Ok(cek)
    }
}

fn poisoned() -> Error {
    Error::Backend(jose_core::BackendError::new(
        "pkcs11",
        "key handle lock poisoned",
    ))
}
