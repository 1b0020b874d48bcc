//! The little of X.509 a JWK needs, on the `der` crate alone: the public key
//! of a certificate (RFC 5280 section 4.1) and of a SubjectPublicKeyInfo, so
//! that `x5c` can be checked against the JWK's own key (RFC 7517 section
//! 4.7). Nothing here validates a certificate or a chain.

use der::asn1::{AnyRef, BitStringRef, ObjectIdentifier, UintRef};
use der::{Decode, Reader as _};
use jose_core::{Curve, Error, Unsupported};

use crate::key::{EcKey, Key, OkpKey, RsaKey};

pub(crate) const RSA_OID: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
pub(crate) const EC_OID: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
pub(crate) const ED25519_OID: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");
pub(crate) const X25519_OID: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.110");
const P256_OID: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const P384_OID: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");
const P521_OID: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.35");
const SECP256K1_OID: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.10");

fn bad(what: &'static str) -> Error {
    Error::invalid_key("key", what)
}

/// The OID of an EC curve, for SPKI and PKCS#8 encodings.
#[cfg(feature = "pem")]
pub(crate) fn curve_oid(crv: Curve) -> Result<ObjectIdentifier, Error> {
    match crv {
        Curve::P256 => Ok(P256_OID),
        Curve::P384 => Ok(P384_OID),
        Curve::P521 => Ok(P521_OID),
        Curve::Secp256k1 => Ok(SECP256K1_OID),
        Curve::Ed25519 | Curve::X25519 => {
            Err(Error::ApiMisuse("only EC curves have an EC curve OID"))
        }
        unknown => Err(Error::Unsupported(Unsupported::Curve(
            unknown.name().into(),
        ))),
    }
}

/// The curve an EC curve OID names.
pub(crate) fn oid_curve(oid: ObjectIdentifier) -> Result<Curve, Error> {
    match oid {
        P256_OID => Ok(Curve::P256),
        P384_OID => Ok(Curve::P384),
        P521_OID => Ok(Curve::P521),
        SECP256K1_OID => Ok(Curve::Secp256k1),
        _ => Err(Error::Unsupported(Unsupported::KeyFormat(
            "EC curve OID is not P-256, P-384, P-521 or secp256k1",
        ))),
    }
}

/// The OKP curve of an RFC 8410 algorithm OID.
pub(crate) fn okp_curve(oid: ObjectIdentifier) -> Option<Curve> {
    match oid {
        ED25519_OID => Some(Curve::Ed25519),
        X25519_OID => Some(Curve::X25519),
        _ => None,
    }
}

/// The RFC 8410 algorithm OID of an OKP curve.
#[cfg(feature = "pem")]
pub(crate) fn okp_oid(crv: Curve) -> Result<ObjectIdentifier, Error> {
    match crv {
        Curve::Ed25519 => Ok(ED25519_OID),
        Curve::X25519 => Ok(X25519_OID),
        Curve::P256 | Curve::P384 | Curve::P521 | Curve::Secp256k1 => {
            Err(Error::ApiMisuse("only OKP curves have an RFC 8410 OID"))
        }
        unknown => Err(Error::Unsupported(Unsupported::Curve(
            unknown.name().into(),
        ))),
    }
}

/// An uncompressed SEC1 point on `crv` as an EC key.
pub(crate) fn ec_point_to_key(
    crv: Curve,
    point: &[u8],
    d: Option<jose_core::Secret>,
) -> Result<EcKey, Error> {
    let len = crv.coordinate_len();
    match point.split_first() {
        Some((0x04, xy)) if xy.len() == 2 * len => {
            let (x, y) = xy.split_at(len);
            EcKey::new(crv, x.to_vec(), y.to_vec(), d)
        }
        Some((0x02 | 0x03, _)) => Err(Error::Unsupported(Unsupported::KeyFormat(
            "compressed EC points",
        ))),
        _ => Err(bad("has an EC point of the wrong form or length")),
    }
}

/// A PKCS#1 RSAPublicKey (RFC 8017 appendix A.1.1) as an RSA key.
pub(crate) fn pkcs1_public_to_key(der: &[u8]) -> Result<Key, Error> {
    let malformed = |_| bad("is not a valid PKCS#1 RSAPublicKey");
    let (n, e) = AnyRef::from_der(der)
        .map_err(malformed)?
        .sequence(|r| -> der::Result<_> {
            let n: UintRef<'_> = r.decode()?;
            let e: UintRef<'_> = r.decode()?;
            Ok((n.as_bytes().to_vec(), e.as_bytes().to_vec()))
        })
        .map_err(malformed)?;
    Ok(Key::Rsa(RsaKey::new_public(n, e)?))
}

/// A SubjectPublicKeyInfo (RFC 5280 section 4.1.2.7) of an RSA, EC,
/// Ed25519 or X25519 key as a public key.
pub(crate) fn spki_to_key(der: &[u8]) -> Result<Key, Error> {
    let malformed = |_| bad("is not a valid SubjectPublicKeyInfo");
    let (oid, params, bits) = AnyRef::from_der(der)
        .map_err(malformed)?
        .sequence(|r| -> der::Result<_> {
            let (oid, params) = r.sequence(|alg| -> der::Result<_> {
                let oid: ObjectIdentifier = alg.decode()?;
                let params: Option<AnyRef<'_>> = alg.decode()?;
                Ok((oid, params))
            })?;
            let bits: BitStringRef<'_> = r.decode()?;
            Ok((oid, params, bits))
        })
        .map_err(malformed)?;
    let bits = bits
        .as_bytes()
        .ok_or(bad("has a public key bit string with unused bits"))?;
    if oid == RSA_OID {
        return pkcs1_public_to_key(bits);
    }
    if oid == EC_OID {
        let curve = params
            .ok_or(bad("has no EC curve parameter"))?
            .decode_as::<ObjectIdentifier>()
            .map_err(|_| bad("has an EC curve parameter that is not an OID"))?;
        return Ok(Key::Ec(ec_point_to_key(oid_curve(curve)?, bits, None)?));
    }
    if let Some(crv) = okp_curve(oid) {
        if params.is_some() {
            return Err(bad("has parameters where RFC 8410 forbids them"));
        }
        return Ok(Key::Okp(OkpKey::new(crv, bits.to_vec(), None)?));
    }
    Err(Error::Unsupported(Unsupported::KeyFormat(
        "public key algorithm is not RSA, EC, Ed25519 or X25519",
    )))
}

/// The SubjectPublicKeyInfo of an X.509 certificate (RFC 5280 section
/// 4.1): the seventh element of `tbsCertificate`, after the optional
/// `[0]` version.
fn certificate_spki(cert: &[u8]) -> Option<&[u8]> {
    let certificate = AnyRef::from_der(cert).ok()?;
    certificate
        .sequence(|outer| -> der::Result<&[u8]> {
            let tbs: AnyRef<'_> = outer.decode()?;
            // signatureAlgorithm and signatureValue: present, not needed.
            outer.tlv_bytes()?;
            outer.tlv_bytes()?;
            tbs.sequence(|r| {
                if r.peek_byte() == Some(0xa0) {
                    r.tlv_bytes()?; // [0] EXPLICIT version
                }
                for _ in 0..5 {
                    // serialNumber, signature, issuer, validity, subject
                    r.tlv_bytes()?;
                }
                let spki = r.tlv_bytes()?;
                while !r.is_finished() {
                    r.tlv_bytes()?; // unique IDs, extensions
                }
                Ok(spki)
            })
        })
        .ok()
}

/// Checks RFC 7517 section 4.7: the key in the first certificate of `x5c`
/// must be the JWK's key.
pub(crate) fn check_x5c(key: &Key, first_certificate: &[u8]) -> Result<(), Error> {
    let mismatch = || Error::invalid_key("x5c", "does not hold the same key as the JWK");
    let spki = certificate_spki(first_certificate)
        .ok_or_else(|| Error::invalid_key("x5c", "is not a DER X.509 certificate"))?;
    let certified = spki_to_key(spki).map_err(|_| mismatch())?;
    let ours = key.to_public().ok_or_else(mismatch)?;
    if certified == ours {
        Ok(())
    } else {
        Err(mismatch())
    }
}
