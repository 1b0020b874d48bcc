//! The ROCA fingerprint (CVE-2017-15361, Nemec et al., "The Return of
//! Coppersmith's Attack", CCS 2017): RSA moduli made by a flawed Infineon
//! library have primes of the form `k * M + (65537^a mod M)`, so the
//! modulus, reduced modulo each small prime `p` dividing `M`, lies in the
//! subgroup that 65537 generates modulo `p`. Such keys can be factored;
//! a random modulus shows the pattern for all these primes with
//! negligible probability.

/// The small primes of the test: those of `M` for the key sizes the
/// flawed library made (512 to 2048 bits and above).
const PRIMES: [u32; 38] = [
    3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97,
    101, 103, 107, 109, 113, 127, 131, 137, 139, 149, 151, 157, 163, 167,
];

/// The generator of the flawed primes' residues.
const GENERATOR: u32 = 65_537;

/// Whether the big-endian modulus `n` has the ROCA fingerprint.
pub(crate) fn has_fingerprint(n: &[u8]) -> bool {
    PRIMES.iter().all(|&p| {
        let residue = n.iter().fold(0u32, |r, &b| (r * 256 + u32::from(b)) % p);
        in_subgroup(residue, p)
    })
}

/// Whether `residue` is a power of [`GENERATOR`] modulo `p`.
fn in_subgroup(residue: u32, p: u32) -> bool {
    let g = GENERATOR % p;
    let mut power = 1 % p;
    // The subgroup has at most p - 1 elements: walk it once.
    for _ in 0..p {
        if power == residue {
            return true;
        }
        power = power * g % p;
        if power == 1 {
            return false;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subgroup_of_65537() {
        // 65537 = 2 (mod 17), and 2 has order 8 there.
        let powers = [1, 2, 4, 8, 16, 15, 13, 9];
        for r in 0..17 {
            assert_eq!(in_subgroup(r, 17), powers.contains(&r), "{r}");
        }
        // 0 is never a power.
        assert!(!in_subgroup(0, 7));
    }

    #[test]
    fn a_power_of_65537_is_flagged() {
        // Every residue of 65537^7 is a power of 65537; times 3 it is 0
        // modulo 3, which no power is.
        let m = 65_537u128.pow(7);
        assert!(has_fingerprint(&m.to_be_bytes()));
        assert!(!has_fingerprint(&(m * 3).to_be_bytes()));
    }
}
