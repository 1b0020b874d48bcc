//! Known-answer tests of the JWE building blocks of the RustCrypto backend,
//! from the shared RFC vectors: content encryption (RFC 7518 appendix B),
//! AES key wrap (RFC 3394 section 4) and ECDH-ES with the Concat KDF
//! (RFC 7518 appendix C).

// Helpers outside #[test] functions: clippy.toml's test allowances do not reach them.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use jose_core::KeyShape;
use jose_core::{
    ContentEncryptionAlgorithm, Error, Header, KeyManagementAlgorithm, MalformedReason, b64,
};
use jose_jwk::Jwk;
use super::PROVIDER;
use jose_tests::{hex, vector};
use serde_json::{Value, json};

fn str_of<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("vector has no string {key}"))
}

fn oct_jwk(key: &[u8]) -> Jwk {
    Jwk::from_json(
        json!({"kty": "oct", "k": b64::encode(key)})
            .to_string()
            .as_bytes(),
    )
    .unwrap()
}

mod rfc7518_appendix_b {
    use super::*;

    fn case(file: &str) {
        let v = vector(file);
        let enc: ContentEncryptionAlgorithm = str_of(&v, "enc").parse().unwrap();
        let cipher = PROVIDER.content_cipher(enc).unwrap();
        let (k, p, iv, a) = (
            hex(str_of(&v, "K")),
            hex(str_of(&v, "P")),
            hex(str_of(&v, "IV")),
            hex(str_of(&v, "A")),
        );
        let sealed = cipher.encrypt(&k, &iv, &a, &p).unwrap();
        assert_eq!(sealed.ciphertext, hex(str_of(&v, "E")), "{file}: E");
        assert_eq!(sealed.tag, hex(str_of(&v, "T")), "{file}: T");
        let opened = cipher
            .decrypt(&k, &iv, &a, &sealed.ciphertext, &sealed.tag)
            .unwrap();
        assert_eq!(*opened, p);
        // Any change to the tag, the ciphertext, the AAD or the IV fails,
        // always with the same error.
        let mut tag = sealed.tag.clone();
        tag[0] ^= 1;
        let mut ct = sealed.ciphertext.clone();
        ct[5] ^= 0x80;
        let mut aad = a.clone();
        aad.push(0);
        let mut iv2 = iv.clone();
        iv2[0] ^= 1;
        for (what, result) in [
            ("tag", cipher.decrypt(&k, &iv, &a, &sealed.ciphertext, &tag)),
            ("ciphertext", cipher.decrypt(&k, &iv, &a, &ct, &sealed.tag)),
            (
                "aad",
                cipher.decrypt(&k, &iv, &aad, &sealed.ciphertext, &sealed.tag),
            ),
            (
                "iv",
                cipher.decrypt(&k, &iv2, &a, &sealed.ciphertext, &sealed.tag),
            ),
            (
                "truncated tag",
                cipher.decrypt(&k, &iv, &a, &sealed.ciphertext, &sealed.tag[..8]),
            ),
        ] {
            assert_eq!(
                result.unwrap_err(),
                Error::DecryptionFailed,
                "{file}: {what}"
            );
        }
    }

    #[test]
    fn b_1_aes_128_cbc_hmac_sha_256() {
        case("rfc7518/B.1.json");
    }

    #[test]
    fn b_2_aes_192_cbc_hmac_sha_384() {
        case("rfc7518/B.2.json");
    }

    #[test]
    fn b_3_aes_256_cbc_hmac_sha_512() {
        case("rfc7518/B.3.json");
    }
}

mod rfc3394 {
    use super::*;

    fn case(file: &str) {
        let v = vector(file);
        let kek = hex(str_of(&v, "kek"));
        let data = hex(str_of(&v, "key_data"));
        let expected = hex(str_of(&v, "ciphertext"));
        let alg = match kek.len() {
            16 => KeyManagementAlgorithm::A128Kw,
            24 => KeyManagementAlgorithm::A192Kw,
            _ => KeyManagementAlgorithm::A256Kw,
        };
        // The wrapped key's length picks an enc whose CEK it can be.
        let enc = match data.len() {
            16 => ContentEncryptionAlgorithm::A128Gcm,
            24 => ContentEncryptionAlgorithm::A192Gcm,
            _ => ContentEncryptionAlgorithm::A256Gcm,
        };
        let jwk = oct_jwk(&kek);
        let wrapped = PROVIDER
            .encrypting_key(&jwk)
            .unwrap()
            .key_encryptor(alg)
            .unwrap()
            .encrypt_key(&Header::new(), enc, &data)
            .unwrap();
        assert_eq!(wrapped.encrypted_key, expected, "{file}");
        assert!(wrapped.cek.is_none());
        let decryptor = PROVIDER
            .decryptor(&jwk)
            .unwrap()
            .key_decryptor(alg)
            .unwrap();
        let cek = decryptor
            .decrypt_key(&Header::new(), enc, &expected)
            .unwrap();
        assert_eq!(*cek, data);
        let mut bad = expected.clone();
        bad[3] ^= 1;
        assert_eq!(
            decryptor
                .decrypt_key(&Header::new(), enc, &bad)
                .unwrap_err(),
            Error::DecryptionFailed
        );
    }

    #[test]
    fn s4_1_128_bit_kek_128_bit_data() {
        case("rfc3394/4.1.json");
    }

    #[test]
    fn s4_2_192_bit_kek_128_bit_data() {
        case("rfc3394/4.2.json");
    }

    #[test]
    fn s4_3_256_bit_kek_128_bit_data() {
        case("rfc3394/4.3.json");
    }

    #[test]
    fn s4_4_192_bit_kek_192_bit_data() {
        case("rfc3394/4.4.json");
    }

    #[test]
    fn s4_5_256_bit_kek_192_bit_data() {
        case("rfc3394/4.5.json");
    }

    #[test]
    fn s4_6_256_bit_kek_256_bit_data() {
        case("rfc3394/4.6.json");
    }
}

mod rfc7518_appendix_c {
    use super::*;

    fn member(v: &Value, key: &str) -> Value {
        match &v[key] {
            Value::String(s) => serde_json::from_str(&s.replace('\'', "\"")).unwrap(),
            other => other.clone(),
        }
    }

    fn bytes(v: &Value, key: &str) -> Vec<u8> {
        v[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| u8::try_from(b.as_u64().unwrap()).unwrap())
            .collect()
    }

    #[test]
    fn ecdh_es_key_agreement() {
        let v = vector("rfc7518/C.json");
        let bob = Jwk::from_json(member(&v, "bob_key").to_string().as_bytes()).unwrap();
        let header = Header::from_json(member(&v, "header").to_string().as_bytes()).unwrap();
        let cek = PROVIDER
            .decryptor(&bob)
            .unwrap()
            .key_decryptor(KeyManagementAlgorithm::EcdhEs)
            .unwrap()
            .decrypt_key(&header, ContentEncryptionAlgorithm::A128Gcm, &[])
            .unwrap();
        assert_eq!(*cek, bytes(&v, "derived_key_bytes"));
        assert_eq!(b64::encode(&cek), str_of(&v, "derived_key_b64u"));
    }

    #[test]
    fn concat_kdf_alone() {
        let v = vector("rfc7518/C.json");
        let z = bytes(&v, "Z_bytes");
        let derived = jose_core::key_management::concat_kdf(
            PROVIDER.hasher,
            &z,
            16,
            b"A128GCM",
            b"Alice",
            b"Bob",
        )
        .unwrap();
        assert_eq!(*derived, bytes(&v, "derived_key_bytes"));
    }

    #[test]
    fn epk_on_another_curve_is_refused() {
        let v = vector("rfc7518/C.json");
        let bob = Jwk::from_json(member(&v, "bob_key").to_string().as_bytes()).unwrap();
        let mut header = member(&v, "header");
        // A P-384 point instead of the P-256 ephemeral key.
        let p384 = PROVIDER
            .generate(KeyShape::Curve(jose_core::Curve::P384))
            .unwrap()
            .to_public()
            .unwrap();
        header["epk"] = serde_json::from_str(&p384.to_json()).unwrap();
        let header = Header::from_json(header.to_string().as_bytes()).unwrap();
        let err = PROVIDER
            .decryptor(&bob)
            .unwrap()
            .key_decryptor(KeyManagementAlgorithm::EcdhEs)
            .unwrap()
            .decrypt_key(&header, ContentEncryptionAlgorithm::A128Gcm, &[])
            .unwrap_err();
        assert!(
            matches!(&err, Error::Malformed(m) if m.what == "header \"epk\""
                && matches!(m.reason, MalformedReason::Invalid(_))),
            "{err:?}"
        );
    }

    #[test]
    fn epk_off_the_curve_is_refused() {
        let v = vector("rfc7518/C.json");
        let bob = Jwk::from_json(member(&v, "bob_key").to_string().as_bytes()).unwrap();
        let mut header = member(&v, "header");
        // Flip a bit of y: the point leaves the curve (invalid-curve attack).
        let y = b64::decode("y", header["epk"]["y"].as_str().unwrap()).unwrap();
        let mut y = y;
        y[31] ^= 1;
        header["epk"]["y"] = Value::String(b64::encode(&y));
        let header = Header::from_json(header.to_string().as_bytes()).unwrap();
        let err = PROVIDER
            .decryptor(&bob)
            .unwrap()
            .key_decryptor(KeyManagementAlgorithm::EcdhEs)
            .unwrap()
            .decrypt_key(&header, ContentEncryptionAlgorithm::A128Gcm, &[])
            .unwrap_err();
        assert!(matches!(err, Error::InvalidKey(_)), "{err:?}");
    }
}
