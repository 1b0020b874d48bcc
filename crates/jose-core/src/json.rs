//! Strict JSON parsing: duplicate member names are an error at every level.
//!
//! RFC 7515 section 5.2 lets a recipient either reject duplicates or take the
//! last one; taking the last one lets two parsers disagree on what was signed,
//! so this workspace always rejects them (RFC 8725 section 3.x spirit).

use alloc::borrow::Cow;
use alloc::string::String;
use alloc::vec::Vec;
use core::cell::RefCell;
use core::fmt;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

use crate::error::{Error, MalformedReason};

/// A JSON object: member names to values.
pub type Object = Map<String, Value>;

/// Parses `bytes` as one JSON object, rejecting duplicate member names at any
/// depth. `what` names the input for errors (`"protected header"`, `"jwk"`).
///
/// # Errors
///
/// [`MalformedReason::Json`] for invalid JSON (position only, never the text),
/// [`MalformedReason::DuplicateMember`] for a repeated name, and
/// [`MalformedReason::NotAnObject`] for valid JSON that is not an object.
pub fn parse_object(what: impl Into<Cow<'static, str>>, bytes: &[u8]) -> Result<Object, Error> {
    match parse_value(what, bytes)? {
        (Value::Object(map), _) => Ok(map),
        (mut other, what) => {
            // An array of private keys is JSON too.
            zeroize_value(&mut other);
            Err(Error::malformed(what, MalformedReason::NotAnObject))
        }
    }
}

/// Parses `bytes` as any JSON value, rejecting duplicate member names at any
/// depth.
///
/// # Errors
///
/// As [`parse_object`], but any JSON value is accepted.
pub fn parse_strict(what: impl Into<Cow<'static, str>>, bytes: &[u8]) -> Result<Value, Error> {
    parse_value(what, bytes).map(|(v, _)| v)
}

fn parse_value(
    what: impl Into<Cow<'static, str>>,
    bytes: &[u8],
) -> Result<(Value, Cow<'static, str>), Error> {
    let what = what.into();
    let duplicate = RefCell::new(None);
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let parsed = StrictSeed {
        duplicate: &duplicate,
    }
    .deserialize(&mut de)
    .and_then(|mut v| match de.end() {
        Ok(()) => Ok(v),
        // Trailing data after a whole value (two key files concatenated):
        // the value parsed is dropped zeroized.
        Err(e) => {
            zeroize_value(&mut v);
            Err(e)
        }
    });
    match parsed {
        Ok(v) => Ok((v, what)),
        Err(e) => {
            let reason = match duplicate.into_inner() {
                Some(name) => MalformedReason::DuplicateMember(name),
                None => MalformedReason::Json {
                    line: e.line(),
                    column: e.column(),
                },
            };
            Err(Error::malformed(what, reason))
        }
    }
}

/// A member name as parsed: borrowed from the input when it has no escapes.
#[derive(Debug, PartialEq, Eq)]
pub struct Name<'de>(pub Cow<'de, str>);

impl<'de> Deserialize<'de> for Name<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Name<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a member name")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Name<'de>, E> {
                Ok(Name(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Name<'de>, E> {
                Ok(Name(Cow::Owned(String::from(v))))
            }
            fn visit_string<E>(self, v: String) -> Result<Name<'de>, E> {
                Ok(Name(Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(V)
    }
}

/// Walks any JSON value without building it, refusing duplicate member
/// names at any depth (the first one is recorded in `duplicate`). For
/// parsers that take what they need from the input themselves and must
/// still refuse what [`parse_object`] refuses. Allocates only for objects
/// with more than a few members and for names with escapes.
#[derive(Clone, Copy, Debug)]
pub struct Strict<'a> {
    /// Where the first duplicate member name goes.
    pub duplicate: &'a RefCell<Option<String>>,
}

impl<'de> DeserializeSeed<'de> for Strict<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Strict<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }

    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }

    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }

    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }

    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_none<E>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(self)?.is_some() {}
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<(), A::Error> {
        let mut names = Names::default();
        while let Some(name) = access.next_key::<Name<'de>>()? {
            if !names.insert(name.0, self.duplicate) {
                return Err(de::Error::custom("duplicate member"));
            }
            access.next_value_seed(self)?;
        }
        Ok(())
    }
}

/// The member names of one object, for duplicate checks: the first
/// sixteen inline (a typical claims set has ten to fifteen), the rest in a
/// vector.
#[derive(Debug, Default)]
pub struct Names<'de> {
    inline: [Option<Cow<'de, str>>; 16],
    /// How many of `inline` are filled (from the start).
    filled: usize,
    more: Vec<Cow<'de, str>>,
}

impl<'de> Names<'de> {
    /// Adds `name`; `false` (and the name recorded in `duplicate`) when it
    /// was there already.
    pub fn insert(&mut self, name: Cow<'de, str>, duplicate: &RefCell<Option<String>>) -> bool {
        if self.contains(&name) {
            *duplicate.borrow_mut() = Some(name.into_owned());
            return false;
        }
        match self.inline.get_mut(self.filled) {
            Some(slot) => {
                *slot = Some(name);
                self.filled += 1;
            }
            None => self.more.push(name),
        }
        true
    }

    /// Whether `name` is among the names.
    pub fn contains(&self, name: &str) -> bool {
        let inline = self.inline.get(..self.filled).unwrap_or_default();
        inline.iter().flatten().any(|n| n == name) || self.more.iter().any(|n| n == name)
    }
}

/// Maps a serde_json error of a [`Strict`]-style pass to the error
/// [`parse_object`] gives for the same input.
pub fn strict_error(
    what: impl Into<Cow<'static, str>>,
    e: &serde_json::Error,
    duplicate: RefCell<Option<String>>,
) -> Error {
    let reason = match duplicate.into_inner() {
        Some(name) => MalformedReason::DuplicateMember(name),
        None => MalformedReason::Json {
            line: e.line(),
            column: e.column(),
        },
    };
    Error::malformed(what, reason)
}

/// Overwrites every string in `value` (at any depth) with zeros and empties
/// it, so that the tree can be dropped without leaving its text in freed
/// memory. For JSON that held secrets, such as a private JWK.
pub fn zeroize_value(value: &mut Value) {
    use zeroize::Zeroize;
    match value {
        Value::String(s) => s.zeroize(),
        Value::Array(items) => items.iter_mut().for_each(zeroize_value),
        Value::Object(members) => zeroize_object(members),
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

/// [`zeroize_value`] for every member of an object.
pub fn zeroize_object(object: &mut Object) {
    object.values_mut().for_each(zeroize_value);
}

/// The strict [`Value`] reader of [`parse_strict`], for parsers that read
/// some members themselves and the rest as values: its visitor methods
/// build the value of what the parser met, recording the first duplicate
/// member name in `duplicate`.
pub(crate) fn strict_value(duplicate: &RefCell<Option<String>>) -> StrictSeed<'_> {
    StrictSeed { duplicate }
}

/// Deserializes a [`Value`], recording the first duplicate member name.
#[derive(Clone, Copy)]
pub(crate) struct StrictSeed<'a> {
    duplicate: &'a RefCell<Option<String>>,
}

impl<'de> DeserializeSeed<'de> for StrictSeed<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for StrictSeed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(String::from(v)))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    // On an error the values parsed so far are zeroized before they are
    // dropped: a JWK that fails half-way may already hold a private member.
    // Growing the array or map moves values as heap pointers, so no copy
    // of a string's text is ever freed. (Strings with JSON escapes pass
    // through serde_json's own scratch buffer, which this cannot reach;
    // base64url members never need escapes.)

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items: Vec<Value> = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        loop {
            match seq.next_element_seed(self) {
                Ok(Some(item)) => items.push(item),
                Ok(None) => return Ok(Value::Array(items)),
                Err(e) => {
                    items.iter_mut().for_each(zeroize_value);
                    return Err(e);
                }
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        let mut map = Map::new();
        let failed = |map: &mut Map<String, Value>, e| {
            zeroize_object(map);
            Err(e)
        };
        loop {
            let key = match access.next_key::<String>() {
                Ok(Some(key)) => key,
                Ok(None) => return Ok(Value::Object(map)),
                Err(e) => return failed(&mut map, e),
            };
            if map.contains_key(&key) {
                let err = de::Error::custom("duplicate member");
                *self.duplicate.borrow_mut() = Some(key);
                return failed(&mut map, err);
            }
            match access.next_value_seed(self) {
                Ok(value) => {
                    map.insert(key, value);
                }
                Err(e) => return failed(&mut map, e),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_objects() {
        let m = parse_object("t", br#"{"a":1,"b":{"c":[true,null,"x",1.5]}}"#).unwrap();
        assert_eq!(m.len(), 2);
    }

    #[test]
    fn rejects_duplicates_at_any_depth() {
        for (input, name) in [
            (&br#"{"alg":"HS256","alg":"none"}"#[..], "alg"),
            (br#"{"a":{"b":1,"b":2}}"#, "b"),
            (br#"{"a":[{"k":1,"k":1}]}"#, "k"),
        ] {
            assert_eq!(
                parse_object("t", input),
                Err(Error::malformed(
                    "t",
                    MalformedReason::DuplicateMember(name.into())
                ))
            );
        }
    }

    #[test]
    fn escaped_duplicates_are_duplicates() {
        // "\u0061lg" is "alg": both spellings name the same member.
        let r = parse_object("t", br#"{"alg":"HS256","\u0061lg":"none"}"#);
        assert_eq!(
            r,
            Err(Error::malformed(
                "t",
                MalformedReason::DuplicateMember("alg".into())
            ))
        );
    }

    #[test]
    fn rejects_non_objects_and_trailing_data() {
        assert!(matches!(
            parse_object("t", b"[1]"),
            Err(Error::Malformed(m)) if m.reason == MalformedReason::NotAnObject
        ));
        assert!(matches!(
            parse_object("t", br#"{"a":1} x"#),
            Err(Error::Malformed(m)) if matches!(m.reason, MalformedReason::Json { .. })
        ));
        assert!(parse_object("t", b"").is_err());
        assert!(parse_object("t", b"{\"a\":").is_err());
    }

    #[test]
    fn json_errors_do_not_quote_input() {
        let e = parse_object("jwk", br#"{"d": "secret-value" "#).unwrap_err();
        let text = alloc::format!("{e}");
        assert!(!text.contains("secret"));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = "[".repeat(100_000);
        assert!(parse_strict("t", deep.as_bytes()).is_err());
    }
}
