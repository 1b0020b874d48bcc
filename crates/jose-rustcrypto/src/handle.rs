//! A key parsed once, with the algorithms it may serve ([`Handle`]), and
//! bound to one of them ([`Bound`]): the shape of every JWS and JWE key of
//! this backend.

use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::fmt::Display;

use jose_core::{Error, KeyIdentity, Policy};
use jose_jwk::{Jwk, Provider};

/// A parsed key with the algorithms it may be used with.
#[derive(Debug)]
pub(crate) struct Handle<K, A> {
    pub(crate) key: Arc<K>,
    pub(crate) algorithms: Vec<A>,
    pub(crate) kid: Option<String>,
    /// The provider the key was built through: its randomness, hasher and
    /// key wrap are the ones the key uses.
    pub(crate) provider: Provider,
    /// The key's `kid` and thumbprint, made once.
    pub(crate) identity: Arc<KeyIdentity>,
}

/// A parsed key bound to one algorithm.
#[derive(Debug)]
pub(crate) struct Bound<K, A> {
    pub(crate) key: Arc<K>,
    pub(crate) alg: A,
    pub(crate) kid: Option<String>,
    pub(crate) provider: Provider,
}

impl<K, A: Copy + PartialEq + Display> Handle<K, A> {
    /// A handle of `key`, built from `jwk`, for `algorithms`.
    pub(crate) fn new(key: K, algorithms: Vec<A>, jwk: &Jwk, provider: &Provider) -> Self {
        let kid = jwk.kid().map(String::from);
        Self {
            key: Arc::new(key),
            algorithms,
            identity: Arc::new(jwk.identity(provider, 0)),
            kid,
            provider: *provider,
        }
    }

    /// The key bound to `alg`, which must be one of its algorithms.
    pub(crate) fn bind(&self, alg: A) -> Result<Bound<K, A>, Error> {
        if !self.algorithms.contains(&alg) {
            return Err(mismatch(alg));
        }
        Ok(Bound {
            key: Arc::clone(&self.key),
            alg,
            kid: self.kid.clone(),
            provider: self.provider,
        })
    }
}

/// The key cannot be used with `alg`.
pub(crate) fn mismatch(alg: impl Display) -> Error {
    Error::Policy(Policy::KeyAlgorithmMismatch {
        requested: alloc::format!("{alg}"),
    })
}
