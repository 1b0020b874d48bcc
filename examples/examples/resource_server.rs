//! Runs the resource server on loopback:
//! `cargo run -p jose-examples --example resource_server -- JWKS_URL ISSUER AUDIENCE [PORT]`.
//! Then `curl -H "Authorization: Bearer $TOKEN" http://127.0.0.1:PORT/me`.

#![allow(clippy::print_stdout)]

use jose_core::JwsAlgorithm;
use jose_examples::resource_server::{Auth, router};

#[tokio::main]
async fn main() -> Result<(), Box<dyn core::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [jwks_url, issuer, audience, rest @ ..] = args.as_slice() else {
        return Err("usage: resource_server JWKS_URL ISSUER AUDIENCE [PORT]".into());
    };
    let port: u16 = rest.first().map(|p| p.parse()).transpose()?.unwrap_or(0);
    let keys = jose_remote::RemoteJwkSet::builder(jwks_url.as_str(), jose_rustcrypto::PROVIDER)
        .on_refresh_error(|e| eprintln!("resource server: JWK Set refresh failed: {e}"))
        .build()?;
    let validation = jose_jwt::Validation::new(&[
        JwsAlgorithm::Rs256,
        JwsAlgorithm::Es256,
        JwsAlgorithm::EdDsa,
    ])?
    .issuer(issuer.as_str())
    .audience(audience.as_str());
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    println!("serving at: http://{}/me", listener.local_addr()?);
    axum::serve(listener, router(Auth::new(keys, validation))).await?;
    Ok(())
}
