//! `jose jwt ...`: issue, verify and inspect JSON Web Tokens.

use std::io::IsTerminal;
use std::path::PathBuf;

use crate::PROVIDER;
use clap::Subcommand;
use jose::core::json::Object;
use jose::core::{Algorithm, ContentEncryptionAlgorithm, JwsAlgorithm, KeyManagementAlgorithm};
use jose::jwe::Decryption;
use jose::jwt::{JwtBuilder, NumericDate, Validation};
use serde_json::Value;

use crate::Failure;
use crate::input::{Output, json_line, read_input, read_token};
use crate::keys::{add_remote_keys, candidates, key_algs, parse_alg_list, signing_keys};

#[derive(Debug, Subcommand)]
pub(crate) enum JwtCommand {
    /// Issue a signed JWT. FILE or standard input, when given, holds a JSON
    /// claims object; the flags add to it.
    Sign {
        /// The private signing JWK (or a JWK Set of one key).
        #[arg(long, required = true)]
        key: PathBuf,
        /// The algorithm; default: the key's "alg" member.
        #[arg(long)]
        alg: Option<String>,
        /// The issuer ("iss").
        #[arg(long)]
        iss: Option<String>,
        /// The subject ("sub").
        #[arg(long)]
        sub: Option<String>,
        /// An audience ("aud"); repeat for several.
        #[arg(long)]
        aud: Vec<String>,
        /// Expiry ("exp"): a duration from now (30s, 15m, 1h, 7d) or seconds
        /// since the epoch; negative durations (-5m) are in the past.
        #[arg(long, allow_hyphen_values = true)]
        exp: Option<String>,
        /// Not before ("nbf"): a duration from now or seconds since the epoch.
        #[arg(long, allow_hyphen_values = true)]
        nbf: Option<String>,
        /// Set "iat" to now.
        #[arg(long)]
        iat: bool,
        /// Set "jti" to a fresh random identifier.
        #[arg(long)]
        jti: bool,
        /// The header "typ" (default JWT), such as at+jwt.
        #[arg(long)]
        typ: Option<String>,
        /// A claim NAME=JSON (a JSON value; text that is not JSON is taken
        /// as a string). Repeatable.
        #[arg(long)]
        claim: Vec<String>,
        /// A JSON claims file (standard input if "-").
        file: Option<PathBuf>,
    },
    /// Verify a JWT (signed, or nested: a JWS inside a JWE), validate its
    /// claims and print them as JSON. exp and nbf are always checked.
    Verify {
        /// A JWK or JWK Set file with candidate keys (signature keys, and
        /// decryption keys for nested tokens). Repeatable; not needed with
        /// --jwks-url.
        #[arg(long, required_unless_present = "jwks_url")]
        key: Vec<PathBuf>,
        /// The URL of a JWK Set to take candidate keys from: https://, or
        /// http:// to a loopback host.
        #[arg(long)]
        jwks_url: Option<String>,
        /// The allowed algorithms, comma-separated (JWS, and JWE key
        /// management for nested tokens). Required unless every candidate
        /// key has an "alg" member.
        #[arg(long)]
        alg: Option<String>,
        /// The expected issuer.
        #[arg(long)]
        iss: Option<String>,
        /// An accepted audience.
        #[arg(long)]
        aud: Option<String>,
        /// The expected subject.
        #[arg(long)]
        sub: Option<String>,
        /// Clock skew allowed on exp, nbf and iat, in seconds.
        #[arg(long, default_value_t = 0)]
        leeway: u32,
        /// Claims that must be present, comma-separated.
        #[arg(long)]
        require: Option<String>,
        /// The expected header "typ".
        #[arg(long)]
        typ: Option<String>,
        /// The token file (standard input if absent or "-").
        file: Option<PathBuf>,
    },
    /// Print a JWT's header and claims WITHOUT verifying anything.
    Decode {
        /// The token file (standard input if absent or "-").
        file: Option<PathBuf>,
    },
}

pub(crate) fn run(cmd: JwtCommand) -> Result<Output, Failure> {
    match cmd {
        JwtCommand::Sign {
            key,
            alg,
            iss,
            sub,
            aud,
            exp,
            nbf,
            iat,
            jti,
            typ,
            claim,
            file,
        } => {
            let (jwk, signing) = signing_keys(std::slice::from_ref(&key))?
                .into_iter()
                .next()
                .ok_or_else(|| Failure::usage("no --key given"))?;
            let alg = match alg {
                Some(a) => a
                    .parse::<JwsAlgorithm>()
                    .map_err(|e| Failure::usage(format!("--alg: {e}")))?,
                None => jwk.alg().and_then(Algorithm::as_signature).ok_or_else(|| {
                    Failure::usage("give --alg, or a key with a JWS \"alg\" member")
                })?,
            };
            let signer = signing.signer(alg)?;
            let now = jose::jwt::Clock::now(&jose::jwt::SystemClock);
            let mut builder = match claims_input(file)? {
                Some(obj) => JwtBuilder::from_object(obj)?,
                None => JwtBuilder::new(),
            }
            .now(now);
            if let Some(iss) = iss {
                builder = builder.issuer(iss);
            }
            if let Some(sub) = sub {
                builder = builder.subject(sub);
            }
            for a in aud {
                builder = builder.audience(a);
            }
            if let Some(exp) = exp {
                builder = builder.expires_at(time_arg("--exp", &exp, now)?);
            }
            if let Some(nbf) = nbf {
                builder = builder.not_before(time_arg("--nbf", &nbf, now)?);
            }
            if iat {
                builder = builder.issued_now();
            }
            if jti {
                let mut id = [0u8; 16];
                PROVIDER.random.fill(&mut id)?;
                builder = builder.jwt_id(jose::core::b64::encode(&id));
            }
            if let Some(typ) = typ {
                builder = builder.typ(typ);
            }
            for c in claim {
                let (name, value) = c
                    .split_once('=')
                    .ok_or_else(|| Failure::usage(format!("--claim {c}: expected NAME=JSON")))?;
                let value =
                    serde_json::from_str(value).unwrap_or_else(|_| Value::String(value.to_owned()));
                builder = builder.claim(name, value);
            }
            let token = builder.sign(&signer)?;
            Ok(crate::input::line(token.as_bytes()))
        }
        JwtCommand::Verify {
            key,
            jwks_url,
            alg,
            iss,
            aud,
            sub,
            leeway,
            require,
            typ,
            file,
        } => {
            let mut cands = candidates(&key)?;
            if let Some(url) = jwks_url {
                add_remote_keys(&mut cands, &url)?;
            }
            let algs = match alg {
                Some(list) => parse_alg_list(&list)?,
                None => key_algs(&cands.set, "an", Some)?,
            };
            let jws_algs: Vec<JwsAlgorithm> = algs
                .iter()
                .copied()
                .filter_map(Algorithm::as_signature)
                .collect();
            let jwe_algs: Vec<KeyManagementAlgorithm> = algs
                .iter()
                .copied()
                .filter_map(crate::jwe::jwe_alg_of)
                .collect();
            let mut validation = Validation::new(&jws_algs)
                .map_err(|_| Failure::usage("--alg: no JWS algorithm allowed"))?
                .leeway(leeway);
            if let Some(iss) = iss {
                validation = validation.issuer(iss);
            }
            if let Some(aud) = aud {
                validation = validation.audience(aud);
            }
            if let Some(sub) = sub {
                validation = validation.subject(sub);
            }
            if let Some(typ) = typ {
                validation = validation.typ(typ);
            }
            for claim in require.iter().flat_map(|r| r.split(',')) {
                validation = validation.require(claim.trim());
            }
            let store = cands.store();
            let token = read_token(file.as_deref())?;
            let jwt = if jose::jwt::is_encrypted(&token) {
                let decryption = Decryption::new(&jwe_algs, ContentEncryptionAlgorithm::ALL)
                    .map_err(|_| {
                        Failure::usage("--alg: no JWE algorithm allowed for a nested token")
                    })?;
                jose::jwt::decode_nested::<Object>(
                    &token,
                    &PROVIDER,
                    &decryption,
                    &store,
                    &validation,
                    &store,
                )?
            } else {
                jose::jwt::decode::<Object>(&token, &validation, &store)?
            };
            json_line(&jwt.claims)
        }
        JwtCommand::Decode { file } => {
            let token = read_token(file.as_deref())?;
            let jwt = jose::jwt::danger::decode_unverified(&token)?;
            eprintln!("jose: warning: this token was NOT verified; do not trust its contents");
            let mut out = Object::new();
            out.insert(
                "header".into(),
                serde_json::to_value(&jwt.header)
                    .map_err(|e| Failure::rejected(format!("cannot print the header: {e}")))?,
            );
            out.insert("payload".into(), Value::Object(jwt.claims));
            json_line(&out)
        }
    }
}

/// A duration from now (`30s`, `15m`, `1h`, `7d`) or seconds since the epoch.
fn time_arg(flag: &str, text: &str, now: i64) -> Result<NumericDate, Failure> {
    let bad = || {
        Failure::usage(format!(
            "{flag} {text}: expected a duration (30s, 15m, 1h, 7d) or seconds since the epoch"
        ))
    };
    if let Ok(secs) = text.parse::<i64>() {
        return Ok(NumericDate::from_secs(secs));
    }
    let split = text.len().checked_sub(1).ok_or_else(bad)?;
    let (number, unit) = (
        text.get(..split).ok_or_else(bad)?,
        text.get(split..).ok_or_else(bad)?,
    );
    let n: i64 = number.parse().map_err(|_| bad())?;
    let scale = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86400,
        _ => return Err(bad()),
    };
    let offset = n.checked_mul(scale).ok_or_else(bad)?;
    Ok(NumericDate::from_secs(now.saturating_add(offset)))
}

/// The claims of FILE, or of standard input when it is not a terminal and
/// not empty.
fn claims_input(file: Option<PathBuf>) -> Result<Option<Object>, Failure> {
    let bytes = match &file {
        Some(_) => read_input(file.as_deref())?,
        None if std::io::stdin().is_terminal() => return Ok(None),
        None => read_input(None)?,
    };
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    Ok(Some(jose::core::json::parse_object("claims", &bytes)?))
}
