//! Helpers for the workspace's integration tests, written once: finding
//! and reading the RFC test vectors in `shared/vectors/`, reading values out
//! of them, asserting errors, and talking to the npm interop peer.

#![forbid(unsafe_code)]
// A std binary: `core` paths buy nothing here.
#![allow(clippy::std_instead_of_core, clippy::alloc_instead_of_core)]

use std::path::PathBuf;

use jose_core::{Header, b64};
use jose_jwk::Jwk;
use serde_json::Value;

/// Asserts that `$result` is an `Err` matching `$pat`, printing it otherwise.
#[macro_export]
macro_rules! assert_err {
    ($result:expr, $pat:pat $(if $guard:expr)? $(,)?) => {{
        let result = $result;
        assert!(
            matches!(&result, Err($pat) $(if $guard)?),
            "expected Err({}), got {:?}",
            stringify!($pat),
            result
        );
    }};
}

/// The string at JSON pointer `ptr` of `v`.
///
/// # Panics
///
/// When there is none, naming the pointer.
#[allow(clippy::panic)]
pub fn str_at<'a>(v: &'a Value, ptr: &str) -> &'a str {
    v.pointer(ptr)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("vector has no string at {ptr}"))
}

/// The base64url-decoded string at JSON pointer `ptr` of `v`.
///
/// # Panics
///
/// When there is none or it is not base64url.
#[allow(clippy::panic)]
pub fn b64_at(v: &Value, ptr: &str) -> Vec<u8> {
    b64::decode("vector", str_at(v, ptr)).unwrap_or_else(|e| panic!("vector string at {ptr}: {e}"))
}

/// The byte array (`[1, 2, ...]`) at JSON pointer `ptr` of `v`.
///
/// # Panics
///
/// When there is none or it holds something else than bytes.
#[allow(clippy::panic)]
pub fn bytes_at(v: &Value, ptr: &str) -> Vec<u8> {
    v.pointer(ptr)
        .and_then(Value::as_array)
        .unwrap_or_else(|| panic!("vector has no array at {ptr}"))
        .iter()
        .map(|b| {
            b.as_u64()
                .and_then(|b| u8::try_from(b).ok())
                .unwrap_or_else(|| panic!("vector array at {ptr} holds {b}, not a byte"))
        })
        .collect()
}

/// The bytes of hexadecimal `text`.
///
/// # Panics
///
/// When `text` is not an even number of hexadecimal digits.
#[allow(clippy::panic)]
pub fn hex(text: &str) -> Vec<u8> {
    assert!(text.len().is_multiple_of(2), "odd hex length: {text}");
    (0..text.len())
        .step_by(2)
        .map(|i| {
            text.get(i..i + 2)
                .and_then(|d| u8::from_str_radix(d, 16).ok())
                .unwrap_or_else(|| panic!("not hex: {text}"))
        })
        .collect()
}

/// A JWK from the JSON object `v`.
///
/// # Panics
///
/// When it is not a valid JWK.
#[allow(clippy::panic)]
pub fn jwk_of(v: &Value) -> Jwk {
    Jwk::from_json(v.to_string().as_bytes()).unwrap_or_else(|e| panic!("cannot parse {v}: {e:?}"))
}

/// A header from the JSON object `v`.
///
/// # Panics
///
/// When it is not a valid header.
#[allow(clippy::panic)]
pub fn header_of(v: &Value) -> Header {
    Header::from_json(v.to_string().as_bytes())
        .unwrap_or_else(|e| panic!("cannot parse header {v}: {e:?}"))
}

/// The folder of the shared test vectors: `JOSE_VECTORS`, or
/// `shared/vectors` beside the checkout.
///
/// # Panics
///
/// When the folder is missing: a vector test must fail, never pass by
/// skipping.
#[allow(clippy::panic)]
pub fn vectors_dir() -> PathBuf {
    let dir = std::env::var_os("JOSE_VECTORS").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/vectors"),
        PathBuf::from,
    );
    assert!(
        dir.join("README.md").is_file(),
        "test vectors not found at {}; set JOSE_VECTORS",
        dir.display()
    );
    dir
}

/// Reads one vector file, given relative to the vectors folder, as JSON.
///
/// # Panics
///
/// When the file is missing or is not JSON, naming the file.
#[allow(clippy::panic)]
pub fn vector(path: &str) -> Value {
    let full = vectors_dir().join(path);
    let text = std::fs::read_to_string(&full)
        .unwrap_or_else(|e| panic!("cannot read vector {}: {e}", full.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("vector {path} is not JSON: {e}"))
}

/// The JSON text of member `key` of `value`, for feeding a parser the exact
/// object a vector holds.
///
/// # Panics
///
/// When the member is missing.
#[allow(clippy::panic)]
pub fn member_json(value: &Value, key: &str) -> String {
    let v = value
        .get(key)
        .unwrap_or_else(|| panic!("vector has no member \"{key}\""));
    v.to_string()
}

/// Every vector file under a folder, sorted, as (relative path, JSON).
///
/// # Panics
///
/// When the folder cannot be read.
#[allow(clippy::panic)]
pub fn vectors_in(folder: &str) -> Vec<(String, Value)> {
    let dir = vectors_dir().join(folder);
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".json"))
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|n| {
            let rel = format!("{folder}/{n}");
            let v = vector(&rel);
            (rel, v)
        })
        .collect()
}

/// The folder of the interop peers (npm and Python).
pub fn interop_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("interop")
}

/// Sends a batch of requests to the npm peer (`tests/interop/peer.mjs`, the
/// `jose` package) and returns its answers, one per request.
///
/// # Panics
///
/// When Node.js or the installed package is missing (run `npm ci` in
/// `tests/interop`, as `cargo xtask ci` does), or the peer fails.
pub fn peer(requests: &Value) -> Vec<Value> {
    let dir = interop_dir();
    assert!(
        dir.join("node_modules/jose/package.json").is_file(),
        "the npm peer is not installed: run `npm ci` in {} (cargo xtask ci does)",
        dir.display()
    );
    run_peer("node", "peer.mjs", requests)
}

/// Sends a batch of requests to the Python peer
/// (`tests/interop/jwcrypto_peer.py`, the jwcrypto package, in the virtual
/// environment `tests/interop/.venv`) and returns its answers.
///
/// # Panics
///
/// When the virtual environment is missing (`cargo xtask ci` makes it from
/// `tests/interop/requirements.txt`), or the peer fails.
pub fn jwcrypto_peer(requests: &Value) -> Vec<Value> {
    let python = interop_dir().join(".venv/bin/python");
    assert!(
        python.is_file(),
        "the jwcrypto peer is not installed: `cargo xtask ci` makes {} from tests/interop/requirements.txt",
        python.display()
    );
    run_peer(&python.to_string_lossy(), "jwcrypto_peer.py", requests)
}

/// Runs `program script` in the interop folder with `requests` as JSON on
/// standard input, and parses the JSON array it prints.
#[allow(clippy::panic)]
fn run_peer(program: &str, script: &str, requests: &Value) -> Vec<Value> {
    use std::io::Write;
    use std::process::{Command, Stdio};

    let mut child = Command::new(program)
        .arg(script)
        .current_dir(interop_dir())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {program}: {e}"));
    let input = requests.to_string();
    child
        .stdin
        .take()
        .unwrap_or_else(|| panic!("no stdin"))
        .write_all(input.as_bytes())
        .unwrap_or_else(|e| panic!("cannot write to the peer: {e}"));
    let out = child
        .wait_with_output()
        .unwrap_or_else(|e| panic!("peer failed: {e}"));
    assert!(
        out.status.success(),
        "peer {script} exited with {}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    match serde_json::from_slice(&out.stdout) {
        Ok(Value::Array(items)) => items,
        _ => panic!(
            "peer {script} output is not a JSON array: {}",
            String::from_utf8_lossy(&out.stdout)
        ),
    }
}

/// The SoftHSM2 token that `cargo xtask ci` sets up
/// (`shared/pkcs11/softhsm-setup.sh`), from the environment it exports.
#[derive(Debug)]
pub struct SoftHsm {
    /// The PKCS#11 module (`PKCS11_MODULE`).
    pub module: PathBuf,
    /// The token label (`PKCS11_TOKEN_LABEL`).
    pub label: String,
    /// The user PIN (`PKCS11_PIN`).
    pub pin: String,
}

/// The token's settings; `None` (outside CI only) when SoftHSM2 is not set
/// up. Under CI (`CI` set) a missing token fails the test: PKCS#11 tests
/// never pass by skipping there.
///
/// # Panics
///
/// Under CI, when the token is missing.
pub fn softhsm() -> Option<SoftHsm> {
    let module = std::env::var_os("PKCS11_MODULE").map(PathBuf::from);
    let conf = std::env::var_os("SOFTHSM2_CONF");
    match (module, conf) {
        (Some(module), Some(_)) if module.exists() => Some(SoftHsm {
            module,
            label: std::env::var("PKCS11_TOKEN_LABEL").unwrap_or_else(|_| "jose-test".into()),
            pin: std::env::var("PKCS11_PIN").unwrap_or_else(|_| "1234".into()),
        }),
        _ => {
            assert!(
                std::env::var_os("CI").is_none(),
                "SoftHSM2 token missing under CI: run `cargo xtask ci`, which sets it up"
            );
            eprintln!("SoftHSM2 not set up (run via `cargo xtask ci`): PKCS#11 test not run");
            None
        }
    }
}
