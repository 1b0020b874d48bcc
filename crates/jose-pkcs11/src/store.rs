//! [`TokenStore`]: the keys of a token as a [`KeyStore`].

use std::sync::Arc;

use jose_core::{
    Error, Header, JwsAlgorithm, KeyDecryptor, KeyManagementAlgorithm, KeyStore, Verifier,
};
use jose_jwk::JwkSet;

use crate::key::TokenKey;
use crate::token::Token;

/// The keys of a token, found once: verifiers from their public halves (in
/// software), key decryptors on the token. Candidates are chosen by `kid`
/// (the key's label) and algorithm.
#[derive(Debug)]
pub struct TokenStore {
    keys: Vec<TokenKey>,
}

impl TokenStore {
    /// Loads every private and secret key of `token`.
    ///
    /// # Errors
    ///
    /// [`Error::Backend`] when the token cannot be read.
    pub fn new(token: &Token) -> Result<Self, Error> {
        Ok(Self {
            keys: token.keys()?,
        })
    }

    /// A store of the given keys.
    pub fn from_keys(keys: Vec<TokenKey>) -> Self {
        Self { keys }
    }

    /// The keys.
    pub fn keys(&self) -> &[TokenKey] {
        &self.keys
    }

    /// The public JWK Set of the token's asymmetric keys, to publish for
    /// verifiers and senders.
    pub fn public_jwk_set(&self) -> JwkSet {
        self.keys
            .iter()
            .filter_map(|k| k.public_jwk().cloned())
            .collect()
    }

    fn candidates<'a>(&'a self, header: &'a Header) -> impl Iterator<Item = &'a TokenKey> + 'a {
        let kid = header.kid.as_deref();
        self.keys
            .iter()
            .filter(move |k| kid.is_none_or(|kid| jose_core::SigningKey::key_id(*k) == Some(kid)))
    }
}

impl KeyStore for TokenStore {
    fn verifiers(
        &self,
        alg: JwsAlgorithm,
        header: &Header,
    ) -> Result<Vec<Arc<dyn Verifier>>, Error> {
        Ok(self
            .candidates(header)
            .filter_map(|k| k.verifying_key().ok())
            .filter_map(|v| v.verifier(alg).ok())
            .collect())
    }

    fn key_decryptors(
        &self,
        alg: KeyManagementAlgorithm,
        header: &Header,
    ) -> Result<Vec<Arc<dyn KeyDecryptor>>, Error> {
        Ok(self
            .candidates(header)
            .filter_map(|k| k.decrypting_key().ok())
            .filter_map(|d| d.key_decryptor(alg).ok())
            .collect())
    }
}
