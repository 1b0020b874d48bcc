//! Parsing of the three JWS serializations into borrowed parts.

use alloc::borrow::Cow;
use alloc::string::String;
use alloc::vec::Vec;

use jose_core::json::{self, Object};
use jose_core::{Error, MalformedReason};
use serde_json::Value;

use crate::Limits;

/// One signature of a parsed JWS, before any check.
#[derive(Debug)]
pub(crate) struct RawSignature<'a> {
    /// The base64url text of the protected header, as signed ("" if absent).
    pub(crate) protected_b64: Cow<'a, str>,
    /// The unprotected header members, for JSON serializations.
    pub(crate) unprotected: Option<Object>,
    /// The base64url text of the signature.
    pub(crate) signature_b64: Cow<'a, str>,
}

/// A parsed JWS: the payload part as it appears (base64url text, or the raw
/// payload for `b64: false`), and its signatures.
#[derive(Debug)]
pub(crate) struct RawJws<'a> {
    /// `None` when the payload is detached.
    pub(crate) payload: Option<Cow<'a, str>>,
    /// For compact input, `header.payload` as it stands in the input: the
    /// signing input when the payload is attached and encoded, borrowed
    /// rather than rebuilt.
    pub(crate) compact_signing_input: Option<&'a str>,
    pub(crate) signatures: Signatures<'a>,
}

/// The signatures of a JWS: never none, and the one of a compact or
/// flattened JWS held without a vector.
#[derive(Debug)]
pub(crate) struct Signatures<'a> {
    pub(crate) first: RawSignature<'a>,
    pub(crate) rest: Vec<RawSignature<'a>>,
}

impl<'a> Signatures<'a> {
    fn one(first: RawSignature<'a>) -> Self {
        Self {
            first,
            rest: Vec::new(),
        }
    }

    /// The signatures in order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &RawSignature<'a>> {
        core::iter::once(&self.first).chain(&self.rest)
    }
}

/// Parses a JWS in any serialization, told apart by a leading `{`.
pub(crate) fn any<'a>(input: &'a str, limits: &Limits) -> Result<RawJws<'a>, Error> {
    if input.trim_start().starts_with('{') {
        json(input, limits)
    } else {
        compact(input, limits)
    }
}

/// Splits a compact JWS into its three parts, borrowing from the input.
pub(crate) fn compact<'a>(input: &'a str, limits: &Limits) -> Result<RawJws<'a>, Error> {
    limits.check_input(input.len())?;
    let mut parts = input.split('.');
    let (Some(header), Some(payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(Error::malformed(
            "compact serialization",
            MalformedReason::Invalid("must have exactly three parts separated by '.'"),
        ));
    };
    if header.is_empty() {
        return Err(Error::malformed(
            "compact serialization protected header",
            MalformedReason::Missing,
        ));
    }
    // An empty middle part is an empty payload, or a detached one: only the
    // caller knows which (`verify` or `verify_detached`).
    let signing_input = input.get(..header.len() + 1 + payload.len());
    Ok(RawJws {
        payload: Some(Cow::Borrowed(payload)),
        compact_signing_input: signing_input,
        signatures: Signatures::one(RawSignature {
            protected_b64: Cow::Borrowed(header),
            unprotected: None,
            signature_b64: Cow::Borrowed(signature),
        }),
    })
}

/// Parses the flattened or general JSON serialization (RFC 7515 section 7.2).
pub(crate) fn json(input: &str, limits: &Limits) -> Result<RawJws<'static>, Error> {
    limits.check_input(input.len())?;
    let mut obj = json::parse_object("JSON serialization", input.as_bytes())?;
    let payload = match obj.remove("payload") {
        None => None,
        Some(Value::String(p)) => Some(Cow::Owned(p)),
        Some(_) => return Err(wrong_type("payload", "a string")),
    };
    let flattened = obj.contains_key("signature");
    let general = obj.contains_key("signatures");
    let signatures = match (flattened, general) {
        (true, true) => {
            return Err(Error::malformed(
                "JSON serialization",
                MalformedReason::Invalid("must not have both \"signature\" and \"signatures\""),
            ));
        }
        (false, false) => {
            return Err(Error::malformed(
                "JSON serialization \"signature\"",
                MalformedReason::Missing,
            ));
        }
        (true, false) => Signatures::one(signature_entry(obj)?),
        (false, true) => {
            if obj.contains_key("protected") || obj.contains_key("header") {
                return Err(Error::malformed(
                    "JSON serialization",
                    MalformedReason::Invalid(
                        "general form must not have top-level \"protected\" or \"header\"",
                    ),
                ));
            }
            let Some(Value::Array(entries)) = obj.remove("signatures") else {
                return Err(wrong_type("signatures", "an array"));
            };
            if entries.is_empty() {
                return Err(Error::malformed(
                    "JSON serialization \"signatures\"",
                    MalformedReason::Invalid("must not be empty"),
                ));
            }
            if entries.len() > limits.max_signatures {
                return Err(Error::malformed(
                    "JSON serialization \"signatures\"",
                    MalformedReason::Invalid("has more signatures than the limit"),
                ));
            }
            let mut entries = entries.into_iter().map(|e| match e {
                Value::Object(o) => signature_entry(o),
                _ => Err(wrong_type("signatures", "an array of objects")),
            });
            let first = entries.next().ok_or(Error::malformed(
                "JSON serialization \"signatures\"",
                MalformedReason::Invalid("must not be empty"),
            ))??;
            Signatures {
                first,
                rest: entries.collect::<Result<Vec<_>, _>>()?,
            }
        }
    };
    Ok(RawJws {
        payload,
        compact_signing_input: None,
        signatures,
    })
}

fn wrong_type(member: &str, expected: &'static str) -> Error {
    Error::malformed(
        alloc::format!("JSON serialization \"{member}\""),
        MalformedReason::WrongType(expected),
    )
}

fn signature_entry(mut obj: Object) -> Result<RawSignature<'static>, Error> {
    let protected_b64 = match obj.remove("protected") {
        None => String::new(),
        Some(Value::String(p)) if !p.is_empty() => p,
        Some(Value::String(_)) => {
            return Err(Error::malformed(
                "JSON serialization \"protected\"",
                MalformedReason::Invalid("must not be empty when present"),
            ));
        }
        Some(_) => return Err(wrong_type("protected", "a string")),
    };
    let unprotected = match obj.remove("header") {
        None => None,
        Some(Value::Object(h)) => Some(h),
        Some(_) => return Err(wrong_type("header", "a JSON object")),
    };
    let signature_b64 = match obj.remove("signature") {
        Some(Value::String(s)) => s,
        None => {
            return Err(Error::malformed(
                "JSON serialization \"signature\"",
                MalformedReason::Missing,
            ));
        }
        Some(_) => return Err(wrong_type("signature", "a string")),
    };
    if protected_b64.is_empty() && unprotected.is_none() {
        return Err(Error::malformed(
            "JSON serialization",
            MalformedReason::Invalid("a signature needs a \"protected\" or \"header\" member"),
        ));
    }
    Ok(RawSignature {
        protected_b64: Cow::Owned(protected_b64),
        unprotected,
        signature_b64: Cow::Owned(signature_b64),
    })
}
