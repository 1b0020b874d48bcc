//! `jose jwe ...`: encrypt and decrypt JSON Web Encryption.

use std::path::{Path, PathBuf};

use crate::PROVIDER;
use clap::Subcommand;
use jose::core::key_management::{PBES2_DEFAULT_SALT_LEN, Pbes2Params};
use jose::core::{Algorithm, ContentEncryptionAlgorithm, Header, KeyManagementAlgorithm};
use jose::jwe::{Decryption, JweBuilder, Recipient};
use jose::jwk::{Jwk, Key};

use crate::Failure;
use crate::input::{Output, read_input, read_token};
use crate::keys::{candidate_keys, candidates, key_algs, parse_alg_list};

#[derive(Debug, Subcommand)]
pub(crate) enum JweCommand {
    /// Encrypt a plaintext (FILE or standard input) and print the JWE.
    ///
    /// Compact by default; --json makes the general JSON serialization with
    /// one recipient per --key, --flattened the flattened one (one key).
    Encrypt {
        /// A recipient's public JWK (or symmetric key, or a JWK Set of one
        /// key). Repeat for several recipients with --json.
        #[arg(long, required_unless_present = "password_file")]
        key: Vec<PathBuf>,
        /// The key management algorithm; default: each key's "alg" member.
        #[arg(long)]
        alg: Option<String>,
        /// The content encryption algorithm.
        #[arg(long, required = true)]
        enc: String,
        /// Compress the plaintext with DEFLATE ("zip": "DEF").
        #[arg(long)]
        zip: bool,
        /// Extra protected header members, as a JSON object.
        #[arg(long)]
        header: Option<String>,
        /// Additional authenticated data (JSON serializations).
        #[arg(long)]
        aad: Option<PathBuf>,
        /// The general JSON serialization.
        #[arg(long, conflicts_with = "flattened")]
        json: bool,
        /// The flattened JSON serialization.
        #[arg(long)]
        flattened: bool,
        /// A file holding a password, for PBES2 (one trailing newline is
        /// not part of it).
        #[arg(long)]
        password_file: Option<PathBuf>,
        /// The PBES2 iteration count (at least 1000; default 10000, which
        /// every peer accepts).
        #[arg(long)]
        p2c: Option<u64>,
        /// The plaintext file (standard input if absent or "-").
        file: Option<PathBuf>,
    },
    /// Decrypt a JWE in any serialization and print the plaintext.
    Decrypt {
        /// A JWK or JWK Set file with candidate keys. Repeatable.
        #[arg(long, required_unless_present = "password_file")]
        key: Vec<PathBuf>,
        /// The allowed key management algorithms, comma-separated. Required
        /// unless every candidate key has an "alg" member.
        #[arg(long)]
        alg: Option<String>,
        /// The allowed content encryption algorithms, comma-separated;
        /// default: all.
        #[arg(long)]
        enc: Option<String>,
        /// A file holding a password, for PBES2.
        #[arg(long)]
        password_file: Option<PathBuf>,
        /// The JWE file (standard input if absent or "-").
        file: Option<PathBuf>,
    },
}

pub(crate) fn run(cmd: JweCommand) -> Result<Output, Failure> {
    match cmd {
        JweCommand::Encrypt {
            key,
            alg,
            enc,
            zip,
            header,
            aad,
            json,
            flattened,
            password_file,
            p2c,
            file,
        } => {
            let enc = parse_enc(&enc)?;
            let alg = alg.as_deref().map(parse_km_alg).transpose()?;
            let mut keys = candidate_keys(&key)?.keys().to_vec();
            if let Some(path) = &password_file {
                keys.push(password_key(path)?);
            }
            if !json && keys.len() != 1 {
                return Err(Failure::usage(
                    "give exactly one --key (or --password-file), or use --json for several",
                ));
            }
            let mut encryptors = Vec::with_capacity(keys.len());
            for jwk in &keys {
                let alg = match (alg, jwk.alg()) {
                    (Some(a), _) => a,
                    (None, Some(a)) => jwe_alg_of(a).ok_or_else(|| {
                        Failure::usage("give --alg, or use keys that have a JWE \"alg\" member")
                    })?,
                    (None, None) if password_file.is_some() && matches!(jwk.key(), Key::Oct(_)) => {
                        KeyManagementAlgorithm::Pbes2Hs256A128Kw
                    }
                    (None, None) => {
                        return Err(Failure::usage(
                            "give --alg, or use keys that have a JWE \"alg\" member",
                        ));
                    }
                };
                encryptors.push(PROVIDER.encryptor(jwk, alg)?);
            }
            let plaintext = read_input(file.as_deref())?;
            let aad = aad.as_deref().map(|p| read_input(Some(p))).transpose()?;
            let mut builder = JweBuilder::new(&plaintext, enc);
            if let Some(count) = p2c {
                let params = Pbes2Params::new(count, PBES2_DEFAULT_SALT_LEN)
                    .map_err(|e| Failure::usage(format!("--p2c: {e}")))?;
                builder = builder.pbes2(params);
            }
            if zip {
                builder = builder.compress();
            }
            if let Some(text) = header {
                builder = builder.protected(
                    Header::from_json(text.as_bytes())
                        .map_err(|e| Failure::usage(format!("--header: {e}")))?,
                );
            }
            if let Some(aad) = &aad {
                if !json && !flattened {
                    return Err(Failure::usage("--aad needs --json or --flattened"));
                }
                builder = builder.aad(aad);
            }
            let recipients: Vec<Recipient<'_>> =
                encryptors.iter().map(|e| Recipient::new(e)).collect();
            let out = if json {
                builder
                    .general(&PROVIDER, &recipients)
                    .map_err(misuse_is_usage)?
            } else {
                let first = encryptors
                    .first()
                    .ok_or_else(|| Failure::usage("no --key given"))?;
                if flattened {
                    builder
                        .flattened(&PROVIDER, Recipient::new(first))
                        .map_err(misuse_is_usage)?
                } else {
                    builder.compact(&PROVIDER, first).map_err(misuse_is_usage)?
                }
            };
            Ok(crate::input::line(out.as_bytes()))
        }
        JweCommand::Decrypt {
            key,
            alg,
            enc,
            password_file,
            file,
        } => {
            let mut cands = candidates(&key)?;
            // The allow-list comes from the --key files only; the password
            // adds the PBES2 algorithms.
            let key_algs = if alg.is_none() {
                let mut algs = key_algs(&cands.set, "a JWE", jwe_alg_of)?;
                // A password allows the three PBES2 algorithms.
                if password_file.is_some() {
                    algs.extend([
                        KeyManagementAlgorithm::Pbes2Hs256A128Kw,
                        KeyManagementAlgorithm::Pbes2Hs384A192Kw,
                        KeyManagementAlgorithm::Pbes2Hs512A256Kw,
                    ]);
                }
                Some(algs)
            } else {
                None
            };
            if let Some(path) = &password_file {
                cands.set.push(password_key(path)?);
            }
            let algs = match alg {
                Some(list) => parse_alg_list(&list)?
                    .into_iter()
                    .map(|a| match a {
                        Algorithm::KeyManagement(a) => Ok(a),
                        other => Err(Failure::usage(format!(
                            "--alg: {other} is not a JWE key management algorithm"
                        ))),
                    })
                    .collect::<Result<Vec<_>, _>>()?,
                None => key_algs.unwrap_or_default(),
            };
            let encs = match enc {
                Some(list) => list
                    .split(',')
                    .map(|e| parse_enc(e.trim()))
                    .collect::<Result<Vec<_>, _>>()?,
                None => ContentEncryptionAlgorithm::ALL.to_vec(),
            };
            let decryption =
                Decryption::new(&algs, &encs).map_err(|e| Failure::usage(e.to_string()))?;
            let store = cands.store();
            let token = read_token(file.as_deref())?;
            let opened = decryption.decrypt(&PROVIDER, &token, &store)?;
            Ok(zeroize::Zeroizing::new(opened.plaintext.to_vec()))
        }
    }
}

/// The key management algorithm a key's `alg` member names: itself, or
/// `dir` for a key whose alg is a content encryption algorithm (a CEK, RFC
/// 7520 section 3.6).
pub(crate) fn jwe_alg_of(alg: Algorithm) -> Option<KeyManagementAlgorithm> {
    match alg {
        Algorithm::KeyManagement(k) => Some(k),
        Algorithm::ContentEncryption(_) => Some(KeyManagementAlgorithm::Dir),
        Algorithm::Signature(_) => None,
    }
}

/// A builder's misuse comes from conflicting flags: a usage error.
pub(crate) fn misuse_is_usage(e: jose::Error) -> Failure {
    match e {
        jose::Error::ApiMisuse(_) => Failure::usage(e.to_string()),
        other => Failure::from(other),
    }
}

fn parse_enc(text: &str) -> Result<ContentEncryptionAlgorithm, Failure> {
    text.parse()
        .map_err(|e: jose::Error| Failure::usage(format!("--enc: {e}")))
}

fn parse_km_alg(text: &str) -> Result<KeyManagementAlgorithm, Failure> {
    text.parse()
        .map_err(|e: jose::Error| Failure::usage(format!("--alg: {e}")))
}

/// The password of `--password-file` as an oct JWK for PBES2.
fn password_key(path: &Path) -> Result<Jwk, Failure> {
    let bytes = zeroize::Zeroizing::new(
        std::fs::read(path)
            .map_err(|e| Failure::usage(format!("cannot read {}: {e}", path.display())))?,
    );
    let password = bytes
        .strip_suffix(b"\n")
        .map(|p| p.strip_suffix(b"\r").unwrap_or(p))
        .unwrap_or(&bytes);
    Jwk::oct(password).map_err(|_| Failure::usage("the password file is empty"))
}
