//! Integration tests of `jose-jwe`: the JWE examples of RFC 7516 appendix A,
//! RFC 7520 section 5 (every serialization each example gives), the X25519
//! cookbook file and RFC 8037 A.6, RFC 7517 appendix C and RFC 7519 A.1;
//! round trips through `JweBuilder` for every key management algorithm with
//! every content encryption algorithm; attacks and malformed input; property
//! tests.
//!
//! RSA and ECDH-ES outputs are randomized, so the vectors' outputs are
//! decrypted; everything that is deterministic given the listed CEK and IV
//! (AES key wrap, AES-GCM key wrap with the given IV, PBES2 with the given
//! salt and count, RSA and ECDH-ES key decryption, content encryption) is
//! reproduced byte for byte through the backend's low-level traits.

// Test code: panicking on a broken expectation is the point, and the
// helpers outside #[test] functions are not covered by clippy.toml.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::std_instead_of_core,
    clippy::alloc_instead_of_core
)]

use std::sync::{Arc, OnceLock};

use jose_core::KeyShape;
use jose_core::{
    Algorithm, CompressionAlgorithm, ContentEncryptionAlgorithm as Enc, Curve, DecryptingKey,
    Error, Header, KeyDecryptor, KeyEncryptor, KeyManagementAlgorithm as Alg, KeyStore,
    MalformedReason, Policy, Unsupported, b64,
};
use jose_jwe::{Decrypted, Decryption, JweBuilder, Limits, Recipient};
use jose_jwk::{Jwk, JwkSet, JwkSetStore, KeySpec};
use jose_tests::{assert_err, b64_at, bytes_at, header_of, hex, jwk_of, str_at, vector};
use serde_json::{Value, json};

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// The backend under test.
use super::PROVIDER as P;

/// A symmetric JWK holding `k`.
fn oct_jwk(k: &[u8]) -> Jwk {
    jwk_of(&json!({"kty": "oct", "k": b64::encode(k)}))
}

/// The PBES2 "key": an oct JWK whose `k` holds the password's bytes.
fn password_jwk(password: &str) -> Jwk {
    oct_jwk(password.as_bytes())
}

/// `jwk` with `alg` named in it when `alg` needs that (RSA1_5 serves only
/// keys that name it): how a user holding a vector's RSA1_5 key loads it.
fn for_alg(jwk: Jwk, alg: Alg) -> Jwk {
    if alg.needs_named_key() && jwk.alg().is_none() {
        jwk.with_alg(alg).unwrap()
    } else {
        jwk
    }
}

fn decrypting(jwk: &Jwk) -> Arc<dyn DecryptingKey> {
    P.decryptor(jwk).unwrap()
}

/// A key encryptor from the public half of `jwk` (symmetric keys as they are).
fn encryptor(jwk: &Jwk, alg: Alg) -> Box<dyn KeyEncryptor> {
    let public = jwk.to_public().unwrap_or_else(|| jwk.clone());
    P.encrypting_key(&public)
        .unwrap()
        .key_encryptor(alg)
        .unwrap()
}

fn decryptor(jwk: &Jwk, alg: Alg) -> Arc<dyn KeyDecryptor> {
    decrypting(jwk).key_decryptor(alg).unwrap()
}

fn allow(algs: &[Alg], encs: &[Enc]) -> Decryption {
    Decryption::new(algs, encs).unwrap()
}

/// Every algorithm and every enc: for tests where the key decides.
fn everything() -> Decryption {
    allow(Alg::ALL, Enc::ALL)
}

/// A key store of `keys`, all usable.
fn store_of(keys: &[&Jwk]) -> JwkSetStore {
    let set: JwkSet = keys.iter().map(|k| (*k).clone()).collect();
    let store = JwkSetStore::new(&set, &P);
    assert!(store.skipped().is_empty(), "{:?}", store.skipped());
    store
}

fn malformed(what: &str, reason: MalformedReason) -> Error {
    Error::malformed(what.to_string(), reason)
}

fn random(len: usize) -> Vec<u8> {
    let mut out = vec![0u8; len];
    P.random.fill(&mut out).unwrap();
    out
}

/// One 2048-bit RSA key for every round trip (generation is slow).
fn rsa_key() -> &'static Jwk {
    static KEY: OnceLock<Jwk> = OnceLock::new();
    KEY.get_or_init(|| P.generate(KeyShape::Rsa { bits: 2048 }).unwrap())
}

/// Every serialization a cookbook file gives, by its name in `output`.
fn outputs(v: &Value) -> Vec<(String, String)> {
    v["output"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(form, value)| {
            let text = match value {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            (form.clone(), text)
        })
        .collect()
}

/// The parts of a compact JWE.
fn parts(token: &str) -> Vec<String> {
    let p: Vec<String> = token.split('.').map(String::from).collect();
    assert_eq!(p.len(), 5, "not a compact JWE: {token}");
    p
}

/// Replaces part `index` of a compact JWE.
fn with_part(token: &str, index: usize, part: &str) -> String {
    let mut p = parts(token);
    p[index] = part.to_string();
    p.join(".")
}

/// Flips the low bit of byte `at` of the decoded part `index`.
fn flip_part(token: &str, index: usize, at: usize) -> String {
    let mut bytes = b64::decode("part", &parts(token)[index]).unwrap();
    bytes[at] ^= 1;
    with_part(token, index, &b64::encode(&bytes))
}

/// Decodes part `index` of a compact JWE.
fn part_bytes(token: &str, index: usize) -> Vec<u8> {
    b64::decode("part", &parts(token)[index]).unwrap()
}

/// Content encryption with the listed CEK, IV and AAD reproduces the listed
/// ciphertext and tag, and decrypts back.
fn check_content(
    enc: Enc,
    cek: &[u8],
    iv: &[u8],
    aad: &[u8],
    plaintext: &[u8],
    ciphertext: &[u8],
    tag: &[u8],
) {
    let cipher = P.content_cipher(enc).unwrap();
    let sealed = cipher.encrypt(cek, iv, aad, plaintext).unwrap();
    assert_eq!(sealed.ciphertext, ciphertext, "{enc}: ciphertext");
    assert_eq!(sealed.tag, tag, "{enc}: tag");
    let opened = cipher.decrypt(cek, iv, aad, ciphertext, tag).unwrap();
    assert_eq!(*opened, plaintext);
}

/// What every successful decryption must show.
fn check_decrypted(got: &Decrypted, plaintext: &[u8], alg: Alg, enc: Enc, index: usize) {
    assert_eq!(&*got.plaintext, plaintext);
    assert_eq!(got.alg, alg);
    assert_eq!(got.enc, enc);
    assert_eq!(got.recipient_index, index);
    assert_eq!(got.joint.alg, Some(Algorithm::KeyManagement(alg)));
    assert_eq!(got.joint.enc, Some(enc));
}

// ---------------------------------------------------------------------------
// Crafted JWEs: any header text, the CEK wrapped with A128KW under kw_key()
// ---------------------------------------------------------------------------

/// The A128KW key of every crafted JWE (the key of RFC 7516 A.3).
fn kw_key() -> Jwk {
    oct_jwk(&b64::decode("k", "GawgguFyGrWKav7AX4VKUg").unwrap())
}

/// The first `enc` named by any of the header objects (A128GCM otherwise).
fn enc_of(headers: &[Option<&Value>]) -> Enc {
    headers
        .iter()
        .flatten()
        .find_map(|h| h.get("enc")?.as_str()?.parse().ok())
        .unwrap_or(Enc::A128Gcm)
}

/// A fresh CEK wrapped under kw_key(), a random IV and the content sealed
/// under `aad`: (encrypted key, iv, ciphertext, tag).
fn seal_parts(enc: Enc, aad: &[u8], plaintext: &[u8]) -> [Vec<u8>; 4] {
    let cek = random(enc.key_len());
    let ek = encryptor(&kw_key(), Alg::A128Kw)
        .encrypt_key(&Header::new(), enc, &cek)
        .unwrap()
        .encrypted_key;
    let iv = random(enc.iv_len());
    let sealed = P
        .content_cipher(enc)
        .unwrap()
        .encrypt(&cek, &iv, aad, plaintext)
        .unwrap();
    [ek, iv, sealed.ciphertext, sealed.tag]
}

/// A compact JWE whose protected header is exactly the text `header`.
fn craft_compact(header: &str, plaintext: &[u8]) -> String {
    let parsed: Option<Value> = serde_json::from_str(header).ok();
    let enc = enc_of(&[parsed.as_ref()]);
    let protected = b64::encode(header.as_bytes());
    let [ek, iv, ct, tag] = seal_parts(enc, protected.as_bytes(), plaintext);
    format!(
        "{protected}.{}.{}.{}.{}",
        b64::encode(&ek),
        b64::encode(&iv),
        b64::encode(&ct),
        b64::encode(&tag)
    )
}

/// A flattened JSON JWE with these headers and AAD.
fn craft_flat(
    protected: Option<&Value>,
    unprotected: Option<&Value>,
    header: Option<&Value>,
    aad: Option<&[u8]>,
    plaintext: &[u8],
) -> Value {
    let enc = enc_of(&[protected, unprotected, header]);
    let protected_b64 = protected.map_or(String::new(), |p| b64::encode(p.to_string().as_bytes()));
    let mut full_aad = protected_b64.clone();
    if let Some(a) = aad {
        full_aad.push('.');
        full_aad.push_str(&b64::encode(a));
    }
    let [ek, iv, ct, tag] = seal_parts(enc, full_aad.as_bytes(), plaintext);
    let mut doc = json!({
        "encrypted_key": b64::encode(&ek),
        "iv": b64::encode(&iv),
        "ciphertext": b64::encode(&ct),
        "tag": b64::encode(&tag),
    });
    if protected.is_some() {
        doc["protected"] = json!(protected_b64);
    }
    if let Some(u) = unprotected {
        doc["unprotected"] = u.clone();
    }
    if let Some(h) = header {
        doc["header"] = h.clone();
    }
    if let Some(a) = aad {
        doc["aad"] = json!(b64::encode(a));
    }
    doc
}

/// The general form of a flattened JWE: its `header` and `encrypted_key`
/// moved into the only recipient.
fn to_general(flat: &Value) -> Value {
    let mut doc = flat.clone();
    let obj = doc.as_object_mut().unwrap();
    let mut recipient = serde_json::Map::new();
    for name in ["header", "encrypted_key"] {
        if let Some(v) = obj.remove(name) {
            recipient.insert(name.into(), v);
        }
    }
    obj.insert("recipients".into(), json!([recipient]));
    doc
}

/// Decrypts a crafted JWE with kw_key(), A128KW and every enc.
fn open_crafted(text: &str) -> Result<Decrypted, Error> {
    allow(&[Alg::A128Kw], Enc::ALL).decrypt(&P, text, &decrypting(&kw_key()))
}

// ---------------------------------------------------------------------------
// RFC 7516 appendix A
// ---------------------------------------------------------------------------

mod rfc7516 {
    use super::*;

    /// The checks shared by the compact examples A.1 to A.3: the vector
    /// agrees with itself, the compact JWE decrypts exactly under an
    /// allow-list of its own algorithms (and is refused under one without
    /// them), the key decryptor recovers the listed CEK, and content
    /// encryption with the listed CEK, IV and AAD reproduces the listed
    /// ciphertext and tag.
    fn check_compact(path: &str) -> (Value, Jwk) {
        let v = vector(path);
        let alg: Alg = str_at(&v, "/alg").parse().unwrap();
        let enc: Enc = str_at(&v, "/enc").parse().unwrap();
        let jwk = for_alg(jwk_of(&v["key"]), alg);
        let protected_b64 = str_at(&v, "/protected_b64u");
        let plaintext = str_at(&v, "/plaintext").as_bytes();
        let cek = b64_at(&v, "/cek_b64u");
        let encrypted_key = b64_at(&v, "/encrypted_key_b64u");
        let iv = b64_at(&v, "/iv_b64u");
        let ciphertext = b64_at(&v, "/ciphertext_b64u");
        let tag = b64_at(&v, "/tag_b64u");
        let compact = str_at(&v, "/expected/compact");

        // The vector agrees with itself.
        assert_eq!(
            b64::encode(str_at(&v, "/protected_header_raw").as_bytes()),
            protected_b64
        );
        assert_eq!(str_at(&v, "/aad_ascii"), protected_b64);
        assert_eq!(bytes_at(&v, "/cek_bytes"), cek);
        assert_eq!(bytes_at(&v, "/plaintext_bytes"), plaintext);
        assert_eq!(
            compact,
            [
                protected_b64,
                str_at(&v, "/encrypted_key_b64u"),
                str_at(&v, "/iv_b64u"),
                str_at(&v, "/ciphertext_b64u"),
                str_at(&v, "/tag_b64u"),
            ]
            .join(".")
        );

        let key = decrypting(&jwk);
        let got = allow(&[alg], &[enc]).decrypt(&P, compact, &key).unwrap();
        check_decrypted(&got, plaintext, alg, enc, 0);
        assert_eq!(got.protected, header_of(&v["protected_header"]));
        assert_eq!(got.joint, got.protected);
        assert_eq!(got.aad, None);
        // The same through a JWK Set.
        let got = allow(&[alg], &[enc])
            .decrypt(&P, compact, &store_of(&[&jwk]))
            .unwrap();
        check_decrypted(&got, plaintext, alg, enc, 0);

        // Another algorithm or enc in the allow-list: refused by name.
        let others: Vec<Alg> = Alg::ALL.iter().copied().filter(|a| *a != alg).collect();
        assert_eq!(
            allow(&others, Enc::ALL).decrypt(&P, compact, &key),
            Err(Error::Policy(Policy::AlgorithmNotAllowed(
                alg.name().into()
            )))
        );
        let other_encs: Vec<Enc> = Enc::ALL.iter().copied().filter(|e| *e != enc).collect();
        assert_eq!(
            allow(&[alg], &other_encs).decrypt(&P, compact, &key),
            Err(Error::Policy(Policy::AlgorithmNotAllowed(
                enc.name().into()
            )))
        );

        let header = header_of(&v["protected_header"]);
        let recovered = decryptor(&jwk, alg)
            .decrypt_key(&header, enc, &encrypted_key)
            .unwrap();
        assert_eq!(*recovered, cek, "{path}: CEK");
        check_content(
            enc,
            &cek,
            &iv,
            protected_b64.as_bytes(),
            plaintext,
            &ciphertext,
            &tag,
        );

        // Our own JWE to the same key, same algorithms.
        let e = encryptor(&jwk, alg);
        let token = JweBuilder::new(plaintext, enc)
            .compact(&P, e.as_ref())
            .unwrap();
        let got = allow(&[alg], &[enc]).decrypt(&P, &token, &key).unwrap();
        check_decrypted(&got, plaintext, alg, enc, 0);
        (v, jwk)
    }

    #[test]
    fn a_1_rsa_oaep_a256gcm() {
        check_compact("rfc7516/A.1.json");
    }

    #[test]
    fn a_2_rsa1_5_a128cbc_hs256() {
        check_compact("rfc7516/A.2.json");
    }

    #[test]
    fn a_3_a128kw_a128cbc_hs256() {
        let (v, jwk) = check_compact("rfc7516/A.3.json");
        // AES key wrap is deterministic: the listed encrypted key, byte for byte.
        let wrapped = encryptor(&jwk, Alg::A128Kw)
            .encrypt_key(&Header::new(), Enc::A128CbcHs256, &b64_at(&v, "/cek_b64u"))
            .unwrap();
        assert_eq!(wrapped.encrypted_key, b64_at(&v, "/encrypted_key_b64u"));
        assert!(wrapped.cek.is_none());
        assert!(wrapped.header.is_empty());
    }

    #[test]
    fn a_4_general_two_recipients() {
        let v = vector("rfc7516/A.4.json");
        let text = v["expected"]["json_general"].to_string();
        let plaintext = str_at(&v, "/plaintext").as_bytes();
        let enc = Enc::A128CbcHs256;
        let rsa = for_alg(jwk_of(&v["recipients"][0]["key"]), Alg::Rsa1_5);
        let kw = jwk_of(&v["recipients"][1]["key"]);
        let both = [Alg::Rsa1_5, Alg::A128Kw];
        let protected = header_of(&v["protected_header"]);
        let jku = Some("https://server.example.com/keys.jwks".to_string());

        for (index, (jwk, alg, kid)) in [(&rsa, Alg::Rsa1_5, "2011-04-29"), (&kw, Alg::A128Kw, "7")]
            .into_iter()
            .enumerate()
        {
            let got = allow(&both, &[enc])
                .decrypt(&P, &text, &decrypting(jwk))
                .unwrap();
            check_decrypted(&got, plaintext, alg, enc, index);
            assert_eq!(got.protected, protected);
            assert_eq!(got.protected.alg, None);
            assert_eq!(got.joint.kid.as_deref(), Some(kid));
            assert_eq!(got.joint.jku, jku);
            assert_eq!(got.aad, None);
            // Each recipient's encrypted key gives the one CEK.
            let header = header_of(&v["recipients"][index]["header"]);
            let cek = decryptor(jwk, alg)
                .decrypt_key(
                    &header,
                    enc,
                    &b64_at(&v, &format!("/recipients/{index}/encrypted_key_b64u")),
                )
                .unwrap();
            assert_eq!(*cek, b64_at(&v, "/cek_b64u"));
        }

        // A set of both keys opens it with the first recipient; an allow-list
        // of A128KW alone skips the RSA1_5 recipient. The vector's keys have
        // no kid and its headers name one: the set is told to try them.
        let store = store_of(&[&rsa, &kw]).match_keys_without_kid();
        let got = allow(&both, &[enc]).decrypt(&P, &text, &store).unwrap();
        check_decrypted(&got, plaintext, Alg::Rsa1_5, enc, 0);
        let got = allow(&[Alg::A128Kw], &[enc])
            .decrypt(&P, &text, &store)
            .unwrap();
        check_decrypted(&got, plaintext, Alg::A128Kw, enc, 1);
        assert_eq!(
            allow(&[Alg::A256Kw], &[enc]).decrypt(&P, &text, &store),
            Err(Error::Policy(Policy::AlgorithmNotAllowed("RSA1_5".into())))
        );

        // Deterministic: the A128KW encrypted key and the content.
        let wrapped = encryptor(&kw, Alg::A128Kw)
            .encrypt_key(&Header::new(), enc, &b64_at(&v, "/cek_b64u"))
            .unwrap();
        assert_eq!(
            wrapped.encrypted_key,
            b64_at(&v, "/recipients/1/encrypted_key_b64u")
        );
        assert_eq!(str_at(&v, "/aad_ascii"), str_at(&v, "/protected_b64u"));
        check_content(
            enc,
            &b64_at(&v, "/cek_b64u"),
            &b64_at(&v, "/iv_b64u"),
            str_at(&v, "/aad_ascii").as_bytes(),
            plaintext,
            &b64_at(&v, "/ciphertext_b64u"),
            &b64_at(&v, "/tag_b64u"),
        );
    }

    #[test]
    fn a_5_flattened() {
        let v = vector("rfc7516/A.5.json");
        let text = v["expected"]["json_flattened"].to_string();
        let plaintext = str_at(&v, "/plaintext").as_bytes();
        let jwk = jwk_of(&v["key"]);
        let enc = Enc::A128CbcHs256;
        // The key has no kid and the header names "7": the key given alone
        // is the caller's choice; a set tries it only when told to.
        for keys in [
            &decrypting(&jwk) as &dyn KeyStore,
            &store_of(&[&jwk]).match_keys_without_kid() as &dyn KeyStore,
        ] {
            let got = allow(&[Alg::A128Kw], &[enc])
                .decrypt(&P, &text, keys)
                .unwrap();
            check_decrypted(&got, plaintext, Alg::A128Kw, enc, 0);
            assert_eq!(got.protected, header_of(&v["protected_header"]));
            assert_eq!(got.joint.kid.as_deref(), Some("7"));
            assert_eq!(
                got.joint.jku.as_deref(),
                Some("https://server.example.com/keys.jwks")
            );
        }
        let wrapped = encryptor(&jwk, Alg::A128Kw)
            .encrypt_key(&Header::new(), enc, &b64_at(&v, "/cek_b64u"))
            .unwrap();
        assert_eq!(wrapped.encrypted_key, b64_at(&v, "/encrypted_key_b64u"));
        check_content(
            enc,
            &b64_at(&v, "/cek_b64u"),
            &b64_at(&v, "/iv_b64u"),
            str_at(&v, "/aad_ascii").as_bytes(),
            plaintext,
            &b64_at(&v, "/ciphertext_b64u"),
            &b64_at(&v, "/tag_b64u"),
        );
        // The same JWE in the general form decrypts the same.
        let general = to_general(&v["expected"]["json_flattened"]).to_string();
        let got = allow(&[Alg::A128Kw], &[enc])
            .decrypt(&P, &general, &decrypting(&jwk))
            .unwrap();
        check_decrypted(&got, plaintext, Alg::A128Kw, enc, 0);
    }
}

// ---------------------------------------------------------------------------
// RFC 7520 section 5 (and the X25519 file of the same cookbook)
// ---------------------------------------------------------------------------

mod rfc7520 {
    use super::*;

    const ALL_FORMS: &[&str] = &["compact", "json", "json_flat"];
    const JSON_FORMS: &[&str] = &["json", "json_flat"];

    /// Decrypts every serialization of a cookbook file (and checks that
    /// exactly `forms` are there) with `keys`, expecting the input plaintext,
    /// `alg`, `enc`, recipient `index`, the listed protected header and, when
    /// the file has one, the listed AAD. Returns the vector.
    fn decrypt_outputs(
        path: &str,
        forms: &[&str],
        keys: &dyn KeyStore,
        alg: Alg,
        index: usize,
    ) -> Value {
        let v = vector(path);
        let plaintext = str_at(&v, "/input/plaintext").as_bytes();
        let content = &v["encrypting_content"];
        let protected = content.get("protected").map_or_else(Header::new, header_of);
        let enc: Enc = protected
            .enc
            .or_else(|| content.get("unprotected").and_then(|u| header_of(u).enc))
            .unwrap();
        if let Some(p) = content.get("protected") {
            // The listed protected header is the one encoded.
            let decoded: Value =
                serde_json::from_slice(&b64_at(&v, "/encrypting_content/protected_b64u")).unwrap();
            assert_eq!(&decoded, p);
        }
        let aad = v.pointer("/input/aad").and_then(Value::as_str);
        let mut found: Vec<String> = Vec::new();
        for (form, text) in outputs(&v) {
            found.push(form.clone());
            let got = allow(&[alg], &[enc])
                .decrypt(&P, &text, keys)
                .unwrap_or_else(|e| panic!("{path} {form}: {e}"));
            check_decrypted(&got, plaintext, alg, enc, index);
            assert_eq!(got.protected, protected, "{path} {form}");
            assert_eq!(got.aad.as_deref(), aad.map(str::as_bytes), "{path} {form}");
            if form == "compact" {
                assert_eq!(got.joint, got.protected);
            }
            // Under an allow-list without its alg, the JWE is refused by name.
            let other = if alg == Alg::A256Kw {
                Alg::A128Kw
            } else {
                Alg::A256Kw
            };
            assert_eq!(
                allow(&[other], &[enc]).decrypt(&P, &text, keys),
                Err(Error::Policy(Policy::AlgorithmNotAllowed(
                    alg.name().into()
                ))),
                "{path} {form}"
            );
        }
        found.sort();
        let mut wanted: Vec<String> = forms.iter().map(|f| (*f).to_string()).collect();
        wanted.sort();
        assert_eq!(found, wanted, "{path}: serializations");
        v
    }

    /// The content encryption of a cookbook file, reproduced from its CEK,
    /// IV and AAD (`BASE64URL(protected)`, plus `.BASE64URL(aad)`).
    fn check_cookbook_content(v: &Value, cek: &[u8]) {
        let content = &v["encrypting_content"];
        let protected_b64 = content
            .get("protected_b64u")
            .and_then(Value::as_str)
            .unwrap_or("");
        let mut aad = protected_b64.to_string();
        if let Some(extra) = v.pointer("/generated/aad_b64u").and_then(Value::as_str) {
            assert_eq!(extra, b64::encode(str_at(v, "/input/aad").as_bytes()));
            aad.push('.');
            aad.push_str(extra);
        }
        let enc = content
            .get("protected")
            .and_then(|p| header_of(p).enc)
            .or_else(|| content.get("unprotected").and_then(|u| header_of(u).enc))
            .unwrap();
        // Compressed content is encrypted after DEFLATE.
        let plaintext = match v.pointer("/generated/plaintext_c") {
            Some(_) => b64_at(v, "/generated/plaintext_c"),
            None => str_at(v, "/input/plaintext").as_bytes().to_vec(),
        };
        check_content(
            enc,
            cek,
            &b64_at(v, "/generated/iv"),
            aad.as_bytes(),
            &plaintext,
            &b64_at(v, "/encrypting_content/ciphertext"),
            &b64_at(v, "/encrypting_content/tag"),
        );
    }

    /// Key decryption of a single-recipient cookbook file's encrypted key
    /// with its key gives the listed CEK.
    fn check_key_decryption(v: &Value, jwk: &Jwk, alg: Alg, cek: &[u8]) {
        let content = &v["encrypting_content"];
        let header = content.get("protected").map_or_else(Header::new, header_of);
        let enc = header.enc.unwrap_or(Enc::A128Gcm);
        let ek = v
            .pointer("/encrypting_key/encrypted_key")
            .and_then(Value::as_str)
            .map_or_else(Vec::new, |s| b64::decode("ek", s).unwrap());
        let got = decryptor(jwk, alg).decrypt_key(&header, enc, &ek).unwrap();
        assert_eq!(*got, cek);
    }

    #[test]
    fn every_section_5_file_is_tested() {
        let names: Vec<String> = jose_tests::vectors_in("rfc7520/jwe")
            .into_iter()
            .map(|(name, _)| name)
            .collect();
        assert_eq!(
            names,
            [
                "rfc7520/jwe/5_1.key_encryption_using_rsa_v15_and_aes-hmac-sha2.json",
                "rfc7520/jwe/5_10.including_additional_authentication_data.json",
                "rfc7520/jwe/5_11.protecting_specific_header_fields.json",
                "rfc7520/jwe/5_12.protecting_content_only.json",
                "rfc7520/jwe/5_13.encrypting_to_multiple_recipients.json",
                "rfc7520/jwe/5_2.key_encryption_using_rsa-oaep_with_aes-gcm.json",
                "rfc7520/jwe/5_3.key_wrap_using_pbes2-aes-keywrap_with-aes-cbc-hmac-sha2.json",
                "rfc7520/jwe/5_4.key_agreement_with_key_wrapping_using_ecdh-es_and_aes-keywrap_with_aes-gcm.json",
                "rfc7520/jwe/5_5.key_agreement_using_ecdh-es_with_aes-cbc-hmac-sha2.json",
                "rfc7520/jwe/5_6.direct_encryption_using_aes-gcm.json",
                "rfc7520/jwe/5_7.key_wrap_using_aes-gcm_keywrap_with_aes-cbc-hmac-sha2.json",
                "rfc7520/jwe/5_8.key_wrap_using_aes-keywrap_with_aes-gcm.json",
                "rfc7520/jwe/5_9.compressed_content.json",
            ]
        );
    }

    use super::rfc7520_files::*;

    /// The input key of a single-recipient cookbook file.
    fn input_key(path: &str) -> Jwk {
        let v = vector(path);
        let jwk = jwk_of(&v["input"]["key"]);
        match v["input"]["alg"].as_str().map(str::parse) {
            Some(Ok(alg)) => for_alg(jwk, alg),
            _ => jwk,
        }
    }

    /// An AES key wrap file: the output decrypts through the single key and
    /// through a JWK Set, the encrypted key is the wrap of the listed CEK,
    /// and the content is reproduced.
    fn check_aes_kw(path: &str, forms: &[&str]) -> Value {
        let jwk = input_key(path);
        decrypt_outputs(path, forms, &store_of(&[&jwk]), Alg::A128Kw, 0);
        let v = decrypt_outputs(path, forms, &decrypting(&jwk), Alg::A128Kw, 0);
        let cek = b64_at(&v, "/generated/cek");
        let wrapped = encryptor(&jwk, Alg::A128Kw)
            .encrypt_key(&Header::new(), Enc::A128Gcm, &cek)
            .unwrap();
        assert_eq!(
            wrapped.encrypted_key,
            b64_at(&v, "/encrypting_key/encrypted_key")
        );
        check_cookbook_content(&v, &cek);
        v
    }

    #[test]
    fn jwe_5_1_rsa_v15_and_aes_hmac_sha2() {
        let jwk = input_key(F5_1);
        decrypt_outputs(F5_1, ALL_FORMS, &store_of(&[&jwk]), Alg::Rsa1_5, 0);
        let v = decrypt_outputs(F5_1, ALL_FORMS, &decrypting(&jwk), Alg::Rsa1_5, 0);
        let cek = b64_at(&v, "/generated/cek");
        check_key_decryption(&v, &jwk, Alg::Rsa1_5, &cek);
        check_cookbook_content(&v, &cek);
    }

    #[test]
    fn jwe_5_2_rsa_oaep_and_aes_gcm() {
        let jwk = input_key(F5_2);
        decrypt_outputs(F5_2, ALL_FORMS, &store_of(&[&jwk]), Alg::RsaOaep, 0);
        let v = decrypt_outputs(F5_2, ALL_FORMS, &decrypting(&jwk), Alg::RsaOaep, 0);
        let cek = b64_at(&v, "/generated/cek");
        check_key_decryption(&v, &jwk, Alg::RsaOaep, &cek);
        check_cookbook_content(&v, &cek);
    }

    #[test]
    fn jwe_5_3_pbes2_and_aes_hmac_sha2() {
        let v = vector(F5_3);
        let jwk = password_jwk(str_at(&v, "/input/pwd"));
        let alg = Alg::Pbes2Hs512A256Kw;
        let p2c = v["encrypting_key"]["iteration_count"].as_u64().unwrap();
        // The vector's count is within the default limit: no change needed.
        assert_eq!(p2c, 8192);
        assert!(p2c <= Limits::default().max_p2c);
        decrypt_outputs(F5_3, ALL_FORMS, &store_of(&[&jwk]), alg, 0);
        let v = decrypt_outputs(F5_3, ALL_FORMS, &decrypting(&jwk), alg, 0);
        let got = allow(&[alg], &[Enc::A128CbcHs256])
            .decrypt(&P, str_at(&v, "/output/compact"), &decrypting(&jwk))
            .unwrap();
        assert_eq!(got.protected.cty.as_deref(), Some("jwk-set+json"));
        assert_eq!(got.protected.p2c, Some(8192));

        let cek = b64_at(&v, "/generated/cek");
        check_key_decryption(&v, &jwk, alg, &cek);
        // PBES2 with the listed salt and count is deterministic.
        let mut header = Header::new();
        header.p2s = Some(b64_at(&v, "/encrypting_key/salt"));
        header.p2c = Some(p2c);
        let wrapped = encryptor(&jwk, alg)
            .encrypt_key(&header, Enc::A128CbcHs256, &cek)
            .unwrap();
        assert_eq!(
            wrapped.encrypted_key,
            b64_at(&v, "/encrypting_key/encrypted_key")
        );
        assert_eq!(
            wrapped.header.get("p2s"),
            Some(&json!(str_at(&v, "/encrypting_key/salt")))
        );
        assert_eq!(wrapped.header.get("p2c"), Some(&json!(8192)));
        check_cookbook_content(&v, &cek);
    }

    #[test]
    fn jwe_5_4_ecdh_es_a128kw_p384_and_aes_gcm() {
        let jwk = input_key(F5_4);
        let alg = Alg::EcdhEsA128Kw;
        decrypt_outputs(F5_4, ALL_FORMS, &store_of(&[&jwk]), alg, 0);
        let v = decrypt_outputs(F5_4, ALL_FORMS, &decrypting(&jwk), alg, 0);
        assert_eq!(jwk.key().curve(), Some(Curve::P384));
        // The protected epk is the public half of the listed ephemeral key.
        let mut epk = v["encrypting_key"]["epk"].clone();
        epk.as_object_mut().unwrap().remove("d");
        assert_eq!(v["encrypting_content"]["protected"]["epk"], epk);
        let cek = b64_at(&v, "/generated/cek");
        check_key_decryption(&v, &jwk, alg, &cek);
        check_cookbook_content(&v, &cek);
    }

    #[test]
    fn jwe_5_5_ecdh_es_and_aes_hmac_sha2() {
        let jwk = input_key(F5_5);
        decrypt_outputs(F5_5, ALL_FORMS, &store_of(&[&jwk]), Alg::EcdhEs, 0);
        let v = decrypt_outputs(F5_5, ALL_FORMS, &decrypting(&jwk), Alg::EcdhEs, 0);
        // Direct key agreement: the agreed key is the CEK, the encrypted key is empty.
        let compact = str_at(&v, "/output/compact");
        assert!(parts(compact)[1].is_empty());
        let cek = b64_at(&v, "/encrypting_key/cek");
        check_key_decryption(&v, &jwk, Alg::EcdhEs, &cek);
        check_cookbook_content(&v, &cek);
    }

    #[test]
    fn jwe_5_6_direct_aes_gcm() {
        let jwk = input_key(F5_6);
        let v = decrypt_outputs(F5_6, ALL_FORMS, &decrypting(&jwk), Alg::Dir, 0);
        let cek = b64_at(&v, "/input/key/k");
        check_key_decryption(&v, &jwk, Alg::Dir, &cek);
        check_cookbook_content(&v, &cek);
        // dir gives the key itself as the CEK, with no encrypted key.
        let wrapped = encryptor(&jwk, Alg::Dir)
            .encrypt_key(&Header::new(), Enc::A128Gcm, &random(16))
            .unwrap();
        assert!(wrapped.encrypted_key.is_empty());
        assert_eq!(wrapped.cek.as_deref().map(Vec::as_slice), Some(&cek[..]));
    }

    /// RFC 7520 section 3.6 and 5.6: a `dir` key's JWK carries the content
    /// encryption algorithm as its `alg` (here A128GCM). The key works alone
    /// (above); in a JWK Set it must work the same.
    #[test]
    fn jwe_5_6_direct_aes_gcm_through_a_jwk_set() {
        let jwk = input_key(F5_6);
        decrypt_outputs(F5_6, ALL_FORMS, &store_of(&[&jwk]), Alg::Dir, 0);
    }

    #[test]
    fn jwe_5_7_aes_gcm_kw_and_aes_hmac_sha2() {
        let jwk = input_key(F5_7);
        let alg = Alg::A256GcmKw;
        decrypt_outputs(F5_7, ALL_FORMS, &store_of(&[&jwk]), alg, 0);
        let v = decrypt_outputs(F5_7, ALL_FORMS, &decrypting(&jwk), alg, 0);
        let cek = b64_at(&v, "/generated/cek");
        check_key_decryption(&v, &jwk, alg, &cek);
        // AES-GCM key wrap with the listed IV is AES-GCM of the CEK under the
        // KEK with empty AAD: the listed encrypted key and tag.
        let kek = b64_at(&v, "/input/key/k");
        let sealed = P
            .content_cipher(Enc::A256Gcm)
            .unwrap()
            .encrypt(&kek, &b64_at(&v, "/encrypting_key/iv"), b"", &cek)
            .unwrap();
        assert_eq!(
            sealed.ciphertext,
            b64_at(&v, "/encrypting_key/encrypted_key")
        );
        assert_eq!(sealed.tag, b64_at(&v, "/encrypting_key/tag"));
        // Our own wrap puts a fresh IV and the tag in the header, and unwraps.
        let wrapped = encryptor(&jwk, alg)
            .encrypt_key(&Header::new(), Enc::A128CbcHs256, &cek)
            .unwrap();
        let mut header = Header::new();
        header.iv = Some(b64::decode("iv", wrapped.header["iv"].as_str().unwrap()).unwrap());
        header.tag = Some(b64::decode("tag", wrapped.header["tag"].as_str().unwrap()).unwrap());
        assert_eq!(header.iv.as_ref().map(Vec::len), Some(12));
        assert_eq!(header.tag.as_ref().map(Vec::len), Some(16));
        let back = decryptor(&jwk, alg)
            .decrypt_key(&header, Enc::A128CbcHs256, &wrapped.encrypted_key)
            .unwrap();
        assert_eq!(*back, cek);
        check_cookbook_content(&v, &cek);
    }

    #[test]
    fn jwe_5_8_aes_kw_and_aes_gcm() {
        check_aes_kw(F5_8, ALL_FORMS);
    }

    #[test]
    fn jwe_5_9_compressed_content() {
        let v = check_aes_kw(F5_9, ALL_FORMS);
        let jwk = input_key(F5_9);
        for (form, text) in outputs(&v) {
            let got = allow(&[Alg::A128Kw], &[Enc::A128Gcm])
                .decrypt(&P, &text, &decrypting(&jwk))
                .unwrap();
            assert_eq!(got.protected.zip, Some(CompressionAlgorithm::Def), "{form}");
        }
        // The compressed plaintext is shorter than the plaintext.
        assert!(b64_at(&v, "/generated/plaintext_c").len() < str_at(&v, "/input/plaintext").len());
    }

    #[test]
    fn jwe_5_10_additional_authenticated_data() {
        let v = check_aes_kw(F5_10, JSON_FORMS);
        assert_eq!(
            b64_at(&v, "/generated/aad_b64u"),
            str_at(&v, "/input/aad").as_bytes()
        );
    }

    #[test]
    fn jwe_5_11_protecting_specific_header_fields() {
        let v = check_aes_kw(F5_11, JSON_FORMS);
        let jwk = input_key(F5_11);
        for (form, text) in outputs(&v) {
            let got = allow(&[Alg::A128Kw], &[Enc::A128Gcm])
                .decrypt(&P, &text, &decrypting(&jwk))
                .unwrap();
            // Only enc is protected; alg and kid come from the unprotected header.
            assert_eq!(got.protected.alg, None, "{form}");
            assert_eq!(got.protected.kid, None, "{form}");
            assert_eq!(got.joint.kid.as_deref(), jwk.kid(), "{form}");
        }
    }

    #[test]
    fn jwe_5_12_protecting_content_only() {
        let v = check_aes_kw(F5_12, JSON_FORMS);
        let jwk = input_key(F5_12);
        for (form, text) in outputs(&v) {
            let got = allow(&[Alg::A128Kw], &[Enc::A128Gcm])
                .decrypt(&P, &text, &decrypting(&jwk))
                .unwrap();
            // No protected header: the AAD is empty, everything is in the
            // unprotected header.
            assert_eq!(got.protected, Header::new(), "{form}");
            assert_eq!(got.joint.kid.as_deref(), jwk.kid(), "{form}");
        }
    }

    #[test]
    fn jwe_5_13_multiple_recipients() {
        let v = vector(F5_13);
        let algs = [Alg::Rsa1_5, Alg::EcdhEsA256Kw, Alg::A256GcmKw];
        let keys: Vec<Jwk> = (0..3)
            .map(|i| for_alg(jwk_of(&v["input"]["key"][i]), algs[i]))
            .collect();
        for (i, alg) in algs.iter().enumerate() {
            assert_eq!(str_at(&v, &format!("/input/alg/{i}")), alg.name());
        }
        // The file's input says "A128CBC-H256" (a typo of the cookbook); the
        // protected header says A128CBC-HS256.
        let enc = Enc::A128CbcHs256;
        assert_eq!(str_at(&v, "/encrypting_content/protected/enc"), enc.name());
        let plaintext = str_at(&v, "/input/plaintext").as_bytes();
        let cek = b64_at(&v, "/generated/cek");
        let text = v["output"]["json"].to_string();
        let protected = header_of(&v["encrypting_content"]["protected"]);
        assert_eq!(
            outputs(&v).into_iter().map(|(f, _)| f).collect::<Vec<_>>(),
            ["json"]
        );

        for (index, (jwk, alg)) in keys.iter().zip(algs).enumerate() {
            for store in [
                &decrypting(jwk) as &dyn KeyStore,
                &store_of(&[jwk]) as &dyn KeyStore,
            ] {
                let got = allow(&algs, &[enc]).decrypt(&P, &text, store).unwrap();
                check_decrypted(&got, plaintext, alg, enc, index);
                assert_eq!(got.protected, protected);
                assert_eq!(got.joint.cty.as_deref(), Some("text/plain"));
                assert_eq!(got.joint.kid.as_deref(), jwk.kid());
            }
            // Each recipient's encrypted key gives the one CEK.
            let header = Header::from_object(
                jose_core::header::join_disjoint(&[
                    v["encrypting_content"]["protected"].as_object().unwrap(),
                    v["output"]["json"]["recipients"][index]["header"]
                        .as_object()
                        .unwrap(),
                ])
                .unwrap(),
            )
            .unwrap();
            let ek = b64_at(&v, &format!("/encrypting_key/{index}/encrypted_key"));
            let got = decryptor(jwk, alg).decrypt_key(&header, enc, &ek).unwrap();
            assert_eq!(*got, cek, "recipient {index}");
        }
        // All three keys in one set: the first recipient opens it.
        let store = store_of(&keys.iter().collect::<Vec<_>>());
        let got = allow(&algs, &[enc]).decrypt(&P, &text, &store).unwrap();
        check_decrypted(&got, plaintext, Alg::Rsa1_5, enc, 0);
        // Only A256GCMKW allowed: the third.
        let got = allow(&[Alg::A256GcmKw], &[enc])
            .decrypt(&P, &text, &store)
            .unwrap();
        check_decrypted(&got, plaintext, Alg::A256GcmKw, enc, 2);

        // Deterministic: the AES-GCM key wrap with the listed IV and the content.
        let sealed = P
            .content_cipher(Enc::A256Gcm)
            .unwrap()
            .encrypt(
                &b64_at(&v, "/input/key/2/k"),
                &b64_at(&v, "/encrypting_key/2/iv"),
                b"",
                &cek,
            )
            .unwrap();
        assert_eq!(
            sealed.ciphertext,
            b64_at(&v, "/encrypting_key/2/encrypted_key")
        );
        assert_eq!(sealed.tag, b64_at(&v, "/encrypting_key/2/tag"));
        check_cookbook_content(&v, &cek);
    }

    #[test]
    fn curve25519_ecdh_es_x25519() {
        let path = "rfc7520/curve25519/ecdh-es.json";
        let v = vector(path);
        assert_eq!(v["reproducible"], json!(false));
        let jwk = jwk_of(&v["input"]["key"]);
        assert_eq!(jwk.key().curve(), Some(Curve::X25519));
        decrypt_outputs(path, ALL_FORMS, &store_of(&[&jwk]), Alg::EcdhEs, 0);
        let v = decrypt_outputs(path, ALL_FORMS, &decrypting(&jwk), Alg::EcdhEs, 0);
        // The output's epk is not the listed ephemeral key (the file says it
        // is not reproducible): derive the CEK from the protected epk, and
        // the content is reproduced with it.
        let header = header_of(&v["encrypting_content"]["protected"]);
        let cek = decryptor(&jwk, Alg::EcdhEs)
            .decrypt_key(&header, Enc::A128Gcm, &[])
            .unwrap();
        assert_eq!(cek.len(), 16);
        check_cookbook_content(&v, &cek);
    }
}

// ---------------------------------------------------------------------------
// RFC 8037 A.6, RFC 7517 C, RFC 7519 A.1
// ---------------------------------------------------------------------------

mod rfc8037 {
    use super::*;

    /// An X25519 private JWK from the hex scalar.
    fn x25519_private(d_hex: &str) -> Jwk {
        let public = P
            .keys
            .public_from_private(Curve::X25519, &hex(d_hex))
            .unwrap();
        let mut obj: Value = serde_json::from_str(&public.to_json()).unwrap();
        obj["d"] = json!(b64::encode(&hex(d_hex)));
        jwk_of(&obj)
    }

    /// A.6 gives the keys and Z, and a protected header for ECDH-ES+A128KW;
    /// it stops at Z. The Concat KDF of Z (checked against RFC 7518 C in
    /// jwe_primitives.rs) gives the KEK; a CEK wrapped with it, under the
    /// A.6 header, must be recovered by Bob's key; and a whole JWE built on
    /// that header decrypts.
    #[test]
    fn a_6_x25519_ecdh_es() {
        let v = vector("rfc8037/A.6.json");
        let bob = x25519_private(str_at(&v, "/recipient_private_key_hex"));
        let eph = x25519_private(str_at(&v, "/ephemeral_private_key_hex"));
        // Both private keys map to the listed public keys.
        let bob_x = b64::decode("x", str_at(&v, "/recipient_key/x")).unwrap();
        assert_eq!(bob_x, hex(str_at(&v, "/recipient_public_key_hex")));
        assert_eq!(
            serde_json::from_str::<Value>(&bob.to_public().unwrap().to_json()).unwrap()["x"],
            v["recipient_key"]["x"]
        );
        assert_eq!(
            serde_json::from_str::<Value>(&eph.to_public().unwrap().to_json()).unwrap()["x"],
            v["ephemeral_public_key"]["x"]
        );
        assert_eq!(
            b64_at(&v, "/ephemeral_public_key/x"),
            hex(str_at(&v, "/ephemeral_public_key_hex"))
        );
        let bob = jwk_of(&{
            let mut b: Value = serde_json::from_str(&bob.to_json()).unwrap();
            b["kid"] = json!("Bob");
            b
        });
        let z = hex(str_at(&v, "/Z_hex"));
        let header_raw = str_at(&v, "/protected_header_raw");
        let header = Header::from_json(header_raw.as_bytes()).unwrap();
        assert_eq!(header, header_of(&v["protected_header"]));

        // ECDH-ES+A128KW: KEK = ConcatKDF(Z, 128, "ECDH-ES+A128KW").
        let kek =
            jose_core::key_management::concat_kdf(P.hasher, &z, 16, b"ECDH-ES+A128KW", b"", b"")
                .unwrap();
        let cek = random(16);
        let ek = encryptor(&oct_jwk(&kek), Alg::A128Kw)
            .encrypt_key(&Header::new(), Enc::A128Gcm, &cek)
            .unwrap()
            .encrypted_key;
        let got = decryptor(&bob, Alg::EcdhEsA128Kw)
            .decrypt_key(&header, Enc::A128Gcm, &ek)
            .unwrap();
        assert_eq!(*got, cek);

        // A whole compact JWE on the A.6 header.
        let protected = b64::encode(header_raw.as_bytes());
        let iv = random(12);
        let plaintext = b"X25519 as in RFC 8037 A.6";
        let sealed = P
            .content_cipher(Enc::A128Gcm)
            .unwrap()
            .encrypt(&cek, &iv, protected.as_bytes(), plaintext)
            .unwrap();
        let token = [
            protected,
            b64::encode(&ek),
            b64::encode(&iv),
            b64::encode(&sealed.ciphertext),
            b64::encode(&sealed.tag),
        ]
        .join(".");
        let got = allow(&[Alg::EcdhEsA128Kw], &[Enc::A128Gcm])
            .decrypt(&P, &token, &store_of(&[&bob]))
            .unwrap();
        check_decrypted(&got, plaintext, Alg::EcdhEsA128Kw, Enc::A128Gcm, 0);
        assert_eq!(got.protected, header);

        // ECDH-ES (direct) on the same keys, from both sides: the CEK is
        // ConcatKDF(Z, 128, "A128GCM").
        let expected =
            jose_core::key_management::concat_kdf(P.hasher, &z, 16, b"A128GCM", b"", b"").unwrap();
        let mut direct = header.clone();
        direct.alg = Some(Algorithm::KeyManagement(Alg::EcdhEs));
        let from_bob = decryptor(&bob, Alg::EcdhEs)
            .decrypt_key(&direct, Enc::A128Gcm, &[])
            .unwrap();
        assert_eq!(*from_bob, *expected);
        let mut reverse = direct.clone();
        reverse.epk = Some(v["recipient_key"].as_object().unwrap().clone());
        reverse.epk.as_mut().unwrap().remove("kid");
        let from_eph = decryptor(&eph, Alg::EcdhEs)
            .decrypt_key(&reverse, Enc::A128Gcm, &[])
            .unwrap();
        assert_eq!(*from_eph, *expected);
    }
}

mod rfc7517 {
    use super::*;

    #[test]
    fn c_pbes2_encrypted_rsa_private_key() {
        let v = vector("rfc7517/C.json");
        let password = password_jwk(str_at(&v, "/password"));
        let alg = Alg::Pbes2Hs256A128Kw;
        let enc = Enc::A128CbcHs256;
        let compact = str_at(&v, "/expected/compact");
        let p2c = v["p2c"].as_u64().unwrap();
        assert!(p2c <= Limits::default().max_p2c);

        let got = allow(&[alg], &[enc])
            .decrypt(&P, compact, &decrypting(&password))
            .unwrap();
        check_decrypted(&got, str_at(&v, "/plaintext_raw").as_bytes(), alg, enc, 0);
        assert_eq!(got.protected, header_of(&v["protected_header"]));
        assert_eq!(got.protected.cty.as_deref(), Some("jwk+json"));
        // The plaintext is the RSA private JWK.
        let decrypted: Value = serde_json::from_slice(&got.plaintext).unwrap();
        assert_eq!(decrypted, v["plaintext_jwk"]);
        let jwk = Jwk::from_json(&got.plaintext).unwrap();
        assert_eq!(jwk, jwk_of(&v["plaintext_jwk"]));
        assert!(jwk.is_private());
        assert_eq!(jwk.kid(), Some("juliet@capulet.lit"));

        // Deterministic: the wrap with the listed salt and count, the content.
        let cek = b64_at(&v, "/cek_b64u");
        assert_eq!(bytes_at(&v, "/cek_bytes"), cek);
        let mut header = Header::new();
        header.p2s = Some(b64_at(&v, "/p2s_b64u"));
        header.p2c = Some(p2c);
        let wrapped = encryptor(&password, alg)
            .encrypt_key(&header, enc, &cek)
            .unwrap();
        assert_eq!(wrapped.encrypted_key, b64_at(&v, "/encrypted_key_b64u"));
        let back = decryptor(&password, alg)
            .decrypt_key(&got.protected, enc, &wrapped.encrypted_key)
            .unwrap();
        assert_eq!(*back, cek);
        check_content(
            enc,
            &cek,
            &b64_at(&v, "/iv_b64u"),
            str_at(&v, "/aad_ascii").as_bytes(),
            str_at(&v, "/plaintext_raw").as_bytes(),
            &b64_at(&v, "/ciphertext_b64u"),
            &b64_at(&v, "/tag_b64u"),
        );
        // The wrong password fails like any wrong key.
        assert_eq!(
            allow(&[alg], &[enc]).decrypt(&P, compact, &decrypting(&password_jwk("Thus"))),
            Err(Error::DecryptionFailed)
        );
    }
}

mod rfc7519 {
    use super::*;

    #[test]
    fn a_1_encrypted_jwt() {
        let v = vector("rfc7519/A.1.json");
        let jwk = for_alg(jwk_of(&v["key"]), Alg::Rsa1_5);
        let compact = str_at(&v, "/expected/compact");
        let got = allow(&[Alg::Rsa1_5], &[Enc::A128CbcHs256])
            .decrypt(&P, compact, &decrypting(&jwk))
            .unwrap();
        let claims = str_at(&v, "/claims_raw");
        assert!(claims.contains("\r\n"));
        check_decrypted(&got, claims.as_bytes(), Alg::Rsa1_5, Enc::A128CbcHs256, 0);
        assert_eq!(got.protected, header_of(&v["protected_header"]));
        let parsed: Value = serde_json::from_slice(&got.plaintext).unwrap();
        assert_eq!(parsed, v["claims"]);
        // The CEK is the one of RFC 7516 A.2 (same key, same sender).
        let cek = decryptor(&jwk, Alg::Rsa1_5)
            .decrypt_key(&got.protected, Enc::A128CbcHs256, &part_bytes(compact, 1))
            .unwrap();
        assert_eq!(*cek, b64_at(&vector("rfc7516/A.2.json"), "/cek_b64u"));
    }
}

// ---------------------------------------------------------------------------
// Round trips through JweBuilder
// ---------------------------------------------------------------------------

mod round_trip {
    use super::*;

    const PLAINTEXT: &[u8] = b"Round trip: \xe2\x80\x93 every alg, every enc, every serialization.";

    /// A small PBES2 count, set in the recipient header, keeps the tests fast.
    const SMALL_P2C: u64 = 1000;

    fn is_ecdh(alg: Alg) -> bool {
        matches!(alg.requirement(), jose_core::KeyRequirement::Curve(_))
    }

    fn is_pbes2(alg: Alg) -> bool {
        matches!(
            alg,
            Alg::Pbes2Hs256A128Kw | Alg::Pbes2Hs384A192Kw | Alg::Pbes2Hs512A256Kw
        )
    }

    /// A fresh private key for `alg` (on `curve` for ECDH-ES, sized for
    /// `enc` for dir; the shared RSA key for RSA).
    fn key_for(alg: Alg, enc: Enc, curve: Option<Curve>) -> Jwk {
        let mut spec = KeySpec::from(alg);
        match (alg.requirement(), curve) {
            (jose_core::KeyRequirement::Curve(_), Some(c)) => spec = spec.curve(c),
            (jose_core::KeyRequirement::Cek, _) => spec = spec.enc(enc),
            _ => {}
        }
        match spec.shape().unwrap() {
            KeyShape::Rsa { .. } => for_alg(rsa_key().clone(), alg),
            shape => P.generate(shape).unwrap(),
        }
    }

    /// The recipient header members the caller may choose: a small `p2c`
    /// for PBES2, `apu`/`apv` for ECDH-ES.
    fn recipient_header(alg: Alg) -> Header {
        let mut h = Header::new();
        if is_pbes2(alg) {
            h.p2c = Some(SMALL_P2C);
        }
        if is_ecdh(alg) {
            h.apu = Some(b"Alice".to_vec());
            h.apv = Some(b"Bob".to_vec());
        }
        h
    }

    fn shared_header() -> Header {
        let mut h = Header::new();
        h.jku = Some("https://example.com/jwks".into());
        h
    }

    /// Compact (not for PBES2: see `pbes2_compact_with_default_count`),
    /// flattened with a shared unprotected header and AAD, general with one
    /// recipient, and zip; each decrypts to the plaintext with the expected
    /// headers.
    fn one(alg: Alg, enc: Enc, curve: Option<Curve>) {
        let jwk = key_for(alg, enc, curve);
        let e = encryptor(&jwk, alg);
        let key = decrypting(&jwk);
        let d = allow(&[alg], &[enc]);
        let what = format!("{alg} {enc} {curve:?}");

        if !is_pbes2(alg) {
            let token = JweBuilder::new(PLAINTEXT, enc)
                .compact(&P, e.as_ref())
                .unwrap();
            let p = parts(&token);
            assert_eq!(p[1].is_empty(), alg.is_direct(), "{what}");
            assert_eq!(part_bytes(&token, 2).len(), enc.iv_len(), "{what}");
            assert_eq!(part_bytes(&token, 4).len(), enc.tag_len(), "{what}");
            let got = d.decrypt(&P, &token, &key).unwrap();
            check_decrypted(&got, PLAINTEXT, alg, enc, 0);
            assert_eq!(got.protected, got.joint, "{what}");
            assert_eq!(got.protected.zip, None);
            assert_eq!(got.aad, None);
            if is_ecdh(alg) {
                assert!(got.protected.epk.is_some(), "{what}");
            }
        }

        let flat = JweBuilder::new(PLAINTEXT, enc)
            .unprotected(shared_header())
            .aad(b"extra authenticated data")
            .flattened(&P, Recipient::new(e.as_ref()).header(recipient_header(alg)))
            .unwrap();
        let got = d.decrypt(&P, &flat, &key).unwrap();
        check_decrypted(&got, PLAINTEXT, alg, enc, 0);
        assert_eq!(got.aad.as_deref(), Some(&b"extra authenticated data"[..]));
        assert_eq!(got.joint.jku, shared_header().jku, "{what}");
        assert_eq!(got.protected.jku, None, "{what}");
        // Flattened: the algorithm's parameters are protected.
        assert_eq!(
            got.protected.alg,
            Some(Algorithm::KeyManagement(alg)),
            "{what}"
        );
        if is_pbes2(alg) {
            assert_eq!(got.protected.p2c, Some(SMALL_P2C), "{what}");
            assert_eq!(got.protected.p2s.as_ref().map(Vec::len), Some(16));
        }
        if is_ecdh(alg) {
            assert!(got.protected.epk.is_some(), "{what}");
            assert_eq!(got.protected.apu.as_deref(), Some(&b"Alice"[..]));
        }

        let general = JweBuilder::new(PLAINTEXT, enc)
            .general(
                &P,
                &[Recipient::new(e.as_ref()).header(recipient_header(alg))],
            )
            .unwrap();
        let got = d.decrypt(&P, &general, &key).unwrap();
        check_decrypted(&got, PLAINTEXT, alg, enc, 0);
        // General: the algorithm's parameters are in the recipient's header.
        assert_eq!(got.protected.alg, None, "{what}");
        assert_eq!(got.protected.enc, Some(enc), "{what}");

        let big = PLAINTEXT.repeat(40);
        let zipped = JweBuilder::new(&big, enc)
            .compress()
            .flattened(&P, Recipient::new(e.as_ref()).header(recipient_header(alg)))
            .unwrap();
        let got = d.decrypt(&P, &zipped, &key).unwrap();
        check_decrypted(&got, &big, alg, enc, 0);
        assert_eq!(got.protected.zip, Some(CompressionAlgorithm::Def), "{what}");
        let doc: Value = serde_json::from_str(&zipped).unwrap();
        let ct = b64::decode("ct", doc["ciphertext"].as_str().unwrap()).unwrap();
        assert!(ct.len() < big.len() / 4, "{what}: not compressed");

        // Another key of the same kind does not open it.
        let other = key_for(alg, enc, curve);
        if alg.requirement() != jose_core::KeyRequirement::Rsa {
            assert_eq!(
                d.decrypt(&P, &flat, &decrypting(&other)),
                Err(Error::DecryptionFailed),
                "{what}"
            );
        }
    }

    fn every_enc(alg: Alg) {
        for enc in Enc::ALL {
            one(alg, *enc, None);
        }
    }

    fn every_enc_and_curve(alg: Alg) {
        for curve in [Curve::P256, Curve::P384, Curve::P521, Curve::X25519] {
            for enc in Enc::ALL {
                one(alg, *enc, Some(curve));
            }
        }
    }

    #[test]
    fn rsa1_5() {
        every_enc(Alg::Rsa1_5);
    }

    #[test]
    fn rsa_oaep() {
        every_enc(Alg::RsaOaep);
    }

    #[test]
    fn rsa_oaep_256() {
        every_enc(Alg::RsaOaep256);
    }

    #[test]
    fn rsa_oaep_384() {
        every_enc(Alg::RsaOaep384);
    }

    #[test]
    fn rsa_oaep_512() {
        every_enc(Alg::RsaOaep512);
    }

    #[test]
    fn a128kw() {
        every_enc(Alg::A128Kw);
    }

    #[test]
    fn a192kw() {
        every_enc(Alg::A192Kw);
    }

    #[test]
    fn a256kw() {
        every_enc(Alg::A256Kw);
    }

    #[test]
    fn dir() {
        // key_for sizes each dir key to its enc.
        every_enc(Alg::Dir);
    }

    #[test]
    fn ecdh_es() {
        every_enc_and_curve(Alg::EcdhEs);
    }

    #[test]
    fn ecdh_es_a128kw() {
        every_enc_and_curve(Alg::EcdhEsA128Kw);
    }

    #[test]
    fn ecdh_es_a192kw() {
        every_enc_and_curve(Alg::EcdhEsA192Kw);
    }

    #[test]
    fn ecdh_es_a256kw() {
        every_enc_and_curve(Alg::EcdhEsA256Kw);
    }

    #[test]
    fn a128gcmkw() {
        every_enc(Alg::A128GcmKw);
    }

    #[test]
    fn a192gcmkw() {
        every_enc(Alg::A192GcmKw);
    }

    #[test]
    fn a256gcmkw() {
        every_enc(Alg::A256GcmKw);
    }

    #[test]
    fn pbes2_hs256_a128kw() {
        every_enc(Alg::Pbes2Hs256A128Kw);
    }

    #[test]
    fn pbes2_hs384_a192kw() {
        every_enc(Alg::Pbes2Hs384A192Kw);
    }

    #[test]
    fn pbes2_hs512_a256kw() {
        every_enc(Alg::Pbes2Hs512A256Kw);
    }

    #[test]
    fn every_algorithm_has_a_round_trip_test() {
        let tested = [
            Alg::Rsa1_5,
            Alg::RsaOaep,
            Alg::RsaOaep256,
            Alg::RsaOaep384,
            Alg::RsaOaep512,
            Alg::A128Kw,
            Alg::A192Kw,
            Alg::A256Kw,
            Alg::Dir,
            Alg::EcdhEs,
            Alg::EcdhEsA128Kw,
            Alg::EcdhEsA192Kw,
            Alg::EcdhEsA256Kw,
            Alg::A128GcmKw,
            Alg::A192GcmKw,
            Alg::A256GcmKw,
            Alg::Pbes2Hs256A128Kw,
            Alg::Pbes2Hs384A192Kw,
            Alg::Pbes2Hs512A256Kw,
        ];
        assert_eq!(&tested[..], Alg::ALL);
        assert_eq!(Enc::ALL.len(), 6);
    }

    /// Compact PBES2 with the backend's default iteration counts (the
    /// builder's compact form takes no recipient header), all within the
    /// default decryption limit.
    #[test]
    fn pbes2_compact_with_default_count() {
        for alg in [
            Alg::Pbes2Hs256A128Kw,
            Alg::Pbes2Hs384A192Kw,
            Alg::Pbes2Hs512A256Kw,
        ] {
            let jwk = password_jwk("correct horse battery staple");
            let token = JweBuilder::new(PLAINTEXT, Enc::A128Gcm)
                .compact(&P, encryptor(&jwk, alg).as_ref())
                .unwrap();
            let got = allow(&[alg], &[Enc::A128Gcm])
                .decrypt(&P, &token, &decrypting(&jwk))
                .unwrap();
            check_decrypted(&got, PLAINTEXT, alg, Enc::A128Gcm, 0);
            let count = got.protected.p2c.unwrap();
            assert!((1000..=Limits::default().max_p2c).contains(&count), "{count}");
        }
    }

    /// PBES2 defaults must interoperate: npm `jose` refuses `p2c` above
    /// 10,000 and python jwcrypto above 16,384 by default, so a count of
    /// 600,000 made every PBES2 JWE unreadable to them. A count below
    /// 1,000 (RFC 7518 section 4.8.1.2) or a salt below 8 bytes is refused
    /// when encrypting; the caller chooses both through `Pbes2Params`.
    #[test]
    fn pbes2_defaults_interoperate_and_weak_parameters_are_refused() {
        use jose_core::key_management::{PBES2_DEFAULT_COUNT, Pbes2Params};
        assert_eq!(PBES2_DEFAULT_COUNT, 10_000);
        let jwk = password_jwk("correct horse battery staple");
        let alg = Alg::Pbes2Hs256A128Kw;
        let e = encryptor(&jwk, alg);
        let open = |token: &str| {
            allow(&[alg], &[Enc::A128Gcm])
                .decrypt(&P, token, &decrypting(&jwk))
                .unwrap()
        };
        let plain = JweBuilder::new(PLAINTEXT, Enc::A128Gcm);
        let got = open(&plain.compact(&P, e.as_ref()).unwrap());
        assert_eq!(got.protected.p2c, Some(10_000));
        assert_eq!(got.protected.p2s.map(|s| s.len()), Some(16));

        let chosen = Pbes2Params::new(2_000, 32).unwrap();
        let token = plain.clone().pbes2(chosen).compact(&P, e.as_ref()).unwrap();
        let got = open(&token);
        assert_eq!(got.protected.p2c, Some(2_000));
        assert_eq!(got.protected.p2s.map(|s| s.len()), Some(32));
        // Each recipient gets its own salt.
        let general = plain
            .clone()
            .pbes2(chosen)
            .general(&P, &[Recipient::new(e.as_ref()), Recipient::new(e.as_ref())])
            .unwrap();
        let doc: Value = serde_json::from_str(&general).unwrap();
        let salts: Vec<&Value> = (0..2).map(|i| &doc["recipients"][i]["header"]["p2s"]).collect();
        assert!(salts[0].is_string());
        assert_ne!(salts[0], salts[1]);

        assert_err!(Pbes2Params::new(999, 16), Error::ApiMisuse(_));
        assert_err!(Pbes2Params::new(1_000, 7), Error::ApiMisuse(_));
        assert_err!(Pbes2Params::new(u64::from(u32::MAX) + 1, 16), Error::ApiMisuse(_));
        // A weak count in a hand-made header is refused too.
        let mut weak = Header::new();
        weak.p2c = Some(999);
        assert_err!(
            plain.clone().protected(weak).compact(&P, e.as_ref()),
            Error::ApiMisuse(_)
        );
        // The count set twice, in a header and as parameters: refused.
        let mut counted = Header::new();
        counted.p2c = Some(5_000);
        assert_err!(
            plain.protected(counted).pbes2(chosen).compact(&P, e.as_ref()),
            Error::ApiMisuse(_)
        );
    }

    /// Compact PBES2 with the iteration count chosen by the caller. The
    /// compact form has no recipient header, so the count can only be set
    /// in the protected header, which the key encryptor reads.
    #[test]
    fn pbes2_compact_with_count_in_protected_header() {
        let jwk = password_jwk("correct horse battery staple");
        let alg = Alg::Pbes2Hs256A128Kw;
        let mut protected = Header::new();
        protected.p2c = Some(SMALL_P2C);
        let token = JweBuilder::new(PLAINTEXT, Enc::A128Gcm)
            .protected(protected)
            .compact(&P, encryptor(&jwk, alg).as_ref());
        let token = token.unwrap();
        let got = allow(&[alg], &[Enc::A128Gcm])
            .decrypt(&P, &token, &decrypting(&jwk))
            .unwrap();
        check_decrypted(&got, PLAINTEXT, alg, Enc::A128Gcm, 0);
        assert_eq!(got.protected.p2c, Some(SMALL_P2C));
    }

    /// A general JWE for two recipients of different algorithms: each key
    /// alone opens it as its recipient, a set of both opens it as the
    /// first, an allow-list of the second alg alone skips the first.
    fn two_recipients(a: (Alg, Option<Curve>), b: (Alg, Option<Curve>), enc: Enc) {
        let ka = key_for(a.0, enc, a.1).with_kid("first");
        let kb = key_for(b.0, enc, b.1).with_kid("second");
        let (ea, eb) = (encryptor(&ka, a.0), encryptor(&kb, b.0));
        let mut protected = Header::new();
        protected.typ = Some("example".into());
        let text = JweBuilder::new(PLAINTEXT, enc)
            .compress()
            .protected(protected)
            .unprotected(shared_header())
            .aad(b"aad")
            .general(
                &P,
                &[
                    Recipient::new(ea.as_ref()).header(recipient_header(a.0)),
                    Recipient::new(eb.as_ref()).header(recipient_header(b.0)),
                ],
            )
            .unwrap();
        let doc: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(doc["recipients"].as_array().unwrap().len(), 2);
        assert_eq!(doc["recipients"][0]["header"]["alg"], json!(a.0.name()));
        assert_eq!(doc["recipients"][1]["header"]["kid"], json!("second"));
        let both = allow(&[a.0, b.0], &[enc]);
        for (index, (jwk, alg)) in [(&ka, a.0), (&kb, b.0)].into_iter().enumerate() {
            let got = both.decrypt(&P, &text, &decrypting(jwk)).unwrap();
            check_decrypted(&got, PLAINTEXT, alg, enc, index);
            assert_eq!(got.joint.kid.as_deref(), jwk.kid());
            assert_eq!(got.protected.typ.as_deref(), Some("example"));
            assert_eq!(got.protected.zip, Some(CompressionAlgorithm::Def));
            assert_eq!(got.joint.jku, shared_header().jku);
            assert_eq!(got.aad.as_deref(), Some(&b"aad"[..]));
        }
        let store = store_of(&[&ka, &kb]);
        let got = both.decrypt(&P, &text, &store).unwrap();
        check_decrypted(&got, PLAINTEXT, a.0, enc, 0);
        let got = allow(&[b.0], &[enc]).decrypt(&P, &text, &store).unwrap();
        check_decrypted(&got, PLAINTEXT, b.0, enc, 1);
    }

    #[test]
    fn general_rsa_oaep_256_and_a128kw() {
        two_recipients((Alg::RsaOaep256, None), (Alg::A128Kw, None), Enc::A256Gcm);
    }

    #[test]
    fn general_ecdh_es_a256kw_x25519_and_a256gcmkw() {
        two_recipients(
            (Alg::EcdhEsA256Kw, Some(Curve::X25519)),
            (Alg::A256GcmKw, None),
            Enc::A128CbcHs256,
        );
    }

    #[test]
    fn general_pbes2_and_ecdh_es_a128kw_p384() {
        two_recipients(
            (Alg::Pbes2Hs256A128Kw, None),
            (Alg::EcdhEsA128Kw, Some(Curve::P384)),
            Enc::A192CbcHs384,
        );
    }

    #[test]
    fn general_rsa1_5_and_ecdh_es_a192kw_p521() {
        two_recipients(
            (Alg::Rsa1_5, None),
            (Alg::EcdhEsA192Kw, Some(Curve::P521)),
            Enc::A256CbcHs512,
        );
    }

    #[test]
    fn general_a192gcmkw_and_pbes2_hs512() {
        two_recipients(
            (Alg::A192GcmKw, None),
            (Alg::Pbes2Hs512A256Kw, None),
            Enc::A192Gcm,
        );
    }

    #[test]
    fn empty_plaintext() {
        let jwk = kw_key();
        let e = encryptor(&jwk, Alg::A128Kw);
        for enc in Enc::ALL {
            for compress in [false, true] {
                let mut builder = JweBuilder::new(b"", *enc);
                if compress {
                    builder = builder.compress();
                }
                let token = builder.compact(&P, e.as_ref()).unwrap();
                let got = allow(&[Alg::A128Kw], &[*enc])
                    .decrypt(&P, &token, &decrypting(&jwk))
                    .unwrap();
                check_decrypted(&got, b"", Alg::A128Kw, *enc, 0);
            }
        }
    }

    #[test]
    fn builder_refusals() {
        let jwk = kw_key();
        let e = encryptor(&jwk, Alg::A128Kw);
        // The compact form has no unprotected header and no AAD.
        let misuse =
            Error::ApiMisuse("the compact serialization has no unprotected header and no AAD");
        assert_eq!(
            JweBuilder::new(b"x", Enc::A128Gcm)
                .unprotected(shared_header())
                .compact(&P, e.as_ref()),
            Err(misuse.clone())
        );
        assert_eq!(
            JweBuilder::new(b"x", Enc::A128Gcm)
                .aad(b"a")
                .compact(&P, e.as_ref()),
            Err(misuse)
        );
        // alg, enc and zip come from the encryptor and the builder.
        for member in ["alg", "enc", "zip"] {
            let mut h = Header::new();
            match member {
                "alg" => h.alg = Some(Algorithm::KeyManagement(Alg::A256Kw)),
                "enc" => h.enc = Some(Enc::A256Gcm),
                _ => h.zip = Some(CompressionAlgorithm::Def),
            }
            assert_eq!(
                JweBuilder::new(b"x", Enc::A128Gcm)
                    .protected(h)
                    .compact(&P, e.as_ref()),
                Err(Error::ApiMisuse(
                    "alg, enc and zip come from the encryptor and the builder, not the header"
                )),
                "{member}"
            );
        }
        // No recipient.
        assert_eq!(
            JweBuilder::new(b"x", Enc::A128Gcm).general(&P, &[]),
            Err(Error::ApiMisuse("a JWE needs at least one recipient"))
        );
        // A PBES2 salt shorter than 8 bytes chosen by the caller.
        let password = password_jwk("pw");
        let mut h = Header::new();
        h.p2s = Some(vec![1; 7]);
        h.p2c = Some(SMALL_P2C);
        let pbes2 = encryptor(&password, Alg::Pbes2Hs256A128Kw);
        assert_eq!(
            JweBuilder::new(b"x", Enc::A128Gcm)
                .flattened(&P, Recipient::new(pbes2.as_ref()).header(h)),
            Err(Error::ApiMisuse("PBES2 p2s must be at least 8 bytes"))
        );
    }

    /// `JweBuilder::general` documents `Error::ApiMisuse` for "headers that
    /// share a member": the shared unprotected header and a recipient's
    /// header naming the same member.
    #[test]
    fn builder_headers_that_share_a_member() {
        let jwk = kw_key();
        let e = encryptor(&jwk, Alg::A128Kw);
        let mut typ = Header::new();
        typ.typ = Some("a".into());
        let builder = JweBuilder::new(b"x", Enc::A128Gcm);
        // Shared unprotected vs recipient header.
        let result = builder
            .clone()
            .unprotected(shared_header())
            .general(&P, &[Recipient::new(e.as_ref()).header(shared_header())]);
        assert_err!(result, Error::ApiMisuse(_));
        // Protected vs shared unprotected.
        let result = builder
            .clone()
            .protected(typ.clone())
            .unprotected(typ.clone())
            .general(&P, &[Recipient::new(e.as_ref())]);
        assert_err!(result, Error::ApiMisuse(_));
        // Protected vs recipient header.
        let result = builder
            .protected(typ.clone())
            .general(&P, &[Recipient::new(e.as_ref()).header(typ)]);
        assert_err!(result, Error::ApiMisuse(_));
    }

    /// dir and ECDH-ES determine the CEK: one recipient only.
    #[test]
    fn direct_modes_refuse_two_recipients() {
        let misuse = Err(Error::ApiMisuse(
            "dir and ECDH-ES agree one CEK with one recipient: use a key wrapping algorithm for several",
        ));
        let kw = encryptor(&kw_key(), Alg::A128Kw);
        let dir = encryptor(&oct_jwk(&random(16)), Alg::Dir);
        let ecdh_key = P.generate(KeyShape::Curve(Curve::P256)).unwrap();
        let ecdh = encryptor(&ecdh_key, Alg::EcdhEs);
        for direct in [dir.as_ref(), ecdh.as_ref()] {
            let builder = JweBuilder::new(b"x", Enc::A128Gcm);
            assert_eq!(
                builder.general(&P, &[Recipient::new(direct), Recipient::new(kw.as_ref())]),
                misuse
            );
            assert_eq!(
                builder.general(&P, &[Recipient::new(kw.as_ref()), Recipient::new(direct)]),
                misuse
            );
            assert_eq!(
                builder.general(&P, &[Recipient::new(direct), Recipient::new(direct)]),
                misuse
            );
            // One recipient is fine.
            assert!(builder.general(&P, &[Recipient::new(direct)]).is_ok());
        }
    }

    #[test]
    fn dir_key_of_the_wrong_length_for_enc() {
        let e = encryptor(&oct_jwk(&random(32)), Alg::Dir);
        assert_eq!(
            JweBuilder::new(b"x", Enc::A128Gcm).compact(&P, e.as_ref()),
            Err(Error::invalid_key("k", "has the wrong length for enc"))
        );
        assert!(
            JweBuilder::new(b"x", Enc::A256Gcm)
                .compact(&P, e.as_ref())
                .is_ok()
        );
        assert!(
            JweBuilder::new(b"x", Enc::A128CbcHs256)
                .compact(&P, e.as_ref())
                .is_ok()
        );
    }
}

// ---------------------------------------------------------------------------
// Attacks and malformed input
// ---------------------------------------------------------------------------

mod attacks {
    use super::*;

    use super::rfc7520_files::*;

    /// RSA1_5's padding is an oracle (Bleichenbacher), and
    /// draft-ietf-jose-deprecate-none-rsa15 deprecates it: an RSA key is
    /// used for RSA1_5 only when its `alg` says so. A key without `alg`,
    /// such as one that also signs, is never offered for it, in either
    /// direction, whatever the allow-list.
    #[test]
    fn rsa_key_without_alg_is_not_offered_for_rsa1_5() {
        let v = vector("rfc7516/A.2.json");
        let plain = jwk_of(&v["key"]);
        assert_eq!(plain.alg(), None);
        let compact = str_at(&v, "/expected/compact");
        let d = allow(&[Alg::Rsa1_5, Alg::RsaOaep], &[Enc::A128CbcHs256]);
        assert!(!decrypting(&plain).algorithms().contains(&Alg::Rsa1_5));
        assert!(decrypting(&plain).algorithms().contains(&Alg::RsaOaep));
        for keys in [
            &decrypting(&plain) as &dyn KeyStore,
            &store_of(&[&plain]) as &dyn KeyStore,
        ] {
            assert_eq!(
                d.decrypt(&P, compact, keys),
                Err(Error::Policy(Policy::NoMatchingKey))
            );
        }
        let public = plain.to_public().unwrap();
        assert_err!(
            P.encrypting_key(&public).unwrap().key_encryptor(Alg::Rsa1_5),
            Error::Policy(Policy::KeyAlgorithmMismatch { .. })
        );
        // Named, it decrypts, and then it cannot sign.
        let named = plain.clone().with_alg(Alg::Rsa1_5).unwrap();
        assert!(d.decrypt(&P, compact, &decrypting(&named)).is_ok());
        assert!(P.signing_key(&named).is_err());
        assert!(P.signing_key(&plain).is_ok());
    }

    /// A CEK whose JWK names its content encryption algorithm (RFC 7520
    /// section 3.6) serves `dir` for that `enc` only: a 32-byte "A256GCM"
    /// key is not also an A128CBC-HS256 key, though the lengths agree.
    #[test]
    fn a_cek_named_for_one_enc_serves_no_other() {
        let bytes = [7u8; 32];
        let cek = jwk_of(&json!({"kty": "oct", "k": b64::encode(&bytes), "alg": "A256GCM"}));
        assert_err!(
            JweBuilder::new(b"x", Enc::A128CbcHs256).compact(&P, encryptor(&cek, Alg::Dir).as_ref()),
            Error::Policy(Policy::KeyAlgorithmMismatch { .. })
        );
        let other = JweBuilder::new(b"x", Enc::A128CbcHs256)
            .compact(&P, encryptor(&oct_jwk(&bytes), Alg::Dir).as_ref())
            .unwrap();
        assert_err!(
            allow(&[Alg::Dir], &[Enc::A128CbcHs256]).decrypt(&P, &other, &decrypting(&cek)),
            Error::Policy(Policy::KeyAlgorithmMismatch { .. })
        );
        let own = JweBuilder::new(b"x", Enc::A256Gcm)
            .compact(&P, encryptor(&cek, Alg::Dir).as_ref())
            .unwrap();
        let opened = allow(&[Alg::Dir], &[Enc::A256Gcm])
            .decrypt(&P, &own, &decrypting(&cek))
            .unwrap();
        assert_eq!(&*opened.plaintext, b"x");
    }

    /// RFC 7520 5.8 (A128KW, A128GCM): compact and its key.
    fn kw_vector() -> (Value, String, Arc<dyn DecryptingKey>) {
        let v = vector(F5_8);
        let compact = str_at(&v, "/output/compact").to_string();
        let key = decrypting(&jwk_of(&v["input"]["key"]));
        (v, compact, key)
    }

    fn a128kw() -> Decryption {
        allow(&[Alg::A128Kw], &[Enc::A128Gcm])
    }

    fn wrong_length(what: &str) -> Error {
        malformed(
            what,
            MalformedReason::Invalid("has the wrong length for enc"),
        )
    }

    #[test]
    fn untouched_vector_decrypts() {
        // The baseline of every tampering test below.
        let (v, compact, key) = kw_vector();
        let got = a128kw().decrypt(&P, &compact, &key).unwrap();
        assert_eq!(&*got.plaintext, str_at(&v, "/input/plaintext").as_bytes());
    }

    #[test]
    fn tampered_protected_header() {
        let (_, compact, key) = kw_vector();
        // The same members in another order: a valid header, but not the
        // authenticated one.
        let reordered =
            r#"{"enc":"A128GCM","alg":"A128KW","kid":"81b20965-8332-43d9-a468-82160ad91ac8"}"#;
        let token = with_part(&compact, 0, &b64::encode(reordered.as_bytes()));
        assert_eq!(
            a128kw().decrypt(&P, &token, &key),
            Err(Error::DecryptionFailed)
        );
        // An extra member.
        let extra = r#"{"alg":"A128KW","kid":"81b20965-8332-43d9-a468-82160ad91ac8","enc":"A128GCM","x":1}"#;
        let token = with_part(&compact, 0, &b64::encode(extra.as_bytes()));
        assert_eq!(
            a128kw().decrypt(&P, &token, &key),
            Err(Error::DecryptionFailed)
        );
        // enc changed to A256GCM (the unwrapped CEK has the wrong length).
        let upgraded =
            r#"{"alg":"A128KW","kid":"81b20965-8332-43d9-a468-82160ad91ac8","enc":"A256GCM"}"#;
        let token = with_part(&compact, 0, &b64::encode(upgraded.as_bytes()));
        assert_eq!(
            allow(&[Alg::A128Kw], &[Enc::A256Gcm]).decrypt(&P, &token, &key),
            Err(Error::DecryptionFailed)
        );
        // A flipped bit that breaks the JSON: structural, so malformed.
        let mut bytes = part_bytes(&compact, 0);
        bytes[0] ^= 0x80;
        let token = with_part(&compact, 0, &b64::encode(&bytes));
        assert_err!(
            a128kw().decrypt(&P, &token, &key),
            Error::Malformed(m) if m.what == "protected header"
                && matches!(m.reason, MalformedReason::Json { .. } | MalformedReason::Utf8)
        );
    }

    #[test]
    fn tampered_encrypted_key() {
        let (_, compact, key) = kw_vector();
        for at in [0, 10, 23] {
            assert_eq!(
                a128kw().decrypt(&P, &flip_part(&compact, 1, at), &key),
                Err(Error::DecryptionFailed),
                "byte {at}"
            );
        }
        // Shortened, removed, lengthened.
        let ek = part_bytes(&compact, 1);
        for bad in [&ek[..16], &[][..], &[&ek[..], &[0u8; 8][..]].concat()[..]] {
            let token = with_part(&compact, 1, &b64::encode(bad));
            assert_eq!(
                a128kw().decrypt(&P, &token, &key),
                Err(Error::DecryptionFailed)
            );
        }
        // Every other key management algorithm of the cookbook.
        for (path, alg, at) in [
            (F5_1, Alg::Rsa1_5, 5),
            (F5_2, Alg::RsaOaep, 5),
            (F5_3, Alg::Pbes2Hs512A256Kw, 5),
            (F5_4, Alg::EcdhEsA128Kw, 5),
            (F5_7, Alg::A256GcmKw, 5),
        ] {
            let v = vector(path);
            let store: Arc<dyn DecryptingKey> = match v["input"].get("pwd") {
                Some(p) => decrypting(&password_jwk(p.as_str().unwrap())),
                None => decrypting(&for_alg(jwk_of(&v["input"]["key"]), alg)),
            };
            let token = flip_part(str_at(&v, "/output/compact"), 1, at);
            assert_eq!(
                everything().decrypt(&P, &token, &store),
                Err(Error::DecryptionFailed),
                "{alg}"
            );
        }
    }

    #[test]
    fn encrypted_key_with_direct_modes() {
        // dir and ECDH-ES have an empty encrypted key; anything else is malformed.
        for (path, what) in [
            (F5_6, "must be empty for dir"),
            (F5_5, "must be empty for ECDH-ES"),
        ] {
            let v = vector(path);
            let key = decrypting(&jwk_of(&v["input"]["key"]));
            let token = with_part(str_at(&v, "/output/compact"), 1, &b64::encode(&[0; 40]));
            assert_eq!(
                everything().decrypt(&P, &token, &key),
                Err(malformed("encrypted key", MalformedReason::Invalid(what)))
            );
        }
    }

    #[test]
    fn tampered_iv() {
        let (_, compact, key) = kw_vector();
        assert_eq!(
            a128kw().decrypt(&P, &flip_part(&compact, 2, 0), &key),
            Err(Error::DecryptionFailed)
        );
        let iv = part_bytes(&compact, 2);
        for bad in [&iv[..11], &[&iv[..], &[0u8][..]].concat()[..], &[][..]] {
            let token = with_part(&compact, 2, &b64::encode(bad));
            assert_eq!(a128kw().decrypt(&P, &token, &key), Err(wrong_length("iv")));
        }
        // AES-CBC-HMAC: the IV is authenticated too (RFC 7516 A.3).
        let v = vector("rfc7516/A.3.json");
        let token = flip_part(str_at(&v, "/expected/compact"), 2, 3);
        assert_eq!(
            everything().decrypt(&P, &token, &decrypting(&jwk_of(&v["key"]))),
            Err(Error::DecryptionFailed)
        );
    }

    #[test]
    fn tampered_ciphertext() {
        let (_, compact, key) = kw_vector();
        for at in [0, 100] {
            assert_eq!(
                a128kw().decrypt(&P, &flip_part(&compact, 3, at), &key),
                Err(Error::DecryptionFailed)
            );
        }
        let ct = part_bytes(&compact, 3);
        for bad in [&ct[..ct.len() - 1], &[][..]] {
            let token = with_part(&compact, 3, &b64::encode(bad));
            assert_eq!(
                a128kw().decrypt(&P, &token, &key),
                Err(Error::DecryptionFailed)
            );
        }
        // AES-CBC-HMAC: a flipped bit, a dropped block (padding oracle food).
        let v = vector("rfc7516/A.2.json");
        let key = decrypting(&for_alg(jwk_of(&v["key"]), Alg::Rsa1_5));
        let compact = str_at(&v, "/expected/compact");
        let ct = part_bytes(compact, 3);
        for token in [
            flip_part(compact, 3, ct.len() - 1),
            with_part(compact, 3, &b64::encode(&ct[..16])),
        ] {
            assert_eq!(
                everything().decrypt(&P, &token, &key),
                Err(Error::DecryptionFailed)
            );
        }
    }

    #[test]
    fn tampered_tag() {
        let (_, compact, key) = kw_vector();
        for at in [0, 15] {
            assert_eq!(
                a128kw().decrypt(&P, &flip_part(&compact, 4, at), &key),
                Err(Error::DecryptionFailed)
            );
        }
        let v = vector("rfc7516/A.3.json");
        let token = flip_part(str_at(&v, "/expected/compact"), 4, 15);
        assert_eq!(
            everything().decrypt(&P, &token, &decrypting(&jwk_of(&v["key"]))),
            Err(Error::DecryptionFailed)
        );
    }

    #[test]
    fn truncated_or_extended_tag() {
        let (_, compact, key) = kw_vector();
        let tag = part_bytes(&compact, 4);
        for bad in [
            &tag[..8],
            &tag[..15],
            &[][..],
            &[&tag[..], &[0u8][..]].concat()[..],
        ] {
            let token = with_part(&compact, 4, &b64::encode(bad));
            assert_eq!(a128kw().decrypt(&P, &token, &key), Err(wrong_length("tag")));
        }
        // A256CBC-HS512's tag is 32 bytes: a 16-byte one is refused.
        let jwk = oct_jwk(&random(64));
        let token = JweBuilder::new(b"x", Enc::A256CbcHs512)
            .compact(&P, encryptor(&jwk, Alg::Dir).as_ref())
            .unwrap();
        let tag = part_bytes(&token, 4);
        assert_eq!(tag.len(), 32);
        let token = with_part(&token, 4, &b64::encode(&tag[..16]));
        assert_eq!(
            everything().decrypt(&P, &token, &decrypting(&jwk)),
            Err(wrong_length("tag"))
        );
    }

    #[test]
    fn tampered_aad() {
        let v = vector(F5_10);
        let key = decrypting(&jwk_of(&v["input"]["key"]));
        for form in ["json", "json_flat"] {
            let original = &v["output"][form];
            let mut changed = original.clone();
            changed["aad"] = json!(b64::encode(b"[\"vcard\"]"));
            let mut removed = original.clone();
            removed.as_object_mut().unwrap().remove("aad");
            let mut empty = original.clone();
            empty["aad"] = json!("");
            for doc in [changed, removed, empty] {
                assert_eq!(
                    a128kw().decrypt(&P, &doc.to_string(), &key),
                    Err(Error::DecryptionFailed),
                    "{form}"
                );
            }
            let mut bad = original.clone();
            bad["aad"] = json!("not base64url!");
            assert_eq!(
                a128kw().decrypt(&P, &bad.to_string(), &key),
                Err(malformed(
                    "JSON serialization \"aad\"",
                    MalformedReason::Base64
                ))
            );
        }
        // AAD added to a JWE that had none.
        let v = vector(F5_8);
        let mut added = v["output"]["json_flat"].clone();
        added["aad"] = json!(b64::encode(b"added"));
        assert_eq!(
            a128kw().decrypt(
                &P,
                &added.to_string(),
                &decrypting(&jwk_of(&v["input"]["key"]))
            ),
            Err(Error::DecryptionFailed)
        );
    }

    /// Members of an unprotected header are not authenticated: adding one
    /// does not break the tag (which is why zip and crit must be protected).
    #[test]
    fn unprotected_members_are_not_authenticated() {
        let v = vector(F5_11);
        let key = decrypting(&jwk_of(&v["input"]["key"]));
        let mut doc = v["output"]["json_flat"].clone();
        doc["unprotected"]["x-note"] = json!("added in transit");
        let got = a128kw().decrypt(&P, &doc.to_string(), &key).unwrap();
        assert_eq!(&*got.plaintext, str_at(&v, "/input/plaintext").as_bytes());
        assert_eq!(
            got.joint.other().get("x-note"),
            Some(&json!("added in transit"))
        );
        assert!(!got.protected.contains("x-note"));
    }

    #[test]
    fn wrong_key() {
        let (_, compact, _) = kw_vector();
        assert_eq!(
            a128kw().decrypt(&P, &compact, &decrypting(&oct_jwk(&random(16)))),
            Err(Error::DecryptionFailed)
        );
        for (path, fresh) in [
            (F5_1, KeyShape::Rsa { bits: 2048 }),
            (F5_4, KeyShape::Curve(Curve::P384)),
            (F5_5, KeyShape::Curve(Curve::P256)),
            (F5_6, KeyShape::Oct { len: 16 }),
            (F5_7, KeyShape::Oct { len: 32 }),
        ] {
            let v = vector(path);
            let jwk = match fresh {
                KeyShape::Rsa { .. } => for_alg(rsa_key().clone(), Alg::Rsa1_5),
                spec => P.generate(spec).unwrap(),
            };
            assert_eq!(
                everything().decrypt(&P, str_at(&v, "/output/compact"), &decrypting(&jwk)),
                Err(Error::DecryptionFailed),
                "{path}"
            );
        }
        // The X25519 cookbook JWE with another X25519 key.
        let v = vector("rfc7520/curve25519/ecdh-es.json");
        let other = P.generate(KeyShape::Curve(Curve::X25519)).unwrap();
        assert_eq!(
            everything().decrypt(&P, str_at(&v, "/output/compact"), &decrypting(&other)),
            Err(Error::DecryptionFailed)
        );
    }

    /// A compact ECDH-ES JWE (RFC 7520 5.5, P-256) whose protected epk is
    /// replaced by `epk`.
    fn with_epk(path: &str, epk: &Value) -> (String, Arc<dyn DecryptingKey>) {
        let v = vector(path);
        let mut header = v["encrypting_content"]["protected"].clone();
        header["epk"] = epk.clone();
        let token = with_part(
            str_at(&v, "/output/compact"),
            0,
            &b64::encode(header.to_string().as_bytes()),
        );
        (token, decrypting(&jwk_of(&v["input"]["key"])))
    }

    #[test]
    fn epk_off_the_curve_invalid_curve_attack() {
        for path in [F5_5, F5_4] {
            let v = vector(path);
            let mut epk = v["encrypting_content"]["protected"]["epk"].clone();
            let mut y = b64::decode("y", epk["y"].as_str().unwrap()).unwrap();
            let last = y.len() - 1;
            y[last] ^= 1;
            epk["y"] = json!(b64::encode(&y));
            let (token, key) = with_epk(path, &epk);
            assert_eq!(
                everything().decrypt(&P, &token, &key),
                Err(Error::invalid_key("key", "is not a point on the curve")),
                "{path}"
            );
        }
        // A point of a small subgroup of another curve, with P-256 sizes:
        // (0, 0) is not on P-256.
        let epk = json!({"kty": "EC", "crv": "P-256", "x": b64::encode(&[0; 32]), "y": b64::encode(&[0; 32])});
        let (token, key) = with_epk(F5_5, &epk);
        assert_eq!(
            everything().decrypt(&P, &token, &key),
            Err(Error::invalid_key("key", "is not a point on the curve"))
        );
    }

    #[test]
    fn epk_of_another_curve() {
        let other_curve = Err(malformed(
            "header \"epk\"",
            MalformedReason::Invalid("is not a key on the recipient's curve"),
        ));
        let public = |curve| {
            let jwk = P.generate(KeyShape::Curve(curve)).unwrap();
            serde_json::from_str::<Value>(&jwk.to_public().unwrap().to_json()).unwrap()
        };
        for curve in [Curve::P384, Curve::P521, Curve::X25519] {
            let (token, key) = with_epk(F5_5, &public(curve));
            assert_eq!(
                everything().decrypt(&P, &token, &key),
                other_curve,
                "{curve}"
            );
        }
        for curve in [Curve::P256, Curve::P384] {
            let (token, key) = with_epk("rfc7520/curve25519/ecdh-es.json", &public(curve));
            assert_eq!(
                everything().decrypt(&P, &token, &key),
                other_curve,
                "{curve}"
            );
        }
    }

    #[test]
    fn x25519_epk_of_small_order() {
        let epk = json!({"kty": "OKP", "crv": "X25519", "x": b64::encode(&[0; 32])});
        let (token, key) = with_epk("rfc7520/curve25519/ecdh-es.json", &epk);
        assert_eq!(
            everything().decrypt(&P, &token, &key),
            Err(malformed(
                "header \"epk\"",
                MalformedReason::Invalid("is a point of small order")
            ))
        );
    }

    #[test]
    fn epk_with_a_private_key_or_missing() {
        // The cookbook lists the ephemeral key with its "d": as an epk, refused.
        let v = vector(F5_4);
        let (token, key) = with_epk(F5_4, &v["encrypting_key"]["epk"]);
        assert_eq!(
            everything().decrypt(&P, &token, &key),
            Err(malformed(
                "header \"epk\"",
                MalformedReason::Invalid("must not hold a private key")
            ))
        );
        let mut header = v["encrypting_content"]["protected"].clone();
        header.as_object_mut().unwrap().remove("epk");
        let token = with_part(
            str_at(&v, "/output/compact"),
            0,
            &b64::encode(header.to_string().as_bytes()),
        );
        assert_eq!(
            everything().decrypt(&P, &token, &key),
            Err(malformed("header \"epk\"", MalformedReason::Missing))
        );
    }

    /// A crafted PBES2 compact JWE with these `p2s` and `p2c` JSON values.
    fn pbes2_token(p2s: &Value, p2c: &Value) -> String {
        let header = json!({"alg": "PBES2-HS256+A128KW", "enc": "A128GCM", "p2s": p2s, "p2c": p2c});
        craft_compact(&header.to_string(), b"x")
    }

    /// The PBES2 primitive itself refuses a count above
    /// `PBES2_MAX_COUNT`: a caller that raises every limit, or a key store
    /// of its own that calls the key decryptor directly, still cannot be
    /// made to run billions of iterations by a header.
    #[test]
    fn pbes2_primitive_caps_p2c_whatever_the_limits() {
        use jose_core::key_management::PBES2_MAX_COUNT;
        let over = PBES2_MAX_COUNT + 1;
        let limit = Error::Policy(Policy::LimitExceeded("p2c"));
        let header = header_of(&json!({
            "alg": "PBES2-HS256+A128KW", "enc": "A128GCM",
            "p2s": b64::encode(&[7; 16]), "p2c": over,
        }));
        let decryptor = pbes2_key().key_decryptor(Alg::Pbes2Hs256A128Kw).unwrap();
        assert_eq!(
            decryptor
                .decrypt_key(&header, Enc::A128Gcm, &[0; 24])
                .map(|_| ()),
            Err(limit.clone())
        );
        let raised = everything().limits(
            Limits::default()
                .max_p2c(u64::MAX)
                .max_kdf_iterations(u64::MAX),
        );
        let token = pbes2_token(&json!(b64::encode(&[7; 16])), &json!(over));
        assert_eq!(raised.decrypt(&P, &token, &pbes2_key()), Err(limit));
    }

    fn pbes2_key() -> Arc<dyn DecryptingKey> {
        decrypting(&password_jwk("password"))
    }

    /// A `p2c` above the decryption limit is refused before any PBKDF2
    /// runs: a hostile header cannot buy seconds of key derivation with
    /// one number.
    #[test]
    fn p2c_above_the_maximum() {
        let salt = json!(b64::encode(&[7; 16]));
        let limit = Err(Error::Policy(Policy::LimitExceeded("p2c")));
        let token = pbes2_token(&salt, &json!(1_200_001));
        assert_eq!(everything().decrypt(&P, &token, &pbes2_key()), limit);
        let token = pbes2_token(&salt, &json!(u64::MAX));
        assert_eq!(everything().decrypt(&P, &token, &pbes2_key()), limit);
        // RFC 7520 5.3 (p2c 8192) under a limit of 8191, then of 8192.
        let v = vector(F5_3);
        let key = decrypting(&password_jwk(str_at(&v, "/input/pwd")));
        let compact = str_at(&v, "/output/compact");
        assert_eq!(
            everything()
                .limits(Limits::default().max_p2c(8191))
                .decrypt(&P, compact, &key),
            limit
        );
        assert!(
            everything()
                .limits(Limits::default().max_p2c(8192))
                .decrypt(&P, compact, &key)
                .is_ok()
        );
    }

    #[test]
    fn p2s_shorter_than_8_bytes() {
        for len in [0, 1, 7] {
            let token = pbes2_token(&json!(b64::encode(&vec![7; len])), &json!(1000));
            assert_eq!(
                everything().decrypt(&P, &token, &pbes2_key()),
                Err(malformed(
                    "header \"p2s\"",
                    MalformedReason::Invalid("must be at least 8 bytes (RFC 7518 section 4.8.1.1)")
                )),
                "{len}"
            );
        }
        // 8 bytes passes the check (and fails as a wrong key would).
        let token = pbes2_token(&json!(b64::encode(&[7; 8])), &json!(1000));
        assert_eq!(
            everything().decrypt(&P, &token, &pbes2_key()),
            Err(Error::DecryptionFailed)
        );
    }

    #[test]
    fn p2c_or_p2s_ill_typed_or_missing() {
        let salt = json!(b64::encode(&[7; 16]));
        for p2c in [json!(0), json!(-1), json!(1.5), json!("1000"), json!(null)] {
            assert_eq!(
                everything().decrypt(&P, &pbes2_token(&salt, &p2c), &pbes2_key()),
                Err(malformed(
                    "header \"p2c\"",
                    MalformedReason::WrongType("a positive integer")
                )),
                "{p2c}"
            );
        }
        let no_p2c = craft_compact(
            &json!({"alg": "PBES2-HS256+A128KW", "enc": "A128GCM", "p2s": salt}).to_string(),
            b"x",
        );
        assert_eq!(
            everything().decrypt(&P, &no_p2c, &pbes2_key()),
            Err(malformed("header \"p2c\"", MalformedReason::Missing))
        );
        let no_p2s = craft_compact(
            &json!({"alg": "PBES2-HS256+A128KW", "enc": "A128GCM", "p2c": 1000}).to_string(),
            b"x",
        );
        assert_eq!(
            everything().decrypt(&P, &no_p2s, &pbes2_key()),
            Err(malformed("header \"p2s\"", MalformedReason::Missing))
        );
    }

    #[test]
    fn zip_bomb() {
        let zeros = vec![0u8; 10 * 1024 * 1024];
        let jwk = kw_key();
        let token = JweBuilder::new(&zeros, Enc::A128Gcm)
            .compress()
            .compact(&P, encryptor(&jwk, Alg::A128Kw).as_ref())
            .unwrap();
        assert!(token.len() < 64 * 1024, "10 MB of zeros compress well");
        let mib = 1024 * 1024;
        assert_eq!(
            a128kw_all()
                .limits(Limits::default().max_plaintext(mib))
                .decrypt(&P, &token, &decrypting(&jwk)),
            Err(malformed(
                "decompressed plaintext",
                MalformedReason::TooLarge { limit: mib }
            ))
        );
        // The default limit (4 MiB) refuses it too.
        assert_eq!(
            a128kw_all().decrypt(&P, &token, &decrypting(&jwk)),
            Err(malformed(
                "decompressed plaintext",
                MalformedReason::TooLarge { limit: 4 * mib }
            ))
        );
        // Under a limit of 10 MiB it opens.
        let got = a128kw_all()
            .limits(Limits::default().max_plaintext(10 * mib))
            .decrypt(&P, &token, &decrypting(&jwk))
            .unwrap();
        assert_eq!(got.plaintext.len(), zeros.len());
    }

    fn a128kw_all() -> Decryption {
        allow(&[Alg::A128Kw], Enc::ALL)
    }

    /// `Limits::max_plaintext` is "the largest plaintext after `zip`
    /// decompression": a plaintext of exactly that size is accepted, one
    /// byte more is not.
    #[test]
    fn zip_limit_boundary() {
        let limit = 64 * 1024;
        let jwk = kw_key();
        let e = encryptor(&jwk, Alg::A128Kw);
        for (len, ok) in [(limit - 1, true), (limit, true), (limit + 1, false)] {
            let plaintext = vec![b'a'; len];
            let token = JweBuilder::new(&plaintext, Enc::A128Gcm)
                .compress()
                .compact(&P, e.as_ref())
                .unwrap();
            let got = a128kw_all()
                .limits(Limits::default().max_plaintext(limit))
                .decrypt(&P, &token, &decrypting(&jwk));
            if ok {
                assert_eq!(got.map(|d| d.plaintext.len()), Ok(len), "{len}");
            } else {
                assert_eq!(
                    got,
                    Err(malformed(
                        "decompressed plaintext",
                        MalformedReason::TooLarge { limit }
                    )),
                    "{len}"
                );
            }
        }
    }

    #[test]
    fn zip_with_invalid_deflate_or_unknown_algorithm() {
        let token = craft_compact(
            r#"{"alg":"A128KW","enc":"A128GCM","zip":"DEF"}"#,
            &[0xff; 32],
        );
        assert_eq!(
            open_crafted(&token),
            Err(malformed(
                "compressed plaintext",
                MalformedReason::Invalid("is not valid DEFLATE data")
            ))
        );
        let token = craft_compact(r#"{"alg":"A128KW","enc":"A128GCM","zip":"GZIP"}"#, b"x");
        assert_eq!(
            open_crafted(&token),
            Err(Error::Unsupported(Unsupported::Algorithm("GZIP".into())))
        );
    }

    #[test]
    fn rsa1_5_bad_padding_is_a_wrong_tag() {
        let v = vector("rfc7516/A.2.json");
        let jwk = for_alg(jwk_of(&v["key"]), Alg::Rsa1_5);
        let key = decrypting(&jwk);
        let compact = str_at(&v, "/expected/compact");
        let d = allow(&[Alg::Rsa1_5], &[Enc::A128CbcHs256]);
        // 1. A wrong tag.
        let wrong_tag = flip_part(compact, 4, 0);
        assert_eq!(
            d.decrypt(&P, &wrong_tag, &key),
            Err(Error::DecryptionFailed)
        );
        // 2. An encrypted key that decrypts to bad padding (random bytes
        //    below the modulus).
        let mut garbage = random(256);
        garbage[0] = 0;
        let bad_padding = with_part(compact, 1, &b64::encode(&garbage));
        assert_eq!(
            d.decrypt(&P, &bad_padding, &key),
            Err(Error::DecryptionFailed)
        );
        // 3. Good padding around a CEK of the wrong length.
        let short = encryptor(&jwk, Alg::Rsa1_5)
            .encrypt_key(&Header::new(), Enc::A128CbcHs256, &[1; 16])
            .unwrap()
            .encrypted_key;
        let short_cek = with_part(compact, 1, &b64::encode(&short));
        assert_eq!(
            d.decrypt(&P, &short_cek, &key),
            Err(Error::DecryptionFailed)
        );
        // 4. An encrypted key of the wrong length.
        let truncated = with_part(compact, 1, &b64::encode(&garbage[..100]));
        assert_eq!(
            d.decrypt(&P, &truncated, &key),
            Err(Error::DecryptionFailed)
        );
        // The key decryptor itself never fails on padding: it answers a
        // random CEK of the right length, a new one each time (RFC 7516
        // section 11.5), so nothing tells bad padding from a bad tag.
        let header = header_of(&v["protected_header"]);
        let dec = decryptor(&jwk, Alg::Rsa1_5);
        let first = dec
            .decrypt_key(&header, Enc::A128CbcHs256, &garbage)
            .unwrap();
        let second = dec
            .decrypt_key(&header, Enc::A128CbcHs256, &garbage)
            .unwrap();
        assert_eq!(first.len(), 32);
        assert_ne!(*first, *second);
        let third = dec.decrypt_key(&header, Enc::A128CbcHs256, &short).unwrap();
        assert_eq!(third.len(), 32);
    }

    #[test]
    fn alg_or_enc_outside_the_allow_list() {
        let (_, compact, key) = kw_vector();
        assert_eq!(
            allow(&[Alg::A256Kw, Alg::Dir], &[Enc::A128Gcm]).decrypt(&P, &compact, &key),
            Err(Error::Policy(Policy::AlgorithmNotAllowed("A128KW".into())))
        );
        assert_eq!(
            allow(&[Alg::A128Kw], &[Enc::A256Gcm, Enc::A128CbcHs256]).decrypt(&P, &compact, &key),
            Err(Error::Policy(Policy::AlgorithmNotAllowed("A128GCM".into())))
        );
        // The A.4 general JWE: no recipient's alg allowed; the first error.
        let v = vector("rfc7516/A.4.json");
        let text = v["expected"]["json_general"].to_string();
        assert_eq!(
            allow(&[Alg::RsaOaep], &[Enc::A128CbcHs256]).decrypt(&P, &text, &key),
            Err(Error::Policy(Policy::AlgorithmNotAllowed("RSA1_5".into())))
        );
    }

    #[test]
    fn jws_algorithm_in_a_jwe_header() {
        for alg in ["HS256", "RS256", "ES256", "EdDSA"] {
            let token = craft_compact(&format!(r#"{{"alg":"{alg}","enc":"A128GCM"}}"#), b"x");
            assert_eq!(
                open_crafted(&token),
                Err(Error::Policy(Policy::AlgorithmNotAllowed(alg.into()))),
                "{alg}"
            );
        }
        // An enc as the alg.
        let token = craft_compact(r#"{"alg":"A128GCM","enc":"A128GCM"}"#, b"x");
        assert_eq!(
            open_crafted(&token),
            Err(Error::Policy(Policy::AlgorithmNotAllowed("A128GCM".into())))
        );
        // none, and an unknown name.
        let token = craft_compact(r#"{"alg":"none","enc":"A128GCM"}"#, b"x");
        assert_eq!(
            open_crafted(&token),
            Err(Error::Policy(Policy::NoneAlgorithm))
        );
        let token = craft_compact(r#"{"alg":"XYZ","enc":"A128GCM"}"#, b"x");
        assert_eq!(
            open_crafted(&token),
            Err(Error::Unsupported(Unsupported::Algorithm("XYZ".into())))
        );
        // A JWS alg as enc.
        let token = craft_compact(r#"{"alg":"A128KW","enc":"HS256"}"#, b"x");
        assert_eq!(
            open_crafted(&token),
            Err(Error::Unsupported(Unsupported::Algorithm("HS256".into())))
        );
        // A whole JWS (RFC 7515 A.1) given as a JWE: three parts.
        let jws = vector("rfc7515/A.1.json");
        assert_eq!(
            open_crafted(str_at(&jws, "/expected/compact")),
            Err(five_parts())
        );
    }

    #[test]
    fn missing_alg_or_enc() {
        let token = craft_compact(r#"{"enc":"A128GCM"}"#, b"x");
        assert_eq!(
            open_crafted(&token),
            Err(malformed("header \"alg\"", MalformedReason::Missing))
        );
        let token = craft_compact(r#"{"alg":"A128KW"}"#, b"x");
        assert_eq!(
            open_crafted(&token),
            Err(malformed("header \"enc\"", MalformedReason::Missing))
        );
    }

    #[test]
    fn empty_allow_lists() {
        let misuse = Err(Error::ApiMisuse(
            "the algorithm allow-lists must not be empty",
        ));
        assert_eq!(Decryption::new(&[], &[Enc::A128Gcm]).map(drop), misuse);
        assert_eq!(Decryption::new(&[Alg::A128Kw], &[]).map(drop), misuse);
        assert_eq!(Decryption::new(&[], &[]).map(drop), misuse);
    }

    #[test]
    fn dir_with_a_key_of_the_wrong_length() {
        let v = vector(F5_6);
        let compact = str_at(&v, "/output/compact");
        // A 32-byte key for A128GCM (16 bytes).
        let key = decrypting(&oct_jwk(&random(32)));
        assert_eq!(
            allow(&[Alg::Dir], &[Enc::A128Gcm]).decrypt(&P, compact, &key),
            Err(Error::invalid_key("k", "has the wrong length for enc"))
        );
    }

    /// RFC 7516 section 7.2.1: the protected, shared unprotected and
    /// per-recipient header must be disjoint.
    #[test]
    fn overlapping_header_members() {
        let v = vector(F5_11);
        let key = decrypting(&jwk_of(&v["input"]["key"]));
        let duplicate = |name: &str| {
            Err(malformed(
                "joint header",
                MalformedReason::DuplicateMember(name.into()),
            ))
        };
        for form in ["json", "json_flat"] {
            // Protected (enc) vs shared unprotected.
            let mut doc = v["output"][form].clone();
            doc["unprotected"]["enc"] = json!("A128GCM");
            assert_eq!(
                a128kw().decrypt(&P, &doc.to_string(), &key),
                duplicate("enc")
            );
            // Shared unprotected (kid) vs recipient header.
            let mut doc = v["output"][form].clone();
            let kid = json!({"kid": "81b20965-8332-43d9-a468-82160ad91ac8"});
            if form == "json" {
                doc["recipients"][0]["header"] = kid;
            } else {
                doc["header"] = kid;
            }
            assert_eq!(
                a128kw().decrypt(&P, &doc.to_string(), &key),
                duplicate("kid")
            );
        }
        // Protected vs recipient header, crafted.
        let flat = craft_flat(
            Some(&json!({"enc": "A128GCM", "typ": "a"})),
            None,
            Some(&json!({"alg": "A128KW", "typ": "b"})),
            None,
            b"x",
        );
        assert_eq!(open_crafted(&flat.to_string()), duplicate("typ"));
        assert_eq!(
            open_crafted(&to_general(&flat).to_string()),
            duplicate("typ")
        );
    }

    #[test]
    fn duplicate_members_within_one_object() {
        // In the protected header text.
        let token = craft_compact(r#"{"alg":"A128KW","enc":"A128GCM","alg":"dir"}"#, b"x");
        assert_eq!(
            open_crafted(&token),
            Err(malformed(
                "protected header",
                MalformedReason::DuplicateMember("alg".into())
            ))
        );
        // In the JSON serialization itself.
        let flat = craft_flat(
            Some(&json!({"alg": "A128KW", "enc": "A128GCM"})),
            None,
            None,
            None,
            b"x",
        );
        let text = flat.to_string();
        let iv = flat["iv"].as_str().unwrap();
        let doubled = text.replacen('{', &format!("{{\"iv\":\"{iv}\","), 1);
        assert_eq!(
            open_crafted(&doubled),
            Err(malformed(
                "JSON serialization",
                MalformedReason::DuplicateMember("iv".into())
            ))
        );
    }

    #[test]
    fn zip_or_crit_in_an_unprotected_header() {
        let protected = json!({"alg": "A128KW", "enc": "A128GCM"});
        for name in ["zip", "crit"] {
            let value = if name == "zip" {
                json!("DEF")
            } else {
                json!(["exp"])
            };
            let member = json!({ name: value });
            let shared = craft_flat(Some(&protected), Some(&member), None, None, b"x");
            let own = craft_flat(Some(&protected), None, Some(&member), None, b"x");
            for doc in [&shared, &own, &to_general(&own)] {
                assert_eq!(
                    open_crafted(&doc.to_string()),
                    Err(Error::Policy(Policy::NotProtected(name.into()))),
                    "{name}"
                );
            }
        }
        // The same members protected are fine.
        let zipped = craft_flat(
            Some(&json!({"alg": "A128KW", "enc": "A128GCM", "zip": "DEF"})),
            None,
            None,
            None,
            &stored_deflate_of_hello(),
        );
        assert_eq!(
            open_crafted(&zipped.to_string()).map(|d| d.plaintext.to_vec()),
            Ok(b"hello".to_vec())
        );
    }

    /// Raw DEFLATE of "hello", as a fixed stored block (RFC 1951 3.2.4).
    fn stored_deflate_of_hello() -> Vec<u8> {
        let mut out = vec![0x01, 0x05, 0x00, 0xfa, 0xff];
        out.extend_from_slice(b"hello");
        out
    }

    #[test]
    fn crit() {
        let header = r#"{"alg":"A128KW","enc":"A128GCM","crit":["exp"],"exp":1}"#;
        let token = craft_compact(header, b"x");
        assert_eq!(
            open_crafted(&token),
            Err(Error::Policy(Policy::UnknownCritical("exp".into())))
        );
        // Understood: it opens.
        let got = allow(&[Alg::A128Kw], &[Enc::A128Gcm])
            .understand("exp")
            .decrypt(&P, &token, &decrypting(&kw_key()))
            .unwrap();
        assert_eq!(&*got.plaintext, b"x");
        // Understood but absent from the protected header (only in the
        // unprotected one): refused.
        let flat = craft_flat(
            Some(&json!({"alg": "A128KW", "enc": "A128GCM", "crit": ["exp"]})),
            Some(&json!({"exp": 1})),
            None,
            None,
            b"x",
        );
        assert_eq!(
            allow(&[Alg::A128Kw], &[Enc::A128Gcm])
                .understand("exp")
                .decrypt(&P, &flat.to_string(), &decrypting(&kw_key())),
            Err(Error::Policy(Policy::UnknownCritical("exp".into())))
        );
        // crit naming a registered parameter, or empty: malformed.
        for (crit, reason) in [
            (
                r#"["zip"]"#,
                MalformedReason::Invalid("must not name a parameter of RFC 7515, 7516 or 7518"),
            ),
            ("[]", MalformedReason::Invalid("must not be empty")),
        ] {
            let token = craft_compact(
                &format!(r#"{{"alg":"A128KW","enc":"A128GCM","zip":"DEF","crit":{crit}}}"#),
                b"x",
            );
            assert_eq!(
                open_crafted(&token),
                Err(malformed("header \"crit\"", reason))
            );
        }
    }

    fn five_parts() -> Error {
        malformed(
            "compact serialization",
            MalformedReason::Invalid("must have exactly five parts separated by '.'"),
        )
    }

    #[test]
    fn four_or_six_compact_parts() {
        let (_, compact, key) = kw_vector();
        let p = parts(&compact);
        let four = p[..4].join(".");
        let six = format!("{compact}.{}", p[4]);
        for text in [
            four.as_str(),
            six.as_str(),
            "",
            "a",
            "a.b.c",
            "...",
            ".....",
        ] {
            assert_eq!(
                a128kw().decrypt(&P, text, &key),
                Err(five_parts()),
                "{text:?}"
            );
        }
        // Five parts with an empty protected header.
        assert_eq!(
            a128kw().decrypt(&P, &with_part(&compact, 0, ""), &key),
            Err(malformed(
                "compact serialization protected header",
                MalformedReason::Missing
            ))
        );
    }

    #[test]
    fn malformed_base64url() {
        let (_, compact, key) = kw_vector();
        for (index, what) in [
            (0, "protected header"),
            (1, "encrypted key"),
            (2, "iv"),
            (3, "ciphertext"),
            (4, "tag"),
        ] {
            let part = parts(&compact)[index].clone();
            for bad in [
                format!("{part}="),
                format!("{part}!"),
                format!(" {part}"),
                part.replace(['-', '_', 'A'], "+"),
            ] {
                if bad == part {
                    continue;
                }
                assert_eq!(
                    a128kw().decrypt(&P, &with_part(&compact, index, &bad), &key),
                    Err(malformed(what, MalformedReason::Base64)),
                    "{what}: {bad}"
                );
            }
        }
        // In the JSON serializations.
        let v = vector(F5_8);
        for member in ["iv", "ciphertext", "tag", "encrypted_key"] {
            let mut doc = v["output"]["json_flat"].clone();
            doc[member] = json!("a=");
            assert_eq!(
                a128kw().decrypt(&P, &doc.to_string(), &key),
                Err(malformed(
                    &format!("JSON serialization \"{member}\""),
                    MalformedReason::Base64
                )),
                "{member}"
            );
        }
        let mut doc = v["output"]["json_flat"].clone();
        doc["protected"] = json!("e30=");
        assert_eq!(
            a128kw().decrypt(&P, &doc.to_string(), &key),
            Err(malformed("protected header", MalformedReason::Base64))
        );
        // A header member that must be base64url.
        let token = craft_compact(r#"{"alg":"A128KW","enc":"A128GCM","apu":"a+b"}"#, b"x");
        assert_eq!(
            open_crafted(&token),
            Err(malformed("header \"apu\"", MalformedReason::Base64))
        );
    }

    #[test]
    fn malformed_json() {
        let (_, _, key) = kw_vector();
        let json_err = |text: &str| {
            let got = a128kw().decrypt(&P, text, &key);
            assert_err!(
                got,
                Error::Malformed(m) if m.what == "JSON serialization"
                    && matches!(m.reason, MalformedReason::Json { .. }),
            );
        };
        json_err("{");
        json_err("{\"iv\":");
        json_err("{} trailing");
        json_err("{\"iv\":\"AAAA\",}");
        // The protected header decodes to something that is not JSON, or
        // not an object.
        for (text, reason) in [
            ("not json", MalformedReason::Json { line: 1, column: 2 }),
            ("[1]", MalformedReason::NotAnObject),
        ] {
            let token = craft_compact(text, b"x");
            assert_err!(
                open_crafted(&token),
                Error::Malformed(m) if m.what == "protected header"
                    && std::mem::discriminant(&m.reason) == std::mem::discriminant(&reason),
            );
        }
        let flat = craft_flat(
            Some(&json!({"alg": "A128KW", "enc": "A128GCM"})),
            None,
            None,
            None,
            b"x",
        );
        let missing = |name: &str| {
            let mut doc = flat.clone();
            doc.as_object_mut().unwrap().remove(name);
            (
                doc,
                MalformedReason::Missing,
                format!("JSON serialization \"{name}\""),
            )
        };
        let retyped = |name: &str, value: Value, expected: &'static str| {
            // "recipients" replaces the top-level encrypted key.
            let mut doc = if name == "recipients" {
                to_general(&flat)
            } else {
                flat.clone()
            };
            doc[name] = value;
            (
                doc,
                MalformedReason::WrongType(expected),
                format!("JSON serialization \"{name}\""),
            )
        };
        for (doc, reason, what) in [
            missing("iv"),
            missing("ciphertext"),
            missing("tag"),
            retyped("iv", json!(1), "a string"),
            retyped("protected", json!({"alg": "A128KW"}), "a string"),
            retyped("unprotected", json!("x"), "a JSON object"),
            retyped("header", json!([]), "a JSON object"),
            retyped("aad", json!(null), "a string"),
            retyped("recipients", json!({}), "an array"),
            retyped("recipients", json!(["x"]), "an array of objects"),
        ] {
            assert_eq!(
                open_crafted(&doc.to_string()),
                Err(malformed(&what, reason)),
                "{doc}"
            );
        }
        // Structure: recipients empty, recipients beside a top-level
        // encrypted key, no header at all.
        let mut doc = to_general(&flat);
        doc["recipients"] = json!([]);
        assert_eq!(
            open_crafted(&doc.to_string()),
            Err(malformed(
                "JSON serialization \"recipients\"",
                MalformedReason::Invalid("must not be empty")
            ))
        );
        let mut doc = to_general(&flat);
        doc["encrypted_key"] = flat["encrypted_key"].clone();
        assert_eq!(
            open_crafted(&doc.to_string()),
            Err(malformed(
                "JSON serialization",
                MalformedReason::Invalid(
                    "must not have both \"recipients\" and a top-level \"encrypted_key\" or \"header\""
                )
            ))
        );
        let mut doc = flat.clone();
        doc.as_object_mut().unwrap().remove("protected");
        assert_eq!(
            open_crafted(&doc.to_string()),
            Err(malformed(
                "JSON serialization",
                MalformedReason::Invalid("has no header at all")
            ))
        );
    }

    #[test]
    fn limits_on_input_header_and_recipients() {
        let (_, compact, key) = kw_vector();
        assert_eq!(
            a128kw()
                .limits(Limits::default().max_input(100))
                .decrypt(&P, &compact, &key),
            Err(malformed("JWE", MalformedReason::TooLarge { limit: 100 }))
        );
        let huge = format!(
            r#"{{"alg":"A128KW","enc":"A128GCM","x":"{}"}}"#,
            "a".repeat(16 * 1024)
        );
        assert_eq!(
            open_crafted(&craft_compact(&huge, b"x")),
            Err(malformed(
                "protected header",
                MalformedReason::TooLarge { limit: 16 * 1024 }
            ))
        );
        let mut doc = to_general(&craft_flat(
            Some(&json!({"enc": "A128GCM"})),
            None,
            Some(&json!({"alg": "A128KW"})),
            None,
            b"x",
        ));
        let one = doc["recipients"][0].clone();
        doc["recipients"] = Value::Array(vec![one.clone(); 16]);
        assert_eq!(
            open_crafted(&doc.to_string()).map(|d| d.recipient_index),
            Ok(0)
        );
        doc["recipients"] = Value::Array(vec![one; 17]);
        assert_eq!(
            open_crafted(&doc.to_string()),
            Err(malformed(
                "JSON serialization \"recipients\"",
                MalformedReason::Invalid("has more recipients than the limit")
            ))
        );
    }

    /// A key whose `use` is "sig" is never used to decrypt.
    #[test]
    fn key_with_use_sig_is_not_used_for_decryption() {
        let (v, compact, _) = kw_vector();
        let mut sig = v["input"]["key"].clone();
        let obj = sig.as_object_mut().unwrap();
        obj.remove("alg");
        obj.insert("use".into(), json!("sig"));
        let sig = jwk_of(&sig);
        let set: JwkSet = [sig.clone()].into_iter().collect();
        let store = JwkSetStore::new(&set, &P);
        assert_eq!(
            a128kw().decrypt(&P, &compact, &store),
            Err(Error::Policy(Policy::NoMatchingKey))
        );
        assert_err!(
            P.decryptor(&sig).map(drop),
            Error::Policy(Policy::KeyAlgorithmMismatch { .. })
        );
        // The same with "key_ops": ["sign", "verify"], and an RSA key.
        let mut ops = v["input"]["key"].clone();
        let obj = ops.as_object_mut().unwrap();
        obj.remove("alg");
        obj.remove("use");
        obj.insert("key_ops".into(), json!(["sign", "verify"]));
        let set: JwkSet = [jwk_of(&ops)].into_iter().collect();
        assert_eq!(
            a128kw().decrypt(&P, &compact, &JwkSetStore::new(&set, &P)),
            Err(Error::Policy(Policy::NoMatchingKey))
        );
        let a2 = vector("rfc7516/A.2.json");
        let mut rsa = a2["key"].clone();
        rsa["use"] = json!("sig");
        let set: JwkSet = [jwk_of(&rsa)].into_iter().collect();
        assert_eq!(
            allow(&[Alg::Rsa1_5], &[Enc::A128CbcHs256]).decrypt(
                &P,
                str_at(&a2, "/expected/compact"),
                &JwkSetStore::new(&set, &P)
            ),
            Err(Error::Policy(Policy::NoMatchingKey))
        );
        // A public key cannot decrypt either.
        let set: JwkSet = [jwk_of(&a2["key"]).to_public().unwrap()]
            .into_iter()
            .collect();
        assert_eq!(
            allow(&[Alg::Rsa1_5], &[Enc::A128CbcHs256]).decrypt(
                &P,
                str_at(&a2, "/expected/compact"),
                &JwkSetStore::new(&set, &P)
            ),
            Err(Error::Policy(Policy::NoMatchingKey))
        );
    }

    /// In a set of several keys, the header's kid selects the key: a key
    /// with another kid is never tried, and neither is a key without kid
    /// (another tenant's kid-less key must not open a message naming ours),
    /// unless the store is told to.
    #[test]
    fn kid_selection_in_a_jwk_set() {
        let raw: Vec<Vec<u8>> = (0..3).map(|_| random(16)).collect();
        let keys: Vec<Jwk> = ["a", "b", "c"]
            .iter()
            .zip(&raw)
            .map(|(kid, k)| oct_jwk(k).with_kid(*kid))
            .collect();
        let store = store_of(&keys.iter().collect::<Vec<_>>());
        let d = allow(&[Alg::A128Kw], &[Enc::A128Gcm]);
        let to_b = encryptor(&keys[1], Alg::A128Kw);
        let token = JweBuilder::new(b"for b", Enc::A128Gcm)
            .compact(&P, to_b.as_ref())
            .unwrap();
        let got = d.decrypt(&P, &token, &store).unwrap();
        assert_eq!(got.protected.kid.as_deref(), Some("b"));
        assert_eq!(&*got.plaintext, b"for b");

        // Wrapped for b, but the header names c: only c is tried.
        let mut named_c = Header::new();
        named_c.kid = Some("c".into());
        let token = JweBuilder::new(b"for b", Enc::A128Gcm)
            .protected(named_c)
            .compact(&P, to_b.as_ref())
            .unwrap();
        assert_eq!(d.decrypt(&P, &token, &store), Err(Error::DecryptionFailed));
        // A kid no key has: no key fits.
        let mut unknown = Header::new();
        unknown.kid = Some("zzz".into());
        let token_unknown = JweBuilder::new(b"for b", Enc::A128Gcm)
            .protected(unknown)
            .compact(&P, to_b.as_ref())
            .unwrap();
        assert_eq!(
            d.decrypt(&P, &token_unknown, &store),
            Err(Error::Policy(Policy::NoMatchingKey))
        );
        // A key without kid is not tried for a header that names one (it
        // may be another party's), unless the store is told to.
        // b's key material without its kid.
        let anonymous = oct_jwk(&raw[1]);
        let with_anonymous = store_of(&[&keys[0], &anonymous]);
        assert_eq!(
            d.decrypt(&P, &token_unknown, &with_anonymous),
            Err(Error::Policy(Policy::NoMatchingKey))
        );
        assert_eq!(
            d.decrypt(&P, &token_unknown, &with_anonymous.match_keys_without_kid())
                .map(|g| g.plaintext.to_vec()),
            Ok(b"for b".to_vec())
        );
        // No kid in the header: every key is tried.
        let anon_sender = encryptor(&anonymous, Alg::A128Kw);
        let token = JweBuilder::new(b"no kid", Enc::A128Gcm)
            .compact(&P, anon_sender.as_ref())
            .unwrap();
        assert_eq!(
            d.decrypt(&P, &token, &store).map(|g| g.protected.kid),
            Ok(None)
        );
        // The single-key store follows the same rule.
        assert_eq!(
            d.decrypt(&P, &token_unknown, &decrypting(&keys[1])),
            Err(Error::Policy(Policy::NoMatchingKey))
        );
    }
}

/// The cookbook file names, shared by the modules.
mod rfc7520_files {
    pub(crate) const F5_1: &str =
        "rfc7520/jwe/5_1.key_encryption_using_rsa_v15_and_aes-hmac-sha2.json";
    pub(crate) const F5_2: &str = "rfc7520/jwe/5_2.key_encryption_using_rsa-oaep_with_aes-gcm.json";
    pub(crate) const F5_3: &str =
        "rfc7520/jwe/5_3.key_wrap_using_pbes2-aes-keywrap_with-aes-cbc-hmac-sha2.json";
    pub(crate) const F5_4: &str = "rfc7520/jwe/5_4.key_agreement_with_key_wrapping_using_ecdh-es_and_aes-keywrap_with_aes-gcm.json";
    pub(crate) const F5_5: &str =
        "rfc7520/jwe/5_5.key_agreement_using_ecdh-es_with_aes-cbc-hmac-sha2.json";
    pub(crate) const F5_6: &str = "rfc7520/jwe/5_6.direct_encryption_using_aes-gcm.json";
    pub(crate) const F5_7: &str =
        "rfc7520/jwe/5_7.key_wrap_using_aes-gcm_keywrap_with_aes-cbc-hmac-sha2.json";
    pub(crate) const F5_8: &str = "rfc7520/jwe/5_8.key_wrap_using_aes-keywrap_with_aes-gcm.json";
    pub(crate) const F5_9: &str = "rfc7520/jwe/5_9.compressed_content.json";
    pub(crate) const F5_10: &str = "rfc7520/jwe/5_10.including_additional_authentication_data.json";
    pub(crate) const F5_11: &str = "rfc7520/jwe/5_11.protecting_specific_header_fields.json";
    pub(crate) const F5_12: &str = "rfc7520/jwe/5_12.protecting_content_only.json";
    pub(crate) const F5_13: &str = "rfc7520/jwe/5_13.encrypting_to_multiple_recipients.json";
}

// ---------------------------------------------------------------------------
// Which key decrypted
// ---------------------------------------------------------------------------

mod key_identity {
    use super::*;
    use jose_core::HashAlgorithm;

    /// A recipient that holds keys for several senders must learn which of
    /// its keys opened a message: `Decrypted.key` names it by `kid`,
    /// position and (for a public key) RFC 7638 thumbprint.
    #[test]
    fn decrypted_names_the_key_that_opened() {
        let (a, b, c) = (
            oct_jwk(&random(16)).with_kid("a"),
            oct_jwk(&random(16)).with_kid("b"),
            oct_jwk(&random(16)).with_kid("c"),
        );
        let (ea, eb) = (encryptor(&a, Alg::A128Kw), encryptor(&b, Alg::A128Kw));
        let text = JweBuilder::new(b"to a and b", Enc::A128Gcm)
            .general(&P, &[Recipient::new(ea.as_ref()), Recipient::new(eb.as_ref())])
            .unwrap();
        let d = allow(&[Alg::A128Kw], &[Enc::A128Gcm]);
        let got = d.decrypt(&P, &text, &store_of(&[&c, &b])).unwrap();
        assert_eq!(got.recipient_index, 1);
        assert_eq!(
            (got.key.kid.as_deref(), got.key.index, got.key.thumbprint),
            (Some("b"), 1, None)
        );

        let ec = P.generate(Alg::EcdhEs).unwrap().with_kid("ec");
        let text = JweBuilder::new(b"to ec", Enc::A128Gcm)
            .compact(&P, encryptor(&ec, Alg::EcdhEs).as_ref())
            .unwrap();
        let want: [u8; 32] = ec
            .to_public()
            .unwrap()
            .thumbprint(&P, HashAlgorithm::Sha256)
            .unwrap()
            .try_into()
            .unwrap();
        let d = allow(&[Alg::EcdhEs], &[Enc::A128Gcm]);
        for keys in [
            &decrypting(&ec) as &dyn KeyStore,
            &store_of(&[&ec]) as &dyn KeyStore,
        ] {
            let got = d.decrypt(&P, &text, keys).unwrap();
            assert_eq!(got.key.kid.as_deref(), Some("ec"));
            assert_eq!(got.key.thumbprint, Some(want));
        }
    }
}

// ---------------------------------------------------------------------------
// Work per message: counted through the key store
// ---------------------------------------------------------------------------

mod work_per_message {
    use super::*;
    use jose_core::{Candidate, JwsAlgorithm, Verifier};
    use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

    /// What the key decryptors were asked to do.
    #[derive(Debug, Default)]
    struct Tally {
        calls: AtomicUsize,
        iterations: AtomicU64,
    }

    /// A key store that counts every key decryption and the PBES2
    /// iterations it asks for, around another store.
    #[derive(Debug)]
    struct Counting<S> {
        inner: S,
        tally: Arc<Tally>,
    }

    #[derive(Debug)]
    struct CountingDecryptor {
        inner: Arc<dyn KeyDecryptor>,
        tally: Arc<Tally>,
    }

    impl KeyDecryptor for CountingDecryptor {
        fn algorithm(&self) -> Alg {
            self.inner.algorithm()
        }
        fn key_id(&self) -> Option<&str> {
            self.inner.key_id()
        }
        fn decrypt_key(
            &self,
            header: &Header,
            enc: Enc,
            encrypted_key: &[u8],
        ) -> Result<zeroize::Zeroizing<Vec<u8>>, Error> {
            self.tally.calls.fetch_add(1, Ordering::Relaxed);
            let p2c = header.p2c.unwrap_or(0);
            self.tally.iterations.fetch_add(p2c, Ordering::Relaxed);
            self.inner.decrypt_key(header, enc, encrypted_key)
        }
    }

    impl<S: KeyStore> KeyStore for Counting<S> {
        fn verifiers(
            &self,
            alg: JwsAlgorithm,
            header: &Header,
        ) -> Result<Vec<Candidate<dyn Verifier>>, Error> {
            self.inner.verifiers(alg, header)
        }
        fn key_decryptors(
            &self,
            alg: Alg,
            header: &Header,
        ) -> Result<Vec<Candidate<dyn KeyDecryptor>>, Error> {
            let inner = self.inner.key_decryptors(alg, header)?;
            Ok(inner
                .into_iter()
                .map(|c| {
                    let counted: Arc<dyn KeyDecryptor> = Arc::new(CountingDecryptor {
                        inner: c.key,
                        tally: Arc::clone(&self.tally),
                    });
                    Candidate::new(counted, c.identity)
                })
                .collect())
        }
    }

    fn counting<S: KeyStore>(inner: S) -> (Counting<S>, Arc<Tally>) {
        let tally = Arc::new(Tally::default());
        let store = Counting {
            inner,
            tally: Arc::clone(&tally),
        };
        (store, tally)
    }

    /// The worst PBES2 message the limits allow: 16 recipients, each at
    /// the `p2c` cap, none for us, against a set of three passwords
    /// without `kid`. Tried naively that is 48 derivations of 600,000
    /// iterations (about 29 million, seconds of work). Each password is
    /// tried once per message and the iterations are budgeted, so the
    /// message stops at the budget: never more than `max_kdf_iterations`.
    #[test]
    fn pbes2_work_is_bounded_per_message() {
        let limits = Limits::default();
        let stranger = password_jwk("not one of ours");
        let e = encryptor(&stranger, Alg::Pbes2Hs256A128Kw);
        let params = jose_core::key_management::Pbes2Params::new(limits.max_p2c, 16).unwrap();
        let recipients: Vec<Recipient<'_>> =
            (0..limits.max_recipients).map(|_| Recipient::new(e.as_ref())).collect();
        // Made with a small count, then relabelled: the decryptor's work is
        // what the header says, whatever the sender spent.
        let cheap = jose_core::key_management::Pbes2Params::new(1_000, 16).unwrap();
        let text = JweBuilder::new(b"x", Enc::A128Gcm)
            .pbes2(cheap)
            .general(&P, &recipients)
            .unwrap()
            .replace("\"p2c\":1000", &format!("\"p2c\":{}", params.count()));
        let ours: Vec<Jwk> = ["a", "b", "c"].iter().map(|p| password_jwk(p)).collect();
        let (store, tally) = counting(store_of(&ours.iter().collect::<Vec<_>>()));
        let d = allow(&[Alg::Pbes2Hs256A128Kw], &[Enc::A128Gcm]);
        assert_eq!(
            d.decrypt(&P, &text, &store),
            Err(Error::Policy(Policy::WorkLimitExceeded("PBES2 iterations")))
        );
        let spent = tally.iterations.load(Ordering::Relaxed);
        assert!(spent <= limits.max_kdf_iterations, "{spent}");
        assert!(tally.calls.load(Ordering::Relaxed) <= 2);

        // At this workspace's default count the same message is refused as
        // undecryptable, each password tried once: 3 derivations, not 48.
        let text = JweBuilder::new(b"x", Enc::A128Gcm)
            .general(&P, &recipients)
            .unwrap();
        let (store, tally) = counting(store_of(&ours.iter().collect::<Vec<_>>()));
        assert_eq!(d.decrypt(&P, &text, &store), Err(Error::DecryptionFailed));
        assert_eq!(tally.calls.load(Ordering::Relaxed), 3);
    }

    /// ECDH-ES yields a CEK for any key, so every wrong key costs a private
    /// operation and a content decryption: 16 recipients against a set of
    /// keys stop at `max_private_key_ops`.
    #[test]
    fn private_key_operations_are_bounded_per_message() {
        let limits = Limits::default();
        let stranger = P.generate(Alg::EcdhEsA128Kw).unwrap();
        let e = encryptor(&stranger, Alg::EcdhEsA128Kw);
        let recipients: Vec<Recipient<'_>> =
            (0..limits.max_recipients).map(|_| Recipient::new(e.as_ref())).collect();
        let text = JweBuilder::new(b"x", Enc::A128Gcm)
            .general(&P, &recipients)
            .unwrap();
        let ours: Vec<Jwk> = (0..3).map(|_| P.generate(Alg::EcdhEsA128Kw).unwrap()).collect();
        let (store, tally) = counting(store_of(&ours.iter().collect::<Vec<_>>()));
        let d = allow(&[Alg::EcdhEsA128Kw], &[Enc::A128Gcm]);
        assert_eq!(
            d.decrypt(&P, &text, &store),
            Err(Error::Policy(Policy::WorkLimitExceeded("private-key operations")))
        );
        assert_eq!(tally.calls.load(Ordering::Relaxed), limits.max_private_key_ops);
        // A message for one of our keys, among strangers' recipients,
        // still opens when it comes first.
        let mine = encryptor(&ours[2], Alg::EcdhEsA128Kw);
        let text = JweBuilder::new(b"for me", Enc::A128Gcm)
            .general(&P, &[Recipient::new(mine.as_ref()), Recipient::new(e.as_ref())])
            .unwrap();
        let got = d.decrypt(&P, &text, &store_of(&ours.iter().collect::<Vec<_>>()));
        assert_eq!(got.map(|g| g.plaintext.to_vec()), Ok(b"for me".to_vec()));
    }

    /// Recipients meant for others cost nothing once one recipient names a
    /// `kid` of ours: 15 kid-less recipients for a stranger come first,
    /// then one naming our key. Tried in order against our three keys,
    /// the strangers' recipients alone would exhaust the private-key
    /// budget; only the recipient whose `kid` matched is tried, with only
    /// the key of that `kid`. A recipient that claims our `kid` but was
    /// made for another key fails without falling back to the others.
    #[test]
    fn only_recipients_whose_kid_matched_are_tried() {
        let limits = Limits::default();
        let stranger = P.generate(Alg::EcdhEsA128Kw).unwrap();
        let theirs = encryptor(&stranger, Alg::EcdhEsA128Kw);
        let mut ours: Vec<Jwk> = (0..3).map(|_| P.generate(Alg::EcdhEsA128Kw).unwrap()).collect();
        ours[2] = ours[2].clone().with_kid("ours");
        let public = ours[2].to_public().unwrap();
        let mine = encryptor(&public, Alg::EcdhEsA128Kw);
        let mut recipients: Vec<Recipient<'_>> = (1..limits.max_recipients)
            .map(|_| Recipient::new(theirs.as_ref()))
            .collect();
        recipients.push(Recipient::new(mine.as_ref()));
        let text = JweBuilder::new(b"for me", Enc::A128Gcm)
            .general(&P, &recipients)
            .unwrap();
        let d = allow(&[Alg::EcdhEsA128Kw], &[Enc::A128Gcm]);
        let (store, tally) = counting(store_of(&ours.iter().collect::<Vec<_>>()));
        let got = d.decrypt(&P, &text, &store).unwrap();
        assert_eq!(&*got.plaintext, b"for me");
        assert_eq!(got.recipient_index, limits.max_recipients - 1);
        assert_eq!(got.key.kid.as_deref(), Some("ours"));
        assert_eq!(tally.calls.load(Ordering::Relaxed), 1);

        // A recipient that names our kid but was made for the stranger.
        let liar = encryptor(&stranger.clone().with_kid("ours"), Alg::EcdhEsA128Kw);
        let text = JweBuilder::new(b"x", Enc::A128Gcm)
            .general(
                &P,
                &[
                    Recipient::new(mine.as_ref()),
                    Recipient::new(liar.as_ref()),
                ],
            )
            .unwrap();
        let (store, tally) = counting(store_of(&ours.iter().collect::<Vec<_>>()));
        assert!(d.decrypt(&P, &text, &store).is_ok());
        let swapped = JweBuilder::new(b"x", Enc::A128Gcm)
            .general(
                &P,
                &[Recipient::new(liar.as_ref()), Recipient::new(theirs.as_ref())],
            )
            .unwrap();
        assert_eq!(d.decrypt(&P, &swapped, &store), Err(Error::DecryptionFailed));
        // The first message's one decryption, then the liar's only.
        assert_eq!(tally.calls.load(Ordering::Relaxed), 2);
    }

    /// Content decryption is budgeted too: a tight budget refuses a message
    /// whose wrong keys would each decrypt its whole ciphertext.
    #[test]
    fn content_bytes_are_bounded_per_message() {
        let stranger = P.generate(Alg::EcdhEs).unwrap();
        let text = JweBuilder::new(&[7u8; 10_000], Enc::A128Gcm)
            .compact(&P, encryptor(&stranger, Alg::EcdhEs).as_ref())
            .unwrap();
        let ours: Vec<Jwk> = (0..3).map(|_| P.generate(Alg::EcdhEs).unwrap()).collect();
        let d = allow(&[Alg::EcdhEs], &[Enc::A128Gcm])
            .limits(Limits::default().max_content_bytes(25_000));
        assert_eq!(
            d.decrypt(&P, &text, &store_of(&ours.iter().collect::<Vec<_>>())),
            Err(Error::Policy(Policy::WorkLimitExceeded("content decryption")))
        );
        let roomy = allow(&[Alg::EcdhEs], &[Enc::A128Gcm]);
        assert_eq!(
            roomy.decrypt(&P, &text, &store_of(&ours.iter().collect::<Vec<_>>())),
            Err(Error::DecryptionFailed)
        );
    }
}

// ---------------------------------------------------------------------------
// Property tests
// ---------------------------------------------------------------------------

mod properties {
    use super::*;
    use proptest::collection::vec;
    use proptest::prelude::*;

    /// Keys of several kinds, built once.
    fn store() -> &'static (JwkSetStore, Jwk, Jwk) {
        static STORE: OnceLock<(JwkSetStore, Jwk, Jwk)> = OnceLock::new();
        STORE.get_or_init(|| {
            let kw = kw_key();
            let dir = oct_jwk(&random(64));
            let x25519 = P.generate(KeyShape::Curve(Curve::X25519)).unwrap();
            let p256 = P.generate(KeyShape::Curve(Curve::P256)).unwrap();
            let s = store_of(&[&kw, &dir, &x25519, &p256, &password_jwk("pw")]);
            (s, kw, dir)
        })
    }

    fn token_part() -> impl Strategy<Value = String> {
        "[A-Za-z0-9_-]{0,60}"
    }

    fn header_value() -> impl Strategy<Value = Value> {
        prop_oneof![
            Just(json!("A128KW")),
            Just(json!("A128GCM")),
            Just(json!("dir")),
            Just(json!("ECDH-ES")),
            Just(json!("PBES2-HS256+A128KW")),
            Just(json!("DEF")),
            Just(json!(null)),
            Just(json!(1000)),
            Just(json!(["exp"])),
            Just(json!({})),
            Just(json!({"kty": "OKP", "crv": "X25519", "x": "AAAA"})),
            "[A-Za-z0-9_-]{0,24}".prop_map(|s| json!(s)),
        ]
    }

    fn header_object() -> impl Strategy<Value = Value> {
        vec(
            (
                "(alg|enc|zip|kid|crit|epk|p2s|p2c|iv|tag|apu|apv|x)",
                header_value(),
            ),
            0..6,
        )
        .prop_map(|members| Value::Object(members.into_iter().collect()))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn random_five_part_strings_never_decrypt(
            h in token_part(), k in token_part(), i in token_part(), c in token_part(), t in token_part()
        ) {
            let text = format!("{h}.{k}.{i}.{c}.{t}");
            prop_assert!(everything().decrypt(&P, &text, &store().0).is_err());
        }

        #[test]
        fn random_headers_in_compact_never_decrypt(header in header_object(), body in vec(any::<u8>(), 0..64)) {
            let token = craft_compact(&header.to_string(), &body);
            // The crafted token is wrapped for kw_key(); whatever the header
            // says, it only opens when it says exactly A128KW and an enc.
            if let Ok(got) = everything().decrypt(&P, &token, &store().0) {
                prop_assert_eq!(got.alg, Alg::A128Kw);
                prop_assert_eq!(&*got.plaintext, &body[..]);
            }
        }

        #[test]
        fn random_bytes_never_decrypt(bytes in vec(any::<u8>(), 0..400), json in any::<bool>()) {
            let text = String::from_utf8_lossy(&bytes);
            let text = if json { format!("{{{text}") } else { text.into_owned() };
            prop_assert!(everything().decrypt(&P, &text, &store().0).is_err());
        }

        #[test]
        fn random_json_objects_never_decrypt(
            protected in proptest::option::of(header_object()),
            unprotected in proptest::option::of(header_object()),
            header in proptest::option::of(header_object()),
            ek in proptest::option::of(token_part()),
            iv in proptest::option::of(token_part()),
            ct in proptest::option::of(token_part()),
            tag in proptest::option::of(token_part()),
            aad in proptest::option::of(token_part()),
            general in any::<bool>(),
        ) {
            let mut doc = serde_json::Map::new();
            if let Some(p) = protected {
                doc.insert("protected".into(), json!(b64::encode(p.to_string().as_bytes())));
            }
            if let Some(u) = unprotected {
                doc.insert("unprotected".into(), u);
            }
            for (name, value) in [("iv", iv), ("ciphertext", ct), ("tag", tag), ("aad", aad)] {
                if let Some(v) = value {
                    doc.insert(name.into(), json!(v));
                }
            }
            let mut recipient = serde_json::Map::new();
            if let Some(h) = header {
                recipient.insert("header".into(), h);
            }
            if let Some(k) = ek {
                recipient.insert("encrypted_key".into(), json!(k));
            }
            if general {
                doc.insert("recipients".into(), json!([recipient]));
            } else {
                doc.extend(recipient);
            }
            let text = Value::Object(doc).to_string();
            prop_assert!(everything().decrypt(&P, &text, &store().0).is_err());
        }

        #[test]
        fn mutated_tokens_never_decrypt(
            plaintext in vec(any::<u8>(), 0..64),
            index in any::<proptest::sample::Index>(),
            replacement in prop_oneof![Just('A'), Just('-'), Just('_'), Just('.'), Just('='), Just('w')],
        ) {
            let e = encryptor(&store().1, Alg::A128Kw);
            let token = JweBuilder::new(&plaintext, Enc::A128Gcm).compact(&P, e.as_ref()).unwrap();
            let i = index.index(token.len());
            prop_assume!(token.as_bytes()[i] as char != replacement);
            let mut mutated = token.clone().into_bytes();
            mutated[i] = replacement as u8;
            let mutated = String::from_utf8(mutated).unwrap();
            prop_assert!(everything().decrypt(&P, &mutated, &store().0).is_err());
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn a128kw_a128gcm_round_trips(plaintext in vec(any::<u8>(), 0..1024), zip in any::<bool>()) {
            let e = encryptor(&store().1, Alg::A128Kw);
            let mut builder = JweBuilder::new(&plaintext, Enc::A128Gcm);
            if zip {
                builder = builder.compress();
            }
            let d = allow(&[Alg::A128Kw], &[Enc::A128Gcm]);
            for token in [
                builder.compact(&P, e.as_ref()).unwrap(),
                builder.flattened(&P, Recipient::new(e.as_ref())).unwrap(),
                builder.general(&P, &[Recipient::new(e.as_ref())]).unwrap(),
            ] {
                let got = d.decrypt(&P, &token, &store().0).unwrap();
                prop_assert_eq!(&*got.plaintext, &plaintext[..]);
            }
        }

        #[test]
        fn dir_a256cbc_hs512_round_trips(plaintext in vec(any::<u8>(), 0..1024), aad in vec(any::<u8>(), 0..64)) {
            let e = encryptor(&store().2, Alg::Dir);
            let d = allow(&[Alg::Dir], &[Enc::A256CbcHs512]);
            let builder = JweBuilder::new(&plaintext, Enc::A256CbcHs512);
            let compact = builder.compact(&P, e.as_ref()).unwrap();
            let got = d.decrypt(&P, &compact, &store().0).unwrap();
            prop_assert_eq!(&*got.plaintext, &plaintext[..]);
            let flat = builder.aad(&aad).flattened(&P, Recipient::new(e.as_ref())).unwrap();
            let got = d.decrypt(&P, &flat, &store().0).unwrap();
            prop_assert_eq!(&*got.plaintext, &plaintext[..]);
            prop_assert_eq!(got.aad.as_deref(), Some(&aad[..]));
        }
    }
}
