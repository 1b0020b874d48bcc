//! JWT verification and validation with a fixed HS256 key (RFC 7515 A.1)
//! and a fixed clock (before the RFC 7519 3.1 token expires); and decoding
//! without verification.

#![no_main]

use std::sync::{Arc, OnceLock};

use jose_core::{JwsAlgorithm, VerifyingKey};
use jose_fuzz::keys;
use jose_jwk::Jwk;
use jose_jwt::Claims;
use jose_jwt::{Validation, danger};
use jose_rustcrypto::PROVIDER;
use libfuzzer_sys::fuzz_target;

/// 2011-03-18, before the `exp` (1300819380) of the RFC 7519 3.1 token.
const NOW: i64 = 1_300_000_000;

struct Setup {
    validation: Validation,
    key: Arc<dyn VerifyingKey>,
}

fn setup() -> &'static Setup {
    static SETUP: OnceLock<Setup> = OnceLock::new();
    SETUP.get_or_init(|| {
        let jwk = Jwk::from_json(keys::HS256.as_bytes()).expect("fixed key");
        Setup {
            validation: Validation::new(&[JwsAlgorithm::Hs256])
                .expect("allow-list")
                .clock(|| NOW),
            key: PROVIDER.verifier(&jwk).expect("HS256 key"),
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let setup = setup();
    let input = String::from_utf8_lossy(data);
    let _ = jose_jwt::decode::<Claims>(&input, &setup.validation, &setup.key);
    let _ = danger::decode_unverified(&input);
});
