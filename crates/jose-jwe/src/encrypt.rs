//! Producing JWE in the three serializations.

use alloc::borrow::Cow;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use jose_core::header;
use jose_core::json::Object;
use jose_core::key_management::Pbes2Params;
use jose_core::{
    Algorithm, CompressionAlgorithm, ContentEncryptionAlgorithm, Error, Header, KeyEncryptor,
    KeyManagementAlgorithm, KeyRequirement, b64,
};
use jose_jwk::Provider;
use serde_json::Value;
use zeroize::Zeroizing;

/// One recipient to encrypt for: a key encryptor (bound to its algorithm and
/// key ID) and, for the JSON serializations, its own unprotected header.
#[derive(Debug)]
pub struct Recipient<'a> {
    encryptor: &'a dyn KeyEncryptor,
    header: Header,
}

impl<'a> Recipient<'a> {
    /// A recipient reached through `encryptor`.
    pub fn new(encryptor: &'a dyn KeyEncryptor) -> Self {
        Self {
            encryptor,
            header: Header::new(),
        }
    }

    /// Members for this recipient's unprotected header (`apu`/`apv` for
    /// ECDH-ES, `p2c` for PBES2, extensions).
    #[must_use]
    pub fn header(mut self, header: Header) -> Self {
        self.header = header;
        self
    }
}

/// Builds a JWE around one plaintext.
///
/// ```
/// use jose_core::{ContentEncryptionAlgorithm, KeyManagementAlgorithm};
/// use jose_jwe::{Decryption, JweBuilder};
///
/// let provider = jose_rustcrypto::PROVIDER;
/// let alg = KeyManagementAlgorithm::A128Kw;
/// let enc = ContentEncryptionAlgorithm::A128Gcm;
/// let jwk = provider.generate(alg)?;
///
/// let token = JweBuilder::new(b"secret", enc).compact(&provider, &provider.encryptor(&jwk, alg)?)?;
///
/// let opened = Decryption::new(&[alg], &[enc])?.decrypt(&provider, &token, &provider.decryptor(&jwk)?)?;
/// assert_eq!(&*opened.plaintext, b"secret");
/// # Ok::<(), jose_core::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct JweBuilder<'p> {
    plaintext: &'p [u8],
    enc: ContentEncryptionAlgorithm,
    compress: bool,
    protected: Header,
    unprotected: Option<Header>,
    aad: Option<&'p [u8]>,
    pbes2: Option<Pbes2Params>,
}

impl<'p> JweBuilder<'p> {
    /// A JWE of `plaintext` with content encryption `enc`.
    pub fn new(plaintext: &'p [u8], enc: ContentEncryptionAlgorithm) -> Self {
        Self {
            plaintext,
            enc,
            compress: false,
            protected: Header::new(),
            unprotected: None,
            aad: None,
            pbes2: None,
        }
    }

    /// The iteration count and salt length of every PBES2 recipient: a
    /// fresh random salt of that length each, and that `p2c`. Without it
    /// the key encryptor uses [`PBES2_DEFAULT_COUNT`] iterations and
    /// [`PBES2_DEFAULT_SALT_LEN`] bytes, which every peer accepts; a header
    /// may also carry `p2c` itself, but not both.
    ///
    /// [`PBES2_DEFAULT_COUNT`]: jose_core::key_management::PBES2_DEFAULT_COUNT
    /// [`PBES2_DEFAULT_SALT_LEN`]: jose_core::key_management::PBES2_DEFAULT_SALT_LEN
    #[must_use]
    pub fn pbes2(mut self, params: Pbes2Params) -> Self {
        self.pbes2 = Some(params);
        self
    }

    /// Compresses the plaintext with raw DEFLATE (`zip: "DEF"`) first.
    #[must_use]
    pub fn compress(mut self) -> Self {
        self.compress = true;
        self
    }

    /// Members for the protected header (`typ`, `cty`, extensions, ...).
    #[must_use]
    pub fn protected(mut self, header: Header) -> Self {
        self.protected = header;
        self
    }

    /// Members for the shared unprotected header (JSON serializations only).
    #[must_use]
    pub fn unprotected(mut self, header: Header) -> Self {
        self.unprotected = Some(header);
        self
    }

    /// Additional authenticated data (JSON serializations only).
    #[must_use]
    pub fn aad(mut self, aad: &'p [u8]) -> Self {
        self.aad = Some(aad);
        self
    }

    /// The compact serialization (RFC 7516 section 7.1) for one recipient;
    /// every header member is protected.
    ///
    /// # Errors
    ///
    /// [`Error::ApiMisuse`] with an unprotected header or AAD (compact has
    /// neither), or headers that clash with what the algorithms set; errors
    /// of the key encryptor and the content cipher.
    pub fn compact(
        &self,
        provider: &Provider,
        encryptor: &dyn KeyEncryptor,
    ) -> Result<String, Error> {
        if self.unprotected.is_some() || self.aad.is_some() {
            return Err(Error::ApiMisuse(
                "the compact serialization has no unprotected header and no AAD",
            ));
        }
        let encrypted = self.seal(provider, &[Recipient::new(encryptor)], true)?;
        let recipient = encrypted
            .recipients
            .first()
            .ok_or(Error::ApiMisuse("no recipient"))?;
        let mut out = String::with_capacity(
            encrypted.protected_b64.len()
                + (recipient.encrypted_key.len() + encrypted.ciphertext.len()) * 4 / 3
                + 64,
        );
        out.push_str(&encrypted.protected_b64);
        out.push('.');
        b64::encode_into(&recipient.encrypted_key, &mut out);
        out.push('.');
        b64::encode_into(&encrypted.iv, &mut out);
        out.push('.');
        b64::encode_into(&encrypted.ciphertext, &mut out);
        out.push('.');
        b64::encode_into(&encrypted.tag, &mut out);
        Ok(out)
    }

    /// The flattened JSON serialization (RFC 7516 section 7.2.2).
    ///
    /// # Errors
    ///
    /// As [`JweBuilder::general`].
    pub fn flattened(
        &self,
        provider: &Provider,
        recipient: Recipient<'_>,
    ) -> Result<String, Error> {
        let encrypted = self.seal(provider, core::slice::from_ref(&recipient), true)?;
        let mut obj = self.json_common(&encrypted)?;
        if let Some(r) = encrypted.recipients.into_iter().next() {
            if !r.header.is_empty() {
                obj.insert("header".into(), Value::Object(r.header));
            }
            if !r.encrypted_key.is_empty() {
                obj.insert(
                    "encrypted_key".into(),
                    Value::String(b64::encode(&r.encrypted_key)),
                );
            }
        }
        Ok(Value::Object(obj).to_string())
    }

    /// The general JSON serialization (RFC 7516 section 7.2.1): one CEK,
    /// wrapped for each recipient with its own algorithm. `alg`, `kid` and
    /// the parameters each algorithm adds go in the recipient's header.
    ///
    /// # Errors
    ///
    /// [`Error::ApiMisuse`] for no recipient, a direct mode (`dir`,
    /// `ECDH-ES`) among several recipients, or headers that share a member;
    /// errors of the key encryptors and the content cipher.
    pub fn general(
        &self,
        provider: &Provider,
        recipients: &[Recipient<'_>],
    ) -> Result<String, Error> {
        let encrypted = self.seal(provider, recipients, false)?;
        let mut obj = self.json_common(&encrypted)?;
        let list = encrypted
            .recipients
            .into_iter()
            .map(|r| {
                let mut entry = Object::new();
                if !r.header.is_empty() {
                    entry.insert("header".into(), Value::Object(r.header));
                }
                if !r.encrypted_key.is_empty() {
                    entry.insert(
                        "encrypted_key".into(),
                        Value::String(b64::encode(&r.encrypted_key)),
                    );
                }
                Value::Object(entry)
            })
            .collect();
        obj.insert("recipients".into(), Value::Array(list));
        Ok(Value::Object(obj).to_string())
    }

    fn json_common(&self, encrypted: &Encrypted) -> Result<Object, Error> {
        let mut obj = Object::new();
        obj.insert(
            "protected".into(),
            Value::String(encrypted.protected_b64.clone()),
        );
        if let Some(u) = &self.unprotected {
            let value = serde_json::to_value(u)
                .map_err(|_| Error::ApiMisuse("the unprotected header cannot be serialized"))?;
            obj.insert("unprotected".into(), value);
        }
        if let Some(aad) = &encrypted.aad_b64 {
            obj.insert("aad".into(), Value::String(aad.clone()));
        }
        obj.insert("iv".into(), Value::String(b64::encode(&encrypted.iv)));
        obj.insert(
            "ciphertext".into(),
            Value::String(b64::encode(&encrypted.ciphertext)),
        );
        obj.insert("tag".into(), Value::String(b64::encode(&encrypted.tag)));
        Ok(obj)
    }

    /// Key management for every recipient, then content encryption.
    /// `single`: the algorithm's parameters go into the protected header
    /// (compact and flattened); otherwise into each recipient's header.
    fn seal(
        &self,
        provider: &Provider,
        recipients: &[Recipient<'_>],
        single: bool,
    ) -> Result<Encrypted, Error> {
        if recipients.is_empty() {
            return Err(Error::ApiMisuse("a JWE needs at least one recipient"));
        }
        let mut protected = self.protected.clone();
        if protected.alg.is_some() || protected.enc.is_some() || protected.zip.is_some() {
            return Err(Error::ApiMisuse(
                "alg, enc and zip come from the encryptor and the builder, not the header",
            ));
        }
        protected.enc = Some(self.enc);
        if self.compress {
            protected.zip = Some(CompressionAlgorithm::Def);
        }
        let shared = match &self.unprotected {
            Some(u) => to_object(u)?,
            None => Object::new(),
        };

        let mut cek = Zeroizing::new(alloc::vec![0u8; self.enc.key_len()]);
        provider.random.fill(&mut cek)?;
        let mut out = Vec::with_capacity(recipients.len());

        // The common case (compact, or flattened without extra headers): one
        // recipient, every member protected. Build the header as a typed
        // value, without JSON objects in between.
        if let ([recipient], true, true) = (recipients, single, shared.is_empty()) {
            if recipient.header == Header::new() {
                let alg = recipient.encryptor.algorithm();
                protected.alg = Some(Algorithm::KeyManagement(alg));
                if protected.kid.is_none() {
                    protected.kid = recipient.encryptor.key_id().map(String::from);
                }
                let for_key = self.pbes2_header(provider, alg, &protected)?;
                let wrapped = recipient.encryptor.encrypt_key(&for_key, self.enc, &cek)?;
                if let Some(direct) = wrapped.cek {
                    cek = direct;
                }
                if !wrapped.header.is_empty() {
                    protected.merge(Header::from_object(wrapped.header)?)?;
                }
                out.push(EncryptedRecipient {
                    header: Object::new(),
                    encrypted_key: wrapped.encrypted_key,
                });
                return self.finish(provider, &protected, out, &cek);
            }
        }

        for recipient in recipients {
            let alg = recipient.encryptor.algorithm();
            if alg.is_direct() && recipients.len() > 1 {
                return Err(Error::ApiMisuse(
                    "dir and ECDH-ES agree one CEK with one recipient: use a key wrapping algorithm for several",
                ));
            }
            let mut own = recipient.header.clone();
            own.alg = Some(Algorithm::KeyManagement(alg));
            if own.kid.is_none() && protected.kid.is_none() {
                own.kid = recipient.encryptor.key_id().map(String::from);
            }
            let own_obj = to_object(&own)?;
            let joint = Header::from_object(
                header::join_disjoint(&[&to_object(&protected)?, &shared, &own_obj]).map_err(
                    |_| {
                        Error::ApiMisuse(
                            "the protected, shared and recipient headers share a member",
                        )
                    },
                )?,
            )?;
            let joint = self.pbes2_header(provider, alg, &joint)?;
            let wrapped = recipient.encryptor.encrypt_key(&joint, self.enc, &cek)?;
            if let Some(direct) = wrapped.cek {
                cek = direct;
            }
            let mut recipient_header = own_obj;
            for (k, v) in wrapped.header {
                recipient_header.insert(k, v);
            }
            out.push(EncryptedRecipient {
                header: recipient_header,
                encrypted_key: wrapped.encrypted_key,
            });
        }
        // Compact and flattened: everything goes in the protected header.
        if single {
            let mut joined = to_object(&protected)?;
            for r in &mut out {
                for (k, v) in core::mem::take(&mut r.header) {
                    // An algorithm may echo a member the caller chose (PBES2
                    // `p2c`): the same value twice is one member.
                    match joined.get(&k) {
                        Some(existing) if *existing == v => continue,
                        Some(_) => return Err(Error::ApiMisuse("a header member is set twice")),
                        None if shared.contains_key(&k) => {
                            return Err(Error::ApiMisuse("a header member is set twice"));
                        }
                        None => {}
                    }
                    joined.insert(k, v);
                }
            }
            protected = Header::from_object(joined)?;
        } else {
            header::join_disjoint(&[&to_object(&protected)?, &shared]).map_err(|_| {
                Error::ApiMisuse("protected and unprotected headers share a member")
            })?;
        }

        self.finish(provider, &protected, out, &cek)
    }

    /// The header a PBES2 key encryptor gets: with the count and a fresh
    /// salt of [`JweBuilder::pbes2`], when it was given.
    fn pbes2_header<'h>(
        &self,
        provider: &Provider,
        alg: KeyManagementAlgorithm,
        header: &'h Header,
    ) -> Result<Cow<'h, Header>, Error> {
        let Some(params) = self.pbes2 else {
            return Ok(Cow::Borrowed(header));
        };
        if alg.requirement() != KeyRequirement::Password {
            return Ok(Cow::Borrowed(header));
        }
        if header.p2c.is_some() || header.p2s.is_some() {
            return Err(Error::ApiMisuse(
                "PBES2 p2c or p2s set in a header and with JweBuilder::pbes2",
            ));
        }
        let mut salt = alloc::vec![0u8; params.salt_len()];
        provider.random.fill(&mut salt)?;
        let mut with = header.clone();
        with.p2c = Some(params.count());
        with.p2s = Some(salt);
        Ok(Cow::Owned(with))
    }

    /// Content encryption under the finished protected header.
    fn finish(
        &self,
        provider: &Provider,
        protected: &Header,
        recipients: Vec<EncryptedRecipient>,
        cek: &[u8],
    ) -> Result<Encrypted, Error> {
        let protected_b64 = b64::encode(protected.to_json().as_bytes());
        let aad_b64 = self.aad.map(b64::encode);
        let mut aad = protected_b64.clone().into_bytes();
        if let Some(extra) = &aad_b64 {
            aad.push(b'.');
            aad.extend_from_slice(extra.as_bytes());
        }
        let compressed;
        let plaintext = if self.compress {
            compressed = Zeroizing::new(miniz_oxide::deflate::compress_to_vec(self.plaintext, 6));
            compressed.as_slice()
        } else {
            self.plaintext
        };
        let mut iv = alloc::vec![0u8; self.enc.iv_len()];
        provider.random.fill(&mut iv)?;
        let cipher = provider.content_cipher(self.enc)?;
        let content = cipher.encrypt(cek, &iv, &aad, plaintext)?;
        Ok(Encrypted {
            protected_b64,
            aad_b64,
            recipients,
            iv,
            ciphertext: content.ciphertext,
            tag: content.tag,
        })
    }
}

fn to_object(header: &Header) -> Result<Object, Error> {
    match serde_json::to_value(header) {
        Ok(Value::Object(o)) => Ok(o),
        _ => Err(Error::ApiMisuse("a header cannot be serialized")),
    }
}

struct EncryptedRecipient {
    header: Object,
    encrypted_key: Vec<u8>,
}

struct Encrypted {
    protected_b64: String,
    aad_b64: Option<String>,
    recipients: Vec<EncryptedRecipient>,
    iv: Vec<u8>,
    ciphertext: Vec<u8>,
    tag: Vec<u8>,
}
