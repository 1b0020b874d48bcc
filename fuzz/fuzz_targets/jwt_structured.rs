//! JWT validation of structured claims that carry a valid HS256 MAC: the
//! claims set (and the header's extra members) are built from fuzzed
//! members, with registered claim names and dates near a fixed clock, so
//! every input reaches claim parsing and validation, into the generic
//! claims and into a flat user struct.
//!
//! The same claims also go encrypted (`dir` + A256GCM under a fixed key,
//! through `decode_encrypted`) and nested (the signed token encrypted,
//! through `decode_nested`), so those paths see the same claims.
//!
//! Oracle: what validates meets the validation: the issuer and audience
//! asked for, an `exp` not passed and an `nbf` reached (with the leeway),
//! `iat` not in the future.

#![no_main]

use std::sync::{Arc, OnceLock};

use arbitrary::Arbitrary;
use jose_core::{
    ContentEncryptionAlgorithm, DecryptingKey, Header, JwsAlgorithm, KeyEncryptor,
    KeyManagementAlgorithm, Signer, VerifyingKey, b64,
};
use jose_fuzz::{NOW, Name, Value, keys, render_object_with, string};
use jose_jwe::{Decryption, JweBuilder};
use jose_jwk::Jwk;
use jose_jwt::{Claims, ClaimsValidation, Validation};
use jose_rustcrypto::PROVIDER;

use libfuzzer_sys::fuzz_target;

const ISSUER: &str = "https://issuer.example";
const AUDIENCE: &str = "fuzz";
const LEEWAY: u32 = 60;

struct Setup {
    validation: Validation,
    claims: ClaimsValidation,
    key: Arc<dyn VerifyingKey>,
    signer: Box<dyn Signer>,
    decryption: Decryption,
    dir: Arc<dyn DecryptingKey>,
    encryptor: Box<dyn KeyEncryptor>,
}

fn setup() -> &'static Setup {
    static SETUP: OnceLock<Setup> = OnceLock::new();
    SETUP.get_or_init(|| {
        let jwk = Jwk::from_json(keys::HS256.as_bytes()).expect("fixed key");
        let claims = ClaimsValidation::new()
            .issuer(ISSUER)
            .audience(AUDIENCE)
            .leeway(LEEWAY)
            .reject_iat_in_future()
            .clock(|| NOW);
        let dir = Jwk::from_json(keys::DIR.as_bytes()).expect("fixed key");
        Setup {
            validation: Validation::new(&[JwsAlgorithm::Hs256])
                .expect("allow-list")
                .with_claims(claims.clone()),
            claims,
            key: PROVIDER.verifier(&jwk).expect("HS256 key"),
            signer: PROVIDER.signer(&jwk, JwsAlgorithm::Hs256).expect("HS256"),
            decryption: Decryption::new(
                &[KeyManagementAlgorithm::Dir],
                &[ContentEncryptionAlgorithm::A256Gcm],
            )
            .expect("allow-lists"),
            dir: PROVIDER.decryptor(&dir).expect("dir key"),
            encryptor: PROVIDER
                .encryptor(&dir, KeyManagementAlgorithm::Dir)
                .expect("dir"),
        }
    })
}

/// A flat claims struct, as a user writes it.
#[derive(serde::Deserialize, Debug)]
#[allow(dead_code)]
struct Flat {
    sub: Option<String>,
    exp: Option<f64>,
    scope: Option<String>,
    roles: Option<Vec<String>>,
}

#[derive(Arbitrary, Debug)]
struct Input {
    /// Extra header members after `"alg":"HS256"`.
    header: Vec<(Name, Value)>,
    /// `iss`, `aud` and `exp` set right first, before the fuzzed members.
    good_start: bool,
    claims: Vec<(Name, Value)>,
    /// Signed, encrypted or nested.
    form: Form,
}

#[derive(Arbitrary, Debug)]
enum Form {
    Signed,
    Encrypted,
    Nested,
}

fuzz_target!(|input: Input| {
    let setup = setup();
    let header = render_object_with(&[("alg", string("HS256"))], &input.header);
    let leading = if input.good_start {
        vec![
            ("iss", string(ISSUER)),
            ("aud", string(AUDIENCE)),
            ("exp", (NOW + 10).to_string()),
        ]
    } else {
        Vec::new()
    };
    let claims = render_object_with(&leading, &input.claims);
    let signing_input = format!(
        "{}.{}",
        b64::encode(header.as_bytes()),
        b64::encode(claims.as_bytes())
    );
    let Ok(mac) = setup.signer.sign(signing_input.as_bytes()) else {
        return;
    };
    let token = format!("{signing_input}.{}", b64::encode(&mac));
    let encrypt = |plaintext: &[u8], cty: Option<&str>| {
        let mut protected = Header::new();
        if let Some(cty) = cty {
            protected = protected.with_cty(cty);
        }
        JweBuilder::new(plaintext, ContentEncryptionAlgorithm::A256Gcm)
            .protected(protected)
            .compact(&PROVIDER, setup.encryptor.as_ref())
            .ok()
    };
    let decoded = match input.form {
        Form::Signed => jose_jwt::decode::<Claims>(&token, &setup.validation, &setup.key),
        Form::Encrypted => {
            let Some(jwe) = encrypt(claims.as_bytes(), None) else {
                return;
            };
            jose_jwt::decode_encrypted::<Claims>(
                &jwe,
                &PROVIDER,
                &setup.decryption,
                &setup.dir,
                &setup.claims,
            )
        }
        Form::Nested => {
            let Some(jwe) = encrypt(token.as_bytes(), Some("JWT")) else {
                return;
            };
            jose_jwt::decode_nested::<Claims>(
                &jwe,
                &PROVIDER,
                &setup.decryption,
                &setup.dir,
                &setup.validation,
                &setup.key,
            )
        }
    };
    if let Ok(jwt) = decoded {
        let c = &jwt.claims;
        assert_eq!(c.iss.as_deref(), Some(ISSUER), "{claims}");
        if let Some(aud) = &c.aud {
            assert!(aud.contains(AUDIENCE), "{claims}");
        }
        let now = NOW as f64;
        let leeway = f64::from(LEEWAY);
        let exp = c.exp.expect("exp is required");
        assert!(now < exp.as_f64() + leeway, "{claims}");
        if let Some(nbf) = c.nbf {
            assert!(now + leeway >= nbf.as_f64(), "{claims}");
        }
        if let Some(iat) = c.iat {
            assert!(now + leeway >= iat.as_f64(), "{claims}");
        }
    }
    let _ = jose_jwt::decode::<Flat>(&token, &setup.validation, &setup.key);
});
