//! [`JwkSetStore`]: a JWK Set as a [`KeyStore`], with every key built once.

use alloc::sync::Arc;
use alloc::vec::Vec;

use jose_core::{
    Algorithm, DecryptingKey, Error, Header, JwsAlgorithm, KeyDecryptor, KeyManagementAlgorithm,
    KeyStore, Verifier, VerifyingKey,
};

use crate::jwk::Jwk;
use crate::params::KeyOp;
use crate::provider::Provider;
use crate::set::JwkSet;

/// A JWK Set made ready for verification and decryption: each key is parsed
/// into the backend's form once, when the store is built, and shared by
/// every later look-up.
///
/// Keys the backend cannot use are left out and listed by
/// [`JwkSetStore::skipped`], so that one odd key in a published set does not
/// stop the others from working.
#[derive(Debug)]
pub struct JwkSetStore {
    entries: Vec<Entry>,
    skipped: Vec<(usize, Error)>,
}

#[derive(Debug)]
struct Entry {
    jwk: Jwk,
    verifying: Option<Arc<dyn VerifyingKey>>,
    decrypting: Option<Arc<dyn DecryptingKey>>,
}

impl JwkSetStore {
    /// Builds the store from `set` with `provider` (also
    /// [`Provider::key_set`]).
    pub fn new(set: &JwkSet, provider: &Provider) -> Self {
        let mut entries = Vec::with_capacity(set.keys().len());
        let mut skipped = Vec::new();
        for (i, jwk) in set.keys().iter().enumerate() {
            let verifying = if jwk.params().allows(KeyOp::Verify) {
                provider.verifier(jwk)
            } else {
                Err(Error::Policy(jose_core::Policy::KeyUseForbidden(
                    "verification",
                )))
            };
            let decrypting = if jwk.is_private()
                && (jwk.params().allows(KeyOp::UnwrapKey)
                    || jwk.params().allows(KeyOp::Decrypt)
                    || jwk.params().allows(KeyOp::DeriveKey))
            {
                provider.decryptor(jwk)
            } else {
                Err(Error::Policy(jose_core::Policy::KeyUseForbidden(
                    "decryption",
                )))
            };
            match (verifying, decrypting) {
                (Err(e), Err(_)) => skipped.push((i, e)),
                (v, d) => entries.push(Entry {
                    jwk: jwk.clone(),
                    verifying: v.ok(),
                    decrypting: d.ok(),
                }),
            }
        }
        Self { entries, skipped }
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

    /// The entries that may be used for `alg` with this header, best first:
    /// keys whose `kid` equals the header's, then keys without `kid`. Keys
    /// with another `kid` are never tried.
    fn candidates<'a>(
        &'a self,
        alg: Algorithm,
        header: &'a Header,
    ) -> impl Iterator<Item = &'a Entry> + 'a {
        let fits = move |e: &&Entry| {
            e.jwk.allows_algorithm(alg)
                && e.jwk.check_fits(alg).is_ok()
                && thumbprints_match(&e.jwk, header)
        };
        let kid = header.kid.as_deref();
        let exact = self
            .entries
            .iter()
            .filter(move |e| kid.is_some() && e.jwk.kid() == kid)
            .filter(fits);
        let anonymous = self
            .entries
            .iter()
            .filter(move |e| kid.is_none() || e.jwk.kid().is_none())
            .filter(fits);
        exact.chain(anonymous)
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
    ) -> Result<Vec<Arc<dyn Verifier>>, Error> {
        Ok(self
            .candidates(alg.into(), header)
            .filter_map(|e| e.verifying.as_ref()?.verifier(alg).ok())
            .collect())
    }

    fn key_decryptors(
        &self,
        alg: KeyManagementAlgorithm,
        header: &Header,
    ) -> Result<Vec<Arc<dyn KeyDecryptor>>, Error> {
        Ok(self
            .candidates(alg.into(), header)
            .filter_map(|e| e.decrypting.as_ref()?.key_decryptor(alg).ok())
            .collect())
    }
}
