//! What a build with only some algorithm families does: the families that
//! are on work, the ones that are off answer `Error::Unsupported`, never a
//! panic or another error. `cargo xtask ci` runs this test with each
//! family's feature alone (and the workspace tests with all of them).

// Helpers outside #[test] functions: clippy.toml's test allowances do not reach them.
#![allow(clippy::panic)]

use jose_core::{
    ContentEncryptionAlgorithm as Enc, Curve, Error, JwsAlgorithm, KeyManagementAlgorithm as Alg,
    KeyShape,
};
use jose_jwk::Jwk;
use jose_rustcrypto::PROVIDER;

/// One key of each family, with the operations that exercise it.
struct Family {
    feature: &'static str,
    on: bool,
    jwk: &'static str,
    /// Signature algorithm the key signs or verifies with, if any.
    jws: Option<JwsAlgorithm>,
    /// Key management algorithm it encrypts to, if any.
    jwe: Option<Alg>,
}

const FAMILIES: &[Family] = &[
    Family {
        feature: "hmac",
        on: cfg!(feature = "hmac"),
        jwk: r#"{"kty":"oct","k":"gvC4rvNBQLU_c0jWFJnCn4XjyUd1tW2eyMVNa53pIwo","alg":"HS256"}"#,
        jws: Some(JwsAlgorithm::Hs256),
        jwe: None,
    },
    Family {
        feature: "rsa",
        on: cfg!(feature = "rsa"),
        jwk: r#"{"kty":"RSA","n":"wsKGlbtn_XvkfnRKFREll1CFDrnGeHTeVp_IoWewCW3v7SsxCAp5x2F6q2XHLLK5L_m4xcOnzAKW8yGVthQda5a_UoEXiaSM5vZBSZ97vML3dqE1BKN_MAzjtQCkHWLw9Feqlznaz0c6Er-jDj5BmIUaMG4Tu9My9t2uJAc60Zz_t4kOgomwK_yqCBvrZh6eDfsdw5Vb4QcS2AVtWFrmP5W0TTKFpH56hRJQCGALFc_U9RupzYLFaPngUIZMZ6RDcXkMT0m-ivFYVpSngGnaYuU64mnQUaBXwNNQ0sUbqTPuIu2W9drwiCiWEZOLAjOAYKTydv-eOR8AQAb5fvBaIQ","e":"AQAB"}"#,
        jws: Some(JwsAlgorithm::Rs256),
        jwe: Some(Alg::RsaOaep256),
    },
    Family {
        feature: "p256",
        on: cfg!(feature = "p256"),
        jwk: r#"{"kty":"EC","crv":"P-256","x":"HJaa4qpAi_sW71RKeL3Ecrmo-hhSnvDKmtCTLolwI5U","y":"mq65hmAqZHuoqwXSUtK4CT0ICVrun04lHQKcGTRJBYQ","d":"95PYUBolwjxLhAR5JMMPC2qn_B-Kkl30IEiL3smQuK4"}"#,
        jws: Some(JwsAlgorithm::Es256),
        jwe: Some(Alg::EcdhEs),
    },
    Family {
        feature: "p384",
        on: cfg!(feature = "p384"),
        jwk: r#"{"kty":"EC","crv":"P-384","x":"a2qNH7YpV2HvvBbvHfnnL9Mvhp-YCJ2PLfAiH-G7xl_l2BlGf-odbBJagNgBogVc","y":"TyrWoyRzCwV2wHrI1B0P4dRz0UKgdE3GBezjskertHhMjUo7mM6zj0_uVJHgAbre","d":"SX8T_YkLn2-8DwfWan8Ex3gyuZhFXDpfB5so8-nPg9yPnud9XNPnsxry6OTwlckU"}"#,
        jws: Some(JwsAlgorithm::Es384),
        jwe: Some(Alg::EcdhEs),
    },
    Family {
        feature: "p521",
        on: cfg!(feature = "p521"),
        jwk: r#"{"kty":"EC","crv":"P-521","x":"ARCkf-FGAdvelaEl0I9q7Cua9bOZhpGk38L6w1pICp9WQ0Ht1l34EM0karYy79jQ6DhHAKXLV0cadeN-2BL9y16F","y":"Aa0k8tNTYh6JWBgjL_NAe79AaZYrfuPo1-o23eb7KvJ4KX_0aAKVeDycIEQBxlQTWdGe_4sSxaoBYPrRGKCrR5YT","d":"AFKt-cAtOcDtwpt9D7uAELgaTW8J_zX8ECkhaMpE5pzRfjKEyCtJtsi1vGMf4Q__c9TeIduDXrJDlyooxE9uLLyB"}"#,
        jws: Some(JwsAlgorithm::Es512),
        jwe: Some(Alg::EcdhEs),
    },
    Family {
        feature: "k256",
        on: cfg!(feature = "k256"),
        jwk: r#"{"kty":"EC","crv":"secp256k1","x":"xbOAULRjGTlLpiVuP8C3FwyqOeTZ9M6Jq4hqgJ-78BU","y":"aiNAoWg3jMZGs5fEJjnHkOo4J10FgUcjTzg40bbBC08","d":"qtxAU0YrPRzlOHybCU3kc3gvNSw-3eamjUzFew07prk"}"#,
        jws: Some(JwsAlgorithm::Es256K),
        jwe: None,
    },
    Family {
        feature: "ed25519",
        on: cfg!(feature = "ed25519"),
        jwk: r#"{"kty":"OKP","crv":"Ed25519","x":"dEeDi4lnomPZQCw4O2PzPTwPYa-QZDgoSU_6r6jdItQ","d":"tyKZcp0Eg9nZUSBMxSlLrQ3AsKvbSGFBb1ie2OYEqMU"}"#,
        jws: Some(JwsAlgorithm::Ed25519),
        jwe: None,
    },
    Family {
        feature: "x25519",
        on: cfg!(feature = "x25519"),
        jwk: r#"{"kty":"OKP","crv":"X25519","x":"TcljN-1gGL9e5lcpVgzyt1izaNZBWmTEBCNsZLVMhiE","d":"84TQj3Qo-pFhniyKp1JWLDAQop8nkGxDbzXyEPkJdQk"}"#,
        jws: None,
        jwe: Some(Alg::EcdhEs),
    },
];

fn unsupported<T: core::fmt::Debug>(r: Result<T, Error>, what: &str) {
    match r {
        Err(Error::Unsupported(_)) => {}
        other => panic!("{what}: expected Unsupported, got {other:?}"),
    }
}

#[test]
fn each_family_works_when_on_and_is_unsupported_when_off() {
    for f in FAMILIES {
        let jwk = Jwk::from_json(f.jwk.as_bytes()).unwrap();
        let what = f.feature;
        if f.on {
            PROVIDER.check(&jwk).unwrap();
            if let Some(alg) = f.jws {
                let verifier = PROVIDER.verifier(&jwk).unwrap();
                if jwk.is_private() && f.feature != "rsa" {
                    let token = jose_jws::JwsBuilder::new(b"x")
                        .compact(&PROVIDER.signer(&jwk, alg).unwrap())
                        .unwrap();
                    jose_jws::Verification::new(&[alg])
                        .unwrap()
                        .verify(&token, &verifier)
                        .unwrap();
                }
            }
            if let Some(alg) = f.jwe {
                PROVIDER.encryptor(&jwk, alg).unwrap();
            }
        } else {
            // Symmetric keys are checked without any family.
            if f.feature != "hmac" {
                unsupported(PROVIDER.check(&jwk), what);
            }
            if let Some(alg) = f.jws {
                unsupported(PROVIDER.verifier(&jwk).map(drop), what);
                if jwk.is_private() {
                    unsupported(PROVIDER.signer(&jwk, alg).map(drop), what);
                }
            }
            if let Some(alg) = f.jwe {
                unsupported(PROVIDER.encryptor(&jwk, alg).map(drop), what);
            }
        }
    }
}

#[test]
fn key_generation_follows_the_families() {
    let shapes = [
        ("rsa", cfg!(feature = "rsa"), KeyShape::Rsa { bits: 2048 }),
        ("p256", cfg!(feature = "p256"), KeyShape::Curve(Curve::P256)),
        ("p384", cfg!(feature = "p384"), KeyShape::Curve(Curve::P384)),
        ("p521", cfg!(feature = "p521"), KeyShape::Curve(Curve::P521)),
        (
            "k256",
            cfg!(feature = "k256"),
            KeyShape::Curve(Curve::Secp256k1),
        ),
        (
            "ed25519",
            cfg!(feature = "ed25519"),
            KeyShape::Curve(Curve::Ed25519),
        ),
        (
            "x25519",
            cfg!(feature = "x25519"),
            KeyShape::Curve(Curve::X25519),
        ),
    ];
    for (feature, on, shape) in shapes {
        let generated = PROVIDER.generate(shape);
        if on {
            assert_eq!(generated.unwrap().shape(), shape, "{feature}");
        } else {
            unsupported(generated, feature);
        }
    }
    // Symmetric keys need no family.
    assert_eq!(
        PROVIDER
            .generate(KeyShape::Oct { len: 32 })
            .unwrap()
            .shape(),
        KeyShape::Oct { len: 32 }
    );
}

#[test]
fn symmetric_jwe_follows_aes_and_pbes2() {
    let aes = cfg!(feature = "aes");
    let key = PROVIDER.generate(KeyShape::Oct { len: 16 }).unwrap();
    assert_eq!(PROVIDER.content_cipher(Enc::A128Gcm).is_ok(), aes);
    // Every algorithm that wraps a key needs AES.
    for alg in [Alg::A128Kw, Alg::A128GcmKw] {
        let encryptor = PROVIDER.encryptor(&key, alg);
        if aes {
            let jwe = jose_jwe::JweBuilder::new(b"x", Enc::A128Gcm)
                .compact(&PROVIDER, &encryptor.unwrap())
                .unwrap();
            assert_eq!(jwe.split('.').count(), 5);
        } else {
            unsupported(encryptor.map(drop), "aes");
        }
    }
    // A key whose only algorithm this build lacks is unsupported.
    let only_gcm_kw = Jwk::oct(&[7; 16])
        .unwrap()
        .with_alg(Alg::A128GcmKw)
        .unwrap();
    let only = PROVIDER.encryptor(&only_gcm_kw, Alg::A128GcmKw).map(drop);
    if aes {
        only.unwrap();
    } else {
        unsupported(only, "aes");
    }
    // `dir` needs no key wrap, only a content cipher.
    let cek = Jwk::oct(&[7; 16]).unwrap();
    let dir = jose_jwe::JweBuilder::new(b"x", Enc::A128Gcm)
        .compact(&PROVIDER, &PROVIDER.encryptor(&cek, Alg::Dir).unwrap());
    if aes {
        dir.unwrap();
    } else {
        unsupported(dir, "aes");
    }
    let password = Jwk::oct(b"correct horse").unwrap();
    let pbes2 = PROVIDER
        .encryptor(&password, Alg::Pbes2Hs256A128Kw)
        .map(drop);
    if cfg!(feature = "pbes2") {
        pbes2.unwrap();
    } else {
        unsupported(pbes2, "pbes2");
    }
}
