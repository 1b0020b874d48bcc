//! Decryption: allow-lists for `alg` and `enc`, `crit`, `zip` limits, and
//! keys from a [`KeyStore`].

use alloc::string::{String, ToString};
use alloc::sync::Arc;
use alloc::vec::Vec;

use jose_core::asynchronous::{self, AsyncKeyDecryptor, AsyncKeyStore};
use jose_core::header::{self, Header};
use jose_core::json::Object;
use jose_core::{
    Algorithm, Candidate, CompressionAlgorithm, ContentCipher, ContentEncryptionAlgorithm, Error,
    KeyIdentity, KeyManagementAlgorithm, KeyRequirement, KeyStore, MalformedReason, Policy, b64,
};
use jose_jwk::Provider;
use zeroize::Zeroizing;

use crate::Limits;
use crate::parse::{self, RawJwe};

/// How to decrypt: the allowed key management and content encryption
/// algorithms, the understood `crit` extensions and the limits. Built once,
/// reused for every message. There is no `Default`: both allow-lists are
/// required (RFC 8725 section 3.1).
#[derive(Clone, Debug)]
pub struct Decryption {
    algs: Vec<KeyManagementAlgorithm>,
    encs: Vec<ContentEncryptionAlgorithm>,
    understood: Vec<String>,
    limits: Limits,
}

/// A decrypted JWE.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Decrypted {
    /// The integrity-protected header.
    pub protected: Header,
    /// The joint header of the recipient that decrypted: protected, shared
    /// unprotected and per-recipient members together. Only the protected
    /// members are authenticated.
    pub joint: Header,
    /// The plaintext (decompressed if `zip` was used).
    pub plaintext: Zeroizing<Vec<u8>>,
    /// The JWE AAD (JSON serializations), authenticated.
    pub aad: Option<Vec<u8>>,
    /// Which recipient's key opened the message (0 for compact).
    pub recipient_index: usize,
    /// The key management algorithm used.
    pub alg: KeyManagementAlgorithm,
    /// The content encryption algorithm used.
    pub enc: ContentEncryptionAlgorithm,
    /// Which key of the store opened the message: its `kid`, thumbprint and
    /// position. An application that trusts several parties checks this,
    /// not the header, to learn who the message is from.
    pub key: Arc<KeyIdentity>,
}

impl Decryption {
    /// Decryption that accepts only these algorithms.
    ///
    /// # Errors
    ///
    /// [`Error::ApiMisuse`] when either list is empty.
    pub fn new(
        algs: &[KeyManagementAlgorithm],
        encs: &[ContentEncryptionAlgorithm],
    ) -> Result<Self, Error> {
        if algs.is_empty() || encs.is_empty() {
            return Err(Error::ApiMisuse(
                "the algorithm allow-lists must not be empty",
            ));
        }
        Ok(Self {
            algs: algs.to_vec(),
            encs: encs.to_vec(),
            understood: Vec::new(),
            limits: Limits::default(),
        })
    }

    /// The allowed key management algorithms.
    pub fn algorithms(&self) -> &[KeyManagementAlgorithm] {
        &self.algs
    }

    /// The allowed content encryption algorithms.
    pub fn encryptions(&self) -> &[ContentEncryptionAlgorithm] {
        &self.encs
    }

    /// Declares a `crit` extension the caller understands and checks itself.
    #[must_use]
    pub fn understand(mut self, name: impl Into<String>) -> Self {
        self.understood.push(name.into());
        self
    }

    /// Replaces the limits.
    #[must_use]
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Decrypts a JWE in any serialization with a key from `keys`.
    ///
    /// Recipients are tried in order, each with the store's candidate keys,
    /// within the message's work budget ([`Limits`]). When some recipient's
    /// `kid` names a key of the store, only the recipients whose `kid`
    /// matched are tried: the others are for someone else, and trying them
    /// would spend the budget on keys that cannot open them.
    ///
    /// # Errors
    ///
    /// [`Error::Malformed`] for input that is not a JWE or is over a limit;
    /// [`Error::Policy`] for an algorithm outside the allow-lists, an unknown
    /// `crit`, a `p2c` above the limit, or no key that fits;
    /// [`Error::DecryptionFailed`] when no key opens it, whatever the reason.
    pub fn decrypt(
        &self,
        provider: &Provider,
        input: &str,
        keys: &dyn KeyStore,
    ) -> Result<Decrypted, Error> {
        // One road for both: the asynchronous one, whose every await is
        // ready at once with a synchronous store.
        let keys: &dyn AsyncKeyStore = &keys;
        asynchronous::ready_now(self.decrypt_async(provider, input, keys)).unwrap_or(Err(
            Error::ApiMisuse("a synchronous key store did not answer at once"),
        ))
    }

    /// Decrypts a JWE as [`Decryption::decrypt`] does, with keys from an
    /// [`AsyncKeyStore`]: key decryptors in a KMS (an RSA-OAEP unwrap
    /// there), or a store that fetches its keys. Every [`KeyStore`] is an
    /// [`AsyncKeyStore`] too. Dropping the future abandons this message
    /// only.
    ///
    /// # Errors
    ///
    /// As [`Decryption::decrypt`]; the store's and the key decryptors'.
    pub async fn decrypt_async(
        &self,
        provider: &Provider,
        input: &str,
        keys: &dyn AsyncKeyStore,
    ) -> Result<Decrypted, Error> {
        let raw = parse::parse(input, &self.limits)?;
        let max_header = self.limits.max_header;
        let empty = Object::new();
        let shared = raw.unprotected.as_ref().unwrap_or(&empty);
        // Compact (and most JSON) JWEs have no unprotected header: then the
        // joint header is the protected one, parsed once straight from its
        // JSON, and no JSON object is kept for joining.
        let unprotected = !shared.is_empty()
            || raw
                .recipients
                .iter()
                .any(|r| r.header.as_ref().is_some_and(|h| !h.is_empty()));
        let (protected, protected_obj) = if unprotected {
            let protected_obj = header::decode_protected(&raw.protected_b64, max_header)?;
            (Header::from_object(protected_obj.clone())?, protected_obj)
        } else {
            (
                header::decode_protected_header(&raw.protected_b64, max_header)?,
                Object::new(),
            )
        };

        // zip and crit must be integrity protected (RFC 7516 4.1.3, RFC 7515 4.1.11).
        for r in &raw.recipients {
            let own = r.header.as_ref().unwrap_or(&empty);
            for name in ["zip", "crit"] {
                if shared.contains_key(name) || own.contains_key(name) {
                    return Err(Error::Policy(Policy::NotProtected(name.to_string())));
                }
            }
        }
        if let Some(crit) = &protected.crit {
            for name in crit {
                let understood = self.understood.iter().any(|u| u == name);
                if !understood || !protected.contains(name) {
                    return Err(Error::Policy(Policy::UnknownCritical(name.clone())));
                }
            }
        }

        let mut aad = raw.protected_b64.clone().into_bytes();
        if let Some(extra) = &raw.aad_b64 {
            aad.push(b'.');
            aad.extend_from_slice(extra.as_bytes());
        }

        // Every recipient's header and key candidates first (no crypto):
        // when some recipient's `kid` names a key of the store, only those
        // recipients are tried, so recipients meant for others cost nothing.
        let mut prepared: Vec<Result<Prepared, Error>> = Vec::with_capacity(raw.recipients.len());
        for recipient in &raw.recipients {
            let own = recipient.header.as_ref().unwrap_or(&empty);
            let headers = Headers {
                protected: &protected,
                protected_obj: &protected_obj,
                shared,
                own,
            };
            prepared.push(self.prepare(provider, &raw, headers, keys).await);
        }
        let kid_matched = |p: &Result<Prepared, Error>| p.as_ref().is_ok_and(Prepared::kid_matched);
        let only_kid_matched = prepared.iter().any(kid_matched);

        let mut first_error = None;
        let mut work = Work::new(&self.limits);
        for (index, (recipient, prepared)) in raw.recipients.iter().zip(prepared).enumerate() {
            let result = match prepared {
                Ok(p) if only_kid_matched && !p.kid_matched() => continue,
                Ok(p) => {
                    self.open(&mut work, &raw, p, &recipient.encrypted_key, &aad)
                        .await
                }
                Err(_) if only_kid_matched => continue,
                Err(e) => Err(e),
            };
            match result {
                Ok(Opened {
                    joint,
                    alg,
                    enc,
                    plaintext,
                    key,
                }) => {
                    let aad = match &raw.aad_b64 {
                        Some(a) => Some(b64::decode("aad", a)?),
                        None => None,
                    };
                    return Ok(Decrypted {
                        protected,
                        joint,
                        plaintext,
                        aad,
                        recipient_index: index,
                        alg,
                        enc,
                        key,
                    });
                }
                Err(e @ Error::Policy(Policy::WorkLimitExceeded(_))) => return Err(e),
                Err(e) => {
                    // A recipient no key fits says less than one that failed.
                    let no_key = |e: &Error| matches!(e, Error::Policy(Policy::NoMatchingKey));
                    let replace = match &first_error {
                        None => true,
                        Some(first) => no_key(first) && !no_key(&e),
                    };
                    if replace {
                        first_error = Some(e);
                    }
                }
            }
        }
        Err(first_error.unwrap_or(Error::DecryptionFailed))
    }

    /// One recipient's joint header, checked against the allow-lists and
    /// limits, with the store's candidate keys for it. No key is used yet.
    async fn prepare(
        &self,
        provider: &Provider,
        raw: &RawJwe,
        headers: Headers<'_>,
        keys: &dyn AsyncKeyStore,
    ) -> Result<Prepared, Error> {
        let Headers {
            protected,
            protected_obj,
            shared,
            own,
        } = headers;
        let joint = if shared.is_empty() && own.is_empty() {
            protected.clone()
        } else {
            Header::from_object(header::join_disjoint(&[protected_obj, shared, own])?)?
        };
        let alg = match joint.alg {
            Some(Algorithm::KeyManagement(a)) => a,
            Some(other) => {
                return Err(Error::Policy(Policy::AlgorithmNotAllowed(
                    other.name().to_string(),
                )));
            }
            None => return Err(Error::malformed("header \"alg\"", MalformedReason::Missing)),
        };
        if !self.algs.contains(&alg) {
            return Err(Error::Policy(Policy::AlgorithmNotAllowed(
                alg.name().to_string(),
            )));
        }
        let enc = joint
            .enc
            .ok_or_else(|| Error::malformed("header \"enc\"", MalformedReason::Missing))?;
        if !self.encs.contains(&enc) {
            return Err(Error::Policy(Policy::AlgorithmNotAllowed(
                enc.name().to_string(),
            )));
        }
        if raw.iv.len() != enc.iv_len() {
            return Err(Error::malformed(
                "iv",
                MalformedReason::Invalid("has the wrong length for enc"),
            ));
        }
        if raw.tag.len() != enc.tag_len() {
            return Err(Error::malformed(
                "tag",
                MalformedReason::Invalid("has the wrong length for enc"),
            ));
        }
        if joint.p2c.is_some_and(|c| c > self.limits.max_p2c) {
            return Err(Error::Policy(Policy::LimitExceeded("p2c")));
        }
        if joint.p2s.as_ref().is_some_and(|s| s.len() < 8) {
            return Err(Error::malformed(
                "header \"p2s\"",
                MalformedReason::Invalid("must be at least 8 bytes (RFC 7518 section 4.8.1.1)"),
            ));
        }
        let cipher = provider.content_cipher(enc)?;
        let mut candidates = keys.key_decryptors(alg, &joint).await?;
        candidates.retain(|c| c.key.algorithm() == alg);
        if candidates.is_empty() {
            return Err(Error::Policy(Policy::NoMatchingKey));
        }
        Ok(Prepared {
            joint,
            alg,
            enc,
            cipher,
            candidates,
        })
    }

    /// Tries the prepared recipient's candidate keys in turn, within the
    /// message's work budget.
    async fn open(
        &self,
        work: &mut Work,
        raw: &RawJwe,
        prepared: Prepared,
        encrypted_key: &[u8],
        aad: &[u8],
    ) -> Result<Opened, Error> {
        let Prepared {
            joint,
            alg,
            enc,
            cipher,
            candidates,
        } = prepared;
        let mut error = Error::DecryptionFailed;
        for candidate in &candidates {
            if !work.spend_key(alg, &joint, &candidate.identity)? {
                continue;
            }
            let cek = match candidate.key.decrypt_key(&joint, enc, encrypted_key).await {
                Ok(cek) => cek,
                Err(Error::DecryptionFailed) => continue,
                Err(e) => {
                    error = e;
                    continue;
                }
            };
            // A tag failure tries the next key: every failure looks the same.
            work.spend_content(raw.ciphertext.len())?;
            let Ok(plaintext) = cipher.decrypt(&cek, &raw.iv, aad, &raw.ciphertext, &raw.tag)
            else {
                continue;
            };
            let plaintext = match joint.zip {
                None => plaintext,
                Some(CompressionAlgorithm::Def) => inflate(&plaintext, self.limits.max_plaintext)?,
                Some(_) => {
                    return Err(Error::Unsupported(jose_core::Unsupported::Algorithm(
                        "zip".into(),
                    )));
                }
            };
            return Ok(Opened {
                joint,
                alg,
                enc,
                plaintext,
                key: Arc::clone(&candidate.identity),
            });
        }
        Err(error)
    }
}

/// One recipient ready to open: its joint header, algorithms, content
/// cipher and the store's candidate keys.
struct Prepared {
    joint: Header,
    alg: KeyManagementAlgorithm,
    enc: ContentEncryptionAlgorithm,
    cipher: &'static dyn ContentCipher,
    candidates: Vec<Candidate<dyn AsyncKeyDecryptor>>,
}

/// The headers one recipient's joint header is made of.
#[derive(Clone, Copy)]
struct Headers<'a> {
    protected: &'a Header,
    /// The protected header as JSON, when some header will be joined to it.
    protected_obj: &'a Object,
    shared: &'a Object,
    own: &'a Object,
}

impl Prepared {
    /// Whether the recipient names a `kid` that one of its candidate keys
    /// carries.
    fn kid_matched(&self) -> bool {
        self.joint.kid.as_deref().is_some_and(|kid| {
            self.candidates
                .iter()
                .any(|c| c.identity.kid.as_deref() == Some(kid))
        })
    }
}

/// The work one message may still cost: what [`Limits`] allows for key
/// derivation, private-key operations and content decryption, spent as
/// recipients and keys are tried.
struct Work {
    kdf_iterations: u64,
    private_key_ops: usize,
    content_bytes: usize,
    /// The password keys already tried: each at most once per message.
    passwords_tried: Vec<Arc<KeyIdentity>>,
}

impl Work {
    fn new(limits: &Limits) -> Self {
        Self {
            kdf_iterations: limits.max_kdf_iterations,
            private_key_ops: limits.max_private_key_ops,
            content_bytes: limits.max_content_bytes,
            passwords_tried: Vec::new(),
        }
    }

    /// Spends what trying a key with `alg` costs. `Ok(false)`: skip the key
    /// (a password already tried for this message).
    fn spend_key(
        &mut self,
        alg: KeyManagementAlgorithm,
        header: &Header,
        key: &Arc<KeyIdentity>,
    ) -> Result<bool, Error> {
        let requirement = alg.requirement();
        if requirement == KeyRequirement::Password {
            if self.passwords_tried.iter().any(|k| Arc::ptr_eq(k, key)) {
                return Ok(false);
            }
            self.passwords_tried.push(Arc::clone(key));
            let count = header.p2c.unwrap_or(0);
            self.kdf_iterations = self
                .kdf_iterations
                .checked_sub(count)
                .ok_or(Error::Policy(Policy::WorkLimitExceeded("PBES2 iterations")))?;
        } else if !requirement.is_shared_secret() {
            // RSA and ECDH: one private-key operation.
            self.private_key_ops = self.private_key_ops.checked_sub(1).ok_or(Error::Policy(
                Policy::WorkLimitExceeded("private-key operations"),
            ))?;
        }
        Ok(true)
    }

    /// Spends a content decryption of `len` ciphertext bytes.
    fn spend_content(&mut self, len: usize) -> Result<(), Error> {
        self.content_bytes =
            self.content_bytes
                .checked_sub(len)
                .ok_or(Error::Policy(Policy::WorkLimitExceeded(
                    "content decryption",
                )))?;
        Ok(())
    }
}

/// What one recipient's key opened.
struct Opened {
    joint: Header,
    alg: KeyManagementAlgorithm,
    enc: ContentEncryptionAlgorithm,
    plaintext: Zeroizing<Vec<u8>>,
    key: Arc<KeyIdentity>,
}

/// Raw DEFLATE (RFC 1951) with a bound on the output (zip bombs). Every
/// buffer that holds plaintext is zeroized when dropped, on success and on
/// error alike: the buffer grows by moving into a larger zeroizing one,
/// never by reallocating in place (which would free an unzeroized copy).
fn inflate(data: &[u8], limit: usize) -> Result<Zeroizing<Vec<u8>>, Error> {
    use miniz_oxide::inflate::TINFLStatus;
    use miniz_oxide::inflate::core::inflate_flags::TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF;
    use miniz_oxide::inflate::core::{DecompressorOxide, decompress};

    let too_large = || {
        Error::malformed(
            "decompressed plaintext",
            MalformedReason::TooLarge { limit },
        )
    };
    let invalid = || {
        Error::malformed(
            "compressed plaintext",
            MalformedReason::Invalid("is not valid DEFLATE data"),
        )
    };
    let mut state = alloc::boxed::Box::<DecompressorOxide>::default();
    let mut out = Zeroizing::new(
        alloc::vec![0u8; data.len().saturating_mul(2).max(64).min(limit.saturating_add(1))],
    );
    let mut input = data;
    let mut written = 0;
    loop {
        let (status, consumed, produced) = decompress(
            &mut state,
            input,
            &mut out,
            written,
            TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF,
        );
        written = written.saturating_add(produced);
        input = input.get(consumed..).ok_or_else(invalid)?;
        match status {
            TINFLStatus::Done if written <= limit => {
                out.truncate(written);
                return Ok(out);
            }
            TINFLStatus::Done => return Err(too_large()),
            TINFLStatus::HasMoreOutput if out.len() > limit => return Err(too_large()),
            TINFLStatus::HasMoreOutput => {
                // One byte over the limit tells "exactly at" from "over".
                let grown = out.len().saturating_mul(2).min(limit.saturating_add(1));
                let mut larger = Zeroizing::new(alloc::vec![0u8; grown]);
                larger
                    .get_mut(..out.len())
                    .ok_or_else(invalid)?
                    .copy_from_slice(&out);
                out = larger;
            }
            _ => return Err(invalid()),
        }
    }
}
