//! Names for groups of crate features (`cfg(ec)` for "any EC curve"), so
//! that the sources say `#[cfg(ec)]` instead of repeating the list.

fn main() {
    let on = |feature: &str| {
        std::env::var_os(format!("CARGO_FEATURE_{}", feature.to_uppercase())).is_some()
    };
    let ec = on("p256") || on("p384") || on("p521") || on("k256");
    let nist = on("p256") || on("p384") || on("p521");
    let aliases = [
        // ECDSA or keys on a curve of the `elliptic-curve` family.
        ("ec", ec),
        // ECDH-ES on a NIST curve.
        ("nist_ecdh", nist),
        // ECDH-ES on any curve.
        ("ecdh", nist || on("x25519")),
        // Some JWS algorithm.
        ("jws", on("hmac") || on("rsa") || ec || on("ed25519")),
        // Some asymmetric key type.
        (
            "asymmetric",
            on("rsa") || ec || on("ed25519") || on("x25519"),
        ),
        // Some key on a curve.
        ("curves", ec || on("ed25519") || on("x25519")),
    ];
    let names: Vec<&str> = aliases.iter().map(|(name, _)| *name).collect();
    println!("cargo::rustc-check-cfg=cfg({})", names.join(", "));
    for (name, enabled) in aliases {
        if enabled {
            println!("cargo::rustc-cfg={name}");
        }
    }
}
