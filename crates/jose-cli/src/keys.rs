//! Reading keys: JWK and JWK Set files, `pkcs11:` URIs, and the algorithm
//! allow-lists they imply.

use std::path::Path;

use crate::PROVIDER;
use jose::core::KeyStore;
use jose::core::json;
use jose::jwk::{Jwk, JwkOptions, JwkSet};
use zeroize::Zeroizing;

use crate::Failure;

/// A JWK or a JWK Set, as read from a file.
#[derive(Debug)]
pub(crate) enum Keys {
    One(Box<Jwk>),
    Set(JwkSet),
}

/// Parses JSON that holds a JWK or a JWK Set (told apart by a `keys` member).
/// The JSON is parsed once and handed to the JWK or JWK Set parser, which
/// zeroize every private member they do not keep.
///
/// Every key is checked by the backend (points on their curve, private and
/// public halves consistent), so that no command passes on a broken key.
pub(crate) fn parse_keys(bytes: &[u8]) -> Result<Keys, Failure> {
    let obj = json::parse_object("key file", bytes)?;
    let options = JwkOptions::default();
    let keys = if obj.contains_key("keys") {
        Keys::Set(JwkSet::from_object(obj, &options)?)
    } else {
        Keys::One(Box::new(Jwk::from_object(obj, &options)?))
    };
    match &keys {
        Keys::One(jwk) => PROVIDER.check(jwk)?,
        Keys::Set(set) => {
            for jwk in set.keys() {
                PROVIDER.check(jwk)?;
            }
        }
    }
    Ok(keys)
}

/// Parses JSON that must hold one JWK.
pub(crate) fn parse_jwk(bytes: &[u8]) -> Result<Jwk, Failure> {
    match parse_keys(bytes)? {
        Keys::One(jwk) => Ok(*jwk),
        Keys::Set(_) => Err(Failure::rejected("expected one JWK, got a JWK Set")),
    }
}

/// Reads a key file (JWK or JWK Set); an unreadable file is a usage error.
pub(crate) fn read_key_file(path: &Path) -> Result<Keys, Failure> {
    let bytes = Zeroizing::new(
        std::fs::read(path)
            .map_err(|e| Failure::usage(format!("cannot read key {}: {e}", path.display())))?,
    );
    parse_keys(&bytes)
        .map_err(|f| Failure::rejected(format!("key {}: {}", path.display(), f.message)))
}

/// Whether a `--key` argument is a `pkcs11:` URI rather than a file.
fn is_uri(path: &Path) -> bool {
    path.to_str()
        .is_some_and(jose::pkcs11::Pkcs11Uri::is_pkcs11_uri)
}

/// Whether `--allow-pin-in-uri` was given: set once by `main`.
pub(crate) static ALLOW_PIN_IN_URI: std::sync::atomic::AtomicBool =
    std::sync::atomic::AtomicBool::new(false);

/// Opens the token key a `pkcs11:` URI names. A `pin-value` in it is
/// refused unless `--allow-pin-in-uri`: the command line is readable by
/// every local user (`ps`, `/proc/PID/cmdline`).
pub(crate) fn token_key(path: &Path) -> Result<jose::pkcs11::TokenKey, Failure> {
    let text = path.to_str().unwrap_or_default();
    let uri = jose::pkcs11::Pkcs11Uri::parse(text).map_err(|e| Failure::usage(e.to_string()))?;
    if uri.pin_value.is_some() && !ALLOW_PIN_IN_URI.load(std::sync::atomic::Ordering::Relaxed) {
        return Err(Failure::usage(
            "a pin-value in a pkcs11: URI is readable by every local user: use pin-source=FILE or PKCS11_PIN, or give --allow-pin-in-uri",
        ));
    }
    let options = jose::pkcs11::TokenOptions::new(PROVIDER);
    let (_, key) = jose::pkcs11::Token::open_uri(&uri, &options)?;
    Ok(key)
}

/// The candidate keys of the `--key` arguments: JWK and JWK Set files, and
/// keys on PKCS#11 tokens (their public JWKs join the set, so verification
/// runs in software; decryption runs on the token).
#[derive(Debug, Default)]
pub(crate) struct Candidates {
    pub(crate) set: JwkSet,
    pub(crate) token_keys: Vec<jose::pkcs11::TokenKey>,
}

impl Candidates {
    /// A key store over all candidates: the JWK Set, then the token keys.
    pub(crate) fn store(&self) -> Vec<Box<dyn KeyStore>> {
        let mut stores: Vec<Box<dyn KeyStore>> = vec![Box::new(PROVIDER.key_set(&self.set))];
        if !self.token_keys.is_empty() {
            stores.push(Box::new(jose::pkcs11::TokenStore::from_keys(
                self.token_keys.clone(),
            )));
        }
        stores
    }
}

/// Every key of every `--key` argument.
pub(crate) fn candidates(paths: &[std::path::PathBuf]) -> Result<Candidates, Failure> {
    let mut out = Candidates::default();
    for path in paths {
        if is_uri(path) {
            let key = token_key(path)?;
            if let Some(jwk) = key.public_jwk() {
                out.set.push(jwk.clone());
            }
            out.token_keys.push(key);
            continue;
        }
        match read_key_file(path)? {
            Keys::One(jwk) => out.set.push(*jwk),
            Keys::Set(s) => s.keys().iter().cloned().for_each(|k| out.set.push(k)),
        }
    }
    Ok(out)
}

/// The keys of `--jwks-url`: the set fetched once, as `jose-remote` fetches
/// it (HTTPS, or HTTP to loopback; limits on time, size and type; no
/// private keys), added to the candidates.
pub(crate) fn add_remote_keys(cands: &mut Candidates, url: &str) -> Result<(), Failure> {
    use jose::remote::FetchError;
    let remote = jose::remote::RemoteJwkSet::builder(url, PROVIDER)
        .build()
        .map_err(|e| Failure::usage(format!("--jwks-url: {e}")))?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::usage(format!("--jwks-url: no runtime: {e}")))?;
    runtime.block_on(remote.refresh()).map_err(|e| {
        let message = format!("--jwks-url {url}: {e}");
        match e {
            // The set came, but is not one to use: rejected input.
            FetchError::Malformed(_) | FetchError::PrivateKey { .. } => Failure::rejected(message),
            // Like a key file that cannot be read.
            _ => Failure::usage(message),
        }
    })?;
    for jwk in remote.jwk_set().iter().flat_map(|set| set.keys()) {
        PROVIDER.check(jwk)?;
        cands.set.push(jwk.clone());
    }
    Ok(())
}

/// Every key of every `--key` file, as one JWK Set of candidates (JWK files
/// only).
pub(crate) fn candidate_keys(paths: &[std::path::PathBuf]) -> Result<JwkSet, Failure> {
    Ok(candidates(paths)?.set)
}

/// A private JWK with its signing key, built once; for a token key, the
/// JWK is its public half (no `alg`).
pub(crate) type LoadedSigningKey = (Jwk, std::sync::Arc<dyn jose::core::SigningKey>);

/// One signing key per `--key` (a JWK, a JWK Set of exactly one, or a
/// `pkcs11:` URI).
pub(crate) fn signing_keys(paths: &[std::path::PathBuf]) -> Result<Vec<LoadedSigningKey>, Failure> {
    paths
        .iter()
        .map(|path| {
            if is_uri(path) {
                let key = token_key(path)?;
                let public = key
                    .public_jwk()
                    .cloned()
                    .ok_or_else(|| Failure::rejected("the token key cannot sign"))?;
                return Ok((public, key.signing_key()?));
            }
            let jwk = match read_key_file(path)? {
                Keys::One(jwk) => *jwk,
                Keys::Set(s) => match s.keys() {
                    [only] => only.clone(),
                    _ => {
                        return Err(Failure::usage(format!(
                            "key {}: a JWK Set for signing must hold exactly one key",
                            path.display()
                        )));
                    }
                },
            };
            let key = PROVIDER
                .signing_key(&jwk)
                .map_err(|e| Failure::rejected(format!("key {}: {e}", path.display())))?;
            Ok((jwk, key))
        })
        .collect()
}

/// Parses a comma-separated algorithm list.
pub(crate) fn parse_alg_list(list: &str) -> Result<Vec<jose::core::Algorithm>, Failure> {
    list.split(',')
        .map(|a| {
            a.trim()
                .parse()
                .map_err(|e: jose::Error| Failure::usage(format!("--alg: {e}")))
        })
        .collect()
}

/// Without `--alg`, the allow-list is the candidate keys' own `alg` members
/// (CLI contract): every key must have one, of the kind `pick` accepts
/// (`kind` names it in the error: "a JWS", "a JWE", "an").
pub(crate) fn key_algs<A: PartialEq>(
    set: &JwkSet,
    kind: &str,
    pick: impl Fn(jose::core::Algorithm) -> Option<A>,
) -> Result<Vec<A>, Failure> {
    let mut algs = Vec::new();
    for jwk in set.keys() {
        let alg = jwk.alg().and_then(&pick).ok_or_else(|| {
            Failure::usage(format!(
                "give --alg: not every key has {kind} \"alg\" member"
            ))
        })?;
        if !algs.contains(&alg) {
            algs.push(alg);
        }
    }
    Ok(algs)
}
