//! [`JwkSet`]: a JWK Set (RFC 7517 section 5) and look-ups in it.

use alloc::string::String;
use alloc::vec::Vec;
use core::str::FromStr;

use jose_core::json::{self, Object};
use jose_core::{Algorithm, Error, KeyType, MalformedReason};
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};
use serde_json::Value;

use crate::jwk::{Jwk, JwkOptions};
use crate::params::KeyUse;

/// A JWK Set: an ordered list of keys plus any other members.
///
/// As RFC 7517 section 5 asks, a key that cannot be used (an unsupported
/// `kty`, `crv` or `alg`, a missing member, a value out of range) is skipped
/// when parsing, not fatal to the set: one odd key in a published set must
/// not stop the others from working. [`JwkSet::skipped`] lists each skipped
/// key's position and reason. A set that is not a JSON object with a `keys`
/// array fails as a whole.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct JwkSet {
    keys: Vec<Jwk>,
    skipped: Vec<(usize, Error)>,
    other: Object,
}

/// What to look for in a [`JwkSet`]. Every field that is set must match.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct KeyQuery<'a> {
    /// The key ID.
    pub kid: Option<&'a str>,
    /// An algorithm the key must fit (its type, curve and size) and, if the
    /// key has an `alg` member, equal.
    pub alg: Option<Algorithm>,
    /// The intended use. A key without `use` matches any.
    pub key_use: Option<KeyUse>,
    /// The key type.
    pub kty: Option<KeyType>,
}

impl<'a> KeyQuery<'a> {
    /// A query that matches every key.
    pub fn new() -> Self {
        Self::default()
    }

    /// Requires this key ID.
    #[must_use]
    pub fn kid(mut self, kid: &'a str) -> Self {
        self.kid = Some(kid);
        self
    }

    /// Requires a key that fits `alg`.
    #[must_use]
    pub fn alg(mut self, alg: impl Into<Algorithm>) -> Self {
        self.alg = Some(alg.into());
        self
    }

    /// Requires a key whose `use` is absent or equal to `key_use`.
    #[must_use]
    pub fn key_use(mut self, key_use: KeyUse) -> Self {
        self.key_use = Some(key_use);
        self
    }

    /// Requires this key type.
    #[must_use]
    pub fn kty(mut self, kty: KeyType) -> Self {
        self.kty = Some(kty);
        self
    }

    /// Whether `jwk` matches.
    pub fn matches(&self, jwk: &Jwk) -> bool {
        if self.kid.is_some_and(|kid| jwk.kid() != Some(kid)) {
            return false;
        }
        if self.kty.is_some_and(|kty| jwk.key_type() != kty) {
            return false;
        }
        if let Some(u) = &self.key_use {
            if jwk.params().key_use.as_ref().is_some_and(|k| k != u) {
                return false;
            }
        }
        if let Some(alg) = self.alg {
            if !jwk.allows_algorithm(alg) || jwk.check_fits(alg).is_err() {
                return false;
            }
            // A key meant for the other kind of operation does not fit.
            let use_fits = matches!(
                (&jwk.params().key_use, alg),
                (None, _)
                    | (Some(KeyUse::Signature), Algorithm::Signature(_))
                    | (
                        Some(KeyUse::Encryption),
                        Algorithm::KeyManagement(_) | Algorithm::ContentEncryption(_)
                    )
            );
            if !use_fits {
                return false;
            }
        }
        true
    }
}

impl JwkSet {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Parses a JWK Set with the default [`JwkOptions`].
    ///
    /// # Errors
    ///
    /// [`Error::Malformed`] for bad JSON, a missing or ill-typed `keys`
    /// member, or a malformed key; [`Error::InvalidKey`] for a key of the
    /// wrong size.
    pub fn from_json(bytes: &[u8]) -> Result<Self, Error> {
        Self::from_json_with(bytes, &JwkOptions::default())
    }

    /// Parses a JWK Set with the given limits.
    ///
    /// # Errors
    ///
    /// As [`JwkSet::from_json`].
    pub fn from_json_with(bytes: &[u8], options: &JwkOptions) -> Result<Self, Error> {
        Self::from_object(json::parse_object("jwk set", bytes)?, options)
    }

    /// Builds a JWK Set from a parsed JSON object. Members of `keys` that
    /// are not valid keys are skipped ([`JwkSet::skipped`]); every private
    /// member of a skipped key, and of the object when it is refused, is
    /// zeroized before it is dropped.
    ///
    /// # Errors
    ///
    /// As [`JwkSet::from_json`].
    pub fn from_object(mut obj: Object, options: &JwkOptions) -> Result<Self, Error> {
        let items = match obj.remove("keys") {
            Some(Value::Array(items)) => items,
            Some(mut other) => {
                json::zeroize_value(&mut other);
                json::zeroize_object(&mut obj);
                return Err(Error::malformed(
                    "jwk set \"keys\"",
                    MalformedReason::WrongType("an array"),
                ));
            }
            None => {
                json::zeroize_object(&mut obj);
                return Err(Error::malformed(
                    "jwk set \"keys\"",
                    MalformedReason::Missing,
                ));
            }
        };
        let mut set = Self {
            keys: Vec::with_capacity(items.len()),
            skipped: Vec::new(),
            other: obj,
        };
        for (index, item) in items.into_iter().enumerate() {
            let parsed = match item {
                Value::Object(key) => Jwk::from_object(key, options),
                mut other => {
                    json::zeroize_value(&mut other);
                    Err(Error::malformed(
                        "jwk set \"keys\" member",
                        MalformedReason::NotAnObject,
                    ))
                }
            };
            match parsed {
                Ok(jwk) => set.keys.push(jwk),
                Err(e) => set.skipped.push((index, e)),
            }
        }
        Ok(set)
    }

    /// The keys, in order.
    pub fn keys(&self) -> &[Jwk] {
        &self.keys
    }

    /// The keys skipped when parsing: their position in `keys` and why.
    pub fn skipped(&self) -> &[(usize, Error)] {
        &self.skipped
    }

    /// Adds a key.
    pub fn push(&mut self, jwk: Jwk) {
        self.keys.push(jwk);
    }

    /// The first key with this `kid`.
    pub fn find_by_kid(&self, kid: &str) -> Option<&Jwk> {
        self.keys.iter().find(|k| k.kid() == Some(kid))
    }

    /// Every key that matches `query`, in order.
    pub fn find<'s>(&'s self, query: &'s KeyQuery<'_>) -> impl Iterator<Item = &'s Jwk> + 's {
        self.keys.iter().filter(move |k| query.matches(k))
    }

    /// The set with every key made public; symmetric keys are dropped.
    pub fn to_public(&self) -> Self {
        Self {
            keys: self.keys.iter().filter_map(Jwk::to_public).collect(),
            skipped: Vec::new(),
            other: self.other.clone(),
        }
    }

    /// The JSON text of the set (private members included), written into
    /// one buffer of exactly its size, as [`Jwk::to_json`] is.
    pub fn to_json(&self) -> zeroize::Zeroizing<String> {
        let keys: Vec<zeroize::Zeroizing<String>> = self.keys.iter().map(Jwk::to_json).collect();
        // The set's own members are public.
        let other: Vec<String> = self
            .other
            .iter()
            .map(|(name, value)| {
                let name = serde_json::to_string(name).unwrap_or_default();
                let value = serde_json::to_string(value).unwrap_or_default();
                alloc::format!(",{name}:{value}")
            })
            .collect();
        let len = "{\"keys\":[]}".len()
            + keys.iter().map(|k| k.len()).sum::<usize>()
            + keys.len().saturating_sub(1)
            + other.iter().map(String::len).sum::<usize>();
        let mut out = zeroize::Zeroizing::new(String::with_capacity(len));
        out.push_str("{\"keys\":[");
        for (i, key) in keys.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(key);
        }
        out.push(']');
        for member in &other {
            out.push_str(member);
        }
        out.push('}');
        debug_assert_eq!(out.len(), len, "to_json sized its buffer exactly");
        out
    }
}

impl FromIterator<Jwk> for JwkSet {
    fn from_iter<I: IntoIterator<Item = Jwk>>(iter: I) -> Self {
        Self {
            keys: iter.into_iter().collect(),
            skipped: Vec::new(),
            other: Object::new(),
        }
    }
}

impl FromStr for JwkSet {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        Self::from_json(s.as_bytes())
    }
}

/// Serializes with serde; for private keys prefer [`JwkSet::to_json`] (see
/// the note on `Jwk`'s `Serialize`).
impl Serialize for JwkSet {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut m = serializer.serialize_map(None)?;
        m.serialize_entry("keys", &self.keys)?;
        for (k, v) in &self.other {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}
