//! JWK and JWK Set parsing; the provider's checks and a JSON round trip on
//! every key that parses; a key store of every set that parses.

#![no_main]

use jose_core::{Header, KeyStore};
use jose_jwk::{Jwk, JwkSet, JwkSetStore};
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
        // A store of the set: keys bound once, refused members skipped,
        // look-ups by the kids the set names.
        let store = JwkSetStore::new(&set, &PROVIDER);
        for jwk in set.keys() {
            let header = match jwk.kid() {
                Some(kid) => Header::new().with_kid(kid),
                None => Header::new(),
            };
            for alg in jwk.verification_algorithms() {
                let _ = store.verifiers(alg, &header);
            }
            for alg in jwk.decryption_algorithms() {
                let _ = store.key_decryptors(alg, &header);
            }
        }
    }
});
