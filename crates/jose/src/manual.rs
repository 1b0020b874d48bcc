//! # The manual: why the defaults are what they are
//!
//! This module has no code. It explains the security defaults of the
//! toolkit (RFC 8725, "JSON Web Token Best Current Practices", and the
//! lessons of the libraries users leave) and how to plug in a backend of
//! your own, such as a hardware security module.
//!
//! ## The message never chooses the algorithm
//!
//! A verifier or a decryptor is built with an explicit allow-list
//! (`jose_jws::Verification::new`, `jose_jwe::Decryption::new`,
//! `jose_jwt::Validation::new`); there is no `Default` that accepts
//! everything. The header's `alg` must be in the list **and** fit the key:
//! a key store only offers keys whose type, curve, size, `alg`, `use` and
//! `key_ops` allow it. This is what stops the classic confusion attack,
//! where a token signed with HS256 using an RSA public key as the HMAC
//! secret is accepted by a library that let the header pick HMAC.
//!
//! `none` is not an algorithm here: the enums have no such variant, and the
//! string `"none"` parses to `Policy::NoneAlgorithm`.
//!
//! ## Parse strictly, once
//!
//! - JSON objects with the same member twice are refused at any depth, so
//!   that two parsers can never disagree on what was signed.
//! - base64url is canonical only: no padding, no whitespace, no stray
//!   bits; every byte string has exactly one accepted encoding.
//! - Signatures are checked over the bytes received, never over a
//!   re-serialization.
//! - `crit` must list only parameters the caller declared it understands,
//!   present in the protected header; `b64` (RFC 7797) must be protected and
//!   listed in `crit`; `zip` must be protected.
//! - `jku`, `x5u` and a header's `jwk` are never followed or trusted.
//!
//! ## Bounded work on hostile input
//!
//! Input size, header size, number of signatures or recipients, PBES2
//! iteration count (`p2c`) and the size of decompressed (`zip`) plaintext all
//! have limits (`jose_jws::Limits`, `jose_jwe::Limits`), checked before the
//! work they bound.
//!
//! ## Failures that say nothing secret
//!
//! Every error names the part and the check (`header "crit" names unknown
//! parameter "x"`, `jwt claim "exp" is in the past`), but cryptographic
//! failures carry no detail: a wrong key, a bad tag, bad RSA padding and a
//! bad CBC padding are all the same `DecryptionFailed`, decided after the
//! same work. RSA1_5 decryption continues with a random CEK on any failure
//! (RFC 7516 section 11.5) so that it is not a padding oracle; OAEP decoding
//! in software (for tokens without OAEP with SHA-2) runs in constant time.
//! MACs and tags are compared in constant time; secrets are decoded from
//! base64url in constant time and zeroized on drop; `Debug` never prints
//! them. JSON errors give a line and column, never the text (which could be
//! a private key).
//!
//! ## JWT claims
//!
//! Registered claims are type-checked before anything else: `"exp":
//! "1700000000"` is an error naming `exp`, not a skipped check. `exp` is
//! required by default and `nbf` always checked. A token with an `aud` is
//! refused unless the validation names one of its audiences (RFC 7519
//! section 4.1.3); `accept_any_audience` is the explicit opt-out.
//!
//! ## One provider value
//!
//! Everything cryptographic comes from a `jose_jwk::Provider`: a plain
//! struct of `&'static dyn` pieces (key building, hashing, AES key wrap,
//! randomness, content ciphers) that a backend exports as a constant. It is
//! passed by reference where it is needed, never installed globally. Its
//! methods bind a JWK to an algorithm in one call (`signer`, `verifier`,
//! `encryptor`, `decryptor`, `key_set`, `generate`); a signer is bound to
//! one `alg` and carries the key's `kid`, and which algorithm a token may
//! use is always the caller's allow-list. One piece can be replaced:
//! `Provider { random: &MyRng, ..jose_rustcrypto::PROVIDER }` takes every
//! random byte (key generation, RSA blinding and PSS salts, ECDH ephemeral
//! keys, CEKs and IVs) from `MyRng`, because the backend receives the
//! provider it was called through.
//!
//! ## Which key serves which algorithm
//!
//! One table says it: `jose_core::key`, where each algorithm family's
//! `requirement()` is an exhaustive `match` (RSA; a list of curves; a
//! symmetric key of an exact or minimum length; a CEK; a password). JWK
//! checks (`Jwk::check_fits`, `use`), key generation (`KeySpec`), the
//! backends' lists of algorithms per key and the CLI all read it.
//!
//! ## Writing a backend (an HSM, a cloud KMS)
//!
//! The format crates (`jose-jws`, `jose-jwe`, `jose-jwt`) name no
//! cryptographic crate: they call the traits of `jose_core::backend`.
//!
//! 1. For signing, implement `SigningKey` for your key handle: list the
//!    algorithms it can do in `algorithms()` (the table of
//!    `jose_core::key` says which fit its shape), and return from
//!    `signer(alg)` a `Signer` bound to that algorithm. The private key
//!    stays wherever it lives; `sign` receives the JWS signing input and
//!    returns the signature in JWS form (for ECDSA, fixed-length `R || S`).
//! 2. For JWE, implement `DecryptingKey` and `KeyDecryptor`: `decrypt_key`
//!    gets the joint header (for `epk`, `iv`/`tag`, `p2s`/`p2c`) and returns
//!    the CEK. Return `DecryptionFailed` for every cryptographic failure and
//!    `Backend` only for the device itself (PIN, session, unplugged token).
//!    What follows your primitive is written once in
//!    `jose_core::key_management`: after ECDH, `ecdh_es_decrypt` runs the
//!    Concat KDF and any key unwrap over a `Hasher` and a `KeyWrap`; for
//!    RSA1_5, `rsa1_5_random_cek` and `rsa1_5_cek` keep the decryption from
//!    being a padding oracle.
//! 3. What your device does not do (verification and encryption with public
//!    keys, hashing, key checks) comes from a software provider passed as a
//!    value, as `jose_pkcs11::TokenOptions::software` does: a hardware
//!    backend depends on no software backend.
//! 4. To find keys per message, implement `KeyStore`; several stores in a
//!    `Vec` are one store, searched in order.
//!
//! `jose-pkcs11` is a complete example: handles found once and cached, a
//! session pool for threads, ECDH on the token with the Concat KDF in
//! software, and every module error mapped to a typed error.
