//! Ranking candidates: exact distances, the thresholds, one result per
//! manifest and then one per signing certificate (its closest), ordered so
//! that nobody can crowd a creator out: manifests that were trusted when
//! published first, then by 256-bit distance, then the earliest published.

use std::collections::HashSet;

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
    /// Whether the manifest's signer chained to the service's trust anchors
    /// when it was published (trusted manifests rank first).
    pub trusted: bool,
    /// The SHA-256 of the signer certificate, when it was recorded: at most
    /// one match per certificate is returned.
    pub signer_certificate: Option<String>,
    /// When it was published, in microseconds since the Unix epoch (the
    /// earliest ranks first among equals).
    pub published_at: i64,
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

    /// How matches rank: trusted first, then closer, then earlier, then by id.
    fn rank_key(&self) -> (bool, u32, i64, &str) {
        (
            !self.trusted,
            self.distance256,
            self.published_at,
            &self.manifest_id,
        )
    }
}

/// A candidate row: a published manifest's binding and what ranks it.
#[derive(Debug)]
pub(crate) struct Candidate {
    /// The manifest's id.
    pub(crate) manifest_id: String,
    /// The stored soft-binding value.
    pub(crate) value: Vec<u8>,
    /// `trusted` or `valid`, as stored.
    pub(crate) validation: String,
    /// The signer certificate's SHA-256, if recorded.
    pub(crate) signer_certificate: Option<String>,
    /// Microseconds since the Unix epoch.
    pub(crate) published_at: i64,
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

    /// Considers a candidate.
    pub(crate) fn offer(&mut self, candidate: Candidate) -> Result<()> {
        let Candidate {
            manifest_id,
            value,
            validation,
            signer_certificate,
            published_at,
        } = candidate;
        let stored = Fingerprint::from_unit(&value).map_err(|e| Error::Corrupt {
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
            trusted: validation == "trusted",
            signer_certificate,
            published_at,
        });
        Ok(())
    }

    /// The best `max_results` matches: one per manifest (its closest
    /// binding), then one per signing certificate (its best-ranked
    /// manifest), ranked trusted first, then by 256-bit distance, then the
    /// earliest published, then by manifest id.
    pub(crate) fn finish(mut self, max_results: usize) -> Vec<Match> {
        self.found
            .sort_unstable_by(|a, b| a.rank_key().cmp(&b.rank_key()));
        let mut seen_manifests: HashSet<String> = HashSet::new();
        let mut seen_signers: HashSet<String> = HashSet::new();
        let mut kept = Vec::new();
        for found in self.found {
            if kept.len() == max_results {
                break;
            }
            if !seen_manifests.insert(found.manifest_id.clone()) {
                continue;
            }
            if let Some(certificate) = &found.signer_certificate
                && !seen_signers.insert(certificate.clone())
            {
                continue;
            }
            kept.push(found);
        }
        kept
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

    fn candidate(id: &str, value: Vec<u8>) -> Candidate {
        signed(id, value, "valid", None, 0)
    }

    fn signed(
        id: &str,
        value: Vec<u8>,
        validation: &str,
        signer: Option<&str>,
        at: i64,
    ) -> Candidate {
        Candidate {
            manifest_id: id.into(),
            value,
            validation: validation.into(),
            signer_certificate: signer.map(str::to_owned),
            published_at: at,
        }
    }

    #[test]
    fn thresholds_ordering_and_dedup() {
        let mut r = Ranker::new(Fingerprint::from_body([0; 32]), 3, 10);
        r.offer(candidate("b", unit(0b1, 0))).unwrap(); // 1 / 1
        r.offer(candidate("a", unit(0b1, 0b11))).unwrap(); // 1 / 3
        r.offer(candidate("a", unit(0, 0b1))).unwrap(); // 0 / 1: a's best
        r.offer(candidate("c", unit(0b1111, 0))).unwrap(); // 64-bit distance 4 > 3
        r.offer(candidate("d", unit(0, 0xff))).unwrap(); // 0 / 8
        r.offer(candidate("e", unit(0b111, 0xff))).unwrap(); // 3 / 11 > 10
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
            r.offer(candidate("x", vec![1, 2, 3])),
            Err(Error::Corrupt { .. })
        ));
    }

    #[test]
    fn scores() {
        let m = |d| Match {
            manifest_id: String::new(),
            distance256: d,
            distance64: 0,
            trusted: false,
            signer_certificate: None,
            published_at: 0,
        };
        assert_eq!(m(0).similarity_score(), 100);
        assert_eq!(m(128).similarity_score(), 50);
        assert_eq!(m(256).similarity_score(), 0);
        assert_eq!(m(999).similarity_score(), 0);
    }

    #[test]
    fn one_match_per_signer_trusted_first_then_closest_then_earliest() {
        let mut r = Ranker::new(Fingerprint::from_body([0; 32]), 3, 20);
        // Ten throwaway signers with four copies each, closer than the creator.
        for signer in 0..10 {
            for copy in 0..4 {
                let id = format!("spam-{signer}-{copy}");
                let s = format!("{signer:064}");
                r.offer(signed(
                    &id,
                    unit(0, copy),
                    "valid",
                    Some(&s),
                    100 + i64::from(copy),
                ))
                .unwrap();
            }
        }
        // The creator, published first, two bits away, trusted.
        r.offer(signed(
            "creator",
            unit(0, 0b11),
            "trusted",
            Some(&"c".repeat(64)),
            1,
        ))
        .unwrap();
        let found = r.finish(5);
        assert_eq!(found[0].manifest_id, "creator");
        let signers: std::collections::HashSet<_> =
            found.iter().map(|m| m.signer_certificate.clone()).collect();
        assert_eq!(
            signers.len(),
            found.len(),
            "one match per signer: {found:?}"
        );
        // Each spammer's closest copy (copy 0, distance 0) is the one kept.
        assert!(
            found[1..].iter().all(|m| m.manifest_id.ends_with("-0")),
            "{found:?}"
        );

        // Untrusted, the creator still ranks by distance, then publication time.
        let mut r = Ranker::new(Fingerprint::from_body([0; 32]), 3, 20);
        r.offer(signed(
            "creator",
            unit(0, 0),
            "valid",
            Some(&"c".repeat(64)),
            1,
        ))
        .unwrap();
        for signer in 0..10 {
            let s = format!("{signer:064}");
            r.offer(signed(
                &format!("spam-{signer}"),
                unit(0, 0),
                "valid",
                Some(&s),
                50,
            ))
            .unwrap();
        }
        assert_eq!(r.finish(5)[0].manifest_id, "creator");
    }
}
