//! Reading a JWT **without verifying it**.
//!
//! <div class="warning">
//!
//! Nothing returned here is authentic: anyone can write any header and
//! claims. Use it to look at a token or to pick a key, never for a trust
//! decision; use [`decode`](crate::decode) for that.
//!
//! </div>

use jose_core::json::{self, Object};
use jose_core::{Error, Header, MalformedReason};

/// An unverified JWT: its header and its claims as JSON.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Unverified {
    /// The protected header. Not verified.
    pub header: Header,
    /// The claims. Not verified, not validated.
    pub claims: Object,
}

/// Decodes a signed JWT without checking its signature or its claims.
///
/// # Errors
///
/// [`Error::Malformed`] for a token that is not a JWS with a JSON payload.
pub fn decode_unverified(token: &str) -> Result<Unverified, Error> {
    let jws = jose_jws::danger::decode_unverified(token)?;
    let payload = jws
        .payload
        .ok_or_else(|| Error::malformed("jwt payload", MalformedReason::Missing))?;
    Ok(Unverified {
        header: jws.protected,
        claims: json::parse_object("jwt claims", &payload)?,
    })
}
