//! JWS verification in every serialization with every algorithm allowed,
//! against a fixed HS256 key (RFC 7515 A.1) and a fixed Ed25519 key
//! (RFC 8037 A.1), attached or detached (the bytes after the last NUL are
//! the payload); and decoding without verification.

#![no_main]

use std::sync::OnceLock;

use jose_core::JwsAlgorithm;
use jose_fuzz::keys;
use jose_jwk::{Jwk, JwkSet, JwkSetStore};
use jose_jws::{Verification, danger};
use jose_rustcrypto::PROVIDER;
use libfuzzer_sys::fuzz_target;

struct Setup {
    verification: Verification,
    store: JwkSetStore,
}

fn setup() -> &'static Setup {
    static SETUP: OnceLock<Setup> = OnceLock::new();
    SETUP.get_or_init(|| {
        let mut set = JwkSet::new();
        for key in [keys::HS256, keys::ED25519] {
            set.push(Jwk::from_json(key.as_bytes()).expect("fixed key"));
        }
        let store = JwkSetStore::new(&set, &PROVIDER);
        assert!(store.skipped().is_empty(), "{:?}", store.skipped());
        Setup {
            verification: Verification::new(JwsAlgorithm::ALL).expect("allow-list"),
            store,
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let setup = setup();
    let input = String::from_utf8_lossy(data);
    let _ = setup.verification.verify(&input, &setup.store);
    let _ = danger::decode_unverified(&input);
    // Detached: the part after the last NUL is the payload.
    if let Some(at) = data.iter().rposition(|b| *b == 0) {
        let (token, payload) = data.split_at(at);
        let token = String::from_utf8_lossy(token);
        let _ = setup.verification.verify_detached(
            &token,
            payload.get(1..).unwrap_or_default(),
            &setup.store,
        );
    }
});
