//! `jose jwk ...`: make, convert and inspect JSON Web Keys.

use std::path::PathBuf;

use crate::PROVIDER;
use clap::{Args, Subcommand, ValueEnum};
use jose::core::{Algorithm, ContentEncryptionAlgorithm, Curve, HashAlgorithm, KeyShape, KeyType};
use jose::jwk::{Jwk, KeyFormat, KeySpec, KeyUse};

use crate::Failure;
use crate::input::{Output, json_line, read_input, read_text};
use crate::keys::{Keys, parse_jwk, parse_keys};
use zeroize::Zeroizing;

#[derive(Debug, Subcommand)]
pub(crate) enum JwkCommand {
    /// Generate a private key and print it as a JWK.
    ///
    /// With --alg, the key type and size follow the algorithm (RSA 2048 bits
    /// unless --bits; the curve of ES256/384/512/256K; Ed25519 for EdDSA;
    /// P-256 for ECDH-ES unless --crv; an oct key of the right length for
    /// HS*, A*KW, A*GCMKW, PBES2 and dir with --enc), and the JWK gets that
    /// "alg". With --kty (and --crv or --bits) the shape is explicit.
    ///
    /// The private key goes to standard output: redirect it under a umask
    /// that keeps it yours, as in `(umask 077; jose jwk gen --alg ES256 >
    /// key.jwk)`, so that the file is created with mode 0600.
    Gen(GenArgs),
    /// Print the public part of a JWK, of every key of a JWK Set, or of a
    /// key on a PKCS#11 token (kid: the key's label).
    Pub {
        /// A JWK or JWK Set file (standard input if absent or "-"), or a
        /// pkcs11: URI.
        file: Option<PathBuf>,
    },
    /// Print the RFC 7638 thumbprint of a JWK (or its RFC 9278 URI).
    Thumbprint {
        /// The hash function.
        #[arg(long, value_enum, default_value_t = Hash::Sha256)]
        hash: Hash,
        /// Print the thumbprint URI (urn:ietf:params:oauth:jwk-thumbprint:...).
        #[arg(long)]
        uri: bool,
        /// A JWK file (standard input if absent or "-").
        file: Option<PathBuf>,
    },
    /// Convert a PEM key (SPKI, PKCS#8, PKCS#1, SEC1) to a JWK.
    ///
    /// A private key goes to standard output: redirect it under a umask
    /// that keeps it yours, as in `(umask 077; jose jwk from-pem key.pem >
    /// key.jwk)`.
    FromPem {
        /// Set the JWK's "alg" (checked against the key).
        #[arg(long)]
        alg: Option<String>,
        /// Set the JWK's "kid".
        #[arg(long)]
        kid: Option<String>,
        /// A PEM file (standard input if absent or "-").
        file: Option<PathBuf>,
    },
    /// Convert a JWK to PEM: PKCS#8 for a private key, SPKI for a public one.
    ///
    /// A private key goes to standard output: redirect it under a umask
    /// that keeps it yours, as in `(umask 077; jose jwk to-pem key.jwk >
    /// key.pem)`.
    ToPem {
        /// Write the public key (SPKI) even for a private JWK.
        #[arg(long)]
        public: bool,
        /// A JWK file (standard input if absent or "-").
        file: Option<PathBuf>,
    },
}

#[derive(Debug, Args)]
pub(crate) struct GenArgs {
    /// The algorithm the key is for (any JWS or JWE "alg").
    #[arg(long, required_unless_present = "kty", conflicts_with = "kty")]
    alg: Option<String>,
    /// The key type, for the explicit form: RSA, EC, OKP or oct.
    #[arg(long)]
    kty: Option<String>,
    /// The curve: P-256, P-384, P-521, secp256k1, Ed25519 or X25519.
    #[arg(long)]
    crv: Option<String>,
    /// RSA modulus size in bits (default 2048), or oct key size in bits
    /// (default 256).
    #[arg(long)]
    bits: Option<usize>,
    /// The content encryption algorithm, to size a "dir" key.
    #[arg(long)]
    enc: Option<String>,
    /// The key ID.
    #[arg(long)]
    kid: Option<String>,
    /// The intended use.
    #[arg(long = "use", value_enum)]
    key_use: Option<Use>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub(crate) enum Hash {
    Sha256,
    Sha384,
    Sha512,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub(crate) enum Use {
    Sig,
    Enc,
}

pub(crate) fn run(cmd: JwkCommand) -> Result<Output, Failure> {
    match cmd {
        JwkCommand::Gen(args) => generate(&args),
        JwkCommand::Pub { file } => match file.as_deref() {
            Some(uri)
                if uri
                    .to_str()
                    .is_some_and(jose::pkcs11::Pkcs11Uri::is_pkcs11_uri) =>
            {
                let key = crate::keys::token_key(uri)?;
                let jwk = key.public_jwk().ok_or_else(|| {
                    Failure::rejected("a secret key on the token has no public part")
                })?;
                json_line(jwk)
            }
            _ => public(read_input(file.as_deref())?.as_slice()),
        },
        JwkCommand::Thumbprint { hash, uri, file } => {
            let jwk = parse_jwk(&read_input(file.as_deref())?)?;
            let hash = match hash {
                Hash::Sha256 => HashAlgorithm::Sha256,
                Hash::Sha384 => HashAlgorithm::Sha384,
                Hash::Sha512 => HashAlgorithm::Sha512,
            };
            let line = if uri {
                jwk.thumbprint_uri(&PROVIDER, hash)?
            } else {
                jwk.thumbprint_b64(&PROVIDER, hash)?
            };
            Ok(crate::input::line(line.as_bytes()))
        }
        JwkCommand::FromPem { alg, kid, file } => {
            let pem = read_text(file.as_deref())?;
            let mut jwk = Jwk::from_pem(&pem, &PROVIDER)?;
            if let Some(alg) = alg {
                jwk = jwk.with_alg(parse_alg(&alg)?)?;
            }
            if let Some(kid) = kid {
                jwk = jwk.with_kid(kid);
            }
            Ok(crate::input::line(jwk.to_json().as_bytes()))
        }
        JwkCommand::ToPem { public, file } => {
            let jwk = parse_jwk(&read_input(file.as_deref())?)?;
            let format = if public || !jwk.is_private() {
                KeyFormat::Spki
            } else {
                KeyFormat::Pkcs8
            };
            Ok(Zeroizing::new(jwk.to_pem(format)?.as_bytes().to_vec()))
        }
    }
}

fn parse_alg(text: &str) -> Result<Algorithm, Failure> {
    text.parse()
        .map_err(|e: jose::Error| Failure::usage(format!("--alg: {e}")))
}

fn parse_curve(text: &str) -> Result<Curve, Failure> {
    text.parse()
        .map_err(|_| Failure::usage(format!("--crv: unknown curve \"{text}\"")))
}

fn generate(args: &GenArgs) -> Result<Output, Failure> {
    let crv = args.crv.as_deref().map(parse_curve).transpose()?;
    let spec = if let Some(alg) = &args.alg {
        let alg = parse_alg(alg)?;
        let enc = args
            .enc
            .as_deref()
            .map(|e| {
                e.parse::<ContentEncryptionAlgorithm>()
                    .map_err(|err| Failure::usage(format!("--enc: {err}")))
            })
            .transpose()?;
        // The spec refuses flags that the algorithm does not use rather
        // than dropping them.
        let mut spec = KeySpec::from(alg);
        if let Some(bits) = args.bits {
            spec = spec.bits(bits);
        }
        if let Some(crv) = crv {
            spec = spec.curve(crv);
        }
        if let Some(enc) = enc {
            spec = spec.enc(enc);
        }
        spec.shape()
            .map_err(|e| Failure::usage(format!("--alg {alg}: {e}")))?;
        spec
    } else {
        let kty = args.kty.as_deref().unwrap_or_default();
        let kty: KeyType = kty
            .parse()
            .map_err(|_| Failure::usage(format!("--kty: unknown key type \"{kty}\"")))?;
        if args.enc.is_some() {
            return Err(Failure::usage("--enc applies only to --alg dir"));
        }
        let shape = match kty {
            KeyType::Rsa => KeyShape::Rsa {
                bits: args.bits.unwrap_or(jose::jwk::DEFAULT_RSA_BITS),
            },
            KeyType::Ec | KeyType::Okp => {
                if args.bits.is_some() {
                    return Err(Failure::usage(
                        "--bits does not apply to EC and OKP keys: use --crv",
                    ));
                }
                let default = if kty == KeyType::Ec {
                    Curve::P256
                } else {
                    Curve::Ed25519
                };
                KeyShape::Curve(crv.unwrap_or(default))
            }
            KeyType::Oct => {
                let bits = args.bits.unwrap_or(256);
                if !bits.is_multiple_of(8) {
                    return Err(Failure::usage(
                        "--bits: oct keys are a whole number of bytes",
                    ));
                }
                KeyShape::Oct { len: bits / 8 }
            }
            other => return Err(Failure::usage(format!("--kty: {other} is not supported"))),
        };
        if crv.is_some_and(|c| c.key_type() != kty) {
            return Err(Failure::usage("--crv does not fit --kty"));
        }
        KeySpec::from(shape)
    };
    let mut jwk = PROVIDER.generate(spec).map_err(jose_usage)?;
    if let Some(kid) = &args.kid {
        jwk = jwk.with_kid(kid.clone());
    }
    if let Some(u) = args.key_use {
        let u = match u {
            Use::Sig => KeyUse::Signature,
            Use::Enc => KeyUse::Encryption,
        };
        jwk = jwk.with_use(u).map_err(jose_usage)?;
    }
    Ok(crate::input::line(jwk.to_json().as_bytes()))
}

/// In `gen`, every error comes from the flags, not from input.
fn jose_usage(e: jose::Error) -> Failure {
    Failure::usage(e.to_string())
}

fn public(input: &[u8]) -> Result<Output, Failure> {
    match parse_keys(input)? {
        Keys::One(jwk) => {
            let public = jwk
                .to_public()
                .ok_or_else(|| Failure::rejected("a symmetric (oct) key has no public part"))?;
            json_line(&public)
        }
        Keys::Set(set) => json_line(&set.to_public()),
    }
}
