//! The provider from outside its crates: one piece replaced with
//! struct-update syntax (`Provider { random: &Mine, ..PROVIDER }`) is used
//! everywhere the backend needs it, and a failing piece fails the operation
//! with its error, never a panic.

use core::sync::atomic::{AtomicUsize, Ordering};

use jose_core::{
    BackendError, ContentEncryptionAlgorithm as Enc, Curve, Error, HashAlgorithm, Hasher,
    JwsAlgorithm, KeyManagementAlgorithm as Alg, KeyShape, SecureRandom,
};
use jose_jwe::{Decryption, JweBuilder};
use jose_jwk::{Jwk, KeySpec, Provider};
use jose_jws::{JwsBuilder, Verification};
use jose_rustcrypto::PROVIDER;

/// The OS random source, counting the bytes it gives.
#[derive(Debug)]
struct Counting(AtomicUsize);

impl Counting {
    fn taken(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

impl SecureRandom for Counting {
    fn fill(&self, dest: &mut [u8]) -> Result<(), Error> {
        self.0.fetch_add(dest.len(), Ordering::SeqCst);
        PROVIDER.random.fill(dest)
    }
}

/// A random source that always fails, as an unplugged device would.
#[derive(Debug)]
struct Broken;

impl SecureRandom for Broken {
    fn fill(&self, _: &mut [u8]) -> Result<(), Error> {
        Err(Error::Backend(BackendError::new(
            "test random",
            "unplugged",
        )))
    }
}

/// Runs `op` and returns how many random bytes it took from `counter`.
fn bytes_taken<T>(counter: &Counting, op: impl FnOnce() -> T) -> (usize, T) {
    let before = counter.taken();
    let out = op();
    (counter.taken() - before, out)
}

#[test]
fn every_random_byte_comes_from_the_provider() {
    static RANDOM: Counting = Counting(AtomicUsize::new(0));
    let provider = Provider {
        random: &RANDOM,
        ..PROVIDER
    };

    // Key generation, of every kind.
    for spec in [
        KeySpec::from(JwsAlgorithm::Ps256),
        KeySpec::from(JwsAlgorithm::Es384),
        KeySpec::from(JwsAlgorithm::Ed25519),
        KeySpec::from(Alg::EcdhEs).curve(Curve::X25519),
        KeySpec::from(KeyShape::Oct { len: 32 }),
    ] {
        let (taken, key) = bytes_taken(&RANDOM, || provider.generate(spec).unwrap());
        assert!(taken > 0, "{spec:?} took no random bytes");
        assert_eq!(key.shape(), spec.shape().unwrap());
    }

    // PS256 salts and RSA blinding; RSA-OAEP padding; ECDH-ES ephemeral
    // keys; the CEK and the IV of every JWE.
    let rsa = provider.generate(KeyShape::Rsa { bits: 2048 }).unwrap();
    let (taken, token) = bytes_taken(&RANDOM, || {
        JwsBuilder::new(b"x")
            .compact(&provider.signer(&rsa, JwsAlgorithm::Ps256).unwrap())
            .unwrap()
    });
    assert!(taken >= 32, "PS256 took {taken} random bytes");
    Verification::new(&[JwsAlgorithm::Ps256])
        .unwrap()
        .verify(&token, &provider.verifier(&rsa).unwrap())
        .unwrap();

    let rsa_enc = rsa.to_public().unwrap();
    let x25519 = provider
        .generate(KeySpec::from(Alg::EcdhEsA128Kw).curve(Curve::X25519))
        .unwrap();
    let p256 = provider.generate(KeySpec::from(Alg::EcdhEs)).unwrap();
    let shared = provider.generate(Alg::A256GcmKw).unwrap();
    for (key, alg) in [
        (&rsa_enc, Alg::RsaOaep256),
        (&x25519, Alg::EcdhEsA128Kw),
        (&p256, Alg::EcdhEs),
        (&shared, Alg::A256GcmKw),
    ] {
        let encryptor = provider.encryptor(key, alg).unwrap();
        let (taken, jwe) = bytes_taken(&RANDOM, || {
            JweBuilder::new(b"secret", Enc::A128Gcm)
                .compact(&provider, &encryptor)
                .unwrap()
        });
        // At least the IV (12 bytes), plus the CEK or the ephemeral key.
        assert!(taken >= 12 + 16, "{alg} took {taken} random bytes");
        let private = if alg == Alg::RsaOaep256 { &rsa } else { key };
        let opened = Decryption::new(&[alg], &[Enc::A128Gcm])
            .unwrap()
            .decrypt(&provider, &jwe, &provider.decryptor(private).unwrap())
            .unwrap();
        assert_eq!(&*opened.plaintext, b"secret");
    }
}

#[test]
fn a_failing_random_source_fails_the_operation() {
    let broken = Provider {
        random: &Broken,
        ..PROVIDER
    };
    let backend = |r: Result<String, Error>| matches!(r, Err(Error::Backend(_)));
    assert!(matches!(
        broken.generate(JwsAlgorithm::Es256),
        Err(Error::Backend(_))
    ));
    // Keys made elsewhere: signing that needs randomness fails, signing
    // that does not (RFC 6979 ECDSA, Ed25519) works.
    let rsa = PROVIDER.generate(KeyShape::Rsa { bits: 2048 }).unwrap();
    let ec = PROVIDER.generate(JwsAlgorithm::Es256).unwrap();
    let sign = |jwk: &Jwk, alg| JwsBuilder::new(b"x").compact(&broken.signer(jwk, alg).unwrap());
    assert!(backend(sign(&rsa, JwsAlgorithm::Ps256)));
    assert!(backend(sign(&rsa, JwsAlgorithm::Rs256)), "RSA blinding");
    assert!(sign(&ec, JwsAlgorithm::Es256).is_ok());
    // Every JWE needs a CEK or an IV.
    let shared = PROVIDER
        .generate(KeySpec::from(Alg::Dir).enc(Enc::A128Gcm))
        .unwrap();
    assert!(backend(JweBuilder::new(b"secret", Enc::A128Gcm).compact(
        &broken,
        &broken.encryptor(&shared, Alg::Dir).unwrap()
    )));
}

#[test]
fn the_hasher_is_the_providers_too() {
    /// SHA-256 that answers a fixed value, to see it used.
    #[derive(Debug)]
    struct Fixed;

    impl Hasher for Fixed {
        fn hash(&self, alg: HashAlgorithm, _: &[u8]) -> Result<Vec<u8>, Error> {
            Ok(vec![7; alg.output_len()])
        }
    }

    let provider = Provider {
        hasher: &Fixed,
        ..PROVIDER
    };
    let key = PROVIDER.generate(JwsAlgorithm::Es256).unwrap();
    assert_eq!(
        key.thumbprint(&provider, HashAlgorithm::Sha256).unwrap(),
        vec![7; 32]
    );
    assert_ne!(
        key.thumbprint(&PROVIDER, HashAlgorithm::Sha256).unwrap(),
        vec![7; 32]
    );
}
