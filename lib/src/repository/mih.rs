//! Multi-index hashing: finding 64-bit codes within a Hamming radius with
//! ordinary B-tree indexes.
//!
//! The 64-bit code is split into four 16-bit chunks, each stored in its own
//! indexed integer column (`c0` holds the most significant bits). If two codes
//! differ in at most `r` bits, the differing bits fall into four chunks, so at
//! least one chunk differs in at most ⌊r/4⌋ bits (pigeonhole). Looking up,
//! for every chunk of the query, all chunk values within ⌊r/4⌋ bits
//! ([`probes`]) therefore finds every code within `r` bits, together with
//! other candidates that the exact 64-bit distance then filters out.
//!
//! | radius `r` | chunk radius | values probed per chunk |
//! |---|---|---|
//! | 0–3 | 0 | 1 |
//! | 4–7 | 1 | 17 |
//! | 8–11 | 2 | 137 |

/// Number of chunks the 64-bit code is split into.
pub const CHUNKS: usize = 4;

/// Largest 64-bit search radius the repository accepts: chunk radius 2, 137
/// probes per chunk. Beyond it the candidate sets grow too large to be useful.
pub const MAX_RADIUS64: u32 = 11;

/// The four 16-bit chunks of a 64-bit code, most significant first.
pub fn chunks(code64: u64) -> [u16; CHUNKS] {
    // Truncation to the low 16 bits is the point of each cast.
    [
        (code64 >> 48) as u16,
        (code64 >> 32) as u16,
        (code64 >> 16) as u16,
        code64 as u16,
    ]
}

/// The radius within which at least one chunk of any code within `radius64`
/// bits of the query lies: ⌊radius64 / 4⌋.
pub fn chunk_radius(radius64: u32) -> u32 {
    radius64 / CHUNKS as u32
}

/// How many values [`probes`] returns for a chunk radius: Σ C(16, i) for i ≤ radius.
pub fn probe_count(chunk_radius: u32) -> usize {
    let mut total = 0usize;
    let mut binomial = 1usize; // C(16, i)
    for i in 0..=chunk_radius.min(16) as usize {
        total += binomial;
        binomial = binomial * (16 - i) / (i + 1);
    }
    total
}

/// Every 16-bit value within `chunk_radius` bits of `chunk`, the chunk itself
/// first, then by increasing distance. At most [`probe_count`] values.
pub fn probes(chunk: u16, chunk_radius: u32) -> Vec<u16> {
    let mut out = Vec::with_capacity(probe_count(chunk_radius));
    out.push(chunk);
    // Breadth by distance: flip combinations of `d` distinct bits.
    for d in 1..=chunk_radius.min(16) {
        flip(chunk, d, 0, &mut out);
    }
    out
}

/// Pushes `value` with every combination of `remaining` further bits flipped,
/// choosing bits at positions `from..16` (so each combination appears once).
fn flip(value: u16, remaining: u32, from: u32, out: &mut Vec<u16>) {
    if remaining == 0 {
        out.push(value);
        return;
    }
    for bit in from..16 {
        flip(value ^ (1u16 << bit), remaining - 1, bit + 1, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunk_split() {
        assert_eq!(
            chunks(0x0123_4567_89ab_cdef),
            [0x0123, 0x4567, 0x89ab, 0xcdef]
        );
    }

    #[test]
    fn probe_sets_are_complete_and_distinct() {
        for radius in 0..=3 {
            let mut p = probes(0xa5a5, radius);
            assert_eq!(p.len(), probe_count(radius));
            assert_eq!(p[0], 0xa5a5);
            assert!(p.iter().all(|v| (v ^ 0xa5a5).count_ones() <= radius));
            p.sort_unstable();
            p.dedup();
            assert_eq!(p.len(), probe_count(radius));
        }
        assert_eq!(probe_count(0), 1);
        assert_eq!(probe_count(1), 17);
        assert_eq!(probe_count(2), 137);
    }

    /// The pigeonhole guarantee: any code within `r` bits shares a chunk
    /// within ⌊r/4⌋ bits, so it is among the probed values.
    #[test]
    fn every_code_within_the_radius_is_probed() {
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        };
        for _ in 0..2000 {
            let query = next();
            for radius in 0..=MAX_RADIUS64 {
                let mut near = query;
                let mut flipped = 0;
                while flipped < radius {
                    let bit = 1u64 << (next() % 64);
                    if (near ^ query) & bit == 0 {
                        near ^= bit;
                        flipped += 1;
                    }
                }
                let (q, n) = (chunks(query), chunks(near));
                let found = (0..CHUNKS).any(|k| probes(q[k], chunk_radius(radius)).contains(&n[k]));
                assert!(
                    found,
                    "{near:016x} within {radius} of {query:016x} not probed"
                );
            }
        }
    }
}
