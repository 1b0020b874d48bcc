//! JWS verification of structured inputs that carry real signatures: the
//! protected headers are built from fuzzed members (registered names with
//! plausible values, duplicates, wrong types, `crit`, `b64`), signed with a
//! fixed HS256 or Ed25519 key, and put together in the compact, flattened
//! or general serialization with fuzzed unprotected headers. So the fuzzer
//! works on what comes after the signature check: header semantics, `crit`
//! and `b64` handling, multi-signature logic.
//!
//! Oracle: a message whose every signature was corrupted never verifies,
//! and a verified signature is one we made.

#![no_main]

use std::sync::OnceLock;

use arbitrary::Arbitrary;
use jose_core::{JwsAlgorithm, Signer, b64};
use jose_fuzz::{Name, Value, keys, render_object, render_object_with, string};
use jose_jwk::{Jwk, JwkSet, JwkSetStore};
use jose_jws::Verification;
use jose_rustcrypto::PROVIDER;

use libfuzzer_sys::fuzz_target;

struct Setup {
    verification: Verification,
    all: Verification,
    store: JwkSetStore,
    hs256: Box<dyn Signer>,
    ed25519: Box<dyn Signer>,
}

fn setup() -> &'static Setup {
    static SETUP: OnceLock<Setup> = OnceLock::new();
    SETUP.get_or_init(|| {
        let hmac = Jwk::from_json(keys::HS256.as_bytes()).expect("fixed key");
        let ed = Jwk::from_json(keys::ED25519.as_bytes()).expect("fixed key");
        let mut set = JwkSet::new();
        set.push(hmac.clone());
        set.push(ed.to_public().expect("public"));
        let store = JwkSetStore::new(&set, &PROVIDER);
        assert!(store.skipped().is_empty(), "{:?}", store.skipped());
        let verification = Verification::new(JwsAlgorithm::ALL).expect("allow-list");
        Setup {
            all: verification.clone().require_all_signatures(),
            verification,
            store,
            hs256: PROVIDER.signer(&hmac, JwsAlgorithm::Hs256).expect("HS256"),
            ed25519: PROVIDER.signer(&ed, JwsAlgorithm::EdDsa).expect("EdDSA"),
        }
    })
}

#[derive(Arbitrary, Debug)]
enum Form {
    Compact,
    Flattened,
    General,
}

#[derive(Arbitrary, Debug)]
struct Signature {
    ed25519: bool,
    /// Put the key's `alg` first (else only if the members name it).
    with_alg: bool,
    protected: Vec<(Name, Value)>,
    unprotected: Option<Vec<(Name, Value)>>,
    /// Flip a bit of the signature.
    corrupt: Option<u16>,
}

#[derive(Arbitrary, Debug)]
struct Input {
    form: Form,
    /// The payload as it goes into the message and the signing input:
    /// base64url of the bytes, or the bytes as they are (`b64: false`).
    raw_payload: bool,
    payload: Vec<u8>,
    signatures: Vec<Signature>,
}

fuzz_target!(|input: Input| {
    let setup = setup();
    let payload = if input.raw_payload {
        String::from_utf8_lossy(&input.payload).into_owned()
    } else {
        b64::encode(&input.payload)
    };
    let mut parts = Vec::new();
    let mut any_intact = false;
    for sig in input.signatures.iter().take(4) {
        let signer = if sig.ed25519 {
            &setup.ed25519
        } else {
            &setup.hs256
        };
        let protected = if sig.with_alg {
            render_object_with(
                &[("alg", string(signer.algorithm().name()))],
                &sig.protected,
            )
        } else {
            render_object(&sig.protected)
        };
        let protected_b64 = b64::encode(protected.as_bytes());
        let signing_input = format!("{protected_b64}.{payload}");
        let Ok(mut signature) = signer.sign(signing_input.as_bytes()) else {
            return;
        };
        match sig.corrupt {
            Some(bit) if !signature.is_empty() => {
                let at = usize::from(bit / 8) % signature.len();
                if let Some(byte) = signature.get_mut(at) {
                    *byte ^= 1 << (bit % 8);
                }
            }
            Some(_) | None => any_intact = true,
        }
        let header = sig.unprotected.as_deref().map(render_object);
        parts.push((protected_b64, header, b64::encode(&signature)));
    }
    let Some(first) = parts.first() else {
        return;
    };
    let message = match input.form {
        Form::Compact => {
            any_intact = input
                .signatures
                .first()
                .is_some_and(|s| s.corrupt.is_none());
            format!("{}.{payload}.{}", first.0, first.2)
        }
        Form::Flattened => {
            any_intact = input
                .signatures
                .first()
                .is_some_and(|s| s.corrupt.is_none());
            signature_object(first, Some(&payload))
        }
        Form::General => {
            let sigs: Vec<String> = parts.iter().map(|p| signature_object(p, None)).collect();
            format!(
                r#"{{"payload":{},"signatures":[{}]}}"#,
                string(&payload),
                sigs.join(",")
            )
        }
    };
    for verification in [&setup.verification, &setup.all] {
        if let Ok(verified) = verification.verify(&message, &setup.store) {
            assert!(
                any_intact,
                "a message with only corrupted signatures verified"
            );
            assert!(!verified.signatures.is_empty());
        }
    }
});

/// One signature's JSON object; with `payload`, the flattened JWS.
fn signature_object(part: &(String, Option<String>, String), payload: Option<&str>) -> String {
    let (protected, header, signature) = part;
    let mut out = String::from("{");
    if let Some(p) = payload {
        out.push_str(&format!(r#""payload":{},"#, string(p)));
    }
    out.push_str(&format!(r#""protected":{},"#, string(protected)));
    if let Some(h) = header {
        out.push_str(&format!(r#""header":{h},"#));
    }
    out.push_str(&format!(r#""signature":{}}}"#, string(signature)));
    out
}
