//! Claims serialized and checked in one pass: the caller's claims are
//! serialized through a wrapper around serde_json's serializer that notes
//! each top-level member name (a repeated one makes it unsure) and the JSON
//! type of each registered claim's value, as it is written.
//!
//! Like [`super::one_pass`], it only spares the second pass of
//! [`ClaimsView::parse`](super::ClaimsView::parse) when it can answer alone:
//! for output without a nested object (no `{` after the first byte) whose
//! registered claims it saw typed right. In every other case (a value it
//! cannot type, a repeated name, something that is not an object, nested
//! objects) the caller parses the output, and that parse makes the error.

use alloc::vec::Vec;
use core::cell::Cell;
use core::fmt;

use serde::ser::{
    self, Impossible, Serialize, SerializeMap, SerializeSeq, SerializeStruct, SerializeTuple,
    Serializer,
};

use super::Kind;

/// The JSON of `claims`, and whether it is known to be a claims set the
/// strict view accepts (`false`: parse it to know).
///
/// # Errors
///
/// serde_json's, for claims that do not serialize.
pub(crate) fn to_json<T: Serialize + ?Sized>(
    claims: &T,
) -> Result<(Vec<u8>, bool), serde_json::Error> {
    let mut out = Vec::with_capacity(512);
    let sure = Cell::new(true);
    let mut json = serde_json::Serializer::new(&mut out);
    claims.serialize(Top {
        inner: &mut json,
        sure: &sure,
    })?;
    let flat = out.get(1..).is_some_and(|rest| !rest.contains(&b'{'));
    Ok((out, sure.get() && flat))
}

type Json<'a> = serde_json::Serializer<&'a mut Vec<u8>>;

/// The member names written so far, copied into one inline buffer (a
/// typical claims set's worth; past that, or for a longer name, the
/// output is parsed instead).
struct Seen {
    bytes: [u8; 512],
    /// Where each name ends in `bytes`.
    ends: [u16; 32],
    count: usize,
}

impl Seen {
    const fn new() -> Self {
        Self {
            bytes: [0; 512],
            ends: [0; 32],
            count: 0,
        }
    }

    /// Notes `name`; `false` when it repeats or there is no room to tell.
    fn note(&mut self, name: &str) -> bool {
        let mut start = 0usize;
        for end in self.ends.get(..self.count).unwrap_or_default() {
            let end = usize::from(*end);
            if self.bytes.get(start..end) == Some(name.as_bytes()) {
                return false;
            }
            start = end;
        }
        let end = start + name.len();
        match (
            self.bytes.get_mut(start..end),
            self.ends.get_mut(self.count),
            u16::try_from(end),
        ) {
            (Some(slot), Some(end_slot), Ok(end)) => {
                slot.copy_from_slice(name.as_bytes());
                *end_slot = end;
                self.count += 1;
                true
            }
            _ => false,
        }
    }
}

/// Whether a value written for a registered claim of `kind` has its type
/// in JSON, as the view types it.
fn typed_right<V: Serialize + ?Sized>(kind: Kind, value: &V) -> bool {
    matches!(
        (kind, value.serialize(Probe)),
        (Kind::Str, Ok(Written::Str))
            | (Kind::Date, Ok(Written::Number))
            | (Kind::Aud, Ok(Written::Str | Written::Strs))
    )
}

/// The top level: an object is watched, anything else is written and left
/// to the parse.
struct Top<'a, 'b> {
    inner: &'a mut Json<'b>,
    sure: &'a Cell<bool>,
}

impl<'a, 'b> Top<'a, 'b> {
    fn unsure(self) -> &'a mut Json<'b> {
        self.sure.set(false);
        self.inner
    }
}

/// Forwards a top-level value that is no object: the parse decides.
macro_rules! not_an_object {
    ($( fn $m:ident(self $(, $a:ident: $t:ty)*) -> $r:ty; )*) => {
        $( fn $m(self $(, $a: $t)*) -> $r { self.unsure().$m($($a),*) } )*
    };
}

impl<'a, 'b> Serializer for Top<'a, 'b> {
    type Ok = ();
    type Error = serde_json::Error;
    type SerializeSeq = <&'a mut Json<'b> as Serializer>::SerializeSeq;
    type SerializeTuple = <&'a mut Json<'b> as Serializer>::SerializeTuple;
    type SerializeTupleStruct = <&'a mut Json<'b> as Serializer>::SerializeTupleStruct;
    type SerializeTupleVariant = <&'a mut Json<'b> as Serializer>::SerializeTupleVariant;
    type SerializeMap = Members<'a, 'b>;
    type SerializeStruct = Members<'a, 'b>;
    type SerializeStructVariant = <&'a mut Json<'b> as Serializer>::SerializeStructVariant;

    not_an_object! {
        fn serialize_bool(self, v: bool) -> Result<(), serde_json::Error>;
        fn serialize_i8(self, v: i8) -> Result<(), serde_json::Error>;
        fn serialize_i16(self, v: i16) -> Result<(), serde_json::Error>;
        fn serialize_i32(self, v: i32) -> Result<(), serde_json::Error>;
        fn serialize_i64(self, v: i64) -> Result<(), serde_json::Error>;
        fn serialize_i128(self, v: i128) -> Result<(), serde_json::Error>;
        fn serialize_u8(self, v: u8) -> Result<(), serde_json::Error>;
        fn serialize_u16(self, v: u16) -> Result<(), serde_json::Error>;
        fn serialize_u32(self, v: u32) -> Result<(), serde_json::Error>;
        fn serialize_u64(self, v: u64) -> Result<(), serde_json::Error>;
        fn serialize_u128(self, v: u128) -> Result<(), serde_json::Error>;
        fn serialize_f32(self, v: f32) -> Result<(), serde_json::Error>;
        fn serialize_f64(self, v: f64) -> Result<(), serde_json::Error>;
        fn serialize_char(self, v: char) -> Result<(), serde_json::Error>;
        fn serialize_str(self, v: &str) -> Result<(), serde_json::Error>;
        fn serialize_bytes(self, v: &[u8]) -> Result<(), serde_json::Error>;
        fn serialize_none(self) -> Result<(), serde_json::Error>;
        fn serialize_unit(self) -> Result<(), serde_json::Error>;
        fn serialize_unit_struct(self, name: &'static str) -> Result<(), serde_json::Error>;
        fn serialize_unit_variant(self, name: &'static str, index: u32, variant: &'static str) -> Result<(), serde_json::Error>;
        fn serialize_seq(self, len: Option<usize>) -> Result<Self::SerializeSeq, serde_json::Error>;
        fn serialize_tuple(self, len: usize) -> Result<Self::SerializeTuple, serde_json::Error>;
        fn serialize_tuple_struct(self, name: &'static str, len: usize) -> Result<Self::SerializeTupleStruct, serde_json::Error>;
        fn serialize_tuple_variant(self, name: &'static str, index: u32, variant: &'static str, len: usize) -> Result<Self::SerializeTupleVariant, serde_json::Error>;
        fn serialize_struct_variant(self, name: &'static str, index: u32, variant: &'static str, len: usize) -> Result<Self::SerializeStructVariant, serde_json::Error>;
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), serde_json::Error> {
        // serde_json writes `Some(x)` as `x`: watch `x` as the top level.
        value.serialize(self)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), serde_json::Error> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), serde_json::Error> {
        self.unsure()
            .serialize_newtype_variant(name, index, variant, value)
    }

    fn serialize_map(self, len: Option<usize>) -> Result<Members<'a, 'b>, serde_json::Error> {
        let sure = self.sure;
        Ok(Members {
            inner: self.inner.serialize_map(len)?,
            sure,
            seen: Seen::new(),
            pending: None,
        })
    }

    fn serialize_struct(
        self,
        name: &'static str,
        len: usize,
    ) -> Result<Members<'a, 'b>, serde_json::Error> {
        // serde_json writes some structs as something else (`RawValue` as
        // its text, `Number` as a number): those the parse checks.
        if name.starts_with("$serde_json::") {
            self.sure.set(false);
        }
        let sure = self.sure;
        Ok(Members {
            inner: self.inner.serialize_struct(name, len)?,
            sure,
            seen: Seen::new(),
            pending: None,
        })
    }
}

/// The members of the top-level object: serde_json's own map or struct
/// (one type), written through the trait it was made for.
struct Members<'a, 'b> {
    inner: <&'a mut Json<'b> as Serializer>::SerializeMap,
    sure: &'a Cell<bool>,
    seen: Seen,
    /// The kind of the registered claim whose value comes next.
    pending: Option<Kind>,
}

impl Members<'_, '_> {
    fn name(&mut self, name: &str) {
        self.pending = Kind::of(name);
        if !self.seen.note(name) {
            self.sure.set(false);
        }
    }

    fn value<V: Serialize + ?Sized>(&mut self, value: &V) {
        if let Some(kind) = self.pending.take() {
            if !typed_right(kind, value) {
                self.sure.set(false);
            }
        }
    }
}

impl SerializeMap for Members<'_, '_> {
    type Ok = ();
    type Error = serde_json::Error;

    fn serialize_key<K: Serialize + ?Sized>(&mut self, key: &K) -> Result<(), serde_json::Error> {
        let mut buf = KeyBuf {
            bytes: [0; 128],
            len: 0,
        };
        match key.serialize(KeyProbe(&mut buf)) {
            Ok(()) => match core::str::from_utf8(buf.bytes.get(..buf.len).unwrap_or_default()) {
                Ok(name) => self.name(name),
                Err(_) => self.sure.set(false),
            },
            Err(_) => self.sure.set(false),
        }
        self.inner.serialize_key(key)
    }

    fn serialize_value<V: Serialize + ?Sized>(
        &mut self,
        value: &V,
    ) -> Result<(), serde_json::Error> {
        self.value(value);
        self.inner.serialize_value(value)
    }

    fn end(self) -> Result<(), serde_json::Error> {
        SerializeMap::end(self.inner)
    }
}

impl SerializeStruct for Members<'_, '_> {
    type Ok = ();
    type Error = serde_json::Error;

    fn serialize_field<V: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &V,
    ) -> Result<(), serde_json::Error> {
        self.name(key);
        self.value(value);
        SerializeStruct::serialize_field(&mut self.inner, key, value)
    }

    fn end(self) -> Result<(), serde_json::Error> {
        SerializeStruct::end(self.inner)
    }
}

/// What serde_json writes for a value, as far as the claim types go.
enum Written {
    Str,
    Strs,
    Number,
}

/// The probe's refusal: a value of another JSON type (or one it does not
/// tell apart).
#[derive(Debug)]
struct Other;

impl fmt::Display for Other {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("another JSON type")
    }
}

impl core::error::Error for Other {}

impl ser::Error for Other {
    fn custom<T: fmt::Display>(_: T) -> Self {
        Other
    }
}

/// Tells a value's JSON type without writing it, the way serde_json would
/// write it: strings, chars and unit variants are strings; finite numbers
/// are numbers (serde_json writes NaN and infinities as `null`); `Some`
/// and newtypes are their content; a sequence of strings is `Strs`.
struct Probe;

/// Serializer methods that answer [`Other`]: a value of a JSON type the
/// probes do not take.
macro_rules! refuse {
    ($( fn $m:ident $(<$g:ident>)? (self $(, $t:ty)*) -> $r:ty; )*) => {
        $(
            fn $m $(<$g: Serialize + ?Sized>)? (self $(, _: $t)*) -> Result<$r, Other> {
                Err(Other)
            }
        )*
    };
}

macro_rules! number {
    ($($m:ident: $t:ty),*) => {
        $( fn $m(self, _: $t) -> Result<Written, Other> { Ok(Written::Number) } )*
    };
}

impl Serializer for Probe {
    type Ok = Written;
    type Error = Other;
    type SerializeSeq = StrsProbe;
    type SerializeTuple = StrsProbe;
    type SerializeTupleStruct = Impossible<Written, Other>;
    type SerializeTupleVariant = Impossible<Written, Other>;
    type SerializeMap = Impossible<Written, Other>;
    type SerializeStruct = Impossible<Written, Other>;
    type SerializeStructVariant = Impossible<Written, Other>;

    number!(serialize_i8: i8, serialize_i16: i16, serialize_i32: i32, serialize_i64: i64,
        serialize_i128: i128, serialize_u8: u8, serialize_u16: u16, serialize_u32: u32,
        serialize_u64: u64, serialize_u128: u128);

    fn serialize_f32(self, v: f32) -> Result<Written, Other> {
        if v.is_finite() {
            Ok(Written::Number)
        } else {
            Err(Other)
        }
    }
    fn serialize_f64(self, v: f64) -> Result<Written, Other> {
        if v.is_finite() {
            Ok(Written::Number)
        } else {
            Err(Other)
        }
    }
    fn serialize_str(self, _: &str) -> Result<Written, Other> {
        Ok(Written::Str)
    }
    fn serialize_char(self, _: char) -> Result<Written, Other> {
        Ok(Written::Str)
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
    ) -> Result<Written, Other> {
        Ok(Written::Str)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Written, Other> {
        value.serialize(self)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<Written, Other> {
        value.serialize(self)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<StrsProbe, Other> {
        Ok(StrsProbe)
    }
    fn serialize_tuple(self, _: usize) -> Result<StrsProbe, Other> {
        Ok(StrsProbe)
    }
    refuse! {
        fn serialize_bool(self, bool) -> Self::Ok;
        fn serialize_bytes(self, &[u8]) -> Self::Ok;
        fn serialize_none(self) -> Self::Ok;
        fn serialize_unit(self) -> Self::Ok;
        fn serialize_unit_struct(self, &'static str) -> Self::Ok;
        fn serialize_newtype_variant<T>(self, &'static str, u32, &'static str, &T) -> Self::Ok;
        fn serialize_tuple_struct(self, &'static str, usize) -> Self::SerializeTupleStruct;
        fn serialize_tuple_variant(self, &'static str, u32, &'static str, usize) -> Self::SerializeTupleVariant;
        fn serialize_map(self, Option<usize>) -> Self::SerializeMap;
        fn serialize_struct(self, &'static str, usize) -> Self::SerializeStruct;
        fn serialize_struct_variant(self, &'static str, u32, &'static str, usize) -> Self::SerializeStructVariant;
    }
}

/// The elements of a sequence: strings only.
struct StrsProbe;

impl SerializeSeq for StrsProbe {
    type Ok = Written;
    type Error = Other;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Other> {
        match value.serialize(Probe)? {
            Written::Str => Ok(()),
            Written::Strs | Written::Number => Err(Other),
        }
    }

    fn end(self) -> Result<Written, Other> {
        Ok(Written::Strs)
    }
}

impl SerializeTuple for StrsProbe {
    type Ok = Written;
    type Error = Other;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Other> {
        SerializeSeq::serialize_element(self, value)
    }

    fn end(self) -> Result<Written, Other> {
        SerializeSeq::end(self)
    }
}

/// A map key as written, copied into a stack buffer (a longer key is left
/// to the parse).
struct KeyBuf {
    bytes: [u8; 128],
    len: usize,
}

impl KeyBuf {
    fn set(&mut self, name: &str) -> Result<(), Other> {
        let slot = self.bytes.get_mut(..name.len()).ok_or(Other)?;
        slot.copy_from_slice(name.as_bytes());
        self.len = name.len();
        Ok(())
    }
}

/// A map key as the string serde_json writes (strings, chars and unit
/// variants; any other key leaves the decision to the parse).
struct KeyProbe<'a>(&'a mut KeyBuf);

impl Serializer for KeyProbe<'_> {
    type Ok = ();
    type Error = Other;
    type SerializeSeq = Impossible<(), Other>;
    type SerializeTuple = Impossible<(), Other>;
    type SerializeTupleStruct = Impossible<(), Other>;
    type SerializeTupleVariant = Impossible<(), Other>;
    type SerializeMap = Impossible<(), Other>;
    type SerializeStruct = Impossible<(), Other>;
    type SerializeStructVariant = Impossible<(), Other>;

    fn serialize_str(self, v: &str) -> Result<(), Other> {
        self.0.set(v)
    }
    fn serialize_char(self, v: char) -> Result<(), Other> {
        self.0.set(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), Other> {
        self.0.set(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), Other> {
        value.serialize(self)
    }
    refuse! {
        fn serialize_bool(self, bool) -> Self::Ok;
        fn serialize_i8(self, i8) -> Self::Ok;
        fn serialize_i16(self, i16) -> Self::Ok;
        fn serialize_i32(self, i32) -> Self::Ok;
        fn serialize_i64(self, i64) -> Self::Ok;
        fn serialize_u8(self, u8) -> Self::Ok;
        fn serialize_u16(self, u16) -> Self::Ok;
        fn serialize_u32(self, u32) -> Self::Ok;
        fn serialize_u64(self, u64) -> Self::Ok;
        fn serialize_f32(self, f32) -> Self::Ok;
        fn serialize_f64(self, f64) -> Self::Ok;
        fn serialize_bytes(self, &[u8]) -> Self::Ok;
        fn serialize_none(self) -> Self::Ok;
        fn serialize_some<T>(self, &T) -> Self::Ok;
        fn serialize_unit(self) -> Self::Ok;
        fn serialize_unit_struct(self, &'static str) -> Self::Ok;
        fn serialize_newtype_variant<T>(self, &'static str, u32, &'static str, &T) -> Self::Ok;
        fn serialize_seq(self, Option<usize>) -> Self::SerializeSeq;
        fn serialize_tuple(self, usize) -> Self::SerializeTuple;
        fn serialize_tuple_struct(self, &'static str, usize) -> Self::SerializeTupleStruct;
        fn serialize_tuple_variant(self, &'static str, u32, &'static str, usize) -> Self::SerializeTupleVariant;
        fn serialize_map(self, Option<usize>) -> Self::SerializeMap;
        fn serialize_struct(self, &'static str, usize) -> Self::SerializeStruct;
        fn serialize_struct_variant(self, &'static str, u32, &'static str, usize) -> Self::SerializeStructVariant;
    }
}

#[cfg(test)]
mod tests {
    extern crate std;

    use alloc::collections::BTreeMap;
    use alloc::string::String;
    use alloc::vec;

    use proptest::prelude::*;
    use serde_json::{Value, json};

    use super::*;
    use crate::view::ClaimsView;

    #[test]
    fn serde_json_s_own_structs_are_written_as_serde_json_writes_them() {
        use serde_json::value::RawValue;
        for text in [r#"{"sub":"a","exp":1}"#, r#"{"exp":"soon"}"#, "[1]", "7"] {
            let raw = RawValue::from_string(text.into()).unwrap();
            let (out, sure) = to_json(&raw).unwrap();
            assert_eq!(out, text.as_bytes());
            assert!(!sure, "{text}: the parse must check it");
        }
    }

    /// The property: the output is serde_json's, byte for byte, and when
    /// the check is sure, the strict view accepts the output.
    fn holds<T: Serialize>(claims: &T) -> bool {
        let (out, sure) = to_json(claims).unwrap();
        assert_eq!(out, serde_json::to_vec(claims).unwrap());
        if sure {
            assert!(
                ClaimsView::parse(&out).is_ok(),
                "sure of what the view refuses: {}",
                String::from_utf8_lossy(&out)
            );
        }
        sure
    }

    #[derive(serde::Serialize)]
    struct Good<'a> {
        iss: &'a str,
        sub: String,
        aud: Vec<&'a str>,
        exp: u64,
        #[serde(skip_serializing_if = "Option::is_none")]
        nbf: Option<i64>,
        iat: f64,
        jti: Option<char>,
        scope: &'a str,
    }

    #[derive(serde::Serialize)]
    struct Exp(u64);

    #[derive(serde::Serialize)]
    enum Issuer {
        #[serde(rename = "https://a")]
        A,
    }

    #[derive(serde::Serialize)]
    struct Odd {
        exp: Exp,
        iss: Issuer,
        aud: (&'static str, &'static str),
        big: u128,
    }

    #[derive(serde::Serialize)]
    struct Flat {
        exp: u64,
        #[serde(flatten)]
        more: BTreeMap<&'static str, Value>,
    }

    #[test]
    fn sure_only_of_what_the_view_accepts() {
        let good = Good {
            iss: "https://a",
            sub: "alice".into(),
            aud: vec!["x", "y"],
            exp: 1_800_000_000,
            nbf: None,
            iat: 1.5,
            jti: Some('j'),
            scope: "s",
        };
        assert!(holds(&good));
        assert!(holds(&Odd {
            exp: Exp(1),
            iss: Issuer::A,
            aud: ("x", "y"),
            big: u128::MAX,
        }));
        assert!(holds(&json!({"sub": "a", "exp": 1, "aud": "x"})));
        // Not sure: the parse decides (and refuses most of these).
        for unsure in [
            json!({"exp": "soon"}),
            json!({"aud": ["x", 1]}),
            json!({"iss": null}),
            json!({"jti": 7}),
            json!({"sub": "a", "n": {"k": 1}}),
            json!(["not", "an", "object"]),
            json!("text"),
        ] {
            assert!(!holds(&unsure), "{unsure}");
        }
        assert!(!holds(&Good {
            iat: f64::NAN,
            ..good
        }));
        let mut more = BTreeMap::new();
        more.insert("exp", json!(2));
        assert!(
            !holds(&Flat { exp: 1, more }),
            "a flattened member repeats exp"
        );
        let mut more = BTreeMap::new();
        more.insert("x", json!(2));
        assert!(holds(&Flat { exp: 1, more }));
    }

    fn value() -> impl Strategy<Value = Value> {
        prop_oneof![
            Just(json!("https://a")),
            Just(json!("x\n\u{e9}")),
            any::<u32>().prop_map(Value::from),
            any::<i32>().prop_map(Value::from),
            Just(json!(1.5e9)),
            Just(json!(true)),
            Just(Value::Null),
            Just(json!(["x", "y"])),
            Just(json!(["x", 1])),
            Just(json!([])),
            Just(json!({"k": 1})),
        ]
    }

    proptest! {
        #[test]
        fn holds_for_generated_claims(
            members in proptest::collection::btree_map(
                prop_oneof![
                    Just("iss"), Just("sub"), Just("aud"), Just("exp"), Just("nbf"),
                    Just("iat"), Just("jti"), Just("x"), Just("scope"),
                ].prop_map(String::from),
                value(),
                0..9,
            )
        ) {
            holds(&members);
            let as_value: Value = members.into_iter().collect::<serde_json::Map<_, _>>().into();
            holds(&as_value);
        }
    }
}
