//! JWE decryption in every serialization with every key management (but
//! PBES2, whose PBKDF2 would eat the fuzzing time) and content encryption
//! algorithm allowed, against a fixed A128KW key (RFC 7520 5.8), a fixed
//! 32-byte `dir` key and a fixed X25519 key (RFC 7520 curve25519 "Bob").

#![no_main]

use std::sync::OnceLock;

use jose_core::{ContentEncryptionAlgorithm, KeyManagementAlgorithm};
use jose_fuzz::keys;
use jose_jwe::Decryption;
use jose_jwk::{Jwk, JwkSet, JwkSetStore};
use jose_rustcrypto::PROVIDER;
use libfuzzer_sys::fuzz_target;

struct Setup {
    decryption: Decryption,
    store: JwkSetStore,
}

fn setup() -> &'static Setup {
    static SETUP: OnceLock<Setup> = OnceLock::new();
    SETUP.get_or_init(|| {
        let mut set = JwkSet::new();
        for key in [keys::A128KW, keys::DIR, keys::X25519] {
            set.push(Jwk::from_json(key.as_bytes()).expect("fixed key"));
        }
        let store = JwkSetStore::new(&set, &PROVIDER);
        assert!(store.skipped().is_empty(), "{:?}", store.skipped());
        let algs: Vec<KeyManagementAlgorithm> = KeyManagementAlgorithm::ALL
            .iter()
            .copied()
            .filter(|a| !a.name().starts_with("PBES2"))
            .collect();
        Setup {
            decryption: Decryption::new(&algs, ContentEncryptionAlgorithm::ALL)
                .expect("allow-lists"),
            store,
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let setup = setup();
    let input = String::from_utf8_lossy(data);
    let _ = setup.decryption.decrypt(&PROVIDER, &input, &setup.store);
});
