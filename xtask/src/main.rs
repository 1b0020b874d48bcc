//! `cargo xtask`: the project's automation, with nothing but cargo.
//!
//! - `cargo xtask ci`: everything CI checks, in order, setting up what the
//!   tests need first.
//! - `cargo xtask demo`: the main job from the shell, with keys it makes.
//! - `cargo xtask bench`: the criterion benchmarks, then the allocation
//!   counts per JWT operation.
//! - `cargo xtask fuzz [TARGET] [SECONDS]`: the cargo-fuzz targets of
//!   `fuzz/`, one or all in turn, for `SECONDS` each (60 by default); `ci`
//!   runs each for 5 s from its seeds and regression inputs
//!   (`cargo xtask fuzz-smoke` alone).

#![forbid(unsafe_code)]
// A std binary: `core` paths buy nothing here.
#![allow(clippy::std_instead_of_core, clippy::alloc_instead_of_core)]

use std::env;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("ci") => ci(),
        Some("demo") => demo(),
        Some("bench") => bench(args.get(1..).unwrap_or_default()),
        Some("fuzz") => fuzz(args.get(1..).unwrap_or_default()),
        Some("fuzz-smoke") => fuzz_smoke(5),
        _ => {
            eprintln!(
                "usage: cargo xtask ci | demo | bench [ARGS...] | bench --compare | fuzz [TARGET] [SECONDS] | fuzz-smoke"
            );
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root: the parent of this crate's manifest directory.
fn root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest
        .parent()
        .map_or(manifest.clone(), Path::to_path_buf)
}

fn cargo() -> Command {
    let mut cmd = Command::new(env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    cmd.current_dir(root());
    cmd
}

/// Runs one step, printing its name and duration.
fn step(name: &str, mut cmd: Command) -> Result<(), String> {
    eprintln!("==> {name}");
    let start = Instant::now();
    let status = cmd
        .status()
        .map_err(|e| format!("{name}: cannot start: {e}"))?;
    eprintln!("<== {name}: {:.1?}", start.elapsed());
    if status.success() {
        Ok(())
    } else {
        Err(format!("{name} failed ({status})"))
    }
}

fn ci() -> Result<(), String> {
    check_vectors()?;
    check_no_plain_fill(&root().join("crates"))?;
    setup_interop_peer()?;
    let softhsm = setup_softhsm()?;
    // aws-lc-sys (the jose-awslc backend) compiles AWS-LC's C sources.
    if !have("cc") && !apt_install(&["gcc", "libc6-dev"])? {
        return Err(
            "jose-awslc needs a C compiler to build aws-lc-sys: install the Debian package gcc"
                .into(),
        );
    }

    let mut fmt = cargo();
    fmt.args(["fmt", "--all", "--check"]);
    step("cargo fmt --check", fmt)?;

    let mut clippy = cargo();
    clippy.args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--all-features",
        "--",
        "-D",
        "warnings",
    ]);
    step("cargo clippy", clippy)?;

    let mut test = cargo();
    test.args(["test", "--workspace", "--all-features"]);
    test.envs(softhsm.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let mut counts = step_counting_tests("cargo test", test)?;

    // `--all-features` builds the CLI on aws-lc-rs; the default build, the
    // one `cargo install` gives, is on RustCrypto: test that one too.
    let mut cli = cargo();
    cli.args(["test", "-p", "jose-cli"]);
    cli.envs(softhsm.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let cli_counts = step_counting_tests("cargo test -p jose-cli (RustCrypto)", cli)?;
    counts.passed += cli_counts.passed;
    counts.failed += cli_counts.failed;

    let mut nostd = cargo();
    nostd.args(["check", "--no-default-features"]);
    for krate in NO_STD_CRATES {
        nostd.args(["-p", krate]);
    }
    step(
        "no_std build (every crate but jose-pkcs11 and the CLI)",
        nostd,
    )?;

    each_feature()?;

    // The fuzz targets are outside the workspace: a few seconds of each
    // (longer runs are `cargo xtask fuzz`).
    fuzz_smoke(5)?;

    supply_chain()?;

    let mut doc = cargo();
    doc.args(["doc", "--workspace", "--no-deps", "--all-features"])
        .env("RUSTDOCFLAGS", "-D warnings");
    step("cargo doc", doc)?;

    eprintln!("xtask ci: all checks passed");
    // One closing line with the totals over every test binary and doctest.
    println!("ci: {} passed, {} failed", counts.passed, counts.failed);
    Ok(())
}

/// Crypto crates of which the default build may hold one version only:
/// two would mean two implementations of one primitive to keep patched.
const SINGLE_VERSION_CRATES: &[&str] = &[
    "aes",
    "aes-gcm",
    "aes-kw",
    "cbc",
    "crypto-bigint",
    "curve25519-dalek",
    "der",
    "digest",
    "ecdsa",
    "ed25519-dalek",
    "elliptic-curve",
    "hmac",
    "k256",
    "p256",
    "p384",
    "p521",
    "pbkdf2",
    "pkcs1",
    "pkcs8",
    "rand_core",
    "rsa",
    "sha1",
    "sha2",
    "signature",
    "spki",
    "subtle",
    "x25519-dalek",
    "zeroize",
];

/// Supply-chain checks: licences, banned and duplicate crates and sources
/// with cargo-deny (`deny.toml`; installed from crates.io when missing),
/// and one version of each crypto crate in the default build.
fn supply_chain() -> Result<(), String> {
    let have_deny = cargo()
        .args(["deny", "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !have_deny {
        let mut install = cargo();
        install.args(["install", "--locked", "--quiet", "cargo-deny@0.20.2"]);
        step("cargo install cargo-deny", install)?;
    }
    let mut deny = cargo();
    deny.args([
        "deny",
        "--offline",
        "check",
        "--hide-inclusion-graph",
        "licenses",
        "bans",
        "sources",
    ]);
    step("cargo deny check licenses bans sources", deny)?;

    let out = cargo()
        .args([
            "tree",
            "--workspace",
            "-e",
            "normal",
            "--duplicates",
            "--prefix",
            "none",
        ])
        .output()
        .map_err(|e| format!("cargo tree: {e}"))?;
    if !out.status.success() {
        return Err("cargo tree --duplicates failed".into());
    }
    // Depth 0 lines ("0syn v2.0.119") are the duplicated crates; the
    // deeper ones are what depends on them.
    let text = String::from_utf8_lossy(&out.stdout);
    let duplicated: Vec<&str> = text
        .lines()
        .filter_map(|l| l.strip_prefix('0'))
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    let doubled: Vec<&str> = SINGLE_VERSION_CRATES
        .iter()
        .copied()
        .filter(|name| duplicated.contains(name))
        .collect();
    if doubled.is_empty() {
        eprintln!("<== one version of each crypto crate in the default build");
        Ok(())
    } else {
        Err(format!(
            "several versions of crypto crates: {}",
            doubled.join(", ")
        ))
    }
}

/// The crates that build without `std` (`--no-default-features`).
const NO_STD_CRATES: &[&str] = &[
    "jose-core",
    "jose-jwk",
    "jose-jws",
    "jose-jwe",
    "jose-jwt",
    "jose-rustcrypto",
    "jose",
];

/// The library crates whose features are built one at a time.
const LIBRARY_CRATES: &[&str] = &[
    "jose-core",
    "jose-jwk",
    "jose-jws",
    "jose-jwe",
    "jose-jwt",
    "jose-rustcrypto",
    "jose-awslc",
    "jose-remote",
    "jose-pkcs11",
    "jose",
];

/// The features a crate declares in its manifest's `[features]` table, but
/// `default`.
fn declared_features(krate: &str) -> Result<Vec<String>, String> {
    let manifest = root().join("crates").join(krate).join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest)
        .map_err(|e| format!("cannot read {}: {e}", manifest.display()))?;
    let mut in_features = false;
    let mut features = Vec::new();
    for line in text.lines().map(str::trim) {
        if line.starts_with('[') {
            in_features = line == "[features]";
            continue;
        }
        if !in_features || line.starts_with('#') {
            continue;
        }
        if let Some((name, _)) = line.split_once('=') {
            let name = name.trim();
            if !name.is_empty() && name != "default" {
                features.push(name.to_owned());
            }
        }
    }
    Ok(features)
}

/// Builds every library crate with no features, then with each feature on
/// its own, lint-clean (what `cargo hack --each-feature` does, without
/// installing it), and runs the feature tests of the RustCrypto backend with
/// each algorithm family alone: a family that is off must be `Unsupported`.
fn each_feature() -> Result<(), String> {
    eprintln!("==> each feature on its own");
    let start = Instant::now();
    for krate in LIBRARY_CRATES {
        let mut sets = vec![None];
        sets.extend(declared_features(krate)?.into_iter().map(Some));
        for features in sets {
            let mut check = cargo();
            check.args([
                "clippy",
                "--quiet",
                "-p",
                krate,
                "--lib",
                "--no-default-features",
            ]);
            if let Some(f) = &features {
                check.args(["--features", f]);
            }
            check.args(["--", "-D", "warnings"]);
            let label = format!(
                "{krate} --features {}",
                features.as_deref().unwrap_or("(none)")
            );
            let status = check
                .status()
                .map_err(|e| format!("{label}: cannot start: {e}"))?;
            if !status.success() {
                return Err(format!("{label} does not build cleanly ({status})"));
            }
        }
    }
    for family in declared_features("jose-rustcrypto")? {
        let mut test = cargo();
        test.args([
            "test",
            "--quiet",
            "-p",
            "jose-rustcrypto",
            "--no-default-features",
            "--features",
            &family,
            "--test",
            "features",
        ]);
        let status = test
            .status()
            .map_err(|e| format!("feature test {family}: cannot start: {e}"))?;
        if !status.success() {
            return Err(format!(
                "jose-rustcrypto with only {family}: feature test failed ({status})"
            ));
        }
    }
    // The HS256-only build the README advertises, end to end.
    let mut example = cargo();
    example.args([
        "run",
        "--quiet",
        "-p",
        "jose",
        "--example",
        "hs256_only",
        "--no-default-features",
        "--features",
        "std,jwt,jws,hmac",
    ]);
    let status = example
        .stdout(std::process::Stdio::null())
        .status()
        .map_err(|e| format!("example hs256_only: cannot start: {e}"))?;
    if !status.success() {
        return Err(format!("the HS256-only example failed ({status})"));
    }
    eprintln!("<== each feature on its own: {:.1?}", start.elapsed());
    Ok(())
}

/// Totals of the `test result:` lines of `cargo test`.
#[derive(Debug, Default)]
struct TestCounts {
    passed: u64,
    failed: u64,
}

/// Runs `cargo test`, passing its output through, and adds up the results.
fn step_counting_tests(name: &str, mut cmd: Command) -> Result<TestCounts, String> {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;

    eprintln!("==> {name}");
    let start = Instant::now();
    let mut child = cmd
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("{name}: cannot start: {e}"))?;
    let mut counts = TestCounts::default();
    if let Some(out) = child.stdout.take() {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            println!("{line}");
            if let Some(rest) = line.strip_prefix("test result: ") {
                counts.passed += count_before(rest, " passed");
                counts.failed += count_before(rest, " failed");
            }
        }
    }
    let status = child
        .wait()
        .map_err(|e| format!("{name}: cannot wait: {e}"))?;
    eprintln!("<== {name}: {:.1?}", start.elapsed());
    if status.success() {
        Ok(counts)
    } else {
        println!(
            "ci: {} passed, {} failed",
            counts.passed,
            counts.failed.max(1)
        );
        Err(format!("{name} failed ({status})"))
    }
}

/// The number just before `word` in a `test result:` line.
fn count_before(line: &str, word: &str) -> u64 {
    line.find(word)
        .and_then(|end| line.get(..end))
        .and_then(|head| head.rsplit([' ', '.']).next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// Refuses `.fill(0)` in the library and CLI sources: a plain fill of a
/// buffer about to be freed is a dead store the compiler may drop, so
/// secrets are wiped with `zeroize` (volatile writes) instead.
fn check_no_plain_fill(dir: &Path) -> Result<(), String> {
    let found = plain_fills(dir)?;
    if found.is_empty() {
        eprintln!("==> no .fill(0) in crates/ (secrets are zeroized with zeroize)");
        Ok(())
    } else {
        Err(format!(
            "use zeroize, not .fill(0), to wipe a buffer (the compiler may drop it): {}",
            found.join(", ")
        ))
    }
}

/// Every `file:line` under `dir` whose Rust code (not a comment) calls
/// `.fill(0`.
fn plain_fills(dir: &Path) -> Result<Vec<String>, String> {
    let mut found = Vec::new();
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        if path.is_dir() {
            found.extend(plain_fills(&path)?);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            for (n, line) in text.lines().enumerate() {
                let code = line.split("//").next().unwrap_or_default();
                if code.contains(".fill(0") {
                    found.push(format!("{}:{}", path.display(), n + 1));
                }
            }
        }
    }
    Ok(found)
}

/// The test vectors live in `shared/vectors/` beside the checkout; the tests
/// read them from there (or from `JOSE_VECTORS`). Say clearly when they are
/// missing rather than letting every vector test fail on its own.
fn check_vectors() -> Result<(), String> {
    let dir = env::var_os("JOSE_VECTORS")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("../shared/vectors"));
    if dir.join("README.md").is_file() {
        Ok(())
    } else {
        Err(format!(
            "test vectors not found at {}: set JOSE_VECTORS to the shared/vectors folder",
            dir.display()
        ))
    }
}

/// Installs the interop peers of `tests/interop`: the npm `jose` package
/// from its committed lock file, and python jwcrypto into `.venv` from
/// `requirements.txt` (pinned, with hashes).
fn setup_interop_peer() -> Result<(), String> {
    // The npm peer: the `jose` package, from the lock file.
    let dir = root().join("tests/interop");
    let mut npm = Command::new("npm");
    npm.args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
        .current_dir(&dir);
    step("npm ci (interop peer)", npm).map_err(|e| {
        format!("{e}: the interop tests need Node.js and npm (Debian package: nodejs)")
    })?;

    // The Python peer: jwcrypto in a virtual environment of its own, from
    // pinned, hashed requirements. Made again when they change.
    let venv = dir.join(".venv");
    let requirements = dir.join("requirements.txt");
    let stamp = venv.join("requirements.txt");
    let wanted = std::fs::read(&requirements)
        .map_err(|e| format!("cannot read {}: {e}", requirements.display()))?;
    if std::fs::read(&stamp).ok().as_deref() != Some(wanted.as_slice()) {
        let _ = std::fs::remove_dir_all(&venv);
        let mut make = Command::new("python3");
        make.args(["-m", "venv"]).arg(&venv);
        step("python3 -m venv (jwcrypto peer)", make)
            .map_err(|e| format!("{e}: the interop tests need CPython 3 with venv"))?;
        let mut pip = Command::new(venv.join("bin/pip"));
        pip.args([
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--require-hashes",
            "--no-deps",
            "-r",
        ])
        .arg(&requirements);
        step("pip install jwcrypto (interop peer)", pip)?;
        std::fs::write(&stamp, &wanted)
            .map_err(|e| format!("cannot write {}: {e}", stamp.display()))?;
    }
    Ok(())
}

/// Whether a command is on the `PATH`.
fn have(tool: &str) -> bool {
    Command::new("sh")
        // The name as an argument, never as shell text.
        .args(["-c", "command -v \"$1\"", "sh", tool])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Installs Debian packages when we are root; `false` (nothing done) when
/// we are not.
fn apt_install(packages: &[&str]) -> Result<bool, String> {
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0"));
    if !root {
        return Ok(false);
    }
    let mut update = Command::new("apt-get");
    update.args(["update", "-qq"]);
    step("apt-get update", update)?;
    let mut install = Command::new("apt-get");
    install
        .args(["install", "-y", "-qq", "--no-install-recommends"])
        .args(packages)
        .env("DEBIAN_FRONTEND", "noninteractive");
    step(&format!("apt-get install {}", packages.join(" ")), install)?;
    Ok(true)
}

/// Installs SoftHSM2 from Debian's packages when it is missing and we are
/// root, then builds a fresh, isolated test token with
/// `shared/pkcs11/softhsm-setup.sh`. Returns the variables the PKCS#11 tests
/// read (`SOFTHSM2_CONF`, `PKCS11_MODULE`, ...). Without SoftHSM2 (not root,
/// no package) it says so in one line and the PKCS#11 tests fail under CI.
fn setup_softhsm() -> Result<Vec<(String, String)>, String> {
    if (!have("softhsm2-util") || !have("pkcs11-tool")) && !apt_install(&["softhsm2", "opensc"])? {
        eprintln!(
            "xtask: SoftHSM2 is missing: install the Debian packages softhsm2 and opensc (the PKCS#11 tests need them)"
        );
        return Ok(Vec::new());
    }
    let script = root().join("../shared/pkcs11/softhsm-setup.sh");
    if !script.is_file() {
        return Err(format!("{} is missing", script.display()));
    }
    let state = env::temp_dir().join(format!("jose-softhsm-{}", std::process::id()));
    eprintln!("==> SoftHSM2 test token in {}", state.display());
    let out = Command::new("bash")
        .arg(&script)
        .arg("--reset")
        .arg(&state)
        .output()
        .map_err(|e| format!("cannot run {}: {e}", script.display()))?;
    if !out.status.success() {
        return Err(format!(
            "softhsm-setup.sh failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    let vars = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|line| {
            let (name, value) = line.strip_prefix("export ")?.split_once('=')?;
            Some((name.to_owned(), value.trim_matches('\'').to_owned()))
        })
        .collect();
    Ok(vars)
}

/// The main job, from the shell: make keys, sign, verify, and show that a
/// tampered token is refused. Each command is printed before it runs.
fn demo() -> Result<(), String> {
    let mut build = cargo();
    build.args(["build", "--quiet", "-p", "jose-cli"]);
    step("build the jose CLI", build)?;
    let target = env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target"));
    let jose = target.join("debug").join("jose");
    let dir = private_temp_dir("jose-demo")?;
    let script = demo_script(&dir, &jose);
    let mut sh = Command::new("bash");
    sh.args(["-c", &script]);
    let result = step("demo", sh);
    let _ = std::fs::remove_dir_all(&dir);
    result
}

/// The demo's shell script, run in `dir` with the CLI at `jose`. Key
/// files are made under `umask 077`.
fn demo_script(dir: &Path, jose: &Path) -> String {
    format!(
        r#"set -e
umask 077
cd '{dir}'
run() {{ printf '\n$ %s\n' "$*" | sed "s|{jose}|jose|g"; "$@"; }}
to() {{ out=$1; shift; printf '\n$ %s > %s\n' "$*" "$out" | sed "s|{jose}|jose|g"; "$@" > "$out"; }}
printf '# Make an issuer signing key (ES256) and a recipient key (X25519), publish the public halves:\n'
to issuer.jwk {jose} jwk gen --alg ES256 --kid issuer-2026
to issuer.pub.jwk {jose} jwk pub issuer.jwk
run cat issuer.pub.jwk
run {jose} jwk thumbprint --uri issuer.pub.jwk
to recipient.jwk {jose} jwk gen --alg ECDH-ES+A256KW --crv X25519 --kid recipient-2026
to recipient.pub.jwk {jose} jwk pub recipient.jwk
printf '\n# Issue an access token (a JWT signed with ES256) and verify it:\n'
to token.jwt {jose} jwt sign --key issuer.jwk --iss https://issuer.example --aud https://api.example --sub alice --exp 15m --iat --typ at+jwt --claim scope=orders:read < /dev/null
run cat token.jwt
run {jose} jwt verify --key issuer.pub.jwk --iss https://issuer.example --aud https://api.example --typ at+jwt token.jwt
printf '\n# Encrypt the signed token for the recipient (a nested JWT, cty JWT), then decrypt and verify:\n'
tr -d '\n' < token.jwt > token.jws
to token.jwe {jose} jwe encrypt --key recipient.pub.jwk --enc A256GCM --header '{{"cty":"JWT"}}' token.jws
run cat token.jwe
run {jose} jwt verify --key issuer.pub.jwk --key recipient.jwk --aud https://api.example token.jwe
printf '\n# A tampered token is refused (exit status 1):\n'
sed 's/\.\([A-Za-z0-9_-]\)/.X/' token.jwt > tampered.jwt
run cat tampered.jwt
if {jose} jwt verify --key issuer.pub.jwk tampered.jwt; then exit 1; else echo "(exit status $?)"; fi
"#,
        dir = dir.display(),
        jose = jose.display(),
    )
}

/// A fresh directory under the system temp dir that only we can enter
/// (mode 0700), for the demo's private keys: created anew (never an
/// existing path another user may have planted), with a name that is not
/// predictable from the process ID alone. Files in it are made under
/// `umask 077` (mode 0600).
fn private_temp_dir(prefix: &str) -> Result<PathBuf, String> {
    use std::os::unix::fs::DirBuilderExt;
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let dir = env::temp_dir().join(format!("{prefix}-{}-{nanos:09}", std::process::id()));
    std::fs::DirBuilder::new()
        .mode(0o700)
        .create(&dir)
        .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    Ok(dir)
}

fn bench(args: &[String]) -> Result<(), String> {
    if args.first().is_some_and(|a| a == "--compare") {
        return compare(args.get(1..).unwrap_or_default());
    }
    let mut cmd = cargo();
    cmd.args(["bench", "-p", "jose-tests"]).args(args);
    step("cargo bench", cmd)?;
    // Allocation counts: not timings, so not filtered by criterion's args.
    if args.is_empty() {
        let mut counts = cargo();
        counts.args(["bench", "-p", "jose-alloc-probe", "--bench", "allocations"]);
        step("allocations per operation", counts)?;
    }
    Ok(())
}

/// The comparison suite (`compare/`, outside the workspace): ours against
/// the peers and the raw primitives, written to BENCHMARKS.md. It runs the
/// suite twice, because jsonwebtoken's backend is process-global: once
/// with jsonwebtoken on RustCrypto (and every other implementation), once
/// for jsonwebtoken on aws-lc alone. Extra arguments go to criterion;
/// `--prepare` alone only writes the patched oxitoken it builds with.
fn compare(args: &[String]) -> Result<(), String> {
    let dir = root().join("compare");
    let target = dir.join("target");
    let criterion = target.join("criterion");
    // josekit builds on the system's OpenSSL; aws-lc-sys needs a C compiler.
    let openssl = Command::new("pkg-config")
        .args(["--exists", "openssl"])
        .status()
        .is_ok_and(|s| s.success());
    if (!openssl || !have("cc")) && !apt_install(&["libssl-dev", "pkg-config", "gcc", "libc6-dev"])?
    {
        return Err(
            "the comparison needs OpenSSL's headers, pkg-config and a C compiler: install the Debian packages libssl-dev, pkg-config and gcc".into(),
        );
    }
    patch_oxitoken(&target)?;
    // `--prepare`: only the patched oxitoken, to use cargo in compare/ by hand.
    if args.first().is_some_and(|a| a == "--prepare") {
        return Ok(());
    }
    // Results of an earlier run must not mix with this one.
    if criterion.exists() {
        std::fs::remove_dir_all(&criterion)
            .map_err(|e| format!("cannot clear {}: {e}", criterion.display()))?;
    }
    let manifest = dir.join("Cargo.toml");
    let runs = [
        (
            "rust_crypto",
            None,
            target.join("allocations-rust_crypto.jsonl"),
        ),
        (
            "aws_lc",
            Some("jsonwebtoken"),
            target.join("allocations-aws_lc.jsonl"),
        ),
    ];
    for (backend, only, out) in &runs {
        let mut cmd = cargo();
        cmd.arg("bench")
            .arg("--manifest-path")
            .arg(&manifest)
            .args(["--bench", "compare", "--"])
            .args(args)
            .env("CARGO_TARGET_DIR", &target)
            .env("JOSE_COMPARE_JSONWEBTOKEN", backend)
            .env("JOSE_COMPARE_OUT", out);
        if let Some(only) = only {
            cmd.env("JOSE_COMPARE_ONLY", only);
        }
        step(&format!("comparison (jsonwebtoken on {backend})"), cmd)?;
    }
    let mut report = cargo();
    report
        .arg("run")
        // The benchmark's profile: its dependencies are built already.
        .args(["--profile", "bench"])
        .arg("--manifest-path")
        .arg(&manifest)
        .args(["--bin", "report", "--"])
        .arg(root().join("BENCHMARKS.md"))
        .args(runs.iter().map(|(_, _, out)| out))
        .env("CARGO_TARGET_DIR", &target);
    step("BENCHMARKS.md", report)
}

/// The oxitoken release the comparison measures.
const OXITOKEN: &str = "0.1.0";

/// Makes the copy of oxitoken that `compare/Cargo.toml` patches in
/// (`target/patched/oxitoken`). oxitoken 0.1.0, its only release, tells
/// aws-lc-rs algorithms apart by address (`ptr::addr_eq(kalg, &raw const
/// ALG)`), which does not compile against aws-lc-rs 1.15 or later, where
/// the algorithms are `const`s (E0745); jsonwebtoken's aws-lc backend needs
/// 1.15+. The copy compares them by value instead: `==` for the signing
/// algorithms (which derive `PartialEq`), their `Debug` names for the
/// verification ones (a `dyn` trait object; oxitoken maps them once, when
/// a verification key is made), and its `[lints]` tables go (cargo would
/// apply its `warnings = "deny"` to a path dependency, and the newer
/// aws-lc-rs deprecates names it uses). Nothing else changes. The crate comes from
/// crates.io through cargo's own cache; only this rewrite is ours.
fn patch_oxitoken(target: &Path) -> Result<(), String> {
    let patched = target.join("patched");
    let dest = patched.join("oxitoken");
    let marker = dest.join(".jose-patched");
    if marker.exists() {
        return Ok(());
    }
    // A throwaway manifest that depends on oxitoken alone, to have cargo
    // fetch it and say where its sources are.
    let fetch = patched.join("fetch");
    let io = |e: std::io::Error| format!("preparing oxitoken: {e}");
    std::fs::create_dir_all(fetch.join("src")).map_err(io)?;
    std::fs::write(
        fetch.join("Cargo.toml"),
        format!(
            "[package]\nname = \"fetch-oxitoken\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n[workspace]\n\n[dependencies]\noxitoken = {{ version = \"={OXITOKEN}\", default-features = false }}\n"
        ),
    )
    .map_err(io)?;
    std::fs::write(fetch.join("src/lib.rs"), "").map_err(io)?;
    let out = cargo()
        .args(["metadata", "--format-version", "1", "--manifest-path"])
        .arg(fetch.join("Cargo.toml"))
        .output()
        .map_err(|e| format!("cargo metadata: {e}"))?;
    if !out.status.success() {
        return Err("cargo metadata failed for oxitoken".into());
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let needle = format!("oxitoken-{OXITOKEN}/Cargo.toml\"");
    let end = text
        .find(&needle)
        .ok_or("cargo metadata does not list oxitoken")?;
    let start = text
        .get(..end)
        .and_then(|before| before.rfind('"'))
        .ok_or("cannot read oxitoken's path")?;
    let source = PathBuf::from(
        text.get(start + 1..end + needle.len() - "/Cargo.toml\"".len())
            .ok_or("cannot read oxitoken's path")?,
    );
    copy_dir(&source, &dest).map_err(io)?;
    for (file, rewrite) in [
        ("src/crypto/aws_lc/sign.rs", "by value"),
        ("src/crypto/aws_lc/verify.rs", "by name"),
    ] {
        let path = dest.join(file);
        let code = std::fs::read_to_string(&path).map_err(io)?;
        let mut fixed = String::with_capacity(code.len());
        let mut rest = code.as_str();
        let mut rewritten = 0;
        while let Some(at) = rest.find("std::ptr::addr_eq(kalg, &raw const ") {
            rewritten += 1;
            let (before, after) = rest.split_at(at);
            let after = after
                .strip_prefix("std::ptr::addr_eq(kalg, &raw const ")
                .ok_or("unexpected oxitoken source")?;
            let close = after.find(')').ok_or("unexpected oxitoken source")?;
            let (name, tail) = after.split_at(close);
            fixed.push_str(before);
            if rewrite == "by value" {
                fixed.push_str(&format!("*kalg == {name}"));
            } else {
                fixed.push_str(&format!(
                    "format!(\"{{kalg:?}}\") == format!(\"{{:?}}\", {name})"
                ));
            }
            rest = tail.strip_prefix(')').ok_or("unexpected oxitoken source")?;
        }
        fixed.push_str(rest);
        // Nothing to rewrite would mean another oxitoken than the one this
        // patch is for: say so rather than build an unpatched copy.
        if rewritten == 0 {
            return Err(format!("{file}: no comparison by address to rewrite"));
        }
        std::fs::write(&path, fixed).map_err(io)?;
    }
    // Its manifest denies warnings, which cargo applies to a path
    // dependency (it caps them only for registry crates): the newer
    // aws-lc-rs deprecates names it uses. Lints are not this copy's job.
    let manifest = dest.join("Cargo.toml");
    let toml = std::fs::read_to_string(&manifest).map_err(io)?;
    let kept: Vec<&str> = toml
        .split_inclusive('\n')
        .scan(false, |in_lints, line| {
            if line.starts_with('[') {
                *in_lints = line.starts_with("[lints");
            }
            Some((!*in_lints).then_some(line))
        })
        .flatten()
        .collect();
    // And quiet: its warnings are not ours to read.
    let quiet = format!("{}\n[lints.rust]\nwarnings = \"allow\"\n", kept.concat());
    std::fs::write(&manifest, quiet).map_err(io)?;
    std::fs::write(&marker, "patched by cargo xtask bench --compare\n").map_err(io)?;
    Ok(())
}

/// Copies a directory tree.
fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let path = entry.path();
        let dest = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&path, &dest)?;
        } else {
            std::fs::copy(&path, &dest)?;
        }
    }
    Ok(())
}

/// Runs the fuzz targets of `fuzz/` with cargo-fuzz: `TARGET` alone, or every
/// target in turn, each for `SECONDS` (60 by default). Each corpus
/// (`fuzz/corpus/<target>`, ignored by git) first gets the seeds of
/// `fuzz/seeds/<target>`. A target that finds a crash does not stop the
/// others; its input is left in `fuzz/artifacts/<target>`: copy it to
/// `fuzz/regressions/<target>/` with the fix, so every later run replays it.
fn fuzz(args: &[String]) -> Result<(), String> {
    let dir = root().join("fuzz");
    let all = fuzz_targets(&dir)?;
    let (target, seconds) = match args {
        [] => (None, None),
        [one] if one.parse::<u64>().is_ok() => (None, Some(one)),
        [one] => (Some(one), None),
        [target, seconds] => (Some(target), Some(seconds)),
        _ => return Err("usage: cargo xtask fuzz [TARGET] [SECONDS]".into()),
    };
    let seconds: u64 = match seconds {
        Some(s) => s
            .parse()
            .map_err(|_| format!("not a number of seconds: {s}"))?,
        None => 60,
    };
    let targets = match target {
        Some(t) if all.contains(t) => vec![t.clone()],
        Some(t) => {
            return Err(format!(
                "no fuzz target {t}: choose one of {}",
                all.join(", ")
            ));
        }
        None => all,
    };

    ensure_cargo_fuzz()?;

    let mut failed = Vec::new();
    for target in &targets {
        seed_corpus(&dir, target)?;
        let corpus = dir.join("corpus").join(target);
        let run = fuzz_run(&dir, target, &corpus, seconds);
        if let Err(e) = step(&format!("cargo fuzz run {target} ({seconds} s)"), run) {
            eprintln!("xtask: {e}");
            failed.push(target.as_str());
        }
    }
    if failed.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "fuzzing failed for {} (crash inputs in fuzz/artifacts/)",
            failed.join(", ")
        ))
    }
}

/// The cargo-fuzz version `ci` installs when none is installed.
const CARGO_FUZZ: &str = "cargo-fuzz@0.13.2";

/// Installs cargo-fuzz unless some version is installed.
fn ensure_cargo_fuzz() -> Result<(), String> {
    let have = cargo()
        .args(["fuzz", "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !have {
        let mut install = cargo();
        install.args(["install", "--locked", "--quiet", CARGO_FUZZ]);
        step(&format!("cargo install {CARGO_FUZZ}"), install)?;
    }
    Ok(())
}

/// `cargo fuzz run` of `target` for `seconds`, writing new inputs to
/// `corpus` and reading the target's seeds and regression inputs
/// (`fuzz/seeds/<target>`, `fuzz/regressions/<target>`) as well. An input
/// that runs over 10 s counts as a hang.
///
/// cargo-fuzz needs nightly compiler flags: `RUSTC_BOOTSTRAP=1` lets the
/// stable toolchain take them.
fn fuzz_run(dir: &Path, target: &str, corpus: &Path, seconds: u64) -> Command {
    let mut run = cargo();
    run.current_dir(dir)
        .env("RUSTC_BOOTSTRAP", "1")
        .args(["fuzz", "run", "--release", target])
        .arg(corpus);
    for extra in ["seeds", "regressions"] {
        let inputs = dir.join(extra).join(target);
        if inputs.is_dir() {
            run.arg(inputs);
        }
    }
    run.arg("--")
        .arg(format!("-max_total_time={seconds}"))
        .arg("-timeout=10");
    run
}

/// The CI smoke run: every fuzz target for a few seconds from its seeds
/// and regression inputs, into a fresh corpus. Finds the shallow crashes a
/// change brings and replays every input that once crashed.
fn fuzz_smoke(seconds: u64) -> Result<(), String> {
    ensure_cargo_fuzz()?;
    let dir = root().join("fuzz");
    let mut build = cargo();
    build
        .current_dir(&dir)
        .env("RUSTC_BOOTSTRAP", "1")
        .args(["fuzz", "build", "--release"]);
    step("cargo fuzz build", build)?;
    let scratch = env::temp_dir().join(format!("jose-fuzz-smoke-{}", std::process::id()));
    let mut result = Ok(());
    for target in fuzz_targets(&dir)? {
        let corpus = scratch.join(&target);
        std::fs::create_dir_all(&corpus)
            .map_err(|e| format!("cannot create {}: {e}", corpus.display()))?;
        // libFuzzer's progress lines would fill the log: shown on failure.
        let start = Instant::now();
        let out = fuzz_run(&dir, &target, &corpus, seconds)
            .output()
            .map_err(|e| format!("cargo fuzz run {target}: cannot start: {e}"))?;
        let log = String::from_utf8_lossy(&out.stderr);
        let runs = log
            .lines()
            .rev()
            .find(|l| l.starts_with("Done "))
            .unwrap_or("");
        eprintln!("<== fuzz smoke {target}: {:.1?} {runs}", start.elapsed());
        if !out.status.success() {
            let lines: Vec<&str> = log.lines().collect();
            let tail = lines
                .get(lines.len().saturating_sub(40)..)
                .unwrap_or_default();
            eprintln!("{}", tail.join("\n"));
            result = Err(format!(
                "fuzz target {target} failed: crash input in fuzz/artifacts/{target}"
            ));
            break;
        }
    }
    let _ = std::fs::remove_dir_all(&scratch);
    result
}

/// The fuzz targets: the files of `fuzz/fuzz_targets/`, by name, sorted.
fn fuzz_targets(dir: &Path) -> Result<Vec<String>, String> {
    let sources = dir.join("fuzz_targets");
    let entries = std::fs::read_dir(&sources)
        .map_err(|e| format!("cannot list {}: {e}", sources.display()))?;
    let mut targets: Vec<String> = entries
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let name = entry.file_name().into_string().ok()?;
            name.strip_suffix(".rs").map(str::to_owned)
        })
        .collect();
    targets.sort();
    Ok(targets)
}

/// Copies the seeds of `fuzz/seeds/<target>/`, if any, into the target's
/// corpus directory, creating it.
fn seed_corpus(dir: &Path, target: &str) -> Result<(), String> {
    let corpus = dir.join("corpus").join(target);
    std::fs::create_dir_all(&corpus)
        .map_err(|e| format!("cannot create {}: {e}", corpus.display()))?;
    let Ok(seeds) = std::fs::read_dir(dir.join("seeds").join(target)) else {
        return Ok(());
    };
    for seed in seeds.filter_map(Result::ok) {
        let from = seed.path();
        if from.is_file() {
            let to = corpus.join(seed.file_name());
            std::fs::copy(&from, &to)
                .map_err(|e| format!("cannot copy {} to {}: {e}", from.display(), to.display()))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    /// `.fill(0)` on a buffer that is then freed is a dead store the
    /// optimizer may remove, leaving the secret in memory: the CI check
    /// finds it in code and ignores it in comments.
    #[test]
    fn plain_fills_are_found_in_code_not_in_comments() {
        let dir = private_temp_dir("jose-xtask-fill").unwrap();
        let sub = dir.join("src");
        std::fs::create_dir_all(&sub).unwrap();
        std::fs::write(
            sub.join("a.rs"),
            "fn f(k: &mut [u8]) {\n    k.fill(0);\n}\n// a comment about .fill(0)\n",
        )
        .unwrap();
        std::fs::write(sub.join("b.txt"), "x.fill(0)").unwrap();
        let found = plain_fills(&dir).unwrap();
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].ends_with("a.rs:2"), "{found:?}");
        assert!(check_no_plain_fill(&dir).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(plain_fills(&root().join("crates")).unwrap().is_empty());
    }

    /// The demo writes private keys: another local user must not read
    /// them. Its directory is new and 0700, and its files are made under
    /// umask 077, so they are 0600.
    #[test]
    fn demo_keys_are_private() {
        let dir = private_temp_dir("jose-xtask-test").unwrap();
        let mode = std::fs::metadata(&dir).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700);
        let script = demo_script(&dir, Path::new("/bin/true"));
        assert!(script.starts_with("set -e\numask 077\n"), "{script}");
        let made = Command::new("bash")
            .args(["-c", "umask 077; cd \"$1\" && echo secret > key.jwk", "_"])
            .arg(&dir)
            .status()
            .unwrap();
        assert!(made.success());
        let mode = std::fs::metadata(dir.join("key.jwk"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
