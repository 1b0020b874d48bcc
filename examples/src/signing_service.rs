//! A signing service and its client signer.
//!
//! The service holds one private key and answers `POST /sign` (the body is
//! the JWS signing input) with `{"key_id": ..., "algorithm": ...,
//! "signature": BASE64}`. The signature is in the service's native form,
//! the way cloud KMSs give it: DER `ECDSA-Sig-Value` for ECDSA, the raw
//! bytes for RSA and EdDSA.
//!
//! [`ServiceSigner`] is the client. It is an [`AsyncSigner`], so
//! `JwsBuilder::compact_async` and `jose_jwt::encode_async` sign through
//! it, and it turns the answer into the JWS form (`R || S`, each
//! left-padded to the curve's size, RFC 7518 section 3.4).
//!
//! The same shape fits the real services. Only the request and the
//! answer's field differ:
//!
//! - AWS KMS `Sign` (`MessageType: RAW`, `SigningAlgorithm:
//!   ECDSA_SHA_256` or `RSASSA_PKCS1_V1_5_SHA_256`...): `Signature` is
//!   base64, DER for ECDSA. It is signed with SigV4, which is a few headers.
//! - Google Cloud KMS `asymmetricSign` takes a digest (SHA-256 of the
//!   signing input). Its `signature` is base64, DER for ECDSA.
//! - Vault Transit `sign/:name` with `marshaling_algorithm=jws` answers
//!   `vault:v1:` and the signature already in the JWS form (base64url).
//!   With the default `asn1`, it is DER.

use core::fmt;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use der::asn1::UintRef;
use der::{Decode as _, Encode as _};
use jose_core::asynchronous::{AsyncSigner, BoxFuture};
use jose_core::{BackendError, Error, JwsAlgorithm, Signer};
use jose_jwk::Jwk;
use serde::{Deserialize, Serialize};

/// The answer of `POST /sign`.
#[derive(Debug, Serialize, Deserialize)]
pub struct Signed {
    /// The key that signed.
    pub key_id: Option<String>,
    /// Its JWS algorithm name.
    pub algorithm: String,
    /// The signature, standard base64: DER for ECDSA, raw otherwise.
    pub signature: String,
}

/// The size of one ECDSA coordinate for `alg`, or `None` for a signature
/// that is not ECDSA.
fn ecdsa_coordinate(alg: JwsAlgorithm) -> Option<usize> {
    match alg {
        JwsAlgorithm::Es256 | JwsAlgorithm::Es256K => Some(32),
        JwsAlgorithm::Es384 => Some(48),
        JwsAlgorithm::Es512 => Some(66),
        _ => None,
    }
}

/// `R || S` as DER `ECDSA-Sig-Value` (RFC 3279 section 2.2.3): what a KMS
/// answers.
///
/// # Errors
///
/// [`Error::Backend`] when the input is not two halves.
pub fn fixed_to_der(fixed: &[u8]) -> Result<Vec<u8>, Error> {
    let (r, s) = fixed
        .split_at_checked(fixed.len() / 2)
        .ok_or_else(|| der_error("odd"))?;
    let seq = [r, s]
        .into_iter()
        .map(|half| UintRef::new(half).map_err(der_error))
        .collect::<Result<Vec<_>, _>>()?;
    seq.to_der().map_err(der_error)
}

/// DER `ECDSA-Sig-Value` as the JWS form `R || S`, each integer
/// left-padded to `coordinate` bytes (RFC 7518 section 3.4).
///
/// # Errors
///
/// [`Error::Backend`] for DER that is not two integers of at most
/// `coordinate` bytes.
pub fn der_to_fixed(der: &[u8], coordinate: usize) -> Result<Vec<u8>, Error> {
    let seq = Vec::<UintRef<'_>>::from_der(der).map_err(der_error)?;
    if seq.len() != 2 {
        return Err(der_error("not two integers"));
    }
    let mut out = vec![0u8; coordinate * 2];
    for (i, int) in seq.iter().enumerate() {
        let bytes = int.as_bytes();
        let end = (i + 1) * coordinate;
        let start = end
            .checked_sub(bytes.len())
            .filter(|start| *start >= i * coordinate)
            .ok_or_else(|| der_error("an integer is too long"))?;
        out.get_mut(start..end)
            .ok_or_else(|| der_error("an integer is too long"))?
            .copy_from_slice(bytes);
    }
    Ok(out)
}

fn der_error(e: impl fmt::Display) -> Error {
    Error::Backend(BackendError::new(
        "signing service",
        format!("bad ECDSA signature: {e}"),
    ))
}

/// The service's state: one signer.
#[derive(Clone)]
struct Service {
    signer: Arc<dyn Signer>,
}

/// The signing service for `jwk` and `alg`: `POST /sign`.
///
/// # Errors
///
/// The backend's, for a key that cannot sign with `alg`.
pub fn router(jwk: &Jwk, alg: JwsAlgorithm) -> Result<Router, Error> {
    let signer: Arc<dyn Signer> = Arc::from(jose_rustcrypto::PROVIDER.signer(jwk, alg)?);
    Ok(Router::new()
        .route("/sign", post(sign))
        .with_state(Service { signer }))
}

async fn sign(State(service): State<Service>, input: Bytes) -> Response {
    let signer = &service.signer;
    let alg = Signer::algorithm(&**signer);
    let signature = match Signer::sign(&**signer, &input) {
        Ok(fixed) => match ecdsa_coordinate(alg) {
            Some(_) => fixed_to_der(&fixed),
            None => Ok(fixed),
        },
        Err(e) => Err(e),
    };
    match signature {
        Ok(signature) => {
            let body = Signed {
                key_id: Signer::key_id(&**signer).map(String::from),
                algorithm: alg.name().to_string(),
                signature: jose_core::b64::encode_standard(&signature),
            };
            let json = serde_json::to_string(&body).unwrap_or_default();
            ([(header::CONTENT_TYPE, "application/json")], json).into_response()
        }
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// A signer whose key is in the signing service at `url`: an
/// [`AsyncSigner`] for `compact_async` and `encode_async`.
///
/// Each signature is one request. Dropping the future drops the request;
/// the signer holds no state between requests, so it stays usable.
#[derive(Clone, Debug)]
pub struct ServiceSigner {
    client: reqwest::Client,
    url: String,
    alg: JwsAlgorithm,
    kid: Option<String>,
}

impl ServiceSigner {
    /// A signer for the service at `url` (its `/sign` endpoint), which
    /// signs with `alg` under the key ID `kid`.
    ///
    /// # Errors
    ///
    /// [`Error::Backend`] when no HTTP client can be made.
    pub fn new(
        url: impl Into<String>,
        alg: JwsAlgorithm,
        kid: Option<String>,
    ) -> Result<Self, Error> {
        let client = reqwest::Client::builder()
            .timeout(core::time::Duration::from_secs(5))
            .build()
            .map_err(|e| Error::Backend(BackendError::new("signing service", e)))?;
        Ok(Self {
            client,
            url: url.into(),
            alg,
            kid,
        })
    }

    async fn call(&self, signing_input: &[u8]) -> Result<Vec<u8>, Error> {
        let failed = |e: reqwest::Error| Error::Backend(BackendError::new("signing service", e));
        let answer: Signed = {
            let response = self
                .client
                .post(&self.url)
                .body(signing_input.to_vec())
                .send()
                .await
                .map_err(failed)?
                .error_for_status()
                .map_err(failed)?;
            let bytes = response.bytes().await.map_err(failed)?;
            serde_json::from_slice(&bytes)
                .map_err(|e| Error::Backend(BackendError::new("signing service", e)))?
        };
        if answer.algorithm != self.alg.name() {
            return Err(Error::Backend(BackendError::new(
                "signing service",
                "the service signed with another algorithm",
            )));
        }
        let raw = jose_core::b64::decode_standard("signing service signature", &answer.signature)?;
        match ecdsa_coordinate(self.alg) {
            Some(coordinate) => der_to_fixed(&raw, coordinate),
            None => Ok(raw),
        }
    }
}

impl AsyncSigner for ServiceSigner {
    fn algorithm(&self) -> JwsAlgorithm {
        self.alg
    }

    fn key_id(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    fn sign<'a>(&'a self, signing_input: &'a [u8]) -> BoxFuture<'a, Result<Vec<u8>, Error>> {
        Box::pin(self.call(signing_input))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn der_and_fixed_forms_convert_both_ways() {
        for coordinate in [32, 48, 66] {
            for (r0, s0) in [(0x01, 0x7f), (0x80, 0xff), (0x00, 0x00)] {
                let mut fixed = vec![0u8; coordinate * 2];
                fixed[0] = r0;
                fixed[coordinate - 1] = 0x11;
                fixed[coordinate] = s0;
                fixed[coordinate * 2 - 1] = 0x22;
                let der = fixed_to_der(&fixed).unwrap();
                assert_eq!(der_to_fixed(&der, coordinate).unwrap(), fixed);
            }
        }
        // An integer longer than the coordinate, or not DER at all.
        let long = fixed_to_der(&[0x55; 66 * 2]).unwrap();
        assert!(der_to_fixed(&long, 32).is_err());
        assert!(der_to_fixed(b"\x30\x03\x02\x01", 32).is_err());
        assert!(der_to_fixed(b"", 32).is_err());
    }
}
