//! EME-OAEP decoding (RFC 8017 section 7.1.2, step 3) in constant time, for
//! tokens that can only do raw RSA (`CKM_RSA_X_509`).
//!
//! Every failure is the same [`Error::DecryptionFailed`], decided after the
//! whole message was processed, so that the time taken does not say which
//! check failed (Manger's attack).

use jose_core::{Error, HashAlgorithm, Hasher};
use subtle::{Choice, ConditionallySelectable, ConstantTimeEq};
use zeroize::Zeroizing;

/// MGF1 (RFC 8017 appendix B.2.1): XORs the mask of `seed` into `out`.
fn mgf1_xor(
    hasher: &dyn Hasher,
    hash: HashAlgorithm,
    seed: &[u8],
    out: &mut [u8],
) -> Result<(), Error> {
    let mut input = Zeroizing::new(Vec::with_capacity(seed.len() + 4));
    for (counter, chunk) in (0u32..).zip(out.chunks_mut(hash.output_len())) {
        input.clear();
        input.extend_from_slice(seed);
        input.extend_from_slice(&counter.to_be_bytes());
        let mask = Zeroizing::new(hasher.hash(hash, &input)?);
        for (o, m) in chunk.iter_mut().zip(mask.iter()) {
            *o ^= m;
        }
    }
    Ok(())
}

/// Decodes an EME-OAEP encoded message `em` of a `k`-byte modulus, with an
/// empty label, hashing with `hasher` (the token's software provider).
pub(crate) fn decode(
    hasher: &dyn Hasher,
    hash: HashAlgorithm,
    em: &[u8],
    k: usize,
) -> Result<Zeroizing<Vec<u8>>, Error> {
    let h_len = hash.output_len();
    if k < 2 * h_len + 2 || em.len() > k {
        return Err(Error::DecryptionFailed);
    }
    // Keep leading zeros: left-pad to k bytes.
    let mut padded = Zeroizing::new(vec![0u8; k]);
    if let Some(dst) = padded.get_mut(k - em.len()..) {
        dst.copy_from_slice(em);
    }
    let (y, rest) = padded.split_at_mut(1);
    let (masked_seed, masked_db) = rest.split_at_mut(h_len);
    let mut seed = Zeroizing::new(masked_seed.to_vec());
    mgf1_xor(hasher, hash, masked_db, &mut seed)?;
    let mut db = Zeroizing::new(masked_db.to_vec());
    mgf1_xor(hasher, hash, &seed, &mut db)?;

    let l_hash = hasher.hash(hash, b"")?;
    let mut good = y.first().map_or(Choice::from(0), |b| b.ct_eq(&0));
    good &= db
        .get(..h_len)
        .map_or(Choice::from(0), |h| h.ct_eq(&l_hash));

    // Find the 0x01 after the zero padding without branching on secrets.
    let mut looking = Choice::from(1);
    let mut index: u32 = 0;
    let mut bad_padding = Choice::from(0);
    for (i, b) in (0u32..).zip(db.iter().skip(h_len)) {
        let is_one = b.ct_eq(&1);
        let is_zero = b.ct_eq(&0);
        index.conditional_assign(&i, looking & is_one);
        bad_padding |= looking & !is_one & !is_zero;
        looking &= !is_one;
    }
    good &= !looking & !bad_padding;
    if !bool::from(good) {
        return Err(Error::DecryptionFailed);
    }
    let start = h_len + usize::try_from(index).map_err(|_| Error::DecryptionFailed)? + 1;
    Ok(Zeroizing::new(db.get(start..).unwrap_or_default().to_vec()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const HASHER: &dyn Hasher = jose_rustcrypto::PROVIDER.hasher;

    /// Encodes like RFC 8017 section 7.1.1 (for the test only).
    fn encode(hash: HashAlgorithm, m: &[u8], k: usize, seed: &[u8]) -> Vec<u8> {
        let h_len = hash.output_len();
        let mut db = HASHER.hash(hash, b"").unwrap();
        db.resize(k - m.len() - h_len - 2, 0);
        db.push(1);
        db.extend_from_slice(m);
        let mut masked_db = db.clone();
        mgf1_xor(HASHER, hash, seed, &mut masked_db).unwrap();
        let mut masked_seed = seed.to_vec();
        mgf1_xor(HASHER, hash, &masked_db, &mut masked_seed).unwrap();
        let mut em = vec![0u8];
        em.extend_from_slice(&masked_seed);
        em.extend_from_slice(&masked_db);
        em
    }

    #[test]
    fn round_trips_and_refuses_tampering() {
        for hash in [
            HashAlgorithm::Sha1,
            HashAlgorithm::Sha256,
            HashAlgorithm::Sha384,
            HashAlgorithm::Sha512,
        ] {
            let seed = vec![7u8; hash.output_len()];
            let em = encode(hash, b"0123456789abcdef", 256, &seed);
            assert_eq!(
                &*decode(HASHER, hash, &em, 256).unwrap(),
                b"0123456789abcdef"
            );
            // Leading zero dropped by a token: still decodes.
            assert_eq!(
                &*decode(HASHER, hash, &em[1..], 256).unwrap(),
                b"0123456789abcdef"
            );
            for i in [0, 1, 40, 120, 255] {
                let mut bad = em.clone();
                bad[i] ^= 1;
                assert_eq!(
                    decode(HASHER, hash, &bad, 256).unwrap_err(),
                    Error::DecryptionFailed
                );
            }
        }
        assert!(decode(HASHER, HashAlgorithm::Sha256, &[0u8; 300], 256).is_err());
    }
}
