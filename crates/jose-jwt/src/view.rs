//! A borrowing view of a claims set: one pass over its JSON that checks it
//! is an object without a repeated member (at any depth), types the
//! registered claims and notes the member names, without building a tree.
//! This is the reference for the claim type rules (`check_types` of an
//! object goes through it too); the faster roads of `one_pass` (decoding)
//! and `checked` (encoding) apply the same `TYPED` table and, whenever
//! they are unsure, leave the answer to this view.

use alloc::borrow::Cow;
use alloc::string::String;
use alloc::vec::Vec;
use core::cell::{Cell, RefCell};
use core::fmt;

use jose_core::json::{Name, Names, Strict, strict_error};
use jose_core::{Error, InvalidClaim, MalformedReason};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

// serde_json's `Serializer` needs `std::io::Write`: without `std`, the
// claims are serialized plainly and always parsed back.
#[cfg(all(feature = "std", feature = "jws"))]
mod checked;
#[cfg(any(feature = "jws", feature = "jwe"))]
mod one_pass;
#[cfg(all(feature = "std", feature = "jws"))]
pub(crate) use checked::to_json as checked_json;
#[cfg(any(feature = "jws", feature = "jwe"))]
pub(crate) use one_pass::parse as parse_one_pass;

/// The JSON of `claims`, never known to be checked (`false`) without `std`.
#[cfg(all(not(feature = "std"), feature = "jws"))]
pub(crate) fn checked_json<T: serde::Serialize + ?Sized>(
    claims: &T,
) -> Result<(Vec<u8>, bool), serde_json::Error> {
    serde_json::to_vec(claims).map(|json| (json, false))
}

/// The registered claims of a claims set, as they are in its JSON, and
/// its member names.
#[derive(Debug, Default)]
pub(crate) struct ClaimsView<'a> {
    pub(crate) iss: Option<Cow<'a, str>>,
    pub(crate) sub: Option<Cow<'a, str>>,
    pub(crate) aud: Option<Aud<'a>>,
    pub(crate) exp: Option<f64>,
    pub(crate) nbf: Option<f64>,
    pub(crate) iat: Option<f64>,
    names: Names<'a>,
}

/// `aud`: one string or an array of strings.
#[derive(Debug)]
pub(crate) enum Aud<'a> {
    One(Cow<'a, str>),
    Many(Vec<Cow<'a, str>>),
}

impl Aud<'_> {
    /// Whether any audience value is accepted.
    pub(crate) fn any(&self, accepted: impl Fn(&str) -> bool) -> bool {
        match self {
            Self::One(a) => accepted(a),
            Self::Many(list) => list.iter().any(|a| accepted(a)),
        }
    }
}

/// The registered claims with a JSON type, in the order their type errors
/// are reported, and the type each must have: the one table of claim types,
/// for the view, the one-pass deserializer and the check while serializing.
const TYPED: [(&str, Kind, &str); 7] = [
    ("iss", Kind::Str, "a string"),
    ("sub", Kind::Str, "a string"),
    ("jti", Kind::Str, "a string"),
    ("exp", Kind::Date, "a number (NumericDate)"),
    ("nbf", Kind::Date, "a number (NumericDate)"),
    ("iat", Kind::Date, "a number (NumericDate)"),
    ("aud", Kind::Aud, "a string or an array of strings"),
];

impl<'a> ClaimsView<'a> {
    /// Parses `json` as a claims set.
    ///
    /// # Errors
    ///
    /// As `jose_core::json::parse_object` for JSON that is not an object or
    /// repeats a member ([`MalformedReason::NotAnObject`] when the JSON is
    /// valid but no object); then [`InvalidClaim::WrongType`] for the first
    /// registered claim (in RFC order) of the wrong type.
    pub(crate) fn parse(json: &'a [u8]) -> Result<Self, Error> {
        let duplicate = RefCell::new(None);
        let wrong = Cell::new(0u8);
        let not_object = Cell::new(false);
        let mut de = serde_json::Deserializer::from_slice(json);
        let seed = Top {
            duplicate: &duplicate,
            wrong: &wrong,
            not_object: &not_object,
        };
        let parsed = seed.deserialize(&mut de).and_then(|v| de.end().map(|()| v));
        let view = match parsed {
            Ok(view) => view,
            Err(_) if not_object.get() => {
                // Valid JSON that is no object, or not: as parse_object.
                return Err(match jose_core::json::parse_strict("jwt claims", json) {
                    Ok(_) => Error::malformed("jwt claims", MalformedReason::NotAnObject),
                    Err(e) => e,
                });
            }
            Err(e) => return Err(strict_error("jwt claims", &e, duplicate)),
        };
        for (i, (claim, _, expected)) in TYPED.iter().enumerate() {
            if wrong.get() & (1 << i) != 0 {
                return Err(Error::InvalidClaim(InvalidClaim::WrongType {
                    claim: String::from(*claim),
                    expected,
                }));
            }
        }
        Ok(view)
    }

    /// Whether the claims set has a member `name`.
    pub(crate) fn has(&self, name: &str) -> bool {
        self.names.contains(name)
    }
}

/// The top-level object.
struct Top<'s> {
    duplicate: &'s RefCell<Option<String>>,
    /// One bit per entry of [`TYPED`] whose claim has the wrong type.
    wrong: &'s Cell<u8>,
    not_object: &'s Cell<bool>,
}

impl<'de> DeserializeSeed<'de> for Top<'_> {
    type Value = ClaimsView<'de>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Top<'_> {
    fn mark_wrong(&self, claim: &str) {
        if let Some(i) = TYPED.iter().position(|(c, _, _)| *c == claim) {
            self.wrong.set(self.wrong.get() | (1 << i));
        }
    }

    fn no_object<E: de::Error>(&self) -> Result<ClaimsView<'de>, E> {
        self.not_object.set(true);
        Err(E::custom("not an object"))
    }
}

impl<'de> Visitor<'de> for Top<'_> {
    type Value = ClaimsView<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        self.no_object()
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        self.no_object()
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        self.no_object()
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        self.no_object()
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
        self.no_object()
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        self.no_object()
    }
    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
        self.no_object()
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
        let strict = Strict {
            duplicate: self.duplicate,
        };
        let mut view = ClaimsView::default();
        while let Some(Name(name)) = access.next_key::<Name<'de>>()? {
            let claim = Kind::of(&name);
            let value = match claim {
                Some(kind) => access.next_value_seed(Typed { kind, strict })?,
                None => {
                    access.next_value_seed(strict)?;
                    Value::Other
                }
            };
            match (name.as_ref(), value) {
                (_, Value::Wrong) => self.mark_wrong(&name),
                ("iss", Value::Str(s)) => view.iss = Some(s),
                ("sub", Value::Str(s)) => view.sub = Some(s),
                ("exp", Value::Date(d)) => view.exp = Some(d),
                ("nbf", Value::Date(d)) => view.nbf = Some(d),
                ("iat", Value::Date(d)) => view.iat = Some(d),
                ("aud", Value::Aud(a)) => view.aud = Some(a),
                _ => {}
            }
            if !view.names.insert(name, self.duplicate) {
                return Err(de::Error::custom("duplicate member"));
            }
        }
        Ok(view)
    }
}

/// The JSON type a registered claim must have.
#[derive(Clone, Copy)]
enum Kind {
    Str,
    Date,
    Aud,
}

impl Kind {
    /// The type of the registered claim `name`, if it is one with a type.
    fn of(name: &str) -> Option<Self> {
        TYPED
            .iter()
            .find(|(n, _, _)| *n == name)
            .map(|(_, kind, _)| *kind)
    }
}

/// A registered claim's value, or that it had the wrong type.
enum Value<'de> {
    Str(Cow<'de, str>),
    Date(f64),
    Aud(Aud<'de>),
    Wrong,
    Other,
}

/// A registered claim's value, typed; any other JSON is walked strictly
/// and marked wrong.
#[derive(Clone, Copy)]
struct Typed<'s> {
    kind: Kind,
    strict: Strict<'s>,
}

impl<'de> DeserializeSeed<'de> for Typed<'_> {
    type Value = Value<'de>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Typed<'_> {
    type Value = Value<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a registered claim")
    }

    fn visit_bool<E>(self, _: bool) -> Result<Value<'de>, E> {
        Ok(Value::Wrong)
    }
    #[allow(clippy::cast_precision_loss)]
    fn visit_i64<E>(self, v: i64) -> Result<Value<'de>, E> {
        Ok(self.date(v as f64))
    }
    #[allow(clippy::cast_precision_loss)]
    fn visit_u64<E>(self, v: u64) -> Result<Value<'de>, E> {
        Ok(self.date(v as f64))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value<'de>, E> {
        Ok(self.date(v))
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Value<'de>, E> {
        Ok(self.text(Cow::Borrowed(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value<'de>, E> {
        Ok(self.text(Cow::Owned(String::from(v))))
    }
    fn visit_string<E>(self, v: String) -> Result<Value<'de>, E> {
        Ok(self.text(Cow::Owned(v)))
    }
    fn visit_unit<E>(self) -> Result<Value<'de>, E> {
        Ok(Value::Wrong)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value<'de>, A::Error> {
        let Kind::Aud = self.kind else {
            while seq.next_element_seed(self.strict)?.is_some() {}
            return Ok(Value::Wrong);
        };
        let mut list = Vec::new();
        let mut all_strings = true;
        while let Some(item) = seq.next_element_seed(Typed {
            kind: Kind::Str,
            strict: self.strict,
        })? {
            match item {
                Value::Str(s) => list.push(s),
                Value::Date(_) | Value::Aud(_) | Value::Wrong | Value::Other => all_strings = false,
            }
        }
        Ok(if all_strings {
            Value::Aud(Aud::Many(list))
        } else {
            Value::Wrong
        })
    }

    fn visit_map<A: MapAccess<'de>>(self, access: A) -> Result<Value<'de>, A::Error> {
        self.strict.visit_map(access)?;
        Ok(Value::Wrong)
    }
}

impl<'de> Typed<'_> {
    fn date(self, v: f64) -> Value<'de> {
        match self.kind {
            Kind::Date => Value::Date(v),
            Kind::Str | Kind::Aud => Value::Wrong,
        }
    }

    fn text(self, v: Cow<'de, str>) -> Value<'de> {
        match self.kind {
            Kind::Str => Value::Str(v),
            Kind::Aud => Value::Aud(Aud::One(v)),
            Kind::Date => Value::Wrong,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dup(name: &str) -> Error {
        Error::malformed("jwt claims", MalformedReason::DuplicateMember(name.into()))
    }

    /// The view refuses what the strict tree parser refuses, with the same
    /// errors: repeated members at any depth (also spelled with escapes),
    /// valid JSON that is no object, and broken JSON; a repeated member
    /// wins over a wrongly typed claim before it, as the tree parser
    /// reported it before the type check.
    #[test]
    fn refuses_what_the_strict_parser_refuses() {
        for (json, name) in [
            (&br#"{"exp":1,"exp":2}"#[..], "exp"),
            (br#"{"a":{"b":1,"b":2}}"#, "b"),
            (br#"{"a":[{"k":1,"k":1}]}"#, "k"),
            (br#"{"exp":1,"\u0065xp":2}"#, "exp"),
            (br#"{"exp":"soon","x":1,"x":2}"#, "x"),
            (br#"{"aud":[{"k":1,"k":2}]}"#, "k"),
        ] {
            assert_eq!(ClaimsView::parse(json).unwrap_err(), dup(name), "{json:?}");
        }
        for json in [&b"[1]"[..], b"\"x\"", b"3", b"null"] {
            assert_eq!(
                ClaimsView::parse(json).unwrap_err(),
                Error::malformed("jwt claims", MalformedReason::NotAnObject)
            );
        }
        for json in [&br#"{"a":1} x"#[..], b"{\"a\":", b"", b"[1"] {
            assert_eq!(
                ClaimsView::parse(json).unwrap_err(),
                jose_core::json::parse_object("jwt claims", json).unwrap_err(),
                "{json:?}"
            );
        }
    }

    /// Registered claims are typed; the first wrong one in RFC order is
    /// named, whatever its place in the JSON.
    #[test]
    fn registered_claims_are_typed() {
        let view = ClaimsView::parse(
            br#"{"iss":"a","sub":"b","aud":["x","y"],"exp":1.5,"nbf":2,"iat":3,"jti":"j","n":{}}"#,
        )
        .unwrap();
        assert_eq!(view.iss.as_deref(), Some("a"));
        assert_eq!(view.exp, Some(1.5));
        assert!(view.aud.as_ref().is_some_and(|a| a.any(|x| x == "y")));
        assert!(view.has("n") && view.has("jti") && !view.has("x"));
        for (json, claim) in [
            (&br#"{"exp":"1700000000"}"#[..], "exp"),
            (br#"{"aud":["x",1]}"#, "aud"),
            (br#"{"aud":{}}"#, "aud"),
            (br#"{"jti":7,"iss":7}"#, "iss"),
            (br#"{"iat":true,"sub":null}"#, "sub"),
        ] {
            assert!(
                matches!(
                    ClaimsView::parse(json),
                    Err(Error::InvalidClaim(InvalidClaim::WrongType { claim: c, .. })) if c == claim
                ),
                "{json:?}"
            );
        }
    }
}
