//! Strict base64url (RFC 7515 section 2).
//!
//! Decoding rejects padding, whitespace, characters outside the URL-safe
//! alphabet and non-canonical trailing bits: every byte string has exactly one
//! accepted encoding.
//!
//! Two codecs do the work. Public data (headers, payloads, signatures,
//! ciphertexts) goes through the fast `base64` crate (with `std`, its SIMD
//! engine: AVX2 or NEON when the CPU has them, detected once); secrets (JWK
//! `d`, `k`, RSA primes) through `base64ct`, whose constant-time code does
//! not leak the secret through timing ([`decode_secret`], [`encode_secret`]).

use alloc::borrow::Cow;
use alloc::string::String;
use alloc::vec::Vec;

use base64::Engine as _;
use base64ct::{Base64, Base64UrlUnpadded, Encoding};
use zeroize::Zeroizing;

use crate::error::{Error, MalformedReason};

/// The codec of public data: base64's SIMD engine, configured as its
/// `URL_SAFE_NO_PAD` (no padding written or accepted, no trailing bits).
#[cfg(feature = "std")]
fn public() -> &'static base64::engine::Simd {
    use base64::engine::general_purpose::NO_PAD;
    static ENGINE: std::sync::LazyLock<base64::engine::Simd> =
        std::sync::LazyLock::new(|| base64::engine::Simd::url_safe(NO_PAD));
    &ENGINE
}

/// The codec of public data without `std`: the scalar `URL_SAFE_NO_PAD`.
#[cfg(not(feature = "std"))]
fn public() -> &'static base64::engine::GeneralPurpose {
    &base64::engine::general_purpose::URL_SAFE_NO_PAD
}

/// Encodes public `data` as unpadded base64url.
pub fn encode(data: &[u8]) -> String {
    public().encode(data)
}

/// Encodes secret `data` as unpadded base64url, in constant time.
pub fn encode_secret(data: &[u8]) -> String {
    Base64UrlUnpadded::encode_string(data)
}

/// Appends the unpadded base64url encoding of public `data` to `out`,
/// without an allocation when `out` has room.
pub fn encode_into(data: &[u8], out: &mut String) {
    // Encoded on the stack in large pieces (the SIMD engine works best on
    // long runs), each appended as text: base64 output is ASCII, so the
    // UTF-8 check never fails.
    let mut buf = [0u8; 4096];
    for piece in data.chunks(3072) {
        let Ok(len) = public().encode_slice(piece, &mut buf) else {
            return;
        };
        if let Ok(text) = core::str::from_utf8(buf.get(..len).unwrap_or_default()) {
            out.push_str(text);
        }
    }
}

/// Decodes strict unpadded base64url of public data. `what` names the part
/// or member for the error, such as `"jwk \"n\""`.
///
/// # Errors
///
/// [`MalformedReason::Base64`] for anything but canonical unpadded base64url.
pub fn decode(what: impl Into<Cow<'static, str>>, text: &str) -> Result<Vec<u8>, Error> {
    public()
        .decode(text)
        .map_err(|_| Error::malformed(what, MalformedReason::Base64))
}

/// Decodes strict unpadded base64url of public data into `buf` when it
/// fits there (a stack buffer of the caller's), into a new vector when not.
/// Accepts and refuses what [`decode`] does.
///
/// # Errors
///
/// As [`decode`].
pub fn decode_buffered<'b>(
    what: impl Into<Cow<'static, str>>,
    text: &str,
    buf: &'b mut [u8],
) -> Result<Cow<'b, [u8]>, Error> {
    // The decoder wants room for whole 3-byte groups.
    if text.len().div_ceil(4).saturating_mul(3) > buf.len() {
        return decode(what, text).map(Cow::Owned);
    }
    let len = public()
        .decode_slice(text, buf)
        .map_err(|_| Error::malformed(what, MalformedReason::Base64))?;
    Ok(Cow::Borrowed(buf.get(..len).unwrap_or_default()))
}

/// Decodes strict unpadded base64url into a buffer that is zeroized on drop,
/// for secret values.
///
/// # Errors
///
/// As [`decode`].
pub fn decode_secret(
    what: impl Into<Cow<'static, str>>,
    text: &str,
) -> Result<Zeroizing<Vec<u8>>, Error> {
    // Decoded into a zeroizing buffer of the largest possible size, so that
    // a failure half-way frees no partly decoded secret.
    let mut out = Zeroizing::new(alloc::vec![0u8; text.len().saturating_mul(3) / 4 + 1]);
    let len = Base64UrlUnpadded::decode(text, &mut out)
        .map_err(|_| Error::malformed(what, MalformedReason::Base64))?
        .len();
    out.truncate(len);
    Ok(out)
}

/// Encodes `data` as padded standard base64 (RFC 4648 section 4), as the JWK
/// and header member `x5c` requires (RFC 7517 section 4.7).
pub fn encode_standard(data: &[u8]) -> String {
    Base64::encode_string(data)
}

/// Decodes padded standard base64 (for `x5c`), strictly.
///
/// # Errors
///
/// [`MalformedReason::Base64`] for anything but canonical padded base64.
pub fn decode_standard(what: impl Into<Cow<'static, str>>, text: &str) -> Result<Vec<u8>, Error> {
    Base64::decode_vec(text).map_err(|_| Error::malformed(what, MalformedReason::Base64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        for len in 0..70 {
            let data: Vec<u8> = (0..len)
                .map(|i: u8| i.wrapping_mul(37).wrapping_add(11))
                .collect();
            let text = encode(&data);
            assert_eq!(decode("t", &text).unwrap(), data);
            let mut s = String::from("x.");
            encode_into(&data, &mut s);
            assert_eq!(&s[2..], text);
        }
        // Across the pieces of encode_into.
        for len in [3071, 3072, 3073, 6144, 10_000] {
            let data: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            let mut s = String::new();
            encode_into(&data, &mut s);
            assert_eq!(s, encode(&data));
            assert_eq!(decode("t", &s).unwrap(), data);
        }
    }

    #[test]
    fn buffered_decoding_agrees_on_the_stack_and_off_it() {
        for len in 0..70 {
            let data: Vec<u8> = (0..len).map(|i: u8| i.wrapping_mul(53)).collect();
            let text = encode(&data);
            let mut small = [0u8; 16];
            let mut large = [0u8; 128];
            let off = decode_buffered("t", &text, &mut small).unwrap();
            assert_eq!(*off, data[..]);
            assert_eq!(
                matches!(off, Cow::Borrowed(_)),
                text.len().div_ceil(4) * 3 <= 16
            );
            let on = decode_buffered("t", &text, &mut large).unwrap();
            assert!(matches!(on, Cow::Borrowed(_)));
            assert_eq!(*on, data[..]);
        }
        for bad in ["QQ==", "QR", "A+z/", "A", "QQ\n"] {
            let mut buf = [0u8; 64];
            assert!(decode_buffered("t", bad, &mut buf).is_err(), "{bad:?}");
            let mut none = [0u8; 0];
            assert!(decode_buffered("t", bad, &mut none).is_err(), "{bad:?}");
        }
    }

    /// The SIMD engine accepts, refuses and produces exactly what the
    /// scalar one does, on every length around its 24- and 32-byte blocks
    /// and with each position replaced by each interesting character.
    #[test]
    fn public_codec_agrees_with_the_scalar_engine() {
        use base64::engine::general_purpose::URL_SAFE_NO_PAD as SCALAR;
        for len in 0..130 {
            let data: Vec<u8> = (0..len)
                .map(|i: u8| i.wrapping_mul(167).wrapping_add(29))
                .collect();
            let text = encode(&data);
            assert_eq!(text, SCALAR.encode(&data));
            assert_eq!(decode("t", &text).unwrap(), data);
            for at in 0..text.len() {
                for c in ['A', '_', '-', '+', '/', '=', ' ', '\n', '\0', 'é'] {
                    let mut bad = String::from(text.get(..at).unwrap());
                    bad.push(c);
                    bad.push_str(text.get(at + 1..).unwrap());
                    assert_eq!(decode("t", &bad).ok(), SCALAR.decode(&bad).ok(), "{bad:?}");
                }
            }
        }
    }

    #[test]
    fn rfc_7515_example() {
        // RFC 7515 appendix C.
        assert_eq!(encode(&[3, 236, 255, 224, 193]), "A-z_4ME");
        assert_eq!(decode("t", "A-z_4ME").unwrap(), [3, 236, 255, 224, 193]);
    }

    #[test]
    fn rejects_padding_whitespace_and_foreign_characters() {
        for bad in [
            "A-z_4ME=",
            "QQ==",
            "A-z_ 4ME",
            "A-z_4ME\n",
            "A+z/4ME",
            "A-z_4M*",
            "A",
        ] {
            assert_eq!(
                decode("t", bad),
                Err(Error::malformed("t", MalformedReason::Base64)),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn rejects_non_canonical_trailing_bits() {
        // "QQ" is the canonical encoding of "A"; "QR" has non-zero spare bits.
        assert_eq!(decode("t", "QQ").unwrap(), b"A");
        assert!(decode("t", "QR").is_err());
        assert!(decode("t", "QUI").is_ok());
        assert!(decode("t", "QUJ").is_err());
    }

    #[test]
    fn secret_codec_agrees_and_is_as_strict() {
        for len in 0..40 {
            let data: Vec<u8> = (0..len).map(|i: u8| i.wrapping_mul(91)).collect();
            let text = encode(&data);
            assert_eq!(encode_secret(&data), text);
            assert_eq!(*decode_secret("t", &text).unwrap(), data);
        }
        for bad in ["QQ==", "QR", "A+z/", "A", "QQ\n"] {
            assert!(decode_secret("t", bad).is_err(), "{bad:?}");
            assert!(decode("t", bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn standard_base64_for_x5c() {
        assert_eq!(encode_standard(b"\xfb\xff"), "+/8=");
        assert_eq!(decode_standard("x5c", "+/8=").unwrap(), b"\xfb\xff");
        assert!(decode_standard("x5c", "-_8").is_err());
    }
}
