//! `jose jws ...`: sign and verify JSON Web Signatures.

use std::path::PathBuf;
use std::sync::Arc;

use clap::Subcommand;
use jose::core::{Algorithm, Header, JwsAlgorithm, SigningKey};
use jose::jws::{JwsBuilder, SignatureSpec, Verification};

use crate::Failure;
use crate::input::{Output, read_input, read_token};
use crate::keys::{add_remote_keys, candidates, key_algs, parse_alg_list, signing_keys};

#[derive(Debug, Subcommand)]
pub(crate) enum JwsCommand {
    /// Sign a payload (FILE or standard input) and print the JWS.
    ///
    /// Compact by default; --json makes the general JSON serialization with
    /// one signature per --key, --flattened the flattened one (one key).
    Sign {
        /// A private JWK file (or a JWK Set of one key). Repeat for several
        /// signatures with --json.
        #[arg(long, required = true)]
        key: Vec<PathBuf>,
        /// The algorithm; default: the key's "alg" member.
        #[arg(long)]
        alg: Option<String>,
        /// Extra protected header members, as a JSON object.
        #[arg(long)]
        header: Option<String>,
        /// The general JSON serialization.
        #[arg(long, conflicts_with = "flattened")]
        json: bool,
        /// The flattened JSON serialization.
        #[arg(long)]
        flattened: bool,
        /// Leave the payload out (RFC 7515 appendix F).
        #[arg(long)]
        detached: bool,
        /// Sign the payload unencoded (RFC 7797: "b64": false, in "crit").
        #[arg(long)]
        unencoded: bool,
        /// The payload file (standard input if absent or "-").
        file: Option<PathBuf>,
    },
    /// Verify a JWS in any serialization and print its payload.
    Verify {
        /// A JWK or JWK Set file with candidate keys. Repeatable; not
        /// needed with --jwks-url.
        #[arg(long, required_unless_present = "jwks_url")]
        key: Vec<PathBuf>,
        /// The URL of a JWK Set to take candidate keys from: https://, or
        /// http:// to a loopback host.
        #[arg(long)]
        jwks_url: Option<String>,
        /// The allowed algorithms, comma-separated. Required unless every
        /// candidate key has an "alg" member.
        #[arg(long)]
        alg: Option<String>,
        /// The detached payload.
        #[arg(long)]
        payload: Option<PathBuf>,
        /// The JWS file (standard input if absent or "-").
        file: Option<PathBuf>,
    },
}

pub(crate) fn run(cmd: JwsCommand) -> Result<Output, Failure> {
    match cmd {
        JwsCommand::Sign {
            key,
            alg,
            header,
            json,
            flattened,
            detached,
            unencoded,
            file,
        } => {
            let alg = alg.as_deref().map(parse_jws_alg).transpose()?;
            let keys = signing_keys(&key)?;
            if !json && keys.len() != 1 {
                return Err(Failure::usage(
                    "give exactly one --key, or use --json for several",
                ));
            }
            let header = match header {
                Some(text) => Header::from_json(text.as_bytes())
                    .map_err(|e| Failure::usage(format!("--header: {e}")))?,
                None => Header::new(),
            };
            let signers = keys
                .iter()
                .map(|(jwk, key)| bind(jwk.alg(), key, alg))
                .collect::<Result<Vec<_>, _>>()?;
            let payload = read_input(file.as_deref())?;
            let mut builder = JwsBuilder::new(&payload);
            if detached {
                builder = builder.detached();
            }
            if unencoded {
                builder = builder.unencoded();
            }
            let specs: Vec<SignatureSpec<'_>> = signers
                .iter()
                .map(|s| SignatureSpec::new(s).protected(header.clone()))
                .collect();
            // Builder refusals here concern the payload as much as the flags
            // (an unencoded compact payload with a '.'): input rejected, 1.
            let out = if json {
                builder.general(&specs)?
            } else {
                let spec = specs
                    .into_iter()
                    .next()
                    .ok_or_else(|| Failure::usage("no --key given"))?;
                if flattened {
                    builder.flattened(spec)?
                } else {
                    builder.compact_with(spec)?
                }
            };
            Ok(crate::input::line(out.as_bytes()))
        }
        JwsCommand::Verify {
            key,
            jwks_url,
            alg,
            payload,
            file,
        } => {
            let mut cands = candidates(&key)?;
            if let Some(url) = jwks_url {
                add_remote_keys(&mut cands, &url)?;
            }
            let set = &cands.set;
            let allowed: Vec<JwsAlgorithm> = match alg {
                Some(list) => parse_alg_list(&list)?
                    .into_iter()
                    .map(|a| match a {
                        Algorithm::Signature(a) => Ok(a),
                        other => Err(Failure::usage(format!(
                            "--alg: {other} is not a JWS algorithm"
                        ))),
                    })
                    .collect::<Result<_, _>>()?,
                None => key_algs(set, "a JWS", Algorithm::as_signature)?,
            };
            let verification =
                Verification::new(&allowed).map_err(|e| Failure::usage(e.to_string()))?;
            let store = cands.store();
            let token = read_token(file.as_deref())?;
            let verified = match payload {
                Some(p) => {
                    let detached = read_input(Some(&p))?;
                    verification.verify_detached(&token, &detached, &store)?
                }
                None => verification.verify(&token, &store)?,
            };
            Ok(verified.payload.into())
        }
    }
}

fn parse_jws_alg(text: &str) -> Result<JwsAlgorithm, Failure> {
    text.parse()
        .map_err(|e: jose::Error| Failure::usage(format!("--alg: {e}")))
}

/// Binds a signing key to `--alg`, or to its JWK's `alg`.
fn bind(
    jwk_alg: Option<Algorithm>,
    key: &Arc<dyn SigningKey>,
    alg: Option<JwsAlgorithm>,
) -> Result<Box<dyn jose::core::Signer>, Failure> {
    let alg = alg
        .or_else(|| jwk_alg.and_then(Algorithm::as_signature))
        .ok_or_else(|| Failure::usage("give --alg, or use keys that have a JWS \"alg\" member"))?;
    Ok(key.signer(alg)?)
}
