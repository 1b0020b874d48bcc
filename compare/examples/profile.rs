//! A loop over one of ours for a profiler: `profile sign|verify|encrypt|decrypt [N]`
//! (HS256 JWT, or a dir+A256GCM JWE of 1 KiB, the one-call APIs on
//! RustCrypto). Run under `valgrind --tool=callgrind` to see where the JOSE
//! layer spends, or `--tool=dhat` to see where it allocates.

#![allow(missing_docs, clippy::unwrap_used)]

use jose_compare::{Keys, jwe_key, ours, ours_jwe};
use jose_core::{ContentEncryptionAlgorithm, JwsAlgorithm, KeyManagementAlgorithm};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(100_000);
    let provider = jose_rustcrypto::PROVIDER;
    match args.get(1).map(String::as_str) {
        Some(op @ ("encrypt" | "decrypt")) => {
            let (alg, enc) = (
                KeyManagementAlgorithm::Dir,
                ContentEncryptionAlgorithm::A256Gcm,
            );
            let ours = ours_jwe(provider, &jwe_key(alg, enc), alg, enc);
            let token = (ours.encrypt)();
            for _ in 0..n {
                if op == "encrypt" {
                    std::hint::black_box((ours.encrypt)());
                } else {
                    std::hint::black_box((ours.decrypt)(&token).unwrap());
                }
            }
        }
        op => {
            let ours = ours(provider, &Keys::new(JwsAlgorithm::Hs256));
            let token = (ours.sign)();
            for _ in 0..n {
                if op == Some("verify") {
                    std::hint::black_box((ours.verify)(&token).unwrap());
                } else {
                    std::hint::black_box((ours.sign)());
                }
            }
        }
    }
}
