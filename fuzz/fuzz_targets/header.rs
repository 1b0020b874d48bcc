//! Header and JSON object parsing, and strict base64url, on arbitrary bytes.
//!
//! Contract: a typed error, never a panic; what parses survives a round
//! trip; the streaming header parser gives what the JSON tree gives, errors
//! included; stack-buffered base64url decoding agrees with the plain one.

#![no_main]

use jose_core::{Header, b64, json};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(header) = Header::from_json(data) {
        let text = header.to_json();
        let again = Header::from_json(text.as_bytes());
        assert_eq!(again.as_ref(), Ok(&header), "header round trip: {text}");
    }
    let tree = json::parse_object("header", data).and_then(Header::from_object);
    assert_eq!(Header::from_json(data), tree, "streaming and tree parsers differ");

    let text = String::from_utf8_lossy(data);
    if let Ok(bytes) = b64::decode("fuzz", &text) {
        // Strict base64url: every byte string has exactly one encoding.
        assert_eq!(b64::encode(&bytes), text, "base64url is not canonical");
    }
    let mut buf = [0u8; 64];
    assert_eq!(
        b64::decode_buffered("fuzz", &text, &mut buf).map(|b| b.into_owned()),
        b64::decode("fuzz", &text),
        "buffered base64url decoding differs"
    );
});
