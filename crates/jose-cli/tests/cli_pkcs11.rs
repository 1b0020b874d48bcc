//! The CLI with `pkcs11:` URIs against a real SoftHSM2 token (set up by
//! `cargo xtask ci`). Each `jose` process opens the token itself, so the
//! test works on its own clone of the token store (SoftHSM2 rewrites the
//! store on login; processes sharing it are flaky, `shared/pkcs11/README.md`
//! gotcha 10).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::std_instead_of_core
)]

use std::path::PathBuf;

use assert_cmd::Command;
use serde_json::Value;

/// The SoftHSM2 settings of a private clone of the test token, or `None`
/// outside CI when SoftHSM2 is not set up.
fn cloned_token() -> Option<Vec<(String, String)>> {
    let conf = std::env::var_os("SOFTHSM2_CONF").map(PathBuf::from);
    let Some(state) = conf.as_ref().and_then(|c| c.parent()).map(PathBuf::from) else {
        assert!(
            std::env::var_os("CI").is_none(),
            "SoftHSM2 token missing under CI: run `cargo xtask ci`, which sets it up"
        );
        eprintln!("SoftHSM2 not set up (run via `cargo xtask ci`): PKCS#11 CLI test not run");
        return None;
    };
    let script =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/pkcs11/softhsm-setup.sh");
    // One clone per test: tests run in parallel threads of one process.
    static CLONES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = CLONES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dest = std::env::temp_dir().join(format!("jose-cli-pkcs11-{}-{n}", std::process::id()));
    let out = std::process::Command::new("bash")
        .arg(&script)
        .arg("--clone")
        .arg(&dest)
        .arg(&state)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|l| {
                let (k, v) = l.strip_prefix("export ")?.split_once('=')?;
                Some((k.to_owned(), v.trim_matches('\'').to_owned()))
            })
            .collect(),
    )
}

/// The CLI with the cloned token's environment. These tests put PINs in
/// URIs (`pin-value`), so they allow it; `a_pin_in_a_uri_needs_the_flag`
/// shows the default.
fn jose(env: &[(String, String)]) -> Command {
    let mut cmd = jose_without_flags(env);
    cmd.arg("--allow-pin-in-uri");
    cmd
}

fn jose_without_flags(env: &[(String, String)]) -> Command {
    let mut cmd = Command::cargo_bin("jose").unwrap();
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd
}

/// The command line of a process is readable by every local user (`ps`,
/// `/proc/PID/cmdline`): a `pin-value` in a `--key` URI is refused unless
/// `--allow-pin-in-uri`, without repeating the PIN; the PIN from
/// `PKCS11_PIN` (or `pin-source`) works without the flag.
#[test]
fn a_pin_in_a_uri_needs_the_flag() {
    let Some(env) = cloned_token() else {
        return;
    };
    let module = var(&env, "PKCS11_MODULE");
    let payload = std::env::temp_dir().join(format!("jose-cli-pin-{}", std::process::id()));
    std::fs::write(&payload, "x").unwrap();
    let with_pin =
        format!("PKCS11:token=jose-test;object=ec-p256?module-path={module}&pin-value=1234");
    let out = jose_without_flags(&env)
        .args(["jws", "sign", "--key", &with_pin, "--alg", "ES256"])
        .arg(&payload)
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(stderr.contains("--allow-pin-in-uri"), "{stderr}");
    assert!(!stderr.contains("1234"), "{stderr}");
    let without_pin = format!("pkcs11:token=jose-test;object=ec-p256?module-path={module}");
    jose_without_flags(&env)
        .env("PKCS11_PIN", var(&env, "PKCS11_PIN"))
        .args(["jws", "sign", "--key", &without_pin, "--alg", "ES256"])
        .arg(&payload)
        .assert()
        .success();
    std::fs::remove_file(&payload).unwrap();
}

fn var<'a>(env: &'a [(String, String)], name: &str) -> &'a str {
    &env.iter().find(|(k, _)| k == name).unwrap().1
}

#[test]
fn a_jwt_signed_on_the_token_verifies_with_the_exported_public_jwk() {
    let Some(env) = cloned_token() else {
        return;
    };
    let module = var(&env, "PKCS11_MODULE");
    let uri = |object: &str, pin: &str| {
        format!(
            "pkcs11:token=jose-test;object={object};type=private?module-path={module}&pin-value={pin}"
        )
    };
    let dir = std::env::temp_dir().join(format!("jose-cli-pkcs11-files-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();

    for (object, alg) in [
        ("ec-p256", "ES256"),
        ("rsa-2048", "PS256"),
        ("ed25519", "EdDSA"),
    ] {
        // Export the public JWK from the token (public objects need no PIN).
        let public_uri =
            format!("pkcs11:token=jose-test;object={object};type=public?module-path={module}");
        let out = jose(&env)
            .args(["jwk", "pub", &public_uri])
            .assert()
            .success();
        let jwk: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
        assert_eq!(jwk["kid"], object);
        assert!(jwk.get("d").is_none());
        let jwk_file = dir.join(format!("{object}.pub.jwk"));
        std::fs::write(&jwk_file, &out.get_output().stdout).unwrap();

        // Sign a JWT on the token.
        let out = jose(&env)
            .args(["jwt", "sign", "--key", &uri(object, "1234"), "--alg", alg])
            .args(["--iss", "hsm-issuer", "--sub", "alice", "--exp", "10m"])
            .write_stdin("")
            .assert()
            .success();
        let token = String::from_utf8(out.get_output().stdout.clone()).unwrap();
        assert!(token.ends_with('\n'));
        let token_file = dir.join(format!("{object}.jwt"));
        std::fs::write(&token_file, &token).unwrap();

        // Verify with the exported public JWK, in software.
        let out = jose(&env)
            .args(["jwt", "verify", "--key"])
            .arg(&jwk_file)
            .args(["--alg", alg, "--iss", "hsm-issuer"])
            .arg(&token_file)
            .assert()
            .success();
        let claims: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
        assert_eq!(claims["sub"], "alice");
    }

    // JWE decrypted on the token: encrypted in software to the exported key.
    let out = jose(&env)
        .args(["jwe", "encrypt", "--key"])
        .arg(dir.join("ec-p256.pub.jwk"))
        .args(["--alg", "ECDH-ES+A256KW", "--enc", "A256GCM"])
        .write_stdin("for the token")
        .assert()
        .success();
    let jwe_file = dir.join("msg.jwe");
    std::fs::write(&jwe_file, &out.get_output().stdout).unwrap();
    let out = jose(&env)
        .args([
            "jwe",
            "decrypt",
            "--key",
            &uri("ec-p256", "1234"),
            "--alg",
            "ECDH-ES+A256KW",
        ])
        .arg(&jwe_file)
        .assert()
        .success();
    assert_eq!(out.get_output().stdout, b"for the token");

    // Faults: a wrong PIN, an unknown key, an unknown token, no module.
    let payload = dir.join("payload");
    std::fs::write(&payload, "x").unwrap();
    for (key, message) in [
        (uri("ec-p256", "0000"), "PIN is incorrect"),
        (uri("no-such-key", "1234"), "no key fits"),
        (
            format!("pkcs11:token=nope;object=ec-p256?module-path={module}&pin-value=1234"),
            "no token matches",
        ),
        (
            "pkcs11:token=jose-test;object=ec-p256?module-path=/no/such/module.so".to_owned(),
            "no PKCS#11 module",
        ),
    ] {
        let out = jose(&env)
            .args(["jws", "sign", "--key", &key, "--alg", "ES256"])
            .arg(&payload)
            .assert()
            .code(1);
        let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
        assert!(
            stderr.starts_with("jose: ") && stderr.contains(message),
            "{stderr}"
        );
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
