//! A [`Jwk`] to and from JSON: strict parsing (every member checked, any
//! other member kept) and serialization in the RFC's member order.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::str::FromStr;

use jose_core::json::{self, Object};
use jose_core::{Curve, Error, Header, KeyType, MalformedReason, Secret, Unsupported, b64};
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};
use serde_json::Value;
use zeroize::Zeroizing;

use crate::jwk::{Jwk, JwkOptions};
use crate::key::{EcKey, Key, OctKey, OkpKey, RsaKey, RsaPrimes};
use crate::params::{KeyOp, Parameters};

impl Jwk {
    /// Parses a JWK from JSON with the default [`JwkOptions`].
    ///
    /// # Errors
    ///
    /// [`Error::Malformed`] for bad JSON, duplicate or ill-typed members and
    /// bad base64url; [`Error::Unsupported`] for an unknown `kty`, `crv` or
    /// `alg` and for multi-prime RSA; [`Error::InvalidKey`] for members of the
    /// wrong size or inconsistent with each other.
    pub fn from_json(bytes: &[u8]) -> Result<Self, Error> {
        Self::from_json_with(bytes, &JwkOptions::default())
    }

    /// Parses a JWK from JSON with the given limits.
    ///
    /// # Errors
    ///
    /// As [`Jwk::from_json`].
    pub fn from_json_with(bytes: &[u8], options: &JwkOptions) -> Result<Self, Error> {
        Self::from_object(json::parse_object("jwk", bytes)?, options)
    }

    /// Builds a JWK from a parsed JSON object (for example a header's `jwk` or
    /// `epk`).
    ///
    /// # Errors
    ///
    /// As [`Jwk::from_json`].
    pub fn from_object(mut obj: Object, options: &JwkOptions) -> Result<Self, Error> {
        // Whatever stays in `obj` when parsing fails (a private member not
        // yet taken, members after the one refused) is zeroized before it
        // is dropped. Private members that were taken live in `Secret`s,
        // which zeroize themselves.
        match Self::take_members(&mut obj, options) {
            Ok((key, params)) => {
                let jwk = Self {
                    key,
                    params,
                    other: obj,
                };
                match jwk.check_members() {
                    Ok(()) => Ok(jwk),
                    Err(e) => {
                        let mut jwk = jwk;
                        json::zeroize_object(&mut jwk.other);
                        Err(e)
                    }
                }
            }
            Err(e) => {
                json::zeroize_object(&mut obj);
                Err(e)
            }
        }
    }

    /// Takes the key and its parameters out of `obj`, leaving the members
    /// this crate does not know.
    fn take_members(obj: &mut Object, options: &JwkOptions) -> Result<(Key, Parameters), Error> {
        let kty = take_str(obj, "kty")?.ok_or_else(|| missing("kty"))?;
        let kty: KeyType = kty
            .parse()
            .map_err(|_| Error::Unsupported(Unsupported::KeyType(kty)))?;
        let params = take_params(obj)?;
        let key = match kty {
            KeyType::Rsa => Key::Rsa(take_rsa(obj, options)?),
            KeyType::Ec => Key::Ec(take_ec(obj)?),
            KeyType::Okp => Key::Okp(take_okp(obj)?),
            KeyType::Oct => Key::Oct(OctKey::new(
                take_secret(obj, "k")?.ok_or_else(|| missing("k"))?,
            )?),
            unknown => {
                return Err(Error::Unsupported(Unsupported::KeyType(
                    unknown.name().into(),
                )));
            }
        };
        if let Some(first) = params.x5c.as_ref().and_then(|chain| chain.first()) {
            crate::x509::check_x5c(&key, first)?;
        }
        Ok((key, params))
    }

    /// The sender's ephemeral public key of an ECDH-ES header (`epk`, RFC
    /// 7518 section 4.6.1.1), checked to be a public key on `curve`: the
    /// recipient's own, so that no key of another curve is ever combined
    /// with it. Whether the point lies on the curve is the backend's check.
    ///
    /// # Errors
    ///
    /// [`Error::Malformed`] when `epk` is missing, not a JWK, holds a
    /// private key or is on another curve.
    pub fn from_epk(header: &Header, curve: Curve) -> Result<Self, Error> {
        let epk = header
            .epk
            .clone()
            .ok_or_else(|| Error::malformed("header \"epk\"", MalformedReason::Missing))?;
        let epk = Self::from_object(epk, &JwkOptions::default())?;
        if epk.is_private() {
            return Err(Error::malformed(
                "header \"epk\"",
                MalformedReason::Invalid("must not hold a private key"),
            ));
        }
        if epk.key().curve() != Some(curve) {
            return Err(Error::malformed(
                "header \"epk\"",
                MalformedReason::Invalid("is not a key on the recipient's curve"),
            ));
        }
        Ok(epk)
    }
}

impl FromStr for Jwk {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        Self::from_json(s.as_bytes())
    }
}

/// One member value of a JWK's JSON form: what [`Jwk::members`] lists, for
/// serde and for [`Jwk::to_json`] alike.
enum Piece<'a> {
    /// A public string, escaped when written.
    Str(&'a str),
    /// base64url (or base64) text of public bytes: never needs escaping.
    Encoded(String),
    /// base64url text of a private member: never needs escaping, zeroized.
    Secret(Zeroizing<String>),
    /// An array of public strings (`key_ops`, `x5c`).
    Strs(Vec<String>),
    /// A member this crate does not know, as it was.
    Json(&'a Value),
}

impl Serialize for Piece<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Piece::Str(s) => serializer.serialize_str(s),
            Piece::Encoded(s) => serializer.serialize_str(s),
            Piece::Secret(s) => serializer.serialize_str(s),
            Piece::Strs(items) => items.serialize(serializer),
            Piece::Json(v) => v.serialize(serializer),
        }
    }
}

impl Piece<'_> {
    /// The JSON text of a public piece; `None` for a secret, which is
    /// written straight into the output.
    fn public_json(&self) -> Option<String> {
        match self {
            Piece::Str(s) => serde_json::to_string(s).ok(),
            Piece::Encoded(s) => Some(format!("\"{s}\"")),
            Piece::Secret(_) => None,
            Piece::Strs(items) => serde_json::to_string(items).ok(),
            Piece::Json(v) => serde_json::to_string(v).ok(),
        }
    }
}

impl Jwk {
    /// The members of the JSON form, in the RFC's order, then the unknown
    /// members as they were.
    fn members(&self) -> Vec<(&str, Piece<'_>)> {
        let mut m: Vec<(&str, Piece<'_>)> = Vec::with_capacity(20 + self.other.len());
        m.push(("kty", Piece::Str(self.key_type().name())));
        match &self.key {
            Key::Rsa(k) => {
                m.push(("n", Piece::Encoded(b64::encode(k.n()))));
                m.push(("e", Piece::Encoded(b64::encode(k.e()))));
                if let Some(p) = k.private() {
                    m.push(("d", Piece::Secret(p.d().to_b64())));
                    if let Some(c) = p.primes() {
                        for (name, v) in [
                            ("p", &c.p),
                            ("q", &c.q),
                            ("dp", &c.dp),
                            ("dq", &c.dq),
                            ("qi", &c.qi),
                        ] {
                            m.push((name, Piece::Secret(v.to_b64())));
                        }
                    }
                }
            }
            Key::Ec(k) => {
                m.push(("crv", Piece::Str(k.crv().name())));
                m.push(("x", Piece::Encoded(b64::encode(k.x()))));
                m.push(("y", Piece::Encoded(b64::encode(k.y()))));
                if let Some(d) = k.d() {
                    m.push(("d", Piece::Secret(d.to_b64())));
                }
            }
            Key::Okp(k) => {
                m.push(("crv", Piece::Str(k.crv().name())));
                m.push(("x", Piece::Encoded(b64::encode(k.x()))));
                if let Some(d) = k.d() {
                    m.push(("d", Piece::Secret(d.to_b64())));
                }
            }
            Key::Oct(k) => m.push(("k", Piece::Secret(k.k().to_b64()))),
        }
        let p = &self.params;
        if let Some(kid) = &p.kid {
            m.push(("kid", Piece::Str(kid)));
        }
        if let Some(u) = &p.key_use {
            m.push(("use", Piece::Str(u.as_str())));
        }
        if let Some(ops) = &p.key_ops {
            m.push((
                "key_ops",
                Piece::Strs(ops.iter().map(|o| String::from(o.as_str())).collect()),
            ));
        }
        if let Some(alg) = &p.alg {
            m.push(("alg", Piece::Str(alg.name())));
        }
        if let Some(u) = &p.x5u {
            m.push(("x5u", Piece::Str(u)));
        }
        if let Some(chain) = &p.x5c {
            m.push((
                "x5c",
                Piece::Strs(chain.iter().map(|c| b64::encode_standard(c)).collect()),
            ));
        }
        if let Some(t) = &p.x5t {
            m.push(("x5t", Piece::Encoded(b64::encode(t))));
        }
        if let Some(t) = &p.x5t_s256 {
            m.push(("x5t#S256", Piece::Encoded(b64::encode(t))));
        }
        for (k, v) in &self.other {
            m.push((k, Piece::Json(v)));
        }
        m
    }

    /// The JSON text of the key, private members included, written into
    /// one buffer of exactly its size: no growing buffer leaves a partial
    /// copy of a private member in freed memory.
    pub fn to_json(&self) -> Zeroizing<String> {
        let members = self.members();
        // Public parts are rendered first (they may be freed as they are);
        // private members are copied only into the output.
        let rendered: Vec<(String, Option<String>)> = members
            .iter()
            .map(|(name, piece)| {
                let name = serde_json::to_string(name).unwrap_or_default();
                (name, piece.public_json())
            })
            .collect();
        let mut len = 2 + members.len().saturating_sub(1);
        for ((name, public), (_, piece)) in rendered.iter().zip(&members) {
            len += name.len() + 1;
            len += match (public, piece) {
                (Some(text), _) => text.len(),
                (None, Piece::Secret(text)) => text.len() + 2,
                (None, _) => 0,
            };
        }
        let mut out = Zeroizing::new(String::with_capacity(len));
        out.push('{');
        for (i, ((name, public), (_, piece))) in rendered.iter().zip(&members).enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(name);
            out.push(':');
            match (public, piece) {
                (Some(text), _) => out.push_str(text),
                (None, Piece::Secret(text)) => {
                    out.push('"');
                    out.push_str(text);
                    out.push('"');
                }
                (None, _) => {}
            }
        }
        out.push('}');
        debug_assert_eq!(out.len(), len, "to_json sized its buffer exactly");
        out
    }
}

/// Serializes with serde. A serializer that writes into a growing buffer
/// (`serde_json::to_string`) may leave copies of private members in freed
/// memory as the buffer grows: for private keys use [`Jwk::to_json`].
impl Serialize for Jwk {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let members = self.members();
        let mut m = serializer.serialize_map(Some(members.len()))?;
        for (name, piece) in &members {
            m.serialize_entry(name, piece)?;
        }
        m.end()
    }
}

fn member(name: &str) -> String {
    format!("jwk \"{name}\"")
}

fn missing(name: &str) -> Error {
    Error::malformed(member(name), MalformedReason::Missing)
}

fn take_str(obj: &mut Object, name: &str) -> Result<Option<String>, Error> {
    match obj.remove(name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(mut other) => {
            // It may be a private member in the wrong shape.
            json::zeroize_value(&mut other);
            Err(Error::malformed(
                member(name),
                MalformedReason::WrongType("a string"),
            ))
        }
    }
}

fn take_b64(obj: &mut Object, name: &str) -> Result<Option<Vec<u8>>, Error> {
    take_str(obj, name)?
        .map(|s| b64::decode(member(name), &s))
        .transpose()
}

/// Takes a secret member, zeroizing the base64 text once decoded.
fn take_secret(obj: &mut Object, name: &str) -> Result<Option<Secret>, Error> {
    let Some(text) = take_str(obj, name)? else {
        return Ok(None);
    };
    let text = Zeroizing::new(text);
    Secret::from_b64(member(name), &text).map(Some)
}

fn take_curve(obj: &mut Object) -> Result<Curve, Error> {
    let crv = take_str(obj, "crv")?.ok_or_else(|| missing("crv"))?;
    crv.parse()
        .map_err(|_| Error::Unsupported(Unsupported::Curve(crv)))
}

fn take_rsa(obj: &mut Object, options: &JwkOptions) -> Result<RsaKey, Error> {
    if obj.contains_key("oth") {
        return Err(Error::Unsupported(Unsupported::MultiPrimeRsa));
    }
    let n = take_b64(obj, "n")?.ok_or_else(|| missing("n"))?;
    let e = take_b64(obj, "e")?.ok_or_else(|| missing("e"))?;
    let key = RsaKey::new_public_with_min_bits(n, e, options.min_rsa_bits)?;
    if key.bits() > options.max_rsa_bits {
        return Err(Error::invalid_key(
            "n",
            "is longer than the maximum RSA key size",
        ));
    }
    let d = take_secret(obj, "d")?;
    let crt = [
        take_secret(obj, "p")?,
        take_secret(obj, "q")?,
        take_secret(obj, "dp")?,
        take_secret(obj, "dq")?,
        take_secret(obj, "qi")?,
    ];
    let Some(d) = d else {
        if crt.iter().any(Option::is_some) {
            return Err(Error::invalid_key(
                "d",
                "is missing but other private members are present",
            ));
        }
        return Ok(key);
    };
    let primes = match crt {
        [Some(p), Some(q), Some(dp), Some(dq), Some(qi)] => Some(RsaPrimes { p, q, dp, dq, qi }),
        [None, None, None, None, None] => None,
        _ => {
            return Err(Error::invalid_key(
                "key",
                "has some but not all of \"p\", \"q\", \"dp\", \"dq\", \"qi\" (RFC 7518 section 6.3.2)",
            ));
        }
    };
    key.with_private(d, primes)
}

fn take_ec(obj: &mut Object) -> Result<EcKey, Error> {
    let crv = take_curve(obj)?;
    if crv.key_type() != KeyType::Ec {
        return Err(Error::Unsupported(Unsupported::Curve(crv.name().into())));
    }
    let x = take_b64(obj, "x")?.ok_or_else(|| missing("x"))?;
    let y = take_b64(obj, "y")?.ok_or_else(|| missing("y"))?;
    let d = take_secret(obj, "d")?;
    EcKey::new(crv, x, y, d)
}

fn take_okp(obj: &mut Object) -> Result<OkpKey, Error> {
    let crv = take_curve(obj)?;
    if crv.key_type() != KeyType::Okp {
        return Err(Error::Unsupported(Unsupported::Curve(crv.name().into())));
    }
    let x = take_b64(obj, "x")?.ok_or_else(|| missing("x"))?;
    let d = take_secret(obj, "d")?;
    OkpKey::new(crv, x, d)
}

fn take_params(obj: &mut Object) -> Result<Parameters, Error> {
    let mut p = Parameters {
        kid: take_str(obj, "kid")?,
        ..Parameters::default()
    };
    if let Some(u) = take_str(obj, "use")? {
        p.key_use = Some(match u.parse() {
            Ok(u) => u,
            Err(never) => match never {},
        });
    }
    if let Some(v) = obj.remove("key_ops") {
        let wrong = || {
            Error::malformed(
                member("key_ops"),
                MalformedReason::WrongType("an array of strings"),
            )
        };
        let items = v.as_array().ok_or_else(wrong)?;
        let ops = items
            .iter()
            .map(|i| i.as_str().ok_or_else(wrong)?.parse::<KeyOp>())
            .collect::<Result<Vec<_>, _>>()?;
        p.key_ops = Some(ops);
    }
    if let Some(alg) = take_str(obj, "alg")? {
        p.alg = Some(alg.parse()?);
    }
    p.x5u = take_str(obj, "x5u")?;
    if let Some(v) = obj.remove("x5c") {
        let wrong = || {
            Error::malformed(
                member("x5c"),
                MalformedReason::WrongType("an array of strings"),
            )
        };
        let items = v.as_array().ok_or_else(wrong)?;
        if items.is_empty() {
            return Err(Error::malformed(
                member("x5c"),
                MalformedReason::Invalid("must not be empty"),
            ));
        }
        let certs = items
            .iter()
            .map(|c| b64::decode_standard(member("x5c"), c.as_str().ok_or_else(wrong)?))
            .collect::<Result<Vec<_>, _>>()?;
        p.x5c = Some(certs);
    }
    p.x5t = take_b64(obj, "x5t")?;
    if p.x5t.as_ref().is_some_and(|t| t.len() != 20) {
        return Err(Error::malformed(
            member("x5t"),
            MalformedReason::Invalid("must be 20 bytes"),
        ));
    }
    p.x5t_s256 = take_b64(obj, "x5t#S256")?;
    if p.x5t_s256.as_ref().is_some_and(|t| t.len() != 32) {
        return Err(Error::malformed(
            member("x5t#S256"),
            MalformedReason::Invalid("must be 32 bytes"),
        ));
    }
    Ok(p)
}
