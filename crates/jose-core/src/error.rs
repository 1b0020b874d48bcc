//! The one error type shared by every crate of the workspace.
//!
//! Each variant names *what* is wrong (which member, which check) and never
//! carries anything that depends on secret data: no key bytes, no plaintext,
//! and no detail on *why* a signature or a decryption failed (those are the
//! content-free [`Error::BadSignature`] and [`Error::DecryptionFailed`]).

use alloc::borrow::Cow;
use alloc::boxed::Box;
use alloc::string::String;
use alloc::sync::Arc;
use core::fmt;

/// Everything that can go wrong in the JOSE crates.
///
/// Match on the variant to decide what to do; print it (with `Display`) to
/// tell a person. Messages are lower-case sentences without a final period.
///
/// `Error` is `PartialEq` but not `Eq`: an [`Error::Backend`] never equals
/// anything, itself included, because two device failures are never known
/// to be the same.
#[derive(Clone, PartialEq)]
#[non_exhaustive]
pub enum Error {
    /// The input is not well formed: bad JSON, bad base64url, a missing or
    /// ill-typed member, a wrong number of compact parts, input too large.
    Malformed(Malformed),
    /// The input is well formed but a security policy refuses it: an algorithm
    /// outside the allow-list, `none`, a key whose `use` forbids the operation,
    /// an unknown `crit` parameter.
    Policy(Policy),
    /// Something this implementation (or the chosen backend) does not support.
    Unsupported(Unsupported),
    /// A key is unusable: wrong size, a point not on its curve, inconsistent
    /// private and public parts.
    InvalidKey(InvalidKey),
    /// A signature or MAC did not verify. Deliberately carries no detail.
    BadSignature,
    /// Decryption failed (wrong key, bad tag, bad padding). Deliberately carries
    /// no detail, so that no failure mode can be told from another.
    DecryptionFailed,
    /// A JWT's claims fail validation: which claim, which check.
    InvalidClaim(InvalidClaim),
    /// The caller used the API in a way it does not allow.
    ApiMisuse(&'static str),
    /// A backend (a hardware token, a remote signer, the OS random source)
    /// failed for a reason of its own: I/O, PIN, session. Never a
    /// verification or decryption failure.
    Backend(BackendError),
}

impl Error {
    /// A [`Malformed`] error about member or part `what`.
    pub fn malformed(what: impl Into<Cow<'static, str>>, reason: MalformedReason) -> Self {
        Self::Malformed(Malformed {
            what: what.into(),
            reason,
        })
    }

    /// An [`InvalidKey`] error about JWK member `member`.
    pub fn invalid_key(member: &'static str, reason: &'static str) -> Self {
        Self::InvalidKey(InvalidKey { member, reason })
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Malformed(m) => m.fmt(f),
            Self::Policy(p) => p.fmt(f),
            Self::Unsupported(u) => u.fmt(f),
            Self::InvalidKey(k) => k.fmt(f),
            Self::BadSignature => f.write_str("signature verification failed"),
            Self::DecryptionFailed => f.write_str("decryption failed"),
            Self::InvalidClaim(c) => c.fmt(f),
            Self::ApiMisuse(what) => write!(f, "api misuse: {what}"),
            Self::Backend(b) => b.fmt(f),
        }
    }
}

/// `Debug` is bounded like `Display`: the variant's name and its message,
/// in which every attacker-chosen string is cut and escaped. A derived
/// `Debug` would print such strings whole (a 4 MiB `alg` into a log).
impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self {
            Self::Malformed(_) => "Malformed",
            Self::Policy(_) => "Policy",
            Self::Unsupported(_) => "Unsupported",
            Self::InvalidKey(_) => "InvalidKey",
            Self::BadSignature => "BadSignature",
            Self::DecryptionFailed => "DecryptionFailed",
            Self::InvalidClaim(_) => "InvalidClaim",
            Self::ApiMisuse(_) => "ApiMisuse",
            Self::Backend(_) => "Backend",
        };
        write!(f, "{kind}({self})")
    }
}

impl core::error::Error for Error {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            Self::Backend(b) => Some(b.inner.as_ref()),
            Self::Malformed(_)
            | Self::Policy(_)
            | Self::Unsupported(_)
            | Self::InvalidKey(_)
            | Self::BadSignature
            | Self::DecryptionFailed
            | Self::InvalidClaim(_)
            | Self::ApiMisuse(_) => None,
        }
    }
}

/// Input that is not well formed. See [`Error::Malformed`]; build one with
/// [`Error::malformed`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Malformed {
    /// The part or member concerned, such as `header "alg"`, `jwk "x"` or
    /// `compact serialization`.
    pub what: Cow<'static, str>,
    /// What is wrong with it.
    pub reason: MalformedReason,
}

impl fmt::Display for Malformed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.what, self.reason)
    }
}

/// Why input is malformed. See [`Malformed`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum MalformedReason {
    /// Not valid JSON. Only the position is kept: serde_json's own message
    /// can quote input, which may be secret (a JWK's `d`).
    Json {
        /// 1-based line of the error.
        line: usize,
        /// 1-based column of the error.
        column: usize,
    },
    /// Valid JSON, but not a JSON object where one is required.
    NotAnObject,
    /// Not strict base64url (RFC 7515 section 2): padding, whitespace,
    /// characters outside the alphabet or non-canonical trailing bits.
    Base64,
    /// Not valid UTF-8 where text is required.
    Utf8,
    /// A JSON object has the same member name twice.
    DuplicateMember(String),
    /// A required member is absent.
    Missing,
    /// A member is present where it is not allowed.
    Unexpected,
    /// A member has the wrong JSON type.
    WrongType(&'static str),
    /// A value is present but not acceptable, with a fixed explanation.
    Invalid(&'static str),
    /// The input is larger than the configured limit.
    TooLarge {
        /// The limit, in bytes.
        limit: usize,
    },
}

impl fmt::Display for MalformedReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Json { line, column } => {
                write!(f, "is not valid JSON (line {line}, column {column})")
            }
            Self::NotAnObject => f.write_str("is not a JSON object"),
            Self::Base64 => f.write_str("is not valid unpadded base64url"),
            Self::Utf8 => f.write_str("is not valid UTF-8"),
            Self::DuplicateMember(name) => {
                write!(f, "has a duplicate member \"{}\"", Truncated(name))
            }
            Self::Missing => f.write_str("is missing"),
            Self::Unexpected => f.write_str("is not allowed here"),
            Self::WrongType(expected) => write!(f, "must be {expected}"),
            Self::Invalid(why) => f.write_str(why),
            Self::TooLarge { limit } => write!(f, "is larger than the limit of {limit} bytes"),
        }
    }
}

/// A policy refused well-formed input. See [`Error::Policy`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Policy {
    /// The algorithm `none` was named; it is never accepted (RFC 8725 section 3.2).
    NoneAlgorithm,
    /// The algorithm is valid but not in the caller's allow-list.
    AlgorithmNotAllowed(String),
    /// The key is bound to another algorithm (its `alg` member, or its type).
    KeyAlgorithmMismatch {
        /// The algorithm the operation asked for.
        requested: String,
    },
    /// The key's `use` or `key_ops` member forbids the operation.
    KeyUseForbidden(&'static str),
    /// `crit` names a parameter the caller did not declare as understood, or
    /// one that is not present in the protected header.
    UnknownCritical(String),
    /// No key fits the message.
    NoMatchingKey,
    /// A header member that must be integrity-protected is not.
    NotProtected(String),
    /// A header parameter is above a configured limit (such as PBES2 `p2c`).
    LimitExceeded(&'static str),
    /// A key set holds both symmetric and asymmetric keys for verification,
    /// the setting of key confusion; it needs an explicit opt-in.
    MixedKeyTypes,
    /// A JWT in a JSON serialization: JWTs are compact (RFC 7519 section
    /// 7.2, RFC 8725bis); accepting JSON needs an explicit opt-in.
    NotCompact,
    /// Opening the message would take more work than the limits allow for
    /// one message: key derivation iterations, private-key operations or
    /// content bytes decrypted, over all recipients and keys.
    WorkLimitExceeded(&'static str),
}

impl fmt::Display for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoneAlgorithm => f.write_str("algorithm \"none\" is never accepted"),
            Self::AlgorithmNotAllowed(alg) => {
                write!(
                    f,
                    "algorithm \"{}\" is not in the allow-list",
                    Truncated(alg)
                )
            }
            Self::KeyAlgorithmMismatch { requested } => write!(
                f,
                "key cannot be used with algorithm \"{}\"",
                Truncated(requested)
            ),
            Self::KeyUseForbidden(op) => write!(f, "key's \"use\" or \"key_ops\" forbid {op}"),
            Self::UnknownCritical(name) => write!(
                f,
                "header \"crit\" names parameter \"{}\" that is not understood or not protected",
                Truncated(name)
            ),
            Self::NoMatchingKey => f.write_str("no key fits the message"),
            Self::LimitExceeded(name) => {
                write!(f, "header \"{name}\" is above the configured limit")
            }
            Self::MixedKeyTypes => {
                f.write_str("the key set holds both symmetric and asymmetric keys for verification")
            }
            Self::NotCompact => f.write_str("a JWT must use the compact serialization"),
            Self::WorkLimitExceeded(what) => {
                write!(f, "the message needs more {what} than the limits allow")
            }
            Self::NotProtected(name) => write!(
                f,
                "header parameter \"{}\" must be in the protected header",
                Truncated(name)
            ),
        }
    }
}

/// What is not supported. See [`Error::Unsupported`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Unsupported {
    /// An algorithm name that is unknown, or known but not implemented.
    Algorithm(String),
    /// A JWK `kty` value.
    KeyType(String),
    /// A JWK `crv` value.
    Curve(String),
    /// RSA keys with more than two primes (JWK `oth`).
    MultiPrimeRsa,
    /// A PEM or DER key format or algorithm identifier.
    KeyFormat(&'static str),
    /// The backend cannot perform this operation (for example a token that
    /// lacks a mechanism).
    Operation(String),
}

impl fmt::Display for Unsupported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Algorithm(a) => write!(f, "algorithm \"{}\" is not supported", Truncated(a)),
            Self::KeyType(k) => {
                write!(f, "jwk \"kty\" value \"{}\" is not supported", Truncated(k))
            }
            Self::Curve(c) => write!(f, "jwk \"crv\" value \"{}\" is not supported", Truncated(c)),
            Self::MultiPrimeRsa => {
                f.write_str("multi-prime RSA keys (jwk \"oth\") are not supported")
            }
            Self::KeyFormat(what) => write!(f, "key format is not supported: {what}"),
            Self::Operation(what) => write!(f, "operation is not supported: {what}"),
        }
    }
}

/// A key that cannot be used. See [`Error::InvalidKey`]; build one with
/// [`Error::invalid_key`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct InvalidKey {
    /// The JWK member concerned, or `"key"` for the key as a whole.
    pub member: &'static str,
    /// A fixed explanation.
    pub reason: &'static str,
}

impl fmt::Display for InvalidKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.member == "key" {
            write!(f, "invalid key: {}", self.reason)
        } else {
            write!(f, "invalid key: jwk \"{}\" {}", self.member, self.reason)
        }
    }
}

/// A JWT claim that fails validation. See [`Error::InvalidClaim`]. Values
/// are included where they are safe to show (times, issuer names), so that
/// the message says what was expected.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum InvalidClaim {
    /// `exp` is at or before now (minus leeway): the token has expired.
    Expired {
        /// The `exp` value, in seconds since the epoch.
        exp: i64,
        /// The current time used for the check.
        now: i64,
    },
    /// `nbf` is after now (plus leeway): the token is not valid yet.
    NotYetValid {
        /// The `nbf` value.
        nbf: i64,
        /// The current time used for the check.
        now: i64,
    },
    /// `iat` is in the future (plus leeway).
    IssuedInFuture {
        /// The `iat` value.
        iat: i64,
        /// The current time used for the check.
        now: i64,
    },
    /// `iat` is older than the configured maximum age.
    TooOld {
        /// The `iat` value.
        iat: i64,
        /// The maximum age, in seconds.
        max_age: i64,
    },
    /// `iss` is not one of the expected issuers.
    Issuer(String),
    /// No audience of the token is accepted.
    Audience,
    /// `sub` is not the expected subject.
    Subject(String),
    /// A required claim is absent.
    Missing(String),
    /// A claim has the wrong JSON type (for example `exp` as a string).
    WrongType {
        /// The claim.
        claim: String,
        /// What it must be.
        expected: &'static str,
    },
    /// The header `typ` is not the expected one.
    Type(String),
}

impl fmt::Display for InvalidClaim {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Expired { exp, now } => {
                write!(f, "jwt claim \"exp\" is in the past (exp {exp}, now {now})")
            }
            Self::NotYetValid { nbf, now } => {
                write!(
                    f,
                    "jwt claim \"nbf\" is in the future (nbf {nbf}, now {now})"
                )
            }
            Self::IssuedInFuture { iat, now } => {
                write!(
                    f,
                    "jwt claim \"iat\" is in the future (iat {iat}, now {now})"
                )
            }
            Self::TooOld { iat, max_age } => write!(
                f,
                "jwt claim \"iat\" is older than the maximum age of {max_age} seconds (iat {iat})"
            ),
            Self::Issuer(iss) => write!(
                f,
                "jwt claim \"iss\" value \"{}\" is not an accepted issuer",
                Truncated(iss)
            ),
            Self::Audience => f.write_str("jwt claim \"aud\" has no accepted audience"),
            Self::Subject(sub) => write!(
                f,
                "jwt claim \"sub\" value \"{}\" is not the expected subject",
                Truncated(sub)
            ),
            Self::Missing(claim) => {
                write!(
                    f,
                    "jwt claim \"{}\" is required but missing",
                    Truncated(claim)
                )
            }
            Self::WrongType { claim, expected } => {
                write!(f, "jwt claim \"{}\" must be {expected}", Truncated(claim))
            }
            Self::Type(typ) => write!(
                f,
                "jwt header \"typ\" value \"{}\" is not the expected type",
                Truncated(typ)
            ),
        }
    }
}

/// A failure inside a backend: token I/O, PIN, session, OS random source.
///
/// Wraps the backend's own error. It never compares equal to another value,
/// and must never carry a verification or decryption failure: those are
/// [`Error::BadSignature`] and [`Error::DecryptionFailed`].
#[derive(Clone)]
pub struct BackendError {
    context: &'static str,
    inner: Arc<dyn core::error::Error + Send + Sync + 'static>,
}

impl BackendError {
    /// Wraps `source`, with a short fixed `context` such as `"pkcs11 login"`.
    pub fn new(
        context: &'static str,
        source: impl Into<Box<dyn core::error::Error + Send + Sync + 'static>>,
    ) -> Self {
        Self {
            context,
            inner: Arc::from(source.into()),
        }
    }

    /// The fixed context given at construction.
    pub fn context(&self) -> &'static str {
        self.context
    }
}

impl From<BackendError> for Error {
    fn from(e: BackendError) -> Self {
        Self::Backend(e)
    }
}

impl PartialEq for BackendError {
    fn eq(&self, _: &Self) -> bool {
        false
    }
}

impl fmt::Debug for BackendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BackendError")
            .field("context", &self.context)
            .field("inner", &self.inner)
            .finish()
    }
}

impl fmt::Display for BackendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.context, self.inner)
    }
}

/// Displays an attacker-chosen string, cut to a bounded length and with
/// control, bidirectional-override and zero-width characters escaped, so an
/// error message stays one short line that reads as it is (no "Trojan
/// Source" reordering, no invisible text).
pub(crate) struct Truncated<'a>(pub(crate) &'a str);

/// Whether `c` changes how text around it is shown without being seen:
/// bidirectional marks, embeddings, overrides and isolates, zero-width
/// characters, the byte order mark.
fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{061C}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2069}'
            | '\u{FEFF}'
    )
}

impl fmt::Display for Truncated<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const MAX: usize = 64;
        for (i, c) in self.0.chars().enumerate() {
            if i == MAX {
                return f.write_str("...");
            }
            if c.is_control() || c == '"' || c == '\\' {
                write!(f, "{}", c.escape_default())?;
            } else if is_invisible_format(c) {
                write!(f, "{}", c.escape_unicode())?;
            } else {
                write!(f, "{c}")?;
            }
        }
        Ok(())
    }
}

/// The result type of the JOSE crates.
pub type Result<T, E = Error> = core::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    #[test]
    fn messages_name_the_member_and_the_check() {
        let e = Error::malformed("header \"alg\"", MalformedReason::Missing);
        assert_eq!(e.to_string(), "header \"alg\" is missing");
        let e = Error::Policy(Policy::UnknownCritical("exp".into()));
        assert!(e.to_string().contains("\"exp\""));
    }

    #[test]
    fn attacker_strings_are_truncated_and_escaped() {
        let long = "a\n".repeat(100);
        let e = Error::Policy(Policy::AlgorithmNotAllowed(long));
        let s = e.to_string();
        assert!(!s.contains('\n'));
        assert!(s.len() < 200);
    }

    /// An attacker string with a right-to-left override or zero-width
    /// characters could make a logged error read as something else ("Trojan
    /// Source"): they are shown as escapes.
    #[test]
    fn bidi_and_zero_width_characters_are_escaped() {
        let tricky = "RS256\u{202E}652SH\u{200B}\u{2066}x\u{FEFF}";
        let s = Error::Policy(Policy::AlgorithmNotAllowed(tricky.into())).to_string();
        for c in ['\u{202E}', '\u{200B}', '\u{2066}', '\u{FEFF}'] {
            assert!(!s.contains(c), "{s}");
        }
        assert!(s.contains("\\u{202e}"), "{s}");
        assert!(s.contains("RS256"), "{s}");
    }

    /// A derived `Debug` would print an attacker's 1 MiB string whole into
    /// a log; `Debug` of an error is as bounded as `Display`.
    #[test]
    fn debug_is_bounded_like_display() {
        let huge = "A".repeat(1 << 20);
        let e = Error::Policy(Policy::AlgorithmNotAllowed(huge.clone()));
        let debug = alloc::format!("{e:?}");
        assert!(debug.len() < 200, "{}", debug.len());
        assert!(debug.starts_with("Policy("));
        let e = Error::Unsupported(Unsupported::Algorithm(huge));
        assert!(alloc::format!("{e:?}").len() < 200);
        assert_eq!(
            alloc::format!("{:?}", Error::BadSignature),
            "BadSignature(signature verification failed)"
        );
    }

    #[test]
    fn backend_errors_never_compare_equal() {
        let a = BackendError::new("test", "boom");
        assert_ne!(a.clone(), a);
        assert_eq!(a.context(), "test");
    }
}
