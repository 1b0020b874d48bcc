//! The harness of the CLI tests, written once: running `jose`, checking the
//! contract of `shared/CLI.md` (exit 0 on success with nothing on standard
//! error, 1 when input is rejected, 2 on a usage error, one line on
//! standard error starting "jose: ", tokens and JSON on one line), files
//! for keys and inputs, and an independent base64url for reading output.
//!
//! Each test binary uses part of it.
#![allow(dead_code, unused_imports)]

use std::path::PathBuf;
use std::process::Output;
use std::sync::atomic::{AtomicUsize, Ordering};

use assert_cmd::Command;
pub(crate) use jose_tests::vector;
use serde_json::Value;

/// The `jose` binary of this package.
pub(crate) fn jose() -> Command {
    Command::cargo_bin("jose").unwrap()
}

/// Runs `jose ARGS`, with `stdin` as standard input (empty when `None`).
pub(crate) fn run(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut cmd = jose();
    cmd.args(args);
    cmd.write_stdin(stdin.unwrap_or_default().to_vec());
    cmd.output().unwrap()
}

pub(crate) fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

pub(crate) fn describe(args: &[&str], out: &Output) -> String {
    format!(
        "jose {}\n  status: {:?}\n  stdout: {:?}\n  stderr: {:?}",
        args.join(" "),
        out.status.code(),
        text(&out.stdout),
        text(&out.stderr)
    )
}

/// Asserts exit 0 and an empty standard error; returns standard output.
pub(crate) fn success(args: &[&str], stdin: Option<&[u8]>) -> Vec<u8> {
    let out = run(args, stdin);
    assert_eq!(out.status.code(), Some(0), "{}", describe(args, &out));
    assert!(out.stderr.is_empty(), "{}", describe(args, &out));
    out.stdout
}

/// Asserts that `stdout` is exactly one line ending in one "\n"; returns it
/// without the newline.
pub(crate) fn one_line(stdout: &[u8]) -> String {
    let s = std::str::from_utf8(stdout).unwrap();
    assert!(s.ends_with('\n'), "output must end in a newline: {s:?}");
    assert_eq!(s.matches('\n').count(), 1, "output must be one line: {s:?}");
    s.strip_suffix('\n').unwrap().to_owned()
}

/// Asserts success and one line of JSON on standard output; returns it parsed.
pub(crate) fn json_ok(args: &[&str], stdin: Option<&[u8]>) -> Value {
    let line = one_line(&success(args, stdin));
    serde_json::from_str(&line).unwrap()
}

/// Asserts success and one line (a token) on standard output; returns the
/// token without its newline.
pub(crate) fn token_ok(args: &[&str], stdin: Option<&[u8]>) -> String {
    one_line(&success(args, stdin))
}

/// Asserts that standard error is exactly one line starting "jose: ".
pub(crate) fn assert_error_line(args: &[&str], out: &Output) -> String {
    let err = text(&out.stderr);
    assert!(
        err.starts_with("jose: "),
        "stderr must start with \"jose: \"\n{}",
        describe(args, out)
    );
    assert!(
        err.ends_with('\n') && err.matches('\n').count() == 1,
        "stderr must be exactly one line\n{}",
        describe(args, out)
    );
    err
}

/// Asserts the exit status, an empty standard output, and exactly one line
/// on standard error starting "jose: ". Returns that line.
pub(crate) fn failure(args: &[&str], stdin: Option<&[u8]>, code: i32) -> String {
    let out = run(args, stdin);
    assert_eq!(out.status.code(), Some(code), "{}", describe(args, &out));
    assert!(out.stdout.is_empty(), "{}", describe(args, &out));
    assert_error_line(args, &out)
}

/// Exit status 1: the input was rejected.
pub(crate) fn rejected(args: &[&str], stdin: Option<&[u8]>) -> String {
    failure(args, stdin, 1)
}

/// Exit status 2: a usage error.
pub(crate) fn usage_error(args: &[&str], stdin: Option<&[u8]>) -> String {
    failure(args, stdin, 2)
}

/// A JSON value as one line of text followed by a newline.
pub(crate) fn json_bytes(v: &Value) -> Vec<u8> {
    let mut out = serde_json::to_vec(v).unwrap();
    out.push(b'\n');
    out
}

/// A file in the temporary directory, removed on drop.
pub(crate) struct TempFile(PathBuf);

impl TempFile {
    pub(crate) fn new(tag: &str, contents: &[u8]) -> Self {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path =
            std::env::temp_dir().join(format!("jose-cli-test-{}-{n}-{tag}", std::process::id()));
        std::fs::write(&path, contents).unwrap();
        Self(path)
    }

    /// A file holding `jwk` as JSON.
    pub(crate) fn json(tag: &str, jwk: &Value) -> Self {
        Self::new(tag, &json_bytes(jwk))
    }

    pub(crate) fn path(&self) -> &str {
        self.0.to_str().unwrap()
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// A path that does not exist.
pub(crate) fn missing_path() -> String {
    std::env::temp_dir()
        .join(format!(
            "jose-cli-test-{}-does-not-exist.json",
            std::process::id()
        ))
        .to_str()
        .unwrap()
        .to_owned()
}

/// `jose jwk gen ARGS`.
pub(crate) fn gen_key(args: &[&str]) -> Value {
    let mut a = vec!["jwk", "gen"];
    a.extend_from_slice(args);
    json_ok(&a, None)
}

// An independent base64url, so that output is not read back with the code
// that wrote it.

const B64U: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

pub(crate) fn b64u_decode(s: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let mut acc: u32 = 0;
    let mut bits = 0;
    for c in s.bytes() {
        let v = B64U
            .iter()
            .position(|&a| a == c)
            .unwrap_or_else(|| panic!("not base64url: {s:?}"));
        acc = (acc << 6) | u32::try_from(v).unwrap();
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from((acc >> bits) & 0xff).unwrap());
            acc &= (1 << bits) - 1;
        }
    }
    out
}

pub(crate) fn b64u_encode(bytes: &[u8]) -> String {
    let mut out = String::new();
    let mut acc: u32 = 0;
    let mut bits = 0;
    for &b in bytes {
        acc = (acc << 8) | u32::from(b);
        bits += 8;
        while bits >= 6 {
            bits -= 6;
            out.push(char::from(
                B64U[usize::try_from((acc >> bits) & 63).unwrap()],
            ));
        }
        acc &= (1 << bits) - 1;
    }
    if bits > 0 {
        out.push(char::from(
            B64U[usize::try_from((acc << (6 - bits)) & 63).unwrap()],
        ));
    }
    out
}

/// The number of bytes an unpadded base64url string decodes to, after
/// checking its alphabet.
pub(crate) fn b64u_len(s: &str) -> usize {
    assert!(
        s.bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'),
        "not unpadded base64url: {s:?}"
    );
    assert_ne!(s.len() % 4, 1, "impossible base64url length: {s:?}");
    s.len() * 6 / 8
}

/// A base64url-encoded JSON object, decoded.
pub(crate) fn b64u_json(s: &str) -> Value {
    serde_json::from_slice(&b64u_decode(s)).unwrap()
}

/// The parts of a compact serialization, checking their number.
pub(crate) fn parts(token: &str, n: usize) -> Vec<String> {
    let p: Vec<String> = token.split('.').map(String::from).collect();
    assert_eq!(p.len(), n, "expected {n} parts: {token:?}");
    p
}

/// The protected header of a compact JWS or JWE.
pub(crate) fn compact_header(token: &str) -> Value {
    b64u_json(token.split('.').next().unwrap())
}
