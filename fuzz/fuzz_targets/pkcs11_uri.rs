//! `pkcs11:` URI parsing (RFC 7512) on lossy UTF-8.

#![no_main]

use jose_pkcs11::Pkcs11Uri;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(uri) = Pkcs11Uri::parse(&String::from_utf8_lossy(data)) {
        // The Debug form hides the PIN; it must not panic either.
        let _ = format!("{uri:?}");
    }
});
