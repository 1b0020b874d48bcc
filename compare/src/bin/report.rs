//! Writes BENCHMARKS.md from the comparison's results: criterion's medians
//! (`target/criterion/<group>/<implementation>/new/`) and the allocation
//! counts of each run (`JOSE_COMPARE_OUT` files given as arguments).
//!
//! `report OUT.md ALLOCATIONS.jsonl...`

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde_json::Value;

/// One measured implementation of one operation.
struct Row {
    name: String,
    median_ns: f64,
    allocations: Option<u64>,
}

fn read_json(path: &Path) -> Option<Value> {
    serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()
}

/// Every `new/` result under criterion's directory: (group, name, median).
fn medians(dir: &Path) -> Vec<(String, String, f64)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                if p.file_name().is_some_and(|n| n == "new") {
                    let (Some(b), Some(est)) = (
                        read_json(&p.join("benchmark.json")),
                        read_json(&p.join("estimates.json")),
                    ) else {
                        continue;
                    };
                    let group = b["group_id"].as_str().unwrap_or_default().to_string();
                    let name = b["function_id"].as_str().unwrap_or_default().to_string();
                    if let Some(m) = est["median"]["point_estimate"].as_f64() {
                        out.push((group, name, m));
                    }
                } else {
                    stack.push(p);
                }
            }
        }
    }
    out
}

fn format_time(ns: f64) -> String {
    if ns >= 1_000_000.0 {
        format!("{:.2} ms", ns / 1_000_000.0)
    } else if ns >= 1_000.0 {
        format!("{:.2} µs", ns / 1_000.0)
    } else {
        format!("{ns:.0} ns")
    }
}

fn ratio(ns: f64, base: Option<f64>) -> String {
    match base {
        Some(b) if b > 0.0 => format!("{:.2}x", ns / b),
        _ => "–".into(),
    }
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|s| s.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(0);
    format!("{cpu}, {cores} cores available")
}

/// The versions of the peers and backends, from the suite's Cargo.lock.
fn versions(lock: &Path) -> String {
    let text = std::fs::read_to_string(lock).unwrap_or_default();
    let wanted = [
        "jsonwebtoken",
        "jwt-simple",
        "aws-lc-rs",
        "aws-lc-sys",
        "rsa",
        "p256",
        "p384",
        "ed25519-dalek",
        "hmac",
        "aes-gcm",
    ];
    let mut found = Vec::new();
    let mut name = None;
    for line in text.lines() {
        if let Some(n) = line.strip_prefix("name = ") {
            name = Some(n.trim_matches('"').to_string());
        } else if let (Some(v), Some(n)) = (line.strip_prefix("version = "), name.take()) {
            if wanted.contains(&n.as_str()) {
                found.push(format!("{n} {}", v.trim_matches('"')));
            }
        }
    }
    found.sort();
    found.dedup();
    found.join(", ")
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (out, alloc_files) = args
        .split_first()
        .expect("usage: report OUT.md ALLOCATIONS...");
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| here.join("target"));

    let mut allocations: BTreeMap<(String, String), u64> = BTreeMap::new();
    for f in alloc_files {
        let text = std::fs::read_to_string(f)
            .unwrap_or_else(|e| panic!("cannot read the allocation counts {f}: {e}"));
        for line in text.lines() {
            if let Ok(v) = serde_json::from_str::<Value>(line) {
                if let (Some(g), Some(n), Some(a)) = (
                    v["group"].as_str(),
                    v["name"].as_str(),
                    v["allocations"].as_u64(),
                ) {
                    allocations.insert((g.to_string(), n.to_string()), a);
                }
            }
        }
    }

    let measured = medians(&target.join("criterion"));
    // A report of nothing would read as every target "not measured".
    assert!(
        !measured.is_empty(),
        "no criterion results under {}: run the suite first",
        target.display()
    );
    let mut groups: BTreeMap<String, Vec<Row>> = BTreeMap::new();
    for (group, name, median_ns) in measured {
        let allocations = allocations.get(&(group.clone(), name.clone())).copied();
        groups.entry(group).or_default().push(Row {
            name,
            median_ns,
            allocations,
        });
    }

    let order = |g: &str| -> (usize, String) {
        let ops = [
            "HS256",
            "RS256",
            "ES256",
            "ES384",
            "EdDSA",
            "JWE dir",
            "JWE A256KW",
            "JWE RSA-OAEP-256",
            "JWE ECDH-ES",
        ];
        let i = ops
            .iter()
            .position(|p| g.starts_with(p))
            .unwrap_or(ops.len());
        (i, g.to_string())
    };
    let mut names: Vec<&String> = groups.keys().collect();
    names.sort_by_key(|g| order(g));

    let mut md = String::new();
    let _ = writeln!(md, "# Benchmarks\n");
    let _ = writeln!(
        md,
        "Written by `cargo xtask bench --compare` (the suite is `compare/`). Every \
         implementation first verifies (or decrypts) every other's tokens; then each \
         operation is timed with criterion (median of 30 samples) on the same keys, \
         the same ~300-byte claims (validated: signature, `exp`, `iss`, `aud`) and the \
         same 1 KiB JWE payload, keys parsed once outside the timed region. \"Floor\" is \
         the raw primitive on the same bytes. jsonwebtoken's backend is process-global, \
         so its aws-lc row comes from a second run of the suite.\n"
    );
    let _ = writeln!(md, "- Machine: {}", machine());
    let _ = writeln!(md, "- Versions: {}", versions(&here.join("Cargo.lock")));
    let _ = writeln!(
        md,
        "- Allocations: Rust heap allocations of one operation (a counting global \
         allocator); allocations inside C libraries (AWS-LC) are not seen.\n"
    );
    let _ = writeln!(
        md,
        "Scaling (at the end): per-verification time on one thread and on two (wall \
         time over both threads' work: the ratio is the throughput gain), a key found \
         by `kid` in a JWK Set of one key and of 1,000, and JWS verification across \
         payload sizes.\n"
    );
    let _ = writeln!(md, "Reproduce: `cargo xtask bench --compare`.\n");
    targets(&mut md, &groups);
    for g in names.iter().filter(|g| !g.starts_with("Scaling")) {
        let rows = &groups[g.as_str()];
        let find = |n: &str| rows.iter().find(|r| r.name == n).map(|r| r.median_ns);
        let ours_rc = find("jose (rustcrypto)");
        let ours_lc = find("jose (aws-lc)");
        let floor_rc = rows
            .iter()
            .find(|r| r.name.starts_with("floor (RustCrypto"))
            .map(|r| r.median_ns);
        let floor_lc = find("floor (aws-lc)");
        let _ = writeln!(md, "## {g}\n");
        let _ = writeln!(
            md,
            "| implementation | median | vs jose (rustcrypto) | vs jose (aws-lc) | vs RustCrypto floor | vs aws-lc floor | allocations |"
        );
        let _ = writeln!(md, "| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        let mut sorted: Vec<&Row> = rows.iter().collect();
        sorted.sort_by(|a, b| a.median_ns.total_cmp(&b.median_ns));
        for r in sorted {
            let _ = writeln!(
                md,
                "| {} | {} | {} | {} | {} | {} | {} |",
                r.name,
                format_time(r.median_ns),
                ratio(r.median_ns, ours_rc),
                ratio(r.median_ns, ours_lc),
                ratio(r.median_ns, floor_rc),
                ratio(r.median_ns, floor_lc),
                r.allocations.map_or_else(|| "–".into(), |a| a.to_string()),
            );
        }
        let _ = writeln!(md);
    }
    for g in names.iter().filter(|g| g.starts_with("Scaling")) {
        let rows = &groups[g.as_str()];
        let mut sorted: Vec<&Row> = rows.iter().collect();
        // "1 thread" before "2 threads", "1 keys" before "1000 keys", sizes
        // in order: by the leading number.
        let lead = |r: &Row| -> u64 {
            r.name
                .split(|c: char| !c.is_ascii_digit())
                .next()
                .and_then(|n| n.parse().ok())
                .unwrap_or(0)
        };
        sorted.sort_by_key(|r| lead(r));
        let first = sorted.first().map(|r| r.median_ns);
        let _ = writeln!(md, "## {g}\n");
        let _ = writeln!(md, "| case | median | vs the first | per byte |");
        let _ = writeln!(md, "| --- | ---: | ---: | ---: |");
        for r in sorted {
            let per_byte = if r.name.ends_with(" B") && lead(r) > 0 {
                format!("{:.2} ns", r.median_ns / lead(r) as f64)
            } else {
                "–".into()
            };
            let _ = writeln!(
                md,
                "| {} | {} | {} | {} |",
                r.name,
                format_time(r.median_ns),
                ratio(r.median_ns, first),
                per_byte
            );
        }
        let _ = writeln!(md);
    }
    std::fs::write(out, md).unwrap();
    eprintln!("wrote {out}");
}

/// The performance issue's targets, checked on this run's medians: one
/// row each, met or not, with the figures it compares.
fn targets(md: &mut String, groups: &BTreeMap<String, Vec<Row>>) {
    let get = |group: &str, name: &str| -> Option<&Row> {
        groups.get(group)?.iter().find(|r| r.name.starts_with(name))
    };
    let median = |group: &str, name: &str| get(group, name).map(|r| r.median_ns);
    let mut rows: Vec<(String, Option<bool>, String)> = Vec::new();
    let mut check = |what: String, got: Option<(bool, String)>| match got {
        Some((ok, detail)) => rows.push((what, Some(ok), detail)),
        None => rows.push((what, None, "not measured in this run".into())),
    };
    for op in ["sign", "verify"] {
        let g = format!("HS256 {op}");
        let ours = median(&g, "jose (rustcrypto)");
        let peer = median(&g, "jsonwebtoken (RustCrypto)");
        check(
            format!(
                "HS256 {op}: jose (rustcrypto) at least 1.5x faster than jsonwebtoken (RustCrypto)"
            ),
            ours.zip(peer)
                .map(|(o, p)| (p / o >= 1.5, format!("{:.2}x", p / o))),
        );
        for backend in ["rustcrypto", "aws-lc"] {
            let ours = median(&g, &format!("jose ({backend})"));
            let ox = median(&g, "oxitoken");
            check(
                format!("HS256 {op}: jose ({backend}) no slower than oxitoken"),
                ours.zip(ox)
                    .map(|(o, x)| (o <= x, format!("{} vs {}", format_time(o), format_time(x)))),
            );
        }
        let floor = median(&g, "floor (RustCrypto");
        let limit = if op == "sign" { 300.0 } else { 600.0 };
        check(
            format!(
                "HS256 {op}: JOSE overhead over the HMAC floor at most {limit:.0} ns (rustcrypto)"
            ),
            ours.zip(floor)
                .map(|(o, f)| (o - f <= limit, format!("{:.0} ns", o - f))),
        );
        // Verifying, the user struct's own allocations (its eight strings,
        // serde's buffer for a flattened struct) are not JOSE's: counted
        // apart. Signing allocates nothing of the struct's: all counts.
        let (most, own) = if op == "sign" {
            (4, Some(0))
        } else {
            (
                6,
                get(&g, jose_compare::CLAIMS_ALONE).and_then(|r| r.allocations),
            )
        };
        check(
            format!(
                "HS256 {op}: at most {most} allocations beyond the user struct's own (rustcrypto, one-call API)"
            ),
            get(&g, "jose (rustcrypto)")
                .and_then(|r| r.allocations)
                .zip(own)
                .map(|(a, o)| {
                    let jose = a.saturating_sub(o);
                    (
                        jose <= most,
                        format!("{jose} ({a} in all, {o} for serde_json alone)"),
                    )
                }),
        );
    }
    for op in ["encrypt", "decrypt"] {
        let g = format!("JWE dir+A256GCM {op}");
        for (backend, floor) in [
            ("rustcrypto", "floor (RustCrypto"),
            ("aws-lc", "floor (aws-lc"),
        ] {
            let ours = median(&g, &format!("jose ({backend})"));
            let f = median(&g, floor);
            check(
                format!(
                    "JWE dir+A256GCM {op}: jose ({backend}) within 1.5x of raw AES-GCM ({floor})"
                ),
                ours.zip(f)
                    .map(|(o, f)| (o / f <= 1.5, format!("{:.2}x", o / f))),
            );
        }
    }
    for alg in ["RS256", "ES256", "ES384", "EdDSA"] {
        for op in ["sign", "verify"] {
            let g = format!("{alg} {op}");
            let ours = median(&g, "jose (rustcrypto)");
            let floor = median(&g, "floor (RustCrypto");
            check(
                format!("{g}: jose (rustcrypto) within 3% of the RustCrypto floor"),
                ours.zip(floor)
                    .map(|(o, f)| (o / f <= 1.03, format!("{:.3}x", o / f))),
            );
        }
    }
    let mut all_ops: Vec<&String> = groups
        .keys()
        .filter(|g| !g.starts_with("Scaling"))
        .collect();
    all_ops.sort();
    for g in all_ops {
        let ours = median(g, "jose (aws-lc)");
        let fastest = groups[g.as_str()]
            .iter()
            .filter(|r| {
                !(r.name.starts_with("jose (")
                    || r.name.starts_with("jose builder")
                    || r.name.starts_with("floor"))
            })
            .min_by(|a, b| a.median_ns.total_cmp(&b.median_ns));
        check(
            format!("{g}: jose (aws-lc) at least as fast as the fastest peer"),
            ours.zip(fastest).map(|(o, p)| {
                (
                    o <= p.median_ns,
                    format!(
                        "{} vs {} {}",
                        format_time(o),
                        p.name,
                        format_time(p.median_ns)
                    ),
                )
            }),
        );
    }
    for (alg, backend) in [
        ("HS256", "rustcrypto"),
        ("ES256", "rustcrypto"),
        ("HS256", "aws-lc"),
        ("ES256", "aws-lc"),
    ] {
        let g = format!("Scaling: {alg} verify on 1 and 2 threads ({backend})");
        check(
            format!("{alg} verify throughput ({backend}): 2 threads at least 1.8x one"),
            median(&g, "1 thread")
                .zip(median(&g, "2 threads"))
                .map(|(one, two)| (one / two >= 1.8, format!("{:.2}x", one / two))),
        );
    }
    let g = "Scaling: HS256 verify by kid in a JWK Set (rustcrypto)";
    check(
        "a kid in a JWK Set of 1,000 keys within 10% of a set of one".into(),
        median(g, "1 keys")
            .zip(median(g, "1000 keys"))
            .map(|(one, many)| (many / one <= 1.1, format!("{:.2}x", many / one))),
    );
    let g = "Scaling: HS256 JWS verify by payload size (rustcrypto)";
    check(
        "cost linear in payload size (per byte at 1 MiB within 20% of 10 KiB)".into(),
        median(g, "10240 B")
            .zip(median(g, "1048576 B"))
            .map(|(small, big)| {
                let (a, b) = (small / 10240.0, big / 1_048_576.0);
                (
                    (b / a - 1.0).abs() <= 0.2,
                    format!("{a:.2} and {b:.2} ns per byte"),
                )
            }),
    );

    let met = rows.iter().filter(|(_, ok, _)| *ok == Some(true)).count();
    let _ = writeln!(md, "## Targets\n");
    let _ = writeln!(md, "{met} of {} targets met in this run.\n", rows.len());
    let _ = writeln!(md, "| target | met | measured |");
    let _ = writeln!(md, "| --- | --- | --- |");
    for (what, ok, detail) in rows {
        let mark = match ok {
            Some(true) => "yes",
            Some(false) => "**no**",
            None => "–",
        };
        let _ = writeln!(md, "| {what} | {mark} | {detail} |");
    }
    let _ = writeln!(md);
}
