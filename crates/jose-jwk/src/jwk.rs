//! [`Jwk`]: one JSON Web Key (RFC 7517): the model, its constructors and
//! accessors, and thumbprints. Parsing and serializing are in `json.rs`,
//! the rules that tie a key to algorithms in `fit.rs`.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use jose_core::json::Object;
use jose_core::{Algorithm, Error, HashAlgorithm, KeyIdentity, KeyShape, KeyType, Secret, b64};
use zeroize::Zeroizing;

use crate::key::{Key, OctKey};
use crate::params::{KeyOp, KeyUse, Parameters};
use crate::provider::Provider;

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
///
/// ```
/// use jose_jwk::Jwk;
/// use jose_core::{JwsAlgorithm, KeyShape};
///
/// // A shared secret for HS256, from its bytes.
/// let key = Jwk::oct(b"a secret of at least thirty-two bytes!")?.with_kid("hmac-1");
/// assert_eq!(key.shape(), KeyShape::Oct { len: 38 });
/// assert!(key.check_fits(JwsAlgorithm::Hs256.into()).is_ok());
/// # Ok::<(), jose_core::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Jwk {
    pub(crate) key: Key,
    pub(crate) params: Parameters,
    pub(crate) other: Object,
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

    /// A symmetric JWK (`kty: "oct"`) holding a copy of `secret`: an HMAC
    /// key, an AES key, a CEK for `dir`, or a PBES2 password.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidKey`] for an empty secret.
    pub fn oct(secret: &[u8]) -> Result<Self, Error> {
        Ok(Self::new(Key::Oct(OctKey::new(Secret::from_slice(
            secret,
        ))?)))
    }

    /// The key material.
    pub fn key(&self) -> &Key {
        &self.key
    }

    /// The key type.
    pub fn key_type(&self) -> KeyType {
        self.key.key_type()
    }

    /// The shape of the key: type and size or curve.
    pub fn shape(&self) -> KeyShape {
        self.key.shape()
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
    /// [`Error::Malformed`] or [`Error::InvalidKey`] when `use` contradicts
    /// `key_ops`, `alg` or the key.
    pub fn with_use(mut self, key_use: KeyUse) -> Result<Self, Error> {
        self.params.key_use = Some(key_use);
        self.check_members()?;
        Ok(self)
    }

    /// Sets `key_ops`.
    ///
    /// # Errors
    ///
    /// [`Error::Malformed`] for duplicates, or when `key_ops` contradicts `use`.
    pub fn with_key_ops(mut self, ops: Vec<KeyOp>) -> Result<Self, Error> {
        self.params.key_ops = Some(ops);
        self.check_members()?;
        Ok(self)
    }

    /// Sets `alg`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidKey`] or [`Error::Malformed`] when the key cannot be
    /// used with `alg` (wrong type, curve or size, or contradicting `use`).
    pub fn with_alg(mut self, alg: impl Into<Algorithm>) -> Result<Self, Error> {
        self.params.alg = Some(alg.into());
        self.check_members()?;
        Ok(self)
    }

    /// Replaces the common members (checked for consistency).
    ///
    /// # Errors
    ///
    /// As [`Jwk::with_alg`] and [`Jwk::with_key_ops`].
    pub fn with_params(mut self, params: Parameters) -> Result<Self, Error> {
        self.params = params;
        self.check_members()?;
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

    /// The JWK thumbprint (RFC 7638) with `hash`, computed by the
    /// provider's hasher.
    ///
    /// # Errors
    ///
    /// [`Error::Unsupported`] when the hasher lacks `hash`.
    pub fn thumbprint(&self, provider: &Provider, hash: HashAlgorithm) -> Result<Vec<u8>, Error> {
        provider
            .hasher
            .hash(hash, self.thumbprint_input().as_bytes())
    }

    /// The key's identity at position `index` of its store: its `kid` and
    /// the RFC 7638 SHA-256 thumbprint of its public half. A symmetric key
    /// gets no thumbprint (it would be a hash of the secret), nor does any
    /// key when the provider's hasher lacks SHA-256.
    pub fn identity(&self, provider: &Provider, index: usize) -> KeyIdentity {
        let thumbprint = self
            .to_public()
            .and_then(|public| public.thumbprint(provider, HashAlgorithm::Sha256).ok())
            .and_then(|t| <[u8; 32]>::try_from(t).ok());
        KeyIdentity::new(self.kid().map(String::from), thumbprint, index)
    }

    /// The JWK thumbprint, base64url-encoded.
    ///
    /// # Errors
    ///
    /// As [`Jwk::thumbprint`].
    pub fn thumbprint_b64(
        &self,
        provider: &Provider,
        hash: HashAlgorithm,
    ) -> Result<String, Error> {
        self.thumbprint(provider, hash).map(|t| b64::encode(&t))
    }

    /// The JWK thumbprint URI (RFC 9278), such as
    /// `urn:ietf:params:oauth:jwk-thumbprint:sha-256:NzbLsXh8...`.
    ///
    /// # Errors
    ///
    /// As [`Jwk::thumbprint`]; [`Error::ApiMisuse`] for SHA-1, which has no
    /// URI form.
    pub fn thumbprint_uri(
        &self,
        provider: &Provider,
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
            self.thumbprint_b64(provider, hash)?
        ))
    }
}
