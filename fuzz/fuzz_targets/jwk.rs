//! JWK and JWK Set parsing; the provider's checks and a JSON round trip on
//! every key that parses.

#![no_main]

use jose_jwk::{Jwk, JwkSet};
use jose_rustcrypto::PROVIDER;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(jwk) = Jwk::from_json(data) {
        let _ = PROVIDER.check(&jwk);
        let text = jwk.to_json();
        let again = Jwk::from_json(text.as_bytes());
        assert!(
            again.as_ref() == Ok(&jwk),
            "JWK round trip failed: {:?}",
            again.err()
        );
        let _ = jwk.to_public();
        let _ = jwk.thumbprint_input();
    }
    if let Ok(set) = JwkSet::from_json(data) {
        for jwk in set.keys() {
            let _ = PROVIDER.check(jwk);
        }
        let _ = set.to_json();
    }
});
