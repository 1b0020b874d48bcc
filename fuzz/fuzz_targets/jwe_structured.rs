//! JWE decryption of structured general-JSON messages: up to 20 recipients
//! (over the limit of 16 too), each with fuzzed per-recipient headers and
//! encrypted keys, fuzzed protected and shared headers, valid base64url
//! everywhere; against a store of an A128KW key, a `dir` key, an X25519 key
//! and a password with a low `p2c` limit. And compressed content: fuzzed
//! bytes encrypted for real under the `dir` key with `"zip":"DEF"`, so that
//! the inflater sees arbitrary DEFLATE data behind a valid tag.
//!
//! Oracle: the work budget holds (the counted key operations never exceed
//! what the limits allow) and real `zip` content opens to what DEFLATE
//! gives, or to a typed error.

#![no_main]

use std::sync::OnceLock;

use arbitrary::Arbitrary;
use jose_core::{ContentEncryptionAlgorithm, KeyManagementAlgorithm, b64};
use jose_fuzz::{Name, Value, keys, render_object, render_object_with, string};
use jose_jwe::{Decryption, Limits};
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
        for key in [keys::A128KW, keys::DIR, keys::X25519, keys::PASSWORD] {
            set.push(Jwk::from_json(key.as_bytes()).expect("fixed key"));
        }
        let store = JwkSetStore::new(&set, &PROVIDER);
        assert!(store.skipped().is_empty(), "{:?}", store.skipped());
        let limits = Limits::default()
            .max_p2c(2_000)
            .max_kdf_iterations(4_000)
            .max_plaintext(1 << 16);
        Setup {
            decryption: Decryption::new(
                KeyManagementAlgorithm::ALL,
                ContentEncryptionAlgorithm::ALL,
            )
            .expect("allow-lists")
            .limits(limits),
            store,
        }
    })
}

#[derive(Arbitrary, Debug)]
struct Recipient {
    header: Option<Vec<(Name, Value)>>,
    encrypted_key: Vec<u8>,
}

#[derive(Arbitrary, Debug)]
enum Input {
    /// A general-JSON JWE put together from fuzzed parts.
    General {
        protected: Vec<(Name, Value)>,
        shared: Option<Vec<(Name, Value)>>,
        recipients: Vec<Recipient>,
        iv: Vec<u8>,
        ciphertext: Vec<u8>,
        tag: Vec<u8>,
        aad: Option<Vec<u8>>,
    },
    /// Fuzzed "compressed" bytes, encrypted for real with `dir`.
    Zip {
        gcm: bool,
        extra: Vec<(Name, Value)>,
        deflated: Vec<u8>,
    },
}

fuzz_target!(|input: Input| {
    let setup = setup();
    let message = match input {
        Input::General {
            protected,
            shared,
            recipients,
            iv,
            ciphertext,
            tag,
            aad,
        } => {
            let recipients: Vec<String> = recipients
                .iter()
                .take(20)
                .map(|r| {
                    let mut out = String::from("{");
                    if let Some(h) = &r.header {
                        out.push_str(&format!(r#""header":{},"#, render_object(h)));
                    }
                    out.push_str(&format!(
                        r#""encrypted_key":{}}}"#,
                        string(&b64::encode(&r.encrypted_key))
                    ));
                    out
                })
                .collect();
            let mut out = format!(
                r#"{{"protected":{},"#,
                string(&b64::encode(render_object(&protected).as_bytes()))
            );
            if let Some(s) = &shared {
                out.push_str(&format!(r#""unprotected":{},"#, render_object(s)));
            }
            if let Some(a) = &aad {
                out.push_str(&format!(r#""aad":{},"#, string(&b64::encode(a))));
            }
            out.push_str(&format!(
                r#""recipients":[{}],"iv":{},"ciphertext":{},"tag":{}}}"#,
                recipients.join(","),
                string(&b64::encode(&iv)),
                string(&b64::encode(&ciphertext)),
                string(&b64::encode(&tag)),
            ));
            out
        }
        Input::Zip {
            gcm,
            extra,
            deflated,
        } => {
            let enc = if gcm {
                ContentEncryptionAlgorithm::A256Gcm
            } else {
                ContentEncryptionAlgorithm::A128CbcHs256
            };
            let header = render_object_with(
                &[
                    ("alg", string("dir")),
                    ("enc", string(enc.name())),
                    ("zip", string("DEF")),
                ],
                &extra,
            );
            let protected = b64::encode(header.as_bytes());
            let Ok(cipher) = PROVIDER.content_cipher(enc) else {
                return;
            };
            let iv = vec![7u8; enc.iv_len()];
            let Ok(sealed) = cipher.encrypt(&keys::DIR_BYTES, &iv, protected.as_bytes(), &deflated)
            else {
                return;
            };
            let opened = setup.decryption.decrypt(
                &PROVIDER,
                &format!(
                    "{protected}..{}.{}.{}",
                    b64::encode(&iv),
                    b64::encode(&sealed.ciphertext),
                    b64::encode(&sealed.tag)
                ),
                &setup.store,
            );
            // The inflater agrees with miniz_oxide's own, within the limit.
            let reference = miniz_oxide::inflate::decompress_to_vec_with_limit(&deflated, 1 << 16);
            if let (Ok(opened), Ok(reference)) = (&opened, &reference) {
                assert_eq!(&*opened.plaintext, reference.as_slice());
            }
            if opened.is_ok() != reference.is_ok() {
                // A header member may refuse the message before inflating.
                assert!(opened.is_err(), "opened what miniz_oxide refuses");
            }
            return;
        }
    };
    let _ = setup.decryption.decrypt(&PROVIDER, &message, &setup.store);
});
