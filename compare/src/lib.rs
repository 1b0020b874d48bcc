//! The comparison suite's implementations: ours and the peers, each an
//! [`Impl`] that signs and verifies (or encrypts and decrypts) the same
//! claims or payload with the same key, so that the benchmark measures the
//! same work. [`cross_check`] proves that before anything is timed: every
//! implementation's tokens verify with every other.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::{SystemTime, UNIX_EPOCH};

use jose_core::{
    ContentEncryptionAlgorithm, Curve, JwsAlgorithm, KeyManagementAlgorithm, KeyShape,
};
use jose_jwk::{Jwk, Key, KeyFormat, Provider};
use serde::{Deserialize, Serialize};

pub mod floor;
pub mod peers;
pub mod scaling;

/// The issuer, audience and subject every token carries and every verifier
/// checks.
pub const ISSUER: &str = "https://issuer.example.com";
pub const AUDIENCE: &str = "https://api.example.com";
pub const SUBJECT: &str = "248289761001";
pub const SCOPE: &str = "openid profile email read:orders write:orders admin:reports";

/// The name of the row that times serde_json alone on the claims, a floor
/// of the one-call APIs. Its verify allocations are the user struct's own
/// (its strings, serde's buffer for a flattened struct); its sign
/// allocations are the serializer's buffer, not the struct's.
pub const CLAIMS_ALONE: &str = "floor (serde_json, the claims alone)";

/// The claims: about 300 bytes of JSON, a typical access token.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Claims {
    pub iss: String,
    pub sub: String,
    pub aud: String,
    pub exp: u64,
    pub iat: u64,
    pub jti: String,
    #[serde(flatten)]
    pub custom: Custom,
}

/// The claims that are not registered ones.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Custom {
    pub scope: String,
    pub client_id: String,
    pub acr: String,
    pub tenant: String,
}

pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

impl Claims {
    pub fn new() -> Self {
        let now = now();
        Self {
            iss: ISSUER.into(),
            sub: SUBJECT.into(),
            aud: AUDIENCE.into(),
            exp: now + 3600,
            iat: now,
            jti: "6f1d2c3e-4a5b-4c7d-8e9f-0a1b2c3d4e5f".into(),
            custom: Custom::new(),
        }
    }
}

impl Default for Claims {
    fn default() -> Self {
        Self::new()
    }
}

impl Custom {
    pub fn new() -> Self {
        Self {
            scope: SCOPE.into(),
            client_id: "s6BhdRkqt3".into(),
            acr: "urn:mace:incommon:iap:silver".into(),
            tenant: "eu-west-1/production/acme-corporation".into(),
        }
    }
}

impl Default for Custom {
    fn default() -> Self {
        Self::new()
    }
}

/// What a verifier returns: the subject and scope it read, so that the
/// cross-check sees the claims were parsed, not only the signature checked.
pub type Seen = (String, String);

/// One implementation of one JWS operation pair.
pub struct Impl {
    pub name: String,
    pub sign: Box<dyn Fn() -> String>,
    pub verify: Box<dyn Fn(&str) -> Result<Seen, String>>,
}

/// One implementation of one JWE operation pair (1 KiB payload).
pub struct JweImpl {
    pub name: String,
    pub encrypt: Box<dyn Fn() -> String>,
    pub decrypt: Box<dyn Fn(&str) -> Result<Vec<u8>, String>>,
}

/// The keys of the JWS algorithms, made once and shared by everyone.
pub struct Keys {
    pub jwk: Jwk,
    pub alg: JwsAlgorithm,
}

impl Keys {
    pub fn new(alg: JwsAlgorithm) -> Self {
        let provider = jose_rustcrypto::PROVIDER;
        let shape = match alg {
            JwsAlgorithm::Hs256 => KeyShape::Oct { len: 32 },
            JwsAlgorithm::Rs256 => KeyShape::Rsa { bits: 2048 },
            JwsAlgorithm::Es256 => KeyShape::Curve(Curve::P256),
            JwsAlgorithm::Es384 => KeyShape::Curve(Curve::P384),
            JwsAlgorithm::EdDsa => KeyShape::Curve(Curve::Ed25519),
            other => panic!("no key for {other}"),
        };
        Self {
            jwk: provider.generate(shape).unwrap(),
            alg,
        }
    }

    pub fn secret(&self) -> Vec<u8> {
        match self.jwk.key() {
            Key::Oct(k) => k.k().expose().to_vec(),
            _ => panic!("not a symmetric key"),
        }
    }

    pub fn private_pem(&self) -> String {
        self.jwk.to_pem(KeyFormat::Pkcs8).unwrap().to_string()
    }

    pub fn public_pem(&self) -> String {
        self.jwk.to_pem(KeyFormat::Spki).unwrap().to_string()
    }

    pub fn public(&self) -> Jwk {
        self.jwk.to_public().unwrap_or_else(|| self.jwk.clone())
    }
}

/// The JWS operations of the comparison, in table order.
pub const JWS_ALGS: &[JwsAlgorithm] = &[
    JwsAlgorithm::Hs256,
    JwsAlgorithm::Rs256,
    JwsAlgorithm::Es256,
    JwsAlgorithm::Es384,
    JwsAlgorithm::EdDsa,
];

/// Ours with one backend: the one-call JWT API.
pub fn ours(provider: Provider, keys: &Keys) -> Impl {
    let alg = keys.alg;
    let signer = provider.signer(&keys.jwk, alg).unwrap();
    let verifier = provider.verifier(&keys.public()).unwrap();
    let validation = jose_jwt::Validation::new(&[alg])
        .unwrap()
        .issuer(ISSUER)
        .audience(AUDIENCE);
    let claims = Claims::new();
    Impl {
        name: format!("jose ({})", provider.name),
        sign: Box::new(move || jose_jwt::encode(&claims, signer.as_ref()).unwrap()),
        verify: Box::new(move |token| {
            let jwt = jose_jwt::decode::<Claims>(token, &validation, &verifier)
                .map_err(|e| e.to_string())?;
            Ok((jwt.claims.sub, jwt.claims.custom.scope))
        }),
    }
}

/// Ours with RustCrypto, the low-level way: `JwsBuilder` over claims
/// serialized by the caller, `Verification` then serde (no claim checks).
pub fn ours_builder(keys: &Keys) -> Impl {
    let provider = jose_rustcrypto::PROVIDER;
    let alg = keys.alg;
    let signer = provider.signer(&keys.jwk, alg).unwrap();
    let verifier = provider.verifier(&keys.public()).unwrap();
    let verification = jose_jws::Verification::new(&[alg]).unwrap();
    let claims = Claims::new();
    Impl {
        name: "jose builder (rustcrypto)".into(),
        sign: Box::new(move || {
            let payload = serde_json::to_vec(&claims).unwrap();
            jose_jws::JwsBuilder::new(&payload)
                .compact(signer.as_ref())
                .unwrap()
        }),
        verify: Box::new(move |token| {
            let verified = verification
                .verify(token, &verifier)
                .map_err(|e| e.to_string())?;
            let claims: Claims =
                serde_json::from_slice(&verified.payload).map_err(|e| e.to_string())?;
            Ok((claims.sub, claims.custom.scope))
        }),
    }
}

/// Every implementation of `alg`: ours (both backends, and the builder for
/// HS256) and the peers, with `jsonwebtoken` on the backend this process
/// installed.
pub fn jws_impls(keys: &Keys) -> Vec<Impl> {
    let mut all = vec![
        ours(jose_rustcrypto::PROVIDER, keys),
        ours(jose_awslc::PROVIDER, keys),
    ];
    if keys.alg == JwsAlgorithm::Hs256 {
        all.push(ours_builder(keys));
    }
    all.push(peers::jsonwebtoken(keys));
    all.push(peers::jwt_simple(keys));
    all.push(peers::josekit(keys));
    all.push(peers::oxitoken(keys));
    all
}

/// Signs with every implementation and verifies with every other: a
/// harness whose implementations did different work would be worthless.
///
/// # Panics
///
/// On the first token one implementation makes that another refuses.
pub fn cross_check(impls: &[Impl]) {
    for maker in impls {
        let token = (maker.sign)();
        for checker in impls {
            let seen = (checker.verify)(&token).unwrap_or_else(|e| {
                panic!(
                    "{} does not accept the token of {}: {e}",
                    checker.name, maker.name
                )
            });
            assert_eq!(
                seen,
                (SUBJECT.to_string(), SCOPE.to_string()),
                "{} read other claims from {}",
                checker.name,
                maker.name
            );
        }
    }
}

/// The JWE payload: 1 KiB.
pub fn payload() -> Vec<u8> {
    (0..1024u32).map(|i| (i % 251) as u8).collect()
}

/// The JWE operations of the comparison, in table order.
pub const JWE_ALGS: &[(KeyManagementAlgorithm, ContentEncryptionAlgorithm)] = &[
    (
        KeyManagementAlgorithm::Dir,
        ContentEncryptionAlgorithm::A256Gcm,
    ),
    (
        KeyManagementAlgorithm::A256Kw,
        ContentEncryptionAlgorithm::A256Gcm,
    ),
    (
        KeyManagementAlgorithm::RsaOaep256,
        ContentEncryptionAlgorithm::A256Gcm,
    ),
    (
        KeyManagementAlgorithm::EcdhEsA256Kw,
        ContentEncryptionAlgorithm::A256Gcm,
    ),
];

/// The recipient key of a JWE operation.
pub fn jwe_key(alg: KeyManagementAlgorithm, enc: ContentEncryptionAlgorithm) -> Jwk {
    let shape = match alg {
        KeyManagementAlgorithm::Dir => KeyShape::Oct { len: enc.key_len() },
        KeyManagementAlgorithm::A256Kw => KeyShape::Oct { len: 32 },
        KeyManagementAlgorithm::RsaOaep256 => KeyShape::Rsa { bits: 2048 },
        KeyManagementAlgorithm::EcdhEsA256Kw => KeyShape::Curve(Curve::P256),
        other => panic!("no key for {other}"),
    };
    jose_rustcrypto::PROVIDER.generate(shape).unwrap()
}

/// Ours with one backend: a compact JWE of the payload and its decryption.
pub fn ours_jwe(
    provider: Provider,
    jwk: &Jwk,
    alg: KeyManagementAlgorithm,
    enc: ContentEncryptionAlgorithm,
) -> JweImpl {
    let public = jwk.to_public().unwrap_or_else(|| jwk.clone());
    let encryptor = provider.encryptor(&public, alg).unwrap();
    let decrypting = provider.decryptor(jwk).unwrap();
    let decryption = jose_jwe::Decryption::new(&[alg], &[enc]).unwrap();
    let payload = payload();
    JweImpl {
        name: format!("jose ({})", provider.name),
        encrypt: Box::new(move || {
            jose_jwe::JweBuilder::new(&payload, enc)
                .compact(&provider, encryptor.as_ref())
                .unwrap()
        }),
        decrypt: Box::new(move |token| {
            decryption
                .decrypt(&provider, token, &decrypting)
                // The plaintext moved out, as josekit hands over its own.
                .map(|mut d| core::mem::take(&mut *d.plaintext))
                .map_err(|e| e.to_string())
        }),
    }
}

/// Every JWE implementation of `alg` and `enc`, on one key.
pub fn jwe_impls(
    jwk: &Jwk,
    alg: KeyManagementAlgorithm,
    enc: ContentEncryptionAlgorithm,
) -> Vec<JweImpl> {
    vec![
        ours_jwe(jose_rustcrypto::PROVIDER, jwk, alg, enc),
        ours_jwe(jose_awslc::PROVIDER, jwk, alg, enc),
        peers::josekit_jwe(jwk, alg, enc),
    ]
}

/// Encrypts with every implementation and decrypts with every other.
///
/// # Panics
///
/// On the first JWE one implementation makes that another cannot open.
pub fn cross_check_jwe(impls: &[JweImpl]) {
    for maker in impls {
        let token = (maker.encrypt)();
        for checker in impls {
            let plaintext = (checker.decrypt)(&token).unwrap_or_else(|e| {
                panic!(
                    "{} cannot decrypt the JWE of {}: {e}",
                    checker.name, maker.name
                )
            });
            assert_eq!(plaintext, payload(), "{} <- {}", checker.name, maker.name);
        }
    }
}
