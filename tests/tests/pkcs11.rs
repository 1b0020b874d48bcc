//! jose-pkcs11 against a real SoftHSM2 token, set up by
//! `shared/pkcs11/softhsm-setup.sh` (`cargo xtask ci` installs SoftHSM2 and
//! runs it, exporting `SOFTHSM2_CONF`, `PKCS11_MODULE`, ...).
//!
//! When the token is missing these tests fail under CI (`CI` set) and say
//! so elsewhere; they never pass by skipping in CI.

// Helpers outside #[test] functions: clippy.toml's test allowances do not reach them.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::sync::{Arc, OnceLock};

use jose_core::KeyShape;
use jose_core::{
    ContentEncryptionAlgorithm as Enc, Error, JwsAlgorithm, KeyManagementAlgorithm as Alg, Policy,
};
use jose_jwe::{Decryption, JweBuilder};
use jose_jwk::Jwk;
use jose_jws::{JwsBuilder, Verification};
use jose_pkcs11::{Pin, Token, TokenKey, TokenOptions, TokenSelector, TokenStore};
use jose_rustcrypto::PROVIDER;
use jose_tests::peer;
use serde_json::{Value, json};

use jose_tests::{SoftHsm as Env, softhsm as env};

/// One token for the whole process (one C_Initialize, one login).
fn token() -> Option<&'static Token> {
    static TOKEN: OnceLock<Option<Token>> = OnceLock::new();
    TOKEN
        .get_or_init(|| {
            let env = env()?;
            add_test_keys(&env);
            let options = TokenOptions::new(PROVIDER).raw_rsa_oaep(true).rsa1_5(true);
            Some(
                Token::open(
                    &env.module,
                    &TokenSelector::Label(env.label),
                    &Pin::Value(env.pin.into()),
                    &options,
                )
                .unwrap(),
            )
        })
        .as_ref()
}

/// Adds to the token, once, the keys `pkcs11-tool` cannot make: an RSA key
/// that may decrypt and may not sign (the only kind of token key that
/// serves RSA1_5, `TokenOptions::rsa1_5`), an EC key pair without
/// CKA_LABEL and CKA_ID, and a 1024-bit RSA key (to be refused).
/// (SoftHSM2 defaults CKA_SIGN to true and pkcs11-tool always labels.) The
/// test makes them through its own PKCS#11 context, finalized before the
/// token is opened.
fn add_test_keys(env: &Env) {
    use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
    use cryptoki::mechanism::Mechanism;
    use cryptoki::object::{Attribute, ObjectClass};
    use cryptoki::session::UserType;
    use cryptoki::types::AuthPin;

    let ctx = Pkcs11::new(&env.module).unwrap();
    ctx.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK))
        .unwrap();
    let slot = ctx
        .get_slots_with_token()
        .unwrap()
        .into_iter()
        .find(|s| ctx.get_token_info(*s).is_ok_and(|i| i.label() == env.label))
        .unwrap();
    let session = ctx.open_rw_session(slot).unwrap();
    session
        .login(UserType::User, Some(&AuthPin::from(env.pin.as_str())))
        .unwrap();
    let label = Attribute::Label(RSA_DECRYPT.as_bytes().to_vec());
    let id = Attribute::Id(vec![0x0a]);
    let existing = session
        .find_objects(&[Attribute::Class(ObjectClass::PRIVATE_KEY), label.clone()])
        .unwrap();
    if existing.is_empty() {
        let public = [
            Attribute::Token(true),
            Attribute::ModulusBits(2048.into()),
            Attribute::PublicExponent(vec![1, 0, 1]),
            Attribute::Encrypt(true),
            Attribute::Verify(false),
            label.clone(),
            id.clone(),
        ];
        let private = [
            Attribute::Token(true),
            Attribute::Private(true),
            Attribute::Sensitive(true),
            Attribute::Decrypt(true),
            Attribute::Sign(false),
            label,
            id,
        ];
        session
            .generate_key_pair(&Mechanism::RsaPkcsKeyPairGen, &public, &private)
            .unwrap();
    }
    // A key pair without CKA_LABEL and CKA_ID: nothing ties the private key
    // to its public key, so the token's keys must skip it.
    let anonymous = session
        .find_objects(&[
            Attribute::Class(ObjectClass::PRIVATE_KEY),
            Attribute::Id(Vec::new()),
        ])
        .unwrap();
    if anonymous.is_empty() {
        let params = vec![0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
        session
            .generate_key_pair(
                &Mechanism::EccKeyPairGen,
                &[
                    Attribute::Token(true),
                    Attribute::EcParams(params),
                    Attribute::Verify(true),
                ],
                &[
                    Attribute::Token(true),
                    Attribute::Private(true),
                    Attribute::Sensitive(true),
                    Attribute::Sign(true),
                ],
            )
            .unwrap();
    }
    // A 1024-bit RSA key pair: too small, so the token's keys must refuse it.
    let small = Attribute::Label(RSA_1024.as_bytes().to_vec());
    let existing = session
        .find_objects(&[Attribute::Class(ObjectClass::PRIVATE_KEY), small.clone()])
        .unwrap();
    if existing.is_empty() {
        let id = Attribute::Id(vec![0x0b]);
        session
            .generate_key_pair(
                &Mechanism::RsaPkcsKeyPairGen,
                &[
                    Attribute::Token(true),
                    Attribute::ModulusBits(1024.into()),
                    Attribute::PublicExponent(vec![1, 0, 1]),
                    Attribute::Verify(true),
                    small.clone(),
                    id.clone(),
                ],
                &[
                    Attribute::Token(true),
                    Attribute::Private(true),
                    Attribute::Sensitive(true),
                    Attribute::Sign(true),
                    small,
                    id,
                ],
            )
            .unwrap();
    }
    drop(session);
    ctx.finalize().unwrap();
}

/// The label of the 1024-bit RSA key the fixture adds.
const RSA_1024: &str = "rsa-1024";

/// RSA keys under 2048 bits are refused on a token as in JWK parsing: a
/// 1024-bit key (factorable with enough money, and refused by RFC 7518
/// section 3.3) cannot be opened by label, and the token's key list skips
/// it, so nothing signs with it by accident.
#[test]
fn rsa_keys_under_2048_bits_on_the_token_are_refused() {
    let Some(token) = token() else {
        return;
    };
    assert!(
        matches!(token.key(RSA_1024), Err(Error::InvalidKey(_))),
        "{:?}",
        token.key(RSA_1024)
    );
    let keys = token.keys().unwrap();
    assert!(keys.iter().all(|k| k.label() != RSA_1024));
    assert!(keys.iter().any(|k| k.label() == "rsa-2048"));
}

/// Whether the token takes OAEP with SHA-2 used to be learnt from the
/// first ciphertext and kept: one crafted JWE could turn RSA-OAEP-256 off
/// for the key, or move every later decryption to the raw-RSA fallback.
/// It is decided at load, and crafted ciphertexts change nothing.
#[test]
fn crafted_ciphertexts_do_not_change_how_oaep_runs() {
    if token().is_none() {
        return;
    }
    let rsa = key("rsa-2048");
    let before = rsa.oaep_sha2_on_token();
    assert!(
        rsa.decrypting_key()
            .unwrap()
            .algorithms()
            .contains(&Alg::RsaOaep256)
    );
    let recipient = rsa.public_jwk().unwrap().clone();
    let encryptor = PROVIDER.encryptor(&recipient, Alg::RsaOaep256).unwrap();
    let good = JweBuilder::new(PAYLOAD, Enc::A256Gcm)
        .compact(&PROVIDER, encryptor.as_ref())
        .unwrap();
    let parts: Vec<&str> = good.split('.').collect();
    let d = Decryption::new(&[Alg::RsaOaep256], &[Enc::A256Gcm]).unwrap();
    for bad_key in [vec![0u8; 256], vec![0xffu8; 256], vec![1u8; 7], Vec::new()] {
        let crafted = format!(
            "{}.{}.{}.{}.{}",
            parts[0],
            jose_core::b64::encode(&bad_key),
            parts[2],
            parts[3],
            parts[4]
        );
        assert!(
            d.decrypt(&PROVIDER, &crafted, &rsa.decrypting_key().unwrap())
                .is_err()
        );
    }
    // The same key handle, and a fresh one, still decrypt as before.
    assert_eq!(rsa.oaep_sha2_on_token(), before);
    for handle in [rsa.clone(), key("rsa-2048")] {
        let opened = d
            .decrypt(&PROVIDER, &good, &handle.decrypting_key().unwrap())
            .unwrap();
        assert_eq!(&*opened.plaintext, PAYLOAD);
        assert_eq!(handle.oaep_sha2_on_token(), before);
    }
}

/// A published token JWK without `use` lets a peer take an encryption key
/// for a verifying key and the reverse: a token key that only signs is
/// published with `use: sig`, one that only opens JWEs with `use: enc`
/// (CKA_SIGN against CKA_DECRYPT/CKA_UNWRAP/CKA_DERIVE). A key that does
/// both gets no `use` (WebCrypto cannot import dual `key_ops`).
#[test]
fn token_jwks_carry_use_from_the_token() {
    use jose_jwk::KeyUse;
    if token().is_none() {
        return;
    }
    for (label, key_use) in [
        ("ed25519", Some(KeyUse::Signature)),
        (RSA_DECRYPT, Some(KeyUse::Encryption)),
        ("rsa-2048", None),
        ("ec-p256", None),
    ] {
        let jwk = key(label).public_jwk().unwrap().clone();
        assert_eq!(jwk.params().key_use, key_use, "{label}");
    }
    let decrypt_only = key(RSA_DECRYPT).public_jwk().unwrap().clone();
    assert!(decrypt_only.verification_algorithms().is_empty());
    assert!(!decrypt_only.encryption_algorithms().is_empty());
    let sign_only = key("ed25519").public_jwk().unwrap().clone();
    assert!(sign_only.encryption_algorithms().is_empty());
}

/// A private key with neither CKA_LABEL nor CKA_ID matched *any* public
/// key of the token, so its JWK could be another key's: such a key is
/// skipped, and every key the store lists has a label.
#[test]
fn a_key_without_label_or_id_is_not_paired_with_a_public_key() {
    let Some(token) = token() else {
        return;
    };
    let store = TokenStore::new(token).unwrap();
    assert!(!store.keys().is_empty());
    for key in store.keys() {
        assert!(!key.label().is_empty(), "{key:?}");
    }
}

fn key(label: &str) -> TokenKey {
    token().unwrap().key(label).unwrap()
}

/// The decrypt-only RSA key `cargo xtask ci` adds to the token.
const RSA_DECRYPT: &str = "rsa-decrypt";

const PAYLOAD: &[u8] = b"signed on the token, verified in software";

fn sign_cases() -> Vec<(&'static str, JwsAlgorithm)> {
    vec![
        ("rsa-2048", JwsAlgorithm::Rs256),
        ("rsa-2048", JwsAlgorithm::Rs384),
        ("rsa-2048", JwsAlgorithm::Rs512),
        ("rsa-2048", JwsAlgorithm::Ps256),
        ("rsa-2048", JwsAlgorithm::Ps384),
        ("rsa-2048", JwsAlgorithm::Ps512),
        ("ec-p256", JwsAlgorithm::Es256),
        ("ec-p384", JwsAlgorithm::Es384),
        ("ec-p521", JwsAlgorithm::Es512),
        ("ed25519", JwsAlgorithm::EdDsa),
        ("ed25519", JwsAlgorithm::Ed25519),
    ]
}

fn public_json(key: &TokenKey) -> Value {
    serde_json::from_str(&key.public_jwk().unwrap().to_json()).unwrap()
}

#[test]
fn every_signing_algorithm_verifies_in_software_and_in_the_npm_peer() {
    if token().is_none() {
        return;
    }
    let mut requests = Vec::new();
    for (label, alg) in sign_cases() {
        let key = key(label);
        let signer = key.signing_key().unwrap().signer(alg).unwrap();
        let token = JwsBuilder::new(PAYLOAD).compact(signer.as_ref()).unwrap();
        // In software, with the public JWK exported from the token.
        let verifying = PROVIDER.verifier(key.public_jwk().unwrap()).unwrap();
        let verified = Verification::new(&[alg])
            .unwrap()
            .verify(&token, &verifying)
            .unwrap();
        assert_eq!(verified.payload, PAYLOAD, "{label} {alg}");
        assert_eq!(verified.protected.kid.as_deref(), Some(label));
        // A second signature: randomized algorithms differ, RSA v1.5 and
        // EdDSA are deterministic.
        let again = JwsBuilder::new(PAYLOAD).compact(signer.as_ref()).unwrap();
        let deterministic = alg.name().starts_with("RS") || alg.name().starts_with("Ed");
        assert_eq!(token == again, deterministic, "{label} {alg}");
        if alg != JwsAlgorithm::Ed25519 {
            requests.push(json!({
                "op": "verify", "format": "compact", "algs": [alg.name()],
                "jwk": public_json(&key), "token": token, "label": format!("{label} {alg}"),
            }));
        }
    }
    let results = peer(&Value::Array(requests.clone()));
    for (req, res) in requests.iter().zip(&results) {
        assert_eq!(
            res["ok"], true,
            "{}: peer said {}",
            req["label"], res["error"]
        );
    }
}

#[test]
fn jwes_for_token_keys_decrypt_on_the_token() {
    let Some(token) = token() else {
        return;
    };
    let rsa = key("rsa-2048");
    let shared = [0x42u8; 32];
    let aes = token.import_aes_key("test-import-aes", &shared).unwrap();
    let shared_jwk = Jwk::from_json(
        json!({"kty": "oct", "k": jose_core::b64::encode(&shared)})
            .to_string()
            .as_bytes(),
    )
    .unwrap();
    let mut cases: Vec<(TokenKey, Jwk, Alg)> = vec![
        (rsa.clone(), rsa.public_jwk().unwrap().clone(), Alg::RsaOaep),
        (
            rsa.clone(),
            rsa.public_jwk().unwrap().clone(),
            Alg::RsaOaep256,
        ),
        (
            rsa.clone(),
            rsa.public_jwk().unwrap().clone(),
            Alg::RsaOaep384,
        ),
        (
            rsa.clone(),
            rsa.public_jwk().unwrap().clone(),
            Alg::RsaOaep512,
        ),
        (aes.clone(), shared_jwk.clone(), Alg::A256Kw),
    ];
    // RSA1_5 with the decrypt-only key (a sender names the algorithm in
    // the recipient's JWK); the signing RSA key never serves it.
    let decrypt_only = key(RSA_DECRYPT);
    assert!(decrypt_only.signing_key().is_err());
    let recipient = decrypt_only.public_jwk().unwrap().clone();
    cases.push((
        decrypt_only,
        recipient.with_alg(Alg::Rsa1_5).unwrap(),
        Alg::Rsa1_5,
    ));
    assert!(
        !jose_core::DecryptingKey::algorithms(&rsa).contains(&Alg::Rsa1_5),
        "a signing key is never offered for RSA1_5"
    );
    for label in ["ec-p256", "ec-p384", "ec-p521"] {
        let k = key(label);
        for alg in [Alg::EcdhEs, Alg::EcdhEsA128Kw, Alg::EcdhEsA256Kw] {
            cases.push((k.clone(), k.public_jwk().unwrap().clone(), alg));
        }
    }
    let mut requests = Vec::new();
    let mut expected = Vec::new();
    for (token_key, recipient, alg) in &cases {
        for enc in [Enc::A256Gcm, Enc::A128CbcHs256] {
            // Made here, in software.
            let encryptor = PROVIDER
                .encrypting_key(recipient)
                .unwrap()
                .key_encryptor(*alg)
                .unwrap();
            let jwe = JweBuilder::new(PAYLOAD, enc)
                .compact(&PROVIDER, encryptor.as_ref())
                .unwrap();
            let opened = Decryption::new(&[*alg], &[enc])
                .unwrap()
                .decrypt(&PROVIDER, &jwe, &token_key.decrypting_key().unwrap())
                .unwrap_or_else(|e| panic!("{} {alg} {enc}: {e}", token_key.label()));
            assert_eq!(&*opened.plaintext, PAYLOAD);
            // Made by the npm peer (which has no RSA1_5).
            if *alg != Alg::Rsa1_5 {
                let jwk: Value = serde_json::from_str(&recipient.to_json()).unwrap();
                requests.push(json!({
                    "op": "encrypt", "format": "compact", "alg": alg.name(), "enc": enc.name(),
                    "jwk": jwk, "plaintext_b64u": jose_core::b64::encode(PAYLOAD),
                }));
                expected.push((token_key.clone(), *alg, enc));
            }
        }
    }
    let results = peer(&Value::Array(requests));
    for ((token_key, alg, enc), res) in expected.iter().zip(&results) {
        assert_eq!(res["ok"], true, "{alg} {enc}: peer said {}", res["error"]);
        let opened = Decryption::new(&[*alg], &[*enc])
            .unwrap()
            .decrypt(
                &PROVIDER,
                res["token"].as_str().unwrap(),
                &token_key.decrypting_key().unwrap(),
            )
            .unwrap_or_else(|e| panic!("npm {} {alg} {enc}: {e}", token_key.label()));
        assert_eq!(&*opened.plaintext, PAYLOAD);
    }
}

#[test]
fn a_token_store_finds_keys_by_kid() {
    let Some(token) = token() else {
        return;
    };
    let store = TokenStore::new(token).unwrap();
    let set = store.public_jwk_set();
    for label in ["rsa-2048", "ec-p256", "ec-p384", "ec-p521", "ed25519"] {
        assert!(
            set.find_by_kid(label).is_some(),
            "{label} missing from the JWK Set"
        );
    }
    // Sign with one key, verify through the store (kid picks the key).
    let signer = key("ec-p384")
        .signing_key()
        .unwrap()
        .signer(JwsAlgorithm::Es384)
        .unwrap();
    let jws = JwsBuilder::new(PAYLOAD).compact(signer.as_ref()).unwrap();
    let verified = Verification::new(&[JwsAlgorithm::Es384])
        .unwrap()
        .verify(&jws, &store)
        .unwrap();
    assert_eq!(verified.payload, PAYLOAD);
    // The store names the key that verified: label, thumbprint, position.
    let position = store.keys().iter().position(|k| k.label() == "ec-p384");
    assert_eq!(verified.key.kid.as_deref(), Some("ec-p384"));
    assert_eq!(Some(verified.key.index), position);
    assert_eq!(verified.key.thumbprint, thumbprint(&key("ec-p384")));
    // Decrypt through the store.
    let p256 = key("ec-p256");
    let encryptor = PROVIDER
        .encrypting_key(p256.public_jwk().unwrap())
        .unwrap()
        .key_encryptor(Alg::EcdhEsA128Kw)
        .unwrap();
    let jwe = JweBuilder::new(PAYLOAD, Enc::A128Gcm)
        .compact(&PROVIDER, encryptor.as_ref())
        .unwrap();
    let opened = Decryption::new(&[Alg::EcdhEsA128Kw], &[Enc::A128Gcm])
        .unwrap()
        .decrypt(&PROVIDER, &jwe, &store)
        .unwrap();
    assert_eq!(&*opened.plaintext, PAYLOAD);
    assert_eq!(opened.key.kid.as_deref(), Some("ec-p256"));
    assert_eq!(opened.key.thumbprint, thumbprint(&p256));
    // A token key given alone reports the same identity, as position 0.
    assert_eq!(p256.identity().kid.as_deref(), Some("ec-p256"));
    assert_eq!(p256.identity().thumbprint, thumbprint(&p256));
}

/// The SHA-256 thumbprint of a token key's public JWK.
fn thumbprint(key: &TokenKey) -> Option<[u8; 32]> {
    let jwk = key.public_jwk()?;
    let t = jwk.thumbprint(&PROVIDER, jose_core::HashAlgorithm::Sha256);
    t.ok()?.try_into().ok()
}

#[test]
fn eight_threads_sign_in_parallel() {
    if token().is_none() {
        return;
    }
    let key = Arc::new(key("ec-p256"));
    let verifying = PROVIDER.verifier(key.public_jwk().unwrap()).unwrap();
    let handles: Vec<_> = (0..8)
        .map(|t| {
            let key = Arc::clone(&key);
            std::thread::spawn(move || {
                let signer = key
                    .signing_key()
                    .unwrap()
                    .signer(JwsAlgorithm::Es256)
                    .unwrap();
                (0..50)
                    .map(|i| {
                        let payload = format!("thread {t} message {i}");
                        JwsBuilder::new(payload.as_bytes())
                            .compact(signer.as_ref())
                            .unwrap()
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let verification = Verification::new(&[JwsAlgorithm::Es256]).unwrap();
    let mut count = 0;
    for handle in handles {
        for token in handle.join().unwrap() {
            verification.verify(&token, &verifying).unwrap();
            count += 1;
        }
    }
    assert_eq!(count, 400);
}

#[test]
fn bad_input_and_faults_are_typed_errors() {
    let Some(token) = token() else {
        return;
    };
    let env = env().unwrap();
    let before = token.keys().unwrap().len();
    // Unknown key.
    assert_eq!(
        token.key("no-such-key").unwrap_err(),
        Error::Policy(Policy::NoMatchingKey)
    );
    // A key of the wrong type for the algorithm.
    assert_eq!(
        key("ec-p256")
            .signing_key()
            .unwrap()
            .signer(JwsAlgorithm::Rs256)
            .unwrap_err(),
        Error::Policy(Policy::KeyAlgorithmMismatch {
            requested: "RS256".into()
        })
    );
    assert!(matches!(
        key("aes-256").signing_key(),
        Err(Error::Policy(Policy::KeyUseForbidden(_)))
    ));
    // Unknown token.
    assert!(matches!(
        Token::open(
            &env.module,
            &TokenSelector::Label("no-such-token".into()),
            &Pin::None,
            &TokenOptions::new(PROVIDER)
        ),
        Err(Error::Backend(_))
    ));
    // A module path that does not exist.
    let err = Token::open(
        "/nonexistent/libpkcs11.so".as_ref(),
        &TokenSelector::Label(env.label.clone()),
        &Pin::None,
        &TokenOptions::new(PROVIDER),
    )
    .unwrap_err();
    assert!(
        matches!(&err, Error::Backend(b) if b.to_string().contains("no PKCS#11 module")),
        "{err}"
    );
    // A mechanism the token lacks: RSA-OAEP-256 without the raw-RSA fallback
    // on SoftHSM2 (which has OAEP with SHA-1 only).
    let plain = Token::open(
        &env.module,
        &TokenSelector::Label(env.label.clone()),
        &Pin::Value(env.pin.clone().into()),
        &TokenOptions::new(PROVIDER),
    )
    .unwrap();
    let rsa = plain.key("rsa-2048").unwrap();
    let encryptor = PROVIDER
        .encrypting_key(rsa.public_jwk().unwrap())
        .unwrap()
        .key_encryptor(Alg::RsaOaep256)
        .unwrap();
    let jwe = JweBuilder::new(PAYLOAD, Enc::A128Gcm)
        .compact(&PROVIDER, encryptor.as_ref())
        .unwrap();
    let result = Decryption::new(&[Alg::RsaOaep256], &[Enc::A128Gcm])
        .unwrap()
        .decrypt(&PROVIDER, &jwe, &rsa.decrypting_key().unwrap());
    // A SoftHSM2 newer than 2.7 may have it: then it must decrypt. Without
    // it (found at load) the key does not offer the algorithm at all.
    let offered = rsa
        .decrypting_key()
        .unwrap()
        .algorithms()
        .contains(&Alg::RsaOaep256);
    assert_eq!(offered, rsa.oaep_sha2_on_token());
    match result {
        Ok(opened) => assert_eq!(&*opened.plaintext, PAYLOAD),
        Err(e) => {
            assert!(!offered);
            assert_eq!(e, Error::Policy(Policy::NoMatchingKey));
        }
    }
    // A tampered JWE fails as DecryptionFailed, on every token algorithm.
    let p256 = key("ec-p256");
    let encryptor = PROVIDER
        .encrypting_key(p256.public_jwk().unwrap())
        .unwrap()
        .key_encryptor(Alg::EcdhEs)
        .unwrap();
    let mut jwe = JweBuilder::new(PAYLOAD, Enc::A128Gcm)
        .compact(&PROVIDER, encryptor.as_ref())
        .unwrap();
    // Flip one character of the ciphertext (the fourth part).
    let at = jwe.match_indices('.').nth(2).unwrap().0 + 2;
    let flipped = if &jwe[at..=at] == "A" { "B" } else { "A" };
    jwe.replace_range(at..=at, flipped);
    assert!(matches!(
        Decryption::new(&[Alg::EcdhEs], &[Enc::A128Gcm])
            .unwrap()
            .decrypt(&PROVIDER, &jwe, &p256.decrypting_key().unwrap()),
        Err(Error::DecryptionFailed)
    ));
    // Nothing was written to the token.
    assert_eq!(token.keys().unwrap().len(), before);
    let _ = KeyShape::Oct { len: 16 };
}
