//! The JOSE header parameters shared by JWS (RFC 7515 section 4.1) and JWE
//! (RFC 7516 section 4.1), plus the JWA parameters of RFC 7518 section 4 and
//! RFC 7797's `b64`.
//!
//! A [`Header`] is parsed strictly (duplicates rejected at any depth, as
//! [`crate::json`] does): straight from its JSON text ([`Header::from_json`],
//! [`decode_protected_header`], no JSON tree on the way), or from a parsed
//! object ([`Header::from_object`]), with the same errors either way.
//! Registered members are typed and checked; every other member is kept in
//! [`Header::other`], so that `crit` can be enforced and nothing is
//! silently dropped.
//!
//! Every registered member is one row of the table at the end of this
//! file: its field, its Rust type, how its JSON value is read and written,
//! and its name. Parsing, serializing, [`Header::contains`],
//! [`Header::merge`], the setters and [`REGISTERED`] are all generated from
//! that table.
//!
//! ```
//! use jose_core::{Header, JwsAlgorithm};
//!
//! let header = Header::new()
//!     .with_alg(JwsAlgorithm::Es256)
//!     .with_typ("at+jwt")
//!     .with_member("tenant", "acme")?;
//! assert_eq!(header.to_json(), r#"{"alg":"ES256","typ":"at+jwt","tenant":"acme"}"#);
//! # Ok::<(), jose_core::Error>(())
//! ```

use alloc::borrow::Cow;
use alloc::string::String;
use alloc::vec::Vec;
use core::cell::RefCell;
use core::fmt;

use serde::Serialize;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde_json::Value;

use crate::alg::{Algorithm, CompressionAlgorithm, ContentEncryptionAlgorithm};
use crate::b64;
use crate::error::{Error, MalformedReason};
use crate::json::{self, Object};

/// How one registered member's JSON value is read and written.
trait Codec {
    /// The Rust type of the member.
    type Value;

    /// Reads the member `name` from its JSON value.
    fn parse(name: &'static str, value: Value) -> Result<Self::Value, Error>;

    /// Reads the member `name` as the parser met it: the codecs of
    /// strings take a string without first making it a [`Value`].
    fn parse_member(name: &'static str, value: Member<'_>) -> Result<Self::Value, Error> {
        Self::parse(name, value.into_value())
    }

    /// Writes the member `name`.
    fn write<M: SerializeMap>(value: &Self::Value, name: &str, map: &mut M)
    -> Result<(), M::Error>;
}

/// A registered algorithm name (`alg`, `enc`, `zip`).
struct Name<T>(core::marker::PhantomData<T>);

impl<T> Codec for Name<T>
where
    T: core::str::FromStr<Err = Error> + Serialize,
{
    type Value = T;

    fn parse(name: &'static str, value: Value) -> Result<T, Error> {
        Text::parse(name, value)?.parse()
    }

    fn parse_member(name: &'static str, value: Member<'_>) -> Result<T, Error> {
        match value {
            Member::Str(s) => s.parse(),
            Member::Value(v) => Self::parse(name, v),
        }
    }

    fn write<M: SerializeMap>(value: &T, name: &str, map: &mut M) -> Result<(), M::Error> {
        map.serialize_entry(name, value)
    }
}

/// A JSON string.
struct Text;

impl Codec for Text {
    type Value = String;

    fn parse(name: &'static str, value: Value) -> Result<String, Error> {
        match value {
            Value::String(s) => Ok(s),
            _ => Err(wrong_type(name, "a string")),
        }
    }

    fn parse_member(name: &'static str, value: Member<'_>) -> Result<String, Error> {
        match value {
            Member::Str(s) => Ok(s.into_owned()),
            Member::Value(v) => Self::parse(name, v),
        }
    }

    fn write<M: SerializeMap>(value: &String, name: &str, map: &mut M) -> Result<(), M::Error> {
        map.serialize_entry(name, value)
    }
}

/// Bytes as unpadded base64url text.
struct Bytes;

impl Codec for Bytes {
    type Value = Vec<u8>;

    fn parse(name: &'static str, value: Value) -> Result<Vec<u8>, Error> {
        b64::decode(member(name), &Text::parse(name, value)?)
    }

    fn parse_member(name: &'static str, value: Member<'_>) -> Result<Vec<u8>, Error> {
        match value {
            Member::Str(s) => b64::decode(member(name), &s),
            Member::Value(v) => Self::parse(name, v),
        }
    }

    fn write<M: SerializeMap>(value: &Vec<u8>, name: &str, map: &mut M) -> Result<(), M::Error> {
        map.serialize_entry(name, &b64::encode(value))
    }
}

/// A digest of `N` bytes as unpadded base64url text (`x5t`, `x5t#S256`).
struct Digest<const N: usize>;

impl<const N: usize> Codec for Digest<N> {
    type Value = Vec<u8>;

    fn parse(name: &'static str, value: Value) -> Result<Vec<u8>, Error> {
        Self::parse_member(name, Member::Value(value))
    }

    fn parse_member(name: &'static str, value: Member<'_>) -> Result<Vec<u8>, Error> {
        let bytes = Bytes::parse_member(name, value)?;
        if bytes.len() != N {
            return Err(Error::malformed(
                member(name),
                MalformedReason::Invalid("has the wrong length"),
            ));
        }
        Ok(bytes)
    }

    fn write<M: SerializeMap>(value: &Vec<u8>, name: &str, map: &mut M) -> Result<(), M::Error> {
        Bytes::write(value, name, map)
    }
}

/// A JSON object (`jwk`, `epk`).
struct Json;

impl Codec for Json {
    type Value = Object;

    fn parse(name: &'static str, value: Value) -> Result<Object, Error> {
        match value {
            Value::Object(o) => Ok(o),
            _ => Err(wrong_type(name, "a JSON object")),
        }
    }

    fn write<M: SerializeMap>(value: &Object, name: &str, map: &mut M) -> Result<(), M::Error> {
        map.serialize_entry(name, value)
    }
}

/// A JSON boolean (`b64`).
struct Flag;

impl Codec for Flag {
    type Value = bool;

    fn parse(name: &'static str, value: Value) -> Result<bool, Error> {
        value.as_bool().ok_or_else(|| wrong_type(name, "a boolean"))
    }

    fn write<M: SerializeMap>(value: &bool, name: &str, map: &mut M) -> Result<(), M::Error> {
        map.serialize_entry(name, value)
    }
}

/// A positive integer (`p2c`).
struct Count;

impl Codec for Count {
    type Value = u64;

    fn parse(name: &'static str, value: Value) -> Result<u64, Error> {
        value
            .as_u64()
            .filter(|n| *n > 0)
            .ok_or_else(|| wrong_type(name, "a positive integer"))
    }

    fn write<M: SerializeMap>(value: &u64, name: &str, map: &mut M) -> Result<(), M::Error> {
        map.serialize_entry(name, value)
    }
}

/// The `crit` list: non-empty, no repeats, no registered name (RFC 7515
/// section 4.1.11).
struct Critical;

impl Codec for Critical {
    type Value = Vec<String>;

    fn parse(name: &'static str, value: Value) -> Result<Vec<String>, Error> {
        let Value::Array(items) = value else {
            return Err(wrong_type(name, "an array of strings"));
        };
        if items.is_empty() {
            return Err(Error::malformed(
                member(name),
                MalformedReason::Invalid("must not be empty"),
            ));
        }
        let mut names: Vec<String> = Vec::with_capacity(items.len());
        for item in items {
            let Value::String(item) = item else {
                return Err(wrong_type(name, "an array of strings"));
            };
            if names.contains(&item) {
                return Err(Error::malformed(
                    member(name),
                    MalformedReason::DuplicateMember(item),
                ));
            }
            // `b64` is the registered member that RFC 7797 section 6 puts
            // in `crit`; no other may be named (RFC 7515 section 4.1.11).
            if item != "b64" && REGISTERED.contains(&item.as_str()) {
                return Err(Error::malformed(
                    member(name),
                    MalformedReason::Invalid("must not name a parameter of RFC 7515, 7516 or 7518"),
                ));
            }
            names.push(item);
        }
        Ok(names)
    }

    fn write<M: SerializeMap>(
        value: &Vec<String>,
        name: &str,
        map: &mut M,
    ) -> Result<(), M::Error> {
        map.serialize_entry(name, value)
    }
}

/// An X.509 certificate chain: DER certificates as padded standard base64
/// (RFC 7515 section 4.1.6), at least one.
struct Certificates;

impl Codec for Certificates {
    type Value = Vec<Vec<u8>>;

    fn parse(name: &'static str, value: Value) -> Result<Vec<Vec<u8>>, Error> {
        let Value::Array(items) = value else {
            return Err(wrong_type(name, "an array of strings"));
        };
        if items.is_empty() {
            return Err(Error::malformed(
                member(name),
                MalformedReason::Invalid("must not be empty"),
            ));
        }
        items
            .into_iter()
            .map(|c| b64::decode_standard(member(name), &Text::parse(name, c)?))
            .collect()
    }

    fn write<M: SerializeMap>(
        value: &Vec<Vec<u8>>,
        name: &str,
        map: &mut M,
    ) -> Result<(), M::Error> {
        let certs: Vec<String> = value.iter().map(|c| b64::encode_standard(c)).collect();
        map.serialize_entry(name, &certs)
    }
}

/// Declares the registered members: the [`Header`] struct with one field
/// per row, and everything that goes member by member. A row names a
/// `with_*` setter when every value of its type is valid; the members with
/// rules of their own (`crit`, `x5c`, `x5t`, `x5t#S256`, `p2c`) are set
/// through checked setters or [`Header::with_member`].
macro_rules! header_members {
    (
        $(
            $(#[doc = $doc:literal])*
            $field:ident: $ty:ty, $codec:ty $(, $setter:ident)? = $name:literal;
        )+
    ) => {
        /// A JOSE header: the union of protected and unprotected members.
        ///
        /// Fields hold typed values of the registered parameters; anything
        /// else is in [`Header::other`], which never holds a registered name
        /// (so a serialized header never repeats `alg`). Build one with
        /// [`Header::new`], the `with_*` setters and [`Header::set_member`],
        /// or parse one with [`Header::from_json`] / [`Header::from_object`].
        #[derive(Clone, Debug, Default, PartialEq)]
        #[non_exhaustive]
        pub struct Header {
            $(
                $(#[doc = $doc])*
                pub $field: Option<$ty>,
            )+
            /// Every other member, kept as parsed: see [`Header::other`].
            other: Object,
        }

        /// Header parameter names registered by RFC 7515, 7516, 7518 and
        /// 7797 that this workspace understands. `crit` may not name these
        /// (RFC 7515 section 4.1.11), except `b64`, which RFC 7797 requires
        /// in `crit`.
        pub const REGISTERED: &[&str] = &[$($name),+];

        impl Header {
            $($(
                #[doc = concat!("Sets `", $name, "`.")]
                #[must_use]
                pub fn $setter(mut self, value: impl Into<$ty>) -> Self {
                    self.$field = Some(value.into());
                    self
                }
            )?)+

            /// Sorts one member into its typed field (checking its type
            /// and value) or into [`Header::other`]. An error comes with
            /// the member's place in the table, so that of several wrong
            /// members the first in the table's order is reported.
            fn take_member(
                &mut self,
                name: Cow<'_, str>,
                value: Member<'_>,
            ) -> Result<(), (usize, Error)> {
                match name.as_ref() {
                    $( $name => <$codec as Codec>::parse_member($name, value)
                        .map(|v| self.$field = Some(v))
                        .map_err(|e| (rank($name), e)), )+
                    _ => {
                        self.other.insert(name.into_owned(), value.into_value());
                        Ok(())
                    }
                }
            }

            /// The members that are not registered, as parsed or set. A
            /// registered name is never here: it lives in its typed field.
            pub fn other(&self) -> &Object {
                &self.other
            }

            /// Sets the member `name` in place: a registered one is checked
            /// and typed as when parsing, any other is kept as it is.
            ///
            /// # Errors
            ///
            /// As [`Header::from_json`], for a registered member of the
            /// wrong type.
            pub fn set_member(
                &mut self,
                name: impl Into<String>,
                value: impl Into<Value>,
            ) -> Result<(), Error> {
                self.set(name.into(), value.into())
            }

            /// Sets the member `name`, typed if it is registered.
            fn set(&mut self, name: String, value: Value) -> Result<(), Error> {
                self.take_member(Cow::Owned(name), Member::Value(value))
                    .map_err(|(_, e)| e)
            }

            /// Whether the header has a member named `name`, registered or not.
            pub fn contains(&self, name: &str) -> bool {
                match name {
                    $( $name => self.$field.is_some(), )+
                    other => self.other.contains_key(other),
                }
            }

            /// Adds the members of `other`. A member present in both must
            /// have the same value in both (an algorithm may echo a member
            /// the caller chose, such as PBES2's `p2c`).
            ///
            /// # Errors
            ///
            /// [`Error::ApiMisuse`] when a member has two different values.
            pub fn merge(&mut self, other: Header) -> Result<(), Error> {
                const TWICE: Error = Error::ApiMisuse("a header member is set twice");
                $(
                    if let Some(v) = other.$field {
                        match &self.$field {
                            Some(existing) if *existing != v => return Err(TWICE),
                            _ => self.$field = Some(v),
                        }
                    }
                )+
                for (name, v) in other.other {
                    match self.other.get(&name) {
                        Some(existing) if *existing != v => return Err(TWICE),
                        _ => {
                            self.other.insert(name, v);
                        }
                    }
                }
                Ok(())
            }
        }

        impl Serialize for Header {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let mut m = serializer.serialize_map(None)?;
                $(
                    if let Some(v) = &self.$field {
                        <$codec as Codec>::write(v, $name, &mut m)?;
                    }
                )+
                for (k, v) in &self.other {
                    m.serialize_entry(k, v)?;
                }
                m.end()
            }
        }
    };
}

impl Header {
    /// An empty header.
    pub fn new() -> Self {
        Self::default()
    }

    /// Parses a header from JSON bytes, rejecting duplicate member names.
    ///
    /// # Errors
    ///
    /// [`Error::Malformed`] for bad JSON, duplicate or ill-typed members;
    /// [`Error::Unsupported`] or [`Error::Policy`] for an unknown or `none` alg.
    pub fn from_json(bytes: &[u8]) -> Result<Self, Error> {
        parse("header", bytes)
    }

    /// Builds a header from a parsed JSON object, checking every registered
    /// member's type and value.
    ///
    /// # Errors
    ///
    /// As [`Header::from_json`].
    pub fn from_object(obj: Object) -> Result<Self, Error> {
        let mut sorter = Sorter::default();
        for (name, value) in obj {
            sorter.take(Cow::Owned(name), Member::Value(value));
        }
        sorter.finish()
    }

    /// Sets any member by name: a registered one is checked and typed as
    /// when parsing, any other is kept as it is.
    ///
    /// # Errors
    ///
    /// As [`Header::from_json`], for a registered member of the wrong type.
    pub fn with_member(
        mut self,
        name: impl Into<String>,
        value: impl Into<Value>,
    ) -> Result<Self, Error> {
        self.set(name.into(), value.into())?;
        Ok(self)
    }

    /// Sets `crit`: names of extension members that must be understood.
    ///
    /// # Errors
    ///
    /// [`Error::Malformed`] for an empty list, a repeated name, or a name
    /// registered by RFC 7515, 7516 or 7518 (`b64` aside).
    pub fn with_crit<S: Into<String>>(
        self,
        names: impl IntoIterator<Item = S>,
    ) -> Result<Self, Error> {
        let names: Vec<Value> = names.into_iter().map(|n| Value::String(n.into())).collect();
        self.with_member("crit", names)
    }

    /// Sets `p2c`, the PBES2 iteration count.
    ///
    /// # Errors
    ///
    /// [`Error::Malformed`] for a count of 0.
    pub fn with_p2c(self, count: u64) -> Result<Self, Error> {
        self.with_member("p2c", count)
    }

    /// Calls `f` with the header as compact JSON, written into a buffer on
    /// the stack when it fits there (with `std`), into a vector otherwise:
    /// for a caller that encodes the JSON at once, as a JWS does.
    pub fn with_json<R>(&self, f: impl FnOnce(&[u8]) -> R) -> R {
        #[cfg(feature = "std")]
        {
            let mut buf = [0u8; 512];
            let mut rest: &mut [u8] = &mut buf;
            // An error is only a header longer than the buffer.
            if serde_json::to_writer(&mut rest, self).is_ok() {
                let written = 512 - rest.len();
                return f(buf.get(..written).unwrap_or_default());
            }
        }
        f(self.to_json().as_bytes())
    }

    /// Serializes the header as compact JSON.
    pub fn to_json(&self) -> String {
        // Serializing a map of strings and JSON values cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }
}

header_members! {
    /// `alg`: the JWS or JWE key management algorithm (RFC 7515 section 4.1.1,
    /// RFC 7516 section 4.1.1).
    alg: Algorithm, Name<Algorithm>, with_alg = "alg";
    /// `enc`: the JWE content encryption algorithm (RFC 7516 section 4.1.2).
    enc: ContentEncryptionAlgorithm, Name<ContentEncryptionAlgorithm>, with_enc = "enc";
    /// `zip`: the JWE compression algorithm (RFC 7516 section 4.1.3).
    zip: CompressionAlgorithm, Name<CompressionAlgorithm>, with_zip = "zip";
    /// `kid`: key ID (RFC 7515 section 4.1.4).
    kid: String, Text, with_kid = "kid";
    /// `typ`: media type of the whole object (RFC 7515 section 4.1.9).
    typ: String, Text, with_typ = "typ";
    /// `cty`: media type of the payload (RFC 7515 section 4.1.10).
    cty: String, Text, with_cty = "cty";
    /// `jku`: JWK Set URL (RFC 7515 section 4.1.2). Never fetched by default.
    jku: String, Text, with_jku = "jku";
    /// `x5u`: X.509 URL (RFC 7515 section 4.1.5). Never fetched by default.
    x5u: String, Text, with_x5u = "x5u";
    /// `crit`: extensions that must be understood (RFC 7515 section 4.1.11).
    /// Never empty when present.
    crit: Vec<String>, Critical = "crit";
    /// `jwk`: the signer's or sender's public key as a JSON object (RFC 7515
    /// section 4.1.3). Never trusted by default; `jose-jwk` parses it.
    jwk: Object, Json, with_jwk = "jwk";
    /// `epk`: ephemeral public key of ECDH-ES, as a JSON object (RFC 7518
    /// section 4.6.1.1).
    epk: Object, Json, with_epk = "epk";
    /// `x5c`: X.509 certificate chain, DER, decoded from standard base64
    /// (RFC 7515 section 4.1.6).
    x5c: Vec<Vec<u8>>, Certificates = "x5c";
    /// `b64`: whether the JWS payload is base64url-encoded (RFC 7797 section 3).
    b64: bool, Flag, with_b64 = "b64";
    /// `x5t`: SHA-1 thumbprint of the certificate, 20 bytes (RFC 7515 section 4.1.7).
    x5t: Vec<u8>, Digest<20> = "x5t";
    /// `x5t#S256`: SHA-256 thumbprint of the certificate, 32 bytes (RFC 7515
    /// section 4.1.8).
    x5t_s256: Vec<u8>, Digest<32> = "x5t#S256";
    /// `apu`: agreement PartyUInfo (RFC 7518 section 4.6.1.2).
    apu: Vec<u8>, Bytes, with_apu = "apu";
    /// `apv`: agreement PartyVInfo (RFC 7518 section 4.6.1.3).
    apv: Vec<u8>, Bytes, with_apv = "apv";
    /// `iv`: initialization vector of AES-GCM key wrapping (RFC 7518 section 4.7.1.1).
    iv: Vec<u8>, Bytes, with_iv = "iv";
    /// `tag`: authentication tag of AES-GCM key wrapping (RFC 7518 section 4.7.1.2).
    tag: Vec<u8>, Bytes, with_tag = "tag";
    /// `p2s`: PBES2 salt input (RFC 7518 section 4.8.1.1).
    p2s: Vec<u8>, Bytes, with_p2s = "p2s";
    /// `p2c`: PBES2 iteration count (RFC 7518 section 4.8.1.2).
    p2c: u64, Count = "p2c";
}

/// Joins the members of several header objects (protected, shared
/// unprotected, per-recipient or per-signature unprotected) into one,
/// checking that no member name appears in two of them (RFC 7515 section
/// 7.2.1, RFC 7516 section 7.2.1).
///
/// # Errors
///
/// [`MalformedReason::DuplicateMember`] naming the first shared member.
pub fn join_disjoint(parts: &[&Object]) -> Result<Object, Error> {
    let mut joined = Object::new();
    for part in parts {
        for (k, v) in *part {
            if joined.contains_key(k) {
                return Err(Error::malformed(
                    "joint header",
                    MalformedReason::DuplicateMember(k.clone()),
                ));
            }
            joined.insert(k.clone(), v.clone());
        }
    }
    Ok(joined)
}

/// Decodes a base64url protected header and parses it strictly into its
/// JSON object, refusing one whose text is over `max_len` bytes before any
/// work. An empty text is an empty header (JSON serializations may have no
/// protected header).
///
/// # Errors
///
/// [`MalformedReason::TooLarge`], [`MalformedReason::Base64`], or the
/// errors of [`json::parse_object`].
pub fn decode_protected(text: &str, max_len: usize) -> Result<Object, Error> {
    if !protected_present(text, max_len)? {
        return Ok(Object::new());
    }
    let bytes = b64::decode("protected header", text)?;
    json::parse_object("protected header", &bytes)
}

/// Whether there is a protected header to decode (an empty text is an
/// empty header), refusing one over `max_len` before any work.
fn protected_present(text: &str, max_len: usize) -> Result<bool, Error> {
    if text.len() > max_len {
        return Err(Error::malformed(
            "protected header",
            MalformedReason::TooLarge { limit: max_len },
        ));
    }
    Ok(!text.is_empty())
}

/// Decodes a base64url protected header and parses it straight into a
/// [`Header`], refusing what [`decode_protected`] and
/// [`Header::from_object`] together refuse, with the same errors. A
/// typical header is decoded on the stack and parsed without a JSON tree:
/// only the members a [`Header`] owns (`kid`, `typ`, unregistered ones) are
/// allocated.
///
/// # Errors
///
/// As [`decode_protected`] and [`Header::from_object`].
pub fn decode_protected_header(text: &str, max_len: usize) -> Result<Header, Error> {
    if !protected_present(text, max_len)? {
        return Ok(Header::new());
    }
    let mut buf = [0u8; 768];
    let bytes = b64::decode_buffered("protected header", text, &mut buf)?;
    parse("protected header", &bytes)
}

/// Parses JSON `bytes` straight into a [`Header`]: duplicate names refused
/// at any depth, registered members typed as they are met, and the errors
/// of [`json::parse_object`] then [`Header::from_object`].
fn parse(what: &'static str, bytes: &[u8]) -> Result<Header, Error> {
    let duplicate = RefCell::new(None);
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let parsed = HeaderSeed {
        duplicate: &duplicate,
    }
    .deserialize(&mut de)
    .and_then(|h| de.end().map(|()| h));
    match parsed {
        Ok(Some(sorter)) => sorter.finish(),
        Ok(None) => Err(Error::malformed(what, MalformedReason::NotAnObject)),
        Err(e) => Err(json::strict_error(what, &e, duplicate)),
    }
}

/// The place of a registered member in the table, for error order.
fn rank(name: &str) -> usize {
    REGISTERED
        .iter()
        .position(|n| *n == name)
        .unwrap_or(usize::MAX)
}

/// A member's value as the parser met it: a string borrowed from the input
/// where it has no escapes, anything else as a strict [`Value`].
enum Member<'de> {
    Str(Cow<'de, str>),
    Value(Value),
}

impl Member<'_> {
    fn into_value(self) -> Value {
        match self {
            Member::Str(s) => Value::String(s.into_owned()),
            Member::Value(v) => v,
        }
    }
}

/// Members sorted into a header one at a time, keeping the first error in
/// the table's order until the end.
#[derive(Default)]
struct Sorter {
    header: Header,
    first_error: Option<(usize, Error)>,
}

impl Sorter {
    fn take(&mut self, name: Cow<'_, str>, value: Member<'_>) {
        if let Err((rank, e)) = self.header.take_member(name, value) {
            if self
                .first_error
                .as_ref()
                .is_none_or(|(first, _)| rank < *first)
            {
                self.first_error = Some((rank, e));
            }
        }
    }

    fn finish(self) -> Result<Header, Error> {
        match self.first_error {
            Some((_, e)) => Err(e),
            None => Ok(self.header),
        }
    }
}

/// Reads a whole header object; `None` for JSON that is not an object
/// (walked to its end, so that a syntax error is still reported as one).
#[derive(Clone, Copy)]
struct HeaderSeed<'a> {
    duplicate: &'a RefCell<Option<String>>,
}

impl<'de> DeserializeSeed<'de> for HeaderSeed<'_> {
    type Value = Option<Sorter>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for HeaderSeed<'_> {
    type Value = Option<Sorter>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
        let mut names = json::Names::default();
        let mut sorter = Sorter::default();
        while let Some(name) = access.next_key::<json::Name<'de>>()? {
            if !names.insert(name.0.clone(), self.duplicate) {
                return Err(de::Error::custom("duplicate member"));
            }
            let value = access.next_value_seed(MemberSeed {
                duplicate: self.duplicate,
            })?;
            sorter.take(name.0, value);
        }
        Ok(Some(sorter))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let strict = json::Strict {
            duplicate: self.duplicate,
        };
        while seq.next_element_seed(strict)?.is_some() {}
        Ok(None)
    }

    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
}

/// Reads one member's value: a string as it stands, anything else through
/// [`json::strict_value`].
#[derive(Clone, Copy)]
struct MemberSeed<'a> {
    duplicate: &'a RefCell<Option<String>>,
}

impl<'de> DeserializeSeed<'de> for MemberSeed<'_> {
    type Value = Member<'de>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for MemberSeed<'_> {
    type Value = Member<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Member::Str(Cow::Borrowed(v)))
    }

    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Member::Str(Cow::Owned(String::from(v))))
    }

    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(Member::Str(Cow::Owned(v)))
    }

    // Everything but a string is the strict reader's value.

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        json::strict_value(self.duplicate)
            .visit_bool(v)
            .map(Member::Value)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        json::strict_value(self.duplicate)
            .visit_i64(v)
            .map(Member::Value)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        json::strict_value(self.duplicate)
            .visit_u64(v)
            .map(Member::Value)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        json::strict_value(self.duplicate)
            .visit_f64(v)
            .map(Member::Value)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        json::strict_value(self.duplicate)
            .visit_unit()
            .map(Member::Value)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        json::strict_value(self.duplicate)
            .visit_seq(seq)
            .map(Member::Value)
    }

    fn visit_map<A: MapAccess<'de>>(self, access: A) -> Result<Self::Value, A::Error> {
        json::strict_value(self.duplicate)
            .visit_map(access)
            .map(Member::Value)
    }
}

fn member(name: &str) -> String {
    alloc::format!("header \"{}\"", crate::error::Truncated(name))
}

fn wrong_type(name: &str, expected: &'static str) -> Error {
    Error::malformed(member(name), MalformedReason::WrongType(expected))
}

#[cfg(test)]
mod tests {
    use alloc::string::ToString;

    use super::*;
    use crate::alg::{JwsAlgorithm, KeyManagementAlgorithm};
    use crate::error::{Policy, Unsupported};

    #[test]
    fn parses_registered_members_and_keeps_others() {
        let h = Header::from_json(
            br#"{"alg":"ES256","kid":"k1","typ":"JWT","crit":["exp"],"exp":1,"b64":false,
                "x5t#S256":"47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU"}"#,
        )
        .unwrap();
        assert_eq!(h.alg, Some(Algorithm::Signature(JwsAlgorithm::Es256)));
        assert_eq!(h.kid.as_deref(), Some("k1"));
        assert_eq!(h.crit, Some(alloc::vec!["exp".to_string()]));
        assert_eq!(h.b64, Some(false));
        assert_eq!(h.x5t_s256.as_ref().map(Vec::len), Some(32));
        assert_eq!(h.other.get("exp"), Some(&Value::from(1)));
        assert!(h.contains("exp") && h.contains("b64") && !h.contains("zip"));
    }

    #[test]
    fn round_trips_through_json() {
        let text = br#"{"alg":"ECDH-ES+A128KW","enc":"A128GCM","zip":"DEF","kid":"x","apu":"QWxpY2U","p2c":4096,"p2s":"AAAAAAAAAAA","x":[1]}"#;
        let h = Header::from_json(text).unwrap();
        assert_eq!(
            h.alg,
            Some(Algorithm::KeyManagement(
                KeyManagementAlgorithm::EcdhEsA128Kw
            ))
        );
        let again = Header::from_json(h.to_json().as_bytes()).unwrap();
        assert_eq!(again, h);
    }

    #[test]
    fn json_on_the_stack_is_the_json() {
        let short = Header::new().with_alg(JwsAlgorithm::Hs256).with_typ("JWT");
        let long = short.clone().with_kid("k".repeat(600));
        for h in [short, long] {
            assert_eq!(h.with_json(<[u8]>::to_vec), h.to_json().into_bytes());
        }
    }

    #[test]
    fn large_numbers_survive_a_round_trip() {
        // Found by the header fuzz target: without serde_json's
        // float_roundtrip, 3.33...e78 came back one ulp off.
        let text = alloc::format!("{{\"t\":{}\r\n }}", "3".repeat(79));
        let h = Header::from_json(text.as_bytes()).unwrap();
        assert_eq!(Header::from_json(h.to_json().as_bytes()).unwrap(), h);
    }

    #[test]
    fn rejects_none_and_unknown_algorithms() {
        assert_eq!(
            Header::from_json(br#"{"alg":"none"}"#),
            Err(Error::Policy(Policy::NoneAlgorithm))
        );
        assert_eq!(
            Header::from_json(br#"{"alg":"XS256"}"#),
            Err(Error::Unsupported(Unsupported::Algorithm("XS256".into())))
        );
    }

    /// The header parsed through a JSON tree, as before the streaming
    /// parser: what the streaming parser must agree with, errors included.
    fn through_a_tree(what: &'static str, bytes: &[u8]) -> Result<Header, Error> {
        Header::from_object(json::parse_object(what, bytes)?)
    }

    #[test]
    fn streaming_parser_agrees_with_the_tree() {
        for text in [
            r#"{"alg":"HS256","typ":"JWT"}"#,
            r#"{"typ":"JWT","alg":"ES256","kid":"k\u0031"}"#,
            r#"{"alg":"RSA-OAEP","enc":"A128GCM","zip":"DEF","epk":{"kty":"EC","x":"AA"}}"#,
            r#"{"alg":"ES256","crit":["exp"],"exp":1,"b64":false}"#,
            r#"{"alg":"PBES2-HS256+A128KW","p2s":"AAAA","p2c":4096,"enc":"A128CBC-HS256"}"#,
            r#"{"x5t#S256":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA","x5c":["AAAA"]}"#,
            r#"{"n":null,"f":1.5,"i":-3,"a":[1,{"b":true}],"s":"\n"}"#,
            r#"{"iv":"AAAAAAAAAAAAAAAA","tag":"AAAAAAAAAAAAAAAAAAAAAA","apu":"QQ","apv":""}"#,
            r#"{}"#,
            // Errors: of JSON, duplicates at any depth, types, values, and
            // several at once (the first in the table's order wins).
            r#"{"alg":"none"}"#,
            r#"{"alg":"XX256"}"#,
            r#"{"alg":"HS256","alg":"HS256"}"#,
            r#"{"alg":"HS256","x":{"a":1,"a":2}}"#,
            r#"{"alg":"HS256","x":[{"a":1,"a":2}]}"#,
            r#"{"kid":1,"alg":2}"#,
            r#"{"p2c":0,"crit":[],"typ":false}"#,
            r#"{"iv":"AA==","x5t":"AAAA"}"#,
            r#"{"alg":"HS256","k\u0069d":"a","kid":"b"}"#,
            r#"{"alg":"HS256"} x"#,
            r#"{"alg":"HS256""#,
            r#"["alg"]"#,
            r#"[{"a":1,"a":2}]"#,
            r#""alg""#,
            r#"1"#,
            r#"null"#,
            "",
        ] {
            assert_eq!(
                parse("header", text.as_bytes()),
                through_a_tree("header", text.as_bytes()),
                "{text}"
            );
            let b64 = b64::encode(text.as_bytes());
            assert_eq!(
                decode_protected_header(&b64, 16 * 1024),
                decode_protected(&b64, 16 * 1024).and_then(Header::from_object),
                "{text}"
            );
        }
        // Off the stack buffer: a header over its 768 bytes.
        let long = alloc::format!(r#"{{"alg":"HS256","x":"{}"}}"#, "a".repeat(2000));
        let b64 = b64::encode(long.as_bytes());
        assert_eq!(
            decode_protected_header(&b64, 16 * 1024).unwrap(),
            Header::from_json(long.as_bytes()).unwrap()
        );
        assert!(decode_protected_header(&b64, 100).is_err());
        assert!(decode_protected_header("e30=", 100).is_err());
    }

    #[test]
    fn rejects_ill_typed_members() {
        for bad in [
            &br#"{"alg":1}"#[..],
            br#"{"kid":["a"]}"#,
            br#"{"crit":"exp"}"#,
            br#"{"crit":[]}"#,
            br#"{"crit":["exp","exp"]}"#,
            br#"{"crit":["alg"]}"#,
            br#"{"b64":"false"}"#,
            br#"{"x5t":"AAAA"}"#,
            br#"{"p2c":0}"#,
            br#"{"p2c":-1}"#,
            br#"{"p2c":1.5}"#,
            br#"{"iv":"AA=="}"#,
            br#"{"jwk":"x"}"#,
            br#"{"x5c":[]}"#,
            br#"{"x5c":["-_"]}"#,
        ] {
            assert!(
                matches!(Header::from_json(bad), Err(Error::Malformed(_))),
                "{}",
                core::str::from_utf8(bad).unwrap()
            );
        }
    }

    #[test]
    fn setters_check_registered_members() {
        let h = Header::new()
            .with_kid("k1")
            .with_member("p2c", 4096)
            .unwrap()
            .with_member("x", true)
            .unwrap();
        assert_eq!(h.kid.as_deref(), Some("k1"));
        assert_eq!(h.p2c, Some(4096));
        assert_eq!(h.other.get("x"), Some(&Value::Bool(true)));
        assert!(matches!(
            Header::new().with_member("p2c", "many"),
            Err(Error::Malformed(_))
        ));
        assert!(Header::new().with_member("alg", "none").is_err());
    }

    #[test]
    fn merges_equal_members_and_refuses_different_ones() {
        let mut h = Header::new().with_kid("a").with_p2c(10).unwrap();
        h.merge(
            Header::new()
                .with_p2c(10)
                .unwrap()
                .with_member("e", 1)
                .unwrap(),
        )
        .unwrap();
        assert!(Header::new().with_p2c(0).is_err());
        assert!(Header::new().with_crit(["alg"]).is_err());
        assert!(Header::new().with_crit(Vec::<String>::new()).is_err());
        assert_eq!(
            Header::new().with_crit(["b64", "exp"]).unwrap().crit,
            Some(alloc::vec!["b64".to_string(), "exp".to_string()])
        );
        assert_eq!(h.other.len(), 1);
        assert_eq!(
            h.merge(Header::new().with_kid("b")),
            Err(Error::ApiMisuse("a header member is set twice"))
        );
    }

    #[test]
    fn rejects_duplicates() {
        assert_eq!(
            Header::from_json(br#"{"alg":"HS256","kid":"a","kid":"b"}"#),
            Err(Error::malformed(
                "header",
                MalformedReason::DuplicateMember("kid".into())
            ))
        );
    }

    #[test]
    fn joins_disjoint_headers_only() {
        let a = json::parse_object("a", br#"{"alg":"HS256"}"#).unwrap();
        let b = json::parse_object("b", br#"{"kid":"1"}"#).unwrap();
        let c = json::parse_object("c", br#"{"alg":"HS384"}"#).unwrap();
        assert_eq!(join_disjoint(&[&a, &b]).unwrap().len(), 2);
        assert_eq!(
            join_disjoint(&[&a, &b, &c]),
            Err(Error::malformed(
                "joint header",
                MalformedReason::DuplicateMember("alg".into())
            ))
        );
    }
}
