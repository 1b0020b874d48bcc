//! Typed JWA identifiers (RFC 7518, RFC 8037, RFC 8812, RFC 9864).
//!
//! Each identifier serializes as its registered name. Parsing an unknown name
//! gives [`Unsupported::Algorithm`]; parsing `"none"` gives
//! [`Policy::NoneAlgorithm`]: there is no `none` variant, so no verifier can be
//! asked for it.

use alloc::string::{String, ToString};
use core::fmt;
use core::str::FromStr;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use crate::error::{Error, Policy, Unsupported};
use crate::key::{KeyRequirement, KeyShape};

/// Parses `s`, turning `"none"` into a policy error and any other unknown name
/// into an unsupported-algorithm error.
fn unknown(s: &str) -> Error {
    if s == "none" {
        Error::Policy(Policy::NoneAlgorithm)
    } else {
        Error::Unsupported(Unsupported::Algorithm(s.to_string()))
    }
}

macro_rules! jwa_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[doc = $doc:literal])* $variant:ident = $text:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $( $(#[doc = $doc])* $variant, )+
        }

        impl $name {
            /// Every identifier of this kind, in the order of the RFC tables.
            pub const ALL: &'static [Self] = &[ $( Self::$variant, )+ ];

            /// The registered name, as it appears in a header or a JWK.
            pub const fn name(self) -> &'static str {
                match self {
                    $( Self::$variant => $text, )+
                }
            }
        }

        impl FromStr for $name {
            type Err = Error;

            fn from_str(s: &str) -> Result<Self, Error> {
                match s {
                    $( $text => Ok(Self::$variant), )+
                    _ => Err(unknown(s)),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.name())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.name())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct V;
                impl Visitor<'_> for V {
                    type Value = $name;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str(concat!("a ", stringify!($name), " name"))
                    }
                    fn visit_str<E: de::Error>(self, v: &str) -> Result<$name, E> {
                        v.parse().map_err(E::custom)
                    }
                }
                deserializer.deserialize_str(V)
            }
        }
    };
}

jwa_enum! {
    /// A JWS algorithm (`alg` of a JWS), RFC 7518 section 3 and its successors.
    #[non_exhaustive]
    pub enum JwsAlgorithm {
        /// HMAC using SHA-256 (RFC 7518 section 3.2).
        Hs256 = "HS256",
        /// HMAC using SHA-384 (RFC 7518 section 3.2).
        Hs384 = "HS384",
        /// HMAC using SHA-512 (RFC 7518 section 3.2).
        Hs512 = "HS512",
        /// RSASSA-PKCS1-v1_5 using SHA-256 (RFC 7518 section 3.3).
        Rs256 = "RS256",
        /// RSASSA-PKCS1-v1_5 using SHA-384 (RFC 7518 section 3.3).
        Rs384 = "RS384",
        /// RSASSA-PKCS1-v1_5 using SHA-512 (RFC 7518 section 3.3).
        Rs512 = "RS512",
        /// ECDSA using P-256 and SHA-256 (RFC 7518 section 3.4).
        Es256 = "ES256",
        /// ECDSA using P-384 and SHA-384 (RFC 7518 section 3.4).
        Es384 = "ES384",
        /// ECDSA using P-521 and SHA-512 (RFC 7518 section 3.4).
        Es512 = "ES512",
        /// RSASSA-PSS using SHA-256 and MGF1 with SHA-256 (RFC 7518 section 3.5).
        Ps256 = "PS256",
        /// RSASSA-PSS using SHA-384 and MGF1 with SHA-384 (RFC 7518 section 3.5).
        Ps384 = "PS384",
        /// RSASSA-PSS using SHA-512 and MGF1 with SHA-512 (RFC 7518 section 3.5).
        Ps512 = "PS512",
        /// ECDSA using secp256k1 and SHA-256 (RFC 8812 section 3.2).
        Es256K = "ES256K",
        /// Edwards-curve signatures, polymorphic (RFC 8037 section 3.1); with
        /// this workspace always Ed25519. Deprecated by RFC 9864 but accepted.
        EdDsa = "EdDSA",
        /// Ed25519, fully specified (RFC 9864 section 2.2).
        Ed25519 = "Ed25519",
    }
}

jwa_enum! {
    /// A JWE key management algorithm (`alg` of a JWE), RFC 7518 section 4.
    #[non_exhaustive]
    pub enum KeyManagementAlgorithm {
        /// RSAES-PKCS1-v1_5 (RFC 7518 section 4.2).
        Rsa1_5 = "RSA1_5",
        /// RSAES OAEP using default parameters, SHA-1 (RFC 7518 section 4.3).
        RsaOaep = "RSA-OAEP",
        /// RSAES OAEP using SHA-256 and MGF1 with SHA-256 (RFC 7518 section 4.3).
        RsaOaep256 = "RSA-OAEP-256",
        /// RSAES OAEP using SHA-384 and MGF1 with SHA-384 (IANA JOSE registry).
        RsaOaep384 = "RSA-OAEP-384",
        /// RSAES OAEP using SHA-512 and MGF1 with SHA-512 (IANA JOSE registry).
        RsaOaep512 = "RSA-OAEP-512",
        /// AES Key Wrap with a 128-bit key (RFC 7518 section 4.4).
        A128Kw = "A128KW",
        /// AES Key Wrap with a 192-bit key (RFC 7518 section 4.4).
        A192Kw = "A192KW",
        /// AES Key Wrap with a 256-bit key (RFC 7518 section 4.4).
        A256Kw = "A256KW",
        /// Direct use of a shared symmetric key as the CEK (RFC 7518 section 4.5).
        Dir = "dir",
        /// ECDH-ES direct key agreement with Concat KDF (RFC 7518 section 4.6).
        EcdhEs = "ECDH-ES",
        /// ECDH-ES using Concat KDF and CEK wrapped with A128KW (RFC 7518 section 4.6).
        EcdhEsA128Kw = "ECDH-ES+A128KW",
        /// ECDH-ES using Concat KDF and CEK wrapped with A192KW (RFC 7518 section 4.6).
        EcdhEsA192Kw = "ECDH-ES+A192KW",
        /// ECDH-ES using Concat KDF and CEK wrapped with A256KW (RFC 7518 section 4.6).
        EcdhEsA256Kw = "ECDH-ES+A256KW",
        /// Key wrapping with AES GCM using a 128-bit key (RFC 7518 section 4.7).
        A128GcmKw = "A128GCMKW",
        /// Key wrapping with AES GCM using a 192-bit key (RFC 7518 section 4.7).
        A192GcmKw = "A192GCMKW",
        /// Key wrapping with AES GCM using a 256-bit key (RFC 7518 section 4.7).
        A256GcmKw = "A256GCMKW",
        /// PBES2 with HMAC SHA-256 and A128KW wrapping (RFC 7518 section 4.8).
        Pbes2Hs256A128Kw = "PBES2-HS256+A128KW",
        /// PBES2 with HMAC SHA-384 and A192KW wrapping (RFC 7518 section 4.8).
        Pbes2Hs384A192Kw = "PBES2-HS384+A192KW",
        /// PBES2 with HMAC SHA-512 and A256KW wrapping (RFC 7518 section 4.8).
        Pbes2Hs512A256Kw = "PBES2-HS512+A256KW",
    }
}

jwa_enum! {
    /// A JWE content encryption algorithm (`enc`), RFC 7518 section 5.
    #[non_exhaustive]
    pub enum ContentEncryptionAlgorithm {
        /// AES_128_CBC_HMAC_SHA_256 (RFC 7518 section 5.2.3).
        A128CbcHs256 = "A128CBC-HS256",
        /// AES_192_CBC_HMAC_SHA_384 (RFC 7518 section 5.2.4).
        A192CbcHs384 = "A192CBC-HS384",
        /// AES_256_CBC_HMAC_SHA_512 (RFC 7518 section 5.2.5).
        A256CbcHs512 = "A256CBC-HS512",
        /// AES GCM using a 128-bit key (RFC 7518 section 5.3).
        A128Gcm = "A128GCM",
        /// AES GCM using a 192-bit key (RFC 7518 section 5.3).
        A192Gcm = "A192GCM",
        /// AES GCM using a 256-bit key (RFC 7518 section 5.3).
        A256Gcm = "A256GCM",
    }
}

jwa_enum! {
    /// A JWE compression algorithm (`zip`), RFC 7516 section 4.1.3.
    #[non_exhaustive]
    pub enum CompressionAlgorithm {
        /// Raw DEFLATE (RFC 1951), RFC 7518 section 7.3.
        Def = "DEF",
    }
}

impl JwsAlgorithm {
    /// The key this algorithm signs with: the row of the one table of
    /// algorithms and keys (see [`KeyRequirement`]).
    pub const fn requirement(self) -> KeyRequirement {
        match self {
            Self::Hs256 => KeyRequirement::OctAtLeast(32),
            Self::Hs384 => KeyRequirement::OctAtLeast(48),
            Self::Hs512 => KeyRequirement::OctAtLeast(64),
            Self::Rs256 | Self::Rs384 | Self::Rs512 | Self::Ps256 | Self::Ps384 | Self::Ps512 => {
                KeyRequirement::Rsa
            }
            Self::Es256 => KeyRequirement::Curve(&[Curve::P256]),
            Self::Es384 => KeyRequirement::Curve(&[Curve::P384]),
            Self::Es512 => KeyRequirement::Curve(&[Curve::P521]),
            Self::Es256K => KeyRequirement::Curve(&[Curve::Secp256k1]),
            Self::EdDsa | Self::Ed25519 => KeyRequirement::Curve(&[Curve::Ed25519]),
        }
    }

    /// The algorithms a key of this shape can sign with, in the order of
    /// [`JwsAlgorithm::ALL`].
    pub fn fitting(shape: KeyShape) -> impl Iterator<Item = Self> {
        Self::ALL
            .iter()
            .copied()
            .filter(move |a| a.requirement().accepts(shape))
    }
}

impl KeyManagementAlgorithm {
    /// The key this algorithm uses: the row of the one table of algorithms
    /// and keys (see [`KeyRequirement`]).
    pub const fn requirement(self) -> KeyRequirement {
        match self {
            Self::Rsa1_5
            | Self::RsaOaep
            | Self::RsaOaep256
            | Self::RsaOaep384
            | Self::RsaOaep512 => KeyRequirement::Rsa,
            Self::A128Kw | Self::A128GcmKw => KeyRequirement::OctExact(16),
            Self::A192Kw | Self::A192GcmKw => KeyRequirement::OctExact(24),
            Self::A256Kw | Self::A256GcmKw => KeyRequirement::OctExact(32),
            Self::Dir => KeyRequirement::Cek,
            Self::EcdhEs | Self::EcdhEsA128Kw | Self::EcdhEsA192Kw | Self::EcdhEsA256Kw => {
                KeyRequirement::Curve(&[Curve::P256, Curve::P384, Curve::P521, Curve::X25519])
            }
            Self::Pbes2Hs256A128Kw | Self::Pbes2Hs384A192Kw | Self::Pbes2Hs512A256Kw => {
                KeyRequirement::Password
            }
        }
    }

    /// Whether a key serves this algorithm only when its `alg` member names
    /// it, never as one of the algorithms its shape fits. RSA1_5 is such an
    /// algorithm: its padding is an oracle (Bleichenbacher), it is
    /// deprecated (draft-ietf-jose-deprecate-none-rsa15), and an RSA key
    /// that signs must not also decrypt with it.
    pub const fn needs_named_key(self) -> bool {
        match self {
            Self::Rsa1_5 => true,
            Self::RsaOaep
            | Self::RsaOaep256
            | Self::RsaOaep384
            | Self::RsaOaep512
            | Self::A128Kw
            | Self::A192Kw
            | Self::A256Kw
            | Self::A128GcmKw
            | Self::A192GcmKw
            | Self::A256GcmKw
            | Self::Dir
            | Self::EcdhEs
            | Self::EcdhEsA128Kw
            | Self::EcdhEsA192Kw
            | Self::EcdhEsA256Kw
            | Self::Pbes2Hs256A128Kw
            | Self::Pbes2Hs384A192Kw
            | Self::Pbes2Hs512A256Kw => false,
        }
    }

    /// The algorithms a key of this shape can be used with, in the order of
    /// [`KeyManagementAlgorithm::ALL`].
    pub fn fitting(shape: KeyShape) -> impl Iterator<Item = Self> {
        Self::ALL
            .iter()
            .copied()
            .filter(move |a| a.requirement().accepts(shape))
    }

    /// The length in bytes of the key that wraps the CEK: the KEK of AES key
    /// wrap and AES-GCM key wrap, the key derived by ECDH-ES and PBES2; `None`
    /// where the CEK is not wrapped (`dir`, `ECDH-ES`) or is wrapped with RSA.
    pub const fn wrap_key_len(self) -> Option<usize> {
        match self {
            Self::A128Kw | Self::A128GcmKw | Self::EcdhEsA128Kw | Self::Pbes2Hs256A128Kw => {
                Some(16)
            }
            Self::A192Kw | Self::A192GcmKw | Self::EcdhEsA192Kw | Self::Pbes2Hs384A192Kw => {
                Some(24)
            }
            Self::A256Kw | Self::A256GcmKw | Self::EcdhEsA256Kw | Self::Pbes2Hs512A256Kw => {
                Some(32)
            }
            Self::Rsa1_5
            | Self::RsaOaep
            | Self::RsaOaep256
            | Self::RsaOaep384
            | Self::RsaOaep512
            | Self::Dir
            | Self::EcdhEs => None,
        }
    }

    /// The key management mode of the algorithm (RFC 7516 section 2).
    pub const fn mode(self) -> KeyManagementMode {
        match self {
            Self::Rsa1_5
            | Self::RsaOaep
            | Self::RsaOaep256
            | Self::RsaOaep384
            | Self::RsaOaep512 => KeyManagementMode::KeyEncryption,
            Self::A128Kw
            | Self::A192Kw
            | Self::A256Kw
            | Self::A128GcmKw
            | Self::A192GcmKw
            | Self::A256GcmKw
            | Self::Pbes2Hs256A128Kw
            | Self::Pbes2Hs384A192Kw
            | Self::Pbes2Hs512A256Kw => KeyManagementMode::KeyWrapping,
            Self::Dir => KeyManagementMode::DirectEncryption,
            Self::EcdhEs => KeyManagementMode::DirectKeyAgreement,
            Self::EcdhEsA128Kw | Self::EcdhEsA192Kw | Self::EcdhEsA256Kw => {
                KeyManagementMode::KeyAgreementWithKeyWrapping
            }
        }
    }

    /// Whether the CEK is the agreed or shared key itself (`dir`, `ECDH-ES`),
    /// so the JWE has an empty encrypted key and a single recipient.
    pub const fn is_direct(self) -> bool {
        matches!(
            self.mode(),
            KeyManagementMode::DirectEncryption | KeyManagementMode::DirectKeyAgreement
        )
    }
}

/// The five ways a JWE's CEK is determined (RFC 7516 section 2). The RFC
/// defines exactly these, so the enum is complete: match on it without a
/// catch-all.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeyManagementMode {
    /// The CEK is encrypted to the recipient's public key (RSA).
    KeyEncryption,
    /// The CEK is wrapped with a symmetric key (AES key wrap, AES-GCM key
    /// wrap, PBES2).
    KeyWrapping,
    /// The CEK is agreed with the recipient (`ECDH-ES`).
    DirectKeyAgreement,
    /// A key is agreed with the recipient and wraps the CEK (`ECDH-ES+A*KW`).
    KeyAgreementWithKeyWrapping,
    /// The shared symmetric key is the CEK (`dir`).
    DirectEncryption,
}

impl ContentEncryptionAlgorithm {
    /// The CEK length in bytes (RFC 7518 sections 5.2 and 5.3).
    pub const fn key_len(self) -> usize {
        match self {
            Self::A128Gcm => 16,
            Self::A192Gcm => 24,
            Self::A256Gcm | Self::A128CbcHs256 => 32,
            Self::A192CbcHs384 => 48,
            Self::A256CbcHs512 => 64,
        }
    }

    /// The IV length in bytes.
    pub const fn iv_len(self) -> usize {
        match self {
            Self::A128Gcm | Self::A192Gcm | Self::A256Gcm => 12,
            Self::A128CbcHs256 | Self::A192CbcHs384 | Self::A256CbcHs512 => 16,
        }
    }

    /// The authentication tag length in bytes.
    pub const fn tag_len(self) -> usize {
        match self {
            Self::A128Gcm | Self::A192Gcm | Self::A256Gcm | Self::A128CbcHs256 => 16,
            Self::A192CbcHs384 => 24,
            Self::A256CbcHs512 => 32,
        }
    }
}

/// Any algorithm that can appear as a JWK's `alg` member or a header's `alg`:
/// a JWS algorithm, a JWE key management algorithm, or (on a JWK only, as
/// RFC 7520 section 3.6 shows for a `dir` key) a content encryption
/// algorithm. The registries share no name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Algorithm {
    /// A JWS algorithm.
    Signature(JwsAlgorithm),
    /// A JWE key management algorithm.
    KeyManagement(KeyManagementAlgorithm),
    /// A JWE content encryption algorithm: valid as a JWK's `alg` (the key
    /// is a `dir` CEK), never as a header's.
    ContentEncryption(ContentEncryptionAlgorithm),
}

impl Algorithm {
    /// The registered name.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Signature(a) => a.name(),
            Self::KeyManagement(a) => a.name(),
            Self::ContentEncryption(a) => a.name(),
        }
    }

    /// The JWS algorithm, if this is one.
    pub const fn as_signature(self) -> Option<JwsAlgorithm> {
        match self {
            Self::Signature(a) => Some(a),
            Self::KeyManagement(_) | Self::ContentEncryption(_) => None,
        }
    }

    /// The JWE key management algorithm, if this is one.
    pub const fn as_key_management(self) -> Option<KeyManagementAlgorithm> {
        match self {
            Self::KeyManagement(a) => Some(a),
            Self::Signature(_) | Self::ContentEncryption(_) => None,
        }
    }

    /// The key the algorithm needs. For a content encryption algorithm (a
    /// JWK's `alg` only) that is a CEK of its length, used with `dir`.
    pub const fn requirement(self) -> KeyRequirement {
        match self {
            Self::Signature(a) => a.requirement(),
            Self::KeyManagement(a) => a.requirement(),
            Self::ContentEncryption(a) => KeyRequirement::OctExact(a.key_len()),
        }
    }
}

impl From<JwsAlgorithm> for Algorithm {
    fn from(a: JwsAlgorithm) -> Self {
        Self::Signature(a)
    }
}

impl From<KeyManagementAlgorithm> for Algorithm {
    fn from(a: KeyManagementAlgorithm) -> Self {
        Self::KeyManagement(a)
    }
}

impl From<ContentEncryptionAlgorithm> for Algorithm {
    fn from(a: ContentEncryptionAlgorithm) -> Self {
        Self::ContentEncryption(a)
    }
}

impl FromStr for Algorithm {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        if let Ok(a) = s.parse::<JwsAlgorithm>() {
            return Ok(Self::Signature(a));
        }
        if let Ok(a) = s.parse::<ContentEncryptionAlgorithm>() {
            return Ok(Self::ContentEncryption(a));
        }
        s.parse::<KeyManagementAlgorithm>().map(Self::KeyManagement)
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for Algorithm {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for Algorithm {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        s.parse().map_err(de::Error::custom)
    }
}

jwa_enum! {
    /// A JWK key type (`kty`), RFC 7518 section 6.1 and RFC 8037 section 2.
    #[non_exhaustive]
    pub enum KeyType {
        /// Elliptic curve (RFC 7518 section 6.2).
        Ec = "EC",
        /// RSA (RFC 7518 section 6.3).
        Rsa = "RSA",
        /// Octet sequence, a symmetric key (RFC 7518 section 6.4).
        Oct = "oct",
        /// Octet key pair: Ed25519, X25519 (RFC 8037 section 2).
        Okp = "OKP",
    }
}

jwa_enum! {
    /// A JWK curve (`crv`), RFC 7518 section 6.2.1.1, RFC 8037, RFC 8812.
    #[non_exhaustive]
    pub enum Curve {
        /// NIST P-256 (secp256r1), kty EC.
        P256 = "P-256",
        /// NIST P-384 (secp384r1), kty EC.
        P384 = "P-384",
        /// NIST P-521 (secp521r1), kty EC.
        P521 = "P-521",
        /// secp256k1 (RFC 8812 section 3.1), kty EC.
        Secp256k1 = "secp256k1",
        /// Ed25519 signing key (RFC 8037), kty OKP.
        Ed25519 = "Ed25519",
        /// X25519 key agreement key (RFC 8037), kty OKP.
        X25519 = "X25519",
    }
}

impl Curve {
    /// The key type that carries this curve.
    pub const fn key_type(self) -> KeyType {
        match self {
            Self::Ed25519 | Self::X25519 => KeyType::Okp,
            Self::P256 | Self::P384 | Self::P521 | Self::Secp256k1 => KeyType::Ec,
        }
    }

    /// The length in bytes of one coordinate (EC) or of the public key (OKP),
    /// which is also the length of the private scalar `d`.
    pub const fn coordinate_len(self) -> usize {
        match self {
            Self::P256 | Self::Secp256k1 | Self::Ed25519 | Self::X25519 => 32,
            Self::P384 => 48,
            Self::P521 => 66,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for a in JwsAlgorithm::ALL {
            assert_eq!(a.name().parse::<JwsAlgorithm>(), Ok(*a));
            assert_eq!(a.name().parse::<Algorithm>(), Ok(Algorithm::Signature(*a)));
        }
        for a in KeyManagementAlgorithm::ALL {
            assert_eq!(a.name().parse::<KeyManagementAlgorithm>(), Ok(*a));
            assert_eq!(
                a.name().parse::<Algorithm>(),
                Ok(Algorithm::KeyManagement(*a))
            );
        }
        for a in ContentEncryptionAlgorithm::ALL {
            assert_eq!(a.name().parse::<ContentEncryptionAlgorithm>(), Ok(*a));
        }
        assert_eq!("DEF".parse(), Ok(CompressionAlgorithm::Def));
    }

    #[test]
    fn registries_share_no_name() {
        for a in JwsAlgorithm::ALL {
            assert!(a.name().parse::<KeyManagementAlgorithm>().is_err());
        }
    }

    #[test]
    fn none_is_a_policy_error() {
        assert_eq!(
            "none".parse::<JwsAlgorithm>(),
            Err(Error::Policy(Policy::NoneAlgorithm))
        );
        assert_eq!(
            "none".parse::<Algorithm>(),
            Err(Error::Policy(Policy::NoneAlgorithm))
        );
    }

    #[test]
    fn unknown_and_wrong_case_names_are_unsupported() {
        for s in ["hs256", "HS257", "", "RSA-OAEP-1024", "None", "NONE"] {
            assert!(matches!(
                s.parse::<Algorithm>(),
                Err(Error::Unsupported(Unsupported::Algorithm(_)))
            ));
        }
    }

    #[test]
    fn serde_uses_registered_names() {
        let json = serde_json::to_string(&JwsAlgorithm::Es256K).unwrap();
        assert_eq!(json, "\"ES256K\"");
        let a: KeyManagementAlgorithm = serde_json::from_str("\"PBES2-HS512+A256KW\"").unwrap();
        assert_eq!(a, KeyManagementAlgorithm::Pbes2Hs512A256Kw);
        assert!(serde_json::from_str::<JwsAlgorithm>("\"none\"").is_err());
    }

    #[test]
    fn sizes_follow_rfc_7518() {
        assert_eq!(ContentEncryptionAlgorithm::A256CbcHs512.key_len(), 64);
        assert_eq!(ContentEncryptionAlgorithm::A192CbcHs384.tag_len(), 24);
        assert_eq!(
            KeyManagementAlgorithm::Pbes2Hs384A192Kw.wrap_key_len(),
            Some(24)
        );
        assert_eq!(Curve::P521.coordinate_len(), 66);
        assert_eq!(
            JwsAlgorithm::Hs384.requirement(),
            KeyRequirement::OctAtLeast(48)
        );
    }
}
