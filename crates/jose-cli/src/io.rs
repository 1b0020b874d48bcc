//! Reading input and keys.

use std::io::Read;
use std::path::Path;

use jose::core::json;
use jose::jwk::{Jwk, JwkSet};
use jose::rustcrypto::PROVIDER;
use zeroize::Zeroizing;

use crate::Failure;

/// The most the tool reads from one input, so that a runaway pipe cannot
/// exhaust memory.
const MAX_INPUT: u64 = 64 * 1024 * 1024;

/// Reads FILE, or standard input when FILE is absent or `-`.
pub(crate) fn read_input(file: Option<&Path>) -> Result<Zeroizing<Vec<u8>>, Failure> {
    let mut buf = Zeroizing::new(Vec::new());
    match file {
        Some(path) if path != Path::new("-") => {
            let f = std::fs::File::open(path)
                .map_err(|e| Failure::usage(format!("cannot read {}: {e}", path.display())))?;
            f.take(MAX_INPUT + 1)
                .read_to_end(&mut buf)
                .map_err(|e| Failure::usage(format!("cannot read {}: {e}", path.display())))?;
        }
        _ => {
            std::io::stdin()
                .lock()
                .take(MAX_INPUT + 1)
                .read_to_end(&mut buf)
                .map_err(|e| Failure::usage(format!("cannot read standard input: {e}")))?;
        }
    }
    if buf.len() as u64 > MAX_INPUT {
        return Err(Failure::rejected(format!(
            "input is larger than {MAX_INPUT} bytes"
        )));
    }
    Ok(buf)
}

/// Reads FILE or standard input as UTF-8 text.
pub(crate) fn read_text(file: Option<&Path>) -> Result<Zeroizing<String>, Failure> {
    let bytes = read_input(file)?;
    let text =
        std::str::from_utf8(&bytes).map_err(|_| Failure::rejected("input is not valid UTF-8"))?;
    Ok(Zeroizing::new(text.to_owned()))
}

/// A JWK or a JWK Set, as read from a file.
#[derive(Debug)]
pub(crate) enum Keys {
    One(Box<Jwk>),
    Set(JwkSet),
}

/// Parses JSON that holds a JWK or a JWK Set (told apart by a `keys` member).
///
/// Every key is checked by the backend (points on their curve, private and
/// public halves consistent), so that no command passes on a broken key.
pub(crate) fn parse_keys(bytes: &[u8]) -> Result<Keys, Failure> {
    let obj = json::parse_object("key file", bytes)?;
    let keys = if obj.contains_key("keys") {
        Keys::Set(JwkSet::from_json(bytes)?)
    } else {
        Keys::One(Box::new(Jwk::from_json(bytes)?))
    };
    match &keys {
        Keys::One(jwk) => PROVIDER.keys.check(jwk)?,
        Keys::Set(set) => {
            for jwk in set.keys() {
                PROVIDER.keys.check(jwk)?;
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

/// Serializes a value as one line of JSON followed by a newline.
pub(crate) fn json_line(value: &impl serde::Serialize) -> Result<Vec<u8>, Failure> {
    let mut out = serde_json::to_vec(value)
        .map_err(|e| Failure::rejected(format!("cannot serialize the output: {e}")))?;
    out.push(b'\n');
    Ok(out)
}

/// Reads a token: FILE or standard input as UTF-8, without one trailing
/// newline (as `echo` and editors leave it).
pub(crate) fn read_token(file: Option<&Path>) -> Result<String, Failure> {
    let text = read_text(file)?;
    let token = text
        .strip_suffix('\n')
        .map(|t| t.strip_suffix('\r').unwrap_or(t))
        .unwrap_or(&text);
    Ok(token.to_owned())
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

/// Every key of every `--key` file, as one JWK Set of candidates.
pub(crate) fn candidate_keys(paths: &[std::path::PathBuf]) -> Result<JwkSet, Failure> {
    let mut set = JwkSet::new();
    for path in paths {
        match read_key_file(path)? {
            Keys::One(jwk) => set.push(*jwk),
            Keys::Set(s) => s.keys().iter().cloned().for_each(|k| set.push(k)),
        }
    }
    Ok(set)
}

/// A private JWK with its signing key, built once.
pub(crate) type LoadedSigningKey = (Jwk, std::sync::Arc<dyn jose::core::SigningKey>);

/// One signing key per `--key` file (a JWK, or a JWK Set of exactly one).
pub(crate) fn signing_keys(paths: &[std::path::PathBuf]) -> Result<Vec<LoadedSigningKey>, Failure> {
    paths
        .iter()
        .map(|path| {
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
                .keys
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
