//! The peers, each on the same key and claims as ours.

use jose_core::JwsAlgorithm;
use jwt_simple::prelude as js;
use jwt_simple::prelude::{ECDSAP256KeyPairLike as _, ECDSAP256PublicKeyLike as _};
use jwt_simple::prelude::{ECDSAP384KeyPairLike as _, ECDSAP384PublicKeyLike as _};
use jwt_simple::prelude::{EdDSAKeyPairLike as _, EdDSAPublicKeyLike as _, MACLike as _};
use jwt_simple::prelude::{RSAKeyPairLike as _, RSAPublicKeyLike as _};

use crate::{AUDIENCE, Claims, Custom, ISSUER, Impl, Keys, SUBJECT};

/// Which `jsonwebtoken` backend this process uses, from
/// `JOSE_COMPARE_JSONWEBTOKEN` (`rust_crypto`, the default, or `aws_lc`):
/// its provider is process-global, so each backend gets its own run.
pub fn jsonwebtoken_backend() -> &'static str {
    match std::env::var("JOSE_COMPARE_JSONWEBTOKEN").as_deref() {
        Ok("aws_lc") => "aws-lc",
        _ => "RustCrypto",
    }
}

/// Installs the chosen `jsonwebtoken` backend; call once at start.
pub fn install_jsonwebtoken_backend() {
    let provider = match jsonwebtoken_backend() {
        "aws-lc" => &jsonwebtoken::crypto::aws_lc::DEFAULT_PROVIDER,
        _ => &jsonwebtoken::crypto::rust_crypto::DEFAULT_PROVIDER,
    };
    let _ = provider.install_default();
}

/// jsonwebtoken 12 with the installed backend.
pub fn jsonwebtoken(keys: &Keys) -> Impl {
    use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
    let (alg, encoding, decoding) = match keys.alg {
        JwsAlgorithm::Hs256 => (
            Algorithm::HS256,
            EncodingKey::from_secret(&keys.secret()).unwrap(),
            DecodingKey::from_secret(&keys.secret()).unwrap(),
        ),
        JwsAlgorithm::Rs256 => (
            Algorithm::RS256,
            EncodingKey::from_rsa_pem(keys.private_pem().as_bytes()).unwrap(),
            DecodingKey::from_rsa_pem(keys.public_pem().as_bytes()).unwrap(),
        ),
        JwsAlgorithm::Es256 | JwsAlgorithm::Es384 => (
            if keys.alg == JwsAlgorithm::Es256 {
                Algorithm::ES256
            } else {
                Algorithm::ES384
            },
            EncodingKey::from_ec_pem(keys.private_pem().as_bytes()).unwrap(),
            DecodingKey::from_ec_pem(keys.public_pem().as_bytes()).unwrap(),
        ),
        JwsAlgorithm::EdDsa => (
            Algorithm::EdDSA,
            EncodingKey::from_ed_pem(keys.private_pem().as_bytes()).unwrap(),
            DecodingKey::from_ed_pem(keys.public_pem().as_bytes()).unwrap(),
        ),
        other => panic!("no jsonwebtoken case for {other}"),
    };
    let mut validation = Validation::new(alg);
    validation.set_issuer(&[ISSUER]);
    validation.set_audience(&[AUDIENCE]);
    let header = Header::new(alg);
    let claims = Claims::new();
    Impl {
        name: format!("jsonwebtoken ({})", jsonwebtoken_backend()),
        sign: Box::new(move || jsonwebtoken::encode(&header, &claims, &encoding).unwrap()),
        verify: Box::new(move |token| {
            let data = jsonwebtoken::decode::<Claims>(token, &decoding, &validation)
                .map_err(|e| e.to_string())?;
            Ok((data.claims.sub, data.claims.custom.scope))
        }),
    }
}

/// jwt-simple 0.15 (its pure-Rust build).
pub fn jwt_simple(keys: &Keys) -> Impl {
    let options = || js::VerificationOptions {
        allowed_issuers: Some(js::HashSet::from([ISSUER.to_string()])),
        allowed_audiences: Some(js::HashSet::from([AUDIENCE.to_string()])),
        ..Default::default()
    };
    let claims = || {
        js::Claims::with_custom_claims(
            JsCustom {
                custom: Custom::new(),
            },
            js::Duration::from_hours(1),
        )
        .with_issuer(ISSUER)
        .with_subject(SUBJECT)
        .with_audience(AUDIENCE)
        .with_jwt_id("6f1d2c3e-4a5b-4c7d-8e9f-0a1b2c3d4e5f")
    };
    let seen = |c: js::JWTClaims<JsCustom>| -> Result<crate::Seen, String> {
        Ok((c.subject.unwrap_or_default(), c.custom.custom.scope))
    };
    macro_rules! pair {
        ($sign:expr, $verify:expr) => {{
            let (sk, pk) = ($sign, $verify);
            let opts = options();
            (
                Box::new(move || sk.sign(claims()).unwrap()) as Box<dyn Fn() -> String>,
                Box::new(move |t: &str| {
                    pk.verify_token::<JsCustom>(t, Some(opts.clone()))
                        .map_err(|e| e.to_string())
                        .and_then(seen)
                }) as Box<dyn Fn(&str) -> Result<crate::Seen, String>>,
            )
        }};
    }
    let (sign, verify) = match keys.alg {
        JwsAlgorithm::Hs256 => {
            let key = js::HS256Key::from_bytes(&keys.secret());
            let opts = options();
            let check = key.clone();
            (
                Box::new(move || key.authenticate(claims()).unwrap()) as Box<dyn Fn() -> String>,
                Box::new(move |t: &str| {
                    check
                        .verify_token::<JsCustom>(t, Some(opts.clone()))
                        .map_err(|e| e.to_string())
                        .and_then(seen)
                }) as Box<dyn Fn(&str) -> Result<crate::Seen, String>>,
            )
        }
        JwsAlgorithm::Rs256 => pair!(
            js::RS256KeyPair::from_pem(&keys.private_pem()).unwrap(),
            js::RS256PublicKey::from_pem(&keys.public_pem()).unwrap()
        ),
        JwsAlgorithm::Es256 => pair!(
            js::ES256KeyPair::from_pem(&keys.private_pem()).unwrap(),
            js::ES256PublicKey::from_pem(&keys.public_pem()).unwrap()
        ),
        JwsAlgorithm::Es384 => pair!(
            js::ES384KeyPair::from_pem(&keys.private_pem()).unwrap(),
            js::ES384PublicKey::from_pem(&keys.public_pem()).unwrap()
        ),
        JwsAlgorithm::EdDsa => pair!(
            js::Ed25519KeyPair::from_pem(&keys.private_pem()).unwrap(),
            js::Ed25519PublicKey::from_pem(&keys.public_pem()).unwrap()
        ),
        other => panic!("no jwt-simple case for {other}"),
    };
    Impl {
        name: "jwt-simple (RustCrypto)".into(),
        sign,
        verify,
    }
}

/// jwt-simple's custom claims: ours, flattened (its own struct holds the
/// registered ones).
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct JsCustom {
    #[serde(flatten)]
    custom: Custom,
}

/// josekit 0.10 (OpenSSL): its JWT API, claims validated with its
/// `JwtPayloadValidator`.
pub fn josekit(keys: &Keys) -> Impl {
    use josekit::jws::{self, JwsHeader, JwsSigner, JwsVerifier};
    use josekit::jwt::{self, JwtPayload, JwtPayloadValidator};
    let (signer, verifier): (Box<dyn JwsSigner>, Box<dyn JwsVerifier>) = match keys.alg {
        JwsAlgorithm::Hs256 => (
            Box::new(jws::HS256.signer_from_bytes(keys.secret()).unwrap()),
            Box::new(jws::HS256.verifier_from_bytes(keys.secret()).unwrap()),
        ),
        JwsAlgorithm::Rs256 => (
            Box::new(jws::RS256.signer_from_pem(keys.private_pem()).unwrap()),
            Box::new(jws::RS256.verifier_from_pem(keys.public_pem()).unwrap()),
        ),
        JwsAlgorithm::Es256 => (
            Box::new(jws::ES256.signer_from_pem(keys.private_pem()).unwrap()),
            Box::new(jws::ES256.verifier_from_pem(keys.public_pem()).unwrap()),
        ),
        JwsAlgorithm::Es384 => (
            Box::new(jws::ES384.signer_from_pem(keys.private_pem()).unwrap()),
            Box::new(jws::ES384.verifier_from_pem(keys.public_pem()).unwrap()),
        ),
        JwsAlgorithm::EdDsa => (
            Box::new(jws::EdDSA.signer_from_pem(keys.private_pem()).unwrap()),
            Box::new(jws::EdDSA.verifier_from_pem(keys.public_pem()).unwrap()),
        ),
        other => panic!("no josekit case for {other}"),
    };
    let claims = match serde_json::to_value(Claims::new()) {
        Ok(serde_json::Value::Object(map)) => map,
        _ => panic!("claims are an object"),
    };
    let payload = JwtPayload::from_map(claims).unwrap();
    let mut header = JwsHeader::new();
    header.set_token_type("JWT");
    // Made once, as ours: without a base time it checks against the clock.
    let mut validator = JwtPayloadValidator::new();
    validator.set_issuer(ISSUER);
    validator.set_audience(AUDIENCE);
    Impl {
        name: "josekit (OpenSSL)".into(),
        sign: Box::new(move || {
            jwt::encode_with_signer(&payload, &header, signer.as_ref()).unwrap()
        }),
        verify: Box::new(move |token| {
            let (payload, _) =
                jwt::decode_with_verifier(token, verifier.as_ref()).map_err(|e| e.to_string())?;
            validator.validate(&payload).map_err(|e| e.to_string())?;
            let scope = payload
                .claim("scope")
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_string();
            Ok((payload.subject().unwrap_or_default().to_string(), scope))
        }),
    }
}

/// josekit's JWE (compact) of the payload under `jwk`.
pub fn josekit_jwe(
    jwk: &jose_jwk::Jwk,
    alg: jose_core::KeyManagementAlgorithm,
    enc: jose_core::ContentEncryptionAlgorithm,
) -> crate::JweImpl {
    use jose_core::KeyManagementAlgorithm as K;
    use jose_jwk::{Key, KeyFormat};
    use josekit::jwe::{self, JweDecrypter, JweEncrypter, JweHeader};
    let secret = || match jwk.key() {
        Key::Oct(k) => k.k().expose().to_vec(),
        _ => panic!("not a symmetric key"),
    };
    let private = || jwk.to_pem(KeyFormat::Pkcs8).unwrap().to_string();
    let public = || jwk.to_pem(KeyFormat::Spki).unwrap().to_string();
    let (encrypter, decrypter): (Box<dyn JweEncrypter>, Box<dyn JweDecrypter>) = match alg {
        K::Dir => (
            Box::new(jwe::Dir.encrypter_from_bytes(secret()).unwrap()),
            Box::new(jwe::Dir.decrypter_from_bytes(secret()).unwrap()),
        ),
        K::A256Kw => (
            Box::new(jwe::A256KW.encrypter_from_bytes(secret()).unwrap()),
            Box::new(jwe::A256KW.decrypter_from_bytes(secret()).unwrap()),
        ),
        K::RsaOaep256 => (
            Box::new(jwe::RSA_OAEP_256.encrypter_from_pem(public()).unwrap()),
            Box::new(jwe::RSA_OAEP_256.decrypter_from_pem(private()).unwrap()),
        ),
        K::EcdhEsA256Kw => (
            Box::new(jwe::ECDH_ES_A256KW.encrypter_from_pem(public()).unwrap()),
            Box::new(jwe::ECDH_ES_A256KW.decrypter_from_pem(private()).unwrap()),
        ),
        other => panic!("no josekit case for {other}"),
    };
    let mut header = JweHeader::new();
    header.set_content_encryption(enc.name());
    let payload = crate::payload();
    crate::JweImpl {
        name: "josekit (OpenSSL)".into(),
        encrypt: Box::new(move || {
            jwe::serialize_compact(&payload, &header, encrypter.as_ref()).unwrap()
        }),
        decrypt: Box::new(move |token| {
            jwe::deserialize_compact(token, decrypter.as_ref())
                .map(|(p, _)| p)
                .map_err(|e| e.to_string())
        }),
    }
}

/// oxitoken's header: `alg` and `typ`.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct OxHeader {
    alg: oxitoken::Algorithm,
    #[serde(skip_serializing_if = "Option::is_none")]
    typ: Option<String>,
}

impl oxitoken::header::Alg for OxHeader {
    fn alg(&self) -> oxitoken::Algorithm {
        self.alg
    }
}

impl oxitoken::claims::Iss for Claims {
    fn iss(&self) -> &str {
        &self.iss
    }
}

impl oxitoken::claims::Aud for Claims {
    fn aud(&self) -> impl Iterator<Item = impl AsRef<str>> {
        std::iter::once(self.aud.as_str())
    }
}

impl oxitoken::claims::Exp for Claims {
    fn exp(&self) -> i64 {
        i64::try_from(self.exp).unwrap_or(i64::MAX)
    }
}

/// oxitoken 0.1 (aws-lc-rs, patched to build against aws-lc-rs 1.15+):
/// its validation pipeline with issuer, audience and expiry validators.
pub fn oxitoken(keys: &Keys) -> Impl {
    use aws_lc_rs::signature::{self as lc, KeyPair as _};
    use oxitoken::Algorithm as A;
    use oxitoken::crypto::aws_lc::AwsLcVerificationKey;
    use oxitoken::validation::{StaticKeyProvider, ValidationPipeline};
    let der = || keys.jwk.to_der(jose_jwk::KeyFormat::Pkcs8).unwrap();
    let parsed = |alg: &'static dyn lc::VerificationAlgorithm, public: &[u8]| {
        AwsLcVerificationKey::try_from(lc::ParsedPublicKey::new(alg, public).unwrap()).unwrap()
    };
    type Sign = Box<dyn Fn(&OxHeader, &Claims) -> String>;
    let (alg, sign, verifying): (A, Sign, AwsLcVerificationKey) = match keys.alg {
        JwsAlgorithm::Hs256 => {
            let key = aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, &keys.secret());
            let check = AwsLcVerificationKey::try_from(key.clone()).unwrap();
            (
                A::HS256,
                Box::new(move |h, c| oxitoken::encoding::encode(&key, h, c).unwrap()),
                check,
            )
        }
        JwsAlgorithm::Rs256 => {
            let key = lc::RsaKeyPair::from_pkcs8(&der()).unwrap();
            let check = parsed(&lc::RSA_PKCS1_2048_8192_SHA256, key.public_key().as_ref());
            (
                A::RS256,
                Box::new(move |h, c| oxitoken::encoding::encode(&key, h, c).unwrap()),
                check,
            )
        }
        JwsAlgorithm::Es256 | JwsAlgorithm::Es384 => {
            let (alg, signing, verification): (
                A,
                &'static lc::EcdsaSigningAlgorithm,
                &'static dyn lc::VerificationAlgorithm,
            ) = if keys.alg == JwsAlgorithm::Es256 {
                (
                    A::ES256,
                    &lc::ECDSA_P256_SHA256_FIXED_SIGNING,
                    &lc::ECDSA_P256_SHA256_FIXED,
                )
            } else {
                (
                    A::ES384,
                    &lc::ECDSA_P384_SHA384_FIXED_SIGNING,
                    &lc::ECDSA_P384_SHA384_FIXED,
                )
            };
            let key = lc::EcdsaKeyPair::from_pkcs8(signing, &der()).unwrap();
            let check = parsed(verification, key.public_key().as_ref());
            (
                alg,
                Box::new(move |h, c| oxitoken::encoding::encode(&key, h, c).unwrap()),
                check,
            )
        }
        JwsAlgorithm::EdDsa => {
            let key = lc::Ed25519KeyPair::from_pkcs8_maybe_unchecked(&der()).unwrap();
            let check = parsed(&lc::ED25519, key.public_key().as_ref());
            (
                A::EdDSA,
                Box::new(move |h, c| oxitoken::encoding::encode(&key, h, c).unwrap()),
                check,
            )
        }
        other => panic!("no oxitoken case for {other}"),
    };
    let validator =
        ValidationPipeline::<OxHeader, Claims, _>::builder(StaticKeyProvider::from(verifying))
            .with_issuer_validator(ISSUER)
            .with_audience_validator(AUDIENCE)
            .with_expiration_validator()
            .build();
    let header = OxHeader {
        alg,
        typ: Some("JWT".into()),
    };
    let claims = Claims::new();
    Impl {
        name: "oxitoken (aws-lc)".into(),
        sign: Box::new(move || sign(&header, &claims)),
        verify: Box::new(move |token| {
            let (_, claims) = validator
                .verify(token.as_bytes())
                .map_err(|e| format!("{e:?}"))?;
            Ok((claims.sub, claims.custom.scope))
        }),
    }
}
