//! Claims deserialized and viewed in one pass: the caller's type is
//! deserialized through a wrapper around serde_json's deserializer that
//! hands every member on and, on the way, takes the registered claims into
//! a [`ClaimsView`]; a repeated member ends the pass.
//!
//! It is only a faster road to the same answer as [`ClaimsView::parse`]
//! followed by `serde_json::from_slice`: it is taken for claims sets
//! without a nested object (no `{` after the first byte, so only the
//! top-level members can repeat) and valid UTF-8, and whenever anything
//! goes wrong in it (malformed JSON, a repeated member, a registered claim
//! of the wrong type, a caller's type that does not fit) it gives up and
//! the caller takes the two-pass road, whose errors are the reference.

use alloc::borrow::Cow;
use alloc::string::String;
use alloc::vec::Vec;
use core::cell::{Cell, RefCell};
use core::fmt;
use core::marker::PhantomData;

use jose_core::json::Name;
use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor,
};

use super::{Aud, ClaimsView, Kind};

/// The error type of the pass: serde_json's, as the wrapped deserializer's.
type E = serde_json::Error;

/// Why the pass gave up (the message is never shown: the two-pass road
/// makes the error).
const GAVE_UP: &str = "one pass gave up";

/// Deserializes `T` from `json` and views its registered claims in one
/// pass; `None` when the two-pass road must decide.
pub(crate) fn parse<'de, T: DeserializeOwned>(json: &'de [u8]) -> Option<(ClaimsView<'de>, T)> {
    let flat = json.get(1..).is_some_and(|rest| !rest.contains(&b'{'));
    if !flat || core::str::from_utf8(json).is_err() {
        return None;
    }
    let state = State {
        view: RefCell::new(ClaimsView::default()),
        duplicate: RefCell::new(None),
        gave_up: Cell::new(false),
    };
    let mut de = serde_json::Deserializer::from_slice(json);
    let claims = T::deserialize(Top {
        de: &mut de,
        state: &state,
    })
    .ok()?;
    de.end().ok()?;
    if state.gave_up.get() {
        return None;
    }
    Some((state.view.into_inner(), claims))
}

/// What the pass gathers.
struct State<'de> {
    view: RefCell<ClaimsView<'de>>,
    duplicate: RefCell<Option<String>>,
    gave_up: Cell<bool>,
}

impl State<'_> {
    fn give_up<X: de::Error>(&self) -> X {
        self.gave_up.set(true);
        X::custom(GAVE_UP)
    }
}

/// The top level: an object, whose members go through [`Members`].
struct Top<'a, 'de> {
    de: &'a mut serde_json::Deserializer<serde_json::de::SliceRead<'de>>,
    state: &'a State<'de>,
}

impl<'de> Deserializer<'de> for Top<'_, 'de> {
    type Error = E;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        let state = self.state;
        self.de.deserialize_map(TopVisitor {
            inner: visitor,
            state,
        })
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, E> {
        self.deserialize_any(visitor)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map enum identifier ignored_any
    }
}

/// Hands the caller's visitor a [`Members`] instead of serde_json's map.
struct TopVisitor<'a, 'de, V> {
    inner: V,
    state: &'a State<'de>,
}

impl<'de, V: Visitor<'de>> Visitor<'de> for TopVisitor<'_, 'de, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.expecting(f)
    }

    fn visit_map<A: MapAccess<'de>>(self, access: A) -> Result<V::Value, A::Error> {
        self.inner.visit_map(Members {
            inner: access,
            state: self.state,
            pending: None,
        })
    }
}

/// The members of the claims set: each name is noted (a repeated one ends
/// the pass); the value of a registered claim is taken, typed, then
/// replayed to the caller's type; any other value goes straight through.
struct Members<'a, 'de, A> {
    inner: A,
    state: &'a State<'de>,
    /// The registered claim whose value comes next.
    pending: Option<(Cow<'de, str>, Kind)>,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Members<'_, 'de, A> {
    type Error = A::Error;

    // Any error in a member ends the pass, even one the caller's type
    // swallows and goes on after: what it saw of the claims may be short
    // (a registered claim of the wrong type left out of the view), and
    // only the two-pass road may decide then.

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        let key = self.key(seed);
        if key.is_err() {
            self.state.gave_up.set(true);
        }
        key
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, A::Error> {
        let value = self.value(seed);
        if value.is_err() {
            self.state.gave_up.set(true);
        }
        value
    }
}

impl<'de, A: MapAccess<'de>> Members<'_, 'de, A> {
    fn key<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, A::Error> {
        let Some(Name(name)) = self.inner.next_key::<Name<'de>>()? else {
            return Ok(None);
        };
        let kind = Kind::of(&name);
        self.pending = kind.map(|k| (name.clone(), k));
        let key = KeyDeserializer(name.clone(), PhantomData);
        if !self
            .state
            .view
            .borrow_mut()
            .names
            .insert(name, &self.state.duplicate)
        {
            return Err(self.state.give_up());
        }
        seed.deserialize(key).map(Some)
    }

    fn value<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, A::Error> {
        let Some((name, kind)) = self.pending.take() else {
            return self.inner.next_value_seed(seed);
        };
        let taken = self.inner.next_value_seed(Take {
            kind,
            state: self.state,
        })?;
        {
            let mut view = self.state.view.borrow_mut();
            match (name.as_ref(), &taken) {
                ("iss", Taken::Str(s)) => view.iss = Some(s.clone()),
                ("sub", Taken::Str(s)) => view.sub = Some(s.clone()),
                ("aud", Taken::Str(s)) => view.aud = Some(Aud::One(s.clone())),
                ("aud", Taken::Strs(list)) => view.aud = Some(Aud::Many(list.clone())),
                ("exp" | "nbf" | "iat", taken) => {
                    let date = taken.as_f64().ok_or_else(|| self.state.give_up())?;
                    match name.as_ref() {
                        "exp" => view.exp = Some(date),
                        "nbf" => view.nbf = Some(date),
                        _ => view.iat = Some(date),
                    }
                }
                // jti: typed, nothing to keep.
                _ => {}
            }
        }
        seed.deserialize(Replay(taken, PhantomData))
    }
}

/// A registered claim's value, as serde_json handed it over.
enum Taken<'de> {
    Str(Cow<'de, str>),
    Strs(Vec<Cow<'de, str>>),
    U64(u64),
    I64(i64),
    F64(f64),
}

impl Taken<'_> {
    #[allow(clippy::cast_precision_loss)]
    fn as_f64(&self) -> Option<f64> {
        match *self {
            Self::U64(v) => Some(v as f64),
            Self::I64(v) => Some(v as f64),
            Self::F64(v) => Some(v),
            Self::Str(_) | Self::Strs(_) => None,
        }
    }
}

/// Takes a registered claim's value if it has its type; otherwise gives
/// up (the two-pass road names the claim).
struct Take<'a, 'de> {
    kind: Kind,
    state: &'a State<'de>,
}

impl<'de> DeserializeSeed<'de> for Take<'_, 'de> {
    type Value = Taken<'de>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Taken<'de>, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Take<'_, 'de> {
    fn give_up<X: de::Error>(&self) -> X {
        self.state.gave_up.set(true);
        X::custom(GAVE_UP)
    }

    fn number<X: de::Error>(self, taken: Taken<'de>) -> Result<Taken<'de>, X> {
        match self.kind {
            Kind::Date => Ok(taken),
            Kind::Str | Kind::Aud => Err(self.give_up()),
        }
    }

    fn text<X: de::Error>(self, s: Cow<'de, str>) -> Result<Taken<'de>, X> {
        match self.kind {
            Kind::Str | Kind::Aud => Ok(Taken::Str(s)),
            Kind::Date => Err(self.give_up()),
        }
    }
}

impl<'de> Visitor<'de> for Take<'_, 'de> {
    type Value = Taken<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a registered claim")
    }

    fn visit_u64<X: de::Error>(self, v: u64) -> Result<Taken<'de>, X> {
        self.number(Taken::U64(v))
    }
    fn visit_i64<X: de::Error>(self, v: i64) -> Result<Taken<'de>, X> {
        self.number(Taken::I64(v))
    }
    fn visit_f64<X: de::Error>(self, v: f64) -> Result<Taken<'de>, X> {
        self.number(Taken::F64(v))
    }
    fn visit_borrowed_str<X: de::Error>(self, v: &'de str) -> Result<Taken<'de>, X> {
        self.text(Cow::Borrowed(v))
    }
    fn visit_str<X: de::Error>(self, v: &str) -> Result<Taken<'de>, X> {
        self.text(Cow::Owned(String::from(v)))
    }
    fn visit_string<X: de::Error>(self, v: String) -> Result<Taken<'de>, X> {
        self.text(Cow::Owned(v))
    }

    fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<Taken<'de>, S::Error> {
        let Kind::Aud = self.kind else {
            return Err(self.give_up());
        };
        let mut list = Vec::new();
        while let Some(item) = seq.next_element_seed(Take {
            kind: Kind::Str,
            state: self.state,
        })? {
            match item {
                Taken::Str(s) => list.push(s),
                Taken::Strs(_) | Taken::U64(_) | Taken::I64(_) | Taken::F64(_) => {
                    return Err(self.give_up());
                }
            }
        }
        Ok(Taken::Strs(list))
    }
}

/// A member name for the caller's type.
struct KeyDeserializer<'de, X>(Cow<'de, str>, PhantomData<X>);

impl<'de, X: de::Error> Deserializer<'de> for KeyDeserializer<'de, X> {
    type Error = X;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, X> {
        match self.0 {
            Cow::Borrowed(s) => visitor.visit_borrowed_str(s),
            Cow::Owned(s) => visitor.visit_string(s),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

/// A registered claim's value replayed to the caller's type, as serde_json
/// would have handed it over (an `Option` field gets `Some`, a newtype its
/// content).
struct Replay<'de, X>(Taken<'de>, PhantomData<X>);

impl<'de, X: de::Error> Deserializer<'de> for Replay<'de, X> {
    type Error = X;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, X> {
        match self.0 {
            Taken::Str(Cow::Borrowed(s)) => visitor.visit_borrowed_str(s),
            Taken::Str(Cow::Owned(s)) => visitor.visit_string(s),
            Taken::Strs(list) => visitor.visit_seq(Strs(list.into_iter(), PhantomData)),
            Taken::U64(v) => visitor.visit_u64(v),
            Taken::I64(v) => visitor.visit_i64(v),
            Taken::F64(v) => visitor.visit_f64(v),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, X> {
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        visitor: V,
    ) -> Result<V::Value, X> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, X> {
        match self.0 {
            // A unit variant spelled as a string, as serde_json reads it.
            Taken::Str(s) => {
                de::value::CowStrDeserializer::<X>::new(s).deserialize_enum(name, variants, visitor)
            }
            other => Replay(other, PhantomData).deserialize_any(visitor),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple tuple_struct map struct
        identifier ignored_any
    }
}

/// The strings of an `aud` array, replayed.
struct Strs<'de, X>(alloc::vec::IntoIter<Cow<'de, str>>, PhantomData<X>);

impl<'de, X: de::Error> SeqAccess<'de> for Strs<'de, X> {
    type Error = X;

    fn next_element_seed<S: DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<Option<S::Value>, X> {
        match self.0.next() {
            Some(s) => seed
                .deserialize(Replay(Taken::Str(s), PhantomData))
                .map(Some),
            None => Ok(None),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.0.len())
    }
}

#[cfg(test)]
mod tests {
    extern crate std;

    use alloc::format;
    use alloc::string::ToString;
    use alloc::vec;

    use proptest::prelude::*;
    use serde::Deserialize;
    use serde_json::Value;

    use super::*;

    /// A caller's type that reads every member and ignores the errors of
    /// their values: the pass must not answer after one of them.
    #[derive(Debug)]
    struct Forgiving;

    impl<'de> Deserialize<'de> for Forgiving {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = Forgiving;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("anything")
                }
                fn visit_map<M: MapAccess<'de>>(self, mut m: M) -> Result<Forgiving, M::Error> {
                    while m.next_key::<String>()?.is_some() {
                        let _ = m.next_value::<Value>();
                    }
                    Ok(Forgiving)
                }
            }
            d.deserialize_map(V)
        }
    }

    #[test]
    fn an_error_the_caller_swallows_still_ends_the_pass() {
        for json in [
            &br#"{"nbf":true,"sub":"a"}"#[..],
            br#"{"exp":null}"#,
            br#"{"iss":1,"sub":"a"}"#,
            br#"{"aud":["a",2]}"#,
        ] {
            assert!(
                parse::<Forgiving>(json).is_none(),
                "{}",
                core::str::from_utf8(json).unwrap()
            );
        }
        assert!(parse::<Forgiving>(br#"{"nbf":5,"sub":"a"}"#).is_some());
    }

    /// What the view saw, to compare the two roads.
    fn seen(v: &ClaimsView<'_>) -> String {
        let aud = match &v.aud {
            None => "-".to_string(),
            Some(Aud::One(a)) => format!("one {a}"),
            Some(Aud::Many(l)) => format!("many {l:?}"),
        };
        let names: Vec<&str> = [
            "iss", "sub", "aud", "exp", "nbf", "iat", "jti", "x", "y", "scope",
        ]
        .into_iter()
        .filter(|n| v.has(n))
        .collect();
        format!(
            "{:?} {:?} {aud} {:?} {:?} {:?} {names:?}",
            v.iss, v.sub, v.exp, v.nbf, v.iat
        )
    }

    /// The property: the one-pass road answers only where the two-pass
    /// road succeeds, and then with the same claims and the same view.
    fn agrees<T: DeserializeOwned + PartialEq + fmt::Debug>(json: &[u8]) {
        let two = ClaimsView::parse(json).ok().and_then(|view| {
            serde_json::from_slice::<T>(json)
                .ok()
                .map(|t| (seen(&view), t))
        });
        let one = parse::<T>(json).map(|(view, t)| (seen(&view), t));
        match (one, two) {
            (Some(one), Some(two)) => assert_eq!(one, two, "{}", String::from_utf8_lossy(json)),
            (Some(one), None) => panic!(
                "one pass accepted what two refuse: {} -> {one:?}",
                String::from_utf8_lossy(json)
            ),
            // Giving up is always allowed: the two-pass road decides.
            (None, _) => {}
        }
    }

    #[derive(Debug, PartialEq, Deserialize)]
    struct Typed {
        iss: Option<String>,
        exp: Option<u64>,
        aud: Option<Vec<String>>,
        #[serde(default)]
        scope: String,
    }

    #[derive(Debug, PartialEq, Deserialize)]
    struct Flattened {
        sub: String,
        #[serde(flatten)]
        rest: std::collections::BTreeMap<String, Value>,
    }

    #[derive(Debug, PartialEq, Deserialize)]
    struct Newtype(f64);

    #[derive(Debug, PartialEq, Deserialize)]
    enum Issuer {
        #[serde(rename = "https://a")]
        A,
        #[serde(rename = "https://b")]
        B,
    }

    #[derive(Debug, PartialEq, Deserialize)]
    struct Special {
        exp: Newtype,
        iss: Issuer,
        iat: i64,
    }

    #[test]
    fn agrees_on_chosen_cases() {
        let cases: Vec<&[u8]> = vec![
            br#"{"iss":"https://a","exp":1800000000,"aud":["x","y"],"scope":"s"}"#,
            br#"{"iss":"https://b","exp":1.5e9,"iat":-3,"aud":"x"}"#,
            br#"{"iss":"h\u0074tps://a","exp":1,"iat":2}"#,
            br#"{"\u0069ss":"https://a","exp":1,"iat":2}"#,
            br#"{"exp":1,"exp":2}"#,
            br#"{"exp":1,"\u0065xp":2}"#,
            br#"{"exp":"soon"}"#,
            br#"{"aud":["x",1]}"#,
            br#"{"aud":[]}"#,
            br#"{"iss":null}"#,
            br#"{"jti":7}"#,
            br#"{"sub":"a","x":[1,2,"3"],"y":true}"#,
            br#"{"sub":"a"} trailing"#,
            br#"[1,2]"#,
            br#""str""#,
            br#"{"sub":"a","n":{"k":1,"k":2}}"#,
            b"{\"sub\":\"\xff\"}",
            b"{\"x\":\"\xff\",\"sub\":\"a\"}",
            br#"{"sub":"a""#,
            br#"{}"#,
        ];
        for json in cases {
            agrees::<Value>(json);
            agrees::<Typed>(json);
            agrees::<Flattened>(json);
            agrees::<Special>(json);
        }
        // The common case does take one pass.
        assert!(parse::<Typed>(br#"{"iss":"https://a","exp":1,"aud":["x"]}"#).is_some());
        assert!(parse::<Special>(br#"{"iss":"https://b","exp":2.5,"iat":-1}"#).is_some());
    }

    /// A member of a generated claims set: a name (registered or not,
    /// some repeated) and a value of any JSON type but objects, written as
    /// text so that escapes and odd numbers appear.
    fn member() -> impl Strategy<Value = String> {
        let name = prop_oneof![
            Just("iss"),
            Just("sub"),
            Just("aud"),
            Just("exp"),
            Just("nbf"),
            Just("iat"),
            Just("jti"),
            Just("x"),
            Just("y"),
            Just("scope"),
            Just("\\u0065xp"),
        ];
        let value = prop_oneof![
            Just("\"https://a\"".to_string()),
            Just("\"h\\u0074tps\"".to_string()),
            Just("\"x\\n\"".to_string()),
            any::<u32>().prop_map(|n| n.to_string()),
            any::<i32>().prop_map(|n| n.to_string()),
            Just("1.5e9".to_string()),
            Just("-0.0".to_string()),
            Just("true".to_string()),
            Just("null".to_string()),
            Just("[\"x\",\"y\"]".to_string()),
            Just("[\"x\",1]".to_string()),
            Just("[]".to_string()),
            Just("[[\"x\"]]".to_string()),
        ];
        (name, value).prop_map(|(n, v)| format!("\"{n}\":{v}"))
    }

    proptest! {
        #[test]
        fn agrees_on_generated_claims(members in proptest::collection::vec(member(), 0..8)) {
            let json = format!("{{{}}}", members.join(","));
            agrees::<Value>(json.as_bytes());
            agrees::<Typed>(json.as_bytes());
            agrees::<Flattened>(json.as_bytes());
        }
    }
}
