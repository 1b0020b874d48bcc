//! Header and JSON object parsing, and strict base64url, on arbitrary bytes.
//!
//! Contract: a typed error, never a panic; what parses survives a round trip.

#![no_main]

use jose_core::{Header, b64, json};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(header) = Header::from_json(data) {
        let text = header.to_json();
        let again = Header::from_json(text.as_bytes());
        assert_eq!(again.as_ref(), Ok(&header), "header round trip: {text}");
    }
    let _ = json::parse_object("fuzz", data);

    let text = String::from_utf8_lossy(data);
    if let Ok(bytes) = b64::decode("fuzz", &text) {
        // Strict base64url: every byte string has exactly one encoding.
        assert_eq!(b64::encode(&bytes), text, "base64url is not canonical");
    }
});
