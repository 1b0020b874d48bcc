//! Reading a key object from the token once: its attributes, its public
//! key, and which JOSE algorithms it may serve. Split into one function per
//! step, each reading only what it needs.

use cryptoki::object::{Attribute, AttributeType, KeyType, ObjectClass, ObjectHandle};
use jose_core::{Curve, Error, JwsAlgorithm, KeyManagementAlgorithm, KeyShape, Unsupported};
use jose_jwk::{EcKey, Jwk, Key, OkpKey, RsaKey};

use crate::key::TokenKeyKind;
use crate::mechanism;
use crate::token::{Token, ck};

/// What the object's own attributes say.
pub(crate) struct Object {
    pub(crate) key_type: Option<KeyType>,
    pub(crate) label: String,
    pub(crate) id: Vec<u8>,
    pub(crate) can_sign: bool,
    pub(crate) can_decrypt: bool,
    pub(crate) can_unwrap: bool,
    pub(crate) can_derive: bool,
}

impl Object {
    /// The key ID: the label, or the hex CKA_ID of an unlabelled key.
    pub(crate) fn kid(&self) -> String {
        if self.label.is_empty() {
            self.id.iter().map(|b| format!("{b:02x}")).collect()
        } else {
            self.label.clone()
        }
    }
}

/// The first attribute `pick` accepts.
fn find<T>(attrs: &[Attribute], pick: impl Fn(&Attribute) -> Option<T>) -> Option<T> {
    attrs.iter().find_map(pick)
}

/// Reads the attributes every key has.
pub(crate) fn object(token: &Token, handle: ObjectHandle) -> Result<Object, Error> {
    let attrs = token.attributes(
        handle,
        &[
            AttributeType::KeyType,
            AttributeType::Label,
            AttributeType::Id,
            AttributeType::Sign,
            AttributeType::Decrypt,
            AttributeType::Unwrap,
            AttributeType::Derive,
        ],
    )?;
    let flag = |pick: fn(&Attribute) -> Option<bool>| find(&attrs, pick).unwrap_or(false);
    Ok(Object {
        key_type: find(&attrs, |a| match a {
            Attribute::KeyType(t) => Some(*t),
            _ => None,
        }),
        label: find(&attrs, |a| match a {
            Attribute::Label(l) => Some(String::from_utf8_lossy(l).into_owned()),
            _ => None,
        })
        .unwrap_or_default(),
        id: find(&attrs, |a| match a {
            Attribute::Id(id) => Some(id.clone()),
            _ => None,
        })
        .unwrap_or_default(),
        can_sign: flag(|a| match a {
            Attribute::Sign(b) => Some(*b),
            _ => None,
        }),
        can_decrypt: flag(|a| match a {
            Attribute::Decrypt(b) => Some(*b),
            _ => None,
        }),
        can_unwrap: flag(|a| match a {
            Attribute::Unwrap(b) => Some(*b),
            _ => None,
        }),
        can_derive: flag(|a| match a {
            Attribute::Derive(b) => Some(*b),
            _ => None,
        }),
    })
}

/// The public key object that goes with a private key: same label and ID.
pub(crate) fn public_handle(
    token: &Token,
    handle: ObjectHandle,
    class: ObjectClass,
    object: &Object,
) -> Result<Option<ObjectHandle>, Error> {
    if class == ObjectClass::PUBLIC_KEY {
        return Ok(Some(handle));
    }
    if class != ObjectClass::PRIVATE_KEY {
        return Ok(None);
    }
    // A private key is paired with its public key by CKA_LABEL and CKA_ID:
    // without either, any public key of the token would match.
    if object.label.is_empty() && object.id.is_empty() {
        return Err(Error::Unsupported(Unsupported::KeyFormat(
            "a private key without CKA_LABEL and CKA_ID cannot be paired with its public key",
        )));
    }
    let mut template = vec![Attribute::Class(ObjectClass::PUBLIC_KEY)];
    if !object.label.is_empty() {
        template.push(Attribute::Label(object.label.as_bytes().to_vec()));
    }
    if !object.id.is_empty() {
        template.push(Attribute::Id(object.id.clone()));
    }
    let found = token
        .with_session(|s| s.find_objects(&template))?
        .map_err(|e| ck("pkcs11 find", e))?;
    match found.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(*one)),
        [_, _, ..] => Err(Error::Unsupported(Unsupported::KeyFormat(
            "several public keys share the private key's CKA_LABEL and CKA_ID",
        ))),
    }
}

/// The curve of a CKA_EC_PARAMS value: a DER OID, or the printable string
/// "edwards25519" that OpenSC writes (pkcs11/README.md gotcha 2).
fn curve_of(params: &[u8]) -> Option<Curve> {
    const P256: &[u8] = &[0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
    const P384: &[u8] = &[0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22];
    const P521: &[u8] = &[0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x23];
    const ED25519_OID: &[u8] = &[0x06, 0x03, 0x2b, 0x65, 0x70];
    const ED25519_NAME: &[u8] = b"\x13\x0cedwards25519";
    match params {
        P256 => Some(Curve::P256),
        P384 => Some(Curve::P384),
        P521 => Some(Curve::P521),
        ED25519_OID | ED25519_NAME => Some(Curve::Ed25519),
        _ => None,
    }
}

/// The point inside CKA_EC_POINT: a DER OCTET STRING around the SEC1 or
/// Ed25519 encoding, or (some tokens) the encoding bare. A value of the
/// bare length is taken as bare: a bare point can start like a DER header
/// (`04 3f` is both).
fn unwrap_octet_string(point: &[u8], bare_len: usize) -> &[u8] {
    if point.len() == bare_len {
        return point;
    }
    match point {
        [0x04, len, rest @ ..] if usize::from(*len) == rest.len() => rest,
        [0x04, 0x81, len, rest @ ..] if usize::from(*len) == rest.len() => rest,
        _ => point,
    }
}

/// An unsigned big-endian integer without its leading zero octets.
fn minimal(v: Vec<u8>) -> Vec<u8> {
    let first = v
        .iter()
        .position(|b| *b != 0)
        .unwrap_or(v.len().saturating_sub(1));
    v.get(first..).map(<[u8]>::to_vec).unwrap_or_default()
}

/// The public JWK of an RSA key, from its modulus and exponent.
fn rsa_public(token: &Token, source: ObjectHandle) -> Result<(TokenKeyKind, Jwk), Error> {
    let a = token.attributes(
        source,
        &[AttributeType::Modulus, AttributeType::PublicExponent],
    )?;
    let n = find(&a, |a| match a {
        Attribute::Modulus(n) => Some(n.clone()),
        _ => None,
    });
    let e = find(&a, |a| match a {
        Attribute::PublicExponent(e) => Some(e.clone()),
        _ => None,
    });
    let (Some(n), Some(e)) = (n, e) else {
        return Err(Error::Unsupported(Unsupported::KeyFormat(
            "RSA key without a readable modulus",
        )));
    };
    let rsa = RsaKey::new_public(minimal(n), minimal(e))?;
    Ok((TokenKeyKind::Rsa(rsa.bits()), Jwk::new(Key::Rsa(rsa))))
}

/// The public JWK of an EC or EdDSA key, from its public key object.
fn curve_public(token: &Token, source: ObjectHandle) -> Result<(TokenKeyKind, Jwk), Error> {
    let a = token.attributes(source, &[AttributeType::EcParams, AttributeType::EcPoint])?;
    let params = find(&a, |a| match a {
        Attribute::EcParams(p) => Some(p.clone()),
        _ => None,
    });
    let point = find(&a, |a| match a {
        Attribute::EcPoint(p) => Some(p.clone()),
        _ => None,
    });
    let (Some(params), Some(point)) = (params, point) else {
        return Err(Error::Unsupported(Unsupported::KeyFormat(
            "EC key without parameters",
        )));
    };
    let crv = curve_of(&params).ok_or(Error::Unsupported(Unsupported::KeyFormat(
        "EC key on an unknown curve",
    )))?;
    let bare_len = if crv == Curve::Ed25519 {
        crv.coordinate_len()
    } else {
        1 + 2 * crv.coordinate_len()
    };
    let raw = unwrap_octet_string(&point, bare_len);
    if crv == Curve::Ed25519 {
        let okp = OkpKey::new(Curve::Ed25519, raw.to_vec(), None)?;
        return Ok((TokenKeyKind::Ed25519, Jwk::new(Key::Okp(okp))));
    }
    let len = crv.coordinate_len();
    let (Some((0x04, xy)), true) = (raw.split_first(), raw.len() == 1 + 2 * len) else {
        return Err(Error::Unsupported(Unsupported::KeyFormat(
            "EC point is not uncompressed",
        )));
    };
    let (x, y) = xy.split_at(len);
    let ec = EcKey::new(crv, x.to_vec(), y.to_vec(), None)?;
    Ok((TokenKeyKind::Ec(crv), Jwk::new(Key::Ec(ec))))
}

/// The kind of the key and its public JWK (none for a secret key).
pub(crate) fn kind_and_public(
    token: &Token,
    handle: ObjectHandle,
    public: Option<ObjectHandle>,
    key_type: Option<KeyType>,
) -> Result<(TokenKeyKind, Option<Jwk>), Error> {
    match key_type {
        Some(KeyType::RSA) => {
            let (kind, jwk) = rsa_public(token, public.unwrap_or(handle))?;
            Ok((kind, Some(jwk)))
        }
        Some(KeyType::EC | KeyType::EC_EDWARDS) => {
            let source = public.ok_or(Error::Unsupported(Unsupported::KeyFormat(
                "EC private key without its public key object",
            )))?;
            let (kind, jwk) = curve_public(token, source)?;
            Ok((kind, Some(jwk)))
        }
        Some(KeyType::AES) => {
            let a = token.attributes(handle, &[AttributeType::ValueLen])?;
            let len = find(&a, |a| match a {
                Attribute::ValueLen(l) => Some(usize::from(*l)),
                _ => None,
            })
            .unwrap_or(0);
            Ok((TokenKeyKind::Aes(len), None))
        }
        _ => Err(Error::Unsupported(Unsupported::KeyFormat("key type"))),
    }
}

/// The shape of a token key, for the table of `jose_core::key`.
pub(crate) fn shape(kind: TokenKeyKind) -> KeyShape {
    match kind {
        TokenKeyKind::Rsa(bits) => KeyShape::Rsa { bits },
        TokenKeyKind::Ec(crv) => KeyShape::Curve(crv),
        TokenKeyKind::Ed25519 => KeyShape::Curve(Curve::Ed25519),
        TokenKeyKind::Aes(len) => KeyShape::Oct { len },
    }
}

/// The JWS algorithms the key can sign with: those its shape fits (the
/// table), that this crate has a mechanism for, if the object may sign.
pub(crate) fn sign_algorithms(
    kind: TokenKeyKind,
    object: &Object,
    private: bool,
) -> Vec<JwsAlgorithm> {
    if !private || !object.can_sign {
        return Vec::new();
    }
    JwsAlgorithm::fitting(shape(kind))
        .filter(|alg| mechanism::signs(*alg))
        .collect()
}

/// The JWE key management algorithms the key can open: those its shape
/// fits, that this crate has a mechanism for, as the object's CKA_DECRYPT,
/// CKA_UNWRAP and CKA_DERIVE allow. An algorithm that needs a key naming it
/// (RSA1_5) only with `named` allowed (`TokenOptions::rsa1_5`), and never
/// for a key that can sign.
pub(crate) fn decrypt_algorithms(
    kind: TokenKeyKind,
    object: &Object,
    private: bool,
    named: bool,
) -> Vec<KeyManagementAlgorithm> {
    KeyManagementAlgorithm::fitting(shape(kind))
        .filter(|alg| !alg.needs_named_key() || (named && !object.can_sign))
        .filter(|alg| mechanism::opens(kind, *alg, object, private))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rsa_object(can_sign: bool) -> Object {
        Object {
            key_type: Some(KeyType::RSA),
            label: "rsa".into(),
            id: vec![1],
            can_sign,
            can_decrypt: true,
            can_unwrap: true,
            can_derive: false,
        }
    }

    /// RSA1_5's padding is an oracle, and an oracle on a key that signs
    /// forges its signatures: a token RSA key is offered for RSA1_5 only
    /// when the options allow it, and never when the key can sign.
    #[test]
    fn rsa1_5_only_for_decrypt_only_keys_when_allowed() {
        let kind = TokenKeyKind::Rsa(2048);
        let offers = |can_sign, allowed| {
            decrypt_algorithms(kind, &rsa_object(can_sign), true, allowed)
                .contains(&KeyManagementAlgorithm::Rsa1_5)
        };
        assert!(!offers(false, false));
        assert!(!offers(true, false));
        assert!(!offers(true, true));
        assert!(offers(false, true));
        // RSA-OAEP is offered either way.
        let algs = decrypt_algorithms(kind, &rsa_object(true), true, false);
        assert!(algs.contains(&KeyManagementAlgorithm::RsaOaep256));
    }

    #[test]
    fn points_bare_or_wrapped() {
        let mut bare = vec![0x04, 0x3f];
        bare.resize(65, 7);
        // A bare P-256 point whose x starts with 0x3f looks like a DER
        // header: it stays whole.
        assert_eq!(unwrap_octet_string(&bare, 65), &bare[..]);
        let mut wrapped = vec![0x04, 65];
        wrapped.extend_from_slice(&bare);
        assert_eq!(unwrap_octet_string(&wrapped, 65), &bare[..]);
        let ed = [9u8; 32];
        let mut ed_wrapped = vec![0x04, 32];
        ed_wrapped.extend_from_slice(&ed);
        assert_eq!(unwrap_octet_string(&ed_wrapped, 32), &ed[..]);
        assert_eq!(unwrap_octet_string(&ed, 32), &ed[..]);
    }
}
