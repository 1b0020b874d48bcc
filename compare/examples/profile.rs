//! A loop over one of ours for a profiler: `profile sign|verify [N]`
//! (HS256, the one-call API on RustCrypto). Run under
//! `valgrind --tool=callgrind` to see where the JOSE layer spends.

#![allow(missing_docs, clippy::unwrap_used)]

use jose_compare::{Keys, ours};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(100_000);
    let keys = Keys::new(jose_core::JwsAlgorithm::Hs256);
    let ours = ours(jose_rustcrypto::PROVIDER, &keys);
    let token = (ours.sign)();
    match args.get(1).map(String::as_str) {
        Some("verify") => {
            for _ in 0..n {
                std::hint::black_box((ours.verify)(&token).unwrap());
            }
        }
        _ => {
            for _ in 0..n {
                std::hint::black_box((ours.sign)());
            }
        }
    }
}
