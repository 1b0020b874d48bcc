//! [`Secret`]: bytes that are zeroized on drop, compared in constant time and
//! never printed.

use alloc::borrow::Cow;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use subtle::ConstantTimeEq;
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::b64;
use crate::error::Error;

/// Secret bytes: a private key member (`d`, `p`, `k`, ...), a CEK, a password.
///
/// Zeroized on drop, compared in constant time, and printed as `Secret(***)`.
#[derive(Clone, Default, Zeroize, ZeroizeOnDrop)]
pub struct Secret(Vec<u8>);

impl Secret {
    /// Takes ownership of `bytes`.
    pub fn new(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }

    /// Copies `bytes`.
    pub fn from_slice(bytes: &[u8]) -> Self {
        Self(bytes.to_vec())
    }

    /// Decodes strict base64url into a secret, zeroizing the intermediate
    /// buffers. `what` names the member for errors.
    ///
    /// # Errors
    ///
    /// As [`b64::decode`].
    pub fn from_b64(what: impl Into<Cow<'static, str>>, text: &str) -> Result<Self, Error> {
        let mut bytes = b64::decode_secret(what, text)?;
        Ok(Self(core::mem::take(&mut *bytes)))
    }

    /// The secret bytes. Handle with care: do not log or copy them around.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }

    /// The length in bytes (not secret).
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the secret is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The base64url encoding, for serializing a private JWK.
    pub fn to_b64(&self) -> zeroize::Zeroizing<String> {
        zeroize::Zeroizing::new(b64::encode_secret(&self.0))
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl PartialEq for Secret {
    fn eq(&self, other: &Self) -> bool {
        self.0.ct_eq(&other.0).into()
    }
}

impl Eq for Secret {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_bytes() {
        assert_eq!(
            alloc::format!("{:?}", Secret::from_slice(b"hunter2")),
            "Secret(***)"
        );
    }

    #[test]
    fn compares_by_value() {
        assert_eq!(Secret::from_slice(b"ab"), Secret::from_slice(b"ab"));
        assert_ne!(Secret::from_slice(b"ab"), Secret::from_slice(b"ac"));
        assert_ne!(Secret::from_slice(b"ab"), Secret::from_slice(b"abc"));
    }
}
