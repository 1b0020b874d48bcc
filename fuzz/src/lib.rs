//! Structured inputs for the fuzz targets: JSON objects built from fuzzed
//! members, so that targets reach the code past the JSON parser (headers
//! with valid signatures, JWEs with many recipients) instead of spending
//! their time on inputs that fail at the first byte.
//!
//! Members are named from the JOSE registries most of the time and values
//! are drawn from what those members take, so a header that almost works is
//! the common case. Duplicate names, wrong types and odd nesting all occur.

#![forbid(unsafe_code)]

use std::fmt::Write as _;

use arbitrary::Arbitrary;

/// Member names of the JOSE header, JWK and JWT claim registries.
pub const NAMES: &[&str] = &[
    "alg", "enc", "zip", "kid", "jku", "jwk", "x5u", "x5c", "x5t", "x5t#S256", "typ", "cty",
    "crit", "b64", "epk", "apu", "apv", "iv", "tag", "p2s", "p2c", "iss", "sub", "aud", "exp",
    "nbf", "iat", "jti", "kty", "crv", "x", "y", "d", "k", "n", "e", "use", "key_ops", "keys",
];

/// String values those members take, and a few that are nearly right.
pub const STRINGS: &[&str] = &[
    "HS256",
    "HS384",
    "HS512",
    "EdDSA",
    "ES256",
    "RS256",
    "PS256",
    "none",
    "A128KW",
    "A256KW",
    "dir",
    "ECDH-ES",
    "ECDH-ES+A128KW",
    "PBES2-HS256+A128KW",
    "RSA-OAEP",
    "RSA1_5",
    "A128GCMKW",
    "A128GCM",
    "A256GCM",
    "A128CBC-HS256",
    "DEF",
    "JWT",
    "JOSE",
    "OKP",
    "EC",
    "oct",
    "X25519",
    "Ed25519",
    "P-256",
    "b64",
    "exp",
    "https://issuer.example",
    "fuzz",
    "Bob",
    "dir",
    "81b20965-8332-43d9-a468-82160ad91ac8",
    "AAAAAAAAAAAAAAAAAAAAAA",
    "",
    "\u{202e}",
    "hs256",
];

/// A member name: a registered one (by index) or any string.
#[derive(Arbitrary, Debug)]
pub enum Name {
    /// `NAMES[index % NAMES.len()]`.
    Registered(u8),
    /// Any name.
    Other(String),
}

/// A JSON value, kept shallow when rendered.
#[derive(Arbitrary, Debug)]
pub enum Value {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// An integer (dates, counts).
    Int(i64),
    /// A small integer near a fixed date, for `exp`, `nbf`, `iat`.
    NearDate(i16),
    /// A float, including non-integral dates.
    Float(f64),
    /// One of [`STRINGS`].
    Known(u8),
    /// Any string.
    Str(String),
    /// base64url of the bytes (IVs, tags, salts, key members).
    B64(Vec<u8>),
    /// An array.
    Array(Vec<Value>),
    /// An object.
    Object(Vec<(Name, Value)>),
}

/// The fixed date the targets validate at (2011-03-18), to which
/// [`Value::NearDate`] is relative.
pub const NOW: i64 = 1_300_000_000;

/// Deeper values render as `null`: nesting is not what these targets test.
const MAX_DEPTH: usize = 4;

impl Name {
    /// The name as a string.
    pub fn as_str(&self) -> &str {
        match self {
            Name::Registered(i) => pick(NAMES, *i),
            Name::Other(s) => s,
        }
    }
}

fn pick<'a>(list: &[&'a str], index: u8) -> &'a str {
    list.get(usize::from(index) % list.len())
        .copied()
        .unwrap_or("")
}

/// Appends `s` as a JSON string.
pub fn push_string(out: &mut String, s: &str) {
    out.push_str(&serde_json::to_string(s).unwrap_or_default());
}

impl Value {
    /// Appends the value as JSON text.
    pub fn render(&self, out: &mut String) {
        self.render_at(out, 0);
    }

    fn render_at(&self, out: &mut String, depth: usize) {
        match self {
            Value::Null => out.push_str("null"),
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::Int(i) => {
                let _ = write!(out, "{i}");
            }
            Value::NearDate(d) => {
                let _ = write!(out, "{}", NOW + i64::from(*d));
            }
            Value::Float(f) if f.is_finite() => {
                let _ = write!(out, "{f:?}");
            }
            Value::Float(_) => out.push('0'),
            Value::Known(i) => push_string(out, pick(STRINGS, *i)),
            Value::Str(s) => push_string(out, s),
            Value::B64(bytes) => push_string(out, &jose_core::b64::encode(bytes)),
            Value::Array(_) | Value::Object(_) if depth >= MAX_DEPTH => out.push_str("null"),
            Value::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.render_at(out, depth + 1);
                }
                out.push(']');
            }
            Value::Object(members) => render_members(out, members, depth + 1),
        }
    }
}

/// Renders members as a JSON object, in order, duplicates kept.
pub fn render_object(members: &[(Name, Value)]) -> String {
    let mut out = String::new();
    render_members(&mut out, members, 0);
    out
}

/// Renders members as a JSON object after the given leading members
/// (already-rendered JSON values), in order, duplicates kept.
pub fn render_object_with(leading: &[(&str, String)], members: &[(Name, Value)]) -> String {
    let mut out = String::from("{");
    let mut first = true;
    for (name, value) in leading {
        if !first {
            out.push(',');
        }
        first = false;
        push_string(&mut out, name);
        out.push(':');
        out.push_str(value);
    }
    for (name, value) in members {
        if !first {
            out.push(',');
        }
        first = false;
        push_string(&mut out, name.as_str());
        out.push(':');
        value.render(&mut out);
    }
    out.push('}');
    out
}

fn render_members(out: &mut String, members: &[(Name, Value)], depth: usize) {
    out.push('{');
    for (i, (name, value)) in members.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_string(out, name.as_str());
        out.push(':');
        value.render_at(out, depth);
    }
    out.push('}');
}

/// A JSON string literal of `s`.
pub fn string(s: &str) -> String {
    let mut out = String::new();
    push_string(&mut out, s);
    out
}

/// The fixed keys of the targets, as JWK JSON.
pub mod keys {
    /// HS256, the key of RFC 7515 appendix A.1.
    pub const HS256: &str = r#"{"kty":"oct","kid":"hmac","k":"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"}"#;
    /// Ed25519, the key of RFC 8037 appendix A.1.
    pub const ED25519: &str = r#"{"kty":"OKP","kid":"ed","crv":"Ed25519","d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#;
    /// A128KW, the key of RFC 7520 section 5.8.
    pub const A128KW: &str = r#"{"kty":"oct","kid":"81b20965-8332-43d9-a468-82160ad91ac8","use":"enc","alg":"A128KW","k":"GZy6sIZ6wl9NJOKB-jnmVQ"}"#;
    /// The bytes 0x00 to 0x1f ([`DIR_BYTES`]): fits `dir` with
    /// A128CBC-HS256 and A256GCM.
    pub const DIR: &str =
        r#"{"kty":"oct","kid":"dir","k":"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"}"#;
    /// The bytes of [`DIR`].
    pub const DIR_BYTES: [u8; 32] = [
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24,
        25, 26, 27, 28, 29, 30, 31,
    ];
    /// X25519, "Bob" of the RFC 7520 curve25519 cookbook file.
    pub const X25519: &str = r#"{"kty":"OKP","kid":"Bob","use":"enc","crv":"X25519","x":"3p7bfXt9wbTTW2HC7OQ1Nz-DQ8hbeGdNrfx-FG-IK08","d":"XasIfmJKikt54X-Lg4AO5m87sSkmGLb9HC-LJ_-I4Os"}"#;
    /// A password ("fuzz") for PBES2-HS256+A128KW.
    pub const PASSWORD: &str =
        r#"{"kty":"oct","kid":"pw","alg":"PBES2-HS256+A128KW","k":"ZnV6eg"}"#;
}
