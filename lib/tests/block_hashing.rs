//! Large RIFF files are hashed by hallmark in blocks; the verdict and the
//! status codes must be exactly what the C2PA engine gives.

use hallmark::sign::SignOptions;
use hallmark::{State, Verifier};
use hallmark_test_support::library::*;
use hallmark_test_support::paths::*;

fn both_ways(
    verifier: &Verifier,
    name: &str,
    bytes: &[u8],
) -> (hallmark::Report, hallmark::Report) {
    let engine = verifier.clone().with_block_hashing_from(u64::MAX);
    let blocks = verifier.clone().with_block_hashing_from(0);
    (
        engine.verify_bytes(name, None, bytes).unwrap(),
        blocks.verify_bytes(name, None, bytes).unwrap(),
    )
}

#[test]
fn block_hashing_gives_the_engines_report() {
    for name in ["sample.wav", "sample.avi"] {
        let signed = sign_bytes(&media_dir().join(name), &SignOptions::default());
        let mut tampered = signed.clone();
        let at = tampered.len() / 3;
        tampered[at] ^= 0x20;
        let unsigned = std::fs::read(media_dir().join(name)).unwrap();
        for (case, bytes) in [
            ("signed", &signed),
            ("tampered", &tampered),
            ("unsigned", &unsigned),
        ] {
            for (who, verifier) in [("untrusting", untrusting()), ("trusting", trusting())] {
                let (engine, blocks) = both_ways(&verifier, name, bytes);
                assert_eq!(blocks, engine, "{name} {case} {who}");
            }
        }
        let (_, blocks) = both_ways(&trusting(), name, &signed);
        assert_eq!(blocks.state, State::Trusted);
        let (_, blocks) = both_ways(&trusting(), name, &tampered);
        assert_eq!(blocks.state, State::Invalid);
        assert!(blocks.has_status("assertion.dataHash.mismatch"));
    }
}

#[test]
fn the_state_rule_matches_the_engine_everywhere() {
    for (path, format) in signable_samples() {
        let signed = sign_bytes(&path, &SignOptions::default());
        let mut tampered = signed.clone();
        let at = tampered.len() - 50;
        tampered[at] ^= 1;
        for bytes in [&signed, &tampered] {
            for verifier in [untrusting(), trusting()] {
                if let Ok(report) = verifier.verify_bytes("x", Some(format), bytes) {
                    assert_eq!(
                        hallmark::verify::state_from_statuses(&report.statuses),
                        report.state,
                        "{}",
                        path.display()
                    );
                }
            }
        }
    }
}
