//! `pkcs11:` URIs (RFC 7512) naming a token, a key on it, the module and
//! the PIN.

use std::fmt;
use std::path::PathBuf;

use jose_core::{Error, MalformedReason};
use zeroize::Zeroizing;

/// The kind of object a URI names (`type=`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ObjectType {
    /// `private`: a private key.
    Private,
    /// `public`: a public key.
    Public,
    /// `secret-key`: a secret (symmetric) key.
    SecretKey,
}

/// A parsed `pkcs11:` URI. Only the attributes this crate uses are kept;
/// unknown path attributes are refused, unknown query attributes ignored
/// (RFC 7512 section 2.3).
#[derive(Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Pkcs11Uri {
    /// `token`: the token label.
    pub token: Option<String>,
    /// `serial`: the token serial number.
    pub serial: Option<String>,
    /// `object`: the key's CKA_LABEL.
    pub object: Option<String>,
    /// `id`: the key's CKA_ID.
    pub id: Option<Vec<u8>>,
    /// `type`: the object class.
    pub object_type: Option<ObjectType>,
    /// `module-path`: the PKCS#11 module to load.
    pub module_path: Option<PathBuf>,
    /// `pin-value`: the user PIN. Never printed.
    pub pin_value: Option<Zeroizing<String>>,
    /// `pin-source`: a file holding the user PIN (a path, or a `file:` URI).
    pub pin_source: Option<PathBuf>,
}

impl fmt::Debug for Pkcs11Uri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pkcs11Uri")
            .field("token", &self.token)
            .field("serial", &self.serial)
            .field("object", &self.object)
            .field("id", &self.id)
            .field("object_type", &self.object_type)
            .field("module_path", &self.module_path)
            .field("pin_value", &self.pin_value.as_ref().map(|_| "***"))
            .field("pin_source", &self.pin_source)
            .finish()
    }
}

fn bad(reason: &'static str) -> Error {
    Error::malformed("pkcs11 URI", MalformedReason::Invalid(reason))
}

/// Percent-decodes an attribute value (RFC 3986 section 2.1).
fn percent_decode(text: &str) -> Result<Vec<u8>, Error> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| bad("has a malformed percent-encoding"))?;
            out.push(hex);
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    Ok(out)
}

fn text(value: &str) -> Result<String, Error> {
    String::from_utf8(percent_decode(value)?).map_err(|_| bad("has a value that is not UTF-8"))
}

impl Pkcs11Uri {
    /// Parses a `pkcs11:` URI.
    ///
    /// # Errors
    ///
    /// [`Error::Malformed`] for a string that is not a `pkcs11:` URI, a bad
    /// percent-encoding, a repeated or unknown path attribute.
    pub fn parse(uri: &str) -> Result<Self, Error> {
        // The scheme is case-insensitive (RFC 3986 section 3.1).
        let rest = strip_scheme(uri).ok_or_else(|| bad("must start with \"pkcs11:\""))?;
        let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
        let mut out = Self::default();
        for attr in path.split(';').filter(|a| !a.is_empty()) {
            let (name, value) = attr
                .split_once('=')
                .ok_or_else(|| bad("has a path attribute without '='"))?;
            let slot = match name {
                "token" => &mut out.token,
                "serial" => &mut out.serial,
                "object" => &mut out.object,
                "id" => {
                    if out.id.replace(percent_decode(value)?).is_some() {
                        return Err(bad("repeats a path attribute"));
                    }
                    continue;
                }
                "type" => {
                    let t = match value {
                        "private" => ObjectType::Private,
                        "public" => ObjectType::Public,
                        "secret-key" => ObjectType::SecretKey,
                        _ => {
                            return Err(bad(
                                "has a \"type\" other than private, public or secret-key",
                            ));
                        }
                    };
                    if out.object_type.replace(t).is_some() {
                        return Err(bad("repeats a path attribute"));
                    }
                    continue;
                }
                // Attributes that only narrow the token or library: accepted
                // and not needed to find a key.
                "manufacturer"
                | "model"
                | "library-manufacturer"
                | "library-description"
                | "library-version"
                | "slot-description"
                | "slot-manufacturer"
                | "slot-id" => {
                    continue;
                }
                _ => return Err(bad("has an unknown path attribute")),
            };
            if slot.replace(text(value)?).is_some() {
                return Err(bad("repeats a path attribute"));
            }
        }
        for attr in query.split('&').filter(|a| !a.is_empty()) {
            let (name, value) = attr
                .split_once('=')
                .ok_or_else(|| bad("has a query attribute without '='"))?;
            match name {
                "module-path" => out.module_path = Some(PathBuf::from(text(value)?)),
                "pin-value" => out.pin_value = Some(Zeroizing::new(text(value)?)),
                "pin-source" => {
                    let source = text(value)?;
                    let path = source.strip_prefix("file:").unwrap_or(&source);
                    out.pin_source = Some(PathBuf::from(path));
                }
                _ => {}
            }
        }
        if out.object.is_none() && out.id.is_none() {
            return Err(bad("names no key: give \"object\" or \"id\""));
        }
        Ok(out)
    }

    /// Whether `text` looks like a `pkcs11:` URI (scheme in any case).
    pub fn is_pkcs11_uri(text: &str) -> bool {
        strip_scheme(text).is_some()
    }
}

/// `text` after its `pkcs11:` scheme, matched without regard to case.
fn strip_scheme(text: &str) -> Option<&str> {
    const SCHEME: &str = "pkcs11:";
    let head = text.get(..SCHEME.len())?;
    head.eq_ignore_ascii_case(SCHEME)
        .then(|| text.get(SCHEME.len()..))
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 3986 schemes are case-insensitive: `PKCS11:` is a URI too, not a
    /// file name to open.
    #[test]
    fn the_scheme_is_case_insensitive() {
        for text in ["pkcs11:object=k", "PKCS11:object=k", "Pkcs11:object=k"] {
            assert!(Pkcs11Uri::is_pkcs11_uri(text), "{text}");
            assert_eq!(Pkcs11Uri::parse(text).unwrap().object.as_deref(), Some("k"));
        }
        assert!(!Pkcs11Uri::is_pkcs11_uri("pkcs1:object=k"));
        assert!(!Pkcs11Uri::is_pkcs11_uri("pkcs11"));
    }

    /// An error about a URI never repeats its query, where a PIN may be.
    #[test]
    fn errors_never_echo_the_query() {
        for text in [
            "pkcs11:object=%zz?pin-value=s3cret",
            "pkcs11:frob=1?pin-value=s3cret",
            "pkcs11:?pin-value=s3cret",
            "pkcs11:object=k?pin-value=%zz-s3cret",
        ] {
            let e = Pkcs11Uri::parse(text).unwrap_err();
            assert!(!e.to_string().contains("s3cret"), "{e}");
            assert!(!format!("{e:?}").contains("s3cret"), "{e:?}");
        }
    }

    #[test]
    fn parses_rfc_7512_examples() {
        let u = Pkcs11Uri::parse(
            "pkcs11:token=The%20Software%20PKCS%2311%20Softtoken;object=my-key;type=private;id=%01%02?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-value=1234",
        )
        .unwrap();
        assert_eq!(u.token.as_deref(), Some("The Software PKCS#11 Softtoken"));
        assert_eq!(u.object.as_deref(), Some("my-key"));
        assert_eq!(u.id.as_deref(), Some(&[1u8, 2][..]));
        assert_eq!(u.object_type, Some(ObjectType::Private));
        assert_eq!(u.pin_value.as_deref().map(String::as_str), Some("1234"));
        assert!(!format!("{u:?}").contains("1234"));
        let u = Pkcs11Uri::parse("pkcs11:object=k?pin-source=file:/run/pin").unwrap();
        assert_eq!(u.pin_source, Some(PathBuf::from("/run/pin")));
    }

    #[test]
    fn refuses_malformed_uris() {
        for bad in [
            "pkcs:object=a",
            "pkcs11:token=a",
            "pkcs11:object=a;object=b",
            "pkcs11:object=%zz",
            "pkcs11:object=a;frobnicate=1",
            "pkcs11:object",
            "pkcs11:object=a;type=cert",
        ] {
            assert!(
                matches!(Pkcs11Uri::parse(bad), Err(Error::Malformed(_))),
                "{bad}"
            );
        }
    }
}
