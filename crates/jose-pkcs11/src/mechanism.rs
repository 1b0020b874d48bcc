//! The JOSE algorithms on the token: which mechanism each one uses, and
//! the steps around it that run in the software provider (hashing before
//! `CKM_ECDSA`, the Concat KDF and AES key wrap after ECDH, RSA1_5's random
//! CEK, OAEP decoding after raw RSA).

use cryptoki::mechanism::eddsa::{EddsaParams, EddsaSignatureScheme};
use cryptoki::mechanism::elliptic_curve::{EcKdf, Ecdh1DeriveParams};
use cryptoki::mechanism::rsa::{PkcsMgfType, PkcsOaepParams, PkcsOaepSource, PkcsPssParams};
use cryptoki::mechanism::{Mechanism, MechanismType};
use cryptoki::object::{Attribute, AttributeType, KeyType, ObjectClass, ObjectHandle};
use jose_core::key_management::{ecdh_es_decrypt, rsa1_5_cek, rsa1_5_random_cek};
use jose_core::{
    ContentEncryptionAlgorithm, Error, HashAlgorithm, Header, JwsAlgorithm,
    KeyManagementAlgorithm as K, KeyManagementMode, Policy, Unsupported,
};
use jose_jwk::{Jwk, Key};
use zeroize::Zeroizing;

use crate::key::{TokenKey, TokenKeyKind};
use crate::load::Object;
use crate::token::{Fault, SessionFault, Token, ck, ck_with};

/// Whether this crate signs with `alg` on a token (the mechanisms of
/// [`TokenKey::sign_with`]). HMAC on a token is not offered.
pub(crate) fn signs(alg: JwsAlgorithm) -> bool {
    use JwsAlgorithm as A;
    match alg {
        A::Rs256 | A::Rs384 | A::Rs512 | A::Ps256 | A::Ps384 | A::Ps512 => true,
        A::Es256 | A::Es384 | A::Es512 | A::EdDsa | A::Ed25519 => true,
        // HMAC, ES256K (no secp256k1 here) and algorithms added later.
        _ => false,
    }
}

/// Whether this crate opens `alg` with a token key of `kind` whose
/// attributes are `object` (the mechanisms of `TokenKey::open`).
pub(crate) fn opens(kind: TokenKeyKind, alg: K, object: &Object, private: bool) -> bool {
    match alg.mode() {
        KeyManagementMode::KeyEncryption => private && object.can_decrypt,
        KeyManagementMode::DirectKeyAgreement | KeyManagementMode::KeyAgreementWithKeyWrapping => {
            private && object.can_derive && matches!(kind, TokenKeyKind::Ec(_))
        }
        // AES key wrap; AES-GCM key wrap and PBES2 are not done on a token.
        KeyManagementMode::KeyWrapping => {
            object.can_unwrap && matches!(alg, K::A128Kw | K::A192Kw | K::A256Kw)
        }
        // A `dir` CEK would have to leave the token.
        KeyManagementMode::DirectEncryption => false,
    }
}

fn pss(hash: MechanismType, mgf: PkcsMgfType, len: u64) -> PkcsPssParams {
    PkcsPssParams {
        hash_alg: hash,
        mgf,
        s_len: len.into(),
    }
}

impl TokenKey {
    /// Signs on the token with the mechanism of `alg`.
    pub(crate) fn sign_with(&self, alg: JwsAlgorithm, input: &[u8]) -> Result<Vec<u8>, Error> {
        // Hash in software: SoftHSM has no CKM_ECDSA_SHA* (README gotcha 1).
        let prehash = |hash: HashAlgorithm| self.software().hasher.hash(hash, input);
        let (mechanism, data): (Mechanism<'_>, Vec<u8>) = match alg {
            JwsAlgorithm::Rs256 => (Mechanism::Sha256RsaPkcs, input.to_vec()),
            JwsAlgorithm::Rs384 => (Mechanism::Sha384RsaPkcs, input.to_vec()),
            JwsAlgorithm::Rs512 => (Mechanism::Sha512RsaPkcs, input.to_vec()),
            JwsAlgorithm::Ps256 => (
                Mechanism::Sha256RsaPkcsPss(pss(
                    MechanismType::SHA256,
                    PkcsMgfType::MGF1_SHA256,
                    32,
                )),
                input.to_vec(),
            ),
            JwsAlgorithm::Ps384 => (
                Mechanism::Sha384RsaPkcsPss(pss(
                    MechanismType::SHA384,
                    PkcsMgfType::MGF1_SHA384,
                    48,
                )),
                input.to_vec(),
            ),
            JwsAlgorithm::Ps512 => (
                Mechanism::Sha512RsaPkcsPss(pss(
                    MechanismType::SHA512,
                    PkcsMgfType::MGF1_SHA512,
                    64,
                )),
                input.to_vec(),
            ),
            JwsAlgorithm::Es256 => (Mechanism::Ecdsa, prehash(HashAlgorithm::Sha256)?),
            JwsAlgorithm::Es384 => (Mechanism::Ecdsa, prehash(HashAlgorithm::Sha384)?),
            JwsAlgorithm::Es512 => (Mechanism::Ecdsa, prehash(HashAlgorithm::Sha512)?),
            JwsAlgorithm::EdDsa | JwsAlgorithm::Ed25519 => (
                Mechanism::Eddsa(EddsaParams::new(EddsaSignatureScheme::Pure)),
                input.to_vec(),
            ),
            other => {
                return Err(Error::Policy(Policy::KeyAlgorithmMismatch {
                    requested: other.name().into(),
                }));
            }
        };
        let signature = self
            .with_object(|s, key| s.sign(&mechanism, key, &data))?
            .map_err(|e| ck_with("pkcs11 sign", Some(mechanism.mechanism_type()), e))?;
        // CKM_ECDSA already gives fixed-length r || s: check, never re-encode.
        if let (TokenKeyKind::Ec(crv), Mechanism::Ecdsa) = (self.kind, &mechanism) {
            if signature.len() != 2 * crv.coordinate_len() {
                return Err(Error::Backend(jose_core::BackendError::new(
                    "pkcs11 sign",
                    "the token returned an ECDSA signature of the wrong length",
                )));
            }
        }
        Ok(signature)
    }

    /// Recovers the CEK of one JWE recipient on the token.
    pub(crate) fn open(
        &self,
        header: &Header,
        enc: ContentEncryptionAlgorithm,
        alg: K,
        ek: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, Error> {
        match alg {
            K::Rsa1_5 => {
                // Never a padding oracle: a random CEK on any failure.
                let random = rsa1_5_random_cek(self.software().random, enc)?;
                let decrypted = self
                    .with_object(|s, key| s.decrypt(&Mechanism::RsaPkcs, key, ek))?
                    .ok()
                    .map(Zeroizing::new)
                    .unwrap_or_default();
                Ok(rsa1_5_cek(random, &decrypted))
            }
            K::RsaOaep | K::RsaOaep256 | K::RsaOaep384 | K::RsaOaep512 => self.oaep(ek, alg),
            K::A128Kw | K::A192Kw | K::A256Kw => self.read_secret(|s, key| {
                s.unwrap_key(&Mechanism::AesKeyWrap, key, ek, &extractable_template(None))
            }),
            K::EcdhEs | K::EcdhEsA128Kw | K::EcdhEsA192Kw | K::EcdhEsA256Kw => {
                self.ecdh(header, enc, alg, ek)
            }
            other => Err(Error::Policy(Policy::KeyAlgorithmMismatch {
                requested: other.name().into(),
            })),
        }
    }

    /// RSA-OAEP on the token, or with raw RSA and software decoding when
    /// the token lacks OAEP with SHA-2 and the fallback is allowed.
    fn oaep(&self, ek: &[u8], alg: K) -> Result<Zeroizing<Vec<u8>>, Error> {
        let (hash, mgf, soft) = match alg {
            K::RsaOaep => (
                MechanismType::SHA1,
                PkcsMgfType::MGF1_SHA1,
                HashAlgorithm::Sha1,
            ),
            K::RsaOaep256 => (
                MechanismType::SHA256,
                PkcsMgfType::MGF1_SHA256,
                HashAlgorithm::Sha256,
            ),
            K::RsaOaep384 => (
                MechanismType::SHA384,
                PkcsMgfType::MGF1_SHA384,
                HashAlgorithm::Sha384,
            ),
            K::RsaOaep512 => (
                MechanismType::SHA512,
                PkcsMgfType::MGF1_SHA512,
                HashAlgorithm::Sha512,
            ),
            other => {
                return Err(Error::Policy(Policy::KeyAlgorithmMismatch {
                    requested: other.name().into(),
                }));
            }
        };
        // Whether the token takes OAEP with SHA-2 was decided once, at load,
        // with a ciphertext we made: no message can change it.
        let sha2 = hash != MechanismType::SHA1;
        if !sha2 || self.oaep_sha2 {
            let params = PkcsOaepParams::new(hash, mgf, PkcsOaepSource::empty());
            return self
                .with_object(|s, key| s.decrypt(&Mechanism::RsaPkcsOaep(params), key, ek))?
                .map(Zeroizing::new)
                .map_err(|_| Error::DecryptionFailed);
        }
        if !self.token.inner.raw_rsa_oaep {
            return Err(Error::Unsupported(Unsupported::Operation(
                "the token lacks RSA-OAEP with SHA-2 (CKM_RSA_PKCS_OAEP); allow TokenOptions::raw_rsa_oaep to decode OAEP in software".into(),
            )));
        }
        let TokenKeyKind::Rsa(bits) = self.kind else {
            return Err(Error::DecryptionFailed);
        };
        let em = self
            .with_object(|s, key| s.decrypt(&Mechanism::RsaX509, key, ek))?
            .ok()
            .map(Zeroizing::new)
            .ok_or(Error::DecryptionFailed)?;
        crate::oaep::decode(self.software().hasher, soft, &em, bits.div_ceil(8))
    }

    /// ECDH on the token (CKD_NULL); the Concat KDF and any key unwrap in
    /// software, through the compositions of `jose_core::key_management`.
    fn ecdh(
        &self,
        header: &Header,
        enc: ContentEncryptionAlgorithm,
        alg: K,
        ek: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, Error> {
        let TokenKeyKind::Ec(crv) = self.kind else {
            return Err(Error::DecryptionFailed);
        };
        let epk = Jwk::from_epk(header, crv)?;
        // Invalid-curve attacks: the point must be on the curve.
        self.software().check(&epk)?;
        let Key::Ec(point) = epk.key() else {
            return Err(Error::DecryptionFailed);
        };
        let mut public = Vec::with_capacity(1 + 2 * crv.coordinate_len());
        public.push(0x04);
        public.extend_from_slice(point.x());
        public.extend_from_slice(point.y());
        let params = Ecdh1DeriveParams::new(EcKdf::null(), &public);
        let z = self.read_secret(|s, key| {
            s.derive_key(
                &Mechanism::Ecdh1Derive(params),
                key,
                &extractable_template(Some(crv.coordinate_len())),
            )
        })?;
        let software = self.software();
        ecdh_es_decrypt(software.hasher, software.key_wrap, &z, alg, enc, header, ek)
    }

    /// Whether the token decrypts RSA-OAEP with SHA-256 for this key, found
    /// once at load: a random CEK encrypted in software to `public`, then
    /// `C_Decrypt` on the token. Only a mechanism refusal at
    /// `C_DecryptInit` (or a wrong answer) says no.
    pub(crate) fn probe_oaep_sha2(token: &Token, handle: ObjectHandle, public: &Jwk) -> bool {
        let software = &token.inner.software;
        let mut cek = Zeroizing::new(vec![0u8; 32]);
        if software.random.fill(&mut cek).is_err() {
            return false;
        }
        let Ok(encryptor) = software.encryptor(public, K::RsaOaep256) else {
            return false;
        };
        let Ok(wrapped) =
            encryptor.encrypt_key(&Header::new(), ContentEncryptionAlgorithm::A256Gcm, &cek)
        else {
            return false;
        };
        let params = PkcsOaepParams::new(
            MechanismType::SHA256,
            PkcsMgfType::MGF1_SHA256,
            PkcsOaepSource::empty(),
        );
        let result = token.with_session(|s| {
            s.decrypt(
                &Mechanism::RsaPkcsOaep(params),
                handle,
                &wrapped.encrypted_key,
            )
        });
        match result {
            Ok(Ok(plain)) => plain.as_slice() == cek.as_slice(),
            Ok(Err(cryptoki::error::Error::Pkcs11(
                _,
                cryptoki::context::Function::DecryptInit,
            ))) => false,
            // A failure after C_DecryptInit accepted the mechanism: the
            // token takes OAEP with SHA-2, and this one decryption failed.
            Ok(Err(_)) => true,
            Err(_) => false,
        }
    }

    /// Runs an operation that creates a session secret object, reads its
    /// value and destroys it (README gotchas 4 and 5). A token that refuses
    /// the secret's template says so (that is the token's configuration,
    /// not the message); any other failure to create it is the message's,
    /// and looks like every other decryption failure. A secret that cannot
    /// be destroyed is reported, not left behind in silence.
    fn read_secret(
        &self,
        create: impl Fn(
            &cryptoki::session::Session,
            ObjectHandle,
        ) -> cryptoki::error::Result<ObjectHandle>,
    ) -> Result<Zeroizing<Vec<u8>>, Error> {
        let read = self.with_object(|s, key| {
            let object = create(s, key).map_err(SecretStep::Create)?;
            let value = s.get_attributes(object, &[AttributeType::Value]);
            let destroyed = s.destroy_object(object);
            let value = value
                .map_err(SecretStep::Read)?
                .into_iter()
                .find_map(|a| match a {
                    Attribute::Value(v) => Some(Zeroizing::new(v)),
                    _ => None,
                })
                .ok_or(SecretStep::NoValue)?;
            destroyed.map_err(SecretStep::Destroy)?;
            Ok(value)
        })?;
        read.map_err(SecretStep::into_error)
    }
}

/// Where reading a derived secret failed.
enum SecretStep {
    Create(cryptoki::error::Error),
    Read(cryptoki::error::Error),
    NoValue,
    Destroy(cryptoki::error::Error),
}

impl SecretStep {
    /// The error a failed step reports. A token that refuses the secret's
    /// template, cannot read it back or cannot destroy it says so; a
    /// failure to create it from the message's data is the message's, like
    /// every other decryption failure.
    fn into_error(self) -> Error {
        match self {
            Self::Create(e) if is_template_refusal(&e) => ck(
                "pkcs11 derive: the token refused the template of the derived secret",
                e,
            ),
            Self::Create(_) | Self::NoValue => Error::DecryptionFailed,
            Self::Read(e) => ck("pkcs11 read secret", e),
            Self::Destroy(e) => ck("pkcs11 destroy of a derived secret", e),
        }
    }
}

impl Fault for SecretStep {
    fn session_fault(&self) -> Option<SessionFault> {
        match self {
            Self::Create(e) | Self::Read(e) | Self::Destroy(e) => e.session_fault(),
            Self::NoValue => None,
        }
    }

    fn handle_invalid(&self) -> bool {
        match self {
            Self::Create(e) => e.handle_invalid(),
            Self::Read(_) | Self::Destroy(_) | Self::NoValue => false,
        }
    }
}

/// Whether a token refused an object template (its attributes), rather
/// than the data of the operation.
fn is_template_refusal(e: &cryptoki::error::Error) -> bool {
    use cryptoki::error::{Error as CkError, RvError};
    matches!(
        e,
        CkError::Pkcs11(
            RvError::TemplateInconsistent
                | RvError::TemplateIncomplete
                | RvError::AttributeTypeInvalid
                | RvError::AttributeValueInvalid
                | RvError::AttributeReadOnly,
            _
        )
    )
}

/// A session (never token) generic secret the library may read once.
fn extractable_template(len: Option<usize>) -> Vec<Attribute> {
    let mut t = vec![
        Attribute::Class(ObjectClass::SECRET_KEY),
        Attribute::KeyType(KeyType::GENERIC_SECRET),
        Attribute::Token(false),
        Attribute::Sensitive(false),
        Attribute::Extractable(true),
    ];
    if let Some(len) = len {
        if let Ok(len) = cryptoki::types::Ulong::try_from(len) {
            t.push(Attribute::ValueLen(len));
        }
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use cryptoki::context::Function;
    use cryptoki::error::{Error as CkError, RvError};

    /// A token that refuses the derived secret's template must say so: it
    /// is a fault of the token's configuration, and reporting it as
    /// "decryption failed" hid it. A failure caused by the message stays
    /// the one indistinguishable `DecryptionFailed`.
    #[test]
    fn template_refusals_are_told_from_message_failures() {
        for rv in [
            RvError::TemplateInconsistent,
            RvError::TemplateIncomplete,
            RvError::AttributeValueInvalid,
        ] {
            assert!(is_template_refusal(&CkError::Pkcs11(
                rv,
                Function::DeriveKey
            )));
        }
        for rv in [
            RvError::WrappedKeyInvalid,
            RvError::EncryptedDataInvalid,
            RvError::DomainParamsInvalid,
        ] {
            assert!(!is_template_refusal(&CkError::Pkcs11(
                rv,
                Function::DeriveKey
            )));
        }
    }

    /// A derived secret the token cannot destroy stays on it (in the
    /// session) holding a CEK or a shared secret: that is reported as a
    /// token error naming the destroy, never passed over as success or
    /// folded into "decryption failed". A read failure is named too.
    #[test]
    fn a_failed_destroy_of_a_derived_secret_is_reported() {
        let fail = |f| CkError::Pkcs11(RvError::GeneralError, f);
        let destroy = SecretStep::Destroy(fail(Function::DestroyObject)).into_error();
        assert!(
            matches!(&destroy, Error::Backend(b) if b.context() == "pkcs11 destroy of a derived secret"),
            "{destroy:?}"
        );
        let read = SecretStep::Read(fail(Function::GetAttributeValue)).into_error();
        assert!(matches!(&read, Error::Backend(b) if b.context() == "pkcs11 read secret"));
        let refused = SecretStep::Create(CkError::Pkcs11(
            RvError::TemplateInconsistent,
            Function::DeriveKey,
        ))
        .into_error();
        assert!(matches!(refused, Error::Backend(_)));
        let message = SecretStep::Create(CkError::Pkcs11(
            RvError::WrappedKeyInvalid,
            Function::UnwrapKey,
        ))
        .into_error();
        assert_eq!(message, Error::DecryptionFailed);
        assert_eq!(SecretStep::NoValue.into_error(), Error::DecryptionFailed);
    }
}
