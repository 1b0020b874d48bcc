//! jose-pkcs11 recovers from faults of the token's sessions, against the
//! SoftHSM2 token of `cargo xtask ci`. A binary of its own: the faults are
//! made process-wide (a logout, a reset of the module), and would break
//! the tests of `pkcs11.rs` running beside them.
//!
//! The attack or fault: a token that lost its login (another component
//! logged out, the token was reset) or whose sessions died (the module
//! finalized and reinitialized, the device removed) would otherwise fail
//! every later operation on the pooled sessions, or, worse, report a
//! decryption failure as if the message were bad, until the process
//! restarts.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::error::{Error as CkError, RvError};
use jose_core::{ContentEncryptionAlgorithm as Enc, JwsAlgorithm, KeyManagementAlgorithm as Alg};
use jose_jwe::{Decryption, JweBuilder};
use jose_jws::{JwsBuilder, Verification};
use jose_pkcs11::{Pin, Token, TokenKey, TokenOptions, TokenSelector};
use jose_rustcrypto::PROVIDER;
use jose_tests::softhsm;

/// Signs with `key` and checks the signature with its public JWK; opens
/// an ECDH-ES JWE made for it (a derived secret object on the token).
fn works(key: &TokenKey) {
    works_with(key, JwsAlgorithm::Es256);
}

/// As [`works`], signing with `alg`.
fn works_with(key: &TokenKey, alg: JwsAlgorithm) {
    let signer = key.signer(alg).unwrap();
    let jws = JwsBuilder::new(b"still here")
        .compact(signer.as_ref())
        .unwrap();
    let public = key.public_jwk().unwrap();
    let verifier = PROVIDER.key_set(&core::iter::once(public.clone()).collect());
    Verification::new(&[alg])
        .unwrap()
        .verify(&jws, &verifier)
        .unwrap_or_else(|e| panic!("{} signed by another key? {e}", key.label()));
    let encryptor = PROVIDER.encryptor(public, Alg::EcdhEs).unwrap();
    let jwe = JweBuilder::new(b"for the token", Enc::A128Gcm)
        .compact(&PROVIDER, encryptor.as_ref())
        .unwrap();
    let opened = Decryption::new(&[Alg::EcdhEs], &[Enc::A128Gcm])
        .unwrap()
        .decrypt(&PROVIDER, &jwe, &key.decrypting_key().unwrap())
        .unwrap();
    assert_eq!(&*opened.plaintext, b"for the token");
}

/// The same module through a context of the test's own (the process
/// already initialized it).
fn own_context(module: &std::path::Path) -> Pkcs11 {
    let ctx = Pkcs11::new(module).unwrap();
    match ctx.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK)) {
        Ok(()) | Err(CkError::Pkcs11(RvError::CryptokiAlreadyInitialized, _)) => {}
        Err(e) => panic!("initialize: {e}"),
    }
    ctx
}

/// Whether a session of `ctx` sees none of the token's private keys (so
/// the application is not logged in).
fn private_keys_hidden(ctx: &Pkcs11, slot: cryptoki::slot::Slot) -> bool {
    use cryptoki::object::{Attribute, ObjectClass};
    let session = ctx.open_ro_session(slot).unwrap();
    session
        .find_objects(&[Attribute::Class(ObjectClass::PRIVATE_KEY)])
        .unwrap()
        .is_empty()
}

/// A token that loses its login, then all its sessions, keeps working:
/// the pooled sessions that broke leave the pool, the login is restored
/// with the PIN, and the operation runs again on a fresh session.
#[test]
fn broken_sessions_leave_the_pool_and_the_login_is_restored() {
    let Some(env) = softhsm() else {
        return;
    };
    let token = Token::open(
        &env.module,
        &TokenSelector::Label(env.label.clone()),
        &Pin::Value(env.pin.clone().into()),
        &TokenOptions::new(PROVIDER),
    )
    .unwrap();
    let key = token.key("ec-p256").unwrap();
    let p384 = token.key("ec-p384").unwrap();
    works(&key);
    works_with(&p384, JwsAlgorithm::Es384);

    // Not logged in: another part of the process logs out of the token
    // (a login is per application, so every session of ours loses it).
    let ctx = own_context(&env.module);
    let slot = ctx
        .get_slots_with_token()
        .unwrap()
        .into_iter()
        .find(|s| {
            ctx.get_token_info(*s)
                .is_ok_and(|i| i.label().trim_end() == env.label)
        })
        .unwrap();
    ctx.open_ro_session(slot).unwrap().logout().unwrap();
    assert!(private_keys_hidden(&ctx, slot), "the logout took effect");
    works(&key);

    // Session handles invalid: the module is finalized and initialized
    // again, which closes every session of the process.
    ctx.finalize().unwrap();
    let again = own_context(&env.module);
    let slot = again.get_slots_with_token().unwrap()[0];
    assert!(
        private_keys_hidden(&again, slot),
        "the reset took the login"
    );
    works(&key);
    // Twice in a row, from the pool the recovery refilled; the other key
    // too. (SoftHSM2 gives no old handle number to another object after a
    // reset, even when objects are found in another order: the generation
    // check that guards against that on other tokens is not shown here.)
    works(&key);
    works_with(&p384, JwsAlgorithm::Es384);

    // A stale PIN: the token loses its login and the PIN file no longer
    // holds the PIN. The automatic login fails once, and is not tried
    // again (each try could count towards locking the token).
    let dir = std::env::temp_dir().join(format!("jose-pin-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let pin_file = dir.join("pin");
    std::fs::write(&pin_file, &env.pin).unwrap();
    let by_file = Token::open(
        &env.module,
        &TokenSelector::Label(env.label.clone()),
        &Pin::File(pin_file.clone()),
        &TokenOptions::new(PROVIDER),
    )
    .unwrap();
    let key = by_file.key("ec-p256").unwrap();
    works(&key);
    std::fs::write(&pin_file, "not the pin").unwrap();
    again.open_ro_session(slot).unwrap().logout().unwrap();
    let signer = key.signer(JwsAlgorithm::Es256).unwrap();
    let first = JwsBuilder::new(b"x").compact(signer.as_ref()).unwrap_err();
    assert!(first.to_string().contains("PIN is incorrect"), "{first}");
    let second = JwsBuilder::new(b"x").compact(signer.as_ref()).unwrap_err();
    assert!(second.to_string().contains("refused before"), "{second}");
    std::fs::remove_dir_all(&dir).unwrap();
    drop(again);
}
