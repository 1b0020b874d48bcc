//! [`JwkSetStore`]: a JWK Set as a [`KeyStore`], with every key built once
//! and indexed by `kid`.

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;

use jose_core::{
    Algorithm, Candidate, DecryptingKey, Error, Header, JwsAlgorithm, KeyDecryptor, KeyIdentity,
    KeyManagementAlgorithm, KeyStore, KeyType, Policy, Verifier, VerifyingKey,
};

use crate::jwk::Jwk;
use crate::params::KeyOp;
use crate::provider::Provider;
use crate::set::JwkSet;

/// A JWK Set made ready for verification and decryption: each key is parsed
/// into the backend's form once, when the store is built, and shared by
/// every later look-up.
///
/// - A header that names a `kid` is served by the keys with that `kid`,
///   found through an index, never by scanning the set. Keys without a
///   `kid` are not tried for it (they may be another tenant's) unless
///   [`JwkSetStore::match_keys_without_kid`] says so; a header without
///   `kid` is served by every key that fits.
/// - A set that holds both symmetric and asymmetric keys able to verify
///   refuses to verify (the setting of key confusion: an RSA public key
///   taken as an HMAC secret) unless
///   [`JwkSetStore::allow_symmetric_and_asymmetric`] says so.
/// - Keys the backend cannot use are left out and listed by
///   [`JwkSetStore::skipped`], so that one odd key in a published set does
///   not stop the others from working.
/// - Every key has a [`KeyIdentity`]: its `kid`, the RFC 7638 thumbprint
///   of its public key, its position in the set.
#[derive(Debug)]
pub struct JwkSetStore {
    entries: Vec<Entry>,
    by_kid: BTreeMap<String, Vec<usize>>,
    without_kid: Vec<usize>,
    skipped: Vec<(usize, Error)>,
    match_keys_without_kid: bool,
    mixed: bool,
    allow_mixed: bool,
}

#[derive(Debug)]
struct Entry {
    jwk: Jwk,
    verifying: Option<Arc<dyn VerifyingKey>>,
    decrypting: Option<Arc<dyn DecryptingKey>>,
    identity: Arc<KeyIdentity>,
}

impl JwkSetStore {
    /// Builds the store from `set` with `provider` (also
    /// [`Provider::key_set`]).
    pub fn new(set: &JwkSet, provider: &Provider) -> Self {
        let mut store = Self {
            entries: Vec::with_capacity(set.keys().len()),
            by_kid: BTreeMap::new(),
            without_kid: Vec::new(),
            skipped: Vec::new(),
            match_keys_without_kid: false,
            mixed: false,
            allow_mixed: false,
        };
        let (mut symmetric, mut asymmetric) = (false, false);
        for (index, jwk) in set.keys().iter().enumerate() {
            let verifying = if jwk.params().allows(KeyOp::Verify) {
                provider.verifier(jwk)
            } else {
                Err(Error::Policy(Policy::KeyUseForbidden("verification")))
            };
            let decrypting = if jwk.is_private()
                && (jwk.params().allows(KeyOp::UnwrapKey)
                    || jwk.params().allows(KeyOp::Decrypt)
                    || jwk.params().allows(KeyOp::DeriveKey))
            {
                provider.decryptor(jwk)
            } else {
                Err(Error::Policy(Policy::KeyUseForbidden("decryption")))
            };
            let (verifying, decrypting) = match (verifying, decrypting) {
                (Err(e), Err(_)) => {
                    store.skipped.push((index, e));
                    continue;
                }
                (v, d) => (v.ok(), d.ok()),
            };
            if verifying.is_some() {
                if jwk.key_type() == KeyType::Oct {
                    symmetric = true;
                } else {
                    asymmetric = true;
                }
            }
            let identity = jwk.identity(provider, index);
            let position = store.entries.len();
            match &identity.kid {
                Some(kid) => store.by_kid.entry(kid.clone()).or_default().push(position),
                None => store.without_kid.push(position),
            }
            store.entries.push(Entry {
                jwk: jwk.clone(),
                verifying,
                decrypting,
                identity: Arc::new(identity),
            });
        }
        store.mixed = symmetric && asymmetric;
        store
    }

    /// Also tries the keys without a `kid` for a header that names one
    /// (after the keys with that `kid`). Off by default: a set of several
    /// tenants' keys must not let a key without `kid` verify a token that
    /// claims another's.
    #[must_use]
    pub fn match_keys_without_kid(mut self) -> Self {
        self.match_keys_without_kid = true;
        self
    }

    /// Verifies with a set that holds both symmetric and asymmetric keys.
    /// Off by default: such a set is how an RSA or EC public key ends up
    /// taken as an HMAC secret; keep the two kinds in separate stores.
    #[must_use]
    pub fn allow_symmetric_and_asymmetric(mut self) -> Self {
        self.allow_mixed = true;
        self
    }

    /// The keys that could not be used, by their index in the set, with the
    /// reason.
    pub fn skipped(&self) -> &[(usize, Error)] {
        &self.skipped
    }

    /// How many keys are usable.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no key is usable.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The positions of the entries a header may be served by, best first.
    fn positions<'a>(&'a self, header: &Header) -> Positions<'a> {
        match header.kid.as_deref() {
            Some(kid) => Positions {
                first: self.by_kid.get(kid).map_or(&[][..], Vec::as_slice),
                then: if self.match_keys_without_kid {
                    &self.without_kid
                } else {
                    &[]
                },
                all: None,
            },
            None => Positions {
                first: &[],
                then: &[],
                all: Some(0..self.entries.len()),
            },
        }
    }

    /// The entries that may be used for `alg` with this header, best first.
    fn candidates<'a>(
        &'a self,
        alg: Algorithm,
        header: &'a Header,
    ) -> impl Iterator<Item = &'a Entry> + 'a {
        self.positions(header)
            .filter_map(|i| self.entries.get(i))
            .filter(move |e| {
                e.jwk.allows_algorithm(alg)
                    && e.jwk.check_fits(alg).is_ok()
                    && thumbprints_match(&e.jwk, header)
            })
    }
}

/// Positions in the store: a kid's entries then (maybe) the kid-less ones,
/// or every entry.
struct Positions<'a> {
    first: &'a [usize],
    then: &'a [usize],
    all: Option<core::ops::Range<usize>>,
}

impl Iterator for Positions<'_> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        if let Some(all) = &mut self.all {
            return all.next();
        }
        if let Some((i, rest)) = self.first.split_first() {
            self.first = rest;
            return Some(*i);
        }
        let (i, rest) = self.then.split_first()?;
        self.then = rest;
        Some(*i)
    }
}

/// Whether the header's certificate thumbprints, when both sides have
/// them, agree.
fn thumbprints_match(jwk: &Jwk, header: &Header) -> bool {
    let p = jwk.params();
    let s256 = match (&p.x5t_s256, &header.x5t_s256) {
        (Some(a), Some(b)) => a == b,
        _ => true,
    };
    let sha1 = match (&p.x5t, &header.x5t) {
        (Some(a), Some(b)) => a == b,
        _ => true,
    };
    s256 && sha1
}

impl KeyStore for JwkSetStore {
    fn verifiers(
        &self,
        alg: JwsAlgorithm,
        header: &Header,
    ) -> Result<Vec<Candidate<dyn Verifier>>, Error> {
        if self.mixed && !self.allow_mixed {
            return Err(Error::Policy(Policy::MixedKeyTypes));
        }
        Ok(self
            .candidates(alg.into(), header)
            .filter_map(|e| {
                let verifier = e.verifying.as_ref()?.verifier(alg).ok()?;
                Some(Candidate::new(verifier, Arc::clone(&e.identity)))
            })
            .collect())
    }

    fn key_decryptors(
        &self,
        alg: KeyManagementAlgorithm,
        header: &Header,
    ) -> Result<Vec<Candidate<dyn KeyDecryptor>>, Error> {
        Ok(self
            .candidates(alg.into(), header)
            .filter_map(|e| {
                let decryptor = e.decrypting.as_ref()?.key_decryptor(alg).ok()?;
                Some(Candidate::new(decryptor, Arc::clone(&e.identity)))
            })
            .collect())
    }
}
