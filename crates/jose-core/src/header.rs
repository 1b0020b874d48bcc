//! The JOSE header parameters shared by JWS (RFC 7515 section 4.1) and JWE
//! (RFC 7516 section 4.1), plus the JWA parameters of RFC 7518 section 4 and
//! RFC 7797's `b64`.
//!
//! A [`Header`] is built from a JSON object that was parsed strictly
//! (duplicates rejected, see [`crate::json`]). Registered members are typed
//! and checked; every other member is kept in [`Header::other`], so that
//! `crit` can be enforced and nothing is silently dropped.
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

use alloc::string::String;
use alloc::vec::Vec;

use serde::Serialize;
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

    fn write<M: SerializeMap>(value: &Vec<u8>, name: &str, map: &mut M) -> Result<(), M::Error> {
        map.serialize_entry(name, &b64::encode(value))
    }
}

/// A digest of `N` bytes as unpadded base64url text (`x5t`, `x5t#S256`).
struct Digest<const N: usize>;

impl<const N: usize> Codec for Digest<N> {
    type Value = Vec<u8>;

    fn parse(name: &'static str, value: Value) -> Result<Vec<u8>, Error> {
        let bytes = Bytes::parse(name, value)?;
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

            /// Sorts the members of `obj` into the typed fields and
            /// [`Header::other`] in one pass, checking each registered
            /// member's type and value. When several are wrong, the error
            /// is the one of the first in the order of the table.
            fn sort_members(obj: Object) -> Result<Self, Error> {
                let mut header = Self::default();
                let mut first_error: Option<(usize, Error)> = None;
                for (name, value) in obj {
                    let parsed = match name.as_str() {
                        $( $name => <$codec as Codec>::parse($name, value)
                            .map(|v| header.$field = Some(v)), )+
                        _ => {
                            header.other.insert(name, value);
                            continue;
                        }
                    };
                    if let Err(e) = parsed {
                        let rank = REGISTERED
                            .iter()
                            .position(|n| *n == name)
                            .unwrap_or(usize::MAX);
                        if first_error.as_ref().is_none_or(|(first, _)| rank < *first) {
                            first_error = Some((rank, e));
                        }
                    }
                }
                match first_error {
                    Some((_, e)) => Err(e),
                    None => Ok(header),
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
                match name.as_str() {
                    $( $name => self.$field = Some(<$codec as Codec>::parse($name, value)?), )+
                    _ => {
                        self.other.insert(name, value);
                    }
                }
                Ok(())
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
        Self::from_object(json::parse_object("header", bytes)?)
    }

    /// Builds a header from a parsed JSON object, checking every registered
    /// member's type and value.
    ///
    /// # Errors
    ///
    /// As [`Header::from_json`].
    pub fn from_object(obj: Object) -> Result<Self, Error> {
        Self::sort_members(obj)
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
    if text.is_empty() {
        return Ok(Object::new());
    }
    if text.len() > max_len {
        return Err(Error::malformed(
            "protected header",
            MalformedReason::TooLarge { limit: max_len },
        ));
    }
    let bytes = b64::decode("protected header", text)?;
    json::parse_object("protected header", &bytes)
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
