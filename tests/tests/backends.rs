//! The backend suite: every test that a backend must pass (the RFC vectors
//! and cookbook, round trips of every algorithm in every serialization,
//! attacks and malformed input, property tests, Project Wycheproof's JOSE
//! vectors, interop with the npm `jose` package and python jwcrypto), written once in `suite/` and run here once per backend.
//!
//! A new backend gets the whole suite by adding one line at the end of
//! this file.

// Test code: panicking on a broken expectation is the point.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::std_instead_of_core,
    clippy::alloc_instead_of_core
)]
// The suite's files are loaded once per backend: that is the point.
#![allow(clippy::duplicate_mod)]

/// Mounts the suite on `$provider` as module `$name`: the suite's files
/// see the backend as `super::PROVIDER`.
macro_rules! backend_suite {
    ($name:ident, $provider:expr) => {
        #[path = "suite"]
        mod $name {
            /// The backend under test.
            const PROVIDER: jose_jwk::Provider = $provider;

            mod interop_jwcrypto;
            mod interop_jwe;
            mod interop_jws;
            mod interop_jwt;
            mod jwe;
            mod jwe_primitives;
            mod jws;
            mod jwt;
            mod wycheproof;
        }
    };
}

backend_suite!(rustcrypto, jose_rustcrypto::PROVIDER);
backend_suite!(awslc, jose_awslc::PROVIDER);
