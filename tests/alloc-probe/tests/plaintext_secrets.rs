//! JWE plaintexts leave no copy in freed memory when `zip` content is
//! inflated: on success, when the DEFLATE data breaks off after yielding
//! part of the plaintext, and when it grows past the size limit. The
//! attack: a compressed plaintext whose tail is corrupt (or that is simply
//! too big) made the inflater free a half-filled buffer of plaintext
//! unzeroized, and growing buffers left copies as they moved.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use jose_core::{ContentEncryptionAlgorithm as Enc, KeyManagementAlgorithm as Alg, b64};
use jose_jwe::{Decryption, Limits};
use jose_jwk::Jwk;
use jose_rustcrypto::PROVIDER;

#[global_allocator]
static PROBE: jose_alloc_probe::Probe = jose_alloc_probe::Probe;

/// The `dir` key: the bytes 0x00 to 0x1f.
const DIR_KEY: &str = r#"{"kty":"oct","k":"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"}"#;

/// A compact `dir` + A256GCM JWE with `"zip":"DEF"` whose ciphertext is
/// `deflated`, taken as it is (valid DEFLATE or not).
fn zipped(deflated: &[u8]) -> String {
    let protected = b64::encode(br#"{"alg":"dir","enc":"A256GCM","zip":"DEF"}"#);
    let key: Vec<u8> = (0u8..32).collect();
    let iv = [7u8; 12];
    let sealed = PROVIDER
        .content_cipher(Enc::A256Gcm)
        .unwrap()
        .encrypt(&key, &iv, protected.as_bytes(), deflated)
        .unwrap();
    format!(
        "{protected}..{}.{}.{}",
        b64::encode(&iv),
        b64::encode(&sealed.ciphertext),
        b64::encode(&sealed.tag)
    )
}

#[test]
fn inflated_plaintexts_leave_no_copy_on_success_or_error() {
    // A plaintext that compresses poorly (so the inflater grows its buffer
    // several times), with two recognizable stretches.
    let mut plaintext: Vec<u8> = (0..40_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    plaintext[..24].copy_from_slice(b"START-OF-THE-PLAINTEXT!!");
    let end = plaintext.len() - 24;
    plaintext[end..].copy_from_slice(b"!!END-OF-THE-PLAINTEXT!!");
    let marks = vec![
        b"START-OF-THE-PLAINTEXT!!".to_vec(),
        b"!!END-OF-THE-PLAINTEXT!!".to_vec(),
    ];
    let deflated = miniz_oxide::deflate::compress_to_vec(&plaintext, 1);
    // Cut short: the inflater yields most of the plaintext, then fails.
    let mut broken = deflated[..deflated.len() - 64].to_vec();
    broken.extend_from_slice(&[0xff; 16]);
    let good = zipped(&deflated);
    let broken = zipped(&broken);
    drop(plaintext);

    let key = PROVIDER
        .decryptor(&Jwk::from_json(DIR_KEY.as_bytes()).unwrap())
        .unwrap();
    let d = Decryption::new(&[Alg::Dir], &[Enc::A256Gcm]).unwrap();
    let small = d.clone().limits(Limits::default().max_plaintext(30_000));
    let hits = jose_alloc_probe::watch(&marks, || {
        let opened = d.decrypt(&PROVIDER, &good, &key).unwrap();
        assert_eq!(opened.plaintext.len(), 40_000);
        drop(opened);
        assert!(d.decrypt(&PROVIDER, &broken, &key).is_err());
        assert!(small.decrypt(&PROVIDER, &good, &key).is_err());
    });
    assert!(hits.is_empty(), "plaintext left in freed memory: {hits:?}");
}

/// The probe sees the leak this test guards against: inflating with
/// miniz_oxide's own `decompress_to_vec_with_limit` (which grows its
/// buffer in place) leaves plaintext in freed memory.
#[test]
fn the_probe_sees_an_unzeroized_inflate() {
    let plaintext: Vec<u8> = (0..40_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let marks = vec![plaintext[100..124].to_vec()];
    let deflated = miniz_oxide::deflate::compress_to_vec(&plaintext, 1);
    drop(plaintext);
    let hits = jose_alloc_probe::watch(&marks, || {
        let out = miniz_oxide::inflate::decompress_to_vec_with_limit(&deflated, 1 << 20).unwrap();
        drop(zeroize::Zeroizing::new(out));
    });
    assert_eq!(hits, vec![0]);
}
