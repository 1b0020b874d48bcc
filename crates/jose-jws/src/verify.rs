//! Verification: the caller's allow-list, `crit`, `b64`, and keys from a
//! [`KeyStore`].

use alloc::borrow::Cow;
use alloc::string::{String, ToString};
use alloc::sync::Arc;
use alloc::vec::Vec;

use jose_core::asynchronous::AsyncKeyStore;
use jose_core::header::{self, Header};
use jose_core::{
    Algorithm, Candidate, Error, JwsAlgorithm, KeyDecryptor, KeyIdentity, KeyManagementAlgorithm,
    KeyStore, MalformedReason, Policy, Verifier, b64,
};

use crate::Limits;
use crate::parse::{self, RawJws, RawSignature};

/// How to verify: which algorithms are allowed, which `crit` extensions are
/// understood, and the size limits. Built once, reused for every message.
///
/// There is no `Default`: the allow-list is required (RFC 8725 section 3.1),
/// and `none` cannot be in it because [`JwsAlgorithm`] has no `none`.
#[derive(Clone, Debug)]
pub struct Verification {
    allowed: Vec<JwsAlgorithm>,
    understood: Vec<String>,
    limits: Limits,
    all_signatures: bool,
}

/// A verified JWS: the protected header that the signature covers, the
/// unprotected header (JSON serializations only), the payload, and which
/// signature and key verified it.
///
/// # What "verified" means with several signatures
///
/// A general JSON JWS carries several signatures over one payload. By
/// default it verifies when *one* of them, tried in order, verifies with a
/// key from the store: `signature_index`, `alg`, `key` and the headers are
/// that signature's, and `signatures` lists it alone. Signatures after it
/// are not checked, and one before it that failed is not reported. With
/// [`Verification::require_all_signatures`] every signature must verify,
/// each with some key of the store, and `signatures` lists them all, in
/// order; the headers and `key` are then those of the first.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Verified {
    /// The integrity-protected header.
    pub protected: Header,
    /// The unprotected header of the verified signature, if any. Its members
    /// are not covered by the signature.
    pub unprotected: Option<Header>,
    /// The payload.
    pub payload: Vec<u8>,
    /// The index of the signature that verified (0 for compact and flattened).
    pub signature_index: usize,
    /// The algorithm of the verified signature.
    pub alg: JwsAlgorithm,
    /// Which key of the store verified it: its `kid`, thumbprint and
    /// position. An application that trusts several issuers binds the
    /// issuer to this, not to the header's `kid`.
    pub key: Arc<KeyIdentity>,
    /// Every signature that verified, in order (see above).
    pub signatures: Vec<VerifiedSignature>,
}

/// One signature of a JWS that verified.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct VerifiedSignature {
    /// Its index in the `signatures` array (0 for compact and flattened).
    pub index: usize,
    /// Its algorithm.
    pub alg: JwsAlgorithm,
    /// The key that verified it.
    pub key: Arc<KeyIdentity>,
}

/// What the signatures of one JWS share while they are checked in turn.
#[derive(Default)]
struct Shared {
    /// The `b64` of the first signature checked: all must agree.
    b64: Option<bool>,
    /// The payload, decoded once.
    payload: Option<Vec<u8>>,
}

impl Verification {
    /// Verification that accepts only the algorithms in `allowed`.
    ///
    /// # Errors
    ///
    /// [`Error::ApiMisuse`] when `allowed` is empty.
    pub fn new(allowed: &[JwsAlgorithm]) -> Result<Self, Error> {
        if allowed.is_empty() {
            return Err(Error::ApiMisuse("the algorithm allow-list is empty"));
        }
        Ok(Self {
            allowed: allowed.to_vec(),
            understood: Vec::new(),
            limits: Limits::default(),
            all_signatures: false,
        })
    }

    /// Requires every signature of a general JSON JWS to verify, each with
    /// some key of the store, instead of any one of them (see
    /// [`Verified`]). A compact or flattened JWS has one signature either way.
    #[must_use]
    pub fn require_all_signatures(mut self) -> Self {
        self.all_signatures = true;
        self
    }

    /// Declares a `crit` extension parameter the caller understands and
    /// checks itself. `b64` (RFC 7797) is always understood.
    #[must_use]
    pub fn understand(mut self, name: impl Into<String>) -> Self {
        self.understood.push(name.into());
        self
    }

    /// Replaces the size limits.
    #[must_use]
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// The allowed algorithms.
    pub fn allowed(&self) -> &[JwsAlgorithm] {
        &self.allowed
    }

    /// Verifies a JWS in any serialization (told apart by a leading `{`)
    /// with an attached payload.
    ///
    /// # Errors
    ///
    /// [`Error::Malformed`] for input that is not a JWS;
    /// [`Error::Policy`] for an algorithm outside the allow-list, an unknown
    /// `crit`, a misplaced `b64`, or no key that fits; [`Error::BadSignature`]
    /// when no signature verifies.
    pub fn verify(&self, input: &str, keys: &dyn KeyStore) -> Result<Verified, Error> {
        let raw = parse::any(input, &self.limits)?;
        self.check(raw, None, keys)
    }

    /// Verifies a JWS in any serialization with keys from an
    /// [`AsyncKeyStore`] (a remote JWK Set): the keys of every signature
    /// are looked up first, awaiting the store, then the JWS is verified as
    /// [`Verification::verify`] verifies it, with the same errors. Every
    /// [`KeyStore`] is an [`AsyncKeyStore`] too.
    ///
    /// # Errors
    ///
    /// As [`Verification::verify`]; the store's errors.
    pub async fn verify_async(
        &self,
        input: &str,
        keys: &dyn AsyncKeyStore,
    ) -> Result<Verified, Error> {
        let raw = parse::any(input, &self.limits)?;
        let mut fetched = Fetched::default();
        for sig in raw.signatures.iter() {
            // A signature whose header is refused gets no keys: the check
            // below refuses it again, with the error of `verify`.
            let Ok((protected, joint)) = self.headers(sig) else {
                continue;
            };
            let joint = joint.unwrap_or(protected);
            let Ok(alg) = self.algorithm(&joint) else {
                continue;
            };
            let found = keys.verifiers(alg, &joint).await;
            fetched.found.push((alg, joint, found));
        }
        self.check(raw, None, &fetched)
    }

    /// Verifies a JWS whose payload is detached (RFC 7515 appendix F):
    /// compact with an empty middle part, or JSON without `payload`.
    ///
    /// # Errors
    ///
    /// As [`Verification::verify`]; also [`Error::Malformed`] when the JWS
    /// carries a payload after all.
    pub fn verify_detached(
        &self,
        input: &str,
        payload: &[u8],
        keys: &dyn KeyStore,
    ) -> Result<Verified, Error> {
        let mut raw = parse::any(input, &self.limits)?;
        match raw.payload.as_deref() {
            None | Some("") => raw.payload = None,
            Some(_) => return Err(Error::malformed("payload", MalformedReason::Unexpected)),
        }
        self.check(raw, Some(payload), keys)
    }

    fn check(
        &self,
        raw: RawJws<'_>,
        detached: Option<&[u8]>,
        keys: &dyn KeyStore,
    ) -> Result<Verified, Error> {
        let mut shared = Shared::default();
        let mut verified: Option<Verified> = None;
        let mut first_error = None;
        for (index, sig) in raw.signatures.iter().enumerate() {
            match self.check_one(&raw, sig, index, detached, keys, &mut shared) {
                Ok(one) => match &mut verified {
                    None => verified = Some(one),
                    Some(first) => first.signatures.extend(one.signatures),
                },
                Err(e) if self.all_signatures => return Err(e),
                Err(e) => {
                    first_error.get_or_insert(e);
                    continue;
                }
            }
            if !self.all_signatures {
                break;
            }
        }
        let mut verified = verified.ok_or_else(|| first_error.unwrap_or(Error::BadSignature))?;
        // The payload decoded once for every signature, moved out, not copied.
        verified.payload = shared.payload.take().unwrap_or_default();
        Ok(verified)
    }

    /// One signature's protected header, and its joint header when an
    /// unprotected header adds members (`None`: the joint header is the
    /// protected one).
    fn headers(&self, sig: &RawSignature<'_>) -> Result<(Header, Option<Header>), Error> {
        let max_header = self.limits.max_header;
        // Compact and most JSON signatures have no unprotected header: then
        // the joint header is the protected one, parsed once, straight from
        // its JSON.
        match sig.unprotected.as_ref().filter(|u| !u.is_empty()) {
            None => Ok((
                header::decode_protected_header(&sig.protected_b64, max_header)?,
                None,
            )),
            Some(unprotected) => {
                let protected_obj = header::decode_protected(&sig.protected_b64, max_header)?;
                let joint = header::join_disjoint(&[&protected_obj, unprotected])?;
                let joint = Header::from_object(joint)?;
                Ok((Header::from_object(protected_obj)?, Some(joint)))
            }
        }
    }

    /// The algorithm: from the header, but only if the caller allows it.
    fn algorithm(&self, joint: &Header) -> Result<JwsAlgorithm, Error> {
        let alg = match joint.alg {
            Some(Algorithm::Signature(a)) => a,
            Some(other) => {
                return Err(Error::Policy(Policy::AlgorithmNotAllowed(
                    other.name().to_string(),
                )));
            }
            None => return Err(Error::malformed("header \"alg\"", MalformedReason::Missing)),
        };
        if !self.allowed.contains(&alg) {
            return Err(Error::Policy(Policy::AlgorithmNotAllowed(
                alg.name().to_string(),
            )));
        }
        Ok(alg)
    }

    fn check_one(
        &self,
        raw: &RawJws<'_>,
        sig: &RawSignature<'_>,
        index: usize,
        detached: Option<&[u8]>,
        keys: &dyn KeyStore,
        shared: &mut Shared,
    ) -> Result<Verified, Error> {
        let (protected, joint_owned) = self.headers(sig)?;
        let joint = joint_owned.as_ref().unwrap_or(&protected);
        let unprotected_has = |name| {
            sig.unprotected
                .as_ref()
                .is_some_and(|u| u.contains_key(name))
        };
        let alg = self.algorithm(joint)?;

        // crit (RFC 7515 section 4.1.11) and b64 (RFC 7797 section 6).
        if unprotected_has("crit") {
            return Err(Error::Policy(Policy::NotProtected("crit".into())));
        }
        if let Some(crit) = &protected.crit {
            for name in crit {
                let understood = name == "b64" || self.understood.iter().any(|u| u == name);
                if !understood || !protected.contains(name) {
                    return Err(Error::Policy(Policy::UnknownCritical(name.clone())));
                }
            }
        }
        if unprotected_has("b64") {
            return Err(Error::Policy(Policy::NotProtected("b64".into())));
        }
        let encoded = match protected.b64 {
            None => true,
            Some(b) => {
                let listed = protected
                    .crit
                    .as_ref()
                    .is_some_and(|c| c.iter().any(|n| n == "b64"));
                if !listed {
                    return Err(Error::Policy(Policy::UnknownCritical("b64".into())));
                }
                b
            }
        };
        // Every signature of one JWS must agree on b64 (RFC 7797 section 3).
        if shared.b64.is_some_and(|first| first != encoded) {
            return Err(Error::malformed(
                "header \"b64\"",
                MalformedReason::Invalid("differs between signatures"),
            ));
        }
        shared.b64 = Some(encoded);

        // The signing input and the payload.
        // The payload: decoded here, so that bad base64 is reported as such
        // whatever the signature, and once per JWS, not once per signature.
        if shared.payload.is_none() {
            shared.payload = Some(match (&raw.payload, detached) {
                (Some(p), _) if encoded => b64::decode("payload", p)?,
                (Some(p), _) => p.as_bytes().to_vec(),
                (None, d) => d.unwrap_or_default().to_vec(),
            });
        }
        // The payload as it stands in the signing input.
        let payload_part: Cow<'_, [u8]> = match (&raw.payload, detached) {
            (Some(p), None) => Cow::Borrowed(p.as_bytes()),
            (None, Some(d)) if encoded => Cow::Owned(b64::encode(d).into_bytes()),
            (None, Some(d)) => Cow::Borrowed(d),
            (None, None) => {
                return Err(Error::malformed(
                    "payload",
                    MalformedReason::Invalid("is detached: verify it with the detached payload"),
                ));
            }
            (Some(_), Some(_)) => {
                return Err(Error::malformed("payload", MalformedReason::Unexpected));
            }
        };
        // Compact, attached, encoded: the signing input is a slice of the
        // input. Otherwise it is assembled once.
        let assembled;
        let signing_input: &[u8] = match raw.compact_signing_input {
            Some(borrowed) if encoded && detached.is_none() => borrowed.as_bytes(),
            _ => {
                let mut buf = Vec::with_capacity(sig.protected_b64.len() + 1 + payload_part.len());
                buf.extend_from_slice(sig.protected_b64.as_bytes());
                buf.push(b'.');
                buf.extend_from_slice(&payload_part);
                assembled = buf;
                &assembled
            }
        };
        // Room for the largest signature, RSA's of 8192 bits.
        let mut signature_buf = [0u8; 1024];
        let signature = b64::decode_buffered("signature", &sig.signature_b64, &mut signature_buf)?;

        let candidates = keys.verifiers(alg, joint)?;
        if candidates.is_empty() {
            return Err(Error::Policy(Policy::NoMatchingKey));
        }
        for candidate in &candidates {
            let verifier = &candidate.key;
            if verifier.algorithm() != alg {
                continue;
            }
            match verifier.verify(signing_input, &signature) {
                Ok(()) => {
                    // Filled in by `check` from the shared payload.
                    let payload = Vec::new();
                    let unprotected = match &sig.unprotected {
                        Some(u) => Some(Header::from_object(u.clone())?),
                        None => None,
                    };
                    let key = Arc::clone(&candidate.identity);
                    return Ok(Verified {
                        protected,
                        unprotected,
                        payload,
                        signature_index: index,
                        alg,
                        key: Arc::clone(&key),
                        signatures: alloc::vec![VerifiedSignature { index, alg, key }],
                    });
                }
                Err(Error::BadSignature) => {}
                Err(e) => return Err(e),
            }
        }
        Err(Error::BadSignature)
    }
}

/// The keys an [`AsyncKeyStore`] gave for each signature, served to the
/// synchronous check: for the same algorithm and joint header it asks
/// with, the same answer.
#[derive(Debug, Default)]
struct Fetched {
    found: Vec<(JwsAlgorithm, Header, Lookup)>,
}

/// What a store answered for one look-up.
type Lookup = Result<Vec<Candidate<dyn Verifier>>, Error>;

impl KeyStore for Fetched {
    fn verifiers(&self, alg: JwsAlgorithm, header: &Header) -> Lookup {
        self.found
            .iter()
            .find(|(a, h, _)| *a == alg && h == header)
            .map_or_else(|| Ok(Vec::new()), |(_, _, found)| found.clone())
    }

    fn key_decryptors(
        &self,
        _: KeyManagementAlgorithm,
        _: &Header,
    ) -> Result<Vec<Candidate<dyn KeyDecryptor>>, Error> {
        Ok(Vec::new())
    }
}
