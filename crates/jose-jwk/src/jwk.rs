//! [`Jwk`]: one JSON Web Key (RFC 7517), parsed strictly.

use alloc::borrow::ToOwned;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::str::FromStr;

use jose_core::json::{self, Object};
use jose_core::{
    Algorithm, Curve, Error, HashAlgorithm, Hasher, KeyManagementAlgorithm, KeyType,
    MalformedReason, Secret, Unsupported, b64,
};
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};
use serde_json::Value;
use zeroize::Zeroizing;

use crate::key::{EcKey, Key, OctKey, OkpKey, RsaKey, RsaPrimes};
use crate::params::{KeyOp, KeyUse, Parameters};

/// The thumbprint URI prefix of RFC 9278 section 3.
const THUMBPRINT_URI_PREFIX: &str = "urn:ietf:params:oauth:jwk-thumbprint:";

/// Limits applied when a JWK is parsed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct JwkOptions {
    /// The smallest RSA modulus accepted, in bits. Default 2048 (RFC 7518
    /// sections 3.3 and 4.2 require at least 2048).
    pub min_rsa_bits: usize,
    /// The largest RSA modulus accepted, in bits, which bounds the work a
    /// hostile key can cause. Default 16384.
    pub max_rsa_bits: usize,
}

impl Default for JwkOptions {
    fn default() -> Self {
        Self {
            min_rsa_bits: 2048,
            max_rsa_bits: 16384,
        }
    }
}

impl JwkOptions {
    /// Sets the smallest RSA modulus accepted, in bits.
    #[must_use]
    pub fn min_rsa_bits(mut self, bits: usize) -> Self {
        self.min_rsa_bits = bits;
        self
    }
}

/// A JSON Web Key: key material, the common members and any other members,
/// which are kept so that a key survives a round trip unchanged.
///
/// `Debug` never shows private members; they are zeroized on drop.
#[derive(Clone, Debug, PartialEq)]
pub struct Jwk {
    key: Key,
    params: Parameters,
    other: Object,
}

impl Jwk {
    /// A JWK from key material, with no other members.
    pub fn new(key: Key) -> Self {
        Self {
            key,
            params: Parameters::default(),
            other: Object::new(),
        }
    }

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
        let kty = take_str(&mut obj, "kty")?.ok_or_else(|| missing("kty"))?;
        let kty: KeyType = kty
            .parse()
            .map_err(|_| Error::Unsupported(Unsupported::KeyType(kty)))?;
        let params = take_params(&mut obj)?;
        let key = match kty {
            KeyType::Rsa => Key::Rsa(take_rsa(&mut obj, options)?),
            KeyType::Ec => Key::Ec(take_ec(&mut obj)?),
            KeyType::Okp => Key::Okp(take_okp(&mut obj)?),
            KeyType::Oct => Key::Oct(OctKey::new(
                take_secret(&mut obj, "k")?.ok_or_else(|| missing("k"))?,
            )?),
        };
        if let Some(first) = params.x5c.as_ref().and_then(|chain| chain.first()) {
            crate::pem::check_x5c(&key, first)?;
        }
        let jwk = Self {
            key,
            params,
            other: obj,
        };
        jwk.check_alg()?;
        Ok(jwk)
    }

    /// The key material.
    pub fn key(&self) -> &Key {
        &self.key
    }

    /// The key type.
    pub fn key_type(&self) -> KeyType {
        self.key.key_type()
    }

    /// The common members.
    pub fn params(&self) -> &Parameters {
        &self.params
    }

    /// The members that are neither key material nor common members.
    pub fn other(&self) -> &Object {
        &self.other
    }

    /// The key ID.
    pub fn kid(&self) -> Option<&str> {
        self.params.kid.as_deref()
    }

    /// The `alg` member.
    pub fn alg(&self) -> Option<Algorithm> {
        self.params.alg
    }

    /// Whether the key's `alg` member (if any) allows `alg`. A key whose
    /// `alg` is a content encryption algorithm is a CEK for `dir` (RFC 7520
    /// section 3.6).
    pub fn allows_algorithm(&self, alg: Algorithm) -> bool {
        match self.params.alg {
            None => true,
            Some(Algorithm::ContentEncryption(_)) => {
                alg == Algorithm::KeyManagement(KeyManagementAlgorithm::Dir)
                    || self.params.alg == Some(alg)
            }
            Some(own) => own == alg,
        }
    }

    /// Whether the key has private or secret parts.
    pub fn is_private(&self) -> bool {
        self.key.is_private()
    }

    /// Sets `kid`.
    #[must_use]
    pub fn with_kid(mut self, kid: impl Into<String>) -> Self {
        self.params.kid = Some(kid.into());
        self
    }

    /// Sets `use`.
    ///
    /// # Errors
    ///
    /// [`Error::Malformed`] when `use` contradicts `key_ops` or `alg`.
    pub fn with_use(mut self, key_use: KeyUse) -> Result<Self, Error> {
        self.params.key_use = Some(key_use);
        self.check_alg()?;
        Ok(self)
    }

    /// Sets `key_ops`.
    ///
    /// # Errors
    ///
    /// [`Error::Malformed`] for duplicates, or when `key_ops` contradicts `use`.
    pub fn with_key_ops(mut self, ops: Vec<KeyOp>) -> Result<Self, Error> {
        check_no_duplicate_ops(&ops)?;
        self.params.key_ops = Some(ops);
        self.check_alg()?;
        Ok(self)
    }

    /// Sets `alg`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidKey`] or [`Error::Malformed`] when the key cannot be
    /// used with `alg` (wrong type, curve or size, or contradicting `use`).
    pub fn with_alg(mut self, alg: Algorithm) -> Result<Self, Error> {
        self.params.alg = Some(alg);
        self.check_alg()?;
        Ok(self)
    }

    /// Replaces the common members (checked for consistency).
    ///
    /// # Errors
    ///
    /// As [`Jwk::with_alg`] and [`Jwk::with_key_ops`].
    pub fn with_params(mut self, params: Parameters) -> Result<Self, Error> {
        if let Some(ops) = &params.key_ops {
            check_no_duplicate_ops(ops)?;
        }
        self.params = params;
        self.check_alg()?;
        Ok(self)
    }

    /// The public key: private members removed, everything else kept.
    /// `None` for a symmetric key, which has no public part.
    pub fn to_public(&self) -> Option<Self> {
        Some(Self {
            key: self.key.to_public()?,
            params: self.params.clone(),
            other: self.other.clone(),
        })
    }

    /// Checks that the key fits `alg`: key type, curve and, for symmetric
    /// keys, length (RFC 7518 sections 3.2, 4.4, 4.7, 6.2 and 6.4).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidKey`] naming the mismatch.
    pub fn check_fits(&self, alg: Algorithm) -> Result<(), Error> {
        if alg.key_type() != self.key_type() {
            // ECDH-ES also works on OKP X25519 keys.
            let ecdh_okp = matches!(alg, Algorithm::KeyManagement(a) if a.key_type() == KeyType::Ec)
                && self.key.curve() == Some(Curve::X25519);
            if !ecdh_okp {
                return Err(Error::invalid_key("kty", "does not fit the algorithm"));
            }
        }
        match (alg, &self.key) {
            (Algorithm::Signature(a), Key::Ec(_) | Key::Okp(_))
                if a.curve() != self.key.curve() =>
            {
                return Err(Error::invalid_key("crv", "does not fit the algorithm"));
            }
            (Algorithm::Signature(a), Key::Oct(k)) if k.k().len() < a.hash_len() => {
                return Err(Error::invalid_key(
                    "k",
                    "is shorter than the hash output (RFC 7518 section 3.2)",
                ));
            }
            (Algorithm::KeyManagement(_), Key::Ec(_) | Key::Okp(_))
                if matches!(self.key.curve(), Some(Curve::Secp256k1 | Curve::Ed25519)) =>
            {
                return Err(Error::invalid_key("crv", "cannot be used for ECDH-ES"));
            }
            (Algorithm::ContentEncryption(enc), Key::Oct(k)) if k.k().len() != enc.key_len() => {
                return Err(Error::invalid_key(
                    "k",
                    "has the wrong length for the content encryption algorithm",
                ));
            }
            (Algorithm::KeyManagement(a), Key::Oct(k)) => {
                let pbes2 = matches!(
                    a,
                    KeyManagementAlgorithm::Pbes2Hs256A128Kw
                        | KeyManagementAlgorithm::Pbes2Hs384A192Kw
                        | KeyManagementAlgorithm::Pbes2Hs512A256Kw
                );
                if let Some(len) = a.wrap_key_len().filter(|_| !pbes2) {
                    if k.k().len() != len {
                        return Err(Error::invalid_key(
                            "k",
                            "has the wrong length for the algorithm",
                        ));
                    }
                }
                if a == KeyManagementAlgorithm::Dir && ![16, 24, 32, 48, 64].contains(&k.k().len())
                {
                    return Err(Error::invalid_key(
                        "k",
                        "has a length that fits no content encryption algorithm",
                    ));
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn check_alg(&self) -> Result<(), Error> {
        self.params.check_consistency()?;
        if let Some(alg) = self.params.alg {
            self.check_fits(alg)?;
        }
        if let Some(Curve::X25519) = self.key.curve() {
            if self.params.key_use == Some(KeyUse::Signature) {
                return Err(Error::invalid_key("use", "X25519 keys cannot sign"));
            }
        }
        if let Some(Curve::Ed25519) = self.key.curve() {
            if self.params.key_use == Some(KeyUse::Encryption) {
                return Err(Error::invalid_key("use", "Ed25519 keys cannot encrypt"));
            }
        }
        Ok(())
    }

    /// The JSON text of the key, private members included.
    pub fn to_json(&self) -> Zeroizing<String> {
        // Serializing strings and JSON values into a String cannot fail.
        Zeroizing::new(serde_json::to_string(self).unwrap_or_default())
    }

    /// The canonical JSON of RFC 7638 section 3.2: the required public
    /// members in lexicographic order, no whitespace. For a symmetric key
    /// this contains the secret `k`.
    pub fn thumbprint_input(&self) -> Zeroizing<String> {
        let text = match &self.key {
            Key::Rsa(k) => format!(
                r#"{{"e":"{}","kty":"RSA","n":"{}"}}"#,
                b64::encode(k.e()),
                b64::encode(k.n())
            ),
            Key::Ec(k) => format!(
                r#"{{"crv":"{}","kty":"EC","x":"{}","y":"{}"}}"#,
                k.crv().name(),
                b64::encode(k.x()),
                b64::encode(k.y())
            ),
            Key::Okp(k) => format!(
                r#"{{"crv":"{}","kty":"OKP","x":"{}"}}"#,
                k.crv().name(),
                b64::encode(k.x())
            ),
            Key::Oct(k) => format!(r#"{{"k":"{}","kty":"oct"}}"#, k.k().to_b64().as_str()),
        };
        Zeroizing::new(text)
    }

    /// The JWK thumbprint (RFC 7638) with `hash`.
    ///
    /// # Errors
    ///
    /// [`Error::Unsupported`] when the hasher lacks `hash`.
    pub fn thumbprint(&self, hasher: &dyn Hasher, hash: HashAlgorithm) -> Result<Vec<u8>, Error> {
        hasher.hash(hash, self.thumbprint_input().as_bytes())
    }

    /// The JWK thumbprint, base64url-encoded.
    ///
    /// # Errors
    ///
    /// As [`Jwk::thumbprint`].
    pub fn thumbprint_b64(
        &self,
        hasher: &dyn Hasher,
        hash: HashAlgorithm,
    ) -> Result<String, Error> {
        self.thumbprint(hasher, hash).map(|t| b64::encode(&t))
    }

    /// The JWK thumbprint URI (RFC 9278), such as
    /// `urn:ietf:params:oauth:jwk-thumbprint:sha-256:NzbLsXh8...`.
    ///
    /// # Errors
    ///
    /// As [`Jwk::thumbprint`].
    pub fn thumbprint_uri(
        &self,
        hasher: &dyn Hasher,
        hash: HashAlgorithm,
    ) -> Result<String, Error> {
        // RFC 9278 names hashes from the Named Information Hash Algorithm
        // registry, which has no SHA-1.
        if hash == HashAlgorithm::Sha1 {
            return Err(Error::ApiMisuse(
                "thumbprint URIs have no SHA-1 form (RFC 9278)",
            ));
        }
        Ok(format!(
            "{THUMBPRINT_URI_PREFIX}{}:{}",
            hash.name(),
            self.thumbprint_b64(hasher, hash)?
        ))
    }
}

impl FromStr for Jwk {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        Self::from_json(s.as_bytes())
    }
}

impl Serialize for Jwk {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut m = serializer.serialize_map(None)?;
        m.serialize_entry("kty", self.key_type().name())?;
        match &self.key {
            Key::Rsa(k) => {
                m.serialize_entry("n", &b64::encode(k.n()))?;
                m.serialize_entry("e", &b64::encode(k.e()))?;
                if let Some(p) = k.private() {
                    m.serialize_entry("d", p.d().to_b64().as_str())?;
                    if let Some(c) = p.primes() {
                        for (name, v) in [
                            ("p", &c.p),
                            ("q", &c.q),
                            ("dp", &c.dp),
                            ("dq", &c.dq),
                            ("qi", &c.qi),
                        ] {
                            m.serialize_entry(name, v.to_b64().as_str())?;
                        }
                    }
                }
            }
            Key::Ec(k) => {
                m.serialize_entry("crv", k.crv().name())?;
                m.serialize_entry("x", &b64::encode(k.x()))?;
                m.serialize_entry("y", &b64::encode(k.y()))?;
                if let Some(d) = k.d() {
                    m.serialize_entry("d", d.to_b64().as_str())?;
                }
            }
            Key::Okp(k) => {
                m.serialize_entry("crv", k.crv().name())?;
                m.serialize_entry("x", &b64::encode(k.x()))?;
                if let Some(d) = k.d() {
                    m.serialize_entry("d", d.to_b64().as_str())?;
                }
            }
            Key::Oct(k) => m.serialize_entry("k", k.k().to_b64().as_str())?,
        }
        let p = &self.params;
        if let Some(kid) = &p.kid {
            m.serialize_entry("kid", kid)?;
        }
        if let Some(u) = &p.key_use {
            m.serialize_entry("use", u.as_str())?;
        }
        if let Some(ops) = &p.key_ops {
            let names: Vec<&str> = ops.iter().map(|o| o.as_str()).collect();
            m.serialize_entry("key_ops", &names)?;
        }
        if let Some(alg) = &p.alg {
            m.serialize_entry("alg", alg.name())?;
        }
        if let Some(u) = &p.x5u {
            m.serialize_entry("x5u", u)?;
        }
        if let Some(chain) = &p.x5c {
            let certs: Vec<String> = chain.iter().map(|c| b64::encode_standard(c)).collect();
            m.serialize_entry("x5c", &certs)?;
        }
        if let Some(t) = &p.x5t {
            m.serialize_entry("x5t", &b64::encode(t))?;
        }
        if let Some(t) = &p.x5t_s256 {
            m.serialize_entry("x5t#S256", &b64::encode(t))?;
        }
        for (k, v) in &self.other {
            m.serialize_entry(k, v)?;
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
        Some(_) => Err(Error::malformed(
            member(name),
            MalformedReason::WrongType("a string"),
        )),
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
    let key = RsaKey::new_public(n, e)?;
    if key.bits() < options.min_rsa_bits {
        return Err(Error::invalid_key(
            "n",
            "is shorter than the minimum RSA key size",
        ));
    }
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

fn check_no_duplicate_ops(ops: &[KeyOp]) -> Result<(), Error> {
    for (i, op) in ops.iter().enumerate() {
        if ops.iter().skip(i + 1).any(|o| o == op) {
            return Err(Error::malformed(
                "jwk \"key_ops\"",
                MalformedReason::DuplicateMember(op.as_str().to_owned()),
            ));
        }
    }
    Ok(())
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
        check_no_duplicate_ops(&ops)?;
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
