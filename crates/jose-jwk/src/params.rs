//! The members every JWK may carry (RFC 7517 section 4): `kid`, `use`,
//! `key_ops`, `alg`, `x5u`, `x5c`, `x5t`, `x5t#S256`.

use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;
use core::str::FromStr;

use jose_core::{Algorithm, Error, MalformedReason};

/// The intended use of a public key (`use`, RFC 7517 section 4.2).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyUse {
    /// `sig`: signatures and MACs.
    Signature,
    /// `enc`: encryption and key agreement.
    Encryption,
    /// Any other value; such a key is used neither for signing nor for
    /// encryption by this workspace.
    Other(String),
}

impl KeyUse {
    /// The member value.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Signature => "sig",
            Self::Encryption => "enc",
            Self::Other(s) => s,
        }
    }
}

impl FromStr for KeyUse {
    type Err = core::convert::Infallible;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "sig" => Self::Signature,
            "enc" => Self::Encryption,
            other => Self::Other(other.to_string()),
        })
    }
}

impl fmt::Display for KeyUse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An operation a key may be used for (`key_ops`, RFC 7517 section 4.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum KeyOp {
    /// `sign`: compute a digital signature or MAC.
    Sign,
    /// `verify`: verify a digital signature or MAC.
    Verify,
    /// `encrypt`: encrypt content.
    Encrypt,
    /// `decrypt`: decrypt content and validate decryption.
    Decrypt,
    /// `wrapKey`: encrypt a key.
    WrapKey,
    /// `unwrapKey`: decrypt a key and validate decryption.
    UnwrapKey,
    /// `deriveKey`: derive a key.
    DeriveKey,
    /// `deriveBits`: derive bits not to be used as a key.
    DeriveBits,
}

impl KeyOp {
    /// Every operation, in RFC order.
    pub const ALL: &'static [Self] = &[
        Self::Sign,
        Self::Verify,
        Self::Encrypt,
        Self::Decrypt,
        Self::WrapKey,
        Self::UnwrapKey,
        Self::DeriveKey,
        Self::DeriveBits,
    ];

    /// The member value.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Sign => "sign",
            Self::Verify => "verify",
            Self::Encrypt => "encrypt",
            Self::Decrypt => "decrypt",
            Self::WrapKey => "wrapKey",
            Self::UnwrapKey => "unwrapKey",
            Self::DeriveKey => "deriveKey",
            Self::DeriveBits => "deriveBits",
        }
    }

    /// Whether the operation belongs with `use: "sig"`.
    pub const fn is_signature(self) -> bool {
        matches!(self, Self::Sign | Self::Verify)
    }
}

impl FromStr for KeyOp {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        Self::ALL
            .iter()
            .copied()
            .find(|op| op.as_str() == s)
            .ok_or_else(|| {
                Error::malformed(
                    "jwk \"key_ops\"",
                    MalformedReason::Invalid("has a value that is not registered"),
                )
            })
    }
}

impl fmt::Display for KeyOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The members common to every key type.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Parameters {
    /// `kid`: key ID (RFC 7517 section 4.5).
    pub kid: Option<String>,
    /// `use`: public key use (RFC 7517 section 4.2).
    pub key_use: Option<KeyUse>,
    /// `key_ops`: permitted operations, no duplicates (RFC 7517 section 4.3).
    pub key_ops: Option<Vec<KeyOp>>,
    /// `alg`: the one algorithm the key is meant for (RFC 7517 section 4.4).
    pub alg: Option<Algorithm>,
    /// `x5u`: X.509 URL (RFC 7517 section 4.6). Never fetched.
    pub x5u: Option<String>,
    /// `x5c`: X.509 certificate chain, DER (RFC 7517 section 4.7).
    pub x5c: Option<Vec<Vec<u8>>>,
    /// `x5t`: SHA-1 certificate thumbprint, 20 bytes (RFC 7517 section 4.8).
    pub x5t: Option<Vec<u8>>,
    /// `x5t#S256`: SHA-256 certificate thumbprint, 32 bytes (RFC 7517 section 4.9).
    pub x5t_s256: Option<Vec<u8>>,
}

impl Parameters {
    /// Whether `use` and `key_ops` both allow `op`. A key with neither member
    /// allows every operation its type supports.
    pub fn allows(&self, op: KeyOp) -> bool {
        let use_ok = match &self.key_use {
            None => true,
            Some(KeyUse::Signature) => op.is_signature(),
            Some(KeyUse::Encryption) => !op.is_signature(),
            Some(KeyUse::Other(_)) => false,
        };
        let ops_ok = self.key_ops.as_ref().is_none_or(|ops| ops.contains(&op));
        use_ok && ops_ok
    }

    /// Checks the RFC 7517 rules between members: `use` and `key_ops`
    /// consistent (section 4.3), `alg` consistent with `use`.
    pub(crate) fn check_consistency(&self) -> Result<(), Error> {
        if let (Some(u), Some(ops)) = (&self.key_use, &self.key_ops) {
            let consistent = match u {
                KeyUse::Signature => ops.iter().all(|op| op.is_signature()),
                KeyUse::Encryption => ops.iter().all(|op| !op.is_signature()),
                KeyUse::Other(_) => true,
            };
            if !consistent {
                return Err(Error::malformed(
                    "jwk \"key_ops\"",
                    MalformedReason::Invalid("is not consistent with \"use\""),
                ));
            }
        }
        if let (Some(u), Some(alg)) = (&self.key_use, &self.alg) {
            let consistent = matches!(
                (u, alg),
                (KeyUse::Signature, Algorithm::Signature(_))
                    | (KeyUse::Encryption, Algorithm::KeyManagement(_))
                    | (KeyUse::Encryption, Algorithm::ContentEncryption(_))
                    | (KeyUse::Other(_), _)
            );
            if !consistent {
                return Err(Error::malformed(
                    "jwk \"alg\"",
                    MalformedReason::Invalid("is not consistent with \"use\""),
                ));
            }
        }
        Ok(())
    }
}
