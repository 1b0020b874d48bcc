//! End-to-end tests of the `jose` binary against `shared/CLI.md`: exit 0 on
//! success, 1 when the input is rejected, 2 on a usage error; one line on
//! standard error starting "jose: "; JSON output is one line ending in one
//! newline.
//!
//! Vectors are read from `$JOSE_VECTORS` when set, else from
//! `shared/vectors` next to the repository.

// Test code: panicking on a broken expectation is the point.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::std_instead_of_core,
    clippy::alloc_instead_of_core
)]

use std::path::Path;
use std::process::Output;

use serde_json::Value;

mod common;
use common::*;

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

fn member_len(jwk: &Value, name: &str) -> usize {
    let s = jwk[name]
        .as_str()
        .unwrap_or_else(|| panic!("member {name:?} missing or not a string in {jwk}"));
    b64u_len(s)
}

/// The JWK without the members named.
fn without(jwk: &Value, names: &[&str]) -> Value {
    let mut v = jwk.clone();
    let obj = v.as_object_mut().unwrap();
    for n in names {
        obj.remove(*n);
    }
    v
}

/// Checks a generated EC key: curve and coordinate sizes.
fn assert_ec(jwk: &Value, crv: &str, len: usize) {
    assert_eq!(jwk["kty"], "EC", "{jwk}");
    assert_eq!(jwk["crv"], crv, "{jwk}");
    assert_eq!(member_len(jwk, "x"), len, "{jwk}");
    assert_eq!(member_len(jwk, "y"), len, "{jwk}");
    assert_eq!(member_len(jwk, "d"), len, "{jwk}");
}

fn assert_okp(jwk: &Value, crv: &str) {
    assert_eq!(jwk["kty"], "OKP", "{jwk}");
    assert_eq!(jwk["crv"], crv, "{jwk}");
    assert_eq!(member_len(jwk, "x"), 32, "{jwk}");
    assert_eq!(member_len(jwk, "d"), 32, "{jwk}");
    assert!(jwk.get("y").is_none(), "{jwk}");
}

fn assert_oct(jwk: &Value, len: usize) {
    assert_eq!(jwk["kty"], "oct", "{jwk}");
    assert_eq!(member_len(jwk, "k"), len, "{jwk}");
}

fn assert_rsa(jwk: &Value, bits: usize) {
    assert_eq!(jwk["kty"], "RSA", "{jwk}");
    assert_eq!(member_len(jwk, "n") * 8, bits, "{jwk}");
    assert_eq!(jwk["e"], "AQAB", "{jwk}");
    for m in ["d", "p", "q", "dp", "dq", "qi"] {
        assert!(jwk[m].is_string(), "RSA private member {m} missing: {jwk}");
    }
}

/// `jose jwk gen --alg ALG [extra...]`, checked for the common shape and
/// the "alg" member.
fn gen_alg(alg: &str, extra: &[&str]) -> Value {
    let mut args = vec!["jwk", "gen", "--alg", alg];
    args.extend_from_slice(extra);
    let jwk = json_ok(&args, None);
    assert_eq!(jwk["alg"], alg, "{jwk}");
    jwk
}

// ---------------------------------------------------------------------------
// jwk gen --alg: JWS algorithms
// ---------------------------------------------------------------------------

#[test]
fn gen_alg_hs256() {
    assert_oct(&gen_alg("HS256", &[]), 32);
}

#[test]
fn gen_alg_hs384() {
    assert_oct(&gen_alg("HS384", &[]), 48);
}

#[test]
fn gen_alg_hs512() {
    assert_oct(&gen_alg("HS512", &[]), 64);
}

#[test]
fn gen_alg_rs256() {
    assert_rsa(&gen_alg("RS256", &[]), 2048);
}

#[test]
fn gen_alg_ps256() {
    assert_rsa(&gen_alg("PS256", &[]), 2048);
}

#[test]
fn gen_alg_es256() {
    assert_ec(&gen_alg("ES256", &[]), "P-256", 32);
}

#[test]
fn gen_alg_es384() {
    assert_ec(&gen_alg("ES384", &[]), "P-384", 48);
}

#[test]
fn gen_alg_es512() {
    assert_ec(&gen_alg("ES512", &[]), "P-521", 66);
}

#[test]
fn gen_alg_es256k() {
    assert_ec(&gen_alg("ES256K", &[]), "secp256k1", 32);
}

#[test]
fn gen_alg_eddsa() {
    assert_okp(&gen_alg("EdDSA", &[]), "Ed25519");
}

// ---------------------------------------------------------------------------
// jwk gen --alg: JWE algorithms
// ---------------------------------------------------------------------------

#[test]
fn gen_alg_rsa_oaep_256() {
    assert_rsa(&gen_alg("RSA-OAEP-256", &[]), 2048);
}

#[test]
fn gen_alg_a128kw() {
    assert_oct(&gen_alg("A128KW", &[]), 16);
}

#[test]
fn gen_alg_a256gcmkw() {
    assert_oct(&gen_alg("A256GCMKW", &[]), 32);
}

#[test]
fn gen_alg_ecdh_es_defaults_to_p256() {
    assert_ec(&gen_alg("ECDH-ES", &[]), "P-256", 32);
}

#[test]
fn gen_alg_ecdh_es_with_crv_x25519() {
    assert_okp(&gen_alg("ECDH-ES", &["--crv", "X25519"]), "X25519");
}

#[test]
fn gen_alg_ecdh_es_a128kw_with_crv_p384() {
    assert_ec(&gen_alg("ECDH-ES+A128KW", &["--crv", "P-384"]), "P-384", 48);
}

#[test]
fn gen_alg_pbes2_hs256_a128kw() {
    let jwk = gen_alg("PBES2-HS256+A128KW", &[]);
    assert_eq!(jwk["kty"], "oct", "{jwk}");
    assert!(member_len(&jwk, "k") >= 16, "{jwk}");
}

#[test]
fn gen_alg_dir_a128cbc_hs256_gives_32_byte_key() {
    assert_oct(&gen_alg("dir", &["--enc", "A128CBC-HS256"]), 32);
}

#[test]
fn gen_alg_dir_a256gcm_gives_32_byte_key() {
    assert_oct(&gen_alg("dir", &["--enc", "A256GCM"]), 32);
}

#[test]
fn gen_kid_and_use_sig() {
    let jwk = gen_alg("ES256", &["--kid", "key-1", "--use", "sig"]);
    assert_eq!(jwk["kid"], "key-1", "{jwk}");
    assert_eq!(jwk["use"], "sig", "{jwk}");
}

#[test]
fn gen_kid_and_use_enc() {
    let jwk = gen_alg("A128KW", &["--kid", "wrap 2", "--use", "enc"]);
    assert_eq!(jwk["kid"], "wrap 2", "{jwk}");
    assert_eq!(jwk["use"], "enc", "{jwk}");
}

#[test]
fn gen_without_kid_or_use_has_neither() {
    let jwk = gen_alg("HS256", &[]);
    assert!(jwk.get("kid").is_none(), "{jwk}");
    assert!(jwk.get("use").is_none(), "{jwk}");
}

#[test]
fn gen_keys_are_fresh() {
    let a = gen_alg("HS256", &[]);
    let b = gen_alg("HS256", &[]);
    assert_ne!(a["k"], b["k"]);
}

// ---------------------------------------------------------------------------
// jwk gen --kty
// ---------------------------------------------------------------------------

#[test]
fn gen_kty_ec_crv_p384() {
    let jwk = json_ok(&["jwk", "gen", "--kty", "EC", "--crv", "P-384"], None);
    assert_ec(&jwk, "P-384", 48);
    assert!(jwk.get("alg").is_none(), "--kty sets no alg: {jwk}");
}

#[test]
fn gen_kty_okp_crv_x25519() {
    let jwk = json_ok(&["jwk", "gen", "--kty", "OKP", "--crv", "X25519"], None);
    assert_okp(&jwk, "X25519");
}

#[test]
fn gen_kty_oct_bits_512() {
    let jwk = json_ok(&["jwk", "gen", "--kty", "oct", "--bits", "512"], None);
    assert_oct(&jwk, 64);
}

#[test]
fn gen_kty_rsa_bits_3072() {
    let jwk = json_ok(&["jwk", "gen", "--kty", "RSA", "--bits", "3072"], None);
    assert_rsa(&jwk, 3072);
}

#[test]
fn gen_kty_with_kid_and_use() {
    let jwk = json_ok(
        &["jwk", "gen", "--kty", "OKP", "--kid", "o", "--use", "sig"],
        None,
    );
    assert_okp(&jwk, "Ed25519");
    assert_eq!(jwk["kid"], "o");
    assert_eq!(jwk["use"], "sig");
}

// ---------------------------------------------------------------------------
// Usage errors: exit 2, one "jose: " line on stderr, nothing on stdout
// ---------------------------------------------------------------------------

/// Only the exit status and the empty stdout (clap's own errors).
fn assert_exit_2(args: &[&str]) -> Output {
    let out = run(args, None);
    assert_eq!(out.status.code(), Some(2), "{}", describe(args, &out));
    assert!(out.stdout.is_empty(), "{}", describe(args, &out));
    out
}

#[test]
fn usage_unknown_flag_exits_2() {
    assert_exit_2(&["jwk", "gen", "--alg", "ES256", "--frobnicate"]);
}

/// Contract: "one line on standard error", starting "jose: ".
#[test]
fn usage_unknown_flag_stderr_is_one_jose_line() {
    usage_error(&["jwk", "gen", "--alg", "ES256", "--frobnicate"], None);
}

#[test]
fn usage_gen_without_alg_or_kty_exits_2() {
    assert_exit_2(&["jwk", "gen"]);
}

/// Contract: "one line on standard error", starting "jose: ".
#[test]
fn usage_gen_without_alg_or_kty_stderr_is_one_jose_line() {
    usage_error(&["jwk", "gen"], None);
}

#[test]
fn usage_gen_alg_none() {
    let msg = usage_error(&["jwk", "gen", "--alg", "none"], None);
    assert!(msg.contains("none"), "{msg}");
}

#[test]
fn usage_gen_alg_unknown() {
    let msg = usage_error(&["jwk", "gen", "--alg", "XS256"], None);
    assert!(msg.contains("XS256"), "{msg}");
}

#[test]
fn usage_gen_dir_without_enc() {
    let msg = usage_error(&["jwk", "gen", "--alg", "dir"], None);
    assert!(msg.contains("enc"), "{msg}");
}

#[test]
fn usage_gen_dir_unknown_enc() {
    usage_error(&["jwk", "gen", "--alg", "dir", "--enc", "A999GCM"], None);
}

#[test]
fn usage_gen_rsa_bits_1024_with_alg() {
    let msg = usage_error(&["jwk", "gen", "--alg", "RS256", "--bits", "1024"], None);
    assert!(msg.contains("bits"), "{msg}");
}

#[test]
fn usage_gen_rsa_bits_1024_with_kty() {
    usage_error(&["jwk", "gen", "--kty", "RSA", "--bits", "1024"], None);
}

#[test]
fn usage_gen_crv_x25519_with_es256() {
    let msg = usage_error(&["jwk", "gen", "--crv", "X25519", "--alg", "ES256"], None);
    assert!(msg.contains("curve"), "{msg}");
}

#[test]
fn usage_gen_ecdh_es_with_ed25519() {
    usage_error(
        &["jwk", "gen", "--alg", "ECDH-ES", "--crv", "Ed25519"],
        None,
    );
}

#[test]
fn usage_gen_crv_does_not_fit_kty() {
    usage_error(&["jwk", "gen", "--kty", "EC", "--crv", "X25519"], None);
}

#[test]
fn usage_gen_unknown_kty() {
    usage_error(&["jwk", "gen", "--kty", "DSA"], None);
}

#[test]
fn usage_gen_unknown_crv() {
    usage_error(&["jwk", "gen", "--kty", "OKP", "--crv", "X448"], None);
}

#[test]
fn usage_gen_oct_bits_not_whole_bytes() {
    usage_error(&["jwk", "gen", "--kty", "oct", "--bits", "12"], None);
}

#[test]
fn usage_gen_use_does_not_fit_alg() {
    usage_error(&["jwk", "gen", "--alg", "ES256", "--use", "enc"], None);
}

#[test]
fn usage_pub_missing_key_file() {
    let path = std::env::temp_dir().join(format!(
        "jose-cli-test-{}-does-not-exist.json",
        std::process::id()
    ));
    let path = path.to_str().unwrap();
    let msg = usage_error(&["jwk", "pub", path], None);
    assert!(msg.contains(path), "the message names the file: {msg}");
}

#[test]
fn usage_thumbprint_missing_key_file() {
    usage_error(
        &["jwk", "thumbprint", "/nonexistent/jose-cli-test/key.json"],
        None,
    );
}

// ---------------------------------------------------------------------------
// jwk pub
// ---------------------------------------------------------------------------

fn ed25519_private() -> Value {
    vector("rfc8037/A.1.json")["key"].clone()
}

fn ed25519_public() -> Value {
    without(&ed25519_private(), &["d"])
}

#[test]
fn pub_from_file() {
    let key = TempFile::new("ed.json", &json_bytes(&ed25519_private()));
    let out = json_ok(&["jwk", "pub", key.path()], None);
    assert!(out.get("d").is_none(), "{out}");
    assert_eq!(out, ed25519_public());
}

#[test]
fn pub_from_stdin() {
    let out = json_ok(&["jwk", "pub"], Some(&json_bytes(&ed25519_private())));
    assert_eq!(out, ed25519_public());
}

#[test]
fn pub_from_dash() {
    let out = json_ok(&["jwk", "pub", "-"], Some(&json_bytes(&ed25519_private())));
    assert_eq!(out, ed25519_public());
}

#[test]
fn pub_of_generated_ec_key_keeps_alg_kid_use() {
    let private = gen_alg("ES384", &["--kid", "k", "--use", "sig"]);
    let public = json_ok(&["jwk", "pub"], Some(&json_bytes(&private)));
    assert_eq!(public, without(&private, &["d"]));
}

#[test]
fn pub_of_public_key_is_unchanged() {
    let public = ed25519_public();
    assert_eq!(json_ok(&["jwk", "pub"], Some(&json_bytes(&public))), public);
}

#[test]
fn pub_jwk_set_rfc7517_a2_gives_a1() {
    let private = vector("rfc7517/A.2.json")["jwk_set"].clone();
    let expected = vector("rfc7517/A.1.json")["jwk_set"].clone();
    let file = TempFile::new("set.json", &json_bytes(&private));
    let out = json_ok(&["jwk", "pub", file.path()], None);
    assert_eq!(out, expected);
    for key in out["keys"].as_array().unwrap() {
        for m in ["d", "p", "q", "dp", "dq", "qi"] {
            assert!(key.get(m).is_none(), "private member {m} left in {key}");
        }
    }
}

#[test]
fn pub_oct_key_rejected() {
    let key = gen_alg("HS256", &[]);
    let msg = rejected(&["jwk", "pub"], Some(&json_bytes(&key)));
    let secret = key["k"].as_str().unwrap();
    assert!(!msg.contains(secret), "the secret leaks into stderr: {msg}");
}

#[test]
fn pub_malformed_json_rejected() {
    rejected(&["jwk", "pub"], Some(b"{\"kty\":\n"));
}

#[test]
fn pub_empty_input_rejected() {
    rejected(&["jwk", "pub"], Some(b""));
}

#[test]
fn pub_duplicate_member_rejected_naming_it() {
    let input = br#"{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#;
    let msg = rejected(&["jwk", "pub"], Some(input));
    assert!(msg.contains("duplicate"), "{msg}");
    assert!(msg.contains("\"x\""), "the message names the member: {msg}");
}

#[test]
fn pub_duplicate_member_inside_set_rejected_naming_it() {
    let input = br#"{"keys":[{"kty":"EC","crv":"P-256","crv":"P-256","x":"MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4","y":"4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM"}]}"#;
    let msg = rejected(&["jwk", "pub"], Some(input));
    assert!(
        msg.contains("\"crv\""),
        "the message names the member: {msg}"
    );
}

#[test]
fn pub_bad_base64url_rejected_without_echoing_it() {
    let input = br#"{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","d":"s3cr3t$$val"}"#;
    let msg = rejected(&["jwk", "pub"], Some(input));
    assert!(
        !msg.contains("s3cr3t"),
        "the secret leaks into stderr: {msg}"
    );
}

// ---------------------------------------------------------------------------
// jwk thumbprint
// ---------------------------------------------------------------------------

fn rfc7638_key() -> TempFile {
    TempFile::new(
        "rfc7638.json",
        &json_bytes(&vector("rfc7638/3.1.json")["key"]),
    )
}

#[test]
fn thumbprint_rfc7638_3_1() {
    let v = vector("rfc7638/3.1.json");
    let key = rfc7638_key();
    let out = success(&["jwk", "thumbprint", key.path()], None);
    let expected = format!("{}\n", v["thumbprint_b64u"].as_str().unwrap());
    assert_eq!(text(&out), expected);
}

#[test]
fn thumbprint_rfc7638_3_1_from_stdin() {
    let v = vector("rfc7638/3.1.json");
    let out = success(&["jwk", "thumbprint"], Some(&json_bytes(&v["key"])));
    assert_eq!(
        text(&out),
        format!("{}\n", v["thumbprint_b64u"].as_str().unwrap())
    );
}

#[test]
fn thumbprint_explicit_sha256_is_the_default() {
    let key = rfc7638_key();
    let a = success(&["jwk", "thumbprint", key.path()], None);
    let b = success(&["jwk", "thumbprint", "--hash", "sha256", key.path()], None);
    assert_eq!(a, b);
}

#[test]
fn thumbprint_uri_rfc9278() {
    let v = vector("rfc7638/3.1.json");
    let key = rfc7638_key();
    let out = success(&["jwk", "thumbprint", "--uri", key.path()], None);
    let expected = format!(
        "urn:ietf:params:oauth:jwk-thumbprint:sha-256:{}\n",
        v["thumbprint_b64u"].as_str().unwrap()
    );
    assert_eq!(text(&out), expected);
}

#[test]
fn thumbprint_sha384() {
    let key = rfc7638_key();
    let out = text(&success(
        &["jwk", "thumbprint", "--hash", "sha384", key.path()],
        None,
    ));
    let line = out.strip_suffix('\n').unwrap();
    assert_eq!(line.len(), 64, "{out:?}");
    assert_eq!(b64u_len(line), 48);
    // SHA-384 of the vector's canonical_json (Python hashlib).
    assert_eq!(
        line,
        "R9_OfJjSjaw8Fuum86UzK5ixTdN9bo9BaqPSiseq89DWfmqCdpSgUHus-cxDUNc8"
    );
}

#[test]
fn thumbprint_sha512() {
    let key = rfc7638_key();
    let out = text(&success(
        &["jwk", "thumbprint", "--hash", "sha512", key.path()],
        None,
    ));
    let line = out.strip_suffix('\n').unwrap();
    assert_eq!(line.len(), 86, "{out:?}");
    assert_eq!(b64u_len(line), 64);
    // SHA-512 of the vector's canonical_json (Python hashlib).
    assert_eq!(
        line,
        "DpvEwocfn3FjeWWQjcJHzWrpKTIymKwgoL1xVgQcud48-qZDSRCr1zfWZQdHAJn_ciqXqPTSARyg-L-NyNGpVA"
    );
}

#[test]
fn thumbprint_uri_sha512() {
    let key = rfc7638_key();
    let out = text(&success(
        &["jwk", "thumbprint", "--uri", "--hash", "sha512", key.path()],
        None,
    ));
    assert!(
        out.starts_with("urn:ietf:params:oauth:jwk-thumbprint:sha-512:"),
        "{out:?}"
    );
    assert!(out.ends_with("\n") && !out.ends_with("\n\n"), "{out:?}");
}

#[test]
fn thumbprint_rfc8037_a3_ed25519() {
    let v = vector("rfc8037/A.3.json");
    let out = success(&["jwk", "thumbprint"], Some(&json_bytes(&v["key"])));
    assert_eq!(
        text(&out),
        format!("{}\n", v["thumbprint_b64u"].as_str().unwrap())
    );
}

#[test]
fn thumbprint_of_private_key_equals_public() {
    let v = vector("rfc8037/A.3.json");
    let out = success(
        &["jwk", "thumbprint"],
        Some(&json_bytes(&ed25519_private())),
    );
    assert_eq!(
        text(&out),
        format!("{}\n", v["thumbprint_b64u"].as_str().unwrap())
    );
}

#[test]
fn thumbprint_of_jwk_set_rejected() {
    let set = vector("rfc7517/A.1.json")["jwk_set"].clone();
    rejected(&["jwk", "thumbprint"], Some(&json_bytes(&set)));
}

#[test]
fn thumbprint_unknown_hash_exits_2() {
    let key = rfc7638_key();
    assert_exit_2(&["jwk", "thumbprint", "--hash", "md5", key.path()]);
}

// ---------------------------------------------------------------------------
// jwk to-pem / from-pem
// ---------------------------------------------------------------------------

fn to_pem(jwk: &Value, public: bool) -> String {
    let mut args = vec!["jwk", "to-pem"];
    if public {
        args.push("--public");
    }
    let out = text(&success(&args, Some(&json_bytes(jwk))));
    assert!(
        out.ends_with('\n') && !out.ends_with("\n\n"),
        "PEM output ends in one newline: {out:?}"
    );
    out
}

fn from_pem(pem: &str, extra: &[&str]) -> Value {
    let mut args = vec!["jwk", "from-pem"];
    args.extend_from_slice(extra);
    json_ok(&args, Some(pem.as_bytes()))
}

/// gen -> to-pem -> from-pem gives the key back, less alg and kid; the
/// public PEM gives the public key.
fn round_trip(gen_args: &[&str]) {
    let mut args = vec!["jwk", "gen"];
    args.extend_from_slice(gen_args);
    args.extend_from_slice(&["--kid", "rt"]);
    let jwk = json_ok(&args, None);
    let bare = without(&jwk, &["alg", "kid"]);

    let pem = to_pem(&jwk, false);
    assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----\n"), "{pem}");
    assert!(pem.ends_with("-----END PRIVATE KEY-----\n"), "{pem}");
    let back = from_pem(&pem, &[]);
    assert_eq!(back, bare, "private round trip");

    let public_pem = to_pem(&jwk, true);
    assert!(
        public_pem.starts_with("-----BEGIN PUBLIC KEY-----\n"),
        "{public_pem}"
    );
    assert!(
        public_pem.ends_with("-----END PUBLIC KEY-----\n"),
        "{public_pem}"
    );
    let back = from_pem(&public_pem, &[]);
    assert_eq!(
        back,
        without(&bare, &["d", "p", "q", "dp", "dq", "qi"]),
        "public"
    );
}

#[test]
fn pem_round_trip_ec_p256() {
    round_trip(&["--alg", "ES256"]);
}

#[test]
fn pem_round_trip_ec_p384() {
    round_trip(&["--alg", "ES384"]);
}

#[test]
fn pem_round_trip_ec_p521() {
    round_trip(&["--alg", "ES512"]);
}

#[test]
fn pem_round_trip_ec_secp256k1() {
    round_trip(&["--alg", "ES256K"]);
}

#[test]
fn pem_round_trip_ed25519() {
    round_trip(&["--alg", "EdDSA"]);
}

#[test]
fn pem_round_trip_x25519() {
    round_trip(&["--alg", "ECDH-ES", "--crv", "X25519"]);
}

#[test]
fn pem_round_trip_rsa() {
    let jwk = gen_alg("RS256", &["--kid", "r1"]);
    let pem = to_pem(&jwk, false);
    assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----\n"), "{pem}");
    // With --alg and --kid, from-pem restores the original exactly.
    assert_eq!(from_pem(&pem, &["--alg", "RS256", "--kid", "r1"]), jwk);
    assert_eq!(from_pem(&pem, &[]), without(&jwk, &["alg", "kid"]));
    let public_pem = to_pem(&jwk, true);
    assert!(
        public_pem.starts_with("-----BEGIN PUBLIC KEY-----\n"),
        "{public_pem}"
    );
    let public = from_pem(&public_pem, &[]);
    assert_eq!(
        public,
        without(&jwk, &["alg", "kid", "d", "p", "q", "dp", "dq", "qi"])
    );
}

#[test]
fn from_pem_sets_alg_and_kid() {
    let jwk = gen_alg("ES256", &["--kid", "abc"]);
    let pem = to_pem(&jwk, false);
    assert_eq!(from_pem(&pem, &["--alg", "ES256", "--kid", "abc"]), jwk);
    let only_alg = from_pem(&pem, &["--alg", "ES256"]);
    assert_eq!(only_alg, without(&jwk, &["kid"]));
    let only_kid = from_pem(&pem, &["--kid", "abc"]);
    assert_eq!(only_kid, without(&jwk, &["alg"]));
}

#[test]
fn from_pem_sets_alg_eddsa() {
    let jwk = gen_alg("EdDSA", &[]);
    assert_eq!(from_pem(&to_pem(&jwk, false), &["--alg", "EdDSA"]), jwk);
}

#[test]
fn from_pem_from_file() {
    let jwk = gen_alg("ES256", &[]);
    let file = TempFile::new("k.pem", to_pem(&jwk, false).as_bytes());
    let back = json_ok(&["jwk", "from-pem", "--alg", "ES256", file.path()], None);
    assert_eq!(back, jwk);
}

#[test]
fn to_pem_from_file_and_dash() {
    let jwk = gen_alg("EdDSA", &[]);
    let file = TempFile::new("k.json", &json_bytes(&jwk));
    let a = success(&["jwk", "to-pem", file.path()], None);
    let b = success(&["jwk", "to-pem", "-"], Some(&json_bytes(&jwk)));
    assert_eq!(a, b);
    assert!(text(&a).starts_with("-----BEGIN PRIVATE KEY-----\n"));
}

#[test]
fn to_pem_public_flag_gives_spki() {
    let jwk = gen_alg("ES256", &[]);
    assert!(to_pem(&jwk, true).starts_with("-----BEGIN PUBLIC KEY-----\n"));
}

#[test]
fn to_pem_private_gives_pkcs8() {
    let jwk = gen_alg("ES256", &[]);
    assert!(to_pem(&jwk, false).starts_with("-----BEGIN PRIVATE KEY-----\n"));
}

#[test]
fn to_pem_of_public_jwk_gives_spki() {
    let pem = to_pem(&ed25519_public(), false);
    assert!(pem.starts_with("-----BEGIN PUBLIC KEY-----\n"), "{pem}");
}

#[test]
fn to_pem_oct_key_rejected() {
    let key = gen_alg("A128KW", &[]);
    rejected(&["jwk", "to-pem"], Some(&json_bytes(&key)));
}

#[test]
fn from_pem_garbage_rejected() {
    rejected(&["jwk", "from-pem"], Some(b"this is not a PEM document\n"));
}

#[test]
fn from_pem_bad_base64_body_rejected() {
    let pem = "-----BEGIN PRIVATE KEY-----\n!!!!\n-----END PRIVATE KEY-----\n";
    rejected(&["jwk", "from-pem"], Some(pem.as_bytes()));
}

#[test]
fn from_pem_alg_for_another_curve_fails() {
    let jwk = gen_alg("ES256", &[]);
    let pem = to_pem(&jwk, false);
    let args = ["jwk", "from-pem", "--alg", "ES384"];
    let out = run(&args, Some(pem.as_bytes()));
    assert_ne!(out.status.code(), Some(0), "{}", describe(&args, &out));
    assert!(out.stdout.is_empty(), "{}", describe(&args, &out));
    assert_error_line(&args, &out);
}

#[test]
fn from_pem_alg_for_another_key_type_fails() {
    let pem = to_pem(&gen_alg("EdDSA", &[]), false);
    let out = run(&["jwk", "from-pem", "--alg", "ES256"], Some(pem.as_bytes()));
    assert_ne!(out.status.code(), Some(0));
}

#[test]
fn from_pem_alg_none_is_usage_error() {
    let pem = to_pem(&gen_alg("ES256", &[]), false);
    let args = ["jwk", "from-pem", "--alg", "none"];
    let out = run(&args, Some(pem.as_bytes()));
    assert_eq!(out.status.code(), Some(2), "{}", describe(&args, &out));
    assert_error_line(&args, &out);
}

/// A SEC1 key exactly as `openssl ecparam -name prime256v1 -genkey` writes
/// it: an "EC PARAMETERS" block, then the "EC PRIVATE KEY" block. (A
/// throwaway test key.)
const OPENSSL_ECPARAM_GENKEY: &str = "-----BEGIN EC PARAMETERS-----
BggqhkjOPQMBBw==
-----END EC PARAMETERS-----
-----BEGIN EC PRIVATE KEY-----
MHcCAQEEILpjotMj2ItJ3tY5uKB/9UCL4HlOtqMEhQE+pmvTa+txoAoGCCqGSM49
AwEHoUQDQgAEXImhDiwi5T1A3MdTGXy/KB7ap6EPlAmXneZgii+izbtheEFamlyT
Ef5dYcp0LQF/B1DH30G/kUfYnI2p6dYqGA==
-----END EC PRIVATE KEY-----
";

#[test]
fn from_pem_sec1_without_parameters_block() {
    let pem = OPENSSL_ECPARAM_GENKEY
        .split_once("-----END EC PARAMETERS-----\n")
        .unwrap()
        .1;
    let jwk = from_pem(pem, &[]);
    assert_eq!(jwk["kty"], "EC");
    assert_eq!(jwk["crv"], "P-256");
    assert!(jwk["d"].is_string());
}

/// `openssl ecparam -genkey` output (SEC1, which from-pem claims to read)
/// is rejected as "is not a PEM document" because of the leading
/// "EC PARAMETERS" block.
#[test]
fn from_pem_sec1_with_openssl_ec_parameters_block() {
    let jwk = from_pem(OPENSSL_ECPARAM_GENKEY, &[]);
    let plain = OPENSSL_ECPARAM_GENKEY
        .split_once("-----END EC PARAMETERS-----\n")
        .unwrap()
        .1;
    assert_eq!(jwk, from_pem(plain, &[]));
}

#[test]
fn from_pem_with_explanatory_text_before() {
    let jwk = gen_alg("EdDSA", &[]);
    let pem = format!(
        "Bag Attributes\n    friendlyName: test\n{}",
        to_pem(&jwk, false)
    );
    assert_eq!(from_pem(&pem, &["--alg", "EdDSA"]), jwk);
}

/// A private EC JWK whose "d" does not belong to its "x"/"y" (the RFC 7517
/// A.2 key with the last character of "d" changed).
fn mismatched_ec_key() -> Value {
    let mut key = vector("rfc7517/A.2.json")["jwk_set"]["keys"][0].clone();
    key["d"] = Value::from("870MB6gfuTJ4HtUnUvYMyJpr5eUZNP4Bk43bVdj3eAA");
    key
}

#[test]
fn pem_round_trip_rfc7517_a2_ec_key() {
    let key = vector("rfc7517/A.2.json")["jwk_set"]["keys"][0].clone();
    let pem = to_pem(&key, false);
    assert_eq!(from_pem(&pem, &["--kid", "1"]), without(&key, &["use"]));
}

/// PKCS#8 of `mismatched_ec_key()`: "d" does not belong to the public key
/// the document carries.
const MISMATCHED_PKCS8: &str = "-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg870MB6gfuTJ4HtUn
UvYMyJpr5eUZNP4Bk43bVdj3eAChRANCAAQwoEJM0hwpRIOKLXXJKzfnbqINnwCJ
OjtO7oo8Cq/sPuBLZekkVtmIi1Kzeb371R7oae8fD8ZbZllpW2zOCBcj
-----END PRIVATE KEY-----
";

#[test]
fn from_pem_rejects_mismatched_private_key() {
    let msg = rejected(&["jwk", "from-pem"], Some(MISMATCHED_PKCS8.as_bytes()));
    assert!(msg.contains("\"d\""), "{msg}");
}

/// to-pem accepts a private key whose "d" does not match "x"/"y" and writes
/// a PKCS#8 document that from-pem then refuses ("d" does not match the
/// public key). The contract: exit 1 when the input is rejected (a malformed
/// key).
#[test]
fn to_pem_rejects_mismatched_private_key() {
    rejected(&["jwk", "to-pem"], Some(&json_bytes(&mismatched_ec_key())));
}

// ---------------------------------------------------------------------------
// --help
// ---------------------------------------------------------------------------

fn help_ok(args: &[&str]) {
    let mut with_help = args.to_vec();
    with_help.push("--help");
    let out = run(&with_help, None);
    assert_eq!(out.status.code(), Some(0), "{}", describe(&with_help, &out));
    let s = text(&out.stdout);
    assert!(s.contains("Usage:"), "{}", describe(&with_help, &out));
}

#[test]
fn help_jose() {
    help_ok(&[]);
}

#[test]
fn help_jwk() {
    help_ok(&["jwk"]);
}

#[test]
fn help_jwk_gen() {
    help_ok(&["jwk", "gen"]);
}

/// `jwk gen`, `from-pem` and `to-pem` write private keys to standard
/// output, and a file made by the shell's redirection takes the umask:
/// under the common 022 every local user can read the key. The help of
/// each says how to keep it private.
#[test]
fn help_jwk_gen_says_how_to_keep_the_key_private() {
    for args in [
        &["jwk", "gen", "--help"][..],
        &["jwk", "from-pem", "--help"][..],
        &["jwk", "to-pem", "--help"][..],
    ] {
        let out = run(args, None);
        let help = text(&out.stdout);
        assert!(help.contains("umask 077"), "{}", describe(args, &out));
    }
}

#[test]
fn help_jwk_pub() {
    help_ok(&["jwk", "pub"]);
}

#[test]
fn help_jwk_thumbprint() {
    help_ok(&["jwk", "thumbprint"]);
}

#[test]
fn help_jwk_from_pem() {
    help_ok(&["jwk", "from-pem"]);
}

#[test]
fn help_jwk_to_pem() {
    help_ok(&["jwk", "to-pem"]);
}

#[test]
fn version_exits_0() {
    let out = success(&["--version"], None);
    assert!(text(&out).starts_with("jose "));
}

// ---------------------------------------------------------------------------
// Input ending with one newline
// ---------------------------------------------------------------------------

#[test]
fn stdin_jwk_with_and_without_trailing_newline() {
    let v = vector("rfc8037/A.3.json");
    let expected = format!("{}\n", v["thumbprint_b64u"].as_str().unwrap());
    let bare = serde_json::to_vec(&v["key"]).unwrap();
    let mut nl = bare.clone();
    nl.push(b'\n');
    assert_eq!(
        text(&success(&["jwk", "thumbprint"], Some(&bare))),
        expected
    );
    assert_eq!(text(&success(&["jwk", "thumbprint"], Some(&nl))), expected);
    assert_eq!(json_ok(&["jwk", "pub"], Some(&nl)), v["key"]);
    assert!(text(&success(&["jwk", "to-pem"], Some(&nl))).starts_with("-----BEGIN PUBLIC KEY"));
}

#[test]
fn stdin_pem_without_final_newline_accepted() {
    let jwk = gen_alg("ES256", &[]);
    let pem = to_pem(&jwk, false);
    let trimmed = pem.trim_end_matches('\n');
    assert_eq!(from_pem(trimmed, &["--alg", "ES256"]), jwk);
}

/// A PEM followed by one more newline (a blank line after the END line, as
/// `{ jose jwk to-pem k.json; echo; } > k.pem` or an editor leaves it) is
/// rejected "is not a PEM document", while text and blank lines before the
/// PEM are accepted.
#[test]
fn stdin_pem_with_one_extra_trailing_newline_accepted() {
    let jwk = gen_alg("ES256", &[]);
    let pem = format!("{}\n", to_pem(&jwk, false));
    assert_eq!(from_pem(&pem, &["--alg", "ES256"]), jwk);
}

#[test]
fn stdin_pem_with_leading_blank_lines_accepted() {
    let jwk = gen_alg("ES256", &[]);
    let pem = format!("\n\n{}", to_pem(&jwk, false));
    assert_eq!(from_pem(&pem, &["--alg", "ES256"]), jwk);
}

#[test]
fn stdin_pem_with_crlf_line_ends_accepted() {
    let jwk = gen_alg("EdDSA", &[]);
    let pem = to_pem(&jwk, false).replace('\n', "\r\n");
    assert_eq!(from_pem(&pem, &["--alg", "EdDSA"]), jwk);
}

// ---------------------------------------------------------------------------
// Sanity of the harness itself
// ---------------------------------------------------------------------------

#[test]
fn vectors_dir_resolves() {
    let dir = jose_tests::vectors_dir();
    assert!(
        Path::new(&dir).join("rfc7638/3.1.json").is_file(),
        "vectors not found under {} (set JOSE_VECTORS)",
        dir.display()
    );
}
