//! Key import from PEM (lossy UTF-8) and from DER in any known format.

#![no_main]

use jose_jwk::Jwk;
use jose_rustcrypto::PROVIDER;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = Jwk::from_pem(&String::from_utf8_lossy(data), &PROVIDER);
    let _ = Jwk::from_der_any(data, &PROVIDER);
});
