//! Ranking candidates: exact distances, the thresholds, one result per
//! manifest, ordered by 256-bit distance then manifest id.

use super::error::{Error, Result};
use super::fingerprint::Fingerprint;

/// A manifest whose fingerprint lies within the repository's thresholds of
/// the query.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Match {
    /// The manifest's id, for [`Repository::manifest`](super::Repository::manifest).
    pub manifest_id: String,
    /// Differing bits between the 256-bit bodies (what the ranking uses).
    pub distance256: u32,
    /// Differing bits between the 64-bit codes (what the candidate search used).
    pub distance64: u32,
}

impl Match {
    /// A similarity score from 0 to 100 for the Soft Binding Resolution API's
    /// `similarityScore`: the share of equal bits of the 256-bit bodies,
    /// rounded down.
    pub fn similarity_score(&self) -> u8 {
        let equal = 256u32.saturating_sub(self.distance256.min(256));
        // At most 100, so the conversion cannot fail.
        u8::try_from(equal * 100 / 256).unwrap_or(100)
    }
}

/// Collects the candidates that pass both thresholds.
///
/// Holds only candidates within the thresholds, which the candidate cap bounds.
#[derive(Debug)]
pub(crate) struct Ranker {
    query: Fingerprint,
    radius64: u32,
    max_distance256: u32,
    found: Vec<Match>,
}

impl Ranker {
    pub(crate) fn new(query: Fingerprint, radius64: u32, max_distance256: u32) -> Self {
        Self {
            query,
            radius64,
            max_distance256,
            found: Vec::new(),
        }
    }

    /// Considers a candidate: its manifest id and its stored soft-binding value.
    pub(crate) fn offer(&mut self, manifest_id: String, value: &[u8]) -> Result<()> {
        let stored = Fingerprint::from_unit(value).map_err(|e| Error::Corrupt {
            action: "ranking candidates",
            reason: format!(
                "manifest {manifest_id:?} has a stored fingerprint that does not parse: {e}"
            ),
        })?;
        let distance64 = self.query.distance64(&stored);
        if distance64 > self.radius64 {
            return Ok(());
        }
        let distance256 = self.query.distance256(&stored);
        if distance256 > self.max_distance256 {
            return Ok(());
        }
        self.found.push(Match {
            manifest_id,
            distance256,
            distance64,
        });
        Ok(())
    }

    /// The best `max_results` matches, one per manifest (its closest binding),
    /// by 256-bit distance, then manifest id.
    pub(crate) fn finish(mut self, max_results: usize) -> Vec<Match> {
        self.found.sort_unstable_by(|a, b| {
            (&a.manifest_id, a.distance256, a.distance64).cmp(&(
                &b.manifest_id,
                b.distance256,
                b.distance64,
            ))
        });
        self.found
            .dedup_by(|later, first| later.manifest_id == first.manifest_id);
        self.found.sort_unstable_by(|a, b| {
            (a.distance256, &a.manifest_id).cmp(&(b.distance256, &b.manifest_id))
        });
        self.found.truncate(max_results);
        self.found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(first: u8, last: u8) -> Vec<u8> {
        let mut body = [0u8; 32];
        body[0] = first;
        body[31] = last;
        Fingerprint::from_body(body).to_unit().to_vec()
    }

    #[test]
    fn thresholds_ordering_and_dedup() {
        let mut r = Ranker::new(Fingerprint::from_body([0; 32]), 3, 10);
        r.offer("b".into(), &unit(0b1, 0)).unwrap(); // 1 / 1
        r.offer("a".into(), &unit(0b1, 0b11)).unwrap(); // 1 / 3
        r.offer("a".into(), &unit(0, 0b1)).unwrap(); // 0 / 1: a's best
        r.offer("c".into(), &unit(0b1111, 0)).unwrap(); // 64-bit distance 4 > 3
        r.offer("d".into(), &unit(0, 0xff)).unwrap(); // 0 / 8
        r.offer("e".into(), &unit(0b111, 0xff)).unwrap(); // 3 / 11 > 10
        let found = r.finish(10);
        let ids: Vec<_> = found
            .iter()
            .map(|m| (m.manifest_id.as_str(), m.distance256, m.distance64))
            .collect();
        assert_eq!(ids, [("a", 1, 0), ("b", 1, 1), ("d", 8, 0)]);
    }

    #[test]
    fn corrupt_values_are_reported() {
        let mut r = Ranker::new(Fingerprint::from_body([0; 32]), 3, 10);
        assert!(matches!(
            r.offer("x".into(), &[1, 2, 3]),
            Err(Error::Corrupt { .. })
        ));
    }

    #[test]
    fn scores() {
        let m = |d| Match {
            manifest_id: String::new(),
            distance256: d,
            distance64: 0,
        };
        assert_eq!(m(0).similarity_score(), 100);
        assert_eq!(m(128).similarity_score(), 50);
        assert_eq!(m(256).similarity_score(), 0);
        assert_eq!(m(999).similarity_score(), 0);
    }
}
