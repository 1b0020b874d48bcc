//! Reading a JWS **without verifying it**.
//!
//! <div class="warning">
//!
//! Nothing returned here is authentic: anyone can write any header and
//! payload. Use it only to pick a key (the header's `kid`) or to show a token
//! to a person, never for a trust decision. To read a payload you can trust,
//! use [`Verification`](crate::Verification).
//!
//! </div>

use alloc::vec::Vec;

use jose_core::{Error, Header, b64};

use crate::Limits;
use crate::parse;

/// An unverified JWS: its first signature's headers and its payload.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Unverified {
    /// The protected header of the first signature. Not verified.
    pub protected: Header,
    /// The payload, if attached and not empty. Not verified.
    pub payload: Option<Vec<u8>>,
}

/// Decodes a JWS in any serialization without checking any signature.
///
/// # Errors
///
/// [`Error::Malformed`] for input that is not a JWS.
pub fn decode_unverified(input: &str) -> Result<Unverified, Error> {
    let limits = Limits::default();
    let raw = parse::any(input, &limits)?;
    let protected = jose_core::header::decode_protected_header(
        &raw.signatures.first.protected_b64,
        limits.max_header,
    )?;
    let payload = match &raw.payload {
        // An empty compact payload may be detached: report none.
        None => None,
        Some(p) if p.is_empty() => None,
        Some(p) if protected.b64 == Some(false) => Some(p.as_bytes().to_vec()),
        Some(p) => Some(b64::decode("payload", p)?),
    };
    Ok(Unverified { protected, payload })
}
