//! [`TokenKey`]: a key on the token, found once, its handle cached; a
//! [`SigningKey`] and a [`DecryptingKey`] whose private part never leaves
//! the token.

use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};

use cryptoki::mechanism::eddsa::{EddsaParams, EddsaSignatureScheme};
use cryptoki::mechanism::elliptic_curve::{EcKdf, Ecdh1DeriveParams};
use cryptoki::mechanism::rsa::{PkcsMgfType, PkcsOaepParams, PkcsOaepSource, PkcsPssParams};
use cryptoki::mechanism::{Mechanism, MechanismType};
use cryptoki::object::{Attribute, AttributeType, KeyType, ObjectClass, ObjectHandle};
use jose_core::{
    ContentEncryptionAlgorithm, Curve, DecryptingKey, Error, Header, JwsAlgorithm, KeyDecryptor,
    KeyManagementAlgorithm as K, MalformedReason, Policy, Signer, SigningKey, Unsupported,
};
use jose_jwk::{EcKey, Jwk, JwkOptions, Key, OkpKey, RsaKey};
use jose_rustcrypto::PROVIDER;
use sha2::Digest;
use zeroize::Zeroizing;

use crate::token::{Token, ck, ck_with};

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
    token: Token,
    handle: ObjectHandle,
    kind: TokenKeyKind,
    label: String,
    kid: String,
    public: Option<Jwk>,
    sign_algs: Vec<JwsAlgorithm>,
    decrypt_algs: Vec<K>,
    /// Whether the token's CKM_RSA_PKCS_OAEP takes SHA-2 (0 unknown, 1
    /// yes, 2 no), learnt on first use.
    oaep_sha2: Arc<AtomicU8>,
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

fn bool_attr(attrs: &[Attribute], pick: fn(&Attribute) -> Option<bool>) -> bool {
    attrs.iter().find_map(pick).unwrap_or(false)
}

/// The curve of a CKA_EC_PARAMS value: a DER OID, or the printable string
/// "edwards25519" that OpenSC writes (pkcs11/README.md gotcha 2).
fn curve_of(params: &[u8]) -> Option<Curve> {
    const P256: &[u8] = &[0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
    const P384: &[u8] = &[0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22];
    const P521: &[u8] = &[0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x23];
    const ED25519_OID: &[u8] = &[0x06, 0x03, 0x2b, 0x65, 0x70];
    const ED25519_NAME: &[u8] = b"\x13\x0cedwards25519";
    match params {
        P256 => Some(Curve::P256),
        P384 => Some(Curve::P384),
        P521 => Some(Curve::P521),
        ED25519_OID | ED25519_NAME => Some(Curve::Ed25519),
        _ => None,
    }
}

/// The point inside CKA_EC_POINT: a DER OCTET STRING around the SEC1 or
/// Ed25519 encoding (some tokens give it bare).
fn unwrap_octet_string(point: &[u8]) -> &[u8] {
    match point {
        [0x04, len, rest @ ..] if usize::from(*len) == rest.len() => rest,
        [0x04, 0x81, len, rest @ ..] if usize::from(*len) == rest.len() => rest,
        _ => point,
    }
}

impl TokenKey {
    /// Reads an object's attributes and its public key (if any).
    pub(crate) fn load(
        token: Token,
        handle: ObjectHandle,
        class: ObjectClass,
    ) -> Result<Self, Error> {
        let attrs = token.attributes(
            handle,
            &[
                AttributeType::KeyType,
                AttributeType::Label,
                AttributeType::Id,
                AttributeType::Sign,
                AttributeType::Decrypt,
                AttributeType::Unwrap,
                AttributeType::Derive,
            ],
        )?;
        let key_type = attrs.iter().find_map(|a| match a {
            Attribute::KeyType(t) => Some(*t),
            _ => None,
        });
        let label = attrs
            .iter()
            .find_map(|a| match a {
                Attribute::Label(l) => Some(String::from_utf8_lossy(l).into_owned()),
                _ => None,
            })
            .unwrap_or_default();
        let id = attrs
            .iter()
            .find_map(|a| match a {
                Attribute::Id(id) => Some(id.clone()),
                _ => None,
            })
            .unwrap_or_default();
        let can_sign = bool_attr(&attrs, |a| match a {
            Attribute::Sign(b) => Some(*b),
            _ => None,
        });
        let can_decrypt = bool_attr(&attrs, |a| match a {
            Attribute::Decrypt(b) => Some(*b),
            _ => None,
        });
        let can_unwrap = bool_attr(&attrs, |a| match a {
            Attribute::Unwrap(b) => Some(*b),
            _ => None,
        });
        let can_derive = bool_attr(&attrs, |a| match a {
            Attribute::Derive(b) => Some(*b),
            _ => None,
        });
        // The kid: the label, or the hex CKA_ID for unlabelled keys.
        let kid = if label.is_empty() {
            id.iter().map(|b| format!("{b:02x}")).collect()
        } else {
            label.clone()
        };

        let public_handle = if class == ObjectClass::PRIVATE_KEY {
            let mut template = vec![Attribute::Class(ObjectClass::PUBLIC_KEY)];
            if !label.is_empty() {
                template.push(Attribute::Label(label.as_bytes().to_vec()));
            }
            if !id.is_empty() {
                template.push(Attribute::Id(id.clone()));
            }
            token
                .with_session(|s| s.find_objects(&template).map_err(|e| ck("pkcs11 find", e)))?
                .first()
                .copied()
        } else if class == ObjectClass::PUBLIC_KEY {
            Some(handle)
        } else {
            None
        };

        let (kind, public) = match key_type {
            Some(KeyType::RSA) => {
                let source = public_handle.unwrap_or(handle);
                let a = token.attributes(
                    source,
                    &[AttributeType::Modulus, AttributeType::PublicExponent],
                )?;
                let n = a.iter().find_map(|a| match a {
                    Attribute::Modulus(n) => Some(n.clone()),
                    _ => None,
                });
                let e = a.iter().find_map(|a| match a {
                    Attribute::PublicExponent(e) => Some(e.clone()),
                    _ => None,
                });
                let (Some(n), Some(e)) = (n, e) else {
                    return Err(Error::Unsupported(Unsupported::KeyFormat(
                        "RSA key without a readable modulus",
                    )));
                };
                let strip = |v: Vec<u8>| -> Vec<u8> {
                    let first = v
                        .iter()
                        .position(|b| *b != 0)
                        .unwrap_or(v.len().saturating_sub(1));
                    v.get(first..).map(<[u8]>::to_vec).unwrap_or_default()
                };
                let rsa = RsaKey::new_public(strip(n), strip(e))?;
                (TokenKeyKind::Rsa(rsa.bits()), Some(Jwk::new(Key::Rsa(rsa))))
            }
            Some(KeyType::EC | KeyType::EC_EDWARDS) => {
                let source = public_handle.ok_or(Error::Unsupported(Unsupported::KeyFormat(
                    "EC private key without its public key object",
                )))?;
                let a =
                    token.attributes(source, &[AttributeType::EcParams, AttributeType::EcPoint])?;
                let params = a.iter().find_map(|a| match a {
                    Attribute::EcParams(p) => Some(p.clone()),
                    _ => None,
                });
                let point = a.iter().find_map(|a| match a {
                    Attribute::EcPoint(p) => Some(p.clone()),
                    _ => None,
                });
                let (Some(params), Some(point)) = (params, point) else {
                    return Err(Error::Unsupported(Unsupported::KeyFormat(
                        "EC key without parameters",
                    )));
                };
                let crv = curve_of(&params).ok_or(Error::Unsupported(Unsupported::KeyFormat(
                    "EC key on an unknown curve",
                )))?;
                let raw = unwrap_octet_string(&point);
                if crv == Curve::Ed25519 {
                    let okp = OkpKey::new(Curve::Ed25519, raw.to_vec(), None)?;
                    (TokenKeyKind::Ed25519, Some(Jwk::new(Key::Okp(okp))))
                } else {
                    let len = crv.coordinate_len();
                    let (Some((0x04, xy)), true) = (raw.split_first(), raw.len() == 1 + 2 * len)
                    else {
                        return Err(Error::Unsupported(Unsupported::KeyFormat(
                            "EC point is not uncompressed",
                        )));
                    };
                    let (x, y) = xy.split_at(len);
                    let ec = EcKey::new(crv, x.to_vec(), y.to_vec(), None)?;
                    (TokenKeyKind::Ec(crv), Some(Jwk::new(Key::Ec(ec))))
                }
            }
            Some(KeyType::AES) => {
                let a = token.attributes(handle, &[AttributeType::ValueLen])?;
                let len = a
                    .iter()
                    .find_map(|a| match a {
                        Attribute::ValueLen(l) => Some(usize::from(*l)),
                        _ => None,
                    })
                    .unwrap_or(0);
                (TokenKeyKind::Aes(len), None)
            }
            _ => return Err(Error::Unsupported(Unsupported::KeyFormat("key type"))),
        };
        let public = public.map(|j| j.with_kid(kid.clone()));
        if let Some(jwk) = &public {
            PROVIDER.keys.check(jwk)?;
        }

        let is_private = class == ObjectClass::PRIVATE_KEY;
        let sign_algs = match kind {
            TokenKeyKind::Rsa(_) if is_private && can_sign => vec![
                JwsAlgorithm::Rs256,
                JwsAlgorithm::Rs384,
                JwsAlgorithm::Rs512,
                JwsAlgorithm::Ps256,
                JwsAlgorithm::Ps384,
                JwsAlgorithm::Ps512,
            ],
            TokenKeyKind::Ec(Curve::P256) if is_private && can_sign => vec![JwsAlgorithm::Es256],
            TokenKeyKind::Ec(Curve::P384) if is_private && can_sign => vec![JwsAlgorithm::Es384],
            TokenKeyKind::Ec(Curve::P521) if is_private && can_sign => vec![JwsAlgorithm::Es512],
            TokenKeyKind::Ed25519 if is_private && can_sign => {
                vec![JwsAlgorithm::EdDsa, JwsAlgorithm::Ed25519]
            }
            _ => Vec::new(),
        };
        let decrypt_algs = match kind {
            TokenKeyKind::Rsa(_) if is_private && can_decrypt => {
                vec![
                    K::RsaOaep256,
                    K::RsaOaep,
                    K::RsaOaep384,
                    K::RsaOaep512,
                    K::Rsa1_5,
                ]
            }
            TokenKeyKind::Ec(Curve::P256 | Curve::P384 | Curve::P521)
                if is_private && can_derive =>
            {
                vec![K::EcdhEs, K::EcdhEsA128Kw, K::EcdhEsA192Kw, K::EcdhEsA256Kw]
            }
            TokenKeyKind::Aes(16) if can_unwrap => vec![K::A128Kw],
            TokenKeyKind::Aes(24) if can_unwrap => vec![K::A192Kw],
            TokenKeyKind::Aes(32) if can_unwrap => vec![K::A256Kw],
            _ => Vec::new(),
        };
        Ok(Self {
            token,
            handle,
            kind,
            label,
            kid,
            public,
            sign_algs,
            decrypt_algs,
            oaep_sha2: Arc::new(AtomicU8::new(0)),
        })
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

    /// A software verifying key for the public half.
    ///
    /// # Errors
    ///
    /// [`Error::Policy`] for a secret key, which has no public half.
    pub fn verifying_key(&self) -> Result<Arc<dyn jose_core::VerifyingKey>, Error> {
        let jwk = self
            .public
            .as_ref()
            .ok_or(Error::Policy(Policy::KeyUseForbidden("verification")))?;
        PROVIDER.keys.verifying_key(jwk)
    }

    fn sign_with(&self, alg: JwsAlgorithm, input: &[u8]) -> Result<Vec<u8>, Error> {
        let pss = |hash: MechanismType, mgf: PkcsMgfType, len: u64| PkcsPssParams {
            hash_alg: hash,
            mgf,
            s_len: len.into(),
        };
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
            // Hash in software: SoftHSM has no CKM_ECDSA_SHA* (README gotcha 1).
            JwsAlgorithm::Es256 => (Mechanism::Ecdsa, sha2::Sha256::digest(input).to_vec()),
            JwsAlgorithm::Es384 => (Mechanism::Ecdsa, sha2::Sha384::digest(input).to_vec()),
            JwsAlgorithm::Es512 => (Mechanism::Ecdsa, sha2::Sha512::digest(input).to_vec()),
            JwsAlgorithm::EdDsa | JwsAlgorithm::Ed25519 => (
                Mechanism::Eddsa(EddsaParams::new(EddsaSignatureScheme::Pure)),
                input.to_vec(),
            ),
            _ => {
                return Err(Error::Policy(Policy::KeyAlgorithmMismatch {
                    requested: alg.name().into(),
                }));
            }
        };
        let signature = self.token.with_session(|s| {
            s.sign(&mechanism, self.handle, &data)
                .map_err(|e| ck_with("pkcs11 sign", Some(mechanism.mechanism_type()), e))
        })?;
        // CKM_ECDSA already gives fixed-length r || s: check, never re-encode.
        if let (TokenKeyKind::Ec(crv), true) = (self.kind, alg.name().starts_with("ES")) {
            if signature.len() != 2 * crv.coordinate_len() {
                return Err(Error::Backend(jose_core::BackendError::new(
                    "pkcs11 sign",
                    "the token returned an ECDSA signature of the wrong length",
                )));
            }
        }
        Ok(signature)
    }

    fn unwrap_or_decrypt(
        &self,
        header: &Header,
        enc: ContentEncryptionAlgorithm,
        alg: K,
        ek: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, Error> {
        match alg {
            K::Rsa1_5 => {
                // Never a padding oracle: a random CEK on any failure.
                let mut random = Zeroizing::new(vec![0u8; enc.key_len()]);
                PROVIDER.random.fill(&mut random)?;
                let decrypted = self
                    .token
                    .with_session(|s| Ok(s.decrypt(&Mechanism::RsaPkcs, self.handle, ek).ok()))?
                    .map(Zeroizing::new);
                Ok(match decrypted {
                    Some(d) if d.len() == enc.key_len() => d,
                    _ => random,
                })
            }
            K::RsaOaep => self.oaep(
                ek,
                MechanismType::SHA1,
                PkcsMgfType::MGF1_SHA1,
                crate::oaep::Hash::Sha1,
            ),
            K::RsaOaep256 => self.oaep(
                ek,
                MechanismType::SHA256,
                PkcsMgfType::MGF1_SHA256,
                crate::oaep::Hash::Sha256,
            ),
            K::RsaOaep384 => self.oaep(
                ek,
                MechanismType::SHA384,
                PkcsMgfType::MGF1_SHA384,
                crate::oaep::Hash::Sha384,
            ),
            K::RsaOaep512 => self.oaep(
                ek,
                MechanismType::SHA512,
                PkcsMgfType::MGF1_SHA512,
                crate::oaep::Hash::Sha512,
            ),
            K::A128Kw | K::A192Kw | K::A256Kw => self.read_secret(|s| {
                s.unwrap_key(
                    &Mechanism::AesKeyWrap,
                    self.handle,
                    ek,
                    &extractable_template(None),
                )
            }),
            K::EcdhEs | K::EcdhEsA128Kw | K::EcdhEsA192Kw | K::EcdhEsA256Kw => {
                self.ecdh(header, enc, alg, ek)
            }
            _ => Err(Error::Policy(Policy::KeyAlgorithmMismatch {
                requested: alg.name().into(),
            })),
        }
    }

    /// RSA-OAEP on the token, or with raw RSA and software decoding when
    /// the token lacks OAEP with SHA-2 and the fallback is allowed.
    fn oaep(
        &self,
        ek: &[u8],
        hash: MechanismType,
        mgf: PkcsMgfType,
        soft: crate::oaep::Hash,
    ) -> Result<Zeroizing<Vec<u8>>, Error> {
        let sha2 = hash != MechanismType::SHA1;
        if !sha2 || self.oaep_sha2.load(Ordering::Relaxed) != 2 {
            let params = PkcsOaepParams::new(hash, mgf, PkcsOaepSource::empty());
            let result = self.token.with_session(|s| {
                Ok(s.decrypt(&Mechanism::RsaPkcsOaep(params), self.handle, ek))
            })?;
            match result {
                Ok(cek) => {
                    if sha2 {
                        self.oaep_sha2.store(1, Ordering::Relaxed);
                    }
                    return Ok(Zeroizing::new(cek));
                }
                Err(cryptoki::error::Error::Pkcs11(
                    cryptoki::error::RvError::ArgumentsBad
                    | cryptoki::error::RvError::MechanismParamInvalid
                    | cryptoki::error::RvError::MechanismInvalid,
                    _,
                )) if sha2 && self.oaep_sha2.load(Ordering::Relaxed) == 0 => {
                    self.oaep_sha2.store(2, Ordering::Relaxed);
                }
                Err(_) => return Err(Error::DecryptionFailed),
            }
        }
        if !self.token.inner.raw_rsa_oaep {
            return Err(Error::Unsupported(Unsupported::Operation(
                "the token lacks RSA-OAEP with SHA-2 (CKM_RSA_PKCS_OAEP); enable TokenOptions::raw_rsa_oaep_fallback to decode OAEP in software".into(),
            )));
        }
        let TokenKeyKind::Rsa(bits) = self.kind else {
            return Err(Error::DecryptionFailed);
        };
        let em = self
            .token
            .with_session(|s| Ok(s.decrypt(&Mechanism::RsaX509, self.handle, ek).ok()))?
            .map(Zeroizing::new)
            .ok_or(Error::DecryptionFailed)?;
        crate::oaep::decode(soft, &em, bits.div_ceil(8))
    }

    /// ECDH on the token (CKD_NULL), the Concat KDF in software.
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
        let epk = header
            .epk
            .clone()
            .ok_or_else(|| Error::malformed("header \"epk\"", MalformedReason::Missing))?;
        let epk = Jwk::from_object(epk, &JwkOptions::default())?;
        let Key::Ec(point) = epk.key() else {
            return Err(Error::malformed(
                "header \"epk\"",
                MalformedReason::Invalid("is not a key on the recipient's curve"),
            ));
        };
        if point.crv() != crv || epk.is_private() {
            return Err(Error::malformed(
                "header \"epk\"",
                MalformedReason::Invalid("is not a key on the recipient's curve"),
            ));
        }
        // Invalid-curve attacks: the point must be on the curve.
        PROVIDER.keys.check(&epk)?;
        let mut public = Vec::with_capacity(1 + 2 * crv.coordinate_len());
        public.push(0x04);
        public.extend_from_slice(point.x());
        public.extend_from_slice(point.y());
        let params = Ecdh1DeriveParams::new(EcKdf::null(), &public);
        let z = self.read_secret(|s| {
            s.derive_key(
                &Mechanism::Ecdh1Derive(params),
                self.handle,
                &extractable_template(Some(crv.coordinate_len())),
            )
        })?;
        jose_rustcrypto::kek::ecdh_es_cek(&z, alg, enc, header, ek)
    }

    /// Runs an operation that creates a session secret object, reads its
    /// value and destroys it (README gotchas 4 and 5).
    fn read_secret(
        &self,
        create: impl FnOnce(&cryptoki::session::Session) -> cryptoki::error::Result<ObjectHandle>,
    ) -> Result<Zeroizing<Vec<u8>>, Error> {
        self.token.with_session(|s| {
            let object = create(s).map_err(|_| Error::DecryptionFailed)?;
            let value = s.get_attributes(object, &[AttributeType::Value]);
            let _ = s.destroy_object(object);
            let value = value.map_err(|e| ck("pkcs11 read secret", e))?;
            value
                .into_iter()
                .find_map(|a| match a {
                    Attribute::Value(v) => Some(Zeroizing::new(v)),
                    _ => None,
                })
                .ok_or(Error::DecryptionFailed)
        })
    }
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
        let cek = self
            .key
            .unwrap_or_decrypt(header, enc, self.alg, encrypted_key)?;
        if cek.len() != enc.key_len() {
            return Err(Error::DecryptionFailed);
        }
        Ok(cek)
    }
}
