//! PEM and DER import and export: SPKI, PKCS#8, PKCS#1 (RSA) and SEC1 (EC),
//! on the RustCrypto `der`, `spki`, `pkcs8`, `pkcs1` and `sec1` crates
//! (feature `pem`).
//!
//! The conversion is structural: no arithmetic happens here. Where a
//! document lacks the public key (a PKCS#8 Ed25519 key, a SEC1 key without
//! its optional point) the provider computes it, and every imported key
//! goes through the provider's check, so a point off its curve or a private
//! key that does not match its public key is refused.

use alloc::string::String;
use alloc::vec::Vec;

use der::asn1::{AnyRef, BitStringRef, ObjectIdentifier, OctetStringRef, UintRef};
use der::pem::LineEnding;
use der::{Decode, Document, Encode, SecretDocument};
use jose_core::{Curve, Error, Secret, Unsupported};
use pkcs8::PrivateKeyInfoRef;
use sec1::{EcParameters, EcPrivateKey};
use spki::{AlgorithmIdentifier, SubjectPublicKeyInfo};
use zeroize::Zeroizing;

use crate::jwk::{Jwk, JwkOptions};
use crate::key::{EcKey, Key, OkpKey, RsaKey, RsaPrimes};
use crate::provider::Provider;
use crate::x509::{
    EC_OID, RSA_OID, curve_oid, ec_point_to_key, oid_curve, okp_curve, okp_oid,
    pkcs1_public_to_key, spki_to_key,
};

/// A DER or PEM key format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyFormat {
    /// X.509 SubjectPublicKeyInfo (RFC 5280), PEM label `PUBLIC KEY`.
    Spki,
    /// PKCS#8 PrivateKeyInfo (RFC 5208/5958), PEM label `PRIVATE KEY`.
    Pkcs8,
    /// PKCS#1 RSAPrivateKey (RFC 8017), PEM label `RSA PRIVATE KEY`.
    Pkcs1,
    /// PKCS#1 RSAPublicKey (RFC 8017), PEM label `RSA PUBLIC KEY`.
    Pkcs1Public,
    /// SEC1 ECPrivateKey (RFC 5915), PEM label `EC PRIVATE KEY`.
    Sec1,
}

impl KeyFormat {
    /// The PEM label of the format.
    pub const fn pem_label(self) -> &'static str {
        match self {
            Self::Spki => "PUBLIC KEY",
            Self::Pkcs8 => "PRIVATE KEY",
            Self::Pkcs1 => "RSA PRIVATE KEY",
            Self::Pkcs1Public => "RSA PUBLIC KEY",
            Self::Sec1 => "EC PRIVATE KEY",
        }
    }

    fn from_label(label: &str) -> Result<Self, Error> {
        [
            Self::Spki,
            Self::Pkcs8,
            Self::Pkcs1,
            Self::Pkcs1Public,
            Self::Sec1,
        ]
        .into_iter()
        .find(|f| f.pem_label() == label)
        .ok_or(Error::Unsupported(Unsupported::KeyFormat(
            "PEM label is not one of PUBLIC KEY, PRIVATE KEY, RSA PRIVATE KEY, RSA PUBLIC KEY, EC PRIVATE KEY",
        )))
    }
}

fn bad(what: &'static str) -> Error {
    Error::invalid_key("key", what)
}

/// Finds the first PEM block whose label is a key format, skipping others
/// (OpenSSL writes an `EC PARAMETERS` block before a SEC1 key), and returns
/// its text from `-----BEGIN` to the end of its `-----END` line.
fn key_block(pem: &str) -> Result<&str, Error> {
    let mut rest = pem;
    let mut other_label = false;
    while let Some(start) = rest.find("-----BEGIN ") {
        let block = rest.get(start..).unwrap_or_default();
        let Some(end_marker) = block.find("-----END ") else {
            break;
        };
        let after_end = block.get(end_marker..).unwrap_or_default();
        let end = after_end
            .find('\n')
            .map_or(block.len(), |i| end_marker + i + 1);
        let text = block.get(..end).unwrap_or(block);
        let label = text
            .get("-----BEGIN ".len()..)
            .and_then(|t| t.split("-----").next())
            .unwrap_or_default();
        if KeyFormat::from_label(label).is_ok() {
            return Ok(text);
        }
        other_label = true;
        rest = block.get(end..).unwrap_or_default();
    }
    if other_label {
        return Err(Error::Unsupported(Unsupported::KeyFormat(
            "PEM label is not one of PUBLIC KEY, PRIVATE KEY, RSA PRIVATE KEY, RSA PUBLIC KEY, EC PRIVATE KEY",
        )));
    }
    Err(bad("is not a PEM document"))
}

/// Reads PEM text into its format and DER bytes (zeroized on drop).
fn decode_pem(pem: &str) -> Result<(KeyFormat, Zeroizing<Vec<u8>>), Error> {
    let pem = key_block(pem)?;
    // The line-width-detecting decoder takes 64-column lines and any other
    // writer's. It decodes into one zeroizing buffer of the exact size: no
    // growing buffer, and nothing partly decoded freed on an error.
    let not_pem = || bad("is not a PEM document");
    let mut decoder = der::pem::Decoder::new_detect_wrap(pem.as_bytes()).map_err(|_| not_pem())?;
    let format = KeyFormat::from_label(decoder.type_label())?;
    let mut der = Zeroizing::new(alloc::vec![0u8; decoder.remaining_len()]);
    let len = decoder.decode(&mut der).map_err(|_| not_pem())?.len();
    if !decoder.is_finished() {
        return Err(not_pem());
    }
    der.truncate(len);
    Ok((format, der))
}

impl Jwk {
    /// Imports a key from PEM (any of the [`KeyFormat`]s, told by the label).
    ///
    /// # Errors
    ///
    /// [`Error::Unsupported`] for an unknown label, algorithm or curve;
    /// [`Error::InvalidKey`] for a malformed document or a key that fails
    /// the provider's checks or the size limits of [`JwkOptions`].
    pub fn from_pem(pem: &str, provider: &Provider) -> Result<Self, Error> {
        let (format, der) = decode_pem(pem)?;
        Self::from_der(&der, format, provider)
    }

    /// Imports a key from DER in the given format.
    ///
    /// # Errors
    ///
    /// As [`Jwk::from_pem`].
    pub fn from_der(der: &[u8], format: KeyFormat, provider: &Provider) -> Result<Self, Error> {
        let key = match format {
            KeyFormat::Spki => spki_to_key(der)?,
            KeyFormat::Pkcs8 => pkcs8_to_key(der, provider)?,
            KeyFormat::Pkcs1 => pkcs1_private_to_key(der)?,
            KeyFormat::Pkcs1Public => pkcs1_public_to_key(der)?,
            KeyFormat::Sec1 => sec1_to_key(der, None, provider)?,
        };
        let jwk = Self::new(key);
        check_rsa_size(&jwk)?;
        provider.check(&jwk)?;
        Ok(jwk)
    }

    /// Imports a key from DER, trying PKCS#8, SPKI, PKCS#1 and SEC1 in turn.
    ///
    /// # Errors
    ///
    /// As [`Jwk::from_pem`]; when no format fits, [`Error::InvalidKey`].
    pub fn from_der_any(der: &[u8], provider: &Provider) -> Result<Self, Error> {
        let formats = [
            KeyFormat::Pkcs8,
            KeyFormat::Spki,
            KeyFormat::Pkcs1,
            KeyFormat::Pkcs1Public,
            KeyFormat::Sec1,
        ];
        let mut last = bad("is not a DER key in a known format");
        for format in formats {
            match Self::from_der(der, format, provider) {
                Ok(jwk) => return Ok(jwk),
                // A document that parsed but holds an unusable key says more
                // than "no format fits".
                Err(e @ (Error::Unsupported(_) | Error::InvalidKey(_))) => last = e,
                Err(e) => return Err(e),
            }
        }
        Err(last)
    }

    /// Exports the key as DER in `format`. Private formats need a private
    /// key; [`KeyFormat::Spki`] and [`KeyFormat::Pkcs1Public`] export the
    /// public part of any key.
    ///
    /// # Errors
    ///
    /// [`Error::ApiMisuse`] for a format that does not fit the key (PKCS#1
    /// for an EC key, a private format for a public key, any format for a
    /// symmetric key); [`Error::Unsupported`] for an RSA private key without
    /// its CRT parameters.
    pub fn to_der(&self, format: KeyFormat) -> Result<Zeroizing<Vec<u8>>, Error> {
        let encode_err = |_| bad("could not be encoded");
        match (format, self.key()) {
            (KeyFormat::Spki, key) => public_spki(key),
            (KeyFormat::Pkcs1Public, Key::Rsa(k)) => Document::encode_msg(&pkcs1::RsaPublicKey {
                modulus: uint(k.n())?,
                public_exponent: uint(k.e())?,
            })
            .map(|d| Zeroizing::new(d.into_vec()))
            .map_err(encode_err),
            (KeyFormat::Pkcs1, Key::Rsa(k)) => rsa_private_der(k).map(|d| d.to_bytes()),
            (KeyFormat::Sec1, Key::Ec(k)) => {
                let d = k
                    .d()
                    .ok_or(Error::ApiMisuse("a public key has no private format"))?;
                let point = sec1_point(k);
                SecretDocument::encode_msg(&EcPrivateKey {
                    private_key: d.expose(),
                    parameters: Some(EcParameters::NamedCurve(curve_oid(k.crv())?)),
                    public_key: Some(&point),
                })
                .map(|d| d.to_bytes())
                .map_err(encode_err)
            }
            (KeyFormat::Pkcs8, key) => pkcs8(key),
            (KeyFormat::Pkcs1Public | KeyFormat::Pkcs1, Key::Ec(_) | Key::Okp(_) | Key::Oct(_))
            | (KeyFormat::Sec1, Key::Rsa(_) | Key::Okp(_) | Key::Oct(_)) => {
                Err(Error::ApiMisuse("the key format does not fit the key type"))
            }
        }
    }

    /// Exports the key as PEM in `format` (LF line endings).
    ///
    /// # Errors
    ///
    /// As [`Jwk::to_der`].
    pub fn to_pem(&self, format: KeyFormat) -> Result<Zeroizing<String>, Error> {
        let der = self.to_der(format)?;
        der::pem::encode_string(format.pem_label(), LineEnding::LF, &der)
            .map(Zeroizing::new)
            .map_err(|_| bad("could not be encoded"))
    }
}

fn check_rsa_size(jwk: &Jwk) -> Result<(), Error> {
    if let Key::Rsa(k) = jwk.key() {
        let limits = JwkOptions::default();
        if k.bits() < limits.min_rsa_bits || k.bits() > limits.max_rsa_bits {
            return Err(Error::invalid_key(
                "n",
                "is outside the accepted RSA key sizes",
            ));
        }
    }
    Ok(())
}

fn uint(bytes: &[u8]) -> Result<UintRef<'_>, Error> {
    UintRef::new(bytes).map_err(|_| bad("has an integer that cannot be encoded"))
}

fn sec1_point(k: &EcKey) -> Vec<u8> {
    let mut point = Vec::with_capacity(1 + 2 * k.x().len());
    point.push(0x04);
    point.extend_from_slice(k.x());
    point.extend_from_slice(k.y());
    point
}

fn public_spki(key: &Key) -> Result<Zeroizing<Vec<u8>>, Error> {
    let encode_err = |_| bad("could not be encoded");
    let der = match key {
        Key::Rsa(k) => {
            let inner = Document::encode_msg(&pkcs1::RsaPublicKey {
                modulus: uint(k.n())?,
                public_exponent: uint(k.e())?,
            })
            .map_err(encode_err)?;
            spki_der(RSA_OID, Some(AnyRef::NULL), inner.as_bytes())?
        }
        Key::Ec(k) => {
            let oid = curve_oid(k.crv())?;
            spki_der(EC_OID, Some(AnyRef::from(&oid)), &sec1_point(k))?
        }
        Key::Okp(k) => spki_der(okp_oid(k.crv())?, None, k.x())?,
        Key::Oct(_) => return Err(Error::ApiMisuse("a symmetric key has no public key format")),
    };
    Ok(Zeroizing::new(der))
}

fn spki_der(
    oid: ObjectIdentifier,
    params: Option<AnyRef<'_>>,
    key: &[u8],
) -> Result<Vec<u8>, Error> {
    SubjectPublicKeyInfo {
        algorithm: AlgorithmIdentifier {
            oid,
            parameters: params,
        },
        subject_public_key: BitStringRef::from_bytes(key)
            .map_err(|_| bad("could not be encoded"))?,
    }
    .to_der()
    .map_err(|_| bad("could not be encoded"))
}

fn rsa_private_der(k: &RsaKey) -> Result<SecretDocument, Error> {
    let private = k
        .private()
        .ok_or(Error::ApiMisuse("a public key has no private format"))?;
    let primes = private
        .primes()
        .ok_or(Error::Unsupported(Unsupported::KeyFormat(
            "RSA private keys without p, q, dp, dq, qi cannot be exported",
        )))?;
    SecretDocument::encode_msg(&pkcs1::RsaPrivateKey {
        modulus: uint(k.n())?,
        public_exponent: uint(k.e())?,
        private_exponent: uint(private.d().expose())?,
        prime1: uint(primes.p.expose())?,
        prime2: uint(primes.q.expose())?,
        exponent1: uint(primes.dp.expose())?,
        exponent2: uint(primes.dq.expose())?,
        coefficient: uint(primes.qi.expose())?,
        other_prime_infos: None,
    })
    .map_err(|_| bad("could not be encoded"))
}

fn pkcs8(key: &Key) -> Result<Zeroizing<Vec<u8>>, Error> {
    let encode_err = |_| bad("could not be encoded");
    let public_only = Error::ApiMisuse("a public key has no private format");
    let doc = match key {
        Key::Rsa(k) => {
            let inner = rsa_private_der(k)?;
            let inner = OctetStringRef::new(inner.as_bytes()).map_err(encode_err)?;
            SecretDocument::encode_msg(&PrivateKeyInfoRef::new(
                AlgorithmIdentifier {
                    oid: RSA_OID,
                    parameters: Some(AnyRef::NULL),
                },
                inner,
            ))
        }
        Key::Ec(k) => {
            let d = k.d().ok_or(public_only)?;
            let point = sec1_point(k);
            let inner = SecretDocument::encode_msg(&EcPrivateKey {
                private_key: d.expose(),
                parameters: None,
                public_key: Some(&point),
            })
            .map_err(encode_err)?;
            let inner = OctetStringRef::new(inner.as_bytes()).map_err(encode_err)?;
            let oid = curve_oid(k.crv())?;
            SecretDocument::encode_msg(&PrivateKeyInfoRef::new(
                AlgorithmIdentifier {
                    oid: EC_OID,
                    parameters: Some(AnyRef::from(&oid)),
                },
                inner,
            ))
        }
        Key::Okp(k) => {
            let d = k.d().ok_or(public_only)?;
            let oid = okp_oid(k.crv())?;
            // RFC 8410 section 7: CurvePrivateKey ::= OCTET STRING, itself
            // wrapped in the privateKey OCTET STRING.
            let seed = OctetStringRef::new(d.expose()).map_err(encode_err)?;
            let inner = Zeroizing::new(seed.to_der().map_err(encode_err)?);
            let inner = OctetStringRef::new(&inner).map_err(encode_err)?;
            SecretDocument::encode_msg(&PrivateKeyInfoRef::new(
                AlgorithmIdentifier {
                    oid,
                    parameters: None,
                },
                inner,
            ))
        }
        Key::Oct(_) => {
            return Err(Error::ApiMisuse(
                "a symmetric key has no PKCS#8 format here",
            ));
        }
    };
    doc.map(|d| d.to_bytes()).map_err(encode_err)
}

fn pkcs1_private_to_key(der: &[u8]) -> Result<Key, Error> {
    let k = pkcs1::RsaPrivateKey::<UintRef<'_>>::from_der(der)
        .map_err(|_| bad("is not a valid PKCS#1 RSAPrivateKey"))?;
    if k.other_prime_infos.is_some() {
        return Err(Error::Unsupported(Unsupported::MultiPrimeRsa));
    }
    let secret = |u: UintRef<'_>| Secret::from_slice(u.as_bytes());
    let key = RsaKey::new_public(
        k.modulus.as_bytes().to_vec(),
        k.public_exponent.as_bytes().to_vec(),
    )?
    .with_private(
        secret(k.private_exponent),
        Some(RsaPrimes {
            p: secret(k.prime1),
            q: secret(k.prime2),
            dp: secret(k.exponent1),
            dq: secret(k.exponent2),
            qi: secret(k.coefficient),
        }),
    )?;
    Ok(Key::Rsa(key))
}

/// Reads a SEC1 ECPrivateKey; `outer_curve` is the curve named by an
/// enclosing PKCS#8 algorithm identifier, if any.
fn sec1_to_key(der: &[u8], outer_curve: Option<Curve>, provider: &Provider) -> Result<Key, Error> {
    let k = EcPrivateKey::try_from(der).map_err(|_| bad("is not a valid SEC1 ECPrivateKey"))?;
    let inner_curve = k
        .parameters
        .and_then(EcParameters::named_curve)
        .map(oid_curve)
        .transpose()?;
    let crv = match (outer_curve, inner_curve) {
        (Some(a), Some(b)) if a != b => return Err(bad("names two different curves")),
        (Some(c), _) | (None, Some(c)) => c,
        (None, None) => return Err(bad("does not name its curve")),
    };
    let len = crv.coordinate_len();
    if k.private_key.len() > len || k.private_key.is_empty() {
        return Err(Error::invalid_key(
            "d",
            "has the wrong length for the curve",
        ));
    }
    // Some writers drop leading zero octets of the scalar: pad them back.
    let mut d = Zeroizing::new(alloc::vec![0u8; len - k.private_key.len()]);
    d.extend_from_slice(k.private_key);
    let secret = Secret::from_slice(&d);
    match k.public_key {
        Some(point) => Ok(Key::Ec(ec_point_to_key(crv, point, Some(secret))?)),
        None => {
            let public = provider.keys.public_from_private(crv, &d)?;
            match public.key() {
                Key::Ec(p) => Ok(Key::Ec(EcKey::new(
                    crv,
                    p.x().to_vec(),
                    p.y().to_vec(),
                    Some(secret),
                )?)),
                Key::Rsa(_) | Key::Okp(_) | Key::Oct(_) => {
                    Err(bad("public key derivation gave another key type"))
                }
            }
        }
    }
}

fn pkcs8_to_key(der: &[u8], provider: &Provider) -> Result<Key, Error> {
    let info = PrivateKeyInfoRef::try_from(der)
        .map_err(|_| bad("is not a valid PKCS#8 PrivateKeyInfo"))?;
    let (oid, params) = info
        .algorithm
        .oids()
        .map_err(|_| bad("has a malformed algorithm identifier"))?;
    let inner = info.private_key.as_bytes();
    match (oid, okp_curve(oid)) {
        (RSA_OID, _) => pkcs1_private_to_key(inner),
        (EC_OID, _) => {
            let crv = params.map(oid_curve).transpose()?;
            sec1_to_key(inner, crv, provider)
        }
        (_, Some(crv)) => {
            if params.is_some() {
                return Err(bad("has parameters where RFC 8410 forbids them"));
            }
            let seed = <&OctetStringRef>::from_der(inner)
                .map_err(|_| bad("has a malformed RFC 8410 private key"))?;
            let d = Secret::from_slice(seed.as_bytes());
            let x = match info.public_key.and_then(|b| b.as_bytes()) {
                Some(x) => x.to_vec(),
                None => match provider.keys.public_from_private(crv, d.expose())?.key() {
                    Key::Okp(p) => p.x().to_vec(),
                    Key::Rsa(_) | Key::Ec(_) | Key::Oct(_) => {
                        return Err(bad("public key derivation gave another key type"));
                    }
                },
            };
            Ok(Key::Okp(OkpKey::new(crv, x, Some(d))?))
        }
        (_, None) => Err(Error::Unsupported(Unsupported::KeyFormat(
            "private key algorithm is not RSA, EC, Ed25519 or X25519",
        ))),
    }
}
