//! The asynchronous entry points: JWS and JWT signed through an
//! [`AsyncSigner`] that answers from another thread (as a KMS answers over
//! the network), verified here and by the npm `jose` package; verification
//! through an [`AsyncKeyStore`] that must wait for its keys; a JWE opened
//! by a key decryptor that answers later; cancellation.
//!
//! No runtime: a small `block_on` (park the thread until woken) drives the
//! futures, so the tests show the traits need none.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use core::future::Future;
use core::pin::{Pin, pin};
use core::sync::atomic::{AtomicUsize, Ordering};
use core::task::{Context, Poll, Waker};
use std::sync::{Arc, Mutex};
use std::task::Wake;
use std::thread;

use jose_core::asynchronous::{AsyncKeyDecryptor, AsyncKeyStore, AsyncSigner, BoxFuture};
use jose_core::{
    Candidate, ContentEncryptionAlgorithm, DecryptingKey, EncryptingKey, Error, Header,
    JwsAlgorithm, KeyManagementAlgorithm, KeyShape, KeyStore, Policy, Signer, Verifier,
};
use jose_jwk::Jwk;
use jose_jws::{JwsBuilder, Verification};
use jose_tests::peer;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use zeroize::Zeroizing;

const PROVIDER: jose_jwk::Provider = jose_rustcrypto::PROVIDER;

/// Wakes a parked thread.
struct Unpark(thread::Thread);

impl Wake for Unpark {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }
}

/// Runs a future to completion on this thread.
fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let waker = Waker::from(Arc::new(Unpark(thread::current())));
    let mut cx = Context::from_waker(&waker);
    loop {
        if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
            return out;
        }
        thread::park();
    }
}

/// A signer whose key lives elsewhere: each signature is made on another
/// thread (the "service"), and the future waits for its answer.
#[derive(Debug)]
struct RemoteSigner {
    key: Arc<dyn Signer>,
    /// Signatures the service made, answered or not.
    made: Arc<AtomicUsize>,
    /// The service signs only while it can take this lock: a test holds it
    /// to keep a request in flight.
    gate: Arc<Mutex<()>>,
}

impl RemoteSigner {
    fn new(jwk: &Jwk, alg: JwsAlgorithm) -> Self {
        Self {
            key: Arc::from(PROVIDER.signer(jwk, alg).unwrap()),
            made: Arc::new(AtomicUsize::new(0)),
            gate: Arc::new(Mutex::new(())),
        }
    }
}

/// The answer slot shared by a request and the service thread.
#[derive(Default)]
struct Slot {
    answer: Option<Result<Vec<u8>, Error>>,
    waker: Option<Waker>,
}

/// One request to the service: sent on the first poll, then waiting.
struct Request {
    key: Arc<dyn Signer>,
    made: Arc<AtomicUsize>,
    gate: Arc<Mutex<()>>,
    input: Vec<u8>,
    slot: Option<Arc<Mutex<Slot>>>,
}

impl Future for Request {
    type Output = Result<Vec<u8>, Error>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let slot = match &self.slot {
            Some(slot) => Arc::clone(slot),
            None => {
                let slot = Arc::new(Mutex::new(Slot::default()));
                let (key, made, gate, input) = (
                    Arc::clone(&self.key),
                    Arc::clone(&self.made),
                    Arc::clone(&self.gate),
                    self.input.clone(),
                );
                let answer_to = Arc::clone(&slot);
                thread::spawn(move || {
                    let open = gate.lock().unwrap();
                    let signature = Signer::sign(&*key, &input);
                    made.fetch_add(1, Ordering::SeqCst);
                    drop(open);
                    let mut slot = answer_to.lock().unwrap();
                    slot.answer = Some(signature);
                    if let Some(waker) = slot.waker.take() {
                        waker.wake();
                    }
                });
                self.slot = Some(Arc::clone(&slot));
                slot
            }
        };
        let mut slot = slot.lock().unwrap();
        match slot.answer.take() {
            Some(answer) => Poll::Ready(answer),
            None => {
                slot.waker = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}

impl AsyncSigner for RemoteSigner {
    fn algorithm(&self) -> JwsAlgorithm {
        Signer::algorithm(&*self.key)
    }

    fn key_id(&self) -> Option<&str> {
        Signer::key_id(&*self.key)
    }

    fn sign<'a>(&'a self, signing_input: &'a [u8]) -> BoxFuture<'a, Result<Vec<u8>, Error>> {
        Box::pin(Request {
            key: Arc::clone(&self.key),
            made: Arc::clone(&self.made),
            gate: Arc::clone(&self.gate),
            input: signing_input.to_vec(),
            slot: None,
        })
    }
}

/// A key store that has to wait for its keys: every look-up is answered
/// after one `Pending`, as a fetch would be.
#[derive(Debug)]
struct SlowStore {
    keys: jose_jwk::JwkSetStore,
    lookups: AtomicUsize,
}

/// Pending once, then ready with `value`.
struct Later<T>(Option<T>, bool);

impl<T: Unpin> Future for Later<T> {
    type Output = T;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        if !self.1 {
            self.1 = true;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        match self.0.take() {
            Some(v) => Poll::Ready(v),
            None => Poll::Pending,
        }
    }
}

impl AsyncKeyStore for SlowStore {
    fn verifiers<'a>(
        &'a self,
        alg: JwsAlgorithm,
        header: &'a Header,
    ) -> BoxFuture<'a, Result<Vec<Candidate<dyn Verifier>>, Error>> {
        self.lookups.fetch_add(1, Ordering::SeqCst);
        Box::pin(Later(
            Some(KeyStore::verifiers(&self.keys, alg, header)),
            false,
        ))
    }

    fn key_decryptors<'a>(
        &'a self,
        _: KeyManagementAlgorithm,
        _: &'a Header,
    ) -> BoxFuture<'a, Result<Vec<Candidate<dyn AsyncKeyDecryptor>>, Error>> {
        Box::pin(Later(Some(Ok(Vec::new())), false))
    }
}

fn slow_store(jwks: &[&Jwk]) -> SlowStore {
    let set = jose_jwk::JwkSet::from_json(
        json!({"keys": jwks.iter().map(|k| public_json(k)).collect::<Vec<_>>()})
            .to_string()
            .as_bytes(),
    )
    .unwrap();
    SlowStore {
        keys: jose_jwk::JwkSetStore::new(&set, &PROVIDER),
        lookups: AtomicUsize::new(0),
    }
}

fn public_json(jwk: &Jwk) -> Value {
    let public = jwk.to_public().unwrap_or_else(|| jwk.clone());
    serde_json::from_str(&public.to_json()).unwrap()
}

/// The algorithms signed remotely here (RSA keys are slow to make: one).
const ALGS: &[JwsAlgorithm] = &[
    JwsAlgorithm::Hs256,
    JwsAlgorithm::Rs256,
    JwsAlgorithm::Ps256,
    JwsAlgorithm::Es256,
    JwsAlgorithm::Es384,
    JwsAlgorithm::EdDsa,
];

fn key_for(alg: JwsAlgorithm) -> Jwk {
    match alg {
        JwsAlgorithm::Rs256 | JwsAlgorithm::Ps256 => {
            PROVIDER.generate(KeyShape::Rsa { bits: 2048 }).unwrap()
        }
        other => PROVIDER.generate(other).unwrap(),
    }
    .with_kid(format!("remote-{}", alg.name()))
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Access {
    iss: String,
    aud: String,
    exp: u64,
    sub: String,
    scope: String,
}

fn access() -> Access {
    Access {
        iss: "https://issuer.example".into(),
        aud: "api".into(),
        exp: 4_102_444_800,
        sub: "alice".into(),
        scope: "read".into(),
    }
}

fn validation(alg: JwsAlgorithm) -> jose_jwt::Validation {
    jose_jwt::Validation::new(&[alg])
        .unwrap()
        .issuer("https://issuer.example")
        .audience("api")
}

#[test]
fn remotely_signed_jws_and_jwt_verify_here_and_with_npm_jose() {
    let mut requests = Vec::new();
    for &alg in ALGS {
        let jwk = key_for(alg);
        let remote = RemoteSigner::new(&jwk, alg);
        let verifier = PROVIDER.verifier(&jwk).unwrap();

        let jws =
            block_on(JwsBuilder::new(b"remote payload").compact_async(&remote, Header::new()))
                .unwrap();
        let verified = Verification::new(&[alg])
            .unwrap()
            .verify(&jws, &verifier)
            .unwrap();
        assert_eq!(verified.payload, b"remote payload");
        assert_eq!(verified.protected.kid, jwk.kid().map(String::from));

        let jwt = block_on(jose_jwt::encode_async(&access(), &remote)).unwrap();
        let decoded = jose_jwt::decode::<Access>(&jwt, &validation(alg), &verifier).unwrap();
        assert_eq!(decoded.claims, access());
        assert_eq!(decoded.header.typ.as_deref(), Some("JWT"));
        assert_eq!(remote.made.load(Ordering::SeqCst), 2, "{alg}");

        for (what, token) in [("jws", &jws), ("jwt", &jwt)] {
            requests.push(json!({
                "op": "verify", "format": "compact", "algs": [alg.name()],
                "jwk": public_json(&jwk), "token": token,
                "label": format!("{alg} {what}"),
            }));
        }
    }
    let results = peer(&Value::Array(requests.clone()));
    assert_eq!(results.len(), requests.len());
    for (req, res) in requests.iter().zip(&results) {
        assert_eq!(
            res["ok"], true,
            "{}: peer said {}",
            req["label"], res["error"]
        );
    }
}

#[test]
fn asynchronous_and_synchronous_signing_agree() {
    // A synchronous signer through the async entry points gives the very
    // bytes of the synchronous ones (HMAC and EdDSA are deterministic).
    for alg in [JwsAlgorithm::Hs256, JwsAlgorithm::EdDsa] {
        let jwk = key_for(alg);
        let signer = PROVIDER.signer(&jwk, alg).unwrap();
        let builder = JwsBuilder::new(b"same");
        assert_eq!(
            block_on(builder.compact_async(&signer, Header::new().with_typ("x"))).unwrap(),
            builder
                .compact_with(
                    jose_jws::SignatureSpec::new(signer.as_ref())
                        .protected(Header::new().with_typ("x"))
                )
                .unwrap()
        );
        for detached in [false, true] {
            let b = if detached {
                builder.detached().unencoded()
            } else {
                builder.unencoded()
            };
            assert_eq!(
                block_on(b.compact_async(&signer, Header::new())).unwrap(),
                b.compact(signer.as_ref()).unwrap()
            );
        }
        assert_eq!(
            block_on(jose_jwt::encode_async(&access(), &signer)).unwrap(),
            jose_jwt::encode(&access(), signer.as_ref()).unwrap()
        );
    }
}

#[test]
fn a_dropped_signing_future_leaves_the_signer_usable() {
    let jwk = key_for(JwsAlgorithm::Es256);
    let remote = RemoteSigner::new(&jwk, JwsAlgorithm::Es256);
    let verifier = PROVIDER.verifier(&jwk).unwrap();
    {
        // Polled once (the request is out, held at the service), then
        // dropped: cancelled.
        let closed = remote.gate.lock().unwrap();
        let claims = access();
        let mut future = pin!(jose_jwt::encode_async(&claims, &remote));
        let mut cx = Context::from_waker(Waker::noop());
        assert!(future.as_mut().poll(&mut cx).is_pending());
        drop(closed);
    }
    // The abandoned request may still finish on the service: harmless.
    let jwt = block_on(jose_jwt::encode_async(&access(), &remote)).unwrap();
    let decoded =
        jose_jwt::decode::<Access>(&jwt, &validation(JwsAlgorithm::Es256), &verifier).unwrap();
    assert_eq!(decoded.claims.sub, "alice");
    assert!(remote.made.load(Ordering::SeqCst) >= 1);
}

#[test]
fn verification_waits_for_an_asynchronous_store() {
    let a = key_for(JwsAlgorithm::Es256);
    let b = key_for(JwsAlgorithm::EdDsa);
    let store = slow_store(&[&a, &b]);
    for (jwk, alg) in [(&a, JwsAlgorithm::Es256), (&b, JwsAlgorithm::EdDsa)] {
        let signer = PROVIDER.signer(jwk, alg).unwrap();
        let jwt = jose_jwt::encode(&access(), signer.as_ref()).unwrap();
        let validation = jose_jwt::Validation::new(&[JwsAlgorithm::Es256, JwsAlgorithm::EdDsa])
            .unwrap()
            .issuer("https://issuer.example")
            .audience("api");
        let decoded =
            block_on(jose_jwt::decode_async::<Access>(&jwt, &validation, &store)).unwrap();
        assert_eq!(decoded.claims, access());
        assert_eq!(decoded.key.kid.as_deref(), jwk.kid());
    }
    assert_eq!(store.lookups.load(Ordering::SeqCst), 2);

    // A key the store does not have: no key, as the synchronous path says.
    let stranger = key_for(JwsAlgorithm::Es256).with_kid("stranger");
    let signer = PROVIDER.signer(&stranger, JwsAlgorithm::Es256).unwrap();
    let jws = JwsBuilder::new(b"x").compact(signer.as_ref()).unwrap();
    let verification = Verification::new(&[JwsAlgorithm::Es256]).unwrap();
    assert_eq!(
        block_on(verification.verify_async(&jws, &store)),
        Err(Error::Policy(Policy::NoMatchingKey))
    );
}

#[test]
fn asynchronous_verification_gives_the_errors_of_the_synchronous_one() {
    let jwk = key_for(JwsAlgorithm::Es256);
    let signer = PROVIDER.signer(&jwk, JwsAlgorithm::Es256).unwrap();
    let good = JwsBuilder::new(b"payload")
        .compact(signer.as_ref())
        .unwrap();
    let flattened = JwsBuilder::new(b"payload")
        .flattened(
            jose_jws::SignatureSpec::new(signer.as_ref()).unprotected(Header::new().with_cty("x")),
        )
        .unwrap();
    let store = PROVIDER.verifier(&jwk).unwrap();
    let (head, rest) = good.split_once('.').unwrap();
    let mut bad_sig = good.clone();
    bad_sig.pop();
    bad_sig.push(if good.ends_with('A') { 'B' } else { 'A' });
    let cases = [
        good.clone(),
        flattened,
        bad_sig,
        format!("{}.{rest}", jose_core::b64::encode(br#"{"alg":"none"}"#)),
        format!("{}.{rest}", jose_core::b64::encode(br#"{"alg":"HS256"}"#)),
        format!(
            "{}.{rest}",
            jose_core::b64::encode(br#"{"alg":"ES256","alg":"ES256"}"#)
        ),
        format!(
            "{}.{rest}",
            jose_core::b64::encode(br#"{"alg":"ES256","crit":["x"],"x":1}"#)
        ),
        format!("{head}.!!.sig"),
        format!("{head}.{rest}.extra"),
        "{not json".into(),
    ];
    for allowed in [
        &[JwsAlgorithm::Es256][..],
        &[JwsAlgorithm::Es256, JwsAlgorithm::Hs256],
    ] {
        let verification = Verification::new(allowed).unwrap();
        for token in &cases {
            assert_eq!(
                block_on(verification.verify_async(token, &store)),
                verification.verify(token, &store),
                "{token}"
            );
        }
    }
}

/// A key decryptor in a "KMS": each unwrap is made on another thread.
#[derive(Debug)]
struct RemoteDecryptor {
    key: Arc<dyn jose_core::KeyDecryptor>,
    unwraps: Arc<AtomicUsize>,
}

/// One unwrap request: sent on the first poll, then waiting.
struct Unwrap {
    key: Arc<dyn jose_core::KeyDecryptor>,
    unwraps: Arc<AtomicUsize>,
    header: Header,
    enc: ContentEncryptionAlgorithm,
    encrypted_key: Vec<u8>,
    answer: Option<std::sync::mpsc::Receiver<Result<Zeroizing<Vec<u8>>, Error>>>,
}

impl Future for Unwrap {
    type Output = Result<Zeroizing<Vec<u8>>, Error>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        if self.answer.is_none() {
            let (send, receive) = std::sync::mpsc::channel();
            let (key, unwraps, header, enc, ek) = (
                Arc::clone(&self.key),
                Arc::clone(&self.unwraps),
                self.header.clone(),
                self.enc,
                self.encrypted_key.clone(),
            );
            let waker = cx.waker().clone();
            thread::spawn(move || {
                unwraps.fetch_add(1, Ordering::SeqCst);
                let _ = send.send(jose_core::KeyDecryptor::decrypt_key(
                    &*key, &header, enc, &ek,
                ));
                waker.wake();
            });
            self.answer = Some(receive);
        }
        match self
            .answer
            .as_ref()
            .map(std::sync::mpsc::Receiver::try_recv)
        {
            Some(Ok(answer)) => Poll::Ready(answer),
            // The service wakes the task when it has sent the answer.
            _ => Poll::Pending,
        }
    }
}

impl AsyncKeyDecryptor for RemoteDecryptor {
    fn algorithm(&self) -> KeyManagementAlgorithm {
        jose_core::KeyDecryptor::algorithm(&*self.key)
    }

    fn key_id(&self) -> Option<&str> {
        jose_core::KeyDecryptor::key_id(&*self.key)
    }

    fn decrypt_key<'a>(
        &'a self,
        header: &'a Header,
        enc: ContentEncryptionAlgorithm,
        encrypted_key: &'a [u8],
    ) -> BoxFuture<'a, Result<Zeroizing<Vec<u8>>, Error>> {
        Box::pin(Unwrap {
            key: Arc::clone(&self.key),
            unwraps: Arc::clone(&self.unwraps),
            header: header.clone(),
            enc,
            encrypted_key: encrypted_key.to_vec(),
            answer: None,
        })
    }
}

/// A store of one key in the "KMS".
#[derive(Debug)]
struct KmsStore(Arc<RemoteDecryptor>);

impl AsyncKeyStore for KmsStore {
    fn verifiers<'a>(
        &'a self,
        _: JwsAlgorithm,
        _: &'a Header,
    ) -> BoxFuture<'a, Result<Vec<Candidate<dyn Verifier>>, Error>> {
        Box::pin(Later(Some(Ok(Vec::new())), false))
    }

    fn key_decryptors<'a>(
        &'a self,
        alg: KeyManagementAlgorithm,
        _: &'a Header,
    ) -> BoxFuture<'a, Result<Vec<Candidate<dyn AsyncKeyDecryptor>>, Error>> {
        let found = if AsyncKeyDecryptor::algorithm(&*self.0) == alg {
            let key: Arc<dyn AsyncKeyDecryptor> = Arc::clone(&self.0) as _;
            let identity = Arc::new(jose_core::KeyIdentity::new(
                AsyncKeyDecryptor::key_id(&*self.0).map(String::from),
                None,
                0,
            ));
            vec![Candidate::new(key, identity)]
        } else {
            Vec::new()
        };
        Box::pin(Later(Some(Ok(found)), false))
    }
}

#[test]
fn a_jwe_decrypts_with_a_key_decryptor_that_answers_later() {
    let alg = KeyManagementAlgorithm::RsaOaep256;
    let enc = ContentEncryptionAlgorithm::A256Gcm;
    let jwk = PROVIDER
        .generate(KeyShape::Rsa { bits: 2048 })
        .unwrap()
        .with_kid("kms-rsa");
    let local = PROVIDER.decryptor(&jwk).unwrap();
    let remote = Arc::new(RemoteDecryptor {
        key: local.key_decryptor(alg).unwrap(),
        unwraps: Arc::new(AtomicUsize::new(0)),
    });
    let store = KmsStore(Arc::clone(&remote));
    let encryptor = PROVIDER
        .encrypting_key(&jwk.to_public().unwrap())
        .unwrap()
        .key_encryptor(alg)
        .unwrap();
    let jwe = jose_jwe::JweBuilder::new(b"for the kms", enc)
        .compact(&PROVIDER, encryptor.as_ref())
        .unwrap();
    let decryption = jose_jwe::Decryption::new(&[alg], &[enc]).unwrap();

    let opened = block_on(decryption.decrypt_async(&PROVIDER, &jwe, &store)).unwrap();
    assert_eq!(&opened.plaintext[..], b"for the kms");
    assert_eq!(opened.key.kid.as_deref(), Some("kms-rsa"));
    assert_eq!(remote.unwraps.load(Ordering::SeqCst), 1);

    // The same JWE and its damaged forms: the answers of the synchronous
    // road with the local key, error for error.
    let mut cases = vec![jwe.clone()];
    let parts: Vec<&str> = jwe.split('.').collect();
    for i in 0..5 {
        let mut damaged: Vec<String> = parts.iter().map(|p| (*p).to_string()).collect();
        damaged[i] = match i {
            0 => jose_core::b64::encode(br#"{"alg":"RSA-OAEP-256","enc":"A128GCM"}"#),
            _ => jose_core::b64::encode(b"not what was there"),
        };
        cases.push(damaged.join("."));
    }
    cases.push("a.b.c".into());
    for token in &cases {
        let sync = decryption.decrypt(&PROVIDER, token, &local);
        let asynchronous = block_on(decryption.decrypt_async(&PROVIDER, token, &store));
        assert_eq!(
            asynchronous.map(|d| d.plaintext.to_vec()),
            sync.map(|d| d.plaintext.to_vec()),
            "{token}"
        );
    }
}

/// The futures of the asynchronous entry points can move to another
/// thread (a multi-threaded runtime's task).
#[test]
fn the_asynchronous_entry_points_are_send() {
    fn send<T: Send>(_: &T) {}
    let jwk = key_for(JwsAlgorithm::Hs256);
    let signer = PROVIDER.signer(&jwk, JwsAlgorithm::Hs256).unwrap();
    let verifier = PROVIDER.verifier(&jwk).unwrap();
    let claims = access();
    let builder = JwsBuilder::new(b"x");
    let verification = Verification::new(&[JwsAlgorithm::Hs256]).unwrap();
    let validation = validation(JwsAlgorithm::Hs256);
    let decryption = jose_jwe::Decryption::new(
        &[KeyManagementAlgorithm::Dir],
        &[ContentEncryptionAlgorithm::A256Gcm],
    )
    .unwrap();
    send(&builder.compact_async(&signer, Header::new()));
    send(&verification.verify_async("a.b.c", &verifier));
    send(&jose_jwt::encode_async(&claims, &signer));
    send(&jose_jwt::decode_async::<Access>(
        "a.b.c",
        &validation,
        &verifier,
    ));
    send(&decryption.decrypt_async(&PROVIDER, "a.b.c.d.e", &verifier));
}

#[test]
fn json_serializations_sign_through_remote_signers() {
    let es = key_for(JwsAlgorithm::Es256);
    let ed = key_for(JwsAlgorithm::EdDsa);
    let (es_remote, ed_remote) = (
        RemoteSigner::new(&es, JwsAlgorithm::Es256),
        RemoteSigner::new(&ed, JwsAlgorithm::EdDsa),
    );
    let builder = JwsBuilder::new(b"json payload");
    let flattened = block_on(builder.flattened_async(
        jose_jws::SignatureSpec::new_async(&es_remote).unprotected(Header::new().with_cty("x")),
    ))
    .unwrap();
    let general = block_on(builder.general_async(&[
        jose_jws::SignatureSpec::new_async(&es_remote),
        jose_jws::SignatureSpec::new_async(&ed_remote),
    ]))
    .unwrap();
    let store = slow_store(&[&es, &ed]);
    let verification = Verification::new(&[JwsAlgorithm::Es256, JwsAlgorithm::EdDsa])
        .unwrap()
        .require_all_signatures();
    for token in [&flattened, &general] {
        let verified = verification.verify(token, &store.keys).unwrap();
        assert_eq!(verified.payload, b"json payload");
    }
    assert_eq!(
        verification
            .verify(&general, &store.keys)
            .unwrap()
            .signatures
            .len(),
        2
    );
    let mut requests = Vec::new();
    for (format, token, jwk, alg) in [
        ("flattened", &flattened, &es, JwsAlgorithm::Es256),
        // The peer checks a general JWS with one key: its first signature's.
        ("general", &general, &es, JwsAlgorithm::Es256),
    ] {
        requests.push(json!({
            "op": "verify", "format": format, "algs": [alg.name()],
            "jwk": public_json(jwk), "token": token, "label": format,
        }));
    }
    for (req, res) in requests.iter().zip(peer(&Value::Array(requests.clone()))) {
        assert_eq!(
            res["ok"], true,
            "{}: peer said {}",
            req["label"], res["error"]
        );
    }

    // The synchronous methods take an asynchronous spec only when its
    // signer answers at once; one that has to wait is refused, not blocked on.
    let closed = es_remote.gate.lock().unwrap();
    assert!(matches!(
        builder.general(&[jose_jws::SignatureSpec::new_async(&es_remote)]),
        Err(Error::ApiMisuse(_))
    ));
    assert!(matches!(
        builder.compact_with(jose_jws::SignatureSpec::new_async(&es_remote)),
        Err(Error::ApiMisuse(_))
    ));
    drop(closed);
    let local = PROVIDER.signer(&ed, JwsAlgorithm::EdDsa).unwrap();
    assert_eq!(
        builder
            .general(&[jose_jws::SignatureSpec::new_async(&local)])
            .unwrap(),
        builder
            .general(&[jose_jws::SignatureSpec::new(local.as_ref())])
            .unwrap()
    );
}
