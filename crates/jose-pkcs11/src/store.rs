//! [`TokenStore`]: the keys of a token as a [`KeyStore`].

use std::sync::Arc;

use jose_core::{
    Candidate, Error, Header, JwsAlgorithm, KeyDecryptor, KeyIdentity, KeyManagementAlgorithm,
    KeyStore, Verifier,
};
use jose_jwk::JwkSet;

use crate::key::TokenKey;
use crate::token::Token;

/// The keys of a token, found once: verifiers from their public halves (in
/// software), key decryptors on the token. Candidates are chosen by `kid`
/// (the key's label) and algorithm. Every token key has a `kid`, so a
/// header naming a `kid` is only ever served by that key.
#[derive(Debug)]
pub struct TokenStore {
    keys: Vec<TokenKey>,
    /// Each key's identity, with its position in `keys`.
    identities: Vec<Arc<KeyIdentity>>,
}

impl TokenStore {
    /// Loads every private and secret key of `token`.
    ///
    /// # Errors
    ///
    /// [`Error::Backend`] when the token cannot be read.
    pub fn new(token: &Token) -> Result<Self, Error> {
        Ok(Self::from_keys(token.keys()?))
    }

    /// A store of the given keys.
    pub fn from_keys(keys: Vec<TokenKey>) -> Self {
        let identities = keys
            .iter()
            .enumerate()
            .map(|(index, key)| {
                let own = key.identity();
                Arc::new(KeyIdentity::new(own.kid.clone(), own.thumbprint, index))
            })
            .collect();
        Self { keys, identities }
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

    fn candidates<'a>(
        &'a self,
        header: &'a Header,
    ) -> impl Iterator<Item = (&'a TokenKey, &'a Arc<KeyIdentity>)> + 'a {
        let kid = header.kid.as_deref();
        self.keys
            .iter()
            .zip(&self.identities)
            .filter(move |(_, id)| kid.is_none_or(|kid| id.kid.as_deref() == Some(kid)))
    }
}

impl KeyStore for TokenStore {
    fn verifiers(
        &self,
        alg: JwsAlgorithm,
        header: &Header,
    ) -> Result<Vec<Candidate<dyn Verifier>>, Error> {
        Ok(self
            .candidates(header)
            .filter_map(|(k, id)| Some((k.verifying_key().ok()?, id)))
            .filter_map(|(v, id)| Some(Candidate::new(v.verifier(alg).ok()?, Arc::clone(id))))
            .collect())
    }

    fn key_decryptors(
        &self,
        alg: KeyManagementAlgorithm,
        header: &Header,
    ) -> Result<Vec<Candidate<dyn KeyDecryptor>>, Error> {
        Ok(self
            .candidates(header)
            .filter_map(|(k, id)| Some((k.decrypting_key().ok()?, id)))
            .filter_map(|(d, id)| Some(Candidate::new(d.key_decryptor(alg).ok()?, Arc::clone(id))))
            .collect())
    }
}
