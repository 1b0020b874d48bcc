//! The registered claims of RFC 7519 section 4.1, typed, beside the
//! caller's own claims.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use jose_core::json::Object;
use jose_core::{Error, InvalidClaim};
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// A JSON numeric date: seconds since the epoch, possibly fractional
/// (RFC 7519 section 2).
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd)]
pub struct NumericDate(f64);

impl NumericDate {
    /// A date from whole seconds since the epoch.
    pub fn from_secs(secs: i64) -> Self {
        // i64 seconds fit an f64 exactly for any date of interest.
        #[allow(clippy::cast_precision_loss)]
        Self(secs as f64)
    }

    /// A date from seconds since the epoch, fractional allowed.
    ///
    /// # Errors
    ///
    /// [`InvalidClaim::WrongType`] for a value that is not finite.
    pub fn from_f64(claim: &str, secs: f64) -> Result<Self, Error> {
        if secs.is_finite() {
            Ok(Self(secs))
        } else {
            Err(Error::InvalidClaim(InvalidClaim::WrongType {
                claim: claim.into(),
                expected: "a finite number",
            }))
        }
    }

    /// The seconds since the epoch.
    pub fn as_f64(self) -> f64 {
        self.0
    }

    /// Whole seconds since the epoch, rounded down.
    pub fn as_secs(self) -> i64 {
        // Rounds down without `f64::floor`, which needs `std`: the cast
        // truncates toward zero (saturating beyond i64), then one step down
        // for negative fractions.
        #[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
        let (secs, back) = {
            let secs = self.0 as i64;
            (secs, secs as f64)
        };
        if back > self.0 {
            secs.saturating_sub(1)
        } else {
            secs
        }
    }

    /// Whether the date is a whole number of seconds that an `i64` and an
    /// `f64` both hold exactly.
    fn is_whole(self) -> bool {
        #[allow(clippy::cast_precision_loss)]
        let whole = self.as_secs() as f64 == self.0;
        whole && -9.0e15 < self.0 && self.0 < 9.0e15
    }
}

impl Serialize for NumericDate {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.is_whole() {
            serializer.serialize_i64(self.as_secs())
        } else {
            serializer.serialize_f64(self.0)
        }
    }
}

impl<'de> Deserialize<'de> for NumericDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = NumericDate;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number of seconds since the epoch")
            }
            #[allow(clippy::cast_precision_loss)]
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<NumericDate, E> {
                Ok(NumericDate(v as f64))
            }
            #[allow(clippy::cast_precision_loss)]
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<NumericDate, E> {
                Ok(NumericDate(v as f64))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<NumericDate, E> {
                if v.is_finite() {
                    Ok(NumericDate(v))
                } else {
                    Err(E::custom("a NumericDate must be finite"))
                }
            }
        }
        deserializer.deserialize_any(V)
    }
}

/// The `aud` claim: one string or an array of strings (RFC 7519 section 4.1.3).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Audience {
    /// A single audience.
    One(String),
    /// Several audiences.
    Many(Vec<String>),
}

impl Audience {
    /// Every audience value.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        let (one, many) = match self {
            Self::One(a) => (Some(a.as_str()), &[][..]),
            Self::Many(list) => (None, list.as_slice()),
        };
        one.into_iter().chain(many.iter().map(String::as_str))
    }

    /// Whether `aud` is among the values.
    pub fn contains(&self, aud: &str) -> bool {
        self.iter().any(|a| a == aud)
    }
}

/// A JWT claims set: the registered claims, typed, and the caller's own
/// claims `T` (a struct with `Deserialize`/`Serialize`, or the default
/// JSON object). Use it as the claims type of `encode`/`decode` to read and
/// write the registered claims through typed fields; a flat struct of your
/// own works as well.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Claims<T = Object> {
    /// `iss`: issuer (RFC 7519 section 4.1.1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iss: Option<String>,
    /// `sub`: subject (RFC 7519 section 4.1.2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub: Option<String>,
    /// `aud`: audience (RFC 7519 section 4.1.3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aud: Option<Audience>,
    /// `exp`: expiration time (RFC 7519 section 4.1.4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exp: Option<NumericDate>,
    /// `nbf`: not before (RFC 7519 section 4.1.5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<NumericDate>,
    /// `iat`: issued at (RFC 7519 section 4.1.6).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iat: Option<NumericDate>,
    /// `jti`: JWT ID (RFC 7519 section 4.1.7).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jti: Option<String>,
    /// The other claims.
    #[serde(flatten)]
    pub custom: T,
}

impl<T> Claims<T> {
    /// A claims set with no registered claim and `custom` as the others.
    pub fn new(custom: T) -> Self {
        Self {
            iss: None,
            sub: None,
            aud: None,
            exp: None,
            nbf: None,
            iat: None,
            jti: None,
            custom,
        }
    }
}

impl<T: Default> Default for Claims<T> {
    fn default() -> Self {
        Self {
            iss: None,
            sub: None,
            aud: None,
            exp: None,
            nbf: None,
            iat: None,
            jti: None,
            custom: T::default(),
        }
    }
}

/// Checks the JSON types of the registered claims, so that a claim of the
/// wrong type (`"exp": "1700000000"`) is an error that names it, never a
/// claim silently ignored. The rules are those of the claims view.
pub(crate) fn check_types(obj: &Object) -> Result<(), Error> {
    let bytes = serde_json::to_vec(obj).map_err(|_| {
        Error::malformed(
            "jwt claims",
            jose_core::MalformedReason::Invalid("cannot be serialized"),
        )
    })?;
    crate::view::ClaimsView::parse(&bytes).map(drop)
}
