//! Runs the signing service on loopback with a fresh ES256 key, prints its
//! public JWK and URL, then serves until stopped:
//! `cargo run -p jose-examples --example signing_service [PORT]`.
//!
//! Sign through it from another terminal:
//! `curl -s --data-binary 'eyJhbGciOiJFUzI1NiJ9.aGk' http://127.0.0.1:PORT/sign`.

#![allow(clippy::print_stdout)]

use jose_core::JwsAlgorithm;

#[tokio::main]
async fn main() -> Result<(), Box<dyn core::error::Error>> {
    let port: u16 = std::env::args()
        .nth(1)
        .map(|p| p.parse())
        .transpose()?
        .unwrap_or(0);
    let jwk = jose_rustcrypto::PROVIDER
        .generate(JwsAlgorithm::Es256)?
        .with_kid("service-es256");
    let app = jose_examples::signing_service::router(&jwk, JwsAlgorithm::Es256)?;
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    let public = jwk.to_public().ok_or("no public half")?;
    println!("public key: {}", *public.to_json());
    println!("signing at: http://{}/sign", listener.local_addr()?);
    axum::serve(listener, app).await?;
    Ok(())
}
