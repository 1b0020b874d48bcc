//! The smallest build that signs and verifies a JWT: HS256 only.
//!
//! ```sh
//! cargo run -p jose --example hs256_only --no-default-features --features std,jwt,jws,hmac
//! ```
//!
//! `cargo xtask ci` runs it so, which shows that the build the README
//! advertises works end to end (RSA, the curves, AES and PBES2 are not
//! compiled at all).

use jose::core::JwsAlgorithm::Hs256;
use jose::jwk::Jwk;
use jose::jwt::Validation;
use jose::rustcrypto::PROVIDER;

#[derive(serde::Serialize, serde::Deserialize)]
struct Claims {
    sub: String,
    exp: u64,
    company: String,
}

fn main() -> Result<(), jose::Error> {
    let key = Jwk::oct(b"a shared secret of at least 32 bytes")?;
    let claims = Claims {
        sub: "alice".into(),
        exp: 4_102_444_800,
        company: "ACME".into(),
    };
    let token = jose::jwt::encode(&claims, &PROVIDER.signer(&key, Hs256)?)?;
    let jwt = jose::jwt::decode::<Claims>(
        &token,
        &Validation::new(&[Hs256])?,
        &PROVIDER.verifier(&key)?,
    )?;
    println!("{} of {}: {token}", jwt.claims.sub, jwt.claims.company);
    // The families this build leaves out answer Unsupported.
    let es256 = jose::core::JwsAlgorithm::Es256;
    match PROVIDER.generate(es256) {
        Err(jose::Error::Unsupported(_)) => Ok(()),
        other => Err(jose::Error::ApiMisuse(if other.is_ok() {
            "ES256 should not be in an HS256-only build"
        } else {
            "ES256 failed with another error than Unsupported"
        })),
    }
}
