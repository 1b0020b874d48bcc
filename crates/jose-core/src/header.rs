//! The JOSE header parameters shared by JWS (RFC 7515 section 4.1) and JWE
//! (RFC 7516 section 4.1), plus the JWA parameters of RFC 7518 section 4 and
//! RFC 7797's `b64`.
//!
//! A [`Header`] is built from a JSON object that was parsed strictly
//! (duplicates rejected, see [`crate::json`]). Registered members are typed
//! and checked; every other member is kept in [`Header::other`], so that
//! `crit` can be enforced and nothing is silently dropped.

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};
use serde_json::Value;

use crate::alg::{Algorithm, CompressionAlgorithm, ContentEncryptionAlgorithm};
use crate::b64;
use crate::error::{Error, MalformedReason};
use crate::json::{self, Object};

/// Header parameter names registered by RFC 7515, 7516, 7518 and 7797 that
/// this workspace understands. `crit` may not name these (RFC 7515 section
/// 4.1.11), except `b64`, which RFC 7797 requires in `crit`.
pub const REGISTERED: &[&str] = &[
    "alg", "jku", "jwk", "kid", "x5u", "x5c", "x5t", "x5t#S256", "typ", "cty", "crit", "enc",
    "zip", "epk", "apu", "apv", "iv", "tag", "p2s", "p2c",
];

/// A JOSE header: the union of protected and unprotected members.
///
/// Fields hold typed values of the registered parameters; anything else is in
/// [`Header::other`]. Build one with [`Header::new`] and the setters, or parse
/// one with [`Header::from_json`] / [`Header::from_object`].
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct Header {
    /// `alg`: the JWS or JWE key management algorithm (RFC 7515 section 4.1.1,
    /// RFC 7516 section 4.1.1).
    pub alg: Option<Algorithm>,
    /// `enc`: the JWE content encryption algorithm (RFC 7516 section 4.1.2).
    pub enc: Option<ContentEncryptionAlgorithm>,
    /// `zip`: the JWE compression algorithm (RFC 7516 section 4.1.3).
    pub zip: Option<CompressionAlgorithm>,
    /// `kid`: key ID (RFC 7515 section 4.1.4).
    pub kid: Option<String>,
    /// `typ`: media type of the whole object (RFC 7515 section 4.1.9).
    pub typ: Option<String>,
    /// `cty`: media type of the payload (RFC 7515 section 4.1.10).
    pub cty: Option<String>,
    /// `crit`: extensions that must be understood (RFC 7515 section 4.1.11).
    /// Never empty when present.
    pub crit: Option<Vec<String>>,
    /// `jku`: JWK Set URL (RFC 7515 section 4.1.2). Never fetched by default.
    pub jku: Option<String>,
    /// `jwk`: the signer's or sender's public key as a JSON object (RFC 7515
    /// section 4.1.3). Never trusted by default; `jose-jwk` parses it.
    pub jwk: Option<Object>,
    /// `x5u`: X.509 URL (RFC 7515 section 4.1.5). Never fetched by default.
    pub x5u: Option<String>,
    /// `x5c`: X.509 certificate chain, DER, decoded from standard base64
    /// (RFC 7515 section 4.1.6).
    pub x5c: Option<Vec<Vec<u8>>>,
    /// `x5t`: SHA-1 thumbprint of the certificate, 20 bytes (RFC 7515 section 4.1.7).
    pub x5t: Option<Vec<u8>>,
    /// `x5t#S256`: SHA-256 thumbprint of the certificate, 32 bytes (RFC 7515
    /// section 4.1.8).
    pub x5t_s256: Option<Vec<u8>>,
    /// `b64`: whether the JWS payload is base64url-encoded (RFC 7797 section 3).
    pub b64: Option<bool>,
    /// `epk`: ephemeral public key of ECDH-ES, as a JSON object (RFC 7518
    /// section 4.6.1.1).
    pub epk: Option<Object>,
    /// `apu`: agreement PartyUInfo (RFC 7518 section 4.6.1.2).
    pub apu: Option<Vec<u8>>,
    /// `apv`: agreement PartyVInfo (RFC 7518 section 4.6.1.3).
    pub apv: Option<Vec<u8>>,
    /// `iv`: initialization vector of AES-GCM key wrapping (RFC 7518 section 4.7.1.1).
    pub iv: Option<Vec<u8>>,
    /// `tag`: authentication tag of AES-GCM key wrapping (RFC 7518 section 4.7.1.2).
    pub tag: Option<Vec<u8>>,
    /// `p2s`: PBES2 salt input (RFC 7518 section 4.8.1.1).
    pub p2s: Option<Vec<u8>>,
    /// `p2c`: PBES2 iteration count (RFC 7518 section 4.8.1.2).
    pub p2c: Option<u64>,
    /// Every other member, kept as parsed.
    pub other: Object,
}

impl Header {
    /// An empty header.
    pub fn new() -> Self {
        Self::default()
    }

    /// Parses a header from JSON bytes, rejecting duplicate member names.
    /// `what` names the header in errors (`"protected header"`).
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
    pub fn from_object(mut obj: Object) -> Result<Self, Error> {
        let mut h = Self::new();
        if let Some(v) = obj.remove("alg") {
            h.alg = Some(parse_str("alg", &v)?.parse()?);
        }
        if let Some(v) = obj.remove("enc") {
            h.enc = Some(parse_str("enc", &v)?.parse()?);
        }
        if let Some(v) = obj.remove("zip") {
            h.zip = Some(parse_str("zip", &v)?.parse()?);
        }
        h.kid = take_string(&mut obj, "kid")?;
        h.typ = take_string(&mut obj, "typ")?;
        h.cty = take_string(&mut obj, "cty")?;
        h.jku = take_string(&mut obj, "jku")?;
        h.x5u = take_string(&mut obj, "x5u")?;
        if let Some(v) = obj.remove("crit") {
            h.crit = Some(parse_crit(&v)?);
        }
        h.jwk = take_object(&mut obj, "jwk")?;
        h.epk = take_object(&mut obj, "epk")?;
        if let Some(v) = obj.remove("x5c") {
            h.x5c = Some(parse_x5c(&v)?);
        }
        h.x5t = take_b64(&mut obj, "x5t", Some(20))?;
        h.x5t_s256 = take_b64(&mut obj, "x5t#S256", Some(32))?;
        if let Some(v) = obj.remove("b64") {
            h.b64 = Some(v.as_bool().ok_or_else(|| wrong_type("b64", "a boolean"))?);
        }
        h.apu = take_b64(&mut obj, "apu", None)?;
        h.apv = take_b64(&mut obj, "apv", None)?;
        h.iv = take_b64(&mut obj, "iv", None)?;
        h.tag = take_b64(&mut obj, "tag", None)?;
        h.p2s = take_b64(&mut obj, "p2s", None)?;
        if let Some(v) = obj.remove("p2c") {
            h.p2c = Some(
                v.as_u64()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| wrong_type("p2c", "a positive integer"))?,
            );
        }
        h.other = obj;
        Ok(h)
    }

    /// Serializes the header as compact JSON.
    pub fn to_json(&self) -> String {
        // Serializing a map of strings and JSON values cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Whether the header has a member named `name`, registered or not.
    pub fn contains(&self, name: &str) -> bool {
        match name {
            "alg" => self.alg.is_some(),
            "enc" => self.enc.is_some(),
            "zip" => self.zip.is_some(),
            "kid" => self.kid.is_some(),
            "typ" => self.typ.is_some(),
            "cty" => self.cty.is_some(),
            "crit" => self.crit.is_some(),
            "jku" => self.jku.is_some(),
            "jwk" => self.jwk.is_some(),
            "x5u" => self.x5u.is_some(),
            "x5c" => self.x5c.is_some(),
            "x5t" => self.x5t.is_some(),
            "x5t#S256" => self.x5t_s256.is_some(),
            "b64" => self.b64.is_some(),
            "epk" => self.epk.is_some(),
            "apu" => self.apu.is_some(),
            "apv" => self.apv.is_some(),
            "iv" => self.iv.is_some(),
            "tag" => self.tag.is_some(),
            "p2s" => self.p2s.is_some(),
            "p2c" => self.p2c.is_some(),
            other => self.other.contains_key(other),
        }
    }
}

impl Serialize for Header {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut m = serializer.serialize_map(None)?;
        if let Some(a) = &self.alg {
            m.serialize_entry("alg", a)?;
        }
        if let Some(e) = &self.enc {
            m.serialize_entry("enc", e)?;
        }
        if let Some(z) = &self.zip {
            m.serialize_entry("zip", z)?;
        }
        for (name, value) in [
            ("kid", &self.kid),
            ("typ", &self.typ),
            ("cty", &self.cty),
            ("jku", &self.jku),
            ("x5u", &self.x5u),
        ] {
            if let Some(v) = value {
                m.serialize_entry(name, v)?;
            }
        }
        if let Some(c) = &self.crit {
            m.serialize_entry("crit", c)?;
        }
        if let Some(j) = &self.jwk {
            m.serialize_entry("jwk", j)?;
        }
        if let Some(e) = &self.epk {
            m.serialize_entry("epk", e)?;
        }
        if let Some(chain) = &self.x5c {
            let certs: Vec<String> = chain.iter().map(|c| b64::encode_standard(c)).collect();
            m.serialize_entry("x5c", &certs)?;
        }
        if let Some(b) = &self.b64 {
            m.serialize_entry("b64", b)?;
        }
        for (name, value) in [
            ("x5t", &self.x5t),
            ("x5t#S256", &self.x5t_s256),
            ("apu", &self.apu),
            ("apv", &self.apv),
            ("iv", &self.iv),
            ("tag", &self.tag),
            ("p2s", &self.p2s),
        ] {
            if let Some(v) = value {
                m.serialize_entry(name, &b64::encode(v))?;
            }
        }
        if let Some(c) = &self.p2c {
            m.serialize_entry("p2c", c)?;
        }
        for (k, v) in &self.other {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
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
    alloc::format!("header \"{name}\"")
}

fn wrong_type(name: &str, expected: &'static str) -> Error {
    Error::malformed(member(name), MalformedReason::WrongType(expected))
}

fn parse_str<'a>(name: &str, v: &'a Value) -> Result<&'a str, Error> {
    v.as_str().ok_or_else(|| wrong_type(name, "a string"))
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

fn take_b64(obj: &mut Object, name: &str, len: Option<usize>) -> Result<Option<Vec<u8>>, Error> {
    let Some(v) = obj.remove(name) else {
        return Ok(None);
    };
    let bytes = b64::decode(member(name), parse_str(name, &v)?)?;
    if len.is_some_and(|l| l != bytes.len()) {
        return Err(Error::malformed(
            member(name),
            MalformedReason::Invalid("has the wrong length"),
        ));
    }
    Ok(Some(bytes))
}

fn parse_crit(v: &Value) -> Result<Vec<String>, Error> {
    let items = v
        .as_array()
        .ok_or_else(|| wrong_type("crit", "an array of strings"))?;
    if items.is_empty() {
        return Err(Error::malformed(
            member("crit"),
            MalformedReason::Invalid("must not be empty"),
        ));
    }
    let mut names: Vec<String> = Vec::with_capacity(items.len());
    for item in items {
        let name = item
            .as_str()
            .ok_or_else(|| wrong_type("crit", "an array of strings"))?;
        if names.iter().any(|n| n == name) {
            return Err(Error::malformed(
                member("crit"),
                MalformedReason::DuplicateMember(name.to_string()),
            ));
        }
        if REGISTERED.contains(&name) {
            return Err(Error::malformed(
                member("crit"),
                MalformedReason::Invalid("must not name a parameter of RFC 7515, 7516 or 7518"),
            ));
        }
        names.push(name.to_string());
    }
    Ok(names)
}

fn parse_x5c(v: &Value) -> Result<Vec<Vec<u8>>, Error> {
    let items = v
        .as_array()
        .ok_or_else(|| wrong_type("x5c", "an array of strings"))?;
    if items.is_empty() {
        return Err(Error::malformed(
            member("x5c"),
            MalformedReason::Invalid("must not be empty"),
        ));
    }
    items
        .iter()
        .map(|c| b64::decode_standard(member("x5c"), parse_str("x5c", c)?))
        .collect()
}

#[cfg(test)]
mod tests {
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
