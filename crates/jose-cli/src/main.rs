//! `jose`: JOSE from the command line.
//!
//! See `jose --help`, and `shared/CLI.md` for the contract: input from a FILE
//! argument or standard input, output on standard output, a one-line reason
//! on standard error, exit 0 on success, 1 when input is rejected, 2 on a
//! usage error.

#![forbid(unsafe_code)]
// A std binary: `core` paths buy nothing here.
#![allow(clippy::std_instead_of_core, clippy::alloc_instead_of_core)]

mod input;
mod jwe;
mod jwk;
mod jws;
mod jwt;
mod keys;

use std::io::Write;
use std::process::ExitCode;

use clap::error::ErrorKind;
use clap::{Parser, Subcommand};

/// The backend every command uses: RustCrypto, or aws-lc-rs when built
/// with the `awslc` feature.
#[cfg(not(feature = "awslc"))]
pub(crate) const PROVIDER: jose::Provider = jose::rustcrypto::PROVIDER;
/// The backend every command uses: RustCrypto, or aws-lc-rs when built
/// with the `awslc` feature.
#[cfg(feature = "awslc")]
pub(crate) const PROVIDER: jose::Provider = jose::awslc::PROVIDER;

/// JOSE from the command line: JSON Web Keys, Signatures, Encryption and
/// Tokens.
#[derive(Debug, Parser)]
#[command(name = "jose", version, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Accept a PIN in a pkcs11: URI (pin-value=...). Off by default: the
    /// command line is readable by every local user; prefer pin-source=FILE
    /// or the PKCS11_PIN environment variable.
    #[arg(long, global = true)]
    allow_pin_in_uri: bool,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Make, convert and inspect JSON Web Keys.
    #[command(subcommand)]
    Jwk(jwk::JwkCommand),
    /// Sign and verify JSON Web Signatures.
    #[command(subcommand)]
    Jws(jws::JwsCommand),
    /// Encrypt and decrypt JSON Web Encryption.
    #[command(subcommand)]
    Jwe(jwe::JweCommand),
    /// Issue, verify and inspect JSON Web Tokens.
    #[command(subcommand)]
    Jwt(jwt::JwtCommand),
}

/// Why a command failed, and with which exit status.
#[derive(Debug)]
pub(crate) struct Failure {
    code: u8,
    pub(crate) message: String,
}

impl Failure {
    /// The input was rejected: exit status 1.
    pub(crate) fn rejected(message: impl Into<String>) -> Self {
        Self {
            code: 1,
            message: message.into(),
        }
    }

    /// A usage error: exit status 2.
    pub(crate) fn usage(message: impl Into<String>) -> Self {
        Self {
            code: 2,
            message: message.into(),
        }
    }
}

/// Errors from the library concern the input (or a key unusable for the
/// operation): exit status 1. Commands map errors that come from their flags
/// to [`Failure::usage`] themselves.
impl From<jose::Error> for Failure {
    fn from(e: jose::Error) -> Self {
        Self::rejected(e.to_string())
    }
}

/// Prints help and version as clap does; any other parse error as one
/// "jose: " line with exit status 2 (the CLI contract).
fn usage_error(e: &clap::Error) -> ExitCode {
    if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
        let _ = e.print();
        return ExitCode::SUCCESS;
    }
    if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
        let _ = e.print();
        return ExitCode::from(2);
    }
    let text = e.render().to_string();
    let line = text
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("invalid arguments");
    let line = line.strip_prefix("error: ").unwrap_or(line);
    // clap puts the missing arguments on the following lines: keep them on one.
    let detail: Vec<&str> = text
        .lines()
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .map(str::trim)
        .collect();
    if detail.is_empty() {
        eprintln!("jose: {line} (see --help)");
    } else {
        eprintln!("jose: {line} {} (see --help)", detail.join(", "));
    }
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(&e),
    };
    keys::ALLOW_PIN_IN_URI.store(cli.allow_pin_in_uri, std::sync::atomic::Ordering::Relaxed);
    let result = match cli.command {
        Command::Jwk(cmd) => jwk::run(cmd),
        Command::Jws(cmd) => jws::run(cmd),
        Command::Jwe(cmd) => jwe::run(cmd),
        Command::Jwt(cmd) => jwt::run(cmd),
    };
    match result {
        Ok(output) => {
            let mut stdout = std::io::stdout().lock();
            match stdout.write_all(&output).and_then(|()| stdout.flush()) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("jose: cannot write the output: {e}");
                    ExitCode::from(1)
                }
            }
        }
        Err(f) => {
            eprintln!("jose: {}", f.message);
            ExitCode::from(f.code)
        }
    }
}
