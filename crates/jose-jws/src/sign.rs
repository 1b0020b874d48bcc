//! Producing JWS in the three serializations.

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use jose_core::asynchronous::{AsyncSigner, ready_now};
use jose_core::json::Object;
use jose_core::{Algorithm, Error, Header, JwsAlgorithm, Signer, b64};
use serde_json::Value;

/// One signature to produce: a signer (bound to its algorithm and key ID)
/// and the headers to put beside it.
#[derive(Debug)]
pub struct SignatureSpec<'a> {
    signer: SpecSigner<'a>,
    protected: Header,
    unprotected: Option<Header>,
}

/// The signer of a [`SignatureSpec`]: one that answers at once, or one
/// that may have to wait (a KMS).
#[derive(Clone, Copy, Debug)]
enum SpecSigner<'a> {
    Sync(&'a dyn Signer),
    Async(&'a dyn AsyncSigner),
}

impl SpecSigner<'_> {
    fn algorithm(&self) -> JwsAlgorithm {
        match self {
            Self::Sync(s) => Signer::algorithm(*s),
            Self::Async(s) => s.algorithm(),
        }
    }

    fn key_id(&self) -> Option<&str> {
        match self {
            Self::Sync(s) => Signer::key_id(*s),
            Self::Async(s) => s.key_id(),
        }
    }

    async fn sign(&self, signing_input: &[u8]) -> Result<Vec<u8>, Error> {
        match self {
            Self::Sync(s) => Signer::sign(*s, signing_input),
            Self::Async(s) => s.sign(signing_input).await,
        }
    }
}

/// What the synchronous methods say of an [`AsyncSigner`] that has to wait.
const WAITS: Error = Error::ApiMisuse(
    "this signer has to wait for its answer: use the _async methods of JwsBuilder",
);

impl<'a> SignatureSpec<'a> {
    /// A signature by `signer`. Its `alg` (and `kid`, if the key has one and
    /// no header names another) go into the protected header.
    pub fn new(signer: &'a dyn Signer) -> Self {
        Self::with(SpecSigner::Sync(signer))
    }

    /// A signature by an [`AsyncSigner`] (a key in a KMS or a signing
    /// service), for the `_async` methods of [`JwsBuilder`].
    pub fn new_async(signer: &'a dyn AsyncSigner) -> Self {
        Self::with(SpecSigner::Async(signer))
    }

    fn with(signer: SpecSigner<'a>) -> Self {
        Self {
            signer,
            protected: Header::new(),
            unprotected: None,
        }
    }

    /// Members for the protected header (`typ`, `cty`, extensions, ...).
    #[must_use]
    pub fn protected(mut self, header: Header) -> Self {
        self.protected = header;
        self
    }

    /// Members for the unprotected header (JSON serializations only).
    #[must_use]
    pub fn unprotected(mut self, header: Header) -> Self {
        self.unprotected = Some(header);
        self
    }
}

/// Builds a JWS over one payload.
///
/// ```
/// use jose_core::JwsAlgorithm;
/// use jose_jwk::Jwk;
/// use jose_jws::{JwsBuilder, Verification};
///
/// let provider = jose_rustcrypto::PROVIDER;
/// let jwk = Jwk::oct(b"a shared secret of at least 32 bytes")?;
/// let token = JwsBuilder::new(b"hello").compact(&provider.signer(&jwk, JwsAlgorithm::Hs256)?)?;
///
/// let verified = Verification::new(&[JwsAlgorithm::Hs256])?.verify(&token, &provider.verifier(&jwk)?)?;
/// assert_eq!(verified.payload, b"hello");
/// # Ok::<(), jose_core::Error>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct JwsBuilder<'p> {
    payload: &'p [u8],
    detached: bool,
    encoded: bool,
}

impl<'p> JwsBuilder<'p> {
    /// A JWS over `payload`, attached and base64url-encoded.
    pub fn new(payload: &'p [u8]) -> Self {
        Self {
            payload,
            detached: false,
            encoded: true,
        }
    }

    /// Leaves the payload out of the output (RFC 7515 appendix F).
    #[must_use]
    pub fn detached(mut self) -> Self {
        self.detached = true;
        self
    }

    /// Signs the payload as is, without base64url (RFC 7797): adds
    /// `"b64": false` and lists it in `crit`.
    #[must_use]
    pub fn unencoded(mut self) -> Self {
        self.encoded = false;
        self
    }

    /// The compact serialization with one signer and no extra header members.
    ///
    /// # Errors
    ///
    /// As [`JwsBuilder::compact_with`].
    pub fn compact(&self, signer: &dyn Signer) -> Result<String, Error> {
        self.compact_with(SignatureSpec::new(signer))
    }

    /// The compact serialization (RFC 7515 section 7.1).
    ///
    /// # Errors
    ///
    /// [`Error::ApiMisuse`] for an unprotected header (compact has none), a
    /// header `alg` that differs from the signer's, or an attached unencoded
    /// payload that contains `.` or is not UTF-8; errors of the signer.
    pub fn compact_with(&self, spec: SignatureSpec<'_>) -> Result<String, Error> {
        // One road with the async method: with a synchronous signer its
        // future is ready at once (no allocation, measured no slower).
        ready_now(self.compact_with_async(spec)).unwrap_or(Err(WAITS))
    }

    /// [`JwsBuilder::compact_with`] for a spec whose signer may have to wait
    /// ([`SignatureSpec::new_async`]).
    ///
    /// # Errors
    ///
    /// As [`JwsBuilder::compact_with`].
    pub async fn compact_with_async(&self, spec: SignatureSpec<'_>) -> Result<String, Error> {
        if spec.unprotected.is_some() {
            return Err(Error::ApiMisuse(
                "the compact serialization has no unprotected header",
            ));
        }
        let signer = spec.signer;
        let pending = self.begin_compact(signer.algorithm(), signer.key_id(), spec.protected)?;
        let signature = signer.sign(pending.signing_input()).await?;
        Ok(pending.finish(&signature))
    }

    /// The compact serialization, signed by an [`AsyncSigner`] (a key in a
    /// KMS or a signing service), with `protected` completed as
    /// [`JwsBuilder::compact_with`] completes it. Every [`Signer`] is an
    /// [`AsyncSigner`] too.
    ///
    /// Dropping the future before it completes abandons this signature
    /// only: nothing is kept, and the signer's own duty is to stay usable.
    ///
    /// # Errors
    ///
    /// As [`JwsBuilder::compact_with`].
    pub async fn compact_async(
        &self,
        signer: &dyn AsyncSigner,
        protected: Header,
    ) -> Result<String, Error> {
        self.compact_with_async(SignatureSpec::new_async(signer).protected(protected))
            .await
    }

    /// Completes the protected header and writes `header.payload` once, in
    /// the output buffer: it is the signing input (a detached payload is
    /// cut out when the signature is added).
    fn begin_compact(
        &self,
        alg: JwsAlgorithm,
        kid: Option<&str>,
        protected: Header,
    ) -> Result<PendingCompact, Error> {
        if !self.encoded && !self.detached {
            // Checks the attached unencoded payload (UTF-8, no '.').
            self.payload_text(true)?;
        }
        let protected = self.complete(alg, kid, protected, None)?;
        let payload_len = if self.encoded {
            self.payload.len().div_ceil(3) * 4
        } else {
            self.payload.len()
        };
        let mut out = String::new();
        protected.with_json(|json| {
            // Room for the parts and a signature of up to 64 bytes.
            out.reserve(json.len().div_ceil(3) * 4 + payload_len + 90);
            b64::encode_into(json, &mut out);
        });
        let protected_len = out.len();
        out.push('.');
        let mut binary_input = None;
        if self.encoded {
            b64::encode_into(self.payload, &mut out);
        } else if let Ok(text) = core::str::from_utf8(self.payload) {
            out.push_str(text);
        } else {
            // A detached binary unencoded payload: signed over the raw
            // bytes, which cannot stand in the text.
            let mut input = out.clone().into_bytes();
            input.extend_from_slice(self.payload);
            binary_input = Some(input);
        }
        Ok(PendingCompact {
            out,
            protected_len,
            detached: self.detached,
            binary_input,
        })
    }

    /// The flattened JSON serialization (RFC 7515 section 7.2.2).
    ///
    /// # Errors
    ///
    /// As [`JwsBuilder::general`].
    pub fn flattened(&self, spec: SignatureSpec<'_>) -> Result<String, Error> {
        ready_now(self.flattened_async(spec)).unwrap_or(Err(WAITS))
    }

    /// [`JwsBuilder::flattened`] for a spec whose signer may have to wait
    /// ([`SignatureSpec::new_async`]).
    ///
    /// # Errors
    ///
    /// As [`JwsBuilder::general`].
    pub async fn flattened_async(&self, spec: SignatureSpec<'_>) -> Result<String, Error> {
        let mut obj = self.signature_object(&spec).await?;
        self.add_payload(&mut obj)?;
        Ok(Value::Object(obj).to_string())
    }

    /// The general JSON serialization (RFC 7515 section 7.2.1) with one
    /// signature per spec.
    ///
    /// # Errors
    ///
    /// [`Error::ApiMisuse`] for no signature, headers that share a member, a
    /// header `alg` that differs from its signer's, or an unencoded payload
    /// that is not UTF-8; errors of the signers.
    pub fn general(&self, specs: &[SignatureSpec<'_>]) -> Result<String, Error> {
        ready_now(self.general_async(specs)).unwrap_or(Err(WAITS))
    }

    /// [`JwsBuilder::general`] for specs whose signers may have to wait
    /// ([`SignatureSpec::new_async`]); the signatures are made one after
    /// the other.
    ///
    /// # Errors
    ///
    /// As [`JwsBuilder::general`].
    pub async fn general_async(&self, specs: &[SignatureSpec<'_>]) -> Result<String, Error> {
        if specs.is_empty() {
            return Err(Error::ApiMisuse("a JWS needs at least one signature"));
        }
        let mut signatures = Vec::with_capacity(specs.len());
        for spec in specs {
            signatures.push(Value::Object(self.signature_object(spec).await?));
        }
        let mut obj = Object::new();
        obj.insert("signatures".into(), Value::Array(signatures));
        self.add_payload(&mut obj)?;
        Ok(Value::Object(obj).to_string())
    }

    fn add_payload(&self, obj: &mut Object) -> Result<(), Error> {
        if !self.detached {
            obj.insert("payload".into(), Value::String(self.payload_text(false)?));
        }
        Ok(())
    }

    /// The payload as it appears in the output.
    fn payload_text(&self, compact: bool) -> Result<String, Error> {
        if self.encoded {
            return Ok(b64::encode(self.payload));
        }
        let text = core::str::from_utf8(self.payload)
            .map_err(|_| Error::ApiMisuse("an unencoded payload must be UTF-8 here"))?;
        if compact && !self.detached && text.contains('.') {
            return Err(Error::ApiMisuse(
                "an attached unencoded payload of a compact JWS must not contain '.' (RFC 7797 section 5.2)",
            ));
        }
        Ok(text.to_string())
    }

    async fn signature_object(&self, spec: &SignatureSpec<'_>) -> Result<Object, Error> {
        let (protected_b64, signature) = self.sign_one(spec).await?;
        let mut obj = Object::new();
        obj.insert("protected".into(), Value::String(protected_b64));
        if let Some(u) = &spec.unprotected {
            let value = serde_json::to_value(u)
                .map_err(|_| Error::ApiMisuse("the unprotected header cannot be serialized"))?;
            obj.insert("header".into(), value);
        }
        obj.insert("signature".into(), Value::String(b64::encode(&signature)));
        Ok(obj)
    }

    /// Completes the protected header of one signature: the signer's `alg`
    /// and `kid`, and `b64` as the builder says.
    fn complete(
        &self,
        alg: JwsAlgorithm,
        kid: Option<&str>,
        mut protected: Header,
        unprotected: Option<&Header>,
    ) -> Result<Header, Error> {
        match protected.alg {
            Some(Algorithm::Signature(a)) if a == alg => {}
            None => protected.alg = Some(Algorithm::Signature(alg)),
            Some(_) => return Err(Error::ApiMisuse("the header alg differs from the signer's")),
        }
        if protected.kid.is_none() && unprotected.is_none_or(|u| u.kid.is_none()) {
            protected.kid = kid.map(String::from);
        }
        // `b64` follows the builder (`unencoded()`); a header that says
        // otherwise would make the signed bytes differ from the payload.
        if protected.b64.is_some_and(|b| b != self.encoded) {
            return Err(Error::ApiMisuse(
                "the header's b64 contradicts the builder: use JwsBuilder::unencoded",
            ));
        }
        if !self.encoded {
            protected.b64 = Some(false);
        }
        if protected.b64.is_some() {
            let crit = protected.crit.get_or_insert_with(Vec::new);
            if !crit.iter().any(|c| c == "b64") {
                crit.push("b64".into());
            }
        }
        if let Some(u) = unprotected {
            if u.crit.is_some() || u.b64.is_some() {
                return Err(Error::ApiMisuse(
                    "\"crit\" and \"b64\" must be in the protected header",
                ));
            }
            let json = serde_json::to_value(u)
                .map_err(|_| Error::ApiMisuse("the unprotected header cannot be serialized"))?;
            if let Value::Object(members) = json {
                if members.keys().any(|k| protected.contains(k)) {
                    return Err(Error::ApiMisuse(
                        "protected and unprotected headers must not share a member",
                    ));
                }
            }
        }
        Ok(protected)
    }

    /// Completes the protected header, and signs.
    async fn sign_one(&self, spec: &SignatureSpec<'_>) -> Result<(String, Vec<u8>), Error> {
        let protected = self.complete(
            spec.signer.algorithm(),
            spec.signer.key_id(),
            spec.protected.clone(),
            spec.unprotected.as_ref(),
        )?;
        let protected_b64 = b64::encode(protected.to_json().as_bytes());
        let payload = if self.encoded {
            b64::encode(self.payload).into_bytes()
        } else {
            self.payload.to_vec()
        };
        let mut input = Vec::with_capacity(protected_b64.len() + 1 + payload.len());
        input.extend_from_slice(protected_b64.as_bytes());
        input.push(b'.');
        input.extend_from_slice(&payload);
        let signature = spec.signer.sign(&input).await?;
        Ok((protected_b64, signature))
    }
}

/// A compact JWS waiting for its signature: `header.payload` written, the
/// signing input ready.
struct PendingCompact {
    out: String,
    /// The length of the encoded protected header in `out`.
    protected_len: usize,
    detached: bool,
    /// The signing input when it is not `out` (a binary unencoded payload).
    binary_input: Option<Vec<u8>>,
}

impl PendingCompact {
    fn signing_input(&self) -> &[u8] {
        self.binary_input.as_deref().unwrap_or(self.out.as_bytes())
    }

    /// Adds the signature, cutting out a detached payload first.
    fn finish(mut self, signature: &[u8]) -> String {
        if self.detached {
            self.out.truncate(self.protected_len + 1);
        }
        self.out.push('.');
        b64::encode_into(signature, &mut self.out);
        self.out
    }
}
