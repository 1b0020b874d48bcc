//! Parsing of the three JWE serializations (RFC 7516 section 7).

use alloc::string::String;
use alloc::vec::Vec;

use jose_core::json::{self, Object};
use jose_core::{Error, MalformedReason, b64};
use serde_json::Value;

use crate::Limits;

/// One recipient of a parsed JWE.
#[derive(Debug)]
pub(crate) struct RawRecipient {
    /// The per-recipient unprotected header.
    pub(crate) header: Option<Object>,
    /// The JWE Encrypted Key.
    pub(crate) encrypted_key: Vec<u8>,
}

/// A parsed JWE, each part decoded once.
#[derive(Debug)]
pub(crate) struct RawJwe {
    /// The base64url text of the protected header, as authenticated.
    pub(crate) protected_b64: String,
    /// The shared unprotected header (JSON only).
    pub(crate) unprotected: Option<Object>,
    pub(crate) recipients: Vec<RawRecipient>,
    /// The base64url text of the JWE AAD (JSON only), as authenticated.
    pub(crate) aad_b64: Option<String>,
    pub(crate) iv: Vec<u8>,
    pub(crate) ciphertext: Vec<u8>,
    pub(crate) tag: Vec<u8>,
}

/// Parses a JWE in any serialization, told apart by a leading `{`.
pub(crate) fn parse(input: &str, limits: &Limits) -> Result<RawJwe, Error> {
    if input.len() > limits.max_input {
        return Err(Error::malformed(
            "JWE",
            MalformedReason::TooLarge {
                limit: limits.max_input,
            },
        ));
    }
    if input.trim_start().starts_with('{') {
        json(input, limits)
    } else {
        compact(input)
    }
}

fn compact(input: &str) -> Result<RawJwe, Error> {
    let mut parts = input.split('.');
    let (Some(header), Some(ek), Some(iv), Some(ct), Some(tag), None) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return Err(Error::malformed(
            "compact serialization",
            MalformedReason::Invalid("must have exactly five parts separated by '.'"),
        ));
    };
    if header.is_empty() {
        return Err(Error::malformed(
            "compact serialization protected header",
            MalformedReason::Missing,
        ));
    }
    Ok(RawJwe {
        protected_b64: String::from(header),
        unprotected: None,
        recipients: alloc::vec![RawRecipient {
            header: None,
            encrypted_key: b64::decode("encrypted key", ek)?,
        }],
        aad_b64: None,
        iv: b64::decode("iv", iv)?,
        ciphertext: b64::decode("ciphertext", ct)?,
        tag: b64::decode("tag", tag)?,
    })
}

fn wrong_type(member: &str, expected: &'static str) -> Error {
    Error::malformed(
        alloc::format!("JSON serialization \"{member}\""),
        MalformedReason::WrongType(expected),
    )
}

fn take_string(obj: &mut Object, name: &str) -> Result<Option<String>, Error> {
    match obj.remove(name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(wrong_type(name, "a string")),
    }
}

fn take_object(obj: &mut Object, name: &str) -> Result<Option<Object>, Error> {
    match obj.remove(name) {
        None => Ok(None),
        Some(Value::Object(o)) => Ok(Some(o)),
        Some(_) => Err(wrong_type(name, "a JSON object")),
    }
}

fn take_b64(obj: &mut Object, name: &'static str) -> Result<Option<Vec<u8>>, Error> {
    take_string(obj, name)?
        .map(|s| b64::decode(alloc::format!("JSON serialization \"{name}\""), &s))
        .transpose()
}

fn required(obj: &mut Object, name: &'static str) -> Result<Vec<u8>, Error> {
    take_b64(obj, name)?.ok_or_else(|| {
        Error::malformed(
            alloc::format!("JSON serialization \"{name}\""),
            MalformedReason::Missing,
        )
    })
}

fn json(input: &str, limits: &Limits) -> Result<RawJwe, Error> {
    let mut obj = json::parse_object("JSON serialization", input.as_bytes())?;
    let protected_b64 = take_string(&mut obj, "protected")?.unwrap_or_default();
    let unprotected = take_object(&mut obj, "unprotected")?;
    let aad_b64 = take_string(&mut obj, "aad")?;
    if let Some(aad) = &aad_b64 {
        b64::decode("JSON serialization \"aad\"", aad)?;
    }
    let iv = required(&mut obj, "iv")?;
    let ciphertext = required(&mut obj, "ciphertext")?;
    let tag = required(&mut obj, "tag")?;
    let recipients = match obj.remove("recipients") {
        Some(Value::Array(items)) => {
            if obj.contains_key("encrypted_key") || obj.contains_key("header") {
                return Err(Error::malformed(
                    "JSON serialization",
                    MalformedReason::Invalid(
                        "must not have both \"recipients\" and a top-level \"encrypted_key\" or \"header\"",
                    ),
                ));
            }
            if items.is_empty() {
                return Err(Error::malformed(
                    "JSON serialization \"recipients\"",
                    MalformedReason::Invalid("must not be empty"),
                ));
            }
            if items.len() > limits.max_recipients {
                return Err(Error::malformed(
                    "JSON serialization \"recipients\"",
                    MalformedReason::Invalid("has more recipients than the limit"),
                ));
            }
            items
                .into_iter()
                .map(|item| match item {
                    Value::Object(mut r) => Ok(RawRecipient {
                        header: take_object(&mut r, "header")?,
                        encrypted_key: take_b64(&mut r, "encrypted_key")?.unwrap_or_default(),
                    }),
                    _ => Err(wrong_type("recipients", "an array of objects")),
                })
                .collect::<Result<Vec<_>, _>>()?
        }
        Some(_) => return Err(wrong_type("recipients", "an array")),
        None => alloc::vec![RawRecipient {
            header: take_object(&mut obj, "header")?,
            encrypted_key: take_b64(&mut obj, "encrypted_key")?.unwrap_or_default(),
        }],
    };
    if protected_b64.is_empty()
        && unprotected.is_none()
        && recipients.iter().all(|r| r.header.is_none())
    {
        return Err(Error::malformed(
            "JSON serialization",
            MalformedReason::Invalid("has no header at all"),
        ));
    }
    Ok(RawJwe {
        protected_b64,
        unprotected,
        recipients,
        aad_b64,
        iv,
        ciphertext,
        tag,
    })
}
